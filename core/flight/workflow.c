/* The flight inspection's registry entry (core/workflow.h): its appliers and
 * derived tables, what a visit found (confirmed lines, findings; lines not
 * yet checked as coverage), `visit show` and the reports. It takes no scans:
 * the worksheet is worked line by line (susp, finding). */
#include "core/flight/workflow.h"

#include "core/flight/internal.h"

#include "core/base/money.h"
#include "core/base/utf8.h"
#include "core/engine_kit.h"
#include "core/flight/flight.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <string.h>

static const struct workflow_applier appliers[] = {
    {"susp_verify", flight_apply_verify}, {"susp_response", flight_apply_response},
    {"susp_assign", flight_apply_assign}, {"finding_add", flight_apply_finding},
    {"void", flight_apply_void},          {NULL, NULL},
};

static const struct workflow_table tables[] = {
    {"susp_action", "DELETE FROM susp_action", "SELECT * FROM susp_action ORDER BY event_id"},
    {"suspicion_state", "DELETE FROM suspicion_state",
     "SELECT * FROM suspicion_state ORDER BY visit, susp_id"},
    {"flight_finding", "DELETE FROM flight_finding",
     "SELECT * FROM flight_finding ORDER BY event_id"},
    {NULL, NULL, NULL},
};

static const struct workflow_group groups[] = {
    {"lines", FC_N_("Lines by state (irregular / fund loss)"), "疑点核实（违规/基金损失）",
     WORKFLOW_MONEY_AMOUNT_LOSS, 0, 0, NULL, 0},
    {"findings", FC_N_("Findings by violation code"), "问题认定（按违规类别）",
     WORKFLOW_MONEY_AMOUNT_LOSS, 1, 0, NULL, 0},
    {NULL, NULL, NULL, WORKFLOW_MONEY_NONE, 0, 0, NULL, 0},
};

/* Worksheet records a generic void may cancel. */
static const char *const record_kinds[] = {"susp_verify", "susp_response", "susp_assign",
                                           "finding_add", NULL};

static const struct verdict *state_verdict(enum flight_state st)
{
    return workflow_verdict_in(&flight_workflow, flight_state_name(st), VERDICT_STATE);
}

/* ---- results ---------------------------------------------------------------- */

static int line_finding(const struct flight_line *l, void *ctx)
{
    return engine_finding(ctx, (struct workflow_finding){.verdict = state_verdict(l->state),
                                                         .group = "lines",
                                                         .subject = l->susp_id,
                                                         .detail = l->rule_code,
                                                         .amount_fen = l->irregular_fen,
                                                         .fund_loss_fen = l->fund_loss_fen,
                                                         .count = 1});
}

/* A recorded finding adds to the summary row of its violation code. */
static int recorded_finding(const struct flight_finding *ff, void *ctx)
{
    return engine_finding(
        ctx, (struct workflow_finding){
                 .verdict = workflow_verdict_in(&flight_workflow, "FINDING", VERDICT_FINDING),
                 .group = "findings",
                 .subject = ff->code,
                 .detail = ff->note,
                 .amount_fen = ff->irregular_fen,
                 .fund_loss_fen = ff->fund_loss_fen,
                 .count = 1,
                 .key = ff->code});
}

/* Confirmed and partly confirmed lines one by one; the lines not yet
 * checked and the refuted ones as one row each with their number (a list
 * may hold 100,000 lines). */
static int findings(struct store *s, const struct visit *v,
                    int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                    struct fc_error *err)
{
    static const enum flight_state each[] = {FLIGHT_CONFIRMED, FLIGHT_PARTIAL};
    static const enum flight_state summed[] = {FLIGHT_PENDING, FLIGHT_REFUTED};
    struct engine_findings fc = {cb, ctx};
    struct flight_totals t;
    int rc = FC_OK;

    memset(&t, 0, sizeof(t));
    for (size_t i = 0; i < 2 && !rc; i++) {
        struct flight_filter filter = {NULL, flight_state_name(each[i]), NULL};
        rc = flight_susp_foreach(s, v->id, &filter, line_finding, &fc, err);
    }
    if (!rc)
        rc = flight_totals(s, v->id, &t, err);
    for (size_t i = 0; i < 2 && !rc; i++) {
        if (t.by_state[summed[i]].count)
            rc = engine_finding(&fc,
                                (struct workflow_finding){.verdict = state_verdict(summed[i]),
                                                          .group = "lines",
                                                          .subject = "",
                                                          .count = t.by_state[summed[i]].count});
    }
    if (!rc)
        rc = flight_finding_foreach(s, v->id, recorded_finding, &fc, err);
    flight_totals_release(&t);
    return rc;
}

/* Every line worked (confirmed, partly confirmed or refuted) one by one,
 * then the recorded findings: what the team's view sets side by side. */
static int records(struct store *s, const struct visit *v,
                   int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                   struct fc_error *err)
{
    static const enum flight_state each[] = {FLIGHT_CONFIRMED, FLIGHT_PARTIAL, FLIGHT_REFUTED};
    struct engine_findings fc = {cb, ctx};
    int rc = FC_OK;

    for (size_t i = 0; i < sizeof(each) / sizeof(each[0]) && !rc; i++) {
        struct flight_filter filter = {NULL, flight_state_name(each[i]), NULL};
        rc = flight_susp_foreach(s, v->id, &filter, line_finding, &fc, err);
    }
    if (!rc)
        rc = flight_finding_foreach(s, v->id, recorded_finding, &fc, err);
    return rc;
}

static int show_json(struct store *s, const struct visit *v, json_t *o, struct fc_error *err)
{
    json_t *f = flight_show_json(s, v->id, err);

    if (!f)
        return err && err->code ? err->code : FC_EDB;
    json_object_update(o, f);
    json_decref(f);
    return FC_OK;
}

static void total_line(FILE *out, const char *label, const struct flight_total *t)
{
    char irr[MONEY_TEXT_MAX], loss[MONEY_TEXT_MAX];

    /* labels are Chinese or English: pad by display columns, not bytes */
    size_t w = utf8_width(label);

    money_text(t->irregular_fen, irr);
    money_text(t->fund_loss_fen, loss);
    fprintf(out, "  %s%*s", label, w < 18 ? (int)(18 - w) : 0, "");
    fprintf(out, fc_tr("%6lld  irregular %12s  fund loss %12s\n"), (long long)t->count, irr, loss);
}

static int show_text(struct store *s, const struct visit *v, FILE *out, struct fc_error *err)
{
    struct flight_totals t;
    int rc;

    memset(&t, 0, sizeof(t));
    rc = flight_totals(s, v->id, &t, err);
    if (rc)
        return rc;
    fprintf(out, "%s\n", fc_tr("suspicion lines by state:"));
    for (int i = 0; i < FLIGHT_NSTATES; i++)
        total_line(out, verdict_label(state_verdict((enum flight_state)i)), &t.by_state[i]);
    total_line(out, fc_tr("all lines"), &t.lines);
    fprintf(out, "%s\n", fc_tr("findings by violation code:"));
    for (size_t i = 0; i < t.n_codes; i++)
        total_line(out, t.by_code[i].key, &t.by_code[i]);
    total_line(out, fc_tr("all findings"), &t.findings);
    flight_totals_release(&t);
    return FC_OK;
}

static int report(struct store *s, const struct visit *v, const char *format, FILE *out,
                  struct fc_error *err)
{
    return flight_report(s, v->id, format, out, err);
}

const struct workflow flight_workflow = {
    .kind = "flight",
    .label_en = FC_N_("flight inspection"),
    .label_zh = "飞行检查",
    .short_en = FC_N_("flight"),
    .short_zh = "飞检",
    .report_title_en = FC_N_("Flight inspection report"),
    .report_title_zh = "飞行检查报告",
    .site_kind = NULL,
    .needs_files = WORKFLOW_FILE_SITES | WORKFLOW_FILE_SUSPICIONS,
    .screen = WORKFLOW_SCREEN_WORKSHEET,
    .catalogue = flight_catalogue,
    .groups = groups,
    .appliers = appliers,
    .record_kinds = record_kinds,
    .tables = tables,
    .engine = NULL,
    .findings = findings,
    .records = records,
    .show_json = show_json,
    .show_text = show_text,
    .report = report,
    .report_html = flight_report_html,
    .site_record_html = flight_site_record_html,
};
