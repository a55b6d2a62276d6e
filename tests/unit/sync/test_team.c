/* Teams (docs/bundle-format.md §5 "Teams", §6 version 2 and "Team lead
 * verification"): a pack with --lead records the team on every member; a
 * member's bundle is sealed to HQ and to the lead, which both open it, and
 * to nobody else; the lead's team store merges bundles exactly as HQ does
 * (any order, twice, the same events; equivocation and gaps reported), and
 * refuses bundles of devices outside the teams it leads. */
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/hq/hqstore.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/teamdb.h"
#include "core/team/chain.h"
#include "core/team/view.h"
#include "sync/bundle.h"
#include "sync/codec.h"
#include "sync/hq.h"
#include "sync/keys.h"
#include "sync/pack.h"
#include "sync/team.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hq_fixture.h"

static char tmpl[] = "/tmp/fc-team-XXXXXX";
static const char zero[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct dev {
    struct store *s;
    struct keys_device k;
};

/* lead, two members, and a fourth laptop outside the team */
static struct dev lead, m1, m2, out4;

static void dev_open(struct dev *d, const char *name)
{
    memset(d, 0, sizeof(*d));
    hq_fx_device(name, 1, &d->s, &d->k);
    hq_fx_trust(d->s, 0);
}

/* Packs a small mission for ids with lead (NULL: no team); returns the path. */
static void make_pack(const char *name, int version, const char *const *ids, size_t n,
                      const char *lead_id, struct buf *pack)
{
    struct pack_target *t = NULL;
    size_t nt = 0;
    struct pack_make_args a = {0};
    struct pack_make_result res;
    struct buf dir = BUF_INIT, scratch = BUF_INIT;
    struct fc_error err;
    char mj[512];

    buf_addf(&dir, "%s/%s", root, name);
    buf_addf(&scratch, "%s/hq", root);
    buf_addf(pack, "%s/%s.fcpack", root, name);
    snprintf(mj, sizeof(mj),
             "{\"mission_id\":\"T2026\",\"version\":%d,\"kind\":\"night\",\"title\":\"t\","
             "\"issued_at\":\"2026-03-01T00:00:00+08:00\","
             "\"expires_at\":\"2026-04-01T00:00:00+08:00\"}\n",
             version);
    hq_fx_write_file(dir.ptr, "mission.json", mj);
    hq_fx_write_file(dir.ptr, "inpatients.csv",
                     "site_code,ward_code,ward,bed,admission_no,name,id_number\n"
                     "H11010500001,W01,Ward,1,A1,Name,110105198001010016\n");
    if (lead_id)
        assert_int_equal(pack_team_targets(hq.db, ids, n, lead_id, &t, &nt, &err), 0);
    else
        assert_int_equal(pack_targets(hq.db, ids, n, 0, &t, &nt, &err), 0);
    a.dir = dir.ptr;
    a.out = pack->ptr;
    a.scratch = scratch.ptr;
    a.to = t;
    a.n_to = nt;
    a.lead = lead_id;
    if (pack_make(&hq.keys, &a, &res, &err))
        fail_msg("pack: %s", err.msg);
    free(t);
    buf_release(&dir);
    buf_release(&scratch);
}

static void load(struct dev *d, const char *pack)
{
    struct fc_error err;
    struct mission_info info;
    enum mission_load_status st;

    if (pack_load(d->s, pack, 0, NULL, &info, &st, &err))
        fail_msg("load: %s", err.msg);
}

static int setup(void **state)
{
    struct buf pack = BUF_INIT;
    const char *ids[3];

    (void)state;
    hq_fx_setup(tmpl, "2026-03-02T20:00:00+08:00");
    dev_open(&lead, "lead");
    dev_open(&m1, "m1");
    dev_open(&m2, "m2");
    dev_open(&out4, "outsider");
    ids[0] = lead.k.device_id;
    ids[1] = m1.k.device_id;
    ids[2] = m2.k.device_id;
    make_pack("team", 1, ids, 3, lead.k.device_id, &pack);
    load(&lead, pack.ptr);
    load(&m1, pack.ptr);
    load(&m2, pack.ptr);
    buf_release(&pack);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(lead.s);
    store_close(m1.s);
    store_close(m2.s);
    store_close(out4.s);
    hq_fx_close();
    return 0;
}

static void note(struct dev *d, const char *text)
{
    struct fc_error err;
    json_t *p = json_pack("{s:s}", "note", text);

    assert_int_equal(event_commit_json(d->s, NULL, clock_now_ms(), "note", NULL, p, NULL, &err), 0);
    json_decref(p);
}

/* Exports d's next bundle into dir and reads it back. */
static void export(struct dev *d, const char *dir, struct buf *data)
{
    struct bundle_export_result r;
    struct fc_error err;

    if (bundle_export(d->s, dir, &r, &err))
        fail_msg("export: %s", err.msg);
    assert_true(r.path[0] != 0);
    buf_reset(data);
    assert_int_equal(fs_read_file(r.path, BUNDLE_MAX_FILE, data, &err), 0);
}

static int count_member(const struct teamdb_member *m, void *ctx)
{
    int *n = ctx;

    (*n)++;
    assert_string_equal(m->lead, lead.k.device_id);
    assert_int_equal(m->is_lead, !strcmp(m->device, lead.k.device_id));
    return 0;
}

static void test_team_recorded(void **state)
{
    struct bundle_recipient *r = NULL;
    struct fc_error err;
    size_t n = 0;
    int members = 0;
    (void)state;

    assert_int_equal(teamdb_foreach(m1.s, "T2026", count_member, &members, &err), 0);
    assert_int_equal(members, 3);
    /* a member seals to its lead; the lead to nobody but HQ */
    assert_int_equal(bundle_team_recipients(m1.s, &r, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].device_id, lead.k.device_id);
    assert_memory_equal(r[0].box_pk, lead.k.box_pk, 32);
    free(r);
    assert_int_equal(bundle_team_recipients(lead.s, &r, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(bundle_team_recipients(out4.s, &r, &n, &err), 0);
    assert_int_equal(n, 0);
}

/* One file key, two sealed copies: HQ and the lead open the same events,
 * the fourth laptop cannot, and nobody can add or change a slot. */
static void test_bundle_sealed_twice(void **state)
{
    struct buf data = BUF_INIT, own = BUF_INIT, bad = BUF_INIT, dir = BUF_INIT;
    struct bundle_contents at_hq, at_lead;
    struct bundle_header h;
    struct fc_error err;
    (void)state;

    buf_addf(&dir, "%s/stick-sealed", root);
    note(&m1, "sealed twice");
    export(&m1, dir.ptr, &data);
    assert_int_equal(bundle_peek(data.ptr, data.len, &h, &err), 0);
    assert_int_equal(h.version, 2);
    assert_int_equal(h.n_team, 1);
    assert_string_equal(h.team[0], lead.k.device_id);
    assert_int_equal(bundle_verify_outer(data.ptr, data.len, &err), 0);
    assert_int_equal(bundle_open(data.ptr, data.len, m1.k.sign_pk, &hq.keys, &at_hq, &err), 0);
    {
        struct bundle_sink sink = {NULL, NULL, NULL};
        assert_int_equal(
            bundle_read_team(data.ptr, data.len, m1.k.sign_pk, &lead.k, &sink, &at_lead, &err), 0);
    }
    assert_string_equal(at_hq.chain_head, at_lead.chain_head);
    assert_int_equal(at_hq.last_seq, at_lead.last_seq);
    bundle_contents_release(&at_hq);
    bundle_contents_release(&at_lead);
    /* the fourth laptop has no slot, and a member's key is not a lead's */
    assert_int_equal(
        bundle_read_team(data.ptr, data.len, m1.k.sign_pk, &out4.k, NULL, &at_lead, &err),
        FC_EVERIFY);
    assert_non_null(strstr(err.msg, "not sealed to this device"));
    assert_int_equal(
        bundle_read_team(data.ptr, data.len, m1.k.sign_pk, &m2.k, NULL, &at_lead, &err),
        FC_EVERIFY);
    /* renaming the slot to the outsider breaks the signature */
    buf_add(&bad, data.ptr, data.len);
    memcpy(bad.ptr + 146, out4.k.id, 8);
    assert_int_equal(bundle_verify_outer(bad.ptr, bad.len, &err), FC_EVERIFY);
    assert_int_equal(
        bundle_read_team(bad.ptr, bad.len, m1.k.sign_pk, &out4.k, NULL, &at_lead, &err),
        FC_EVERIFY);
    /* a damaged sealed key: HQ's copy still opens, the lead's does not */
    buf_reset(&bad);
    buf_add(&bad, data.ptr, data.len);
    bad.ptr[146 + 8 + 40] ^= 1;
    assert_int_equal(bundle_open(bad.ptr, bad.len, m1.k.sign_pk, &hq.keys, &at_hq, &err),
                     FC_EVERIFY); /* the outer signature covers the slot */
    /* slot counts out of range are refused before anything else */
    buf_reset(&bad);
    buf_add(&bad, data.ptr, data.len);
    bad.ptr[144] = 0;
    bad.ptr[145] = 0;
    assert_int_equal(bundle_peek(bad.ptr, bad.len, &h, &err), FC_EINPUT);
    bad.ptr[145] = 17;
    assert_int_equal(bundle_peek(bad.ptr, bad.len, &h, &err), FC_EINPUT);
    /* the lead's own bundles are version 1, sealed to HQ alone */
    note(&lead, "the lead's own");
    export(&lead, dir.ptr, &own);
    assert_int_equal(bundle_peek(own.ptr, own.len, &h, &err), 0);
    assert_int_equal(h.version, 1);
    assert_int_equal(
        bundle_read_team(own.ptr, own.len, lead.k.sign_pk, &lead.k, NULL, &at_lead, &err),
        FC_EVERIFY);
    assert_non_null(strstr(err.msg, "sealed to HQ alone"));
    buf_release(&data);
    buf_release(&own);
    buf_release(&bad);
    buf_release(&dir);
}

/* ---- the team store ------------------------------------------------------------- */

struct rows {
    struct buf b;
};

static int dump_row(void *ctx, const struct hqdb_val *c, int n)
{
    struct rows *r = ctx;

    for (int i = 0; i < n; i++) {
        if (c[i].type == HQDB_INT)
            buf_addf(&r->b, "%lld|", (long long)c[i].i);
        else if (c[i].type == HQDB_NULL)
            buf_adds(&r->b, "-|");
        else {
            buf_add(&r->b, c[i].s, c[i].len);
            buf_addch(&r->b, '|');
        }
    }
    buf_addch(&r->b, '\n');
    return 0;
}

/* The merged events, bundles and equivocations of the two members, as
 * text: what "the same store" means (HQ's holds other devices too). */
static void dump(struct hqdb *db, struct buf *out)
{
    struct rows r = {BUF_INIT};
    struct fc_error err;
    struct hqdb_val p[] = {HQDB_S(m1.k.device_id), HQDB_S(m2.k.device_id)};

    assert_int_equal(hqdb_query(db,
                                "SELECT device, seq, hash, id, visit, at, kind, subject, payload,"
                                " prev_hash FROM event WHERE device IN ($1, $2)"
                                " ORDER BY device, seq, hash",
                                p, 2, dump_row, &r, &err),
                     0);
    assert_int_equal(hqdb_query(db,
                                "SELECT sha256, device, bundle_seq, first_seq, last_seq FROM bundle"
                                " WHERE device IN ($1, $2) ORDER BY sha256",
                                p, 2, dump_row, &r, &err),
                     0);
    assert_int_equal(hqdb_query(db,
                                "SELECT device, seq FROM equivocation WHERE device IN ($1, $2)"
                                " ORDER BY device, seq",
                                p, 2, dump_row, &r, &err),
                     0);
    buf_reset(out);
    buf_add(out, r.b.ptr, r.b.len);
    buf_release(&r.b);
}

static struct hqdb *fresh_store(const char *name)
{
    struct buf p = BUF_INIT;
    struct hqdb *db = NULL;
    struct fc_error err;

    buf_addf(&p, "%s/stores/%s.db", root, name);
    assert_int_equal(hqstore_open(&db, p.ptr, &err), 0);
    buf_release(&p);
    return db;
}

#define NB 6

/* Three simulated days of two members, bundles overlapping (no receipt in
 * between), imported in many orders and twice: the same store every time,
 * and the same events as HQ's import of the same files. */
static void test_team_store_any_order(void **state)
{
    struct buf files[NB], want = BUF_INIT, got = BUF_INIT, dir = BUF_INIT, hq_dump = BUF_INIT;
    struct team_import_result res;
    struct fc_error err;
    struct hqdb *db;
    unsigned seed = 7;
    int nf = 0;
    (void)state;

    buf_addf(&dir, "%s/stick-days", root);
    for (int day = 0; day < 3; day++) {
        char now[64];
        snprintf(now, sizeof(now), "2026-03-0%dT21:00:00+08:00", day + 3);
        setenv("FIELDCHECK_NOW", now, 1);
        note(&m1, "m1 day");
        note(&m1, "m1 day, again");
        note(&m2, "m2 day");
        buf_init(&files[nf]);
        export(&m1, dir.ptr, &files[nf++]);
        buf_init(&files[nf]);
        export(&m2, dir.ptr, &files[nf++]);
    }
    setenv("FIELDCHECK_NOW", "2026-03-05T22:00:00+08:00", 1);
    /* reference: in export order, once */
    db = fresh_store("ref");
    for (int i = 0; i < nf; i++) {
        assert_int_equal(team_import_data(lead.s, db, "f", files[i].ptr, files[i].len, &res, &err),
                         0);
        assert_int_equal(res.outcome, TEAM_IMPORTED);
        assert_string_equal(res.mission_id, "T2026");
    }
    /* again: nothing changes */
    for (int i = 0; i < nf; i++) {
        assert_int_equal(team_import_data(lead.s, db, "f", files[i].ptr, files[i].len, &res, &err),
                         0);
        assert_int_equal(res.outcome, TEAM_DUPLICATE);
    }
    dump(db, &want);
    {
        struct team_chain c;
        assert_int_equal(team_chain_get(db, m1.k.device_id, &c, &err), 0);
        assert_int_equal(c.bundles, 3);
        assert_int_equal(c.head_seq, c.max_seq);
        assert_int_equal(c.missing, 0);
        assert_int_equal(c.equivocations, 0);
    }
    hqdb_close(db);
    /* HQ's own import of the same files holds the same events */
    for (int i = 0; i < nf; i++) {
        struct hq_import_result hr;
        assert_int_equal(hq_import_data(&hq, "f", files[i].ptr, files[i].len, &hr, &err), 0);
    }
    dump(hq.db, &hq_dump);
    assert_string_equal(hq_dump.ptr, want.ptr);
    /* random orders with duplicates */
    for (int round = 0; round < 20; round++) {
        char name[16];
        int order[2 * NB];

        for (int i = 0; i < 2 * NB; i++)
            order[i] = i % nf;
        for (int i = 2 * NB - 1; i > 0; i--) {
            int j = (int)(rand_r(&seed) % (unsigned)(i + 1)), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        snprintf(name, sizeof(name), "r%d", round);
        db = fresh_store(name);
        for (int i = 0; i < 2 * NB; i++)
            assert_int_equal(team_import_data(lead.s, db, "f", files[order[i]].ptr,
                                              files[order[i]].len, &res, &err),
                             0);
        dump(db, &got);
        assert_string_equal(got.ptr, want.ptr);
        hqdb_close(db);
    }
    for (int i = 0; i < nf; i++)
        buf_release(&files[i]);
    buf_release(&want);
    buf_release(&got);
    buf_release(&dir);
    buf_release(&hq_dump);
}

/* A chain of n events of d with payloads tagged t (a fork differs in t). */
struct chain {
    struct event ev[8];
    char payload[8][64];
};

static void chain_make(struct chain *c, const struct dev *d, int n, const char *t)
{
    for (int i = 0; i < n; i++) {
        struct event *e = &c->ev[i];

        memset(e, 0, sizeof(*e));
        e->seq = i + 1;
        snprintf(e->id, sizeof(e->id), "00000000-0000-4000-8000-%s%07d", t, i + 1);
        snprintf(e->device, sizeof(e->device), "%s", d->k.device_id);
        e->at_ms = 1772366400000LL + i * 60000;
        clock_format_utc(e->at_ms, e->at);
        e->kind = "note";
        snprintf(c->payload[i], sizeof(c->payload[i]), "{\"note\":\"%s%d\"}", t, i + 1);
        e->payload = c->payload[i];
        memcpy(e->prev_hash, i ? c->ev[i - 1].hash : zero, sizeof(e->prev_hash));
        event_compute_hash(e);
    }
}

static void build(const struct dev *d, const struct chain *c, int first, int last, uint64_t bseq,
                  struct buf *out)
{
    struct bundle_build_args a = hq_fx_bundle_args(&d->k, bseq, c->ev, first);
    struct bundle_recipient r;
    struct fc_error err;

    memset(&r, 0, sizeof(r));
    snprintf(r.device_id, sizeof(r.device_id), "%s", lead.k.device_id);
    memcpy(r.box_pk, lead.k.box_pk, 32);
    a.team = &r;
    a.n_team = 1;
    buf_init(out);
    if (bundle_build(&a, &c->ev[first - 1], (size_t)(last - first + 1), out, &err))
        fail_msg("build: %s", err.msg);
}

static void test_team_store_equivocation_and_gap(void **state)
{
    struct chain a, fork;
    struct buf b1, b2, b3;
    struct team_import_result res;
    struct team_chain c;
    struct fc_error err;
    struct hqdb *db = fresh_store("forks");
    (void)state;

    chain_make(&a, &m2, 6, "a");
    chain_make(&fork, &m2, 6, "f");
    memcpy(&fork.ev[0], &a.ev[0], sizeof(a.ev[0])); /* the fork starts at seq 2 */
    strcpy(fork.payload[0], a.payload[0]);
    fork.ev[0].payload = fork.payload[0];
    for (int i = 1; i < 6; i++) {
        memcpy(fork.ev[i].prev_hash, fork.ev[i - 1].hash, sizeof(fork.ev[i].prev_hash));
        event_compute_hash(&fork.ev[i]);
    }
    build(&m2, &a, 1, 2, 1, &b1);
    build(&m2, &fork, 2, 3, 2, &b2);
    build(&m2, &a, 5, 6, 3, &b3);
    assert_int_equal(team_import_data(lead.s, db, "b1", b1.ptr, b1.len, &res, &err), 0);
    assert_int_equal(team_import_data(lead.s, db, "b3", b3.ptr, b3.len, &res, &err), 0);
    assert_int_equal(team_chain_get(db, m2.k.device_id, &c, &err), 0);
    assert_int_equal(c.head_seq, 2);
    assert_int_equal(c.missing, 2);
    assert_int_equal(c.gap_from, 3);
    assert_int_equal(c.gap_to, 4);
    assert_int_equal(team_import_data(lead.s, db, "b2", b2.ptr, b2.len, &res, &err), 0);
    assert_int_equal(res.stats.equivocations, 1);
    assert_int_equal(team_chain_get(db, m2.k.device_id, &c, &err), 0);
    assert_int_equal(c.equivocations, 1);
    assert_int_equal(c.missing, 1);  /* seq 3 came with the fork, 4 is still missing */
    assert_int_equal(c.head_seq, 1); /* what a receipt would acknowledge */
    hqdb_close(db);
    buf_release(&b1);
    buf_release(&b2);
    buf_release(&b3);
}

static void test_team_refusals(void **state)
{
    struct chain c;
    struct buf b, dir = BUF_INIT, data = BUF_INIT;
    struct team_import_result res;
    struct fc_error err;
    struct hqdb *db = fresh_store("refusals");
    (void)state;

    /* a device outside the team, even sealed to the lead */
    chain_make(&c, &out4, 2, "o");
    build(&out4, &c, 1, 2, 1, &b);
    assert_int_equal(team_import_data(lead.s, db, "x", b.ptr, b.len, &res, &err), FC_EVERIFY);
    assert_non_null(strstr(err.msg, "not a member"));
    /* a member is not a lead: it cannot import a teammate's bundle */
    buf_addf(&dir, "%s/stick-refusals", root);
    note(&m2, "for the lead only");
    export(&m2, dir.ptr, &data);
    assert_int_equal(team_import_data(m1.s, db, "y", data.ptr, data.len, &res, &err), FC_EVERIFY);
    assert_non_null(strstr(err.msg, "leads no team"));
    /* a damaged byte anywhere in the ciphertext: nothing stored */
    data.ptr[data.len / 2] ^= 0x20;
    assert_int_not_equal(team_import_data(lead.s, db, "z", data.ptr, data.len, &res, &err), 0);
    {
        struct team_chain tc;
        assert_int_equal(team_chain_get(db, m2.k.device_id, &tc, &err), 0);
        assert_int_equal(tc.events, 0);
    }
    hqdb_close(db);
    buf_release(&b);
    buf_release(&dir);
    buf_release(&data);
}

/* A newer pack of the mission without a team ends it: bundles go to HQ only. */
static void test_team_ends_with_newer_pack(void **state)
{
    struct buf pack = BUF_INIT, dir = BUF_INIT, data = BUF_INIT;
    struct bundle_header h;
    struct fc_error err;
    const char *ids[1] = {m1.k.device_id};
    (void)state;

    make_pack("noteam", 2, ids, 1, NULL, &pack);
    load(&m1, pack.ptr);
    buf_addf(&dir, "%s/stick-noteam", root);
    note(&m1, "after the team");
    export(&m1, dir.ptr, &data);
    assert_int_equal(bundle_peek(data.ptr, data.len, &h, &err), 0);
    assert_int_equal(h.version, 1);
    buf_release(&pack);
    buf_release(&dir);
    buf_release(&data);
}

/* ---- the team checkpoint (docs/bundle-format.md §11) ------------------------- */

struct heads {
    char dev[8][17];
    int64_t seq[8];
    char head[8][HASH_HEX_LEN + 1];
    size_t n;
};

static int collect_head(const char *device, int is_self, const struct team_chain *c, void *ctx)
{
    struct heads *h = ctx;

    (void)is_self;
    assert_true(h->n < 8);
    snprintf(h->dev[h->n], sizeof(h->dev[0]), "%s", device);
    h->seq[h->n] = c->head_seq;
    snprintf(h->head[h->n], sizeof(h->head[0]), "%s", c->head);
    h->n++;
    return 0;
}

static void put_u64(struct hash_ctx *c, uint64_t v)
{
    unsigned char b[8];

    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (56 - 8 * i));
    hash_update(c, b, 8);
}

/* The heads digest is what the format says, recomputed here from the heads
 * the view lists; the checkpoint verifies with the lead's key only, and a
 * changed character or another key is refused. */
static void test_team_checkpoint(void **state)
{
    struct team_view *tv = NULL;
    struct hqdb *db = NULL;
    struct fc_error err;
    struct heads h;
    struct hash_ctx hc;
    struct team_checkpoint cp;
    struct buf code = BUF_INIT, bad = BUF_INIT;
    unsigned char bin[HASH_LEN], raw[HASH_LEN], id[8];
    char hex[HASH_HEX_LEN + 1], want[HASH_HEX_LEN + 1], own[HASH_HEX_LEN + 1];
    int64_t version = 0, own_seq = 0;
    size_t n = 0;
    (void)state;

    note(&lead, "the lead's own record");
    assert_int_equal(team_store_open(lead.s, 1, &db, &err), 0);
    assert_int_equal(team_view_open(lead.s, db, &tv, &err), 0);
    assert_int_equal(team_view_digest(tv, "T2026", hex, &version, &n), 0);
    assert_int_equal(version, 1);
    assert_int_equal(n, 3);
    assert_int_equal(team_view_digest(tv, "NO-SUCH", hex + 0, NULL, NULL), FC_ENOTFOUND);
    assert_int_equal(team_view_digest(tv, "T2026", hex, NULL, NULL), 0);

    memset(&h, 0, sizeof(h));
    team_view_team_heads(tv, "T2026", collect_head, &h);
    assert_int_equal(h.n, 3);
    assert_true(strcmp(h.dev[0], h.dev[1]) < 0 && strcmp(h.dev[1], h.dev[2]) < 0);
    assert_int_equal(event_head(lead.s, &own_seq, own, &err), 0);
    for (size_t i = 0; i < h.n; i++)
        if (!strcmp(h.dev[i], lead.k.device_id)) {
            assert_int_equal(h.seq[i], own_seq);
            assert_string_equal(h.head[i], own);
        }
    hash_init(&hc);
    hash_update(&hc, "fieldcheck-team-heads-v1", 25); /* with its NUL */
    hash_update(&hc,
                "\x05"
                "T2026",
                6);
    put_u64(&hc, 1);
    for (size_t i = 0; i < h.n; i++) {
        assert_int_equal(hash_from_hex(id, 8, h.dev[i]), 0);
        assert_int_equal(hash_from_hex(raw, HASH_LEN, h.head[i]), 0);
        hash_update(&hc, id, 8);
        put_u64(&hc, (uint64_t)h.seq[i]);
        hash_update(&hc, raw, HASH_LEN);
    }
    hash_final(&hc, bin);
    hash_to_hex(want, bin, HASH_LEN);
    assert_string_equal(hex, want);

    assert_int_equal(team_checkpoint_make(lead.s, hex, 0, 1, &code, &err), FC_ELIMIT);
    assert_int_equal(team_checkpoint_make(lead.s, hex, n, 1780000000000LL, &code, &err), 0);
    assert_int_equal(strncmp(code.ptr, "FCT1", 4), 0);
    assert_true(code.len <= 200);
    assert_int_equal(team_checkpoint_verify(code.ptr, lead.k.sign_pk, &cp, &err), 0);
    assert_string_equal(cp.lead, lead.k.device_id);
    assert_string_equal(cp.digest, hex);
    assert_int_equal(cp.members, 3);
    assert_int_equal(cp.issued_ms, 1780000000000LL);
    assert_int_equal(team_checkpoint_verify(code.ptr, m1.k.sign_pk, &cp, &err), FC_EVERIFY);
    buf_adds(&bad, code.ptr);
    bad.ptr[40] = bad.ptr[40] == 'A' ? 'B' : 'A';
    assert_int_not_equal(team_checkpoint_verify(bad.ptr, lead.k.sign_pk, &cp, &err), 0);

    team_view_free(tv);
    hqdb_close(db);
    buf_release(&code);
    buf_release(&bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_team_recorded),
        cmocka_unit_test(test_bundle_sealed_twice),
        cmocka_unit_test(test_team_store_any_order),
        cmocka_unit_test(test_team_store_equivocation_and_gap),
        cmocka_unit_test(test_team_refusals),
        cmocka_unit_test(test_team_checkpoint),
        cmocka_unit_test(test_team_ends_with_newer_pack),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
