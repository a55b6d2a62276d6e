/* libFuzzer target for the bundle reader, with fixed test device and HQ keys.
 * The first input byte picks a mode. Even: the rest is a whole bundle file,
 * which exercises the outer parser (random bytes never pass the signature).
 * Odd: the rest is the decompressed content ("FCBI" ...); this harness signs
 * its manifest with the test device key, compresses, encrypts and signs it
 * exactly as a device would, so that the fuzzer reaches the inner parser.
 * The signing lives only here, in the test harness; the product has no such
 * mode. With FC_FUZZ_WRITE_SEEDS=DIR the first run writes a real bundle in
 * both forms to DIR (tests/fuzz/corpus/fuzz_bundle/ was made that way). */
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/store/event.h"
#include "core/store/hash.h"
#include "sync/bundle.h"
#include "sync/codec.h"

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keys_hq hq;
static struct keys_device dev;

static void keys_setup(void)
{
    unsigned char hq_seed[32] = {1}, dev_seed[32] = {2};

    hash_global_init();
    crypto_sign_seed_keypair(hq.sign_pk, hq.sign_sk, hq_seed);
    crypto_box_seed_keypair(hq.box_pk, hq.box_sk, hq_seed);
    crypto_sign_seed_keypair(dev.sign_pk, dev.sign_sk, dev_seed);
    crypto_box_seed_keypair(dev.box_pk, dev.box_sk, dev_seed);
    memcpy(dev.id, "\x0f\xc0\xff\xee\x00\x11\x22\x33", 8);
    hash_to_hex(dev.device_id, dev.id, 8);
}

/* Wraps inner content into a bundle as bundle_build does: zstd frame with its
 * content size, secretstream chunks with the header as additional data,
 * outer signature. The manifest signature is redone when the layout allows. */
static void wrap(const uint8_t *inner, size_t len, struct buf *out)
{
    unsigned char *copy = malloc(len ? len : 1), *comp = NULL, *chunk = NULL;
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    unsigned char sealed[32 + crypto_box_SEALBYTES], sig[CODEC_SIG_LEN], kid[32];
    crypto_secretstream_xchacha20poly1305_state st;
    size_t cap, clen;

    memcpy(copy, inner, len);
    if (len >= 10) {
        uint32_t mlen = codec_get_u32(copy + 6);
        if (mlen <= len - 10 && len - 10 - mlen >= 64)
            codec_sign(copy + 10 + mlen, dev.sign_sk, "fieldcheck-bundle-manifest-v1", copy + 10,
                       mlen);
    }
    cap = ZSTD_compressBound(len);
    comp = malloc(cap);
    clen = ZSTD_compress(comp, cap, copy, len, 1);
    if (ZSTD_isError(clen) || clen == 0)
        goto out;
    crypto_secretstream_xchacha20poly1305_keygen(key);
    crypto_box_seal(sealed, key, sizeof(key), hq.box_pk);
    hash_sha256(kid, hq.box_pk, 32);
    buf_add(out, "FCBNDL", 6);
    codec_put_u16(out, 1);
    buf_add(out, dev.id, 8);
    buf_add(out, dev.sign_pk, 32);
    codec_put_u64(out, 1);
    buf_add(out, kid, 8);
    buf_add(out, sealed, sizeof(sealed));
    buf_grow(out, crypto_secretstream_xchacha20poly1305_HEADERBYTES);
    crypto_secretstream_xchacha20poly1305_init_push(&st, (unsigned char *)out->ptr + out->len, key);
    out->len += crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    codec_put_u64(out, clen);
    chunk = malloc(BUNDLE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
    for (size_t off = 0; off < clen;) {
        size_t take = clen - off < BUNDLE_CHUNK ? clen - off : BUNDLE_CHUNK;
        unsigned char hdr[BUNDLE_HEADER_LEN];
        unsigned long long n = 0;

        memcpy(hdr, out->ptr, BUNDLE_HEADER_LEN);
        crypto_secretstream_xchacha20poly1305_push(
            &st, chunk, &n, comp + off, take, hdr, BUNDLE_HEADER_LEN,
            off + take == clen ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                               : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        codec_put_u32(out, (uint32_t)n);
        buf_add(out, chunk, (size_t)n);
        off += take;
    }
    codec_sign(sig, dev.sign_sk, "fieldcheck-bundle-v1", out->ptr, out->len);
    buf_add(out, sig, sizeof(sig));
out:
    free(copy);
    free(comp);
    free(chunk);
}

/* Decrypts a bundle of the test keys back to its content (seed writing). */
static void unwrap(const struct buf *b, struct buf *inner)
{
    const unsigned char *p = (const unsigned char *)b->ptr;
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES], tag;
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char *plain = malloc(BUNDLE_CHUNK);
    struct buf comp = BUF_INIT;
    uint64_t P = codec_get_u64(p + 168);
    size_t off = BUNDLE_HEADER_LEN;
    unsigned long long n = 0, csize;

    if (crypto_box_seal_open(key, p + 64, sizeof(key) + crypto_box_SEALBYTES, hq.box_pk,
                             hq.box_sk) ||
        crypto_secretstream_xchacha20poly1305_init_pull(&st, p + 144, key))
        abort();
    while (comp.len < P) {
        uint32_t L = codec_get_u32(p + off);
        if (crypto_secretstream_xchacha20poly1305_pull(&st, plain, &n, &tag, p + off + 4, L, p,
                                                       BUNDLE_HEADER_LEN))
            abort();
        buf_add(&comp, plain, (size_t)n);
        off += 4 + L;
    }
    csize = ZSTD_getFrameContentSize(comp.ptr, comp.len);
    buf_grow(inner, (size_t)csize);
    if (ZSTD_decompress(inner->ptr, (size_t)csize, comp.ptr, comp.len) != csize)
        abort();
    inner->len = (size_t)csize;
    inner->ptr[inner->len] = '\0';
    buf_release(&comp);
    free(plain);
}

static void write_seed(const char *dir, const char *name, char mode, const struct buf *b)
{
    struct buf path = BUF_INIT, data = BUF_INIT;

    buf_addch(&data, mode);
    buf_add(&data, b->ptr, b->len);
    buf_addf(&path, "%s/%s", dir, name);
    if (fs_write_atomic(path.ptr, data.ptr, data.len, 0644, NULL))
        abort();
    buf_release(&path);
    buf_release(&data);
}

/* A real three-event bundle of the test device, in both input forms. */
static void write_seeds(const char *dir)
{
    static const char zero[HASH_HEX_LEN + 1] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    struct event ev[3];
    struct bundle_build_args a;
    struct buf b = BUF_INIT, inner = BUF_INIT;

    memset(ev, 0, sizeof(ev));
    for (int i = 0; i < 3; i++) {
        ev[i].seq = i + 1;
        snprintf(ev[i].id, sizeof(ev[i].id), "00000000-0000-4000-8000-00000000000%d", i);
        snprintf(ev[i].device, sizeof(ev[i].device), "%s", dev.device_id);
        ev[i].visit = i ? "11111111-2222-4333-8444-555555555555" : NULL;
        ev[i].at_ms = 1772366400000LL + i;
        clock_format_utc(ev[i].at_ms, ev[i].at);
        ev[i].kind = i ? "bed_mark" : "visit_open";
        ev[i].subject = i ? "W01/1" : NULL;
        ev[i].payload = i ? "{\"verdict\":\"present\"}" : "{\"site\":\"H11010500001\"}";
        snprintf(ev[i].prev_hash, sizeof(ev[i].prev_hash), "%s", i ? ev[i - 1].hash : zero);
        event_compute_hash(&ev[i]);
    }
    memset(&a, 0, sizeof(a));
    a.device = &dev;
    a.hq_box_pk = hq.box_pk;
    a.bundle_seq = 1;
    a.prev_bundle = zero;
    a.first_seq = 1;
    a.prev_head = zero;
    a.created_ms = 1772366400000LL;
    if (bundle_build(&a, ev, 3, &b, NULL))
        abort();
    write_seed(dir, "bundle_real", 0, &b);
    unwrap(&b, &inner);
    write_seed(dir, "inner_real", 1, &inner);
    buf_release(&b);
    buf_release(&inner);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct bundle_contents c;
    struct bundle_header h;
    struct buf wrapped = BUF_INIT;
    const uint8_t *p;
    size_t n;

    if (!ready) {
        keys_setup();
        bundle_set_inner_limit(1 << 20);
        if (getenv("FC_FUZZ_WRITE_SEEDS"))
            write_seeds(getenv("FC_FUZZ_WRITE_SEEDS"));
        ready = 1;
    }
    if (size < 1)
        return 0;
    p = data + 1;
    n = size - 1;
    if (data[0] & 1) {
        wrap(p, n, &wrapped);
        p = (const uint8_t *)wrapped.ptr;
        n = wrapped.len;
    }
    if (bundle_peek(p, n, &h, NULL) == FC_OK &&
        bundle_open(p, n, h.sign_pk, &hq, &c, NULL) == FC_OK)
        bundle_contents_release(&c);
    buf_release(&wrapped);
    return 0;
}
