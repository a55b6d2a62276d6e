/* Tests for the configuration reader and editor: degenerate files first, then
 * syntax (sections, dotted keys, comments, CRLF), strictness (line cap, NUL,
 * bad UTF-8, malformed lines with file:line), precedence of system, user and
 * environment, in-place editing that keeps comments, and the env bridge. */
#include "core/config.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static int parse(const char *text, enum config_source src, struct buf *warn, struct fc_error *err)
{
    return config_parse("t.conf", text, strlen(text), src, warn, err);
}

static int setup(void **state)
{
    (void)state;
    unsetenv("FIELDCHECK_THEME");
    unsetenv("FIELDCHECK_SCAN_GAP_MS");
    unsetenv("FIELDCHECK_LANG");
    unsetenv("FIELDCHECK_BELL");
    config_reset();
    return 0;
}

static void test_defaults(void **state)
{
    (void)state;
    assert_null(config_get("no.such"));
    assert_null(config_find(NULL));
    assert_string_equal(config_get("ui.theme"), "day");
    assert_int_equal(config_get_int("scan.gap_ms"), 30);
    assert_int_equal(config_get_int("ui.theme"), 0);
    assert_true(config_is_on("mask.names"));
    assert_true(config_is_on("mask.ids"));
    assert_int_equal(config_source("ui.theme", NULL), CONFIG_SRC_DEFAULT);
}

static void test_empty_and_comments(void **state)
{
    struct fc_error err;
    (void)state;
    assert_int_equal(parse("", CONFIG_SRC_USER, NULL, &err), 0);
    assert_int_equal(parse("\n\n  \t\n# c\n; c\n   # indented\n", CONFIG_SRC_USER, NULL, &err), 0);
    assert_string_equal(config_get("ui.theme"), "day");
}

static void test_sections_and_dotted(void **state)
{
    struct fc_error err;
    const char *where = NULL;
    (void)state;
    assert_int_equal(parse("scan.gap_ms = 80\r\n[ ui ]\r\ntheme=night\r\n[mask]\n names = off \n",
                           CONFIG_SRC_USER, NULL, &err),
                     0);
    assert_int_equal(config_get_int("scan.gap_ms"), 80);
    assert_string_equal(config_get("ui.theme"), "night");
    assert_false(config_is_on("mask.names"));
    assert_int_equal(config_source("ui.theme", &where), CONFIG_SRC_USER);
    assert_string_equal(where, "t.conf:3");
    /* a later line wins */
    assert_int_equal(parse("ui.theme = mono\nui.theme = day\n", CONFIG_SRC_USER, NULL, &err), 0);
    assert_string_equal(config_get("ui.theme"), "day");
}

static void test_unknown_key_warns(void **state)
{
    struct buf warn = BUF_INIT;
    struct fc_error err;
    (void)state;
    assert_int_equal(parse("[ui]\ncolour = red\ntheme = mono\n", CONFIG_SRC_USER, &warn, &err), 0);
    assert_string_equal(warn.ptr, "t.conf:2: unknown key 'ui.colour' ignored\n");
    assert_string_equal(config_get("ui.theme"), "mono");
    buf_release(&warn);
}

static void expect_error(const char *text, const char *msg)
{
    struct fc_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(parse(text, CONFIG_SRC_USER, NULL, &err), FC_EINPUT);
    assert_string_equal(err.msg, msg);
}

static void test_errors_name_line(void **state)
{
    (void)state;
    expect_error("# ok\nnonsense\n", "t.conf:2: expected 'key = value'");
    expect_error("[ui\n", "t.conf:1: malformed section header");
    expect_error("[U I]\n", "t.conf:1: invalid section name 'U I'");
    expect_error("[]\n", "t.conf:1: invalid section name ''");
    expect_error("= x\n", "t.conf:1: invalid key ''");
    expect_error("ui..theme = x\n", "t.conf:1: invalid key 'ui..theme'");
    expect_error("Theme = x\n", "t.conf:1: invalid key 'Theme'");
    expect_error("\n\n[ui]\ntheme = pink\n",
                 "t.conf:4: invalid value 'pink' for 'ui.theme': expected day|night|mono");
    expect_error(
        "scan.gap_ms = 0\n",
        "t.conf:1: invalid value '0' for 'scan.gap_ms': expected a whole number 1 to 2000");
    expect_error("scan.gap_ms = 12x\n",
                 "t.conf:1: invalid value '12x' for 'scan.gap_ms': expected a whole number 1 to "
                 "2000");
    expect_error("scan.gap_ms =\n",
                 "t.conf:1: invalid value '' for 'scan.gap_ms': expected a whole number 1 to 2000");
    expect_error("mask.ids = no\n", "t.conf:1: invalid value 'no' for 'mask.ids': expected on|off");
    expect_error("data.dir = relative/dir\n", "t.conf:1: invalid value 'relative/dir' for "
                                              "'data.dir': expected an absolute path or ~/...");
}

static void test_strictness(void **state)
{
    struct buf text = BUF_INIT;
    struct fc_error err;
    (void)state;
    assert_int_equal(config_parse("t.conf", "a = 1\0b", 7, CONFIG_SRC_USER, NULL, &err), FC_EINPUT);
    assert_string_equal(err.msg, "t.conf: contains a NUL byte");
    assert_int_equal(parse("ui.theme = \xff\n", CONFIG_SRC_USER, NULL, &err), FC_EINPUT);
    assert_string_equal(err.msg, "t.conf: invalid UTF-8 at byte 11");
    buf_adds(&text, "# ");
    for (int i = 0; i < CONFIG_LINE_MAX; i++)
        buf_addch(&text, 'x');
    assert_int_equal(parse(text.ptr, CONFIG_SRC_USER, NULL, &err), FC_EINPUT);
    assert_string_equal(err.msg, "t.conf:1: line longer than 1024 bytes");
    buf_truncate(&text, CONFIG_LINE_MAX);
    assert_int_equal(parse(text.ptr, CONFIG_SRC_USER, NULL, &err), 0);
    buf_reset(&text);
    for (int i = 0; i <= CONFIG_FILE_MAX; i++)
        buf_addch(&text, '\n');
    assert_int_equal(parse(text.ptr, CONFIG_SRC_USER, NULL, &err), FC_ELIMIT);
    buf_release(&text);
}

/* A file with an error anywhere applies none of its lines. */
static void test_broken_file_applies_nothing(void **state)
{
    struct fc_error err;
    (void)state;
    assert_int_equal(parse("ui.theme = night\nbogus\n", CONFIG_SRC_USER, NULL, &err), FC_EINPUT);
    assert_string_equal(config_get("ui.theme"), "day");
}

static void test_precedence(void **state)
{
    struct fc_error err;
    struct buf warn = BUF_INIT;
    const char *where = NULL;
    (void)state;
    assert_int_equal(parse("ui.theme = night\nui.beep = flash\n", CONFIG_SRC_SYSTEM, NULL, &err),
                     0);
    assert_int_equal(parse("ui.theme = mono\n", CONFIG_SRC_USER, NULL, &err), 0);
    assert_string_equal(config_get("ui.theme"), "mono");
    assert_string_equal(config_get("ui.beep"), "flash");
    assert_int_equal(config_source("ui.beep", NULL), CONFIG_SRC_SYSTEM);
    setenv("FIELDCHECK_THEME", "day", 1);
    assert_string_equal(config_get("ui.theme"), "day");
    assert_int_equal(config_source("ui.theme", &where), CONFIG_SRC_ENV);
    assert_string_equal(where, "FIELDCHECK_THEME");
    /* an invalid environment value is ignored, and config_load says so */
    setenv("FIELDCHECK_THEME", "pink", 1);
    assert_string_equal(config_get("ui.theme"), "mono");
    setenv("FIELDCHECK_CONFIG", "/nonexistent/fieldcheck/config", 1);
    assert_int_equal(config_load(&warn, &err), 0);
    assert_string_equal(warn.ptr, "environment FIELDCHECK_THEME ignored: invalid value 'pink' for "
                                  "'ui.theme': expected day|night|mono\n");
    assert_string_equal(config_get("ui.theme"), "day");
    unsetenv("FIELDCHECK_THEME");
    unsetenv("FIELDCHECK_CONFIG");
    buf_release(&warn);
}

static char *tmp_path(const char *name)
{
    char dir[] = "/tmp/fc-config-XXXXXX";
    if (!mkdtemp(dir))
        fail();
    return xasprintf("%s/sub/%s", dir, name);
}

static char *slurp(const char *path)
{
    struct buf b = BUF_INIT;
    assert_int_equal(fs_read_file(path, 1 << 20, &b, NULL), 0);
    return buf_detach(&b, NULL);
}

static void spit(const char *path, const char *text)
{
    assert_int_equal(fs_write_atomic(path, text, strlen(text), 0644, NULL), 0);
}

static void test_set_new_file(void **state)
{
    char *path = tmp_path("config");
    char *text = NULL;
    struct fc_error err;
    (void)state;
    assert_int_equal(config_set_in_file(path, "ui.theme", "night", &err), 0);
    assert_int_equal(config_set_in_file(path, "scan.gap_ms", "40", &err), 0);
    assert_int_equal(config_set_in_file(path, "ui.beep", "off", &err), 0);
    text = slurp(path);
    assert_string_equal(text, "[ui]\ntheme = night\nbeep = off\n\n[scan]\ngap_ms = 40\n");
    free(text);
    assert_int_equal(config_set_in_file(path, "ui.theme", "pink", &err), FC_EINPUT);
    assert_int_equal(config_set_in_file(path, "ui.nope", "x", &err), FC_EINPUT);
    assert_string_equal(err.msg, "unknown setting 'ui.nope'");
    free(path);
}

static void test_set_keeps_comments(void **state)
{
    char *path = tmp_path("config");
    char *text = NULL;
    struct fc_error err;
    (void)state;
    assert_int_equal(config_set_in_file(path, "mask.ids", "on", &err), 0); /* creates the dir */
    spit(path, "# site laptop\r\nscan.gap_ms = 20 \r\n[ui]\r\n; dim for wards\r\ntheme=day\r\n"
               "\r\n[mask]\r\nnames = on\r\n# end");
    assert_int_equal(config_set_in_file(path, "ui.theme", "night", &err), 0);
    assert_int_equal(config_set_in_file(path, "mask.ids", "off", &err), 0);
    assert_int_equal(config_set_in_file(path, "scan.gap_ms", "55", &err), 0);
    text = slurp(path);
    assert_string_equal(text, "# site laptop\r\nscan.gap_ms = 55\r\n[ui]\r\n; dim for wards\r\n"
                              "theme = night\r\n\r\n[mask]\r\nnames = on\r\nids = off\r\n# end");
    free(text);
    /* a file that does not parse is not edited */
    spit(path, "[ui\n");
    assert_int_equal(config_set_in_file(path, "ui.theme", "night", &err), FC_EINPUT);
    assert_true(strstr(err.msg, ":1: malformed section header") != NULL);
    text = slurp(path);
    assert_string_equal(text, "[ui\n");
    free(text);
    free(path);
}

static void test_load_files_and_bridge(void **state)
{
    char *path = tmp_path("config");
    struct fc_error err;
    struct buf warn = BUF_INIT;
    (void)state;
    assert_int_equal(config_set_in_file(path, "ui.lang", "zh", &err), 0);
    assert_int_equal(config_set_in_file(path, "data.dir", "~/fc-data", &err), 0);
    setenv("FIELDCHECK_CONFIG", path, 1);
    setenv("HOME", "/home/inspector", 1);
    unsetenv("FIELDCHECK_HOME");
    setenv("FIELDCHECK_BELL", "flash", 1);
    assert_int_equal(config_load(&warn, &err), 0);
    assert_string_equal(warn.ptr, "");
    config_export_env();
    assert_string_equal(getenv("FIELDCHECK_LANG"), "zh");
    assert_string_equal(getenv("FIELDCHECK_HOME"), "/home/inspector/fc-data");
    assert_string_equal(getenv("FIELDCHECK_BELL"), "flash");
    assert_null(getenv("FIELDCHECK_THEME")); /* defaults are never exported */
    /* exported values still count as coming from the file */
    assert_int_equal(config_source("ui.lang", NULL), CONFIG_SRC_USER);
    spit(path, "[ui]\ntheme = blue\n");
    assert_int_equal(config_load(NULL, &err), FC_EINPUT);
    assert_true(strstr(err.msg, "config:2: invalid value 'blue'") != NULL);
    unsetenv("FIELDCHECK_CONFIG");
    unsetenv("FIELDCHECK_LANG");
    unsetenv("FIELDCHECK_HOME");
    unsetenv("FIELDCHECK_BELL");
    buf_release(&warn);
    free(path);
}

static void test_user_path(void **state)
{
    struct buf b = BUF_INIT;
    (void)state;
    unsetenv("FIELDCHECK_CONFIG");
    setenv("XDG_CONFIG_HOME", "/x", 1);
    config_user_path(&b);
    assert_string_equal(b.ptr, "/x/fieldcheck/config");
    buf_reset(&b);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* the XDG spec says to ignore it */
    setenv("HOME", "/h", 1);
    config_user_path(&b);
    assert_string_equal(b.ptr, "/h/.config/fieldcheck/config");
    unsetenv("XDG_CONFIG_HOME");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, setup),
        cmocka_unit_test_setup(test_empty_and_comments, setup),
        cmocka_unit_test_setup(test_sections_and_dotted, setup),
        cmocka_unit_test_setup(test_unknown_key_warns, setup),
        cmocka_unit_test_setup(test_errors_name_line, setup),
        cmocka_unit_test_setup(test_strictness, setup),
        cmocka_unit_test_setup(test_broken_file_applies_nothing, setup),
        cmocka_unit_test_setup(test_precedence, setup),
        cmocka_unit_test_setup(test_set_new_file, setup),
        cmocka_unit_test_setup(test_set_keeps_comments, setup),
        cmocka_unit_test_setup(test_load_files_and_bridge, setup),
        cmocka_unit_test_setup(test_user_path, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
