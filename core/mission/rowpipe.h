/* Bulk inserts on a second thread. The caller validates rows and hands their
 * values over; a writer thread binds them to one prepared INSERT and steps it,
 * a batch behind, so parsing and B-tree work run on two cores. Values are
 * copied into batches (a few hundred rows each, a few batches in flight), so
 * memory stays flat whatever the file size.
 *
 * The connection stays single-threaded in SQLite's sense (it may be opened
 * with SQLITE_OPEN_NOMUTEX): the writer holds the pipe's lock while it uses
 * the connection, and any other use of that connection while the pipe runs
 * (lookups, other inserts, sqlite3_errmsg) must be bracketed by
 * rowpipe_lock/rowpipe_unlock. Rows are inserted in the order given. */
#ifndef FC_CORE_ROWPIPE_H
#define FC_CORE_ROWPIPE_H

#include "core/base/error.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct rowpipe;

/* Starts the writer for insert_sql, "INSERT INTO t (...) VALUES (...)" with
 * one parameter per value. The writer prepares it, and the same insert of
 * several rows at once, which it uses where a batch allows. FC_EDB if the
 * statement cannot be prepared (*out NULL). */
int rowpipe_start(sqlite3 *db, const char *insert_sql, struct rowpipe **out, struct fc_error *err);

/* The values of the next row, parameter 1 first; then rowpipe_end_row. */
void rowpipe_null(struct rowpipe *p);
void rowpipe_int(struct rowpipe *p, int64_t v);
void rowpipe_double(struct rowpipe *p, double v);
void rowpipe_text(struct rowpipe *p, const char *s, size_t n);

/* A value as the writer reads it back, for a row hook. */
struct rowpipe_value {
    char type;        /* 'N' NULL, 'I' integer, 'D' double, 'T' text */
    const char *text; /* 'T': len bytes, not NUL-terminated */
    size_t len;
    int64_t i;
    double d;
};

/* Sets fn to run on the writer thread for every row, just before it is
 * inserted, with the row's nbind values (set before the first row). What fn
 * touches belongs to the writer until rowpipe_finish returns. */
void rowpipe_on_row(struct rowpipe *p, void (*fn)(void *ctx, const struct rowpipe_value *row),
                    void *ctx);

/* Ends the row. FC_EDB once the writer has failed (err says why; the rows
 * after the failing one are not inserted). */
int rowpipe_end_row(struct rowpipe *p, struct fc_error *err);

/* Waits for every row to be inserted, stops the writer and frees p with its
 * statements (NULL allowed). FC_EDB if an insert failed. */
int rowpipe_finish(struct rowpipe *p, struct fc_error *err);

/* Exclusive use of the connection while the pipe runs; NULL p: no-op. */
void rowpipe_lock(struct rowpipe *p);
void rowpipe_unlock(struct rowpipe *p);

#endif
