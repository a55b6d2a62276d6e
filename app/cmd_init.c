/* fieldcheck init: creates the device database; running it again is a no-op. */
#include "app/commands.h"

#include "app/args.h"

#include "core/store/store.h"
#include "ui/i18n.h"

#include <stdio.h>

int cmd_init(struct app *app, int argc, char **argv)
{
    static const struct app_opt no_opts[] = {{NULL, NULL, NULL, NULL, NULL}};
    struct store *s;

    if (app_parse("init", argc, argv, 1, no_opts, NULL, 0, NULL))
        return 1;
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:i}", "ok", 1, "db", store_path(s), "device_id",
                                 store_device_id(s), "schema", store_schema_version()));
    else
        printf(_("database ready: %s (device %s, schema %d)\n"), store_path(s), store_device_id(s),
               store_schema_version());
    return 0;
}
