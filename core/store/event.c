/* Event log: append with hash chaining, verification, and rebuild of the
 * derived tables by replaying events through the appliers the workflow
 * registry gives (core/workflow.h). Events are never updated or deleted; store.c's
 * triggers enforce that even against code that tries. */
#include "core/store/event.h"

#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/store/store.h"
#include "core/workflow.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char zero_hash[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void hash_field(struct hash_ctx *h, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    unsigned char be[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len};
    hash_update(h, be, 4);
    if (len)
        hash_update(h, s, len);
}

void event_compute_hash(struct event *e)
{
    static const char tag[] = "fieldcheck-event-v1";
    struct hash_ctx h;
    unsigned char prev[HASH_LEN], out[HASH_LEN];
    char seq[24];

    if (hash_from_hex(prev, HASH_LEN, e->prev_hash) != FC_OK)
        memset(prev, 0xff, sizeof(prev)); /* a malformed prev_hash never verifies */
    snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
    hash_init(&h);
    hash_update(&h, tag, sizeof(tag) - 1);
    hash_update(&h, prev, HASH_LEN);
    hash_field(&h, seq);
    hash_field(&h, e->id);
    hash_field(&h, e->device);
    hash_field(&h, e->visit);
    hash_field(&h, e->at);
    hash_field(&h, e->kind);
    hash_field(&h, e->subject);
    hash_field(&h, e->payload);
    hash_final(&h, out);
    hash_to_hex(e->hash, out, HASH_LEN);
}

int event_head(struct store *s, int64_t *seq, char hash[HASH_HEX_LEN + 1], struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s, "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1", &st, err);

    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        snprintf(hash, HASH_HEX_LEN + 1, "%s", store_col_text(st, 1));
        rc = FC_OK;
    } else if (rc == SQLITE_DONE) {
        *seq = 0;
        memcpy(hash, zero_hash, sizeof(zero_hash));
        rc = FC_OK;
    } else {
        rc = store_fail(s, err, "cannot read the event chain head");
    }
    store_stmt_release(st);
    return rc;
}

int event_append(struct store *s, const char *visit, int64_t at_ms, const char *kind,
                 const char *subject, const char *payload, struct event *out, struct fc_error *err)
{
    return event_append_ctx(s, visit, at_ms, kind, subject, payload, NULL, out, err);
}

/* Stores e as the next row of the log (append and mirror write the same row). */
static int event_insert(struct store *s, const struct event *e, const char *what,
                        struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s,
                        "INSERT INTO event (seq, id, device, visit, at, kind, subject, payload,"
                        " prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        &st, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, e->seq);
    store_bind_text(st, 2, e->id);
    store_bind_text(st, 3, e->device);
    store_bind_text(st, 4, e->visit);
    store_bind_text(st, 5, e->at);
    store_bind_text(st, 6, e->kind);
    store_bind_text(st, 7, e->subject);
    store_bind_text(st, 8, e->payload);
    store_bind_text(st, 9, e->prev_hash);
    store_bind_text(st, 10, e->hash);
    return store_step_done(s, st, what, err);
}

/* Under the test clock (FIELDCHECK_NOW) an event's time is whatever the
 * environment said, so its payload says so: "test_clock": true, inside the
 * hashed text, where no later step can drop it. The marked text lives until
 * the next append (the returned event points at it). */
static const char *mark_test_clock(const char *payload)
{
    static char *marked;
    json_t *o;

    if (!clock_is_frozen() || !payload)
        return payload;
    o = json_loads(payload, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return payload;
    }
    json_object_set_new(o, "test_clock", json_true());
    free(marked);
    marked = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return marked ? marked : payload;
}

int event_append_ctx(struct store *s, const char *visit, int64_t at_ms, const char *kind,
                     const char *subject, const char *payload, void *ctx, struct event *out,
                     struct fc_error *err)
{
    struct event e;
    int rc;

    payload = mark_test_clock(payload);
    memset(&e, 0, sizeof(e));
    rc = event_head(s, &e.seq, e.prev_hash, err);
    if (rc)
        return rc;
    e.seq++;
    hash_uuid(e.id);
    snprintf(e.device, sizeof(e.device), "%s", store_device_id(s));
    e.visit = visit;
    e.at_ms = at_ms;
    clock_format_utc(at_ms, e.at);
    e.kind = kind;
    e.subject = subject;
    e.payload = payload;
    event_compute_hash(&e);

    rc = event_insert(s, &e, "cannot append event", err);
    if (rc)
        return rc;
    rc = workflow_apply_event(s, &e, ctx, err);
    if (rc)
        return rc;
    if (out)
        *out = e;
    return FC_OK;
}

int event_mirror(struct store *s, const struct event *e, struct fc_error *err)
{
    int rc = event_insert(s, e, "cannot store a mirrored event", err);

    return rc ? rc : workflow_apply_event(s, e, NULL, err);
}

int event_commit_json(struct store *s, const char *visit, int64_t at_ms, const char *kind,
                      const char *subject, const json_t *payload_obj, char event_id[37],
                      struct fc_error *err)
{
    char *payload = json_dumps(payload_obj, JSON_COMPACT | JSON_SORT_KEYS);
    struct event ev;
    int rc;

    if (!payload)
        return fc_error_set(err, FC_EINPUT, "%s: text is not valid UTF-8", kind);
    rc = store_begin(s, err);
    if (!rc)
        rc = event_append(s, visit, at_ms, kind, subject, payload, &ev, err);
    if (!rc)
        rc = store_commit(s, err);
    if (rc)
        store_rollback(s);
    else if (event_id)
        snprintf(event_id, 37, "%s", ev.id);
    free(payload);
    return rc;
}

struct event_each {
    int (*cb)(const struct event *e, void *ctx);
    void *ctx;
};

static int event_row(sqlite3_stmt *st, void *vctx)
{
    const struct event_each *each = vctx;
    struct event e;
    int64_t ms = 0;

    memset(&e, 0, sizeof(e));
    e.seq = sqlite3_column_int64(st, 0);
    snprintf(e.id, sizeof(e.id), "%s", store_col_text(st, 1));
    snprintf(e.device, sizeof(e.device), "%s", store_col_text(st, 2));
    e.visit = (const char *)sqlite3_column_text(st, 3);
    snprintf(e.at, sizeof(e.at), "%s", store_col_text(st, 4));
    if (clock_parse(e.at, &ms) == FC_OK)
        e.at_ms = ms;
    e.kind = store_col_text(st, 5);
    e.subject = (const char *)sqlite3_column_text(st, 6);
    e.payload = store_col_text(st, 7);
    snprintf(e.prev_hash, sizeof(e.prev_hash), "%s", store_col_text(st, 8));
    snprintf(e.hash, sizeof(e.hash), "%s", store_col_text(st, 9));
    return each->cb(&e, each->ctx);
}

int event_foreach(struct store *s, const char *visit, int64_t after_seq,
                  int (*cb)(const struct event *e, void *ctx), void *ctx, struct fc_error *err)
{
    struct event_each each = {cb, ctx};
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT seq, id, device, visit, at, kind, subject, payload, prev_hash,"
                           " hash FROM event WHERE seq > ?1 AND (?2 IS NULL OR visit = ?2)"
                           " ORDER BY seq",
                           &st, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, after_seq);
    store_bind_text(st, 2, visit);
    return store_each(s, st, event_row, &each, "cannot read events", err);
}

struct verify_ctx {
    struct store *s;
    int64_t expect_seq;
    char prev[HASH_HEX_LEN + 1];
    int64_t *bad_seq;
    struct fc_error *err;
};

static int verify_one(const struct event *e, void *vctx)
{
    struct verify_ctx *c = vctx;
    struct event copy = *e;

    if (e->seq != c->expect_seq) {
        *c->bad_seq = c->expect_seq;
        return fc_error_set(c->err, FC_EINTEGRITY, "event chain broken at seq %lld: seq missing",
                            (long long)c->expect_seq);
    }
    if (strcmp(e->prev_hash, c->prev) != 0) {
        *c->bad_seq = e->seq;
        return fc_error_set(c->err, FC_EINTEGRITY,
                            "event chain broken at seq %lld: previous hash does not match",
                            (long long)e->seq);
    }
    if (strcmp(e->device, store_device_id(c->s)) != 0) {
        *c->bad_seq = e->seq;
        return fc_error_set(c->err, FC_EINTEGRITY,
                            "event chain broken at seq %lld: event of another device '%s'",
                            (long long)e->seq, e->device);
    }
    event_compute_hash(&copy);
    if (strcmp(copy.hash, e->hash) != 0) {
        *c->bad_seq = e->seq;
        return fc_error_set(c->err, FC_EINTEGRITY,
                            "event chain broken at seq %lld: content does not match its hash",
                            (long long)e->seq);
    }
    memcpy(c->prev, e->hash, sizeof(c->prev));
    c->expect_seq++;
    return 0;
}

int event_verify_chain(struct store *s, int64_t *bad_seq, int64_t *count, struct fc_error *err)
{
    struct verify_ctx c;
    int64_t dummy = 0;
    int rc;

    memset(&c, 0, sizeof(c));
    c.s = s;
    c.expect_seq = 1;
    memcpy(c.prev, zero_hash, sizeof(zero_hash));
    c.bad_seq = bad_seq ? bad_seq : &dummy;
    *c.bad_seq = 0;
    c.err = err;
    rc = event_foreach(s, NULL, 0, verify_one, &c, err);
    if (count)
        *count = c.expect_seq - 1;
    return rc;
}

static int replay_one(const struct event *e, void *ctx)
{
    void **args = ctx;
    return workflow_apply_event(args[0], e, NULL, args[1]);
}

static int clear_table(const struct workflow_table *t, void *ctx)
{
    void **args = ctx;
    return store_exec(args[0], t->clear_sql, args[1]);
}

int event_rebuild(struct store *s, struct fc_error *err)
{
    void *args[2] = {s, err};
    int rc = store_begin(s, err);

    if (rc)
        return rc;
    rc = workflow_foreach_table(clear_table, args);
    if (!rc)
        rc = event_foreach(s, NULL, 0, replay_one, args, err);
    if (!rc)
        rc = store_commit(s, err);
    if (rc) {
        store_rollback(s);
        fc_error_prefix(err, "cannot rebuild derived state");
    }
    return rc;
}

struct digest_ctx {
    struct store *s;
    struct hash_ctx h;
    struct fc_error *err;
};

static int digest_row(sqlite3_stmt *st, void *ctx)
{
    struct digest_ctx *d = ctx;
    int n = sqlite3_column_count(st);

    for (int i = 0; i < n; i++) {
        char type[2] = {(char)('0' + sqlite3_column_type(st, i)), 0};
        hash_field(&d->h, type);
        hash_field(&d->h, (const char *)sqlite3_column_text(st, i));
    }
    return 0;
}

static int digest_table(const struct workflow_table *t, void *ctx)
{
    struct digest_ctx *d = ctx;

    hash_field(&d->h, t->name);
    return store_each_sql(d->s, t->dump_sql, NULL, digest_row, d, "cannot read derived table",
                          d->err);
}

int event_derived_digest(struct store *s, char out[HASH_HEX_LEN + 1], struct fc_error *err)
{
    struct digest_ctx d;
    unsigned char bin[HASH_LEN];
    int rc;

    memset(&d, 0, sizeof(d));
    d.s = s;
    d.err = err;
    hash_init(&d.h);
    rc = workflow_foreach_table(digest_table, &d);
    if (rc)
        return rc;
    hash_final(&d.h, bin);
    hash_to_hex(out, bin, HASH_LEN);
    return FC_OK;
}

void event_bind_row(sqlite3_stmt *st, const struct event *e)
{
    store_bind_text(st, 1, e->id);
    sqlite3_bind_int64(st, 2, e->seq);
    store_bind_text(st, 3, e->visit);
    store_bind_text(st, 4, e->at);
}

int event_kind_of(struct store *s, const char *id, struct buf *kind, struct fc_error *err)
{
    int rc =
        store_lookup(s, "SELECT kind FROM event WHERE id = ?1", id, kind, "cannot read event", err);

    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "no event '%s'", id);
    return rc;
}
