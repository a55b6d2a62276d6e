/* Visits as events. The derived visit row is written only by the appliers,
 * so `db rebuild` recreates it exactly from visit_open/visit_close events. */
#include "core/visit/visit.h"

#include "core/base/xalloc.h"
#include "core/mission/mission.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "core/workflow.h"
#include "core/base/clock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void visit_release(struct visit *v)
{
    if (!v)
        return;
    free(v->inspectors_json);
    memset(v, 0, sizeof(*v));
}

void visit_dup(struct visit *dst, const struct visit *src)
{
    *dst = *src;
    dst->inspectors_json = src->inspectors_json ? xstrdup(src->inspectors_json) : NULL;
}

/* Loads a row of VISIT_COLS into *out (a struct visit). */
static int visit_row(sqlite3_stmt *st, void *out)
{
    struct visit *v = out;

    memset(v, 0, sizeof(*v));
    snprintf(v->id, sizeof(v->id), "%s", store_col_text(st, 0));
    snprintf(v->mission_id, sizeof(v->mission_id), "%s", store_col_text(st, 1));
    v->mission_version = sqlite3_column_int64(st, 2);
    snprintf(v->site_code, sizeof(v->site_code), "%s", store_col_text(st, 3));
    snprintf(v->kind, sizeof(v->kind), "%s", store_col_text(st, 4));
    v->inspectors_json = xstrdup(store_col_text(st, 5));
    v->credentials_shown = sqlite3_column_int(st, 6);
    snprintf(v->opened_at, sizeof(v->opened_at), "%s", store_col_text(st, 7));
    snprintf(v->closed_at, sizeof(v->closed_at), "%s", store_col_text(st, 8));
    v->open_seq = sqlite3_column_int64(st, 9);
    v->close_seq = sqlite3_column_int64(st, 10);
    snprintf(v->checkpoint, sizeof(v->checkpoint), "%s", store_col_text(st, 11));
    return FC_OK;
}

#define VISIT_COLS                                                                     \
    "id, mission_id, mission_version, site_code, kind, inspectors, credentials_shown," \
    " opened_at, closed_at, open_seq, close_seq, checkpoint"

/* Looks one visit up by exact id (FC_ENOTFOUND if absent). */
static int visit_get(struct store *s, const char *id, struct visit *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT " VISIT_COLS " FROM visit WHERE id = ?1", &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, id);
    rc = store_one(s, st, visit_row, out, "cannot read visit", err);
    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "no visit '%s'", id);
    return rc;
}

static int visit_find_open(struct store *s, struct visit *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT " VISIT_COLS " FROM visit WHERE closed_at IS NULL"
                           " ORDER BY open_seq DESC LIMIT 1",
                           &st, err);
    return rc ? rc : store_one(s, st, visit_row, out, "cannot read visits", err);
}

int visit_open(struct store *s, const struct visit_open_args *a, struct visit *out,
               struct fc_error *err)
{
    json_t *obj = NULL, *insp = NULL;
    char *payload = NULL;
    struct visit cur;
    struct event e;
    const struct workflow *wf = NULL;
    char id[37], signer[20], pack[HASH_HEX_LEN + 1];
    int rc, n = 0;

    memset(&cur, 0, sizeof(cur));
    rc = workflow_get(a->kind, &wf, err);
    if (rc)
        return rc;
    insp = json_array();
    for (; n < VISIT_MAX_INSPECTORS && a->inspectors[n]; n++) {
        if (!*a->inspectors[n]) {
            rc = fc_error_set(err, FC_EUSAGE, "empty inspector name");
            goto out;
        }
        json_array_append_new(insp, json_string(a->inspectors[n]));
    }
    if (n < 2) {
        rc = fc_error_set(err, FC_EUSAGE,
                          "a visit needs at least two inspectors (--inspector NAME twice)");
        goto out;
    }
    rc = store_begin(s, err);
    if (rc)
        goto out;
    rc = visit_find_open(s, &cur, err);
    if (rc == FC_OK) {
        rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' at '%s' is still open: close it first",
                          cur.id, cur.site_code);
        goto rollback;
    } else if (rc != FC_ENOTFOUND) {
        goto rollback;
    }
    hash_uuid(id);
    /* provenance: the HQ key that signed this mission version, or "unsigned" */
    if (syncdb_mission_signer(s, a->mission_id, a->mission_version, signer, NULL) != FC_OK ||
        !signer[0])
        snprintf(signer, sizeof(signer), "%s", "unsigned");
    /* and the pack it came from, so HQ can tell a pack it issued */
    if (syncdb_mission_pack(s, a->mission_id, a->mission_version, pack, NULL) != FC_OK)
        pack[0] = '\0';
    obj =
        json_pack("{s:s, s:s, s:I, s:s?, s:s, s:s?, s:s, s:O, s:b, s:s, s:s?}", "visit", id,
                  "mission_id", a->mission_id, "mission_version", (json_int_t)a->mission_version,
                  "mission_sha256", a->mission_sha256, "site_code", a->site_code, "site_name",
                  a->site_name, "kind", a->kind, "inspectors", insp, "credentials_shown",
                  a->credentials_shown, "signed_by", signer, "pack_sha256", pack[0] ? pack : NULL);
    if (!obj) {
        rc = fc_error_set(err, FC_EINPUT, "visit fields are not valid UTF-8");
        goto rollback;
    }
    payload = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    rc = event_append(s, id, a->at_ms, "visit_open", a->site_code, payload, &e, err);
    if (rc)
        goto rollback;
    rc = store_commit(s, err);
    if (rc)
        goto out;
    if (out)
        rc = visit_get(s, id, out, err);
    goto out;
rollback:
    store_rollback(s);
out:
    visit_release(&cur);
    free(payload);
    json_decref(obj);
    json_decref(insp);
    return rc;
}

/* What the visit found, for HQ: the workflow's findings (wf->findings,
 * with the mission attached) written into the visit_close payload, so HQ
 * summarises what the device judged with the roster at hand. Observations
 * go one by one (a bed, a patient, a drug's rule: HQ compares them between
 * devices); what was not checked (class coverage) is summed per verdict, so
 * the payload stays small whatever the hospital's size. Past
 * CLOSE_FINDINGS_MAX bytes every class is summed ("summed": true). */
#define CLOSE_FINDINGS_MAX (700u << 10)

struct close_findings {
    json_t *list, *sums; /* sums: "code\tscope\tgroup\tkey" -> finding object */
    int sum_all;
};

static void finding_put(json_t *o, const char *k, const char *v)
{
    if (v && *v)
        json_object_set_new(o, k, json_string(v));
}

static void finding_add(json_t *o, const char *k, int64_t v)
{
    json_t *cur = json_object_get(o, k);
    int64_t was = json_is_integer(cur) ? json_integer_value(cur) : 0;

    if (v || cur)
        json_object_set_new(o, k, json_integer(was + v));
}

static int close_finding(const struct workflow_finding *f, void *ctx)
{
    struct close_findings *cf = ctx;
    int sum = cf->sum_all || f->verdict->cls == VERDICT_COVERAGE;
    json_t *o;

    if (sum) {
        char key[256];
        snprintf(key, sizeof(key), "%s\t%u\t%s\t%s", f->verdict->code, f->verdict->scope,
                 f->group ? f->group : "", f->key ? f->key : "");
        o = json_object_get(cf->sums, key);
        if (!o) {
            o = json_pack("{s:s, s:i, s:I}", "code", f->verdict->code, "scope",
                          (int)f->verdict->scope, "count", (json_int_t)0);
            finding_put(o, "group", f->group);
            finding_put(o, "key", f->key);
            json_object_set_new(o, "summed", json_true());
            json_array_append_new(cf->list, o);
            json_object_set(cf->sums, key, o);
        }
    } else {
        o = json_pack("{s:s, s:i, s:I}", "code", f->verdict->code, "scope", (int)f->verdict->scope,
                      "count", (json_int_t)0);
        finding_put(o, "group", f->group);
        finding_put(o, "key", f->key);
        finding_put(o, "subject", f->subject);
        finding_put(o, "detail", f->detail);
        json_array_append_new(cf->list, o);
    }
    finding_add(o, "count", f->count > 0 ? f->count : 1);
    finding_add(o, "amount_fen", f->amount_fen);
    finding_add(o, "fund_loss_fen", f->fund_loss_fen);
    return 0;
}

static char *close_payload(struct store *s, const struct visit *v)
{
    const struct workflow *wf = NULL;
    char *text = NULL;

    if (workflow_of_visit(v, &wf, NULL) || !wf->findings ||
        mission_attach(s, v->mission_id, v->mission_version, NULL))
        return xstrdup("{}");
    for (int pass = 0; pass < 2 && !text; pass++) {
        struct close_findings cf = {json_array(), json_object(), pass};
        json_t *o;

        if (wf->findings(s, v, close_finding, &cf, NULL) == FC_OK) {
            o = json_pack("{s:O, s:b}", "findings", cf.list, "summed", pass);
            text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
            json_decref(o);
            if (text && strlen(text) > CLOSE_FINDINGS_MAX && !pass) {
                free(text);
                text = NULL;
            }
        }
        json_decref(cf.list);
        json_decref(cf.sums);
        if (!text && pass)
            text = xstrdup("{}");
    }
    return text ? text : xstrdup("{}");
}

int visit_close(struct store *s, const char *visit_id, int64_t at_ms, struct visit *out,
                struct fc_error *err)
{
    char closed_local[CLOCK_ISO_MAX];
    struct visit v;
    char *payload = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    /* the findings are read before the transaction: the mission is
     * attached outside one */
    rc = visit_get(s, visit_id, &v, err);
    if (!rc && !v.closed_at[0])
        payload = close_payload(s, &v);
    visit_release(&v);
    if (rc)
        return rc;
    rc = store_begin(s, err);
    if (rc)
        goto out;
    rc = visit_get(s, visit_id, &v, err);
    if (rc)
        goto rollback;
    if (v.closed_at[0]) {
        rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' was already closed at %s", v.id,
                          clock_iso_local(v.closed_at, closed_local));
        goto rollback;
    }
    rc = event_append(s, v.id, at_ms, "visit_close", v.site_code, payload ? payload : "{}", NULL,
                      err);
    if (rc)
        goto rollback;
    rc = store_commit(s, err);
    if (rc)
        goto out;
    if (out) {
        visit_release(&v);
        rc = visit_get(s, visit_id, out, err);
    }
    goto out;
rollback:
    store_rollback(s);
out:
    free(payload);
    visit_release(&v);
    return rc;
}

int visit_test_clock(struct store *s, const char *visit_id)
{
    sqlite3_stmt *st = NULL;
    int yes = 0;

    if (store_stmt(s,
                   "SELECT 1 FROM event WHERE visit = ?1"
                   " AND json_extract(payload, '$.test_clock') LIMIT 1",
                   &st, NULL))
        return 0;
    store_bind_text(st, 1, visit_id);
    yes = sqlite3_step(st) == SQLITE_ROW;
    store_stmt_release(st);
    return yes;
}

/* A visit named by a prefix of its id: the first row is the visit, a second
 * makes the prefix ambiguous. */
struct resolve_ctx {
    struct visit *out;
    const char *name;
    int found;
    struct fc_error *err;
};

static int resolve_row(sqlite3_stmt *st, void *vctx)
{
    struct resolve_ctx *r = vctx;

    if (r->found++) {
        visit_release(r->out);
        return fc_error_set(r->err, FC_EUSAGE, "visit id '%s' is ambiguous", r->name);
    }
    return visit_row(st, r->out);
}

int visit_resolve(struct store *s, const char *name, struct visit *out, struct fc_error *err)
{
    struct resolve_ctx r = {out, name, 0, err};
    sqlite3_stmt *st = NULL;
    int rc;

    if (!name || !*name) {
        rc = visit_find_open(s, out, err);
        if (rc != FC_ENOTFOUND)
            return rc;
        rc = store_prepare(s, "SELECT " VISIT_COLS " FROM visit ORDER BY open_seq DESC LIMIT 1",
                           &st, err);
        if (!rc)
            rc = store_one(s, st, visit_row, out, "cannot read visits", err);
        if (rc == FC_ENOTFOUND)
            rc = fc_error_set(err, FC_ENOTFOUND,
                              "no visit yet (open one with 'fieldcheck visit open')");
        return rc;
    }
    if (strlen(name) < 4)
        return fc_error_set(err, FC_EUSAGE, "visit id '%s' is too short (give 4+ characters)",
                            name);
    rc = store_each_sql(s,
                        "SELECT " VISIT_COLS " FROM visit WHERE substr(id, 1, length(?1)) = ?1"
                        " ORDER BY open_seq DESC LIMIT 2",
                        name, resolve_row, &r, "cannot read visits", err);
    if (!rc && !r.found)
        rc = fc_error_set(err, FC_ENOTFOUND, "no visit '%s'", name);
    return rc;
}

struct visit_each {
    int (*cb)(const struct visit *v, void *ctx);
    void *ctx;
};

static int visit_each_row(sqlite3_stmt *st, void *vctx)
{
    const struct visit_each *each = vctx;
    struct visit v;
    int rc;

    visit_row(st, &v);
    rc = each->cb(&v, each->ctx);
    visit_release(&v);
    return rc;
}

int visit_foreach(struct store *s, int (*cb)(const struct visit *v, void *ctx), void *ctx,
                  struct fc_error *err)
{
    struct visit_each each = {cb, ctx};

    return store_each_sql(s, "SELECT " VISIT_COLS " FROM visit ORDER BY open_seq DESC", NULL,
                          visit_each_row, &each, "cannot read visits", err);
}

void visit_short_code(const char *checkpoint_hex, char out[VISIT_SHORT_CODE_LEN + 1])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    unsigned char bin[HASH_LEN];
    uint64_t bits = 0;
    int j = 0;

    if (hash_from_hex(bin, HASH_LEN, checkpoint_hex) != FC_OK) {
        snprintf(out, VISIT_SHORT_CODE_LEN + 1, "----,----");
        return;
    }
    for (int i = 0; i < 5; i++)
        bits = (bits << 8) | bin[i];
    for (int i = 0; i < 8; i++) {
        if (i == 4)
            out[j++] = '-';
        out[j++] = alphabet[(bits >> (35 - 5 * i)) & 31];
    }
    out[j] = '\0';
}

int visit_apply_open(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_error_t jerr;
    json_t *p = json_loads(e->payload, 0, &jerr);
    json_t *insp;
    char *insp_text = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    (void)ctx;
    if (!p || !json_is_object(p)) {
        json_decref(p);
        return fc_error_set(err, FC_EINTEGRITY, "event %lld: bad visit_open payload",
                            (long long)e->seq);
    }
    insp = json_object_get(p, "inspectors");
    insp_text = json_dumps(insp ? insp : json_array(), JSON_COMPACT | JSON_ENCODE_ANY);
    rc = store_prepare(s,
                       "INSERT INTO visit (id, mission_id, mission_version, site_code, kind,"
                       " inspectors, credentials_shown, opened_at, open_seq)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, e->visit);
    store_bind_text(st, 2, json_string_value(json_object_get(p, "mission_id")));
    sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(p, "mission_version")));
    store_bind_text(st, 4, json_string_value(json_object_get(p, "site_code")));
    store_bind_text(st, 5, json_string_value(json_object_get(p, "kind")));
    store_bind_text(st, 6, insp_text);
    sqlite3_bind_int(st, 7, json_is_true(json_object_get(p, "credentials_shown")));
    store_bind_text(st, 8, e->at);
    sqlite3_bind_int64(st, 9, e->seq);
    rc = store_run(s, st, "cannot record visit", err);
out:
    free(insp_text);
    json_decref(p);
    return rc;
}

int visit_apply_close(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "UPDATE visit SET closed_at = ?2, close_seq = ?3, checkpoint = ?4"
                           " WHERE id = ?1 AND closed_at IS NULL",
                           &st, err);

    (void)ctx;
    if (rc)
        return rc;
    store_bind_text(st, 1, e->visit);
    store_bind_text(st, 2, e->at);
    sqlite3_bind_int64(st, 3, e->seq);
    store_bind_text(st, 4, e->hash);
    return store_run(s, st, "cannot close visit", err);
}

int visit_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    const char *target = json_string_value(json_object_get(p, "target"));
    const char *reason = json_string_value(json_object_get(p, "reason"));
    sqlite3_stmt *st = NULL;
    int rc;

    (void)ctx;
    if (!target) {
        rc = fc_error_set(err, FC_EINTEGRITY, "event %lld: bad void payload", (long long)e->seq);
        goto out;
    }
    rc = store_prepare(s, "INSERT OR IGNORE INTO voided (target, seq, reason) VALUES (?1, ?2, ?3)",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, target);
    sqlite3_bind_int64(st, 2, e->seq);
    store_bind_text(st, 3, reason ? reason : "");
    rc = store_run(s, st, "cannot record void", err);
out:
    json_decref(p);
    return rc;
}
