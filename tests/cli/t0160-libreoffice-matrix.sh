#!/bin/bash
# One roster as HQ staff pass it around (DESIGN §4): a CSV opened in
# LibreOffice and saved as .xlsx (codes kept as text, or left to Calc's
# number detection), and that workbook saved again as GB18030 CSV and as
# "Unicode text" (UTF-16, tab-separated), plus the UTF-8 CSV with a BOM. Every
# honest form loads the same rows as the original; the workbook whose IDs
# Calc made numbers is refused with the cause on every row. The files are
# made by soffice --headless here, not committed; without soffice the test
# is skipped.
. "$(dirname "$0")/lib.sh"

fc() { "$FC" "$@"; }
for tool in soffice jq sqlite3; do
    command -v "$tool" >/dev/null || {
        echo "skipped: $tool is not installed"
        exit 77
    }
done

# 18-digit resident IDs with their check digit (GB 11643)
resident_id() {
    awk -v b="$1" 'BEGIN {
        split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); s = 0
        for (i = 1; i <= 17; i++) s += substr(b, i, 1) * w[i]
        print b substr("10X98765432", s % 11 + 1, 1) }'
}
src=$TEST_TMP/roster.csv
{
    echo "机构编码,病区编码,床号,住院号,姓名,身份证号,入院日期"
    for i in $(seq 1 12); do
        d=2024-06-$(printf '%02d' "$i")
        [ $((i % 3)) -eq 0 ] && d=2024/6/$i # as typed, not as a date cell
        printf 'H11010500001,W01,%d,%05d,%s,%s,%s\n' "$i" $((120 + i)) \
            "$(sed -n "${i}p" <<<$'张三\n李四\n王五\n赵六\n钱七\n孙八\n周九\n吴十\n郑一\n冯二\n陈三\n褚四')" \
            "$(resident_id "11010519800101$(printf '%03d' "$i")")" "$d"
    done
} >"$src"

# soffice converts with a profile of its own (no user's settings, nothing
# left behind); one call per output filter
lo() {
    soffice -env:UserInstallation="file://$TEST_TMP/lo-profile" --headless "$@" \
        >>"$TEST_TMP/soffice.log" 2>&1
}
text_cols="1/2/2/2/4/2/6/2" # codes as text; bed and date left to Calc
lo --infilter="CSV:44,34,76,1,$text_cols" --convert-to xlsx --outdir "$TEST_TMP/text" "$src"
lo --infilter="CSV:44,34,76,1" --convert-to xlsx --outdir "$TEST_TMP/numbers" "$src"
lo --convert-to "csv:Text - txt - csv (StarCalc):44,34,85,1" --outdir "$TEST_TMP/gb" \
    "$TEST_TMP/text/roster.xlsx"
lo --convert-to "csv:Text - txt - csv (StarCalc):9,34,65535,1" --outdir "$TEST_TMP/u16" \
    "$TEST_TMP/text/roster.xlsx"
for f in text/roster.xlsx numbers/roster.xlsx gb/roster.csv u16/roster.csv; do
    [ -s "$TEST_TMP/$f" ] || {
        fail "soffice made no $f: $(tail -5 "$TEST_TMP/soffice.log")"
        finish
    }
done

fc init >/dev/null
# load N FILE: FILE as the roster of mission LO<N> (inpatients.csv or .xlsx)
load() {
    local m=$TEST_TMP/m$1
    mkdir -p "$m"
    printf '{"mission_id":"LO%d","version":1,"kind":"night","title":"t"}' "$1" >"$m/mission.json"
    cp "$2" "$m/inpatients.${2##*.}"
    fc --json mission load "$m"
}
rows() {
    sqlite3 -separator ' ' "$FIELDCHECK_HOME/missions/LO$1-v1.db" \
        "SELECT site_code, ward_code, bed, admission_no, name, id_number, admitted_on FROM inpatient ORDER BY line"
}

expect_exit 0 load 1 "$src"
expect_json "$OUT" '.files[0].loaded' 12
want=$(rows 1)
expect_contains "$want" "H11010500001 W01 3 00123 王五 $(resident_id 11010519800101003) 2024-06-03"

# the workbook with codes as text: read from the sheet, dates from serials
expect_exit 0 load 2 "$TEST_TMP/text/roster.xlsx"
expect_json "$OUT" '.files[0].encoding' xlsx
[ "$(rows 2)" = "$want" ] && pass || fail "xlsx rows differ: $(diff <(echo "$want") <(rows 2))"

# the same saved by Calc as GB18030 CSV, and as Unicode text (UTF-16, tabs)
expect_exit 0 load 3 "$TEST_TMP/gb/roster.csv"
expect_json "$OUT" '.files[0].encoding' GB18030
[ "$(rows 3)" = "$want" ] && pass || fail "GB18030 rows differ: $(diff <(echo "$want") <(rows 3))"
expect_exit 0 load 4 "$TEST_TMP/u16/roster.csv"
expect_json "$OUT" '.files[0].encoding' UTF-16
[ "$(rows 4)" = "$want" ] && pass || fail "UTF-16 rows differ: $(diff <(echo "$want") <(rows 4))"

# UTF-8 with a byte order mark, as Excel's "CSV UTF-8" writes it
printf '\xef\xbb\xbf' >"$TEST_TMP/bom.csv"
cat "$src" >>"$TEST_TMP/bom.csv"
expect_exit 0 load 5 "$TEST_TMP/bom.csv"
[ "$(rows 5)" = "$want" ] && pass || fail "UTF-8 BOM rows differ: $(diff <(echo "$want") <(rows 5))"

# Calc's number detection: every ID became a number, and the admission
# numbers lost their zeros. Each row is refused with the cause, the value
# masked, in one group
expect_exit 2 load 6 "$TEST_TMP/numbers/roster.xlsx"
expect_json "$OUT" '.files[0].rejected' 12
expect_json "$OUT" '[.rejects[] | select(.column == "身份证号") | .line] | join(",")' \
    "2,3,4,5,6,7,8,9,10,11,12,13"
expect_json "$OUT" '.rejects[0].reason' \
    "Excel turned this column into numbers: format it as text and export again"
expect_json "$OUT" '.rejects[0].value | test("^1\\*\\*\\*E\\+0?17$")' true
finish
