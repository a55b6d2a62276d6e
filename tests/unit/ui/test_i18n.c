/* Translation contexts: one English word with two Chinese meanings ("Name"
 * of a person 姓名, of a ward or drug 名称) is looked up with its msgctxt,
 * shown without it in English, and falls back to the table's Chinese when the
 * catalog lacks it. Runs against the build's compiled catalog. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/base/lang.h"
#include "ui/i18n.h"

#include <libintl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FC_TEST_LOCALEDIR
#define FC_TEST_LOCALEDIR "/nonexistent"
#endif

static int have_catalog(void)
{
    return access(FC_TEST_LOCALEDIR "/zh_CN/LC_MESSAGES/fieldcheck.mo", R_OK) == 0;
}

static void test_plain(void **state)
{
    (void)state;
    assert_null(fc_text_plain(NULL));
    assert_string_equal(fc_text_plain(""), "");
    assert_string_equal(fc_text_plain("Name"), "Name");
    assert_string_equal(fc_text_plain(NC_("person", "Name")), "Name");
    assert_string_equal(NC_("drug", "Name"), "drug\004Name");
}

static void test_english(void **state)
{
    (void)state;
    ui_lang_set(UI_LANG_EN);
    assert_string_equal(ui_tr(NC_("person", "Name"), "姓名"), "Name");
    assert_string_equal(ui_tr(NC_("ward", "Name"), "名称"), "Name");
    assert_string_equal(ui_gettext(NC_("drug", "Name")), "Name");
    assert_string_equal(ui_pgettext("violation", "Code"), "Code");
    assert_string_equal(fc_text(NC_("recount", "Count"), "重新盘点"), "Count");
    assert_null(ui_tr(NULL, "x"));
}

static void test_chinese_catalog(void **state)
{
    (void)state;
    if (!have_catalog())
        skip();
    ui_lang_set(UI_LANG_ZH);
    /* the same English word, the meaning its context gives */
    assert_string_equal(ui_tr(NC_("person", "Name"), NULL), "姓名");
    assert_string_equal(ui_tr(NC_("ward", "Name"), NULL), "名称");
    assert_string_equal(ui_tr(NC_("drug", "Name"), NULL), "名称");
    assert_string_equal(ui_pgettext("violation", "Code"), "类别");
    assert_string_equal(ui_gettext("Code"), "码");
    assert_string_equal(ui_tr(NC_("action", "Count"), NULL), "手工计数");
    assert_string_equal(ui_tr(NC_("recount", "Count"), NULL), "重新盘点");
    assert_string_equal(ui_tr("Count", NULL), "数量");
    assert_string_equal(ui_tr(NC_("suspicion", "Description"), NULL), "疑点描述");
    assert_string_equal(ui_tr("Description", NULL), "说明");
    /* a context the catalog lacks: the table's Chinese, else the English */
    assert_string_equal(ui_tr(NC_("no such context", "Zebra"), "斑马"), "斑马");
    assert_string_equal(ui_tr(NC_("no such context", "Zebra"), NULL), "Zebra");
    assert_string_equal(ui_gettext(NC_("no such context", "Zebra")), "Zebra");
    assert_string_equal(ui_pgettext("no such context", "Zebra"), "Zebra");
    ui_lang_set(UI_LANG_EN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_chinese_catalog),
    };

    setenv("FIELDCHECK_LOCALEDIR", FC_TEST_LOCALEDIR, 1);
    setenv("LANG", "C.UTF-8", 1);
    unsetenv("LC_ALL");
    unsetenv("LANGUAGE");
    unsetenv("FIELDCHECK_LANG");
    ui_i18n_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
