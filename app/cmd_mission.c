/* fieldcheck mission load | list | show: loading mission folders and looking
 * at what is loaded. The loader reports through a sink; this file collects
 * counts, rejects and warnings and prints them (or one JSON object). */
#include "app/commands.h"

#include "core/base/buf.h"
#include "core/mission.h"
#include "sync/pack.h"
#include "core/store.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct load_report {
    json_t *files, *rejects, *warnings;
    json_t *rejects_local, *warnings_local; /* the texts people read, beside the JSON */
    int progress;                           /* draw progress on stderr */
    int progress_drawn;
};

static void on_reject(void *ctx, const char *file, uint64_t line, const char *column,
                      const char *reason, const char *reason_local)
{
    struct load_report *r = ctx;

    json_array_append_new(r->rejects_local, json_string(reason_local));
    json_array_append_new(r->rejects,
                          json_pack("{s:s, s:I, s:s, s:s}", "file", file, "line", (json_int_t)line,
                                    "column", column, "reason", reason));
}

static void on_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                       const char *message, const char *message_local)
{
    struct load_report *r = ctx;

    json_array_append_new(r->warnings_local, json_string(message_local));
    json_array_append_new(r->warnings, json_pack("{s:s, s:s, s:I, s:s}", "kind", kind, "file", file,
                                                 "line", (json_int_t)line, "message", message));
}

static void on_file(void *ctx, const char *file, const char *encoding, uint64_t rows,
                    uint64_t loaded, uint64_t rejected)
{
    struct load_report *r = ctx;

    json_array_append_new(r->files,
                          json_pack("{s:s, s:s, s:I, s:I, s:I}", "file", file, "encoding", encoding,
                                    "rows", (json_int_t)rows, "loaded", (json_int_t)loaded,
                                    "rejected", (json_int_t)rejected));
}

static void on_progress(void *ctx, const char *file, uint64_t bytes, uint64_t total)
{
    struct load_report *r = ctx;

    if (!r->progress || total < (4u << 20))
        return;
    fprintf(stderr, "\r%s: %3d%%", file, total ? (int)(bytes * 100 / total) : 100);
    fflush(stderr);
    r->progress_drawn = 1;
}

static const char *status_name(int rc, enum mission_load_status st)
{
    if (rc)
        return "failed";
    switch (st) {
    case MISSION_UNCHANGED: return "unchanged";
    case MISSION_REPLACED: return "replaced";
    default: return "loaded";
    }
}

static void print_human(const struct load_report *r)
{
    size_t i;
    json_t *v;

    json_array_foreach(r->files, i, v)
    {
        printf(_("%-18s %-12s rows %-8lld loaded %-8lld rejected %lld\n"),
               json_string_value(json_object_get(v, "file")),
               json_string_value(json_object_get(v, "encoding")),
               (long long)json_integer_value(json_object_get(v, "rows")),
               (long long)json_integer_value(json_object_get(v, "loaded")),
               (long long)json_integer_value(json_object_get(v, "rejected")));
    }
    json_array_foreach(r->rejects, i, v)
    {
        const char *col = json_string_value(json_object_get(v, "column"));
        printf("%s:%lld: %s%s%s\n", json_string_value(json_object_get(v, "file")),
               (long long)json_integer_value(json_object_get(v, "line")), col, *col ? ": " : "",
               json_string_value(json_array_get(r->rejects_local, i)));
    }
    json_array_foreach(r->warnings, i, v)
    {
        printf(_("warning: %s:%lld: %s: %s\n"), json_string_value(json_object_get(v, "file")),
               (long long)json_integer_value(json_object_get(v, "line")),
               json_string_value(json_object_get(v, "kind")),
               json_string_value(json_array_get(r->warnings_local, i)));
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static int mission_cmd_load(struct app *app, int argc, char **argv)
{
    struct load_report r = {
        json_array(), json_array(), json_array(), json_array(), json_array(), 0, 0};
    struct mission_load_sink sink = {&r, on_reject, on_warning, on_file, on_progress};
    struct mission_info info;
    enum mission_load_status st = MISSION_LOADED;
    const char *path = NULL;
    struct store *s;
    int partial = 0, rc, exitc = 0;

    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--partial")) {
            partial = 1;
        } else if (argv[i][0] == '-' && strcmp(argv[i], "-")) {
            fprintf(stderr, _("fieldcheck: mission load: unknown option '%s'\n"), argv[i]);
            exitc = 1;
            goto out;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, _("fieldcheck: mission load: one PATH only\n"));
            exitc = 1;
            goto out;
        }
    }
    if (!path) {
        fprintf(stderr, _("fieldcheck: mission load: missing PATH (a mission folder)\n"));
        exitc = 1;
        goto out;
    }
    s = app_store(app);
    if (!s) {
        exitc = app_fail(app, app->err.code);
        goto out;
    }
    r.progress = !app->json && isatty(2);
    memset(&info, 0, sizeof(info));
    /* a signed pack is verified (signature, target, expiry, version) before
     * any CSV is parsed, then loaded from a private extraction */
    if (ends_with(path, ".fcpack"))
        rc = pack_load(s, path, partial, &sink, &info, &st, &app->err);
    else
        rc = mission_load(s, path, partial, &sink, &info, &st, &app->err);
    if (r.progress_drawn)
        fputs("\r\033[K", stderr);
    if (app->json) {
        json_t *o = json_pack("{s:s, s:I, s:s, s:O, s:O, s:O}", "mission_id", info.mission_id,
                              "version", (json_int_t)info.version, "status", status_name(rc, st),
                              "files", r.files, "rejects", r.rejects, "warnings", r.warnings);
        if (rc) {
            json_object_set_new(o, "error", json_string(fc_errname(rc)));
            json_object_set_new(o, "message", json_string(app->err.msg));
        } else {
            json_object_set_new(o, "file", json_string(info.file));
            json_object_set_new(o, "sha256", json_string(info.sha256));
        }
        app_print_json(o);
        if (rc) {
            fprintf(stderr, "fieldcheck: %s\n", app->err.msg_local);
            exitc = fc_exit_code(rc);
        }
        goto out;
    }
    print_human(&r);
    if (rc) {
        exitc = app_fail(app, rc);
        goto out;
    }
    printf(_("mission '%s' version %lld %s: %s\n"), info.mission_id, (long long)info.version,
           status_name(rc, st), info.file);
out:
    json_decref(r.files);
    json_decref(r.rejects);
    json_decref(r.warnings);
    json_decref(r.rejects_local);
    json_decref(r.warnings_local);
    return exitc;
}

static int list_one(const struct mission_info *m, void *ctx)
{
    json_t *arr = ctx;

    if (arr) {
        json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                                             "mission_id", m->mission_id, "version",
                                             (json_int_t)m->version, "kind", m->kind, "title",
                                             m->title, "issued_at", m->issued_at, "expires_at",
                                             m->expires_at, "loaded_at", m->loaded_at, "file",
                                             m->file, "sha256", m->sha256));
        return 0;
    }
    printf("%-24s v%-4lld %-9s %-20s %s\n", m->mission_id, (long long)m->version, m->kind,
           m->loaded_at, m->title);
    return 0;
}

static int mission_cmd_list(struct app *app)
{
    struct store *s = app_store(app);
    json_t *arr = NULL;
    int rc;

    if (!s)
        return app_fail(app, app->err.code);
    if (app->json)
        arr = json_array();
    rc = mission_foreach(s, list_one, arr, &app->err);
    if (rc) {
        json_decref(arr);
        return app_fail(app, rc);
    }
    if (arr)
        app_print_json(json_pack("{s:o}", "missions", arr));
    return 0;
}

static int mission_cmd_show(struct app *app, int argc, char **argv)
{
    struct store *s;
    struct mission_info m;
    struct buf counts = BUF_INIT;
    json_t *cj = NULL, *files, *v;
    const char *key;
    int rc;

    if (argc != 3) {
        fprintf(stderr, _("fieldcheck: mission show: needs one mission ID\n"));
        return 1;
    }
    s = app_store(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = mission_get(s, argv[2], &m, &app->err);
    if (!rc)
        rc = mission_counts(s, m.mission_id, m.version, &counts, &app->err);
    if (rc) {
        buf_release(&counts);
        return app_fail(app, rc);
    }
    cj = json_loads(counts.ptr, 0, NULL);
    buf_release(&counts);
    files = cj ? json_object_get(cj, "files") : NULL;
    if (app->json) {
        app_print_json(json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O?}",
                                 "mission_id", m.mission_id, "version", (json_int_t)m.version,
                                 "kind", m.kind, "title", m.title, "issued_at", m.issued_at,
                                 "expires_at", m.expires_at, "loaded_at", m.loaded_at, "file",
                                 m.file, "sha256", m.sha256, "files", files));
        json_decref(cj);
        return 0;
    }
    printf(_("mission    %s\nversion    %lld\nkind       %s\ntitle      %s\nissued     %s\n"
             "expires    %s\nloaded     %s\nfile       %s\nsha256     %s\n"),
           m.mission_id, (long long)m.version, m.kind, m.title, m.issued_at, m.expires_at,
           m.loaded_at, m.file, m.sha256);
    json_object_foreach(files, key, v)
    {
        printf(_("  %-18s %-12s rows %-8lld loaded %-8lld rejected %lld\n"), key,
               json_string_value(json_object_get(v, "encoding")),
               (long long)json_integer_value(json_object_get(v, "rows")),
               (long long)json_integer_value(json_object_get(v, "loaded")),
               (long long)json_integer_value(json_object_get(v, "rejected")));
    }
    json_decref(cj);
    return 0;
}

int cmd_mission(struct app *app, int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, _("fieldcheck: mission: missing subcommand (load, list or show)\n"));
        return 1;
    }
    if (!strcmp(argv[1], "load"))
        return mission_cmd_load(app, argc, argv);
    if (!strcmp(argv[1], "list"))
        return mission_cmd_list(app);
    if (!strcmp(argv[1], "show"))
        return mission_cmd_show(app, argc, argv);
    fprintf(stderr, _("fieldcheck: mission: unknown subcommand '%s'\n"), argv[1]);
    return 1;
}
