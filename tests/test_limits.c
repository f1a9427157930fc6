/* test_limits.c — sums that overflow and requests that cannot be computed
 * (issue 15 items 2 and 3), with the exact messages:
 *  - merged duplicate weights, a node's strength and the revenue total that
 *    overflow are LP_EINPUT naming the ids, the same through the CSV route
 *    (lp_graph_load_csv) and the store route (lp_graphstore_read of a store
 *    written with the sums already too large: the writer is handed a graph
 *    altered after the build, as an old linchpin or another tool could have
 *    written it). Before: analyze exited 0 with every PageRank NaN;
 *  - finite sums just below the limits are accepted, and PageRank is finite;
 *  - the sample count of sampled betweenness: epsilon 1e-12 and 1e-9 are
 *    refused at once by lp_sampling_check (before: an int64 overflow, or 3e18
 *    samples that never ended); a graph whose vertex-diameter bound lifts
 *    the count over the limit is refused by lp_betweenness_sampled.
 * Expected sample counts are computed here by hand from the formula in
 * Riondato & Kornaropoulos (c = 0.5). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp_centrality.h"
#include "lp_csv.h"
#include "lp_graphstore.h"
#include "lp_test.h"
#include "lp_test_files.h"

static char dir[64];

static void expect_csv(const char *nodes, const char *edges, lp_status want_st, const char *want)
{
    char np[128], ep[128];
    snprintf(np, sizeof np, "%s/nodes.csv", dir);
    snprintf(ep, sizeof ep, "%s/edges.csv", dir);
    lp_test_spit(np, nodes, strlen(nodes));
    lp_test_spit(ep, edges, strlen(edges));
    lp_graph g;
    lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
    CHECK(st == want_st && (!want || !strcmp(lp_error_message(), want)),
          "csv: status %d [%s], want %d [%s]", (int)st, st ? lp_error_message() : "", (int)want_st,
          want ? want : "");
    if (st == LP_OK) {
        double *pr = malloc((size_t)g.n * sizeof *pr);
        int it;
        lp_pagerank_options o = LP_PAGERANK_OPTIONS_INIT;
        CHECK(lp_pagerank(pr, &it, &g.csr, &o) == LP_OK, "pagerank failed");
        for (int64_t v = 0; v < g.n; v++)
            CHECK(isfinite(pr[v]), "pagerank[%lld] = %g", (long long)v, pr[v]);
        free(pr);
        lp_graph_free(&g);
    }
}

static const char NODES[] = "id,type,revenue\nacme,company,5\ne1,employee,0\na1,account,7\n";

static void test_csv_route(void)
{
    expect_csv(NODES, "source,target,weight\nacme,e1,1.7e308\ne1,a1,1\ne1,acme,1.7e308\n",
               LP_EINPUT,
               "edge \"acme\" - \"e1\": the weights of its duplicate rows add up to more than "
               "1.798e+308 (the largest number)");
    expect_csv(NODES, "source,target,weight\nacme,e1,1.7e308\ne1,a1,1.7e308\n", LP_EINPUT,
               "node \"e1\": the weights of its edges add up to more than 1.798e+308 (the largest "
               "number)");
    expect_csv("id,type,revenue\nacme,company,5\ne\x1b[1m,employee,6e307\na1,account,6e307\n",
               "source,target\nacme,e\x1b[1m\n", LP_EINPUT,
               "node \"a1\": the revenues up to this node add up to more than 8.988e+307 (the "
               "most that can be summed safely)");
    /* just inside: merged 0.8e308 + 0.8e308, strengths finite; revenues 8e307 */
    expect_csv("id,type,revenue\nacme,company,4e307\ne1,employee,0\na1,account,4e307\n",
               "source,target,weight\nacme,e1,0.8e308\ne1,acme,0.8e308\ne1,a1,1\n", LP_OK, NULL);
}

/* A store holding g with every weight set to w and revenue[v] to rev (both
 * arcs of an edge alike, so lp_csr_check still passes). */
static void expect_store(double w, double rev, const char *want)
{
    lp_graph g = lp_test_enterprise(30, 3);
    for (int64_t k = 0; k < 2 * g.m; k++)
        g.csr.weight[k] = w;
    for (int64_t v = 0; v < g.n; v++)
        g.nodes.revenue[v] = rev;
    char path[128];
    snprintf(path, sizeof path, "%s/g.h5", dir);
    CHECK(lp_graphstore_write(path, &g, NULL) == LP_OK, "store write: %s", lp_error_message());
    lp_graph h;
    lp_status st = lp_graphstore_read(&h, NULL, path);
    char full[512];
    snprintf(full, sizeof full, "%s", want ? want : "");
    const char *got = lp_error_message();
    /* the store reader may put the path in front */
    size_t gl = strlen(got), fl = strlen(full);
    int tail_ok = gl >= fl && !strcmp(got + gl - fl, full);
    CHECK(want ? (st == LP_EINPUT && tail_ok) : st == LP_OK, "store: status %d [%s], want [%s]",
          (int)st, st ? got : "", full);
    if (st == LP_OK) lp_graph_free(&h);
    lp_graph_free(&g);
}

static void test_store_route(void)
{
    lp_graph g = lp_test_enterprise(30, 3);
    /* all weights 1e308: the first node in row order with 2 or more edges */
    int64_t first = -1;
    for (int64_t v = 0; v < g.n && first < 0; v++)
        if (g.csr.offset[v + 1] - g.csr.offset[v] >= 2) first = v;
    CHECK(first >= 0, "no node overflows");
    char want[256];
    snprintf(want, sizeof want,
             "node \"%s\": the weights of its edges add up to more than 1.798e+308 (the largest "
             "number)",
             lp_strtab_get(&g.nodes.id, first));
    lp_graph_free(&g);
    expect_store(1e308, 0.0, want);
    /* revenues 3e307 each: the third node's running total passes the limit */
    g = lp_test_enterprise(30, 3);
    snprintf(want, sizeof want,
             "node \"%s\": the revenues up to this node add up to more than 8.988e+307 (the most "
             "that can be summed safely)",
             lp_strtab_get(&g.nodes.id, 2));
    lp_graph_free(&g);
    expect_store(1.0, 3e307, want);
    expect_store(1e300, 1e300, NULL);
}

static lp_graph path_graph(int n)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    lp_strtab_push(&nodes.type_name, "x", 1);
    for (int v = 0; v < n; v++) {
        char id[16];
        int len = snprintf(id, sizeof id, "v%d", v);
        lp_nodes_push(&nodes, id, (size_t)len, 0, 0.0);
        if (v) lp_edges_push(&edges, v - 1, v, 1.0);
    }
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges)) abort();
    return g;
}

static void test_samples(void)
{
    lp_sampling o = LP_SAMPLING_INIT;
    CHECK(lp_sampling_check(&o) == LP_OK, "defaults refused: %s", lp_error_message());
    /* 0.5 / 1e-24 * (0 + 1 + ln 10) = 1.651e24 */
    o.epsilon = 1e-12;
    CHECK(lp_sampling_check(&o) == LP_EUSAGE &&
              !strcmp(lp_error_message(),
                      "sampled betweenness: epsilon 1e-12 and delta 0.1 need at least 1.65e+24 "
                      "samples, more than the limit 100000000 (use a larger epsilon or exact "
                      "betweenness)"),
          "epsilon 1e-12: [%s]", lp_error_message());
    o.epsilon = 1e-9;
    CHECK(lp_sampling_check(&o) == LP_EUSAGE && strstr(lp_error_message(), "1.65e+18 samples"),
          "epsilon 1e-9: [%s]", lp_error_message());
    o.epsilon = 0;
    CHECK(lp_sampling_check(&o) == LP_EUSAGE, "epsilon 0 accepted");
    /* Path of 100 nodes: the bound's BFS starts at an end, so VD <= 99 +
     * 98 + 1 = 198 -> floor(log2 196) + 1 = 8; 0.5 / 4e-8 * (8 + ln 10) =
     * 1.288e8 > 1e8, while the graph-free check (VD 3: 1 + ln 10) needs
     * 5.38e7 and passes. */
    lp_graph g = path_graph(100);
    o.epsilon = 2e-4;
    CHECK(lp_sampling_check(&o) == LP_OK, "epsilon 2e-4 refused without a graph");
    double *out = malloc(100 * sizeof *out);
    lp_sampling_report rep;
    lp_status st = lp_betweenness_sampled(out, &rep, &g.csr, &o);
    CHECK(st == LP_EUSAGE &&
              !strcmp(lp_error_message(),
                      "sampled betweenness: epsilon 0.0002 and delta 0.1 need 1.29e+08 samples, "
                      "more than the limit 100000000 (use a larger epsilon or exact betweenness)"),
          "path 100, epsilon 2e-4: status %d [%s]", (int)st, lp_error_message());
    o.epsilon = 0.05; /* fine: 0.5 / 0.0025 * 10.3026 = 2060.5 -> 2061 samples */
    st = lp_betweenness_sampled(out, &rep, &g.csr, &o);
    CHECK(st == LP_OK && rep.samples == 2061 && rep.vertex_diameter == 198,
          "path 100, epsilon 0.05: status %d, %lld samples, VD %lld", (int)st,
          (long long)rep.samples, (long long)rep.vertex_diameter);
    free(out);
    lp_graph_free(&g);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/lp-test-limits-%d", (int)getpid());
    lp_test_remove_tree(dir);
    if (mkdir(dir, 0700)) {
        perror(dir);
        return 1;
    }
    test_csv_route();
    test_store_route();
    test_samples();
    lp_test_remove_tree(dir);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_limits: all checks passed\n");
    return 0;
}
