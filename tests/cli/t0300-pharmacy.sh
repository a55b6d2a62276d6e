#!/bin/bash
# Pharmacy count through the CLI: every per-scan verdict (scan, count), void,
# recount, blind counting, visit show, reconcile reaching every rule D01..D09
# with hand-computed figures, and the report, on a mission folder written here.
. "$(dirname "$0")/lib.sh"

fc() { "$FC" "$@"; }
if ! fc mission --help >/dev/null 2>&1 || ! fc count --help >/dev/null 2>&1; then
    echo "skipped: 'mission load' or 'count' is not in this build"
    exit 0
fi

SITE=P37020304446
DA=XR05CBA198A001010100861
DB=XR05CBA198A001010100862
DC=XR05CBA198A001010100863
DD=XR05CBA198A001010100864
DE=XR05CBA198A001010100865
DF=XR05CBA198A001010100866
DG=XR05CBA198A001010100867
m=$TEST_TMP/mission
mission_json_long "$m" PHARM-T pharmacy "pharmacy test"
sites_csv "$m" "$SITE,First Pharmacy,pharmacy" "P37020304447,Other Pharmacy,pharmacy"
cat >"$m/drugs.csv" <<CSV
site_code,drug_code,name,spec,unit,gtin,trace_prefix,pack_factor,opening_qty,purchased_qty,purchase_return_qty,sold_qty,sale_return_qty,adjust_qty,settled_qty,book_qty,insured_sold_qty,unit_price,price_cap
$SITE,$DA,Drug A,10mg,盒,,8100001,1,10,20,0,15,0,0,2,,,12.5,12.0
$SITE,$DB,Drug B,0.25g*24,片,,8200002,24,48,96,24,60,12,-2,42,72,30,0.5,1.0
$SITE,$DC,Drug C,5ml,支,6901234567892,8300003,1,0,5,0,8,0,0,7,,,2.0,
$SITE,$DD,Drug D,1g,盒,06901234567908,8400004,1,2,0,0,0,0,0,0,,,9.99,
$SITE,$DE,Drug E,2mg,盒,,8500005,1,1,0,0,1,0,0,1,,,3.0,
$SITE,$DF,Drug F,1mg,盒,,8600006,1,0,0,0,0,0,0,0,,,1.0,
$SITE,$DG,Drug G,1mg,盒,,8800008,1,5,0,0,0,0,0,0,,,4.0,
P37020304447,$DA,Drug A,10mg,盒,,8100001,1,0,0,0,0,0,0,0,,,12.5,12.0
CSV
cat >"$m/settlements.csv" <<CSV
settlement_id,settled_at,site_code,drug_code,trace_code,qty,unit_price
S1,2026-10-01 10:00,$SITE,$DA,81000010000000000001,1,12.5
S2,2026-10-01 10:05,$SITE,$DA,81000010000000000002,1,13.0
S3,2026-10-02 10:00,$SITE,$DB,82000020000000000001,10,0.5
S4,2026-10-03 10:00,$SITE,$DB,82000020000000000001,20,0.5
S5,2026-10-04 10:00,$SITE,$DB,82000020000000000002,12,0.5
S6,2026-10-05 10:00,$SITE,$DE,89999990000000000001,1,3.0
S9,2026-10-05 10:00,P37020304447,$DA,81000010000000000009,5,99.0
CSV

fc init >/dev/null
expect_exit 0 fc mission load "$m"
expect_exit 0 fc visit open --site $SITE --kind pharmacy --inspector "Li Ming" \
    --inspector "Wang Fang" --at 2026-11-22T09:00

t=0
# s CODE VERDICT [DETAIL]: scans 5 s after the previous scan (DT overrides, in ms).
s() {
    local ms
    t=$((t + ${DT:-5000}))
    ms=$((t % 1000))
    ts=$(printf '2026-11-22T10:%02d:%02d.%03d' $((t / 60000)) $((t / 1000 % 60)) $ms)
    expect_exit 0 fc --json scan --at "$ts" -- "$1"
    last=$OUT
    expect_json "$last" .verdict "$2"
    if [ $# -ge 3 ]; then expect_json "$last" .detail "$3"; fi
}

s 81000010000000000003 COUNTED
expect_json "$last" .drug_code $DA
DT=700 s 81000010000000000003 DUPLICATE_SCAN DOUBLE_READ
s 81000010000000000003 DUPLICATE_SCAN
expect_contains "$last" '"detail":"ALREADY_COUNTED:'
s 81000010000000000004 COUNTED
s 81000010000000000001 SOLD_CODE_ON_SHELF SETTLED:S1
s 82000020000000000003 COUNTED
expect_json "$last" .qty 24
s "$DB:10" RECORDED "$DB:10"
s 6901234567892 GTIN_COUNTED
s 06901234567892 GTIN_COUNTED
s '(01)06901234567908(17)271231(21)SER1' COUNTED
s '(01)06901234567908(21)SER1' DUPLICATE_SCAN
s '(01)06901234567908(21)SER2' COUNTED
s '(01)06901234567908(17)271231(10)LOT7' GTIN_COUNTED
s 89999990000000000001 SOLD_CODE_ON_SHELF "SETTLED:S6;PREFIX_MISMATCH"
s 87777770000000000001 UNKNOWN_ITEM NO_DRUG_FOR_PREFIX:8777777
s 06909999999996 UNKNOWN_ITEM NO_DRUG_FOR_GTIN:06909999999996
s EMPTY_BED UNKNOWN_ITEM NOT_A_PHARMACY_ACTION

# a wrong box, voided: uncounted
s 81000010000000000005 COUNTED
wrong=$(jq -r .event <<<"$last")
expect_exit 1 fc void "$wrong"
expect_exit 0 fc --json void "$wrong" --reason "box of another shelf" --at 2026-11-22T10:30
expect_json "$OUT" .verdict COUNTED

expect_exit 0 fc --json count $DB --qty 5 --at 2026-11-22T10:31
expect_json "$OUT" .verdict RECORDED
expect_exit 1 fc count $DB --qty 2.5
expect_exit 0 fc --json count XR05CBA198A001010100899 --qty 1 --at 2026-11-22T10:32
expect_json "$OUT" .verdict UNKNOWN_ITEM
expect_exit 1 fc count --blind $DA

# recount drug D from scratch: its boxes count again in round 2
expect_exit 0 fc --json count $DD --recount --at 2026-11-22T10:33
expect_json "$OUT" .round 2
t=$((34 * 60000))
s '(01)06901234567908(21)SER1' COUNTED
s '(01)06901234567908(21)SER2' COUNTED
s '(01)06901234567908(17)271231(10)LOT7' GTIN_COUNTED

# blind: no book figures, no reconciliation
expect_exit 0 fc count --blind --at 2026-11-22T10:40
expect_exit 0 fc --json visit show
expect_json "$OUT" ".drugs[0].book" null
expect_json "$OUT" ".drugs[0].counted" 3
expect_exit 2 fc reconcile
expect_contains "$ERR" "blind"
expect_exit 0 fc count --save --at 2026-11-22T10:41

expect_exit 0 fc --json visit show
show=$OUT
expect_json "$show" '.drugs | length' 7
expect_json "$show" '.count_complete' false
# nobody counted drug G: not counted is not a shortage (DESIGN §5)
expect_json "$show" ".drugs[] | select(.drug_code == \"$DG\") | [.book, .counted, .variance] | @csv" '5,,'
expect_json "$show" ".drugs[] | select(.drug_code == \"$DG\") | .flags | length" 0
expect_json "$show" ".drugs[] | select(.drug_code == \"$DB\") | [.book, .counted, .variance] | @csv" '70,39,-31'
expect_json "$show" ".drugs[] | select(.drug_code == \"$DA\") | .flags | join(\" \")" \
    'D01_STOCK_SHORTAGE D06_PRICE_ABOVE_CAP D09_SOLD_CODE_ON_SHELF'
expect_json "$show" ".drugs[] | select(.drug_code == \"$DB\") | .spec" '0.25g*24'

expect_exit 0 fc --json reconcile
rec=$OUT
# f DRUG RULE "a,b,diff,amount"
f() {
    expect_json "$rec" "select(.drug_code == \"$1\" and .rule == \"$2\") | [.a, .b, .diff, .amount] | @csv" "$3"
}
f $DA D01_STOCK_SHORTAGE '3,15,-12,"150.00"'
f $DA D06_PRICE_ABOVE_CAP '13,12,1,"1.50"'
f $DA D09_SOLD_CODE_ON_SHELF '1,0,1,"12.50"'
f $DB D01_STOCK_SHORTAGE '39,70,-31,"15.50"'
f $DB D03_SETTLED_GT_SOLD '42,30,12,"6.00"'
f $DB D07_TRACE_DUPLICATE '30,24,6,"3.00"'
# no overage against a negative book: D04 says what is wrong there
expect_json "$rec" "select(.drug_code == \"$DC\" and .rule == \"D02_STOCK_OVERAGE\") | .rule" ''
f $DC D04_NEGATIVE_BOOK '8,5,3,"6.00"'
f $DC D05_SETTLED_GT_AVAILABLE '7,5,2,"4.00"'
f $DD D02_STOCK_OVERAGE '3,2,1,"9.99"'
f $DE D08_TRACE_PRODUCT_MISMATCH '2,0,2,"3.00"'
f $DE D09_SOLD_CODE_ON_SHELF '1,0,1,"3.00"'
f $DE D02_STOCK_OVERAGE '1,0,1,"3.00"'
expect_json "$rec" "select(.rule == \"D07_TRACE_DUPLICATE\") | .evidence[0]" 82000020000000000001
expect_json "$rec" "select(.rule == \"D06_PRICE_ABOVE_CAP\") | .evidence | join(\",\")" S1,S2
expect_not_contains "$rec" "$DF"
expect_not_contains "$rec" "$DG"
expect_exit 0 fc reconcile
expect_contains "$OUT" "12 findings"

expect_exit 0 fc report --format csv -o "$TEST_TMP/r.csv"
expect_contains "$(cat "$TEST_TMP/r.csv")" "finding,$DB,,,,,,,,D07_TRACE_DUPLICATE,30,24,6,3.00,82000020000000000001"
expect_exit 0 fc report --format md -o "$TEST_TMP/r.md"
expect_contains "$(cat "$TEST_TMP/r.md")" "| $DA | stock shortage (D01_STOCK_SHORTAGE) | 3 | 15 | -12 | 150.00 |"
# a document people read: the visit opened at 09:00 local time (TZ from lib.sh)
expect_contains "$(cat "$TEST_TMP/r.md")" "- opened: 2026-11-22T09:00:00+08:00"

expect_exit 0 fc --json db rebuild
expect_contains "$OUT" 'true'
expect_exit 0 fc --json reconcile
[ "$OUT" = "$rec" ] || fail "reconcile changed after rebuild"
# the count declared complete: drugs nobody counted count as 0, and get D01
# with an amount from the real difference; declaring it twice is refused
expect_exit 0 fc --json count --complete --at 2026-11-22T10:50
expect_json "$OUT" .count_complete true
expect_exit 2 fc count --complete --at 2026-11-22T10:51
expect_exit 0 fc --json visit show
expect_json "$OUT" '.count_complete' true
expect_json "$OUT" ".drugs[] | select(.drug_code == \"$DG\") | [.counted, .variance] | @csv" '0,-5'
expect_exit 0 fc --json reconcile
rec=$OUT
f $DG D01_STOCK_SHORTAGE '0,5,-5,"20.00"'
expect_not_contains "$rec" "$DF"
for c in count reconcile; do
    expect_exit 0 fc $c --help
    expect_contains "$OUT" "usage: fieldcheck"
done
finish
