/* The HQ and the devices the sync tests exchange packs and bundles between:
 * a temporary root with an HQ initialised and opened in root/hq (one per
 * test program: the statics root and hq below), and devices with a database
 * in root/<name>/fieldcheck.db and keys of their own, enrolled at that HQ or
 * not, trusting its hq.pub or not. Checks with cmocka assertions, so it is
 * for setups and tests only. */
#ifndef FC_TEST_HQ_FIXTURE_H
#define FC_TEST_HQ_FIXTURE_H

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "sync/bundle.h"
#include "sync/hq.h"
#include "sync/keys.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *root;
static struct hq hq;

/* Initialises an HQ of its own in dir and opens it into out. */
static inline void hq_fx_create(struct hq *out, const char *dir)
{
    struct fc_error err;
    char fp[20];

    assert_int_equal(hq_init(dir, NULL, fp, &err), 0);
    assert_int_equal(hq_open(out, dir, NULL, &err), 0);
}

/* Creates root from tmpl (mkdtemp), freezes the clock at now
 * (FIELDCHECK_NOW) and creates and opens hq in root/hq. */
static inline void hq_fx_setup(char *tmpl, const char *now)
{
    struct buf dir = BUF_INIT;

    root = mkdtemp(tmpl);
    assert_non_null(root);
    setenv("FIELDCHECK_NOW", now, 1);
    buf_addf(&dir, "%s/hq", root);
    hq_fx_create(&hq, dir.ptr);
    buf_release(&dir);
}

/* Closes hq and removes root with everything in it. */
static inline void hq_fx_close(void)
{
    hq_close(&hq);
    fs_remove_tree(root);
}

/* hq_fx_close as a cmocka teardown. */
static inline int hq_fx_teardown(void **state)
{
    (void)state;
    hq_fx_close();
    return 0;
}

/* A new device called name: its database root/<name>/fieldcheck.db, opened
 * into *s (closed again when s is NULL), and new keys in k, enrolled at hq
 * when enroll. */
static inline void hq_fx_device(const char *name, int enroll, struct store **s,
                                struct keys_device *k)
{
    struct fc_error err;
    struct buf path = BUF_INIT, code = BUF_INIT;
    struct keys_enrollment e;
    struct store *own = NULL;
    int created = 0, added = 0;

    buf_addf(&path, "%s/%s/fieldcheck.db", root, name);
    assert_int_equal(store_open(&own, path.ptr, &err), 0);
    assert_int_equal(keys_device_init(own, k, &created, &err), 0);
    assert_int_equal(created, 1);
    keys_enrollment_code(k, &code);
    if (enroll) {
        assert_int_equal(hq_enroll(&hq, code.ptr, &e, &added, &err), 0);
        assert_int_equal(added, 1);
    }
    if (s)
        *s = own;
    else
        store_close(own);
    buf_release(&path);
    buf_release(&code);
}

/* The device s trusts the HQ's keys from root/hq/hq.pub (keys_trust_file
 * with replace). */
static inline void hq_fx_trust(struct store *s, int replace)
{
    struct fc_error err;
    struct buf pub = BUF_INIT;
    struct keys_trust_result tr;

    buf_addf(&pub, "%s/hq/hq.pub", root);
    assert_int_equal(keys_trust_file(s, pub.ptr, replace, &tr, &err), 0);
    buf_release(&pub);
}

/* Writes text to dir/name, creating dir first. */
static inline void hq_fx_write_file(const char *dir, const char *name, const char *text)
{
    struct buf p = BUF_INIT;
    struct fc_error err;

    buf_addf(&p, "%s/%s", dir, name);
    assert_int_equal(fs_mkdir_p(dir, 0700, &err), 0);
    assert_int_equal(fs_write_atomic(p.ptr, text, strlen(text), 0600, &err), 0);
    buf_release(&p);
}

/* The arguments of bundle bseq of device k to hq: the events from seq
 * first on of the chain whose events are ev (ev[0] is seq 1), the first
 * bundle of its device as far as prev_bundle goes, made at a fixed time. */
static inline struct bundle_build_args hq_fx_bundle_args(const struct keys_device *k, uint64_t bseq,
                                                         const struct event *ev, int64_t first)
{
    static const char zero[HASH_HEX_LEN + 1] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    struct bundle_build_args a;

    memset(&a, 0, sizeof(a));
    a.device = k;
    a.hq_box_pk = hq.keys.box_pk;
    a.bundle_seq = bseq;
    a.prev_bundle = zero;
    a.first_seq = first;
    a.prev_head = first > 1 ? ev[first - 2].hash : zero;
    a.created_ms = 1772366400000LL;
    return a;
}

#endif
