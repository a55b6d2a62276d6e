/* Mission packs, format 2: encrypted to their targets end to end (HQ packs a
 * folder, the device loads it), nothing of the roster in clear in the pack
 * or on the device's disk, and every refusal of docs/bundle-format.md §5:
 * another device, a damaged byte anywhere, truncation, format 1, rollback,
 * expiry, a compression bomb, a slot sealed to another key, targets that do
 * not match the slots; and hq pack's own refusals (links, FIFOs, rejects,
 * expired missions) with --partial leaving rejected rows out. */
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/base/memdir.h"
#include "core/hq/hqstore.h"
#include "core/mission/mission.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "sync/codec.h"
#include "sync/hq.h"
#include "sync/keys.h"
#include "sync/pack.h"
#include "sync/pack_internal.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cmocka.h>

#include "hq_fixture.h"

#define SENTINEL_NAME "Sentinelname"
#define SENTINEL_ID "110105198001010016"

static char tmpl[] = "/tmp/fc-pack-XXXXXX";

struct dev {
    struct store *s;
    struct keys_device k;
};

static void dev_open(struct dev *d, const char *name, int enroll)
{
    memset(d, 0, sizeof(*d));
    hq_fx_device(name, enroll, &d->s, &d->k);
    hq_fx_trust(d->s, 1);
}

/* A night mission folder; version v, expiring at expires. */
static void mission_folder(const char *dir, int v, const char *expires, const char *extra_rows)
{
    char mj[512];
    struct buf roster = BUF_INIT;

    snprintf(mj, sizeof(mj),
             "{\"mission_id\":\"M2026-03\",\"version\":%d,\"kind\":\"night\",\"title\":\"t\","
             "\"issued_at\":\"2026-03-01T00:00:00+08:00\",\"expires_at\":\"%s\"}\n",
             v, expires);
    hq_fx_write_file(dir, "mission.json", mj);
    buf_adds(&roster, "site_code,ward_code,ward,bed,admission_no,name,id_number\n"
                      "H11010500001,W01,Ward,1,A1," SENTINEL_NAME "," SENTINEL_ID "\n");
    if (extra_rows)
        buf_adds(&roster, extra_rows);
    hq_fx_write_file(dir, "inpatients.csv", roster.ptr);
    buf_release(&roster);
}

static int make_pack(const char *dir, const char *out, const char *const *ids, size_t n,
                     int partial, uint64_t *dropped, struct fc_error *err)
{
    struct pack_target *t = NULL;
    size_t nt = 0;
    struct pack_make_args a = {0};
    struct pack_make_result res;
    struct buf scratch = BUF_INIT;
    int rc;

    buf_addf(&scratch, "%s/hq", root);
    rc = pack_targets(hq.db, ids, n, ids == NULL, &t, &nt, err);
    if (rc)
        goto out;
    a.dir = dir;
    a.out = out;
    a.scratch = scratch.ptr;
    a.to = t;
    a.n_to = nt;
    a.partial = partial;
    rc = pack_make(&hq.keys, &a, &res, err);
    if (!rc && dropped)
        *dropped = res.dropped;
out:
    free(t);
    buf_release(&scratch);
    return rc;
}

static int contains(const struct buf *b, const char *needle)
{
    return memmem(b->ptr, b->len, needle, strlen(needle)) != NULL;
}

/* Every regular file below dir that holds needle, outside missions/. */
static int plaintext_files(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int hits = 0;

    if (!d)
        return 0;
    while ((e = readdir(d))) {
        struct buf p = BUF_INIT, data = BUF_INIT;
        struct stat sb;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "missions"))
            continue;
        buf_addf(&p, "%s/%s", dir, e->d_name);
        if (lstat(p.ptr, &sb) == 0 && S_ISDIR(sb.st_mode))
            hits += plaintext_files(p.ptr, needle) + 1000; /* a left-over folder */
        else if (S_ISREG(sb.st_mode) && fs_read_file(p.ptr, 1 << 26, &data, NULL) == 0 &&
                 contains(&data, needle))
            hits++;
        buf_release(&p);
        buf_release(&data);
    }
    closedir(d);
    return hits;
}

static int setup(void **state)
{
    (void)state;
    hq_fx_setup(tmpl, "2026-03-01T20:00:00+08:00");
    return 0;
}

/* Symptom: packs carried names and resident IDs in clear, mode 0644. */
static void test_pack_encrypted_roundtrip(void **state)
{
    struct dev a;
    struct fc_error err;
    struct buf dir = BUF_INIT, pack = BUF_INIT, data = BUF_INIT, devdir = BUF_INIT;
    struct mission_info info;
    enum mission_load_status st;
    struct stat sb;
    const char *ids[1];
    (void)state;

    dev_open(&a, "a", 1);
    buf_addf(&dir, "%s/m1", root);
    buf_addf(&pack, "%s/m1.fcpack", root);
    mission_folder(dir.ptr, 2, "2026-04-01T00:00:00+08:00", NULL);
    ids[0] = a.k.device_id;
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 0, NULL, &err), 0);
    assert_int_equal(stat(pack.ptr, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(fs_read_file(pack.ptr, 1 << 20, &data, &err), 0);
    assert_false(contains(&data, SENTINEL_NAME));
    assert_false(contains(&data, SENTINEL_ID));
    assert_false(contains(&data, "M2026-03"));
    assert_false(contains(&data, "inpatients"));
    assert_int_equal(pack_load(a.s, pack.ptr, 0, NULL, &info, &st, &err), 0);
    assert_string_equal(info.mission_id, "M2026-03");
    assert_int_equal(info.version, 2);
    /* nothing of the roster in clear outside the reference file, no folder left */
    buf_adds(&devdir, store_dir(a.s));
    assert_int_equal(plaintext_files(devdir.ptr, SENTINEL_NAME), 0);
    /* the same pack again is a no-op */
    assert_int_equal(pack_load(a.s, pack.ptr, 0, NULL, &info, &st, &err), 0);
    assert_int_equal(st, MISSION_UNCHANGED);
    store_close(a.s);
    buf_release(&dir);
    buf_release(&pack);
    buf_release(&data);
    buf_release(&devdir);
}

/* Symptom: hq pack failed with "cannot compress the pack: Src size is
 * incorrect" for every mission with scan_patterns.csv (the demo's): the
 * last of the known file names was never compressed. */
static void test_pack_every_known_file(void **state)
{
    struct dev a;
    struct fc_error err;
    struct buf dir = BUF_INIT, pack = BUF_INIT;
    struct mission_info info;
    enum mission_load_status st;
    const char *ids[1];
    (void)state;

    dev_open(&a, "every", 1);
    buf_addf(&dir, "%s/mall", root);
    buf_addf(&pack, "%s/mall.fcpack", root);
    mission_folder(dir.ptr, 1, "2026-04-01T00:00:00+08:00", NULL);
    hq_fx_write_file(
        dir.ptr, "scan_patterns.csv",
        "site_code,kind,regex,fields\nH11010500001,wristband,^WB([A-Z0-9]+)$,admission_no\n");
    ids[0] = a.k.device_id;
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 0, NULL, &err), 0);
    assert_int_equal(pack_load(a.s, pack.ptr, 0, NULL, &info, &st, &err), 0);
    {
        struct buf counts = BUF_INIT;
        assert_int_equal(mission_counts(a.s, "M2026-03", 1, &counts, &err), 0);
        assert_non_null(strstr(counts.ptr, "\"scan_patterns.csv\""));
        buf_release(&counts);
    }
    store_close(a.s);
    buf_release(&dir);
    buf_release(&pack);
}

static void test_pack_refusals(void **state)
{
    struct dev a, b;
    struct fc_error err;
    struct buf dir = BUF_INIT, pack = BUF_INIT, data = BUF_INIT, bad = BUF_INIT;
    struct mission_info info;
    const char *ids[1];
    int64_t v = 0;
    (void)state;

    dev_open(&a, "ra", 1);
    dev_open(&b, "rb", 1);
    buf_addf(&dir, "%s/m2", root);
    buf_addf(&pack, "%s/m2.fcpack", root);
    buf_addf(&bad, "%s/bad.fcpack", root);
    mission_folder(dir.ptr, 2, "2026-04-01T00:00:00+08:00", NULL);
    ids[0] = a.k.device_id;
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 0, NULL, &err), 0);

    /* another device: a clear refusal */
    assert_int_equal(pack_load(b.s, pack.ptr, 0, NULL, &info, NULL, &err), FC_EVERIFY);
    assert_non_null(strstr(err.msg, "not addressed to this device"));

    /* a damaged byte anywhere, or a truncation: refused, nothing loaded */
    assert_int_equal(fs_read_file(pack.ptr, 1 << 20, &data, &err), 0);
    for (size_t off = 0; off < data.len; off += 29) {
        data.ptr[off] ^= 0x20;
        assert_int_equal(fs_write_atomic(bad.ptr, data.ptr, data.len, 0600, &err), 0);
        data.ptr[off] ^= 0x20;
        assert_int_equal(pack_load(a.s, bad.ptr, 0, NULL, &info, NULL, &err), FC_EVERIFY);
    }
    for (size_t len = 0; len < data.len; len += 97) {
        assert_int_equal(fs_write_atomic(bad.ptr, data.ptr, len, 0600, &err), 0);
        assert_int_equal(pack_load(a.s, bad.ptr, 0, NULL, &info, NULL, &err), FC_EVERIFY);
    }
    assert_int_equal(syncdb_mission_max_version(a.s, "M2026-03", &v, &err), 0);
    assert_int_equal(v, 0);

    /* format 1 (the old clear packs) is refused by name */
    data.ptr[7] = 1;
    assert_int_equal(fs_write_atomic(bad.ptr, data.ptr, data.len, 0600, &err), 0);
    assert_int_equal(pack_load(a.s, bad.ptr, 0, NULL, &info, NULL, &err), FC_EVERIFY);
    assert_non_null(strstr(err.msg, "format 1"));

    /* expiry (the clock) */
    setenv("FIELDCHECK_NOW", "2026-05-01T00:00:00+08:00", 1);
    assert_int_equal(pack_load(a.s, pack.ptr, 0, NULL, &info, NULL, &err), FC_EVERIFY);
    assert_non_null(strstr(err.msg, "expired"));
    setenv("FIELDCHECK_NOW", "2026-03-01T20:00:00+08:00", 1);

    /* a compression bomb stops at the cap */
    pack_set_inner_limit(100);
    assert_int_equal(pack_load(a.s, pack.ptr, 0, NULL, &info, NULL, &err), FC_EVERIFY);
    assert_non_null(strstr(err.msg, "above the limit"));
    pack_set_inner_limit(0);

    /* rollback: a newer version loaded from a folder */
    mission_folder(dir.ptr, 3, "2026-04-01T00:00:00+08:00", NULL);
    assert_int_equal(mission_load(a.s, dir.ptr, 0, NULL, &info, NULL, &err), 0);
    assert_int_equal(pack_load(a.s, pack.ptr, 0, NULL, &info, NULL, &err), FC_EVERIFY);
    assert_non_null(strstr(err.msg, "older than the loaded"));

    store_close(a.s);
    store_close(b.s);
    buf_release(&dir);
    buf_release(&pack);
    buf_release(&data);
    buf_release(&bad);
}

static int buf_write(void *ctx, const void *p, size_t n, struct fc_error *err)
{
    (void)err;
    buf_add(ctx, p, n);
    return 0;
}

/* A pack HQ signs with a manifest of the test's choosing. */
static void crafted_pack(const char *path, const char *manifest, const char *body,
                         const struct pack_target *to, size_t n)
{
    struct buf inner = BUF_INIT, comp = BUF_INIT, out = BUF_INIT;
    unsigned char sig[CODEC_SIG_LEN];
    struct fc_error err;
    size_t zlen;

    codec_sign(sig, hq.keys.sign_sk, "fieldcheck-pack-manifest-v2", manifest, strlen(manifest));
    buf_add(&inner, "FCPI", 4);
    codec_put_u16(&inner, 2);
    codec_put_u32(&inner, (uint32_t)strlen(manifest));
    buf_adds(&inner, manifest);
    buf_add(&inner, sig, sizeof(sig));
    buf_adds(&inner, body);
    buf_grow(&comp, ZSTD_compressBound(inner.len));
    zlen = ZSTD_compress(comp.ptr, comp.cap, inner.ptr, inner.len, 3);
    assert_false(ZSTD_isError(zlen));
    assert_int_equal(pack_envelope(&hq.keys, to, n, comp.ptr, zlen, buf_write, &out, &err), 0);
    assert_int_equal(fs_write_atomic(path, out.ptr, out.len, 0600, &err), 0);
    buf_release(&inner);
    buf_release(&comp);
    buf_release(&out);
}

/* The mission.json every crafted pack carries. */
static const char crafted_mj[] =
    "{\"mission_id\":\"M9\",\"version\":1,\"kind\":\"night\",\"title\":"
    "\"t\",\"issued_at\":\"2026-03-01T00:00:00+08:00\",\"expires_at\":"
    "\"2026-04-01T00:00:00+08:00\"}";

/* crafted_pack with crafted_mj in it, sealed to the one slot t: its signed
 * manifest names the targets to (the insides of a JSON array) and one file,
 * name, with the SHA-256 sha256. */
static void crafted_mission_pack(const char *path, const char *to, const char *name,
                                 const char *sha256, const struct pack_target *t)
{
    struct buf manifest = BUF_INIT;

    buf_addf(&manifest,
             "{\"format\":\"fieldcheck-pack\",\"mission_id\":\"M9\",\"version\":1,\"issued_at\":"
             "\"2026-03-01T00:00:00+08:00\",\"expires_at\":\"2026-04-01T00:00:00+08:00\","
             "\"to\":[%s],\"dropped\":0,\"files\":[{\"name\":\"%s\",\"size\":%zu,"
             "\"sha256\":\"%s\"}]}",
             to, name, strlen(crafted_mj), sha256);
    crafted_pack(path, manifest.ptr, crafted_mj, t, 1);
    buf_release(&manifest);
}

static void test_pack_crafted(void **state)
{
    static const char zeros[] = "00000000000000000000000000000000000000000000000000000000"
                                "00000000";
    /* each refused, FC_EVERIFY with msg; b_key: the slot is sealed to b's
     * key, not a's; to_b: the manifest names b as a target too */
    static const struct {
        const char *what;
        int b_key, to_b;
        const char *name;
        int bad_sha256;
        const char *msg;
    } refused[] = {
        {"a slot for this device whose key is sealed to another device's key", 1, 0, "mission.json",
         0, "does not open"},
        {"targets in the manifest other than the slots", 0, 1, "mission.json", 0, "other targets"},
        {"a file whose bytes do not match its SHA-256", 0, 0, "mission.json", 1,
         "does not match its SHA-256"},
        {"a name that is not a mission file never becomes a path", 0, 0, "../mission.json", 0,
         "unknown, repeated or invalid"},
    };
    struct dev a, b;
    struct fc_error err;
    struct buf pack = BUF_INIT, to_a = BUF_INIT, to_ab = BUF_INIT;
    struct pack_target t;
    struct mission_info info;
    unsigned char digest[HASH_LEN];
    char hex[HASH_HEX_LEN + 1];
    (void)state;

    dev_open(&a, "ca", 1);
    dev_open(&b, "cb", 1);
    buf_addf(&pack, "%s/crafted.fcpack", root);
    hash_sha256(digest, crafted_mj, strlen(crafted_mj));
    hash_to_hex(hex, digest, HASH_LEN);
    buf_addf(&to_a, "\"%s\"", a.k.device_id);
    buf_addf(&to_ab, "\"%s\",\"%s\"", a.k.device_id, b.k.device_id);
    memset(&t, 0, sizeof(t));
    snprintf(t.device_id, sizeof(t.device_id), "%s", a.k.device_id);

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        memcpy(t.box_pk, refused[i].b_key ? b.k.box_pk : a.k.box_pk, 32);
        crafted_mission_pack(pack.ptr, refused[i].to_b ? to_ab.ptr : to_a.ptr, refused[i].name,
                             refused[i].bad_sha256 ? zeros : hex, &t);
        if (pack_load(a.s, pack.ptr, 0, NULL, &info, NULL, &err) != FC_EVERIFY ||
            !strstr(err.msg, refused[i].msg))
            fail_msg("%s: not refused with '%s'", refused[i].what, refused[i].msg);
    }

    /* the well-formed one loads */
    crafted_mission_pack(pack.ptr, to_a.ptr, "mission.json", hex, &t);
    {
        struct memdir *files = NULL;
        struct pack_manifest m;
        struct buf got = BUF_INIT, path = BUF_INIT;

        assert_int_equal(pack_open(a.s, pack.ptr, &files, &m, hex, &err), 0);
        assert_string_equal(m.mission_id, "M9");
        buf_addf(&path, "%s/mission.json", memdir_path(files));
        assert_int_equal(fs_read_file(path.ptr, 4096, &got, &err), 0);
        assert_string_equal(got.ptr, crafted_mj);
        memdir_free(files);
        buf_release(&got);
        buf_release(&path);
    }
    store_close(a.s);
    store_close(b.s);
    buf_release(&pack);
    buf_release(&to_a);
    buf_release(&to_ab);
}

static void test_pack_make_refusals(void **state)
{
    struct dev a;
    struct fc_error err;
    struct buf dir = BUF_INIT, pack = BUF_INIT, p = BUF_INIT;
    const char *ids[1];
    uint64_t dropped = 0;
    (void)state;

    dev_open(&a, "ma", 1);
    ids[0] = a.k.device_id;
    buf_addf(&dir, "%s/m3", root);
    buf_addf(&pack, "%s/m3.fcpack", root);

    /* Symptom: hq pack followed symlinks (it signed /etc/shadow into a pack) */
    mission_folder(dir.ptr, 1, "2026-04-01T00:00:00+08:00", NULL);
    buf_addf(&p, "%s/sites.csv", dir.ptr);
    assert_int_equal(symlink("/etc/hostname", p.ptr), 0);
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 0, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "symbolic link"));
    unlink(p.ptr);
    assert_int_equal(mkfifo(p.ptr, 0600), 0);
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 0, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "not a regular file"));
    unlink(p.ptr);
    assert_false(fs_exists(pack.ptr));

    /* expired */
    mission_folder(dir.ptr, 1, "2026-02-01T00:00:00+08:00", NULL);
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 0, NULL, &err), FC_ESTATE);
    assert_non_null(strstr(err.msg, "expired"));

    /* rejected rows refuse the pack; --partial leaves them out, and a leave of
     * a patient left out goes in the next round */
    mission_folder(dir.ptr, 1, "2026-04-01T00:00:00+08:00",
                   "H11010500001,W01,Ward,2,A2,Li,1101051980\n"
                   "H11010500001,W01,Ward,3,A3,Wang,110105198001010024\n");
    hq_fx_write_file(dir.ptr, "leaves.csv",
                     "site_code,admission_no,leave_from,leave_until,reason,approved_by\n"
                     "H11010500001,A2,2026-03-01T08:00:00+08:00,2026-03-02T08:00:00+08:00,x,y\n");
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 0, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "rejected rows"));
    assert_false(fs_exists(pack.ptr));
    assert_int_equal(make_pack(dir.ptr, pack.ptr, ids, 1, 1, &dropped, &err), 0);
    assert_int_equal(dropped, 2);
    {
        struct mission_info info;
        struct buf counts = BUF_INIT;
        assert_int_equal(pack_load(a.s, pack.ptr, 0, NULL, &info, NULL, &err), 0);
        assert_int_equal(mission_counts(a.s, "M2026-03", 1, &counts, &err), 0);
        assert_non_null(strstr(counts.ptr, "\"inpatients.csv\""));
        assert_non_null(strstr(counts.ptr, "\"loaded\":2"));
        buf_release(&counts);
    }
    /* no scratch folder is left in the HQ directory */
    {
        struct buf hqdir = BUF_INIT;
        buf_addf(&hqdir, "%s/hq", root);
        assert_int_equal(plaintext_files(hqdir.ptr, SENTINEL_NAME), 0);
        buf_release(&hqdir);
    }
    store_close(a.s);
    buf_release(&dir);
    buf_release(&pack);
    buf_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_encrypted_roundtrip),
        cmocka_unit_test(test_pack_every_known_file),
        cmocka_unit_test(test_pack_refusals),
        cmocka_unit_test(test_pack_crafted),
        cmocka_unit_test(test_pack_make_refusals),
    };
    return cmocka_run_group_tests(tests, setup, hq_fx_teardown);
}
