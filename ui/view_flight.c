/* Flight inspection screens (DESIGN §5 "Flight"): the suspicion worksheet
 * (a windowed table of the site's lines with rule/state/inspector filters),
 * one line's detail, the verdict form, the findings list with its add form,
 * the evidence register with a verify action, and the visit's totals. The
 * worksheet keeps only a few pages of rows (ui/susp_window.h), so a key
 * costs the same with 30 lines or 100,000. Everything is re-read from the
 * app's flight model after a change; scans of a suspicion or settlement id
 * select the line on every flight screen. */
#include "core/base/xalloc.h"
#include "ui/form.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"
#include "ui/susp_window.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SK(k) SCAN_KEY_SPECIAL(k)
#define FORM_INPUT_MAX 200
#define FILTER_VALUES_MAX 64

static const char *const state_names[] = {"PENDING", "CONFIRMED", "PARTIAL", "REFUTED"};
static const char *const state_zh[] = {"待查", "属实", "部分属实", "不属实"};
#define NSTATES 4

/* The display name of a state name in the current language. */
static const char *state_text(const char *name)
{
    for (int i = 0; i < NSTATES; i++)
        if (!strcmp(name, state_names[i]))
            return ui_lang_current() == UI_LANG_ZH ? state_zh[i] : name;
    return name;
}

static enum ui_role state_role(const char *name)
{
    if (!strcmp(name, "CONFIRMED"))
        return UI_ROLE_ANOMALY;
    if (!strcmp(name, "PARTIAL"))
        return UI_ROLE_WARN;
    if (!strcmp(name, "REFUTED"))
        return UI_ROLE_OK;
    return UI_ROLE_NORMAL;
}

/* --- the worksheet ------------------------------------------------------ */

enum {
    FL_ACT_VERDICT = UI_ACT_VIEW_BASE,
    FL_ACT_RULE,
    FL_ACT_STATE,
    FL_ACT_INSPECTOR,
    FL_ACT_CLEAR,
    FL_ACT_FINDINGS,
    FL_ACT_EVIDENCE,
    FL_ACT_TOTALS,
    FL_ACT_CLOSE,
    FL_ACT_RECORDS,
};

static const struct ui_action flight_actions[] = {
    {FL_ACT_VERDICT,
     "verdict",
     2,
     {'v'},
     N_("Verdict"),
     "核实",
     N_("Record a verdict on the selected line"),
     "对所选疑点录入核实结论"},
    {FL_ACT_RULE,
     "filter-rule",
     3,
     {'r'},
     N_("Rule"),
     "规则",
     N_("Filter by the next rule code (then all rules again)"),
     "按下一个规则筛选（循环至全部）"},
    {FL_ACT_STATE,
     "filter-state",
     4,
     {'s'},
     N_("State"),
     "状态",
     N_("Filter by the next state (then all states again)"),
     "按下一个核实状态筛选（循环至全部）"},
    {FL_ACT_INSPECTOR,
     "filter-inspector",
     5,
     {'i'},
     N_("Inspector"),
     "人员",
     N_("Filter by the next assigned inspector (then all again)"),
     "按下一位分派人员筛选（循环至全部）"},
    {FL_ACT_CLEAR,
     "filter-clear",
     0,
     {'x'},
     N_("All"),
     "全部",
     N_("Clear every filter"),
     "清除全部筛选"},
    {FL_ACT_FINDINGS,
     "findings",
     6,
     {'f'},
     N_("Findings"),
     "问题",
     N_("Findings of the visit; add one"),
     "本次检查认定的问题；新增问题"},
    {FL_ACT_EVIDENCE,
     "evidence",
     11,
     {'e'},
     N_("Evidence"),
     "证据",
     N_("The evidence register, with a verify action"),
     "证据登记表，可校验"},
    {FL_ACT_TOTALS,
     "totals",
     12,
     {'t'},
     N_("Totals"),
     "汇总",
     N_("Totals by state and by violation code"),
     "按状态和违规类别汇总"},
    {FL_ACT_CLOSE,
     "close-visit",
     0,
     {'C'},
     N_("Close"),
     "结束检查",
     N_("Close the visit: summary and checkpoint code"),
     "结束检查：汇总与核验码"},
    {FL_ACT_RECORDS,
     "records",
     0,
     {UI_KEY_ALT('r')},
     N_("Records"),
     "文书",
     N_("Documents to print, evidence files, interviews"),
     "打印文书、登记证据、询问笔录"},
};

struct flight_view {
    struct ui_visit_view visit; /* first: app and row */
    const struct ui_flight_model *m;
    struct susp_window win;
    int loaded, stale;
    char error[256];
};

/* The error line of a load: the model's message (none when rc is 0). */
static void load_error(char *out, size_t cap, int rc, const struct fc_error *err)
{
    if (rc)
        ui_error_text(out, cap, rc, err);
    else
        out[0] = '\0';
}

static void fl_report(struct ui_view *v, int rc, const struct fc_error *err)
{
    if (rc)
        ui_screen_error(v->scr, UI_ROLE_ANOMALY, rc, err);
}

static void fl_load(struct ui_view *v)
{
    struct flight_view *fv = v->data;
    struct fc_error err;
    int rc;

    fc_error_clear(&err);
    if (!fv->loaded)
        rc = susp_window_reset(&fv->win, &fv->win.q, &err);
    else
        rc = susp_window_refresh(&fv->win, &err);
    fv->loaded = 1;
    fv->stale = 0;
    load_error(fv->error, sizeof(fv->error), rc, &err);
}

/* Selects the line of a scanned or typed suspicion or settlement id; clears
 * the filters when they hide it. Returns 0 when selected. */
static int fl_goto(struct flight_view *fv, struct ui_screen *scr, const char *code)
{
    struct fc_error err;
    char id[48];
    int rc;

    fc_error_clear(&err);
    rc = fv->m->lookup(fv->m->user, fv->visit.row.id, code, id, &err);
    if (!rc) {
        rc = susp_window_jump(&fv->win, id, &err);
        if (rc == FC_ENOTFOUND) {
            fc_error_clear(&err);
            rc = susp_window_reset(&fv->win, NULL, &err);
            if (!rc)
                rc = susp_window_jump(&fv->win, id, &err);
        }
    }
    if (rc) {
        ui_screen_error(scr, UI_ROLE_WARN, rc, &err);
        ui_screen_alert(scr, UI_SEV_WARN);
        return rc;
    }
    ui_screen_message(scr, UI_ROLE_OK, "%s %s", ui_tr("Line", "疑点"), id);
    ui_screen_alert(scr, UI_SEV_OK);
    return 0;
}

struct values {
    char v[FILTER_VALUES_MAX][64];
    size_t n;
};

static void values_emit(void *ctx, const char *value)
{
    struct values *vs = ctx;

    if (vs->n < FILTER_VALUES_MAX)
        snprintf(vs->v[vs->n++], sizeof(vs->v[0]), "%s", value);
}

/* The value after cur in the distinct values of what; "" after the last. */
static void next_value(struct flight_view *fv, const char *what, char *cur, size_t cap)
{
    struct values *vs = xcalloc(1, sizeof(*vs));
    size_t i;

    if (fv->m->distinct(fv->m->user, fv->visit.row.id, what, values_emit, vs, NULL))
        vs->n = 0;
    for (i = 0; i < vs->n && strcmp(vs->v[i], cur); i++)
        ;
    if (!cur[0])
        snprintf(cur, cap, "%s", vs->n ? vs->v[0] : "");
    else
        snprintf(cur, cap, "%s", i + 1 < vs->n ? vs->v[i + 1] : "");
    free(vs);
}

static void fl_filter(struct ui_view *v, int id)
{
    struct flight_view *fv = v->data;
    struct ui_flight_query q = fv->win.q;
    struct fc_error err;
    int rc;

    if (id == FL_ACT_RULE) {
        next_value(fv, "rule", q.rule, sizeof(q.rule));
    } else if (id == FL_ACT_INSPECTOR) {
        next_value(fv, "inspector", q.inspector, sizeof(q.inspector));
    } else if (id == FL_ACT_STATE) {
        int i;
        for (i = 0; i < NSTATES && strcmp(q.state, state_names[i]); i++)
            ;
        snprintf(q.state, sizeof(q.state), "%s",
                 !q.state[0]       ? state_names[0]
                 : i + 1 < NSTATES ? state_names[i + 1]
                                   : "");
    } else {
        memset(&q, 0, sizeof(q));
    }
    fc_error_clear(&err);
    rc = susp_window_reset(&fv->win, &q, &err);
    fl_report(v, rc, &err);
}

static struct ui_view *detail_new(struct flight_view *fv, const char *susp_id);
static void verdict_form_push(struct ui_screen *scr, struct flight_view *fv,
                              const struct ui_susp_row *r);
static struct ui_view *findings_new(struct flight_view *fv);
static struct ui_view *evidence_new(struct flight_view *fv);
static struct ui_view *totals_new(struct flight_view *fv);

static int fl_action(struct ui_view *v, int id)
{
    struct flight_view *fv = v->data;
    const struct ui_susp_row *r = susp_window_selected(&fv->win);
    struct fc_error err;
    int rc = 0;

    fc_error_clear(&err);
    switch (id) {
    case UI_ACT_UP: rc = susp_window_move(&fv->win, -1, &err); break;
    case UI_ACT_DOWN: rc = susp_window_move(&fv->win, 1, &err); break;
    case UI_ACT_PAGE_UP: rc = susp_window_page_step(&fv->win, -1, &err); break;
    case UI_ACT_PAGE_DOWN: rc = susp_window_page_step(&fv->win, 1, &err); break;
    case UI_ACT_TOP: rc = susp_window_edge(&fv->win, 0, &err); break;
    case UI_ACT_BOTTOM: rc = susp_window_edge(&fv->win, 1, &err); break;
    case UI_ACT_OPEN:
        if (r)
            ui_screen_push(v->scr, detail_new(fv, r->susp_id));
        return 1;
    case FL_ACT_VERDICT:
        if (r)
            verdict_form_push(v->scr, fv, r);
        return 1;
    case FL_ACT_RULE:
    case FL_ACT_STATE:
    case FL_ACT_INSPECTOR:
    case FL_ACT_CLEAR: fl_filter(v, id); return 1;
    case FL_ACT_FINDINGS: ui_screen_push(v->scr, findings_new(fv)); return 1;
    case FL_ACT_EVIDENCE: ui_screen_push(v->scr, evidence_new(fv)); return 1;
    case FL_ACT_TOTALS: ui_screen_push(v->scr, totals_new(fv)); return 1;
    case FL_ACT_CLOSE: ui_visit_view_close(v); return 1;
    case FL_ACT_RECORDS: ui_visit_view_records(v); return 1;
    default: return 0;
    }
    fl_report(v, rc, &err);
    return 1;
}

static void fl_scan(struct ui_view *v, const char *code, size_t len)
{
    (void)len;
    fl_goto(v->data, v->scr, code);
}

static const struct ui_table_col susp_cols[] = {
    {N_("Suspicion"), "疑点编号", 12, UI_ALIGN_LEFT, 0, 0},
    {N_("Rule"), "规则", 10, UI_ALIGN_LEFT, 0, 0},
    {N_("Item"), "项目", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Patient"), "患者", 8, UI_ALIGN_LEFT, 0, 0},
    {N_("Amount"), "金额", 10, UI_ALIGN_RIGHT, 0, 0},
    {N_("Suspect"), "疑点金额", 10, UI_ALIGN_RIGHT, 0, 0},
    {N_("State"), "状态", 9, UI_ALIGN_LEFT, 0, 0},
    {N_("Inspector"), "人员", 8, UI_ALIGN_LEFT, 0, 0},
};
#define NSUSP_COLS ((int)(sizeof(susp_cols) / sizeof(susp_cols[0])))
/* shown on a team lead's laptop while a row on screen has the team's note */
static const struct ui_table_col team_col = {N_("Team"), "全组记录", 16, UI_ALIGN_LEFT, 0, 0};

static const struct ui_table_col *col_def(int c)
{
    return c < NSUSP_COLS ? &susp_cols[c] : &team_col;
}

static const char *susp_cell(const struct ui_susp_row *r, int col)
{
    switch (col) {
    case 0: return r->susp_id;
    case 1: return r->rule;
    case 2: return r->item;
    case 3: return r->patient;
    case 4: return r->amount;
    case 5: return r->susp_amount;
    case 6: return state_text(r->state);
    case 7: return r->inspector;
    default: return r->team;
    }
}

static void fl_resize(struct ui_view *v, int rows, int cols)
{
    struct flight_view *fv = v->data;
    (void)cols;
    if (fv->loaded)
        susp_window_set_page(&fv->win, rows - 4 > 1 ? rows - 4 : 1, NULL);
    else
        fv->win.page = rows - 4 > 1 ? rows - 4 : 1;
}

static void fl_draw(struct ui_view *v, WINDOW *w)
{
    struct flight_view *fv = v->data;
    const struct ui_flight_query *q = &fv->win.q;
    const struct ui_susp_row *sel;
    int width[NSUSP_COLS + 1], fixed = 0, ncols = NSUSP_COLS, x, y;
    char head[512];

    if (!fv->loaded || fv->stale)
        fl_load(v);
    snprintf(head, sizeof(head), "%s  %s   %s %ld   %s %s  %s %s  %s %s", fv->visit.row.site,
             ui_kind_label(fv->visit.row.kind_label, fv->visit.row.kind),
             ui_tr("Lines:", "疑点数："), fv->win.total, ui_tr("Rule:", "规则："),
             q->rule[0] ? q->rule : ui_tr("all", "全部"), ui_tr("State:", "状态："),
             q->state[0] ? state_text(q->state) : ui_tr("all", "全部"),
             ui_tr("Inspector:", "人员："), q->inspector[0] ? q->inspector : ui_tr("all", "全部"));
    ui_put(w, 0, 1, v->cols - 2, head, UI_ALIGN_LEFT, UI_ROLE_TITLE);
    for (y = 0; y < fv->win.page && fv->win.top + y < fv->win.total; y++) {
        const struct ui_susp_row *r = susp_window_row(&fv->win, fv->win.top + y);
        if (r && r->team[0])
            ncols = NSUSP_COLS + 1;
    }
    for (int c = 0; c < ncols; c++)
        fixed += col_def(c)->width + 1;
    for (int c = 0; c < ncols; c++) {
        width[c] = col_def(c)->width;
        if (!width[c])
            width[c] = v->cols - 2 - fixed > 6 ? v->cols - 2 - fixed : 6;
    }
    x = 1;
    for (int c = 0; c < ncols; c++) {
        ui_put(w, 1, x, width[c], ui_tr(col_def(c)->title_en, col_def(c)->title_zh),
               col_def(c)->align, UI_ROLE_HEADER);
        x += width[c] + 1;
    }
    for (y = 0; y < fv->win.page && fv->win.top + y < fv->win.total; y++) {
        long pos = fv->win.top + y;
        const struct ui_susp_row *r = susp_window_row(&fv->win, pos);
        int selected = pos == fv->win.sel;
        if (!r)
            break;
        if (selected)
            ui_fill(w, 2 + y, 0, v->cols, UI_ROLE_SELECTED);
        x = 1;
        for (int c = 0; c < ncols; c++) {
            enum ui_role role = selected                     ? UI_ROLE_SELECTED
                                : c == 6                     ? state_role(r->state)
                                : c == 8 && r->team_conflict ? UI_ROLE_ANOMALY
                                                             : UI_ROLE_NORMAL;
            ui_put(w, 2 + y, x, width[c], susp_cell(r, c), col_def(c)->align, role);
            x += width[c] + 1;
        }
    }
    if (!fv->win.total)
        ui_put(w, 2, 1, v->cols - 2,
               ui_tr("no suspicion lines match the filter", "没有符合筛选条件的疑点"),
               UI_ALIGN_LEFT, UI_ROLE_DIM);
    sel = susp_window_selected(&fv->win);
    if (fv->error[0]) {
        ui_put(w, v->rows - 1, 1, v->cols - 2, fv->error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
    } else if (sel) {
        snprintf(head, sizeof(head), "%ld/%ld  %s  %s %s %s  %s %s/%s", fv->win.sel + 1,
                 fv->win.total, sel->susp_id, sel->rule_name, sel->patient, sel->patient_id,
                 ui_tr("irregular/fund loss:", "违规/基金损失："),
                 sel->irregular[0] ? sel->irregular : "-",
                 sel->fund_loss[0] ? sel->fund_loss : "-");
        ui_put(w, v->rows - 1, 1, v->cols - 2, head, UI_ALIGN_LEFT, UI_ROLE_STATUS);
    }
}

static void fl_enter(struct ui_view *v)
{
    struct flight_view *fv = v->data;

    if (fv->loaded)
        fv->stale = 1;
}

static void fl_destroy(struct ui_view *v)
{
    susp_window_release(&((struct flight_view *)v->data)->win);
}

static void flight_init(struct ui_view *v, const struct ui_app *app)
{
    struct flight_view *fv = v->data;

    fv->m = app->flight;
    susp_window_init(&fv->win, fv->m, fv->visit.row.id, 10);
}

const struct ui_view_ops view_flight_ops = {
    .name = "worksheet",
    .title_en = N_("Flight inspection"),
    .title_zh = "飞行检查",
    .size = sizeof(struct flight_view),
    .init = flight_init,
    UI_VIEW_ACTIONS(flight_actions),
    .enter = fl_enter,
    .resize = fl_resize,
    .draw = fl_draw,
    .action = fl_action,
    .scan = fl_scan,
    .destroy = fl_destroy,
};

/* --- sub-screens: common parts ---------------------------------------------- */

/* Scans on a sub-screen select the line on the worksheet and go back to it. */
static void sub_scan(struct ui_view *v, struct flight_view *fv, const char *code)
{
    if (fl_goto(fv, v->scr, code))
        return;
    while (ui_screen_depth(v->scr) > 1 && ui_screen_top(v->scr)->data != fv)
        ui_screen_pop(v->scr);
}

/* --- line detail -------------------------------------------------------- */

struct detail_line {
    char label[64];
    char value[512];
};

struct detail_view {
    struct flight_view *fv;
    char susp_id[48];
    struct detail_line *lines;
    size_t n, cap, top;
    int stale;
    char error[256];
};

enum { DT_ACT_VERDICT = UI_ACT_VIEW_BASE };

static const struct ui_action detail_actions[] = {
    {DT_ACT_VERDICT,
     "verdict",
     2,
     {'v'},
     N_("Verdict"),
     "核实",
     N_("Record a verdict on this line"),
     "对此疑点录入核实结论"},
};

static void detail_emit(void *ctx, const char *label, const char *value)
{
    struct detail_view *d = ctx;
    struct detail_line line;

    snprintf(line.label, sizeof(line.label), "%s", label);
    snprintf(line.value, sizeof(line.value), "%s", value);
    d->lines = ui_append(d->lines, &d->n, &d->cap, &line, sizeof(line));
}

static void detail_load(struct detail_view *d)
{
    struct fc_error err;
    int rc;

    fc_error_clear(&err);
    d->n = 0;
    rc = d->fv->m->detail(d->fv->m->user, d->fv->visit.row.id, d->susp_id, detail_emit, d, &err);
    load_error(d->error, sizeof(d->error), rc, &err);
    d->stale = 0;
}

static void detail_draw(struct ui_view *v, WINDOW *w)
{
    struct detail_view *d = v->data;
    int lw = 18, y = 1;

    if (d->stale)
        detail_load(d);
    ui_put(w, 0, 1, v->cols - 2, d->susp_id, UI_ALIGN_LEFT, UI_ROLE_TITLE);
    if (d->error[0])
        ui_put(w, y++, 1, v->cols - 2, d->error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
    for (size_t i = d->top; i < d->n && y < v->rows; i++, y++) {
        ui_put(w, y, 1, lw, d->lines[i].label, UI_ALIGN_LEFT, UI_ROLE_HEADER);
        ui_put(w, y, lw + 2, v->cols - lw - 3, d->lines[i].value, UI_ALIGN_LEFT, UI_ROLE_NORMAL);
    }
}

static int detail_action(struct ui_view *v, int id)
{
    struct detail_view *d = v->data;
    size_t page = v->rows > 2 ? (size_t)v->rows - 2 : 1;

    switch (id) {
    case UI_ACT_UP: d->top = d->top ? d->top - 1 : 0; return 1;
    case UI_ACT_DOWN: d->top = d->top + 1 < d->n ? d->top + 1 : d->top; return 1;
    case UI_ACT_PAGE_UP: d->top = d->top > page ? d->top - page : 0; return 1;
    case UI_ACT_PAGE_DOWN: d->top = d->top + page < d->n ? d->top + page : d->top; return 1;
    case UI_ACT_TOP: d->top = 0; return 1;
    case DT_ACT_VERDICT:
    case UI_ACT_OPEN: {
        const struct ui_susp_row *r = susp_window_selected(&d->fv->win);
        struct ui_susp_row one;
        if (!r || strcmp(r->susp_id, d->susp_id)) {
            memset(&one, 0, sizeof(one));
            snprintf(one.susp_id, sizeof(one.susp_id), "%s", d->susp_id);
            r = &one;
        }
        verdict_form_push(v->scr, d->fv, r);
        return 1;
    }
    default: return 0;
    }
}

static void detail_enter(struct ui_view *v)
{
    ((struct detail_view *)v->data)->stale = 1;
}

static void detail_scan(struct ui_view *v, const char *code, size_t len)
{
    (void)len;
    sub_scan(v, ((struct detail_view *)v->data)->fv, code);
}

static const struct ui_view_ops detail_ops = {
    .name = "flight-detail",
    .title_en = N_("Suspicion line"),
    .title_zh = "疑点详情",
    UI_VIEW_ACTIONS(detail_actions),
    .enter = detail_enter,
    .draw = detail_draw,
    .action = detail_action,
    .scan = detail_scan,
};

static struct ui_view *detail_new(struct flight_view *fv, const char *susp_id)
{
    struct ui_view *v = ui_view_make(&detail_ops, sizeof(struct detail_view));
    struct detail_view *d = v->data;

    d->fv = fv;
    snprintf(d->susp_id, sizeof(d->susp_id), "%s", susp_id);
    d->stale = 1;
    ui_view_owns(v, &d->lines);
    return v;
}

/* --- forms: verdict and finding (ui/form.h) -------------------------------- */

/* The verdicts in the order a choice offers them (a digit n picks the nth:
 * 1 属实 2 部分属实 3 不属实 4 待查), as indexes into state_names. */
static const int verdict_order[NSTATES] = {1, 2, 3, 0};

static const struct ui_form_field verdict_fields[] = {
    {N_("Verdict"), "结论", 0, 0, 0, 1},
    {N_("Irregular amount (empty: default)"), "违规金额（空则默认）", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Fund loss (empty: = irregular)"), "基金损失（空则同违规金额）", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Note"), "备注", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Over-amount reason"), "超额原因", FORM_INPUT_MAX, 0, 0, 0},
};

static const struct ui_form_field finding_fields[] = {
    {N_("Violation"), "违规类别", 0, 0, 0, 1},
    {N_("Irregular amount (empty: qty x price)"), "违规金额（空则数量×单价）", FORM_INPUT_MAX, 0, 0,
     0},
    {N_("Fund loss (empty: = irregular)"), "基金损失（空则同违规金额）", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Quantity"), "数量", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Unit price"), "单价", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Suspicion lines"), "涉及疑点", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Patients (admission nos.)"), "涉及患者（住院号）", FORM_INPUT_MAX, 0, 0, 0},
    {N_("Note (required)"), "说明（必填）", FORM_INPUT_MAX, 0, 0, 0},
};

struct form_ctx {
    struct flight_view *fv;
    char susp_id[64];
    struct ui_violation_row *codes; /* the finding form's choices */
    size_t ncodes, ccap;
};

static const char *value_or_null(const char *v)
{
    return v[0] ? v : NULL;
}

static int verdict_choice(void *ctx, size_t field, int i, char *text, size_t cap)
{
    (void)ctx;
    (void)field;
    if (i >= 0 && i < NSTATES) {
        const char *name = state_names[verdict_order[i]];
        snprintf(text, cap, "%s (%s)", state_text(name), name);
    }
    return NSTATES;
}

static int finding_choice(void *ctx, size_t field, int i, char *text, size_t cap)
{
    const struct form_ctx *c = ctx;

    (void)field;
    if (i >= 0 && (size_t)i < c->ncodes)
        snprintf(text, cap, "%s %s  (%s)", c->codes[i].code, c->codes[i].category,
                 c->codes[i].group);
    else if (!c->ncodes)
        snprintf(text, cap, "-");
    return (int)c->ncodes;
}

/* What a saved form did: 0, or -1 with the error in error (256 bytes). */
static int form_done(struct form_ctx *c, struct ui_screen *scr, int rc, const struct fc_error *err,
                     const char *msg, char *error)
{
    if (rc) {
        ui_error_text(error, 256, rc, err);
        return -1;
    }
    c->fv->stale = 1;
    ui_screen_message(scr, UI_ROLE_OK, "%s", msg);
    ui_screen_alert(scr, UI_SEV_OK);
    return 0;
}

static int verdict_submit(void *ctx, struct ui_screen *scr, const char *const *v, char *error)
{
    struct form_ctx *c = ctx;
    const struct ui_flight_model *m = c->fv->m;
    struct ui_flight_verdict a;
    struct fc_error err;
    char msg[256] = "";

    memset(&a, 0, sizeof(a));
    fc_error_clear(&err);
    a.susp_id = c->susp_id;
    a.verdict = state_names[verdict_order[atoi(v[0]) % NSTATES]];
    a.amount = value_or_null(v[1]);
    a.fund_loss = value_or_null(v[2]);
    a.note = value_or_null(v[3]);
    a.over_reason = value_or_null(v[4]);
    return form_done(c, scr, m->verify(m->user, c->fv->visit.row.id, &a, msg, &err), &err, msg,
                     error);
}

static int finding_submit(void *ctx, struct ui_screen *scr, const char *const *v, char *error)
{
    struct form_ctx *c = ctx;
    const struct ui_flight_model *m = c->fv->m;
    struct ui_flight_finding a;
    struct fc_error err;
    char msg[256] = "", id[40] = "";
    size_t k = (size_t)atoi(v[0]);
    int rc;

    memset(&a, 0, sizeof(a));
    fc_error_clear(&err);
    a.code = k < c->ncodes ? c->codes[k].code : "";
    a.amount = value_or_null(v[1]);
    a.fund_loss = value_or_null(v[2]);
    a.qty = value_or_null(v[3]);
    a.unit_price = value_or_null(v[4]);
    a.lines = value_or_null(v[5]);
    a.patients = value_or_null(v[6]);
    a.note = v[7];
    rc = m->add_finding(m->user, c->fv->visit.row.id, &a, id, &err);
    snprintf(msg, sizeof(msg), "%s %s %.8s", ui_tr("finding recorded:", "已记录问题："), a.code,
             id);
    return form_done(c, scr, rc, &err, msg, error);
}

static void form_ctx_free(void *ctx)
{
    struct form_ctx *c = ctx;

    free(c->codes);
    free(c);
}

/* The spec of a flight form whose first field is a choice. */
#define FORM_SPEC(spec, fv, c, en, zh, fieldv, choose, save) \
    form_spec(spec, fv, c, en, zh, fieldv, sizeof(fieldv) / sizeof(fieldv[0]), choose, save)

static void form_spec(struct ui_form_spec *spec, struct flight_view *fv, struct form_ctx **c,
                      const char *title_en, const char *title_zh,
                      const struct ui_form_field *fields, size_t nfields,
                      int (*choice)(void *, size_t, int, char *, size_t),
                      int (*submit)(void *, struct ui_screen *, const char *const *, char *))
{
    memset(spec, 0, sizeof(*spec));
    *c = xcalloc(1, sizeof(**c));
    (*c)->fv = fv;
    spec->title_en = title_en;
    spec->title_zh = title_zh;
    spec->fields = fields;
    spec->nfields = nfields;
    spec->choice = choice;
    spec->submit = submit;
    spec->enter_saves = 1;
    spec->scan_fills = 1; /* a scan fills the field being edited, never lost */
    spec->release = form_ctx_free;
    spec->ctx = *c;
}

static void verdict_form_push(struct ui_screen *scr, struct flight_view *fv,
                              const struct ui_susp_row *r)
{
    struct ui_form_spec spec;
    struct form_ctx *c;
    char detail[512], first[4] = "0"; /* CONFIRMED: the common case */
    const char *initial[NSTATES + 1] = {first};

    FORM_SPEC(&spec, fv, &c, N_("Verdict"), "核实结论", verdict_fields, verdict_choice,
              verdict_submit);
    snprintf(c->susp_id, sizeof(c->susp_id), "%s", r->susp_id);
    for (int k = 0; k < NSTATES; k++) /* a line already judged keeps its verdict */
        if (verdict_order[k] != 0 && !strcmp(r->state, state_names[verdict_order[k]]))
            snprintf(first, sizeof(first), "%d", k);
    snprintf(detail, sizeof(detail), "%s  %s  %s %s  %s %s", r->susp_id, r->item,
             ui_tr("amount", "金额"), r->amount[0] ? r->amount : "-", ui_tr("suspect", "疑点金额"),
             r->susp_amount[0] ? r->susp_amount : "-");
    spec.detail = detail;
    spec.initial = initial;
    ui_form_push(scr, &spec);
}

static void code_emit(void *ctx, const struct ui_violation_row *row)
{
    struct form_ctx *c = ctx;

    c->codes = ui_append(c->codes, &c->ncodes, &c->ccap, row, sizeof(*row));
}

static void finding_form_push(struct ui_screen *scr, struct flight_view *fv)
{
    const struct ui_susp_row *r = susp_window_selected(&fv->win);
    const char *initial[8] = {NULL, NULL, NULL, NULL, NULL, r ? r->susp_id : NULL};
    struct ui_form_spec spec;
    struct form_ctx *c;

    FORM_SPEC(&spec, fv, &c, N_("Add a finding"), "新增问题", finding_fields, finding_choice,
              finding_submit);
    if (fv->m->violations(fv->m->user, code_emit, c, NULL))
        c->ncodes = 0;
    spec.initial = initial;
    ui_form_push(scr, &spec);
}

/* --- findings, evidence and totals: read-only lists ----------------------- */

enum list_kind { LIST_FINDINGS, LIST_EVIDENCE, LIST_TOTALS };

struct list_view {
    enum list_kind kind;
    struct flight_view *fv;
    struct ui_finding_row *finds;
    struct ui_evidence_row *evs;
    struct ui_total_row *tots; /* by state, then by code */
    size_t n, cap, nstate;
    struct ui_table table;
    int stale, verify, verified;
    char error[256];
};

enum { LIST_ACT_ADD = UI_ACT_VIEW_BASE, LIST_ACT_VERIFY, LIST_ACT_REGISTER };

static const struct ui_action findings_actions[] = {
    {LIST_ACT_ADD,
     "add-finding",
     2,
     {'a'},
     N_("Add"),
     "新增",
     N_("Add a finding (the selected worksheet line is filled in)"),
     "新增问题（自动填入工作表所选疑点）"},
};

static const struct ui_action evidence_actions[] = {
    {LIST_ACT_VERIFY,
     "verify-evidence",
     2,
     {'v'},
     N_("Verify"),
     "校验",
     N_("Re-hash every registered file and show its status"),
     "重新计算每个证据文件的哈希并显示状态"},
    {LIST_ACT_REGISTER,
     "add-evidence",
     3,
     {'a'},
     N_("Add"),
     "登记",
     N_("Register a file as evidence: its SHA-256 is recorded"),
     "登记证据文件：记录其 SHA-256"},
};

static const struct ui_table_col finding_cols[] = {
    {NC_("violation", "Code"), "类别", 7, UI_ALIGN_LEFT, 0, 0},
    {N_("Irregular"), "违规金额", 11, UI_ALIGN_RIGHT, 0, 0},
    {N_("Fund loss"), "基金损失", 11, UI_ALIGN_RIGHT, 0, 0},
    {N_("Lines"), "疑点", 20, UI_ALIGN_LEFT, 0, 0},
    {N_("Note"), "说明", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Event"), "事件", 9, UI_ALIGN_LEFT, 0, 0},
};

static const struct ui_table_col evidence_cols[] = {
    {N_("Path"), "路径", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Size"), "大小", 10, UI_ALIGN_RIGHT, 0, 0},
    {N_("SHA-256"), "SHA-256", 13, UI_ALIGN_LEFT, 0, 0},
    {N_("Status"), "状态", 10, UI_ALIGN_LEFT, 0, 0},
};

static const struct ui_table_col total_cols[] = {
    {N_("Group"), "分组", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Count"), "数量", 8, UI_ALIGN_RIGHT, 0, 0},
    {N_("Irregular"), "违规金额", 14, UI_ALIGN_RIGHT, 0, 0},
    {N_("Fund loss"), "基金损失", 14, UI_ALIGN_RIGHT, 0, 0},
};

static const char *evidence_status_text(const char *st)
{
    if (!st[0])
        return ui_tr("not verified", "未校验");
    if (!strcmp(st, "ok"))
        return ui_tr("ok", "一致");
    if (!strcmp(st, "changed"))
        return ui_tr("changed", "已改变");
    if (!strcmp(st, "missing"))
        return ui_tr("missing", "缺失");
    return ui_tr("unreadable", "不可读");
}

static void list_cell(void *ctx, size_t row, int col, struct buf *out)
{
    struct list_view *l = ctx;

    if (l->kind == LIST_FINDINGS) {
        const struct ui_finding_row *f = &l->finds[row];
        const char *cells[] = {f->code, f->irregular, f->fund_loss, f->lines, f->note, f->event_id};
        if (col == 5)
            buf_addf(out, "%.8s", f->event_id);
        else
            buf_adds(out, cells[col]);
    } else if (l->kind == LIST_EVIDENCE) {
        const struct ui_evidence_row *e = &l->evs[row];
        switch (col) {
        case 0: buf_adds(out, e->path); break;
        case 1: buf_addf(out, "%lld", e->size); break;
        case 2: buf_adds(out, e->sha_short); break;
        default: buf_adds(out, evidence_status_text(e->status)); break;
        }
    } else {
        const struct ui_total_row *t = &l->tots[row];
        switch (col) {
        case 0:
            if (!t->key[0])
                buf_adds(out, row < l->nstate ? ui_tr("All lines", "全部疑点")
                                              : ui_tr("All findings", "全部问题"));
            else if (row < l->nstate)
                buf_addf(out, "%s %s", ui_tr("State", "状态"), state_text(t->key));
            else
                buf_addf(out, "%s %s", ui_tr("Violation", "违规类别"), t->key);
            break;
        case 1: buf_addf(out, "%ld", t->count); break;
        case 2: buf_adds(out, t->irregular); break;
        default: buf_adds(out, t->fund_loss); break;
        }
    }
}

static enum ui_role list_role(void *ctx, size_t row)
{
    struct list_view *l = ctx;

    if (l->kind == LIST_EVIDENCE && l->evs[row].status[0])
        return strcmp(l->evs[row].status, "ok") ? UI_ROLE_ANOMALY : UI_ROLE_OK;
    if (l->kind == LIST_TOTALS && !l->tots[row].key[0])
        return UI_ROLE_HEADER;
    return UI_ROLE_NORMAL;
}

/* A list holds one kind of row: n and cap count the array of its kind. */
static void finding_emit(void *ctx, const struct ui_finding_row *row)
{
    struct list_view *l = ctx;

    l->finds = ui_append(l->finds, &l->n, &l->cap, row, sizeof(*row));
}

static void evidence_emit(void *ctx, const struct ui_evidence_row *row)
{
    struct list_view *l = ctx;

    l->evs = ui_append(l->evs, &l->n, &l->cap, row, sizeof(*row));
}

static void total_emit(void *ctx, const struct ui_total_row *row)
{
    struct list_view *l = ctx;

    l->tots = ui_append(l->tots, &l->n, &l->cap, row, sizeof(*row));
}

static void list_load(struct list_view *l)
{
    const struct ui_flight_model *m = l->fv->m;
    const char *id = l->fv->visit.row.id;
    struct fc_error err;
    int rc;

    fc_error_clear(&err);
    l->n = 0;
    if (l->kind == LIST_FINDINGS) {
        rc = m->findings(m->user, id, finding_emit, l, &err);
    } else if (l->kind == LIST_EVIDENCE) {
        rc = m->evidence(m->user, id, l->verify, evidence_emit, l, &err);
        l->verified = l->verify && !rc;
        l->verify = 0;
    } else {
        rc = m->totals(m->user, id, "state", total_emit, l, &err);
        l->nstate = l->n;
        if (!rc)
            rc = m->totals(m->user, id, "code", total_emit, l, &err);
    }
    load_error(l->error, sizeof(l->error), rc, &err);
    ui_table_set_rows(&l->table, l->n);
    l->stale = 0;
}

static void list_draw(struct ui_view *v, WINDOW *w)
{
    struct list_view *l = v->data;
    char head[256];
    int y = 1;

    if (l->stale)
        list_load(l);
    if (l->kind == LIST_FINDINGS)
        snprintf(head, sizeof(head), "%s: %zu", ui_tr("Findings", "问题认定"), l->n);
    else if (l->kind == LIST_EVIDENCE)
        snprintf(head, sizeof(head), "%s: %zu%s", ui_tr("Evidence", "证据"), l->n,
                 l->verified ? ui_tr("   (verified just now)", "   （刚刚校验）") : "");
    else
        snprintf(head, sizeof(head), "%s", ui_tr("Totals", "汇总"));
    ui_put(w, 0, 1, v->cols - 2, head, UI_ALIGN_LEFT, UI_ROLE_TITLE);
    if (l->error[0])
        ui_put(w, y++, 1, v->cols - 2, l->error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
    ui_view_draw_table(v, w, &l->table, y, 1, NULL);
}

static int list_action(struct ui_view *v, int id)
{
    struct list_view *l = v->data;

    if (id == LIST_ACT_ADD && l->kind == LIST_FINDINGS) {
        finding_form_push(v->scr, l->fv);
        return 1;
    }
    if (id == LIST_ACT_VERIFY && l->kind == LIST_EVIDENCE) {
        l->verify = 1;
        list_load(l);
        return 1;
    }
    if (id == LIST_ACT_REGISTER && l->kind == LIST_EVIDENCE) {
        ui_evidence_form_push(v->scr, l->fv->visit.app, l->fv->visit.row.id);
        l->stale = 1;
        return 1;
    }
    return ui_table_action(&l->table, id);
}

static void list_enter(struct ui_view *v)
{
    struct list_view *l = v->data;

    if (!l->verified)
        l->stale = 1;
}

static void list_scan(struct ui_view *v, const char *code, size_t len)
{
    (void)len;
    sub_scan(v, ((struct list_view *)v->data)->fv, code);
}

#define LIST_OPS(var, nm, acts, nacts, en, zh) \
    static const struct ui_view_ops var = {    \
        .name = nm,                            \
        .title_en = en,                        \
        .title_zh = zh,                        \
        .actions = acts,                       \
        .nactions = nacts,                     \
        .enter = list_enter,                   \
        .draw = list_draw,                     \
        .action = list_action,                 \
        .scan = list_scan,                     \
    }

LIST_OPS(findings_ops, "flight-findings", findings_actions, UI_COUNT(findings_actions),
         N_("Findings"), "问题认定");
LIST_OPS(evidence_ops, "flight-evidence", evidence_actions, UI_COUNT(evidence_actions),
         N_("Evidence"), "证据");
LIST_OPS(totals_ops, "flight-totals", NULL, 0, N_("Totals"), "汇总");

static struct ui_view *list_new(struct flight_view *fv, enum list_kind kind)
{
    struct ui_view *v = ui_view_make(kind == LIST_FINDINGS   ? &findings_ops
                                     : kind == LIST_EVIDENCE ? &evidence_ops
                                                             : &totals_ops,
                                     sizeof(struct list_view));
    struct list_view *l = v->data;

    l->kind = kind;
    l->fv = fv;
    l->stale = 1;
    if (kind == LIST_FINDINGS)
        ui_view_table(v, &l->table, finding_cols, UI_COUNT(finding_cols), list_cell);
    else if (kind == LIST_EVIDENCE)
        ui_view_table(v, &l->table, evidence_cols, UI_COUNT(evidence_cols), list_cell);
    else
        ui_view_table(v, &l->table, total_cols, UI_COUNT(total_cols), list_cell);
    l->table.row_role = list_role;
    ui_view_owns(v, &l->finds);
    ui_view_owns(v, &l->evs);
    ui_view_owns(v, &l->tots);
    return v;
}

static struct ui_view *findings_new(struct flight_view *fv)
{
    return list_new(fv, LIST_FINDINGS);
}

static struct ui_view *evidence_new(struct flight_view *fv)
{
    return list_new(fv, LIST_EVIDENCE);
}

static struct ui_view *totals_new(struct flight_view *fv)
{
    return list_new(fv, LIST_TOTALS);
}
