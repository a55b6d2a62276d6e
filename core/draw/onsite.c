/* The on-site draw (docs/draw.md §6): on arrival the team draws its
 * institutions from the mission's sites (the candidate pool HQ signed into
 * the pack) with a seed it announces, offline. The draw is recorded as an
 * event, so the bundle carries it to HQ with the seed, the pool's digest and
 * the result; anyone holding the pack's sites.csv can re-derive it. */
#include "core/draw/onsite.h"

#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/ident/ident.h"
#include "core/store/event.h"
#include "core/store/hash.h"
#include "core/store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int newest_mission(const struct mission_info *m, void *ctx)
{
    struct mission_info *best = ctx;

    if (!best->mission_id[0] || strcmp(m->loaded_at, best->loaded_at) > 0)
        *best = *m;
    return 0;
}

int draw_pool_load(struct store *s, const char *mission_id, const char *region,
                   struct draw_target **out, size_t *n, struct mission_info *mi,
                   struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    struct draw_target *v = NULL;
    size_t nv = 0;
    int rc;

    *out = NULL;
    *n = 0;
    memset(mi, 0, sizeof(*mi));
    if (mission_id)
        rc = mission_get(s, mission_id, mi, err);
    else {
        rc = mission_foreach(s, newest_mission, mi, err);
        if (!rc && !mi->mission_id[0])
            rc = fc_error_set(err, FC_ENOTFOUND, "no mission is loaded: load the pack first");
    }
    if (!rc)
        rc = mission_attach(s, mi->mission_id, mi->version, err);
    if (!rc)
        rc = store_prepare(s,
                           "SELECT site_code, site_name, site_kind, coalesce(region_code, ''),"
                           " coalesce(region_name, '') FROM ref.site ORDER BY site_code",
                           &st, err);
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *code = store_col_text(st, 0), *rcode = store_col_text(st, 3);
        struct draw_target *t;

        if (region && strncmp(rcode, region, strlen(region)))
            continue;
        v = xreallocarray(v, nv + 1, sizeof(*v));
        t = &v[nv++];
        memset(t, 0, sizeof(*t));
        t->site_code = xstrdup(code);
        t->site_name = xstrdup(store_col_text(st, 1));
        t->kind = xstrdup(ident_site_kind_name(ident_site_kind_parse(store_col_text(st, 2))));
        t->region_code = xstrdup(rcode);
        t->region_name = xstrdup(store_col_text(st, 4));
        t->rank = -1;
    }
    sqlite3_finalize(st);
    if (!rc && !nv)
        rc = region
                 ? fc_error_set(err, FC_ENOTFOUND,
                                "mission '%s' lists no institution in region %s to draw from",
                                mi->mission_id, region)
                 : fc_error_set(err, FC_ENOTFOUND, "mission '%s' lists no institution to draw from",
                                mi->mission_id);
    if (rc) {
        draw_targets_free(v, nv);
        return rc;
    }
    *out = v;
    *n = nv;
    return FC_OK;
}

void draw_onsite_release(struct draw_onsite *d)
{
    if (!d)
        return;
    draw_result_release(&d->result);
    draw_targets_free(d->pool, d->npool);
    free(d->payload);
    memset(d, 0, sizeof(*d));
}

int draw_onsite_prepare(struct store *s, const struct draw_onsite_args *a, struct draw_onsite *out,
                        struct fc_error *err)
{
    struct draw_input in;
    char seed[DRAW_MAX_SEED + 1];
    json_t *count = NULL, *result = NULL, *obj = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&in, 0, sizeof(in));
    rc = draw_seed_normalize(a->seed, seed, err);
    if (!rc)
        rc = draw_quotas_parse(a->count, &in.params, err);
    if (!rc)
        rc = draw_pool_load(s, a->mission_id, a->region, &out->pool, &out->npool, &out->mission,
                            err);
    if (rc)
        goto out;
    in.targets = out->pool;
    in.ntargets = out->npool;
    in.seed = seed;
    rc = draw_run(&in, &out->result, err);
    if (rc)
        goto out;
    draw_pool_digest(out->pool, out->npool, out->pool_sha256);
    count = json_array();
    for (size_t i = 0; i < in.params.nquotas; i++)
        json_array_append_new(count, json_pack("{s:s, s:i}", "kind", in.params.quotas[i].kind, "n",
                                               in.params.quotas[i].count));
    result = json_array();
    for (size_t i = 0; i < out->result.npicks; i++) {
        const struct draw_target *t = &out->pool[out->result.picks[i].target];
        json_array_append_new(result,
                              json_pack("{s:I, s:s, s:s, s:s, s:s}", "order", (json_int_t)(i + 1),
                                        "site_code", t->site_code, "site_name", t->site_name,
                                        "kind", t->kind, "region_code", t->region_code));
    }
    obj = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:O, s:O, s:I}", "algorithm",
                    DRAW_ALGORITHM, "seed", seed, "mission_id", out->mission.mission_id,
                    "mission_version", (json_int_t)out->mission.version, "mission_sha256",
                    out->mission.sha256, "pool_sha256", out->pool_sha256, "pool_size",
                    (json_int_t)out->npool, "region", a->region ? a->region : "", "count", count,
                    "result", result, "stream_draws", (json_int_t)out->result.draws);
    if (!obj) {
        rc = fc_error_set(err, FC_EINPUT, "the draw's fields are not valid UTF-8");
        goto out;
    }
    out->payload = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    {
        unsigned char h[HASH_LEN];
        hash_sha256(h, out->payload, strlen(out->payload));
        hash_to_hex(out->record_sha256, h, HASH_LEN);
    }
out:
    json_decref(count);
    json_decref(result);
    json_decref(obj);
    if (rc)
        draw_onsite_release(out);
    return rc;
}

int draw_onsite_record(struct store *s, const struct draw_onsite *d, int64_t at_ms,
                       struct fc_error *err)
{
    int rc = store_begin(s, err);

    if (!rc)
        rc = event_append(s, NULL, at_ms ? at_ms : clock_now_ms(), "draw", d->mission.mission_id,
                          d->payload, NULL, err);
    if (!rc)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}

int draw_onsite_run(struct store *s, const struct draw_onsite_args *a, struct draw_onsite *out,
                    struct fc_error *err)
{
    int rc = draw_onsite_prepare(s, a, out, err);

    if (!rc)
        rc = draw_onsite_record(s, out, a->at_ms, err);
    if (rc)
        draw_onsite_release(out);
    return rc;
}
