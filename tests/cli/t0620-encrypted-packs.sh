#!/bin/bash
# Mission packs are encrypted to their target devices (issue: packs carried
# names and resident IDs in clear, mode 0644, readable by anyone holding the
# USB stick). hq pack needs targets, validates the folder with the device's
# loader and refuses links and non-regular files; a device that is not a
# target gets a clear refusal; loading leaves nothing of the roster in clear
# on the device's disk but the reference file.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
hq="$FC hq --hq $TEST_TMP/hq"
dev2db=$TEST_TMP/dev2/fieldcheck.db

expect_exit 0 $hq init
expect_exit 0 "$FC" keys init
dev=$("$FC" --json keys show | jq -r .device_id)
expect_exit 0 $hq enroll "$("$FC" --json keys show | jq -r .enrollment)"
expect_exit 0 "$FC" keys trust "$TEST_TMP/hq/hq.pub"
expect_exit 0 env FIELDCHECK_DB="$dev2db" "$FC" keys init
dev2=$(FIELDCHECK_DB="$dev2db" "$FC" --json keys show | jq -r .device_id)
expect_exit 0 $hq enroll "$(FIELDCHECK_DB="$dev2db" "$FC" --json keys show | jq -r .enrollment)"
expect_exit 0 env FIELDCHECK_DB="$dev2db" "$FC" keys trust "$TEST_TMP/hq/hq.pub"

m=$TEST_TMP/m
mkdir -p "$m"
cat >"$m/mission.json" <<'J'
{"mission_id":"SECRET-SITE-H11010500001","version":1,"kind":"night","title":"unannounced","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2026-04-01T00:00:00+08:00"}
J
printf 'site_code,ward_code,ward,bed,admission_no,name,id_number\nH11010500001,W01,Ward,1,A1,Zhangsentinel,110105198001010016\nH11010500001,W01,Ward,2,A2,Li,1101051980\n' >"$m/inpatients.csv"

# targets are required, and must be enrolled
expect_exit 1 $hq pack "$m" -o "$TEST_TMP/p.fcpack"
expect_contains "$ERR" "--all-enrolled"
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/p.fcpack" --to 0123456789abcdef
expect_contains "$ERR" "not enrolled"

# validated with the device's loader: a rejected row refuses the pack
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/p.fcpack" --to "$dev"
expect_contains "$ERR" "inpatients.csv:3"
expect_contains "$ERR" "rejected rows"
[ ! -e "$TEST_TMP/p.fcpack" ] && pass || fail "a refused pack was written"
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/p.fcpack" --to "$dev" --partial
expect_contains "$OUT" "1 rejected row(s) left out"
expect_exit 0 $hq --json pack "$m" -o "$TEST_TMP/p.fcpack" --to "$dev" --partial
expect_json "$(tail -n1 <<<"$OUT")" .dropped 1
expect_json "$(tail -n1 <<<"$OUT")" .targets 1

# mode 0600, nothing of the mission in clear
[ "$(stat -c %a "$TEST_TMP/p.fcpack")" = 600 ] && pass || fail "pack mode $(stat -c %a "$TEST_TMP/p.fcpack")"
for secret in Zhangsentinel 110105198001010016 SECRET-SITE H11010500001 unannounced inpatients; do
    if grep -qa "$secret" "$TEST_TMP/p.fcpack"; then fail "'$secret' is in clear in the pack"; else pass; fi
done

# links and non-regular files under a known name refuse the pack
ln -s /etc/hostname "$m/sites.csv"
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/q.fcpack" --to "$dev" --partial
expect_contains "$ERR" "symbolic link"
rm "$m/sites.csv"
mkfifo "$m/sites.csv"
expect_exit 2 timeout 10 $hq pack "$m" -o "$TEST_TMP/q.fcpack" --to "$dev" --partial
expect_contains "$ERR" "not a regular file"
rm "$m/sites.csv"

# the other device: a clear refusal, nothing loaded
expect_exit 3 env FIELDCHECK_DB="$dev2db" "$FC" mission load "$TEST_TMP/p.fcpack"
expect_contains "$ERR" "not addressed to this device"
expect_exit 0 env FIELDCHECK_DB="$dev2db" "$FC" --json mission list
expect_json "$OUT" '.missions | length' 0

# the target loads it; no folder and no plaintext file left beside the database
expect_exit 0 "$FC" mission load "$TEST_TMP/p.fcpack"
expect_contains "$OUT" "SECRET-SITE-H11010500001"
left=$(find "$FIELDCHECK_HOME" -path "$FIELDCHECK_HOME/missions" -prune -o -type f -print0 |
    xargs -0 grep -la Zhangsentinel)
[ -z "$left" ] && pass || fail "roster in clear outside the reference file: $left"
[ -z "$(find "$FIELDCHECK_HOME" -name 'pack-*')" ] && pass || fail "a pack folder was left"

# --all-enrolled seals to both; each opens it
expect_exit 0 $hq pack "$m" -o "$TEST_TMP/all.fcpack" --all-enrolled --partial
expect_contains "$OUT" "2 device(s)"
expect_exit 0 env FIELDCHECK_DB="$dev2db" "$FC" mission load "$TEST_TMP/all.fcpack"

# a device without keys cannot open a pack addressed to nobody it knows
expect_exit 3 env FIELDCHECK_DB="$TEST_TMP/dev3/fieldcheck.db" "$FC" mission load "$TEST_TMP/all.fcpack"

# an expired mission is not packed
sed -i 's/2026-04-01/2026-02-01/' "$m/mission.json"
expect_exit 2 $hq pack "$m" -o "$TEST_TMP/e.fcpack" --to "$dev" --partial
expect_contains "$ERR" "expired"
finish
