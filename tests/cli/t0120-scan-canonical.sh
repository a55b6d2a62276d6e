#!/bin/bash
# The canonical form of a scan (DESIGN §5), the same for every workflow: an
# AIM symbology identifier is removed and recorded, white space (NBSP,
# U+3000) trimmed, full-width folded, bed numbers compared without leading
# zeros, bed labels, wristbands and admission numbers without case (with a
# Caps Lock hint); the raw code stays in the event. Each code is scanned
# plain and prefixed, in two visits that must agree verdict for verdict.
. "$(dirname "$0")/lib.sh"

fc() { "$FC" "$@"; }
command -v jq >/dev/null || {
    echo "skipped: jq is not installed"
    exit 77
}
expect_exit 0 fc demo --no-tui --dir "$TEST_TMP/demo"
printf '%s\n' "$OUT" >"$TEST_TMP/demo.txt"
H=$(awk -F, 'NR == 2 { print $1 }' "$TEST_TMP/demo/wards.csv")
P=$(awk -F, 'NR == 2 { print $1 }' "$TEST_TMP/demo/drugs.csv")
GTIN=$(awk -F, 'NR == 2 { print $9 }' "$TEST_TMP/demo/drugs.csv")
TRACE=$(awk -F, 'NR == 2 && $6 != "" { print $6 }' "$TEST_TMP/demo/settlements.csv")
[ -n "$TRACE" ] || TRACE=81001641253257476833
ADM=$(awk -F, -v s="$H" '$1 == s && $3 == "W01" && $5 == "6" { print $6; exit }' "$TEST_TMP/demo/inpatients.csv")
ID=$(awk -F, -v s="$H" '$1 == s && $3 == "W01" && $5 == "1" { print $8; exit }' "$TEST_TMP/demo/inpatients.csv")

# verdict CODE: "kind verdict" of one scan in the open visit, each scan 3 s
# after the one before (no double read); the clock lives in a file, as
# verdict runs in a subshell
echo 0 >"$TEST_TMP/t"
verdict() {
    local t=$(($(cat "$TEST_TMP/t") + 3))
    echo $t >"$TEST_TMP/t"
    FIELDCHECK_NOW=$(printf '2026-11-22T20:%02d:%02d+08:00' $((t / 60)) $((t % 60))) \
        "$FC" --json scan "$1" | jq -r '"\(.kind) \(.verdict)"'
}

expect_exit 0 fc visit open --site "$H" --kind night --inspector A --inspector B
for pair in "W01-1|]C0W01-1|bed_label BED_LISTED" \
    "WB" \
    "$ID|]C0$ID|id_number MATCH" \
    "W01-1| W01-1 |bed_label BED_LISTED" \
    "W01-1|"$'\u3000'"W01-1"$'\u00a0'"|bed_label BED_LISTED" \
    "W01-1|Ｗ０１－１|bed_label BED_LISTED" \
    "W01-6|W01-06|bed_label BED_LISTED" \
    "W01-6|]C0w01-6|bed_label BED_LISTED" \
    "$ADM|]C0$(printf '%s' "$ADM" | tr A-Z a-z)|admission MATCH" \
    "EMPTY_BED|]C0EMPTY_BED|action RECORDED"; do
    IFS='|' read -r a b c <<<"$pair"
    # wristbands hold '|': taken whole from what the demo printed
    case $pair in WB*)
        a=$(grep -o "scan 'WB|[^']*'" "$TEST_TMP/demo.txt" | head -1 | sed "s/^scan '//; s/'$//")
        b="]Q1$a"
        c="wristband MATCH"
        ;;
    esac
    pa=$(verdict "$a")
    pb=$(verdict "$b")
    [ "$pa" = "$pb" ] && pass || fail "'$a' gave '$pa' but '$b' gave '$pb'"
    expect_contains "$pa" "$c" "verdict of '$a'"
done

# the raw code and the AIM identifier stay in the event; the code is canonical
expect_exit 0 fc --json scan "]C0W01-2"
expect_json "$OUT" .code "W01-2"
ev=$(sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'scan' ORDER BY seq DESC LIMIT 1")
expect_json "$ev" .raw "]C0W01-2"
expect_json "$ev" .aim "]C0"
expect_json "$ev" .code "W01-2"
# Caps Lock: said in the message and kept in the event
expect_exit 0 fc --json scan "w01-3"
expect_json "$OUT" .verdict "BED_LISTED"
expect_contains "$OUT" "Caps Lock"
ev=$(sqlite3 "$FIELDCHECK_DB" "SELECT payload FROM event WHERE kind = 'scan' ORDER BY seq DESC LIMIT 1")
expect_json "$ev" .hint "caps_lock"
expect_json "$ev" .raw "w01-3"
expect_exit 0 fc visit close

expect_exit 0 fc visit open --site "$P" --kind pharmacy --inspector A --inspector B
for pair in "$TRACE|]C0$TRACE" "$GTIN|]E0$GTIN" "01${GTIN}10LOT1|]d201${GTIN}10LOT1" \
    "01${GTIN}21SER1|]C101${GTIN}21SER1" "01${GTIN}21SER2|]Q301${GTIN}21SER2" \
    "01${GTIN}21SER3|[)>"$'\x1e'"05"$'\x1d'"01${GTIN}21SER3"$'\x1e\x04'; do
    a=${pair%%|*}
    b=${pair#*|}
    pa=$(verdict "$a")
    # a second box with the same serial would be a duplicate: vary it
    pb=$(verdict "$b")
    [ "${pa%% *}" = "${pb%% *}" ] && pass || fail "'$a' gave '$pa' but '$b' gave '$pb'"
    expect_not_contains "$pb" "UNKNOWN_ITEM" "verdict of '$b'"
    expect_not_contains "$pb" "unknown" "kind of '$b'"
done
expect_exit 0 fc visit close
finish
