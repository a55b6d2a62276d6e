#!/bin/bash
# A field day's sync done entirely in the TUI, HQ played by the CLI: HQ's key
# trusted from the stick, the device's keys created and its enrollment code
# shown, a signed mission pack loaded from the stick with its verification
# and counts, a mission with a rejected row refused with the reject listed
# (and loaded anyway on request), a bundle exported to the stick, and HQ's
# receipt applied by scanning its code on the visit screen after a y typed
# by hand. Each leaves what the CLI's command leaves.
here=$(cd "$(dirname "$0")" && pwd)
E2E_W=110
E2E_H=34
. "$here/lib.sh"
. "$here/night_lib.sh"
stick=$E2E_TMP/media/STICK
hq=$E2E_TMP/hq
mkdir -p "$stick"
export FIELDCHECK_MEDIA=$stick

# type_path PATH: typed into the USB screen's path line, then Enter
type_path() {
    tm send-keys -t fc -l -- "$1"
    sleep 0.1
    send_key Enter
}

"$fc_bin" hq --hq "$hq" init >/dev/null || fail "hq init failed"
cp "$hq/hq.pub" "$stick/hq.pub"
"$fc_bin" demo --no-tui --dir "$E2E_TMP/mission" >/dev/null 2>&1 || fail "demo failed"
# the demo loaded its folder here: start again from an empty device
rm -rf "$FIELDCHECK_HOME"
mkdir -p "$FIELDCHECK_HOME"

start_app "$fc_bin" tui
wait_for "No mission on this laptop yet"
snapshot first-contact
send_key F4
wait_for "Removable media"
wait_for "STICK ($stick)"
wait_for "hq.pub"
snapshot usb

# HQ's key, from the stick: a question, then a y typed by hand
type_path "$stick/hq.pub"
wait_for "Trust this HQ key?"
send_key y
wait_for "HQ key trusted:"
# the device's keys: created on the keys screen, the enrollment code shown
send_key F5
wait_for "No keys yet"
send_key F2
wait_for "Create this device's keys?"
send_key y
wait_for "Enrollment code for HQ: FCE1"
snapshot device-keys
device=$("$fc_bin" --json keys show | sed -n 's/.*"device_id": *"\([0-9a-f]*\)".*/\1/p')
enroll=$("$fc_bin" --json keys show | sed -n 's/.*"enrollment": *"\([A-Z0-9]*\)".*/\1/p')
[ -n "$device" ] && [ -n "$enroll" ] || fail "keys show gives no device id or enrollment code"
send_key Escape
wait_for "Removable media"

# HQ enrols the device and packs the mission for it; the TUI loads the pack
"$fc_bin" hq --hq "$hq" enroll "$enroll" >/dev/null || fail "hq enroll failed"
"$fc_bin" hq --hq "$hq" pack "$E2E_TMP/mission" -o "$stick/mission.fcpack" --to "$device" \
    >/dev/null || fail "hq pack failed"
send_key C-r
wait_for "mission.fcpack"
type_path "$stick/mission.fcpack"
wait_for "L O A D E D"
wait_for "Verified: HQ's signature"
wait_for "inpatients.csv"
screen_text | grep -E "file +inpatients.csv +UTF-8 +rows [0-9]+ +loaded [0-9]+ +rejected 0" \
    >/dev/null || fail "no counts for inpatients.csv"
snapshot pack-loaded
# the phases after the reading were shown as the CLI shows them (each only
# for as long as it lasts: the UI's log keeps what the message line said)
for phase in "building indexes" "checking the roster" "indexing scan codes" "saving"; do
    grep -q "busy: Loading: $phase…" "$FIELDCHECK_LOG" || fail "no '$phase' phase on the USB screen"
done
send_key Escape
wait_for "Removable media"
[ "$("$fc_bin" --json mission list | grep -c '"mission_id"')" -ge 1 ] ||
    fail "mission list does not show the loaded pack"

# a folder with a bad row: refused, the reject listed with its line; then
# loaded anyway on request (the rejected row left out)
cp -r "$E2E_TMP/mission" "$stick/broken"
sed -i '3s/^[^,]*,/H1,/' "$stick/broken/inpatients.csv"
sed -i 's/"version": *[0-9]*/"version": 99990101/' "$stick/broken/mission.json"
type_path "$stick"
wait_for "broken/"
# folders come first, after ..: the mission folder is the second row
send_key Home Down
send_key F2
wait_for "NOT LOADED"
wait_for "rejected rows: 2" # two reasons for the one row
screen_text | grep -E "rejected +inpatients.csv +3 " >/dev/null ||
    fail "the rejected row is not listed with its file and line"
snapshot pack-rejected
send_key F4
wait_for "An unsigned mission folder"
wait_for "rejected rows: 2"
screen_text | grep -E "file +inpatients.csv .* rejected 1" >/dev/null ||
    fail "the partial load does not count the rejected row"
send_key Escape
wait_for "Removable media"
send_key Escape
wait_for "Visits"

# a night visit, two scans, a bundle exported to the stick
hospital=$(awk -F, 'NR == 2 { print $1 }' "$E2E_TMP/mission/wards.csv")
"$fc_bin" visit open --site "$hospital" --kind night --inspector 张三 --inspector 李四 \
    >/dev/null || fail "visit open failed"
send_key C-r
wait_for "open"
send_key F2
wait_for "R E A D Y"
send_scan W01-1
wait_for "Current bed: W01-1"
send_key M-u
wait_for "Removable media"
send_key F3
wait_for "written and verified"
bundle=$(ls "$stick"/*.fcb | head -1)
[ -n "$bundle" ] || fail "no bundle on the stick"
send_key Escape
wait_for "Current bed: W01-1"

# HQ imports it and issues a receipt; its code, scanned on the night screen
"$fc_bin" hq --hq "$hq" import "$bundle" >/dev/null || fail "hq import failed"
receipt=$("$fc_bin" hq --hq "$hq" receipt "$device" | tail -1)
case $receipt in FCR1*) ;; *) fail "no receipt code from hq receipt: $receipt" ;; esac
send_scan "$receipt"
wait_for "Apply HQ's receipt?"
wait_for "HQ's receipt verifies"
# a y inside a scanner burst does not answer it
send_scan y
sleep 0.3
screen_text | grep -qF "HQ acknowledged events" && fail "a burst applied the receipt"
send_key y
wait_for "HQ acknowledged events 1.."
# acknowledged: the next export has nothing to send
"$fc_bin" --json export -o "$E2E_TMP/again" >"$E2E_TMP/again.json" || fail "export failed"
grep -q '"file": *null' "$E2E_TMP/again.json" ||
    fail "after the receipt the export still has events to send: $(cat "$E2E_TMP/again.json")"
# the receipt was no scan of the visit
sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'scan' AND payload LIKE '%FCR1%'" |
    grep -qx 0 || fail "the receipt code was stored as a scan"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
echo "ok"
