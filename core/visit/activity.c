/* Per-visit activity figures (core/visit/activity.h): one GROUP BY over the
 * event log, walked in (visit, seq) index order, so a list of visits costs
 * one statement whatever the number of visits, and no payload is parsed. */
#include "core/visit/activity.h"

#include "core/store/store.h"

int visit_foreach_activity(struct store *s, int (*cb)(const struct visit_activity *a, void *ctx),
                           void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT visit, sum(kind = 'scan'), count(*), max(seq) FROM event"
                           " WHERE visit IS NOT NULL GROUP BY visit ORDER BY visit",
                           &st, err);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct visit_activity a;

        a.visit = store_col_text(st, 0);
        a.scans = sqlite3_column_int64(st, 1);
        a.events = sqlite3_column_int64(st, 2);
        a.last_seq = sqlite3_column_int64(st, 3);
        rc = cb(&a, ctx);
        if (rc) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot count the visits' events");
    sqlite3_finalize(st);
    return rc;
}
