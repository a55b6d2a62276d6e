#!/bin/bash
# Pharmacy completeness in the TUI (DESIGN §5): before the count is declared
# complete a drug nobody counted reads "not counted" (no variance, no
# shortage); Ctrl-K asks, and only a y typed by hand declares it, as
# `count --complete` does; then those drugs count as 0 and `reconcile`
# reports their shortages.
E2E_W=${E2E_W:-120}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

pharmacy_open
before=$("$fc_bin" --json reconcile | grep -c '"D01_STOCK_SHORTAGE"' || true)
[ "${before:-0}" = 0 ] || fail "shortages before anything was counted: $before"

start_app "$fc_bin" tui
wait_for "R E A D Y"
wait_for "not counted"
snapshot pharmacy-not-counted
send_key C-k
wait_for "Declare the count complete?"
wait_for "drugs were not counted"
send_scan y # a y inside a burst answers nothing
sleep 0.3
screen_text | grep -qF "[count complete]" && fail "a burst declared the count complete"
send_key y
wait_for "[count complete]"
wait_for "COUNT COMPLETE"
screen_text | grep -qF "not counted" && fail "drugs still read not counted after completion"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit with 0"
[ "$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'pharmacy_complete'")" = 1 ] ||
    fail "no pharmacy_complete event"
after=$("$fc_bin" --json reconcile | grep -c '"D01_STOCK_SHORTAGE"' || true)
[ "${after:-0}" -gt 0 ] || fail "no shortages after the count was declared complete"
echo "ok"
