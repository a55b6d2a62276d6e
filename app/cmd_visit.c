/* fieldcheck visit open|close|list|show: the visit lifecycle, and for a night
 * visit the per-bed and per-patient results (DESIGN §6). Personal data in
 * results is masked (core/base/mask.h). */
#include "app/commands.h"
#include "app/night_cli.h"
#include "app/flight_args.h"
#include "app/pharmacy_cli.h"
#include "core/flight/flight.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/mission/mission.h"
#include "core/night/night.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_at(struct app *app, const char *text, int64_t *ms)
{
    if (!text) {
        *ms = clock_now_ms();
        return FC_OK;
    }
    if (clock_parse(text, ms) != FC_OK)
        return fc_error_set(&app->err, FC_EUSAGE, "cannot parse time '%s' (ISO 8601)", text);
    return FC_OK;
}

int night_cli_time(struct app *app, const char *text, int64_t *ms)
{
    return parse_at(app, text, ms);
}

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

static int visit_open_cmd(struct app *app, int argc, char **argv)
{
    struct visit_open_args a;
    struct mission_info mi;
    struct buf site_name = BUF_INIT, site_kind = BUF_INIT;
    struct visit v;
    struct store *s;
    const char *at = NULL;
    int n = 0, rc;

    memset(&a, 0, sizeof(a));
    memset(&v, 0, sizeof(v));
    for (int i = 2; i < argc; i++) {
        const char *opt = argv[i];
        if (!strcmp(opt, "--credentials-shown")) {
            a.credentials_shown = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, _("fieldcheck: visit open: '%s' needs a value\n"), opt);
            return 1;
        }
        if (!strcmp(opt, "--site")) {
            a.site_code = argv[++i];
        } else if (!strcmp(opt, "--kind")) {
            a.kind = argv[++i];
        } else if (!strcmp(opt, "--inspector")) {
            if (n >= VISIT_MAX_INSPECTORS) {
                fprintf(stderr, _("fieldcheck: visit open: at most %d inspectors\n"),
                        VISIT_MAX_INSPECTORS);
                return 1;
            }
            a.inspectors[n++] = argv[++i];
        } else if (!strcmp(opt, "--at")) {
            at = argv[++i];
        } else {
            fprintf(stderr, _("fieldcheck: visit open: unknown option '%s'\n"), opt);
            return 1;
        }
    }
    if (!a.site_code || !a.kind) {
        fprintf(stderr, _("fieldcheck: visit open: --site and --kind are required\n"));
        return 1;
    }
    rc = parse_at(app, at, &a.at_ms);
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

static int visit_close_cmd(struct app *app, int argc, char **argv)
{
    const char *name = NULL, *at = NULL;
    struct visit v, closed;
    struct app_qr q = {0};
    char code[VISIT_SHORT_CODE_LEN + 1];
    struct store *s;
    int64_t ms;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(&closed, 0, sizeof(closed));
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--visit") && i + 1 < argc) {
            name = argv[++i];
        } else if (!strcmp(argv[i], "--at") && i + 1 < argc) {
            at = argv[++i];
        } else if (!app_qr_option(&q, argc, argv, &i)) {
            fprintf(stderr, _("fieldcheck: visit close: unexpected '%s'\n"), argv[i]);
            return 1;
        }
    }
    rc = parse_at(app, at, &ms);
    if (rc)
        return app_fail(app, rc);
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = visit_resolve(s, name, &v, &app->err);
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
        app_print_json(o);
    } else {
        printf(_("visit %s closed at %s\ncheckpoint %s\n"), closed.id, closed.closed_at, code);
    }
    /* --qr: the signed checkpoint for the paper record (needs the device keys) */
    rc = app_qr_checkpoint(app, s, &closed, &q);
out:
    visit_release(&v);
    visit_release(&closed);
    return rc;
}

static int list_one(const struct visit *v, void *ctx)
{
    struct app *app = ctx;

    if (app->json)
        app_print_json(visit_json(v));
    else
        printf("%.8s  %-8s  %-14s  %s  %s\n", v->id, v->kind, v->site_code, v->opened_at,
               v->closed_at[0] ? v->closed_at : "open");
    return 0;
}

static int visit_list_cmd(struct app *app)
{
    struct store *s = app_store(app);
    int rc;

    if (!s)
        return app_fail(app, app->err.code);
    rc = visit_foreach(s, list_one, app, &app->err);
    return rc ? app_fail(app, rc) : 0;
}

int night_cli_open(struct app *app, const char *visit_name, struct night **out)
{
    struct store *s = app_store(app);
    struct visit v;
    int rc;

    *out = NULL;
    if (!s)
        return app->err.code ? app->err.code : FC_EDB;
    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_name, &v, &app->err);
    if (!rc && strcmp(v.kind, "night") != 0)
        rc = fc_error_set(&app->err, FC_ESTATE, "visit '%.8s' is a %s visit, not a night check",
                          v.id, v.kind);
    if (!rc)
        rc = mission_attach(s, v.mission_id, v.mission_version, &app->err);
    if (!rc)
        rc = night_open(s, v.id, out, &app->err);
    visit_release(&v);
    return rc;
}

static int bed_to_json(const struct night_bed *b, void *ctx)
{
    struct night_cli_results *r = ctx;
    char label[256];
    json_t *o;

    snprintf(label, sizeof(label), "%s-%s", b->ward_code, b->bed);
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:I}", "ward_code", b->ward_code,
                  "bed", b->bed, "bed_label", label, "finding", b->finding, "admission_no",
                  b->identified[0] ? b->identified : b->listed, "listed", b->listed, "no_wristband",
                  b->no_wristband, "no_id", b->no_id, "exam", b->exam, "scans",
                  (json_int_t)b->scans);
    json_array_append_new(r->beds, o);
    night_cli_count(r->bed_counts, b->finding);
    return 0;
}

static int patient_to_json(const struct night_patient *p, void *ctx)
{
    struct night_cli_results *r = ctx;
    struct buf name = BUF_INIT;
    json_t *o;

    mask_name(&name, p->name);
    o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "admission_no", p->admission_no, "name", name.ptr,
                  "ward_code", p->ward_code, "bed", p->bed, "finding", p->finding);
    if (o && p->found_at[0])
        json_object_set_new(o, "found_at", json_string(p->found_at));
    if (o && p->detail[0])
        json_object_set_new(o, "detail", json_string(p->detail));
    if (o)
        json_array_append_new(r->patients, o);
    night_cli_count(r->patient_counts, p->finding);
    buf_release(&name);
    return 0;
}

void night_cli_count(json_t *counts, const char *name)
{
    json_t *v = json_object_get(counts, name);
    json_object_set_new(counts, name, json_integer(v ? json_integer_value(v) + 1 : 1));
}

int night_cli_results(struct app *app, struct night *n, struct night_cli_results *r)
{
    int rc;

    r->beds = json_array();
    r->patients = json_array();
    r->bed_counts = json_object();
    r->patient_counts = json_object();
    rc = night_foreach_bed(n, bed_to_json, r, &app->err);
    if (!rc)
        rc = night_foreach_patient(n, patient_to_json, r, &app->err);
    return rc;
}

void night_cli_results_release(struct night_cli_results *r)
{
    json_decref(r->beds);
    json_decref(r->patients);
    json_decref(r->bed_counts);
    json_decref(r->patient_counts);
    memset(r, 0, sizeof(*r));
}

static void print_counts(const char *title, json_t *counts)
{
    const char *k;
    json_t *v;

    printf("%s:", title);
    json_object_foreach(counts, k, v)
    {
        printf(" %s %lld", k, (long long)json_integer_value(v));
    }
    printf("\n");
}

/* The flight totals of `visit show` in text form: whatever keys the engine
 * reports, one line each. */
static void print_flight_totals(json_t *totals)
{
    const char *key;
    json_t *val;

    if (!totals)
        return;
    json_object_foreach(totals, key, val)
    {
        char *text = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
        printf("  %-12s %s\n", key, text ? text : "");
        free(text);
    }
}

static int visit_show_cmd(struct app *app, int argc, char **argv)
{
    const char *name = argc > 2 ? argv[2] : NULL;
    struct night_cli_results r;
    struct night *n = NULL;
    struct visit v;
    struct store *s;
    json_t *o = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(&r, 0, sizeof(r));
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = visit_resolve(s, name, &v, &app->err);
    if (rc)
        return app_fail(app, rc);
    o = visit_json(&v);
    if (!strcmp(v.kind, "night")) {
        rc = night_cli_open(app, v.id, &n);
        if (!rc)
            rc = night_cli_results(app, n, &r);
        if (rc)
            goto out;
        json_object_set(o, "beds", r.beds);
        json_object_set(o, "patients", r.patients);
        json_object_set_new(o, "summary",
                            json_pack("{s:I, s:I, s:O, s:O}", "beds_scanned",
                                      (json_int_t)json_array_size(r.beds), "patients",
                                      (json_int_t)json_array_size(r.patients), "beds_by_finding",
                                      r.bed_counts, "patients_by_finding", r.patient_counts));
    }
    if (!strcmp(v.kind, "pharmacy") && app->json) {
        rc = pharmacy_cli_show(app, &v, o);
        if (rc)
            goto out;
    }
    if (!strcmp(v.kind, "flight")) {
        json_t *f;
        struct visit fv;

        memset(&fv, 0, sizeof(fv));
        rc = flight_visit(app, v.id, 0, &fv);
        visit_release(&fv);
        if (rc)
            goto out_quiet;
        f = flight_show_json(s, v.id, &app->err);
        if (!f) {
            rc = app->err.code ? app->err.code : FC_EDB;
            goto out;
        }
        json_object_update(o, f);
        json_decref(f);
    }
    if (app->json) {
        app_print_json(o);
        o = NULL;
    } else {
        size_t i;
        json_t *b;

        printf(_("visit %s  %s  %s  opened %s%s%s\n"), v.id, v.kind, v.site_code, v.opened_at,
               v.closed_at[0] ? _("  closed ") : _("  (open)"), v.closed_at);
        if (!strcmp(v.kind, "pharmacy"))
            rc = pharmacy_cli_show(app, &v, o);
        if (!strcmp(v.kind, "flight"))
            print_flight_totals(json_object_get(o, "totals"));
        if (r.beds) {
            print_counts("beds", r.bed_counts);
            print_counts("patients", r.patient_counts);
            json_array_foreach(r.beds, i, b)
            {
                printf(_("  bed %-12s %-18s %s\n"),
                       json_string_value(json_object_get(b, "bed_label")),
                       json_string_value(json_object_get(b, "finding")),
                       json_string_value(json_object_get(b, "admission_no")));
            }
            json_array_foreach(r.patients, i, b)
            {
                printf(_("  patient %-12s %-10s %s:%s  %s\n"),
                       json_string_value(json_object_get(b, "admission_no")),
                       json_string_value(json_object_get(b, "name")),
                       json_string_value(json_object_get(b, "ward_code")),
                       json_string_value(json_object_get(b, "bed")),
                       json_string_value(json_object_get(b, "finding")));
            }
        }
    }
out:
    json_decref(o);
    night_cli_results_release(&r);
    night_free(n);
    visit_release(&v);
    return rc ? app_fail(app, rc) : 0;
out_quiet: /* flight_visit printed its error and returned the exit code */
    json_decref(o);
    visit_release(&v);
    return rc;
}

int cmd_visit(struct app *app, int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, _("fieldcheck: visit: missing subcommand (open, close, list or show)\n"));
        return 1;
    }
    if (!strcmp(argv[1], "open"))
        return visit_open_cmd(app, argc, argv);
    if (!strcmp(argv[1], "close"))
        return visit_close_cmd(app, argc, argv);
    if (!strcmp(argv[1], "list"))
        return visit_list_cmd(app);
    if (!strcmp(argv[1], "show"))
        return visit_show_cmd(app, argc, argv);
    fprintf(stderr, _("fieldcheck: visit: unknown subcommand '%s'\n"), argv[1]);
    return 1;
}
