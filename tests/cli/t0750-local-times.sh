#!/bin/bash
# Times people read are local, with their offset (DESIGN §6: events store
# UTC; a time without an offset is local): mission list/show, visit list,
# show and close, susp show's history, the flight on-site record, HQ's text
# report and the "visit is closed" errors. --json keeps the stored UTC.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Shanghai FIELDCHECK_NOW=2026-03-01T21:30:00+08:00 FIELDCHECK_LANG=en

expect_exit 0 "$FC" demo --no-tui
site=$(sed -n 's/.*--site \([HP][0-9]*\) --kind night.*/\1/p' <<<"$OUT" | head -n 1)
[ -n "$site" ] && pass || fail "no night site in the demo output"

# mission list / show: loaded 21:30 local, issued and expires from mission.json
expect_exit 0 "$FC" mission list
expect_contains "$OUT" "2026-03-01T21:30:00+08:00" "mission list"
expect_not_contains "$OUT" "T13:30:00" "mission list (UTC)"
expect_exit 0 "$FC" --json mission list
expect_contains "$OUT" '"loaded_at":"2026-03-01T13:30:00' "mission list --json keeps UTC"
expect_exit 0 "$FC" mission show demo-1
expect_contains "$OUT" "loaded     2026-03-01T21:30:00+08:00" "mission show"
grep -Eq '^issued +[0-9-]+T[0-9:]+\+08:00$' <<<"$OUT" && pass || fail "mission show issued: $OUT"
grep -Eq '^expires +[0-9-]+T[0-9:]+\+08:00$' <<<"$OUT" && pass || fail "mission show expires: $OUT"

# visit list and close
expect_exit 0 "$FC" visit open --site "$site" --kind night --inspector A --inspector B
expect_exit 0 "$FC" visit list
expect_contains "$OUT" "2026-03-01T21:30:00+08:00  open" "visit list"
expect_exit 0 env FIELDCHECK_NOW=2026-03-01T23:05:00+08:00 "$FC" visit close
expect_contains "$OUT" "closed at 2026-03-01T23:05:00+08:00" "visit close"
expect_exit 0 "$FC" visit list
expect_contains "$OUT" "2026-03-01T21:30:00+08:00  2026-03-01T23:05:00+08:00" "visit list"
expect_exit 0 "$FC" --json visit list
expect_json "$OUT" .closed_at "2026-03-01T15:05:00.000Z"
# visit show's header (it printed the stored UTC, 2026-03-01T13:30:00.000Z)
expect_exit 0 "$FC" visit show
expect_contains "$(head -n 1 <<<"$OUT")" "opened 2026-03-01T21:30:00+08:00  closed 2026-03-01T23:05:00+08:00" \
    "visit show"
expect_not_contains "$OUT" "T13:30:00" "visit show (UTC)"
# another zone, the same instants
expect_exit 0 env TZ=UTC "$FC" visit list
expect_contains "$OUT" "2026-03-01T13:30:00+00:00  2026-03-01T15:05:00+00:00" "visit list in UTC"

# errors about a closed visit name the local time
expect_exit 2 "$FC" scan W01-1
expect_contains "$ERR" "2026-03-01T23:05:00+08:00" "scan into a closed visit"
expect_exit 2 "$FC" visit close
expect_contains "$ERR" "already closed at 2026-03-01T23:05:00+08:00" "close twice"

# flight: the history of a suspicion line
expect_exit 0 "$FC" visit open --site "$site" --kind flight --inspector A --inspector B
line=$("$FC" --json susp list | jq -r '.susp_id' | head -n 1)
expect_exit 0 env FIELDCHECK_NOW=2026-03-02T09:15:00+08:00 "$FC" susp verify "$line" --verdict REFUTED
expect_exit 0 "$FC" susp show "$line"
expect_contains "$OUT" "  2026-03-02T09:15:00+08:00 verify" "susp show history"
expect_exit 0 "$FC" --json susp show "$line"
expect_contains "$OUT" '"at":"2026-03-02T01:15:00' "susp show --json keeps UTC"
expect_exit 0 "$FC" visit show
expect_contains "$(head -n 1 <<<"$OUT")" "opened 2026-03-01T21:30:00+08:00  (open)" "flight visit show"
# the on-site record (Markdown) in both languages: it printed "2026-03-01 21:30"
expect_exit 0 env FIELDCHECK_NOW=2026-03-02T09:40:00+08:00 "$FC" interview add --place office \
    --person 王五:director --q Q --a A --signed --time 2026-03-02T09:30
for lang in en zh; do
    expect_exit 0 env FIELDCHECK_LANG=$lang "$FC" report --format md -o -
    expect_contains "$OUT" "2026-03-01T21:30:00+08:00" "$lang flight md report (opened)"
    expect_contains "$OUT" "2026-03-02T09:30:00+08:00" "$lang flight md report (interview)"
    expect_not_contains "$OUT" "2026-03-01 21:30" "$lang flight md report"
done

# visit show for a flight visit is a table in both languages: the counts
# stand in one column whatever the label's width ("partly confirmed" pushed
# its count out; Chinese labels were padded by bytes, not columns)
for lang in en zh; do
    expect_exit 0 env FIELDCHECK_LANG=$lang FIELDCHECK_LOCALEDIR="${FC_BUILD_DIR:?}/locale" "$FC" visit show
    cols=$(grep -E '^  .*[0-9]  ' <<<"$OUT" | while IFS= read -r l; do
        pre=${l%%[0-9]  *}
        printf '%s\n' "$(printf '%s' "$pre" | wc -L)"
    done | sort -u)
    [ "$(wc -l <<<"$cols")" -eq 1 ] && pass || fail "$lang: flight visit show counts not aligned: $OUT"
done

# HQ's text report lists each institution's visits by their opening time
# (it printed the first 16 characters of the stored time: 2026-03-01T21:30,
# without its offset, whatever the reader's zone)
hq_enrol
hq_send
expect_exit 0 $hq report
expect_contains "$OUT" "    2026-03-01T21:30:00+08:00  " "hq report (visits)"
expect_not_contains "$OUT" "2026-03-01T13:30" "hq report (UTC)"
expect_exit 0 env TZ=UTC $hq report
expect_contains "$OUT" "    2026-03-01T13:30:00+00:00  " "hq report in UTC"

finish
