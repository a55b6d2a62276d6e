/* The worksheet's windowed list model against a fake flight model: a sorted
 * array of lines with a state each, paged by key the way the engine pages.
 * Checks positions and rows after every kind of move against the array, that
 * the cache stays a few pages however long the list, and that moves within
 * the cache query nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/susp_window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NLINES 1000

struct fake {
    int nlines;
    char state[NLINES][16];
    unsigned long pages, counts;
};

static struct fake fake;

static void fake_id(int i, char *out, size_t cap)
{
    snprintf(out, cap, "S%05d", i);
}

static int matches(const struct ui_flight_query *q, int i)
{
    return !q->state[0] || !strcmp(q->state, fake.state[i]);
}

static int f_count(void *user, const char *visit, const struct ui_flight_query *q, long *n,
                   struct fc_error *err)
{
    (void)user, (void)visit, (void)err;
    fake.counts++;
    *n = 0;
    for (int i = 0; i < fake.nlines; i++)
        *n += matches(q, i);
    return 0;
}

static void emit_line(int i, void (*emit)(void *, const struct ui_susp_row *), void *ctx)
{
    struct ui_susp_row r;

    memset(&r, 0, sizeof(r));
    fake_id(i, r.susp_id, sizeof(r.susp_id));
    snprintf(r.state, sizeof(r.state), "%s", fake.state[i]);
    emit(ctx, &r);
}

static int f_page(void *user, const char *visit, const struct ui_flight_query *q, const char *key,
                  enum ui_seek seek, size_t limit, void (*emit)(void *, const struct ui_susp_row *),
                  void *ctx, struct fc_error *err)
{
    char id[16];
    size_t got = 0;

    (void)user, (void)visit, (void)err;
    fake.pages++;
    if (seek == UI_SEEK_BEFORE) {
        for (int i = fake.nlines - 1; i >= 0 && got < limit; i--) {
            fake_id(i, id, sizeof(id));
            if ((!key || strcmp(id, key) < 0) && matches(q, i)) {
                emit_line(i, emit, ctx);
                got++;
            }
        }
        return 0;
    }
    for (int i = 0; i < fake.nlines && got < limit; i++) {
        int c;
        fake_id(i, id, sizeof(id));
        c = key ? strcmp(id, key) : 1;
        if ((seek == UI_SEEK_FROM ? c >= 0 : c > 0) && matches(q, i)) {
            emit_line(i, emit, ctx);
            got++;
        }
    }
    return 0;
}

static int f_position(void *user, const char *visit, const struct ui_flight_query *q,
                      const char *susp_id, long *pos, struct fc_error *err)
{
    char id[16];

    (void)user, (void)visit, (void)err;
    *pos = 0;
    for (int i = 0; i < fake.nlines; i++) {
        fake_id(i, id, sizeof(id));
        *pos += strcmp(id, susp_id) < 0 && matches(q, i);
    }
    return 0;
}

static const struct ui_flight_model model = {
    .count = f_count, .page = f_page, .position = f_position};

/* The filtered list as fake indexes, to compare positions with. */
static int nth(const struct ui_flight_query *q, long pos)
{
    for (int i = 0; i < fake.nlines; i++)
        if (matches(q, i) && pos-- == 0)
            return i;
    return -1;
}

static void check_screen(const struct susp_window *w)
{
    char id[16];

    assert_true(w->sel >= w->top && w->sel < w->top + w->page);
    for (long p = w->top; p < w->top + w->page && p < w->total; p++) {
        const struct ui_susp_row *r = susp_window_row(w, p);
        assert_non_null(r);
        fake_id(nth(&w->q, p), id, sizeof(id));
        assert_string_equal(r->susp_id, id);
    }
    assert_true((long)w->n <= 7 * w->page); /* a few pages, never the whole list */
}

static void setup_lines(int n)
{
    memset(&fake, 0, sizeof(fake));
    fake.nlines = n;
    for (int i = 0; i < n; i++)
        snprintf(fake.state[i], sizeof(fake.state[i]), "%s", i % 7 == 3 ? "CONFIRMED" : "PENDING");
}

static void test_navigation(void **state)
{
    struct susp_window w;
    unsigned long before;
    (void)state;

    setup_lines(NLINES);
    susp_window_init(&w, &model, "v", 20);
    assert_int_equal(susp_window_reset(&w, NULL, NULL), 0);
    assert_int_equal(w.total, NLINES);
    assert_int_equal(w.sel, 0);
    check_screen(&w);
    assert_string_equal(susp_window_selected(&w)->susp_id, "S00000");

    /* moving inside the cached rows queries nothing */
    before = fake.pages;
    for (int i = 0; i < 10; i++)
        assert_int_equal(susp_window_move(&w, 1, NULL), 0);
    assert_int_equal(fake.pages, before);
    assert_int_equal(w.sel, 10);

    for (int i = 0; i < 60; i++) {
        assert_int_equal(susp_window_page_step(&w, 1, NULL), 0);
        check_screen(&w);
    }
    assert_int_equal(w.sel, NLINES - 1);
    assert_string_equal(susp_window_selected(&w)->susp_id, "S00999");
    for (int i = 0; i < 7; i++) {
        assert_int_equal(susp_window_page_step(&w, -1, NULL), 0);
        check_screen(&w);
    }
    assert_int_equal(susp_window_edge(&w, 0, NULL), 0);
    check_screen(&w);
    assert_int_equal(w.sel, 0);
    assert_int_equal(susp_window_edge(&w, 1, NULL), 0);
    check_screen(&w);
    assert_int_equal(w.sel, NLINES - 1);
    assert_int_equal(susp_window_move(&w, -5000, NULL), 0);
    assert_int_equal(w.sel, 0);
    check_screen(&w);
    susp_window_release(&w);
}

static void test_filter_and_jump(void **state)
{
    struct susp_window w;
    struct ui_flight_query q;
    struct fc_error err;
    (void)state;

    setup_lines(NLINES);
    susp_window_init(&w, &model, "v", 10);
    memset(&q, 0, sizeof(q));
    snprintf(q.state, sizeof(q.state), "CONFIRMED");
    assert_int_equal(susp_window_reset(&w, &q, NULL), 0);
    assert_int_equal(w.total, 143); /* i % 7 == 3 below 1000 */
    check_screen(&w);
    assert_string_equal(susp_window_selected(&w)->susp_id, "S00003");

    assert_int_equal(susp_window_jump(&w, "S00500", NULL), 0); /* 500 % 7 == 3 */
    check_screen(&w);
    assert_string_equal(susp_window_selected(&w)->susp_id, "S00500");
    assert_int_equal(w.sel, 71);
    fc_error_clear(&err);
    assert_int_equal(susp_window_jump(&w, "S00501", &err), FC_ENOTFOUND);
    assert_string_equal(susp_window_selected(&w)->susp_id, "S00500");

    /* a verdict takes the selected line out of the filter */
    snprintf(fake.state[500], sizeof(fake.state[500]), "REFUTED");
    assert_int_equal(susp_window_refresh(&w, NULL), 0);
    assert_int_equal(w.total, 142);
    check_screen(&w);
    assert_int_equal(w.sel, 71);
    assert_string_equal(susp_window_selected(&w)->susp_id, "S00507");

    /* and back to all lines */
    assert_int_equal(susp_window_reset(&w, NULL, NULL), 0);
    assert_int_equal(w.total, NLINES);
    assert_int_equal(susp_window_jump(&w, "S00501", NULL), 0);
    assert_int_equal(w.sel, 501);
    check_screen(&w);
    susp_window_release(&w);
}

static void test_small_and_empty(void **state)
{
    struct susp_window w;
    struct ui_flight_query q;
    (void)state;

    setup_lines(3);
    susp_window_init(&w, &model, "v", 20);
    assert_int_equal(susp_window_reset(&w, NULL, NULL), 0);
    assert_int_equal(w.total, 3);
    assert_int_equal(susp_window_page_step(&w, 1, NULL), 0);
    assert_int_equal(w.sel, 2);
    check_screen(&w);
    memset(&q, 0, sizeof(q));
    snprintf(q.state, sizeof(q.state), "PARTIAL");
    assert_int_equal(susp_window_reset(&w, &q, NULL), 0);
    assert_int_equal(w.total, 0);
    assert_null(susp_window_selected(&w));
    assert_int_equal(susp_window_move(&w, 1, NULL), 0);
    assert_int_equal(susp_window_page_step(&w, -1, NULL), 0);
    assert_int_equal(susp_window_edge(&w, 1, NULL), 0);
    assert_null(susp_window_selected(&w));
    /* a resize keeps the selection in view */
    assert_int_equal(susp_window_reset(&w, NULL, NULL), 0);
    assert_int_equal(susp_window_edge(&w, 1, NULL), 0);
    assert_int_equal(susp_window_set_page(&w, 1, NULL), 0);
    assert_int_equal(w.top, 2);
    check_screen(&w);
    susp_window_release(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_navigation),
        cmocka_unit_test(test_filter_and_jump),
        cmocka_unit_test(test_small_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
