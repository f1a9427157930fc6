/* bench_util.h — helpers shared by the benchmark drivers: a monotonic clock,
 * the median of a set of timings, the machine and thread description printed
 * on every line, and the peak resident set size. Header-only (static inline):
 * the drivers are separate executables. Never part of the tests. */
#ifndef LP_BENCH_UTIL_H
#define LP_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "lp_csv.h"

/* Seconds on a monotonic clock. */
static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of t[0..k), k >= 1; sorts t in place. */
static inline double bench_median(double *t, int k)
{
    qsort(t, (size_t)k, sizeof *t, bench_cmp_double);
    return k % 2 ? t[k / 2] : 0.5 * (t[k / 2 - 1] + t[k / 2]);
}

/* Peak resident set size of this process so far, in MB. */
static inline double bench_peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

/* What every output line starts with: the driver, the machine, the threads
 * and the graph. */
typedef struct bench_info {
    const char *bench; /* "keyperson", "centrality", ... */
    char machine[128]; /* uname -m */
    long nproc;        /* online CPUs */
    int threads;       /* OpenMP threads the kernels use */
    int64_t n, m;      /* graph, once known */
} bench_info;

/* Fill *b for driver `bench`; threads > 0 sets the OpenMP thread count,
 * 0 keeps the default (OMP_NUM_THREADS or the CPU count). */
static inline void bench_info_init(bench_info *b, const char *bench, int threads)
{
    struct utsname u;
    b->bench = bench;
    snprintf(b->machine, sizeof b->machine, "%s", uname(&u) == 0 ? u.machine : "unknown");
    b->nproc = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef _OPENMP
    if (threads > 0) omp_set_num_threads(threads);
    b->threads = omp_get_max_threads();
#else
    (void)threads;
    b->threads = 1;
#endif
    b->n = b->m = 0;
}

/* Run the OpenMP kernels that follow with t threads (no-op without OpenMP). */
static inline void bench_set_threads(int t)
{
#ifdef _OPENMP
    omp_set_num_threads(t);
#else
    (void)t;
#endif
}

/* One measurement, GAPBS style: key=value pairs on one line. `threads` is
 * the thread count of this measurement; med < 0 prints median_s=NA. */
static inline void bench_line(const bench_info *b, const char *phase, int threads, int runs,
                              double med, const char *extra)
{
    printf("bench=%s phase=%s machine=%s nproc=%ld threads=%d n=%lld m=%lld runs=%d ", b->bench,
           phase, b->machine, b->nproc, threads, (long long)b->n, (long long)b->m, runs);
    if (med >= 0)
        printf("median_s=%.6f", med);
    else
        printf("median_s=NA");
    printf("%s%s\n", extra && *extra ? " " : "", extra ? extra : "");
    fflush(stdout);
}

/* Load nodes.csv + edges.csv (lp_graph_load_csv, timed once), set b->n and
 * b->m, print the "load" line and set the default roles. On failure prints
 * the error and returns its status; *g is then not to be freed. */
static inline lp_status bench_load(lp_graph *g, bench_info *b, const char *nodes_path,
                                   const char *edges_path)
{
    lp_load_report rep;
    lp_load_options lopt = LP_LOAD_OPTIONS_INIT;
    double t0 = bench_now();
    lp_status st = lp_graph_load_csv(g, &rep, nodes_path, edges_path, &lopt);
    double t_load = bench_now() - t0;
    if (st) {
        fprintf(stderr, "bench_%s: load: %s\n", b->bench, lp_error_message());
        return st;
    }
    b->n = g->n;
    b->m = g->m;
    char extra[256];
    snprintf(extra, sizeof extra, "node_rows=%lld edge_rows=%lld merged=%lld self_loops=%lld",
             (long long)rep.node_rows, (long long)rep.edge_rows, (long long)g->merged_duplicates,
             (long long)g->dropped_self_loops);
    bench_line(b, "load", b->threads, 1, t_load, extra);
    lp_roles roles = LP_ROLES_INIT;
    if ((st = lp_graph_set_roles(g, &roles))) {
        fprintf(stderr, "bench_%s: roles: %s\n", b->bench, lp_error_message());
        lp_graph_free(g);
    }
    return st;
}

#endif
