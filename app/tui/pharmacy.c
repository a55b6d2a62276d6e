/* The TUI adapter of the stock-count screen family (struct
 * ui_pharmacy_model): one pharmacy engine (reopened when the screen moves to
 * another visit) and its results as banners, with severities and messages
 * from the workflow's catalogue. Every change goes through the engine, which
 * commits before it returns, as the CLI's `scan` and `count` do; the screen
 * re-reads its rows afterwards, so nothing here caches counts that could
 * drift from the database. */
#include "app/tui/tui.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/mission/mission.h"
#include "core/pharmacy/pharmacy.h"
#include "core/pharmacy/workflow.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tui_pharmacy {
    struct ui_pharmacy_model model;
    struct tui *t;
    struct store *s;
    struct pharmacy *engine;
    char visit[40];
    /* count_complete as the last list_drugs read it (-1: not read) */
    int complete;
    struct tui_team_notes *notes; /* on a team lead's laptop */
};

/* --- verdicts ---------------------------------------------------------- */

static enum ui_severity verdict_severity(const char *code)
{
    return tui_severity(workflow_verdict_in(&pharmacy_workflow, code, VERDICT_SCAN));
}

/* The banner of an engine result: severity and label from the catalogue,
 * the message in the user's language (pharmacy_result_to). */
static void verdict_fill(const struct pharmacy_result *r, struct ui_verdict *out)
{
    struct workflow_result wr;

    pharmacy_result_to(r, &wr);
    tui_verdict_from(&wr, out);
    workflow_result_release(&wr);
}

static void notify(struct tui_pharmacy *tp)
{
    tui_changed(tp->t);
}

/* --- the engine -------------------------------------------------------- */

/* Opens the engine on visit_id (attaching its mission) unless it is open on
 * it already. */
static int engine_for(struct tui_pharmacy *tp, const char *visit_id, struct fc_error *err)
{
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    if (tp->engine && visit_id && !strcmp(tp->visit, visit_id)) {
        /* another screen may have attached another mission since */
        const struct visit *pv = pharmacy_visit(tp->engine);
        return mission_attach(tp->s, pv->mission_id, pv->mission_version, err);
    }
    pharmacy_free(tp->engine);
    tp->engine = NULL;
    tp->visit[0] = '\0';
    tp->complete = -1;
    rc = visit_resolve(tp->s, visit_id, &v, err);
    if (!rc)
        rc = mission_attach(tp->s, v.mission_id, v.mission_version, err);
    if (!rc)
        rc = pharmacy_open(tp->s, v.id, &tp->engine, err);
    if (!rc)
        snprintf(tp->visit, sizeof(tp->visit), "%s", v.id);
    visit_release(&v);
    return rc;
}

/* --- drugs ------------------------------------------------------------- */

struct suspect {
    char drug[64];
    int64_t round;
};

struct suspects {
    struct suspect *v;
    size_t n, cap;
};

static int suspect_cb(const struct pharmacy_scan_row *r, void *ctx)
{
    struct suspects *ss = ctx;

    if (r->voided || strcmp(r->verdict, "SOLD_CODE_ON_SHELF"))
        return 0;
    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? ss->cap * 2 : 16;
        ss->v = xreallocarray(ss->v, ss->cap, sizeof(*ss->v));
    }
    snprintf(ss->v[ss->n].drug, sizeof(ss->v[ss->n].drug), "%s", r->drug_code);
    ss->v[ss->n].round = r->round;
    ss->n++;
    return 0;
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void drug_row_fill(json_t *d, const struct suspects *ss, struct ui_drug_row *r)
{
    json_t *flags = json_object_get(d, "flags"), *f;
    size_t i, len = 0;

    memset(r, 0, sizeof(*r));
    snprintf(r->code, sizeof(r->code), "%s", str(d, "drug_code"));
    snprintf(r->name, sizeof(r->name), "%s", str(d, "name"));
    snprintf(r->spec, sizeof(r->spec), "%s", str(d, "spec"));
    snprintf(r->unit, sizeof(r->unit), "%s", str(d, "unit"));
    r->has_book = json_is_number(json_object_get(d, "book"));
    r->book = num(d, "book");
    /* counted is null for a drug nobody counted before the count was
     * declared complete (NOT_COUNTED: coverage, never a shortage) */
    r->not_counted = json_is_null(json_object_get(d, "counted"));
    if (r->not_counted)
        snprintf(r->status_label, sizeof(r->status_label), "%s",
                 tui_label(workflow_verdict_in(&pharmacy_workflow, "NOT_COUNTED", VERDICT_ITEM),
                           "NOT_COUNTED"));
    r->counted = num(d, "counted");
    r->variance = num(d, "variance");
    r->boxes = (long)num(d, "boxes");
    r->round = (long)num(d, "round");
    for (size_t k = 0; k < ss->n; k++)
        r->suspect += !strcmp(ss->v[k].drug, r->code) && ss->v[k].round == r->round;
    /* "D01_STOCK_SHORTAGE" -> "D01": the legend is in the summary */
    json_array_foreach(flags, i, f)
    {
        const char *name = json_string_value(f);
        if (name && len + 5 < sizeof(r->flags))
            len += (size_t)snprintf(r->flags + len, sizeof(r->flags) - len, "%s%.3s",
                                    len ? " " : "", name);
    }
    if (r->flags[0] || r->suspect)
        r->severity = UI_SEV_ANOMALY;
    else if (r->has_book && r->variance != 0)
        r->severity = UI_SEV_WARN;
    else if (r->boxes || r->counted > 0)
        r->severity = UI_SEV_OK;
}

static int list_drugs(void *user, const char *visit_id,
                      void (*emit)(void *ctx, const struct ui_drug_row *row), void *ctx, int *blind,
                      struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    struct suspects ss = {NULL, 0, 0};
    json_t *show = NULL, *drugs, *d;
    struct ui_drug_row r;
    size_t i;
    int rc;

    /* first: building the notes attaches missions of its own */
    tui_team_notes_refresh(tp->notes);
    rc = engine_for(tp, visit_id, err);
    *blind = 0;
    if (rc)
        goto out;
    rc = pharmacy_foreach_scan(tp->s, tp->visit, NULL, suspect_cb, &ss, err);
    if (rc)
        goto out;
    show = pharmacy_show_json(tp->s, pharmacy_visit(tp->engine), err);
    if (!show) {
        rc = err && err->code ? err->code : FC_EDB;
        goto out;
    }
    *blind = json_is_true(json_object_get(show, "blind"));
    tp->complete = json_is_true(json_object_get(show, "count_complete"));
    drugs = json_object_get(show, "drugs");
    json_array_foreach(drugs, i, d)
    {
        drug_row_fill(d, &ss, &r);
        snprintf(r.team, sizeof(r.team), "%s",
                 tui_team_note(tp->notes, pharmacy_workflow.kind,
                               pharmacy_visit(tp->engine)->site_code, "drugs", r.code,
                               &r.team_conflict));
        emit(ctx, &r);
    }
out:
    json_decref(show);
    free(ss.v);
    return rc;
}

/* --- boxes ------------------------------------------------------------- */

struct box_ctx {
    void (*emit)(void *ctx, const struct ui_box_row *row);
    void *ctx;
};

static int box_cb(const struct pharmacy_scan_row *r, void *ctx)
{
    struct box_ctx *bc = ctx;
    struct ui_box_row b;

    memset(&b, 0, sizeof(b));
    snprintf(b.event_id, sizeof(b.event_id), "%s", r->event_id);
    b.seq = (long long)r->seq;
    b.at_ms = r->at_ms;
    snprintf(b.code, sizeof(b.code), "%s", r->code);
    snprintf(b.kind, sizeof(b.kind), "%s", r->kind);
    snprintf(b.verdict, sizeof(b.verdict), "%s", r->verdict);
    snprintf(
        b.verdict_label, sizeof(b.verdict_label), "%s",
        tui_label(workflow_verdict_in(&pharmacy_workflow, r->verdict, VERDICT_SCAN), r->verdict));
    snprintf(b.detail, sizeof(b.detail), "%s", r->detail);
    b.qty = r->qty;
    b.round = (long)r->round;
    b.voided = r->voided;
    b.severity = verdict_severity(r->verdict);
    bc->emit(bc->ctx, &b);
    return 0;
}

static int list_boxes(void *user, const char *visit_id, const char *drug_code,
                      void (*emit)(void *ctx, const struct ui_box_row *row), void *ctx,
                      struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    struct box_ctx bc = {emit, ctx};
    int rc = engine_for(tp, visit_id, err);

    if (rc)
        return rc;
    return pharmacy_foreach_scan(tp->s, tp->visit, drug_code, box_cb, &bc, err);
}

/* --- changes ----------------------------------------------------------- */

static int pharmacy_scan_code(struct tui_pharmacy *tp, const char *visit_id, const char *code,
                              enum ui_scan_how how, struct ui_verdict *out, struct fc_error *err)
{
    struct pharmacy_result r;
    int rc = engine_for(tp, visit_id, err);

    memset(out, 0, sizeof(*out));
    if (!rc)
        rc = pharmacy_scan(
            tp->engine, code, strlen(code),
            &(struct scan_arrival){how == UI_SCAN_BURST ? "burst" : "typed", NULL, NULL},
            clock_now_ms(), &r, err);
    if (rc)
        return rc;
    notify(tp);
    verdict_fill(&r, out);
    return 0;
}

static int model_scan(void *user, const char *visit_id, const char *code, enum ui_scan_how how,
                      struct ui_verdict *out, struct fc_error *err)
{
    return pharmacy_scan_code(user, visit_id, code, how, out, err);
}

static int model_count(void *user, const char *visit_id, const char *drug_code, long qty,
                       struct ui_verdict *out, struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    struct pharmacy_result r;
    int rc = engine_for(tp, visit_id, err);

    memset(out, 0, sizeof(*out));
    if (!rc)
        rc = pharmacy_count(tp->engine, drug_code, qty, clock_now_ms(), &r, err);
    if (rc)
        return rc;
    notify(tp);
    verdict_fill(&r, out);
    return 0;
}

static int model_recount(void *user, const char *visit_id, const char *drug_code,
                         struct ui_verdict *out, struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    int64_t round = 0;
    int rc = engine_for(tp, visit_id, err);

    memset(out, 0, sizeof(*out));
    if (!rc)
        rc = pharmacy_recount(tp->engine, drug_code, clock_now_ms(), &round, err);
    if (rc)
        return rc;
    notify(tp);
    out->severity = UI_SEV_OK;
    snprintf(out->verdict, sizeof(out->verdict), "RECOUNT");
    if (ui_lang_current() == UI_LANG_ZH)
        snprintf(out->message, sizeof(out->message), "%s：第 %lld 轮重新盘点，计数从零开始",
                 drug_code, (long long)round);
    else
        snprintf(out->message, sizeof(out->message), "%s: round %lld started, counted from zero",
                 drug_code, (long long)round);
    return 0;
}

/* Whether the count was declared complete (`visit show --json`'s
 * count_complete; absent: not declared). The screen asks right after
 * list_drugs, which read it from the same document. */
static int model_is_complete(void *user, const char *visit_id, int *complete, struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    json_t *show = NULL;
    int rc = engine_for(tp, visit_id, err);

    *complete = 0;
    if (rc)
        return rc;
    if (tp->complete >= 0) {
        *complete = tp->complete;
        tp->complete = -1;
        return 0;
    }
    show = pharmacy_show_json(tp->s, pharmacy_visit(tp->engine), err);
    if (!show)
        return err && err->code ? err->code : FC_EDB;
    *complete = json_is_true(json_object_get(show, "count_complete"));
    json_decref(show);
    return 0;
}

/* count --complete: one committed event, then drugs nobody counted count
 * as 0 (DESIGN §5). */
static int model_set_complete(void *user, const char *visit_id, struct ui_verdict *out,
                              struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    int rc = engine_for(tp, visit_id, err);

    memset(out, 0, sizeof(*out));
    if (!rc)
        rc = pharmacy_set_complete(tp->engine, clock_now_ms(), err);
    if (rc)
        return rc;
    notify(tp);
    out->severity = UI_SEV_OK;
    snprintf(out->verdict, sizeof(out->verdict), "COUNT_COMPLETE");
    snprintf(out->label, sizeof(out->label), "%s", ui_tr("count complete", "盘点完成"));
    snprintf(out->message, sizeof(out->message), "%s",
             ui_tr("drugs nobody counted now count as 0 and are reconciled",
                   "未盘点的药品现按 0 计并参与核对"));
    return 0;
}

static int model_set_blind(void *user, const char *visit_id, int blind, struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    int rc = engine_for(tp, visit_id, err);

    if (!rc)
        rc = pharmacy_set_blind(tp->engine, blind, clock_now_ms(), err);
    if (!rc)
        notify(tp);
    return rc;
}

static int model_void(void *user, const char *visit_id, const char *event_id, const char *reason,
                      struct ui_verdict *out, struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    struct pharmacy_result r;
    const char *was;
    int rc = engine_for(tp, visit_id, err);

    memset(out, 0, sizeof(*out));
    if (!rc)
        rc = pharmacy_void(tp->engine, event_id, reason, clock_now_ms(), &r, err);
    if (rc)
        return rc;
    notify(tp);
    out->severity = verdict_severity("VOIDED");
    snprintf(out->verdict, sizeof(out->verdict), "VOIDED");
    was = tui_label(workflow_verdict_in(&pharmacy_workflow, r.verdict, VERDICT_SCAN), r.verdict);
    if (ui_lang_current() == UI_LANG_ZH)
        snprintf(out->message, sizeof(out->message), "扫码 %s（%s）已作废：%s", r.code, was,
                 reason);
    else
        snprintf(out->message, sizeof(out->message), "scan %s (%s) voided: %s", r.code, was,
                 reason);
    return 0;
}

/* --- summary ----------------------------------------------------------- */

struct rule_sum {
    struct ui_rule_row *v;
    size_t n, cap;
};

static int rule_cb(const struct pharmacy_finding *f, void *ctx)
{
    struct rule_sum *rs = ctx;
    size_t i;

    for (i = 0; i < rs->n; i++)
        if (!strcmp(rs->v[i].rule, f->rule))
            break;
    if (i == rs->n) {
        if (rs->n == rs->cap) {
            rs->cap = rs->cap ? rs->cap * 2 : 16;
            rs->v = xreallocarray(rs->v, rs->cap, sizeof(*rs->v));
        }
        memset(&rs->v[i], 0, sizeof(rs->v[i]));
        snprintf(rs->v[i].rule, sizeof(rs->v[i].rule), "%s", f->rule);
        snprintf(rs->v[i].label, sizeof(rs->v[i].label), "%s",
                 tui_label(workflow_verdict_in(&pharmacy_workflow, f->rule, VERDICT_RULE), ""));
        rs->n++;
    }
    rs->v[i].findings++;
    rs->v[i].amount_fen += f->amount_fen;
    return 0;
}

static int rule_row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ui_rule_row *)a)->rule, ((const struct ui_rule_row *)b)->rule);
}

static int model_summary(void *user, const char *visit_id,
                         void (*emit)(void *ctx, const struct ui_rule_row *row), void *ctx,
                         struct fc_error *err)
{
    struct tui_pharmacy *tp = user;
    struct rule_sum rs = {NULL, 0, 0};
    int rc = engine_for(tp, visit_id, err);

    if (!rc)
        rc = pharmacy_reconcile(tp->s, pharmacy_visit(tp->engine), rule_cb, &rs, err);
    if (!rc) {
        qsort(rs.v, rs.n, sizeof(*rs.v), rule_row_cmp);
        for (size_t i = 0; i < rs.n; i++)
            emit(ctx, &rs.v[i]);
    }
    free(rs.v);
    return rc;
}

/* --- lifecycle --------------------------------------------------------- */

static void *create(struct tui *t)
{
    struct tui_pharmacy *tp = xcalloc(1, sizeof(*tp));

    tp->t = t;
    tp->s = tui_store(t);
    tp->notes = tui_team_notes_new(tp->s);
    tp->complete = -1;
    tp->model.user = tp;
    tp->model.list_drugs = list_drugs;
    tp->model.list_boxes = list_boxes;
    tp->model.scan = model_scan;
    tp->model.count = model_count;
    tp->model.recount = model_recount;
    tp->model.set_blind = model_set_blind;
    tp->model.is_complete = model_is_complete;
    tp->model.set_complete = model_set_complete;
    tp->model.void_scan = model_void;
    tp->model.summary = model_summary;
    return tp;
}

static void destroy(void *a)
{
    struct tui_pharmacy *tp = a;

    if (!tp)
        return;
    pharmacy_free(tp->engine);
    tui_team_notes_free(tp->notes);
    free(tp);
}

static void install(void *a, struct ui_app *ua)
{
    ua->pharmacy = &((struct tui_pharmacy *)a)->model;
}

/* Codes that reach a count through another screen or a dialog: the same
 * engine as the screen's own scans, so one engine judges every box. */
static int adapter_scan(void *a, const struct visit *v, const char *code, enum ui_scan_how how,
                        struct ui_verdict *out, struct fc_error *err)
{
    return pharmacy_scan_code(a, v->id, code, how, out, err);
}

const struct tui_adapter tui_pharmacy_adapter = {
    .screen = WORKFLOW_SCREEN_COUNT,
    .name = "count",
    .create = create,
    .destroy = destroy,
    .install = install,
    .scan = adapter_scan,
};
