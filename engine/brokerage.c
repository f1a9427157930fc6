/* brokerage.c — brokerage(v): the sum, over accounts a reachable from the
 * virtual root R, of the share of shortest R-a paths passing through v.
 *
 * One single-source Brandes pass (Brandes 2001) from R with target weight 1
 * on reachable accounts: BFS from R (R's neighbours are the anchors) counts
 * shortest paths sigma; in reverse BFS order
 *     delta(v) = sum_{w: v pred of w} sigma(v)/sigma(w) (t(w) + delta(w)),
 * t(w) = 1 if w is an account. brokerage(v) = delta(v) for v != R; the
 * account itself, as an endpoint, gets no share of its own paths. O(n + m),
 * serial: a single BFS does not pay for threads here. No igraph calls.
 */
#include "lp_centrality.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

lp_status lp_brokerage(double *out, const lp_graph *g)
{
    const lp_csr *c = &g->csr;
    const lp_vid n = c->n;
    size_t n1 = (size_t)n + 1;
    int32_t *dist = lp_malloc(n1 * sizeof *dist);
    double *sigma = lp_calloc(n1, sizeof *sigma);
    lp_vid *order = lp_malloc(n1 * sizeof *order);
    if (!dist || !sigma || !order) {
        free(dist);
        free(sigma);
        free(order);
        return lp_error_nomem("brokerage");
    }
    int64_t head = 0, tail = 0;
    for (lp_vid v = 0; v < n; v++) {
        dist[v] = -1;
        out[v] = 0.0;
    }
    /* Level 1: the anchors, one shortest path each (the edge from R). */
    for (lp_vid v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ANCHOR) {
            dist[v] = 1;
            sigma[v] = 1.0;
            order[tail++] = v;
        }
    while (head < tail) {
        lp_vid v = order[head++];
        int32_t dn = dist[v] + 1;
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid w = c->adj[k];
            if (dist[w] < 0) {
                dist[w] = dn;
                order[tail++] = w;
            }
            if (dist[w] == dn) sigma[w] += sigma[v];
        }
    }
    /* out[] doubles as delta. */
    for (int64_t i = tail - 1; i >= 0; i--) {
        lp_vid w = order[i];
        double t = (g->role[w] & LP_ROLE_ACCOUNT) ? 1.0 : 0.0;
        double coeff = (t + out[w]) / sigma[w];
        int32_t dp = dist[w] - 1;
        if (dp < 1) continue; /* predecessor is R */
        for (int64_t k = c->offset[w]; k < c->offset[w + 1]; k++) {
            lp_vid v = c->adj[k];
            if (dist[v] == dp) out[v] += sigma[v] * coeff;
        }
    }
    free(dist);
    free(sigma);
    free(order);
    return LP_OK;
}
