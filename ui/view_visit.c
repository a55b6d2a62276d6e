/* Generic visit screen: every code (scanned, or typed and sent with Enter)
 * goes to the app's scan callback with the visit id; the answer fills a large
 * verdict banner, readable from across a ward, and a list of this session's
 * scans, newest first. Kind-specific screens build on the same pieces. */
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VISIT_INPUT_MAX 128
#define BANNER_ROWS 5

struct visit_scan {
    int64_t at_ms;
    enum ui_scan_how how;
    char *code;
    struct ui_verdict v;
};

enum { VISIT_ACT_CLOSE = UI_ACT_VIEW_BASE, VISIT_ACT_RECORDS };

static const struct ui_action visit_actions[] = {
    {VISIT_ACT_CLOSE,
     "close-visit",
     12,
     {UI_KEY_ALT('c')},
     N_("Close"),
     "结束检查",
     N_("Close the visit: summary and checkpoint code"),
     "结束检查：汇总与核验码"},
    {VISIT_ACT_RECORDS,
     "records",
     0,
     {UI_KEY_ALT('r')},
     N_("Records"),
     "文书",
     N_("Documents to print, evidence files, interviews"),
     "打印文书、登记证据、询问笔录"},
};

struct visit {
    struct ui_visit_view visit; /* first: app and row */
    struct visit_scan *scans;
    size_t nscans, cap;
    long anomalies;
    struct ui_input input;
    struct ui_table table;
};

static const struct ui_table_col scan_cols[] = {
    {N_("Time"), "时间", 8, UI_ALIGN_LEFT, 0, 0},
    {N_("How"), "方式", 5, UI_ALIGN_LEFT, 0, 0},
    {N_("Code"), "码", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Verdict"), "结论", 18, UI_ALIGN_LEFT, 0, 0},
    {N_("Message"), "说明", 0, UI_ALIGN_LEFT, 0, 0},
};

/* Row r of the table is the r-th newest scan. */
static struct visit_scan *scan_at(struct visit *vs, size_t r)
{
    return &vs->scans[vs->nscans - 1 - r];
}

static void scan_cell(void *ctx, size_t row, int col, struct buf *out)
{
    struct visit_scan *sc = scan_at(ctx, row);

    switch (col) {
    case 0: ui_cell_time(out, sc->at_ms); break;
    case 1:
        buf_adds(out, sc->how == UI_SCAN_BURST ? ui_tr("scan", "扫码") : ui_tr("typed", "手输"));
        break;
    case 2: buf_adds(out, sc->code); break;
    case 3: buf_adds(out, ui_verdict_name(&sc->v)); break;
    default: buf_adds(out, sc->v.message); break;
    }
}

static enum ui_role scan_role(void *ctx, size_t row)
{
    return ui_severity_role(scan_at(ctx, row)->v.severity);
}

static void visit_submit(struct ui_view *v, const char *code, enum ui_scan_how how)
{
    struct visit *vs = v->data;
    struct visit_scan *sc;

    if (vs->nscans == vs->cap) {
        vs->cap = vs->cap ? vs->cap * 2 : 32;
        vs->scans = xreallocarray(vs->scans, vs->cap, sizeof(*vs->scans));
    }
    sc = &vs->scans[vs->nscans];
    memset(sc, 0, sizeof(*sc));
    sc->at_ms = clock_now_ms();
    sc->how = how;
    sc->code = xstrdup(code);
    ui_screen_submit_scan(v->scr, vs->visit.row.id, code, how, &sc->v);
    if (sc->v.severity == UI_SEV_ANOMALY)
        vs->anomalies++;
    vs->nscans++;
    ui_table_set_rows(&vs->table, vs->nscans);
    ui_table_select(&vs->table, 0);
}

static void visit_scan(struct ui_view *v, const char *code, size_t len)
{
    (void)len;
    visit_submit(v, code, UI_SCAN_BURST);
}

static void visit_typed(struct ui_view *v, const char *code)
{
    visit_submit(v, code, UI_SCAN_TYPED);
}

static int visit_text(struct ui_view *v, uint32_t key)
{
    return ui_view_input_key(v, &((struct visit *)v->data)->input, key, visit_typed);
}

static void visit_draw(struct ui_view *v, WINDOW *w)
{
    struct visit *vs = v->data;
    struct visit_scan *last = vs->nscans ? &vs->scans[vs->nscans - 1] : NULL;
    char head[256];
    int y = 0;

    snprintf(head, sizeof(head), "%s  %s  %s    %s %zu    %s %ld", vs->visit.row.id,
             vs->visit.row.site, ui_kind_label(vs->visit.row.kind_label, vs->visit.row.kind),
             ui_tr("Scans", "扫码数"), vs->nscans, ui_tr("Anomalies", "异常"), vs->anomalies);
    ui_put(w, y++, 1, v->cols - 2, head, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    if (last)
        ui_verdict_banner(w, y, 1, BANNER_ROWS, v->cols - 2, &last->v);
    else
        ui_banner_draw(w, y, 1, BANNER_ROWS, v->cols - 2, UI_SEV_NONE, ui_tr("READY", "请扫码"),
                       ui_tr("scan a label, a wristband or an ID card", "扫床头卡、腕带或身份证"));
    y += BANNER_ROWS + 1;
    ui_input_draw(&vs->input, w, y++, 1, v->cols - 2, ui_tr("Code:", "输入码："), 1);
    y++;
    ui_view_draw_table(v, w, &vs->table, y, 1, NULL);
}

static int visit_action(struct ui_view *v, int id)
{
    struct visit *vs = v->data;

    switch (id) {
    case VISIT_ACT_CLOSE: ui_visit_view_close(v); return 1;
    case VISIT_ACT_RECORDS: ui_visit_view_records(v); return 1;
    default: return ui_table_action(&vs->table, id);
    }
}

static void visit_destroy(struct ui_view *v)
{
    struct visit *vs = v->data;

    for (size_t i = 0; i < vs->nscans; i++)
        free(vs->scans[i].code);
}

static void visit_init(struct ui_view *v, const struct ui_app *app)
{
    struct visit *vs = v->data;

    (void)app; /* the generic screen needs no model of its own */
    ui_view_input(v, &vs->input, VISIT_INPUT_MAX);
    ui_view_table(v, &vs->table, scan_cols, UI_COUNT(scan_cols), scan_cell)->row_role = scan_role;
    ui_view_owns(v, &vs->scans);
}

const struct ui_view_ops view_visit_ops = {
    .name = "visit",
    .title_en = N_("Visit"),
    .title_zh = "检查",
    .size = sizeof(struct visit),
    .init = visit_init,
    UI_VIEW_ACTIONS(visit_actions),
    .draw = visit_draw,
    .action = visit_action,
    .text = visit_text,
    .scan = visit_scan,
    .destroy = visit_destroy,
};
