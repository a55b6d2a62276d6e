/* Exact money and quantity parsing: no float ever touches a parsed amount. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/base/money.h"

static void test_parse_rejects(void **state)
{
    int64_t v = 7;

    (void)state;
    assert_int_equal(money_parse(NULL, &v), FC_EINPUT);
    assert_int_equal(money_parse("", &v), FC_EINPUT);
    assert_int_equal(money_parse(".", &v), FC_EINPUT);
    assert_int_equal(money_parse("1.", &v), FC_EINPUT);
    assert_int_equal(money_parse("-1", &v), FC_EINPUT);
    assert_int_equal(money_parse("1.234", &v), FC_EINPUT);
    assert_int_equal(money_parse("1,000", &v), FC_EINPUT);
    assert_int_equal(money_parse("1e3", &v), FC_EINPUT);
    assert_int_equal(money_parse("1.2.3", &v), FC_EINPUT);
    assert_int_equal(money_parse("99999999999999999999", &v), FC_EINPUT);
    assert_int_equal(v, 7);
}

static void test_parse_exact(void **state)
{
    int64_t v = 0;

    (void)state;
    assert_int_equal(money_parse("12.34", &v), 0);
    assert_int_equal(v, 1234);
    assert_int_equal(money_parse("0.1", &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(money_parse(".5", &v), 0);
    assert_int_equal(v, 50);
    assert_int_equal(money_parse("¥8", &v), 0);
    assert_int_equal(v, 800);
    assert_int_equal(money_parse("10000000000000", &v), 0);
    assert_int_equal(v, MONEY_MAX_FEN);
    assert_int_equal(money_parse("10000000000000.01", &v), FC_EINPUT);
}

static void test_format_and_qty(void **state)
{
    struct buf b = BUF_INIT;
    int64_t q = 0, fen = 0;

    (void)state;
    money_format(&b, 5);
    buf_adds(&b, " ");
    money_format(&b, 123450);
    buf_adds(&b, " ");
    money_format(&b, -101);
    assert_string_equal(b.ptr, "0.05 1234.50 -1.01");
    buf_reset(&b);
    assert_int_equal(qty_parse("2.5", &q), 0);
    assert_int_equal(q, 2500);
    qty_format(&b, q);
    buf_adds(&b, " ");
    qty_format(&b, 3000);
    buf_adds(&b, " ");
    qty_format(&b, 1);
    assert_string_equal(b.ptr, "2.5 3 0.001");
    assert_int_equal(qty_parse("1.0001", &q), FC_EINPUT);
    assert_int_equal(money_mul_qty(2500, 33, &fen), 0);
    assert_int_equal(fen, 83); /* 82.5 rounds half up */
    assert_int_equal(money_mul_qty(INT64_MAX / 2, 100, &fen), FC_ELIMIT);
    /* REAL yuan from the reference database round to the nearest fen */
    assert_int_equal(money_from_yuan(0.1 + 0.2), 30);
    assert_int_equal(money_from_yuan(19.99), 1999);
    assert_int_equal(qty_from_real(0.3), 300);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_parse_exact),
        cmocka_unit_test(test_format_and_qty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
