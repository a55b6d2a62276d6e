/* fieldcheck tui: the command's entry. The terminal UI's backing lives in
 * app/tui/ (app/tui/tui.h): a shared part and one adapter per screen
 * family. */
#include "app/commands.h"

#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

int cmd_tui(struct app *app, int argc, char **argv)
{
    const char *theme = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--theme") && i + 1 < argc) {
            theme = argv[++i];
        } else {
            fprintf(stderr, _("fieldcheck: tui: unknown argument '%s'\n"), argv[i]);
            return 1;
        }
    }
    return app_tui_run(app, theme);
}
