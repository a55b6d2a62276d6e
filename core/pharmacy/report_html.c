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

static int finding_row(const struct pharmacy_finding *f, void *ctx)
{
    struct report_ctx *c = ctx;
    struct buf ev = BUF_INIT;
    char a[32], b[32], d[32], amount[32];

    pharmacy_format_qty(f->a, a);
    pharmacy_format_qty(f->b, b);
    pharmacy_format_qty(f->diff, d);
    money_text(f->amount_fen, amount);
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

int pharmacy_findings_html(struct report_ctx *c)
{
    const char *head[] = {report_t(c, "药品编码", "drug code"),
                          report_t(c, "规则", "rule"),
                          "A",
                          "B",
                          "A−B",
                          report_t(c, "金额（元）", "amount (yuan)"),
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

int pharmacy_report_html(struct report_ctx *c)
{
    const char *head[] = {report_t(c, "药品编码", "drug code"),
                          report_t(c, "名称", "name"),
                          report_t(c, "规格", "spec"),
                          report_t(c, "单位", "unit"),
                          report_t(c, "账面", "book"),
                          report_t(c, "盘点", "counted"),
                          report_t(c, "差异", "variance"),
                          report_t(c, "问题", "flags"),
                          NULL};
    json_t *show = NULL, *drugs, *d;
    size_t i;
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
    report_h2(c, "库存盘点（有问题的在前）", "Stock count (flagged first)");
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
