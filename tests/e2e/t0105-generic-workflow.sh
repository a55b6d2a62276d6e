#!/bin/bash
# A workflow without a screen family of its own (the test tree's outpatient
# check, tests/e2e/fourth_workflow.c) in the TUI: its visit opens on the
# generic visit screen, and a scanner burst and a typed code there reach its
# engine and are stored as events, exactly as `fieldcheck scan` stores them.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fourth=${FC_FOURTH_BIN:-}
[ -n "$fourth" ] && [ -x "$fourth" ] || fail "FC_FOURTH_BIN is not set to fieldcheck_fourth"
FIELDCHECK_BIN=$fourth
. "$here/night_lib.sh"

demo_load
"$fc_bin" visit open --site "$hospital" --kind outpatient --inspector 张三 --inspector 李四 \
    >/dev/null || fail "visit open --kind outpatient failed"
start_app "$fc_bin" tui
wait_for "Code:"
wait_for "R E A D Y"
send_scan "OP-0001"
wait_for "S E E N"
wait_for "recorded OP-0001"
type_slow "OP-0002" 0.06
send_key Enter
wait_for "recorded OP-0002"
snapshot generic-workflow
send_key Escape
wait_for "Visits"
screen_text | grep -E "outpati[^ ]* +[0-9-]+ [0-9:]+ +open +2 " >/dev/null ||
    fail "home does not show the outpatient visit with its 2 scans"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
got=$(sqlite3 -separator ' ' "$FIELDCHECK_DB" \
    "SELECT json_extract(payload, '\$.code'), json_extract(payload, '\$.arrival')
     FROM event WHERE kind = 'scan' ORDER BY seq" | tr '\n' ';')
[ "$got" = "OP-0001 burst;OP-0002 typed;" ] || fail "stored scans: $got"
echo "ok"
