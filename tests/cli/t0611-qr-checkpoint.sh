#!/bin/bash
# visit close --qr: the device-signed checkpoint (FCC1...) is printed, drawn in
# the terminal and written as PNG and SVG under --qr-dir; the PNG decodes
# (zbarimg) to exactly the printed code. Without device keys the visit still
# closes, and the QR step fails with the hint to run 'keys init'.
command -v zbarimg >/dev/null || { echo "zbarimg not installed"; exit 77; }
source "$(dirname "$0")/night-lib.sh"

setup_visit
fc visit close --at 2026-11-22T22:00 --qr >"$work/nokeys.out" 2>"$work/nokeys.err" &&
    die "visit close --qr without device keys succeeded"
grep -q "keys init" "$work/nokeys.err" || die "no keys hint: $(cat "$work/nokeys.err")"
grep -q "^checkpoint " "$work/nokeys.out" || die "visit was not reported closed"

fc keys init >/dev/null
fc visit open --site H11010500001 --kind night --inspector "Li Ming" \
    --inspector "Wang Fang" --at 2026-11-22T22:30 >/dev/null || die "second visit open"
fc visit close --at 2026-11-22T23:00 --qr --qr-dir "$work/qr" >"$work/close.out" ||
    die "visit close --qr"
code=$(sed -n 's/^signed checkpoint //p' "$work/close.out")
case $code in FCC1*) ;; *) die "no signed checkpoint in: $(cat "$work/close.out")" ;; esac
grep -q $'\xe2\x96\x88' "$work/close.out" || die "no QR drawing in the output"
png=$(ls "$work"/qr/*-checkpoint.png)
[ -s "${png%.png}.svg" ] || die "no SVG beside $png"
got=$(zbarimg -q --raw "$png" 2>/dev/null | tr -d '\n')
[ "$got" = "$code" ] || die "checkpoint PNG decodes to '$got', expected '$code'"
echo "1 passed, 0 failed"
