/* UTF-8 decoding and terminal display width, independent of the C locale, so
 * tables of Chinese names line up the same way in tests and on any laptop. */
#ifndef FC_BASE_UTF8_H
#define FC_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s (at most len bytes). Returns the number of
 * bytes consumed (1..4), or -1 for an invalid or truncated sequence
 * (overlongs, surrogates and values above U+10FFFF are invalid). */
int utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (4 bytes room); returns the byte count (0 if invalid). */
int utf8_encode(uint32_t cp, char out[4]);

/* 1 if s[0..len) is valid UTF-8; else 0 with the offset of the first bad byte
 * in *bad_offset (may be NULL). */
int utf8_is_valid(const char *s, size_t len, size_t *bad_offset);

/* Display columns of one code point: 0 (combining, control), 1 or 2 (East Asian wide). */
int utf8_cp_width(uint32_t cp);

/* Display columns of a NUL-terminated string; invalid bytes count 1 each. */
size_t utf8_width(const char *s);

/* Number of code points in s (invalid bytes count as one each). */
size_t utf8_count(const char *s);

/* Byte length of the longest prefix of s that fits in cols columns; the
 * prefix's width goes in *width_out (may be NULL). Never splits a character. */
size_t utf8_prefix_cols(const char *s, size_t cols, size_t *width_out);

#endif
