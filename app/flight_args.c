/* Option helpers shared by the flight worksheet commands, so every one of
 * them accepts --visit, --at and "--opt=value" the same way. */
#include "app/flight_args.h"

#include "core/base/clock.h"
#include "core/flight/flight.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

int flight_opt(int argc, char **argv, int *i, const char *name, const char **val)
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
        fprintf(stderr, _("fieldcheck: %s needs a value\n"), name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int flight_visit(struct app *app, const char *name, int need_open, struct visit *v)
{
    struct store *s = app_store(app);
    int rc;

    memset(v, 0, sizeof(*v));
    if (!s)
        return app_fail(app, app->err.code);
    rc = visit_resolve(s, name, v, &app->err);
    if (!rc)
        rc = flight_prepare(s, v, need_open, &app->err);
    return rc ? app_fail(app, rc) : 0;
}

int flight_at(struct app *app, const char *text, int64_t *ms)
{
    if (!text) {
        *ms = clock_now_ms();
        return 0;
    }
    if (clock_parse(text, ms)) {
        fc_error_set(&app->err, FC_EUSAGE, "invalid time '%s' (ISO 8601, e.g. 2026-11-22T10:30)",
                     text);
        return app_fail(app, FC_EUSAGE);
    }
    return 0;
}

int flight_unexpected(const char *cmd, const char *arg)
{
    fprintf(stderr, _("fieldcheck: %s: unexpected argument '%s' (see --help)\n"), cmd, arg);
    return 1;
}

int flight_parse(const char *cmd, int argc, char **argv, int start,
                 const struct flight_optdef *opts, const char **pos, int npos)
{
    int npositional = 0;

    for (int i = start; i < argc; i++) {
        const struct flight_optdef *o;
        int m = 0;

        for (o = opts; o->name; o++) {
            if (o->flag) {
                if (!strcmp(argv[i], o->name)) {
                    *o->flag = 1;
                    m = 1;
                }
            } else {
                m = flight_opt(argc, argv, &i, o->name, o->val);
            }
            if (m)
                break;
        }
        if (m < 0)
            return 1;
        if (m)
            continue;
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, _("fieldcheck: %s: unknown option '%s' (see --help)\n"), cmd, argv[i]);
            return 1;
        }
        if (npositional >= npos)
            return flight_unexpected(cmd, argv[i]);
        pos[npositional++] = argv[i];
    }
    return 0;
}
