/* The pharmacy side of the shared commands (scan, void, report, visit show)
 * and the helpers of count and reconcile. A verdict is printed only after its
 * event is committed (pharmacy_scan commits first). */
#include "app/pharmacy_cli.h"

#include "app/night_cli.h"
#include "app/tui_pharmacy.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/mission/mission.h"
#include "core/pharmacy/pharmacy.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pharmacy_cli_is_pharmacy(struct app *app, const char *visit_name)
{
    struct store *s = app_store(app);
    struct visit v;
    int yes = 0;

    if (!s)
        return 0;
    memset(&v, 0, sizeof(v));
    if (visit_resolve(s, visit_name, &v, NULL) == FC_OK)
        yes = !strcmp(v.kind, "pharmacy");
    visit_release(&v);
    return yes;
}

int pharmacy_cli_open(struct app *app, const char *visit_name, struct pharmacy **out)
{
    struct store *s = app_store(app);
    struct visit v;
    int rc;

    *out = NULL;
    if (!s)
        return app->err.code ? app->err.code : FC_EDB;
    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_name, &v, &app->err);
    if (!rc && strcmp(v.kind, "pharmacy") != 0)
        rc = fc_error_set(&app->err, FC_ESTATE, "visit '%.8s' is a %s visit, not a pharmacy count",
                          v.id, v.kind);
    if (!rc)
        rc = mission_attach(s, v.mission_id, v.mission_version, &app->err);
    if (!rc)
        rc = pharmacy_open(s, v.id, out, &app->err);
    visit_release(&v);
    return rc;
}

void pharmacy_cli_print_result(struct app *app, const struct pharmacy_result *r)
{
    if (app->json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I}", "code", r->code,
                              "kind", r->kind, "verdict", r->verdict, "detail", r->detail,
                              "message", r->message, "source", r->source, "seq", (json_int_t)r->seq,
                              "event", r->event_id, "round", (json_int_t)r->round);
        if (!o)
            o = json_pack("{s:s, s:s, s:I}", "kind", r->kind, "verdict", r->verdict, "seq",
                          (json_int_t)r->seq);
        if (r->drug_code[0])
            json_object_set_new(o, "drug_code", json_string(r->drug_code));
        json_object_set_new(o, "qty", json_real(r->qty));
        app_print_json(o);
    } else {
        char msg[512];
        app_pharmacy_message(r, msg, sizeof(msg));
        printf("%-18s %s  [%s]\n", r->verdict, msg, r->event_id);
    }
    fflush(stdout);
}

/* Feeds a recorded scan file (time,code per line, optional header). */
static int replay_file(struct app *app, struct pharmacy *p, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0, bad = 0;
    int rc = FC_OK;

    if (!f)
        return fc_error_setsys(&app->err, FC_EIO, errno, "cannot open '%s': %s", path,
                               strerror(errno));
    while (!rc && (len = getline(&line, &cap, f)) >= 0) {
        struct pharmacy_result r;
        char *comma;
        int64_t ms;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
            memmove(line, line + 3, (size_t)len - 2);
        if (!*line || (lineno == 1 && !strcmp(line, "time,code")))
            continue;
        comma = strchr(line, ',');
        if (comma)
            *comma = '\0';
        if (!comma || !comma[1] || clock_parse(line, &ms) != FC_OK) {
            fprintf(stderr, _("fieldcheck: %s:%lu: expected time,code\n"), path, lineno);
            bad++;
            continue;
        }
        rc = pharmacy_scan(p, comma + 1, strlen(comma + 1), "burst", ms, &r, &app->err);
        if (rc)
            fc_error_prefix(&app->err, "%s:%lu", path, lineno);
        else
            pharmacy_cli_print_result(app, &r);
    }
    free(line);
    fclose(f);
    if (!rc && bad)
        rc = fc_error_set(&app->err, FC_EINPUT, "%s: bad lines skipped: %lu", path, bad);
    return rc;
}

int pharmacy_cli_scan(struct app *app, const char *visit, const char *at, const char *replay,
                      int typed, int argc, char **argv)
{
    struct pharmacy *p = NULL;
    int rc = pharmacy_cli_open(app, visit, &p);

    if (!rc && replay) {
        rc = replay_file(app, p, replay);
    } else {
        for (int i = 0; i < argc && !rc; i++) {
            struct pharmacy_result r;
            int64_t ms;

            rc = night_cli_time(app, at, &ms);
            if (!rc)
                rc = pharmacy_scan(p, argv[i], strlen(argv[i]), typed ? "typed" : "cli", ms, &r,
                                   &app->err);
            if (!rc)
                pharmacy_cli_print_result(app, &r);
        }
    }
    pharmacy_free(p);
    return rc ? app_fail(app, rc) : 0;
}

int pharmacy_cli_void(struct app *app, const char *visit, const char *target, const char *reason,
                      const char *at)
{
    struct pharmacy *p = NULL;
    struct pharmacy_result r;
    int64_t ms;
    int rc = night_cli_time(app, at, &ms);

    if (!rc)
        rc = pharmacy_cli_open(app, visit, &p);
    if (!rc)
        rc = pharmacy_void(p, target, reason, ms, &r, &app->err);
    if (!rc)
        pharmacy_cli_print_result(app, &r);
    pharmacy_free(p);
    return rc ? app_fail(app, rc) : 0;
}

int pharmacy_cli_report(struct app *app, const char *visit, const char *format, const char *path)
{
    struct pharmacy *p = NULL;
    int rc = pharmacy_cli_open(app, visit, &p);

    if (rc) {
        pharmacy_free(p);
        return app_fail(app, rc);
    }
    rc = app_write_report(app, path, format, pharmacy_visit(p)->id, pharmacy_report);
    pharmacy_free(p);
    return rc;
}

static const char *num_text(json_t *v, char out[32])
{
    if (json_is_null(v) || !v)
        snprintf(out, 32, "-");
    else
        pharmacy_format_qty(json_number_value(v), out);
    return out;
}

int pharmacy_cli_show(struct app *app, const struct visit *v, json_t *o)
{
    json_t *show = NULL, *drugs, *d;
    size_t i;
    int rc = mission_attach(app->store, v->mission_id, v->mission_version, &app->err);

    if (rc)
        return rc;
    show = pharmacy_show_json(app->store, v, &app->err);
    if (!show)
        return app->err.code ? app->err.code : FC_EINTERNAL;
    drugs = json_object_get(show, "drugs");
    json_object_set(o, "drugs", drugs);
    json_object_set(o, "blind", json_object_get(show, "blind"));
    if (!app->json) {
        printf("%-24s %10s %10s %10s  %s\n", "drug_code", "book", "counted", "variance", "flags");
        json_array_foreach(drugs, i, d)
        {
            char b[32], c[32], var[32];
            struct buf flags = BUF_INIT;
            size_t k;
            json_t *f;

            json_array_foreach(json_object_get(d, "flags"), k, f)
            {
                buf_addf(&flags, "%s%s", k ? " " : "", json_string_value(f));
            }
            printf("%-24s %10s %10s %10s  %s\n", json_string_value(json_object_get(d, "drug_code")),
                   num_text(json_object_get(d, "book"), b),
                   num_text(json_object_get(d, "counted"), c),
                   num_text(json_object_get(d, "variance"), var), flags.ptr);
            buf_release(&flags);
        }
    }
    json_decref(show);
    return FC_OK;
}
