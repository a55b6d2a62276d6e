/* Benchmark of scan lookups against a loaded reference database: attaches
 * the file as "ref" the way a visit does, then times the scan classifier's
 * code_index query (core/scan.c) for codes of every roster kind taken from
 * random patients, plus codes that are not there. Prints p50/p99/max in
 * microseconds for two passes over the same codes. Usage: bench_lookup REFDB
 * [lookups] */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOOKUP_SQL                                                            \
    "SELECT kind, ref FROM ref.code_index WHERE code = ?1 AND site_code = ?2" \
    " AND kind IN ('bed_label', 'wristband', 'admission', 'id_number')"       \
    " ORDER BY CASE kind WHEN 'bed_label' THEN 0 WHEN 'wristband' THEN 1"     \
    " WHEN 'admission' THEN 2 ELSE 3 END LIMIT 1"

struct probe {
    char code[64];
    char site[16];
};

static double now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* CPU time of the process: on a shared machine the wall-clock percentiles
 * include waiting for a core; the mean CPU per lookup does not */
static double cpu_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* n probes: rows picked by random rowid, the code of kind k = i % 4 (3 and no
 * wristband, or i % 10 == 9: a code that is not in the index) */
static int make_probes(sqlite3 *db, struct probe *p, int n)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 max = 0;
    int got = 0;

    if (sqlite3_prepare_v2(db, "SELECT max(rowid) FROM ref.inpatient", -1, &st, NULL) ||
        sqlite3_step(st) != SQLITE_ROW)
        return -1;
    max = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (max <= 0 || sqlite3_prepare_v2(
                        db,
                        "SELECT id_number, admission_no, wristband_code, ward_code || '-' || bed,"
                        " site_code FROM ref.inpatient WHERE rowid >= ?1 LIMIT 1",
                        -1, &st, NULL))
        return -1;
    srand(42);
    while (got < n) {
        int k = got % 4;
        const char *code;

        sqlite3_bind_int64(st, 1, 1 + (sqlite3_int64)(rand() % max));
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            continue;
        }
        if (k == 2 && sqlite3_column_type(st, 2) == SQLITE_NULL)
            k = 3;
        code = (const char *)sqlite3_column_text(st, k);
        snprintf(p[got].code, sizeof(p[got].code), "%s%s", got % 10 == 9 ? "NO-" : "", code);
        snprintf(p[got].site, sizeof(p[got].site), "%s", sqlite3_column_text(st, 4));
        sqlite3_reset(st);
        got++;
    }
    sqlite3_finalize(st);
    return 0;
}

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL, *att = NULL;
    struct probe *p = NULL;
    double *t = NULL;
    int n = argc > 2 ? atoi(argv[2]) : 20000, hits = 0, rc = 1;

    if (argc < 2 || n <= 0) {
        fprintf(stderr, "usage: bench_lookup REFDB [lookups]\n");
        return 2;
    }
    p = calloc((size_t)n, sizeof(*p));
    t = calloc((size_t)n, sizeof(*t));
    if (!p || !t || sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "ATTACH ?1 AS ref", -1, &att, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(att, 1, argv[1], -1, SQLITE_STATIC);
    if (sqlite3_step(att) != SQLITE_DONE || make_probes(db, p, n) ||
        sqlite3_prepare_v2(db, LOOKUP_SQL, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_lookup: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    /* the first pass finds the pages in neither SQLite's cache nor, after a
     * load, always the kernel's; the second is a visit that scans the same
     * ward again */
    for (int pass = 1; pass <= 2; pass++) {
        double c0 = cpu_us(), cpu;
        hits = 0;
        for (int i = 0; i < n; i++) {
            double t0 = now_us();
            sqlite3_bind_text(q, 1, p[i].code, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, p[i].site, -1, SQLITE_STATIC);
            hits += sqlite3_step(q) == SQLITE_ROW;
            sqlite3_reset(q);
            t[i] = now_us() - t0;
        }
        cpu = (cpu_us() - c0) / n;
        qsort(t, (size_t)n, sizeof(*t), cmp_double);
        printf("scan lookups, pass %d: %d (%d found), p50 %.1f us, p99 %.1f us, max %.1f us,"
               " mean CPU %.1f us\n",
               pass, n, hits, t[n / 2], t[(int)((double)n * 0.99)], t[n - 1], cpu);
    }
    rc = 0;
out:
    sqlite3_finalize(att);
    sqlite3_finalize(q);
    sqlite3_close(db);
    free(p);
    free(t);
    return rc;
}
