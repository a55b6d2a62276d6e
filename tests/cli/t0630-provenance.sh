#!/bin/bash
# Provenance of a mission (issue: an unsigned folder replaced a signed
# mission; it loaded silently at v99 and every later genuine pack was then
# refused as a rollback; nothing said whether the loaded version was signed).
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
hq="$FC hq --hq $TEST_TMP/hq"

expect_exit 0 $hq --json init
hqfp=$(jq -r .fingerprint <<<"$OUT")
expect_exit 0 "$FC" keys init
dev=$("$FC" --json keys show | jq -r .device_id)
expect_exit 0 $hq enroll "$("$FC" --json keys show | jq -r .enrollment)"
expect_exit 0 "$FC" keys trust "$TEST_TMP/hq/hq.pub"

folder() { # dir version [extra roster rows]
    printf 'H11010500001,W01,Ward,1,A1,Zhang,110105198001010016\n%s' "${3:-}" | night_mission "$1" P1 "$2"
}
folder "$TEST_TMP/v5" 5 'H11010500001,W01,Ward,2,A2,Li,110105198001010024
'
expect_exit 0 $hq pack "$TEST_TMP/v5" -o "$TEST_TMP/v5.fcpack" --to "$dev"
expect_exit 0 "$FC" mission load "$TEST_TMP/v5.fcpack"
expect_exit 0 "$FC" --json mission show P1
expect_json "$OUT" .signed_by "$hqfp"
expect_exit 0 "$FC" mission show P1
expect_contains "$OUT" "signed by  HQ $hqfp"

# the same id from a folder, at a higher version, one patient deleted: refused,
# nothing changed
folder "$TEST_TMP/v99" 99
expect_exit 3 "$FC" mission load "$TEST_TMP/v99"
expect_contains "$ERR" "arrived signed by HQ $hqfp"
expect_exit 0 "$FC" --json mission list
expect_json "$OUT" '.missions[0].version' 5
expect_json "$OUT" '.missions[0].signed_by' "$hqfp"

# a later genuine pack still loads
folder "$TEST_TMP/v6" 6
expect_exit 0 $hq pack "$TEST_TMP/v6" -o "$TEST_TMP/v6.fcpack" --to "$dev"
expect_exit 0 "$FC" mission load "$TEST_TMP/v6.fcpack"
expect_exit 0 "$FC" --json mission show P1
expect_json "$OUT" .version 6

# every visit_open says who signed its mission
expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
payload=$(sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'visit_open'")
expect_json "$payload" .signed_by "$hqfp"
expect_exit 0 "$FC" visit close

# a folder-only mission is unsigned, and so are its visits
night_mission "$TEST_TMP/f" F1 <<<'H11010500002,W01,Ward,1,B1,Wang,110105198001010032'
expect_exit 0 "$FC" mission load "$TEST_TMP/f"
expect_exit 0 "$FC" --json mission show F1
expect_json "$OUT" .signed_by unsigned
expect_exit 0 "$FC" visit open --site H11010500002 --kind night --inspector A --inspector B
payload=$(sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'visit_open' ORDER BY seq DESC LIMIT 1")
expect_json "$payload" .signed_by unsigned
finish
