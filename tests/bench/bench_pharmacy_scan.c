/* Pharmacy scan-to-verdict latency: 10,000 drugs and 1,000,000 settlement
 * lines with traceability codes in the reference database; each
 * pharmacy_scan classifies, looks the code up, judges and commits durably.
 * Three in four scans are new boxes, one in four a code insurance settled.
 * The fsync floor (256 B write + fsync in the same directory) is measured in
 * the same run, since it bounds what the commit can cost. Prints p50/p99. */
#include "core/base/fs.h"
#include "core/pharmacy/pharmacy.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "pharmacy_bench.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define SCANS_MAX 4000

static void report(const char *what, double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
    printf("%-40s n=%d  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", what, n, v[n / 2] * 1e3,
           v[n * 99 / 100] * 1e3, v[n - 1] * 1e3);
}

int main(int argc, char **argv)
{
    int n_drugs = argc > 1 ? atoi(argv[1]) : 10000, n_lines = argc > 2 ? atoi(argv[2]) : 1000000;
    char dir[] = "/tmp/fc-bench-phscan-XXXXXX", ref[128], db[128], code[32];
    struct store *s = NULL;
    struct pharmacy *p = NULL;
    struct pharmacy_result r;
    struct visit v;
    struct fc_error err = {0};
    static double lat[SCANS_MAX], lat_new[SCANS_MAX], lat_sold[SCANS_MAX];
    int n_scans = argc > 3 ? atoi(argv[3]) : SCANS_MAX;
    int n_new = 0, n_sold = 0, sold = 0;
    double t0, cpu;
    clock_t c0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!mkdtemp(dir) || n_drugs < 1 || n_lines < n_scans || n_scans < 4 || n_scans > SCANS_MAX)
        return 1;
    snprintf(ref, sizeof(ref), "%s/ref.db", dir);
    snprintf(db, sizeof(db), "%s/fc.db", dir);
    t0 = bench_now();
    bench_build_ref(ref, n_drugs, n_lines);
    printf("built reference: %d drugs, %d settlement lines in %.2f s (%s)\n", n_drugs, n_lines,
           bench_now() - t0, dir);
    if (bench_open_visit(db, ref, &s, &v, &err) != 0 || pharmacy_open(s, v.id, &p, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    c0 = clock();
    for (int i = 0; i < n_scans; i++) {
        /* settlement k's code is 8<drug k % n_drugs><k as 13 digits>; new
         * boxes use serials above every settled one */
        long k = (long)(((long long)i * 7919) % n_lines);
        int settled = i % 4 == 3;
        if (settled)
            snprintf(code, sizeof(code), "%07d%013ld", 8000000 + (int)(k % n_drugs), k);
        else
            snprintf(code, sizeof(code), "%07d%013ld", 8000000 + (int)(k % n_drugs),
                     (long)n_lines + i);
        t0 = bench_now();
        /* 2 s apart: no double reads */
        if (pharmacy_scan(p, code, strlen(code), &(struct scan_arrival){"burst", NULL, NULL},
                          BENCH_OPENED_AT + 2000LL * (i + 1), &r, &err)) {
            fprintf(stderr, "scan %s: %s\n", code, err.msg);
            return 1;
        }
        lat[i] = bench_now() - t0;
        if (settled)
            lat_sold[n_sold++] = lat[i];
        else
            lat_new[n_new++] = lat[i];
        sold += !strcmp(r.verdict, "SOLD_CODE_ON_SHELF");
    }
    cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    printf("verdicts: %d SOLD_CODE_ON_SHELF of %d settled scans\n", sold, n_sold);
    printf("CPU per scan (user + system, mean): %.3f ms\n", cpu * 1e3 / n_scans);
    report("scan-to-verdict (durable commit), all", lat, n_scans);
    report("  new boxes (COUNTED)", lat_new, n_new);
    report("  settled codes (SOLD_CODE_ON_SHELF)", lat_sold, n_sold);
    bench_fsync_floor(dir, lat, n_scans / 4);
    report("fsync floor (256 B write+fsync)", lat, n_scans / 4);
    pharmacy_free(p);
    visit_release(&v);
    store_close(s);
    fs_remove_tree(dir);
    return access(dir, F_OK) == 0;
}
