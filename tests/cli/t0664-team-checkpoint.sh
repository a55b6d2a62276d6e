#!/bin/bash
# A team checkpoint (FCT1, the QR on the team's documents) can be checked
# outside the program that made it (issue: only a unit test verified it):
# team checkpoint --verify on any laptop of the team checks the lead's
# signature with the lead's key from the signed pack; a code altered by one
# character, or checked where no pack names its lead, fails with exit 3.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-02T08:00:00+08:00
team_devices lead=LEAD m1=M1 out=OUTSIDER
m=$TEST_TMP/m
hospital_folder "$m" FLY-2026 flight
printf 'susp_id,rule_code,rule_name,site_code,amount,susp_amount\nS1,R1,rule,H11010500001,100.00,100.00\n' >"$m/suspicions.csv"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/team.fcpack" --to "$LEAD" --to "$M1" --lead "$LEAD"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/out.fcpack" --to "$OUTSIDER"
for d in lead m1; do expect_exit 0 dev $d mission load "$TEST_TMP/team.fcpack"; done
expect_exit 0 dev out mission load "$TEST_TMP/out.fcpack"
for d in lead m1; do
    expect_exit 0 dev $d visit open --site H11010500001 --kind flight --inspector "A$d" --inspector "B$d"
done
expect_exit 0 dev m1 susp verify S1 --verdict CONFIRMED --amount 100 --fund-loss 80
expect_exit 0 dev m1 export -o "$TEST_TMP/stick"
expect_exit 0 dev lead team import "$TEST_TMP/stick"/*.fcb
expect_exit 0 dev lead --json team report -o "$TEST_TMP/record.html"
code=$(jq -r .checkpoint <<<"$OUT")
digest=$(jq -r .digest <<<"$OUT")
expect_contains "$code" FCT1

# on the lead's laptop and on a member's, as a code and as a file
expect_exit 0 dev lead --json team checkpoint --verify "$code"
expect_json "$OUT" .lead "$LEAD"
expect_json "$OUT" .digest "$digest"
expect_json "$OUT" .members 2
expect_json "$OUT" .mission_id FLY-2026
printf '%s\n' "$code" >"$TEST_TMP/cp.txt"
expect_exit 0 dev m1 --json team checkpoint --verify "$TEST_TMP/cp.txt"
expect_json "$OUT" .digest "$digest"
expect_exit 0 dev m1 team checkpoint --verify "$(tr A-Z a-z <<<"$code")"
expect_contains "$OUT" "verified"

# one character changed anywhere in the body: exit 3
for at in 6 20 40 80 120; do
    [ "${code:$at:1}" = A ] && swap=B || swap=A
    expect_exit 3 dev m1 team checkpoint --verify "${code:0:$at}$swap${code:$at+1}"
done
# a device whose packs name no such lead cannot know the key
expect_exit 3 dev out team checkpoint --verify "$code"
expect_contains "$ERR" "leads no team"
# malformed codes, missing files, usage
expect_exit 2 dev m1 team checkpoint --verify FCT1AAAA
expect_exit 2 dev m1 team checkpoint --verify "FCR1${code:4}"
expect_exit 2 dev m1 team checkpoint --verify "$TEST_TMP/nosuch"
expect_exit 1 dev m1 team checkpoint
expect_exit 1 dev m1 team checkpoint --verify
finish
