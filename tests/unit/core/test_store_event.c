/* Unit tests for core/store and core/event: migrations, file mode, the
 * append-only triggers, chain verification naming the first bad seq, and a
 * rebuild that reproduces the derived state exactly, and the query helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/base/fs.h"
#include "core/base/buf.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "visit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int setup(void **state)
{
    struct fx_store *f = calloc(1, sizeof(*f));

    fx_store_open(f, "test-store", "sub/fieldcheck.db");
    *state = f;
    return 0;
}

static int open_visit(struct store *s, struct visit *v)
{
    struct visit_open_args a =
        fx_visit_args("M1", "night", "H11010500001", "张三", "李四", 1767323045000LL);
    struct fc_error err;

    return visit_open(s, &a, v, &err);
}

static void test_open_twice_and_mode(void **state)
{
    struct fx_store *f = *state;
    struct store *again = NULL;
    struct fc_error err;
    struct stat st;

    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(strlen(store_device_id(f->s)), 16);
    assert_int_equal(store_open(&again, f->path, &err), FC_OK);
    assert_string_equal(store_device_id(again), store_device_id(f->s));
    store_close(again);
    assert_int_equal(store_open_readonly(&again, "/nonexistent/x.db", &err), FC_ENOTFOUND);
    assert_null(again);
    store_close(NULL);
}

static void test_newer_schema_refused(void **state)
{
    struct fx_store *f = *state;
    struct store *again = NULL;
    struct fc_error err;
    char pragma[64];

    snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", store_schema_version() + 1);
    assert_int_equal(store_exec(f->s, pragma, &err), FC_OK);
    assert_int_equal(store_open(&again, f->path, &err), FC_ESTATE);
    assert_non_null(strstr(err.msg, "newer than this program"));
    assert_null(again);
}

static void test_append_only(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    struct event e;

    assert_int_equal(store_begin(f->s, &err), FC_OK);
    assert_int_equal(event_append(f->s, NULL, 1000, "note", NULL, "{\"a\":1}", &e, &err), FC_OK);
    assert_int_equal(store_commit(f->s, &err), FC_OK);
    assert_int_equal(e.seq, 1);
    assert_int_not_equal(store_exec(f->s, "UPDATE event SET payload = '{}'", &err), FC_OK);
    assert_non_null(strstr(err.msg, "append-only"));
    assert_int_not_equal(store_exec(f->s, "DELETE FROM event", &err), FC_OK);
    assert_non_null(strstr(err.msg, "append-only"));
}

/* event_foreach callback: recomputes the first event's hash into ctx, stops. */
static int recompute_first(const struct event *e, void *ctx)
{
    struct event copy = *e;
    event_compute_hash(&copy);
    memcpy(ctx, copy.hash, HASH_HEX_LEN + 1);
    return 1;
}

static void test_chain(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    int64_t bad = -1, count = 0, head_seq = 0;
    char head[HASH_HEX_LEN + 1];
    struct event e;

    assert_int_equal(event_verify_chain(f->s, &bad, &count, &err), FC_OK);
    assert_int_equal(count, 0);
    for (int i = 0; i < 5; i++) {
        char payload[32];
        snprintf(payload, sizeof(payload), "{\"i\":%d}", i);
        assert_int_equal(store_begin(f->s, &err), FC_OK);
        assert_int_equal(event_append(f->s, NULL, 1000 + i, "note", "s", payload, &e, &err), FC_OK);
        assert_int_equal(store_commit(f->s, &err), FC_OK);
    }
    assert_int_equal(event_head(f->s, &head_seq, head, &err), FC_OK);
    assert_int_equal(head_seq, 5);
    assert_string_equal(head, e.hash);
    assert_int_equal(event_verify_chain(f->s, &bad, &count, &err), FC_OK);
    assert_int_equal(count, 5);

    /* tamper with seq 3 behind the triggers' back */
    assert_int_equal(store_exec(f->s, "DROP TRIGGER event_no_update", &err), FC_OK);
    assert_int_equal(store_exec(f->s, "UPDATE event SET payload = '{\"i\":9}' WHERE seq = 3", &err),
                     FC_OK);
    assert_int_equal(event_verify_chain(f->s, &bad, &count, &err), FC_EINTEGRITY);
    assert_int_equal(bad, 3);
    assert_non_null(strstr(err.msg, "seq 3"));
    /* a forged hash that matches the changed content breaks the next link */
    {
        char forged[HASH_HEX_LEN + 1];
        char sql[256];
        assert_int_equal(event_foreach(f->s, NULL, 2, recompute_first, forged, &err), 1);
        snprintf(sql, sizeof(sql), "UPDATE event SET hash = '%s' WHERE seq = 3", forged);
        assert_int_equal(store_exec(f->s, sql, &err), FC_OK);
    }
    assert_int_equal(event_verify_chain(f->s, &bad, &count, &err), FC_EINTEGRITY);
    assert_int_equal(bad, 4);
    assert_non_null(strstr(err.msg, "previous hash"));
}

static void test_missing_seq(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    int64_t bad = 0;

    for (int i = 0; i < 3; i++) {
        assert_int_equal(store_begin(f->s, &err), FC_OK);
        assert_int_equal(event_append(f->s, NULL, 1000 + i, "note", NULL, "{}", NULL, &err), FC_OK);
        assert_int_equal(store_commit(f->s, &err), FC_OK);
    }
    assert_int_equal(store_exec(f->s, "DROP TRIGGER event_no_delete", &err), FC_OK);
    assert_int_equal(store_exec(f->s, "DELETE FROM event WHERE seq = 2", &err), FC_OK);
    assert_int_equal(event_verify_chain(f->s, &bad, NULL, &err), FC_EINTEGRITY);
    assert_int_equal(bad, 2);
}

static void test_visit_and_rebuild(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    struct visit v, w, r;
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1], code[VISIT_SHORT_CODE_LEN + 1];
    struct visit_open_args a;

    memset(&a, 0, sizeof(a));
    a.kind = "night";
    a.site_code = "H1";
    a.mission_id = "M";
    a.inspectors[0] = "only one";
    assert_int_equal(visit_open(f->s, &a, NULL, &err), FC_EUSAGE);
    a.inspectors[1] = "二号";
    a.kind = "lunch";
    assert_int_equal(visit_open(f->s, &a, NULL, &err), FC_EUSAGE);

    assert_int_equal(open_visit(f->s, &v), FC_OK);
    assert_int_equal(open_visit(f->s, &w), FC_ESTATE);
    assert_int_equal(visit_resolve(f->s, NULL, &r, &err), FC_OK);
    assert_string_equal(r.id, v.id);
    visit_release(&r);
    {
        char prefix[9];
        snprintf(prefix, sizeof(prefix), "%.8s", v.id);
        assert_int_equal(visit_resolve(f->s, prefix, &r, &err), FC_OK);
        assert_string_equal(r.id, v.id);
        visit_release(&r);
    }
    assert_int_equal(visit_resolve(f->s, "abc", &r, &err), FC_EUSAGE);
    assert_int_equal(visit_resolve(f->s, "zzzzzz", &r, &err), FC_ENOTFOUND);
    assert_int_equal(visit_close(f->s, v.id, 2000, &w, &err), FC_OK);
    assert_true(w.closed_at[0] != '\0');
    assert_int_equal(strlen(w.checkpoint), 64);
    visit_short_code(w.checkpoint, code);
    assert_int_equal(strlen(code), 9);
    assert_int_equal(code[4], '-');
    visit_release(&w);
    assert_int_equal(visit_close(f->s, v.id, 3000, NULL, &err), FC_ESTATE);

    assert_int_equal(event_derived_digest(f->s, before, &err), FC_OK);
    assert_int_equal(event_rebuild(f->s, &err), FC_OK);
    assert_int_equal(event_derived_digest(f->s, after, &err), FC_OK);
    assert_string_equal(before, after);
    /* damage derived state: rebuild repairs it */
    assert_int_equal(store_exec(f->s, "DELETE FROM visit", &err), FC_OK);
    assert_int_equal(event_derived_digest(f->s, after, &err), FC_OK);
    assert_string_not_equal(before, after);
    assert_int_equal(event_rebuild(f->s, &err), FC_OK);
    assert_int_equal(event_derived_digest(f->s, after, &err), FC_OK);
    assert_string_equal(before, after);
    visit_release(&v);
}

static int sum_row(sqlite3_stmt *st, void *ctx)
{
    *(int64_t *)ctx += sqlite3_column_int64(st, 0);
    return sqlite3_column_int64(st, 0) == 3 ? 7 : 0; /* a callback's value stops the walk */
}

/* The query helpers: a row, no row (FC_ENOTFOUND, err untouched), a failed
 * step (err names what was done), a callback that stops the walk. */
static void test_query_helpers(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    sqlite3_stmt *st = NULL;
    struct buf b = BUF_INIT;
    char text[8];
    int64_t n = -1, sum = 0;

    fc_error_clear(&err);
    assert_int_equal(store_exec(f->s,
                                "CREATE TEMP TABLE t (k TEXT, v INTEGER);"
                                "INSERT INTO t VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)",
                                &err),
                     FC_OK);
    assert_int_equal(store_prepare(f->s, "SELECT k FROM t WHERE v = 2", &st, &err), FC_OK);
    assert_int_equal(store_one_text(f->s, st, text, sizeof(text), "x", &err), FC_OK);
    assert_string_equal(text, "b");
    assert_int_equal(store_prepare(f->s, "SELECT k FROM t WHERE v = 9", &st, &err), FC_OK);
    assert_int_equal(store_one_buf(f->s, st, &b, "x", &err), FC_ENOTFOUND);
    assert_int_equal(b.len, 0);
    assert_string_equal(err.msg, "");
    assert_int_equal(store_lookup(f->s, "SELECT v FROM t WHERE k = ?1", "c", &b, "x", &err), FC_OK);
    assert_string_equal(b.ptr, "3");
    assert_int_equal(store_prepare(f->s, "SELECT count(*) FROM t", &st, &err), FC_OK);
    assert_int_equal(store_one_int64(f->s, st, &n, "x", &err), FC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(store_prepare(f->s, "INSERT INTO t VALUES ('e', 5)", &st, &err), FC_OK);
    assert_int_equal(store_run(f->s, st, "cannot add", &err), FC_OK);
    /* a step that fails: abs() of the smallest integer overflows */
    assert_int_equal(store_prepare(f->s, "SELECT abs(-9223372036854775807 - 1)", &st, &err), FC_OK);
    assert_int_not_equal(store_one(f->s, st, NULL, NULL, "cannot read", &err), FC_OK);
    assert_non_null(strstr(err.msg, "cannot read: "));
    assert_int_equal(store_each_sql(f->s, "SELECT v FROM t WHERE k >= ?1 ORDER BY v", "b", sum_row,
                                    &sum, "x", &err),
                     7);
    assert_int_equal(sum, 2 + 3);
    sum = 0;
    assert_int_equal(
        store_each_sql(f->s, "SELECT v FROM t WHERE v > 3", NULL, sum_row, &sum, "x", &err), FC_OK);
    assert_int_equal(sum, 4 + 5);
    buf_release(&b);
}

/* A test run in a fresh fixture of its own. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, fx_store_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_open_twice_and_mode), FX_TEST(test_newer_schema_refused),
        FX_TEST(test_append_only),         FX_TEST(test_chain),
        FX_TEST(test_missing_seq),         FX_TEST(test_visit_and_rebuild),
        FX_TEST(test_query_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
