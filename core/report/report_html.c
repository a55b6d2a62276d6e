/* The page frame of every printable document and the documents every visit
 * has (site record, interviews, evidence register); a workflow's report and
 * its own documents come from its registry entry (struct workflow), written
 * through the kit (core/report/report.h) from the engines' public read
 * functions, never from their tables, so every document says what `visit
 * show` and the csv/md reports say. */
#include "core/report/report_html.h"

#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/xalloc.h"
#include "core/report/report.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/visit/evidence.h"
#include "core/visit/interview.h"
#include "core/visit/visit.h"
#include "core/workflow.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *title_zh, *title_en;
} common_docs[] = {
    {"site-record", "现场检查笔录", "On-site inspection record"},
    {"interview", "询问笔录", "Interview record"},
    {"evidence", "证据先行登记保存清单", "Register of evidence preserved in advance"},
};

static const struct workflow_doc *workflow_doc(const struct workflow *wf, const char *name)
{
    for (const struct workflow_doc *d = wf ? wf->docs : NULL; d && d->name; d++)
        if (!strcmp(d->name, name))
            return d;
    return NULL;
}

struct doc_find {
    const char *name;
    const struct workflow *wf;
};

static int find_doc_owner(const struct workflow *wf, void *ctx)
{
    struct doc_find *f = ctx;

    if (!workflow_doc(wf, f->name))
        return 0;
    f->wf = wf;
    return 1;
}

static int is_common_doc(const char *name)
{
    for (size_t i = 0; i < sizeof(common_docs) / sizeof(common_docs[0]); i++)
        if (!strcmp(name, common_docs[i].name))
            return 1;
    return 0;
}

static int list_doc_names(const struct workflow *wf, void *ctx)
{
    for (const struct workflow_doc *d = wf->docs; d && d->name; d++)
        buf_addf(ctx, ", %s", d->name);
    return 0;
}

int report_doc_check(const char *doc, struct fc_error *err)
{
    struct doc_find f = {doc, NULL};
    struct buf names = BUF_INIT;
    int rc;

    if (!doc || !strcmp(doc, "report") || is_common_doc(doc))
        return FC_OK;
    if (workflow_foreach(find_doc_owner, &f))
        return FC_OK;
    for (size_t i = 0; i < sizeof(common_docs) / sizeof(common_docs[0]); i++)
        buf_addf(&names, "%s%s", i ? ", " : "", common_docs[i].name);
    workflow_foreach(list_doc_names, &names);
    rc = fc_error_set(err, FC_EUSAGE, "unknown document '%s' (%s)", doc, names.ptr);
    buf_release(&names);
    return rc;
}

enum fc_lang report_lang(const struct report_ctx *c)
{
    return c->lang == HTML_EN ? FC_LANG_EN : FC_LANG_ZH;
}

const char *report_t(const struct report_ctx *c, const char *zh, const char *en)
{
    return html_t(c->lang, zh, en);
}

void report_name(const struct report_ctx *c, struct buf *b, const char *name)
{
    if (c->unmask)
        buf_adds(b, name);
    else
        mask_name(b, name);
}

void report_id(const struct report_ctx *c, struct buf *b, const char *id)
{
    if (c->unmask)
        buf_adds(b, id);
    else
        mask_id(b, id);
}

void report_h2(const struct report_ctx *c, const char *zh, const char *en)
{
    html_elem(c->out, "h2", report_t(c, zh, en));
}

void report_empty(const struct report_ctx *c, const char *zh, const char *en)
{
    buf_adds(c->out, "<p class=\"empty\">");
    html_escape(c->out, report_t(c, zh, en));
    buf_adds(c->out, "</p>\n");
}

void report_kv(const struct report_ctx *c, const char *zh, const char *en, const char *value)
{
    html_elem(c->out, "dt", report_t(c, zh, en));
    html_elem(c->out, "dd", value && value[0] ? value : "—");
}

static const char *class_text(const struct report_ctx *c, const struct verdict *v)
{
    switch (v->cls) {
    case VERDICT_ANOMALY: return report_t(c, "异常", "anomaly");
    case VERDICT_COVERAGE: return report_t(c, "未覆盖", "not covered");
    case VERDICT_INFO: return report_t(c, "情况说明", "information");
    case VERDICT_OK: break;
    }
    return report_t(c, "正常", "in order");
}

const char *report_label(struct report_ctx *c, const struct verdict *v, const char *code)
{
    size_t i;

    if (!v)
        return code ? code : "";
    for (i = 0; i < c->nused && c->used[i] != v; i++)
        ;
    if (i == c->nused && c->nused < sizeof(c->used) / sizeof(c->used[0]))
        c->used[c->nused++] = v;
    return verdict_label_in(v, report_lang(c));
}

const char *report_row_class(const struct verdict *v)
{
    if (!v)
        return NULL;
    return v->cls == VERDICT_ANOMALY ? "anomaly" : v->cls == VERDICT_COVERAGE ? "coverage" : NULL;
}

void report_legend(struct report_ctx *c)
{
    const char *head[] = {report_t(c, "代码", "code"), report_t(c, "含义", "meaning"),
                          report_t(c, "类别", "class"), report_t(c, "说明", "explanation"), NULL};

    if (!c->nused)
        return;
    report_h2(c, "图例", "Legend");
    html_table_begin(c->out, head);
    for (size_t i = 0; i < c->nused; i++) {
        const struct verdict *v = c->used[i];
        const char *cells[] = {v->code, verdict_label_in(v, report_lang(c)), class_text(c, v),
                               verdict_explain_in(v, report_lang(c))};
        html_table_row(c->out, NULL, cells, 4);
    }
    html_table_end(c->out);
}

const char *report_time(const char *iso, char out[CLOCK_ISO_MAX])
{
    return clock_iso_local(iso, out);
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

/* The page's title: a document's, else the workflow's report. */
static const char *doc_title(const struct report_ctx *c, const struct workflow *wf, const char *doc)
{
    const struct workflow_doc *d;

    for (size_t i = 0; doc && i < sizeof(common_docs) / sizeof(common_docs[0]); i++)
        if (!strcmp(doc, common_docs[i].name))
            return report_t(c, common_docs[i].title_zh, common_docs[i].title_en);
    d = doc ? workflow_doc(wf, doc) : NULL;
    if (d)
        return fc_text_in(report_lang(c), d->title_en, d->title_zh);
    return fc_text_in(report_lang(c), wf->report_title_en, wf->report_title_zh);
}

/* ---- documents -------------------------------------------------------------- */

static int site_record(struct report_ctx *c, const struct workflow *wf, const char *site)
{
    struct buf insp = BUF_INIT;
    char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];
    int rc = 0;

    inspectors_text(&c->v, &insp);
    report_h2(c, "基本情况", "Particulars");
    buf_adds(c->out, "<dl class=\"kv\">");
    report_kv(c, "被检查机构", "Institution", site);
    report_kv(c, "检查类别", "Inspection", workflow_label_in(wf, report_lang(c)));
    report_kv(c, "检查编号", "Visit", c->v.id);
    report_kv(c, "检查时间", "From", report_time(c->v.opened_at, t1));
    report_kv(c, "结束时间", "Until",
              c->v.closed_at[0] ? report_time(c->v.closed_at, t2)
                                : report_t(c, "检查尚未结束", "still open"));
    report_kv(c, "检查人员", "Officers", insp.ptr);
    report_kv(c, "出示证件", "Credentials shown",
              c->v.credentials_shown
                  ? report_t(c, "检查人员已出示执法证件", "shown by the officers")
                  : report_t(c, "未记录", "not recorded"));
    buf_adds(c->out, "</dl>\n");
    report_h2(c, "检查发现", "Findings");
    if (wf->site_record_html)
        rc = wf->site_record_html(c);
    else
        report_empty(c, "无", "none");
    if (rc)
        goto out;
    report_h2(c, "被检查机构陈述、申辩", "Statement of the institution");
    buf_adds(c->out, "<div class=\"statement\"></div>\n<p>");
    html_escape(c->out,
                report_t(c,
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
    struct report_ctx *c;
    int n;
};

static int interview_one(const char *event_id, const json_t *rec, void *arg)
{
    struct interview_ctx *ic = arg;
    struct report_ctx *c = ic->c;
    const char *head[] = {report_t(c, "姓名", "name"), report_t(c, "身份", "role"),
                          report_t(c, "身份证号", "ID number"), NULL};
    json_t *x;
    size_t i;
    char title[64], held[CLOCK_ISO_MAX];

    (void)event_id;
    if (ic->n++)
        buf_adds(c->out, "<div class=\"pagebreak\"></div>\n");
    snprintf(title, sizeof(title), "%s %d", report_t(c, "询问笔录", "Interview"), ic->n);
    html_elem(c->out, "h2", title);
    buf_adds(c->out, "<dl class=\"kv\">");
    report_kv(c, "询问时间", "Held at",
              report_time(json_string_value(json_object_get(rec, "held_at")), held));
    report_kv(c, "询问地点", "Place", json_string_value(json_object_get(rec, "place")));
    buf_adds(c->out, "</dl>\n");
    html_elem(c->out, "h3", report_t(c, "被询问人", "People interviewed"));
    html_table_begin(c->out, head);
    json_array_foreach(json_object_get(rec, "people"), i, x)
    {
        struct buf name = BUF_INIT, id = BUF_INIT;
        const char *idn = json_string_value(json_object_get(x, "id_number"));
        report_name(c, &name, json_string_value(json_object_get(x, "name")));
        if (idn)
            report_id(c, &id, idn);
        const char *cells[] = {name.ptr, json_string_value(json_object_get(x, "role")), id.ptr};
        html_table_row(c->out, NULL, cells, 3);
        buf_release(&name);
        buf_release(&id);
    }
    html_table_end(c->out);
    html_elem(c->out, "h3", report_t(c, "问答", "Questions and answers"));
    buf_adds(c->out, "<dl class=\"kv\">");
    json_array_foreach(json_object_get(rec, "items"), i, x)
    {
        report_kv(c, "问：", "Q:", json_string_value(json_object_get(x, "q")));
        report_kv(c, "答：", "A:", json_string_value(json_object_get(x, "a")));
    }
    buf_adds(c->out, "</dl>\n");
    x = json_object_get(rec, "note");
    if (json_string_value(x) && json_string_value(x)[0]) {
        buf_adds(c->out, "<p>");
        html_escape(c->out, report_t(c, "备注：", "Note: "));
        html_escape(c->out, json_string_value(x));
        buf_adds(c->out, "</p>\n");
    }
    buf_adds(c->out, "<p><b>");
    if (json_is_true(json_object_get(rec, "signed"))) {
        html_escape(c->out, report_t(c, "被询问人已核对笔录并签字。",
                                     "The people interviewed read this record and signed it."));
        buf_adds(c->out, "</b></p>\n");
    } else {
        html_escape(c->out, report_t(c, "被询问人拒绝签字，原因：", "Refused to sign; reason: "));
        buf_adds(c->out, "</b>");
        html_escape(c->out, json_string_value(json_object_get(rec, "refusal")));
        buf_adds(c->out, "</p>\n");
    }
    return 0;
}

static int interviews(struct report_ctx *c)
{
    struct interview_ctx ic = {c, 0};
    int rc = interview_foreach(c->s, c->v.id, interview_one, &ic, c->err);

    if (!rc && !ic.n)
        report_empty(c, "本次检查未记录询问笔录", "no interview recorded in this visit");
    return rc;
}

struct evidence_ctx {
    struct report_ctx *c;
    int n;
};

static int evidence_row(const struct evidence *e, void *arg)
{
    struct evidence_ctx *ec = arg;
    const char *base = strrchr(e->path, '/');
    char no[16], size[32], mtime[CLOCK_ISO_MAX], at[CLOCK_ISO_MAX];

    snprintf(no, sizeof(no), "%d", ++ec->n);
    snprintf(size, sizeof(size), "%llu", (unsigned long long)e->size);
    const char *cells[] = {no,     base ? base + 1 : e->path,    e->sha256,
                           size,   report_time(e->mtime, mtime), report_time(e->at, at),
                           e->note};
    html_table_row(ec->c->out, NULL, cells, 7);
    return 0;
}

static int evidence_doc(struct report_ctx *c)
{
    const char *head[] = {report_t(c, "序号", "no."),
                          report_t(c, "文件", "file"),
                          "SHA-256",
                          report_t(c, "大小（字节）", "size (bytes)"),
                          report_t(c, "文件时间", "file time"),
                          report_t(c, "登记时间", "registered"),
                          report_t(c, "说明", "description"),
                          NULL};
    struct evidence_ctx ec = {c, 0};
    int rc;

    report_h2(c, "登记保存的证据", "Evidence preserved");
    html_table_begin(c->out, head);
    rc = evidence_foreach(c->s, c->v.id, evidence_row, &ec, c->err);
    html_table_end(c->out);
    if (!rc && !ec.n)
        report_empty(c, "未登记证据", "no evidence registered");
    buf_adds(c->out, "<p>");
    html_escape(
        c->out,
        report_t(c, "以上证据文件的 SHA-256 摘要在登记时计算，文件内容的任何改动都会使摘要不符。",
                 "Each SHA-256 was computed when the file was registered: any change to a "
                 "file makes its digest differ."));
    buf_adds(c->out, "</p>\n");
    return rc;
}

int report_html(struct store *s, const struct report_html_args *a, struct buf *out,
                struct fc_error *err)
{
    const struct workflow *wf = NULL;
    const struct workflow_doc *doc = NULL;
    const char *name = a->doc && strcmp(a->doc, "report") ? a->doc : NULL;
    struct report_ctx c;
    struct html_page p;
    struct buf site = BUF_INIT, insp = BUF_INIT;
    char short_code[VISIT_SHORT_CODE_LEN + 1] = "", now[CLOCK_ISO_MAX];
    char opened[CLOCK_ISO_MAX], closed[CLOCK_ISO_MAX];
    int rc;

    memset(&c, 0, sizeof(c));
    memset(&p, 0, sizeof(p));
    c.s = s;
    c.lang = a->lang;
    c.unmask = a->unmask;
    c.out = out;
    c.err = err;
    c.names = json_object();
    rc = report_doc_check(name, err);
    if (!rc)
        rc = workflow_attach(s, a->visit, &c.v, &wf, err);
    if (rc)
        goto out;
    if (name && !is_common_doc(name)) {
        doc = workflow_doc(wf, name);
        if (!doc) {
            rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' is a %s: it has no document '%s'",
                              c.v.id, workflow_label_in(wf, FC_LANG_EN), name);
            goto out;
        }
    }
    site_name(s, c.v.site_code, &site);
    buf_addf(&site, "%s(%s)", site.len ? " " : "", c.v.site_code);
    inspectors_text(&c.v, &insp);
    if (c.v.closed_at[0])
        visit_short_code(c.v.checkpoint, short_code);
    clock_format_local(clock_now_ms(), now);
    p.lang = c.lang;
    p.title = doc_title(&c, wf, name);
    p.site = site.ptr;
    p.visit_id = c.v.id;
    p.kind = workflow_label_in(wf, report_lang(&c));
    p.opened_at = report_time(c.v.opened_at, opened);
    p.closed_at = c.v.closed_at[0] ? report_time(c.v.closed_at, closed) : "";
    p.short_code = short_code;
    p.signed_code = c.v.closed_at[0] ? a->signed_code : NULL;
    p.inspectors = insp.ptr;
    p.generated = now;
    p.masked = !a->unmask;
    rc = html_begin(out, &p, err);
    if (rc)
        goto out;
    if (visit_test_clock(s, c.v.id))
        buf_addf(out, "<p class=\"unmasked\"><strong>%s</strong></p>\n",
                 report_t(&c, "本记录在测试时钟（FIELDCHECK_NOW）下生成：其中的时间不是真实时间",
                          "Recorded under the test clock (FIELDCHECK_NOW): the times in it are "
                          "not real"));
    if (doc)
        rc = doc->write(&c);
    else if (!name)
        rc = wf->report_html ? wf->report_html(&c) : FC_OK;
    else if (!strcmp(name, "site-record"))
        rc = site_record(&c, wf, site.ptr);
    else if (!strcmp(name, "interview"))
        rc = interviews(&c);
    else
        rc = evidence_doc(&c);
    if (!rc) {
        report_legend(&c);
        html_end(out, &p);
    }
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

int report_foreach_doc(const struct workflow *wf,
                       int (*cb)(const char *name, const char *title_en, const char *title_zh,
                                 void *ctx),
                       void *ctx)
{
    int rc = cb("report", wf->report_title_en, wf->report_title_zh, ctx);

    for (size_t i = 0; !rc && i < sizeof(common_docs) / sizeof(common_docs[0]); i++)
        rc = cb(common_docs[i].name, common_docs[i].title_en, common_docs[i].title_zh, ctx);
    for (const struct workflow_doc *d = wf->docs; !rc && d && d->name; d++)
        rc = cb(d->name, d->title_en, d->title_zh, ctx);
    return rc;
}
