/* test_centrality.c — the centrality kernels against igraph's own functions
 * on the same graphs:
 *  - exact betweenness == igraph_betweenness (relative 1e-9);
 *  - brokerage == igraph_betweenness_subset on G + R (as a mutual directed
 *    graph), sources {R}, targets the accounts reachable from R;
 *  - PageRank == igraph_pagerank (PRPACK) within 1e-9;
 *  - sampled betweenness: over 20 seeds the maximum normalised error is
 *    <= epsilon in at least a (1 - delta) share of runs; identical output
 *    for one seed at 1, 2 and 8 threads;
 *  - exact betweenness, brokerage and PageRank bitwise identical at 1, 2 and 8 threads;
 *  - the vertex-diameter bound of sampled betweenness == the same bound from
 *    igraph_distances (one source per component, its lowest vertex), for
 *    every way of expanding a level at 1, 2 and 8 threads, and at least
 *    igraph_diameter + 1 on the small graphs.
 * Graphs: random sparse and dense, trees, forests with isolated vertices,
 * cycles with pendant trees, generated enterprise graphs, and hubs of
 * 1,200 leaves beside a separate path (sampled searches that outgrow their
 * first table in one step; pairs without a path).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_centrality.h"
#include "lp_generate.h"
#include "lp_graph.h"
#include "lp_i_bfs.h"
#include "lp_test.h"

static double max_rel_diff(const double *a, const double *b, int64_t n)
{
    double worst = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]) / fmax(1.0, fabs(b[i]));
        if (d > worst) worst = d;
    }
    return worst;
}

static const char *TYPES[] = {"company", "employee", "account", "contact"};

/* 0: small integers, 1: fractional, 2: above FLT_MAX, 3: quarters (exact
 * floats, not integers), 4: all 1, 5: integers above 2^16 (PageRank reads
 * them in different forms: uint16, double, double, float, none, float) */
static int weight_mode;

static lp_graph random_graph(int shape, int64_t n)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < 4; t++)
        lp_strtab_push(&nodes.type_name, TYPES[t], strlen(TYPES[t]));
    char id[32];
    for (int64_t v = 0; v < n; v++) {
        int len = snprintf(id, sizeof id, "v%lld", (long long)v);
        int64_t r = rnd_below(100);
        int type = r < 5 ? 0 : r < 40 ? 1 : r < 75 ? 2 : 3;
        lp_nodes_push(&nodes, id, (size_t)len, type, 1.0);
    }
    int64_t m = 0;
    switch (shape) {
    case 0:
        m = n + rnd_below(2 * n);
        break; /* sparse random */
    case 1:
        m = n * (n - 1) / 4;
        break; /* dense random */
    case 2:
        m = n - 1 - rnd_below(n / 5 + 1);
        break; /* forest */
    default:
        m = n + n / 10;
        break; /* cycle + pendant trees */
    }
    for (int64_t k = 0; k < m; k++) {
        lp_vid a, b;
        if (shape == 2 || (shape == 3 && k < n - 1)) {
            a = (lp_vid)(k + 1);
            b = (lp_vid)rnd_below(k + 1);
        } else {
            a = (lp_vid)rnd_below(n);
            b = (lp_vid)rnd_below(n);
        }
        double w = (double)(1 + rnd_below(5));
        /* weight_mode 1 and 2: weights a float cannot hold exactly (PageRank
         * then reads the double weights, not its float copy) */
        if (weight_mode == 1) w += 0.1;
        if (weight_mode == 2) w *= 1e300;
        if (weight_mode == 3) w += 0.25 * (double)rnd_below(4);
        if (weight_mode == 4) w = 1.0;
        if (weight_mode == 5) w *= 70000.0;
        lp_edges_push(&edges, a, b, w);
    }
    if (shape == 3 && n > 3) lp_edges_push(&edges, 0, (lp_vid)(n - 1), 1.0);
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_build_igraph(&g))
        abort(); /* igraph: oracle */
    lp_roles roles = LP_ROLES_INIT;
    lp_graph_set_roles(&g, &roles);
    return g;
}

/* Four hubs of 1,200 leaves each, joined in a path, a third of the leaves
 * also tied to a leaf of the next hub (many shortest paths of equal
 * length), and apart from them a path of 30 vertices (pairs with no path;
 * long walks back). A sampled search here reaches a hub's 1,200 neighbours
 * in one step: far more than the sampler's first table holds. */
static lp_graph hub_graph(void)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < 4; t++)
        lp_strtab_push(&nodes.type_name, TYPES[t], strlen(TYPES[t]));
    const int hubs = 4, leaves = 1200, tail = 30;
    const lp_vid n = hubs * (leaves + 1) + tail;
    char id[32];
    for (lp_vid v = 0; v < n; v++) {
        int len = snprintf(id, sizeof id, "v%d", (int)v);
        lp_nodes_push(&nodes, id, (size_t)len, v == 0 ? 0 : 2, 1.0);
    }
    /* hub h is vertex h (leaves + 1), its leaves the next `leaves` vertices */
    for (int h = 0; h < hubs; h++) {
        lp_vid hub = (lp_vid)(h * (leaves + 1));
        if (h + 1 < hubs) lp_edges_push(&edges, hub, hub + leaves + 1, 1.0);
        for (lp_vid l = 1; l <= leaves; l++) {
            lp_edges_push(&edges, hub, hub + l, 1.0);
            if (h + 1 < hubs && rnd_below(3) == 0)
                lp_edges_push(&edges, hub + l, hub + leaves + 1 + 1 + (lp_vid)rnd_below(leaves),
                              1.0);
        }
    }
    for (lp_vid v = n - tail; v + 1 < n; v++)
        lp_edges_push(&edges, v, v + 1, 1.0);
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_build_igraph(&g)) abort();
    lp_roles roles = LP_ROLES_INIT;
    lp_graph_set_roles(&g, &roles);
    return g;
}

static void check_betweenness(const lp_graph *g, const char *what)
{
    int64_t n = g->n;
    double *ours[3];
    const int threads[3] = {1, 2, 8};
    for (int i = 0; i < 3; i++) {
        set_threads(threads[i]);
        ours[i] = malloc(((size_t)n + 1) * sizeof(double));
        CHECK(lp_betweenness_exact(ours[i], &g->csr) == LP_OK, "%s: exact failed", what);
    }
    igraph_vector_t ref;
    igraph_vector_init(&ref, 0);
    igraph_betweenness(&g->ig, &ref, igraph_vss_all(), IGRAPH_UNDIRECTED, NULL);
    double d = max_rel_diff(ours[0], VECTOR(ref), n);
    CHECK(d <= 1e-9, "%s: betweenness differs from igraph by %g (relative)", what, d);
    for (int i = 1; i < 3; i++) {
        CHECK(!memcmp(ours[i], ours[0], (size_t)n * sizeof(double)),
              "%s: betweenness at %d threads is not bitwise identical", what, threads[i]);
    }
    igraph_vector_destroy(&ref);
    for (int i = 0; i < 3; i++)
        free(ours[i]);
}

static void check_brokerage(const lp_graph *g, const char *what)
{
    int64_t n = g->n;
    double *ours = malloc(((size_t)n + 1) * sizeof(double));
    double *other = malloc(((size_t)n + 1) * sizeof(double));
    set_threads(1);
    CHECK(lp_brokerage(ours, g) == LP_OK, "%s: brokerage failed", what);
    /* Every way of expanding a level (serial, parallel top-down, parallel
     * bottom-up, switching) at 1, 2 and 8 threads: the same bits. */
    const lp_i_bfs_tuning tunings[4] = {
        LP_I_BFS_TUNING_DEFAULT,
        {.parallel_min = 0, .mode = 0},
        {.parallel_min = 0, .mode = 1},
        {.parallel_min = 0, .mode = 2},
    };
    const int threads[3] = {1, 2, 8};
    for (int ti = 0; ti < 4; ti++)
        for (int i = 0; i < 3; i++) {
            set_threads(threads[i]);
            CHECK(lp_i_brokerage_tuned(other, g, &tunings[ti]) == LP_OK, "%s: brokerage failed",
                  what);
            CHECK(!memcmp(ours, other, (size_t)n * sizeof(double)),
                  "%s: brokerage differs at %d threads, tuning %d", what, threads[i], ti);
        }
    set_threads(1);

    igraph_t gr;
    igraph_copy(&gr, &g->ig);
    igraph_add_vertices(&gr, 1, NULL);
    igraph_vector_int_t extra;
    igraph_vector_int_init(&extra, 0);
    for (int64_t v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ANCHOR) {
            igraph_vector_int_push_back(&extra, n);
            igraph_vector_int_push_back(&extra, v);
        }
    igraph_add_edges(&gr, &extra, NULL);
    /* igraph's undirected subset betweenness halves every pair; the mutual
     * directed graph counts each R -> account path once, as docs/metrics.md does. */
    igraph_to_directed(&gr, IGRAPH_TO_DIRECTED_MUTUAL);
    /* targets: accounts reachable from R */
    igraph_vector_int_t comp, targets;
    igraph_vector_int_init(&comp, 0);
    igraph_vector_int_init(&targets, 0);
    igraph_subcomponent(&gr, &comp, n, IGRAPH_ALL);
    for (igraph_integer_t i = 0; i < igraph_vector_int_size(&comp); i++) {
        igraph_integer_t v = VECTOR(comp)[i];
        if (v < n && (g->role[v] & LP_ROLE_ACCOUNT)) igraph_vector_int_push_back(&targets, v);
    }
    igraph_vs_t src, tgt;
    igraph_vs_1(&src, n);
    igraph_vs_vector(&tgt, &targets);
    igraph_vector_t ref;
    igraph_vector_init(&ref, 0);
    igraph_betweenness_subset(&gr, &ref, igraph_vss_all(), IGRAPH_DIRECTED, src, tgt, NULL);
    double d = max_rel_diff(ours, VECTOR(ref), n);
    CHECK(d <= 1e-9, "%s: brokerage differs from igraph_betweenness_subset by %g", what, d);
    igraph_vector_destroy(&ref);
    igraph_vector_int_destroy(&comp);
    igraph_vector_int_destroy(&targets);
    igraph_vector_int_destroy(&extra);
    igraph_destroy(&gr);
    free(ours);
    free(other);
}

/* The fixed point by the plain power iteration, in long double, from
 * igraph's edge list (not our CSR), run until the L1 change is below 1e-19:
 * an independent reference far closer to the fixed point than PRPACK's
 * 1e-9 check needs. ref has n entries. */
static void pagerank_reference(long double *ref, const lp_graph *g, double d)
{
    int64_t n = g->n, m = igraph_ecount(&g->ig);
    long double *s = calloc((size_t)n + 1, sizeof *s), *next = calloc((size_t)n + 1, sizeof *next);
    for (int64_t e = 0; e < m; e++) {
        s[IGRAPH_FROM(&g->ig, e)] += VECTOR(g->ig_weight)[e];
        s[IGRAPH_TO(&g->ig, e)] += VECTOR(g->ig_weight)[e];
    }
    for (int64_t v = 0; v < n; v++)
        ref[v] = 1.0L / (long double)n;
    for (int it = 0; it < 100000; it++) {
        long double dangling = 0;
        for (int64_t v = 0; v < n; v++)
            if (s[v] == 0) dangling += ref[v];
        for (int64_t v = 0; v < n; v++)
            next[v] = 0;
        for (int64_t e = 0; e < m; e++) {
            int64_t a = IGRAPH_FROM(&g->ig, e), b = IGRAPH_TO(&g->ig, e);
            long double w = VECTOR(g->ig_weight)[e];
            next[b] += w * ref[a] / s[a];
            next[a] += w * ref[b] / s[b];
        }
        long double change = 0;
        for (int64_t v = 0; v < n; v++) {
            long double x = (1 - d) / (long double)n + d * (next[v] + dangling / (long double)n);
            change += fabsl(x - ref[v]);
            ref[v] = x;
        }
        if (change < 1e-19L) break;
    }
    free(s);
    free(next);
}

static long double worst_l1; /* over every check_pagerank */

static void check_pagerank(const lp_graph *g, const char *what)
{
    int64_t n = g->n;
    double *ours[3];
    const int threads[3] = {1, 2, 8};
    lp_pagerank_options o = LP_PAGERANK_OPTIONS_INIT;
    for (int i = 0; i < 3; i++) {
        set_threads(threads[i]);
        ours[i] = malloc(((size_t)n + 1) * sizeof(double));
        int it;
        CHECK(lp_pagerank(ours[i], &it, &g->csr, &o) == LP_OK, "%s: pagerank failed", what);
    }
    for (int i = 1; i < 3; i++)
        CHECK(!memcmp(ours[i], ours[0], (size_t)n * sizeof(double)),
              "%s: PageRank at %d threads is not bitwise identical", what, threads[i]);
    igraph_vector_t ref;
    igraph_vector_init(&ref, 0);
    igraph_real_t value;
    igraph_pagerank(&g->ig, IGRAPH_PAGERANK_ALGO_PRPACK, &ref, &value, igraph_vss_all(),
                    IGRAPH_UNDIRECTED, 0.85, &g->ig_weight, NULL);
    double worst = 0.0, sum = 0.0;
    for (int64_t v = 0; v < n; v++) {
        worst = fmax(worst, fabs(ours[0][v] - VECTOR(ref)[v]));
        sum += ours[0][v];
    }
    CHECK(worst <= 1e-9, "%s: PageRank differs from PRPACK by %g", what, worst);
    /* Stopped at an L1 change below 1e-12, the iteration must be within ten
     * times that of the fixed point (a geometric iteration with rate 0.85
     * would be within 5.7 times): L1 distance to the long-double reference. */
    long double *fixed = malloc(((size_t)n + 1) * sizeof *fixed);
    pagerank_reference(fixed, g, o.damping);
    long double l1 = 0;
    for (int64_t v = 0; v < n; v++)
        l1 += fabsl((long double)ours[0][v] - fixed[v]);
    CHECK(l1 <= 1e-11L, "%s: PageRank is %Lg (L1) from the fixed point", what, l1);
    if (l1 > worst_l1) worst_l1 = l1;
    free(fixed);
    CHECK(fabs(sum - 1.0) <= 1e-9, "%s: PageRank sums to %.15g", what, sum);
    igraph_vector_destroy(&ref);
    for (int i = 0; i < 3; i++)
        free(ours[i]);
}

/* The bound from igraph: per component (igraph_connected_components), the
 * distances from its lowest vertex x; e1 >= e2 the two largest over the
 * other vertices of the component, 0 where there are fewer than two. */
static int64_t vd_bound_reference(const lp_graph *g)
{
    int64_t n = g->n, best = 1;
    igraph_vector_int_t memb;
    igraph_vector_int_init(&memb, 0);
    igraph_integer_t nc = 0;
    igraph_connected_components(&g->ig, &memb, NULL, &nc, IGRAPH_WEAK);
    char *done = calloc((size_t)nc + 1, 1);
    igraph_matrix_t dist;
    igraph_matrix_init(&dist, 0, 0);
    for (int64_t x = 0; x < n; x++) {
        igraph_integer_t cx = VECTOR(memb)[x];
        if (done[cx]) continue;
        done[cx] = 1;
        igraph_distances(&g->ig, &dist, igraph_vss_1(x), igraph_vss_all(), IGRAPH_ALL);
        double e1 = 0, e2 = 0;
        for (int64_t v = 0; v < n; v++) {
            if (v == x || VECTOR(memb)[v] != cx) continue;
            double d = MATRIX(dist, 0, v);
            if (d > e1) {
                e2 = e1;
                e1 = d;
            } else if (d > e2) {
                e2 = d;
            }
        }
        if ((int64_t)(e1 + e2) + 1 > best) best = (int64_t)(e1 + e2) + 1;
    }
    igraph_matrix_destroy(&dist);
    igraph_vector_int_destroy(&memb);
    free(done);
    return best;
}

static void check_vd_bound(const lp_graph *g, const char *what)
{
    int64_t ref = vd_bound_reference(g);
    if (g->n <= 200) {
        igraph_real_t diam = 0;
        igraph_diameter(&g->ig, &diam, NULL, NULL, NULL, NULL, IGRAPH_UNDIRECTED, 1);
        CHECK(g->n == 0 || (double)ref >= diam + 1, "%s: reference bound %lld below diameter %g",
              what, (long long)ref, diam);
    }
    const lp_i_bfs_tuning tunings[4] = {
        LP_I_BFS_TUNING_DEFAULT,
        {.parallel_min = 0, .mode = 0},
        {.parallel_min = 0, .mode = 1},
        {.parallel_min = 0, .mode = 2},
    };
    const int threads[3] = {1, 2, 8};
    for (int ti = 0; ti < 4; ti++)
        for (int i = 0; i < 3; i++) {
            set_threads(threads[i]);
            int64_t vd = -1;
            CHECK(lp_i_vertex_diameter_bound(&vd, &g->csr, &tunings[ti]) == LP_OK,
                  "%s: bound failed", what);
            CHECK(vd == ref,
                  "%s: vertex-diameter bound %lld, igraph's %lld (%d threads, tuning %d)", what,
                  (long long)vd, (long long)ref, threads[i], ti);
        }
    set_threads(1);
}

static void check_sampled(const lp_graph *g, const char *what)
{
    int64_t n = g->n;
    double *exact = malloc(((size_t)n + 1) * sizeof(double));
    double *est = malloc(((size_t)n + 1) * sizeof(double));
    double *est2 = malloc(((size_t)n + 1) * sizeof(double));
    lp_betweenness_exact(exact, &g->csr);
    lp_sampling opt = LP_SAMPLING_INIT;
    opt.epsilon = 0.02;
    opt.delta = 0.1;
    double pairs = (double)n * (double)(n - 1) / 2.0;
    int good = 0, runs = 20;
    double worst_seen = 0.0;
    lp_sampling_report rep = {0, 0};
    for (int s = 0; s < runs; s++) {
        opt.seed = 1000 + (uint64_t)s;
        set_threads(2);
        CHECK(lp_betweenness_sampled(est, &rep, &g->csr, &opt) == LP_OK, "%s: sampled failed",
              what);
        double worst = 0.0;
        for (int64_t v = 0; v < n; v++)
            worst = fmax(worst, fabs(est[v] - exact[v]) / pairs);
        worst_seen = fmax(worst_seen, worst);
        good += worst <= opt.epsilon;
        if (s == 0) {
            for (int t = 0; t < 3; t++) {
                set_threads(t == 0 ? 1 : t == 1 ? 8 : 3);
                lp_betweenness_sampled(est2, NULL, &g->csr, &opt);
                CHECK(!memcmp(est, est2, (size_t)n * sizeof(double)),
                      "%s: sampled output depends on the thread count", what);
            }
        }
    }
    CHECK(good >= (int)ceil((1 - opt.delta) * runs),
          "%s: only %d of %d sampled runs within epsilon (worst %g)", what, good, runs, worst_seen);
    /* an estimator that is not exactly the exact answer, nor all zero */
    double mass = 0;
    for (int64_t v = 0; v < n; v++)
        mass += est[v];
    CHECK(mass > 0 && rep.samples > 1000, "%s: sampling did nothing (%lld samples)", what,
          (long long)rep.samples);
    printf("%s: sampled betweenness, %lld samples, VD bound %lld, worst normalised error %.4g "
           "(eps %.3g), %d/%d runs within eps\n",
           what, (long long)rep.samples, (long long)rep.vertex_diameter, worst_seen, opt.epsilon,
           good, runs);
    free(exact);
    free(est);
    free(est2);
}

int main(void)
{
    for (int c = 0; c < 160; c++) {
        rng_state = 77 + (uint64_t)c;
        int shape = c % 4;
        int64_t n = 1 + rnd_below(c < 80 ? 10 : 120);
        lp_graph g = random_graph(shape, n);
        char what[64];
        snprintf(what, sizeof what, "random %d (shape %d, n %lld)", c, shape, (long long)n);
        check_betweenness(&g, what);
        check_brokerage(&g, what);
        check_pagerank(&g, what);
        check_vd_bound(&g, what);
        lp_graph_free(&g);
    }
    for (int c = 0; c < 24; c++) {
        rng_state = 500 + (uint64_t)c;
        weight_mode = 1 + c % 2;
        lp_graph g = random_graph(c % 4, 2 + rnd_below(120));
        char what[80];
        snprintf(what, sizeof what, "random %d, %s weights (shape %d, n %lld)", c,
                 weight_mode == 1 ? "fractional" : "huge", c % 4, (long long)g.n);
        check_pagerank(&g, what);
        lp_graph_free(&g);
    }
    static const char *const more[3] = {"quarter", "unit", "integral above 2^16"};
    for (int c = 0; c < 36; c++) {
        rng_state = 900 + (uint64_t)c;
        weight_mode = 3 + c % 3;
        lp_graph g = random_graph(c % 4, 2 + rnd_below(120));
        char what[96];
        snprintf(what, sizeof what, "random %d, %s weights (shape %d, n %lld)", c, more[c % 3],
                 c % 4, (long long)g.n);
        check_pagerank(&g, what);
        lp_graph_free(&g);
    }
    weight_mode = 0;
    for (int s = 1; s <= 3; s++) {
        lp_graph g = lp_test_enterprise(400 * s, (uint64_t)s);
        char what[64];
        snprintf(what, sizeof what, "enterprise %d (n %lld, m %lld)", s, (long long)g.n,
                 (long long)g.m);
        check_betweenness(&g, what);
        check_brokerage(&g, what);
        check_pagerank(&g, what);
        check_vd_bound(&g, what);
        if (s == 1) check_sampled(&g, what);
        lp_graph_free(&g);
    }
    {
        rng_state = 4242;
        lp_graph g = hub_graph();
        check_betweenness(&g, "hubs");
        check_sampled(&g, "hubs");
        check_vd_bound(&g, "hubs");
        lp_graph_free(&g);
    }
    /* Above LP_PARALLEL_MIN nodes, so the parallel loops really run. */
    {
        lp_graph g = lp_test_enterprise(12000, 9);
        CHECK(g.n >= LP_PARALLEL_MIN, "large case too small: %lld nodes", (long long)g.n);
        check_pagerank(&g, "large enterprise");
        check_brokerage(&g, "large enterprise");
        check_vd_bound(&g, "large enterprise");
        lp_graph_free(&g);
    }
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("PageRank: worst L1 distance to the fixed point %Lg\n", worst_l1);
    printf("test_centrality: all checks passed\n");
    return 0;
}
