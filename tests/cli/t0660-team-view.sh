#!/bin/bash
# The team's view on the lead's laptop (issue: the lead could not see the
# whole team's state, nor who recorded what, nor where members disagree).
# Three members and a lead over three simulated days of one inspection:
# flight lines worked on three laptops and a night round by two of them;
# each evening the members' bundles come in on a stick (in every order,
# twice), and team view shows every record with its author. Two members who
# recorded one suspicion line or one bed differently are a conflict, listed
# until the lead records the item; nothing is resolved silently.
. "$(dirname "$0")/lib.sh"
day() { export FIELDCHECK_NOW="$1"; }
item() { jq -c "select(.type == \"item\" and .subject == \"$1\")" <<<"$OUT"; }
total() { jq -r 'select(.type == "total") | .conflicts' <<<"$OUT"; }
stick=$TEST_TMP/stick
evening() { # members export to the stick
    for d in "$@"; do expect_exit 0 dev "$d" export -o "$stick"; done
}

day 2026-03-02T08:00:00+08:00
team_devices lead=LEAD m1=M1 m2=M2 m3=M3

m=$TEST_TMP/m
team_ward_folder "$m" FLY-2026
DB=XR05CBA198A001010100862 # the folder's drug
printf 'susp_id,rule_code,rule_name,site_code,amount,susp_amount\nS1,R1,rule,H11010500001,100.00,100.00\nS2,R1,rule,H11010500001,50.00,50.00\nS3,R2,rule,H11010500001,30.00,30.00\nS4,R2,rule,H11010500001,10.00,10.00\n' >"$m/suspicions.csv"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/team.fcpack" --to "$LEAD" --to "$M1" --to "$M2" --to "$M3" --lead "$LEAD"
for d in lead m1 m2 m3; do expect_exit 0 dev $d mission load "$TEST_TMP/team.fcpack"; done

# nothing imported yet: the lead's own records only
expect_exit 2 dev m1 team view
expect_contains "$ERR" "leads no team"
expect_exit 0 dev lead --json team view
expect_json "$OUT" 'select(.type == "total") | .conflicts' 0

# ---- day 1: three laptops work the list -----------------------------------------
for d in lead m1 m2; do
    expect_exit 0 dev $d visit open --site H11010500001 --kind flight --inspector "A$d" --inspector "B$d"
done
expect_exit 0 dev m1 susp verify S1 --verdict CONFIRMED --amount 100 --fund-loss 80
expect_exit 0 dev m1 finding add --code V38-4 --amount 12 --note "drug swapped"
expect_exit 0 dev m2 susp verify S2 --verdict PARTIAL --amount 20 --fund-loss 20
evening m1 m2
expect_exit 0 dev lead team import "$stick"/*.fcb
expect_exit 0 dev lead --json team view
expect_json "$(item S1)" '.records[0].device' "$M1"
expect_json "$(item S1)" '.records[0].inspectors' "Am1, Bm1"
expect_json "$(item S1)" '.records[0].verdict' CONFIRMED
expect_json "$(item S1)" '.records[0].amount + " " + .records[0].fund_loss' "100.00 80.00"
expect_json "$(item S2)" '.records[0].device' "$M2"
expect_json "$(item V38-4)" '.records[0].detail' "drug swapped"
expect_json "$(item V38-4)" '.group' findings
[ "$(total)" = 0 ] && pass || fail "day 1: $(total) conflicts"
day1_view=$OUT

# ---- day 2: a second opinion on S1, and a night round on two laptops -------------
day 2026-03-03T10:00:00+08:00
expect_exit 0 dev m2 susp verify S1 --verdict REFUTED --note "bill explained"
expect_exit 0 dev m2 susp verify S4 --verdict CONFIRMED --amount 10 --fund-loss 10
expect_exit 0 dev m1 susp verify S4 --verdict CONFIRMED --amount 10 --fund-loss 10
expect_exit 0 dev m2 visit close --at 2026-03-03T18:00:00+08:00
expect_exit 0 dev m2 visit open --site H11010500001 --kind night --inspector Am2 --inspector Bm2 --at 2026-03-03T20:00:00+08:00
expect_exit 0 dev m3 visit open --site H11010500001 --kind night --inspector Am3 --inspector Bm3 --at 2026-03-03T20:00:00+08:00
expect_exit 0 dev m2 scan --at 2026-03-03T20:10:00+08:00 W01-1 "$(id_for 1)" W01-2 EMPTY_BED W01-3
expect_exit 0 dev m3 scan --at 2026-03-03T20:20:00+08:00 W01-2 "$(id_for 2)" W01-4 "$(id_for 4)" W01-1
expect_exit 0 dev m2 visit close --at 2026-03-03T21:00:00+08:00
expect_exit 0 dev m3 visit close --at 2026-03-03T21:00:00+08:00
evening m3 m2 m1
# the stick's files in reverse order, then again: the same view
expect_exit 0 dev lead team import $(ls "$stick"/*.fcb | sort -r)
expect_exit 0 dev lead team import "$stick"/*.fcb
expect_exit 0 dev lead --json team view
expect_json "$(item S1)" '.conflict' true
expect_json "$(item S1)" '.resolved' false
expect_json "$(item S1)" '[.records[] | .device + ":" + .verdict] | sort | join(",")' \
    "$(printf '%s\n' "$M1:CONFIRMED" "$M2:REFUTED" | sort | paste -sd,)"
expect_json "$(item S4)" '.conflict' false
expect_json "$(item S4)" '.records | length' 2
# the night round: both laptops' walks side by side; bed 2 seen differently
expect_json "$(item W01:2)" '.workflow' night
expect_json "$(item W01:2)" '.conflict' true
expect_json "$(item W01:2)" '[.records[] | .device + ":" + .verdict] | sort | join(",")' \
    "$(printf '%s\n' "$M2:ABSENT" "$M3:OK" | sort | paste -sd,)"
expect_json "$(item W01:1)" '.conflict' false
expect_json "$(item W01:4)" "[.records[] | select(.device == \"$M3\") | .verdict] | join(\",\")" OK
expect_json "$(item W01:4)" "[.records[] | select(.device == \"$M2\") | .class] | join(\",\")" coverage
expect_json "$(item W01:4)" .conflict false
[ "$(total)" -ge 2 ] && pass || fail "day 2: $(total) conflicts, expected S1 and W01:2 at least"
day2_view=$OUT
expect_exit 0 dev lead --json team view --conflicts
expect_not_contains "$OUT" '"subject":"S4"'
expect_contains "$OUT" '"subject":"S1"'
expect_exit 0 dev lead --json team view --kind night
expect_not_contains "$OUT" '"workflow":"flight"'
expect_exit 1 dev lead team view --kind nosuch
expect_exit 0 dev lead team view
expect_contains "$OUT" "CONFLICT: members recorded it differently"
expect_contains "$OUT" "by ${M1:0:8} (Am1, Bm1)"
expect_contains "$OUT" "recorded differently by members"
# the same view again: the mirrors are reused, the result is the same
expect_exit 0 dev lead --json team view
[ "$OUT" = "$day2_view" ] && pass || fail "a second team view differs from the first"
[ "$day1_view" != "$day2_view" ] && pass || fail "the view did not change with day 2's bundles"

# ---- day 3: the lead decides S1; the members go on ------------------------------
day 2026-03-04T09:00:00+08:00
expect_exit 0 dev lead susp verify S1 --verdict CONFIRMED --amount 100 --fund-loss 80 --note "lead: bill does not explain it"
expect_exit 0 dev m1 susp verify S3 --verdict REFUTED
expect_exit 0 dev m2 visit open --site H11010500001 --kind flight --inspector Am2 --inspector Bm2
expect_exit 0 dev m2 susp verify S2 --verdict PARTIAL --amount 25 --fund-loss 20
# m3 counts the pharmacy across the road
expect_exit 0 dev m3 visit open --site P37020304446 --kind pharmacy --inspector Am3 --inspector Bm3
expect_exit 0 dev m3 count $DB --qty 5
evening m1 m2 m3
for f in $(ls "$stick"/*.fcb | sort -r) "$stick"/*.fcb; do
    expect_exit 0 dev lead team import "$f"
done
expect_exit 0 dev lead --json team view
expect_json "$(item S1)" '.conflict' true
expect_json "$(item S1)" '.resolved' true
expect_json "$(item S1)" '[.records[] | select(.self) | .verdict] | join(",")' CONFIRMED
# m2's later visit is its record of S2
expect_json "$(item S2)" '.records[0].amount' "25.00"
expect_json "$(item S2)" '.records | length' 1
expect_json "$(item S3)" '.records[0].verdict' REFUTED
drug=$(jq -c "select(.type == \"item\" and .subject == \"$DB\" and .group == \"drugs\")" <<<"$OUT")
expect_json "$drug" .workflow pharmacy
expect_json "$drug" '.records[0].device + " " + .records[0].detail' "$M3 5"
expect_exit 0 dev lead team view
expect_contains "$OUT" "decided by the lead's own record"
printf "%s\n" "$OUT" >"$TEST_TMP/view.txt"; [ -n "${TEAM_VIEW_DUMP:-}" ] && cp "$TEST_TMP/view.txt" "$TEAM_VIEW_DUMP"

# the team's documents: every finding with its author, undecided conflicts
# apart, the members' chain heads, the signed team checkpoint as QR
expect_exit 1 dev lead team report -o "$TEST_TMP/record.html"
expect_contains "$ERR" "several sites"
expect_exit 0 dev lead --json team report --site H11010500001 -o "$TEST_TMP/record.html"
expect_json "$OUT" .doc site-record
expect_json "$OUT" .site_code H11010500001
expect_json "$OUT" .conflicts 2
digest=$(jq -r .digest <<<"$OUT")
rec=$(cat "$TEST_TMP/record.html")
expect_contains "$rec" "现场检查笔录（检查组）"
expect_contains "$rec" "<svg"
expect_contains "$rec" "${M1:0:8} (Am1, Bm1)"
expect_contains "$rec" "组长 ${LEAD:0:8} (Alead, Blead)（组员记录不一致，组长裁定）"
expect_contains "$rec" "尚待组长裁定"
expect_contains "$rec" "W01:2"
expect_contains "$rec" "$M3"
expect_not_contains "$rec" "$(id_for 2)"
[ -n "${TEAM_VIEW_DUMP:-}" ] && cp "$TEST_TMP/record.html" "$TEAM_VIEW_DUMP.html"
FIELDCHECK_LANG=en expect_exit 0 dev lead team report --site H11010500001 --doc summary -o "$TEST_TMP/summary.html"
sum=$(cat "$TEST_TMP/summary.html")
expect_contains "$sum" "Team summary"
expect_contains "$sum" "Each member&#39;s records"
# S1 (lead, 100/80), S2 (m2, 25/20), S4 (10/10) and V38-4 (12/12): 147.00 / 122.00;
# bed W01:2 and patient A2 are undecided and in no total
expect_contains "$sum" "<dd>147.00</dd>"
expect_contains "$sum" "<dd>122.00</dd>"
expect_exit 1 dev lead team report --site H11010500001 --doc nosuch -o "$TEST_TMP/x.html"
expect_exit 2 dev lead team report --site H99999999999 -o "$TEST_TMP/x.html"
# the lead records each checkpoint in its own chain, so the next document
# covers it; a member's new bundle changes the digest too
expect_exit 0 dev lead --json team report --site H11010500001 -o "$TEST_TMP/record2.html"
digest2=$(jq -r .digest <<<"$OUT")
[ "$digest2" != "$digest" ] && pass || fail "the lead's checkpoint event is not covered by the next digest"
digest=$digest2
expect_exit 0 dev m1 susp verify S2 --verdict PARTIAL --amount 25 --fund-loss 20
evening m1
expect_exit 0 dev lead team import "$stick"/*.fcb
expect_exit 0 dev lead --json team report --site H11010500001 -o "$TEST_TMP/record3.html"
[ "$(jq -r .digest <<<"$OUT")" != "$digest" ] && pass || fail "the team digest did not change with a new bundle"

# the merged view equals HQ's view of the same bundles: every visit closed,
# each laptop's closing findings at HQ are what the lead's view holds of that
# visit (the lead's and m1's visits: m2's second visit supersedes part of
# its first in the view, by design)
for d in lead m1 m2; do expect_exit 0 dev $d visit close; done
evening m1 m2 lead
expect_exit 0 dev lead team import "$stick"/*.fcb
expect_exit 0 dev lead --json team view --kind flight
view=$OUT
expect_exit 0 $hq import "$stick"/*.fcb
expect_exit 0 $hq --json report
hqrep=$OUT
for who in "$LEAD" "$M1"; do
    visits=$(jq -r --arg d "$who" 'select(.type == "item") | .records[] | select(.device == $d) | .visit' <<<"$view" | sort -u)
    [ "$(wc -l <<<"$visits")" = 1 ] && pass || fail "device $who has $(wc -l <<<"$visits") visits in the view"
    mine=$(jq -r --arg v "$visits" 'select(.type == "item") | .records[] | select(.visit == $v and .class == "anomaly") | "\(.verdict) \(.amount) \(.fund_loss)"' <<<"$view" |
        awk '{n[$1]++; a[$1]+=$2*100; l[$1]+=$3*100} END {for (k in n) printf "%s %d %d %d\n", k, n[k], a[k], l[k]}' | sort)
    at_hq=$(jq -r --arg v "$visits" 'select(.type == "visit_finding" and .visit == $v) | "\(.code) \(.count) \(.amount_fen) \(.fund_loss_fen)"' <<<"$hqrep" | sort)
    [ -n "$mine" ] && [ "$mine" = "$at_hq" ] && pass ||
        fail "device $who: the team view has '$mine', HQ has '$at_hq'"
done

# members' events never entered the lead's chain; the lead's database is sound
expect_exit 0 dev lead --json db check
# HQ's merged store of the same bundles knows the same night conflict
expect_contains "$hqrep" '"subject":"W01:2"'
finish
