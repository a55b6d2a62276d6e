/* fieldcheck help: the command list or one command's usage. Two options the
 * usage does not show generate the man page and the bash completion from the
 * command table at build time (packaging/cpack.cmake), so installed
 * documentation always matches the binary it ships with. */
#include "app/commands.h"

#include "ui/i18n.h"

#include <string.h>

int cmd_help(struct app *app, int argc, char **argv)
{
    if (argc == 1) {
        app_print_help(stdout);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--man")) {
        /* the installed page is English whatever the build machine's locale */
        ui_lang_set(UI_LANG_EN);
        app_write_man(stdout);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--bash-completion")) {
        app_write_bash_completion(stdout);
        return 0;
    }
    if (argc == 2) {
        for (const struct command *c = app_commands; c->name; c++) {
            if (!strcmp(c->name, argv[1])) {
                app_usage(c, stdout);
                return 0;
            }
        }
        fc_error_set(&app->err, FC_EUSAGE, "unknown command '%s'", argv[1]);
        return app_fail(app, FC_EUSAGE);
    }
    fc_error_set(&app->err, FC_EUSAGE, "help takes at most one COMMAND");
    return app_fail(app, FC_EUSAGE);
}
