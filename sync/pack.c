/* Mission pack writer and verifier (docs/bundle-format.md §5). The reader
 * makes two passes over the file and never holds it in memory: the first
 * verifies HQ's signature (nothing is decrypted before), the second decrypts
 * and decompresses chunk by chunk straight into memory files, checking every
 * length before it is used, and proves the file did not change in between.
 * Names inside a pack select one of the fixed mission file names; they never
 * become paths. */
#include "sync/pack.h"
#include "sync/pack_internal.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

const char *const pack_file_names[] = {
    "mission.json", "sites.csv",       "wards.csv",      "inpatients.csv",    "leaves.csv",
    "drugs.csv",    "settlements.csv", "suspicions.csv", "scan_patterns.csv", NULL,
};

static const char outer_magic[6] = {'F', 'C', 'P', 'A', 'C', 'K'};
static const char inner_magic[4] = {'F', 'C', 'P', 'I'};
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_KEY crypto_secretstream_xchacha20poly1305_KEYBYTES
#define SEALED_LEN (SS_KEY + crypto_box_SEALBYTES)
#define INNER_FIXED 10 /* magic, version, manifest length */

static uint64_t inner_limit = PACK_MAX_INNER;

void pack_set_inner_limit(uint64_t limit)
{
    inner_limit = limit ? limit : PACK_MAX_INNER;
}

static int known_index(const char *name)
{
    for (int i = 0; pack_file_names[i]; i++)
        if (!strcmp(pack_file_names[i], name))
            return i;
    return -1;
}

static int valid_mission_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 127)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int cmp_target(const void *a, const void *b)
{
    return strcmp(((const struct pack_target *)a)->device_id,
                  ((const struct pack_target *)b)->device_id);
}

static int cmp_id_target(const void *key, const void *t)
{
    return strcmp(key, ((const struct pack_target *)t)->device_id);
}

void pack_manifest_release(struct pack_manifest *m)
{
    if (!m)
        return;
    free(m->team);
    memset(m, 0, sizeof(*m));
}

static uint64_t layout_size(uint64_t k, uint64_t P)
{
    uint64_t nchunks = (P + PACK_CHUNK - 1) / PACK_CHUNK;
    return PACK_HEADER_LEN(k) + nchunks * (4 + SS_ABYTES) + P + 64;
}

/* ---- writing ---------------------------------------------------------------- */

/* Reads up to len bytes at off of fd (a memory file): the whole range or an
 * error. */
static int read_at(int fd, void *dst, size_t len, uint64_t off, const char *what,
                   struct fc_error *err)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = pread(fd, (char *)dst + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fc_error_setsys(err, FC_EIO, n < 0 ? errno : 0, "cannot read '%s': %s", what,
                                   n < 0 ? strerror(errno) : "unexpected end of file");
        got += (size_t)n;
    }
    return FC_OK;
}

static int fd_size(int fd, uint64_t *size, const char *what, struct fc_error *err)
{
    struct stat sb;

    if (fstat(fd, &sb) != 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", what, strerror(errno));
    *size = (uint64_t)sb.st_size;
    return FC_OK;
}

/* SHA-256 of a memory file's bytes. */
static int fd_sha256(int fd, uint64_t size, unsigned char out[HASH_LEN], const char *what,
                     struct fc_error *err)
{
    unsigned char *block = xmalloc(PACK_CHUNK);
    struct hash_ctx h;
    int rc = FC_OK;

    hash_init(&h);
    for (uint64_t off = 0; off < size && !rc; off += PACK_CHUNK) {
        size_t take = size - off < PACK_CHUNK ? (size_t)(size - off) : PACK_CHUNK;
        rc = read_at(fd, block, take, off, what, err);
        if (!rc)
            hash_update(&h, block, take);
    }
    hash_final(&h, out);
    free(block);
    return rc;
}

/* The inner manifest from the memory folder's mission.json and files. */
/* The manifest's team: the lead and every target with its keys. */
static json_t *team_json(const struct pack_target *to, size_t n, const char *lead)
{
    json_t *members = json_array();

    for (size_t i = 0; i < n; i++) {
        char sign_hex[2 * CODEC_SIGN_PK_LEN + 1], box_hex[2 * CODEC_BOX_PK_LEN + 1];

        hash_to_hex(sign_hex, to[i].sign_pk, CODEC_SIGN_PK_LEN);
        hash_to_hex(box_hex, to[i].box_pk, CODEC_BOX_PK_LEN);
        json_array_append_new(members, json_pack("{s:s, s:s, s:s}", "device", to[i].device_id,
                                                 "sign_pk", sign_hex, "box_pk", box_hex));
    }
    return json_pack("{s:s, s:o}", "lead", lead, "members", members);
}

static int build_manifest(const struct memdir *files, const struct pack_target *to, size_t n,
                          int64_t dropped, const char *lead, char **text, uint64_t *files_len,
                          struct fc_error *err)
{
    struct buf mj = BUF_INIT;
    json_t *mission = NULL, *m = NULL, *arr = json_array(), *tos = json_array();
    const char *mid, *issued, *expires;
    json_int_t version;
    int fd = memdir_fd(files, "mission.json"), rc = FC_OK;
    uint64_t size = 0;

    *text = NULL;
    *files_len = 0;
    if (fd < 0) {
        rc = fc_error_set(err, FC_EINPUT, "a mission pack needs mission.json");
        goto out;
    }
    rc = fd_size(fd, &size, "mission.json", err);
    if (!rc && size > 65536)
        rc = fc_error_set(err, FC_ELIMIT, "mission.json is larger than 64 KiB");
    if (rc)
        goto out;
    buf_grow(&mj, (size_t)size + 1);
    rc = read_at(fd, mj.ptr, (size_t)size, 0, "mission.json", err);
    if (rc)
        goto out;
    mj.len = (size_t)size;
    mission = json_loadb(mj.ptr, mj.len, JSON_REJECT_DUPLICATES, NULL);
    mid = json_string_value(json_object_get(mission, "mission_id"));
    issued = json_string_value(json_object_get(mission, "issued_at"));
    expires = json_string_value(json_object_get(mission, "expires_at"));
    version = json_integer_value(json_object_get(mission, "version"));
    if (!mid || !valid_mission_id(mid) || !issued || !expires || version < 1) {
        rc = fc_error_set(err, FC_EINPUT,
                          "mission.json needs mission_id, version >= 1, issued_at and expires_at");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        json_array_append_new(tos, json_string(to[i].device_id));
    for (int i = 0; pack_file_names[i]; i++) {
        unsigned char digest[HASH_LEN];
        char hex[HASH_HEX_LEN + 1];
        int f = memdir_fd(files, pack_file_names[i]);

        if (f < 0)
            continue;
        rc = fd_size(f, &size, pack_file_names[i], err);
        if (!rc && size > PACK_MAX_FILE)
            rc = fc_error_set(err, FC_ELIMIT, "'%s' is larger than a pack allows",
                              pack_file_names[i]);
        if (!rc)
            rc = fd_sha256(f, size, digest, pack_file_names[i], err);
        if (rc)
            goto out;
        hash_to_hex(hex, digest, HASH_LEN);
        json_array_append_new(arr, json_pack("{s:s, s:I, s:s}", "name", pack_file_names[i], "size",
                                             (json_int_t)size, "sha256", hex));
        *files_len += size;
    }
    m = json_pack("{s:s, s:s, s:I, s:s, s:s, s:O, s:O, s:I}", "format", "fieldcheck-pack",
                  "mission_id", mid, "version", version, "issued_at", issued, "expires_at", expires,
                  "to", tos, "files", arr, "dropped", (json_int_t)dropped);
    if (!m)
        BUG("pack manifest cannot be encoded");
    if (lead)
        json_object_set_new(m, "team", team_json(to, n, lead));
    *text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    if (strlen(*text) > PACK_MAX_MANIFEST)
        rc = fc_error_set(err, FC_ELIMIT, "the pack manifest is too large");
out:
    json_decref(mission);
    json_decref(m);
    json_decref(arr);
    json_decref(tos);
    buf_release(&mj);
    return rc;
}

/* One call of the compressor into comp's free space (grown for it). */
static size_t compress_step(ZSTD_CCtx *z, ZSTD_inBuffer *in, ZSTD_EndDirective mode,
                            struct buf *comp)
{
    ZSTD_outBuffer o;
    size_t zr;

    buf_grow(comp, ZSTD_CStreamOutSize());
    o.dst = comp->ptr + comp->len;
    o.size = comp->cap - comp->len - 1;
    o.pos = 0;
    zr = ZSTD_compressStream2(z, &o, in, mode);
    comp->len += o.pos;
    return zr;
}

/* One zstd frame of the inner content (prefix, then every file in manifest
 * order read from its memory file) into comp, its size pledged up front so
 * that readers can check it before decompressing. */
static int compress_inner(const struct memdir *files, const struct buf *prefix, uint64_t total,
                          struct buf *comp, struct fc_error *err)
{
    ZSTD_CCtx *z = ZSTD_createCCtx();
    unsigned char *block = xmalloc(PACK_CHUNK);
    size_t zr;
    int rc = FC_OK;

    if (!z)
        fc_die("out of memory (zstd)");
    zr = ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, 3);
    if (!ZSTD_isError(zr))
        zr = ZSTD_CCtx_setPledgedSrcSize(z, total);
    /* part -1 is the prefix, then the files */
    for (int part = -1; part < 0 || pack_file_names[part]; part++) {
        int fd = part < 0 ? -1 : memdir_fd(files, pack_file_names[part]);
        uint64_t size = part < 0 ? prefix->len : 0, off = 0;

        if (ZSTD_isError(zr))
            break;
        if (part >= 0) {
            if (fd < 0)
                continue;
            rc = fd_size(fd, &size, pack_file_names[part], err);
            if (rc)
                goto out;
        }
        do {
            size_t take = size - off < PACK_CHUNK ? (size_t)(size - off) : PACK_CHUNK;
            ZSTD_inBuffer in = {part < 0 ? prefix->ptr + off : (const char *)block, take, 0};

            if (part >= 0) {
                rc = read_at(fd, block, take, off, pack_file_names[part], err);
                if (rc)
                    goto out;
            }
            off += take;
            while (in.pos < in.size && !ZSTD_isError(zr))
                zr = compress_step(z, &in, ZSTD_e_continue, comp);
        } while (off < size && !ZSTD_isError(zr));
    }
    while (!ZSTD_isError(zr)) {
        ZSTD_inBuffer in = {NULL, 0, 0};

        zr = compress_step(z, &in, ZSTD_e_end, comp);
        if (zr == 0)
            break;
    }
    if (ZSTD_isError(zr))
        rc = fc_error_set(err, FC_EINTERNAL, "cannot compress the pack: %s", ZSTD_getErrorName(zr));
out:
    ZSTD_freeCCtx(z);
    free(block);
    return rc;
}

/* Buffered output to the temporary pack file. */
struct pack_out {
    int fd;
    const char *what;
    struct buf b;
};

static int out_write(void *ctx, const void *p, size_t n, struct fc_error *err)
{
    struct pack_out *o = ctx;
    int rc = FC_OK;

    buf_add(&o->b, p, n);
    if (o->b.len >= ((size_t)1 << 20)) {
        rc = fs_write_all(o->fd, o->b.ptr, o->b.len, o->what, err);
        buf_reset(&o->b);
    }
    return rc;
}

int pack_envelope(const struct keys_hq *hq, const struct pack_target *to, size_t n,
                  const void *comp, size_t comp_len,
                  int (*write)(void *ctx, const void *p, size_t n, struct fc_error *err), void *ctx,
                  struct fc_error *err)
{
    struct buf hdr = BUF_INIT;
    struct codec_signer signer;
    unsigned char key[SS_KEY], sig[CODEC_SIG_LEN], ad[HASH_LEN];
    unsigned char *chunk = xmalloc(PACK_CHUNK + SS_ABYTES);
    crypto_secretstream_xchacha20poly1305_state st;
    int rc = FC_OK;

    if (n < 1 || n > PACK_MAX_SLOTS || comp_len == 0 || comp_len > PACK_MAX_PLAIN)
        BUG("pack_envelope: %zu targets, %zu bytes", n, comp_len);
    /* the header: slots (sorted by the caller), the stream header, P */
    crypto_secretstream_xchacha20poly1305_keygen(key);
    buf_add(&hdr, outer_magic, 6);
    codec_put_u16(&hdr, PACK_FORMAT_VERSION);
    codec_put_u32(&hdr, (uint32_t)n);
    for (size_t i = 0; i < n && !rc; i++) {
        unsigned char id[8], sealed[SEALED_LEN];

        rc = keys_device_id_parse(to[i].device_id, id, err);
        if (!rc && crypto_box_seal(sealed, key, sizeof(key), to[i].box_pk) != 0)
            rc = fc_error_set(err, FC_EINPUT, "cannot seal the pack key to device '%s'",
                              to[i].device_id);
        buf_add(&hdr, id, 8);
        buf_add(&hdr, sealed, sizeof(sealed));
    }
    if (rc)
        goto out;
    buf_grow(&hdr, SS_HEADER);
    crypto_secretstream_xchacha20poly1305_init_push(&st, (unsigned char *)hdr.ptr + hdr.len, key);
    hdr.len += SS_HEADER;
    codec_put_u64(&hdr, comp_len);
    if (hdr.len != PACK_HEADER_LEN(n))
        BUG("pack header is %zu bytes", hdr.len);
    hash_sha256(ad, hdr.ptr, hdr.len);
    codec_signer_begin(&signer, "fieldcheck-pack-v2");
    codec_signer_update(&signer, hdr.ptr, hdr.len);
    rc = write(ctx, hdr.ptr, hdr.len, err);
    for (size_t off = 0; !rc && off < comp_len;) {
        size_t take = comp_len - off < PACK_CHUNK ? comp_len - off : PACK_CHUNK;
        unsigned long long clen = 0;
        struct buf len4 = BUF_INIT;
        int last = off + take == comp_len;

        crypto_secretstream_xchacha20poly1305_push(
            &st, chunk, &clen, (const unsigned char *)comp + off, take, ad, sizeof(ad),
            last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                 : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        if (clen != take + SS_ABYTES)
            BUG("secretstream chunk of %llu bytes", clen);
        codec_put_u32(&len4, (uint32_t)clen);
        codec_signer_update(&signer, len4.ptr, 4);
        codec_signer_update(&signer, chunk, (size_t)clen);
        rc = write(ctx, len4.ptr, 4, err);
        if (!rc)
            rc = write(ctx, chunk, (size_t)clen, err);
        buf_release(&len4);
        off += take;
    }
    if (!rc) {
        codec_signer_create(&signer, sig, hq->sign_sk);
        rc = write(ctx, sig, sizeof(sig), err);
    }
out:
    sodium_memzero(key, sizeof(key));
    free(chunk);
    buf_release(&hdr);
    return rc;
}

int pack_write(const struct keys_hq *hq, const struct memdir *files, const struct pack_target *to,
               size_t n, int64_t dropped, const char *lead, const char *out_path,
               char sha256[HASH_HEX_LEN + 1], struct fc_error *err)
{
    struct buf prefix = BUF_INIT, comp = BUF_INIT, tmp = BUF_INIT;
    struct pack_out o = {.fd = -1, .b = BUF_INIT};
    struct pack_target *sorted = NULL;
    unsigned char sig[CODEC_SIG_LEN], digest[HASH_LEN];
    char *mtext = NULL;
    uint64_t files_len = 0;
    int rc;

    if (n < 1 || n > PACK_MAX_SLOTS) {
        rc = fc_error_set(err, FC_EUSAGE, "a pack needs 1 to %d target devices, not %zu",
                          PACK_MAX_SLOTS, n);
        goto out;
    }
    sorted = xcalloc(n, sizeof(*sorted));
    memcpy(sorted, to, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), cmp_target);
    for (size_t i = 1; i < n; i++)
        if (!strcmp(sorted[i - 1].device_id, sorted[i].device_id))
            BUG("pack_write: device '%s' twice", sorted[i].device_id);
    if (lead && !bsearch(lead, sorted, n, sizeof(*sorted), cmp_id_target)) {
        rc = fc_error_set(err, FC_EUSAGE, "the team lead '%s' must be one of the targets", lead);
        goto out;
    }
    rc = build_manifest(files, sorted, n, dropped, lead, &mtext, &files_len, err);
    if (rc)
        goto out;
    codec_sign(sig, hq->sign_sk, "fieldcheck-pack-manifest-v2", mtext, strlen(mtext));
    buf_add(&prefix, inner_magic, 4);
    codec_put_u16(&prefix, PACK_FORMAT_VERSION);
    codec_put_u32(&prefix, (uint32_t)strlen(mtext));
    buf_adds(&prefix, mtext);
    buf_add(&prefix, sig, sizeof(sig));
    if (prefix.len + files_len > inner_limit) {
        rc = fc_error_set(err, FC_ELIMIT, "the mission is too large for a pack (%llu bytes)",
                          (unsigned long long)(prefix.len + files_len));
        goto out;
    }
    rc = compress_inner(files, &prefix, prefix.len + files_len, &comp, err);
    if (!rc && (comp.len == 0 || comp.len > PACK_MAX_PLAIN))
        rc = fc_error_set(err, FC_ELIMIT, "the compressed mission is too large for a pack");
    if (!rc)
        rc = fs_tmp_create(out_path, 0600, &tmp, &o.fd, err);
    if (rc)
        goto out;
    o.what = tmp.ptr;
    rc = pack_envelope(hq, sorted, n, comp.ptr, comp.len, out_write, &o, err);
    if (!rc)
        rc = fs_write_all(o.fd, o.b.ptr, o.b.len, tmp.ptr, err);
    if (!rc && sha256) {
        rc = hash_file(tmp.ptr, digest, NULL, err);
        if (!rc)
            hash_to_hex(sha256, digest, HASH_LEN);
    }
    if (rc) {
        fs_tmp_abandon(o.fd, tmp.ptr);
        goto out;
    }
    rc = fs_tmp_commit(o.fd, tmp.ptr, out_path, err);
out:
    if (comp.cap)
        sodium_memzero(comp.ptr, comp.cap);
    free(mtext);
    free(sorted);
    buf_release(&prefix);
    buf_release(&comp);
    buf_release(&tmp);
    buf_release(&o.b);
    return rc;
}

/* ---- reading ---------------------------------------------------------------- */

/* The inner content as it comes out of the decompressor: the fixed part, the
 * manifest and its signature, then each file into its memory file. */
struct inner {
    struct store *s;
    const char *path;
    const unsigned char *slot_ids; /* K device ids, 8 bytes each */
    uint32_t k;
    const unsigned char *hq_sign;
    struct buf prefix; /* fixed part + manifest + signature, until complete */
    uint32_t mlen;
    int manifest_done;
    struct pack_manifest *m;
    struct memdir *dir;
    /* the files in data order */
    size_t n_files, cur;
    struct {
        int known;
        uint64_t size, written;
        unsigned char sha[HASH_LEN];
        int fd;
        struct hash_ctx h;
    } files[PACK_MAX_FILES];
    uint64_t content; /* the frame's declared size */
};

static int hex_key(const char *hex, unsigned char out[32])
{
    return hex && strlen(hex) == 64 && hash_from_hex(out, 32, hex) == FC_OK ? 0 : -1;
}

/* The manifest's team, when it has one (docs/bundle-format.md §5 "Teams"):
 * exactly the targets, in their order, each with two keys, and a lead among
 * them. -1 when malformed. */
static int manifest_team(struct inner *in, json_t *team, json_t *tos)
{
    struct pack_manifest *m = in->m;
    json_t *members = json_object_get(team, "members");
    const char *lead = json_string_value(json_object_get(team, "lead"));
    int has_lead = 0;

    if (!team)
        return 0;
    if (!json_is_object(team) || !json_is_array(members) || !lead ||
        json_array_size(members) != json_array_size(tos))
        return -1;
    m->team = xcalloc(json_array_size(members), sizeof(*m->team));
    for (size_t i = 0; i < json_array_size(members); i++) {
        json_t *e = json_array_get(members, i);
        const char *dev = json_string_value(json_object_get(e, "device"));
        const char *to = json_string_value(json_array_get(tos, i));
        struct pack_target *t = &m->team[m->n_team];

        if (!dev || !to || strcmp(dev, to) || strlen(dev) != 16 ||
            hex_key(json_string_value(json_object_get(e, "sign_pk")), t->sign_pk) ||
            hex_key(json_string_value(json_object_get(e, "box_pk")), t->box_pk))
            return -1;
        snprintf(t->device_id, sizeof(t->device_id), "%s", dev);
        has_lead |= !strcmp(dev, lead);
        m->n_team++;
    }
    if (!has_lead)
        return -1;
    snprintf(m->lead, sizeof(m->lead), "%s", lead);
    return 0;
}

/* The manifest, once its signature verified: every member, the targets
 * against the key slots, the team, expiry, rollback; then the memory files. */
static int inner_manifest(struct inner *in, const char *text, size_t len, struct fc_error *err)
{
    char expires_local[CLOCK_ISO_MAX];
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL), *files, *tos, *v;
    struct pack_manifest *m = in->m;
    int64_t expires_ms = 0, issued_ms = 0, loaded = 0;
    int seen[PACK_MAX_FILES] = {0}, rc = FC_OK;
    const char *str;
    uint64_t total = 0;

    files = json_object_get(j, "files");
    tos = json_object_get(j, "to");
    str = json_string_value(json_object_get(j, "mission_id"));
    v = json_object_get(j, "dropped");
    if (!json_is_object(j) || !json_string_value(json_object_get(j, "format")) ||
        strcmp(json_string_value(json_object_get(j, "format")), "fieldcheck-pack") ||
        !json_is_array(files) || !json_is_array(tos) || !str || !valid_mission_id(str) ||
        !json_is_integer(json_object_get(j, "version")) ||
        json_integer_value(json_object_get(j, "version")) < 1 ||
        !json_string_value(json_object_get(j, "issued_at")) ||
        !json_string_value(json_object_get(j, "expires_at")) ||
        json_string_length(json_object_get(j, "issued_at")) >= sizeof(m->issued_at) ||
        json_string_length(json_object_get(j, "expires_at")) >= sizeof(m->expires_at) ||
        clock_parse(json_string_value(json_object_get(j, "issued_at")), &issued_ms) ||
        clock_parse(json_string_value(json_object_get(j, "expires_at")), &expires_ms) ||
        !json_is_integer(v) || json_integer_value(v) < 0 || json_array_size(files) < 1 ||
        json_array_size(files) > PACK_MAX_FILES) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has a malformed manifest", in->path);
        goto out;
    }
    snprintf(m->mission_id, sizeof(m->mission_id), "%s", str);
    m->version = json_integer_value(json_object_get(j, "version"));
    snprintf(m->issued_at, sizeof(m->issued_at), "%s",
             json_string_value(json_object_get(j, "issued_at")));
    snprintf(m->expires_at, sizeof(m->expires_at), "%s",
             json_string_value(json_object_get(j, "expires_at")));
    m->dropped = json_integer_value(v);
    m->n_to = json_array_size(tos);
    m->n_files = json_array_size(files);
    /* the signed targets are exactly the key slots */
    if (m->n_to != in->k) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' names other targets than its key slots",
                          in->path);
        goto out;
    }
    for (size_t i = 0; i < m->n_to; i++) {
        unsigned char id[8];
        const char *t = json_string_value(json_array_get(tos, i));

        if (!t || keys_device_id_parse(t, id, NULL) ||
            memcmp(id, in->slot_ids + (size_t)PACK_SLOT_LEN * i, 8)) {
            rc = fc_error_set(err, FC_EVERIFY, "pack '%s' names other targets than its key slots",
                              in->path);
            goto out;
        }
    }
    rc = manifest_team(in, json_object_get(j, "team"), tos);
    if (rc) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' names a malformed team", in->path);
        goto out;
    }
    /* 6: expiry */
    if (expires_ms <= clock_now_ms()) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' expired at %s", in->path,
                          clock_iso_local(m->expires_at, expires_local));
        goto out;
    }
    /* 7: no rollback, against packs and folders alike */
    rc = syncdb_mission_max_version(in->s, m->mission_id, &loaded, err);
    if (rc)
        goto out;
    if (m->version < loaded) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' is version %lld of mission '%s', older than the loaded "
                          "version %lld: refused",
                          in->path, (long long)m->version, m->mission_id, (long long)loaded);
        goto out;
    }
    for (size_t i = 0; i < m->n_files; i++) {
        json_t *f = json_array_get(files, i);
        const char *name = json_string_value(json_object_get(f, "name"));
        const char *hex = json_string_value(json_object_get(f, "sha256"));
        json_t *sz = json_object_get(f, "size");
        int kidx = name ? known_index(name) : -1;

        if (kidx < 0 || seen[kidx] || !hex || !json_is_integer(sz) || json_integer_value(sz) < 0 ||
            (uint64_t)json_integer_value(sz) > PACK_MAX_FILE || strlen(hex) != HASH_HEX_LEN ||
            hash_from_hex(in->files[i].sha, HASH_LEN, hex) != FC_OK) {
            rc = fc_error_set(err, FC_EVERIFY,
                              "pack '%s' lists an unknown, repeated or invalid file", in->path);
            goto out;
        }
        seen[kidx] = 1;
        in->files[i].known = kidx;
        in->files[i].size = (uint64_t)json_integer_value(sz);
        total += in->files[i].size;
    }
    if (!seen[0]) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' lacks mission.json", in->path);
        goto out;
    }
    if (INNER_FIXED + (uint64_t)in->mlen + CODEC_SIG_LEN + total != in->content) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' lists files whose sizes do not add up to its content",
                          in->path);
        goto out;
    }
    in->n_files = m->n_files;
    rc = memdir_new(&in->dir, store_dir(in->s), err);
    for (size_t i = 0; !rc && i < in->n_files; i++) {
        rc = memdir_add(in->dir, pack_file_names[in->files[i].known], &in->files[i].fd, err);
        hash_init(&in->files[i].h);
    }
    in->manifest_done = 1;
out:
    json_decref(j);
    return rc;
}

/* Takes n bytes of inner content. */
static int inner_take(struct inner *in, const unsigned char *p, size_t n, struct fc_error *err)
{
    while (n > 0 && !in->manifest_done) {
        size_t want = INNER_FIXED, take;

        if (in->prefix.len >= INNER_FIXED)
            want = INNER_FIXED + in->mlen + CODEC_SIG_LEN;
        take = want - in->prefix.len < n ? want - in->prefix.len : n;
        buf_add(&in->prefix, p, take);
        p += take;
        n -= take;
        if (in->prefix.len == INNER_FIXED && want == INNER_FIXED) {
            const unsigned char *q = (const unsigned char *)in->prefix.ptr;
            if (memcmp(q, inner_magic, 4) || codec_get_u16(q + 4) != PACK_FORMAT_VERSION)
                return fc_error_set(err, FC_EVERIFY, "pack '%s' has a damaged inner header",
                                    in->path);
            in->mlen = codec_get_u32(q + 6);
            if (in->mlen < 2 || in->mlen > PACK_MAX_MANIFEST)
                return fc_error_set(err, FC_EVERIFY, "pack '%s' has an invalid manifest length",
                                    in->path);
        } else if (in->prefix.len == want && want > INNER_FIXED) {
            const unsigned char *q = (const unsigned char *)in->prefix.ptr;
            int rc;

            if (!codec_verify(q + INNER_FIXED + in->mlen, in->hq_sign,
                              "fieldcheck-pack-manifest-v2", q + INNER_FIXED, in->mlen))
                return fc_error_set(
                    err, FC_EVERIFY,
                    "pack '%s' manifest signature does not verify with the trusted HQ key",
                    in->path);
            rc = inner_manifest(in, (const char *)q + INNER_FIXED, in->mlen, err);
            if (rc)
                return rc;
        }
    }
    while (n > 0) {
        size_t take;

        while (in->cur < in->n_files && in->files[in->cur].written == in->files[in->cur].size)
            in->cur++;
        if (in->cur == in->n_files)
            return fc_error_set(err, FC_EVERIFY,
                                "pack '%s' has more content than its manifest lists", in->path);
        take = in->files[in->cur].size - in->files[in->cur].written < n
                   ? (size_t)(in->files[in->cur].size - in->files[in->cur].written)
                   : n;
        hash_update(&in->files[in->cur].h, p, take);
        if (fs_write_all(in->files[in->cur].fd, p, take, pack_file_names[in->files[in->cur].known],
                         err))
            return FC_EIO;
        in->files[in->cur].written += take;
        p += take;
        n -= take;
    }
    return FC_OK;
}

/* Every file complete and matching its SHA-256. */
static int inner_finish(struct inner *in, struct fc_error *err)
{
    if (!in->manifest_done)
        return fc_error_set(err, FC_EVERIFY, "pack '%s' ends before its manifest", in->path);
    for (size_t i = 0; i < in->n_files; i++) {
        unsigned char d[HASH_LEN];

        if (in->files[i].written != in->files[i].size)
            return fc_error_set(err, FC_EVERIFY, "pack '%s' ends before its last file", in->path);
        hash_final(&in->files[i].h, d);
        if (memcmp(d, in->files[i].sha, HASH_LEN))
            return fc_error_set(err, FC_EVERIFY, "pack '%s': file '%s' does not match its SHA-256",
                                in->path, pack_file_names[in->files[i].known]);
    }
    return FC_OK;
}

/* Reads exactly n bytes from fd (the pack) into dst and the running hash. */
static int read_exact(int fd, void *dst, size_t n, struct hash_ctx *h, const char *path,
                      struct fc_error *err)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, (char *)dst + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", path,
                                   strerror(errno));
        if (r == 0)
            return fc_error_set(err, FC_EVERIFY, "pack '%s' changed while being read", path);
        got += (size_t)r;
    }
    if (h)
        hash_update(h, dst, n);
    return FC_OK;
}

/* Second pass: decrypt, decompress, hand the content to in. */
static int decrypt_pass(int fd, const unsigned char *hdr, uint64_t hlen, uint64_t P,
                        const unsigned char key[SS_KEY], struct inner *in, struct hash_ctx *h,
                        struct fc_error *err)
{
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char *cipher = xmalloc(PACK_CHUNK + SS_ABYTES);
    unsigned char *plain = xmalloc(PACK_CHUNK);
    unsigned char *outbuf = xmalloc(ZSTD_DStreamOutSize());
    unsigned char *again = xmalloc((size_t)hlen);
    unsigned char ad[HASH_LEN];
    ZSTD_DStream *z = ZSTD_createDStream();
    uint64_t nchunks = (P + PACK_CHUNK - 1) / PACK_CHUNK, produced = 0;
    unsigned long long content = 0;
    size_t zret = 1;
    int rc;

    if (!z)
        fc_die("out of memory (zstd)");
    rc = read_exact(fd, again, (size_t)hlen, h, in->path, err);
    if (!rc && memcmp(again, hdr, (size_t)hlen))
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' changed while being read", in->path);
    if (rc)
        goto out;
    hash_sha256(ad, hdr, (size_t)hlen);
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, hdr + hlen - 8 - SS_HEADER, key)) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has an invalid stream header", in->path);
        goto out;
    }
    ZSTD_initDStream(z);
    for (uint64_t i = 0; i < nchunks; i++) {
        uint64_t want = i + 1 < nchunks ? PACK_CHUNK : P - (nchunks - 1) * PACK_CHUNK;
        unsigned char len4[4];
        unsigned long long mlen = 0;
        unsigned char tag = 0;
        uint32_t L;
        ZSTD_inBuffer zin;

        rc = read_exact(fd, len4, 4, h, in->path, err);
        if (rc)
            goto out;
        L = codec_get_u32(len4);
        if (L != want + SS_ABYTES) {
            rc = fc_error_set(err, FC_EVERIFY, "pack '%s' chunk %llu has length %u, expected %llu",
                              in->path, (unsigned long long)i + 1, L,
                              (unsigned long long)(want + SS_ABYTES));
            goto out;
        }
        rc = read_exact(fd, cipher, L, h, in->path, err);
        if (rc)
            goto out;
        if (crypto_secretstream_xchacha20poly1305_pull(&st, plain, &mlen, &tag, cipher, L, ad,
                                                       sizeof(ad))) {
            rc = fc_error_set(err, FC_EVERIFY, "pack '%s' chunk %llu does not authenticate",
                              in->path, (unsigned long long)i + 1);
            goto out;
        }
        if ((i + 1 == nchunks) != (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)) {
            rc = fc_error_set(err, FC_EVERIFY, "pack '%s' chunk %llu has the wrong tag", in->path,
                              (unsigned long long)i + 1);
            goto out;
        }
        if (i == 0) {
            content = ZSTD_getFrameContentSize(plain, (size_t)mlen);
            if (content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR) {
                rc = fc_error_set(err, FC_EVERIFY, "pack '%s' does not state its decompressed size",
                                  in->path);
                goto out;
            }
            if (content > inner_limit || content < INNER_FIXED) {
                rc = fc_error_set(err, FC_EVERIFY,
                                  "pack '%s' would decompress to %llu bytes, above the limit of "
                                  "%llu",
                                  in->path, content, (unsigned long long)inner_limit);
                goto out;
            }
            in->content = content;
        }
        zin.src = plain;
        zin.size = (size_t)mlen;
        zin.pos = 0;
        while (zin.pos < zin.size) {
            ZSTD_outBuffer o = {outbuf, ZSTD_DStreamOutSize(), 0};

            zret = ZSTD_decompressStream(z, &o, &zin);
            if (ZSTD_isError(zret)) {
                rc = fc_error_set(err, FC_EVERIFY, "pack '%s' does not decompress: %s", in->path,
                                  ZSTD_getErrorName(zret));
                goto out;
            }
            if (produced + o.pos > content) {
                rc = fc_error_set(err, FC_EVERIFY,
                                  "pack '%s' decompresses beyond its declared size", in->path);
                goto out;
            }
            produced += o.pos;
            rc = inner_take(in, outbuf, o.pos, err);
            if (rc)
                goto out;
            if (zret == 0 && zin.pos < zin.size) {
                rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has data after its compressed frame",
                                  in->path);
                goto out;
            }
        }
    }
    if (zret != 0 || produced != content) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' content is incomplete", in->path);
        goto out;
    }
    rc = inner_finish(in, err);
out:
    ZSTD_freeDStream(z);
    sodium_memzero(plain, PACK_CHUNK);
    free(cipher);
    free(plain);
    free(outbuf);
    free(again);
    return rc;
}

int pack_open(struct store *s, const char *path, struct memdir **files, struct pack_manifest *m,
              char sha256[HASH_HEX_LEN + 1], struct fc_error *err)
{
    unsigned char *hdr = NULL, *block = NULL, sig[CODEC_SIG_LEN], hq_sign[32], hq_box[32];
    unsigned char sha1[HASH_LEN], sha2[HASH_LEN], key[SS_KEY], id[8], fixed[12];
    const unsigned char *slot = NULL;
    struct keys_device dk;
    struct codec_signer signer;
    struct hash_ctx h1, h2;
    struct inner in;
    uint64_t size = 0, hlen, P, left;
    uint32_t k;
    int fd = -1, rc;

    *files = NULL;
    memset(m, 0, sizeof(*m));
    memset(&in, 0, sizeof(in));
    memset(&dk, 0, sizeof(dk));
    buf_init(&in.prefix);
    /* 1: a regular file of a plausible size, its header and layout */
    rc = fs_open_input(path, 0, PACK_MAX_SIZE, &fd, &size, err);
    if (rc == FC_ELIMIT || rc == FC_EINPUT) {
        fc_error_prefix(err, "not a mission pack");
        if (err)
            err->code = FC_EVERIFY;
        rc = FC_EVERIFY;
    }
    if (rc)
        goto out;
    if (size < 12 + 64 || read_exact(fd, fixed, 12, NULL, path, NULL) ||
        memcmp(fixed, outer_magic, 6)) {
        rc = fc_error_set(err, FC_EVERIFY, "'%s' is not a mission pack", path);
        goto out;
    }
    if (codec_get_u16(fixed + 6) == 1) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' is in format 1 (unencrypted), which is no longer accepted: "
                          "ask HQ to pack the mission again",
                          path);
        goto out;
    }
    if (codec_get_u16(fixed + 6) != PACK_FORMAT_VERSION) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has unsupported format version %u", path,
                          codec_get_u16(fixed + 6));
        goto out;
    }
    k = codec_get_u32(fixed + 8);
    if (k < 1 || k > PACK_MAX_SLOTS || size < PACK_HEADER_LEN(k) + 64) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has an invalid number of key slots", path);
        goto out;
    }
    hlen = PACK_HEADER_LEN(k);
    hdr = xmalloc((size_t)hlen);
    memcpy(hdr, fixed, 12);
    rc = read_exact(fd, hdr + 12, (size_t)(hlen - 12), NULL, path, err);
    if (rc)
        goto out;
    P = codec_get_u64(hdr + hlen - 8);
    if (P == 0 || P > PACK_MAX_PLAIN || layout_size(k, P) != size) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' is truncated or has a damaged layout", path);
        goto out;
    }
    for (uint32_t i = 1; i < k; i++) {
        if (memcmp(hdr + 12 + (size_t)PACK_SLOT_LEN * (i - 1), hdr + 12 + (size_t)PACK_SLOT_LEN * i,
                   8) >= 0) {
            rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has unordered key slots", path);
            goto out;
        }
    }
    /* 2: HQ's signature over every byte, first pass */
    rc = syncdb_trust_get(s, hq_sign, hq_box, err);
    if (rc) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "cannot verify pack '%s': no trusted HQ key (run 'fieldcheck keys "
                          "trust HQ_PUB_FILE')",
                          path);
        goto out;
    }
    codec_signer_begin(&signer, "fieldcheck-pack-v2");
    hash_init(&h1);
    codec_signer_update(&signer, hdr, (size_t)hlen);
    hash_update(&h1, hdr, (size_t)hlen);
    block = xmalloc(1 << 20);
    for (left = size - hlen - 64; left > 0;) {
        size_t take = left < (1u << 20) ? (size_t)left : (1u << 20);
        rc = read_exact(fd, block, take, &h1, path, err);
        if (rc)
            goto out;
        codec_signer_update(&signer, block, take);
        left -= take;
    }
    rc = read_exact(fd, sig, sizeof(sig), &h1, path, err);
    if (rc)
        goto out;
    hash_final(&h1, sha1);
    if (!codec_signer_verify(&signer, sig, hq_sign)) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' signature does not verify with the trusted HQ key", path);
        goto out;
    }
    /* 3: a key slot for this device */
    if (keys_device_id_parse(store_device_id(s), id, err)) {
        rc = FC_EVERIFY;
        goto out;
    }
    for (uint32_t i = 0; i < k; i++)
        if (!memcmp(hdr + 12 + (size_t)PACK_SLOT_LEN * i, id, 8))
            slot = hdr + 12 + (size_t)PACK_SLOT_LEN * i;
    if (!slot) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' is not addressed to this device '%s' (it is sealed to "
                          "%u other device(s)): ask HQ for a pack for this device",
                          path, store_device_id(s), k);
        goto out;
    }
    /* 4: this device's key opens its slot */
    rc = keys_device_load(s, &dk, err);
    if (rc) {
        fc_error_prefix(err, "cannot open pack '%s'", path);
        if (err)
            err->code = FC_EVERIFY;
        rc = FC_EVERIFY;
        goto out;
    }
    if (crypto_box_seal_open(key, slot + 8, SEALED_LEN, dk.box_pk, dk.box_sk)) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s': its key for this device does not open with this device's "
                          "key",
                          path);
        goto out;
    }
    /* 5-8: second pass */
    if (lseek(fd, 0, SEEK_SET) != 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot rewind '%s': %s", path, strerror(errno));
        goto out;
    }
    in.s = s;
    in.path = path;
    in.slot_ids = hdr + 12;
    in.k = k;
    in.hq_sign = hq_sign;
    in.m = m;
    hash_init(&h2);
    rc = decrypt_pass(fd, hdr, hlen, P, key, &in, &h2, err);
    if (!rc)
        rc = read_exact(fd, sig, sizeof(sig), &h2, path, err);
    if (rc)
        goto out;
    hash_final(&h2, sha2);
    if (memcmp(sha1, sha2, HASH_LEN) || read(fd, block, 1) != 0) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' changed while being read", path);
        goto out;
    }
    rc = memdir_seal(in.dir, err);
    if (rc)
        goto out;
    codec_fingerprint(m->signed_by, hq_sign, hq_box);
    hash_to_hex(sha256, sha1, HASH_LEN);
    *files = in.dir;
    in.dir = NULL;
out:
    if (rc)
        pack_manifest_release(m);
    memdir_free(in.dir);
    buf_release(&in.prefix);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(&dk, sizeof(dk));
    if (fd >= 0)
        close(fd);
    free(hdr);
    free(block);
    return rc;
}
