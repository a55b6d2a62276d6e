/* The visit of the flight worksheet commands (app/flight_args.h); their
 * options are parsed by app/args.c like every command's. */
#include "app/flight_args.h"

#include "core/flight/flight.h"

#include <string.h>

int flight_visit(struct app *app, int need_open, struct visit *v)
{
    const struct visit *cur = NULL;
    int rc = app_visit(app, &cur, NULL);

    memset(v, 0, sizeof(*v));
    if (!rc)
        rc = flight_prepare(app->store, cur, need_open, &app->err);
    if (!rc)
        visit_dup(v, cur);
    return rc ? app_fail(app, rc) : 0;
}
