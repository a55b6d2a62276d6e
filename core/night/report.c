/* The night check's CSV and Markdown reports: summary counts, then the
 * anomalies, then every other bed and patient result, written through the
 * report kit's cell writer (core/report/cell.h). */
#include "core/night/workflow.h"

#include "core/night/internal.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/night/results.h"
#include "core/night/wards.h"
#include "core/report/cell.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <string.h>

static const char *jget(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* Which rows a section shows: anomalies, what the record does not cover, or
 * the rest (DESIGN §5 "Classes"). */
enum pass { PASS_ANOMALY, PASS_COVERAGE, PASS_OTHER };

static int in_pass(const struct verdict *v, enum pass pass)
{
    enum verdict_class cls = v ? v->cls : VERDICT_OK;

    if (pass == PASS_ANOMALY)
        return cls == VERDICT_ANOMALY;
    if (pass == PASS_COVERAGE)
        return cls == VERDICT_COVERAGE;
    return cls == VERDICT_INFO || cls == VERDICT_OK;
}

struct rows {
    struct buf *b;
    int md;
};

static const struct report_col csv_cols[] = {
    {"section", "类别"}, {"ward_code", "病区编码"}, {"bed", "床号"},   {"admission_no", "住院号"},
    {"name", "姓名"},    {"finding", "结论代码"},   {"count", "数量"}, {"label", "结论"},
};

/* What a row is about, for people: a bed, a patient, a summary group. */
static const char *subject_text(const char *section)
{
    if (!strcmp(section, "bed"))
        return report_text("床位", "bed");
    if (!strcmp(section, "patient"))
        return report_text("患者", "patient");
    return section;
}

/* One result row: Markdown shows the label with the code beside it, CSV the
 * code with the label in a column of its own. */
static void result_row(struct rows *r, const char *section, const char *ward, const char *bed,
                       const char *adm, const char *name, const char *code, const char *detail,
                       const struct verdict *v)
{
    const char *label = v ? verdict_label(v) : code;
    struct buf f = BUF_INIT;

    if (r->md) {
        buf_addf(&f, "%s (%s)", label, code);
        if (detail && detail[0])
            buf_addf(&f, " [%s]", detail);
        const char *cells[] = {subject_text(section), ward, bed, adm, name, f.ptr};
        report_md_row(r->b, cells, 6);
    } else {
        const char *cells[] = {section, ward, bed, adm, name, code, "", label};
        report_csv_row(r->b, cells, 8);
    }
    buf_release(&f);
}

/* Rows of one section of the beds or patients array, in the order given. */
static void report_rows(struct rows *r, const char *section, json_t *arr, enum pass pass)
{
    size_t i;
    json_t *o;

    json_array_foreach(arr, i, o)
    {
        const char *finding = jget(o, "finding");
        int is_patient = json_object_get(o, "name") != NULL;
        const struct verdict *v = workflow_verdict_in(&night_workflow, finding,
                                                      is_patient ? VERDICT_PATIENT : VERDICT_BED);

        if (!in_pass(v, pass))
            continue;
        result_row(r, section, jget(o, "ward_code"), jget(o, "bed"), jget(o, "admission_no"),
                   is_patient ? jget(o, "name") : "", finding, jget(o, "detail"), v);
    }
}

/* The admission numbers listed for a bed, comma-separated, into out. */
static void listed_text(const struct night_ward_bed *b, struct buf *out)
{
    for (size_t i = 0; i < b->nlisted; i++)
        buf_addf(out, "%s%s", i ? "," : "", b->listed[i].admission_no);
}

static int unscanned_row(const struct night_ward_bed *b, void *ctx)
{
    struct buf listed = BUF_INIT;

    listed_text(b, &listed);
    result_row(ctx, "bed", b->ward_code, b->bed, listed.ptr, "", "NOT_SCANNED", "",
               workflow_verdict_in(&night_workflow, "NOT_SCANNED", VERDICT_BED));
    buf_release(&listed);
    return 0;
}

static void report_counts(struct buf *b, int md, const char *what, json_t *counts, unsigned scope)
{
    const char *what_text = !strcmp(what, "beds")       ? report_text("床位", "beds")
                            : !strcmp(what, "patients") ? report_text("患者", "patients")
                                                        : what;
    const char *k;
    json_t *v;

    json_object_foreach(counts, k, v)
    {
        const struct verdict *d = workflow_verdict_in(&night_workflow, k, scope);
        char n[24];

        snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(v));
        if (md) {
            struct buf f = BUF_INIT;
            buf_addf(&f, "%s (%s)", d ? verdict_label(d) : k, k);
            const char *cells[] = {what_text, f.ptr, n};
            report_md_row(b, cells, 3);
            buf_release(&f);
        } else {
            const char *cells[] = {"summary", what, "", "", "", k, n, d ? verdict_label(d) : k};
            report_csv_row(b, cells, 8);
        }
    }
}

static int section(struct store *s, struct night *n, struct night_results *r, struct rows *rows,
                   enum pass pass, struct fc_error *err)
{
    report_rows(rows, "bed", r->beds, pass);
    if (pass == PASS_COVERAGE) {
        int rc = night_foreach_unscanned_bed(s, n, unscanned_row, rows, NULL, err);
        if (rc)
            return rc;
    }
    report_rows(rows, "patient", r->patients, pass);
    return FC_OK;
}

int night_write_report(struct store *s, const struct visit *v, const char *format, FILE *out,
                       struct fc_error *err)
{
    struct night_results r;
    struct night *n = NULL;
    struct buf b = BUF_INIT;
    int md = !strcmp(format, "md"), rc;
    struct rows rows = {&b, md};

    memset(&r, 0, sizeof(r));
    if (!md && strcmp(format, "csv"))
        return fc_error_set(err, FC_EUSAGE, "unknown report format '%s' (csv or md)", format);
    rc = night_open(s, v->id, &n, err);
    if (!rc)
        rc = night_results(n, &r, err);
    if (rc)
        goto out;
    if (md) {
        /* a document people read: their language, local times as the HTML
         * shows them; the codes stay beside the labels */
        const char *table_head = report_text(
            "\n\n| 对象 | 病区 | 床号 | 住院号 | 姓名 | 结论 |\n|---|---|---|---|---|---|\n",
            "\n\n| of | ward | bed | admission_no | name | finding |\n"
            "|---|---|---|---|---|---|\n");
        char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];
        const char *opened = clock_iso_local(v->opened_at, t1);
        const char *closed = v->closed_at[0] ? clock_iso_local(v->closed_at, t2)
                                             : report_text("（进行中）", "(open)");

        buf_addf(
            &b,
            report_text("# 夜查报告 %s\n\n- 检查编号：%s\n- 机构：%s\n- 任务：%s 第 %lld 版\n"
                        "- 开始：%s\n- 结束：%s\n\n## 汇总\n\n| 对象 | 结论 | 数量 |\n"
                        "|---|---|---|\n",
                        "# Night bed check %s\n\n- visit: %s\n- site: %s\n- mission: %s v%lld\n"
                        "- opened: %s\n- closed: %s\n\n## Summary\n\n| of | finding | count |\n"
                        "|---|---|---|\n"),
            v->site_code, v->id, v->site_code, v->mission_id, (long long)v->mission_version, opened,
            closed);
        report_counts(&b, 1, "beds", r.bed_counts, VERDICT_BED);
        report_counts(&b, 1, "patients", r.patient_counts, VERDICT_PATIENT);
        buf_addf(&b, "\n## %s%s", report_text("异常", "Anomalies"), table_head);
        rc = section(s, n, &r, &rows, PASS_ANOMALY, err);
        buf_addf(&b, "\n## %s%s",
                 report_text("本记录未覆盖的范围", "What this record does not cover"), table_head);
        if (!rc)
            rc = section(s, n, &r, &rows, PASS_COVERAGE, err);
        buf_addf(&b, "\n## %s%s", report_text("其他结果", "Other results"), table_head);
        if (!rc)
            rc = section(s, n, &r, &rows, PASS_OTHER, err);
    } else {
        report_csv_header(&b, csv_cols, sizeof(csv_cols) / sizeof(csv_cols[0]));
        report_counts(&b, 0, "beds", r.bed_counts, VERDICT_BED);
        report_counts(&b, 0, "patients", r.patient_counts, VERDICT_PATIENT);
        rc = section(s, n, &r, &rows, PASS_ANOMALY, err);
        if (!rc)
            rc = section(s, n, &r, &rows, PASS_COVERAGE, err);
        if (!rc)
            rc = section(s, n, &r, &rows, PASS_OTHER, err);
    }
    if (rc)
        goto out;
    if (fwrite(b.ptr, 1, b.len, out) != b.len)
        rc = fc_error_set(err, FC_EIO, "cannot write the report");
out:
    buf_release(&b);
    night_results_release(&r);
    night_free(n);
    return rc;
}
