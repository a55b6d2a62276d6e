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

/* Starts the writer for st (a statement of db with nbind parameters). */
struct rowpipe *rowpipe_start(sqlite3 *db, sqlite3_stmt *st, int nbind);

/* The values of the next row, parameter 1 first; then rowpipe_end_row. */
void rowpipe_null(struct rowpipe *p);
void rowpipe_int(struct rowpipe *p, int64_t v);
void rowpipe_double(struct rowpipe *p, double v);
void rowpipe_text(struct rowpipe *p, const char *s, size_t n);

/* Ends the row. FC_EDB once the writer has failed (err says why; the rows
 * after the failing one are not inserted). */
int rowpipe_end_row(struct rowpipe *p, struct fc_error *err);

/* Waits for every row to be inserted, stops the writer and frees p (NULL
 * allowed). FC_EDB if an insert failed. */
int rowpipe_finish(struct rowpipe *p, struct fc_error *err);

/* Exclusive use of the connection while the pipe runs; NULL p: no-op. */
void rowpipe_lock(struct rowpipe *p);
void rowpipe_unlock(struct rowpipe *p);

#endif
