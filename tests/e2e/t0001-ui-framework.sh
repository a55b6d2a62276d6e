#!/bin/bash
# The TUI framework in tmux on the fake-model harness: home screen, generated
# help, scanner bursts vs slow typing, the too-small page and F10.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

harness=${FC_UI_HARNESS:-}
[ -n "$harness" ] && [ -x "$harness" ] || fail "FC_UI_HARNESS is not set to the ui_harness binary"

out=$E2E_TMP/scans.tsv
export LANG=C.UTF-8 LC_ALL= TERM=${E2E_TERM:-screen} FIELDCHECK_LANG=en
export FIELDCHECK_LOG=$E2E_TMP/ui.log FC_HARNESS_OUT=$out FIELDCHECK_NOW=2026-11-22T19:52:00+08:00
export FIELDCHECK_SCAN_GAP_MS=30

start_app "$harness"

# home shows missions and visits from the model, CJK text included
wait_for "Missions"
wait_for "市第一人民医院"
wait_for "2026-11-22 19:52"
wait_for "F10Quit"
snapshot home
# the CJK column is padded by display width: the next column lines up
screen_text | grep -E "V-0001 +市第一人民医院 +night " >/dev/null ||
    fail "visit row is misaligned"
screen_text | grep -E "V-0003 +County Hospital No. 2 +night " >/dev/null ||
    fail "visit row is misaligned"

# F1: help generated from the keymap, with the home view's own actions
send_key F1
wait_for "Show this list of keys"
wait_for "Reload missions and visits"
screen_text | grep -E "^ *Home g +Top" >/dev/null || fail "help does not list Home/g"
screen_text | grep -E "^ *F10 Alt-q +Quit" >/dev/null || fail "help does not list F10 and Alt-q"
snapshot help
send_key Escape
wait_for "Missions"

# a visit that cannot be opened: the error comes in a dialog over home
send_key Down Down
send_key Enter
wait_for "Cannot open the visit"
wait_for "cannot open visit 'V-0003': it is closed"
send_key j   # a modal dialog swallows navigation
send_key Enter
wait_gone "Cannot open the visit"
send_key g

# open the open visit (focus starts on the visits table)
send_key Enter
wait_for "Code:"
wait_for "R E A D Y"

# 20 scans per second, back to back: each arrives once, whole, in order
for i in $(seq 1 20); do
    send_scan "$(printf '6901234%06d' "$i")"
    sleep 0.05
done
wait_for "Scans 20"
snapshot scans
[ "$(wc -l <"$out")" -eq 20 ] || fail "expected 20 scans, got $(wc -l <"$out")"
for i in $(seq 1 20); do
    want=$(printf 'burst\tV-0001\t6901234%06d' "$i")
    [ "$(sed -n "${i}p" "$out")" = "$want" ] || fail "scan $i: got '$(sed -n "${i}p" "$out")'"
done

# a scanned code made of hotkey letters is a scan, not j/k/G navigation
send_scan "jkGgjjkk"
wait_for "Scans 21"
grep -qx $'burst\tV-0001\tjkGgjjkk' "$out" || fail "hotkey-letter scan was not a scan"

# slow typing stays typing: it goes to the input line, not to the scan callback
type_slow "B12"
wait_for "Code: B12_"
[ "$(wc -l <"$out")" -eq 21 ] || fail "typed keys were taken as a scan"
send_key Enter
wait_for "Scans 22"
grep -qx $'typed\tV-0001\tB12' "$out" || fail "typed code not submitted as typed"

# an anomaly shows its banner
send_scan "BAD000001"
wait_for "I D E N T I T Y _ M I S M A T C H"

# too small, then back: the page comes and goes, state is kept
resize 40 10
wait_for "terminal too small"
wait_for "终端窗口太小"
snapshot too-small
# scans are still taken while the page is shown
send_scan "77770001"
resize 100 30
wait_gone "terminal too small"
wait_for "Scans 24"
grep -qx $'burst\tV-0001\t77770001' "$out" || fail "scan during the too-small page was lost"

# Chinese UI chrome from the tables
send_key F7
wait_for "F10退出"
wait_for "扫码数 24"
send_key F7
wait_for "F10Quit"

# F10 quits at once, with status 0
send_key F10
status=$(wait_exit 10)
[ "$status" = 0 ] || fail "harness exited with $status"
grep -q "ui stopped" "$FIELDCHECK_LOG" || fail "log has no clean stop"

# again with xterm-256color, the night theme, Chinese and a visit to start on
tm kill-session -t fc
: >"$out"
# (the settings in the command: a new session may start in the first one's server,
# with that one's environment)
start_app env TERM=xterm-256color FIELDCHECK_LANG=zh "$harness" --visit V-0001 --theme night
wait_for "请扫码"
wait_for "F1帮助"
send_scan "6901234000099"
wait_for "扫码数 1"
grep -qx $'burst\tV-0001\t6901234000099' "$out" || fail "scan not received under xterm-256color"
send_key Escape
wait_for "市第一人民医院"
send_key F10
status=$(wait_exit 10)
[ "$status" = 0 ] || fail "harness exited with $status"
echo "ok"
