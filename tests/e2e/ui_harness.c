/* A tiny program that runs the terminal UI on a fake in-memory model, so the
 * UI framework can be driven in tmux before the data layer exists. Its scan
 * callback classifies codes by shape and appends "how<TAB>visit<TAB>code"
 * lines to $FC_HARNESS_OUT, so tests can check that every scan arrived
 * exactly once. Usage: ui_harness [--visit ID] [--theme NAME] */
#include "ui/i18n.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake {
    FILE *out;
    char current[64];
    long nscans;
};

/* The model speaks the UI's language, as the application's does. */
static const char *kind_label(const char *kind)
{
    return !strcmp(kind, "night") ? ui_tr("night", "夜查") : ui_tr("pharmacy", "药店");
}

static const struct ui_mission_row fake_missions[] = {
    {"M2026-NIGHT-07", "2026年第7批夜查 / night checks, batch 7", 3, "night", ""},
    {"M2026-PH-02", "定点药店进销存核查", 1, "pharmacy", ""},
};

static const struct ui_visit_row fake_visits[] = {
    {.id = "V-0001",
     .site = "市第一人民医院",
     .kind = "night",
     .screen = UI_SCREEN_BEDS,
     .is_open = 1,
     .opened_ms = 1795000000000LL,
     .scans = 12,
     .anomalies = 1},
    {.id = "V-0002",
     .site = "康华大药房（中山路店）",
     .kind = "pharmacy",
     .screen = UI_SCREEN_COUNT,
     .opened_ms = 1794000000000LL,
     .closed_ms = 1794100000000LL,
     .scans = 340},
    {.id = "V-0003",
     .site = "County Hospital No. 2",
     .kind = "night",
     .screen = UI_SCREEN_BEDS,
     .opened_ms = 1793000000000LL,
     .closed_ms = 1793100000000LL,
     .scans = 58,
     .anomalies = 3},
};

static int list_missions(void *user, void (*emit)(void *, const struct ui_mission_row *), void *ctx,
                         struct fc_error *err)
{
    (void)user;
    (void)err;
    for (size_t i = 0; i < sizeof(fake_missions) / sizeof(fake_missions[0]); i++) {
        struct ui_mission_row r = fake_missions[i];
        snprintf(r.kind_label, sizeof(r.kind_label), "%s", kind_label(r.kind));
        emit(ctx, &r);
    }
    return 0;
}

static int list_visits(void *user, void (*emit)(void *, const struct ui_visit_row *), void *ctx,
                       struct fc_error *err)
{
    (void)user;
    (void)err;
    for (size_t i = 0; i < sizeof(fake_visits) / sizeof(fake_visits[0]); i++) {
        struct ui_visit_row r = fake_visits[i];
        snprintf(r.kind_label, sizeof(r.kind_label), "%s", kind_label(r.kind));
        emit(ctx, &r);
    }
    return 0;
}

static int open_visit(void *user, const char *visit_id, struct fc_error *err)
{
    struct fake *f = user;

    if (!strcmp(visit_id, "V-0003"))
        return fc_error_set(err, FC_ESTATE, "cannot open visit '%s': it is closed", visit_id);
    snprintf(f->current, sizeof(f->current), "%s", visit_id);
    return 0;
}

static int all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int fake_scan(void *user, const char *visit_id, const char *code, enum ui_scan_how how,
                     struct ui_verdict *out, struct fc_error *err)
{
    struct fake *f = user;
    size_t len = strlen(code);

    (void)err;
    f->nscans++;
    if (f->out) {
        fprintf(f->out, "%s\t%s\t%s\n", how == UI_SCAN_BURST ? "burst" : "typed",
                visit_id ? visit_id : "-", code);
        fflush(f->out);
    }
    if (!strncmp(code, "BAD", 3)) {
        out->severity = UI_SEV_ANOMALY;
        snprintf(out->verdict, sizeof(out->verdict), "IDENTITY_MISMATCH");
        snprintf(out->message, sizeof(out->message), "床上不是登记的病人 / not the listed patient");
    } else if (all_digits(code) && len >= 4) {
        out->severity = UI_SEV_OK;
        snprintf(out->verdict, sizeof(out->verdict), "MATCH");
        snprintf(out->message, sizeof(out->message), "echo #%ld: %s", f->nscans, code);
    } else {
        out->severity = UI_SEV_WARN;
        snprintf(out->verdict, sizeof(out->verdict), "UNRECOGNIZED");
        snprintf(out->message, sizeof(out->message), "echo #%ld: %s", f->nscans, code);
    }
    return 0;
}

static void fake_status(void *user, struct ui_status *st)
{
    struct fake *f = user;

    snprintf(st->visit, sizeof(st->visit), "%s", f->current[0] ? f->current : "-");
    snprintf(st->inspectors, sizeof(st->inspectors), "张三, 李四");
    st->unsynced = f->nscans;
}

int main(int argc, char **argv)
{
    static const struct ui_home_model model = {
        .list_missions = list_missions, .list_visits = list_visits, .open_visit = open_visit};
    struct ui_app app;
    struct fake f;
    struct fc_error err;
    const char *out = getenv("FC_HARNESS_OUT");
    int rc;

    memset(&app, 0, sizeof(app));
    memset(&f, 0, sizeof(f));
    fc_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--visit") && i + 1 < argc) {
            app.start = UI_START_VISIT;
            app.start_visit = argv[++i];
            snprintf(f.current, sizeof(f.current), "%s", app.start_visit);
        } else if (!strcmp(argv[i], "--theme") && i + 1 < argc) {
            app.theme = argv[++i];
        } else {
            fprintf(stderr, "usage: ui_harness [--visit ID] [--theme day|night|mono]\n");
            return 1;
        }
    }
    if (out && !(f.out = fopen(out, "w"))) {
        fprintf(stderr, "ui_harness: cannot open '%s'\n", out);
        return 4;
    }
    app.home = &model;
    app.scan = fake_scan;
    app.status = fake_status;
    app.user = &f;
    rc = ui_run(&app, &err);
    if (f.out)
        fclose(f.out);
    if (rc < 0) {
        fprintf(stderr, "ui_harness: %s\n", err.msg);
        return fc_exit_code(rc);
    }
    return 0;
}
