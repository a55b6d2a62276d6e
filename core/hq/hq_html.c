/* HQ's HTML report: a few grouped queries over the merged events of hq.db
 * turned into bar charts and tables. Events seen twice (an equivocating
 * (device, seq)) are counted once per event id, so the charts do not double
 * what a forked device sent. */
#include "core/hq/hq_html.h"

#include "core/base/money.h"
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/hq/hqstore.h"
#include "core/night/night.h"
#include "core/pharmacy/pharmacy.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows of one query: label, value and the printed value. */
struct series {
    struct html_bar *bars;
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
    memset(s, 0, sizeof(*s));
}

/* Runs sql (columns: label TEXT, value INTEGER) into s; money 1 prints the
 * value as yuan. Anomaly-only queries filter in SQL with the anomaly()
 * function registered below. */
static int series_query(struct store *st, const char *sql, int money, struct series *s,
                        struct fc_error *err)
{
    sqlite3_stmt *q = NULL;
    int rc = store_prepare(st, sql, &q, err);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t v = sqlite3_column_int64(q, 1);
        char text[32];

        s->bars = xreallocarray(s->bars, s->n + 1, sizeof(*s->bars));
        s->bars[s->n].label = series_keep(s, store_col_text(q, 0));
        s->bars[s->n].value = (double)v;
        if (money)
            money_text(v, text);
        else
            snprintf(text, sizeof(text), "%lld", (long long)v);
        s->bars[s->n].text = series_keep(s, text);
        s->n++;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(st, err, "cannot read hq.db for the report");
    sqlite3_finalize(q);
    return rc;
}

static void fn_anomaly(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *v = sqlite3_value_text(argv[0]);

    (void)argc;
    sqlite3_result_int(ctx, v && v[0] && night_is_anomaly((const char *)v));
}

/* One row per distinct event, with the site of its visit (from the visit's
 * visit_open event). */
#define EV                                                                     \
    "WITH e AS (SELECT DISTINCT id, visit, at, kind, payload FROM event),"     \
    " s AS (SELECT visit, json_extract(payload, '$.site_code') AS site FROM e" \
    " WHERE kind = 'visit_open')"

static const char sql_by_type[] =
    EV " SELECT v, count(*) FROM (SELECT json_extract(payload, '$.verdict') AS v FROM e"
       " UNION ALL SELECT 'finding ' || json_extract(payload, '$.code') FROM e"
       " WHERE kind = 'finding_add') WHERE fc_anomaly(v) OR v LIKE 'finding %'"
       " GROUP BY v ORDER BY 2 DESC, 1";
static const char sql_by_site[] =
    EV " SELECT COALESCE(s.site, '?'), count(*) FROM e LEFT JOIN s ON s.visit = e.visit"
       " WHERE fc_anomaly(json_extract(e.payload, '$.verdict')) OR e.kind = 'finding_add'"
       " GROUP BY 1 ORDER BY 2 DESC, 1";
static const char sql_by_code[] =
    EV " SELECT json_extract(payload, '$.code'),"
       " sum(COALESCE(json_extract(payload, '$.irregular_fen'), 0)) FROM e"
       " WHERE kind = 'finding_add' GROUP BY 1 ORDER BY 1";
static const char sql_days[] =
    EV " SELECT substr(at, 1, 10), count(*) FROM e GROUP BY 1 ORDER BY 1";
static const char sql_hours[] =
    EV " SELECT substr(at, 12, 2) || 'h', count(*) FROM e GROUP BY 1 ORDER BY 1";

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

int hq_html_report(struct store *s, enum html_lang l, struct buf *out, struct fc_error *err)
{
    struct series types = {0}, sites = {0}, codes = {0}, time = {0};
    struct html_page p;
    char digest[HASH_HEX_LEN + 1], code[VISIT_SHORT_CODE_LEN + 1], now[CLOCK_ISO_MAX];
    int rc;

    memset(&p, 0, sizeof(p));
    if (sqlite3_create_function(store_db(s), "fc_anomaly", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                NULL, fn_anomaly, NULL, NULL) != SQLITE_OK) {
        rc = store_fail(s, err, "cannot register the report function");
        goto out;
    }
    rc = hqstore_digest(s, digest, err);
    if (!rc)
        rc = series_query(s, sql_by_type, 0, &types, err);
    if (!rc)
        rc = series_query(s, sql_by_site, 0, &sites, err);
    if (!rc)
        rc = series_query(s, sql_by_code, 1, &codes, err);
    if (!rc)
        rc = series_query(s, sql_days, 0, &time, err);
    /* A single day says nothing as a chart: show its hours instead. */
    if (!rc && time.n == 1) {
        series_release(&time);
        rc = series_query(s, sql_hours, 0, &time, err);
    }
    if (rc)
        goto out;
    visit_short_code(digest, code);
    clock_format_local(clock_now_ms(), now);
    p.lang = l;
    p.title = html_t(l, "医保基金监管检查汇总报告", "Fund supervision summary report");
    p.site = html_t(l, "中心汇总（hq.db）", "headquarters (hq.db)");
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
    html_bar_chart(out, l, html_t(l, "按类型", "By type"), types.bars, types.n);
    html_bar_chart(out, l, html_t(l, "按机构", "By site"), sites.bars, sites.n);
    html_elem(out, "h2", html_t(l, "违规金额", "Amounts"));
    html_bar_chart(out, l,
                   html_t(l, "按违规编码的违规费用（元）", "Irregular amount by code (yuan)"),
                   codes.bars, codes.n);
    table(out, l, html_t(l, "违规编码", "violation code"), &codes);
    html_elem(out, "h2", html_t(l, "进度", "Progress"));
    html_column_chart(out, l,
                      time.n && strchr(time.bars[0].label, 'h')
                          ? html_t(l, "每小时事件数（UTC）", "Events per hour (UTC)")
                          : html_t(l, "每日事件数（UTC）", "Events per day (UTC)"),
                      time.bars, time.n);
    table(out, l, html_t(l, "时间", "time"), &time);
    html_end(out, &p);
out:
    series_release(&types);
    series_release(&sites);
    series_release(&codes);
    series_release(&time);
    return rc;
}
