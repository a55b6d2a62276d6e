#!/bin/bash
# Mission files as Excel workbooks (DESIGN §4): inpatients.xlsx beside the
# other files is read from its first sheet, with Excel serial dates as dates;
# IDs that the spreadsheet turned into numbers are explained row by row; a
# file that is not a workbook, or a zip bomb, is refused with the reason.
# The workbook was made by LibreOffice from a CSV (tests/data/xlsx).
. "$(dirname "$0")/lib.sh"

fc() { "$FC" "$@"; }
data=$(cd "$(dirname "$0")/../data/xlsx" && pwd)
command -v jq >/dev/null || {
    echo "skipped: jq is not installed"
    exit 77
}
m=$TEST_TMP/m
mkdir -p "$m"
printf '{"mission_id":"XL","version":1,"kind":"night","title":"t"}' >"$m/mission.json"
cp "$data/roster-ids-as-numbers.xlsx" "$m/inpatients.xlsx"
fc init >/dev/null
expect_exit 2 fc --json mission load "$m"
expect_json "$OUT" '.files[0].file' "inpatients.xlsx"
expect_json "$OUT" '.files[0].encoding' "xlsx"
expect_json "$OUT" '[.rejects[].line] | join(",")' "3,4"
expect_json "$OUT" '.rejects[0].file' "inpatients.xlsx"
expect_json "$OUT" '.rejects[0].reason' \
    "Excel turned this column into numbers: format it as text and export again"
expect_exit 0 fc --json mission load --partial "$m"
ref=$(ls "$FIELDCHECK_HOME"/missions/XL-v1.db)
expect_exit 0 sqlite3 -separator ' ' "$ref" "SELECT bed, name, id_number, admitted_on FROM inpatient"
expect_contains "$OUT" "1 张三 11010519491231002X 2024-06-03"
# the reload sees the same workbook: unchanged
expect_exit 0 fc --json mission load --partial "$m"
expect_json "$OUT" .status unchanged

# a workbook the way scripts write one (inline strings), with a line break
# in a cell: rejects are named by Excel's row numbers, not the CSV's lines
if command -v python3 >/dev/null; then
    python3 - "$m/inpatients.xlsx" <<'PY'
import sys, zipfile
rows = [["机构编码", "病区编码", "床号", "住院号", "姓名", "身份证号", "入院日期"],
        ["H11010500001", "W01", "1", "Z1", "张\n三", "110105194912310021", "2024-06-03"],
        ["H11010500001", "W01", "2", "Z2", "李四", "110105194912310022", "2024-06-03"],
        ["H11010500001", "W01", "3", "Z3", "王五", "11010519491231002X", "2024-06-03"]]
def cell(c, r, v):
    return '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % ("ABCDEFG"[c], r, v)
sheet = "".join('<row r="%d">%s</row>' % (r + 1, "".join(cell(c, r + 1, v) for c, v in enumerate(row)))
                for r, row in enumerate(rows))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>%s</sheetData></worksheet>" % sheet)
PY
    sed -i 's/"version":1/"version":2/' "$m/mission.json"
    expect_exit 2 fc --json mission load "$m"
    expect_json "$OUT" '[.rejects[].line] | unique | join(",")' "2,3"
    # a header missing: the message names the workbook, not the CSV it became
    python3 - "$m/inpatients.xlsx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row r="1">'
               '<c t="inlineStr"><is><t>床号</t></is></c></row></sheetData></worksheet>')
PY
    expect_exit 2 fc mission load "$m"
    expect_contains "$ERR" "'inpatients.xlsx' line 1: missing required header 'site_code'"
    # cut short, as by an interrupted copy: the directory at the end is lost
    head -c 300 "$m/inpatients.xlsx" >"$m/cut.xlsx" && mv "$m/cut.xlsx" "$m/inpatients.xlsx"
    expect_exit 2 fc mission load "$m"
    expect_contains "$ERR" "cut short"
    # one shared string of 64 KiB named by every cell of a row: the row's
    # text is capped, not what the zip holds
    python3 - "$m/inpatients.xlsx" <<'PY'
import sys, zipfile
cells = "".join('<c t="s"><v>0</v></c>' for _ in range(64))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/sharedStrings.xml", "<sst><si><t>%s</t></si></sst>" % ("x" * (64 << 10)))
    z.writestr("xl/worksheets/sheet1.xml",
               '<worksheet><sheetData><row r="1">%s</row></sheetData></worksheet>' % cells)
PY
    expect_exit 2 fc mission load "$m"
    expect_contains "$ERR" "row 1 holds more than 2048 KiB of text"
fi

# not a workbook
printf 'not a zip' >"$m/inpatients.xlsx"
sed -i 's/"version":1/"version":2/' "$m/mission.json"
expect_exit 2 fc mission load "$m"
expect_contains "$ERR" "not an Excel workbook"
# a zip bomb: a sheet of 64 MiB of one repeated byte
if command -v python3 >/dev/null; then
    python3 - "$m/inpatients.xlsx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + " " * (64 << 20) + "</worksheet>")
PY
    expect_exit 2 fc mission load "$m"
    expect_contains "$ERR" "zip bomb"
fi
finish
