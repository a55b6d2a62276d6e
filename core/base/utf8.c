/* UTF-8 and display width. The wide ranges are the East Asian Wide/Fullwidth
 * blocks that occur in names, addresses, drug names and UI text; a table
 * lookup keeps width independent of the process locale (wcwidth is not). */
#include "core/base/utf8.h"

#include <string.h>

int utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c;
    int n;

    if (!len)
        return -1;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    } else if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        n = 2;
        c = u[0] & 0x1F;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        n = 3;
        c = u[0] & 0x0F;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        n = 4;
        c = u[0] & 0x07;
    } else {
        return -1;
    }
    if (len < (size_t)n)
        return -1;
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *cp = c;
    return n;
}

int utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return 0;
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    } else if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

int utf8_is_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    uint32_t cp;

    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        int n = utf8_decode(s + i, len - i, &cp);
        if (n < 0) {
            if (bad_offset)
                *bad_offset = i;
            return 0;
        }
        i += (size_t)n;
    }
    return 1;
}

struct range {
    uint32_t lo, hi;
};

static const struct range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0x302A, 0x302D},
    {0x3099, 0x309A}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

static const struct range wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F},
    {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int utf8_cp_width(uint32_t cp)
{
    if (cp == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (in_ranges(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
        return 0;
    if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
        return 2;
    return 1;
}

size_t utf8_width(const char *s)
{
    size_t w = 0, len = strlen(s), i = 0;
    uint32_t cp;

    while (i < len) {
        int n = utf8_decode(s + i, len - i, &cp);
        if (n < 0) {
            w++;
            i++;
            continue;
        }
        w += (size_t)utf8_cp_width(cp);
        i += (size_t)n;
    }
    return w;
}

size_t utf8_count(const char *s)
{
    size_t c = 0, len = strlen(s), i = 0;
    uint32_t cp;

    while (i < len) {
        int n = utf8_decode(s + i, len - i, &cp);
        i += n < 0 ? 1 : (size_t)n;
        c++;
    }
    return c;
}

size_t utf8_prefix_cols(const char *s, size_t cols, size_t *width_out)
{
    size_t w = 0, len = strlen(s), i = 0;
    uint32_t cp;

    while (i < len) {
        int n = utf8_decode(s + i, len - i, &cp);
        size_t cw = n < 0 ? 1 : (size_t)utf8_cp_width(cp);
        size_t step = n < 0 ? 1 : (size_t)n;
        if (w + cw > cols)
            break;
        w += cw;
        i += step;
    }
    if (width_out)
        *width_out = w;
    return i;
}
