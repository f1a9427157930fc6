/* lp_i_lowlink.h — internal: the iterative depth-first search with
 * discovery times and low-links (Hopcroft & Tarjan 1973) of a whole graph:
 * exact betweenness builds on it, and tests/test_keyperson.c takes it (with
 * R) as the reference of the key-person kernel, which searches only the
 * 2-core (keyperson.c). */
#ifndef LP_I_LOWLINK_H
#define LP_I_LOWLINK_H

#include "lp_graph.h"

typedef struct lp_i_lowlink {
    int64_t nv;          /* vertices: csr->n, plus the virtual root R = n if asked */
    int32_t *disc, *low; /* [nv] discovery time, low-link (min disc reachable by one back edge) */
    lp_vid *parent;      /* [nv] DFS parent, -1 for the root of each tree */
    lp_vid *order;       /* [nv] preorder, one tree after another */
    int64_t n_first;     /* vertices in the first tree (R's, when R is used) */
} lp_i_lowlink;

/* Search the whole graph. If role is non-NULL, a virtual root R = n is
 * joined to every vertex with LP_ROLE_ANCHOR and searched first; the other
 * trees start at the smallest unvisited vertex. For every non-root v,
 * low[v] >= disc[parent[v]] exactly when parent[v] separates the subtree of v
 * from the rest of its component. O(n + m), no recursion. *out owned by the
 * caller (lp_i_lowlink_free); written only on success. */
lp_status lp_i_lowlink_run(lp_i_lowlink *out, const lp_csr *c, const uint8_t *role);
void lp_i_lowlink_free(lp_i_lowlink *l); /* accepts NULL */

#endif
