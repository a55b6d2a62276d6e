/* The worksheet's windowed list model (ui/susp_window.h). The cache is one
 * contiguous slice of the filtered list; a move that needs rows next to the
 * slice extends it by keyset from its first or last susp_id, a jump to an
 * end loads from that end, and the slice is trimmed back to a few pages, so
 * memory and per-key work stay flat with the length of the list. */
#include "ui/susp_window.h"

#include "core/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEP_BEFORE 2 /* pages kept above the screen */
#define KEEP_AFTER 3  /* pages kept from the top of the screen down */

void susp_window_init(struct susp_window *w, const struct ui_flight_model *m, const char *visit_id,
                      long page)
{
    memset(w, 0, sizeof(*w));
    w->m = m;
    snprintf(w->visit, sizeof(w->visit), "%s", visit_id ? visit_id : "");
    w->page = page > 0 ? page : 1;
    w->sel = -1;
}

void susp_window_release(struct susp_window *w)
{
    free(w->rows);
    w->rows = NULL;
    w->n = w->cap = 0;
}

struct collect {
    struct ui_susp_row *rows;
    size_t n, cap;
};

static void collect_emit(void *ctx, const struct ui_susp_row *row)
{
    struct collect *c = ctx;

    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->rows = xreallocarray(c->rows, c->cap, sizeof(*c->rows));
    }
    c->rows[c->n++] = *row;
}

/* One page query into c (rows in the model's order). */
static int fetch(struct susp_window *w, const char *key, enum ui_seek seek, long limit,
                 struct collect *c, struct fc_error *err)
{
    memset(c, 0, sizeof(*c));
    w->queries++;
    if (limit <= 0)
        return 0;
    return w->m->page(w->m->user, w->visit, &w->q, key, seek, (size_t)limit, collect_emit, c, err);
}

static void reverse(struct collect *c)
{
    for (size_t i = 0, j = c->n; i + 1 < j--; i++) {
        struct ui_susp_row t = c->rows[i];
        c->rows[i] = c->rows[j];
        c->rows[j] = t;
    }
}

/* Makes rows[] exactly c's rows at list position off. */
static void replace_rows(struct susp_window *w, struct collect *c, long off)
{
    free(w->rows);
    w->rows = c->rows;
    w->n = c->n;
    w->cap = c->cap;
    w->off = off;
    memset(c, 0, sizeof(*c));
}

/* Makes room in rows[] for c's rows besides the cached ones. */
static void reserve_rows(struct susp_window *w, const struct collect *c)
{
    if (w->n + c->n > w->cap) {
        w->cap = w->n + c->n;
        w->rows = xreallocarray(w->rows, w->cap, sizeof(*w->rows));
    }
}

static void append_rows(struct susp_window *w, struct collect *c)
{
    reserve_rows(w, c);
    if (c->n)
        memcpy(w->rows + w->n, c->rows, c->n * sizeof(*c->rows));
    w->n += c->n;
    free(c->rows);
    memset(c, 0, sizeof(*c));
}

static void prepend_rows(struct susp_window *w, struct collect *c)
{
    reserve_rows(w, c);
    if (w->n)
        memmove(w->rows + c->n, w->rows, w->n * sizeof(*w->rows));
    if (c->n)
        memcpy(w->rows, c->rows, c->n * sizeof(*c->rows));
    w->n += c->n;
    w->off -= (long)c->n;
    free(c->rows);
    memset(c, 0, sizeof(*c));
}

/* Drops cached rows far from the screen. */
static void trim(struct susp_window *w)
{
    long lo = w->top - KEEP_BEFORE * w->page, hi = w->top + KEEP_AFTER * w->page;
    long end = w->off + (long)w->n;

    if (end > hi) {
        w->n = (size_t)(hi > w->off ? hi - w->off : 0);
        end = w->off + (long)w->n;
    }
    if (lo > w->off) {
        size_t drop = (size_t)(lo < end ? lo - w->off : (long)w->n);
        memmove(w->rows, w->rows + drop, (w->n - drop) * sizeof(*w->rows));
        w->n -= drop;
        w->off += (long)drop;
    }
}

/* Clamps the selection into the list and the screen around it. */
static void clamp(struct susp_window *w)
{
    if (w->total <= 0) {
        w->total = 0;
        w->sel = -1;
        w->top = 0;
        return;
    }
    if (w->sel < 0)
        w->sel = 0;
    if (w->sel >= w->total)
        w->sel = w->total - 1;
    if (w->sel < w->top)
        w->top = w->sel;
    if (w->sel >= w->top + w->page)
        w->top = w->sel - w->page + 1;
    if (w->top > w->total - w->page)
        w->top = w->total - w->page;
    if (w->top < 0)
        w->top = 0;
}

/* Loads what the screen shows: positions top .. top+page-1. */
static int ensure(struct susp_window *w, struct fc_error *err)
{
    for (int round = 0; round < 3; round++) {
        long a, b, end = w->off + (long)w->n;
        struct collect c;
        int rc;

        clamp(w);
        a = w->top;
        b = w->top + w->page < w->total ? w->top + w->page : w->total;
        if (b <= a || (w->n && a >= w->off && b <= end))
            return 0;
        if (w->n && a >= w->off && a <= end) {
            long want = b - end + w->page;
            rc = fetch(w, w->rows[w->n - 1].susp_id, UI_SEEK_AFTER, want, &c, err);
            if (rc) {
                free(c.rows);
                return rc;
            }
            if ((long)c.n < want && end + (long)c.n < b)
                w->total = end + (long)c.n; /* the list ends sooner than counted */
            append_rows(w, &c);
        } else if (w->n && b >= w->off && b <= end) {
            long want = w->off - a + w->page;
            rc = fetch(w, w->rows[0].susp_id, UI_SEEK_BEFORE, want, &c, err);
            if (rc) {
                free(c.rows);
                return rc;
            }
            long got = (long)c.n;
            reverse(&c);
            prepend_rows(w, &c);
            if (w->off < 0 || (got < want && w->off > 0)) {
                /* the list starts sooner than counted: renumber from 0 */
                w->sel -= w->off;
                w->top -= w->off;
                w->total -= w->off;
                w->off = 0;
            }
        } else if (a <= w->total - b) {
            rc = fetch(w, NULL, UI_SEEK_FROM, b + w->page, &c, err);
            if (rc) {
                free(c.rows);
                return rc;
            }
            if ((long)c.n < b)
                w->total = (long)c.n;
            replace_rows(w, &c, 0);
        } else {
            rc = fetch(w, NULL, UI_SEEK_BEFORE, w->total - a + w->page, &c, err);
            if (rc) {
                free(c.rows);
                return rc;
            }
            reverse(&c);
            replace_rows(w, &c, w->total - (long)c.n);
            if (w->off < 0) {
                w->total -= w->off;
                w->off = 0;
            }
        }
        trim(w);
    }
    return 0;
}

int susp_window_reset(struct susp_window *w, const struct ui_flight_query *q, struct fc_error *err)
{
    long n = 0;
    int rc;

    if (q)
        w->q = *q;
    else
        memset(&w->q, 0, sizeof(w->q));
    w->n = 0;
    w->off = 0;
    w->queries++;
    rc = w->m->count(w->m->user, w->visit, &w->q, &n, err);
    w->total = rc ? 0 : n;
    w->sel = 0;
    w->top = 0;
    if (rc) {
        clamp(w);
        return rc;
    }
    return ensure(w, err);
}

int susp_window_set_page(struct susp_window *w, long page, struct fc_error *err)
{
    w->page = page > 0 ? page : 1;
    return ensure(w, err);
}

int susp_window_move(struct susp_window *w, long delta, struct fc_error *err)
{
    if (w->total <= 0)
        return 0;
    if (delta < 0 && w->sel < -delta)
        w->sel = 0;
    else
        w->sel += delta;
    return ensure(w, err);
}

int susp_window_page_step(struct susp_window *w, int dir, struct fc_error *err)
{
    if (w->total <= 0)
        return 0;
    if (dir > 0 && w->top + w->page >= w->total) {
        w->sel = w->total - 1;
    } else if (dir < 0 && w->top == 0) {
        w->sel = 0;
    } else {
        long step = dir > 0 ? w->page : -w->page;
        w->top += step;
        w->sel += step;
    }
    return ensure(w, err);
}

int susp_window_edge(struct susp_window *w, int end, struct fc_error *err)
{
    if (w->total <= 0)
        return 0;
    w->sel = end ? w->total - 1 : 0;
    return ensure(w, err);
}

int susp_window_jump(struct susp_window *w, const char *susp_id, struct fc_error *err)
{
    struct collect c;
    long pos = 0;
    int rc;

    w->queries++;
    rc = w->m->position(w->m->user, w->visit, &w->q, susp_id, &pos, err);
    if (rc)
        return rc;
    rc = fetch(w, susp_id, UI_SEEK_FROM, w->page * 2, &c, err);
    if (rc) {
        free(c.rows);
        return rc;
    }
    if (!c.n || strcmp(c.rows[0].susp_id, susp_id)) {
        free(c.rows);
        return fc_error_set(err, FC_ENOTFOUND, "line '%s' is not in the list as filtered", susp_id);
    }
    replace_rows(w, &c, pos);
    w->sel = pos;
    w->top = pos - w->page / 2;
    return ensure(w, err);
}

int susp_window_refresh(struct susp_window *w, struct fc_error *err)
{
    struct collect c;
    char sel_id[sizeof(w->rows[0].susp_id)] = "", top_id[sizeof(sel_id)] = "";
    const struct ui_susp_row *r;
    long n = 0;
    int rc;

    if ((r = susp_window_selected(w)))
        snprintf(sel_id, sizeof(sel_id), "%s", r->susp_id);
    if ((r = susp_window_row(w, w->top)))
        snprintf(top_id, sizeof(top_id), "%s", r->susp_id);
    w->queries++;
    rc = w->m->count(w->m->user, w->visit, &w->q, &n, err);
    if (rc)
        return rc;
    w->total = n;
    if (!top_id[0] || !n) {
        w->n = 0;
        w->off = 0;
        return ensure(w, err);
    }
    /* the lines above the screen did not change: reload from its top */
    rc = fetch(w, top_id, UI_SEEK_FROM, w->page * 2, &c, err);
    if (rc) {
        free(c.rows);
        return rc;
    }
    replace_rows(w, &c, w->top);
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->rows[i].susp_id, sel_id))
            w->sel = w->off + (long)i;
    if (w->off + (long)w->n < w->total && (long)w->n < w->page * 2)
        w->total = w->off + (long)w->n;
    return ensure(w, err);
}

const struct ui_susp_row *susp_window_row(const struct susp_window *w, long pos)
{
    if (pos < w->off || pos >= w->off + (long)w->n || pos >= w->total)
        return NULL;
    return &w->rows[pos - w->off];
}

const struct ui_susp_row *susp_window_selected(const struct susp_window *w)
{
    return w->sel < 0 ? NULL : susp_window_row(w, w->sel);
}
