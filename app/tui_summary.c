/* Close-screen summaries of flight and pharmacy visits (app/tui_summary.h).
 * Flight figures come from flight_totals (indexed worksheet rows, so a
 * 100,000-line list costs no more than its verdicts), pharmacy ones from the
 * stock table and the reconciliation; the screen only lays rows out. */
#include "app/tui_summary.h"

#include "core/base/buf.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/flight/flight.h"
#include "core/mission/mission.h"
#include "core/pharmacy/pharmacy.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*emit_fn)(void *ctx, const struct ui_count_row *row);

static void row_set(struct ui_count_row *r, const char *name, long count, int64_t irregular,
                    int64_t loss, int with_loss, enum ui_severity sev)
{
    struct buf a = BUF_INIT, b = BUF_INIT;

    memset(r, 0, sizeof(*r));
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->count = count;
    r->severity = sev;
    money_format(&a, irregular);
    if (with_loss) {
        money_format(&b, loss);
        snprintf(r->amount, sizeof(r->amount), "%s / %s", a.ptr, b.ptr);
    } else {
        snprintf(r->amount, sizeof(r->amount), "%s", a.ptr);
    }
    buf_release(&a);
    buf_release(&b);
}

/* Lines by state: confirmed and partial first (money at stake), then what is
 * still pending, then the refuted ones. */
static int flight_states(struct store *s, const char *visit_id, emit_fn emit, void *ctx,
                         struct fc_error *err)
{
    static const struct {
        enum flight_state st;
        enum ui_severity sev;
    } order[] = {
        {FLIGHT_CONFIRMED, UI_SEV_ANOMALY},
        {FLIGHT_PARTIAL, UI_SEV_ANOMALY},
        {FLIGHT_PENDING, UI_SEV_WARN},
        {FLIGHT_REFUTED, UI_SEV_OK},
    };
    struct flight_totals t;
    struct ui_count_row r;
    int rc = flight_totals(s, visit_id, &t, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const struct flight_total *x = &t.by_state[order[i].st];
        const char *name = ui_lang_current() == UI_LANG_ZH ? flight_state_zh(order[i].st)
                                                           : flight_state_name(order[i].st);
        row_set(&r, name, (long)x->count, x->irregular_fen, x->fund_loss_fen, 1, order[i].sev);
        emit(ctx, &r);
    }
    flight_totals_release(&t);
    return 0;
}

/* Findings by violation code in taxonomy order, then their total. */
static int flight_codes(struct store *s, const char *visit_id, emit_fn emit, void *ctx,
                        struct fc_error *err)
{
    struct flight_totals t;
    struct ui_count_row r;
    int rc = flight_totals(s, visit_id, &t, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < t.n_codes; i++) {
        row_set(&r, t.by_code[i].key, (long)t.by_code[i].count, t.by_code[i].irregular_fen,
                t.by_code[i].fund_loss_fen, 1, UI_SEV_ANOMALY);
        emit(ctx, &r);
    }
    if (t.n_codes) {
        row_set(&r, ui_tr("All findings", "问题合计"), (long)t.findings.count,
                t.findings.irregular_fen, t.findings.fund_loss_fen, 1, UI_SEV_NONE);
        emit(ctx, &r);
    }
    flight_totals_release(&t);
    return 0;
}

/* Drugs with a variance between book and count, then those that match; the
 * book figures stay hidden while the count is blind. */
static int pharmacy_drugs(struct store *s, const char *visit_id, emit_fn emit, void *ctx,
                          struct fc_error *err)
{
    struct visit v;
    struct ui_count_row r;
    json_t *o = NULL, *d;
    long diff = 0, same = 0, hidden = 0;
    size_t i;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_id, &v, err);
    if (!rc)
        rc = mission_attach(s, v.mission_id, v.mission_version, err);
    if (!rc && !(o = pharmacy_show_json(s, &v, err)))
        rc = err && err->code ? err->code : FC_EDB;
    if (rc)
        goto out;
    json_array_foreach(json_object_get(o, "drugs"), i, d)
    {
        json_t *var = json_object_get(d, "variance");

        if (!json_is_number(var))
            hidden++;
        else if (json_number_value(var) != 0)
            diff++;
        else
            same++;
    }
    memset(&r, 0, sizeof(r));
    if (hidden) {
        snprintf(r.name, sizeof(r.name), "%s", ui_tr("Drugs (book hidden)", "药品（账面未显示）"));
        r.count = hidden;
        r.severity = UI_SEV_WARN;
        emit(ctx, &r);
    }
    snprintf(r.name, sizeof(r.name), "%s", ui_tr("Drugs with a variance", "账实不符药品"));
    r.count = diff;
    r.severity = diff ? UI_SEV_ANOMALY : UI_SEV_OK;
    emit(ctx, &r);
    snprintf(r.name, sizeof(r.name), "%s", ui_tr("Drugs that match", "账实相符药品"));
    r.count = same;
    r.severity = UI_SEV_OK;
    emit(ctx, &r);
out:
    json_decref(o);
    visit_release(&v);
    return rc;
}

struct rule_sum {
    struct ui_count_row *rows;
    int64_t *fen;
    size_t n;
};

static int rule_cb(const struct pharmacy_finding *f, void *vctx)
{
    struct rule_sum *rs = vctx;
    size_t i;

    for (i = 0; i < rs->n && strcmp(rs->rows[i].name, f->rule); i++)
        ;
    if (i == rs->n) {
        rs->rows = xreallocarray(rs->rows, rs->n + 1, sizeof(*rs->rows));
        rs->fen = xreallocarray(rs->fen, rs->n + 1, sizeof(*rs->fen));
        memset(&rs->rows[i], 0, sizeof(rs->rows[i]));
        snprintf(rs->rows[i].name, sizeof(rs->rows[i].name), "%s", f->rule);
        rs->rows[i].severity = UI_SEV_ANOMALY;
        rs->fen[i] = 0;
        rs->n++;
    }
    rs->rows[i].count++;
    rs->fen[i] += f->amount_fen;
    return 0;
}

static int cmp_row_name(const void *a, const void *b)
{
    return strcmp(((const struct ui_count_row *)a)->name, ((const struct ui_count_row *)b)->name);
}

/* Findings by rule (D01..D09 in order) with their suspect amounts. */
static int pharmacy_rules(struct store *s, const char *visit_id, emit_fn emit, void *ctx,
                          struct fc_error *err)
{
    struct visit v;
    struct rule_sum rs = {NULL, NULL, 0};
    int rc;

    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_id, &v, err);
    if (!rc)
        rc = mission_attach(s, v.mission_id, v.mission_version, err);
    if (!rc)
        rc = pharmacy_reconcile(s, &v, rule_cb, &rs, err);
    if (rc)
        goto out;
    /* amounts into the rows before sorting moves them */
    for (size_t i = 0; i < rs.n; i++) {
        struct buf b = BUF_INIT;
        money_format(&b, rs.fen[i]);
        snprintf(rs.rows[i].amount, sizeof(rs.rows[i].amount), "%s", b.ptr);
        buf_release(&b);
    }
    qsort(rs.rows, rs.n, sizeof(*rs.rows), cmp_row_name);
    for (size_t i = 0; i < rs.n; i++)
        emit(ctx, &rs.rows[i]);
out:
    free(rs.rows);
    free(rs.fen);
    visit_release(&v);
    return rc;
}

static const struct {
    const char *group;
    int (*fn)(struct store *s, const char *visit_id, emit_fn emit, void *ctx, struct fc_error *err);
} summaries[] = {
    {"states", flight_states},
    {"codes", flight_codes},
    {"drugs", pharmacy_drugs},
    {"rules", pharmacy_rules},
};

int tui_summary(struct store *s, const char *visit_id, const char *group, emit_fn emit, void *ctx,
                struct fc_error *err)
{
    for (size_t i = 0; i < sizeof(summaries) / sizeof(summaries[0]); i++)
        if (!strcmp(summaries[i].group, group))
            return summaries[i].fn(s, visit_id, emit, ctx, err);
    return fc_error_set(err, FC_EUSAGE, "no summary '%s'", group);
}
