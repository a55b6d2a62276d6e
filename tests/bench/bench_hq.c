/* Benchmark of HQ's import on both stores, in one run so the figures
 * compare (docs/performance.md, "HQ at provincial scale"):
 *   1. one importer: B bundles of E events (default 1,000 x 500, from 100
 *      devices: night visits of 1,000 events, 300 beds, each closed with its
 *      findings)
 *      into a fresh hq.db, then into a fresh PostgreSQL database;
 *   2. two importers at once, each with half the bundles (two workstations
 *      sharing the sticks), and two importers each with all of them in
 *      different orders (every stick imported twice), on each store.
 * Prints figures only. The PostgreSQL part needs a URL naming an empty
 * database: tests/bench/bench-hq.sh starts a durable throw-away server.
 * Usage: bench_hq [POSTGRES_URL|-] [bundles] [events_per_bundle] */
#include "core/base/fs.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/hq/hqstore.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "sync/bundle.h"
#include "sync/hq.h"
#include "sync/keys.h"
#include "bench.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEVICES 100
#define VISIT_EVENTS 1000

static const char zero[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void die(const char *what, const struct fc_error *err)
{
    fprintf(stderr, "bench_hq: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

static char root[] = "/tmp/fc-bench-hq-XXXXXX";
static struct hq hq; /* keys; its db is swapped per run */
static struct keys_device devs[DEVICES];
static struct hq_device rows[DEVICES];
static unsigned char certs[DEVICES][KEYS_CERT_LEN];
static struct buf *bundles;
static long nbundles, per_bundle;

/* The payload of event k (1-based within its visit) of a night visit. */
static void payload_of(char *out, size_t n, long dev, long visit, long k, const char **kind,
                       char *subject, size_t sn)
{
    char vid[40];

    snprintf(vid, sizeof(vid), "%08lx-0000-4000-8000-%012ld", dev, visit);
    if (k == 1) {
        *kind = "visit_open";
        snprintf(subject, sn, "H3101%07ld", dev % 40);
        snprintf(out, n,
                 "{\"inspectors\":[\"张三\",\"李四\"],\"kind\":\"night\",\"mission_id\":\"M1\","
                 "\"mission_version\":1,\"signed_by\":\"unsigned\",\"site_code\":\"H3101%07ld\","
                 "\"site_name\":\"医院%ld\",\"visit\":\"%s\"}",
                 dev % 40, dev % 40, vid);
    } else if (k == VISIT_EVENTS) {
        /* what a device writes when it closes a visit: 300 beds and their
         * patients, a few anomalies, the rest of the wards summed */
        struct buf f = BUF_INIT;
        *kind = "visit_close";
        snprintf(subject, sn, "H3101%07ld", dev % 40);
        buf_adds(&f, "{\"findings\":[");
        for (int b = 1; b <= 300; b++) {
            const char *code = b % 13 == 0 ? "ABSENT" : b % 17 == 0 ? "MOVED_IN" : "OK";
            buf_addf(&f,
                     "%s{\"code\":\"%s\",\"count\":1,\"group\":\"beds\",\"scope\":2,"
                     "\"subject\":\"W%02ld:%d\"}",
                     b > 1 ? "," : "", code, visit % 9, b);
            buf_addf(&f,
                     ",{\"code\":\"%s\",\"count\":1,\"group\":\"patients\",\"scope\":4,"
                     "\"subject\":\"ZY%06ld%02d\"}",
                     b % 13 == 0 ? "NOT_FOUND" : "PRESENT", visit, b);
        }
        buf_adds(&f, ",{\"code\":\"NOT_SCANNED\",\"count\":180,\"group\":\"beds\",\"scope\":2,"
                     "\"summed\":true}],\"summed\":false}");
        snprintf(out, n, "%s", f.ptr);
        buf_release(&f);
    } else {
        static const char *const verdicts[] = {"BED_LISTED", "MATCH", "MATCH",   "WRONG_BED",
                                               "BED_LISTED", "MATCH", "RECORDED"};
        *kind = "scan";
        snprintf(subject, sn, "%ld", k / 2);
        snprintf(out, n,
                 "{\"arrival\":\"burst\",\"at_bed\":\"%ld\",\"at_ward\":\"W%02ld\",\"code\":"
                 "\"W%02ld-%ld\",\"detail\":\"ZY%06ld%02ld\",\"kind\":\"bed_label\",\"source\":"
                 "\"code_index\",\"verdict\":\"%s\"}",
                 k / 2, visit % 9, visit % 9, k / 2, visit, k / 2, verdicts[k % 7]);
    }
}

/* B bundles round-robin over the devices, each device's chain continuing. */
static void build_all(void)
{
    struct event *ev = calloc((size_t)per_bundle, sizeof(*ev));
    char(*payloads)[65536] = calloc((size_t)per_bundle, sizeof(*payloads));
    char(*subjects)[32] = calloc((size_t)per_bundle, sizeof(*subjects));
    char(*visits)[40] = calloc((size_t)per_bundle, sizeof(*visits));
    int64_t next[DEVICES];
    char head[DEVICES][HASH_HEX_LEN + 1];
    struct fc_error err;

    bundles = calloc((size_t)nbundles, sizeof(*bundles));
    for (int d = 0; d < DEVICES; d++) {
        next[d] = 1;
        memcpy(head[d], zero, sizeof(zero));
    }
    for (long b = 0; b < nbundles; b++) {
        int d = (int)(b % DEVICES);
        struct bundle_build_args a;

        for (long i = 0; i < per_bundle; i++) {
            struct event *e = &ev[i];
            int64_t seq = next[d] + i;
            long visit = (long)((seq - 1) / VISIT_EVENTS), k = (long)((seq - 1) % VISIT_EVENTS) + 1;
            const char *kind;

            memset(e, 0, sizeof(*e));
            e->seq = seq;
            snprintf(e->id, sizeof(e->id), "%08x-0000-4000-8000-%012lld", d, (long long)seq);
            snprintf(e->device, sizeof(e->device), "%s", devs[d].device_id);
            e->at_ms = 1772366400000LL + seq * 20000;
            clock_format_utc(e->at_ms, e->at);
            payload_of(payloads[i], sizeof(payloads[i]), d, visit, k, &kind, subjects[i],
                       sizeof(subjects[i]));
            snprintf(visits[i], sizeof(visits[i]), "%08x-0000-4000-8000-%012ld", d, visit);
            e->visit = visits[i];
            e->kind = kind;
            e->subject = subjects[i];
            e->payload = payloads[i];
            memcpy(e->prev_hash, i ? ev[i - 1].hash : head[d], sizeof(e->prev_hash));
            event_compute_hash(e);
        }
        memset(&a, 0, sizeof(a));
        a.device = &devs[d];
        a.hq_box_pk = hq.keys.box_pk;
        a.bundle_seq = (uint64_t)(next[d] / per_bundle) + 1;
        a.prev_bundle = zero;
        a.first_seq = next[d];
        a.prev_head = head[d];
        a.created_ms = 1772366400000LL;
        buf_init(&bundles[b]);
        if (bundle_build(&a, ev, (size_t)per_bundle, &bundles[b], &err))
            die("build", &err);
        next[d] += per_bundle;
        memcpy(head[d], ev[per_bundle - 1].hash, sizeof(head[d]));
    }
    free(ev);
    free(payloads);
    free(subjects);
    free(visits);
}

static void enroll_all(struct hqdb *db)
{
    struct fc_error err;

    for (int d = 0; d < DEVICES; d++)
        if (hqstore_device_add(db, &rows[d], certs[d], sizeof(certs[d]), NULL, &err))
            die("enroll", &err);
}

/* Imports bundles i = from, from + step, ... (in reverse when rev). */
static void import_range(const char *target, long from, long step, int rev)
{
    struct hqdb *db = NULL;
    struct fc_error err;

    if (hqstore_open(&db, target, &err))
        die("open", &err);
    hq.db = db;
    for (long k = 0; k < nbundles; k++) {
        long i = rev ? nbundles - 1 - k : k;
        struct hq_import_result r;

        if ((i - from) % step || i < from)
            continue;
        if (hq_import_data(&hq, "bench", bundles[i].ptr, bundles[i].len, &r, &err))
            die("import", &err);
    }
    hqdb_close(db);
    hq.db = NULL;
}

/* A fresh store: a new SQLite file, or a new schema of the PostgreSQL
 * database (the URL with search_path set), with the devices enrolled. */
static int fresh_no;
static PGconn *admin;

static void fresh(const char *pg, struct buf *target)
{
    struct hqdb *db = NULL;
    struct fc_error err;

    buf_reset(target);
    if (pg) {
        char sql[96];
        PGresult *r;
        snprintf(sql, sizeof(sql), "CREATE SCHEMA b%d", fresh_no);
        r = PQexec(admin, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die(sql, NULL);
        PQclear(r);
        buf_addf(target, "%s%soptions=-csearch_path%%3Db%d", pg, strchr(pg, '?') ? "&" : "?",
                 fresh_no);
    } else {
        buf_addf(target, "%s/hq-%d.db", root, fresh_no);
    }
    fresh_no++;
    if (hqstore_open(&db, target->ptr, &err))
        die("open", &err);
    enroll_all(db);
    hqdb_close(db);
}

static int64_t events_in(const char *target)
{
    struct hqdb *db = NULL;
    struct fc_error err;
    int64_t n = 0;

    if (hqstore_open(&db, target, &err) ||
        hqdb_query_int(db, "SELECT count(*) FROM event", NULL, 0, &n, &err))
        die("count", &err);
    hqdb_close(db);
    return n;
}

static struct bench_time one(const char *target)
{
    struct bench_time r;

    bench_start(&r, RUSAGE_SELF);
    import_range(target, 0, 1, 0);
    bench_stop(&r);
    return r;
}

/* Two processes: half each (split), or all each in opposite orders. */
static struct bench_time two(const char *target, int split)
{
    struct bench_time r;
    pid_t pid[2];

    bench_start(&r, RUSAGE_CHILDREN);
    for (int p = 0; p < 2; p++) {
        pid[p] = fork();
        if (pid[p] == 0) {
            if (split)
                import_range(target, p, 2, 0);
            else
                import_range(target, 0, 1, p);
            _exit(0);
        }
    }
    for (int p = 0; p < 2; p++) {
        int st = 0;
        if (waitpid(pid[p], &st, 0) != pid[p] || !WIFEXITED(st) || WEXITSTATUS(st))
            die("a concurrent importer failed", NULL);
    }
    bench_stop(&r);
    return r;
}

static void report(const char *what, struct bench_time r, long events)
{
    printf("%-44s %8.2f s  %10.0f ev/min  cpu %7.2f s\n", what, r.wall, events / r.wall * 60.0,
           r.cpu);
}

/* One measured import into a fresh store (PostgreSQL at pg, or an hq.db
 * file when pg is NULL) by one importer, or by two (split: half each,
 * otherwise all each); checks that every event arrived and reports. */
static struct bench_time measure(const char *pg, struct buf *t, int importers, int split,
                                 const char *what, long events)
{
    struct bench_time r;

    fresh(pg, t);
    r = importers == 1 ? one(t->ptr) : two(t->ptr, split);
    if (events_in(t->ptr) != events)
        die(pg ? "postgresql: events lost" : "sqlite: events lost", NULL);
    report(what, r, events);
    return r;
}

int main(int argc, char **argv)
{
    const char *pg = argc > 1 && strcmp(argv[1], "-") ? argv[1] : NULL;
    struct buf dir = BUF_INIT, t = BUF_INIT;
    struct fc_error err;
    struct bench_time lite1, pg1 = {0}, pg2 = {0}, pg2all = {0};
    char fp[20];
    long events;

    nbundles = argc > 2 ? atol(argv[2]) : 1000;
    per_bundle = argc > 3 ? atol(argv[3]) : 500;
    if (!mkdtemp(root) || nbundles < 2 || per_bundle < 2) {
        fprintf(stderr, "usage: bench_hq [POSTGRES_URL|-] [bundles] [events_per_bundle]\n");
        return 2;
    }
    events = nbundles * per_bundle;
    setenv("FIELDCHECK_NOW", "2026-03-01T20:00:00+08:00", 1);
    buf_addf(&dir, "%s/hq", root);
    if (hq_init(dir.ptr, NULL, fp, &err) || hq_open(&hq, dir.ptr, NULL, &err))
        die("hq", &err);
    hqdb_close(hq.db);
    hq.db = NULL;
    for (int d = 0; d < DEVICES; d++) {
        struct store *s = NULL;
        struct buf path = BUF_INIT, code = BUF_INIT;
        struct keys_enrollment e;

        buf_addf(&path, "%s/dev%d/fieldcheck.db", root, d);
        if (store_open(&s, path.ptr, &err) || keys_device_init(s, &devs[d], NULL, &err))
            die("device", &err);
        keys_enrollment_code(&devs[d], &code);
        if (keys_enrollment_parse(code.ptr, &e, &err))
            die("enrollment", &err);
        keys_cert_make(&hq.keys, &e, 1772366400000LL, certs[d]);
        snprintf(rows[d].id, sizeof(rows[d].id), "%s", e.device_id);
        memcpy(rows[d].sign_pk, e.sign_pk, 32);
        memcpy(rows[d].box_pk, e.box_pk, 32);
        snprintf(rows[d].fingerprint, sizeof(rows[d].fingerprint), "B%d", d);
        store_close(s);
        buf_release(&path);
        buf_release(&code);
    }
    {
        double b = bench_now();
        build_all();
        printf("bundles                                      %ld x %ld events from %d devices "
               "(built in %.1f s)\n",
               nbundles, per_bundle, DEVICES, bench_now() - b);
    }
    bench_print_loadavg("load average before");
    if (pg) {
        admin = PQconnectdb(pg);
        if (PQstatus(admin) != CONNECTION_OK)
            die("cannot connect to PostgreSQL", NULL);
        PQclear(PQexec(admin, "SET client_min_messages = warning"));
    }

    lite1 = measure(NULL, &t, 1, 0, "hq.db, one importer", events);
    if (pg) {
        pg1 = measure(pg, &t, 1, 0, "PostgreSQL, one importer", events);
        printf("  PostgreSQL / hq.db time                    %.2f (target <= 2)\n",
               pg1.wall / lite1.wall);
        printf("  PostgreSQL events per minute               %.0f (target >= 1,000,000)\n",
               events / pg1.wall * 60.0);
    }
    measure(NULL, &t, 2, 1, "hq.db, two importers, half each", events);
    measure(NULL, &t, 2, 0, "hq.db, two importers, all each", events);
    if (pg) {
        pg2 = measure(pg, &t, 2, 1, "PostgreSQL, two importers, half each", events);
        printf("  two / one importer                         %.2f (target < 1.2)\n",
               pg2.wall / pg1.wall);
        pg2all = measure(pg, &t, 2, 0, "PostgreSQL, two importers, all each", events);
        printf("  two (all each) / one importer              %.2f (target < 1.2)\n",
               pg2all.wall / pg1.wall);
    }
    bench_print_loadavg("load average after");
    if (admin)
        PQfinish(admin);
    hq_close(&hq);
    for (long b = 0; b < nbundles; b++)
        buf_release(&bundles[b]);
    free(bundles);
    buf_release(&dir);
    buf_release(&t);
    fs_remove_tree(root);
    return 0;
}
