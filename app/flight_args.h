/* The visit the flight worksheet commands (susp, finding) act on: the
 * command's visit (app_visit), a flight inspection, open when they add. */
#ifndef FC_APP_FLIGHT_ARGS_H
#define FC_APP_FLIGHT_ARGS_H

#include "app/commands.h"
#include "core/visit/visit.h"

#include <stdint.h>

/* The command's visit (app_visit: --visit, else the open one, else the
 * last), checked to be open when need_open, copied into v. Returns 0, or the
 * exit code after printing the error. v is released by the caller with
 * visit_release() in both cases. */
int flight_visit(struct app *app, int need_open, struct visit *v);

#endif
