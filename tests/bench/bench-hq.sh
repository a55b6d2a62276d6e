#!/bin/bash
# HQ benchmarks on a real, durable PostgreSQL (fsync on) started for the run
# and stopped at the end (tests/pg/pg.sh), figures for docs/performance.md
# ("HQ at provincial scale"):
#   1. bench_hq: import of B bundles x E events into hq.db and PostgreSQL,
#      one importer and two at once (default 1,000 x 500);
#   2. the summary (`hq report --json`, and the page) over N events (default
#      10,000,000) held in PostgreSQL: the rows an import of N events of night
#      visits makes (events, bundles, visits, tallies, findings and their
#      sums), written with SQL so that filling the database takes minutes,
#      then each command timed three times. One visit in 20 is a second
#      laptop's at the same hospital, ward and time as the visit before it,
#      which saw some beds differently: the overlapping pairs the conflicts
#      query reads.
# Usage: tests/bench/bench-hq.sh [BUILD_DIR] [bundles] [events_per_bundle] [summary_events]
# Run it on a quiet machine: the load average is printed with the figures.
# Without a PostgreSQL server it runs the hq.db part only and exits 77. CI
# runs it at small sizes (ctest bench/hq) so that it keeps working; those
# figures mean nothing.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/release}
bundles=${2:-1000}
per=${3:-500}
events=${4:-10000000}
fc=$build/fieldcheck
. "$src/tests/pg/pg.sh"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if ! pg_start --durable; then
    echo "bench-hq: no PostgreSQL server: hq.db only" >&2
    "$build/tests/bench_hq" - "$bundles" "$per"
    exit 77
fi
bindir=$(pg_bindir)

# unique names: a server started by tests/run.sh serves several runs
url=$(pg_createdb "fc_bench_import_$$")
"$build/tests/bench_hq" "$url" "$bundles" "$per"

# ---- the summary over many events ----------------------------------------------
url=$(pg_createdb "fc_bench_summary_$$")
work=$(mktemp -d)
trap 'rm -rf "$work"; pg_stop' EXIT
export FIELDCHECK_HOME=$work/home FIELDCHECK_CONFIG=$work/config TZ=Asia/Shanghai
"$fc" hq --hq "$work/hq" --db-url "$url" init >/dev/null
visits=$((events / 1000))
echo "summary: filling PostgreSQL with $events events in $visits night visits ..."
t0=$(date +%s)
"$bindir/psql" -q -v ON_ERROR_STOP=1 "$url" <<SQL
SET synchronous_commit = off;
-- 100 devices; visits of 1,000 events (a night in a hospital: 300 beds
-- scanned, a wristband and an ID for most); 400 hospitals; two years
INSERT INTO device (id, sign_pk, box_pk, fingerprint, cert, enrolled_at)
SELECT lpad(to_hex(d), 16, '0'), repeat('0', 64), repeat('0', 64), 'FP' || d, '\x00',
       '2024-01-01T00:00:00.000Z' FROM generate_series(1, 100) d;
INSERT INTO site (site_code, site_name, site_kind, region_code, region_name)
SELECT 'H3101' || lpad(s::text, 7, '0'), '医院' || s, 'hospital',
       '3101' || lpad((s % 20)::text, 2, '0'), '区' || (s % 20)
FROM generate_series(0, 399) s;
-- a: the visit whose hospital, ward and time v shares; v itself but for one
-- visit in 20, a second laptop (another device) beside the visit before it
CREATE TEMP TABLE vv AS
SELECT v, 1 + v % 100 AS d, v / 100 AS k, 'H3101' || lpad(((a * 7) % 400)::text, 7, '0') AS site,
       timestamp '2024-01-01 12:00' + (a * interval '100 minutes') AS t, a % 9 AS w, v <> a AS tw
FROM (SELECT v, CASE WHEN v % 20 = 1 THEN v - 1 ELSE v END AS a
      FROM generate_series(0, $visits - 1) v) s;
INSERT INTO visit (visit, device, mission_id, mission_version, mission_sha256, site_code,
                   site_name, workflow, inspectors, opened_at, opened_local, closed_at,
                   closed_local, pack_sha256, signed_by)
SELECT 'v' || lpad(v::text, 8, '0'), lpad(to_hex(d), 16, '0'), 'M1', 1, repeat('a', 64), site,
       '医院', 'night', '["张三","李四"]',
       to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS".000Z"'),
       to_char(t + interval '8 hours', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
       to_char(t + interval '3 hours', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"'),
       to_char(t + interval '11 hours', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
       NULL, 'unsigned'
FROM vv;
INSERT INTO event (device, seq, hash, id, visit, at, kind, subject, payload, prev_hash)
SELECT lpad(to_hex(d), 16, '0'), k * 1000 + e, md5(v || ':' || e) || md5(e || ':' || v),
       md5(v::text || e::text), 'v' || lpad(v::text, 8, '0'),
       to_char(t + e * interval '10 seconds', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"'),
       CASE e WHEN 1 THEN 'visit_open' WHEN 1000 THEN 'visit_close' ELSE 'scan' END,
       (e / 3)::text,
       '{"arrival":"burst","at_bed":"' || (e / 3) || '","at_ward":"W0' || w ||
       '","code":"W0' || w || '-' || (e / 3) || '","kind":"bed_label","source":"code_index",'
       || '"verdict":"' || (ARRAY['BED_LISTED','MATCH','MATCH'])[1 + e % 3] || '"}',
       repeat('0', 64)
FROM vv, generate_series(1, 1000) e;
INSERT INTO bundle (sha256, device, bundle_seq, first_seq, last_seq, prev_bundle, prev_head,
                    chain_head)
SELECT md5(d || ':' || b) || md5(b || ':' || d), lpad(to_hex(d), 16, '0'), b + 1, b * 500 + 1,
       b * 500 + 500, repeat('0', 64), repeat('0', 64), repeat('0', 64)
FROM generate_series(1, 100) d, generate_series(0, ($events / 100 / 500) - 1) b;
INSERT INTO tally (visit, kind, verdict, n)
SELECT 'v' || lpad(v::text, 8, '0'), x.kind, x.verdict, x.n
FROM vv, (VALUES ('visit_open', '', 1), ('visit_close', '', 1), ('scan', 'BED_LISTED', 333),
                 ('scan', 'MATCH', 665)) AS x(kind, verdict, n);
INSERT INTO finding (visit, n, workflow, grp, code, scope, cls, subject, detail, amount_fen,
                     fund_loss_fen, count, vkey, summed, site, device)
SELECT 'v' || lpad(v::text, 8, '0'), b * 2 + g, 'night', CASE g WHEN 0 THEN 'beds' ELSE 'patients' END,
       CASE WHEN g = 0 THEN CASE WHEN b % m = 0 THEN 'ABSENT' WHEN b % 29 = 0 THEN 'MOVED_IN' ELSE 'OK' END
            ELSE CASE WHEN b % m = 0 THEN 'NOT_FOUND' ELSE 'PRESENT' END END,
       CASE g WHEN 0 THEN 2 ELSE 4 END,
       CASE WHEN b % m = 0 OR (g = 0 AND b % 29 = 0) THEN 'anomaly' ELSE 'ok' END,
       CASE g WHEN 0 THEN 'W0' || w || ':' || b ELSE 'ZY' || v || '-' || b END,
       NULL, 0, 0, 1, NULL, 0, site, lpad(to_hex(d), 16, '0')
-- the second laptop of a pair finds other beds empty (m): those beds conflict
FROM (SELECT *, CASE WHEN tw THEN 11 ELSE 13 END AS m FROM vv) vv, generate_series(1, 300) b,
     generate_series(0, 1) g;
INSERT INTO finding_sum (visit, site, month, workflow, cls, code, scope, vkey, count, amount_fen,
                         fund_loss_fen)
SELECT visit, site, substr(
           (SELECT opened_local FROM visit x WHERE x.visit = f.visit), 1, 7),
       workflow, cls, code, scope, '', CAST(sum(count) AS BIGINT), 0, 0
FROM finding f GROUP BY visit, site, workflow, cls, code, scope;
INSERT INTO meta (key, value) VALUES ('derived', '4') ON CONFLICT (key) DO UPDATE SET value = '4';
ANALYZE;
SQL
echo "summary: filled in $(($(date +%s) - t0)) s; $("$bindir/psql" -tA "$url" -c "SELECT count(*) FROM event") events, $("$bindir/psql" -tA "$url" -c "SELECT count(*) FROM finding") findings, $("$bindir/psql" -tA "$url" -c "SELECT count(*) FROM visit a JOIN visit b ON b.site_code = a.site_code AND a.device < b.device AND a.opened_at <= b.closed_at AND b.opened_at <= a.closed_at") overlapping pairs of visits"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "summary: $("$fc" hq --hq "$work/hq" --db-url "$url" report --json |
    grep -c '"type": *"conflict"') conflicts in the report"
for what in "report --json" "report --format html -o $work/hq.html"; do
    for i in 1 2 3; do
        /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KiB" \
            "$fc" hq --hq "$work/hq" --db-url "$url" $what >/dev/null 2>"$work/time" || {
            cat "$work/time"
            exit 1
        }
        echo "summary: hq $what: $(tail -n1 "$work/time")"
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
