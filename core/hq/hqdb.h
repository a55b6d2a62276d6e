/* HQ's database behind a small ops table: one implementation over SQLite
 * (hq.db, the embedded default, core/hq/hqdb_sqlite.c) and one over
 * PostgreSQL through libpq (core/hq/hqdb_pg.c). Everything HQ does with its
 * data (core/hq/hqstore.c) is written once against these calls, in the SQL
 * both databases share: parameters are $1, $2, ...; upserts are INSERT ...
 * ON CONFLICT; text compares bytewise (PostgreSQL columns are COLLATE "C").
 * Only the schema (each backend's migrations), the bulk insert of events and
 * the per-device lock differ.
 *
 * Call order: hqdb_open, then any number of transactions
 * (hqdb_begin ... hqdb_commit or hqdb_rollback) around hqdb_exec,
 * hqdb_query, hqdb_insert_events and hqdb_lock_device, then hqdb_close.
 *
 * Concurrency: several processes (on several workstations, for PostgreSQL)
 * may write at once. Write transactions that touch one device take
 * hqdb_lock_device first, so a device's bundles are merged one at a time
 * while different devices merge in parallel. A transaction that fails
 * because another one got in its way (SQLite busy beyond the timeout,
 * PostgreSQL serialization failure or deadlock) fails with FC_EDB and
 * hqdb_retryable() true: the caller rolls back and runs it again. */
#ifndef FC_CORE_HQ_HQDB_H
#define FC_CORE_HQ_HQDB_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/event.h"

#include <stddef.h>
#include <stdint.h>

enum hqdb_type { HQDB_NULL, HQDB_INT, HQDB_TEXT, HQDB_BLOB };

/* The most parameters one statement takes (multi-row inserts). */
#define HQDB_MAX_PARAMS 1024

/* One parameter or column value. Text is UTF-8 without NUL bytes; len is its
 * length in bytes (for parameters, len 0 with a non-empty s means strlen). */
struct hqdb_val {
    enum hqdb_type type;
    int64_t i;
    const char *s; /* TEXT and BLOB; borrowed */
    size_t len;
};

static inline struct hqdb_val hqdb_text(const char *s)
{
    struct hqdb_val v = {s ? HQDB_TEXT : HQDB_NULL, 0, s, 0};
    return v;
}

/* Parameters: an integer, a text (NULL gives SQL NULL), a blob. */
#define HQDB_I(v) ((struct hqdb_val){HQDB_INT, (v), NULL, 0})
#define HQDB_S(v) hqdb_text(v)
#define HQDB_B(p, n) ((struct hqdb_val){HQDB_BLOB, 0, (const char *)(p), (n)})

/* Called for each row; cols[0..n-1] are valid during the call only. Returns
 * 0 to continue; anything else stops the query and is returned by it. */
typedef int (*hqdb_row_fn)(void *ctx, const struct hqdb_val *cols, int n);

enum hqdb_txn {
    HQDB_WRITE, /* SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED */
    HQDB_READ,  /* one consistent snapshot for several queries */
};

struct hqdb;

struct hqdb_ops {
    const char *name; /* "sqlite" or "postgresql" */
    int (*open)(struct hqdb *db, const char *target, struct fc_error *err);
    void (*close)(struct hqdb *db);
    int (*begin)(struct hqdb *db, enum hqdb_txn mode, struct fc_error *err);
    int (*commit)(struct hqdb *db, struct fc_error *err);
    void (*rollback)(struct hqdb *db);
    int (*exec)(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                int64_t *changes, struct fc_error *err);
    int (*query)(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                 hqdb_row_fn row, void *ctx, struct fc_error *err);
    /* INSERT INTO event ... ON CONFLICT DO NOTHING for n events; *added gets
     * how many were new. */
    int (*insert_events)(struct hqdb *db, const struct event *ev, size_t n, int64_t *added,
                         struct fc_error *err);
    /* Holds a lock named by the device id until the transaction ends. */
    int (*lock_device)(struct hqdb *db, const char *device, struct fc_error *err);
};

struct hqdb {
    const struct hqdb_ops *ops;
    void *impl;
    char *target;  /* path, or the URL without its password (for messages) */
    int retryable; /* the last failure may succeed when the transaction runs again */
    int in_txn;
};

/* 1 when target names a PostgreSQL database (postgresql:// or postgres://). */
int hqdb_is_url(const char *target);

/* Opens target: a PostgreSQL URL, else the path of an SQLite file (created
 * 0600 in a 0700 directory). Creates or migrates the schema. *out is NULL on
 * failure. FC_EDB/FC_EIO when the database cannot be reached. */
int hqdb_open(struct hqdb **out, const char *target, struct fc_error *err);
/* NULL allowed; rolls back an open transaction. */
void hqdb_close(struct hqdb *db);

/* "sqlite" or "postgresql". */
const char *hqdb_backend(const struct hqdb *db);
/* The path or the URL without a password. */
const char *hqdb_target(const struct hqdb *db);

int hqdb_begin(struct hqdb *db, enum hqdb_txn mode, struct fc_error *err);
int hqdb_commit(struct hqdb *db, struct fc_error *err);
void hqdb_rollback(struct hqdb *db);
int hqdb_retryable(const struct hqdb *db);

/* Runs one statement; *changes (may be NULL) gets the rows it changed. */
int hqdb_exec(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
              int64_t *changes, struct fc_error *err);
/* Runs a query, calling row for each result row (streamed: rows are not
 * held in memory). */
int hqdb_query(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
               hqdb_row_fn row, void *ctx, struct fc_error *err);
/* The first column of the first row as an integer (*out 0 when there is no
 * row or it is NULL). */
int hqdb_query_int(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                   int64_t *out, struct fc_error *err);
int hqdb_insert_events(struct hqdb *db, const struct event *ev, size_t n, int64_t *added,
                       struct fc_error *err);
int hqdb_lock_device(struct hqdb *db, const char *device, struct fc_error *err);

/* Copies a text column into out (NUL-terminated, truncated to size). */
void hqdb_col_text(const struct hqdb_val *v, char *out, size_t size);

/* For the backends. */
extern const struct hqdb_ops hqdb_sqlite_ops;
extern const struct hqdb_ops hqdb_pg_ops;

#endif
