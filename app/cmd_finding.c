/* fieldcheck finding add|list: findings of a flight inspection recorded
 * against the violation taxonomy (core/taxonomy.h), with amounts in yuan. */
#include "app/commands.h"

#include "app/args.h"
#include "app/flight_args.h"
#include "core/base/xalloc.h"
#include "core/flight/flight.h"
#include "core/store/store.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits a comma-separated list into malloc'd items (empty items dropped). */
static char **split_list(const char *text, size_t *n)
{
    char **items = NULL;
    const char *p = text;

    *n = 0;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len) {
            items = xreallocarray(items, *n + 1, sizeof(*items));
            items[(*n)++] = xstrndup(p, len);
        }
        p = end ? end + 1 : NULL;
    }
    return items;
}

static void free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

int cmd_finding_add(struct app *app, int argc, char **argv)
{
    struct flight_finding_args a;
    const char *lines = NULL, *patients = NULL, *evidence = NULL;
    const struct app_opt opts[] = {{"--code", &a.code, NULL, NULL, NULL},
                                   {"--amount", &a.amount, NULL, NULL, NULL},
                                   {"--fund-loss", &a.fund_loss, NULL, NULL, NULL},
                                   {"--qty", &a.qty, NULL, NULL, NULL},
                                   {"--unit-price", &a.unit_price, NULL, NULL, NULL},
                                   {"--lines", &lines, NULL, NULL, NULL},
                                   {"--patients", &patients, NULL, NULL, NULL},
                                   {"--note", &a.note, NULL, NULL, NULL},
                                   {"--evidence", &evidence, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    char **line_list = NULL, **patient_list = NULL;
    char event_id[37] = "";
    struct visit v;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&v, 0, sizeof(v));
    if (app_parse("finding add", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    if (!a.code || !a.note) {
        fprintf(stderr, _("fieldcheck: finding add: needs --code CODE and --note TEXT\n"));
        return 1;
    }
    line_list = split_list(lines, &a.n_lines);
    patient_list = split_list(patients, &a.n_patients);
    a.lines = (const char *const *)line_list;
    a.patients = (const char *const *)patient_list;
    if (evidence) {
        a.evidence = &evidence;
        a.n_evidence = 1;
    }
    rc = app_at(app, &a.at_ms);
    if (!rc)
        rc = flight_visit(app, 1, &v);
    if (rc)
        goto out;
    rc = flight_finding_add(app->store, v.id, &a, event_id, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "event_id", event_id, "code", a.code));
    else
        printf(_("finding %.8s recorded (%s)\n"), event_id, a.code);
out:
    free_list(line_list, a.n_lines);
    free_list(patient_list, a.n_patients);
    visit_release(&v);
    return rc;
}

int cmd_finding_list(struct app *app, int argc, char **argv)
{
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    json_t *show = NULL, *x;
    struct visit v;
    size_t i;
    int rc;

    if (app_parse("finding list", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    rc = flight_visit(app, 0, &v);
    if (rc)
        goto out;
    show = flight_show_json(app->store, v.id, &app->err);
    if (!show) {
        rc = app_fail(app, app->err.code);
        goto out;
    }
    json_array_foreach(json_object_get(show, "findings"), i, x)
    {
        if (app->json) {
            app_print_json(json_incref(x));
            continue;
        }
        printf("%.8s %-6s %12s %12s %s\n", json_string_value(json_object_get(x, "event_id")),
               json_string_value(json_object_get(x, "code")),
               json_string_value(json_object_get(x, "irregular")),
               json_string_value(json_object_get(x, "fund_loss")),
               json_string_value(json_object_get(x, "note")));
    }
    if (!app->json)
        printf(_("%zu findings\n"), json_array_size(json_object_get(show, "findings")));
out:
    json_decref(show);
    visit_release(&v);
    return rc;
}
