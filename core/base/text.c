/* The terminal text filter (core/base/text.h). Escaped rather than dropped
 * or replaced: whoever reads the line sees that something was there and what
 * it was, and the TUI shows the same escapes as the CLI. */
#include "core/base/text.h"

#include "core/base/utf8.h"

#include <string.h>

int text_is_unsafe(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 1;
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Length a sequence starting with lead byte c claims (0: not a lead byte). */
static size_t seq_len(unsigned char c)
{
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF)
        return 3;
    if (c >= 0xF0 && c <= 0xF4)
        return 4;
    return 0;
}

size_t text_escape(struct buf *out, const char *s, size_t len, unsigned flags)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        int n;

        if (c < 0x80) {
            if ((c == '\n' || c == '\t') && (flags & TEXT_KEEP_LINES))
                buf_addch(out, (char)c);
            else if (c < 0x20 || c == 0x7F)
                buf_addf(out, "\\x%02x", c);
            else
                buf_addch(out, (char)c);
            i++;
            continue;
        }
        n = utf8_decode(s + i, len - i, &cp);
        if (n < 0) {
            size_t want = seq_len(c);
            /* a sequence cut by the end of this piece may be whole with the next */
            if ((flags & TEXT_PARTIAL) && want > len - i) {
                size_t k = 1;
                while (i + k < len && ((unsigned char)s[i + k] & 0xC0) == 0x80)
                    k++;
                if (i + k == len)
                    return i;
            }
            buf_addf(out, "\\x%02x", c);
            i++;
            continue;
        }
        if (text_is_unsafe(cp))
            buf_addf(out, "\\u%04x", (unsigned)cp);
        else
            buf_add(out, s + i, (size_t)n);
        i += (size_t)n;
    }
    return i;
}

void text_escape_str(struct buf *out, const char *s)
{
    if (s)
        text_escape(out, s, strlen(s), 0);
}
