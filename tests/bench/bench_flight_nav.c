/* Worksheet navigation at scale: the flight screen's list model
 * (ui/susp_window.c, curses-free) over the engine's keyset pager with N
 * suspicion lines (default 100000) and a few thousand verdicts. Times the
 * model work of each keystroke - Down, PgDn, PgUp, End, Home, filter
 * changes, a scan jump - and prints p50/p99 per kind; docs/performance-flight.md
 * records the figures. Bench targets link fc_sync (not fc_ui), so the
 * window model's source is compiled in here. */
#include "core/base/fs.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/money.h"
#include "core/flight/flight.h"
#include "core/flight/page.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include "../../ui/susp_window.c"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "bench_flight_nav"
#include "flight_bench.h"

/* --- a model over the pager, as app/tui_flight.c builds it ------------- */

static struct flight_pager *pager;

static void filter_of(const struct ui_flight_query *q, struct flight_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->rule = q->rule[0] ? q->rule : NULL;
    f->state = q->state[0] ? q->state : NULL;
    f->inspector = q->inspector[0] ? q->inspector : NULL;
}

static int m_count(void *user, const char *visit, const struct ui_flight_query *q, long *n,
                   struct fc_error *err)
{
    struct flight_filter f;

    (void)user, (void)visit;
    filter_of(q, &f);
    return flight_pager_count(pager, &f, n, err);
}

struct emit_ctx {
    void (*emit)(void *ctx, const struct ui_susp_row *row);
    void *ctx;
};

static int line_cb(const struct flight_line *l, void *vctx)
{
    struct emit_ctx *c = vctx;
    struct ui_susp_row r;
    struct buf m = BUF_INIT;

    memset(&r, 0, sizeof(r));
    snprintf(r.susp_id, sizeof(r.susp_id), "%s", l->susp_id);
    snprintf(r.rule, sizeof(r.rule), "%s", l->rule_code);
    mask_name(&m, l->name);
    snprintf(r.patient, sizeof(r.patient), "%s", m.ptr);
    buf_reset(&m);
    money_format(&m, l->amount_fen);
    snprintf(r.amount, sizeof(r.amount), "%s", m.ptr);
    snprintf(r.state, sizeof(r.state), "%s", flight_state_name(l->state));
    buf_release(&m);
    c->emit(c->ctx, &r);
    return 0;
}

static int m_page(void *user, const char *visit, const struct ui_flight_query *q, const char *key,
                  enum ui_seek seek, size_t limit, void (*emit)(void *, const struct ui_susp_row *),
                  void *ctx, struct fc_error *err)
{
    struct flight_filter f;
    struct emit_ctx c = {emit, ctx};

    (void)user, (void)visit;
    filter_of(q, &f);
    return flight_pager_page(pager, &f, key, (enum flight_seek)seek, limit, line_cb, &c, err);
}

static int m_position(void *user, const char *visit, const struct ui_flight_query *q,
                      const char *susp_id, long *pos, struct fc_error *err)
{
    struct flight_filter f;

    (void)user, (void)visit;
    filter_of(q, &f);
    return flight_pager_position(pager, &f, susp_id, pos, err);
}

static const struct ui_flight_model model = {
    .count = m_count, .page = m_page, .position = m_position};

/* --- timing --------------------------------------------------------------- */

#define MAX_SAMPLES 4000

struct samples {
    double ms[MAX_SAMPLES];
    int n;
};

static void report(const char *what, struct samples *s)
{
    qsort(s->ms, (size_t)s->n, sizeof(double), bench_cmp_double);
    printf("%-34s %5d keys  p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what, s->n,
           s->ms[s->n / 2], s->ms[(s->n * 99) / 100 < s->n ? (s->n * 99) / 100 : s->n - 1],
           s->ms[s->n - 1]);
}

#define TIME_KEY(samples, call)                                           \
    do {                                                                  \
        double t0_ = bench_now();                                         \
        die_if((call) != 0, #call, &err);                                 \
        if ((samples)->n < MAX_SAMPLES)                                   \
            (samples)->ms[(samples)->n++] = (bench_now() - t0_) * 1000.0; \
    } while (0)

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000, verdicts = n / 20;
    struct flight_bench b;
    struct fc_error err;
    double t0;
    struct susp_window w;
    static struct samples down, pgdn, pgup, edge, filt, jump;
    static const char *const states[] = {"PENDING", "CONFIRMED", "PARTIAL", "REFUTED", ""};
    struct ui_flight_query q;

    bench_flight_setup(&b, "nav", n, verdicts);

    die_if(flight_pager_open(b.s, b.v.id, &pager, &err) != 0, "pager", &err);
    susp_window_init(&w, &model, b.v.id, 25);
    t0 = bench_now();
    die_if(susp_window_reset(&w, NULL, &err) != 0, "reset", &err);
    printf("open the worksheet (count + first page): %.3f ms, %ld lines\n",
           (bench_now() - t0) * 1000.0, w.total);

    for (int i = 0; i < 2000; i++)
        TIME_KEY(&down, susp_window_move(&w, 1, &err));
    for (int i = 0; i < 1000; i++)
        TIME_KEY(&pgdn, susp_window_page_step(&w, 1, &err));
    for (int i = 0; i < 1000; i++)
        TIME_KEY(&pgup, susp_window_page_step(&w, -1, &err));
    for (int i = 0; i < 200; i++)
        TIME_KEY(&edge, susp_window_edge(&w, i % 2 == 0, &err));
    for (int i = 0; i < 50; i++) {
        memset(&q, 0, sizeof(q));
        snprintf(q.state, sizeof(q.state), "%s", states[i % 5]);
        if (i % 3 == 1)
            snprintf(q.rule, sizeof(q.rule), "R01");
        TIME_KEY(&filt, susp_window_reset(&w, &q, &err));
        /* a PgDn under the filter: sparse states scan further per page */
        TIME_KEY(&pgdn, susp_window_page_step(&w, 1, &err));
    }
    die_if(susp_window_reset(&w, NULL, &err) != 0, "reset", &err);
    for (int i = 0; i < 200; i++) {
        char id[32];
        snprintf(id, sizeof(id), "S%07ld", (long)((i * 7919L) % n));
        TIME_KEY(&jump, susp_window_jump(&w, id, &err));
    }
    report("Down", &down);
    report("PgDn (all lines and filtered)", &pgdn);
    report("PgUp", &pgup);
    report("End / Home", &edge);
    report("filter change (count + page)", &filt);
    report("scan jump (position + page)", &jump);
    printf("cached rows at the end: %zu (page %ld); model calls: %lu\n", w.n, w.page, w.queries);

    susp_window_release(&w);
    flight_pager_free(pager);
    bench_flight_teardown(&b);
    return 0;
}
