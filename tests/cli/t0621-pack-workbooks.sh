#!/bin/bash
# hq pack of a mission folder whose files HQ saved as Excel workbooks: the
# device's loader takes inpatients.xlsx, so hq pack does too (it refused
# with "needs inpatients.csv" naming its temporary folder, and left an
# optional workbook out of the pack without a word). Rejects name the
# workbook and its rows; the pack carries the rows that were validated.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
hq="$FC hq --hq $TEST_TMP/hq"
for tool in jq python3 sqlite3; do
    command -v "$tool" >/dev/null || {
        echo "skipped: $tool is not installed"
        exit 77
    }
done

expect_exit 0 $hq init
expect_exit 0 "$FC" keys init
dev=$("$FC" --json keys show | jq -r .device_id)
expect_exit 0 $hq enroll "$("$FC" --json keys show | jq -r .enrollment)"
expect_exit 0 "$FC" keys trust "$TEST_TMP/hq/hq.pub"

m=$TEST_TMP/m
mkdir -p "$m"
cat >"$m/mission.json" <<'J'
{"mission_id":"XLPACK","version":1,"kind":"night","title":"t","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}
J
# workbook FILE ROW...: rows of cells separated by '|', as inline strings
workbook() {
    python3 - "$@" <<'PY'
import sys, zipfile
def cell(c, r, v):
    return '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + c), r, v)
rows = [row.split("|") for row in sys.argv[2:]]
sheet = "".join('<row r="%d">%s</row>' % (r + 1, "".join(cell(c, r + 1, v) for c, v in enumerate(row)))
                for r, row in enumerate(rows))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", '<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>%s</sheetData></worksheet>" % sheet)
PY
}
# row 2's ward name has a line break (two CSV lines); row 3's ID is wrong
workbook "$m/inpatients.xlsx" \
    "site_code|ward_code|ward|bed|admission_no|name|id_number" \
    "H11010500001|W01|内科
一病区|1|A1|Zhangsentinel|110105198001010016" \
    "H11010500001|W01|内科|2|A2|Li|110105198001010017" \
    "H11010500001|W01|内科|3|A3|Wang|11010519491231002X"
workbook "$m/leaves.xlsx" \
    "site_code|admission_no|leave_from|leave_until|reason" \
    "H11010500001|A1|2026-03-01 08:00|2026-03-01 18:00|回家"

# refused as the device would refuse the folder, by the workbook's rows
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/p.fcpack" --to "$dev"
expect_contains "$ERR" "inpatients.xlsx:3: id_number"
expect_not_contains "$ERR" "inpatients.csv"
[ ! -e "$TEST_TMP/p.fcpack" ] && pass || fail "a refused pack was written"

# --partial: the bad row left out, the rest (and the leave) in the pack
expect_exit 0 $hq --json pack "$m" -o "$TEST_TMP/p.fcpack" --to "$dev" --partial
expect_json "$(tail -n1 <<<"$OUT")" .dropped 1
expect_exit 0 "$FC" --json mission load "$TEST_TMP/p.fcpack"
ref=$(ls "$FIELDCHECK_HOME"/missions/XLPACK-v1.db)
expect_exit 0 sqlite3 "$ref" "SELECT group_concat(admission_no) FROM (SELECT admission_no FROM inpatient ORDER BY bed)"
expect_contains "$OUT" "A1,A3"
expect_exit 0 sqlite3 "$ref" "SELECT count(*) FROM leave"
expect_contains "$OUT" "1"

# a file that is no workbook: refused, naming the folder HQ gave
printf 'PK\003\004 not really' >"$m/leaves.xlsx"
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/q.fcpack" --to "$dev" --partial
expect_contains "$ERR" "leaves.xlsx"
expect_contains "$ERR" "not an Excel workbook"
# a link in a workbook's place is refused like a link in a CSV's
rm "$m/leaves.xlsx"
ln -s "$m/inpatients.xlsx" "$m/leaves.xlsx"
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/q.fcpack" --to "$dev" --partial
expect_contains "$ERR" "symbolic link"
# the loader's own refusals name the mission folder, not a private copy
rm "$m/leaves.xlsx" "$m/inpatients.xlsx"
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/q.fcpack" --to "$dev" --partial
expect_contains "$ERR" "mission folder '$m'"
expect_not_contains "$ERR" "pack-"
finish
