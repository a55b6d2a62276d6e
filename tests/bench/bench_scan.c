/* Night check latency with a province-size roster (1,000,000 inpatients over
 * 400 sites, built directly into a reference database): classify + resolve +
 * decide (night_preview), scan-to-verdict including the durable commit
 * (night_scan), and this machine's fsync floor (write + fsync of a small
 * file), all in one run. Prints figures; asserts nothing.
 * Usage: bench_scan [DIR] [ROWS]  (DIR defaults to a new directory in /tmp). */
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/ident/ident.h"
#include "core/night/night.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "tests/unit/core/visit_fixture.h"
#include "tests/bench/bench.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SITES 400
#define ITER 5000

static double clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

/* CPU time of this process: what the work itself costs, whatever else the
 * machine is running (a waiting fsync or a descheduled thread costs none). */
static double cpu_us(void)
{
    return clock_us(CLOCK_PROCESS_CPUTIME_ID);
}

static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
    printf("%-40s n=%-6d p50 %9.1f us   p99 %9.1f us   max %9.1f us\n", what, n, v[n / 2],
           v[(int)(n * 0.99)], v[n - 1]);
}

static void id_of(long i, char out[19])
{
    /* a valid birth date from the row number, so every ID passes its checks */
    snprintf(out, 19, "110105%04ld%02ld%02ld%03ld", 1940 + (i / 1000000) % 60, 1 + (i / 28000) % 12,
             1 + (i / 1000) % 28, i % 1000);
    out[17] = ident_resident_id_check_char(out);
    out[18] = '\0';
}

static void build_ref(const char *path, long rows)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ip = NULL;

    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL, NULL);
    sqlite3_exec(db, refdb_schema_sql, NULL, NULL, NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO inpatient (site_code, ward_code, bed, admission_no, name,"
                       " id_number) VALUES (?1, ?2, ?3, ?4, 'name', ?5)",
                       -1, &ip, NULL);
    for (long i = 0; i < rows; i++) {
        char site[16], ward[8], bed[8], adm[16], id[19];
        long per = rows / SITES;
        snprintf(site, sizeof(site), "H11010%06ld", i / per);
        snprintf(ward, sizeof(ward), "W%02ld", (i % per) / 50);
        snprintf(bed, sizeof(bed), "%ld", (i % 50) + 1);
        snprintf(adm, sizeof(adm), "Z%09ld", i);
        id_of(i, id);
        sqlite3_bind_text(ip, 1, site, -1, SQLITE_STATIC);
        sqlite3_bind_text(ip, 2, ward, -1, SQLITE_STATIC);
        sqlite3_bind_text(ip, 3, bed, -1, SQLITE_STATIC);
        sqlite3_bind_text(ip, 4, adm, -1, SQLITE_STATIC);
        sqlite3_bind_text(ip, 5, id, -1, SQLITE_STATIC);
        sqlite3_step(ip);
        sqlite3_reset(ip);
    }
    sqlite3_finalize(ip);
    sqlite3_exec(db,
                 "INSERT INTO ward SELECT DISTINCT site_code, ward_code, ward_code, 50,"
                 " NULL, NULL FROM inpatient",
                 NULL, NULL, NULL);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_exec(db, refdb_index_sql, NULL, NULL, NULL);
    sqlite3_exec(db, refdb_code_index_sql, NULL, NULL, NULL);
    sqlite3_close(db);
}

/* Rows of an earlier run's reference database in DIR (-1 if there is none),
 * so that repeated runs need not rebuild a million rows. */
static long ref_rows(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long n = -1;

    if (access(path, R_OK) != 0)
        return -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM inpatient", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

int main(int argc, char **argv)
{
    char dir[256], db[300], ref[300];
    long rows = argc > 2 ? atol(argv[2]) : 1000000;
    struct store *s = NULL;
    struct visit_open_args a;
    struct visit v;
    struct night *n = NULL;
    struct night_result r;
    double *lat = xcalloc(ITER, sizeof(double)), *cpu = xcalloc(ITER, sizeof(double));
    double t0, c0;
    const char *codes[4];
    char idbuf[19], adm[16], label[16];
    long per;

    setvbuf(stdout, NULL, _IOLBF, 0);

    if (argc > 1) {
        snprintf(dir, sizeof(dir), "%s", argv[1]);
    } else {
        snprintf(dir, sizeof(dir), "/tmp/fc-bench-XXXXXX");
        if (!mkdtemp(dir))
            fc_die("cannot create a directory in /tmp");
    }
    snprintf(db, sizeof(db), "%s/fc.db", dir);
    snprintf(ref, sizeof(ref), "%s/ref.db", dir);
    unlink(db);
    /* the store first: it configures SQLite before its first use */
    if (store_open(&s, db, NULL))
        fc_die("cannot open '%s'", db);
    if (ref_rows(ref) != rows) {
        unlink(ref);
        t0 = now_us();
        build_ref(ref, rows);
        printf("reference database: %ld inpatients, built in %.1f s (%s)\n", rows,
               (now_us() - t0) / 1e6, dir);
    } else {
        printf("reference database: %ld inpatients, reused (%s)\n", rows, dir);
    }
    {
        double load[3] = {0, 0, 0};
        if (getloadavg(load, 3) == 3)
            printf("load average: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    }

    if (fx_attach_ref(s, ref) != 0)
        fc_die("cannot attach '%s'", ref);
    /* as mission_attach does */
    sqlite3_exec(store_db(s), "PRAGMA ref.mmap_size = 4294967296", NULL, NULL, NULL);
    a = fx_visit_args("BENCH", "night", "H11010000007", "one", "two", clock_now_ms());
    if (visit_open(s, &a, &v, NULL) || night_open(s, v.id, &n, NULL))
        fc_die("cannot open the visit");

    per = rows / SITES;
    for (int i = 0; i < ITER; i++) {
        long p = 7 * per + (i * 37) % per;
        id_of(p, idbuf);
        snprintf(adm, sizeof(adm), "Z%09ld", p);
        snprintf(label, sizeof(label), "W%02ld-%ld", (p % per) / 50, (p % 50) + 1);
        codes[0] = label, codes[1] = adm, codes[2] = idbuf, codes[3] = "EMPTY_BED";
        t0 = now_us();
        c0 = cpu_us();
        if (night_preview(n, codes[i % 3], strlen(codes[i % 3]), a.at_ms + i * 2000, &r, NULL))
            fc_die("preview failed");
        cpu[i] = cpu_us() - c0;
        lat[i] = now_us() - t0;
    }
    report("classify+resolve (preview)", lat, ITER);
    report("classify+resolve, CPU time", cpu, ITER);

    for (int i = 0; i < ITER / 5; i++) {
        long p = 7 * per + (i * 37) % per;
        id_of(p, idbuf);
        snprintf(adm, sizeof(adm), "Z%09ld", p);
        snprintf(label, sizeof(label), "W%02ld-%ld", (p % per) / 50, (p % 50) + 1);
        codes[0] = label, codes[1] = adm, codes[2] = idbuf;
        t0 = now_us();
        c0 = cpu_us();
        if (night_scan(n, codes[i % 3], strlen(codes[i % 3]), NULL, a.at_ms + i * 2000, &r, NULL))
            fc_die("scan failed");
        cpu[i] = cpu_us() - c0;
        lat[i] = now_us() - t0;
    }
    report("scan-to-verdict (durable commit)", lat, ITER / 5);
    report("scan-to-verdict, CPU time", cpu, ITER / 5);

    bench_fsync_floor(dir, lat, ITER / 5);
    for (int i = 0; i < ITER / 5; i++)
        lat[i] *= 1e6;
    report("fsync floor (256 B write+fsync)", lat, ITER / 5);

    night_free(n);
    visit_release(&v);
    store_close(s);
    free(lat);
    free(cpu);
    return 0;
}
