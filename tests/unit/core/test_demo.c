/* Tests for the demo generator: the same seed on the same day gives a
 * byte-identical folder, another seed does not, every generated ID and GTIN
 * is valid, and the folder loads with zero rejects and the planted leads. */
#include "core/demo.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/store/hash.h"
#include "core/ident/ident.h"
#include "core/mission/mission.h"
#include "core/store/store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *const names[] = {"mission.json",    "sites.csv",      "wards.csv",
                                    "inpatients.csv",  "leaves.csv",     "drugs.csv",
                                    "settlements.csv", "suspicions.csv", "scan_patterns.csv"};

static char home[64];

/* SHA-256 over every file of the folder, in a fixed order. */
static void folder_digest(const char *dir, char hex[HASH_HEX_LEN + 1])
{
    struct hash_ctx ctx;
    unsigned char h[HASH_LEN];
    struct buf p = BUF_INIT;

    hash_init(&ctx);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        buf_reset(&p);
        buf_addf(&p, "%s/%s", dir, names[i]);
        assert_int_equal(hash_file(p.ptr, h, NULL, NULL), 0);
        hash_update(&ctx, h, sizeof(h));
    }
    hash_final(&ctx, h);
    hash_to_hex(hex, h, sizeof(h));
    buf_release(&p);
}

static void test_deterministic(void **state)
{
    char a[HASH_HEX_LEN + 1], b[HASH_HEX_LEN + 1], c[HASH_HEX_LEN + 1];
    char d1[96], d2[96], d3[96];
    struct demo_summary s1, s2;

    (void)state;
    snprintf(d1, sizeof(d1), "%s/a", home);
    snprintf(d2, sizeof(d2), "%s/b", home);
    snprintf(d3, sizeof(d3), "%s/c", home);
    assert_int_equal(demo_generate(d1, 42, 0, &s1, NULL), 0);
    assert_int_equal(demo_generate(d2, 42, 0, &s2, NULL), 0);
    assert_int_equal(demo_generate(d3, 43, 0, NULL, NULL), 0);
    folder_digest(d1, a);
    folder_digest(d2, b);
    folder_digest(d3, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_memory_equal(&s1, &s2, sizeof(s1));
    assert_int_equal(s1.version, 20260301);
    assert_true(s1.inpatients >= 150 && s1.inpatients <= 450);
    assert_int_equal(s1.drugs, 40);
    assert_int_equal(s1.suspicions, 30);
}

static void test_codes_valid(void **state)
{
    struct demo_summary s;
    struct ident_resident_id id;
    char dir[96], pre[8];

    (void)state;
    snprintf(dir, sizeof(dir), "%s/v", home);
    assert_int_equal(demo_generate(dir, 5, 0, &s, NULL), 0);
    assert_int_equal(ident_site_code_kind(s.hospital), IDENT_SITE_HOSPITAL);
    assert_int_equal(ident_site_code_kind(s.hospital2), IDENT_SITE_HOSPITAL);
    assert_int_equal(ident_site_code_kind(s.pharmacy), IDENT_SITE_PHARMACY);
    assert_int_equal(ident_resident_id_parse(s.id_number, 1772366400000, &id, NULL), 0);
    assert_int_equal(ident_resident_id_parse(s.wrong_bed_id, 1772366400000, &id, NULL), 0);
    assert_true(ident_gtin_valid(s.gtin));
    assert_true(ident_drug_code_valid(s.drug_code));
    assert_int_equal(ident_trace_prefix(s.trace_code, pre), 0);
    assert_string_not_equal(s.bed_label, "");
    assert_int_equal(strncmp(s.wristband, "WB|", 3), 0);
}

struct tally {
    int rejects, warnings;
    struct buf kinds;
};

static void on_reject(void *ctx, const char *file, uint64_t line, const char *column,
                      const char *reason, const char *reason_local)
{
    (void)reason_local;
    struct tally *t = ctx;
    print_message("unexpected reject %s:%llu: %s: %s\n", file, (unsigned long long)line, column,
                  reason);
    t->rejects++;
}

static void on_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                       const char *message, const char *message_local)
{
    (void)message_local;
    struct tally *t = ctx;
    (void)file;
    (void)line;
    (void)message;
    buf_addf(&t->kinds, "%s ", kind);
    t->warnings++;
}

static void load_demo(int gbk)
{
    struct tally t = {0, 0, BUF_INIT};
    struct mission_load_sink sink = {&t, on_reject, on_warning, NULL, NULL, NULL, NULL};
    struct store *s = NULL;
    struct mission_info info;
    struct fc_error err;
    char dir[96], db[96];

    snprintf(dir, sizeof(dir), "%s/load%d", home, gbk);
    snprintf(db, sizeof(db), "%s/db%d/fieldcheck.db", home, gbk);
    assert_int_equal(demo_generate(dir, 9, gbk, NULL, NULL), 0);
    assert_int_equal(store_open(&s, db, NULL), 0);
    if (mission_load(s, dir, 0, &sink, &info, NULL, &err))
        fail_msg("demo load failed: %s", err.msg);
    assert_int_equal(t.rejects, 0);
    assert_non_null(strstr(t.kinds.ptr, "id_two_sites"));
    assert_non_null(strstr(t.kinds.ptr, "bed_two_patients"));
    assert_non_null(strstr(t.kinds.ptr, "sex_ward"));
    store_close(s);
    buf_release(&t.kinds);
}

static void test_loads_clean(void **state)
{
    (void)state;
    load_demo(0);
}

static void test_loads_clean_gbk(void **state)
{
    (void)state;
    load_demo(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_codes_valid),
        cmocka_unit_test(test_loads_clean),
        cmocka_unit_test(test_loads_clean_gbk),
    };
    int rc;

    setenv("FIELDCHECK_NOW", "2026-03-01T20:00:00+08:00", 1);
    snprintf(home, sizeof(home), "/tmp/fc-demo-XXXXXX");
    if (!mkdtemp(home))
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    fs_remove_tree(home);
    return rc;
}
