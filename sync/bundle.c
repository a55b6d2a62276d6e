/* Bundle writer and reader (docs/bundle-format.md §6). The reader verifies
 * the outer signature before touching the ciphertext, authenticates every
 * chunk, decompresses streaming against the frame's declared size and a hard
 * cap (a compression bomb stops at the cap, never allocates for a claim), and
 * accepts only the fixed entry name "events.jsonl": nothing inside a bundle
 * becomes a path. */
#include "sync/bundle.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "sync/evrec.h"
#include "sync/team.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

static const char outer_magic[6] = {'F', 'C', 'B', 'N', 'D', 'L'};
static const char inner_magic[4] = {'F', 'C', 'B', 'I'};
static const char zero_hex[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";
#define ENTRY_EVENTS "events.bin"
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES

static uint64_t inner_limit = BUNDLE_MAX_INNER;

void bundle_set_inner_limit(uint64_t limit)
{
    inner_limit = limit ? limit : BUNDLE_MAX_INNER;
}

void bundle_contents_release(struct bundle_contents *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->narenas; i++)
        free(c->arenas[i]);
    free(c->arenas);
    free(c->events);
    memset(c, 0, sizeof(*c));
}

static void hq_key_id(unsigned char out[8], const unsigned char box_pk[32])
{
    unsigned char d[HASH_LEN];

    hash_sha256(d, box_pk, 32);
    memcpy(out, d, 8);
}

static int is_hex64(const char *s)
{
    unsigned char tmp[HASH_LEN];
    return s && strlen(s) == HASH_HEX_LEN && hash_from_hex(tmp, HASH_LEN, s) == FC_OK;
}

/* ---- writing ---- */

/* The inner content before the encoded records (n of them, the last with
 * hash head): magic, version, the signed manifest. */
static int build_inner(const struct bundle_build_args *a, const struct buf *entries, size_t n,
                       const char *head, struct buf *inner, struct fc_error *err)
{
    unsigned char digest[HASH_LEN], sig[CODEC_SIG_LEN];
    char digest_hex[HASH_HEX_LEN + 1], at[CLOCK_ISO_MAX];
    json_t *m = NULL;
    char *mtext = NULL;
    int rc = FC_OK;

    hash_sha256(digest, entries->ptr, entries->len);
    hash_to_hex(digest_hex, digest, HASH_LEN);
    clock_format_utc(a->created_ms, at);
    m = json_pack("{s:s, s:i, s:s, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:[{s:s, s:I, s:s}]}",
                  "format", "fieldcheck-bundle", "version", 1, "device", a->device->device_id,
                  "bundle_seq", (json_int_t)a->bundle_seq, "prev_bundle", a->prev_bundle,
                  "first_seq", (json_int_t)a->first_seq, "last_seq",
                  (json_int_t)(a->first_seq + (int64_t)n - 1), "prev_head", a->prev_head,
                  "chain_head", head, "created_at", at, "entries", "name", ENTRY_EVENTS, "size",
                  (json_int_t)entries->len, "sha256", digest_hex);
    if (!m)
        BUG("bundle manifest cannot be encoded");
    mtext = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    codec_sign(sig, a->device->sign_sk, "fieldcheck-bundle-manifest-v1", mtext, strlen(mtext));
    buf_add(inner, inner_magic, 4);
    codec_put_u16(inner, 1);
    codec_put_u32(inner, (uint32_t)strlen(mtext));
    buf_adds(inner, mtext);
    buf_add(inner, sig, sizeof(sig));
    if (inner->len + entries->len > inner_limit)
        rc = fc_error_set(err, FC_ELIMIT, "bundle content of %zu bytes is above the limit",
                          inner->len + entries->len);
    free(mtext);
    json_decref(m);
    return rc;
}

/* One zstd frame of prefix || entries, with the content size in its header
 * (readers check it before decompressing). The two parts are fed in turn so
 * that the records are never copied behind the manifest. */
static int compress_inner(const struct buf *prefix, const struct buf *entries, int level,
                          struct buf *comp, struct fc_error *err)
{
    ZSTD_CCtx *z = ZSTD_createCCtx();
    const struct buf *part[2] = {prefix, entries};
    size_t total = prefix->len + entries->len, zr = 0;
    int rc = FC_OK;

    if (!z)
        BUG("out of memory for the compressor");
    buf_grow(comp, ZSTD_compressBound(total));
    zr = ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level);
    if (!ZSTD_isError(zr))
        zr = ZSTD_CCtx_setPledgedSrcSize(z, total);
    for (int i = 0; i < 2 && !ZSTD_isError(zr); i++) {
        ZSTD_inBuffer in = {part[i]->ptr, part[i]->len, 0};
        ZSTD_EndDirective mode = i == 1 ? ZSTD_e_end : ZSTD_e_continue;

        do {
            ZSTD_outBuffer o = {comp->ptr + comp->len, comp->cap - comp->len - 1, 0};

            zr = ZSTD_compressStream2(z, &o, &in, mode);
            comp->len += o.pos;
            if (!ZSTD_isError(zr) && zr != 0 && comp->cap - comp->len - 1 < ZSTD_CStreamOutSize())
                buf_grow(comp, ZSTD_CStreamOutSize());
        } while (!ZSTD_isError(zr) && (mode == ZSTD_e_end ? zr != 0 : in.pos < in.size));
    }
    if (ZSTD_isError(zr))
        rc = fc_error_set(err, FC_EINTERNAL, "cannot compress bundle: %s", ZSTD_getErrorName(zr));
    ZSTD_freeCCtx(z);
    return rc;
}

static int cmp_recipient(const void *a, const void *b)
{
    return strcmp(((const struct bundle_recipient *)a)->device_id,
                  ((const struct bundle_recipient *)b)->device_id);
}

/* Version 2's team slots: T, then each lead's id and the file key sealed to
 * it, in device id order. */
static int put_team_slots(struct buf *out, const struct bundle_build_args *a,
                          const unsigned char *key, struct fc_error *err)
{
    struct bundle_recipient *v = xcalloc(a->n_team, sizeof(*v));
    int rc = FC_OK;

    memcpy(v, a->team, a->n_team * sizeof(*v));
    qsort(v, a->n_team, sizeof(*v), cmp_recipient);
    codec_put_u16(out, (uint16_t)a->n_team);
    for (size_t i = 0; i < a->n_team && !rc; i++) {
        unsigned char id[8], sealed[32 + crypto_box_SEALBYTES];

        if ((i && !strcmp(v[i - 1].device_id, v[i].device_id)) ||
            !strcmp(v[i].device_id, a->device->device_id) ||
            keys_device_id_parse(v[i].device_id, id, err)) {
            rc = fc_error_set(err, FC_EINTERNAL, "bundle team lead '%s' is repeated or invalid",
                              v[i].device_id);
            break;
        }
        crypto_box_seal(sealed, key, 32, v[i].box_pk);
        buf_add(out, id, 8);
        buf_add(out, sealed, sizeof(sealed));
    }
    free(v);
    return rc;
}

/* Compresses, encrypts and signs around the encoded records (see
 * bundle_build); n records, the last with hash head. */
static int build_records(const struct bundle_build_args *a, const struct buf *entries, size_t n,
                         const char *head, struct buf *out, struct fc_error *err)
{
    struct buf prefix = BUF_INIT, comp = BUF_INIT;
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    unsigned char sealed[32 + crypto_box_SEALBYTES], sig[CODEC_SIG_LEN];
    unsigned char *hdr = NULL;
    crypto_secretstream_xchacha20poly1305_state st;
    size_t start = out->len, hdr_off, hdr_len;
    unsigned char kid[8];
    int rc;

    rc = build_inner(a, entries, n, head, &prefix, err);
    if (!rc)
        rc = compress_inner(&prefix, entries, a->zstd_level ? a->zstd_level : BUNDLE_ZSTD_LEVEL,
                            &comp, err);
    if (rc)
        goto out;
    if (comp.len > BUNDLE_MAX_PLAIN) {
        rc = fc_error_set(err, FC_ELIMIT, "bundle of %zu compressed bytes is above the limit",
                          comp.len);
        goto out;
    }
    if (a->n_team > BUNDLE_MAX_TEAM)
        BUG("bundle sealed to %zu team leads", a->n_team);
    hdr_len = a->n_team ? BUNDLE_V2_HEADER_LEN(a->n_team) : BUNDLE_HEADER_LEN;
    crypto_secretstream_xchacha20poly1305_keygen(key);
    crypto_box_seal(sealed, key, sizeof(key), a->hq_box_pk);
    hq_key_id(kid, a->hq_box_pk);
    /* everything the file needs, so that the chunks go straight into out */
    buf_grow(out,
             hdr_len + comp.len + (comp.len / BUNDLE_CHUNK + 1) * (4 + SS_ABYTES) + CODEC_SIG_LEN);
    hdr_off = out->len;
    buf_add(out, outer_magic, 6);
    codec_put_u16(out, a->n_team ? 2 : 1);
    buf_add(out, a->device->id, 8);
    buf_add(out, a->device->sign_pk, 32);
    codec_put_u64(out, a->bundle_seq);
    buf_add(out, kid, 8);
    buf_add(out, sealed, sizeof(sealed));
    if (a->n_team) {
        rc = put_team_slots(out, a, key, err);
        if (rc)
            goto out;
    }
    crypto_secretstream_xchacha20poly1305_init_push(&st, (unsigned char *)out->ptr + out->len, key);
    out->len += crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    codec_put_u64(out, comp.len);
    if (out->len - hdr_off != hdr_len)
        BUG("bundle header is %zu bytes", out->len - hdr_off);
    hdr = xmalloc(hdr_len);
    memcpy(hdr, out->ptr + hdr_off, hdr_len);
    for (size_t off = 0; off < comp.len;) {
        size_t take = comp.len - off < BUNDLE_CHUNK ? comp.len - off : BUNDLE_CHUNK;
        unsigned long long clen = 0;
        int last = off + take == comp.len;

        codec_put_u32(out, (uint32_t)(take + SS_ABYTES));
        crypto_secretstream_xchacha20poly1305_push(
            &st, (unsigned char *)out->ptr + out->len, &clen, (unsigned char *)comp.ptr + off, take,
            hdr, hdr_len,
            last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                 : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        if (clen != take + SS_ABYTES)
            BUG("secretstream chunk of %llu bytes", clen);
        out->len += (size_t)clen;
        off += take;
    }
    codec_sign(sig, a->device->sign_sk, a->n_team ? "fieldcheck-bundle-v2" : "fieldcheck-bundle-v1",
               out->ptr + start, out->len - start);
    buf_add(out, sig, sizeof(sig));
out:
    free(hdr);
    sodium_memzero(key, sizeof(key));
    if (comp.cap)
        sodium_memzero(comp.ptr, comp.cap);
    buf_release(&comp);
    buf_release(&prefix);
    if (rc)
        buf_truncate(out, start);
    return rc;
}

int bundle_build(const struct bundle_build_args *a, const struct event *events, size_t n,
                 struct buf *out, struct fc_error *err)
{
    struct buf entries = BUF_INIT;
    int rc = FC_OK;

    for (size_t i = 0; i < n && !rc; i++) {
        if (events[i].seq != a->first_seq + (int64_t)i ||
            strcmp(events[i].device, a->device->device_id))
            rc = fc_error_set(err, FC_EINTERNAL, "events given to the bundle are not contiguous");
        else
            rc = evrec_put(&entries, &events[i], err);
    }
    if (!rc)
        rc = build_records(a, &entries, n, n ? events[n - 1].hash : a->prev_head, out, err);
    buf_release(&entries);
    return rc;
}

/* ---- reading ---- */

int bundle_peek(const void *data, size_t len, struct bundle_header *out, struct fc_error *err)
{
    const unsigned char *p = data;
    unsigned version;

    memset(out, 0, sizeof(*out));
    if (len < BUNDLE_HEADER_LEN + 64)
        return fc_error_set(err, FC_EINPUT,
                            "not a bundle: truncated at byte %zu (a bundle has "
                            "at least %d bytes)",
                            len, BUNDLE_HEADER_LEN + 64);
    if (memcmp(p, outer_magic, 6) != 0)
        return fc_error_set(err, FC_EINPUT, "not a bundle: bad magic");
    version = codec_get_u16(p + 6);
    if (version != 1 && version != 2)
        return fc_error_set(err, FC_EINPUT, "bundle format version %u is not supported", version);
    if (len > BUNDLE_MAX_FILE)
        return fc_error_set(err, FC_ELIMIT, "bundle of %zu bytes is above the limit", len);
    out->version = version;
    out->header_len = BUNDLE_HEADER_LEN;
    hash_to_hex(out->device_id, p + 8, 8);
    memcpy(out->sign_pk, p + 16, 32);
    out->bundle_seq = codec_get_u64(p + 48);
    memcpy(out->hq_key_id, p + 56, 8);
    if (out->bundle_seq == 0)
        return fc_error_set(err, FC_EINPUT, "bundle has sequence number 0");
    if (version == 2) {
        size_t t = codec_get_u16(p + 144);

        if (t < 1 || t > BUNDLE_MAX_TEAM)
            return fc_error_set(err, FC_EINPUT, "bundle has %zu team slots, not 1 to %d", t,
                                BUNDLE_MAX_TEAM);
        out->header_len = BUNDLE_V2_HEADER_LEN(t);
        if (len < out->header_len + 64)
            return fc_error_set(err, FC_EINPUT, "bundle truncated at byte %zu (its header)", len);
        for (size_t i = 0; i < t; i++) {
            const unsigned char *id = p + 146 + BUNDLE_TEAM_SLOT_LEN * i;

            if ((i && memcmp(id - BUNDLE_TEAM_SLOT_LEN, id, 8) >= 0) || !memcmp(id, p + 8, 8))
                return fc_error_set(err, FC_EINPUT,
                                    "bundle team slots are unordered or name the device itself");
            hash_to_hex(out->team[i], id, 8);
        }
        out->n_team = t;
    }
    return FC_OK;
}

/* Walks the chunk table: every length in range and matching the plaintext
 * layout, and the file ending exactly after the signature. */
static int check_layout(const unsigned char *p, size_t len, size_t hdr_len, uint64_t *plain_len,
                        struct fc_error *err)
{
    uint64_t P = codec_get_u64(p + hdr_len - 8), nchunks, off = hdr_len;

    if (P == 0 || P > BUNDLE_MAX_PLAIN)
        return fc_error_set(err, FC_ELIMIT, "bundle plaintext length %llu is out of range",
                            (unsigned long long)P);
    nchunks = (P + BUNDLE_CHUNK - 1) / BUNDLE_CHUNK;
    for (uint64_t i = 0; i < nchunks; i++) {
        uint64_t want = i + 1 < nchunks ? BUNDLE_CHUNK : P - (nchunks - 1) * BUNDLE_CHUNK;
        uint32_t L;

        if (len - 64 < off + 4)
            return fc_error_set(err, FC_EINPUT, "bundle truncated at byte %zu (chunk %llu)", len,
                                (unsigned long long)i + 1);
        L = codec_get_u32(p + off);
        if (L != want + SS_ABYTES)
            return fc_error_set(err, FC_EINPUT, "bundle chunk %llu has length %u, expected %llu",
                                (unsigned long long)i + 1, L,
                                (unsigned long long)(want + SS_ABYTES));
        off += 4;
        if (len - 64 - off < L)
            return fc_error_set(err, FC_EINPUT, "bundle truncated at byte %zu (chunk %llu)", len,
                                (unsigned long long)i + 1);
        off += L;
    }
    if (off + 64 != len)
        return fc_error_set(err, FC_EINPUT, "bundle has %zu unexpected bytes after its last chunk",
                            (size_t)(len - 64 - off));
    *plain_len = P;
    return FC_OK;
}

static const char *outer_domain(const struct bundle_header *h)
{
    return h->version == 2 ? "fieldcheck-bundle-v2" : "fieldcheck-bundle-v1";
}

int bundle_verify_outer(const void *data, size_t len, struct fc_error *err)
{
    struct bundle_header h;
    uint64_t P;
    int rc = bundle_peek(data, len, &h, err);

    if (!rc)
        rc = check_layout(data, len, h.header_len, &P, err);
    if (!rc && !codec_verify((const unsigned char *)data + len - 64, h.sign_pk, outer_domain(&h),
                             data, len - 64))
        rc = fc_error_set(err, FC_EVERIFY, "bundle signature does not verify");
    return rc;
}

/* ---- reading: decrypt, decompress and parse as the bytes arrive ---- */

/* The decompressed content is read front to back and never held whole: the
 * prefix and the signed manifest are gathered (at most 10 + 1 MiB + 64
 * bytes), then the events entry is parsed record by record from a window of
 * about PARSE_AT bytes and handed to the sink in batches. An enrolled
 * device's compression bomb therefore costs HQ the window, not the claim. */
#define PARSE_AT (1u << 20)
/* zstd window a reader accepts: exports at any level up to 19 stay below */
#define ZSTD_WINDOW_LOG_MAX 24

struct content {
    const unsigned char *device_pk;
    struct bundle_contents *c; /* header, heads and range, from the manifest */
    const struct bundle_sink *sink;
    uint64_t total;   /* the frame's declared content size */
    struct buf head;  /* prefix, manifest and signature until parsed */
    size_t head_need; /* 10, then 10 + manifest + 64 */
    int in_events, stopped;
    uint64_t events_size, events_seen;
    unsigned char want[HASH_LEN];
    struct hash_ctx ev_hash;
    struct buf window; /* event records not parsed yet */
    int64_t next_seq, n_events;
    unsigned char prev[HASH_LEN];
    struct event *batch;
    size_t batch_cap;
};

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int jint(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 0;
}

/* The manifest (after its signature verified): range, heads and the one
 * events entry, whose size must be what the content has left. */
static int parse_manifest(struct content *ct, struct fc_error *err)
{
    const unsigned char *p = (const unsigned char *)ct->head.ptr;
    struct bundle_contents *c = ct->c;
    size_t mlen = codec_get_u32(p + 6);
    const unsigned char *mtext = p + 10, *sig = p + 10 + mlen;
    json_error_t jerr;
    json_t *m = NULL, *entries, *ent;
    const char *s;
    int64_t v, first, last, size;
    int rc = FC_OK;

    if (!codec_verify(sig, ct->device_pk, "fieldcheck-bundle-manifest-v1", mtext, mlen)) {
        rc = fc_error_set(err, FC_EVERIFY, "bundle manifest signature does not verify");
        goto out;
    }
    m = json_loadb((const char *)mtext, mlen, JSON_REJECT_DUPLICATES, &jerr);
    entries = json_object_get(m, "entries");
    if (!json_is_object(m) || !(s = jstr(m, "format")) || strcmp(s, "fieldcheck-bundle") ||
        jint(m, "version", &v) || v != 1 || !(s = jstr(m, "device")) ||
        strcmp(s, c->hdr.device_id) || jint(m, "bundle_seq", &v) ||
        (uint64_t)v != c->hdr.bundle_seq || jint(m, "first_seq", &first) ||
        jint(m, "last_seq", &last) || !is_hex64(jstr(m, "prev_bundle")) ||
        !is_hex64(jstr(m, "prev_head")) || !is_hex64(jstr(m, "chain_head")) ||
        !json_is_array(entries)) {
        rc = fc_error_set(err, FC_EINTEGRITY,
                          "bundle manifest is malformed or disagrees with the header");
        goto out;
    }
    if (first < 1 || last < first - 1 || (uint64_t)(last - first) >= ct->total / 64) {
        rc = fc_error_set(err, FC_EINTEGRITY, "bundle event range %lld..%lld is invalid",
                          (long long)first, (long long)last);
        goto out;
    }
    if (json_array_size(entries) != 1 || !(ent = json_array_get(entries, 0)) ||
        !(s = jstr(ent, "name")) || strcmp(s, ENTRY_EVENTS) || jint(ent, "size", &size) ||
        size < 0 || (uint64_t)size != ct->total - ct->head.len || !is_hex64(jstr(ent, "sha256"))) {
        rc = fc_error_set(err, FC_EINPUT,
                          "bundle entries are not exactly one '" ENTRY_EVENTS "' of the "
                          "stated size");
        goto out;
    }
    c->first_seq = first;
    c->last_seq = last;
    snprintf(c->prev_bundle, sizeof(c->prev_bundle), "%s", jstr(m, "prev_bundle"));
    snprintf(c->prev_head, sizeof(c->prev_head), "%s", jstr(m, "prev_head"));
    snprintf(c->chain_head, sizeof(c->chain_head), "%s", jstr(m, "chain_head"));
    if (first == 1 && strcmp(c->prev_head, zero_hex) != 0) {
        rc = fc_error_set(err, FC_EINTEGRITY, "bundle starts at seq 1 with a previous hash");
        goto out;
    }
    if (hash_from_hex(ct->prev, HASH_LEN, c->prev_head) != FC_OK ||
        hash_from_hex(ct->want, HASH_LEN, jstr(ent, "sha256")) != FC_OK)
        BUG("hashes were checked as hex");
    ct->events_size = (uint64_t)size;
    ct->next_seq = first;
    hash_init(&ct->ev_hash);
out:
    json_decref(m);
    return rc;
}

/* Parses the complete records of the window and hands them to the sink;
 * at the end (final) whatever is left must be records too. */
static int parse_window(struct content *ct, int final, struct fc_error *err)
{
    struct evrec_reader er;
    char *arena;
    size_t nb = 0;
    int64_t range = ct->c->last_seq - ct->c->first_seq + 1;
    int rc = FC_OK;

    if (!ct->window.len)
        return FC_OK;
    arena = xmalloc(ct->window.len + 1);
    evrec_reader_init(&er, ct->window.ptr, ct->window.len, ct->c->hdr.device_id, ct->next_seq,
                      ct->prev, arena);
    for (;;) {
        size_t left = ct->window.len - er.off;
        struct event e;

        if (!left)
            break;
        if (!final) {
            uint32_t R;
            if (left < 4)
                break;
            R = codec_get_u32((const unsigned char *)ct->window.ptr + er.off);
            if (R <= EVREC_MAX && (size_t)R + 4 > left)
                break; /* the rest of this record has not arrived yet */
        }
        rc = evrec_next(&er, &e, err);
        if (rc <= 0)
            break;
        if (ct->n_events + (int64_t)nb == range) {
            rc = fc_error_set(err, FC_EINTEGRITY, "bundle holds more events than its range");
            break;
        }
        if (nb == ct->batch_cap) {
            ct->batch_cap = ct->batch_cap ? 2 * ct->batch_cap : 256;
            ct->batch = xreallocarray(ct->batch, ct->batch_cap, sizeof(*ct->batch));
        }
        ct->batch[nb++] = e;
        rc = FC_OK;
    }
    if (!rc && nb) {
        rc = ct->sink && ct->sink->events ? ct->sink->events(ct->sink->ctx, ct->batch, nb, err)
                                          : FC_OK;
        if (rc > 0)
            ct->stopped = 1;
        ct->n_events += (int64_t)nb;
        ct->next_seq = er.next_seq;
        memcpy(ct->prev, er.prev, HASH_LEN);
    }
    if (!rc) {
        memmove(ct->window.ptr, ct->window.ptr + er.off, ct->window.len - er.off);
        buf_truncate(&ct->window, ct->window.len - er.off);
    }
    sodium_memzero(arena, ct->window.len + 1);
    free(arena);
    return rc;
}

/* n more bytes of decompressed content. */
static int content_feed(struct content *ct, const unsigned char *p, size_t n, struct fc_error *err)
{
    int rc = FC_OK;

    while (n && !rc && !ct->stopped) {
        if (!ct->in_events) {
            size_t take = ct->head_need - ct->head.len;
            if (take > n)
                take = n;
            buf_add(&ct->head, p, take);
            p += take;
            n -= take;
            if (ct->head.len < ct->head_need)
                break;
            if (ct->head_need == 10) {
                const unsigned char *h = (const unsigned char *)ct->head.ptr;
                uint32_t mlen = codec_get_u32(h + 6);
                if (memcmp(h, inner_magic, 4) != 0 || codec_get_u16(h + 4) != 1)
                    return fc_error_set(err, FC_EINPUT,
                                        "bundle content has a bad magic or version");
                if (mlen < 2 || mlen > BUNDLE_MAX_MANIFEST)
                    return fc_error_set(err, FC_ELIMIT, "bundle manifest length %u is out of range",
                                        mlen);
                if (10 + (uint64_t)mlen + 64 > ct->total)
                    return fc_error_set(err, FC_EINPUT,
                                        "bundle content is shorter than its manifest");
                ct->head_need = 10 + (size_t)mlen + 64;
                continue;
            }
            rc = parse_manifest(ct, err);
            if (rc)
                return rc;
            ct->in_events = 1;
            if (ct->sink && ct->sink->begin) {
                rc = ct->sink->begin(ct->sink->ctx, ct->c, err);
                if (rc > 0) {
                    ct->stopped = 1;
                    return rc;
                }
            }
            continue;
        }
        if (n > ct->events_size - ct->events_seen)
            return fc_error_set(err, FC_EINPUT, "bundle content goes on after its entry");
        hash_update(&ct->ev_hash, p, n);
        buf_add(&ct->window, p, n);
        ct->events_seen += n;
        n = 0;
        if (ct->window.len >= PARSE_AT)
            rc = parse_window(ct, 0, err);
    }
    return rc;
}

/* All content has arrived: the last records, then the entry's size and
 * SHA-256, the number of events and the chain's head. */
static int content_finish(struct content *ct, struct fc_error *err)
{
    struct bundle_contents *c = ct->c;
    unsigned char digest[HASH_LEN];
    char head[HASH_HEX_LEN + 1];
    int rc;

    if (ct->stopped)
        return 1;
    if (!ct->in_events || ct->events_seen != ct->events_size)
        return fc_error_set(err, FC_EINPUT, "bundle content is truncated");
    rc = parse_window(ct, 1, err);
    if (rc)
        return rc;
    hash_final(&ct->ev_hash, digest);
    if (memcmp(digest, ct->want, HASH_LEN) != 0)
        return fc_error_set(err, FC_EINTEGRITY,
                            "bundle entry '" ENTRY_EVENTS "' does not match its SHA-256");
    hash_to_hex(head, ct->prev, HASH_LEN);
    if (ct->n_events != c->last_seq - c->first_seq + 1 || strcmp(head, c->chain_head) != 0)
        return fc_error_set(err, FC_EINTEGRITY,
                            "bundle events do not cover %lld..%lld ending at the stated head",
                            (long long)c->first_seq, (long long)c->last_seq);
    return FC_OK;
}

/* Decrypts every chunk and decompresses it streaming into the content
 * reader, never beyond the frame's declared content size nor the cap. */
/* Whose sealed copy of the file key a reader opens: HQ's, or a team
 * lead's slot. */
struct opener {
    const unsigned char *sealed; /* 32 + crypto_box_SEALBYTES bytes inside the header */
    const unsigned char *box_pk, *box_sk;
    int team; /* a team lead's slot, not HQ's */
};

static int decrypt_decompress(const unsigned char *p, uint64_t P, size_t hdr_len,
                              const struct opener *op, struct content *ct, struct fc_error *err)
{
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char *plain = xmalloc(BUNDLE_CHUNK);
    unsigned char *outbuf = xmalloc(ZSTD_DStreamOutSize());
    ZSTD_DStream *z = ZSTD_createDStream();
    uint64_t nchunks = (P + BUNDLE_CHUNK - 1) / BUNDLE_CHUNK, off = hdr_len, done = 0;
    unsigned long long content = 0;
    size_t zret = 1;
    int rc = FC_OK;

    if (!z)
        fc_die("out of memory (zstd)");
    if (crypto_box_seal_open(key, op->sealed, 32 + crypto_box_SEALBYTES, op->box_pk, op->box_sk)) {
        rc = op->team ? fc_error_set(err, FC_EVERIFY,
                                     "bundle file key does not open with this device's key")
                      : fc_error_set(err, FC_EVERIFY,
                                     "bundle file key does not open with this HQ's key");
        goto out;
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, p + hdr_len - 32, key)) {
        rc = fc_error_set(err, FC_EVERIFY, "bundle stream header is invalid");
        goto out;
    }
    ZSTD_initDStream(z);
    /* the decoder allocates its window from the frame header: a claim of a
     * huge window is refused instead of allocated */
    ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
    for (uint64_t i = 0; i < nchunks && !rc; i++) {
        uint32_t L = codec_get_u32(p + off);
        unsigned long long mlen = 0;
        unsigned char tag = 0;
        ZSTD_inBuffer in;

        off += 4;
        if (crypto_secretstream_xchacha20poly1305_pull(&st, plain, &mlen, &tag, p + off, L, p,
                                                       hdr_len)) {
            rc = fc_error_set(err, FC_EVERIFY, "bundle chunk %llu does not authenticate",
                              (unsigned long long)i + 1);
            goto out;
        }
        off += L;
        if ((i + 1 == nchunks) != (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)) {
            rc = fc_error_set(err, FC_EVERIFY, "bundle chunk %llu has the wrong tag",
                              (unsigned long long)i + 1);
            goto out;
        }
        if (i == 0) {
            content = ZSTD_getFrameContentSize(plain, (size_t)mlen);
            if (content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR) {
                rc = fc_error_set(err, FC_EINPUT,
                                  "bundle payload does not state its decompressed size");
                goto out;
            }
            if (content > inner_limit || content < 10) {
                rc = fc_error_set(err, FC_ELIMIT,
                                  "bundle payload would decompress to %llu bytes, above the "
                                  "limit of %llu",
                                  content, (unsigned long long)inner_limit);
                goto out;
            }
            ct->total = content;
        }
        in.src = plain;
        in.size = (size_t)mlen;
        in.pos = 0;
        while (in.pos < in.size && !rc) {
            ZSTD_outBuffer o = {outbuf, ZSTD_DStreamOutSize(), 0};

            zret = ZSTD_decompressStream(z, &o, &in);
            if (ZSTD_isError(zret)) {
                rc = fc_error_set(err, FC_EINPUT, "bundle payload does not decompress: %s",
                                  ZSTD_getErrorName(zret));
                goto out;
            }
            if (done + o.pos > content) {
                rc = fc_error_set(err, FC_ELIMIT,
                                  "bundle payload decompresses beyond its declared %llu bytes",
                                  content);
                goto out;
            }
            done += o.pos;
            rc = content_feed(ct, outbuf, o.pos, err);
            if (!rc && zret == 0 && in.pos < in.size) {
                rc = fc_error_set(err, FC_EINPUT, "bundle payload has data after its frame");
                goto out;
            }
        }
    }
    if (!rc && !ct->stopped && (zret != 0 || done != content))
        rc = fc_error_set(err, FC_EINPUT, "bundle payload is incomplete");
    if (!rc)
        rc = content_finish(ct, err);
out:
    sodium_memzero(key, sizeof(key));
    sodium_memzero(outbuf, ZSTD_DStreamOutSize());
    ZSTD_freeDStream(z);
    free(plain);
    free(outbuf);
    return rc;
}

/* The reader's own checks between the outer signature and decryption:
 * which sealed copy of the key it opens (HQ's or a team slot). */
typedef int (*opener_pick)(const unsigned char *p, const struct bundle_header *h, void *ctx,
                           struct opener *op, struct fc_error *err);

static int read_with(const void *data, size_t len, const unsigned char device_sign_pk[32],
                     opener_pick pick, void *pick_ctx, const struct bundle_sink *sink,
                     struct bundle_contents *info, struct fc_error *err)
{
    const unsigned char *p = data;
    struct content ct;
    struct opener op;
    unsigned char digest[HASH_LEN];
    uint64_t P = 0;
    int rc;

    memset(info, 0, sizeof(*info));
    memset(&ct, 0, sizeof(ct));
    buf_init(&ct.head);
    buf_init(&ct.window);
    rc = bundle_peek(data, len, &info->hdr, err);
    if (rc)
        goto out;
    if (memcmp(info->hdr.sign_pk, device_sign_pk, 32) != 0) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "bundle of device '%s' is signed with a key that is not its enrolled "
                          "key",
                          info->hdr.device_id);
        goto out;
    }
    rc = check_layout(p, len, info->hdr.header_len, &P, err);
    if (rc)
        goto out;
    if (!codec_verify(p + len - 64, device_sign_pk, outer_domain(&info->hdr), p, len - 64)) {
        rc = fc_error_set(err, FC_EVERIFY, "bundle signature does not verify");
        goto out;
    }
    rc = pick(p, &info->hdr, pick_ctx, &op, err);
    if (rc)
        goto out;
    hash_sha256(digest, data, len);
    hash_to_hex(info->sha256, digest, HASH_LEN);
    ct.device_pk = device_sign_pk;
    ct.c = info;
    ct.sink = sink;
    ct.head_need = 10;
    rc = decrypt_decompress(p, P, info->hdr.header_len, &op, &ct, err);
out:
    if (ct.head.len)
        sodium_memzero(ct.head.ptr, ct.head.len);
    if (ct.window.len)
        sodium_memzero(ct.window.ptr, ct.window.len);
    buf_release(&ct.head);
    buf_release(&ct.window);
    free(ct.batch);
    return rc;
}

static int pick_hq(const unsigned char *p, const struct bundle_header *h, void *ctx,
                   struct opener *op, struct fc_error *err)
{
    const struct keys_hq *hq = ctx;
    unsigned char kid[8];

    hq_key_id(kid, hq->box_pk);
    if (memcmp(kid, h->hq_key_id, 8) != 0)
        return fc_error_set(err, FC_EVERIFY, "bundle is encrypted for another HQ key");
    op->sealed = p + 64;
    op->box_pk = hq->box_pk;
    op->box_sk = hq->box_sk;
    op->team = 0;
    return FC_OK;
}

int bundle_read(const void *data, size_t len, const unsigned char device_sign_pk[32],
                const struct keys_hq *hq, const struct bundle_sink *sink,
                struct bundle_contents *info, struct fc_error *err)
{
    return read_with(data, len, device_sign_pk, pick_hq, (void *)hq, sink, info, err);
}

static int pick_team(const unsigned char *p, const struct bundle_header *h, void *ctx,
                     struct opener *op, struct fc_error *err)
{
    const struct keys_device *k = ctx;

    if (h->version < 2)
        return fc_error_set(err, FC_EVERIFY,
                            "bundle %llu of device '%s' is sealed to HQ alone (format version 1): "
                            "it was written before the device knew its team; HQ can import it",
                            (unsigned long long)h->bundle_seq, h->device_id);
    for (size_t i = 0; i < h->n_team; i++) {
        if (strcmp(h->team[i], k->device_id))
            continue;
        op->sealed = p + 146 + BUNDLE_TEAM_SLOT_LEN * i + 8;
        op->box_pk = k->box_pk;
        op->box_sk = k->box_sk;
        op->team = 1;
        return FC_OK;
    }
    return fc_error_set(err, FC_EVERIFY,
                        "bundle %llu of device '%s' is not sealed to this device '%s' (only to "
                        "HQ and %zu other team lead(s))",
                        (unsigned long long)h->bundle_seq, h->device_id, k->device_id, h->n_team);
}

int bundle_read_team(const void *data, size_t len, const unsigned char member_sign_pk[32],
                     const struct keys_device *reader, const struct bundle_sink *sink,
                     struct bundle_contents *info, struct fc_error *err)
{
    return read_with(data, len, member_sign_pk, pick_team, (void *)reader, sink, info, err);
}

/* bundle_open's sink: every batch copied, strings into an arena per batch. */
static int collect_events(void *ctx, const struct event *ev, size_t n, struct fc_error *err)
{
    struct bundle_contents *c = ctx;
    size_t bytes = 0;
    char *arena, *q;

    (void)err;
    for (size_t i = 0; i < n; i++)
        bytes += (ev[i].visit ? strlen(ev[i].visit) + 1 : 0) + strlen(ev[i].kind) + 1 +
                 (ev[i].subject ? strlen(ev[i].subject) + 1 : 0) + strlen(ev[i].payload) + 1;
    q = arena = xmalloc(bytes + 1);
    c->arenas = xreallocarray(c->arenas, c->narenas + 1, sizeof(*c->arenas));
    c->arenas[c->narenas++] = arena;
    c->events = xreallocarray(c->events, c->n_events + n, sizeof(*c->events));
    for (size_t i = 0; i < n; i++) {
        struct event *e = &c->events[c->n_events++];
        const char *const *src[4] = {&ev[i].visit, &ev[i].kind, &ev[i].subject, &ev[i].payload};
        const char **dst[4] = {&e->visit, &e->kind, &e->subject, &e->payload};

        *e = ev[i];
        for (int k = 0; k < 4; k++) {
            if (!*src[k]) {
                *dst[k] = NULL;
                continue;
            }
            size_t l = strlen(*src[k]) + 1;
            memcpy(q, *src[k], l);
            *dst[k] = q;
            q += l;
        }
    }
    return FC_OK;
}

int bundle_open(const void *data, size_t len, const unsigned char device_sign_pk[32],
                const struct keys_hq *hq, struct bundle_contents *out, struct fc_error *err)
{
    struct bundle_sink sink = {out, NULL, collect_events};
    int rc = bundle_read(data, len, device_sign_pk, hq, &sink, out, err);

    if (rc)
        bundle_contents_release(out);
    return rc;
}

/* ---- export ---- */

/* Encodes events straight from the database cursor into records: nothing is
 * kept per event but the bytes that go into the bundle. */
struct collect {
    struct buf records;
    const char *device;
    int64_t next_seq;
    size_t n;
    char head[HASH_HEX_LEN + 1];
    struct fc_error *err;
};

static int collect_one(const struct event *e, void *ctx)
{
    struct collect *c = ctx;
    int rc;

    if (e->seq != c->next_seq || strcmp(e->device, c->device) != 0)
        return fc_error_set(c->err, FC_EINTEGRITY,
                            "event %lld does not follow event %lld of this device",
                            (long long)e->seq, (long long)c->next_seq - 1);
    rc = evrec_put(&c->records, e, c->err);
    if (rc)
        return rc;
    memcpy(c->head, e->hash, sizeof(c->head));
    c->next_seq++;
    c->n++;
    return 0;
}

int bundle_export(struct store *s, const char *dir, struct bundle_export_result *res,
                  struct fc_error *err)
{
    return bundle_export_from(s, dir, 0, res, err);
}

int bundle_export_from(struct store *s, const char *dir, int64_t from_seq,
                       struct bundle_export_result *res, struct fc_error *err)
{
    struct keys_device k;
    struct syncdb_state state;
    struct collect col;
    struct bundle_build_args a;
    struct bundle_recipient *team = NULL;
    struct buf data = BUF_INIT, back = BUF_INIT, path = BUF_INIT;
    unsigned char hq_sign[32], hq_box[32], digest[HASH_LEN];
    char prev_head[HASH_HEX_LEN + 1];
    int rc;

    memset(&col, 0, sizeof(col));
    buf_init(&col.records);
    memset(res, 0, sizeof(*res));
    if (from_seq < 0)
        return fc_error_set(err, FC_EUSAGE, "export --from needs a seq of 1 or more");
    rc = keys_device_load(s, &k, err);
    if (!rc)
        rc = syncdb_trust_get(s, hq_sign, hq_box, err);
    if (!rc)
        rc = syncdb_state_get(s, &state, err);
    if (!rc && from_seq > 0 && from_seq <= state.acked_seq) {
        /* resend: start below what HQ acknowledged, chained from event from_seq - 1 */
        state.acked_seq = from_seq - 1;
        if (from_seq == 1)
            memcpy(state.acked_head, zero_hex, sizeof(state.acked_head));
        else
            rc = syncdb_event_hash(s, from_seq - 1, state.acked_head, err);
    }
    if (rc)
        goto out;
    memcpy(prev_head, state.acked_head, sizeof(prev_head));
    col.device = k.device_id;
    col.next_seq = state.acked_seq + 1;
    col.err = err;
    memcpy(col.head, prev_head, sizeof(col.head));
    rc = event_foreach(s, NULL, state.acked_seq, collect_one, &col, err);
    if (rc)
        goto out;
    if (col.n == 0) {
        /* HQ holds everything: an empty bundle would only add noise */
        res->first_seq = state.acked_seq + 1;
        res->last_seq = state.acked_seq;
        goto out;
    }
    memset(&a, 0, sizeof(a));
    a.device = &k;
    a.hq_box_pk = hq_box;
    a.bundle_seq = (uint64_t)state.bundle_seq + 1;
    a.prev_bundle = state.last_bundle;
    a.first_seq = state.acked_seq + 1;
    a.prev_head = prev_head;
    a.created_ms = clock_now_ms();
    rc = bundle_team_recipients(s, &team, &a.n_team, err); /* version 2 for a team */
    a.team = team;
    if (!rc)
        rc = build_records(&a, &col.records, col.n, col.head, &data, err);
    if (rc)
        goto out;
    rc = fs_mkdir_p(dir, 0700, err);
    if (rc)
        goto out;
    buf_addf(&path, "%s/%s-%06llu.fcb", dir, k.device_id, (unsigned long long)a.bundle_seq);
    rc = fs_write_atomic(path.ptr, data.ptr, data.len, 0600, err);
    if (rc)
        goto out;
    /* read back what is on the medium: a bad stick must fail here, not at HQ */
    rc = fs_read_file(path.ptr, data.len + 1, &back, err);
    if (rc)
        goto out;
    if (back.len != data.len || memcmp(back.ptr, data.ptr, data.len) != 0) {
        rc = fc_error_set(err, FC_EIO, "bundle '%s' reads back differently from what was written",
                          path.ptr);
        goto out;
    }
    rc = bundle_verify_outer(back.ptr, back.len, err);
    if (rc) {
        fc_error_prefix(err, "bundle '%s' does not verify after writing", path.ptr);
        goto out;
    }
    hash_sha256(digest, data.ptr, data.len);
    hash_to_hex(res->sha256, digest, HASH_LEN);
    res->bundle_seq = a.bundle_seq;
    res->first_seq = a.first_seq;
    res->last_seq = a.first_seq + (int64_t)col.n - 1;
    res->size = data.len;
    snprintf(res->path, sizeof(res->path), "%s", path.ptr);
    rc = syncdb_bundle_record(s, (int64_t)a.bundle_seq, res->sha256, path.ptr, res->first_seq,
                              res->last_seq, col.head, err);
out:
    free(team);
    sodium_memzero(&k, sizeof(k));
    buf_release(&col.records);
    buf_release(&data);
    buf_release(&back);
    buf_release(&path);
    return rc;
}
