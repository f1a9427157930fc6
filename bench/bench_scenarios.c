/* bench_scenarios.c — time single-person departure scenarios ("what if X
 * leaves") on a loaded graph, beside a whole-graph igraph method.
 *
 *   bench_scenarios NODES.csv EDGES.csv [--scenarios K] [--runs R]
 *                   [--threads T] [--peer-sample P]
 *
 * Defaults: K = 1000, R = 3, P = 20. The K scenarios are the K persons whose
 * departure touches the most accounts (the persons on the most accounts'
 * disjoint paths to R, ties by row): the expensive end. Phases (key=value):
 *   load          lp_graph_load_csv, one run
 *   keyperson     lp_keyperson_run, one run (the account list)
 *   paths         lp_bus_factor_paths (cap 3) for every account, one run:
 *                 the bus factor plus the persons on each account's paths,
 *                 which the scenarios need
 *   scenarios     lp_scenarios_run on the K scenarios, T threads, median of R
 *   scenarios_1t  the same, 1 thread, one run; identical=1 when it equals T
 *   total         keyperson + paths + scenarios (everything `whatif` does
 *                 after loading, writing aside)
 *   igraph_components  the peer: for P of the scenarios, igraph_delete_vertices
 *                 of the leaver on a copy of G + R (built untimed from the
 *                 CSR) and igraph_connected_components, the lost accounts
 *                 being those outside R's component that were inside before;
 *                 mean per scenario, extrapolated to K. It finds the lost
 *                 accounts only (not the accounts newly at bus factor 1).
 *   check         outside the timed parts: the peer's lost counts equal ours
 *                 for those P scenarios, and every scenario's lost count
 *                 equals accounts_at_risk of its person; agree=1/0.
 *   memory        peak resident set size
 * Never part of the tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_peers.h"
#include "bench_util.h"
#include "lp_busfactor.h"
#include "lp_keyperson.h"
#include "lp_scenario.h"

static int fail(const char *what)
{
    fprintf(stderr, "bench_scenarios: %s: %s\n", what, lp_error_message());
    return 1;
}

int main(int argc, char **argv)
{
    const char *nodes = NULL, *edges = NULL;
    long k_scen = 1000, runs = 3, threads = 2, peer = 20;
    for (int i = 1; i < argc; i++) {
        long *dst = !strcmp(argv[i], "--scenarios")     ? &k_scen
                    : !strcmp(argv[i], "--runs")        ? &runs
                    : !strcmp(argv[i], "--threads")     ? &threads
                    : !strcmp(argv[i], "--peer-sample") ? &peer
                                                        : NULL;
        if (dst && i + 1 < argc) {
            *dst = strtol(argv[++i], NULL, 10);
        } else if (!dst && !nodes) {
            nodes = argv[i];
        } else if (!dst && !edges) {
            edges = argv[i];
        } else {
            fprintf(stderr, "usage: bench_scenarios NODES EDGES [--scenarios K] [--runs R] "
                            "[--threads T] [--peer-sample P]\n");
            return 2;
        }
    }
    if (!nodes || !edges || k_scen < 1 || runs < 1 || threads < 1 || peer < 0) {
        fprintf(stderr, "bench_scenarios: need NODES EDGES and positive counts\n");
        return 2;
    }
    bench_info b;
    bench_info_init(&b, "scenarios", (int)threads);
    lp_graph g;
    if (bench_load(&g, &b, nodes, edges)) return 1;

    lp_keyperson kp;
    double t0 = bench_now();
    if (lp_keyperson_run(&kp, &g)) return fail("keyperson");
    double t_kp = bench_now() - t0;
    bench_line(&b, "keyperson", b.threads, 1, t_kp, "");

    int32_t *bf = malloc(((size_t)kp.n_accounts + 1) * sizeof *bf);
    int64_t *poff = NULL;
    lp_vid *pers = NULL;
    t0 = bench_now();
    if (!bf || lp_bus_factor_paths(bf, &poff, &pers, &g, kp.account_node, kp.n_accounts, 3))
        return fail("bus factor paths");
    double t_paths = bench_now() - t0;
    char extra[256];
    snprintf(extra, sizeof extra, "accounts=%lld path_persons=%lld", (long long)kp.n_accounts,
             (long long)poff[kp.n_accounts]);
    bench_line(&b, "paths", b.threads, 1, t_paths, extra);

    /* the K busiest persons */
    lp_scenarios sc = LP_SCENARIOS_INIT;
    if (bench_busiest_persons(&sc, &g, poff, pers, kp.n_accounts, k_scen)) return fail("scenarios");

    double *t = malloc((size_t)runs * sizeof *t);
    lp_scenario_result r, r1;
    memset(&r, 0, sizeof r);
    for (long run = 0; run < runs; run++) {
        lp_scenario_result_free(&r);
        t0 = bench_now();
        if (lp_scenarios_run(&r, &g, &kp, bf, poff, pers, &sc)) return fail("scenarios");
        t[run] = bench_now() - t0;
    }
    double med = bench_median(t, (int)runs);
    int64_t lost = 0, newly = 0;
    for (int64_t j = 0; j < sc.count; j++) {
        lost += r.lost_accounts[j];
        newly += r.newly_bus_factor_1[j];
    }
    snprintf(extra, sizeof extra, "scenarios=%lld lost_total=%lld newly_bf1_total=%lld",
             (long long)sc.count, (long long)lost, (long long)newly);
    bench_line(&b, "scenarios", b.threads, (int)runs, med, extra);
    bench_set_threads(1);
    t0 = bench_now();
    if (lp_scenarios_run(&r1, &g, &kp, bf, poff, pers, &sc)) return fail("scenarios");
    double t1 = bench_now() - t0;
    int64_t m = sc.count;
    int same = !memcmp(r.lost_accounts, r1.lost_accounts, (size_t)m * 8) &&
               !memcmp(r.newly_bus_factor_1, r1.newly_bus_factor_1, (size_t)m * 8) &&
               !memcmp(r.lost, r1.lost, (size_t)r.lost_offsets[m] * 8) &&
               !memcmp(r.newly, r1.newly, (size_t)r.newly_offsets[m] * 8);
    snprintf(extra, sizeof extra, "identical=%d", same);
    bench_line(&b, "scenarios_1t", 1, 1, t1, extra);
    bench_set_threads((int)threads);
    snprintf(extra, sizeof extra, "scenarios=%lld", (long long)m);
    bench_line(&b, "total", b.threads, 1, t_kp + t_paths + med, extra);
    snprintf(extra, sizeof extra, "peak_rss_mb=%.1f", bench_peak_rss_mb());
    bench_line(&b, "memory", b.threads, 1, -1, extra);

    /* peer and check */
    int agree = same;
    for (int64_t j = 0; j < m; j++)
        if (r.lost_accounts[j] != kp.accounts_at_risk[sc.leave[sc.leave_offsets[j]]]) {
            fprintf(stderr, "check: scenario %lld loses %lld, accounts_at_risk %lld\n",
                    (long long)j, (long long)r.lost_accounts[j],
                    (long long)kp.accounts_at_risk[sc.leave[sc.leave_offsets[j]]]);
            agree = 0;
        }
    if (peer > 0) {
        igraph_t gr;
        if (bench_g_plus_r(&gr, &g)) return fail("igraph G + R");
        int64_t conn0 = kp.n_accounts - kp.orphan_accounts, done = 0;
        double tp = 0;
        for (int64_t j = 0; j < m && done<peer; j += m / peer> 0 ? m / peer : 1, done++) {
            lp_vid x = sc.leave[sc.leave_offsets[j]];
            t0 = bench_now();
            int64_t c = bench_peer_connected(&gr, &kp, x, g.n);
            tp += bench_now() - t0;
            int64_t x_conn = (g.role[x] & LP_ROLE_ACCOUNT) != 0; /* an account that leaves */
            if (c < 0 || conn0 - x_conn - c != r.lost_accounts[j]) {
                fprintf(stderr, "check: scenario %lld: igraph loses %lld, we %lld\n", (long long)j,
                        (long long)(conn0 - x_conn - c), (long long)r.lost_accounts[j]);
                agree = 0;
            }
        }
        igraph_destroy(&gr);
        snprintf(extra, sizeof extra,
                 "sample=%lld per_scenario_s=%.6f extrapolated_s=%.3f "
                 "ratio=%.1f",
                 (long long)done, tp / (double)done, tp / (double)done * (double)m,
                 tp / (double)done * (double)m / med);
        bench_line(&b, "igraph_components", 1, (int)done, -1, extra);
    }
    snprintf(extra, sizeof extra, "agree=%d %s", agree, agree ? "PASS" : "FAIL");
    bench_line(&b, "check", b.threads, 1, -1, extra);

    lp_scenario_result_free(&r);
    lp_scenario_result_free(&r1);
    lp_scenarios_free(&sc);
    free(t);
    free(bf);
    free(poff);
    free(pers);
    lp_keyperson_free(&kp);
    lp_graph_free(&g);
    return agree ? 0 : 1;
}
