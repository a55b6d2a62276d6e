/* fieldcheck keys init | show [--qr] [--qr-png FILE] [--qr-svg FILE] | trust [--replace] HQ_PUB_FILE: the device's keys,
 * its enrollment code for HQ, and trusting HQ's public keys. */
#include "app/args.h"
#include "app/commands.h"

#include "core/store/store.h"
#include "sync/keys.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

static int keys_show(struct app *app, struct store *s, int created, const struct app_qr *q)
{
    struct keys_device k;
    struct buf code = BUF_INIT;
    char fp[20];
    int ex = 0, rc = keys_device_load(s, &k, &app->err);

    if (rc)
        return app_fail(app, rc);
    keys_enrollment_code(&k, &code);
    codec_fingerprint(fp, k.sign_pk, k.box_pk);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:b}", "ok", 1, "device_id", k.device_id,
                                 "fingerprint", fp, "enrollment", code.ptr, "created", created));
    else
        printf(_("device %s\nfingerprint %s\nenrollment code (give it to HQ: fieldcheck hq enroll "
                 "CODE):\n%s\n"),
               k.device_id, fp, code.ptr);
    if (q)
        ex = app_qr_emit(app, q, code.ptr, k.device_id);
    buf_release(&code);
    memset(&k, 0, sizeof(k));
    return ex;
}

int cmd_keys(struct app *app, int argc, char **argv)
{
    struct store *s;
    struct keys_device k;
    int created = 0, rc;

    if (argc < 2)
        return app_bad_subcommand(app, argv[0], NULL);
    s = strcmp(argv[1], "show") ? app_store(app) : app_store_read(app);
    if (!s)
        return app_fail(app, app->err.code);
    if (!strcmp(argv[1], "init")) {
        rc = keys_device_init(s, &k, &created, &app->err);
        memset(&k, 0, sizeof(k));
        if (rc)
            return app_fail(app, rc);
        if (!app->json)
            printf("%s\n", created ? _("device keys created") : _("device keys already exist"));
        return keys_show(app, s, created, NULL);
    }
    if (!strcmp(argv[1], "show")) {
        struct app_qr q = {0};
        const struct app_opt opts[] = {{"--qr", NULL, &q.term, NULL, NULL},
                                       {"--qr-png", &q.png, NULL, NULL, NULL},
                                       {"--qr-svg", &q.svg, NULL, NULL, NULL},
                                       {"--qr-dir", &q.dir, NULL, NULL, NULL},
                                       {NULL, NULL, NULL, NULL, NULL}};

        if (app_parse("keys show", argc, argv, 2, opts, NULL, 0, NULL))
            return 1;
        if (app_qr_check(app, &q))
            return 1;
        return keys_show(app, s, 0, &q);
    }
    if (!strcmp(argv[1], "trust")) {
        struct keys_trust_result t;
        const char *file = NULL;
        int replace = 0;
        const struct app_opt opts[] = {{"--replace", NULL, &replace, NULL, NULL},
                                       {NULL, NULL, NULL, NULL, NULL}};

        if (app_parse("keys trust", argc, argv, 2, opts, &file, 1, NULL))
            return 1;
        if (!file) {
            fprintf(stderr, _("fieldcheck: keys trust: expected [--replace] HQ_PUB_FILE\n"));
            return 1;
        }
        rc = keys_trust_file(s, file, replace, &t, &app->err);
        if (rc == FC_ESTATE && !app->json)
            fprintf(stderr, _("trusted now:  HQ %s\nin '%s': HQ %s\n"), t.previous, file,
                    t.fingerprint);
        if (rc)
            return app_fail(app, rc);
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s?, s:b, s:b}", "ok", 1, "hq_fingerprint",
                                     t.fingerprint, "previous", t.previous[0] ? t.previous : NULL,
                                     "replaced", t.replaced, "changed", t.changed));
        else if (!t.changed)
            printf(_("HQ %s is trusted already: nothing changed\n"), t.fingerprint);
        else if (t.replaced)
            printf(_("trusting HQ %s instead of HQ %s (recorded as an event); events HQ %s has "
                     "not acknowledged go to it with the next export\n"),
                   t.fingerprint, t.previous, t.fingerprint);
        else
            printf(_("trusting HQ %s\n"), t.fingerprint);
        return 0;
    }
    return app_bad_subcommand(app, argv[0], argv[1]);
}
