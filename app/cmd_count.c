/* fieldcheck count: the pharmacy commands that are not scans. A manual count
 * of opened (split) packs, a recount of one drug, blind counting on/off, and
 * the declaration that the count is complete. Each is one committed event
 * before anything is printed. */
#include "app/args.h"
#include "app/commands.h"
#include "app/pharmacy_cli.h"

#include "core/pharmacy/pharmacy.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a quantity of whole units (the drug's smallest unit). */
static int parse_qty(const char *text, long *out)
{
    char *end = NULL;
    long v;

    if (!text || !*text || *text == '-' || *text == '+')
        return -1;
    v = strtol(text, &end, 10);
    if (*end || v < 0 || v > IDENT_COUNT_QTY_MAX)
        return -1;
    *out = v;
    return 0;
}

int cmd_count(struct app *app, int argc, char **argv)
{
    const char *qty_text = NULL, *drug = NULL;
    int recount = 0, blind_on = 0, save = 0, complete = 0, blind = -1, rc;
    const struct app_opt opts[] = {
        {"--qty", &qty_text, NULL, NULL, NULL},      {"--recount", NULL, &recount, NULL, NULL},
        {"--blind", NULL, &blind_on, NULL, NULL},    {"--save", NULL, &save, NULL, NULL},
        {"--complete", NULL, &complete, NULL, NULL}, {NULL, NULL, NULL, NULL, NULL}};
    struct pharmacy *p = NULL;
    long qty = 0;
    int64_t ms;

    if (app_parse("count", argc, argv, 1, opts, &drug, 1, NULL))
        return 1;
    if (blind_on + save > 1) {
        fprintf(stderr, _("fieldcheck: count: give DRUG_CODE --qty N, DRUG_CODE --recount, "
                          "--blind, --save or --complete\n"));
        return 1;
    }
    blind = blind_on ? 1 : save ? 0 : -1;
    if ((blind >= 0) + (recount != 0) + (qty_text != NULL) + complete != 1 ||
        (blind >= 0 || complete) == (drug != NULL)) {
        fprintf(stderr, _("fieldcheck: count: give DRUG_CODE --qty N, DRUG_CODE --recount, "
                          "--blind, --save or --complete\n"));
        return 1;
    }
    if (qty_text && parse_qty(qty_text, &qty) != 0) {
        fprintf(stderr, _("fieldcheck: count: quantity '%s' is not a whole number 0..%d\n"),
                qty_text, IDENT_COUNT_QTY_MAX);
        return 1;
    }
    rc = app_at(app, &ms);
    if (!rc)
        rc = pharmacy_cli_open(app, &p);
    if (rc)
        goto out;
    if (qty_text) {
        struct pharmacy_result r;

        rc = pharmacy_count(p, drug, qty, ms, &r, &app->err);
        if (!rc)
            pharmacy_cli_print_result(app, &r);
    } else if (recount) {
        int64_t round = 0;

        rc = pharmacy_recount(p, drug, ms, &round, &app->err);
        if (!rc && app->json)
            app_print_json(json_pack("{s:b, s:s, s:I}", "ok", 1, "drug_code", drug, "round",
                                     (json_int_t)round));
        else if (!rc)
            printf(_("%s: round %lld started; scan its boxes again\n"), drug, (long long)round);
    } else if (complete) {
        rc = pharmacy_set_complete(p, ms, &app->err);
        if (!rc && app->json)
            app_print_json(json_pack("{s:b, s:b}", "ok", 1, "count_complete", 1));
        else if (!rc)
            printf("%s\n", _("count complete: drugs not counted now count as 0"));
    } else {
        rc = pharmacy_set_blind(p, blind, ms, &app->err);
        if (!rc && app->json)
            app_print_json(json_pack("{s:b, s:b}", "ok", 1, "blind", blind));
        else if (!rc)
            printf("%s\n", blind ? _("blind counting: book figures hidden until 'count --save'")
                                 : _("count saved: book figures shown"));
    }
out:
    pharmacy_free(p);
    return rc ? app_fail(app, rc) : 0;
}
