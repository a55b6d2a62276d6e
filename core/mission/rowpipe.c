/* Bulk inserts on a second thread (core/rowpipe.h). A batch is the rows'
 * values serialised as a tag byte each plus the value: 'N' NULL, 'I' int64,
 * 'D' double, 'T' uint32 length and the bytes. Slots form a ring: the caller
 * fills slot head % SLOTS while the writer drains slots tail..head-1. */
#include "core/mission/rowpipe.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* PIPE_MULTI rows go in with one multi-row INSERT: a third less work per
 * row than one statement step and reset each */
enum { PIPE_ROWS = 256, PIPE_SLOTS = 8, PIPE_MULTI = 32 };

struct rowpipe {
    sqlite3 *db;
    sqlite3_stmt *st, *multi; /* one row; PIPE_MULTI rows (NULL: not for this SQL) */
    int nbind;
    pthread_t thread;
    pthread_mutex_t db_mu; /* use of db */
    pthread_mutex_t mu;    /* head, tail, done, failed */
    pthread_cond_t cv;
    struct buf slot[PIPE_SLOTS];
    size_t rows[PIPE_SLOTS];
    unsigned head, tail;       /* slots handed over / drained, counted from 0 */
    struct rowpipe_value *row; /* nbind values: the row being bound */
    void (*hook)(void *ctx, const struct rowpipe_value *row);
    void *hook_ctx;
    int done, failed;
    struct fc_error err; /* the writer's failure */
    int values;          /* of the row being added, checked against nbind */
};

/* Room for n more bytes at the end of the slot being filled (one call per
 * value, not one per part: this runs for every cell of a million rows). */
static char *room(struct rowpipe *p, size_t n)
{
    struct buf *b = &p->slot[p->head % PIPE_SLOTS];
    char *at;

    buf_grow(b, n);
    at = b->ptr + b->len;
    b->len += n;
    b->ptr[b->len] = '\0';
    p->values++;
    return at;
}

static void put(struct rowpipe *p, char tag, const void *v, size_t n)
{
    char *at = room(p, 1 + n);

    at[0] = tag;
    if (n)
        memcpy(at + 1, v, n);
}

void rowpipe_null(struct rowpipe *p)
{
    put(p, 'N', NULL, 0);
}

void rowpipe_int(struct rowpipe *p, int64_t v)
{
    put(p, 'I', &v, sizeof(v));
}

void rowpipe_double(struct rowpipe *p, double v)
{
    put(p, 'D', &v, sizeof(v));
}

void rowpipe_text(struct rowpipe *p, const char *s, size_t n)
{
    uint32_t len = (uint32_t)n;
    char *at;

    if (n > INT32_MAX)
        BUG("row value of %zu bytes", n);
    at = room(p, 1 + sizeof(len) + n);
    at[0] = 'T';
    memcpy(at + 1, &len, sizeof(len));
    if (n)
        memcpy(at + 1 + sizeof(len), s, n);
}

/* Reads the row at *at into v (nbind values) and moves *at past it. */
static void read_row(const struct rowpipe *p, const char **at, struct rowpipe_value *v)
{
    const char *a = *at;

    for (int i = 0; i < p->nbind; i++) {
        uint32_t len;

        v[i].type = *a++;
        switch (v[i].type) {
        case 'I':
            memcpy(&v[i].i, a, sizeof(v[i].i));
            a += sizeof(v[i].i);
            break;
        case 'D':
            memcpy(&v[i].d, a, sizeof(v[i].d));
            a += sizeof(v[i].d);
            break;
        case 'T':
            memcpy(&len, a, sizeof(len));
            a += sizeof(len);
            v[i].text = a;
            v[i].len = len;
            a += len;
            break;
        default: break;
        }
    }
    *at = a;
}

/* Reads the row at *at, runs the row hook, and binds the values to st's
 * parameters first..first+nbind-1. */
static void bind_row(struct rowpipe *p, sqlite3_stmt *st, int first, const char **at)
{
    read_row(p, at, p->row);
    if (p->hook)
        p->hook(p->hook_ctx, p->row);
    for (int i = 0; i < p->nbind; i++) {
        const struct rowpipe_value *v = &p->row[i];

        switch (v->type) {
        case 'I': sqlite3_bind_int64(st, first + i, v->i); break;
        case 'D': sqlite3_bind_double(st, first + i, v->d); break;
        case 'T': sqlite3_bind_text(st, first + i, v->text, (int)v->len, SQLITE_STATIC); break;
        default: sqlite3_bind_null(st, first + i); break;
        }
    }
}

/* Steps st (rows bound); FC_EDB with p->err set on failure. */
static int step(struct rowpipe *p, sqlite3_stmt *st)
{
    int rc = FC_OK;

    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fc_error_setsys(&p->err, FC_EDB, sqlite3_extended_errcode(p->db),
                             "cannot insert a row: %s", sqlite3_errmsg(p->db));
    sqlite3_reset(st);
    return rc;
}

/* Inserts every row of one slot, PIPE_MULTI at a time where it can. A
 * multi-row insert that fails inserts none of its rows (one statement), so
 * its rows are then tried one by one: exactly the rows before the failing
 * one go in. 0 or FC_EDB with p->err set. */
static int drain(struct rowpipe *p, const struct buf *b, size_t rows)
{
    const char *at = b->ptr;
    size_t r = 0;

    while (p->multi && rows - r >= PIPE_MULTI) {
        const char *start = at;
        int rc;

        pthread_mutex_lock(&p->db_mu);
        for (int k = 0; k < PIPE_MULTI; k++)
            bind_row(p, p->multi, 1 + k * p->nbind, &at);
        rc = step(p, p->multi);
        pthread_mutex_unlock(&p->db_mu);
        if (rc) {
            /* the rows again, one by one, below; the insert fails anyway,
             * so the hook seeing them twice does not matter */
            at = start;
            break;
        }
        r += PIPE_MULTI;
    }
    for (; r < rows; r++) {
        int rc;

        pthread_mutex_lock(&p->db_mu);
        bind_row(p, p->st, 1, &at);
        rc = step(p, p->st);
        pthread_mutex_unlock(&p->db_mu);
        if (rc)
            return rc;
    }
    return FC_OK;
}

static void *writer(void *arg)
{
    struct rowpipe *p = arg;
    int failed = 0;

    pthread_setname_np(pthread_self(), "fieldcheck-ins"); /* for top -H and perf */
    pthread_mutex_lock(&p->mu);
    for (;;) {
        unsigned k;

        while (p->tail == p->head && !p->done)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->tail == p->head)
            break; /* done and drained */
        k = p->tail % PIPE_SLOTS;
        pthread_mutex_unlock(&p->mu);
        /* after a failure the slots are still taken, so the caller never
         * waits for room that will not come */
        if (!failed)
            failed = drain(p, &p->slot[k], p->rows[k]) != FC_OK;
        pthread_mutex_lock(&p->mu);
        p->failed = failed;
        p->tail++;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* insert_sql with its VALUES list repeated PIPE_MULTI times, or NULL when
 * it does not end in one "VALUES (...)" */
static char *multi_sql(const char *insert_sql, int nbind)
{
    const char *values = strstr(insert_sql, " VALUES (");
    struct buf b = BUF_INIT;

    if (!values || strchr(values, ')') != insert_sql + strlen(insert_sql) - 1 ||
        nbind * PIPE_MULTI > 32766)
        return NULL;
    buf_add(&b, insert_sql, (size_t)(values - insert_sql));
    buf_adds(&b, " VALUES ");
    for (int k = 0; k < PIPE_MULTI; k++) {
        buf_adds(&b, k ? ",(" : "(");
        for (int i = 0; i < nbind; i++)
            buf_adds(&b, i ? ",?" : "?");
        buf_addch(&b, ')');
    }
    return buf_detach(&b, NULL);
}

int rowpipe_start(sqlite3 *db, const char *insert_sql, struct rowpipe **out, struct fc_error *err)
{
    struct rowpipe *p = xcalloc(1, sizeof(*p));
    char *multi = NULL;

    *out = NULL;
    p->db = db;
    if (sqlite3_prepare_v2(db, insert_sql, -1, &p->st, NULL) != SQLITE_OK) {
        int rc = fc_error_setsys(err, FC_EDB, sqlite3_extended_errcode(db),
                                 "cannot prepare an insert: %s", sqlite3_errmsg(db));
        free(p);
        return rc;
    }
    p->nbind = sqlite3_bind_parameter_count(p->st);
    p->row = xcalloc((size_t)p->nbind + 1, sizeof(*p->row));
    multi = multi_sql(insert_sql, p->nbind);
    /* without the multi-row form (it cannot be prepared: a table's column
     * count, say) rows go one by one */
    if (multi && sqlite3_prepare_v2(db, multi, -1, &p->multi, NULL) != SQLITE_OK)
        p->multi = NULL;
    free(multi);
    for (int i = 0; i < PIPE_SLOTS; i++)
        buf_init(&p->slot[i]);
    pthread_mutex_init(&p->db_mu, NULL);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, writer, p) != 0)
        fc_die("cannot start the insert thread");
    *out = p;
    return FC_OK;
}

void rowpipe_on_row(struct rowpipe *p, void (*fn)(void *ctx, const struct rowpipe_value *row),
                    void *ctx)
{
    p->hook = fn;
    p->hook_ctx = ctx;
}

int rowpipe_end_row(struct rowpipe *p, struct fc_error *err)
{
    int failed;

    if (p->values != p->nbind)
        BUG("row of %d values for an insert of %d", p->values, p->nbind);
    p->values = 0;
    if (++p->rows[p->head % PIPE_SLOTS] < PIPE_ROWS)
        return FC_OK;
    pthread_mutex_lock(&p->mu);
    p->head++;
    pthread_cond_broadcast(&p->cv);
    while (p->head - p->tail >= PIPE_SLOTS)
        pthread_cond_wait(&p->cv, &p->mu);
    failed = p->failed;
    pthread_mutex_unlock(&p->mu);
    /* the writer is done with this slot */
    buf_reset(&p->slot[p->head % PIPE_SLOTS]);
    p->rows[p->head % PIPE_SLOTS] = 0;
    if (failed) {
        if (err)
            *err = p->err;
        return FC_EDB;
    }
    return FC_OK;
}

int rowpipe_finish(struct rowpipe *p, struct fc_error *err)
{
    int failed;

    if (!p)
        return FC_OK;
    pthread_mutex_lock(&p->mu);
    if (p->rows[p->head % PIPE_SLOTS])
        p->head++;
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    failed = p->failed;
    if (failed && err)
        *err = p->err;
    for (int i = 0; i < PIPE_SLOTS; i++)
        buf_release(&p->slot[i]);
    sqlite3_finalize(p->st);
    sqlite3_finalize(p->multi);
    free(p->row);
    pthread_mutex_destroy(&p->db_mu);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return failed ? FC_EDB : FC_OK;
}

void rowpipe_lock(struct rowpipe *p)
{
    if (p)
        pthread_mutex_lock(&p->db_mu);
}

void rowpipe_unlock(struct rowpipe *p)
{
    if (p)
        pthread_mutex_unlock(&p->db_mu);
}
