/* QR codes for the sync text codes (enrollment FCE1, receipt FCR1, visit
 * checkpoint FCC1): libqrencode turns text into a bit matrix, and three
 * renderers of our own draw it: terminal half-blocks, SVG and PNG. */
#ifndef FC_CORE_QR_H
#define FC_CORE_QR_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

/* The quiet zone ISO/IEC 18004 requires around a symbol, in modules. */
#define QR_QUIET 4
/* Pixels per module in PNG files and user units per module in SVG. */
#define QR_PNG_SCALE 8
/* The longest text qr_encode accepts (a version-40 symbol holds less). */
#define QR_MAX_TEXT 4096

/* A square symbol without quiet zone: modules[y * size + x] is 1 for dark. */
struct qr_matrix {
    int size;
    int version;
    unsigned char *modules;
};

/* Encodes text at error-correction level M (15 % of the symbol may be lost:
 * a printed code survives a fold or a smudge, and the 211-character
 * checkpoint code still fits version 10). Text made only of the QR
 * alphanumeric set (0-9 A-Z space $%*+-./:), as every fieldcheck code is, is
 * encoded in alphanumeric mode, 5.5 bits a character; anything else in 8-bit
 * mode. out is initialised here; release it with qr_matrix_release even on
 * failure. FC_EINPUT for empty or over-long text, FC_ELIMIT when the text does
 * not fit the largest symbol. */
int qr_encode(const char *text, struct qr_matrix *out, struct fc_error *err);

/* Frees the modules; m may be NULL or already released. */
void qr_matrix_release(struct qr_matrix *m);

/* 1 for a dark module at (x, y); 0 outside the symbol (the quiet zone). */
int qr_matrix_get(const struct qr_matrix *m, int x, int y);

/* 1 when every character of text is in the QR alphanumeric set. */
int qr_is_alphanumeric(const char *text);

enum qr_text_style {
    /* Plain UTF-8 for files and light backgrounds: a dark module is drawn
     * with the glyph's ink, a light one with a space. */
    QR_TEXT_PLAIN,
    /* For terminals: the same glyphs, but each line is wrapped in SGR codes
     * for black ink on a bright white background, so the symbol reads the
     * same in a dark and in a light terminal theme, with its quiet zone. */
    QR_TEXT_ANSI,
};

/* Appends the symbol with a quiet zone of quiet modules to out, two module
 * rows per text line: U+2580 (upper half dark), U+2584 (lower half dark),
 * U+2588 (both) and space (neither). Every line ends with '\n'. */
void qr_render_text(const struct qr_matrix *m, int quiet, enum qr_text_style style,
                    struct buf *out);

/* Parses text made by qr_render_text (either style; SGR sequences are
 * skipped) back into a matrix without its quiet zone of quiet modules. Used
 * by tests to prove that the drawing is the symbol. FC_EINPUT when the text is
 * not a square half-block drawing with that quiet zone. */
int qr_parse_text(const char *text, int quiet, struct qr_matrix *out, struct fc_error *err);

/* Appends a standalone SVG document (no external references): a white
 * square and one path of dark modules, scale user units per module. */
void qr_render_svg(const struct qr_matrix *m, int quiet, int scale, struct buf *out);

/* Appends a PNG file: 1-bit greyscale, scale pixels per module, the image
 * data in stored (uncompressed) deflate blocks, so no zlib is needed. */
void qr_render_png(const struct qr_matrix *m, int quiet, int scale, struct buf *out);

/* CRC-32 (ISO 3309, as in PNG chunks) and Adler-32 (RFC 1950) of data,
 * continuing from crc / adler (start with 0 and 1). Exposed for tests. */
uint32_t qr_crc32(uint32_t crc, const void *data, size_t len);
uint32_t qr_adler32(uint32_t adler, const void *data, size_t len);

/* Draws text as a QR code: the terminal rendering is appended to term (may be
 * NULL); when png_path / svg_path are not NULL the files are written
 * atomically (mode 0644). FC_EIO names the file that failed. */
int qr_write(const char *text, struct buf *term, enum qr_text_style style, const char *png_path,
             const char *svg_path, struct fc_error *err);

#endif
