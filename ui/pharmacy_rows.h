/* Order and filter of the pharmacy screen's drug table, curses-free so it can
 * be unit-tested (tests/unit/ui/test_pharmacy_rows.c). */
#ifndef FC_UI_PHARMACY_ROWS_H
#define FC_UI_PHARMACY_ROWS_H

#include "ui/ui.h"

#include <stddef.h>

enum pharmacy_sort {
    PHARMACY_SORT_VARIANCE = 0, /* largest |variance| first; by code while blind */
    PHARMACY_SORT_NAME,         /* by name (bytewise UTF-8), then code */
    PHARMACY_SORT_CODE,         /* by drug code */
    PHARMACY_SORT_COUNT,
};

/* 1 when the row belongs under the anomaly filter: severity WARN or worse
 * (reconciliation flags, boxes already settled, a variance). */
int pharmacy_row_is_anomaly(const struct ui_drug_row *r);

/* Fills idx (room for n) with the indexes of rows in display order under
 * sort, keeping only anomalies when only_anomalies is set. Returns the
 * number of indexes written. Stable: equal keys keep the code order. rows
 * may be NULL when n is 0. */
size_t pharmacy_rows_order(const struct ui_drug_row *rows, size_t n, enum pharmacy_sort sort,
                           int only_anomalies, size_t *idx);

/* Stable English name of a sort ("variance", "name", "code"). */
const char *pharmacy_sort_name(enum pharmacy_sort sort);

#endif
