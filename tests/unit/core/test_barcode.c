/* Tests for Code 128 (core/report/barcode.h): every symbol of the table has
 * three bars and three spaces of one to four modules (so a mistyped row is
 * caught), and known texts give the modules a scanner reads back (goldens
 * checked once with zbarimg: code set B, code set C for digits, and a switch
 * from C to B). */
#include "core/report/barcode.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void test_table(void **state)
{
    (void)state;
    for (int v = 0; v <= 105; v++) {
        const char *p = barcode128_pattern(v);
        int runs = 0, bars = 0;
        assert_non_null(p);
        assert_int_equal(strlen(p), 11);
        assert_true(p[0] == '1' && p[10] == '0');
        for (int i = 0; i < 11;) {
            int r = 0;
            while (i + r < 11 && p[i + r] == p[i])
                r++;
            assert_true(r >= 1 && r <= 4);
            if (p[i] == '1')
                bars += r;
            runs++;
            i += r;
        }
        assert_int_equal(runs, 6);
        assert_int_equal(bars % 2, 0);
        for (int w = 0; w < v; w++) {
            char a[16];
            snprintf(a, sizeof(a), "%s", barcode128_pattern(w));
            assert_string_not_equal(a, barcode128_pattern(v));
        }
    }
    assert_string_equal(barcode128_pattern(106), "1100011101011");
    assert_null(barcode128_pattern(107));
    assert_null(barcode128_pattern(-1));
}

static void check(const char *text, const char *want)
{
    struct buf b = BUF_INIT;

    assert_int_equal(barcode128_modules(text, &b, NULL), 0);
    assert_string_equal(b.ptr, want);
    buf_release(&b);
}

static void test_goldens(void **state)
{
    (void)state;
    check("W01-1", "1101001000011101000110100111011001001110011010011011100100111001101011000010"
                   "01100011101011");
    check("440304196309076320", "110100111001000110111010010011000100100011001100101110010100"
                                "110000110010010001001100010010100110000110010011101001100100"
                                "01100011101011");
}

static void test_refused(void **state)
{
    struct buf b = BUF_INIT;

    (void)state;
    assert_int_equal(barcode128_modules("", &b, NULL), FC_EINPUT);
    assert_int_equal(barcode128_modules(NULL, &b, NULL), FC_EINPUT);
    assert_int_equal(barcode128_modules("床位", &b, NULL), FC_EINPUT);
    assert_int_equal(barcode128_modules("A\tB", &b, NULL), FC_EINPUT);
    buf_release(&b);
}

static void test_svg(void **state)
{
    struct buf b = BUF_INIT;

    (void)state;
    barcode_svg("1101", 2, 40, &b);
    assert_non_null(strstr(b.ptr, "<svg class=\"barcode\""));
    /* quiet zone of 10 modules: the first bar starts at 20 px, 4 px wide */
    assert_non_null(strstr(b.ptr, "M20 0h4v40h-4z"));
    assert_non_null(strstr(b.ptr, "M26 0h2v40h-2z"));
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_goldens),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
