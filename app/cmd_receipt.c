/* fieldcheck receipt apply CODE|FILE: HQ's signed acknowledgement. Only a
 * receipt that verifies and names this device's own chain is recorded. */
#include "app/args.h"
#include "app/commands.h"

#include "core/store/store.h"
#include "sync/receipt.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

int cmd_receipt(struct app *app, int argc, char **argv)
{
    struct receipt r;
    struct store *s;
    const char *pos[1] = {NULL};
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    int raised = 0, rc;

    if (argc < 2 || strcmp(argv[1], "apply") != 0)
        return app_bad_subcommand(app, argv[0], argc < 2 ? NULL : argv[1]);
    if (app_parse("receipt apply", argc, argv, 2, opts, pos, 1, NULL))
        return 1;
    if (!pos[0]) {
        fprintf(stderr, _("fieldcheck: receipt: expected 'receipt apply CODE|FILE'\n"));
        return 1;
    }
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = receipt_apply(s, pos[0], &r, &raised, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (app->json)
        app_print_json(json_pack("{s:b, s:I, s:s, s:b}", "ok", 1, "acked_seq",
                                 (json_int_t)r.acked_seq, "head", r.head, "raised", raised));
    else if (raised)
        printf(_("HQ acknowledged events 1..%lld (head %.16s)\n"), (long long)r.acked_seq, r.head);
    else
        printf(_("receipt verified; it acknowledges nothing new (seq %lld)\n"),
               (long long)r.acked_seq);
    return 0;
}
