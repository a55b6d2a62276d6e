/* Pharmacy count engine and reconciliation: every per-scan verdict, each rule
 * D01..D09 on hand-computed figures (split packs, returns, adjustments, zero
 * stock, price caps, duplicate codes, prefix mismatch, sold code on shelf),
 * rounds, blind counting, void and rebuild; the same findings from a file
 * without the settlement aggregates; every engine lookup indexed. The
 * reference database is built here from the refdb.h texts the mission loader
 * runs, without the loader. */
#include "core/base/money.h"
#include "core/base/clock.h"
#include "core/store/event.h"
#include "core/pharmacy/pharmacy.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include "store_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SITE "P37020304446"
#define OTHER "P37020304447"
#define DA "XR05CBA198A001010100861" /* whole pack, price above cap */
#define DB "XR05CBA198A001010100862" /* split pack (24 片), returns, adjustment */
#define DC "XR05CBA198A001010100863" /* GTIN only, negative book */
#define DD "XR05CBA198A001010100864" /* GS1 with serials */
#define DE "XR05CBA198A001010100865" /* settled under a foreign prefix */
#define DF "XR05CBA198A001010100866" /* zero stock */

struct fx {
    struct fixture f;
    struct pharmacy *p;
    int64_t t;
};

static void build_ref(const char *path)
{
    sqlite3 *db = NULL;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        abort();
    fx_exec(db, refdb_schema_sql);
    fx_exec(
        db,
        "BEGIN;"
        "INSERT INTO mission VALUES ('M1', 1, 'pharmacy', 'test', NULL, NULL, NULL);"
        "INSERT INTO site (site_code, site_name, site_kind) VALUES"
        " ('" SITE "', 'First Pharmacy', 'pharmacy'), ('" OTHER "', 'Other', 'pharmacy');"
        "INSERT INTO drug (site_code, drug_code, name, spec, unit, gtin, trace_prefix,"
        " pack_factor, opening_qty, purchased_qty, purchase_return_qty, sold_qty,"
        " sale_return_qty, adjust_qty, settled_qty, book_qty, insured_sold_qty, unit_price,"
        " price_cap) VALUES"
        " ('" SITE "', '" DA "', 'Drug A', '10mg', '盒', NULL, '8100001', 1, 10, 20, 0, 15, 0,"
        "  0, 2, NULL, NULL, 12.5, 12.0),"
        " ('" SITE "', '" DB "', 'Drug B', '0.25g*24', '片', NULL, '8200002', 24, 48, 96, 24,"
        "  60, 12, -2, 42, 72, 30, 0.5, 1.0),"
        " ('" SITE "', '" DC "', 'Drug C', '5ml', '支', '06901234567892', '8300003', 1, 0, 5,"
        "  0, 8, 0, 0, 7, NULL, NULL, 2.0, NULL),"
        " ('" SITE "', '" DD "', 'Drug D', '1g', '盒', '06901234567908', '8400004', 1, 2, 0, 0,"
        "  0, 0, 0, 0, NULL, NULL, 9.99, NULL),"
        " ('" SITE "', '" DE "', 'Drug E', '2mg', '盒', NULL, '8500005', 1, 1, 0, 0, 1, 0, 0, 1,"
        "  NULL, NULL, 3.0, NULL),"
        " ('" SITE "', '" DF "', 'Drug F', '1mg', '盒', NULL, '8600006', 1, 0, 0, 0, 0, 0, 0, 0,"
        "  NULL, NULL, 1.0, NULL),"
        " ('" OTHER "', '" DA "', 'Drug A', '10mg', '盒', NULL, '8100001', 1, 0, 0, 0, 0, 0, 0,"
        "  0, NULL, NULL, 12.5, 12.0);"
        "INSERT INTO settlement (settlement_id, site_code, drug_code, trace_code, qty,"
        " unit_price) VALUES"
        " ('S1', '" SITE "', '" DA "', '81000010000000000001', 1, 12.5),"
        " ('S2', '" SITE "', '" DA "', '81000010000000000002', 1, 13.0),"
        " ('S3', '" SITE "', '" DB "', '82000020000000000001', 10, 0.5),"
        " ('S4', '" SITE "', '" DB "', '82000020000000000001', 20, 0.5),"
        " ('S5', '" SITE "', '" DB "', '82000020000000000002', 12, 0.5),"
        " ('S6', '" SITE "', '" DE "', '89999990000000000001', 1, 3.0),"
        " ('S9', '" OTHER "', '" DA "', '81000010000000000009', 5, 99.0);"
        "INSERT INTO code_index (code, kind, site_code, ref) VALUES"
        " ('06901234567892', 'gtin', '" SITE "', '" DC "'),"
        " ('81000010000000000001', 'trace_code', '" SITE "', 'S1'),"
        " ('81000010000000000002', 'trace_code', '" SITE "', 'S2'),"
        " ('89999990000000000001', 'trace_code', '" SITE "', 'S6');"
        "COMMIT;");
    fx_exec(db, refdb_index_sql);
    fx_exec(db, refdb_code_index_sql);
    fx_exec(db, refdb_aggregate_sql);
    sqlite3_close(db);
}

static int setup(void **state)
{
    struct fx *fx = calloc(1, sizeof(*fx));

    fx_open(&fx->f, "pharmacy", build_ref, "pharmacy", SITE, "2026-11-22T09:00:00+08:00");
    if (pharmacy_open(fx->f.s, NULL, &fx->p, NULL) != 0)
        abort();
    fx->t = fx_at("2026-11-22T09:30:00+08:00");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;

    pharmacy_free(fx->p);
    fx_teardown(&fx->f);
    free(fx);
    return 0;
}

/* Scans code 10 s after the previous scan (or dt_ms when given) and checks
 * the verdict; returns the result for more checks. */
static struct pharmacy_result scan_dt(struct fx *fx, const char *code, int64_t dt_ms,
                                      const char *verdict)
{
    struct pharmacy_result r;
    struct fc_error err = {0};

    fx->t += dt_ms;
    assert_int_equal(pharmacy_scan(fx->p, code, strlen(code),
                                   &(struct scan_arrival){"burst", NULL, NULL}, fx->t, &r, &err),
                     0);
    if (strcmp(r.verdict, verdict) != 0)
        fprintf(stderr, "scan %s: %s (%s), expected %s\n", code, r.verdict, r.detail, verdict);
    assert_string_equal(r.verdict, verdict);
    return r;
}

static struct pharmacy_result scan(struct fx *fx, const char *code, const char *verdict)
{
    return scan_dt(fx, code, 10000, verdict);
}

static double counted(struct fx *fx, const char *drug)
{
    sqlite3_stmt *st = NULL;
    double v = -1;

    sqlite3_prepare_v2(store_db(fx->f.s),
                       "SELECT counted FROM stock_count WHERE visit = ?1 AND drug_code = ?2", -1,
                       &st, NULL);
    sqlite3_bind_text(st, 1, pharmacy_visit(fx->p)->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, drug, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int collect(const struct pharmacy_finding *f, void *ctx)
{
    json_array_append_new(ctx, pharmacy_finding_json(f));
    return 0;
}

static json_t *findings(struct fx *fx)
{
    json_t *all = json_array();
    struct fc_error err = {0};

    assert_int_equal(pharmacy_reconcile(fx->f.s, pharmacy_visit(fx->p), collect, all, &err), 0);
    return all;
}

static json_t *finding(json_t *all, const char *drug, const char *rule)
{
    size_t i;
    json_t *f;

    json_array_foreach(all, i, f)
    {
        if (!strcmp(json_string_value(json_object_get(f, "drug_code")), drug) &&
            !strcmp(json_string_value(json_object_get(f, "rule")), rule))
            return f;
    }
    return NULL;
}

static void check(json_t *all, const char *drug, const char *rule, double a, double b,
                  const char *amount)
{
    json_t *f = finding(all, drug, rule);

    if (!f)
        fprintf(stderr, "missing %s %s\n", drug, rule);
    assert_non_null(f);
    assert_true(json_number_value(json_object_get(f, "a")) == a);
    assert_true(json_number_value(json_object_get(f, "b")) == b);
    assert_true(json_number_value(json_object_get(f, "diff")) == a - b);
    assert_string_equal(json_string_value(json_object_get(f, "amount")), amount);
}

static const char *evidence0(json_t *all, const char *drug, const char *rule)
{
    json_t *f = finding(all, drug, rule);

    assert_non_null(f);
    return json_string_value(json_array_get(json_object_get(f, "evidence"), 0));
}

static void test_format(void **state)
{
    char out[32];

    (void)state;
    money_text(0, out);
    assert_string_equal(out, "0.00");
    money_text(-1230, out);
    assert_string_equal(out, "-12.30");
    money_text(5, out);
    assert_string_equal(out, "0.05");
    pharmacy_format_qty(24, out);
    assert_string_equal(out, "24");
    pharmacy_format_qty(2.5, out);
    assert_string_equal(out, "2.5");
    pharmacy_format_qty(-3, out);
    assert_string_equal(out, "-3");
}

static void test_unknown_visit(void **state)
{
    struct fx *fx = *state;
    struct pharmacy *p = NULL;
    struct fc_error err = {0};

    assert_int_equal(pharmacy_open(fx->f.s, "zzzzzzzz", &p, &err), FC_ENOTFOUND);
    assert_null(p);
}

static void test_unknown_items(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;

    r = scan(fx, "87777770000000000001", "UNKNOWN_ITEM");
    assert_string_equal(r.detail, "NO_DRUG_FOR_PREFIX:8777777");
    assert_string_equal(r.kind, "trace_code");
    r = scan(fx, "06909999999996", "UNKNOWN_ITEM");
    assert_string_equal(r.detail, "NO_DRUG_FOR_GTIN:06909999999996");
    r = scan(fx, "XR05CBA198A001010100899:3", "UNKNOWN_ITEM");
    assert_string_equal(r.kind, "count");
    scan(fx, "EMPTY_BED", "UNKNOWN_ITEM");
    scan(fx, "hello world", "UNKNOWN_ITEM");
    /* a drug of another site is not this site's */
    r = scan(fx, "81000010000000000009", "COUNTED");
    assert_string_equal(r.drug_code, DA);
    assert_true(counted(fx, DF) < 0);
}

/* Drug A: whole packs, a settled box on the shelf, a double read, a box
 * scanned twice, prices above the cap. */
static void test_whole_pack_rules(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;
    json_t *all;

    r = scan(fx, "81000010000000000003", "COUNTED");
    assert_string_equal(r.drug_code, DA);
    assert_true(r.qty == 1);
    scan_dt(fx, "81000010000000000003", 800, "DUPLICATE_SCAN");
    r = scan(fx, "81000010000000000003", "DUPLICATE_SCAN");
    assert_true(strncmp(r.detail, "ALREADY_COUNTED:", 16) == 0);
    scan(fx, "81000010000000000004", "COUNTED");
    r = scan(fx, "81000010000000000001", "SOLD_CODE_ON_SHELF");
    assert_string_equal(r.detail, "SETTLED:S1");
    assert_string_equal(r.source, "code_index");
    assert_true(counted(fx, DA) == 3);

    all = findings(fx);
    /* book 10 + 20 - 15 = 15, counted 3: short 12 boxes at 12.50 */
    check(all, DA, "D01_STOCK_SHORTAGE", 3, 15, "150.00");
    /* S1 0.50 and S2 1.00 above the 12.00 cap */
    check(all, DA, "D06_PRICE_ABOVE_CAP", 13, 12, "1.50");
    assert_string_equal(evidence0(all, DA, "D06_PRICE_ABOVE_CAP"), "S1");
    check(all, DA, "D09_SOLD_CODE_ON_SHELF", 1, 0, "12.50");
    assert_string_equal(evidence0(all, DA, "D09_SOLD_CODE_ON_SHELF"), "81000010000000000001");
    assert_null(finding(all, DA, "D03_SETTLED_GT_SOLD"));
    assert_null(finding(all, DA, "D07_TRACE_DUPLICATE"));
    /* zero stock, nothing counted: nothing to say */
    assert_null(finding(all, DF, "D01_STOCK_SHORTAGE"));
    assert_null(finding(all, DF, "D02_STOCK_OVERAGE"));
    json_decref(all);
}

/* Drug B: split pack of 24 tablets, returns, adjustment, manual counts,
 * insured sales, a code settled for more than its pack. */
static void test_split_pack_rules(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;
    struct fc_error err = {0};
    json_t *all, *f;

    r = scan(fx, "82000020000000000003", "COUNTED");
    assert_true(r.qty == 24);
    r = scan(fx, DB ":10", "RECORDED");
    assert_true(r.qty == 10);
    assert_int_equal(pharmacy_count(fx->p, DB, 5, fx->t += 10000, &r, &err), 0);
    assert_string_equal(r.verdict, "RECORDED");
    assert_int_equal(pharmacy_count(fx->p, DB, -1, fx->t, &r, &err), FC_EUSAGE);
    assert_true(counted(fx, DB) == 39);

    all = findings(fx);
    /* book 48 + 96 - 24 - 60 + 12 - 2 = 70; counted 39; 31 tablets at 0.50 */
    check(all, DB, "D01_STOCK_SHORTAGE", 39, 70, "15.50");
    f = finding(all, DB, "D01_STOCK_SHORTAGE");
    assert_non_null(strstr(json_string_value(json_object_get(f, "note")), "book_qty 72"));
    /* settled 10 + 20 + 12 = 42 over insured sales 30, at 0.50 */
    check(all, DB, "D03_SETTLED_GT_SOLD", 42, 30, "6.00");
    /* code ...001 settled 30 tablets from a pack of 24 */
    check(all, DB, "D07_TRACE_DUPLICATE", 30, 24, "3.00");
    assert_string_equal(evidence0(all, DB, "D07_TRACE_DUPLICATE"), "82000020000000000001");
    assert_null(finding(all, DB, "D04_NEGATIVE_BOOK"));
    assert_null(finding(all, DB, "D05_SETTLED_GT_AVAILABLE"));
    assert_null(finding(all, DB, "D06_PRICE_ABOVE_CAP"));
    json_decref(all);
}

/* Drug C: GTIN-only boxes (EAN-13 and GTIN-14), sold more than bought,
 * settled (drugs.csv column) more than available, counted above book. */
static void test_gtin_and_book_rules(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;
    json_t *all;

    r = scan(fx, "6901234567892", "GTIN_COUNTED");
    assert_string_equal(r.drug_code, DC);
    scan(fx, "06901234567892", "GTIN_COUNTED");
    scan_dt(fx, "06901234567892", 300, "DUPLICATE_SCAN");
    assert_true(counted(fx, DC) == 2);
    all = findings(fx);
    /* book 0 + 5 - 8 = -3: no overage against a negative book (D04 says it) */
    assert_null(finding(all, DC, "D02_STOCK_OVERAGE"));
    check(all, DC, "D04_NEGATIVE_BOOK", 8, 5, "6.00");
    check(all, DC, "D05_SETTLED_GT_AVAILABLE", 7, 5, "4.00");
    assert_null(finding(all, DC, "D03_SETTLED_GT_SOLD"));
    json_decref(all);
}

/* Drug D: GS1 DataMatrix boxes de-duplicated by serial; one without serial. */
static void test_gs1_serial(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;
    json_t *all;

    r = scan(fx, "(01)06901234567908(17)271231(21)SER1", "COUNTED");
    assert_string_equal(r.drug_code, DD);
    assert_string_equal(r.kind, "gs1");
    /* the same box read in another form is the same box */
    scan(fx, "(01)06901234567908(21)SER1", "DUPLICATE_SCAN");
    scan(fx, "(01)06901234567908(21)SER2", "COUNTED");
    scan(fx, "(01)06901234567908(17)271231(10)LOT7", "GTIN_COUNTED");
    assert_true(counted(fx, DD) == 3);
    all = findings(fx);
    check(all, DD, "D02_STOCK_OVERAGE", 3, 2, "9.99");
    json_decref(all);
}

/* Drug E: a code with another product's prefix, settled as E and found on
 * the shelf. */
static void test_prefix_mismatch(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;
    json_t *all;

    r = scan(fx, "89999990000000000001", "SOLD_CODE_ON_SHELF");
    assert_string_equal(r.drug_code, DE);
    assert_string_equal(r.detail, "SETTLED:S6;PREFIX_MISMATCH");
    all = findings(fx);
    check(all, DE, "D08_TRACE_PRODUCT_MISMATCH", 2, 0, "3.00");
    check(all, DE, "D09_SOLD_CODE_ON_SHELF", 1, 0, "3.00");
    check(all, DE, "D02_STOCK_OVERAGE", 1, 0, "3.00");
    json_decref(all);
}

static void test_void_and_rebuild(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r, v;
    struct fc_error err = {0};
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1], seq[32];
    json_t *all;

    scan(fx, "81000010000000000003", "COUNTED");
    r = scan(fx, "81000010000000000001", "SOLD_CODE_ON_SHELF");
    scan(fx, "(01)06901234567908(21)SER1", "COUNTED");
    assert_true(counted(fx, DA) == 2);
    assert_int_equal(pharmacy_void(fx->p, r.event_id, "", fx->t, &v, &err), FC_EUSAGE);
    assert_int_equal(pharmacy_void(fx->p, r.event_id, "wrong shelf", fx->t += 1000, &v, &err), 0);
    assert_string_equal(v.source, "voided");
    assert_true(counted(fx, DA) == 1);
    snprintf(seq, sizeof(seq), "%lld", (long long)r.seq);
    assert_int_equal(pharmacy_void(fx->p, seq, "again", fx->t, &v, &err), FC_ESTATE);
    all = findings(fx);
    assert_null(finding(all, DA, "D09_SOLD_CODE_ON_SHELF"));
    json_decref(all);
    /* the voided box can be scanned again */
    scan(fx, "81000010000000000001", "SOLD_CODE_ON_SHELF");
    assert_true(counted(fx, DA) == 2);
    /* the later scans kept their verdicts through the replay */
    scan(fx, "(01)06901234567908(21)SER1", "DUPLICATE_SCAN");

    assert_int_equal(pharmacy_recount(fx->p, DA, fx->t += 1000, NULL, &err), 0);
    scan(fx, "81000010000000000003", "COUNTED");
    assert_int_equal(pharmacy_set_blind(fx->p, 1, fx->t += 1000, &err), 0);

    assert_int_equal(event_derived_digest(fx->f.s, before, &err), 0);
    assert_int_equal(event_rebuild(fx->f.s, &err), 0);
    assert_int_equal(event_derived_digest(fx->f.s, after, &err), 0);
    assert_string_equal(before, after);
    assert_true(counted(fx, DA) == 1);
}

static void test_rounds(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;
    struct fc_error err = {0};
    int64_t round = 0;

    scan(fx, "82000020000000000003", "COUNTED");
    scan(fx, "82000020000000000004", "COUNTED");
    assert_true(counted(fx, DB) == 48);
    assert_int_equal(pharmacy_recount(fx->p, DB, fx->t += 1000, &round, &err), 0);
    assert_int_equal(round, 2);
    assert_true(counted(fx, DB) == 0);
    r = scan(fx, "82000020000000000003", "COUNTED");
    assert_int_equal(r.round, 2);
    assert_true(counted(fx, DB) == 24);
    /* other drugs keep their boxes */
    scan(fx, "81000010000000000003", "COUNTED");
    assert_int_equal(pharmacy_recount(fx->p, DB, fx->t += 1000, &round, &err), 0);
    assert_int_equal(round, 3);
    scan(fx, "81000010000000000003", "DUPLICATE_SCAN");
    assert_int_equal(pharmacy_recount(fx->p, "XR05CBA198A001010100899", fx->t, NULL, &err),
                     FC_ENOTFOUND);
}

static void test_blind(void **state)
{
    struct fx *fx = *state;
    struct fc_error err = {0};
    json_t *show, *d0;
    int dummy = 0;

    scan(fx, "81000010000000000003", "COUNTED");
    assert_int_equal(pharmacy_set_blind(fx->p, 1, fx->t += 1000, &err), 0);
    assert_int_equal(pharmacy_is_blind(fx->f.s, pharmacy_visit(fx->p), &err), 1);
    assert_int_equal(pharmacy_reconcile(fx->f.s, pharmacy_visit(fx->p), collect, &dummy, &err),
                     FC_ESTATE);
    show = pharmacy_show_json(fx->f.s, pharmacy_visit(fx->p), &err);
    assert_non_null(show);
    assert_true(json_is_true(json_object_get(show, "blind")));
    d0 = json_array_get(json_object_get(show, "drugs"), 0);
    assert_string_equal(json_string_value(json_object_get(d0, "drug_code")), DA);
    assert_true(json_is_null(json_object_get(d0, "book")));
    assert_true(json_is_null(json_object_get(d0, "variance")));
    assert_int_equal(json_integer_value(json_object_get(d0, "counted")), 1);
    json_decref(show);
    assert_int_equal(pharmacy_report(fx->f.s, NULL, "csv", stdout, &err), FC_ESTATE);

    assert_int_equal(pharmacy_set_blind(fx->p, 0, fx->t += 1000, &err), 0);
    show = pharmacy_show_json(fx->f.s, pharmacy_visit(fx->p), &err);
    d0 = json_array_get(json_object_get(show, "drugs"), 0);
    assert_int_equal(json_integer_value(json_object_get(d0, "book")), 15);
    assert_int_equal(json_integer_value(json_object_get(d0, "variance")), -14);
    assert_string_equal(json_string_value(json_array_get(json_object_get(d0, "flags"), 0)),
                        "D01_STOCK_SHORTAGE");
    json_decref(show);
}

static void test_report(void **state)
{
    struct fx *fx = *state;
    struct fc_error err = {0};
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    scan(fx, "81000010000000000001", "SOLD_CODE_ON_SHELF");
    f = open_memstream(&text, &len);
    assert_int_equal(pharmacy_report(fx->f.s, NULL, "csv", f, &err), 0);
    fclose(f);
    assert_non_null(strstr(text, "record,drug_code,name"));
    assert_non_null(strstr(text, "stock," DA ",Drug A,10mg,盒,15,1,-14,"));
    /* the code for machines, the label for people in a column of its own */
    assert_non_null(strstr(text, "finding," DA ",,,,,,,,D09_SOLD_CODE_ON_SHELF,1,0,1,12.50,"
                                 "81000010000000000001,settled boxes on the shelf\n"));
    free(text);
    text = NULL;
    f = open_memstream(&text, &len);
    assert_int_equal(pharmacy_report(fx->f.s, NULL, "md", f, &err), 0);
    fclose(f);
    assert_non_null(strstr(
        text,
        "| " DA " | price above the cap (D06_PRICE_ABOVE_CAP) | 13 | 12 | 1 | 1.50 | S1 S2 |"));
    free(text);
    assert_int_equal(pharmacy_report(fx->f.s, NULL, "html", stdout, &err), FC_EUSAGE);
}

/* A file loaded before the settlement aggregates existed gives the same
 * findings, in the same order with the same evidence, by grouping the lines. */
static void test_reconcile_without_aggregates(void **state)
{
    struct fx *fx = *state;
    struct fc_error err = {0};
    json_t *with = NULL, *without = NULL;
    char *a = NULL, *b = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    scan(fx, "81000010000000000001", "SOLD_CODE_ON_SHELF");
    scan(fx, "89999990000000000001", "SOLD_CODE_ON_SHELF");
    scan(fx, "82000020000000000003", "COUNTED");
    with = findings(fx);
    assert_non_null(finding(with, DA, "D06_PRICE_ABOVE_CAP"));
    assert_non_null(finding(with, DB, "D07_TRACE_DUPLICATE"));
    assert_non_null(finding(with, DE, "D08_TRACE_PRODUCT_MISMATCH"));
    assert_non_null(finding(with, DA, "D09_SOLD_CODE_ON_SHELF"));

    pharmacy_free(fx->p);
    fx->p = NULL;
    assert_int_equal(store_exec(fx->f.s, "DETACH DATABASE ref", &err), 0);
    assert_int_equal(sqlite3_open(fx->f.ref, &db), SQLITE_OK);
    fx_exec(db, "DROP TABLE settlement_drug_total; DROP TABLE settlement_code_excess;"
                " DROP TABLE settlement_flag;");
    sqlite3_close(db);
    sqlite3_prepare_v2(store_db(fx->f.s), "ATTACH ?1 AS ref", -1, &st, NULL);
    sqlite3_bind_text(st, 1, fx->f.ref, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    assert_int_equal(pharmacy_open(fx->f.s, NULL, &fx->p, &err), 0);
    without = findings(fx);

    a = json_dumps(with, JSON_COMPACT);
    b = json_dumps(without, JSON_COMPACT);
    assert_string_equal(a, b);
    free(a);
    free(b);
    json_decref(with);
    json_decref(without);
}

/* 1 if a query plan line reads a whole table, or a whole site of one, where
 * the engine means to probe an index. */
static int is_wide_read(const char *detail)
{
    static const char *const big[] = {"settlement", "drug",          "inpatient",    "code_entry",
                                      "event",      "pharmacy_scan", "counted_code", "stock_count"};
    char name[64] = "";
    const char *table = name;

    if (sscanf(detail, "SCAN %63s", name) == 1 || sscanf(detail, "SEARCH %63s", name) == 1) {
        if (!strncmp(table, "ref.", 4))
            table += 4;
        for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
            if (!strcmp(table, big[i]))
                return !strncmp(detail, "SCAN", 4) || strstr(detail, "(site_code=?)") != NULL;
    }
    return 0;
}

/* Every statement the open engine keeps (reference lookups and the
 * decide/write statements) probes an index: the plans are printed, and a
 * full or per-site scan of a large table fails the test. */
static void test_lookups_use_indexes(void **state)
{
    struct fx *fx = *state;
    sqlite3 *db = store_db(fx->f.s);
    int n = 0, wide = 0;

    for (sqlite3_stmt *kept = sqlite3_next_stmt(db, NULL); kept;
         kept = sqlite3_next_stmt(db, kept)) {
        sqlite3_stmt *plan = NULL;
        char *sql;

        /* the chain head: a reverse rowid walk that stops at the first row */
        if (strstr(sqlite3_sql(kept), "FROM event ORDER BY seq DESC LIMIT 1"))
            continue;
        sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sqlite3_sql(kept));

        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &plan, NULL), SQLITE_OK);
        printf("%s\n", sqlite3_sql(kept));
        while (sqlite3_step(plan) == SQLITE_ROW) {
            const char *detail = (const char *)sqlite3_column_text(plan, 3);

            printf("  %s\n", detail);
            if (is_wide_read(detail)) {
                fprintf(stderr, "not an index probe: %s\n  in %s\n", detail, sqlite3_sql(kept));
                wide++;
            }
        }
        sqlite3_finalize(plan);
        sqlite3_free(sql);
        n++;
    }
    assert_true(n >= 10); /* 4 lookups + 6 decide/write statements */
    assert_int_equal(wide, 0);
}

static void test_closed_visit(void **state)
{
    struct fx *fx = *state;
    struct pharmacy_result r;
    struct fc_error err = {0};
    struct pharmacy *p = NULL;

    assert_int_equal(pharmacy_set_blind(fx->p, 1, fx->t += 1000, &err), 0);
    assert_int_equal(visit_close(fx->f.s, pharmacy_visit(fx->p)->id, fx->t += 1000, NULL, &err), 0);
    assert_int_equal(pharmacy_open(fx->f.s, NULL, &p, &err), 0);
    assert_int_equal(pharmacy_scan(p, "81000010000000000003", 20, NULL, fx->t, &r, &err),
                     FC_ESTATE);
    /* closing the visit saved the count: book figures are visible */
    assert_int_equal(pharmacy_is_blind(fx->f.s, pharmacy_visit(p), &err), 0);
    pharmacy_free(p);
}

/* A test run in a fresh fixture of its own. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        FX_TEST(test_unknown_visit),
        FX_TEST(test_unknown_items),
        FX_TEST(test_whole_pack_rules),
        FX_TEST(test_split_pack_rules),
        FX_TEST(test_gtin_and_book_rules),
        FX_TEST(test_gs1_serial),
        FX_TEST(test_prefix_mismatch),
        FX_TEST(test_void_and_rebuild),
        FX_TEST(test_rounds),
        FX_TEST(test_blind),
        FX_TEST(test_report),
        FX_TEST(test_closed_visit),
        FX_TEST(test_reconcile_without_aggregates),
        FX_TEST(test_lookups_use_indexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
