/* Event records (sync/evrec): a chain of events round-trips with every field,
 * null visit and subject included; hostile records (every truncation, bad
 * lengths, unknown flags, NUL bytes, invalid UTF-8, a wrong seq, another
 * device, a changed bit anywhere but in the null flags, a broken chain)
 * are refused, and the
 * reader never writes past the arena it was given. */
#include "core/base/buf.h"
#include "core/store/event.h"
#include "core/store/hash.h"
#include "sync/codec.h"
#include "sync/evrec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DEV "0fc0ffee00112233"

static const unsigned char zero[HASH_LEN];

/* n chained events of DEV from seq 1, encoded into out; ev keeps them. */
static void make_chain(struct event *ev, int n, struct buf *out)
{
    static const char zero_hex[] =
        "0000000000000000000000000000000000000000000000000000000000000000";

    for (int i = 0; i < n; i++) {
        struct event *e = &ev[i];

        memset(e, 0, sizeof(*e));
        e->seq = i + 1;
        snprintf(e->id, sizeof(e->id), "00000000-0000-4000-8000-%012d", i);
        snprintf(e->device, sizeof(e->device), "%s", DEV);
        e->visit = i % 2 ? "11111111-2222-4333-8444-555555555555" : NULL;
        snprintf(e->at, sizeof(e->at), "2026-03-01T12:00:0%d.000Z", i % 10);
        e->kind = i ? "bed_mark" : "visit_open";
        e->subject = i % 3 ? "W01/床3" : NULL;
        e->payload = i % 4 ? "{\"verdict\":\"present\"}" : "{}";
        memcpy(e->prev_hash, i ? ev[i - 1].hash : zero_hex, sizeof(e->prev_hash));
        event_compute_hash(e);
        assert_int_equal(evrec_put(out, e, NULL), 0);
    }
}

/* Reads every record; returns the count, or the first error code. */
static int read_all(const void *data, size_t len, const char *device, struct event *got, int max,
                    struct fc_error *err)
{
    struct evrec_reader r;
    char *arena = malloc(len + 1);
    int n = 0, rc;

    evrec_reader_init(&r, data, len, device, 1, zero, arena);
    while ((rc = evrec_next(&r, &got[n < max ? n : max - 1], err)) == 1)
        n++;
    assert_true(r.arena_off <= len);
    free(arena);
    return rc ? rc : n;
}

static void test_empty_and_roundtrip(void **state)
{
    struct event ev[12], got[12];
    struct buf b = BUF_INIT;
    struct evrec_reader r;
    char *arena;

    (void)state;
    assert_int_equal(read_all("", 0, DEV, got, 12, NULL), 0);
    make_chain(ev, 12, &b);
    arena = malloc(b.len);
    evrec_reader_init(&r, b.ptr, b.len, DEV, 1, zero, arena);
    for (int i = 0; i < 12; i++) {
        assert_int_equal(evrec_next(&r, &got[i], NULL), 1);
        assert_int_equal(got[i].seq, ev[i].seq);
        assert_string_equal(got[i].id, ev[i].id);
        assert_string_equal(got[i].device, ev[i].device);
        assert_string_equal(got[i].at, ev[i].at);
        assert_string_equal(got[i].kind, ev[i].kind);
        assert_string_equal(got[i].payload, ev[i].payload);
        assert_string_equal(got[i].prev_hash, ev[i].prev_hash);
        assert_string_equal(got[i].hash, ev[i].hash);
        if (ev[i].visit)
            assert_string_equal(got[i].visit, ev[i].visit);
        else
            assert_null(got[i].visit);
        if (ev[i].subject)
            assert_string_equal(got[i].subject, ev[i].subject);
        else
            assert_null(got[i].subject);
    }
    assert_int_equal(evrec_next(&r, &got[0], NULL), 0);
    free(arena);
    buf_release(&b);
}

static void test_every_truncation_and_flip(void **state)
{
    struct event ev[3], got[3];
    struct buf b = BUF_INIT, c = BUF_INIT;
    size_t flags_at[3];
    int n_flags = 0;

    (void)state;
    make_chain(ev, 3, &b);
    for (size_t n = 0; n < b.len; n++) {
        int rc = read_all(b.ptr, n, DEV, got, 3, NULL);
        /* a cut exactly between records is a shorter valid chain */
        if (rc >= 0)
            assert_true(rc < 3);
    }
    /* the flags byte is outside the event hash (null and "" hash alike); in
     * a bundle the entry's SHA-256 in the signed manifest covers it, so only
     * its undefined bits are checked here */
    for (size_t off = 0; off < b.len; off += 4 + codec_get_u32((unsigned char *)b.ptr + off))
        flags_at[n_flags++] = off + 4 + HASH_LEN;
    for (size_t pos = 0; pos < b.len; pos++) {
        int is_flags = 0;

        for (int k = 0; k < n_flags; k++)
            is_flags |= flags_at[k] == pos;
        for (int bit = is_flags ? 2 : 0; bit < 8; bit++) {
            int rc;

            buf_reset(&c);
            buf_add(&c, b.ptr, b.len);
            c.ptr[pos] ^= (char)(1 << bit);
            rc = read_all(c.ptr, c.len, DEV, got, 3, NULL);
            if (rc >= 0)
                fail_msg("flip of bit %d at byte %zu accepted (%d events)", bit, pos, rc);
        }
    }
    buf_release(&b);
    buf_release(&c);
}

/* Builds one record of seq 1 by hand with a correct hash over its fields,
 * so that the reader's field checks, not the hash, must refuse it. */
static void hand_record(struct buf *out, unsigned char flags, const char *const f[8],
                        const size_t fl[8])
{
    static const char tag[] = "fieldcheck-event-v1";
    struct buf area = BUF_INIT;
    struct hash_ctx h;
    unsigned char d[HASH_LEN];

    for (int i = 0; i < 8; i++) {
        codec_put_u32(&area, (uint32_t)fl[i]);
        buf_add(&area, f[i], fl[i]);
    }
    hash_init(&h);
    hash_update(&h, tag, sizeof(tag) - 1);
    hash_update(&h, zero, HASH_LEN);
    hash_update(&h, area.ptr, area.len);
    hash_final(&h, d);
    codec_put_u32(out, (uint32_t)(HASH_LEN + 1 + area.len));
    buf_add(out, d, HASH_LEN);
    buf_addch(out, (char)flags);
    buf_add(out, area.ptr, area.len);
    buf_release(&area);
}

static int hand_check(unsigned char flags, const char *const f[8], const size_t fl[8],
                      struct fc_error *err)
{
    struct buf b = BUF_INIT;
    struct event got[1];
    int rc;

    hand_record(&b, flags, f, fl);
    rc = read_all(b.ptr, b.len, DEV, got, 1, err);
    buf_release(&b);
    return rc;
}

static void test_hostile_fields(void **state)
{
    const char *f[8] = {"1", "id", DEV, "", "2026-03-01T12:00:00.000Z", "note", "", "{}"};
    size_t fl[8];
    struct fc_error err;
    struct buf b = BUF_INIT;
    struct event got[1];
    static const char pad[128];

    (void)state;
    for (int i = 0; i < 8; i++)
        fl[i] = strlen(f[i]);
    /* the baseline is valid, so each change below is what gets it refused */
    assert_int_equal(hand_check(3, f, fl, &err), 1);
    assert_int_equal(hand_check(4, f, fl, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "flags"));
    f[3] = "v";
    fl[3] = 1;
    assert_int_equal(hand_check(1, f, fl, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "null field"));
    f[3] = "";
    fl[3] = 0;
    f[0] = "01";
    fl[0] = 2;
    assert_int_equal(hand_check(3, f, fl, &err), FC_EINTEGRITY);
    assert_non_null(strstr(err.msg, "seq"));
    f[0] = "1";
    fl[0] = 1;
    f[2] = "0fc0ffee00112234";
    assert_int_equal(hand_check(3, f, fl, &err), FC_EINTEGRITY);
    assert_non_null(strstr(err.msg, "device"));
    f[2] = DEV;
    f[7] = "{\"a\":\"\xc3\x28\"}";
    fl[7] = strlen(f[7]);
    assert_int_equal(hand_check(3, f, fl, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "UTF-8"));
    f[7] = "{}\0x";
    fl[7] = 4;
    assert_int_equal(hand_check(3, f, fl, &err), FC_EINPUT);
    f[7] = "{}";
    fl[7] = 2;
    f[1] = "0123456789012345678901234567890123456789";
    fl[1] = strlen(f[1]);
    assert_int_equal(hand_check(3, f, fl, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "out of range"));
    f[1] = "id";
    fl[1] = 2;
    /* lengths: above the cap, below the minimum, beyond the data */
    codec_put_u32(&b, EVREC_MAX + 1);
    assert_int_equal(read_all(b.ptr, b.len, DEV, got, 1, &err), FC_ELIMIT);
    buf_reset(&b);
    codec_put_u32(&b, EVREC_MIN - 1);
    buf_add(&b, pad, EVREC_MIN - 1);
    assert_int_equal(read_all(b.ptr, b.len, DEV, got, 1, &err), FC_EINPUT);
    buf_reset(&b);
    codec_put_u32(&b, 4000);
    buf_add(&b, pad, 100);
    assert_int_equal(read_all(b.ptr, b.len, DEV, got, 1, &err), FC_EINPUT);
    /* a field length that runs past its record */
    buf_reset(&b);
    hand_record(&b, 3, f, fl);
    codec_put_u32(&b, 0); /* stray bytes after the record: not a record */
    assert_true(read_all(b.ptr, b.len, DEV, got, 1, &err) < 0);
    buf_reset(&b);
    hand_record(&b, 3, f, fl);
    b.ptr[4 + HASH_LEN + 1 + 3] = (char)200; /* seq field length */
    assert_int_equal(read_all(b.ptr, b.len, DEV, got, 1, &err), FC_EINPUT);
    buf_release(&b);
}

static void test_chain_breaks(void **state)
{
    struct event ev[4], got[4];
    struct buf b = BUF_INIT, c = BUF_INIT;
    size_t r0, r1;
    struct fc_error err;

    (void)state;
    make_chain(ev, 4, &b);
    r0 = 4 + codec_get_u32((unsigned char *)b.ptr);
    r1 = 4 + codec_get_u32((unsigned char *)b.ptr + r0);
    /* drop the second record: the third no longer chains */
    buf_add(&c, b.ptr, r0);
    buf_add(&c, b.ptr + r0 + r1, b.len - r0 - r1);
    assert_int_equal(read_all(c.ptr, c.len, DEV, got, 4, &err), FC_EINTEGRITY);
    /* a chain that starts from another previous hash */
    {
        struct evrec_reader r;
        unsigned char other[HASH_LEN] = {1};
        char *arena = malloc(b.len);

        evrec_reader_init(&r, b.ptr, b.len, DEV, 1, other, arena);
        assert_int_equal(evrec_next(&r, &got[0], &err), FC_EINTEGRITY);
        assert_non_null(strstr(err.msg, "hash"));
        free(arena);
    }
    /* an event whose stated hash is not hex cannot be written */
    memcpy(ev[0].hash, "zz", 2);
    buf_reset(&c);
    assert_int_equal(evrec_put(&c, &ev[0], &err), FC_EINPUT);
    assert_int_equal(c.len, 0);
    buf_release(&b);
    buf_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_roundtrip),
        cmocka_unit_test(test_every_truncation_and_flip),
        cmocka_unit_test(test_hostile_fields),
        cmocka_unit_test(test_chain_breaks),
    };
    hash_global_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
