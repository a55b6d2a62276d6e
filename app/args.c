/* The command line's option parser (app/args.h): one table per command, one
 * loop for all of them, so every option works in any order and every error
 * reads the same. */
#include "app/args.h"

#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

/* Matches argv[*i] against "--name VALUE" or "--name=VALUE": 1 with *val set
 * (and *i past a separate value), 0 when it is another argument, -1 after
 * printing an error when the value is missing. */
static int match_value(const char *cmd, int argc, char **argv, int *i, const char *name,
                       const char **val)
{
    size_t n = strlen(name);

    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, _("fieldcheck: %s: '%s' needs a value\n"), cmd, name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int app_take_options(const char *cmd, int *argc, char **argv, const struct app_opt *opts)
{
    int out = 1;

    for (int i = 1; i < *argc; i++) {
        int hit = 0;

        if (!strcmp(argv[i], "--")) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        for (const struct app_opt *o = opts; o->name && !hit; o++)
            hit = match_value(cmd, *argc, argv, &i, o->name, o->val);
        if (hit < 0)
            return 1;
        if (!hit)
            argv[out++] = argv[i];
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

int app_unexpected(const char *cmd, const char *arg)
{
    fprintf(stderr, _("fieldcheck: %s: unexpected argument '%s' (see --help)\n"), cmd, arg);
    return 1;
}

int app_parse(const char *cmd, int argc, char **argv, int start, const struct app_opt *opts,
              const char **pos, int npos, int *npos_out)
{
    int npositional = 0, options = 1;

    for (int i = start; i < argc; i++) {
        const struct app_opt *o = NULL;
        int m = 0;

        if (options && !strcmp(argv[i], "--")) {
            options = 0;
            continue;
        }
        for (o = opts; options && o->name; o++) {
            if (o->flag) {
                m = !strcmp(argv[i], o->name);
                if (m)
                    *o->flag = 1;
            } else {
                const char *v = NULL;
                m = match_value(cmd, argc, argv, &i, o->name, &v);
                if (m > 0 && o->val)
                    *o->val = v;
                else if (m > 0 && o->each && o->each(o->ctx, o->name, v))
                    return 1;
            }
            if (m)
                break;
        }
        if (m < 0)
            return 1;
        if (m)
            continue;
        if (options && argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, _("fieldcheck: %s: unknown option '%s' (see --help)\n"), cmd, argv[i]);
            return 1;
        }
        if (npositional >= npos)
            return app_unexpected(cmd, argv[i]);
        pos[npositional++] = argv[i];
    }
    if (npos_out)
        *npos_out = npositional;
    return 0;
}
