/* Unit tests for core/base: error table, buf, clock, utf8, fs.
 * Degenerate inputs first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/error.h"
#include "core/base/fs.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_error_table(void **state)
{
    struct fc_error e;
    (void)state;
    assert_int_equal(fc_exit_code(FC_OK), 0);
    assert_int_equal(fc_exit_code(FC_EUSAGE), 1);
    assert_int_equal(fc_exit_code(FC_EINPUT), 2);
    assert_int_equal(fc_exit_code(FC_EINTEGRITY), 3);
    assert_int_equal(fc_exit_code(FC_EVERIFY), 3);
    assert_int_equal(fc_exit_code(FC_EIO), 4);
    assert_int_equal(fc_exit_code(-999), 4);
    assert_string_equal(fc_errname(FC_EINPUT), "FC_EINPUT");
    assert_string_equal(fc_strerror(-999), "unknown error");
    assert_int_equal(fc_error_set(NULL, FC_EIO, "x"), FC_EIO);
    assert_int_equal(fc_error_set(&e, FC_EINPUT, "cannot read '%s'", "a.csv"), FC_EINPUT);
    fc_error_prefix(&e, "mission");
    assert_string_equal(e.msg, "mission: cannot read 'a.csv'");
}

static void test_buf(void **state)
{
    struct buf b = BUF_INIT;
    char *p;
    size_t len;
    (void)state;
    assert_string_equal(b.ptr, "");
    buf_add(&b, "", 0);
    assert_int_equal(b.len, 0);
    for (int i = 0; i < 1000; i++)
        buf_addf(&b, "%d,", i);
    assert_true(b.len > 1000);
    assert_int_equal(b.ptr[b.len], '\0');
    buf_reset(&b);
    buf_add_json_str(&b, "a\"b\\c\n\x01张");
    assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\n\\u0001张\"");
    p = buf_detach(&b, &len);
    assert_int_equal(len, strlen(p));
    free(p);
    assert_string_equal(b.ptr, "");
    p = buf_detach(&b, &len);
    assert_string_equal(p, "");
    free(p);
    buf_release(&b);
}

static void test_clock_parse(void **state)
{
    int64_t ms = 0;
    char out[CLOCK_ISO_MAX];
    (void)state;
    assert_int_equal(clock_parse("", &ms), FC_EINPUT);
    assert_int_equal(clock_parse(NULL, &ms), FC_EINPUT);
    assert_int_equal(clock_parse("2026-02-30", &ms), FC_EINPUT);
    assert_int_equal(clock_parse("2026-11-22T25:00Z", &ms), FC_EINPUT);
    assert_int_equal(clock_parse("2026-11-22T10:00:00Zjunk", &ms), FC_EINPUT);
    assert_int_equal(clock_parse("2026-11-22T10:00:00Z", &ms), FC_OK);
    clock_format_utc(ms, out);
    assert_string_equal(out, "2026-11-22T10:00:00.000Z");
    assert_int_equal(clock_parse("2026-11-22T18:00:00+08:00", &ms), FC_OK);
    clock_format_utc(ms, out);
    assert_string_equal(out, "2026-11-22T10:00:00.000Z");
    assert_int_equal(clock_parse("2026-11-22 18:00:00.5+0800", &ms), FC_OK);
    clock_format_utc(ms, out);
    assert_string_equal(out, "2026-11-22T10:00:00.500Z");
    /* local time: the tests run with TZ=Asia/Shanghai */
    setenv("TZ", "Asia/Shanghai", 1);
    assert_int_equal(clock_parse("2026-11-22 18:00", &ms), FC_OK);
    clock_format_utc(ms, out);
    assert_string_equal(out, "2026-11-22T10:00:00.000Z");
    clock_format_local(ms, out);
    assert_string_equal(out, "2026-11-22T18:00:00+08:00");
    assert_true(clock_is_valid_date(2024, 2, 29));
    assert_false(clock_is_valid_date(2023, 2, 29));
    assert_false(clock_is_valid_date(1900, 2, 29));
    assert_true(clock_is_valid_date(2000, 2, 29));
    assert_int_equal(clock_days_from_civil(1970, 1, 1), 0);
}

static void test_clock_frozen(void **state)
{
    (void)state;
    setenv("FIELDCHECK_NOW", "2026-01-02T03:04:05Z", 1);
    assert_int_equal(clock_now_ms(), 1767323045000LL);
    setenv("FIELDCHECK_NOW", "garbage", 1);
    assert_true(clock_now_ms() > 1767323045000LL);
    unsetenv("FIELDCHECK_NOW");
}

static void test_utf8(void **state)
{
    uint32_t cp;
    size_t off = 99, w;
    char enc[4];
    (void)state;
    assert_int_equal(utf8_decode("", 0, &cp), -1);
    assert_int_equal(utf8_decode("\xC0\x80", 2, &cp), -1);     /* overlong */
    assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), -1); /* surrogate */
    assert_int_equal(utf8_decode("\xE5\xBC", 2, &cp), -1);     /* truncated */
    assert_int_equal(utf8_decode("张", 3, &cp), 3);
    assert_int_equal(cp, 0x5F20);
    assert_int_equal(utf8_encode(0x5F20, enc), 3);
    assert_memory_equal(enc, "张", 3);
    assert_int_equal(utf8_encode(0xD800, enc), 0);
    assert_true(utf8_is_valid("abc张三", strlen("abc张三"), &off));
    assert_false(utf8_is_valid("ab\xFF", 3, &off));
    assert_int_equal(off, 2);
    assert_int_equal(utf8_width(""), 0);
    assert_int_equal(utf8_width("abc"), 3);
    assert_int_equal(utf8_width("张三"), 4);
    assert_int_equal(utf8_width("ＡＢ"), 4);
    assert_int_equal(utf8_width("e\xCC\x81"), 1); /* combining acute */
    assert_int_equal(utf8_count("张三a"), 3);
    assert_int_equal(utf8_prefix_cols("张三丰", 5, &w), 6);
    assert_int_equal(w, 4);
    assert_int_equal(utf8_prefix_cols("张三丰", 0, &w), 0);
}

static void test_fs_atomic(void **state)
{
    char dir[] = "/tmp/fc-test-fs-XXXXXX";
    struct buf path = BUF_INIT, got = BUF_INIT;
    struct fc_error err;
    struct stat st;
    (void)state;
    assert_non_null(mkdtemp(dir));
    buf_addf(&path, "%s/a/b/file.txt", dir);
    {
        struct buf d = BUF_INIT;
        fs_dirname(&d, path.ptr);
        assert_int_equal(fs_mkdir_p(d.ptr, 0700, &err), FC_OK);
        buf_release(&d);
    }
    assert_int_equal(fs_write_atomic(path.ptr, "hello", 5, 0600, &err), FC_OK);
    assert_int_equal(stat(path.ptr, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(fs_read_file(path.ptr, 100, &got, &err), FC_OK);
    assert_string_equal(got.ptr, "hello");
    buf_reset(&got);
    assert_int_equal(fs_read_file(path.ptr, 3, &got, &err), FC_ELIMIT);
    /* every durable step can fail; the old content survives and no tmp stays */
    for (int n = 1; n <= 4; n++) {
        struct buf tmp = BUF_INIT;
        fs_fault_arm(n);
        assert_int_not_equal(fs_write_atomic(path.ptr, "world", 5, 0600, &err), FC_OK);
        fs_fault_arm(0);
        buf_reset(&got);
        assert_int_equal(fs_read_file(path.ptr, 100, &got, &err), FC_OK);
        /* write, fsync, rename, then the directory fsync after the rename */
        assert_string_equal(got.ptr, n < 4 ? "hello" : "world");
        buf_addf(&tmp, "%s.tmp", path.ptr);
        assert_false(fs_exists(tmp.ptr));
        buf_release(&tmp);
        fs_write_atomic(path.ptr, "hello", 5, 0600, &err);
    }
    buf_reset(&got);
    assert_int_equal(fs_read_file("/nonexistent/x", 10, &got, &err), FC_ENOTFOUND);
    buf_release(&path);
    buf_release(&got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_table), cmocka_unit_test(test_buf),
        cmocka_unit_test(test_clock_parse), cmocka_unit_test(test_clock_frozen),
        cmocka_unit_test(test_utf8),        cmocka_unit_test(test_fs_atomic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
