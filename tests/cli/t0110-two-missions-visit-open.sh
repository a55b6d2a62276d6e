#!/bin/bash
# Regression: with two missions loaded, `visit open` failed with "database
# fc_probe is already in use" (the site probe could not detach while the list
# of missions was still being read). Both missions' sites must open.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00

expect_exit 0 "$FC" demo --no-tui
site=$("$FC" --json mission list | jq -r '.missions[] | select(.mission_id | startswith("demo")) | .mission_id' | head -1)
[ -n "$site" ] && pass || fail "demo mission not listed"

m=$TEST_TMP/m2
mkdir -p "$m"
cat >"$m/mission.json" <<'J'
{"mission_id": "SECOND", "version": 1, "kind": "flight", "title": "second"}
J
cat >"$m/sites.csv" <<'C'
site_code,site_name,site_kind
H11010500001,第二医院,hospital
C
cat >"$m/suspicions.csv" <<'C'
susp_id,rule_code,rule_name,site_code,site_name,item_code,item_name,qty,unit_price,amount,susp_amount
S1,R1,串换药品,H11010500001,第二医院,X1,药,1,10,10,10
C
expect_exit 0 "$FC" mission load "$m"

hospital=$("$FC" demo --no-tui | sed -n 's/.*--site \(H[0-9]*\) --kind night.*/\1/p' | head -1)
expect_exit 0 "$FC" visit open --site "$hospital" --kind night --inspector 甲 --inspector 乙
expect_exit 0 "$FC" visit close
expect_exit 0 "$FC" visit open --site H11010500001 --kind flight --inspector 甲 --inspector 乙
expect_contains "$OUT" "SECOND"
expect_exit 0 "$FC" visit close
expect_exit 0 "$FC" db check
finish
