/* Bundles end to end: export on devices, import at HQ, receipts; hostile
 * bundles (truncation at every byte, bit flips, chunk surgery, wrong keys,
 * unknown and revoked devices, a compression bomb) rejected with nothing
 * imported. Merge order-independence is tests/unit/sync/test_hq_merge.c. */
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/store/event.h"
#include "core/hq/hqstore.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "sync/bundle.h"
#include "sync/codec.h"
#include "sync/hq.h"
#include "sync/keys.h"
#include "sync/receipt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hq_fixture.h"

static char tmpl[] = "/tmp/fc-sync-XXXXXX";

struct dev {
    struct store *s;
    struct buf bundles[4]; /* file contents of each export */
    int n;
};

static void add_events(struct store *s, int n, const char *tag)
{
    struct fc_error err;

    assert_int_equal(store_begin(s, &err), 0);
    for (int i = 0; i < n; i++) {
        char payload[4096], subject[32];

        snprintf(payload, sizeof(payload), "{\"n\":%d,\"tag\":\"%s\"}", i, tag);
        snprintf(subject, sizeof(subject), "bed-%d", i);
        assert_int_equal(
            event_append(s, NULL, 1700000000000LL + i, "note", subject, payload, NULL, &err), 0);
    }
    assert_int_equal(store_commit(s, &err), 0);
}

static void dev_open(struct dev *d, const char *name, int enroll)
{
    struct keys_device k;

    memset(d, 0, sizeof(*d));
    hq_fx_device(name, enroll, &d->s, &k);
    hq_fx_trust(d->s, 1);
    for (int i = 0; i < 4; i++)
        buf_init(&d->bundles[i]);
}

static void dev_export(struct dev *d)
{
    struct fc_error err;
    struct bundle_export_result r;
    struct buf dir = BUF_INIT;

    buf_addf(&dir, "%s/out", root);
    if (bundle_export(d->s, dir.ptr, &r, &err))
        fail_msg("export: %s", err.msg);
    assert_int_equal(fs_read_file(r.path, BUNDLE_MAX_FILE, &d->bundles[d->n++], &err), 0);
    buf_release(&dir);
}

static void dev_close(struct dev *d)
{
    for (int i = 0; i < 4; i++)
        buf_release(&d->bundles[i]);
    store_close(d->s);
}

static void digest(char out[HASH_HEX_LEN + 1])
{
    struct fc_error err;
    assert_int_equal(hqstore_digest(hq.db, out, &err), 0);
}

static int setup(void **state)
{
    (void)state;
    hq_fx_setup(tmpl, "2026-03-01T10:00:00+08:00");
    return 0;
}

static void test_codes_roundtrip(void **state)
{
    struct fc_error err;
    struct buf code = BUF_INIT, out = BUF_INIT;
    unsigned char data[77];

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 37 + 5);
    for (size_t n = 0; n <= sizeof(data); n++) {
        buf_reset(&code);
        buf_reset(&out);
        codec_code_encode(&code, "FCX1", data, n);
        assert_int_equal(codec_code_decode(code.ptr, "FCX1", &out, "code", &err), 0);
        assert_int_equal(out.len, n);
        assert_memory_equal(out.ptr, data, n);
    }
    buf_reset(&out);
    assert_int_equal(codec_code_decode("FCY1AAAA", "FCX1", &out, "code", &err), FC_EINPUT);
    assert_int_equal(codec_code_decode("FCX1AA!A", "FCX1", &out, "code", &err), FC_EINPUT);
    buf_release(&code);
    buf_release(&out);
}

static void test_enrollment_typo_rejected(void **state)
{
    struct dev d;
    struct keys_device k;
    struct keys_enrollment e;
    struct buf code = BUF_INIT;
    struct fc_error err;

    (void)state;
    dev_open(&d, "typo", 0);
    assert_int_equal(keys_device_load(d.s, &k, &err), 0);
    keys_enrollment_code(&k, &code);
    assert_int_equal(keys_enrollment_parse(code.ptr, &e, &err), 0);
    assert_string_equal(e.device_id, store_device_id(d.s));
    code.ptr[20] = code.ptr[20] == 'A' ? 'B' : 'A';
    assert_int_equal(keys_enrollment_parse(code.ptr, &e, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "mistyped"));
    buf_release(&code);
    dev_close(&d);
}

static void test_export_import_receipt(void **state)
{
    struct dev d;
    struct fc_error err;
    struct hq_import_result r;
    struct buf code = BUF_INIT;
    struct receipt rc;
    struct syncdb_state st;
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1];
    int64_t acked = 0;
    int raised = 0;

    (void)state;
    dev_open(&d, "main", 1);
    add_events(d.s, 5, "a");
    dev_export(&d);
    if (hq_import_data(&hq, "b1", d.bundles[0].ptr, d.bundles[0].len, &r, &err))
        fail_msg("import: %s", err.msg);
    assert_int_equal(r.outcome, HQ_IMPORTED);
    assert_int_equal(r.stats.events_new, 5);
    digest(before);
    assert_int_equal(hq_import_data(&hq, "b1", d.bundles[0].ptr, d.bundles[0].len, &r, &err), 0);
    assert_int_equal(r.outcome, HQ_DUPLICATE);
    digest(after);
    assert_string_equal(before, after);

    assert_int_equal(hq_receipt(&hq, store_device_id(d.s), &code, &acked, &err), 0);
    assert_int_equal(acked, 5);
    assert_true(code.len < 220);
    assert_int_equal(receipt_apply(d.s, code.ptr, &rc, &raised, &err), 0);
    assert_int_equal(raised, 1);
    assert_int_equal(syncdb_state_get(d.s, &st, &err), 0);
    assert_int_equal(st.acked_seq, 5);
    /* applying it again acknowledges nothing new */
    assert_int_equal(receipt_apply(d.s, code.ptr, &rc, &raised, &err), 0);
    assert_int_equal(raised, 0);
    /* a damaged receipt is refused */
    code.ptr[40] = code.ptr[40] == 'A' ? 'B' : 'A';
    assert_int_not_equal(receipt_apply(d.s, code.ptr, &rc, &raised, &err), 0);

    /* the next export starts after the acknowledged seq and chains on */
    add_events(d.s, 3, "b");
    dev_export(&d);
    assert_int_equal(hq_import_data(&hq, "b2", d.bundles[1].ptr, d.bundles[1].len, &r, &err), 0);
    assert_int_equal(r.first_seq, 6);
    assert_int_equal(r.last_seq, 8);
    assert_int_equal(r.stats.events_new, 3);
    buf_release(&code);
    dev_close(&d);
}

static void expect_rejected(const void *data, size_t len, const char *what)
{
    struct fc_error err;
    struct hq_import_result r;
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1];
    int rc;

    digest(before);
    rc = hq_import_data(&hq, what, data, len, &r, &err);
    if (rc == 0)
        fail_msg("%s: accepted", what);
    assert_true(err.msg[0] != '\0');
    digest(after);
    if (strcmp(before, after) != 0)
        fail_msg("%s: state changed", what);
}

static void test_hostile_bundles(void **state)
{
    struct dev d;
    struct buf b = BUF_INIT;
    struct fc_error err;
    struct hq_import_result r;
    unsigned int seed = 12345;

    (void)state;
    dev_open(&d, "hostile", 1);
    add_events(d.s, 4, "h");
    dev_export(&d);
    /* truncation at every byte */
    for (size_t n = 0; n < d.bundles[0].len; n++)
        expect_rejected(d.bundles[0].ptr, n, "truncated");
    /* thousands of single bit flips */
    for (int i = 0; i < 3000; i++) {
        size_t pos = (size_t)rand_r(&seed) % d.bundles[0].len;
        buf_reset(&b);
        buf_add(&b, d.bundles[0].ptr, d.bundles[0].len);
        b.ptr[pos] ^= (char)(1 << (rand_r(&seed) % 8));
        expect_rejected(b.ptr, b.len, "bit flip");
    }
    /* an extra byte at the end */
    buf_reset(&b);
    buf_add(&b, d.bundles[0].ptr, d.bundles[0].len);
    buf_addch(&b, 0);
    expect_rejected(b.ptr, b.len, "trailing byte");
    /* the genuine bundle still imports */
    assert_int_equal(hq_import_data(&hq, "ok", d.bundles[0].ptr, d.bundles[0].len, &r, &err), 0);
    buf_release(&b);
    dev_close(&d);
}

static void test_chunk_surgery(void **state)
{
    struct dev d;
    struct buf a = BUF_INIT;
    size_t first, second, end;

    (void)state;
    dev_open(&d, "chunks", 1);
    /* enough incompressible-ish events for three chunks */
    for (int i = 0; i < 120; i++) {
        char tag[2048];
        for (size_t j = 0; j + 1 < sizeof(tag); j++)
            tag[j] = (char)('a' + (rand() % 26));
        tag[sizeof(tag) - 1] = 0;
        add_events(d.s, 1, tag);
    }
    dev_export(&d);
    first = BUNDLE_HEADER_LEN;
    second = first + 4 + codec_get_u32((unsigned char *)d.bundles[0].ptr + first);
    end = second + 4 + codec_get_u32((unsigned char *)d.bundles[0].ptr + second);
    assert_true(end < d.bundles[0].len - 64);
    /* swap the first two chunks (same length: both full) */
    buf_add(&a, d.bundles[0].ptr, first);
    buf_add(&a, d.bundles[0].ptr + second, end - second);
    buf_add(&a, d.bundles[0].ptr + first, second - first);
    buf_add(&a, d.bundles[0].ptr + end, d.bundles[0].len - end);
    expect_rejected(a.ptr, a.len, "reordered chunks");
    /* duplicate the first chunk in place of the second */
    buf_reset(&a);
    buf_add(&a, d.bundles[0].ptr, second);
    buf_add(&a, d.bundles[0].ptr + first, second - first);
    buf_add(&a, d.bundles[0].ptr + end, d.bundles[0].len - end);
    expect_rejected(a.ptr, a.len, "duplicated chunk");
    /* drop the second chunk */
    buf_reset(&a);
    buf_add(&a, d.bundles[0].ptr, second);
    buf_add(&a, d.bundles[0].ptr + end, d.bundles[0].len - end);
    expect_rejected(a.ptr, a.len, "dropped chunk");
    buf_release(&a);
    dev_close(&d);
}

static void test_wrong_hq_unknown_revoked(void **state)
{
    struct dev d, u;
    struct fc_error err;
    struct hq other;
    struct hq_import_result r;
    struct buf dir = BUF_INIT, pub = BUF_INIT;
    char q1[HASH_HEX_LEN + 1], q2[HASH_HEX_LEN + 1];
    struct keys_trust_result tr;

    (void)state;
    /* a device trusting another HQ: HQ cannot open its bundle */
    buf_addf(&dir, "%s/hq-other", root);
    hq_fx_create(&other, dir.ptr);
    dev_open(&d, "wronghq", 1);
    buf_addf(&pub, "%s/hq.pub", dir.ptr);
    assert_int_equal(keys_trust_file(d.s, pub.ptr, 1, &tr, &err), 0);
    assert_int_equal(tr.replaced, 1);
    add_events(d.s, 2, "w");
    dev_export(&d);
    expect_rejected(d.bundles[0].ptr, d.bundles[0].len, "wrong HQ key");
    assert_non_null(strstr(hq.db ? "x" : "", "x"));

    /* unknown device: quarantined once, no events */
    dev_open(&u, "unknown", 0);
    add_events(u.s, 2, "u");
    dev_export(&u);
    assert_int_equal(hq_import_data(&hq, "u", u.bundles[0].ptr, u.bundles[0].len, &r, &err),
                     FC_EVERIFY);
    assert_int_equal(r.outcome, HQ_QUARANTINED);
    assert_non_null(strstr(err.msg, "not enrolled"));
    digest(q1);
    assert_int_equal(hq_import_data(&hq, "u", u.bundles[0].ptr, u.bundles[0].len, &r, &err),
                     FC_EVERIFY);
    digest(q2);
    assert_string_equal(q1, q2);

    /* revoked device */
    assert_int_equal(keys_trust_file(d.s, "/nonexistent", 1, &tr, &err) != 0, 1);
    hq_fx_trust(d.s, 1);
    dev_export(&d);
    assert_int_equal(hqstore_device_revoke(hq.db, store_device_id(d.s), &err), 0);
    assert_int_equal(hq_import_data(&hq, "r", d.bundles[1].ptr, d.bundles[1].len, &r, &err),
                     FC_EVERIFY);
    assert_non_null(strstr(err.msg, "revoked"));
    hq_close(&other);
    buf_release(&dir);
    buf_release(&pub);
    dev_close(&d);
    dev_close(&u);
}

static void test_zstd_bomb(void **state)
{
    struct dev d;
    struct fc_error err;
    struct hq_import_result r;

    (void)state;
    dev_open(&d, "bomb", 1);
    {
        /* one large payload that compresses to almost nothing */
        char *big = calloc(1, 200000);
        memset(big, ' ', 199990);
        memcpy(big, "{\"x\":\"", 6);
        memcpy(big + 199990 - 2, "\"}", 2);
        assert_int_equal(store_begin(d.s, &err), 0);
        assert_int_equal(event_append(d.s, NULL, 1, "note", NULL, big, NULL, &err), 0);
        assert_int_equal(store_commit(d.s, &err), 0);
        free(big);
    }
    dev_export(&d);
    assert_true(d.bundles[0].len < 10000);
    bundle_set_inner_limit(100000);
    assert_int_equal(hq_import_data(&hq, "bomb", d.bundles[0].ptr, d.bundles[0].len, &r, &err),
                     FC_ELIMIT);
    assert_non_null(strstr(err.msg, "above the limit"));
    bundle_set_inner_limit(0);
    assert_int_equal(hq_import_data(&hq, "bomb", d.bundles[0].ptr, d.bundles[0].len, &r, &err), 0);
    dev_close(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_roundtrip),
        cmocka_unit_test(test_enrollment_typo_rejected),
        cmocka_unit_test(test_export_import_receipt),
        cmocka_unit_test(test_hostile_bundles),
        cmocka_unit_test(test_chunk_surgery),
        cmocka_unit_test(test_wrong_hq_unknown_revoked),
        cmocka_unit_test(test_zstd_bomb),
    };
    return cmocka_run_group_tests(tests, setup, hq_fx_teardown);
}
