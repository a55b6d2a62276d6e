/* HQ's embedded store: hq.db, an SQLite file opened through core/store (the
 * same pragmas, file modes and ordered migrations as a device database).
 * SQL arrives in the shared dialect with $N parameters and is rewritten to
 * SQLite's ?N once per statement; statements stay prepared for the
 * connection's lifetime. Writers serialise on BEGIN IMMEDIATE (several
 * `hq import` processes on one file wait for each other up to the busy
 * timeout), so the per-device lock has nothing to add. */
#include "core/hq/hqdb.h"

#include "core/base/xalloc.h"
#include "core/hq/hqschema.h"
#include "core/store/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct cached {
    const char *key; /* the caller's SQL string (a literal): its address is the key */
    sqlite3_stmt *st;
};

struct lite {
    struct store *s;
    struct cached *cache;
    size_t ncache;
};

static struct lite *L(struct hqdb *db)
{
    return db->impl;
}

static int fail(struct hqdb *db, struct fc_error *err, const char *what)
{
    int prim = sqlite3_errcode(store_db(L(db)->s)) & 0xff;

    db->retryable = prim == SQLITE_BUSY || prim == SQLITE_LOCKED;
    return store_fail(L(db)->s, err, what);
}

static int lite_open(struct hqdb *db, const char *target, struct fc_error *err)
{
    struct lite *l = xcalloc(1, sizeof(*l));
    int rc = store_open_schema(&l->s, target, &hq_schema_sqlite, err);

    if (rc) {
        free(l);
        return rc;
    }
    db->impl = l;
    return FC_OK;
}

static void lite_close(struct hqdb *db)
{
    struct lite *l = L(db);

    for (size_t i = 0; i < l->ncache; i++)
        sqlite3_finalize(l->cache[i].st);
    free(l->cache);
    store_close(l->s);
    free(l);
}

static int lite_begin(struct hqdb *db, enum hqdb_txn mode, struct fc_error *err)
{
    sqlite3 *h = store_db(L(db)->s);

    if (sqlite3_exec(h, mode == HQDB_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL) !=
        SQLITE_OK)
        return fail(db, err, "cannot begin a transaction");
    return FC_OK;
}

static int lite_commit(struct hqdb *db, struct fc_error *err)
{
    sqlite3 *h = store_db(L(db)->s);

    if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = fail(db, err, "cannot commit");
        if (!sqlite3_get_autocommit(h))
            sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return FC_OK;
}

static void lite_rollback(struct hqdb *db)
{
    sqlite3 *h = store_db(L(db)->s);

    if (!sqlite3_get_autocommit(h))
        sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
}

/* $N -> ?N outside quoted text; the length does not change. */
static char *dialect(const char *sql)
{
    char *out = xstrdup(sql), quote = 0;

    for (char *p = out; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            *p = '?';
        }
    }
    return out;
}

/* A prepared statement for sql: the cached one when it is not in use (a
 * query running inside another query's row callback gets its own). *fresh
 * says the caller must finalize it. */
static int prepare(struct hqdb *db, const char *sql, sqlite3_stmt **st, int *fresh,
                   struct fc_error *err)
{
    struct lite *l = L(db);
    char *text;
    int rc;

    *fresh = 0;
    for (size_t i = 0; i < l->ncache; i++) {
        if (l->cache[i].key == sql && !sqlite3_stmt_busy(l->cache[i].st)) {
            *st = l->cache[i].st;
            return FC_OK;
        }
    }
    text = dialect(sql);
    rc = sqlite3_prepare_v3(store_db(l->s), text, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    free(text);
    if (rc != SQLITE_OK)
        return fail(db, err, "cannot prepare statement");
    for (size_t i = 0; i < l->ncache; i++)
        if (l->cache[i].key == sql) {
            *fresh = 1; /* the cached one is busy: use this one once */
            return FC_OK;
        }
    l->cache = xreallocarray(l->cache, l->ncache + 1, sizeof(*l->cache));
    l->cache[l->ncache].key = sql;
    l->cache[l->ncache].st = *st;
    l->ncache++;
    return FC_OK;
}

static void release(sqlite3_stmt *st, int fresh)
{
    if (fresh) {
        sqlite3_finalize(st);
    } else {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

static void bind(sqlite3_stmt *st, const struct hqdb_val *p, int n)
{
    for (int i = 0; i < n; i++) {
        switch (p[i].type) {
        case HQDB_NULL: sqlite3_bind_null(st, i + 1); break;
        case HQDB_INT: sqlite3_bind_int64(st, i + 1, p[i].i); break;
        case HQDB_TEXT:
            sqlite3_bind_text64(st, i + 1, p[i].s, p[i].len ? p[i].len : strlen(p[i].s),
                                SQLITE_STATIC, SQLITE_UTF8);
            break;
        case HQDB_BLOB: sqlite3_bind_blob64(st, i + 1, p[i].s, p[i].len, SQLITE_STATIC); break;
        }
    }
}

static int lite_exec(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                     int64_t *changes, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int fresh, rc = prepare(db, sql, &st, &fresh, err), step;

    if (rc)
        return rc;
    bind(st, params, n);
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (step == SQLITE_DONE)
        *changes = sqlite3_changes64(store_db(L(db)->s));
    else
        rc = fail(db, err, "database statement failed");
    release(st, fresh);
    return rc;
}

static int lite_query(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                      hqdb_row_fn row, void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    struct hqdb_val cols[32];
    int fresh, rc = prepare(db, sql, &st, &fresh, err), step, nc;

    if (rc)
        return rc;
    nc = sqlite3_column_count(st);
    if (nc > (int)(sizeof(cols) / sizeof(cols[0])))
        BUG("query with %d columns", nc);
    bind(st, params, n);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < nc; i++) {
            struct hqdb_val *v = &cols[i];

            memset(v, 0, sizeof(*v));
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
                v->type = HQDB_INT;
                v->i = sqlite3_column_int64(st, i);
                break;
            case SQLITE_TEXT:
                v->type = HQDB_TEXT;
                v->s = (const char *)sqlite3_column_text(st, i);
                v->len = (size_t)sqlite3_column_bytes(st, i);
                break;
            case SQLITE_BLOB:
                v->type = HQDB_BLOB;
                v->s = sqlite3_column_blob(st, i);
                v->len = (size_t)sqlite3_column_bytes(st, i);
                if (!v->s)
                    v->s = "";
                break;
            case SQLITE_FLOAT: BUG("hq queries return no floating point values");
            default: v->type = HQDB_NULL;
            }
        }
        rc = row(ctx, cols, nc);
        if (rc)
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = fail(db, err, "database query failed");
    release(st, fresh);
    return rc;
}

static const char sql_insert_event[] =
    "INSERT INTO event (device, seq, hash, id, visit, at, kind, subject, payload, prev_hash)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING";

static int lite_insert_events(struct hqdb *db, const struct event *ev, size_t n, int64_t *added,
                              struct fc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &ev[i];
        struct hqdb_val p[10] = {HQDB_S(e->device),   HQDB_I(e->seq),     HQDB_S(e->hash),
                                 HQDB_S(e->id),       HQDB_S(e->visit),   HQDB_S(e->at),
                                 HQDB_S(e->kind),     HQDB_S(e->subject), HQDB_S(e->payload),
                                 HQDB_S(e->prev_hash)};
        int64_t c = 0;
        int rc = lite_exec(db, sql_insert_event, p, 10, &c, err);

        if (rc)
            return rc;
        *added += c;
    }
    return FC_OK;
}

static int lite_lock_device(struct hqdb *db, const char *device, struct fc_error *err)
{
    (void)db;
    (void)device;
    (void)err;
    return FC_OK; /* BEGIN IMMEDIATE already holds the only write lock */
}

const struct hqdb_ops hqdb_sqlite_ops = {
    "sqlite",      lite_open, lite_close, lite_begin,         lite_commit,
    lite_rollback, lite_exec, lite_query, lite_insert_events, lite_lock_device,
};
