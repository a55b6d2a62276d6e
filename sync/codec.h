/* Byte-level helpers shared by every sync format (docs/bundle-format.md §1):
 * big-endian integers, a bounds-checked reader, RFC 4648 base32 text codes
 * with a 4-character prefix, and domain-separated Ed25519ph signatures. */
#ifndef FC_SYNC_CODEC_H
#define FC_SYNC_CODEC_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#define CODEC_SIG_LEN 64
#define CODEC_SIGN_PK_LEN 32
#define CODEC_SIGN_SK_LEN 64
#define CODEC_BOX_PK_LEN 32
#define CODEC_BOX_SK_LEN 32
/* Longest text code body accepted (bytes before base32), far above any format. */
#define CODEC_CODE_MAX 512

void codec_put_u16(struct buf *b, uint16_t v);
void codec_put_u32(struct buf *b, uint32_t v);
void codec_put_u64(struct buf *b, uint64_t v);
uint16_t codec_get_u16(const unsigned char *p);
uint32_t codec_get_u32(const unsigned char *p);
uint64_t codec_get_u64(const unsigned char *p);

/* A cursor over borrowed bytes; every take checks the remaining length. */
struct codec_reader {
    const unsigned char *p;
    size_t len, off;
};

void codec_reader_init(struct codec_reader *r, const void *p, size_t len);
/* Points *out at the next n bytes; FC_EINPUT "truncated at byte N" if short. */
int codec_take(struct codec_reader *r, size_t n, const unsigned char **out, const char *what,
               struct fc_error *err);
int codec_take_u16(struct codec_reader *r, uint16_t *v, const char *what, struct fc_error *err);
int codec_take_u64(struct codec_reader *r, uint64_t *v, const char *what, struct fc_error *err);

/* Appends prefix then base32 (upper case, no padding) of data. */
void codec_code_encode(struct buf *out, const char *prefix, const void *data, size_t len);
/* Decodes a text code: skips spaces, '-' and line breaks, accepts lower case,
 * checks the 4-character prefix; the body goes to out (appended). FC_EINPUT on
 * a wrong prefix, a bad character or a body above CODEC_CODE_MAX bytes. */
int codec_code_decode(const char *text, const char *prefix, struct buf *out, const char *what,
                      struct fc_error *err);

/* Ed25519ph signature over domain (with its NUL) || data. */
void codec_sign(unsigned char sig[CODEC_SIG_LEN], const unsigned char sk[CODEC_SIGN_SK_LEN],
                const char *domain, const void *data, size_t len);
/* 1 when sig is valid for pk over domain || data. */
int codec_verify(const unsigned char sig[CODEC_SIG_LEN], const unsigned char pk[CODEC_SIGN_PK_LEN],
                 const char *domain, const void *data, size_t len);

/* The same signature over data given in pieces (a file read in blocks):
 * codec_signer_begin, codec_signer_update for each piece, then
 * codec_signer_create (HQ, a writer) or codec_signer_verify (1 when valid). */
struct codec_signer {
    crypto_sign_state st;
};

void codec_signer_begin(struct codec_signer *s, const char *domain);
void codec_signer_update(struct codec_signer *s, const void *data, size_t len);
void codec_signer_create(struct codec_signer *s, unsigned char sig[CODEC_SIG_LEN],
                         const unsigned char sk[CODEC_SIGN_SK_LEN]);
int codec_signer_verify(struct codec_signer *s, const unsigned char sig[CODEC_SIG_LEN],
                        const unsigned char pk[CODEC_SIGN_PK_LEN]);

/* The fingerprint of a key set: "XXXX-XXXX-XXXX-XXXX" (19 characters + NUL). */
void codec_fingerprint(char out[20], const unsigned char sign_pk[CODEC_SIGN_PK_LEN],
                       const unsigned char box_pk[CODEC_BOX_PK_LEN]);

/* First 4 bytes of SHA-256(data): the check bytes of enrollment and HQ codes. */
void codec_check4(unsigned char out[4], const void *data, size_t len);

#endif
