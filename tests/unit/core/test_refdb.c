/* Tests of the reference database layout (core/refdb.h): the code_index view
 * answers every kind from the tables, leaves out default bed labels where a
 * site has its own pattern and takes rows INSERTed into it; the resolver
 * scans use gives the view's most specific row for every code here, and
 * none of its probes scans a table. */
#include "core/mission/refdb.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#define SITE "H11010500001"
#define PATTERNED "H11010500002"
#define PHARMACY "P11010500003"

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

static int setup(void **state)
{
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    exec(db, refdb_schema_sql);
    exec(db, "INSERT INTO inpatient (site_code, ward_code, bed, admission_no, name, id_number,"
             " wristband_code, line) VALUES"
             " ('" SITE "', 'W01', '3', 'ZY1', 'a', '110105198001010019', 'BAND1', 2),"
             " ('" SITE "', 'W01', '3', 'ZY2', 'b', '11010519800101002X', NULL, 3),"
             " ('" SITE "', 'W02', '7+', 'ZY3', 'c', '110105198001010035', NULL, 4),"
             " ('" PATTERNED "', 'W01', '3', 'ZY1', 'd', '110105198001010043', NULL, 2);"
             "INSERT INTO scan_pattern VALUES ('" PATTERNED "', 'bed_label', '^B(.*)-(.*)$',"
             " 'ward_code,bed', 2);"
             "INSERT INTO drug (site_code, drug_code, name, gtin, line) VALUES"
             " ('" PHARMACY "', 'XA01', 'drug', '06901234567892', 2),"
             " ('" PHARMACY "', 'XA02', 'drug', NULL, 3);"
             "INSERT INTO settlement (settlement_id, site_code, drug_code, trace_code, qty, line)"
             " VALUES ('S1', '" PHARMACY "', 'XA01', '81000010000000000001', 1, 2),"
             " ('S2', '" PHARMACY "', 'XA01', NULL, 1, 3);"
             "INSERT INTO code_entry VALUES ('W01-1', 'bed_label', '" SITE "', 'W01:1');");
    exec(db, refdb_index_sql);
    exec(db, refdb_code_index_sql);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    sqlite3_close(*state);
    return 0;
}

/* The view's rows (kind, ref) for a code at a site: sorted by kind and ref,
 * or in the view's own order. */
static sqlite3_stmt *code_rows(sqlite3 *db, const char *code, const char *site, int sorted)
{
    sqlite3_stmt *st = NULL;

    assert_int_equal(sqlite3_prepare_v2(db,
                                        sorted ? "SELECT kind, ref FROM code_index WHERE code = ?1"
                                                 " AND site_code = ?2 ORDER BY kind, ref"
                                               : "SELECT kind, ref FROM code_index WHERE code = ?1"
                                                 " AND site_code = ?2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, site, -1, SQLITE_STATIC);
    return st;
}

/* "kind ref|kind ref|..." for a code at a site, in kind order */
static void lookup(sqlite3 *db, const char *code, const char *site, char *out, size_t outsz)
{
    sqlite3_stmt *st = code_rows(db, code, site, 1);
    size_t n = 0;

    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW)
        n += (size_t)snprintf(out + n, outsz - n, "%s%s %s", n ? "|" : "",
                              (const char *)sqlite3_column_text(st, 0),
                              (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
}

/* "kind ref" of the view's most specific row for the code (the first row of
 * the best kind in the view's own order), or "" */
static void view_best(sqlite3 *db, const char *code, const char *site, char *out, size_t outsz)
{
    sqlite3_stmt *st = code_rows(db, code, site, 0);
    int best = REFDB_KIND_COUNT;

    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 0);
        for (int k = 0; k < best; k++)
            if (!strcmp(kind, refdb_kind_name((enum refdb_kind)k))) {
                best = k;
                snprintf(out, outsz, "%s %s", kind, (const char *)sqlite3_column_text(st, 1));
            }
    }
    sqlite3_finalize(st);
}

static void resolve(sqlite3 *db, const char *code, const char *site, char *out, size_t outsz)
{
    struct refdb_resolver *r = NULL;
    struct fc_error err;
    enum refdb_kind kind;
    char ref[64];
    int rc;

    assert_int_equal(refdb_resolver_new(db, "main", site, &r, &err), 0);
    rc = refdb_resolve(r, code, &kind, ref, sizeof(ref), &err);
    assert_true(rc >= 0);
    if (rc)
        snprintf(out, outsz, "%s %s", refdb_kind_name(kind), ref);
    else
        out[0] = '\0';
    assert_int_equal(refdb_resolver_fullscan_steps(r), 0);
    refdb_resolver_free(r);
}

/* want: every row of the view for the code; the resolver must give the
 * most specific of them */
static void expect(sqlite3 *db, const char *code, const char *site, const char *want)
{
    char got[256], best[128], resolved[128];

    lookup(db, code, site, got, sizeof(got));
    assert_string_equal(got, want);
    view_best(db, code, site, best, sizeof(best));
    resolve(db, code, site, resolved, sizeof(resolved));
    assert_string_equal(resolved, best);
}

static void test_every_kind(void **state)
{
    static const struct {
        const char *code, *site, *want;
    } cases[] = {
        {"110105198001010019", SITE, "id_number ZY1"},
        {"ZY1", SITE, "admission ZY1"},
        {"BAND1", SITE, "wristband ZY1"},
        {"W02-7+", SITE, "bed_label W02:7+"},
        {"06901234567892", PHARMACY, "gtin XA01"},
        {"81000010000000000001", PHARMACY, "trace_code S1"},
        /* an empty bed wards.csv counts, from code_entry */
        {"W01-1", SITE, "bed_label W01:1"},
        /* site_code says where */
        {"ZY1", PATTERNED, "admission ZY1"},
        {"BAND1", PATTERNED, ""},
        {"nothing", SITE, ""},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect(*state, cases[i].code, cases[i].site, cases[i].want);
}

static void test_shared_bed(void **state)
{
    sqlite3 *db = *state;

    /* two patients listed on W01-3 (a load warning): the same row twice */
    expect(db, "W01-3", SITE, "bed_label W01:3|bed_label W01:3");
}

static void test_pattern_site_has_no_default_labels(void **state)
{
    expect(*state, "W01-3", PATTERNED, "");
}

static void test_insert_into_view(void **state)
{
    sqlite3 *db = *state;

    exec(db, "INSERT INTO code_index VALUES ('EXAM', 'admission', '" SITE "', 'ZY2')");
    expect(db, "EXAM", SITE, "admission ZY2");
    exec(db, "DELETE FROM code_entry WHERE code = 'EXAM'");
    expect(db, "EXAM", SITE, "");
}

/* One code, several kinds: the most specific wins, a table row beats a
 * code_entry row of the same kind, and a label splits at any '-'. */
static void test_precedence(void **state)
{
    /* every row of the view for the code, at SITE */
    static const struct {
        const char *code, *want;
    } cases[] = {
        /* bed label over the admission number that reads like one */
        {"W02-7+", "admission W02-7+|bed_label W02:7+"},
        /* wristband over admission over the code_entry admission */
        {"ZY1", "admission OTHER|admission ZY1|wristband W02-7+"},
        /* code_entry's wristband over the table's ID */
        {"110105198001010019", "id_number ZY1|wristband ZY7"},
        /* ward "A-1", bed "2"; the code_entry label of the same kind loses */
        {"A-1-2", "bed_label A-1:2|bed_label X:1"},
        {"A-12", "bed_label A:12"},
        {"A-1-", ""},
        {"-", ""},
    };
    sqlite3 *db = *state;

    exec(db, "INSERT INTO inpatient (site_code, ward_code, bed, admission_no, name, id_number,"
             " wristband_code, line) VALUES"
             " ('" SITE "', 'A-1', '2', 'W02-7+', 'e', '110105198001010051', 'ZY1', 5),"
             " ('" SITE "', 'A', '12', 'ZY9', 'f', '110105198001010078', NULL, 6)");
    exec(db, "INSERT INTO code_index VALUES ('ZY1', 'admission', '" SITE "', 'OTHER'),"
             " ('110105198001010019', 'wristband', '" SITE "', 'ZY7'),"
             " ('A-1-2', 'bed_label', '" SITE "', 'X:1')");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect(db, cases[i].code, SITE, cases[i].want);
}

/* A test run in a fresh fixture of its own. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_every_kind),
        FX_TEST(test_shared_bed),
        FX_TEST(test_pattern_site_has_no_default_labels),
        FX_TEST(test_insert_into_view),
        FX_TEST(test_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
