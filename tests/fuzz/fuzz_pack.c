/* libFuzzer target for the mission pack reader (pack_verify_extract) on a
 * device that trusts a fixed test HQ key. The first input byte picks a mode.
 * Even: the rest is the whole pack file. Odd: the rest is a pack without its
 * signature, and this harness appends a valid one made with the test HQ key,
 * so the fuzzer gets past the signature to the manifest and extraction. (The
 * signing is only here, in the harness.) After every input the harness checks
 * that nothing was written outside the private directory the reader returns,
 * that this directory holds only the fixed known file names, and that a
 * refused pack leaves no directory behind; any breach aborts. With
 * FC_FUZZ_WRITE_SEEDS=DIR the first run writes a real small pack in both
 * forms to DIR (tests/fuzz/corpus/fuzz_pack/ was made that way). */
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/store/hash.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "sync/codec.h"
#include "sync/pack.h"

#include <dirent.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keys_hq hq;
static struct store *st;
static char base[] = "/tmp/fc-fuzz-pack-XXXXXX";
static struct buf db_path = BUF_INIT, input_path = BUF_INIT;

static const char *const known[] = {
    "mission.json", "sites.csv",       "wards.csv",      "inpatients.csv",    "leaves.csv",
    "drugs.csv",    "settlements.csv", "suspicions.csv", "scan_patterns.csv", NULL,
};

static int is_one_of(const char *name, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(name, list[i]))
            return 1;
    return 0;
}

/* Aborts unless every entry of dir is in allowed (regular files only when
 * files_only). */
static void check_dir(const char *dir, const char *const *allowed, int files_only)
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
        if (files_only && (lstat(path, &sb) || !S_ISREG(sb.st_mode)))
            abort();
    }
    closedir(d);
}

static void write_seeds(const char *out)
{
    static const char mission[] =
        "{\"mission_id\":\"M2026-03\",\"version\":2,\"kind\":\"night\",\"title\":\"t\","
        "\"issued_at\":\"2026-03-01T00:00:00+08:00\",\"expires_at\":\"2026-04-01T00:00:00+08:00\"}"
        "\n";
    static const char roster[] = "site_code,ward_code,ward,bed,admission_no,name,id_number\n"
                                 "H11010500001,W01,Ward,1,A1,Zhang,110105198001010016\n";
    struct buf dir = BUF_INIT, path = BUF_INIT, pack = BUF_INIT, seed = BUF_INIT;

    buf_addf(&dir, "%s/seed-mission", base);
    buf_addf(&path, "%s/mission.json", dir.ptr);
    if (fs_mkdir_p(dir.ptr, 0700, NULL) ||
        fs_write_atomic(path.ptr, mission, strlen(mission), 0600, NULL))
        abort();
    buf_reset(&path);
    buf_addf(&path, "%s/inpatients.csv", dir.ptr);
    if (fs_write_atomic(path.ptr, roster, strlen(roster), 0600, NULL))
        abort();
    buf_reset(&path);
    buf_addf(&path, "%s/seed.fcpack", base);
    if (pack_write(&hq, dir.ptr, NULL, 0, path.ptr, NULL) ||
        fs_read_file(path.ptr, PACK_MAX_FILE, &pack, NULL))
        abort();
    remove(path.ptr);
    pack_remove_dir(dir.ptr);
    buf_reset(&path);
    buf_addf(&path, "%s/pack_real", out);
    buf_addch(&seed, 0);
    buf_add(&seed, pack.ptr, pack.len);
    if (fs_write_atomic(path.ptr, seed.ptr, seed.len, 0644, NULL))
        abort();
    /* the same pack without its signature, for the re-signing mode */
    seed.ptr[0] = 1;
    buf_truncate(&seed, seed.len - CODEC_SIG_LEN);
    buf_reset(&path);
    buf_addf(&path, "%s/pack_unsigned", out);
    if (fs_write_atomic(path.ptr, seed.ptr, seed.len, 0644, NULL))
        abort();
    buf_release(&dir);
    buf_release(&path);
    buf_release(&pack);
    buf_release(&seed);
}

/* Removes the private directory when the fuzzer exits. */
static void cleanup(void)
{
    static const char *const names[] = {"store/fieldcheck.db",
                                        "store/fieldcheck.db-wal",
                                        "store/fieldcheck.db-shm",
                                        "store/fieldcheck.db-journal",
                                        "input.fcpack",
                                        "store",
                                        NULL};
    char path[4096];

    store_close(st);
    for (int i = 0; names[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", base, names[i]);
        remove(path);
    }
    remove(base);
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
    if (fs_mkdir_p(dir.ptr, 0700, NULL) || store_open(&st, db_path.ptr, NULL) ||
        syncdb_trust_set(st, hq.sign_pk, hq.box_pk, "TEST-TEST-TEST-TEST", NULL, NULL))
        abort();
    atexit(cleanup);
    if (getenv("FC_FUZZ_WRITE_SEEDS"))
        write_seeds(getenv("FC_FUZZ_WRITE_SEEDS"));
    buf_release(&dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const base_entries[] = {"store", "input.fcpack", NULL};
    static const char *const store_entries[] = {"fieldcheck.db", "fieldcheck.db-wal",
                                                "fieldcheck.db-shm", "fieldcheck.db-journal", NULL};
    static int ready;
    struct buf file = BUF_INIT, tmpdir = BUF_INIT, parent = BUF_INIT;
    struct pack_manifest m;
    char sha[HASH_HEX_LEN + 1];

    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 1)
        return 0;
    buf_add(&file, data + 1, size - 1);
    if (data[0] & 1) {
        unsigned char sig[CODEC_SIG_LEN];
        codec_sign(sig, hq.sign_sk, "fieldcheck-pack-v1", file.ptr, file.len);
        buf_add(&file, sig, sizeof(sig));
    }
    if (fs_write_atomic(input_path.ptr, file.ptr, file.len, 0600, NULL))
        abort();
    if (pack_verify_extract(st, input_path.ptr, &tmpdir, &m, sha, NULL) == FC_OK) {
        /* the extracted directory is a fresh child of the store directory
         * holding known names only */
        fs_dirname(&parent, tmpdir.ptr);
        if (strcmp(parent.ptr, store_dir(st)) != 0 || strncmp(tmpdir.ptr + parent.len, "/pack-", 6))
            abort();
        check_dir(tmpdir.ptr, known, 1);
        pack_remove_dir(tmpdir.ptr);
    }
    check_dir(base, base_entries, 0);
    check_dir(store_dir(st), store_entries, 1);
    buf_release(&file);
    buf_release(&tmpdir);
    buf_release(&parent);
    return 0;
}
