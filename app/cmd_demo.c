/* fieldcheck demo: writes a synthetic mission folder from a seed, loads it,
 * creates the device's keys if it has none (so that a demo visit closes
 * with a signed checkpoint and its QR, as a real one does), and prints what
 * to try with real scannable codes from the generated data. */
#include "app/args.h"
#include "app/commands.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/demo.h"
#include "core/ident/ident.h"
#include "core/mission/mission.h"
#include "core/store/store.h"
#include "sync/keys.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct demo_counts {
    int rejects, warnings;
};

static void demo_reject(void *ctx, const char *file, uint64_t line, const char *column,
                        const char *reason, const char *reason_local)
{
    (void)reason_local;
    struct demo_counts *c = ctx;

    fprintf(stderr, "fieldcheck: demo: %s:%llu: %s: %s\n", file, (unsigned long long)line, column,
            reason);
    c->rejects++;
}

static void demo_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                         const char *message, const char *message_local)
{
    (void)message_local;
    struct demo_counts *c = ctx;

    (void)kind;
    (void)file;
    (void)line;
    (void)message;
    c->warnings++;
}

static void print_try(const struct demo_summary *d, const char *dir, int warnings, int keys_created)
{
    printf(_("demo mission '%s' version %lld written to %s and loaded\n"), d->mission_id,
           (long long)d->version, dir);
    if (keys_created)
        printf(
            _("  device keys created: closing a visit gives a signed checkpoint (fieldcheck keys "
              "show)\n"));
    printf(_("  %s (%s): %d wards, %d inpatients, %d on leave tonight\n"), d->hospital_name,
           d->hospital, d->wards, d->inpatients, d->leaves);
    printf(_("  %s (%s): %d drugs, %d settlement lines\n"), d->pharmacy_name, d->pharmacy, d->drugs,
           d->settlements);
    printf(_("  %d suspicion lines for %s; %d roster warnings planted as leads\n\n"), d->suspicions,
           d->hospital, warnings);
    printf(_("night check (夜查):\n"));
    printf("  fieldcheck visit open --site %s --kind night --inspector 张三 --inspector 李四\n",
           d->hospital);
    printf(_("  fieldcheck scan %-24s # bed label of %s\n"), d->bed_label, d->patient_bed);
    printf(_("  fieldcheck scan '%s'%*s # wristband of the patient listed there\n"), d->wristband,
           (int)(22 - strlen(d->wristband) > 0 ? 22 - (int)strlen(d->wristband) : 0), "");
    printf(_("  fieldcheck scan %-24s # that patient's ID card: MATCH\n"), d->id_number);
    printf(_("  fieldcheck scan %-24s # listed for bed %s: WRONG_BED\n"), d->wrong_bed_id,
           d->wrong_bed);
    printf(_("  fieldcheck scan EMPTY_BED                # next bed is empty\n"));
    printf("  fieldcheck visit close\n\n");
    printf(_("pharmacy (进销存核查):\n"));
    printf("  fieldcheck visit open --site %s --kind pharmacy --inspector 张三 --inspector 李四\n",
           d->pharmacy);
    printf(_("  fieldcheck scan %-24s # a box insurance already settled\n"), d->trace_code);
    printf(_("  fieldcheck scan %-24s # GTIN of drug %s\n"), d->gtin, d->drug_code);
    printf("  fieldcheck reconcile\n\n");
    printf(_("flight inspection (飞行检查):\n"));
    printf("  fieldcheck visit open --site %s --kind flight --inspector 张三 --inspector 李四\n",
           d->hospital);
    printf("  fieldcheck susp list\n");
}

int cmd_demo(struct app *app, int argc, char **argv)
{
    struct demo_summary d;
    struct demo_counts counts = {0, 0};
    struct mission_load_sink sink = {&counts, demo_reject, demo_warning, NULL, NULL, NULL, NULL};
    struct mission_info info;
    enum mission_load_status st;
    struct buf dir = BUF_INIT;
    unsigned long long seed = 1;
    int gbk = 0, no_tui = 0, rc, exitc = 0, keys_created = 0;
    const char *seed_text = NULL, *dir_text = NULL;
    const struct app_opt opts[] = {{"--seed", &seed_text, NULL, NULL, NULL},
                                   {"--dir", &dir_text, NULL, NULL, NULL},
                                   {"--no-tui", NULL, &no_tui, NULL, NULL},
                                   {"--gbk", NULL, &gbk, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};
    struct keys_device k;
    struct store *s;

    if (app_parse("demo", argc, argv, 1, opts, NULL, 0, NULL)) {
        exitc = 1;
        goto out;
    }
    if (seed_text) {
        char *end = NULL;

        seed = strtoull(seed_text, &end, 10);
        if (!*seed_text || *end || *seed_text == '-') {
            fprintf(stderr, _("fieldcheck: demo: --seed needs a number\n"));
            exitc = 1;
            goto out;
        }
    }
    if (dir_text && app_is_stdout(dir_text)) {
        exitc =
            app_fail(app, fc_error_set(&app->err, FC_EUSAGE, "demo --dir takes a folder, not '-'"));
        goto out;
    }
    if (dir_text)
        buf_adds(&dir, dir_text);
    if (!dir.len) {
        fs_data_dir(&dir);
        buf_adds(&dir, "/demo-mission");
    }
    s = app_store(app);
    if (!s) {
        exitc = app_fail(app, app->err.code);
        goto out;
    }
    rc = demo_generate(dir.ptr, seed, gbk, &d, &app->err);
    if (!rc)
        rc = mission_load(s, dir.ptr, 0, &sink, &info, &st, &app->err);
    /* the demo device signs its checkpoints like a real one (idempotent) */
    if (!rc)
        rc = keys_device_init(s, &k, &keys_created, &app->err);
    memset(&k, 0, sizeof(k));
    if (rc) {
        exitc = app_fail(app, rc);
        goto out;
    }
    if (app->json) {
        app_print_json(json_pack(
            "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i,"
            " s:b, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}}",
            "mission_id", d.mission_id, "version", (json_int_t)d.version, "dir", dir.ptr,
            "hospital", d.hospital, "hospital2", d.hospital2,
            ident_site_kind_name(IDENT_SITE_PHARMACY), d.pharmacy, "file", info.file, "wards",
            d.wards, "inpatients", d.inpatients, "leaves", d.leaves, "drugs", d.drugs,
            "settlements", d.settlements, "suspicions", d.suspicions, "warnings", counts.warnings,
            "keys_created", keys_created, "codes", "bed_label", d.bed_label, "wristband",
            d.wristband, "id_number", d.id_number, "bed", d.patient_bed, "wrong_bed_id",
            d.wrong_bed_id, "wrong_bed", d.wrong_bed, "trace_code", d.trace_code, "gtin", d.gtin));
    } else {
        print_try(&d, dir.ptr, counts.warnings, keys_created);
        /* the summary stays on the terminal's normal screen after the TUI quits */
        if (!no_tui && app_tui_possible())
            exitc = app_tui_run(app, NULL);
    }
out:
    buf_release(&dir);
    return exitc;
}
