/* fieldcheck reconcile: the pharmacy findings D01..D09 of a visit, one line
 * (or one JSON object) per finding, in drug then rule order. */
#include "app/args.h"
#include "app/commands.h"
#include "app/pharmacy_cli.h"

#include "core/base/buf.h"
#include "core/pharmacy/pharmacy.h"
#include "core/pharmacy/workflow.h"
#include "core/base/lang.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

struct print_ctx {
    struct app *app;
    long n;
};

static int print_finding(const struct pharmacy_finding *f, void *ctx)
{
    struct print_ctx *c = ctx;
    struct pharmacy_finding_text ft;
    struct buf ev = BUF_INIT;

    c->n++;
    if (c->app->json) {
        app_print_json(pharmacy_finding_json(f));
        return 0;
    }
    pharmacy_finding_text(f, &ft);
    pharmacy_finding_evidence(f, " (+%lld more)", &ev);
    {
        const struct pharmacy_rule_terms *t = pharmacy_rule_terms(f->rule);
        const struct verdict *v = workflow_verdict_in(&pharmacy_workflow, f->rule, VERDICT_RULE);

        /* the label for people, the code beside it; then what was compared */
        printf("%-24s %s (%s)\n    ", f->drug_code, v ? verdict_label(v) : f->rule, f->rule);
        if (t && t->b_en)
            printf(_("%s %s, %s %s, difference %s"), fc_text(t->a_en, t->a_zh), ft.a,
                   fc_text(t->b_en, t->b_zh), ft.b, ft.diff);
        else if (t)
            printf("%s %s", fc_text(t->a_en, t->a_zh), ft.a);
        printf(_("; amount %s yuan%s%s%s%s\n"), ft.amount, ev.len ? _("; evidence: ") : "", ev.ptr,
               f->note[0] ? _("; note: ") : "", f->note);
    }
    buf_release(&ev);
    return 0;
}

int cmd_reconcile(struct app *app, int argc, char **argv)
{
    const struct app_opt opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    struct pharmacy *p = NULL;
    struct print_ctx c = {app, 0};
    int rc;

    if (app_parse("reconcile", argc, argv, 1, opts, NULL, 0, NULL))
        return 1;
    rc = pharmacy_cli_open(app, &p);
    if (!rc)
        rc = pharmacy_reconcile(app->store, pharmacy_visit(p), print_finding, &c, &app->err);
    if (!rc && !app->json)
        printf(c.n == 1 ? _("%ld finding\n") : _("%ld findings\n"), c.n);
    pharmacy_free(p);
    return rc ? app_fail(app, rc) : 0;
}
