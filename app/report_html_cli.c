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

int app_html_doc(struct store *s, const char *visit_name, const char *doc, const char *unmask_what,
                 const char *reason, struct buf *html, char visit_id[37], int *is_signed,
                 struct fc_error *err)
{
    struct report_html_args a = {.doc = doc, .unmask = unmask_what != NULL};
    struct buf code = BUF_INIT;
    struct visit v = {0};
    int rc;

    *is_signed = 0;
    rc = report_doc_check(doc, err);
    if (!rc)
        rc = visit_resolve(s, visit_name, &v, err);
    if (rc)
        goto out;
    snprintf(visit_id, 37, "%s", v.id);
    if (v.closed_at[0] && checkpoint_make(s, &v, &code, NULL) == FC_OK)
        a.signed_code = code.ptr;
    *is_signed = a.signed_code != NULL;
    if (unmask_what) {
        rc = report_record_unmask(s, v.id, reason, unmask_what, clock_now_ms(), err);
        if (rc)
            goto out;
    }
    a.visit = v.id;
    a.lang = html_lang_from_env();
    rc = report_html(s, &a, html, err);
out:
    visit_release(&v);
    buf_release(&code);
    return rc;
}

int app_report_html(struct app *app, const struct app_report_html *r)
{
    struct store *s = app_store(app);
    const char *doc = r->doc ? r->doc : "report";
    struct buf html = BUF_INIT, what = BUF_INIT;
    char visit_id[37];
    int rc, is_signed = 0;

    if (!s)
        return app_fail(app, app->err.code ? app->err.code : FC_EDB);
    if (r->unmask)
        buf_addf(&what, "report %s html %s", doc, r->path);
    rc = app_html_doc(s, r->visit, doc, r->unmask ? what.ptr : NULL, r->reason, &html, visit_id,
                      &is_signed, &app->err);
    if (!rc)
        rc = app_write_out(app, r->path, html.ptr, html.len, 0);
    if (!rc && !app_is_stdout(r->path)) {
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:b, s:b}", "ok", 1, "path", r->path,
                                     "format", "html", "doc", doc, "signed", is_signed, "unmasked",
                                     r->unmask));
        else
            printf(_("report written to %s\n"), r->path);
    }
    buf_release(&html);
    buf_release(&what);
    return rc ? app_fail(app, rc) : 0;
}
