/* bench_centrality.c — time the centrality kernels against igraph's own C
 * functions on the same graph, in the same process.
 *
 *   bench_centrality nodes.csv edges.csv [--runs R] [--threads T]
 *                    [--skip-betweenness] [--skip-igraph-betweenness]
 *                    [--dump DIR]
 *
 * Phases (one line each, key=value, GAPBS style: machine, threads, graph,
 * median seconds over R runs, ratios = peer's median / ours):
 *   load                lp_graph_load_csv, one run
 *   betweenness         lp_betweenness_exact with T threads
 *   betweenness_1t      the same with 1 thread (only when T > 1); its line
 *                       carries the speed-up from 1 to T threads
 *   igraph_betweenness  igraph_betweenness on g.ig (undirected, unweighted),
 *                       igraph is serial
 *   pagerank            lp_pagerank, default options (damping 0.85, L1
 *                       tolerance 1e-12), T threads; pagerank_1t as above
 *   igraph_pagerank     igraph_pagerank, PRPACK, undirected, weighted by
 *                       g.ig_weight, damping 0.85
 *   brokerage           lp_brokerage with the default roles (one BFS, serial)
 *   memory              peak resident set size after our kernels and at the end
 * --skip-betweenness leaves out both exact betweenness phases (large
 * graphs); --skip-igraph-betweenness only igraph's (O(nm), hours at 1M
 * edges).
 *
 * Only the calls are timed. Afterwards, outside the timed part: our exact
 * betweenness against igraph's, agree=1 when every vertex is within 1e-9
 * relative (|a - b| <= 1e-9 max(|b|, 1)); our PageRank against PRPACK,
 * agree=1 when the L1 distance of the two vectors is at most 1e-9 (each
 * solver's own error is ~1e-11); the 1- and T-thread results are compared
 * too. --dump DIR writes DIR/betweenness.f64 and DIR/pagerank.f64 (n native
 * doubles, vertex = row of nodes.csv) for bench/peers_centrality.py to
 * compare the Python peers' results with. Never part of the tests.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "lp_centrality.h"

static bench_info info;

static int fail(const char *what, lp_status st)
{
    fprintf(stderr, "bench_centrality: %s: %s\n", what, lp_error_message());
    return (int)st;
}

static int fail_igraph(const char *what)
{
    fprintf(stderr, "bench_centrality: %s failed\n", what);
    return 1;
}

/* Largest |a - b| / max(|b|, 1) over n entries. */
static double max_rel_diff(const double *a, const double *b, int64_t n)
{
    double worst = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]) / fmax(fabs(b[i]), 1.0);
        if (d > worst) worst = d;
    }
    return worst;
}

static double l1_diff(const double *a, const double *b, int64_t n, double *out_max_abs)
{
    double sum = 0.0, worst = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]);
        sum += d;
        if (d > worst) worst = d;
    }
    *out_max_abs = worst;
    return sum;
}

static int dump(const char *dir, const char *name, const double *x, int64_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(x, sizeof *x, (size_t)n, f) != (size_t)n || fclose(f)) {
        fprintf(stderr, "bench_centrality: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

/* Times lp_betweenness_exact R times with `threads` threads into out;
 * returns the median, or -1 on failure. */
static double time_betweenness(double *out, const lp_csr *csr, int threads, double *t, int runs)
{
    bench_set_threads(threads);
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        lp_status st = lp_betweenness_exact(out, csr);
        t[r] = bench_now() - t0;
        if (st) {
            fail("betweenness", st);
            return -1.0;
        }
    }
    bench_set_threads(info.threads);
    return bench_median(t, runs);
}

static double time_pagerank(double *out, int *iterations, const lp_csr *csr, int threads, double *t,
                            int runs)
{
    lp_pagerank_options opt = LP_PAGERANK_OPTIONS_INIT;
    bench_set_threads(threads);
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        lp_status st = lp_pagerank(out, iterations, csr, &opt);
        t[r] = bench_now() - t0;
        if (st) {
            fail("pagerank", st);
            return -1.0;
        }
    }
    bench_set_threads(info.threads);
    return bench_median(t, runs);
}

int main(int argc, char **argv)
{
    const char *nodes_path = NULL, *edges_path = NULL, *dump_dir = NULL;
    int runs = 5, threads = 0, skip_bc = 0, skip_igraph_bc = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--runs")) {
            runs = atoi(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "--threads")) {
            threads = atoi(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "--dump")) {
            dump_dir = argv[++i];
        } else if (!strcmp(argv[i], "--skip-betweenness")) {
            skip_bc = 1;
        } else if (!strcmp(argv[i], "--skip-igraph-betweenness")) {
            skip_igraph_bc = 1;
        } else if (argv[i][0] != '-' && !nodes_path) {
            nodes_path = argv[i];
        } else if (argv[i][0] != '-' && !edges_path) {
            edges_path = argv[i];
        } else {
            bad = 1;
        }
    }
    if (bad || !nodes_path || !edges_path || runs < 1 || threads < 0) {
        fprintf(stderr, "usage: bench_centrality nodes.csv edges.csv [--runs R] [--threads T] "
                        "[--skip-betweenness] [--skip-igraph-betweenness] [--dump DIR]\n");
        return 2;
    }
    bench_info_init(&info, "centrality", threads);
    const int nt = info.threads;

    lp_graph g;
    lp_status st = bench_load(&g, &info, nodes_path, edges_path);
    if (st) return (int)st;
    char extra[512];
    double t0;

    size_t n1 = (size_t)g.n + 1;
    double *t = malloc((size_t)runs * sizeof *t);
    double *bc = calloc(n1, sizeof *bc), *bc1 = calloc(n1, sizeof *bc1);
    double *pr = calloc(n1, sizeof *pr), *pr1 = calloc(n1, sizeof *pr1);
    double *brk = calloc(n1, sizeof *brk);
    if (!t || !bc || !bc1 || !pr || !pr1 || !brk) return fail("memory", LP_EINTERNAL);
    int rc = 0;

    /* ours: exact betweenness (T threads, then 1), PageRank, brokerage */
    double t_bc = -1, t_bc1 = -1;
    if (!skip_bc) {
        if ((t_bc = time_betweenness(bc, &g.csr, nt, t, runs)) < 0) return 1;
        if (nt > 1 && (t_bc1 = time_betweenness(bc1, &g.csr, 1, t, runs)) < 0) return 1;
    }
    int iters = 0, iters1 = 0;
    double t_pr = time_pagerank(pr, &iters, &g.csr, nt, t, runs), t_pr1 = -1;
    if (t_pr < 0) return 1;
    if (nt > 1 && (t_pr1 = time_pagerank(pr1, &iters1, &g.csr, 1, t, runs)) < 0) return 1;
    for (int r = 0; r < runs; r++) {
        t0 = bench_now();
        st = lp_brokerage(brk, &g);
        t[r] = bench_now() - t0;
        if (st) return fail("brokerage", st);
    }
    double t_brk = bench_median(t, runs);
    double rss_ours = bench_peak_rss_mb(); /* load + our kernels, before igraph allocates */

    /* igraph peers, serial */
    igraph_vector_t ibc, ipr;
    igraph_vector_init(&ibc, 0);
    igraph_vector_init(&ipr, 0);
    double t_ibc = -1;
    if (!skip_bc && !skip_igraph_bc) {
        for (int r = 0; r < runs; r++) {
            t0 = bench_now();
            igraph_error_t ie = igraph_betweenness(&g.ig, &ibc, igraph_vss_all(), 0, NULL);
            t[r] = bench_now() - t0;
            if (ie != IGRAPH_SUCCESS) return fail_igraph("igraph_betweenness");
        }
        t_ibc = bench_median(t, runs);
    }
    for (int r = 0; r < runs; r++) {
        igraph_real_t value;
        t0 = bench_now();
        igraph_error_t ie = igraph_pagerank(&g.ig, IGRAPH_PAGERANK_ALGO_PRPACK, &ipr, &value,
                                            igraph_vss_all(), 0, 0.85, &g.ig_weight, NULL);
        t[r] = bench_now() - t0;
        if (ie != IGRAPH_SUCCESS) return fail_igraph("igraph_pagerank");
    }
    double t_ipr = bench_median(t, runs);

    /* verification, outside the timed part */
    if (!skip_bc) {
        snprintf(extra, sizeof extra, "kernel=lp_betweenness_exact");
        size_t len = strlen(extra);
        if (t_ibc >= 0) {
            double rel = max_rel_diff(bc, VECTOR(ibc), g.n);
            int agree = rel <= 1e-9;
            rc |= !agree;
            len += (size_t)snprintf(extra + len, sizeof extra - len,
                                    " max_rel_diff_igraph=%.3g agree=%d ratio_vs_igraph=%.2f", rel,
                                    agree, t_ibc / t_bc);
        }
        bench_line(&info, "betweenness", nt, runs, t_bc, extra);
        if (t_bc1 >= 0) {
            double rel = max_rel_diff(bc1, bc, g.n);
            snprintf(
                extra, sizeof extra,
                "kernel=lp_betweenness_exact max_rel_diff_threads=%.3g speedup_%d_threads=%.2f",
                rel, nt, t_bc1 / t_bc);
            bench_line(&info, "betweenness_1t", 1, runs, t_bc1, extra);
        }
        if (t_ibc >= 0) bench_line(&info, "igraph_betweenness", 1, runs, t_ibc, "");
    }
    double max_abs, l1 = l1_diff(pr, VECTOR(ipr), g.n, &max_abs), sum = 0.0;
    for (int64_t v = 0; v < g.n; v++)
        sum += pr[v];
    int pr_agree = l1 <= 1e-9;
    rc |= !pr_agree;
    snprintf(extra, sizeof extra,
             "iterations=%d sum=%.15f l1_diff_igraph=%.3g max_abs_diff_igraph=%.3g agree=%d "
             "ratio_vs_igraph=%.2f",
             iters, sum, l1, max_abs, pr_agree, t_ipr / t_pr);
    bench_line(&info, "pagerank", nt, runs, t_pr, extra);
    if (t_pr1 >= 0) {
        double mx, l1t = l1_diff(pr1, pr, g.n, &mx);
        snprintf(extra, sizeof extra, "iterations=%d l1_diff_threads=%.3g speedup_%d_threads=%.2f",
                 iters1, l1t, nt, t_pr1 / t_pr);
        bench_line(&info, "pagerank_1t", 1, runs, t_pr1, extra);
    }
    bench_line(&info, "igraph_pagerank", 1, runs, t_ipr, "algo=prpack weighted=1");
    double brk_max = 0.0;
    for (int64_t v = 0; v < g.n; v++)
        brk_max = fmax(brk_max, brk[v]);
    snprintf(extra, sizeof extra, "accounts=%lld max_brokerage=%.1f", (long long)g.n_account,
             brk_max);
    bench_line(&info, "brokerage", 1, runs, t_brk, extra);
    snprintf(extra, sizeof extra, "peak_rss_mb_ours=%.1f peak_rss_mb=%.1f", rss_ours,
             bench_peak_rss_mb());
    bench_line(&info, "memory", nt, 0, -1, extra);

    if (dump_dir) {
        if (!skip_bc) rc |= dump(dump_dir, "betweenness.f64", bc, g.n);
        rc |= dump(dump_dir, "pagerank.f64", pr, g.n);
    }

    igraph_vector_destroy(&ibc);
    igraph_vector_destroy(&ipr);
    free(t);
    free(bc);
    free(bc1);
    free(pr);
    free(pr1);
    free(brk);
    lp_graph_free(&g);
    return rc;
}
