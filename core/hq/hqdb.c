/* The dispatch in front of HQ's two database backends (hqdb.h): picks the
 * backend from the target's form and keeps the transaction bookkeeping that
 * both share, so a backend only talks to its database. */
#include "core/hq/hqdb.h"

#include "core/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hqdb_is_url(const char *target)
{
    return target && (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11));
}

/* The URL with any password removed: user:secret@host becomes user@host,
 * and a password=... parameter disappears. Messages name the database
 * without ever printing a secret. */
static char *redact_url(const char *url)
{
    struct buf b = BUF_INIT;
    const char *scheme_end = strstr(url, "://");
    const char *p = scheme_end ? scheme_end + 3 : url;
    const char *at = strchr(p, '@'), *slash = strchr(p, '/');

    buf_add(&b, url, (size_t)(p - url));
    if (at && (!slash || at < slash)) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        buf_add(&b, p, (size_t)((colon ? colon : at) - p));
        p = at;
    }
    while (*p) {
        if ((p[0] == '?' || p[0] == '&') && !strncmp(p + 1, "password=", 9)) {
            const char *next = strchr(p + 1, '&');
            if (p[0] == '?' && next) {
                buf_addch(&b, '?');
                p = next + 1;
            } else {
                p = next ? next : p + strlen(p);
            }
            continue;
        }
        buf_addch(&b, *p++);
    }
    return buf_detach(&b, NULL);
}

int hqdb_open(struct hqdb **out, const char *target, struct fc_error *err)
{
    struct hqdb *db = xcalloc(1, sizeof(*db));
    int rc;

    *out = NULL;
    if (hqdb_is_url(target)) {
        db->ops = &hqdb_pg_ops;
        db->target = redact_url(target);
    } else {
        db->ops = &hqdb_sqlite_ops;
        db->target = xstrdup(target);
    }
    rc = db->ops->open(db, target, err);
    if (rc) {
        free(db->target);
        free(db);
        return rc;
    }
    *out = db;
    return FC_OK;
}

void hqdb_close(struct hqdb *db)
{
    if (!db)
        return;
    if (db->in_txn)
        hqdb_rollback(db);
    db->ops->close(db);
    free(db->target);
    free(db);
}

const char *hqdb_backend(const struct hqdb *db)
{
    return db->ops->name;
}

const char *hqdb_target(const struct hqdb *db)
{
    return db->target;
}

int hqdb_begin(struct hqdb *db, enum hqdb_txn mode, struct fc_error *err)
{
    int rc;

    if (db->in_txn)
        BUG("hqdb_begin inside a transaction");
    db->retryable = 0;
    rc = db->ops->begin(db, mode, err);
    if (!rc)
        db->in_txn = 1;
    return rc;
}

int hqdb_commit(struct hqdb *db, struct fc_error *err)
{
    int rc = db->ops->commit(db, err);

    /* a failed COMMIT has ended the transaction in both databases */
    db->in_txn = 0;
    return rc;
}

void hqdb_rollback(struct hqdb *db)
{
    if (db->in_txn)
        db->ops->rollback(db);
    db->in_txn = 0;
}

int hqdb_retryable(const struct hqdb *db)
{
    return db->retryable;
}

int hqdb_exec(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
              int64_t *changes, struct fc_error *err)
{
    int64_t local;

    return db->ops->exec(db, sql, params, n, changes ? changes : &local, err);
}

int hqdb_query(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
               hqdb_row_fn row, void *ctx, struct fc_error *err)
{
    return db->ops->query(db, sql, params, n, row, ctx, err);
}

static int first_int(void *ctx, const struct hqdb_val *cols, int n)
{
    int64_t *out = ctx;

    if (n > 0 && cols[0].type == HQDB_INT)
        *out = cols[0].i;
    return 1; /* one row is enough */
}

int hqdb_query_int(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                   int64_t *out, struct fc_error *err)
{
    int rc;

    *out = 0;
    rc = hqdb_query(db, sql, params, n, first_int, out, err);
    return rc == 1 ? FC_OK : rc;
}

int hqdb_insert_events(struct hqdb *db, const struct event *ev, size_t n, int64_t *added,
                       struct fc_error *err)
{
    *added = 0;
    return n ? db->ops->insert_events(db, ev, n, added, err) : FC_OK;
}

int hqdb_lock_device(struct hqdb *db, const char *device, struct fc_error *err)
{
    return db->ops->lock_device(db, device, err);
}

void hqdb_col_text(const struct hqdb_val *v, char *out, size_t size)
{
    size_t n = 0;

    if (v->type == HQDB_TEXT || v->type == HQDB_BLOB) {
        n = v->len < size - 1 ? v->len : size - 1;
        memcpy(out, v->s, n);
    } else if (v->type == HQDB_INT) {
        snprintf(out, size, "%lld", (long long)v->i);
        return;
    }
    out[n] = 0;
}
