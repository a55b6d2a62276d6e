/* One mission file: header, rows parsed and checked on this thread, inserted
 * here or (for the big files) on the insert thread (core/mission/rowpipe.h). */
#include "core/mission/loader.h"

#include "core/mission/csv.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"

#include "core/mission/xlsx.h"
#include "core/store/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The row's values go to the insert statement, or to the insert thread. */
static void out_null(struct loader *L, int i)
{
    if (L->pipe)
        rowpipe_null(L->pipe);
    else
        sqlite3_bind_null(L->ins, i);
}

static void out_int(struct loader *L, int i, int64_t v)
{
    if (L->pipe)
        rowpipe_int(L->pipe, v);
    else
        sqlite3_bind_int64(L->ins, i, (sqlite3_int64)v);
}

static void out_double(struct loader *L, int i, double v)
{
    if (L->pipe)
        rowpipe_double(L->pipe, v);
    else
        sqlite3_bind_double(L->ins, i, v);
}

static void out_text(struct loader *L, int i, const struct buf *b)
{
    if (L->pipe)
        rowpipe_text(L->pipe, b->ptr, b->len);
    else
        sqlite3_bind_text(L->ins, i, b->ptr, (int)b->len, SQLITE_STATIC);
}

/* A roster row whose site sorts before the previous row's: rows in no
 * particular order would land all over the bed index, so it is dropped here
 * and built after the insert with the others (refdb_index_sql). */
static int bed_order(struct loader *L, struct fc_error *err)
{
    const char *site = L->val[IP_SITE].ptr;
    int rc;

    if (strcmp(site, L->bed_site) >= 0) {
        snprintf(L->bed_site, sizeof(L->bed_site), "%s", site);
        return FC_OK;
    }
    L->bed_early = 0;
    rowpipe_lock(L->pipe);
    rc = loader_exec(L, "DROP INDEX inpatient_bed", err);
    rowpipe_unlock(L->pipe);
    return rc;
}

static int insert_row(struct loader *L, enum file_id f, uint64_t line, struct fc_error *err)
{
    const struct file_def *def = L->def;
    sqlite3_stmt *st = L->ins;
    int rc;

    if (f == F_INPATIENTS && L->bed_early) {
        rc = bed_order(L, err);
        if (rc)
            return rc;
    }

    for (int c = 0; c < def->ncols; c++) {
        enum col_type t = def->cols[c].type;
        int num = loader_type_is_number(t);

        if (L->null[c] && !(num && def->cols[c].dflt))
            out_null(L, c + 1);
        else if (t == CT_INT)
            out_int(L, c + 1, (int64_t)L->num[c]);
        else if (num)
            out_double(L, c + 1, L->num[c]);
        else
            out_text(L, c + 1, &L->val[c]);
    }
    out_int(L, def->ncols + 1, (int64_t)line);
    if (def->has_extra) {
        if (L->extra.len)
            out_text(L, def->ncols + 2, &L->extra);
        else
            out_null(L, def->ncols + 2);
    }
    if (f == F_INPATIENTS) {
        if (L->bed_spelling.len)
            out_text(L, def->ncols + 3, &L->bed_spelling);
        else
            out_null(L, def->ncols + 3);
    }
    if (L->pipe) {
        buf_reset(&L->bed_spelling);
        return rowpipe_end_row(L->pipe, err);
    }
    rc = sqlite3_step(st);
    buf_reset(&L->bed_spelling);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return FC_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        loader_reject(L, L->fname, line,
                      def->cols[f == F_WARDS   ? 1
                                : f == F_DRUGS ? 2
                                               : 0]
                          .en,
                      "%s", loader_duplicate_reason(f));
        return FC_OK;
    }
    return loader_db_fail(L, err, "cannot insert a row");
}

/* Files whose table has no key to collide on: an insert cannot be refused
 * for a row that passed validation, so it may run on the insert thread. */
static int pipelined(enum file_id f)
{
    return f == F_INPATIENTS || f == F_LEAVES || f == F_SETTLEMENTS;
}

/* A cell that did not parse: a required column, or a number (quantities and
 * prices make the amounts), rejects the row, naming the value; another
 * optional one (a date, a GTIN, a code...) is left empty and the row kept,
 * with a warning that names it. */
static int value_problem(struct loader *L, int c, const struct csv_record *rec, const char *why,
                         struct fc_error *err)
{
    const struct col_def *cd = &L->def->cols[c];
    int i = L->map[c];
    struct buf shown = BUF_INIT, en = BUF_INIT, local = BUF_INIT;
    int rc = FC_OK;

    if (i >= 0)
        loader_shown_value(L, c, rec->fields[i], rec->lens[i], &shown);
    /* why may be L->reason (with its own translation beside it) */
    buf_adds(&local,
             why == L->reason.ptr && L->reason_local.len ? L->reason_local.ptr : fc_tr(why));
    buf_adds(&en, why);
    if (!(cd->flags & REQ) && !cd->dflt && !loader_type_is_number(cd->type) && shown.len) {
        const char *site = L->def->site_col < c && !L->null[L->def->site_col]
                               ? L->val[L->def->site_col].ptr
                               : NULL;
        L->null[c] = 1;
        buf_reset(&L->val[c]);
        rc = loader_warn(L, "optional_value", L->fname, rec->line, site, err,
                         "column %s: value '%s' left empty: %s", loader_col_header(L, c), shown.ptr,
                         en.ptr);
        goto out;
    }
    buf_reset(&L->reason);
    buf_reset(&L->reason_local);
    buf_adds(&L->reason, en.ptr);
    buf_adds(&L->reason_local, local.ptr);
    buf_reset(&L->value);
    buf_add(&L->value, shown.ptr, shown.len);
    loader_reject(L, L->fname, rec->line, loader_col_header(L, c), "%s", L->reason.ptr);
    buf_reset(&L->value);
out:
    buf_release(&shown);
    buf_release(&en);
    buf_release(&local);
    return rc;
}

/* A workbook converted on a thread of its own into a pipe that the load
 * reads as it fills: the conversion (inflate, XML) and the load (parse,
 * insert) run side by side instead of one after the other; the thread then
 * takes the workbook's digest. */
struct convert_job {
    const char *path;
    int out_fd; /* the pipe's write end, closed by the thread */
    struct xlsx_rowmap *rows;
    unsigned char *digest;
    struct fc_error err;
    int rc;
};

static void *convert_main(void *arg)
{
    struct convert_job *j = arg;
    struct timespec none = {0, 0};
    sigset_t pipe_sig;

    /* a load that stops early closes the read end: the write then fails
     * with EPIPE instead of the signal ending the process; the signal left
     * pending is taken back before the thread ends */
    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
    fc_error_clear(&j->err);
    j->rc = xlsx_to_csv(j->path, j->out_fd, NULL, j->rows, &j->err);
    close(j->out_fd);
    /* the digest while the load reads what is still in the pipe */
    if (!j->rc)
        j->rc = hash_file(j->path, j->digest, NULL, &j->err);
    while (sigtimedwait(&pipe_sig, NULL, &none) == SIGPIPE)
        ;
    return NULL;
}

/* Ends a conversion started for the load: closes the pipe's read end (r,
 * freed and cleared), so that a conversion still writing stops, waits for
 * it, and returns rc, or the conversion's error in its place: what the
 * workbook holds explains a load that failed on what came through the pipe,
 * and a truncated pipe makes a load that seemed to succeed a failure. An
 * EPIPE only says that the load had stopped first. */
static int conversion_end(int *converting, pthread_t t, struct convert_job *job,
                          struct csv_reader **r, int rc, struct fc_error *err)
{
    if (!*converting)
        return rc;
    *converting = 0;
    csv_reader_free(*r);
    *r = NULL;
    pthread_join(t, NULL);
    if (job->rc && !(rc && job->err.sys == EPIPE)) {
        if (err)
            *err = job->err;
        rc = job->rc;
    }
    return rc;
}

int loader_load_file(struct loader *L, enum file_id f, struct fc_error *err)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct buf path = BUF_INIT;
    struct file_stat *fs = &L->stat[f];
    struct stat sb;
    struct xlsx_rowmap rows;
    uint64_t total = 0;
    int rc, xlsx = 0, converting = 0;
    struct convert_job job;
    pthread_t converter;
    pthread_mutex_t rows_lock = PTHREAD_MUTEX_INITIALIZER;

    xlsx_rowmap_init(&rows);
    memset(&job, 0, sizeof(job));

    L->def = &mission_files[f];
    loader_file_path(L->dir, f, &path, &xlsx);
    snprintf(L->fname_buf, sizeof(L->fname_buf), "%s", strrchr(path.ptr, '/') + 1);
    L->fname = L->fname_buf;
    snprintf(fs->name, sizeof(fs->name), "%s", L->fname);
    if (stat(path.ptr, &sb) == 0)
        total = (uint64_t)sb.st_size;
    L->file_size = total;
    if (xlsx) {
        /* the first sheet as CSV through a pipe, converted beside the load;
         * the digest recorded is the workbook's own */
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0) {
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", L->fname,
                                 strerror(errno));
            goto out;
        }
        if (L->sink && L->sink->progress)
            L->sink->progress(L->sink->ctx, L->fname, 0, total);
        rows.lock = &rows_lock;
        job.path = path.ptr;
        job.out_fd = p[1];
        job.rows = &rows;
        job.digest = L->file_digest[f];
        if (pthread_create(&converter, NULL, convert_main, &job) != 0) {
            close(p[0]);
            close(p[1]);
            rc = fc_error_set(err, FC_EIO, "cannot read '%s': no thread to convert it", L->fname);
            goto out;
        }
        converting = 1;
        rc = csv_reader_open_stream(&r, p[0], L->fname, NULL);
    } else {
        rc = csv_reader_open_digest(&r, path.ptr, NULL, L->file_digest[f], err);
    }
    if (rc)
        goto out;
    fs->encoding = xlsx ? "xlsx" : csv_reader_encoding(r);
    rc = csv_next(r, &rec, err);
    if (rc < 0)
        goto out;
    if (rc == 0) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' is empty: it needs a header line", L->fname);
        goto out;
    }
    if (rec.error) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: bad header line: %s", L->fname,
                          (unsigned long long)rec.line, rec.error);
        goto out;
    }
    rc = loader_read_header(L, &rec, err);
    if (rc)
        goto out;
    if (f == F_INPATIENTS && L->map[IP_BAND] < 0) {
        rc = loader_exec(L, refdb_band_index_sql, err);
        if (rc)
            goto out;
    }
    /* A roster grouped by site, as HQ exports it, adds each row at the bed
     * index's right edge (beds within a ward in any order: the ward's pages
     * stay in the cache), on the insert thread, which has time to spare
     * while this one parses: cheaper than a sort of the whole table
     * afterwards. bed_order drops it when the sites turn out unsorted. */
    if (f == F_INPATIENTS) {
        rc = loader_exec(L, refdb_bed_index_sql, err);
        if (rc)
            goto out;
        L->bed_early = 1;
        L->bed_site[0] = '\0';
    }
    rc = loader_load_lookups(L, err);
    if (rc)
        goto out;
    if (pipelined(f)) {
        rc = rowpipe_start(L->db, L->def->insert_sql, &L->pipe, err);
        if (!rc && f == F_INPATIENTS)
            rowpipe_on_row(L->pipe, loader_note_keys, L);
    } else if (sqlite3_prepare_v2(L->db, L->def->insert_sql, -1, &L->ins, NULL) != SQLITE_OK)
        rc = loader_db_fail(L, err, "cannot prepare an insert");
    if (rc)
        goto out;
    while ((rc = csv_next(r, &rec, err)) > 0) {
        if (xlsx) {
            /* a workbook's cells with line breaks: lines named by Excel's rows */
            rec.line = xlsx_rowmap_row(&rows, rec.line);
            rec.end_line = xlsx_rowmap_row(&rows, rec.end_line);
        }
        L->row_bad = 0;
        fs->rows++;
        /* a workbook's CSV has no size to measure against until it is done */
        if (!xlsx && (fs->rows & 0x3fff) == 0 && L->sink && L->sink->progress)
            L->sink->progress(L->sink->ctx, L->fname, csv_reader_offset(r), total);
        if (rec.note && !rec.error) {
            /* a GBK line in a UTF-8 file, re-read as GB18030 */
            rc = loader_warn(L, "encoding_line", L->fname, rec.line, NULL, err,
                             "line %llu is GB18030 (GBK) in a UTF-8 file: read as GB18030",
                             (unsigned long long)rec.line);
            if (rc)
                goto out;
        }
        if (rec.error) {
            /* the reader gives both texts: loader_reject takes the local one
             * from reason_local when the phrase is L->reason */
            buf_reset(&L->reason);
            buf_adds(&L->reason, rec.error);
            buf_reset(&L->reason_local);
            buf_adds(&L->reason_local, rec.error_local ? rec.error_local : rec.error);
            loader_reject(L, L->fname, rec.line, "", "%s", L->reason.ptr);
        } else if (rec.nfields != L->nhdr) {
            loader_reject(L, L->fname, rec.line, "", "row has %zu fields, the header has %zu",
                          rec.nfields, L->nhdr);
        } else {
            for (int c = 0; c < L->def->ncols; c++) {
                const char *why = NULL;
                int i = L->map[c];
                if (loader_parse_value(L, c, i >= 0 ? rec.fields[i] : "", i >= 0 ? rec.lens[i] : 0,
                                       &why)) {
                    rc = value_problem(L, c, &rec, why, err);
                    if (rc)
                        goto out;
                }
            }
            rc = loader_row_checks(L, f, rec.line, err);
            if (rc)
                goto out;
            if (!L->row_bad) {
                if (L->def->has_extra)
                    loader_build_extra(L, &rec);
                rc = insert_row(L, f, rec.line, err);
                if (rc)
                    goto out;
            }
        }
        if (L->row_bad) {
            fs->rejected++;
            L->rejects++;
        } else {
            fs->loaded++;
        }
    }
    /* the whole workbook came through, or its error is the load's */
    rc = conversion_end(&converting, converter, &job, &r, rc, err);
    if (rc < 0)
        goto out;
    rc = rowpipe_finish(L->pipe, err);
    L->pipe = NULL;
    loader_forget_keys(L); /* the flagged keys stay, for the checks */
    if (!rc)
        rc = loader_insert_new_sites(L, err);
    if (rc)
        goto out;
    if (L->sink && L->sink->progress)
        L->sink->progress(L->sink->ctx, L->fname, total, total);
    rc = FC_OK;
out:
    rc = conversion_end(&converting, converter, &job, &r, rc, err);
    if (L->pipe) {
        /* a failure here: stop the writer; the load fails with the first error */
        struct fc_error ignored;
        rowpipe_finish(L->pipe, rc ? &ignored : err);
        L->pipe = NULL;
    }
    if (rc)
        fc_error_prefix(err, "mission folder '%s'", L->dir);
    sqlite3_finalize(L->ins);
    L->ins = NULL;
    csv_reader_free(r);
    rows.lock = NULL;
    xlsx_rowmap_release(&rows);
    loader_free_header(L);
    buf_release(&path);
    return rc;
}
