#!/bin/bash
# hq's subcommands are rows of one table with their own options: --hq and
# --db-url stand before or after the subcommand, each subcommand's options
# in any order, and the result is byte for byte the same; "hq SUB --help"
# prints that subcommand's usage. The on-site draw takes its options in any
# order too.
. "$(dirname "$0")/lib.sh"
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
w=$TEST_TMP

# --hq after the subcommand, --db (the device's, a global option) anywhere
expect_exit 0 "$FC" hq init --hq "$w/hq"
[ -f "$w/hq/hq.pub" ] && [ -f "$w/hq/hq.db" ] && pass || fail "hq init --hq DIR made no HQ"
dev_db=$w/dev/fieldcheck.db
unset FIELDCHECK_DB
expect_exit 0 "$FC" keys init --db "$dev_db"
code=$("$FC" --db "$dev_db" --json keys show | jq -r .enrollment)
dev=$("$FC" --db "$dev_db" --json keys show | jq -r .device_id)
expect_exit 0 "$FC" hq enroll "$code" --hq "$w/hq"
expect_exit 0 "$FC" --db "$dev_db" keys trust "$w/hq/hq.pub"

night_mission "$w/m" M1 <<'CSV'
H11010500001,W01,Ward,1,A1,Zhang,110105198001010016
H11010500001,W01,Ward,2,A2,Li,110105198001010032
CSV
# pack: the folder last, -o before --to, --hq at the end
expect_exit 0 "$FC" --json hq pack --to "$dev" -o "$w/m.fcpack" "$w/m" --hq "$w/hq"
expect_json "$OUT" .mission_id M1
expect_exit 0 "$FC" --db "$dev_db" mission load "$w/m.fcpack"
expect_exit 0 "$FC" --db "$dev_db" visit open --kind night --inspector A --site H11010500001 \
    --inspector B
expect_exit 0 "$FC" --db "$dev_db" scan W01-1 110105198001010032
expect_exit 0 "$FC" --db "$dev_db" visit close
b=$("$FC" --db "$dev_db" --json export -o "$w/out" | jq -r .file)
expect_exit 0 "$FC" --json hq import "$b" --hq "$w/hq"
expect_json "$OUT" .outcome imported

# the same report whichever order the options come in
expect_exit 0 "$FC" hq --hq "$w/hq" --json report
first=$OUT
[ -n "$first" ] && pass || fail "hq --hq DIR --json report printed nothing"
expect_contains "$first" '"type":"findings"'
for order in "hq report --json --db $dev_db --hq $w/hq" "hq report --hq $w/hq --db $dev_db --json" \
    "--json hq report --hq=$w/hq" "hq --hq $w/hq report --json"; do
    # shellcheck disable=SC2086
    expect_exit 0 "$FC" $order
    [ "$OUT" = "$first" ] && pass || fail "'$order' gave another report"
done
expect_exit 0 "$FC" hq --hq "$w/hq" report
text=$OUT
expect_exit 0 "$FC" hq report --hq "$w/hq"
[ "$OUT" = "$text" ] && pass || fail "hq report --hq DIR gave another text report"
# the page: -o before --format, --hq last; the same bytes either way
expect_exit 0 "$FC" hq --hq "$w/hq" report --format html -o "$w/a.html"
expect_exit 0 "$FC" hq report -o "$w/b.html" --format=html --hq "$w/hq"
cmp -s "$w/a.html" "$w/b.html" && pass || fail "the HQ page differs with the options reordered"
expect_exit 1 "$FC" hq report --format csv -o "$w/c.csv" --hq "$w/hq"
expect_contains "$ERR" "--format html -o PATH"
expect_exit 1 "$FC" hq report --hq "$w/hq" --bogus
expect_contains "$ERR" "hq report: unknown option '--bogus'"

# receipt, quarantine and import likewise
expect_exit 0 "$FC" --json hq --hq "$w/hq" receipt "$dev"
receipt=$OUT
expect_exit 0 "$FC" --json hq receipt --hq "$w/hq" "$dev"
[ "$OUT" = "$receipt" ] && pass || fail "hq receipt --hq DIR DEVICE: $OUT"
expect_exit 0 "$FC" --json hq quarantine --hq "$w/hq" list
expect_exit 0 "$FC" --json hq quarantine purge --hq "$w/hq" --all
expect_json "$OUT" .removed 0
expect_exit 1 "$FC" hq quarantine purge --hq "$w/hq"
expect_contains "$ERR" "expected list"
expect_exit 0 "$FC" --json hq import --hq "$w/hq" "$b"
expect_json "$OUT" .outcome duplicate
expect_exit 1 "$FC" hq import --hq "$w/hq"
expect_contains "$ERR" "expected FILE"
expect_exit 1 "$FC" hq report --hq
expect_contains "$ERR" "'--hq' needs a value"

# --help: one subcommand's usage, or the command's
expect_exit 0 "$FC" hq report --help
expect_contains "$OUT" "hq [--hq DIR] [--db-url URL] report [--format html -o PATH]"
expect_not_contains "$OUT" "migrate --to URL" "hq report --help"
expect_exit 0 "$FC" hq --hq "$w/hq" draw -h
expect_contains "$OUT" "draw verify FILE"
expect_not_contains "$OUT" "receipt DEVICE" "hq draw --help"
expect_exit 0 "$FC" hq --help
expect_contains "$OUT" "migrate --to URL"
expect_contains "$OUT" "receipt DEVICE"
expect_exit 1 "$FC" hq improt --help
expect_contains "$ERR" "did you mean 'import'?"

# the on-site draw: options in any order, the same result for the same seed
night_mission "$w/p" D1 <<<'H11010500001,W01,Ward,1,A1,Zhang,110105198001010016'
{
    echo 'site_code,site_name,site_kind,region_code'
    for i in 1 2 3 4 5 6; do echo "H1101050000$i,Hospital $i,hospital,110105"; done
} >"$w/p/sites.csv"
for d in a b; do
    expect_exit 0 "$FC" --db "$w/$d.db" mission load "$w/p"
done
expect_exit 0 "$FC" --db "$w/a.db" --json draw --seed 20260301 --count 2 --mission D1
one=$(printf '%s\n' "$OUT" | jq -c '[.result[].site_code]')
expect_exit 0 "$FC" --json draw --mission D1 --count=2 --db "$w/b.db" --seed 20260301
two=$(printf '%s\n' "$OUT" | jq -c '[.result[].site_code]')
[ -n "$one" ] && [ "$one" != "[]" ] && [ "$one" = "$two" ] && pass ||
    fail "the draw with reordered options: $one vs $two"
expect_exit 1 "$FC" --db "$w/a.db" draw --seed 1
expect_contains "$ERR" "expected --seed TEXT --count"
finish
