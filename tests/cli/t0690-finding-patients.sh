#!/bin/bash
# A flight finding's patients (issue: `finding add --patients` accepted
# admission numbers that do not exist): each must be in the site's roster or
# on one of its suspicion lines; an unknown one is refused, nothing recorded.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
expect_exit 0 "$FC" demo --no-tui
expect_exit 0 "$FC" visit open --site H31010405894 --kind flight --inspector A --inspector B
adm=$(sqlite3 "$FIELDCHECK_HOME"/missions/*.db "SELECT admission_no FROM inpatient WHERE site_code = 'H31010405894' LIMIT 1")
expect_exit 2 "$FC" finding add --code V38-1 --note x --amount 1 --patients NOPE123
expect_contains "$ERR" "unknown patient 'NOPE123'"
expect_exit 0 "$FC" --json finding list
expect_not_contains "$OUT" "event_id"
expect_exit 0 "$FC" finding add --code V38-1 --note x --amount 1 --patients "$adm"
expect_exit 0 "$FC" --json finding list
expect_contains "$OUT" "\"patients\":[\"$adm\"]"
finish
