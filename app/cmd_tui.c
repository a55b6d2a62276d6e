/* fieldcheck tui: the command's entry. The terminal UI's backing lives in
 * app/tui/ (app/tui/tui.h): a shared part and one adapter per screen
 * family. Options go through the shared parser (app/args.h). */
#include "app/args.h"
#include "app/commands.h"

#include <stddef.h>

int cmd_tui(struct app *app, int argc, char **argv)
{
    const char *theme = NULL;
    const struct app_opt opts[] = {{"--theme", &theme, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("tui", argc, argv, 1, opts, NULL, 0, NULL))
        return 1;
    return app_tui_run(app, theme);
}
