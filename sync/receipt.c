/* Receipts (HQ -> device) and checkpoints (device -> paper). A receipt is
 * applied only when it verifies with the trusted HQ key and names exactly the
 * hash this device holds for that seq: an acknowledgement of a different
 * chain must never let the device believe its events are safe. */
#include "sync/receipt.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char zero_hex[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

void receipt_make(const struct keys_hq *hq, const struct receipt *r, struct buf *code)
{
    struct buf b = BUF_INIT;
    unsigned char id[8], head[HASH_LEN], sig[CODEC_SIG_LEN];

    hash_from_hex(id, 8, r->device_id);
    hash_from_hex(head, HASH_LEN, r->head);
    buf_addch(&b, 1);
    buf_add(&b, id, 8);
    codec_put_u64(&b, (uint64_t)r->acked_seq);
    buf_add(&b, head, HASH_LEN);
    codec_put_u64(&b, (uint64_t)r->issued_ms);
    codec_sign(sig, hq->sign_sk, "fieldcheck-receipt-v1", b.ptr, b.len);
    buf_add(&b, sig, sizeof(sig));
    codec_code_encode(code, "FCR1", b.ptr, b.len);
    buf_release(&b);
}

int receipt_parse(const char *code, const unsigned char hq_sign_pk[32], struct receipt *out,
                  struct fc_error *err)
{
    struct buf b = BUF_INIT;
    const unsigned char *p;
    int rc = codec_code_decode(code, "FCR1", &b, "receipt", err);

    memset(out, 0, sizeof(*out));
    if (rc)
        goto out;
    p = (const unsigned char *)b.ptr;
    if (b.len != RECEIPT_LEN || p[0] != 1) {
        rc = fc_error_set(err, FC_EINPUT, "receipt has an unsupported length or version");
        goto out;
    }
    if (!codec_verify(p + 57, hq_sign_pk, "fieldcheck-receipt-v1", p, 57)) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "receipt signature does not verify with the trusted "
                          "HQ key");
        goto out;
    }
    hash_to_hex(out->device_id, p + 1, 8);
    out->acked_seq = (int64_t)codec_get_u64(p + 9);
    hash_to_hex(out->head, p + 17, HASH_LEN);
    out->issued_ms = (int64_t)codec_get_u64(p + 49);
    if (out->acked_seq < 0)
        rc = fc_error_set(err, FC_EINPUT, "receipt has a negative seq");
out:
    buf_release(&b);
    return rc;
}

int receipt_apply(struct store *s, const char *text, struct receipt *out, int *raised,
                  struct fc_error *err)
{
    unsigned char sign_pk[32], box_pk[32];
    char mine[HASH_HEX_LEN + 1];
    struct buf file = BUF_INIT;
    int rc;

    if (raised)
        *raised = 0;
    if (strncasecmp(text, "FCR1", 4) != 0) {
        rc = fs_read_file(text, 4096, &file, err);
        if (rc)
            goto out;
        text = file.ptr;
    }
    rc = syncdb_trust_get(s, sign_pk, box_pk, err);
    if (!rc)
        rc = receipt_parse(text, sign_pk, out, err);
    if (rc)
        goto out;
    if (strcmp(out->device_id, store_device_id(s)) != 0) {
        rc = fc_error_set(err, FC_EVERIFY, "receipt is for device '%s', not this device '%s'",
                          out->device_id, store_device_id(s));
        goto out;
    }
    if (out->acked_seq == 0) {
        memcpy(mine, zero_hex, sizeof(mine));
    } else {
        rc = syncdb_event_hash(s, out->acked_seq, mine, err);
        if (rc == FC_ENOTFOUND)
            rc = fc_error_set(err, FC_EVERIFY,
                              "receipt acknowledges seq %lld, which this device never wrote",
                              (long long)out->acked_seq);
        if (rc)
            goto out;
    }
    if (strcmp(mine, out->head) != 0) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "receipt names a different event %lld than this device holds: HQ has "
                          "another chain",
                          (long long)out->acked_seq);
        goto out;
    }
    /* the acknowledgement belongs to the key that signed the receipt */
    rc = syncdb_ack(s, sign_pk, out->acked_seq, out->head, raised, err);
out:
    buf_release(&file);
    return rc;
}

static int uuid_to_bytes(const char *uuid, unsigned char out[16])
{
    char hex[33];
    size_t o = 0;

    for (size_t i = 0; uuid[i] && o < 32; i++)
        if (uuid[i] != '-')
            hex[o++] = uuid[i];
    hex[o] = '\0';
    return o == 32 && strlen(uuid) == 36 ? hash_from_hex(out, 16, hex) : FC_EINPUT;
}

int checkpoint_make(struct store *s, const struct visit *v, struct buf *code, struct fc_error *err)
{
    struct keys_device k;
    struct buf b = BUF_INIT;
    unsigned char vid[16], hash[HASH_LEN], sig[CODEC_SIG_LEN];
    int rc;

    if (!v->checkpoint[0] || v->close_seq <= 0)
        return fc_error_set(err, FC_ESTATE, "visit '%.8s' is not closed: no checkpoint", v->id);
    if (uuid_to_bytes(v->id, vid) || hash_from_hex(hash, HASH_LEN, v->checkpoint))
        return fc_error_set(err, FC_EINTEGRITY, "visit '%.8s' has a malformed id or checkpoint",
                            v->id);
    rc = keys_device_load(s, &k, err);
    if (rc)
        return rc;
    buf_addch(&b, 1);
    buf_add(&b, k.id, 8);
    buf_add(&b, vid, 16);
    codec_put_u64(&b, (uint64_t)v->close_seq);
    buf_add(&b, hash, HASH_LEN);
    codec_sign(sig, k.sign_sk, "fieldcheck-checkpoint-v1", b.ptr, b.len);
    buf_add(&b, sig, sizeof(sig));
    codec_code_encode(code, "FCC1", b.ptr, b.len);
    buf_release(&b);
    memset(&k, 0, sizeof(k));
    return FC_OK;
}

int checkpoint_verify(const char *code, const unsigned char device_sign_pk[32], char visit_id[37],
                      int64_t *close_seq, char hash[HASH_HEX_LEN + 1], struct fc_error *err)
{
    struct buf b = BUF_INIT;
    const unsigned char *p;
    char hex[33];
    int rc = codec_code_decode(code, "FCC1", &b, "checkpoint", err);

    if (rc)
        goto out;
    p = (const unsigned char *)b.ptr;
    if (b.len != CHECKPOINT_LEN || p[0] != 1) {
        rc = fc_error_set(err, FC_EINPUT, "checkpoint has an unsupported length or version");
        goto out;
    }
    if (!codec_verify(p + 65, device_sign_pk, "fieldcheck-checkpoint-v1", p, 65)) {
        rc = fc_error_set(err, FC_EVERIFY, "checkpoint signature does not verify");
        goto out;
    }
    hash_to_hex(hex, p + 9, 16);
    snprintf(visit_id, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
    *close_seq = (int64_t)codec_get_u64(p + 25);
    hash_to_hex(hash, p + 33, HASH_LEN);
out:
    buf_release(&b);
    return rc;
}
