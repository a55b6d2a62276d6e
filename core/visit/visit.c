/* Visits as events. The derived visit row is written only by the appliers,
 * so `db rebuild` recreates it exactly from visit_open/visit_close events. */
#include "core/visit/visit.h"

#include "core/base/xalloc.h"
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

static void visit_from_row(sqlite3_stmt *st, struct visit *v)
{
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
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        visit_from_row(st, out);
        rc = FC_OK;
    } else if (rc == SQLITE_DONE) {
        rc = fc_error_set(err, FC_ENOTFOUND, "no visit '%s'", id);
    } else {
        rc = store_fail(s, err, "cannot read visit");
    }
    sqlite3_finalize(st);
    return rc;
}

static int visit_find_open(struct store *s, struct visit *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT " VISIT_COLS " FROM visit WHERE closed_at IS NULL"
                           " ORDER BY open_seq DESC LIMIT 1",
                           &st, err);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        visit_from_row(st, out);
        rc = FC_OK;
    } else if (rc == SQLITE_DONE) {
        rc = FC_ENOTFOUND;
    } else {
        rc = store_fail(s, err, "cannot read visits");
    }
    sqlite3_finalize(st);
    return rc;
}

int visit_open(struct store *s, const struct visit_open_args *a, struct visit *out,
               struct fc_error *err)
{
    json_t *obj = NULL, *insp = NULL;
    char *payload = NULL;
    struct visit cur;
    struct event e;
    const struct workflow *wf = NULL;
    char id[37], signer[20];
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
    obj = json_pack("{s:s, s:s, s:I, s:s?, s:s, s:s?, s:s, s:O, s:b, s:s}", "visit", id,
                    "mission_id", a->mission_id, "mission_version", (json_int_t)a->mission_version,
                    "mission_sha256", a->mission_sha256, "site_code", a->site_code, "site_name",
                    a->site_name, "kind", a->kind, "inspectors", insp, "credentials_shown",
                    a->credentials_shown, "signed_by", signer);
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

int visit_close(struct store *s, const char *visit_id, int64_t at_ms, struct visit *out,
                struct fc_error *err)
{
    char closed_local[CLOCK_ISO_MAX];
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = store_begin(s, err);
    if (rc)
        return rc;
    rc = visit_get(s, visit_id, &v, err);
    if (rc)
        goto rollback;
    if (v.closed_at[0]) {
        rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' was already closed at %s", v.id,
                          clock_iso_local(v.closed_at, closed_local));
        goto rollback;
    }
    rc = event_append(s, v.id, at_ms, "visit_close", v.site_code, "{}", NULL, err);
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
    visit_release(&v);
    return rc;
}

int visit_resolve(struct store *s, const char *name, struct visit *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, found = 0;

    if (!name || !*name) {
        rc = visit_find_open(s, out, err);
        if (rc != FC_ENOTFOUND)
            return rc;
        rc = store_prepare(s, "SELECT " VISIT_COLS " FROM visit ORDER BY open_seq DESC LIMIT 1",
                           &st, err);
        if (rc)
            return rc;
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            visit_from_row(st, out);
            rc = FC_OK;
        } else if (rc == SQLITE_DONE) {
            rc = fc_error_set(err, FC_ENOTFOUND,
                              "no visit yet (open one with 'fieldcheck visit open')");
        } else {
            rc = store_fail(s, err, "cannot read visits");
        }
        sqlite3_finalize(st);
        return rc;
    }
    if (strlen(name) < 4)
        return fc_error_set(err, FC_EUSAGE, "visit id '%s' is too short (give 4+ characters)",
                            name);
    rc = store_prepare(s,
                       "SELECT " VISIT_COLS " FROM visit WHERE substr(id, 1, length(?1)) = ?1"
                       " ORDER BY open_seq DESC LIMIT 2",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, name);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (found++) {
            visit_release(out);
            sqlite3_finalize(st);
            return fc_error_set(err, FC_EUSAGE, "visit id '%s' is ambiguous", name);
        }
        visit_from_row(st, out);
    }
    if (rc != SQLITE_DONE)
        rc = store_fail(s, err, "cannot read visits");
    else
        rc = found ? FC_OK : fc_error_set(err, FC_ENOTFOUND, "no visit '%s'", name);
    sqlite3_finalize(st);
    return rc;
}

int visit_foreach(struct store *s, int (*cb)(const struct visit *v, void *ctx), void *ctx,
                  struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT " VISIT_COLS " FROM visit ORDER BY open_seq DESC", &st, err);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct visit v;
        visit_from_row(st, &v);
        rc = cb(&v, ctx);
        visit_release(&v);
        if (rc) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read visits");
    sqlite3_finalize(st);
    return rc;
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
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, err, "cannot record visit");
out:
    sqlite3_finalize(st);
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
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, err, "cannot close visit");
    sqlite3_finalize(st);
    return rc;
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
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, err, "cannot record void");
out:
    sqlite3_finalize(st);
    json_decref(p);
    return rc;
}
