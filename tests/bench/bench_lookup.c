/* Benchmark of scan classification against a loaded reference database:
 * attaches the file as "ref" the way a visit does, then times scan_classify
 * (core/scan.c: action words, the code lookup, the site's patterns, the
 * code's shape) for codes of every roster kind taken from random patients,
 * plus codes that are not there, each with the classifier of the patient's
 * site. Prints p50/p99/max in microseconds for two passes over the same
 * codes, in wall time and in the thread's CPU time (which leaves out the
 * time the process waits for a core on a busy machine). Usage: bench_lookup
 * REFDB [lookups] */
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/store/hash.h"
#include "core/mission/mission.h"
#include "core/ident/scan.h"
#include "core/store/store.h"
#include "tests/bench/bench.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SITES_MAX 4096

struct probe {
    char code[64];
    int site; /* index into the site table */
};

struct site {
    char code[16];
    struct scan_classifier *cls;
};

static double clock_us(clockid_t id)
{
    struct timespec t;

    clock_gettime(id, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int site_index(struct site *sites, int *nsites, const char *code)
{
    for (int i = 0; i < *nsites; i++)
        if (!strcmp(sites[i].code, code))
            return i;
    if (*nsites == SITES_MAX)
        return -1;
    snprintf(sites[*nsites].code, sizeof(sites[0].code), "%s", code);
    return (*nsites)++;
}

/* n probes: rows picked by random rowid, the code of kind k = i % 4 (id,
 * admission, wristband or else bed label, bed label), and every tenth a code
 * that is not in the index */
static int make_probes(sqlite3 *db, struct probe *p, int n, struct site *sites, int *nsites)
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

        sqlite3_bind_int64(st, 1, 1 + (sqlite3_int64)(rand() % max));
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            continue;
        }
        if (k == 2 && sqlite3_column_type(st, 2) == SQLITE_NULL)
            k = 3;
        snprintf(p[got].code, sizeof(p[got].code), "%s%s", got % 10 == 9 ? "NO-" : "",
                 (const char *)sqlite3_column_text(st, k));
        p[got].site = site_index(sites, nsites, (const char *)sqlite3_column_text(st, 4));
        sqlite3_reset(st);
        if (p[got].site < 0)
            break;
        got++;
    }
    sqlite3_finalize(st);
    return got == n ? 0 : -1;
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/fc-bench-lookup-XXXXXX", path[64];
    struct store *s = NULL;
    struct fc_error err;
    struct probe *p = NULL;
    struct site *sites = NULL;
    double *t = NULL, *c = NULL;
    int n = argc > 2 ? atoi(argv[2]) : 20000, nsites = 0, rc = 1;
    int64_t today = clock_now_ms();

    if (argc < 2 || n <= 0) {
        fprintf(stderr, "usage: bench_lookup REFDB [lookups]\n");
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("bench_lookup: mkdtemp");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/device.db", dir);
    p = xcalloc((size_t)n, sizeof(*p));
    t = xcalloc((size_t)n, sizeof(*t));
    c = xcalloc((size_t)n, sizeof(*c));
    sites = xcalloc(SITES_MAX, sizeof(*sites));
    if (hash_global_init() || store_open(&s, path, &err) || mission_attach_file(s, argv[1], &err)) {
        fprintf(stderr, "bench_lookup: %s\n", err.msg);
        goto out;
    }
    if (make_probes(store_db(s), p, n, sites, &nsites)) {
        fprintf(stderr, "bench_lookup: cannot pick codes: %s\n", sqlite3_errmsg(store_db(s)));
        goto out;
    }
    for (int i = 0; i < nsites; i++)
        if (scan_classifier_new(s, sites[i].code, &sites[i].cls, &err)) {
            fprintf(stderr, "bench_lookup: %s\n", err.msg);
            goto out;
        }
    /* the first pass finds the pages in neither SQLite's cache nor, after a
     * load, always the kernel's; the second is a visit that scans the same
     * ward again */
    for (int pass = 1; pass <= 2; pass++) {
        double c0 = clock_us(CLOCK_PROCESS_CPUTIME_ID), cpu;
        int found = 0;

        for (int i = 0; i < n; i++) {
            struct scan_class out;
            double u0 = clock_us(CLOCK_THREAD_CPUTIME_ID), t0 = clock_us(CLOCK_MONOTONIC);

            if (scan_classify(sites[p[i].site].cls, p[i].code, strlen(p[i].code), today, &out,
                              &err)) {
                fprintf(stderr, "bench_lookup: %s\n", err.msg);
                goto out;
            }
            t[i] = clock_us(CLOCK_MONOTONIC) - t0;
            c[i] = clock_us(CLOCK_THREAD_CPUTIME_ID) - u0;
            found += out.source == SCAN_FROM_INDEX;
        }
        cpu = (clock_us(CLOCK_PROCESS_CPUTIME_ID) - c0) / n;
        qsort(t, (size_t)n, sizeof(*t), bench_cmp_double);
        qsort(c, (size_t)n, sizeof(*c), bench_cmp_double);
        printf("scan classify+resolve, pass %d: %d (%d found), p50 %.1f us, p99 %.1f us,"
               " max %.1f us; CPU time p50 %.1f us, p99 %.1f us, mean %.1f us\n",
               pass, n, found, t[n / 2], t[(int)((double)n * 0.99)], t[n - 1], c[n / 2],
               c[(int)((double)n * 0.99)], cpu);
    }
    rc = 0;
out:
    for (int i = 0; i < nsites; i++)
        scan_classifier_free(sites[i].cls);
    store_close(s);
    unlink(path);
    snprintf(path, sizeof(path), "%s/device.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/device.db-shm", dir);
    unlink(path);
    rmdir(dir);
    free(p);
    free(t);
    free(c);
    free(sites);
    return rc;
}
