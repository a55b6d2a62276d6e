/* Mission folder loader (DESIGN §4). mission.json and the CSV files are read
 * row by row through tables of column definitions (one per file), validated,
 * and inserted with prepared statements into a new reference database built
 * with the journal off in one transaction; the big files' inserts run on a
 * second thread (core/rowpipe.h). Checks that need a whole file (duplicate
 * admissions, roster warnings) run as indexed queries after the bulk insert,
 * for just the keys that a few bytes a row of fingerprints (core/keyset.h)
 * flagged while parsing. The finished file is fsynced, renamed into place
 * and recorded with its SHA-256. */
#include "core/mission/loader.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int loader_exec(struct loader *L, const char *sql, struct fc_error *err)
{
    if (sqlite3_exec(L->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return loader_db_fail(L, err, "cannot build the reference database");
    return FC_OK;
}

static int prepare_lookups(struct loader *L, struct fc_error *err)
{
    if (sqlite3_prepare_v2(L->db,
                           "INSERT OR IGNORE INTO site (site_code, site_name, site_kind)"
                           " VALUES (?1, ?2, ?3)",
                           -1, &L->ins_site, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(L->db,
                           "INSERT INTO load_warning (kind, file, line, site_code, message)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &L->ins_warn, NULL) != SQLITE_OK)
        return loader_db_fail(L, err, "cannot prepare the loader");
    return FC_OK;
}

static int insert_manifest(struct loader *L, const struct manifest *m, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_OK;

    if (sqlite3_prepare_v2(L->db,
                           "INSERT INTO mission (mission_id, version, kind, title, issued_at,"
                           " expires_at, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &st, NULL) != SQLITE_OK)
        return loader_db_fail(L, err, "cannot prepare the mission row");
    mission_bind_info(st, &m->info);
    store_bind_text(st, 7, m->extra);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = loader_db_fail(L, err, "cannot insert the mission row");
    sqlite3_finalize(st);
    return rc;
}

static void loader_finalize(struct loader *L)
{
    sqlite3_finalize(L->ins_site);
    sqlite3_finalize(L->ins_warn);
    L->ins_site = L->ins_warn = NULL;
}

static void loader_release(struct loader *L)
{
    loader_finalize(L);
    for (int c = 0; c < MAX_COLS; c++)
        buf_release(&L->val[c]);
    buf_release(&L->extra);
    buf_release(&L->bed_spelling);
    buf_release(&L->reason);
    buf_release(&L->reason_local);
    buf_release(&L->value);
    free(L->admd);
    L->admd = NULL;
    L->nadmd = 0;
    buf_release(&L->ward_code);
    buf_release(&L->ward_name);
    buf_release(&L->lookup_key);
    loader_forget_keys(L);
    keylist_release(&L->maybe_adm);
    keylist_release(&L->maybe_bed);
    keylist_release(&L->maybe_id);
    loader_forget_lookups(L);
    if (L->db)
        sqlite3_close(L->db);
    L->db = NULL;
}

static int fsync_path(const char *path, struct fc_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot open '%s': %s", path, strerror(errno));
    rc = fs_fsync_fd(fd, path, err);
    close(fd);
    return rc;
}

struct fsync_job {
    const char *path;
    struct fc_error err;
    int rc;
};

static void *fsync_main(void *arg)
{
    struct fsync_job *j = arg;

    j->rc = fsync_path(j->path, &j->err);
    return NULL;
}

/* The file's SHA-256 while it goes to disk: the flush waits on the device,
 * the hash on the CPU, so they overlap (the hash reads the page cache). */
static int fsync_and_hash(const char *path, unsigned char h[HASH_LEN], struct fc_error *err)
{
    struct fsync_job job = {.path = path};
    pthread_t t;
    int rc, started = pthread_create(&t, NULL, fsync_main, &job) == 0;

    if (!started)
        job.rc = fsync_path(path, &job.err);
    rc = hash_file(path, h, NULL, err);
    if (started)
        pthread_join(t, NULL);
    if (!rc && job.rc) {
        if (err)
            *err = job.err;
        rc = job.rc;
    }
    return rc;
}

static void phase(const struct loader *L, const char *name)
{
    if (L->sink && L->sink->phase)
        L->sink->phase(L->sink->ctx, name);
}

/* Builds the reference database into tmp. Returns FC_OK with rejects counted
 * in L; the caller decides whether rejects fail the load. */
static int build(struct loader *L, const struct manifest *m, const char *tmp, struct fc_error *err)
{
    int rc;

    if (sqlite3_open_v2(tmp, &L->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return loader_db_fail(L, err, "cannot create the reference database");
    sqlite3_extended_result_codes(L->db, 1);
    /* a half-built file is deleted, never used: no journal, no syncs until
     * the explicit fsync before the rename. 16 KiB pages: a quarter of the
     * system calls for the bulk insert's spills and the index builds' reads,
     * and shallower trees for the scans' probes. */
    rc =
        loader_exec(L,
                    "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                    " PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384;"
                    " PRAGMA trusted_schema = OFF",
                    err);
    if (!rc)
        rc = loader_exec(L, refdb_schema_sql, err);
    if (!rc)
        rc = loader_exec(L, "BEGIN", err);
    if (!rc)
        rc = prepare_lookups(L, err);
    if (!rc)
        rc = insert_manifest(L, m, err);
    for (int f = 0; !rc && f < F_COUNT; f++)
        if (L->stat[f].present)
            rc = loader_load_file(L, (enum file_id)f, err);
    /* the index sorts on a helper thread each, with half the cache apiece:
     * the same memory as one sort, a quarter less wall time */
    if (!rc) {
        phase(L, "indexes");
        rc = loader_exec(L, "PRAGMA threads = 2; PRAGMA cache_size = -8192", err);
    }
    if (!rc)
        rc = loader_exec(L, refdb_index_sql, err);
    if (!rc)
        phase(L, "checks");
    if (!rc && L->stat[F_INPATIENTS].present)
        rc = loader_check_admissions(L, err);
    if (!rc && L->stat[F_LEAVES].present && L->stat[F_INPATIENTS].present)
        rc = loader_check_leaves(L, err);
    if (!rc && L->stat[F_INPATIENTS].present)
        rc = loader_roster_warnings(L, err);
    if (!rc && L->stat[F_INPATIENTS].present)
        rc = loader_check_adm_zeros(L, err);
    if (!rc && L->rejects && !L->partial)
        return FC_OK; /* the caller fails the load; no point building the rest */
    if (!rc) {
        phase(L, "codes");
        rc = loader_exec(L, loader_code_entry_fill_sql, err);
    }
    if (!rc)
        rc = loader_exec(L, refdb_code_index_sql, err);
    if (!rc) {
        phase(L, "totals");
        rc = loader_exec(L, refdb_aggregate_sql, err);
    }
    if (!rc) {
        char pragma[96]; /* the file says what it is (core/store/store.h) */
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d; PRAGMA application_id = %d",
                 REFDB_SCHEMA_VERSION, STORE_APP_ID_REFDB);
        rc = loader_exec(L, pragma, err);
    }
    if (!rc)
        rc = loader_exec(L, "COMMIT", err);
    return rc;
}

int mission_load(struct store *s, const char *dir, int partial,
                 const struct mission_load_sink *sink, struct mission_info *info,
                 enum mission_load_status *status, struct fc_error *err)
{
    struct loader L;
    struct manifest m;
    struct prior prior;
    struct buf mdir = BUF_INIT, tmp = BUF_INIT, final = BUF_INIT;
    char digest[HASH_HEX_LEN + 1], *source = NULL, *real_mdir = NULL;
    unsigned char h[HASH_LEN];
    int rc, tmp_made = 0, have_digest = 0, tmp_fd = -1;

    memset(&L, 0, sizeof(L));
    keylist_init(&L.maybe_adm);
    keylist_init(&L.maybe_bed);
    keylist_init(&L.maybe_id);
    keylist_init(&L.known_sites);
    keylist_init(&L.known_wards);
    keylist_init(&L.known_drugs);
    keylist_init(&L.new_sites);
    keylist_init(&L.unnamed_sites);
    keylist_init(&L.renamed_codes);
    keylist_init(&L.renamed_sites);
    keylist_init(&L.tag_sites);
    buf_init(&L.lookup_key);
    memset(&m, 0, sizeof(m));
    for (int c = 0; c < MAX_COLS; c++)
        buf_init(&L.val[c]);
    buf_init(&L.extra);
    buf_init(&L.bed_spelling);
    buf_init(&L.reason);
    buf_init(&L.reason_local);
    buf_init(&L.value);
    buf_init(&L.ward_code);
    buf_init(&L.ward_name);
    if (status)
        *status = MISSION_LOADED;
    rc = manifest_read(dir, &m, err);
    if (!rc)
        rc = manifest_check_files(dir, &m, err);
    if (!rc)
        rc = mission_prior_state(s, &m, &prior, err);
    if (rc)
        goto out;
    if (prior.same_version) {
        /* a reload: the folder must be read up front to tell "unchanged" from
         * "changed without a version bump"; a fresh load (the common, large
         * case) gets its digest from the reads that load it */
        rc = manifest_content_digest(dir, NULL, digest, err);
        if (rc)
            goto out;
        have_digest = 1;
        if (strcmp(digest, prior.content)) {
            rc = fc_error_set(err, FC_ESTATE,
                              "mission '%s' version %lld already loaded with other content: "
                              "bump the version",
                              m.info.mission_id, (long long)m.info.version);
            goto out;
        }
        if (fs_exists(prior.row.file)) {
            if (status)
                *status = MISSION_UNCHANGED;
            if (info)
                *info = prior.row;
            goto out;
        }
    }
    if (prior.max_version > m.info.version) {
        rc = fc_error_set(err, FC_ESTATE,
                          "mission '%s' version %lld is older than the loaded version %lld: "
                          "refused",
                          m.info.mission_id, (long long)m.info.version,
                          (long long)prior.max_version);
        goto out;
    }
    if (status && prior.max_version && prior.max_version < m.info.version)
        *status = MISSION_REPLACED;

    buf_addf(&mdir, "%s/missions", store_dir(s));
    rc = fs_mkdir_p(mdir.ptr, 0700, err);
    if (rc)
        goto out;
    real_mdir = realpath(mdir.ptr, NULL);
    buf_addf(&final, "%s/%s-v%lld.db", real_mdir ? real_mdir : mdir.ptr, m.info.mission_id,
             (long long)m.info.version);
    /* a random name, 0600 before any byte; a killed load's is swept at start */
    rc = fs_tmp_create(final.ptr, 0600, &tmp, &tmp_fd, err);
    if (rc)
        goto out;
    close(tmp_fd);
    tmp_made = 1;

    L.s = s;
    L.sink = sink;
    L.partial = partial;
    L.now_ms = clock_now_ms();
    {
        /* "YYYY-MM-DDTHH:MM:SS+hh:mm": the local date ident_age_at would use */
        char local[CLOCK_ISO_MAX];
        clock_format_local(L.now_ms, local);
        if (sscanf(local, "%4d-%2d-%2d", &L.today_y, &L.today_m, &L.today_d) != 3)
            BUG("clock_format_local gave '%s'", local);
    }
    L.dir = dir;
    for (int f = 0; f < F_COUNT; f++) {
        struct buf p = BUF_INIT;
        int xlsx;
        L.stat[f].present = loader_file_path(dir, (enum file_id)f, &p, &xlsx);
        buf_release(&p);
    }
    rc = build(&L, &m, tmp.ptr, err);
    if (sink && sink->file_done)
        for (int f = 0; f < F_COUNT; f++)
            if (L.stat[f].present && L.stat[f].encoding)
                sink->file_done(
                    sink->ctx, L.stat[f].name[0] ? L.stat[f].name : mission_files[f].file,
                    L.stat[f].encoding, L.stat[f].rows, L.stat[f].loaded, L.stat[f].rejected);
    if (!rc && L.rejects && !partial)
        rc = fc_error_set(err, FC_EINPUT,
                          "mission '%s' version %lld not loaded: rejected rows: %llu (nothing "
                          "changed; --partial skips them)",
                          m.info.mission_id, (long long)m.info.version,
                          (unsigned long long)L.rejects);
    if (!rc && !have_digest)
        rc = manifest_content_digest(dir, &L, digest, err);
    if (rc)
        goto out;
    phase(&L, "saving");
    loader_finalize(&L);
    if (sqlite3_close(L.db) != SQLITE_OK) {
        rc = loader_db_fail(&L, err, "cannot close the reference database");
        goto out;
    }
    L.db = NULL;
    /* personal data: owner only, whatever the umask */
    if (chmod(tmp.ptr, 0600) != 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot protect '%s': %s", tmp.ptr,
                             strerror(errno));
        goto out;
    }
    rc = fsync_and_hash(tmp.ptr, h, err);
    if (!rc)
        rc = fs_rename_durable(tmp.ptr, final.ptr, err);
    if (rc)
        goto out;
    tmp_made = 0;
    snprintf(m.info.file, sizeof(m.info.file), "%s", final.ptr);
    hash_to_hex(m.info.sha256, h, sizeof(h));
    {
        char at[CLOCK_ISO_MAX];
        clock_format_utc(clock_now_ms(), at);
        snprintf(m.info.loaded_at, sizeof(m.info.loaded_at), "%s", at);
    }
    source = realpath(dir, NULL);
    rc = mission_record(s, &m, &L, digest, source ? source : dir, err);
    if (!rc && info)
        *info = m.info;
out:
    loader_release(&L);
    if (tmp_made)
        unlink(tmp.ptr);
    free(m.extra);
    free(source);
    free(real_mdir);
    buf_release(&mdir);
    buf_release(&tmp);
    buf_release(&final);
    return rc;
}
