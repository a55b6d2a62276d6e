/* The visit screens by screen family (enum ui_visit_screen, which the model names
 * for each visit), so home, ui_run and any other opener agree on which
 * screen a visit gets; a family without its model gets the generic screen. */
#include "ui/views.h"

#include "ui/frame.h"

#include <stddef.h>
#include <string.h>

/* The screen of a family whose model the app has; NULL: the generic one. */
static const struct ui_view_ops *family_screen(const struct ui_app *app,
                                               enum ui_visit_screen screen)
{
    switch (screen) {
    case UI_SCREEN_BEDS: return app->night ? &view_night_ops : NULL;
    case UI_SCREEN_COUNT: return app->pharmacy ? &view_pharmacy_ops : NULL;
    case UI_SCREEN_WORKSHEET: return app->flight ? &view_flight_ops : NULL;
    default: return NULL;
    }
}

struct find_visit {
    const char *id;
    struct ui_visit_row *row;
    int found;
};

static void find_visit_emit(void *ctx, const struct ui_visit_row *row)
{
    struct find_visit *f = ctx;

    if (!f->found && !strcmp(row->id, f->id)) {
        *f->row = *row;
        f->found = 1;
    }
}

int ui_visit_find(const struct ui_app *app, const char *id, struct ui_visit_row *row,
                  struct fc_error *err)
{
    struct find_visit f = {id, row, 0};
    int rc;

    if (!app->home || !app->home->list_visits)
        return 0;
    rc = app->home->list_visits(app->user, find_visit_emit, &f, err);
    return rc < 0 ? rc : f.found;
}

struct ui_view *view_for_visit(const struct ui_app *app, const struct ui_visit_row *row)
{
    const struct ui_view_ops *ops = family_screen(app, row->screen);

    return ui_view_open(ops ? ops : &view_visit_ops, app, row);
}
