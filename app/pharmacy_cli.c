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

int pharmacy_cli_open(struct app *app, struct pharmacy **out)
{
    const struct visit *v = NULL;
    int rc = app_visit(app, &v, NULL);

    *out = NULL;
    return rc ? rc : pharmacy_open(app->store, v->id, out, &app->err);
}

void pharmacy_cli_print_result(struct app *app, const struct pharmacy_result *r)
{
    struct workflow_result w;

    pharmacy_result_to(r, &w);
    app_print_result(app, &w);
    workflow_result_release(&w);
}
