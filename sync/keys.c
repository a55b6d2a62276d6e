/* Key generation, key files and the public codes built from them. Keys are
 * files rather than database rows so that a copy of the database (backup,
 * support dump) never carries a private key; the files are created 0600 with
 * an atomic write and refused when their mode lets others read them. */
#include "sync/keys.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/store/hash.h"
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

static const char device_magic[8] = {'F', 'C', 'D', 'K', 'E', 'Y', '0', '1'};
static const char hq_magic[8] = {'F', 'C', 'H', 'K', 'E', 'Y', '0', '1'};

int keys_device_id_parse(const char *hex, unsigned char out[8], struct fc_error *err)
{
    if (!hex || strlen(hex) != 16 || hash_from_hex(out, 8, hex) != FC_OK)
        return fc_error_set(err, FC_EINPUT, "invalid device id '%s': expected 16 hex digits",
                            hex ? hex : "");
    return FC_OK;
}

void keys_device_path(struct store *s, struct buf *out)
{
    buf_addf(out, "%s/device.key", store_dir(s));
}

/* A key file is read only when it is a regular file (never through a link),
 * owned by this user and readable by nobody else: a file another user could
 * have planted or can read is no key of ours. */
static int read_key_file(const char *path, size_t expect, struct buf *out, const char *what,
                         struct fc_error *err)
{
    struct stat sb;
    ssize_t n;
    int fd = -1, rc;

    rc = fs_open_input(path, FS_INPUT_NOFOLLOW, 0, &fd, NULL, err);
    if (rc == FC_ENOTFOUND)
        return fc_error_set(err, FC_ENOTFOUND, "no %s at '%s'", what, path);
    if (rc == FC_EINPUT)
        return fc_error_set(err, FC_EINTEGRITY,
                            "%s '%s' is a link or not a regular file: refusing it", what, path);
    if (rc)
        return rc;
    if (fstat(fd, &sb) != 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", path, strerror(errno));
    } else if (sb.st_uid != geteuid()) {
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "%s '%s' belongs to user %u, not to this user (%u): refusing it", what,
                          path, (unsigned)sb.st_uid, (unsigned)geteuid());
    } else if (sb.st_mode & 077) {
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "%s '%s' is accessible by other users (mode %03o): refusing it; "
                          "run 'chmod 600' on it",
                          what, path, (unsigned)(sb.st_mode & 0777));
    } else if ((size_t)sb.st_size != expect) {
        rc = fc_error_set(err, FC_EINTEGRITY, "%s '%s' is damaged: %lld bytes, expected %zu", what,
                          path, (long long)sb.st_size, expect);
    }
    if (!rc) {
        buf_grow(out, expect + 1);
        n = read(fd, out->ptr + out->len, expect);
        if (n != (ssize_t)expect)
            rc = fc_error_set(err, FC_EINTEGRITY, "%s '%s' is damaged: short read", what, path);
        else
            out->len += expect, out->ptr[out->len] = '\0';
    }
    close(fd);
    return rc;
}

int keys_device_load(struct store *s, struct keys_device *out, struct fc_error *err)
{
    struct buf path = BUF_INIT, data = BUF_INIT;
    const unsigned char *p;
    unsigned char check_pk[CODEC_BOX_PK_LEN];
    int rc;

    memset(out, 0, sizeof(*out));
    keys_device_path(s, &path);
    rc = read_key_file(path.ptr, KEYS_DEVICE_FILE_LEN, &data, "device key file", err);
    if (rc == FC_ENOTFOUND)
        fc_error_set(err, rc, "this device has no keys: run 'fieldcheck keys init'");
    if (rc)
        goto out;
    p = (const unsigned char *)data.ptr;
    if (memcmp(p, device_magic, 8) != 0) {
        rc = fc_error_set(err, FC_EINTEGRITY, "device key file '%s' is damaged: bad magic",
                          path.ptr);
        goto out;
    }
    memcpy(out->id, p + 8, 8);
    memcpy(out->sign_sk, p + 16, 64);
    memcpy(out->sign_pk, p + 48, 32);
    memcpy(out->box_sk, p + 80, 32);
    memcpy(out->box_pk, p + 112, 32);
    hash_to_hex(out->device_id, out->id, 8);
    crypto_scalarmult_base(check_pk, out->box_sk);
    if (memcmp(check_pk, out->box_pk, 32) != 0) {
        rc = fc_error_set(err, FC_EINTEGRITY, "device key file '%s' is damaged: keys disagree",
                          path.ptr);
        goto out;
    }
    if (strcmp(out->device_id, store_device_id(s)) != 0) {
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "device key file '%s' belongs to device '%s', not to this database's "
                          "'%s'",
                          path.ptr, out->device_id, store_device_id(s));
        goto out;
    }
out:
    sodium_memzero(data.ptr, data.len);
    buf_release(&data);
    buf_release(&path);
    if (rc)
        sodium_memzero(out, sizeof(*out));
    return rc;
}

/* New key pairs, written as a key file: magic, the device id (device files
 * only: id NULL for HQ's), the signing secret key (which holds its public
 * key), the box secret key, the box public key. */
static int key_file_create(const char *path, const char magic[8], const unsigned char *id,
                           unsigned char sign_pk[CODEC_SIGN_PK_LEN],
                           unsigned char sign_sk[CODEC_SIGN_SK_LEN],
                           unsigned char box_pk[CODEC_BOX_PK_LEN],
                           unsigned char box_sk[CODEC_BOX_SK_LEN], struct fc_error *err)
{
    struct buf data = BUF_INIT;
    int rc;

    crypto_sign_keypair(sign_pk, sign_sk);
    crypto_box_keypair(box_pk, box_sk);
    buf_add(&data, magic, 8);
    if (id)
        buf_add(&data, id, 8);
    buf_add(&data, sign_sk, CODEC_SIGN_SK_LEN);
    buf_add(&data, box_sk, CODEC_BOX_SK_LEN);
    buf_add(&data, box_pk, CODEC_BOX_PK_LEN);
    rc = fs_write_atomic(path, data.ptr, data.len, 0600, err);
    sodium_memzero(data.ptr, data.len);
    buf_release(&data);
    return rc;
}

int keys_device_init(struct store *s, struct keys_device *out, int *created, struct fc_error *err)
{
    struct buf path = BUF_INIT;
    int rc;

    if (created)
        *created = 0;
    keys_device_path(s, &path);
    if (fs_exists(path.ptr)) {
        rc = keys_device_load(s, out, err);
        goto out;
    }
    memset(out, 0, sizeof(*out));
    rc = keys_device_id_parse(store_device_id(s), out->id, err);
    if (rc)
        goto out;
    snprintf(out->device_id, sizeof(out->device_id), "%s", store_device_id(s));
    rc = key_file_create(path.ptr, device_magic, out->id, out->sign_pk, out->sign_sk, out->box_pk,
                         out->box_sk, err);
    if (!rc && created)
        *created = 1;
out:
    buf_release(&path);
    return rc;
}

void keys_enrollment_code(const struct keys_device *k, struct buf *out)
{
    unsigned char body[KEYS_ENROLL_LEN];

    body[0] = 1;
    memcpy(body + 1, k->id, 8);
    memcpy(body + 9, k->sign_pk, 32);
    memcpy(body + 41, k->box_pk, 32);
    codec_check4(body + 73, body, 73);
    codec_code_encode(out, "FCE1", body, sizeof(body));
}

int keys_enrollment_parse(const char *code, struct keys_enrollment *out, struct fc_error *err)
{
    struct buf body = BUF_INIT;
    unsigned char check[4];
    const unsigned char *p;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = codec_code_decode(code, "FCE1", &body, "enrollment code", err);
    if (rc)
        goto out;
    p = (const unsigned char *)body.ptr;
    if (body.len != KEYS_ENROLL_LEN) {
        rc = fc_error_set(err, FC_EINPUT, "enrollment code has %zu bytes, expected %d", body.len,
                          KEYS_ENROLL_LEN);
        goto out;
    }
    if (p[0] != 1) {
        rc = fc_error_set(err, FC_EINPUT, "enrollment code version %u is not supported", p[0]);
        goto out;
    }
    codec_check4(check, p, 73);
    if (memcmp(check, p + 73, 4) != 0) {
        rc = fc_error_set(err, FC_EINPUT, "enrollment code is mistyped: check bytes differ");
        goto out;
    }
    hash_to_hex(out->device_id, p + 1, 8);
    memcpy(out->sign_pk, p + 9, 32);
    memcpy(out->box_pk, p + 41, 32);
out:
    buf_release(&body);
    return rc;
}

void keys_hq_pub_code(const unsigned char sign_pk[CODEC_SIGN_PK_LEN],
                      const unsigned char box_pk[CODEC_BOX_PK_LEN], struct buf *out)
{
    unsigned char body[KEYS_HQPUB_LEN];

    body[0] = 1;
    memcpy(body + 1, sign_pk, 32);
    memcpy(body + 33, box_pk, 32);
    codec_check4(body + 65, body, 65);
    codec_code_encode(out, "FCH1", body, sizeof(body));
}

int keys_hq_pub_parse(const char *code, unsigned char sign_pk[CODEC_SIGN_PK_LEN],
                      unsigned char box_pk[CODEC_BOX_PK_LEN], struct fc_error *err)
{
    struct buf body = BUF_INIT;
    unsigned char check[4];
    const unsigned char *p;
    int rc = codec_code_decode(code, "FCH1", &body, "HQ public key", err);

    if (rc)
        goto out;
    p = (const unsigned char *)body.ptr;
    if (body.len != KEYS_HQPUB_LEN || p[0] != 1) {
        rc = fc_error_set(err, FC_EINPUT, "HQ public key has an unsupported length or version");
        goto out;
    }
    codec_check4(check, p, 65);
    if (memcmp(check, p + 65, 4) != 0) {
        rc = fc_error_set(err, FC_EINPUT, "HQ public key is damaged: check bytes differ");
        goto out;
    }
    memcpy(sign_pk, p + 1, 32);
    memcpy(box_pk, p + 33, 32);
out:
    buf_release(&body);
    return rc;
}

int keys_hq_init(const char *dir, struct keys_hq *out, struct fc_error *err)
{
    struct buf path = BUF_INIT, pub = BUF_INIT;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = fs_mkdir_p(dir, 0700, err);
    if (rc)
        goto out;
    buf_addf(&path, "%s/hq.key", dir);
    if (fs_exists(path.ptr)) {
        rc = fc_error_set(err, FC_EEXIST, "HQ keys already exist in '%s'", dir);
        goto out;
    }
    rc = key_file_create(path.ptr, hq_magic, NULL, out->sign_pk, out->sign_sk, out->box_pk,
                         out->box_sk, err);
    if (rc)
        goto out;
    keys_hq_pub_code(out->sign_pk, out->box_pk, &pub);
    buf_addch(&pub, '\n');
    buf_reset(&path);
    buf_addf(&path, "%s/hq.pub", dir);
    rc = fs_write_atomic(path.ptr, pub.ptr, pub.len, 0644, err);
out:
    buf_release(&path);
    buf_release(&pub);
    return rc;
}

int keys_hq_load(const char *dir, struct keys_hq *out, struct fc_error *err)
{
    struct buf path = BUF_INIT, data = BUF_INIT;
    const unsigned char *p;
    unsigned char check[32];
    int rc;

    memset(out, 0, sizeof(*out));
    buf_addf(&path, "%s/hq.key", dir);
    rc = read_key_file(path.ptr, KEYS_HQ_FILE_LEN, &data, "HQ key file", err);
    if (rc == FC_ENOTFOUND)
        fc_error_set(err, rc, "no HQ keys in '%s': run 'fieldcheck hq init'", dir);
    if (rc)
        goto out;
    p = (const unsigned char *)data.ptr;
    memcpy(out->sign_sk, p + 8, 64);
    memcpy(out->sign_pk, p + 40, 32);
    memcpy(out->box_sk, p + 72, 32);
    memcpy(out->box_pk, p + 104, 32);
    crypto_scalarmult_base(check, out->box_sk);
    if (memcmp(p, hq_magic, 8) != 0 || memcmp(check, out->box_pk, 32) != 0)
        rc = fc_error_set(err, FC_EINTEGRITY, "HQ key file '%s' is damaged", path.ptr);
out:
    sodium_memzero(data.ptr, data.len);
    buf_release(&data);
    buf_release(&path);
    return rc;
}

int keys_trust_file(struct store *s, const char *path, int replace, struct keys_trust_result *res,
                    struct fc_error *err)
{
    struct buf text = BUF_INIT;
    unsigned char sign_pk[32], box_pk[32], old_sign[32], old_box[32];
    char sign_hex[65], box_hex[65];
    json_t *p = NULL;
    char *payload = NULL;
    int rc = fs_read_file(path, 4096, &text, err), had;

    memset(res, 0, sizeof(*res));
    if (rc)
        goto out;
    rc = keys_hq_pub_parse(text.ptr, sign_pk, box_pk, err);
    if (rc) {
        fc_error_prefix(err, "cannot trust '%s'", path);
        goto out;
    }
    codec_fingerprint(res->fingerprint, sign_pk, box_pk);
    rc = store_begin(s, err);
    if (rc)
        goto out;
    rc = syncdb_trust_get(s, old_sign, old_box, NULL);
    had = rc == FC_OK;
    if (rc && rc != FC_ENOTFOUND) {
        rc = syncdb_trust_get(s, old_sign, old_box, err);
        goto rollback;
    }
    if (had) {
        codec_fingerprint(res->previous, old_sign, old_box);
        if (!memcmp(old_sign, sign_pk, 32) && !memcmp(old_box, box_pk, 32)) {
            rc = FC_OK; /* trusted already */
            goto rollback;
        }
        if (!replace) {
            rc = fc_error_set(err, FC_ESTATE,
                              "this device trusts HQ %s; '%s' holds the keys of HQ %s: compare "
                              "both fingerprints with HQ, then run 'fieldcheck keys trust "
                              "--replace %s'",
                              res->previous, path, res->fingerprint, path);
            goto rollback;
        }
    }
    hash_to_hex(sign_hex, sign_pk, 32);
    hash_to_hex(box_hex, box_pk, 32);
    p = json_pack("{s:s, s:s?, s:s, s:s}", "fingerprint", res->fingerprint, "previous",
                  had ? res->previous : NULL, "sign_pk", sign_hex, "box_pk", box_hex);
    payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    rc = syncdb_trust_set(s, sign_pk, box_pk, res->fingerprint, &res->replaced, err);
    if (!rc && had) /* a first trust is the setup; a replacement is on the record */
        rc =
            event_append(s, NULL, clock_now_ms(), "hq_trust", res->fingerprint, payload, NULL, err);
    if (!rc)
        rc = store_commit(s, err);
    if (rc)
        goto rollback;
    res->changed = 1;
    goto out;
rollback:
    store_rollback(s);
out:
    free(payload);
    json_decref(p);
    buf_release(&text);
    return rc;
}

void keys_cert_make(const struct keys_hq *hq, const struct keys_enrollment *e, int64_t at_ms,
                    unsigned char out[KEYS_CERT_LEN])
{
    struct buf b = BUF_INIT;
    unsigned char id[8];

    hash_from_hex(id, 8, e->device_id);
    buf_addch(&b, 1);
    buf_add(&b, id, 8);
    buf_add(&b, e->sign_pk, 32);
    buf_add(&b, e->box_pk, 32);
    codec_put_u64(&b, (uint64_t)at_ms);
    memcpy(out, b.ptr, 81);
    codec_sign(out + 81, hq->sign_sk, "fieldcheck-cert-v1", out, 81);
    buf_release(&b);
}
