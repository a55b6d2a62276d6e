/* fieldcheck hq [--hq DIR] [--db-url URL] SUBCOMMAND ...: headquarters.
 * Each subcommand is a row of hq_subs[] parsing its own options with
 * app_parse (app/args.h), so options stand in any order, --hq and --db-url
 * anywhere too, and "hq SUBCOMMAND --help" prints that row's usage. The HQ
 * directory holds hq.key and hq.pub, and hq.db unless HQ's store is a
 * PostgreSQL database (--db-url, FIELDCHECK_HQ_DB_URL or hq.db_url). */
#include "app/args.h"
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

/* What a subcommand runs with: the HQ directory and store as the options
 * named them, and HQ opened on them (unless the row says HQ_SUB_NO_OPEN). */
struct hq_run {
    struct app *app;
    const char *dir;
    const char *db_url; /* NULL: dir/hq.db */
    struct hq hq;
};

enum {
    HQ_SUB_NO_OPEN = 1 << 0, /* the subcommand opens nothing (init creates) */
};

/* One subcommand: run gets argv[0] == name and parses the rest. */
struct hq_sub {
    const char *name;
    const char *synopsis; /* the words after "hq [--hq DIR] [--db-url URL]" */
    const char *help;     /* N_(): what it does, printed by "hq NAME --help" */
    int (*run)(struct hq_run *r, int argc, char **argv);
    unsigned flags;
};

/* For the subcommands that take no option. */
static const struct app_opt no_opts[] = {{NULL, NULL, NULL, NULL, NULL}};

/* Fails with "expected SYNOPSIS" for a subcommand called wrongly. */
static int hq_expected(const char *sub, const char *synopsis)
{
    fprintf(stderr, _("fieldcheck: hq %s: expected %s\n"), sub, synopsis);
    return 1;
}

static int hq_init_cmd(struct hq_run *r, int argc, char **argv)
{
    struct app *app = r->app;
    char fp[20];
    int rc;

    if (app_parse("hq init", argc, argv, 1, no_opts, NULL, 0, NULL))
        return 1;
    rc = hq_init(r->dir, r->db_url, fp, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "dir", r->dir, "fingerprint", fp));
    else
        printf(_("HQ created in %s\nfingerprint %s\npublic keys for devices: %s/hq.pub\n"), r->dir,
               fp, r->dir);
    return 0;
}

static int hq_enroll_cmd(struct hq_run *r, int argc, char **argv)
{
    struct app *app = r->app;
    struct keys_enrollment e;
    const char *code = NULL;
    char fp[20];
    int added = 0, n = 0, rc;

    if (app_parse("hq enroll", argc, argv, 1, no_opts, &code, 1, &n))
        return 1;
    if (n != 1)
        return hq_expected("enroll", "CODE");
    rc = hq_enroll(&r->hq, code, &e, &added, &app->err);
    if (rc)
        return app_fail(app, rc);
    codec_fingerprint(fp, e.sign_pk, e.box_pk);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:b}", "ok", 1, "device_id", e.device_id,
                                 "fingerprint", fp, "added", added));
    else
        printf(_("device %s %s (fingerprint %s: compare it with the device's screen)\n"),
               e.device_id, added ? "enrolled" : "was already enrolled", fp);
    return 0;
}

static int hq_revoke_cmd(struct hq_run *r, int argc, char **argv)
{
    struct app *app = r->app;
    const char *device = NULL;
    int n = 0, rc;

    if (app_parse("hq revoke", argc, argv, 1, no_opts, &device, 1, &n))
        return 1;
    if (n != 1)
        return hq_expected("revoke", "DEVICE");
    rc = hqstore_device_revoke(r->hq.db, device, &app->err);
    if (rc)
        return app_fail(app, rc);
    if (app->json)
        app_print_json(json_pack("{s:b, s:s}", "ok", 1, "revoked", device));
    else
        printf(_("device %s revoked: its bundles will be quarantined\n"), device);
    return 0;
}

static int hq_import_cmd(struct hq_run *run, int argc, char **argv)
{
    struct app *app = run->app;
    struct hq *hq = &run->hq;
    const char **files = calloc((size_t)argc + 1, sizeof(*files));
    int worst = 0, nfiles = 0;

    if (!files || app_parse("hq import", argc, argv, 1, no_opts, files, argc, &nfiles)) {
        free(files);
        return 1;
    }
    if (nfiles < 1) {
        free(files);
        fprintf(stderr, _("fieldcheck: hq import: expected FILE...\n"));
        return 1;
    }
    for (int i = 0; i < nfiles; i++) {
        struct hq_import_result r;
        int rc = hq_import_file(hq, files[i], &r, &app->err);
        static const char *const outcome[] = {"imported", "duplicate", "quarantined"};

        if (rc) {
            int ex = app_fail(app, rc);
            worst = ex > worst ? ex : worst;
            continue;
        }
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "ok", 1,
                                     "file", files[i], "outcome", outcome[r.outcome], "device",
                                     r.device, "bundle_seq", (json_int_t)r.bundle_seq, "first_seq",
                                     (json_int_t)r.first_seq, "last_seq", (json_int_t)r.last_seq,
                                     "events_new", (json_int_t)r.stats.events_new, "events_known",
                                     (json_int_t)r.stats.events_known, "equivocations",
                                     (json_int_t)r.stats.equivocations));
        else
            printf(_("%s: %s, device %s bundle %llu, events %lld..%lld, %lld new%s\n"), files[i],
                   outcome[r.outcome], r.device, (unsigned long long)r.bundle_seq,
                   (long long)r.first_seq, (long long)r.last_seq, (long long)r.stats.events_new,
                   r.stats.equivocations ? _(", EQUIVOCATION: a seq has two different events")
                                         : "");
        if (r.stats.equivocations)
            worst = worst > 3 ? worst : 3;
    }
    free(files);
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

struct pack_to {
    const char **to;
    size_t n;
};

static int add_to(void *ctx, const char *name, const char *value)
{
    struct pack_to *t = ctx;

    (void)name;
    t->to[t->n++] = value;
    return 0;
}

/* hq pack DIR -o FILE (--to DEVICE... | --all-enrolled) [--lead DEVICE] [--partial] */
static int hq_pack_cmd(struct hq_run *r, int argc, char **argv)
{
    struct app *app = r->app;
    struct mission_load_sink sink = {app, pack_reject, pack_warning, NULL, NULL, NULL, NULL};
    struct pack_make_args a = {0};
    struct pack_make_result res;
    struct pack_target *targets = NULL;
    const char **to = calloc((size_t)argc + 1, sizeof(*to));
    struct pack_to t = {to, 0};
    size_t n_to = 0, n_targets = 0;
    int all = 0, rc, n = 0;
    const struct app_opt opts[] = {{"-o", &a.out, NULL, NULL, NULL},
                                   {"--to", NULL, NULL, add_to, &t},
                                   {"--all-enrolled", NULL, &all, NULL, NULL},
                                   {"--lead", &a.lead, NULL, NULL, NULL},
                                   {"--partial", NULL, &a.partial, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("hq pack", argc, argv, 1, opts, &a.dir, 1, &n)) {
        free(to);
        return 1;
    }
    n_to = t.n;
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
        rc = pack_team_targets(r->hq.db, to, n_to, a.lead, &targets, &n_targets, &app->err);
    else
        rc = pack_targets(r->hq.db, to, n_to, all, &targets, &n_targets, &app->err);
    free(to);
    if (rc)
        return app_fail(app, rc);
    a.scratch = r->hq.dir;
    a.to = targets;
    a.n_to = n_targets;
    a.sink = &sink;
    rc = pack_make(&r->hq.keys, &a, &res, &app->err);
    if (!rc) /* HQ remembers what it issued: visits on anything else are flagged */
        rc = hq_pack_record(&r->hq, &res, targets, n_targets, a.dir, &app->err);
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
static int hq_quarantine_cmd(struct hq_run *r, int argc, char **argv)
{
    struct app *app = r->app;
    const char *device = NULL, *what = NULL;
    int all = 0, n = 0, rc;
    const struct app_opt opts[] = {{"--device", &device, NULL, NULL, NULL},
                                   {"--all", NULL, &all, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("hq quarantine", argc, argv, 1, opts, &what, 1, &n))
        return 1;
    if (n == 1 && !strcmp(what, "list") && !all) {
        rc = hqstore_quarantine_foreach(r->hq.db, device, quarantine_row, app, &app->err);
        return rc ? app_fail(app, rc) : 0;
    }
    if (n == 1 && !strcmp(what, "purge") && !device != !all) {
        int64_t removed = 0;

        rc = hqstore_quarantine_purge(r->hq.db, device, &removed, &app->err);
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
static int hq_migrate_cmd(struct hq_run *r, int argc, char **argv)
{
    struct app *app = r->app;
    struct hqdb *dst = NULL;
    const char *to = NULL;
    char digest[HASH_HEX_LEN + 1];
    int rc;
    const struct app_opt opts[] = {{"--to", &to, NULL, NULL, NULL}, {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("hq migrate", argc, argv, 1, opts, NULL, 0, NULL))
        return 1;
    if (!to) {
        fprintf(stderr, _("fieldcheck: hq migrate: expected --to postgresql://...\n"));
        return 1;
    }
    rc = hqstore_open(&dst, to, &app->err);
    if (!rc)
        rc = hqstore_copy(r->hq.db, dst, migrate_progress, app, &app->err);
    if (!rc)
        rc = hqstore_digest(dst, digest, &app->err);
    if (!app->json && isatty(2))
        fputc('\n', stderr);
    if (rc) {
        hqdb_close(dst);
        return app_fail(app, rc);
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:s}", "ok", 1, "from", hqdb_target(r->hq.db),
                                 "to", hqdb_target(dst), "digest", digest));
    else
        printf(_("HQ data copied from %s to %s (digest %.16s, identical)\n"
                 "use it with --db-url or hq.db_url in the configuration file\n"),
               hqdb_target(r->hq.db), hqdb_target(dst), digest);
    hqdb_close(dst);
    return 0;
}

/* hq receipt DEVICE [--qr] [--qr-png FILE] [--qr-svg FILE] [--qr-dir DIR] */
static int hq_receipt_cmd(struct hq_run *r, int argc, char **argv)
{
    struct app *app = r->app;
    struct buf code = BUF_INIT;
    struct app_qr q = {0};
    const char *device = NULL;
    int64_t acked = 0;
    int n = 0, rc;
    const struct app_opt opts[] = {{"--qr", NULL, &q.term, NULL, NULL},
                                   {"--qr-png", &q.png, NULL, NULL, NULL},
                                   {"--qr-svg", &q.svg, NULL, NULL, NULL},
                                   {"--qr-dir", &q.dir, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("hq receipt", argc, argv, 1, opts, &device, 1, &n))
        return 1;
    if (n != 1)
        return hq_expected("receipt", "DEVICE [--qr] [--qr-png FILE] [--qr-svg FILE]");
    if (app_qr_check(app, &q))
        return 1;
    rc = hq_receipt(&r->hq, device, &code, &acked, &app->err);
    if (rc) {
        buf_release(&code);
        return app_fail(app, rc);
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:I, s:s}", "ok", 1, "device_id", device, "acked_seq",
                                 (json_int_t)acked, "receipt", code.ptr));
    else
        printf(_("receipt for device %s: events 1..%lld\n%s\n"), device, (long long)acked,
               code.ptr);
    rc = app_qr_emit(app, &q, code.ptr, device);
    buf_release(&code);
    return rc;
}

static int hq_report_sub(struct hq_run *r, int argc, char **argv)
{
    return hq_report_cmd(r->app, &r->hq, argc, argv);
}

static int hq_draw_sub(struct hq_run *r, int argc, char **argv)
{
    return hq_draw_cmd(r->app, &r->hq, argc, argv);
}

static const struct hq_sub hq_subs[] = {
    {"init", "init", N_("create HQ's keys (hq.key, hq.pub) and its store\n"), hq_init_cmd,
     HQ_SUB_NO_OPEN},
    {"enroll", "enroll CODE",
     N_("enroll a device from the code 'fieldcheck keys show' prints; compare the\n"
        "fingerprint with the device's screen\n"),
     hq_enroll_cmd, 0},
    {"revoke", "revoke DEVICE", N_("revoke a device: its bundles are quarantined from now on\n"),
     hq_revoke_cmd, 0},
    {"pack", "pack DIR -o FILE (--to DEVICE... | --all-enrolled) [--lead DEVICE] [--partial]",
     N_("encrypt and sign a mission folder for its target devices (--to, repeatable,\n"
        "enrolled devices; or --all-enrolled). The folder is validated with the\n"
        "device's loader first: rejected rows refuse the pack (exit 2) unless\n"
        "--partial, which leaves them out and says how many; an expired mission,\n"
        "a symbolic link or a non-regular file is refused. Written with mode 0600.\n"
        "--lead DEVICE (one of the targets) makes the targets a team: their\n"
        "bundles open for the lead's device too ('team import')\n"),
     hq_pack_cmd, 0},
    {"import", "import FILE...",
     N_("verify, decrypt and merge bundles; the same bundle again changes nothing;\n"
        "unknown or revoked devices are quarantined (exit 3)\n"),
     hq_import_cmd, 0},
    {"report", "report [--format html -o PATH]",
     N_("what the visits found (the findings each device wrote when it closed a\n"
        "visit): per workflow, anomalies first and what was not covered beside,\n"
        "by institution, by month, each institution's visits; conflicts between\n"
        "devices on the same bed or box; then events by kind and verdict, gaps,\n"
        "equivocations, quarantine; --format html -o PATH writes it as a page\n"),
     hq_report_sub, 0},
    {"receipt", "receipt DEVICE [--qr] [--qr-png FILE] [--qr-svg FILE]",
     N_("the signed receipt code for a device (printed last, before its QR code\n"
        "with --qr; --qr-png / --qr-svg write it as an image file)\n"),
     hq_receipt_cmd, 0},
    {"quarantine", "quarantine list [--device DEVICE] | quarantine purge (--device DEVICE | --all)",
     N_("the bundles HQ refused (unknown or revoked device): hash, device, size and\n"
        "reason, never their content; at most hq.quarantine_cap per device; purge\n"
        "forgets them\n"),
     hq_quarantine_cmd, 0},
    {"draw",
     "draw --targets FILE --inspectors FILE --seed TEXT --count N|KIND=N,...\n"
     "         [--team-size 2] [--exclude-days N] [--date YYYY-MM-DD] [--top N]\n"
     "         [--cross-region province|city|county] [-o FILE] [--pack DIR [--pack-out DIR]] |\n"
     "    draw verify FILE [--targets FILE] [--inspectors FILE]",
     N_("the 双随机 draw: institutions from the targets file (leaving out those\n"
        "inspected within --exclude-days, from the top --top by ranking value) and a\n"
        "team of --team-size inspectors for each, none with a conflict (回避;\n"
        "--cross-region: not from the institution's own region), reproducibly from\n"
        "the published --seed (docs/draw.md); writes a record signed by HQ (-o, mode\n"
        "0600); --pack makes each team a pack of its institution's rows of the\n"
        "mission folder DIR for its members' devices.\n"
        "verify checks a draw record's signature, its input files and its result\n"),
     hq_draw_sub, 0},
    {"migrate", "migrate --to URL",
     N_("copy everything from the current store (hq.db) into an empty PostgreSQL\n"
        "database and check that both give the same digest\n"),
     hq_migrate_cmd, 0},
    {NULL, NULL, NULL, NULL, 0},
};

static const struct hq_sub *hq_sub_find(const char *name)
{
    for (const struct hq_sub *s = hq_subs; s->name; s++)
        if (!strcmp(s->name, name))
            return s;
    return NULL;
}

static void hq_sub_usage(const struct hq_sub *s)
{
    printf(_("usage: %s"), "fieldcheck [--json] hq [--hq DIR] [--db-url URL] ");
    printf("%s\n\n%s", s->synopsis, _(s->help));
}

/* Takes --hq DIR and --db-url URL (or --hq=DIR, --db-url=URL) out of argv
 * wherever they stand before "--": they belong to every subcommand. 1 after
 * printing a usage error. */
static int take_hq_options(int *argc, char **argv, const char **dir, const char **db_url)
{
    const struct app_opt opts[] = {{"--hq", dir, NULL, NULL, NULL},
                                   {"--db-url", db_url, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    return app_take_options("hq", argc, argv, opts);
}

int cmd_hq(struct app *app, int argc, char **argv)
{
    struct buf dir = BUF_INIT;
    struct hq_run r;
    const struct hq_sub *sub;
    const char *dir_opt = NULL;
    int rc, ex;

    memset(&r, 0, sizeof(r));
    r.app = app;
    r.db_url = config_get("hq.db_url");
    if (take_hq_options(&argc, argv, &dir_opt, &r.db_url))
        return 1;
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        app_usage(app->cmd, stdout);
        return 0;
    }
    if (argc < 2)
        return app_bad_subcommand(app, argv[0], NULL);
    sub = hq_sub_find(argv[1]);
    if (!sub)
        return app_bad_subcommand(app, argv[0], argv[1]);
    if (app_wants_help(argc - 1, argv + 1)) {
        hq_sub_usage(sub);
        return 0;
    }
    if (dir_opt)
        buf_adds(&dir, dir_opt);
    else
        hq_default_dir(&dir);
    r.dir = dir.ptr;
    if (!(sub->flags & HQ_SUB_NO_OPEN)) {
        rc = hq_open(&r.hq, r.dir, r.db_url, &app->err);
        if (rc) {
            buf_release(&dir);
            return app_fail(app, rc);
        }
    }
    ex = sub->run(&r, argc - 1, argv + 1);
    if (!(sub->flags & HQ_SUB_NO_OPEN))
        hq_close(&r.hq);
    buf_release(&dir);
    return ex;
}
