/* Tests for the scan classification pipeline: the order of the steps
 * (action word, code_index, site patterns, shape, unrecognized), pattern
 * capture groups and their validation, bed number normalisation. */
#include "core/ident/scan.h"

#include "night_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <regex.h>
#include <string.h>

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    fx_setup(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_teardown(*state);
    free(*state);
    return 0;
}

static struct scan_class classify(struct scan_classifier *c, const char *code)
{
    struct scan_class out;

    assert_int_equal(
        scan_classify(c, code, strlen(code), fx_at("2026-11-22T20:00:00+08:00"), &out, NULL), 0);
    return out;
}

static void add_row(struct fixture *fx, const char *sql)
{
    assert_int_equal(store_exec(fx->s, sql, NULL), 0);
}

static void test_bed_normalise(void **state)
{
    /* a bed as written, and its normal form (NULL: refused, FC_EINPUT) */
    static const struct {
        const char *bed, *normal;
    } beds[] = {
        {NULL, NULL},   {"", NULL},   {"+", NULL},  {"0", NULL},    {"1a", NULL},   {"012", "12"},
        {"12+", "12+"}, {"00", NULL}, {"0+", NULL}, {"007+", "7+"}, {"100", "100"}, {"9", "9"},
    };
    char out[SCAN_REF_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof(beds) / sizeof(beds[0]); i++) {
        assert_int_equal(scan_bed_normalise(beds[i].bed, out), beds[i].normal ? 0 : FC_EINPUT);
        if (beds[i].normal)
            assert_string_equal(out, beds[i].normal);
    }
}

static void test_degenerate(void **state)
{
    struct fixture *fx = *state;
    struct scan_classifier *c = NULL;
    struct scan_class out;
    char big[700];

    assert_int_equal(scan_classifier_new(fx->s, FX_SITE, &c, NULL), 0);
    assert_int_equal(scan_classify(c, NULL, 0, 0, &out, NULL), 0);
    assert_int_equal(out.kind, SCAN_UNKNOWN);
    out = classify(c, "   \r\n");
    assert_int_equal(out.kind, SCAN_UNKNOWN);
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    /* longer than any barcode: refused whole, never cut (a cut could split
     * a character and record a code nobody scanned) */
    assert_int_equal(scan_classify(c, big, strlen(big), 0, &out, NULL), FC_EINPUT);
    big[600] = '\0';
    assert_int_equal(scan_classify(c, big, sizeof(big) - 1, 0, &out, NULL), FC_EINPUT);
    assert_int_equal(scan_classify(c, big, SCAN_CODE_MAX, 0, &out, NULL), 0);
    assert_int_equal(out.kind, SCAN_UNKNOWN);
    assert_int_equal(strlen(out.code), SCAN_CODE_MAX);
    assert_int_equal(scan_classify(c, "A\0B", 3, 0, &out, NULL), 0);
    assert_int_equal(out.kind, SCAN_UNKNOWN);
    scan_classifier_free(c);
    scan_classifier_free(NULL);
}

static void test_order(void **state)
{
    struct fixture *fx = *state;
    struct scan_classifier *c = NULL;
    struct scan_class out;
    char id[19];

    /* codes that would be recognised by a later step too */
    /* the test attaches the reference file read-write, so rows can be added */
    add_row(fx, "INSERT INTO ref.code_index VALUES ('EXAM', 'admission', '" FX_SITE "', 'Z1'),"
                " ('BAND|A1|', 'admission', '" FX_SITE "', 'A1'),"
                " ('110105198001010019', 'wristband', '" FX_OTHER_SITE "', 'B9')");
    assert_int_equal(scan_classifier_new(fx->s, FX_SITE, &c, NULL), 0);

    out = classify(c, " exam \r\n"); /* action word beats the index */
    assert_int_equal(out.kind, SCAN_ACTION);
    assert_int_equal(out.source, SCAN_FROM_ACTION);
    assert_int_equal(out.action, IDENT_ACTION_EXAM);

    out = classify(c, "BAND|A1|"); /* index beats the pattern */
    assert_int_equal(out.source, SCAN_FROM_INDEX);
    assert_int_equal(out.kind, SCAN_ADMISSION);

    out = classify(c, "BAND|A2|x"); /* pattern */
    assert_int_equal(out.source, SCAN_FROM_PATTERN);
    assert_int_equal(out.kind, SCAN_WRISTBAND);
    assert_string_equal(out.admission_no, "A2");

    out = classify(c, "W01-1"); /* index: a listed bed */
    assert_int_equal(out.source, SCAN_FROM_INDEX);
    assert_int_equal(out.kind, SCAN_BED_LABEL);
    assert_string_equal(out.ward_code, "W01");
    assert_string_equal(out.bed, "1");

    out = classify(c, "W01-007+"); /* default bed label pattern */
    assert_int_equal(out.source, SCAN_FROM_PATTERN);
    assert_int_equal(out.kind, SCAN_BED_LABEL);
    assert_string_equal(out.bed, "7+");

    fx_id(1, id);
    out = classify(c, id); /* the index (this site's ID) */
    assert_int_equal(out.source, SCAN_FROM_INDEX);
    assert_int_equal(out.kind, SCAN_ID_NUMBER);
    assert_string_equal(out.admission_no, "A1");

    out = classify(c, "110105198001010019"); /* another site's index row: shape */
    assert_int_equal(out.source, SCAN_FROM_SHAPE);
    assert_int_equal(out.kind, SCAN_ID_NUMBER);

    out = classify(c, "110105800101001"); /* legacy 15 digits widened to 18 */
    assert_int_equal(out.kind, SCAN_ID_NUMBER);
    assert_int_equal(out.legacy_id, 1);
    assert_int_equal(strlen(out.id_number), 18);

    out = classify(c, "110105198001010010"); /* bad check digit */
    assert_int_equal(out.kind, SCAN_ID_NUMBER);
    assert_int_equal(out.valid, 0);
    assert_non_null(out.why);

    out = classify(c, "81234567890123456789");
    assert_int_equal(out.kind, SCAN_TRACE_CODE);
    out = classify(c, "6901234567892");
    assert_int_equal(out.kind, SCAN_GTIN);
    out = classify(c, "QR7Ab3xYz9KpLm2Nq4Rs6Tu8");
    assert_int_equal(out.kind, SCAN_INSURANCE_TOKEN);
    out = classify(c, "hello?");
    assert_int_equal(out.kind, SCAN_UNKNOWN);
    assert_int_equal(out.source, SCAN_FROM_NONE);
    assert_string_equal(scan_kind_name(out.kind), "unknown");
    assert_string_equal(scan_source_name(SCAN_FROM_PATTERN), "pattern");
    scan_classifier_free(c);
}

static void test_site_patterns(void **state)
{
    struct fixture *fx = *state;
    struct scan_classifier *c = NULL;
    struct scan_class out;
    struct fc_error err = {0};

    /* a site's own bed label pattern replaces the default one */
    add_row(fx, "INSERT INTO ref.scan_pattern VALUES ('" FX_SITE "', 'bed_label',"
                " '^BED:([A-Z0-9]+)/0*([0-9]+\\+?)$', 'ward_code,bed', 3),"
                " ('" FX_SITE "', 'bed_label', '^X([0-9]+)(-([A-Z0-9]+))?$',"
                " 'bed,rest,ward_code', 4)");
    assert_int_equal(scan_classifier_new(fx->s, FX_SITE, &c, NULL), 0);
    out = classify(c, "BED:W02/004");
    assert_int_equal(out.kind, SCAN_BED_LABEL);
    assert_string_equal(out.ward_code, "W02");
    assert_string_equal(out.bed, "4");
    out = classify(c, "W02-4"); /* not in the index, and no default pattern now */
    assert_int_equal(out.kind, SCAN_UNKNOWN);
    /* a pattern whose group did not take part does not match */
    out = classify(c, "X12");
    assert_int_equal(out.kind, SCAN_UNKNOWN);
    out = classify(c, "X12-W01");
    assert_int_equal(out.kind, SCAN_BED_LABEL);
    assert_string_equal(out.ward_code, "W01");
    assert_string_equal(out.bed, "12");
    scan_classifier_free(c);

    /* a broken regex names its line */
    add_row(fx, "INSERT INTO ref.scan_pattern VALUES ('" FX_SITE "', 'wristband', '([', "
                "'admission_no', 9)");
    assert_int_equal(scan_classifier_new(fx->s, FX_SITE, &c, &err), FC_EINPUT);
    assert_null(c);
    assert_non_null(strstr(err.msg, "line 9"));
}

/* The default bed label is matched by hand; it must agree with the regex it
 * stands for on codes a site without patterns can meet. */
static void test_default_label_matches_regex(void **state)
{
    static const char *const codes[] = {
        "W01-12",  "W01-12+", "W01-012", "A-B-3", "A-1-2",   "-3",  "W01-",   "W01-1a",
        "W01-1++", "W-01-+",  "W01--3",  "X-+",   "病区-5",  "1-2", "W01-+3", "a-b",
        "W01-3-",  "--1",     "W 01-9",  "ZY123", "W01-99+", "+-1", "-",
    };
    struct fixture *fx = *state;
    struct scan_classifier *c = NULL;
    regex_t re;

    assert_int_equal(regcomp(&re, "^(.+)-([0-9]+\\+?)$", REG_EXTENDED), 0);
    assert_int_equal(scan_classifier_new(fx->s, FX_OTHER_SITE, &c, NULL), 0);
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        regmatch_t m[3];
        struct scan_class out = classify(c, codes[i]);
        int want = regexec(&re, codes[i], 3, m, 0) == 0;
        int got = out.source == SCAN_FROM_PATTERN && out.kind == SCAN_BED_LABEL;

        if (out.source == SCAN_FROM_INDEX)
            continue; /* a listed bed of that site */
        if (want != got)
            fail_msg("'%s': regex %d, classifier %d", codes[i], want, got);
        if (want) {
            char ward[64];
            snprintf(ward, sizeof(ward), "%.*s", (int)(m[1].rm_eo - m[1].rm_so), codes[i]);
            assert_string_equal(out.ward_code, ward);
        }
    }
    scan_classifier_free(c);
    regfree(&re);
}

static void test_pattern_fields_checked(void **state)
{
    struct fixture *fx = *state;
    struct scan_classifier *c = NULL;
    struct fc_error err = {0};

    add_row(fx, "INSERT INTO ref.scan_pattern VALUES ('" FX_SITE "', 'bed_label', '^(A)$',"
                " 'ward_code,bed', 5)");
    assert_int_equal(scan_classifier_new(fx->s, FX_SITE, &c, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "line 5"));
}

/* The canonical form (DESIGN §5): AIM identifier off and kept, white space
 * (NBSP, U+3000) trimmed, full width folded, 15434 format 05 unwrapped. */
static void test_canonical_form(void **state)
{
    static const struct {
        const char *raw, *code, *aim;
        int gs1;
    } cases[] = {
        {"W01-1", "W01-1", "", 0},
        {"]C0W01-1", "W01-1", "]C0", 0},
        {"]E06904890850407", "6904890850407", "]E0", 0},
        {"]Q1WB|ZY1|63|F", "WB|ZY1|63|F", "]Q1", 0},
        {"]d20106901234567892", "0106901234567892", "]d2", 1},
        {"]C1010690123456789210AB", "010690123456789210AB", "]C1", 1},
        {" \t W01-1 \r\n", "W01-1", "", 0},
        {"\xC2\xA0W01-1\xE3\x80\x80", "W01-1", "", 0},
        {"\xEF\xBC\xB7\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x8D\xEF\xBC\x91", "W01-1", "", 0},
        {"\xEF\xBD\x9A\xEF\xBD\x99", "zy", "", 0},
        {"\xE7\x97\x85", "\xE7\x97\x85", "", 0}, /* 病: not full-width ASCII */
        {"[)>\x1e"
         "05\x1d"
         "0106901234567892\x1d"
         "10AB\x1e\x04",
         "0106901234567892\x1d"
         "10AB",
         "", 1},
        {"[)>\x1e"
         "06\x1d"
         "1PABC\x1e\x04",
         "[)>\x1e"
         "06\x1d"
         "1PABC\x1e\x04",
         "", 0},
        {"]C0", "", "]C0", 0},
    };
    char code[SCAN_CODE_MAX + 1], aim[4];
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int gs1 = scan_canonical(cases[i].raw, strlen(cases[i].raw), code, aim);
        assert_int_equal(gs1, cases[i].gs1);
        assert_string_equal(code, cases[i].code);
        assert_string_equal(aim, cases[i].aim);
    }
    assert_int_equal(scan_canonical("a\0b", 3, code, aim), -1);
}

/* A test run in a fresh fixture of its own. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bed_normalise),
        FX_TEST(test_degenerate),
        FX_TEST(test_order),
        FX_TEST(test_site_patterns),
        FX_TEST(test_default_label_matches_regex),
        FX_TEST(test_pattern_fields_checked),
        cmocka_unit_test(test_canonical_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
