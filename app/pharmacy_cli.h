/* Helpers of the pharmacy commands (count, reconcile): opening the engine on
 * a visit with its mission attached, and printing results. */
#ifndef FC_APP_PHARMACY_CLI_H
#define FC_APP_PHARMACY_CLI_H

#include "app/commands.h"

#include <jansson.h>

struct pharmacy;
struct pharmacy_result;

/* Opens the engine on the command's visit (app_visit: a pharmacy visit, its
 * mission attached). Error detail in app->err. */
int pharmacy_cli_open(struct app *app, struct pharmacy **out);

/* One result as a line of text or, with --json, one JSON object. */
void pharmacy_cli_print_result(struct app *app, const struct pharmacy_result *r);

#endif
