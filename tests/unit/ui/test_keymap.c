/* Keymap lookup, key names and the texts the F-key bar and help screen are
 * generated from, in both languages; and the language choice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

enum { ACT_MINE = UI_ACT_VIEW_BASE, ACT_OTHER };

static const struct ui_action extra[] = {
    {ACT_MINE, "mine", 2, {'j'}, "Mine", "我的", "Takes j over", "接管 j"},
    {ACT_OTHER, "other", 0, {'x'}, "Other", NULL, "No Chinese", NULL},
};

static void test_lookup(void **state)
{
    const struct ui_action *a;
    (void)state;

    assert_null(keymap_lookup('z', NULL, 0));
    a = keymap_lookup('j', NULL, 0);
    assert_non_null(a);
    assert_int_equal(a->id, UI_ACT_DOWN);
    assert_int_equal(keymap_lookup(SCAN_KEY_SPECIAL(KEY_DOWN), NULL, 0)->id, UI_ACT_DOWN);
    assert_int_equal(keymap_lookup('G', NULL, 0)->id, UI_ACT_BOTTOM);
    assert_int_equal(keymap_lookup('g', NULL, 0)->id, UI_ACT_TOP);
    assert_int_equal(keymap_lookup('\r', NULL, 0)->id, UI_ACT_OPEN);
    assert_int_equal(keymap_lookup(SCAN_KEY_SPECIAL(KEY_F(10)), NULL, 0)->id, UI_ACT_QUIT);
    assert_int_equal(keymap_lookup(SCAN_KEY_SPECIAL(KEY_F(1)), NULL, 0)->id, UI_ACT_HELP);
    assert_int_equal(keymap_lookup(0x1B, NULL, 0)->id, UI_ACT_BACK);
    /* the view's rows come first */
    assert_int_equal(keymap_lookup('j', extra, 2)->id, ACT_MINE);
    assert_int_equal(keymap_lookup(SCAN_KEY_SPECIAL(KEY_F(2)), extra, 2)->id, ACT_MINE);
    assert_int_equal(keymap_lookup('k', extra, 2)->id, UI_ACT_UP);
    assert_int_equal(keymap_find(ACT_OTHER, extra, 2)->id, ACT_OTHER);
    assert_null(keymap_find(ACT_OTHER, NULL, 0));
}

static void test_global_table_is_sane(void **state)
{
    size_t n;
    const struct ui_action *g = keymap_global(&n);
    (void)state;

    assert_true(n > 10);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(g[i].name);
        assert_non_null(g[i].label_en);
        assert_non_null(g[i].label_zh);
        assert_non_null(g[i].help_en);
        assert_non_null(g[i].help_zh);
        assert_true(g[i].id > 0 && g[i].id < UI_ACT_VIEW_BASE);
        for (size_t j = 0; j < i; j++) {
            assert_true(g[i].id != g[j].id);
            assert_true(!g[i].fkey || g[i].fkey != g[j].fkey);
        }
        /* no key is bound twice: the second row could never fire */
        for (int a = 0; a < UI_ACTION_MAX_KEYS && g[i].keys[a]; a++)
            assert_ptr_equal(keymap_lookup(g[i].keys[a], NULL, 0), &g[i]);
    }
}

static void test_key_names(void **state)
{
    char out[32];
    const struct ui_action *a;
    (void)state;

    keymap_key_name(SCAN_KEY_SPECIAL(KEY_F(7)), out, sizeof(out));
    assert_string_equal(out, "F7");
    keymap_key_name(SCAN_KEY_SPECIAL(KEY_NPAGE), out, sizeof(out));
    assert_string_equal(out, "PgDn");
    keymap_key_name('\r', out, sizeof(out));
    assert_string_equal(out, "Enter");
    keymap_key_name(0x0C, out, sizeof(out));
    assert_string_equal(out, "^L");
    keymap_key_name(0x5E8A, out, sizeof(out));
    assert_string_equal(out, "\xe5\xba\x8a");

    a = keymap_find(UI_ACT_OPEN, NULL, 0);
    keymap_keys_text(a, out, sizeof(out));
    assert_string_equal(out, "Enter"); /* CR, LF and KEY_ENTER once */
    a = keymap_find(UI_ACT_BOTTOM, NULL, 0);
    keymap_keys_text(a, out, sizeof(out));
    assert_string_equal(out, "End G");
    a = keymap_find(UI_ACT_HELP, NULL, 0);
    keymap_keys_text(a, out, sizeof(out));
    assert_string_equal(out, "F1 ? ^G");
    keymap_key_name(UI_KEY_ALT('u'), out, sizeof(out));
    assert_string_equal(out, "Alt-u");
    a = keymap_find(UI_ACT_QUIT, NULL, 0);
    keymap_keys_text(a, out, sizeof(out));
    assert_string_equal(out, "F10 Alt-q");
}

/* Desktop terminals take some F-keys (GNOME and MATE Terminal F1, F10, F11;
 * deepin-terminal F2, F11): every global action bound to an F-key has a
 * second key, and Alt keys are never a code point a scan or text could be. */
static void test_second_keys(void **state)
{
    size_t n;
    const struct ui_action *g = keymap_global(&n);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        if (!g[i].fkey)
            continue;
        if (!g[i].keys[0])
            fail_msg("global action '%s' has only F%d", g[i].name, g[i].fkey);
    }
    assert_true(UI_KEY_IS_ALT(UI_KEY_ALT('a')));
    assert_false(UI_KEY_IS_ALT('a'));
    assert_false(UI_KEY_IS_ALT(SCAN_KEY_SPECIAL(KEY_F(2))));
    assert_int_equal(UI_KEY_ALT_CHAR(UI_KEY_ALT('x')), 'x');
    assert_ptr_equal(keymap_lookup(UI_KEY_ALT('u'), NULL, 0), keymap_find(UI_ACT_USB, NULL, 0));
}

static void test_labels_by_language(void **state)
{
    const struct ui_action *quit = keymap_find(UI_ACT_QUIT, NULL, 0);
    (void)state;

    ui_lang_set(UI_LANG_EN);
    assert_string_equal(keymap_label(quit), "Quit");
    assert_string_equal(keymap_label(&extra[1]), "Other");
    ui_lang_set(UI_LANG_ZH);
    assert_string_equal(keymap_label(quit), "退出");
    assert_string_equal(keymap_help(&extra[0]), "接管 j");
    /* no Chinese in the row: English rather than nothing */
    assert_string_equal(keymap_help(&extra[1]), "No Chinese");
    assert_string_equal(ui_tr("Help", "帮助"), "帮助");
    ui_lang_set(UI_LANG_EN);
    assert_string_equal(ui_tr("Help", "帮助"), "Help");
    assert_string_equal(_("Help"), "Help");
}

static void test_lang_pick(void **state)
{
    (void)state;
    assert_int_equal(ui_lang_pick(NULL, NULL, NULL, NULL), UI_LANG_EN);
    assert_int_equal(ui_lang_pick(NULL, NULL, NULL, "zh_CN.UTF-8"), UI_LANG_ZH);
    assert_int_equal(ui_lang_pick(NULL, NULL, NULL, "C.UTF-8"), UI_LANG_EN);
    assert_int_equal(ui_lang_pick("en", NULL, NULL, "zh_CN.UTF-8"), UI_LANG_EN);
    assert_int_equal(ui_lang_pick("zh", NULL, NULL, "C.UTF-8"), UI_LANG_ZH);
    /* LC_ALL wins over LANG, as for setlocale; empty values are skipped */
    assert_int_equal(ui_lang_pick(NULL, "en_US.UTF-8", NULL, "zh_CN.UTF-8"), UI_LANG_EN);
    assert_int_equal(ui_lang_pick(NULL, "", "zh_TW.UTF-8", "en_US.UTF-8"), UI_LANG_ZH);
    /* an unknown override falls back to the locale */
    assert_int_equal(ui_lang_pick("fr", NULL, NULL, "zh_CN.GB18030"), UI_LANG_ZH);
}

static void test_init_forces_utf8(void **state)
{
    (void)state;
    setenv("LC_ALL", "C", 1);
    setenv("FIELDCHECK_LANG", "zh", 1);
    setenv("FIELDCHECK_LOCALEDIR", "/nonexistent", 1);
    assert_int_equal(ui_i18n_init(), 1); /* C falls back to C.UTF-8 */
    assert_int_equal(ui_lang_current(), UI_LANG_ZH);
    /* no catalog installed: the table's Chinese is used */
    assert_string_equal(ui_tr("Quit", "退出"), "退出");
    assert_string_equal(_("Quit"), "Quit");
    ui_lang_set(UI_LANG_EN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),           cmocka_unit_test(test_global_table_is_sane),
        cmocka_unit_test(test_key_names),        cmocka_unit_test(test_labels_by_language),
        cmocka_unit_test(test_second_keys),      cmocka_unit_test(test_lang_pick),
        cmocka_unit_test(test_init_forces_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
