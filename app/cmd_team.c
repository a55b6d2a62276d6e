/* fieldcheck team import FILE... | team show [--mission ID] | team view:
 * the lead's laptop merges teammates' bundles into the team store
 * (sync/team.h), shows each member's chain as it holds it, and the team's
 * records item by item with who recorded them (core/team/view.h), conflicts
 * between members flagged, never resolved. */
#include "app/args.h"
#include "app/commands.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/lang.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/flight/flight.h"
#include "core/flight/workflow.h"
#include "core/hq/hqdb.h"
#include "core/mission/mission.h"
#include "core/report/html.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/team/doc.h"
#include "core/team/view.h"
#include "core/workflow.h"
#include "sync/assign.h"
#include "sync/team.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    for (int i = 0; i < nfiles; i++) {
        struct team_import_result r;
        int ex;

        rc = team_import_file(s, db, files[i], &r, &app->err);
        if (rc) {
            ex = app_fail(app, rc);
            worst = ex > worst ? ex : worst;
            continue;
        }
        if (r.outcome == TEAM_OWN) {
            if (app->json)
                app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:I}", "ok", 1, "file", files[i],
                                         "outcome", outcome[r.outcome], "device", r.device,
                                         "bundle_seq", (json_int_t)r.bundle_seq));
            else
                printf(_("%s: this device's own bundle, skipped (its records are in this "
                         "device's log)\n"),
                       files[i]);
            continue;
        }
        if (app->json)
            app_print_json(json_pack(
                "{s:b, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "ok", 1, "file",
                files[i], "outcome", outcome[r.outcome], "device", r.device, "mission_id",
                r.mission_id, "bundle_seq", (json_int_t)r.bundle_seq, "first_seq",
                (json_int_t)r.first_seq, "last_seq", (json_int_t)r.last_seq, "events_new",
                (json_int_t)r.stats.events_new, "events_known", (json_int_t)r.stats.events_known,
                "equivocations", (json_int_t)r.stats.equivocations));
        else
            printf(_("%s: %s, member %s bundle %llu, events %lld..%lld, %lld new%s\n"), files[i],
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

/* ---- team view -------------------------------------------------------------------- */

struct view_ctx {
    struct app *app;
    const struct team_item *last; /* for the text headings */
};

static json_t *record_json(const struct team_record *r)
{
    char amount[MONEY_TEXT_MAX], loss[MONEY_TEXT_MAX];

    json_t *o;

    money_text(r->amount_fen, amount);
    money_text(r->fund_loss_fen, loss);
    o = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "device", r->device,
                  "inspectors", r->inspectors, "visit", r->visit, "self", r->is_self, "verdict",
                  r->verdict->code, "class", verdict_class_name(r->verdict->cls), "label",
                  verdict_label(r->verdict), "detail", r->detail, "amount", amount, "fund_loss",
                  loss, "count", (json_int_t)r->count);
    if (r->has_qty) {
        struct buf q = BUF_INIT;

        qty_format(&q, r->qty_milli);
        json_object_set_new(o, "qty", json_string(q.ptr));
        buf_release(&q);
    }
    return o;
}

static void print_record(const struct team_record *r, enum workflow_money money)
{
    char amount[MONEY_TEXT_MAX], loss[MONEY_TEXT_MAX];
    struct buf line = BUF_INIT;

    buf_addf(&line, "      %s (%s)", verdict_label(r->verdict), r->verdict->code);
    if (r->count != 1)
        buf_addf(&line, " x%lld", (long long)r->count);
    if (*r->detail)
        buf_addf(&line, "  %s", r->detail);
    money_text(r->amount_fen, amount);
    money_text(r->fund_loss_fen, loss);
    if (money == WORKFLOW_MONEY_AMOUNT_LOSS)
        buf_addf(&line, _("  irregular %s  fund loss %s"), amount, loss);
    else if (money == WORKFLOW_MONEY_AMOUNT)
        buf_addf(&line, _("  amount %s"), amount);
    printf(_("%s  by %.8s%s (%s)\n"), line.ptr, r->device, r->is_self ? _(", the lead") : "",
           r->inspectors);
    buf_release(&line);
}

/* The team's view: the team store (none yet is no error: the lead's own
 * records) opened only while the view is built. 0, or the exit code. */
static int open_view(struct app *app, struct store *s, struct team_view **tv)
{
    struct hqdb *db = NULL;
    int rc = team_store_open(s, 0, &db, &app->err);

    if (rc && rc != FC_ENOTFOUND)
        return app_fail(app, rc);
    rc = team_view_open(s, db, tv, &app->err);
    hqdb_close(db);
    return rc ? app_fail(app, rc) : 0;
}

static int view_item(const struct team_item *it, void *ctx)
{
    struct view_ctx *v = ctx;

    if (v->app->json) {
        json_t *recs = json_array();

        for (size_t i = 0; i < it->n; i++)
            json_array_append_new(recs, record_json(&it->records[i]));
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o}", "type", "item",
                              "mission_id", it->mission_id, "site_code", it->site_code, "workflow",
                              it->wf->kind, "group", it->group->name, "subject", it->subject,
                              "conflict", it->conflict, "resolved", it->resolved, "records", recs);

        if (it->group->sums) {
            struct buf q = BUF_INIT;

            qty_format(&q, it->total_milli);
            json_object_set_new(o, "total", json_string(q.ptr));
            json_object_set_new(o, "overlaps", json_integer(it->overlaps));
            buf_release(&q);
        }
        app_print_json(o);
        return 0;
    }
    if (!v->last || strcmp(v->last->mission_id, it->mission_id) ||
        strcmp(v->last->site_code, it->site_code) || v->last->wf != it->wf)
        printf(_("%s %s, %s:\n"), it->mission_id, it->site_code, workflow_label(it->wf));
    if (!v->last || v->last->wf != it->wf || v->last->group != it->group ||
        strcmp(v->last->site_code, it->site_code))
        printf("  %s\n", fc_text(it->group->label_en, it->group->label_zh));
    v->last = it;
    if (*it->subject)
        printf("    %s%s\n", it->subject,
               !it->conflict  ? ""
               : it->resolved ? _("  CONFLICT between members, decided by the lead's own record")
                              : _("  CONFLICT: members recorded it differently"));
    else
        printf("    %s\n", _("(summed)"));
    if (it->group->sums) {
        struct buf q = BUF_INIT;

        qty_format(&q, it->total_milli);
        if (it->overlaps)
            printf(_("      team total %s (the members' counts added up; %lld box(es) counted by "
                     "two members counted once)\n"),
                   q.ptr, (long long)it->overlaps);
        else
            printf(_("      team total %s (the members' counts added up)\n"), q.ptr);
        buf_release(&q);
    }
    for (size_t i = 0; i < it->n; i++)
        print_record(&it->records[i], it->group->money);
    return 0;
}

static int team_view_cmd(struct app *app, struct store *s, int argc, char **argv)
{
    const char *mission = NULL, *kind = NULL;
    int conflicts_only = 0;
    const struct app_opt opts[] = {{"--mission", &mission, NULL, NULL, NULL},
                                   {"--kind", &kind, NULL, NULL, NULL},
                                   {"--conflicts", NULL, &conflicts_only, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    const struct workflow *wf = NULL;
    struct view_ctx v = {app, NULL};
    struct team_view *tv = NULL;
    size_t conflicts;
    int rc;

    if (app_parse("team view", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    if (kind && (rc = workflow_get(kind, &wf, &app->err)))
        return app_fail(app, rc);
    rc = open_view(app, s, &tv);
    if (rc)
        return rc;
    team_view_items(tv, mission, wf, conflicts_only, view_item, &v);
    conflicts = team_view_conflicts(tv, mission);
    if (app->json)
        app_print_json(
            json_pack("{s:s, s:I}", "type", "total", "conflicts", (json_int_t)conflicts));
    else if (conflicts)
        printf(_("%zu item(s) recorded differently by members: the lead resolves each by a "
                 "record of their own\n"),
               conflicts);
    else
        printf("%s\n", _("no conflicts between members"));
    team_view_free(tv);
    return 0;
}

/* ---- team report -------------------------------------------------------------------- */

/* The one (mission, site) of the team's visits the options name; visits
 * come in mission and site order. */
struct one_of {
    const char *mission, *site;
    char found_mission[128], found_site[32];
    int n;
};

static int find_scope(const struct team_visit *v, void *ctx)
{
    struct one_of *o = ctx;

    if ((o->mission && strcmp(v->mission_id, o->mission)) ||
        (o->site && strcmp(v->site_code, o->site)))
        return 0;
    if (o->n && !strcmp(o->found_mission, v->mission_id) && !strcmp(o->found_site, v->site_code))
        return 0;
    o->n++;
    snprintf(o->found_mission, sizeof(o->found_mission), "%s", v->mission_id);
    snprintf(o->found_site, sizeof(o->found_site), "%s", v->site_code);
    return 0;
}

static int head_json(const char *device, int is_self, const struct team_chain *c, void *ctx)
{
    (void)is_self;
    json_array_append_new(ctx, json_pack("{s:s, s:I, s:s}", "device", device, "seq",
                                         (json_int_t)c->head_seq, "head", c->head));
    return 0;
}

/* The lead's own record of the checkpoint and of the heads it covers, so
 * that HQ, holding the same events, can recompute the digest and check the
 * signature (docs/bundle-format.md §11). */
static int record_checkpoint(struct store *s, const struct team_view *tv, const char *mission_id,
                             int64_t version, const char *code, struct fc_error *err)
{
    json_t *heads = json_array(), *payload;
    int rc;

    team_view_team_heads(tv, mission_id, head_json, heads);
    payload = json_pack("{s:s, s:s, s:I, s:o}", "code", code, "mission_id", mission_id,
                        "mission_version", (json_int_t)version, "heads", heads);
    rc = event_commit_json(s, NULL, clock_now_ms(), "team_checkpoint", mission_id, payload, NULL,
                           err);
    json_decref(payload);
    return rc;
}

static int team_report_cmd(struct app *app, struct store *s, int argc, char **argv)
{
    const char *mission = NULL, *site = NULL, *doc = "site-record", *path = NULL;
    const struct app_opt opts[] = {{"--mission", &mission, NULL, NULL, NULL},
                                   {"--site", &site, NULL, NULL, NULL},
                                   {"--doc", &doc, NULL, NULL, NULL},
                                   {"-o", &path, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct team_doc_args a;
    struct team_view *tv = NULL;
    struct one_of o;
    struct mission_info mi;
    struct buf html = BUF_INIT, code = BUF_INIT, name = BUF_INIT, kind = BUF_INIT;
    char digest[HASH_HEX_LEN + 1];
    int64_t version = 0;
    size_t members = 0;
    int rc;

    if (app_parse("team report", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    if (!path || (strcmp(doc, "site-record") && strcmp(doc, "summary"))) {
        fprintf(stderr, _("fieldcheck: team report: give -o PATH, and --doc site-record or "
                          "summary\n"));
        return 1;
    }
    rc = open_view(app, s, &tv);
    if (rc)
        return rc;
    memset(&o, 0, sizeof(o));
    o.mission = mission;
    o.site = site;
    team_view_visits(tv, NULL, find_scope, &o);
    if (o.n != 1) {
        rc = o.n ? fc_error_set(&app->err, FC_EUSAGE,
                                "the team visited several sites: name one with --mission and "
                                "--site")
                 : fc_error_set(&app->err, FC_ENOTFOUND, "the team has no visit there yet");
        goto out;
    }
    memset(&a, 0, sizeof(a));
    a.mission_id = o.found_mission;
    a.site_code = o.found_site;
    if (mission_find_site(s, a.site_code, &mi, &name, &kind, NULL) == FC_OK)
        a.site_name = name.ptr;
    a.summary = !strcmp(doc, "summary");
    a.lang = html_lang_from_env();
    rc = team_view_digest(tv, a.mission_id, digest, &version, &members);
    if (rc) {
        rc = fc_error_set(&app->err, rc, "this device leads no team in mission '%s'", a.mission_id);
        goto out;
    }
    /* without device keys the record says "unsigned": not an error */
    if (team_checkpoint_make(s, digest, members, clock_now_ms(), &code, NULL) == FC_OK) {
        a.checkpoint = code.ptr;
        rc = record_checkpoint(s, tv, a.mission_id, version, code.ptr, &app->err);
        if (rc)
            goto out;
    }
    rc = team_doc_html(tv, &a, &html, &app->err);
    if (!rc)
        rc = app_write_out(app, path, html.ptr, html.len, 0);
    if (!rc && !app_is_stdout(path)) {
        if (app->json)
            app_print_json(json_pack(
                "{s:b, s:s, s:s, s:s, s:s, s:s, s:I, s:s?}", "ok", 1, "path", path, "doc", doc,
                "mission_id", a.mission_id, "site_code", a.site_code, "digest", digest, "conflicts",
                (json_int_t)team_view_conflicts(tv, a.mission_id), "checkpoint", a.checkpoint));
        else
            printf(_("team document written to %s\n"), path);
    }
out:
    team_view_free(tv);
    buf_release(&html);
    buf_release(&code);
    buf_release(&name);
    buf_release(&kind);
    return rc ? app_fail(app, rc) : 0;
}

/* ---- team checkpoint --verify ------------------------------------------------------ */

static int team_checkpoint_cmd(struct app *app, struct store *s, int argc, char **argv)
{
    const char *arg = NULL;
    const struct app_opt opts[] = {{"--verify", &arg, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct team_checkpoint cp;
    struct buf text = BUF_INIT;
    char mission[128], issued[CLOCK_ISO_MAX];
    int rc;

    if (app_parse("team checkpoint", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    if (!arg) {
        fprintf(stderr, _("fieldcheck: team checkpoint: expected --verify CODE|FILE\n"));
        return 1;
    }
    if (!strncasecmp(arg, "FCT1", 4))
        buf_adds(&text, arg);
    else if ((rc = fs_read_file(arg, 4096, &text, &app->err)))
        return app_fail(app, rc);
    rc = team_checkpoint_check(s, text.ptr ? text.ptr : "", &cp, mission, &app->err);
    buf_release(&text);
    if (rc)
        return app_fail(app, rc);
    if (app->json)
        clock_format_utc(cp.issued_ms, issued);
    else
        clock_format_local(cp.issued_ms, issued);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:I, s:s}", "ok", 1, "lead", cp.lead,
                                 "mission_id", mission, "issued_at", issued, "members",
                                 (json_int_t)cp.members, "digest", cp.digest));
    else
        printf(_("team checkpoint verified: signed by the lead %s of mission %s at %s, covering "
                 "%zu member(s), heads digest %s\n"),
               cp.lead, mission, issued, cp.members, cp.digest);
    return 0;
}

/* ---- team assign / team assignments apply ------------------------------------------ */

struct led_missions {
    char id[128];
    int n;
};

static int note_led_mission(const struct team_member_state *m, void *ctx)
{
    struct led_missions *l = ctx;

    if (!m->is_self || (l->n && !strcmp(l->id, m->mission_id)))
        return 0;
    snprintf(l->id, sizeof(l->id), "%s", m->mission_id);
    l->n++;
    return 0;
}

/* The one flight site the team worked at in the mission (--site may name it). */
struct assign_scope {
    const char *mission;
    char site[32];
    int n;
};

static int note_flight_site(const struct team_visit *v, void *ctx)
{
    struct assign_scope *a = ctx;

    if (v->wf != &flight_workflow || (a->n && !strcmp(a->site, v->site_code)))
        return 0;
    snprintf(a->site, sizeof(a->site), "%s", v->site_code);
    a->n++;
    return 0;
}

/* A line is open while no member's verdict decides it: never worked, only
 * pending, or members disagree and the lead has not decided. */
struct closed_line {
    const char *site, *line;
    const struct team_record *by;
};

static int find_closed(const struct team_item *it, void *ctx)
{
    struct closed_line *c = ctx;
    const struct team_record *r;

    if (strcmp(it->site_code, c->site) || strcmp(it->subject, c->line) ||
        strcmp(it->group->name, "lines"))
        return 0;
    r = team_item_decided(it);
    if (r && r->verdict->cls != VERDICT_COVERAGE) {
        c->by = r;
        return 1;
    }
    return 0;
}

static int team_assign_cmd(struct app *app, struct store *s, int argc, char **argv)
{
    const char *mission = NULL, *site = NULL, *member = NULL, *inspector = NULL, *path = NULL;
    struct app_qr q = {0};
    const struct app_opt opts[] = {
        {"--mission", &mission, NULL, NULL, NULL}, {"--site", &site, NULL, NULL, NULL},
        {"--member", &member, NULL, NULL, NULL},   {"--inspector", &inspector, NULL, NULL, NULL},
        {"-o", &path, NULL, NULL, NULL},           {"--qr", NULL, &q.term, NULL, NULL},
        {"--qr-dir", &q.dir, NULL, NULL, NULL},    {NULL, NULL, NULL, NULL, NULL}};
    const char **lines = xcalloc((size_t)argc + 1, sizeof(*lines));
    struct team_assign_args a;
    struct team_assign_code *codes = NULL;
    struct led_missions lm;
    struct assign_scope scope;
    struct mission_info mi;
    struct team_view *tv = NULL;
    struct hqdb *db = NULL;
    struct buf file = BUF_INIT;
    size_t ncodes = 0;
    int nlines = 0, qr_exit = 0, rc;

    if (app_parse("team assign", argc, argv, 2, opts, lines, argc, &nlines) ||
        app_qr_check(app, &q)) {
        free(lines);
        return 1;
    }
    if (!member || nlines < 1) {
        fprintf(stderr, _("fieldcheck: team assign: expected --member DEVICE SUSP_ID...\n"));
        free(lines);
        return 1;
    }
    memset(&lm, 0, sizeof(lm));
    rc = team_store_open(s, 0, &db, &app->err);
    if (rc && rc != FC_ENOTFOUND)
        goto out;
    rc = team_members(s, db, mission, note_led_mission, &lm, &app->err);
    if (rc)
        goto out;
    if (lm.n != 1) {
        rc = fc_error_set(&app->err, FC_EUSAGE,
                          "this device leads teams in several missions: name one with --mission");
        goto out;
    }
    rc = team_view_open(s, db, &tv, &app->err);
    if (rc)
        goto out;
    memset(&scope, 0, sizeof(scope));
    if (site) {
        snprintf(scope.site, sizeof(scope.site), "%s", site);
    } else {
        team_view_visits(tv, lm.id, note_flight_site, &scope);
        if (scope.n != 1) {
            rc = fc_error_set(&app->err, FC_EUSAGE,
                              "name the site of the lines with --site (the team has %d flight "
                              "inspection site(s) in mission '%s')",
                              scope.n, lm.id);
            goto out;
        }
    }
    rc = mission_get(s, lm.id, &mi, &app->err);
    if (!rc)
        rc = flight_lines_check(s, lm.id, mi.version, scope.site, lines, (size_t)nlines, &app->err);
    for (int i = 0; !rc && i < nlines; i++) {
        struct closed_line c = {scope.site, lines[i], NULL};

        if (team_view_items(tv, lm.id, &flight_workflow, 0, find_closed, &c) == 1)
            rc = fc_error_set(&app->err, FC_ESTATE,
                              "line '%s' is not open: %s recorded it %s; only open lines are "
                              "reassigned",
                              lines[i], c.by->device, c.by->verdict->code);
    }
    if (rc)
        goto out;
    memset(&a, 0, sizeof(a));
    a.mission_id = lm.id;
    a.member = member;
    a.site_code = scope.site;
    a.inspector = inspector;
    a.lines = lines;
    a.n = (size_t)nlines;
    a.at_ms = clock_now_ms();
    rc = team_assign_make(s, &a, &codes, &ncodes, &app->err);
    if (rc)
        goto out;
    for (size_t i = 0; i < ncodes; i++)
        buf_addf(&file, "%s\n", codes[i].code.ptr);
    if (path && (rc = app_write_out(app, path, file.ptr, file.len, 0)))
        goto out;
    for (size_t i = 0; i < ncodes; i++) {
        const struct team_assign_code *c = &codes[i];
        char stem[48];

        if (app->json) {
            json_t *ids = json_array();

            for (size_t k = 0; k < c->n; k++)
                json_array_append_new(ids, json_string(lines[c->first + k]));
            app_print_json(json_pack("{s:b, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s?}", "ok", 1,
                                     "number", (json_int_t)c->number, "member", c->member,
                                     "mission_id", lm.id, "site_code", scope.site, "inspector",
                                     inspector ? inspector : "", "susp_ids", ids, "code",
                                     c->code.ptr, "path", path));
        } else {
            printf(_("assignment %lld: %zu line(s) of %s for member %s\n"), (long long)c->number,
                   c->n, scope.site, c->member);
            if (!path || !app_is_stdout(path))
                printf("%s\n", c->code.ptr);
        }
        snprintf(stem, sizeof(stem), "assignment-%lld", (long long)c->number);
        if ((qr_exit = app_qr_emit(app, &q, c->code.ptr, stem)))
            break;
    }
    if (!qr_exit && !app->json && path && !app_is_stdout(path))
        printf(_("assignment written to %s: the member applies it with 'team assignments apply "
                 "FILE' or scans its QR code\n"),
               path);
out:
    team_view_free(tv);
    hqdb_close(db);
    team_assign_codes_free(codes, ncodes);
    buf_release(&file);
    free(lines);
    return rc ? app_fail(app, rc) : qr_exit;
}

/* One code per line of the text; blank lines are skipped. */
static int apply_codes(struct app *app, struct store *s, char *text)
{
    int worst = 0, n = 0;

    for (char *line = strtok(text, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        struct team_assignment as;
        char visit[37];
        size_t applied = 0;
        int rc;

        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line)
            continue;
        n++;
        rc = team_assign_apply(s, line, &as, &applied, visit, &app->err);
        if (rc) {
            int ex = app_fail(app, rc);

            worst = ex > worst ? ex : worst;
            continue;
        }
        if (app->json) {
            json_t *ids = json_array();

            for (size_t i = 0; i < as.n; i++)
                json_array_append_new(ids, json_string(as.lines[i]));
            app_print_json(json_pack("{s:b, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:I}", "ok", 1,
                                     "lead", as.lead, "number", (json_int_t)as.number, "mission_id",
                                     as.mission_id, "site_code", as.site_code, "visit", visit,
                                     "inspector", as.inspector, "susp_ids", ids, "applied",
                                     (json_int_t)applied));
        } else if (applied) {
            printf(_("assignment %lld of lead %s: %zu of %zu line(s) now yours on visit %.8s\n"),
                   (long long)as.number, as.lead, applied, as.n, visit);
        } else {
            printf(_("assignment %lld of lead %s: already applied, nothing changed\n"),
                   (long long)as.number, as.lead);
        }
        team_assignment_release(&as);
    }
    if (!n) {
        fc_error_set(&app->err, FC_EINPUT, "no team assignment code found");
        return app_fail(app, FC_EINPUT);
    }
    return worst;
}

static int team_assignments_cmd(struct app *app, struct store *s, int argc, char **argv)
{
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    const char *pos[1] = {NULL};
    struct buf text = BUF_INIT;
    char empty[1] = "";
    int rc;

    if (argc < 3 || strcmp(argv[2], "apply"))
        return app_bad_subcommand(app, "team assignments", argc < 3 ? NULL : argv[2]);
    if (app_parse("team assignments apply", argc, argv, 3, opts, pos, 1, NULL))
        return 1;
    if (!pos[0]) {
        fprintf(stderr, _("fieldcheck: team assignments apply: expected CODE|FILE\n"));
        return 1;
    }
    if (!strncasecmp(pos[0], "FCA1", 4))
        buf_adds(&text, pos[0]);
    else if ((rc = fs_read_file(pos[0], 64 * 1024, &text, &app->err)))
        return app_fail(app, rc);
    rc = apply_codes(app, s, text.ptr ? text.ptr : empty);
    buf_release(&text);
    return rc;
}

static const struct {
    const char *name;
    int (*run)(struct app *app, struct store *s, int argc, char **argv);
} subs[] = {
    {"import", team_import_cmd},
    {"show", team_show_cmd},
    {"view", team_view_cmd},
    {"report", team_report_cmd},
    {"assign", team_assign_cmd},
    {"checkpoint", team_checkpoint_cmd},
    {"assignments", team_assignments_cmd},
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
