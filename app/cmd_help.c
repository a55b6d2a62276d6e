/* fieldcheck help: the command list or one command's usage. Two options the
 * usage does not show generate the man pages (English, or Chinese with
 * `--man zh`) and the bash completion from the command table at build time (packaging/cpack.cmake), so installed
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
    if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "--man")) {
        /* The page's language is named, never taken from the build machine's
         * locale: English by default, "zh" for man/zh_CN/man1. */
        if (argc == 3 && strcmp(argv[2], "en") && strcmp(argv[2], "zh") &&
            strcmp(argv[2], "zh_CN")) {
            fc_error_set(&app->err, FC_EUSAGE, "help --man takes en or zh, not '%s'", argv[2]);
            return app_fail(app, FC_EUSAGE);
        }
        ui_lang_set(argc == 3 && argv[2][0] == 'z' ? UI_LANG_ZH : UI_LANG_EN);
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
        return app_unknown_command(app, argv[1]);
    }
    fc_error_set(&app->err, FC_EUSAGE, "help takes at most one COMMAND");
    return app_fail(app, FC_EUSAGE);
}
