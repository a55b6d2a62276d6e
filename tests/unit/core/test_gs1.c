/* Tests for the GS1 element string parser: the three input forms give one
 * canonical text, fixed and variable lengths are enforced, and hostile input
 * (truncated, over-long, control bytes) is rejected with a reason. */
#include "core/ident/gs1.h"

#include "core/base/error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <stdio.h>

#define GTIN "06901234567892"
#define CANON "(01)" GTIN "(17)270131(10)LOT123(21)SN0001"

static struct ident_gs1 g;

static int parse(const char *s, const char **why)
{
    *why = NULL;
    return ident_gs1_parse(s, strlen(s), &g, why);
}

static void expect_fail(const char *s, const char *reason)
{
    const char *why = NULL;

    assert_int_equal(parse(s, &why), FC_EINPUT);
    assert_non_null(why);
    assert_string_equal(why, reason);
    assert_int_equal(g.n_elements, 0);
    assert_string_equal(g.gtin, "");
}

static void expect_ok(const char *s)
{
    const char *why = NULL;
    int rc = parse(s, &why);

    if (rc)
        fail_msg("'%s' rejected: %s", s, why);
}

static void test_degenerate(void **state)
{
    const char *why = NULL;
    char *big;

    (void)state;
    assert_int_equal(ident_gs1_parse(NULL, 0, &g, &why), FC_EINPUT);
    assert_string_equal(why, "empty");
    assert_int_equal(ident_gs1_parse("", 0, &g, NULL), FC_EINPUT);
    expect_fail("]d2", "empty");
    expect_fail("\x1d", "empty");
    expect_fail("]d2\x1d", "empty");
    /* found by fuzzing: separators alone were accepted as a string of no elements */
    expect_fail("\x1d\x1d", "empty");
    expect_fail("]C1\x1d\x1d\x1d", "empty");
    expect_fail("]d1"
                "01" GTIN,
                "not a GS1 symbology");
    expect_fail("]", "not a GS1 symbology");
    expect_fail("hello", "not an AI");
    expect_fail(" 01" GTIN, "not an AI");

    big = malloc(IDENT_GS1_MAX_INPUT + 2);
    memset(big, '1', IDENT_GS1_MAX_INPUT + 1);
    memcpy(big, "10", 2);
    assert_int_equal(ident_gs1_parse(big, IDENT_GS1_MAX_INPUT + 1, &g, &why), FC_EINPUT);
    assert_string_equal(why, "too long");
    free(big);
}

static void test_check_digit(void **state)
{
    (void)state;
    assert_int_equal(ident_gs1_check_digit("0690123456789", 13), '2');
    assert_int_equal(ident_gs1_check_digit("690123456789", 12), '2');
    assert_int_equal(ident_gs1_check_digit("8690231000002", 13), '5');
    assert_int_equal(ident_gs1_check_digit("9638507", 7), '4');
    assert_int_equal(ident_gs1_check_digit("400638133393", 12), '1');
    assert_int_equal(ident_gs1_check_digit("", 0), '0');
    assert_int_equal(ident_gs1_check_digit("69a", 3), 0);
}

static void check_parts(void)
{
    assert_string_equal(g.gtin, GTIN);
    assert_string_equal(g.expiry, "270131");
    assert_int_equal(g.exp_year, 2027);
    assert_int_equal(g.exp_month, 1);
    assert_int_equal(g.exp_day, 31);
    assert_string_equal(g.lot, "LOT123");
    assert_string_equal(g.serial, "SN0001");
    assert_int_equal(g.n_elements, 4);
    assert_string_equal(g.text, CANON);
}

static void test_forms(void **state)
{
    (void)state;
    expect_ok("01" GTIN "17270131"
              "10LOT123\x1d"
              "21SN0001");
    check_parts();
    expect_ok(CANON);
    check_parts();
    expect_ok("]d2"
              "01" GTIN "17270131"
              "10LOT123\x1d"
              "21SN0001");
    check_parts();
    expect_ok("]Q3"
              "01" GTIN "17270131"
              "10LOT123\x1d"
              "21SN0001\x1d");
    check_parts();
    expect_ok("]C1" CANON);
    check_parts();
    expect_ok("\x1d"
              "01" GTIN "17270131"
              "10LOT123\x1d"
              "21SN0001");
    check_parts();
    expect_ok("]d2\x1d"
              "01" GTIN "\x1d"
              "17270131\x1d"
              "10LOT123\x1d\x1d"
              "21SN0001");
    check_parts();
    /* serial before lot, as many Chinese printers encode it */
    expect_ok("01" GTIN "21SN0001\x1d"
              "17270131"
              "10LOT123");
    assert_string_equal(g.text, "(01)" GTIN "(21)SN0001(17)270131(10)LOT123");
    expect_ok("]e0"
              "01" GTIN);
    assert_string_equal(g.gtin, GTIN);
    assert_int_equal(g.n_elements, 1);
    expect_ok("]J1"
              "(10)A");
    assert_string_equal(g.lot, "A");
}

static void test_expiry(void **state)
{
    (void)state;
    expect_ok("(17)270200");
    assert_int_equal(g.exp_day, 28);
    expect_ok("(17)280200");
    assert_int_equal(g.exp_day, 29);
    expect_ok("(17)301100");
    assert_int_equal(g.exp_month, 11);
    assert_int_equal(g.exp_day, 30);
    expect_ok("(17)291231");
    assert_int_equal(g.exp_year, 2029);
    expect_fail("(17)270229", "no such expiry date");
    expect_fail("(17)271301", "no such expiry date");
    expect_fail("(17)270001", "no such expiry date");
    expect_fail("(17)2701AA", "bad character in element");
}

static void test_truncated(void **state)
{
    (void)state;
    expect_fail("01069012345678", "truncated element");
    expect_fail("01" GTIN "172701", "truncated element");
    expect_fail("01" GTIN "17", "empty element data");
    expect_fail("(17)2701", "truncated element");
    expect_fail("(17)27013100", "element too long");
    expect_fail("(01", "unclosed '('");
    expect_fail("(01)" GTIN "(", "unclosed '('");
    expect_fail("(01)", "empty element data");
    expect_fail("01069012\x1d"
                "34567892",
                "truncated element");
    expect_fail("10\x1d"
                "21S",
                "empty element data");
    expect_fail("0", "unknown AI");
}

static void test_lengths(void **state)
{
    (void)state;
    expect_ok("10ABCDEFGHIJ0123456789");
    assert_string_equal(g.lot, "ABCDEFGHIJ0123456789");
    expect_fail("10ABCDEFGHIJ01234567890", "lot longer than 20");
    expect_fail("10ABCDEFGHIJ01234567890\x1d"
                "21X",
                "lot longer than 20");
    expect_ok("(21)ABCDEFGHIJ0123456789");
    assert_string_equal(g.serial, "ABCDEFGHIJ0123456789");
    expect_fail("(21)ABCDEFGHIJ01234567890", "serial longer than 20");
    expect_fail("01" GTIN "21ABCDEFGHIJ01234567890", "serial longer than 20");
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_fail("01"
                "06901234567893",
                "bad check digit");
    expect_fail("(01)06901234567893(10)A", "bad check digit");
    expect_fail("(00)006901234567892", "truncated element");
    expect_fail("(05)123", "unknown AI");
    expect_fail("(1)123", "unknown AI");
    expect_fail("(010)" GTIN, "unknown AI");
    expect_fail("01" GTIN "05123", "unknown AI");
    expect_fail("10AB\x01", "bad character in element");
    expect_fail("10AB\xe4\xb8\xad", "bad character in element");
    expect_fail("10AB CD", "bad character in element");
    expect_fail("(10)A(10)B", "repeated AI");
    expect_fail("(21)A(21)B", "repeated AI");
    expect_fail("(01)" GTIN "(01)" GTIN, "repeated AI");
    expect_fail("(17)270131(17)270131", "repeated AI");
    expect_fail("(30)12a", "bad character in element");
    expect_fail("x(01)" GTIN, "not an AI");
}

static void test_other_ais(void **state)
{
    (void)state;
    expect_ok("(01)" GTIN "(11)250101(240)ABC-1(30)12(3103)001250(10)L1(21)S1");
    assert_int_equal(g.n_elements, 7);
    assert_string_equal(g.lot, "L1");
    assert_string_equal(g.serial, "S1");
    assert_string_equal(g.text, "(01)" GTIN "(11)250101(240)ABC-1(30)12(3103)001250(10)L1(21)S1");
    expect_ok("01" GTIN "11250101"
              "240ABC-1\x1d"
              "3012\x1d"
              "3103001250"
              "10L1\x1d"
              "21S1");
    assert_int_equal(g.n_elements, 7);
    assert_string_equal(g.text, "(01)" GTIN "(11)250101(240)ABC-1(30)12(3103)001250(10)L1(21)S1");
    expect_ok("(00)106141411234567897(02)" GTIN "(37)24(400)PO-77(20)01(15)270100");
    assert_int_equal(g.n_elements, 6);
    assert_string_equal(g.gtin, "");
    expect_ok("(714)1234567(710)ABC");
    expect_ok("(91)anything-goes_here(92)x");
    expect_fail("(00)106141411234567898", "bad check digit");
}

/* The AI table against GS1's General Specifications: 422 is N3, 7003 is
 * N10 (a date and time), dates of AIs 11-17 are checked, unassigned measure
 * AIs are refused. */
static void test_ai_formats(void **state)
{
    (void)state;
    expect_ok("(01)" GTIN "(422)156");
    expect_fail("(01)" GTIN "(422)15", "element too short");
    expect_fail("(01)" GTIN "(422)1567", "element too long");
    expect_ok("(01)" GTIN "(7003)2701311230");
    expect_fail("(01)" GTIN "(7003)270131123", "element too short");
    expect_fail("(01)" GTIN "(7003)2702301230", "no such date");
    expect_fail("(01)" GTIN "(7003)2701312460", "no such time");
    for (const char *const *ai = (const char *const[]){"11", "12", "13", "15", "16", NULL}; *ai;
         ai++) {
        char s[64];
        snprintf(s, sizeof(s), "(01)" GTIN "(%s)270131", *ai);
        expect_ok(s);
        snprintf(s, sizeof(s), "(01)" GTIN "(%s)270100", *ai);
        expect_ok(s);
        snprintf(s, sizeof(s), "(01)" GTIN "(%s)271301", *ai);
        expect_fail(s, "no such date");
        snprintf(s, sizeof(s), "(01)" GTIN "(%s)270230", *ai);
        expect_fail(s, "no such date");
    }
    expect_ok("(01)" GTIN "(3105)001250");
    expect_ok("(01)" GTIN "(3375)001250");
    expect_fail("(01)" GTIN "(3106)001250", "unknown AI");
    expect_fail("(01)" GTIN "(3170)001250", "unknown AI");
    expect_fail("(01)" GTIN "(3380)001250", "unknown AI");
    expect_fail("01" GTIN "3190001250", "unknown AI");
}

/* A lot holding "(17)" must not read back as lot + expiry: the canonical text
 * escapes parentheses in data, and two different element strings never share
 * one text. */
static void test_canonical_text_unambiguous(void **state)
{
    char a[256], b[256];
    (void)state;

    expect_ok("01" GTIN "10A(17)270131");
    assert_string_equal(g.lot, "A(17)270131");
    assert_string_equal(g.expiry, "");
    snprintf(a, sizeof(a), "%s", g.text);
    assert_string_equal(a, "(01)" GTIN "(10)A\\(17\\)270131");
    expect_ok("01" GTIN "17270131"
              "10A");
    snprintf(b, sizeof(b), "%s", g.text);
    assert_string_not_equal(a, b);
    /* the text parses back to the same element string */
    expect_ok(a);
    assert_string_equal(g.lot, "A(17)270131");
    assert_string_equal(g.text, a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_degenerate), cmocka_unit_test(test_check_digit),
        cmocka_unit_test(test_forms),      cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_truncated),  cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_bad_values), cmocka_unit_test(test_other_ais),
        cmocka_unit_test(test_ai_formats), cmocka_unit_test(test_canonical_text_unambiguous),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
