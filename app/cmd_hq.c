/* fieldcheck hq [--hq DIR] [--db-url URL] init | enroll CODE | revoke DEVICE |
 * pack DIR -o FILE (--to DEVICE... | --all-enrolled) [--partial] | import FILE... |
 * report [--format html -o PATH] |
 * receipt DEVICE [--qr] [--qr-png FILE] [--qr-svg FILE] | migrate --to URL.
 * The HQ directory holds hq.key and hq.pub, and hq.db unless HQ's store is a
 * PostgreSQL database (--db-url, FIELDCHECK_HQ_DB_URL or hq.db_url). */
#include "app/commands.h"
#include "app/hq_draw_cli.h"
#include "app/hq_report_cli.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/config.h"
#include "core/hq/hq_html.h"
#include "core/hq/hqstore.h"
#include "sync/hq.h"
#include "sync/pack.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hq_import_cmd(struct app *app, struct hq *hq, int argc, char **argv)
{
    int worst = 0;

    if (argc < 1) {
        fprintf(stderr, _("fieldcheck: hq import: expected FILE...\n"));
        return 1;
    }
    for (int i = 0; i < argc; i++) {
        struct hq_import_result r;
        int rc = hq_import_file(hq, argv[i], &r, &app->err);
        static const char *const outcome[] = {"imported", "duplicate", "quarantined"};

        if (rc) {
            int ex = app_fail(app, rc);
            worst = ex > worst ? ex : worst;
            continue;
        }
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "ok", 1,
                                     "file", argv[i], "outcome", outcome[r.outcome], "device",
                                     r.device, "bundle_seq", (json_int_t)r.bundle_seq, "first_seq",
                                     (json_int_t)r.first_seq, "last_seq", (json_int_t)r.last_seq,
                                     "events_new", (json_int_t)r.stats.events_new, "events_known",
                                     (json_int_t)r.stats.events_known, "equivocations",
                                     (json_int_t)r.stats.equivocations));
        else
            printf(_("%s: %s, device %s bundle %llu, events %lld..%lld, %lld new%s\n"), argv[i],
                   outcome[r.outcome], r.device, (unsigned long long)r.bundle_seq,
                   (long long)r.first_seq, (long long)r.last_seq, (long long)r.stats.events_new,
                   r.stats.equivocations ? _(", EQUIVOCATION: a seq has two different events")
                                         : "");
        if (r.stats.equivocations)
            worst = worst > 3 ? worst : 3;
    }
    return worst;
}

static void pack_reject(void *ctx, const char *file, uint64_t line, const char *column,
                        const char *reason, const char *reason_local)
{
    struct app *app = ctx;

    (void)reason;
    if (!app->json)
        fprintf(stderr, "%s:%llu: %s%s%s\n", file, (unsigned long long)line, column,
                *column ? ": " : "", reason_local);
    else
        app_print_json(json_pack("{s:s, s:s, s:I, s:s, s:s}", "type", "reject", "file", file,
                                 "line", (json_int_t)line, "column", column, "reason", reason));
}

static void pack_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                         const char *message, const char *message_local)
{
    struct app *app = ctx;

    (void)message;
    if (!app->json)
        fprintf(stderr, _("warning: %s:%lld: %s: %s\n"), file, (long long)line, kind,
                message_local);
}

/* hq pack DIR -o FILE (--to DEVICE... | --all-enrolled) [--partial] */
static int hq_pack_cmd(struct app *app, struct hq *hq, int argc, char **argv)
{
    struct mission_load_sink sink = {app, pack_reject, pack_warning, NULL, NULL, NULL};
    struct pack_make_args a = {0};
    struct pack_make_result res;
    struct pack_target *targets = NULL;
    const char **to = calloc((size_t)argc + 1, sizeof(*to));
    size_t n_to = 0, n_targets = 0;
    int all = 0, rc;

    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            a.out = argv[++i];
        else if (!strcmp(argv[i], "--to") && i + 1 < argc)
            to[n_to++] = argv[++i];
        else if (!strcmp(argv[i], "--all-enrolled"))
            all = 1;
        else if (!strcmp(argv[i], "--lead") && i + 1 < argc)
            a.lead = argv[++i];
        else if (!strcmp(argv[i], "--partial"))
            a.partial = 1;
        else if (!a.dir && argv[i][0] != '-')
            a.dir = argv[i];
        else {
            fprintf(stderr, _("fieldcheck: hq pack: unexpected argument '%s'\n"), argv[i]);
            free(to);
            return 1;
        }
    }
    if (app_is_stdout(a.out)) {
        free(to);
        return app_fail(app, fc_error_set(&app->err, FC_EUSAGE,
                                          "hq pack -o takes a file, not '-': a pack is written "
                                          "atomically, readable only by its owner"));
    }
    if (!a.dir || !a.out || (!n_to && !all) || (n_to && all)) {
        fprintf(stderr, _("fieldcheck: hq pack: expected DIR -o FILE (--to DEVICE... | "
                          "--all-enrolled) [--partial]\n"));
        free(to);
        return 1;
    }
    if (a.lead && !all) /* the targets are the team */
        rc = pack_team_targets(hq->db, to, n_to, a.lead, &targets, &n_targets, &app->err);
    else
        rc = pack_targets(hq->db, to, n_to, all, &targets, &n_targets, &app->err);
    free(to);
    if (rc)
        return app_fail(app, rc);
    a.scratch = hq->dir;
    a.to = targets;
    a.n_to = n_targets;
    a.sink = &sink;
    rc = pack_make(&hq->keys, &a, &res, &app->err);
    if (!rc) /* HQ remembers what it issued: visits on anything else are flagged */
        rc = hq_pack_record(hq, &res, targets, n_targets, a.dir, &app->err);
    free(targets);
    if (rc)
        return app_fail(app, rc);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:I, s:I, s:I, s:s, s:s?}", "ok", 1, "file",
                                 a.out, "mission_id", res.m.mission_id, "version",
                                 (json_int_t)res.m.version, "targets", (json_int_t)n_targets,
                                 "dropped", (json_int_t)res.dropped, "sha256", res.sha256, "lead",
                                 a.lead));
    else {
        printf(_("mission pack '%s' version %lld written to %s, encrypted to %zu device(s)\n"),
               res.m.mission_id, (long long)res.m.version, a.out, n_targets);
        if (a.lead)
            printf(_("the %zu device(s) are a team led by %s: their bundles open for the lead "
                     "too\n"),
                   n_targets, a.lead);
        if (res.dropped)
            printf(_("%llu rejected row(s) left out (--partial)\n"),
                   (unsigned long long)res.dropped);
    }
    return 0;
}

static int quarantine_row(const struct hq_quarantined *q, void *ctx)
{
    struct app *app = ctx;

    if (app->json)
        app_print_json(json_pack("{s:s, s:s, s:s, s:I, s:I}", "sha256", q->sha256, "device",
                                 q->device, "reason", q->reason, "size", (json_int_t)q->size,
                                 "bundle_seq", (json_int_t)q->bundle_seq));
    else
        printf(_("%.16s  device %s bundle %lld, %lld bytes: %s\n"), q->sha256, q->device,
               (long long)q->bundle_seq, (long long)q->size, q->reason);
    return 0;
}

/* hq quarantine list [--device D] | purge (--device D | --all) */
static int hq_quarantine_cmd(struct app *app, struct hq *hq, int argc, char **argv)
{
    const char *device = NULL;
    int all = 0, rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--device") && i + 1 < argc)
            device = argv[++i];
        else if (!strcmp(argv[i], "--all"))
            all = 1;
        else
            argc = -1;
    }
    if (argc >= 1 && !strcmp(argv[0], "list") && !all) {
        rc = hqstore_quarantine_foreach(hq->db, device, quarantine_row, app, &app->err);
        return rc ? app_fail(app, rc) : 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "purge") && !device != !all) {
        int64_t removed = 0;

        rc = hqstore_quarantine_purge(hq->db, device, &removed, &app->err);
        if (rc)
            return app_fail(app, rc);
        if (app->json)
            app_print_json(json_pack("{s:b, s:I}", "ok", 1, "removed", (json_int_t)removed));
        else
            printf(_("%lld quarantined bundle(s) forgotten\n"), (long long)removed);
        return 0;
    }
    fprintf(stderr, _("fieldcheck: hq quarantine: expected list [--device DEVICE] | purge "
                      "(--device DEVICE | --all)\n"));
    return 1;
}

static void migrate_progress(void *ctx, int64_t events)
{
    struct app *app = ctx;

    if (!app->json && isatty(2)) {
        fputc('\r', stderr);
        fprintf(stderr, _("%lld events copied"), (long long)events);
    }
}

/* hq migrate --to TARGET: everything in the current store copied into an
 * empty one, the derived tables rebuilt there, the digests compared. */
static int hq_migrate_cmd(struct app *app, struct hq *hq, int argc, char **argv)
{
    struct hqdb *dst = NULL;
    char digest[HASH_HEX_LEN + 1];
    int rc;

    if (argc != 2 || strcmp(argv[0], "--to")) {
        fprintf(stderr, _("fieldcheck: hq migrate: expected --to postgresql://...\n"));
        return 1;
    }
    rc = hqstore_open(&dst, argv[1], &app->err);
    if (!rc)
        rc = hqstore_copy(hq->db, dst, migrate_progress, app, &app->err);
    if (!rc)
        rc = hqstore_digest(dst, digest, &app->err);
    if (!app->json && isatty(2))
        fputc('\n', stderr);
    if (rc) {
        hqdb_close(dst);
        return app_fail(app, rc);
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:s}", "ok", 1, "from", hqdb_target(hq->db), "to",
                                 hqdb_target(dst), "digest", digest));
    else
        printf(_("HQ data copied from %s to %s (digest %.16s, identical)\n"
                 "use it with --db-url or hq.db_url in the configuration file\n"),
               hqdb_target(hq->db), hqdb_target(dst), digest);
    hqdb_close(dst);
    return 0;
}

int cmd_hq(struct app *app, int argc, char **argv)
{
    struct buf dir = BUF_INIT;
    struct hq hq;
    const char *sub, *db_url = config_get("hq.db_url");
    int i = 1, rc, ex = 0, have_dir = 0;

    memset(&hq, 0, sizeof(hq));
    while (i + 1 < argc && (!strcmp(argv[i], "--hq") || !strcmp(argv[i], "--db-url"))) {
        if (!strcmp(argv[i], "--hq")) {
            buf_reset(&dir);
            buf_adds(&dir, argv[i + 1]);
            have_dir = 1;
        } else {
            db_url = argv[i + 1];
        }
        i += 2;
    }
    if (!have_dir)
        hq_default_dir(&dir);
    if (i >= argc) {
        buf_release(&dir);
        return app_bad_subcommand(app, argv[0], NULL);
    }
    sub = argv[i++];
    if (!app_has_subcommand(argv[0], sub)) {
        buf_release(&dir);
        return app_bad_subcommand(app, argv[0], sub);
    }
    if (!strcmp(sub, "init")) {
        char fp[20];
        rc = hq_init(dir.ptr, db_url, fp, &app->err);
        if (rc) {
            ex = app_fail(app, rc);
        } else if (app->json) {
            app_print_json(
                json_pack("{s:b, s:s, s:s}", "ok", 1, "dir", dir.ptr, "fingerprint", fp));
        } else {
            printf(_("HQ created in %s\nfingerprint %s\npublic keys for devices: %s/hq.pub\n"),
                   dir.ptr, fp, dir.ptr);
        }
        buf_release(&dir);
        return ex;
    }
    rc = hq_open(&hq, dir.ptr, db_url, &app->err);
    buf_release(&dir);
    if (rc)
        return app_fail(app, rc);
    if (!strcmp(sub, "enroll") && i + 1 == argc) {
        struct keys_enrollment e;
        char fp[20];
        int added = 0;

        rc = hq_enroll(&hq, argv[i], &e, &added, &app->err);
        if (rc) {
            ex = app_fail(app, rc);
        } else {
            codec_fingerprint(fp, e.sign_pk, e.box_pk);
            if (app->json)
                app_print_json(json_pack("{s:b, s:s, s:s, s:b}", "ok", 1, "device_id", e.device_id,
                                         "fingerprint", fp, "added", added));
            else
                printf(_("device %s %s (fingerprint %s: compare it with the device's screen)\n"),
                       e.device_id, added ? "enrolled" : "was already enrolled", fp);
        }
    } else if (!strcmp(sub, "revoke") && i + 1 == argc) {
        rc = hqstore_device_revoke(hq.db, argv[i], &app->err);
        if (rc)
            ex = app_fail(app, rc);
        else if (app->json)
            app_print_json(json_pack("{s:b, s:s}", "ok", 1, "revoked", argv[i]));
        else
            printf(_("device %s revoked: its bundles will be quarantined\n"), argv[i]);
    } else if (!strcmp(sub, "pack")) {
        ex = hq_pack_cmd(app, &hq, argc - i, argv + i);
    } else if (!strcmp(sub, "import")) {
        ex = hq_import_cmd(app, &hq, argc - i, argv + i);
    } else if (!strcmp(sub, "draw")) {
        ex = hq_draw_cmd(app, &hq, argc - i, argv + i);
    } else if (!strcmp(sub, "quarantine")) {
        ex = hq_quarantine_cmd(app, &hq, argc - i, argv + i);
    } else if (!strcmp(sub, "migrate")) {
        ex = hq_migrate_cmd(app, &hq, argc - i, argv + i);
    } else if (!strcmp(sub, "report")) {
        ex = hq_report_cmd(app, &hq, argc - i, argv + i);
    } else if (!strcmp(sub, "receipt") && i < argc && argv[i][0] != '-') {
        struct buf code = BUF_INIT;
        struct app_qr q = {0};
        const char *device = argv[i];
        int64_t acked = 0;

        for (i++; i < argc; i++) {
            if (!app_qr_option(&q, argc, argv, &i)) {
                fprintf(stderr, _("fieldcheck: hq receipt: unknown option '%s'\n"), argv[i]);
                hq_close(&hq);
                return 1;
            }
        }
        if (app_qr_check(app, &q)) {
            hq_close(&hq);
            return 1;
        }
        rc = hq_receipt(&hq, device, &code, &acked, &app->err);
        if (rc)
            ex = app_fail(app, rc);
        else if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:I, s:s}", "ok", 1, "device_id", device,
                                     "acked_seq", (json_int_t)acked, "receipt", code.ptr));
        else
            printf(_("receipt for device %s: events 1..%lld\n%s\n"), device, (long long)acked,
                   code.ptr);
        if (!rc)
            ex = app_qr_emit(app, &q, code.ptr, device);
        buf_release(&code);
    } else {
        fprintf(stderr, _("fieldcheck: hq: unknown subcommand or arguments for '%s'\n"), sub);
        ex = 1;
    }
    hq_close(&hq);
    return ex;
}
