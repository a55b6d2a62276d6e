/* Device-side sync bookkeeping. Each setter is its own committed transaction
 * because the callers (keys trust, export, receipt apply, pack load) are
 * single steps whose result the user sees at once (DESIGN §2, principle 1). */
#include "core/store/syncdb.h"

#include "core/base/clock.h"
#include "core/store/store.h"

#include <stdio.h>
#include <string.h>

struct trust_keys {
    unsigned char *sign_pk, *box_pk;
    struct fc_error *err;
};

static int trust_row(sqlite3_stmt *st, void *ctx)
{
    const struct trust_keys *k = ctx;

    if (hash_from_hex(k->sign_pk, SYNCDB_PK_LEN, store_col_text(st, 0)) ||
        hash_from_hex(k->box_pk, SYNCDB_PK_LEN, store_col_text(st, 1)))
        return fc_error_set(k->err, FC_EINTEGRITY, "trusted HQ keys in the database are damaged");
    return FC_OK;
}

int syncdb_trust_get(struct store *s, unsigned char sign_pk[SYNCDB_PK_LEN],
                     unsigned char box_pk[SYNCDB_PK_LEN], struct fc_error *err)
{
    struct trust_keys k = {sign_pk, box_pk, err};
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT sign_pk, box_pk FROM sync_trust WHERE id = 1", &st, err);

    if (rc)
        return rc;
    rc = store_one(s, st, trust_row, &k, "cannot read trusted HQ keys", err);
    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND,
                          "no trusted HQ key: run 'fieldcheck keys trust HQ_PUB_FILE'");
    return rc;
}

int syncdb_trust_fingerprint(struct store *s, char fingerprint[20], struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT fingerprint FROM sync_trust WHERE id = 1", &st, err);

    fingerprint[0] = '\0';
    if (rc)
        return rc;
    rc = store_one_text(s, st, fingerprint, 20, "cannot read trusted HQ keys", err);
    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND,
                          "no trusted HQ key: run 'fieldcheck keys trust HQ_PUB_FILE'");
    return rc;
}

int syncdb_trust_set(struct store *s, const unsigned char sign_pk[SYNCDB_PK_LEN],
                     const unsigned char box_pk[SYNCDB_PK_LEN], const char *fingerprint,
                     int *replaced, struct fc_error *err)
{
    unsigned char old_sign[SYNCDB_PK_LEN], old_box[SYNCDB_PK_LEN];
    char sign_hex[2 * SYNCDB_PK_LEN + 1], box_hex[2 * SYNCDB_PK_LEN + 1], at[CLOCK_ISO_MAX];
    sqlite3_stmt *st = NULL;
    int rc, was = 0;

    rc = syncdb_trust_get(s, old_sign, old_box, NULL);
    if (rc == FC_OK)
        was = memcmp(old_sign, sign_pk, SYNCDB_PK_LEN) || memcmp(old_box, box_pk, SYNCDB_PK_LEN);
    hash_to_hex(sign_hex, sign_pk, SYNCDB_PK_LEN);
    hash_to_hex(box_hex, box_pk, SYNCDB_PK_LEN);
    clock_format_utc(clock_now_ms(), at);
    rc = store_prepare(s,
                       "INSERT OR REPLACE INTO sync_trust (id, sign_pk, box_pk, fingerprint,"
                       " trusted_at) VALUES (1, ?1, ?2, ?3, ?4)",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, sign_hex);
    store_bind_text(st, 2, box_hex);
    store_bind_text(st, 3, fingerprint);
    store_bind_text(st, 4, at);
    rc = store_run(s, st, "cannot store HQ keys", err);
    if (!rc && replaced)
        *replaced = was;
    return rc;
}

int syncdb_state_get(struct store *s, struct syncdb_state *out, struct fc_error *err)
{
    static const char zeros[HASH_HEX_LEN + 1] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT s.bundle_seq, s.last_bundle, a.acked_seq, a.acked_head"
                           " FROM sync_state s LEFT JOIN sync_trust t ON t.id = 1"
                           " LEFT JOIN sync_ack a ON a.hq_sign_pk = t.sign_pk WHERE s.id = 1",
                           &st, err);

    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->bundle_seq = sqlite3_column_int64(st, 0);
        snprintf(out->last_bundle, sizeof(out->last_bundle), "%s", store_col_text(st, 1));
        out->acked_seq = sqlite3_column_int64(st, 2); /* 0 when NULL */
        snprintf(out->acked_head, sizeof(out->acked_head), "%s",
                 sqlite3_column_type(st, 3) == SQLITE_NULL ? zeros : store_col_text(st, 3));
    } else {
        rc = store_fail(s, err, "cannot read sync state");
    }
    sqlite3_finalize(st);
    return rc;
}

int syncdb_bundle_record(struct store *s, int64_t bundle_seq, const char *sha256_hex,
                         const char *file, int64_t first_seq, int64_t last_seq,
                         const char *chain_head, struct fc_error *err)
{
    struct syncdb_state cur;
    sqlite3_stmt *st = NULL;
    char at[CLOCK_ISO_MAX];
    int rc;

    rc = store_begin(s, err);
    if (rc)
        return rc;
    rc = syncdb_state_get(s, &cur, err);
    if (rc)
        goto out;
    if (bundle_seq != cur.bundle_seq + 1) {
        rc = fc_error_set(err, FC_ESTATE, "bundle %lld is not the next bundle (last was %lld)",
                          (long long)bundle_seq, (long long)cur.bundle_seq);
        goto out;
    }
    clock_format_utc(clock_now_ms(), at);
    rc = store_prepare(s,
                       "INSERT INTO sync_bundle (bundle_seq, sha256, file, first_seq, last_seq,"
                       " chain_head, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       &st, err);
    if (rc)
        goto out;
    sqlite3_bind_int64(st, 1, bundle_seq);
    store_bind_text(st, 2, sha256_hex);
    store_bind_text(st, 3, file);
    sqlite3_bind_int64(st, 4, first_seq);
    sqlite3_bind_int64(st, 5, last_seq);
    store_bind_text(st, 6, chain_head);
    store_bind_text(st, 7, at);
    rc = store_run(s, st, "cannot record bundle", err);
    if (!rc)
        rc = store_prepare(
            s, "UPDATE sync_state SET bundle_seq = ?1, last_bundle = ?2 WHERE id = 1", &st, err);
    if (rc)
        goto out;
    sqlite3_bind_int64(st, 1, bundle_seq);
    store_bind_text(st, 2, sha256_hex);
    rc = store_run(s, st, "cannot update sync state", err);
    if (!rc)
        rc = store_commit(s, err);
out:
    if (rc)
        store_rollback(s);
    return rc;
}

int syncdb_ack(struct store *s, const unsigned char hq_sign_pk[SYNCDB_PK_LEN], int64_t acked_seq,
               const char *head_hex, int *raised, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    char at[CLOCK_ISO_MAX], key[2 * SYNCDB_PK_LEN + 1];
    int rc;

    if (raised)
        *raised = 0;
    clock_format_utc(clock_now_ms(), at);
    hash_to_hex(key, hq_sign_pk, SYNCDB_PK_LEN);
    rc = store_prepare(s,
                       "INSERT INTO sync_ack (hq_sign_pk, acked_seq, acked_head, acked_at)"
                       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (hq_sign_pk) DO UPDATE SET"
                       " acked_seq = excluded.acked_seq, acked_head = excluded.acked_head,"
                       " acked_at = excluded.acked_at WHERE excluded.acked_seq > acked_seq",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, acked_seq);
    store_bind_text(st, 3, head_hex);
    store_bind_text(st, 4, at);
    rc = store_run(s, st, "cannot record the acknowledgement", err);
    if (!rc && raised)
        *raised = acked_seq > 0 && sqlite3_changes(store_db(s)) > 0;
    return rc;
}

int syncdb_unsynced_count(struct store *s, int64_t *n, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT count(*) FROM event WHERE seq > COALESCE((SELECT a.acked_seq"
                           " FROM sync_trust t JOIN sync_ack a ON a.hq_sign_pk = t.sign_pk"
                           " WHERE t.id = 1), 0)",
                           &st, err);

    *n = 0;
    if (rc)
        return rc;
    return store_one_int64(s, st, n, "cannot count unsynced events", err);
}

int syncdb_event_hash(struct store *s, int64_t seq, char out[HASH_HEX_LEN + 1],
                      struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT hash FROM event WHERE seq = ?1", &st, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    rc = store_one_text(s, st, out, HASH_HEX_LEN + 1, "cannot read event", err);
    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "no event %lld on this device", (long long)seq);
    return rc;
}

int syncdb_mission_max_version(struct store *s, const char *mission_id, int64_t *version,
                               struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT max(coalesce((SELECT max(version) FROM mission"
                           " WHERE mission_id = ?1), 0), coalesce((SELECT max(version)"
                           " FROM sync_pack WHERE mission_id = ?1), 0))",
                           &st, err);

    *version = 0;
    if (rc)
        return rc;
    store_bind_text(st, 1, mission_id);
    return store_one_int64(s, st, version, "cannot read loaded missions", err);
}

int syncdb_pack_record(struct store *s, const char *mission_id, int64_t version,
                       const char *sha256_hex, const char *signed_by, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    char at[CLOCK_ISO_MAX];
    int rc =
        store_prepare(s,
                      "INSERT OR IGNORE INTO sync_pack (mission_id, version, sha256, loaded_at,"
                      " signed_by) VALUES (?1, ?2, ?3, ?4, ?5)",
                      &st, err);

    if (rc)
        return rc;
    clock_format_utc(clock_now_ms(), at);
    store_bind_text(st, 1, mission_id);
    sqlite3_bind_int64(st, 2, version);
    store_bind_text(st, 3, sha256_hex);
    store_bind_text(st, 4, at);
    store_bind_text(st, 5, signed_by);
    return store_run(s, st, "cannot record pack", err);
}

int syncdb_mission_signer(struct store *s, const char *mission_id, int64_t version,
                          char signed_by[20], struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT coalesce(signed_by, '') FROM sync_pack WHERE mission_id = ?1"
                           " AND (?2 <= 0 OR version = ?2) ORDER BY version DESC LIMIT 1",
                           &st, err);

    signed_by[0] = '\0';
    if (rc)
        return rc;
    store_bind_text(st, 1, mission_id);
    sqlite3_bind_int64(st, 2, version);
    rc = store_one_text(s, st, signed_by, 20, "cannot read loaded packs", err);
    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "mission '%s' never arrived signed", mission_id);
    return rc;
}

int syncdb_mission_pack(struct store *s, const char *mission_id, int64_t version,
                        char sha256[HASH_HEX_LEN + 1], struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "SELECT sha256 FROM sync_pack WHERE mission_id = ?1 AND version = ?2",
                           &st, err);

    sha256[0] = '\0';
    if (rc)
        return rc;
    store_bind_text(st, 1, mission_id);
    sqlite3_bind_int64(st, 2, version);
    rc = store_one_text(s, st, sha256, HASH_HEX_LEN + 1, "cannot read loaded packs", err);
    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "mission '%s' version %lld was not loaded from a pack",
                          mission_id, (long long)version);
    return rc;
}
