/* The draw (docs/draw.md): the stream and the rejection sampling against
 * values computed independently from the definition, the canonical order
 * (row order never matters), 回避, cross-region, exclusion, the ranking,
 * the errors; and the input files (Chinese headers, GB18030, bad rows). */
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/draw/draw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char tmpl[] = "/tmp/fc-draw-XXXXXX";
static char *root;

/* Values from a separate implementation of §2 (Python hashlib). */
static void test_stream_vectors(void **state)
{
    static const uint32_t want[10] = {0xd94b5cfa, 0x6aa846c5, 0x2fd1d115, 0xb5f73f4d, 0xe70512e4,
                                      0x4b61635c, 0xedabc103, 0x4082499f, 0xaf86375e, 0x143c5850};
    const char *seed = "开奖 03 17 22";
    struct draw_stream s;

    (void)state;
    draw_stream_init(&s, seed, strlen(seed));
    for (int i = 0; i < 10; i++)
        assert_int_equal(draw_stream_u32(&s), want[i]);
}

static void test_uniform_rejection(void **state)
{
    /* n = 3 * 2^30: every u32 >= 0xC0000000 is drawn again */
    static const uint32_t want[12] = {1386842690,  820999557,  2852809020u, 965945682,
                                      2969782426u, 336916753,  679650584,   3112202099u,
                                      303764414,   1762124754, 1689872626,  2253967226u};
    static const uint32_t tens[5] = {3, 0, 9, 7, 0};
    struct draw_stream s;

    (void)state;
    draw_stream_init(&s, "abc", 3);
    for (int i = 0; i < 5; i++)
        assert_int_equal(draw_uniform(&s, 10), tens[i]);
    draw_stream_init(&s, "abc", 3);
    for (int i = 0; i < 12; i++)
        assert_int_equal(draw_uniform(&s, 3u << 30), want[i]);
    /* 16 u32 for 12 values: four were rejected */
    assert_int_equal(s.counter * 8 - (HASH_LEN - s.used) / 4, 16);
}

static void test_seed(void **state)
{
    char out[DRAW_MAX_SEED + 1], big[DRAW_MAX_SEED + 3];
    struct fc_error err;

    (void)state;
    assert_int_equal(draw_seed_normalize("  12 34\t\r\n", out, &err), 0);
    assert_string_equal(out, "12 34");
    assert_int_equal(draw_seed_normalize(" \t ", out, &err), FC_EUSAGE);
    assert_int_equal(draw_seed_normalize("\xff", out, &err), FC_EUSAGE);
    memset(big, '7', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    assert_int_equal(draw_seed_normalize(big, out, &err), FC_EUSAGE);
}

static void write_file(const char *name, const char *text, struct buf *path)
{
    struct fc_error err;

    buf_reset(path);
    buf_addf(path, "%s/%s", root, name);
    assert_int_equal(fs_write_atomic(path->ptr, text, strlen(text), 0600, &err), 0);
}

static const char targets_csv[] = "机构编码,机构名称,机构类别,所在区划,基金支付金额,上次检查日期\n"
                                  "H31010400001,A1,定点医疗机构,310104,500.5,\n"
                                  "H31010400002,A2,hospital,310104,900,2026-02-20\n"
                                  "H32010200003,B3,,320102,700,2025-01-01\n"
                                  "P31010400004,C4,定点零售药店,310104,100,\n"
                                  "H32010200005,B5,,320102,,\n"
                                  "P32010200006,D6,,320102,50.25,\n";
static const char inspectors_csv[] = "inspector_id,name,region_code,former_employers,relatives_at\n"
                                     "I1,one,310104,H32010200003,\n"
                                     "I2,two,320102,,\n"
                                     "I3,three,320102,,H31010400001\n"
                                     "I4,four,310104,,\n"
                                     "I5,five,310105,,\n"
                                     "I6,six,320205,,\n"
                                     "I7,seven,320205,,\n"
                                     "I8,eight,330102,,\n";

struct loaded {
    struct draw_target *t;
    size_t nt;
    struct draw_inspector *p;
    size_t np;
};

static void load(const char *targets, const char *inspectors, struct loaded *l)
{
    struct buf tp = BUF_INIT, ip = BUF_INIT;
    struct fc_error err;
    char sha[HASH_HEX_LEN + 1];

    write_file("t.csv", targets, &tp);
    write_file("i.csv", inspectors, &ip);
    if (draw_targets_read(tp.ptr, &l->t, &l->nt, sha, &err))
        fail_msg("targets: %s", err.msg);
    if (draw_inspectors_read(ip.ptr, &l->p, &l->np, sha, &err))
        fail_msg("inspectors: %s", err.msg);
    buf_release(&tp);
    buf_release(&ip);
}

static void unload(struct loaded *l)
{
    draw_targets_free(l->t, l->nt);
    draw_inspectors_free(l->p, l->np);
}

static void run(const struct loaded *l, const char *count, int team, int exclude, int top,
                enum draw_cross cross, const char *seed, struct draw_result *r, int want_rc)
{
    struct draw_input in;
    struct fc_error err;

    memset(&in, 0, sizeof(in));
    in.targets = l->t;
    in.ntargets = l->nt;
    in.inspectors = l->p;
    in.ninspectors = l->np;
    in.seed = seed;
    assert_int_equal(draw_quotas_parse(count, &in.params, &err), 0);
    in.params.team_size = team;
    in.params.exclude_days = exclude;
    in.params.top = top;
    in.params.cross = cross;
    snprintf(in.params.date, sizeof(in.params.date), "2026-03-01");
    if (draw_run(&in, r, &err) != want_rc)
        fail_msg("draw_run: %s", err.msg);
}

static void test_files(void **state)
{
    struct loaded l;

    (void)state;
    load(targets_csv, inspectors_csv, &l);
    assert_int_equal(l.nt, 6);
    assert_string_equal(l.t[0].site_code, "H31010400001");
    assert_string_equal(l.t[0].kind, "hospital");
    assert_int_equal(l.t[0].rank, 50050);
    assert_int_equal(l.t[3].rank, -1);            /* H32010200005: no ranking value */
    assert_string_equal(l.t[4].kind, "pharmacy"); /* from the column */
    assert_string_equal(l.t[5].kind, "pharmacy"); /* from the P */
    assert_string_equal(l.t[1].last_inspected, "2026-02-20");
    assert_int_equal(l.np, 8);
    assert_int_equal(l.p[0].nconflicts, 1);
    assert_string_equal(l.p[2].conflicts[0], "H31010400001");
    unload(&l);
}

static void expect_bad(const char *targets, const char *what)
{
    struct buf tp = BUF_INIT;
    struct fc_error err;
    struct draw_target *t = NULL;
    size_t n = 0;
    char sha[HASH_HEX_LEN + 1];

    write_file("bad.csv", targets, &tp);
    assert_int_equal(draw_targets_read(tp.ptr, &t, &n, sha, &err), FC_EINPUT);
    if (!strstr(err.msg, what))
        fail_msg("'%s' does not say '%s'", err.msg, what);
    assert_null(t);
    buf_release(&tp);
}

static void test_bad_files(void **state)
{
    (void)state;
    expect_bad("site_code,site_name\nH3101040000,x\n", "line 2");
    expect_bad("site_code,site_name\nH31010400001,x\nH31010400001,y\n", "listed twice");
    expect_bad("site_name\nx\n", "no column site_code");
    expect_bad("site_code,site_name,rank_value\nH31010400001,x,1.2E+07\n", "not a number");
    expect_bad("site_code,site_name,last_inspected\nH31010400001,x,2026-02-30\n", "not a date");
    expect_bad("site_code,site_name,region_code\nH31010400001,x,3101\n", "not 6 digits");
    expect_bad("site_code,site_name,site_kind\nH31010400001,x,clinic\n", "neither");
}

/* Reordered rows give the same draw: it runs on the canonical order. */
static void test_row_order(void **state)
{
    static const char shuffled_t[] = "site_code,region_code,site_name,rank_value,site_kind\n"
                                     "P32010200006,320102,D6,50.25,\n"
                                     "H32010200005,320102,B5,,\n"
                                     "H31010400001,310104,A1,500.5,hospital\n"
                                     "P31010400004,310104,C4,100,pharmacy\n"
                                     "H32010200003,320102,B3,700,\n"
                                     "H31010400002,310104,A2,900,\n";
    struct loaded a, b;
    struct draw_result ra, rb;

    (void)state;
    load(targets_csv, inspectors_csv, &a);
    load(shuffled_t, inspectors_csv, &b);
    for (int seed = 0; seed < 50; seed++) {
        char s[8];
        snprintf(s, sizeof(s), "%d", seed);
        run(&a, "3", 2, 0, 0, DRAW_CROSS_NONE, s, &ra, 0);
        run(&b, "3", 2, 0, 0, DRAW_CROSS_NONE, s, &rb, 0);
        for (size_t i = 0; i < 3; i++) {
            assert_string_equal(a.t[ra.picks[i].target].site_code,
                                b.t[rb.picks[i].target].site_code);
            assert_int_equal(ra.picks[i].members[0], rb.picks[i].members[0]);
            assert_int_equal(ra.picks[i].members[1], rb.picks[i].members[1]);
        }
        draw_result_release(&ra);
        draw_result_release(&rb);
    }
    unload(&a);
    unload(&b);
}

/* Over many seeds: 回避 and cross-region always hold, every target is
 * drawn at some point, and the draw is not stuck on one answer. */
static void test_conflicts_and_spread(void **state)
{
    struct loaded l;
    int seen[6] = {0};

    (void)state;
    load(targets_csv, inspectors_csv, &l);
    for (int seed = 0; seed < 300; seed++) {
        struct draw_result r;
        char s[8];

        snprintf(s, sizeof(s), "%d", seed);
        run(&l, "hospital=1,pharmacy=1", 2, 0, 0, DRAW_CROSS_CITY, s, &r, 0);
        assert_int_equal(r.npicks, 2);
        assert_string_equal(l.t[r.picks[0].target].kind, "hospital");
        assert_string_equal(l.t[r.picks[1].target].kind, "pharmacy");
        for (size_t k = 0; k < r.npicks; k++) {
            const struct draw_target *t = &l.t[r.picks[k].target];
            seen[r.picks[k].target]++;
            for (int m = 0; m < 2; m++) {
                const struct draw_inspector *p = &l.p[r.picks[k].members[m]];
                assert_true(strncmp(p->region_code, t->region_code, 4) != 0);
                for (size_t c = 0; c < p->nconflicts; c++)
                    assert_string_not_equal(p->conflicts[c], t->site_code);
            }
        }
        assert_true(r.picks[0].members[0] != r.picks[1].members[0] &&
                    r.picks[0].members[0] != r.picks[1].members[1] &&
                    r.picks[0].members[1] != r.picks[1].members[0] &&
                    r.picks[0].members[1] != r.picks[1].members[1]);
        draw_result_release(&r);
    }
    for (int i = 0; i < 6; i++)
        assert_true(seen[i] > 20);
    unload(&l);
}

static void test_exclusion_and_top(void **state)
{
    struct loaded l;
    struct draw_result r;

    (void)state;
    load(targets_csv, inspectors_csv, &l);
    /* 30 days: A2 (2026-02-20) is out, B3 (2025) is not */
    run(&l, "hospital=3", 0, 30, 0, DRAW_CROSS_NONE, "x", &r, 0);
    assert_int_equal(r.nexcluded, 1);
    assert_string_equal(l.t[r.excluded[0].target].site_code, "H31010400002");
    assert_int_equal(r.candidates, 5);
    for (size_t i = 0; i < r.npicks; i++)
        assert_string_not_equal(l.t[r.picks[i].target].site_code, "H31010400002");
    draw_result_release(&r);
    /* 9 days before the draw is still within 10 days; 2026-02-20 is 9 days back */
    run(&l, "hospital=4", 0, 9, 0, DRAW_CROSS_NONE, "x", &r, 0);
    assert_int_equal(r.nexcluded, 0);
    draw_result_release(&r);
    /* top 2 hospitals by ranking: A2 (900) and B3 (700), in some order */
    for (int seed = 0; seed < 20; seed++) {
        char s[8];
        snprintf(s, sizeof(s), "%d", seed);
        run(&l, "hospital=2", 0, 0, 2, DRAW_CROSS_NONE, s, &r, 0);
        for (size_t i = 0; i < 2; i++) {
            const char *c = l.t[r.picks[i].target].site_code;
            assert_true(!strcmp(c, "H31010400002") || !strcmp(c, "H32010200003"));
        }
        draw_result_release(&r);
    }
    unload(&l);
}

static void test_impossible(void **state)
{
    struct loaded l;
    struct draw_result r;

    (void)state;
    load(targets_csv, inspectors_csv, &l);
    run(&l, "pharmacy=3", 0, 0, 0, DRAW_CROSS_NONE, "x", &r, FC_EINPUT);
    assert_int_equal(r.npicks, 0);
    /* 8 inspectors cannot make 5 teams of 2 */
    run(&l, "5", 2, 0, 0, DRAW_CROSS_NONE, "x", &r, FC_EINPUT);
    assert_null(r.picks);
    unload(&l);
}

static void test_quotas(void **state)
{
    struct draw_params p;
    struct fc_error err;

    (void)state;
    memset(&p, 0, sizeof(p));
    assert_int_equal(draw_quotas_parse("定点零售药店=1,hospital=2", &p, &err), 0);
    assert_int_equal(p.nquotas, 2);
    assert_string_equal(p.quotas[0].kind, "hospital"); /* name order */
    assert_int_equal(p.quotas[0].count, 2);
    assert_string_equal(p.quotas[1].kind, "pharmacy");
    assert_int_equal(draw_quotas_parse("3", &p, &err), 0);
    assert_string_equal(p.quotas[0].kind, "");
    assert_int_equal(draw_quotas_parse("0", &p, &err), FC_EUSAGE);
    assert_int_equal(draw_quotas_parse("clinic=1", &p, &err), FC_EUSAGE);
    assert_int_equal(draw_quotas_parse("hospital=1,hospital=2", &p, &err), FC_EUSAGE);
    assert_int_equal(draw_quotas_parse("2,pharmacy=1", &p, &err), FC_EUSAGE);
}

static int setup(void **state)
{
    (void)state;
    root = mkdtemp(tmpl);
    return root ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_vectors),
        cmocka_unit_test(test_uniform_rejection),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_row_order),
        cmocka_unit_test(test_conflicts_and_spread),
        cmocka_unit_test(test_exclusion_and_top),
        cmocka_unit_test(test_impossible),
        cmocka_unit_test(test_quotas),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
