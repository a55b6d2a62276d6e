/* Tests for the terminal text filter: what a hostile mission file, note or
 * file name can put on a screen, escaped; Chinese text and plain ASCII
 * unchanged; UTF-8 sequences cut between two writes put back together. */
#include "core/base/text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void check(const char *in, unsigned flags, const char *want)
{
    struct buf b = BUF_INIT;
    size_t used = text_escape(&b, in, strlen(in), flags);

    assert_int_equal(used, strlen(in));
    assert_string_equal(b.ptr ? b.ptr : "", want);
    buf_release(&b);
}

static void test_empty(void **state)
{
    struct buf b = BUF_INIT;

    (void)state;
    assert_int_equal(text_escape(&b, "", 0, 0), 0);
    assert_int_equal(b.len, 0);
    text_escape_str(&b, NULL);
    assert_int_equal(b.len, 0);
}

static void test_plain_unchanged(void **state)
{
    (void)state;
    check("Ward 3, bed 12: 张三 (ok) \\path", 0, "Ward 3, bed 12: 张三 (ok) \\path");
    check("a\tb\n", TEXT_KEEP_LINES, "a\tb\n");
}

static void test_controls(void **state)
{
    (void)state;
    /* the escapes the hostile roster used: retitle, clear, overwrite */
    check("\033]0;owned\007\033[2J\rFAKE", 0, "\\x1b]0;owned\\x07\\x1b[2J\\x0dFAKE");
    check("a\nb\tc", 0, "a\\x0ab\\x09c");
    check("\x7f", 0, "\\x7f");
    check("\xc2\x9b"
          "31m",
          0, "\\u009b31m"); /* C1 CSI */
}

static void test_bidi(void **state)
{
    (void)state;
    check("abc\xe2\x80\xae"
          "fdp.exe",
          0, "abc\\u202efdp.exe");
    check("\xe2\x81\xa6x\xe2\x81\xa9", 0, "\\u2066x\\u2069");
    check("\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8", 0, "\\u200f\\u061c\\u2028");
    assert_true(text_is_unsafe(0x202A));
    assert_false(text_is_unsafe(0x2026)); /* the ellipsis the TUI draws */
    assert_false(text_is_unsafe(0x5F20));
}

static void test_invalid_bytes(void **state)
{
    (void)state;
    check("\xff\xfe", 0, "\\xff\\xfe");
    check("\xe5\xbc", 0, "\\xe5\\xbc"); /* truncated, nothing follows */
    check("\xc0\x80", 0, "\\xc0\\x80"); /* overlong NUL */
}

static void test_partial(void **state)
{
    struct buf b = BUF_INIT;
    const char *zhang = "\xe5\xbc\xa0"; /* 张 */

    (void)state;
    /* a write that ends inside a sequence leaves it for the next one */
    assert_int_equal(text_escape(&b, "ab\xe5\xbc", 4, TEXT_PARTIAL), 2);
    assert_string_equal(b.ptr, "ab");
    assert_int_equal(text_escape(&b, zhang, 3, TEXT_PARTIAL), 3);
    assert_string_equal(b.ptr, "ab\xe5\xbc\xa0");
    /* a byte that can never start a sequence is escaped even then */
    buf_reset(&b);
    assert_int_equal(text_escape(&b, "a\xff", 2, TEXT_PARTIAL), 2);
    assert_string_equal(b.ptr, "a\\xff");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),         cmocka_unit_test(test_plain_unchanged),
        cmocka_unit_test(test_controls),      cmocka_unit_test(test_bidi),
        cmocka_unit_test(test_invalid_bytes), cmocka_unit_test(test_partial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
