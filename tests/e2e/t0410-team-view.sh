#!/bin/bash
# The team's view in the TUI of a lead's laptop: two members worked the same
# flight list, their bundles were imported (team import), and Alt+t over the
# lead's worksheet shows every member's record with its author; the line
# they recorded differently is a CONFLICT in the list (and alone under F2)
# until the lead records it too, when it shows as decided. A laptop that
# leads no team says so. Day 2: the lead hands the open line S3 to a member
# (team assign); the member scans the code off its QR on the worksheet,
# answers the question by hand, and the line is the member's; the member
# works it, the lead imports the evening's bundles from the stick on the USB
# screen and the team's view has it. Day 3: a third member gives S2 another
# verdict; imported on the USB screen, S2 is the lead's conflict to decide.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/team_lib.sh"
export FIELDCHECK_NOW=2026-03-02T18:00:00+08:00

team_enroll lead=LEAD m1=M1 m2=M2 m3=M3
m=$E2E_TMP/m
mkdir -p "$m"
cat >"$m/mission.json" <<'J'
{"mission_id":"FLY-TUI","version":1,"kind":"flight","title":"team","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}
J
printf 'site_code,site_name\nH11010500001,Hospital\n' >"$m/sites.csv"
printf 'susp_id,rule_code,rule_name,site_code,amount,susp_amount\nS1,R1,rule,H11010500001,100.00,100.00\nS2,R1,rule,H11010500001,50.00,50.00\nS3,R2,rule,H11010500001,30.00,30.00\n' >"$m/suspicions.csv"
hq pack "$m" -o "$E2E_TMP/team.fcpack" --to "$LEAD" --to "$M1" --to "$M2" --to "$M3" --lead "$LEAD"
for d in lead m1 m2 m3; do
    dev $d mission load "$E2E_TMP/team.fcpack"
    dev $d visit open --site H11010500001 --kind flight --inspector "A$d" --inspector "B$d"
done
dev m1 susp verify S1 --verdict CONFIRMED --amount 100 --fund-loss 80
dev m2 susp verify S1 --verdict REFUTED
dev m2 susp verify S2 --verdict PARTIAL --amount 20 --fund-loss 20
for d in m1 m2; do dev $d export -o "$E2E_TMP/stick"; done
dev lead team import "$E2E_TMP"/stick/*.fcb

export FIELDCHECK_DB=$E2E_TMP/lead/fieldcheck.db
start_app "$fc_bin" tui
wait_for "Lines: 3"
# the lead's own worksheet names who in the team recorded each line
wait_for "Team"
m12=$(printf '%s\n' "${M1:0:4}" "${M2:0:4}" | sort | paste -sd,)
screen_text | grep -q "^ *S1 .*! $m12" || fail "S1 is not marked as a conflict of m1 and m2: $(screen_text)"
screen_text | grep -q "^ *S2 .*${M2:0:4}" || fail "S2 does not name m2: $(screen_text)"
screen_text | grep -q "^ *S3 .*${M1:0:4}" && fail "S3 names a member who did not record it"
snapshot lead-worksheet-team
send_key M-t
wait_for "Team's records"
wait_for "3 laptop(s), 2 item(s), 1 conflict(s)"
wait_for "[CONFLICT]"
wait_for "confirmed"
wait_for "${M1:0:8} Am1, Bm1"
wait_for "${M2:0:8} Am2, Bm2"
wait_for "100.00 / 80.00"
wait_for "partly confirmed"
snapshot team-view
# only the conflicts: S2 goes, S1 stays with both records
send_key F2
wait_for "Team: conflicts"
wait_gone "partly confirmed"
wait_for "[CONFLICT]"
wait_for "confirmed"
wait_for "refuted"
# the lead records S1 (here through the CLI, beside the running TUI); F5
# reads the team's records again
devout lead susp verify S1 --verdict CONFIRMED --amount 100 --fund-loss 80 >/dev/null ||
    fail "the lead's verify"
send_key F5
wait_for "[decided]"
wait_for "LEAD ${LEAD:0:8} Alead"
wait_for "0 conflict(s)"
snapshot team-view-decided
send_key Escape
wait_for "Lines: 3"
# decided by the lead: no longer a conflict on the worksheet
for _ in $(seq 50); do screen_text | grep -q "^ *S1 .*LEAD" && break; sleep 0.1; done
for who in LEAD "${M1:0:4}" "${M2:0:4}"; do
    screen_text | grep -q "^ *S1 .*$who" || fail "S1 does not name $who: $(screen_text)"
done
screen_text | grep -q "^ *S1 .*! " && fail "S1 still marked as a conflict"
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the TUI did not exit 0"

# a laptop that leads no team (its database named in the command: a new
# session may start in the first one's server, with that one's environment)
tm kill-session -t fc
start_app env "FIELDCHECK_DB=$E2E_TMP/m1/fieldcheck.db" "$fc_bin" tui
wait_for "Lines: 3"
send_key M-t
wait_for "leads no team"
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the member's TUI did not exit 0"

# ---- day 2: the lead hands S3 to m1; m1 scans the code on its worksheet -----------
export FIELDCHECK_NOW=2026-03-03T09:00:00+08:00
code=$(devout lead --json team assign --member "$M1" S3 | jq -r .code)
case $code in FCA1*) ;; *) fail "no assignment code: $code" ;; esac
tm kill-session -t fc
start_app env "FIELDCHECK_DB=$E2E_TMP/m1/fieldcheck.db" "$fc_bin" tui
wait_for "Lines: 3"
send_scan "$code"
wait_for "Apply the team lead's assignment?"
wait_for "assigns 1 line(s) of site H11010500001"
# a y inside a scanner burst does not answer it
send_scan y
sleep 0.3
screen_text | grep -qF "now yours" && fail "a burst applied the assignment"
send_key y
wait_for "1 of 1 line(s) now yours"
# the worksheet shows S3 as the first inspector's line
for _ in $(seq 50); do screen_text | grep -q "S3.*Am1" && break; sleep 0.1; done
screen_text | grep -q "S3.*Am1" || fail "S3 is not shown as Am1's line: $(screen_text)"
snapshot member-assigned
# the same code again changes nothing
send_scan "$code"
wait_for "Apply the team lead's assignment?"
send_key y
wait_for "already applied, nothing changed"
# a code for another laptop is refused before any question
other=$(devout lead --json team assign --member "$M2" S3 | jq -r .code)
send_scan "$other"
wait_for "Team assignment not applied"
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the member's TUI did not exit 0 on day 2"
[ "$(devout m1 --json susp list | jq -r 'select(.susp_id == "S3") | .inspector')" = Am1 ] ||
    fail "the CLI does not show S3 as Am1's"

# m1 works S3 in the evening; the lead imports and sees it, day 2's record
export FIELDCHECK_NOW=2026-03-03T18:00:00+08:00
dev m1 susp verify S3 --verdict CONFIRMED --amount 30 --fund-loss 30
dev m1 export -o "$E2E_TMP/stick2"
dev lead export -o "$E2E_TMP/stick2"
# on the lead's USB screen, a bundle of the stick imports the teammates'
# bundles found there (the lead's own is skipped); twice changes nothing
tm kill-session -t fc
start_app env "FIELDCHECK_DB=$E2E_TMP/lead/fieldcheck.db" "$fc_bin" tui
wait_for "Lines: 3"
send_key M-u
wait_for "Removable media"
bundle=$(ls "$E2E_TMP"/stick2/*.fcb | head -1)
tm send-keys -t fc -l -- "$bundle"
sleep 0.1
send_key Enter
wait_for "1 bundle(s) imported, 0 already imported, 1 of this device, 0 refused"
snapshot usb-team-import
tm send-keys -t fc -l -- "$bundle"
sleep 0.1
send_key Enter
wait_for "0 bundle(s) imported, 1 already imported, 1 of this device"
send_key Escape
wait_for "Lines: 3"
send_key M-t
wait_for "Team's records"
wait_for "3 laptop(s), 3 item(s), 0 conflict(s)"
wait_for "30.00 / 30.00"
snapshot team-view-day2
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the lead's TUI did not exit 0 on day 2"

# ---- day 3: the third member's second opinion on S2 reaches the lead -------------
export FIELDCHECK_NOW=2026-03-04T18:00:00+08:00
dev m3 susp verify S2 --verdict REFUTED --note "bill explained"
dev m3 export -o "$E2E_TMP/stick3"
tm kill-session -t fc
start_app env "FIELDCHECK_DB=$E2E_TMP/lead/fieldcheck.db" "$fc_bin" tui
wait_for "Lines: 3"
send_key M-u
wait_for "Removable media"
tm send-keys -t fc -l -- "$(ls "$E2E_TMP"/stick3/*.fcb | head -1)"
sleep 0.1
send_key Enter
wait_for "1 bundle(s) imported, 0 already imported"
send_key Escape
wait_for "Lines: 3"
# S2 is now m2's and m3's, and they disagree
m23=$(printf '%s\n' "${M2:0:4}" "${M3:0:4}" | sort | paste -sd,)
for _ in $(seq 50); do screen_text | grep -q "^ *S2 .*! $m23" && break; sleep 0.1; done
screen_text | grep -q "^ *S2 .*! $m23" || fail "S2 is not marked as m2's and m3's conflict: $(screen_text)"
send_key M-t
wait_for "Team's records"
wait_for "1 conflict(s)"
wait_for "${M3:0:8} Am3, Bm3"
wait_for "refuted"
snapshot team-view-day3
send_key F10
[ "$(wait_exit)" = 0 ] || fail "the lead's TUI did not exit 0 on day 3"
echo "ok"
