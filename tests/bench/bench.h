/* What every benchmark measures with: wall-clock seconds, CPU seconds (this
 * process, or its waited-for children), a timed part as both, the load
 * average the figures were taken under, sorting samples for percentiles,
 * and this machine's fsync floor to compare durable commits with. */
#ifndef FC_BENCH_BENCH_H
#define FC_BENCH_BENCH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

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

/* A qsort comparator of doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The fsync floor: the seconds each of n writes of 256 bytes to a file in
 * dir, each followed by fsync, took, into v; exits when one fails. */
static inline void bench_fsync_floor(const char *dir, double *v, int n)
{
    char path[512], data[256];

    memset(data, 'x', sizeof(data));
    snprintf(path, sizeof(path), "%s/fsync.bin", dir);
    for (int i = 0; i < n; i++) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        double t0 = bench_now();

        if (fd < 0 || write(fd, data, sizeof(data)) != (ssize_t)sizeof(data) || fsync(fd) != 0) {
            fprintf(stderr, "fsync floor: cannot write '%s'\n", path);
            exit(1);
        }
        v[i] = bench_now() - t0;
        close(fd);
    }
    unlink(path);
}

#endif
