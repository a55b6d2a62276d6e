/* Keyset paging over a flight visit's suspicion lines (core/flight_page.h).
 * Pages seek by susp_id on the reference table's primary-key index, with the
 * site test kept out of index selection (unary +), so page N costs the same
 * as page 1 instead of growing with an OFFSET, and no page sorts the site. */
#include "core/flight_page.h"

#include "core/base/buf.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/store.h"
#include "core/visit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct flight_pager {
    struct store *s;
    char visit[37];
    char site[64];
};

#define PAGE_COLS                                                                            \
    "s.susp_id, s.rule_code, s.rule_name, s.setl_id, s.admission_no, s.name, s.id_number,"   \
    " s.item_code, s.item_name, s.settled_on, s.description, s.qty, s.unit_price, s.amount," \
    " s.susp_amount, st.state, st.irregular_fen, st.fund_loss_fen, st.note, st.over_reason," \
    " st.response, st.inspector, st.verified_at"

#define PAGE_FROM                                        \
    " FROM ref.suspicion s LEFT JOIN suspicion_state st" \
    " ON st.visit = ?1 AND st.susp_id = s.susp_id"

/* ?3 rule, ?4 state name, ?5 inspector; NULL does not filter. */
#define PAGE_FILTER                                           \
    " AND (?3 IS NULL OR s.rule_code = ?3)"                   \
    " AND (?4 IS NULL OR COALESCE(st.state, 'PENDING') = ?4)" \
    " AND (?5 IS NULL OR st.inspector = ?5)"

int flight_pager_open(struct store *s, const char *visit_id, struct flight_pager **out,
                      struct fc_error *err)
{
    struct flight_pager *p = NULL;
    struct visit v;
    int rc;

    *out = NULL;
    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_id, &v, err);
    if (rc)
        goto out;
    rc = flight_prepare(s, &v, 0, err);
    if (rc)
        goto out;
    p = xcalloc(1, sizeof(*p));
    p->s = s;
    snprintf(p->visit, sizeof(p->visit), "%s", v.id);
    snprintf(p->site, sizeof(p->site), "%s", v.site_code);
    *out = p;
out:
    visit_release(&v);
    return rc;
}

void flight_pager_free(struct flight_pager *p)
{
    free(p);
}

const char *flight_pager_visit(const struct flight_pager *p)
{
    return p->visit;
}

const char *flight_pager_site(const struct flight_pager *p)
{
    return p->site;
}

/* Binds ?1 visit, ?2 site and the filter; FC_EUSAGE for a bad state. */
static int bind_filter(struct flight_pager *p, sqlite3_stmt *st, const struct flight_filter *filter,
                       struct fc_error *err)
{
    enum flight_state want = FLIGHT_PENDING;

    if (filter && filter->state && flight_state_parse(filter->state, &want))
        return fc_error_set(err, FC_EUSAGE,
                            "unknown state '%s' (CONFIRMED, PARTIAL, REFUTED or PENDING)",
                            filter->state);
    store_bind_text(st, 1, p->visit);
    store_bind_text(st, 2, p->site);
    store_bind_text(st, 3, filter && filter->rule && filter->rule[0] ? filter->rule : NULL);
    store_bind_text(st, 4, filter && filter->state ? flight_state_name(want) : NULL);
    store_bind_text(st, 5,
                    filter && filter->inspector && filter->inspector[0] ? filter->inspector : NULL);
    return FC_OK;
}

static int count_where(struct flight_pager *p, const struct flight_filter *filter,
                       const char *susp_id, long *n, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *n = 0;
    rc = store_prepare(p->s,
                       susp_id ? "SELECT count(*)" PAGE_FROM " WHERE +s.site_code = ?2" PAGE_FILTER
                                 " AND s.susp_id < ?6"
                               : "SELECT count(*)" PAGE_FROM " WHERE s.site_code = ?2" PAGE_FILTER,
                       &st, err);
    if (rc)
        goto out;
    rc = bind_filter(p, st, filter, err);
    if (rc)
        goto out;
    if (susp_id)
        store_bind_text(st, 6, susp_id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = store_fail(p->s, err, "cannot count suspicion lines");
        goto out;
    }
    *n = (long)sqlite3_column_int64(st, 0);
out:
    sqlite3_finalize(st);
    return rc;
}

int flight_pager_count(struct flight_pager *p, const struct flight_filter *filter, long *n,
                       struct fc_error *err)
{
    return count_where(p, filter, NULL, n, err);
}

int flight_pager_position(struct flight_pager *p, const struct flight_filter *filter,
                          const char *susp_id, long *pos, struct fc_error *err)
{
    return count_where(p, filter, susp_id ? susp_id : "", pos, err);
}

static void line_read(sqlite3_stmt *st, struct flight_line *l)
{
    const char *state = store_col_text(st, 15);

    memset(l, 0, sizeof(*l));
    l->susp_id = store_col_text(st, 0);
    l->rule_code = store_col_text(st, 1);
    l->rule_name = store_col_text(st, 2);
    l->setl_id = store_col_text(st, 3);
    l->admission_no = store_col_text(st, 4);
    l->name = store_col_text(st, 5);
    l->id_number = store_col_text(st, 6);
    l->item_code = store_col_text(st, 7);
    l->item_name = store_col_text(st, 8);
    l->settled_on = store_col_text(st, 9);
    l->description = store_col_text(st, 10);
    if ((l->has_qty = sqlite3_column_type(st, 11) != SQLITE_NULL))
        l->qty_milli = qty_from_real(sqlite3_column_double(st, 11));
    if ((l->has_unit_price = sqlite3_column_type(st, 12) != SQLITE_NULL))
        l->unit_price_fen = money_from_yuan(sqlite3_column_double(st, 12));
    if ((l->has_amount = sqlite3_column_type(st, 13) != SQLITE_NULL))
        l->amount_fen = money_from_yuan(sqlite3_column_double(st, 13));
    if ((l->has_susp_amount = sqlite3_column_type(st, 14) != SQLITE_NULL))
        l->susp_amount_fen = money_from_yuan(sqlite3_column_double(st, 14));
    l->state = FLIGHT_PENDING;
    flight_state_parse(state, &l->state);
    l->irregular_fen = sqlite3_column_int64(st, 16);
    l->fund_loss_fen = sqlite3_column_int64(st, 17);
    l->note = store_col_text(st, 18);
    l->over_reason = store_col_text(st, 19);
    l->response = store_col_text(st, 20);
    l->inspector = store_col_text(st, 21);
    l->verified_at = store_col_text(st, 22);
}

int flight_pager_page(struct flight_pager *p, const struct flight_filter *filter, const char *key,
                      enum flight_seek seek, size_t limit,
                      int (*cb)(const struct flight_line *l, void *ctx), void *ctx,
                      struct fc_error *err)
{
    static const char *const key_test[] = {
        [FLIGHT_SEEK_FROM] = " AND s.susp_id >= ?6",
        [FLIGHT_SEEK_AFTER] = " AND s.susp_id > ?6",
        [FLIGHT_SEEK_BEFORE] = " AND s.susp_id < ?6",
    };
    struct buf sql = BUF_INIT;
    sqlite3_stmt *st = NULL;
    int rc;

    if ((unsigned)seek > FLIGHT_SEEK_BEFORE)
        return fc_error_set(err, FC_EUSAGE, "bad page direction %d", (int)seek);
    buf_addf(&sql, "SELECT " PAGE_COLS PAGE_FROM " WHERE +s.site_code = ?2" PAGE_FILTER "%s",
             key ? key_test[seek] : "");
    buf_addf(&sql, " ORDER BY s.susp_id%s LIMIT ?7", seek == FLIGHT_SEEK_BEFORE ? " DESC" : "");
    rc = store_prepare(p->s, sql.ptr, &st, err);
    if (rc)
        goto out;
    rc = bind_filter(p, st, filter, err);
    if (rc)
        goto out;
    if (key)
        store_bind_text(st, 6, key);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)(limit > INT32_MAX ? INT32_MAX : limit));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct flight_line l;

        line_read(st, &l);
        rc = cb(&l, ctx);
        if (rc)
            goto out;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(p->s, err, "cannot read suspicion lines");
out:
    sqlite3_finalize(st);
    buf_release(&sql);
    return rc;
}

int flight_pager_lookup(struct flight_pager *p, const char *code, char *out, size_t cap,
                        struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (cap)
        out[0] = '\0';
    /* the id first: a primary-key probe; settlement ids need a scan */
    rc = store_prepare(p->s,
                       "SELECT susp_id FROM ref.suspicion WHERE site_code = ?1 AND susp_id = ?2"
                       " UNION ALL SELECT * FROM (SELECT susp_id FROM ref.suspicion"
                       " WHERE +site_code = ?1 AND setl_id = ?2 ORDER BY susp_id) LIMIT 1",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, p->site);
    store_bind_text(st, 2, code);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(out, cap, "%s", store_col_text(st, 0));
        rc = FC_OK;
    } else if (rc == SQLITE_DONE) {
        rc = fc_error_set(err, FC_ENOTFOUND, "no suspicion line or settlement '%s' at site '%s'",
                          code, p->site);
    } else {
        rc = store_fail(p->s, err, "cannot read suspicion lines");
    }
out:
    sqlite3_finalize(st);
    return rc;
}

int flight_pager_distinct(struct flight_pager *p, const char *what,
                          int (*cb)(const char *value, void *ctx), void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql;
    int rc;

    if (!strcmp(what, "rule"))
        sql = "SELECT DISTINCT rule_code FROM ref.suspicion WHERE site_code = ?2"
              " AND ?1 IS NOT NULL AND rule_code <> '' ORDER BY 1";
    else if (!strcmp(what, "inspector"))
        sql = "SELECT DISTINCT inspector FROM suspicion_state WHERE visit = ?1"
              " AND ?2 IS NOT NULL AND inspector <> '' ORDER BY 1";
    else
        return fc_error_set(err, FC_EUSAGE, "cannot list distinct '%s'", what);
    rc = store_prepare(p->s, sql, &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, p->visit);
    store_bind_text(st, 2, p->site);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = cb(store_col_text(st, 0), ctx);
        if (rc)
            goto out;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(p->s, err, "cannot read suspicion lines");
out:
    sqlite3_finalize(st);
    return rc;
}
