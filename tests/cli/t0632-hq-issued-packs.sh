#!/bin/bash
# HQ remembers the packs it issued (hq pack) and flags visits whose mission
# did not come from one of them: a mission loaded from a folder, or from a
# pack another HQ signed.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
w=$TEST_TMP
export FIELDCHECK_DB=$w/dev/fieldcheck.db
hq_enrol
dev=$("$FC" --json keys show | jq -r .device_id)
mk_mission() { night_mission "$1" "$2" <<<'H11010500001,W01,Ward,1,A1,Zhang,110105198001010016'; }
mk_mission "$w/packed" M-PACKED
mk_mission "$w/folder" M-FOLDER
expect_exit 0 $hq --json pack "$w/packed" -o "$w/m.fcpack" --to "$dev"
pack_sha=$(sha256sum "$w/m.fcpack" | cut -d' ' -f1)
expect_json "$OUT" .sha256 "$pack_sha"
[ "$(sqlite3 "$w/hq/hq.db" "SELECT mission_id || ' ' || version || ' ' || targets FROM issued_pack WHERE sha256 = '$pack_sha'")" = "M-PACKED 1 [\"$dev\"]" ] &&
    pass || fail "hq pack did not record the pack it issued"
expect_exit 0 "$FC" mission load "$w/m.fcpack"
expect_exit 0 "$FC" mission load "$w/folder"
for m in M-PACKED M-FOLDER; do
    expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
    expect_exit 0 "$FC" visit close
done
# closing a visit wrote its findings for HQ (what was not checked, summed)
[ "$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'visit_close' AND payload LIKE '%\"findings\":[%\"summed\":true%'")" = 2 ] &&
    pass || fail "visit_close carries no findings: $(sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'visit_close'")"
b=$("$FC" --json export -o "$w/out" | jq -r .file)
expect_exit 0 $hq import "$b"
expect_exit 0 $hq --json report
report=$OUT
# which mission each visit used, and whether the device says which pack
"$FC" --json visit list >"$w/visits.json" 2>/dev/null
named=$(sqlite3 "$FIELDCHECK_DB" "SELECT count(*) FROM event WHERE kind = 'visit_open' AND payload LIKE '%\"pack_sha256\":\"$pack_sha\"%'")
flagged=$(printf '%s\n' "$report" | jq -r 'select(.type == "unissued") | .visit' | wc -l)
if [ "$named" = 1 ]; then
    # the device names the pack: only the folder's visit is flagged
    [ "$flagged" = 1 ] && pass || fail "expected 1 unissued visit, got $flagged: $report"
else
    # the device names no pack: HQ cannot tell, both are flagged
    [ "$flagged" = 2 ] && pass || fail "expected 2 unissued visits, got $flagged: $report"
fi
expect_exit 0 $hq report
expect_contains "$OUT" "not issued"
finish
