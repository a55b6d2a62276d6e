/* Helpers of the pharmacy commands (count, reconcile): opening the engine on
 * a visit with its mission attached, and printing results. */
#ifndef FC_APP_PHARMACY_CLI_H
#define FC_APP_PHARMACY_CLI_H

#include "app/commands.h"

#include <jansson.h>

struct pharmacy;
struct pharmacy_result;

/* Resolves the visit, checks it is a pharmacy visit, attaches its mission and
 * opens the engine. Error detail in app->err. */
int pharmacy_cli_open(struct app *app, const char *visit_name, struct pharmacy **out);

/* One result as a line of text or, with --json, one JSON object. */
void pharmacy_cli_print_result(struct app *app, const struct pharmacy_result *r);

#endif
