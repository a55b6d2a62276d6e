/* The command table: one row per subcommand, one app/cmd_<name>.c each.
 * Help, usage and the command list in --help are generated from the rows. */
#ifndef FC_APP_COMMANDS_H
#define FC_APP_COMMANDS_H

#include "core/base/error.h"
#include "core/report/cell.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct store;

#include "core/visit/visit.h"

struct workflow;

struct app {
    const char *db_path; /* --db, FIELDCHECK_DB, or NULL for the default */
    int json;            /* --json */
    struct store *store; /* opened on first app_store() call */
    struct fc_error err;
    const struct command *cmd; /* the command being run */
    /* CMD_VISIT commands: --visit and --at as given (NULL when absent), and
     * the visit app_visit() resolved */
    const char *visit_name, *at_text;
    struct visit visit;
    const struct workflow *wf;
    int have_visit;
};

/* What the dispatcher does for a command before it runs (struct command
 * flags). */
enum {
    /* --visit ID and --at TIME are the dispatcher's: taken out of argv
     * wherever they stand (before "--"), for app_visit() and app_at() */
    CMD_VISIT = 1 << 0,
    /* --help is the command's: it prints its subcommands' own usage
     * ("hq report --help"); the dispatcher prints the command's usage only
     * for the others */
    CMD_SUBHELP = 1 << 1,
};

struct command {
    const char *name;
    const char *summary; /* one line, English; translated by gettext at print time */
    const char *usage;   /* full usage text printed by --help */
    int (*run)(struct app *app, int argc, char **argv);
    unsigned flags; /* CMD_* */
    /* with CMD_VISIT: the workflows whose visits the command takes (NULL-
     * terminated); NULL: any */
    const struct workflow *const *workflows;
};

/* The table, terminated by a row with name == NULL. */
extern const struct command app_commands[];

int app_main(int argc, char **argv);

/* Opens (creating if needed) the device database; NULL after printing an error. */
struct store *app_store(struct app *app);

/* For commands that only read: opens the device database read-only, so they
 * work on read-only media and can never change the file (a database of an
 * older schema, or a masking change still to be recorded, opens writable as
 * app_store does). NULL with app->err set. */
struct store *app_store_read(struct app *app);

/* Prints "fieldcheck: <message>" for err to stderr (or a JSON error object on
 * stdout with --json) and returns the exit code for it. */
int app_fail(struct app *app, int code);

/* Prints obj as one compact JSON line on stdout and releases it. */
void app_print_json(json_t *obj);

struct workflow;
struct workflow_result;
struct workflow_session;
struct visit;

/* Runs wf's report writer for v in format ("csv" or "md") into memory and
 * writes the result to path atomically (mode 0600: reports hold personal
 * data), or to standard output when path is "-"; a CSV report goes out in
 * encoding (report_csv_deliver). Prints where it went. Returns 0 or the exit
 * code after printing the error. */
int app_write_report(struct app *app, const char *path, const char *format,
                     enum report_csv_encoding encoding, const struct workflow *wf,
                     const struct visit *v);

/* 1 when a file argument names standard output ("-"). */
int app_is_stdout(const char *path);

/* Writes data to path atomically (mode 0600), or to standard output when
 * path is "-"; binary data (bytes a UTF-8 terminal cannot show, such as a
 * GB18030 file) is refused there when standard output is a terminal.
 * Returns 0, or an FC_ error with the detail in app->err. */
int app_write_out(struct app *app, const char *path, const void *data, size_t len, int binary);

/* Prints one scan or correction result: a line of text in the user's
 * language, or with --json one object (code, kind, verdict, detail, message,
 * source, seq, event and the workflow's fields). */
void app_print_result(struct app *app, const struct workflow_result *r);

/* Opens the engine of the command's visit (app_visit) into ws. Error
 * detail in app->err; ws is released by the caller (workflow_close) in
 * every case. */
int app_workflow_session(struct app *app, struct workflow_session *ws);

/* --at TIME (ISO 8601, local without an offset), or now (FIELDCHECK_NOW). */
int app_parse_time(struct app *app, const char *text, int64_t *ms);

/* The visit a CMD_VISIT command acts on: --visit (an id or a prefix of 4+
 * characters), else the open visit, else the last one; its workflow found
 * and checked against the command's, its mission attached as "ref".
 * Resolved once per run; *v and *wf (either may be NULL) borrow app's copy.
 * Returns 0 or an error code with detail in app->err (not printed). */
int app_visit(struct app *app, const struct visit **v, const struct workflow **wf);

/* The command's --at as Unix ms (now when absent). 0 or FC_EUSAGE in
 * app->err. */
int app_at(struct app *app, int64_t *ms);

/* Prints the usage of cmd to out. */
void app_usage(const struct command *cmd, FILE *out);

/* 1 if argv[1..] contains -h or --help (before a "--"). */
int app_wants_help(int argc, char **argv);

/* Prints the command list (fieldcheck --help) to out. */
void app_print_help(FILE *out);

/* Prints the program and format versions (fieldcheck --version); returns 0. */
int app_print_version(struct app *app);

/* Reads the configuration files (core/config.h), prints their warnings and
 * exports the chosen values to the environment variables the UI and the data
 * directory still read (config_export_env). Errors are left in app->err. */
int app_load_config(struct app *app);
/* --qr [--qr-png FILE] [--qr-svg FILE] [--qr-dir DIR] (app/qrshow.c). */
struct app_qr {
    int term;        /* --qr: draw the code in the terminal (not with --json) */
    const char *png; /* --qr-png FILE */
    const char *svg; /* --qr-svg FILE */
    const char *dir; /* --qr-dir DIR: DIR/<stem>.png and DIR/<stem>.svg */
};

/* If argv[*i] is one of the options above, records it, advances *i past its
 * argument and returns 1; otherwise returns 0 and changes nothing. */
int app_qr_option(struct app_qr *q, int argc, char **argv, int *i);

/* Refuses "-" for the QR file options: an image or folder on standard
 * output would be mixed with the command's own output. 0, or the exit code
 * after printing the error. */
int app_qr_check(struct app *app, const struct app_qr *q);

/* Draws code as q asks: on stdout, then the files (atomic writes). Returns 0,
 * or the exit code after printing the error. stem names the files in q->dir. */
int app_qr_emit(struct app *app, const struct app_qr *q, const char *code, const char *stem);

struct visit;
/* visit close --qr: signs the closed visit's checkpoint (checkpoint_make)
 * and draws it with app_qr_emit as "<visit id>-checkpoint"; does nothing
 * when q asks for nothing. Returns 0 or the exit code after the error. */
int app_qr_checkpoint(struct app *app, struct store *s, const struct visit *closed,
                      const struct app_qr *q);

/* ---- what a usage text says (app/usage.c) ------------------------------- */

#define USAGE_MAX_SCOPES 16
#define USAGE_MAX_OPTS 32
#define USAGE_MAX_POS 6
#define USAGE_MAX_METAVALS 8

struct usage_opt {
    char name[32]; /* "--format", "-o" */
    char meta[64]; /* its argument as written ("PATH", "csv|md|html", "html"), "" for none */
};

/* The command itself (scopes[0], name "") or one of its subcommands. */
struct usage_scope {
    char name[24];
    struct usage_opt opts[USAGE_MAX_OPTS];
    size_t nopts;
    char pos[USAGE_MAX_POS][64]; /* positional metavariables in order: "KEY", "VALUE" */
    size_t npos;
};

struct usage_model {
    struct usage_scope scopes[USAGE_MAX_SCOPES];
    size_t nscopes;
    struct {
        char name[16];    /* "V" */
        char values[128]; /* "CONFIRMED|PARTIAL|REFUTED|PENDING" */
    } metavals[USAGE_MAX_METAVALS];
    size_t nmetavals;
};

/* Parses c's usage text (never NULL; free with usage_free). */
struct usage_model *usage_parse(const struct command *c);
void usage_free(struct usage_model *m);
/* The subcommand name of m, or NULL. */
const struct usage_scope *usage_sub(const struct usage_model *m, const char *name);
/* The values "V: A|B" gives for metavariable meta, or NULL. */
const char *usage_metavals(const struct usage_model *m, const char *meta);

/* Edit distance of a and b (insertions, deletions, substitutions and
 * adjacent transpositions); SIZE_MAX for words over 64 bytes. */
size_t app_edit_distance(const char *a, const char *b);
/* The candidate word most likely meant: one edit away (two for words of 5+
 * bytes), else the only candidate word starts; NULL when none is close. */
const char *app_closest(const char *word, const char *const *cands, size_t n);

/* Reports an unknown command word, naming the closest command if one is
 * close; returns exit code 1. */
int app_unknown_command(struct app *app, const char *word);
/* 1 when the usage text of command cmd names subcommand sub. */
int app_has_subcommand(const char *cmd, const char *sub);
/* Reports a missing (sub NULL or "") or unknown subcommand of command cmd,
 * naming the closest one or the list, and returns exit code 1. */
int app_bad_subcommand(struct app *app, const char *cmd, const char *sub);

/* Command implementations (cmd_<name>.c). */
int cmd_init(struct app *app, int argc, char **argv);
int cmd_db(struct app *app, int argc, char **argv);
int cmd_keys(struct app *app, int argc, char **argv);
int cmd_export(struct app *app, int argc, char **argv);
int cmd_receipt(struct app *app, int argc, char **argv);
int cmd_draw(struct app *app, int argc, char **argv);
int cmd_hq(struct app *app, int argc, char **argv);
int cmd_team(struct app *app, int argc, char **argv);
int cmd_tui(struct app *app, int argc, char **argv);

/* Runs the terminal UI on the device database (app/tui/tui.c): opens on the
 * open visit's screen, else home. theme may be NULL. Returns an exit code. */
int app_tui_run(struct app *app, const char *theme);
/* 1 when stdin and stdout are terminals (the TUI can start). */
int app_tui_possible(void);
int cmd_demo(struct app *app, int argc, char **argv);
int cmd_scan(struct app *app, int argc, char **argv);
int cmd_amend(struct app *app, int argc, char **argv);
int cmd_void(struct app *app, int argc, char **argv);
int cmd_report(struct app *app, int argc, char **argv);
int cmd_count(struct app *app, int argc, char **argv);
int cmd_reconcile(struct app *app, int argc, char **argv);
int cmd_help(struct app *app, int argc, char **argv);

/* A command made of subcommands runs through app_run_subcommand; each
 * subcommand is a row of app_subcommands[] (commands.c): the command, its
 * word and what runs it with the command's own argv (argv[0] the command,
 * argv[1] the subcommand). */
struct subcommand {
    const char *command, *name;
    int (*run)(struct app *app, int argc, char **argv);
};

/* The table, terminated by a row with command == NULL. */
extern const struct subcommand app_subcommands[];

/* Runs the row of app_subcommands[] for app->cmd and argv[1]; reports a
 * missing or unknown subcommand as app_bad_subcommand does. Returns the
 * exit code. */
int app_run_subcommand(struct app *app, int argc, char **argv);

int cmd_config_list(struct app *app, int argc, char **argv);
int cmd_config_get(struct app *app, int argc, char **argv);
int cmd_config_set(struct app *app, int argc, char **argv);
int cmd_evidence_add(struct app *app, int argc, char **argv);
int cmd_evidence_list(struct app *app, int argc, char **argv);
int cmd_evidence_verify(struct app *app, int argc, char **argv);
int cmd_finding_add(struct app *app, int argc, char **argv);
int cmd_finding_list(struct app *app, int argc, char **argv);
int cmd_interview_add(struct app *app, int argc, char **argv);
int cmd_mission_load(struct app *app, int argc, char **argv);
int cmd_mission_list(struct app *app, int argc, char **argv);
int cmd_mission_show(struct app *app, int argc, char **argv);
int cmd_susp_list(struct app *app, int argc, char **argv);
int cmd_susp_show(struct app *app, int argc, char **argv);
int cmd_susp_verify(struct app *app, int argc, char **argv);
int cmd_susp_respond(struct app *app, int argc, char **argv);
int cmd_susp_assign(struct app *app, int argc, char **argv);
int cmd_susp_totals(struct app *app, int argc, char **argv);
int cmd_visit_open(struct app *app, int argc, char **argv);
int cmd_visit_close(struct app *app, int argc, char **argv);
int cmd_visit_list(struct app *app, int argc, char **argv);
int cmd_visit_show(struct app *app, int argc, char **argv);

/* Generated documentation (app/gen_*.c) from app_commands[]. */
void app_write_man(FILE *out);
void app_write_bash_completion(FILE *out);

#endif
