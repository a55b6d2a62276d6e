/* The device database: the one place that opens SQLite, sets the pragmas and
 * runs the ordered migrations (PRAGMA user_version). Other core modules get the
 * sqlite3 handle through store_db() and run prepared statements only.
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT that returned is on disk
 * before the caller shows the result (DESIGN §2, principle 1). */
#ifndef FC_CORE_STORE_H
#define FC_CORE_STORE_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <sqlite3.h>
#include <stdint.h>

struct store;

/* The schema version this build writes (PRAGMA user_version after migrations). */
int store_schema_version(void);

/* Default database path: $FIELDCHECK_DB, else <data dir>/fieldcheck.db. Appended to out. */
void store_default_path(struct buf *out);

/* Opens or creates the database at path (NULL: the default path), creating its
 * directory (0700) and the file (0600), applying pragmas and migrations, and
 * creating the device identity on first use. *out is NULL on failure. */
int store_open(struct store **out, const char *path, struct fc_error *err);

/* Opens an existing device database read-only (no migrations, no creation,
 * nothing written, so it works on read-only media). FC_ENOTFOUND when there
 * is no file; FC_ESTATE when the file is at an older schema than this
 * program's (it must be opened writable once to be upgraded). */
int store_open_readonly(struct store **out, const char *path, struct fc_error *err);

/* What each kind of fieldcheck database is, in its PRAGMA application_id
 * ("FCDV", "FCHQ", "FCRF"): a file is checked before anything is written to
 * it, so a command given HQ's store or a mission's reference file by mistake
 * (--db) refuses it instead of migrating it into a device database. HQ's
 * store sets STORE_APP_ID_HQ in its schema (core/hq/); the mission loader
 * sets STORE_APP_ID_REFDB in each reference file it builds. */
#define STORE_APP_ID_DEVICE 0x46434456
#define STORE_APP_ID_HQ 0x46434851
#define STORE_APP_ID_REFDB 0x46435246

/* Another database with the same open/pragma/migration discipline (HQ's
 * hq.db): its own ordered migration list. device_identity says whether a
 * device id is created in meta on first open. application_id (0: none) is
 * checked before anything is written and set on a new file; a file without
 * one that already holds tables is accepted only for the device schema and
 * only when it has the device tables (a database of an older version). */
struct store_schema {
    const char *const *migrations;
    int count;
    int device_identity;
    int application_id;
};

/* Opens or creates path (must not be NULL) with the given schema. */
int store_open_schema(struct store **out, const char *path, const struct store_schema *schema,
                      struct fc_error *err);

/* Closes; NULL allowed. */
void store_close(struct store *s);

/* Borrowed handle for prepared statements in core modules. */
sqlite3 *store_db(struct store *s);
const char *store_path(const struct store *s);
/* This device's id (16 lower-case hex characters), created with the database. */
const char *store_device_id(const struct store *s);
/* The directory holding the database (mission files live below it). */
const char *store_dir(const struct store *s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. store_rollback never fails loudly. */
int store_begin(struct store *s, struct fc_error *err);
/* BEGIN (deferred): one read snapshot for several queries, so that they do
 * not each take and release the database locks. End it with store_rollback
 * (or store_commit). */
int store_begin_read(struct store *s, struct fc_error *err);
int store_commit(struct store *s, struct fc_error *err);
void store_rollback(struct store *s);

/* Runs SQL without parameters (schema, pragmas); FC_EDB with SQLite's message. */
int store_exec(struct store *s, const char *sql, struct fc_error *err);

/* Prepares sql; FC_EDB on failure. The caller finalizes. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt, struct fc_error *err);

/* Prepares sql with SQLITE_PREPARE_PERSISTENT, for a statement its owner
 * keeps and runs many times (an engine's lookups); the caller finalizes. */
int store_prepare_kept(struct store *s, const char *sql, sqlite3_stmt **stmt, struct fc_error *err);

/* Prepares the n kept statements sql[i] into st[i] (store_prepare_kept);
 * those already prepared stay. On failure the ones prepared stay too: the
 * owner finalizes the set with store_finalize_set in every case. */
int store_prepare_set(struct store *s, const char *const *sql, sqlite3_stmt **st, size_t n,
                      struct fc_error *err);
void store_finalize_set(sqlite3_stmt **st, size_t n);

/* A statement of this connection prepared once and kept until store_close,
 * for SQL run on every scan or event (appliers, the event append). sql must
 * live as long as the store (a string literal): its address is the cache key.
 * *stmt is owned by the store: never finalize it; after each use (also on
 * error paths) hand it back with store_stmt_release, which resets it and
 * clears its bindings. FC_EDB if it cannot be prepared (*stmt NULL). */
int store_stmt(struct store *s, const char *sql, sqlite3_stmt **stmt, struct fc_error *err);
void store_stmt_release(sqlite3_stmt *st);
/* Steps st, a statement that returns no row (store_stmt's or a kept one),
 * and leaves it idle; on failure the error names what was being done. */
int store_step_done(struct store *s, sqlite3_stmt *st, const char *what, struct fc_error *err);

/* Steps st (from store_prepare) through its rows, calling row(st, ctx) on
 * each; a non-zero return from row stops there and is returned. Finalizes st
 * in every case. A failed step fills err with "what: sqlite message". */
int store_each(struct store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ctx),
               void *ctx, const char *what, struct fc_error *err);

/* store_prepare, then text1 bound to ?1 and text2 to ?2 as far as sql has
 * parameters (NULL binds SQL NULL). */
int store_prepare_bound(struct store *s, const char *sql, const char *text1, const char *text2,
                        sqlite3_stmt **st, struct fc_error *err);
/* store_prepare and store_each in one: prepares sql, binds text1 to ?1 when
 * sql has parameters (NULL binds SQL NULL) and steps the rows through row. */
int store_each_sql(struct store *s, const char *sql, const char *text1,
                   int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
                   struct fc_error *err);

/* Steps st (from store_prepare) once and finalizes it. On a row, returns what
 * row(st, ctx) returns (FC_OK when row is NULL). With no row, FC_ENOTFOUND
 * and err untouched: the caller says what was missing. A failed step fills
 * err with "what: sqlite message". */
int store_one(struct store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ctx), void *ctx,
              const char *what, struct fc_error *err);
/* store_one copying the first column's text into out (size bytes, "" when
 * there is no row), or appending it to out. */
int store_one_text(struct store *s, sqlite3_stmt *st, char *out, size_t size, const char *what,
                   struct fc_error *err);
int store_one_buf(struct store *s, sqlite3_stmt *st, struct buf *out, const char *what,
                  struct fc_error *err);
/* The integer of a query that always answers one row (an aggregate, a
 * PRAGMA) into *out; no row at all fails as a failed step does. */
/* store_one_buf over sql with key bound to ?1: a lookup of one text by key. */
int store_lookup(struct store *s, const char *sql, const char *key, struct buf *out,
                 const char *what, struct fc_error *err);
int store_one_int64(struct store *s, sqlite3_stmt *st, int64_t *out, const char *what,
                    struct fc_error *err);

/* Steps st (from store_prepare), a statement that returns no row, and
 * finalizes it; a failed step fills err with "what: sqlite message". */
int store_run(struct store *s, sqlite3_stmt *st, const char *what, struct fc_error *err);

/* Fills err from the connection's last error: "what: sqlite message" and
 * returns FC_EDB (FC_EINTEGRITY for SQLITE_CONSTRAINT, FC_EIO for I/O errors). */
int store_fail(struct store *s, struct fc_error *err, const char *what);

/* meta key/value: get into out (FC_ENOTFOUND if absent), set (insert or replace). */
int store_meta_get(struct store *s, const char *key, struct buf *out, struct fc_error *err);
int store_meta_set(struct store *s, const char *key, const char *value, struct fc_error *err);

/* Binds a text parameter or NULL when v is NULL (SQLITE_TRANSIENT). */
int store_bind_text(sqlite3_stmt *st, int idx, const char *v);
/* Binds the compact JSON text of v ("[]" when v is NULL). */
struct json_t;
int store_bind_json(sqlite3_stmt *st, int idx, const struct json_t *v);
/* Column text as "" when NULL. */
const char *store_col_text(sqlite3_stmt *st, int col);

/* PRAGMA integrity_check; FC_EINTEGRITY with the first problem in err. */
int store_integrity_check(struct store *s, struct fc_error *err);

#endif
