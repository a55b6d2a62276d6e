/* Tests of the insert thread (core/rowpipe.h): rows arrive whole and in
 * order with every value type, whatever the batch boundaries; the caller can
 * use the connection meanwhile under the lock; a failing insert is reported
 * with SQLite's reason and the caller is never left waiting. */
#include "core/mission/rowpipe.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define INSERT "INSERT INTO t (i, d, s, n) VALUES (?1, ?2, ?3, ?4)"

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;

    assert_int_equal(
        sqlite3_open_v2(":memory:", &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE t (i INTEGER NOT NULL, d REAL, s TEXT, n TEXT)"
                                  " STRICT; CREATE TABLE side (x INTEGER)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void rows_in_order(const char *insert_sql)
{
    sqlite3 *db = open_db();
    sqlite3_stmt *side = NULL;
    struct fc_error err;
    struct rowpipe *p;
    const int rows = 5000; /* many batches and a partial last one */

    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO side VALUES (?1)", -1, &side, NULL),
                     SQLITE_OK);
    assert_int_equal(rowpipe_start(db, insert_sql, &p, &err), 0);
    for (int i = 0; i < rows; i++) {
        char s[32];
        int n = snprintf(s, sizeof(s), "row %d", i);

        rowpipe_int(p, i);
        rowpipe_double(p, i / 4.0);
        rowpipe_text(p, s, (size_t)n);
        rowpipe_null(p);
        assert_int_equal(rowpipe_end_row(p, &err), 0);
        if (i % 97 == 0) { /* the caller's own use of the connection */
            rowpipe_lock(p);
            sqlite3_bind_int(side, 1, i);
            assert_int_equal(sqlite3_step(side), SQLITE_DONE);
            sqlite3_reset(side);
            rowpipe_unlock(p);
        }
    }
    assert_int_equal(rowpipe_finish(p, &err), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), rows);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t WHERE i = rowid - 1 AND d = i / 4.0"
                                " AND s = 'row ' || i AND n IS NULL"),
                     rows);
    assert_int_equal(scalar(db, "SELECT count(*) FROM side"), (rows + 96) / 97);
    sqlite3_finalize(side);
    sqlite3_close(db);
}

static void test_rows_in_order(void **state)
{
    (void)state;
    rows_in_order(INSERT);
    /* no VALUES list to repeat: one row at a time */
    rows_in_order("INSERT INTO t (i, d, s, n) SELECT ?1, ?2, ?3, ?4");
}

struct seen {
    long rows, sum, text_bytes;
};

static void count_row(void *ctx, const struct rowpipe_value *row)
{
    struct seen *s = ctx;

    s->rows++;
    s->sum += row[0].type == 'I' ? (long)row[0].i : 0;
    s->text_bytes += row[2].type == 'T' ? (long)row[2].len : 0;
}

/* The row hook sees every row once, with its values, before the insert. */
static void test_row_hook(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    struct fc_error err;
    struct rowpipe *p;
    struct seen seen = {0};
    long sum = 0, bytes = 0;

    assert_int_equal(rowpipe_start(db, INSERT, &p, &err), 0);
    rowpipe_on_row(p, count_row, &seen);
    for (int i = 0; i < 1000; i++) {
        char s[16];
        int n = snprintf(s, sizeof(s), "%d", i);

        rowpipe_int(p, i);
        rowpipe_null(p);
        rowpipe_text(p, s, (size_t)n);
        rowpipe_double(p, 0.5);
        assert_int_equal(rowpipe_end_row(p, &err), 0);
        sum += i;
        bytes += n;
    }
    assert_int_equal(rowpipe_finish(p, &err), 0);
    assert_int_equal(seen.rows, 1000);
    assert_int_equal(seen.sum, sum);
    assert_int_equal(seen.text_bytes, bytes);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 1000);
    sqlite3_close(db);
}

static void test_bad_statement(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    struct rowpipe *p = (struct rowpipe *)1;
    struct fc_error err;

    assert_int_equal(rowpipe_start(db, "INSERT INTO nowhere VALUES (?1)", &p, &err), FC_EDB);
    assert_null(p);
    assert_non_null(strstr(err.msg, "no such table"));
    sqlite3_close(db);
}

static void test_empty_text_and_no_rows(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    struct fc_error err;
    struct rowpipe *p;

    assert_int_equal(rowpipe_start(db, INSERT, &p, &err), 0);
    assert_int_equal(rowpipe_finish(p, &err), 0);
    assert_int_equal(rowpipe_start(db, INSERT, &p, &err), 0);
    rowpipe_int(p, 7);
    rowpipe_null(p);
    rowpipe_text(p, "", 0);
    rowpipe_text(p, "a\0b", 3);
    assert_int_equal(rowpipe_end_row(p, &err), 0);
    assert_int_equal(rowpipe_finish(p, &err), 0);
    assert_int_equal(scalar(db, "SELECT count(*) FROM t WHERE i = 7 AND d IS NULL AND s = ''"
                                " AND length(CAST(n AS BLOB)) = 3"),
                     1);
    assert_int_equal(rowpipe_finish(NULL, &err), 0);
    sqlite3_close(db);
}

static void test_failure(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    struct fc_error err;
    struct rowpipe *p;
    int failed_at = -1;

    assert_int_equal(rowpipe_start(db, INSERT, &p, &err), 0);
    /* row 1000 breaks NOT NULL; the caller keeps going until it hears */
    for (int i = 0; i < 20000 && failed_at < 0; i++) {
        if (i == 1000)
            rowpipe_null(p);
        else
            rowpipe_int(p, i);
        rowpipe_null(p);
        rowpipe_null(p);
        rowpipe_null(p);
        if (rowpipe_end_row(p, &err))
            failed_at = i;
    }
    assert_true(failed_at >= 1000);
    assert_int_equal(err.code, FC_EDB);
    assert_non_null(strstr(err.msg, "NOT NULL"));
    memset(&err, 0, sizeof(err));
    assert_int_equal(rowpipe_finish(p, &err), FC_EDB);
    assert_non_null(strstr(err.msg, "cannot insert a row"));
    /* the rows before the failing one went in, none after */
    assert_int_equal(scalar(db, "SELECT count(*) FROM t"), 1000);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_in_order), cmocka_unit_test(test_row_hook),
        cmocka_unit_test(test_bad_statement), cmocka_unit_test(test_empty_text_and_no_rows),
        cmocka_unit_test(test_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
