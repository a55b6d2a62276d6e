/* Shared argument handling of the flight worksheet commands (susp, finding,
 * evidence, interview): option values, the visit they act on, and --at. */
#ifndef FC_APP_FLIGHT_ARGS_H
#define FC_APP_FLIGHT_ARGS_H

#include "app/commands.h"
#include "core/visit/visit.h"

#include <stdint.h>

/* Matches argv[*i] against "--name VALUE" or "--name=VALUE". Returns 1 and
 * sets *val (advancing *i past a separate value), 0 when argv[*i] is another
 * argument, -1 after printing an error when the value is missing. */
int flight_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* Resolves --visit (NULL: the open visit, else the last one), checks that it
 * is a flight visit (open when need_open) and attaches its reference data.
 * Returns 0, or the exit code after printing the error. v is released by the
 * caller with visit_release() in both cases. */
int flight_visit(struct app *app, const char *name, int need_open, struct visit *v);

/* Parses --at (NULL: now). Returns 0 or prints and returns exit code 1. */
int flight_at(struct app *app, const char *text, int64_t *ms);

/* One option of a command: a value option sets *val, a flag sets *flag. */
struct flight_optdef {
    const char *name;
    const char **val;
    int *flag;
};

/* Parses argv[start..] against opts (terminated by name == NULL); other
 * arguments fill pos[0..npos) in order. Returns 0, or 1 after printing a
 * usage error (unknown option, missing value, too many arguments). */
int flight_parse(const char *cmd, int argc, char **argv, int start,
                 const struct flight_optdef *opts, const char **pos, int npos);

/* Prints "fieldcheck: CMD: unexpected argument 'x'" and returns 1. */
int flight_unexpected(const char *cmd, const char *arg);

#endif
