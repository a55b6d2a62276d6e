/* SHA-256 (nettle), randomness and hex helpers (libsodium). The only core
 * module besides the store that touches either library (DESIGN §3). */
#ifndef FC_CORE_HASH_H
#define FC_CORE_HASH_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

#define HASH_LEN 32
#define HASH_HEX_LEN 64

struct hash_ctx {
    _Alignas(8) unsigned char state[128]; /* nettle's struct sha256_ctx, opaque here */
};

/* Must be called once before any other function (sodium_init); idempotent.
 * Returns FC_EINTERNAL if libsodium cannot initialise. */
int hash_global_init(void);

void hash_sha256(unsigned char out[HASH_LEN], const void *data, size_t len);
void hash_init(struct hash_ctx *ctx);
void hash_update(struct hash_ctx *ctx, const void *data, size_t len);
void hash_final(struct hash_ctx *ctx, unsigned char out[HASH_LEN]);

/* SHA-256 of a file's contents, streamed; size in *size (may be NULL). The
 * file is opened with fs_open_input: anything but a regular file (a FIFO, a
 * device) is refused with FC_EINPUT instead of hanging or reading forever. */
int hash_file(const char *path, unsigned char out[HASH_LEN], uint64_t *size, struct fc_error *err);

/* Lower-case hex into out (2*len+1 bytes). */
/* SHA-256 of what remains to be read from fd ("what" names it in messages). */
int hash_fd(int fd, const char *what, unsigned char out[HASH_LEN], uint64_t *size,
            struct fc_error *err);

void hash_to_hex(char *out, const unsigned char *bin, size_t len);
/* Parses exactly 2*len hex digits; returns 0 or FC_EINPUT. */
int hash_from_hex(unsigned char *bin, size_t len, const char *hex);

/* SipHash-2-4 of data under key: a 64-bit hash for in-memory tables that a
 * hostile input cannot aim collisions at without the (random) key. */
#define HASH_SHORT_KEY_LEN 16
uint64_t hash_short(const unsigned char key[HASH_SHORT_KEY_LEN], const void *data, size_t len);

/* Fills out with cryptographically random bytes. */
void hash_random(void *out, size_t len);
/* A random RFC 4122 version-4 UUID as 36 characters + NUL. */
void hash_uuid(char out[37]);

#endif
