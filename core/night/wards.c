/* Wards and beds of a night visit for screens (core/night/wards.h). One call
 * reads the site's wards, its listed beds and the visit's scanned beds into
 * one list of bed entries, sorts it by ward and canonical bed, and merges
 * what names the same bed; the walk's findings come from the engine's
 * derived state (night_foreach_bed), their class from the catalogue. This is
 * the bed list the TUI used to rebuild from snapshots of the whole site. */
#include "core/night/wards.h"

#include "core/base/xalloc.h"
#include "core/mission/roster.h"
#include "core/night/night.h"
#include "core/night/workflow.h"
#include "core/store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Approved beds beyond this are not listed one by one (a bed_count typed
 * wrong in wards.csv must not cost millions of rows on a screen). */
#define WARD_BEDS_MAX 5000

struct ward_info {
    char *code, *name;
    int64_t bed_count, listed;
};

struct listed_row {
    char *ward;
    char bed[SCAN_REF_MAX];
    char *adm, *name, *id;
};

struct entry {
    char *ward;
    char bed[SCAN_REF_MAX];
    int approved;
    size_t first, nlisted; /* range of site.listed */
    int scanned;
    char *finding, *identified;
    int no_band, no_id, exam;
    int64_t scans;
};

struct site {
    const char *ward_filter; /* NULL: every ward */
    struct ward_info *wards;
    size_t nwards, wcap;
    struct listed_row *listed;
    size_t nlisted, lcap;
    struct entry *e;
    size_t n, cap;
};

#define GROW(arr, n, cap)                                        \
    do {                                                         \
        if ((n) == (cap)) {                                      \
            (cap) = (cap) ? (cap)*2 : 64;                        \
            (arr) = xreallocarray((arr), (cap), sizeof(*(arr))); \
        }                                                        \
    } while (0)

/* ---- bed order ---------------------------------------------------------- */

/* 1 when s is digits and an optional '+', with its value and extra flag. */
static int bed_number(const char *s, unsigned long long *num, int *extra)
{
    size_t n = 0;

    *num = 0;
    *extra = 0;
    while (s[n] >= '0' && s[n] <= '9') {
        if (n >= 18)
            return 0;
        *num = *num * 10 + (unsigned)(s[n] - '0');
        n++;
    }
    if (!n)
        return 0;
    if (s[n] == '+') {
        *extra = 1;
        n++;
    }
    return s[n] == '\0';
}

int night_bed_compare(const char *a, const char *b)
{
    unsigned long long na, nb;
    int ea, eb, ka, kb;

    a = a ? a : "";
    b = b ? b : "";
    ka = bed_number(a, &na, &ea);
    kb = bed_number(b, &nb, &eb);
    if (ka && kb) {
        if (na != nb)
            return na < nb ? -1 : 1;
        if (ea != eb)
            return ea - eb;
        return strcmp(a, b);
    }
    if (ka != kb)
        return ka ? -1 : 1;
    return strcmp(a, b);
}

/* The canonical form of a bed, or the bed as it is when it is not a bed
 * number (kept, so that nothing the roster or a scan names is lost). */
static void canon_bed(const char *bed, char out[SCAN_REF_MAX])
{
    if (scan_bed_normalise(bed, out) != FC_OK)
        snprintf(out, SCAN_REF_MAX, "%s", bed ? bed : "");
}

/* ---- reading the site --------------------------------------------------- */

static void site_release(struct site *st)
{
    for (size_t i = 0; i < st->nwards; i++) {
        free(st->wards[i].code);
        free(st->wards[i].name);
    }
    for (size_t i = 0; i < st->nlisted; i++) {
        free(st->listed[i].ward);
        free(st->listed[i].adm);
        free(st->listed[i].name);
        free(st->listed[i].id);
    }
    for (size_t i = 0; i < st->n; i++) {
        free(st->e[i].ward);
        free(st->e[i].finding);
        free(st->e[i].identified);
    }
    free(st->wards);
    free(st->listed);
    free(st->e);
    memset(st, 0, sizeof(*st));
}

static int wanted(const struct site *st, const char *ward)
{
    return !st->ward_filter || !strcmp(st->ward_filter, ward);
}

static struct entry *entry_add(struct site *st, const char *ward, const char *bed_canon)
{
    struct entry *e;

    GROW(st->e, st->n, st->cap);
    e = &st->e[st->n++];
    memset(e, 0, sizeof(*e));
    e->ward = xstrdup(ward);
    snprintf(e->bed, sizeof(e->bed), "%s", bed_canon);
    return e;
}

static int ward_cb(const struct roster_ward *w, void *ctx)
{
    struct site *st = ctx;
    struct ward_info *wi;

    if (!wanted(st, w->ward_code))
        return 0;
    GROW(st->wards, st->nwards, st->wcap);
    wi = &st->wards[st->nwards++];
    wi->code = xstrdup(w->ward_code);
    wi->name = xstrdup(w->ward ? w->ward : "");
    wi->bed_count = w->bed_count;
    wi->listed = w->listed;
    return 0;
}

static int load_listed(struct store *s, const char *site_code, struct site *st,
                       struct fc_error *err)
{
    static const char sql_site[] = "SELECT ward_code, bed, admission_no, name, id_number"
                                   " FROM ref.inpatient WHERE site_code = ?1";
    static const char sql_ward[] = "SELECT ward_code, bed, admission_no, name, id_number"
                                   " FROM ref.inpatient WHERE site_code = ?1 AND ward_code = ?2";
    sqlite3_stmt *q = NULL;
    int rc = store_prepare(s, st->ward_filter ? sql_ward : sql_site, &q, err);

    if (rc)
        return rc;
    store_bind_text(q, 1, site_code);
    if (st->ward_filter)
        store_bind_text(q, 2, st->ward_filter);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct listed_row *l;

        GROW(st->listed, st->nlisted, st->lcap);
        l = &st->listed[st->nlisted++];
        l->ward = xstrdup(store_col_text(q, 0));
        canon_bed(store_col_text(q, 1), l->bed);
        l->adm = xstrdup(store_col_text(q, 2));
        l->name = xstrdup(store_col_text(q, 3));
        l->id = xstrdup(store_col_text(q, 4));
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the roster's beds");
    sqlite3_finalize(q);
    return rc;
}

static int scanned_cb(const struct night_bed *b, void *ctx)
{
    struct site *st = ctx;
    struct entry *e;
    char canon[SCAN_REF_MAX];

    if (!wanted(st, b->ward_code))
        return 0;
    canon_bed(b->bed, canon);
    e = entry_add(st, b->ward_code, canon);
    e->scanned = 1;
    e->finding = xstrdup(b->finding);
    e->identified = xstrdup(b->identified);
    e->no_band = b->no_wristband;
    e->no_id = b->no_id;
    e->exam = b->exam;
    e->scans = b->scans;
    return 0;
}

static int entry_cmp(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int c = strcmp(a->ward, b->ward);

    return c ? c : night_bed_compare(a->bed, b->bed);
}

static int listed_cmp(const void *pa, const void *pb)
{
    const struct listed_row *a = pa, *b = pb;
    int c = strcmp(a->ward, b->ward);

    if (!c)
        c = night_bed_compare(a->bed, b->bed);
    return c ? c : strcmp(a->adm, b->adm);
}

/* Folds entry src into dst (the same bed); src's strings move over. */
static void entry_merge(struct entry *dst, struct entry *src)
{
    dst->approved |= src->approved;
    if (src->scanned && !dst->scanned) {
        dst->scanned = 1;
        dst->finding = src->finding;
        dst->identified = src->identified;
        dst->no_band = src->no_band;
        dst->no_id = src->no_id;
        dst->exam = src->exam;
        dst->scans = src->scans;
        src->finding = src->identified = NULL;
    }
    free(src->ward);
    free(src->finding);
    free(src->identified);
    memset(src, 0, sizeof(*src));
}

/* Reads the beds of the visit's site (or of st->ward_filter) into st. */
static int site_load(struct store *s, struct night *n, struct site *st, struct fc_error *err)
{
    const char *site_code = night_visit(n)->site_code;
    size_t out, li;
    int rc;

    rc = roster_foreach_ward(s, site_code, ward_cb, st, err);
    if (!rc)
        rc = load_listed(s, site_code, st, err);
    if (!rc)
        rc = night_foreach_bed(n, scanned_cb, st, err);
    if (rc)
        return rc;
    for (size_t w = 0; w < st->nwards; w++) {
        int64_t max =
            st->wards[w].bed_count < WARD_BEDS_MAX ? st->wards[w].bed_count : WARD_BEDS_MAX;
        for (int64_t b = 1; b <= max; b++) {
            char num[SCAN_REF_MAX];
            snprintf(num, sizeof(num), "%lld", (long long)b);
            entry_add(st, st->wards[w].code, num)->approved = 1;
        }
    }
    for (size_t i = 0; i < st->nlisted; i++)
        entry_add(st, st->listed[i].ward, st->listed[i].bed);
    qsort(st->e, st->n, sizeof(*st->e), entry_cmp);
    out = 0;
    for (size_t i = 0; i < st->n; i++) {
        if (out && !entry_cmp(&st->e[out - 1], &st->e[i])) {
            entry_merge(&st->e[out - 1], &st->e[i]);
            continue;
        }
        if (out != i) {
            st->e[out] = st->e[i];
            memset(&st->e[i], 0, sizeof(st->e[i]));
        }
        out++;
    }
    st->n = out;
    /* both lists are now in (ward, bed) order: give each bed its patients */
    qsort(st->listed, st->nlisted, sizeof(*st->listed), listed_cmp);
    li = 0;
    for (size_t i = 0; i < st->n; i++) {
        struct entry *e = &st->e[i];
        while (li < st->nlisted) {
            int c = strcmp(st->listed[li].ward, e->ward);
            if (!c)
                c = night_bed_compare(st->listed[li].bed, e->bed);
            if (c >= 0)
                break;
            li++;
        }
        e->first = li;
        while (li < st->nlisted && !strcmp(st->listed[li].ward, e->ward) &&
               !strcmp(st->listed[li].bed, e->bed))
            li++;
        e->nlisted = li - e->first;
    }
    return FC_OK;
}

static const struct verdict *bed_verdict(const struct entry *e)
{
    return e->scanned ? workflow_verdict_in(&night_workflow, e->finding, VERDICT_BED) : NULL;
}

/* Calls cb for entry e; the listed patients go in a scratch array. */
static int entry_emit(const struct site *st, const struct entry *e,
                      int (*cb)(const struct night_ward_bed *b, void *ctx), void *ctx)
{
    struct night_listed small[4], *listed = small;
    struct night_ward_bed b;
    int rc;

    if (e->nlisted > sizeof(small) / sizeof(small[0]))
        listed = xcalloc(e->nlisted, sizeof(*listed));
    for (size_t i = 0; i < e->nlisted; i++) {
        const struct listed_row *l = &st->listed[e->first + i];
        listed[i].admission_no = l->adm;
        listed[i].name = l->name;
        listed[i].id_number = l->id;
    }
    memset(&b, 0, sizeof(b));
    b.ward_code = e->ward;
    b.bed = e->bed;
    b.listed = listed;
    b.nlisted = e->nlisted;
    b.approved = e->approved;
    b.finding = e->scanned ? e->finding : "";
    b.verdict = bed_verdict(e);
    b.identified = e->scanned ? e->identified : "";
    b.no_wristband = e->no_band;
    b.no_id = e->no_id;
    b.exam = e->exam;
    b.scans = e->scans;
    rc = cb(&b, ctx);
    if (listed != small)
        free(listed);
    return rc;
}

/* ---- the API ------------------------------------------------------------ */

int night_foreach_ward(struct store *s, struct night *n,
                       int (*cb)(const struct night_ward *w, void *ctx), void *ctx,
                       struct fc_error *err)
{
    struct site st;
    size_t i = 0;
    int rc;

    memset(&st, 0, sizeof(st));
    rc = site_load(s, n, &st, err);
    for (size_t w = 0; !rc && w < st.nwards; w++) {
        struct night_ward out;

        memset(&out, 0, sizeof(out));
        out.ward_code = st.wards[w].code;
        out.name = st.wards[w].name;
        out.listed = st.wards[w].listed;
        /* entries are in ward order; skip those of wards not listed here */
        while (i < st.n && strcmp(st.e[i].ward, out.ward_code) < 0)
            i++;
        for (; i < st.n && !strcmp(st.e[i].ward, out.ward_code); i++) {
            const struct verdict *v = bed_verdict(&st.e[i]);
            out.beds++;
            out.visited += st.e[i].scanned;
            out.anomalies += v && v->cls == VERDICT_ANOMALY;
        }
        rc = cb(&out, ctx);
    }
    site_release(&st);
    return rc;
}

int night_foreach_ward_bed(struct store *s, struct night *n, const char *ward_code,
                           int (*cb)(const struct night_ward_bed *b, void *ctx), void *ctx,
                           struct fc_error *err)
{
    struct site st;
    int rc;

    memset(&st, 0, sizeof(st));
    st.ward_filter = ward_code ? ward_code : "";
    rc = site_load(s, n, &st, err);
    for (size_t i = 0; !rc && i < st.n; i++)
        rc = entry_emit(&st, &st.e[i], cb, ctx);
    site_release(&st);
    return rc;
}

int night_current_bed(struct store *s, struct night *n, char ward_code[SCAN_REF_MAX],
                      char bed[SCAN_REF_MAX], struct fc_error *err)
{
    sqlite3_stmt *q = NULL;
    int rc;

    ward_code[0] = bed[0] = '\0';
    rc = store_prepare(s, "SELECT ward_code, bed FROM night_context WHERE visit = ?1", &q, err);
    if (rc)
        return rc;
    store_bind_text(q, 1, night_visit(n)->id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        snprintf(ward_code, SCAN_REF_MAX, "%s", store_col_text(q, 0));
        snprintf(bed, SCAN_REF_MAX, "%s", store_col_text(q, 1));
        if (!bed[0])
            ward_code[0] = '\0';
        rc = FC_OK;
    } else {
        rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the current bed");
    }
    sqlite3_finalize(q);
    return rc;
}

int night_foreach_unscanned_bed(struct store *s, struct night *n,
                                int (*cb)(const struct night_ward_bed *b, void *ctx), void *ctx,
                                int64_t *n_out, struct fc_error *err)
{
    struct site st;
    int64_t count = 0;
    int rc, stop = 0;

    memset(&st, 0, sizeof(st));
    rc = site_load(s, n, &st, err);
    for (size_t i = 0; !rc && i < st.n;) {
        size_t end = i;
        int visited = 0;

        /* one ward at a time: does it have a scanned bed? */
        while (end < st.n && !strcmp(st.e[end].ward, st.e[i].ward))
            visited |= st.e[end++].scanned;
        for (; visited && i < end; i++) {
            if (st.e[i].scanned)
                continue;
            count++;
            if (cb && !stop) {
                stop = entry_emit(&st, &st.e[i], cb, ctx);
                if (stop < 0)
                    rc = stop;
            }
        }
        i = end;
    }
    if (n_out)
        *n_out = count;
    site_release(&st);
    return rc;
}
