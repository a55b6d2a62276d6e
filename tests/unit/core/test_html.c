/* Tests for core/html: escaping of hostile and invalid text first, the
 * language choice from the environment, the QR SVG (one module square per
 * dark module), the page frame's open/unsigned/signed states and the charts'
 * empty and non-empty forms. */
#include "core/report/html.h"

#include "core/base/buf.h"
#include "core/report/qr.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_escape(void **state)
{
    struct buf b = BUF_INIT;

    (void)state;
    html_escape(&b, NULL);
    assert_int_equal(b.len, 0);
    html_escape(&b, "");
    assert_int_equal(b.len, 0);
    html_escape(&b, "<script>alert('x')</script> \"a\" & b");
    assert_string_equal(b.ptr,
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;a&quot; &amp; b");
    buf_reset(&b);
    /* invalid UTF-8 and control characters become U+FFFD; CJK stays */
    html_escape(&b, "张\xff\x01三");
    assert_string_equal(b.ptr, "张\xef\xbf\xbd\xef\xbf\xbd三");
    buf_reset(&b);
    html_elem(&b, "td class=\"n\"", "1<2");
    assert_string_equal(b.ptr, "<td class=\"n\">1&lt;2</td>");
    buf_release(&b);
}

static void test_lang(void **state)
{
    (void)state;
    unsetenv("FIELDCHECK_LANG");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    assert_int_equal(html_lang_from_env(), HTML_ZH);
    setenv("LANG", "en_US.UTF-8", 1);
    assert_int_equal(html_lang_from_env(), HTML_EN);
    setenv("FIELDCHECK_LANG", "zh_CN", 1);
    assert_int_equal(html_lang_from_env(), HTML_ZH);
    setenv("FIELDCHECK_LANG", "en", 1);
    assert_int_equal(html_lang_from_env(), HTML_EN);
    assert_string_equal(html_t(HTML_EN, "中", "en"), "en");
    assert_string_equal(html_t(HTML_ZH, "中", "en"), "中");
    unsetenv("FIELDCHECK_LANG");
    unsetenv("LANG");
}

static void test_qr_svg(void **state)
{
    struct buf b = BUF_INIT;
    struct qr_matrix m;
    size_t dark = 0, drawn = 0;
    const char *p;

    (void)state;
    assert_int_equal(html_qr_svg(&b, "", NULL), FC_EINPUT);
    buf_reset(&b);
    assert_int_equal(html_qr_svg(&b, "FCC1ABCDEF", NULL), 0);
    assert_int_equal(qr_encode("FCC1ABCDEF", &m, NULL), 0);
    for (int y = 0; y < m.size; y++)
        for (int x = 0; x < m.size; x++)
            dark += (size_t)qr_matrix_get(&m, x, y);
    /* every run "M x yhNv1h-Nz" covers N dark modules */
    for (p = strstr(b.ptr, "M"); p; p = strchr(p + 1, 'M')) {
        int x, y, n;
        if (sscanf(p, "M%d %dh%d", &x, &y, &n) == 3) {
            for (int i = 0; i < n; i++)
                assert_true(qr_matrix_get(&m, x - QR_QUIET + i, y - QR_QUIET));
            drawn += (size_t)n;
        }
    }
    assert_int_equal(drawn, dark);
    assert_non_null(strstr(b.ptr, "<svg class=\"qr\""));
    qr_matrix_release(&m);
    buf_release(&b);
}

static void test_frame(void **state)
{
    struct html_page p;
    struct buf b = BUF_INIT;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.lang = HTML_ZH;
    p.title = "现场检查笔录";
    p.site = "<b>Site</b>";
    p.masked = 1;
    assert_int_equal(html_begin(&b, &p, NULL), 0);
    html_end(&b, &p);
    assert_non_null(strstr(b.ptr, "检查尚未结束"));
    assert_null(strstr(b.ptr, "<svg class=\"qr\""));
    assert_null(strstr(b.ptr, "<b>Site"));
    assert_non_null(strstr(b.ptr, "@page{size:A4"));
    assert_non_null(strstr(b.ptr, "<tfoot>"));
    buf_reset(&b);
    p.closed_at = "2026-11-22T22:00:00+08:00";
    p.short_code = "ABCD-EFGH";
    assert_int_equal(html_begin(&b, &p, NULL), 0);
    assert_non_null(strstr(b.ptr, "未签名"));
    buf_reset(&b);
    p.signed_code = "FCC1ABCDEFGH";
    p.lang = HTML_EN;
    assert_int_equal(html_begin(&b, &p, NULL), 0);
    assert_non_null(strstr(b.ptr, "<svg class=\"qr\""));
    assert_non_null(strstr(b.ptr, "ABCD-EFGH"));
    assert_null(strstr(b.ptr, "UNSIGNED"));
    buf_release(&b);
}

static void test_charts(void **state)
{
    struct html_bar bars[] = {{"<a>", 10, NULL}, {"b", -3, "neg"}, {"c", 5, "5.00"}};
    struct buf b = BUF_INIT;

    (void)state;
    html_bar_chart(&b, HTML_EN, "empty", NULL, 0);
    assert_non_null(strstr(b.ptr, "no data"));
    assert_null(strstr(b.ptr, "<svg"));
    buf_reset(&b);
    html_bar_chart(&b, HTML_ZH, "t", bars, 3);
    assert_non_null(strstr(b.ptr, "&lt;a&gt;"));
    assert_non_null(strstr(b.ptr, "width=\"110.00\"")); /* the largest bar is full length */
    assert_non_null(strstr(b.ptr, "width=\"0.00\""));   /* negative drawn as 0 */
    assert_non_null(strstr(b.ptr, ">neg<"));
    buf_reset(&b);
    html_column_chart(&b, HTML_ZH, "t", bars, 3);
    assert_non_null(strstr(b.ptr, "height=\"55.00\""));
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape), cmocka_unit_test(test_lang),   cmocka_unit_test(test_qr_svg),
        cmocka_unit_test(test_frame),  cmocka_unit_test(test_charts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
