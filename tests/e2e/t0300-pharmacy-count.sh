#!/bin/bash
# A pharmacy stock count in the TUI of the real binary: scanner bursts for new
# boxes, a double read, a box insurance already settled, an unknown code and a
# GTIN-only box; a manual count of a split-pack drug through the form and as
# DRUG:QTY; blind mode on and off (summary refused while blind); the counted
# and variance figures in the table; the boxes of one drug; a void; the
# summary by rule. Afterwards the CLI sees every scan the screen took once.
E2E_W=${E2E_W:-120}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/night_lib.sh"

pharmacy_open
# drug_field CODE COLUMN: a column of drugs.csv for one drug
drug_field() { awk -F, -v d="$1" -v c="$2" '$3 == d { print $c; exit }' "$drugs"; }
# A: a whole-pack drug with a settled code under its own prefix
drug_a=$(awk -F, 'NR > 1 && $12 == 1 { print $3; exit }' "$drugs")
prefix_a=$(drug_field "$drug_a" 10)
book_a=$(drug_field "$drug_a" 17)
settled_a=$(awk -F, -v d="$drug_a" -v p="$prefix_a" \
    '$4 == d && substr($6, 1, 7) == p { print $6; exit }' "$demo_dir/settlements.csv")
[ -n "$settled_a" ] || fail "no settled code for $drug_a"
# B: another whole-pack drug, counted by its GTIN only
drug_b=$(awk -F, -v a="$drug_a" 'NR > 1 && $12 == 1 && $3 != a && $9 != "" { print $3; exit }' \
    "$drugs")
gtin_b=$(drug_field "$drug_b" 9)
# C: a split-pack drug (its unit is the tablet)
drug_c=$(awk -F, 'NR > 1 && $12 > 1 { print $3; exit }' "$drugs")
[ -n "$drug_b" ] && [ -n "$drug_c" ] || fail "demo drugs lack a GTIN or a split pack"

sent=$E2E_TMP/sent.tsv # code<TAB>arrival of every burst, in order
: >"$sent"
scan() { send_scan "$1" && printf '%s\tburst\n' "$1" >>"$sent"; }
# row CODE: the drug table's line for CODE
row() { screen_text | grep -E "^ *$1 " | head -n 1; }
# expect_row CODE BOOK COUNTED VARIANCE
expect_row() {
    row "$1" | grep -E " $2 +$3 +$4( |\$)" >/dev/null ||
        fail "row of $1 is not book $2 counted $3 variance $4: $(row "$1")"
}

start_app "$fc_bin" tui
wait_for "R E A D Y"
wait_for "drugs counted 0/"
snapshot pharmacy-start

# drug A: two new boxes, a double read of the second, a settled box
scan "${prefix_a}0000000000001"
wait_for "C O U N T E D"
scan "${prefix_a}0000000000002"
scan "${prefix_a}0000000000002"
wait_for "DUPLICATE_SCAN"
scan "$settled_a"
wait_for "SETTLED BOX ON THE SHELF"
wait_for "already settled this code"
expect_row "$drug_a" "$book_a" 3 "$((3 - book_a))"
row "$drug_a" | grep -F "!1" >/dev/null || fail "the settled box is not flagged: $(row "$drug_a")"
snapshot sold-on-shelf

# an unknown code, then drug B by GTIN
scan 99999990000000000001
wait_for "UNKNOWN_ITEM"
scan "$gtin_b"
wait_for "COUNTED BY GTIN"
expect_row "$drug_b" "$(drug_field "$drug_b" 17)" 1 "$((1 - $(drug_field "$drug_b" 17)))"

# drug C: 7 tablets through the form (F2), 5 more as DRUG:QTY
send_key F2
wait_for "Manual count"
# the form opens on the quantity of the selected drug: go up to the code
send_key Up C-u
wait_for "Drug code  _"
type_slow "$drug_c" 0.04
send_key Tab
type_slow "7" 0.04
wait_for "Quantity  7_"
send_key Enter
wait_for "MANUAL COUNT RECORDED"
wait_gone "Manual count"
scan "$drug_c:5"
wait_for "$drug_c: 5 units recorded"
book_c=$(drug_field "$drug_c" 17)
expect_row "$drug_c" "$book_c" 12 "$((12 - book_c))"

# blind: book and variance hidden, the summary refused, a box still counts
send_key F4
wait_for "Hide book figures"
send_key y
wait_for "[BLIND COUNT]"
wait_for "blind count on"
row "$drug_a" | grep -E " -- +3 +-- " >/dev/null || fail "blind row shows figures: $(row "$drug_a")"
send_key F12
wait_for "no summary during a blind count"
scan "${prefix_a}0000000000003"
wait_for "C O U N T E D"
row "$drug_a" | grep -E " -- +4 +-- " >/dev/null || fail "blind count not updated: $(row "$drug_a")"
snapshot blind
send_key F4
wait_for "Save the blind count"
send_key y
wait_gone "[BLIND COUNT]"
expect_row "$drug_a" "$book_a" 4 "$((4 - book_a))"

# the boxes of drug A (selected: it was scanned last), void the newest one
send_key Enter
wait_for "$drug_a  "
wait_for "scans: 5, not voided 5"
screen_text | grep -F "$settled_a" | grep -F "settled box on the shelf" >/dev/null ||
    fail "the settled box is not listed with its verdict"
screen_text | grep -F DOUBLE_READ >/dev/null || fail "the double read is not listed"
snapshot boxes
send_key F11
wait_for "Void a scan"
wait_for "${prefix_a}0000000000003"
type_slow "second count" 0.04
send_key Enter
wait_for "Void this scan?"
send_key y
wait_for "V O I D E D"
wait_for "not voided 4"
send_key Escape
wait_for "Code or DRUG:QTY:"
expect_row "$drug_a" "$book_a" 3 "$((3 - book_a))"

# sort by variance puts the largest gap first; by name; back to code
send_key F5
wait_for "by variance"
send_key F5
wait_for "by name"
send_key F5
wait_for "by code"

# the summary by rule, with the settled box's rule and a total
send_key F12
wait_for "Total suspect amount (yuan):"
wait_for "D09_SOLD_CODE_ON_SHELF"
screen_text | grep -E "D01_STOCK_SHORTAGE .* [0-9]+ +[0-9]+\.[0-9]{2}" >/dev/null ||
    fail "no D01 line with findings and amount"
snapshot summary
send_key Escape
wait_for "Code or DRUG:QTY:"

# Chinese labels, then quit
send_key F7
wait_for "盲盘"
send_key F10
[ "$(wait_exit 10)" = 0 ] || fail "tui did not exit cleanly"

# every burst stored once, in order, plus the one manual count from the form
stored_scans | awk -F'\t' '$2 == "burst"' | cut -f1,2 >"$E2E_TMP/stored.tsv"
diff -u "$sent" "$E2E_TMP/stored.tsv" >&2 || fail "stored scans differ from the scans sent"
total=$(stored_scans | wc -l)
[ "$total" -eq $(($(wc -l <"$sent") + 1)) ] || fail "expected $(wc -l <"$sent") bursts + 1 count, got $total"

show=$("$fc_bin" --json visit show) || fail "visit show failed"
counted() { printf '%s\n' "$show" | jq -r --arg d "$1" '.drugs[] | select(.drug_code == $d) | .counted'; }
if command -v jq >/dev/null 2>&1; then
    [ "$(counted "$drug_a")" = 3 ] || fail "visit show: $drug_a counted $(counted "$drug_a")"
    [ "$(counted "$drug_b")" = 1 ] || fail "visit show: $drug_b counted $(counted "$drug_b")"
    [ "$(counted "$drug_c")" = 12 ] || fail "visit show: $drug_c counted $(counted "$drug_c")"
fi
"$fc_bin" reconcile --json >"$E2E_TMP/rec.jsonl" || fail "reconcile --json failed"
grep -F "\"drug_code\":\"$drug_a\"" "$E2E_TMP/rec.jsonl" | grep -F D09_SOLD_CODE_ON_SHELF |
    grep -F "$settled_a" >/dev/null || fail "reconcile has no D09 for the settled box"
echo "ok ($(wc -l <"$sent") scans)"
