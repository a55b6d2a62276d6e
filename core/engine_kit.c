/* The engines' shared steps (core/engine_kit.h): each is written once here
 * so that the night check, the pharmacy count and the flight worksheet run
 * their own SQL and rules through the same transaction, double-read and
 * replay code. */
#include "core/engine_kit.h"

#include "core/store/store.h"

#include <stdio.h>
#include <string.h>

int engine_begin(const struct engine_base *b, struct fc_error *err)
{
    int rc = engine_base_writable(b, err);

    return rc ? rc : store_begin(b->store, err);
}

int engine_find_live_scan(const struct engine_base *b, const char *target, const char *voided_sql,
                          int64_t *seq, struct buf *id, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t voided;
    int rc = engine_find_scan(b, target, seq, id, err);

    if (!rc)
        rc = store_prepare(b->store, voided_sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, *seq);
    voided = engine_step_int(b->store, st, 0, "cannot read", err);
    sqlite3_finalize(st);
    if (voided > 0)
        return fc_error_set(err, FC_ESTATE, "scan %lld was already voided", (long long)*seq);
    return (int)voided;
}

int engine_double_read(struct store *s, sqlite3_stmt *st, const char *visit, const char *code,
                       int64_t at_ms, int64_t window_ms, struct fc_error *err)
{
    int rc;

    store_bind_text(st, 1, visit);
    store_bind_text(st, 2, code);
    sqlite3_bind_int64(st, 3, at_ms);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = sqlite3_column_type(st, 0) != SQLITE_NULL &&
             at_ms - sqlite3_column_int64(st, 0) < window_ms;
    else
        rc = store_fail(s, err, "cannot read earlier scans");
    store_stmt_release(st);
    return rc;
}

int engine_clear_visit(struct store *s, const char *const *sql, size_t n, const char *visit,
                       const char *what, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_OK;

    for (size_t i = 0; i < n && !rc; i++) {
        rc = store_stmt(s, sql[i], &st, err);
        if (rc)
            return rc;
        store_bind_text(st, 1, visit);
        rc = store_step_done(s, st, what, err);
    }
    return rc;
}

int64_t engine_step_int(struct store *s, sqlite3_stmt *st, int64_t none, const char *what,
                        struct fc_error *err)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        return sqlite3_column_int64(st, 0);
    return rc == SQLITE_DONE ? none : store_fail(s, err, what);
}

/* How a prepared query is stepped: store_each or store_one. */
typedef int (*engine_step_fn)(struct store *s, sqlite3_stmt *st,
                              int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
                              struct fc_error *err);

/* Prepares sql with p1 and p2 bound (store_prepare_bound) and hands
 * the statement to step. */
static int query2(struct store *s, const char *sql, const char *p1, const char *p2,
                  engine_step_fn step, int (*row)(sqlite3_stmt *st, void *ctx), void *ctx,
                  const char *what, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare_bound(s, sql, p1, p2, &st, err);

    return rc ? rc : step(s, st, row, ctx, what, err);
}

int engine_each(struct store *s, const char *sql, const char *p1, const char *p2,
                int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
                struct fc_error *err)
{
    return query2(s, sql, p1, p2, store_each, row, ctx, what, err);
}

int engine_one(struct store *s, const char *sql, const char *p1, const char *p2,
               int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
               struct fc_error *err)
{
    return query2(s, sql, p1, p2, store_one, row, ctx, what, err);
}

int engine_visit_each(struct store *s, const struct visit *v, const char *sql,
                      int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
                      struct fc_error *err)
{
    return engine_each(s, sql, v->site_code, v->id, row, ctx, what, err);
}

int engine_finding(const struct engine_findings *fc, struct workflow_finding f)
{
    if (!f.verdict)
        return 0;
    if (!f.detail)
        f.detail = "";
    return fc->cb(&f, fc->ctx);
}

void engine_result_set(struct workflow_result *out, const struct engine_result_text *t)
{
    memset(out, 0, sizeof(*out));
    ENGINE_RESULT_COPY(out, t);
    snprintf(out->message, sizeof(out->message), "%s", t->message);
}
