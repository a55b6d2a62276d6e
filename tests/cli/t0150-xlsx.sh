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
