/* A trivial fourth workflow, registered from the test tree, linked into a
 * test build of the fieldcheck binary (fieldcheck_fourth): an outpatient
 * check whose engine stores every code as a "scan" event with the verdict
 * SEEN. It has no screen family of its own, so the TUI shows its visits on
 * the generic visit screen, and tests/e2e/t0105-generic-workflow.sh proves
 * that its codes still reach its engine there. Nothing else in the tree
 * names it. */
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/visit/visit.h"
#include "core/workflow.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct verdict catalogue[] = {
    {"SEEN", VERDICT_SCAN, VERDICT_OK, VERDICT_SEV_OK, "seen", "已登记", "the code was recorded",
     "已记录此码", NULL, "已登记 %4$s"},
    {NULL, 0, VERDICT_OK, VERDICT_SEV_NONE, NULL, NULL, NULL, NULL, NULL, NULL},
};

static const struct workflow_group groups[] = {
    {"codes", "Codes", "登记的码", WORKFLOW_MONEY_NONE},
    {NULL, NULL, NULL, WORKFLOW_MONEY_NONE},
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

static int engine_scan(void *engine, const char *raw, size_t len, const char *arrival,
                       int64_t at_ms, struct workflow_result *out, struct fc_error *err)
{
    struct engine *e = engine;
    json_t *payload =
        json_pack("{s:s%, s:s, s:s}", "code", raw, len, "arrival", arrival, "verdict", "SEEN");
    int rc;

    memset(out, 0, sizeof(*out));
    rc = event_commit_json(e->s, e->visit, at_ms, "scan", NULL, payload, out->event_id, err);
    json_decref(payload);
    if (rc)
        return rc;
    snprintf(out->code, sizeof(out->code), "%.*s", (int)len, raw);
    snprintf(out->kind, sizeof(out->kind), "code");
    snprintf(out->source, sizeof(out->source), "%s", arrival);
    snprintf(out->verdict, sizeof(out->verdict), "SEEN");
    snprintf(out->message, sizeof(out->message), "recorded %s", out->code);
    workflow_result_localise(&outpatient, out, "", "");
    return 0;
}

static const struct workflow_engine_ops engine = {
    engine_open, engine_close, engine_scan, NULL, NULL,
};

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
    .engine = &engine,
};

__attribute__((constructor)) static void register_outpatient(void)
{
    struct fc_error err;

    if (workflow_register(&outpatient, &err)) {
        fprintf(stderr, "cannot register the test workflow: %s\n", err.msg);
        abort();
    }
}
