/* Tests of repeated-key detection (core/keyset.h): a repeated key is always
 * flagged, before and after the set grows; a fresh key rarely is; tags
 * separate keys that differ only in their site; the keylist holds each
 * flagged key once. */
#include "core/store/hash.h"
#include "core/mission/keyset.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static uint32_t fp_of(struct keyset *k, const char *s)
{
    return keyset_fp(k, keyset_part(k, s, strlen(s)));
}

static int setup(void **state)
{
    (void)state;
    return hash_global_init();
}

static void test_repeats_always_flagged(void **state)
{
    (void)state;
    struct keyset *k = keyset_new(0, 10); /* grows many times below */
    const int n = 200000;
    int fresh_flagged = 0;
    char key[32];

    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "ZY%08d", i);
        fresh_flagged += keyset_add(k, fp_of(k, key), 0);
    }
    /* fingerprint collisions only: about n^2 / 2^32 / 2 = 5 */
    assert_true(fresh_flagged < 60);
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "ZY%08d", i);
        assert_int_equal(keyset_add(k, fp_of(k, key), 0), 1);
    }
    keyset_free(k);
}

static void test_tags(void **state)
{
    (void)state;
    struct keyset *k = keyset_new(1, 1000);
    static unsigned char flagged[50000];
    char key[32];
    int same = 0;

    for (int i = 0; i < 50000; i++) {
        snprintf(key, sizeof(key), "11010519800101%04d", i);
        flagged[i] = (unsigned char)keyset_add(k, fp_of(k, key), (uint32_t)(i % 7));
    }
    /* the same key and tag again: only a collision could flag it */
    for (int i = 0; i < 50000; i++) {
        snprintf(key, sizeof(key), "11010519800101%04d", i);
        same += keyset_add(k, fp_of(k, key), (uint32_t)(i % 7));
    }
    assert_true(same < 20);
    /* another tag: every key flagged at least once (a key that shares its
     * fingerprint with another may be flagged on its first row instead) */
    for (int i = 0; i < 50000; i++) {
        snprintf(key, sizeof(key), "11010519800101%04d", i);
        flagged[i] |= (unsigned char)keyset_add(k, fp_of(k, key), (uint32_t)(i % 7) + 1);
        assert_int_equal(flagged[i], 1);
    }
    keyset_free(k);
}

static void test_mix_keeps_order(void **state)
{
    (void)state;
    struct keyset *k = keyset_new(0, 10);
    uint64_t a = keyset_part(k, "W01", 3), b = keyset_part(k, "12", 2);

    assert_true(keyset_mix(a, b) != keyset_mix(b, a));
    assert_true(keyset_mix(a, b) == keyset_mix(keyset_part(k, "W01", 3), b));
    assert_true(keyset_part(k, "W0", 2) != keyset_part(k, "W01", 3));
    keyset_free(k);
}

static void test_keylist(void **state)
{
    (void)state;
    struct keylist l;
    char key[32];

    keylist_init(&l);
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 1000; i++) {
            snprintf(key, sizeof(key), "A%d\x1fH%d", i, i % 3);
            keylist_add(&l, key);
        }
    assert_int_equal(l.n, 1000);
    assert_string_equal(l.key[0], "A0\x1fH0");
    assert_string_equal(l.key[999], "A999\x1fH0");
    keylist_release(&l);
    keylist_release(&l); /* released twice: harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeats_always_flagged),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_mix_keeps_order),
        cmocka_unit_test(test_keylist),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
