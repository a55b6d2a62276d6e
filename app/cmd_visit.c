/* fieldcheck visit open|close|list|show: the visit lifecycle, and what the
 * visit's workflow shows of it (per-bed and per-patient results, the stock
 * count, the worksheet totals; DESIGN §6). Personal data is masked. */
#include "app/args.h"
#include "app/commands.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/mission/mission.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "core/workflow.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *visit_json(const struct visit *v)
{
    char code[VISIT_SHORT_CODE_LEN + 1] = "";
    json_t *o;

    if (v->checkpoint[0])
        visit_short_code(v->checkpoint, code);
    o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:o?, s:b, s:s, s:s?, s:s?, s:s?}", "visit", v->id,
                  "mission_id", v->mission_id, "mission_version", (json_int_t)v->mission_version,
                  "site_code", v->site_code, "kind", v->kind, "inspectors",
                  json_loads(v->inspectors_json, 0, NULL), "credentials_shown",
                  v->credentials_shown, "opened_at", v->opened_at, "closed_at",
                  v->closed_at[0] ? v->closed_at : NULL, "checkpoint",
                  v->checkpoint[0] ? v->checkpoint : NULL, "short_code", code[0] ? code : NULL);
    return o;
}

/* --inspector NAME, repeatable, in order. */
static int add_inspector(void *ctx, const char *name, const char *value)
{
    struct visit_open_args *a = ctx;
    int n = 0;

    (void)name;
    while (a->inspectors[n])
        n++;
    if (n >= VISIT_MAX_INSPECTORS) {
        fprintf(stderr, _("fieldcheck: visit open: at most %d inspectors\n"), VISIT_MAX_INSPECTORS);
        return 1;
    }
    a->inspectors[n] = value;
    return 0;
}

int cmd_visit_open(struct app *app, int argc, char **argv)
{
    struct visit_open_args a;
    struct mission_info mi;
    struct buf site_name = BUF_INIT, site_kind = BUF_INIT;
    struct visit v;
    struct store *s;
    const char *at = NULL;
    int rc;
    const struct app_opt opts[] = {{"--site", &a.site_code, NULL, NULL, NULL},
                                   {"--kind", &a.kind, NULL, NULL, NULL},
                                   {"--inspector", NULL, NULL, add_inspector, &a},
                                   {"--credentials-shown", NULL, &a.credentials_shown, NULL, NULL},
                                   {"--at", &at, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    memset(&a, 0, sizeof(a));
    memset(&v, 0, sizeof(v));
    if (app_parse("visit open", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    if (!a.site_code || !a.kind) {
        fprintf(stderr, _("fieldcheck: visit open: --site and --kind are required\n"));
        return 1;
    }
    if (!workflow_find(a.kind)) {
        fprintf(stderr, _("fieldcheck: visit open: unknown kind '%s' (%s)\n"), a.kind,
                workflow_kinds(", "));
        return 1;
    }
    rc = app_parse_time(app, at, &a.at_ms);
    if (rc)
        return app_fail(app, rc);
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = mission_find_site(s, a.site_code, &mi, &site_name, &site_kind, &app->err);
    if (!rc) {
        a.mission_id = mi.mission_id;
        a.mission_version = mi.version;
        a.mission_sha256 = mi.sha256;
        a.site_name = site_name.ptr;
        rc = visit_open(s, &a, &v, &app->err);
    }
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (app->json) {
        json_t *o = visit_json(&v);
        json_object_set_new(o, "ok", json_true());
        json_object_set_new(o, "site_name", json_string(site_name.ptr));
        app_print_json(o);
    } else {
        printf(_("visit %s opened: %s %s (%s), mission %s v%lld\n"), v.id, v.kind, v.site_code,
               site_name.ptr, v.mission_id, (long long)v.mission_version);
    }
out:
    visit_release(&v);
    buf_release(&site_name);
    buf_release(&site_kind);
    return rc;
}

/* What the record does not cover, gathered before closing: coverage rows of
 * every summary group, as JSON {code, label, count, examples} for the close
 * output and a line of text for people. */
struct coverage_ctx {
    json_t *rows;
    json_t *examples; /* code -> [subject...] of the current group */
    const char *group;
    const struct workflow *wf;
    struct store *s;
    const struct visit *v;
};

/* Up to eight subjects per coverage verdict, from the findings. */
static int coverage_example(const struct workflow_finding *f, void *ctx)
{
    struct coverage_ctx *c = ctx;
    json_t *list;

    if (f->verdict->cls != VERDICT_COVERAGE || strcmp(f->group, c->group) || !f->subject[0])
        return 0;
    list = json_object_get(c->examples, f->verdict->code);
    if (!list) {
        list = json_array();
        json_object_set_new(c->examples, f->verdict->code, list);
    }
    if (json_array_size(list) < 8)
        json_array_append_new(list, json_string(f->subject));
    return 0;
}

static int coverage_row(const struct workflow_count *wc, void *ctx)
{
    struct coverage_ctx *c = ctx;
    json_t *ex = json_object_get(c->examples, wc->verdict->code);

    if (wc->verdict->cls != VERDICT_COVERAGE)
        return 0;
    json_array_append_new(c->rows, json_pack("{s:s, s:s, s:s, s:I, s:o}", "group", c->group, "code",
                                             wc->verdict->code, "label", verdict_label(wc->verdict),
                                             "count", (json_int_t)wc->count, "examples",
                                             ex ? json_incref(ex) : json_array()));
    return 0;
}

static json_t *visit_coverage(struct app *app, struct store *s, const char *name)
{
    const struct workflow *wf = NULL;
    struct coverage_ctx c;
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(&c, 0, sizeof(c));
    c.rows = json_array();
    rc = workflow_attach(s, name, &v, &wf, &app->err);
    for (const struct workflow_group *g = wf ? wf->groups : NULL; !rc && g && g->name; g++) {
        json_decref(c.examples);
        c.examples = json_object();
        c.group = g->name;
        rc = wf->findings ? wf->findings(s, &v, coverage_example, &c, &app->err) : 0;
        if (!rc)
            rc = workflow_summary(s, &v, wf, g->name, coverage_row, &c, &app->err);
    }
    json_decref(c.examples);
    visit_release(&v);
    fc_error_clear(&app->err); /* coverage is a courtesy: closing does not depend on it */
    return c.rows;
}

static void print_coverage(json_t *rows)
{
    size_t i;
    json_t *r;

    if (!json_array_size(rows))
        return;
    fprintf(stderr, "%s\n", _("note: this record does not cover:"));
    json_array_foreach(rows, i, r)
    {
        struct buf ex = BUF_INIT;
        size_t k;
        json_t *x;

        json_array_foreach(json_object_get(r, "examples"), k, x)
        {
            buf_addf(&ex, "%s%s", k ? ", " : " (", json_string_value(x));
        }
        if (ex.len)
            buf_adds(&ex,
                     (size_t)json_integer_value(json_object_get(r, "count")) > k ? ", …)" : ")");
        fprintf(stderr, "  %6lld  %s%s\n",
                (long long)json_integer_value(json_object_get(r, "count")),
                json_string_value(json_object_get(r, "label")), ex.ptr);
        buf_release(&ex);
    }
}

int cmd_visit_close(struct app *app, int argc, char **argv)
{
    char closed_local[CLOCK_ISO_MAX];
    const char *name = NULL, *at = NULL;
    struct visit v, closed;
    struct app_qr q = {0};
    char code[VISIT_SHORT_CODE_LEN + 1];
    json_t *coverage = NULL;
    struct store *s;
    int64_t ms;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(&closed, 0, sizeof(closed));
    {
        const struct app_opt opts[] = {
            {"--visit", &name, NULL, NULL, NULL},   {"--at", &at, NULL, NULL, NULL},
            {"--qr", NULL, &q.term, NULL, NULL},    {"--qr-png", &q.png, NULL, NULL, NULL},
            {"--qr-svg", &q.svg, NULL, NULL, NULL}, {"--qr-dir", &q.dir, NULL, NULL, NULL},
            {NULL, NULL, NULL, NULL, NULL}};
        if (app_parse("visit close", argc, argv, 2, opts, NULL, 0, NULL))
            return 1;
    }
    if (app_qr_check(app, &q))
        return 1;
    rc = app_parse_time(app, at, &ms);
    if (rc)
        return app_fail(app, rc);
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = visit_resolve(s, name, &v, &app->err);
    if (!rc && !v.closed_at[0])
        coverage = visit_coverage(app, s, v.id);
    if (!rc)
        rc = visit_close(s, v.id, ms, &closed, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    visit_short_code(closed.checkpoint, code);
    if (app->json) {
        json_t *o = visit_json(&closed);
        json_object_set_new(o, "ok", json_true());
        json_object_set(o, "coverage", coverage ? coverage : json_array());
        app_print_json(o);
    } else {
        print_coverage(coverage);
        printf(_("visit %s closed at %s\ncheckpoint %s\n"), closed.id,
               clock_iso_local(closed.closed_at, closed_local), code);
    }
    /* --qr: the signed checkpoint for the paper record (needs the device keys) */
    rc = app_qr_checkpoint(app, s, &closed, &q);
out:
    json_decref(coverage);
    visit_release(&v);
    visit_release(&closed);
    return rc;
}

static int list_one(const struct visit *v, void *ctx)
{
    struct app *app = ctx;

    char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];

    /* people read local times with their offset; JSON keeps the stored UTC */
    if (app->json)
        app_print_json(visit_json(v));
    else
        printf("%.8s  %-8s  %-14s  %s  %s\n", v->id, v->kind, v->site_code,
               clock_iso_local(v->opened_at, t1),
               v->closed_at[0] ? clock_iso_local(v->closed_at, t2) : _("open"));
    return 0;
}

int cmd_visit_list(struct app *app, int argc, char **argv)
{
    static const struct app_opt no_opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    struct store *s;
    int rc;

    if (app_parse("visit list", argc, argv, 2, no_opts, NULL, 0, NULL))
        return 1;
    s = app_store_read(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = visit_foreach(s, list_one, app, &app->err);
    return rc ? app_fail(app, rc) : 0;
}

int cmd_visit_show(struct app *app, int argc, char **argv)
{
    const char *name = NULL, *pos[1] = {NULL};
    const struct app_opt opts[] = {{"--visit", &name, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];
    const struct workflow *wf = NULL;
    struct visit v;
    struct store *s;
    json_t *o = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    if (app_parse("visit show", argc, argv, 2, opts, pos, 1, NULL))
        return 1;
    if (pos[0] && name && strcmp(pos[0], name))
        return app_unexpected("visit show", pos[0]);
    if (pos[0])
        name = pos[0];
    s = app_store_read(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = workflow_attach(s, name, &v, &wf, &app->err);
    if (rc)
        goto out;
    if (app->json) {
        o = visit_json(&v);
        json_object_set_new(o, "test_clock", json_boolean(visit_test_clock(s, v.id)));
        if (wf->show_json)
            rc = wf->show_json(s, &v, o, &app->err);
        if (!rc) {
            app_print_json(o);
            o = NULL;
        }
        goto out;
    }
    /* people read local times with their offset; JSON keeps the stored UTC */
    printf(_("visit %s  %s  %s  opened %s%s%s\n"), v.id, workflow_short(wf), v.site_code,
           clock_iso_local(v.opened_at, t1), v.closed_at[0] ? _("  closed ") : _("  (open)"),
           v.closed_at[0] ? clock_iso_local(v.closed_at, t2) : "");
    if (visit_test_clock(s, v.id))
        printf(_("recorded under the test clock (FIELDCHECK_NOW): these times are not real\n"));
    if (wf->show_text)
        rc = wf->show_text(s, &v, stdout, &app->err);
out:
    json_decref(o);
    visit_release(&v);
    return rc ? app_fail(app, rc) : 0;
}
