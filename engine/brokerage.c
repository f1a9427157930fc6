/* brokerage.c — brokerage(v): the sum, over accounts a reachable from the
 * virtual root R, of the share of shortest R-a paths passing through v.
 *
 * One single-source Brandes pass (Brandes 2001) from R with target weight 1
 * on reachable accounts:
 *     sigma(w) = sum over predecessors v of w of sigma(v), 1 for the anchors;
 *     delta(v) = sum over successors w of v of sigma(v) * (t(w) + delta(w)) / sigma(w),
 * t(w) = 1 if w is an account. brokerage(v) = delta(v) for v != R; the
 * account itself, as an endpoint, gets no share of its own paths. O(n + m).
 * No igraph calls.
 *
 * Level-synchronous and parallel, bitwise the same at any thread count:
 *  - the search (engine/bfs.c, lp_i_bfs.h) visits R's levels one after
 *    the other. A level whose frontier has few arcs is expanded serially,
 *    in frontier order. A big one is expanded in parallel, either
 *    top-down (each frontier vertex marks its unseen neighbours in a
 *    bitmap) or bottom-up (each unseen vertex looks for one neighbour in
 *    the frontier and stops there; Beamer, Asanović and Patterson 2012,
 *    "direction-optimizing BFS"), and the bitmap is compacted into the
 *    level in ascending vertex order. Which way a level goes depends on
 *    arc counts only, never on threads;
 *  - sigma and delta are pulled: each vertex sums over its own adjacency
 *    list in CSR order (predecessors for sigma, successors for delta), one
 *    thread per vertex, so every sum has one fixed order. Once delta(v) is
 *    known, sigma(v) is replaced by (t(v) + delta(v)) / sigma(v), the factor
 *    its predecessors need. */
#include "lp_centrality.h"
#include "lp_alloc.h"
#include "lp_i_bfs.h"

#include <stdlib.h>

typedef struct bk {
    int32_t *dist; /* [n] level (R is 0, anchors 1), -1 unreached */
    double *sigma; /* [n] path counts, then (t + delta) / sigma */
} bk;

/* The new level order[lo..hi) at distance d: dist, and sigma pulled from
 * the predecessors at d - 1 (the anchors, d = 1, have sigma 1). */
static void settle_level(void *ctx, const lp_i_bfs *s, int64_t lo, int64_t hi, int32_t d, int par)
{
    bk *b = ctx;
    const lp_csr *c = s->c;
    (void)par; /* used by the pragmas only */
#pragma omp parallel for schedule(static) if (par)
    for (int64_t i = lo; i < hi; i++)
        b->dist[s->order[i]] = d;
#pragma omp parallel for schedule(dynamic, 256) if (par)
    for (int64_t i = lo; i < hi; i++) {
        lp_vid w = s->order[i];
        double sum = 0.0;
        if (d == 1)
            sum = 1.0;
        else
            for (int64_t k = c->offset[w]; k < c->offset[w + 1]; k++)
                if (b->dist[c->adj[k]] == d - 1) sum += b->sigma[c->adj[k]];
        b->sigma[w] = sum;
    }
}

lp_status lp_i_brokerage_tuned(double *out, const lp_graph *g, const lp_i_bfs_tuning *t)
{
    const lp_csr *c = &g->csr;
    const lp_vid n = c->n;
    size_t n1 = (size_t)n + 1;
    lp_i_bfs s;
    lp_status st = lp_i_bfs_init(&s, c, t);
    if (st) return st;
    bk b = {0};
    b.dist = lp_malloc(n1 * sizeof *b.dist);
    b.sigma = lp_malloc(n1 * sizeof *b.sigma);
    if (!b.dist || !b.sigma) {
        free(b.dist);
        free(b.sigma);
        lp_i_bfs_free(&s);
        return lp_error_nomem("brokerage");
    }
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < n; v++) {
        b.dist[v] = -1;
        out[v] = 0.0;
    }
    /* the anchors, ascending, are level 1; s.order is filled from 0 */
    int64_t ns = 0;
    for (lp_vid v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ANCHOR) s.order[ns++] = v;
    st = lp_i_bfs_search(&s, 0, s.order, ns, settle_level, &b);
    /* delta, deepest level first; out[] is delta. */
    for (int64_t L = s.n_level; !st && L >= 1; L--) {
        int64_t lo = s.level[L - 1], hi = s.level[L];
        int32_t d = (int32_t)L;
#pragma omp parallel for schedule(dynamic, 256) if ((hi - lo) * 8 >= t->parallel_min)
        for (int64_t i = lo; i < hi; i++) {
            lp_vid v = s.order[i];
            double sv = b.sigma[v], acc = 0.0;
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
                lp_vid w = c->adj[k];
                if (b.dist[w] == d + 1) acc += sv * b.sigma[w];
            }
            out[v] = acc;
            b.sigma[v] = (((g->role[v] & LP_ROLE_ACCOUNT) ? 1.0 : 0.0) + acc) / sv;
        }
    }
    free(b.dist);
    free(b.sigma);
    lp_i_bfs_free(&s);
    return st;
}

lp_status lp_brokerage(double *out, const lp_graph *g)
{
    const lp_i_bfs_tuning t = LP_I_BFS_TUNING_DEFAULT;
    return lp_i_brokerage_tuned(out, g, &t);
}
