#!/bin/bash
# Trust changes are deliberate (issue: `keys trust FILE` swapped the HQ key
# without confirmation; a rogue hq.pub received the next export and its
# receipt advanced acked_seq, so after trusting the real HQ again those events
# were never exported: a permanent gap at HQ, and no way to resend).
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
real="$FC hq --hq $TEST_TMP/real"
rogue="$FC hq --hq $TEST_TMP/rogue"

expect_exit 0 $real --json init
realfp=$(jq -r .fingerprint <<<"$OUT")
expect_exit 0 $rogue --json init
roguefp=$(jq -r .fingerprint <<<"$OUT")
expect_exit 0 "$FC" keys init
dev=$("$FC" --json keys show | jq -r .device_id)
code=$("$FC" --json keys show | jq -r .enrollment)
expect_exit 0 $real enroll "$code"
expect_exit 0 $rogue enroll "$code"
expect_exit 0 "$FC" keys trust "$TEST_TMP/real/hq.pub"
expect_exit 0 "$FC" keys trust "$TEST_TMP/real/hq.pub"
expect_contains "$OUT" "trusted already"

night_mission "$TEST_TMP/m" T1 <<<'H11010500001,W01,Ward,1,A1,Zhang,110105198001010016'
expect_exit 0 "$FC" mission load "$TEST_TMP/m"
visit() {
    expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
    expect_exit 0 "$FC" visit close
}
visit

# the real HQ acknowledges everything so far
expect_exit 0 "$FC" --json export -o "$TEST_TMP/out"
expect_exit 0 $real import "$(jq -r .file <<<"$OUT")"
expect_exit 0 $real receipt "$dev"
expect_exit 0 "$FC" --json receipt apply "$(tail -n1 <<<"$OUT")"
acked_real=$(jq -r .acked_seq <<<"$OUT")

# another hq.pub is refused without --replace, both fingerprints shown
expect_exit 2 "$FC" keys trust "$TEST_TMP/rogue/hq.pub"
expect_contains "$ERR" "$realfp"
expect_contains "$ERR" "$roguefp"
expect_contains "$ERR" "--replace"
expect_exit 0 "$FC" --json export -o "$TEST_TMP/out"
expect_json "$OUT" .file null
events=$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'hq_trust'")

# --replace: done, shown, recorded as an event
expect_exit 0 "$FC" keys trust --replace "$TEST_TMP/rogue/hq.pub"
expect_contains "$OUT" "$roguefp"
expect_contains "$OUT" "$realfp"
after=$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'hq_trust'")
[ "$after" -eq $((events + 1)) ] && pass || fail "hq_trust events: $events then $after"
payload=$(sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'hq_trust' ORDER BY seq DESC LIMIT 1")
expect_json "$payload" .previous "$realfp"
expect_json "$payload" .fingerprint "$roguefp"

# what the real HQ acknowledged does not count for the new key: all is exported
visit
expect_exit 0 "$FC" --json export -o "$TEST_TMP/out"
expect_json "$OUT" .first_seq 1
expect_exit 0 $rogue import "$(jq -r .file <<<"$OUT")"
expect_exit 0 $rogue receipt "$dev"
expect_exit 0 "$FC" --json receipt apply "$(tail -n1 <<<"$OUT")"
acked_rogue=$(jq -r .acked_seq <<<"$OUT")
[ "$acked_rogue" -gt "$acked_real" ] && pass || fail "rogue acked $acked_rogue, real $acked_real"

# back to the real HQ: the events only the rogue acknowledged are exported to it
expect_exit 0 "$FC" keys trust --replace "$TEST_TMP/real/hq.pub"
expect_exit 0 "$FC" --json export -o "$TEST_TMP/out"
expect_json "$OUT" .first_seq $((acked_real + 1))
expect_exit 0 $real --json import "$(jq -r .file <<<"$OUT")"
expect_exit 0 $real --json report
expect_not_contains "$OUT" '"type":"gap"'

# export --from SEQ sends acknowledged events again
expect_exit 0 $real receipt "$dev"
expect_exit 0 "$FC" receipt apply "$(tail -n1 <<<"$OUT")"
expect_exit 0 "$FC" --json export -o "$TEST_TMP/out"
expect_json "$OUT" .file null
expect_exit 0 "$FC" --json export -o "$TEST_TMP/out" --from 2
expect_json "$OUT" .first_seq 2
expect_exit 0 $real --json import "$(jq -r .file <<<"$OUT")"
expect_exit 1 "$FC" export -o "$TEST_TMP/out" --from 0
finish
