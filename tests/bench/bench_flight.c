/* Flight worksheet at scale: a reference database with N suspicion lines
 * (default 100000) at one site, a few thousand verdicts and assignments, then
 * timings of the susp list filters, totals and both report formats. Prints
 * its figures; docs/performance-flight.md records them. */
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/flight.h"
#include "core/refdb.h"
#include "core/store.h"
#include "core/visit.h"

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
    double t0 = now_s();

    die_if(flight_susp_foreach(s, visit, &f, count_cb, &n, &err) != 0, label, &err);
    printf("%-36s %8ld lines %8.3f s\n", label, n, now_s() - t0);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000, verdicts = n / 20;
    char dir[] = "/tmp/fc-bench-flight-XXXXXX";
    struct buf p = BUF_INIT;
    struct store *s = NULL;
    struct visit_open_args a;
    struct visit v;
    struct fc_error err;
    struct flight_totals t;
    sqlite3_stmt *st = NULL;
    double t0;
    FILE *out;

    setenv("FIELDCHECK_NOW", "2026-03-01T09:00:00+08:00", 1);
    die_if(!mkdtemp(dir), "mkdtemp", NULL);
    buf_addf(&p, "%s/ref.db", dir);
    t0 = now_s();
    build_ref(p.ptr, n);
    printf("reference database, %ld lines: %.3f s\n", n, now_s() - t0);
    buf_reset(&p);
    buf_addf(&p, "%s/fc.db", dir);
    die_if(store_open(&s, p.ptr, &err) != 0, "store", &err);
    buf_reset(&p);
    buf_addf(&p, "%s/ref.db", dir);
    store_prepare(s,
                  "INSERT INTO mission (mission_id, version, kind, title, file, sha256,"
                  " loaded_at) VALUES ('M1', 1, 'flight', 't', ?1, 'x', 'x')",
                  &st, NULL);
    store_bind_text(st, 1, p.ptr);
    sqlite3_step(st);
    sqlite3_finalize(st);
    memset(&a, 0, sizeof(a));
    a.mission_id = "M1";
    a.mission_version = 1;
    a.site_code = "H11010500001";
    a.kind = "flight";
    a.inspectors[0] = "刘";
    a.inspectors[1] = "陈";
    a.at_ms = clock_now_ms();
    die_if(visit_open(s, &a, &v, &err) != 0, "visit", &err);

    t0 = now_s();
    for (long i = 0; i < verdicts; i++) {
        struct flight_verify_args va;
        char id[32];

        memset(&va, 0, sizeof(va));
        snprintf(id, sizeof(id), "S%07ld", i * 20);
        va.susp_id = id;
        va.verdict = i % 3 == 0 ? "CONFIRMED" : i % 3 == 1 ? "PARTIAL" : "REFUTED";
        va.amount = i % 3 == 1 ? "50.5" : NULL;
        va.at_ms = a.at_ms;
        die_if(flight_susp_verify(s, v.id, &va, NULL, &err) != 0, "verify", &err);
        if (i % 2 == 0)
            die_if(flight_susp_assign(s, v.id, id, "陈", a.at_ms, NULL, &err) != 0, "assign", &err);
    }
    printf("%ld verdicts + %ld assignments (one commit each): %.3f s (%.2f ms each)\n", verdicts,
           (verdicts + 1) / 2, now_s() - t0,
           (now_s() - t0) * 1000 / (double)(verdicts + (verdicts + 1) / 2));

    time_list(s, v.id, "susp list (all)", NULL, NULL, NULL);
    time_list(s, v.id, "susp list --rule R01", "R01", NULL, NULL);
    time_list(s, v.id, "susp list --state CONFIRMED", NULL, "CONFIRMED", NULL);
    time_list(s, v.id, "susp list --state PENDING", NULL, "PENDING", NULL);
    time_list(s, v.id, "susp list --inspector 陈", NULL, NULL, "陈");
    time_list(s, v.id, "susp list --rule R01 --state REFUTED", "R01", "REFUTED", NULL);

    t0 = now_s();
    die_if(flight_totals(s, v.id, &t, &err) != 0, "totals", &err);
    printf("%-36s %8lld lines %8.3f s\n", "susp totals", (long long)t.lines.count, now_s() - t0);
    flight_totals_release(&t);

    out = fopen("/dev/null", "w");
    t0 = now_s();
    die_if(flight_report(s, v.id, "csv", out, &err) != 0, "csv", &err);
    printf("%-36s %8ld lines %8.3f s\n", "report csv", n, now_s() - t0);
    t0 = now_s();
    die_if(flight_report(s, v.id, "md", out, &err) != 0, "md", &err);
    printf("%-36s %8ld lines %8.3f s\n", "report md", n, now_s() - t0);
    fclose(out);

    visit_release(&v);
    store_close(s);
    buf_release(&p);
    snprintf(dir + strlen(dir), 1, "%s", "");
    {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_flight: cannot remove %s\n", dir);
    }
    return 0;
}
