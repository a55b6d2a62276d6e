/* fieldcheck export -o DIR [--from SEQ]: the next bundle of every event the
 * trusted HQ has not acknowledged (from SEQ: again, even acknowledged ones).
 * Nothing is deleted locally. */
#include "app/args.h"
#include "app/commands.h"

#include "core/store/store.h"
#include "sync/bundle.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_export(struct app *app, int argc, char **argv)
{
    struct bundle_export_result r;
    const char *dir = NULL;
    long long from = 0;
    const char *from_text = NULL;
    struct store *s;
    int rc;
    const struct app_opt opts[] = {{"-o", &dir, NULL, NULL, NULL},
                                   {"--from", &from_text, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("export", argc, argv, 1, opts, NULL, 0, NULL))
        return 1;
    if (from_text) {
        char *end = NULL;
        from = strtoll(from_text, &end, 10);
        if (!*from_text || *end || from < 1) {
            fprintf(stderr, _("fieldcheck: export: --from needs a seq of 1 or more\n"));
            return 1;
        }
    }
    if (!dir) {
        fprintf(stderr, _("fieldcheck: export: -o DIR is required\n"));
        return 1;
    }
    /* a bundle is a durable record: written to a file, read back, verified */
    if (app_is_stdout(dir))
        return app_fail(app, fc_error_set(&app->err, FC_EUSAGE,
                                          "export -o takes a folder, not '-': the bundle is "
                                          "written there and read back to verify it"));
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = bundle_export_from(s, dir, (int64_t)from, &r, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (!r.path[0]) {
        if (app->json)
            app_print_json(
                json_pack("{s:b, s:n, s:I}", "ok", 1, "file", "acked_seq", (json_int_t)r.last_seq));
        else
            printf(_("nothing to export: HQ has acknowledged every event (up to seq %lld)\n"),
                   (long long)r.last_seq);
        return 0;
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:I, s:I, s:I, s:I, s:s}", "ok", 1, "file", r.path,
                                 "bundle_seq", (json_int_t)r.bundle_seq, "first_seq",
                                 (json_int_t)r.first_seq, "last_seq", (json_int_t)r.last_seq,
                                 "size", (json_int_t)r.size, "sha256", r.sha256));
    else
        printf(_("wrote %s: bundle %llu, events %lld..%lld, %zu bytes, verified\n"), r.path,
               (unsigned long long)r.bundle_seq, (long long)r.first_seq, (long long)r.last_seq,
               r.size);
    return 0;
}
