/* The teams mission packs name, on the device. A team is recorded per pack
 * version, so loading an older pack again cannot bring back a team a newer
 * one changed; which version is current is sync_pack's highest. */
#include "core/store/teamdb.h"

#include "core/store/hash.h"
#include "core/store/store.h"

#include <stdio.h>
#include <string.h>

int teamdb_record(struct store *s, const struct teamdb_member *members, size_t n,
                  struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    size_t leads = 0;
    int rc;

    for (size_t i = 0; i < n; i++)
        leads += members[i].is_lead != 0;
    if (n == 0 || leads != 1)
        return fc_error_set(err, FC_EINPUT, "a team has members and exactly one lead");
    rc = store_begin(s, err);
    if (!rc)
        rc = store_prepare(s,
                           "INSERT OR IGNORE INTO team_member (mission_id, version, device,"
                           " sign_pk, box_pk, is_lead, expires_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           &st, err);
    for (size_t i = 0; !rc && i < n; i++) {
        char sign_hex[2 * TEAMDB_PK_LEN + 1], box_hex[2 * TEAMDB_PK_LEN + 1];

        hash_to_hex(sign_hex, members[i].sign_pk, TEAMDB_PK_LEN);
        hash_to_hex(box_hex, members[i].box_pk, TEAMDB_PK_LEN);
        store_bind_text(st, 1, members[i].mission_id);
        sqlite3_bind_int64(st, 2, members[i].version);
        store_bind_text(st, 3, members[i].device);
        store_bind_text(st, 4, sign_hex);
        store_bind_text(st, 5, box_hex);
        sqlite3_bind_int(st, 6, members[i].is_lead != 0);
        store_bind_text(st, 7, members[i].expires_at);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_fail(s, err, "cannot record the team");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!rc)
        rc = store_commit(s, err);
    if (rc)
        store_rollback(s);
    return rc;
}

static const char current_sql[] =
    "SELECT t.mission_id, t.version, t.device, t.sign_pk, t.box_pk, t.is_lead, t.expires_at,"
    " (SELECT l.device FROM team_member l WHERE l.mission_id = t.mission_id AND"
    "  l.version = t.version AND l.is_lead = 1)"
    " FROM team_member t"
    " WHERE (?1 IS NULL OR t.mission_id = ?1) AND (?2 IS NULL OR t.device = ?2)"
    " AND t.version = (SELECT max(p.version) FROM sync_pack p WHERE p.mission_id = t.mission_id)"
    " ORDER BY t.mission_id, t.device";

struct member_each {
    int (*cb)(const struct teamdb_member *m, void *ctx);
    void *ctx;
    struct fc_error *err;
};

static int member_row(sqlite3_stmt *st, void *ctx)
{
    const struct member_each *each = ctx;
    struct teamdb_member m;

    memset(&m, 0, sizeof(m));
    snprintf(m.mission_id, sizeof(m.mission_id), "%s", store_col_text(st, 0));
    m.version = sqlite3_column_int64(st, 1);
    snprintf(m.device, sizeof(m.device), "%s", store_col_text(st, 2));
    if (hash_from_hex(m.sign_pk, TEAMDB_PK_LEN, store_col_text(st, 3)) ||
        hash_from_hex(m.box_pk, TEAMDB_PK_LEN, store_col_text(st, 4)))
        return fc_error_set(each->err, FC_EINTEGRITY, "team keys of device '%s' are damaged",
                            m.device);
    m.is_lead = sqlite3_column_int(st, 5);
    snprintf(m.expires_at, sizeof(m.expires_at), "%s", store_col_text(st, 6));
    snprintf(m.lead, sizeof(m.lead), "%s", store_col_text(st, 7));
    return each->cb(&m, each->ctx);
}

static int query(struct store *s, const char *mission_id, const char *device,
                 int (*cb)(const struct teamdb_member *m, void *ctx), void *ctx,
                 struct fc_error *err)
{
    struct member_each each = {cb, ctx, err};
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, current_sql, &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, mission_id);
    store_bind_text(st, 2, device);
    return store_each(s, st, member_row, &each, "cannot read the team", err);
}

int teamdb_foreach(struct store *s, const char *mission_id,
                   int (*cb)(const struct teamdb_member *m, void *ctx), void *ctx,
                   struct fc_error *err)
{
    return query(s, mission_id, NULL, cb, ctx, err);
}

static int take_one(const struct teamdb_member *m, void *ctx)
{
    *(struct teamdb_member *)ctx = *m;
    return 1;
}

int teamdb_get(struct store *s, const char *mission_id, const char *device,
               struct teamdb_member *out, struct fc_error *err)
{
    int rc;

    memset(out, 0, sizeof(*out));
    rc = query(s, mission_id, device, take_one, out, err);
    if (rc == 1)
        return FC_OK;
    if (rc == 0)
        return fc_error_set(err, FC_ENOTFOUND, "device '%s' is not in the team of mission '%s'",
                            device, mission_id);
    return rc;
}
