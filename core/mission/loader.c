/* The loader's reporting: rejects and warnings go to the caller's sink (and
 * warnings into the reference file's load_warning table), in English and in
 * the user's language. */
#include "core/mission/loader.h"

#include "core/store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void db_lock(struct loader *L)
{
    rowpipe_lock(L->pipe);
}

static void db_unlock(struct loader *L)
{
    rowpipe_unlock(L->pipe);
}

const char *loader_col_header(const struct loader *L, int c)
{
    int f = L->map[c];
    return f >= 0 ? L->hdr[f] : L->def->cols[c].en;
}

void loader_reject(struct loader *L, const char *file, uint64_t line, const char *column,
                   const char *fmt, ...)
{
    va_list ap;
    char tmp[512], local[512];

    /* format first: an argument may point into L->reason */
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (!strcmp(fmt, "%s")) {
        /* a reason phrase: translated as a whole, or built beside it */
        va_start(ap, fmt);
        const char *phrase = va_arg(ap, const char *);
        va_end(ap);
        snprintf(local, sizeof(local), "%s",
                 phrase == L->reason.ptr && L->reason_local.len ? L->reason_local.ptr
                                                                : fc_tr(phrase));
    } else {
        va_start(ap, fmt);
        vsnprintf(local, sizeof(local), fc_tr(fmt), ap);
        va_end(ap);
    }
    buf_reset(&L->reason);
    buf_adds(&L->reason, tmp);
    buf_reset(&L->reason_local);
    if (L->sink && L->sink->rejected) {
        struct mission_reject r = {file,          line,  column ? column : "",
                                   L->reason.ptr, local, L->value.len ? L->value.ptr : ""};
        L->sink->rejected(L->sink->ctx, &r);
    } else if (L->sink && L->sink->reject) {
        L->sink->reject(L->sink->ctx, file, line, column ? column : "", L->reason.ptr, local);
    }
    L->row_bad++;
}

int loader_db_fail(struct loader *L, struct fc_error *err, const char *what)
{
    return fc_error_setsys(err, FC_EDB, sqlite3_extended_errcode(L->db), "%s: %s", what,
                           sqlite3_errmsg(L->db));
}

int loader_warn(struct loader *L, const char *kind, const char *file, uint64_t line,
                const char *site, struct fc_error *err, const char *fmt, ...)
{
    sqlite3_stmt *st = L->ins_warn;
    char message[512], local[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vsnprintf(local, sizeof(local), fc_tr(fmt), ap);
    va_end(ap);
    db_lock(L);
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)line);
    store_bind_text(st, 4, site);
    sqlite3_bind_text(st, 5, message, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        int rc = loader_db_fail(L, err, "cannot record a load warning");
        db_unlock(L);
        return rc;
    }
    sqlite3_reset(st);
    db_unlock(L);
    if (L->sink && L->sink->warning)
        L->sink->warning(L->sink->ctx, kind, file, line, message, local);
    return FC_OK;
}
