/* fieldcheck scan | amend | void | report for every workflow: the visit's
 * workflow (core/workflow.h) judges, records and writes; this file only
 * parses arguments and prints. A verdict is printed only after its event is
 * committed (the engines commit first), so every line a script saw is in the
 * database even if the process dies. */
#include "app/args.h"
#include "app/commands.h"
#include "app/report_cli.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/ident/scan.h"
#include "core/store/event.h"
#include "core/store/hash.h"
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

int app_workflow_session(struct app *app, struct workflow_session *ws)
{
    const struct workflow *wf = NULL;
    const struct visit *v = NULL;
    int rc = app_visit(app, &v, &wf);

    memset(ws, 0, sizeof(*ws));
    if (!rc)
        rc = workflow_open(app->store, v, wf, ws, &app->err);
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

/* A replay file is read whole before its first line is recorded (so the
 * SHA-256 every event names is of exactly the bytes replayed): a regular
 * file of at most REPLAY_MAX bytes, lines of at most REPLAY_LINE_MAX. */
#define REPLAY_MAX (64u << 20)
#define REPLAY_LINE_MAX (SCAN_CODE_MAX + 64)

/* What a replay says on stderr about a line whose time is flagged. */
static const char *time_flag_message(const char *flag) __attribute__((format_arg(1)));
static const char *time_flag_message(const char *flag)
{
    if (!strcmp(flag, "before_open"))
        return N_("fieldcheck: %s:%lu: time '%s' is before the visit opened: recorded, flagged "
                  "before_open\n");
    if (!strcmp(flag, "after_close"))
        return N_("fieldcheck: %s:%lu: time '%s' is after the visit closed: recorded, flagged "
                  "after_close\n");
    return N_("fieldcheck: %s:%lu: time '%s' is earlier than the line before: recorded, flagged "
              "backwards\n");
}

static int replay_file(struct app *app, struct workflow_session *ws, const char *path)
{
    struct buf text = BUF_INIT;
    unsigned char sum[HASH_LEN];
    char hex[HASH_HEX_LEN + 1];
    const struct visit *v = NULL;
    int64_t opened_ms = 0, closed_ms = 0, prev_ms = 0;
    unsigned long lineno = 0, bad = 0;
    char *line, *next;
    int rc;

    rc = fs_read_file(path, REPLAY_MAX, &text, &app->err);
    if (!rc)
        rc = app_visit(app, &v, NULL);
    if (rc)
        goto out;
    hash_sha256(sum, text.ptr ? text.ptr : "", text.len);
    hash_to_hex(hex, sum, HASH_LEN);
    clock_parse(v->opened_at, &opened_ms);
    if (v->closed_at[0])
        clock_parse(v->closed_at, &closed_ms);
    buf_addch(&text, '\0'); /* a terminator even for an empty file */
    for (line = text.ptr; line && *line; line = next) {
        struct workflow_result r;
        struct scan_arrival arrival = {"replay", hex, NULL};
        char *comma, *code;
        size_t len;
        int64_t ms;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        len = strlen(line);
        while (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3))
            line += 3, len -= 3;
        if (!*line)
            continue;
        if (len > REPLAY_LINE_MAX) {
            fprintf(stderr, _("fieldcheck: %s:%lu: line longer than %d bytes\n"), path, lineno,
                    REPLAY_LINE_MAX);
            bad++;
            continue;
        }
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
        /* recorded as stated, but never taken for a live scan */
        arrival.time_flag = scan_time_flag(ms, opened_ms, closed_ms, prev_ms);
        if (arrival.time_flag)
            fprintf(stderr, _(time_flag_message(arrival.time_flag)), path, lineno, line);
        prev_ms = ms;
        rc = ws->wf->engine->scan(ws->engine, code, strlen(code), &arrival, ms, &r, &app->err);
        if (rc) {
            fc_error_prefix(&app->err, "%s:%lu", path, lineno);
            break;
        }
        app_print_result(app, &r);
        workflow_result_release(&r);
    }
    if (!rc && bad)
        rc = fc_error_set(&app->err, FC_EINPUT, "%s: bad lines skipped: %lu", path, bad);
out:
    buf_release(&text);
    return rc;
}

int cmd_scan(struct app *app, int argc, char **argv)
{
    const char *replay = NULL, **codes = xcalloc((size_t)argc + 1, sizeof(*codes));
    int typed = 0, n = 0, rc;
    const struct app_opt opts[] = {{"--replay", &replay, NULL, NULL, NULL},
                                   {"--typed", NULL, &typed, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct workflow_session ws;

    memset(&ws, 0, sizeof(ws));
    rc = app_parse("scan", argc, argv, 1, opts, codes, argc, &n) ? 1 : 0;
    if (!rc && !replay && !n) {
        fprintf(stderr, _("fieldcheck: scan: no code given\n"));
        rc = 1;
    }
    if (!rc && replay && n)
        rc = app_unexpected("scan", codes[0]);
    /* a scanner never sends nothing: an empty argument is a mistake in the
     * command line, not a scan to record */
    for (int i = 0; !rc && i < n; i++)
        if (!codes[i][strspn(codes[i], " \t\r\n")]) {
            fprintf(stderr, _("fieldcheck: scan: code %d is empty\n"), i + 1);
            rc = 1;
        }
    if (rc) {
        free(codes);
        return rc;
    }
    rc = app_workflow_session(app, &ws);
    if (!rc && replay) {
        rc = replay_file(app, &ws, replay);
    } else if (!rc) {
        for (int i = 0; i < n && !rc; i++) {
            struct workflow_result r;
            int64_t ms;

            memset(&r, 0, sizeof(r));
            rc = app_at(app, &ms);
            if (!rc)
                rc = ws.wf->engine->scan(
                    ws.engine, codes[i], strlen(codes[i]),
                    &(struct scan_arrival){typed ? "typed" : "cli", NULL, NULL}, ms, &r, &app->err);
            if (!rc)
                app_print_result(app, &r);
            workflow_result_release(&r);
        }
    }
    workflow_close(&ws);
    free(codes);
    return rc ? app_fail(app, rc) : 0;
}

/* 1 when target is a record of the visit's workflow or a record every visit
 * keeps (evidence, interviews), voided generically rather than by an engine. */
static int is_record_event(struct app *app, const char *target)
{
    const struct workflow *wf = NULL;
    struct buf kind = BUF_INIT;
    int yes = 0;

    if (app_visit(app, NULL, &wf) == FC_OK &&
        event_kind_of(app->store, target, &kind, NULL) == FC_OK)
        yes = workflow_is_record_kind(wf, kind.ptr);
    fc_error_clear(&app->err);
    buf_release(&kind);
    return yes;
}

static int correction(struct app *app, int argc, char **argv, int is_void)
{
    const char *reason = NULL, *code = NULL, *note = NULL, *pos[1] = {NULL};
    const struct app_opt void_opts[] = {{"--reason", &reason, NULL, NULL, NULL},
                                        {NULL, NULL, NULL, NULL, NULL}};
    const struct app_opt amend_opts[] = {{"--code", &code, NULL, NULL, NULL},
                                         {"--note", &note, NULL, NULL, NULL},
                                         {NULL, NULL, NULL, NULL, NULL}};
    const char *target;
    struct workflow_session ws;
    struct workflow_result r;
    int64_t ms;
    int rc;

    memset(&ws, 0, sizeof(ws));
    memset(&r, 0, sizeof(r));
    if (app_parse(argv[0], argc, argv, 1, is_void ? void_opts : amend_opts, pos, 1, NULL))
        return 1;
    target = pos[0];
    if (!target) {
        fprintf(stderr, _("fieldcheck: %s: missing EVENT_ID\n"), argv[0]);
        return 1;
    }
    rc = app_at(app, &ms);
    if (rc)
        return app_fail(app, rc);
    if (is_void && is_record_event(app, target)) {
        char id[37];
        rc = workflow_void_record(app->store, app->visit.id, target, reason, ms, id, &app->err);
        if (rc)
            return app_fail(app, rc);
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "event_id", id, "voided", target));
        else
            printf(_("voided %s (void event %s)\n"), target, id);
        return 0;
    }
    rc = app_workflow_session(app, &ws);
    if (!rc) {
        if (is_void && ws.wf->engine->void_scan)
            rc = ws.wf->engine->void_scan(ws.engine, target, reason, ms, &r, &app->err);
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
    const char *format = NULL, *path = NULL, *encoding = NULL;
    enum report_csv_encoding enc = REPORT_CSV_UTF8;
    struct app_report_html h = {0};
    const struct app_opt opts[] = {{"--format", &format, NULL, NULL, NULL},
                                   {"-o", &path, NULL, NULL, NULL},
                                   {"--doc", &h.doc, NULL, NULL, NULL},
                                   {"--reason", &h.reason, NULL, NULL, NULL},
                                   {"--unmask", NULL, &h.unmask, NULL, NULL},
                                   {"--encoding", &encoding, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    const struct workflow *wf = NULL;
    const struct visit *v = NULL;
    int rc;

    if (app_parse("report", argc, argv, 1, opts, NULL, 0, NULL))
        return 1;
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
    if (encoding && strcmp(format, "csv")) {
        fprintf(stderr, _("fieldcheck: report: --encoding applies to --format csv\n"));
        return 1;
    }
    if (encoding && report_csv_encoding_parse(encoding, &enc, &app->err))
        return app_fail(app, FC_EUSAGE);
    if (!strcmp(format, "html")) {
        h.visit = app->visit_name;
        h.path = path;
        return app_report_html(app, &h);
    }
    rc = app_visit(app, &v, &wf);
    if (!rc && !wf->report)
        rc = fc_error_set(&app->err, FC_ESTATE, "a %s has no %s report",
                          workflow_label_in(wf, FC_LANG_EN), format);
    if (rc)
        return app_fail(app, rc);
    return app_write_report(app, path, format, enc, wf, v);
}
