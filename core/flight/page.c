/* Keyset paging over a flight visit's suspicion lines (core/flight_page.h).
 * Pages seek by susp_id on the reference table's primary-key index, with the
 * site test kept out of index selection (unary +), so page N costs the same
 * as page 1 instead of growing with an OFFSET, and no page sorts the site. */
#include "core/flight/page.h"
#include "core/flight/internal.h"

#include "core/base/buf.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rule_lines;

struct flight_pager {
    struct store *s;
    char visit[37];
    char site[64];
    /* the site's line index (index_build), built on first use */
    int indexed;
    char *arena;       /* "susp_id\0rule_code\0" per line */
    char **ids;        /* n susp_ids into arena, sorted */
    uint32_t *rule_of; /* per sorted line: index into rules */
    size_t n;
    struct rule_lines *rules; /* nrules distinct rule codes, sorted */
    size_t nrules;
    /* the inspectors lines are assigned to, valid while the event log ends at
     * inspectors_seq (assignments are events) */
    char **inspectors;
    size_t ninspectors;
    int64_t inspectors_seq;
};

/* ?3 rule, ?4 state name, ?5 inspector; NULL does not filter. */
#define PAGE_FILTER                                           \
    " AND (?3 IS NULL OR s.rule_code = ?3)"                   \
    " AND (?4 IS NULL OR COALESCE(st.state, 'PENDING') = ?4)" \
    " AND (?5 IS NULL OR st.inspector = ?5)"

int flight_pager_open(struct store *s, const char *visit_id, struct flight_pager **out,
                      struct fc_error *err)
{
    struct flight_pager *p = NULL;
    struct visit v;
    int rc;

    *out = NULL;
    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_id, &v, err);
    if (rc)
        goto out;
    rc = flight_prepare(s, &v, 0, err);
    if (rc)
        goto out;
    p = xcalloc(1, sizeof(*p));
    p->s = s;
    snprintf(p->visit, sizeof(p->visit), "%s", v.id);
    snprintf(p->site, sizeof(p->site), "%s", v.site_code);
    *out = p;
out:
    visit_release(&v);
    return rc;
}

static void index_release(struct flight_pager *p);
static void inspectors_release(struct flight_pager *p);

void flight_pager_free(struct flight_pager *p)
{
    if (!p)
        return;
    index_release(p);
    inspectors_release(p);
    free(p);
}

const char *flight_pager_visit(const struct flight_pager *p)
{
    return p->visit;
}

const char *flight_pager_site(const struct flight_pager *p)
{
    return p->site;
}

/* Binds ?1 visit, ?2 site and the filter; FC_EUSAGE for a bad state. */
static int bind_filter(struct flight_pager *p, sqlite3_stmt *st, const struct flight_filter *filter,
                       struct fc_error *err)
{
    enum flight_state want = FLIGHT_PENDING;

    if (filter && filter->state && flight_state_parse(filter->state, &want))
        return fc_error_set(err, FC_EUSAGE,
                            "unknown state '%s' (CONFIRMED, PARTIAL, REFUTED or PENDING)",
                            filter->state);
    store_bind_text(st, 1, p->visit);
    store_bind_text(st, 2, p->site);
    store_bind_text(st, 3, filter && filter->rule && filter->rule[0] ? filter->rule : NULL);
    store_bind_text(st, 4, filter && filter->state ? flight_state_name(want) : NULL);
    store_bind_text(st, 5,
                    filter && filter->inspector && filter->inspector[0] ? filter->inspector : NULL);
    return FC_OK;
}

/* --- the site's line index ------------------------------------------------
 * Built once per pager from one pass over the site's lines: their susp_ids
 * sorted (as SQLite's BINARY collation sorts them) and, per rule code, the
 * positions of its lines. Counts and positions without a state or inspector
 * filter are then binary searches, and the worksheet-state part of a filter
 * is read from suspicion_state through its (visit, state) and
 * (visit, inspector) indexes: its cost follows the number of verdicts, not
 * the number of lines. Reference data never changes under a visit. */

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The number of ids sorting before key (lower bound). */
static size_t ids_before(char *const *ids, size_t n, const char *key)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ids[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The index of key in ids, or -1. */
static long ids_find(char *const *ids, size_t n, const char *key)
{
    size_t i = ids_before(ids, n, key);

    return i < n && !strcmp(ids[i], key) ? (long)i : -1;
}

/* The number of entries of a sorted position list below limit. */
static size_t pos_before(const uint32_t *pos, size_t n, size_t limit)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pos[mid] < limit)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct rule_lines {
    char *code;
    uint32_t *pos; /* ascending line positions */
    size_t n;
};

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const struct rule_lines *)a)->code, ((const struct rule_lines *)b)->code);
}

static void index_release(struct flight_pager *p)
{
    for (size_t i = 0; i < p->nrules; i++) {
        free(p->rules[i].code);
        free(p->rules[i].pos);
    }
    free(p->rules);
    free(p->ids);
    free(p->rule_of);
    free(p->arena);
    p->rules = NULL;
    p->ids = NULL;
    p->rule_of = NULL;
    p->arena = NULL;
    p->n = p->nrules = 0;
    p->indexed = 0;
}

/* Reads the site's (susp_id, rule_code) pairs into p's index. */
static int index_build(struct flight_pager *p, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    struct buf arena = BUF_INIT;
    size_t *offs = NULL, cap = 0, i;
    int rc;

    if (p->indexed)
        return FC_OK;
    /* the table in storage order: cheaper than the site index's row lookups
     * when one site fills the mission, sorted below */
    rc = store_prepare(p->s,
                       "SELECT susp_id, COALESCE(rule_code, '') FROM ref.suspicion"
                       " WHERE +site_code = ?1",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, p->site);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->n == cap) {
            cap = cap ? cap * 2 : 1024;
            offs = xreallocarray(offs, cap, sizeof(*offs));
        }
        offs[p->n] = arena.len;
        buf_adds(&arena, store_col_text(st, 0));
        buf_addch(&arena, '\0');
        buf_adds(&arena, store_col_text(st, 1));
        buf_addch(&arena, '\0');
        p->n++;
    }
    if (rc != SQLITE_DONE) {
        rc = store_fail(p->s, err, "cannot read suspicion lines");
        p->n = 0;
        goto out;
    }
    rc = FC_OK;
    p->arena = buf_detach(&arena, NULL);
    /* pointers into the arena, each id followed by its rule code */
    p->ids = xreallocarray(NULL, p->n ? p->n : 1, sizeof(*p->ids));
    for (i = 0; i < p->n; i++)
        p->ids[i] = p->arena + offs[i];
    qsort(p->ids, p->n, sizeof(*p->ids), cmp_str_ptr);
    /* distinct rule codes, sorted */
    p->rule_of = xreallocarray(NULL, p->n ? p->n : 1, sizeof(*p->rule_of));
    for (i = 0; i < p->n; i++) {
        const char *code = p->ids[i] + strlen(p->ids[i]) + 1;
        struct rule_lines key = {(char *)code, NULL, 0}, *hit = NULL;

        if (p->nrules)
            hit = bsearch(&key, p->rules, p->nrules, sizeof(*p->rules), cmp_rule);
        if (!hit) {
            p->rules = xreallocarray(p->rules, p->nrules + 1, sizeof(*p->rules));
            p->rules[p->nrules].code = xstrdup(code);
            p->rules[p->nrules].pos = NULL;
            p->rules[p->nrules].n = 0;
            p->nrules++;
            qsort(p->rules, p->nrules, sizeof(*p->rules), cmp_rule);
            hit = bsearch(&key, p->rules, p->nrules, sizeof(*p->rules), cmp_rule);
        }
        hit->n++;
    }
    /* rule indexes are final now: the position lists, ascending */
    for (i = 0; i < p->nrules; i++) {
        p->rules[i].pos = xreallocarray(NULL, p->rules[i].n ? p->rules[i].n : 1, sizeof(uint32_t));
        p->rules[i].n = 0;
    }
    for (i = 0; i < p->n; i++) {
        const char *code = p->ids[i] + strlen(p->ids[i]) + 1;
        struct rule_lines key = {(char *)code, NULL, 0}, *hit;

        hit = bsearch(&key, p->rules, p->nrules, sizeof(*p->rules), cmp_rule);
        p->rule_of[i] = (uint32_t)(hit - p->rules);
        hit->pos[hit->n++] = (uint32_t)i;
    }
    p->indexed = 1;
out:
    sqlite3_finalize(st);
    buf_release(&arena);
    free(offs);
    if (rc)
        index_release(p);
    return rc;
}

/* The rule filter as an index into p->rules: -1 for none, -2 for a rule no
 * line of the site has. */
static long rule_index(const struct flight_pager *p, const struct flight_filter *filter)
{
    struct rule_lines key, *hit;

    if (!filter || !filter->rule || !filter->rule[0])
        return -1;
    if (!p->nrules)
        return -2;
    key.code = (char *)filter->rule;
    hit = bsearch(&key, p->rules, p->nrules, sizeof(*p->rules), cmp_rule);
    return hit ? hit - p->rules : -2;
}

/* Lines of the rule (or all) at positions below limit. */
static long base_before(const struct flight_pager *p, long rule, size_t limit)
{
    if (rule == -2)
        return 0;
    if (rule < 0)
        return (long)(limit < p->n ? limit : p->n);
    return (long)pos_before(p->rules[rule].pos, p->rules[rule].n, limit);
}

/* Counts the susp_ids sql yields (bound ?1 visit, ?2 value) that are lines
 * of the site, of the rule (unless -1), at positions below limit. */
static int state_rows(struct flight_pager *p, const char *sql, const char *value, long rule,
                      const char *state, size_t limit, long *n, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    *n = 0;
    rc = store_prepare(p->s, sql, &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, p->visit);
    store_bind_text(st, 2, value);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long i = ids_find(p->ids, p->n, store_col_text(st, 0));

        if (i < 0 || (size_t)i >= limit || (rule >= 0 && p->rule_of[i] != (uint32_t)rule))
            continue;
        if (state && strcmp(store_col_text(st, 1), state))
            continue;
        (*n)++;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(p->s, err, "cannot count suspicion lines");
    sqlite3_finalize(st);
    return rc;
}

/* Lines matching filter at positions below limit (p->n: all of them). */
static int count_before(struct flight_pager *p, const struct flight_filter *filter, size_t limit,
                        long *n, struct fc_error *err)
{
    enum flight_state want = FLIGHT_PENDING;
    const char *state = NULL, *insp;
    long rule, done = 0;
    int rc;

    *n = 0;
    if (filter && filter->state) {
        if (flight_state_parse(filter->state, &want))
            return fc_error_set(err, FC_EUSAGE,
                                "unknown state '%s' (CONFIRMED, PARTIAL, REFUTED or PENDING)",
                                filter->state);
        state = flight_state_name(want);
    }
    rc = index_build(p, err);
    if (rc)
        return rc;
    rule = rule_index(p, filter);
    insp = filter && filter->inspector && filter->inspector[0] ? filter->inspector : NULL;
    if (rule == -2)
        return FC_OK;
    if (insp) /* only lines with a worksheet row have an inspector */
        return state_rows(p,
                          "SELECT susp_id, state FROM suspicion_state"
                          " WHERE visit = ?1 AND inspector = ?2",
                          insp, rule, state, limit, n, err);
    if (state && want != FLIGHT_PENDING)
        return state_rows(p,
                          "SELECT susp_id, state FROM suspicion_state"
                          " WHERE visit = ?1 AND state = ?2",
                          state, rule, NULL, limit, n, err);
    *n = base_before(p, rule, limit);
    if (!state)
        return FC_OK;
    /* PENDING: every line less those with another state */
    rc = state_rows(p,
                    "SELECT susp_id, state FROM suspicion_state"
                    " WHERE visit = ?1 AND state IN ('CONFIRMED', 'PARTIAL', 'REFUTED')"
                    " AND ?2 IS NULL",
                    NULL, rule, NULL, limit, &done, err);
    *n -= done;
    return rc;
}

int flight_pager_count(struct flight_pager *p, const struct flight_filter *filter, long *n,
                       struct fc_error *err)
{
    return count_before(p, filter, SIZE_MAX, n, err);
}

int flight_pager_position(struct flight_pager *p, const struct flight_filter *filter,
                          const char *susp_id, long *pos, struct fc_error *err)
{
    int rc = index_build(p, err);

    *pos = 0;
    if (rc)
        return rc;
    return count_before(p, filter, ids_before(p->ids, p->n, susp_id ? susp_id : ""), pos, err);
}

int flight_pager_page(struct flight_pager *p, const struct flight_filter *filter, const char *key,
                      enum flight_seek seek, size_t limit,
                      int (*cb)(const struct flight_line *l, void *ctx), void *ctx,
                      struct fc_error *err)
{
    static const char *const key_test[] = {
        [FLIGHT_SEEK_FROM] = " AND s.susp_id >= ?6",
        [FLIGHT_SEEK_AFTER] = " AND s.susp_id > ?6",
        [FLIGHT_SEEK_BEFORE] = " AND s.susp_id < ?6",
    };
    struct buf sql = BUF_INIT;
    sqlite3_stmt *st = NULL;
    int rc;

    if ((unsigned)seek > FLIGHT_SEEK_BEFORE)
        return fc_error_set(err, FC_EUSAGE, "bad page direction %d", (int)seek);
    buf_addf(&sql,
             "SELECT " FLIGHT_LINE_COLS FLIGHT_LINE_FROM " WHERE +s.site_code = ?2" PAGE_FILTER
             "%s",
             key ? key_test[seek] : "");
    buf_addf(&sql, " ORDER BY s.susp_id%s LIMIT ?7", seek == FLIGHT_SEEK_BEFORE ? " DESC" : "");
    rc = store_prepare(p->s, sql.ptr, &st, err);
    if (rc)
        goto out;
    rc = bind_filter(p, st, filter, err);
    if (rc)
        goto out;
    if (key)
        store_bind_text(st, 6, key);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)(limit > INT32_MAX ? INT32_MAX : limit));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct flight_line l;

        flight_line_read(st, &l);
        rc = cb(&l, ctx);
        if (rc)
            goto out;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(p->s, err, "cannot read suspicion lines");
out:
    sqlite3_finalize(st);
    buf_release(&sql);
    return rc;
}

int flight_pager_lookup(struct flight_pager *p, const char *code, char *out, size_t cap,
                        struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (cap)
        out[0] = '\0';
    /* the id first: a primary-key probe; settlement ids need a scan */
    rc = store_prepare(p->s,
                       "SELECT susp_id FROM ref.suspicion WHERE site_code = ?1 AND susp_id = ?2"
                       " UNION ALL SELECT * FROM (SELECT susp_id FROM ref.suspicion"
                       " WHERE +site_code = ?1 AND setl_id = ?2 ORDER BY susp_id) LIMIT 1",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, p->site);
    store_bind_text(st, 2, code);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(out, cap, "%s", store_col_text(st, 0));
        rc = FC_OK;
    } else if (rc == SQLITE_DONE) {
        rc = fc_error_set(err, FC_ENOTFOUND, "no suspicion line or settlement '%s' at site '%s'",
                          code, p->site);
    } else {
        rc = store_fail(p->s, err, "cannot read suspicion lines");
    }
out:
    sqlite3_finalize(st);
    return rc;
}

static void inspectors_release(struct flight_pager *p)
{
    for (size_t i = 0; i < p->ninspectors; i++)
        free(p->inspectors[i]);
    free(p->inspectors);
    p->inspectors = NULL;
    p->ninspectors = 0;
}

/* The last event's seq: the inspector list can only change with an event. */
static int last_event_seq(struct flight_pager *p, int64_t *seq, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(p->s, "SELECT COALESCE(max(seq), 0) FROM event", &st, err);

    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    else
        rc = store_fail(p->s, err, "cannot read the event log");
    sqlite3_finalize(st);
    return rc;
}

static int inspectors_load(struct flight_pager *p, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t seq = 0;
    int rc = last_event_seq(p, &seq, err);

    if (rc || (p->inspectors && seq == p->inspectors_seq))
        return rc;
    inspectors_release(p);
    rc = store_prepare(p->s,
                       "SELECT DISTINCT inspector FROM suspicion_state WHERE visit = ?1"
                       " AND inspector <> '' ORDER BY 1",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, p->visit);
    p->inspectors = xmalloc(sizeof(*p->inspectors)); /* non-NULL marks the list loaded */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        p->inspectors = xreallocarray(p->inspectors, p->ninspectors + 1, sizeof(*p->inspectors));
        p->inspectors[p->ninspectors++] = xstrdup(store_col_text(st, 0));
    }
    if (rc == SQLITE_DONE) {
        rc = FC_OK;
        p->inspectors_seq = seq;
    } else {
        rc = store_fail(p->s, err, "cannot read suspicion lines");
        inspectors_release(p);
    }
    sqlite3_finalize(st);
    return rc;
}

int flight_pager_distinct(struct flight_pager *p, const char *what,
                          int (*cb)(const char *value, void *ctx), void *ctx, struct fc_error *err)
{
    int rc;

    if (!strcmp(what, "rule")) {
        rc = index_build(p, err);
        for (size_t i = 0; !rc && i < p->nrules; i++)
            if (p->rules[i].code[0])
                rc = cb(p->rules[i].code, ctx);
        return rc;
    }
    if (strcmp(what, "inspector"))
        return fc_error_set(err, FC_EUSAGE, "cannot list distinct '%s'", what);
    rc = inspectors_load(p, err);
    for (size_t i = 0; !rc && i < p->ninspectors; i++)
        rc = cb(p->inspectors[i], ctx);
    return rc;
}
