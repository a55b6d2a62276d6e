/* Bulk inserts on a second thread (core/rowpipe.h). A batch is the rows'
 * values serialised as a tag byte each plus the value: 'N' NULL, 'I' int64,
 * 'D' double, 'T' uint32 length and the bytes. Slots form a ring: the caller
 * fills slot head % SLOTS while the writer drains slots tail..head-1. */
#include "core/rowpipe.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { PIPE_ROWS = 256, PIPE_SLOTS = 8 };

struct rowpipe {
    sqlite3 *db;
    sqlite3_stmt *st;
    int nbind;
    pthread_t thread;
    pthread_mutex_t db_mu; /* use of db */
    pthread_mutex_t mu;    /* head, tail, done, failed */
    pthread_cond_t cv;
    struct buf slot[PIPE_SLOTS];
    size_t rows[PIPE_SLOTS];
    unsigned head, tail; /* slots handed over / drained, counted from 0 */
    int done, failed;
    struct fc_error err; /* the writer's failure */
};

static void put(struct rowpipe *p, char tag, const void *v, size_t n)
{
    struct buf *b = &p->slot[p->head % PIPE_SLOTS];

    buf_addch(b, tag);
    buf_add(b, v, n);
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

    if (n > INT32_MAX)
        BUG("row value of %zu bytes", n);
    put(p, 'T', &len, sizeof(len));
    buf_add(&p->slot[p->head % PIPE_SLOTS], s, n);
}

/* Binds and steps every row of one slot; 0 or FC_EDB with p->err set. */
static int drain(struct rowpipe *p, const struct buf *b, size_t rows)
{
    const char *at = b->ptr;
    int rc = FC_OK;

    for (size_t r = 0; r < rows && !rc; r++) {
        pthread_mutex_lock(&p->db_mu);
        for (int i = 1; i <= p->nbind; i++) {
            char tag = *at++;
            int64_t iv;
            double dv;
            uint32_t len;

            switch (tag) {
            case 'I':
                memcpy(&iv, at, sizeof(iv));
                at += sizeof(iv);
                sqlite3_bind_int64(p->st, i, iv);
                break;
            case 'D':
                memcpy(&dv, at, sizeof(dv));
                at += sizeof(dv);
                sqlite3_bind_double(p->st, i, dv);
                break;
            case 'T':
                memcpy(&len, at, sizeof(len));
                at += sizeof(len);
                sqlite3_bind_text(p->st, i, at, (int)len, SQLITE_STATIC);
                at += len;
                break;
            default: sqlite3_bind_null(p->st, i); break;
            }
        }
        if (sqlite3_step(p->st) != SQLITE_DONE)
            rc = fc_error_setsys(&p->err, FC_EDB, sqlite3_extended_errcode(p->db),
                                 "cannot insert a row: %s", sqlite3_errmsg(p->db));
        sqlite3_reset(p->st);
        pthread_mutex_unlock(&p->db_mu);
    }
    return rc;
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

struct rowpipe *rowpipe_start(sqlite3 *db, sqlite3_stmt *st, int nbind)
{
    struct rowpipe *p = xcalloc(1, sizeof(*p));

    p->db = db;
    p->st = st;
    p->nbind = nbind;
    for (int i = 0; i < PIPE_SLOTS; i++)
        buf_init(&p->slot[i]);
    pthread_mutex_init(&p->db_mu, NULL);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, writer, p) != 0)
        fc_die("cannot start the insert thread");
    return p;
}

int rowpipe_end_row(struct rowpipe *p, struct fc_error *err)
{
    int failed;

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
