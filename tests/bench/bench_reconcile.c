/* Reconciliation speed: 10,000 drugs and 1,000,000 settlement lines at one
 * pharmacy (target under 2 s), against the same rules written as one SQL
 * query run through the sqlite3 shell on the same file in the same run.
 * Twice: over the settlement aggregates the mission loader stores, then with
 * those tables dropped (a file from before them: both sides group the lines
 * live). Prints its figures, including the aggregates' load-time cost. */
#include "core/base/fs.h"
#include "core/pharmacy/pharmacy.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "pharmacy_bench.h"

#include <string.h>
#include <unistd.h>

/* D01..D09 without the counted boxes (none in this run), per drug, as one
 * statement: what the engine computes with its queries; first over the
 * aggregates, then grouping the lines. The two forms differ in how they get
 * s (settled quantity, lines over the price cap, quantity under a foreign
 * prefix, per drug) and dup (codes settled more than a pack holds); the
 * rules over them are these, in both: */
#define RULES_PER_DRUG                                                                         \
    " SELECT count(*),"                                                                        \
    "  sum(0 < opening_qty + purchased_qty - purchase_return_qty - sold_qty + sale_return_qty" \
    "   + adjust_qty),"                                                                        \
    "  sum(coalesce(s.settled, 0) > coalesce(d.insured_sold_qty, d.sold_qty)),"                \
    "  sum(d.sold_qty > d.opening_qty + d.purchased_qty),"                                     \
    "  sum(coalesce(s.settled, 0) > d.opening_qty + d.purchased_qty),"                         \
    "  sum(coalesce(s.cap_lines, 0) > 0),"                                                     \
    "  (SELECT count(DISTINCT drug_code) FROM dup), sum(coalesce(s.mism, 0) > 0)"              \
    " FROM drug d LEFT JOIN s USING (drug_code) WHERE d.site_code = '" BENCH_SITE "';\n"

static const char one_query_agg[] =
    "WITH s AS (SELECT drug_code, qty AS settled, cap_lines, mismatch_qty AS mism"
    "  FROM settlement_drug_total WHERE site_code = '" BENCH_SITE "'),"
    " dup AS (SELECT drug_code FROM settlement_code_excess WHERE site_code = '" BENCH_SITE
    "')" RULES_PER_DRUG;

static const char one_query_live[] =
    "WITH s AS (SELECT s.drug_code, sum(s.qty) AS settled,"
    "  sum(s.unit_price > d.price_cap) AS cap_lines,"
    "  sum(CASE WHEN length(s.trace_code) = 20 AND substr(s.trace_code, 1, 7) <> d.trace_prefix"
    "   THEN s.qty ELSE 0 END) AS mism"
    "  FROM settlement s JOIN drug d USING (site_code, drug_code)"
    "  WHERE s.site_code = '" BENCH_SITE "' GROUP BY s.drug_code),"
    " dup AS (SELECT min(s.drug_code) AS drug_code, count(*) AS codes"
    "  FROM settlement s JOIN drug d USING (site_code, drug_code)"
    "  WHERE s.site_code = '" BENCH_SITE "' GROUP BY s.trace_code"
    "  HAVING sum(s.qty) > max(d.pack_factor))" RULES_PER_DRUG;

static int count_finding(const struct pharmacy_finding *f, void *ctx)
{
    long *counts = ctx;

    counts[(f->rule[1] - '0') * 10 + (f->rule[2] - '0')]++;
    counts[0]++;
    return 0;
}

/* Runs sql through the sqlite3 shell on ref; returns the wall seconds. */
static double shell_query(const char *dir, const char *ref, const char *sql)
{
    char path[160], cmd[512];
    double t0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/query.sql", dir);
    f = fopen(path, "w");
    if (!f)
        exit(1);
    fputs(sql, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "sqlite3 '%s' < '%s'", ref, path);
    t0 = bench_now();
    if (system(cmd) != 0)
        fprintf(stderr, "sqlite3 shell failed (is it installed?)\n");
    return bench_now() - t0;
}

/* Runs pharmacy_reconcile runs times; returns the best wall seconds. */
static double engine_runs(struct store *s, const struct visit *v, int runs, const char *label)
{
    struct fc_error err = {0};
    long counts[100];
    double t0, t1, best = 1e9;
    clock_t c0;

    for (int run = 0; run < runs; run++) {
        memset(counts, 0, sizeof(counts));
        t0 = bench_now();
        c0 = clock();
        if (pharmacy_reconcile(s, v, count_finding, counts, &err) != 0) {
            fprintf(stderr, "reconcile: %s\n", err.msg);
            exit(1);
        }
        t1 = bench_now() - t0;
        best = t1 < best ? t1 : best;
        printf("pharmacy_reconcile (%s) run %d: %.3f s wall, %.3f s CPU, %ld findings\n", label,
               run + 1, t1, (double)(clock() - c0) / CLOCKS_PER_SEC, counts[0]);
    }
    printf("  per rule: D01 %ld  D02 %ld  D03 %ld  D04 %ld  D05 %ld  D06 %ld  D07 %ld  D08 %ld"
           "  D09 %ld\n",
           counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8],
           counts[9]);
    return best;
}

int main(int argc, char **argv)
{
    int n_drugs = argc > 1 ? atoi(argv[1]) : 10000, n_lines = argc > 2 ? atoi(argv[2]) : 1000000;
    char dir[] = "/tmp/fc-bench-rec-XXXXXX", ref[128], db[128];
    struct store *s = NULL;
    struct visit v;
    struct fc_error err = {0};
    double t0, agg, best, shell;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!mkdtemp(dir))
        return 1;
    snprintf(ref, sizeof(ref), "%s/ref.db", dir);
    snprintf(db, sizeof(db), "%s/fc.db", dir);
    t0 = bench_now();
    agg = bench_build_ref(ref, n_drugs, n_lines);
    printf("built reference: %d drugs, %d settlement lines in %.2f s"
           " (settlement aggregates %.2f s of it)\n",
           n_drugs, n_lines, bench_now() - t0, agg);
    if (bench_open_visit(db, ref, &s, &v, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    best = engine_runs(s, &v, 3, "aggregates");
    shell = shell_query(dir, ref, one_query_agg);
    printf("  (drugs|D01 basis|D03|D04|D05|D06|D07|D08 from the one-query form above)\n");
    printf("sqlite3 shell, one query over the aggregates: %.3f s\n", shell);
    printf("best pharmacy_reconcile over the aggregates: %.3f s (target < 2 s)\n", best);

    /* a file loaded before the aggregates existed */
    if (store_exec(s, "DETACH DATABASE ref", &err) != 0)
        return 1;
    {
        sqlite3 *rdb = NULL;

        if (sqlite3_open(ref, &rdb) != SQLITE_OK)
            return 1;
        bench_exec(rdb, "DROP TABLE settlement_drug_total; DROP TABLE settlement_code_excess;"
                        " DROP TABLE settlement_flag;");
        sqlite3_close(rdb);
    }
    if (fx_attach_ref(s, ref) != 0)
        return 1;
    best = engine_runs(s, &v, 1, "live grouping");
    shell = shell_query(dir, ref, one_query_live);
    printf("sqlite3 shell, one query grouping the lines: %.3f s\n", shell);
    printf("pharmacy_reconcile grouping the lines (older files): %.3f s\n", best);
    visit_release(&v);
    store_close(s);
    fs_remove_tree(dir);
    return access(dir, F_OK) == 0;
}
