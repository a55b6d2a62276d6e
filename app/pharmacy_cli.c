/* Helpers of the pharmacy commands count and reconcile: the engine opened on
 * a visit, and results printed like every scan's. */
#include "app/pharmacy_cli.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/mission/mission.h"
#include "core/pharmacy/pharmacy.h"
#include "core/pharmacy/workflow.h"
#include "core/workflow.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pharmacy_cli_open(struct app *app, const char *visit_name, struct pharmacy **out)
{
    const struct workflow *wf = NULL;
    struct store *s = app_store(app);
    struct visit v;
    int rc;

    *out = NULL;
    if (!s)
        return app->err.code ? app->err.code : FC_EDB;
    memset(&v, 0, sizeof(v));
    rc = workflow_attach(s, visit_name, &v, &wf, &app->err);
    if (!rc)
        rc = pharmacy_open(s, v.id, out, &app->err);
    visit_release(&v);
    return rc;
}

void pharmacy_cli_print_result(struct app *app, const struct pharmacy_result *r)
{
    struct workflow_result w;

    pharmacy_result_to(r, &w);
    app_print_result(app, &w);
    workflow_result_release(&w);
}
