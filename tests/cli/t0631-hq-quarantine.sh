#!/bin/bash
# hq quarantine: a bundle from a device HQ never enrolled is refused and
# recorded by its hash, device, size and reason only; a cap per device
# (hq.quarantine_cap) stops a flood of refused files; list shows them and
# purge forgets them.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
w=$TEST_TMP
hq="$FC hq --hq $w/hq"
expect_exit 0 $hq init
export FIELDCHECK_DB=$w/dev/fieldcheck.db
expect_exit 0 "$FC" keys init
expect_exit 0 "$FC" keys trust "$w/hq/hq.pub"
dev=$("$FC" --json keys show | jq -r .device_id)
night_mission "$w/m" M1 <<<'H11010500001,W01,Ward,1,A1,Zhang,110105198001010016'
expect_exit 0 "$FC" mission load "$w/m"
for v in 1 2; do
    expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
    expect_exit 0 "$FC" visit close
    expect_exit 0 "$FC" export -o "$w/out"
done
b1=$(ls "$w"/out/*-000001.fcb)
b2=$(ls "$w"/out/*-000002.fcb)

export FIELDCHECK_HQ_QUARANTINE_CAP=1
expect_exit 3 $hq import "$b1"
expect_contains "$ERR" "not enrolled"
expect_exit 0 $hq --json quarantine list
expect_json "$OUT" .device "$dev"
expect_json "$OUT" .size "$(stat -c %s "$b1")"
expect_json "$OUT" .bundle_seq 1
expect_json "$OUT" .sha256 "$(sha256sum "$b1" | cut -d' ' -f1)"
# the same file again takes no second place; another one finds the quarantine full
expect_exit 3 $hq import "$b1"
expect_exit 2 $hq import "$b2"
expect_contains "$ERR" "full"
expect_exit 0 $hq --json quarantine list
[ "$(printf '%s\n' "$OUT" | grep -c sha256)" = 1 ] && pass || fail "one quarantined bundle: $OUT"
# the report lists it too
expect_exit 0 $hq report
expect_contains "$OUT" "quarantined"
expect_exit 1 $hq quarantine purge
expect_exit 0 $hq --json quarantine purge --device "$dev"
expect_json "$OUT" .removed 1
expect_exit 0 $hq quarantine list
[ -z "$OUT" ] && pass || fail "quarantine not empty after purge: $OUT"
expect_exit 3 $hq import "$b2"
expect_exit 0 $hq quarantine purge --all
expect_contains "$OUT" "1"
finish
