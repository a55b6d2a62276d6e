#!/bin/bash
# A team in the field (issue: bundles were sealed to HQ alone, so a lead's
# laptop could neither read nor merge teammates' records). hq pack --lead
# names the team; members' bundles are sealed to HQ and to the lead; the
# lead's team import verifies and merges them (twice is a no-op), team show
# lists the members; a laptop outside the team, or a member that is not the
# lead, cannot open them; HQ imports the same files as before.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-02T09:00:00+08:00

team_devices lead=LEAD m1=M1 m2=M2 out=OUT4

m=$TEST_TMP/m
mission_json "$m" TEAM-2026 flight
printf 'site_code,site_name\nH11010500001,Hospital\n' >"$m/sites.csv"
printf 'susp_id,rule_code,rule_name,site_code,amount,susp_amount\nS1,R1,rule,H11010500001,100.00,100.00\nS2,R1,rule,H11010500001,50.00,50.00\n' >"$m/suspicions.csv"

# --lead must be one of the targets
expect_exit 1 $hq pack "$m" -o "$TEST_TMP/bad.fcpack" --to "$LEAD" --to "$M1" --lead "$OUT4"
expect_contains "$ERR" "must be one of the targets"
[ ! -e "$TEST_TMP/bad.fcpack" ] && pass || fail "a pack with a foreign lead was written"
expect_exit 0 $hq --json pack "$m" -o "$TEST_TMP/team.fcpack" --to "$LEAD" --to "$M1" --to "$M2" --lead "$LEAD"
expect_json "$OUT" .lead "$LEAD"
expect_json "$OUT" .targets 3
for d in lead m1 m2; do expect_exit 0 dev $d mission load "$TEST_TMP/team.fcpack"; done
expect_exit 3 dev out mission load "$TEST_TMP/team.fcpack"

for d in lead m1 m2; do
    expect_exit 0 dev $d visit open --site H11010500001 --kind flight --inspector "A$d" --inspector "B$d"
done
expect_exit 0 dev m1 susp verify S1 --verdict CONFIRMED
expect_exit 0 dev m2 susp verify S2 --verdict REFUTED
stick=$TEST_TMP/stick
for d in m1 m2 lead; do expect_exit 0 dev $d export -o "$stick"; done
b1=$stick/$M1-000001.fcb
b2=$stick/$M2-000001.fcb
[ "$(head -c 8 "$b1" | od -An -tx1 | tr -d ' \n')" = "4643424e444c0002" ] && pass || fail "a member's bundle is not version 2"
[ "$(head -c 8 "$stick/$LEAD-000001.fcb" | od -An -tx1 | tr -d ' \n')" = "4643424e444c0001" ] && pass ||
    fail "the lead's own bundle is not version 1"

# nobody but the lead opens them
expect_exit 3 dev out team import "$b1"
expect_contains "$ERR" "leads no team"
expect_exit 3 dev m2 team import "$b1"
expect_contains "$ERR" "leads no team"
# the lead: every file of the stick, its own skipped; twice changes nothing
expect_exit 0 dev lead --json team import "$stick"/*.fcb
expect_contains "$OUT" '"outcome":"own"'
expect_json "$(grep "$M1" <<<"$OUT")" .outcome imported
expect_json "$(grep "$M1" <<<"$OUT")" .events_new 2
expect_exit 0 dev lead --json team import "$b2" "$b1"
expect_json "$(grep "$M1" <<<"$OUT")" .outcome duplicate
[ "$(stat -c %a "$TEST_TMP/lead/team.db")" = 600 ] && pass || fail "team.db mode $(stat -c %a "$TEST_TMP/lead/team.db")"
# members' events never enter the lead's chain
expect_exit 0 dev lead --json db check
expect_exit 0 dev lead --json team show
expect_json "$(grep "\"device\":\"$M1\"" <<<"$OUT")" .events 2
expect_json "$(grep "\"device\":\"$M1\"" <<<"$OUT")" .head_seq 2
expect_json "$(grep "\"device\":\"$LEAD\"" <<<"$OUT")" .lead true
expect_json "$(grep "\"device\":\"$LEAD\"" <<<"$OUT")" .events 1
expect_exit 0 dev lead team show
expect_contains "$OUT" "(lead, this device)"

# a damaged bundle is refused whole
cp "$b2" "$TEST_TMP/bad.fcb"
flip_byte "$TEST_TMP/bad.fcb" 400
expect_exit 3 dev lead team import "$TEST_TMP/bad.fcb"

# HQ reads the same files as ever
expect_exit 0 $hq --json import "$stick"/*.fcb
expect_json "$(grep "$M2" <<<"$OUT")" .events_new 2
finish
