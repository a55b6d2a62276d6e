/* The night check's CSV and Markdown reports: summary counts, then the
 * anomalies, then every other bed and patient result, written through the
 * report kit's cell writer (core/report/cell.h). */
#include "core/night/workflow.h"

#include "core/night/internal.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/night/results.h"
#include "core/report/cell.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <string.h>

static const char *jget(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* 1 when the finding is an anomaly for the catalogue (bed or patient). */
static int is_anomaly(const char *finding, unsigned scope)
{
    const struct verdict *v = workflow_verdict_in(&night_workflow, finding, scope);
    return v && v->cls == VERDICT_ANOMALY;
}

/* Rows of one section, anomalies (or the rest) only, in the order given. */
static void report_rows(struct buf *b, int md, const char *section, json_t *arr, int anomalies)
{
    size_t i;
    json_t *o;

    json_array_foreach(arr, i, o)
    {
        const char *finding = jget(o, "finding");
        int is_patient = json_object_get(o, "name") != NULL;
        unsigned scope = is_patient ? VERDICT_PATIENT : VERDICT_BED;
        struct buf f = BUF_INIT;

        if (is_anomaly(finding, scope) != anomalies)
            continue;
        buf_adds(&f, finding);
        if (md && jget(o, "detail")[0])
            buf_addf(&f, " (%s)", jget(o, "detail"));
        {
            const char *cells[] = {section,
                                   jget(o, "ward_code"),
                                   jget(o, "bed"),
                                   jget(o, "admission_no"),
                                   is_patient ? jget(o, "name") : "",
                                   f.ptr,
                                   ""};
            if (md)
                report_md_row(b, cells, 6);
            else
                report_csv_row(b, cells, 7);
        }
        buf_release(&f);
    }
}

static void report_counts(struct buf *b, int md, const char *what, json_t *counts)
{
    const char *k;
    json_t *v;

    json_object_foreach(counts, k, v)
    {
        char n[24];
        snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(v));
        if (md) {
            const char *cells[] = {what, k, n};
            report_md_row(b, cells, 3);
        } else {
            const char *cells[] = {"summary", what, "", "", "", k, n};
            report_csv_row(b, cells, 7);
        }
    }
}

int night_write_report(struct store *s, const struct visit *v, const char *format, FILE *out,
                       struct fc_error *err)
{
    struct night_results r;
    struct night *n = NULL;
    struct buf b = BUF_INIT;
    int md = !strcmp(format, "md"), rc;

    memset(&r, 0, sizeof(r));
    if (!md && strcmp(format, "csv"))
        return fc_error_set(err, FC_EUSAGE, "unknown report format '%s' (csv or md)", format);
    rc = night_open(s, v->id, &n, err);
    if (!rc)
        rc = night_results(n, &r, err);
    if (rc)
        goto out;
    if (md) {
        char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];
        /* a document people read: local times, as the HTML shows them */
        buf_addf(&b,
                 "# Night bed check %s\n\n- visit: %s\n- site: %s\n- mission: %s v%lld\n"
                 "- opened: %s\n- closed: %s\n\n## Summary\n\n| of | finding | count |\n"
                 "|---|---|---|\n",
                 v->site_code, v->id, v->site_code, v->mission_id, (long long)v->mission_version,
                 clock_iso_local(v->opened_at, t1),
                 v->closed_at[0] ? clock_iso_local(v->closed_at, t2) : "(open)");
        report_counts(&b, 1, "beds", r.bed_counts);
        report_counts(&b, 1, "patients", r.patient_counts);
        buf_adds(&b, "\n## Anomalies\n\n| of | ward | bed | admission_no | name | finding |\n"
                     "|---|---|---|---|---|---|\n");
        report_rows(&b, 1, "bed", r.beds, 1);
        report_rows(&b, 1, "patient", r.patients, 1);
        buf_adds(&b, "\n## Other results\n\n| of | ward | bed | admission_no | name | finding "
                     "|\n|---|---|---|---|---|---|\n");
        report_rows(&b, 1, "bed", r.beds, 0);
        report_rows(&b, 1, "patient", r.patients, 0);
    } else {
        buf_adds(&b, "section,ward_code,bed,admission_no,name,finding,count\n");
        report_counts(&b, 0, "beds", r.bed_counts);
        report_counts(&b, 0, "patients", r.patient_counts);
        report_rows(&b, 0, "bed", r.beds, 1);
        report_rows(&b, 0, "patient", r.patients, 1);
        report_rows(&b, 0, "bed", r.beds, 0);
        report_rows(&b, 0, "patient", r.patients, 0);
    }
    if (fwrite(b.ptr, 1, b.len, out) != b.len)
        rc = fc_error_set(err, FC_EIO, "cannot write the report");
out:
    buf_release(&b);
    night_results_release(&r);
    night_free(n);
    return rc;
}
