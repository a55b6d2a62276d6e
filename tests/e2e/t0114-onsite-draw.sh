#!/bin/bash
# The on-site draw (双随机) on screen at 80x24: Alt+s over the open visit's
# screen (F12 on home) shows the pack's candidate pool; the team types the
# seed it announced; the result shows with the draw record's SHA-256 before
# anything is recorded; F2 asks, and only 'y' typed by hand records. The
# recorded event is byte for byte the one `fieldcheck draw` records with the
# same seed and count, and its SHA-256 is the one the screen showed. The
# result screen reads in Chinese after F7.
E2E_W=80
E2E_H=24
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

seed="05 12 33"
draws() { sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'draw' ORDER BY seq"; }

demo_load
open_visit
pool=$(awk -F, 'NR > 1 { print $1 }' "$demo_dir/sites.csv")
[ "$(printf '%s\n' "$pool" | wc -l)" -ge 3 ] || fail "the demo mission has fewer than 3 institutions"
# a frozen clock marks every event it times ("test_clock"), which the draw
# record shown before recording cannot know: draw on the real clock
unset FIELDCHECK_NOW

start_app "$fc_bin" tui
wait_for "R E A D Y"
# from the visit's screen
send_key M-s
wait_for "On-site draw"
wait_for "Candidate pool"
wait_for "Count: hospital=2,pharmacy=1"
for s in $pool; do wait_for "$s"; done
snapshot draw-pool-80x24
# nothing is drawn before Enter, nor recorded before the question
send_key F2
wait_for "type the announced seed"
type_slow "$seed"
wait_for "Seed: $seed"
send_key Enter
wait_for "Drawn, not recorded"
[ -z "$(draws)" ] || fail "the draw was recorded before it was confirmed"
shown=$(screen_text | grep -oE '\b[0-9a-f]{64}\b' | head -n1)
[ -n "$shown" ] || fail "no draw record SHA-256 on screen"
snapshot draw-result-80x24
# the question: Enter and n do not record; y typed by hand does
send_key F2
wait_for "Record this draw?"
send_key n
wait_gone "Record this draw?"
[ -z "$(draws)" ] || fail "answering no recorded the draw"
send_key F2
wait_for "Record this draw?"
send_key y
wait_for "Recorded. Record SHA-256"
[ "$(draws | wc -l)" = 1 ] || fail "expected one draw event, found: $(draws)"
tui=$(draws)
[ "$(printf '%s' "$tui" | sha256sum | cut -c1-64)" = "$shown" ] ||
    fail "the SHA-256 shown ($shown) is not the recorded payload's"
# the result in Chinese
send_key F7
wait_for "现场双随机抽取"
wait_for "已记录。记录 SHA-256"
wait_for "随机种子： $seed"
wait_for "候选池 SHA-256"
wait_for "药店"
snapshot draw-result-zh-80x24
# again from home, on its F-key: the screen starts over from the pool
send_key F7
wait_for "Recorded. Record SHA-256"
send_key Escape
wait_gone "On-site draw"
send_key Escape
wait_for "F12"
send_key F12
wait_for "Candidate pool"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit cleanly"

# the CLI with the same seed and count records the very same payload
"$fc_bin" draw --seed "$seed" --count hospital=2,pharmacy=1 >"$E2E_TMP/cli.txt" 2>&1 ||
    fail "fieldcheck draw: $(cat "$E2E_TMP/cli.txt")"
[ "$(draws | wc -l)" = 2 ] || fail "expected two draw events"
[ "$(draws | sed -n 2p)" = "$tui" ] || fail "the TUI's event differs from the CLI's:
$tui
$(draws | sed -n 2p)"
# the seed as announced
[ "$(printf '%s' "$tui" | jq -r .seed)" = "$seed" ] || fail "seed recorded as $(jq -r .seed <<<"$tui")"
echo "ok: on-site draw in the TUI records the CLI's event"
