/* fieldcheck evidence add|list|verify: the visit's evidence register. Files
 * are only read (hashed), never copied or changed; verify re-hashes them all
 * and exits 3 when any changed or vanished. Works for any kind of visit. */
#include "app/commands.h"

#include "app/args.h"
#include "app/flight_args.h"
#include "core/visit/evidence.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"
#include "core/base/clock.h"

#include <stdio.h>
#include <string.h>

/* Resolves the visit for evidence (any kind); need_open refuses closed ones. */
static int evidence_visit(struct app *app, int need_open, struct visit *v)
{
    const struct visit *cur = NULL;
    char at[CLOCK_ISO_MAX];
    int rc = app_visit(app, &cur, NULL);

    memset(v, 0, sizeof(*v));
    if (!rc && need_open && cur->closed_at[0])
        rc = fc_error_set(&app->err, FC_ESTATE,
                          "visit '%.8s' was closed at %s: nothing can be added", cur->id,
                          clock_iso_local(cur->closed_at, at));
    if (!rc)
        visit_dup(v, cur);
    return rc ? app_fail(app, rc) : 0;
}

static json_t *evidence_to_json(const struct evidence *e)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "event_id", e->event_id, "at", e->at,
                     "path", e->path, "sha256", e->sha256, "size", (json_int_t)e->size, "mtime",
                     e->mtime, "note", e->note);
}

int cmd_evidence_add(struct app *app, int argc, char **argv)
{
    const char *note = NULL, *pos[1] = {NULL};
    const struct app_opt opts[] = {{"--note", &note, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct evidence e;
    struct visit v;
    int64_t ms = 0;
    int rc, existed = 0;

    memset(&e, 0, sizeof(e));
    memset(&v, 0, sizeof(v));
    if (app_parse("evidence add", argc, argv, 2, opts, pos, 1, NULL))
        return 1;
    if (!pos[0]) {
        fprintf(stderr, _("fieldcheck: evidence add: missing FILE\n"));
        return 1;
    }
    rc = app_at(app, &ms);
    if (!rc)
        rc = evidence_visit(app, 1, &v);
    if (rc)
        goto out;
    rc = evidence_add(app->store, v.id, pos[0], note, ms, &e, &existed, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (app->json) {
        json_t *o = evidence_to_json(&e);
        json_object_set_new(o, "ok", json_true());
        json_object_set_new(o, "existed", json_boolean(existed));
        app_print_json(o);
    } else {
        printf(_("%s %s (%llu bytes, sha256 %.16s)\n"),
               existed ? "already registered:" : "registered:", e.path, (unsigned long long)e.size,
               e.sha256);
    }
out:
    evidence_release(&e);
    visit_release(&v);
    return rc;
}

static int list_one(const struct evidence *e, void *ctx)
{
    struct app *app = ctx;

    if (app->json)
        app_print_json(evidence_to_json(e));
    else
        printf("%.8s %s %10llu %s %s\n", e->event_id, e->sha256, (unsigned long long)e->size,
               e->path, e->note);
    return 0;
}

int cmd_evidence_list(struct app *app, int argc, char **argv)
{
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    struct visit v;
    int rc;

    if (app_parse("evidence list", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    rc = evidence_visit(app, 0, &v);
    if (!rc) {
        rc = evidence_foreach(app->store, v.id, list_one, app, &app->err);
        if (rc)
            rc = app_fail(app, rc);
    }
    visit_release(&v);
    return rc;
}

static void verify_one(const struct evidence *e, const struct evidence_check *c, void *ctx)
{
    struct app *app = ctx;

    if (app->json)
        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s}", "event_id", e->event_id, "path",
                                 e->path, "status", evidence_status_name(c->status),
                                 "registered_sha256", e->sha256, "sha256", c->sha256));
    else
        printf("%-10s %s\n", evidence_status_name(c->status), e->path);
}

int cmd_evidence_verify(struct app *app, int argc, char **argv)
{
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    struct visit v;
    int rc, checked = 0, bad = 0;

    if (app_parse("evidence verify", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    rc = evidence_visit(app, 0, &v);
    if (rc)
        goto out;
    rc = evidence_verify(app->store, v.id, verify_one, app, &checked, &bad, &app->err);
    if (rc) {
        /* with --json the per-file lines already carry the detail */
        fprintf(stderr, "fieldcheck: %s\n", app->err.msg_local);
        rc = fc_exit_code(rc);
        goto out;
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:i, s:i}", "ok", 1, "checked", checked, "bad", bad));
    else
        printf(_("%d evidence files verified, all unchanged\n"), checked);
out:
    visit_release(&v);
    return rc;
}
