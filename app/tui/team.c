/* The team's view behind the TUI (struct ui_team_model): what `team view`
 * prints, from the same core (core/team/view.h) over the team store that
 * `team import` and the USB screen fill. Labels come from the workflows'
 * catalogues; nothing here knows a workflow. */
#include "app/tui/tui.h"

#include "core/base/lang.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/team/view.h"
#include "sync/team.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tui_team {
    struct ui_team_model model;
    struct tui *t;
};

struct emit_ctx {
    void (*emit)(void *ctx, const struct ui_team_row *row);
    void *ctx;
    size_t items;
};

static enum ui_severity severity_of(const struct verdict *v)
{
    switch (v->severity) {
    case VERDICT_SEV_ANOMALY: return UI_SEV_ANOMALY;
    case VERDICT_SEV_WARN: return UI_SEV_WARN;
    case VERDICT_SEV_OK: return UI_SEV_OK;
    default: return UI_SEV_NONE;
    }
}

static int count_item(const struct team_item *it, void *ctx)
{
    (void)it;
    ++*(size_t *)ctx;
    return 0;
}

static int emit_item(const struct team_item *it, void *ctx)
{
    struct emit_ctx *e = ctx;

    for (size_t i = 0; i < it->n; i++) {
        const struct team_record *r = &it->records[i];
        struct ui_team_row row;
        char a[MONEY_TEXT_MAX], l[MONEY_TEXT_MAX];

        memset(&row, 0, sizeof(row));
        snprintf(row.workflow, sizeof(row.workflow), "%s", workflow_label(it->wf));
        snprintf(row.group, sizeof(row.group), "%s",
                 fc_text(it->group->label_en, it->group->label_zh));
        snprintf(row.site, sizeof(row.site), "%s", it->site_code);
        snprintf(row.subject, sizeof(row.subject), "%s", it->subject);
        row.first = i == 0;
        row.conflict = it->conflict;
        row.resolved = it->resolved;
        row.is_self = r->is_self;
        snprintf(row.author, sizeof(row.author), "%.8s %s", r->device, r->inspectors);
        if (r->count != 1)
            snprintf(row.verdict, sizeof(row.verdict), "%s x%lld", verdict_label(r->verdict),
                     (long long)r->count);
        else
            snprintf(row.verdict, sizeof(row.verdict), "%s", verdict_label(r->verdict));
        snprintf(row.code, sizeof(row.code), "%s", r->verdict->code);
        row.sev = severity_of(r->verdict);
        money_text(r->amount_fen, a);
        money_text(r->fund_loss_fen, l);
        if (it->group->money == WORKFLOW_MONEY_AMOUNT_LOSS)
            snprintf(row.money, sizeof(row.money), "%s / %s", a, l);
        else if (it->group->money == WORKFLOW_MONEY_AMOUNT)
            snprintf(row.money, sizeof(row.money), "%s", a);
        snprintf(row.detail, sizeof(row.detail), "%s", r->detail);
        e->emit(e->ctx, &row);
    }
    return 0;
}

struct count_members {
    char (*dev)[17];
    size_t n;
};

static int count_member(const struct team_visit *v, void *ctx)
{
    struct count_members *c = ctx;

    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->dev[i], v->device))
            return 0;
    c->dev = xreallocarray(c->dev, c->n + 1, sizeof(*c->dev));
    snprintf(c->dev[c->n++], sizeof(c->dev[0]), "%s", v->device);
    return 0;
}

static int team_list(void *user, int conflicts_only,
                     void (*emit)(void *ctx, const struct ui_team_row *row), void *ctx,
                     char summary[160], struct fc_error *err)
{
    struct tui_team *tt = user;
    struct store *s = tui_store(tt->t);
    struct emit_ctx e = {emit, ctx, 0};
    struct count_members cm = {NULL, 0};
    struct team_view *tv = NULL;
    struct hqdb *db = NULL;
    int rc = team_store_open(s, 0, &db, err);

    if (rc && rc != FC_ENOTFOUND)
        return rc;
    rc = team_view_open(s, db, &tv, err);
    hqdb_close(db);
    if (rc)
        return rc;
    team_view_items(tv, NULL, NULL, conflicts_only, emit_item, &e);
    team_view_items(tv, NULL, NULL, 0, count_item, &e.items);
    team_view_visits(tv, NULL, count_member, &cm);
    snprintf(summary, 160,
             ui_tr("%zu laptop(s), %zu item(s), %zu conflict(s)",
                   "电脑 %zu 台，项目 %zu 个，冲突 %zu 个"),
             cm.n, e.items, team_view_conflicts(tv, NULL));
    free(cm.dev);
    team_view_free(tv);
    return FC_OK;
}

const struct ui_team_model *tui_team_model(struct tui *t, struct tui_team **out)
{
    struct tui_team *tt = xcalloc(1, sizeof(*tt));

    tt->t = t;
    tt->model.user = tt;
    tt->model.list = team_list;
    *out = tt;
    return &tt->model;
}

void tui_team_free(struct tui_team *tt)
{
    free(tt);
}
