/* Tests for the wards and beds of a night visit as screens show them
 * (core/night/wards.h) and for the visits' activity figures
 * (core/visit/activity.h): the bed list of a ward merges approved, listed
 * (zero-padded too) and scanned beds, ward progress counts anomalies by the
 * catalogue, the current bed follows bed labels and voids, and the beds of
 * visited wards nobody scanned are listed before closing. The world is
 * tests/unit/core/night_fixture.h. */
#include "core/night/night.h"
#include "core/night/wards.h"
#include "core/visit/activity.h"
#include "core/workflow.h"

#include "night_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void scan(struct world *w, const char *code)
{
    struct night_result r;
    struct fc_error err = {0};

    w->t += 3000;
    if (night_scan(w->n, code, strlen(code), NULL, w->t, &r, &err))
        fail_msg("scan '%s' failed: %s", code, err.msg);
}

static void scan_id(struct world *w, int n)
{
    char id[19];

    fx_id(n, id);
    scan(w, id);
}

/* ---- collecting --------------------------------------------------------- */

struct bed_list {
    char bed[32][16];
    char finding[32][32];
    char first_adm[32][16];
    size_t nlisted[32];
    int approved[32], anomaly[32];
    size_t n;
};

static int bed_cb(const struct night_ward_bed *b, void *ctx)
{
    struct bed_list *l = ctx;

    assert_true(l->n < 32);
    snprintf(l->bed[l->n], sizeof(l->bed[0]), "%s", b->bed);
    snprintf(l->finding[l->n], sizeof(l->finding[0]), "%s", b->finding);
    snprintf(l->first_adm[l->n], sizeof(l->first_adm[0]), "%s",
             b->nlisted ? b->listed[0].admission_no : "");
    l->nlisted[l->n] = b->nlisted;
    l->approved[l->n] = b->approved;
    l->anomaly[l->n] = b->verdict && b->verdict->cls == VERDICT_ANOMALY;
    if (b->finding[0])
        assert_non_null(b->verdict);
    else
        assert_null(b->verdict);
    l->n++;
    return 0;
}

static void beds_of(struct world *w, const char *ward, struct bed_list *l)
{
    struct fc_error err = {0};

    memset(l, 0, sizeof(*l));
    if (night_foreach_ward_bed(w->fx.s, w->n, ward, bed_cb, l, &err))
        fail_msg("beds of %s: %s", ward, err.msg);
}

struct ward_list {
    char code[8][8];
    int64_t beds[8], visited[8], anomalies[8], listed[8];
    size_t n;
};

static int ward_cb(const struct night_ward *w, void *ctx)
{
    struct ward_list *l = ctx;

    assert_true(l->n < 8);
    snprintf(l->code[l->n], sizeof(l->code[0]), "%s", w->ward_code);
    l->beds[l->n] = w->beds;
    l->visited[l->n] = w->visited;
    l->anomalies[l->n] = w->anomalies;
    l->listed[l->n] = w->listed;
    l->n++;
    return 0;
}

static void wards_of(struct world *w, struct ward_list *l)
{
    struct fc_error err = {0};

    memset(l, 0, sizeof(*l));
    assert_int_equal(night_foreach_ward(w->fx.s, w->n, ward_cb, l, &err), 0);
}

static void add_patient(struct world *w, const char *ward, const char *bed, const char *adm,
                        int idn)
{
    /* unqualified, "inpatient" and "code_index" resolve to the attached ref */
    fx_patient(store_db(w->fx.s), FX_SITE, ward, bed, adm, "陈加", idn, NULL);
}

/* ---- tests -------------------------------------------------------------- */

static void test_bed_order(void **state)
{
    (void)state;
    assert_true(night_bed_compare("2", "10") < 0);
    assert_true(night_bed_compare("12", "12+") < 0);
    assert_true(night_bed_compare("12+", "13") < 0);
    assert_true(night_bed_compare("9", "A") < 0);
    assert_true(night_bed_compare("A", "B") < 0);
    assert_int_equal(night_bed_compare("7", "7"), 0);
    assert_int_equal(night_bed_compare(NULL, ""), 0);
}

static void test_wards_before_any_scan(void **state)
{
    struct world *w = *state;
    struct ward_list l;

    wards_of(w, &l);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.code[0], "W01");
    assert_int_equal(l.beds[0], 10);
    assert_int_equal(l.listed[0], 6);
    assert_int_equal(l.visited[0], 0);
    assert_string_equal(l.code[1], "W02");
    assert_int_equal(l.beds[1], 5);
    assert_string_equal(l.code[2], "W09");
    assert_int_equal(l.beds[2], 3);
}

/* A roster that writes "07" and "011" and lists an extra bed "12+": one bed
 * 7 (not a bed "07" beside it), a bed 11 beyond the approved 10, and the
 * extra bed after 12's place. */
static void test_zero_padded_and_extra_beds(void **state)
{
    struct world *w = *state;
    struct bed_list l;
    struct ward_list wl;

    add_patient(w, "W01", "07", "A10", 10);
    add_patient(w, "W01", "011", "A11", 11);
    add_patient(w, "W01", "12+", "A12", 12);
    beds_of(w, "W01", &l);
    assert_int_equal(l.n, 12);
    for (size_t i = 0; i < 10; i++) {
        char num[8];
        snprintf(num, sizeof(num), "%zu", i + 1);
        assert_string_equal(l.bed[i], num);
        assert_true(l.approved[i]);
    }
    assert_string_equal(l.first_adm[6], "A10");
    assert_int_equal(l.nlisted[6], 1);
    assert_string_equal(l.bed[10], "11");
    assert_false(l.approved[10]);
    assert_string_equal(l.first_adm[10], "A11");
    assert_string_equal(l.bed[11], "12+");
    assert_string_equal(l.first_adm[11], "A12");
    assert_string_equal(l.first_adm[0], "A1");
    assert_int_equal(l.nlisted[7], 0);
    wards_of(w, &wl);
    assert_int_equal(wl.beds[0], 12);
    assert_int_equal(wl.listed[0], 9);
}

static void test_walk_progress_and_anomalies(void **state)
{
    struct world *w = *state;
    struct bed_list l;
    struct ward_list wl;
    char ward[SCAN_REF_MAX], bed[SCAN_REF_MAX];

    assert_int_equal(night_current_bed(w->fx.s, w->n, ward, bed, NULL), 0);
    assert_string_equal(ward, "");
    assert_string_equal(bed, "");
    scan(w, "W01-1");
    scan_id(w, 1); /* A1 in own bed: OK */
    scan(w, "W01-2");
    scan_id(w, 3); /* A3, listed for W01-3: WRONG_BED, the bed MOVED_IN */
    beds_of(w, "W01", &l);
    assert_string_equal(l.finding[0], "OK");
    assert_false(l.anomaly[0]);
    assert_string_equal(l.finding[1], "MOVED_IN");
    assert_true(l.anomaly[1]);
    assert_string_equal(l.finding[2], "");
    wards_of(w, &wl);
    assert_int_equal(wl.visited[0], 2);
    assert_int_equal(wl.anomalies[0], 1);
    assert_int_equal(wl.visited[1], 0);
    assert_int_equal(night_current_bed(w->fx.s, w->n, ward, bed, NULL), 0);
    assert_string_equal(ward, "W01");
    assert_string_equal(bed, "2");
}

/* A bed label typed with a leading zero names the roster's bed: the walk
 * counts one bed, not a bed "02" beside bed 2. */
static void test_scanned_label_merges_with_roster_bed(void **state)
{
    struct world *w = *state;
    struct bed_list l;

    scan(w, "W02-02");
    beds_of(w, "W02", &l);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.bed[1], "2");
    assert_string_equal(l.first_adm[1], "A9");
    assert_string_not_equal(l.finding[1], "");
}

struct unscanned {
    char beds[32][24];
    size_t n;
};

static int unscanned_cb(const struct night_ward_bed *b, void *ctx)
{
    struct unscanned *u = ctx;

    snprintf(u->beds[u->n++], sizeof(u->beds[0]), "%s-%s", b->ward_code, b->bed);
    return u->n >= 3; /* list three, count the rest */
}

static void test_unscanned_beds_of_visited_wards(void **state)
{
    struct world *w = *state;
    struct unscanned u;
    int64_t n = -1;

    memset(&u, 0, sizeof(u));
    assert_int_equal(night_foreach_unscanned_bed(w->fx.s, w->n, unscanned_cb, &u, &n, NULL), 0);
    assert_int_equal(n, 0); /* nothing visited: nothing to warn about */
    scan(w, "W01-1");
    scan(w, "EMPTY_BED");
    scan(w, "W01-3");
    assert_int_equal(night_foreach_unscanned_bed(w->fx.s, w->n, unscanned_cb, &u, &n, NULL), 0);
    assert_int_equal(n, 8); /* W01 beds 2, 4..10; W02 and W09 were never visited */
    assert_int_equal(u.n, 3);
    assert_string_equal(u.beds[0], "W01-2");
    assert_string_equal(u.beds[1], "W01-4");
    assert_string_equal(u.beds[2], "W01-5");
    assert_int_equal(night_foreach_unscanned_bed(w->fx.s, w->n, NULL, NULL, &n, NULL), 0);
    assert_int_equal(n, 8);
}

struct act {
    char visit[40];
    int64_t scans, events, last_seq;
    int n;
};

static int act_cb(const struct visit_activity *a, void *ctx)
{
    struct act *x = ctx;

    snprintf(x->visit, sizeof(x->visit), "%s", a->visit);
    x->scans = a->scans;
    x->events = a->events;
    x->last_seq = a->last_seq;
    x->n++;
    return 0;
}

static void test_visit_activity(void **state)
{
    struct world *w = *state;
    struct act a;

    memset(&a, 0, sizeof(a));
    assert_int_equal(visit_foreach_activity(w->fx.s, act_cb, &a, NULL), 0);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.visit, w->fx.visit);
    assert_int_equal(a.scans, 0);
    assert_int_equal(a.events, 1); /* visit_open */
    scan(w, "W01-1");
    scan(w, "W01-2");
    memset(&a, 0, sizeof(a));
    assert_int_equal(visit_foreach_activity(w->fx.s, act_cb, &a, NULL), 0);
    assert_int_equal(a.scans, 2);
    assert_int_equal(a.events, 3);
    assert_true(a.last_seq >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bed_order),
        NIGHT_TEST(test_wards_before_any_scan),
        NIGHT_TEST(test_zero_padded_and_extra_beds),
        NIGHT_TEST(test_walk_progress_and_anomalies),
        NIGHT_TEST(test_scanned_label_merges_with_roster_bed),
        NIGHT_TEST(test_unscanned_beds_of_visited_wards),
        NIGHT_TEST(test_visit_activity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
