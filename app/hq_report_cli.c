/* hq report [--format html -o PATH] (options in any order): what visits found, per workflow and
 * class (anomalies first, coverage beside), per institution (names,
 * regions), per month (local time), each institution's visits in time
 * order; conflicts between devices on comparable facts; then the technical
 * part (events by kind and verdict, gaps, equivocations, quarantine, visits
 * on packs HQ never issued). Every label and class comes from the visit's
 * workflow's catalogue; --json keeps the codes. */
#include "app/hq_report_cli.h"

#include "app/args.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/money.h"
#include "core/base/utf8.h"
#include "core/hq/hq_html.h"
#include "core/hq/hqstore.h"
#include "core/workflow.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

struct rep {
    struct app *app;
    char section[32]; /* the text section printed last */
    char last_key[256];
    size_t wf_cols, class_cols; /* the widest workflow and class labels */
};

/* Column widths that fit every workflow's and class's label in the user's
 * language (Chinese labels are short, English ones long). */
static void rep_widths(struct rep *r)
{
    static const enum verdict_class all[] = {VERDICT_ANOMALY, VERDICT_COVERAGE, VERDICT_INFO,
                                             VERDICT_OK};
    const struct workflow *wf;

    for (size_t i = 0; (wf = workflow_at(i)) != NULL; i++)
        if (utf8_width(workflow_label(wf)) > r->wf_cols)
            r->wf_cols = utf8_width(workflow_label(wf));
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (utf8_width(verdict_class_label(all[i])) > r->class_cols)
            r->class_cols = utf8_width(verdict_class_label(all[i]));
}

/* s padded with spaces to cols terminal columns (CJK is two wide). */
static void pad(const char *s, size_t cols)
{
    size_t w = utf8_width(s);

    fputs(s, stdout);
    for (; w < cols; w++)
        putchar(' ');
    putchar(' ');
}

static void section(struct rep *r, const char *id, const char *title)
{
    if (r->app->json || !strcmp(r->section, id))
        return;
    snprintf(r->section, sizeof(r->section), "%s", id);
    r->last_key[0] = 0;
    printf("\n== %s ==\n", title);
}

/* The catalogue's label of code (by scope) in the user's language; the
 * code itself for a code this program does not know. */
static const char *label_of(const char *workflow, const char *code, int64_t scope)
{
    const struct workflow *wf = workflow_find(workflow);
    const struct verdict *v = wf ? workflow_verdict_in(wf, code, (unsigned)scope) : NULL;

    return v ? verdict_label(v) : code;
}

static const char *wf_label(const char *workflow)
{
    const struct workflow *wf = workflow_find(workflow);
    return wf ? workflow_label(wf) : workflow;
}

static const char *class_label(const char *cls)
{
    static const enum verdict_class all[] = {VERDICT_ANOMALY, VERDICT_COVERAGE, VERDICT_INFO,
                                             VERDICT_OK};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (!strcmp(cls, verdict_class_name(all[i])))
            return verdict_class_label(all[i]);
    return cls;
}

static void amounts(const struct hqstore_totals *t)
{
    char a[MONEY_TEXT_MAX], l[MONEY_TEXT_MAX];

    if (t->amount_fen) {
        money_text(t->amount_fen, a);
        printf(_("  amount %s"), a);
    }
    if (t->fund_loss_fen) {
        money_text(t->fund_loss_fen, l);
        printf(_("  fund loss %s"), l);
    }
}

static int on_finding(void *ctx, const char *workflow, const char *cls, const char *code,
                      int64_t scope, const struct hqstore_totals *t)
{
    struct rep *r = ctx;
    char key[256];

    if (r->app->json) {
        app_print_json(
            json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I}", "type", "findings",
                      "workflow", workflow, "class", cls, "code", code, "scope", (json_int_t)scope,
                      "label", label_of(workflow, code, scope), "count", (json_int_t)t->count,
                      "visits", (json_int_t)t->visits, "amount_fen", (json_int_t)t->amount_fen,
                      "fund_loss_fen", (json_int_t)t->fund_loss_fen));
        return 0;
    }
    section(r, "findings", _("What the visits found"));
    snprintf(key, sizeof(key), "%s\t%s", workflow, cls);
    if (strncmp(r->last_key, workflow, strlen(workflow)) || r->last_key[strlen(workflow)] != '\t')
        printf("%s (%s)\n", wf_label(workflow), workflow);
    if (strcmp(r->last_key, key))
        printf("  %s\n", class_label(cls));
    snprintf(r->last_key, sizeof(r->last_key), "%s", key);
    fputs("    ", stdout);
    pad(label_of(workflow, code, scope), 24);
    if (*t->key) {
        char both[96];
        snprintf(both, sizeof(both), "%s %s", code, t->key);
        pad(both, 26);
    } else {
        pad(code, 26);
    }
    printf(_("%6lld in %lld visit(s)"), (long long)t->count, (long long)t->visits);
    amounts(t);
    putchar('\n');
    return 0;
}

static int on_site(void *ctx, const char *site, const char *name, const char *region,
                   const char *region_name, const char *workflow, const char *cls, const char *code,
                   int64_t scope, const struct hqstore_totals *t)
{
    struct rep *r = ctx;

    if (r->app->json) {
        app_print_json(json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, "
            "s:I, s:I}",
            "type", "site_findings", "site", site, "site_name", name, "region_code", region,
            "region_name", region_name, "workflow", workflow, "class", cls, "code", code, "scope",
            (json_int_t)scope, "label", label_of(workflow, code, scope), "count",
            (json_int_t)t->count, "visits", (json_int_t)t->visits, "amount_fen",
            (json_int_t)t->amount_fen, "fund_loss_fen", (json_int_t)t->fund_loss_fen));
        return 0;
    }
    section(r, "sites", _("By institution"));
    if (strcmp(r->last_key, site)) {
        printf("%s %s", site, name);
        if (*region)
            printf(" (%s %s)", region, region_name);
        putchar('\n');
        snprintf(r->last_key, sizeof(r->last_key), "%s", site);
    }
    fputs("    ", stdout);
    pad(wf_label(workflow), r->wf_cols);
    pad(class_label(cls), r->class_cols);
    if (*t->key) {
        char both[160];
        snprintf(both, sizeof(both), "%s %s", label_of(workflow, code, scope), t->key);
        pad(both, 24);
    } else {
        pad(label_of(workflow, code, scope), 24);
    }
    printf("%6lld", (long long)t->count);
    amounts(t);
    putchar('\n');
    return 0;
}

static int on_month(void *ctx, const char *month, const char *workflow, const char *cls,
                    const struct hqstore_totals *t)
{
    struct rep *r = ctx;

    if (r->app->json) {
        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "type", "month",
                                 "month", month, "workflow", workflow, "class", cls, "count",
                                 (json_int_t)t->count, "visits", (json_int_t)t->visits,
                                 "amount_fen", (json_int_t)t->amount_fen, "fund_loss_fen",
                                 (json_int_t)t->fund_loss_fen));
        return 0;
    }
    section(r, "months", _("Anomalies by month (local time)"));
    printf("  %s  ", month);
    pad(wf_label(workflow), r->wf_cols);
    printf(_("%6lld in %lld visit(s)"), (long long)t->count, (long long)t->visits);
    amounts(t);
    putchar('\n');
    return 0;
}

static int on_visit(void *ctx, const char *site, const char *name, const char *visit,
                    const char *device, const char *workflow, const char *opened,
                    const char *closed, int64_t anomalies, int64_t coverage, int64_t amount_fen,
                    int64_t fund_loss_fen)
{
    struct rep *r = ctx;
    struct hqstore_totals t = {0, 0, amount_fen, fund_loss_fen, ""};
    char when[CLOCK_ISO_MAX];

    if (r->app->json) {
        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}",
                                 "type", "visit", "site", site, "site_name", name, "visit", visit,
                                 "device", device, "workflow", workflow, "opened", opened, "closed",
                                 closed, "anomalies", (json_int_t)anomalies, "coverage",
                                 (json_int_t)coverage, "amount_fen", (json_int_t)amount_fen,
                                 "fund_loss_fen", (json_int_t)fund_loss_fen));
        return 0;
    }
    section(r, "visits", _("Each institution's visits"));
    if (strcmp(r->last_key, site)) {
        printf("%s %s\n", site, name);
        snprintf(r->last_key, sizeof(r->last_key), "%s", site);
    }
    /* the stored time as the reader's local time with its offset */
    printf("    %s  ", clock_iso_local(opened, when));
    pad(wf_label(workflow), r->wf_cols);
    printf(_("visit %.8s device %s: "), visit, device);
    if (!*closed)
        printf(_("still open or its close not received yet\n"));
    else {
        printf(_("%lld anomalies, %lld not covered"), (long long)anomalies, (long long)coverage);
        amounts(&t);
        putchar('\n');
    }
    return 0;
}

static int on_visit_finding(void *ctx, const char *visit, const char *workflow, const char *code,
                            int64_t scope, int64_t count, int64_t amount_fen, int64_t fund_loss_fen)
{
    struct rep *r = ctx;

    if (r->app->json)
        app_print_json(json_pack(
            "{s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I}", "type", "visit_finding", "visit",
            visit, "workflow", workflow, "code", code, "scope", (json_int_t)scope, "label",
            label_of(workflow, code, scope), "count", (json_int_t)count, "amount_fen",
            (json_int_t)amount_fen, "fund_loss_fen", (json_int_t)fund_loss_fen));
    return 0;
}

static int rep_gap(void *ctx, const char *device, int64_t from, int64_t to)
{
    struct rep *r = ctx;
    if (r->app->json)
        app_print_json(json_pack("{s:s, s:s, s:I, s:I}", "type", "gap", "device", device, "from",
                                 (json_int_t)from, "to", (json_int_t)to));
    else
        printf(_("gap          device %s: seq %lld..%lld missing\n"), device, (long long)from,
               (long long)to);
    return 0;
}

static int rep_equiv(void *ctx, const char *device, int64_t seq, int64_t versions)
{
    struct rep *r = ctx;
    if (r->app->json)
        app_print_json(json_pack("{s:s, s:s, s:I, s:I}", "type", "equivocation", "device", device,
                                 "seq", (json_int_t)seq, "versions", (json_int_t)versions));
    else
        printf(_("EQUIVOCATION device %s: seq %lld has %lld different events\n"), device,
               (long long)seq, (long long)versions);
    return 0;
}

static int rep_conflict(void *ctx, const char *fact, const char *site, const char *subject,
                        const char *da, const char *va, const char *visit_a, const char *db,
                        const char *vb, const char *visit_b, const char *site_b)
{
    struct rep *r = ctx;

    if (r->app->json) {
        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type",
                                 "conflict", "fact", fact, "site", site, "subject", subject,
                                 "device_a", da, "verdict_a", va, "visit_a", visit_a, "device_b",
                                 db, "verdict_b", vb, "visit_b", visit_b, "site_b", site_b));
        return 0;
    }
    section(r, "conflicts", _("Conflicts between devices (the same bed or box, overlapping time)"));
    if (!strcmp(fact, "bed"))
        printf(_("  bed %s of %s: device %s (visit %.8s) %s, device %s (visit %.8s) %s\n"), subject,
               site, da, visit_a, va, db, visit_b, vb);
    else
        printf(_("  box %s: device %s at %s %s, device %s at %s %s\n"), subject, da, site, va, db,
               site_b, vb);
    return 0;
}

static int rep_summary(void *ctx, const char *mission, const char *site, const char *wf,
                       const char *kind, const char *verdict, int64_t count)
{
    struct rep *r = ctx;

    if (r->app->json) {
        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "type", "summary",
                                 "mission", mission, "site", site, "workflow", wf, "kind", kind,
                                 "verdict", verdict, "count", (json_int_t)count));
        return 0;
    }
    if (strcmp(r->section, "events")) {
        section(r, "events", _("Events by mission, site, workflow, kind and verdict"));
        printf("%-20s %-14s %-9s %-16s %-14s %6s\n", "mission", "site", "workflow", "kind",
               "verdict", "events");
    }
    printf("%-20s %-14s %-9s %-16s %-14s %6lld\n", mission[0] ? mission : "-", site[0] ? site : "-",
           wf[0] ? wf : "-", kind, verdict[0] ? verdict : "-", (long long)count);
    return 0;
}

static int rep_quarantine(void *ctx, const char *sha, const char *device, const char *reason)
{
    struct rep *r = ctx;
    if (r->app->json)
        app_print_json(json_pack("{s:s, s:s, s:s, s:s}", "type", "quarantine", "sha256", sha,
                                 "device", device, "reason", reason));
    else
        printf(_("quarantined  %.16s device %s: %s\n"), sha, device, reason);
    return 0;
}

static int rep_unissued(void *ctx, const char *visit, const char *device, const char *site,
                        const char *mission, int64_t version, const char *pack)
{
    struct rep *r = ctx;

    if (r->app->json)
        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "type", "unissued", "visit",
                                 visit, "device", device, "site", site, "mission", mission,
                                 "mission_version", (json_int_t)version, "pack_sha256", pack));
    else if (*pack)
        printf(_("not issued   visit %.8s device %s site %s mission %s v%lld: pack %.16s was not "
                 "issued by this HQ\n"),
               visit, device, site, mission, (long long)version, pack);
    else
        printf(_("not issued   visit %.8s device %s site %s mission %s v%lld: the visit names no "
                 "pack issued by this HQ\n"),
               visit, device, site, mission, (long long)version);
    return 0;
}

static int rep_test_clock(void *ctx, const char *visit, const char *device, const char *site,
                          const char *opened)
{
    struct rep *r = ctx;

    if (r->app->json)
        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "test_clock", "visit", visit,
                                 "device", device, "site", site, "opened", opened));
    else
        printf(_("test clock   visit %.8s device %s site %s opened %s: its times were set by "
                 "FIELDCHECK_NOW, not the device's clock\n"),
               visit, device, site, opened);
    return 0;
}

int hq_report_cmd(struct app *app, struct hq *hq, int argc, char **argv)
{
    struct rep r;
    const char *format = NULL, *out = NULL;
    int rc;
    const struct app_opt opts[] = {{"--format", &format, NULL, NULL, NULL},
                                   {"-o", &out, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    memset(&r, 0, sizeof(r));
    r.app = app;
    rep_widths(&r);
    if (app_parse("hq report", argc, argv, 1, opts, NULL, 0, NULL))
        return 1;
    if (format && out && !strcmp(format, "html")) {
        struct buf html = BUF_INIT;

        rc = hq_html_report(hq->db, html_lang_from_env(), &html, &app->err);
        if (!rc)
            rc = app_write_out(app, out, html.ptr, html.len, 0);
        buf_release(&html);
        if (rc)
            return app_fail(app, rc);
        if (app_is_stdout(out))
            return 0; /* the page itself is the output */
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "path", out, "format", "html"));
        else
            printf(_("report written to %s\n"), out);
        return 0;
    }
    if (format || out) {
        fprintf(stderr,
                _("fieldcheck: hq report: expected no argument or --format html -o PATH\n"));
        return 1;
    }
    {
        struct hqstore_summary_cb s = {&r,       on_finding, on_site,
                                       on_month, on_visit,   on_visit_finding};
        struct hqstore_report_cb c = {&r,          rep_gap,        rep_equiv,    rep_conflict,
                                      rep_summary, rep_quarantine, rep_unissued, rep_test_clock};

        if (!app->json)
            printf(_("HQ summary of %s\n"), hqdb_target(hq->db));
        rc = hqstore_summary(hq->db, &s, &app->err);
        if (!rc)
            rc = hqstore_report(hq->db, &c, &app->err);
    }
    return rc ? app_fail(app, rc) : 0;
}
