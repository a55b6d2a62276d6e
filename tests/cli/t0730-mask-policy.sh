#!/bin/bash
# mask.names / mask.ids in the configuration change what is shown, and every
# change of policy is recorded once as a "mask_policy" event (unmasking is an
# audited act); the default (masked) records nothing.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00

expect_exit 0 "$FC" demo --no-tui
site=$(sed -n 's/.*--site \(H[0-9]*\) --kind night.*/\1/p' <<<"$OUT" | head -1)
expect_exit 0 "$FC" visit open --site "$site" --kind night --inspector 甲 --inspector 乙
expect_exit 0 "$FC" --json scan W01-1
events() { "$FC" --json db check | jq -r .events; }
n0=$(events)
expect_exit 0 "$FC" --json visit show
masked=$(printf '%s' "$OUT" | jq -r '[.patients[].name] | map(select(test("\\*"))) | length')
[ "$masked" -gt 0 ] && pass || fail "names not masked by default"

printf 'mask.names = off\n' >"$FIELDCHECK_CONFIG"
expect_exit 0 "$FC" --json visit show
expect_contains "$ERR" "masking is off"
stars=$(printf '%s' "$OUT" | jq -r '[.patients[].name] | map(select(test("\\*"))) | length')
[ "$stars" -eq 0 ] && pass || fail "names still masked with mask.names = off ($stars)"
n1=$(events)
[ "$n1" -eq $((n0 + 1)) ] && pass || fail "policy change not recorded once ($n0 -> $n1)"
expect_exit 0 "$FC" --json visit show
n2=$(events)
[ "$n2" -eq "$n1" ] && pass || fail "unchanged policy recorded again ($n1 -> $n2)"

: >"$FIELDCHECK_CONFIG"
expect_exit 0 "$FC" --json visit show
n3=$(events)
[ "$n3" -eq $((n2 + 1)) ] && pass || fail "return to masking not recorded ($n2 -> $n3)"
expect_exit 0 "$FC" db check
finish
