/* Tests for terminal fitness and the scan hints (ui/term.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/term.h"

static void test_term_fit(void **state)
{
    (void)state;
    assert_int_equal(ui_term_fit(NULL, NULL), UI_TERM_REFUSED);
    assert_int_equal(ui_term_fit("", NULL), UI_TERM_REFUSED);
    assert_int_equal(ui_term_fit("dumb", NULL), UI_TERM_REFUSED);
    assert_int_equal(ui_term_fit("unknown", NULL), UI_TERM_REFUSED);
    assert_int_equal(ui_term_fit("linux", NULL), UI_TERM_NO_CJK);
    assert_int_equal(ui_term_fit("linux-16color", ""), UI_TERM_NO_CJK);
    assert_int_equal(ui_term_fit("linux", "1"), UI_TERM_OK); /* fbterm draws CJK */
    assert_int_equal(ui_term_fit("xterm-256color", NULL), UI_TERM_OK);
    assert_int_equal(ui_term_fit("screen", NULL), UI_TERM_OK);
    assert_int_equal(ui_term_fit("tmux-256color", NULL), UI_TERM_OK);
}

static void test_no_color(void **state)
{
    (void)state;
    assert_false(ui_no_color(NULL));
    assert_false(ui_no_color(""));
    assert_true(ui_no_color("1"));
    assert_true(ui_no_color("0")); /* any value: no-color.org */
}

static void test_scan_hints(void **state)
{
    (void)state;
    assert_int_equal(ui_scan_hint_of(NULL), UI_HINT_NONE);
    assert_int_equal(ui_scan_hint_of("440304196309076320"), UI_HINT_NONE);
    assert_int_equal(ui_scan_hint_of("W01-1"), UI_HINT_NONE);
    /* Caps Lock on: a scanner's letters come out inverted */
    assert_int_equal(ui_scan_hint_of("w01-1"), UI_HINT_NONE); /* one letter: too little */
    assert_int_equal(ui_scan_hint_of("wb|zy202610007|63|f"), UI_HINT_CAPS);
    assert_int_equal(ui_scan_hint_of("empty_bed"), UI_HINT_CAPS);
    assert_int_equal(ui_scan_hint_of("WB|ZY202610007|63|F"), UI_HINT_NONE);
    /* an input method on: full-width or Chinese characters */
    assert_int_equal(ui_scan_hint_of("\xef\xbc\xb7\xef\xbc\x90\xef\xbc\x91"),
                     UI_HINT_IME); /* ＷＯ１ */
    assert_int_equal(ui_scan_hint_of("床位"), UI_HINT_IME);
    assert_true(ui_burst_without_enter_is_suspect(12));
    assert_false(ui_burst_without_enter_is_suspect(3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_term_fit),
        cmocka_unit_test(test_no_color),
        cmocka_unit_test(test_scan_hints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
