/* fieldcheck mission load | list | show: loading mission folders and looking
 * at what is loaded. The loader reports through a sink; this file collects
 * counts, rejects and warnings and prints them (or one JSON object). */
#include "app/args.h"
#include "app/commands.h"
#include "app/term.h"

#include "core/base/buf.h"
#include "core/base/text.h"
#include "core/base/xalloc.h"
#include "core/mission/mission.h"
#include "sync/pack.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "ui/i18n.h"
#include "core/base/clock.h"
#include "core/base/lang.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Rejects and warnings can number a row each of a hostile file: they are
 * spooled to a temporary file as they come (the JSON text and the line
 * people read), not kept in memory, and copied out at the end. */
struct spool {
    FILE *json, *human; /* one JSON object per line; printed lines */
    char *mem[2];       /* the buffers when they had to be kept in memory */
    size_t memlen[2];
    size_t n;
};

/* A temporary file, or (no writable TMPDIR) a buffer in memory after all. */
static FILE *spool_file(char **mem, size_t *memlen)
{
    FILE *f = tmpfile();

    if (!f)
        f = open_memstream(mem, memlen);
    if (!f)
        fc_die("cannot keep the load report: %s", strerror(errno));
    return f;
}

static void spool_init(struct spool *sp)
{
    memset(sp, 0, sizeof(*sp));
    sp->json = spool_file(&sp->mem[0], &sp->memlen[0]);
    sp->human = spool_file(&sp->mem[1], &sp->memlen[1]);
}

static void spool_close(struct spool *sp)
{
    if (sp->json)
        fclose(sp->json);
    if (sp->human)
        fclose(sp->human);
    free(sp->mem[0]);
    free(sp->mem[1]);
    memset(sp, 0, sizeof(*sp));
}

/* Rejects with the same file, column and reason are one group: its first
 * row printed in full, then how many more and their first lines. */
#define GROUPS_MAX 512
#define GROUP_LINES 10
struct reject_group {
    char *key;   /* file US column US reason */
    char *first; /* the first row's printed line */
    uint64_t count, lines[GROUP_LINES];
};

/* Warnings by kind: on a terminal the first ten of each are printed. */
#define KINDS_MAX 64
#define KIND_SHOWN 10
struct warning_kind {
    char name[48];
    uint64_t count;
};

struct load_report {
    json_t *files;
    struct spool rejects, warnings;
    int progress; /* draw progress on stderr */
    int progress_drawn;
    int terminal;                /* stdout is a terminal: tallies, not walls */
    FILE *warnings_file;         /* --warnings FILE: every warning, one a line */
    struct reject_group *groups; /* NULL past GROUPS_MAX distinct reasons: plain list */
    size_t ngroups;
    int ungrouped;
    struct warning_kind kinds[KINDS_MAX];
    size_t nkinds;
    uint64_t warnings_hidden;
};

/* The group of a reject, or NULL (too many distinct reasons: listed). */
static struct reject_group *reject_group(struct load_report *r, const char *file,
                                         const char *column, const char *reason, int *is_new)
{
    char *key = NULL;

    *is_new = 0;
    if (r->ungrouped)
        return NULL;
    if (asprintf(&key, "%s\x1f%s\x1f%s", file, column, reason) < 0)
        fc_die("out of memory");
    for (size_t i = 0; i < r->ngroups; i++)
        if (!strcmp(r->groups[i].key, key)) {
            free(key);
            return &r->groups[i];
        }
    if (r->ngroups == GROUPS_MAX) {
        free(key);
        r->ungrouped = 1;
        return NULL;
    }
    r->groups = xreallocarray(r->groups, r->ngroups + 1, sizeof(*r->groups));
    memset(&r->groups[r->ngroups], 0, sizeof(r->groups[0]));
    r->groups[r->ngroups].key = key;
    *is_new = 1;
    return &r->groups[r->ngroups++];
}

static void groups_free(struct load_report *r)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        free(r->groups[i].key);
        free(r->groups[i].first);
    }
    free(r->groups);
}

static void print_groups(const struct load_report *r)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        const struct reject_group *g = &r->groups[i];
        fputs(g->first, stdout);
        if (g->count < 2)
            continue;
        printf(_("  ... %llu more rows with the same reason, lines"),
               (unsigned long long)(g->count - 1));
        for (uint64_t k = 1; k < g->count && k < GROUP_LINES; k++)
            printf(" %llu", (unsigned long long)g->lines[k]);
        fputs(g->count > GROUP_LINES ? " ...\n" : "\n", stdout);
    }
}

static void spool_add(struct spool *sp, json_t *obj, const char *human)
{
    json_dumpf(obj, sp->json, JSON_COMPACT);
    fputc('\n', sp->json);
    json_decref(obj);
    fputs(human, sp->human);
    sp->n++;
}

/* Copies a spool's lines to out, each followed by sep but the last. */
static void spool_copy(FILE *in, FILE *out, const char *sep, size_t n)
{
    char *line = NULL;
    size_t cap = 0, i = 0;
    ssize_t got;

    fflush(in);
    rewind(in);
    while ((got = getline(&line, &cap, in)) > 0) {
        if (sep && line[got - 1] == '\n')
            line[--got] = '\0';
        fputs(line, out);
        if (sep && ++i < n)
            fputs(sep, out);
    }
    free(line);
}

static void on_reject(void *ctx, const char *file, uint64_t line, const char *column,
                      const char *reason, const char *reason_local)
{
    struct load_report *r = ctx;
    char *human = NULL;

    if (asprintf(&human, "%s:%llu: %s%s%s\n", file, (unsigned long long)line, column,
                 *column ? ": " : "", reason_local) < 0)
        fc_die("out of memory");
    spool_add(&r->rejects,
              json_pack("{s:s, s:I, s:s, s:s}", "file", file, "line", (json_int_t)line, "column",
                        column, "reason", reason),
              human);
    free(human);
}

static void on_rejected(void *ctx, const struct mission_reject *j)
{
    struct load_report *r = ctx;
    char *human = NULL;
    json_t *o;

    if (asprintf(&human, "%s:%llu: %s%s%s%s%s%s\n", j->file, (unsigned long long)j->line, j->column,
                 *j->column ? ": " : "", j->reason_local, *j->value ? " (" : "",
                 *j->value ? j->value : "", *j->value ? ")" : "") < 0)
        fc_die("out of memory");
    o = json_pack("{s:s, s:I, s:s, s:s}", "file", j->file, "line", (json_int_t)j->line, "column",
                  j->column, "reason", j->reason);
    if (*j->value)
        json_object_set_new(o, "value", json_string(j->value));
    {
        int is_new;
        struct reject_group *g = reject_group(r, j->file, j->column, j->reason, &is_new);
        if (g) {
            if (is_new)
                g->first = xstrdup(human);
            if (g->count < GROUP_LINES)
                g->lines[g->count] = j->line;
            g->count++;
        }
    }
    spool_add(&r->rejects, o, human);
    free(human);
}

static void on_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                       const char *message, const char *message_local)
{
    struct load_report *r = ctx;
    char *human = NULL;

    struct warning_kind *k = NULL;

    if (asprintf(&human, _("warning: %s:%lld: %s: %s\n"), file, (long long)line, kind,
                 message_local) < 0)
        fc_die("out of memory");
    if (r->warnings_file)
        fputs(human, r->warnings_file);
    for (size_t i = 0; i < r->nkinds && !k; i++)
        if (!strcmp(r->kinds[i].name, kind))
            k = &r->kinds[i];
    if (!k && r->nkinds < KINDS_MAX) {
        k = &r->kinds[r->nkinds++];
        snprintf(k->name, sizeof(k->name), "%s", kind);
    }
    if (k)
        k->count++;
    if (r->terminal && k && k->count > KIND_SHOWN) {
        /* a terminal gets the first ten of each kind and the tally;
         * --json and --warnings FILE get them all */
        r->warnings_hidden++;
        human[0] = '\0';
    }
    spool_add(&r->warnings,
              json_pack("{s:s, s:s, s:I, s:s}", "kind", kind, "file", file, "line",
                        (json_int_t)line, "message", message),
              human);
    free(human);
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
    /* the carriage return is ours, the file name is data */
    struct buf name = BUF_INIT;
    FILE *err = app_raw_stderr();

    text_escape_str(&name, file);
    fprintf(err, "\r%s: %3d%%", name.ptr ? name.ptr : "", total ? (int)(bytes * 100 / total) : 100);
    fflush(err);
    buf_release(&name);
    r->progress_drawn = 1;
}

/* After a long file's progress, the phases that follow it on the same line:
 * the name for people, in their language. */
static void on_phase(void *ctx, const char *phase)
{
    static const struct {
        const char *name, *en, *zh;
    } phases[] = {
        {"indexes", "building indexes", "建立索引"},
        {"checks", "checking the roster", "核对名单"},
        {"codes", "indexing scan codes", "建立扫码索引"},
        {"totals", "summing settlements", "汇总结算"},
        {"saving", "saving", "保存"},
    };
    struct load_report *r = ctx;
    FILE *err;

    if (!r->progress_drawn)
        return;
    err = app_raw_stderr();
    for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
        if (!strcmp(phases[i].name, phase))
            fprintf(err, "\r\033[K%s…", fc_text(phases[i].en, phases[i].zh));
    fflush(err);
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
    if (r->ungrouped)
        spool_copy(r->rejects.human, stdout, NULL, r->rejects.n);
    else
        print_groups(r);
    spool_copy(r->warnings.human, stdout, NULL, r->warnings.n);
    if (r->nkinds && (r->terminal || r->warnings_hidden)) {
        printf(_("warnings:"));
        for (size_t k = 0; k < r->nkinds; k++)
            printf(" %s %llu", r->kinds[k].name, (unsigned long long)r->kinds[k].count);
        putchar('\n');
        if (r->warnings_hidden)
            printf(_("(the first %d of each kind shown; all of them with --warnings FILE or "
                     "--json)\n"),
                   KIND_SHOWN);
    }
}

/* ,"key":value in compact JSON (the first without the comma) */
static void put_member(const char *key, json_t *value, int first)
{
    printf("%s\"%s\":", first ? "" : ",", key);
    json_dumpf(value, stdout, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(value);
}

/* The JSON object of a load, streamed: the same text json_dumpf would give
 * for it, without holding the rejects and warnings in memory. */
static void print_json(const struct load_report *r, const struct mission_info *info, int rc,
                       enum mission_load_status st, const struct fc_error *err)
{
    fputc('{', stdout);
    put_member("mission_id", json_string(info->mission_id), 1);
    put_member("version", json_integer((json_int_t)info->version), 0);
    put_member("status", json_string(status_name(rc, st)), 0);
    put_member("files", json_incref(r->files), 0);
    fputs(",\"rejects\":[", stdout);
    spool_copy(r->rejects.json, stdout, ",", r->rejects.n);
    fputs("],\"warnings\":[", stdout);
    spool_copy(r->warnings.json, stdout, ",", r->warnings.n);
    fputc(']', stdout);
    if (rc) {
        put_member("error", json_string(fc_errname(rc)), 0);
        put_member("message", json_string(err->msg), 0);
    } else {
        put_member("file", json_string(info->file), 0);
        put_member("sha256", json_string(info->sha256), 0);
    }
    fputs("}\n", stdout);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

int cmd_mission_load(struct app *app, int argc, char **argv)
{
    struct load_report r = {.files = json_array()};
    struct mission_load_sink sink = {&r,          on_reject,   on_warning, on_file,
                                     on_progress, on_rejected, on_phase};
    struct mission_info info;
    enum mission_load_status st = MISSION_LOADED;
    const char *path = NULL;
    struct store *s;
    const char *warnings_path = NULL;
    int partial = 0, rc, exitc = 0;
    const struct app_opt opts[] = {
        {.name = "--partial", .flag = &partial},
        {.name = "--warnings", .val = &warnings_path},
        {0},
    };

    if (app_parse("mission load", argc, argv, 2, opts, &path, 1, NULL)) {
        exitc = 1;
        goto out;
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
    r.terminal = !app->json && isatty(1);
    if (warnings_path) {
        r.warnings_file = fopen(warnings_path, "w");
        if (!r.warnings_file) {
            fprintf(stderr, _("fieldcheck: mission load: cannot write '%s': %s\n"), warnings_path,
                    strerror(errno));
            exitc = 4;
            goto out;
        }
    }
    spool_init(&r.rejects);
    spool_init(&r.warnings);
    memset(&info, 0, sizeof(info));
    /* a signed pack is verified (signature, target, expiry, version) before
     * any CSV is parsed, then loaded from a private extraction */
    if (ends_with(path, ".fcpack"))
        rc = pack_load(s, path, partial, &sink, &info, &st, &app->err);
    else
        rc = pack_load_folder(s, path, partial, &sink, &info, &st, &app->err);
    if (r.progress_drawn) {
        FILE *err = app_raw_stderr();
        fputs("\r\033[K", err);
        fflush(err);
    }
    if (app->json) {
        print_json(&r, &info, rc, st, &app->err);
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
    if (r.warnings_file && fclose(r.warnings_file) != 0 && !exitc) {
        fprintf(stderr, _("fieldcheck: mission load: cannot write '%s': %s\n"), warnings_path,
                strerror(errno));
        exitc = 4;
    }
    groups_free(&r);
    json_decref(r.files);
    spool_close(&r.rejects);
    spool_close(&r.warnings);
    return exitc;
}

/* "XXXX-XXXX-XXXX-XXXX" of the HQ key that signed this version, or
 * "unsigned" (loaded from a folder). */
static void signer_of(struct store *s, const struct mission_info *m, char out[20])
{
    if (syncdb_mission_signer(s, m->mission_id, m->version, out, NULL) != FC_OK || !out[0])
        snprintf(out, 20, "%s", "unsigned");
}

struct list_ctx {
    struct store *s;
    json_t *arr;
};

static int list_one(const struct mission_info *m, void *ctx)
{
    struct list_ctx *c = ctx;
    char signer[20], loaded[CLOCK_ISO_MAX];

    if (c->arr) {
        signer_of(c->s, m, signer);
        json_array_append_new(
            c->arr,
            json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "mission_id",
                      m->mission_id, "version", (json_int_t)m->version, "kind", m->kind, "title",
                      m->title, "issued_at", m->issued_at, "expires_at", m->expires_at, "loaded_at",
                      m->loaded_at, "file", m->file, "sha256", m->sha256, "signed_by", signer));
        return 0;
    }
    /* people read local times with their offset; JSON keeps the stored UTC */
    printf("%-24s v%-4lld %-9s %-25s %s\n", m->mission_id, (long long)m->version, m->kind,
           clock_iso_local(m->loaded_at, loaded), m->title);
    return 0;
}

int cmd_mission_list(struct app *app, int argc, char **argv)
{
    struct list_ctx c = {app_store_read(app), NULL};
    int rc;

    (void)argc; /* words after 'list' are ignored, as they always were */
    (void)argv;
    if (!c.s)
        return app_fail(app, app->err.code);
    if (app->json)
        c.arr = json_array();
    rc = mission_foreach(c.s, list_one, &c, &app->err);
    if (rc) {
        json_decref(c.arr);
        return app_fail(app, rc);
    }
    if (c.arr)
        app_print_json(json_pack("{s:o}", "missions", c.arr));
    return 0;
}

int cmd_mission_show(struct app *app, int argc, char **argv)
{
    char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX], t3[CLOCK_ISO_MAX];
    struct store *s;
    struct mission_info m;
    struct buf counts = BUF_INIT;
    json_t *cj = NULL, *files, *v;
    const char *key;
    char signer[20];
    const char *id = NULL;
    const struct app_opt none[] = {{0}};
    int rc;

    if (app_parse("mission show", argc, argv, 2, none, &id, 1, NULL))
        return 1;
    if (!id) {
        fprintf(stderr, _("fieldcheck: mission show: needs one mission ID\n"));
        return 1;
    }
    s = app_store_read(app);
    if (!s)
        return app_fail(app, app->err.code);
    rc = mission_get(s, id, &m, &app->err);
    if (!rc)
        rc = mission_counts(s, m.mission_id, m.version, &counts, &app->err);
    if (rc) {
        buf_release(&counts);
        return app_fail(app, rc);
    }
    cj = json_loads(counts.ptr, 0, NULL);
    buf_release(&counts);
    files = cj ? json_object_get(cj, "files") : NULL;
    signer_of(s, &m, signer);
    if (app->json) {
        app_print_json(json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O?, s:s}",
                                 "mission_id", m.mission_id, "version", (json_int_t)m.version,
                                 "kind", m.kind, "title", m.title, "issued_at", m.issued_at,
                                 "expires_at", m.expires_at, "loaded_at", m.loaded_at, "file",
                                 m.file, "sha256", m.sha256, "files", files, "signed_by", signer));
        json_decref(cj);
        return 0;
    }
    printf(_("mission    %s\nversion    %lld\nkind       %s\ntitle      %s\nissued     %s\n"
             "expires    %s\nloaded     %s\nfile       %s\nsha256     %s\n"),
           m.mission_id, (long long)m.version, m.kind, m.title, clock_iso_local(m.issued_at, t1),
           clock_iso_local(m.expires_at, t2), clock_iso_local(m.loaded_at, t3), m.file, m.sha256);
    if (strcmp(signer, "unsigned"))
        printf(_("signed by  HQ %s\n"), signer);
    else
        printf(_("signed by  nobody: loaded from a folder (unsigned)\n"));
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
