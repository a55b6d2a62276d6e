/* report --format html [--doc NAME] [--unmask --reason T]: the printable
 * documents of core/report/report_html.c. The app layer signs the checkpoint (sync/
 * holds the device keys) and records the audited unmask event before any
 * full name or ID reaches a file. */
#include "app/commands.h"
#include "app/report_cli.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/report/report_html.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "sync/receipt.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

int app_report_html(struct app *app, const struct app_report_html *r)
{
    struct store *s = app_store(app);
    struct report_html_args a;
    struct buf code = BUF_INIT, html = BUF_INIT, what = BUF_INIT;
    struct visit v;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&v, 0, sizeof(v));
    if (!s)
        return app_fail(app, app->err.code ? app->err.code : FC_EDB);
    a.doc = r->doc ? r->doc : "report";
    rc = report_doc_check(a.doc, &app->err);
    if (rc)
        return app_fail(app, rc);
    rc = visit_resolve(s, r->visit, &v, &app->err);
    if (rc)
        goto out;
    /* Without device keys the document says "unsigned": that is not an error. */
    if (v.closed_at[0] && checkpoint_make(s, &v, &code, NULL) == FC_OK)
        a.signed_code = code.ptr;
    if (r->unmask) {
        buf_addf(&what, "report %s html %s", a.doc, r->path);
        rc = report_record_unmask(s, v.id, r->reason, what.ptr, clock_now_ms(), &app->err);
        if (rc)
            goto out;
    }
    a.visit = v.id;
    a.lang = html_lang_from_env();
    a.unmask = r->unmask;
    rc = report_html(s, &a, &html, &app->err);
    if (!rc)
        rc = app_write_out(app, r->path, html.ptr, html.len, 0);
    if (!rc && !app_is_stdout(r->path)) {
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:b, s:b}", "ok", 1, "path", r->path,
                                     "format", "html", "doc", a.doc, "signed",
                                     a.signed_code != NULL, "unmasked", r->unmask));
        else
            printf(_("report written to %s\n"), r->path);
    }
out:
    visit_release(&v);
    buf_release(&code);
    buf_release(&html);
    buf_release(&what);
    return rc ? app_fail(app, rc) : 0;
}
