/* The team's view on the lead's laptop (`team view` on screen): every item
 * the team recorded, one row per member's record with its author, items
 * that two members recorded differently marked CONFLICT in the anomaly role
 * until the lead records them too (then as decided, in the warning role).
 * The screen only shows: a conflict is resolved by the lead's own record on
 * the visit's screen, never here. F2 shows only the conflicts. */
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TEAM_ACT_CONFLICTS = UI_ACT_VIEW_BASE,
    TEAM_ACT_RELOAD,
};

static const struct ui_action team_actions[] = {
    {TEAM_ACT_CONFLICTS,
     "conflicts",
     2,
     {UI_KEY_ALT('c')},
     N_("Conflicts"),
     "冲突",
     N_("Show only the items members recorded differently, or everything again"),
     "只显示组员记录不一致的项目／恢复显示全部"},
    {TEAM_ACT_RELOAD,
     "reload",
     5,
     {UI_KEY_ALT('r')},
     N_("Reload"),
     "刷新",
     N_("Read the team's records again (after importing bundles)"),
     "重新读取全组记录（导入数据包之后）"},
};

struct team {
    const struct ui_team_model *m;
    struct ui_team_row *rows;
    size_t n, cap;
    struct ui_table table;
    int conflicts_only;
    char summary[160];
    char error[320];
};

static const struct ui_table_col cols[] = {
    {N_("Item"), "项目", 10, UI_ALIGN_LEFT, 0, 0},
    {N_("Record"), "记录", 0, UI_ALIGN_LEFT, 14, 0},
    {N_("Irregular / loss"), "违规/损失", 17, UI_ALIGN_RIGHT, 0, 2},
    {N_("By"), "记录人", 0, UI_ALIGN_LEFT, 14, 0},
    {N_("Detail"), "说明", 0, UI_ALIGN_LEFT, 10, 1},
};

static void cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_team_row *row = &((struct team *)ctx)->rows[r];

    switch (col) {
    case 0:
        if (row->first)
            buf_adds(out, row->subject[0] ? row->subject : ui_tr("(sum)", "（合计）"));
        break;
    case 1:
        if (row->first && row->conflict)
            buf_adds(out, row->resolved ? ui_tr("[decided] ", "［已裁定］")
                                        : ui_tr("[CONFLICT] ", "［冲突］"));
        buf_addf(out, "%s", row->verdict);
        break;
    case 2: buf_adds(out, row->money); break;
    case 3:
        if (row->is_self)
            buf_addf(out, "%s ", ui_tr("LEAD", "组长"));
        buf_adds(out, row->author);
        break;
    default: buf_adds(out, row->detail); break;
    }
}

static enum ui_role row_role(void *ctx, size_t r)
{
    const struct ui_team_row *row = &((struct team *)ctx)->rows[r];

    if (row->conflict)
        return row->resolved ? UI_ROLE_WARN : UI_ROLE_ANOMALY;
    return row->sev == UI_SEV_ANOMALY ? UI_ROLE_NORMAL : UI_ROLE_DIM;
}

static void emit(void *ctx, const struct ui_team_row *row)
{
    struct team *t = ctx;

    t->rows = ui_append(t->rows, &t->n, &t->cap, row, sizeof(*row));
}

static void team_load(struct team *t)
{
    struct fc_error err;
    int rc;

    t->n = 0;
    t->error[0] = t->summary[0] = '\0';
    fc_error_clear(&err);
    rc = t->m->list(t->m->user, t->conflicts_only, emit, t, t->summary, &err);
    if (rc < 0)
        ui_error_text(t->error, sizeof(t->error), rc, &err);
    ui_table_set_rows(&t->table, t->n);
}

static int team_action(struct ui_view *v, int id)
{
    struct team *t = v->data;

    switch (id) {
    case TEAM_ACT_CONFLICTS:
        t->conflicts_only = !t->conflicts_only;
        team_load(t);
        ui_table_select(&t->table, 0);
        return 1;
    case TEAM_ACT_RELOAD: team_load(t); return 1;
    default: return ui_table_action(&t->table, id);
    }
}

static void team_draw(struct ui_view *v, WINDOW *w)
{
    struct team *t = v->data;
    const struct ui_team_row *sel = NULL;
    size_t i = ui_table_selected(&t->table);
    char line[512];
    int y = 0;

    ui_put(w, y++, 1, v->cols - 2, t->summary, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    if (i != SIZE_MAX)
        sel = &t->rows[i];
    if (sel)
        snprintf(line, sizeof(line), "%s  %s  %s  %s (%s)", sel->site, sel->workflow, sel->group,
                 sel->verdict, sel->code);
    else
        snprintf(line, sizeof(line), "%s",
                 t->conflicts_only ? ui_tr("no conflicts between members", "组员之间无冲突")
                                   : ui_tr("nothing recorded yet", "尚无记录"));
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, UI_ROLE_DIM);
    ui_view_draw_table(v, w, &t->table, y, 1, t->error);
}

static void team_enter(struct ui_view *v)
{
    team_load(v->data);
}

static const char *team_title(struct ui_view *v)
{
    struct team *t = v->data;

    return t->conflicts_only ? ui_tr("Team: conflicts", "全组：冲突")
                             : ui_tr("Team's records", "全组记录");
}

static void team_init(struct ui_view *v, const struct ui_app *app)
{
    struct team *t = v->data;

    if (!app->team)
        BUG("team screen without a team model");
    t->m = app->team;
    ui_view_table(v, &t->table, cols, UI_COUNT(cols), cell)->row_role = row_role;
    ui_view_owns(v, &t->rows);
}

const struct ui_view_ops view_team_ops = {
    .name = "team",
    .size = sizeof(struct team),
    .init = team_init,
    UI_VIEW_ACTIONS(team_actions),
    .enter = team_enter,
    .draw = team_draw,
    .action = team_action,
    .title = team_title,
};
