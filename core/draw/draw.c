/* The draw itself (docs/draw.md §2-§3): a SHA-256 counter-mode stream keyed
 * by the published seed, uniform integers by rejection sampling, and
 * partial Fisher-Yates shuffles over inputs in a canonical order (site code,
 * inspector id), so the result depends on what the files say and never on
 * the order of their rows. Nothing here reads a clock or a database. */
#include "core/draw/draw.h"

#include "core/base/clock.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char draw_tag[] = DRAW_ALGORITHM;

void draw_stream_init(struct draw_stream *s, const void *seed, size_t len)
{
    struct hash_ctx h;
    unsigned char zero = 0;

    memset(s, 0, sizeof(*s));
    hash_init(&h);
    hash_update(&h, draw_tag, sizeof(draw_tag) - 1);
    hash_update(&h, &zero, 1);
    hash_update(&h, seed, len);
    hash_final(&h, s->key);
    s->used = HASH_LEN;
}

uint32_t draw_stream_u32(struct draw_stream *s)
{
    uint32_t v;

    if (s->used + 4 > HASH_LEN) {
        struct hash_ctx h;
        unsigned char be[8];

        for (int i = 0; i < 8; i++)
            be[i] = (unsigned char)(s->counter >> (56 - 8 * i));
        hash_init(&h);
        hash_update(&h, s->key, HASH_LEN);
        hash_update(&h, be, 8);
        hash_final(&h, s->block);
        s->counter++;
        s->used = 0;
    }
    v = (uint32_t)s->block[s->used] << 24 | (uint32_t)s->block[s->used + 1] << 16 |
        (uint32_t)s->block[s->used + 2] << 8 | (uint32_t)s->block[s->used + 3];
    s->used += 4;
    return v;
}

static uint32_t uniform_counted(struct draw_stream *s, uint32_t n, uint64_t *draws)
{
    uint64_t limit = ((uint64_t)1 << 32) - (((uint64_t)1 << 32) % n);

    for (;;) {
        uint32_t x = draw_stream_u32(s);
        (*draws)++;
        if (x < limit)
            return x % n;
    }
}

uint32_t draw_uniform(struct draw_stream *s, uint32_t n)
{
    uint64_t draws = 0;

    if (n == 0)
        BUG("draw_uniform(0)");
    return uniform_counted(s, n, &draws);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int draw_seed_normalize(const char *text, char *out, struct fc_error *err)
{
    const char *a = text ? text : "", *b;
    size_t n;

    while (*a && is_space(*a))
        a++;
    b = a + strlen(a);
    while (b > a && is_space(b[-1]))
        b--;
    n = (size_t)(b - a);
    if (!n)
        return fc_error_set(err, FC_EUSAGE, "the seed is empty: type the published seed");
    if (n > DRAW_MAX_SEED)
        return fc_error_set(err, FC_EUSAGE, "the seed is longer than %d bytes", DRAW_MAX_SEED);
    if (!utf8_is_valid(a, n, NULL) || memchr(a, '\0', n))
        return fc_error_set(err, FC_EUSAGE, "the seed is not UTF-8 text");
    memcpy(out, a, n);
    out[n] = 0;
    return FC_OK;
}

/* ---- the draw ------------------------------------------------------------------- */

static int64_t day_of(const char *date)
{
    int y = 0, m = 0, d = 0;

    if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || !clock_is_valid_date(y, m, d))
        return INT64_MIN;
    return clock_days_from_civil(y, (unsigned)m, (unsigned)d);
}

/* The latest known inspection of target t: its file column, or a later one
 * from the extra list (bsearch-free: the list is small). */
static const char *last_inspection(const struct draw_input *in, const struct draw_target *t)
{
    const char *best = t->last_inspected[0] ? t->last_inspected : NULL;

    for (size_t i = 0; i < in->ninspected; i++)
        if (!strcmp(in->inspected[i].site_code, t->site_code) &&
            (!best || strcmp(in->inspected[i].date, best) > 0))
            best = in->inspected[i].date;
    return best;
}

static const struct draw_input *rank_in; /* qsort context */

static int by_rank(const void *a, const void *b)
{
    const struct draw_target *x = &rank_in->targets[*(const size_t *)a];
    const struct draw_target *y = &rank_in->targets[*(const size_t *)b];

    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    return strcmp(x->site_code, y->site_code);
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int region_conflict(const struct draw_input *in, const struct draw_inspector *p,
                           const struct draw_target *t)
{
    int k = (int)in->params.cross;

    return k && !strncmp(p->region_code, t->region_code, (size_t)k);
}

static int in_conflict(const struct draw_input *in, const struct draw_inspector *p,
                       const struct draw_target *t)
{
    for (size_t i = 0; i < p->nconflicts; i++)
        if (!strcmp(p->conflicts[i], t->site_code))
            return 1;
    return region_conflict(in, p, t);
}

void draw_result_release(struct draw_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->npicks; i++)
        free(r->picks[i].members);
    free(r->picks);
    free(r->excluded);
    memset(r, 0, sizeof(*r));
}

/* Checks what the draw relies on: targets in strictly increasing site code
 * order, inspectors in strictly increasing id order (the readers sort and
 * refuse repeats), regions where a cross-region draw compares them. */
static int check_input(const struct draw_input *in, struct fc_error *err)
{
    const struct draw_params *p = &in->params;

    if (!p->nquotas)
        return fc_error_set(err, FC_EUSAGE, "nothing to draw: give --count");
    if (p->team_size == 1 || p->team_size < 0)
        return fc_error_set(err, FC_EUSAGE,
                            "a team has at least two officers (--team-size 2 or more)");
    if (p->exclude_days && day_of(p->date) == INT64_MIN)
        return fc_error_set(err, FC_EUSAGE, "the draw's date '%s' is not a date", p->date);
    for (size_t i = 1; i < in->ntargets; i++)
        if (strcmp(in->targets[i - 1].site_code, in->targets[i].site_code) >= 0)
            BUG("targets are not in site code order");
    for (size_t i = 1; i < in->ninspectors; i++)
        if (strcmp(in->inspectors[i - 1].id, in->inspectors[i].id) >= 0)
            BUG("inspectors are not in id order");
    if (p->cross && p->team_size) {
        for (size_t i = 0; i < in->ntargets; i++)
            if (strlen(in->targets[i].region_code) < (size_t)p->cross)
                return fc_error_set(err, FC_EINPUT,
                                    "target '%s' has no region code, which a cross-region draw "
                                    "compares",
                                    in->targets[i].site_code);
        for (size_t i = 0; i < in->ninspectors; i++)
            if (strlen(in->inspectors[i].region_code) < (size_t)p->cross)
                return fc_error_set(err, FC_EINPUT,
                                    "inspector '%s' has no region code, which a cross-region "
                                    "draw compares",
                                    in->inspectors[i].id);
    }
    return FC_OK;
}

int draw_run(const struct draw_input *in, struct draw_result *out, struct fc_error *err)
{
    const struct draw_params *p = &in->params;
    struct draw_stream s;
    unsigned char *excluded = NULL, *picked = NULL, *busy = NULL;
    size_t *pool = NULL, *elig = NULL;
    int64_t today = p->exclude_days ? day_of(p->date) : 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = check_input(in, err);
    if (rc)
        return rc;
    excluded = xcalloc(in->ntargets + 1, 1);
    picked = xcalloc(in->ntargets + 1, 1);
    busy = xcalloc(in->ninspectors + 1, 1);
    pool = xcalloc(in->ntargets + 1, sizeof(*pool));
    elig = xcalloc(in->ninspectors + 1, sizeof(*elig));
    draw_stream_init(&s, in->seed, strlen(in->seed));

    /* 1. exclusion: inspected fewer than exclude_days days before the date */
    for (size_t i = 0; i < in->ntargets; i++) {
        const char *last = p->exclude_days ? last_inspection(in, &in->targets[i]) : NULL;
        int64_t d = last ? day_of(last) : INT64_MIN;

        if (d != INT64_MIN && today - d < p->exclude_days) {
            excluded[i] = 1;
            out->excluded =
                xreallocarray(out->excluded, out->nexcluded + 1, sizeof(*out->excluded));
            out->excluded[out->nexcluded].target = i;
            snprintf(out->excluded[out->nexcluded].date, sizeof(out->excluded[0].date), "%s", last);
            out->nexcluded++;
        } else {
            out->candidates++;
        }
    }

    /* 2. targets, quota by quota (kinds in name order) */
    for (size_t q = 0; q < p->nquotas && !rc; q++) {
        const struct draw_quota *qu = &p->quotas[q];
        size_t m = 0;

        for (size_t i = 0; i < in->ntargets; i++)
            if (!excluded[i] && !picked[i] &&
                (!qu->kind[0] || !strcmp(qu->kind, in->targets[i].kind)))
                pool[m++] = i;
        if (p->top > 0 && (size_t)p->top < m) {
            rank_in = in;
            qsort(pool, m, sizeof(*pool), by_rank);
            rank_in = NULL;
            m = (size_t)p->top;
            qsort(pool, m, sizeof(*pool), by_index);
        }
        if (m < (size_t)qu->count) {
            rc = qu->kind[0] ? fc_error_set(err, FC_EINPUT,
                                            "only %zu candidate(s) of kind %s to draw %d from", m,
                                            qu->kind, qu->count)
                             : fc_error_set(err, FC_EINPUT, "only %zu candidate(s) to draw %d from",
                                            m, qu->count);
            break;
        }
        for (int k = 0; k < qu->count; k++) {
            size_t j = (size_t)k + uniform_counted(&s, (uint32_t)(m - (size_t)k), &out->draws);
            size_t t = pool[k];
            struct draw_pick *pk;

            pool[k] = pool[j];
            pool[j] = t;
            picked[pool[k]] = 1;
            out->picks = xreallocarray(out->picks, out->npicks + 1, sizeof(*out->picks));
            pk = &out->picks[out->npicks++];
            pk->target = pool[k];
            pk->quota = q;
            pk->members = NULL;
        }
    }

    /* 3. a team for each target, in drawn order, from the inspectors left
     * who have no conflict with it */
    for (size_t k = 0; k < out->npicks && !rc && p->team_size; k++) {
        struct draw_pick *pk = &out->picks[k];
        const struct draw_target *t = &in->targets[pk->target];
        size_t m = 0;

        for (size_t i = 0; i < in->ninspectors; i++)
            if (!busy[i] && !in_conflict(in, &in->inspectors[i], t))
                elig[m++] = i;
        if (m < (size_t)p->team_size) {
            rc = fc_error_set(err, FC_EINPUT,
                              "only %zu inspector(s) left without a conflict for '%s' (%s); a "
                              "team needs %d",
                              m, t->site_code, t->site_name, p->team_size);
            break;
        }
        pk->members = xcalloc((size_t)p->team_size, sizeof(*pk->members));
        for (int r = 0; r < p->team_size; r++) {
            size_t j = (size_t)r + uniform_counted(&s, (uint32_t)(m - (size_t)r), &out->draws);
            size_t x = elig[r];

            elig[r] = elig[j];
            elig[j] = x;
            pk->members[r] = elig[r];
            busy[elig[r]] = 1;
        }
    }
    if (rc)
        draw_result_release(out);
    free(excluded);
    free(picked);
    free(busy);
    free(pool);
    free(elig);
    return rc;
}

void draw_pool_digest(const struct draw_target *t, size_t n, char out[HASH_HEX_LEN + 1])
{
    struct hash_ctx h;
    unsigned char d[HASH_LEN];

    hash_init(&h);
    for (size_t i = 0; i < n; i++) {
        const char *f[4] = {t[i].site_code, t[i].site_name, t[i].kind, t[i].region_code};
        for (int k = 0; k < 4; k++) {
            hash_update(&h, f[k], strlen(f[k]));
            hash_update(&h, k < 3 ? "\t" : "\n", 1);
        }
    }
    hash_final(&h, d);
    hash_to_hex(out, d, HASH_LEN);
}
