/* Tests for the report kit's one cell writer (core/report/cell.h): CSV
 * quoting and the formula guard (plain numbers stay numbers), and Markdown
 * cells that can neither break the table, inject markup, nor carry control,
 * bidirectional or invalid bytes to the reader. */
#include "core/report/cell.h"

#include "core/base/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void csv_is(const char *in, const char *want)
{
    struct buf b = BUF_INIT;

    report_csv_cell(&b, in);
    if (strcmp(b.ptr ? b.ptr : "", want))
        fail_msg("csv '%s' gave '%s', wanted '%s'", in ? in : "(null)", b.ptr ? b.ptr : "", want);
    buf_release(&b);
}

static void md_is(const char *in, const char *want)
{
    struct buf b = BUF_INIT;

    report_md_text(&b, in);
    if (strcmp(b.ptr ? b.ptr : "", want))
        fail_msg("md gave '%s', wanted '%s'", b.ptr ? b.ptr : "", want);
    buf_release(&b);
}

static void test_csv(void **state)
{
    (void)state;
    csv_is(NULL, "");
    csv_is("", "");
    csv_is("S001", "S001");
    csv_is("张*三", "张*三");
    csv_is("a,b", "\"a,b\"");
    csv_is("say \"hi\"", "\"say \"\"hi\"\"\"");
    csv_is("two\nlines", "\"two\nlines\"");
    /* numbers with a sign are data */
    csv_is("-14", "-14");
    csv_is("+2.5", "+2.5");
    /* what a spreadsheet would run is quoted and made text */
    csv_is("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
    csv_is("+1+1", "\"'+1+1\"");
    csv_is("-2-3", "\"'-2-3\"");
    csv_is("@SUM(A1)", "\"'@SUM(A1)\"");
    csv_is("\tx", "\"'\tx\"");
}

static void test_md(void **state)
{
    (void)state;
    md_is(NULL, "");
    md_is("W01:3", "W01:3");
    md_is("a|b", "a\\|b");
    md_is("back\\slash", "back\\\\slash");
    md_is("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;");
    md_is("two\nlines\r\tend", "two lines  end");
    md_is("\x1b[2J", "\\x1B[2J");
    /* a right-to-left override would make a note read backwards */
    md_is("abc\xe2\x80\xae"
          "def",
          "abc\\u202edef");
    md_is("\xe2\x81\xa6x", "\\u2066x");
    /* a byte that is not UTF-8 is shown, not passed on */
    md_is("a\xff"
          "b",
          "a\\xffb");
    md_is("病人甲", "病人甲");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_md),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
