/* Home screen: the missions loaded on this laptop and the visits made with
 * them, both read through the app's ui_home_model callbacks each time the
 * screen comes to the top (so counts are fresh after a visit screen closes).
 * Opening a visit asks the app to make it current, then shows its screen. */
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    HOME_ACT_OPEN_VISIT = UI_ACT_VIEW_BASE,
    HOME_ACT_NEW_VISIT,
    HOME_ACT_REFRESH,
    HOME_ACT_SHEET,
};

static const struct ui_action home_actions[] = {
    {HOME_ACT_OPEN_VISIT,
     "open-visit",
     2,
     {UI_KEY_ALT('o')},
     N_("Open"),
     "打开",
     N_("Open the selected visit and continue it"),
     "打开所选检查并继续"},
    {HOME_ACT_NEW_VISIT,
     "new-visit",
     3,
     {UI_KEY_ALT('n')},
     N_("New visit"),
     "新检查",
     N_("Open a new visit: site, kind, inspectors"),
     "开始新的检查：机构、类型、检查人员"},
    {HOME_ACT_REFRESH,
     "refresh",
     5,
     {0x12},
     N_("Refresh"),
     "刷新",
     N_("Reload missions and visits"),
     "重新读取任务和检查"},
    /* the global USB action, on an F-key here where nothing else needs it */
    {UI_ACT_USB,
     "usb",
     4,
     {UI_KEY_ALT('u')},
     N_("USB"),
     "优盘",
     N_("USB stick: load a mission pack, export a bundle, apply a receipt"),
     "优盘：载入任务包、导出数据包、导入回执"},
    {HOME_ACT_SHEET,
     "codes-sheet",
     6,
     {UI_KEY_ALT('p')},
     N_("Codes sheet"),
     "码表",
     N_("Write the codes to try as a printable page with barcodes"),
     "将可试扫的码生成带条码的可打印页面"},
    /* the global draw action, on an F-key here (F11 is the terminals') */
    {UI_ACT_DRAW,
     "draw",
     12,
     {UI_KEY_ALT('s')},
     N_("Draw"),
     "抽取",
     N_("On-site random draw: institutions drawn from the pack with the announced seed"),
     "现场双随机抽取：以公布的随机种子从任务包中抽取检查对象"},
};

struct try_code {
    char what[96];
    char code[128];
};

struct home {
    const struct ui_app *app;
    struct try_code *tries;
    size_t ntries, tcap;
    struct ui_mission_row *missions;
    size_t nmissions, mcap;
    struct ui_visit_row *visits;
    size_t nvisits, vcap;
    struct ui_table mtable, vtable;
    int focus; /* 0 missions, 1 visits */
    char error[256];
};

static const struct ui_table_col mission_cols[] = {
    {N_("Mission"), "任务编号", 16, UI_ALIGN_LEFT, 0, 0},
    {N_("Title"), "名称", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Ver"), "版本", 10, UI_ALIGN_RIGHT, 0, 0}, /* date versions: 20261122 */
    {N_("Kind"), "类型", 8, UI_ALIGN_LEFT, 0, 0},
};

static const struct ui_table_col visit_cols[] = {
    {N_("Visit"), "检查编号", 14, UI_ALIGN_LEFT, 0, 0},
    {N_("Site"), "机构", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Kind"), "类型", 8, UI_ALIGN_LEFT, 0, 0},
    {N_("Opened"), "开始", 16, UI_ALIGN_LEFT, 0, 0},
    {N_("State"), "状态", 6, UI_ALIGN_LEFT, 0, 0},
    {N_("Scans"), "扫码", 6, UI_ALIGN_RIGHT, 0, 0},
    {N_("Anomalies"), "异常", 9, UI_ALIGN_RIGHT, 0, 0},
};

static void mission_cell(void *ctx, size_t row, int col, struct buf *out)
{
    const struct ui_mission_row *m = &((struct home *)ctx)->missions[row];

    switch (col) {
    case 0: buf_adds(out, m->id); break;
    case 1: buf_adds(out, m->title); break;
    case 2: buf_addf(out, "%d", m->version); break;
    default: buf_adds(out, ui_kind_label(m->kind_label, m->kind)); break;
    }
}

static void visit_cell(void *ctx, size_t row, int col, struct buf *out)
{
    const struct ui_visit_row *v = &((struct home *)ctx)->visits[row];
    char when[CLOCK_ISO_MAX];

    switch (col) {
    case 0: buf_adds(out, v->id); break;
    case 1: buf_adds(out, v->site); break;
    case 2: buf_adds(out, ui_kind_label(v->kind_label, v->kind)); break;
    case 3:
        if (v->opened_ms) {
            clock_format_short(v->opened_ms, when);
            buf_adds(out, when);
        }
        break;
    case 4: buf_adds(out, v->is_open ? ui_tr("open", "进行中") : ui_tr("closed", "已结束")); break;
    case 5: buf_addf(out, "%ld", v->scans); break;
    default:
        /* negative: the count could not be read (a mission file gone) */
        if (v->anomalies < 0)
            buf_adds(out, "?");
        else
            buf_addf(out, "%ld", v->anomalies);
        break;
    }
}

static enum ui_role visit_role(void *ctx, size_t row)
{
    const struct ui_visit_row *v = &((struct home *)ctx)->visits[row];

    if (v->anomalies > 0)
        return UI_ROLE_ANOMALY;
    return v->is_open ? UI_ROLE_NORMAL : UI_ROLE_DIM;
}

static void emit_mission(void *ctx, const struct ui_mission_row *row)
{
    struct home *h = ctx;

    h->missions = ui_append(h->missions, &h->nmissions, &h->mcap, row, sizeof(*row));
}

static void emit_visit(void *ctx, const struct ui_visit_row *row)
{
    struct home *h = ctx;

    h->visits = ui_append(h->visits, &h->nvisits, &h->vcap, row, sizeof(*row));
}

static void emit_try(void *ctx, const char *what, const char *code)
{
    struct home *h = ctx;
    struct try_code t;

    snprintf(t.what, sizeof(t.what), "%s", what);
    snprintf(t.code, sizeof(t.code), "%s", code);
    h->tries = ui_append(h->tries, &h->ntries, &h->tcap, &t, sizeof(t));
}

static void home_load(struct home *h)
{
    const struct ui_home_model *m = h->app ? h->app->home : NULL;
    struct fc_error err;
    int rc = 0;

    fc_error_clear(&err);
    h->nmissions = h->nvisits = h->ntries = 0;
    h->error[0] = '\0';
    if (m && m->list_missions)
        rc = m->list_missions(h->app->user, emit_mission, h, &err);
    if (rc == 0 && m && m->list_visits)
        rc = m->list_visits(h->app->user, emit_visit, h, &err);
    if (rc == 0 && m && m->list_try_codes)
        rc = m->list_try_codes(h->app->user, emit_try, h, &err);
    if (rc < 0)
        ui_error_text(h->error, sizeof(h->error), rc, &err);
    ui_table_set_rows(&h->mtable, h->nmissions);
    ui_table_set_rows(&h->vtable, h->nvisits);
}

static void home_enter(struct ui_view *v)
{
    struct home *h = v->data;

    home_load(h);
    /* visits are what an inspector opens; start there when there are any */
    if (h->nvisits && h->focus == 0 && !h->mtable.sel)
        h->focus = 1;
}

/* What to do next, when there is nothing yet to open. */
static void draw_first_steps(struct home *h, WINDOW *w, int y, int cols)
{
    if (!h->nmissions) {
        ui_put(w, y++, 1, cols,
               ui_tr("No mission on this laptop yet. To start a real inspection:",
                     "本机尚无检查任务。开始一次实际检查："),
               UI_ALIGN_LEFT, UI_ROLE_TITLE);
        ui_put(w, y++, 3, cols - 2,
               ui_tr("plug in the USB stick from HQ, press F4 (or Alt-u) and load the mission "
                     "pack on it.",
                     "插入中心发放的优盘，按 F4（或 Alt-u），载入其中的任务包。"),
               UI_ALIGN_LEFT, UI_ROLE_NORMAL);
        ui_put(w, y++, 1, cols,
               ui_tr("To try fieldcheck first: quit (F10 or Alt-q) and run 'fieldcheck demo'.",
                     "先试用：退出（F10 或 Alt-q）后运行 'fieldcheck demo'。"),
               UI_ALIGN_LEFT, UI_ROLE_NORMAL);
    } else if (!h->nvisits) {
        ui_put(w, y++, 1, cols,
               ui_tr("No visit yet: F3 (or Alt-n) opens one at a site of the missions above.",
                     "尚无检查：按 F3（或 Alt-n）在上列任务的机构开始一次检查。"),
               UI_ALIGN_LEFT, UI_ROLE_TITLE);
    }
}

/* The codes a demo mission offers to try, beside the visits (or under them
 * on a narrow terminal). Returns the columns it took on the right. */
static int draw_tries(struct home *h, WINDOW *w, int y, int rows, int cols)
{
    int pw = cols >= 110 ? 46 : 0, x, n;

    if (!h->ntries)
        return 0;
    if (!pw) { /* narrow: the last rows */
        n = (int)h->ntries + 1 < rows / 2 ? (int)h->ntries + 1 : rows / 2;
        y += rows - n;
        x = 1;
        pw = cols - 2;
    } else {
        x = cols - pw - 1;
        n = rows;
    }
    ui_put(w, y, x, pw,
           ui_tr("Codes to try (demo)  F6/Alt-p: print them", "可试扫的码（演示）  F6/Alt-p：打印"),
           UI_ALIGN_LEFT, UI_ROLE_TITLE);
    if (cols >= 110 && (int)h->ntries * 2 + 1 <= n) {
        /* room for two lines each: what it is, then the code */
        for (size_t i = 0; i < h->ntries; i++) {
            ui_put(w, y + 1 + 2 * (int)i, x, pw, h->tries[i].what, UI_ALIGN_LEFT, UI_ROLE_DIM);
            ui_put(w, y + 2 + 2 * (int)i, x + 2, pw - 2, h->tries[i].code, UI_ALIGN_LEFT,
                   UI_ROLE_NORMAL);
        }
    } else {
        for (int i = 0; i + 1 < n && (size_t)i < h->ntries; i++) {
            char line[256];
            snprintf(line, sizeof(line), "%s  %s", h->tries[i].code, h->tries[i].what);
            ui_put(w, y + 1 + i, x, pw, line, UI_ALIGN_LEFT, UI_ROLE_NORMAL);
        }
    }
    return cols >= 110 ? pw + 1 : 0;
}

static void home_draw(struct ui_view *v, WINDOW *w)
{
    struct home *h = v->data;
    int mh = (v->rows - 3) / 3, vy, right, vrows;

    if (mh < 3)
        mh = 3;
    if (h->nmissions && (int)h->nmissions + 2 < mh)
        mh = (int)h->nmissions + 2;
    ui_view_heading(v, w, 0, ui_tr("Missions", "任务"), h->focus == 0);
    ui_table_draw(&h->mtable, w, 1, 1, mh, v->cols - 2, h->focus == 0);
    vy = 1 + mh + 1;
    vrows = v->rows - vy - 1;
    right = draw_tries(h, w, vy, vrows, v->cols);
    if (h->ntries && !right) /* the panel took the last rows */
        vrows -= (int)h->ntries + 1 < vrows / 2 ? (int)h->ntries + 1 : vrows / 2;
    ui_put(w, vy, 1, v->cols - 2 - right, ui_tr("Visits", "检查"), UI_ALIGN_LEFT,
           h->focus == 1 ? UI_ROLE_TITLE : UI_ROLE_HEADER);
    if (!h->nmissions || !h->nvisits)
        draw_first_steps(h, w, vy + 1, v->cols - 2 - right);
    if (h->nvisits)
        ui_table_draw(&h->vtable, w, vy + 1, 1, vrows - 1, v->cols - 2 - right, h->focus == 1);
    ui_view_draw_error(v, w, h->error);
}

static void home_sheet(struct ui_view *v)
{
    struct home *h = v->data;
    const struct ui_home_model *m = h->app->home;
    struct fc_error err;
    char path[1024] = "";

    if (!m || !m->write_try_sheet || !h->ntries) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("no codes to try: the demo mission is not loaded",
                                "没有可试扫的码：未载入演示任务"));
        return;
    }
    fc_error_clear(&err);
    if (m->write_try_sheet(h->app->user, path, &err) < 0) {
        ui_screen_error(v->scr, UI_ROLE_ANOMALY, -1, &err);
        return;
    }
    ui_screen_message(v->scr, UI_ROLE_OK, "%s %s",
                      ui_tr("codes sheet written (open it in a browser and print it):",
                            "码表已生成（用浏览器打开并打印）："),
                      path);
}

static void home_open_visit(struct ui_view *v)
{
    struct home *h = v->data;
    size_t r = ui_table_selected(&h->vtable);
    struct fc_error err;
    struct ui_visit_row row;
    int rc = 0;

    if (r == SIZE_MAX) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s", ui_tr("no visit selected", "未选择检查"));
        return;
    }
    row = h->visits[r];
    /* a closed visit takes no scan: what is left to do is its documents
     * (the on-site record with the signed checkpoint), evidence, interviews */
    if (!row.is_open && h->app->records) {
        ui_screen_push(v->scr, ui_view_open(&view_records_ops, h->app, &row));
        return;
    }
    fc_error_clear(&err);
    if (h->app->home && h->app->home->open_visit)
        rc = h->app->home->open_visit(h->app->user, row.id, &err);
    if (rc < 0) {
        char msg[256];

        ui_error_text(msg, sizeof(msg), rc, &err);
        ui_dialog_push(v->scr, ui_tr("Cannot open the visit", "无法打开检查"), msg, 0, NULL, NULL);
        return;
    }
    ui_screen_push(v->scr, view_for_visit(h->app, &row));
}

static int home_action(struct ui_view *v, int id)
{
    struct home *h = v->data;
    struct ui_table *const tables[] = {&h->mtable, &h->vtable};

    switch (id) {
    case HOME_ACT_REFRESH: home_load(h); return 1;
    case HOME_ACT_SHEET: home_sheet(v); return 1;
    case HOME_ACT_OPEN_VISIT: home_open_visit(v); return 1;
    case HOME_ACT_NEW_VISIT:
        if (h->app->home && h->app->home->new_visit)
            ui_screen_push(v->scr, ui_view_open(&view_newvisit_ops, h->app, NULL));
        else
            ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                              ui_tr("visits cannot be opened here", "此处不能开始检查"));
        return 1;
    case UI_ACT_OPEN:
        if (h->focus)
            home_open_visit(v);
        else
            h->focus = 1; /* a mission opens onto its visits */
        return 1;
    default: return ui_tables_action(tables, 2, &h->focus, id);
    }
}

static void home_init(struct ui_view *v, const struct ui_app *app)
{
    struct home *h = v->data;

    h->app = app;
    ui_view_table(v, &h->mtable, mission_cols, UI_COUNT(mission_cols), mission_cell);
    ui_view_table(v, &h->vtable, visit_cols, UI_COUNT(visit_cols), visit_cell)->row_role =
        visit_role;
    ui_view_owns(v, &h->tries);
    ui_view_owns(v, &h->missions);
    ui_view_owns(v, &h->visits);
}

const struct ui_view_ops view_home_ops = {
    .name = "home",
    .title_en = N_("Home"),
    .title_zh = "首页",
    .size = sizeof(struct home),
    .init = home_init,
    UI_VIEW_ACTIONS(home_actions),
    .enter = home_enter,
    .draw = home_draw,
    .action = home_action,
};
