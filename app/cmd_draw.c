/* fieldcheck draw --seed TEXT --count N|KIND=N,... [--mission ID] [--region CODE]:
 * the team's on-site draw from the loaded mission's institutions, recorded
 * as an event with the seed it announced (core/draw/onsite.h). Options in
 * any order (app/args.h). */
#include "app/args.h"
#include "app/commands.h"

#include "core/draw/onsite.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

int cmd_draw(struct app *app, int argc, char **argv)
{
    struct draw_onsite_args a;
    struct draw_onsite d;
    struct store *s;
    int rc;

    memset(&a, 0, sizeof(a));
    {
        const struct app_opt opts[] = {{"--seed", &a.seed, NULL, NULL, NULL},
                                       {"--count", &a.count, NULL, NULL, NULL},
                                       {"--mission", &a.mission_id, NULL, NULL, NULL},
                                       {"--region", &a.region, NULL, NULL, NULL},
                                       {NULL, NULL, NULL, NULL, NULL}};
        if (app_parse("draw", argc, argv, 1, opts, NULL, 0, NULL))
            return 1;
    }
    if (!a.seed || !a.count) {
        fprintf(stderr, _("fieldcheck: draw: expected --seed TEXT --count N|KIND=N,...\n"));
        return 1;
    }
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = draw_onsite_run(s, &a, &d, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (app->json) {
        app_print_json(json_loads(d.payload, 0, NULL));
    } else {
        printf(_("drawn from %zu institution(s) of mission %s v%lld with seed '%s' (%s):\n"),
               d.npool, d.mission.mission_id, (long long)d.mission.version, a.seed, DRAW_ALGORITHM);
        for (size_t i = 0; i < d.result.npicks; i++) {
            const struct draw_target *t = &d.pool[d.result.picks[i].target];
            printf("%3zu  %s  %s  %s\n", i + 1, t->site_code, t->site_name, t->kind);
        }
        printf(_("recorded; the pool's SHA-256 is %.16s\n"), d.pool_sha256);
    }
    draw_onsite_release(&d);
    return 0;
}
