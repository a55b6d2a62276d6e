/* What a night visit's record does not cover (DESIGN §5, "an accusation
 * needs an observation"): the beds of the wards the inspectors visited that
 * nobody scanned. Their patients are UNCHECKED, never NOT_FOUND; the close
 * dialog and `visit close` list these beds so the team can go back before the
 * record is signed. A ward's beds are its approved beds 1..bed_count
 * (wards.csv) and the beds the roster lists, in canonical form. */
#include "core/night/night.h"

#include "core/store/store.h"

#include <string.h>

int night_foreach_unscanned_bed(struct night *n,
                                int (*cb)(const char *ward_code, const char *bed,
                                          const char *listed, void *ctx),
                                void *ctx, struct fc_error *err)
{
    const struct visit *v = night_visit(n);
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(
        night_store(n),
        "WITH visited (w) AS (SELECT DISTINCT ward_code FROM night_bed WHERE visit = ?1),"
        " approved (w, b, n) AS ("
        "  SELECT r.ward_code, 1, r.bed_count FROM ref.ward r JOIN visited ON visited.w ="
        "   r.ward_code WHERE r.site_code = ?2 AND r.bed_count >= 1"
        "  UNION ALL SELECT w, b + 1, n FROM approved WHERE b < n AND b < 100000),"
        " beds (w, b) AS ("
        "  SELECT w, CAST(b AS TEXT) FROM approved"
        "  UNION SELECT i.ward_code, i.bed FROM ref.inpatient i JOIN visited ON visited.w ="
        "   i.ward_code WHERE i.site_code = ?2)"
        " SELECT w, b, coalesce((SELECT group_concat(admission_no, ',') FROM"
        "   (SELECT admission_no FROM ref.inpatient i WHERE i.site_code = ?2"
        "    AND i.ward_code = w AND i.bed = b ORDER BY admission_no)), '')"
        " FROM beds WHERE NOT EXISTS (SELECT 1 FROM night_bed nb WHERE nb.visit = ?1"
        "  AND nb.ward_code = w AND nb.bed = b)"
        " ORDER BY w, CAST(b AS INTEGER), b",
        &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, v->id);
    store_bind_text(st, 2, v->site_code);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = cb(store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2), ctx);
        if (rc) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(night_store(n), err, "cannot list unscanned beds");
    sqlite3_finalize(st);
    return rc;
}
