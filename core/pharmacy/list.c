/* Read side of the pharmacy count for screens: the visit's stored scans from
 * the derived pharmacy_scan table, so a screen lists a drug's boxes without
 * re-parsing event payloads or knowing SQL (sqlite3.h stays in core). */
#include "core/pharmacy/pharmacy.h"

#include "core/store/store.h"

#include <string.h>

int pharmacy_foreach_scan(struct store *s, const char *visit_id, const char *drug_code,
                          int (*cb)(const struct pharmacy_scan_row *r, void *ctx), void *ctx,
                          struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    struct pharmacy_scan_row r;
    int rc;

    rc = store_prepare(s,
                       "SELECT seq, event_id, at_ms, code, kind, coalesce(drug_code, ''), verdict,"
                       " detail, qty, round, settled, voided_by IS NOT NULL FROM pharmacy_scan"
                       " WHERE visit = ?1 AND (?2 IS NULL OR drug_code = ?2) ORDER BY seq",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, visit_id);
    store_bind_text(st, 2, drug_code && *drug_code ? drug_code : NULL);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&r, 0, sizeof(r));
        r.seq = sqlite3_column_int64(st, 0);
        r.event_id = store_col_text(st, 1);
        r.at_ms = sqlite3_column_int64(st, 2);
        r.code = store_col_text(st, 3);
        r.kind = store_col_text(st, 4);
        r.drug_code = store_col_text(st, 5);
        r.verdict = store_col_text(st, 6);
        r.detail = store_col_text(st, 7);
        r.qty = sqlite3_column_double(st, 8);
        r.round = sqlite3_column_int64(st, 9);
        r.settled = sqlite3_column_int(st, 10);
        r.voided = sqlite3_column_int(st, 11);
        rc = cb(&r, ctx);
        if (rc)
            goto out;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the pharmacy scans");
out:
    sqlite3_finalize(st);
    return rc;
}
