/* HQ import, merge and reports, written once over hqdb (SQLite or
 * PostgreSQL). The merged event set is keyed by (device, seq, hash), never by
 * arrival order, and nothing here records when something was imported, so
 * the base tables (and hqstore_digest) depend only on the set of bundles.
 *
 * Derived tables follow the *current* event of each (device, seq), the one
 * with the smallest hash: an import works out in C which of its events are
 * new, which become current and which current event they displace (an
 * equivocation), and applies the difference (derive_add / derive_remove), so
 * the derived tables too end up the same in any order. */
#include "core/hq/hqstore.h"

#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/draw/draw.h"
#include "core/workflow.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Appends a zeroed element to the array v of n elements (both lvalues; n
 * grows by one) and gives its address. */
#define PUSH(v, n)                                                                        \
    ((v) = xreallocarray((v), (n) + 1, sizeof(*(v))), memset(&(v)[(n)], 0, sizeof(*(v))), \
     &(v)[(n)++])

/* The rules that fill the derived tables; a change of them bumps this and
 * every database rebuilds its derived tables on next open. */
/* 2: visit.pack_sha256, signed_by; 3: finding, box_obs; 4: finding_sum */
#define HQ_DERIVED_VERSION 4

static const char zero_hex[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* ---- transactions ------------------------------------------------------------ */

typedef int (*txn_body)(struct hqdb *db, void *ctx, struct fc_error *err);

/* Runs body in a transaction, again (after a short random pause) when it
 * failed only because a concurrent transaction got in its way. body must
 * reset whatever it reports on each run. */
static int run_txn(struct hqdb *db, enum hqdb_txn mode, txn_body body, void *ctx,
                   struct fc_error *err)
{
    int rc = FC_OK;

    for (int attempt = 0;; attempt++) {
        rc = hqdb_begin(db, mode, err);
        if (!rc)
            rc = body(db, ctx, err);
        if (!rc && db->in_txn)
            rc = hqdb_commit(db, err);
        if (!rc)
            return FC_OK;
        hqdb_rollback(db);
        if (!hqdb_retryable(db) || attempt >= 50)
            return rc;
        {
            struct timespec ts = {0, (long)(1 + rand() % (5 + attempt * 5)) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
}

/* ---- devices ----------------------------------------------------------------- */

#define DEVICE_COLS "id, sign_pk, box_pk, fingerprint, enrolled_at, revoked_at"

static int device_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct hq_device *d = ctx;
    char hex[65];

    (void)n;
    memset(d, 0, sizeof(*d));
    hqdb_col_text(&c[0], d->id, sizeof(d->id));
    hqdb_col_text(&c[1], hex, sizeof(hex));
    hash_from_hex(d->sign_pk, 32, hex);
    hqdb_col_text(&c[2], hex, sizeof(hex));
    hash_from_hex(d->box_pk, 32, hex);
    hqdb_col_text(&c[3], d->fingerprint, sizeof(d->fingerprint));
    hqdb_col_text(&c[4], d->enrolled_at, sizeof(d->enrolled_at));
    hqdb_col_text(&c[5], d->revoked_at, sizeof(d->revoked_at));
    return 1;
}

int hqstore_device_get(struct hqdb *db, const char *id, struct hq_device *out, struct fc_error *err)
{
    struct hqdb_val p[] = {HQDB_S(id)};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = hqdb_query(db, "SELECT " DEVICE_COLS " FROM device WHERE id = $1", p, 1, device_row, out,
                    err);
    if (rc == 1)
        return FC_OK;
    if (rc == 0)
        return fc_error_set(err, FC_ENOTFOUND, "device '%s' is not enrolled", id);
    return rc;
}

struct device_add {
    const struct hq_device *d;
    const void *cert;
    size_t cert_len;
    int added;
};

static int device_add_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct device_add *a = ctx;
    struct hq_device old;
    char sign_hex[65], box_hex[65], at[CLOCK_ISO_MAX];
    int64_t changes = 0;
    int rc;

    a->added = 0;
    hash_to_hex(sign_hex, a->d->sign_pk, 32);
    hash_to_hex(box_hex, a->d->box_pk, 32);
    clock_format_utc(clock_now_ms(), at);
    {
        struct hqdb_val p[] = {HQDB_S(a->d->id),
                               HQDB_S(sign_hex),
                               HQDB_S(box_hex),
                               HQDB_S(a->d->fingerprint),
                               HQDB_B(a->cert, a->cert_len),
                               HQDB_S(at)};
        rc = hqdb_exec(db,
                       "INSERT INTO device (id, sign_pk, box_pk, fingerprint, cert, enrolled_at)"
                       " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                       p, 6, &changes, err);
    }
    if (rc)
        return rc;
    if (changes) {
        a->added = 1;
        return FC_OK;
    }
    rc = hqstore_device_get(db, a->d->id, &old, err);
    if (rc)
        return rc;
    if (memcmp(old.sign_pk, a->d->sign_pk, 32) || memcmp(old.box_pk, a->d->box_pk, 32))
        return fc_error_set(err, FC_EEXIST,
                            "device '%s' is already enrolled with other keys (fingerprint %s)",
                            a->d->id, old.fingerprint);
    return FC_OK;
}

int hqstore_device_add(struct hqdb *db, const struct hq_device *d, const void *cert,
                       size_t cert_len, int *added, struct fc_error *err)
{
    struct device_add a = {d, cert, cert_len, 0};
    int rc = run_txn(db, HQDB_WRITE, device_add_body, &a, err);

    if (added)
        *added = rc ? 0 : a.added;
    return rc;
}

static int device_revoke_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    const char *id = ctx;
    struct hq_device d;
    char at[CLOCK_ISO_MAX];
    int rc = hqdb_lock_device(db, id, err);

    if (!rc)
        rc = hqstore_device_get(db, id, &d, err);
    if (rc || d.revoked_at[0])
        return rc;
    clock_format_utc(clock_now_ms(), at);
    {
        struct hqdb_val p[] = {HQDB_S(id), HQDB_S(at)};
        rc = hqdb_exec(db, "UPDATE device SET revoked_at = $2 WHERE id = $1", p, 2, NULL, err);
    }
    return rc;
}

int hqstore_device_revoke(struct hqdb *db, const char *id, struct fc_error *err)
{
    return run_txn(db, HQDB_WRITE, device_revoke_body, (void *)id, err);
}

struct device_each {
    struct hq_device *v;
    size_t n;
};

static int device_collect(void *ctx, const struct hqdb_val *c, int n)
{
    struct device_each *e = ctx;

    e->v = xreallocarray(e->v, e->n + 1, sizeof(*e->v));
    device_row(&e->v[e->n++], c, n);
    return 0;
}

int hqstore_device_foreach(struct hqdb *db, int (*cb)(const struct hq_device *d, void *ctx),
                           void *ctx, struct fc_error *err)
{
    struct device_each e = {NULL, 0};
    int rc = hqdb_query(db, "SELECT " DEVICE_COLS " FROM device ORDER BY id", NULL, 0,
                        device_collect, &e, err);

    /* the callback may query: the rows are collected first */
    for (size_t i = 0; !rc && i < e.n; i++)
        rc = cb(&e.v[i], ctx);
    free(e.v);
    return rc;
}

/* ---- bundles ------------------------------------------------------------------ */

static int bundle_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct hq_bundle_row *b = ctx;

    (void)n;
    hqdb_col_text(&c[0], b->device, sizeof(b->device));
    b->bundle_seq = c[1].i;
    b->first_seq = c[2].i;
    b->last_seq = c[3].i;
    hqdb_col_text(&c[4], b->prev_bundle, sizeof(b->prev_bundle));
    hqdb_col_text(&c[5], b->prev_head, sizeof(b->prev_head));
    hqdb_col_text(&c[6], b->chain_head, sizeof(b->chain_head));
    return 1;
}

int hqstore_bundle_get(struct hqdb *db, const char *sha256_hex, struct hq_bundle_row *out,
                       struct fc_error *err)
{
    struct hq_bundle_row local;
    struct hqdb_val p[] = {HQDB_S(sha256_hex)};
    int rc;

    if (!out)
        out = &local;
    memset(out, 0, sizeof(*out));
    rc = hqdb_query(db,
                    "SELECT device, bundle_seq, first_seq, last_seq, prev_bundle, prev_head,"
                    " chain_head FROM bundle WHERE sha256 = $1",
                    p, 1, bundle_row, out, err);
    if (rc == 1) {
        snprintf(out->sha256, sizeof(out->sha256), "%s", sha256_hex);
        return FC_OK;
    }
    if (rc == 0)
        return fc_error_set(err, FC_ENOTFOUND, "bundle '%.16s' was not imported", sha256_hex);
    return rc;
}

/* ---- derived tables ----------------------------------------------------------- */

/* Count changes to apply to tally: a key of NUL-separated
 * parts and a signed count. Sorted and summed before they are written, so
 * a bundle writes each key once, in one order for every writer. */
struct delta {
    char *key;
    size_t len;
    int64_t n;
};

struct deltas {
    struct delta *v;
    size_t n;
};

static void delta_add(struct deltas *d, const char *const *parts, int nparts, int64_t n)
{
    struct buf k = BUF_INIT;

    for (int i = 0; i < nparts; i++)
        buf_add(&k, parts[i], strlen(parts[i]) + 1);
    d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
    d->v[d->n].len = k.len;
    d->v[d->n].key = buf_detach(&k, NULL);
    d->v[d->n].n = n;
    d->n++;
}

static int delta_cmp(const void *a, const void *b)
{
    const struct delta *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);

    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void deltas_release(struct deltas *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].key);
    free(d->v);
    memset(d, 0, sizeof(*d));
}

/* An upsert of counts into a derived table, sent as multi-row statements
 * (one round trip for up to UPSERT_ROWS keys: a bundle of night-check scans
 * changes a few hundred). The statements are made once per size and kept:
 * the database layer caches prepared statements by the SQL's address. */
#define UPSERT_ROWS 32

struct upsert {
    const char *table, *cols, *conflict; /* cols: the key's columns, then n */
    int nparts;                          /* key columns */
    char *sql[UPSERT_ROWS + 1];          /* by row count, made on first use */
};

static struct upsert upsert_tally = {
    "tally", "visit, kind, verdict, n", "visit, kind, verdict", 3, {NULL}};

static const char *upsert_sql(struct upsert *u, int rows)
{
    if (!u->sql[rows]) {
        struct buf b = BUF_INIT;
        int k = 1;

        buf_addf(&b, "INSERT INTO %s (%s) VALUES ", u->table, u->cols);
        for (int r = 0; r < rows; r++) {
            buf_adds(&b, r ? ", (" : "(");
            for (int c = 0; c <= u->nparts; c++)
                buf_addf(&b, c ? ", $%d" : "$%d", k++);
            buf_addch(&b, ')');
        }
        buf_addf(&b, " ON CONFLICT (%s) DO UPDATE SET n = %s.n + excluded.n", u->conflict,
                 u->table);
        u->sql[rows] = buf_detach(&b, NULL);
    }
    return u->sql[rows];
}

/* Writes the summed deltas, each key once, in key order (so concurrent
 * writers lock rows in one order). */
static int deltas_apply(struct hqdb *db, struct deltas *d, struct upsert *u, struct fc_error *err)
{
    struct hqdb_val p[UPSERT_ROWS * 8];
    int rows = 0, rc = FC_OK;

    if (d->n)
        qsort(d->v, d->n, sizeof(*d->v), delta_cmp);
    for (size_t i = 0; i < d->n && !rc;) {
        const char *s = d->v[i].key;
        int64_t sum = 0;
        size_t j = i;

        for (; j < d->n && !delta_cmp(&d->v[i], &d->v[j]); j++)
            sum += d->v[j].n;
        if (sum) {
            struct hqdb_val *row = &p[rows * (u->nparts + 1)];
            for (int k = 0; k < u->nparts; k++, s += strlen(s) + 1)
                row[k] = HQDB_S(s);
            row[u->nparts] = HQDB_I(sum);
            rows++;
        }
        i = j;
        /* full batches of UPSERT_ROWS; the rest in sizes 8 and 1 */
        while (rows && (rows == UPSERT_ROWS || i >= d->n)) {
            int take = rows >= UPSERT_ROWS ? UPSERT_ROWS : rows >= 8 ? 8 : 1;
            rc = hqdb_exec(db, upsert_sql(u, take), p, take * (u->nparts + 1), NULL, err);
            if (rc)
                break;
            rows -= take;
            memmove(p, &p[take * (u->nparts + 1)],
                    (size_t)rows * (size_t)(u->nparts + 1) * sizeof(*p));
        }
    }
    deltas_release(d);
    return rc;
}

/* What one import or rebuild step changes in the derived tables. */
struct box {
    char *device, *visit, *box_key, *verdict, *at;
    int64_t seq;
    int sign;
};

struct derive {
    struct deltas tally;
    char **visits; /* visits whose visit_open/visit_close changed */
    size_t nvisits;
    struct box *boxes; /* boxes seen (pharmacy scans name a box_key) */
    size_t nboxes;
};

static void derive_release(struct derive *d)
{
    deltas_release(&d->tally);
    for (size_t i = 0; i < d->nboxes; i++) {
        free(d->boxes[i].device);
        free(d->boxes[i].visit);
        free(d->boxes[i].box_key);
        free(d->boxes[i].verdict);
        free(d->boxes[i].at);
    }
    free(d->boxes);
    for (size_t i = 0; i < d->nvisits; i++)
        free(d->visits[i]);
    free(d->visits);
    memset(d, 0, sizeof(*d));
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int is_visit_kind(const char *kind)
{
    return !strcmp(kind, "visit_open") || !strcmp(kind, "visit_close");
}

/* The event (device, seq, visit, at, kind, payload) becomes current (sign
 * 1) or stops being current (sign -1). The payload is parsed once: its
 * "verdict" counts in the tally, a "box_key" is a box seen (compared
 * between devices), a visit_open or visit_close recomputes its visit. */
static void derive_event(struct derive *d, const char *device, int64_t seq, const char *visit,
                         const char *at, const char *kind, const char *payload, int sign)
{
    json_t *o = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
    const char *verdict = jstr(o, "verdict"), *box = jstr(o, "box_key");
    const char *t[3] = {visit ? visit : "", kind, verdict ? verdict : ""};

    delta_add(&d->tally, t, 3, sign);
    if (box && *box && verdict) {
        struct box *b = PUSH(d->boxes, d->nboxes);

        b->device = xstrdup(device);
        b->seq = seq;
        b->visit = visit ? xstrdup(visit) : NULL;
        b->box_key = xstrdup(box);
        b->verdict = xstrdup(verdict);
        b->at = xstrdup(at);
        b->sign = sign;
    }
    if (visit && is_visit_kind(kind)) {
        d->visits = xreallocarray(d->visits, d->nvisits + 1, sizeof(*d->visits));
        d->visits[d->nvisits++] = xstrdup(visit);
    }
    json_decref(o);
}

/* A visit's row from its current visit_open and visit_close events (the
 * smallest hash of each kind when there are several). */
struct visit_src {
    char device[33];
    char open_hash[HASH_HEX_LEN + 1], close_hash[HASH_HEX_LEN + 1];
    char opened_at[CLOCK_ISO_MAX], closed_at[CLOCK_ISO_MAX];
    char *open_payload, *close_payload;
};

static int visit_src_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct visit_src *v = ctx;
    char kind[16], hash[HASH_HEX_LEN + 1], at[CLOCK_ISO_MAX];

    (void)n;
    hqdb_col_text(&c[1], kind, sizeof(kind));
    hqdb_col_text(&c[2], hash, sizeof(hash));
    hqdb_col_text(&c[3], at, sizeof(at));
    if (!strcmp(kind, "visit_open")) {
        if (v->open_hash[0] && strcmp(hash, v->open_hash) >= 0)
            return 0;
        memcpy(v->open_hash, hash, sizeof(hash));
        memcpy(v->opened_at, at, sizeof(at));
        hqdb_col_text(&c[0], v->device, sizeof(v->device));
        free(v->open_payload);
        v->open_payload = xmalloc(c[4].len + 1);
        memcpy(v->open_payload, c[4].s, c[4].len);
        v->open_payload[c[4].len] = 0;
    } else {
        if (v->close_hash[0] && strcmp(hash, v->close_hash) >= 0)
            return 0;
        memcpy(v->close_hash, hash, sizeof(hash));
        memcpy(v->closed_at, at, sizeof(at));
        if (!v->open_hash[0])
            hqdb_col_text(&c[0], v->device, sizeof(v->device));
        free(v->close_payload);
        v->close_payload = xmalloc(c[4].len + 1);
        memcpy(v->close_payload, c[4].s, c[4].len);
        v->close_payload[c[4].len] = 0;
    }
    return 0;
}

/* The findings of the visit's current visit_close (what the device
 * judged when it closed the visit, core/visit/visit.c), one row each with
 * the class this program's catalogue gives the code and the visit's
 * institution and device (what conflicts compare), and their sums per code
 * (finding_sum: what summaries read, a few rows per visit). */
#define NCOL 16
#define FINDING_ROWS 64 /* rows per statement: NCOL * 64 = HQDB_MAX_PARAMS */
static char *finding_sql[FINDING_ROWS + 1];

static const char *finding_insert(int rows)
{
    if (!finding_sql[rows]) {
        struct buf b = BUF_INIT;
        int k = 1;

        buf_adds(&b, "INSERT INTO finding (visit, n, workflow, grp, code, scope, cls, subject,"
                     " detail, amount_fen, fund_loss_fen, count, vkey, summed, site, device)"
                     " VALUES ");
        for (int r = 0; r < rows; r++) {
            buf_adds(&b, r ? ", (" : "(");
            for (int c = 0; c < NCOL; c++)
                buf_addf(&b, c ? ", $%d" : "$%d", k++);
            buf_addch(&b, ')');
        }
        finding_sql[rows] = buf_detach(&b, NULL);
    }
    return finding_sql[rows];
}

/* 1 when an event's payload says it was recorded under the test clock
 * (core/store/event.c marks every such event). */
static int test_clock_of(json_t *payload)
{
    return json_is_true(json_object_get(payload, "test_clock"));
}

static int test_clock_in(const char *payload)
{
    json_t *o = payload ? json_loads(payload, 0, NULL) : NULL;
    int yes = test_clock_of(o);

    json_decref(o);
    return yes;
}

static int64_t jint_or(json_t *o, const char *key, int64_t def)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? json_integer_value(v) : def;
}

/* One code's sum over a visit. */
struct fsum {
    const char *code, *vkey, *cls;
    int64_t scope, count, amount, loss;
};

static int fsum_cmp(const void *a, const void *b)
{
    const struct fsum *x = a, *y = b;
    int c = strcmp(x->code, y->code);

    if (!c)
        c = (x->scope > y->scope) - (x->scope < y->scope);
    return c ? c : strcmp(x->vkey, y->vkey);
}

#define SUM_ROWS 32
static char *sum_sql[SUM_ROWS + 1];

static const char *sum_insert(int rows)
{
    if (!sum_sql[rows]) {
        struct buf b = BUF_INIT;
        int k = 1;

        buf_adds(&b, "INSERT INTO finding_sum (visit, site, month, workflow, cls, code, scope,"
                     " vkey, count, amount_fen, fund_loss_fen) VALUES ");
        for (int r = 0; r < rows; r++) {
            buf_adds(&b, r ? ", (" : "(");
            for (int c = 0; c < 11; c++)
                buf_addf(&b, c ? ", $%d" : "$%d", k++);
            buf_addch(&b, ')');
        }
        sum_sql[rows] = buf_detach(&b, NULL);
    }
    return sum_sql[rows];
}

static int sums_write(struct hqdb *db, const char *visit, const char *site, const char *month,
                      const char *workflow, struct fsum *v, size_t n, struct fc_error *err)
{
    struct hqdb_val p[SUM_ROWS * 11];
    int rows = 0, rc = FC_OK;

    if (n)
        qsort(v, n, sizeof(*v), fsum_cmp);
    for (size_t i = 0; i < n && !rc;) {
        struct fsum t = v[i];
        struct hqdb_val *r = &p[rows * 11];
        size_t j = i + 1;

        for (; j < n && !fsum_cmp(&v[i], &v[j]); j++) {
            t.count += v[j].count;
            t.amount += v[j].amount;
            t.loss += v[j].loss;
        }
        r[0] = HQDB_S(visit);
        r[1] = HQDB_S(site);
        r[2] = HQDB_S(month);
        r[3] = HQDB_S(workflow);
        r[4] = HQDB_S(t.cls);
        r[5] = HQDB_S(t.code);
        r[6] = HQDB_I(t.scope);
        r[7] = HQDB_S(t.vkey);
        r[8] = HQDB_I(t.count);
        r[9] = HQDB_I(t.amount);
        r[10] = HQDB_I(t.loss);
        rows++;
        i = j;
        while (rows && (rows == SUM_ROWS || i >= n)) {
            int take = rows >= SUM_ROWS ? SUM_ROWS : rows >= 4 ? 4 : 1;
            rc = hqdb_exec(db, sum_insert(take), p, take * 11, NULL, err);
            if (rc)
                break;
            rows -= take;
            memmove(p, &p[take * 11], (size_t)rows * 11 * sizeof(*p));
        }
    }
    return rc;
}

static int findings_write(struct hqdb *db, const char *visit, const char *workflow,
                          const char *site, const char *device, const char *opened_local,
                          const char *close_payload, struct fc_error *err)
{
    struct hqdb_val p[FINDING_ROWS * NCOL];
    json_t *o = close_payload ? json_loads(close_payload, JSON_REJECT_DUPLICATES, NULL) : NULL;
    json_t *list = json_object_get(o, "findings");
    const struct workflow *wf = workflow ? workflow_find(workflow) : NULL;
    struct hqdb_val q[] = {HQDB_S(visit)};
    size_t n = json_is_array(list) ? json_array_size(list) : 0, nsums = 0;
    struct fsum *sums = xcalloc(n + 1, sizeof(*sums));
    char month[8] = "";
    int rows = 0, rc = hqdb_exec(db, "DELETE FROM finding WHERE visit = $1", q, 1, NULL, err);

    if (!rc)
        rc = hqdb_exec(db, "DELETE FROM finding_sum WHERE visit = $1", q, 1, NULL, err);
    if (opened_local)
        snprintf(month, sizeof(month), "%.7s", opened_local);
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *f = json_array_get(list, i);
        const char *code = jstr(f, "code"), *cls;
        const struct verdict *def;
        struct hqdb_val *r = &p[rows * NCOL];
        int64_t scope = jint_or(f, "scope", 0);

        if (!code)
            continue; /* not a finding: nothing to count */
        def = wf ? workflow_verdict_in(wf, code, (unsigned)scope) : NULL;
        cls = def ? verdict_class_name(def->cls) : NULL;
        r[0] = HQDB_S(visit);
        r[1] = HQDB_I((int64_t)i);
        r[2] = HQDB_S(workflow);
        r[3] = HQDB_S(jstr(f, "group"));
        r[4] = HQDB_S(code);
        r[5] = HQDB_I(scope);
        r[6] = HQDB_S(cls);
        r[7] = HQDB_S(jstr(f, "subject"));
        r[8] = HQDB_S(jstr(f, "detail"));
        r[9] = HQDB_I(jint_or(f, "amount_fen", 0));
        r[10] = HQDB_I(jint_or(f, "fund_loss_fen", 0));
        r[11] = HQDB_I(jint_or(f, "count", 1));
        r[12] = HQDB_S(jstr(f, "key"));
        r[13] = HQDB_I(json_is_true(json_object_get(f, "summed")));
        r[14] = HQDB_S(site);
        r[15] = HQDB_S(device);
        sums[nsums++] = (struct fsum){
            code,   jstr(f, "key") ? jstr(f, "key") : "", cls ? cls : "", scope, r[11].i, r[9].i,
            r[10].i};
        rows++;
        while (rows && (rows == FINDING_ROWS || i + 1 == n)) {
            int take = rows >= FINDING_ROWS ? FINDING_ROWS : rows >= 8 ? 8 : 1;
            rc = hqdb_exec(db, finding_insert(take), p, take * NCOL, NULL, err);
            if (rc)
                break;
            rows -= take;
            memmove(p, &p[take * NCOL], (size_t)rows * NCOL * sizeof(*p));
        }
    }
    /* a code-less last entry leaves rows unwritten */
    while (!rc && rows) {
        int take = rows >= 8 ? 8 : 1;
        rc = hqdb_exec(db, finding_insert(take), p, take * NCOL, NULL, err);
        rows -= take;
        memmove(p, &p[take * NCOL], (size_t)rows * NCOL * sizeof(*p));
    }
    if (!rc)
        rc = sums_write(db, visit, site, month[0] ? month : NULL, workflow ? workflow : "", sums,
                        nsums, err);
    free(sums);
    json_decref(o);
    return rc;
}

static int visit_recompute(struct hqdb *db, const char *visit, struct fc_error *err)
{
    struct visit_src v;
    struct hqdb_val p[1] = {HQDB_S(visit)};
    json_t *o = NULL;
    char *insp = NULL;
    char ol[CLOCK_ISO_MAX], cl[CLOCK_ISO_MAX];
    int rc;

    memset(&v, 0, sizeof(v));
    rc = hqdb_query(db,
                    "SELECT device, kind, hash, at, payload FROM event e WHERE visit = $1 AND"
                    " kind IN ('visit_open', 'visit_close') AND hash = (SELECT min(hash) FROM"
                    " event x WHERE x.device = e.device AND x.seq = e.seq)",
                    p, 1, visit_src_row, &v, err);
    if (rc)
        goto out;
    if (!v.open_hash[0] && !v.close_hash[0]) {
        rc = hqdb_exec(db, "DELETE FROM visit WHERE visit = $1", p, 1, NULL, err);
        if (!rc)
            rc = hqdb_exec(db, "DELETE FROM finding WHERE visit = $1", p, 1, NULL, err);
        if (!rc)
            rc = hqdb_exec(db, "DELETE FROM finding_sum WHERE visit = $1", p, 1, NULL, err);
        goto out;
    }
    if (v.open_payload)
        o = json_loads(v.open_payload, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_array(json_object_get(o, "inspectors")))
        insp = json_dumps(json_object_get(o, "inspectors"), JSON_COMPACT | JSON_ENCODE_ANY);
    {
        json_t *ver = json_object_get(o, "mission_version");
        struct hqdb_val q[] = {
            HQDB_S(visit),
            HQDB_S(v.device),
            HQDB_S(jstr(o, "mission_id")),
            json_is_integer(ver) ? HQDB_I(json_integer_value(ver)) : HQDB_S(NULL),
            HQDB_S(jstr(o, "mission_sha256")),
            HQDB_S(jstr(o, "site_code")),
            HQDB_S(jstr(o, "site_name")),
            HQDB_S(jstr(o, "kind")),
            HQDB_S(insp),
            HQDB_S(v.opened_at[0] ? v.opened_at : NULL),
            HQDB_S(v.opened_at[0] ? clock_iso_local(v.opened_at, ol) : NULL),
            HQDB_S(v.closed_at[0] ? v.closed_at : NULL),
            HQDB_S(v.closed_at[0] ? clock_iso_local(v.closed_at, cl) : NULL),
            HQDB_S(jstr(o, "pack_sha256")),
            HQDB_S(jstr(o, "signed_by")),
            HQDB_I(test_clock_of(o) || test_clock_in(v.close_payload)),
        };
        rc = hqdb_exec(
            db,
            "INSERT INTO visit (visit, device, mission_id, mission_version, mission_sha256,"
            " site_code, site_name, workflow, inspectors, opened_at, opened_local, closed_at,"
            " closed_local, pack_sha256, signed_by, test_clock) VALUES ($1, $2, $3, $4, $5, $6,"
            " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
            " ON CONFLICT (visit) DO UPDATE SET device = excluded.device, mission_id ="
            " excluded.mission_id, mission_version = excluded.mission_version, mission_sha256 ="
            " excluded.mission_sha256, site_code = excluded.site_code, site_name ="
            " excluded.site_name, workflow = excluded.workflow, inspectors = excluded.inspectors,"
            " opened_at = excluded.opened_at, opened_local = excluded.opened_local, closed_at ="
            " excluded.closed_at, closed_local = excluded.closed_local, pack_sha256 ="
            " excluded.pack_sha256, signed_by = excluded.signed_by, test_clock ="
            " excluded.test_clock",
            q, 16, NULL, err);
    }
    if (!rc)
        rc = findings_write(db, visit, jstr(o, "kind"), jstr(o, "site_code"), v.device,
                            v.opened_at[0] ? ol : NULL, v.close_payload, err);
    /* an institution HQ did not know from its packs: its name from the visit */
    if (!rc && jstr(o, "site_code")) {
        struct hqdb_val q[] = {HQDB_S(jstr(o, "site_code")), HQDB_S(jstr(o, "site_name"))};
        rc = hqdb_exec(db,
                       "INSERT INTO site (site_code, site_name) VALUES ($1, $2)"
                       " ON CONFLICT (site_code) DO NOTHING",
                       q, 2, NULL, err);
    }
out:
    json_decref(o);
    free(insp);
    free(v.open_payload);
    free(v.close_payload);
    return rc;
}

static int visit_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Boxes seen: rows added and removed by (device, seq), the removals first
 * (a displaced event and its replacement share the key). */
static int boxes_apply(struct hqdb *db, struct derive *d, struct fc_error *err)
{
    int rc = FC_OK;

    for (int pass = 0; pass < 2 && !rc; pass++)
        for (size_t i = 0; i < d->nboxes && !rc; i++) {
            const struct box *b = &d->boxes[i];
            if ((pass == 0) != (b->sign < 0))
                continue;
            if (b->sign < 0) {
                struct hqdb_val p[] = {HQDB_S(b->device), HQDB_I(b->seq)};
                rc = hqdb_exec(db, "DELETE FROM box_obs WHERE device = $1 AND seq = $2", p, 2, NULL,
                               err);
            } else {
                struct hqdb_val p[] = {HQDB_S(b->device),  HQDB_I(b->seq),     HQDB_S(b->visit),
                                       HQDB_S(b->box_key), HQDB_S(b->verdict), HQDB_S(b->at)};
                rc = hqdb_exec(db,
                               "INSERT INTO box_obs (device, seq, visit, box_key, verdict, at)"
                               " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (device, seq) DO"
                               " UPDATE SET visit = excluded.visit, box_key = excluded.box_key,"
                               " verdict = excluded.verdict, at = excluded.at",
                               p, 6, NULL, err);
            }
        }
    return rc;
}

static int derive_apply(struct hqdb *db, struct derive *d, struct fc_error *err)
{
    int rc = deltas_apply(db, &d->tally, &upsert_tally, err);

    if (!rc)
        rc = boxes_apply(db, d, err);
    if (d->nvisits)
        qsort(d->visits, d->nvisits, sizeof(*d->visits), visit_cmp);
    for (size_t i = 0; i < d->nvisits && !rc; i++)
        if (i == 0 || strcmp(d->visits[i], d->visits[i - 1]))
            rc = visit_recompute(db, d->visits[i], err);
    derive_release(d);
    return rc;
}

/* ---- import ------------------------------------------------------------------- */

/* One version already held for a seq of the bundle's range. */
struct held {
    int64_t seq;
    char hash[HASH_HEX_LEN + 1];
};

/* One import in progress: the transaction's state between the producer's
 * calls (hqstore_import_begin, then hqstore_import_events per batch). */
struct hqstore_import_sink {
    struct hqdb *db;
    struct hq_bundle_row b;
    struct hqstore_import_stats *stats;
    int begun;
    int64_t next_seq; /* the seq the next batch must start with */
    struct held *held;
    size_t nheld;
    struct event *fresh; /* copies of the new events (pointers borrow the batch) */
    size_t nfresh;
};

static int held_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct hqstore_import_sink *im = ctx;

    (void)n;
    im->held = xreallocarray(im->held, im->nheld + 1, sizeof(*im->held));
    im->held[im->nheld].seq = c[0].i;
    hqdb_col_text(&c[1], im->held[im->nheld].hash, sizeof(im->held[0].hash));
    im->nheld++;
    return 0;
}

struct old_event {
    char *visit, *kind, *at, *payload;
};

static char *col_dup(const struct hqdb_val *v)
{
    char *s;

    if (v->type == HQDB_NULL)
        return NULL;
    s = xmalloc(v->len + 1);
    memcpy(s, v->s, v->len);
    s[v->len] = 0;
    return s;
}

static int old_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct old_event *o = ctx;

    (void)n;
    o->visit = col_dup(&c[0]);
    o->kind = col_dup(&c[1]);
    o->at = col_dup(&c[2]);
    o->payload = col_dup(&c[3]);
    return 1;
}

/* The current event being displaced by a smaller hash stops counting. */
static int derive_displaced(struct hqdb *db, struct derive *d, const char *device, int64_t seq,
                            const char *hash, struct fc_error *err)
{
    struct old_event o = {NULL, NULL, NULL, NULL};
    struct hqdb_val p[] = {HQDB_S(device), HQDB_I(seq), HQDB_S(hash)};
    int rc = hqdb_query(db,
                        "SELECT visit, kind, at, payload FROM event WHERE device = $1 AND"
                        " seq = $2 AND hash = $3",
                        p, 3, old_row, &o, err);

    if (rc == 1) {
        derive_event(d, device, seq, o.visit, o.at, o.kind, o.payload, -1);
        rc = FC_OK;
    } else if (rc == 0) {
        rc = fc_error_set(err, FC_EINTERNAL, "event %s:%lld vanished during an import", device,
                          (long long)seq);
    }
    free(o.visit);
    free(o.kind);
    free(o.at);
    free(o.payload);
    return rc;
}

int hqstore_import_begin(struct hqstore_import_sink *im, const struct hq_bundle_row *b,
                         struct fc_error *err)
{
    struct hqdb *db = im->db;
    struct hq_device dev;
    int64_t changes = 0;
    int rc;

    if (im->begun)
        BUG("hqstore_import_begin called twice");
    im->begun = 1;
    im->b = *b;
    im->next_seq = b->first_seq;
    rc = hqdb_lock_device(db, b->device, err);
    if (!rc)
        rc = hqstore_device_get(db, b->device, &dev, err);
    if (rc == FC_ENOTFOUND)
        return fc_error_set(err, FC_ESTATE, "device '%s' is not enrolled", b->device);
    if (rc)
        return rc;
    if (dev.revoked_at[0])
        return fc_error_set(err, FC_ESTATE, "device '%s' was revoked at %s", b->device,
                            dev.revoked_at);
    {
        struct hqdb_val p[] = {HQDB_S(b->sha256),    HQDB_S(b->device),    HQDB_I(b->bundle_seq),
                               HQDB_I(b->first_seq), HQDB_I(b->last_seq),  HQDB_S(b->prev_bundle),
                               HQDB_S(b->prev_head), HQDB_S(b->chain_head)};
        rc = hqdb_exec(db,
                       "INSERT INTO bundle (sha256, device, bundle_seq, first_seq, last_seq,"
                       " prev_bundle, prev_head, chain_head) VALUES ($1, $2, $3, $4, $5, $6, $7,"
                       " $8) ON CONFLICT (sha256) DO NOTHING",
                       p, 8, &changes, err);
    }
    if (rc)
        return rc;
    if (!changes) {
        im->stats->duplicate = 1;
        return 1;
    }
    return FC_OK;
}

int hqstore_import_events(struct hqstore_import_sink *im, const struct event *ev, size_t n,
                          struct fc_error *err)
{
    struct hqdb *db = im->db;
    struct derive d;
    int64_t added = 0;
    size_t h = 0;
    int rc = FC_OK;

    if (!im->begun || im->stats->duplicate)
        BUG("hqstore_import_events without a begun import");
    if (!n)
        return FC_OK;
    for (size_t i = 0; i < n; i++)
        if (ev[i].seq != im->next_seq + (int64_t)i || strcmp(ev[i].device, im->b.device) ||
            ev[i].seq > im->b.last_seq)
            return fc_error_set(err, FC_EINTERNAL,
                                "events of bundle '%.16s' are not consecutive events of its "
                                "device",
                                im->b.sha256);
    im->next_seq += (int64_t)n;
    memset(&d, 0, sizeof(d));
    im->nheld = 0;
    im->nfresh = 0;
    {
        struct hqdb_val p[] = {HQDB_S(im->b.device), HQDB_I(ev[0].seq), HQDB_I(ev[n - 1].seq)};
        rc = hqdb_query(db,
                        "SELECT seq, hash FROM event WHERE device = $1 AND seq BETWEEN $2 AND $3"
                        " ORDER BY seq, hash",
                        p, 3, held_row, im, err);
    }
    if (rc)
        return rc;
    /* which events are new, which become current, whom they displace */
    for (size_t i = 0; i < n && !rc; i++) {
        const struct event *e = &ev[i];
        const char *min = NULL;
        int same = 0;
        size_t versions = 0;

        while (h < im->nheld && im->held[h].seq < e->seq)
            h++;
        for (size_t k = h; k < im->nheld && im->held[k].seq == e->seq; k++) {
            versions++;
            if (!strcmp(im->held[k].hash, e->hash))
                same = 1;
            if (!min)
                min = im->held[k].hash; /* held rows are sorted by hash */
        }
        if (same) {
            if (versions > 1)
                im->stats->equivocations++;
            continue;
        }
        im->fresh = xreallocarray(im->fresh, im->nfresh + 1, sizeof(*im->fresh));
        im->fresh[im->nfresh++] = *e;
        if (versions) {
            im->stats->equivocations++;
            {
                struct hqdb_val p[] = {HQDB_S(im->b.device), HQDB_I(e->seq)};
                rc = hqdb_exec(db,
                               "INSERT INTO equivocation (device, seq) VALUES ($1, $2)"
                               " ON CONFLICT DO NOTHING",
                               p, 2, NULL, err);
            }
            if (rc || strcmp(e->hash, min) > 0)
                continue; /* not the current version */
            rc = derive_displaced(db, &d, im->b.device, e->seq, min, err);
        }
        derive_event(&d, e->device, e->seq, e->visit, e->at, e->kind, e->payload, 1);
    }
    if (!rc)
        rc = hqdb_insert_events(db, im->fresh, im->nfresh, &added, err);
    if (!rc && added != (int64_t)im->nfresh)
        rc = fc_error_set(err, FC_EINTERNAL,
                          "bundle '%.16s': %lld of %zu new events were stored: another writer "
                          "merged this device without its lock",
                          im->b.sha256, (long long)added, im->nfresh);
    /* the derived rows are written after the events: a visit's row is
     * recomputed from the events as they now stand */
    if (!rc)
        rc = derive_apply(db, &d, err);
    derive_release(&d);
    im->stats->events_new += added;
    im->stats->events_known += (int64_t)n - added;
    return rc;
}

struct stream {
    struct hqstore_import_sink *im;
    hqstore_producer produce;
    void *ctx;
};

static int stream_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct stream *st = ctx;
    struct hqstore_import_sink *im = st->im;
    int rc;

    (void)db;
    im->begun = 0;
    memset(im->stats, 0, sizeof(*im->stats));
    rc = st->produce(st->ctx, im, err);
    if (rc == 1 && im->stats->duplicate) {
        hqdb_rollback(im->db); /* the same bundle: nothing to keep */
        return FC_OK;
    }
    if (!rc && !im->begun)
        BUG("an import producer returned without calling hqstore_import_begin");
    if (!rc && im->next_seq != im->b.last_seq + 1)
        rc = fc_error_set(err, FC_EINTERNAL, "bundle '%.16s' ended at seq %lld, not %lld",
                          im->b.sha256, (long long)im->next_seq - 1, (long long)im->b.last_seq);
    return rc > 0 ? FC_EINTERNAL : rc;
}

int hqstore_import_stream(struct hqdb *db, hqstore_producer produce, void *ctx,
                          struct hqstore_import_stats *stats, struct fc_error *err)
{
    struct hqstore_import_stats local = {0};
    struct hqstore_import_sink im;
    struct stream st = {&im, produce, ctx};
    int rc;

    memset(&im, 0, sizeof(im));
    im.db = db;
    im.stats = stats ? stats : &local;
    rc = run_txn(db, HQDB_WRITE, stream_body, &st, err);
    free(im.held);
    free(im.fresh);
    return rc;
}

struct whole {
    const struct hq_bundle_row *b;
    const struct event *ev;
    size_t n;
};

static int produce_whole(void *ctx, struct hqstore_import_sink *sink, struct fc_error *err)
{
    struct whole *w = ctx;
    int rc = hqstore_import_begin(sink, w->b, err);

    return rc ? rc : hqstore_import_events(sink, w->ev, w->n, err);
}

int hqstore_import(struct hqdb *db, const struct hq_bundle_row *b, const struct event *events,
                   size_t n, struct hqstore_import_stats *stats, struct fc_error *err)
{
    struct whole w = {b, events, n};

    return hqstore_import_stream(db, produce_whole, &w, stats, err);
}

/* ---- quarantine ----------------------------------------------------------------- */

struct quarantine_args {
    const char *sha, *device, *reason;
    const void *header;
    size_t header_len;
    uint64_t size;
    int64_t cap;
};

static int quarantine_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct quarantine_args *q = ctx;
    struct hqdb_val p[] = {HQDB_S(q->sha), HQDB_S(q->device), HQDB_S(q->reason),
                           HQDB_B(q->header, q->header_len), HQDB_I((int64_t)q->size)};
    struct hqdb_val dev[] = {HQDB_S(q->device)}, sha[] = {HQDB_S(q->sha)};
    int64_t held = 0, same = 0;
    /* the device lock also serialises quarantines of one (claimed) device,
     * so two importers cannot both take the last place */
    int rc = hqdb_lock_device(db, q->device, err);

    if (!rc)
        rc = hqdb_query_int(db, "SELECT count(*) FROM quarantine WHERE sha256 = $1", sha, 1, &same,
                            err);
    if (rc || same)
        return rc;
    rc =
        hqdb_query_int(db, "SELECT count(*) FROM quarantine WHERE device = $1", dev, 1, &held, err);
    if (rc)
        return rc;
    if (held >= q->cap)
        return fc_error_set(err, FC_ELIMIT,
                            "the quarantine of device '%s' is full (%lld bundles): 'hq quarantine "
                            "purge --device %s' after looking at them",
                            q->device, (long long)held, q->device);
    return hqdb_exec(db,
                     "INSERT INTO quarantine (sha256, device, reason, header, size)"
                     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
                     p, 5, NULL, err);
}

int hqstore_quarantine(struct hqdb *db, const char *sha256_hex, const char *device,
                       const char *reason, const void *header, size_t header_len, uint64_t size,
                       int64_t cap, struct fc_error *err)
{
    struct quarantine_args q = {sha256_hex,
                                device ? device : "",
                                reason,
                                header,
                                header_len,
                                size,
                                cap > 0 ? cap : HQ_QUARANTINE_CAP};

    return run_txn(db, HQDB_WRITE, quarantine_body, &q, err);
}

struct quarantine_each {
    struct hq_quarantined *v;
    size_t n;
};

static int quarantine_collect(void *ctx, const struct hqdb_val *c, int n)
{
    struct quarantine_each *e = ctx;
    struct hq_quarantined *q = PUSH(e->v, e->n);

    (void)n;
    hqdb_col_text(&c[0], q->sha256, sizeof(q->sha256));
    hqdb_col_text(&c[1], q->device, sizeof(q->device));
    hqdb_col_text(&c[2], q->reason, sizeof(q->reason));
    q->size = c[3].i;
    q->bundle_seq = c[4].type == HQDB_BLOB && c[4].len >= 64
                        ? (int64_t)(((uint64_t)(unsigned char)c[4].s[48] << 56) |
                                    ((uint64_t)(unsigned char)c[4].s[49] << 48) |
                                    ((uint64_t)(unsigned char)c[4].s[50] << 40) |
                                    ((uint64_t)(unsigned char)c[4].s[51] << 32) |
                                    ((uint64_t)(unsigned char)c[4].s[52] << 24) |
                                    ((uint64_t)(unsigned char)c[4].s[53] << 16) |
                                    ((uint64_t)(unsigned char)c[4].s[54] << 8) |
                                    (uint64_t)(unsigned char)c[4].s[55])
                        : 0;
    return 0;
}

int hqstore_quarantine_foreach(struct hqdb *db, const char *device,
                               int (*cb)(const struct hq_quarantined *q, void *ctx), void *ctx,
                               struct fc_error *err)
{
    struct quarantine_each e = {NULL, 0};
    struct hqdb_val p[] = {HQDB_S(device)};
    int rc = device ? hqdb_query(db,
                                 "SELECT sha256, device, reason, size, header FROM quarantine"
                                 " WHERE device = $1 ORDER BY sha256",
                                 p, 1, quarantine_collect, &e, err)
                    : hqdb_query(db,
                                 "SELECT sha256, device, reason, size, header FROM quarantine"
                                 " ORDER BY device, sha256",
                                 NULL, 0, quarantine_collect, &e, err);

    for (size_t i = 0; !rc && i < e.n; i++)
        rc = cb(&e.v[i], ctx);
    free(e.v);
    return rc;
}

struct purge {
    const char *device;
    int64_t removed;
};

static int purge_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct purge *pg = ctx;
    struct hqdb_val p[] = {HQDB_S(pg->device)};

    pg->removed = 0;
    return pg->device
               ? hqdb_exec(db, "DELETE FROM quarantine WHERE device = $1", p, 1, &pg->removed, err)
               : hqdb_exec(db, "DELETE FROM quarantine", NULL, 0, &pg->removed, err);
}

int hqstore_quarantine_purge(struct hqdb *db, const char *device, int64_t *removed,
                             struct fc_error *err)
{
    struct purge pg = {device, 0};
    int rc = run_txn(db, HQDB_WRITE, purge_body, &pg, err);

    if (removed)
        *removed = rc ? 0 : pg.removed;
    return rc;
}

/* ---- issued packs ------------------------------------------------------------- */

struct issued {
    const char *sha, *mission_id, *issued_at, *expires_at;
    int64_t version;
    char *targets;
};

static int issued_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct issued *i = ctx;
    struct hqdb_val p[] = {HQDB_S(i->sha),       HQDB_S(i->mission_id), HQDB_I(i->version),
                           HQDB_S(i->issued_at), HQDB_S(i->expires_at), HQDB_S(i->targets)};

    return hqdb_exec(db,
                     "INSERT INTO issued_pack (sha256, mission_id, version, issued_at,"
                     " expires_at, targets) VALUES ($1, $2, $3, $4, $5, $6)"
                     " ON CONFLICT (sha256) DO NOTHING",
                     p, 6, NULL, err);
}

int hqstore_pack_issued(struct hqdb *db, const char *sha256_hex, const char *mission_id,
                        int64_t version, const char *issued_at, const char *expires_at,
                        const char *const *targets, size_t n, struct fc_error *err)
{
    json_t *a = json_array();
    struct issued i = {
        sha256_hex, mission_id, issued_at ? issued_at : "", expires_at ? expires_at : "",
        version,    NULL};
    int rc;

    for (size_t k = 0; k < n; k++)
        json_array_append_new(a, json_string(targets[k]));
    i.targets = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    rc = run_txn(db, HQDB_WRITE, issued_body, &i, err);
    free(i.targets);
    return rc;
}

/* ---- receipts ------------------------------------------------------------------- */

struct acked {
    int64_t expect, stop;
    char prev[HASH_HEX_LEN + 1];
};

static int acked_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct acked *a = ctx;
    char hash[HASH_HEX_LEN + 1], prev[HASH_HEX_LEN + 1];

    (void)n;
    hqdb_col_text(&c[1], hash, sizeof(hash));
    hqdb_col_text(&c[2], prev, sizeof(prev));
    if (c[0].i != a->expect || (a->stop && c[0].i >= a->stop) || strcmp(prev, a->prev) != 0)
        return 1;
    memcpy(a->prev, hash, sizeof(hash));
    a->expect++;
    return 0;
}

int hqstore_acked(struct hqdb *db, const char *device, int64_t *seq, char head[HASH_HEX_LEN + 1],
                  struct fc_error *err)
{
    struct acked a;
    struct hqdb_val p[] = {HQDB_S(device)};
    int rc;

    memset(&a, 0, sizeof(a));
    a.expect = 1;
    memcpy(a.prev, zero_hex, sizeof(a.prev));
    rc = hqdb_begin(db, HQDB_READ, err);
    /* the first equivocated seq ends what HQ can acknowledge */
    if (!rc)
        rc = hqdb_query_int(db, "SELECT min(seq) FROM equivocation WHERE device = $1", p, 1,
                            &a.stop, err);
    if (!rc)
        rc = hqdb_query(db, "SELECT seq, hash, prev_hash FROM event WHERE device = $1 ORDER BY seq",
                        p, 1, acked_row, &a, err);
    hqdb_rollback(db);
    if (rc < 0)
        return rc;
    *seq = a.expect - 1;
    memcpy(head, a.prev, sizeof(a.prev));
    return FC_OK;
}

/* ---- digest ------------------------------------------------------------------------ */

static void digest_field(struct hash_ctx *h, const void *p, size_t len)
{
    unsigned char be[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len};
    hash_update(h, be, 4);
    if (len)
        hash_update(h, p, len);
}

static int digest_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct hash_ctx *h = ctx;

    for (int i = 0; i < n; i++) {
        /* type tags as SQLite numbers them: the digest of an hq.db does not
         * change with the move to this code */
        static const unsigned char tag[] = {5, 1, 3, 4};
        unsigned char t = tag[c[i].type];
        char num[24];

        hash_update(h, &t, 1);
        if (c[i].type == HQDB_INT) {
            /* SQLite's column_blob of an integer is its decimal text */
            int len = snprintf(num, sizeof(num), "%lld", (long long)c[i].i);
            digest_field(h, num, (size_t)len);
        } else {
            digest_field(h, c[i].s, c[i].type == HQDB_NULL ? 0 : c[i].len);
        }
    }
    return 0;
}

static const char *const digest_dumps[] = {
    "SELECT id, sign_pk, box_pk, fingerprint, cert, CASE WHEN revoked_at IS NULL THEN 0 ELSE 1"
    " END FROM device ORDER BY id",
    "SELECT sha256, device, bundle_seq, first_seq, last_seq, prev_bundle, prev_head,"
    " chain_head FROM bundle ORDER BY sha256",
    "SELECT device, seq, hash, id, visit, at, kind, subject, payload, prev_hash FROM event"
    " ORDER BY device, seq, hash",
    "SELECT sha256, device, reason, header, size FROM quarantine ORDER BY sha256",
    "SELECT sha256, mission_id, version, issued_at, expires_at, targets FROM issued_pack"
    " ORDER BY sha256",
    NULL,
};

static int digest_of(struct hqdb *db, const char *const *dumps, char out[HASH_HEX_LEN + 1],
                     struct fc_error *err);

int hqstore_digest(struct hqdb *db, char out[HASH_HEX_LEN + 1], struct fc_error *err)
{
    return digest_of(db, digest_dumps, out, err);
}

/* The same tables but the events: each bundle row stands for the events its
 * file carried (its SHA-256 fixes them), so the set of rows is as much the
 * state as the events, and reading it costs nothing at any size. */
int hqstore_state_code(struct hqdb *db, char out[HASH_HEX_LEN + 1], struct fc_error *err)
{
    const char *const dumps[] = {digest_dumps[0], digest_dumps[1], digest_dumps[3], digest_dumps[4],
                                 NULL};

    return digest_of(db, dumps, out, err);
}

static int digest_of(struct hqdb *db, const char *const *dumps, char out[HASH_HEX_LEN + 1],
                     struct fc_error *err)
{
    struct hash_ctx h;
    unsigned char bin[HASH_LEN];
    int rc = hqdb_begin(db, HQDB_READ, err);

    hash_init(&h);
    for (int t = 0; dumps[t] && !rc; t++) {
        digest_field(&h, dumps[t], strlen(dumps[t]));
        rc = hqdb_query(db, dumps[t], NULL, 0, digest_row, &h, err);
    }
    hqdb_rollback(db);
    if (rc)
        return rc;
    hash_final(&h, bin);
    hash_to_hex(out, bin, HASH_LEN);
    return FC_OK;
}

/* ---- rebuild --------------------------------------------------------------------- */

#define PAGE 5000

/* One page of events in (device, seq, hash) order after a cursor. */
struct page_event {
    char *device, *hash, *visit, *kind, *at, *payload;
    int64_t seq;
};

struct page {
    struct page_event *v;
    size_t n;
};

static int page_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct page *p = ctx;
    struct page_event *e = PUSH(p->v, p->n);

    (void)n;
    e->device = col_dup(&c[0]);
    e->seq = c[1].i;
    e->hash = col_dup(&c[2]);
    e->visit = col_dup(&c[3]);
    e->kind = col_dup(&c[4]);
    e->at = col_dup(&c[5]);
    e->payload = col_dup(&c[6]);
    return 0;
}

/* Frees the events of p from i on; p->n becomes i. */
static void page_cut(struct page *p, size_t i)
{
    for (size_t k = i; k < p->n; k++) {
        free(p->v[k].device);
        free(p->v[k].hash);
        free(p->v[k].visit);
        free(p->v[k].kind);
        free(p->v[k].at);
        free(p->v[k].payload);
    }
    p->n = i;
}

static void page_release(struct page *p)
{
    page_cut(p, 0);
    free(p->v);
    memset(p, 0, sizeof(*p));
}

/* Reads the next page after (device, seq); a full page ends before its last
 * (device, seq) so that the versions of one seq are never split. */
static int page_next(struct hqdb *db, const char *device, int64_t seq, struct page *p, int *last,
                     struct fc_error *err)
{
    struct hqdb_val q[] = {HQDB_S(device), HQDB_I(seq), HQDB_I(PAGE)};
    int rc = hqdb_query(db,
                        "SELECT device, seq, hash, visit, kind, at, payload FROM event"
                        " WHERE (device, seq) > ($1, $2) ORDER BY device, seq, hash LIMIT $3",
                        q, 3, page_row, p, err);

    *last = p->n < PAGE;
    if (!rc && !*last) {
        size_t keep = p->n;
        while (keep > 0 && !strcmp(p->v[keep - 1].device, p->v[p->n - 1].device) &&
               p->v[keep - 1].seq == p->v[p->n - 1].seq)
            keep--;
        if (keep == 0)
            return fc_error_set(err, FC_ELIMIT, "device '%s' has more than %d versions of seq %lld",
                                p->v[0].device, PAGE, (long long)p->v[0].seq);
        page_cut(p, keep);
    }
    return rc;
}

static int rebuild_clear(struct hqdb *db, void *ctx, struct fc_error *err)
{
    static const char *const sql[] = {"DELETE FROM equivocation",
                                      "DELETE FROM visit",
                                      "DELETE FROM tally",
                                      "DELETE FROM finding",
                                      "DELETE FROM finding_sum",
                                      "DELETE FROM box_obs",
                                      NULL};
    int rc = FC_OK;

    (void)ctx;
    for (int i = 0; sql[i] && !rc; i++)
        rc = hqdb_exec(db, sql[i], NULL, 0, NULL, err);
    return rc;
}

struct rebuild_step {
    char device[33];
    int64_t seq;
    int last;
};

static int rebuild_page(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct rebuild_step *s = ctx;
    struct page p = {NULL, 0};
    struct derive d;
    int rc = page_next(db, s->device, s->seq, &p, &s->last, err);

    memset(&d, 0, sizeof(d));
    for (size_t i = 0; i < p.n && !rc;) {
        size_t j = i + 1;

        /* rows are in hash order within a seq: the first is current */
        while (j < p.n && p.v[j].seq == p.v[i].seq && !strcmp(p.v[j].device, p.v[i].device))
            j++;
        derive_event(&d, p.v[i].device, p.v[i].seq, p.v[i].visit, p.v[i].at, p.v[i].kind,
                     p.v[i].payload, 1);
        if (j - i > 1) {
            struct hqdb_val q[] = {HQDB_S(p.v[i].device), HQDB_I(p.v[i].seq)};
            rc = hqdb_exec(db,
                           "INSERT INTO equivocation (device, seq) VALUES ($1, $2)"
                           " ON CONFLICT DO NOTHING",
                           q, 2, NULL, err);
        }
        i = j;
    }
    if (!rc)
        rc = derive_apply(db, &d, err);
    derive_release(&d);
    if (!rc && p.n) {
        snprintf(s->device, sizeof(s->device), "%s", p.v[p.n - 1].device);
        s->seq = p.v[p.n - 1].seq;
    }
    page_release(&p);
    return rc;
}

static int derived_mark(struct hqdb *db, void *ctx, struct fc_error *err)
{
    char v[16];
    struct hqdb_val p[1];

    (void)ctx;
    snprintf(v, sizeof(v), "%d", HQ_DERIVED_VERSION);
    p[0] = HQDB_S(v);
    return hqdb_exec(db,
                     "INSERT INTO meta (key, value) VALUES ('derived', $1)"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     p, 1, NULL, err);
}

/* The rebuild runs in one transaction per page so that a database of
 * millions of events is not one transaction; the derived tables are only
 * marked current at the end, so an interrupted rebuild starts again. */
int hqstore_rebuild(struct hqdb *db, struct fc_error *err)
{
    struct rebuild_step s;
    int rc = run_txn(db, HQDB_WRITE, rebuild_clear, NULL, err);

    memset(&s, 0, sizeof(s));
    while (!rc && !s.last)
        rc = run_txn(db, HQDB_WRITE, rebuild_page, &s, err);
    if (!rc)
        rc = run_txn(db, HQDB_WRITE, derived_mark, NULL, err);
    return rc;
}

int hqstore_open(struct hqdb **out, const char *target, struct fc_error *err)
{
    struct hqdb *db = NULL;
    int64_t v = 0;
    int rc = hqdb_open(&db, target, err);

    *out = NULL;
    if (rc)
        return rc;
    rc = hqdb_query_int(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'derived'", NULL,
                        0, &v, err);
    if (!rc && v < HQ_DERIVED_VERSION)
        rc = hqstore_rebuild(db, err);
    if (!rc)
        rc = hqstore_labels_sync(db, err);
    if (rc) {
        hqdb_close(db);
        return rc;
    }
    *out = db;
    return FC_OK;
}

/* ---- copy (hq migrate) -------------------------------------------------------------- */

struct copy_rows {
    struct hqdb *dst;
    const char *insert;
    int ncols;
    struct fc_error *err;
};

static int copy_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct copy_rows *r = ctx;

    (void)n;
    return hqdb_exec(r->dst, r->insert, c, r->ncols, NULL, r->err);
}

struct copy_table {
    const char *select, *insert;
    int ncols;
};

/* The base tables besides events; rows are few (devices, bundles). Rows are
 * written while the source query streams: src and dst are two connections. */
static const struct copy_table copy_tables[] = {
    {"SELECT id, sign_pk, box_pk, fingerprint, cert, enrolled_at, revoked_at FROM device",
     "INSERT INTO device (id, sign_pk, box_pk, fingerprint, cert, enrolled_at, revoked_at)"
     " VALUES ($1, $2, $3, $4, $5, $6, $7)",
     7},
    {"SELECT sha256, device, bundle_seq, first_seq, last_seq, prev_bundle, prev_head, chain_head"
     " FROM bundle",
     "INSERT INTO bundle (sha256, device, bundle_seq, first_seq, last_seq, prev_bundle,"
     " prev_head, chain_head) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
     8},
    {"SELECT sha256, device, reason, header, size FROM quarantine",
     "INSERT INTO quarantine (sha256, device, reason, header, size) VALUES ($1, $2, $3, $4, $5)",
     5},
    {"SELECT sha256, mission_id, version, issued_at, expires_at, targets FROM issued_pack",
     "INSERT INTO issued_pack (sha256, mission_id, version, issued_at, expires_at, targets)"
     " VALUES ($1, $2, $3, $4, $5, $6)",
     6},
    {NULL, NULL, 0},
};

struct copy_events {
    struct hqdb *src;
    char device[33];
    int64_t seq;
    char hash[HASH_HEX_LEN + 1];
    int last;
    int64_t copied;
};

struct ev_page {
    struct event *v;
    char **owned;
    size_t n, nowned;
};

static const char *ev_keep(struct ev_page *p, const struct hqdb_val *v)
{
    char *s = col_dup(v);

    if (!s)
        return NULL;
    p->owned = xreallocarray(p->owned, p->nowned + 1, sizeof(*p->owned));
    p->owned[p->nowned++] = s;
    return s;
}

static int ev_page_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct ev_page *p = ctx;
    struct event *e = PUSH(p->v, p->n);

    (void)n;
    hqdb_col_text(&c[0], e->device, sizeof(e->device));
    e->seq = c[1].i;
    hqdb_col_text(&c[2], e->hash, sizeof(e->hash));
    hqdb_col_text(&c[3], e->id, sizeof(e->id));
    e->visit = ev_keep(p, &c[4]);
    hqdb_col_text(&c[5], e->at, sizeof(e->at));
    e->kind = ev_keep(p, &c[6]);
    e->subject = ev_keep(p, &c[7]);
    e->payload = ev_keep(p, &c[8]);
    hqdb_col_text(&c[9], e->prev_hash, sizeof(e->prev_hash));
    return 0;
}

static void ev_page_release(struct ev_page *p)
{
    for (size_t i = 0; i < p->nowned; i++)
        free(p->owned[i]);
    free(p->owned);
    free(p->v);
    memset(p, 0, sizeof(*p));
}

static int copy_events_page(struct hqdb *dst, void *ctx, struct fc_error *err)
{
    struct copy_events *ce = ctx;
    struct ev_page p = {NULL, NULL, 0, 0};
    struct hqdb_val q[] = {HQDB_S(ce->device), HQDB_I(ce->seq), HQDB_S(ce->hash), HQDB_I(PAGE)};
    int64_t added = 0;
    int rc = hqdb_query(ce->src,
                        "SELECT device, seq, hash, id, visit, at, kind, subject, payload,"
                        " prev_hash FROM event WHERE (device, seq, hash) > ($1, $2, $3)"
                        " ORDER BY device, seq, hash LIMIT $4",
                        q, 4, ev_page_row, &p, err);

    if (!rc)
        rc = hqdb_insert_events(dst, p.v, p.n, &added, err);
    if (!rc) {
        ce->last = p.n < PAGE;
        if (p.n) {
            snprintf(ce->device, sizeof(ce->device), "%s", p.v[p.n - 1].device);
            ce->seq = p.v[p.n - 1].seq;
            snprintf(ce->hash, sizeof(ce->hash), "%s", p.v[p.n - 1].hash);
        }
        ce->copied += added;
    }
    ev_page_release(&p);
    return rc;
}

static int copy_base(struct hqdb *dst, void *ctx, struct fc_error *err)
{
    struct hqdb *src = ctx;
    int rc = FC_OK;

    for (int t = 0; copy_tables[t].select && !rc; t++) {
        struct copy_rows r = {dst, copy_tables[t].insert, copy_tables[t].ncols, err};
        rc = hqdb_query(src, copy_tables[t].select, NULL, 0, copy_row, &r, err);
    }
    return rc;
}

int hqstore_copy(struct hqdb *src, struct hqdb *dst, void (*progress)(void *ctx, int64_t events),
                 void *ctx, struct fc_error *err)
{
    struct copy_events ce;
    char a[HASH_HEX_LEN + 1], b[HASH_HEX_LEN + 1];
    int64_t used = 0;
    int rc = hqdb_query_int(dst,
                            "SELECT (SELECT count(*) FROM device) + (SELECT count(*) FROM bundle)"
                            " + (SELECT count(*) FROM quarantine) + (SELECT count(*) FROM"
                            " issued_pack) + (SELECT count(*) FROM"
                            " (SELECT 1 FROM event LIMIT 1) x)",
                            NULL, 0, &used, err);

    if (rc)
        return rc;
    if (used)
        return fc_error_set(err, FC_ESTATE,
                            "'%s' already holds HQ data: migrate only into an empty database",
                            hqdb_target(dst));
    memset(&ce, 0, sizeof(ce));
    ce.src = src;
    rc = hqdb_begin(src, HQDB_READ, err);
    if (!rc)
        rc = run_txn(dst, HQDB_WRITE, copy_base, src, err);
    while (!rc && !ce.last) {
        rc = run_txn(dst, HQDB_WRITE, copy_events_page, &ce, err);
        if (!rc && progress)
            progress(ctx, ce.copied);
    }
    hqdb_rollback(src);
    if (!rc)
        rc = hqstore_rebuild(dst, err);
    if (!rc)
        rc = hqstore_digest(src, a, err);
    if (!rc)
        rc = hqstore_digest(dst, b, err);
    if (!rc && strcmp(a, b) != 0)
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "the copy in '%s' differs from '%s' (digest %.16s, expected %.16s)",
                          hqdb_target(dst), hqdb_target(src), b, a);
    return rc;
}

/* ---- report ----------------------------------------------------------------------- */

struct report {
    const struct hqstore_report_cb *cb;
    /* gaps: the union of each device's bundle ranges */
    char device[33];
    int64_t covered; /* highest seq covered so far for device */
};

static int gap_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct report *r = ctx;
    char device[33];
    int64_t first = c[1].i, last = c[2].i;
    int rc = 0;

    (void)n;
    hqdb_col_text(&c[0], device, sizeof(device));
    if (strcmp(device, r->device)) {
        snprintf(r->device, sizeof(r->device), "%s", device);
        r->covered = 0;
    }
    if (last < first)
        return 0; /* an empty bundle covers nothing */
    if (first > r->covered + 1)
        rc = r->cb->gap(r->cb->ctx, device, r->covered + 1, first - 1);
    if (last > r->covered)
        r->covered = last;
    return rc;
}

static int equivocation_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct report *r = ctx;
    char device[33];

    (void)n;
    hqdb_col_text(&c[0], device, sizeof(device));
    return r->cb->equivocation(r->cb->ctx, device, c[1].i, c[2].i);
}

/* The first ARRAY_SIZE(t) columns of a row as text into the rows of t
 * (char t[N][W]), each cut to W - 1 bytes. */
#define cols_text(c, t) \
    cols_text_n(c, (int)(sizeof(t) / sizeof((t)[0])), &(t)[0][0], sizeof((t)[0]))

static void cols_text_n(const struct hqdb_val *c, int n, char *t, size_t w)
{
    for (int i = 0; i < n; i++)
        hqdb_col_text(&c[i], t + (size_t)i * w, w);
}

static int conflict_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct report *r = ctx;
    char t[10][256];

    (void)n;
    cols_text(c, t);
    return r->cb->conflict(r->cb->ctx, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9]);
}

static int summary_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct report *r = ctx;
    char t[5][256];

    (void)n;
    cols_text(c, t);
    return r->cb->summary(r->cb->ctx, t[0], t[1], t[2], t[3], t[4], c[5].i);
}

static int unissued_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct report *r = ctx;
    char t[6][256];

    (void)n;
    cols_text(c, t);
    return r->cb->unissued(r->cb->ctx, t[0], t[1], t[2], t[3], c[4].type == HQDB_INT ? c[4].i : 0,
                           t[5]);
}

static int test_clock_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct report *r = ctx;
    char t[4][256];

    (void)n;
    cols_text(c, t);
    return r->cb->test_clock(r->cb->ctx, t[0], t[1], t[2], t[3]);
}

static int quarantine_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct report *r = ctx;
    char t[3][512];

    (void)n;
    cols_text(c, t);
    return r->cb->quarantined(r->cb->ctx, t[0], t[1], t[2]);
}

int hqstore_report(struct hqdb *db, const struct hqstore_report_cb *cb, struct fc_error *err)
{
    struct report r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.cb = cb;
    rc = hqdb_begin(db, HQDB_READ, err);
    if (!rc && cb->gap)
        rc = hqdb_query(db,
                        "SELECT device, first_seq, last_seq FROM bundle"
                        " ORDER BY device, first_seq, last_seq",
                        NULL, 0, gap_row, &r, err);
    if (!rc && cb->equivocation)
        rc = hqdb_query(db,
                        "SELECT q.device, q.seq, count(*) FROM equivocation q JOIN event e ON"
                        " e.device = q.device AND e.seq = q.seq GROUP BY q.device, q.seq"
                        " ORDER BY q.device, q.seq",
                        NULL, 0, equivocation_row, &r, err);
    if (!rc && cb->conflict) {
        /* comparable facts only: the finding of one bed of one site, or
         * what one box code was judged, by two devices whose visits
         * overlapped in time. Beds start from the pairs of such visits at
         * one institution (p: a few rows per visit; a finding row carries
         * its visit's site_code and device), then take the findings of
         * those visits only, by visit (fa: the first visit's, with the
         * second's id; fb: the second visits'), and compare them subject by
         * subject: the time grows with the overlapping pairs, not with all
         * findings. MATERIALIZED keeps both planners to that order (they
         * would otherwise start from the findings). */
        struct hqdb_val p[] = {HQDB_I(VERDICT_BED)};
        rc = hqdb_query(
            db,
            "WITH p AS MATERIALIZED (SELECT a.visit AS va, b.visit AS vb FROM visit a JOIN visit"
            " b ON b.site_code = a.site_code AND a.device < b.device AND a.opened_at <="
            " coalesce(b.closed_at, b.opened_at) AND b.opened_at <= coalesce(a.closed_at,"
            " a.opened_at) WHERE a.opened_at IS NOT NULL AND b.opened_at IS NOT NULL),"
            " fa AS MATERIALIZED (SELECT p.vb, f.site, f.subject, f.device, f.code, f.visit FROM"
            " p JOIN finding f ON f.visit = p.va WHERE (f.scope & $1) <> 0 AND f.summed = 0),"
            " fb AS MATERIALIZED (SELECT f.site, f.subject, f.device, f.code, f.visit FROM"
            " finding f WHERE f.visit IN (SELECT vb FROM p) AND (f.scope & $1) <> 0 AND"
            " f.summed = 0),"
            " x AS (SELECT o.box_key, o.device, o.verdict, o.visit, coalesce(v.site_code, '') AS"
            " site, coalesce(v.opened_at, o.at) AS t0, coalesce(v.closed_at, o.at) AS t1"
            " FROM box_obs o LEFT JOIN visit v ON v.visit = o.visit WHERE o.box_key IN (SELECT"
            " box_key FROM box_obs GROUP BY box_key HAVING count(DISTINCT device) > 1))"
            " SELECT DISTINCT 'bed', a.site, a.subject, a.device, a.code, a.visit, b.device,"
            " b.code, b.visit, b.site FROM fa a JOIN fb b ON b.visit = a.vb AND b.subject ="
            " a.subject AND b.site = a.site AND b.code <> a.code AND a.device < b.device"
            " UNION SELECT DISTINCT 'box', a.site, a.box_key, a.device, a.verdict,"
            " coalesce(a.visit, ''), b.device, b.verdict, coalesce(b.visit, ''), b.site FROM x a"
            " JOIN x b ON a.box_key = b.box_key AND a.device < b.device AND (a.verdict <>"
            " b.verdict OR a.site <> b.site) AND a.t0 <= b.t1 AND b.t0 <= a.t1"
            " ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
            p, 1, conflict_row, &r, err);
    }
    if (!rc && cb->summary)
        rc = hqdb_query(db,
                        "SELECT coalesce(v.mission_id, ''), coalesce(v.site_code, ''),"
                        " coalesce(v.workflow, ''), t.kind, t.verdict, CAST(sum(t.n) AS BIGINT)"
                        " FROM tally t LEFT JOIN visit v ON v.visit = t.visit"
                        " GROUP BY coalesce(v.mission_id, ''), coalesce(v.site_code, ''),"
                        " coalesce(v.workflow, ''), t.kind, t.verdict HAVING sum(t.n) > 0"
                        " ORDER BY 1, 2, 3, 4, 5",
                        NULL, 0, summary_row, &r, err);
    if (!rc && cb->quarantined)
        rc = hqdb_query(db, "SELECT sha256, device, reason FROM quarantine ORDER BY sha256", NULL,
                        0, quarantine_row, &r, err);
    if (!rc && cb->unissued)
        rc = hqdb_query(db,
                        "SELECT v.visit, v.device, coalesce(v.site_code, ''),"
                        " coalesce(v.mission_id, ''), v.mission_version,"
                        " coalesce(v.pack_sha256, '') FROM visit v WHERE v.opened_at IS NOT NULL"
                        " AND NOT EXISTS (SELECT 1 FROM issued_pack p WHERE p.sha256 ="
                        " v.pack_sha256) ORDER BY v.visit",
                        NULL, 0, unissued_row, &r, err);
    if (!rc && cb->test_clock)
        rc = hqdb_query(db,
                        "SELECT visit, device, coalesce(site_code, ''), coalesce(opened_local, '')"
                        " FROM visit WHERE test_clock <> 0 ORDER BY visit",
                        NULL, 0, test_clock_row, &r, err);
    hqdb_rollback(db);
    return rc;
}

/* ---- the summary of findings ---------------------------------------------------- */

static void totals_of(const struct hqdb_val *c, struct hqstore_totals *t, char *key, size_t size)
{
    t->count = c[0].i;
    t->visits = c[1].i;
    t->amount_fen = c[2].i;
    t->fund_loss_fen = c[3].i;
    hqdb_col_text(&c[4], key, size);
    t->key = key;
}

static int sum_finding_row(void *ctx, const struct hqdb_val *c, int n)
{
    const struct hqstore_summary_cb *cb = ctx;
    char wf[64], cls[16], code[64], key[64];
    struct hqstore_totals t;

    (void)n;
    hqdb_col_text(&c[0], wf, sizeof(wf));
    hqdb_col_text(&c[1], cls, sizeof(cls));
    hqdb_col_text(&c[2], code, sizeof(code));
    totals_of(&c[4], &t, key, sizeof(key));
    return cb->finding(cb->ctx, wf, cls, code, c[3].i, &t);
}

static int sum_site_row(void *ctx, const struct hqdb_val *c, int n)
{
    const struct hqstore_summary_cb *cb = ctx;
    char t[7][256], key[64];
    struct hqstore_totals tt;

    (void)n;
    cols_text(c, t);
    totals_of(&c[8], &tt, key, sizeof(key));
    return cb->site(cb->ctx, t[0], t[1], t[2], t[3], t[4], t[5], t[6], c[7].i, &tt);
}

static int sum_month_row(void *ctx, const struct hqdb_val *c, int n)
{
    const struct hqstore_summary_cb *cb = ctx;
    char t[3][64], key[64];
    struct hqstore_totals tt;

    (void)n;
    cols_text(c, t);
    totals_of(&c[3], &tt, key, sizeof(key));
    return cb->month(cb->ctx, t[0], t[1], t[2], &tt);
}

static int sum_visit_row(void *ctx, const struct hqdb_val *c, int n)
{
    const struct hqstore_summary_cb *cb = ctx;
    char t[7][256];

    (void)n;
    cols_text(c, t);
    return cb->visit(cb->ctx, t[0], t[1], t[2], t[3], t[4], t[5], t[6], c[7].i, c[8].i, c[9].i,
                     c[10].i);
}

static int sum_visit_finding_row(void *ctx, const struct hqdb_val *c, int n)
{
    const struct hqstore_summary_cb *cb = ctx;
    char t[3][64];

    (void)n;
    cols_text(c, t);
    return cb->visit_finding(cb->ctx, t[0], t[1], t[2], c[3].i, c[4].i, c[5].i, c[6].i);
}

/* Classes in the order reports list them (DESIGN §5): anomalies first. */
#define CLASS_ORDER                                                                        \
    "CASE f.cls WHEN 'anomaly' THEN 0 WHEN 'coverage' THEN 1 WHEN 'info' THEN 2 WHEN 'ok'" \
    " THEN 3 ELSE 4 END"
#define SUMS_ONLY                                                                               \
    "CAST(sum(f.count) AS BIGINT), count(DISTINCT f.visit), CAST(sum(f.amount_fen) AS BIGINT)," \
    " CAST(sum(f.fund_loss_fen) AS BIGINT)"
#define TOTALS SUMS_ONLY ", coalesce(f.vkey, '')"

/* Visits are read first and their findings after, each query streamed on
 * its own (a PostgreSQL connection runs one query at a time). */
struct visit_list {
    char **ids;
    size_t n;
};

int hqstore_summary(struct hqdb *db, const struct hqstore_summary_cb *cb, struct fc_error *err)
{
    int rc = hqdb_begin(db, HQDB_READ, err);

    /* finding_sum holds a few rows per visit: none of these queries reads
     * the findings one by one, let alone the events */
    if (!rc && cb->finding)
        rc = hqdb_query(db,
                        "SELECT f.workflow, f.cls, f.code, f.scope, " TOTALS
                        " FROM finding_sum f GROUP BY f.workflow, f.cls, f.code, f.scope, f.vkey"
                        " ORDER BY 1, " CLASS_ORDER ", 3, 4, 9",
                        NULL, 0, sum_finding_row, (void *)cb, err);
    if (!rc && cb->site)
        rc = hqdb_query(db,
                        "SELECT f.site, coalesce(s.site_name, ''), coalesce(s.region_code, ''),"
                        " coalesce(s.region_name, ''), f.workflow, f.cls, f.code, f.scope, " TOTALS
                        " FROM finding_sum f LEFT JOIN site s ON s.site_code = f.site"
                        " WHERE f.site IS NOT NULL AND f.cls IN ('anomaly', 'coverage')"
                        " GROUP BY f.site, s.site_name, s.region_code, s.region_name, f.workflow,"
                        " f.cls, f.code, f.scope, f.vkey ORDER BY 1, 5, " CLASS_ORDER ", 7, 8, 13",
                        NULL, 0, sum_site_row, (void *)cb, err);
    if (!rc && cb->month)
        rc = hqdb_query(db,
                        "SELECT f.month, f.workflow, f.cls, " SUMS_ONLY ", '' FROM finding_sum f"
                        " WHERE f.month IS NOT NULL AND f.cls = 'anomaly'"
                        " GROUP BY f.month, f.workflow, f.cls ORDER BY 1, 2, 3",
                        NULL, 0, sum_month_row, (void *)cb, err);
    if (!rc && cb->visit)
        rc = hqdb_query(
            db,
            "SELECT v.site_code, coalesce(s.site_name, v.site_name, ''), v.visit, v.device,"
            " coalesce(v.workflow, ''), coalesce(v.opened_local, ''), coalesce(v.closed_local,"
            " ''), CAST(coalesce(sum(CASE WHEN f.cls = 'anomaly' THEN f.count END), 0) AS BIGINT),"
            " CAST(coalesce(sum(CASE WHEN f.cls = 'coverage' THEN f.count END), 0) AS BIGINT),"
            " CAST(coalesce(sum(CASE WHEN f.cls = 'anomaly' THEN f.amount_fen END), 0) AS"
            " BIGINT), CAST(coalesce(sum(CASE WHEN f.cls = 'anomaly' THEN f.fund_loss_fen END),"
            " 0) AS BIGINT) FROM visit v LEFT JOIN finding_sum f ON f.visit = v.visit LEFT JOIN"
            " site s ON s.site_code = v.site_code WHERE v.site_code IS NOT NULL GROUP BY"
            " v.site_code, s.site_name, v.site_name, v.visit, v.device, v.workflow,"
            " v.opened_local, v.closed_local, v.opened_at ORDER BY 1, v.opened_at, 3",
            NULL, 0, sum_visit_row, (void *)cb, err);
    if (!rc && cb->visit_finding)
        rc = hqdb_query(db,
                        "SELECT f.visit, f.workflow, f.code, f.scope, CAST(sum(f.count) AS"
                        " BIGINT), CAST(sum(f.amount_fen) AS BIGINT), CAST(sum(f.fund_loss_fen)"
                        " AS BIGINT) FROM finding_sum f WHERE f.cls = 'anomaly'"
                        " GROUP BY f.visit, f.workflow, f.code, f.scope ORDER BY 1, 3, 4",
                        NULL, 0, sum_visit_finding_row, (void *)cb, err);
    hqdb_rollback(db);
    return rc;
}

/* ---- reference: institutions and labels ------------------------------------------ */

struct sites {
    const struct draw_target *t;
    size_t n;
};

static int sites_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct sites *st = ctx;
    int rc = FC_OK;

    for (size_t i = 0; i < st->n && !rc; i++) {
        const struct draw_target *t = &st->t[i];
        struct hqdb_val p[] = {HQDB_S(t->site_code), HQDB_S(t->site_name), HQDB_S(t->kind),
                               HQDB_S(*t->region_code ? t->region_code : NULL),
                               HQDB_S(*t->region_name ? t->region_name : NULL)};
        rc = hqdb_exec(db,
                       "INSERT INTO site (site_code, site_name, site_kind, region_code,"
                       " region_name) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (site_code) DO"
                       " UPDATE SET site_name = excluded.site_name, site_kind ="
                       " excluded.site_kind, region_code = coalesce(excluded.region_code,"
                       " site.region_code), region_name = coalesce(excluded.region_name,"
                       " site.region_name)",
                       p, 5, NULL, err);
    }
    return rc;
}

int hqstore_sites_put(struct hqdb *db, const struct draw_target *t, size_t n, struct fc_error *err)
{
    struct sites st = {t, n};
    return run_txn(db, HQDB_WRITE, sites_body, &st, err);
}

struct label_args {
    char digest[HASH_HEX_LEN + 1];
};

static int label_wf(const struct workflow *wf, void *ctx)
{
    struct hash_ctx *h = ctx;

    hash_update(h, wf->kind, strlen(wf->kind) + 1);
    hash_update(h, wf->label_zh, strlen(wf->label_zh) + 1);
    hash_update(h, wf->label_en, strlen(wf->label_en) + 1);
    for (const struct verdict *v = wf->catalogue; v && v->code; v++) {
        const char *f[5] = {v->code, v->label_zh, v->label_en, v->explain_zh, v->explain_en};
        unsigned char b[3] = {(unsigned char)v->scope, (unsigned char)v->cls,
                              (unsigned char)v->severity};
        for (int i = 0; i < 5; i++)
            hash_update(h, f[i] ? f[i] : "", strlen(f[i] ? f[i] : "") + 1);
        hash_update(h, b, sizeof(b));
    }
    return 0;
}

struct label_write {
    struct hqdb *db;
    struct fc_error *err;
};

static int label_write_wf(const struct workflow *wf, void *ctx)
{
    struct label_write *w = ctx;
    int rc = FC_OK;

    for (const struct verdict *v = wf->catalogue; v && v->code && !rc; v++) {
        struct hqdb_val p[] = {HQDB_S(wf->kind),
                               HQDB_S(v->code),
                               HQDB_I((int64_t)v->scope),
                               HQDB_S(verdict_class_name(v->cls)),
                               HQDB_I((int64_t)v->severity),
                               HQDB_S(v->label_zh ? v->label_zh : v->code),
                               HQDB_S(v->label_en ? v->label_en : v->code),
                               HQDB_S(v->explain_zh ? v->explain_zh : ""),
                               HQDB_S(v->explain_en ? v->explain_en : ""),
                               HQDB_S(wf->label_zh),
                               HQDB_S(wf->label_en)};
        rc = hqdb_exec(w->db,
                       "INSERT INTO verdict_label (workflow, code, scope, cls, severity,"
                       " label_zh, label_en, explain_zh, explain_en, workflow_zh, workflow_en)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT"
                       " (workflow, code, scope) DO UPDATE SET cls = excluded.cls, severity ="
                       " excluded.severity, label_zh = excluded.label_zh, label_en ="
                       " excluded.label_en, explain_zh = excluded.explain_zh, explain_en ="
                       " excluded.explain_en, workflow_zh = excluded.workflow_zh, workflow_en ="
                       " excluded.workflow_en",
                       p, 11, NULL, w->err);
    }
    return rc;
}

static int labels_body(struct hqdb *db, void *ctx, struct fc_error *err)
{
    struct label_args *a = ctx;
    struct label_write w = {db, err};
    struct hqdb_val p[] = {HQDB_S(a->digest)};
    int rc = workflow_foreach(label_write_wf, &w);

    if (!rc)
        rc = hqdb_exec(db,
                       "INSERT INTO meta (key, value) VALUES ('labels', $1)"
                       " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       p, 1, NULL, err);
    return rc;
}

static int meta_text(void *ctx, const struct hqdb_val *c, int n)
{
    (void)n;
    hqdb_col_text(&c[0], ctx, HASH_HEX_LEN + 1);
    return 1;
}

int hqstore_labels_sync(struct hqdb *db, struct fc_error *err)
{
    struct label_args a;
    struct hash_ctx h;
    unsigned char d[HASH_LEN];
    char have[HASH_HEX_LEN + 1] = "";
    int rc;

    hash_init(&h);
    workflow_foreach(label_wf, &h);
    hash_final(&h, d);
    hash_to_hex(a.digest, d, HASH_LEN);
    rc = hqdb_query(db, "SELECT value FROM meta WHERE key = 'labels'", NULL, 0, meta_text, have,
                    err);
    if (rc < 0)
        return rc;
    if (!strcmp(have, a.digest))
        return FC_OK;
    return run_txn(db, HQDB_WRITE, labels_body, &a, err);
}
