#!/bin/bash
# Scanner bursts at 20 scans per second into the night-check screen: all 40
# are stored, each once, none merged with its neighbour, in order.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

night_start

: >"$E2E_TMP/sent.txt"
for i in $(seq 1 20); do
    for w in W01 W02; do
        send_scan "$w-$i"
        echo "$w-$i" >>"$E2E_TMP/sent.txt"
        sleep 0.05
    done
done
wait_for "Current bed: W02-20"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"

stored_scans >"$E2E_TMP/stored.tsv"
[ "$(wc -l <"$E2E_TMP/stored.tsv")" -eq 40 ] ||
    fail "expected 40 stored scans, got $(wc -l <"$E2E_TMP/stored.tsv")"
cut -f1 "$E2E_TMP/stored.tsv" | diff -u "$E2E_TMP/sent.txt" - >&2 || fail "scans lost or merged"
cut -f2 "$E2E_TMP/stored.tsv" | sort -u | grep -qx burst || fail "scans not stored as bursts"
[ "$(cut -f2 "$E2E_TMP/stored.tsv" | sort -u)" = burst ] || fail "a burst was taken as typing"
echo "ok"
