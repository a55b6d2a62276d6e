/* The night bed check's registry entry (core/workflow.h): its appliers and
 * derived tables, the engine seen through the common scan interface, what a
 * visit found, `visit show` and the reports. */
#include "core/night/workflow.h"

#include "core/night/internal.h"

#include "core/base/buf.h"
#include "core/engine_kit.h"
#include "core/night/night.h"
#include "core/night/results.h"
#include "core/night/wards.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <string.h>

static const struct workflow_applier appliers[] = {
    {"scan", night_apply_scan},
    {"void", night_apply_void},
    {"amend", night_apply_amend},
    {NULL, NULL},
};

static const struct workflow_table tables[] = {
    {"night_scan", "DELETE FROM night_scan", "SELECT * FROM night_scan ORDER BY seq"},
    {"night_bed", "DELETE FROM night_bed",
     "SELECT * FROM night_bed ORDER BY visit, ward_code, bed"},
    {"night_context", "DELETE FROM night_context", "SELECT * FROM night_context ORDER BY visit"},
    {"night_correction", "DELETE FROM night_correction",
     "SELECT * FROM night_correction ORDER BY seq"},
    {NULL, NULL, NULL},
};

static const struct workflow_group groups[] = {
    {"beds", FC_N_("Beds by finding"), "床位结果", WORKFLOW_MONEY_NONE, 0, 0, NULL, 0},
    {"patients", FC_N_("Patients by result"), "在册患者结果", WORKFLOW_MONEY_NONE, 0, 0, NULL, 0},
    {NULL, NULL, NULL, WORKFLOW_MONEY_NONE, 0, 0, NULL, 0},
};

/* ---- the engine ------------------------------------------------------------- */

static int engine_open(struct store *s, const struct visit *v, void **engine, struct fc_error *err)
{
    struct night *n = NULL;
    int rc = night_open(s, v->id, &n, err);

    *engine = n;
    return rc;
}

static void engine_close(void *engine)
{
    night_free(engine);
}

static void result_from(const struct night_result *r, struct workflow_result *out)
{
    char bed[2 * SCAN_REF_MAX + 2], place[2 * SCAN_REF_MAX + 2];
    struct engine_result_text t = {r->seq,    r->event_id, r->code,   r->kind,
                                   r->source, r->verdict,  r->detail, r->message};

    engine_result_set(out, &t);
    out->extra = json_object();
    if (r->bed[0]) {
        snprintf(bed, sizeof(bed), "%s:%s", r->ward_code, r->bed);
        json_object_set_new(out->extra, "bed", json_string(bed));
    }
    if (r->admission_no[0])
        json_object_set_new(out->extra, "admission_no", json_string(r->admission_no));
    snprintf(place, sizeof(place), "%s%s%s", r->ward_code, r->bed[0] ? "-" : "", r->bed);
    workflow_result_localise(&night_workflow, out, place, r->admission_no);
    /* an INVALID_ID detail is the identifier check's reason phrase */
    if (!strcmp(r->verdict, "INVALID_ID") && fc_lang_current() == FC_LANG_ZH)
        snprintf(out->message_local, sizeof(out->message_local), "身份证号无效：%s",
                 fc_tr(r->detail));
    if (!strcmp(r->verdict, "RECORDED") && !strcmp(r->detail, "NO_BED") &&
        fc_lang_current() == FC_LANG_ZH) {
        size_t len = strlen(out->message_local);
        snprintf(out->message_local + len, sizeof(out->message_local) - len,
                 "（无当前床位：请先扫床头卡）");
    }
}

static int engine_scan(void *engine, const char *raw, size_t len,
                       const struct scan_arrival *arrival, int64_t at_ms,
                       struct workflow_result *out, struct fc_error *err)
{
    struct night_result r;
    int rc = night_scan(engine, raw, len, arrival, at_ms, &r, err);

    if (!rc)
        result_from(&r, out);
    return rc;
}

static int engine_void(void *engine, const char *target, const char *reason, int64_t at_ms,
                       struct workflow_result *out, struct fc_error *err)
{
    struct night_result r;
    int rc = night_void(engine, target, reason, at_ms, &r, err);

    if (!rc)
        result_from(&r, out);
    return rc;
}

static int engine_amend(void *engine, const char *target, const char *code, const char *note,
                        int64_t at_ms, struct workflow_result *out, struct fc_error *err)
{
    struct night_result r;
    int rc = night_amend(engine, target, code, note, at_ms, &r, err);

    if (!rc)
        result_from(&r, out);
    return rc;
}

static const struct workflow_engine_ops engine = {
    engine_open, engine_close, engine_scan, engine_void, engine_amend,
};

/* ---- results ---------------------------------------------------------------- */

static int finding_of(const char *group, unsigned scope, const char *code, const char *subject,
                      const char *detail, const struct engine_findings *fc)
{
    return engine_finding(
        fc, (struct workflow_finding){.verdict = workflow_verdict_in(&night_workflow, code, scope),
                                      .group = group,
                                      .subject = subject,
                                      .detail = detail,
                                      .count = 1});
}

static int bed_finding(const struct night_bed *b, void *ctx)
{
    char subject[2 * SCAN_REF_MAX + 2];

    snprintf(subject, sizeof(subject), "%s:%s", b->ward_code, b->bed);
    return finding_of("beds", VERDICT_BED, b->finding, subject, b->listed, ctx);
}

static int patient_finding(const struct night_patient *p, void *ctx)
{
    return finding_of("patients", VERDICT_PATIENT, p->finding, p->admission_no, p->detail, ctx);
}

static int unscanned_finding(const struct night_ward_bed *b, void *ctx)
{
    char subject[2 * SCAN_REF_MAX + 2];
    struct buf listed = BUF_INIT;
    int rc;

    snprintf(subject, sizeof(subject), "%s:%s", b->ward_code, b->bed);
    for (size_t i = 0; i < b->nlisted; i++)
        buf_addf(&listed, "%s%s", i ? "," : "", b->listed[i].admission_no);
    rc = finding_of("beds", VERDICT_BED, "NOT_SCANNED", subject, listed.ptr, ctx);
    buf_release(&listed);
    return rc;
}

static int findings(struct store *s, const struct visit *v,
                    int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                    struct fc_error *err)
{
    struct engine_findings fc = {cb, ctx};
    struct night *n = NULL;
    int rc = night_open(s, v->id, &n, err);

    if (!rc)
        rc = night_foreach_bed(n, bed_finding, &fc, err);
    if (!rc)
        rc = night_foreach_unscanned_bed(s, n, unscanned_finding, &fc, NULL, err);
    if (!rc)
        rc = night_foreach_patient(n, patient_finding, &fc, err);
    night_free(n);
    return rc;
}

static int show_json(struct store *s, const struct visit *v, json_t *o, struct fc_error *err)
{
    struct night_results r;
    struct night *n = NULL;
    int rc;

    memset(&r, 0, sizeof(r));
    rc = night_open(s, v->id, &n, err);
    if (!rc)
        rc = night_results(n, &r, err);
    if (!rc) {
        json_object_set(o, "beds", r.beds);
        json_object_set(o, "patients", r.patients);
        json_object_set_new(o, "summary",
                            json_pack("{s:I, s:I, s:O, s:O}", "beds_scanned",
                                      (json_int_t)json_array_size(r.beds), "patients",
                                      (json_int_t)json_array_size(r.patients), "beds_by_finding",
                                      r.bed_counts, "patients_by_finding", r.patient_counts));
    }
    night_results_release(&r);
    night_free(n);
    return rc;
}

/* "title: label (CODE) n, ..." with the catalogue's labels, anomalies first. */
static void print_counts(FILE *out, const char *title, json_t *counts, unsigned scope)
{
    static const enum verdict_class order[] = {VERDICT_ANOMALY, VERDICT_COVERAGE, VERDICT_INFO,
                                               VERDICT_OK};
    int first = 1;

    fprintf(out, "%s:", title);
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        const char *code;
        json_t *v;

        json_object_foreach(counts, code, v)
        {
            const struct verdict *d = workflow_verdict_in(&night_workflow, code, scope);
            if ((d ? d->cls : VERDICT_OK) != order[k])
                continue;
            fprintf(out, "%s %s (%s) %lld", first ? "" : ",", d ? verdict_label(d) : code, code,
                    (long long)json_integer_value(v));
            first = 0;
        }
    }
    fprintf(out, "\n");
}

static const char *label_of(json_t *o, unsigned scope)
{
    const char *code = json_string_value(json_object_get(o, "finding"));
    const struct verdict *d = workflow_verdict_in(&night_workflow, code, scope);

    return d ? verdict_label(d) : code ? code : "";
}

static const char *jtext(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static int show_text(struct store *s, const struct visit *v, FILE *out, struct fc_error *err)
{
    json_t *o = json_object(), *b;
    size_t i;
    int rc = show_json(s, v, o, err);

    if (rc)
        goto out;
    print_counts(out, fc_tr("beds"),
                 json_object_get(json_object_get(o, "summary"), "beds_by_finding"), VERDICT_BED);
    print_counts(out, fc_tr("patients"),
                 json_object_get(json_object_get(o, "summary"), "patients_by_finding"),
                 VERDICT_PATIENT);
    json_array_foreach(json_object_get(o, "beds"), i, b)
    {
        fprintf(out, fc_tr("  bed %-12s %s (%s)  %s\n"), jtext(b, "bed_label"),
                label_of(b, VERDICT_BED), jtext(b, "finding"), jtext(b, "admission_no"));
    }
    json_array_foreach(json_object_get(o, "patients"), i, b)
    {
        fprintf(out, fc_tr("  patient %-12s %s  %s:%s  %s (%s)\n"), jtext(b, "admission_no"),
                jtext(b, "name"), jtext(b, "ward_code"), jtext(b, "bed"),
                label_of(b, VERDICT_PATIENT), jtext(b, "finding"));
    }
out:
    json_decref(o);
    return rc;
}

static const struct workflow_doc docs[] = {
    {"beds", FC_N_("Night check bed list"), "夜查床位清单", night_beds_html},
    {NULL, NULL, NULL, NULL},
};

const struct workflow night_workflow = {
    .kind = "night",
    .label_en = FC_N_("night bed check"),
    .label_zh = "夜查",
    .short_en = FC_N_("night"),
    .short_zh = "夜查",
    .report_title_en = FC_N_("Night bed check report"),
    .report_title_zh = "夜查报告",
    .site_kind = "hospital",
    .needs_files = WORKFLOW_FILE_SITES | WORKFLOW_FILE_INPATIENTS,
    .screen = WORKFLOW_SCREEN_BEDS,
    .catalogue = night_catalogue,
    .groups = groups,
    .appliers = appliers,
    .tables = tables,
    .engine = &engine,
    .findings = findings,
    .show_json = show_json,
    .show_text = show_text,
    .report = night_write_report,
    .report_html = night_report_html,
    .site_record_html = night_site_record_html,
    .docs = docs,
};
