/* Evidence register: hashing at registration, re-registration, change and
 * missing-file detection by evidence_verify, and voided entries skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/base/fs.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/store/event.h"
#include "core/visit/evidence.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "visit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    struct fx_store *f = calloc(1, sizeof(*f));
    struct visit_open_args a;

    setenv("FIELDCHECK_NOW", "2026-03-01T09:00:00+08:00", 1);
    fx_store_open(f, "evid", "fc.db");
    a = fx_visit_args("M1", "flight", "H11010500001", "A", "B", clock_now_ms());
    fx_visit_open(f->s, &a, f->visit);
    *state = f;
    return 0;
}

static void test_missing_and_odd_inputs(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    struct evidence e;
    int checked = -1, bad = -1;

    assert_int_equal(evidence_add(f->s, f->visit, "", NULL, 0, &e, NULL, &err), FC_EUSAGE);
    assert_int_equal(evidence_add(f->s, f->visit, "/nonexistent/x.jpg", NULL, 0, &e, NULL, &err),
                     FC_ENOTFOUND);
    assert_int_equal(evidence_add(f->s, f->visit, f->dir, NULL, 0, &e, NULL, &err), FC_EINPUT);
    /* an empty register verifies */
    assert_int_equal(evidence_verify(f->s, f->visit, NULL, NULL, &checked, &bad, &err), 0);
    assert_int_equal(checked, 0);
    assert_int_equal(bad, 0);
}

static void test_hash_and_reregister(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    struct evidence e, again;
    struct buf path = BUF_INIT;
    int existed = -1;

    buf_addf(&path, "%s/photo.jpg", f->dir);
    write_file(path.ptr, "abc");
    assert_int_equal(evidence_add(f->s, f->visit, path.ptr, "床头卡", 0, &e, &existed, &err), 0);
    assert_int_equal(existed, 0);
    /* SHA-256("abc") */
    assert_string_equal(e.sha256,
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(e.size, 3);
    assert_string_equal(e.note, "床头卡");
    assert_true(e.path[0] == '/');
    assert_int_equal(evidence_add(f->s, f->visit, path.ptr, NULL, 0, &again, &existed, &err), 0);
    assert_int_equal(existed, 1);
    assert_string_equal(again.event_id, e.event_id);
    evidence_release(&again);
    evidence_release(&e);
    buf_release(&path);
}

struct seen {
    int ok, changed, missing;
};

static void note_status(const struct evidence *e, const struct evidence_check *c, void *ctx)
{
    struct seen *s = ctx;

    (void)e;
    s->ok += c->status == EVIDENCE_OK;
    s->changed += c->status == EVIDENCE_CHANGED;
    s->missing += c->status == EVIDENCE_MISSING;
}

static void test_change_and_missing(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    struct evidence a, b, c;
    struct buf pa = BUF_INIT, pb = BUF_INIT, pc = BUF_INIT, payload = BUF_INIT;
    struct seen seen;
    int checked = 0, bad = 0;

    buf_addf(&pa, "%s/a.txt", f->dir);
    buf_addf(&pb, "%s/b.txt", f->dir);
    buf_addf(&pc, "%s/c.txt", f->dir);
    write_file(pa.ptr, "first");
    write_file(pb.ptr, "second");
    write_file(pc.ptr, "third");
    assert_int_equal(evidence_add(f->s, f->visit, pa.ptr, NULL, 0, &a, NULL, &err), 0);
    assert_int_equal(evidence_add(f->s, f->visit, pb.ptr, NULL, 0, &b, NULL, &err), 0);
    assert_int_equal(evidence_add(f->s, f->visit, pc.ptr, NULL, 0, &c, NULL, &err), 0);
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(evidence_verify(f->s, f->visit, note_status, &seen, &checked, &bad, &err), 0);
    assert_int_equal(seen.ok, 3);

    write_file(pa.ptr, "First"); /* same size, other content */
    assert_int_equal(unlink(pb.ptr), 0);
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(evidence_verify(f->s, f->visit, note_status, &seen, &checked, &bad, &err),
                     FC_EVERIFY);
    assert_int_equal(checked, 3);
    assert_int_equal(bad, 2);
    assert_int_equal(seen.changed, 1);
    assert_int_equal(seen.missing, 1);
    assert_int_equal(seen.ok, 1);
    assert_non_null(strstr(err.msg, "2 of 3"));

    /* voided registrations are no longer checked */
    buf_addf(&payload, "{\"reason\":\"wrong file\",\"target\":\"%s\"}", b.event_id);
    assert_int_equal(store_begin(f->s, &err), 0);
    assert_int_equal(event_append(f->s, f->visit, 0, "void", b.event_id, payload.ptr, NULL, &err),
                     0);
    assert_int_equal(store_commit(f->s, &err), 0);
    assert_int_equal(evidence_verify(f->s, f->visit, NULL, NULL, &checked, &bad, &err), FC_EVERIFY);
    assert_int_equal(checked, 2);
    assert_int_equal(bad, 1);
    evidence_release(&a);
    evidence_release(&b);
    evidence_release(&c);
    buf_release(&pa);
    buf_release(&pb);
    buf_release(&pc);
    buf_release(&payload);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_and_odd_inputs, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_hash_and_reregister, setup, fx_store_teardown),
        cmocka_unit_test_setup_teardown(test_change_and_missing, setup, fx_store_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
