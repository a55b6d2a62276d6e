/* Whole-file checks after the bulk insert: duplicate admissions, leaves of
 * unknown patients, and the roster warnings (one ID at two sites, two
 * patients on one bed), each through an index for just the flagged keys. */
#include "core/mission/loader.h"

#include "core/base/mask.h"
#include "core/base/xalloc.h"
#include "core/store/store.h"

#include <stdlib.h>
#include <string.h>

/* ---- whole-file checks after the bulk insert ------------------------------ */

static int step_all(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- whole-roster checks --------------------------------------------------
 * Parsing flagged the keys that may repeat (loader_note_keys); each check reads the
 * rows of just those keys through an index, in key order. Within a key the
 * index keeps rowid order, which is line order (rows go in in file order),
 * so the first row of a key is the one the file lists first. Only the rows a
 * check flags are read from the table. Walking the three indexes whole took
 * half a second per million rows; the keys of a clean roster take nothing. */

/* A flagged row and the first row of its key, by rowid: 16 bytes each
 * however many rows a hostile file repeats. Rowid order is line order. */
struct repeat {
    int64_t rowid, first;
};

enum repeat_rule {
    REPEAT_ANY,  /* every row after the first of its key (all key columns) */
    REPEAT_OTHER /* rows whose second column differs from the first row of their first column */
};

struct repeats {
    struct repeat *v;
    size_t n, cap;
};

static void repeats_release(struct repeats *r)
{
    free(r->v);
    memset(r, 0, sizeof(*r));
}

static int same_col(sqlite3_stmt *st, int c, const struct buf *prev)
{
    const void *p = sqlite3_column_blob(st, c);
    size_t n = (size_t)sqlite3_column_bytes(st, c);

    return n == prev->len && (!n || !memcmp(p, prev->ptr, n));
}

/* Steps st, which returns nkey (2 or 3) key columns and then the rowid, in
 * that order, and appends the rows the rule flags. */
static int find_repeats(struct loader *L, sqlite3_stmt *st, int nkey, enum repeat_rule rule,
                        struct repeats *out, struct fc_error *err)
{
    struct buf prev[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    int64_t first = 0;
    int have = 0, s, rc = FC_OK;
    int ngroup = rule == REPEAT_ANY ? nkey : 1;

    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int same = have;
        for (int c = 0; same && c < ngroup; c++)
            same = same_col(st, c, &prev[c]);
        if (!same) {
            for (int c = 0; c < nkey; c++) {
                buf_reset(&prev[c]);
                buf_add(&prev[c], sqlite3_column_blob(st, c), (size_t)sqlite3_column_bytes(st, c));
            }
            first = sqlite3_column_int64(st, nkey);
            have = 1;
            continue;
        }
        if (rule == REPEAT_OTHER && same_col(st, 1, &prev[1]))
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
        }
        out->v[out->n].rowid = sqlite3_column_int64(st, nkey);
        out->v[out->n++].first = first;
    }
    if (s != SQLITE_DONE)
        rc = loader_db_fail(L, err, "cannot check the roster");
    sqlite3_reset(st);
    for (int c = 0; c < 3; c++)
        buf_release(&prev[c]);
    return rc;
}

static int by_rowid(const void *a, const void *b)
{
    const struct repeat *x = a, *y = b;
    return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

/* Runs sql_key (parameters: the parts of a key) for every key of maybe, or
 * sql_all (the whole index in key order) once when the roster outgrew the
 * fingerprints, and collects what find_repeats flags, in rowid order. */
static int check_keys(struct loader *L, const struct keylist *maybe, const char *sql_all,
                      const char *sql_key, int nkey, enum repeat_rule rule, struct repeats *out,
                      struct fc_error *err)
{
    const char *sql = L->keys_overflow ? sql_all : sql_key;
    sqlite3_stmt *st = NULL;
    int rc = FC_OK;

    if (!maybe->n && !L->keys_overflow)
        return FC_OK;
    if (sqlite3_prepare_v2(L->db, sql, -1, &st, NULL) != SQLITE_OK)
        return loader_db_fail(L, err, "cannot check the roster");
    if (L->keys_overflow)
        rc = find_repeats(L, st, nkey, rule, out, err);
    else
        for (size_t i = 0; i < maybe->n && !rc; i++) {
            const char *part = maybe->key[i];
            for (int p = 1; part; p++) {
                const char *us = strchr(part, 0x1f);
                sqlite3_bind_text(st, p, part, us ? (int)(us - part) : -1, SQLITE_STATIC);
                part = us ? us + 1 : NULL;
            }
            rc = find_repeats(L, st, nkey, rule, out, err);
        }
    sqlite3_finalize(st);
    if (!rc && out->n)
        qsort(out->v, out->n, sizeof(out->v[0]), by_rowid);
    return rc;
}

/* What the messages name of a flagged row (row) and of its key's first row
 * (first): columns line, site_code, admission_no, id_number, ward_code,
 * bed, read when the message is made. */
struct repeat_rows {
    sqlite3_stmt *row, *first;
};

static int repeat_rows_open(struct loader *L, struct repeat_rows *q, struct fc_error *err)
{
    static const char sql[] = "SELECT line, site_code, admission_no, id_number, ward_code, bed"
                              " FROM inpatient WHERE rowid = ?1";

    memset(q, 0, sizeof(*q));
    if (sqlite3_prepare_v2(L->db, sql, -1, &q->row, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(L->db, sql, -1, &q->first, NULL) != SQLITE_OK)
        return loader_db_fail(L, err, "cannot check the roster");
    return FC_OK;
}

static int repeat_rows_read(struct loader *L, struct repeat_rows *q, const struct repeat *p,
                            struct fc_error *err)
{
    sqlite3_reset(q->row);
    sqlite3_reset(q->first);
    sqlite3_bind_int64(q->row, 1, p->rowid);
    sqlite3_bind_int64(q->first, 1, p->first);
    if (sqlite3_step(q->row) != SQLITE_ROW || sqlite3_step(q->first) != SQLITE_ROW)
        return loader_db_fail(L, err, "cannot check the roster");
    return FC_OK;
}

static void repeat_rows_close(struct repeat_rows *q)
{
    sqlite3_finalize(q->row);
    sqlite3_finalize(q->first);
}

/* Admission numbers must be unique per site: the first row wins, later ones
 * are rejected (and dropped with --partial). */
int loader_check_admissions(struct loader *L, struct fc_error *err)
{
    struct repeats r = {0};
    struct repeat_rows q = {0};
    sqlite3_stmt *del = NULL;
    int rc;

    rc = check_keys(L, &L->maybe_adm,
                    "SELECT admission_no, site_code, rowid FROM inpatient INDEXED BY inpatient_adm"
                    " ORDER BY admission_no, site_code, rowid",
                    "SELECT admission_no, site_code, rowid FROM inpatient INDEXED BY inpatient_adm"
                    " WHERE admission_no = ?1 AND site_code = ?2 ORDER BY rowid",
                    2, REPEAT_ANY, &r, err);
    if (!rc && r.n) {
        rc = repeat_rows_open(L, &q, err);
        if (!rc && sqlite3_prepare_v2(L->db, "DELETE FROM inpatient WHERE rowid = ?1", -1, &del,
                                      NULL) != SQLITE_OK)
            rc = loader_db_fail(L, err, "cannot check admissions");
    }
    for (size_t i = 0; !rc && i < r.n; i++) {
        rc = repeat_rows_read(L, &q, &r.v[i], err);
        if (rc)
            break;
        L->row_bad = 0;
        loader_reject(L, loader_file_name(L, F_INPATIENTS),
                      (uint64_t)sqlite3_column_int64(q.row, 0), "admission_no",
                      "admission_no '%s' of site '%s' already on line %lld",
                      store_col_text(q.row, 2), store_col_text(q.row, 1),
                      (long long)sqlite3_column_int64(q.first, 0));
        L->stat[F_INPATIENTS].loaded--;
        L->stat[F_INPATIENTS].rejected++;
        L->rejects++;
    }
    /* deleted after the messages: a row read above must still be there */
    repeat_rows_close(&q);
    for (size_t i = 0; !rc && i < r.n; i++) {
        sqlite3_bind_int64(del, 1, r.v[i].rowid);
        if (step_all(del))
            rc = loader_db_fail(L, err, "cannot drop a duplicate admission");
    }
    sqlite3_finalize(del);
    repeats_release(&r);
    return rc;
}

int loader_check_leaves(struct loader *L, struct fc_error *err)
{
    static const char q[] = "SELECT rowid, line, site_code, admission_no FROM leave l"
                            " WHERE NOT EXISTS (SELECT 1 FROM inpatient i WHERE"
                            " i.site_code = l.site_code AND i.admission_no = l.admission_no)"
                            " ORDER BY line";
    sqlite3_stmt *st = NULL, *del = NULL;
    int rc = FC_OK, s;

    if (sqlite3_prepare_v2(L->db, q, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(L->db, "DELETE FROM leave WHERE rowid = ?1", -1, &del, NULL) !=
            SQLITE_OK) {
        rc = loader_db_fail(L, err, "cannot check leaves");
        goto out;
    }
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        loader_reject(L, loader_file_name(L, F_LEAVES), (uint64_t)sqlite3_column_int64(st, 1),
                      "admission_no", "admission_no '%s' of site '%s' is not in inpatients.csv",
                      store_col_text(st, 3), store_col_text(st, 2));
        L->stat[F_LEAVES].loaded--;
        L->stat[F_LEAVES].rejected++;
        L->rejects++;
        sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
        if (step_all(del)) {
            rc = loader_db_fail(L, err, "cannot drop a leave");
            goto out;
        }
    }
    if (s != SQLITE_DONE)
        rc = loader_db_fail(L, err, "cannot check leaves");
out:
    sqlite3_finalize(st);
    sqlite3_finalize(del);
    return rc;
}

/* One roster warning: the message of a flagged row (q->row) and of its
 * key's first row (q->first). */
typedef int (*roster_warn_fn)(struct loader *L, const struct repeat_rows *q, struct fc_error *err);

static int warn_id_two_sites(struct loader *L, const struct repeat_rows *q, struct fc_error *err)
{
    struct buf mid = BUF_INIT;
    int rc;

    mask_id(&mid, store_col_text(q->row, 3));
    rc = loader_warn(L, "id_two_sites", loader_file_name(L, F_INPATIENTS),
                     (uint64_t)sqlite3_column_int64(q->row, 0), store_col_text(q->row, 1), err,
                     "ID %s admitted at %s (admission %s) and at %s", mid.ptr,
                     store_col_text(q->row, 1), store_col_text(q->row, 2),
                     store_col_text(q->first, 1));
    buf_release(&mid);
    return rc;
}

static int warn_bed_two_patients(struct loader *L, const struct repeat_rows *q,
                                 struct fc_error *err)
{
    return loader_warn(L, "bed_two_patients", loader_file_name(L, F_INPATIENTS),
                       (uint64_t)sqlite3_column_int64(q->row, 0), store_col_text(q->row, 1), err,
                       "bed %s:%s of site %s lists admission %s and the patient on line %lld",
                       store_col_text(q->row, 4), store_col_text(q->row, 5),
                       store_col_text(q->row, 1), store_col_text(q->row, 2),
                       (long long)sqlite3_column_int64(q->first, 0));
}

/* check_keys, then warn about every row it flags, in line order. */
static int roster_warn(struct loader *L, struct repeat_rows *q, const struct keylist *maybe,
                       const char *sql_all, const char *sql_key, int nkey, enum repeat_rule rule,
                       roster_warn_fn warn, struct fc_error *err)
{
    struct repeats r = {0};
    int rc = check_keys(L, maybe, sql_all, sql_key, nkey, rule, &r, err);

    for (size_t i = 0; !rc && i < r.n; i++) {
        rc = repeat_rows_read(L, q, &r.v[i], err);
        if (!rc)
            rc = warn(L, q, err);
    }
    repeats_release(&r);
    return rc;
}

int loader_roster_warnings(struct loader *L, struct fc_error *err)
{
    struct repeat_rows q = {0};
    int rc;

    rc = repeat_rows_open(L, &q, err);
    /* an ID at two sites: every row at a site other than the ID's first
     * (lowest) site code */
    if (!rc)
        rc = roster_warn(L, &q, &L->maybe_id,
                         "SELECT id_number, site_code, rowid FROM inpatient INDEXED BY inpatient_id"
                         " ORDER BY id_number, site_code, rowid",
                         "SELECT id_number, site_code, rowid FROM inpatient INDEXED BY inpatient_id"
                         " WHERE id_number = ?1 ORDER BY site_code, rowid",
                         2, REPEAT_OTHER, warn_id_two_sites, err);
    if (!rc)
        rc = roster_warn(L, &q, &L->maybe_bed,
                         "SELECT site_code, ward_code, bed, rowid FROM inpatient INDEXED BY"
                         " inpatient_bed ORDER BY site_code, ward_code, bed, rowid",
                         "SELECT site_code, ward_code, bed, rowid FROM inpatient INDEXED BY"
                         " inpatient_bed WHERE site_code = ?1 AND ward_code = ?2 AND bed = ?3"
                         " ORDER BY rowid",
                         3, REPEAT_ANY, warn_bed_two_patients, err);
    repeat_rows_close(&q);
    return rc;
}

/* The part of code_index the tables cannot answer (core/refdb.h): default
 * labels of the beds wards.csv counts (1..bed_count) that no patient lies in,
 * for sites without a bed_label pattern. Occupied beds, extra beds ("12+")
 * and every other kind come from the view's arms over the indexed tables. */
const char loader_code_entry_fill_sql[] =
    "INSERT INTO code_entry (code, kind, site_code, ref)"
    " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    "   WHERE i < (SELECT coalesce(max(bed_count), 0) FROM ward))"
    " SELECT w.ward_code || '-' || n.i, 'bed_label', w.site_code, w.ward_code || ':' || n.i"
    " FROM ward w JOIN n ON n.i <= coalesce(w.bed_count, 0)"
    " WHERE w.site_code NOT IN (SELECT site_code FROM scan_pattern WHERE kind = 'bed_label')"
    " AND NOT EXISTS (SELECT 1 FROM inpatient i WHERE i.site_code = w.site_code"
    "   AND i.ward_code = w.ward_code AND i.bed = CAST(n.i AS TEXT))"
    " ORDER BY 1;";

int loader_check_adm_zeros(struct loader *L, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_OK, s;

    for (size_t i = 0; i < L->nadmd && !rc; i++) {
        const struct adm_digits *d = &L->admd[i];
        if (!d->zero_len || d->min_len >= d->zero_len)
            continue;
        if (!st && sqlite3_prepare_v2(L->db,
                                      "SELECT line, admission_no FROM inpatient"
                                      " WHERE site_code = ?1 AND length(admission_no) < ?2"
                                      " AND admission_no NOT GLOB '*[^0-9]*' ORDER BY line",
                                      -1, &st, NULL) != SQLITE_OK)
            return loader_db_fail(L, err, "cannot check admission numbers");
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, d->site, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)d->zero_len);
        while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
            rc = loader_warn(L, "admission_zeros", loader_file_name(L, F_INPATIENTS),
                             (uint64_t)sqlite3_column_int64(st, 0), d->site, err,
                             "admission_no '%s' is shorter than the site's %u-digit numbers with "
                             "leading zeros: did a spreadsheet drop its zeros? The wristband may "
                             "print them",
                             (const char *)sqlite3_column_text(st, 1), d->zero_len);
        if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
            rc = loader_db_fail(L, err, "cannot check admission numbers");
    }
    sqlite3_finalize(st);
    return rc;
}
