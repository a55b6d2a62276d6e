/* Order and anomaly filter of the pharmacy drug table (ui/pharmacy_rows.c). */
#include "ui/pharmacy_rows.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct ui_drug_row mk(const char *code, const char *name, int has_book, double variance,
                             enum ui_severity sev)
{
    struct ui_drug_row r;

    memset(&r, 0, sizeof(r));
    strcpy(r.code, code);
    strcpy(r.name, name);
    r.has_book = has_book;
    r.variance = variance;
    r.severity = sev;
    return r;
}

/* pharmacy_rows_order of the n rows by sort (only: anomalies only) lists
 * exactly the indexes want, in that order; want ends at -1. */
static void order_is(const struct ui_drug_row *rows, size_t n, enum pharmacy_sort sort, int only,
                     const int *want)
{
    size_t idx[8], count = 0;

    while (want[count] >= 0)
        count++;
    assert_int_equal(pharmacy_rows_order(rows, n, sort, only, idx), count);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(idx[i], want[i]);
}

static void test_empty(void **state)
{
    size_t idx[1] = {99};

    (void)state;
    assert_int_equal(pharmacy_rows_order(NULL, 0, PHARMACY_SORT_VARIANCE, 1, idx), 0);
    assert_int_equal(idx[0], 99);
}

static void test_sorts(void **state)
{
    struct ui_drug_row rows[4];

    (void)state;
    rows[0] = mk("X3", "b", 1, -2, UI_SEV_WARN);
    rows[1] = mk("X1", "c", 1, 5, UI_SEV_ANOMALY);
    rows[2] = mk("X2", "a", 1, -7, UI_SEV_ANOMALY);
    rows[3] = mk("X0", "a", 1, 0, UI_SEV_OK);
    order_is(rows, 4, PHARMACY_SORT_CODE, 0, (const int[]){3, 1, 2, 0, -1});
    /* largest gap first, shortage or surplus alike */
    order_is(rows, 4, PHARMACY_SORT_VARIANCE, 0, (const int[]){2, 1, 0, 3, -1});
    /* equal names fall back to the code */
    order_is(rows, 4, PHARMACY_SORT_NAME, 0, (const int[]){3, 2, 0, 1, -1});
}

static void test_blind_variance_sorts_by_code(void **state)
{
    struct ui_drug_row rows[3];

    (void)state;
    rows[0] = mk("X2", "a", 0, -50, UI_SEV_NONE);
    rows[1] = mk("X9", "b", 0, 3, UI_SEV_NONE);
    rows[2] = mk("X1", "c", 0, -1, UI_SEV_NONE);
    order_is(rows, 3, PHARMACY_SORT_VARIANCE, 0, (const int[]){2, 0, 1, -1});
}

static void test_filter(void **state)
{
    struct ui_drug_row rows[4];

    (void)state;
    rows[0] = mk("X3", "b", 1, -2, UI_SEV_WARN);
    rows[1] = mk("X1", "c", 1, 0, UI_SEV_OK);
    rows[2] = mk("X2", "a", 1, -7, UI_SEV_ANOMALY);
    rows[3] = mk("X0", "a", 1, 0, UI_SEV_NONE);
    assert_true(pharmacy_row_is_anomaly(&rows[0]));
    assert_false(pharmacy_row_is_anomaly(&rows[1]));
    order_is(rows, 4, PHARMACY_SORT_CODE, 1, (const int[]){2, 0, -1});
    order_is(rows, 4, PHARMACY_SORT_VARIANCE, 1, (const int[]){2, 0, -1});
}

static void test_sort_names(void **state)
{
    (void)state;
    assert_string_equal(pharmacy_sort_name(PHARMACY_SORT_VARIANCE), "variance");
    assert_string_equal(pharmacy_sort_name(PHARMACY_SORT_NAME), "name");
    assert_string_equal(pharmacy_sort_name(PHARMACY_SORT_CODE), "code");
    assert_string_equal(pharmacy_sort_name(PHARMACY_SORT_COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_sorts),
        cmocka_unit_test(test_blind_variance_sorts_by_code),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_sort_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
