/* Flight worksheet at scale: a reference database with N suspicion lines
 * (default 100000) at one site, a few thousand verdicts and assignments, then
 * timings of the susp list filters, totals and both report formats. Prints
 * its figures; docs/performance-flight.md records them. */
#include "core/base/fs.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/flight/flight.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_NAME "bench_flight"
#include "flight_bench.h"

static int count_cb(const struct flight_line *l, void *ctx)
{
    (void)l;
    (*(long *)ctx)++;
    return 0;
}

static void time_list(struct store *s, const char *visit, const char *label, const char *rule,
                      const char *state, const char *inspector)
{
    struct flight_filter f = {rule, state, inspector};
    struct fc_error err;
    long n = 0;
    double t0 = bench_now();

    die_if(flight_susp_foreach(s, visit, &f, count_cb, &n, &err) != 0, label, &err);
    printf("%-36s %8ld lines %8.3f s\n", label, n, bench_now() - t0);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000, verdicts = n / 20;
    struct flight_bench b;
    struct fc_error err;
    struct flight_totals t;
    double t0;
    FILE *out;

    bench_flight_setup(&b, "flight", n, verdicts);

    time_list(b.s, b.v.id, "susp list (all)", NULL, NULL, NULL);
    time_list(b.s, b.v.id, "susp list --rule R01", "R01", NULL, NULL);
    time_list(b.s, b.v.id, "susp list --state CONFIRMED", NULL, "CONFIRMED", NULL);
    time_list(b.s, b.v.id, "susp list --state PENDING", NULL, "PENDING", NULL);
    time_list(b.s, b.v.id, "susp list --inspector 陈", NULL, NULL, "陈");
    time_list(b.s, b.v.id, "susp list --rule R01 --state REFUTED", "R01", "REFUTED", NULL);

    t0 = bench_now();
    die_if(flight_totals(b.s, b.v.id, &t, &err) != 0, "totals", &err);
    printf("%-36s %8lld lines %8.3f s\n", "susp totals", (long long)t.lines.count,
           bench_now() - t0);
    flight_totals_release(&t);

    out = fopen("/dev/null", "w");
    t0 = bench_now();
    die_if(flight_report(b.s, b.v.id, "csv", out, &err) != 0, "csv", &err);
    printf("%-36s %8ld lines %8.3f s\n", "report csv", n, bench_now() - t0);
    t0 = bench_now();
    die_if(flight_report(b.s, b.v.id, "md", out, &err) != 0, "md", &err);
    printf("%-36s %8ld lines %8.3f s\n", "report md", n, bench_now() - t0);
    fclose(out);

    bench_flight_teardown(&b);
    return 0;
}
