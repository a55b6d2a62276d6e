#!/bin/bash
# What Excel and a Chinese input method do to HQ's lists (DESIGN §4), read
# right or refused with the reason: IDs Excel turned into 4.40304E+17 are
# explained (value masked), full-width codes and beds are folded, dates in
# the common office forms are read, an ambiguous 06/12/2024 is refused with
# the reason, and an invalid optional value warns and keeps the row.
. "$(dirname "$0")/lib.sh"

fc() { "$FC" "$@"; }
command -v jq >/dev/null || {
    echo "skipped: jq is not installed"
    exit 77
}
m=$TEST_TMP/m
mkdir -p "$m"
cat >"$m/mission.json" <<'JSON'
{"mission_id": "XL", "version": 1, "kind": "night", "title": "excel shapes"}
JSON
cat >"$m/wards.csv" <<'CSV'
site_code,ward_code,ward,bed_count
H11010500001,W01,内科,10
CSV
# valid IDs (11010519491231002X has the check digit X)
cat >"$m/inpatients.csv" <<'CSV'
机构编码,病区编码,床号,住院号,姓名,身份证号,入院日期
Ｈ１１０１０５００００１,Ｗ０１,０１,A1,张三,11010519491231002X,2024/6/3
H11010500001,W01,2,A2,李四,110105196001010033,2024-06-03 00:00:00
H11010500001,W01,3,A3,王五,110105197002020043,2024年6月3日
H11010500001,W01,4,A4,赵六,110105198003030053,06/12/2024
H11010500001,W01,5,A5,钱七,1.10105E+17,2024-06-03
CSV
fc init >/dev/null
expect_exit 2 fc --json mission load "$m"
out=$OUT
expect_json "$out" '.rejects | length' 1
expect_json "$out" '.rejects[0].line' 6
expect_json "$out" '.rejects[0].column' "身份证号"
expect_json "$out" '.rejects[0].reason' \
    "Excel turned this column into numbers: format it as text and export again"
expect_json "$out" '.rejects[0].value' "1***E+17"
expect_json "$out" '[.warnings[] | select(.kind == "optional_value")] | length' 1
expect_json "$out" '.warnings[] | select(.kind == "optional_value") | .line' 5
expect_contains "$out" "ambiguous date"

# in Chinese, for people
expect_exit 2 env FIELDCHECK_LANG=zh "$FC" mission load "$m"
expect_contains "$OUT" "inpatients.csv:6: 身份证号:"
expect_contains "$OUT" "Excel"

# without the mangled ID the rest loads: folded, dates read, the ambiguous
# optional date left empty
sed -i '$d' "$m/inpatients.csv"
expect_exit 0 fc --json mission load "$m"
ref=$(ls "$FIELDCHECK_HOME"/missions/XL-v1.db)
expect_exit 0 sqlite3 -separator ' ' "$ref" \
    "SELECT site_code, ward_code, bed, admission_no, coalesce(admitted_on, '-') FROM inpatient ORDER BY line"
expect_contains "$OUT" "H11010500001 W01 1 A1 2024-06-03"
expect_contains "$OUT" "H11010500001 W01 2 A2 2024-06-03"
expect_contains "$OUT" "H11010500001 W01 3 A3 2024-06-03"
expect_contains "$OUT" "H11010500001 W01 4 A4 -"

# identical reasons grouped: the first row in full, then the count and lines
m3=$TEST_TMP/m3
mkdir -p "$m3"
printf '{"mission_id":"GROUP","version":1,"kind":"night","title":"t"}' >"$m3/mission.json"
{
    echo "site_code,ward_code,bed,admission_no,name,id_number"
    for i in $(seq 1 14); do echo "H11010500001,W01,$i,B$i,某,4.40304E+17"; done
} >"$m3/inpatients.csv"
expect_exit 2 fc mission load "$m3"
expect_contains "$OUT" "inpatients.csv:2: id_number: Excel turned this column into numbers"
expect_contains "$OUT" "... 13 more rows with the same reason, lines 3 4 5 6 7 8 9 10 11 ..."
[ "$(grep -c 'Excel turned' <<<"$OUT")" = 1 ] && pass || fail "identical rejects not grouped: $OUT"

# an ID Excel kept as a number with 15 digits, then shown as text: the
# last three digits are 0 and the cause is said, not only "bad check digit"
m4=$TEST_TMP/m4
mkdir -p "$m4"
printf '{"mission_id":"DIGITS","version":1,"kind":"night","title":"t"}' >"$m4/mission.json"
printf 'site_code,ward_code,bed,admission_no,name,id_number\nH11010500001,W01,1,C1,某,440304196309076000\n' \
    >"$m4/inpatients.csv"
expect_exit 2 fc --json mission load "$m4"
expect_json "$OUT" '.rejects[0].reason' \
    "Excel turned this column into numbers and kept 15 digits (the last ones became 0): format it as text and export again"
expect_json "$OUT" '.rejects[0].value' "440***********6000"

# admission numbers a spreadsheet stripped of their leading zeros: warned
m2=$TEST_TMP/m2
mkdir -p "$m2"
printf '{"mission_id":"ZEROS","version":1,"kind":"night","title":"t"}' >"$m2/mission.json"
cat >"$m2/inpatients.csv" <<'CSV'
site_code,ward_code,bed,admission_no,name,id_number
H11010500001,W01,1,0012345,甲,11010519491231002X
H11010500001,W01,2,12346,乙,110105196001010033
H11010500001,W01,3,0012347,丙,110105197002020043
CSV
expect_exit 0 fc --json mission load "$m2"
expect_json "$OUT" '[.warnings[] | select(.kind == "admission_zeros") | .line] | join(",")' "3"
expect_contains "$OUT" "admission_no '12346' is shorter"
# --warnings FILE: every warning, one a line
sed -i 's/"version":1/"version":2/' "$m2/mission.json"
expect_exit 0 fc mission load --warnings "$TEST_TMP/w.txt" "$m2"
expect_contains "$(cat "$TEST_TMP/w.txt")" "inpatients.csv:3: admission_zeros:"
finish
