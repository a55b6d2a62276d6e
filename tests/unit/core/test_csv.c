/* Tests for the streaming CSV reader: degenerate inputs first, then quoting,
 * line ends and line numbers, encodings (GBK produced with iconv here and in a
 * committed fixture), limits, malformed records and window boundaries. */
#include "core/mission/csv.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"
#include "core/store/hash.h"

#include <iconv.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Runs the whole input and renders it as one line per record,
 * "line-end_line:[f1][f2]" plus " !error", then "END" or "FATAL NAME: msg". */
static void render(struct csv_reader *r, struct buf *out)
{
    struct csv_record rec;
    struct fc_error err;
    int rc;

    while ((rc = csv_next(r, &rec, &err)) == 1) {
        buf_addf(out, "%llu-%llu:", (unsigned long long)rec.line, (unsigned long long)rec.end_line);
        for (size_t i = 0; i < rec.nfields; i++) {
            assert_int_equal(strlen(rec.fields[i]), rec.lens[i]);
            buf_addf(out, "[%s]", rec.fields[i]);
        }
        if (rec.error)
            buf_addf(out, " !%s", rec.error);
        buf_adds(out, "\n");
    }
    if (rc == 0)
        buf_adds(out, "END");
    else
        buf_addf(out, "FATAL %s: %s", fc_errname(rc), err.msg);
}

static char *parse_mem_lim(const void *data, size_t len, const struct csv_limits *lim)
{
    struct csv_reader *r = NULL;
    struct fc_error err;
    struct buf out = BUF_INIT;

    assert_int_equal(csv_reader_open_mem(&r, "t.csv", data, len, lim, &err), 0);
    render(r, &out);
    csv_reader_free(r);
    return buf_detach(&out, NULL);
}

#define check_parse(input, expected) check_parse_lim(input, sizeof(input) - 1, NULL, expected)
#define check_parse_limits(input, lim, expected) \
    check_parse_lim(input, sizeof(input) - 1, lim, expected)

static void check_parse_lim(const void *data, size_t len, const struct csv_limits *lim,
                            const char *expected)
{
    char *got = parse_mem_lim(data, len, lim);
    assert_string_equal(got, expected);
    free(got);
}

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/fc-test-csv-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    (void)state;
    assert_int_equal(system(cmd), 0);
    free(cmd);
    return 0;
}

static char *write_tmp(const char *name, const void *data, size_t len)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static char *parse_file(const char *path, const char **encoding)
{
    struct csv_reader *r = NULL;
    struct fc_error err;
    struct buf out = BUF_INIT;
    static char enc[32];

    assert_int_equal(csv_reader_open(&r, path, NULL, &err), 0);
    snprintf(enc, sizeof(enc), "%s", csv_reader_encoding(r));
    if (encoding)
        *encoding = enc;
    render(r, &out);
    csv_reader_free(r);
    return buf_detach(&out, NULL);
}

/* UTF-8 -> GB18030 with glibc iconv, as Excel on Chinese Windows would save. */
static void to_gb(struct buf *out, const char *utf8, size_t len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char *ip = (char *)utf8, *op;
    size_t il = len, ol;

    assert_true(cd != (iconv_t)-1);
    buf_grow(out, len * 2 + 4);
    op = out->ptr + out->len;
    ol = len * 2 + 4;
    assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
    out->len = (size_t)(op - out->ptr);
    out->ptr[out->len] = '\0';
    iconv_close(cd);
}

static void test_empty(void **state)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    char *path, *got;
    const char *enc;

    (void)state;
    assert_int_equal(csv_reader_open_mem(&r, "e.csv", NULL, 0, NULL, NULL), 0);
    assert_string_equal(csv_reader_encoding(r), "UTF-8");
    assert_int_equal(csv_next(r, &rec, NULL), 0);
    assert_int_equal(csv_next(r, &rec, NULL), 0); /* the end stays the end */
    csv_reader_free(r);

    path = write_tmp("empty.csv", "", 0);
    got = parse_file(path, &enc);
    assert_string_equal(got, "END");
    assert_string_equal(enc, "UTF-8");
    free(got);
    free(path);
    csv_reader_free(NULL);
}

static void test_blank_only(void **state)
{
    (void)state;
    check_parse("\n", "END");
    check_parse("\r\n\r\n\n", "END");
    check_parse("\r", "END");
}

static void test_header_only(void **state)
{
    (void)state;
    check_parse("a,b,c\n", "1-1:[a][b][c]\nEND");
    check_parse("a,b,c", "1-1:[a][b][c]\nEND");
    check_parse("a,b,c\r\n", "1-1:[a][b][c]\nEND");
}

static void test_bom_only(void **state)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;

    (void)state;
    assert_int_equal(csv_reader_open_mem(&r, "b.csv", "\xEF\xBB\xBF", 3, NULL, NULL), 0);
    assert_string_equal(csv_reader_encoding(r), "UTF-8 (BOM)");
    assert_int_equal(csv_next(r, &rec, NULL), 0);
    csv_reader_free(r);
    check_parse("\xEF\xBB\xBF\r\n", "END");
}

static void test_single_field(void **state)
{
    (void)state;
    check_parse("x", "1-1:[x]\nEND");
    check_parse("\"x\"", "1-1:[x]\nEND");
    check_parse(",", "1-1:[][]\nEND");
    check_parse("\"\"", "1-1:[]\nEND");
}

static void test_ragged(void **state)
{
    (void)state;
    check_parse("a,b,c\n1\n1,2,3,4\n,,\n",
                "1-1:[a][b][c]\n2-2:[1]\n3-3:[1][2][3][4]\n4-4:[][][]\nEND");
    check_parse("a,b,\n", "1-1:[a][b][]\nEND");
}

static void test_quotes(void **state)
{
    (void)state;
    check_parse("\"a\"\"b\",\"\",\"x,y\"\n", "1-1:[a\"b][][x,y]\nEND");
    check_parse("\"\"\"\"\n", "1-1:[\"]\nEND");
    check_parse("a,\"b\"\r\nc,\"d\"", "1-1:[a][b]\n2-2:[c][d]\nEND");
    /* spaces are data, outside and inside quotes */
    check_parse(" a , \"b\" \n", "1-1:[ a ][ \"b\" ] !quote inside unquoted field 2\nEND");
}

static void test_unbalanced_quote(void **state)
{
    (void)state;
    check_parse("a,b\n1,\"unterminated\n2,3\n",
                "1-1:[a][b]\nFATAL FC_EINPUT: 't.csv': quoted field starting at line 2 is not "
                "closed at end of file");
    check_parse("\"", "FATAL FC_EINPUT: 't.csv': quoted field starting at line 1 is not closed "
                      "at end of file");
}

static void test_fatal_is_sticky(void **state)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct fc_error err;

    (void)state;
    assert_int_equal(csv_reader_open_mem(&r, "s.csv", "\"ab", 3, NULL, NULL), 0);
    assert_int_equal(csv_next(r, &rec, &err), FC_EINPUT);
    fc_error_clear(&err);
    assert_int_equal(csv_next(r, &rec, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "line 1"));
    assert_int_equal(csv_next(r, &rec, NULL), FC_EINPUT);
    csv_reader_free(r);
}

static void test_embedded_newlines(void **state)
{
    (void)state;
    check_parse("id,note\n1,\"two\nlines\"\n2,\"three\r\nCRLF\r\nlines\"\r\n3,x\n",
                "1-1:[id][note]\n2-3:[1][two\nlines]\n4-6:[2][three\r\nCRLF\r\nlines]\n7-7:[3][x]"
                "\nEND");
    check_parse("1,\"a\rb\"\r2,c\r", "1-2:[1][a\rb]\n3-3:[2][c]\nEND");
    check_parse("\"\n\n\"\n", "1-3:[\n\n]\nEND");
}

static void test_line_ends(void **state)
{
    const char *want = "1-1:[a][b]\n2-2:[c][d]\n4-4:[e][f]\nEND";

    (void)state;
    check_parse("a,b\nc,d\n\ne,f\n", want);
    check_parse("a,b\r\nc,d\r\n\r\ne,f\r\n", want);
    check_parse("a,b\rc,d\r\re,f\r", want);
    check_parse("a,b\r\nc,d\n\re,f", want);
    /* trailing empty lines are not records, blank lines count */
    check_parse("a\n\n\nb\n\n", "1-1:[a]\n4-4:[b]\nEND");
}

static void test_bom(void **state)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    static const char in[] = "\xEF\xBB\xBF"
                             "id,name\n1,x\n";

    (void)state;
    check_parse("\xEF\xBB\xBF"
                "id,name\n1,x\n",
                "1-1:[id][name]\n2-2:[1][x]\nEND");
    assert_int_equal(csv_reader_open_mem(&r, "b.csv", in, sizeof(in) - 1, NULL, NULL), 0);
    assert_string_equal(csv_reader_encoding(r), "UTF-8 (BOM)");
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_int_equal(rec.lens[0], 2);
    csv_reader_free(r);
    /* a BOM not at the start is data */
    check_parse("a\n\xEF\xBB\xBF"
                "b\n",
                "1-1:[a]\n2-2:[\xEF\xBB\xBF"
                "b]\nEND");
}

static const char gbk_utf8[] = "病区,床号,姓名,住院号\r\n"
                               "内科一病区,12,\"张三\",ZY2024001\r\n"
                               "外科,\"3\r\n加床\",李四,ZY2024002\r\n";
static const char gbk_expected[] = "1-1:[病区][床号][姓名][住院号]\n"
                                   "2-2:[内科一病区][12][张三][ZY2024001]\n"
                                   "3-4:[外科][3\r\n加床][李四][ZY2024002]\nEND";

static void test_gbk_mem(void **state)
{
    struct buf gb = BUF_INIT;
    struct csv_reader *r = NULL;
    struct buf out = BUF_INIT;

    (void)state;
    to_gb(&gb, gbk_utf8, sizeof(gbk_utf8) - 1);
    assert_int_not_equal(gb.len, sizeof(gbk_utf8) - 1); /* really converted */
    assert_int_equal(csv_reader_open_mem(&r, "g.csv", gb.ptr, gb.len, NULL, NULL), 0);
    assert_string_equal(csv_reader_encoding(r), "GB18030");
    render(r, &out);
    assert_string_equal(out.ptr, gbk_expected);
    csv_reader_free(r);
    buf_release(&out);
    buf_release(&gb);
}

static void test_gbk_fixture(void **state)
{
    const char *enc;
    char *got;

    (void)state;
    got = parse_file(FC_TEST_DATA "/csv/gbk_crlf.csv", &enc);
    assert_string_equal(enc, "GB18030");
    assert_string_equal(got, gbk_expected);
    free(got);
}

/* The digest comes from the encoding pass and is that of the raw bytes (not
 * the UTF-8 the records are converted to), the same as hashing the file. */
static void test_open_digest(void **state)
{
    static const char utf8[] = "\xEF\xBB\xBF姓名,床号\r\n张伟,12\r\n李娜,\"3,4\"\r\n";
    char *paths[2] = {NULL, NULL};
    unsigned char want[HASH_LEN], got[HASH_LEN];
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct fc_error err;
    int n = 0, rc;

    (void)state;
    paths[0] = xstrdup(FC_TEST_DATA "/csv/gbk_crlf.csv");
    paths[1] = write_tmp("digest.csv", utf8, sizeof(utf8) - 1);
    for (size_t i = 0; i < 2; i++) {
        memset(got, 0, sizeof(got));
        assert_int_equal(hash_file(paths[i], want, NULL, &err), 0);
        assert_int_equal(csv_reader_open_digest(&r, paths[i], NULL, got, &err), 0);
        assert_memory_equal(got, want, HASH_LEN);
        while ((rc = csv_next(r, &rec, &err)) > 0)
            n++;
        assert_int_equal(rc, 0);
        csv_reader_free(r);
        r = NULL;
    }
    assert_true(n > 2);
    memset(got, 0xab, sizeof(got));
    assert_int_equal(csv_reader_open_digest(&r, FC_TEST_DATA "/csv/no-such.csv", NULL, got, &err),
                     FC_ENOTFOUND);
    assert_null(r);
    assert_int_equal(got[0], 0xab);
    unlink(paths[1]);
    free(paths[0]);
    free(paths[1]);
}

static void test_gb18030_four_byte(void **state)
{
    /* U+20BB7 (a name character outside the BMP) and U+00E9 both need
     * four-byte GB18030 sequences */
    static const char utf8[] = "姓名\n\xF0\xA0\xAE\xB7\xC3\xA9\n";
    struct buf gb = BUF_INIT;

    (void)state;
    to_gb(&gb, utf8, sizeof(utf8) - 1);
    check_parse_lim(gb.ptr, gb.len, NULL, "1-1:[姓名]\n2-2:[\xF0\xA0\xAE\xB7\xC3\xA9]\nEND");
    buf_release(&gb);
}

static void expect_encoding_error_in(const void *data, size_t len, const char *msg, int file_too)
{
    struct csv_reader *r = (struct csv_reader *)1;
    struct fc_error err;
    char *path;

    assert_int_equal(csv_reader_open_mem(&r, "bad.csv", data, len, NULL, &err), FC_EENCODING);
    assert_null(r);
    assert_string_equal(err.msg, msg);
    if (!file_too)
        return;

    path = write_tmp("bad.csv", data, len);
    assert_int_equal(csv_reader_open(&r, path, NULL, &err), FC_EENCODING);
    assert_null(r);
    assert_non_null(strstr(err.msg, strchr(msg, ':')));
    free(path);
}

static void expect_encoding_error(const void *data, size_t len, const char *msg)
{
    expect_encoding_error_in(data, len, msg, 1);
}

static void test_invalid_encoding(void **state)
{
    struct buf gb = BUF_INIT;

    (void)state;
    /* invalid in both at once: 0xFF never occurs in either */
    expect_encoding_error("a,b\n\xFF\n", 6, "'bad.csv': not UTF-8 or GB18030 at byte 4");
    /* UTF-8 text ("中,") that breaks GB18030 at byte 2, with a bad byte
     * later: the UTF-8 offset is the useful one */
    expect_encoding_error("\xE4\xB8\xAD,abcde\xC3\x28", 11,
                          "'bad.csv': not UTF-8 or GB18030 at byte 9");
    /* GBK text (breaks UTF-8 at byte 0) with a stray 0xFF at byte 8 (0x80
     * is CP936's euro sign, taken) */
    to_gb(&gb, "中文,abc", strlen("中文,abc"));
    buf_addch(&gb, (char)0xFF);
    buf_adds(&gb, "\n");
    expect_encoding_error(gb.ptr, gb.len, "'bad.csv': not UTF-8 or GB18030 at byte 8");
    buf_release(&gb);
    /* a BOM says UTF-8: in memory no fallback to GB18030 (D6D0 would be
     * valid GBK); a file is read line by line (test_mixed_lines) */
    expect_encoding_error_in("\xEF\xBB\xBF"
                             "a\n\xD6\xD0\n",
                             8, "'bad.csv': not UTF-8 or GB18030 at byte 5", 0);
    /* truncated sequence at the very end */
    expect_encoding_error("abc\xE4", 4, "'bad.csv': not UTF-8 or GB18030 at byte 3");
    /* a surrogate is not UTF-8; as GB18030 "ED A0" passes and 0xFF fails */
    expect_encoding_error("ab\xED\xA0\xFF", 5, "'bad.csv': not UTF-8 or GB18030 at byte 4");
}

static void test_nul_byte(void **state)
{
    (void)state;
    check_parse("a,b\nc\0d,e\n\"f\0\",g\nh,i\n",
                "1-1:[a][b]\n2-2:[cd][e] !NUL byte in field 1\n3-3:[f][g] !NUL byte in field "
                "1\n4-4:[h][i]\nEND");
}

static void test_quote_in_unquoted(void **state)
{
    (void)state;
    check_parse("a,b\"c,d\nx,y\n",
                "1-1:[a][b\"c][d] !quote inside unquoted field 2\n2-2:[x][y]\nEND");
    check_parse("\"ab\"cd,e\n", "1-1:[abcd][e] !text after closing quote in field 1\nEND");
}

static void test_one_megabyte_line(void **state)
{
    size_t n = 1000000;
    char *data = xmalloc(n + 16);
    struct csv_limits lim = {.max_record = 2u << 20, .max_field = 2u << 20, .max_fields = 0};
    struct csv_reader *r = NULL;
    struct csv_record rec;

    (void)state;
    memcpy(data, "id,", 3);
    memset(data + 3, 'x', n);
    memcpy(data + 3 + n, "\nz,1\n", 5);
    assert_int_equal(csv_reader_open_mem(&r, "big.csv", data, n + 8, &lim, NULL), 0);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_null(rec.error);
    assert_int_equal(rec.nfields, 2);
    assert_int_equal(rec.lens[1], n);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_int_equal(rec.line, 2);
    assert_string_equal(rec.fields[0], "z");
    assert_int_equal(csv_next(r, &rec, NULL), 0);
    csv_reader_free(r);

    /* with the default limits the same line is an error record, and the
     * reader carries on with the next one */
    assert_int_equal(csv_reader_open_mem(&r, "big.csv", data, n + 8, NULL, NULL), 0);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_string_equal(rec.error, "field 2 is longer than 65536 bytes");
    assert_int_equal(rec.lens[1], 65536);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_null(rec.error);
    assert_int_equal(rec.line, 2);
    assert_int_equal(csv_next(r, &rec, NULL), 0);
    csv_reader_free(r);
    free(data);
}

static void test_limits(void **state)
{
    struct csv_limits lim;

    (void)state;
    csv_limits_default(&lim);
    assert_int_equal(lim.max_record, 1u << 20);
    assert_int_equal(lim.max_field, 64u << 10);
    assert_int_equal(lim.max_fields, 256);

    lim = (struct csv_limits){.max_record = 100, .max_field = 4, .max_fields = 3};
    check_parse_limits("abcd,\"ef\"\"g\"\nabcde,x\n", &lim,
                       "1-1:[abcd][ef\"g]\n2-2:[abcd][x] !field 1 is longer than 4 bytes\nEND");
    check_parse_limits("a,b,c\na,b,c,d,e\nf\n", &lim,
                       "1-1:[a][b][c]\n2-2:[a][b][c] !record has more than 3 fields\n3-3:[f]\nEND");
    lim = (struct csv_limits){.max_record = 10, .max_field = 0, .max_fields = 0};
    check_parse_limits("1234567890\n12345678901\n1,\"2\n\n\n\n\n\n\n\n\n\"\nok\n", &lim,
                       "1-1:[1234567890]\n2-2:[1234567890] !record is longer than 10 bytes\n"
                       "3-12:[1][2\n\n\n\n\n\n] !record is longer than 10 bytes\n13-13:[ok]\nEND");
}

/* A record ten times the limit, spread over many fields, keeps memory at the
 * limit: the reader stores nothing past it. */
static void test_record_limit_many_fields(void **state)
{
    struct buf in = BUF_INIT;
    struct csv_limits lim = {.max_record = 1000, .max_field = 0, .max_fields = 100000};
    struct csv_reader *r = NULL;
    struct csv_record rec;
    size_t kept = 0;

    (void)state;
    for (int i = 0; i < 2000; i++)
        buf_adds(&in, "abcd,");
    buf_adds(&in, "end\nnext\n");
    assert_int_equal(csv_reader_open_mem(&r, "w.csv", in.ptr, in.len, &lim, NULL), 0);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_string_equal(rec.error, "record is longer than 1000 bytes");
    for (size_t i = 0; i < rec.nfields; i++)
        kept += rec.lens[i];
    assert_true(kept <= 1000);
    assert_true(rec.nfields <= 201);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_string_equal(rec.fields[0], "next");
    assert_int_equal(rec.line, 2);
    csv_reader_free(r);
    buf_release(&in);
}

/* The file is read in 256 KiB windows: a CRLF, a quoted field and a UTF-8
 * character straddle the first window boundary. */
static void test_window_boundaries(void **state)
{
    size_t win = (size_t)256 << 10;
    struct buf in = BUF_INIT;
    struct csv_reader *r = NULL;
    struct csv_record rec;
    char *path;
    uint64_t rows = 0, last_line = 0;

    (void)state;
    while (in.len < win - 200)
        buf_adds(&in, "0123456789,abcdefghijklmnopqrstuvwxyz\n");
    rows = in.len / 38;
    while (in.len < win - 2)
        buf_addch(&in, 'p');
    buf_adds(&in, "\r\n"); /* CR is the last byte of the first window */
    buf_adds(&in, "\"q\n");
    while (in.len < 2 * win - 1)
        buf_addch(&in, 'q');
    buf_adds(&in, "中\",tail\n"); /* 中 starts one byte before the second boundary */
    path = write_tmp("win.csv", in.ptr, in.len);
    assert_int_equal(csv_reader_open(&r, path, NULL, NULL), 0);
    for (uint64_t i = 0; i < rows; i++) {
        assert_int_equal(csv_next(r, &rec, NULL), 1);
        last_line = rec.line;
    }
    assert_int_equal(last_line, rows);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_int_equal(rec.line, rows + 1);
    assert_int_equal(rec.lens[0], win - 2 - rows * 38);
    assert_int_equal(csv_next(r, &rec, NULL), 1);
    assert_string_equal(rec.error, "field 1 is longer than 65536 bytes");
    assert_int_equal(rec.line, rows + 2);
    assert_int_equal(rec.end_line, rows + 3);
    assert_string_equal(rec.fields[1], "tail");
    assert_int_equal(csv_next(r, &rec, NULL), 0);
    assert_int_equal(csv_reader_offset(r), in.len);
    csv_reader_free(r);
    free(path);
    buf_release(&in);
}

/* A GBK export whose first 300 KB are ASCII: detection must not stop early. */
static void test_gbk_after_long_ascii(void **state)
{
    struct buf utf8 = BUF_INIT, gb = BUF_INIT;
    struct csv_reader *r = NULL;
    struct csv_record rec;
    char *path;
    int n = 0;

    (void)state;
    buf_adds(&utf8, "code,name\r\n");
    for (int i = 0; i < 20000; i++)
        buf_addf(&utf8, "D%06d,aspirin\r\n", i);
    for (int i = 0; i < 20000; i++)
        buf_addf(&utf8, "C%06d,阿司匹林肠溶片%d\r\n", i, i);
    to_gb(&gb, utf8.ptr, utf8.len);
    path = write_tmp("late.csv", gb.ptr, gb.len);
    assert_int_equal(csv_reader_open(&r, path, NULL, NULL), 0);
    assert_string_equal(csv_reader_encoding(r), "GB18030");
    while (csv_next(r, &rec, NULL) == 1) {
        n++;
        assert_null(rec.error);
        assert_int_equal(rec.line, n);
        if (n == 40001)
            assert_string_equal(rec.fields[1], "阿司匹林肠溶片19999");
    }
    assert_int_equal(n, 40001);
    csv_reader_free(r);
    free(path);
    buf_release(&gb);
    buf_release(&utf8);
}

static void test_open_errors(void **state)
{
    struct csv_reader *r = (struct csv_reader *)1;
    struct fc_error err;
    char *path = xasprintf("%s/missing.csv", tmpdir);
    char *msg = xasprintf("cannot open '%s': No such file or directory", path);

    (void)state;
    assert_int_equal(csv_reader_open(&r, path, NULL, &err), FC_ENOTFOUND);
    assert_null(r);
    assert_string_equal(err.msg, msg);
    assert_int_not_equal(err.sys, 0);
    /* a directory, like a FIFO or a device, is not a file to read */
    assert_int_equal(csv_reader_open(&r, tmpdir, NULL, &err), FC_EINPUT);
    assert_null(r);
    free(msg);
    free(path);
}

static void test_file_changed(void **state)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct fc_error err;
    char *path = write_tmp("chg.csv", "a,b\n1,2\n", 8);
    FILE *f;

    (void)state;
    assert_int_equal(csv_reader_open(&r, path, NULL, &err), 0);
    f = fopen(path, "ab");
    assert_non_null(f);
    fputs("3,\xFF\n", f);
    fclose(f);
    /* the unvalidated bytes are never handed out */
    assert_int_equal(csv_next(r, &rec, &err), FC_EIO);
    assert_non_null(strstr(err.msg, "changed while being read"));
    csv_reader_free(r);
    free(path);
}

/* A GBK file cut in the middle of a character after it was validated. */
static void test_file_truncated_gb(void **state)
{
    struct buf gb = BUF_INIT;
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct fc_error err;
    char *path;
    int rc;

    (void)state;
    to_gb(&gb, "姓名,床号\n张三,1\n", strlen("姓名,床号\n张三,1\n"));
    path = write_tmp("cut.csv", gb.ptr, gb.len);
    assert_int_equal(csv_reader_open(&r, path, NULL, &err), 0);
    assert_int_equal(truncate(path, 13), 0); /* cuts "三" (bytes 12-13) in half */
    while ((rc = csv_next(r, &rec, &err)) == 1)
        ;
    assert_int_equal(rc, FC_EIO);
    assert_non_null(strstr(err.msg, "changed while being read"));
    csv_reader_free(r);
    free(path);
    buf_release(&gb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_blank_only),
        cmocka_unit_test(test_header_only),
        cmocka_unit_test(test_bom_only),
        cmocka_unit_test(test_single_field),
        cmocka_unit_test(test_ragged),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_unbalanced_quote),
        cmocka_unit_test(test_fatal_is_sticky),
        cmocka_unit_test(test_embedded_newlines),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_gbk_mem),
        cmocka_unit_test(test_gbk_fixture),
        cmocka_unit_test(test_open_digest),
        cmocka_unit_test(test_gb18030_four_byte),
        cmocka_unit_test(test_invalid_encoding),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_quote_in_unquoted),
        cmocka_unit_test(test_one_megabyte_line),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_record_limit_many_fields),
        cmocka_unit_test(test_window_boundaries),
        cmocka_unit_test(test_gbk_after_long_ascii),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_file_changed),
        cmocka_unit_test(test_file_truncated_gb),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
