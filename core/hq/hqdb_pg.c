/* HQ's store in PostgreSQL, through libpq, for a provincial HQ with several
 * analysts and importing workstations on one database. Statements are
 * prepared once per connection with parameters and results in binary form
 * (no text escaping anywhere); queries stream with single-row mode, so a
 * report over millions of events holds one row at a time. Events are
 * bulk-loaded with COPY into a session-local table and merged with
 * INSERT ... ON CONFLICT DO NOTHING, so concurrent importers never
 * duplicate or lose a row. Write transactions run at READ COMMITTED; the
 * per-device advisory lock serialises the merges of one device (each
 * statement after it sees what the previous holder committed).
 * libpq is loaded with dlopen() when a PostgreSQL store is first opened, not
 * linked: it brings Kerberos, LDAP, TLS and SASL (21 libraries) that every
 * other command would map at start-up for nothing (docs/decisions.md). */
#include "core/hq/hqdb.h"

#include "core/base/xalloc.h"
#include "core/hq/hqschema.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs of the built-in types HQ's tables use (pg_type.h is a server
 * header; these numbers are fixed by PostgreSQL's catalog). */
enum {
    OID_BOOL = 16,
    OID_BYTEA = 17,
    OID_NAME = 19,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_TEXT = 25,
    OID_OID = 26,
    OID_UNKNOWN = 705,
    OID_BPCHAR = 1042,
    OID_VARCHAR = 1043,
    OID_VOID = 2278,
};

/* The versioned soname: the ABI the header was compiled against (libpq5 in
 * Debian), never the unversioned libpq.so of the -dev package. */
#define PQ_SONAME "libpq.so.5"

/* libpq's functions, resolved from PQ_SONAME; __typeof__ keeps each pointer
 * the type the header declares, so the compiler checks every call. */
struct pq_api {
    __typeof__(PQclear) *clear;
    __typeof__(PQcmdTuples) *cmdTuples;
    __typeof__(PQconnectdb) *connectdb;
    __typeof__(PQdescribePrepared) *describePrepared;
    __typeof__(PQerrorMessage) *errorMessage;
    __typeof__(PQexec) *exec;
    __typeof__(PQexecPrepared) *execPrepared;
    __typeof__(PQfinish) *finish;
    __typeof__(PQftype) *ftype;
    __typeof__(PQgetResult) *getResult;
    __typeof__(PQgetisnull) *getisnull;
    __typeof__(PQgetlength) *getlength;
    __typeof__(PQgetvalue) *getvalue;
    __typeof__(PQnfields) *nfields;
    __typeof__(PQnparams) *nparams;
    __typeof__(PQntuples) *ntuples;
    __typeof__(PQparamtype) *paramtype;
    __typeof__(PQprepare) *prepare;
    __typeof__(PQputCopyData) *putCopyData;
    __typeof__(PQputCopyEnd) *putCopyEnd;
    __typeof__(PQresultErrorField) *resultErrorField;
    __typeof__(PQresultErrorMessage) *resultErrorMessage;
    __typeof__(PQresultStatus) *resultStatus;
    __typeof__(PQsendQueryPrepared) *sendQueryPrepared;
    __typeof__(PQsetNoticeProcessor) *setNoticeProcessor;
    __typeof__(PQsetSingleRowMode) *setSingleRowMode;
    __typeof__(PQstatus) *status;
};

static struct pq_api pq;
static int pq_loaded;

static const struct {
    const char *sym;
    size_t off;
} pq_syms[] = {
    {"PQclear", offsetof(struct pq_api, clear)},
    {"PQcmdTuples", offsetof(struct pq_api, cmdTuples)},
    {"PQconnectdb", offsetof(struct pq_api, connectdb)},
    {"PQdescribePrepared", offsetof(struct pq_api, describePrepared)},
    {"PQerrorMessage", offsetof(struct pq_api, errorMessage)},
    {"PQexec", offsetof(struct pq_api, exec)},
    {"PQexecPrepared", offsetof(struct pq_api, execPrepared)},
    {"PQfinish", offsetof(struct pq_api, finish)},
    {"PQftype", offsetof(struct pq_api, ftype)},
    {"PQgetResult", offsetof(struct pq_api, getResult)},
    {"PQgetisnull", offsetof(struct pq_api, getisnull)},
    {"PQgetlength", offsetof(struct pq_api, getlength)},
    {"PQgetvalue", offsetof(struct pq_api, getvalue)},
    {"PQnfields", offsetof(struct pq_api, nfields)},
    {"PQnparams", offsetof(struct pq_api, nparams)},
    {"PQntuples", offsetof(struct pq_api, ntuples)},
    {"PQparamtype", offsetof(struct pq_api, paramtype)},
    {"PQprepare", offsetof(struct pq_api, prepare)},
    {"PQputCopyData", offsetof(struct pq_api, putCopyData)},
    {"PQputCopyEnd", offsetof(struct pq_api, putCopyEnd)},
    {"PQresultErrorField", offsetof(struct pq_api, resultErrorField)},
    {"PQresultErrorMessage", offsetof(struct pq_api, resultErrorMessage)},
    {"PQresultStatus", offsetof(struct pq_api, resultStatus)},
    {"PQsendQueryPrepared", offsetof(struct pq_api, sendQueryPrepared)},
    {"PQsetNoticeProcessor", offsetof(struct pq_api, setNoticeProcessor)},
    {"PQsetSingleRowMode", offsetof(struct pq_api, setSingleRowMode)},
    {"PQstatus", offsetof(struct pq_api, status)},
};

/* Loads libpq once per process. The handle is never closed: libpq keeps
 * thread and SSL state that must outlive every connection. */
static int pq_load(struct fc_error *err)
{
    const char *soname = getenv("FIELDCHECK_LIBPQ"); /* tests: a missing library */
    struct pq_api api;
    void *h;

    if (pq_loaded)
        return FC_OK;
    if (!soname || !*soname)
        soname = PQ_SONAME;
    h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return fc_error_set(err, FC_EIO,
                            "cannot use a PostgreSQL store: %s (install the package libpq5)",
                            dlerror());
    for (size_t i = 0; i < sizeof(pq_syms) / sizeof(pq_syms[0]); i++) {
        void *f = dlsym(h, pq_syms[i].sym);
        if (!f) {
            dlclose(h);
            return fc_error_set(err, FC_EIO,
                                "cannot use a PostgreSQL store: %s has no %s (install the package "
                                "libpq5)",
                                soname, pq_syms[i].sym);
        }
        memcpy((char *)&api + pq_syms[i].off, &f, sizeof(f));
    }
    pq = api;
    pq_loaded = 1;
    return FC_OK;
}

/* Lock key for schema changes; device locks hash into the rest. */
#define MIGRATION_LOCK 0x4643485153434845LL /* "FCHQSCHE" */

struct prepared {
    const char *key; /* the caller's SQL string (a literal) */
    char name[16];
    int nparams;
    Oid *types; /* as the server resolved them */
};

struct pgx {
    PGconn *c;
    struct prepared *ps;
    size_t nps;
    int loaded; /* event_in holds rows of this transaction */
};

static struct pgx *P(struct hqdb *db)
{
    return db->impl;
}

static int is_text_oid(Oid t)
{
    return t == OID_TEXT || t == OID_VARCHAR || t == OID_BPCHAR || t == OID_NAME ||
           t == OID_UNKNOWN;
}

/* err from a failed result (or the connection when res is NULL). */
static int fail(struct hqdb *db, PGresult *res, struct fc_error *err, const char *what)
{
    PGconn *c = P(db)->c;
    const char *state = res ? pq.resultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? pq.resultErrorMessage(res) : pq.errorMessage(c);
    int code = FC_EDB, len;

    if (!msg || !*msg)
        msg = pq.errorMessage(c);
    len = (int)strcspn(msg, "\n");
    db->retryable = state && (!strcmp(state, "40001") || !strcmp(state, "40P01"));
    if (state && !strncmp(state, "23", 2))
        code = FC_EINTEGRITY;
    else if (pq.status(c) != CONNECTION_OK)
        code = FC_EIO;
    return fc_error_set(err, code, "%s: %.*s", what, len, msg);
}

static int simple(struct hqdb *db, const char *sql, struct fc_error *err, const char *what)
{
    PGresult *res = pq.exec(P(db)->c, sql);
    ExecStatusType s = pq.resultStatus(res);
    int rc = FC_OK;

    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        rc = fail(db, res, err, what);
    pq.clear(res);
    return rc;
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs ("relation already exists, skipping") are not for users */
}

static int schema_version(struct hqdb *db, int *v, struct fc_error *err)
{
    PGresult *res = pq.exec(P(db)->c, "SELECT value FROM meta WHERE key = 'schema'");
    int rc = FC_OK;

    *v = 0;
    if (pq.resultStatus(res) != PGRES_TUPLES_OK)
        rc = fail(db, res, err, "cannot read the schema version");
    else if (pq.ntuples(res) == 1)
        *v = atoi(pq.getvalue(res, 0, 0));
    pq.clear(res);
    return rc;
}

/* Creates or upgrades the schema, one transaction under a lock, so that two
 * workstations opening a new database at once do not both create it. */
static int migrate(struct hqdb *db, struct fc_error *err)
{
    char sql[128];
    int v = 0, rc;

    rc = simple(db, "BEGIN", err, "cannot begin");
    if (!rc) {
        snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%lld)", MIGRATION_LOCK);
        rc = simple(db, sql, err, "cannot lock the schema");
    }
    if (!rc)
        rc = simple(db,
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT COLLATE \"C\" PRIMARY KEY,"
                    " value TEXT COLLATE \"C\" NOT NULL)",
                    err, "cannot create the meta table");
    if (!rc)
        rc = schema_version(db, &v, err);
    if (!rc && v > hq_schema_pg_count)
        rc = fc_error_set(err, FC_ESTATE,
                          "database '%s' has schema %d, newer than this program's %d: upgrade "
                          "fieldcheck",
                          db->target, v, hq_schema_pg_count);
    for (; !rc && v < hq_schema_pg_count; v++) {
        rc = simple(db, hq_schema_pg[v], err, "cannot create the schema");
        if (!rc) {
            snprintf(sql, sizeof(sql),
                     "INSERT INTO meta (key, value) VALUES ('schema', '%d')"
                     " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     v + 1);
            rc = simple(db, sql, err, "cannot record the schema version");
        }
        if (rc)
            fc_error_prefix(err, "cannot migrate '%s' to schema %d", db->target, v + 1);
    }
    if (!rc)
        rc = simple(db, "COMMIT", err, "cannot commit the schema");
    else
        pq.clear(pq.exec(P(db)->c, "ROLLBACK"));
    return rc;
}

static int pg_open(struct hqdb *db, const char *target, struct fc_error *err)
{
    struct pgx *x = NULL;
    int rc = pq_load(err);

    if (rc)
        return rc;
    x = xcalloc(1, sizeof(*x));
    db->impl = x;
    x->c = pq.connectdb(target);
    if (!x->c)
        fc_die("out of memory (libpq)");
    if (pq.status(x->c) != CONNECTION_OK) {
        const char *m = pq.errorMessage(x->c);
        rc = fc_error_set(err, FC_EIO, "cannot connect to '%s': %.*s", db->target,
                          (int)strcspn(m, "\n"), m);
        goto fail;
    }
    pq.setNoticeProcessor(x->c, quiet, NULL);
    /* The planner's defaults cost the report's conflicts query wrongly at
     * provincial scale (10M events): random_page_cost 4 (spinning disks)
     * makes it scan every finding rather than read the overlapping visits'
     * by index, and the inflated estimate then triggers JIT compilation
     * that costs more than the query (about 1 s of 2). This session's
     * queries read by visit, device or site, on an HQ server's SSD. */
    rc = simple(db,
                "SET client_encoding = 'UTF8'; SET application_name = 'fieldcheck-hq';"
                " SET client_min_messages = warning; SET jit = off;"
                " SET random_page_cost = 1.1",
                err, "cannot set up the session");
    if (!rc)
        rc = migrate(db, err);
    if (!rc)
        rc = simple(db,
                    "CREATE TEMP TABLE IF NOT EXISTS event_in (LIKE event) ON COMMIT DELETE ROWS",
                    err, "cannot create the import table");
    if (rc)
        goto fail;
    return FC_OK;
fail:
    pq.finish(x->c);
    free(x);
    db->impl = NULL;
    return rc;
}

static void pg_close(struct hqdb *db)
{
    struct pgx *x = P(db);

    for (size_t i = 0; i < x->nps; i++)
        free(x->ps[i].types);
    free(x->ps);
    pq.finish(x->c);
    free(x);
}

static int pg_begin(struct hqdb *db, enum hqdb_txn mode, struct fc_error *err)
{
    P(db)->loaded = 0; /* ON COMMIT DELETE ROWS emptied it */
    return simple(db,
                  mode == HQDB_WRITE ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                     : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                  err, "cannot begin a transaction");
}

static int pg_commit(struct hqdb *db, struct fc_error *err)
{
    return simple(db, "COMMIT", err, "cannot commit");
}

static void pg_rollback(struct hqdb *db)
{
    pq.clear(pq.exec(P(db)->c, "ROLLBACK"));
}

static Oid type_of(const struct hqdb_val *v)
{
    switch (v->type) {
    case HQDB_INT: return OID_INT8;
    case HQDB_TEXT: return OID_TEXT;
    case HQDB_BLOB: return OID_BYTEA;
    default: return 0;
    }
}

static int prepare(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                   struct prepared **out, struct fc_error *err)
{
    struct pgx *x = P(db);
    struct prepared *p;
    Oid types[HQDB_MAX_PARAMS];
    PGresult *res;
    int rc = FC_OK;

    for (size_t i = 0; i < x->nps; i++)
        if (x->ps[i].key == sql) {
            *out = &x->ps[i];
            return FC_OK;
        }
    if (n > HQDB_MAX_PARAMS)
        BUG("statement with %d parameters", n);
    for (int i = 0; i < n; i++)
        types[i] = type_of(&params[i]);
    x->ps = xreallocarray(x->ps, x->nps + 1, sizeof(*x->ps));
    p = &x->ps[x->nps];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "fc%zu", x->nps);
    res = pq.prepare(x->c, p->name, sql, n, types);
    if (pq.resultStatus(res) != PGRES_COMMAND_OK) {
        rc = fail(db, res, err, "cannot prepare statement");
        pq.clear(res);
        return rc;
    }
    pq.clear(res);
    res = pq.describePrepared(x->c, p->name);
    if (pq.resultStatus(res) != PGRES_COMMAND_OK) {
        rc = fail(db, res, err, "cannot describe statement");
        pq.clear(res);
        return rc;
    }
    p->key = sql;
    p->nparams = pq.nparams(res);
    p->types = xcalloc((size_t)p->nparams + 1, sizeof(Oid));
    for (int i = 0; i < p->nparams; i++)
        p->types[i] = pq.paramtype(res, i);
    pq.clear(res);
    x->nps++;
    *out = p;
    return FC_OK;
}

static void put_be(unsigned char *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        b[i] = (unsigned char)v;
}

static int64_t get_be(const unsigned char *b, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++)
        v = v << 8 | b[i];
    if (n < 8 && (b[0] & 0x80)) /* sign-extend */
        v |= ~(uint64_t)0 << (8 * n);
    return (int64_t)v;
}

/* Parameter encoding: binary where the server's type matches ours, text
 * otherwise (a NUL-terminated copy the server parses). */
struct encoded {
    const char *values[HQDB_MAX_PARAMS];
    int lengths[HQDB_MAX_PARAMS], formats[HQDB_MAX_PARAMS];
    unsigned char ints[HQDB_MAX_PARAMS][8];
    char *copies[HQDB_MAX_PARAMS];
};

static int encode(struct hqdb *db, const struct prepared *p, const struct hqdb_val *params, int n,
                  struct encoded *e, struct fc_error *err)
{
    /* only the n slots used: the arrays are sized for the largest statement */
    memset(e->values, 0, (size_t)n * sizeof(e->values[0]));
    memset(e->lengths, 0, (size_t)n * sizeof(e->lengths[0]));
    memset(e->formats, 0, (size_t)n * sizeof(e->formats[0]));
    memset(e->copies, 0, (size_t)n * sizeof(e->copies[0]));
    if (n != p->nparams)
        BUG("statement takes %d parameters, got %d", p->nparams, n);
    for (int i = 0; i < n; i++) {
        const struct hqdb_val *v = &params[i];
        Oid t = p->types[i];

        switch (v->type) {
        case HQDB_NULL: break;
        case HQDB_INT:
            if (t == OID_INT8 || t == OID_INT4 || t == OID_INT2) {
                int w = t == OID_INT8 ? 8 : t == OID_INT4 ? 4 : 2;
                put_be(e->ints[i], (uint64_t)v->i, w);
                e->values[i] = (const char *)e->ints[i];
                e->lengths[i] = w;
                e->formats[i] = 1;
            } else {
                e->copies[i] = xasprintf("%lld", (long long)v->i);
                e->values[i] = e->copies[i];
            }
            break;
        case HQDB_TEXT: {
            size_t len = v->len ? v->len : strlen(v->s);
            if (is_text_oid(t)) {
                e->values[i] = v->s;
                e->lengths[i] = (int)len;
                e->formats[i] = 1;
            } else {
                e->copies[i] = xmalloc(len + 1);
                memcpy(e->copies[i], v->s, len);
                e->copies[i][len] = 0;
                e->values[i] = e->copies[i];
            }
            break;
        }
        case HQDB_BLOB:
            if (t != OID_BYTEA)
                return fc_error_set(err, FC_EINTERNAL,
                                    "parameter %d of a statement on '%s' is "
                                    "not bytea",
                                    i + 1, db->target);
            e->values[i] = v->s;
            e->lengths[i] = (int)v->len;
            e->formats[i] = 1;
            break;
        }
    }
    return FC_OK;
}

static void encoded_release(struct encoded *e, int n)
{
    for (int i = 0; i < n; i++)
        free(e->copies[i]);
}

static int pg_exec(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                   int64_t *changes, struct fc_error *err)
{
    struct prepared *p = NULL;
    struct encoded e;
    PGresult *res;
    ExecStatusType s;
    int rc = prepare(db, sql, params, n, &p, err);

    if (rc)
        return rc;
    rc = encode(db, p, params, n, &e, err);
    if (rc)
        goto out;
    res = pq.execPrepared(P(db)->c, p->name, n, e.values, e.lengths, e.formats, 1);
    s = pq.resultStatus(res);
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
        *changes = atoll(pq.cmdTuples(res));
    else
        rc = fail(db, res, err, "database statement failed");
    pq.clear(res);
out:
    encoded_release(&e, n);
    return rc;
}

/* One row of a binary result as values; FC_EINTERNAL for a column type HQ
 * never produces (numeric, floats: cast them in the SQL). */
static int decode_row(struct hqdb *db, PGresult *res, struct hqdb_val *cols, int nc,
                      struct fc_error *err)
{
    for (int i = 0; i < nc; i++) {
        struct hqdb_val *v = &cols[i];
        const unsigned char *b = (const unsigned char *)pq.getvalue(res, 0, i);
        int len = pq.getlength(res, 0, i);
        Oid t = pq.ftype(res, i);

        memset(v, 0, sizeof(*v));
        if (pq.getisnull(res, 0, i) || t == OID_VOID)
            continue;
        if (t == OID_INT8 || t == OID_INT4 || t == OID_INT2 || t == OID_OID || t == OID_BOOL) {
            v->type = HQDB_INT;
            v->i = t == OID_OID ? (int64_t)(uint32_t)get_be(b, 4) : get_be(b, len);
        } else if (is_text_oid(t)) {
            v->type = HQDB_TEXT;
            v->s = (const char *)b;
            v->len = (size_t)len;
        } else if (t == OID_BYTEA) {
            v->type = HQDB_BLOB;
            v->s = (const char *)b;
            v->len = (size_t)len;
        } else {
            return fc_error_set(err, FC_EINTERNAL,
                                "a query on '%s' returned column %d of type %u, which HQ does "
                                "not read",
                                db->target, i + 1, (unsigned)t);
        }
    }
    return FC_OK;
}

static int pg_query(struct hqdb *db, const char *sql, const struct hqdb_val *params, int n,
                    hqdb_row_fn row, void *ctx, struct fc_error *err)
{
    PGconn *c = P(db)->c;
    struct prepared *p = NULL;
    struct encoded e;
    struct hqdb_val cols[32];
    PGresult *res;
    int rc = prepare(db, sql, params, n, &p, err), stopped = 0;

    if (rc)
        return rc;
    rc = encode(db, p, params, n, &e, err);
    if (rc)
        goto out;
    if (!pq.sendQueryPrepared(c, p->name, n, e.values, e.lengths, e.formats, 1)) {
        rc = fail(db, NULL, err, "database query failed");
        goto out;
    }
    if (!pq.setSingleRowMode(c))
        BUG("single-row mode refused");
    /* every result is consumed, also after a callback stopped or failed,
     * so the connection is ready for the next statement */
    while ((res = pq.getResult(c)) != NULL) {
        ExecStatusType s = pq.resultStatus(res);

        if (s == PGRES_SINGLE_TUPLE && !stopped) {
            int nc = pq.nfields(res);
            if (nc > (int)(sizeof(cols) / sizeof(cols[0])))
                BUG("query with %d columns", nc);
            rc = decode_row(db, res, cols, nc, err);
            if (!rc)
                rc = row(ctx, cols, nc);
            if (rc)
                stopped = 1;
        } else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && !stopped) {
            rc = fail(db, res, err, "database query failed");
            stopped = 1;
        }
        pq.clear(res);
    }
out:
    encoded_release(&e, n);
    return rc;
}

/* COPY ... (FORMAT binary): a fixed header, then per row a field count and
 * each field as a 32-bit length (-1 for NULL) and its bytes. */
static void copy_field(struct buf *b, const char *s, size_t len)
{
    unsigned char l[4];

    if (!s) {
        put_be(l, 0xffffffffu, 4);
        buf_add(b, l, 4);
        return;
    }
    put_be(l, len, 4);
    buf_add(b, l, 4);
    buf_add(b, s, len);
}

static void copy_text(struct buf *b, const char *s)
{
    copy_field(b, s, s ? strlen(s) : 0);
}

static int pg_insert_events(struct hqdb *db, const struct event *ev, size_t n, int64_t *added,
                            struct fc_error *err)
{
    static const char header[] = "PGCOPY\n\377\r\n";
    PGconn *c = P(db)->c;
    struct buf b = BUF_INIT;
    unsigned char v[8];
    PGresult *res;
    int rc = FC_OK;

    buf_add(&b, header, sizeof(header)); /* 11 bytes with the NUL */
    buf_add(&b, "\0\0\0\0\0\0\0\0", 8);  /* flags, extension length */
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &ev[i];

        put_be(v, 10, 2);
        buf_add(&b, v, 2);
        copy_text(&b, e->device);
        put_be(v, 8, 4);
        buf_add(&b, v, 4);
        put_be(v, (uint64_t)e->seq, 8);
        buf_add(&b, v, 8);
        copy_text(&b, e->hash);
        copy_text(&b, e->id);
        copy_text(&b, e->visit);
        copy_text(&b, e->at);
        copy_text(&b, e->kind);
        copy_text(&b, e->subject);
        copy_text(&b, e->payload);
        copy_text(&b, e->prev_hash);
    }
    buf_add(&b, "\377\377", 2);
    /* a second batch in one transaction (a large bundle streamed): the
     * previous one's rows are merged already */
    if (P(db)->loaded) {
        rc = simple(db, "TRUNCATE event_in", err, "cannot empty the import table");
        if (rc)
            goto out;
    }
    res = pq.exec(c, "COPY event_in (device, seq, hash, id, visit, at, kind, subject, payload,"
                     " prev_hash) FROM STDIN (FORMAT binary)");
    if (pq.resultStatus(res) != PGRES_COPY_IN) {
        rc = fail(db, res, err, "cannot load events");
        pq.clear(res);
        goto out;
    }
    pq.clear(res);
    for (size_t off = 0; off < b.len && !rc; off += 1 << 20) {
        size_t part = b.len - off < (1u << 20) ? b.len - off : 1u << 20;
        if (pq.putCopyData(c, b.ptr + off, (int)part) != 1)
            rc = fail(db, NULL, err, "cannot load events");
    }
    if (pq.putCopyEnd(c, rc ? "aborted" : NULL) != 1 && !rc)
        rc = fail(db, NULL, err, "cannot load events");
    while ((res = pq.getResult(c)) != NULL) {
        if (pq.resultStatus(res) != PGRES_COMMAND_OK && !rc)
            rc = fail(db, res, err, "cannot load events");
        pq.clear(res);
    }
    if (rc)
        goto out;
    res = pq.exec(c, "INSERT INTO event (device, seq, hash, id, visit, at, kind, subject, payload,"
                     " prev_hash) SELECT device, seq, hash, id, visit, at, kind, subject, payload,"
                     " prev_hash FROM event_in ON CONFLICT DO NOTHING");
    if (pq.resultStatus(res) == PGRES_COMMAND_OK)
        *added += atoll(pq.cmdTuples(res));
    else
        rc = fail(db, res, err, "cannot store events");
    pq.clear(res);
    P(db)->loaded = 1;
out:
    buf_release(&b);
    return rc;
}

/* FNV-1a: a stable 64-bit key per device for pg_advisory_xact_lock. */
static int pg_lock_device(struct hqdb *db, const char *device, struct fc_error *err)
{
    static const char sql[] = "SELECT pg_advisory_xact_lock($1)";
    uint64_t h = 14695981039346656037ULL;
    struct hqdb_val p[1];
    int64_t changes;

    for (const char *s = "fieldcheck-hq-device:"; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    for (const char *s = device; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    if ((int64_t)h == MIGRATION_LOCK)
        h++;
    p[0] = HQDB_I((int64_t)h);
    return pg_exec(db, sql, p, 1, &changes, err);
}

const struct hqdb_ops hqdb_pg_ops = {
    "postgresql", pg_open, pg_close, pg_begin,         pg_commit,
    pg_rollback,  pg_exec, pg_query, pg_insert_events, pg_lock_device,
};
