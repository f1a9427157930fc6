/* lp_busfactor.h — bus factor and dominant share of every account
 * (docs/metrics.md). */
#ifndef LP_BUSFACTOR_H
#define LP_BUSFACTOR_H

#include "lp_dist.h"
#include "lp_graph.h"

#define LP_BUS_FACTOR_CAP_DEFAULT 3
#define LP_SECOND_LINKS_DEFAULT 3 /* suggestions per account (docs/metrics.md) */

/* bus_factor(a) for every account a (node rows account_node[0..na), as in
 * lp_keyperson): the minimum number of person nodes whose removal leaves a
 * with no path to the virtual root R (joined to every anchor), computed
 * exactly up to cap (>= 2): cap means "cap or more". 0 when a has no path to
 * R. The account itself is never removed. out has na entries.
 * Vertex-disjoint augmenting paths on the node-split graph (persons have
 * capacity 1, every other node is unlimited), searched locally from each
 * account and stopped after cap paths; OpenMP over accounts. */
lp_status lp_bus_factor(int32_t *out, const lp_graph *g, const lp_vid *account_node, int64_t na,
                        int32_t cap);

/* lp_bus_factor, and also the persons carrying the paths it found: for
 * account i, (*out_persons)[(*out_offsets)[i] .. (*out_offsets)[i+1]),
 * ascending node rows. Every set of persons whose removal disconnects
 * account i from R meets each of these paths, so it contains at least one
 * of these persons (departure scenarios use this to find the accounts a
 * departure can touch). Empty when the bus factor is 0, and possibly when a
 * path without any person exists. Both arrays malloc'ed, owned by the
 * caller, written only on success. */
lp_status lp_bus_factor_paths(int32_t *out, int64_t **out_offsets, lp_vid **out_persons,
                              const lp_graph *g, const lp_vid *account_node, int64_t na,
                              int32_t cap);

/* lp_bus_factor_paths with the accounts shared among the ranks of dist
 * (NULL: alone; collective): groups of LP_BUS_FACTOR_GRAIN accounts
 * round-robin, each account computed by one rank exactly as alone, the
 * values and the path persons then shared, so every rank gets the same
 * out, offsets and persons as a single process. out_offsets NULL: no
 * persons. */
lp_status lp_bus_factor_paths_dist(int32_t *out, int64_t **out_offsets, lp_vid **out_persons,
                                   const lp_graph *g, const lp_vid *account_node, int64_t na,
                                   int32_t cap, const lp_dist *dist);
#define LP_BUS_FACTOR_GRAIN 256

/* dominant_share(a): of the interaction weight between a's customer-side
 * region (a plus the nodes that are neither person nor anchor reachable
 * from a without passing a person or an anchor) and the persons touching
 * it, the share held by the single largest person. NaN when no person
 * touches the region. threads(a): how many distinct persons touch the
 * region (1 = single-threaded). out and out_threads (may be NULL) have na
 * entries. O(n + m). */
lp_status lp_dominant_share(double *out, int32_t *out_threads, const lp_graph *g,
                            const lp_vid *account_node, int64_t na);

#endif
