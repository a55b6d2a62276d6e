/* The visit screens by screen family (enum ui_visit_screen, which the model names
 * for each visit), so home, ui_run and any other opener agree on which
 * screen a visit gets; a family without its model gets the generic screen. */
#include "ui/views.h"

#include <stddef.h>
#include <string.h>

struct visit_screen {
    enum ui_visit_screen screen;
    /* NULL: the generic visit screen */
    struct ui_view *(*make)(const struct ui_app *app, const struct ui_visit_row *row);
};

static struct ui_view *make_night(const struct ui_app *app, const struct ui_visit_row *row)
{
    return app->night ? view_night_new(app, row) : NULL;
}

static struct ui_view *make_flight(const struct ui_app *app, const struct ui_visit_row *row)
{
    return app->flight ? view_flight_new(app, row) : NULL;
}

static struct ui_view *make_pharmacy(const struct ui_app *app, const struct ui_visit_row *row)
{
    return app->pharmacy ? view_pharmacy_new(app, row) : NULL;
}

static const struct visit_screen visit_screens[] = {
    {UI_SCREEN_BEDS, make_night},
    {UI_SCREEN_COUNT, make_pharmacy},
    {UI_SCREEN_WORKSHEET, make_flight},
};

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
    for (size_t i = 0; i < sizeof(visit_screens) / sizeof(visit_screens[0]); i++) {
        struct ui_view *v;
        if (visit_screens[i].screen != row->screen || !visit_screens[i].make)
            continue;
        v = visit_screens[i].make(app, row);
        if (v)
            return v;
    }
    return view_visit_new(app, row);
}
