/* fieldcheck scan | amend | void | report for every workflow: the visit's
 * workflow (core/workflow.h) judges, records and writes; this file only
 * parses arguments and prints. A verdict is printed only after its event is
 * committed (the engines commit first), so every line a script saw is in the
 * database even if the process dies. */
#include "app/commands.h"
#include "app/report_cli.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "core/workflow.h"
#include "ui/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void app_print_result(struct app *app, const struct workflow_result *r)
{
    if (app->json) {
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "code", r->code, "kind", r->kind,
                      "verdict", r->verdict, "detail", r->detail, "message", r->message, "source",
                      r->source, "seq", (json_int_t)r->seq, "event", r->event_id);
        if (!o)
            o = json_pack("{s:s, s:s, s:s, s:I}", "kind", r->kind, "verdict", r->verdict, "detail",
                          r->detail, "seq", (json_int_t)r->seq);
        if (r->extra)
            json_object_update(o, r->extra);
        app_print_json(o);
    } else {
        printf("%-18s %s%s%s  [%s]\n", r->verdict, r->message_local, r->detail[0] ? " | " : "",
               r->detail, r->event_id);
    }
    fflush(stdout);
}

int app_workflow_session(struct app *app, const char *visit_name, struct visit *v,
                         struct workflow_session *ws)
{
    struct store *s = app_store(app);
    const struct workflow *wf = NULL;
    int rc;

    memset(ws, 0, sizeof(*ws));
    if (!s)
        return app->err.code ? app->err.code : FC_EDB;
    rc = workflow_attach(s, visit_name, v, &wf, &app->err);
    if (!rc)
        rc = workflow_open(s, v, wf, ws, &app->err);
    return rc;
}

int app_parse_time(struct app *app, const char *text, int64_t *ms)
{
    if (!text) {
        *ms = clock_now_ms();
        return FC_OK;
    }
    if (clock_parse(text, ms) != FC_OK)
        return fc_error_set(&app->err, FC_EUSAGE, "cannot parse time '%s' (ISO 8601)", text);
    return FC_OK;
}

static int replay_file(struct app *app, struct workflow_session *ws, const char *path)
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
        struct workflow_result r;
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
        rc = ws->wf->engine->scan(ws->engine, code, strlen(code), "burst", ms, &r, &app->err);
        if (rc) {
            fc_error_prefix(&app->err, "%s:%lu", path, lineno);
            break;
        }
        app_print_result(app, &r);
        workflow_result_release(&r);
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
    struct workflow_session ws;
    struct visit v;
    int typed = 0, first = 0, rc;

    memset(&v, 0, sizeof(v));
    memset(&ws, 0, sizeof(ws));
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
    rc = app_workflow_session(app, visit, &v, &ws);
    if (!rc && replay) {
        rc = replay_file(app, &ws, replay);
    } else if (!rc) {
        for (int i = first; i < argc && !rc; i++) {
            struct workflow_result r;
            int64_t ms;

            rc = app_parse_time(app, at, &ms);
            if (!rc)
                rc = ws.wf->engine->scan(ws.engine, argv[i], strlen(argv[i]),
                                         typed ? "typed" : "cli", ms, &r, &app->err);
            if (!rc)
                app_print_result(app, &r);
            workflow_result_release(&r);
        }
    }
    workflow_close(&ws);
    visit_release(&v);
    return rc ? app_fail(app, rc) : 0;
}

/* 1 when target is a record of the visit's workflow or a record every visit
 * keeps (evidence, interviews), voided generically rather than by an engine. */
static int is_record_event(struct app *app, const char *visit_name, const char *target)
{
    struct store *s = app_store(app);
    const struct workflow *wf = NULL;
    struct buf kind = BUF_INIT;
    struct visit v;
    int yes = 0;

    memset(&v, 0, sizeof(v));
    if (s && event_kind_of(s, target, &kind, NULL) == FC_OK &&
        visit_resolve(s, visit_name, &v, NULL) == FC_OK &&
        workflow_of_visit(&v, &wf, NULL) == FC_OK)
        yes = workflow_is_record_kind(wf, kind.ptr);
    buf_release(&kind);
    visit_release(&v);
    return yes;
}

static int correction(struct app *app, int argc, char **argv, int is_void)
{
    const char *visit = NULL, *at = NULL, *reason = NULL, *code = NULL, *note = NULL;
    const char *target = NULL;
    struct workflow_session ws;
    struct workflow_result r;
    struct visit v;
    int64_t ms;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(&ws, 0, sizeof(ws));
    memset(&r, 0, sizeof(r));
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
    rc = app_parse_time(app, at, &ms);
    if (rc)
        return app_fail(app, rc);
    if (is_void && is_record_event(app, visit, target)) {
        char id[37];
        rc = workflow_void_record(app->store, visit, target, reason, ms, id, &app->err);
        if (rc)
            return app_fail(app, rc);
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "event_id", id, "voided", target));
        else
            printf(_("voided %s (void event %s)\n"), target, id);
        return 0;
    }
    rc = app_workflow_session(app, visit, &v, &ws);
    if (!rc) {
        int (*fn)(void *, const char *, const char *, int64_t, struct workflow_result *,
                  struct fc_error *) = ws.wf->engine->void_scan;
        if (is_void && fn)
            rc = fn(ws.engine, target, reason, ms, &r, &app->err);
        else if (!is_void && ws.wf->engine->amend)
            rc = ws.wf->engine->amend(ws.engine, target, code, note, ms, &r, &app->err);
        else
            rc = fc_error_set(&app->err, FC_ESTATE, "a %s's scans cannot be %s",
                              workflow_label_in(ws.wf, FC_LANG_EN), is_void ? "voided" : "amended");
    }
    if (!rc)
        app_print_result(app, &r);
    workflow_result_release(&r);
    workflow_close(&ws);
    visit_release(&v);
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

int cmd_report(struct app *app, int argc, char **argv)
{
    const char *visit = NULL, *format = NULL, *path = NULL;
    const struct workflow *wf = NULL;
    struct app_report_html h = {0};
    struct store *s;
    struct visit v;
    int rc;

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
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    memset(&v, 0, sizeof(v));
    rc = workflow_attach(s, visit, &v, &wf, &app->err);
    if (!rc && !wf->report)
        rc = fc_error_set(&app->err, FC_ESTATE, "a %s has no %s report",
                          workflow_label_in(wf, FC_LANG_EN), format);
    if (rc) {
        visit_release(&v);
        return app_fail(app, rc);
    }
    rc = app_write_report(app, path, format, wf, &v);
    visit_release(&v);
    return rc;
}
