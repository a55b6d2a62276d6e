#!/bin/bash
# The lead reassigns open suspicion lines (issue: the lead could see the
# team's state but not hand open lines back). team assign records the
# assignment in the lead's own chain and prints a signed code (a file, or
# a QR code); the member applies it, verified with the lead's key from the
# signed pack, and its worksheet shows the lines as its own. The same code
# twice, or an older code after a newer one, changes nothing; a code for
# another device, from a device that is not the lead, or altered by one
# character is refused.
. "$(dirname "$0")/lib.sh"
line() { jq -r "select(.susp_id == \"$2\") | .inspector" <<<"$1"; }
export FIELDCHECK_NOW=2026-03-02T08:00:00+08:00
team_devices lead=LEAD m1=M1 m2=M2 out=OUTSIDER
m=$TEST_TMP/m
hospital_folder "$m" FLY-2026 flight
{
    echo 'susp_id,rule_code,rule_name,site_code,amount,susp_amount'
    for i in 1 2 3 4; do echo "S$i,R1,rule,H11010500001,100.00,100.00"; done
    # long line ids: more than one code's worth
    for i in $(seq 10 49); do echo "LONG-SUSPICION-ID-00$i,R2,rule,H11010500001,1.00,1.00"; done
} >"$m/suspicions.csv"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/team.fcpack" --to "$LEAD" --to "$M1" --to "$M2" --lead "$LEAD"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/out.fcpack" --to "$OUTSIDER"
for d in lead m1 m2; do expect_exit 0 dev $d mission load "$TEST_TMP/team.fcpack"; done
expect_exit 0 dev out mission load "$TEST_TMP/out.fcpack"
for d in lead m1 m2 out; do
    expect_exit 0 dev $d visit open --site H11010500001 --kind flight --inspector "A$d" --inspector "B$d"
done

# day 1: m1 confirms S1 and refutes S4; the lead imports m1's bundle
expect_exit 0 dev m1 susp verify S1 --verdict CONFIRMED --amount 100 --fund-loss 80
expect_exit 0 dev m1 susp verify S4 --verdict REFUTED
expect_exit 0 dev m1 export -o "$TEST_TMP/stick"
expect_exit 0 dev lead team import "$TEST_TMP/stick"/*.fcb

# usage and refusals
expect_exit 1 dev lead team assign S2
expect_contains "$ERR" "--member"
expect_exit 1 dev lead team assign --member "$M2"
expect_exit 1 dev lead team assign --member "$M2" --bogus S2
expect_exit 2 dev m1 team assign --member "$M2" S2
expect_contains "$ERR" "leads no team"
expect_exit 2 dev lead team assign --member "$OUTSIDER" S2
expect_contains "$ERR" "no member"
expect_exit 1 dev lead team assign --member "$LEAD" S2
expect_exit 2 dev lead team assign --member "$M2" S2 NOSUCH
expect_contains "$ERR" "NOSUCH"
# S1 is decided by m1: not open, not reassigned
expect_exit 2 dev lead team assign --member "$M2" S1
expect_contains "$ERR" "not open"
expect_contains "$ERR" "CONFIRMED"

# the lead hands S2 and S3 to m2 (a prefix of its id is enough)
expect_exit 0 dev lead --json team assign --member "${M2:0:6}" S2 S3 -o "$TEST_TMP/a1.txt"
expect_json "$OUT" .member "$M2"
expect_json "$OUT" '.susp_ids | join(",")' "S2,S3"
n1=$(jq -r .number <<<"$OUT")
code1=$(jq -r .code <<<"$OUT")
expect_contains "$code1" FCA1
[ "$(stat -c %a "$TEST_TMP/a1.txt")" = 600 ] && pass || fail "assignment file mode"
[ "$(cat "$TEST_TMP/a1.txt")" = "$code1" ] && pass || fail "the file holds the code"
# recorded in the lead's own chain: the number is the seq of that event
expect_exit 0 dev lead --json db check
# a code small enough for a QR symbol
[ "${#code1}" -le 830 ] && pass || fail "code of ${#code1} characters"
expect_exit 0 dev lead team assign --member "$M2" S3 --qr-dir "$TEST_TMP/qr"
ls "$TEST_TMP"/qr/assignment-*.svg >/dev/null 2>&1 && pass || fail "no QR image"

# the member applies it: its worksheet shows the lines as its own
expect_exit 3 dev m1 team assignments apply "$TEST_TMP/a1.txt"
expect_contains "$ERR" "not this one"
expect_exit 0 dev m2 --json team assignments apply "$TEST_TMP/a1.txt"
expect_json "$OUT" .applied 2
expect_json "$OUT" .lead "$LEAD"
expect_json "$OUT" .number "$n1"
expect_exit 0 dev m2 --json susp list
list=$OUT
[ "$(line "$list" S2)" = Am2 ] && [ "$(line "$list" S3)" = Am2 ] && pass || fail "worksheet: $list"
[ -z "$(line "$list" S4)" ] && pass || fail "S4 was never assigned"
expect_exit 0 dev m2 --json susp list --inspector Am2
[ "$(jq -s length <<<"$OUT")" = 2 ] && pass || fail "m2's own lines: $OUT"
# again: nothing changes
expect_exit 0 dev m2 --json team assignments apply "$code1"
expect_json "$OUT" .applied 0
expect_exit 0 dev m2 team assignments apply "$code1"
expect_contains "$OUT" "already applied"

# a newer assignment to m2's second inspector, then the older code again
expect_exit 0 dev lead --json team assign --member "$M2" --inspector Bm2 S2
n2=$(jq -r .number <<<"$OUT")
[ "$n2" -gt "$n1" ] && pass || fail "numbers $n1 then $n2"
expect_exit 0 dev m2 team assignments apply "$(jq -r .code <<<"$OUT")"
expect_exit 0 dev m2 --json team assignments apply "$TEST_TMP/a1.txt"
expect_json "$OUT" .applied 0 # S2 keeps the newer assignment, S3 this one
expect_exit 0 dev m2 --json susp list
[ "$(line "$OUT" S2)" = Bm2 ] && [ "$(line "$OUT" S3)" = Am2 ] && pass || fail "after the older code: $OUT"

# altered codes and foreign signers are refused, nothing recorded
mid=$((${#code1} / 2))
[ "${code1:$mid:1}" = A ] && swap=B || swap=A
bad="${code1:0:$mid}$swap${code1:$mid+1}"
expect_exit 3 dev m2 team assignments apply "$bad"
expect_exit 2 dev m2 team assignments apply "FCA1AAAA"
printf 'not a code\n' >"$TEST_TMP/junk.txt"
expect_exit 2 dev m2 team assignments apply "$TEST_TMP/junk.txt"
: >"$TEST_TMP/empty.txt"
expect_exit 2 dev m2 team assignments apply "$TEST_TMP/empty.txt"
expect_exit 2 dev m2 team assignments apply "$TEST_TMP/nosuch.txt"
# a device outside the team has no team naming the lead
expect_exit 0 dev lead --json team assign --member "$M1" S2
c=$(jq -r .code <<<"$OUT")
expect_exit 3 dev out team assignments apply "$c"
# m1 has no open flight visit once it closes its own
expect_exit 0 dev m1 visit close
expect_exit 2 dev m1 team assignments apply "$c"
expect_contains "$ERR" "closed"

# many long lines: several codes, one per line of the file, all applied
ids=$(seq 10 49 | sed 's/^/LONG-SUSPICION-ID-00/')
# shellcheck disable=SC2086
expect_exit 0 dev lead --json team assign --member "$M2" $ids -o "$TEST_TMP/many.txt"
[ "$(jq -s length <<<"$OUT")" -ge 2 ] && pass || fail "one code for 40 long lines"
[ "$(jq -s '[.[].susp_ids | length] | add' <<<"$OUT")" = 40 ] && pass || fail "lines lost in the split"
[ "$(wc -l <"$TEST_TMP/many.txt")" = "$(jq -s length <<<"$OUT")" ] && pass || fail "one code per line"
expect_exit 0 dev m2 --json team assignments apply "$TEST_TMP/many.txt"
[ "$(jq -s '[.[].applied] | add' <<<"$OUT")" = 40 ] && pass || fail "applied: $OUT"
expect_exit 0 dev m2 --json db check
expect_exit 0 dev m2 --json db rebuild
expect_exit 0 dev m2 --json susp list --inspector Am2
[ "$(jq -s length <<<"$OUT")" = 41 ] && pass || fail "after rebuild: $(jq -s length <<<"$OUT") lines"
finish
