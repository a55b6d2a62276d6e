#!/bin/bash
# A fourth workflow registered from the test tree (tests/e2e/fourth_workflow.c,
# an outpatient check; one file and one registry call) goes through
# everything the built-in ones do, with nothing else in the tree naming it:
# visit open, scans, visit show, the close summary and coverage, the reports
# (csv, md, html), db rebuild, and the trip to HQ (export, import, the HQ
# page and report).
. "$(dirname "$0")/lib.sh"

FC=${FC_FOURTH_BIN:?FC_FOURTH_BIN must point at the test build with a fourth workflow}
fc() { "$FC" "$@"; }
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00

expect_exit 0 fc --json demo --no-tui
site=$(jq -r .hospital <<<"$OUT")
[ -n "$site" ] && [ "$site" != null ] || fail "demo gave no hospital: $OUT"

# the registry offers the new kind; an unknown one is refused by name
expect_exit 1 fc visit open --site "$site" --kind dental --inspector A --inspector B
expect_contains "$ERR" "outpatient" "the known kinds"
expect_exit 0 fc --json visit open --site "$site" --kind outpatient --inspector 张三 \
    --inspector 李四
expect_json "$OUT" .kind outpatient

expect_exit 0 fc --json scan MZ0001 X0002 MZ0003
expect_json "$(sed -n 1p <<<"$OUT")" .verdict SEEN
expect_json "$(sed -n 2p <<<"$OUT")" .verdict NO_REGISTRATION
expect_exit 0 env FIELDCHECK_LANG=zh "$FC" scan X0004
expect_contains "$OUT" "无挂号记录" "a scan line in Chinese"

expect_exit 0 fc visit show
expect_contains "$OUT" "outpatient" "visit show"
expect_exit 0 fc --json db rebuild
expect_json "$OUT" .same true

expect_exit 0 fc report --format csv -o "$TEST_TMP/r.csv"
expect_contains "$(cat "$TEST_TMP/r.csv")" "X0002,NO_REGISTRATION"
expect_exit 0 fc report --format md -o "$TEST_TMP/r.md"
expect_contains "$(cat "$TEST_TMP/r.md")" "| MZ0001 | SEEN |"
expect_exit 0 env FIELDCHECK_LANG=zh "$FC" report --format html -o "$TEST_TMP/r.html"
expect_contains "$(cat "$TEST_TMP/r.html")" "门诊检查报告" "the report's title"
expect_exit 0 env FIELDCHECK_LANG=zh "$FC" report --doc site-record -o "$TEST_TMP/site.html"
expect_contains "$(cat "$TEST_TMP/site.html")" "门诊检查" "the site record's kind"
expect_exit 2 fc report --doc beds -o "$TEST_TMP/beds.html"

expect_exit 0 fc --json visit close
expect_json "$OUT" '.coverage | length' 0

# to HQ and back: the events of a workflow HQ's code never names
hq="$FC hq --hq $TEST_TMP/hq"
expect_exit 0 $hq init
expect_exit 0 fc keys init
expect_exit 0 fc --json keys show
code=$(jq -r .enrollment <<<"$OUT")
expect_exit 0 $hq enroll "$code"
expect_exit 0 fc keys trust "$TEST_TMP/hq/hq.pub"
expect_exit 0 fc --json export -o "$TEST_TMP/out"
bundle=$(jq -r .file <<<"$OUT")
expect_exit 0 $hq --json import "$bundle"
expect_json "$OUT" .outcome imported
expect_exit 0 $hq --json report
expect_contains "$OUT" "outpatient" "HQ's report"
expect_exit 0 env FIELDCHECK_LANG=zh $hq report --format html -o "$TEST_TMP/hq.html"
expect_contains "$(cat "$TEST_TMP/hq.html")" "无挂号记录" "HQ's page charts the new anomaly"
finish
