/* hq draw: inputs, HQ's own inspections, the draw, and its record signed
 * with HQ's key; verification re-derives the draw from the record alone plus
 * the two input files, so a draw published with its seed can be checked by
 * anyone holding the files (docs/draw.md). Team packs reuse hq pack on a
 * copy of the mission folder cut down to the team's institution: a team
 * never carries another team's targets. */
#include "sync/hqdraw.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/mission/csv.h"
#include "sync/codec.h"
#include "sync/pack.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD_DOMAIN "fieldcheck-draw-record-v1"
#define RECORD_MAX (16u << 20)

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* ---- HQ's own inspections ------------------------------------------------------- */

struct inspected_list {
    struct draw_inspected *v;
    size_t n;
};

static int inspected_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct inspected_list *l = ctx;

    (void)n;
    l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    hqdb_col_text(&c[0], l->v[l->n].site_code, sizeof(l->v[0].site_code));
    hqdb_col_text(&c[1], l->v[l->n].date, sizeof(l->v[0].date));
    l->n++;
    return 0;
}

/* The latest visit HQ holds for each of the targets (local date). */
static int hq_inspections(struct hq *hq, const struct draw_target *t, size_t nt,
                          struct inspected_list *out, struct fc_error *err)
{
    struct inspected_list all = {NULL, 0};
    size_t k = 0;
    int rc = hqdb_query(hq->db,
                        "SELECT site_code, max(substr(opened_local, 1, 10)) FROM visit"
                        " WHERE site_code IS NOT NULL AND opened_local IS NOT NULL"
                        " GROUP BY site_code ORDER BY site_code",
                        NULL, 0, inspected_row, &all, err);

    /* both lists are in site code order: keep the targets' */
    for (size_t i = 0; !rc && i < all.n; i++) {
        while (k < nt && strcmp(t[k].site_code, all.v[i].site_code) < 0)
            k++;
        if (k < nt && !strcmp(t[k].site_code, all.v[i].site_code)) {
            out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
            out->v[out->n++] = all.v[i];
        }
    }
    free(all.v);
    return rc;
}

/* ---- record ---------------------------------------------------------------------- */

static json_t *params_json(const struct draw_params *p)
{
    json_t *count = json_array();

    for (size_t i = 0; i < p->nquotas; i++)
        json_array_append_new(
            count, json_pack("{s:s, s:i}", "kind", p->quotas[i].kind, "n", p->quotas[i].count));
    return json_pack("{s:o, s:i, s:i, s:i, s:s}", "count", count, "team_size", p->team_size,
                     "exclude_days", p->exclude_days, "top", p->top, "cross_region",
                     draw_cross_name(p->cross));
}

/* What a draw gives, as the record holds it: these members are compared
 * when a record is verified. */
static json_t *outcome_json(const struct draw_input *in, const struct draw_result *r)
{
    json_t *picks = json_array(), *excluded = json_array();

    for (size_t i = 0; i < r->nexcluded; i++) {
        const struct draw_target *t = &in->targets[r->excluded[i].target];
        json_array_append_new(excluded,
                              json_pack("{s:s, s:s, s:s}", "site_code", t->site_code, "site_name",
                                        t->site_name, "inspected", r->excluded[i].date));
    }
    for (size_t i = 0; i < r->npicks; i++) {
        const struct draw_pick *pk = &r->picks[i];
        const struct draw_target *t = &in->targets[pk->target];
        json_t *team = json_array();

        for (int m = 0; pk->members && m < in->params.team_size; m++) {
            const struct draw_inspector *p = &in->inspectors[pk->members[m]];
            json_t *devs = json_array();
            for (size_t d = 0; d < p->ndevices; d++)
                json_array_append_new(devs, json_string(p->devices[d]));
            json_array_append_new(
                team, json_pack("{s:s, s:s, s:o}", "id", p->id, "name", p->name, "devices", devs));
        }
        json_array_append_new(picks, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o}", "order",
                                               (json_int_t)(i + 1), "site_code", t->site_code,
                                               "site_name", t->site_name, "kind", t->kind,
                                               "region_code", t->region_code, "region_name",
                                               t->region_name, "team", team));
    }
    return json_pack("{s:I, s:I, s:o, s:o}", "candidates", (json_int_t)r->candidates,
                     "stream_draws", (json_int_t)r->draws, "excluded", excluded, "result", picks);
}

static char *canonical(const json_t *record)
{
    return json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
}

/* The inputs, read and checked, with the inspections HQ adds. */
struct inputs {
    struct draw_target *t;
    size_t nt;
    struct draw_inspector *p;
    size_t np;
    char t_sha[HASH_HEX_LEN + 1], p_sha[HASH_HEX_LEN + 1];
    struct inspected_list seen;
    char seed[DRAW_MAX_SEED + 1];
};

static void inputs_release(struct inputs *in)
{
    draw_targets_free(in->t, in->nt);
    draw_inspectors_free(in->p, in->np);
    free(in->seen.v);
    memset(in, 0, sizeof(*in));
}

static int inputs_read(struct inputs *in, const char *targets, const char *inspectors,
                       const char *seed, struct fc_error *err)
{
    int rc;

    memset(in, 0, sizeof(*in));
    rc = draw_seed_normalize(seed, in->seed, err);
    if (!rc)
        rc = draw_targets_read(targets, &in->t, &in->nt, in->t_sha, err);
    if (!rc)
        rc = draw_inspectors_read(inspectors, &in->p, &in->np, in->p_sha, err);
    return rc;
}

static void input_of(const struct inputs *in, const struct draw_params *p, struct draw_input *d)
{
    memset(d, 0, sizeof(*d));
    d->targets = in->t;
    d->ntargets = in->nt;
    d->inspectors = in->p;
    d->ninspectors = in->np;
    d->inspected = in->seen.v;
    d->ninspected = in->seen.n;
    d->params = *p;
    d->seed = in->seed;
}

int hq_draw_make(struct hq *hq, const struct hq_draw_args *a, json_t **out, struct fc_error *err)
{
    struct inputs in;
    struct draw_input d;
    struct draw_result r;
    struct draw_params p = a->params;
    json_t *rec = NULL, *seen = NULL, *outcome = NULL;
    char now[CLOCK_ISO_MAX], fp[20], sig_hex[CODEC_SIG_LEN * 2 + 1];
    unsigned char sig[CODEC_SIG_LEN];
    char *text = NULL;
    int rc;

    *out = NULL;
    memset(&r, 0, sizeof(r));
    clock_format_local(clock_now_ms(), now);
    if (!p.date[0])
        snprintf(p.date, sizeof(p.date), "%.10s", now);
    rc = inputs_read(&in, a->targets, a->inspectors, a->seed, err);
    /* the targets file names the institutions and their regions */
    if (!rc)
        rc = hqstore_sites_put(hq->db, in.t, in.nt, err);
    if (!rc && p.exclude_days)
        rc = hq_inspections(hq, in.t, in.nt, &in.seen, err);
    if (rc)
        goto out;
    input_of(&in, &p, &d);
    rc = draw_run(&d, &r, err);
    if (rc)
        goto out;
    seen = json_array();
    for (size_t i = 0; i < in.seen.n; i++)
        json_array_append_new(seen, json_pack("{s:s, s:s}", "site_code", in.seen.v[i].site_code,
                                              "date", in.seen.v[i].date));
    outcome = outcome_json(&d, &r);
    rec = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:{s:{s:s, s:s, s:I}, s:{s:s, s:s, "
                    "s:I}}, s:O}",
                    "format", "fieldcheck-draw-record", "version", 1, "algorithm", DRAW_ALGORITHM,
                    "seed", in.seed, "drawn_at", now, "date", p.date, "parameters", params_json(&p),
                    "inputs", "targets", "name", base_name(a->targets), "sha256", in.t_sha, "rows",
                    (json_int_t)in.nt, "inspectors", "name", base_name(a->inspectors), "sha256",
                    in.p_sha, "rows", (json_int_t)in.np, "hq_inspections", seen);
    json_object_update(rec, outcome);
    text = canonical(rec);
    codec_sign(sig, hq->keys.sign_sk, RECORD_DOMAIN, text, strlen(text));
    sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
    codec_fingerprint(fp, hq->keys.sign_pk, hq->keys.box_pk);
    *out = json_pack("{s:O, s:s, s:s}", "record", rec, "signed_by", fp, "signature", sig_hex);
out:
    free(text);
    json_decref(rec);
    json_decref(seen);
    json_decref(outcome);
    draw_result_release(&r);
    inputs_release(&in);
    return rc;
}

/* ---- verification ---------------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The SHA-256 the record holds for one of its inputs ("targets",
 * "inspectors"); "" when it holds none. */
static const char *recorded_sha(const json_t *rec, const char *which)
{
    const char *sha = jstr(json_object_get(json_object_get(rec, "inputs"), which), "sha256");

    return sha ? sha : "";
}

static int params_from_json(const json_t *rec, struct draw_params *p, struct fc_error *err)
{
    const json_t *j = json_object_get(rec, "parameters"), *count = json_object_get(j, "count");
    const char *cross = jstr(j, "cross_region"), *date = jstr(rec, "date");
    size_t i;
    json_t *q;

    memset(p, 0, sizeof(*p));
    if (!json_is_object(j) || !json_is_array(count) || json_array_size(count) == 0 ||
        json_array_size(count) > sizeof(p->quotas) / sizeof(p->quotas[0]) || !cross || !date ||
        strlen(date) > 10)
        return fc_error_set(err, FC_EINPUT, "the draw record's parameters are malformed");
    json_array_foreach(count, i, q)
    {
        const char *k = jstr(q, "kind");
        if (!k || strlen(k) >= sizeof(p->quotas[0].kind) ||
            !json_is_integer(json_object_get(q, "n")))
            return fc_error_set(err, FC_EINPUT, "the draw record's parameters are malformed");
        snprintf(p->quotas[i].kind, sizeof(p->quotas[i].kind), "%s", k);
        p->quotas[i].count = (int)json_integer_value(json_object_get(q, "n"));
    }
    p->nquotas = json_array_size(count);
    p->team_size = (int)json_integer_value(json_object_get(j, "team_size"));
    p->exclude_days = (int)json_integer_value(json_object_get(j, "exclude_days"));
    p->top = (int)json_integer_value(json_object_get(j, "top"));
    snprintf(p->date, sizeof(p->date), "%s", date);
    if (*cross)
        return draw_cross_parse(cross, &p->cross, err);
    return FC_OK;
}

/* A path for an input the record names: given, else beside the record. */
static void input_path(struct buf *out, const char *given, const char *record_path,
                       const json_t *rec, const char *which)
{
    const char *name = jstr(json_object_get(json_object_get(rec, "inputs"), which), "name");

    if (given) {
        buf_adds(out, given);
        return;
    }
    fs_dirname(out, record_path);
    buf_addf(out, "/%s", name && *name && !strchr(name, '/') ? name : which);
}

static int compare(const json_t *rec, const char *key, const json_t *fresh, struct fc_error *err)
{
    char *a =
        json_dumps(json_object_get(rec, key), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *b =
        json_dumps(json_object_get(fresh, key), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    int rc = FC_OK;

    if (!a || !b || strcmp(a, b))
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "the record's %s is not what the draw gives from its seed and inputs",
                          key);
    free(a);
    free(b);
    return rc;
}

int hq_draw_verify(struct hq *hq, const char *path, const char *targets, const char *inspectors,
                   json_t **out, struct fc_error *err)
{
    struct buf data = BUF_INIT, tp = BUF_INIT, ip = BUF_INIT;
    struct inputs in;
    struct draw_input d;
    struct draw_result r;
    struct draw_params p;
    json_t *file = NULL, *rec, *seen, *fresh = NULL, *x;
    unsigned char sig[CODEC_SIG_LEN];
    const char *sig_hex, *alg;
    char fp[20], *text = NULL;
    size_t i, siglen = 0;
    int rc;

    memset(&in, 0, sizeof(in));
    memset(&r, 0, sizeof(r));
    if (out)
        *out = NULL;
    rc = fs_read_file(path, RECORD_MAX, &data, err);
    if (rc)
        goto out;
    file = json_loadb(data.ptr, data.len, JSON_REJECT_DUPLICATES, NULL);
    rec = json_object_get(file, "record");
    sig_hex = jstr(file, "signature");
    if (!json_is_object(rec) || !sig_hex ||
        sodium_hex2bin(sig, sizeof(sig), sig_hex, strlen(sig_hex), NULL, &siglen, NULL) ||
        siglen != sizeof(sig)) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' is not a draw record", path);
        goto out;
    }
    text = canonical(rec);
    if (!codec_verify(sig, hq->keys.sign_pk, RECORD_DOMAIN, text, strlen(text))) {
        const char *by = jstr(file, "signed_by");

        codec_fingerprint(fp, hq->keys.sign_pk, hq->keys.box_pk);
        if (by && !strcmp(by, fp)) /* it names this HQ: changed after signing */
            rc =
                fc_error_set(err, FC_EVERIFY,
                             "draw record '%s' was changed after this HQ (%s) signed it", path, fp);
        else
            rc = fc_error_set(err, FC_EVERIFY,
                              "draw record '%s' is not signed by this HQ (%s): it names %s", path,
                              fp, by ? by : "no signer");
        goto out;
    }
    alg = jstr(rec, "algorithm");
    if (!alg || strcmp(alg, DRAW_ALGORITHM)) {
        rc = fc_error_set(err, FC_EINPUT, "draw record '%s' uses algorithm '%s', not %s", path,
                          alg ? alg : "", DRAW_ALGORITHM);
        goto out;
    }
    rc = params_from_json(rec, &p, err);
    if (rc)
        goto out;
    input_path(&tp, targets, path, rec, "targets");
    input_path(&ip, inspectors, path, rec, "inspectors");
    rc = inputs_read(&in, tp.ptr, ip.ptr, jstr(rec, "seed"), err);
    if (rc)
        goto out;
    if (strcmp(recorded_sha(rec, "targets"), in.t_sha))
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "'%s' is not the targets file of the draw (SHA-256 %.16s, recorded "
                          "%.16s)",
                          tp.ptr, in.t_sha, recorded_sha(rec, "targets"));
    else if (strcmp(recorded_sha(rec, "inspectors"), in.p_sha))
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "'%s' is not the inspectors file of the draw (SHA-256 %.16s, recorded "
                          "%.16s)",
                          ip.ptr, in.p_sha, recorded_sha(rec, "inspectors"));
    if (rc)
        goto out;
    /* HQ's own inspections are an input the record carries (signed) */
    seen = json_object_get(rec, "hq_inspections");
    json_array_foreach(seen, i, x)
    {
        const char *s = jstr(x, "site_code"), *dt = jstr(x, "date");
        if (!s || !dt || strlen(s) >= sizeof(in.seen.v[0].site_code) || strlen(dt) > 10) {
            rc = fc_error_set(err, FC_EINPUT, "the draw record's inspections are malformed");
            goto out;
        }
        in.seen.v = xreallocarray(in.seen.v, in.seen.n + 1, sizeof(*in.seen.v));
        snprintf(in.seen.v[in.seen.n].site_code, sizeof(in.seen.v[0].site_code), "%s", s);
        snprintf(in.seen.v[in.seen.n].date, sizeof(in.seen.v[0].date), "%s", dt);
        in.seen.n++;
    }
    input_of(&in, &p, &d);
    rc = draw_run(&d, &r, err);
    if (rc) {
        fc_error_prefix(err, "the draw of '%s' cannot be run again", path);
        goto out;
    }
    fresh = outcome_json(&d, &r);
    rc = compare(rec, "excluded", fresh, err);
    if (!rc)
        rc = compare(rec, "candidates", fresh, err);
    if (!rc)
        rc = compare(rec, "result", fresh, err);
    if (!rc)
        rc = compare(rec, "stream_draws", fresh, err);
    if (!rc && out)
        *out = json_incref(file);
out:
    free(text);
    json_decref(file);
    json_decref(fresh);
    draw_result_release(&r);
    inputs_release(&in);
    buf_release(&data);
    buf_release(&tp);
    buf_release(&ip);
    return rc;
}

/* ---- team packs ------------------------------------------------------------------ */

static int is_site_header(const char *h, size_t n)
{
    if (n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3)) {
        h += 3;
        n -= 3;
    }
    while (n && (h[0] == ' ' || h[0] == '\t')) {
        h++;
        n--;
    }
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    return (n == 9 && !strncasecmp(h, "site_code", 9)) ||
           (n == strlen("机构编码") && !memcmp(h, "机构编码", n));
}

/* src/name cut to the rows of site (every row when the file has no site
 * column), written as UTF-8 CSV into dst/name (0600). */
static int cut_file(const char *src, const char *dst, const char *name, const char *site,
                    struct fc_error *err)
{
    struct buf in = BUF_INIT, outp = BUF_INIT, text = BUF_INIT;
    struct csv_reader *rd = NULL;
    struct csv_record rec;
    int col = -1, header = 1, got = 0, rc;

    buf_addf(&in, "%s/%s", src, name);
    buf_addf(&outp, "%s/%s", dst, name);
    if (!fs_exists(in.ptr)) {
        rc = FC_OK;
        goto out;
    }
    if (!strcmp(name, "mission.json")) {
        /* the team's mission is its own: <mission_id>-<site_code> */
        json_t *m = NULL;
        char *dumped = NULL;

        rc = fs_read_file(in.ptr, 1 << 20, &text, err);
        if (!rc)
            m = json_loadb(text.ptr, text.len, 0, NULL);
        if (!rc && !json_is_string(json_object_get(m, "mission_id")))
            rc = fc_error_set(err, FC_EINPUT, "'%s' has no mission_id", in.ptr);
        if (!rc) {
            char id[160];
            snprintf(id, sizeof(id), "%s-%s", json_string_value(json_object_get(m, "mission_id")),
                     site);
            json_object_set_new(m, "mission_id", json_string(id));
            dumped = json_dumps(m, JSON_INDENT(1) | JSON_SORT_KEYS);
            buf_reset(&text);
            buf_adds(&text, dumped);
            buf_addch(&text, '\n');
        }
        free(dumped);
        json_decref(m);
        goto write;
    }
    rc = csv_reader_open(&rd, in.ptr, NULL, err);
    while (!rc && (got = csv_next(rd, &rec, err)) > 0) {
        if (rec.error) {
            rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: %s", in.ptr,
                              (unsigned long long)rec.line, rec.error);
            break;
        }
        if (header) {
            for (size_t f = 0; f < rec.nfields; f++)
                if (is_site_header(rec.fields[f], rec.lens[f]))
                    col = (int)f;
        } else if (col >= 0 && ((size_t)col >= rec.nfields || strlen(site) != rec.lens[col] ||
                                memcmp(rec.fields[col], site, rec.lens[col]))) {
            continue;
        }
        header = 0;
        for (size_t f = 0; f < rec.nfields; f++) {
            if (f)
                buf_addch(&text, ',');
            csv_put_field(&text, rec.fields[f], rec.lens[f]);
        }
        buf_addch(&text, '\n');
    }
    if (!rc && got < 0)
        rc = got;
write:
    if (!rc)
        rc = fs_write_atomic(outp.ptr, text.ptr, text.len, 0600, err);
out:
    csv_reader_free(rd);
    if (text.len)
        sodium_memzero(text.ptr, text.len);
    buf_release(&in);
    buf_release(&outp);
    buf_release(&text);
    return rc;
}

int hq_draw_packs(struct hq *hq, const json_t *signed_record, const char *mission_dir,
                  const char *out_dir,
                  void (*cb)(void *ctx, const char *site, const char *path, size_t devices),
                  void *ctx, struct fc_error *err)
{
    const json_t *result = json_object_get(json_object_get(signed_record, "record"), "result");
    const json_t *pick;
    size_t i;
    int rc = fs_mkdir_p(out_dir, 0700, err);

    json_array_foreach(result, i, pick)
    {
        const char *site = jstr(pick, "site_code");
        const json_t *team = json_object_get(pick, "team"), *m, *dv;
        const char **ids = NULL;
        size_t nids = 0, k, l;
        struct pack_target *targets = NULL;
        size_t ntargets = 0;
        struct buf tmp = BUF_INIT, outp = BUF_INIT;
        struct pack_make_args a;
        struct pack_make_result res;

        if (rc)
            break;
        json_array_foreach(team, k, m)
        {
            json_array_foreach(json_object_get(m, "devices"), l, dv)
            {
                ids = xreallocarray(ids, nids + 1, sizeof(*ids));
                ids[nids++] = json_string_value(dv);
            }
        }
        if (!nids) {
            rc = fc_error_set(err, FC_ESTATE,
                              "the team for '%s' has no device in the inspectors file: no pack "
                              "can be made for it",
                              site);
            free(ids);
            break;
        }
        rc = pack_targets(hq->db, ids, nids, 0, &targets, &ntargets, err);
        free(ids);
        if (!rc)
            rc = fs_tmp_dir(hq->dir, "draw", &tmp, err);
        for (int f = 0; !rc && pack_file_names[f]; f++)
            rc = cut_file(mission_dir, tmp.ptr, pack_file_names[f], site, err);
        if (!rc) {
            struct buf mj = BUF_INIT;
            json_t *mission;

            buf_addf(&mj, "%s/mission.json", tmp.ptr);
            mission = json_load_file(mj.ptr, 0, NULL);
            buf_addf(&outp, "%s/%s.fcpack", out_dir,
                     jstr(mission, "mission_id") ? jstr(mission, "mission_id") : site);
            json_decref(mission);
            buf_release(&mj);
            memset(&a, 0, sizeof(a));
            a.dir = tmp.ptr;
            a.out = outp.ptr;
            a.scratch = hq->dir;
            a.to = targets;
            a.n_to = ntargets;
            rc = pack_make(&hq->keys, &a, &res, err);
            if (rc)
                fc_error_prefix(err, "the pack for '%s'", site);
        }
        if (!rc)
            rc = hq_pack_record(hq, &res, targets, ntargets, tmp.ptr, err);
        if (!rc && cb)
            cb(ctx, site, outp.ptr, ntargets);
        if (tmp.len)
            fs_remove_tree(tmp.ptr);
        free(targets);
        buf_release(&tmp);
        buf_release(&outp);
    }
    return rc;
}
