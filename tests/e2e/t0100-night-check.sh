#!/bin/bash
# A whole ward checked in the night-check screen of the real binary: scanner
# bursts and slow typing, banners and findings, bed jumps, a resize through
# the too-small page, the anomaly filter, a void, closing the visit and its
# checkpoint code; then every scan the screen took is in the database once.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

demo_load
open_visit
nbeds=$(ward_beds W01)
[ "${nbeds:-0}" -ge 5 ] || fail "demo ward W01 has too few beds ($nbeds)"
sent=$E2E_TMP/sent.tsv # code<TAB>arrival, in the order the screen got them
: >"$sent"
scan() { send_scan "$1" && printf '%s\tburst\n' "$1" >>"$sent"; }
typed() { printf '%s\ttyped\n' "$1" >>"$sent"; }

start_app "$fc_bin" tui
# an open visit: the TUI opens on its night-check screen
wait_for "R E A D Y"
wait_for "Ward W01"
wait_for "0/$nbeds"
snapshot night-start

# bed 1: label, then the listed patient's ID card (bursts)
id1=$(listed_id W01 1)
[ -n "$id1" ] || fail "no patient listed for W01-1"
scan W01-1
wait_for "BED_LISTED"
wait_for "Current bed: W01-1"
scan "$id1"
wait_for "MATCHES THE ROSTER"
screen_text | grep -E "^ *Finding: in order " >/dev/null || fail "bed W01-1 is not OK"

# bed 2 chosen by typing its number (typed, recorded as the bed label), then
# the ID of the patient listed for bed 3: WRONG_BED, an anomaly
type_slow "2"
wait_for "Code or bed no.: 2_"
send_key Enter
typed W01-2
wait_for "Current bed: W01-2"
id3=$(listed_id W01 3)
[ -n "$id3" ] || fail "no patient listed for W01-3"
scan "$id3"
wait_for "IN ANOTHER BED"
snapshot wrong-bed

# bed 3: nobody there (F2 = EMPTY_BED, submitted as typed)
scan W01-3
wait_for "Current bed: W01-3"
send_key F2
typed EMPTY_BED
wait_for "R E C O R D E D"

# the rest of the ward at scanner speed: label + ID, or label + EMPTY_BED
for b in $(seq 4 "$nbeds"); do
    scan "W01-$b"
    id=$(listed_id W01 "$b")
    if [ -n "$id" ]; then
        scan "$id"
    else
        scan EMPTY_BED
    fi
    sleep 0.05
done
wait_for "$nbeds/$nbeds"
wait_for "Current bed: W01-$nbeds"

# anomalies only: OK beds leave the bed table, the moved-in bed stays
send_key F6
wait_for "[anomalies only]"
screen_text | grep -E " 2 .*someone else in the bed" >/dev/null ||
    fail "the MOVED_IN bed (someone else in the bed) is not shown under the filter"
screen_text | grep -E " 1 <? .* in order " >/dev/null && fail "an OK bed is shown under the anomaly filter"
snapshot filtered
send_key F6
wait_gone "[anomalies only]"

# too small mid-check: the page comes and goes, and a scan is still taken
resize 50 12
wait_for "terminal too small"
scan W02-1
resize 100 30
wait_gone "terminal too small"
wait_for "Current bed: W02-1"
wait_for "Ward W02"

# void the last scan (W02-1, taken during the too-small page) with a reason
send_key F11
wait_for "Void or amend a scan"
wait_for "W02-1"
type_slow "double label" 0.06
send_key Enter
wait_for "Void this scan?"
send_key y
wait_for "V O I D E D"
wait_gone "Void or amend a scan"

# the scans list shows it voided
send_key C-p C-p
wait_for "Scans, newest first"
wait_for "voided"
send_key C-p

# close: summary with anomalies first, confirm, then the checkpoint code
send_key F12
wait_for "Summary before closing"
screen_text | grep -A1 "Beds by finding" | tail -1 | grep -qE "someone else in the bed|listed patient absent" ||
    fail "the first bed finding is not an anomaly"
confirm_close
snapshot closed
send_key Escape
wait_for "Missions"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"

# every scan the screen took is stored exactly once, in order, with how it came
stored_scans | cut -f1,2 >"$E2E_TMP/stored.tsv"
diff -u "$sent" "$E2E_TMP/stored.tsv" >&2 || fail "stored scans differ from the scans sent"
# the void is an event of its own, and the visit is closed with that code
[ "$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'void'")" = 1 ] ||
    fail "expected one void event"
if "$fc_bin" visit --help >/dev/null 2>&1; then
    "$fc_bin" --json visit show >"$E2E_TMP/show.json" || fail "visit show failed"
    grep -q "$code" "$E2E_TMP/show.json" || fail "visit show does not give the code $code"
fi
grep -q "ui stopped" "$FIELDCHECK_LOG" || fail "log has no clean stop"
echo "ok ($(wc -l <"$sent") scans, checkpoint $code)"
