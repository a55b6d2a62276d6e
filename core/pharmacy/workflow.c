/* The pharmacy count's registry entry (core/workflow.h): its appliers and
 * derived tables, the engine seen through the common scan interface, what a
 * visit found (the reconciliation rules), `visit show` and the reports. */
#include "core/pharmacy/workflow.h"

#include "core/pharmacy/internal.h"

#include "core/base/buf.h"
#include "core/engine_kit.h"
#include "core/base/money.h"
#include "core/pharmacy/pharmacy.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <string.h>

static const struct workflow_applier appliers[] = {
    {"scan", pharmacy_apply_scan},
    {"void", pharmacy_apply_void},
    {"pharmacy_round", pharmacy_apply_round},
    {"pharmacy_blind", pharmacy_apply_blind},
    {"pharmacy_complete", pharmacy_apply_complete},
    {NULL, NULL},
};

static const struct workflow_table tables[] = {
    {"pharmacy_scan", "DELETE FROM pharmacy_scan", "SELECT * FROM pharmacy_scan ORDER BY seq"},
    {"counted_code", "DELETE FROM counted_code",
     "SELECT * FROM counted_code ORDER BY visit, box_key"},
    {"stock_count", "DELETE FROM stock_count",
     "SELECT * FROM stock_count ORDER BY visit, drug_code"},
    {"pharmacy_state", "DELETE FROM pharmacy_state", "SELECT * FROM pharmacy_state ORDER BY visit"},
    {"pharmacy_void", "DELETE FROM pharmacy_void", "SELECT * FROM pharmacy_void ORDER BY seq"},
    {"pharmacy_complete", "DELETE FROM pharmacy_complete",
     "SELECT * FROM pharmacy_complete ORDER BY visit"},
    {NULL, NULL, NULL},
};

static const struct workflow_group groups[] = {
    {"drugs", FC_N_("Drugs by variance"), "药品账实", WORKFLOW_MONEY_NONE, 0, 1, NULL, 0},
    {"rules", FC_N_("Findings by rule (suspect amount)"), "问题（按规则，疑点金额）",
     WORKFLOW_MONEY_AMOUNT, 0, 0, NULL, 1},
    /* records only: boxes two members both counted (the team counts them once) */
    {"boxes", FC_N_("Boxes counted by more than one member"), "多人重复清点的药盒",
     WORKFLOW_MONEY_NONE, 0, 0, "drugs", 0},
    {NULL, NULL, NULL, WORKFLOW_MONEY_NONE, 0, 0, NULL, 0},
};

/* ---- the engine ------------------------------------------------------------- */

static int engine_open(struct store *s, const struct visit *v, void **engine, struct fc_error *err)
{
    struct pharmacy *p = NULL;
    int rc = pharmacy_open(s, v->id, &p, err);

    *engine = p;
    return rc;
}

static void engine_close(void *engine)
{
    pharmacy_free(engine);
}

void pharmacy_result_to(const struct pharmacy_result *r, struct workflow_result *out)
{
    char qty[32];
    struct engine_result_text t = {r->seq,    r->event_id, r->code,   r->kind,
                                   r->source, r->verdict,  r->detail, r->message};

    engine_result_set(out, &t);
    out->extra = json_pack("{s:I, s:f}", "round", (json_int_t)r->round, "qty", r->qty);
    if (r->drug_code[0])
        json_object_set_new(out->extra, "drug_code", json_string(r->drug_code));
    pharmacy_format_qty(r->qty, qty);
    workflow_result_localise(&pharmacy_workflow, out, r->drug_code, qty);
}

static int engine_scan(void *engine, const char *raw, size_t len,
                       const struct scan_arrival *arrival, int64_t at_ms,
                       struct workflow_result *out, struct fc_error *err)
{
    struct pharmacy_result r;
    int rc = pharmacy_scan(engine, raw, len, arrival, at_ms, &r, err);

    if (!rc)
        pharmacy_result_to(&r, out);
    return rc;
}

static int engine_void(void *engine, const char *target, const char *reason, int64_t at_ms,
                       struct workflow_result *out, struct fc_error *err)
{
    struct pharmacy_result r;
    int rc = pharmacy_void(engine, target, reason, at_ms, &r, err);

    if (!rc)
        pharmacy_result_to(&r, out);
    return rc;
}

static const struct workflow_engine_ops engine = {
    engine_open, engine_close, engine_scan, engine_void, NULL,
};

/* ---- results ---------------------------------------------------------------- */

static int rule_finding(const struct pharmacy_finding *pf, void *ctx)
{
    return engine_finding(
        ctx, (struct workflow_finding){
                 .verdict = workflow_verdict_in(&pharmacy_workflow, pf->rule, VERDICT_RULE),
                 .group = "rules",
                 .subject = pf->drug_code,
                 .detail = pf->note,
                 .amount_fen = pf->amount_fen,
                 .count = 1});
}

/* One row per drug in the drugs group: counted and matching, counted and
 * differing (the rules say how), or not counted (coverage: no finding, no
 * amount, until the count is declared complete); while the count is blind
 * nothing is compared. */
static int drug_rows(json_t *show, int with_counts, const struct engine_findings *fc)
{
    int blind = json_is_true(json_object_get(show, "blind"));
    size_t i;
    json_t *d;

    json_array_foreach(json_object_get(show, "drugs"), i, d)
    {
        json_t *counted = json_object_get(d, "counted"), *var = json_object_get(d, "variance");
        const char *code = json_is_null(counted)           ? "NOT_COUNTED"
                           : blind || !json_is_number(var) ? "COUNTED"
                           : json_number_value(var) == 0.0 ? "COUNT_MATCHES"
                                                           : "COUNT_DIFFERS";
        struct workflow_finding f = {
            .verdict = workflow_verdict_in(&pharmacy_workflow, code, VERDICT_ITEM),
            .group = "drugs",
            .subject = json_string_value(json_object_get(d, "drug_code")),
            .count = 1};
        char qty[32];
        int rc;

        if (with_counts && json_is_number(counted)) {
            pharmacy_format_qty(json_number_value(counted), qty);
            f.detail = qty;
        }
        if (json_is_number(counted)) {
            f.has_qty = 1;
            f.qty_milli = qty_from_real(json_number_value(counted));
        }
        rc = engine_finding(fc, f);
        if (rc)
            return rc;
    }
    return FC_OK;
}

static int drug_results(struct store *s, const struct visit *v, int with_counts,
                        int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                        struct fc_error *err)
{
    struct engine_findings fc = {cb, ctx};
    json_t *show = pharmacy_show_json(s, v, err);
    int rc;

    if (!show)
        return err && err->code ? err->code : FC_EINTERNAL;
    rc = drug_rows(show, with_counts, &fc);
    /* blind: nothing is known of the rules until the count is saved */
    if (!rc && !json_is_true(json_object_get(show, "blind")))
        rc = pharmacy_reconcile(s, v, rule_finding, &fc, err);
    json_decref(show);
    return rc;
}

static int findings(struct store *s, const struct visit *v,
                    int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                    struct fc_error *err)
{
    return drug_results(s, v, 0, cb, ctx, err);
}

/* The same rows, each counted drug with the quantity counted as its
 * detail: two teammates who counted one drug differently disagree. */
static int box_row(const char *box_key, const char *drug_code, double qty, void *ctx)
{
    return engine_finding(
        ctx, (struct workflow_finding){
                 .verdict = workflow_verdict_in(&pharmacy_workflow, "COUNTED", VERDICT_SCAN),
                 .group = "boxes",
                 .subject = box_key,
                 .detail = drug_code,
                 .has_qty = 1,
                 .qty_milli = qty_from_real(qty),
                 .count = 1});
}

static int records(struct store *s, const struct visit *v,
                   int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                   struct fc_error *err)
{
    struct engine_findings b = {cb, ctx};
    int rc = drug_results(s, v, 1, cb, ctx, err);

    /* while the count is blind the boxes are known anyway: what was scanned */
    if (!rc)
        rc = pharmacy_boxes_foreach(s, v->id, box_row, &b, err);
    return rc;
}

static int show_json(struct store *s, const struct visit *v, json_t *o, struct fc_error *err)
{
    json_t *show = pharmacy_show_json(s, v, err);

    if (!show)
        return err && err->code ? err->code : FC_EINTERNAL;
    json_object_set(o, "drugs", json_object_get(show, "drugs"));
    json_object_set(o, "blind", json_object_get(show, "blind"));
    json_object_set(o, "count_complete", json_object_get(show, "count_complete"));
    json_decref(show);
    return FC_OK;
}

static const char *num_text(json_t *v, char out[32])
{
    if (json_is_null(v) || !v)
        snprintf(out, 32, "-");
    else
        pharmacy_format_qty(json_number_value(v), out);
    return out;
}

static int show_text(struct store *s, const struct visit *v, FILE *out, struct fc_error *err)
{
    json_t *o = json_object(), *d;
    size_t i;
    int rc = show_json(s, v, o, err);

    if (rc)
        goto out;
    if (json_is_true(json_object_get(o, "count_complete")))
        fprintf(out, "%s\n", fc_tr("the count is complete: drugs not counted count as 0"));
    /* 药品编码 / 账面数 / 实盘数 / 差异 / 问题: the column names people know */
    fprintf(out, "%-24s %10s %10s %10s  %s\n", fc_tr("drug code"), fc_tr("book qty"),
            fc_tr("counted qty"), fc_tr("variance"), fc_tr("rules found"));
    json_array_foreach(json_object_get(o, "drugs"), i, d)
    {
        char b[32], c[32], var[32];
        struct buf flags = BUF_INIT;
        size_t k;
        json_t *f;

        json_array_foreach(json_object_get(d, "flags"), k, f)
        {
            buf_addf(&flags, "%s%s", k ? " " : "", json_string_value(f));
        }
        fprintf(out, "%-24s %10s %10s %10s  %s\n",
                json_string_value(json_object_get(d, "drug_code")),
                num_text(json_object_get(d, "book"), b),
                json_is_null(json_object_get(d, "counted"))
                    ? fc_tr("not counted")
                    : num_text(json_object_get(d, "counted"), c),
                num_text(json_object_get(d, "variance"), var), flags.ptr);
        buf_release(&flags);
    }
out:
    json_decref(o);
    return rc;
}

static int report(struct store *s, const struct visit *v, const char *format, FILE *out,
                  struct fc_error *err)
{
    return pharmacy_report(s, v->id, format, out, err);
}

static const char *const record_kinds[] = {NULL};

const struct workflow pharmacy_workflow = {
    .kind = "pharmacy",
    .label_en = FC_N_("pharmacy reconciliation"),
    .label_zh = "进销存核查",
    .short_en = FC_N_("pharmacy"),
    .short_zh = "药店",
    .report_title_en = FC_N_("Pharmacy reconciliation report"),
    .report_title_zh = "进销存核查报告",
    .site_kind = "pharmacy",
    .needs_files = WORKFLOW_FILE_SITES | WORKFLOW_FILE_DRUGS,
    .screen = WORKFLOW_SCREEN_COUNT,
    .catalogue = pharmacy_catalogue,
    .groups = groups,
    .appliers = appliers,
    .record_kinds = record_kinds,
    .tables = tables,
    .engine = &engine,
    .findings = findings,
    .records = records,
    .show_json = show_json,
    .show_text = show_text,
    .report = report,
    .report_html = pharmacy_report_html,
    .site_record_html = pharmacy_findings_html,
};
