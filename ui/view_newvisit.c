/* New-visit form over home: the site (picked from the loaded missions' sites,
 * narrowed by typing), the kind, two inspectors and whether credentials were
 * shown (条例 art. 29). A small form rather than a wizard: an inspector at a
 * hospital door wants it done in a few keys. */
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

enum { NV_ACT_SAVE = UI_ACT_VIEW_BASE };

static const struct ui_action nv_actions[] = {
    {NV_ACT_SAVE,
     "open-new-visit",
     2,
     {UI_KEY_ALT('o')},
     N_("Start"),
     "开始",
     N_("Open the visit with these details"),
     "按以上信息开始检查"},
};

enum nv_field { F_SITE = 0, F_KIND, F_INSP1, F_INSP2, F_CRED, F_COUNT };

struct newvisit {
    const struct ui_app *app;
    struct ui_site_row *sites;
    size_t nsites, cap;
    size_t *match; /* indexes of sites matching the filter */
    size_t nmatch, pick;
    struct ui_kind_row *kinds; /* the kinds the model offers, in its order */
    size_t nkinds, kcap;
    struct ui_input filter, insp1, insp2;
    int kind, cred, kind_set;
    enum nv_field field;
    char error[256];
};

static void emit_site(void *ctx, const struct ui_site_row *row)
{
    struct newvisit *f = ctx;

    f->sites = ui_append(f->sites, &f->nsites, &f->cap, row, sizeof(*row));
}

static void emit_kind(void *ctx, const struct ui_kind_row *row)
{
    struct newvisit *f = ctx;

    f->kinds = ui_append(f->kinds, &f->nkinds, &f->kcap, row, sizeof(*row));
}

static const char *kind_label(const struct newvisit *f)
{
    return f->nkinds ? ui_kind_label(f->kinds[f->kind].label, f->kinds[f->kind].kind) : "";
}

static const struct ui_site_row *picked(const struct newvisit *f)
{
    return f->nmatch ? &f->sites[f->match[f->pick]] : NULL;
}

/* Re-applies the site filter (code or name contains the text) and, unless
 * the inspector chose a kind, proposes one from the site's kind. */
static void refilter(struct newvisit *f)
{
    const struct ui_site_row *s;

    free(f->match);
    f->match = xreallocarray(NULL, f->nsites ? f->nsites : 1, sizeof(*f->match));
    f->nmatch = 0;
    for (size_t i = 0; i < f->nsites; i++)
        if (!f->filter.text.len || strstr(f->sites[i].code, f->filter.text.ptr) ||
            strstr(f->sites[i].name, f->filter.text.ptr))
            f->match[f->nmatch++] = i;
    if (f->pick >= f->nmatch)
        f->pick = 0;
    s = picked(f);
    /* propose the first kind made for this kind of site */
    for (size_t i = 0; s && !f->kind_set && i < f->nkinds; i++)
        if (!strcmp(f->kinds[i].site_kind, s->kind)) {
            f->kind = (int)i;
            break;
        }
}

static struct ui_input *field_input(struct newvisit *f)
{
    switch (f->field) {
    case F_SITE: return &f->filter;
    case F_INSP1: return &f->insp1;
    case F_INSP2: return &f->insp2;
    default: return NULL;
    }
}

static void cycle(struct newvisit *f, int dir)
{
    switch (f->field) {
    case F_SITE:
        if (f->nmatch)
            f->pick = (f->pick + f->nmatch + (size_t)(dir > 0 ? 1 : f->nmatch - 1)) % f->nmatch;
        break;
    case F_KIND:
        if (f->nkinds)
            f->kind = (int)(((size_t)f->kind + f->nkinds + (size_t)(dir > 0 ? 1 : -1)) % f->nkinds);
        f->kind_set = 1;
        break;
    case F_CRED: f->cred = !f->cred; break;
    default: break;
    }
}

static int nv_text(struct ui_view *v, uint32_t key)
{
    struct newvisit *f = v->data;
    struct ui_input *in = field_input(f);

    if (key == '\t' || key == SCAN_KEY_SPECIAL(KEY_DOWN)) {
        f->field = (enum nv_field)((f->field + 1) % F_COUNT);
        return 1;
    }
    if (key == SCAN_KEY_SPECIAL(KEY_BTAB) || key == SCAN_KEY_SPECIAL(KEY_UP)) {
        f->field = (enum nv_field)((f->field + F_COUNT - 1) % F_COUNT);
        return 1;
    }
    if (key == SCAN_KEY_SPECIAL(KEY_LEFT) || key == SCAN_KEY_SPECIAL(KEY_RIGHT)) {
        cycle(f, key == SCAN_KEY_SPECIAL(KEY_RIGHT) ? 1 : -1);
        return 1;
    }
    if (f->field == F_CRED &&
        (key == 'y' || key == 'Y' || key == 'n' || key == 'N' || key == ' ')) {
        f->cred = key == ' ' ? !f->cred : (key == 'y' || key == 'Y');
        return 1;
    }
    if (f->field == F_KIND && key == ' ') {
        cycle(f, 1);
        return 1;
    }
    if (in && ui_input_key(in, key)) {
        if (in == &f->filter)
            refilter(f);
        return 1;
    }
    return 0;
}

static void nv_save(struct ui_view *v)
{
    struct newvisit *f = v->data;
    const struct ui_home_model *m = f->app->home;
    const struct ui_site_row *s = picked(f);
    struct ui_new_visit nv;
    struct ui_visit_row row;
    struct fc_error err;
    char id[64];
    int rc;

    if (!s) {
        snprintf(f->error, sizeof(f->error), "%s", ui_tr("pick a site", "请选择机构"));
        return;
    }
    if (!f->nkinds) {
        snprintf(f->error, sizeof(f->error), "%s",
                 ui_tr("no kind of visit is available", "没有可用的检查类别"));
        return;
    }
    if (!f->insp1.text.len || !f->insp2.text.len) {
        snprintf(f->error, sizeof(f->error), "%s",
                 ui_tr("two inspectors are required", "须有两名检查人员"));
        return;
    }
    memset(&nv, 0, sizeof(nv));
    snprintf(nv.site, sizeof(nv.site), "%s", s->code);
    snprintf(nv.kind, sizeof(nv.kind), "%s", f->kinds[f->kind].kind);
    snprintf(nv.inspector1, sizeof(nv.inspector1), "%s", f->insp1.text.ptr);
    snprintf(nv.inspector2, sizeof(nv.inspector2), "%s", f->insp2.text.ptr);
    nv.credentials_shown = f->cred;
    fc_error_clear(&err);
    rc = m->new_visit(f->app->user, &nv, id, &err);
    if (rc < 0) {
        ui_error_text(f->error, sizeof(f->error), rc, &err);
        ui_screen_alert(v->scr, UI_SEV_WARN);
        return;
    }
    if (ui_visit_find(f->app, id, &row, &err) <= 0) {
        memset(&row, 0, sizeof(row));
        snprintf(row.id, sizeof(row.id), "%s", id);
        snprintf(row.site, sizeof(row.site), "%s", s->name);
        snprintf(row.kind, sizeof(row.kind), "%s", nv.kind);
        snprintf(row.kind_label, sizeof(row.kind_label), "%s", kind_label(f));
        row.is_open = 1;
    }
    ui_screen_replace(v->scr, view_for_visit(f->app, &row));
}

static int nv_action(struct ui_view *v, int id)
{
    struct newvisit *f = v->data;

    switch (id) {
    case NV_ACT_SAVE:
    case UI_ACT_OPEN: nv_save(v); return 1;
    case UI_ACT_NEXT_PANE: f->field = (enum nv_field)((f->field + 1) % F_COUNT); return 1;
    default: return 0;
    }
}

static void nv_draw(struct ui_view *v, WINDOW *w)
{
    struct newvisit *f = v->data;
    const struct ui_site_row *s = picked(f);
    char line[512];
    int y = 0, cw = v->cols - 4;

    ui_put(w, y++, 1, v->cols - 2, ui_tr("Open a new visit", "开始新的检查"), UI_ALIGN_LEFT,
           UI_ROLE_TITLE);
    y++;
    ui_input_draw(&f->filter, w, y++, 2, cw,
                  ui_tr("Site (type to search):", "机构（输入以查找）："), f->field == F_SITE);
    if (s)
        snprintf(line, sizeof(line), "  < %s  %s  (%zu/%zu) >", s->code, s->name, f->pick + 1,
                 f->nmatch);
    else
        snprintf(line, sizeof(line), "  %s",
                 f->nsites ? ui_tr("no site matches", "没有匹配的机构")
                           : ui_tr("no mission loaded: load one with 'fieldcheck mission load'",
                                   "未载入任务：请先用 fieldcheck mission load 载入"));
    ui_put(w, y++, 2, cw, line, UI_ALIGN_LEFT,
           f->field == F_SITE ? UI_ROLE_SELECTED : UI_ROLE_NORMAL);
    y++;
    snprintf(line, sizeof(line), "%s  < %s >", ui_tr("Kind:", "类型："), kind_label(f));
    ui_put(w, y++, 2, cw, line, UI_ALIGN_LEFT,
           f->field == F_KIND ? UI_ROLE_SELECTED : UI_ROLE_NORMAL);
    y++;
    ui_input_draw(&f->insp1, w, y++, 2, cw, ui_tr("Inspector 1:", "检查人员1："),
                  f->field == F_INSP1);
    ui_input_draw(&f->insp2, w, y++, 2, cw, ui_tr("Inspector 2:", "检查人员2："),
                  f->field == F_INSP2);
    y++;
    snprintf(line, sizeof(line), "%s  %s",
             ui_tr("Credentials shown (y/n):", "已出示执法证件（y/n）："),
             f->cred ? ui_tr("yes", "是") : ui_tr("no", "否"));
    ui_put(w, y++, 2, cw, line, UI_ALIGN_LEFT,
           f->field == F_CRED ? UI_ROLE_SELECTED : UI_ROLE_NORMAL);
    y++;
    if (f->error[0])
        ui_put(w, y++, 2, cw, f->error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
    ui_put(w, v->rows - 1, 1, v->cols - 2,
           ui_tr("Tab/Up/Down: field   Left/Right: choose   Enter/F2: start   Esc: cancel",
                 "Tab/上下：切换栏目   左右：选择   回车/F2：开始   Esc：取消"),
           UI_ALIGN_CENTER, UI_ROLE_DIM);
}

static void newvisit_init(struct ui_view *v, const struct ui_app *app)
{
    struct newvisit *f = v->data;
    struct fc_error err;
    int rc;

    f->app = app;
    f->cred = 1;
    ui_view_input(v, &f->filter, 64);
    ui_view_input(v, &f->insp1, 60);
    ui_view_input(v, &f->insp2, 60);
    ui_view_owns(v, &f->sites);
    ui_view_owns(v, &f->kinds);
    ui_view_owns(v, &f->match);
    fc_error_clear(&err);
    if (app->home && app->home->list_kinds &&
        (rc = app->home->list_kinds(app->user, emit_kind, f, &err)) < 0)
        ui_error_text(f->error, sizeof(f->error), rc, &err);
    if (app->home && app->home->list_sites &&
        (rc = app->home->list_sites(app->user, emit_site, f, &err)) < 0)
        ui_error_text(f->error, sizeof(f->error), rc, &err);
    refilter(f);
}

const struct ui_view_ops view_newvisit_ops = {
    .name = "new-visit",
    .title_en = N_("New visit"),
    .title_zh = "新检查",
    .size = sizeof(struct newvisit),
    .init = newvisit_init,
    UI_VIEW_ACTIONS(nv_actions),
    .draw = nv_draw,
    .action = nv_action,
    .text = nv_text,
};
