/* Which keys of a stream repeat, in a few bytes per key. The loader feeds it
 * every roster row's keys while it parses (admission per site, bed per site,
 * ID with its site) and afterwards asks the indexes only about the keys
 * flagged here, instead of walking whole indexes.
 *
 * A keyset keeps a 32-bit fingerprint of each key (from SipHash under a
 * random key, so a hostile file cannot aim collisions), plus a tag for tagged
 * sets:
 * 4 or 8 bytes a key in 64-byte buckets (one cache line per lookup), about
 * 5 or 10 MB a million keys. keyset_add answers 1 for every key that was
 * added before (untagged) or was added before with another tag (tagged), and
 * for a few others whose fingerprint collides (about one in four thousand at
 * a million keys): the caller confirms each flagged key exactly. It never
 * answers 0 for such a key, so nothing is missed. For a tagged set: a key
 * added with two different tags is flagged at least once (the rows whose tag
 * differs from the first one stored under its fingerprint).
 *
 * A keylist collects the flagged keys once each, exactly (by text); it also
 * serves as a small exact set of strings. */
#ifndef FC_CORE_KEYSET_H
#define FC_CORE_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct keyset;

/* tagged: store a 32-bit tag with each fingerprint; expect: how many keys
 * to size for (the set grows past it). */
struct keyset *keyset_new(int tagged, size_t expect);
void keyset_free(struct keyset *k);
/* Keys added (distinct fingerprints). */
size_t keyset_count(const struct keyset *k);

/* The 64-bit keyed hash of one part of a key (the set's own SipHash key). A
 * key of several parts is keyset_mix of its parts' hashes, so a caller can
 * keep the hash of a part that repeats from row to row (a site, a ward). */
uint64_t keyset_part(const struct keyset *k, const void *part, size_t n);
uint64_t keyset_mix(uint64_t h, uint64_t part);

/* The fingerprint of a key of hash h; computing it also prefetches its
 * bucket, so a caller with several keys per row takes them all first, then
 * adds them. */
uint32_t keyset_fp(const struct keyset *k, uint64_t h);

/* 1 if the key of fingerprint fp may have been added before (see above),
 * else 0; adds it. */
int keyset_add(struct keyset *k, uint32_t fp, uint32_t tag);

/* Keys, each once, in the order first added. */
struct keylist {
    char **key;
    size_t n;
    /* private: open addressing over key, by hash */
    uint32_t *slot;
    size_t cap;
    unsigned char hkey[16];
};

void keylist_init(struct keylist *l);
void keylist_release(struct keylist *l);
/* Adds a copy of key (a NUL-terminated string) unless already there; its
 * index in key[] either way. */
size_t keylist_add(struct keylist *l, const char *key);
/* The index of key in key[], or -1. */
long keylist_find(const struct keylist *l, const char *key);

#endif
