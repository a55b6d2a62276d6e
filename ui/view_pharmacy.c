/* Pharmacy stock count screen (DESIGN §8): the site's drug table with live
 * counted and variance figures, a large verdict banner, a code input line
 * (a box, or DRUG_CODE:QTY for opened packs), and views for the boxes of one
 * drug and the summary by rule. Forms cover the manual count and voids; the
 * blind switch and recounts are confirmed first, since each is an event. As on
 * the night screen, rows are re-read from the model after every change. */
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "ui/form.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/pharmacy_rows.h"
#include "ui/scan_asm.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PH_INPUT_MAX 128
#define PH_REASON_MAX 200

enum {
    PH_ACT_COUNT = UI_ACT_VIEW_BASE,
    PH_ACT_RECOUNT,
    PH_ACT_BLIND,
    PH_ACT_SORT,
    PH_ACT_FILTER,
    PH_ACT_VOID,
    PH_ACT_SUMMARY,
    PH_ACT_CLOSE,
    PH_ACT_COMPLETE,
    PH_ACT_RECORDS,
};

static const struct ui_action pharmacy_actions[] = {
    {PH_ACT_COUNT,
     "manual-count",
     2,
     {UI_KEY_ALT('n')},
     NC_("action", "Count"),
     "手工计数",
     N_("Manual count of opened packs: drug code and quantity in its unit"),
     "拆零手工计数：药品编码与数量（按最小单位）"},
    {PH_ACT_RECOUNT,
     "recount",
     3,
     {UI_KEY_ALT('g')},
     N_("Recount"),
     "重盘",
     N_("Count the selected drug again from zero (a new round)"),
     "所选药品重新盘点（新一轮，从零计数）"},
    {PH_ACT_BLIND,
     "blind",
     4,
     {UI_KEY_ALT('b')},
     N_("Blind"),
     "盲盘",
     N_("Blind count on (hide book figures), or save the count and show them"),
     "开启盲盘（隐藏账面数），或保存盘点结果并显示账面数"},
    {PH_ACT_SORT,
     "sort",
     5,
     {UI_KEY_ALT('o')},
     N_("Sort"),
     "排序",
     N_("Sort drugs by variance, name or code"),
     "按差异、名称或编码排序"},
    {PH_ACT_FILTER,
     "filter-anomalies",
     6,
     {UI_KEY_ALT('a')},
     N_("Filter"),
     "只看异常",
     N_("Show only drugs with anomalies, or everything again"),
     "只显示有异常的药品 / 显示全部"},
    {PH_ACT_VOID,
     "void",
     11,
     {0x04, UI_KEY_ALT('d')},
     N_("Void"),
     "作废",
     N_("Void the selected scan (else the last one), with a reason"),
     "作废所选扫码（未选则最后一条），须填原因"},
    {PH_ACT_SUMMARY,
     "summary",
     12,
     {UI_KEY_ALT('y')},
     N_("Summary"),
     "汇总",
     N_("Findings and suspect amounts by rule"),
     "按规则汇总疑点与可疑金额"},
    /* Ctrl-E ("end"): letters belong to typed codes on this screen */
    {PH_ACT_CLOSE,
     "close-visit",
     0,
     {0x05, UI_KEY_ALT('c')},
     N_("Close"),
     "结束检查",
     N_("Close the visit: summary and checkpoint code"),
     "结束检查：汇总与核验码"},
    /* Ctrl-K ("komplett" on the laminated card): asked with a y typed by hand */
    {PH_ACT_COMPLETE,
     "count-complete",
     0,
     {0x0B, UI_KEY_ALT('k')},
     N_("Complete"),
     "盘点完成",
     N_("Declare the count complete: drugs nobody counted count as 0 (asks first)"),
     "宣布盘点完成：未盘点的药品按 0 计（先确认）"},
    {PH_ACT_RECORDS,
     "records",
     0,
     {UI_KEY_ALT('r')},
     N_("Records"),
     "文书",
     N_("Documents to print, evidence files, interviews"),
     "打印文书、登记证据、询问笔录"},
};

struct ph_view {
    struct ui_visit_view visit; /* first: app and row */
    const struct ui_pharmacy_model *m;

    struct ui_drug_row *drugs;
    size_t ndrugs, dcap;
    size_t *order; /* display order: indexes into drugs */
    size_t norder;
    struct ui_table table;

    int blind;
    int complete; /* the count was declared complete */
    enum pharmacy_sort sort;
    int only_anomalies;
    int stale;
    char follow[64]; /* drug code to select after the next reload */

    struct ui_input input;
    int have_last;
    struct ui_verdict last;
    char error[256];
};

/* --- shared helpers ---------------------------------------------------- */

static void fmt_qty(double q, struct buf *out)
{
    if (q == (double)(long long)q)
        buf_addf(out, "%lld", (long long)q);
    else
        buf_addf(out, "%.3g", q);
}

/* --- the drug table ---------------------------------------------------- */

/* At 80 columns the figures and flags stay: the spec goes first, then the
 * unit. */
static const struct ui_table_col drug_cols[] = {
    {N_("Drug code"), "药品编码", 23, UI_ALIGN_LEFT, 0, 0},
    {NC_("drug", "Name"), "名称", 0, UI_ALIGN_LEFT, 8, 0},
    {N_("Spec"), "规格", 11, UI_ALIGN_LEFT, 0, 1},
    {N_("Unit"), "单位", 4, UI_ALIGN_LEFT, 0, 2},
    {N_("Book"), "账面数", 6, UI_ALIGN_RIGHT, 0, 0},
    {N_("Counted"), "实盘数", 7, UI_ALIGN_RIGHT, 0, 0},
    {N_("Var."), "差异", 6, UI_ALIGN_RIGHT, 0, 0},
    {N_("Flags"), "标记", 16, UI_ALIGN_LEFT, 0, 0},
};

static const struct ui_drug_row *drug_at(struct ph_view *pv, size_t r)
{
    return &pv->drugs[pv->order[r]];
}

static void drug_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_drug_row *d = drug_at(ctx, r);

    switch (col) {
    case 0: buf_adds(out, d->code); break;
    case 1: buf_adds(out, d->name); break;
    case 2: buf_adds(out, d->spec); break;
    case 3: buf_adds(out, d->unit); break;
    case 4:
        if (d->has_book)
            fmt_qty(d->book, out);
        else
            buf_adds(out, "--");
        break;
    case 5:
        if (d->not_counted)
            buf_adds(out, "--"); /* the Flags column says why */
        else
            fmt_qty(d->counted, out);
        break;
    case 6:
        if (!d->has_book || d->not_counted)
            buf_adds(out, "--");
        else if (d->variance > 0)
            buf_addch(out, '+'), fmt_qty(d->variance, out);
        else
            fmt_qty(d->variance, out);
        break;
    default:
        if (d->team[0]) /* a team lead: who counted it, first, so that it stays in view */
            buf_addf(out, "[%s] ", d->team);
        if (d->not_counted)
            buf_addf(out, "%s ", d->status_label[0] ? d->status_label : "--");
        if (d->suspect)
            buf_addf(out, "!%ld ", d->suspect);
        buf_adds(out, d->flags);
        if (d->round > 1)
            buf_addf(out, " R%ld", d->round);
        break;
    }
}

static enum ui_role drug_role(void *ctx, size_t r)
{
    const struct ui_drug_row *d = drug_at(ctx, r);

    if (d->team_conflict)
        return UI_ROLE_ANOMALY;
    if (d->severity == UI_SEV_NONE)
        return UI_ROLE_DIM;
    return ui_severity_role(d->severity);
}

static void emit_drug(void *ctx, const struct ui_drug_row *row)
{
    struct ph_view *pv = ctx;

    pv->drugs = ui_append(pv->drugs, &pv->ndrugs, &pv->dcap, row, sizeof(*row));
}

/* Re-orders the table, keeping the selected drug (or the followed one)
 * selected. */
static void ph_reorder(struct ph_view *pv)
{
    char keep[64] = "";
    size_t sel = ui_table_selected(&pv->table);

    if (pv->follow[0])
        snprintf(keep, sizeof(keep), "%s", pv->follow);
    else if (sel != SIZE_MAX && sel < pv->norder)
        snprintf(keep, sizeof(keep), "%s", drug_at(pv, sel)->code);
    pv->order = xreallocarray(pv->order, pv->ndrugs ? pv->ndrugs : 1, sizeof(*pv->order));
    pv->norder =
        pharmacy_rows_order(pv->drugs, pv->ndrugs, pv->sort, pv->only_anomalies, pv->order);
    /* the row count stays but the rows move: set_rows alone keeps the index */
    ui_table_set_rows(&pv->table, pv->norder);
    for (size_t i = 0; keep[0] && i < pv->norder; i++) {
        if (!strcmp(drug_at(pv, i)->code, keep)) {
            ui_table_select(&pv->table, i);
            break;
        }
    }
    pv->follow[0] = '\0';
}

static void ph_reload(struct ph_view *pv)
{
    struct fc_error err;
    int rc;

    fc_error_clear(&err);
    pv->error[0] = '\0';
    pv->ndrugs = 0;
    rc = pv->m->list_drugs(pv->m->user, pv->visit.row.id, emit_drug, pv, &pv->blind, &err);
    if (rc < 0)
        ui_error_text(pv->error, sizeof(pv->error), rc, &err);
    pv->complete = 0;
    if (rc >= 0 && pv->m->is_complete) {
        fc_error_clear(&err);
        rc = pv->m->is_complete(pv->m->user, pv->visit.row.id, &pv->complete, &err);
        if (rc < 0)
            ui_error_text(pv->error, sizeof(pv->error), rc, &err);
    }
    ph_reorder(pv);
    pv->stale = 0;
}

static const struct ui_drug_row *selected_drug(struct ph_view *pv)
{
    size_t r = ui_table_selected(&pv->table);
    return r == SIZE_MAX || r >= pv->norder ? NULL : drug_at(pv, r);
}

/* --- submitting -------------------------------------------------------- */

/* Shows a result: banner, beeps by severity, and the table follows the drug
 * (the drug code is the first word of a counted scan's English message and
 * of the code before ':' in DRUG:QTY; else the selection stays). */
static void ph_show(struct ph_view *pv, struct ui_screen *scr, const struct ui_verdict *v,
                    const char *drug)
{
    pv->last = *v;
    pv->have_last = 1;
    if (drug && drug[0])
        snprintf(pv->follow, sizeof(pv->follow), "%s", drug);
    pv->stale = 1;
    ui_screen_alert(scr, v->severity);
    ui_screen_dirty(scr);
}

/* The drug a result names, for the table to follow: the code before ':' of a
 * DRUG_CODE:QTY entry, else the drug code that opens the message of a counted
 * scan ("XJ01...: box counted"), else "" (the selection stays). */
static void result_drug(const struct ui_verdict *v, const char *code, char out[64])
{
    const char *colon = strchr(code, ':');
    size_t n = 0;

    out[0] = '\0';
    if (colon && (size_t)(colon - code) < 64) {
        snprintf(out, 64, "%.*s", (int)(colon - code), code);
        return;
    }
    while (n < 63 && ((v->message[n] >= 'A' && v->message[n] <= 'Z') ||
                      (v->message[n] >= '0' && v->message[n] <= '9')))
        n++;
    if (n > 0 && (v->message[n] == ':' || !strncmp(v->message + n, "：", strlen("："))))
        snprintf(out, 64, "%.*s", (int)n, v->message);
}

static void ph_submit(struct ph_view *pv, struct ui_screen *scr, const char *code,
                      enum ui_scan_how how)
{
    struct ui_verdict v;
    struct fc_error err;
    char drug[64];
    int rc;

    fc_error_clear(&err);
    memset(&v, 0, sizeof(v));
    rc = pv->m->scan(pv->m->user, pv->visit.row.id, code, how, &v, &err);
    if (rc < 0) {
        v.severity = UI_SEV_WARN;
        snprintf(v.verdict, sizeof(v.verdict), "NOT_RECORDED");
        ui_error_text(v.message, sizeof(v.message), rc, &err);
    }
    result_drug(&v, code, drug);
    ph_show(pv, scr, &v, rc < 0 ? NULL : drug);
}

static void ph_scan(struct ui_view *v, const char *code, size_t len)
{
    (void)len;
    ph_submit(v->data, v->scr, code, UI_SCAN_BURST);
}

static void ph_typed(struct ui_view *v, const char *code)
{
    ph_submit(v->data, v->scr, code, UI_SCAN_TYPED);
}

/* Enter on an empty line opens the selected drug's boxes (the keymap). */
static int ph_text(struct ui_view *v, uint32_t key)
{
    return ui_view_input_key(v, &((struct ph_view *)v->data)->input, key, ph_typed);
}

/* --- forms: manual count and void (ui/form.h) --------------------------- */

static const struct ui_form_field count_fields[] = {
    {N_("Drug code"), "药品编码", 64, 0, 0, 0},
    {N_("Quantity"), "数量", 9, 0, 1, 0},
};

static const struct ui_form_field void_fields[] = {
    {N_("Reason"), "原因", PH_REASON_MAX, 0, 0, 0},
};

struct form_ctx {
    struct ph_view *pv;       /* the pharmacy view, below the form */
    struct ui_box_row target; /* a void's */
};

static int parse_qty(const char *s, long *out)
{
    char *end = NULL;
    long q;

    if (!s[0])
        return -1;
    q = strtol(s, &end, 10);
    if (*end || q < 0)
        return -1;
    *out = q;
    return 0;
}

/* What a saved form did, shown on the pharmacy screen: 0, or -1 with the
 * error in error (256 bytes). */
static int form_done(struct ph_view *pv, struct ui_screen *scr, int rc, const struct fc_error *err,
                     const struct ui_verdict *out, const char *drug, char *error)
{
    if (rc < 0) {
        ui_error_text(error, 256, rc, err);
        return -1;
    }
    ph_show(pv, scr, out, drug);
    ui_screen_message(scr, ui_severity_role(out->severity), "%s", out->message);
    return 0;
}

static int count_submit(void *ctx, struct ui_screen *scr, const char *const *values, char *error)
{
    struct form_ctx *c = ctx;
    struct ui_verdict out;
    struct fc_error err;
    long qty = 0;

    if (!values[0][0]) {
        snprintf(error, 256, "%s", ui_tr("a drug code is required", "必须填写药品编码"));
        return -1;
    }
    if (parse_qty(values[1], &qty)) {
        snprintf(error, 256, "%s", ui_tr("the quantity must be a whole number", "数量必须是整数"));
        return -1;
    }
    fc_error_clear(&err);
    memset(&out, 0, sizeof(out));
    return form_done(
        c->pv, scr,
        c->pv->m->count(c->pv->m->user, c->pv->visit.row.id, values[0], qty, &out, &err), &err,
        &out, values[0], error);
}

/* A void takes a scan out of the record: confirmed first by a key typed by
 * hand, which no barcode can give. */
static int void_confirm(void *ctx, const char *const *values, char *title, char *text)
{
    (void)ctx;
    if (!values[0][0])
        return 0; /* refused by void_submit */
    snprintf(title, 128, "%s", ui_tr("Void this scan?", "作废该扫码？"));
    snprintf(text, 256, "%s",
             ui_tr("The scan no longer counts; the record keeps it, marked void.",
                   "该扫码不再计数；记录中保留并标记为作废。"));
    return 1;
}

static int void_submit(void *ctx, struct ui_screen *scr, const char *const *values, char *error)
{
    struct form_ctx *c = ctx;
    struct ui_verdict out;
    struct fc_error err;

    if (!values[0][0]) {
        snprintf(error, 256, "%s", ui_tr("a reason is required", "必须填写原因"));
        return -1;
    }
    fc_error_clear(&err);
    memset(&out, 0, sizeof(out));
    return form_done(c->pv, scr,
                     c->pv->m->void_scan(c->pv->m->user, c->pv->visit.row.id, c->target.event_id,
                                         values[0], &out, &err),
                     &err, &out, "", error);
}

/* A scan while a form is open still reaches the engine, so none is lost. */
static void form_scan(void *ctx, struct ui_screen *scr, const char *code, size_t len)
{
    (void)len;
    ph_submit(((struct form_ctx *)ctx)->pv, scr, code, UI_SCAN_BURST);
}

static void form_spec(struct ui_form_spec *spec, struct ph_view *pv, struct form_ctx **ctx)
{
    memset(spec, 0, sizeof(*spec));
    *ctx = xcalloc(1, sizeof(**ctx));
    (*ctx)->pv = pv;
    spec->enter_saves = 1;
    spec->scan = form_scan;
    spec->release = free;
    spec->ctx = *ctx;
}

static void open_count_form(struct ph_view *pv, struct ui_screen *scr)
{
    const struct ui_drug_row *d = selected_drug(pv);
    const char *initial[2] = {d ? d->code : NULL, NULL};
    struct ui_form_spec spec;
    struct form_ctx *c;

    form_spec(&spec, pv, &c);
    spec.title_en = N_("Manual count");
    spec.title_zh = "手工计数";
    spec.hint_en = N_("Opened packs: the quantity is in the drug's unit; counts add up.");
    spec.hint_zh = "拆零药品：数量按最小单位，多次计数累加。";
    spec.fields = count_fields;
    spec.nfields = 2;
    spec.initial = initial;
    spec.first = d ? 1 : 0; /* the selected drug's quantity */
    spec.submit = count_submit;
    ui_form_push(scr, &spec);
}

static void open_void_form(struct ph_view *pv, struct ui_screen *scr,
                           const struct ui_box_row *target)
{
    struct ui_form_spec spec;
    struct form_ctx *c;
    char detail[256];

    if (!target) {
        ui_screen_message(scr, UI_ROLE_WARN, "%s", ui_tr("no scan to void", "没有可作废的扫码"));
        return;
    }
    if (target->voided) {
        ui_screen_message(scr, UI_ROLE_WARN, "%s",
                          ui_tr("this scan is already voided", "该扫码已作废"));
        return;
    }
    form_spec(&spec, pv, &c);
    c->target = *target;
    snprintf(detail, sizeof(detail), "%s #%lld  %s  %s", ui_tr("Scan", "扫码"), target->seq,
             target->code, target->verdict);
    spec.title_en = N_("Void a scan");
    spec.title_zh = "作废扫码";
    spec.detail = detail;
    spec.fields = void_fields;
    spec.nfields = 1;
    spec.confirm = void_confirm;
    spec.submit = void_submit;
    ui_form_push(scr, &spec);
}

/* --- boxes of one drug (or every scan) ------------------------------- */

struct boxes_view {
    struct ph_view *pv;
    char drug[64]; /* "" : every scan of the visit */
    char name[96];
    struct ui_box_row *rows;
    size_t n, cap;
    struct ui_table table;
    int stale;
    char error[256];
};

enum { BOX_ACT_VOID = UI_ACT_VIEW_BASE };

static const struct ui_action box_actions[] = {
    {BOX_ACT_VOID,
     "void",
     11,
     {0x04, UI_KEY_ALT('d')},
     N_("Void"),
     "作废",
     N_("Void the selected scan, with a reason"),
     "作废所选扫码，须填原因"},
};

static const struct ui_table_col box_cols[] = {
    {N_("Time"), "时间", 8, UI_ALIGN_LEFT, 0, 0},
    {N_("Code"), "码", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Verdict"), "结论", 24, UI_ALIGN_LEFT, 0, 0},
    {N_("Detail"), "说明", 18, UI_ALIGN_LEFT, 0, 0},
    {N_("Qty"), "数量", 5, UI_ALIGN_RIGHT, 0, 0},
    {N_("Round"), "轮次", 5, UI_ALIGN_RIGHT, 0, 0},
    {N_("State"), "状态", 6, UI_ALIGN_LEFT, 0, 0},
};

/* Newest first. */
static const struct ui_box_row *box_at(struct boxes_view *bv, size_t r)
{
    return &bv->rows[bv->n - 1 - r];
}

static void box_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_box_row *b = box_at(ctx, r);

    switch (col) {
    case 0: ui_cell_time(out, b->at_ms); break;
    case 1: buf_adds(out, b->code); break;
    case 2: buf_adds(out, b->verdict_label[0] ? b->verdict_label : b->verdict); break;
    case 3: buf_adds(out, b->detail); break;
    case 4: fmt_qty(b->qty, out); break;
    case 5: buf_addf(out, "%ld", b->round); break;
    default:
        if (b->voided)
            buf_adds(out, ui_tr("voided", "已作废"));
        break;
    }
}

static enum ui_role box_role(void *ctx, size_t r)
{
    const struct ui_box_row *b = box_at(ctx, r);
    return b->voided ? UI_ROLE_DIM : ui_severity_role(b->severity);
}

static void emit_box(void *ctx, const struct ui_box_row *row)
{
    struct boxes_view *bv = ctx;

    bv->rows = ui_append(bv->rows, &bv->n, &bv->cap, row, sizeof(*row));
}

static void boxes_reload(struct boxes_view *bv)
{
    const struct ui_pharmacy_model *m = bv->pv->m;
    struct fc_error err;
    int rc;

    fc_error_clear(&err);
    bv->error[0] = '\0';
    bv->n = 0;
    rc = m->list_boxes(m->user, bv->pv->visit.row.id, bv->drug, emit_box, bv, &err);
    if (rc < 0)
        ui_error_text(bv->error, sizeof(bv->error), rc, &err);
    ui_table_set_rows(&bv->table, bv->n);
    bv->stale = 0;
}

static void boxes_draw(struct ui_view *v, WINDOW *w)
{
    struct boxes_view *bv = v->data;
    struct ph_view *pv = bv->pv;
    char head[256];
    long live = 0;
    int bh = 3, y = 0;

    if (bv->stale)
        boxes_reload(bv);
    for (size_t i = 0; i < bv->n; i++)
        live += !bv->rows[i].voided;
    if (bv->drug[0])
        snprintf(head, sizeof(head), "%s  %s   %s: %zu, %s %ld", bv->drug, bv->name,
                 ui_tr("scans", "扫码"), bv->n, ui_tr("not voided", "有效"), live);
    else
        snprintf(head, sizeof(head), "%s   %s: %zu",
                 ui_tr("Every scan of the visit", "本次全部扫码"), ui_tr("scans", "扫码"), bv->n);
    ui_put(w, y++, 1, v->cols - 2, head, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    if (pv->have_last)
        ui_verdict_banner(w, y, 1, bh, v->cols - 2, &pv->last);
    else
        ui_banner_draw(w, y, 1, bh, v->cols - 2, UI_SEV_NONE, ui_tr("BOXES", "盒码"), NULL);
    y += bh;
    ui_view_draw_table(v, w, &bv->table, y, 1, bv->error);
}

static int boxes_action(struct ui_view *v, int id)
{
    struct boxes_view *bv = v->data;
    size_t r;

    if (id == BOX_ACT_VOID) {
        r = ui_table_selected(&bv->table);
        open_void_form(bv->pv, v->scr, r == SIZE_MAX ? NULL : box_at(bv, r));
        return 1;
    }
    return ui_table_action(&bv->table, id);
}

static void boxes_scan(struct ui_view *v, const char *code, size_t len)
{
    struct boxes_view *bv = v->data;
    (void)len;
    ph_submit(bv->pv, v->scr, code, UI_SCAN_BURST);
    bv->stale = 1;
}

static void boxes_enter(struct ui_view *v)
{
    ((struct boxes_view *)v->data)->stale = 1;
}

static const struct ui_view_ops boxes_ops = {
    .name = "pharmacy-boxes",
    .title_en = N_("Boxes"),
    .title_zh = "盒码",
    UI_VIEW_ACTIONS(box_actions),
    .enter = boxes_enter,
    .draw = boxes_draw,
    .action = boxes_action,
    .scan = boxes_scan,
};

static void open_boxes(struct ph_view *pv, struct ui_screen *scr, const struct ui_drug_row *d)
{
    struct ui_view *v = ui_view_make(&boxes_ops, sizeof(struct boxes_view));
    struct boxes_view *bv = v->data;

    bv->pv = pv;
    if (d) {
        snprintf(bv->drug, sizeof(bv->drug), "%s", d->code);
        snprintf(bv->name, sizeof(bv->name), "%s", d->name);
    }
    bv->stale = 1;
    ui_view_subtitle(v, bv->drug);
    ui_view_table(v, &bv->table, box_cols, UI_COUNT(box_cols), box_cell)->row_role = box_role;
    ui_view_owns(v, &bv->rows);
    ui_screen_push(scr, v);
}

/* --- summary by rule --------------------------------------------------- */

struct summary_view {
    struct ph_view *pv;
    struct ui_rule_row *rows;
    size_t n, cap;
    struct ui_table table;
    char error[256];
};

static const struct ui_table_col rule_cols[] = {
    {N_("Rule"), "规则", 26, UI_ALIGN_LEFT, 0, 0},
    {N_("Meaning"), "含义", 0, UI_ALIGN_LEFT, 0, 0},
    {NC_("number of findings", "Findings"), "疑点数", 8, UI_ALIGN_RIGHT, 0, 0},
    {N_("Amount (yuan)"), "金额（元）", 14, UI_ALIGN_RIGHT, 0, 0},
};

static void yuan(int64_t fen, struct buf *out)
{
    int64_t a = fen < 0 ? -fen : fen;
    buf_addf(out, "%s%lld.%02lld", fen < 0 ? "-" : "", (long long)(a / 100), (long long)(a % 100));
}

static void rule_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_rule_row *x = &((struct summary_view *)ctx)->rows[r];

    switch (col) {
    case 0: buf_adds(out, x->rule); break;
    case 1: buf_adds(out, x->label[0] ? x->label : x->rule); break;
    case 2: buf_addf(out, "%ld", x->findings); break;
    default: yuan(x->amount_fen, out); break;
    }
}

static void emit_rule(void *ctx, const struct ui_rule_row *row)
{
    struct summary_view *sv = ctx;

    sv->rows = ui_append(sv->rows, &sv->n, &sv->cap, row, sizeof(*row));
}

static void summary_draw(struct ui_view *v, WINDOW *w)
{
    struct summary_view *sv = v->data;
    struct buf line = BUF_INIT, amt = BUF_INIT;
    int64_t total = 0;
    long findings = 0;
    int y = 0;

    for (size_t i = 0; i < sv->n; i++) {
        total += sv->rows[i].amount_fen;
        findings += sv->rows[i].findings;
    }
    ui_put(w, y++, 1, v->cols - 2, ui_tr("Reconciliation findings by rule", "按规则汇总的核查疑点"),
           UI_ALIGN_LEFT, UI_ROLE_HEADER);
    yuan(total, &amt);
    buf_addf(&line, "%s %s   %s %ld", ui_tr("Total suspect amount (yuan):", "可疑金额合计（元）："),
             amt.ptr, ui_tr("findings:", "疑点数："), findings);
    ui_banner_draw(w, y, 1, 3, v->cols - 2, findings ? UI_SEV_ANOMALY : UI_SEV_OK, amt.ptr,
                   line.ptr);
    y += 3;
    ui_table_draw(&sv->table, w, y, 1, v->rows - y - 1, v->cols - 2, 1);
    if (sv->error[0])
        ui_put(w, v->rows - 1, 1, v->cols - 2, sv->error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
    else
        ui_put(w, v->rows - 1, 1, v->cols - 2,
               ui_tr("Amounts are excess quantity times unit price; details: fieldcheck reconcile",
                     "金额 = 超出数量 × 单价；明细见 fieldcheck reconcile"),
               UI_ALIGN_LEFT, UI_ROLE_DIM);
    buf_release(&line);
    buf_release(&amt);
}

static int summary_action(struct ui_view *v, int id)
{
    return ui_table_action(&((struct summary_view *)v->data)->table, id);
}

static void summary_scan(struct ui_view *v, const char *code, size_t len)
{
    struct summary_view *sv = v->data;
    (void)len;
    /* the count changed: the figures shown here are out of date */
    ph_submit(sv->pv, v->scr, code, UI_SCAN_BURST);
    ui_screen_pop(v->scr);
}

static const struct ui_view_ops summary_ops = {
    .name = "pharmacy-summary",
    .title_en = N_("Summary by rule"),
    .title_zh = "规则汇总",
    .draw = summary_draw,
    .action = summary_action,
    .scan = summary_scan,
};

static void open_summary(struct ph_view *pv, struct ui_screen *scr)
{
    struct ui_view *v;
    struct summary_view *sv;
    struct fc_error err;
    int rc;

    if (pv->blind) {
        ui_screen_message(scr, UI_ROLE_WARN, "%s",
                          ui_tr("no summary during a blind count: save the count first (F4)",
                                "盲盘期间不能查看汇总：请先保存盘点结果（F4）"));
        ui_screen_alert(scr, UI_SEV_WARN);
        return;
    }
    v = ui_view_make(&summary_ops, sizeof(struct summary_view));
    sv = v->data;
    sv->pv = pv;
    ui_view_owns(v, &sv->rows);
    fc_error_clear(&err);
    rc = pv->m->summary(pv->m->user, pv->visit.row.id, emit_rule, sv, &err);
    if (rc < 0) {
        ui_screen_error(scr, UI_ROLE_WARN, rc, &err);
        ui_view_free(v);
        return;
    }
    ui_view_table(v, &sv->table, rule_cols, UI_COUNT(rule_cols), rule_cell);
    ui_table_set_rows(&sv->table, sv->n);
    ui_screen_push(scr, v);
}

/* --- recount and blind ------------------------------------------------- */

struct ph_confirm {
    struct ph_view *pv;
    struct ui_screen *scr;
    char drug[64];
    int blind; /* blind switch: the state asked for */
};

/* The context of a question about the count, freed by its answer. */
static struct ph_confirm *ph_ask(struct ph_view *pv, struct ui_screen *scr)
{
    struct ph_confirm *c = xcalloc(1, sizeof(*c));

    c->pv = pv;
    c->scr = scr;
    return c;
}

static void recount_done(void *ctx, int yes)
{
    struct ph_confirm *c = ctx;
    struct ui_verdict out;
    struct fc_error err;
    int rc;

    if (yes) {
        fc_error_clear(&err);
        memset(&out, 0, sizeof(out));
        rc = c->pv->m->recount(c->pv->m->user, c->pv->visit.row.id, c->drug, &out, &err);
        if (rc < 0) {
            out.severity = UI_SEV_WARN;
            snprintf(out.verdict, sizeof(out.verdict), "NOT_RECORDED");
            ui_error_text(out.message, sizeof(out.message), rc, &err);
        }
        ph_show(c->pv, c->scr, &out, c->drug);
    }
    free(c);
}

static void ph_recount(struct ph_view *pv, struct ui_screen *scr)
{
    const struct ui_drug_row *d = selected_drug(pv);
    struct ph_confirm *c;
    char msg[256];

    if (!d) {
        ui_screen_message(scr, UI_ROLE_WARN, "%s", ui_tr("no drug selected", "未选择药品"));
        return;
    }
    c = ph_ask(pv, scr);
    snprintf(c->drug, sizeof(c->drug), "%s", d->code);
    snprintf(msg, sizeof(msg), "%s %s %s", ui_tr(NC_("recount", "Count"), "重新盘点"), d->code,
             ui_tr("again from zero? Earlier boxes stay in the log.",
                   "？计数从零开始，之前的记录保留。"));
    ui_dialog_push(scr, ui_tr("Recount", "重盘"), msg, 1, recount_done, c);
}

static void blind_done(void *ctx, int yes)
{
    struct ph_confirm *c = ctx;
    struct fc_error err;
    int rc;

    if (yes) {
        fc_error_clear(&err);
        rc = c->pv->m->set_blind(c->pv->m->user, c->pv->visit.row.id, c->blind, &err);
        if (rc < 0) {
            ui_screen_error(c->scr, UI_ROLE_ANOMALY, rc, &err);
        } else {
            ui_screen_message(
                c->scr, UI_ROLE_OK, "%s",
                c->blind ? ui_tr("blind count on: book figures hidden", "已开启盲盘：账面数已隐藏")
                         : ui_tr("count saved: book figures shown", "盘点结果已保存：显示账面数"));
        }
        c->pv->stale = 1;
    }
    free(c);
}

static void complete_done(void *ctx, int yes)
{
    struct ph_confirm *c = ctx;
    struct fc_error err;
    struct ui_verdict out;
    int rc;

    if (yes) {
        fc_error_clear(&err);
        memset(&out, 0, sizeof(out));
        rc = c->pv->m->set_complete(c->pv->m->user, c->pv->visit.row.id, &out, &err);
        if (rc < 0) {
            ui_screen_error(c->scr, UI_ROLE_ANOMALY, rc, &err);
            ui_screen_alert(c->scr, UI_SEV_WARN);
        } else {
            c->pv->last = out;
            c->pv->have_last = 1;
            ui_screen_alert(c->scr, out.severity);
        }
        c->pv->stale = 1;
    }
    free(c);
}

/* Declaring the count complete makes every drug nobody counted a count of
 * 0, reconciled like the others: a shortage with an amount where the book
 * says there is stock. It is an event that cannot be taken back, so it is
 * asked with a key typed by hand (ui_confirm_push). */
static void ph_complete(struct ph_view *pv, struct ui_screen *scr)
{
    struct ph_confirm *c;
    long uncounted = 0;
    char msg[320];

    if (!pv->m->set_complete)
        return;
    if (pv->complete) {
        ui_screen_message(scr, UI_ROLE_WARN, "%s",
                          ui_tr("the count is already complete", "已宣布盘点完成"));
        return;
    }
    for (size_t i = 0; i < pv->ndrugs; i++)
        uncounted += pv->drugs[i].not_counted;
    snprintf(msg, sizeof(msg),
             ui_tr("%ld drugs were not counted: they will count as 0 and be "
                   "reconciled against the book. This cannot be undone.",
                   "%ld 种药品未盘点：将按 0 计数并与账面核对。此操作不可撤销。"),
             uncounted);
    c = ph_ask(pv, scr);
    ui_confirm_push(scr, ui_tr("Declare the count complete?", "宣布盘点完成？"), msg, complete_done,
                    c);
}

static void ph_blind(struct ph_view *pv, struct ui_screen *scr)
{
    struct ph_confirm *c = ph_ask(pv, scr);

    c->blind = !pv->blind;
    if (c->blind)
        ui_dialog_push(scr, ui_tr("Blind count", "盲盘"),
                       ui_tr("Hide book figures and variances until the count is saved?",
                             "隐藏账面数与差异，直到保存盘点结果？"),
                       1, blind_done, c);
    else
        ui_dialog_push(scr, ui_tr("Save the count", "保存盘点"),
                       ui_tr("Save the blind count and show book figures? This cannot be undone.",
                             "保存盲盘结果并显示账面数？此操作不可撤销。"),
                       1, blind_done, c);
}

/* --- the main view ----------------------------------------------------- */

struct last_scan {
    struct ui_box_row row;
    int found;
};

static void emit_last(void *ctx, const struct ui_box_row *row)
{
    struct last_scan *ls = ctx;

    if (!row->voided) {
        ls->row = *row;
        ls->found = 1;
    }
}

/* Void from the drug table: the last live scan of the selected drug's
 * boxes view is chosen there; here it is the last live scan of the visit. */
static void ph_void_last(struct ph_view *pv, struct ui_screen *scr)
{
    struct last_scan ls;
    struct fc_error err;
    int rc;

    memset(&ls, 0, sizeof(ls));
    fc_error_clear(&err);
    rc = pv->m->list_boxes(pv->m->user, pv->visit.row.id, "", emit_last, &ls, &err);
    if (rc < 0) {
        ui_screen_error(scr, UI_ROLE_ANOMALY, rc, &err);
        return;
    }
    open_void_form(pv, scr, ls.found ? &ls.row : NULL);
}

static int ph_action(struct ui_view *v, int id)
{
    struct ph_view *pv = v->data;

    switch (id) {
    case PH_ACT_COUNT: open_count_form(pv, v->scr); return 1;
    case PH_ACT_RECOUNT: ph_recount(pv, v->scr); return 1;
    case PH_ACT_BLIND: ph_blind(pv, v->scr); return 1;
    case PH_ACT_SORT:
        pv->sort = (enum pharmacy_sort)((pv->sort + 1) % PHARMACY_SORT_COUNT);
        ph_reorder(pv);
        return 1;
    case PH_ACT_FILTER:
        pv->only_anomalies = !pv->only_anomalies;
        ph_reorder(pv);
        return 1;
    case PH_ACT_VOID: ph_void_last(pv, v->scr); return 1;
    case PH_ACT_SUMMARY: open_summary(pv, v->scr); return 1;
    case PH_ACT_COMPLETE: ph_complete(pv, v->scr); return 1;
    case PH_ACT_RECORDS: ui_visit_view_records(v); return 1;
    case PH_ACT_CLOSE: ui_visit_view_close(v); return 1;
    case UI_ACT_OPEN: open_boxes(pv, v->scr, selected_drug(pv)); return 1;
    case UI_ACT_NEXT_PANE: open_boxes(pv, v->scr, NULL); return 1;
    default: return ui_table_action(&pv->table, id);
    }
}

static const char *sort_text(enum pharmacy_sort s)
{
    switch (s) {
    case PHARMACY_SORT_VARIANCE: return ui_tr("by variance", "按差异");
    case PHARMACY_SORT_NAME: return ui_tr("by name", "按名称");
    default: return ui_tr("by code", "按编码");
    }
}

static void ph_draw(struct ui_view *v, WINDOW *w)
{
    struct ph_view *pv = v->data;
    char head[512];
    long counted = 0;
    int y = 0, bh;

    if (pv->stale)
        ph_reload(pv);
    for (size_t i = 0; i < pv->ndrugs; i++)
        counted += pv->drugs[i].boxes > 0 || pv->drugs[i].counted > 0;
    snprintf(head, sizeof(head), "%s  %s   %s %ld/%zu   %s%s%s", pv->visit.row.site,
             ui_kind_label(pv->visit.row.kind_label, pv->visit.row.kind),
             ui_tr("drugs counted", "已盘药品"), counted, pv->ndrugs, sort_text(pv->sort),
             pv->only_anomalies ? ui_tr("   [anomalies only]", "   【只看异常】") : "",
             pv->blind      ? ui_tr("   [BLIND COUNT]", "   【盲盘】")
             : pv->complete ? ui_tr("   [count complete]", "   【盘点完成】")
                            : "");
    ui_put(w, y++, 1, v->cols - 2, head, UI_ALIGN_LEFT, pv->blind ? UI_ROLE_WARN : UI_ROLE_HEADER);

    bh = v->rows >= 24 ? 5 : 3;
    if (pv->have_last)
        ui_verdict_banner(w, y, 1, bh, v->cols - 2, &pv->last);
    else
        ui_banner_draw(w, y, 1, bh, v->cols - 2, UI_SEV_NONE, ui_tr("READY", "请扫码"),
                       ui_tr("scan every box; opened packs: F2 or DRUG_CODE:QTY",
                             "逐盒扫码；拆零药品：F2 或 药品编码:数量"));
    y += bh;
    ui_input_draw(&pv->input, w, y++, 1, v->cols - 2,
                  ui_tr("Code or DRUG:QTY:", "输入码或 编码:数量："), 1);
    ui_view_draw_table(v, w, &pv->table, y, 1, pv->error);
}

static void ph_enter(struct ui_view *v)
{
    /* the count may have changed under a form or another view */
    ((struct ph_view *)v->data)->stale = 1;
}

static void pharmacy_init(struct ui_view *v, const struct ui_app *app)
{
    struct ph_view *pv = v->data;

    if (!app->pharmacy)
        BUG("pharmacy screen without a pharmacy model");
    pv->m = app->pharmacy;
    pv->stale = 1;
    pv->sort = PHARMACY_SORT_CODE;
    ui_view_input(v, &pv->input, PH_INPUT_MAX);
    ui_view_table(v, &pv->table, drug_cols, UI_COUNT(drug_cols), drug_cell)->row_role = drug_role;
    ui_view_owns(v, &pv->drugs);
    ui_view_owns(v, &pv->order);
}

const struct ui_view_ops view_pharmacy_ops = {
    .name = "stock-count",
    .title_en = N_("Stock count"),
    .title_zh = "进销存盘点",
    .size = sizeof(struct ph_view),
    .init = pharmacy_init,
    UI_VIEW_ACTIONS(pharmacy_actions),
    .enter = ph_enter,
    .draw = ph_draw,
    .action = ph_action,
    .text = ph_text,
    .scan = ph_scan,
};
