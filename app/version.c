/* fieldcheck --version: the program version and every on-disk format version,
 * so a support call can tell at once whether two devices and HQ can exchange
 * files. The numbers come from the modules that own the formats. */
#include "app/commands.h"

#include "core/store/formats.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"
#include "ui/i18n.h"

#include <stdio.h>

int app_print_version(struct app *app)
{
    if (app->json) {
        app_print_json(json_pack("{s:s, s:i, s:i, s:i}", "version", FC_VERSION, "db_schema",
                                 store_schema_version(), "refdb_schema", REFDB_SCHEMA_VERSION,
                                 "bundle_format", FC_BUNDLE_FORMAT_VERSION));
        return 0;
    }
    printf("fieldcheck %s\n", FC_VERSION);
    printf(_("database schema: %d\n"), store_schema_version());
    printf(_("reference database schema: %d\n"), REFDB_SCHEMA_VERSION);
    printf(_("bundle format: %d\n"), FC_BUNDLE_FORMAT_VERSION);
    return 0;
}
