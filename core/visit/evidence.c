/* Evidence register: registration is an event whose payload carries the
 * file's hash, size and mtime, so the register can be rebuilt and shipped in
 * bundles while the files themselves stay where the inspector put them.
 * Only reads the files (O_RDONLY through hash_file); never writes them. */
#include "core/visit/evidence.h"

#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/store/store.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void evidence_release(struct evidence *e)
{
    if (!e)
        return;
    free(e->path);
    free(e->note);
    memset(e, 0, sizeof(*e));
}

const char *evidence_status_name(enum evidence_status st)
{
    switch (st) {
    case EVIDENCE_OK: return "ok";
    case EVIDENCE_CHANGED: return "changed";
    case EVIDENCE_MISSING: return "missing";
    case EVIDENCE_UNREADABLE: return "unreadable";
    }
    return "unknown";
}

#define EVIDENCE_COLS "event_id, seq, visit, at, path, sha256, size, mtime, note"

/* Loads a row of EVIDENCE_COLS into *e (a struct evidence; NULL: nothing). */
static int evidence_row(sqlite3_stmt *st, void *out)
{
    struct evidence *e = out;

    if (!e)
        return FC_OK;
    memset(e, 0, sizeof(*e));
    snprintf(e->event_id, sizeof(e->event_id), "%s", store_col_text(st, 0));
    e->seq = sqlite3_column_int64(st, 1);
    snprintf(e->visit, sizeof(e->visit), "%s", store_col_text(st, 2));
    snprintf(e->at, sizeof(e->at), "%s", store_col_text(st, 3));
    e->path = xstrdup(store_col_text(st, 4));
    snprintf(e->sha256, sizeof(e->sha256), "%s", store_col_text(st, 5));
    e->size = (uint64_t)sqlite3_column_int64(st, 6);
    snprintf(e->mtime, sizeof(e->mtime), "%s", store_col_text(st, 7));
    e->note = xstrdup(store_col_text(st, 8));
    return FC_OK;
}

/* The live registration of (visit, path, sha256), if any: FC_ENOTFOUND if none. */
static int evidence_find(struct store *s, const char *visit_id, const char *path, const char *sha,
                         struct evidence *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT " EVIDENCE_COLS " FROM evidence WHERE visit = ?1 AND path = ?2"
                           " AND sha256 = ?3 AND event_id NOT IN (SELECT target FROM voided)"
                           " ORDER BY seq LIMIT 1",
                           &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, visit_id);
    store_bind_text(st, 2, path);
    store_bind_text(st, 3, sha);
    return store_one(s, st, evidence_row, out, "cannot read the evidence register", err);
}

int evidence_append(struct store *s, const char *visit_id, const char *path, const char *note,
                    int64_t at_ms, struct evidence *out, int *existed, struct fc_error *err)
{
    char abs[PATH_MAX];
    unsigned char bin[HASH_LEN];
    char sha[HASH_HEX_LEN + 1], mtime[CLOCK_ISO_MAX];
    uint64_t size = 0;
    struct stat sb;
    int fd = -1;
    json_t *obj = NULL;
    char *payload = NULL;
    struct event ev;
    int rc;

    if (existed)
        *existed = 0;
    if (out)
        memset(out, 0, sizeof(*out)); /* so a failed call can be released */
    if (!path || !*path)
        return fc_error_set(err, FC_EUSAGE, "no evidence file named");
    if (!realpath(path, abs))
        return fc_error_setsys(err, errno == ENOENT ? FC_ENOTFOUND : FC_EIO, errno,
                               "cannot register evidence '%s': %s", path, strerror(errno));
    /* abs has no links left: one appearing now is a swap, refused; a FIFO or
     * a device is refused before anything is read */
    rc = fs_open_input(abs, FS_INPUT_NOFOLLOW, 0, &fd, NULL, err);
    if (rc)
        return fc_error_prefix(err, "cannot register evidence");
    if (fstat(fd, &sb) != 0)
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot register evidence '%s': %s", path,
                             strerror(errno));
    else
        rc = hash_fd(fd, abs, bin, &size, err);
    close(fd);
    if (rc)
        return fc_error_prefix(err, "cannot register evidence");
    hash_to_hex(sha, bin, HASH_LEN);
    clock_format_utc((int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000, mtime);

    rc = evidence_find(s, visit_id, abs, sha, out, err);
    if (rc == FC_OK) {
        if (existed)
            *existed = 1;
        return FC_OK;
    }
    if (rc != FC_ENOTFOUND)
        return rc;
    obj = json_pack("{s:s, s:s, s:I, s:s, s:s}", "path", abs, "sha256", sha, "size",
                    (json_int_t)size, "mtime", mtime, "note", note ? note : "");
    if (!obj) {
        rc = fc_error_set(err, FC_EINPUT, "evidence path or note '%s' is not valid UTF-8", path);
        goto out;
    }
    payload = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    rc = event_append(s, visit_id, at_ms, "evidence_add", sha, payload, &ev, err);
    if (rc)
        goto out;
    if (out) {
        memset(out, 0, sizeof(*out));
        snprintf(out->event_id, sizeof(out->event_id), "%s", ev.id);
        out->seq = ev.seq;
        snprintf(out->visit, sizeof(out->visit), "%s", visit_id);
        snprintf(out->at, sizeof(out->at), "%s", ev.at);
        out->path = xstrdup(abs);
        snprintf(out->sha256, sizeof(out->sha256), "%s", sha);
        out->size = size;
        snprintf(out->mtime, sizeof(out->mtime), "%s", mtime);
        out->note = xstrdup(note ? note : "");
    }
out:
    free(payload);
    json_decref(obj);
    return rc;
}

int evidence_add(struct store *s, const char *visit_id, const char *path, const char *note,
                 int64_t at_ms, struct evidence *out, int *existed, struct fc_error *err)
{
    int rc = store_begin(s, err);

    if (rc)
        return rc;
    rc = evidence_append(s, visit_id, path, note, at_ms, out, existed, err);
    if (!rc)
        rc = store_commit(s, err);
    if (rc) {
        store_rollback(s);
        if (out)
            evidence_release(out);
    }
    return rc;
}

struct evidence_each {
    int (*cb)(const struct evidence *e, void *ctx);
    void *ctx;
};

static int evidence_each_row(sqlite3_stmt *st, void *vctx)
{
    const struct evidence_each *each = vctx;
    struct evidence e;
    int rc;

    evidence_row(st, &e);
    rc = each->cb(&e, each->ctx);
    evidence_release(&e);
    return rc;
}

int evidence_foreach(struct store *s, const char *visit_id,
                     int (*cb)(const struct evidence *e, void *ctx), void *ctx,
                     struct fc_error *err)
{
    struct evidence_each each = {cb, ctx};

    return store_each_sql(s,
                          "SELECT " EVIDENCE_COLS " FROM evidence WHERE visit = ?1"
                          " AND event_id NOT IN (SELECT target FROM voided) ORDER BY seq",
                          visit_id, evidence_each_row, &each, "cannot read the evidence register",
                          err);
}

struct verify_ctx {
    void (*cb)(const struct evidence *e, const struct evidence_check *c, void *ctx);
    void *ctx;
    int checked, bad;
};

static int verify_one(const struct evidence *e, void *vctx)
{
    struct verify_ctx *v = vctx;
    struct evidence_check c;
    unsigned char bin[HASH_LEN];
    struct fc_error ferr;
    int rc;

    memset(&c, 0, sizeof(c));
    fc_error_clear(&ferr);
    rc = hash_file(e->path, bin, &c.size, &ferr);
    if (rc == FC_ENOTFOUND) {
        c.status = EVIDENCE_MISSING;
    } else if (rc) {
        c.status = EVIDENCE_UNREADABLE;
    } else {
        hash_to_hex(c.sha256, bin, HASH_LEN);
        c.status =
            strcmp(c.sha256, e->sha256) || c.size != e->size ? EVIDENCE_CHANGED : EVIDENCE_OK;
    }
    v->checked++;
    if (c.status != EVIDENCE_OK)
        v->bad++;
    if (v->cb)
        v->cb(e, &c, v->ctx);
    return 0;
}

int evidence_verify(struct store *s, const char *visit_id,
                    void (*cb)(const struct evidence *e, const struct evidence_check *c, void *ctx),
                    void *ctx, int *checked, int *bad, struct fc_error *err)
{
    struct verify_ctx v;
    int rc;

    memset(&v, 0, sizeof(v));
    v.cb = cb;
    v.ctx = ctx;
    rc = evidence_foreach(s, visit_id, verify_one, &v, err);
    if (checked)
        *checked = v.checked;
    if (bad)
        *bad = v.bad;
    if (rc)
        return rc;
    if (v.bad)
        return fc_error_set(err, FC_EVERIFY, "%d of %d evidence files changed or missing", v.bad,
                            v.checked);
    return FC_OK;
}

int evidence_apply_add(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    sqlite3_stmt *st = NULL;
    const char *path, *sha, *mtime, *note;
    int rc;

    (void)ctx;
    path = json_string_value(json_object_get(p, "path"));
    sha = json_string_value(json_object_get(p, "sha256"));
    mtime = json_string_value(json_object_get(p, "mtime"));
    note = json_string_value(json_object_get(p, "note"));
    if (!p || !e->visit || !path || !sha || !json_is_integer(json_object_get(p, "size"))) {
        rc = fc_error_set(err, FC_EINTEGRITY, "event %lld: bad evidence_add payload",
                          (long long)e->seq);
        goto out;
    }
    rc = store_prepare(s,
                       "INSERT INTO evidence (" EVIDENCE_COLS ")"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       &st, err);
    if (rc)
        goto out;
    event_bind_row(st, e);
    store_bind_text(st, 5, path);
    store_bind_text(st, 6, sha);
    sqlite3_bind_int64(st, 7, json_integer_value(json_object_get(p, "size")));
    store_bind_text(st, 8, mtime ? mtime : "");
    store_bind_text(st, 9, note ? note : "");
    rc = store_run(s, st, "cannot record evidence", err);
out:
    json_decref(p);
    return rc;
}
