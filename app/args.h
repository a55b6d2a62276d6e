/* The one option parser of the command line: every command describes its
 * options in a table (tmux's cmd_entry args, git's parse-options) and gets
 * them parsed the same way, in any order: "--name VALUE" or "--name=VALUE",
 * flags, repeatable options kept in order, positional arguments, and "--"
 * to end the options. Errors name the command and the option and point at
 * --help. */
#ifndef FC_APP_ARGS_H
#define FC_APP_ARGS_H

#include <stdint.h>

/* One option. Exactly one of val, flag and each is set:
 *   val   a value option: *val is set (a later occurrence wins);
 *   flag  a flag: *flag is set to 1;
 *   each  a repeatable value option: called for every occurrence, in order,
 *         with ctx; returns 0, or 1 after printing a usage error. */
struct app_opt {
    const char *name; /* "--visit" */
    const char **val;
    int *flag;
    int (*each)(void *ctx, const char *name, const char *value);
    void *ctx;
};

/* Parses argv[start..argc) against opts (terminated by name == NULL): other
 * arguments fill pos[0..npos) in order and *npos_out (may be NULL) gets
 * their number. Returns 0, or 1 (the usage exit code) after printing an
 * error: an unknown option, a missing value, too many arguments. */
int app_parse(const char *cmd, int argc, char **argv, int start, const struct app_opt *opts,
              const char **pos, int npos, int *npos_out);

/* Takes the value options of opts (val set; terminated by name == NULL) out
 * of argv[1..*argc) wherever they stand before "--", leaving the other
 * arguments in order (options every subcommand of a command takes). Returns
 * 0, or 1 after printing an error naming cmd when a value is missing. */
int app_take_options(const char *cmd, int *argc, char **argv, const struct app_opt *opts);

/* Prints "fieldcheck: CMD: unexpected argument 'x' (see --help)" and returns 1. */
int app_unexpected(const char *cmd, const char *arg);

#endif
