/* Shared byte-level helpers for the sync formats. Integers are big-endian,
 * like the event chain; base32 keeps every text code inside the QR
 * alphanumeric set; every signature is domain-separated so none can be
 * replayed for another purpose (docs/bundle-format.md §1). */
#include "sync/codec.h"

#include "core/store/hash.h"

#include <sodium.h>
#include <string.h>

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void codec_put_u16(struct buf *b, uint16_t v)
{
    unsigned char p[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, p, 2);
}

void codec_put_u32(struct buf *b, uint32_t v)
{
    unsigned char p[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    buf_add(b, p, 4);
}

void codec_put_u64(struct buf *b, uint64_t v)
{
    codec_put_u32(b, (uint32_t)(v >> 32));
    codec_put_u32(b, (uint32_t)v);
}

uint16_t codec_get_u16(const unsigned char *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t codec_get_u32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

uint64_t codec_get_u64(const unsigned char *p)
{
    return ((uint64_t)codec_get_u32(p) << 32) | codec_get_u32(p + 4);
}

void codec_reader_init(struct codec_reader *r, const void *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->off = 0;
}

int codec_take(struct codec_reader *r, size_t n, const unsigned char **out, const char *what,
               struct fc_error *err)
{
    if (n > r->len - r->off)
        return fc_error_set(err, FC_EINPUT, "truncated at byte %zu (reading %s)", r->len, what);
    *out = r->p + r->off;
    r->off += n;
    return FC_OK;
}

/* The next n bytes as a big-endian unsigned integer (n <= 8). */
static int take_uint(struct codec_reader *r, size_t n, uint64_t *v, const char *what,
                     struct fc_error *err)
{
    const unsigned char *p = NULL;
    int rc = codec_take(r, n, &p, what, err);

    *v = 0;
    for (size_t i = 0; !rc && i < n; i++)
        *v = *v << 8 | p[i];
    return rc;
}

int codec_take_u16(struct codec_reader *r, uint16_t *v, const char *what, struct fc_error *err)
{
    uint64_t u;
    int rc = take_uint(r, 2, &u, what, err);

    *v = (uint16_t)u;
    return rc;
}

int codec_take_u64(struct codec_reader *r, uint64_t *v, const char *what, struct fc_error *err)
{
    return take_uint(r, 8, v, what, err);
}

void codec_code_encode(struct buf *out, const char *prefix, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t acc = 0;
    int bits = 0;

    buf_adds(out, prefix);
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            buf_addch(out, b32[(acc >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0)
        buf_addch(out, b32[(acc << (5 - bits)) & 31]);
}

static int b32_value(int c)
{
    if (c >= 'a' && c <= 'z')
        c -= 'a' - 'A';
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

int codec_code_decode(const char *text, const char *prefix, struct buf *out, const char *what,
                      struct fc_error *err)
{
    size_t plen = strlen(prefix), i = 0, got = 0;
    uint32_t acc = 0;
    int bits = 0;

    while (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
        i++;
    for (size_t k = 0; k < plen; k++, i++) {
        int c = (unsigned char)text[i];
        if (c >= 'a' && c <= 'z')
            c -= 'a' - 'A';
        if (c != (unsigned char)prefix[k])
            return fc_error_set(err, FC_EINPUT, "not a %s: it does not start with '%s'", what,
                                prefix);
    }
    for (; text[i]; i++) {
        int c = (unsigned char)text[i], v;

        if (c == ' ' || c == '-' || c == '\n' || c == '\r' || c == '\t')
            continue;
        v = b32_value(c);
        if (v < 0)
            return fc_error_set(err, FC_EINPUT, "%s: invalid character at position %zu", what,
                                i + 1);
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            if (++got > CODEC_CODE_MAX)
                return fc_error_set(err, FC_ELIMIT, "%s is too long", what);
            buf_addch(out, (char)((acc >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    /* leftover bits must be padding zeros, fewer than one character's worth */
    if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
        return fc_error_set(err, FC_EINPUT, "%s has a damaged ending", what);
    return FC_OK;
}

void codec_sign(unsigned char sig[CODEC_SIG_LEN], const unsigned char sk[CODEC_SIGN_SK_LEN],
                const char *domain, const void *data, size_t len)
{
    crypto_sign_state st;

    crypto_sign_init(&st);
    crypto_sign_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
    crypto_sign_update(&st, data, len);
    crypto_sign_final_create(&st, sig, NULL, sk);
}

int codec_verify(const unsigned char sig[CODEC_SIG_LEN], const unsigned char pk[CODEC_SIGN_PK_LEN],
                 const char *domain, const void *data, size_t len)
{
    crypto_sign_state st;

    crypto_sign_init(&st);
    crypto_sign_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
    crypto_sign_update(&st, data, len);
    return crypto_sign_final_verify(&st, (unsigned char *)sig, pk) == 0;
}

void codec_signer_begin(struct codec_signer *s, const char *domain)
{
    crypto_sign_init(&s->st);
    crypto_sign_update(&s->st, (const unsigned char *)domain, strlen(domain) + 1);
}

void codec_signer_update(struct codec_signer *s, const void *data, size_t len)
{
    crypto_sign_update(&s->st, data, len);
}

void codec_signer_create(struct codec_signer *s, unsigned char sig[CODEC_SIG_LEN],
                         const unsigned char sk[CODEC_SIGN_SK_LEN])
{
    crypto_sign_final_create(&s->st, sig, NULL, sk);
}

int codec_signer_verify(struct codec_signer *s, const unsigned char sig[CODEC_SIG_LEN],
                        const unsigned char pk[CODEC_SIGN_PK_LEN])
{
    return crypto_sign_final_verify(&s->st, (unsigned char *)sig, pk) == 0;
}

void codec_fingerprint(char out[20], const unsigned char sign_pk[CODEC_SIGN_PK_LEN],
                       const unsigned char box_pk[CODEC_BOX_PK_LEN])
{
    static const char tag[] = "fieldcheck-fingerprint-v1";
    struct hash_ctx h;
    unsigned char d[HASH_LEN];
    struct buf code = BUF_INIT;
    size_t o = 0;

    hash_init(&h);
    hash_update(&h, tag, sizeof(tag)); /* with its NUL */
    hash_update(&h, sign_pk, CODEC_SIGN_PK_LEN);
    hash_update(&h, box_pk, CODEC_BOX_PK_LEN);
    hash_final(&h, d);
    codec_code_encode(&code, "", d, 10);
    for (size_t i = 0; i < 16; i++) {
        if (i && i % 4 == 0)
            out[o++] = '-';
        out[o++] = code.ptr[i];
    }
    out[o] = '\0';
    buf_release(&code);
}

void codec_check4(unsigned char out[4], const void *data, size_t len)
{
    unsigned char d[HASH_LEN];

    hash_sha256(d, data, len);
    memcpy(out, d, 4);
}
