/* The night check's printable pages through the report kit
 * (core/report/report.h): the report (summary, anomalies, other results),
 * the bed list and the findings of the site record. Anomalies come first in
 * every list, because the reader of a forwarded report stops early. */
#include "core/night/workflow.h"

#include "core/night/internal.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"
#include "core/night/night.h"
#include "core/report/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_anomaly(const char *finding, unsigned scope)
{
    const struct verdict *v = workflow_verdict_in(&night_workflow, finding, scope);
    return v && v->cls == VERDICT_ANOMALY;
}

struct night_rows {
    const struct report_ctx *c;
    int pass; /* 1: anomalies only, 0: the others, -1: all */
    int rows;
    json_t *counts;
};

static int count_bed(const struct night_bed *b, void *ctx)
{
    json_t *counts = ctx;
    json_int_t n = json_integer_value(json_object_get(counts, b->finding));

    json_object_set_new(counts, b->finding, json_integer(n + 1));
    return 0;
}

static int count_patient(const struct night_patient *p, void *ctx)
{
    json_t *counts = ctx;
    json_int_t n = json_integer_value(json_object_get(counts, p->finding));

    json_object_set_new(counts, p->finding, json_integer(n + 1));
    return 0;
}

static int remember_patient(const struct night_patient *p, void *ctx)
{
    json_t *names = ctx;

    json_object_set_new(names, p->admission_no,
                        json_pack("{s:s, s:s}", "name", p->name, "id_number", p->id_number));
    return 0;
}

/* The listed patients of a bed ("A1,A2") as "A1 张*三" pairs. */
static void listed_names(const struct report_ctx *c, const char *listed, struct buf *out)
{
    char *copy = xstrdup(listed), *save = NULL;

    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        json_t *p = json_object_get(c->names, tok);
        if (out->len)
            buf_adds(out, "; ");
        buf_adds(out, tok);
        if (p) {
            buf_addch(out, ' ');
            report_name(c, out, json_string_value(json_object_get(p, "name")));
        }
    }
    free(copy);
}

static int bed_row(const struct night_bed *b, void *ctx)
{
    struct night_rows *r = ctx;
    const struct report_ctx *c = r->c;
    struct buf listed = BUF_INIT, flags = BUF_INIT;
    char scans[24];
    int anomaly = is_anomaly(b->finding, VERDICT_BED);

    if (r->pass >= 0 && anomaly != r->pass)
        return 0;
    listed_names(c, b->listed, &listed);
    if (b->no_wristband)
        buf_adds(&flags, report_t(c, "无腕带 ", "no wristband "));
    if (b->no_id)
        buf_adds(&flags, report_t(c, "无证件 ", "no ID "));
    if (b->exam)
        buf_adds(&flags, report_t(c, "外出检查 ", "at exam "));
    snprintf(scans, sizeof(scans), "%lld", (long long)b->scans);
    {
        const char *cells[] = {b->ward_code, b->bed,    listed.ptr, b->identified,
                               b->finding,   flags.ptr, scans};
        html_table_row(c->out, anomaly ? "anomaly" : NULL, cells, 7);
    }
    r->rows++;
    buf_release(&listed);
    buf_release(&flags);
    return 0;
}

static int patient_row(const struct night_patient *p, void *ctx)
{
    struct night_rows *r = ctx;
    const struct report_ctx *c = r->c;
    struct buf name = BUF_INIT, id = BUF_INIT;
    int anomaly = is_anomaly(p->finding, VERDICT_PATIENT);

    if (r->pass >= 0 && anomaly != r->pass)
        return 0;
    report_name(c, &name, p->name);
    report_id(c, &id, p->id_number);
    {
        const char *cells[] = {p->ward_code, p->bed,     p->admission_no, name.ptr,
                               id.ptr,       p->finding, p->found_at};
        html_table_row(c->out, anomaly ? "anomaly" : NULL, cells, 7);
    }
    r->rows++;
    buf_release(&name);
    buf_release(&id);
    return 0;
}

static void counts_table(const struct report_ctx *c, json_t *beds, json_t *patients)
{
    const char *head[] = {report_t(c, "对象", "of"), report_t(c, "结论", "finding"),
                          report_t(c, "数量", "count"), NULL};
    const char *k;
    json_t *v;

    html_table_begin(c->out, head);
    for (int pass = 1; pass >= 0; pass--) {
        json_t *sets[] = {beds, patients};
        for (int s = 0; s < 2; s++) {
            json_object_foreach(sets[s], k, v)
            {
                char n[24];
                if (is_anomaly(k, s ? VERDICT_PATIENT : VERDICT_BED) != pass)
                    continue;
                snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(v));
                const char *cells[] = {
                    s ? report_t(c, "患者", "patients") : report_t(c, "床位", "beds"), k, n};
                html_table_row(c->out, pass ? "anomaly" : NULL, cells, 3);
            }
        }
    }
    html_table_end(c->out);
}

static int night_tables(struct report_ctx *c, struct night *n, int pass, int beds, int patients)
{
    const char *bed_head[] = {report_t(c, "病区", "ward"),       report_t(c, "床号", "bed"),
                              report_t(c, "在册患者", "listed"), report_t(c, "识别", "identified"),
                              report_t(c, "结论", "finding"),    report_t(c, "标记", "marks"),
                              report_t(c, "扫码次数", "scans"),  NULL};
    const char *pat_head[] = {report_t(c, "病区", "ward"),          report_t(c, "床号", "bed"),
                              report_t(c, "住院号", "admission"),   report_t(c, "姓名", "name"),
                              report_t(c, "身份证号", "ID number"), report_t(c, "结论", "finding"),
                              report_t(c, "发现于", "found at"),    NULL};
    struct night_rows r = {c, pass, 0, NULL};
    int rc = 0;

    if (beds) {
        html_elem(c->out, "h3", report_t(c, "床位", "Beds"));
        html_table_begin(c->out, bed_head);
        rc = night_foreach_bed(n, bed_row, &r, c->err);
        html_table_end(c->out);
        if (!rc && !r.rows)
            report_empty(c, "无", "none");
    }
    if (!rc && patients) {
        r.rows = 0;
        html_elem(c->out, "h3", report_t(c, "在册患者", "Listed patients"));
        html_table_begin(c->out, pat_head);
        rc = night_foreach_patient(n, patient_row, &r, c->err);
        html_table_end(c->out);
        if (!rc && !r.rows)
            report_empty(c, "无", "none");
    }
    return rc;
}

static int night_open_ctx(struct report_ctx *c, struct night **n, json_t **beds, json_t **patients)
{
    int rc = night_open(c->s, c->v.id, n, c->err);

    if (!rc)
        rc = night_foreach_patient(*n, remember_patient, c->names, c->err);
    if (!rc && beds)
        rc = night_foreach_bed(*n, count_bed, *beds, c->err);
    if (!rc && patients)
        rc = night_foreach_patient(*n, count_patient, *patients, c->err);
    return rc;
}

int night_report_html(struct report_ctx *c)
{
    struct night *n = NULL;
    json_t *beds = json_object(), *patients = json_object();
    int rc = night_open_ctx(c, &n, &beds, &patients);

    if (rc)
        goto out;
    report_h2(c, "汇总", "Summary");
    counts_table(c, beds, patients);
    report_h2(c, "异常", "Anomalies");
    rc = night_tables(c, n, 1, 1, 1);
    if (!rc) {
        report_h2(c, "其他结果", "Other results");
        rc = night_tables(c, n, 0, 1, 1);
    }
out:
    json_decref(beds);
    json_decref(patients);
    night_free(n);
    return rc;
}

int night_beds_html(struct report_ctx *c)
{
    struct night *n = NULL;
    json_t *beds = json_object();
    int rc = night_open_ctx(c, &n, &beds, NULL);

    if (rc)
        goto out;
    report_h2(c, "床位核查结果（异常在前）", "Bed results (anomalies first)");
    rc = night_tables(c, n, 1, 1, 0);
    if (!rc)
        rc = night_tables(c, n, 0, 1, 0);
out:
    json_decref(beds);
    night_free(n);
    return rc;
}

int night_site_record_html(struct report_ctx *c)
{
    struct night *n = NULL;
    json_t *beds = json_object(), *patients = json_object();
    int rc = night_open_ctx(c, &n, &beds, &patients);

    if (!rc) {
        counts_table(c, beds, patients);
        rc = night_tables(c, n, 1, 1, 1);
    }
    json_decref(beds);
    json_decref(patients);
    night_free(n);
    return rc;
}
