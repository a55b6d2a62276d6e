/* Queries over loaded missions: list, get, counts, find a site, attach the
 * reference file read-only, verify the files' SHA-256. */
#include "core/mission/loader.h"

#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct info_each {
    int (*cb)(const struct mission_info *m, void *ctx);
    void *ctx;
};

static int info_each_row(sqlite3_stmt *st, void *vctx)
{
    const struct info_each *each = vctx;
    struct mission_info m;

    mission_info_row(st, &m);
    return each->cb(&m, each->ctx);
}

int mission_foreach(struct store *s, int (*cb)(const struct mission_info *m, void *ctx), void *ctx,
                    struct fc_error *err)
{
    struct info_each each = {cb, ctx};

    return store_each_sql(s,
                          "SELECT " INFO_COLS " FROM mission m WHERE version ="
                          " (SELECT max(version) FROM mission WHERE mission_id = m.mission_id)"
                          " ORDER BY loaded_at, mission_id",
                          NULL, info_each_row, &each, "cannot list missions", err);
}

/* The mission's row of this version, or of its latest when version <= 0. */
static int get_version(struct store *s, const char *mission_id, int64_t version,
                       struct mission_info *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT " INFO_COLS " FROM mission WHERE mission_id = ?1"
                           " AND (?2 <= 0 OR version = ?2) ORDER BY version DESC LIMIT 1",
                           &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, mission_id);
    sqlite3_bind_int64(st, 2, version);
    rc = store_one(s, st, mission_info_row, out, "cannot read missions", err);
    if (rc == FC_ENOTFOUND && version > 0)
        rc = fc_error_set(err, FC_ENOTFOUND, "no mission '%s' version %lld loaded", mission_id,
                          (long long)version);
    else if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "no mission '%s' loaded", mission_id);
    return rc;
}

int mission_get(struct store *s, const char *mission_id, struct mission_info *out,
                struct fc_error *err)
{
    return get_version(s, mission_id, 0, out, err);
}

int mission_counts(struct store *s, const char *mission_id, int64_t version, struct buf *out,
                   struct fc_error *err)
{
    struct mission_info m;
    sqlite3_stmt *st = NULL;
    int rc;

    rc = get_version(s, mission_id, version, &m, err);
    if (rc)
        return rc;
    rc = store_prepare(s, "SELECT counts FROM mission WHERE mission_id = ?1 AND version = ?2", &st,
                       err);
    if (rc)
        return rc;
    store_bind_text(st, 1, m.mission_id);
    sqlite3_bind_int64(st, 2, m.version);
    rc = store_one_buf(s, st, out, "cannot read missions", err);
    return rc == FC_ENOTFOUND ? store_fail(s, err, "cannot read missions") : rc;
}

/* "file:" URI of a path, read-only; SQLite wants %-escapes for ?, # and %. */
static void ro_uri(struct buf *out, const char *path)
{
    buf_adds(out, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-_.~", *p))
            buf_addch(out, (char)*p);
        else
            buf_addf(out, "%%%02X", *p);
    }
    /* immutable: the file never changes once renamed into place (a new
     * version is a new file), so SQLite may skip the file locks and the
     * hot-journal check it would make for every statement: several system
     * calls per scan otherwise */
    buf_adds(out, "?mode=ro&immutable=1");
}

static int attach_ref(struct store *s, const char *path, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    struct buf uri = BUF_INIT;
    int rc;

    ro_uri(&uri, path);
    rc = store_prepare(s, "ATTACH DATABASE ?1 AS ref", &st, err);
    if (!rc) {
        store_bind_text(st, 1, uri.ptr);
        rc = store_run(s, st, "cannot attach the mission file", err);
    }
    buf_release(&uri);
    /* The file is immutable and every scan probes it at random: map it
     * instead of reading pages through the small default cache (the tail of
     * the scan latency is page reads). */
    if (!rc)
        rc = store_exec(s, "PRAGMA ref.mmap_size = 4294967296", err);
    return rc;
}

/* Whether "ref" is attached (to path, when path is not NULL). */
static int ref_attached(struct store *s, const char *path)
{
    sqlite3_stmt *st = NULL;
    int found = 0;

    if (store_prepare(s, "SELECT file FROM pragma_database_list WHERE name = 'ref'", &st, NULL))
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        found = !path || !strcmp(store_col_text(st, 0), path);
    sqlite3_finalize(st);
    return found;
}

/* The rows of a query, loaded into a growing array. */
struct info_list {
    struct mission_info *ms;
    size_t n, cap;
};

static int info_list_row(sqlite3_stmt *st, void *ctx)
{
    struct info_list *l = ctx;

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->ms = xreallocarray(l->ms, l->cap, sizeof(*l->ms));
    }
    return mission_info_row(st, &l->ms[l->n++]);
}

int mission_find_site(struct store *s, const char *site_code, struct mission_info *out,
                      struct buf *site_name, struct buf *site_kind, struct fc_error *err)
{
    sqlite3_stmt *q = NULL;
    struct info_list l = {NULL, 0, 0};
    int rc, r, found = 0;

    /* Read the candidates first: DETACH fails while a statement is still
     * stepping, so no cursor may stay open across the probes. */
    rc = store_each_sql(s,
                        "SELECT " INFO_COLS " FROM mission m WHERE version ="
                        " (SELECT max(version) FROM mission WHERE mission_id = m.mission_id)"
                        " ORDER BY loaded_at DESC, mission_id",
                        NULL, info_list_row, &l, "cannot read missions", err);
    if (rc)
        goto out;
    /* Each candidate file is probed through its own read-only connection:
     * ATTACH/DETACH on the device connection fails while any of its
     * statements is active (the TUI keeps some open). */
    for (size_t i = 0; i < l.n && !found; i++) {
        sqlite3 *probe = NULL;

        if (!fs_exists(l.ms[i].file))
            continue;
        if (sqlite3_open_v2(l.ms[i].file, &probe, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(probe, "SELECT site_name, site_kind FROM site WHERE site_code = ?1",
                               -1, &q, NULL) != SQLITE_OK) {
            rc = fc_error_set(err, FC_EDB, "cannot read mission file '%s': %s", l.ms[i].file,
                              probe ? sqlite3_errmsg(probe) : "out of memory");
            sqlite3_close(probe);
            goto out;
        }
        store_bind_text(q, 1, site_code);
        r = sqlite3_step(q);
        if (r == SQLITE_ROW) {
            found = 1;
            if (out)
                *out = l.ms[i];
            if (site_name)
                buf_adds(site_name, store_col_text(q, 0));
            if (site_kind)
                buf_adds(site_kind, store_col_text(q, 1));
        } else if (r != SQLITE_DONE) {
            rc = fc_error_set(err, FC_EDB, "cannot read sites of '%s': %s", l.ms[i].file,
                              sqlite3_errmsg(probe));
        }
        sqlite3_finalize(q);
        q = NULL;
        sqlite3_close(probe);
        if (rc)
            goto out;
    }
    if (!found)
        rc = fc_error_set(err, FC_ENOTFOUND, "no loaded mission lists site '%s'", site_code);
out:
    sqlite3_finalize(q);
    free(l.ms);
    return rc;
}

int mission_attach_file(struct store *s, const char *path, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t layout = 0;
    int rc;

    if (ref_attached(s, NULL)) {
        rc = store_exec(s, "DETACH DATABASE ref", err);
        if (rc)
            return rc;
    }
    rc = attach_ref(s, path, err);
    if (rc)
        return rc;
    rc = store_prepare(s, "PRAGMA ref.user_version", &st, err);
    if (!rc)
        rc = store_one_int64(s, st, &layout, "cannot read the mission file", err);
    if (!rc && layout != REFDB_SCHEMA_VERSION)
        rc = fc_error_set(err, FC_ESTATE,
                          "mission file '%s' has layout %d, this program reads %d: reload it", path,
                          (int)layout, REFDB_SCHEMA_VERSION);
    if (rc)
        store_exec(s, "DETACH DATABASE ref", NULL);
    return rc;
}

int mission_attach(struct store *s, const char *mission_id, int64_t version, struct fc_error *err)
{
    struct mission_info m;
    int rc;

    rc = get_version(s, mission_id, version, &m, err);
    if (rc)
        return rc;
    if (ref_attached(s, m.file))
        return FC_OK;
    if (!fs_exists(m.file))
        return fc_error_set(err, FC_EINTEGRITY,
                            "mission file '%s' is missing (reload mission '%s')", m.file,
                            mission_id);
    return mission_attach_file(s, m.file, err);
}

static int verify_row(sqlite3_stmt *st, void *err)
{
    unsigned char h[HASH_LEN];
    char hex[HASH_HEX_LEN + 1];
    const char *file = store_col_text(st, 2);
    struct fc_error e;

    if (hash_file(file, h, NULL, &e))
        return fc_error_set(err, FC_EINTEGRITY, "mission '%s' version %lld: %s",
                            store_col_text(st, 0), (long long)sqlite3_column_int64(st, 1), e.msg);
    hash_to_hex(hex, h, sizeof(h));
    if (strcmp(hex, store_col_text(st, 3)))
        return fc_error_set(err, FC_EINTEGRITY,
                            "mission file '%s' (mission '%s' version %lld) no longer matches "
                            "its recorded SHA-256",
                            file, store_col_text(st, 0), (long long)sqlite3_column_int64(st, 1));
    return FC_OK;
}

int mission_verify(struct store *s, struct fc_error *err)
{
    return store_each_sql(s,
                          "SELECT mission_id, version, file, sha256 FROM mission"
                          " ORDER BY mission_id, version",
                          NULL, verify_row, err, "cannot read missions", err);
}
