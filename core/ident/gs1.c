/* GS1 element string parser. Input comes straight from a scanner and is
 * treated as hostile bytes: it is length-capped first, every read is bounded by
 * the remaining length, and AIs come from one table (fixed or variable length,
 * numeric or not) rather than per-AI code, so an unknown AI is an error and not
 * a guess. */
#include "core/ident/gs1.h"

#include "core/base/clock.h"
#include "core/base/error.h"

#include <string.h>

#define GS 0x1D

struct gs1_ai {
    const char *ai;
    unsigned char fixed;   /* predefined length: no GS needed after it (GS1 GenSpecs 7.8.5) */
    unsigned char min;     /* data length, at least */
    unsigned char max;     /* data length, at most */
    unsigned char numeric; /* data is digits only */
    unsigned char date;    /* data starts with YYMMDD (1), YYMMDDHHMM (2) */
};

/* The AIs seen on medicines and logistics labels, with their format from GS1's
 * General Specifications (section 3, the AI definitions): N3 is exactly 3
 * digits (min = max), N..20 up to 20. The set is prefix-free, so a raw
 * string has one reading. AIs 31nn-36nn (measures) are a family handled in
 * gs1_lookup. Of these only 00-04, 11-20, 31-36 and 41 are of predefined
 * length; the rest need a GS after them even when their length is fixed. */
static const struct gs1_ai gs1_ais[] = {
    {"00", 1, 18, 18, 1, 0},  {"01", 1, 14, 14, 1, 0},  {"02", 1, 14, 14, 1, 0},
    {"10", 0, 1, 20, 0, 0},   {"11", 1, 6, 6, 1, 1},    {"12", 1, 6, 6, 1, 1},
    {"13", 1, 6, 6, 1, 1},    {"15", 1, 6, 6, 1, 1},    {"16", 1, 6, 6, 1, 1},
    {"17", 1, 6, 6, 1, 1},    {"20", 1, 2, 2, 1, 0},    {"21", 0, 1, 20, 0, 0},
    {"22", 0, 1, 20, 0, 0},   {"235", 0, 1, 28, 0, 0},  {"240", 0, 1, 30, 0, 0},
    {"241", 0, 1, 30, 0, 0},  {"250", 0, 1, 30, 0, 0},  {"251", 0, 1, 30, 0, 0},
    {"30", 0, 1, 8, 1, 0},    {"37", 0, 1, 8, 1, 0},    {"400", 0, 1, 30, 0, 0},
    {"401", 0, 1, 30, 0, 0},  {"403", 0, 1, 30, 0, 0},  {"410", 1, 13, 13, 1, 0},
    {"411", 1, 13, 13, 1, 0}, {"412", 1, 13, 13, 1, 0}, {"413", 1, 13, 13, 1, 0},
    {"414", 1, 13, 13, 1, 0}, {"415", 1, 13, 13, 1, 0}, {"416", 1, 13, 13, 1, 0},
    {"417", 1, 13, 13, 1, 0}, {"422", 0, 3, 3, 1, 0},   {"710", 0, 1, 20, 0, 0},
    {"711", 0, 1, 20, 0, 0},  {"712", 0, 1, 20, 0, 0},  {"713", 0, 1, 20, 0, 0},
    {"714", 0, 1, 20, 0, 0},  {"715", 0, 1, 20, 0, 0},  {"7003", 0, 10, 10, 1, 2},
    {"90", 0, 1, 30, 0, 0},   {"91", 0, 1, 90, 0, 0},   {"92", 0, 1, 90, 0, 0},
    {"93", 0, 1, 90, 0, 0},   {"94", 0, 1, 90, 0, 0},   {"95", 0, 1, 90, 0, 0},
    {"96", 0, 1, 90, 0, 0},   {"97", 0, 1, 90, 0, 0},   {"98", 0, 1, 90, 0, 0},
    {"99", 0, 1, 90, 0, 0},
};

/* The AIM identifiers (without the ']') of symbologies that carry GS1 data. */
static const char *const gs1_aims[] = {"d2", "C1", "Q3", "e0", "J1"};

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* GS1 General Specifications' character set 82: the printable ASCII subset
 * allowed in alphanumeric AI data. */
static int is_cset82(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
        return 1;
    return c != 0 && strchr("!\"%&'()*+,-./:;<=>?_", c) != NULL;
}

char ident_gs1_check_digit(const char *body, size_t n)
{
    unsigned sum = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)body[n - 1 - i];
        if (!is_digit(c))
            return 0;
        sum += (unsigned)(c - '0') * (i % 2 == 0 ? 3u : 1u);
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

int ident_gs1_has_aim(const char *s, size_t len)
{
    if (!s || len < 3 || s[0] != ']')
        return 0;
    for (size_t i = 0; i < sizeof(gs1_aims) / sizeof(gs1_aims[0]); i++)
        if (s[1] == gs1_aims[i][0] && s[2] == gs1_aims[i][1])
            return 1;
    return 0;
}

/* The table entry whose AI starts s (n bytes available), or NULL. For the
 * 31nn-36nn family a static entry is filled in; *ai_len gets the AI's length. */
static const struct gs1_ai *gs1_lookup(const char *s, size_t n, size_t *ai_len)
{
    static const struct gs1_ai measure = {"3nnn", 1, 6, 6, 1, 0};

    if (n >= 4 && all_digits(s, 4) && s[0] == '3' && s[1] >= '1' && s[1] <= '6') {
        /* assigned: 310n-316n, 320n-329n, 330n-337n, 340n-349n, 350n-357n,
         * 360n-369n, with n (the decimal point) 0-5 */
        static const char last[] = {'6', '9', '7', '9', '7', '9'};
        if (s[2] > last[s[1] - '1'] || s[3] > '5')
            return NULL;
        *ai_len = 4;
        return &measure;
    }
    for (size_t i = 0; i < sizeof(gs1_ais) / sizeof(gs1_ais[0]); i++) {
        size_t k = strlen(gs1_ais[i].ai);
        if (k <= n && memcmp(s, gs1_ais[i].ai, k) == 0) {
            *ai_len = k;
            return &gs1_ais[i];
        }
    }
    return NULL;
}

/* Checks one element's data and stores what the caller wants to keep.
 * Returns NULL or a reason. */
static const char *gs1_element(struct ident_gs1 *out, const char *ai, size_t ai_len,
                               const struct gs1_ai *def, const char *data, size_t n)
{
    size_t tl = strlen(out->text);

    if (n == 0)
        return "empty element data";
    if (n < def->min)
        return def->fixed ? "truncated element" : "element too short";
    if (n > def->max)
        return ai_len == 2 && memcmp(ai, "10", 2) == 0   ? "lot longer than 20"
               : ai_len == 2 && memcmp(ai, "21", 2) == 0 ? "serial longer than 20"
                                                         : "element too long";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (def->numeric ? !is_digit(c) : !is_cset82(c))
            return "bad character in element";
    }
    if (ai_len == 2 &&
        (memcmp(ai, "00", 2) == 0 || memcmp(ai, "01", 2) == 0 || memcmp(ai, "02", 2) == 0)) {
        if (ident_gs1_check_digit(data, n - 1) != data[n - 1])
            return "bad check digit";
    }
    if (def->date && ai[1] != '7') {
        /* YYMMDD (DD 00: the month only), then HHMM for 7003 */
        int y = 2000 + (data[0] - '0') * 10 + (data[1] - '0');
        int m = (data[2] - '0') * 10 + (data[3] - '0');
        int d = (data[4] - '0') * 10 + (data[5] - '0');
        if (m < 1 || m > 12 || (d && !clock_is_valid_date(y, m, d)) || (def->date == 2 && !d))
            return "no such date";
        if (def->date == 2 && ((data[6] - '0') * 10 + (data[7] - '0') > 23 ||
                               (data[8] - '0') * 10 + (data[9] - '0') > 59))
            return "no such time";
    }
    if (ai_len == 2 && memcmp(ai, "01", 2) == 0) {
        if (out->gtin[0])
            return "repeated AI";
        memcpy(out->gtin, data, n);
        out->gtin[n] = '\0';
    } else if (ai_len == 2 && memcmp(ai, "17", 2) == 0) {
        int y = 2000 + (data[0] - '0') * 10 + (data[1] - '0');
        int m = (data[2] - '0') * 10 + (data[3] - '0');
        int d = (data[4] - '0') * 10 + (data[5] - '0');
        if (out->expiry[0])
            return "repeated AI";
        if (m < 1 || m > 12)
            return "no such expiry date";
        if (d == 0) {
            d = 31;
            while (d > 28 && !clock_is_valid_date(y, m, d))
                d--;
        } else if (!clock_is_valid_date(y, m, d)) {
            return "no such expiry date";
        }
        memcpy(out->expiry, data, n);
        out->expiry[n] = '\0';
        out->exp_year = y;
        out->exp_month = m;
        out->exp_day = d;
    } else if (ai_len == 2 && (memcmp(ai, "10", 2) == 0 || memcmp(ai, "21", 2) == 0)) {
        char *dst = ai[0] == '1' ? out->lot : out->serial;
        if (dst[0])
            return "repeated AI";
        memcpy(dst, data, n);
        dst[n] = '\0';
    }
    /* "(AI)data", with '(' and ')' in data escaped as "\\(" and "\\)": a lot
     * "A(17)270101" is then never read as lot "A" and an expiry, so the
     * text names one element string (duplicate detection compares it). The
     * buffer holds at least 2 * input bytes; an element adds at most its
     * length plus 2 (parentheses) to what it consumed, so this fits. */
    if (tl + ai_len + 2 * n + 2 >= sizeof(out->text))
        return "too long";
    out->text[tl++] = '(';
    memcpy(out->text + tl, ai, ai_len);
    tl += ai_len;
    out->text[tl++] = ')';
    for (size_t i = 0; i < n; i++) {
        if (data[i] == '(' || data[i] == ')')
            out->text[tl++] = '\\';
        out->text[tl++] = data[i];
    }
    out->text[tl] = '\0';
    out->n_elements++;
    return NULL;
}

/* "(AI)data(AI)data..."; data runs to the next '(' or the end. */
static const char *gs1_parse_paren(struct ident_gs1 *out, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t close, ai_len = 0, start, k;
        const struct gs1_ai *def;
        const char *why;
        char data[128];

        if (s[i] != '(')
            return "expected '('";
        for (close = i + 1; close < n && s[close] != ')'; close++)
            ;
        if (close >= n)
            return "unclosed '('";
        def = gs1_lookup(s + i + 1, close - i - 1, &ai_len);
        if (!def || ai_len != close - i - 1)
            return "unknown AI";
        /* data runs to the next '(' that is not escaped ("\\(" is a '(') */
        start = close + 1;
        k = 0;
        for (i = start; i < n && s[i] != '('; i++) {
            if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == ')'))
                i++;
            if (k < sizeof(data))
                data[k++] = s[i];
        }
        if (k >= sizeof(data))
            return "element too long";
        why = gs1_element(out, s + close - ai_len, ai_len, def, data, k);
        if (why)
            return why;
    }
    return NULL;
}

/* Raw form: AI, data (fixed length, or up to GS or the end), optional GS. */
static const char *gs1_parse_raw(struct ident_gs1 *out, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t ai_len = 0, start, end;
        const struct gs1_ai *def;
        const char *why;

        if (s[i] == GS) {
            i++; /* a GS after a fixed-length field is redundant but harmless */
            continue;
        }
        def = gs1_lookup(s + i, n - i, &ai_len);
        if (!def)
            return all_digits(s + i, n - i < 2 ? n - i : 2) ? "unknown AI" : "not an AI";
        start = i + ai_len;
        if (def->fixed) {
            end = start + def->max;
            if (end > n)
                end = n;
            for (size_t k = start; k < end; k++)
                if (s[k] == GS)
                    return "truncated element";
        } else {
            for (end = start; end < n && s[end] != GS; end++)
                ;
        }
        why = gs1_element(out, s + i, ai_len, def, s + start, end - start);
        if (why)
            return why;
        i = end;
    }
    return NULL;
}

int ident_gs1_parse(const char *raw, size_t len, struct ident_gs1 *out, const char **why)
{
    const char *reason = NULL;
    const char *s = raw;
    size_t n = len;

    memset(out, 0, sizeof(*out));
    if (!raw || len == 0) {
        reason = "empty";
        goto out;
    }
    if (len > IDENT_GS1_MAX_INPUT) {
        reason = "too long";
        goto out;
    }
    if (n >= 1 && s[0] == ']') {
        if (!ident_gs1_has_aim(s, n)) {
            reason = "not a GS1 symbology";
            goto out;
        }
        s += 3;
        n -= 3;
    }
    if (n >= 1 && s[0] == GS) {
        s++;
        n--;
    }
    if (n == 0) {
        reason = "empty";
        goto out;
    }
    reason = s[0] == '(' ? gs1_parse_paren(out, s, n) : gs1_parse_raw(out, s, n);
    if (!reason && out->n_elements == 0)
        reason = "empty"; /* nothing but separators */
out:
    if (reason) {
        memset(out, 0, sizeof(*out));
        if (why)
            *why = reason;
        return FC_EINPUT;
    }
    return 0;
}
