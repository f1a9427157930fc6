/* bench_busfactor.c — time the bus factor and the dominant share of every
 * account on a large generated enterprise, built in process (as
 * bench_sampled: no CSV), beside igraph_st_vertex_connectivity per account.
 *
 *   bench_busfactor [--accounts N] [--seed S] [--runs R] [--threads T]
 *                   [--cap C] [--peer-sample K] [--check-sample K]
 *                   [--sample-seed S]
 *
 * Defaults: 2,450,000 accounts (~10.1M edges after merging), generator seed
 * 1, 3 runs, cap 3, 50 accounts for the peer, 20 for the check, sample seed
 * 1. Phases (one line each, key=value, GAPBS style):
 *   generate      lp_generate, one run
 *   build         lp_graph_build (merge, igraph graph, CSR), one run
 *   keyperson     lp_keyperson_run, one run (gives the account list; not
 *                 part of the figure)
 *   bus_factor    lp_bus_factor (cap C) for every account, T threads, median
 *                 of R, with the histogram of the values 0 .. C
 *   bus_factor_1t the same with 1 thread, one run; identical=1 when it gives
 *                 the same values as T threads
 *   dominant_share lp_dominant_share for every account, T threads, median of R
 *   memory        peak resident set size after our kernels
 *   igraph_st_vertex_connectivity  the peer: on an igraph graph G + R (R
 *                 joined to every anchor, built untimed from the CSR), one call per
 *                 account of a fixed random sample of K connected accounts
 *                 (source the account, target R, IGRAPH_VCONN_NEI_IGNORE);
 *                 mean seconds per call, extrapolated to all accounts. It
 *                 counts EVERY vertex as removable (contacts, teams, the
 *                 company ...), not only persons, so it is not the same
 *                 quantity: only the time per account is compared.
 *   check         outside every timed part: for K sampled connected
 *                 accounts, min(cap, maximum flow) by igraph_maxflow_value
 *                 on a node-split digraph of G + R (every node v split into
 *                 v_in -> v_out, capacity 1 for persons other than the
 *                 account, unlimited otherwise; every edge two unlimited
 *                 arcs out -> in; anchors -> R unlimited; a super source S
 *                 with an arc S -> a_in of capacity cap for the account
 *                 under test, 0 for the others) against our value; agree=1/0.
 *   memory_all    peak resident set size at the end (includes the peer's
 *                 and the check's graphs)
 * Never part of the tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_peers.h"
#include "bench_util.h"
#include "lp_busfactor.h"
#include "lp_generate.h"
#include "lp_keyperson.h"

static int fail(const char *what, lp_status st)
{
    fprintf(stderr, "bench_busfactor: %s: %s\n", what, lp_error_message());
    return (int)st;
}

static int fail_igraph(const char *what, igraph_error_t e)
{
    fprintf(stderr, "bench_busfactor: %s: %s\n", what, igraph_strerror(e));
    return 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_busfactor [--accounts N] [--seed S] [--runs R] [--threads T] "
                    "[--cap C] [--peer-sample K] [--check-sample K] [--sample-seed S]\n");
}

int main(int argc, char **argv)
{
    lp_generate_options gopt = LP_GENERATE_OPTIONS_INIT;
    gopt.accounts = 2450000;
    gopt.seed = 1;
    int runs = 3, threads = 0, cap = LP_BUS_FACTOR_CAP_DEFAULT;
    int64_t peer_k = 50, check_k = 20;
    uint64_t sample_seed = 1;
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
        else if (!strcmp(a, "--cap"))
            cap = (int)v;
        else if (!strcmp(a, "--peer-sample"))
            peer_k = (int64_t)v;
        else if (!strcmp(a, "--check-sample"))
            check_k = (int64_t)v;
        else if (!strcmp(a, "--sample-seed"))
            sample_seed = (uint64_t)v;
        else {
            usage();
            return 2;
        }
    }
    if (runs < 1 || cap < 2) {
        usage();
        return 2;
    }
    bench_info info;
    bench_info_init(&info, "busfactor", threads);
    const int T = info.threads;
    char extra[512];

    /* graph, generated and built in process */
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    double t0 = bench_now();
    lp_status st = lp_generate(&nodes, &edges, &gopt);
    double t_gen = bench_now() - t0;
    if (st) return fail("generate", st);
    snprintf(extra, sizeof extra, "accounts=%lld seed=%llu node_rows=%lld edge_rows=%lld",
             (long long)gopt.accounts, (unsigned long long)gopt.seed, (long long)nodes.id.count,
             (long long)edges.m);
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
    bench_line(&info, "build", T, 1, t_build, extra);
    lp_roles roles = LP_ROLES_INIT;
    if ((st = lp_graph_set_roles(&g, &roles))) return fail("roles", st);

    lp_keyperson kp;
    t0 = bench_now();
    if ((st = lp_keyperson_run(&kp, &g))) return fail("keyperson", st);
    double t_kp = bench_now() - t0;
    int64_t na = kp.n_accounts;
    snprintf(extra, sizeof extra, "accounts=%lld orphan_accounts=%lld with_key_person=%lld",
             (long long)na, (long long)kp.orphan_accounts, (long long)kp.accounts_with_key_person);
    bench_line(&info, "keyperson", T, 1, t_kp, extra);

    /* our kernels */
    double *t = malloc((size_t)runs * sizeof *t);
    int32_t *bf = malloc((size_t)na * sizeof *bf), *bf1 = malloc((size_t)na * sizeof *bf1);
    double *ds = malloc((size_t)na * sizeof *ds);
    int64_t *hist = calloc((size_t)cap + 1, sizeof *hist);
    if (!t || !bf || !bf1 || !ds || !hist) return fail("memory", LP_EINTERNAL);

    for (int r = 0; r < runs; r++) {
        t0 = bench_now();
        st = lp_bus_factor(bf, &g, kp.account_node, na, cap);
        t[r] = bench_now() - t0;
        if (st) return fail("bus factor", st);
    }
    double t_bf = bench_median(t, runs), t_bf_max = t[runs - 1];
    for (int64_t i = 0; i < na; i++)
        hist[bf[i]]++;
    int len = snprintf(extra, sizeof extra, "cap=%d accounts=%lld max_s=%.3f", cap, (long long)na,
                       t_bf_max);
    for (int b = 0; b <= cap && len < (int)sizeof extra; b++)
        len += snprintf(extra + len, sizeof extra - (size_t)len, " hist_%d%s=%lld", b,
                        b == cap ? "plus" : "", (long long)hist[b]);
    bench_line(&info, "bus_factor", T, runs, t_bf, extra);

    bench_set_threads(1);
    t0 = bench_now();
    st = lp_bus_factor(bf1, &g, kp.account_node, na, cap);
    double t_bf1 = bench_now() - t0;
    bench_set_threads(T);
    if (st) return fail("bus factor, 1 thread", st);
    snprintf(extra, sizeof extra, "cap=%d identical=%d", cap,
             !memcmp(bf, bf1, (size_t)na * sizeof *bf));
    bench_line(&info, "bus_factor_1t", 1, 1, t_bf1, extra);

    for (int r = 0; r < runs; r++) {
        t0 = bench_now();
        st = lp_dominant_share(ds, NULL, &g, kp.account_node, na);
        t[r] = bench_now() - t0;
        if (st) return fail("dominant share", st);
    }
    double t_ds = bench_median(t, runs);
    int64_t ds_nan = 0, ds_one = 0;
    for (int64_t i = 0; i < na; i++) {
        ds_nan += ds[i] != ds[i];
        ds_one += ds[i] == 1.0;
    }
    snprintf(extra, sizeof extra, "nan=%lld share_1=%lld", (long long)ds_nan, (long long)ds_one);
    bench_line(&info, "dominant_share", T, runs, t_ds, extra);
    snprintf(extra, sizeof extra, "peak_rss_mb=%.1f", bench_peak_rss_mb());
    bench_line(&info, "memory", T, 0, -1, extra);

    /* peer: igraph_st_vertex_connectivity per account on G + R (untimed build) */
    int64_t kmax = peer_k > check_k ? peer_k : check_k;
    int64_t *idx = malloc((size_t)(kmax > 0 ? kmax : 1) * sizeof *idx);
    if (!idx) return fail("memory", LP_EINTERNAL);
    int64_t got = bench_sample_accounts(idx, kmax, &kp, sample_seed);
    igraph_error_t e;
    if (peer_k > 0) {
        igraph_t gr;
        if ((e = bench_g_plus_r(&gr, &g))) return fail_igraph("G + R", e);
        int64_t k = peer_k < got ? peer_k : got, vsum = 0;
        double tsum = 0;
        for (int64_t j = 0; j < k; j++) {
            igraph_integer_t res = 0;
            t0 = bench_now();
            e = igraph_st_vertex_connectivity(&gr, &res, kp.account_node[idx[j]], g.n,
                                              IGRAPH_VCONN_NEI_IGNORE);
            tsum += bench_now() - t0;
            if (e) return fail_igraph("igraph_st_vertex_connectivity", e);
            vsum += res;
        }
        double per = k > 0 ? tsum / (double)k : -1;
        snprintf(extra, sizeof extra,
                 "sample=%lld sample_seed=%llu per_account_s=%.4f extrapolated_s=%.1f "
                 "ratio_to_ours=%.0f mean_value=%.2f removable=all_vertices",
                 (long long)k, (unsigned long long)sample_seed, per, per * (double)na,
                 per * (double)na / t_bf, k > 0 ? (double)vsum / (double)k : 0.0);
        bench_line(&info, "igraph_st_vertex_connectivity", 1, (int)k, per * (double)na, extra);
        igraph_destroy(&gr);
    }

    /* check, untimed: min(cap, max flow on the node-split digraph) == ours */
    int agree = 1;
    if (check_k > 0) {
        igraph_t sg;
        igraph_vector_t capv;
        int64_t s_arc0, k = check_k < got ? check_k : got, differ = 0;
        double big = (double)(g.n + 1), tsum = 0;
        if ((e = bench_split_digraph(&sg, &capv, &s_arc0, &g, &kp, big)))
            return fail_igraph("split graph", e);
        for (int64_t j = 0; j < k; j++) {
            int64_t i = idx[j];
            int32_t val = 0;
            t0 = bench_now();
            e = bench_split_bus_factor(&val, &sg, &capv, s_arc0, &g, &kp, i, cap, big);
            tsum += bench_now() - t0;
            if (e) return fail_igraph("igraph_maxflow_value", e);
            if (val != bf[i]) {
                differ++;
                fprintf(stderr, "bench_busfactor: account %s: ours %d, max flow %d\n",
                        lp_strtab_get(&g.nodes.id, kp.account_node[i]), bf[i], val);
            }
        }
        agree = differ == 0;
        snprintf(extra, sizeof extra, "sample=%lld differ=%lld agree=%d maxflow_mean_s=%.3f",
                 (long long)k, (long long)differ, agree, k > 0 ? tsum / (double)k : 0.0);
        bench_line(&info, "check", 1, 0, -1, extra);
        igraph_vector_destroy(&capv);
        igraph_destroy(&sg);
    }
    snprintf(extra, sizeof extra, "peak_rss_mb=%.1f", bench_peak_rss_mb());
    bench_line(&info, "memory_all", T, 0, -1, extra);

    free(idx);
    free(t);
    free(bf);
    free(bf1);
    free(ds);
    free(hist);
    lp_keyperson_free(&kp);
    lp_graph_free(&g);
    return agree ? 0 : 1;
}
