/* Read side of the pharmacy count for screens: the visit's stored scans from
 * the derived pharmacy_scan table, so a screen lists a drug's boxes without
 * re-parsing event payloads or knowing SQL (sqlite3.h stays in core). */
#include "core/pharmacy/pharmacy.h"
#include "core/pharmacy/internal.h"

#include "core/engine_kit.h"
#include "core/store/store.h"

#include <string.h>

static int scan_row(sqlite3_stmt *st, void *ctx)
{
    const struct pharmacy_each *each = ctx;
    struct pharmacy_scan_row r = {
        .seq = sqlite3_column_int64(st, 0),
        .event_id = store_col_text(st, 1),
        .at_ms = sqlite3_column_int64(st, 2),
        .code = store_col_text(st, 3),
        .kind = store_col_text(st, 4),
        .drug_code = store_col_text(st, 5),
        .verdict = store_col_text(st, 6),
        .detail = store_col_text(st, 7),
        .qty = sqlite3_column_double(st, 8),
        .round = sqlite3_column_int64(st, 9),
        .settled = sqlite3_column_int(st, 10),
        .voided = sqlite3_column_int(st, 11),
    };

    return each->scan(&r, each->ctx);
}

int pharmacy_foreach_scan(struct store *s, const char *visit_id, const char *drug_code,
                          int (*cb)(const struct pharmacy_scan_row *r, void *ctx), void *ctx,
                          struct fc_error *err)
{
    struct pharmacy_each each = {.scan = cb, .ctx = ctx};

    return engine_each(s,
                       "SELECT seq, event_id, at_ms, code, kind, coalesce(drug_code, ''),"
                       " verdict, detail, qty, round, settled, voided_by IS NOT NULL"
                       " FROM pharmacy_scan WHERE visit = ?1"
                       " AND (?2 IS NULL OR drug_code = ?2) ORDER BY seq",
                       visit_id, drug_code && *drug_code ? drug_code : NULL, scan_row, &each,
                       "cannot read the pharmacy scans", err);
}
