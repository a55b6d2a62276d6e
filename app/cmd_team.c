/* fieldcheck team import FILE... | team show [--mission ID]: the lead's
 * laptop merges teammates' bundles into the team store (sync/team.h) and
 * shows each member's chain as it holds it. */
#include "app/args.h"
#include "app/commands.h"

#include "core/base/xalloc.h"
#include "core/hq/hqdb.h"
#include "core/store/store.h"
#include "sync/team.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int team_import_cmd(struct app *app, struct store *s, int argc, char **argv)
{
    static const char *const outcome[] = {"imported", "duplicate", "own"};
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    const char **files = xcalloc((size_t)argc + 1, sizeof(*files));
    struct hqdb *db = NULL;
    int worst = 0, nfiles = 0, rc;

    if (app_parse("team import", argc, argv, 2, opts, files, argc, &nfiles)) {
        free(files);
        return 1;
    }
    if (nfiles < 1) {
        fprintf(stderr, _("fieldcheck: team import: expected FILE...\n"));
        free(files);
        return 1;
    }
    rc = team_store_open(s, 1, &db, &app->err);
    if (rc) {
        free(files);
        return app_fail(app, rc);
    }
    argv = (char **)files;
    for (int i = 0; i < nfiles; i++) {
        struct team_import_result r;
        int ex;

        rc = team_import_file(s, db, argv[i], &r, &app->err);
        if (rc) {
            ex = app_fail(app, rc);
            worst = ex > worst ? ex : worst;
            continue;
        }
        if (r.outcome == TEAM_OWN) {
            if (app->json)
                app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:I}", "ok", 1, "file", argv[i],
                                         "outcome", outcome[r.outcome], "device", r.device,
                                         "bundle_seq", (json_int_t)r.bundle_seq));
            else
                printf(_("%s: this device's own bundle, skipped (its records are in this "
                         "device's log)\n"),
                       argv[i]);
            continue;
        }
        if (app->json)
            app_print_json(json_pack(
                "{s:b, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "ok", 1, "file", argv[i],
                "outcome", outcome[r.outcome], "device", r.device, "mission_id", r.mission_id,
                "bundle_seq", (json_int_t)r.bundle_seq, "first_seq", (json_int_t)r.first_seq,
                "last_seq", (json_int_t)r.last_seq, "events_new", (json_int_t)r.stats.events_new,
                "events_known", (json_int_t)r.stats.events_known, "equivocations",
                (json_int_t)r.stats.equivocations));
        else
            printf(_("%s: %s, member %s bundle %llu, events %lld..%lld, %lld new%s\n"), argv[i],
                   r.outcome == TEAM_IMPORTED ? _("imported") : _("already imported"), r.device,
                   (unsigned long long)r.bundle_seq, (long long)r.first_seq, (long long)r.last_seq,
                   (long long)r.stats.events_new,
                   r.stats.equivocations ? _(", EQUIVOCATION: a seq has two different events")
                                         : "");
        if (r.stats.equivocations)
            worst = worst > 3 ? worst : 3;
    }
    hqdb_close(db);
    free(files);
    return worst;
}

static int show_member(const struct team_member_state *m, void *ctx)
{
    struct app *app = ctx;
    const struct team_chain *c = &m->chain;

    if (app->json) {
        app_print_json(json_pack(
            "{s:s, s:s, s:I, s:s, s:b, s:b, s:s, s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:I}",
            "type", "member", "mission_id", m->mission_id, "mission_version",
            (json_int_t)m->mission_version, "device", m->device, "lead", m->is_lead, "self",
            m->is_self, "fingerprint", m->fingerprint, "bundles", (json_int_t)c->bundles, "events",
            (json_int_t)c->events, "max_seq", (json_int_t)c->max_seq, "head_seq",
            (json_int_t)c->head_seq, "head", c->head, "missing", (json_int_t)c->missing, "gap_from",
            (json_int_t)c->gap_from, "gap_to", (json_int_t)c->gap_to, "equivocations",
            (json_int_t)c->equivocations));
        return 0;
    }
    printf(_("%s %s%s  fingerprint %s\n"), m->mission_id, m->device,
           m->is_lead ? (m->is_self ? _(" (lead, this device)") : _(" (lead)"))
                      : (m->is_self ? _(" (this device)") : ""),
           m->fingerprint);
    if (m->is_self)
        printf(_("    own records: %lld events, head %lld %.16s\n"), (long long)c->events,
               (long long)c->head_seq, c->head);
    else if (!c->bundles)
        printf("    %s\n", _("no bundle imported yet"));
    else
        printf(_("    %lld bundle(s), %lld events up to seq %lld, head %lld %.16s\n"),
               (long long)c->bundles, (long long)c->events, (long long)c->max_seq,
               (long long)c->head_seq, c->head);
    if (c->missing)
        printf(_("    GAP: %lld event(s) missing, first seq %lld..%lld: import the bundle that "
                 "covers them\n"),
               (long long)c->missing, (long long)c->gap_from, (long long)c->gap_to);
    if (c->equivocations)
        printf(_("    EQUIVOCATION: %lld seq(s) with two different events\n"),
               (long long)c->equivocations);
    return 0;
}

static int team_show_cmd(struct app *app, struct store *s, int argc, char **argv)
{
    const char *mission = NULL;
    const struct app_opt opts[] = {{"--mission", &mission, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct hqdb *db = NULL;
    int rc;

    if (app_parse("team show", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    rc = team_store_open(s, 0, &db, &app->err);
    if (rc && rc != FC_ENOTFOUND)
        return app_fail(app, rc);
    rc = team_members(s, db, mission, show_member, app, &app->err);
    hqdb_close(db);
    return rc ? app_fail(app, rc) : 0;
}

static const struct {
    const char *name;
    int (*run)(struct app *app, struct store *s, int argc, char **argv);
} subs[] = {
    {"import", team_import_cmd},
    {"show", team_show_cmd},
};

int cmd_team(struct app *app, int argc, char **argv)
{
    struct store *s;

    if (argc < 2)
        return app_bad_subcommand(app, argv[0], NULL);
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        if (strcmp(argv[1], subs[i].name))
            continue;
        s = app_store(app);
        if (!s)
            return app_fail(app, app->err.code);
        return subs[i].run(app, s, argc, argv);
    }
    return app_bad_subcommand(app, argv[0], argv[1]);
}
