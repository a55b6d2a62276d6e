/* fieldcheck db check | db rebuild: integrity and chain verification, and the
 * derived-state rebuild that proves state is a pure function of the events. */
#include "app/args.h"
#include "app/commands.h"

#include "core/store/event.h"
#include "core/mission/mission.h"
#include "core/store/store.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

static int db_check(struct app *app)
{
    struct store *s = app_store_read(app);
    int64_t bad = 0, count = 0;
    char head[HASH_HEX_LEN + 1];
    int64_t head_seq = 0;
    int rc;

    if (!s)
        return app_fail(app, app->err.code);
    rc = store_integrity_check(s, &app->err);
    if (!rc)
        rc = event_verify_chain(s, &bad, &count, &app->err);
    if (!rc)
        rc = event_head(s, &head_seq, head, &app->err);
    if (!rc)
        rc = mission_verify(s, &app->err);
    if (rc) {
        if (app->json && bad)
            app_print_json(json_pack("{s:b, s:I, s:s}", "ok", 0, "bad_seq", (json_int_t)bad,
                                     "message", app->err.msg));
        return app_fail(app, rc);
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:I, s:I, s:s, s:s}", "ok", 1, "events", (json_int_t)count,
                                 "head_seq", (json_int_t)head_seq, "head", head, "device_id",
                                 store_device_id(s)));
    else
        printf(_("database ok: %lld events, chain verified, head %.16s (seq %lld), mission files "
                 "intact\n"),
               (long long)count, head, (long long)head_seq);
    return 0;
}

static int db_rebuild(struct app *app)
{
    struct store *s = app_store(app);
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1];
    int rc;

    if (!s)
        return app_fail(app, app->err.code);
    rc = event_derived_digest(s, before, &app->err);
    if (!rc)
        rc = event_rebuild(s, &app->err);
    if (!rc)
        rc = event_derived_digest(s, after, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:b}", "ok", 1, "before", before, "after", after,
                                 "same", !strcmp(before, after)));
    else
        printf(_("derived state rebuilt from events: %s\n"),
               strcmp(before, after) ? _("it differed from the stored state (now repaired)")
                                     : _("identical to the stored state"));
    return 0;
}

int cmd_db(struct app *app, int argc, char **argv)
{
    static const struct app_opt no_opts[] = {{NULL, NULL, NULL, NULL, NULL}};

    if (argc < 2)
        return app_bad_subcommand(app, argv[0], NULL);
    if (!strcmp(argv[1], "check"))
        return app_parse("db check", argc, argv, 2, no_opts, NULL, 0, NULL) ? 1 : db_check(app);
    if (!strcmp(argv[1], "rebuild"))
        return app_parse("db rebuild", argc, argv, 2, no_opts, NULL, 0, NULL) ? 1 : db_rebuild(app);
    return app_bad_subcommand(app, argv[0], argv[1]);
}
