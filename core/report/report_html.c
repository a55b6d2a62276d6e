/* The HTML reports of the three workflows and the documents an institution
 * signs, built from the engines' public read functions (night_foreach_*,
 * pharmacy_reconcile, flight_*), never from their tables, so every document
 * says what `visit show` and the csv/md reports say. Anomalies come first in
 * every list, because the reader of a forwarded report stops early. */
#include "core/report/report_html.h"

#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/visit/evidence.h"
#include "core/flight/flight.h"
#include "core/mission/mission.h"
#include "core/night/night.h"
#include "core/pharmacy/pharmacy.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    enum report_doc doc;
    const char *name;
} doc_names[] = {
    {REPORT_DOC_NONE, "report"},         {REPORT_DOC_SITE_RECORD, "site-record"},
    {REPORT_DOC_INTERVIEW, "interview"}, {REPORT_DOC_EVIDENCE, "evidence"},
    {REPORT_DOC_BEDS, "beds"},
};

int report_doc_parse(const char *name, enum report_doc *out)
{
    for (size_t i = 0; i < sizeof(doc_names) / sizeof(doc_names[0]); i++) {
        if (!strcmp(name, doc_names[i].name)) {
            *out = doc_names[i].doc;
            return 0;
        }
    }
    return FC_EUSAGE;
}

const char *report_doc_name(enum report_doc doc)
{
    for (size_t i = 0; i < sizeof(doc_names) / sizeof(doc_names[0]); i++)
        if (doc_names[i].doc == doc)
            return doc_names[i].name;
    return "report";
}

/* What every document builder gets. */
struct ctx {
    struct store *s;
    const struct report_html_args *a;
    enum html_lang l;
    struct visit v;
    struct buf *out;
    struct fc_error *err;
    json_t *names; /* night: admission_no -> {name, id_number} */
};

static const char *T(const struct ctx *c, const char *zh, const char *en)
{
    return html_t(c->l, zh, en);
}

/* Appends the masked (or, after an audited unmask, the full) name / ID. */
static void add_name(const struct ctx *c, struct buf *b, const char *name)
{
    if (c->a->unmask)
        buf_adds(b, name);
    else
        mask_name(b, name);
}

static void add_id(const struct ctx *c, struct buf *b, const char *id)
{
    if (c->a->unmask)
        buf_adds(b, id);
    else
        mask_id(b, id);
}

static void h2(const struct ctx *c, const char *zh, const char *en)
{
    html_elem(c->out, "h2", T(c, zh, en));
}

static void empty_note(const struct ctx *c, const char *zh, const char *en)
{
    buf_adds(c->out, "<p class=\"empty\">");
    html_escape(c->out, T(c, zh, en));
    buf_adds(c->out, "</p>\n");
}

static void kv(const struct ctx *c, const char *zh, const char *en, const char *value)
{
    html_elem(c->out, "dt", T(c, zh, en));
    html_elem(c->out, "dd", value && value[0] ? value : "—");
}

static int site_name(struct store *s, const char *code, struct buf *out)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT site_name FROM ref.site WHERE site_code = ?1", &st, NULL);

    if (rc)
        return 0; /* the name is a courtesy: the code is always shown */
    store_bind_text(st, 1, code);
    if (sqlite3_step(st) == SQLITE_ROW)
        buf_adds(out, store_col_text(st, 0));
    sqlite3_finalize(st);
    return 0;
}

static void inspectors_text(const struct visit *v, struct buf *out)
{
    json_t *arr = json_loads(v->inspectors_json ? v->inspectors_json : "[]", 0, NULL);
    size_t i;
    json_t *x;

    json_array_foreach(arr, i, x)
    {
        buf_adds(out, i ? "、" : "");
        buf_adds(out, json_string_value(x) ? json_string_value(x) : "");
    }
    json_decref(arr);
}

static const char *kind_label(const struct ctx *c)
{
    if (!strcmp(c->v.kind, "night"))
        return T(c, "夜查", "night bed check");
    if (!strcmp(c->v.kind, "pharmacy"))
        return T(c, "进销存核查", "pharmacy reconciliation");
    return T(c, "飞行检查", "flight inspection");
}

static const char *doc_title(const struct ctx *c)
{
    switch (c->a->doc) {
    case REPORT_DOC_SITE_RECORD: return T(c, "现场检查笔录", "On-site inspection record");
    case REPORT_DOC_INTERVIEW: return T(c, "询问笔录", "Interview record");
    case REPORT_DOC_EVIDENCE:
        return T(c, "证据先行登记保存清单", "Register of evidence preserved in advance");
    case REPORT_DOC_BEDS: return T(c, "夜查床位清单", "Night check bed list");
    case REPORT_DOC_NONE: break;
    }
    if (!strcmp(c->v.kind, "night"))
        return T(c, "夜查报告", "Night bed check report");
    if (!strcmp(c->v.kind, "pharmacy"))
        return T(c, "进销存核查报告", "Pharmacy reconciliation report");
    return T(c, "飞行检查报告", "Flight inspection report");
}

/* Stored times are UTC; a signed paper shows local time (TZ). */
static const char *local_time(const char *iso, char out[CLOCK_ISO_MAX])
{
    return clock_iso_local(iso, out);
}

static void yuan(int64_t fen, char out[32])
{
    pharmacy_format_yuan(fen, out);
}

/* ---- night ------------------------------------------------------------------ */

struct night_rows {
    const struct ctx *c;
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
static void listed_names(const struct ctx *c, const char *listed, struct buf *out)
{
    char *copy = xstrdup(listed), *save = NULL;

    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        json_t *p = json_object_get(c->names, tok);
        if (out->len)
            buf_adds(out, "; ");
        buf_adds(out, tok);
        if (p) {
            buf_addch(out, ' ');
            add_name(c, out, json_string_value(json_object_get(p, "name")));
        }
    }
    free(copy);
}

static int bed_row(const struct night_bed *b, void *ctx)
{
    struct night_rows *r = ctx;
    const struct ctx *c = r->c;
    struct buf listed = BUF_INIT, flags = BUF_INIT;
    char scans[24];
    int anomaly = night_is_anomaly(b->finding);

    if (r->pass >= 0 && anomaly != r->pass)
        return 0;
    listed_names(c, b->listed, &listed);
    if (b->no_wristband)
        buf_adds(&flags, T(c, "无腕带 ", "no wristband "));
    if (b->no_id)
        buf_adds(&flags, T(c, "无证件 ", "no ID "));
    if (b->exam)
        buf_adds(&flags, T(c, "外出检查 ", "at exam "));
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
    const struct ctx *c = r->c;
    struct buf name = BUF_INIT, id = BUF_INIT;
    int anomaly = night_is_anomaly(p->finding);

    if (r->pass >= 0 && anomaly != r->pass)
        return 0;
    add_name(c, &name, p->name);
    add_id(c, &id, p->id_number);
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

static void counts_table(const struct ctx *c, json_t *beds, json_t *patients)
{
    const char *head[] = {T(c, "对象", "of"), T(c, "结论", "finding"), T(c, "数量", "count"), NULL};
    const char *k;
    json_t *v;

    html_table_begin(c->out, head);
    for (int pass = 1; pass >= 0; pass--) {
        json_t *sets[] = {beds, patients};
        for (int s = 0; s < 2; s++) {
            json_object_foreach(sets[s], k, v)
            {
                char n[24];
                if (night_is_anomaly(k) != pass)
                    continue;
                snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(v));
                const char *cells[] = {s ? T(c, "患者", "patients") : T(c, "床位", "beds"), k, n};
                html_table_row(c->out, pass ? "anomaly" : NULL, cells, 3);
            }
        }
    }
    html_table_end(c->out);
}

static int night_tables(struct ctx *c, struct night *n, int pass, int beds, int patients)
{
    const char *bed_head[] = {T(c, "病区", "ward"),       T(c, "床号", "bed"),
                              T(c, "在册患者", "listed"), T(c, "识别", "identified"),
                              T(c, "结论", "finding"),    T(c, "标记", "marks"),
                              T(c, "扫码次数", "scans"),  NULL};
    const char *pat_head[] = {T(c, "病区", "ward"),          T(c, "床号", "bed"),
                              T(c, "住院号", "admission"),   T(c, "姓名", "name"),
                              T(c, "身份证号", "ID number"), T(c, "结论", "finding"),
                              T(c, "发现于", "found at"),    NULL};
    struct night_rows r = {c, pass, 0, NULL};
    int rc = 0;

    if (beds) {
        html_elem(c->out, "h3", T(c, "床位", "Beds"));
        html_table_begin(c->out, bed_head);
        rc = night_foreach_bed(n, bed_row, &r, c->err);
        html_table_end(c->out);
        if (!rc && !r.rows)
            empty_note(c, "无", "none");
    }
    if (!rc && patients) {
        r.rows = 0;
        html_elem(c->out, "h3", T(c, "在册患者", "Listed patients"));
        html_table_begin(c->out, pat_head);
        rc = night_foreach_patient(n, patient_row, &r, c->err);
        html_table_end(c->out);
        if (!rc && !r.rows)
            empty_note(c, "无", "none");
    }
    return rc;
}

static int night_open_ctx(struct ctx *c, struct night **n, json_t **beds, json_t **patients)
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

static int night_report(struct ctx *c)
{
    struct night *n = NULL;
    json_t *beds = json_object(), *patients = json_object();
    int rc = night_open_ctx(c, &n, &beds, &patients);

    if (rc)
        goto out;
    h2(c, "汇总", "Summary");
    counts_table(c, beds, patients);
    h2(c, "异常", "Anomalies");
    rc = night_tables(c, n, 1, 1, 1);
    if (!rc) {
        h2(c, "其他结果", "Other results");
        rc = night_tables(c, n, 0, 1, 1);
    }
out:
    json_decref(beds);
    json_decref(patients);
    night_free(n);
    return rc;
}

static int night_beds(struct ctx *c)
{
    struct night *n = NULL;
    json_t *beds = json_object();
    int rc = night_open_ctx(c, &n, &beds, NULL);

    if (rc)
        goto out;
    h2(c, "床位核查结果（异常在前）", "Bed results (anomalies first)");
    rc = night_tables(c, n, 1, 1, 0);
    if (!rc)
        rc = night_tables(c, n, 0, 1, 0);
out:
    json_decref(beds);
    night_free(n);
    return rc;
}

/* ---- pharmacy --------------------------------------------------------------- */

static int finding_row(const struct pharmacy_finding *f, void *ctx)
{
    struct ctx *c = ctx;
    struct buf ev = BUF_INIT;
    char a[32], b[32], d[32], amount[32];

    pharmacy_format_qty(f->a, a);
    pharmacy_format_qty(f->b, b);
    pharmacy_format_qty(f->diff, d);
    pharmacy_format_yuan(f->amount_fen, amount);
    for (size_t i = 0; i < f->nevidence; i++)
        buf_addf(&ev, "%s%s", i ? " " : "", f->evidence[i]);
    if ((size_t)f->evidence_total > f->nevidence)
        buf_addf(&ev, " (+%lld)", (long long)(f->evidence_total - (int64_t)f->nevidence));
    if (f->note && f->note[0])
        buf_addf(&ev, "%s%s", ev.len ? "; " : "", f->note);
    {
        const char *cells[] = {f->drug_code, f->rule, a, b, d, amount, ev.ptr};
        html_table_row(c->out, "anomaly", cells, 7);
    }
    buf_release(&ev);
    return 0;
}

static int pharmacy_findings(struct ctx *c)
{
    const char *head[] = {
        T(c, "药品编码", "drug code"),       T(c, "规则", "rule"),     "A", "B", "A−B",
        T(c, "金额（元）", "amount (yuan)"), T(c, "证据", "evidence"), NULL};
    size_t before;
    int rc = pharmacy_is_blind(c->s, &c->v, c->err);

    if (rc < 0)
        return rc;
    if (rc == 1) {
        empty_note(c, "盲盘进行中：账面数据未显示", "blind count in progress: book figures hidden");
        return 0;
    }
    html_table_begin(c->out, head);
    before = c->out->len;
    rc = pharmacy_reconcile(c->s, &c->v, finding_row, c, c->err);
    html_table_end(c->out);
    if (!rc && c->out->len == before + strlen("</tbody></table>\n"))
        empty_note(c, "未发现问题", "no findings");
    return rc;
}

static void qty_text(json_t *v, char out[32])
{
    if (json_is_number(v))
        pharmacy_format_qty(json_number_value(v), out);
    else
        snprintf(out, 32, "—");
}

static int pharmacy_report_html(struct ctx *c)
{
    const char *head[] = {
        T(c, "药品编码", "drug code"), T(c, "名称", "name"),  T(c, "规格", "spec"),
        T(c, "单位", "unit"),          T(c, "账面", "book"),  T(c, "盘点", "counted"),
        T(c, "差异", "variance"),      T(c, "问题", "flags"), NULL};
    json_t *show = NULL, *drugs, *d;
    size_t i;
    int rc;

    h2(c, "发现的问题", "Findings");
    rc = pharmacy_findings(c);
    if (rc)
        goto out;
    show = pharmacy_show_json(c->s, &c->v, c->err);
    if (!show) {
        rc = c->err && c->err->code ? c->err->code : FC_EDB;
        goto out;
    }
    h2(c, "库存盘点（有问题的在前）", "Stock count (flagged first)");
    html_table_begin(c->out, head);
    drugs = json_object_get(show, "drugs");
    for (int pass = 1; pass >= 0; pass--) {
        json_array_foreach(drugs, i, d)
        {
            json_t *flags = json_object_get(d, "flags");
            struct buf fl = BUF_INIT;
            char book[32], counted[32], var[32];
            size_t k;
            json_t *f;

            if ((json_array_size(flags) > 0) != pass)
                continue;
            json_array_foreach(flags, k, f)
                buf_addf(&fl, "%s%s", k ? " " : "", json_string_value(f));
            qty_text(json_object_get(d, "book"), book);
            qty_text(json_object_get(d, "counted"), counted);
            qty_text(json_object_get(d, "variance"), var);
            const char *cells[] = {json_string_value(json_object_get(d, "drug_code")),
                                   json_string_value(json_object_get(d, "name")),
                                   json_string_value(json_object_get(d, "spec")),
                                   json_string_value(json_object_get(d, "unit")),
                                   book,
                                   counted,
                                   var,
                                   fl.ptr};
            html_table_row(c->out, pass ? "anomaly" : NULL, cells, 8);
            buf_release(&fl);
        }
    }
    html_table_end(c->out);
out:
    json_decref(show);
    return rc;
}

/* ---- flight ----------------------------------------------------------------- */

static int flight_finding_row(const struct flight_finding *f, void *ctx)
{
    struct ctx *c = ctx;
    char irr[32], loss[32], at[CLOCK_ISO_MAX];

    yuan(f->irregular_fen, irr);
    yuan(f->fund_loss_fen, loss);
    const char *cells[] = {f->code, irr, loss, f->note, local_time(f->at, at)};
    html_table_row(c->out, "anomaly", cells, 5);
    return 0;
}

static int flight_findings(struct ctx *c)
{
    const char *head[] = {T(c, "违规编码", "code"),
                          T(c, "违规费用（元）", "irregular"),
                          T(c, "基金损失（元）", "fund loss"),
                          T(c, "说明", "note"),
                          T(c, "记录时间", "recorded"),
                          NULL};
    size_t before;
    int rc;

    html_table_begin(c->out, head);
    before = c->out->len;
    rc = flight_finding_foreach(c->s, c->v.id, flight_finding_row, c, c->err);
    html_table_end(c->out);
    if (!rc && c->out->len == before + strlen("</tbody></table>\n"))
        empty_note(c, "无", "none");
    return rc;
}

static int flight_line_row(const struct flight_line *l, void *ctx)
{
    struct ctx *c = ctx;
    struct buf name = BUF_INIT;
    char amount[32], irr[32], loss[32];

    add_name(c, &name, l->name);
    yuan(l->amount_fen, amount);
    yuan(l->irregular_fen, irr);
    yuan(l->fund_loss_fen, loss);
    {
        const char *cells[] = {
            l->susp_id, l->rule_name[0] ? l->rule_name : l->rule_code,
            name.ptr,   l->item_name,
            amount,     c->l == HTML_EN ? flight_state_name(l->state) : flight_state_zh(l->state),
            irr,        loss,
            l->response};
        int anomaly = l->state == FLIGHT_CONFIRMED || l->state == FLIGHT_PARTIAL;
        html_table_row(c->out, anomaly ? "anomaly" : NULL, cells, 9);
    }
    buf_release(&name);
    return 0;
}

static int flight_totals_html(struct ctx *c)
{
    const char *head[] = {T(c, "项目", "of"), T(c, "数量", "count"),
                          T(c, "违规费用（元）", "irregular"), T(c, "基金损失（元）", "fund loss"),
                          NULL};
    struct flight_totals t;
    int rc;

    memset(&t, 0, sizeof(t));
    rc = flight_totals(c->s, c->v.id, &t, c->err);
    if (rc)
        goto out;
    html_table_begin(c->out, head);
    for (int i = 0; i < FLIGHT_NSTATES; i++) {
        char n[24], irr[32], loss[32];
        snprintf(n, sizeof(n), "%lld", (long long)t.by_state[i].count);
        yuan(t.by_state[i].irregular_fen, irr);
        yuan(t.by_state[i].fund_loss_fen, loss);
        const char *cells[] = {c->l == HTML_EN ? flight_state_name((enum flight_state)i)
                                               : flight_state_zh((enum flight_state)i),
                               n, irr, loss};
        html_table_row(c->out, NULL, cells, 4);
    }
    for (size_t i = 0; i < t.n_codes; i++) {
        char n[24], irr[32], loss[32];
        snprintf(n, sizeof(n), "%lld", (long long)t.by_code[i].count);
        yuan(t.by_code[i].irregular_fen, irr);
        yuan(t.by_code[i].fund_loss_fen, loss);
        const char *cells[] = {t.by_code[i].key, n, irr, loss};
        html_table_row(c->out, "anomaly", cells, 4);
    }
    html_table_end(c->out);
out:
    flight_totals_release(&t);
    return rc;
}

static int flight_report_html(struct ctx *c)
{
    const char *head[] = {T(c, "疑点编号", "suspicion"), T(c, "规则", "rule"),
                          T(c, "姓名", "name"),          T(c, "项目", "item"),
                          T(c, "金额（元）", "amount"),  T(c, "结论", "verdict"),
                          T(c, "违规费用", "irregular"), T(c, "基金损失", "fund loss"),
                          T(c, "机构申辩", "response"),  NULL};
    /* Confirmed lines first, refuted last. */
    const char *order[] = {"CONFIRMED", "PARTIAL", "PENDING", "REFUTED"};
    int rc;

    h2(c, "发现的问题", "Findings");
    rc = flight_findings(c);
    if (!rc) {
        h2(c, "汇总", "Totals");
        rc = flight_totals_html(c);
    }
    if (rc)
        return rc;
    h2(c, "疑点核查", "Suspicion lines");
    html_table_begin(c->out, head);
    for (size_t i = 0; !rc && i < 4; i++) {
        struct flight_filter f = {NULL, order[i], NULL};
        rc = flight_susp_foreach(c->s, c->v.id, &f, flight_line_row, c, c->err);
    }
    html_table_end(c->out);
    return rc;
}

/* ---- documents -------------------------------------------------------------- */

static int site_record(struct ctx *c, const char *site)
{
    struct buf insp = BUF_INIT;
    char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];
    int rc = 0;

    inspectors_text(&c->v, &insp);
    h2(c, "基本情况", "Particulars");
    buf_adds(c->out, "<dl class=\"kv\">");
    kv(c, "被检查机构", "Institution", site);
    kv(c, "检查类别", "Inspection", kind_label(c));
    kv(c, "检查编号", "Visit", c->v.id);
    kv(c, "检查时间", "From", local_time(c->v.opened_at, t1));
    kv(c, "结束时间", "Until",
       c->v.closed_at[0] ? local_time(c->v.closed_at, t2) : T(c, "检查尚未结束", "still open"));
    kv(c, "检查人员", "Officers", insp.ptr);
    kv(c, "出示证件", "Credentials shown",
       c->v.credentials_shown ? T(c, "检查人员已出示执法证件", "shown by the officers")
                              : T(c, "未记录", "not recorded"));
    buf_adds(c->out, "</dl>\n");
    h2(c, "检查发现", "Findings");
    if (!strcmp(c->v.kind, "night")) {
        struct night *n = NULL;
        json_t *beds = json_object(), *patients = json_object();
        rc = night_open_ctx(c, &n, &beds, &patients);
        if (!rc) {
            counts_table(c, beds, patients);
            rc = night_tables(c, n, 1, 1, 1);
        }
        json_decref(beds);
        json_decref(patients);
        night_free(n);
    } else if (!strcmp(c->v.kind, "pharmacy")) {
        rc = pharmacy_findings(c);
    } else {
        rc = flight_findings(c);
        if (!rc)
            rc = flight_totals_html(c);
    }
    if (rc)
        goto out;
    h2(c, "被检查机构陈述、申辩", "Statement of the institution");
    buf_adds(c->out, "<div class=\"statement\"></div>\n<p>");
    html_escape(c->out, T(c,
                          "以上笔录已交被检查机构核对，确认无误。如有异议，请在上栏写明。"
                          "拒绝签字的，由检查人员注明原因。",
                          "The institution has read this record. Objections go in the box "
                          "above; if the institution refuses to sign, the officers note why."));
    buf_adds(c->out, "</p>\n");
out:
    buf_release(&insp);
    return rc;
}

struct interview_ctx {
    struct ctx *c;
    int n;
};

static int interview_one(const char *event_id, const json_t *rec, void *arg)
{
    struct interview_ctx *ic = arg;
    struct ctx *c = ic->c;
    const char *head[] = {T(c, "姓名", "name"), T(c, "身份", "role"), T(c, "身份证号", "ID number"),
                          NULL};
    json_t *x;
    size_t i;
    char title[64], held[CLOCK_ISO_MAX];

    (void)event_id;
    if (ic->n++)
        buf_adds(c->out, "<div class=\"pagebreak\"></div>\n");
    snprintf(title, sizeof(title), "%s %d", T(c, "询问笔录", "Interview"), ic->n);
    html_elem(c->out, "h2", title);
    buf_adds(c->out, "<dl class=\"kv\">");
    kv(c, "询问时间", "Held at",
       local_time(json_string_value(json_object_get(rec, "held_at")), held));
    kv(c, "询问地点", "Place", json_string_value(json_object_get(rec, "place")));
    buf_adds(c->out, "</dl>\n");
    html_elem(c->out, "h3", T(c, "被询问人", "People interviewed"));
    html_table_begin(c->out, head);
    json_array_foreach(json_object_get(rec, "people"), i, x)
    {
        struct buf name = BUF_INIT, id = BUF_INIT;
        const char *idn = json_string_value(json_object_get(x, "id_number"));
        add_name(c, &name, json_string_value(json_object_get(x, "name")));
        if (idn)
            add_id(c, &id, idn);
        const char *cells[] = {name.ptr, json_string_value(json_object_get(x, "role")), id.ptr};
        html_table_row(c->out, NULL, cells, 3);
        buf_release(&name);
        buf_release(&id);
    }
    html_table_end(c->out);
    html_elem(c->out, "h3", T(c, "问答", "Questions and answers"));
    buf_adds(c->out, "<dl class=\"kv\">");
    json_array_foreach(json_object_get(rec, "items"), i, x)
    {
        kv(c, "问：", "Q:", json_string_value(json_object_get(x, "q")));
        kv(c, "答：", "A:", json_string_value(json_object_get(x, "a")));
    }
    buf_adds(c->out, "</dl>\n");
    x = json_object_get(rec, "note");
    if (json_string_value(x) && json_string_value(x)[0]) {
        buf_adds(c->out, "<p>");
        html_escape(c->out, T(c, "备注：", "Note: "));
        html_escape(c->out, json_string_value(x));
        buf_adds(c->out, "</p>\n");
    }
    buf_adds(c->out, "<p><b>");
    if (json_is_true(json_object_get(rec, "signed"))) {
        html_escape(c->out, T(c, "被询问人已核对笔录并签字。",
                              "The people interviewed read this record and signed it."));
        buf_adds(c->out, "</b></p>\n");
    } else {
        html_escape(c->out, T(c, "被询问人拒绝签字，原因：", "Refused to sign; reason: "));
        buf_adds(c->out, "</b>");
        html_escape(c->out, json_string_value(json_object_get(rec, "refusal")));
        buf_adds(c->out, "</p>\n");
    }
    return 0;
}

static int interviews(struct ctx *c)
{
    struct interview_ctx ic = {c, 0};
    int rc = flight_interview_foreach(c->s, c->v.id, interview_one, &ic, c->err);

    if (!rc && !ic.n)
        empty_note(c, "本次检查未记录询问笔录", "no interview recorded in this visit");
    return rc;
}

struct evidence_ctx {
    struct ctx *c;
    int n;
};

static int evidence_row(const struct evidence *e, void *arg)
{
    struct evidence_ctx *ec = arg;
    const char *base = strrchr(e->path, '/');
    char no[16], size[32], mtime[CLOCK_ISO_MAX], at[CLOCK_ISO_MAX];

    snprintf(no, sizeof(no), "%d", ++ec->n);
    snprintf(size, sizeof(size), "%llu", (unsigned long long)e->size);
    const char *cells[] = {no,     base ? base + 1 : e->path,   e->sha256,
                           size,   local_time(e->mtime, mtime), local_time(e->at, at),
                           e->note};
    html_table_row(ec->c->out, NULL, cells, 7);
    return 0;
}

static int evidence_doc(struct ctx *c)
{
    const char *head[] = {T(c, "序号", "no."),
                          T(c, "文件", "file"),
                          "SHA-256",
                          T(c, "大小（字节）", "size (bytes)"),
                          T(c, "文件时间", "file time"),
                          T(c, "登记时间", "registered"),
                          T(c, "说明", "description"),
                          NULL};
    struct evidence_ctx ec = {c, 0};
    int rc;

    h2(c, "登记保存的证据", "Evidence preserved");
    html_table_begin(c->out, head);
    rc = evidence_foreach(c->s, c->v.id, evidence_row, &ec, c->err);
    html_table_end(c->out);
    if (!rc && !ec.n)
        empty_note(c, "未登记证据", "no evidence registered");
    buf_adds(c->out, "<p>");
    html_escape(c->out,
                T(c, "以上证据文件的 SHA-256 摘要在登记时计算，文件内容的任何改动都会使摘要不符。",
                  "Each SHA-256 was computed when the file was registered: any change to a "
                  "file makes its digest differ."));
    buf_adds(c->out, "</p>\n");
    return rc;
}

int report_html(struct store *s, const struct report_html_args *a, struct buf *out,
                struct fc_error *err)
{
    struct ctx c;
    struct html_page p;
    struct buf site = BUF_INIT, insp = BUF_INIT;
    char short_code[VISIT_SHORT_CODE_LEN + 1] = "", now[CLOCK_ISO_MAX];
    char opened[CLOCK_ISO_MAX], closed[CLOCK_ISO_MAX];
    int rc;

    memset(&c, 0, sizeof(c));
    memset(&p, 0, sizeof(p));
    c.s = s;
    c.a = a;
    c.l = a->lang;
    c.out = out;
    c.err = err;
    c.names = json_object();
    rc = visit_resolve(s, a->visit, &c.v, err);
    if (!rc && a->doc == REPORT_DOC_BEDS && strcmp(c.v.kind, "night") != 0)
        rc = fc_error_set(err, FC_ESTATE,
                          "visit '%.8s' is a %s visit: the bed list is for night checks", c.v.id,
                          c.v.kind);
    if (!rc)
        rc = mission_attach(s, c.v.mission_id, c.v.mission_version, err);
    if (rc)
        goto out;
    site_name(s, c.v.site_code, &site);
    buf_addf(&site, "%s(%s)", site.len ? " " : "", c.v.site_code);
    inspectors_text(&c.v, &insp);
    if (c.v.closed_at[0])
        visit_short_code(c.v.checkpoint, short_code);
    clock_format_local(clock_now_ms(), now);
    p.lang = c.l;
    p.title = doc_title(&c);
    p.site = site.ptr;
    p.visit_id = c.v.id;
    p.kind = kind_label(&c);
    p.opened_at = local_time(c.v.opened_at, opened);
    p.closed_at = c.v.closed_at[0] ? local_time(c.v.closed_at, closed) : "";
    p.short_code = short_code;
    p.signed_code = c.v.closed_at[0] ? a->signed_code : NULL;
    p.inspectors = insp.ptr;
    p.generated = now;
    p.masked = !a->unmask;
    rc = html_begin(out, &p, err);
    if (rc)
        goto out;
    switch (a->doc) {
    case REPORT_DOC_SITE_RECORD: rc = site_record(&c, site.ptr); break;
    case REPORT_DOC_INTERVIEW: rc = interviews(&c); break;
    case REPORT_DOC_EVIDENCE: rc = evidence_doc(&c); break;
    case REPORT_DOC_BEDS: rc = night_beds(&c); break;
    case REPORT_DOC_NONE:
        if (!strcmp(c.v.kind, "night"))
            rc = night_report(&c);
        else if (!strcmp(c.v.kind, "pharmacy"))
            rc = pharmacy_report_html(&c);
        else
            rc = flight_report_html(&c);
        break;
    }
    if (!rc)
        html_end(out, &p);
out:
    json_decref(c.names);
    visit_release(&c.v);
    buf_release(&site);
    buf_release(&insp);
    return rc;
}

int report_record_unmask(struct store *s, const char *visit, const char *reason, const char *what,
                         int64_t at_ms, struct fc_error *err)
{
    struct visit v;
    json_t *obj = NULL;
    char *payload = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    if (!reason || !reason[0]) {
        rc = fc_error_set(err, FC_EUSAGE, "unmasking personal data needs a reason (--reason T)");
        goto out;
    }
    rc = visit_resolve(s, visit, &v, err);
    if (rc)
        goto out;
    obj = json_pack("{s:s, s:s}", "reason", reason, "what", what ? what : "");
    payload = obj ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (!payload) {
        rc = fc_error_set(err, FC_EINPUT, "unmask reason is not valid UTF-8");
        goto out;
    }
    rc = store_begin(s, err);
    if (rc)
        goto out;
    rc = event_append(s, v.id, at_ms, "unmask", v.id, payload, NULL, err);
    if (!rc)
        rc = store_commit(s, err);
    else
        store_rollback(s);
out:
    free(payload);
    json_decref(obj);
    visit_release(&v);
    return rc;
}
