/* Unit tests for core/engine_kit: the double-read window's edge, a replay's
 * reset touching only its visit, queries with one or two keys (a missing ?2
 * is not bound), a missing row as FC_ENOTFOUND, findings of unknown verdicts
 * dropped, and the result copy truncating to its fields. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/base/fs.h"
#include "core/engine_kit.h"
#include "core/store/store.h"
#include "visit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    struct fx_store *f = calloc(1, sizeof(*f));
    struct fc_error err;

    fx_store_open(f, "test-engine-kit", "fieldcheck.db");
    if (store_exec(f->s,
                   "CREATE TEMP TABLE kit (visit TEXT, code TEXT, at_ms INTEGER);"
                   "INSERT INTO kit VALUES ('V1', 'A', 1000), ('V1', 'B', 2000),"
                   " ('V2', 'A', 1500), ('V1', 'A', 5000)",
                   &err))
        abort();
    *state = f;
    return 0;
}

static const char last_scan_sql[] =
    "SELECT max(at_ms) FROM kit WHERE visit = ?1 AND code = ?2 AND at_ms <= ?3";

static int double_read(struct store *s, const char *visit, const char *code, int64_t at_ms)
{
    sqlite3_stmt *st = NULL;
    struct fc_error err;

    assert_int_equal(store_stmt(s, last_scan_sql, &st, &err), FC_OK);
    return engine_double_read(s, st, visit, code, at_ms, 1500, &err);
}

static void test_double_read_window(void **state)
{
    struct fx_store *f = *state;

    assert_int_equal(double_read(f->s, "V1", "A", 6499), 1);
    assert_int_equal(double_read(f->s, "V1", "A", 6500), 0); /* exactly the window: not */
    assert_int_equal(double_read(f->s, "V1", "C", 6000), 0); /* never scanned */
    assert_int_equal(double_read(f->s, "V2", "B", 2100), 0); /* another visit's scan */
    assert_int_equal(double_read(f->s, "V1", "A", 1200), 1); /* only scans up to at_ms count */
}

static int collect(sqlite3_stmt *st, void *ctx)
{
    struct buf *b = ctx;

    buf_addf(b, "%s%s", b->len ? "," : "", store_col_text(st, 0));
    return FC_OK;
}

static void test_clear_visit(void **state)
{
    static const char *const clear[] = {"DELETE FROM kit WHERE visit = ?1"};
    struct fx_store *f = *state;
    struct buf b = BUF_INIT;
    struct fc_error err;

    assert_int_equal(engine_clear_visit(f->s, clear, 1, "V1", "cannot clear", &err), FC_OK);
    assert_int_equal(
        engine_each(f->s, "SELECT visit || code FROM kit", NULL, NULL, collect, &b, "x", &err),
        FC_OK);
    assert_string_equal(b.ptr, "V2A");
    buf_release(&b);
}

static void test_each_one_or_two_keys(void **state)
{
    static const struct {
        const char *sql, *p1, *p2, *want;
    } cases[] = {
        /* a query without ?2 does not bind it */
        {"SELECT code FROM kit WHERE visit = ?1 ORDER BY at_ms", "V1", "ignored", "A,B,A"},
        {"SELECT visit FROM kit WHERE code = ?2 AND visit = ?1", "V2", "A", "V2"},
        /* ?2 NULL binds SQL NULL: the filter is off */
        {"SELECT code FROM kit WHERE visit = ?1 AND (?2 IS NULL OR code = ?2) ORDER BY at_ms", "V1",
         NULL, "A,B,A"},
    };
    struct fx_store *f = *state;
    struct buf b = BUF_INIT;
    struct fc_error err;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_reset(&b);
        assert_int_equal(
            engine_each(f->s, cases[i].sql, cases[i].p1, cases[i].p2, collect, &b, "x", &err),
            FC_OK);
        assert_string_equal(b.ptr, cases[i].want);
    }
    buf_release(&b);
    assert_int_not_equal(
        engine_each(f->s, "SELECT nope FROM kit", "V1", NULL, collect, &b, "cannot read", &err),
        FC_OK);
}

static int stop_at_b(sqlite3_stmt *st, void *ctx)
{
    (void)ctx;
    return strcmp(store_col_text(st, 0), "B") ? FC_OK : 7;
}

static void test_one_and_stop(void **state)
{
    struct fx_store *f = *state;
    struct buf b = BUF_INIT;
    struct fc_error err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(engine_one(f->s, "SELECT code FROM kit WHERE visit = ?1 AND at_ms = ?2", "V9",
                                "1", collect, &b, "x", &err),
                     FC_ENOTFOUND);
    assert_int_equal(err.code, 0); /* the caller says what was missing */
    assert_int_equal(engine_one(f->s, "SELECT code FROM kit WHERE visit = ?1 AND at_ms = ?2", "V1",
                                "2000", collect, &b, "x", &err),
                     FC_OK);
    assert_string_equal(b.ptr, "B");
    /* a row function's non-zero return stops the walk and is returned */
    assert_int_equal(engine_each(f->s, "SELECT code FROM kit ORDER BY at_ms", NULL, NULL, stop_at_b,
                                 NULL, "x", &err),
                     7);
    buf_release(&b);
}

static void test_step_int(void **state)
{
    struct fx_store *f = *state;
    sqlite3_stmt *st = NULL;
    struct fc_error err;

    assert_int_equal(store_prepare(f->s, "SELECT at_ms FROM kit WHERE code = ?1", &st, &err),
                     FC_OK);
    store_bind_text(st, 1, "B");
    assert_int_equal(engine_step_int(f->s, st, -5, "x", &err), 2000);
    sqlite3_reset(st);
    store_bind_text(st, 1, "Z");
    assert_int_equal(engine_step_int(f->s, st, -5, "x", &err), -5);
    sqlite3_finalize(st);
}

static int seen(const struct workflow_finding *f, void *ctx)
{
    struct buf *b = ctx;

    buf_addf(b, "%s[%s];", f->subject, f->detail);
    return f->count == 2 ? 3 : FC_OK;
}

static void test_finding(void **state)
{
    static const struct verdict known = {"K", VERDICT_SCAN, VERDICT_OK, VERDICT_SEV_OK, "k",
                                         "k", "k",          "k",        NULL,           NULL};
    struct buf b = BUF_INIT;
    struct engine_findings fc = {seen, &b};

    (void)state;
    assert_int_equal(engine_finding(&fc, (struct workflow_finding){.subject = "unknown"}), 0);
    assert_int_equal(
        engine_finding(&fc, (struct workflow_finding){.verdict = &known, .subject = "s1"}), 0);
    assert_int_equal(engine_finding(&fc, (struct workflow_finding){.verdict = &known,
                                                                   .subject = "s2",
                                                                   .detail = "d",
                                                                   .count = 2}),
                     3);
    assert_string_equal(b.ptr, "s1[];s2[d];");
    buf_release(&b);
}

static void test_result_copy(void **state)
{
    char long_code[1024];
    struct engine_result_text t = {.seq = 42,
                                   .event_id = "0123456789abcdef0123456789abcdef0123-extra",
                                   .kind = "bed_label",
                                   .source = "typed",
                                   .verdict = "BED_LISTED",
                                   .detail = "",
                                   .message = "bed W01-1"};
    struct workflow_result r;

    (void)state;
    memset(long_code, 'x', sizeof(long_code) - 1);
    long_code[sizeof(long_code) - 1] = '\0';
    t.code = long_code;
    engine_result_set(&r, &t);
    assert_int_equal(r.seq, 42);
    assert_int_equal(strlen(r.event_id), sizeof(r.event_id) - 1);
    assert_int_equal(strlen(r.code), sizeof(r.code) - 1);
    assert_string_equal(r.verdict, "BED_LISTED");
    assert_string_equal(r.message, "bed W01-1");
    assert_null(r.extra);
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, fx_store_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_double_read_window),
        FX_TEST(test_clear_visit),
        FX_TEST(test_each_one_or_two_keys),
        FX_TEST(test_one_and_stop),
        FX_TEST(test_step_int),
        cmocka_unit_test(test_finding),
        cmocka_unit_test(test_result_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
