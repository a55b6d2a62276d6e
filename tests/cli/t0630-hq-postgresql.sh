#!/bin/bash
# HQ on PostgreSQL through the CLI, against hq.db: the same bundles give a
# byte-identical `hq report --json` on both stores; the store comes from
# --db-url, FIELDCHECK_HQ_DB_URL or hq.db_url in the configuration file;
# four `hq import` processes at once lose and duplicate nothing; `hq migrate`
# moves an hq.db; receipts agree; the HTML page renders from PostgreSQL; a
# password in a URL never reaches a message. Needs a PostgreSQL server
# (tests/pg/pg.sh): skipped (77) without one.
. "$(dirname "$0")/lib.sh"
. "$FC_SOURCE_DIR/tests/pg/pg.sh"
pg_start || exit 77
url=$(pg_createdb "fc_cli_$$") || exit 77
url2=$(pg_createdb "fc_cli2_$$") || exit 77
url3=$(pg_createdb "fc_cli3_$$") || exit 77
export FIELDCHECK_NOW=2026-03-01T20:00:00+08:00
w=$TEST_TMP

# a mission and three devices, each with two visits and overlapping exports
night_mission "$w/m" M2026-03 2 <<'CSV'
H11010500001,W01,Ward,1,A1,Zhang,110105198001010016
H11010500001,W01,Ward,2,A2,Li,110105198001010032
CSV
lite="$FC hq --hq $w/hq"
expect_exit 0 $lite init
for d in 1 2 3; do
    export FIELDCHECK_DB=$w/dev$d/fieldcheck.db
    expect_exit 0 "$FC" keys init
    "$FC" --json keys show | jq -r .enrollment >>"$w/codes"
    expect_exit 0 $lite enroll "$(tail -n1 "$w/codes")"
    expect_exit 0 "$FC" keys trust "$w/hq/hq.pub"
    expect_exit 0 "$FC" mission load "$w/m"
    for v in 1 2; do
        expect_exit 0 "$FC" visit open --site H11010500001 --kind night --inspector A --inspector B
        if [ "$d" = 1 ]; then
            expect_exit 0 "$FC" scan W01-1 110105198001010016 W01-2 EMPTY_BED
        else
            expect_exit 0 "$FC" scan W01-1 110105198001010032 W01-2 110105198001010016
        fi
        expect_exit 0 "$FC" visit close
        expect_exit 0 "$FC" export -o "$w/bundles"
    done
done
unset FIELDCHECK_DB
bundles=$(ls "$w"/bundles/*.fcb)
[ "$(echo "$bundles" | wc -l)" = 6 ] && pass || fail "expected 6 bundles: $bundles"
dev1=$(basename "$(echo "$bundles" | head -n1)" | cut -d- -f1)

# the same bundles into hq.db and into PostgreSQL
expect_exit 0 $lite import $bundles
expect_exit 0 $lite --json report
lite_report=$OUT
pg="$FC hq --hq $w/hq --db-url $url"
while read -r code; do
    expect_exit 0 $pg enroll "$code"
    expect_exit 0 "$FC" hq --hq "$w/hq" --db-url "$url2" enroll "$code"
done <"$w/codes"
expect_exit 0 $pg import $bundles
expect_exit 0 $pg import $bundles
expect_contains "$OUT" "duplicate"
expect_exit 0 $pg --json report
[ "$OUT" = "$lite_report" ] && pass || fail "report differs between hq.db and PostgreSQL"
expect_contains "$OUT" '"type":"conflict"' "report"
expect_contains "$OUT" '"fact":"bed"' "report"
expect_contains "$OUT" '"type":"findings"' "report"
expect_contains "$OUT" '"type":"site_findings"' "report"
expect_contains "$OUT" '"type":"visit"' "report"
expect_contains "$OUT" '"workflow":"night"' "report"
expect_exit 0 $lite receipt "$dev1"
lite_receipt=$(printf '%s\n' "$OUT" | head -n1)
expect_exit 0 $pg receipt "$dev1"
[ "$(printf '%s\n' "$OUT" | head -n1)" = "$lite_receipt" ] && pass ||
    fail "receipt range differs: $OUT vs $lite_receipt"
expect_exit 0 $pg report --format html -o "$w/hq.html"
grep -q '<svg' "$w/hq.html" && pass || fail "HTML report from PostgreSQL has no chart"
[ "$(stat -c %a "$w/hq.html")" = 600 ] && pass || fail "HTML report mode"

# where the URL comes from: environment, then the configuration file
FIELDCHECK_HQ_DB_URL=$url expect_exit 0 "$FC" --json hq --hq "$w/hq" report
[ "$OUT" = "$lite_report" ] && pass || fail "FIELDCHECK_HQ_DB_URL not used"
printf '[hq]\ndb_url = %s\n' "$url" >"$FIELDCHECK_CONFIG"
expect_exit 0 "$FC" --json hq --hq "$w/hq" report
[ "$OUT" = "$lite_report" ] && pass || fail "hq.db_url from the configuration file not used"
printf '[hq]\ndb_url = mysql://x\n' >"$FIELDCHECK_CONFIG"
expect_exit 2 "$FC" hq --hq "$w/hq" report
expect_contains "$ERR" "hq.db_url"
rm -f "$FIELDCHECK_CONFIG"

# four importers at once into one database, overlapping sets and orders
pids=""
for i in 1 2 3 4; do
    # shellcheck disable=SC2086
    (ls $bundles | if [ $((i % 2)) = 0 ]; then sort -r; else cat; fi |
        xargs "$FC" hq --hq "$w/hq" --db-url "$url2" import >"$w/imp$i.out" 2>&1) &
    pids="$pids $!"
done
ok=1
for p in $pids; do wait "$p" || ok=0; done
[ $ok = 1 ] && pass || fail "a concurrent import failed: $(cat "$w"/imp*.out)"
expect_exit 0 "$FC" --json hq --hq "$w/hq" --db-url "$url2" report
[ "$OUT" = "$lite_report" ] && pass || fail "concurrent imports: report differs"
n_imported=$(cat "$w"/imp*.out | grep -c ': imported,')
[ "$n_imported" = 6 ] && pass || fail "each bundle imported once, got $n_imported: $(cat "$w"/imp*.out)"

# hq migrate: an hq.db moved into an empty database; a used one refused
expect_exit 0 $lite --json migrate --to "$url3"
expect_json "$OUT" .ok true
expect_exit 0 "$FC" --json hq --hq "$w/hq" --db-url "$url3" report
[ "$OUT" = "$lite_report" ] && pass || fail "migrated store reports differently"
expect_exit 2 $lite migrate --to "$url3"
expect_contains "$ERR" "empty database"

# a password in the URL is never printed
expect_exit 4 "$FC" hq --hq "$w/hq" --db-url "postgresql://u:s3cr3tpw@/nodb?host=$w/none" report
expect_not_contains "$ERR" "s3cr3tpw"
expect_contains "$ERR" "postgresql://u@/nodb"
finish
