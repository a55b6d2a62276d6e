#!/bin/bash
# A workbook is converted beside the load, through a pipe (issue: the xlsx
# form loaded in over 3x the CSV's time because the conversion ran first):
# a large workbook whose sheet breaks half-way fails with the workbook's own
# error and loads nothing; one whose header is wrong fails at once with the
# header's error while its conversion is still writing (the pipe closed: no
# hang, no signal); a good one loads every row with Excel's row numbers.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || {
    echo "skipped: python3 writes the workbooks"
    exit 77
}
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
# workbook DIR ROWS HEADER BREAK_AT: DIR/inpatients.xlsx of ROWS rows under
# HEADER (comma-separated), its sheet cut with a bad tag after BREAK_AT rows
# (0: whole); inline strings, as a script would write them
workbook() {
    python3 - "$@" "$(id_for 1)" <<'PY'
import sys, zipfile
d, n, hdr, brk, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), int(sys.argv[4]), sys.argv[5]
ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
def row(r, cells):
    return '<row r="%d">%s</row>' % (r, "".join(
        '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i), r, v) for i, v in enumerate(cells)))
rows = [row(1, hdr)]
for i in range(2, n + 2):
    rows.append(row(i, ["H11010500001", "W01", "Ward", str(i - 1), "A%d" % i, "N", pid if i == 2 else ""]))
    if brk and i == brk:
        rows.append("</rowX>")
        break
z = zipfile.ZipFile(d + "/inpatients.xlsx", "w", zipfile.ZIP_DEFLATED)
z.writestr("xl/workbook.xml", '<workbook %s xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>' % ns)
z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>')
z.writestr("xl/worksheets/sheet1.xml", "<worksheet %s><sheetData>%s</sheetData></worksheet>" % (ns, "".join(rows)))
z.close()
PY
}
hdr=site_code,ward_code,ward,bed,admission_no,name,id_number

mission_json "$TEST_TMP/broken" BROKEN night
workbook "$TEST_TMP/broken" 150000 "$hdr" 100000
expect_exit 2 timeout 60 "$FC" mission load --partial "$TEST_TMP/broken"
expect_contains "$ERR" "mismatched tag"
expect_not_contains "$("$FC" mission list 2>&1)" BROKEN

mission_json "$TEST_TMP/header" HEADER night
workbook "$TEST_TMP/header" 150000 nonsense 0
expect_exit 2 timeout 60 "$FC" mission load "$TEST_TMP/header"
expect_contains "$ERR" "missing required header 'site_code'"
expect_not_contains "$ERR" "Broken pipe"

mission_json "$TEST_TMP/good" GOOD night
workbook "$TEST_TMP/good" 3 "$hdr" 0
expect_exit 2 "$FC" mission load "$TEST_TMP/good"
# the rows without an ID are named by their Excel rows (3 and 4)
expect_contains "$ERR$OUT" "inpatients.xlsx:3"
expect_exit 0 "$FC" --json mission load --partial "$TEST_TMP/good"
expect_json "$OUT" '.files[0].rows' 3
expect_json "$OUT" '.files[0].loaded' 1
finish
