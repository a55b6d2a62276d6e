/* Tests for encoding detection and GB18030 conversion: the validators'
 * edge cases, chunking that must not change a decision, and agreement between
 * the GB18030 validator and glibc's converter over every multi-byte code. */
#include "core/mission/textenc.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static size_t utf8p(const char *s, size_t n, int *bad)
{
    return textenc_utf8_prefix((const unsigned char *)s, n, bad);
}

static size_t gbp(const char *s, size_t n, int *bad)
{
    return textenc_gb18030_prefix((const unsigned char *)s, n, bad);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(textenc_name(TEXTENC_UTF8), "UTF-8");
    assert_string_equal(textenc_name(TEXTENC_UTF8_BOM), "UTF-8 (BOM)");
    assert_string_equal(textenc_name(TEXTENC_GB18030), "GB18030");
}

static void test_utf8_prefix(void **state)
{
    int bad;

    (void)state;
    assert_int_equal(utf8p("", 0, &bad), 0);
    assert_int_equal(bad, 0);
    assert_int_equal(utf8p("plain ascii text, long enough", 29, &bad), 29);
    assert_int_equal(bad, 0);
    assert_int_equal(utf8p("ab\xE4\xB8\xAD", 5, &bad), 5);
    assert_int_equal(bad, 0);
    /* unfinished at the end: not bad, stops before it */
    assert_int_equal(utf8p("ab\xE4\xB8", 4, &bad), 2);
    assert_int_equal(bad, 0);
    assert_int_equal(utf8p("ab\xF0\x9F\x98", 5, &bad), 2);
    assert_int_equal(bad, 0);
    /* a wrong byte inside an unfinished sequence is bad already */
    assert_int_equal(utf8p("ab\xE4\x41", 4, &bad), 2);
    assert_int_equal(bad, 1);
    /* overlongs, surrogates, above U+10FFFF, stray continuation, C0/C1/F5+ */
    assert_int_equal(utf8p("x\xC0\xAF", 3, &bad), 1);
    assert_int_equal(bad, 1);
    assert_int_equal(utf8p("\xE0\x80\xAF", 3, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(utf8p("\xF0\x80\x80\xAF", 4, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(utf8p("\xED\xA0\x80", 3, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(utf8p("\xED\x9F\xBF", 3, &bad), 3); /* U+D7FF is fine */
    assert_int_equal(bad, 0);
    assert_int_equal(utf8p("\xF4\x90\x80\x80", 4, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(utf8p("\xF4\x8F\xBF\xBF", 4, &bad), 4);
    assert_int_equal(utf8p("0123456789\x80", 11, &bad), 10);
    assert_int_equal(bad, 1);
    assert_int_equal(utf8p("\xF5\x80\x80\x80", 4, &bad), 0);
    assert_int_equal(bad, 1);
    /* NUL is valid text for the validator; the CSV layer rejects it */
    assert_int_equal(utf8p("a\0b", 3, &bad), 3);
}

static void test_gb18030_prefix(void **state)
{
    int bad;

    (void)state;
    assert_int_equal(gbp("abc", 3, &bad), 3);
    assert_int_equal(gbp("\xD6\xD0\xCE\xC4", 4, &bad), 4); /* 中文 */
    assert_int_equal(bad, 0);
    assert_int_equal(gbp("a\xD6", 2, &bad), 1); /* unfinished */
    assert_int_equal(bad, 0);
    assert_int_equal(gbp("a\x81\x30\x81", 4, &bad), 1);
    assert_int_equal(bad, 0);
    assert_int_equal(gbp("\x81\x30\x81\x30", 4, &bad), 4); /* U+0080 */
    assert_int_equal(gbp("\x95\x32\x82\x36", 4, &bad), 4); /* U+20BB7 */
    assert_int_equal(bad, 0);
    assert_int_equal(gbp("a\x80", 2, &bad), 2); /* CP936's euro sign */
    assert_int_equal(bad, 0);
    assert_int_equal(gbp("\xFF", 1, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(gbp("\xD6\x7F", 2, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(gbp("\xD6,", 2, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(gbp("\x81\x30\x30", 3, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(gbp("\x81\x30\x81\x41", 4, &bad), 0);
    assert_int_equal(bad, 1);
    /* unassigned four-byte codes: above the BMP block, below the planes */
    assert_int_equal(gbp("\x85\x30\x81\x30", 4, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(gbp("\xE3\x32\x9A\x36", 4, &bad), 0);
    assert_int_equal(bad, 1);
}

/* Every two- and four-byte GB18030 sequence: the validator accepts exactly
 * what glibc converts, so a file accepted at open never fails mid-stream. */
static void test_gb18030_agrees_with_iconv(void **state)
{
    struct textenc_gb *g = NULL;
    unsigned char s[4];
    char out[16];
    size_t used, outlen, disagree = 0, accepted = 0;
    int bad, conv;

    (void)state;
    assert_int_equal(textenc_gb_new(&g, NULL), 0);
    for (unsigned a = 0x81; a <= 0xFE; a++) {
        for (unsigned b = 0x30; b <= 0xFE; b++) {
            s[0] = (unsigned char)a;
            s[1] = (unsigned char)b;
            if (b >= 0x40) {
                conv = textenc_gb_convert(g, (char *)s, 2, &used, out, sizeof(out), &outlen);
                conv = conv == 0 && used == 2;
                disagree += conv != (gbp((char *)s, 2, &bad) == 2);
                continue;
            }
            if (b > 0x39)
                continue;
            for (unsigned c = 0x81; c <= 0xFE; c++) {
                for (unsigned d = 0x30; d <= 0x39; d++) {
                    s[2] = (unsigned char)c;
                    s[3] = (unsigned char)d;
                    conv = textenc_gb_convert(g, (char *)s, 4, &used, out, sizeof(out), &outlen);
                    conv = conv == 0 && used == 4;
                    accepted += conv;
                    disagree += conv != (gbp((char *)s, 4, &bad) == 4);
                }
            }
        }
    }
    assert_int_equal(disagree, 0);
    assert_true(accepted > 1000000); /* the planes are really covered */
    textenc_gb_free(g);
    textenc_gb_free(NULL);
}

static void test_gb_convert(void **state)
{
    struct textenc_gb *g = NULL;
    char out[64];
    size_t used, outlen;

    (void)state;
    assert_int_equal(textenc_gb_new(&g, NULL), 0);
    /* 中文 then the first half of another character: left for next time */
    assert_int_equal(
        textenc_gb_convert(g, "\xD6\xD0\xCE\xC4\xD6", 5, &used, out, sizeof(out), &outlen), 0);
    assert_int_equal(used, 4);
    assert_int_equal(outlen, 6);
    assert_memory_equal(out, "中文", 6);
    /* an invalid byte: converted text before it, offset of it */
    assert_int_equal(textenc_gb_convert(g, "ab\xFF", 3, &used, out, sizeof(out), &outlen),
                     FC_EENCODING);
    assert_int_equal(used, 2);
    assert_int_equal(outlen, 2);
    /* CP936 0x80 is the euro sign, which glibc's GB18030 lacks */
    assert_int_equal(textenc_gb_convert(g, "a\x80z", 3, &used, out, sizeof(out), &outlen), 0);
    assert_int_equal(used, 3);
    assert_int_equal(outlen, 5);
    assert_memory_equal(out, "a\xE2\x82\xACz", 5);
    /* output full: stops at a character boundary */
    assert_int_equal(textenc_gb_convert(g, "\xD6\xD0\xCE\xC4", 4, &used, out, 4, &outlen), 0);
    assert_int_equal(used, 2);
    assert_int_equal(outlen, 3);
    textenc_gb_free(g);
}

static int detect_chunked(const char *s, size_t n, size_t chunk, enum textenc_kind *kind,
                          uint64_t *bad)
{
    struct textenc_detect d;

    textenc_detect_init(&d);
    for (size_t i = 0; i < n; i += chunk)
        textenc_detect_feed(&d, s + i, n - i < chunk ? n - i : chunk);
    return textenc_detect_finish(&d, kind, bad);
}

static void test_detect(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        int rc;
        enum textenc_kind kind;
        uint64_t bad;
    } cases[] = {
        {"", 0, 0, TEXTENC_UTF8, 0},
        {"a,b\r\n", 5, 0, TEXTENC_UTF8, 0},
        {"\xEF\xBB\xBF", 3, 0, TEXTENC_UTF8_BOM, 0},
        {"\xEF\xBB", 2, 0, TEXTENC_GB18030, 0}, /* half a BOM is a GBK character */
        {"\xEF\xBB\xBF\xE5\x90\x8D", 6, 0, TEXTENC_UTF8_BOM, 0},
        {"\xE5\x90\x8D,\xE5\xAD\x97", 7, 0, TEXTENC_UTF8, 0},
        {"\xD6\xD0\xCE\xC4,x\r\n", 8, 0, TEXTENC_GB18030, 0},
        {"abc\x81\x30\x81\x30xyz", 10, 0, TEXTENC_GB18030, 0},
        {"abc\x81\x30\x81", 7, FC_EENCODING, 0, 3},
        {"abcd\xFF", 5, FC_EENCODING, 0, 4},
        {"\xE4\xB8\xAD,abcdefgh\xC3", 13, FC_EENCODING, 0, 12},
        {"\xD6\xD0\xCE\xC4,abcdefgh\xFF", 14, FC_EENCODING, 0, 13},
        {"\xEF\xBB\xBF\xD6\xD0", 5, FC_EENCODING, 0, 3},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t chunk = 1; chunk <= 16; chunk++) {
            enum textenc_kind kind = TEXTENC_UTF8;
            uint64_t bad = 999;
            int rc = detect_chunked(cases[i].s, cases[i].n, chunk, &kind, &bad);

            if (rc != cases[i].rc)
                fail_msg("case %zu chunk %zu: rc %d", i, chunk, rc);
            if (rc == 0 && kind != cases[i].kind)
                fail_msg("case %zu chunk %zu: kind %d", i, chunk, (int)kind);
            if (rc < 0 && bad != cases[i].bad)
                fail_msg("case %zu chunk %zu: bad at %llu", i, chunk, (unsigned long long)bad);
        }
    }
}

static void test_detect_hopeless(void **state)
{
    struct textenc_detect d;

    (void)state;
    textenc_detect_init(&d);
    textenc_detect_feed(&d, "abc", 3);
    assert_false(textenc_detect_is_hopeless(&d));
    textenc_detect_feed(&d, "\xD6\xD0", 2);
    assert_false(textenc_detect_is_hopeless(&d)); /* still GB18030 */
    textenc_detect_feed(&d, "\xFF", 1);
    assert_true(textenc_detect_is_hopeless(&d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),           cmocka_unit_test(test_utf8_prefix),
        cmocka_unit_test(test_gb18030_prefix),  cmocka_unit_test(test_gb18030_agrees_with_iconv),
        cmocka_unit_test(test_gb_convert),      cmocka_unit_test(test_detect),
        cmocka_unit_test(test_detect_hopeless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
