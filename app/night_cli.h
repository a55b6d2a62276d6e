/* Helpers shared by the night-check commands (visit show, scan, amend, void,
 * report): opening the engine on a visit with its mission attached, and
 * gathering the per-bed and per-patient results as JSON. */
#ifndef FC_APP_NIGHT_CLI_H
#define FC_APP_NIGHT_CLI_H

#include "app/commands.h"

#include <jansson.h>
#include <stdint.h>

struct night;
struct night_result;

/* Results of a night visit: beds and patients arrays (names masked) and
 * counts per finding. Owned; release with night_cli_results_release. */
struct night_cli_results {
    json_t *beds, *patients, *bed_counts, *patient_counts;
};

/* Resolves visit_name (NULL: open visit, else the last), checks it is a night
 * visit, attaches its mission and opens the engine. Error detail in app->err. */
int night_cli_open(struct app *app, const char *visit_name, struct night **out);
int night_cli_results(struct app *app, struct night *n, struct night_cli_results *r);
void night_cli_results_release(struct night_cli_results *r);
/* Adds one to counts[name]. */
void night_cli_count(json_t *counts, const char *name);
/* --at TIME (ISO 8601, local without offset), or now (FIELDCHECK_NOW). */
int night_cli_time(struct app *app, const char *text, int64_t *ms);

/* The human message of a night verdict in the user's language (app/cmd_tui.c
 * keeps the Chinese texts; the engine's English r->message stays the JSON
 * "message"). */
void app_night_message(const struct night_result *r, char *out, size_t cap);

#endif
