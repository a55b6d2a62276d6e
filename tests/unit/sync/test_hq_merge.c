/* HQ merge semantics on either store: three devices with overlapping
 * re-exports, two equivocating forks (one of them forks a visit_open), a gap
 * and an unknown device, imported in 1,000 random orders with duplicates
 * into fresh stores: one digest and one byte-identical report. Then
 * receipts, revocation, concurrent importers (two processes on one store)
 * and a migration SQLite -> the store under test.
 *
 * Usage: test_hq_merge [sqlite|postgresql]. The PostgreSQL run needs
 * FC_TEST_PG_URL naming an empty database (tests/pg/with-pg.sh); without it
 * the test is skipped (exit 77). Each order then gets a schema of its own.
 * FC_HQ_ORDERS overrides the number of orders. */
#include "core/base/fs.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/hq/hqstore.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "sync/bundle.h"
#include "sync/hq.h"
#include "sync/keys.h"

#include <libpq-fe.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hq_fixture.h"

static const char zero[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* The scratch stores live in memory (/dev/shm) when the system has it: this
 * test is about merge order, not durability (tests/cli/t0290-kill9 and the
 * fault-injection tests are), and 1,000 fresh SQLite stores with every
 * import fsynced took minutes of disk waits. */
static char tmpl_shm[] = "/dev/shm/fc-hqmerge-XXXXXX";
static char tmpl[] = "/tmp/fc-hqmerge-XXXXXX";
static int use_pg;
static const char *pg_url;
static PGconn *admin;
/* root and hq are hq_fixture.h's; hq's db is swapped per store */

struct dev {
    struct keys_device k;
    struct hq_device row;
    unsigned char cert[KEYS_CERT_LEN];
};

static struct dev devs[4]; /* A, B, C enrolled; D never */

#define MAXB 16
static struct buf bundles[MAXB];
static const char *bundle_name[MAXB];
static size_t nbundles;

/* ---- stores ------------------------------------------------------------------- */

static int schema_no;

#define PACK_A "aaaa000000000000000000000000000000000000000000000000000000000001"
#define PACK_X "ffff000000000000000000000000000000000000000000000000000000000009"

static void pg_admin(const char *sql)
{
    PGresult *r = PQexec(admin, sql);

    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(admin));
    PQclear(r);
}

/* A fresh, empty store: an SQLite file, or a PostgreSQL schema of its own. */
static struct hqdb *store_fresh(int pg, struct buf *target)
{
    struct hqdb *db = NULL;
    struct fc_error err;

    buf_reset(target);
    if (pg) {
        char sql[96];
        snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS o%d CASCADE; CREATE SCHEMA o%d",
                 schema_no, schema_no);
        pg_admin(sql);
        buf_addf(target, "%s%soptions=-csearch_path%%3Do%d", pg_url,
                 strchr(pg_url, '?') ? "&" : "?", schema_no);
        schema_no++;
    } else {
        buf_addf(target, "%s/s%d.db", root, schema_no++);
        unlink(target->ptr);
    }
    if (hqstore_open(&db, target->ptr, &err))
        fail_msg("open '%s': %s", target->ptr, err.msg);
    for (int i = 0; i < 3; i++)
        if (hqstore_device_add(db, &devs[i].row, devs[i].cert, sizeof(devs[i].cert), NULL, &err))
            fail_msg("enroll: %s", err.msg);
    /* the pack VA's device used; the others name none or one never issued */
    {
        const char *to[] = {devs[0].k.device_id, devs[1].k.device_id};
        if (hqstore_pack_issued(db, PACK_A, "M1", 2, "2026-03-01T00:00:00+08:00",
                                "2026-04-01T00:00:00+08:00", to, 2, &err))
            fail_msg("issued: %s", err.msg);
    }
    return db;
}

/* Closes and removes the store store_fresh made at target, and releases
 * target (which can be handed to store_fresh again). */
static void store_drop(int pg, struct hqdb *db, struct buf *target)
{
    hqdb_close(db);
    if (pg) {
        char sql[64];
        snprintf(sql, sizeof(sql), "DROP SCHEMA o%d CASCADE", schema_no - 1);
        pg_admin(sql);
    } else {
        unlink(target->ptr);
    }
    buf_release(target);
}

/* ---- the bundles ----------------------------------------------------------------- */

struct chain {
    struct event ev[32];
    char payload[32][1024], subject[32][32], visit[32][40];
};

/* Event seq (1-based) of a chain, chained to ev[seq - 2]. */
static void put_event(struct chain *c, const struct dev *d, int64_t seq, const char *visit,
                      const char *kind, const char *subject, const char *payload)
{
    struct event *e = &c->ev[seq - 1];

    memset(e, 0, sizeof(*e));
    e->seq = seq;
    snprintf(e->id, sizeof(e->id), "00000000-0000-4000-8000-%.4s%08lld", d->k.device_id,
             (long long)seq + (payload[2] == 'f' ? 500 : 0));
    snprintf(e->device, sizeof(e->device), "%s", d->k.device_id);
    e->at_ms = 1772366400000LL + seq * 60000;
    clock_format_utc(e->at_ms, e->at);
    snprintf(c->visit[seq - 1], sizeof(c->visit[0]), "%s", visit ? visit : "");
    e->visit = visit ? c->visit[seq - 1] : NULL;
    e->kind = kind;
    snprintf(c->subject[seq - 1], sizeof(c->subject[0]), "%s", subject ? subject : "");
    e->subject = subject ? c->subject[seq - 1] : NULL;
    snprintf(c->payload[seq - 1], sizeof(c->payload[0]), "%s", payload);
    e->payload = c->payload[seq - 1];
    memcpy(e->prev_hash, seq > 1 ? c->ev[seq - 2].hash : zero, sizeof(e->prev_hash));
    event_compute_hash(e);
}

static void add_bundle(const char *name, const struct dev *d, const struct chain *c, int64_t first,
                       int64_t last, uint64_t bseq)
{
    struct bundle_build_args a = hq_fx_bundle_args(&d->k, bseq, c->ev, first);
    struct fc_error err;

    buf_init(&bundles[nbundles]);
    if (bundle_build(&a, &c->ev[first - 1], (size_t)(last - first + 1), &bundles[nbundles], &err))
        fail_msg("build %s: %s", name, err.msg);
    bundle_name[nbundles++] = name;
}

static void open_visit(char *out, size_t n, const char *visit, const char *site, const char *wf)
{
    /* VA used the pack HQ issued, VB one HQ never issued, the others none */
    const char *pack = !strcmp(visit, "VA")   ? ",\"pack_sha256\":\"" PACK_A "\""
                       : !strcmp(visit, "VB") ? ",\"pack_sha256\":\"" PACK_X "\""
                                              : "";

    snprintf(out, n,
             "{\"inspectors\":[\"A\",\"B\"],\"kind\":\"%s\",\"mission_id\":\"M1\","
             "\"mission_version\":2%s,\"site_code\":\"%s\",\"site_name\":\"Site %s\","
             "\"visit\":\"%s\"}",
             wf, pack, site, site, visit);
}

static void scan(char *out, size_t n, const char *verdict)
{
    snprintf(out, n, "{\"code\":\"x\",\"verdict\":\"%s\"}", verdict);
}

/* Event seq of chain c: device d's scan of bed W01-<seq> in visit with
 * verdict; fork marks the payload as a fork's (put_event's ids differ). */
static void bed_scan(struct chain *c, const struct dev *d, int seq, const char *visit,
                     const char *verdict, int fork)
{
    char p[128], subj[16];

    snprintf(subj, sizeof(subj), "W01-%d", seq);
    scan(p, sizeof(p), verdict);
    if (fork)
        p[2] = 'f';
    put_event(c, d, seq, visit, "scan", subj, p);
}

/* A scan of a box (pharmacy): its box_key is compared between devices. */
static void box(char *out, size_t n, const char *key, const char *verdict)
{
    snprintf(out, n, "{\"code\":\"x\",\"box_key\":\"%s\",\"verdict\":\"%s\"}", key, verdict);
}

/* What a device writes when it closes a visit (core/visit/visit.c). */
#define FINDING(code, scope, group, subject, amount)                                   \
    "{\"amount_fen\":" #amount ",\"code\":\"" code "\",\"count\":1,\"group\":\"" group \
    "\",\"scope\":" #scope ",\"subject\":\"" subject "\"}"

static struct chain ch_a, ch_af, ch_b, ch_c, ch_cf, ch_d;

static void make_bundles(void)
{
    char p[1024];

    /* A: a night visit at H1, 12 events, the last its close with the
     * findings; re-exports overlap; a fork of 9..12 (another close) */
    open_visit(p, sizeof(p), "VA", "H1", "night");
    put_event(&ch_a, &devs[0], 1, "VA", "visit_open", "H1", p);
    for (int s = 2; s <= 11; s++)
        bed_scan(&ch_a, &devs[0], s, "VA", s % 4 ? "MATCH" : "WRONG_BED", 0);
    put_event(&ch_a, &devs[0], 12, "VA", "visit_close", "H1",
              "{\"findings\":[" FINDING("OK", 2, "beds", "W01:3", 0) "," FINDING(
                  "NOT_FOUND", 4, "patients", "A3",
                  0) ",{\"code\":\"NOT_SCANNED\",\"count\":20,\"group\":\"beds\","
                     "\"scope\":2,\"summed\":true}],\"summed\":false}");
    ch_af = ch_a;
    for (int s = 9; s <= 11; s++)
        bed_scan(&ch_af, &devs[0], s, "VA", "NOT_ON_LIST", 1);
    put_event(&ch_af, &devs[0], 12, "VA", "visit_close", "H1",
              "{\"findings\":[" FINDING("ABSENT", 2, "beds", "W01:3", 0) "],\"fork\":1}");
    add_bundle("A1-4", &devs[0], &ch_a, 1, 4, 1);
    add_bundle("A1-8", &devs[0], &ch_a, 1, 8, 2);
    add_bundle("A5-12", &devs[0], &ch_a, 5, 12, 3);
    add_bundle("A9-12fork", &devs[0], &ch_af, 9, 12, 3);

    /* B: the same site and beds, other verdicts (conflicts); 11..12 never sent */
    open_visit(p, sizeof(p), "VB", "H1", "night");
    put_event(&ch_b, &devs[1], 1, "VB", "visit_open", "H1", p);
    for (int s = 2; s <= 12; s++)
        bed_scan(&ch_b, &devs[1], s, "VB", s % 3 ? "MATCH" : "NOT_ON_LIST", 0);
    box(p, sizeof(p), "BOX1", "NOT_ON_LIST");
    put_event(&ch_b, &devs[1], 13, "VB", "scan", "W01-13", p);
    put_event(&ch_b, &devs[1], 14, "VB", "visit_close", "H1",
              "{\"findings\":[" FINDING("MOVED_IN", 2, "beds", "W01:3", 0) "," FINDING(
                  "ABSENT", 2, "beds", "W01:4", 0) "],\"summed\":false}");
    scan(p, sizeof(p), "NOT_ON_LIST");
    put_event(&ch_b, &devs[1], 15, NULL, "note", NULL, p);
    add_bundle("B1-5", &devs[1], &ch_b, 1, 5, 1);
    add_bundle("B6-10", &devs[1], &ch_b, 6, 10, 2);
    add_bundle("B13-15", &devs[1], &ch_b, 13, 15, 3);

    /* C: two visits; the first finds a stock shortage and sees BOX1 (which
     * B saw at another site meanwhile); the second visit_open (seq 4) is
     * forked into another visit at another site: only the smaller hash may
     * count */
    open_visit(p, sizeof(p), "VC1", "P2", "pharmacy");
    put_event(&ch_c, &devs[2], 1, "VC1", "visit_open", "P2", p);
    box(p, sizeof(p), "BOX1", "SOLD_CODE_ON_SHELF");
    put_event(&ch_c, &devs[2], 2, "VC1", "scan", "X1", p);
    put_event(
        &ch_c, &devs[2], 3, "VC1", "visit_close", "P2",
        "{\"findings\":[" FINDING("D01_STOCK_SHORTAGE", 8, "rules", "X2",
                                  12345) ",{\"code\":\"NOT_COUNTED\",\"count\":7,"
                                         "\"group\":\"drugs\",\"scope\":64,\"summed\":true}]}");
    ch_cf = ch_c;
    open_visit(p, sizeof(p), "VC2", "P3", "pharmacy");
    put_event(&ch_c, &devs[2], 4, "VC2", "visit_open", "P3", p);
    open_visit(p, sizeof(p), "VC3", "P4", "pharmacy");
    p[2] = 'f';
    put_event(&ch_cf, &devs[2], 4, "VC3", "visit_open", "P4", p);
    for (int s = 5; s <= 7; s++) {
        scan(p, sizeof(p), "SOLD_CODE_ON_SHELF");
        put_event(&ch_c, &devs[2], s, "VC2", "scan", "X2", p);
        scan(p, sizeof(p), "COUNTED");
        p[2] = 'f';
        put_event(&ch_cf, &devs[2], s, "VC3", "scan", "X2", p);
    }
    put_event(&ch_c, &devs[2], 8, "VC2", "visit_close", "P3", "{}");
    add_bundle("C1-8", &devs[2], &ch_c, 1, 8, 1);
    add_bundle("C4-7fork", &devs[2], &ch_cf, 4, 7, 2);

    /* D: never enrolled */
    open_visit(p, sizeof(p), "VD", "H1", "night");
    put_event(&ch_d, &devs[3], 1, "VD", "visit_open", "H1", p);
    add_bundle("D1", &devs[3], &ch_d, 1, 1, 1);
}

/* ---- what is compared ---------------------------------------------------------------- */

static int r_gap(void *ctx, const char *device, int64_t from, int64_t to)
{
    buf_addf(ctx, "gap %s %lld %lld\n", device, (long long)from, (long long)to);
    return 0;
}

static int r_equiv(void *ctx, const char *device, int64_t seq, int64_t versions)
{
    buf_addf(ctx, "equivocation %s %lld %lld\n", device, (long long)seq, (long long)versions);
    return 0;
}

static int r_conflict(void *ctx, const char *fact, const char *site, const char *subject,
                      const char *da, const char *va, const char *visit_a, const char *db,
                      const char *vb, const char *visit_b, const char *site_b)
{
    buf_addf(ctx, "conflict %s %s %s %s %s %s %s %s %s %s\n", fact, site, subject, da, va, visit_a,
             db, vb, visit_b, site_b);
    return 0;
}

static int s_finding(void *ctx, const char *wf, const char *cls, const char *code, int64_t scope,
                     const struct hqstore_totals *t)
{
    buf_addf(ctx, "finding %s %s %s%s%s %lld %lld %lld %lld %lld\n", wf, cls, code,
             *t->key ? "/" : "", t->key, (long long)scope, (long long)t->count,
             (long long)t->visits, (long long)t->amount_fen, (long long)t->fund_loss_fen);
    return 0;
}

static int s_site(void *ctx, const char *site, const char *name, const char *region,
                  const char *rname, const char *wf, const char *cls, const char *code,
                  int64_t scope, const struct hqstore_totals *t)
{
    buf_addf(ctx, "site %s %s %s %s %s %s %s %lld %lld %lld\n", site, name, region, rname, wf, cls,
             code, (long long)scope, (long long)t->count, (long long)t->amount_fen);
    return 0;
}

static int s_month(void *ctx, const char *month, const char *wf, const char *cls,
                   const struct hqstore_totals *t)
{
    buf_addf(ctx, "month %s %s %s %lld %lld\n", month, wf, cls, (long long)t->count,
             (long long)t->amount_fen);
    return 0;
}

static int s_visit(void *ctx, const char *site, const char *name, const char *visit,
                   const char *device, const char *wf, const char *opened, const char *closed,
                   int64_t anomalies, int64_t coverage, int64_t amount, int64_t loss)
{
    buf_addf(ctx, "visit %s %s %s %s %s %s %s %lld %lld %lld %lld\n", site, name, visit, device, wf,
             opened, closed, (long long)anomalies, (long long)coverage, (long long)amount,
             (long long)loss);
    return 0;
}

static int s_visit_finding(void *ctx, const char *visit, const char *wf, const char *code,
                           int64_t scope, int64_t count, int64_t amount, int64_t loss)
{
    buf_addf(ctx, "visit_finding %s %s %s %lld %lld %lld %lld\n", visit, wf, code, (long long)scope,
             (long long)count, (long long)amount, (long long)loss);
    return 0;
}

static int r_summary(void *ctx, const char *mission, const char *site, const char *wf,
                     const char *kind, const char *verdict, int64_t count)
{
    buf_addf(ctx, "summary %s %s %s %s %s %lld\n", mission, site, wf, kind, verdict,
             (long long)count);
    return 0;
}

static int r_quarantine(void *ctx, const char *sha, const char *device, const char *reason)
{
    buf_addf(ctx, "quarantine %s %s %s\n", sha, device, reason);
    return 0;
}

static int r_unissued(void *ctx, const char *visit, const char *device, const char *site,
                      const char *mission, int64_t version, const char *pack)
{
    buf_addf(ctx, "unissued %s %s %s %s %lld '%s'\n", visit, device, site, mission,
             (long long)version, pack);
    return 0;
}

static int r_test_clock(void *ctx, const char *visit, const char *device, const char *site,
                        const char *opened)
{
    buf_addf(ctx, "test_clock %s %s %s %s\n", visit, device, site, opened);
    return 0;
}

/* The report, the digest, each device's receipt position: the state as
 * everything that reads HQ sees it. */
static void state_of(struct hqdb *db, struct buf *out)
{
    struct hqstore_report_cb cb = {out,       r_gap,        r_equiv,    r_conflict,
                                   r_summary, r_quarantine, r_unissued, r_test_clock};
    struct fc_error err;
    char dg[HASH_HEX_LEN + 1], head[HASH_HEX_LEN + 1];

    struct hqstore_summary_cb sc = {out, s_finding, s_site, s_month, s_visit, s_visit_finding};

    buf_reset(out);
    if (hqstore_summary(db, &sc, &err))
        fail_msg("summary: %s", err.msg);
    if (hqstore_report(db, &cb, &err))
        fail_msg("report: %s", err.msg);
    if (hqstore_digest(db, dg, &err))
        fail_msg("digest: %s", err.msg);
    buf_addf(out, "digest %s\n", dg);
    for (int i = 0; i < 3; i++) {
        int64_t seq;
        if (hqstore_acked(db, devs[i].k.device_id, &seq, head, &err))
            fail_msg("acked: %s", err.msg);
        buf_addf(out, "acked %s %lld %s\n", devs[i].k.device_id, (long long)seq, head);
    }
}

static void import_all(struct hqdb *db, const size_t *idx, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        struct hq_import_result r;
        struct fc_error err;
        int rc;

        hq.db = db;
        rc = hq_import_data(&hq, bundle_name[idx[i]], bundles[idx[i]].ptr, bundles[idx[i]].len, &r,
                            &err);
        if (rc && !(rc == FC_EVERIFY && r.outcome == HQ_QUARANTINED))
            fail_msg("import %s: %s", bundle_name[idx[i]], err.msg);
    }
    hq.db = NULL;
}

static size_t random_order(unsigned int *seed, size_t *idx)
{
    size_t k = 0;

    for (size_t i = 0; i < nbundles; i++)
        idx[k++] = i;
    for (int extra = rand_r(seed) % 6; extra > 0; extra--)
        idx[k++] = (size_t)rand_r(seed) % nbundles;
    for (size_t i = k - 1; i > 0; i--) {
        size_t j = (size_t)rand_r(seed) % (i + 1), t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    return k;
}

static struct buf reference = BUF_INIT; /* the state after the sorted order, on SQLite */

/* Fails unless db's state is the reference state. */
static void state_is_reference(struct hqdb *db)
{
    struct buf got = BUF_INIT;

    state_of(db, &got);
    assert_string_equal(got.ptr, reference.ptr);
    buf_release(&got);
}

static void expect_line(const char *line)
{
    if (!strstr(reference.ptr, line))
        fail_msg("the merged state lacks '%s':\n%s", line, reference.ptr);
}

/* The reference on SQLite (every store, every order, must give exactly
 * this) and what it must contain. */
static void test_reference(void **state)
{
    struct buf target = BUF_INIT, line = BUF_INIT;
    size_t idx[MAXB];
    struct hqdb *db;
    const char *c = devs[2].k.device_id;

    (void)state;
    for (size_t i = 0; i < nbundles; i++)
        idx[i] = i;
    db = store_fresh(0, &target);
    import_all(db, idx, nbundles);
    state_of(db, &reference);
    store_drop(0, db, &target);
    if (getenv("FC_HQ_DUMP"))
        fputs(reference.ptr, stderr);
    buf_addf(&line, "gap %s 11 12\n", devs[1].k.device_id);
    expect_line(line.ptr);
    for (int s = 9; s <= 12; s++) {
        buf_reset(&line);
        buf_addf(&line, "equivocation %s %d 2\n", devs[0].k.device_id, s);
        expect_line(line.ptr);
    }
    buf_reset(&line);
    buf_addf(&line, "equivocation %s 4 2\n", c);
    expect_line(line.ptr);
    /* receipts stop before the first gap or equivocation */
    buf_reset(&line);
    buf_addf(&line, "acked %s 8 ", devs[0].k.device_id);
    expect_line(line.ptr);
    buf_reset(&line);
    buf_addf(&line, "acked %s 10 ", devs[1].k.device_id);
    expect_line(line.ptr);
    buf_reset(&line);
    buf_addf(&line, "acked %s 3 ", c);
    expect_line(line.ptr);
    expect_line("quarantine ");
    /* VA's pack was issued; VB's was not; VC1 names none */
    if (strstr(reference.ptr, "unissued VA "))
        fail_msg("a visit from an issued pack is flagged:\n%s", reference.ptr);
    buf_reset(&line);
    buf_addf(&line, "unissued VB %s H1 M1 2 '" PACK_X "'\n", devs[1].k.device_id);
    expect_line(line.ptr);
    buf_reset(&line);
    buf_addf(&line, "unissued VC1 %s P2 M1 2 ''\n", c);
    expect_line(line.ptr);
    /* two devices, one site and bed, two findings (A's is OK or ABSENT by
     * its fork, B's MOVED_IN); one box seen at two sites */
    expect_line("conflict bed H1 W01:3 ");
    /* the devices come in id order: either saw it first */
    if (!strstr(reference.ptr, "conflict box H1 BOX1 ") &&
        !strstr(reference.ptr, "conflict box P2 BOX1 "))
        fail_msg("no conflict on BOX1:\n%s", reference.ptr);
    /* D01's amount, coverage summed, the anomaly classes from the catalogue */
    expect_line("finding pharmacy anomaly D01_STOCK_SHORTAGE 8 1 1 12345 0\n");
    expect_line("finding pharmacy coverage NOT_COUNTED 64 7 1 0 0\n");
    expect_line("finding night anomaly MOVED_IN 2 1 1 0 0\n");
    expect_line("site P2 Site P2   pharmacy anomaly D01_STOCK_SHORTAGE 8 1 12345\n");
    /* C's forked visit_open: exactly one of VC2 (P3) and VC3 (P4) counts */
    if (!!strstr(reference.ptr, "summary M1 P3 pharmacy visit_open") ==
        !!strstr(reference.ptr, "summary M1 P4 pharmacy visit_open"))
        fail_msg("the forked visit_open should count once:\n%s", reference.ptr);
    buf_release(&line);
}

static void test_orders(void **state)
{
    const char *env = getenv("FC_HQ_ORDERS");
    int orders = env ? atoi(env) : 1000; /* the issue asks for 1,000 orders */
    unsigned int seed = 1234;
    struct buf target = BUF_INIT, got = BUF_INIT;

    (void)state;
    for (int o = 0; o < orders; o++) {
        size_t idx[MAXB + 8], k = random_order(&seed, idx);
        struct hqdb *db = store_fresh(use_pg, &target);

        import_all(db, idx, k);
        state_of(db, &got);
        if (strcmp(got.ptr, reference.ptr))
            fail_msg("order %d on %s differs:\n%s\nexpected:\n%s", o, hqdb_backend(db), got.ptr,
                     reference.ptr);
        store_drop(use_pg, db, &target);
    }
    buf_release(&got);
}

/* Importing everything again, and rebuilding the derived tables, change
 * nothing anyone reads. */
static void test_reimport_rebuild(void **state)
{
    struct buf target = BUF_INIT;
    size_t idx[MAXB];
    struct fc_error err;
    struct hqdb *db = store_fresh(use_pg, &target);

    (void)state;
    for (size_t i = 0; i < nbundles; i++)
        idx[i] = nbundles - 1 - i;
    import_all(db, idx, nbundles);
    import_all(db, idx, nbundles);
    assert_int_equal(hqstore_rebuild(db, &err), 0);
    state_is_reference(db);
    store_drop(use_pg, db, &target);
}

/* Two processes import the whole set at once, each in its own order and
 * with duplicates, into one store: nothing lost, nothing twice. */
static void test_concurrent(void **state)
{
    struct buf target = BUF_INIT;
    struct hqdb *db = store_fresh(use_pg, &target);
    pid_t pid[2];

    (void)state;
    for (int round = 0; round < 3; round++) {
        for (int p = 0; p < 2; p++) {
            pid[p] = fork();
            assert_true(pid[p] >= 0);
            if (pid[p] == 0) {
                struct hqdb *mine = NULL;
                struct fc_error err;
                unsigned int seed = (unsigned int)(77 + p * 13 + round * 101);
                size_t idx[MAXB + 8], k = random_order(&seed, idx);

                if (hqstore_open(&mine, target.ptr, &err)) {
                    fprintf(stderr, "child open: %s\n", err.msg);
                    _exit(1);
                }
                for (size_t i = 0; i < k; i++) {
                    struct hq_import_result r;
                    int rc;

                    hq.db = mine;
                    rc = hq_import_data(&hq, bundle_name[idx[i]], bundles[idx[i]].ptr,
                                        bundles[idx[i]].len, &r, &err);
                    if (rc && r.outcome != HQ_QUARANTINED) {
                        fprintf(stderr, "child import %s: %s\n", bundle_name[idx[i]], err.msg);
                        _exit(1);
                    }
                }
                hqdb_close(mine);
                _exit(0);
            }
        }
        for (int p = 0; p < 2; p++) {
            int st = 0;
            assert_int_equal(waitpid(pid[p], &st, 0), pid[p]);
            assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
        state_is_reference(db);
    }
    store_drop(use_pg, db, &target);
}

/* Revoked: the device's later bundles are quarantined, nothing merged. */
static void test_revocation(void **state)
{
    struct buf target = BUF_INIT;
    struct hqdb *db = store_fresh(use_pg, &target);
    struct hq_import_result r;
    struct fc_error err;
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1];
    int64_t n = 0;

    (void)state;
    hq.db = db;
    assert_int_equal(hq_import_data(&hq, "A1-4", bundles[0].ptr, bundles[0].len, &r, &err), 0);
    assert_int_equal(hqstore_device_revoke(db, devs[0].k.device_id, &err), 0);
    assert_int_equal(hqstore_device_revoke(db, devs[0].k.device_id, &err), 0);
    assert_int_equal(hqstore_digest(db, before, &err), 0);
    assert_int_equal(hq_import_data(&hq, "A5-12", bundles[2].ptr, bundles[2].len, &r, &err),
                     FC_EVERIFY);
    assert_int_equal(r.outcome, HQ_QUARANTINED);
    assert_non_null(strstr(err.msg, "revoked"));
    assert_int_equal(hqdb_query_int(db, "SELECT count(*) FROM event", NULL, 0, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_int_equal(hqstore_digest(db, after, &err), 0);
    assert_string_not_equal(before, after); /* the quarantine row */
    hq.db = NULL;
    store_drop(use_pg, db, &target);
}

/* hq migrate: an hq.db copied into the store under test reads the same. */
static void test_migrate(void **state)
{
    struct buf src_t = BUF_INIT, dst_t = BUF_INIT;
    struct hqdb *src = store_fresh(0, &src_t), *dst;
    struct fc_error err;
    size_t idx[MAXB];

    (void)state;
    for (size_t i = 0; i < nbundles; i++)
        idx[i] = i;
    import_all(src, idx, nbundles);
    dst = store_fresh(use_pg, &dst_t);
    /* dst has its devices already: not empty, refused */
    assert_int_equal(hqstore_copy(src, dst, NULL, NULL, &err), FC_ESTATE);
    store_drop(use_pg, dst, &dst_t);
    buf_reset(&dst_t);
    if (use_pg) {
        char sql[96];
        snprintf(sql, sizeof(sql), "CREATE SCHEMA o%d", schema_no);
        pg_admin(sql);
        buf_addf(&dst_t, "%s%soptions=-csearch_path%%3Do%d", pg_url,
                 strchr(pg_url, '?') ? "&" : "?", schema_no++);
    } else {
        buf_addf(&dst_t, "%s/s%d.db", root, schema_no++);
    }
    assert_int_equal(hqstore_open(&dst, dst_t.ptr, &err), 0);
    if (hqstore_copy(src, dst, NULL, NULL, &err))
        fail_msg("copy: %s", err.msg);
    state_is_reference(dst);
    store_drop(use_pg, dst, &dst_t);
    hqdb_close(src);
    unlink(src_t.ptr);
    buf_release(&src_t);
}

/* A bundle bigger than one batch of the streamed import (about 1 MiB of
 * records): merged in several batches in one transaction; the same with
 * its last events broken leaves nothing. */
static void test_big_bundle(void **state)
{
    struct buf target = BUF_INIT, b = BUF_INIT;
    struct hqdb *db = store_fresh(use_pg, &target);
    struct event *ev = calloc(3000, sizeof(*ev));
    char(*pl)[700] = calloc(3000, sizeof(*pl));
    struct bundle_build_args a;
    struct hq_import_result r;
    struct fc_error err;
    int64_t n = 0;

    (void)state;
    assert_int_equal(
        hqstore_device_add(db, &devs[3].row, devs[3].cert, sizeof(devs[3].cert), NULL, &err), 0);
    for (int bad = 0; bad < 2; bad++) {
        for (int i = 0; i < 3000; i++) {
            struct event *e = &ev[i];
            memset(e, 0, sizeof(*e));
            e->seq = i + 1;
            snprintf(e->id, sizeof(e->id), "00000000-0000-4000-8000-%012d", i + bad * 10000);
            snprintf(e->device, sizeof(e->device), "%s", devs[3].k.device_id);
            e->at_ms = 1772366400000LL + i;
            clock_format_utc(e->at_ms, e->at);
            e->kind = "note";
            snprintf(pl[i], sizeof(pl[i]), "{\"verdict\":\"V%d\",\"x\":\"%0600d\"}", i % 7,
                     i + bad);
            e->payload = pl[i];
            memcpy(e->prev_hash, i ? ev[i - 1].hash : zero, sizeof(e->prev_hash));
            event_compute_hash(e);
            if (bad && i == 2900)
                e->hash[0] = e->hash[0] == 'a' ? 'b' : 'a';
        }
        memset(&a, 0, sizeof(a));
        a.device = &devs[3].k;
        a.hq_box_pk = hq.keys.box_pk;
        a.bundle_seq = 1 + (uint64_t)bad;
        a.prev_bundle = zero;
        a.first_seq = 1;
        a.prev_head = zero;
        a.created_ms = 1772366400000LL;
        buf_reset(&b);
        assert_int_equal(bundle_build(&a, ev, 3000, &b, &err), 0);
        assert_true(b.len > 0);
        hq.db = db;
        if (!bad) {
            if (hq_import_data(&hq, "big", b.ptr, b.len, &r, &err))
                fail_msg("big import: %s", err.msg);
            assert_int_equal(r.stats.events_new, 3000);
        } else {
            assert_int_equal(hq_import_data(&hq, "broken", b.ptr, b.len, &r, &err), FC_EINTEGRITY);
        }
        hq.db = NULL;
        assert_int_equal(hqdb_query_int(db, "SELECT count(*) FROM event", NULL, 0, &n, &err), 0);
        assert_int_equal(n, 3000);
        assert_int_equal(hqdb_query_int(db, "SELECT count(*) FROM bundle", NULL, 0, &n, &err), 0);
        assert_int_equal(n, 1);
        assert_int_equal(
            hqdb_query_int(db, "SELECT CAST(sum(n) AS BIGINT) FROM tally", NULL, 0, &n, &err), 0);
        assert_int_equal(n, 3000);
    }
    free(ev);
    free(pl);
    buf_release(&b);
    store_drop(use_pg, db, &target);
}

/* An hq.db of schema 1 (quarantine holding whole bundles, no derived
 * tables) opens migrated: the quarantine keeps header and size only, the
 * derived tables are filled from the events. SQLite only. */
static void test_old_hqdb(void **state)
{
    static const char *const step1[] = {
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
        "CREATE TABLE device (id TEXT PRIMARY KEY, sign_pk TEXT NOT NULL, box_pk TEXT NOT NULL,"
        "  fingerprint TEXT NOT NULL, cert BLOB NOT NULL, enrolled_at TEXT NOT NULL,"
        "  revoked_at TEXT) STRICT;"
        "CREATE TABLE bundle (sha256 TEXT PRIMARY KEY, device TEXT NOT NULL,"
        "  bundle_seq INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
        "  prev_bundle TEXT NOT NULL, prev_head TEXT NOT NULL, chain_head TEXT NOT NULL) STRICT;"
        "CREATE INDEX bundle_device ON bundle (device, bundle_seq);"
        "CREATE TABLE event (device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,"
        "  id TEXT NOT NULL, visit TEXT, at TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT,"
        "  payload TEXT NOT NULL, prev_hash TEXT NOT NULL, PRIMARY KEY (device, seq, hash))"
        "  STRICT, WITHOUT ROWID;"
        "CREATE INDEX event_visit ON event (visit);"
        "CREATE TABLE quarantine (sha256 TEXT PRIMARY KEY, device TEXT NOT NULL,"
        "  reason TEXT NOT NULL, data BLOB NOT NULL) STRICT;"};
    static const struct store_schema v1 = {step1, 1, 0, 0};
    struct store *s = NULL;
    struct hqdb *db = NULL;
    struct fc_error err;
    struct buf path = BUF_INIT, got = BUF_INIT;
    sqlite3_stmt *st = NULL;
    int64_t size = 0, hlen = 0, visits = 0;

    (void)state;
    if (use_pg)
        skip();
    buf_addf(&path, "%s/old.db", root);
    assert_int_equal(store_open_schema(&s, path.ptr, &v1, &err), 0);
    assert_int_equal(store_exec(s,
                                "INSERT INTO quarantine VALUES ('ab', 'dd', 'not enrolled',"
                                " zeroblob(5000))",
                                &err),
                     0);
    assert_int_equal(store_prepare(s,
                                   "INSERT INTO event VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                                   " ?9, ?10)",
                                   &st, &err),
                     0);
    for (int i = 0; i < 4; i++) {
        const struct event *e = &ch_a.ev[i];
        sqlite3_reset(st);
        store_bind_text(st, 1, e->device);
        sqlite3_bind_int64(st, 2, e->seq);
        store_bind_text(st, 3, e->hash);
        store_bind_text(st, 4, e->id);
        store_bind_text(st, 5, e->visit);
        store_bind_text(st, 6, e->at);
        store_bind_text(st, 7, e->kind);
        store_bind_text(st, 8, e->subject);
        store_bind_text(st, 9, e->payload);
        store_bind_text(st, 10, e->prev_hash);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    }
    sqlite3_finalize(st);
    store_close(s);

    assert_int_equal(hqstore_open(&db, path.ptr, &err), 0);
    assert_int_equal(hqdb_query_int(db, "SELECT size FROM quarantine", NULL, 0, &size, &err), 0);
    assert_int_equal(size, 5000);
    assert_int_equal(
        hqdb_query_int(db, "SELECT length(header) FROM quarantine", NULL, 0, &hlen, &err), 0);
    assert_int_equal(hlen, 176);
    assert_int_equal(hqdb_query_int(db, "SELECT count(*) FROM visit WHERE site_code = 'H1'", NULL,
                                    0, &visits, &err),
                     0);
    assert_int_equal(visits, 1);
    state_of(db, &got);
    assert_non_null(
        strstr(got.ptr, "summary M1 H1 night scan MATCH 2\nsummary M1 H1 night scan WRONG_BED 1"));
    hqdb_close(db);
    buf_release(&path);
    buf_release(&got);
}

static int setup(void **state)
{
    struct fc_error err;
    struct buf dir = BUF_INIT;

    (void)state;
    root = access("/dev/shm", W_OK) == 0 ? mkdtemp(tmpl_shm) : NULL;
    if (!root)
        root = mkdtemp(tmpl);
    assert_non_null(root);
    setenv("FIELDCHECK_NOW", "2026-03-01T10:00:00+08:00", 1);
    buf_addf(&dir, "%s/hq", root);
    hq_fx_create(&hq, dir.ptr);
    hqdb_close(hq.db);
    hq.db = NULL;
    for (int i = 0; i < 4; i++) {
        struct store *s = NULL;
        struct buf path = BUF_INIT, code = BUF_INIT;
        struct keys_enrollment e;

        buf_addf(&path, "%s/dev%d/fieldcheck.db", root, i);
        assert_int_equal(store_open(&s, path.ptr, &err), 0);
        assert_int_equal(keys_device_init(s, &devs[i].k, NULL, &err), 0);
        keys_enrollment_code(&devs[i].k, &code);
        assert_int_equal(keys_enrollment_parse(code.ptr, &e, &err), 0);
        keys_cert_make(&hq.keys, &e, 1772366400000LL, devs[i].cert);
        snprintf(devs[i].row.id, sizeof(devs[i].row.id), "%s", e.device_id);
        memcpy(devs[i].row.sign_pk, e.sign_pk, 32);
        memcpy(devs[i].row.box_pk, e.box_pk, 32);
        snprintf(devs[i].row.fingerprint, sizeof(devs[i].row.fingerprint), "FP%d", i);
        store_close(s);
        buf_release(&path);
        buf_release(&code);
    }
    make_bundles();
    buf_release(&dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hq_close(&hq);
    for (size_t i = 0; i < nbundles; i++)
        buf_release(&bundles[i]);
    buf_release(&reference);
    fs_remove_tree(root);
    if (admin)
        PQfinish(admin);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference),        cmocka_unit_test(test_orders),
        cmocka_unit_test(test_reimport_rebuild), cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_revocation),       cmocka_unit_test(test_migrate),
        cmocka_unit_test(test_old_hqdb),         cmocka_unit_test(test_big_bundle),
    };

    use_pg = argc > 1 && !strcmp(argv[1], "postgresql");
    if (use_pg) {
        pg_url = getenv("FC_TEST_PG_URL");
        if (!pg_url || !*pg_url) {
            fprintf(stderr, "test_hq_merge: FC_TEST_PG_URL is not set: skipped\n");
            return 77;
        }
        admin = PQconnectdb(pg_url);
        if (PQstatus(admin) != CONNECTION_OK) {
            fprintf(stderr, "test_hq_merge: cannot connect: %s", PQerrorMessage(admin));
            PQfinish(admin);
            return 77;
        }
        PQclear(PQexec(admin, "SET client_min_messages = warning"));
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
