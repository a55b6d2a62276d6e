#!/bin/bash
# The test clock (issue: the release binary honours FIELDCHECK_NOW, which
# also walks past pack expiry, and nothing recorded under it said so): it
# stays (DESIGN §6), but every event recorded under it says "test_clock" in
# its payload, and visit show and every report of such a visit say it; at
# HQ, the summary in text, JSON and HTML lists such visits.
. "$(dirname "$0")/lib.sh"
m=$TEST_TMP/m
mkdir -p "$m"
cat >"$m/mission.json" <<'J'
{"mission_id":"C1","version":1,"kind":"night","title":"t","issued_at":"2026-03-01T00:00:00+08:00","expires_at":"2099-04-01T00:00:00+08:00"}
J
printf 'site_code,ward_code,ward,bed,admission_no,name,id_number\nH11010500001,W01,Ward,1,A1,Zhang,110105198001010016\nH11010500002,W01,Ward,1,B1,Li,110105198001010024\n' >"$m/inpatients.csv"
expect_exit 0 "$FC" mission load "$m"

# on the wall clock: nothing said
expect_exit 0 "$FC" visit open --site H11010500002 --kind night --inspector A --inspector B
expect_exit 0 "$FC" scan W01-1
expect_exit 0 "$FC" visit close
expect_exit 0 "$FC" --json visit show
expect_json "$OUT" .test_clock false
expect_exit 0 "$FC" report --format md -o -
expect_not_contains "$OUT" "test clock"
expect_contains "$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE payload LIKE '%test_clock%'")" 0

# under FIELDCHECK_NOW: every event of the visit says so, and every report
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
expect_exit 0 "$FC" scan W01-1 110105198001010016
q="SELECT count(*) FROM event WHERE kind IN ('visit_open', 'scan') AND json_extract(payload, '\$.test_clock')"
expect_contains "$(sqlite3 "$FIELDCHECK_DB" "$q")" 3
expect_exit 0 "$FC" visit show
expect_contains "$OUT" "recorded under the test clock (FIELDCHECK_NOW)"
expect_exit 0 "$FC" --json visit show
expect_json "$OUT" .test_clock true
expect_exit 0 "$FC" report --format md -o -
expect_contains "$OUT" "> recorded under the test clock" "md report"
# a CSV file keeps its header on the first line
expect_exit 0 "$FC" report --format csv -o -
expect_contains "$(head -1 <<<"$OUT")" "section,"
expect_exit 0 "$FC" report --format html -o "$TEST_TMP/r.html"
expect_contains "$(cat "$TEST_TMP/r.html")" "FIELDCHECK_NOW" "html report"

# at HQ: the test-clock visit is listed, the wall-clock one is not
expect_exit 0 "$FC" visit close
hq_enrol
hq_send
expect_exit 0 $hq --json report
flagged=$(printf '%s\n' "$OUT" | jq -r 'select(.type == "test_clock") | .site')
expect_json "$(jq -Rn --arg f "$flagged" '$f')" . "H11010500001"
expect_exit 0 $hq report
expect_contains "$OUT" "test clock   visit"
expect_exit 0 $hq report --format html -o "$TEST_TMP/hq.html"
expect_contains "$(cat "$TEST_TMP/hq.html")" "FIELDCHECK_NOW" "hq page"
finish
