#!/bin/bash
# Field ergonomics, measured (issue 17): a scripted night walk of the first
# 100 beds of the demo hospital through the TUI in tmux, as an inspector
# does it with a scanner: each bed's label, then the wristband of the person
# in it (or the admission number its barcode carries where the roster has
# no wristband code), and the ID card at every tenth bed. A bed found empty
# (nobody listed, on leave, or one of the demo's absent patients) is the
# label and Alt-n (empty bed; deepin-terminal takes F2). Three planted
# anomalies: someone listed in another ward lying in the bed. Counts the
# scans and keys, closes the visit (F12, Alt-c, y) and checks through
# `visit show --json` that every bed got a result with no key between beds.
# Prints the figures; asserts no timing.
# Usage: bench_tui_walk.sh FIELDCHECK_BIN [BEDS]
set -eu
bin=${1:?usage: bench_tui_walk.sh FIELDCHECK_BIN [BEDS]}
nbeds=${2:-100}
here=$(cd "$(dirname "$0")" && pwd)
E2E_W=${E2E_W:-80} E2E_H=${E2E_H:-24}
. "$here/../e2e/lib.sh"
FIELDCHECK_BIN=$bin
. "$here/../e2e/night_lib.sh"

demo_load
open_visit
csv=$demo_dir/inpatients.csv
now=$(date -d "$FIELDCHECK_NOW" '+%Y-%m-%d %H:%M') # leaves.csv is in local time

# the beds in walking order: ward by ward, bed by bed, as wards.csv has them
awk -F, -v s="$hospital" 'NR > 1 && $1 == s { for (b = 1; b <= $4; b++) print $2 "\t" b }' \
    "$demo_dir/wards.csv" | head -n "$nbeds" >"$E2E_TMP/beds.tsv"
# who is on leave tonight (a leave covering the frozen clock)
awk -F, -v n="$now" 'NR > 1 && $3 <= n && n <= $4 { print $2 }' "$demo_dir/leaves.csv" \
    >"$E2E_TMP/leave.txt"
# people listed in a ward the walk does not reach: the planted anomalies
far_ward=$(awk -F, -v s="$hospital" 'NR > 1 && $1 == s { w = $2 } END { print w }' "$demo_dir/wards.csv")
awk -F, -v s="$hospital" -v w="$far_ward" '$1 == s && $3 == w { print $12 }' "$csv" | head -3 \
    >"$E2E_TMP/strangers.txt"

start_app "$bin" tui
wait_for "R E A D Y"

scans=0 keys=0 present=0 empty=0 ids=0 planted=0 plant=0 i=0
while IFS=$'\t' read -r ward bed; do
    i=$((i + 1))
    case $i in 25 | 58 | 91) plant=1 ;; esac
    row=$(awk -F, -v s="$hospital" -v w="$ward" -v b="$bed" \
        '$1 == s && $3 == w && $5 == b { print $6 "\t" $8 "\t" $12; exit }' "$csv")
    adm=$(printf '%s' "$row" | cut -f1)
    send_scan "$ward-$bed"
    scans=$((scans + 1))
    wait_for "Current bed: $ward-$bed "
    if [ -z "$adm" ] || grep -qx "$adm" "$E2E_TMP/leave.txt"; then
        send_key M-n # nobody in the bed
        keys=$((keys + 1)) empty=$((empty + 1))
        wait_for "R E C O R D E D"
    elif [ "$plant" = 1 ]; then
        plant=0 planted=$((planted + 1))
        send_scan "$(sed -n "${planted}p" "$E2E_TMP/strangers.txt")"
        scans=$((scans + 1))
        wait_for "WRONG_BED"
    else
        present=$((present + 1))
        # the wristband as the roster gives it, else its barcode of the
        # admission number (what hospitals without wristband codes print)
        band=$(printf '%s' "$row" | cut -f3)
        send_scan "${band:-$adm}"
        scans=$((scans + 1))
        if [ $((present % 10)) -eq 0 ]; then
            send_scan "$(printf '%s' "$row" | cut -f2)"
            scans=$((scans + 1)) ids=$((ids + 1))
        fi
    fi
done <"$E2E_TMP/beds.tsv"
walked=$i
# every code sent is stored once, in order, before closing
want=$((scans + empty))
i=0
until [ "$(stored_scans | wc -l)" -ge "$want" ]; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || fail "stored $(stored_scans | wc -l) scans, sent $want"
    sleep 0.05
done
send_key F12
wait_for "close the visit"
send_key M-c
wait_for "Close the visit?"
send_key y
wait_for "Checkpoint code:"
close_keys=3
send_key F10
wait_exit 10 >/dev/null

"$bin" --json visit show >"$E2E_TMP/show.json"
beds_done=$(jq '[.beds[] | select(.finding != "NOT_SCANNED")] | length' "$E2E_TMP/show.json")
unverified=$(jq '[.beds[] | select(.finding == "UNVERIFIED")] | length' "$E2E_TMP/show.json")
[ "$beds_done" -eq "$walked" ] || fail "$beds_done beds have a result, $walked were walked"
[ "$unverified" -eq 0 ] || fail "$unverified beds left UNVERIFIED: a bed needed a key"
total=$((scans + keys))
echo "beds walked:            $walked ($(cut -f1 "$E2E_TMP/beds.tsv" | uniq -c | awk '{ printf "%s%s %s", s, $2, $1; s = ", " }'))"
echo "  person in the bed:    $present (label + wristband; + ID card at $ids of them)"
echo "  found empty:          $empty (label + Alt-n: nobody listed, on leave, or absent)"
echo "  planted anomalies:    $planted (a stranger's wristband: WRONG_BED)"
echo "scans:                  $scans"
echo "keys:                   $keys (+ $close_keys to close: F12, Alt-c, y)"
echo "scans + keys:           $total ($((total + close_keys)) with the close; target <= 230)"
echo "keys per bed:           $(awk -v k="$keys" -v n="$walked" 'BEGIN { printf "%.2f", k / n }')"
echo "keys between beds with the person in the bed: 0 (the next bed's label ends a bed)"
echo "bed results:            $(jq -r '[.beds[] | select(.finding != "NOT_SCANNED") | .finding] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$E2E_TMP/show.json")"
