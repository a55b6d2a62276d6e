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
#include "core/base/memdir.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Entries of dir other than . and .. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

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
        struct buf d = BUF_INIT;
        fs_fault_arm(n);
        assert_int_not_equal(fs_write_atomic(path.ptr, "world", 5, 0600, &err), FC_OK);
        fs_fault_arm(0);
        buf_reset(&got);
        assert_int_equal(fs_read_file(path.ptr, 100, &got, &err), FC_OK);
        /* write, fsync, rename, then the directory fsync after the rename */
        assert_string_equal(got.ptr, n < 4 ? "hello" : "world");
        fs_dirname(&d, path.ptr);
        assert_int_equal(count_entries(d.ptr), 1);
        buf_release(&d);
        fs_write_atomic(path.ptr, "hello", 5, 0600, &err);
    }
    buf_reset(&got);
    assert_int_equal(fs_read_file("/nonexistent/x", 10, &got, &err), FC_ENOTFOUND);
    buf_release(&path);
    buf_release(&got);
}

/* Symptom: a fixed "<path>.tmp" opened without O_EXCL|O_NOFOLLOW let a
 * symlink planted there redirect the write (report -o overwrote another
 * file) and a pre-created file keep its owner and mode. */
static void test_fs_tmp_not_redirected(void **state)
{
    char dir[] = "/tmp/fc-test-tmp-XXXXXX";
    struct buf target = BUF_INIT, victim = BUF_INIT, planted = BUF_INIT, got = BUF_INIT;
    struct buf tmp = BUF_INIT;
    struct fc_error err;
    struct stat st;
    mode_t old_umask;
    int fd = -1;
    (void)state;
    assert_non_null(mkdtemp(dir));
    buf_addf(&target, "%s/report.csv", dir);
    buf_addf(&victim, "%s/victim", dir);
    buf_addf(&planted, "%s.tmp", target.ptr);
    assert_int_equal(fs_write_atomic(victim.ptr, "keep", 4, 0600, &err), FC_OK);
    assert_int_equal(symlink(victim.ptr, planted.ptr), 0);
    assert_int_equal(fs_write_atomic(target.ptr, "report", 6, 0600, &err), FC_OK);
    assert_int_equal(fs_read_file(victim.ptr, 100, &got, &err), FC_OK);
    assert_string_equal(got.ptr, "keep");
    assert_int_equal(lstat(target.ptr, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    /* the mode is set before any byte, whatever the umask */
    old_umask = umask(0);
    assert_int_equal(fs_tmp_create(target.ptr, 0600, &tmp, &fd, &err), FC_OK);
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_non_null(strstr(tmp.ptr, ".tmp"));
    assert_int_equal(fs_write_all(fd, "x", 1, tmp.ptr, &err), FC_OK);
    assert_int_equal(fs_tmp_commit(fd, tmp.ptr, target.ptr, &err), FC_OK);
    assert_false(fs_exists(tmp.ptr));
    umask(old_umask);
    fs_remove_tree(dir);
    assert_false(fs_exists(dir));
    buf_release(&target);
    buf_release(&victim);
    buf_release(&planted);
    buf_release(&got);
    buf_release(&tmp);
}

/* Symptom: FIFOs and /dev/zero as inputs hung or read 1 GiB. */
static void test_fs_inputs_regular_only(void **state)
{
    char dir[] = "/tmp/fc-test-in-XXXXXX";
    struct buf fifo = BUF_INIT, link = BUF_INIT, got = BUF_INIT, file = BUF_INIT;
    struct fc_error err;
    uint64_t size = 0;
    int fd = -1;
    (void)state;
    assert_non_null(mkdtemp(dir));
    buf_addf(&fifo, "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo.ptr, 0600), 0);
    assert_int_equal(fs_read_file(fifo.ptr, 100, &got, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "not a regular file"));
    assert_int_equal(fs_read_file("/dev/zero", 100, &got, &err), FC_EINPUT);
    assert_int_equal(got.len, 0);
    buf_addf(&file, "%s/f", dir);
    assert_int_equal(fs_write_atomic(file.ptr, "0123456789", 10, 0600, &err), FC_OK);
    /* the size is checked before anything is read */
    assert_int_equal(fs_open_input(file.ptr, 0, 9, &fd, &size, &err), FC_ELIMIT);
    assert_int_equal(fd, -1);
    assert_int_equal(fs_open_input(file.ptr, 0, 10, &fd, &size, &err), FC_OK);
    assert_int_equal(size, 10);
    close(fd);
    buf_addf(&link, "%s/link", dir);
    assert_int_equal(symlink(file.ptr, link.ptr), 0);
    assert_int_equal(fs_open_input(link.ptr, FS_INPUT_NOFOLLOW, 0, &fd, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(fs_open_input(link.ptr, 0, 0, &fd, NULL, &err), FC_OK);
    close(fd);
    fs_remove_tree(dir);
    buf_release(&fifo);
    buf_release(&link);
    buf_release(&got);
    buf_release(&file);
}

/* Symptom: killed loads left "*.db.tmp" files and "pack-*" folders holding
 * the roster, never swept. Another running process's are left alone. */
static void test_fs_sweep_stale(void **state)
{
    char dir[] = "/tmp/fc-test-sweep-XXXXXX";
    struct buf p = BUF_INIT, mine = BUF_INIT, victim = BUF_INIT;
    struct fc_error err;
    int fd = -1;
    (void)state;
    assert_non_null(mkdtemp(dir));
    buf_addf(&victim, "%s/victim", dir);
    assert_int_equal(fs_write_atomic(victim.ptr, "v", 1, 0600, &err), FC_OK);
    buf_addf(&p, "%s/m-v1.db.tmp", dir); /* an older version's fixed name */
    assert_int_equal(fs_write_atomic(p.ptr, "x", 1, 0600, &err), FC_OK);
    buf_reset(&p);
    buf_addf(&p, "%s/m-v2.db.99999999-AbCdEf.tmp", dir); /* no such process */
    assert_int_equal(fs_write_atomic(p.ptr, "x", 1, 0600, &err), FC_OK);
    buf_reset(&p);
    buf_addf(&p, "%s/pack-99999999-AbCdEf", dir);
    assert_int_equal(mkdir(p.ptr, 0700), 0);
    buf_addf(&p, "/inpatients.csv");
    assert_int_equal(symlink(victim.ptr, p.ptr), 0);
    /* this process's own temporaries stay */
    assert_int_equal(fs_tmp_create(victim.ptr, 0600, &mine, &fd, &err), FC_OK);
    close(fd);
    buf_reset(&p);
    assert_int_equal(fs_tmp_dir(dir, "pack", &p, &err), FC_OK);
    assert_int_equal(fs_sweep_stale(dir), 3);
    assert_int_equal(count_entries(dir), 3); /* victim, mine, my pack dir */
    assert_true(fs_exists(mine.ptr));
    assert_true(fs_exists(p.ptr));
    assert_true(fs_exists(victim.ptr));
    fs_remove_tree(dir);
    buf_release(&p);
    buf_release(&mine);
    buf_release(&victim);
}

/* A memory folder: files readable through the directory, never on disk,
 * read-only once sealed, gone when freed. */
static void test_memdir(void **state)
{
    char dir[] = "/tmp/fc-test-memdir-XXXXXX";
    struct memdir *d = NULL;
    struct buf p = BUF_INIT, got = BUF_INIT, path = BUF_INIT;
    struct fc_error err;
    struct stat st;
    int fd = -1;
    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(memdir_new(&d, dir, &err), FC_OK);
    assert_int_equal(memdir_add(d, "inpatients.csv", &fd, &err), FC_OK);
    assert_int_equal(fs_write_all(fd, "a,b\n", 4, "x", &err), FC_OK);
    assert_int_equal(memdir_add(d, "inpatients.csv", &fd, &err), FC_EEXIST);
    buf_addf(&p, "%s/inpatients.csv", memdir_path(d));
    assert_false(fs_exists(p.ptr)); /* not before the seal */
    assert_int_equal(memdir_seal(d, &err), FC_OK);
    assert_int_equal(fs_read_file(p.ptr, 100, &got, &err), FC_OK);
    assert_string_equal(got.ptr, "a,b\n");
    assert_int_equal(lstat(p.ptr, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(memdir_path(d), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_true(write(memdir_fd(d, "inpatients.csv"), "z", 1) < 0); /* sealed */
    buf_adds(&path, memdir_path(d));
    memdir_free(d);
    assert_false(fs_exists(path.ptr));
    fs_remove_tree(dir);
    buf_release(&p);
    buf_release(&got);
    buf_release(&path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_table),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_clock_parse),
        cmocka_unit_test(test_clock_frozen),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_fs_atomic),
        cmocka_unit_test(test_fs_tmp_not_redirected),
        cmocka_unit_test(test_fs_inputs_regular_only),
        cmocka_unit_test(test_fs_sweep_stale),
        cmocka_unit_test(test_memdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
