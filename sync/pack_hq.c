/* hq pack: who a pack is for, and what goes into it. The folder is copied
 * into memory once (regular files only, never through a link), that copy is
 * validated with the same loader the device runs, and exactly the validated
 * bytes are signed: a file changed after the check cannot slip into the pack.
 * With --partial the rows the loader rejects are left out of the copy and the
 * copy is validated again, until nothing is rejected (a leave whose patient
 * was dropped is rejected in the next round, for instance). */
#include "sync/pack.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/hq/hqstore.h"
#include "core/mission/csv.h"
#include "core/mission/xlsx.h"
#include "core/store/store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PARTIAL_ROUNDS 8

/* ---- targets ---------------------------------------------------------------- */

struct collect {
    struct pack_target *v;
    size_t n;
};

static int collect_device(const struct hq_device *d, void *ctx)
{
    struct collect *c = ctx;

    if (d->revoked_at[0])
        return 0;
    c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
    snprintf(c->v[c->n].device_id, sizeof(c->v[c->n].device_id), "%s", d->id);
    memcpy(c->v[c->n].sign_pk, d->sign_pk, sizeof(d->sign_pk));
    memcpy(c->v[c->n].box_pk, d->box_pk, sizeof(d->box_pk));
    c->n++;
    return 0;
}

static int cmp_target(const void *a, const void *b)
{
    return strcmp(((const struct pack_target *)a)->device_id,
                  ((const struct pack_target *)b)->device_id);
}

int pack_targets(struct hqdb *hqdb, const char *const *ids, size_t n, int all,
                 struct pack_target **out, size_t *n_out, struct fc_error *err)
{
    struct collect c = {NULL, 0};
    size_t w = 0;
    int rc = FC_OK;

    *out = NULL;
    *n_out = 0;
    if (all) {
        rc = hqstore_device_foreach(hqdb, collect_device, &c, err);
        if (!rc && c.n == 0)
            rc = fc_error_set(err, FC_ENOTFOUND,
                              "no enrolled device to pack for: enroll one with 'hq enroll'");
    } else {
        for (size_t i = 0; i < n && !rc; i++) {
            struct hq_device d;
            unsigned char raw[8];

            rc = keys_device_id_parse(ids[i], raw, err);
            if (!rc)
                rc = hqstore_device_get(hqdb, ids[i], &d, err);
            if (!rc && d.revoked_at[0])
                rc = fc_error_set(err, FC_ESTATE, "device '%s' was revoked on %s: no pack for it",
                                  ids[i], d.revoked_at);
            if (!rc)
                collect_device(&d, &c);
        }
    }
    if (!rc && c.n > PACK_MAX_SLOTS)
        rc = fc_error_set(err, FC_ELIMIT, "a pack can be sealed to at most %d devices, not %zu",
                          PACK_MAX_SLOTS, c.n);
    if (rc) {
        free(c.v);
        return rc;
    }
    qsort(c.v, c.n, sizeof(*c.v), cmp_target);
    for (size_t i = 0; i < c.n; i++)
        if (!w || strcmp(c.v[w - 1].device_id, c.v[i].device_id))
            c.v[w++] = c.v[i];
    *out = c.v;
    *n_out = w;
    return FC_OK;
}

int pack_team_targets(struct hqdb *hqdb, const char *const *members, size_t n, const char *lead,
                      struct pack_target **out, size_t *n_out, struct fc_error *err)
{
    int rc = pack_targets(hqdb, members, n, 0, out, n_out, err);

    for (size_t i = 0; !rc && i < *n_out; i++)
        if (lead && !strcmp((*out)[i].device_id, lead))
            return FC_OK;
    if (!rc) {
        free(*out);
        *out = NULL;
        *n_out = 0;
        rc = fc_error_set(err, FC_EUSAGE, "the team lead '%s' must be one of the targets",
                          lead ? lead : "");
    }
    return rc;
}

/* ---- the folder in memory ----------------------------------------------------- */

static int copy_fd(int from, int to, const char *what, struct fc_error *err)
{
    char *block = xmalloc(1 << 16);
    int rc = FC_OK;

    for (;;) {
        ssize_t n = read(from, block, 1 << 16);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", what, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        rc = fs_write_all(to, block, (size_t)n, what, err);
        if (rc)
            break;
    }
    free(block);
    return rc;
}

/* Copies the known files of dir into a new memory folder. */
/* A mission file saved as a workbook (name.xlsx, no name.csv), as the
 * device's loader would take it: its first sheet goes into the copy as
 * name.csv, so the pack holds exactly the rows that were validated. FC_OK
 * when there is no workbook either. */
static int snapshot_xlsx(const char *dir, const char *name, struct memdir *d,
                         struct xlsx_rowmap *rows, unsigned char *found, struct fc_error *err)
{
    const char *dot = strrchr(name, '.');
    struct buf path = BUF_INIT, data = BUF_INIT;
    uint64_t size = 0;
    int in = -1, to = -1, rc;

    buf_addf(&path, "%s/%.*s.xlsx", dir, (int)(dot - name), name);
    rc = fs_open_input(path.ptr, FS_INPUT_NOFOLLOW, PACK_MAX_FILE, &in, &size, err);
    if (rc == FC_ENOTFOUND) {
        rc = FC_OK;
        goto out;
    }
    if (rc)
        goto out;
    buf_grow(&data, (size_t)size + 1);
    for (;;) {
        ssize_t got;
        buf_grow(&data, 65536);
        got = read(in, data.ptr + data.len, 65536);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", path.ptr,
                                 strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        data.len += (size_t)got;
        if (data.len > PACK_MAX_FILE) { /* grew since it was opened */
            rc = fc_error_set(err, FC_ELIMIT, "'%s' is larger than a pack may hold", path.ptr);
            goto out;
        }
    }
    rc = memdir_add(d, name, &to, err);
    if (!rc)
        rc = xlsx_to_csv_mem(data.ptr, data.len, to, NULL, rows, err);
    if (rc)
        fc_error_prefix(err, "'%s'", path.ptr);
    *found = 1;
out:
    if (in >= 0)
        close(in);
    buf_release(&path);
    buf_release(&data);
    return rc;
}

/* The folder's files into a memory folder; workbooks as CSV, noted in
 * xlsx[] with their row maps in rows[] (indexed like pack_file_names). */
static int snapshot(const char *dir, const char *scratch, struct memdir **out,
                    struct xlsx_rowmap *rows, unsigned char *xlsx, struct fc_error *err)
{
    struct memdir *d = NULL;
    struct buf path = BUF_INIT;
    int rc = memdir_new(&d, scratch, err);

    for (int i = 0; !rc && pack_file_names[i]; i++) {
        int in = -1, to = -1;

        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, pack_file_names[i]);
        rc = fs_open_input(path.ptr, FS_INPUT_NOFOLLOW, PACK_MAX_FILE, &in, NULL, err);
        if (rc == FC_ENOTFOUND && i > 0) {
            rc = snapshot_xlsx(dir, pack_file_names[i], d, &rows[i], &xlsx[i], err);
            continue;
        }
        if (rc == FC_ENOTFOUND)
            rc = fc_error_set(err, FC_EINPUT, "'%s' is not a mission folder: no mission.json", dir);
        if (rc)
            break;
        rc = memdir_add(d, pack_file_names[i], &to, err);
        if (!rc)
            rc = copy_fd(in, to, path.ptr, err);
        close(in);
    }
    if (!rc)
        rc = memdir_seal(d, err);
    buf_release(&path);
    if (rc) {
        memdir_free(d);
        d = NULL;
    }
    *out = d;
    return rc;
}

/* ---- validation ---------------------------------------------------------------- */

/* Lines of the current copy back to the folder's lines, for files already
 * filtered: record i of the copy starts on line newl[i], which was orig[i]. */
struct linemap {
    uint64_t *newl, *orig;
    size_t n;
};

struct rejects {
    uint64_t *lines;
    size_t n;
};

struct round {
    const struct pack_make_args *a;
    int first; /* warnings are reported from the first round only */
    struct linemap maps[PACK_MAX_FILES];
    struct rejects rej[PACK_MAX_FILES];
    uint64_t total;
    int bad_line; /* a reject that is not a row (line 0 or the header) */
    /* files HQ saved as workbooks: reported by the workbook's name and rows */
    unsigned char xlsx[PACK_MAX_FILES];
    struct xlsx_rowmap rows[PACK_MAX_FILES];
    char shown[PACK_MAX_FILES][40];
};

/* The name and line a reject or warning of the copy's file f has in the
 * mission folder: name.xlsx and the sheet's row for a workbook. */
static const char *folder_name(struct round *r, int f, const char *name)
{
    const char *dot;

    if (f < 0 || !r->xlsx[f])
        return name;
    dot = strrchr(name, '.');
    snprintf(r->shown[f], sizeof(r->shown[f]), "%.*s.xlsx", (int)(dot - name), name);
    return r->shown[f];
}

static int file_index(const char *name)
{
    for (int i = 0; pack_file_names[i]; i++)
        if (!strcmp(pack_file_names[i], name))
            return i;
    return -1;
}

static uint64_t map_line(const struct linemap *m, uint64_t line)
{
    size_t lo = 0, hi = m->n;

    if (!m->n)
        return line;
    while (lo < hi) { /* the last record starting at or before line */
        size_t mid = (lo + hi) / 2;
        if (m->newl[mid] <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? m->orig[lo - 1] + (line - m->newl[lo - 1]) : line;
}

static void on_rejected(void *ctx, const struct mission_reject *rj)
{
    struct round *r = ctx;
    const struct mission_load_sink *user = r->a->sink;
    struct mission_reject fwd = *rj;
    int f = file_index(rj->file);

    if (f < 0 || rj->line <= 1) {
        r->bad_line = 1;
    } else {
        struct rejects *j = &r->rej[f];
        j->lines = xreallocarray(j->lines, j->n + 1, sizeof(*j->lines));
        j->lines[j->n++] = rj->line;
        fwd.line = map_line(&r->maps[f], rj->line); /* the folder's line */
        if (r->xlsx[f])
            fwd.line = xlsx_rowmap_row(&r->rows[f], fwd.line);
    }
    fwd.file = folder_name(r, f, rj->file);
    r->total++;
    if (user && user->rejected)
        user->rejected(user->ctx, &fwd);
    else if (user && user->reject)
        user->reject(user->ctx, fwd.file, fwd.line, fwd.column, fwd.reason, fwd.reason_local);
}

static void on_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                       const char *message, const char *message_local)
{
    struct round *r = ctx;
    int f = file ? file_index(file) : -1;

    if (f >= 0 && r->xlsx[f] && line > 1)
        line = xlsx_rowmap_row(&r->rows[f], line); /* first round: the copy's lines */
    if (r->first && r->a->sink && r->a->sink->warning)
        r->a->sink->warning(r->a->sink->ctx, kind, file ? folder_name(r, f, file) : file, line,
                            message, message_local);
}

/* The loader names the folder it reads, here the private copy: the
 * message names the mission folder HQ gave instead. */
static void replace_in(char *msg, size_t cap, const char *from, const char *to)
{
    char *at = strstr(msg, from);
    struct buf b = BUF_INIT;

    if (!at)
        return;
    buf_add(&b, msg, (size_t)(at - msg));
    buf_adds(&b, to);
    buf_adds(&b, at + strlen(from));
    snprintf(msg, cap, "%s", b.ptr);
    buf_release(&b);
}

static void name_folder(struct fc_error *err, const char *copy, const char *dir)
{
    replace_in(err->msg, sizeof(err->msg), copy, dir);
    replace_in(err->msg_local, sizeof(err->msg_local), copy, dir);
}

/* Runs the device's loader on the copy in a scratch database. FC_OK with
 * r->total == 0 when the copy loads cleanly. */
static int validate(struct memdir *copy, const char *scratch, struct round *r, struct fc_error *err)
{
    struct mission_load_sink sink = {r, NULL, on_warning, NULL, NULL, on_rejected, NULL};
    struct buf dir = BUF_INIT, db = BUF_INIT;
    struct store *s = NULL;
    int rc = fs_tmp_dir(scratch, "pack", &dir, err);

    if (rc)
        goto out;
    buf_addf(&db, "%s/fieldcheck.db", dir.ptr);
    rc = store_open(&s, db.ptr, err);
    if (!rc)
        rc = mission_load(s, memdir_path(copy), 0, &sink, NULL, NULL, err);
    if (rc == FC_EINPUT && r->total)
        rc = FC_OK; /* the rejects say it */
    if (rc)
        name_folder(err, memdir_path(copy), r->a->dir);
out:
    store_close(s);
    if (dir.len)
        fs_remove_tree(dir.ptr);
    buf_release(&dir);
    buf_release(&db);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Writes file f of copy without its rejected rows into to (a memory file),
 * as UTF-8 CSV with LF line ends; map becomes the new line map. */
static int filter_file(const struct memdir *copy, int f, const struct round *r, int to,
                       struct linemap *map, uint64_t *dropped, struct fc_error *err)
{
    const struct rejects *j = &r->rej[f];
    struct csv_reader *rd = NULL;
    struct csv_record rec;
    struct buf path = BUF_INIT, out = BUF_INIT;
    struct linemap nm = {NULL, NULL, 0};
    uint64_t line = 1;
    size_t k = 0;
    int rc, got;

    buf_addf(&path, "%s/%s", memdir_path(copy), pack_file_names[f]);
    rc = csv_reader_open(&rd, path.ptr, NULL, err);
    if (rc)
        goto out;
    while ((got = csv_next(rd, &rec, err)) > 0) {
        while (k < j->n && j->lines[k] < rec.line)
            k++;
        if (k < j->n && j->lines[k] == rec.line) {
            (*dropped)++;
            continue;
        }
        nm.newl = xreallocarray(nm.newl, nm.n + 1, sizeof(*nm.newl));
        nm.orig = xreallocarray(nm.orig, nm.n + 1, sizeof(*nm.orig));
        nm.newl[nm.n] = line;
        nm.orig[nm.n] = map_line(&r->maps[f], rec.line);
        nm.n++;
        for (size_t i = 0; i < rec.nfields; i++) {
            if (i)
                buf_addch(&out, ',');
            csv_put_field(&out, rec.fields[i], rec.lens[i]);
            for (size_t c = 0; c < rec.lens[i]; c++) /* line ends as the reader counts them */
                line += rec.fields[i][c] == '\n' ||
                        (rec.fields[i][c] == '\r' &&
                         (c + 1 == rec.lens[i] || rec.fields[i][c + 1] != '\n'));
        }
        buf_addch(&out, '\n');
        line++;
        if (out.len >= (1u << 20)) {
            rc = fs_write_all(to, out.ptr, out.len, pack_file_names[f], err);
            buf_reset(&out);
            if (rc)
                goto out;
        }
    }
    rc = got < 0 ? got : fs_write_all(to, out.ptr, out.len, pack_file_names[f], err);
out:
    csv_reader_free(rd);
    buf_release(&path);
    buf_release(&out);
    free(map->newl);
    free(map->orig);
    *map = nm;
    return rc;
}

/* The next copy: rejected rows left out, other files as they were. */
static int drop_rejected(struct memdir *copy, const char *scratch, struct round *r,
                         struct memdir **out, uint64_t *dropped, struct fc_error *err)
{
    struct memdir *d = NULL;
    int rc = memdir_new(&d, scratch, err);

    for (int f = 0; !rc && pack_file_names[f]; f++) {
        int from = memdir_fd(copy, pack_file_names[f]), to = -1;

        if (from < 0)
            continue;
        rc = memdir_add(d, pack_file_names[f], &to, err);
        if (rc)
            break;
        if (r->rej[f].n) {
            qsort(r->rej[f].lines, r->rej[f].n, sizeof(uint64_t), cmp_u64);
            rc = filter_file(copy, f, r, to, &r->maps[f], dropped, err);
        } else if (lseek(from, 0, SEEK_SET) != 0) {
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot rewind a memory file: %s",
                                 strerror(errno));
        } else {
            rc = copy_fd(from, to, pack_file_names[f], err);
        }
    }
    if (!rc)
        rc = memdir_seal(d, err);
    if (rc) {
        memdir_free(d);
        d = NULL;
    }
    *out = d;
    return rc;
}

/* The copy's mission.json: its id and version into m, and expires_at
 * checked against the clock. */
static int read_mission(const struct memdir *copy, const char *dir, struct pack_manifest *m,
                        struct fc_error *err)
{
    int fd = memdir_fd(copy, "mission.json");
    char text[65537];
    ssize_t n = fd >= 0 ? pread(fd, text, sizeof(text) - 1, 0) : -1;
    json_t *j = NULL;
    const char *exp;
    int64_t ms = 0;
    int rc = FC_OK;

    if (n >= 0) {
        text[n] = '\0';
        j = json_loadb(text, (size_t)n, 0, NULL);
    }
    snprintf(m->mission_id, sizeof(m->mission_id), "%s",
             json_string_value(json_object_get(j, "mission_id"))
                 ? json_string_value(json_object_get(j, "mission_id"))
                 : "");
    m->version = json_integer_value(json_object_get(j, "version"));
    exp = json_string_value(json_object_get(j, "expires_at"));
    if (exp)
        snprintf(m->expires_at, sizeof(m->expires_at), "%s", exp);
    if (!exp || clock_parse(exp, &ms))
        rc = fc_error_set(err, FC_EINPUT, "mission folder '%s': a pack needs expires_at", dir);
    else if (ms <= clock_now_ms())
        rc = fc_error_set(err, FC_ESTATE,
                          "mission folder '%s' expired at %s: no pack is made for it", dir, exp);
    json_decref(j);
    return rc;
}

int pack_make(const struct keys_hq *hq, const struct pack_make_args *a,
              struct pack_make_result *res, struct fc_error *err)
{
    struct memdir *copy = NULL, *next = NULL;
    struct round r;
    int rc, rounds = 0;

    memset(res, 0, sizeof(*res));
    memset(&r, 0, sizeof(r));
    r.a = a;
    r.first = 1;
    if (a->lead) { /* before the validation, which takes its time */
        size_t i = 0;
        while (i < a->n_to && strcmp(a->to[i].device_id, a->lead))
            i++;
        if (i == a->n_to)
            return fc_error_set(err, FC_EUSAGE, "the team lead '%s' must be one of the targets",
                                a->lead);
    }
    fs_sweep_stale(a->scratch);
    rc = snapshot(a->dir, a->scratch, &copy, r.rows, r.xlsx, err);
    if (rc) {
        fc_error_prefix(err, "mission folder '%s'", a->dir);
        goto out;
    }
    rc = read_mission(copy, a->dir, &res->m, err);
    while (!rc) {
        for (int f = 0; f < PACK_MAX_FILES; f++)
            r.rej[f].n = 0;
        r.total = 0;
        r.bad_line = 0;
        rc = validate(copy, a->scratch, &r, err);
        r.first = 0;
        if (rc || !r.total)
            break;
        if (!a->partial) {
            rc = fc_error_set(err, FC_EINPUT,
                              "mission folder '%s' has %llu rejected rows: no pack is made "
                              "(--partial leaves them out)",
                              a->dir, (unsigned long long)r.total);
            break;
        }
        if (r.bad_line || ++rounds > PARTIAL_ROUNDS) {
            rc = fc_error_set(err, FC_EINPUT,
                              "mission folder '%s': rejected rows that cannot be left out: no "
                              "pack is made",
                              a->dir);
            break;
        }
        rc = drop_rejected(copy, a->scratch, &r, &next, &res->dropped, err);
        memdir_free(copy);
        copy = next;
        next = NULL;
    }
    if (!rc)
        rc = pack_write(hq, copy, a->to, a->n_to, (int64_t)res->dropped, a->lead, a->out,
                        res->sha256, err);
    if (!rc) {
        res->m.n_to = a->n_to;
        res->m.dropped = (int64_t)res->dropped;
    }
out:
    memdir_free(copy);
    for (int f = 0; f < PACK_MAX_FILES; f++) {
        free(r.maps[f].newl);
        free(r.maps[f].orig);
        free(r.rej[f].lines);
        xlsx_rowmap_release(&r.rows[f]);
    }
    return rc;
}
