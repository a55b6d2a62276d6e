#!/bin/bash
# Two members counting one drug on different shelves (issue: the team view
# listed their two counts of one drug as a conflict). The team's count of a
# drug is the members' counts added up, each box counted once: a box code
# two members both scanned is left out of the second count and listed; a
# conflict is only a box two members recorded differently. Split-pack counts
# by hand add up too.
. "$(dirname "$0")/lib.sh"
item() { jq -c "select(.type == \"item\" and .group == \"$1\" and .subject == \"$2\")" <<<"$OUT"; }
export FIELDCHECK_NOW=2026-03-02T09:00:00+08:00
team_devices lead=LEAD m1=M1 m2=M2
m=$TEST_TMP/m
mission_json "$m" PH-2026 pharmacy
printf 'site_code,site_name,site_kind\nP37020304446,Pharmacy,pharmacy\n' >"$m/sites.csv"
DA=XR05CBA198A001010100862
DB=XR05CBA198A001010100999
cat >"$m/drugs.csv" <<CSV
site_code,drug_code,name,spec,unit,gtin,trace_prefix,pack_factor,opening_qty,purchased_qty,sold_qty,settled_qty,book_qty,unit_price,price_cap
P37020304446,$DA,Drug A,0.25g*24,盒,,8200002,1,10,0,0,0,10,5.0,10.0
P37020304446,$DB,Drug B,0.25g*24,片,,8300003,24,100,0,0,0,100,0.5,1.0
CSV
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/team.fcpack" --to "$LEAD" --to "$M1" --to "$M2" --lead "$LEAD"
for d in lead m1 m2; do expect_exit 0 dev $d mission load "$TEST_TMP/team.fcpack"; done
for d in m1 m2; do
    expect_exit 0 dev $d visit open --site P37020304446 --kind pharmacy --inspector "A$d" --inspector "B$d"
done
box() { printf '8200002%013d\n' "$1"; }
# m1 counts the front shelf: boxes 1-3 of drug A, 30 tablets of drug B by hand
expect_exit 0 dev m1 scan --at 2026-03-02T09:10:00+08:00 "$(box 1)" "$(box 2)" "$(box 3)"
expect_exit 0 dev m1 count $DB --qty 30
# m2 the store room: boxes 4-5 of drug A, box 3 again (it was moved), 12 tablets of B
expect_exit 0 dev m2 scan --at 2026-03-02T09:20:00+08:00 "$(box 4)" "$(box 5)" "$(box 3)"
expect_exit 0 dev m2 count $DB --qty 12
for d in m1 m2; do expect_exit 0 dev $d export -o "$TEST_TMP/stick"; done
expect_exit 0 dev lead team import "$TEST_TMP/stick"/*.fcb
expect_exit 0 dev lead --json team view
a=$(item drugs $DA)
expect_json "$a" .conflict false
expect_json "$a" '.records | length' 2
expect_json "$a" '[.records[].detail] | sort | join(",")' "3,3"
# 3 + 3 boxes, box 3 counted by both: 5
expect_json "$a" .total 5
expect_json "$a" .overlaps 1
b=$(item drugs $DB)
expect_json "$b" .conflict false
expect_json "$b" .total 42
expect_json "$b" .overlaps 0
# the box both counted is listed, once, with both members; alike: no conflict
dup=$(item boxes "$(box 3)")
expect_json "$dup" '.records | length' 2
expect_json "$dup" '[.records[].device] | sort | join(",")' "$(printf '%s\n' "$M1" "$M2" | sort | paste -sd,)"
expect_json "$dup" .conflict false
# boxes only one member counted are not items of their own
[ -z "$(item boxes "$(box 1)")" ] && pass || fail "box 1 listed: $(item boxes "$(box 1)")"
expect_json "$OUT" 'select(.type == "total") | .conflicts' 0
expect_exit 0 dev lead team view
expect_contains "$OUT" "team total 5"
expect_contains "$OUT" "1 box(es) counted by two members counted once"
expect_contains "$OUT" "team total 42"
expect_not_contains "$OUT" "CONFLICT"
# the team document: each member's shortage against the book is its own
# part's, side by side and in no total
FIELDCHECK_LANG=en expect_exit 0 dev lead team report --doc summary -o "$TEST_TMP/sum.html"
doc=$(cat "$TEST_TMP/sum.html")
expect_contains "$doc" "its own part of the count only; in no total"
expect_contains "$doc" "<dd>0.00</dd>"

# m2 recounts drug A (a new round): its earlier boxes no longer count, and
# box 3 is no longer counted twice
expect_exit 0 dev m2 count $DA --recount
expect_exit 0 dev m2 scan --at 2026-03-02T10:00:00+08:00 "$(box 6)"
expect_exit 0 dev m2 export -o "$TEST_TMP/stick"
expect_exit 0 dev lead team import "$TEST_TMP/stick"/*.fcb
expect_exit 0 dev lead --json team view
expect_json "$(item drugs $DA)" .total 4
expect_json "$(item drugs $DA)" .overlaps 0
[ -z "$(item boxes "$(box 3)")" ] && pass || fail "box 3 still listed after the recount"

# the same box recorded differently is the conflict: m2 counts under a newer
# pack whose pack size for drug B is 20, m1 under the first (24)
sed -i 's/"version":1/"version":2/' "$m/mission.json"
sed -i "s/^\(P37020304446,$DB,Drug B,0.25g\*24,片,,8300003,\)24,/\120,/" "$m/drugs.csv"
grep -q ",8300003,20," "$m/drugs.csv" && pass || fail "pack v2 not made"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/team2.fcpack" --to "$LEAD" --to "$M1" --to "$M2" --lead "$LEAD"
for d in lead m2; do expect_exit 0 dev $d mission load "$TEST_TMP/team2.fcpack"; done
expect_exit 0 dev m2 visit close
expect_exit 0 dev m2 visit open --site P37020304446 --kind pharmacy --inspector Am2 --inspector Bm2
bbox=83000030000000000077
expect_exit 0 dev m1 scan --at 2026-03-02T11:00:00+08:00 $bbox
expect_exit 0 dev m2 scan --at 2026-03-02T11:05:00+08:00 $bbox
for d in m1 m2; do expect_exit 0 dev $d export -o "$TEST_TMP/stick"; done
expect_exit 0 dev lead team import "$TEST_TMP/stick"/*.fcb
expect_exit 0 dev lead --json team view
dup=$(item boxes $bbox)
expect_json "$dup" .conflict true
expect_json "$dup" '[.records[].detail] | unique | join(",")' "$DB"
expect_json "$OUT" 'select(.type == "total") | .conflicts' 1
# not counted once: the team's figure keeps both until the lead decides
[ "$(jq -r .overlaps <<<"$(item drugs $DB)")" = 0 ] && pass || fail "a differing box was counted once"
finish
