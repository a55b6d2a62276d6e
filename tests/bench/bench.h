/* What every benchmark measures with: wall-clock seconds, CPU seconds (this
 * process, or its waited-for children), a timed part as both, and the load
 * average the figures were taken under. */
#ifndef FC_BENCH_BENCH_H
#define FC_BENCH_BENCH_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time (user + system) of who: RUSAGE_SELF, or RUSAGE_CHILDREN for the
 * children waited for so far. Figures from a busy machine still compare:
 * wall time there includes waiting for a core. */
static inline double bench_cpu_of(int who)
{
    struct rusage ru;

    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Wall and CPU seconds (of who) of one part: bench_start, the work,
 * bench_stop. */
struct bench_time {
    int who;
    double wall, cpu;
};

static inline void bench_start(struct bench_time *t, int who)
{
    t->who = who;
    t->wall = bench_now();
    t->cpu = bench_cpu_of(who);
}

static inline void bench_stop(struct bench_time *t)
{
    t->wall = bench_now() - t->wall;
    t->cpu = bench_cpu_of(t->who) - t->cpu;
}

/* Prints the 1, 5 and 15 minute load averages (zeros where unknown) after
 * label, padded to the figures' column. */
static inline void bench_print_loadavg(const char *label)
{
    double la[3] = {0, 0, 0};
    FILE *f = fopen("/proc/loadavg", "r");

    if (f) {
        if (fscanf(f, "%lf %lf %lf", &la[0], &la[1], &la[2]) != 3)
            la[0] = la[1] = la[2] = 0;
        fclose(f);
    }
    printf("%-44s %.2f %.2f %.2f\n", label, la[0], la[1], la[2]);
}

#endif
