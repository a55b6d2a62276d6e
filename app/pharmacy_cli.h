/* Helpers shared by the pharmacy commands (count, reconcile) and by the
 * pharmacy branches of scan, void, report and visit show: opening the engine
 * on a visit with its mission attached, and printing results. */
#ifndef FC_APP_PHARMACY_CLI_H
#define FC_APP_PHARMACY_CLI_H

#include "app/commands.h"

#include <jansson.h>

struct pharmacy;
struct pharmacy_result;
struct visit;

/* 1 if visit_name (NULL: the open visit, else the last) names a pharmacy
 * visit, 0 otherwise (also when it names nothing: the caller reports that). */
int pharmacy_cli_is_pharmacy(struct app *app, const char *visit_name);

/* Resolves the visit, checks it is a pharmacy visit, attaches its mission and
 * opens the engine. Error detail in app->err. */
int pharmacy_cli_open(struct app *app, const char *visit_name, struct pharmacy **out);

/* One result as a line of text or, with --json, one JSON object. */
void pharmacy_cli_print_result(struct app *app, const struct pharmacy_result *r);

/* The pharmacy branches of `scan` (codes argv[0..argc) or a --replay file),
 * `void`, and `report`; each returns the process exit code. */
int pharmacy_cli_scan(struct app *app, const char *visit, const char *at, const char *replay,
                      int typed, int argc, char **argv);
int pharmacy_cli_void(struct app *app, const char *visit, const char *target, const char *reason,
                      const char *at);
int pharmacy_cli_report(struct app *app, const char *visit, const char *format, const char *path);

/* `visit show` of a pharmacy visit: attaches the mission and sets o["drugs"]
 * (and "blind"); without --json prints the drug table. Returns 0 or an
 * error code with detail in app->err. */
int pharmacy_cli_show(struct app *app, const struct visit *v, json_t *o);

#endif
