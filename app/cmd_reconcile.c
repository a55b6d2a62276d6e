/* fieldcheck reconcile: the pharmacy findings D01..D09 of a visit, one line
 * (or one JSON object) per finding, in drug then rule order. */
#include "app/commands.h"
#include "app/pharmacy_cli.h"

#include "core/base/money.h"
#include "core/base/buf.h"
#include "core/pharmacy/pharmacy.h"
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
    char a[32], b[32], d[32], amount[32];
    struct buf ev = BUF_INIT;

    c->n++;
    if (c->app->json) {
        app_print_json(pharmacy_finding_json(f));
        return 0;
    }
    pharmacy_format_qty(f->a, a);
    pharmacy_format_qty(f->b, b);
    pharmacy_format_qty(f->diff, d);
    money_text(f->amount_fen, amount);
    for (size_t i = 0; i < f->nevidence; i++)
        buf_addf(&ev, "%s%s", i ? " " : "", f->evidence[i]);
    if ((size_t)f->evidence_total > f->nevidence)
        buf_addf(&ev, " (+%lld more)", (long long)(f->evidence_total - (int64_t)f->nevidence));
    printf("%-24s %-27s a=%s b=%s diff=%s amount=%s%s%s%s%s\n", f->drug_code, f->rule, a, b, d,
           amount, ev.len ? "  evidence: " : "", ev.ptr, f->note[0] ? "  note: " : "", f->note);
    buf_release(&ev);
    return 0;
}

int cmd_reconcile(struct app *app, int argc, char **argv)
{
    const char *visit = NULL;
    struct pharmacy *p = NULL;
    struct print_ctx c = {app, 0};
    int rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--visit") && i + 1 < argc) {
            visit = argv[++i];
        } else {
            fprintf(stderr, _("fieldcheck: reconcile: unexpected '%s'\n"), argv[i]);
            return 1;
        }
    }
    rc = pharmacy_cli_open(app, visit, &p);
    if (!rc)
        rc = pharmacy_reconcile(app->store, pharmacy_visit(p), print_finding, &c, &app->err);
    if (!rc && !app->json)
        printf(c.n == 1 ? _("%ld finding\n") : _("%ld findings\n"), c.n);
    pharmacy_free(p);
    return rc ? app_fail(app, rc) : 0;
}
