/* Repeated-key detection in a few bytes per key (core/keyset.h). A bucket
 * is one cache line: 16 fingerprints, or 8 fingerprint-tag pairs; a full
 * bucket spills into the next. 0 marks an empty slot (fingerprints have
 * their top bit set). The bucket comes from the fingerprint itself, so the
 * set can grow without the keys' text. */
#include "core/mission/keyset.h"

#include "core/base/xalloc.h"
#include "core/store/hash.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LINE 64
#define SLOTS_PLAIN (LINE / 4)
#define SLOTS_TAGGED (LINE / 8)

struct keyset {
    uint32_t *v; /* nbuckets * LINE bytes: fp, or fp and tag pairs */
    size_t nbuckets, n;
    int tagged;
    unsigned char key[HASH_SHORT_KEY_LEN];
};

static size_t slots(const struct keyset *k)
{
    return k->tagged ? SLOTS_TAGGED : SLOTS_PLAIN;
}

static void alloc_buckets(struct keyset *k, size_t nbuckets)
{
    size_t size = nbuckets * LINE, huge = (size_t)2 << 20;
    void *p = NULL;

    /* every lookup lands on a random line of megabytes: on 2 MB pages where
     * the kernel offers them, so a lookup costs a cache miss but rarely a
     * page walk too */
    if (posix_memalign(&p, size >= huge ? huge : LINE, size) != 0)
        fc_die("out of memory (%zu bytes)", size);
    if (size >= huge)
        madvise(p, size, MADV_HUGEPAGE);
    memset(p, 0, size);
    k->v = p;
    k->nbuckets = nbuckets;
}

/* buckets for n keys at four fifths full */
static size_t buckets_for(const struct keyset *k, size_t n)
{
    return n * 5 / 4 / slots(k) + 1;
}

struct keyset *keyset_new(int tagged, size_t expect)
{
    struct keyset *k = xcalloc(1, sizeof(*k));

    k->tagged = tagged;
    alloc_buckets(k, buckets_for(k, expect < 1024 ? 1024 : expect));
    hash_random(k->key, sizeof(k->key));
    return k;
}

void keyset_free(struct keyset *k)
{
    if (!k)
        return;
    free(k->v);
    free(k);
}

size_t keyset_count(const struct keyset *k)
{
    return k->n;
}

static size_t bucket_of(const struct keyset *k, uint32_t fp)
{
    /* fp's low 31 bits, mixed, scaled onto the buckets */
    uint32_t m = (uint32_t)(((uint64_t)fp * 0x9E3779B97F4A7C15u) >> 32);
    return (size_t)(((uint64_t)m * k->nbuckets) >> 32);
}

uint64_t keyset_part(const struct keyset *k, const void *part, size_t n)
{
    return hash_short(k->key, part, n);
}

uint64_t keyset_mix(uint64_t h, uint64_t part)
{
    /* order matters ("a","b" is not "b","a"); the parts' hashes are
     * already keyed, so a multiply-rotate mix is enough */
    h = (h ^ part) * 0x9E3779B97F4A7C15u;
    return h ^ (h >> 29) ^ (part << 7 | part >> 57);
}

uint32_t keyset_fp(const struct keyset *k, uint64_t h)
{
    uint32_t fp = (uint32_t)(h >> 32) | 1u << 31;

    __builtin_prefetch((const char *)k->v + bucket_of(k, fp) * LINE);
    return fp;
}

/* The slot of fp, or the first empty slot on its way (*found says which):
 * a uint32_t index into v. */
static size_t find(const struct keyset *k, uint32_t fp, int *found)
{
    size_t step = k->tagged ? 2 : 1, b = bucket_of(k, fp);

    for (;;) {
        uint32_t *line = k->v + b * (LINE / 4);
        for (size_t i = 0; i < LINE / 4; i += step) {
            if (line[i] == fp || !line[i]) {
                *found = line[i] == fp;
                return b * (LINE / 4) + i;
            }
        }
        b = b + 1 == k->nbuckets ? 0 : b + 1;
    }
}

static void put(struct keyset *k, uint32_t fp, uint32_t tag)
{
    int found;
    size_t i = find(k, fp, &found);

    k->v[i] = fp;
    if (k->tagged)
        k->v[i + 1] = tag;
}

static void grow(struct keyset *k)
{
    uint32_t *old = k->v;
    size_t words = k->nbuckets * (LINE / 4), step = k->tagged ? 2 : 1;

    alloc_buckets(k, k->nbuckets * 3 / 2 + 1);
    for (size_t i = 0; i < words; i += step)
        if (old[i])
            put(k, old[i], k->tagged ? old[i + 1] : 0);
    free(old);
}

int keyset_add(struct keyset *k, uint32_t fp, uint32_t tag)
{
    int found;
    size_t i = find(k, fp, &found);

    if (found)
        return k->tagged ? k->v[i + 1] != tag : 1;
    k->v[i] = fp;
    if (k->tagged)
        k->v[i + 1] = tag;
    if (++k->n > k->nbuckets * slots(k) * 9 / 10)
        grow(k);
    return 0;
}

/* ---- keylist ---------------------------------------------------------------- */

void keylist_init(struct keylist *l)
{
    memset(l, 0, sizeof(*l));
    hash_random(l->hkey, sizeof(l->hkey));
}

void keylist_release(struct keylist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->key[i]);
    free(l->key);
    free(l->slot);
    memset(l, 0, sizeof(*l));
}

/* slot holds index + 1 into key[], 0 when empty */
static size_t list_find(const struct keylist *l, const char *key, size_t n)
{
    size_t i = (size_t)hash_short(l->hkey, key, n) & (l->cap - 1);

    while (l->slot[i] && strcmp(l->key[l->slot[i] - 1], key))
        i = (i + 1) & (l->cap - 1);
    return i;
}

size_t keylist_add(struct keylist *l, const char *key)
{
    size_t n = strlen(key), i;

    if ((l->n + 1) * 2 > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        free(l->slot);
        l->slot = xcalloc(cap, sizeof(*l->slot));
        l->cap = cap;
        for (size_t j = 0; j < l->n; j++)
            l->slot[list_find(l, l->key[j], strlen(l->key[j]))] = (uint32_t)(j + 1);
        l->key = xreallocarray(l->key, l->cap / 2, sizeof(*l->key));
    }
    i = list_find(l, key, n);
    if (l->slot[i])
        return l->slot[i] - 1;
    l->key[l->n] = xstrdup(key);
    l->slot[i] = (uint32_t)++l->n;
    return l->n - 1;
}

long keylist_find(const struct keylist *l, const char *key)
{
    size_t i;

    if (!l->cap)
        return -1;
    i = list_find(l, key, strlen(key));
    return l->slot[i] ? (long)l->slot[i] - 1 : -1;
}
