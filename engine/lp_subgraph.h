/* lp_subgraph.h — small pieces of a graph for pictures and exports
 * (subgraph.c): the H-hop neighbourhood of some nodes, the neighbourhood
 * picture of one account, and a deterministic layout of a small graph with
 * igraph's Kamada-Kawai layout (serial: never call inside an OpenMP region).
 * No file I/O.
 */
#ifndef LP_SUBGRAPH_H
#define LP_SUBGRAPH_H

#include <stdint.h>

#include "lp_graph.h"

/* A subgraph: node rows of the graph (ascending unless said otherwise),
 * edges as index pairs into node (from < to, in the order of the graph's
 * CSR), with the edge weight. Free with lp_subgraph_free. */
typedef struct lp_subgraph {
    int64_t n;
    lp_vid *node; /* [n] */
    int64_t m;
    int64_t *from, *to; /* [m] indices into node */
    double *weight;     /* [m] */
} lp_subgraph;

void lp_subgraph_free(lp_subgraph *s); /* accepts NULL; leaves it empty */

/* The nodes within `hops` hops of any seed (breadth-first over the CSR),
 * ascending, and every edge between two of them. LP_EINTERNAL when out of
 * memory. */
lp_status lp_neighbourhood(lp_subgraph *out, const lp_graph *g, const lp_vid *seeds, int64_t k,
                           int hops);

/* Kinds of nodes in an account picture. */
enum { LP_PIC_ACCOUNT, LP_PIC_CONTACT, LP_PIC_PERSON, LP_PIC_KEY, LP_PIC_ANCHOR, LP_PIC_OTHER };

/* The neighbourhood picture of the account node `account` (roles set on
 * g): the account, its neighbours (contacts), the persons tied to the
 * contacts (at most max_persons besides the key persons, nearest ids first
 * by row), the key persons key[0..nk), and one shortest path from the
 * account to an anchor (breadth-first, smallest rows first), with every
 * edge among them. kind[i] is LP_PIC_* of out->node[i]; node[0] is the
 * account. Node order: as collected (deterministic). *kind malloc'ed. */
lp_status lp_account_picture(lp_subgraph *out, int **kind, const lp_graph *g, lp_vid account,
                             const lp_vid *key, int64_t nk, int max_contacts, int max_persons);

/* Coordinates for s (x[i], y[i] of s->node[i]) from igraph's Kamada-Kawai
 * layout, started from igraph's circle layout: the same subgraph gives the
 * same coordinates. x and y are caller-allocated [s->n]. Serial. */
lp_status lp_subgraph_layout(const lp_subgraph *s, double *x, double *y);

#endif
