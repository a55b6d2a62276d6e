/* HQ operations over hq.db and the HQ keys. Import verifies a bundle
 * completely before anything is written; bundles from unknown or revoked
 * devices are quarantined (kept, never merged) so an analyst can decide. */
#include "sync/hq.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/config.h"
#include "core/draw/draw.h"
#include "core/base/xalloc.h"
#include "sync/bundle.h"
#include "sync/pack.h"
#include "sync/receipt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hq_default_dir(struct buf *out)
{
    fs_data_dir(out);
    buf_adds(out, "/hq");
}

void hq_store_target(struct buf *out, const char *dir, const char *db_url)
{
    if (db_url && *db_url)
        buf_adds(out, db_url);
    else
        buf_addf(out, "%s/hq.db", dir);
}

int hq_init(const char *dir, const char *db_url, char fingerprint[20], struct fc_error *err)
{
    struct keys_hq k;
    struct hqdb *db = NULL;
    struct buf path = BUF_INIT;
    int rc = keys_hq_init(dir, &k, err);

    if (rc)
        goto out;
    hq_store_target(&path, dir, db_url);
    rc = hqstore_open(&db, path.ptr, err);
    if (rc)
        goto out;
    codec_fingerprint(fingerprint, k.sign_pk, k.box_pk);
out:
    sodium_memzero(&k, sizeof(k));
    hqdb_close(db);
    buf_release(&path);
    return rc;
}

int hq_open(struct hq *hq, const char *dir, const char *db_url, struct fc_error *err)
{
    struct buf path = BUF_INIT;
    int rc;

    memset(hq, 0, sizeof(*hq));
    rc = hash_global_init();
    if (rc)
        return fc_error_set(err, rc, "cannot initialise libsodium");
    rc = keys_hq_load(dir, &hq->keys, err);
    if (rc)
        goto out;
    hq_store_target(&path, dir, db_url);
    rc = hqstore_open(&hq->db, path.ptr, err);
    if (rc)
        goto out;
    hq->dir = xstrdup(dir);
out:
    buf_release(&path);
    if (rc)
        hq_close(hq);
    return rc;
}

void hq_close(struct hq *hq)
{
    if (!hq)
        return;
    hqdb_close(hq->db);
    free(hq->dir);
    sodium_memzero(&hq->keys, sizeof(hq->keys));
    memset(hq, 0, sizeof(*hq));
}

void hq_device_row(struct hq_device *d, const char *id, const unsigned char sign_pk[32],
                   const unsigned char box_pk[32])
{
    memset(d, 0, sizeof(*d));
    snprintf(d->id, sizeof(d->id), "%s", id);
    memcpy(d->sign_pk, sign_pk, 32);
    memcpy(d->box_pk, box_pk, 32);
    codec_fingerprint(d->fingerprint, d->sign_pk, d->box_pk);
}

int hq_enroll(struct hq *hq, const char *code, struct keys_enrollment *out, int *added,
              struct fc_error *err)
{
    struct hq_device d;
    unsigned char cert[KEYS_CERT_LEN];
    int rc = keys_enrollment_parse(code, out, err);

    if (rc)
        return rc;
    hq_device_row(&d, out->device_id, out->sign_pk, out->box_pk);
    keys_cert_make(&hq->keys, out, clock_now_ms(), cert);
    return hqstore_device_add(hq->db, &d, cert, sizeof(cert), added, err);
}

static int quarantine(struct hq *hq, const char *name, const struct bundle_header *h,
                      const void *data, size_t len, const char *why, struct hq_import_result *res,
                      struct fc_error *err)
{
    unsigned char digest[HASH_LEN];
    char hex[HASH_HEX_LEN + 1];
    int rc;

    hash_sha256(digest, data, len);
    hash_to_hex(hex, digest, HASH_LEN);
    /* the header names the device and the bundle; the body is never kept:
     * a refused bundle cannot fill HQ's disk */
    rc = hqstore_quarantine(hq->db, hex, h->device_id, why, data,
                            len < BUNDLE_HEADER_LEN ? len : BUNDLE_HEADER_LEN, len,
                            config_get_int("hq.quarantine_cap"), err);
    if (rc)
        return rc;
    res->outcome = HQ_QUARANTINED;
    snprintf(res->reason, sizeof(res->reason), "%s", why);
    return fc_error_set(err, FC_EVERIFY, "bundle '%s' quarantined: %s", name, why);
}

/* The import's producer: the reader (bundle_read at HQ, bundle_read_team
 * on a lead's laptop) streams the decrypted events straight into the import
 * transaction, a batch at a time. */
struct feed {
    const void *data;
    size_t len;
    const unsigned char *sign_pk;
    hq_bundle_reader read;
    const void *keys;
    struct hqstore_import_sink *sink;
    struct bundle_contents info;
};

static int feed_begin(void *ctx, const struct bundle_contents *c, struct fc_error *err)
{
    struct feed *f = ctx;
    struct hq_bundle_row row;

    memset(&row, 0, sizeof(row));
    snprintf(row.sha256, sizeof(row.sha256), "%s", c->sha256);
    snprintf(row.device, sizeof(row.device), "%s", c->hdr.device_id);
    row.bundle_seq = (int64_t)c->hdr.bundle_seq;
    row.first_seq = c->first_seq;
    row.last_seq = c->last_seq;
    snprintf(row.prev_bundle, sizeof(row.prev_bundle), "%s", c->prev_bundle);
    snprintf(row.prev_head, sizeof(row.prev_head), "%s", c->prev_head);
    snprintf(row.chain_head, sizeof(row.chain_head), "%s", c->chain_head);
    return hqstore_import_begin(f->sink, &row, err);
}

static int feed_events(void *ctx, const struct event *ev, size_t n, struct fc_error *err)
{
    struct feed *f = ctx;

    return hqstore_import_events(f->sink, ev, n, err);
}

static int feed_produce(void *ctx, struct hqstore_import_sink *sink, struct fc_error *err)
{
    struct feed *f = ctx;
    struct bundle_sink s = {f, feed_begin, feed_events};

    f->sink = sink;
    bundle_contents_release(&f->info);
    return f->read(f->data, f->len, f->sign_pk, f->keys, &s, &f->info, err);
}

static int read_hq(const void *data, size_t len, const unsigned char sign_pk[32], const void *keys,
                   const struct bundle_sink *sink, struct bundle_contents *info,
                   struct fc_error *err)
{
    return bundle_read(data, len, sign_pk, keys, sink, info, err);
}

int hq_merge_bundle(struct hqdb *db, const void *data, size_t len, const unsigned char sign_pk[32],
                    hq_bundle_reader read, const void *keys, struct hqstore_import_stats *stats,
                    int64_t *first_seq, int64_t *last_seq, struct fc_error *err)
{
    struct feed f;
    int rc;

    memset(&f, 0, sizeof(f));
    f.data = data;
    f.len = len;
    f.sign_pk = sign_pk;
    f.read = read;
    f.keys = keys;
    rc = hqstore_import_stream(db, feed_produce, &f, stats, err);
    *first_seq = f.info.first_seq;
    *last_seq = f.info.last_seq;
    bundle_contents_release(&f.info);
    return rc;
}

int hq_bundle_known(struct hqdb *db, const void *data, size_t len, const char *device,
                    struct hqstore_import_stats *stats, int64_t *first_seq, int64_t *last_seq,
                    struct fc_error *err)
{
    unsigned char digest[HASH_LEN];
    char hex[HASH_HEX_LEN + 1];
    struct hq_bundle_row row;
    int rc;

    hash_sha256(digest, data, len);
    hash_to_hex(hex, digest, HASH_LEN);
    rc = hqstore_bundle_get(db, hex, &row, err);
    if (rc == FC_ENOTFOUND || (rc == FC_OK && strcmp(row.device, device)))
        return 0;
    if (rc)
        return rc;
    stats->duplicate = 1;
    *first_seq = row.first_seq;
    *last_seq = row.last_seq;
    return 1;
}

int hq_import_data(struct hq *hq, const char *name, const void *data, size_t len,
                   struct hq_import_result *res, struct fc_error *err)
{
    struct bundle_header h;
    struct hq_device d;
    char why[160];
    int rc;

    memset(res, 0, sizeof(*res));
    rc = bundle_peek(data, len, &h, err);
    if (rc)
        goto fail;
    snprintf(res->device, sizeof(res->device), "%s", h.device_id);
    res->bundle_seq = h.bundle_seq;
    rc = hqstore_device_get(hq->db, h.device_id, &d, NULL);
    if (rc == FC_ENOTFOUND || (rc == FC_OK && d.revoked_at[0])) {
        /* only an intact bundle is worth keeping: damaged files are rejected */
        int vrc = bundle_verify_outer(data, len, err);
        if (vrc) {
            rc = vrc;
            goto fail;
        }
    }
    if (rc == FC_ENOTFOUND) {
        snprintf(why, sizeof(why), "device '%s' is not enrolled", h.device_id);
        return quarantine(hq, name, &h, data, len, why, res, err);
    }
    if (rc)
        return hqstore_device_get(hq->db, h.device_id, &d, err);
    if (d.revoked_at[0]) {
        snprintf(why, sizeof(why), "device '%s' was revoked at %s", h.device_id, d.revoked_at);
        return quarantine(hq, name, &h, data, len, why, res, err);
    }
    /* the same file again changes nothing */
    rc = hq_bundle_known(hq->db, data, len, h.device_id, &res->stats, &res->first_seq,
                         &res->last_seq, err);
    if (rc < 0)
        goto fail;
    if (rc) {
        res->outcome = HQ_DUPLICATE;
        return FC_OK;
    }
    /* verified, decrypted, decompressed and merged in one pass: nothing
     * is kept whole, and nothing stays unless every check passed */
    rc = hq_merge_bundle(hq->db, data, len, d.sign_pk, read_hq, &hq->keys, &res->stats,
                         &res->first_seq, &res->last_seq, err);
    if (rc == FC_ESTATE) {
        /* revoked (or removed) while this bundle was being verified */
        snprintf(why, sizeof(why), "%s", err ? err->msg : "device not accepted");
        return quarantine(hq, name, &h, data, len, why, res, err);
    }
    if (rc)
        goto fail;
    res->outcome = res->stats.duplicate ? HQ_DUPLICATE : HQ_IMPORTED;
    return FC_OK;
fail:
    return fc_error_prefix(err, "cannot import '%s'", name);
}

int hq_import_file(struct hq *hq, const char *path, struct hq_import_result *res,
                   struct fc_error *err)
{
    struct buf data = BUF_INIT;
    int rc = fs_read_file(path, BUNDLE_MAX_FILE, &data, err);

    if (rc) {
        memset(res, 0, sizeof(*res));
        buf_release(&data);
        return rc;
    }
    rc = hq_import_data(hq, path, data.ptr, data.len, res, err);
    buf_release(&data);
    return rc;
}

int hq_pack_record(struct hq *hq, const struct pack_make_result *res, const struct pack_target *to,
                   size_t n, const char *dir, struct fc_error *err)
{
    const char **ids = xcalloc(n + 1, sizeof(*ids));
    struct buf sites = BUF_INIT;
    int rc;

    for (size_t i = 0; i < n; i++)
        ids[i] = to[i].device_id;
    rc = hqstore_pack_issued(hq->db, res->sha256, res->m.mission_id, res->m.version,
                             res->m.issued_at, res->m.expires_at, ids, n, err);
    free(ids);
    buf_addf(&sites, "%s/sites.csv", dir);
    if (!rc && dir && fs_exists(sites.ptr)) {
        struct draw_target *t = NULL;
        size_t nt = 0;
        char sha[HASH_HEX_LEN + 1];

        /* the pack was validated already: a sites.csv the draw's reader
         * does not take (no names, say) only means no names for HQ */
        if (draw_targets_read(sites.ptr, &t, &nt, sha, NULL) == FC_OK)
            rc = hqstore_sites_put(hq->db, t, nt, err);
        draw_targets_free(t, nt);
    }
    buf_release(&sites);
    return rc;
}

int hq_receipt(struct hq *hq, const char *device, struct buf *code, int64_t *acked_seq,
               struct fc_error *err)
{
    struct hq_device d;
    struct receipt r;
    int rc = hqstore_device_get(hq->db, device, &d, err);

    if (rc)
        return rc;
    if (d.revoked_at[0])
        return fc_error_set(err, FC_ESTATE, "device '%s' is revoked: no receipt", device);
    memset(&r, 0, sizeof(r));
    snprintf(r.device_id, sizeof(r.device_id), "%s", device);
    rc = hqstore_acked(hq->db, device, &r.acked_seq, r.head, err);
    if (rc)
        return rc;
    r.issued_ms = clock_now_ms();
    receipt_make(&hq->keys, &r, code);
    if (acked_seq)
        *acked_seq = r.acked_seq;
    return FC_OK;
}
