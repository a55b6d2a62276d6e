#!/bin/bash
# Terminals as inspectors have them: TERM=dumb and an unknown TERM refused
# with a message (nothing drawn); the Linux console in English with a note
# even under LANG=zh_CN.UTF-8; NO_COLOR drawing without colour; Alt keys
# (what terminals send as ESC + letter) doing what the F-keys do; a scan in
# lower case getting the Caps Lock hint; and at 80x24 in Chinese the key bar
# keeping every key, up to F12.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

demo_load
open_visit

# refused terminals: a message, a non-zero exit, no screen
for t in dumb no-such-terminal-xyz; do
    # tmux sets TERM in its panes: the program gets it through env
    start_app env TERM=$t "$fc_bin" tui
    code=$(wait_exit 10)
    [ "$code" != 0 ] || fail "TERM=$t was not refused"
    screen_text | grep -qF "cannot start the terminal UI" || fail "no message for TERM=$t"
    tm kill-session -t fc
done

# the Linux console: English, with the note, whatever LANG says
start_app env LANG=zh_CN.UTF-8 FIELDCHECK_LANG= TERM=linux "$fc_bin" tui
wait_for "R E A D Y"
wait_for "Current bed: none yet"
wait_for "Linux console: no Chinese here"
screen_text | grep -q "当前床位" && fail "Chinese drawn on the Linux console"
snapshot linux-console
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0 on TERM=linux"
tm kill-session -t fc

# NO_COLOR: no colour escapes in the drawn screen
start_app env NO_COLOR=1 "$fc_bin" tui
wait_for "R E A D Y"
tm capture-pane -p -e -t fc >"$E2E_TMP/mono.txt"
grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5|48;5)[;m]' "$E2E_TMP/mono.txt" &&
    fail "NO_COLOR still draws colours"
send_key F10
wait_exit 10 >/dev/null
tm kill-session -t fc

# Alt keys and the Caps Lock hint on the night screen
start_app "$fc_bin" tui
wait_for "R E A D Y"
send_scan W01-3
wait_for "Current bed: W01-3"
send_key M-n # Alt-n: empty bed, as F2
wait_for "R E C O R D E D"
[ "$(stored_scans | tail -1 | cut -f1,2)" = "EMPTY_BED	typed" ] ||
    fail "Alt-n did not record EMPTY_BED: $(stored_scans | tail -1)"
send_scan "wb|zy000000000|00|f"
wait_for "is Caps Lock on?"
send_key F10
wait_exit 10 >/dev/null
tm kill-session -t fc

# 80x24 in Chinese: every F-key of the night screen stays on the key bar
E2E_W=80 E2E_H=24
start_app env LANG=zh_CN.UTF-8 FIELDCHECK_LANG= "$fc_bin" tui
wait_for "请扫码"
snapshot keybar-80x24-zh
bar=$(screen_text | tail -2 | tr '\n' ' ')
for k in 2 3 4 5 6 10 11 12; do
    echo "$bar" | grep -qE "(^| |F)$k[^0-9]" || fail "F$k is missing from the key bar at 80x24: $bar"
done
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
echo "ok"
