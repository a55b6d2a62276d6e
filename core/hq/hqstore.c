/* hq.db: schema and queries for HQ import and merge. The merged event set is
 * keyed by (device, seq, hash), never by arrival order, and nothing here
 * records when something was imported, so the database's content (and
 * hqstore_digest) depends only on the set of bundles imported. */
#include "core/hq/hqstore.h"

#include "core/base/clock.h"
#include "core/store/store.h"

#include <stdio.h>
#include <string.h>

static const char *const hq_migrations[] = {
    /* 1: devices, bundles, merged events, quarantine */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE device ("
    "  id TEXT PRIMARY KEY, sign_pk TEXT NOT NULL, box_pk TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL, cert BLOB NOT NULL, enrolled_at TEXT NOT NULL,"
    "  revoked_at TEXT) STRICT;"
    "CREATE TABLE bundle ("
    "  sha256 TEXT PRIMARY KEY, device TEXT NOT NULL, bundle_seq INTEGER NOT NULL,"
    "  first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, prev_bundle TEXT NOT NULL,"
    "  prev_head TEXT NOT NULL, chain_head TEXT NOT NULL) STRICT;"
    "CREATE INDEX bundle_device ON bundle (device, bundle_seq);"
    "CREATE TABLE event ("
    "  device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, id TEXT NOT NULL,"
    "  visit TEXT, at TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT, payload TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL, PRIMARY KEY (device, seq, hash)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX event_visit ON event (visit);"
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;"
    "CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;"
    "CREATE TABLE quarantine ("
    "  sha256 TEXT PRIMARY KEY, device TEXT NOT NULL, reason TEXT NOT NULL,"
    "  data BLOB NOT NULL) STRICT;",
};

static const struct store_schema hq_schema = {hq_migrations,
                                              sizeof(hq_migrations) / sizeof(hq_migrations[0]), 0};

static const char zero_hex[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

int hqstore_open(struct store **out, const char *path, struct fc_error *err)
{
    return store_open_schema(out, path, &hq_schema, err);
}

static void device_from_row(sqlite3_stmt *st, struct hq_device *d)
{
    memset(d, 0, sizeof(*d));
    snprintf(d->id, sizeof(d->id), "%s", store_col_text(st, 0));
    hash_from_hex(d->sign_pk, 32, store_col_text(st, 1));
    hash_from_hex(d->box_pk, 32, store_col_text(st, 2));
    snprintf(d->fingerprint, sizeof(d->fingerprint), "%s", store_col_text(st, 3));
    snprintf(d->enrolled_at, sizeof(d->enrolled_at), "%s", store_col_text(st, 4));
    snprintf(d->revoked_at, sizeof(d->revoked_at), "%s", store_col_text(st, 5));
}

#define DEVICE_COLS "id, sign_pk, box_pk, fingerprint, enrolled_at, revoked_at"

int hqstore_device_get(struct store *s, const char *id, struct hq_device *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT " DEVICE_COLS " FROM device WHERE id = ?1", &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        device_from_row(st, out);
        rc = FC_OK;
    } else if (rc == SQLITE_DONE) {
        rc = fc_error_set(err, FC_ENOTFOUND, "device '%s' is not enrolled", id);
    } else {
        rc = store_fail(s, err, "cannot read device");
    }
    sqlite3_finalize(st);
    return rc;
}

int hqstore_device_add(struct store *s, const struct hq_device *d, const void *cert,
                       size_t cert_len, int *added, struct fc_error *err)
{
    struct hq_device old;
    sqlite3_stmt *st = NULL;
    char sign_hex[65], box_hex[65], at[CLOCK_ISO_MAX];
    int rc;

    if (added)
        *added = 0;
    rc = hqstore_device_get(s, d->id, &old, NULL);
    if (rc == FC_OK) {
        if (memcmp(old.sign_pk, d->sign_pk, 32) || memcmp(old.box_pk, d->box_pk, 32))
            return fc_error_set(err, FC_EEXIST,
                                "device '%s' is already enrolled with other keys (fingerprint "
                                "%s)",
                                d->id, old.fingerprint);
        return FC_OK;
    }
    hash_to_hex(sign_hex, d->sign_pk, 32);
    hash_to_hex(box_hex, d->box_pk, 32);
    clock_format_utc(clock_now_ms(), at);
    rc = store_prepare(s,
                       "INSERT INTO device (id, sign_pk, box_pk, fingerprint, cert, enrolled_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, d->id);
    store_bind_text(st, 2, sign_hex);
    store_bind_text(st, 3, box_hex);
    store_bind_text(st, 4, d->fingerprint);
    sqlite3_bind_blob(st, 5, cert, (int)cert_len, SQLITE_TRANSIENT);
    store_bind_text(st, 6, at);
    rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot enroll device");
    sqlite3_finalize(st);
    if (!rc && added)
        *added = 1;
    return rc;
}

int hqstore_device_revoke(struct store *s, const char *id, struct fc_error *err)
{
    struct hq_device d;
    sqlite3_stmt *st = NULL;
    char at[CLOCK_ISO_MAX];
    int rc = hqstore_device_get(s, id, &d, err);

    if (rc)
        return rc;
    if (d.revoked_at[0])
        return FC_OK;
    clock_format_utc(clock_now_ms(), at);
    rc = store_prepare(s, "UPDATE device SET revoked_at = ?2 WHERE id = ?1", &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, id);
    store_bind_text(st, 2, at);
    rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot revoke device");
    sqlite3_finalize(st);
    return rc;
}

int hqstore_device_foreach(struct store *s, int (*cb)(const struct hq_device *d, void *ctx),
                           void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT " DEVICE_COLS " FROM device ORDER BY id", &st, err);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct hq_device d;

        device_from_row(st, &d);
        rc = cb(&d, ctx);
        if (rc) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot list devices");
    sqlite3_finalize(st);
    return rc;
}

static int bundle_known(struct store *s, const char *sha, int *known, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT 1 FROM bundle WHERE sha256 = ?1", &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, sha);
    rc = sqlite3_step(st);
    *known = rc == SQLITE_ROW;
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read bundles");
    sqlite3_finalize(st);
    return rc;
}

int hqstore_bundle_get(struct store *s, const char *sha256_hex, struct hq_bundle_row *out,
                       struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT device, bundle_seq, first_seq, last_seq, prev_bundle,"
                           " prev_head, chain_head FROM bundle WHERE sha256 = ?1",
                           &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, sha256_hex);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (out) {
            memset(out, 0, sizeof(*out));
            snprintf(out->sha256, sizeof(out->sha256), "%s", sha256_hex);
            snprintf(out->device, sizeof(out->device), "%s", store_col_text(st, 0));
            out->bundle_seq = sqlite3_column_int64(st, 1);
            out->first_seq = sqlite3_column_int64(st, 2);
            out->last_seq = sqlite3_column_int64(st, 3);
            snprintf(out->prev_bundle, sizeof(out->prev_bundle), "%s", store_col_text(st, 4));
            snprintf(out->prev_head, sizeof(out->prev_head), "%s", store_col_text(st, 5));
            snprintf(out->chain_head, sizeof(out->chain_head), "%s", store_col_text(st, 6));
        }
        rc = FC_OK;
    } else if (rc == SQLITE_DONE) {
        rc = fc_error_set(err, FC_ENOTFOUND, "bundle '%.16s' was not imported", sha256_hex);
    } else {
        rc = store_fail(s, err, "cannot read bundles");
    }
    sqlite3_finalize(st);
    return rc;
}

int hqstore_import(struct store *s, const struct hq_bundle_row *b, const struct event *events,
                   size_t n, struct hqstore_import_stats *stats, struct fc_error *err)
{
    struct hqstore_import_stats local;
    sqlite3_stmt *st = NULL, *ins = NULL, *eq = NULL;
    int rc, known = 0;

    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    for (size_t i = 1; i < n; i++)
        if (events[i].seq != events[0].seq + (int64_t)i)
            return fc_error_set(err, FC_EINTERNAL, "events of bundle '%.16s' are not consecutive",
                                b->sha256);
    rc = store_begin(s, err);
    if (rc)
        return rc;
    rc = bundle_known(s, b->sha256, &known, err);
    if (rc)
        goto out;
    if (known) {
        stats->duplicate = 1;
        goto out;
    }
    rc = store_prepare(s,
                       "INSERT INTO bundle (sha256, device, bundle_seq, first_seq, last_seq,"
                       " prev_bundle, prev_head, chain_head) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                       " ?8)",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, b->sha256);
    store_bind_text(st, 2, b->device);
    sqlite3_bind_int64(st, 3, b->bundle_seq);
    sqlite3_bind_int64(st, 4, b->first_seq);
    sqlite3_bind_int64(st, 5, b->last_seq);
    store_bind_text(st, 6, b->prev_bundle);
    store_bind_text(st, 7, b->prev_head);
    store_bind_text(st, 8, b->chain_head);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = store_fail(s, err, "cannot record bundle");
        goto out;
    }
    rc = store_prepare(s,
                       "INSERT OR IGNORE INTO event (device, seq, hash, id, visit, at, kind,"
                       " subject, payload, prev_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                       " ?9, ?10)",
                       &ins, err);
    if (rc)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &events[i];

        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, e->device, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, e->seq);
        sqlite3_bind_text(ins, 3, e->hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, e->id, -1, SQLITE_STATIC);
        if (e->visit)
            sqlite3_bind_text(ins, 5, e->visit, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 5);
        sqlite3_bind_text(ins, 6, e->at, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, e->kind, -1, SQLITE_STATIC);
        if (e->subject)
            sqlite3_bind_text(ins, 8, e->subject, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 8);
        sqlite3_bind_text(ins, 9, e->payload, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 10, e->prev_hash, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = store_fail(s, err, "cannot store event");
            goto out;
        }
        if (sqlite3_changes(store_db(s)) > 0)
            stats->events_new++;
        else
            stats->events_known++;
    }
    /* one range scan for the whole bundle instead of a lookup per event:
     * the seqs of this bundle that now hold more than one hash */
    if (n) {
        rc = store_prepare(s,
                           "SELECT count(*) FROM (SELECT seq FROM event WHERE device = ?1 AND"
                           " seq BETWEEN ?2 AND ?3 GROUP BY seq HAVING count(*) > 1)",
                           &eq, err);
        if (rc)
            goto out;
        store_bind_text(eq, 1, b->device);
        sqlite3_bind_int64(eq, 2, events[0].seq);
        sqlite3_bind_int64(eq, 3, events[n - 1].seq);
        if (sqlite3_step(eq) != SQLITE_ROW) {
            rc = store_fail(s, err, "cannot count equivocations");
            goto out;
        }
        stats->equivocations = sqlite3_column_int64(eq, 0);
    }
out:
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    sqlite3_finalize(eq);
    if (!rc)
        rc = store_commit(s, err);
    else
        store_rollback(s);
    return rc;
}

int hqstore_quarantine(struct store *s, const char *sha256_hex, const char *device,
                       const char *reason, const void *data, size_t len, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "INSERT OR IGNORE INTO quarantine (sha256, device, reason, data)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, sha256_hex);
    store_bind_text(st, 2, device ? device : "");
    store_bind_text(st, 3, reason);
    sqlite3_bind_blob64(st, 4, data, len, SQLITE_TRANSIENT);
    rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot quarantine bundle");
    sqlite3_finalize(st);
    return rc;
}

int hqstore_acked(struct store *s, const char *device, int64_t *seq, char head[HASH_HEX_LEN + 1],
                  struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    char prev[HASH_HEX_LEN + 1];
    int64_t expect = 1;
    int rc;

    memcpy(prev, zero_hex, sizeof(prev));
    rc = store_prepare(s,
                       "SELECT seq, hash, prev_hash, count(*) OVER (PARTITION BY seq) FROM event"
                       " WHERE device = ?1 ORDER BY seq, hash",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, device);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) != expect || sqlite3_column_int64(st, 3) != 1 ||
            strcmp(store_col_text(st, 2), prev) != 0)
            break;
        snprintf(prev, sizeof(prev), "%s", store_col_text(st, 1));
        expect++;
    }
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read events");
    sqlite3_finalize(st);
    *seq = expect - 1;
    memcpy(head, prev, sizeof(prev));
    return rc;
}

static void digest_field(struct hash_ctx *h, const void *p, size_t len)
{
    unsigned char be[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len};
    hash_update(h, be, 4);
    if (len)
        hash_update(h, p, len);
}

int hqstore_digest(struct store *s, char out[HASH_HEX_LEN + 1], struct fc_error *err)
{
    /* enrolled_at/revoked_at are HQ decisions, not import results: they stay
     * in, while nothing in bundle, event or quarantine depends on time */
    static const char *const dumps[] = {
        "SELECT id, sign_pk, box_pk, fingerprint, cert, revoked_at IS NOT NULL FROM device"
        " ORDER BY id",
        "SELECT sha256, device, bundle_seq, first_seq, last_seq, prev_bundle, prev_head,"
        " chain_head FROM bundle ORDER BY sha256",
        "SELECT device, seq, hash, id, visit, at, kind, subject, payload, prev_hash FROM event"
        " ORDER BY device, seq, hash",
        "SELECT sha256, device, reason, data FROM quarantine ORDER BY sha256",
        NULL,
    };
    struct hash_ctx h;
    unsigned char bin[HASH_LEN];
    int rc = FC_OK;

    hash_init(&h);
    for (int t = 0; dumps[t] && !rc; t++) {
        sqlite3_stmt *st = NULL;
        int step;

        rc = store_prepare(s, dumps[t], &st, err);
        if (rc)
            break;
        digest_field(&h, dumps[t], strlen(dumps[t]));
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                unsigned char type = (unsigned char)sqlite3_column_type(st, i);
                const void *p = sqlite3_column_blob(st, i);
                int n = sqlite3_column_bytes(st, i);

                hash_update(&h, &type, 1);
                digest_field(&h, p, p ? (size_t)n : 0);
            }
        }
        if (step != SQLITE_DONE)
            rc = store_fail(s, err, "cannot read hq.db");
        sqlite3_finalize(st);
    }
    if (rc)
        return rc;
    hash_final(&h, bin);
    hash_to_hex(out, bin, HASH_LEN);
    return FC_OK;
}

/* The visit context of every event: mission, site and workflow come from the
 * visit_open event of its visit (smallest hash if that one is equivocated). */
#define VISIT_CTX_CTE                                                                        \
    "WITH ev AS (SELECT * FROM event e WHERE hash = (SELECT min(hash) FROM event x"          \
    "   WHERE x.device = e.device AND x.seq = e.seq)),"                                      \
    " vis AS (SELECT visit, json_extract(payload, '$.mission_id') AS mission,"               \
    "   json_extract(payload, '$.site_code') AS site, json_extract(payload, '$.kind') AS wf" \
    "   FROM ev WHERE kind = 'visit_open' AND json_valid(payload) GROUP BY visit)"

static int report_rows(struct store *s, const char *sql, int (*row)(sqlite3_stmt *, void *),
                       void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, sql, &st, err);

    if (rc)
        return rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = row(st, ctx);
        if (rc) {
            sqlite3_finalize(st);
            return rc;
        }
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot build the report");
    sqlite3_finalize(st);
    return rc;
}

static int row_gap(sqlite3_stmt *st, void *ctx)
{
    const struct hqstore_report_cb *cb = ctx;
    return cb->gap(cb->ctx, store_col_text(st, 0), sqlite3_column_int64(st, 1),
                   sqlite3_column_int64(st, 2));
}

static int row_equivocation(sqlite3_stmt *st, void *ctx)
{
    const struct hqstore_report_cb *cb = ctx;
    return cb->equivocation(cb->ctx, store_col_text(st, 0), sqlite3_column_int64(st, 1),
                            sqlite3_column_int64(st, 2));
}

static int row_conflict(sqlite3_stmt *st, void *ctx)
{
    const struct hqstore_report_cb *cb = ctx;
    return cb->conflict(cb->ctx, store_col_text(st, 0), store_col_text(st, 1),
                        store_col_text(st, 2), store_col_text(st, 3), store_col_text(st, 4),
                        store_col_text(st, 5));
}

static int row_summary(sqlite3_stmt *st, void *ctx)
{
    const struct hqstore_report_cb *cb = ctx;
    return cb->summary(cb->ctx, store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2),
                       store_col_text(st, 3), store_col_text(st, 4), sqlite3_column_int64(st, 5));
}

static int row_quarantined(sqlite3_stmt *st, void *ctx)
{
    const struct hqstore_report_cb *cb = ctx;
    return cb->quarantined(cb->ctx, store_col_text(st, 0), store_col_text(st, 1),
                           store_col_text(st, 2));
}

int hqstore_report(struct store *s, const struct hqstore_report_cb *cb, struct fc_error *err)
{
    int rc = FC_OK;

    if (cb->gap)
        rc = report_rows(s,
                         "SELECT device, prev + 1, seq - 1 FROM (SELECT device, seq, lag(seq, 1, 0)"
                         " OVER (PARTITION BY device ORDER BY seq) AS prev FROM (SELECT DISTINCT"
                         " device, seq FROM event)) WHERE seq > prev + 1 ORDER BY device, seq",
                         row_gap, (void *)cb, err);
    if (!rc && cb->equivocation)
        rc = report_rows(s,
                         "SELECT device, seq, count(*) FROM event GROUP BY device, seq"
                         " HAVING count(*) > 1 ORDER BY device, seq",
                         row_equivocation, (void *)cb, err);
    if (!rc && cb->conflict)
        rc = report_rows(s,
                         VISIT_CTX_CTE ", v AS (SELECT vis.site, ev.subject, ev.device,"
                                       " json_extract(ev.payload, '$.verdict') AS verdict FROM ev"
                                       " JOIN vis ON vis.visit = ev.visit WHERE ev.subject IS NOT"
                                       " NULL AND json_valid(ev.payload) AND"
                                       " json_extract(ev.payload, '$.verdict') IS NOT NULL)"
                                       " SELECT DISTINCT a.site, a.subject, a.device, a.verdict,"
                                       " b.device, b.verdict FROM v a JOIN v b ON a.site = b.site"
                                       " AND a.subject = b.subject AND a.device < b.device AND"
                                       " a.verdict <> b.verdict ORDER BY 1, 2, 3, 4, 5, 6",
                         row_conflict, (void *)cb, err);
    if (!rc && cb->summary)
        rc = report_rows(s,
                         VISIT_CTX_CTE
                         " SELECT coalesce(vis.mission, ''), coalesce(vis.site, ''),"
                         " coalesce(vis.wf, ''), ev.kind, coalesce(CASE WHEN json_valid(ev.payload)"
                         " THEN json_extract(ev.payload, '$.verdict') END, ''), count(*) FROM ev"
                         " LEFT JOIN vis ON vis.visit = ev.visit GROUP BY 1, 2, 3, 4, 5"
                         " ORDER BY 1, 2, 3, 4, 5",
                         row_summary, (void *)cb, err);
    if (!rc && cb->quarantined)
        rc = report_rows(s, "SELECT sha256, device, reason FROM quarantine ORDER BY sha256",
                         row_quarantined, (void *)cb, err);
    return rc;
}
