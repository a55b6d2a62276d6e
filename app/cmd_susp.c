/* fieldcheck susp list|show|verify|respond|assign|totals: the suspicion
 * worksheet of a flight inspection. Every change is one committed event; the
 * output masks names and ID numbers. */
#include "app/commands.h"

#include "app/args.h"
#include "app/flight_args.h"
#include "core/base/buf.h"
#include "core/base/mask.h"
#include "core/base/money.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "core/flight/flight.h"
#include "core/store/store.h"
#include "ui/i18n.h"
#include "core/base/clock.h"
#include "core/base/lang.h"
#include "core/flight/workflow.h"
#include "core/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void yuan(struct buf *b, int64_t fen)
{
    money_format(b, fen);
}

/* Appends s padded with spaces to cols display columns (CJK counts 2). */
static void pad(struct buf *b, const char *s, size_t cols)
{
    size_t w = 0, n = utf8_prefix_cols(s, cols, &w);

    buf_add(b, s, n);
    for (; w < cols; w++)
        buf_addch(b, ' ');
    buf_addch(b, ' ');
}

/* Like pad, but never cuts: identifiers must be readable whole. */
static void pad_whole(struct buf *b, const char *s, size_t cols)
{
    size_t w = utf8_width(s);

    buf_adds(b, s);
    for (; w < cols; w++)
        buf_addch(b, ' ');
    buf_addch(b, ' ');
}

/* Appends s right-aligned in cols display columns, then a space. */
static void pad_right(struct buf *b, const char *s, size_t cols)
{
    for (size_t w = utf8_width(s); w < cols; w++)
        buf_addch(b, ' ');
    buf_adds(b, s);
    buf_addch(b, ' ');
}

/* A line's state as people read it: the catalogue's label in the reader's
 * language. */
static const char *state_label(enum flight_state st)
{
    const struct verdict *v =
        workflow_verdict_in(&flight_workflow, flight_state_name(st), VERDICT_STATE);

    return v ? verdict_label(v) : flight_state_name(st);
}

struct list_ctx {
    struct app *app;
    struct buf line;
    long n;
};

static json_t *line_to_json(const struct flight_line *l)
{
    struct buf name = BUF_INIT, id = BUF_INIT, a = BUF_INIT, i = BUF_INIT, f = BUF_INIT;
    json_t *o;

    mask_name(&name, l->name);
    mask_id(&id, l->id_number);
    if (l->has_susp_amount || l->has_amount)
        yuan(&a, l->has_susp_amount ? l->susp_amount_fen : l->amount_fen);
    yuan(&i, l->irregular_fen);
    yuan(&f, l->fund_loss_fen);
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "susp_id",
                  l->susp_id, "rule_code", l->rule_code, "rule_name", l->rule_name, "admission_no",
                  l->admission_no, "name", name.ptr, "id_number", id.ptr, "item_code", l->item_code,
                  "item_name", l->item_name, "susp_amount", a.ptr, "state",
                  flight_state_name(l->state), "irregular", i.ptr, "fund_loss", f.ptr, "inspector",
                  l->inspector);
    buf_release(&name);
    buf_release(&id);
    buf_release(&a);
    buf_release(&i);
    buf_release(&f);
    return o;
}

static int list_one(const struct flight_line *l, void *vctx)
{
    struct list_ctx *c = vctx;
    struct buf *b = &c->line;
    struct buf amt = BUF_INIT;

    c->n++;
    if (c->app->json) {
        app_print_json(line_to_json(l));
        return 0;
    }
    buf_reset(b);
    pad_whole(b, l->susp_id, 12);
    pad_whole(b, l->rule_code, 10);
    pad(b, l->item_name[0] ? l->item_name : l->item_code, 20);
    if (l->has_susp_amount || l->has_amount)
        yuan(&amt, l->has_susp_amount ? l->susp_amount_fen : l->amount_fen);
    pad_right(b, amt.ptr, 12);
    pad(b, state_label(l->state), 16);
    buf_reset(&amt);
    yuan(&amt, l->irregular_fen);
    pad_right(b, amt.ptr, 12);
    buf_reset(&amt);
    yuan(&amt, l->fund_loss_fen);
    pad_right(b, amt.ptr, 12);
    buf_adds(b, l->inspector);
    while (b->len && b->ptr[b->len - 1] == ' ')
        buf_truncate(b, b->len - 1);
    puts(b->ptr);
    buf_release(&amt);
    return 0;
}

int cmd_susp_list(struct app *app, int argc, char **argv)
{
    struct flight_filter f = {NULL, NULL, NULL};
    const struct app_opt opts[] = {{"--rule", &f.rule, NULL, NULL, NULL},
                                   {"--state", &f.state, NULL, NULL, NULL},
                                   {"--inspector", &f.inspector, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct list_ctx c;
    struct visit v;
    int rc;

    memset(&c, 0, sizeof(c));
    c.app = app;
    buf_init(&c.line);
    if (app_parse("susp list", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    rc = flight_visit(app, 0, &v);
    if (rc)
        goto out;
    if (!app->json) {
        buf_reset(&c.line);
        pad(&c.line, fc_text("suspicion", "疑点编号"), 12);
        pad(&c.line, fc_text("rule", "规则"), 10);
        pad(&c.line, fc_text("item", "项目"), 20);
        pad_right(&c.line, fc_text("suspect amt", "疑点金额"), 12);
        pad(&c.line, fc_text("state", "结论"), 16);
        pad_right(&c.line, fc_text("irregular", "违规费用"), 12);
        pad_right(&c.line, fc_text("fund loss", "基金损失"), 12);
        buf_adds(&c.line, fc_text("inspector", "核查人"));
        puts(c.line.ptr);
    }
    rc = flight_susp_foreach(app->store, v.id, &f, list_one, &c, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (!app->json)
        printf(_("%ld lines\n"), c.n);
out:
    buf_release(&c.line);
    visit_release(&v);
    return rc;
}

static void print_kv(const char *label, json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    struct buf b = BUF_INIT;

    if (v && *v) {
        pad(&b, label, 14);
        printf("%s%s\n", b.ptr, v);
    }
    buf_release(&b);
}

int cmd_susp_show(struct app *app, int argc, char **argv)
{
    const char *pos[1] = {NULL};
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    json_t *o = NULL, *x;
    struct visit v;
    size_t i;
    int rc;

    if (app_parse("susp show", argc, argv, 2, opts, pos, 1, NULL))
        return 1;
    if (!pos[0]) {
        fprintf(stderr, _("fieldcheck: susp show: missing SUSP_ID\n"));
        return 1;
    }
    rc = flight_visit(app, 0, &v);
    if (rc)
        goto out;
    rc = flight_susp_show(app->store, v.id, pos[0], &o, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (app->json) {
        app_print_json(o);
        o = NULL;
        goto out;
    }
    print_kv(fc_text("suspicion", "疑点编号"), o, "susp_id");
    print_kv(fc_text("rule", "规则"), o, "rule_code");
    print_kv(fc_text("rule name", "规则名称"), o, "rule_name");
    print_kv(fc_text("settlement", "结算ID"), o, "setl_id");
    print_kv(fc_text("admission no", "住院号"), o, "admission_no");
    print_kv(fc_text("name", "姓名"), o, "name");
    print_kv(fc_text("ID number", "身份证号"), o, "id_number");
    print_kv(fc_text("item code", "项目编码"), o, "item_code");
    print_kv(fc_text("item name", "项目名称"), o, "item_name");
    print_kv(fc_text("quantity", "数量"), o, "qty");
    print_kv(fc_text("unit price", "单价"), o, "unit_price");
    print_kv(fc_text("amount", "金额"), o, "amount");
    print_kv(fc_text("suspect amount", "疑点金额"), o, "susp_amount");
    print_kv(fc_text("settled on", "结算日期"), o, "settled_on");
    print_kv(fc_text("description", "疑点描述"), o, "description");
    {
        enum flight_state st = FLIGHT_PENDING;
        struct buf b = BUF_INIT;

        flight_state_parse(json_string_value(json_object_get(o, "state")), &st);
        pad(&b, fc_text("state", "结论"), 14);
        printf("%s%s\n", b.ptr, state_label(st));
        buf_release(&b);
    }
    print_kv(fc_text("irregular", "违规费用"), o, "irregular");
    print_kv(fc_text("fund loss", "基金损失"), o, "fund_loss");
    print_kv(fc_text("note", "说明"), o, "note");
    print_kv(fc_text("over reason", "超额理由"), o, "over_reason");
    print_kv(fc_text("response", "机构申辩"), o, "response");
    print_kv(fc_text("inspector", "核查人"), o, "inspector");
    json_array_foreach(json_object_get(o, "actions"), i, x)
    {
        const char *kind = json_string_value(json_object_get(x, "kind"));
        char at[CLOCK_ISO_MAX];

        printf("  %s %-8s %.8s", clock_iso_local(json_string_value(json_object_get(x, "at")), at),
               kind, json_string_value(json_object_get(x, "event_id")));
        if (!strcmp(kind, "verify"))
            printf(" %s %s/%s", json_string_value(json_object_get(x, "state")),
                   json_string_value(json_object_get(x, "irregular")),
                   json_string_value(json_object_get(x, "fund_loss")));
        else if (json_string_value(json_object_get(x, "text")))
            printf(" %s", json_string_value(json_object_get(x, "text")));
        else if (json_string_value(json_object_get(x, "inspector")))
            printf(" %s", json_string_value(json_object_get(x, "inspector")));
        printf("%s\n", json_is_true(json_object_get(x, "voided")) ? _(" (voided)") : "");
    }
    json_array_foreach(json_object_get(o, "findings"), i, x)
    {
        printf(_("  finding %.8s %s\n"), json_string_value(json_object_get(x, "event_id")),
               json_string_value(json_object_get(x, "code")));
    }
out:
    json_decref(o);
    visit_release(&v);
    return rc;
}

int cmd_susp_verify(struct app *app, int argc, char **argv)
{
    struct flight_verify_args a;
    struct flight_verdict vd;
    const char *pos[1] = {NULL};
    const struct app_opt opts[] = {{"--verdict", &a.verdict, NULL, NULL, NULL},
                                   {"--amount", &a.amount, NULL, NULL, NULL},
                                   {"--fund-loss", &a.fund_loss, NULL, NULL, NULL},
                                   {"--note", &a.note, NULL, NULL, NULL},
                                   {"--over-reason", &a.over_reason, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct buf irr = BUF_INIT, loss = BUF_INIT;
    struct visit v;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&v, 0, sizeof(v));
    if (app_parse("susp verify", argc, argv, 2, opts, pos, 1, NULL))
        return 1;
    if (!pos[0] || !a.verdict) {
        fprintf(stderr, _("fieldcheck: susp verify: needs SUSP_ID and --verdict\n"));
        return 1;
    }
    a.susp_id = pos[0];
    rc = app_at(app, &a.at_ms);
    if (!rc)
        rc = flight_visit(app, 1, &v);
    if (rc)
        goto out;
    rc = flight_susp_verify(app->store, v.id, &a, &vd, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    yuan(&irr, vd.irregular_fen);
    yuan(&loss, vd.fund_loss_fen);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:s, s:s}", "ok", 1, "event_id", vd.event_id,
                                 "susp_id", a.susp_id, "state", flight_state_name(vd.state),
                                 "irregular", irr.ptr, "fund_loss", loss.ptr));
    else
        printf(_("%s: %s (%s), irregular %s, fund loss %s\n"), a.susp_id, flight_state_zh(vd.state),
               flight_state_name(vd.state), irr.ptr, loss.ptr);
out:
    buf_release(&irr);
    buf_release(&loss);
    visit_release(&v);
    return rc;
}

/* respond and assign: one text value on one line. */
static int susp_note(struct app *app, int argc, char **argv, int assign)
{
    const char *value = NULL, *pos[1] = {NULL};
    const struct app_opt opts[] = {{assign ? "--inspector" : "--text", &value, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    const char *cmd = assign ? "susp assign" : "susp respond";
    char event_id[37] = "";
    struct visit v;
    int64_t ms = 0;
    int rc;

    memset(&v, 0, sizeof(v));
    if (app_parse(cmd, argc, argv, 2, opts, pos, 1, NULL))
        return 1;
    if (!pos[0] || !value) {
        fprintf(stderr, _("fieldcheck: %s: needs SUSP_ID and %s\n"), cmd,
                assign ? "--inspector NAME" : "--text T");
        return 1;
    }
    rc = app_at(app, &ms);
    if (!rc)
        rc = flight_visit(app, 1, &v);
    if (rc)
        goto out;
    rc = assign ? flight_susp_assign(app->store, v.id, pos[0], value, ms, event_id, &app->err)
                : flight_susp_respond(app->store, v.id, pos[0], value, ms, event_id, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (app->json)
        app_print_json(
            json_pack("{s:b, s:s, s:s}", "ok", 1, "event_id", event_id, "susp_id", pos[0]));
    else if (assign)
        printf(_("%s: assigned to %s\n"), pos[0], value);
    else
        printf(_("%s: response recorded\n"), pos[0]);
out:
    visit_release(&v);
    return rc;
}

static void print_total(const char *label, const struct flight_total *t)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    struct buf line = BUF_INIT;

    yuan(&a, t->irregular_fen);
    yuan(&b, t->fund_loss_fen);
    pad(&line, label, 24);
    printf("%s%8lld %14s %14s\n", line.ptr, (long long)t->count, a.ptr, b.ptr);
    buf_release(&a);
    buf_release(&b);
    buf_release(&line);
}

int cmd_susp_totals(struct app *app, int argc, char **argv)
{
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    struct flight_totals t;
    struct visit v;
    json_t *o;
    int rc;

    if (app_parse("susp totals", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    rc = flight_visit(app, 0, &v);
    if (rc)
        goto out;
    if (app->json) {
        o = flight_show_json(app->store, v.id, &app->err);
        if (!o) {
            rc = app_fail(app, app->err.code);
            goto out;
        }
        app_print_json(json_incref(json_object_get(o, "totals")));
        json_decref(o);
        goto out;
    }
    rc = flight_totals(app->store, v.id, &t, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    printf(_("by state                    lines      irregular      fund loss\n"));
    for (int i = 0; i < FLIGHT_NSTATES; i++) {
        char *label = xasprintf("%s %s", flight_state_name((enum flight_state)i),
                                flight_state_zh((enum flight_state)i));
        print_total(label, &t.by_state[i]);
        free(label);
    }
    print_total("all", &t.lines);
    printf(_("\nby violation code        findings      irregular      fund loss\n"));
    for (size_t i = 0; i < t.n_codes; i++)
        print_total(t.by_code[i].key, &t.by_code[i]);
    print_total("all", &t.findings);
    flight_totals_release(&t);
out:
    visit_release(&v);
    return rc;
}

int cmd_susp_respond(struct app *app, int argc, char **argv)
{
    return susp_note(app, argc, argv, 0);
}

int cmd_susp_assign(struct app *app, int argc, char **argv)
{
    return susp_note(app, argc, argv, 1);
}
