/* Flight worksheet engine: validation of verdicts and findings against the
 * reference lines, the events that record them, and their appliers. The
 * appliers keep a per-event history (susp_action) and recompute the current
 * state of a line from the latest live action of each kind, which makes a
 * void a plain refresh and keeps rebuilds exact. Reports live in
 * flight_report.c. */
#include "core/flight/flight.h"
#include "core/flight/internal.h"

#include "core/base/buf.h"
#include "core/base/mask.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/engine_kit.h"
#include "core/store/event.h"
#include "core/visit/evidence.h"
#include "core/mission/mission.h"
#include "core/store/store.h"
#include "core/flight/taxonomy.h"
#include "core/visit/visit.h"
#include "core/base/clock.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    const char *zh;
} flight_states[FLIGHT_NSTATES] = {
    [FLIGHT_PENDING] = {"PENDING", "待查"},
    [FLIGHT_CONFIRMED] = {"CONFIRMED", "属实"},
    [FLIGHT_PARTIAL] = {"PARTIAL", "部分属实"},
    [FLIGHT_REFUTED] = {"REFUTED", "不属实"},
};

const char *flight_state_name(enum flight_state st)
{
    return (unsigned)st < FLIGHT_NSTATES ? flight_states[st].name : "PENDING";
}

const char *flight_state_zh(enum flight_state st)
{
    return (unsigned)st < FLIGHT_NSTATES ? flight_states[st].zh : "待查";
}

int flight_state_parse(const char *text, enum flight_state *out)
{
    for (int i = 0; text && i < FLIGHT_NSTATES; i++) {
        if (!strcasecmp(text, flight_states[i].name) || !strcmp(text, flight_states[i].zh)) {
            *out = (enum flight_state)i;
            return FC_OK;
        }
    }
    return FC_EUSAGE;
}

/* State names stored in derived rows are ours; anything else reads as PENDING. */
static enum flight_state state_from_text(const char *text)
{
    enum flight_state st = FLIGHT_PENDING;

    flight_state_parse(text, &st);
    return st;
}

int flight_attach_ref(struct store *s, const struct visit *v, struct fc_error *err)
{
    return mission_attach(s, v->mission_id, v->mission_version, err);
}

int flight_prepare(struct store *s, const struct visit *v, int need_open, struct fc_error *err)
{
    char closed_local[CLOCK_ISO_MAX];
    if (strcmp(v->kind, "flight") != 0)
        return fc_error_set(err, FC_ESTATE, "visit '%.8s' is a %s visit, not a flight inspection",
                            v->id, v->kind);
    if (need_open && v->closed_at[0])
        return fc_error_set(err, FC_ESTATE, "visit '%.8s' was closed at %s: nothing can be added",
                            v->id, clock_iso_local(v->closed_at, closed_local));
    return flight_attach_ref(s, v, err);
}

/* Loads the visit by id and prepares it (flight kind, ref attached). */
static int load_visit(struct store *s, const char *visit_id, int need_open, struct visit *v,
                      struct fc_error *err)
{
    int rc = visit_resolve(s, visit_id, v, err);

    if (!rc)
        rc = flight_prepare(s, v, need_open, err);
    if (rc)
        visit_release(v);
    return rc;
}

void flight_line_read(sqlite3_stmt *st, struct flight_line *l)
{
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
    l->state = state_from_text(store_col_text(st, 15));
    l->irregular_fen = sqlite3_column_int64(st, 16);
    l->fund_loss_fen = sqlite3_column_int64(st, 17);
    l->note = store_col_text(st, 18);
    l->over_reason = store_col_text(st, 19);
    l->response = store_col_text(st, 20);
    l->inspector = store_col_text(st, 21);
    l->verified_at = store_col_text(st, 22);
}

/* What the walks over lines and findings hand each row to. */
struct flight_each {
    int (*line)(const struct flight_line *l, void *ctx);
    int (*finding)(const struct flight_finding *f, void *ctx);
    void *ctx;
};

static int line_row(sqlite3_stmt *st, void *ctx)
{
    const struct flight_each *each = ctx;
    struct flight_line l;

    flight_line_read(st, &l);
    return each->line(&l, each->ctx);
}

int flight_susp_foreach(struct store *s, const char *visit_id, const struct flight_filter *filter,
                        int (*cb)(const struct flight_line *l, void *ctx), void *ctx,
                        struct fc_error *err)
{
    struct flight_each each = {.line = cb, .ctx = ctx};
    struct visit v;
    sqlite3_stmt *st = NULL;
    enum flight_state want = FLIGHT_PENDING;
    int rc;

    memset(&v, 0, sizeof(v));
    if (filter && filter->state && flight_state_parse(filter->state, &want))
        return fc_error_set(err, FC_EUSAGE,
                            "unknown state '%s' (CONFIRMED, PARTIAL, REFUTED or PENDING)",
                            filter->state);
    rc = load_visit(s, visit_id, 0, &v, err);
    if (rc)
        return rc;
    rc = store_prepare(s,
                       "SELECT " FLIGHT_LINE_COLS FLIGHT_LINE_FROM " WHERE s.site_code = ?2"
                       " AND (?3 IS NULL OR s.rule_code = ?3)"
                       " AND (?4 IS NULL OR COALESCE(st.state, 'PENDING') = ?4)"
                       " AND (?5 IS NULL OR st.inspector = ?5)"
                       " ORDER BY s.susp_id",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, v.id);
    store_bind_text(st, 2, v.site_code);
    store_bind_text(st, 3, filter ? filter->rule : NULL);
    store_bind_text(st, 4, filter && filter->state ? flight_state_name(want) : NULL);
    store_bind_text(st, 5, filter ? filter->inspector : NULL);
    rc = store_each(s, st, line_row, &each, "cannot read suspicion lines", err);
out:
    visit_release(&v);
    return rc;
}

int flight_susp_get(struct store *s, const char *visit_id, const char *susp_id,
                    int (*cb)(const struct flight_line *l, void *ctx), void *ctx,
                    struct fc_error *err)
{
    struct visit v;
    sqlite3_stmt *st = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = load_visit(s, visit_id, 0, &v, err);
    if (rc)
        return rc;
    /* a primary-key probe; the site test only rejects another site's line */
    rc = store_prepare(s,
                       "SELECT " FLIGHT_LINE_COLS FLIGHT_LINE_FROM
                       " WHERE s.susp_id = ?3 AND +s.site_code = ?2",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, v.id);
    store_bind_text(st, 2, v.site_code);
    store_bind_text(st, 3, susp_id ? susp_id : "");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct flight_line l;

        flight_line_read(st, &l);
        rc = cb(&l, ctx);
    } else if (rc == SQLITE_DONE) {
        rc = fc_error_set(err, FC_ENOTFOUND, "no suspicion line '%s' at site '%s'",
                          susp_id ? susp_id : "", v.site_code);
    } else {
        rc = store_fail(s, err, "cannot read suspicion lines");
    }
out:
    sqlite3_finalize(st);
    visit_release(&v);
    return rc;
}

/* Amounts of one line of the visit's site. */
struct line_amounts {
    int has_amount, has_susp_amount;
    int64_t amount_fen, susp_amount_fen;
};

/* FC_OK when the site knows admission number adm: in its roster or on one
 * of its suspicion lines; FC_EINPUT naming it otherwise. */
static int patient_known(struct store *s, const struct visit *v, const char *adm,
                         struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT 1 FROM ref.inpatient WHERE admission_no = ?1 AND site_code = ?2"
                           " UNION ALL SELECT 1 FROM ref.suspicion"
                           " WHERE admission_no = ?1 AND site_code = ?2 LIMIT 1",
                           &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, adm);
    store_bind_text(st, 2, v->site_code);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = FC_OK;
    else if (rc == SQLITE_DONE)
        rc = fc_error_set(err, FC_EINPUT,
                          "finding names unknown patient '%s': not in the roster nor on a "
                          "suspicion line of site '%s'",
                          adm ? adm : "", v->site_code);
    else
        rc = store_fail(s, err, "cannot read the roster");
    sqlite3_finalize(st);
    return rc;
}

static int amounts_row(sqlite3_stmt *st, void *ctx)
{
    struct line_amounts *out = ctx;

    if (out) {
        memset(out, 0, sizeof(*out));
        if ((out->has_amount = sqlite3_column_type(st, 0) != SQLITE_NULL))
            out->amount_fen = money_from_yuan(sqlite3_column_double(st, 0));
        if ((out->has_susp_amount = sqlite3_column_type(st, 1) != SQLITE_NULL))
            out->susp_amount_fen = money_from_yuan(sqlite3_column_double(st, 1));
    }
    return FC_OK;
}

/* The amounts of line susp_id of the visit's site (out may be NULL: only
 * whether it exists); FC_ENOTFOUND when the site has no such line. */
static int line_lookup(struct store *s, const struct visit *v, const char *susp_id,
                       struct line_amounts *out, struct fc_error *err)
{
    int rc =
        engine_one(s,
                   "SELECT amount, susp_amount FROM ref.suspicion"
                   " WHERE susp_id = ?1 AND site_code = ?2",
                   susp_id, v->site_code, amounts_row, out, "cannot read suspicion lines", err);

    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "no suspicion line '%s' at site '%s'",
                          susp_id ? susp_id : "", v->site_code);
    return rc;
}

static int parse_amount(const char *text, const char *what, int64_t *fen, struct fc_error *err)
{
    if (money_parse(text, fen))
        return fc_error_set(err, FC_EINPUT,
                            "invalid %s '%s' (yuan with at most two decimals, e.g. 12.34)", what,
                            text);
    return FC_OK;
}

static char *fen_text(int64_t fen)
{
    struct buf b = BUF_INIT;

    money_format(&b, fen);
    return buf_detach(&b, NULL);
}

/* Appends one event in its own transaction and copies its id out. */

static int verdict_amounts(const struct flight_verify_args *a, enum flight_state state,
                           const struct line_amounts *line, struct flight_verdict *vd,
                           struct fc_error *err)
{
    int64_t amount = 0, loss = 0;
    int has_amount = a->amount != NULL, has_loss = a->fund_loss != NULL, has_cap;
    int64_t cap;
    int rc;

    if (has_amount && (rc = parse_amount(a->amount, "amount", &amount, err)))
        return rc;
    if (has_loss && (rc = parse_amount(a->fund_loss, "fund loss", &loss, err)))
        return rc;
    has_cap = line->has_amount || line->has_susp_amount;
    cap = line->has_amount ? line->amount_fen : line->susp_amount_fen;
    vd->line_fen = has_cap ? cap : -1;
    if (state == FLIGHT_REFUTED || state == FLIGHT_PENDING) {
        if (amount || loss)
            return fc_error_set(err, FC_EINPUT,
                                "a %s (%s) line carries no amounts: drop --amount"
                                " and --fund-loss",
                                flight_state_name(state), flight_state_zh(state));
        vd->irregular_fen = vd->fund_loss_fen = 0;
        return FC_OK;
    }
    if (!has_amount) {
        if (state == FLIGHT_PARTIAL)
            return fc_error_set(
                err, FC_EINPUT,
                "PARTIAL (部分属实) needs --amount (the confirmed irregular amount)");
        if (!line->has_susp_amount && !line->has_amount)
            return fc_error_set(err, FC_EINPUT, "line '%s' has no amount: give --amount",
                                a->susp_id);
        amount = line->has_susp_amount ? line->susp_amount_fen : line->amount_fen;
    }
    if (has_cap && amount > cap && (!a->over_reason || !*a->over_reason)) {
        char *x = fen_text(amount), *y = fen_text(cap);
        rc = fc_error_set(err, FC_EINPUT,
                          "irregular amount %s exceeds the line amount %s of '%s': give"
                          " --over-reason",
                          x, y, a->susp_id);
        free(x);
        free(y);
        return rc;
    }
    if (!has_loss)
        loss = amount;
    if (loss > amount) {
        char *x = fen_text(loss), *y = fen_text(amount);
        rc = fc_error_set(err, FC_EINPUT, "fund loss %s exceeds the irregular amount %s", x, y);
        free(x);
        free(y);
        return rc;
    }
    vd->irregular_fen = amount;
    vd->fund_loss_fen = loss;
    return FC_OK;
}

int flight_susp_verify(struct store *s, const char *visit_id, const struct flight_verify_args *a,
                       struct flight_verdict *out, struct fc_error *err)
{
    struct visit v;
    struct line_amounts line;
    struct flight_verdict vd;
    json_t *obj = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(&vd, 0, sizeof(vd));
    if (!a->susp_id || !*a->susp_id)
        return fc_error_set(err, FC_EUSAGE, "no suspicion line named");
    if (flight_state_parse(a->verdict, &vd.state))
        return fc_error_set(err, FC_EUSAGE,
                            "unknown verdict '%s' (CONFIRMED, PARTIAL, REFUTED, PENDING or"
                            " 属实, 部分属实, 不属实, 待查)",
                            a->verdict ? a->verdict : "");
    rc = load_visit(s, visit_id, 1, &v, err);
    if (rc)
        return rc;
    rc = line_lookup(s, &v, a->susp_id, &line, err);
    if (rc)
        goto out;
    rc = verdict_amounts(a, vd.state, &line, &vd, err);
    if (rc)
        goto out;
    obj = json_pack("{s:s, s:s, s:I, s:I, s:s?, s:s?}", "susp_id", a->susp_id, "state",
                    flight_state_name(vd.state), "irregular_fen", (json_int_t)vd.irregular_fen,
                    "fund_loss_fen", (json_int_t)vd.fund_loss_fen, "note",
                    a->note && *a->note ? a->note : NULL, "over_reason",
                    a->over_reason && *a->over_reason ? a->over_reason : NULL);
    if (!obj) {
        rc = fc_error_set(err, FC_EINPUT, "note or reason is not valid UTF-8");
        goto out;
    }
    json_object_set_new(obj, "line_fen",
                        vd.line_fen >= 0 ? json_integer(vd.line_fen) : json_null());
    rc = event_commit_json(s, v.id, a->at_ms, "susp_verify", a->susp_id, obj, vd.event_id, err);
    if (!rc && out)
        *out = vd;
out:
    json_decref(obj);
    visit_release(&v);
    return rc;
}

static int simple_action(struct store *s, const char *visit_id, const char *susp_id,
                         const char *kind, const char *key, const char *value, const char *what,
                         int64_t at_ms, char event_id[37], struct fc_error *err)
{
    struct visit v;
    json_t *obj = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    if (!susp_id || !*susp_id)
        return fc_error_set(err, FC_EUSAGE, "no suspicion line named");
    if (!value || !*value)
        return fc_error_set(err, FC_EUSAGE, "%s must not be empty", what);
    rc = load_visit(s, visit_id, 1, &v, err);
    if (rc)
        return rc;
    rc = line_lookup(s, &v, susp_id, NULL, err);
    if (rc)
        goto out;
    obj = json_pack("{s:s, s:s}", "susp_id", susp_id, key, value);
    if (!obj) {
        rc = fc_error_set(err, FC_EINPUT, "%s is not valid UTF-8", what);
        goto out;
    }
    rc = event_commit_json(s, v.id, at_ms, kind, susp_id, obj, event_id, err);
out:
    json_decref(obj);
    visit_release(&v);
    return rc;
}

int flight_susp_respond(struct store *s, const char *visit_id, const char *susp_id,
                        const char *text, int64_t at_ms, char event_id[37], struct fc_error *err)
{
    return simple_action(s, visit_id, susp_id, "susp_response", "text", text, "response text",
                         at_ms, event_id, err);
}

int flight_susp_assign(struct store *s, const char *visit_id, const char *susp_id,
                       const char *inspector, int64_t at_ms, char event_id[37],
                       struct fc_error *err)
{
    return simple_action(s, visit_id, susp_id, "susp_assign", "inspector", inspector,
                         "inspector name", at_ms, event_id, err);
}

/* The lead and number of the line's current assignment, when it came from
 * a team lead's code; lead "" otherwise. */
/* The line's current assignment, as current_assignment reports it. */
struct assignment {
    char *lead; /* 17 bytes */
    int64_t *number;
};

static int assignment_row(sqlite3_stmt *st, void *ctx)
{
    const struct assignment *a = ctx;
    json_t *p = json_loads(store_col_text(st, 0), 0, NULL);
    json_t *as = json_object_get(p, "assignment");
    const char *l = json_string_value(json_object_get(as, "lead"));

    if (l && json_is_integer(json_object_get(as, "number"))) {
        snprintf(a->lead, 17, "%s", l);
        *a->number = json_integer_value(json_object_get(as, "number"));
    }
    json_decref(p);
    return FC_OK;
}

static int current_assignment(struct store *s, const char *visit, const char *susp_id,
                              char lead[17], int64_t *number, struct fc_error *err)
{
    struct assignment a = {lead, number};
    int rc;

    lead[0] = 0;
    *number = 0;
    rc = engine_one(s,
                    "SELECT e.payload FROM suspicion_state ss JOIN event e"
                    " ON e.id = ss.assign_event WHERE ss.visit = ?1 AND ss.susp_id = ?2",
                    visit, susp_id, assignment_row, &a, "cannot read the line's assignment", err);
    return rc == FC_ENOTFOUND ? FC_OK : rc;
}

static int first_inspector(const struct visit *v, struct buf *out)
{
    json_t *a = json_loads(v->inspectors_json ? v->inspectors_json : "[]", 0, NULL);
    const char *name = json_string_value(json_array_get(a, 0));

    if (name)
        buf_adds(out, name);
    json_decref(a);
    return name ? 0 : -1;
}

int flight_susp_assign_team(struct store *s, const char *visit_id, const char *const *lines,
                            size_t n, const char *inspector, const char *lead, int64_t number,
                            int64_t at_ms, size_t *applied, struct fc_error *err)
{
    struct visit v;
    struct buf who = BUF_INIT;
    size_t done = 0;
    int rc;

    memset(&v, 0, sizeof(v));
    if (applied)
        *applied = 0;
    rc = load_visit(s, visit_id, 1, &v, err);
    if (rc)
        return rc;
    if (inspector && *inspector)
        buf_adds(&who, inspector);
    else if (first_inspector(&v, &who))
        rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' names no inspector", v.id);
    for (size_t i = 0; !rc && i < n; i++)
        rc = line_lookup(s, &v, lines[i], NULL, err);
    if (!rc)
        rc = store_begin(s, err);
    for (size_t i = 0; !rc && i < n; i++) {
        char have[17];
        int64_t have_no = 0;
        json_t *obj = NULL;
        char *payload = NULL;

        rc = current_assignment(s, v.id, lines[i], have, &have_no, err);
        if (rc)
            break;
        if (!strcmp(have, lead) && have_no >= number)
            continue; /* this code, or a newer one of the same lead, is applied */
        obj = json_pack("{s:s, s:s, s:{s:s, s:I}}", "susp_id", lines[i], "inspector", who.ptr,
                        "assignment", "lead", lead, "number", (json_int_t)number);
        payload = obj ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        if (!payload)
            rc = fc_error_set(err, FC_EINPUT, "inspector name is not valid UTF-8");
        else
            rc = event_append(s, v.id, at_ms, "susp_assign", lines[i], payload, NULL, err);
        free(payload);
        json_decref(obj);
        if (!rc)
            done++;
    }
    if (!rc)
        rc = store_commit(s, err);
    if (rc)
        store_rollback(s);
    else if (applied)
        *applied = done;
    buf_release(&who);
    visit_release(&v);
    return rc;
}

int flight_lines_check(struct store *s, const char *mission_id, int64_t version,
                       const char *site_code, const char *const *lines, size_t n,
                       struct fc_error *err)
{
    struct visit v;
    int rc = mission_attach(s, mission_id, version, err);

    memset(&v, 0, sizeof(v));
    snprintf(v.site_code, sizeof(v.site_code), "%s", site_code);
    for (size_t i = 0; !rc && i < n; i++)
        rc = line_lookup(s, &v, lines[i], NULL, err);
    return rc;
}

/* ---- findings ---- */

static json_t *string_array(const char *const *items, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *str = json_string(items[i]);
        if (!str) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, str);
    }
    return arr;
}

static int finding_amounts(const struct flight_finding_args *a, json_t *obj, struct fc_error *err)
{
    int64_t qty = 0, price = 0, product = 0, amount = 0, loss = 0;
    int has_product = 0, rc;

    if (!a->qty != !a->unit_price)
        return fc_error_set(err, FC_EUSAGE, "--qty and --unit-price go together");
    if (a->qty) {
        if (qty_parse(a->qty, &qty))
            return fc_error_set(err, FC_EINPUT, "invalid quantity '%s' (at most three decimals)",
                                a->qty);
        if ((rc = parse_amount(a->unit_price, "unit price", &price, err)))
            return rc;
        if (money_mul_qty(qty, price, &product))
            return fc_error_set(err, FC_EINPUT, "quantity x unit price is too large");
        has_product = 1;
    }
    if (a->amount) {
        if ((rc = parse_amount(a->amount, "amount", &amount, err)))
            return rc;
        if (has_product && amount > product) {
            char *x = fen_text(amount), *y = fen_text(product);
            rc = fc_error_set(err, FC_EINPUT, "amount %s exceeds quantity x unit price %s", x, y);
            free(x);
            free(y);
            return rc;
        }
    } else if (has_product) {
        amount = product;
    } else {
        return fc_error_set(err, FC_EUSAGE, "give --amount or --qty with --unit-price");
    }
    loss = amount;
    if (a->fund_loss && (rc = parse_amount(a->fund_loss, "fund loss", &loss, err)))
        return rc;
    if (loss > amount) {
        char *x = fen_text(loss), *y = fen_text(amount);
        rc = fc_error_set(err, FC_EINPUT, "fund loss %s exceeds the irregular amount %s", x, y);
        free(x);
        free(y);
        return rc;
    }
    json_object_set_new(obj, "qty_milli", has_product ? json_integer(qty) : json_null());
    json_object_set_new(obj, "unit_price_fen", has_product ? json_integer(price) : json_null());
    json_object_set_new(obj, "irregular_fen", json_integer(amount));
    json_object_set_new(obj, "fund_loss_fen", json_integer(loss));
    return FC_OK;
}

int flight_finding_add(struct store *s, const char *visit_id, const struct flight_finding_args *a,
                       char event_id[37], struct fc_error *err)
{
    const struct taxonomy_entry *tax = NULL;
    struct visit v;
    json_t *obj = NULL, *lines = NULL, *patients = NULL, *evid = NULL;
    char *payload = NULL;
    struct event ev;
    int rc, in_tx = 0;

    memset(&v, 0, sizeof(v));
    rc = taxonomy_check(a->code, &tax, err);
    if (rc)
        return rc;
    if (!a->note || !*a->note)
        return fc_error_set(err, FC_EUSAGE, "a finding needs --note (what was found)");
    rc = load_visit(s, visit_id, 1, &v, err);
    if (rc)
        return rc;
    obj = json_object();
    rc = finding_amounts(a, obj, err);
    if (rc)
        goto out;
    for (size_t i = 0; i < a->n_lines; i++) {
        rc = line_lookup(s, &v, a->lines[i], NULL, err);
        if (rc) {
            if (rc == FC_ENOTFOUND)
                rc = fc_error_set(err, FC_EINPUT, "finding names unknown line '%s' (site '%s')",
                                  a->lines[i], v.site_code);
            goto out;
        }
    }
    for (size_t i = 0; i < a->n_patients; i++) {
        rc = patient_known(s, &v, a->patients[i], err);
        if (rc)
            goto out;
    }
    lines = string_array(a->lines, a->n_lines);
    patients = string_array(a->patients, a->n_patients);
    if (!lines || !patients || json_object_set_new(obj, "note", json_string(a->note))) {
        rc = fc_error_set(err, FC_EINPUT, "finding text is not valid UTF-8");
        goto out;
    }
    json_object_set_new(obj, "code", json_string(tax->code));
    json_object_set(obj, "lines", lines);
    json_object_set(obj, "patients", patients);
    evid = json_array();
    rc = store_begin(s, err);
    if (rc)
        goto out;
    in_tx = 1;
    for (size_t i = 0; i < a->n_evidence; i++) {
        struct evidence e;
        rc = evidence_append(s, v.id, a->evidence[i], NULL, a->at_ms, &e, NULL, err);
        if (rc)
            goto out;
        json_array_append_new(evid, json_pack("{s:s, s:s, s:s}", "event_id", e.event_id, "sha256",
                                              e.sha256, "path", e.path));
        evidence_release(&e);
    }
    json_object_set(obj, "evidence", evid);
    payload = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    rc = event_append(s, v.id, a->at_ms, "finding_add", tax->code, payload, &ev, err);
    if (!rc)
        rc = store_commit(s, err);
    if (!rc) {
        in_tx = 0;
        if (event_id)
            snprintf(event_id, 37, "%s", ev.id);
    }
out:
    if (in_tx)
        store_rollback(s);
    free(payload);
    json_decref(obj);
    json_decref(lines);
    json_decref(patients);
    json_decref(evid);
    visit_release(&v);
    return rc;
}

static int finding_row(sqlite3_stmt *st, void *ctx)
{
    const struct flight_each *each = ctx;
    struct flight_finding f = {
        .event_id = store_col_text(st, 0),
        .at = store_col_text(st, 1),
        .code = store_col_text(st, 2),
        .note = store_col_text(st, 3),
        .has_qty = sqlite3_column_type(st, 4) != SQLITE_NULL,
        .qty_milli = sqlite3_column_int64(st, 4),
        .has_unit_price = sqlite3_column_type(st, 5) != SQLITE_NULL,
        .unit_price_fen = sqlite3_column_int64(st, 5),
        .seq = sqlite3_column_int64(st, 6),
        .irregular_fen = sqlite3_column_int64(st, 7),
        .fund_loss_fen = sqlite3_column_int64(st, 8),
        .lines_json = store_col_text(st, 9),
        .patients_json = store_col_text(st, 10),
        .evidence_json = store_col_text(st, 11),
    };

    return each->finding(&f, each->ctx);
}

int flight_finding_foreach(struct store *s, const char *visit_id,
                           int (*cb)(const struct flight_finding *f, void *ctx), void *ctx,
                           struct fc_error *err)
{
    struct flight_each each = {.finding = cb, .ctx = ctx};

    return store_each_sql(s,
                          "SELECT event_id, at, code, note, qty_milli, unit_price_fen, seq,"
                          " irregular_fen, fund_loss_fen, lines, patients, evidence"
                          " FROM flight_finding WHERE visit = ?1"
                          " AND event_id NOT IN (SELECT target FROM voided) ORDER BY seq",
                          visit_id, finding_row, &each, "cannot read findings", err);
}

/* ---- totals ---- */

void flight_totals_release(struct flight_totals *t)
{
    if (!t)
        return;
    free(t->by_code);
    memset(t, 0, sizeof(*t));
}

/* Adds one state's lines to the totals (ctx). */
static int state_total_row(sqlite3_stmt *st, void *ctx)
{
    struct flight_totals *out = ctx;
    struct flight_total *t = &out->by_state[state_from_text(store_col_text(st, 0))];

    t->count += sqlite3_column_int64(st, 1);
    t->irregular_fen += sqlite3_column_int64(st, 2);
    t->fund_loss_fen += sqlite3_column_int64(st, 3);
    out->lines.irregular_fen += sqlite3_column_int64(st, 2);
    out->lines.fund_loss_fen += sqlite3_column_int64(st, 3);
    return FC_OK;
}

/* The totals' rows by violation code, one per taxonomy entry. */
struct code_totals {
    struct flight_total *by_code;
    size_t n;
};

static int code_total_row(sqlite3_stmt *st, void *ctx)
{
    const struct code_totals *c = ctx;
    const char *code = store_col_text(st, 0);
    size_t i;

    for (i = 0; i < c->n && strcmp(c->by_code[i].key, code); i++)
        ;
    if (i == c->n)
        return FC_OK; /* a code no longer in the table: counted in the total only */
    c->by_code[i].count = sqlite3_column_int64(st, 1);
    c->by_code[i].irregular_fen = sqlite3_column_int64(st, 2);
    c->by_code[i].fund_loss_fen = sqlite3_column_int64(st, 3);
    return FC_OK;
}

int flight_totals(struct store *s, const char *visit_id, struct flight_totals *out,
                  struct fc_error *err)
{
    struct visit v;
    struct code_totals codes = {NULL, 0};
    sqlite3_stmt *st = NULL;
    int64_t lines;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&v, 0, sizeof(v));
    rc = load_visit(s, visit_id, 0, &v, err);
    if (rc)
        return rc;
    for (int i = 0; i < FLIGHT_NSTATES; i++)
        snprintf(out->by_state[i].key, sizeof(out->by_state[i].key), "%s",
                 flight_state_name((enum flight_state)i));
    snprintf(out->lines.key, sizeof(out->lines.key), "ALL");
    snprintf(out->findings.key, sizeof(out->findings.key), "ALL");
    /* Lines with a worksheet row, by state (their number follows the
     * verdicts, not the list); the rest of the site's lines are PENDING. The
     * join keeps rows of lines the site does not have out, as a LEFT JOIN
     * from the lines would. */
    rc = store_prepare(s,
                       "SELECT st.state, count(*), COALESCE(sum(st.irregular_fen), 0),"
                       " COALESCE(sum(st.fund_loss_fen), 0) FROM suspicion_state st"
                       " JOIN ref.suspicion s ON s.susp_id = st.susp_id AND s.site_code = ?2"
                       " WHERE st.visit = ?1 GROUP BY st.state",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, v.id);
    store_bind_text(st, 2, v.site_code);
    rc = store_each(s, st, state_total_row, out, "cannot total suspicion lines", err);
    st = NULL;
    if (rc)
        goto out;
    /* the site index alone answers this one */
    rc = store_prepare(s, "SELECT count(*) FROM ref.suspicion WHERE site_code = ?1", &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, v.site_code);
    lines = engine_step_int(s, st, 0, "cannot total suspicion lines", err);
    if (lines < 0) {
        rc = (int)lines;
        goto out;
    }
    out->lines.count = lines;
    out->by_state[FLIGHT_PENDING].count = out->lines.count;
    for (int i = 0; i < FLIGHT_NSTATES; i++)
        if (i != FLIGHT_PENDING)
            out->by_state[FLIGHT_PENDING].count -= out->by_state[i].count;
    sqlite3_finalize(st);
    st = NULL;
    for (const struct taxonomy_entry *t = taxonomy_table; t->code; t++)
        codes.n++;
    out->by_code = codes.by_code = xcalloc(codes.n, sizeof(*out->by_code));
    for (size_t i = 0; i < codes.n; i++)
        snprintf(codes.by_code[i].key, sizeof(codes.by_code[i].key), "%s", taxonomy_table[i].code);
    rc = store_prepare(s,
                       "SELECT code, count(*), sum(irregular_fen), sum(fund_loss_fen)"
                       " FROM flight_finding WHERE visit = ?1"
                       " AND event_id NOT IN (SELECT target FROM voided) GROUP BY code",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, v.id);
    rc = store_each(s, st, code_total_row, &codes, "cannot total findings", err);
    st = NULL;
    if (rc)
        goto out;
    /* keep only the codes that have findings, in taxonomy order */
    for (size_t i = 0; i < codes.n; i++) {
        if (!out->by_code[i].count)
            continue;
        out->findings.count += out->by_code[i].count;
        out->findings.irregular_fen += out->by_code[i].irregular_fen;
        out->findings.fund_loss_fen += out->by_code[i].fund_loss_fen;
        out->by_code[out->n_codes++] = out->by_code[i];
    }
out:
    sqlite3_finalize(st);
    visit_release(&v);
    if (rc)
        flight_totals_release(out);
    return rc;
}

/* ---- appliers ---- */

static int bad_payload(const struct event *e, struct fc_error *err)
{
    return fc_error_set(err, FC_EINTEGRITY, "event %lld: bad %s payload", (long long)e->seq,
                        e->kind);
}

/* The latest live action of one kind on the line (?1 visit, ?2 susp_id). */
#define LATEST_ACTION(kind)                                                              \
    "(SELECT * FROM susp_action WHERE visit = ?1 AND susp_id = ?2 AND kind = '" kind "'" \
    " AND event_id NOT IN (SELECT target FROM voided) ORDER BY seq DESC LIMIT 1)"

/* Recomputes the current state of one line from its live actions: a line
 * whose every action is voided has no row (it reads as PENDING). */
static int state_refresh(struct store *s, const char *visit, const char *susp_id,
                         struct fc_error *err)
{
    static const char *const sql[] = {
        "DELETE FROM suspicion_state WHERE visit = ?1 AND susp_id = ?2",
        "INSERT INTO suspicion_state (visit, susp_id, state, irregular_fen,"
        " fund_loss_fen, note, over_reason, verified_at, verify_event, response,"
        " responded_at, response_event, inspector, assigned_at, assign_event)"
        " SELECT ?1, ?2, COALESCE(v.state, 'PENDING'), COALESCE(v.irregular_fen, 0),"
        " COALESCE(v.fund_loss_fen, 0), v.note, v.over_reason, v.at, v.event_id,"
        " r.text, r.at, r.event_id, a.inspector, a.at, a.event_id"
        " FROM (SELECT 1) one LEFT JOIN " LATEST_ACTION(
            "verify") " v ON 1"
                      " LEFT JOIN " LATEST_ACTION(
                          "response") " r ON 1"
                                      " LEFT JOIN " LATEST_ACTION(
                                          "assign") " a ON 1"
                                                    " WHERE v.event_id IS NOT NULL OR r.event_id "
                                                    "IS NOT NULL OR a.event_id IS NOT NULL",
    };
    int rc = FC_OK;

    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && !rc; i++) {
        sqlite3_stmt *st = NULL;

        rc = store_prepare(s, sql[i], &st, err);
        if (rc)
            break;
        store_bind_text(st, 1, visit);
        store_bind_text(st, 2, susp_id);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_fail(s, err, "cannot refresh suspicion state");
        sqlite3_finalize(st);
    }
    return rc;
}

static int action_insert(struct store *s, const struct event *e, const char *kind, const json_t *p,
                         struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *susp_id = json_string_value(json_object_get(p, "susp_id"));
    json_t *line = json_object_get(p, "line_fen");
    int rc;

    if (!susp_id || !e->visit)
        return bad_payload(e, err);
    rc = store_prepare(s,
                       "INSERT INTO susp_action (event_id, seq, visit, susp_id, kind, at, state,"
                       " irregular_fen, fund_loss_fen, line_fen, note, over_reason, text,"
                       " inspector) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                       " ?13, ?14)",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, e->id);
    sqlite3_bind_int64(st, 2, e->seq);
    store_bind_text(st, 3, e->visit);
    store_bind_text(st, 4, susp_id);
    store_bind_text(st, 5, kind);
    store_bind_text(st, 6, e->at);
    store_bind_text(st, 7, json_string_value(json_object_get(p, "state")));
    if (json_is_integer(json_object_get(p, "irregular_fen")))
        sqlite3_bind_int64(st, 8, json_integer_value(json_object_get(p, "irregular_fen")));
    if (json_is_integer(json_object_get(p, "fund_loss_fen")))
        sqlite3_bind_int64(st, 9, json_integer_value(json_object_get(p, "fund_loss_fen")));
    if (json_is_integer(line))
        sqlite3_bind_int64(st, 10, json_integer_value(line));
    store_bind_text(st, 11, json_string_value(json_object_get(p, "note")));
    store_bind_text(st, 12, json_string_value(json_object_get(p, "over_reason")));
    store_bind_text(st, 13, json_string_value(json_object_get(p, "text")));
    store_bind_text(st, 14, json_string_value(json_object_get(p, "inspector")));
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, err, "cannot record suspicion action");
    sqlite3_finalize(st);
    if (!rc)
        rc = state_refresh(s, e->visit, susp_id, err);
    return rc;
}

static int apply_action(struct store *s, const struct event *e, const char *kind,
                        struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    int rc = p ? action_insert(s, e, kind, p, err) : bad_payload(e, err);

    json_decref(p);
    return rc;
}

int flight_apply_verify(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    (void)ctx;
    return apply_action(s, e, "verify", err);
}

int flight_apply_response(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    (void)ctx;
    return apply_action(s, e, "response", err);
}

int flight_apply_assign(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    (void)ctx;
    return apply_action(s, e, "assign", err);
}

static const char *str_or(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

int flight_apply_finding(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    sqlite3_stmt *st = NULL;
    json_t *qty, *price, *empty = json_array();
    int rc;

    (void)ctx;
    if (!p || !e->visit || !json_string_value(json_object_get(p, "code")) ||
        !json_is_integer(json_object_get(p, "irregular_fen"))) {
        rc = bad_payload(e, err);
        goto out;
    }
    rc = store_prepare(s,
                       "INSERT INTO flight_finding (event_id, seq, visit, at, code, qty_milli,"
                       " unit_price_fen, irregular_fen, fund_loss_fen, lines, patients, note,"
                       " evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                       " ?13)",
                       &st, err);
    if (rc)
        goto out;
    qty = json_object_get(p, "qty_milli");
    price = json_object_get(p, "unit_price_fen");
    store_bind_text(st, 1, e->id);
    sqlite3_bind_int64(st, 2, e->seq);
    store_bind_text(st, 3, e->visit);
    store_bind_text(st, 4, e->at);
    store_bind_text(st, 5, json_string_value(json_object_get(p, "code")));
    if (json_is_integer(qty))
        sqlite3_bind_int64(st, 6, json_integer_value(qty));
    if (json_is_integer(price))
        sqlite3_bind_int64(st, 7, json_integer_value(price));
    sqlite3_bind_int64(st, 8, json_integer_value(json_object_get(p, "irregular_fen")));
    sqlite3_bind_int64(st, 9, json_integer_value(json_object_get(p, "fund_loss_fen")));
    store_bind_json(st, 10, json_object_get(p, "lines") ? json_object_get(p, "lines") : empty);
    store_bind_json(st, 11,
                    json_object_get(p, "patients") ? json_object_get(p, "patients") : empty);
    store_bind_text(st, 12, str_or(json_string_value(json_object_get(p, "note")), ""));
    store_bind_json(st, 13,
                    json_object_get(p, "evidence") ? json_object_get(p, "evidence") : empty);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, err, "cannot record finding");
out:
    sqlite3_finalize(st);
    json_decref(empty);
    json_decref(p);
    return rc;
}

/* The visit and line of a suspicion action (ctx: two owned strings). */
static int action_line_row(sqlite3_stmt *st, void *ctx)
{
    char **visit_susp = ctx;

    visit_susp[0] = xstrdup(store_col_text(st, 0));
    visit_susp[1] = xstrdup(store_col_text(st, 1));
    return FC_OK;
}

int flight_on_voided(struct store *s, const char *target, struct fc_error *err)
{
    char *visit_susp[2] = {NULL, NULL};
    int rc = engine_one(s, "SELECT visit, susp_id FROM susp_action WHERE event_id = ?1", target,
                        NULL, action_line_row, visit_susp, "cannot read suspicion actions", err);

    if (!rc)
        rc = state_refresh(s, visit_susp[0], visit_susp[1], err);
    free(visit_susp[0]);
    free(visit_susp[1]);
    return rc == FC_ENOTFOUND ? FC_OK : rc;
}

int flight_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    const char *target = json_string_value(json_object_get(p, "target"));
    int rc;

    (void)ctx;
    rc = target ? flight_on_voided(s, target, err) : bad_payload(e, err);
    json_decref(p);
    return rc;
}
