/* dominant.c — dominant_share and threads of every account (docs/metrics.md).
 *
 * The customer-side region of an account is its connected component in the
 * subgraph induced by the nodes that are neither persons nor anchors (the
 * account, its contacts, partners, subsidiaries, ...). Regions are labelled
 * once by BFS, O(n + m); accounts in one region share it. Per region, the
 * weight of every edge from a region node to a person is summed per person;
 * dominant_share = the largest person's sum / the total. NaN when no person
 * touches the region. threads = the number of distinct persons touching it.
 *
 * Parallelism: regions are independent; each thread sums into its own
 * sparse accumulator (a dense array of n weights plus the list of persons
 * touched, cleared after each region). Sums run in a fixed order (region
 * nodes ascending, neighbours ascending), so results do not depend on the
 * thread count. No igraph calls.
 */
#include "lp_busfactor.h"
#include "lp_alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lp_i_omp.h"

static int is_region_node(uint8_t role)
{
    return !(role & (LP_ROLE_PERSON | LP_ROLE_ANCHOR));
}

/* Share of the largest person among the persons touching the region
 * nodes[0..count), by edge weight, and (*threads) how many persons touch it;
 * `exclude` is not counted as a person. w (all zero on entry and exit) and tl
 * are a thread's scratch. */
static double region_share(const lp_graph *g, const lp_vid *nodes, int64_t count, lp_vid exclude,
                           double *w, lp_vid *tl, int32_t *threads)
{
    const lp_csr *c = &g->csr;
    int64_t n_touched = 0;
    for (int64_t j = 0; j < count; j++) {
        lp_vid v = nodes[j];
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid p = c->adj[k];
            if (!(g->role[p] & LP_ROLE_PERSON) || p == exclude) continue;
            if (w[p] == 0.0) tl[n_touched++] = p;
            w[p] += c->weight[k];
        }
    }
    double total = 0.0, best = 0.0;
    for (int64_t j = 0; j < n_touched; j++) {
        total += w[tl[j]];
        if (w[tl[j]] > best) best = w[tl[j]];
        w[tl[j]] = 0.0;
    }
    *threads = n_touched > INT32_MAX ? INT32_MAX : (int32_t)n_touched;
    return n_touched ? best / total : NAN;
}

lp_status lp_dominant_share(double *out, int32_t *out_threads, const lp_graph *g,
                            const lp_vid *account_node, int64_t na)
{
    const lp_csr *c = &g->csr;
    const lp_vid n = c->n;
    size_t n1 = (size_t)n + 1;
    for (int64_t i = 0; i < na; i++)
        if (account_node[i] < 0 || account_node[i] >= n)
            return lp_error_set(LP_EINTERNAL, "dominant share: account row out of range");
    lp_status st = LP_OK;
    int nt = lp_i_max_threads();
    lp_vid *label = lp_malloc(n1 * sizeof *label); /* region of a node, -1 if none */
    int64_t *rstart = NULL;                        /* CSR: region -> its nodes */
    lp_vid *rnode = lp_malloc(n1 * sizeof *rnode);
    int64_t *stamp = lp_calloc(n1, sizeof *stamp);
    double *rshare = NULL;
    int32_t *rthreads = NULL;
    double **acc = lp_calloc((size_t)nt, sizeof *acc);
    lp_vid **touched = lp_calloc((size_t)nt, sizeof *touched);
    if (!label || !rnode || !stamp || !acc || !touched) {
        st = lp_error_nomem("dominant share");
        goto done;
    }

    /* Label regions containing an account, by BFS over region nodes; rnode
     * doubles as the queue, so each region's nodes end up contiguous. */
    for (lp_vid v = 0; v < n; v++)
        label[v] = -1;
    int64_t nr = 0, filled = 0;
    rstart = lp_malloc(((size_t)na + 2) * sizeof *rstart);
    if (!rstart) {
        st = lp_error_nomem("dominant share");
        goto done;
    }
    for (int64_t i = 0; i < na; i++) {
        lp_vid a = account_node[i];
        if (label[a] >= 0 || !is_region_node(g->role[a])) continue;
        rstart[nr] = filled;
        int64_t head = filled;
        rnode[filled++] = a;
        label[a] = (lp_vid)nr;
        while (head < filled) {
            lp_vid v = rnode[head++];
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
                lp_vid w = c->adj[k];
                if (label[w] < 0 && is_region_node(g->role[w])) {
                    label[w] = (lp_vid)nr;
                    rnode[filled++] = w;
                }
            }
        }
        nr++;
    }
    rstart[nr] = filled;
    rshare = lp_malloc(((size_t)nr + 1) * sizeof *rshare);
    rthreads = lp_malloc(((size_t)nr + 1) * sizeof *rthreads);
    if (!rshare || !rthreads) {
        st = lp_error_nomem("dominant share");
        goto done;
    }
    for (int t = 0; t < nt; t++) {
        acc[t] = lp_calloc(n1, sizeof **acc);
        touched[t] = lp_malloc(n1 * sizeof **touched);
        if (!acc[t] || !touched[t]) {
            st = lp_error_nomem("dominant share workspace");
            goto done;
        }
    }

#pragma omp parallel for schedule(dynamic, 256) if (nr >= LP_PARALLEL_MIN)
    for (int64_t r = 0; r < nr; r++) {
        int t = lp_i_thread_id();
        rshare[r] = region_share(g, rnode + rstart[r], rstart[r + 1] - rstart[r], -1, acc[t],
                                 touched[t], &rthreads[r]);
    }

    /* An account that is itself a person or an anchor is in no region: its
     * region is itself plus the region nodes reachable from it (found with a
     * stamped BFS, serially: this is rare), and it does not count as a
     * person touching itself. */
    for (int64_t i = 0; i < na; i++) {
        lp_vid a = account_node[i];
        if (label[a] >= 0) {
            out[i] = rshare[label[a]];
            if (out_threads) out_threads[i] = rthreads[label[a]];
            continue;
        }
        lp_vid *q = rnode; /* the region lists are no longer needed: reuse as queue */
        int64_t head = 0, tail = 0;
        q[tail++] = a;
        stamp[a] = i + 1;
        while (head < tail) {
            lp_vid v = q[head++];
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
                lp_vid w = c->adj[k];
                if (stamp[w] != i + 1 && is_region_node(g->role[w])) {
                    stamp[w] = i + 1;
                    q[tail++] = w;
                }
            }
        }
        int32_t th;
        out[i] = region_share(g, q, tail, a, acc[0], touched[0], &th);
        if (out_threads) out_threads[i] = th;
    }

done:
    if (acc)
        for (int t = 0; t < nt; t++)
            free(acc[t]);
    if (touched)
        for (int t = 0; t < nt; t++)
            free(touched[t]);
    free(acc);
    free(touched);
    free(label);
    free(rstart);
    free(rnode);
    free(stamp);
    free(rshare);
    free(rthreads);
    return st;
}
