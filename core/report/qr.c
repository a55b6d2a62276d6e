/* QR symbols for the sync codes: libqrencode does the encoding (Reed-Solomon
 * and masking are easy to get subtly wrong), everything after the bit matrix
 * is ours: terminal half-blocks, SVG, and a PNG writer that stores its image
 * data in uncompressed deflate blocks with its own CRC-32 and Adler-32, so
 * that drawing a code needs no zlib. */
#include "core/report/qr.h"

#include "core/base/fs.h"
#include "core/base/xalloc.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define GLYPH_UPPER "\xe2\x96\x80" /* U+2580 upper half block */
#define GLYPH_LOWER "\xe2\x96\x84" /* U+2584 lower half block */
#define GLYPH_FULL "\xe2\x96\x88"  /* U+2588 full block */
#define SGR_PAPER "\033[30;107m"   /* black ink on bright white */
#define SGR_RESET "\033[0m"

static const char qr_an_set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

int qr_is_alphanumeric(const char *text)
{
    for (const char *p = text; *p; p++)
        if (!memchr(qr_an_set, *p, sizeof(qr_an_set) - 1))
            return 0;
    return 1;
}

static void matrix_alloc(struct qr_matrix *m, int size)
{
    m->size = size;
    m->modules = xcalloc((size_t)size * (size_t)size, 1);
}

int qr_encode(const char *text, struct qr_matrix *out, struct fc_error *err)
{
    QRinput *in = NULL;
    QRcode *code = NULL;
    size_t len = text ? strlen(text) : 0;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (len == 0 || len > QR_MAX_TEXT) {
        rc = fc_error_set(err, FC_EINPUT, "cannot encode a QR code of %zu characters", len);
        goto out;
    }
    in = QRinput_new2(0, QR_ECLEVEL_M);
    if (!in) {
        rc = fc_error_setsys(err, FC_EINTERNAL, errno, "cannot start a QR code");
        goto out;
    }
    if (QRinput_append(in, qr_is_alphanumeric(text) ? QR_MODE_AN : QR_MODE_8, (int)len,
                       (const unsigned char *)text) != 0) {
        rc = fc_error_setsys(err, FC_EINPUT, errno, "cannot encode '%.40s' as a QR code", text);
        goto out;
    }
    code = QRcode_encodeInput(in);
    if (!code) {
        rc = fc_error_setsys(err, errno == ERANGE ? FC_ELIMIT : FC_EINTERNAL, errno,
                             "cannot encode '%.40s' as a QR code: too long for a symbol", text);
        goto out;
    }
    matrix_alloc(out, code->width);
    out->version = code->version;
    /* libqrencode sets bit 0 of each byte for a dark module; the other bits
     * say which function pattern it belongs to. */
    for (int i = 0; i < code->width * code->width; i++)
        out->modules[i] = code->data[i] & 1;
out:
    if (code)
        QRcode_free(code);
    if (in)
        QRinput_free(in);
    return rc;
}

void qr_matrix_release(struct qr_matrix *m)
{
    if (!m)
        return;
    free(m->modules);
    memset(m, 0, sizeof(*m));
}

int qr_matrix_get(const struct qr_matrix *m, int x, int y)
{
    if (x < 0 || y < 0 || x >= m->size || y >= m->size)
        return 0;
    return m->modules[(size_t)y * (size_t)m->size + (size_t)x];
}

void qr_render_text(const struct qr_matrix *m, int quiet, enum qr_text_style style, struct buf *out)
{
    int full = m->size + 2 * quiet;

    for (int y = 0; y < full; y += 2) {
        if (style == QR_TEXT_ANSI)
            buf_adds(out, SGR_PAPER);
        for (int x = 0; x < full; x++) {
            int top = qr_matrix_get(m, x - quiet, y - quiet);
            int bottom = qr_matrix_get(m, x - quiet, y + 1 - quiet);

            if (top && bottom)
                buf_adds(out, GLYPH_FULL);
            else if (top)
                buf_adds(out, GLYPH_UPPER);
            else if (bottom)
                buf_adds(out, GLYPH_LOWER);
            else
                buf_addch(out, ' ');
        }
        if (style == QR_TEXT_ANSI)
            buf_adds(out, SGR_RESET);
        buf_addch(out, '\n');
    }
}

/* Reads one glyph at *p: sets top/bottom, advances *p; -1 if not a glyph. */
static int glyph_take(const char **p, int *top, int *bottom)
{
    static const struct {
        const char *s;
        int top, bottom;
    } glyphs[] = {{" ", 0, 0}, {GLYPH_UPPER, 1, 0}, {GLYPH_LOWER, 0, 1}, {GLYPH_FULL, 1, 1}};

    for (size_t i = 0; i < sizeof(glyphs) / sizeof(glyphs[0]); i++) {
        size_t n = strlen(glyphs[i].s);
        if (!strncmp(*p, glyphs[i].s, n)) {
            *top = glyphs[i].top;
            *bottom = glyphs[i].bottom;
            *p += n;
            return 0;
        }
    }
    return -1;
}

int qr_parse_text(const char *text, int quiet, struct qr_matrix *out, struct fc_error *err)
{
    unsigned char *grid = NULL; /* full drawing, quiet zone included */
    size_t cap = 0;
    int width = -1, lines = 0, rc = 0;
    const char *p = text;

    memset(out, 0, sizeof(*out));
    while (*p) {
        int x = 0;
        while (*p && *p != '\n') {
            int top, bottom;
            if (*p == '\033') {
                p++;
                if (*p != '[')
                    goto bad;
                while (*p && *p != 'm')
                    p++;
                if (*p)
                    p++;
                continue;
            }
            if (glyph_take(&p, &top, &bottom) < 0 || (width >= 0 && x >= width) || x >= 1000)
                goto bad;
            if ((size_t)(lines + 1) * 2 * 1000 > cap) {
                size_t ncap = cap ? cap * 2 : 2 * 1000 * 64;
                grid = xrealloc(grid, ncap);
                memset(grid + cap, 0, ncap - cap);
                cap = ncap;
            }
            grid[(size_t)(2 * lines) * 1000 + (size_t)x] = (unsigned char)top;
            grid[(size_t)(2 * lines + 1) * 1000 + (size_t)x] = (unsigned char)bottom;
            x++;
        }
        if (*p == '\n')
            p++;
        if (lines >= 500)
            goto bad;
        if (width < 0)
            width = x;
        else if (x != width)
            goto bad;
        lines++;
    }
    if (width <= 2 * quiet || lines != (width + 1) / 2)
        goto bad;
    for (int y = 0; y < width; y++)
        for (int x = 0; x < width; x++) {
            int in = x >= quiet && y >= quiet && x < width - quiet && y < width - quiet;
            if (!in && grid[(size_t)y * 1000 + (size_t)x])
                goto bad;
        }
    matrix_alloc(out, width - 2 * quiet);
    for (int y = 0; y < out->size; y++)
        for (int x = 0; x < out->size; x++)
            out->modules[(size_t)y * (size_t)out->size + (size_t)x] =
                grid[(size_t)(y + quiet) * 1000 + (size_t)(x + quiet)];
    goto out;
bad:
    rc = fc_error_set(err, FC_EINPUT,
                      "cannot read QR drawing: not a square half-block symbol with a quiet zone "
                      "of %d (line %d)",
                      quiet, lines + 1);
out:
    free(grid);
    return rc;
}

void qr_render_svg(const struct qr_matrix *m, int quiet, int scale, struct buf *out)
{
    int full = m->size + 2 * quiet;

    buf_addf(out,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
             "height=\"%d\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n"
             "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
             "<path fill=\"#000000\" d=\"",
             full * scale, full * scale, full, full, full, full);
    /* one sub-path per horizontal run of dark modules keeps the file small */
    for (int y = 0; y < m->size; y++) {
        for (int x = 0; x < m->size;) {
            int run = 0;
            if (!qr_matrix_get(m, x, y)) {
                x++;
                continue;
            }
            while (qr_matrix_get(m, x + run, y))
                run++;
            buf_addf(out, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
            x += run;
        }
    }
    buf_adds(out, "\"/>\n</svg>\n");
}

uint32_t qr_crc32(uint32_t crc, const void *data, size_t len)
{
    static uint32_t table[256];
    static int ready;
    const unsigned char *p = data;

    if (!ready) {
        for (uint32_t n = 0; n < 256; n++) {
            uint32_t c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        ready = 1;
    }
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint32_t qr_adler32(uint32_t adler, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t a = adler & 0xffff, b = adler >> 16;

    for (size_t i = 0; i < len; i++) {
        a = (a + p[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return (b << 16) | a;
}

static void put_be32(struct buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, x, 4);
}

/* Appends one chunk: length, type, data, CRC-32 over type and data. */
static void png_chunk(struct buf *out, const char type[4], const void *data, size_t len)
{
    size_t start;

    put_be32(out, (uint32_t)len);
    start = out->len;
    buf_add(out, type, 4);
    if (len)
        buf_add(out, data, len);
    put_be32(out, qr_crc32(0, out->ptr + start, len + 4));
}

void qr_render_png(const struct qr_matrix *m, int quiet, int scale, struct buf *out)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    int px = (m->size + 2 * quiet) * scale;
    size_t stride = 1 + ((size_t)px + 7) / 8; /* filter byte + packed pixels */
    size_t raw_len = stride * (size_t)px;
    unsigned char *raw = xcalloc(raw_len, 1);
    struct buf z = BUF_INIT, ihdr = BUF_INIT;

    /* Scanlines with filter type 0; a set bit is white in 1-bit greyscale. */
    for (int y = 0; y < px; y++) {
        unsigned char *row = raw + (size_t)y * stride;
        for (int x = 0; x < px; x++)
            if (!qr_matrix_get(m, x / scale - quiet, y / scale - quiet))
                row[1 + x / 8] |= (unsigned char)(0x80u >> (x % 8));
    }

    /* zlib stream: CMF/FLG for deflate with a 32 KiB window and no preset
     * dictionary (0x7801 is a multiple of 31), stored blocks of at most
     * 65 535 bytes, then the Adler-32 of the raw data. */
    buf_addch(&z, 0x78);
    buf_addch(&z, 0x01);
    for (size_t off = 0, n = 0; off < raw_len; off += n) {
        n = raw_len - off > 65535 ? 65535 : raw_len - off;
        unsigned char hdr[5];
        hdr[0] = off + n == raw_len ? 1 : 0; /* BFINAL, BTYPE 00 = stored */
        hdr[1] = (unsigned char)(n & 0xff);
        hdr[2] = (unsigned char)(n >> 8);
        hdr[3] = (unsigned char)(~n & 0xff);
        hdr[4] = (unsigned char)((~n >> 8) & 0xff);
        buf_add(&z, hdr, 5);
        buf_add(&z, raw + off, n);
    }
    put_be32(&z, qr_adler32(1, raw, raw_len));

    put_be32(&ihdr, (uint32_t)px);
    put_be32(&ihdr, (uint32_t)px);
    buf_addch(&ihdr, 1); /* bit depth */
    buf_addch(&ihdr, 0); /* colour type: greyscale */
    buf_addch(&ihdr, 0); /* compression: deflate */
    buf_addch(&ihdr, 0); /* filter method 0 */
    buf_addch(&ihdr, 0); /* no interlace */

    buf_add(out, sig, sizeof(sig));
    png_chunk(out, "IHDR", ihdr.ptr, ihdr.len);
    png_chunk(out, "IDAT", z.ptr, z.len);
    png_chunk(out, "IEND", NULL, 0);
    buf_release(&z);
    buf_release(&ihdr);
    free(raw);
}

int qr_write(const char *text, struct buf *term, enum qr_text_style style, const char *png_path,
             const char *svg_path, struct fc_error *err)
{
    struct qr_matrix m;
    struct buf file = BUF_INIT;
    int rc = qr_encode(text, &m, err);

    if (rc)
        goto out;
    if (term)
        qr_render_text(&m, QR_QUIET, style, term);
    if (png_path) {
        qr_render_png(&m, QR_QUIET, QR_PNG_SCALE, &file);
        rc = fs_write_atomic(png_path, file.ptr, file.len, 0644, err);
        if (rc)
            goto out;
        buf_reset(&file);
    }
    if (svg_path) {
        qr_render_svg(&m, QR_QUIET, QR_PNG_SCALE, &file);
        rc = fs_write_atomic(svg_path, file.ptr, file.len, 0644, err);
        if (rc)
            goto out;
    }
out:
    buf_release(&file);
    qr_matrix_release(&m);
    return rc;
}
