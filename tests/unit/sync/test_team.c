/* Teams (docs/bundle-format.md §5 "Teams", §6 version 2): a pack with
 * --lead records the team on every member; a member's bundle is sealed to
 * HQ and to the lead, which both open it, and to nobody else. */
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/teamdb.h"
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

static char tmpl[] = "/tmp/fc-team-XXXXXX";
static char *root;
static struct hq hq;

struct dev {
    struct store *s;
    struct keys_device k;
};

/* lead, two members, and a fourth laptop outside the team */
static struct dev lead, m1, m2, out4;

static void dev_open(struct dev *d, const char *name)
{
    struct fc_error err;
    struct buf path = BUF_INIT, code = BUF_INIT, pub = BUF_INIT;
    struct keys_enrollment e;
    struct keys_trust_result tr;
    int added = 0;

    memset(d, 0, sizeof(*d));
    buf_addf(&path, "%s/%s/fieldcheck.db", root, name);
    assert_int_equal(store_open(&d->s, path.ptr, &err), 0);
    assert_int_equal(keys_device_init(d->s, &d->k, NULL, &err), 0);
    keys_enrollment_code(&d->k, &code);
    assert_int_equal(hq_enroll(&hq, code.ptr, &e, &added, &err), 0);
    buf_addf(&pub, "%s/hq/hq.pub", root);
    assert_int_equal(keys_trust_file(d->s, pub.ptr, 0, &tr, &err), 0);
    buf_release(&path);
    buf_release(&code);
    buf_release(&pub);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    struct buf p = BUF_INIT;
    struct fc_error err;

    buf_addf(&p, "%s/%s", dir, name);
    assert_int_equal(fs_mkdir_p(dir, 0700, &err), 0);
    assert_int_equal(fs_write_atomic(p.ptr, text, strlen(text), 0600, &err), 0);
    buf_release(&p);
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
    write_file(dir.ptr, "mission.json", mj);
    write_file(dir.ptr, "inpatients.csv",
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
    struct fc_error err;
    struct buf dir = BUF_INIT, pack = BUF_INIT;
    char fp[20];
    const char *ids[3];

    (void)state;
    root = mkdtemp(tmpl);
    assert_non_null(root);
    setenv("FIELDCHECK_NOW", "2026-03-02T20:00:00+08:00", 1);
    buf_addf(&dir, "%s/hq", root);
    assert_int_equal(hq_init(dir.ptr, NULL, fp, &err), 0);
    assert_int_equal(hq_open(&hq, dir.ptr, NULL, &err), 0);
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
    buf_release(&dir);
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
    hq_close(&hq);
    fs_remove_tree(root);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_team_recorded),
        cmocka_unit_test(test_bundle_sealed_twice),
        cmocka_unit_test(test_team_ends_with_newer_pack),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
