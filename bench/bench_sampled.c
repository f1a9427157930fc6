/* bench_sampled.c — time sampled betweenness on a large generated graph,
 * built in process (no CSV: the 10M-edge pair of files is ~0.5 GB and
 * parsing it would dominate).
 *
 *   bench_sampled [--accounts N] [--seed S] [--runs R] [--threads T]
 *                 [--epsilon E] [--delta D] [--sample-seed S]
 *
 * Defaults: 2,000,000 accounts (~10M edges after merging), generator seed 1,
 * 3 runs, epsilon 0.01, delta 0.1, sample seed 1. Phases (one line each,
 * key=value, GAPBS style):
 *   generate   lp_generate, one run
 *   build      lp_graph_build (merge, igraph graph, CSR), one run
 *   sampled    lp_betweenness_sampled, R runs, with the sample count and the
 *              vertex-diameter bound it used
 *   memory     peak resident set size
 * No peer: igraph and graph-tool have no (epsilon, delta) sampler. Checked
 * outside the timed part: every run gives the same vector, bit for bit
 * (identical=1), as the kernel promises for a fixed seed. Never part of the
 * tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "lp_centrality.h"
#include "lp_generate.h"

static int fail(const char *what, lp_status st)
{
    fprintf(stderr, "bench_sampled: %s: %s\n", what, lp_error_message());
    return (int)st;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_sampled [--accounts N] [--seed S] [--runs R] [--threads T] "
                    "[--epsilon E] [--delta D] [--sample-seed S]\n");
}

int main(int argc, char **argv)
{
    lp_generate_options gopt = LP_GENERATE_OPTIONS_INIT;
    lp_sampling sopt = LP_SAMPLING_INIT;
    gopt.accounts = 2000000;
    gopt.seed = 1;
    int runs = 3, threads = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v;
        if (i + 1 >= argc || bench_parse_num(argv[i + 1], &v) || v < 0) {
            usage();
            return 2;
        }
        i++;
        if (!strcmp(a, "--accounts"))
            gopt.accounts = (int64_t)v;
        else if (!strcmp(a, "--seed"))
            gopt.seed = (uint64_t)v;
        else if (!strcmp(a, "--runs"))
            runs = (int)v;
        else if (!strcmp(a, "--threads"))
            threads = (int)v;
        else if (!strcmp(a, "--epsilon"))
            sopt.epsilon = v;
        else if (!strcmp(a, "--delta"))
            sopt.delta = v;
        else if (!strcmp(a, "--sample-seed"))
            sopt.seed = (uint64_t)v;
        else {
            usage();
            return 2;
        }
    }
    if (runs < 1) {
        usage();
        return 2;
    }
    bench_info info;
    bench_info_init(&info, "sampled", threads);
    char extra[512];

    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    double t0 = bench_now();
    lp_status st = lp_generate(&nodes, &edges, &gopt);
    double t_gen = bench_now() - t0;
    if (st) return fail("generate", st);
    int64_t rows = edges.m, nrows = nodes.id.count;
    snprintf(extra, sizeof extra, "accounts=%lld seed=%llu node_rows=%lld edge_rows=%lld",
             (long long)gopt.accounts, (unsigned long long)gopt.seed, (long long)nrows,
             (long long)rows);
    bench_line(&info, "generate", 1, 1, t_gen, extra);

    lp_graph g;
    t0 = bench_now();
    st = lp_graph_build(&g, &nodes, &edges);
    double t_build = bench_now() - t0;
    if (st) return fail("build", st);
    info.n = g.n;
    info.m = g.m;
    snprintf(extra, sizeof extra, "merged=%lld self_loops=%lld", (long long)g.merged_duplicates,
             (long long)g.dropped_self_loops);
    bench_line(&info, "build", info.threads, 1, t_build, extra);

    size_t n1 = (size_t)g.n + 1;
    double *t = malloc((size_t)runs * sizeof *t);
    double *bc = calloc(n1, sizeof *bc), *first = calloc(n1, sizeof *first);
    if (!t || !bc || !first) return fail("memory", LP_EINTERNAL);
    lp_sampling_report rep = {0, 0};
    int identical = 1;
    for (int r = 0; r < runs; r++) {
        t0 = bench_now();
        st = lp_betweenness_sampled(bc, &rep, &g.csr, &sopt);
        t[r] = bench_now() - t0;
        if (st) return fail("sampled betweenness", st);
        /* outside the timed part: same seed, same vector */
        if (r == 0)
            memcpy(first, bc, n1 * sizeof *bc);
        else if (memcmp(first, bc, (size_t)g.n * sizeof *bc))
            identical = 0;
    }
    double t_med = bench_median(t, runs), t_max = t[runs - 1];
    int64_t top = 0, nonzero = 0;
    for (int64_t v = 0; v < g.n; v++) {
        if (bc[v] > bc[top]) top = v;
        nonzero += bc[v] > 0;
    }
    snprintf(extra, sizeof extra,
             "epsilon=%g delta=%g sample_seed=%llu samples=%lld vertex_diameter_bound=%lld "
             "max_s=%.3f nonzero=%lld top_vertex=%s top_estimate=%.4g identical=%d",
             sopt.epsilon, sopt.delta, (unsigned long long)sopt.seed, (long long)rep.samples,
             (long long)rep.vertex_diameter, t_max, (long long)nonzero,
             lp_strtab_get(&g.nodes.id, top), bc[top], identical);
    bench_line(&info, "sampled", info.threads, runs, t_med, extra);
    snprintf(extra, sizeof extra, "peak_rss_mb=%.1f", bench_peak_rss_mb());
    bench_line(&info, "memory", info.threads, 0, -1, extra);

    free(t);
    free(bc);
    free(first);
    lp_graph_free(&g);
    return identical ? 0 : 1;
}
