#!/bin/bash
# Closing a visit in the TUI on a device with keys shows the signed
# checkpoint as a QR code (half blocks with its finder patterns); a terminal
# too small for the whole code gets a hint instead of a cut, unreadable one.
here=$(cd "$(dirname "$0")" && pwd)
E2E_H=60
E2E_W=110
. "$here/lib.sh"
. "$here/night_lib.sh"

# the demo made the device keys: no keys init needed for a signed checkpoint
night_start
send_scan "W01-1"
wait_for "Current bed: W01-1"
send_key F12
wait_for "close the visit"
send_key F2
wait_for "Close the visit?"
# Enter does not confirm closing, nor does a y inside a scanner burst: only
# a y typed by hand
send_key Enter
send_scan "y"
send_bytes 79 0d
sleep 0.3
screen_text | grep -qF "Checkpoint code:" && fail "closed without a y typed by hand"
wait_for "Type y by hand"
send_key y
wait_for "Checkpoint code:"
snapshot close-qr
screen_text >"$E2E_TMP/qr.txt"
# the top finder pattern row of a QR drawn in half blocks, twice on one line
grep -qE '█▀▀▀▀▀█.*█▀▀▀▀▀█' "$E2E_TMP/qr.txt" || fail "no QR finder patterns on the close screen"
rows=$(grep -cE '[█▀▄]{4}' "$E2E_TMP/qr.txt")
[ "$rows" -ge 12 ] || fail "QR drawing too short ($rows rows)"
resize 110 30
wait_for "Enlarge the terminal"
# the on-site record carries the signed checkpoint's QR: F3 from here, then
# the document written (site-record is the second row)
send_key F3
wait_for "Documents"
wait_for "site-record"
send_key Down F2
wait_for "site-record.html"
doc=$(ls "$FIELDCHECK_HOME"/documents/*-site-record.html) || fail "no site record written"
grep -qF '<svg class="qr"' "$doc" || fail "the site record has no checkpoint QR"
grep -qF '<div class="unsigned"' "$doc" && fail "the site record says unsigned"
# back home, a closed visit opens onto its records, not an error
send_key Escape Escape
wait_for "Missions"
send_key Enter
wait_for "site-record"
screen_text | grep -qF "Cannot open the visit" && fail "a closed visit gave an error on home"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
echo "ok"
