/* lp_igraph.h — a linchpin graph to igraph and back, for programs that
 * already hold their graph in igraph (run every linchpin analysis on it)
 * or want igraph's own algorithms on a graph linchpin loaded.
 *
 *     igraph_t ig;  igraph_strvector_t type;  ... (filled by the program)
 *     lp_graph g;
 *     lp_igraph_attrs at = {.type = &type, .revenue = &revenue, .weight = &w};
 *     if (lp_graph_from_igraph(&g, &ig, &at)) ... lp_error_message() ...
 *     lp_analyze_options opt = LP_ANALYZE_OPTIONS_INIT;
 *     lp_analysis a;
 *     lp_analyze(&a, &g, &opt);         (node row v = igraph vertex v)
 *
 *     igraph_t back;  igraph_vector_t bw;
 *     lp_graph_to_igraph(&g, &back, &bw);   then igraph_transitivity...(&back, ...)
 *
 * Both are serial and call igraph: never inside an OpenMP region.
 * The example program tests/install_example/main.c uses both.
 */
#ifndef LP_IGRAPH_H
#define LP_IGRAPH_H

#include <igraph.h>

#include "lp_error.h"
#include "lp_graph.h"

/* What linchpin needs beside the edges; every vector has one entry per
 * vertex (per edge for weight), in igraph's order. */
typedef struct lp_igraph_attrs {
    const igraph_strvector_t *id;   /* node ids, unique, non-empty; NULL: "0", "1", ... */
    const igraph_strvector_t *type; /* node types ("company", "employee", ...); required */
    const igraph_strvector_t *name; /* display names ("" = none); NULL: no names */
    const igraph_vector_t *revenue; /* >= 0 and finite; NULL: 0 for every node */
    const igraph_vector_t *weight;  /* per igraph edge, > 0 and finite; NULL: 1 */
} lp_igraph_attrs;

/* A linchpin graph from ig (directed or not: edges are taken as undirected
 * ties), node row v = igraph vertex v. As lp_graph_build: duplicate edges
 * merge (weights summed, counted in merged_duplicates), self-loops are
 * dropped (dropped_self_loops), and sums that overflow are refused. Roles
 * are not set: lp_analyze sets them from its options. LP_EINPUT (one line
 * naming the vertex or edge) for a vector of the wrong length, a missing
 * type, an empty or duplicate id, a bad revenue or weight, or more than
 * LP_VID_MAX vertices; LP_EINTERNAL when out of memory. On failure *out is
 * untouched. Free with lp_graph_free. */
lp_status lp_graph_from_igraph(lp_graph *out, const igraph_t *ig, const lp_igraph_attrs *attrs);

/* g as an undirected igraph graph: *out and *weight must not be
 * initialised; on success the caller owns both (igraph_destroy,
 * igraph_vector_destroy). Vertex v = node row v (ids, types and revenues
 * stay in g->nodes); edge e = the e-th pair (u, v), u < v, of the CSR in
 * (u, v) order, weight[e] its (merged) weight. LP_EINTERNAL when out of
 * memory or igraph fails; nothing is then left to free. */
lp_status lp_graph_to_igraph(const lp_graph *g, igraph_t *out, igraph_vector_t *weight);

#endif
