/* bench_kernels.c — the serial-looking kernels of `analyze`, one at a time,
 * on a graph store, so that a change to one can be timed without the rest.
 *
 *   bench_kernels STORE.h5 [--runs R] [--threads T]
 *
 * Loads the store once (default roles), then per kernel R runs: brokerage
 * (lp_brokerage) and key persons (lp_keyperson_run). One key=value line per
 * kernel (bench_util.h): median and fastest wall time, own CPU time per run,
 * the share of the machine other processes used, and a checksum of the
 * output (sum of brokerage; accounts with a key person) that must not move
 * between commits that only change speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "lp_centrality.h"
#include "lp_graphstore.h"
#include "lp_keyperson.h"

#define MAX_RUNS 64

typedef lp_status (*kernel_fn)(const lp_graph *g, double *check);

static lp_status run_brokerage(const lp_graph *g, double *check)
{
    double *out = malloc(((size_t)g->n + 1) * sizeof *out);
    if (!out) return lp_error_nomem("bench");
    lp_status st = lp_brokerage(out, g);
    double s = 0.0;
    for (int64_t v = 0; v < g->n; v++)
        s += out[v];
    *check = s;
    free(out);
    return st;
}

static lp_status run_keyperson(const lp_graph *g, double *check)
{
    lp_keyperson kp;
    lp_status st = lp_keyperson_run(&kp, g);
    if (st) return st;
    *check = (double)kp.accounts_with_key_person;
    lp_keyperson_free(&kp);
    return LP_OK;
}

static void time_kernel(bench_info *info, const char *name, kernel_fn fn, const lp_graph *g,
                        int runs)
{
    double wall[MAX_RUNS], check = 0.0, cpu = 0.0, others = 0.0;
    for (int r = 0; r < runs; r++) {
        bench_cpu a = bench_cpu_now();
        if (fn(g, &check)) {
            fprintf(stderr, "bench_kernels: %s: %s\n", name, lp_error_message());
            exit(1);
        }
        bench_cpu b = bench_cpu_now();
        wall[r] = b.wall - a.wall;
        cpu += b.self - a.self;
        double o = bench_others(&a, &b, info->nproc);
        if (o > others) others = o;
    }
    char extra[256];
    double med = bench_median(wall, runs);
    snprintf(extra, sizeof extra, "min_s=%.4f cpu_s_per_run=%.4f others_max=%.2f check=%.17g",
             wall[0], cpu / runs, others, check);
    bench_line(info, name, info->threads, runs, med, extra);
}

int main(int argc, char **argv)
{
    int runs = 5, threads = 0;
    const char *store = NULL;
    for (int i = 1; i < argc; i++) {
        double v;
        if ((!strcmp(argv[i], "--runs") || !strcmp(argv[i], "--threads")) && i + 1 < argc &&
            !bench_parse_num(argv[i + 1], &v) && v >= 1 && v <= MAX_RUNS) {
            *(argv[i][2] == 'r' ? &runs : &threads) = (int)v;
            i++;
        } else if (!store && argv[i][0] != '-')
            store = argv[i];
        else {
            fprintf(stderr, "usage: bench_kernels STORE.h5 [--runs R] [--threads T]\n");
            return 2;
        }
    }
    if (!store) {
        fprintf(stderr, "usage: bench_kernels STORE.h5 [--runs R] [--threads T]\n");
        return 2;
    }
    bench_info info;
    bench_info_init(&info, "kernels", threads);
    lp_graph g;
    lp_roles roles = LP_ROLES_INIT;
    if (lp_graphstore_read(&g, NULL, store) || lp_graph_set_roles(&g, &roles)) {
        fprintf(stderr, "bench_kernels: %s\n", lp_error_message());
        return 1;
    }
    info.n = g.n;
    info.m = g.m;
    time_kernel(&info, "brokerage", run_brokerage, &g, runs);
    time_kernel(&info, "keyperson", run_keyperson, &g, runs);
    lp_graph_free(&g);
    return 0;
}
