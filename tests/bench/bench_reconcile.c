/* Reconciliation speed: 10,000 drugs and 1,000,000 settlement lines at one
 * pharmacy (target under 2 s), against the same rules written as one SQL
 * query run through the sqlite3 shell in the same run. Prints its figures. */
#include "core/pharmacy.h"
#include "core/store.h"
#include "core/visit.h"
#include "pharmacy_bench.h"

#include <string.h>
#include <unistd.h>

/* D01..D09 without the counted boxes (none in this run), per drug, as one
 * statement: what the engine computes with its grouped queries. */
static const char one_query[] =
    "WITH s AS (SELECT s.drug_code, sum(s.qty) AS settled,"
    "  sum(s.unit_price > d.price_cap) AS cap_lines,"
    "  sum(CASE WHEN length(s.trace_code) = 20 AND substr(s.trace_code, 1, 7) <> d.trace_prefix"
    "   THEN s.qty ELSE 0 END) AS mism"
    "  FROM settlement s JOIN drug d USING (site_code, drug_code)"
    "  WHERE s.site_code = '" BENCH_SITE "' GROUP BY s.drug_code),"
    " dup AS (SELECT min(s.drug_code) AS drug_code, count(*) AS codes"
    "  FROM settlement s JOIN drug d USING (site_code, drug_code)"
    "  WHERE s.site_code = '" BENCH_SITE "' GROUP BY s.trace_code"
    "  HAVING sum(s.qty) > max(d.pack_factor))"
    " SELECT count(*),"
    "  sum(0 < opening_qty + purchased_qty - purchase_return_qty - sold_qty + sale_return_qty"
    "   + adjust_qty),"
    "  sum(coalesce(s.settled, 0) > coalesce(d.insured_sold_qty, d.sold_qty)),"
    "  sum(d.sold_qty > d.opening_qty + d.purchased_qty),"
    "  sum(coalesce(s.settled, 0) > d.opening_qty + d.purchased_qty),"
    "  sum(coalesce(s.cap_lines, 0) > 0),"
    "  (SELECT count(DISTINCT drug_code) FROM dup), sum(coalesce(s.mism, 0) > 0)"
    " FROM drug d LEFT JOIN s USING (drug_code) WHERE d.site_code = '" BENCH_SITE "';\n";

static int count_finding(const struct pharmacy_finding *f, void *ctx)
{
    long *counts = ctx;

    counts[(f->rule[1] - '0') * 10 + (f->rule[2] - '0')]++;
    counts[0]++;
    return 0;
}

int main(int argc, char **argv)
{
    int n_drugs = argc > 1 ? atoi(argv[1]) : 10000, n_lines = argc > 2 ? atoi(argv[2]) : 1000000;
    char dir[] = "/tmp/fc-bench-rec-XXXXXX", ref[128], db[128], sql[160], cmd[512];
    struct store *s = NULL;
    struct visit_open_args a;
    struct visit v;
    struct fc_error err = {0};
    sqlite3_stmt *st = NULL;
    long counts[100] = {0};
    double t0, t1, best = 1e9;
    FILE *f;

    if (!mkdtemp(dir))
        return 1;
    snprintf(ref, sizeof(ref), "%s/ref.db", dir);
    snprintf(db, sizeof(db), "%s/fc.db", dir);
    snprintf(sql, sizeof(sql), "%s/query.sql", dir);
    t0 = bench_now();
    bench_build_ref(ref, n_drugs, n_lines);
    printf("built reference: %d drugs, %d settlement lines in %.2f s\n", n_drugs, n_lines,
           bench_now() - t0);
    if (store_open(&s, db, &err) != 0)
        return 1;
    sqlite3_prepare_v2(store_db(s), "ATTACH ?1 AS ref", -1, &st, NULL);
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        return 1;
    sqlite3_finalize(st);
    memset(&a, 0, sizeof(a));
    a.mission_id = "B1";
    a.mission_version = 1;
    a.site_code = BENCH_SITE;
    a.kind = "pharmacy";
    a.inspectors[0] = "One";
    a.inspectors[1] = "Two";
    a.at_ms = 1790000000000;
    if (visit_open(s, &a, &v, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    for (int run = 0; run < 3; run++) {
        memset(counts, 0, sizeof(counts));
        t0 = bench_now();
        if (pharmacy_reconcile(s, &v, count_finding, counts, &err) != 0) {
            fprintf(stderr, "reconcile: %s\n", err.msg);
            return 1;
        }
        t1 = bench_now() - t0;
        best = t1 < best ? t1 : best;
        printf("pharmacy_reconcile run %d: %.3f s, %ld findings\n", run + 1, t1, counts[0]);
    }
    printf("  per rule: D01 %ld  D02 %ld  D03 %ld  D04 %ld  D05 %ld  D06 %ld  D07 %ld  D08 %ld"
           "  D09 %ld\n",
           counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8],
           counts[9]);
    f = fopen(sql, "w");
    if (!f)
        return 1;
    fputs(one_query, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "sqlite3 '%s' < '%s'", ref, sql);
    t0 = bench_now();
    if (system(cmd) != 0)
        fprintf(stderr, "sqlite3 shell failed (is it installed?)\n");
    printf("  (drugs|D01 basis|D03|D04|D05|D06|D07|D08 from the one-query form above)\n");
    printf("sqlite3 shell, one query: %.3f s\n", bench_now() - t0);
    printf("best pharmacy_reconcile: %.3f s (target < 2 s)\n", best);
    visit_release(&v);
    store_close(s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) != 0;
}
