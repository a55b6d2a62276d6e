/* Hashing and randomness for the event chain, file evidence and identifiers,
 * all delegated to libraries rather than hand-written: SHA-256 to nettle,
 * whose x86-64 build picks the SHA-NI instructions at run time (about 3.5x
 * libsodium's portable code on the reference files and CSV input a mission
 * load hashes; docs/decisions.md), randomness, SipHash and hex to
 * libsodium. */
#include "core/store/hash.h"
#include "core/base/fs.h"

#include <nettle/sha2.h>
#include <sodium.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((struct hash_ctx *)0)->state),
               "hash_ctx too small");
_Static_assert(SHA256_DIGEST_SIZE == HASH_LEN, "SHA-256 digest size");

static struct sha256_ctx *state_of(struct hash_ctx *ctx)
{
    return (struct sha256_ctx *)(void *)ctx->state;
}

int hash_global_init(void)
{
    return sodium_init() < 0 ? FC_EINTERNAL : FC_OK;
}

void hash_sha256(unsigned char out[HASH_LEN], const void *data, size_t len)
{
    struct hash_ctx ctx;

    hash_init(&ctx);
    hash_update(&ctx, data, len);
    hash_final(&ctx, out);
}

void hash_init(struct hash_ctx *ctx)
{
    sha256_init(state_of(ctx));
}

void hash_update(struct hash_ctx *ctx, const void *data, size_t len)
{
    sha256_update(state_of(ctx), len, data);
}

void hash_final(struct hash_ctx *ctx, unsigned char out[HASH_LEN])
{
    sha256_digest(state_of(ctx), HASH_LEN, out);
}

int hash_fd(int fd, const char *what, unsigned char out[HASH_LEN], uint64_t *size,
            struct fc_error *err)
{
    unsigned char chunk[65536];
    struct hash_ctx ctx;
    uint64_t total = 0;

    hash_init(&ctx);
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", what,
                                   strerror(errno));
        }
        if (n == 0)
            break;
        hash_update(&ctx, chunk, (size_t)n);
        total += (uint64_t)n;
    }
    hash_final(&ctx, out);
    if (size)
        *size = total;
    return FC_OK;
}

int hash_file(const char *path, unsigned char out[HASH_LEN], uint64_t *size, struct fc_error *err)
{
    int fd = -1, rc = fs_open_input(path, 0, 0, &fd, NULL, err);

    if (rc)
        return rc;
    rc = hash_fd(fd, path, out, size, err);
    close(fd);
    return rc;
}

void hash_to_hex(char *out, const unsigned char *bin, size_t len)
{
    sodium_bin2hex(out, len * 2 + 1, bin, len);
}

int hash_from_hex(unsigned char *bin, size_t len, const char *hex)
{
    size_t got = 0;

    if (strlen(hex) != len * 2)
        return FC_EINPUT;
    if (sodium_hex2bin(bin, len, hex, len * 2, NULL, &got, NULL) != 0 || got != len)
        return FC_EINPUT;
    return FC_OK;
}

_Static_assert(crypto_shorthash_KEYBYTES == HASH_SHORT_KEY_LEN, "SipHash key size");

uint64_t hash_short(const unsigned char key[HASH_SHORT_KEY_LEN], const void *data, size_t len)
{
    unsigned char out[crypto_shorthash_BYTES];
    uint64_t v;

    crypto_shorthash(out, data, len, key);
    memcpy(&v, out, sizeof(v));
    return v;
}

void hash_random(void *out, size_t len)
{
    randombytes_buf(out, len);
}

void hash_uuid(char out[37])
{
    unsigned char b[16];
    char hex[33];

    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    hash_to_hex(hex, b, sizeof(b));
    memcpy(out, hex, 8);
    out[8] = '-';
    memcpy(out + 9, hex + 8, 4);
    out[13] = '-';
    memcpy(out + 14, hex + 12, 4);
    out[18] = '-';
    memcpy(out + 19, hex + 16, 4);
    out[23] = '-';
    memcpy(out + 24, hex + 20, 12);
    out[36] = '\0';
}
