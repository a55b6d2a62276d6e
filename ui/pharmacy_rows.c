/* Sorting and the anomaly filter of the pharmacy drug table. An index array
 * is sorted rather than the rows themselves, so the view's rows stay in the
 * model's order and a selection can be kept by drug code across reloads. */
#include "ui/pharmacy_rows.h"

#include "core/base/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int pharmacy_row_is_anomaly(const struct ui_drug_row *r)
{
    return r->severity >= UI_SEV_WARN;
}

/* qsort has no context argument: the rows travel in each key. */
struct sort_key {
    const struct ui_drug_row *row;
    size_t index;
    enum pharmacy_sort sort;
};

static int cmp_code(const struct sort_key *a, const struct sort_key *b)
{
    int c = strcmp(a->row->code, b->row->code);

    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int key_cmp(const void *pa, const void *pb)
{
    const struct sort_key *a = pa, *b = pb;
    int c;

    switch (a->sort) {
    case PHARMACY_SORT_VARIANCE: {
        /* a hidden variance sorts as zero: blind rows fall back to code order */
        double va = a->row->has_book ? fabs(a->row->variance) : 0;
        double vb = b->row->has_book ? fabs(b->row->variance) : 0;
        if (va != vb)
            return va > vb ? -1 : 1;
        break;
    }
    case PHARMACY_SORT_NAME:
        c = strcmp(a->row->name, b->row->name);
        if (c)
            return c;
        break;
    default: break;
    }
    return cmp_code(a, b);
}

size_t pharmacy_rows_order(const struct ui_drug_row *rows, size_t n, enum pharmacy_sort sort,
                           int only_anomalies, size_t *idx)
{
    struct sort_key *keys = NULL;
    size_t m = 0;

    if (n == 0)
        return 0;
    keys = xcalloc(n, sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        if (only_anomalies && !pharmacy_row_is_anomaly(&rows[i]))
            continue;
        keys[m].row = &rows[i];
        keys[m].index = i;
        keys[m].sort = sort;
        m++;
    }
    qsort(keys, m, sizeof(*keys), key_cmp);
    for (size_t i = 0; i < m; i++)
        idx[i] = keys[i].index;
    free(keys);
    return m;
}

const char *pharmacy_sort_name(enum pharmacy_sort sort)
{
    switch (sort) {
    case PHARMACY_SORT_VARIANCE: return "variance";
    case PHARMACY_SORT_NAME: return "name";
    case PHARMACY_SORT_CODE: return "code";
    default: return "?";
    }
}
