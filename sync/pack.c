/* Mission pack writer and verifier. The whole pack is read into memory
 * (capped at PACK_MAX_FILE) so that what is verified is exactly what is
 * extracted; the files inside are written only under the fixed mission
 * folder names, never under a name taken from the pack. */
#include "sync/pack.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const known_files[] = {
    "mission.json", "sites.csv",       "wards.csv",      "inpatients.csv",    "leaves.csv",
    "drugs.csv",    "settlements.csv", "suspicions.csv", "scan_patterns.csv", NULL,
};

static int known_index(const char *name)
{
    for (int i = 0; known_files[i]; i++)
        if (!strcmp(known_files[i], name))
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

int pack_write(const struct keys_hq *hq, const char *dir, const char *const *to, size_t n_to,
               const char *out_path, struct fc_error *err)
{
    struct buf path = BUF_INIT, data = BUF_INIT, out = BUF_INIT, mj = BUF_INIT;
    json_t *mission = NULL, *m = NULL, *files = json_array(), *tos = json_array();
    json_error_t jerr;
    unsigned char sig[CODEC_SIG_LEN];
    char *mtext = NULL;
    const char *mid, *issued, *expires;
    json_int_t version;
    int rc = FC_OK;

    buf_addf(&path, "%s/mission.json", dir);
    rc = fs_read_file(path.ptr, PACK_MAX_MANIFEST, &mj, err);
    if (rc)
        goto out;
    mission = json_loadb(mj.ptr, mj.len, 0, &jerr);
    mid = json_string_value(json_object_get(mission, "mission_id"));
    issued = json_string_value(json_object_get(mission, "issued_at"));
    expires = json_string_value(json_object_get(mission, "expires_at"));
    version = json_integer_value(json_object_get(mission, "version"));
    if (!mid || !valid_mission_id(mid) || !issued || !expires || version < 1) {
        rc =
            fc_error_set(err, FC_EINPUT,
                         "'%s' needs mission_id, version >= 1, issued_at and expires_at", path.ptr);
        goto out;
    }
    for (size_t i = 0; i < n_to; i++) {
        unsigned char id[8];
        rc = keys_device_id_parse(to[i], id, err);
        if (rc)
            goto out;
        json_array_append_new(tos, json_string(to[i]));
    }
    for (int i = 0; known_files[i]; i++) {
        unsigned char digest[HASH_LEN];
        char hex[HASH_HEX_LEN + 1];
        size_t before = data.len;

        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, known_files[i]);
        if (!fs_exists(path.ptr))
            continue;
        rc = fs_read_file(path.ptr, PACK_MAX_FILE, &data, err);
        if (rc)
            goto out;
        hash_sha256(digest, data.ptr + before, data.len - before);
        hash_to_hex(hex, digest, HASH_LEN);
        json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "name", known_files[i], "size",
                                               (json_int_t)(data.len - before), "sha256", hex));
    }
    m = json_pack("{s:s, s:i, s:s, s:I, s:s, s:s, s:O, s:O}", "format", "fieldcheck-pack",
                  "format_version", 1, "mission_id", mid, "version", version, "issued_at", issued,
                  "expires_at", expires, "to", tos, "files", files);
    mtext = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    if (strlen(mtext) > PACK_MAX_MANIFEST || data.len > PACK_MAX_FILE) {
        rc = fc_error_set(err, FC_ELIMIT, "mission folder '%s' is too large for a pack", dir);
        goto out;
    }
    buf_add(&out, "FCPACK", 6);
    codec_put_u16(&out, 1);
    codec_put_u32(&out, (uint32_t)strlen(mtext));
    buf_adds(&out, mtext);
    buf_add(&out, data.ptr, data.len);
    codec_sign(sig, hq->sign_sk, "fieldcheck-pack-v1", out.ptr, out.len);
    buf_add(&out, sig, sizeof(sig));
    rc = fs_write_atomic(out_path, out.ptr, out.len, 0644, err);
out:
    free(mtext);
    json_decref(mission);
    json_decref(m);
    json_decref(files);
    json_decref(tos);
    buf_release(&path);
    buf_release(&data);
    buf_release(&out);
    buf_release(&mj);
    return rc;
}

void pack_remove_dir(const char *dir)
{
    char path[4096];

    for (int i = 0; known_files[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, known_files[i]);
        unlink(path);
    }
    rmdir(dir);
}

int pack_verify_extract(struct store *s, const char *path, struct buf *tmpdir,
                        struct pack_manifest *m, char sha256[HASH_HEX_LEN + 1],
                        struct fc_error *err)
{
    struct buf data = BUF_INIT, dir = BUF_INIT, fpath = BUF_INIT;
    unsigned char hq_sign[32], hq_box[32], digest[HASH_LEN];
    const unsigned char *p;
    json_t *j = NULL, *files, *tos;
    json_error_t jerr;
    uint32_t mlen;
    uint64_t off, total = 0;
    int64_t expires_ms = 0, loaded = 0;
    int seen[PACK_MAX_FILES] = {0}, rc;
    const char *str;

    memset(m, 0, sizeof(*m));
    rc = fs_read_file(path, PACK_MAX_FILE, &data, err);
    if (rc)
        goto out;
    p = (const unsigned char *)data.ptr;
    /* 1: structure and caps */
    if (data.len < 12 + 2 + 64 || memcmp(p, "FCPACK", 6) != 0) {
        rc = fc_error_set(err, FC_EVERIFY, "'%s' is not a mission pack", path);
        goto out;
    }
    if (codec_get_u16(p + 6) != 1) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has unsupported format version %u", path,
                          codec_get_u16(p + 6));
        goto out;
    }
    mlen = codec_get_u32(p + 8);
    if (mlen < 2 || mlen > PACK_MAX_MANIFEST || 12 + (uint64_t)mlen + 64 > data.len) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has an invalid manifest length", path);
        goto out;
    }
    /* 2: signature by the trusted HQ */
    rc = syncdb_trust_get(s, hq_sign, hq_box, err);
    if (rc) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "cannot verify pack '%s': no trusted HQ key (run 'fieldcheck keys "
                          "trust HQ_PUB_FILE')",
                          path);
        goto out;
    }
    if (!codec_verify(p + data.len - 64, hq_sign, "fieldcheck-pack-v1", p, data.len - 64)) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' signature does not verify with the trusted HQ key", path);
        goto out;
    }
    hash_sha256(digest, p, data.len);
    hash_to_hex(sha256, digest, HASH_LEN);
    /* 3: manifest */
    j = json_loadb((const char *)p + 12, mlen, JSON_REJECT_DUPLICATES, &jerr);
    files = json_object_get(j, "files");
    tos = json_object_get(j, "to");
    str = json_string_value(json_object_get(j, "mission_id"));
    if (!json_is_object(j) || !json_is_array(files) || !json_is_array(tos) || !str ||
        !valid_mission_id(str) || !json_is_integer(json_object_get(j, "version")) ||
        !json_string_value(json_object_get(j, "issued_at")) ||
        !json_string_value(json_object_get(j, "expires_at")) ||
        json_array_size(files) > PACK_MAX_FILES) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has a malformed manifest", path);
        goto out;
    }
    snprintf(m->mission_id, sizeof(m->mission_id), "%s", str);
    m->version = json_integer_value(json_object_get(j, "version"));
    snprintf(m->issued_at, sizeof(m->issued_at), "%s",
             json_string_value(json_object_get(j, "issued_at")));
    snprintf(m->expires_at, sizeof(m->expires_at), "%s",
             json_string_value(json_object_get(j, "expires_at")));
    m->n_files = json_array_size(files);
    m->n_to = json_array_size(tos);
    if (m->version < 1 || clock_parse(m->expires_at, &expires_ms) != FC_OK) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' has a malformed version or expiry", path);
        goto out;
    }
    /* 4: target device */
    if (m->n_to) {
        int found = 0;
        for (size_t i = 0; i < m->n_to; i++) {
            const char *t = json_string_value(json_array_get(tos, i));
            if (t && !strcmp(t, store_device_id(s)))
                found = 1;
        }
        if (!found) {
            rc = fc_error_set(err, FC_EVERIFY, "pack '%s' is not addressed to this device '%s'",
                              path, store_device_id(s));
            goto out;
        }
    }
    /* 5: expiry */
    if (expires_ms <= clock_now_ms()) {
        rc = fc_error_set(err, FC_EVERIFY, "pack '%s' expired at %s", path, m->expires_at);
        goto out;
    }
    /* 6: no rollback */
    rc = syncdb_pack_max_version(s, m->mission_id, &loaded, err);
    if (rc)
        goto out;
    if (m->version < loaded) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' is version %lld of mission '%s', older than the loaded "
                          "version %lld: refused",
                          path, (long long)m->version, m->mission_id, (long long)loaded);
        goto out;
    }
    /* 7: files, by fixed name only */
    for (size_t i = 0; i < m->n_files; i++) {
        json_t *f = json_array_get(files, i);
        const char *name = json_string_value(json_object_get(f, "name"));
        const char *hex = json_string_value(json_object_get(f, "sha256"));
        json_int_t size = json_integer_value(json_object_get(f, "size"));
        int k = name ? known_index(name) : -1;

        if (k < 0 || seen[k] || !hex || size < 0 || (uint64_t)size > PACK_MAX_FILE) {
            rc = fc_error_set(err, FC_EVERIFY,
                              "pack '%s' lists an unknown, repeated or invalid "
                              "file",
                              path);
            goto out;
        }
        seen[k] = 1;
        total += (uint64_t)size;
    }
    if (!seen[0] || 12 + (uint64_t)mlen + total + 64 != data.len) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' lacks mission.json or its sizes do not add up", path);
        goto out;
    }
    buf_addf(&dir, "%s/pack-XXXXXX", store_dir(s));
    if (!mkdtemp(dir.ptr)) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot create a directory in '%s': %s",
                             store_dir(s), strerror(errno));
        goto out;
    }
    off = 12 + mlen;
    for (size_t i = 0; i < m->n_files; i++) {
        json_t *f = json_array_get(files, i);
        const char *name = json_string_value(json_object_get(f, "name"));
        size_t size = (size_t)json_integer_value(json_object_get(f, "size"));
        unsigned char want[HASH_LEN];

        hash_sha256(digest, p + off, size);
        if (hash_from_hex(want, HASH_LEN, json_string_value(json_object_get(f, "sha256"))) !=
                FC_OK ||
            memcmp(want, digest, HASH_LEN) != 0) {
            rc = fc_error_set(err, FC_EVERIFY, "pack '%s': file '%s' does not match its SHA-256",
                              path, name);
            goto out;
        }
        buf_reset(&fpath);
        buf_addf(&fpath, "%s/%s", dir.ptr, known_files[known_index(name)]);
        rc = fs_write_atomic(fpath.ptr, p + off, size, 0600, err);
        if (rc)
            goto out;
        off += size;
    }
    buf_adds(tmpdir, dir.ptr);
out:
    if (rc && dir.len)
        pack_remove_dir(dir.ptr);
    json_decref(j);
    buf_release(&data);
    buf_release(&dir);
    buf_release(&fpath);
    return rc;
}
