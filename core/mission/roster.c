/* Roster views over the attached reference database (core/roster.h). They
 * exist so the TUI and reports can list sites and wards without SQL of their
 * own: sqlite3 stays in core. */
#include "core/mission/roster.h"

#include "core/store/store.h"

struct site_each {
    int (*cb)(const struct roster_site *site, void *ctx);
    void *ctx;
};

static int site_row(sqlite3_stmt *st, void *vctx)
{
    const struct site_each *each = vctx;
    struct roster_site r = {.site_code = store_col_text(st, 0),
                            .site_name = store_col_text(st, 1),
                            .site_kind = store_col_text(st, 2)};

    return each->cb(&r, each->ctx);
}

int roster_foreach_site(struct store *s, int (*cb)(const struct roster_site *site, void *ctx),
                        void *ctx, struct fc_error *err)
{
    struct site_each each = {cb, ctx};

    return store_each_sql(s,
                          "SELECT site_code, site_name, site_kind FROM ref.site ORDER BY site_code",
                          NULL, site_row, &each, "cannot read the sites", err);
}

struct ward_each {
    int (*cb)(const struct roster_ward *w, void *ctx);
    void *ctx;
};

static int ward_row(sqlite3_stmt *st, void *vctx)
{
    const struct ward_each *each = vctx;
    struct roster_ward w = {.ward_code = store_col_text(st, 0),
                            .ward = store_col_text(st, 1),
                            .bed_count = sqlite3_column_int64(st, 2),
                            .listed = sqlite3_column_int64(st, 3)};

    return each->cb(&w, each->ctx);
}

int roster_foreach_ward(struct store *s, const char *site_code,
                        int (*cb)(const struct roster_ward *w, void *ctx), void *ctx,
                        struct fc_error *err)
{
    struct ward_each each = {cb, ctx};

    return store_each_sql(
        s,
        "SELECT w.ward_code, w.ward, coalesce(w.bed_count, 0),"
        " (SELECT count(*) FROM ref.inpatient i WHERE i.site_code = ?1"
        "   AND i.ward_code = w.ward_code)"
        " FROM ref.ward w WHERE w.site_code = ?1"
        " UNION ALL"
        " SELECT i.ward_code, coalesce(max(i.ward), ''), 0, count(*) FROM ref.inpatient i"
        " WHERE i.site_code = ?1 AND NOT EXISTS (SELECT 1 FROM ref.ward w"
        "   WHERE w.site_code = ?1 AND w.ward_code = i.ward_code)"
        " GROUP BY i.ward_code ORDER BY 1",
        site_code, ward_row, &each, "cannot read the wards", err);
}
