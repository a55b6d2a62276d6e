/* hq draw --targets FILE --inspectors FILE --seed TEXT --count N|KIND=N,...
 *         [--team-size 2] [--exclude-days N] [--date YYYY-MM-DD] [--top N]
 *         [--cross-region province|city|county] [-o FILE]
 *         [--pack MISSION_DIR [--pack-out DIR]]
 * hq draw verify FILE [--targets FILE] [--inspectors FILE]
 * The record holds the targets of unannounced inspections and the names of
 * the teams: it is written 0600, like a pack. */
#include "app/hq_draw_cli.h"

#include "app/args.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "sync/hqdraw.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int int_arg(const char *opt, const char *v, int lo, int hi, int *out)
{
    char *end = NULL;
    long n = strtol(v, &end, 10);

    if (!*v || *end || n < lo || n > hi) {
        fprintf(stderr, _("fieldcheck: hq draw: %s expects a whole number from %d to %d\n"), opt,
                lo, hi);
        return 1;
    }
    *out = (int)n;
    return 0;
}

/* "  targets     targets.csv: 8 rows, SHA-256 70dc0564d9061b4a…": what
 * the draw was made from, so a reader can check the files they hold. */
static void inputs_line(const json_t *rec, const char *key, const char *label)
{
    const json_t *in = json_object_get(json_object_get(rec, "inputs"), key);

    printf(_("  %-11s %s: %lld rows, SHA-256 %s\n"), label,
           json_string_value(json_object_get(in, "name")),
           (long long)json_integer_value(json_object_get(in, "rows")),
           json_string_value(json_object_get(in, "sha256")));
}

static void print_record(struct app *app, const json_t *file)
{
    const json_t *rec = json_object_get(file, "record"), *pick, *m, *x;
    size_t i, k;

    if (app->json) {
        app_print_json(json_incref((json_t *)file));
        return;
    }
    printf(_("draw of %s, seed '%s' (%s): %lld candidates, %zu left out as inspected recently\n"),
           json_string_value(json_object_get(rec, "date")),
           json_string_value(json_object_get(rec, "seed")),
           json_string_value(json_object_get(rec, "algorithm")),
           (long long)json_integer_value(json_object_get(rec, "candidates")),
           json_array_size(json_object_get(rec, "excluded")));
    inputs_line(rec, "targets", _("targets"));
    inputs_line(rec, "inspectors", _("inspectors"));
    json_array_foreach(json_object_get(rec, "excluded"), i, x) printf(
        _("  left out  %s %s (inspected %s)\n"), json_string_value(json_object_get(x, "site_code")),
        json_string_value(json_object_get(x, "site_name")),
        json_string_value(json_object_get(x, "inspected")));
    json_array_foreach(json_object_get(rec, "result"), i, pick)
    {
        printf("%3lld  %s  %s  %s  %s",
               (long long)json_integer_value(json_object_get(pick, "order")),
               json_string_value(json_object_get(pick, "site_code")),
               json_string_value(json_object_get(pick, "site_name")),
               json_string_value(json_object_get(pick, "kind")),
               json_string_value(json_object_get(pick, "region_code")));
        json_array_foreach(json_object_get(pick, "team"), k, m)
            printf("%s%s %s", k ? ", " : _("  team: "), json_string_value(json_object_get(m, "id")),
                   json_string_value(json_object_get(m, "name")));
        putchar('\n');
    }
}

static void pack_written(void *ctx, const char *site, const char *path, size_t devices)
{
    struct app *app = ctx;

    if (app->json)
        app_print_json(json_pack("{s:s, s:s, s:s, s:I}", "type", "pack", "site_code", site, "file",
                                 path, "devices", (json_int_t)devices));
    else
        printf(_("pack for %s written to %s, encrypted to %zu device(s)\n"), site, path, devices);
}

static int draw_verify(struct app *app, struct hq *hq, int argc, char **argv)
{
    const char *file = NULL, *targets = NULL, *inspectors = NULL;
    json_t *rec = NULL;
    int rc, n = 0;
    const struct app_opt opts[] = {{"--targets", &targets, NULL, NULL, NULL},
                                   {"--inspectors", &inspectors, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("hq draw verify", argc, argv, 2, opts, &file, 1, &n))
        return 1;
    if (n != 1) {
        fprintf(stderr, _("fieldcheck: hq draw verify: expected FILE [--targets FILE] "
                          "[--inspectors FILE]\n"));
        return 1;
    }
    rc = hq_draw_verify(hq, file, targets, inspectors, &rec, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:O, s:s?}", "ok", 1, "file", file, "record",
                                 json_object_get(rec, "record"), "signed_by",
                                 json_string_value(json_object_get(rec, "signed_by"))));
    else {
        print_record(app, rec);
        printf(_("  signed by   HQ %s\n"), json_string_value(json_object_get(rec, "signed_by")));
        printf(_("draw record %s verified: signed by this HQ, the inputs are the ones drawn "
                 "from, and the seed gives this result\n"),
               file);
    }
    json_decref(rec);
    return 0;
}

int hq_draw_cmd(struct app *app, struct hq *hq, int argc, char **argv)
{
    struct hq_draw_args a;
    const char *out = NULL, *pack = NULL, *pack_out = ".", *count = NULL, *team = NULL,
               *exclude = NULL, *top = NULL, *date = NULL, *cross = NULL;
    char name[64], now[CLOCK_ISO_MAX];
    json_t *rec = NULL;
    char *text = NULL;
    int rc, have_count = 0;

    if (argc >= 2 && !strcmp(argv[1], "verify"))
        return draw_verify(app, hq, argc, argv);
    memset(&a, 0, sizeof(a));
    a.params.team_size = 2;
    {
        const struct app_opt opts[] = {{"--targets", &a.targets, NULL, NULL, NULL},
                                       {"--inspectors", &a.inspectors, NULL, NULL, NULL},
                                       {"--seed", &a.seed, NULL, NULL, NULL},
                                       {"--count", &count, NULL, NULL, NULL},
                                       {"--team-size", &team, NULL, NULL, NULL},
                                       {"--exclude-days", &exclude, NULL, NULL, NULL},
                                       {"--top", &top, NULL, NULL, NULL},
                                       {"--date", &date, NULL, NULL, NULL},
                                       {"--cross-region", &cross, NULL, NULL, NULL},
                                       {"-o", &out, NULL, NULL, NULL},
                                       {"--pack", &pack, NULL, NULL, NULL},
                                       {"--pack-out", &pack_out, NULL, NULL, NULL},
                                       {NULL, NULL, NULL, NULL, NULL}};
        if (app_parse("hq draw", argc, argv, 1, opts, NULL, 0, NULL))
            return 1;
    }
    if (count) {
        if (draw_quotas_parse(count, &a.params, &app->err))
            return app_fail(app, app->err.code);
        have_count = 1;
    }
    if (team && int_arg("--team-size", team, 2, 50, &a.params.team_size))
        return 1;
    if (exclude && int_arg("--exclude-days", exclude, 0, 36500, &a.params.exclude_days))
        return 1;
    if (top && int_arg("--top", top, 1, DRAW_MAX_ROWS, &a.params.top))
        return 1;
    if (date) {
        int64_t ms;
        char iso[32];
        snprintf(iso, sizeof(iso), "%.10sT12:00:00", date);
        if (strlen(date) != 10 || clock_parse(iso, &ms)) {
            fprintf(stderr, _("fieldcheck: hq draw: --date expects YYYY-MM-DD\n"));
            return 1;
        }
        snprintf(a.params.date, sizeof(a.params.date), "%s", date);
    }
    if (cross && draw_cross_parse(cross, &a.params.cross, &app->err))
        return app_fail(app, app->err.code);
    if (!a.targets || !a.inspectors || !a.seed || !have_count) {
        fprintf(stderr, _("fieldcheck: hq draw: expected --targets FILE --inspectors FILE --seed "
                          "TEXT --count N\n"));
        return 1;
    }
    rc = hq_draw_make(hq, &a, &rec, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (!out) {
        clock_format_local(clock_now_ms(), now);
        snprintf(name, sizeof(name), "draw-%.4s%.2s%.2s-%.2s%.2s%.2s.json", now, now + 5, now + 8,
                 now + 11, now + 14, now + 17);
        out = name;
    }
    text = json_dumps(rec, JSON_INDENT(1) | JSON_SORT_KEYS);
    rc = fs_write_atomic(out, text, strlen(text), 0600, &app->err);
    free(text);
    if (!rc && pack)
        rc = hq_draw_packs(hq, rec, pack, pack_out, pack_written, app, &app->err);
    if (rc) {
        json_decref(rec);
        return app_fail(app, rc);
    }
    print_record(app, rec);
    if (!app->json)
        printf(_("signed draw record written to %s (HQ %s); check it with: fieldcheck hq draw "
                 "verify %s\n"),
               out, json_string_value(json_object_get(rec, "signed_by")), out);
    json_decref(rec);
    return 0;
}
