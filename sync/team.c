/* Teams on the device: who a member's bundles are sealed to, and the lead's
 * side — verifying a member's bundle with the member's keys from the pack
 * and merging it into the team store with HQ's own merge, so the team store
 * holds what HQ would hold of the same bundles. Membership comes only from
 * the signed packs (core/store/teamdb.h), never from a teammate's stick. */
#include "sync/team.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/teamdb.h"
#include "sync/hq.h"
#include "sync/keys.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sealing: the leads of this device's teams ------------------------------ */

/* The rows of the packs in teamdb: all of them, this device's own rows, or
 * the rows of the members this device (self) leads. */
enum rows_which { ROWS_ALL, ROWS_OWN, ROWS_LED };

struct rows_of {
    const char *self;
    enum rows_which which;
    struct teamdb_member *v;
    size_t n;
};

static int collect_rows(const struct teamdb_member *m, void *ctx)
{
    struct rows_of *r = ctx;

    if ((r->which == ROWS_OWN && strcmp(m->device, r->self)) ||
        (r->which == ROWS_LED && strcmp(m->lead, r->self)))
        return 0;
    r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
    r->v[r->n++] = *m;
    return 0;
}

/* Adds the lead of row m to the recipients *v (*n of them), unless m is no
 * lead's row, the lead is this device (self), its pack has expired or the
 * lead is there already. */
static void add_recipient(struct bundle_recipient **v, size_t *n, const struct teamdb_member *m,
                          const char *self, int64_t now)
{
    int64_t expires = 0;

    if (!m->is_lead || !strcmp(m->device, self))
        return;
    if (clock_parse(m->expires_at, &expires) || expires <= now)
        return;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i].device_id, m->device))
            return;
    *v = xreallocarray(*v, *n + 1, sizeof(**v));
    snprintf((*v)[*n].device_id, sizeof((*v)[*n].device_id), "%s", m->device);
    memcpy((*v)[*n].box_pk, m->box_pk, sizeof((*v)[*n].box_pk));
    (*n)++;
}

static int cmp_recipient(const void *a, const void *b)
{
    return strcmp(((const struct bundle_recipient *)a)->device_id,
                  ((const struct bundle_recipient *)b)->device_id);
}

int bundle_team_recipients(struct store *s, struct bundle_recipient **out, size_t *n,
                           struct fc_error *err)
{
    const char *self = store_device_id(s);
    int64_t now = clock_now_ms();
    struct rows_of mine = {self, ROWS_OWN, NULL, 0};
    struct bundle_recipient *v = NULL;
    size_t nv = 0;
    int rc = teamdb_foreach(s, NULL, collect_rows, &mine, err);

    /* only leads of teams that name this device: its own rows tell */
    for (size_t i = 0; !rc && i < mine.n; i++) {
        struct rows_of team = {self, ROWS_ALL, NULL, 0};

        rc = teamdb_foreach(s, mine.v[i].mission_id, collect_rows, &team, err);
        for (size_t j = 0; !rc && j < team.n; j++)
            add_recipient(&v, &nv, &team.v[j], self, now);
        free(team.v);
    }
    free(mine.v);
    if (!rc && nv > BUNDLE_MAX_TEAM)
        rc = fc_error_set(err, FC_ELIMIT,
                          "this device is in teams with %zu different leads; a bundle is sealed "
                          "to at most %d",
                          nv, BUNDLE_MAX_TEAM);
    if (rc) {
        free(v);
        v = NULL;
        nv = 0;
    }
    if (nv)
        qsort(v, nv, sizeof(*v), cmp_recipient);
    *out = v;
    *n = nv;
    return rc;
}

/* ---- the team store ------------------------------------------------------------ */

void team_store_path(struct store *s, struct buf *out)
{
    buf_addf(out, "%s/team.db", store_dir(s));
}

int team_store_open(struct store *s, int create, struct hqdb **out, struct fc_error *err)
{
    struct buf path = BUF_INIT;
    int rc;

    *out = NULL;
    team_store_path(s, &path);
    if (!create && !fs_exists(path.ptr))
        rc = fc_error_set(err, FC_ENOTFOUND,
                          "no team store yet: 'fieldcheck team import FILE...' creates it");
    else
        rc = hqstore_open(out, path.ptr, err);
    buf_release(&path);
    return rc;
}

/* ---- import ----------------------------------------------------------------------- */

/* The member a bundle's header names, in a team this device leads. */
struct find_member {
    const char *self, *device;
    struct teamdb_member found;
    int leads_any;
};

static int find_member(const struct teamdb_member *m, void *ctx)
{
    struct find_member *f = ctx;

    if (strcmp(m->lead, f->self))
        return 0;
    f->leads_any = 1;
    if (strcmp(m->device, f->device))
        return 0;
    f->found = *m;
    return 1;
}

static int read_team(const void *data, size_t len, const unsigned char sign_pk[32],
                     const void *keys, const struct bundle_sink *sink, struct bundle_contents *info,
                     struct fc_error *err)
{
    return bundle_read_team(data, len, sign_pk, keys, sink, info, err);
}

/* The member's row in the team store's device table: its keys from the
 * pack; the certificate column names the pack the membership came from. */
static int admit_member(struct hqdb *db, const struct teamdb_member *m, struct fc_error *err)
{
    struct hq_device d;
    struct buf cert = BUF_INIT;
    int rc;

    hq_device_row(&d, m->device, m->sign_pk, m->box_pk);
    buf_addf(&cert, "fieldcheck-team-member-v1:%s:%lld", m->mission_id, (long long)m->version);
    rc = hqstore_device_add(db, &d, cert.ptr, cert.len, NULL, err);
    buf_release(&cert);
    return rc;
}

static int import_into(struct store *s, struct hqdb *db, const char *name, const void *data,
                       size_t len, struct team_import_result *res, struct fc_error *err)
{
    struct find_member f;
    struct bundle_header h;
    struct keys_device k;
    int rc;

    memset(&k, 0, sizeof(k));
    memset(&f, 0, sizeof(f));
    rc = bundle_peek(data, len, &h, err);
    if (rc)
        goto out;
    snprintf(res->device, sizeof(res->device), "%s", h.device_id);
    res->bundle_seq = h.bundle_seq;
    f.self = store_device_id(s);
    f.device = h.device_id;
    rc = teamdb_foreach(s, NULL, find_member, &f, err);
    if (rc < 0)
        goto out;
    if (!f.leads_any) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "this device leads no team: only the lead named in a mission pack "
                          "('hq pack --lead') imports teammates' bundles");
        goto out;
    }
    if (!strcmp(h.device_id, f.self)) {
        /* the lead's own bundle on the same stick: its events are here */
        res->outcome = TEAM_OWN;
        rc = FC_OK;
        goto out;
    }
    if (rc != 1) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "device '%s' is not a member of a team this device leads", h.device_id);
        goto out;
    }
    snprintf(res->mission_id, sizeof(res->mission_id), "%s", f.found.mission_id);
    /* the same file again changes nothing (as at HQ) */
    rc = hq_bundle_known(db, data, len, h.device_id, &res->stats, &res->first_seq, &res->last_seq,
                         err);
    if (rc) {
        if (rc > 0) {
            res->outcome = TEAM_DUPLICATE;
            rc = FC_OK;
        }
        goto out;
    }
    rc = keys_device_load(s, &k, err);
    if (!rc)
        rc = admit_member(db, &f.found, err);
    if (!rc)
        rc = hq_merge_bundle(db, data, len, f.found.sign_pk, read_team, &k, &res->stats,
                             &res->first_seq, &res->last_seq, err);
    if (!rc)
        res->outcome = res->stats.duplicate ? TEAM_DUPLICATE : TEAM_IMPORTED;
out:
    sodium_memzero(&k, sizeof(k));
    if (rc)
        fc_error_prefix(err, "cannot import '%s'", name);
    return rc;
}

int team_import_data(struct store *s, struct hqdb *team, const char *name, const void *data,
                     size_t len, struct team_import_result *res, struct fc_error *err)
{
    struct hqdb *own = NULL;
    int rc = FC_OK;

    memset(res, 0, sizeof(*res));
    if (!team) {
        rc = team_store_open(s, 1, &own, err);
        team = own;
    }
    if (!rc)
        rc = import_into(s, team, name, data, len, res, err);
    hqdb_close(own);
    return rc;
}

int team_import_file(struct store *s, struct hqdb *team, const char *path,
                     struct team_import_result *res, struct fc_error *err)
{
    struct buf data = BUF_INIT;
    int rc = fs_read_file(path, BUNDLE_MAX_FILE, &data, err);

    memset(res, 0, sizeof(*res));
    if (!rc)
        rc = team_import_data(s, team, path, data.ptr, data.len, res, err);
    buf_release(&data);
    return rc;
}

/* ---- members ----------------------------------------------------------------------- */

int team_members(struct store *s, struct hqdb *team, const char *mission_id,
                 int (*cb)(const struct team_member_state *m, void *ctx), void *ctx,
                 struct fc_error *err)
{
    struct rows_of ms = {store_device_id(s), ROWS_LED, NULL, 0};
    int rc = teamdb_foreach(s, mission_id, collect_rows, &ms, err);

    if (!rc && ms.n == 0)
        rc = mission_id ? fc_error_set(err, FC_ENOTFOUND,
                                       "this device leads no team in mission '%s'", mission_id)
                        : fc_error_set(err, FC_ENOTFOUND,
                                       "this device leads no team: a mission pack made with "
                                       "'hq pack --lead' names the lead");
    for (size_t i = 0; !rc && i < ms.n; i++) {
        struct team_member_state st;

        memset(&st, 0, sizeof(st));
        snprintf(st.mission_id, sizeof(st.mission_id), "%s", ms.v[i].mission_id);
        st.mission_version = ms.v[i].version;
        snprintf(st.device, sizeof(st.device), "%s", ms.v[i].device);
        codec_fingerprint(st.fingerprint, ms.v[i].sign_pk, ms.v[i].box_pk);
        st.is_lead = ms.v[i].is_lead;
        st.is_self = !strcmp(ms.v[i].device, ms.self);
        if (st.is_self) {
            rc = event_head(s, &st.chain.head_seq, st.chain.head, err);
            st.chain.events = st.chain.max_seq = st.chain.head_seq;
        } else if (team) {
            rc = team_chain_get(team, st.device, &st.chain, err);
        }
        if (!rc)
            rc = cb(&st, ctx);
    }
    free(ms.v);
    return rc;
}

/* ---- the team checkpoint ------------------------------------------------------------- */

#define TEAM_CHECKPOINT_BODY (1 + 8 + 8 + 2 + HASH_LEN)

int team_checkpoint_make(struct store *s, const char *digest_hex, size_t members, int64_t issued_ms,
                         struct buf *code, struct fc_error *err)
{
    struct keys_device k;
    struct buf b = BUF_INIT;
    unsigned char digest[HASH_LEN], sig[CODEC_SIG_LEN];
    int rc;

    if (strlen(digest_hex) != HASH_HEX_LEN || hash_from_hex(digest, HASH_LEN, digest_hex))
        return fc_error_set(err, FC_EINTERNAL, "malformed team digest");
    if (members < 1 || members > TEAM_CHECKPOINT_MAX_MEMBERS)
        return fc_error_set(err, FC_ELIMIT, "a team checkpoint covers 1 to %d members, not %zu",
                            TEAM_CHECKPOINT_MAX_MEMBERS, members);
    rc = keys_device_load(s, &k, err);
    if (rc)
        return rc;
    buf_addch(&b, 1);
    buf_add(&b, k.id, 8);
    codec_put_u64(&b, (uint64_t)issued_ms);
    buf_addch(&b, (char)(members >> 8));
    buf_addch(&b, (char)(members & 0xff));
    buf_add(&b, digest, HASH_LEN);
    codec_sign(sig, k.sign_sk, "fieldcheck-team-checkpoint-v1", b.ptr, b.len);
    buf_add(&b, sig, sizeof(sig));
    codec_code_encode(code, "FCT1", b.ptr, b.len);
    buf_release(&b);
    sodium_memzero(&k, sizeof(k));
    return FC_OK;
}

int team_checkpoint_verify(const char *code, const unsigned char lead_sign_pk[32],
                           struct team_checkpoint *out, struct fc_error *err)
{
    struct buf b = BUF_INIT;
    const unsigned char *p;
    int rc = codec_code_decode(code, "FCT1", &b, "team checkpoint", err);

    if (rc)
        goto out;
    p = (const unsigned char *)b.ptr;
    if (b.len != TEAM_CHECKPOINT_BODY + CODEC_SIG_LEN || p[0] != 1) {
        rc = fc_error_set(err, FC_EINPUT, "team checkpoint has an unsupported length or version");
        goto out;
    }
    if (!codec_verify(p + TEAM_CHECKPOINT_BODY, lead_sign_pk, "fieldcheck-team-checkpoint-v1", p,
                      TEAM_CHECKPOINT_BODY)) {
        rc = fc_error_set(err, FC_EVERIFY, "team checkpoint signature does not verify");
        goto out;
    }
    hash_to_hex(out->lead, p + 1, 8);
    out->issued_ms = (int64_t)codec_get_u64(p + 9);
    out->members = (size_t)p[17] << 8 | p[18];
    hash_to_hex(out->digest, p + 19, HASH_LEN);
out:
    buf_release(&b);
    return rc;
}

struct find_lead {
    const char *lead;
    struct teamdb_member found;
    int n;
};

static int find_lead(const struct teamdb_member *m, void *ctx)
{
    struct find_lead *f = ctx;

    if (!m->is_lead || strcmp(m->device, f->lead))
        return 0;
    f->found = *m;
    f->n++;
    return 0;
}

int team_checkpoint_check(struct store *s, const char *code, struct team_checkpoint *out,
                          char mission_id[128], struct fc_error *err)
{
    struct buf b = BUF_INIT;
    struct find_lead f;
    char lead[17];
    int rc = codec_code_decode(code, "FCT1", &b, "team checkpoint", err);

    memset(&f, 0, sizeof(f));
    if (!rc && b.len != TEAM_CHECKPOINT_BODY + CODEC_SIG_LEN)
        rc = fc_error_set(err, FC_EINPUT, "team checkpoint has an unsupported length or version");
    if (rc)
        goto out;
    hash_to_hex(lead, (const unsigned char *)b.ptr + 1, 8);
    f.lead = lead;
    rc = teamdb_foreach(s, NULL, find_lead, &f, err);
    if (!rc && !f.n)
        rc =
            fc_error_set(err, FC_EVERIFY,
                         "device %s leads no team of a pack loaded here: its key is unknown", lead);
    if (!rc)
        rc = team_checkpoint_verify(code, f.found.sign_pk, out, err);
    if (!rc && mission_id)
        snprintf(mission_id, 128, "%s", f.found.mission_id);
out:
    buf_release(&b);
    return rc;
}
