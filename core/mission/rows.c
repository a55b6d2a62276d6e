/* Per-row checks that need other files or several columns (sites, wards and
 * drugs known from earlier files, sex and age against the ward, scan
 * patterns), read against in-memory copies of the small tables. */
#include "core/mission/loader.h"

#include "core/base/mask.h"
#include "core/base/xalloc.h"
#include "core/ident/ident.h"
#include "core/store/store.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Row names a site that an earlier file inferred without a name: keeps the
 * first name given for the end of the file (loader_insert_new_sites). */
static void site_name_later(struct loader *L, const char *code, const char *name)
{
    struct buf *k = &L->lookup_key;

    if (!strcmp(L->site_named, code))
        return;
    snprintf(L->site_named, sizeof(L->site_named), "%s", code);
    if (keylist_find(&L->unnamed_sites, code) < 0 || keylist_find(&L->renamed_codes, code) >= 0)
        return;
    keylist_add(&L->renamed_codes, code);
    buf_reset(k);
    buf_addf(k, "%s\x1f%s", code, name);
    keylist_add(&L->renamed_sites, k->ptr);
}

static void site_known(struct loader *L, const char *code, const char *name, int *known)
{
    if (L->unnamed_sites.n && name && *name && strcmp(name, code))
        site_name_later(L, code, name);
    if (!strcmp(L->site_seen, code)) {
        *known = 1;
        return;
    }
    *known = keylist_find(&L->known_sites, code) >= 0;
    if (!*known && !L->stat[F_SITES].present) {
        /* no sites.csv: the site is inferred from the rows that name it */
        struct buf *k = &L->lookup_key;
        buf_reset(k);
        buf_addf(k, "%s\x1f%s", code, name && *name ? name : code);
        keylist_add(&L->new_sites, k->ptr);
        keylist_add(&L->known_sites, code);
        *known = 1;
    }
    if (*known)
        snprintf(L->site_seen, sizeof(L->site_seen), "%s", code);
}

static const char *site_name_of_row(struct loader *L)
{
    for (int c = 0; c < L->def->ncols; c++)
        if (!strcmp(L->def->cols[c].en, "site_name") && !L->null[c])
            return L->val[c].ptr;
    return NULL;
}

static void check_ward(struct loader *L, uint64_t line)
{
    const char *site = L->val[IP_SITE].ptr, *code = L->val[IP_WARD_CODE].ptr;

    if (strcmp(L->ward_site, site) || strcmp(L->ward_code.ptr, code)) {
        snprintf(L->ward_site, sizeof(L->ward_site), "%s", site);
        buf_reset(&L->ward_code);
        buf_adds(&L->ward_code, code);
        buf_reset(&L->ward_name);
        struct buf *k = &L->lookup_key;
        long i;

        buf_reset(k);
        buf_adds(k, site);
        buf_addch(k, 0x1f);
        buf_adds(k, code);
        i = keylist_find(&L->known_wards, k->ptr);
        if (i >= 0)
            buf_adds(&L->ward_name, L->ward_names[i]);
        L->ward_found = i >= 0;
    }
    if (!L->ward_found) {
        loader_reject(L, L->fname, line, loader_col_header(L, IP_WARD_CODE),
                      "ward '%s' of site '%s' is not in wards.csv", code, site);
        return;
    }
    if (L->null[IP_WARD]) {
        buf_reset(&L->val[IP_WARD]);
        buf_adds(&L->val[IP_WARD], L->ward_name.ptr);
        L->null[IP_WARD] = 0;
    }
}

/* Age in whole years on the loader's local date, as ident_age_at counts it
 * (-1 when born after that date); computed here because ident_age_at converts
 * the clock on every call, which showed in the per-row profile. */
static int age_today(const struct loader *L, const struct ident_resident_id *id)
{
    int age;

    if (L->today_y * 10000 + L->today_m * 100 + L->today_d <
        id->year * 10000 + id->month * 100 + id->day)
        return -1;
    age = L->today_y - id->year;
    if (L->today_m * 100 + L->today_d < id->month * 100 + id->day)
        age--;
    return age;
}

/* Roster warnings that one row shows on its own: sex and age against the ward.
 * Messages (and the masked ID in them) are only built for a row that warns. */
static int row_warnings(struct loader *L, uint64_t line, struct fc_error *err)
{
    const char *ward = L->null[IP_WARD] ? "" : L->val[IP_WARD].ptr;
    const char *site = L->val[IP_SITE].ptr;
    const char *adm = L->val[IP_ADM].ptr;
    char sex = L->id.sex;
    int age = age_today(L, &L->id);
    int sex_col = !L->null[IP_SEX] && L->val[IP_SEX].ptr[0] != sex;
    int male_ward = sex == 'M' && (strstr(ward, "妇科") || strstr(ward, "产科"));
    int female_ward = sex == 'F' && strstr(ward, "男科");
    int child_ward = age > 18 && age <= 120 && strstr(ward, "儿科");
    struct buf mid = BUF_INIT;
    int rc = FC_OK;

    if (!sex_col && !male_ward && !female_ward && age <= 120 && !child_ward)
        return FC_OK; /* the common case: no message to build */
    mask_id(&mid, L->val[IP_ID].ptr);
    if (sex_col && sex == 'M')
        rc = loader_warn(L, "sex_id", L->fname, line, site, err,
                         "admission %s: sex column says female but ID %s is male", adm, mid.ptr);
    else if (sex_col)
        rc = loader_warn(L, "sex_id", L->fname, line, site, err,
                         "admission %s: sex column says male but ID %s is female", adm, mid.ptr);
    if (!rc && male_ward)
        rc = loader_warn(L, "sex_ward", L->fname, line, site, err,
                         "admission %s: male patient (ID %s) in ward %s", adm, mid.ptr, ward);
    if (!rc && female_ward)
        rc = loader_warn(L, "sex_ward", L->fname, line, site, err,
                         "admission %s: female patient (ID %s) in ward %s", adm, mid.ptr, ward);
    if (!rc && age > 120)
        rc = loader_warn(L, "age_ward", L->fname, line, site, err,
                         "admission %s: age %d from ID %s is implausible", adm, age, mid.ptr);
    else if (!rc && child_ward)
        rc = loader_warn(L, "age_ward", L->fname, line, site, err,
                         "admission %s: age %d (ID %s) in paediatric ward %s", adm, age, mid.ptr,
                         ward);
    buf_release(&mid);
    return rc;
}

static int check_pattern(struct loader *L, uint64_t line)
{
    regex_t re;
    size_t nfields = 1;
    const char *kind = L->val[SP_KIND].ptr;
    const char *f = L->val[SP_FIELDS].ptr;
    int rc;

    for (const char *p = f; *p; p++)
        nfields += *p == ',';
    rc = regcomp(&re, L->val[SP_REGEX].ptr, REG_EXTENDED);
    if (rc) {
        char msg[160];
        regerror(rc, &re, msg, sizeof(msg));
        loader_reject(L, L->fname, line, loader_col_header(L, SP_REGEX),
                      "regex does not compile: %s", msg);
        return 0;
    }
    if (re.re_nsub != nfields)
        loader_reject(L, L->fname, line, loader_col_header(L, SP_FIELDS),
                      "regex has %zu capture groups but fields names %zu", re.re_nsub, nfields);
    regfree(&re);
    /* the names a matcher can use: what the kind needs, nothing else */
    {
        char *copy = xstrdup(f), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            size_t n = strlen(t);
            const char *tt = loader_trim(t, &n);
            int ok = !strcmp(kind, "bed_label") ? (n == 9 && !strncmp(tt, "ward_code", 9)) ||
                                                      (n == 3 && !strncmp(tt, "bed", 3))
                                                : n == 12 && !strncmp(tt, "admission_no", 12);
            if (!ok) {
                loader_reject(L, L->fname, line, loader_col_header(L, SP_FIELDS),
                              "field '%.*s' is not one of %s", (int)n, tt,
                              !strcmp(kind, "bed_label") ? "ward_code, bed" : "admission_no");
                break;
            }
        }
        free(copy);
    }
    return 0;
}

/* Notes an all-digit admission number's length for its site (rosters come
 * grouped by site: the last entry usually matches). */
static void note_adm_digits(struct loader *L)
{
    const struct buf *a = &L->val[IP_ADM];
    const char *site = L->val[IP_SITE].ptr;
    struct adm_digits *d = NULL;

    if (!a->len || a->len > 64 || a->ptr[strspn(a->ptr, "0123456789")])
        return;
    if (L->nadmd && !strcmp(L->admd[L->nadmd - 1].site, site))
        d = &L->admd[L->nadmd - 1];
    for (size_t i = 0; !d && i < L->nadmd; i++)
        if (!strcmp(L->admd[i].site, site))
            d = &L->admd[i];
    if (!d) {
        if (L->nadmd >= 100000)
            return;
        L->admd = xreallocarray(L->admd, L->nadmd + 1, sizeof(*L->admd));
        d = &L->admd[L->nadmd++];
        snprintf(d->site, sizeof(d->site), "%s", site);
        d->zero_len = 0;
        d->min_len = (unsigned)a->len;
    }
    if (a->ptr[0] == '0' && a->len > d->zero_len)
        d->zero_len = (unsigned)a->len;
    if (a->len < d->min_len)
        d->min_len = (unsigned)a->len;
}

/* Checks that need other files or several columns; runs after the columns
 * parsed. May add rejects; fails only on database errors. */
int loader_row_checks(struct loader *L, enum file_id f, uint64_t line, struct fc_error *err)
{
    const struct file_def *def = L->def;
    int rc = FC_OK, known = 1;

    if (!L->null[def->site_col]) {
        const char *site = L->val[def->site_col].ptr;
        if (L->stat[F_SITES].present || L->row_bad == 0) {
            site_known(L, site, f == F_SITES ? NULL : site_name_of_row(L), &known);
            if (!known && f != F_SITES)
                loader_reject(L, L->fname, line, loader_col_header(L, def->site_col),
                              "site '%s' is not in sites.csv", site);
        }
    }
    switch (f) {
    case F_SITES:
        if (L->null[2]) {
            buf_reset(&L->val[2]);
            buf_adds(&L->val[2],
                     ident_site_kind_name(ident_site_code_kind(L->val[0].ptr) == IDENT_SITE_PHARMACY
                                              ? IDENT_SITE_PHARMACY
                                              : IDENT_SITE_HOSPITAL));
            L->null[2] = 0;
        }
        break;
    case F_INPATIENTS:
        if (L->null[IP_ID] || L->null[IP_SITE] || L->null[IP_WARD_CODE])
            break;
        if (L->stat[F_WARDS].present && known)
            check_ward(L, line);
        if (!L->row_bad)
            rc = row_warnings(L, line, err);
        if (!L->row_bad)
            note_adm_digits(L);
        if (L->null[IP_SEX] && !L->row_bad) {
            buf_reset(&L->val[IP_SEX]);
            buf_addch(&L->val[IP_SEX], L->id.sex);
            L->null[IP_SEX] = 0;
        }
        break;
    case F_LEAVES:
        if (!L->null[2] && !L->null[3] && strcmp(L->val[3].ptr, L->val[2].ptr) < 0)
            loader_reject(L, L->fname, line, loader_col_header(L, 3),
                          "leave ends before it starts (%s)", L->val[2].ptr);
        break;
    case F_SETTLEMENTS:
        if (L->stat[F_DRUGS].present && !L->null[2] && !L->null[ST_DRUG] && known) {
            struct buf *k = &L->lookup_key;

            buf_reset(k);
            buf_adds(k, L->val[2].ptr);
            buf_addch(k, 0x1f);
            buf_adds(k, L->val[ST_DRUG].ptr);
            if (keylist_find(&L->known_drugs, k->ptr) < 0)
                loader_reject(L, L->fname, line, loader_col_header(L, ST_DRUG),
                              "drug '%s' of site '%s' is not in drugs.csv", L->val[ST_DRUG].ptr,
                              L->val[2].ptr);
        }
        break;
    case F_PATTERNS:
        if (!L->row_bad)
            check_pattern(L, line);
        break;
    default: break;
    }
    return rc;
}

void loader_build_extra(struct loader *L, const struct csv_record *rec)
{
    int any = 0;

    buf_reset(&L->extra);
    for (size_t i = 0; i < rec->nfields && i < L->nhdr; i++) {
        if (L->hdr_used[i] || !rec->lens[i])
            continue;
        buf_addch(&L->extra, any ? ',' : '{');
        buf_add_json_str(&L->extra, L->hdr[i][0] ? L->hdr[i] : "?");
        buf_addch(&L->extra, ':');
        buf_add_json_str(&L->extra, rec->fields[i]);
        any = 1;
    }
    if (any)
        buf_addch(&L->extra, '}');
}

const char *loader_duplicate_reason(enum file_id f)
{
    switch (f) {
    case F_SITES: return "duplicate site_code";
    case F_WARDS: return "duplicate ward_code for this site";
    case F_DRUGS: return "duplicate drug_code for this site";
    case F_SUSPICIONS: return "duplicate susp_id";
    default: return "duplicate row";
    }
}

/* ---- the small tables the row checks consult ------------------------------- */

/* The lists loader_load_lookups fills and loader_forget_lookups frees. */
enum { LOOKUP_LISTS = 7 };

static void lookup_lists(struct loader *L, struct keylist *out[LOOKUP_LISTS])
{
    struct keylist *all[LOOKUP_LISTS] = {&L->known_sites,  &L->known_wards,   &L->known_drugs,
                                         &L->new_sites,    &L->unnamed_sites, &L->renamed_codes,
                                         &L->renamed_sites};

    memcpy(out, all, sizeof(all));
}

void loader_forget_lookups(struct loader *L)
{
    struct keylist *lists[LOOKUP_LISTS];

    for (size_t i = 0; i < L->known_wards.n; i++)
        free(L->ward_names[i]);
    free(L->ward_names);
    L->ward_names = NULL;
    lookup_lists(L, lists);
    for (int i = 0; i < LOOKUP_LISTS; i++)
        keylist_release(lists[i]);
    L->site_named[0] = '\0';
}

/* Copies the site, ward and drug tables into the known_ lists (a few
 * thousand rows: the roster's own sites and wards, the pharmacies' drugs). */
int loader_load_lookups(struct loader *L, struct fc_error *err)
{
    static const char *const sql[] = {
        "SELECT site_code FROM site",
        "SELECT site_code || char(31) || ward_code, ward FROM ward",
        "SELECT site_code || char(31) || drug_code FROM drug",
        /* inferred from a file without names: the name is the code */
        "SELECT site_code FROM site WHERE site_name = site_code",
    };
    struct keylist *into[] = {&L->known_sites, &L->known_wards, &L->known_drugs, &L->unnamed_sites};
    struct keylist *lists[LOOKUP_LISTS];
    int rc = FC_OK;

    loader_forget_lookups(L);
    lookup_lists(L, lists);
    for (int i = 0; i < LOOKUP_LISTS; i++)
        keylist_init(lists[i]);
    for (int q = 0; q < 4 && !rc; q++) {
        sqlite3_stmt *st = NULL;
        int step;

        if (sqlite3_prepare_v2(L->db, sql[q], -1, &st, NULL) != SQLITE_OK)
            return loader_db_fail(L, err, "cannot read the sites, wards and drugs");
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            size_t i = keylist_add(into[q], store_col_text(st, 0));
            if (q == 1 && i + 1 == L->known_wards.n) {
                L->ward_names = xreallocarray(L->ward_names, L->known_wards.n, sizeof(char *));
                L->ward_names[i] = xstrdup(store_col_text(st, 1));
            }
        }
        if (step != SQLITE_DONE)
            rc = loader_db_fail(L, err, "cannot read the sites, wards and drugs");
        sqlite3_finalize(st);
    }
    return rc;
}

/* Inserts the sites the file's rows named and no table listed, and gives
 * the sites an earlier file inferred without a name the name this file's
 * rows gave them (wards.csv has no site_name; inpatients.csv has). */
int loader_insert_new_sites(struct loader *L, struct fc_error *err)
{
    sqlite3_stmt *up = NULL;
    int rc = FC_OK;

    if (L->renamed_sites.n &&
        sqlite3_prepare_v2(L->db,
                           "UPDATE site SET site_name = ?2 WHERE site_code = ?1"
                           " AND site_name = site_code",
                           -1, &up, NULL) != SQLITE_OK)
        return loader_db_fail(L, err, "cannot name an inferred site");
    for (size_t i = 0; i < L->renamed_sites.n && !rc; i++) {
        const char *key = L->renamed_sites.key[i], *us = strchr(key, 0x1f);

        sqlite3_bind_text(up, 1, key, (int)(us - key), SQLITE_STATIC);
        sqlite3_bind_text(up, 2, us + 1, -1, SQLITE_STATIC);
        if (sqlite3_step(up) != SQLITE_DONE)
            rc = loader_db_fail(L, err, "cannot name an inferred site");
        sqlite3_reset(up);
    }
    sqlite3_finalize(up);

    for (size_t i = 0; i < L->new_sites.n && !rc; i++) {
        const char *code = L->new_sites.key[i], *us = strchr(code, 0x1f);
        enum ident_site_kind k;
        char site[32];

        snprintf(site, sizeof(site), "%.*s", (int)(us - code), code);
        k = ident_site_code_kind(site);
        sqlite3_bind_text(L->ins_site, 1, site, -1, SQLITE_STATIC);
        sqlite3_bind_text(L->ins_site, 2, us + 1, -1, SQLITE_STATIC);
        sqlite3_bind_text(L->ins_site, 3,
                          ident_site_kind_name(k == IDENT_SITE_PHARMACY ? IDENT_SITE_PHARMACY
                                                                        : IDENT_SITE_HOSPITAL),
                          -1, SQLITE_STATIC);
        if (sqlite3_step(L->ins_site) != SQLITE_DONE)
            rc = loader_db_fail(L, err, "cannot record an inferred site");
        sqlite3_reset(L->ins_site);
    }
    return rc;
}
