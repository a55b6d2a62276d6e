/* Global option parsing, the command table and the shared error printer.
 * Every subcommand is a row here; its code lives in app/cmd_<name>.c. */
#include "app/commands.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"
#include "core/store.h"

#include <stdlib.h>
#include <string.h>

const struct command app_commands[] = {
    {"init", "create the device database (idempotent)",
     "fieldcheck [--db PATH] [--json] init\n\n"
     "Creates the device database (default $XDG_DATA_HOME/fieldcheck/fieldcheck.db,\n"
     "or FIELDCHECK_DB / --db). Running it again changes nothing.\n",
     cmd_init},
    {"db", "integrity, chain verification, derived-state rebuild",
     "fieldcheck [--db PATH] [--json] db check | db rebuild\n\n"
     "  check    verify SQLite integrity and the event hash chain; names the first bad seq\n"
     "           (exit 3 on failure)\n"
     "  rebuild  recreate every derived table from the events and report whether the\n"
     "           result was identical to the stored state\n",
     cmd_db},
    {"config", "show and change settings (theme, scanner, masking, language)",
     "fieldcheck [--json] config list | config get KEY | config set KEY VALUE\n\n"
     "  list  every setting with its value and where it comes from\n"
     "  get   print one value\n"
     "  set   write KEY = VALUE into the user file ($XDG_CONFIG_HOME/fieldcheck/config)\n"
     "Precedence: environment > user file > /etc/fieldcheck/config > default.\n",
     cmd_config},
    {"help", "show help for a command",
     "fieldcheck help [COMMAND]\n\n"
     "Prints the list of commands, or the usage of COMMAND.\n",
     cmd_help},
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

void app_print_help(FILE *out)
{
    print_help(out);
}

void app_print_json(json_t *obj)
{
    if (!obj)
        return;
    json_dumpf(obj, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(obj);
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
        app_print_json(json_pack("{s:b, s:s, s:s, s:i}", "ok", 0, "error", fc_errname(code),
                                 "message", msg, "exit", fc_exit_code(code)));
    }
    fprintf(stderr, "fieldcheck: %s\n", msg);
    return fc_exit_code(code);
}

struct store *app_store(struct app *app)
{
    int rc;

    if (app->store)
        return app->store;
    rc = store_open(&app->store, app->db_path, &app->err);
    if (rc) {
        app->store = NULL;
        return NULL;
    }
    return app->store;
}

static int app_run(struct app *app, const struct command *c, int argc, char **argv)
{
    int rc;

    if (app_wants_help(argc, argv)) {
        app_usage(c, stdout);
        return 0;
    }
    rc = c->run(app, argc, argv);
    store_close(app->store);
    app->store = NULL;
    return rc;
}

/* Global options may stand before or after the command name (scripts write
 * both); they are taken out of argv so commands never see them. */
static int take_global_options(struct app *app, int *argc, char **argv)
{
    int out = 1;

    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--json")) {
            app->json = 1;
        } else if (!strcmp(argv[i], "--db")) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "fieldcheck: --db needs a path\n");
                return -1;
            }
            app->db_path = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            app->db_path = argv[i] + 5;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

int app_main(int argc, char **argv)
{
    struct app app;
    int i = 1;

    memset(&app, 0, sizeof(app));
    app.db_path = getenv("FIELDCHECK_DB");
    if (take_global_options(&app, &argc, argv))
        return 1;
    if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
        print_help(stdout);
        return 0;
    }
    if (i < argc && !strcmp(argv[i], "--version"))
        return app_print_version(&app);
    if (i < argc && argv[i][0] == '-') {
        fprintf(stderr, "fieldcheck: unknown option '%s'\n", argv[i]);
        print_help(stderr);
        return 1;
    }
    if (i >= argc) {
        print_help(stderr);
        return 1;
    }
    for (const struct command *c = app_commands; c->name; c++) {
        if (strcmp(c->name, argv[i]))
            continue;
        if (strcmp(c->name, "help") && app_load_config(&app))
            return app_fail(&app, app.err.code);
        return app_run(&app, c, argc - i, argv + i);
    }
    fprintf(stderr, "fieldcheck: unknown command '%s'\n", argv[i]);
    print_help(stderr);
    return 1;
}
