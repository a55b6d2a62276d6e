#!/bin/bash
# Who in the team recorded what, on the lead's own night ward map and
# pharmacy count: two members walked the same ward and counted the same
# drug on their laptops; once the lead has imported their bundles, the
# lead's bed list names both members beside each bed they recorded, the bed
# they saw differently marked '!' (in the anomaly colour), the current
# bed's line names them at 80 columns too, and the drug row names both
# counters. A laptop with no team store shows no such names.
E2E_W=${E2E_W:-150}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/team_lib.sh"
export FIELDCHECK_NOW=2026-03-03T20:00:00+08:00

team_enroll lead=LEAD m2=M2 m3=M3
m=$E2E_TMP/m
team_ward_folder "$m" TEAM-MAP
DB=XR05CBA198A001010100862 # the folder's drug
hq pack "$m" -o "$E2E_TMP/team.fcpack" --to "$LEAD" --to "$M2" --to "$M3" --lead "$LEAD"
for d in lead m2 m3; do dev $d mission load "$E2E_TMP/team.fcpack"; done

# the night round on two laptops: bed 2 empty for m2, occupied for m3
for d in m2 m3; do
    dev $d visit open --site H11010500001 --kind night --inspector "A$d" --inspector "B$d"
done
dev m2 scan W01-1 "$(id_for 1)" W01-2 EMPTY_BED
dev m3 scan W01-2 "$(id_for 2)" W01-4 "$(id_for 4)"
for d in m2 m3; do dev $d visit close; done
# the pharmacy: each counts some of drug B
for d in m2 m3; do
    dev $d visit open --site P37020304446 --kind pharmacy --inspector "A$d" --inspector "B$d"
done
dev m2 scan "$DB:10"
dev m3 scan "$DB:5"
for d in m2 m3; do
    dev $d visit close
    dev $d export -o "$E2E_TMP/stick"
done
dev lead team import "$E2E_TMP"/stick/*.fcb

# the lead's own night visit: the ward map names the members
dev lead visit open --site H11010500001 --kind night --inspector Alead --inspector Blead
export FIELDCHECK_DB=$E2E_TMP/lead/fieldcheck.db
start_app "$fc_bin" tui
wait_for "R E A D Y"
m23=$(printf '%s\n' "${M2:0:4}" "${M3:0:4}" | sort | paste -sd,)
for _ in $(seq 50); do screen_text | grep -q "\[! $m23\]" && break; sleep 0.1; done
bed() { screen_text | grep -E "^ *(W01 .*)? +$1 " | head -1; }
bed 2 | grep -qF "[! $m23]" || fail "bed 2 is not marked as m2's and m3's conflict: $(screen_text)"
bed 1 | grep -qF "[${M2:0:4}]" || fail "bed 1 does not name m2: $(screen_text)"
bed 4 | grep -qF "[${M3:0:4}]" || fail "bed 4 does not name m3: $(screen_text)"
bed 3 | grep -qF "[" && fail "bed 3 names someone who did not record it: $(bed 3)"
snapshot lead-ward-map
# at 80 columns the current bed's line names them too
resize 80 24
send_scan W01-2
wait_for "Current bed: W01-2"
for _ in $(seq 50); do screen_text | grep -q "Team: .*${M2:0:4}" && break; sleep 0.1; done
screen_text | grep -E "Team: " | grep -F "${M2:0:4}" | grep -qF "${M3:0:4}" ||
    fail "the current bed's line does not name m2 and m3: $(screen_text)"
snapshot lead-ward-map-80
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the TUI did not exit 0"
tm kill-session -t fc
dev lead visit close

# the lead's pharmacy count: drug B names both counters
dev lead visit open --site P37020304446 --kind pharmacy --inspector Alead --inspector Blead
start_app "$fc_bin" tui
wait_for "$DB"
for _ in $(seq 50); do screen_text | grep -q "$DB.*\[" && break; sleep 0.1; done
screen_text | grep -E "$DB" | grep -qF "[$m23]" || fail "drug B does not name m2 and m3: $(screen_text)"
snapshot lead-count
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the TUI did not exit 0"
tm kill-session -t fc

# a member's laptop (no team store): no names
start_app env "FIELDCHECK_DB=$E2E_TMP/m2/fieldcheck.db" "$fc_bin" tui
wait_for "Missions"
screen_text | grep -qF "[${M3:0:4}" && fail "a member's screen names teammates"
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the member's TUI did not exit 0"
echo "ok"
