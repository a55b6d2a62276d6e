/* The draw's input files (docs/draw.md §4): the candidate institutions and
 * the inspector pool as HQ exports them, CSV with English or Chinese
 * headers in any column order, UTF-8 or GB18030 (the mission files' reader,
 * core/mission/csv.h). A draw must rest on clean inputs: any bad row fails
 * the whole file with its line, and nothing is guessed. The rows are sorted
 * (site code, inspector id) so that the draw never depends on their order. */
#include "core/draw/draw.h"

#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/ident/ident.h"
#include "core/mission/csv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One column: its English name and the Chinese names HQ systems use. */
struct column {
    const char *en, *zh1, *zh2;
    int required;
};

enum { T_SITE, T_NAME, T_KIND, T_REGION, T_REGION_NAME, T_RANK, T_LAST, T_NCOLS };
static const struct column target_cols[T_NCOLS] = {
    [T_SITE] = {"site_code", "机构编码", "定点机构编码", 1},
    [T_NAME] = {"site_name", "机构名称", "定点机构名称", 1},
    [T_KIND] = {"site_kind", "机构类别", "机构类型", 0},
    [T_REGION] = {"region_code", "所在区划", "区划代码", 0},
    [T_REGION_NAME] = {"region_name", "区划名称", NULL, 0},
    [T_RANK] = {"rank_value", "排序指标", "基金支付金额", 0},
    [T_LAST] = {"last_inspected", "上次检查日期", "最近检查日期", 0},
};

enum { I_ID, I_NAME, I_REGION, I_CONFLICTS, I_EMPLOYERS, I_RELATIVES, I_DEVICES, I_NCOLS };
static const struct column inspector_cols[I_NCOLS] = {
    [I_ID] = {"inspector_id", "人员编号", "检查人员编号", 1},
    [I_NAME] = {"name", "姓名", NULL, 1},
    [I_REGION] = {"region_code", "所在区划", "区划代码", 0},
    [I_CONFLICTS] = {"conflicts", "回避机构", NULL, 0},
    [I_EMPLOYERS] = {"former_employers", "曾任职机构", NULL, 0},
    [I_RELATIVES] = {"relatives_at", "亲属任职机构", NULL, 0},
    [I_DEVICES] = {"devices", "设备", "设备编号", 0},
};

/* A field without surrounding white space (ASCII, and U+3000 as Excel users
 * type it). */
static void trimmed(const char *s, size_t n, const char **out, size_t *len)
{
    while (n && (isspace((unsigned char)*s) || (n >= 3 && !memcmp(s, "\xe3\x80\x80", 3)))) {
        size_t k = isspace((unsigned char)*s) ? 1 : 3;
        s += k;
        n -= k;
    }
    while (n &&
           (isspace((unsigned char)s[n - 1]) || (n >= 3 && !memcmp(s + n - 3, "\xe3\x80\x80", 3))))
        n -= isspace((unsigned char)s[n - 1]) ? 1 : 3;
    *out = s;
    *len = n;
}

static char *dup_trim(const struct csv_record *rec, int col)
{
    const char *s;
    size_t n;
    char *out;

    if (col < 0 || (size_t)col >= rec->nfields)
        return xstrdup("");
    trimmed(rec->fields[col], rec->lens[col], &s, &n);
    out = xmalloc(n + 1);
    memcpy(out, s, n);
    out[n] = 0;
    return out;
}

static int header_is(const char *h, size_t n, const struct column *c)
{
    const char *names[3] = {c->en, c->zh1, c->zh2};

    for (int i = 0; i < 3; i++)
        if (names[i] && strlen(names[i]) == n &&
            (i == 0 ? !strncasecmp(h, names[i], n) : !memcmp(h, names[i], n)))
            return 1;
    return 0;
}

/* Maps the header row to column positions (-1 when absent). */
static int read_header(const char *path, const struct csv_record *rec, const struct column *cols,
                       int ncols, int *pos, struct fc_error *err)
{
    for (int c = 0; c < ncols; c++)
        pos[c] = -1;
    for (size_t f = 0; f < rec->nfields; f++) {
        const char *h;
        size_t n;

        trimmed(rec->fields[f], rec->lens[f], &h, &n);
        if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3)) {
            h += 3;
            n -= 3;
        }
        for (int c = 0; c < ncols; c++) {
            if (!header_is(h, n, &cols[c]))
                continue;
            if (pos[c] >= 0)
                return fc_error_set(err, FC_EINPUT, "'%s': column %s appears twice", path,
                                    cols[c].en);
            pos[c] = (int)f;
        }
    }
    for (int c = 0; c < ncols; c++)
        if (cols[c].required && pos[c] < 0)
            return fc_error_set(err, FC_EINPUT, "'%s': no column %s (%s)", path, cols[c].en,
                                cols[c].zh1);
    return FC_OK;
}

/* YYYY-MM-DD, YYYY/M/D (what Excel writes) or an ISO time (its date). */
static int parse_date(const char *s, char out[11])
{
    int y = 0, m = 0, d = 0, used = 0;

    out[0] = 0;
    if (!*s)
        return 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 &&
        sscanf(s, "%4d/%2d/%2d%n", &y, &m, &d, &used) != 3)
        return -1;
    if (s[used] && s[used] != 'T' && s[used] != ' ')
        return -1;
    if (!clock_is_valid_date(y, m, d))
        return -1;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return 0;
}

/* A non-negative decimal with at most two fraction digits, in hundredths. */
static int parse_rank(const char *s, int64_t *out)
{
    int64_t v = 0;
    int frac = -1;

    *out = -1;
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || frac == 2 || v > (INT64_MAX - 9) / 10 / 100)
            return -1;
        v = v * 10 + (*p - '0');
        if (frac >= 0)
            frac++;
    }
    if (frac == 0)
        return -1;
    for (int f = frac < 0 ? 0 : frac; f < 2; f++)
        v *= 10;
    *out = v;
    return 0;
}

static int is_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Splits a list field on , ; | 、 ； and white space into *out (appended). */
static void split_list(const char *s, char ***out, size_t *n)
{
    static const char *const seps[] = {
        ",", ";", "|", " ", "\t", "\xe3\x80\x81", "\xef\xbc\x9b", "\xef\xbc\x8c", NULL};

    while (*s) {
        size_t len = 0, skip = 0;

        for (;;) {
            skip = 0;
            for (int k = 0; seps[k]; k++)
                if (!strncmp(s + len, seps[k], strlen(seps[k])))
                    skip = strlen(seps[k]);
            if (skip || !s[len])
                break;
            len++;
        }
        if (len) {
            *out = xreallocarray(*out, *n + 1, sizeof(**out));
            (*out)[*n] = xmalloc(len + 1);
            memcpy((*out)[*n], s, len);
            (*out)[*n][len] = 0;
            (*n)++;
        }
        s += len + skip;
    }
}

static int by_site(const void *a, const void *b)
{
    return strcmp(((const struct draw_target *)a)->site_code,
                  ((const struct draw_target *)b)->site_code);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct draw_inspector *)a)->id, ((const struct draw_inspector *)b)->id);
}

void draw_targets_free(struct draw_target *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        free(t[i].site_code);
        free(t[i].site_name);
        free(t[i].kind);
        free(t[i].region_code);
        free(t[i].region_name);
    }
    free(t);
}

void draw_inspectors_free(struct draw_inspector *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].id);
        free(v[i].name);
        free(v[i].region_code);
        for (size_t k = 0; k < v[i].nconflicts; k++)
            free(v[i].conflicts[k]);
        free(v[i].conflicts);
        for (size_t k = 0; k < v[i].ndevices; k++)
            free(v[i].devices[k]);
        free(v[i].devices);
    }
    free(v);
}

static int open_csv(const char *path, struct csv_reader **rd, char sha256[HASH_HEX_LEN + 1],
                    struct fc_error *err)
{
    unsigned char d[HASH_LEN];
    int rc = csv_reader_open_digest(rd, path, NULL, d, err);

    if (!rc)
        hash_to_hex(sha256, d, HASH_LEN);
    return rc;
}

static int row_error(const char *path, const struct csv_record *rec, struct fc_error *err)
{
    return rec->error ? fc_error_set(err, FC_EINPUT, "'%s' line %llu: %s", path,
                                     (unsigned long long)rec->line, rec->error)
                      : FC_OK;
}

/* One of the draw's files: its columns, its rows' type and how a row is
 * read, the order rows are sorted in (two rows that compare equal are the
 * same institution or inspector twice) and the message for that. */
struct file_spec {
    const struct column *cols;
    int ncols;
    size_t size; /* of one row */
    /* Fills the zeroed row elem from rec; FC_EINPUT naming the line. */
    int (*row)(const char *path, const struct csv_record *rec, const int *pos, void *elem,
               struct fc_error *err);
    int (*cmp)(const void *a, const void *b);
    int (*twice)(const char *path, const void *a, const void *b, struct fc_error *err);
    void (*free_rows)(void *v, size_t n);
};

#define MAX_COLS 16

/* Reads path's rows by spec, sorted, refusing a row listed twice. *out and
 * *n are NULL and 0 on failure. */
static int read_rows(const char *path, const struct file_spec *spec, void **out, size_t *n,
                     char sha256[HASH_HEX_LEN + 1], struct fc_error *err)
{
    struct csv_reader *rd = NULL;
    struct csv_record rec;
    char *v = NULL;
    size_t nv = 0;
    int pos[MAX_COLS], got = 0, have_header = 0, rc = open_csv(path, &rd, sha256, err);

    if (spec->ncols > MAX_COLS)
        BUG("draw file with %d columns", spec->ncols);
    while (!rc && (got = csv_next(rd, &rec, err)) > 0) {
        char *e;

        rc = row_error(path, &rec, err);
        if (rc)
            break;
        if (!have_header) {
            rc = read_header(path, &rec, spec->cols, spec->ncols, pos, err);
            have_header = 1;
            continue;
        }
        if (nv >= DRAW_MAX_ROWS) {
            rc = fc_error_set(err, FC_ELIMIT, "'%s' has more than %d rows", path, DRAW_MAX_ROWS);
            break;
        }
        v = xreallocarray(v, nv + 1, spec->size);
        e = v + nv++ * spec->size;
        memset(e, 0, spec->size);
        rc = spec->row(path, &rec, pos, e, err);
    }
    if (!rc && got < 0)
        rc = got;
    if (!rc && !have_header)
        rc = fc_error_set(err, FC_EINPUT, "'%s' is empty", path);
    if (!rc) {
        qsort(v, nv, spec->size, spec->cmp);
        for (size_t i = 1; i < nv && !rc; i++)
            if (!spec->cmp(v + (i - 1) * spec->size, v + i * spec->size))
                rc = spec->twice(path, v + (i - 1) * spec->size, v + i * spec->size, err);
    }
    csv_reader_free(rd);
    if (rc) {
        spec->free_rows(v, nv);
        v = NULL;
        nv = 0;
    }
    *out = v;
    *n = nv;
    return rc;
}

static int target_row(const char *path, const struct csv_record *rec, const int *pos, void *elem,
                      struct fc_error *err)
{
    struct draw_target *t = elem;
    char *rank = NULL, *last = NULL;
    enum ident_site_kind k;
    int rc = FC_OK;

    t->line = rec->line;
    t->site_code = dup_trim(rec, pos[T_SITE]);
    t->site_name = dup_trim(rec, pos[T_NAME]);
    t->kind = dup_trim(rec, pos[T_KIND]);
    t->region_code = dup_trim(rec, pos[T_REGION]);
    t->region_name = dup_trim(rec, pos[T_REGION_NAME]);
    rank = dup_trim(rec, pos[T_RANK]);
    last = dup_trim(rec, pos[T_LAST]);
    if (ident_site_code_kind(t->site_code) == IDENT_SITE_NONE)
        rc = fc_error_set(err, FC_EINPUT,
                          "'%s' line %llu: '%s' is not an institution code (H or P and 11 "
                          "digits)",
                          path, (unsigned long long)rec->line, t->site_code);
    else if (!t->site_name[0])
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: the institution has no name", path,
                          (unsigned long long)rec->line);
    else if (t->region_code[0] && !is_digits(t->region_code, 6))
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: region code '%s' is not 6 digits", path,
                          (unsigned long long)rec->line, t->region_code);
    else if (parse_rank(rank, &t->rank))
        rc = fc_error_set(err, FC_EINPUT,
                          "'%s' line %llu: ranking value '%s' is not a number with at most "
                          "two decimals",
                          path, (unsigned long long)rec->line, rank);
    else if (parse_date(last, t->last_inspected))
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: '%s' is not a date (YYYY-MM-DD)", path,
                          (unsigned long long)rec->line, last);
    if (!rc) {
        /* the kind column, else the code's prefix */
        k = t->kind[0] ? ident_site_kind_parse(t->kind) : ident_site_code_kind(t->site_code);
        if (k == IDENT_SITE_NONE)
            rc = fc_error_set(err, FC_EINPUT,
                              "'%s' line %llu: institution kind '%s' is neither a hospital "
                              "nor a pharmacy",
                              path, (unsigned long long)rec->line, t->kind);
        free(t->kind);
        t->kind = xstrdup(ident_site_kind_name(k));
    }
    free(rank);
    free(last);
    return rc;
}

static int target_twice(const char *path, const void *a, const void *b, struct fc_error *err)
{
    const struct draw_target *x = a, *y = b;

    return fc_error_set(err, FC_EINPUT,
                        "'%s': institution %s is listed twice (lines "
                        "%llu and %llu)",
                        path, y->site_code, (unsigned long long)x->line,
                        (unsigned long long)y->line);
}

static void draw_targets_free_any(void *v, size_t n)
{
    draw_targets_free(v, n);
}

static const struct file_spec target_file = {
    target_cols, T_NCOLS,      sizeof(struct draw_target), target_row,
    by_site,     target_twice, draw_targets_free_any};

int draw_targets_read(const char *path, struct draw_target **out, size_t *n,
                      char sha256[HASH_HEX_LEN + 1], struct fc_error *err)
{
    void *v = NULL;
    int rc = read_rows(path, &target_file, &v, n, sha256, err);

    *out = v;
    return rc;
}

static int inspector_row(const char *path, const struct csv_record *rec, const int *pos, void *elem,
                         struct fc_error *err)
{
    struct draw_inspector *p = elem;
    int rc = FC_OK;

    p->line = rec->line;
    p->id = dup_trim(rec, pos[I_ID]);
    p->name = dup_trim(rec, pos[I_NAME]);
    p->region_code = dup_trim(rec, pos[I_REGION]);
    for (int c = I_CONFLICTS; c <= I_RELATIVES; c++) {
        char *f = dup_trim(rec, pos[c]);
        split_list(f, &p->conflicts, &p->nconflicts);
        free(f);
    }
    {
        char *f = dup_trim(rec, pos[I_DEVICES]);
        split_list(f, &p->devices, &p->ndevices);
        free(f);
    }
    if (!p->id[0] || strlen(p->id) > 64)
        rc = fc_error_set(err, FC_EINPUT,
                          "'%s' line %llu: an inspector needs an id of 1 to 64 bytes", path,
                          (unsigned long long)rec->line);
    else if (!p->name[0])
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: inspector '%s' has no name", path,
                          (unsigned long long)rec->line, p->id);
    else if (p->region_code[0] && !is_digits(p->region_code, 6))
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: region code '%s' is not 6 digits", path,
                          (unsigned long long)rec->line, p->region_code);
    for (size_t k = 0; !rc && k < p->nconflicts; k++)
        if (ident_site_code_kind(p->conflicts[k]) == IDENT_SITE_NONE)
            rc = fc_error_set(err, FC_EINPUT,
                              "'%s' line %llu: conflict '%s' of inspector '%s' is not an "
                              "institution code",
                              path, (unsigned long long)rec->line, p->conflicts[k], p->id);
    for (size_t k = 0; !rc && k < p->ndevices; k++) {
        const char *d = p->devices[k];
        int hex = strlen(d) == 16;
        for (size_t j = 0; hex && j < 16; j++)
            hex = (d[j] >= '0' && d[j] <= '9') || (d[j] >= 'a' && d[j] <= 'f');
        if (!hex)
            rc = fc_error_set(err, FC_EINPUT,
                              "'%s' line %llu: device '%s' of inspector '%s' is not a device "
                              "id (16 hex digits)",
                              path, (unsigned long long)rec->line, d, p->id);
    }
    return rc;
}

static int inspector_twice(const char *path, const void *a, const void *b, struct fc_error *err)
{
    const struct draw_inspector *x = a, *y = b;

    return fc_error_set(err, FC_EINPUT,
                        "'%s': inspector %s is listed twice (lines %llu "
                        "and %llu)",
                        path, y->id, (unsigned long long)x->line, (unsigned long long)y->line);
}

static void draw_inspectors_free_any(void *v, size_t n)
{
    draw_inspectors_free(v, n);
}

static const struct file_spec inspector_file = {
    inspector_cols, I_NCOLS,         sizeof(struct draw_inspector), inspector_row,
    by_id,          inspector_twice, draw_inspectors_free_any};

int draw_inspectors_read(const char *path, struct draw_inspector **out, size_t *n,
                         char sha256[HASH_HEX_LEN + 1], struct fc_error *err)
{
    void *v = NULL;
    int rc = read_rows(path, &inspector_file, &v, n, sha256, err);

    *out = v;
    return rc;
}

int draw_quotas_parse(const char *text, struct draw_params *p, struct fc_error *err)
{
    char buf[256];
    char *save = NULL;

    p->nquotas = 0;
    if (!text || strlen(text) >= sizeof(buf))
        return fc_error_set(err, FC_EUSAGE, "--count needs N or KIND=N[,KIND=N]");
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), *end = NULL;
        const char *num = eq ? eq + 1 : tok;
        long v = strtol(num, &end, 10);
        struct draw_quota *q;

        if (p->nquotas == sizeof(p->quotas) / sizeof(p->quotas[0]) || !*num || *end || v < 1 ||
            v > DRAW_MAX_ROWS)
            return fc_error_set(err, FC_EUSAGE, "--count '%s': expected N or KIND=N[,KIND=N]",
                                text);
        q = &p->quotas[p->nquotas++];
        memset(q, 0, sizeof(*q));
        q->count = (int)v;
        if (eq) {
            enum ident_site_kind k;
            *eq = 0;
            k = ident_site_kind_parse(tok);
            if (k == IDENT_SITE_NONE)
                return fc_error_set(err, FC_EUSAGE,
                                    "--count: '%s' is neither hospital nor pharmacy", tok);
            snprintf(q->kind, sizeof(q->kind), "%s", ident_site_kind_name(k));
        }
    }
    if (!p->nquotas)
        return fc_error_set(err, FC_EUSAGE, "--count needs N or KIND=N[,KIND=N]");
    for (size_t i = 0; i < p->nquotas; i++)
        for (size_t j = 0; j < p->nquotas; j++)
            if (i != j && (!p->quotas[i].kind[0] || !strcmp(p->quotas[i].kind, p->quotas[j].kind)))
                return fc_error_set(err, FC_EUSAGE,
                                    "--count '%s': each kind once, and N alone or kinds only",
                                    text);
    /* kinds in name order: the order the draw takes them */
    for (size_t i = 1; i < p->nquotas; i++)
        for (size_t j = i; j > 0 && strcmp(p->quotas[j - 1].kind, p->quotas[j].kind) > 0; j--) {
            struct draw_quota t = p->quotas[j];
            p->quotas[j] = p->quotas[j - 1];
            p->quotas[j - 1] = t;
        }
    return FC_OK;
}

static const struct {
    enum draw_cross c;
    const char *en, *zh;
} cross_names[] = {
    {DRAW_CROSS_PROVINCE, "province", "省"},
    {DRAW_CROSS_CITY, "city", "市"},
    {DRAW_CROSS_COUNTY, "county", "县"},
};

int draw_cross_parse(const char *text, enum draw_cross *out, struct fc_error *err)
{
    for (size_t i = 0; i < sizeof(cross_names) / sizeof(cross_names[0]); i++)
        if (text && (!strcasecmp(text, cross_names[i].en) || !strcmp(text, cross_names[i].zh))) {
            *out = cross_names[i].c;
            return FC_OK;
        }
    return fc_error_set(err, FC_EUSAGE, "--cross-region: expected province, city or county");
}

const char *draw_cross_name(enum draw_cross c)
{
    for (size_t i = 0; i < sizeof(cross_names) / sizeof(cross_names[0]); i++)
        if (cross_names[i].c == c)
            return cross_names[i].en;
    return "";
}
