/* Tests for core/qr: degenerate and over-long texts first, then the bit
 * matrix (mode choice, finder patterns), CRC-32 and Adler-32 against their
 * published check values, a full structural read of the PNG writer's output
 * back to pixels, the SVG path, and the terminal half-blocks parsed back. */
#include "core/report/qr.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A receipt-shaped code: prefix and upper-case base32. */
static void make_code(char *out, size_t n, unsigned seed)
{
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    memcpy(out, "FCR1", 4);
    for (size_t i = 4; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        out[i] = b32[(seed >> 16) & 31];
    }
    out[n] = '\0';
}

static void test_degenerate(void **state)
{
    struct qr_matrix m;
    struct fc_error err;
    char *big = xmalloc(QR_MAX_TEXT + 2);

    (void)state;
    assert_int_equal(qr_encode("", &m, &err), FC_EINPUT);
    assert_null(m.modules);
    qr_matrix_release(&m);
    assert_int_equal(qr_encode(NULL, &m, &err), FC_EINPUT);
    memset(big, 'a', QR_MAX_TEXT + 1);
    big[QR_MAX_TEXT + 1] = '\0';
    assert_int_equal(qr_encode(big, &m, &err), FC_EINPUT);
    /* under the text cap but above what a version-40 symbol holds at M in
     * 8-bit mode (2331 bytes) */
    big[3000] = '\0';
    assert_int_equal(qr_encode(big, &m, &err), FC_ELIMIT);
    assert_non_null(strstr(err.msg, "too long"));
    qr_matrix_release(&m);
    qr_matrix_release(NULL);
    free(big);
}

static void test_alphanumeric_set(void **state)
{
    (void)state;
    assert_true(qr_is_alphanumeric("FCE1ABC234567 $%*+-./:"));
    assert_false(qr_is_alphanumeric("FCE1abc"));
    assert_false(qr_is_alphanumeric("FCE1_"));
    assert_false(qr_is_alphanumeric("\xe4\xb8\xad"));
}

static void test_mode_and_version(void **state)
{
    char code[301], lower[301];
    struct qr_matrix an, bin;

    (void)state;
    /* 300 alphanumeric characters fit version 10 at M only in alphanumeric
     * mode (331 characters; 8-bit mode holds 213 bytes there) */
    make_code(code, 300, 7);
    for (size_t i = 0; i <= 300; i++)
        lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    assert_int_equal(qr_encode(code, &an, NULL), 0);
    assert_int_equal(qr_encode(lower, &bin, NULL), 0);
    assert_int_equal(an.version, 10);
    assert_int_equal(an.size, 17 + 4 * 10);
    assert_true(bin.version > 10);
    qr_matrix_release(&an);
    qr_matrix_release(&bin);

    /* the longest sync code (a 211-character checkpoint) stays at version 10 */
    make_code(code, 211, 9);
    assert_int_equal(qr_encode(code, &an, NULL), 0);
    assert_true(an.version <= 10);
    qr_matrix_release(&an);
}

/* The 7x7 finder pattern with its top-left corner at (x0, y0). */
static void check_finder(const struct qr_matrix *m, int x0, int y0)
{
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 7; x++) {
            int ring = x == 0 || y == 0 || x == 6 || y == 6;
            int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
            assert_int_equal(qr_matrix_get(m, x0 + x, y0 + y), ring || core);
        }
}

static void test_matrix(void **state)
{
    struct qr_matrix m;
    char code[200];

    (void)state;
    make_code(code, 198, 3);
    assert_int_equal(qr_encode(code, &m, NULL), 0);
    assert_int_equal(m.size, 17 + 4 * m.version);
    check_finder(&m, 0, 0);
    check_finder(&m, m.size - 7, 0);
    check_finder(&m, 0, m.size - 7);
    /* separators are light, the fourth corner is not a finder */
    for (int i = 0; i < 8; i++) {
        assert_int_equal(qr_matrix_get(&m, 7, i), 0);
        assert_int_equal(qr_matrix_get(&m, i, 7), 0);
    }
    /* timing pattern on row 6 alternates */
    for (int x = 8; x < m.size - 8; x++)
        assert_int_equal(qr_matrix_get(&m, x, 6), x % 2 == 0);
    /* the dark module next to the bottom-left finder */
    assert_int_equal(qr_matrix_get(&m, 8, m.size - 8), 1);
    /* outside the symbol is the quiet zone */
    assert_int_equal(qr_matrix_get(&m, -1, 0), 0);
    assert_int_equal(qr_matrix_get(&m, 0, m.size), 0);
    assert_int_equal(qr_matrix_get(&m, m.size, m.size), 0);
    qr_matrix_release(&m);
}

static void test_checksums(void **state)
{
    (void)state;
    /* published check values */
    assert_int_equal(qr_crc32(0, "123456789", 9), 0xcbf43926u);
    assert_int_equal(qr_crc32(0, "", 0), 0);
    assert_int_equal(qr_crc32(qr_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
    assert_int_equal(qr_crc32(0, "IEND", 4), 0xae426082u);
    assert_int_equal(qr_adler32(1, "Wikipedia", 9), 0x11e60398u);
    assert_int_equal(qr_adler32(1, "", 0), 1);
    assert_int_equal(qr_adler32(qr_adler32(1, "Wiki", 4), "pedia", 5), 0x11e60398u);
    {
        /* enough 0xff bytes to need the modulo on both sums */
        size_t n = 100000;
        unsigned char *p = xmalloc(n);
        uint32_t a = 1, b = 0;
        memset(p, 0xff, n);
        for (size_t i = 0; i < n; i++) {
            a = (a + 0xff) % 65521u;
            b = (b + a) % 65521u;
        }
        assert_int_equal(qr_adler32(1, p, n), (b << 16) | a);
        free(p);
    }
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads a PNG made by qr_render_png back into pixels, checking every
 * structural rule a decoder relies on. Returns the width; *pixels is malloc'd,
 * one byte per pixel, 1 for black. */
static int png_read(const struct buf *png, unsigned char **pixels)
{
    const unsigned char *p = (const unsigned char *)png->ptr;
    size_t off = 8, idat_len = 0;
    unsigned char *idat = NULL, *raw = NULL;
    uint32_t w = 0, h = 0;
    size_t raw_len = 0, stride, z;
    int seen_end = 0, n_blocks = 0;

    assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
    while (off < png->len) {
        uint32_t len = be32(p + off);
        const unsigned char *type = p + off + 4;
        assert_true(off + 12 + len <= png->len);
        assert_int_equal(be32(p + off + 8 + len), qr_crc32(0, type, len + 4));
        if (!memcmp(type, "IHDR", 4)) {
            assert_int_equal(off, 8); /* first chunk */
            assert_int_equal(len, 13);
            w = be32(type + 4);
            h = be32(type + 8);
            assert_memory_equal(type + 12, "\x01\x00\x00\x00\x00", 5);
        } else if (!memcmp(type, "IDAT", 4)) {
            idat = xrealloc(idat, idat_len + len);
            memcpy(idat + idat_len, type + 4, len);
            idat_len += len;
        } else if (!memcmp(type, "IEND", 4)) {
            assert_int_equal(len, 0);
            seen_end = 1;
        } else {
            fail_msg("unexpected chunk");
        }
        off += 12 + len;
    }
    assert_int_equal(off, png->len);
    assert_true(seen_end);
    assert_true(w > 0 && w == h);
    /* zlib: CMF 0x78 FLG 0x01, header check, no dictionary */
    assert_true(idat_len >= 2 + 5 + 4);
    assert_int_equal(idat[0], 0x78);
    assert_int_equal((idat[0] * 256 + idat[1]) % 31, 0);
    assert_int_equal(idat[1] & 0x20, 0);
    stride = 1 + (w + 7) / 8;
    raw = xmalloc(stride * h);
    for (z = 2;;) {
        unsigned char hdr = idat[z];
        size_t n = idat[z + 1] | (size_t)idat[z + 2] << 8;
        size_t nn = idat[z + 3] | (size_t)idat[z + 4] << 8;
        assert_int_equal(hdr & 6, 0); /* BTYPE 00 */
        assert_int_equal(n ^ nn, 0xffff);
        assert_true(raw_len + n <= stride * h);
        memcpy(raw + raw_len, idat + z + 5, n);
        raw_len += n;
        z += 5 + n;
        n_blocks++;
        if (hdr & 1)
            break;
    }
    assert_int_equal(raw_len, stride * h);
    assert_int_equal(z + 4, idat_len);
    assert_int_equal(be32(idat + z), qr_adler32(1, raw, raw_len));
    assert_int_equal(n_blocks, (raw_len + 65534) / 65535);
    *pixels = xmalloc((size_t)w * h);
    for (uint32_t y = 0; y < h; y++) {
        const unsigned char *row = raw + y * stride;
        assert_int_equal(row[0], 0); /* filter: none */
        for (uint32_t x = 0; x < w; x++)
            (*pixels)[y * w + x] = !(row[1 + x / 8] & (0x80 >> (x % 8)));
    }
    free(idat);
    free(raw);
    return (int)w;
}

static void check_png(const struct qr_matrix *m, int quiet, int scale)
{
    struct buf png = BUF_INIT;
    unsigned char *px = NULL;
    int w;

    qr_render_png(m, quiet, scale, &png);
    w = png_read(&png, &px);
    assert_int_equal(w, (m->size + 2 * quiet) * scale);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (px[y * w + x] != qr_matrix_get(m, x / scale - quiet, y / scale - quiet))
                fail_msg("pixel (%d, %d) differs from its module", x, y);
    free(px);
    buf_release(&png);
}

static void test_png(void **state)
{
    struct qr_matrix m;
    char code[212];

    (void)state;
    make_code(code, 211, 5);
    assert_int_equal(qr_encode(code, &m, NULL), 0);
    check_png(&m, QR_QUIET, QR_PNG_SCALE); /* one stored block */
    check_png(&m, QR_QUIET, 20);           /* several stored blocks */
    check_png(&m, 0, 1);                   /* width not a multiple of 8 */
    qr_matrix_release(&m);
}

static void test_svg(void **state)
{
    struct qr_matrix m, back;
    struct buf svg = BUF_INIT;
    const char *p;
    int x, y, run, n;

    (void)state;
    assert_int_equal(qr_encode("FCE1ABCDEFGH234567", &m, NULL), 0);
    qr_render_svg(&m, QR_QUIET, 8, &svg);
    assert_non_null(strstr(svg.ptr, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_null(strstr(svg.ptr, "href"));
    assert_null(strstr(svg.ptr, "<image"));
    /* draw the path's runs into a fresh matrix and compare */
    back.size = m.size;
    back.modules = xcalloc((size_t)m.size * (size_t)m.size, 1);
    p = strstr(svg.ptr, " d=\"");
    assert_non_null(p);
    p += 4;
    while (sscanf(p, "M%d %dh%dv1h-%*dz%n", &x, &y, &run, &n) == 3) {
        x -= QR_QUIET;
        y -= QR_QUIET;
        assert_true(x >= 0 && y >= 0 && run > 0 && x + run <= m.size && y < m.size);
        for (int i = 0; i < run; i++)
            back.modules[y * m.size + x + i] = 1;
        p += n;
    }
    assert_int_equal(*p, '"');
    assert_memory_equal(back.modules, m.modules, (size_t)m.size * (size_t)m.size);
    free(back.modules);
    buf_release(&svg);
    qr_matrix_release(&m);
}

static void check_text(const struct qr_matrix *m, enum qr_text_style style)
{
    struct buf text = BUF_INIT;
    struct qr_matrix back;
    struct fc_error err;

    qr_render_text(m, QR_QUIET, style, &text);
    assert_int_equal(qr_parse_text(text.ptr, QR_QUIET, &back, &err), 0);
    assert_int_equal(back.size, m->size);
    assert_memory_equal(back.modules, m->modules, (size_t)m->size * (size_t)m->size);
    qr_matrix_release(&back);
    if (style == QR_TEXT_ANSI)
        assert_non_null(strstr(text.ptr, "\033[30;107m"));
    else
        assert_null(strchr(text.ptr, '\033'));
    buf_release(&text);
}

static void test_text(void **state)
{
    struct qr_matrix m, back;
    struct buf text = BUF_INIT;
    struct fc_error err;
    char code[200];

    (void)state;
    make_code(code, 198, 11);
    assert_int_equal(qr_encode(code, &m, NULL), 0);
    check_text(&m, QR_TEXT_PLAIN);
    check_text(&m, QR_TEXT_ANSI);

    /* every line is one glyph per module column, (size + 8 + 1) / 2 lines */
    qr_render_text(&m, QR_QUIET, QR_TEXT_PLAIN, &text);
    {
        int lines = 0;
        for (const char *p = text.ptr; *p; p++)
            lines += *p == '\n';
        assert_int_equal(lines, (m.size + 2 * QR_QUIET + 1) / 2);
    }
    /* a different quiet zone, a damaged glyph, a ragged line are refused */
    assert_int_equal(qr_parse_text(text.ptr, QR_QUIET + 1, &back, &err), FC_EINPUT);
    qr_matrix_release(&back);
    text.ptr[text.len / 2] = 'x';
    assert_int_equal(qr_parse_text(text.ptr, QR_QUIET, &back, &err), FC_EINPUT);
    qr_matrix_release(&back);
    assert_int_equal(qr_parse_text("   \n  \n", 1, &back, &err), FC_EINPUT);
    assert_int_equal(qr_parse_text("", 1, &back, &err), FC_EINPUT);
    buf_release(&text);
    qr_matrix_release(&m);
}

static void test_write_files(void **state)
{
    char dir[] = "/tmp/fc-qr-XXXXXX";
    struct buf png = BUF_INIT, svg = BUF_INIT, term = BUF_INIT, bad = BUF_INIT;
    struct fc_error err;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    buf_addf(&png, "%s/c.png", dir);
    buf_addf(&svg, "%s/c.svg", dir);
    buf_addf(&bad, "%s/missing/c.png", dir);
    assert_int_equal(qr_write("FCC1AAAA", &term, QR_TEXT_PLAIN, png.ptr, svg.ptr, &err), 0);
    assert_true(term.len > 0);
    f = fopen(png.ptr, "rb");
    assert_non_null(f);
    fclose(f);
    assert_int_not_equal(qr_write("FCC1AAAA", NULL, QR_TEXT_PLAIN, bad.ptr, NULL, &err), 0);
    assert_int_equal(qr_write("", NULL, QR_TEXT_PLAIN, NULL, NULL, &err), FC_EINPUT);
    remove(png.ptr);
    remove(svg.ptr);
    remove(dir);
    buf_release(&png);
    buf_release(&svg);
    buf_release(&term);
    buf_release(&bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_alphanumeric_set),
        cmocka_unit_test(test_mode_and_version),
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_checksums),
        cmocka_unit_test(test_png),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_write_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
