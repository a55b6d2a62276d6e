/* Identifier shapes and checks (DOMAIN.md) and the shape step of scan
 * classification (DESIGN §5). Scans are untrusted bytes: every function takes
 * an explicit length or bounds its reads, input is capped before it is copied,
 * and nothing allocates, so the classifier can run on every keystroke burst.
 * What a code means (which patient, which drug) is decided by the caller
 * through the mission's code_index; this file only says what a scan looks like. */
#include "core/ident/ident.h"

#include "core/base/clock.h"
#include "core/base/error.h"
#include "core/base/utf8.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

static const char *const kind_names[] = {
    [IDENT_UNKNOWN] = "unknown",
    [IDENT_ACTION] = "action",
    [IDENT_RESIDENT_ID] = "resident_id",
    [IDENT_GS1] = "gs1",
    [IDENT_TRACE_CODE] = "trace_code",
    [IDENT_GTIN] = "gtin",
    [IDENT_SITE_CODE] = "site_code",
    [IDENT_DRUG_CODE] = "drug_code",
    [IDENT_INSURANCE_TOKEN] = "insurance_token",
};

static const char *const action_names[] = {
    [IDENT_ACTION_NONE] = "NONE",
    [IDENT_ACTION_EMPTY_BED] = "EMPTY_BED",
    [IDENT_ACTION_NO_WRISTBAND] = "NO_WRISTBAND",
    [IDENT_ACTION_NO_ID] = "NO_ID",
    [IDENT_ACTION_EXAM] = "EXAM",
    [IDENT_ACTION_COUNT] = "COUNT",
};

static const char *const item_kind_names[] = {
    [IDENT_ITEM_NONE] = "none",
    [IDENT_ITEM_WESTERN] = "western",
    [IDENT_ITEM_PATENT] = "patent",
    [IDENT_ITEM_HERBAL] = "herbal",
    [IDENT_ITEM_CONSUMABLE] = "consumable",
    [IDENT_ITEM_SERVICE] = "service",
};

/* Item code shapes: prefix letter (0 for none), body lengths, body charset. */
static const struct item_shape {
    enum ident_item_kind kind;
    char prefix;
    unsigned char body_len[2];
    unsigned char digits_only;
} item_shapes[] = {
    {IDENT_ITEM_WESTERN, 'X', {22, 22}, 0}, {IDENT_ITEM_PATENT, 'Z', {19, 19}, 0},
    {IDENT_ITEM_HERBAL, 'T', {9, 9}, 0},    {IDENT_ITEM_CONSUMABLE, 'C', {19, 27}, 0},
    {IDENT_ITEM_SERVICE, 0, {15, 15}, 1},
};

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_alpha(unsigned char c)
{
    return is_upper(c) || (c >= 'a' && c <= 'z');
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Length of the blank at s[0..n): ASCII space, tab, CR, LF or U+3000 (what a
 * Chinese input method types for a space); 0 if none. */
static size_t blank_at(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
        return 1;
    if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

static void trim(const char **s, size_t *n)
{
    size_t k;

    while ((k = blank_at(*s, *n)) > 0) {
        *s += k;
        *n -= k;
    }
    while (*n > 0) {
        if (blank_at(*s + *n - 1, 1))
            (*n)--;
        else if (*n >= 3 && blank_at(*s + *n - 3, 3) == 3)
            *n -= 3;
        else
            break;
    }
}

/* Today's (or any instant's) calendar date in local time (TZ), because birth
 * dates and "in the future" are about the inspector's calendar day. */
static void local_date(int64_t ms, int *y, int *m, int *d)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
    struct tm tm;

    if (!localtime_r(&t, &tm)) {
        *y = 1970;
        *m = 1;
        *d = 1;
        return;
    }
    *y = tm.tm_year + 1900;
    *m = tm.tm_mon + 1;
    *d = tm.tm_mday;
}

static int date_cmp(int y1, int m1, int d1, int y2, int m2, int d2)
{
    long a = (long)y1 * 10000 + m1 * 100 + d1, b = (long)y2 * 10000 + m2 * 100 + d2;
    return a < b ? -1 : a > b;
}

/* ---- resident ID ----------------------------------------------------------- */

char ident_resident_id_check_char(const char *first17)
{
    unsigned sum = 0;

    for (int i = 0; i < 17; i++) {
        if (!is_digit((unsigned char)first17[i]))
            return 0;
        sum += (unsigned)(first17[i] - '0') * (unsigned)id_weights[i];
    }
    return "10X98765432"[sum % 11];
}

/* Maps one code point of an ID to ASCII: digits and X as themselves (x as X),
 * their full-width forms likewise, anything else to '?'. */
static char id_char(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (char)cp;
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (char)('0' + (cp - 0xFF10));
    if (cp == 'x' || cp == 'X' || cp == 0xFF38 || cp == 0xFF58)
        return 'X';
    return '?';
}

/* The ID parser on s[0..n). Returns 0 if valid, 1 if it has an ID's length and
 * characters but fails (text filled), 2 if it does not look like an ID. */
static int id_parse(const char *s, size_t n, int ty, int tm, int td, struct ident_resident_id *out,
                    const char **why)
{
    char t[19];
    size_t count = 0, i = 0;

    memset(out, 0, sizeof(*out));
    trim(&s, &n);
    while (i < n) {
        uint32_t cp = (unsigned char)s[i];
        int k = cp < 0x80 ? 1 : utf8_decode(s + i, n - i, &cp);
        if (count == 18) {
            count++;
            break;
        }
        t[count++] = k < 0 ? '?' : id_char(cp);
        i += k < 0 ? 1 : (size_t)k;
    }
    if (count != 18 && count != 15) {
        *why = FC_N_("wrong length");
        return 2;
    }
    t[count] = '\0';
    if (!all_digits(t, count - 1) ||
        !(is_digit((unsigned char)t[count - 1]) || (count == 18 && t[count - 1] == 'X'))) {
        *why = FC_N_("not digits");
        return 2;
    }
    memcpy(out->text, t, count + 1);
    memcpy(out->region, t, 6);
    out->legacy = count == 15;
    if (out->legacy) {
        out->year = 1900 + two(t + 6);
        out->month = two(t + 8);
        out->day = two(t + 10);
        out->sex = (t[14] - '0') % 2 ? 'M' : 'F';
    } else {
        out->year = two(t + 6) * 100 + two(t + 8);
        out->month = two(t + 10);
        out->day = two(t + 12);
        out->sex = (t[16] - '0') % 2 ? 'M' : 'F';
    }
    if (!clock_is_valid_date(out->year, out->month, out->day)) {
        *why = FC_N_("no such date");
        return 1;
    }
    if (out->year < 1850) {
        *why = FC_N_("birth date too early");
        return 1;
    }
    if (date_cmp(out->year, out->month, out->day, ty, tm, td) > 0) {
        *why = FC_N_("birth date in the future");
        return 1;
    }
    if (!out->legacy && ident_resident_id_check_char(t) != t[17]) {
        *why = FC_N_("bad check digit");
        return 1;
    }
    return 0;
}

int ident_resident_id_parse(const char *raw, int64_t today_ms, struct ident_resident_id *out,
                            const char **why)
{
    int y, m, d;

    local_date(today_ms, &y, &m, &d);
    return ident_resident_id_parse_on(raw, y, m, d, out, why);
}

int ident_resident_id_parse_on(const char *raw, int year, int month, int day,
                               struct ident_resident_id *out, const char **why)
{
    const char *reason = NULL;
    int rc;

    if (!raw) {
        memset(out, 0, sizeof(*out));
        reason = "wrong length";
        rc = 2;
    } else {
        rc = id_parse(raw, strlen(raw), year, month, day, out, &reason);
    }
    if (rc == 0)
        return 0;
    if (rc == 2)
        out->text[0] = '\0';
    if (why)
        *why = reason;
    return FC_EINPUT;
}

void ident_resident_id_to18(const struct ident_resident_id *id, char out[19])
{
    if (!id->legacy) {
        memcpy(out, id->text, 19);
        return;
    }
    memcpy(out, id->text, 6);
    out[6] = '1';
    out[7] = '9';
    memcpy(out + 8, id->text + 6, 9);
    out[17] = ident_resident_id_check_char(out);
    out[18] = '\0';
}

int ident_age_at(const struct ident_resident_id *id, int64_t at_ms)
{
    int y, m, d, age;

    local_date(at_ms, &y, &m, &d);
    if (date_cmp(y, m, d, id->year, id->month, id->day) < 0)
        return -1;
    age = y - id->year;
    if (date_cmp(0, m, d, 0, id->month, id->day) < 0)
        age--;
    return age;
}

/* ---- GTIN and traceability codes ------------------------------------------ */

int ident_gtin_valid(const char *s)
{
    size_t n;

    if (!s)
        return 0;
    n = strnlen(s, 15);
    if (n != 8 && n != 12 && n != 13 && n != 14)
        return 0;
    return all_digits(s, n) && ident_gs1_check_digit(s, n - 1) == s[n - 1];
}

int ident_gtin_to14(const char *s, char out[15])
{
    size_t n;

    out[0] = '\0';
    if (!ident_gtin_valid(s))
        return FC_EINPUT;
    n = strlen(s);
    memset(out, '0', 14 - n);
    memcpy(out + 14 - n, s, n + 1);
    return 0;
}

int ident_is_drug_standard_code(const char *s)
{
    return ident_gtin_valid(s) && strlen(s) == 14 && memcmp(s, "869", 3) == 0;
}

int ident_is_trace_code(const char *s, size_t len)
{
    return s && len == 20 && all_digits(s, len);
}

/* "MA." / "ID." / "ID:" then segments of letters, digits, '-', '+', '/' or
 * '*', separated by single dots, at least two segments. */
static int dotted_code(const char *s, size_t len)
{
    size_t segs = 0, seglen = 0;

    if (len < 6 || len > 64)
        return 0;
    for (size_t i = 3; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (!seglen)
                return 0;
            segs++;
            seglen = 0;
        } else if (is_digit(c) || is_alpha(c) || strchr("-+/*", c)) {
            seglen++;
        } else {
            return 0;
        }
    }
    return seglen && segs + 1 >= 2;
}

enum ident_trace_shape ident_trace_shape(const char *s, size_t len)
{
    int letter = 0;
    char tmp[21];

    if (!s)
        return IDENT_TRACE_NONE;
    if (ident_is_trace_code(s, len))
        return IDENT_TRACE_DIGITS;
    if (len >= 3 && !memcmp(s, "MA.", 3) && dotted_code(s, len))
        return IDENT_TRACE_MA;
    if (len >= 3 && (!memcmp(s, "ID.", 3) || !memcmp(s, "ID:", 3)) && dotted_code(s, len))
        return IDENT_TRACE_IDCODE;
    if (len != 20)
        return IDENT_TRACE_NONE;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            letter = 1;
        else if (!is_digit(c))
            return IDENT_TRACE_NONE;
    }
    memcpy(tmp, s, 20);
    tmp[20] = '\0';
    if (!letter || ident_item_code_kind(tmp) != IDENT_ITEM_NONE)
        return IDENT_TRACE_NONE;
    return IDENT_TRACE_ALNUM;
}

int ident_trace_prefix(const char *code, char out[8])
{
    out[0] = '\0';
    if (!code || !ident_is_trace_code(code, strnlen(code, 21)))
        return FC_EINPUT;
    memcpy(out, code, 7);
    out[7] = '\0';
    return 0;
}

/* ---- institution and item codes -------------------------------------------- */

static const struct {
    const char *names[4];
} site_kinds[] = {{{""}},
#define IDENT_SITE_ROW_(e, name, zh1, zh2, zh3) {{name, zh1, zh2, zh3}},
                  IDENT_SITE_KINDS(IDENT_SITE_ROW_)
#undef IDENT_SITE_ROW_
};

const char *ident_site_kind_name(enum ident_site_kind kind)
{
    return (size_t)kind < sizeof(site_kinds) / sizeof(site_kinds[0]) ? site_kinds[kind].names[0]
                                                                     : "";
}

const char *ident_site_kind_zh(enum ident_site_kind kind)
{
    return kind && (size_t)kind < sizeof(site_kinds) / sizeof(site_kinds[0])
               ? site_kinds[kind].names[3]
               : "";
}

enum ident_site_kind ident_site_kind_parse(const char *name)
{
    for (size_t k = 1; name && k < sizeof(site_kinds) / sizeof(site_kinds[0]); k++)
        for (size_t i = 0; i < 4; i++)
            if (site_kinds[k].names[i] && !strcasecmp(name, site_kinds[k].names[i]))
                return (enum ident_site_kind)k;
    return IDENT_SITE_NONE;
}

enum ident_site_kind ident_site_code_kind(const char *code)
{
    if (!code || strnlen(code, 13) != 12 || !all_digits(code + 1, 11))
        return IDENT_SITE_NONE;
    if (code[0] == 'H')
        return IDENT_SITE_HOSPITAL;
    if (code[0] == 'P')
        return IDENT_SITE_PHARMACY;
    return IDENT_SITE_NONE;
}

enum ident_item_kind ident_item_code_kind(const char *code)
{
    size_t n;

    if (!code)
        return IDENT_ITEM_NONE;
    n = strnlen(code, IDENT_ITEM_CODE_MAX + 1);
    for (size_t i = 0; i < sizeof(item_shapes) / sizeof(item_shapes[0]); i++) {
        const struct item_shape *sh = &item_shapes[i];
        size_t skip = sh->prefix ? 1 : 0, body = n - skip;
        int ok = 1;

        if (n < skip || (sh->prefix && code[0] != sh->prefix))
            continue;
        if (body != sh->body_len[0] && body != sh->body_len[1])
            continue;
        for (size_t k = skip; k < n && ok; k++) {
            unsigned char c = (unsigned char)code[k];
            ok = is_digit(c) || (!sh->digits_only && is_upper(c));
        }
        if (ok)
            return sh->kind;
    }
    return IDENT_ITEM_NONE;
}

int ident_drug_code_valid(const char *code)
{
    enum ident_item_kind k = ident_item_code_kind(code);
    return k == IDENT_ITEM_WESTERN || k == IDENT_ITEM_PATENT || k == IDENT_ITEM_HERBAL;
}

const char *ident_item_kind_name(enum ident_item_kind kind)
{
    if ((unsigned)kind >= sizeof(item_kind_names) / sizeof(item_kind_names[0]))
        return "none";
    return item_kind_names[kind];
}

/* ---- 医保码 token ---------------------------------------------------------- */

int ident_is_insurance_token(const char *s, size_t len)
{
    int letter = 0, digit = 0;

    if (!s || len < IDENT_TOKEN_MIN || len > IDENT_TOKEN_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_alpha(c))
            letter = 1;
        else if (is_digit(c))
            digit = 1;
        else if (c == 0 || !strchr("+/=-_.:*", c))
            return 0;
    }
    for (size_t i = 0; i + 3 <= len; i++)
        if (memcmp(s + i, "://", 3) == 0)
            return 0;
    return letter && digit;
}

/* ---- actions ----------------------------------------------------------------- */

static int word_eq_nocase(const char *s, size_t n, const char *word)
{
    size_t wn = strlen(word);

    if (n != wn)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        if (c != (unsigned char)word[i])
            return 0;
    }
    return 1;
}

/* "CODE:QTY" with ':' or the full-width '：' (EF BC 9A) a Chinese IME types. */
static int count_parse(const char *s, size_t n, char code[IDENT_ITEM_CODE_MAX + 1], long *qty)
{
    size_t sep = n, seplen = 0, cn, qn;
    const char *c, *q;
    char tmp[IDENT_ITEM_CODE_MAX + 1];
    enum ident_item_kind kind;
    long v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':') {
            sep = i;
            seplen = 1;
            break;
        }
        if (i + 3 <= n && memcmp(s + i, "\xEF\xBC\x9A", 3) == 0) {
            sep = i;
            seplen = 3;
            break;
        }
    }
    if (sep == n)
        return 0;
    c = s;
    cn = sep;
    q = s + sep + seplen;
    qn = n - sep - seplen;
    trim(&c, &cn);
    trim(&q, &qn);
    if (cn == 0 || cn > IDENT_ITEM_CODE_MAX || qn == 0 || qn > 9 || !all_digits(q, qn))
        return 0;
    for (size_t i = 0; i < cn; i++) {
        unsigned char ch = (unsigned char)c[i];
        tmp[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
    }
    tmp[cn] = '\0';
    kind = ident_item_code_kind(tmp);
    if (kind == IDENT_ITEM_NONE || kind == IDENT_ITEM_SERVICE)
        return 0;
    for (size_t i = 0; i < qn; i++)
        v = v * 10 + (q[i] - '0');
    if (v < 1 || v > IDENT_COUNT_QTY_MAX)
        return 0;
    memcpy(code, tmp, cn + 1);
    *qty = v;
    return 1;
}

enum ident_action ident_action_parse(const char *s, size_t len, char code[IDENT_ITEM_CODE_MAX + 1],
                                     long *qty)
{
    char ctmp[IDENT_ITEM_CODE_MAX + 1] = "";
    long qtmp = 0;
    enum ident_action act = IDENT_ACTION_NONE;

    if (!s)
        goto out;
    trim(&s, &len);
    for (int a = IDENT_ACTION_EMPTY_BED; a <= IDENT_ACTION_EXAM; a++) {
        if (word_eq_nocase(s, len, action_names[a])) {
            act = (enum ident_action)a;
            goto out;
        }
    }
    if (count_parse(s, len, ctmp, &qtmp))
        act = IDENT_ACTION_COUNT;
out:
    if (code)
        memcpy(code, ctmp, sizeof(ctmp));
    if (qty)
        *qty = qtmp;
    return act;
}

const char *ident_action_name(enum ident_action action)
{
    if ((unsigned)action >= sizeof(action_names) / sizeof(action_names[0]))
        return "NONE";
    return action_names[action];
}

/* ---- classification ------------------------------------------------------------ */

const char *ident_kind_name(enum ident_kind kind)
{
    if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
        return "unknown";
    return kind_names[kind];
}

static void set_code(struct ident_scan *out, const char *s, size_t n)
{
    if (n >= sizeof(out->code))
        n = sizeof(out->code) - 1;
    memcpy(out->code, s, n);
    out->code[n] = '\0';
}

/* 1 if s[0..n) parses as a GS1 element string worth calling one (marked as
 * GS1 by the caller, or starting with AI 01; see ident_classify_shape). */
static int classify_gs1(const char *s, size_t n, int marked, struct ident_scan *out,
                        const char **why)
{
    if (!marked) {
        if (memchr(s, 0x1D, n) || s[0] == '(')
            marked = 1;
        else if (n < 2 || memcmp(s, "01", 2) != 0 || (n == 20 && all_digits(s, n)))
            return 0;
    }
    if (ident_gs1_parse(s, n, &out->gs1, why))
        return 0;
    if (!out->gs1.gtin[0] && !out->gs1.expiry[0] && !out->gs1.lot[0] && !out->gs1.serial[0]) {
        *why = FC_N_("no AI 01, 10, 17 or 21");
        memset(&out->gs1, 0, sizeof(out->gs1));
        return 0;
    }
    out->kind = IDENT_GS1;
    set_code(out, out->gs1.text, strlen(out->gs1.text));
    memcpy(out->gtin14, out->gs1.gtin, sizeof(out->gtin14));
    return 1;
}

void ident_classify_shape(const char *raw, size_t len, int64_t today_ms, struct ident_scan *out)
{
    char buf[IDENT_SCAN_MAX + 1];
    const char *s = raw, *why = NULL;
    size_t n = len;
    int rc, y, m, d;

    memset(out, 0, sizeof(*out));
    out->kind = IDENT_UNKNOWN;
    out->valid = 1;
    if (!raw || len == 0 || len > IDENT_SCAN_MAX || memchr(raw, '\0', len))
        return;
    trim(&s, &n);
    set_code(out, s, n);
    if (n >= 3 && s[0] == ']' && is_alpha((unsigned char)s[1]) && s[2] > 0x20 && s[2] < 0x7F) {
        memcpy(out->aim, s, 3);
        out->aim[3] = '\0';
        if (ident_gs1_has_aim(s, n)) {
            if (!classify_gs1(s, n, 1, out, &why))
                out->why = why;
            return;
        }
        s += 3;
        n -= 3;
        trim(&s, &n);
        set_code(out, s, n);
    }
    if (n == 0)
        return;
    /* A NUL-terminated copy for the helpers that take C strings. */
    memcpy(buf, s, n);
    buf[n] = '\0';

    out->action = ident_action_parse(s, n, out->item_code, &out->qty);
    if (out->action != IDENT_ACTION_NONE) {
        out->kind = IDENT_ACTION;
        if (out->action == IDENT_ACTION_COUNT) {
            out->item_kind = ident_item_code_kind(out->item_code);
            snprintf(out->code, sizeof(out->code), "%s:%ld", out->item_code, out->qty);
        } else {
            set_code(out, action_names[out->action], strlen(action_names[out->action]));
        }
        return;
    }

    local_date(today_ms, &y, &m, &d);
    rc = id_parse(s, n, y, m, d, &out->id, &why);
    if (rc == 0 || (rc == 1 && !out->id.legacy)) {
        out->kind = IDENT_RESIDENT_ID;
        out->valid = rc == 0;
        out->why = rc == 0 ? NULL : why;
        set_code(out, out->id.text, strlen(out->id.text));
        return;
    }
    memset(&out->id, 0, sizeof(out->id));

    if (classify_gs1(s, n, 0, out, &why))
        return;

    if (ident_is_trace_code(s, n)) {
        out->kind = IDENT_TRACE_CODE;
        memcpy(out->trace_prefix, s, 7);
        return;
    }
    if (ident_gtin_valid(buf)) {
        out->kind = IDENT_GTIN;
        ident_gtin_to14(buf, out->gtin14);
        out->drug_standard = ident_is_drug_standard_code(buf);
        return;
    }
    out->site_kind = ident_site_code_kind(buf);
    if (out->site_kind != IDENT_SITE_NONE) {
        out->kind = IDENT_SITE_CODE;
        return;
    }
    out->item_kind = ident_item_code_kind(buf);
    if (out->item_kind != IDENT_ITEM_NONE && out->item_kind != IDENT_ITEM_SERVICE) {
        out->kind = IDENT_DRUG_CODE;
        memcpy(out->item_code, buf, n + 1);
        return;
    }
    out->item_kind = IDENT_ITEM_NONE;
    /* letters in a traceability code (the coding standard allows them):
     * after the drug codes, whose shapes they must not take, and before the
     * insurance token, which would take them all */
    if (ident_trace_shape(s, n) != IDENT_TRACE_NONE) {
        out->kind = IDENT_TRACE_CODE;
        return;
    }
    if (ident_is_insurance_token(s, n)) {
        out->kind = IDENT_INSURANCE_TOKEN;
        return;
    }
}
