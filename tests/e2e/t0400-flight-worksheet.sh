#!/bin/bash
# The flight worksheet of the real binary on the demo hospital's 30
# suspicion lines: filters, a line's detail, verdicts (CONFIRMED with the
# default amount, PARTIAL with an amount, REFUTED, an amount above the line
# refused and then accepted with a reason), a scan that selects a line, a
# finding, the totals; afterwards the CLI shows exactly those verdicts.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

demo_load
"$fc_bin" visit open --site "$hospital" --kind flight --inspector 刘检查 --inspector 陈检查 \
    >"$E2E_TMP/open.txt" 2>&1 || fail "visit open --kind flight: $(cat "$E2E_TMP/open.txt")"
# the lines in worksheet order (susp_id order)
mapfile -t ids < <("$fc_bin" --json susp list | sed -E 's/^\{"susp_id":"([^"]*)".*/\1/' | LC_ALL=C sort)
[ "${#ids[@]}" -eq 30 ] || fail "demo hospital has ${#ids[@]} suspicion lines, wanted 30"

start_app "$fc_bin" tui
wait_for "Lines: 30"
wait_for "${ids[0]}"
snapshot flight-start

# filters: state cycles PENDING (all 30 still), a rule narrows, x clears
send_key F4
wait_for "State: PENDING"
wait_for "Lines: 30"
send_key F3
wait_for "Rule: GZ-"
screen_text | grep -q "Lines: 30" && fail "a rule filter did not narrow the list"
send_key x
wait_for "Rule: all  State: all"
wait_for "Lines: 30"

# details of the first line, masked
send_key Enter
wait_for "Line amount"
wait_for "History"
screen_text | grep -qE '[0-9]{3}\*{8,}[0-9X]{4}' || fail "ID number not masked in the detail"
send_key Escape
wait_for "Lines: 30"

# 1: CONFIRMED, the default amount
send_key F2
wait_for "< CONFIRMED"
send_key Enter
wait_for "${ids[0]} CONFIRMED: irregular"

# 2: PARTIAL with 10.00
send_key Down
send_key F2
wait_for "< CONFIRMED"
send_key 2
wait_for "< PARTIAL"
send_key Tab
type_slow "10"
send_key Enter
wait_for "${ids[1]} PARTIAL: irregular 10.00"

# 3: REFUTED
send_key Down
send_key F2
send_key 3
wait_for "< REFUTED"
send_key Enter
wait_for "${ids[2]} REFUTED"

# 4: above the line amount: refused in the form, then given a reason
send_key Down
send_key F2
wait_for "< CONFIRMED"
send_key Tab
type_slow "99999"
send_key Enter
wait_for "exceeds the line amount"
send_key Tab Tab Tab
type_slow "dup"
send_key Enter
wait_for "${ids[3]} CONFIRMED: irregular 99999.00"

# a scanned suspicion id selects its line
send_scan "${ids[9]}"
wait_for "Line ${ids[9]}"
wait_for "10/30  ${ids[9]}"

# a finding on the selected line
send_key F6
wait_for "Findings: 0"
send_key F2
wait_for "< V38-1"
send_key Tab
type_slow "5"
send_key Tab Tab Tab Tab Tab Tab
type_slow "ok"
send_key Enter
wait_for "finding recorded: V38-1"
wait_for "Findings: 1"
wait_for "${ids[9]}"
send_key Escape
wait_for "Lines: 30"

# totals
send_key F12
wait_for "All lines"
screen_text | grep -E "State CONFIRMED +2 " >/dev/null || fail "totals: not 2 CONFIRMED"
wait_for "Violation V38-1"
snapshot flight-totals
send_key F10
[ "$(wait_exit)" = 0 ] || fail "fieldcheck tui did not exit with 0"

# exactly those verdicts are stored
"$fc_bin" --json susp list >"$E2E_TMP/list.json" || fail "susp list --json"
got=$(grep -v '"state":"PENDING"' "$E2E_TMP/list.json" |
    sed -E 's/.*"susp_id":"([^"]*)".*"state":"([A-Z]*)","irregular":"([0-9.]*)".*/\1 \2 \3/' |
    LC_ALL=C sort)
want=$(printf '%s\n' "${ids[0]} CONFIRMED" "${ids[1]} PARTIAL 10.00" "${ids[2]} REFUTED 0.00" \
    "${ids[3]} CONFIRMED 99999.00" | LC_ALL=C sort)
# the default amount of the first line is its suspect amount
default=$(grep "\"susp_id\":\"${ids[0]}\"" "$E2E_TMP/list.json" |
    sed -E 's/.*"susp_amount":"([0-9.]*)".*/\1/')
want=$(echo "$want" | sed "s/^${ids[0]} CONFIRMED\$/${ids[0]} CONFIRMED $default/")
[ "$got" = "$want" ] || fail "stored verdicts differ:
$got
--- wanted ---
$want"
"$fc_bin" --json visit show >"$E2E_TMP/show.json" || fail "visit show --json"
grep -q '"code":"V38-1"' "$E2E_TMP/show.json" || fail "finding V38-1 not in visit show"
[ "$(grep -o '"event_id"' "$E2E_TMP/show.json" | wc -l)" -ge 1 ] || fail "no finding events"
# close from the worksheet: flight summary (states, violation codes with
# amounts), confirm, checkpoint code
tm kill-session -t fc 2>/dev/null || true
start_app "$fc_bin" tui
wait_for "Lines: 30"
send_key C
wait_for "Summary before closing"
wait_for "Lines by state"
screen_text | grep -A1 "Lines by state" | tail -1 | grep -qE "^ confirmed +2 " ||
    fail "close summary: the first state row is not 2 CONFIRMED"
screen_text | grep -qE "V38-1 +1 +[0-9]+\.[0-9]{2} / [0-9]+\.[0-9]{2}" ||
    fail "close summary: no V38-1 row with amounts"
snapshot flight-close
confirm_close
send_key Escape
wait_for "Missions"
send_key F10
[ "$(wait_exit)" = 0 ] || fail "fieldcheck tui did not exit with 0 after closing"
echo "ok"
