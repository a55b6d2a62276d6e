/* Tests for the demo's codes to try and their sheet (core/demo_codes.h):
 * none without a demo mission; with one, a bed label, the wristband and ID
 * of the patient listed there (the demo's own summary says which), another
 * bed's patient, the command words and a settled box; the sheet draws each
 * code as Code 128 and QR with its text. */
#include "core/base/fs.h"
#include "core/demo_codes.h"

#include "core/base/buf.h"
#include "core/demo.h"
#include "core/mission/mission.h"
#include "core/store/store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char home[64];

struct codes {
    char code[16][128];
    char what[16][128];
    int n;
};

static int code_cb(const char *what_en, const char *what_zh, const char *code, void *ctx)
{
    struct codes *c = ctx;

    assert_non_null(what_zh);
    assert_true(c->n < 16);
    snprintf(c->what[c->n], sizeof(c->what[0]), "%s", what_en);
    snprintf(c->code[c->n++], sizeof(c->code[0]), "%s", code);
    return 0;
}

static int has(const struct codes *c, const char *code)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->code[i], code))
            return 1;
    return 0;
}

static void test_codes(void **state)
{
    struct store *s = NULL;
    struct demo_summary d;
    struct codes c;
    struct buf html = BUF_INIT;
    struct fc_error err;
    char dir[96], db[96];

    (void)state;
    snprintf(dir, sizeof(dir), "%s/demo", home);
    snprintf(db, sizeof(db), "%s/fc.db", home);
    assert_int_equal(store_open(&s, db, NULL), 0);
    /* no demo mission: nothing to try, no sheet */
    memset(&c, 0, sizeof(c));
    assert_int_equal(demo_try_codes(s, code_cb, &c, NULL), 0);
    assert_int_equal(c.n, 0);
    assert_int_equal(demo_codes_sheet(s, 0, &html, NULL), FC_ENOTFOUND);
    assert_int_equal(html.len, 0);

    assert_int_equal(demo_generate(dir, 5, 0, &d, NULL), 0);
    if (mission_load(s, dir, 0, NULL, NULL, NULL, &err))
        fail_msg("demo load failed: %s", err.msg);
    memset(&c, 0, sizeof(c));
    assert_int_equal(demo_try_codes(s, code_cb, &c, NULL), 0);
    assert_true(c.n >= 8);
    assert_string_equal(c.code[0], d.bed_label);
    assert_true(has(&c, d.wristband));
    assert_true(has(&c, d.id_number));
    assert_true(has(&c, "EMPTY_BED"));
    assert_true(has(&c, "NO_WRISTBAND"));
    assert_true(has(&c, "NO_ID"));
    assert_true(has(&c, "EXAM"));
    assert_true(c.code[3][0] && strcmp(c.code[3], d.id_number)); /* another bed's patient */

    assert_int_equal(demo_codes_sheet(s, 1, &html, NULL), 0);
    assert_non_null(strstr(html.ptr, "<svg class=\"barcode\""));
    assert_non_null(strstr(html.ptr, "class=\"qr\""));
    assert_non_null(strstr(html.ptr, d.bed_label));
    assert_non_null(strstr(html.ptr, "夜查：床头卡"));
    buf_release(&html);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes),
    };
    int rc;

    setenv("FIELDCHECK_NOW", "2026-03-01T20:00:00+08:00", 1);
    snprintf(home, sizeof(home), "/tmp/fc-demo-codes-XXXXXX");
    if (!mkdtemp(home))
        return 1;
    setenv("FIELDCHECK_HOME", home, 1);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    fs_remove_tree(home);
    return rc;
}
