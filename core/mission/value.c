/* Value parsing: each column type (columns.c) has one parser in a table,
 * which checks and normalises a cell (trimmed, numbers as spreadsheets write
 * them, dates as HQ systems write them, IDs, site codes, beds, GTINs...). */
#include "core/mission/loader.h"

#include "core/ident/scan.h"

#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/text.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "core/ident/gs1.h"
#include "core/ident/ident.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int is_space_at(const char *s, size_t n, size_t *w)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
        *w = 1;
        return 1;
    }
    if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x80) { /* U+3000 ideographic space */
        *w = 3;
        return 1;
    }
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) { /* NBSP */
        *w = 2;
        return 1;
    }
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF) { /* a BOM that survived */
        *w = 3;
        return 1;
    }
    return 0;
}

/* The bytes the spaces loader_trim takes off start and end with. */
static int space_first(unsigned char b)
{
    return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xE3 || b == 0xC2 || b == 0xEF;
}

static int space_last(unsigned char b)
{
    return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0x80 || b == 0xA0 || b == 0xBF;
}

/* Trims spaces (ASCII, U+3000, NBSP, BOM) from both ends of s[0..*n). */
const char *loader_trim(const char *s, size_t *n)
{
    size_t w;

    /* the common case, decided on two bytes */
    if (*n && !space_first((unsigned char)s[0]) && !space_last((unsigned char)s[*n - 1]))
        return s;
    while (*n && is_space_at(s, *n, &w)) {
        s += w;
        *n -= w;
    }
    for (;;) {
        size_t k, found = 0;
        for (k = 1; k <= 3 && k <= *n; k++) {
            if (is_space_at(s + *n - k, k, &w) && w == k) {
                found = k;
                break;
            }
        }
        if (!found)
            break;
        *n -= found;
    }
    return s;
}

/* Parses a number as spreadsheets write it: optional ¥/￥, thousands commas. */
static int parse_number(const char *s, double *out)
{
    char tmp[64];
    size_t j = 0;
    char *end = NULL;

    if (!strncmp(s, "\xC2\xA5", 2))
        s += 2;
    else if (!strncmp(s, "\xEF\xBF\xA5", 3))
        s += 3;
    for (; *s; s++) {
        if (*s == ',')
            continue;
        if (j + 1 >= sizeof(tmp))
            return -1;
        tmp[j++] = *s;
    }
    tmp[j] = 0;
    if (!j)
        return -1;
    errno = 0;
    *out = strtod(tmp, &end);
    if (*end || errno || !isfinite(*out) || tmp[0] == ' ')
        return -1;
    /* strtod also takes "inf", "nan" and hex; spreadsheets never write them */
    for (size_t i = 0; i < j; i++) {
        char c = tmp[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
    }
    return 0;
}

static int read_digits(const char **p, int min, int max, int *out)
{
    int n = 0, v = 0;

    while (**p >= '0' && **p <= '9' && n < max) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n < min)
        return -1;
    *out = v;
    return 0;
}

/* Dates as HQ systems and Excel write them: YYYY-MM-DD, YYYY/M/D, YYYY.MM.DD,
 * optionally followed by a time H:MM[:SS] (after a space or T) and an offset.
 * Writes "YYYY-MM-DD" into date and, when want_time, the UTC time
 * "YYYY-MM-DDTHH:MM:SSZ" into utc (a date alone is local midnight). */
static int parse_when(const char *s, int want_time, char *out, size_t outsz, const char **why)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, has_time = 0;
    char canon[80];
    int64_t ms;

    if (read_digits(&p, 1, 4, &y))
        goto bad;
    if (p - s <= 2 && (*p == '/' || *p == '-' || *p == '.')) {
        /* D/M/YYYY or M/D/YYYY, as Excel writes dates in other locales:
         * taken only when one part is over 12, else the order is unknown */
        int a = y, b;
        p++;
        if (read_digits(&p, 1, 2, &b) || !(*p == '/' || *p == '-' || *p == '.'))
            goto bad;
        p++;
        if (read_digits(&p, 4, 4, &y))
            goto bad;
        if (a <= 12 && b <= 12 && a != b) {
            *why = FC_N_("ambiguous date: day and month cannot be told apart (write it as "
                         "YYYY-MM-DD)");
            return -1;
        }
        mo = a > 12 ? b : a;
        d = a > 12 ? a : b;
    } else {
        /* YYYY-MM-DD, YYYY/M/D, YYYY.MM.DD, YYYY年M月D日 */
        static const char nian[] = "\xE5\xB9\xB4", yue[] = "\xE6\x9C\x88", ri[] = "\xE6\x97\xA5";
        int cjk = !strncmp(p, nian, 3);
        if (p - s != 4 || !(cjk || *p == '-' || *p == '/' || *p == '.'))
            goto bad;
        p += cjk ? 3 : 1;
        if (read_digits(&p, 1, 2, &mo) ||
            (cjk ? strncmp(p, yue, 3) != 0 : !(*p == '-' || *p == '/' || *p == '.')))
            goto bad;
        p += cjk ? 3 : 1;
        if (read_digits(&p, 1, 2, &d))
            goto bad;
        if (cjk && !strncmp(p, ri, 3))
            p += 3;
        else if (cjk && *p)
            goto bad;
    }
    if (!clock_is_valid_date(y, mo, d)) {
        *why = FC_N_("no such date");
        return -1;
    }
    if (*p == ' ' || *p == 'T') {
        while (*p == ' ')
            p++;
        if (*p == 'T')
            p++;
        if (read_digits(&p, 1, 2, &h) || *p != ':')
            goto bad;
        p++;
        if (read_digits(&p, 2, 2, &mi))
            goto bad;
        if (*p == ':') {
            p++;
            if (read_digits(&p, 2, 2, &sec))
                goto bad;
            if (*p == '.') { /* fractions of a second are dropped */
                p++;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (h > 23 || mi > 59 || sec > 59) {
            *why = FC_N_("no such time");
            return -1;
        }
        has_time = 1;
    }
    if (!want_time) {
        if (*p && !has_time)
            goto bad;
        if (outsz < 11)
            BUG("date buffer too small");
        /* by hand: this runs for every dated cell of a roster, and y is 4 digits */
        out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
        out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10), out[4] = '-';
        out[5] = (char)('0' + mo / 10), out[6] = (char)('0' + mo % 10), out[7] = '-';
        out[8] = (char)('0' + d / 10), out[9] = (char)('0' + d % 10), out[10] = '\0';
        return 0;
    }
    snprintf(canon, sizeof(canon), "%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d, h, mi, sec, p);
    if (clock_parse(canon, &ms))
        goto bad;
    {
        time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return 0;
bad:
    *why = want_time ? "not a date and time (YYYY-MM-DD HH:MM[:SS])" : "not a date (YYYY-MM-DD)";
    return -1;
}

static void upcase(struct buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->ptr[i] >= 'a' && b->ptr[i] <= 'z')
            b->ptr[i] = (char)(b->ptr[i] - 'a' + 'A');
}

static int has_lower(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'a' && s[i] <= 'z')
            return 1;
    return 0;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* One parser per column type. Each gets the trimmed, non-empty value in v
 * (and L->num[c] to fill for numbers) and returns 0, or -1 with a reason. */
typedef int parse_fn(struct loader *L, int c, struct buf *v, const char **why);

/* Bytes parse_text passes without decoding: printable ASCII, a tab, UTF-8
 * continuation bytes and the lead bytes of U+3000 and above (CJK: most of a
 * name). Every refused character lies below U+2070 and starts with another
 * byte, so taking these a byte at a time refuses exactly what decoding every
 * character would. */
static int text_plain(unsigned char b)
{
    return b >= 0xE3 || (b >= 0x80 && b < 0xC0) || (b >= 0x20 && b < 0x7F) || b == '\t';
}

/* A name or a ward holds no control character (a tab aside) and no bidi
 * formatting character: what would move a cursor or reverse a line on a
 * screen is refused at the door, not only escaped on the way out. */
static int parse_text(struct loader *L, int c, struct buf *v, const char **why)
{
    const unsigned char *u = (const unsigned char *)v->ptr;
    size_t i = 0;

    (void)L, (void)c;
    while (i < v->len) {
        uint32_t cp;
        int n;

        if (text_plain(u[i])) {
            i++;
            continue;
        }
        n = utf8_decode(v->ptr + i, v->len - i, &cp);
        if (n > 0 && cp != '\t' && text_is_unsafe(cp)) {
            *why = FC_N_("control or text-direction character in a text");
            return -1;
        }
        i += n > 0 ? (size_t)n : 1;
    }
    return 0;
}

static int parse_code(struct loader *L, int c, struct buf *v, const char **why)
{
    (void)L, (void)c;
    if (v->len > 64) {
        *why = FC_N_("longer than 64 bytes");
        return -1;
    }
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->ptr[i] < 0x20 || v->ptr[i] == 0x7f) {
            *why = FC_N_("control character in a code");
            return -1;
        }
    return 0;
}

static int parse_num(struct loader *L, int c, struct buf *v, const char **why)
{
    if (parse_number(v->ptr, &L->num[c])) {
        *why = FC_N_("not a number");
        return -1;
    }
    return 0;
}

static int parse_int(struct loader *L, int c, struct buf *v, const char **why)
{
    if (parse_num(L, c, v, why))
        return -1;
    if (L->num[c] < 0 || L->num[c] != floor(L->num[c]) || L->num[c] > 1e9) {
        *why = FC_N_("not a whole number >= 0");
        return -1;
    }
    return 0;
}

/* A number of at least min; below, the reason is below_min. */
static int parse_num_min(struct loader *L, int c, struct buf *v, const char **why, double min,
                         const char *below_min)
{
    if (parse_num(L, c, v, why))
        return -1;
    if (L->num[c] < min) {
        *why = below_min;
        return -1;
    }
    return 0;
}

static int parse_price(struct loader *L, int c, struct buf *v, const char **why)
{
    return parse_num_min(L, c, v, why, 0, FC_N_("negative price"));
}

static int parse_factor(struct loader *L, int c, struct buf *v, const char **why)
{
    return parse_num_min(L, c, v, why, 1, FC_N_("pack factor below 1"));
}

static int parse_date_or_time(struct buf *v, int want_time, const char **why)
{
    char out[48];

    if (parse_when(v->ptr, want_time, out, sizeof(out), why))
        return -1;
    buf_reset(v);
    buf_adds(v, out);
    return 0;
}

static int parse_date(struct loader *L, int c, struct buf *v, const char **why)
{
    (void)L, (void)c;
    return parse_date_or_time(v, 0, why);
}

static int parse_time(struct loader *L, int c, struct buf *v, const char **why)
{
    (void)L, (void)c;
    return parse_date_or_time(v, 1, why);
}

static int parse_id(struct loader *L, int c, struct buf *v, const char **why)
{
    const char *w = NULL;

    (void)c;
    if (ident_resident_id_parse_on(v->ptr, L->today_y, L->today_m, L->today_d, &L->id, &w)) {
        if (v->len == 18 && all_digits(v->ptr, 18) && !memcmp(v->ptr + 15, "000", 3)) {
            /* a number keeps 15 digits in Excel: the rest of an ID became 0 */
            *why = FC_N_("Excel turned this column into numbers and kept 15 digits (the last "
                         "ones became 0): format it as text and export again");
            return -1;
        }
        buf_reset(&L->reason);
        buf_addf(&L->reason, "invalid resident ID: %s", w ? w : "bad format");
        buf_reset(&L->reason_local);
        buf_addf(&L->reason_local, fc_tr("invalid resident ID: %s"),
                 fc_tr(w ? w : FC_N_("bad format")));
        *why = L->reason.ptr;
        return -1;
    }
    buf_reset(v);
    if (L->id.legacy) {
        char id18[19];
        ident_resident_id_to18(&L->id, id18);
        buf_adds(v, id18);
    } else {
        buf_adds(v, L->id.text);
    }
    return 0;
}

static int parse_site(struct loader *L, int c, struct buf *v, const char **why)
{
    (void)L, (void)c;
    upcase(v);
    if (ident_site_code_kind(v->ptr) == IDENT_SITE_NONE) {
        *why = FC_N_("not a site code (H or P + 11 digits)");
        return -1;
    }
    return 0;
}

static int parse_site_kind(struct loader *L, int c, struct buf *v, const char **why)
{
    enum ident_site_kind k = ident_site_kind_parse(v->ptr);

    (void)L, (void)c;
    if (k != IDENT_SITE_NONE) {
        buf_reset(v);
        buf_adds(v, ident_site_kind_name(k));
        return 0;
    }
    *why = FC_N_("not a site kind (hospital, pharmacy, 定点医疗机构, 定点零售药店)");
    return -1;
}

static int parse_bed(struct loader *L, int c, struct buf *v, const char **why)
{
    char canon[SCAN_REF_MAX];
    size_t n = v->len, d;

    (void)c;
    if (n >= 3 && !strcmp(v->ptr + n - 3, "\xEF\xBC\x8B")) { /* full-width plus */
        buf_truncate(v, n - 3);
        buf_addch(v, '+');
        n = v->len;
    }
    d = v->ptr[n - 1] == '+' ? n - 1 : n;
    if (d > 4 || !all_digits(v->ptr, d)) {
        *why = FC_N_("not a bed number (\"12\" or \"12+\" for an extra bed)");
        return -1;
    }
    /* Beds compare in canonical form (DESIGN §5): hospital systems write "01"
     * where the label says "1". The file's spelling is kept for reports. */
    if (scan_bed_normalise(v->ptr, canon) != FC_OK) {
        *why = FC_N_("not a bed number (beds are numbered from 1)");
        return -1;
    }
    buf_reset(&L->bed_spelling);
    if (strcmp(canon, v->ptr)) {
        buf_adds(&L->bed_spelling, v->ptr);
        buf_reset(v);
        buf_adds(v, canon);
    }
    return 0;
}

static int parse_sex(struct loader *L, int c, struct buf *v, const char **why)
{
    (void)L, (void)c;
    if (!strcmp(v->ptr, "男") || !strcasecmp(v->ptr, "M") || !strcasecmp(v->ptr, "male")) {
        buf_reset(v);
        buf_addch(v, 'M');
        return 0;
    }
    if (!strcmp(v->ptr, "女") || !strcasecmp(v->ptr, "F") || !strcasecmp(v->ptr, "female")) {
        buf_reset(v);
        buf_addch(v, 'F');
        return 0;
    }
    *why = FC_N_("not a sex (男, 女, M or F)");
    return -1;
}

static int parse_gtin(struct loader *L, int c, struct buf *v, const char **why)
{
    char g[15];
    size_t n = v->len;

    (void)L, (void)c;
    if (!all_digits(v->ptr, n) || !(n == 8 || n == 12 || n == 13 || n == 14)) {
        *why = FC_N_("not a GTIN (8, 12, 13 or 14 digits)");
        return -1;
    }
    if (ident_gtin_to14(v->ptr, g)) {
        *why = FC_N_("bad GTIN check digit");
        return -1;
    }
    buf_reset(v);
    buf_adds(v, g);
    return 0;
}

/* A traceability code in any shape the coding standard allows, or a GS1
 * element string (imported drugs), which is stored as the box's key
 * "(01)GTIN(21)serial": what a scan of the box's DataMatrix is matched by,
 * whatever other elements and order the label has. */
static int parse_trace(struct loader *L, int c, struct buf *v, const char **why)
{
    struct ident_gs1 g;
    const char *gwhy = NULL;

    (void)L, (void)c;
    if (ident_trace_shape(v->ptr, v->len) != IDENT_TRACE_NONE)
        return 0;
    if (ident_gs1_parse(v->ptr, v->len, &g, &gwhy) == 0 && g.gtin[0] && g.serial[0]) {
        buf_reset(v);
        buf_addf(v, "(01)%s(21)%s", g.gtin, g.serial);
        return 0;
    }
    if (has_lower(v->ptr, v->len)) {
        struct buf up = BUF_INIT;
        int shaped;
        buf_add(&up, v->ptr, v->len);
        upcase(&up);
        shaped = ident_trace_shape(up.ptr, up.len) != IDENT_TRACE_NONE;
        buf_release(&up);
        if (shaped) {
            /* a keyboard-wedge scanner's capitals come out in lower
             * case when Caps Lock is on, as a scan does at the counter */
            *why = FC_N_("a traceability code in lower case: its letters are capitals as "
                         "printed (scanned with Caps Lock on, or typed in lower case?)");
            return -1;
        }
    }
    *why = FC_N_("not a traceability code (20 digits, 20 capital letters and digits, an "
                 "MA code or IDcode, or a GS1 string with (01) and (21))");
    return -1;
}

static int parse_prefix(struct loader *L, int c, struct buf *v, const char **why)
{
    (void)L, (void)c;
    if (v->len != 7 || !all_digits(v->ptr, v->len)) {
        *why = FC_N_("not a traceability product prefix (7 digits)");
        return -1;
    }
    return 0;
}

static int parse_drug(struct loader *L, int c, struct buf *v, const char **why)
{
    enum ident_item_kind k;

    (void)L, (void)c;
    upcase(v);
    k = ident_item_code_kind(v->ptr);
    if (k == IDENT_ITEM_NONE || k == IDENT_ITEM_SERVICE) {
        *why = FC_N_("not a drug code (X+22, Z+19, T+9 or C+19/27 letters and digits)");
        return -1;
    }
    return 0;
}

static int parse_pkind(struct loader *L, int c, struct buf *v, const char **why)
{
    (void)L, (void)c;
    if (strcmp(v->ptr, "bed_label") && strcmp(v->ptr, "wristband")) {
        *why = FC_N_("not a pattern kind (bed_label or wristband)");
        return -1;
    }
    return 0;
}

static const struct col_type_def {
    parse_fn *parse;
    unsigned number : 1; /* bound as a number (L->num), defaults apply */
    unsigned raw : 1;    /* not trimmed */
} col_types[] = {
    [CT_TEXT] = {parse_text, 0, 0},     [CT_RAW] = {parse_text, 0, 1},
    [CT_CODE] = {parse_code, 0, 0},     [CT_INT] = {parse_int, 1, 0},
    [CT_NUM] = {parse_num, 1, 0},       [CT_PRICE] = {parse_price, 1, 0},
    [CT_FACTOR] = {parse_factor, 1, 0}, [CT_DATE] = {parse_date, 0, 0},
    [CT_TIME] = {parse_time, 0, 0},     [CT_ID] = {parse_id, 0, 0},
    [CT_SITE] = {parse_site, 0, 0},     [CT_SITE_KIND] = {parse_site_kind, 0, 0},
    [CT_BED] = {parse_bed, 0, 0},       [CT_SEX] = {parse_sex, 0, 0},
    [CT_GTIN] = {parse_gtin, 0, 0},     [CT_TRACE] = {parse_trace, 0, 0},
    [CT_PREFIX] = {parse_prefix, 0, 0}, [CT_DRUG] = {parse_drug, 0, 0},
    [CT_PKIND] = {parse_pkind, 0, 0},
};

int loader_type_is_number(enum col_type t)
{
    return col_types[t].number;
}

/* 1 if s looks like a number Excel wrote in scientific notation
 * ("4.40304E+17"): what it makes of a long ID or code in a numeric column. */
int loader_is_excel_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;

    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (!digits)
        return 0;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i + 2 > n || (s[i] != 'E' && s[i] != 'e') || (s[i + 1] != '+' && s[i + 1] != '-'))
        return 0;
    i += 2;
    if (i == n)
        return 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i == n;
}

/* Folds full-width ASCII (U+FF01..U+FF5E) and U+3000 in v to ASCII. */
static void fold_full_width(struct buf *v)
{
    size_t i = 0, j = 0;

    /* one pass over a value of a few bytes, not two memchr calls */
    while (i < v->len && (unsigned char)v->ptr[i] != 0xEF && (unsigned char)v->ptr[i] != 0xE3)
        i++;
    if (i == v->len)
        return;
    for (i = 0; i < v->len; i++) {
        unsigned char a = (unsigned char)v->ptr[i];
        if (a == 0xEF && i + 2 < v->len) {
            unsigned char b = (unsigned char)v->ptr[i + 1], c = (unsigned char)v->ptr[i + 2];
            unsigned cp = 0xF000u | ((unsigned)(b & 0x3F) << 6) | (c & 0x3Fu);
            if ((b & 0xC0) == 0x80 && (c & 0xC0) == 0x80 && cp >= 0xFF01 && cp <= 0xFF5E) {
                v->ptr[j++] = (char)(cp - 0xFF01 + 0x21);
                i += 2;
                continue;
            }
        }
        if (a == 0xE3 && i + 2 < v->len && (unsigned char)v->ptr[i + 1] == 0x80 &&
            (unsigned char)v->ptr[i + 2] == 0x80) {
            v->ptr[j++] = ' ';
            i += 2;
            continue;
        }
        v->ptr[j++] = (char)a;
    }
    v->ptr[j] = '\0';
    v->len = j;
}

int loader_parse_value(struct loader *L, int c, const char *s, size_t n, const char **why)
{
    const struct col_def *cd = &L->def->cols[c];
    const struct col_type_def *td = &col_types[cd->type];
    struct buf *v = &L->val[c];

    if (!td->parse)
        BUG("column type %d", (int)cd->type);
    buf_reset(v);
    L->null[c] = 0;
    if (!td->raw)
        s = loader_trim(s, &n);
    if (!n) {
        L->null[c] = 1;
        if (cd->flags & REQ) {
            *why = FC_N_("required value is empty");
            return -1;
        }
        if (cd->dflt)
            L->num[c] = strtod(cd->dflt, NULL);
        return 0;
    }
    buf_add(v, s, n);
    if (cd->type != CT_TEXT && cd->type != CT_RAW) {
        /* codes, numbers and dates typed with a full-width input method */
        fold_full_width(v);
        if ((cd->type == CT_ID || cd->type == CT_CODE || cd->type == CT_TRACE ||
             cd->type == CT_GTIN || cd->type == CT_SITE || cd->type == CT_DRUG) &&
            loader_is_excel_number(v->ptr, v->len)) {
            *why = FC_N_("Excel turned this column into numbers: format it as text and export "
                         "again");
            return -1;
        }
    }
    return td->parse(L, c, v, why);
}

void loader_shown_value(const struct loader *L, int c, const char *s, size_t n, struct buf *out)
{
    const struct col_def *cd = &L->def->cols[c];
    struct buf tmp = BUF_INIT;

    s = loader_trim(s, &n);
    if (n > 48)
        n = 48;
    buf_add(&tmp, s, n);
    if (cd->type == CT_ID && loader_is_excel_number(tmp.ptr, tmp.len)) {
        /* "4.40304E+17": the leading digits are the person's region */
        buf_addf(out, "%.1s***%s", tmp.ptr, strpbrk(tmp.ptr, "Ee"));
    } else if (cd->type == CT_ID) {
        mask_id(out, tmp.ptr);
    } else if (!strcmp(cd->en, "name") || strstr(cd->en, "|name") ||
               !strcmp(cd->en, "approved_by")) {
        mask_name(out, tmp.ptr);
    } else {
        buf_add(out, tmp.ptr, tmp.len);
    }
    buf_release(&tmp);
}
