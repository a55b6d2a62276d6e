#!/bin/bash
# A barcode is data, never a command (DESIGN §2.6): control bytes inside a
# scanner burst refuse the burst or are part of the code, and never act as
# keys; the TUI runs in raw mode, so no byte stops, dumps or freezes it.
# Each case is the burst a hostile label would send, as raw bytes in one
# tmux send-keys -H call.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

night_start
send_scan "W01-1"
wait_for "Current bed: W01-1"

# refused: BYTES...; the burst is reported, stores nothing and acts as no key
rejects() { grep -c "scan rejected: control character" "$FIELDCHECK_LOG"; }
refused() {
    local before after n i=0
    before=$(stored_scans | wc -l)
    n=$(rejects)
    send_bytes "$@"
    while [ "$(rejects)" -le "$n" ]; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "burst '$*' was not reported as refused"
        sleep 0.05
    done
    wait_for "scan rejected: control character"
    sleep 0.1
    after=$(stored_scans | wc -l)
    [ "$before" = "$after" ] || fail "burst '$*' stored a scan"
    [ -s "$E2E_TMP/exit" ] && fail "burst '$*' stopped the program"
    screen_text | grep -qF "Close the visit?" && fail "burst '$*' opened the close screen"
    screen_text | grep -qF "Void or amend" && fail "burst '$*' opened the void form"
    screen_text | grep -qF "Current bed: W01-1" || fail "burst '$*' left the night screen"
}

# ESC [ 2 4 ~ ESC O Q CR: F12 then F2 (close the visit), then Enter
refused 1b 5b 32 34 7e 1b 4f 51 0d
# EOT d u p CR: the void key, a reason, Enter
refused 04 64 75 70 0d
# W01-1 RS 2 CR: recorded as a typed W01-12 before
refused 57 30 31 2d 31 1e 32 0d
# NUL, SI, SYN inside a code
refused 57 30 00 31 2d 31 0d
refused 57 30 31 0f 2d 31 0d
refused 57 30 31 2d 16 31 0d
# DEL deleted the character before it
refused 57 30 31 2d 31 32 7f 0d
# ETX (SIGINT) and FS (SIGQUIT, a core dump) in cooked mode
refused 57 30 31 03 2d 31 0d
refused 57 30 31 1c 2d 31 0d
# XOFF froze the screen; ^Z suspended
refused 57 13 30 31 2d 31 0d
refused 57 30 1a 31 2d 31 0d

# The same bursts with a scanner's timing: one byte every 3 ms, as a USB
# scanner types a code. An arrow or F-key typed by hand acts after a short
# quiet period (scan.quiet_ms), not the whole scan gap: a key inside a
# burst is followed by the next byte well within it, so it still never acts.
refused_spaced() {
    local before n i=0
    before=$(stored_scans | wc -l)
    n=$(rejects)
    send_bytes_spaced 0.003 "$@"
    while [ "$(rejects)" -le "$n" ]; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "spaced burst '$*' was not reported as refused"
        sleep 0.05
    done
    sleep 0.1
    [ "$before" = "$(stored_scans | wc -l)" ] || fail "spaced burst '$*' stored a scan"
    [ -s "$E2E_TMP/exit" ] && fail "spaced burst '$*' stopped the program"
    screen_text | grep -qF "Close the visit?" && fail "spaced burst '$*' opened the close screen"
    screen_text | grep -qF "Void or amend" && fail "spaced burst '$*' opened the void form"
    screen_text | grep -qF "Current bed: W01-1" || fail "spaced burst '$*' left the night screen"
}
# W 0 1 then F12 (ESC [ 2 4 ~, byte by byte) then - 1, Enter
refused_spaced 57 30 31 1b 5b 32 34 7e 2d 31 0d
# F12 first, then F2 (ESC O Q) and the code
refused_spaced 1b 5b 32 34 7e 1b 4f 51 57 30 31 0d
# the void key (EOT) then a reason
refused_spaced 04 64 75 70 0d
# Alt-c (ESC c: closing keys) inside a code
refused_spaced 57 30 31 1b 63 2d 31 0d

# the program is alive and takes scans
send_scan "W01-2"
wait_for "Current bed: W01-2"

# typed alone (not in a burst): ^S does not freeze, ^\ and ^Z do nothing, ^C
# says how to quit
send_bytes 13
sleep 0.1
send_scan "W01-3"
wait_for "Current bed: W01-3"
send_bytes 1c
sleep 0.1
send_bytes 1a
sleep 0.1
send_bytes 03
wait_for "F10 quits"
[ -s "$E2E_TMP/exit" ] && fail "a control key stopped the program"

# wait_stored N: until N scans are stored
wait_stored() {
    local i=0
    while [ "$(stored_scans | wc -l)" -lt "$1" ]; do
        i=$((i + 1))
        [ $i -lt 200 ] || fail "expected $1 stored scans, got $(stored_scans | wc -l)"
        sleep 0.05
    done
}

# GS inside a GS1 element string is data: stored as one code
send_bytes 30 31 30 36 39 30 31 32 33 34 35 36 37 38 39 32 1d 31 30 41 42 43 0d
wait_stored 4
# an ISO/IEC 15434 envelope ([)> RS 05 GS ... RS EOT) is one code too
send_bytes 5b 29 3e 1e 30 35 1d 30 31 30 36 39 30 31 32 33 34 35 36 37 38 39 32 1d 31 30 58 59 5a 1e 04 0d
wait_stored 5

send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"

stored_scans >"$E2E_TMP/stored.tsv"
[ "$(wc -l <"$E2E_TMP/stored.tsv")" -eq 5 ] ||
    fail "expected 5 stored scans, got: $(cat "$E2E_TMP/stored.tsv")"
cut -f1 "$E2E_TMP/stored.tsv" | grep -qx "W01-12" && fail "W01-1 RS 2 was stored as W01-12"
grep -q "scan rejected: control character F12" "$FIELDCHECK_LOG" &&
    grep -q "scan rejected: control character EOT" "$FIELDCHECK_LOG" ||
    fail "the log does not name the refused control character"
echo "ok"
