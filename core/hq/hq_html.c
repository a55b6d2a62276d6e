/* HQ's summary page (`hq report --format html`): what the visits found, as
 * the devices judged it when they closed them (hqstore_summary), workflow by
 * workflow: anomalies by label with their amounts (flight's irregular amount
 * and fund loss kept apart), what was not covered beside them, by
 * institution (names, regions), by month in local time, each institution's
 * visits in time order; conflicts between devices on comparable facts; the
 * record's integrity. Labels and classes come from each workflow's
 * catalogue; this file names no verdict. A summary is signed by nobody: no
 * checkpoint box, no signature lines (html_page.summary). */
#include "core/hq/hq_html.h"

#include "core/base/clock.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/hq/hqstore.h"
#include "core/visit/visit.h"
#include "core/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every row a callback gave, as strings and numbers, kept for drawing. */
struct row {
    char *s[8];
    int64_t v[6];
};

struct rows {
    struct row *r;
    size_t n;
};

static struct row *row_new(struct rows *rs)
{
    rs->r = xreallocarray(rs->r, rs->n + 1, sizeof(*rs->r));
    memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
    return &rs->r[rs->n++];
}

static void rows_release(struct rows *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        for (int k = 0; k < 8; k++)
            free(rs->r[i].s[k]);
    free(rs->r);
    memset(rs, 0, sizeof(*rs));
}

struct page {
    enum html_lang l;
    struct rows findings, sites, months, visits, visit_findings, conflicts, unissued, test_clock;
    int64_t gaps, equivocations, quarantined;
    char **owned; /* strings the bars point at */
    size_t nowned;
};

static const char *keep(struct page *p, const char *text)
{
    p->owned = xreallocarray(p->owned, p->nowned + 1, sizeof(*p->owned));
    p->owned[p->nowned] = xstrdup(text);
    return p->owned[p->nowned++];
}

static char *dup(const char *s)
{
    return xstrdup(s ? s : "");
}

/* A new row of rs with the strings s[0..ns) copied (NULL as ""). */
static struct row *row_put(struct rows *rs, const char *const *s, size_t ns)
{
    struct row *r = row_new(rs);

    for (size_t i = 0; i < ns; i++)
        r->s[i] = dup(s[i]);
    return r;
}

/* The figures of a totals row: v[0] scope, v[1] count, v[2] visits,
 * v[3] amount, v[4] fund loss. */
static int row_totals(struct row *r, int64_t scope, const struct hqstore_totals *t)
{
    r->v[0] = scope;
    r->v[1] = t->count;
    r->v[2] = t->visits;
    r->v[3] = t->amount_fen;
    r->v[4] = t->fund_loss_fen;
    return 0;
}

static int on_finding(void *ctx, const char *wf, const char *cls, const char *code, int64_t scope,
                      const struct hqstore_totals *t)
{
    const char *s[] = {wf, cls, code, t->key};

    return row_totals(row_put(&((struct page *)ctx)->findings, s, 4), scope, t);
}

static int on_site(void *ctx, const char *site, const char *name, const char *region,
                   const char *region_name, const char *wf, const char *cls, const char *code,
                   int64_t scope, const struct hqstore_totals *t)
{
    const char *s[] = {site, name, region, region_name, wf, cls, code, t->key};

    return row_totals(row_put(&((struct page *)ctx)->sites, s, 8), scope, t);
}

static int on_month(void *ctx, const char *month, const char *wf, const char *cls,
                    const struct hqstore_totals *t)
{
    const char *s[] = {month, wf, cls};

    return row_totals(row_put(&((struct page *)ctx)->months, s, 3), 0, t);
}

/* A visit's figures where a totals row keeps them (v[2] unused). */
static int row_figures(struct row *r, int64_t v0, int64_t v1, int64_t amount, int64_t loss)
{
    r->v[0] = v0;
    r->v[1] = v1;
    r->v[3] = amount;
    r->v[4] = loss;
    return 0;
}

static int on_visit(void *ctx, const char *site, const char *name, const char *visit,
                    const char *device, const char *wf, const char *opened, const char *closed,
                    int64_t anomalies, int64_t coverage, int64_t amount, int64_t loss)
{
    const char *s[] = {site, name, visit, device, wf, opened, closed};

    return row_figures(row_put(&((struct page *)ctx)->visits, s, 7), anomalies, coverage, amount,
                       loss);
}

static int on_visit_finding(void *ctx, const char *visit, const char *wf, const char *code,
                            int64_t scope, int64_t count, int64_t amount, int64_t loss)
{
    const char *s[] = {visit, wf, code};

    return row_figures(row_put(&((struct page *)ctx)->visit_findings, s, 3), scope, count, amount,
                       loss);
}

static int on_gap(void *ctx, const char *device, int64_t from, int64_t to)
{
    (void)device;
    ((struct page *)ctx)->gaps += to - from + 1;
    return 0;
}

static int on_equiv(void *ctx, const char *device, int64_t seq, int64_t versions)
{
    (void)device;
    (void)seq;
    (void)versions;
    ((struct page *)ctx)->equivocations++;
    return 0;
}

static int on_conflict(void *ctx, const char *fact, const char *site, const char *subject,
                       const char *da, const char *va, const char *visit_a, const char *db,
                       const char *vb, const char *visit_b, const char *site_b)
{
    const char *s[8] = {fact, site, subject, da, va, db, vb, site_b};

    (void)visit_a;
    (void)visit_b;
    row_put(&((struct page *)ctx)->conflicts, s, 8);
    return 0;
}

static int on_quarantine(void *ctx, const char *sha, const char *device, const char *reason)
{
    (void)sha;
    (void)device;
    (void)reason;
    ((struct page *)ctx)->quarantined++;
    return 0;
}

static int on_unissued(void *ctx, const char *visit, const char *device, const char *site,
                       const char *mission, int64_t version, const char *pack)
{
    const char *s[] = {visit, device, site, mission, pack};

    row_put(&((struct page *)ctx)->unissued, s, 5)->v[0] = version;
    return 0;
}

static int on_test_clock(void *ctx, const char *visit, const char *device, const char *site,
                         const char *opened)
{
    const char *s[] = {visit, device, site, opened};

    row_put(&((struct page *)ctx)->test_clock, s, 4);
    return 0;
}

/* ---- what the codes mean ----------------------------------------------------------- */

static enum fc_lang lang_of(enum html_lang l)
{
    return l == HTML_EN ? FC_LANG_EN : FC_LANG_ZH;
}

static const char *label(const struct page *p, const char *wf, const char *code, int64_t scope)
{
    const struct workflow *w = workflow_find(wf);
    const struct verdict *v = w ? workflow_verdict_in(w, code, (unsigned)scope) : NULL;

    return v ? verdict_label_in(v, lang_of(p->l)) : code;
}

/* The label with the row's key when it has one ("检查发现 V38-4"). */
static const char *label_key(struct page *p, const char *wf, const char *code, int64_t scope,
                             const char *key);

static const char *wf_label(const struct page *p, const char *wf)
{
    const struct workflow *w = workflow_find(wf);
    return w ? workflow_label_in(w, lang_of(p->l)) : wf;
}

static const char *class_label(const struct page *p, const char *cls)
{
    if (!strcmp(cls, "anomaly"))
        return html_t(p->l, "异常", "anomalies");
    if (!strcmp(cls, "coverage"))
        return html_t(p->l, "未覆盖", "not covered");
    if (!strcmp(cls, "info"))
        return html_t(p->l, "信息", "information");
    if (!strcmp(cls, "ok"))
        return html_t(p->l, "正常", "in order");
    return cls;
}

static const char *money(struct page *p, int64_t fen)
{
    char t[MONEY_TEXT_MAX];

    if (!fen)
        return "";
    money_text(fen, t);
    return keep(p, t);
}

static const char *label_key(struct page *p, const char *wf, const char *code, int64_t scope,
                             const char *key)
{
    char t[256];

    if (!key || !*key)
        return label(p, wf, code, scope);
    snprintf(t, sizeof(t), "%s %s", label(p, wf, code, scope), key);
    return keep(p, t);
}

static const char *number(struct page *p, int64_t v)
{
    char t[32];

    snprintf(t, sizeof(t), "%lld", (long long)v);
    return keep(p, t);
}

static const char *local_time(struct page *p, const char *iso)
{
    /* opened_local is "YYYY-MM-DDTHH:MM:SS+08:00": date and minutes */
    char t[32];

    snprintf(t, sizeof(t), "%.10s %.5s", iso, strlen(iso) > 11 ? iso + 11 : "");
    return keep(p, t);
}

/* An institution for people: "name（code）". */
static const char *site_cell(struct page *p, const struct row *r)
{
    char t[512];

    snprintf(t, sizeof(t), "%s（%s）", r->s[1], r->s[0]);
    return keep(p, t);
}

/* A table's column headings, Chinese and English. */
struct heading {
    const char *zh, *en;
};

#define TABLE_BEGIN_MAX 10
/* Opens a table with the headings of cols (a static array) in l. */
#define table_begin(out, l, cols) table_begin_n(out, l, cols, sizeof(cols) / sizeof(cols[0]))

static void table_begin_n(struct buf *out, enum html_lang l, const struct heading *cols, size_t n)
{
    const char *head[TABLE_BEGIN_MAX + 1];

    for (size_t i = 0; i < n && i < TABLE_BEGIN_MAX; i++)
        head[i] = html_t(l, cols[i].zh, cols[i].en);
    head[n < TABLE_BEGIN_MAX ? n : TABLE_BEGIN_MAX] = NULL;
    html_table_begin(out, head);
}

static const struct heading finding_cols[] = {
    {"结论", "finding"},
    {"代码", "code"},
    {"数量", "count"},
    {"检查次数", "visits"},
    {"违规费用／疑点金额", "amount"},
    {"基金损失", "fund loss"},
};

static const struct heading site_cols[] = {
    {"机构", "institution"},
    {"区划", "region"},
    {"检查", "inspection"},
    {"类别", "class"},
    {"结论", "finding"},
    {"数量", "count"},
    {"违规费用／疑点金额", "amount"},
    {"基金损失", "fund loss"},
};

static const struct heading history_cols[] = {
    {"机构", "institution"}, {"开始（本地时间）", "opened"},
    {"检查", "inspection"},  {"设备", "device"},
    {"异常", "anomalies"},   {"未覆盖", "not covered"},
    {"金额", "amount"},      {"发现", "found"},
};

static const struct heading conflict_cols[] = {
    {"对象", "fact"},       {"机构", "site"},    {"床位／追溯码", "bed / code"},
    {"设备甲", "device A"}, {"结论", "finding"}, {"设备乙", "device B"},
    {"结论", "finding"},
};

static const struct heading unissued_cols[] = {
    {"机构", "site"},      {"任务", "mission"}, {"设备", "device"},
    {"检查编号", "visit"}, {"任务包", "pack"},
};

static const struct heading test_clock_cols[] = {
    {"机构", "site"},
    {"设备", "device"},
    {"检查编号", "visit"},
    {"开始时间", "opened"},
};

/* ---- drawing ----------------------------------------------------------------------- */

static void bar_add(struct html_bar **v, size_t *n, const char *label, double value,
                    const char *text)
{
    *v = xreallocarray(*v, *n + 1, sizeof(**v));
    (*v)[(*n)++] = (struct html_bar){label, value, text};
}

/* Adds value to the last bar when it has this label (rows come sorted by
 * it), else a new bar. */
static void bar_sum(struct page *p, struct html_bar **v, size_t *n, const char *label, double value)
{
    if (*n && !strcmp((*v)[*n - 1].label, label))
        (*v)[*n - 1].value += value;
    else
        bar_add(v, n, keep(p, label), value, NULL);
}

static int has_class(const struct rows *rs, size_t col_wf, const char *wf, size_t col_cls,
                     const char *cls)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->r[i].s[col_wf], wf) && !strcmp(rs->r[i].s[col_cls], cls))
            return 1;
    return 0;
}

/* One workflow: its anomalies charted by label (count, and money where
 * the workflow's findings carry amounts), a table of every class with
 * anomalies first, and what was not covered as its own table. */
static void workflow_section(struct buf *out, struct page *p, const char *wf)
{
    enum html_lang l = p->l;
    struct html_bar *count = NULL, *amount = NULL, *loss = NULL;
    size_t n = 0, na = 0, nl = 0;
    const char *cls_order[] = {"anomaly", "coverage", "info", "ok", NULL};

    buf_adds(out, "<section class=\"workflow\">");
    html_elem(out, "h2", wf_label(p, wf));
    for (size_t i = 0; i < p->findings.n; i++) {
        const struct row *r = &p->findings.r[i];
        const char *lb;

        if (strcmp(r->s[0], wf) || strcmp(r->s[1], "anomaly"))
            continue;
        lb = label_key(p, wf, r->s[2], r->v[0], r->s[3]);
        bar_add(&count, &n, lb, (double)r->v[1], NULL);
        if (r->v[3])
            bar_add(&amount, &na, lb, (double)r->v[3], money(p, r->v[3]));
        if (r->v[4])
            bar_add(&loss, &nl, lb, (double)r->v[4], money(p, r->v[4]));
    }
    html_bar_chart(out, l, html_t(l, "异常（按结论）", "Anomalies by finding"), count, n);
    if (na)
        html_bar_chart(out, l, html_t(l, "违规费用／疑点金额（元）", "Amount by finding (yuan)"),
                       amount, na);
    if (nl)
        html_bar_chart(out, l, html_t(l, "基金损失（元）", "Fund loss by finding (yuan)"), loss,
                       nl);
    for (int c = 0; cls_order[c]; c++) {
        if (!has_class(&p->findings, 0, wf, 1, cls_order[c]))
            continue;
        html_elem(out, "h3",
                  !strcmp(cls_order[c], "coverage")
                      ? html_t(l, "本记录未覆盖的内容", "What these records do not cover")
                      : class_label(p, cls_order[c]));
        table_begin(out, l, finding_cols);
        for (size_t i = 0; i < p->findings.n; i++) {
            const struct row *r = &p->findings.r[i];
            const char *cells[6];

            if (strcmp(r->s[0], wf) || strcmp(r->s[1], cls_order[c]))
                continue;
            cells[0] = label_key(p, wf, r->s[2], r->v[0], r->s[3]);
            cells[1] = r->s[2];
            cells[2] = number(p, r->v[1]);
            cells[3] = number(p, r->v[2]);
            cells[4] = money(p, r->v[3]);
            cells[5] = money(p, r->v[4]);
            html_table_row(out, !strcmp(cls_order[c], "anomaly") ? "anomaly" : NULL, cells, 6);
        }
        html_table_end(out);
    }
    buf_adds(out, "</section>\n");
    free(count);
    free(amount);
    free(loss);
}

static void sites_section(struct buf *out, struct page *p)
{
    enum html_lang l = p->l;
    struct html_bar *bars = NULL;
    size_t n = 0;

    html_elem(out, "h2", html_t(l, "按机构", "By institution"));
    /* one bar per institution: its anomalies, all workflows together */
    for (size_t i = 0; i < p->sites.n; i++) {
        const struct row *r = &p->sites.r[i];
        char name[512];

        if (strcmp(r->s[5], "anomaly"))
            continue;
        snprintf(name, sizeof(name), "%s", r->s[1][0] ? r->s[1] : r->s[0]);
        bar_sum(p, &bars, &n, name, (double)r->v[1]);
    }
    html_bar_chart(out, l, html_t(l, "异常（按机构）", "Anomalies by institution"), bars, n);
    free(bars);
    table_begin(out, l, site_cols);
    for (size_t i = 0; i < p->sites.n; i++) {
        const struct row *r = &p->sites.r[i];
        char region[256];
        const char *cells[8];

        snprintf(region, sizeof(region), "%s %s", r->s[3], r->s[2]);
        cells[0] = site_cell(p, r);
        cells[1] = keep(p, region);
        cells[2] = wf_label(p, r->s[4]);
        cells[3] = class_label(p, r->s[5]);
        cells[4] = label_key(p, r->s[4], r->s[6], r->v[0], r->s[7]);
        cells[5] = number(p, r->v[1]);
        cells[6] = money(p, r->v[3]);
        cells[7] = money(p, r->v[4]);
        html_table_row(out, !strcmp(r->s[5], "anomaly") ? "anomaly" : NULL, cells, 8);
    }
    html_table_end(out);
}

static void months_section(struct buf *out, struct page *p)
{
    enum html_lang l = p->l;
    struct html_bar *bars = NULL;
    size_t n = 0;

    for (size_t i = 0; i < p->months.n; i++)
        bar_sum(p, &bars, &n, p->months.r[i].s[0], (double)p->months.r[i].v[1]);
    html_elem(out, "h2", html_t(l, "按月份（本地时间）", "By month (local time)"));
    html_column_chart(out, l, html_t(l, "每月发现的异常", "Anomalies found per month"), bars, n);
    free(bars);
}

/* Rows by their first column, ties in their fetched order. */
static int by_first_column(const void *a, const void *b)
{
    const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
    int c = strcmp(x->s[0], y->s[0]);

    return c ? c : (x > y) - (x < y);
}

static void history_section(struct buf *out, struct page *p)
{
    enum html_lang l = p->l;
    size_t nf = p->visit_findings.n;
    const struct row **byv = xcalloc(nf ? nf : 1, sizeof(*byv));

    /* each visit's findings by binary search, not a pass over all of them
     * per visit (quadratic at provincial scale); sorted here, not trusted to
     * the store's collation */
    for (size_t k = 0; k < nf; k++)
        byv[k] = &p->visit_findings.r[k];
    qsort(byv, nf, sizeof(*byv), by_first_column);
    html_elem(out, "h2", html_t(l, "各机构的检查历史", "Each institution's visits"));
    table_begin(out, l, history_cols);
    for (size_t i = 0; i < p->visits.n; i++) {
        const struct row *r = &p->visits.r[i];
        struct buf found = BUF_INIT;
        const char *cells[9];
        size_t lo = 0, hi = nf;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(byv[mid]->s[0], r->s[2]) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < nf && !strcmp(byv[lo]->s[0], r->s[2]); lo++)
            buf_addf(&found, "%s%s %lld", found.len ? "，" : "",
                     label(p, byv[lo]->s[1], byv[lo]->s[2], byv[lo]->v[0]),
                     (long long)byv[lo]->v[1]);
        cells[0] = site_cell(p, r);
        cells[1] = local_time(p, r->s[5]);
        cells[2] = wf_label(p, r->s[4]);
        cells[3] = r->s[3];
        cells[4] = r->s[6][0] ? number(p, r->v[0]) : html_t(l, "未结束", "open");
        cells[5] = r->s[6][0] ? number(p, r->v[1]) : "";
        cells[6] = money(p, r->v[3]);
        cells[7] = money(p, r->v[4]);
        cells[8] = keep(p, found.ptr);
        html_table_row(out, r->v[0] ? "anomaly" : NULL, cells, 9);
        buf_release(&found);
    }
    html_table_end(out);
    free(byv);
}

static void conflicts_section(struct buf *out, struct page *p)
{
    enum html_lang l = p->l;

    html_elem(out, "h2",
              html_t(l, "设备间的冲突（同一床位或同一药盒，时间重叠）",
                     "Conflicts between devices (the same bed or box, overlapping "
                     "time)"));
    if (!p->conflicts.n) {
        html_elem(out, "p", html_t(l, "无", "none"));
        return;
    }
    table_begin(out, l, conflict_cols);
    for (size_t i = 0; i < p->conflicts.n; i++) {
        const struct row *r = &p->conflicts.r[i];
        const char *cells[7] = {!strcmp(r->s[0], "bed") ? html_t(l, "床位", "bed")
                                                        : html_t(l, "药盒", "box"),
                                r->s[1],
                                r->s[2],
                                r->s[3],
                                r->s[4],
                                r->s[5],
                                r->s[6]};
        html_table_row(out, "anomaly", cells, 7);
    }
    html_table_end(out);
}

static void integrity_section(struct buf *out, struct page *p)
{
    enum html_lang l = p->l;
    char text[256];

    html_elem(out, "h2", html_t(l, "记录的完整性", "Integrity of the record"));
    snprintf(text, sizeof(text),
             html_t(l, "缺失事件 %lld 条；同号异事件 %lld 处；被隔离的数据包 %lld 个",
                    "missing events: %lld; seqs with two events: %lld; quarantined bundles: "
                    "%lld"),
             (long long)p->gaps, (long long)p->equivocations, (long long)p->quarantined);
    html_elem(out, "p", text);
    if (p->unissued.n) {
        html_elem(
            out, "h3",
            html_t(l, "任务不是本中心下发的检查", "Visits on a mission this HQ did not issue"));
        table_begin(out, l, unissued_cols);
        for (size_t i = 0; i < p->unissued.n; i++) {
            const struct row *r = &p->unissued.r[i];
            char mission[192];
            const char *cells[5];

            snprintf(mission, sizeof(mission), "%s v%lld", r->s[3], (long long)r->v[0]);
            cells[0] = r->s[2];
            cells[1] = keep(p, mission);
            cells[2] = r->s[1];
            cells[3] = r->s[0];
            cells[4] = r->s[4][0] ? r->s[4] : html_t(l, "（未注明）", "(none named)");
            html_table_row(out, "anomaly", cells, 5);
        }
        html_table_end(out);
    }
    if (p->test_clock.n) {
        html_elem(
            out, "h3",
            html_t(l, "时间取自测试时钟的检查（FIELDCHECK_NOW），不是设备时钟",
                   "Visits timed by the test clock (FIELDCHECK_NOW), not the device's clock"));
        table_begin(out, l, test_clock_cols);
        for (size_t i = 0; i < p->test_clock.n; i++) {
            const struct row *r = &p->test_clock.r[i];
            const char *cells[4] = {r->s[2], r->s[1], r->s[0], r->s[3]};
            html_table_row(out, "anomaly", cells, 4);
        }
        html_table_end(out);
    }
}

int hq_html_report(struct hqdb *db, enum html_lang l, struct buf *out, struct fc_error *err)
{
    struct page p;
    struct html_page h;
    struct hqstore_summary_cb s;
    struct hqstore_report_cb c;
    char digest[HASH_HEX_LEN + 1], code[VISIT_SHORT_CODE_LEN + 1], now[CLOCK_ISO_MAX];
    char scope[160];
    const char **wfs = NULL;
    size_t nwfs = 0, sites = 0;
    int rc;

    memset(&p, 0, sizeof(p));
    memset(&h, 0, sizeof(h));
    p.l = l;
    s = (struct hqstore_summary_cb){&p, on_finding, on_site, on_month, on_visit, on_visit_finding};
    c = (struct hqstore_report_cb){&p,   on_gap,        on_equiv,    on_conflict,
                                   NULL, on_quarantine, on_unissued, on_test_clock};
    rc = hqstore_state_code(db, digest, err);
    if (!rc)
        rc = hqstore_summary(db, &s, err);
    if (!rc)
        rc = hqstore_report(db, &c, err);
    if (rc)
        goto out;
    for (size_t i = 0; i < p.visits.n; i++)
        if (!i || strcmp(p.visits.r[i].s[0], p.visits.r[i - 1].s[0]))
            sites++;
    visit_short_code(digest, code);
    clock_format_local(clock_now_ms(), now);
    snprintf(
        scope, sizeof(scope),
        html_t(l, "中心汇总：%zu 家机构，%zu 次检查", "headquarters: %zu institutions, %zu visits"),
        sites, p.visits.n);
    h.lang = l;
    h.summary = 1;
    h.title = html_t(l, "医保基金监管检查汇总报告", "Fund supervision summary report");
    h.site = scope;
    h.kind = html_t(l, "各检查的发现（按检查类别、机构、月份）",
                    "what the visits found, by inspection, institution and month");
    h.short_code = code;
    h.generated = now;
    h.masked = 1;
    h.unsigned_note = html_t(l, "：中心合并数据的摘要，数据一有变化此码即变。",
                             ": a digest of HQ's merged data; it changes whenever the data does.");
    rc = html_begin(out, &h, err);
    if (rc)
        goto out;
    /* the workflows that found something, in the order of the findings */
    for (size_t i = 0; i < p.findings.n; i++)
        if (!nwfs || strcmp(wfs[nwfs - 1], p.findings.r[i].s[0])) {
            wfs = xreallocarray(wfs, nwfs + 1, sizeof(*wfs));
            wfs[nwfs++] = p.findings.r[i].s[0];
        }
    if (!nwfs)
        html_elem(out, "p",
                  html_t(l, "尚无已结束的检查：检查结束后，设备导出的数据包才带有其发现。",
                         "No closed visit yet: a device's bundles carry a visit's findings once "
                         "it is closed."));
    for (size_t i = 0; i < nwfs; i++)
        workflow_section(out, &p, wfs[i]);
    sites_section(out, &p);
    months_section(out, &p);
    history_section(out, &p);
    conflicts_section(out, &p);
    integrity_section(out, &p);
    html_end(out, &h);
out:
    free(wfs);
    {
        struct rows *all[] = {&p.findings,       &p.sites,     &p.months,   &p.visits,
                              &p.visit_findings, &p.conflicts, &p.unissued, &p.test_clock};
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            rows_release(all[i]);
    }
    for (size_t i = 0; i < p.nowned; i++)
        free(p.owned[i]);
    free(p.owned);
    return rc;
}
