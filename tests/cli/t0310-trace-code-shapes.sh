#!/bin/bash
# Traceability codes in every shape the coding standard allows: 20 digits, 20
# capital letters and digits, MA codes and IDcodes, and GS1 strings for
# imported drugs, both in settlements.csv and on the shelf. A box whose code
# insurance already settled is SOLD_CODE_ON_SHELF whatever its shape; letters
# never make a code an insurance token.
. "$(dirname "$0")/lib.sh"

fc() { "$FC" "$@"; }
SITE=P37020304446
DC=XR05CBA198A001010100863
GTIN=06901234567892
m=$TEST_TMP/mission
mission_json_long "$m" TRACE-T pharmacy "trace shapes"
sites_csv "$m" "$SITE,First Pharmacy,pharmacy"
cat >"$m/drugs.csv" <<CSV
site_code,drug_code,name,unit,gtin,trace_prefix,pack_factor,opening_qty,purchased_qty,sold_qty,settled_qty,unit_price
$SITE,$DC,Drug C,支,$GTIN,8300003,1,0,10,6,6,2.0
CSV
cat >"$m/settlements.csv" <<CSV
settlement_id,settled_at,site_code,drug_code,trace_code,qty,unit_price
S1,2026-10-01 10:00,$SITE,$DC,83000030000000000001,1,2.0
S2,2026-10-01 10:05,$SITE,$DC,8300003AB12CD34EF567,1,2.0
S3,2026-10-01 10:06,$SITE,$DC,MA.156.M0.100435.7A21B,1,2.0
S4,2026-10-01 10:07,$SITE,$DC,ID:2023.1001.XYZ9,1,2.0
S5,2026-10-01 10:08,$SITE,$DC,(01)$GTIN(17)281231(10)LOT\\(17\\)7(21)SER001,1,2.0
S6,2026-10-01 10:09,$SITE,$DC,01${GTIN}21SER002,1,2.0
CSV

fc init >/dev/null
expect_exit 0 fc mission load "$m"
expect_contains "$OUT" "settlements.csv"
# the GS1 ones are kept by the box's key, (01) and (21)
ref=$(ls "$FIELDCHECK_HOME"/missions/TRACE-T-v1.db)
keys=$(sqlite3 "$ref" "SELECT trace_code FROM settlement ORDER BY settlement_id")
expect_contains "$keys" "(01)$GTIN(21)SER001"
expect_contains "$keys" "(01)$GTIN(21)SER002"
expect_contains "$keys" "8300003AB12CD34EF567"

# a GS1 string without a serial, or a shape of no traceability code, is no
# traceability code: the (optional) value is left empty with a warning
bad=$TEST_TMP/bad
cp -r "$m" "$bad"
sed -i 's/"version": 1/"version": 2/' "$bad/mission.json"
printf 'S7,2026-10-01 10:10,%s,%s,(01)%s(10)LOT,1,2.0\n' $SITE $DC $GTIN >>"$bad/settlements.csv"
printf 'S8,2026-10-01 10:11,%s,%s,8300003ab12cd34ef567x,1,2.0\n' $SITE $DC >>"$bad/settlements.csv"
# in lower case, as scanned into a spreadsheet with Caps Lock on: the hint
printf 'S9,2026-10-01 10:12,%s,%s,8300003ab12cd34ef567,1,2.0\n' $SITE $DC >>"$bad/settlements.csv"
expect_exit 0 fc --json mission load "$bad"
expect_json "$OUT" '[.warnings[] | select(.kind == "optional_value") | .line] | join(",")' "8,9,10"
expect_json "$OUT" '[.warnings[] | select(.line == 10) | .message] | join(",")' "column trace_code: value '8300003ab12cd34ef567' left empty: a traceability code in lower case: its letters are capitals as printed (scanned with Caps Lock on, or typed in lower case?)"
expect_json "$OUT" '.warnings[0].message' "column trace_code: value '(01)${GTIN}(10)LOT' left empty: not a traceability code (20 digits, 20 capital letters and digits, an MA code or IDcode, or a GS1 string with (01) and (21))"

expect_exit 0 fc visit open --site $SITE --kind pharmacy --inspector A --inspector B \
    --at 2026-11-22T09:00
t=0
s() {
    t=$((t + 5))
    expect_exit 0 fc --json scan --at "$(printf '2026-11-22T10:%02d:%02d' $((t / 60)) $((t % 60)))" -- "$1"
    last=$OUT
    expect_json "$last" .verdict "$2"
}
s 83000030000000000001 SOLD_CODE_ON_SHELF
s 8300003AB12CD34EF567 SOLD_CODE_ON_SHELF
expect_json "$last" .kind trace_code
s "MA.156.M0.100435.7A21B" SOLD_CODE_ON_SHELF
s "ID:2023.1001.XYZ9" SOLD_CODE_ON_SHELF
# the imported box's DataMatrix, elements in another order, with AIM and GS
s "]d201${GTIN}21SER001"$'\x1d'"17281231" SOLD_CODE_ON_SHELF
s "(01)${GTIN}(21)SER002" SOLD_CODE_ON_SHELF
s "(01)${GTIN}(21)SER003" COUNTED
# shapes, not tokens: an unknown alphanumeric code is a traceability code
expect_exit 0 fc --json scan --at 2026-11-22T11:00:00 -- 8399999ZZ12CD34EF567
expect_json "$OUT" .kind trace_code
expect_exit 0 fc --json scan --at 2026-11-22T11:00:05 -- MA.156.M0.999.1
expect_json "$OUT" .kind trace_code
finish
