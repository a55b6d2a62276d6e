/* Per-visit activity figures (core/visit/activity.h): one GROUP BY over the
 * event log, walked in (visit, seq) index order, so a list of visits costs
 * one statement whatever the number of visits, and no payload is parsed. */
#include "core/visit/activity.h"

#include "core/store/store.h"

struct activity_each {
    int (*cb)(const struct visit_activity *a, void *ctx);
    void *ctx;
};

static int activity_row(sqlite3_stmt *st, void *vctx)
{
    const struct activity_each *each = vctx;
    struct visit_activity a = {.visit = store_col_text(st, 0),
                               .scans = sqlite3_column_int64(st, 1),
                               .events = sqlite3_column_int64(st, 2),
                               .last_seq = sqlite3_column_int64(st, 3)};

    return each->cb(&a, each->ctx);
}

int visit_foreach_activity(struct store *s, int (*cb)(const struct visit_activity *a, void *ctx),
                           void *ctx, struct fc_error *err)
{
    struct activity_each each = {cb, ctx};

    return store_each_sql(s,
                          "SELECT visit, sum(kind = 'scan'), count(*), max(seq) FROM event"
                          " WHERE visit IS NOT NULL GROUP BY visit ORDER BY visit",
                          NULL, activity_row, &each, "cannot count the visits' events", err);
}
