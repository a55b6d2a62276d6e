/* fieldcheck scan | amend | void | report for night visits. A verdict is
 * printed only after its event is committed (night_scan commits first), so
 * every line a script saw is in the database even if the process dies. */
#include "app/commands.h"
#include "app/report_cli.h"
#include "app/flight_args.h"
#include "core/flight/flight.h"
#include "app/night_cli.h"
#include "app/pharmacy_cli.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/store/event.h"
#include "core/night/night.h"
#include "core/store/store.h"
#include "ui/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_result(struct app *app, const struct night_result *r)
{
    if (app->json) {
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "code", r->code, "kind", r->kind,
                      "verdict", r->verdict, "detail", r->detail, "message", r->message, "source",
                      r->source, "seq", (json_int_t)r->seq, "event", r->event_id);
        if (!o)
            o = json_pack("{s:s, s:s, s:s, s:I}", "kind", r->kind, "verdict", r->verdict, "detail",
                          r->detail, "seq", (json_int_t)r->seq);
        if (r->bed[0]) {
            char bed[2 * SCAN_REF_MAX + 2];
            snprintf(bed, sizeof(bed), "%s:%s", r->ward_code, r->bed);
            json_object_set_new(o, "bed", json_string(bed));
        }
        if (r->admission_no[0])
            json_object_set_new(o, "admission_no", json_string(r->admission_no));
        app_print_json(o);
    } else {
        char msg[512];
        app_night_message(r, msg, sizeof(msg));
        printf("%-17s %s%s%s  [%s]\n", r->verdict, msg, r->detail[0] ? " | " : "", r->detail,
               r->event_id);
    }
    fflush(stdout);
}

static int replay_file(struct app *app, struct night *n, const char *path)
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
    while ((len = getline(&line, &cap, f)) >= 0) {
        struct night_result r;
        char *comma, *code;
        int64_t ms;

        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
            memmove(line, line + 3, (size_t)len - 2);
        if (!*line)
            continue;
        comma = strchr(line, ',');
        if (!comma) {
            fprintf(stderr, _("fieldcheck: %s:%lu: expected time,code\n"), path, lineno);
            bad++;
            continue;
        }
        *comma = '\0';
        code = comma + 1;
        if (lineno == 1 && !strcmp(line, "time") && !strcmp(code, "code"))
            continue;
        if (clock_parse(line, &ms) != FC_OK) {
            fprintf(stderr, _("fieldcheck: %s:%lu: cannot parse time '%s'\n"), path, lineno, line);
            bad++;
            continue;
        }
        if (!*code) {
            fprintf(stderr, _("fieldcheck: %s:%lu: empty code\n"), path, lineno);
            bad++;
            continue;
        }
        rc = night_scan(n, code, strlen(code), "burst", ms, &r, &app->err);
        if (rc) {
            fc_error_prefix(&app->err, "%s:%lu", path, lineno);
            break;
        }
        print_result(app, &r);
    }
    free(line);
    fclose(f);
    if (!rc && bad)
        rc = fc_error_set(&app->err, FC_EINPUT, "%s: bad lines skipped: %lu", path, bad);
    return rc;
}

int cmd_scan(struct app *app, int argc, char **argv)
{
    const char *visit = NULL, *at = NULL, *replay = NULL;
    struct night *n = NULL;
    int typed = 0, first = 0, rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            first = first ? first : i + 1;
            break;
        } else if (!strcmp(argv[i], "--visit") && i + 1 < argc) {
            visit = argv[++i];
        } else if (!strcmp(argv[i], "--at") && i + 1 < argc) {
            at = argv[++i];
        } else if (!strcmp(argv[i], "--replay") && i + 1 < argc) {
            replay = argv[++i];
        } else if (!strcmp(argv[i], "--typed")) {
            typed = 1;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, _("fieldcheck: scan: unknown option '%s'\n"), argv[i]);
            return 1;
        } else {
            first = i;
            break;
        }
    }
    if (!replay && (!first || first >= argc)) {
        fprintf(stderr, _("fieldcheck: scan: no code given\n"));
        return 1;
    }
    /* a scanner never sends nothing: an empty argument is a mistake in the
     * command line, not a scan to record */
    for (int i = first; !replay && i < argc; i++)
        if (!argv[i][strspn(argv[i], " \t\r\n")]) {
            fprintf(stderr, _("fieldcheck: scan: code %d is empty\n"), i - first + 1);
            return 1;
        }
    if (pharmacy_cli_is_pharmacy(app, visit))
        return pharmacy_cli_scan(app, visit, at, replay, typed, replay ? 0 : argc - first,
                                 argv + first);
    rc = night_cli_open(app, visit, &n);
    if (!rc && replay) {
        rc = replay_file(app, n, replay);
    } else if (!rc) {
        for (int i = first; i < argc && !rc; i++) {
            struct night_result r;
            int64_t ms;

            rc = night_cli_time(app, at, &ms);
            if (!rc)
                rc = night_scan(n, argv[i], strlen(argv[i]), typed ? "typed" : "cli", ms, &r,
                                &app->err);
            if (!rc)
                print_result(app, &r);
        }
    }
    night_free(n);
    return rc ? app_fail(app, rc) : 0;
}

/* 1 when target is a worksheet record or evidence (voided generically by
 * flight_void) rather than a scan. */
static int is_record_event(struct app *app, const char *target)
{
    struct store *s = app_store(app);
    struct buf kind = BUF_INIT;
    int yes = 0;

    if (s && event_kind_of(s, target, &kind, NULL) == FC_OK)
        yes = flight_is_voidable_kind(kind.ptr);
    buf_release(&kind);
    return yes;
}

static int correction(struct app *app, int argc, char **argv, int is_void)
{
    const char *visit = NULL, *at = NULL, *reason = NULL, *code = NULL, *note = NULL;
    const char *target = NULL;
    struct night *n = NULL;
    struct night_result r;
    int64_t ms;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char **slot = NULL;

        if (!strcmp(o, "--visit"))
            slot = &visit;
        else if (!strcmp(o, "--at"))
            slot = &at;
        else if (!strcmp(o, "--reason") && is_void)
            slot = &reason;
        else if (!strcmp(o, "--code") && !is_void)
            slot = &code;
        else if (!strcmp(o, "--note") && !is_void)
            slot = &note;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, _("fieldcheck: %s: '%s' needs a value\n"), argv[0], o);
                return 1;
            }
            *slot = argv[++i];
        } else if (o[0] == '-' && o[1] == '-') {
            fprintf(stderr, _("fieldcheck: %s: unknown option '%s'\n"), argv[0], o);
            return 1;
        } else if (!target) {
            target = o;
        } else {
            fprintf(stderr, _("fieldcheck: %s: unexpected '%s'\n"), argv[0], o);
            return 1;
        }
    }
    if (!target) {
        fprintf(stderr, _("fieldcheck: %s: missing EVENT_ID\n"), argv[0]);
        return 1;
    }
    if (is_void && is_record_event(app, target)) {
        char id[37];
        rc = night_cli_time(app, at, &ms);
        if (!rc)
            rc = flight_void(app->store, visit, target, reason, ms, id, &app->err);
        if (rc)
            return app_fail(app, rc);
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "event_id", id, "voided", target));
        else
            printf(_("voided %s (void event %s)\n"), target, id);
        return 0;
    }
    if (is_void && pharmacy_cli_is_pharmacy(app, visit))
        return pharmacy_cli_void(app, visit, target, reason, at);
    rc = night_cli_time(app, at, &ms);
    if (!rc)
        rc = night_cli_open(app, visit, &n);
    if (!rc)
        rc = is_void ? night_void(n, target, reason, ms, &r, &app->err)
                     : night_amend(n, target, code, note, ms, &r, &app->err);
    if (!rc)
        print_result(app, &r);
    night_free(n);
    return rc ? app_fail(app, rc) : 0;
}

int cmd_void(struct app *app, int argc, char **argv)
{
    return correction(app, argc, argv, 1);
}

int cmd_amend(struct app *app, int argc, char **argv)
{
    return correction(app, argc, argv, 0);
}

/* ---- report --------------------------------------------------------------- */

static void csv_field(struct buf *b, const char *s)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;

    if (!quote) {
        buf_adds(b, s);
        return;
    }
    buf_addch(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_addch(b, '"');
        buf_addch(b, *s);
    }
    buf_addch(b, '"');
}

static const char *jget(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* Rows of one section, anomalies first (stable within each group). */
static void report_rows(struct buf *b, int md, const char *section, json_t *arr, int anomalies)
{
    size_t i;
    json_t *o;

    json_array_foreach(arr, i, o)
    {
        const char *finding = jget(o, "finding");
        int is_patient = json_object_get(o, "name") != NULL;
        if (night_is_anomaly(finding) != anomalies)
            continue;
        if (md) {
            const char *detail = jget(o, "detail");
            buf_addf(b, "| %s | %s | %s | %s | %s | %s%s%s%s |\n", section, jget(o, "ward_code"),
                     jget(o, "bed"), jget(o, "admission_no"), is_patient ? jget(o, "name") : "",
                     finding, detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
        } else {
            const char *fields[] = {section,
                                    jget(o, "ward_code"),
                                    jget(o, "bed"),
                                    jget(o, "admission_no"),
                                    is_patient ? jget(o, "name") : "",
                                    finding};
            for (size_t k = 0; k < 6; k++) {
                if (k)
                    buf_addch(b, ',');
                csv_field(b, fields[k]);
            }
            buf_adds(b, ",\n");
        }
    }
}

static void report_counts(struct buf *b, int md, const char *what, json_t *counts)
{
    const char *k;
    json_t *v;

    json_object_foreach(counts, k, v)
    {
        if (md)
            buf_addf(b, "| %s | %s | %lld |\n", what, k, (long long)json_integer_value(v));
        else
            buf_addf(b, "summary,%s,,,,%s,%lld\n", what, k, (long long)json_integer_value(v));
    }
}

static int is_flight_visit(struct app *app, const char *name)
{
    struct store *s = app_store(app);
    struct visit v;
    int yes = 0;

    if (!s)
        return 0;
    memset(&v, 0, sizeof(v));
    if (visit_resolve(s, name, &v, NULL) == FC_OK)
        yes = !strcmp(v.kind, "flight");
    visit_release(&v);
    return yes;
}

int cmd_report(struct app *app, int argc, char **argv)
{
    const char *visit = NULL, *format = NULL, *path = NULL;
    struct app_report_html h = {0};
    struct night_cli_results r;
    struct night *n = NULL;
    struct buf b = BUF_INIT;
    int rc, md;

    memset(&r, 0, sizeof(r));
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--visit") && i + 1 < argc)
            visit = argv[++i];
        else if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            path = argv[++i];
        else if (!strcmp(argv[i], "--doc") && i + 1 < argc)
            h.doc = argv[++i];
        else if (!strcmp(argv[i], "--reason") && i + 1 < argc)
            h.reason = argv[++i];
        else if (!strcmp(argv[i], "--unmask"))
            h.unmask = 1;
        else {
            fprintf(stderr, _("fieldcheck: report: unexpected '%s'\n"), argv[i]);
            return 1;
        }
    }
    if (h.doc && !format)
        format = "html";
    if (!format || !path ||
        (strcmp(format, "csv") && strcmp(format, "md") && strcmp(format, "html"))) {
        fprintf(stderr, _("fieldcheck: report: needs --format csv|md|html and -o PATH\n"));
        return 1;
    }
    if (strcmp(format, "html") != 0 && (h.doc || h.unmask)) {
        fprintf(stderr, _("fieldcheck: report: --doc and --unmask need --format html\n"));
        return 1;
    }
    if (h.unmask != (h.reason != NULL)) {
        fprintf(stderr, _("fieldcheck: report: --unmask needs --reason T (it is recorded)\n"));
        return 1;
    }
    if (!strcmp(format, "html")) {
        h.visit = visit;
        h.path = path;
        return app_report_html(app, &h);
    }
    if (pharmacy_cli_is_pharmacy(app, visit))
        return pharmacy_cli_report(app, visit, format, path);
    if (is_flight_visit(app, visit)) {
        struct visit v;
        memset(&v, 0, sizeof(v));
        rc = flight_visit(app, visit, 0, &v);
        if (!rc)
            rc = app_write_report(app, path, format, v.id, flight_report);
        visit_release(&v);
        return rc;
    }
    md = !strcmp(format, "md");
    rc = night_cli_open(app, visit, &n);
    if (!rc)
        rc = night_cli_results(app, n, &r);
    if (rc)
        goto out;
    {
        const struct visit *v = night_visit(n);
        char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];
        if (md) {
            /* a document people read: local times, as the HTML shows them */
            buf_addf(&b,
                     "# Night bed check %s\n\n- visit: %s\n- site: %s\n- mission: %s v%lld\n"
                     "- opened: %s\n- closed: %s\n\n## Summary\n\n| of | finding | count |\n"
                     "|---|---|---|\n",
                     v->site_code, v->id, v->site_code, v->mission_id,
                     (long long)v->mission_version, clock_iso_local(v->opened_at, t1),
                     v->closed_at[0] ? clock_iso_local(v->closed_at, t2) : "(open)");
            report_counts(&b, 1, "beds", r.bed_counts);
            report_counts(&b, 1, "patients", r.patient_counts);
            buf_adds(&b, "\n## Anomalies\n\n| of | ward | bed | admission_no | name | finding |\n"
                         "|---|---|---|---|---|---|\n");
            report_rows(&b, 1, "bed", r.beds, 1);
            report_rows(&b, 1, "patient", r.patients, 1);
            buf_adds(&b, "\n## Other results\n\n| of | ward | bed | admission_no | name | finding "
                         "|\n|---|---|---|---|---|---|\n");
            report_rows(&b, 1, "bed", r.beds, 0);
            report_rows(&b, 1, "patient", r.patients, 0);
        } else {
            buf_adds(&b, "section,ward_code,bed,admission_no,name,finding,count\n");
            report_counts(&b, 0, "beds", r.bed_counts);
            report_counts(&b, 0, "patients", r.patient_counts);
            report_rows(&b, 0, "bed", r.beds, 1);
            report_rows(&b, 0, "patient", r.patients, 1);
            report_rows(&b, 0, "bed", r.beds, 0);
            report_rows(&b, 0, "patient", r.patients, 0);
        }
    }
    rc = fs_write_atomic(path, b.ptr, b.len, 0600, &app->err);
    if (!rc) {
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "path", path, "format", format));
        else
            printf(_("report written to %s\n"), path);
    }
out:
    buf_release(&b);
    night_cli_results_release(&r);
    night_free(n);
    return rc ? app_fail(app, rc) : 0;
}
