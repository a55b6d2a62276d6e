/* The registry of visit screens by visit kind. A kind's engine gets its
 * screen by adding one row here (pharmacy and flight are listed with the
 * generic screen until theirs exist), so home, ui_run and any other opener
 * agree on which screen a visit gets. */
#include "ui/views.h"

#include <string.h>

struct visit_screen {
    const char *kind;
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
    {"night", make_night},
    {"pharmacy", make_pharmacy},
    {"flight", make_flight},
};

struct ui_view *view_for_visit(const struct ui_app *app, const struct ui_visit_row *row)
{
    for (size_t i = 0; i < sizeof(visit_screens) / sizeof(visit_screens[0]); i++) {
        struct ui_view *v;
        if (strcmp(visit_screens[i].kind, row->kind) || !visit_screens[i].make)
            continue;
        v = visit_screens[i].make(app, row);
        if (v)
            return v;
    }
    return view_visit_new(row);
}
