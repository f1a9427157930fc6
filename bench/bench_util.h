/* bench_util.h — helpers shared by the benchmark drivers: a monotonic clock,
 * the median of a set of timings, the machine and thread description printed
 * on every line, peak resident set size (whole process, or per phase by
 * resetting the kernel's high-water mark), number parsing, vector
 * comparisons and raw dumps for the Python peers. Header-only (static
 * inline): the drivers are separate executables. The igraph side (reference
 * graphs and checks) is in bench_peers.h. Never part of the tests. */
#ifndef LP_BENCH_UTIL_H
#define LP_BENCH_UTIL_H

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Resident set size of this process now (key "VmRSS:") or its high-water
 * mark (key "VmHWM:") in MB, from /proc/self/status; -1 if unavailable. */
static inline double bench_status_mb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char buf[256];
    double mb = -1;
    size_t len = strlen(key);
    while (f && fgets(buf, sizeof buf, f))
        if (!strncmp(buf, key, len)) {
            mb = strtod(buf + len, NULL) / 1024.0; /* kB */
            break;
        }
    if (f) fclose(f);
    return mb;
}

/* CPU time of the whole machine (all CPUs: every /proc/stat field but idle
 * and iowait), of this process (getrusage) and the wall clock, in seconds:
 * two snapshots tell how much of the machine other processes used in
 * between (bench_others). */
typedef struct bench_cpu {
    double machine, self, wall;
} bench_cpu;

static inline bench_cpu bench_cpu_now(void)
{
    bench_cpu c = {-1, 0, bench_now()};
    unsigned long long f[8] = {0};
    FILE *st = fopen("/proc/stat", "r");
    if (st && fscanf(st, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1], &f[2], &f[3],
                     &f[4], &f[5], &f[6], &f[7]) == 8)
        c.machine =
            (double)(f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / (double)sysconf(_SC_CLK_TCK);
    if (st) fclose(st);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    c.self = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
             (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    return c;
}

/* Share of the machine's CPU capacity (nproc CPUs) that other processes used
 * between snapshots a and b, 0..1; -1 if unknown, or if less than half a
 * second passed (the kernel counts in clock ticks of 10 ms). A figure
 * measured while this is well above 0 shared its cores with someone else. */
static inline double bench_others(const bench_cpu *a, const bench_cpu *b, long nproc)
{
    double wall = b->wall - a->wall;
    if (a->machine < 0 || b->machine < 0 || wall < 0.5 || nproc < 1) return -1;
    double x = ((b->machine - a->machine) - (b->self - a->self)) / (wall * (double)nproc);
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* MemAvailable of /proc/meminfo in MB; -1 if unavailable. */
static inline double bench_mem_available_mb(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char buf[256];
    double mb = -1;
    while (f && fgets(buf, sizeof buf, f))
        if (!strncmp(buf, "MemAvailable:", 13)) {
            mb = strtod(buf + 13, NULL) / 1024.0; /* kB */
            break;
        }
    if (f) fclose(f);
    return mb;
}

/* Reset the high-water mark to the current resident set size (Linux:
 * writing 5 to /proc/self/clear_refs), so that bench_status_mb("VmHWM:")
 * after a phase is the peak during that phase. 0 on success. */
static inline int bench_hwm_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return -1;
    int bad = fputs("5", f) < 0;
    return fclose(f) || bad ? -1 : 0;
}

/* strtod of the whole string (integers exact up to 2^53); -1 if it is not
 * a number. */
static inline int bench_parse_num(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return errno || end == s || *end ? -1 : 0;
}

/* Largest |a - b| / max(|b|, 1) over n entries (NaN in either: +inf). */
static inline double bench_max_rel_diff(const double *a, const double *b, int64_t n)
{
    double worst = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]) / fmax(fabs(b[i]), 1.0);
        if (!(d <= worst)) worst = d == d ? d : INFINITY;
    }
    return worst;
}

/* Sum of |a - b| over n entries. */
static inline double bench_l1_diff(const double *a, const double *b, int64_t n)
{
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++)
        sum += fabs(a[i] - b[i]);
    return sum;
}

/* Write `bytes` bytes of x to DIR/NAME (raw, native byte order), for the
 * Python peers to read with numpy.fromfile. 0 on success; a message on
 * stderr otherwise. */
static inline int bench_dump(const char *dir, const char *name, const void *x, size_t bytes)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int bad = !f || (bytes && fwrite(x, 1, bytes, f) != bytes);
    if (f && fclose(f)) bad = 1;
    if (bad) fprintf(stderr, "bench: cannot write %s\n", path);
    return bad;
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
