#!/bin/bash
# Two processes showing the team's view at once (the TUI and a CLI command)
# both found a member's mirror stale and rebuilt it, one deleting the file
# the other was building or reading. The rebuild and the read now happen
# under an exclusive lock of the member's mirror (team-view/<device>.lock):
# a view waits while another process holds it, and views run in parallel
# right after an import all succeed with the same result.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-02T08:00:00+08:00
team_devices lead=LEAD m1=M1 m2=M2
m=$TEST_TMP/m
hospital_folder "$m" FLY-2026 flight
{
    echo 'susp_id,rule_code,rule_name,site_code,amount,susp_amount'
    for i in $(seq 1 200); do echo "S$i,R1,rule,H11010500001,100.00,100.00"; done
} >"$m/suspicions.csv"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/team.fcpack" --to "$LEAD" --to "$M1" --to "$M2" --lead "$LEAD"
for d in lead m1 m2; do
    expect_exit 0 dev $d mission load "$TEST_TMP/team.fcpack"
    expect_exit 0 dev $d visit open --site H11010500001 --kind flight --inspector "A$d" --inspector "B$d"
done
for i in $(seq 1 60); do
    dev m1 susp verify "S$i" --verdict CONFIRMED --amount 100 --fund-loss 80 >/dev/null || fail "m1 S$i"
    dev m2 susp verify "S$((i + 100))" --verdict REFUTED >/dev/null || fail "m2 S$i"
done
for d in m1 m2; do expect_exit 0 dev $d export -o "$TEST_TMP/stick"; done
expect_exit 0 dev lead team import "$TEST_TMP/stick"/*.fcb

# another process holds m1's mirror: the view waits for it
lockdir=$TEST_TMP/lead/team-view
mkdir -p "$lockdir"
flock "$lockdir/$M1.lock" sleep 2 &
holder=$!
sleep 0.3
dev lead --json team view >"$TEST_TMP/waited.json" 2>&1 &
viewer=$!
sleep 1
if kill -0 "$viewer" 2>/dev/null; then pass; else fail "the view did not wait for the mirror's lock"; fi
wait "$holder"
wait "$viewer" && pass || fail "the view failed after the lock was released: $(cat "$TEST_TMP/waited.json")"
expect_json "$(cat "$TEST_TMP/waited.json")" 'select(.type == "total") | .conflicts' 0

# new bundles make both mirrors stale; six views at once rebuild them
for round in 1 2 3; do
    for i in $(seq 61 70); do
        dev m1 susp verify "S$i" --verdict PARTIAL --amount "$round" --fund-loss 1 >/dev/null || fail "m1 S$i"
    done
    expect_exit 0 dev m1 export -o "$TEST_TMP/stick$round"
    expect_exit 0 dev lead team import "$TEST_TMP/stick$round"/*.fcb
    pids=()
    for k in 1 2 3 4 5 6; do
        dev lead --json team view >"$TEST_TMP/v$k.json" 2>"$TEST_TMP/v$k.err" &
        pids+=($!)
    done
    for k in 1 2 3 4 5 6; do
        wait "${pids[$((k - 1))]}" && pass || fail "round $round view $k failed: $(cat "$TEST_TMP/v$k.err")"
    done
    expect_exit 0 dev lead --json team view
    for k in 1 2 3 4 5 6; do
        [ "$(cat "$TEST_TMP/v$k.json")" = "$OUT" ] && pass || fail "round $round view $k differs from a view alone"
    done
done
expect_json "$OUT" "select(.type == \"item\" and .subject == \"S61\") | .records[0].amount" "3.00"
finish
