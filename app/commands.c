/* Global option parsing, the command table and the shared error printer.
 * Every subcommand is a row here; its code lives in app/cmd_<name>.c. */
#include "app/commands.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"

#include <stdlib.h>
#include <string.h>

const struct command app_commands[] = {
    {"init", "create the device database (idempotent)", "fieldcheck init\n", cmd_init},
    {NULL, NULL, NULL, NULL},
};

static void print_help(FILE *out)
{
    fputs("usage: fieldcheck [--db PATH] [--json] COMMAND [ARGS]\n\ncommands:\n", out);
    for (const struct command *c = app_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\nRun 'fieldcheck COMMAND --help' for a command's options.\n"
          "Exit codes: 0 ok, 1 usage, 2 data/input error, 3 integrity/verification failure, "
          "4 I/O.\n",
          out);
}

void app_usage(const struct command *cmd, FILE *out)
{
    fprintf(out, "usage: %s", cmd->usage);
}

int app_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            return 0;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    }
    return 0;
}

int app_fail(struct app *app, int code)
{
    const char *msg = app->err.msg[0] ? app->err.msg : fc_strerror(code);

    if (app->json) {
        struct buf b = BUF_INIT;
        buf_adds(&b, "{\"error\":");
        buf_add_json_str(&b, fc_errname(code));
        buf_adds(&b, ",\"message\":");
        buf_add_json_str(&b, msg);
        buf_addf(&b, ",\"exit\":%d}\n", fc_exit_code(code));
        fputs(b.ptr, stdout);
        buf_release(&b);
    }
    fprintf(stderr, "fieldcheck: %s\n", msg);
    return fc_exit_code(code);
}

int app_main(int argc, char **argv)
{
    struct app app;
    int i = 1;

    memset(&app, 0, sizeof(app));
    app.db_path = getenv("FIELDCHECK_DB");
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--json")) {
            app.json = 1;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            app.db_path = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            app.db_path = argv[i] + 5;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_help(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("fieldcheck %s\n", FC_VERSION);
            return 0;
        } else {
            fprintf(stderr, "fieldcheck: unknown option '%s'\n", argv[i]);
            print_help(stderr);
            return 1;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return 1;
    }
    for (const struct command *c = app_commands; c->name; c++) {
        if (!strcmp(c->name, argv[i])) {
            if (app_wants_help(argc - i, argv + i)) {
                app_usage(c, stdout);
                return 0;
            }
            return c->run(&app, argc - i, argv + i);
        }
    }
    fprintf(stderr, "fieldcheck: unknown command '%s'\n", argv[i]);
    print_help(stderr);
    return 1;
}
