/* Interview records (询问笔录), for every workflow: a record is validated
 * and stored as one interview_add event; the interview table is derived from
 * those events (a void hides one). Questions and answers keep their order; a
 * record is either signed by the person interviewed or carries the reason
 * they refused. */
#include "core/visit/interview.h"

#include "core/base/clock.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const interview_keys[] = {"held_at", "place",   "people", "items",
                                             "signed",  "refusal", "note",   NULL};

static int interview_fail(struct fc_error *err, const char *msg)
{
    return fc_error_set(err, FC_EINPUT, "invalid interview record: %s", msg);
}

static const char *nonempty(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v && *v ? v : NULL;
}

/* Validates and normalises the record into a new payload object. */
static int interview_payload(const json_t *rec, int64_t at_ms, json_t **out, struct fc_error *err)
{
    json_t *p = NULL, *people = NULL, *items = NULL, *x;
    const char *key, *held, *refusal;
    char when[CLOCK_ISO_MAX];
    int64_t ms = at_ms;
    json_t *val;
    size_t i;
    int rc = FC_OK, is_signed;

    if (!json_is_object(rec))
        return interview_fail(err, "not a JSON object");
    json_object_foreach((json_t *)rec, key, val)
    {
        int known = 0;
        for (i = 0; interview_keys[i]; i++)
            known |= !strcmp(key, interview_keys[i]);
        if (!known)
            return fc_error_set(err, FC_EINPUT, "invalid interview record: unknown key '%s'", key);
    }
    held = json_string_value(json_object_get(rec, "held_at"));
    if (held && clock_parse(held, &ms))
        return fc_error_set(err, FC_EINPUT, "invalid interview time '%s'", held);
    if (!nonempty(rec, "place"))
        return interview_fail(err, "no place (--place)");
    x = json_object_get(rec, "people");
    if (!json_is_array(x) || !json_array_size(x))
        return interview_fail(err, "nobody interviewed (--person NAME:ROLE)");
    people = json_array();
    json_array_foreach(x, i, val)
    {
        const char *name = nonempty(val, "name"), *role, *id;
        json_t *p1;

        if (!json_is_object(val) || !name) {
            rc = interview_fail(err, "a person without a name");
            goto out;
        }
        role = json_string_value(json_object_get(val, "role"));
        id = nonempty(val, "id_number");
        p1 = json_pack("{s:s, s:s}", "name", name, "role", role ? role : "");
        if (id)
            json_object_set_new(p1, "id_number", json_string(id));
        json_array_append_new(people, p1);
    }
    x = json_object_get(rec, "items");
    if (!json_is_array(x) || !json_array_size(x)) {
        rc = interview_fail(err, "no questions (--q TEXT --a TEXT)");
        goto out;
    }
    items = json_array();
    json_array_foreach(x, i, val)
    {
        const char *q = nonempty(val, "q");
        const char *a = json_string_value(json_object_get(val, "a"));

        if (!json_is_object(val) || !q) {
            rc = interview_fail(err, "an item without a question");
            goto out;
        }
        json_array_append_new(items, json_pack("{s:s, s:s}", "q", q, "a", a ? a : ""));
    }
    x = json_object_get(rec, "signed");
    if (x && !json_is_boolean(x)) {
        rc = interview_fail(err, "'signed' must be true or false");
        goto out;
    }
    is_signed = json_is_true(x);
    refusal = nonempty(rec, "refusal");
    if (is_signed == !!refusal) {
        rc = interview_fail(err, is_signed ? "both signed and refused"
                                           : "neither signed (--signed) nor refused"
                                             " (--refused REASON)");
        goto out;
    }
    clock_format_utc(ms, when);
    p = json_pack("{s:s, s:s, s:O, s:O, s:b, s:s?, s:s}", "held_at", when, "place",
                  nonempty(rec, "place"), "people", people, "items", items, "signed", is_signed,
                  "refusal", refusal, "note",
                  json_string_value(json_object_get(rec, "note"))
                      ? json_string_value(json_object_get(rec, "note"))
                      : "");
    if (!p)
        rc = interview_fail(err, "text is not valid UTF-8");
    *out = p;
out:
    json_decref(people);
    json_decref(items);
    return rc;
}

int interview_add(struct store *s, const char *visit_id, const json_t *record, int64_t at_ms,
                  char event_id[37], struct fc_error *err)
{
    char closed_local[CLOCK_ISO_MAX];
    struct visit v;
    json_t *p = NULL;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_id, &v, err);
    if (rc)
        return rc;
    if (v.closed_at[0]) {
        rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' was closed at %s: nothing can be added",
                          v.id, clock_iso_local(v.closed_at, closed_local));
        goto out;
    }
    rc = interview_payload(record, at_ms, &p, err);
    if (!rc)
        rc = event_commit_json(s, v.id, at_ms, "interview_add", NULL, p, event_id, err);
out:
    json_decref(p);
    visit_release(&v);
    return rc;
}

struct interview_each {
    int (*cb)(const char *event_id, const json_t *record, void *ctx);
    void *ctx;
    struct fc_error *err;
};

static int interview_row(sqlite3_stmt *st, void *vctx)
{
    const struct interview_each *each = vctx;
    json_t *rec = json_loads(store_col_text(st, 1), 0, NULL);
    int rc = rec ? each->cb(store_col_text(st, 0), rec, each->ctx)
                 : fc_error_set(each->err, FC_EINTEGRITY, "interview '%s' has a bad payload",
                                store_col_text(st, 0));

    json_decref(rec);
    return rc;
}

int interview_foreach(struct store *s, const char *visit_id,
                      int (*cb)(const char *event_id, const json_t *record, void *ctx), void *ctx,
                      struct fc_error *err)
{
    struct interview_each each = {cb, ctx, err};

    return store_each_sql(s,
                          "SELECT i.event_id, e.payload FROM interview i JOIN event e"
                          " ON e.id = i.event_id WHERE i.visit = ?1"
                          " AND i.event_id NOT IN (SELECT target FROM voided) ORDER BY i.seq",
                          visit_id, interview_row, &each, "cannot read interviews", err);
}

int interview_apply_add(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    sqlite3_stmt *st = NULL;
    int rc;

    (void)ctx;
    if (!p || !e->visit || !json_string_value(json_object_get(p, "place"))) {
        rc = fc_error_set(err, FC_EINTEGRITY, "event %lld: bad %s payload", (long long)e->seq,
                          e->kind);
        goto out;
    }
    rc = store_prepare(s,
                       "INSERT INTO interview (event_id, seq, visit, at, held_at, place, people,"
                       " items, signed, refusal, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                       " ?9, ?10, ?11)",
                       &st, err);
    if (rc)
        goto out;
    event_bind_row(st, e);
    store_bind_text(st, 5,
                    json_string_value(json_object_get(p, "held_at"))
                        ? json_string_value(json_object_get(p, "held_at"))
                        : e->at);
    store_bind_text(st, 6, json_string_value(json_object_get(p, "place")));
    store_bind_json(st, 7, json_object_get(p, "people"));
    store_bind_json(st, 8, json_object_get(p, "items"));
    sqlite3_bind_int(st, 9, json_is_true(json_object_get(p, "signed")));
    store_bind_text(st, 10, json_string_value(json_object_get(p, "refusal")));
    store_bind_text(st, 11,
                    json_string_value(json_object_get(p, "note"))
                        ? json_string_value(json_object_get(p, "note"))
                        : "");
    rc = store_run(s, st, "cannot record interview", err);
out:
    json_decref(p);
    return rc;
}
