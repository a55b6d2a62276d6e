/* Widget logic without a terminal: width-correct fitting of CJK text, table
 * selection/scrolling/filtering, and the input line's editing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/base/utf8.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"
#include "ui/widget.h"

#include <stdio.h>
#include <string.h>

static void fit(const char *s, size_t cols, enum ui_align al, const char *want)
{
    struct buf b = BUF_INIT;

    ui_text_fit(&b, s, cols, al);
    assert_string_equal(b.ptr, want);
    assert_int_equal(utf8_width(b.ptr), cols);
    buf_release(&b);
}

static void test_fit_degenerate(void **state)
{
    struct buf b = BUF_INIT;
    (void)state;

    ui_text_fit(&b, "abc", 0, UI_ALIGN_LEFT);
    assert_string_equal(b.ptr, "");
    buf_release(&b);
    fit(NULL, 3, UI_ALIGN_LEFT, "   ");
    fit("", 2, UI_ALIGN_RIGHT, "  ");
    fit("abc", 1, UI_ALIGN_LEFT, "\xe2\x80\xa6");
}

static void test_fit_ascii(void **state)
{
    (void)state;
    fit("abc", 5, UI_ALIGN_LEFT, "abc  ");
    fit("42", 5, UI_ALIGN_RIGHT, "   42");
    fit("ab", 5, UI_ALIGN_CENTER, " ab  ");
    fit("abcdef", 6, UI_ALIGN_LEFT, "abcdef");
    fit("abcdefg", 6, UI_ALIGN_LEFT, "abcde\xe2\x80\xa6");
}

static void test_fit_cjk(void **state)
{
    (void)state;
    /* 市第一人民医院: 7 characters, 14 columns */
    fit("市第一人民医院", 16, UI_ALIGN_LEFT, "市第一人民医院  ");
    fit("市第一人民医院", 14, UI_ALIGN_LEFT, "市第一人民医院");
    /* 8 columns: 7 for text + ellipsis; 3 wide chars are 6, one blank */
    fit("市第一人民医院", 8, UI_ALIGN_LEFT, "市第一 \xe2\x80\xa6");
    fit("市第一人民医院", 9, UI_ALIGN_LEFT, "市第一人\xe2\x80\xa6");
    fit("床12", 6, UI_ALIGN_RIGHT, "  床12");
}

static void test_fit_sanitizes(void **state)
{
    (void)state;
    /* the CLI's escapes (core/base/text.h), bidi overrides included */
    fit("a\tb\x1b[2J", 16, UI_ALIGN_LEFT, "a\\x09b\\x1b[2J   ");
    fit("x\xff\xfey", 10, UI_ALIGN_LEFT, "x\\xff\\xfey");
    fit("ab\xe2\x80\xae"
        "cd",
        12, UI_ALIGN_LEFT, "ab\\u202ecd  ");
}

static const struct ui_table_col cols[] = {
    {"Name", "名称", 0, UI_ALIGN_LEFT, 0, 0},
    {"N", "数", 3, UI_ALIGN_RIGHT, 0, 0},
};

static const char *names[] = {"alpha",   "bravo", "charlie", "delta", "echo",
                              "foxtrot", "golf",  "hotel",   "india", "juliet"};

static void cell(void *ctx, size_t row, int col, struct buf *out)
{
    (void)ctx;
    if (col == 0)
        buf_adds(out, names[row]);
    else
        buf_addf(out, "%zu", row);
}

static void test_table_navigation(void **state)
{
    struct ui_table t;
    (void)state;

    ui_table_init(&t, cols, 2, NULL, cell);
    assert_int_equal(ui_table_selected(&t), SIZE_MAX);
    assert_true(ui_table_action(&t, UI_ACT_DOWN)); /* empty: no crash */
    assert_int_equal(ui_table_selected(&t), SIZE_MAX);

    ui_table_set_rows(&t, 10);
    t.page = 4;
    assert_int_equal(ui_table_selected(&t), 0);
    ui_table_action(&t, UI_ACT_UP);
    assert_int_equal(ui_table_selected(&t), 0);
    ui_table_action(&t, UI_ACT_DOWN);
    ui_table_action(&t, UI_ACT_DOWN);
    assert_int_equal(ui_table_selected(&t), 2);
    assert_int_equal(t.top, 0);
    ui_table_action(&t, UI_ACT_PAGE_DOWN);
    assert_int_equal(ui_table_selected(&t), 6);
    assert_int_equal(t.top, 3); /* selection is the last row on screen */
    ui_table_action(&t, UI_ACT_BOTTOM);
    assert_int_equal(ui_table_selected(&t), 9);
    assert_int_equal(t.top, 6);
    ui_table_action(&t, UI_ACT_DOWN);
    assert_int_equal(ui_table_selected(&t), 9);
    ui_table_action(&t, UI_ACT_PAGE_UP);
    assert_int_equal(ui_table_selected(&t), 5);
    ui_table_action(&t, UI_ACT_TOP);
    assert_int_equal(ui_table_selected(&t), 0);
    assert_int_equal(t.top, 0);
    assert_false(ui_table_action(&t, UI_ACT_QUIT));

    /* fewer rows: selection clamps */
    ui_table_action(&t, UI_ACT_BOTTOM);
    ui_table_set_rows(&t, 3);
    assert_int_equal(ui_table_selected(&t), 2);
    ui_table_release(&t);
}

static void test_table_filter(void **state)
{
    struct ui_table t;
    (void)state;

    ui_table_init(&t, cols, 2, NULL, cell);
    ui_table_set_rows(&t, 10);
    ui_table_select(&t, 3); /* delta */
    ui_table_set_filter(&t, "o");
    /* bravo, echo, foxtrot, golf, hotel */
    assert_int_equal(t.nvis, 5);
    assert_int_equal(ui_table_selected(&t), 4); /* delta hidden: the next shown row */
    ui_table_set_filter(&t, "t");
    /* delta, foxtrot, hotel, juliet */
    assert_int_equal(t.nvis, 4);
    ui_table_set_filter(&t, "zzz");
    assert_int_equal(t.nvis, 0);
    assert_int_equal(ui_table_selected(&t), SIZE_MAX);
    ui_table_set_filter(&t, "hotel");
    assert_int_equal(ui_table_selected(&t), 7);
    /* clearing the filter keeps the selection on the same row */
    ui_table_set_filter(&t, "");
    assert_int_equal(t.nvis, 10);
    assert_int_equal(ui_table_selected(&t), 7);
    ui_table_release(&t);
}

static void test_input(void **state)
{
    struct ui_input in;
    (void)state;

    ui_input_init(&in, 8);
    assert_false(ui_input_key(&in, '\r'));
    assert_false(ui_input_key(&in, 0x1B));
    assert_false(ui_input_key(&in, SCAN_KEY_SPECIAL(KEY_UP)));
    assert_true(ui_input_key(&in, 0x7F)); /* backspace on empty is harmless */
    assert_string_equal(in.text.ptr, "");
    assert_true(ui_input_key(&in, '1'));
    assert_true(ui_input_key(&in, 0x5E8A)); /* 床 */
    assert_string_equal(in.text.ptr, "1\xe5\xba\x8a");
    assert_true(ui_input_key(&in, SCAN_KEY_SPECIAL(KEY_BACKSPACE)));
    assert_string_equal(in.text.ptr, "1");
    for (int i = 0; i < 20; i++)
        ui_input_key(&in, 'x');
    assert_int_equal(in.text.len, 8); /* capped */
    assert_true(ui_input_key(&in, 0x15));
    assert_string_equal(in.text.ptr, "");
    ui_input_release(&in);
}

static void test_wrap(void **state)
{
    (void)state;
    assert_int_equal(ui_text_wrap("", 10), 0);
    assert_int_equal(ui_text_wrap("short", 10), 5);
    /* at the last space that fits, the space kept on the first line */
    assert_int_equal(ui_text_wrap("W01-2, W01-4, W01-5", 14), 14);
    assert_int_equal(ui_text_wrap("W01-2, W01-4, W01-5", 13), 14);
    assert_int_equal(ui_text_wrap("W01-2, W01-4, W01-5", 12), 7);
    /* a token longer than the line breaks inside it */
    assert_int_equal(ui_text_wrap("ABCDEFGHIJ", 4), 4);
    /* CJK: two columns each, never split */
    assert_int_equal(ui_text_wrap("床位未检查", 5), 6);
    assert_int_equal(ui_text_wrap("床位未检查", 1), 3);
    /* before a Chinese character, not back at the last space */
    assert_int_equal(ui_text_wrap("床位：28 个。仍要结束", 10), 12);
}

static void test_banner_text(void **state)
{
    struct buf b = BUF_INIT;

    (void)state;
    ui_banner_text(&b, "READY", 40);
    assert_string_equal(b.ptr, "R E A D Y");
    buf_reset(&b);
    /* a label, not a code: upper case, no letter spacing */
    ui_banner_text(&b, "in another bed", 40);
    assert_string_equal(b.ptr, "IN ANOTHER BED");
    buf_reset(&b);
    /* Chinese as it is */
    ui_banner_text(&b, "不在登记床位", 40);
    assert_string_equal(b.ptr, "不在登记床位");
    buf_reset(&b);
    /* too narrow to space */
    ui_banner_text(&b, "WRONG_BED", 18);
    assert_string_equal(b.ptr, "WRONG_BED");
    buf_reset(&b);
    ui_banner_text(&b, NULL, 10);
    assert_string_equal(b.ptr, "");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_degenerate),
        cmocka_unit_test(test_fit_ascii),
        cmocka_unit_test(test_fit_cjk),
        cmocka_unit_test(test_fit_sanitizes),
        cmocka_unit_test(test_table_navigation),
        cmocka_unit_test(test_table_filter),
        cmocka_unit_test(test_input),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_banner_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
