/* The night check's printable pages through the report kit
 * (core/report/report.h): the report, the bed list and the findings of the
 * site record. Rows are grouped by class (DESIGN §5): anomalies first,
 * because the reader of a forwarded report stops early, then what the record
 * does not cover (beds never scanned, patients unchecked or unverified) as a
 * section of its own, then the rest. People read the catalogue's labels; the
 * codes are in the legend at the end. */
#include "core/night/workflow.h"

#include "core/night/internal.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"
#include "core/night/night.h"
#include "core/night/results.h"
#include "core/night/wards.h"
#include "core/report/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which rows a table shows. */
enum pass { PASS_ANOMALY, PASS_COVERAGE, PASS_OTHER, PASS_ALL };

static const struct verdict *verdict_of(const char *finding, unsigned scope)
{
    return workflow_verdict_in(&night_workflow, finding, scope);
}

static int in_pass(const struct verdict *v, enum pass pass)
{
    enum verdict_class cls = v ? v->cls : VERDICT_OK;

    switch (pass) {
    case PASS_ANOMALY: return cls == VERDICT_ANOMALY;
    case PASS_COVERAGE: return cls == VERDICT_COVERAGE;
    case PASS_OTHER: return cls == VERDICT_INFO || cls == VERDICT_OK;
    case PASS_ALL: break;
    }
    return 1;
}

struct night_rows {
    struct report_ctx *c;
    enum pass pass;
    int rows;
};

static int count_bed(const struct night_bed *b, void *ctx)
{
    night_count_one(ctx, b->finding);
    return 0;
}

static int count_unscanned(const struct night_ward_bed *b, void *ctx)
{
    (void)b;
    night_count_one(ctx, "NOT_SCANNED");
    return 0;
}

static int count_patient(const struct night_patient *p, void *ctx)
{
    night_count_one(ctx, p->finding);
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

/* One row of the seven columns of the bed and patient tables. */
static void table_row(struct night_rows *r, const struct verdict *v, const char *const cells[7])
{
    html_table_row(r->c->out, report_row_class(v), cells, 7);
    r->rows++;
}

static int bed_row(const struct night_bed *b, void *ctx)
{
    struct night_rows *r = ctx;
    struct report_ctx *c = r->c;
    const struct verdict *v = verdict_of(b->finding, VERDICT_BED);
    struct buf listed = BUF_INIT, flags = BUF_INIT;
    char scans[24];

    if (!in_pass(v, r->pass))
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
        const char *cells[] = {
            b->ward_code, b->bed, listed.ptr, b->identified, report_label(c, v, b->finding),
            flags.ptr,    scans};
        table_row(r, v, cells);
    }
    buf_release(&listed);
    buf_release(&flags);
    return 0;
}

static int unscanned_row(const struct night_ward_bed *b, void *ctx)
{
    struct night_rows *r = ctx;
    struct report_ctx *c = r->c;
    const struct verdict *v = verdict_of("NOT_SCANNED", VERDICT_BED);
    struct buf listed = BUF_INIT, names = BUF_INIT;

    for (size_t i = 0; i < b->nlisted; i++)
        buf_addf(&listed, "%s%s", i ? "," : "", b->listed[i].admission_no);
    listed_names(c, listed.ptr, &names);
    {
        const char *cells[] = {
            b->ward_code, b->bed, names.ptr, "", report_label(c, v, "NOT_SCANNED"), "", "0"};
        table_row(r, v, cells);
    }
    buf_release(&listed);
    buf_release(&names);
    return 0;
}

static int patient_row(const struct night_patient *p, void *ctx)
{
    struct night_rows *r = ctx;
    struct report_ctx *c = r->c;
    const struct verdict *v = verdict_of(p->finding, VERDICT_PATIENT);
    struct buf name = BUF_INIT, id = BUF_INIT;

    if (!in_pass(v, r->pass))
        return 0;
    report_name(c, &name, p->name);
    report_id(c, &id, p->id_number);
    {
        const char *cells[] = {p->ward_code, p->bed, p->admission_no,
                               name.ptr,     id.ptr, report_label(c, v, p->finding),
                               p->found_at};
        table_row(r, v, cells);
    }
    buf_release(&name);
    buf_release(&id);
    return 0;
}

/* Counts by finding, anomalies first, then coverage, then the rest. */
static void counts_table(struct report_ctx *c, json_t *beds, json_t *patients)
{
    static const enum pass order[] = {PASS_ANOMALY, PASS_COVERAGE, PASS_OTHER};
    const char *head[] = {report_t(c, "对象", "of"), report_t(c, "结论", "finding"),
                          report_t(c, "数量", "count"), NULL};
    const char *k;
    json_t *v;

    html_table_begin(c->out, head);
    for (size_t p = 0; p < sizeof(order) / sizeof(order[0]); p++) {
        json_t *sets[] = {beds, patients};
        for (int s = 0; s < 2; s++) {
            json_object_foreach(sets[s], k, v)
            {
                const struct verdict *d = verdict_of(k, s ? VERDICT_PATIENT : VERDICT_BED);
                char n[24];

                if (!in_pass(d, order[p]))
                    continue;
                snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(v));
                const char *cells[] = {s ? report_t(c, "在册患者", "patients")
                                         : report_t(c, "床位", "beds"),
                                       report_label(c, d, k), n};
                html_table_row(c->out, report_row_class(d), cells, 3);
            }
        }
    }
    html_table_end(c->out);
}

static const char *const *bed_head(const struct report_ctx *c, const char *out[8])
{
    out[0] = report_t(c, "病区", "ward");
    out[1] = report_t(c, "床号", "bed");
    out[2] = report_t(c, "在册患者", "listed");
    out[3] = report_t(c, "识别", "identified");
    out[4] = report_t(c, "结论", "finding");
    out[5] = report_t(c, "标记", "marks");
    out[6] = report_t(c, "扫码次数", "scans");
    out[7] = NULL;
    return out;
}

static const char *const *patient_head(const struct report_ctx *c, const char *out[8])
{
    out[0] = report_t(c, "病区", "ward");
    out[1] = report_t(c, "床号", "bed");
    out[2] = report_t(c, "住院号", "admission");
    out[3] = report_t(c, "姓名", "name");
    out[4] = report_t(c, "身份证号", "ID number");
    out[5] = report_t(c, "结论", "finding");
    out[6] = report_t(c, "发现于", "found at");
    out[7] = NULL;
    return out;
}

/* The bed and patient tables of one pass; the coverage pass adds the beds
 * of visited wards nobody scanned. */
static int night_tables(struct report_ctx *c, struct night *n, enum pass pass, int beds,
                        int patients)
{
    const char *head[8];
    struct night_rows r = {c, pass, 0};
    int rc = 0;

    if (beds) {
        html_elem(c->out, "h3", report_t(c, "床位", "Beds"));
        html_table_begin(c->out, bed_head(c, head));
        rc = night_foreach_bed(n, bed_row, &r, c->err);
        if (!rc && (pass == PASS_COVERAGE || pass == PASS_ALL))
            rc = night_foreach_unscanned_bed(c->s, n, unscanned_row, &r, NULL, c->err);
        html_table_end(c->out);
        if (!rc && !r.rows)
            report_empty(c, "无", "none");
    }
    if (!rc && patients) {
        r.rows = 0;
        html_elem(c->out, "h3", report_t(c, "在册患者", "Listed patients"));
        html_table_begin(c->out, patient_head(c, head));
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
    if (!rc && beds)
        rc = night_foreach_unscanned_bed(c->s, *n, count_unscanned, *beds, NULL, c->err);
    if (!rc && patients)
        rc = night_foreach_patient(*n, count_patient, *patients, c->err);
    return rc;
}

/* Anomalies, then what the record does not cover, then the rest. */
static int night_sections(struct report_ctx *c, struct night *n, int beds, int patients)
{
    int rc;

    report_h2(c, "异常", "Anomalies");
    rc = night_tables(c, n, PASS_ANOMALY, beds, patients);
    if (!rc) {
        report_h2(c, "本记录未覆盖的内容", "What this record does not cover");
        rc = night_tables(c, n, PASS_COVERAGE, beds, patients);
    }
    if (!rc) {
        report_h2(c, "其他结果", "Other results");
        rc = night_tables(c, n, PASS_OTHER, beds, patients);
    }
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
    rc = night_sections(c, n, 1, 1);
out:
    json_decref(beds);
    json_decref(patients);
    night_free(n);
    return rc;
}

int night_beds_html(struct report_ctx *c)
{
    struct night *n = NULL;
    int rc = night_open_ctx(c, &n, NULL, NULL);

    if (!rc)
        rc = night_sections(c, n, 1, 0);
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
        report_h2(c, "异常", "Anomalies");
        rc = night_tables(c, n, PASS_ANOMALY, 1, 1);
    }
    if (!rc) {
        report_h2(c, "本记录未覆盖的内容", "What this record does not cover");
        rc = night_tables(c, n, PASS_COVERAGE, 1, 1);
    }
    json_decref(beds);
    json_decref(patients);
    night_free(n);
    return rc;
}
