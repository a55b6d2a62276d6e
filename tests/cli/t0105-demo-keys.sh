#!/bin/bash
# fieldcheck demo creates the demo device's keys, so that a demo visit
# closes with a signed checkpoint (FCC1…) as a real one does; a second demo
# keeps the keys it found. The options go through the shared parser: --seed
# and --dir in either form, unknown options and bad seeds refused with 1.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$FC" --json demo --no-tui --dir "$TEST_TMP/demo"
expect_json "$OUT" .keys_created true
expect_exit 0 "$FC" --json keys show
expect_json "$OUT" '.device_id | length' 16
dev=$(printf '%s\n' "$OUT" | jq -r .device_id)
expect_exit 0 "$FC" --json demo --no-tui --dir="$TEST_TMP/demo" --seed=1
expect_json "$OUT" .keys_created false
expect_exit 0 "$FC" --json keys show
expect_json "$OUT" .device_id "$dev"

site=$(awk -F, 'NR == 2 { print $1 }' "$TEST_TMP/demo/wards.csv")
expect_exit 0 "$FC" visit open --site "$site" --kind night --inspector A --inspector B
expect_exit 0 "$FC" scan W01-1 EMPTY_BED
expect_exit 0 "$FC" visit close --qr
expect_contains "$OUT" "signed checkpoint FCC1" "visit close --qr after demo"

expect_exit 1 "$FC" demo --no-tui --bogus
expect_contains "$ERR" "unknown option '--bogus'"
expect_exit 1 "$FC" demo --no-tui --seed -3
expect_exit 1 "$FC" demo --no-tui --seed
expect_exit 1 "$FC" tui --colour
expect_contains "$ERR" "unknown option '--colour'"
expect_exit 1 "$FC" tui extra
finish
