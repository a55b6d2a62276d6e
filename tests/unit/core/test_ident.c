/* Tests for identifiers and shape classification. Check digits in the vectors
 * were computed by hand from the published algorithms (MOD 11-2, GS1 mod 10);
 * "today" is fixed so the future-date rules do not depend on the wall clock. */
#include "core/ident/ident.h"

#include "core/base/clock.h"
#include "core/base/error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

static int64_t today;

static int64_t at(const char *iso)
{
    int64_t ms = 0;

    assert_int_equal(clock_parse(iso, &ms), 0);
    return ms;
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    today = at("2026-05-22T12:00:00+08:00");
    return 0;
}

/* ---- resident ID ----------------------------------------------------------- */

static void id_ok(const char *raw, const char *want, struct ident_resident_id *id)
{
    const char *why = NULL;

    if (ident_resident_id_parse(raw, today, id, &why))
        fail_msg("'%s' rejected: %s", raw, why);
    assert_string_equal(id->text, want);
}

static void id_bad(const char *raw, const char *reason, const char *text)
{
    struct ident_resident_id id;
    const char *why = NULL;

    assert_int_equal(ident_resident_id_parse(raw, today, &id, &why), FC_EINPUT);
    assert_non_null(why);
    assert_string_equal(why, reason);
    assert_string_equal(id.text, text);
}

/* id_bad for each of the NULL-terminated inputs raws with reason; text is
 * what the parse leaves in id.text: "", or for NULL the input itself. */
static void ids_bad(const char *reason, const char *text, const char *const *raws)
{
    for (; *raws; raws++)
        id_bad(*raws, reason, text ? text : *raws);
}

static void test_id_degenerate(void **state)
{
    struct ident_resident_id id;

    (void)state;
    assert_int_equal(ident_resident_id_parse(NULL, today, &id, NULL), FC_EINPUT);
    ids_bad(
        "wrong length", "",
        (const char *const[]){"", "   ", "1234", "11010519900101123", "1101051990010112321", NULL});
    ids_bad("not digits", "",
            (const char *const[]){"11010519900101123A", "1101051990010112X2", "11010590010112X",
                                  "11010519900101123\xff", "张三李四王五赵六孙七周八吴九郑十冯陈",
                                  NULL});
}

static void test_id_valid(void **state)
{
    struct ident_resident_id id;

    (void)state;
    id_ok("53010219200508011X", "53010219200508011X", &id);
    assert_int_equal(id.legacy, 0);
    assert_int_equal(id.year, 1920);
    assert_int_equal(id.month, 5);
    assert_int_equal(id.day, 8);
    assert_int_equal(id.sex, 'M');
    assert_string_equal(id.region, "530102");
    assert_int_equal(ident_resident_id_check_char("53010219200508011"), 'X');

    id_ok("53010219200508011x", "53010219200508011X", &id);
    id_ok("  110105199001011232\r\n", "110105199001011232", &id);
    assert_int_equal(id.sex, 'M');
    id_ok("\xe3\x80\x80"
          "110105199001011232"
          "\xe3\x80\x80",
          "110105199001011232", &id);
    id_ok("440304198512315672", "440304198512315672", &id);
    assert_int_equal(id.year, 1985);
    assert_int_equal(id.month, 12);
    assert_int_equal(id.day, 31);
    id_ok("110105200002290021", "110105200002290021", &id);
    assert_int_equal(id.sex, 'F');
}

static void test_id_fullwidth(void **state)
{
    struct ident_resident_id id;

    (void)state;
    id_ok("１１０１０５１９９００１０１１２３２", "110105199001011232", &id);
    id_ok("５３０１０２１９２００５０８０１１Ｘ", "53010219200508011X", &id);
    id_ok("５３０１０２１９２００５０８０１１ｘ", "53010219200508011X", &id);
    id_ok("530102１９２００５０８011X", "53010219200508011X", &id);
    /* full-width but wrong: still reported by what is wrong with it */
    id_bad("１１０１０５１９９００１０１１２３３", "bad check digit", "110105199001011233");
}

static void test_id_invalid(void **state)
{
    (void)state;
    ids_bad("bad check digit", NULL,
            (const char *const[]){"110105199001011233", "530102192005080110", NULL});
    /* check digits below are right, so the date is what fails */
    ids_bad("no such date", NULL,
            (const char *const[]){"110105200102290029", "110105199013011232", "110105199000011232",
                                  NULL});
    ids_bad("birth date in the future", NULL,
            (const char *const[]){"11010520300101001X", "110105202605230019", NULL});
    ids_bad("birth date too early", NULL, (const char *const[]){"110105180001011232", NULL});
}

static void test_id_today_local(void **state)
{
    struct ident_resident_id id;
    const char *why = NULL;

    (void)state;
    id_ok("110105202605220013", "110105202605220013", &id);
    /* 00:30 in Beijing is still the previous day in UTC: the local day counts */
    assert_int_equal(
        ident_resident_id_parse("110105202605220013", at("2026-05-22T00:30:00+08:00"), &id, &why),
        0);
    assert_int_equal(
        ident_resident_id_parse("110105202605220013", at("2026-05-21T23:59:00+08:00"), &id, &why),
        FC_EINPUT);
    assert_string_equal(why, "birth date in the future");
}

static void test_id_legacy(void **state)
{
    struct ident_resident_id id;
    char full[19];

    (void)state;
    id_ok("110105900101123", "110105900101123", &id);
    assert_int_equal(id.legacy, 1);
    assert_int_equal(id.year, 1990);
    assert_int_equal(id.sex, 'M');
    ident_resident_id_to18(&id, full);
    assert_string_equal(full, "110105199001011232");
    id_ok("110105000228124", "110105000228124", &id);
    assert_int_equal(id.year, 1900);
    /* 1900 was not a leap year */
    id_bad("110105000229124", "no such date", "110105000229124");
    id_bad("110105000229124x", "wrong length", "");
    id_bad("110105010229124", "no such date", "110105010229124");
}

static void test_id_legacy_leap(void **state)
{
    struct ident_resident_id id;

    (void)state;
    id_ok("110105960229124", "110105960229124", &id);
    assert_int_equal(id.sex, 'F');
    id_bad("110105970229124", "no such date", "110105970229124");
}

static void test_age(void **state)
{
    struct ident_resident_id id;
    char full[19];

    (void)state;
    id_ok("110105199001011232", "110105199001011232", &id);
    assert_int_equal(ident_age_at(&id, today), 36);
    assert_int_equal(ident_age_at(&id, at("2025-12-31T23:00:00+08:00")), 35);
    assert_int_equal(ident_age_at(&id, at("2026-01-01T00:00:00+08:00")), 36);
    assert_int_equal(ident_age_at(&id, at("1990-01-01T08:00:00+08:00")), 0);
    assert_int_equal(ident_age_at(&id, at("1989-12-31T08:00:00+08:00")), -1);
    id_ok("110105200002290021", "110105200002290021", &id);
    assert_int_equal(ident_age_at(&id, at("2026-02-28T12:00:00+08:00")), 25);
    assert_int_equal(ident_age_at(&id, at("2026-03-01T12:00:00+08:00")), 26);
    assert_int_equal(ident_age_at(&id, at("2024-02-29T12:00:00+08:00")), 24);
    ident_resident_id_to18(&id, full);
    assert_string_equal(full, "110105200002290021");
}

/* ---- GTIN, trace codes ------------------------------------------------------ */

static void test_gtin(void **state)
{
    char g14[15];

    (void)state;
    assert_false(ident_gtin_valid(NULL));
    assert_false(ident_gtin_valid(""));
    assert_true(ident_gtin_valid("6901234567892"));
    assert_false(ident_gtin_valid("6901234567893"));
    assert_true(ident_gtin_valid("6920000001231"));
    assert_true(ident_gtin_valid("4006381333931"));
    assert_true(ident_gtin_valid("96385074"));
    assert_false(ident_gtin_valid("96385075"));
    assert_true(ident_gtin_valid("036000291452"));
    assert_false(ident_gtin_valid("036000291453"));
    assert_true(ident_gtin_valid("86901234567898"));
    assert_true(ident_gtin_valid("86912345000013"));
    assert_false(ident_gtin_valid("86912345000014"));
    assert_true(ident_gtin_valid("06901234567892"));
    assert_false(ident_gtin_valid("069012345678920"));
    assert_false(ident_gtin_valid("690123456"));
    assert_false(ident_gtin_valid("6901234a67892"));
    assert_false(ident_gtin_valid(" 6901234567892"));

    assert_int_equal(ident_gtin_to14("6901234567892", g14), 0);
    assert_string_equal(g14, "06901234567892");
    assert_int_equal(ident_gtin_to14("96385074", g14), 0);
    assert_string_equal(g14, "00000096385074");
    assert_int_equal(ident_gtin_to14("036000291452", g14), 0);
    assert_string_equal(g14, "00036000291452");
    assert_int_equal(ident_gtin_to14("86901234567898", g14), 0);
    assert_string_equal(g14, "86901234567898");
    assert_int_equal(ident_gtin_to14("6901234567893", g14), FC_EINPUT);
    assert_string_equal(g14, "");

    assert_true(ident_is_drug_standard_code("86901234567898"));
    assert_false(ident_is_drug_standard_code("86901234567899"));
    assert_false(ident_is_drug_standard_code("06901234567892"));
    assert_false(ident_is_drug_standard_code("8690123456789"));
    assert_false(ident_is_drug_standard_code(NULL));
}

/* pred(s, strlen(s)) holds for each of yes and for none of no (both
 * NULL-terminated). */
static void sized_pred(int (*pred)(const char *, size_t), const char *const *yes,
                       const char *const *no)
{
    for (; *yes; yes++)
        if (!pred(*yes, strlen(*yes)))
            fail_msg("'%s' refused", *yes);
    for (; *no; no++)
        if (pred(*no, strlen(*no)))
            fail_msg("'%s' accepted", *no);
}

static void test_trace(void **state)
{
    char p[8];

    (void)state;
    assert_false(ident_is_trace_code(NULL, 0));
    sized_pred(ident_is_trace_code, (const char *const[]){"81234567890123456789", NULL},
               (const char *const[]){"", "8123456789012345678", "812345678901234567890",
                                     "8123456789012345678X", NULL});
    assert_int_equal(ident_trace_prefix("81234567890123456789", p), 0);
    assert_string_equal(p, "8123456");
    assert_int_equal(ident_trace_prefix("812345678901234567890", p), FC_EINPUT);
    assert_string_equal(p, "");
    assert_int_equal(ident_trace_prefix(NULL, p), FC_EINPUT);
}

/* Letters are allowed in traceability codes (the coding standard's
 * alphanumeric and MA/IDcode families): such codes are trace codes, never
 * insurance tokens, and never take a drug code's shape. */
static void test_trace_shapes(void **state)
{
    static const struct {
        const char *code;
        enum ident_trace_shape shape;
    } shapes[] = {
        {"81234567890123456789", IDENT_TRACE_DIGITS},
        {"8123456AB12CD34EF567", IDENT_TRACE_ALNUM},
        {"8123456ab12cd34ef567", IDENT_TRACE_NONE},
        {"8123456AB12CD34EF56", IDENT_TRACE_NONE},
        {"8123456AB12CD34EF5-7", IDENT_TRACE_NONE},
        /* Z + 19 and C + 19 are drug and consumable codes */
        {"ZA01AAA0001010101001", IDENT_TRACE_NONE},
        {"MA.156.M0.100435.7A21B", IDENT_TRACE_MA},
        {"MA.156", IDENT_TRACE_NONE}, /* one segment */
        {"MA.156.M0", IDENT_TRACE_MA},
        {"MA..156", IDENT_TRACE_NONE},
        {"MA.156.", IDENT_TRACE_NONE},
        {"ID:2023.1001.XYZ9", IDENT_TRACE_IDCODE},
        {"ID.2023.1001", IDENT_TRACE_IDCODE},
        {"IDX2023.1001", IDENT_TRACE_NONE},
    };
    /* trace codes of every shape; a token keeps its shape */
    static const char *const traces[] = {"8123456AB12CD34EF567", "MA.156.M0.100435.7A21B",
                                         "ID:2023.1001.XYZ9"};
    static const char token[] = "eyJhbGciOiJIUzI1NiJ9.abc-_+/=:*";
    struct ident_scan sc;

    (void)state;
    assert_int_equal(ident_trace_shape(NULL, 0), IDENT_TRACE_NONE);
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
        if (ident_trace_shape(shapes[i].code, strlen(shapes[i].code)) != shapes[i].shape)
            fail_msg("'%s': not shape %d", shapes[i].code, (int)shapes[i].shape);
    for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
        ident_classify_shape(traces[i], strlen(traces[i]), 0, &sc);
        assert_int_equal(sc.kind, IDENT_TRACE_CODE);
    }
    ident_classify_shape(token, strlen(token), 0, &sc);
    assert_int_equal(sc.kind, IDENT_INSURANCE_TOKEN);
}

/* ---- institution and item codes -------------------------------------------- */

static void test_codes(void **state)
{
    /* a letter other than H or P, a lower-case one, a length or a digit off */
    static const char *const not_sites[] = {
        "", "p37020304446", "P3702030444", "P370203044461", "P3702030444A", "X37020304446"};

    (void)state;
    assert_int_equal(ident_site_code_kind(NULL), IDENT_SITE_NONE);
    assert_int_equal(ident_site_code_kind("H11010500001"), IDENT_SITE_HOSPITAL);
    assert_int_equal(ident_site_code_kind("P37020304446"), IDENT_SITE_PHARMACY);
    for (size_t i = 0; i < sizeof(not_sites) / sizeof(not_sites[0]); i++)
        if (ident_site_code_kind(not_sites[i]) != IDENT_SITE_NONE)
            fail_msg("'%s' taken for a site code", not_sites[i]);

    assert_int_equal(ident_item_code_kind(NULL), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind(""), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("X"), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("XR05CBA198A001010100863"), IDENT_ITEM_WESTERN);
    assert_int_equal(ident_item_code_kind("XR05CBA198A00101010086"), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("xR05CBA198A001010100863"), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("XR05cBA198A001010100863"), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("XR05-BA198A001010100863"), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("ZA01AAA0001010100001"), IDENT_ITEM_PATENT);
    assert_int_equal(ident_item_code_kind("T001700643"), IDENT_ITEM_HERBAL);
    assert_int_equal(ident_item_code_kind("T00170064"), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("C0304011060000010540"), IDENT_ITEM_CONSUMABLE);
    assert_int_equal(ident_item_code_kind("C0304011060000010540ABCD1234"), IDENT_ITEM_CONSUMABLE);
    assert_int_equal(ident_item_code_kind("C0304011060000010540ABC"), IDENT_ITEM_NONE);
    assert_int_equal(ident_item_code_kind("110100001000000"), IDENT_ITEM_SERVICE);
    assert_int_equal(ident_item_code_kind("11010000100000A"), IDENT_ITEM_NONE);

    assert_true(ident_drug_code_valid("XR05CBA198A001010100863"));
    assert_true(ident_drug_code_valid("ZA01AAA0001010100001"));
    assert_true(ident_drug_code_valid("T001700643"));
    assert_false(ident_drug_code_valid("C0304011060000010540"));
    assert_false(ident_drug_code_valid("110100001000000"));
    assert_false(ident_drug_code_valid(NULL));
    assert_string_equal(ident_item_kind_name(IDENT_ITEM_WESTERN), "western");
    assert_string_equal(ident_item_kind_name((enum ident_item_kind)99), "none");
}

static void test_token(void **state)
{
    char big[IDENT_TOKEN_MAX + 2];

    (void)state;
    assert_false(ident_is_insurance_token(NULL, 0));
    sized_pred(
        ident_is_insurance_token,
        (const char *const[]){"ABCDEF0123456789abcd", "eyJhbGciOiJIUzI1NiJ9.abc-_+/=:*", NULL},
        (const char *const[]){"", "ABCDEF0123456789abc", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                              "12345678901234567890123", "https://example.org/q?id=1",
                              "https://example.org/abc123x", "ABCDEF0123456789 abcd",
                              "ABCDEF0123456789\xe4\xb8\xad"
                              "ab",
                              NULL});
    assert_false(ident_is_insurance_token("ABCDEF0123456789\0abcd", 21));
    memset(big, 'a', sizeof(big));
    big[0] = '1';
    assert_true(ident_is_insurance_token(big, IDENT_TOKEN_MAX));
    assert_false(ident_is_insurance_token(big, IDENT_TOKEN_MAX + 1));
}

/* ---- actions -------------------------------------------------------------- */

static enum ident_action act(const char *s, char *code, long *qty)
{
    return ident_action_parse(s, strlen(s), code, qty);
}

static void test_actions(void **state)
{
    char code[IDENT_ITEM_CODE_MAX + 1];
    long qty = -1;

    (void)state;
    assert_int_equal(ident_action_parse(NULL, 0, code, &qty), IDENT_ACTION_NONE);
    assert_string_equal(code, "");
    assert_int_equal(qty, 0);
    assert_int_equal(act("", NULL, NULL), IDENT_ACTION_NONE);
    assert_int_equal(act("   ", NULL, NULL), IDENT_ACTION_NONE);
    assert_int_equal(act("EMPTY_BED", NULL, NULL), IDENT_ACTION_EMPTY_BED);
    assert_int_equal(act(" empty_bed \r\n", NULL, NULL), IDENT_ACTION_EMPTY_BED);
    assert_int_equal(act("No_Wristband", NULL, NULL), IDENT_ACTION_NO_WRISTBAND);
    assert_int_equal(act("NO_ID", NULL, NULL), IDENT_ACTION_NO_ID);
    assert_int_equal(act("exam", NULL, NULL), IDENT_ACTION_EXAM);
    assert_int_equal(act("EXAMS", NULL, NULL), IDENT_ACTION_NONE);
    assert_int_equal(act("EMPTY BED", NULL, NULL), IDENT_ACTION_NONE);
    assert_int_equal(act("EMPTY_BE", NULL, NULL), IDENT_ACTION_NONE);
    assert_string_equal(ident_action_name(IDENT_ACTION_NO_ID), "NO_ID");
    assert_string_equal(ident_action_name((enum ident_action)42), "NONE");
}

static void test_count(void **state)
{
    char code[IDENT_ITEM_CODE_MAX + 1];
    long qty = 0;

    (void)state;
    assert_int_equal(act("XR05CBA198A001010100863:12", code, &qty), IDENT_ACTION_COUNT);
    assert_string_equal(code, "XR05CBA198A001010100863");
    assert_int_equal(qty, 12);
    assert_int_equal(act(" xr05cba198a001010100863 : 3 \n", code, &qty), IDENT_ACTION_COUNT);
    assert_string_equal(code, "XR05CBA198A001010100863");
    assert_int_equal(qty, 3);
    assert_int_equal(act("T001700643：5", code, &qty), IDENT_ACTION_COUNT);
    assert_string_equal(code, "T001700643");
    assert_int_equal(qty, 5);
    assert_int_equal(act("C0304011060000010540:00012", code, &qty), IDENT_ACTION_COUNT);
    assert_int_equal(qty, 12);
    assert_int_equal(act("T001700643:999999", code, &qty), IDENT_ACTION_COUNT);
    assert_int_equal(qty, IDENT_COUNT_QTY_MAX);

    assert_int_equal(act("T001700643:1000000", code, &qty), IDENT_ACTION_NONE);
    assert_string_equal(code, "");
    assert_int_equal(qty, 0);
    assert_int_equal(act("T001700643:99999999999999999999", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("T001700643:0", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("T001700643:-1", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("T001700643:+5", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("T001700643:5.5", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("T001700643:", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act(":5", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("X123:5", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("110100001000000:5", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("T001700643:5:6", code, &qty), IDENT_ACTION_NONE);
    assert_int_equal(act("XR05CBA198A001010100863XR05CBA198A0010101:5", code, &qty),
                     IDENT_ACTION_NONE);
}

/* ---- classification --------------------------------------------------------- */

static struct ident_scan sc;

static void classify(const char *s)
{
    ident_classify_shape(s, strlen(s), today, &sc);
}

/* Classifies s (classify) and checks its kind and, unless code is NULL,
 * its canonical code. */
static void classify_as(const char *s, enum ident_kind kind, const char *code)
{
    classify(s);
    if (sc.kind != kind)
        fail_msg("'%s': %s, wanted %s", s, ident_kind_name(sc.kind), ident_kind_name(kind));
    if (code)
        assert_string_equal(sc.code, code);
}

static void test_classify_degenerate(void **state)
{
    char *big;

    (void)state;
    ident_classify_shape(NULL, 0, today, &sc);
    assert_int_equal(sc.kind, IDENT_UNKNOWN);
    assert_int_equal(sc.valid, 1);
    assert_string_equal(sc.code, "");
    classify_as("", IDENT_UNKNOWN, NULL);
    classify_as(" \t\r\n", IDENT_UNKNOWN, "");
    classify_as("hello", IDENT_UNKNOWN, "hello");
    classify_as("\xff\xfe\r\n", IDENT_UNKNOWN, "\xff\xfe");
    ident_classify_shape("EXAM\0X", 6, today, &sc);
    assert_int_equal(sc.kind, IDENT_UNKNOWN);
    assert_string_equal(sc.code, "");

    big = malloc(IDENT_SCAN_MAX + 1);
    memset(big, 'A', IDENT_SCAN_MAX + 1);
    memcpy(big, "EXAM", 4);
    ident_classify_shape(big, IDENT_SCAN_MAX + 1, today, &sc);
    assert_int_equal(sc.kind, IDENT_UNKNOWN);
    assert_string_equal(sc.code, "");
    memset(big, ' ', IDENT_SCAN_MAX);
    memcpy(big, "EXAM", 4);
    ident_classify_shape(big, IDENT_SCAN_MAX, today, &sc);
    assert_int_equal(sc.kind, IDENT_ACTION);
    free(big);
}

static void test_classify_actions(void **state)
{
    (void)state;
    classify_as("empty_bed\r\n", IDENT_ACTION, NULL);
    assert_int_equal(sc.action, IDENT_ACTION_EMPTY_BED);
    assert_string_equal(sc.code, "EMPTY_BED");
    classify_as("xr05cba198a001010100863:12", IDENT_ACTION, NULL);
    assert_int_equal(sc.action, IDENT_ACTION_COUNT);
    assert_int_equal(sc.item_kind, IDENT_ITEM_WESTERN);
    assert_string_equal(sc.item_code, "XR05CBA198A001010100863");
    assert_int_equal(sc.qty, 12);
    assert_string_equal(sc.code, "XR05CBA198A001010100863:12");
}

static void test_classify_ids(void **state)
{
    (void)state;
    classify_as("110105199001011232\r\n", IDENT_RESIDENT_ID, NULL);
    assert_int_equal(sc.valid, 1);
    assert_null(sc.why);
    assert_string_equal(sc.code, "110105199001011232");
    assert_int_equal(sc.id.year, 1990);

    classify_as("53010219200508011x", IDENT_RESIDENT_ID, "53010219200508011X");

    classify_as("１１０１０５１９９００１０１１２３２", IDENT_RESIDENT_ID, "110105199001011232");

    /* 18 digits failing the check stay an ID so the caller can say INVALID_ID */
    classify_as("110105199001011233", IDENT_RESIDENT_ID, NULL);
    assert_int_equal(sc.valid, 0);
    assert_string_equal(sc.why, "bad check digit");
    assert_string_equal(sc.code, "110105199001011233");
    classify_as("999999999999999999", IDENT_RESIDENT_ID, NULL);
    assert_int_equal(sc.valid, 0);
    assert_string_equal(sc.why, "no such date");
    classify("11010520300101001X");
    assert_int_equal(sc.valid, 0);
    assert_string_equal(sc.why, "birth date in the future");

    classify_as("110105900101123", IDENT_RESIDENT_ID, NULL);
    assert_int_equal(sc.valid, 1);
    assert_int_equal(sc.id.legacy, 1);
    /* 15 digits without a real date are not called an ID */
    classify_as("110105900230123", IDENT_UNKNOWN, NULL);
    assert_int_equal(sc.valid, 1);
    assert_string_equal(sc.id.text, "");
}

static void test_classify_gs1(void **state)
{
    (void)state;
    classify_as("]d2"
                "0106901234567892"
                "17270131"
                "10LOT123\x1d"
                "21SN0001\r\n",
                IDENT_GS1, NULL);
    assert_string_equal(sc.aim, "]d2");
    assert_string_equal(sc.code, "(01)06901234567892(17)270131(10)LOT123(21)SN0001");
    assert_string_equal(sc.gtin14, "06901234567892");
    assert_string_equal(sc.gs1.serial, "SN0001");

    classify_as("\x1d"
                "0106901234567892"
                "10LOT123\x1d"
                "21SN0001",
                IDENT_GS1, NULL);
    assert_string_equal(sc.aim, "");
    classify_as("(01)06901234567892(21)SN0001", IDENT_GS1, "(01)06901234567892(21)SN0001");
    classify_as("0106901234567892", IDENT_GS1, NULL);
    classify_as("01069012345678921727013110A1", IDENT_GS1, NULL);
    assert_string_equal(sc.gs1.lot, "A1");

    /* a GS1 symbology identifier promises GS1: anything else is unknown */
    classify_as("]d2hello", IDENT_UNKNOWN, NULL);
    assert_string_equal(sc.aim, "]d2");
    assert_non_null(sc.why);
    assert_string_equal(sc.why, "not an AI");
    classify_as("]Q3110105199001011232", IDENT_UNKNOWN, NULL);

    /* GS1 without any of 01/10/17/21 is not a box code */
    classify_as("(99)ABC123", IDENT_UNKNOWN, NULL);
    assert_string_equal(sc.gs1.text, "");
    /* (17) first, unmarked: a GTIN-8 shape, not GS1 */
    classify_as("17250139", IDENT_GTIN, NULL);
}

static void test_classify_order(void **state)
{
    (void)state;
    /* 20 digits that could read as (01)+(10) are a traceability code */
    classify_as("01069012345678921012", IDENT_TRACE_CODE, NULL);
    assert_string_equal(sc.trace_prefix, "0106901");
    classify_as("81234567890123456789", IDENT_TRACE_CODE, NULL);
    assert_string_equal(sc.trace_prefix, "8123456");
    assert_string_equal(sc.code, "81234567890123456789");
    /* a GTIN-14 starting 01 is too short for (01) and stays a GTIN */
    classify_as("01234567890128", IDENT_GTIN, NULL);
    assert_string_equal(sc.gtin14, "01234567890128");

    classify_as("6901234567892", IDENT_GTIN, "6901234567892");
    assert_string_equal(sc.gtin14, "06901234567892");
    assert_int_equal(sc.drug_standard, 0);
    classify_as("6901234567893", IDENT_UNKNOWN, NULL);
    classify_as("86901234567898", IDENT_GTIN, NULL);
    assert_int_equal(sc.drug_standard, 1);
    classify_as("96385074", IDENT_GTIN, NULL);
    assert_string_equal(sc.gtin14, "00000096385074");
    classify_as("036000291452", IDENT_GTIN, NULL);
    classify_as("]E06901234567892", IDENT_GTIN, NULL);
    assert_string_equal(sc.aim, "]E0");
    assert_string_equal(sc.code, "6901234567892");

    classify_as("P37020304446", IDENT_SITE_CODE, NULL);
    assert_int_equal(sc.site_kind, IDENT_SITE_PHARMACY);
    classify_as("XR05CBA198A001010100863", IDENT_DRUG_CODE, NULL);
    assert_int_equal(sc.item_kind, IDENT_ITEM_WESTERN);
    assert_string_equal(sc.item_code, "XR05CBA198A001010100863");
    classify_as("C0304011060000010540", IDENT_DRUG_CODE, NULL);
    assert_int_equal(sc.item_kind, IDENT_ITEM_CONSUMABLE);
    classify_as("110100001000000", IDENT_UNKNOWN, NULL);
    assert_int_equal(sc.item_kind, IDENT_ITEM_NONE);

    classify_as("  ABCDEF0123456789abcdef\r\n", IDENT_INSURANCE_TOKEN, "ABCDEF0123456789abcdef");
    classify_as("https://example.org/abc123x", IDENT_UNKNOWN, NULL);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(ident_kind_name(IDENT_UNKNOWN), "unknown");
    assert_string_equal(ident_kind_name(IDENT_ACTION), "action");
    assert_string_equal(ident_kind_name(IDENT_RESIDENT_ID), "resident_id");
    assert_string_equal(ident_kind_name(IDENT_GS1), "gs1");
    assert_string_equal(ident_kind_name(IDENT_TRACE_CODE), "trace_code");
    assert_string_equal(ident_kind_name(IDENT_GTIN), "gtin");
    assert_string_equal(ident_kind_name(IDENT_SITE_CODE), "site_code");
    assert_string_equal(ident_kind_name(IDENT_DRUG_CODE), "drug_code");
    assert_string_equal(ident_kind_name(IDENT_INSURANCE_TOKEN), "insurance_token");
    assert_string_equal(ident_kind_name((enum ident_kind)77), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_degenerate),
        cmocka_unit_test(test_id_valid),
        cmocka_unit_test(test_id_fullwidth),
        cmocka_unit_test(test_id_invalid),
        cmocka_unit_test(test_id_today_local),
        cmocka_unit_test(test_id_legacy),
        cmocka_unit_test(test_id_legacy_leap),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_gtin),
        cmocka_unit_test(test_trace),
        cmocka_unit_test(test_trace_shapes),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_classify_degenerate),
        cmocka_unit_test(test_classify_actions),
        cmocka_unit_test(test_classify_ids),
        cmocka_unit_test(test_classify_gs1),
        cmocka_unit_test(test_classify_order),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
