/* A trivial fourth workflow, registered from the test tree, linked into a
 * test build of the fieldcheck binary (fieldcheck_fourth): an outpatient
 * check (门诊检查) whose engine stores every code as a "scan" event, SEEN,
 * or NO_REGISTRATION (an anomaly) for a code that starts with "X". Its
 * applier keeps one derived table of its own (created from schema_sql), so
 * `db rebuild`, `visit show`, the reports, the close summary and HQ's page
 * work for it exactly as for the built-in ones. It has no screen family of
 * its own, so the TUI shows its visits on the generic visit screen.
 * tests/e2e/t0105-generic-workflow.sh and tests/cli/t0900-fourth-workflow.sh
 * drive it; nothing else in the tree names it. */
#include "core/base/xalloc.h"
#include "core/ident/scan.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "core/workflow.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct verdict catalogue[] = {
    {"SEEN", VERDICT_SCAN | VERDICT_ITEM, VERDICT_OK, VERDICT_SEV_OK, "seen", "已登记",
     "the code was recorded", "已记录此码", NULL, "已登记 %4$s"},
    {"NO_REGISTRATION", VERDICT_SCAN | VERDICT_ITEM, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY,
     "no registration", "无挂号记录", "a patient seen without a registration", "就诊无挂号记录",
     NULL, "无挂号记录 %4$s"},
    {NULL, 0, VERDICT_OK, VERDICT_SEV_NONE, NULL, NULL, NULL, NULL, NULL, NULL},
};

static const struct workflow_group groups[] = {
    {"codes", "Codes", "登记的码", WORKFLOW_MONEY_NONE, 0, 0, NULL, 0},
    {NULL, NULL, NULL, WORKFLOW_MONEY_NONE, 0, 0, NULL, 0},
};

struct engine {
    struct store *s;
    char visit[37];
};

static int engine_open(struct store *s, const struct visit *v, void **out, struct fc_error *err)
{
    struct engine *e = xcalloc(1, sizeof(*e));

    (void)err;
    e->s = s;
    snprintf(e->visit, sizeof(e->visit), "%s", v->id);
    *out = e;
    return 0;
}

static void engine_close(void *engine)
{
    free(engine);
}

static const struct workflow outpatient;

static int engine_scan(void *engine, const char *raw, size_t len,
                       const struct scan_arrival *arrival, int64_t at_ms,
                       struct workflow_result *out, struct fc_error *err)
{
    struct engine *e = engine;
    const char *verdict = len && raw[0] == 'X' ? "NO_REGISTRATION" : "SEEN";
    json_t *payload = json_pack("{s:s%, s:s}", "code", raw, len, "verdict", verdict);
    int rc;

    memset(out, 0, sizeof(*out));
    scan_arrival_stamp(arrival, payload);
    rc = event_commit_json(e->s, e->visit, at_ms, "scan", NULL, payload, out->event_id, err);
    json_decref(payload);
    if (rc)
        return rc;
    snprintf(out->code, sizeof(out->code), "%.*s", (int)len, raw);
    snprintf(out->kind, sizeof(out->kind), "code");
    snprintf(out->source, sizeof(out->source), "%s", arrival ? arrival->how : "cli");
    snprintf(out->verdict, sizeof(out->verdict), "%s", verdict);
    snprintf(out->message, sizeof(out->message), "recorded %s", out->code);
    workflow_result_localise(&outpatient, out, "", "");
    return 0;
}

static const struct workflow_engine_ops engine = {
    engine_open, engine_close, engine_scan, NULL, NULL,
};

/* ---- derived state: one row per scan ---- */

static int apply_scan(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "INSERT INTO outpatient_scan (seq, visit, code, verdict)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           &st, err);

    (void)ctx;
    if (!rc) {
        sqlite3_bind_int64(st, 1, e->seq);
        store_bind_text(st, 2, e->visit);
        store_bind_text(st, 3, json_string_value(json_object_get(p, "code")));
        store_bind_text(st, 4, json_string_value(json_object_get(p, "verdict")));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_fail(s, err, "cannot record the outpatient scan");
    }
    sqlite3_finalize(st);
    json_decref(p);
    return rc;
}

static const struct workflow_applier appliers[] = {
    {"scan", apply_scan},
    {NULL, NULL},
};

static const struct workflow_table tables[] = {
    {"outpatient_scan", "DELETE FROM outpatient_scan",
     "SELECT * FROM outpatient_scan ORDER BY seq"},
    {NULL, NULL, NULL},
};

struct findings_ctx {
    int (*cb)(const struct workflow_finding *f, void *ctx);
    void *ctx;
};

/* One scan: a finding of the group "codes" when its verdict is a row of the
 * catalogue. */
static int finding_row(sqlite3_stmt *st, void *vctx)
{
    struct findings_ctx *c = vctx;
    struct workflow_finding f;

    memset(&f, 0, sizeof(f));
    f.verdict = workflow_verdict_in(&outpatient, store_col_text(st, 1), VERDICT_ITEM);
    f.group = "codes";
    f.subject = store_col_text(st, 0);
    f.detail = "";
    f.count = 1;
    return f.verdict ? c->cb(&f, c->ctx) : 0;
}

/* Every code of the visit, as findings of the group "codes". */
static int findings(struct store *s, const struct visit *v,
                    int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                    struct fc_error *err)
{
    struct findings_ctx c = {cb, ctx};

    return store_each_sql(s,
                          "SELECT code, verdict FROM outpatient_scan WHERE visit = ?1"
                          " AND seq NOT IN (SELECT e.seq FROM event e JOIN voided x"
                          " ON x.target = e.id) ORDER BY seq",
                          v->id, finding_row, &c, "cannot read outpatient scans", err);
}

struct report_ctx_ {
    FILE *out;
    int md;
};

static int report_row(const struct workflow_finding *f, void *ctx)
{
    struct report_ctx_ *r = ctx;

    fprintf(r->out, r->md ? "| %s | %s |\n" : "%s,%s\n", f->subject, f->verdict->code);
    return 0;
}

static int report(struct store *s, const struct visit *v, const char *format, FILE *out,
                  struct fc_error *err)
{
    struct report_ctx_ r = {out, !strcmp(format, "md")};

    if (!r.md && strcmp(format, "csv"))
        return fc_error_set(err, FC_EUSAGE, "unknown report format '%s' (csv or md)", format);
    fputs(r.md ? "# Outpatient check\n\n| code | verdict |\n|---|---|\n" : "code,verdict\n", out);
    return findings(s, v, report_row, &r, err);
}

static const struct workflow outpatient = {
    .kind = "outpatient",
    .label_en = "outpatient check",
    .label_zh = "门诊检查",
    .short_en = "outpatient",
    .short_zh = "门诊",
    .report_title_en = "Outpatient check report",
    .report_title_zh = "门诊检查报告",
    .site_kind = "hospital",
    .needs_files = WORKFLOW_FILE_SITES,
    .screen = WORKFLOW_SCREEN_GENERIC,
    .catalogue = catalogue,
    .groups = groups,
    .appliers = appliers,
    .tables = tables,
    .engine = &engine,
    .findings = findings,
    .report = report,
    .schema_sql = "CREATE TABLE IF NOT EXISTS outpatient_scan (seq INTEGER PRIMARY KEY,"
                  " visit TEXT NOT NULL, code TEXT NOT NULL, verdict TEXT NOT NULL) STRICT;",
};

__attribute__((constructor)) static void register_outpatient(void)
{
    struct fc_error err;

    if (workflow_register(&outpatient, &err)) {
        fprintf(stderr, "cannot register the test workflow: %s\n", err.msg);
        abort();
    }
}
