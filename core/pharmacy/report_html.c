/* The pharmacy count's printable pages through the report kit
 * (core/report/report.h): the findings D01–D09 and the stock table, flagged
 * drugs first. */
#include "core/pharmacy/workflow.h"

#include "core/pharmacy/internal.h"

#include "core/base/buf.h"
#include "core/base/money.h"
#include "core/pharmacy/pharmacy.h"
#include "core/report/report.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* "实盘数 3，账面数 15，差 -12": what a rule compared, in words. */
static void comparison(const struct report_ctx *c, const struct pharmacy_finding *f,
                       struct buf *out)
{
    const struct pharmacy_rule_terms *t = pharmacy_rule_terms(f->rule);
    enum fc_lang lang = report_lang(c);
    char a[32], b[32], d[32];

    pharmacy_format_qty(f->a, a);
    pharmacy_format_qty(f->b, b);
    pharmacy_format_qty(f->diff, d);
    if (!t) {
        buf_addf(out, "A %s, B %s, A−B %s", a, b, d);
        return;
    }
    buf_addf(out, "%s %s", fc_text_in(lang, t->a_en, t->a_zh), a);
    if (t->b_en)
        buf_addf(out, report_t(c, "，%s %s，差 %s", ", %s %s, difference %s"),
                 fc_text_in(lang, t->b_en, t->b_zh), b, d);
}

static int finding_row(const struct pharmacy_finding *f, void *ctx)
{
    struct report_ctx *c = ctx;
    const struct verdict *v = workflow_verdict_in(&pharmacy_workflow, f->rule, VERDICT_RULE);
    struct buf ev = BUF_INIT, cmp = BUF_INIT;
    char amount[32];

    money_text(f->amount_fen, amount);
    comparison(c, f, &cmp);
    for (size_t i = 0; i < f->nevidence; i++)
        buf_addf(&ev, "%s%s", i ? " " : "", f->evidence[i]);
    if ((size_t)f->evidence_total > f->nevidence)
        buf_addf(&ev, " (+%lld)", (long long)(f->evidence_total - (int64_t)f->nevidence));
    if (f->note && f->note[0])
        buf_addf(&ev, "%s%s", ev.len ? "; " : "", f->note);
    {
        const char *cells[] = {f->drug_code, report_label(c, v, f->rule), cmp.ptr, amount, ev.ptr};
        html_table_row(c->out, "anomaly", cells, 5);
    }
    buf_release(&ev);
    buf_release(&cmp);
    return 0;
}

int pharmacy_findings_html(struct report_ctx *c)
{
    const char *head[] = {report_t(c, "药品编码", "drug code"),
                          report_t(c, "问题", "finding"),
                          report_t(c, "核对数据", "what was compared"),
                          report_t(c, "疑点金额（元）", "suspect amount (yuan)"),
                          report_t(c, "证据", "evidence"),
                          NULL};
    size_t before;
    int rc = pharmacy_is_blind(c->s, &c->v, c->err);

    if (rc < 0)
        return rc;
    if (rc == 1) {
        report_empty(c, "盲盘进行中：账面数据未显示",
                     "blind count in progress: book figures hidden");
        return 0;
    }
    html_table_begin(c->out, head);
    before = c->out->len;
    rc = pharmacy_reconcile(c->s, &c->v, finding_row, c, c->err);
    html_table_end(c->out);
    if (!rc && c->out->len == before + strlen("</tbody></table>\n"))
        report_empty(c, "未发现问题", "no findings");
    return rc;
}

static void qty_text(json_t *v, char out[32])
{
    if (json_is_number(v))
        pharmacy_format_qty(json_number_value(v), out);
    else
        snprintf(out, 32, "—");
}

/* The drug's status in the drugs group (NOT_COUNTED, COUNT_DIFFERS, ...):
 * what the count says of it before any rule. */
static const struct verdict *drug_status(json_t *d, int blind)
{
    json_t *counted = json_object_get(d, "counted"), *var = json_object_get(d, "variance");
    const char *code = json_is_null(counted)           ? "NOT_COUNTED"
                       : blind || !json_is_number(var) ? "COUNTED"
                       : json_number_value(var) == 0.0 ? "COUNT_MATCHES"
                                                       : "COUNT_DIFFERS";

    return workflow_verdict_in(&pharmacy_workflow, code, VERDICT_ITEM);
}

/* The stock table: drugs with rules found first, then those not counted
 * (what the record does not cover), then the rest. */
static void stock_table(struct report_ctx *c, json_t *show)
{
    const char *head[] = {report_t(c, "药品编码", "drug code"),
                          report_t(c, "名称", "name"),
                          report_t(c, "规格", "spec"),
                          report_t(c, "单位", "unit"),
                          report_t(c, "账面数", "book"),
                          report_t(c, "实盘数", "counted"),
                          report_t(c, "差异", "variance"),
                          report_t(c, "盘点", "count"),
                          report_t(c, "发现的问题", "rules found"),
                          NULL};
    int blind = json_is_true(json_object_get(show, "blind"));
    json_t *d;
    size_t i;

    html_table_begin(c->out, head);
    for (int pass = 0; pass < 3; pass++) {
        json_array_foreach(json_object_get(show, "drugs"), i, d)
        {
            json_t *flags = json_object_get(d, "flags"), *f;
            const struct verdict *st = drug_status(d, blind);
            int flagged = json_array_size(flags) > 0;
            int uncovered = st && st->cls == VERDICT_COVERAGE;
            struct buf fl = BUF_INIT;
            char book[32], counted[32], var[32];
            size_t k;

            if (pass != (flagged ? 0 : uncovered ? 1 : 2))
                continue;
            json_array_foreach(flags, k, f)
            {
                const char *rule = json_string_value(f);
                buf_addf(&fl, "%s%s", k ? "；" : "",
                         report_label(
                             c, workflow_verdict_in(&pharmacy_workflow, rule, VERDICT_RULE), rule));
            }
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
                                   report_label(c, st, ""),
                                   fl.ptr};
            html_table_row(c->out, flagged ? "anomaly" : report_row_class(st), cells, 9);
            buf_release(&fl);
        }
    }
    html_table_end(c->out);
}

int pharmacy_report_html(struct report_ctx *c)
{
    json_t *show = NULL;
    int rc;

    report_h2(c, "发现的问题", "Findings");
    rc = pharmacy_findings_html(c);
    if (rc)
        goto out;
    show = pharmacy_show_json(c->s, &c->v, c->err);
    if (!show) {
        rc = c->err && c->err->code ? c->err->code : FC_EDB;
        goto out;
    }
    report_h2(c, "库存盘点（有问题的在前，未盘点的其次）",
              "Stock count (drugs with findings first, then those not counted)");
    if (json_is_true(json_object_get(show, "count_complete")))
        report_empty(c, "已宣布盘点完成：未盘点的药品按 0 计。",
                     "The count was declared complete: drugs not counted count as 0.");
    else
        report_empty(c, "尚未宣布盘点完成：未盘点的药品不作认定、不计金额。",
                     "The count was not declared complete: drugs not counted carry no finding "
                     "and no amount.");
    stock_table(c, show);
out:
    json_decref(show);
    return rc;
}
