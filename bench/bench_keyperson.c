/* bench_keyperson.c — time the key-person analysis against igraph's own
 * cut-vertex functions on the same graph, in the same process.
 *
 *   bench_keyperson nodes.csv edges.csv [--runs R] [--threads T]
 *
 * Phases (each printed as one line, key=value, GAPBS style: machine, threads,
 * graph, median seconds over R runs, and the speedup over the peers =
 * peer's median / ours):
 *   load        lp_graph_load_csv (parse, intern, merge, build igraph + CSR);
 *               one run — the graph is loaded once
 *   keyperson   lp_keyperson_run with the default roles (company / employee /
 *               account), R runs
 *   igraph_ap   igraph_articulation_points on g.ig, R runs
 *   igraph_bcc  igraph_biconnected_components on g.ig with the edge sets of
 *               the components and the articulation points (what graph-tool's
 *               label_biconnected_components returns), R runs
 * igraph's graph is the input graph without the virtual root R; with one
 * anchor node R is a pendant vertex, so the work is the same.
 *
 * Only the calls are timed. After the timing, the articulation points of the
 * two agree is checked (ignoring anchor nodes, whose status R changes) and
 * reported as ap_agree=1/0. A final line gives the peak resident set size
 * (getrusage) after load + key-person analysis, and at the end (with the
 * igraph peers' output). Never part of the tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "lp_keyperson.h"

static bench_info info;

static void line(const char *phase, double med, int runs, const char *extra)
{
    bench_line(&info, phase, info.threads, runs, med, extra);
}

static int fail(const char *what, lp_status st)
{
    fprintf(stderr, "bench_keyperson: %s: %s\n", what, lp_error_message());
    return (int)st;
}

int main(int argc, char **argv)
{
    const char *nodes_path = NULL, *edges_path = NULL;
    int runs = 5, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--runs")) {
            runs = atoi(argv[++i]);
        } else if (i + 1 < argc && !strcmp(argv[i], "--threads")) {
            threads = atoi(argv[++i]);
        } else if (!nodes_path) {
            nodes_path = argv[i];
        } else if (!edges_path) {
            edges_path = argv[i];
        } else {
            nodes_path = NULL;
            break;
        }
    }
    if (!nodes_path || !edges_path || runs < 1 || threads < 0) {
        fprintf(stderr, "usage: bench_keyperson nodes.csv edges.csv [--runs R] [--threads T]\n");
        return 2;
    }
    bench_info_init(&info, "keyperson", threads);

    double *t = malloc((size_t)runs * sizeof *t);
    if (!t) return 1;

    lp_graph g;
    lp_status st = bench_load(&g, &info, nodes_path, edges_path);
    if (st) return (int)st;
    char extra[256];
    double t0;

    /* key-person analysis */
    lp_keyperson kp;
    memset(&kp, 0, sizeof kp);
    for (int r = 0; r < runs; r++) {
        lp_keyperson_free(&kp);
        t0 = bench_now();
        st = lp_keyperson_run(&kp, &g);
        t[r] = bench_now() - t0;
        if (st) return fail("keyperson", st);
    }
    double t_kp = bench_median(t, runs);
    double rss_kp = bench_peak_rss_mb(); /* load + analysis, before the peers allocate */

    /* igraph peers */
    igraph_vector_int_t ap;
    igraph_vector_int_init(&ap, 0);
    for (int r = 0; r < runs; r++) {
        t0 = bench_now();
        igraph_error_t ie = igraph_articulation_points(&g.ig, &ap);
        t[r] = bench_now() - t0;
        if (ie != IGRAPH_SUCCESS) {
            fprintf(stderr, "bench_keyperson: igraph_articulation_points failed\n");
            return 1;
        }
    }
    double t_ap = bench_median(t, runs);

    igraph_integer_t nbcc = 0;
    igraph_vector_int_t ap2;
    igraph_vector_int_list_t comp_edges;
    igraph_vector_int_init(&ap2, 0);
    igraph_vector_int_list_init(&comp_edges, 0);
    for (int r = 0; r < runs; r++) {
        t0 = bench_now();
        igraph_error_t ie =
            igraph_biconnected_components(&g.ig, &nbcc, NULL, &comp_edges, NULL, &ap2);
        t[r] = bench_now() - t0;
        if (ie != IGRAPH_SUCCESS) {
            fprintf(stderr, "bench_keyperson: igraph_biconnected_components failed\n");
            return 1;
        }
    }
    double t_bcc = bench_median(t, runs);

    /* verification, outside the timed part */
    uint8_t *ig_ap = calloc((size_t)g.n, 1);
    if (!ig_ap) return 1;
    for (igraph_integer_t k = 0; k < igraph_vector_int_size(&ap); k++)
        ig_ap[VECTOR(ap)[k]] = 1;
    int64_t differ = 0;
    for (int64_t v = 0; v < g.n; v++)
        if (!(g.role[v] & LP_ROLE_ANCHOR) && ig_ap[v] != kp.is_articulation[v]) differ++;
    free(ig_ap);

    snprintf(extra, sizeof extra,
             "accounts=%lld orphans=%lld with_key_person=%lld articulation=%lld "
             "ap_agree=%d speedup_vs_igraph_ap=%.2f speedup_vs_igraph_bcc=%.2f",
             (long long)kp.n_accounts, (long long)kp.orphan_accounts,
             (long long)kp.accounts_with_key_person, (long long)kp.n_articulation, differ == 0,
             t_ap / t_kp, t_bcc / t_kp);
    line("keyperson", t_kp, runs, extra);
    snprintf(extra, sizeof extra, "articulation=%lld", (long long)igraph_vector_int_size(&ap));
    line("igraph_ap", t_ap, runs, extra);
    snprintf(extra, sizeof extra, "components=%lld", (long long)nbcc);
    line("igraph_bcc", t_bcc, runs, extra);

    snprintf(extra, sizeof extra, "peak_rss_mb_keyperson=%.1f peak_rss_mb=%.1f", rss_kp,
             bench_peak_rss_mb());
    line("memory", -1, 0, extra);

    igraph_vector_int_list_destroy(&comp_edges);
    igraph_vector_int_destroy(&ap2);
    igraph_vector_int_destroy(&ap);
    lp_keyperson_free(&kp);
    lp_graph_free(&g);
    free(t);
    return differ == 0 ? 0 : 1;
}
