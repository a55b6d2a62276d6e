/* Roster views over the attached reference database (core/roster.h). They
 * exist so the TUI and reports can list sites and wards without SQL of their
 * own: sqlite3 stays in core. */
#include "core/mission/roster.h"

#include "core/store/store.h"

int roster_foreach_site(struct store *s, int (*cb)(const struct roster_site *site, void *ctx),
                        void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = store_prepare(s, "SELECT site_code, site_name, site_kind FROM ref.site ORDER BY site_code",
                       &st, err);
    if (rc)
        goto out;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct roster_site r;

        r.site_code = store_col_text(st, 0);
        r.site_name = store_col_text(st, 1);
        r.site_kind = store_col_text(st, 2);
        rc = cb(&r, ctx);
        if (rc)
            goto out;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the sites");
out:
    sqlite3_finalize(st);
    return rc;
}

int roster_foreach_ward(struct store *s, const char *site_code,
                        int (*cb)(const struct roster_ward *w, void *ctx), void *ctx,
                        struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = store_prepare(
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
        &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, site_code);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct roster_ward w;

        w.ward_code = store_col_text(st, 0);
        w.ward = store_col_text(st, 1);
        w.bed_count = sqlite3_column_int64(st, 2);
        w.listed = sqlite3_column_int64(st, 3);
        rc = cb(&w, ctx);
        if (rc)
            goto out;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the wards");
out:
    sqlite3_finalize(st);
    return rc;
}
