/* Code 128 encoding and SVG rendering (core/report/barcode.h). The symbol
 * table is stored as 11-bit patterns, bar first; tests check every row has
 * three bars and three spaces of one to four modules, so a mistyped row
 * cannot go unnoticed. */
#include "core/report/barcode.h"

#include <stdio.h>
#include <string.h>

/* Values 0..105; 106 (stop) is 13 modules: 1100011101011. */
static const unsigned short patterns[106] = {
    0x6CC, 0x66C, 0x666, 0x498, 0x48C, 0x44C, 0x4C8, 0x4C4, 0x464, 0x648, 0x644, 0x624,
    0x59C, 0x4DC, 0x4CE, 0x5CC, 0x4EC, 0x4E6, 0x672, 0x65C, 0x64E, 0x6E4, 0x674, 0x76E,
    0x74C, 0x72C, 0x726, 0x764, 0x734, 0x732, 0x6D8, 0x6C6, 0x636, 0x518, 0x458, 0x446,
    0x588, 0x468, 0x462, 0x688, 0x628, 0x622, 0x5B8, 0x58E, 0x46E, 0x5D8, 0x5C6, 0x476,
    0x776, 0x68E, 0x62E, 0x6E8, 0x6E2, 0x6EE, 0x758, 0x746, 0x716, 0x768, 0x762, 0x71A,
    0x77A, 0x642, 0x78A, 0x530, 0x50C, 0x4B0, 0x486, 0x42C, 0x426, 0x590, 0x584, 0x4D0,
    0x4C2, 0x434, 0x432, 0x612, 0x650, 0x7BA, 0x614, 0x47A, 0x53C, 0x4BC, 0x49E, 0x5E4,
    0x4F4, 0x4F2, 0x7A4, 0x794, 0x792, 0x6DE, 0x6F6, 0x7B6, 0x578, 0x51E, 0x45E, 0x5E8,
    0x5E2, 0x7A8, 0x7A2, 0x5DE, 0x5EE, 0x75E, 0x7AE, 0x684, 0x690, 0x69C,
};

#define START_B 104
#define START_C 105
#define CODE_B 100 /* switch to code set B (from C) */
#define CODE_C 99  /* switch to code set C (from B) */
#define STOP 106

const char *barcode128_pattern(int value)
{
    static char out[14];

    if (value == STOP)
        return "1100011101011";
    if (value < 0 || value > 105)
        return NULL;
    for (int i = 0; i < 11; i++)
        out[i] = (patterns[value] >> (10 - i)) & 1 ? '1' : '0';
    out[11] = '\0';
    return out;
}

static int digits_at(const char *s, size_t i)
{
    size_t n = 0;

    while (s[i + n] >= '0' && s[i + n] <= '9')
        n++;
    return (int)n;
}

int barcode128_modules(const char *text, struct buf *bits, struct fc_error *err)
{
    int values[512], n = 0, set_c;
    size_t len = text ? strlen(text) : 0, i = 0;
    long check;

    if (!len || len > 200)
        return fc_error_set(err, FC_EINPUT, "cannot draw '%s' as Code 128: %s", text ? text : "",
                            len ? "too long" : "empty");
    for (size_t k = 0; k < len; k++)
        if ((unsigned char)text[k] < 32 || (unsigned char)text[k] > 126)
            return fc_error_set(err, FC_EINPUT, "cannot draw '%s' as Code 128: not printable ASCII",
                                text);
    /* a text that starts with four digits or more starts in code set C */
    set_c = digits_at(text, 0) >= 4;
    values[n++] = set_c ? START_C : START_B;
    while (i < len) {
        int run = digits_at(text, i);
        if (set_c && run < 2) {
            values[n++] = CODE_B;
            set_c = 0;
        } else if (!set_c && run >= 6 && run % 2 == 0) {
            values[n++] = CODE_C;
            set_c = 1;
        }
        if (set_c) {
            values[n++] = (text[i] - '0') * 10 + (text[i + 1] - '0');
            i += 2;
        } else {
            values[n++] = text[i] - 32;
            i++;
        }
    }
    check = values[0];
    for (int k = 1; k < n; k++)
        check += (long)k * values[k];
    values[n++] = (int)(check % 103);
    values[n++] = STOP;
    for (int k = 0; k < n; k++)
        buf_adds(bits, barcode128_pattern(values[k]));
    return FC_OK;
}

void barcode_svg(const char *bits, int module_px, int height_px, struct buf *out)
{
    int quiet = 10, n = (int)strlen(bits), w = (n + 2 * quiet) * module_px;

    buf_addf(out,
             "<svg class=\"barcode\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
             "height=\"%d\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
             "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
             w, height_px, w, height_px, w, height_px);
    for (int i = 0; i < n;) {
        int run = 0;
        if (bits[i] != '1') {
            i++;
            continue;
        }
        while (i + run < n && bits[i + run] == '1')
            run++;
        buf_addf(out, "M%d 0h%dv%dh-%dz", (quiet + i) * module_px, run * module_px, height_px,
                 run * module_px);
        i += run;
    }
    buf_adds(out, "\"/></svg>");
}
