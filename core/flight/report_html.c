/* The flight inspection's printable pages through the report kit
 * (core/report/report.h): findings, totals and the suspicion lines, confirmed
 * first. */
#include "core/flight/workflow.h"

#include "core/flight/internal.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/money.h"
#include "core/flight/flight.h"
#include "core/report/report.h"

#include <stdio.h>
#include <string.h>

static const struct verdict *state_verdict(enum flight_state st)
{
    return workflow_verdict_in(&flight_workflow, flight_state_name(st), VERDICT_STATE);
}

static const char *state_label(const struct report_ctx *c, enum flight_state st)
{
    return verdict_label_in(state_verdict(st), report_lang(c));
}

static enum verdict_class state_class(enum flight_state st)
{
    const struct verdict *v = state_verdict(st);
    return v ? v->cls : VERDICT_OK;
}

static int flight_finding_row(const struct flight_finding *f, void *ctx)
{
    struct report_ctx *c = ctx;
    char irr[32], loss[32], at[CLOCK_ISO_MAX];

    money_text(f->irregular_fen, irr);
    money_text(f->fund_loss_fen, loss);
    const char *cells[] = {f->code, irr, loss, f->note, report_time(f->at, at)};
    html_table_row(c->out, "anomaly", cells, 5);
    return 0;
}

static int findings_table(struct report_ctx *c)
{
    const char *head[] = {report_t(c, "违规编码", "code"),
                          report_t(c, "违规费用（元）", "irregular"),
                          report_t(c, "基金损失（元）", "fund loss"),
                          report_t(c, "说明", "note"),
                          report_t(c, "记录时间", "recorded"),
                          NULL};
    size_t before;
    int rc;

    html_table_begin(c->out, head);
    before = c->out->len;
    rc = flight_finding_foreach(c->s, c->v.id, flight_finding_row, c, c->err);
    html_table_end(c->out);
    if (!rc && c->out->len == before + strlen("</tbody></table>\n"))
        report_empty(c, "无", "none");
    return rc;
}

static int flight_line_row(const struct flight_line *l, void *ctx)
{
    struct report_ctx *c = ctx;
    struct buf name = BUF_INIT;
    char amount[32], irr[32], loss[32];

    report_name(c, &name, l->name);
    money_text(l->amount_fen, amount);
    money_text(l->irregular_fen, irr);
    money_text(l->fund_loss_fen, loss);
    {
        const char *cells[] = {l->susp_id, l->rule_name[0] ? l->rule_name : l->rule_code,
                               name.ptr,   l->item_name,
                               amount,     state_label(c, l->state),
                               irr,        loss,
                               l->response};
        int anomaly = state_class(l->state) == VERDICT_ANOMALY;
        html_table_row(c->out, anomaly ? "anomaly" : NULL, cells, 9);
    }
    buf_release(&name);
    return 0;
}

static int flight_totals_html(struct report_ctx *c)
{
    const char *head[] = {report_t(c, "项目", "of"), report_t(c, "数量", "count"),
                          report_t(c, "违规费用（元）", "irregular"),
                          report_t(c, "基金损失（元）", "fund loss"), NULL};
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
        money_text(t.by_state[i].irregular_fen, irr);
        money_text(t.by_state[i].fund_loss_fen, loss);
        const char *cells[] = {state_label(c, (enum flight_state)i), n, irr, loss};
        html_table_row(c->out, NULL, cells, 4);
    }
    for (size_t i = 0; i < t.n_codes; i++) {
        char n[24], irr[32], loss[32];
        snprintf(n, sizeof(n), "%lld", (long long)t.by_code[i].count);
        money_text(t.by_code[i].irregular_fen, irr);
        money_text(t.by_code[i].fund_loss_fen, loss);
        const char *cells[] = {t.by_code[i].key, n, irr, loss};
        html_table_row(c->out, "anomaly", cells, 4);
    }
    html_table_end(c->out);
out:
    flight_totals_release(&t);
    return rc;
}

int flight_report_html(struct report_ctx *c)
{
    const char *head[] = {
        report_t(c, "疑点编号", "suspicion"), report_t(c, "规则", "rule"),
        report_t(c, "姓名", "name"),          report_t(c, "项目", "item"),
        report_t(c, "金额（元）", "amount"),  report_t(c, "结论", "verdict"),
        report_t(c, "违规费用", "irregular"), report_t(c, "基金损失", "fund loss"),
        report_t(c, "机构申辩", "response"),  NULL};
    /* Confirmed lines first, refuted last. */
    const char *order[] = {"CONFIRMED", "PARTIAL", "PENDING", "REFUTED"};
    int rc;

    report_h2(c, "发现的问题", "Findings");
    rc = findings_table(c);
    if (!rc) {
        report_h2(c, "汇总", "Totals");
        rc = flight_totals_html(c);
    }
    if (rc)
        return rc;
    report_h2(c, "疑点核查", "Suspicion lines");
    html_table_begin(c->out, head);
    for (size_t i = 0; !rc && i < 4; i++) {
        struct flight_filter f = {NULL, order[i], NULL};
        rc = flight_susp_foreach(c->s, c->v.id, &f, flight_line_row, c, c->err);
    }
    html_table_end(c->out);
    return rc;
}

int flight_site_record_html(struct report_ctx *c)
{
    int rc = findings_table(c);

    if (!rc)
        rc = flight_totals_html(c);
    return rc;
}
