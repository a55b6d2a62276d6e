/* libFuzzer target for the mission pack reader (pack_open, format 2) on a
 * device that trusts a fixed test HQ key and has keys of its own. The first
 * input byte picks how deep the rest goes (the signing and encrypting is only
 * here, in the harness):
 *   0: the rest is the whole pack file;
 *   1: a pack without its outer signature; the harness appends a valid one,
 *      so the fuzzer gets past the signature to the key slots;
 *   2: the compressed plaintext; the harness encrypts it to this device and
 *      signs, so the fuzzer reaches decompression and the inner header;
 *   3: u16 manifest length, the manifest, then the files' bytes; the harness
 *      signs the manifest, compresses, encrypts and signs, so the fuzzer
 *      reaches the manifest checks and the extraction into memory files.
 * After every input the harness checks that nothing was written to disk but
 * the database, that an accepted pack's folder is a fresh child of the store
 * directory holding only links under known names, and that a refused pack
 * leaves no folder behind; any breach aborts. With FC_FUZZ_WRITE_SEEDS=DIR
 * the first run writes a real small pack in every form to DIR
 * (tests/fuzz/corpus/fuzz_pack/ was made that way). */
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/base/memdir.h"
#include "core/store/hash.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "sync/codec.h"
#include "sync/keys.h"
#include "sync/pack.h"
#include "sync/pack_internal.h"

#include <dirent.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keys_hq hq;
static struct keys_device dev;
static struct store *st;
static char base[] = "/tmp/fc-fuzz-pack-XXXXXX";
static struct buf db_path = BUF_INIT, input_path = BUF_INIT;

static int is_one_of(const char *name, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(name, list[i]))
            return 1;
    return 0;
}

/* Aborts unless every entry of dir is in allowed, each a regular file
 * (files_only) or a symbolic link (links_only). */
static void check_dir(const char *dir, const char *const *allowed, int files_only, int links_only)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        abort();
    while ((e = readdir(d))) {
        struct stat sb;
        char path[4096];

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!is_one_of(e->d_name, allowed)) {
            fprintf(stderr, "fuzz_pack: unexpected entry '%s' in '%s'\n", e->d_name, dir);
            abort();
        }
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (lstat(path, &sb) || (files_only && !S_ISREG(sb.st_mode)) ||
            (links_only && !S_ISLNK(sb.st_mode)))
            abort();
    }
    closedir(d);
}

static int buf_write(void *ctx, const void *p, size_t n, struct fc_error *err)
{
    (void)err;
    buf_add(ctx, p, n);
    return 0;
}

static struct pack_target self_target(void)
{
    struct pack_target t;

    memset(&t, 0, sizeof(t));
    snprintf(t.device_id, sizeof(t.device_id), "%s", dev.device_id);
    memcpy(t.box_pk, dev.box_pk, sizeof(t.box_pk));
    return t;
}

/* Mode 2: comp is the compressed plaintext. */
static void wrap_plain(const void *comp, size_t len, struct buf *out)
{
    struct pack_target t = self_target();

    if (len == 0 || len > PACK_MAX_PLAIN)
        return;
    if (pack_envelope(&hq, &t, 1, comp, len, buf_write, out, NULL))
        abort();
}

/* Mode 3: manifest, then the body. */
static void wrap_manifest(const unsigned char *p, size_t len, struct buf *out)
{
    struct buf inner = BUF_INIT, comp = BUF_INIT;
    unsigned char sig[CODEC_SIG_LEN];
    size_t mlen, zlen;

    if (len < 2)
        return;
    mlen = (size_t)p[0] << 8 | p[1];
    if (mlen > len - 2)
        mlen = len - 2;
    codec_sign(sig, hq.sign_sk, "fieldcheck-pack-manifest-v2", p + 2, mlen);
    buf_add(&inner, "FCPI", 4);
    codec_put_u16(&inner, 2);
    codec_put_u32(&inner, (uint32_t)mlen);
    buf_add(&inner, p + 2, mlen);
    buf_add(&inner, sig, sizeof(sig));
    buf_add(&inner, p + 2 + mlen, len - 2 - mlen);
    buf_grow(&comp, ZSTD_compressBound(inner.len));
    zlen = ZSTD_compress(comp.ptr, comp.cap, inner.ptr, inner.len, 1);
    if (ZSTD_isError(zlen))
        abort();
    wrap_plain(comp.ptr, zlen, out);
    buf_release(&inner);
    buf_release(&comp);
}

static void write_seed(const char *dir, const char *name, int mode, const void *p, size_t len)
{
    struct buf path = BUF_INIT, seed = BUF_INIT;

    buf_addf(&path, "%s/%s", dir, name);
    buf_addch(&seed, (char)mode);
    buf_add(&seed, p, len);
    if (fs_write_atomic(path.ptr, seed.ptr, seed.len, 0644, NULL))
        abort();
    buf_release(&path);
    buf_release(&seed);
}

/* One seed per mode from a real pack of a small mission. */
static void write_seeds(const char *out)
{
    static const char mission[] =
        "{\"mission_id\":\"M2026-03\",\"version\":2,\"kind\":\"night\",\"title\":\"t\","
        "\"issued_at\":\"2026-03-01T00:00:00+08:00\",\"expires_at\":\"2026-04-01T00:00:00+08:00\"}"
        "\n";
    static const char roster[] = "site_code,ward_code,ward,bed,admission_no,name,id_number\n"
                                 "H11010500001,W01,Ward,1,A1,Zhang,110105198001010016\n";
    struct memdir *files = NULL;
    struct pack_target t = self_target();
    struct buf path = BUF_INIT, pack = BUF_INIT, inner = BUF_INIT, comp = BUF_INIT;
    struct buf m3 = BUF_INIT, manifest = BUF_INIT;
    unsigned char d1[HASH_LEN], d2[HASH_LEN];
    char h1[HASH_HEX_LEN + 1], h2[HASH_HEX_LEN + 1];
    int fd = -1;
    size_t zlen;

    if (memdir_new(&files, base, NULL) || memdir_add(files, "mission.json", &fd, NULL) ||
        fs_write_all(fd, mission, strlen(mission), "m", NULL) ||
        memdir_add(files, "inpatients.csv", &fd, NULL) ||
        fs_write_all(fd, roster, strlen(roster), "r", NULL) || memdir_seal(files, NULL))
        abort();
    buf_addf(&path, "%s/seed.fcpack", base);
    if (pack_write(&hq, files, &t, 1, 0, NULL, path.ptr, NULL, NULL) ||
        fs_read_file(path.ptr, 1 << 20, &pack, NULL))
        abort();
    remove(path.ptr);
    memdir_free(files);
    write_seed(out, "pack_real", 0, pack.ptr, pack.len);
    write_seed(out, "pack_unsigned", 1, pack.ptr, pack.len - CODEC_SIG_LEN);
    /* mode 3: the manifest and the files as the harness wraps them */
    hash_sha256(d1, mission, strlen(mission));
    hash_sha256(d2, roster, strlen(roster));
    hash_to_hex(h1, d1, HASH_LEN);
    hash_to_hex(h2, d2, HASH_LEN);
    buf_addf(&manifest,
             "{\"dropped\":0,\"expires_at\":\"2026-04-01T00:00:00+08:00\",\"files\":[{\"name\":"
             "\"mission.json\",\"sha256\":\"%s\",\"size\":%zu},{\"name\":\"inpatients.csv\","
             "\"sha256\":\"%s\",\"size\":%zu}],\"format\":\"fieldcheck-pack\",\"issued_at\":"
             "\"2026-03-01T00:00:00+08:00\",\"mission_id\":\"M2026-03\",\"to\":[\"%s\"],"
             "\"version\":2}",
             h1, strlen(mission), h2, strlen(roster), dev.device_id);
    buf_addch(&m3, (char)(manifest.len >> 8));
    buf_addch(&m3, (char)manifest.len);
    buf_add(&m3, manifest.ptr, manifest.len);
    buf_adds(&m3, mission);
    buf_adds(&m3, roster);
    write_seed(out, "pack_manifest", 3, m3.ptr, m3.len);
    /* mode 2: the compressed plaintext of that content, unsigned manifest */
    buf_add(&inner, "FCPI", 4);
    codec_put_u16(&inner, 2);
    codec_put_u32(&inner, (uint32_t)manifest.len);
    buf_add(&inner, manifest.ptr, manifest.len);
    buf_add(&inner, d1, HASH_LEN); /* 64 bytes where the signature goes */
    buf_add(&inner, d2, HASH_LEN);
    buf_adds(&inner, mission);
    buf_adds(&inner, roster);
    buf_grow(&comp, ZSTD_compressBound(inner.len));
    zlen = ZSTD_compress(comp.ptr, comp.cap, inner.ptr, inner.len, 1);
    if (ZSTD_isError(zlen))
        abort();
    write_seed(out, "pack_plain", 2, comp.ptr, zlen);
    buf_release(&path);
    buf_release(&pack);
    buf_release(&inner);
    buf_release(&comp);
    buf_release(&m3);
    buf_release(&manifest);
}

/* Removes the private directory when the fuzzer exits. */
static void cleanup(void)
{
    store_close(st);
    fs_remove_tree(base);
}

static void setup(void)
{
    unsigned char seed[32] = {1};
    struct buf dir = BUF_INIT;

    hash_global_init();
    crypto_sign_seed_keypair(hq.sign_pk, hq.sign_sk, seed);
    crypto_box_seed_keypair(hq.box_pk, hq.box_sk, seed);
    setenv("FIELDCHECK_NOW", "2026-03-01T20:00:00+08:00", 1);
    if (!mkdtemp(base))
        abort();
    buf_addf(&dir, "%s/store", base);
    buf_addf(&db_path, "%s/fieldcheck.db", dir.ptr);
    buf_addf(&input_path, "%s/input.fcpack", base);
    /* a fixed device (id and keys), so that the seeds stay valid across runs */
    if (fs_mkdir_p(dir.ptr, 0700, NULL) || store_open(&st, db_path.ptr, NULL) ||
        store_meta_set(st, "device_id", "00112233445566aa", NULL))
        abort();
    store_close(st);
    if (store_open(&st, db_path.ptr, NULL))
        abort();
    {
        unsigned char dseed[32] = {2}, sign_pk[32];
        struct buf key = BUF_INIT, kpath = BUF_INIT;

        crypto_sign_seed_keypair(sign_pk, dev.sign_sk, dseed);
        crypto_box_seed_keypair(dev.box_pk, dev.box_sk, dseed);
        buf_add(&key, "FCDKEY01", 8);
        if (keys_device_id_parse(store_device_id(st), dev.id, NULL))
            abort();
        buf_add(&key, dev.id, 8);
        buf_add(&key, dev.sign_sk, 64);
        buf_add(&key, dev.box_sk, 32);
        buf_add(&key, dev.box_pk, 32);
        keys_device_path(st, &kpath);
        if (fs_write_atomic(kpath.ptr, key.ptr, key.len, 0600, NULL) ||
            keys_device_load(st, &dev, NULL))
            abort();
        buf_release(&key);
        buf_release(&kpath);
    }
    if (syncdb_trust_set(st, hq.sign_pk, hq.box_pk, "TEST-TEST-TEST-TEST", NULL, NULL))
        abort();
    atexit(cleanup);
    if (getenv("FC_FUZZ_WRITE_SEEDS"))
        write_seeds(getenv("FC_FUZZ_WRITE_SEEDS"));
    buf_release(&dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const base_entries[] = {"store", "input.fcpack", NULL};
    static const char *const store_entries[] = {"fieldcheck.db",     "fieldcheck.db-wal",
                                                "fieldcheck.db-shm", "fieldcheck.db-journal",
                                                "device.key",        NULL};
    static int ready;
    struct buf file = BUF_INIT, parent = BUF_INIT;
    struct memdir *files = NULL;
    struct pack_manifest m;
    char sha[HASH_HEX_LEN + 1];

    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 1)
        return 0;
    switch (data[0] & 3) {
    case 0: buf_add(&file, data + 1, size - 1); break;
    case 1: {
        struct codec_signer sg;
        unsigned char sig[CODEC_SIG_LEN];
        buf_add(&file, data + 1, size - 1);
        codec_signer_begin(&sg, "fieldcheck-pack-v2");
        codec_signer_update(&sg, file.ptr, file.len);
        codec_signer_create(&sg, sig, hq.sign_sk);
        buf_add(&file, sig, sizeof(sig));
        break;
    }
    case 2: wrap_plain(data + 1, size - 1, &file); break;
    default: wrap_manifest(data + 1, size - 1, &file); break;
    }
    if (fs_write_atomic(input_path.ptr, file.ptr, file.len, 0600, NULL))
        abort();
    if (pack_open(st, input_path.ptr, &files, &m, sha, NULL) == FC_OK) {
        /* the folder is a fresh child of the store directory holding links
         * under known names only */
        fs_dirname(&parent, memdir_path(files));
        if (strcmp(parent.ptr, store_dir(st)) != 0 ||
            strncmp(memdir_path(files) + parent.len, "/pack-", 6))
            abort();
        check_dir(memdir_path(files), pack_file_names, 0, 1);
        memdir_free(files);
    } else if (files) {
        abort();
    }
    check_dir(base, base_entries, 0, 0);
    check_dir(store_dir(st), store_entries, 1, 0);
    buf_release(&file);
    buf_release(&parent);
    return 0;
}
