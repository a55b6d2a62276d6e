/* The scan classification pipeline of DESIGN §5 for one site. The order is
 * fixed and each step only runs when the earlier ones did not recognise the
 * code: an action word can never be shadowed by reference data, and reference
 * data (the code_index, then the site's own patterns) wins over a guess from
 * the code's shape. Patterns are compiled once per classifier (per visit). */
#include "core/ident/scan.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"
#include "core/ident/gs1.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"

#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* snprintf(dst, size, "%s", src) without the format machinery: the copies
 * below run several times per scan. Truncates like snprintf; src NULL is "". */
static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = src ? strnlen(src, size - 1) : 0;

    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

enum pattern_kind { PATTERN_BED_LABEL, PATTERN_WRISTBAND };

struct pattern {
    enum pattern_kind kind;
    int builtin; /* the default bed label: default_label, not re */
    regex_t re;
    int group_ward, group_bed, group_adm; /* capture group numbers, 0 when absent */
};

struct scan_classifier {
    struct store *store;
    char *site_code;
    struct refdb_resolver *lookup;
    struct pattern *patterns;
    size_t npatterns;
};

/* A site without a bed_label pattern uses the default label
 * "<ward_code>-<bed>" (core/refdb.h); matching it by pattern too lets a free
 * or extra bed that the index does not list still be recognised. The
 * pattern is ^(.+)-([0-9]+\+?)$, matched by hand (default_label): glibc's
 * regexec with capture groups took tens of microseconds on some codes, the
 * tail of the scan latency. */
static const char default_bed_regex[] = "^(.+)-([0-9]+\\+?)$";

const char *scan_kind_name(enum scan_kind kind)
{
    switch (kind) {
    case SCAN_ACTION: return "action";
    case SCAN_BED_LABEL: return "bed_label";
    case SCAN_WRISTBAND: return "wristband";
    case SCAN_ADMISSION: return "admission";
    case SCAN_ID_NUMBER: return "id_number";
    case SCAN_INSURANCE_TOKEN: return "insurance_token";
    case SCAN_TRACE_CODE: return "trace_code";
    case SCAN_GTIN: return "gtin";
    case SCAN_GS1: return "gs1";
    case SCAN_OTHER: return "other";
    case SCAN_UNKNOWN: break;
    }
    return "unknown";
}

enum scan_kind scan_kind_parse(const char *name)
{
    for (int k = SCAN_UNKNOWN; k <= SCAN_OTHER; k++)
        if (name && !strcmp(name, scan_kind_name((enum scan_kind)k)))
            return (enum scan_kind)k;
    return SCAN_UNKNOWN;
}

const char *scan_source_name(enum scan_source source)
{
    switch (source) {
    case SCAN_FROM_ACTION: return "action";
    case SCAN_FROM_INDEX: return "code_index";
    case SCAN_FROM_PATTERN: return "pattern";
    case SCAN_FROM_SHAPE: return "shape";
    case SCAN_FROM_NONE: break;
    }
    return "none";
}

int scan_bed_normalise(const char *bed, char out[SCAN_REF_MAX])
{
    size_t n, start = 0;
    int extra = 0;

    out[0] = '\0';
    if (!bed)
        return FC_EINPUT;
    n = strlen(bed);
    if (n && bed[n - 1] == '+') {
        extra = 1;
        n--;
    }
    if (!n || n >= SCAN_REF_MAX - 2)
        return FC_EINPUT;
    for (size_t i = 0; i < n; i++)
        if (bed[i] < '0' || bed[i] > '9')
            return FC_EINPUT;
    while (start + 1 < n && bed[start] == '0')
        start++;
    if (n - start == 1 && bed[start] == '0')
        return FC_EINPUT; /* beds are numbered from 1 */
    /* by hand, not snprintf: the loader runs this for every roster row */
    n -= start;
    memcpy(out, bed + start, n);
    if (extra)
        out[n++] = '+';
    out[n] = '\0';
    return FC_OK;
}

/* Maps the comma-separated field names to capture group numbers. */
static int pattern_fields(struct pattern *p, const char *fields, int64_t line, struct fc_error *err)
{
    char *copy = xstrdup(fields), *save = NULL;
    int group = 0, rc = FC_OK;

    for (char *f = strtok_r(copy, ", ", &save); f; f = strtok_r(NULL, ", ", &save)) {
        group++;
        if (!strcmp(f, "ward_code"))
            p->group_ward = group;
        else if (!strcmp(f, "bed"))
            p->group_bed = group;
        else if (!strcmp(f, "admission_no"))
            p->group_adm = group;
    }
    if ((size_t)group > p->re.re_nsub) {
        rc = fc_error_set(err, FC_EINPUT,
                          "scan pattern on line %lld names %d fields but has %zu groups",
                          (long long)line, group, p->re.re_nsub);
    } else if (p->kind == PATTERN_BED_LABEL && (!p->group_ward || !p->group_bed)) {
        rc = fc_error_set(err, FC_EINPUT,
                          "bed_label pattern on line %lld needs fields ward_code,bed",
                          (long long)line);
    } else if (p->kind == PATTERN_WRISTBAND && !p->group_adm) {
        rc = fc_error_set(err, FC_EINPUT,
                          "wristband pattern on line %lld needs the field admission_no",
                          (long long)line);
    }
    free(copy);
    return rc;
}

static int pattern_add(struct scan_classifier *c, enum pattern_kind kind, const char *regex,
                       const char *fields, int64_t line, struct fc_error *err)
{
    struct pattern *p;
    int rc;

    c->patterns = xreallocarray(c->patterns, c->npatterns + 1, sizeof(*c->patterns));
    p = &c->patterns[c->npatterns];
    memset(p, 0, sizeof(*p));
    p->kind = kind;
    rc = regcomp(&p->re, regex, REG_EXTENDED);
    if (rc) {
        char msg[160];
        regerror(rc, &p->re, msg, sizeof(msg));
        return fc_error_set(err, FC_EINPUT, "bad scan pattern '%s' on line %lld: %s", regex,
                            (long long)line, msg);
    }
    c->npatterns++;
    return pattern_fields(p, fields, line, err);
}

static int load_patterns(struct scan_classifier *c, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, step, have_bed = 0;

    rc = store_prepare(c->store,
                       "SELECT kind, regex, fields, line FROM ref.scan_pattern"
                       " WHERE site_code = ?1 ORDER BY line, rowid",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, c->site_code);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = store_col_text(st, 0);
        enum pattern_kind pk;

        if (!strcmp(kind, "bed_label"))
            pk = PATTERN_BED_LABEL;
        else if (!strcmp(kind, "wristband"))
            pk = PATTERN_WRISTBAND;
        else
            continue; /* kinds of later workflows */
        have_bed |= pk == PATTERN_BED_LABEL;
        rc = pattern_add(c, pk, store_col_text(st, 1), store_col_text(st, 2),
                         sqlite3_column_int64(st, 3), err);
        if (rc)
            goto out;
    }
    if (step != SQLITE_DONE) {
        rc = store_fail(c->store, err, "cannot read scan patterns");
        goto out;
    }
    if (!have_bed) {
        rc = pattern_add(c, PATTERN_BED_LABEL, default_bed_regex, "ward_code,bed", 0, err);
        if (!rc)
            c->patterns[c->npatterns - 1].builtin = 1;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

void scan_classifier_free(struct scan_classifier *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->npatterns; i++)
        regfree(&c->patterns[i].re);
    free(c->patterns);
    refdb_resolver_free(c->lookup);
    free(c->site_code);
    free(c);
}

int scan_classifier_new(struct store *s, const char *site_code, struct scan_classifier **out,
                        struct fc_error *err)
{
    struct scan_classifier *c = xcalloc(1, sizeof(*c));
    int rc;

    *out = NULL;
    c->store = s;
    c->site_code = xstrdup(site_code);
    rc = refdb_resolver_new(store_db(s), "ref", site_code, &c->lookup, err);
    if (!rc)
        rc = load_patterns(c, err);
    if (rc) {
        scan_classifier_free(c);
        return rc;
    }
    *out = c;
    return FC_OK;
}

/* Copies group g of code into out; 0 if the group did not take part. */
static int copy_group(const char *code, const regmatch_t *m, int g, char *out, size_t outsz)
{
    if (g <= 0 || m[g].rm_so < 0)
        return 0;
    snprintf(out, outsz, "%.*s", (int)(m[g].rm_eo - m[g].rm_so), code + m[g].rm_so);
    return out[0] != '\0';
}

/* default_bed_regex on code: groups 1 (ward) and 2 (bed) in m. The greedy
 * (.+) ends at the last '-' (the bed part holds none), which must have
 * something before it and only digits, and at most a final '+', after. */
static int default_label(const char *code, regmatch_t *m)
{
    const char *dash = strrchr(code, '-'), *p;

    if (!dash || dash == code || !(dash[1] >= '0' && dash[1] <= '9'))
        return 0;
    for (p = dash + 1; *p >= '0' && *p <= '9'; p++)
        ;
    if (*p == '+')
        p++;
    if (*p)
        return 0;
    m[1].rm_so = 0;
    m[1].rm_eo = (regoff_t)(dash - code);
    m[2].rm_so = (regoff_t)(dash + 1 - code);
    m[2].rm_eo = (regoff_t)(p - code);
    return 1;
}

static int match_patterns(struct scan_classifier *c, struct scan_class *out)
{
    regmatch_t m[10];

    for (size_t i = 0; i < c->npatterns; i++) {
        struct pattern *p = &c->patterns[i];
        char bed[SCAN_REF_MAX];

        if (p->builtin) {
            if (!default_label(out->code, m))
                continue;
        } else if (regexec(&p->re, out->code, 10, m, 0) != 0) {
            continue;
        }
        if (p->kind == PATTERN_BED_LABEL) {
            if (!copy_group(out->code, m, p->group_ward, out->ward_code, sizeof(out->ward_code)) ||
                !copy_group(out->code, m, p->group_bed, bed, sizeof(bed)))
                continue;
            if (scan_bed_normalise(bed, out->bed) != FC_OK)
                copy_str(out->bed, sizeof(out->bed), bed);
            out->kind = SCAN_BED_LABEL;
        } else {
            if (!copy_group(out->code, m, p->group_adm, out->admission_no,
                            sizeof(out->admission_no)))
                continue;
            out->kind = SCAN_WRISTBAND;
        }
        out->source = SCAN_FROM_PATTERN;
        return 1;
    }
    return 0;
}

static void ref_split_bed(const char *ref, struct scan_class *out)
{
    const char *colon = strrchr(ref, ':');
    char bed[SCAN_REF_MAX];

    if (!colon) {
        copy_str(out->ward_code, sizeof(out->ward_code), ref);
        return;
    }
    snprintf(out->ward_code, sizeof(out->ward_code), "%.*s", (int)(colon - ref), ref);
    copy_str(bed, sizeof(bed), colon + 1);
    if (scan_bed_normalise(bed, out->bed) != FC_OK)
        copy_str(out->bed, sizeof(out->bed), bed);
}

/* What code_index says the code is at this site (its most specific kind). */
static int lookup_index(struct scan_classifier *c, struct scan_class *out, struct fc_error *err)
{
    char ref[SCAN_REF_MAX] = "";
    enum refdb_kind kind;
    int rc = refdb_resolve(c->lookup, out->code, &kind, ref, sizeof(ref), err);

    if (rc <= 0)
        return rc;
    out->source = SCAN_FROM_INDEX;
    switch (kind) {
    case REFDB_BED_LABEL:
        out->kind = SCAN_BED_LABEL;
        ref_split_bed(ref, out);
        break;
    case REFDB_ID_NUMBER:
        out->kind = SCAN_ID_NUMBER;
        copy_str(out->id_number, sizeof(out->id_number), out->code);
        copy_str(out->admission_no, sizeof(out->admission_no), ref);
        break;
    case REFDB_GTIN:
    case REFDB_TRACE_CODE:
        out->kind = kind == REFDB_GTIN ? SCAN_GTIN : SCAN_TRACE_CODE;
        copy_str(out->ref, sizeof(out->ref), ref);
        break;
    case REFDB_WRISTBAND:
    case REFDB_ADMISSION:
    case REFDB_KIND_COUNT:
        out->kind = kind == REFDB_WRISTBAND ? SCAN_WRISTBAND : SCAN_ADMISSION;
        copy_str(out->admission_no, sizeof(out->admission_no), ref);
        break;
    }
    return 1;
}

static void classify_shape(const char *raw, size_t len, int64_t today_ms, struct scan_class *out)
{
    struct ident_scan shape;
    struct ident_scan *sh = &shape;

    ident_classify_shape(raw, len, today_ms, sh);
    out->source = SCAN_FROM_SHAPE;
    switch (sh->kind) {
    case IDENT_RESIDENT_ID:
        out->kind = SCAN_ID_NUMBER;
        out->valid = sh->valid;
        out->why = sh->why;
        out->legacy_id = sh->id.legacy;
        if (sh->valid && sh->id.legacy)
            ident_resident_id_to18(&sh->id, out->id_number);
        else
            copy_str(out->id_number, sizeof(out->id_number), sh->id.text);
        break;
    case IDENT_INSURANCE_TOKEN: out->kind = SCAN_INSURANCE_TOKEN; break;
    case IDENT_TRACE_CODE: out->kind = SCAN_TRACE_CODE; break;
    case IDENT_GTIN: out->kind = SCAN_GTIN; break;
    case IDENT_GS1: out->kind = SCAN_GS1; break;
    case IDENT_ACTION: /* a pharmacy count: no meaning here */
    case IDENT_SITE_CODE:
    case IDENT_DRUG_CODE: out->kind = SCAN_OTHER; break;
    case IDENT_UNKNOWN:
        out->kind = SCAN_UNKNOWN;
        out->source = SCAN_FROM_NONE;
        break;
    }
}

/* ---- the canonical form ---------------------------------------------- */

/* Width of the white space at s[0..n): ASCII space, tab, CR, LF, NBSP,
 * U+3000, or 0. */
static size_t space_at(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    return 0;
}

static void trim_spaces(const unsigned char **s, size_t *n)
{
    size_t w;

    while (*n && (w = space_at(*s, *n)) > 0) {
        *s += w;
        *n -= w;
    }
    for (;;) {
        if (*n >= 1 && space_at(*s + *n - 1, 1) == 1)
            *n -= 1;
        else if (*n >= 2 && space_at(*s + *n - 2, 2) == 2)
            *n -= 2;
        else if (*n >= 3 && space_at(*s + *n - 3, 3) == 3)
            *n -= 3;
        else
            break;
    }
}

int scan_canonical(const char *raw, size_t len, char code[SCAN_CODE_MAX + 1], char aim[4])
{
    const unsigned char *s = (const unsigned char *)raw;
    size_t n = len, j = 0;
    int gs1 = 0;

    code[0] = '\0';
    aim[0] = '\0';
    if (!raw || memchr(raw, '\0', len))
        return -1;
    trim_spaces(&s, &n);
    /* full-width ASCII (U+FF01..U+FF5E, EF BC 81 .. EF BD 9E) folded */
    for (size_t i = 0; i < n; i++) {
        unsigned ch = s[i];
        if (ch == 0xEF && i + 2 < n && (s[i + 1] == 0xBC || s[i + 1] == 0xBD) && s[i + 2] >= 0x80 &&
            s[i + 2] <= 0xBF) {
            unsigned cp = 0xF000u | ((unsigned)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                ch = cp - 0xFF01 + 0x21;
                i += 2;
            }
        }
        if (j >= SCAN_CODE_MAX)
            return -1;
        code[j++] = (char)ch;
    }
    code[j] = '\0';
    /* the AIM symbology identifier: ']', a letter, a modifier character */
    if (j >= 3 && code[0] == ']' &&
        ((code[1] >= 'A' && code[1] <= 'Z') || (code[1] >= 'a' && code[1] <= 'z')) &&
        code[2] > 0x20 && code[2] < 0x7F) {
        gs1 = ident_gs1_has_aim(code, j);
        memcpy(aim, code, 3);
        aim[3] = '\0';
        memmove(code, code + 3, j - 3 + 1);
        j -= 3;
        s = (const unsigned char *)code;
        n = j;
        trim_spaces(&s, &n);
        memmove(code, s, n);
        code[n] = '\0';
        j = n;
    }
    /* ISO/IEC 15434: "[)>" RS "05" GS data RS EOT is GS1 data */
    if (j >= 9 && !memcmp(code,
                          "[)>\x1e"
                          "05\x1d",
                          7)) {
        size_t end = j;
        if (end && code[end - 1] == 0x04)
            end--;
        if (end && code[end - 1] == 0x1e)
            end--;
        if (end > 7 && !memchr(code + 7, 0x1e, end - 7)) {
            memmove(code, code + 7, end - 7);
            code[end - 7] = '\0';
            gs1 = 1;
        }
    }
    return gs1;
}

json_t *scan_code_json(const char *code)
{
    json_t *j = json_string(code);
    struct buf b = BUF_INIT;

    if (j)
        return j;
    for (const unsigned char *p = (const unsigned char *)code; *p; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\')
            buf_addch(&b, (char)*p);
        else
            buf_addf(&b, "\\x%02x", *p);
    }
    j = json_string(b.ptr);
    buf_release(&b);
    return j;
}

void scan_payload_add(const struct scan_class *sc, struct json_t *payload)
{
    if (sc->raw[0]) /* not UTF-8 (a misconfigured scanner): kept visible as \xNN */
        json_object_set_new(payload, "raw", scan_code_json(sc->raw));
    if (sc->aim[0])
        json_object_set_new(payload, "aim", json_string(sc->aim));
    if (sc->caps_lock)
        json_object_set_new(payload, "hint", json_string("caps_lock"));
}

void scan_caps_lock_note(char *msg, size_t n)
{
    size_t len = strlen(msg);

    snprintf(msg + len, n - len, "%s", " (Caps Lock on? the code matches in capitals)");
}

static int has_lower(const char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            return 1;
    return 0;
}

static int has_upper(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            return 1;
    return 0;
}

static int case_insensitive_kind(enum scan_kind k)
{
    return k == SCAN_BED_LABEL || k == SCAN_WRISTBAND || k == SCAN_ADMISSION;
}

/* The code in capitals, through the index (and, unless index_only, the
 * patterns and the shapes): taken when it is a code of a case-insensitive
 * kind (returns 1); otherwise only noted (caps_lock) when it is recognised
 * at all (returns 0). */
static int try_capitals(struct scan_classifier *c, int64_t today_ms, struct scan_class *out,
                        int index_only, struct fc_error *err)
{
    struct scan_class *up = xmalloc(sizeof(*up));
    int rc, taken = 0;

    memcpy(up, out, sizeof(*up));
    up->source = SCAN_FROM_NONE;
    up->kind = SCAN_UNKNOWN;
    for (char *p = up->code; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    rc = lookup_index(c, up, err);
    if (rc < 0)
        goto out;
    if (!rc && index_only)
        goto out;
    if (!rc && !match_patterns(c, up)) {
        struct ident_scan sh;
        ident_classify_shape(up->code, strlen(up->code), today_ms, &sh);
        if (sh.kind != IDENT_UNKNOWN)
            out->caps_lock = !has_upper(out->code);
        rc = 0;
        goto out;
    }
    if (case_insensitive_kind(up->kind)) {
        if (!out->raw[0])
            copy_str(up->raw, sizeof(up->raw), out->code);
        up->caps_lock = !has_upper(out->code);
        memcpy(out, up, sizeof(*out));
        taken = 1;
    } else {
        out->caps_lock = !has_upper(out->code);
    }
    rc = 0;
out:
    free(up);
    return rc < 0 ? rc : taken;
}

int scan_classify(struct scan_classifier *c, const char *raw, size_t len, int64_t today_ms,
                  struct scan_class *out, struct fc_error *err)
{
    enum ident_action action;
    int rc, gs1;

    memset(out, 0, sizeof(*out));
    out->valid = 1;
    if (!raw || !len) {
        out->source = SCAN_FROM_NONE;
        return FC_OK;
    }
    gs1 = scan_canonical(raw, len, out->code, out->aim);
    if (gs1 < 0) {
        /* a NUL byte, or longer than any barcode: a long code is refused
         * whole, since cutting it would record a code nobody scanned,
         * possibly split inside a character */
        size_t n = strnlen(raw, len);
        if (n > SCAN_CODE_MAX || !memchr(raw, '\0', len))
            return fc_error_set(err, FC_EINPUT,
                                "the code has %zu bytes, more than the %d a scan may have: "
                                "refused, nothing recorded",
                                len, SCAN_CODE_MAX);
        out->kind = SCAN_UNKNOWN;
        out->source = SCAN_FROM_NONE;
        memcpy(out->code, raw, n);
        out->code[n] = '\0';
        out->aim[0] = '\0';
        return FC_OK;
    }
    {
        /* the raw form, without the scanner's line end, when it differs */
        size_t n = len;
        while (n && (raw[n - 1] == '\r' || raw[n - 1] == '\n'))
            n--;
        if (n <= SCAN_CODE_MAX && (n != strlen(out->code) || memcmp(raw, out->code, n))) {
            memcpy(out->raw, raw, n);
            out->raw[n] = '\0';
        }
    }
    if (!out->code[0]) {
        out->source = SCAN_FROM_NONE;
        return FC_OK;
    }

    action = ident_action_parse(out->code, strlen(out->code), NULL, NULL);
    if (action != IDENT_ACTION_NONE && action != IDENT_ACTION_COUNT) {
        out->kind = SCAN_ACTION;
        out->source = SCAN_FROM_ACTION;
        out->action = action;
        return FC_OK;
    }
    rc = lookup_index(c, out, err);
    if (rc < 0)
        return rc;
    if (rc > 0)
        return FC_OK;
    if (has_lower(out->code)) {
        /* bed labels, wristbands and admission numbers compare without
         * case: the index in capitals first, before a pattern may take the
         * code as written */
        rc = try_capitals(c, today_ms, out, 1, err);
        if (rc)
            return rc < 0 ? rc : FC_OK;
    }
    if (match_patterns(c, out))
        return FC_OK;
    if (gs1) {
        /* GS1 data by its AIM identifier or envelope: parsed as such */
        char marked[SCAN_CODE_MAX + 4];
        size_t n = strlen(out->code);
        memcpy(marked, "]d2", 3);
        memcpy(marked + 3, out->code, n + 1);
        classify_shape(marked, n + 3, today_ms, out);
        return FC_OK;
    }
    classify_shape(out->code, strlen(out->code), today_ms, out);
    if (out->kind == SCAN_UNKNOWN && has_lower(out->code)) {
        rc = try_capitals(c, today_ms, out, 0, err);
        if (rc < 0)
            return rc;
    }
    return FC_OK;
}

void scan_arrival_stamp(const struct scan_arrival *a, struct json_t *payload)
{
    json_object_set_new(payload, "arrival", json_string(a && a->how ? a->how : "cli"));
    if (a && a->file_sha256)
        json_object_set_new(payload, "file_sha256", json_string(a->file_sha256));
    if (a && a->time_flag)
        json_object_set_new(payload, "time_flag", json_string(a->time_flag));
}

const char *scan_time_flag(int64_t at_ms, int64_t opened_ms, int64_t closed_ms, int64_t prev_ms)
{
    if (at_ms < opened_ms)
        return "before_open";
    if (closed_ms && at_ms > closed_ms)
        return "after_close";
    if (prev_ms && at_ms < prev_ms)
        return "backwards";
    return NULL;
}
