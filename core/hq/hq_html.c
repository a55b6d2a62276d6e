/* HQ's HTML report: the current events of HQ's store (one per (device,
 * seq): an equivocating device's second version is not counted twice)
 * gathered into bar charts and tables, on either database. */
#include "core/hq/hq_html.h"

#include "core/base/money.h"
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/hq/hqstore.h"
#include "core/pharmacy/pharmacy.h"
#include "core/visit/visit.h"
#include "core/workflow.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counts per label, kept sorted by label while they are gathered. */
struct series {
    struct html_bar *bars;
    int64_t *values;
    char **owned; /* labels and texts, freed with the series */
    size_t n, nowned;
};

static const char *series_keep(struct series *s, const char *text)
{
    s->owned = xreallocarray(s->owned, s->nowned + 1, sizeof(*s->owned));
    s->owned[s->nowned] = xstrdup(text);
    return s->owned[s->nowned++];
}

static void series_release(struct series *s)
{
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->bars);
    free(s->values);
    memset(s, 0, sizeof(*s));
}

static void series_add(struct series *s, const char *label, int64_t v)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->bars[mid].label, label);
        if (c == 0) {
            s->values[mid] += v;
            return;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    s->bars = xreallocarray(s->bars, s->n + 1, sizeof(*s->bars));
    s->values = xreallocarray(s->values, s->n + 1, sizeof(*s->values));
    memmove(&s->bars[lo + 1], &s->bars[lo], (s->n - lo) * sizeof(*s->bars));
    memmove(&s->values[lo + 1], &s->values[lo], (s->n - lo) * sizeof(*s->values));
    s->bars[lo].label = series_keep(s, label);
    s->values[lo] = v;
    s->n++;
}

static int by_value_desc(const void *a, const void *b)
{
    const struct html_bar *x = a, *y = b;

    if (x->value != y->value)
        return x->value < y->value ? 1 : -1;
    return strcmp(x->label, y->label);
}

/* Fills each bar's value and text; by_count orders by count (largest first),
 * else the label order stays; money prints the value as yuan. */
static void series_finish(struct series *s, int by_count, int money)
{
    for (size_t i = 0; i < s->n; i++) {
        char text[32];

        s->bars[i].value = (double)s->values[i];
        if (money)
            money_text(s->values[i], text);
        else
            snprintf(text, sizeof(text), "%lld", (long long)s->values[i]);
        s->bars[i].text = series_keep(s, text);
    }
    if (by_count && s->n > 1)
        qsort(s->bars, s->n, sizeof(*s->bars), by_value_desc);
}

/* The site and workflow of each visit, sorted by visit id. */
struct visit_site {
    char *visit, *site;
    const struct workflow *wf; /* NULL for a kind this program does not know */
};

struct gather {
    enum html_lang lang;
    struct visit_site *vs;
    size_t nvs;
    struct series types, sites, codes, days, hours;
    char last_device[33];
    int64_t last_seq;
};

static int visit_site_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct gather *g = ctx;
    char buf[256];

    (void)n;
    g->vs = xreallocarray(g->vs, g->nvs + 1, sizeof(*g->vs));
    hqdb_col_text(&c[0], buf, sizeof(buf));
    g->vs[g->nvs].visit = xstrdup(buf);
    if (c[1].type == HQDB_NULL) {
        g->vs[g->nvs].site = NULL;
    } else {
        hqdb_col_text(&c[1], buf, sizeof(buf));
        g->vs[g->nvs].site = xstrdup(buf);
    }
    g->vs[g->nvs].wf = NULL;
    if (c[2].type != HQDB_NULL) {
        hqdb_col_text(&c[2], buf, sizeof(buf));
        g->vs[g->nvs].wf = workflow_find(buf);
    }
    g->nvs++;
    return 0;
}

static const struct visit_site *visit_of(const struct gather *g, const char *visit)
{
    size_t lo = 0, hi = g->nvs;

    while (visit && lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(g->vs[mid].visit, visit);
        if (c == 0)
            return &g->vs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* One current event (the smallest hash of its (device, seq): rows come in
 * hash order, so the first of each seq). */
static int event_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct gather *g = ctx;
    char device[33], visit[64], at[CLOCK_ISO_MAX], kind[64], label[160];
    char *payload;
    json_t *o;
    const char *verdict, *code, *site;
    const struct visit_site *vs;
    const struct verdict *def;

    (void)n;
    hqdb_col_text(&c[0], device, sizeof(device));
    if (!strcmp(device, g->last_device) && c[1].i == g->last_seq)
        return 0;
    memcpy(g->last_device, device, sizeof(device));
    g->last_seq = c[1].i;
    hqdb_col_text(&c[2], visit, sizeof(visit));
    hqdb_col_text(&c[3], at, sizeof(at));
    hqdb_col_text(&c[4], kind, sizeof(kind));
    payload = xmalloc(c[5].len + 1);
    memcpy(payload, c[5].s, c[5].len);
    payload[c[5].len] = 0;
    o = json_loads(payload, 0, NULL);
    free(payload);
    snprintf(label, sizeof(label), "%.10s", at);
    series_add(&g->days, label, 1);
    snprintf(label, sizeof(label), "%.2sh", strlen(at) > 13 ? at + 11 : "??");
    series_add(&g->hours, label, 1);
    verdict = json_string_value(json_object_get(o, "verdict"));
    code = json_string_value(json_object_get(o, "code"));
    vs = visit_of(g, c[2].type == HQDB_NULL ? NULL : visit);
    site = vs ? vs->site : NULL;
    /* what a verdict means is its workflow's catalogue row (class, label) */
    def = vs && vs->wf && verdict ? workflow_verdict_in(vs->wf, verdict, VERDICT_SCAN) : NULL;
    if (!strcmp(kind, "finding_add") && code) {
        json_t *fen = json_object_get(o, "irregular_fen");
        snprintf(label, sizeof(label), "finding %s", code);
        series_add(&g->types, label, 1);
        series_add(&g->sites, site ? site : "?", 1);
        series_add(&g->codes, code, json_is_integer(fen) ? json_integer_value(fen) : 0);
    } else if (def && def->cls == VERDICT_ANOMALY) {
        snprintf(label, sizeof(label), "%s",
                 verdict_label_in(def, g->lang == HTML_EN ? FC_LANG_EN : FC_LANG_ZH));
        series_add(&g->types, label, 1);
        series_add(&g->sites, site ? site : "?", 1);
    }
    json_decref(o);
    return 0;
}

static void gather_release(struct gather *g)
{
    for (size_t i = 0; i < g->nvs; i++) {
        free(g->vs[i].visit);
        free(g->vs[i].site);
    }
    free(g->vs);
    series_release(&g->types);
    series_release(&g->sites);
    series_release(&g->codes);
    series_release(&g->days);
    series_release(&g->hours);
}

static void table(struct buf *out, enum html_lang l, const char *what, const struct series *s)
{
    const char *head[] = {what, html_t(l, "数值", "value"), NULL};

    html_table_begin(out, head);
    for (size_t i = 0; i < s->n; i++) {
        const char *cells[] = {s->bars[i].label, s->bars[i].text};
        html_table_row(out, NULL, cells, 2);
    }
    html_table_end(out);
}

int hq_html_report(struct hqdb *db, enum html_lang l, struct buf *out, struct fc_error *err)
{
    struct gather g;
    struct series *time;
    struct html_page p;
    char digest[HASH_HEX_LEN + 1], code[VISIT_SHORT_CODE_LEN + 1], now[CLOCK_ISO_MAX];
    int rc;

    memset(&p, 0, sizeof(p));
    memset(&g, 0, sizeof(g));
    g.lang = l;
    rc = hqstore_digest(db, digest, err);
    if (!rc)
        rc = hqdb_begin(db, HQDB_READ, err);
    if (!rc)
        rc = hqdb_query(db, "SELECT visit, site_code, workflow FROM visit ORDER BY visit", NULL, 0,
                        visit_site_row, &g, err);
    if (!rc)
        rc = hqdb_query(db,
                        "SELECT device, seq, visit, at, kind, payload FROM event"
                        " ORDER BY device, seq, hash",
                        NULL, 0, event_row, &g, err);
    hqdb_rollback(db);
    if (rc)
        goto out;
    series_finish(&g.types, 1, 0);
    series_finish(&g.sites, 1, 0);
    series_finish(&g.codes, 0, 1);
    /* A single day says nothing as a chart: show its hours instead. */
    time = g.days.n == 1 ? &g.hours : &g.days;
    series_finish(time, 0, 0);
    visit_short_code(digest, code);
    clock_format_local(clock_now_ms(), now);
    p.lang = l;
    p.title = html_t(l, "医保基金监管检查汇总报告", "Fund supervision summary report");
    p.site = html_t(l, "中心汇总", "headquarters");
    p.visit_id = digest;
    p.kind = html_t(l, "汇总", "summary");
    p.opened_at = now;
    p.closed_at = now;
    p.short_code = code;
    p.generated = now;
    p.masked = 1;
    p.unsigned_note = html_t(l, "汇总状态摘要", "digest of HQ's merged state");
    rc = html_begin(out, &p, err);
    if (rc)
        goto out;
    html_elem(out, "h2", html_t(l, "异常与问题", "Anomalies and findings"));
    html_bar_chart(out, l, html_t(l, "按类型", "By type"), g.types.bars, g.types.n);
    html_bar_chart(out, l, html_t(l, "按机构", "By site"), g.sites.bars, g.sites.n);
    html_elem(out, "h2", html_t(l, "违规金额", "Amounts"));
    html_bar_chart(out, l,
                   html_t(l, "按违规编码的违规费用（元）", "Irregular amount by code (yuan)"),
                   g.codes.bars, g.codes.n);
    table(out, l, html_t(l, "违规编码", "violation code"), &g.codes);
    html_elem(out, "h2", html_t(l, "进度", "Progress"));
    html_column_chart(out, l,
                      time == &g.hours ? html_t(l, "每小时事件数（UTC）", "Events per hour (UTC)")
                                       : html_t(l, "每日事件数（UTC）", "Events per day (UTC)"),
                      time->bars, time->n);
    table(out, l, html_t(l, "时间", "time"), time);
    html_end(out, &p);
out:
    gather_release(&g);
    return rc;
}
