/* lp_graph.h — the graph model: the simple undirected graph as a read-only
 * CSR snapshot with 32-bit vertex ids that the parallel kernels use,
 * per-node arrays (id, type, revenue, role) and, on request, an igraph_t
 * copy for igraph's own functions (lp_graph_build_igraph).
 *
 * Readers (io/) fill an lp_nodes table and an lp_edges list and hand both to
 * lp_graph_build(), which merges duplicate edges (weights summed), drops
 * self-loops, counts both, and builds the CSR snapshot. The graph store
 * hands over a finished CSR instead (lp_csr_check, lp_graph_adopt). The analyses use
 * only the CSR; the igraph copy (40 bytes per edge, 2-3 s for 10M edges
 * here) is made only by callers that need igraph: tests and benchmarks
 * comparing against it. Nothing here reads or writes files.
 */
#ifndef LP_GRAPH_H
#define LP_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include <igraph.h>

#include "lp_error.h"

/* Vertex id in the CSR snapshot. Graphs with more than LP_VID_MAX nodes are
 * rejected by lp_graph_build (they would not fit in memory here anyway). */
typedef int32_t lp_vid;
#define LP_VID_MAX INT32_MAX

/* OpenMP loops over fewer items than this run serially: starting and
 * joining the threads would cost more than the loop. */
#define LP_PARALLEL_MIN 20000

/* Role flags; one node type may carry several roles. */
enum { LP_ROLE_ANCHOR = 1u, LP_ROLE_PERSON = 2u, LP_ROLE_ACCOUNT = 4u };

/* NUL-terminated strings stored back to back; string i starts at
 * data + offset[i]. Zero-initialise (LP_STRTAB_INIT) before use. */
typedef struct lp_strtab {
    int64_t count;
    int64_t *offset; /* [count] (capacity offset_cap) */
    char *data;      /* [size] bytes (capacity data_cap) */
    int64_t size, data_cap, offset_cap;
} lp_strtab;
#define LP_STRTAB_INIT                                                                             \
    {                                                                                              \
        .count = 0, .offset = NULL, .data = NULL, .size = 0, .data_cap = 0, .offset_cap = 0        \
    }

/* Append a copy of s[0..len) (need not be NUL-terminated) as string
 * t->count. */
lp_status lp_strtab_push(lp_strtab *t, const char *s, size_t len);
static inline const char *lp_strtab_get(const lp_strtab *t, int64_t i)
{
    return t->data + t->offset[i];
}
void lp_strtab_free(lp_strtab *t); /* accepts NULL; leaves t empty */

/* Node table in input order, filled by a reader. */
typedef struct lp_nodes {
    lp_strtab id;        /* id.count is the number of nodes */
    lp_strtab type_name; /* distinct type strings, first-seen order */
    int32_t *type;       /* [n] index into type_name */
    double *revenue;     /* [n] >= 0; 0 where the column is absent */
    int has_revenue;     /* the revenue column was present */
    int64_t cap;         /* capacity of type/revenue */
    lp_strtab name;      /* when has_name: [n] display names ("" = none given) */
    int has_name;        /* a name column was present (name.count == id.count) */
} lp_nodes;
#define LP_NODES_INIT                                                                              \
    {                                                                                              \
        .id = LP_STRTAB_INIT, .type_name = LP_STRTAB_INIT, .name = LP_STRTAB_INIT                  \
    }

/* Append node id with the given type index and revenue (amortised O(1)). */
lp_status lp_nodes_push(lp_nodes *nodes, const char *id, size_t id_len, int32_t type,
                        double revenue);
void lp_nodes_free(lp_nodes *nodes); /* accepts NULL */

/* Edge rows as read, before merging. Rows whose weights are few distinct
 * values (the CRM import's activities: one per day) may give them as a
 * class per row instead: weight NULL, row k's weight wtab[wix[k] - wix_lo]
 * (4 bytes a row instead of 8). Only lp_graph_build_lists reads that form
 * (push and reserve are for weight lists); lp_edges_free frees wix and wtab. */
typedef struct lp_edges {
    int64_t m, cap;
    lp_vid *src, *dst; /* [m] node rows */
    double *weight;    /* [m] positive finite; or NULL and: */
    int32_t *wix;      /* [m] weight classes in [wix_lo, wix_lo + wtab_n) */
    double *wtab;      /* [wtab_n] their weights, positive finite */
    int64_t wtab_n;
    int32_t wix_lo;
} lp_edges;
#define LP_EDGES_INIT                                                                              \
    {                                                                                              \
        .m = 0, .cap = 0, .src = NULL, .dst = NULL, .weight = NULL, .wix = NULL, .wtab = NULL,     \
        .wtab_n = 0, .wix_lo = 0                                                                   \
    }

lp_status lp_edges_push(lp_edges *edges, lp_vid src, lp_vid dst, double weight);
/* Room for at least cap rows (exactly cap when it grows), the rows already
 * there kept; big lists on huge pages. LP_OK, or LP_EINTERNAL (out of
 * memory; the list intact). */
lp_status lp_edges_reserve(lp_edges *edges, int64_t cap);
void lp_edges_free(lp_edges *edges); /* accepts NULL */

/* Read-only CSR snapshot. Neighbours of v are adj[offset[v] .. offset[v+1]),
 * ascending; weight[k] is the (merged) weight of arc k. */
typedef struct lp_csr {
    lp_vid n;
    int64_t m;       /* undirected edges; there are 2m arcs */
    int64_t *offset; /* [n+1] */
    lp_vid *adj;     /* [2m] */
    double *weight;  /* [2m] */
} lp_csr;

/* Who owns a graph's node table and CSR when the graph does not: on
 * lp_graph_free, release(ctx) is called instead of freeing g->nodes and
 * g->csr (it must free the type-name table too, and every array it
 * provided). */
typedef struct lp_graph_backing {
    void (*release)(void *ctx);
    void *ctx;
} lp_graph_backing;

typedef struct lp_graph {
    int64_t n, m;              /* nodes; edges after merging and dropping loops */
    lp_nodes nodes;            /* owned (moved in by lp_graph_build), or
                                  backing's (lp_graph_adopt) */
    igraph_t ig;               /* when has_ig: the same graph (n vertices, m edges) */
    igraph_vector_t ig_weight; /* when has_ig: [m] weight of igraph edge e */
    lp_csr csr;                /* the graph */
    uint8_t *role;             /* [n] LP_ROLE_* flags, set by lp_graph_set_roles */
    int64_t n_anchor, n_person, n_account;
    int64_t merged_duplicates;  /* edge rows folded into an earlier row */
    int64_t dropped_self_loops; /* edge rows with source == target */
    int has_ig;                 /* ig and ig_weight are initialised (only once
                                   lp_graph_build_igraph ran) */
    lp_graph_backing backing;   /* release set: nodes and csr are not the
                                   graph's own (lp_graph_adopt) */
    int csr_own;                /* with a backing: csr was replaced
                                   (lp_graph_drop_weak_ties) and is the graph's own */
} lp_graph;

/* The most that the revenues of all nodes may add up to (half the largest
 * double): then every total and at-risk sum over some of them, in any
 * order, is finite. */
#define LP_REVENUE_SUM_MAX 8.98846567431158e307

/* Build the graph (CSR; no igraph copy: has_ig = 0). *edges is consumed
 * (freed, left empty) whether or not it succeeds; *nodes is moved into *out
 * (left empty) on success and left with the caller on failure. Edge order is
 * deterministic: by smaller endpoint, then larger endpoint.
 * Sums that overflow are bad input (LP_EINPUT, one line naming the ids):
 *   edge "<a>" - "<b>": the weights of its duplicate rows add up to more than 1.798e+308 ...
 *   node "<a>": the weights of its edges add up to more than 1.798e+308 ...
 *   node "<a>": the revenues up to this node add up to more than 8.988e+307 ...
 * (lp_graph_adopt checks the last two as well.)
 * On failure *out is untouched. Free with lp_graph_free. */
lp_status lp_graph_build(lp_graph *out, lp_nodes *nodes, lp_edges *edges);

/* As lp_graph_build on the rows of lists[0], then those of lists[1], ... in
 * that order (the same graph, bit for bit, as one list holding them all),
 * without joining the lists first. 1 <= nlists <= LP_BUILD_MAX_LISTS; all
 * nlists lists are consumed. */
#define LP_BUILD_MAX_LISTS 8
lp_status lp_graph_build_lists(lp_graph *out, lp_nodes *nodes, lp_edges *lists, int nlists);
void lp_graph_free(lp_graph *g); /* accepts NULL */

/* ---- a CSR that lives elsewhere (the mapped graph store) --------------- */

/* What is wrong with a CSR, the first of these found (lp_csr_check). */
typedef enum lp_csr_defect {
    LP_CSR_OK = 0,
    LP_CSR_OFFSET_FIRST, /* offset[0] != 0 (where = 0) */
    LP_CSR_OFFSET_ORDER, /* offset[where] < offset[where - 1] */
    LP_CSR_OFFSET_LAST,  /* offset[n] != 2m (where = n) */
    LP_CSR_RANGE,        /* adj[where] outside [0, n) */
    LP_CSR_SELF,         /* adj[where] is the node itself */
    LP_CSR_ORDER,        /* adj[where] <= adj[where - 1] within a node */
    LP_CSR_WEIGHT,       /* weight[where] not positive and finite */
    LP_CSR_ASYMMETRIC    /* some arc u->v has no twin v->u of equal weight
                            (where = -1) */
} lp_csr_defect;

/* Check that c is the CSR of a simple undirected graph with c->n nodes and
 * c->m edges, as lp_graph_build makes it: offsets from 0 to 2m, never
 * decreasing; each node's targets in [0, n), never the node itself,
 * strictly ascending; weights positive and finite; symmetric, twins with
 * bit-identical weights. Reports the offsets' first defect, else the
 * smallest arc row with one (range, self, order, weight in that order),
 * else asymmetry; *where (may be NULL) says where (see above), *node (may
 * be NULL) the node of an arc defect (-1 for the others). O(n + m), OpenMP; the answer does not
 * depend on the threads.
 *
 * Symmetry is tested with a 64-bit multiset hash: the sum over arcs u->v,
 * u < v, of H(u, v, weight) must equal the sum over arcs v->u, v > u, of
 * H(u, v, weight), and there must be m of each. An asymmetric CSR passes
 * only if the two sums collide by chance (about 2^-64 for damage that is not
 * crafted against H); a CSR that passes never makes the analyses read out
 * of bounds either way. */
lp_csr_defect lp_csr_check(const lp_csr *c, int64_t *where, lp_vid *node);

/* Make *out a graph over arrays the caller keeps (typically a mapped file):
 * g->nodes = *nodes and g->csr = *csr are shallow copies, owned by backing
 * from now on when this succeeds (on failure the caller still owns them
 * and *out is untouched). csr must pass lp_csr_check and nodes->id.count
 * must equal csr->n (LP_EINTERNAL otherwise: the caller checks first, to
 * word its own message; this only re-checks the counts). The arrays must
 * stay valid and unchanged until lp_graph_free; nothing here writes to them.
 * merged_duplicates and dropped_self_loops are 0 (set them afterwards). As
 * lp_graph_build, no igraph copy (has_ig = 0); the role array is the
 * graph's own. */
lp_status lp_graph_adopt(lp_graph *out, const lp_nodes *nodes, const lp_csr *csr,
                         lp_graph_backing backing);

/* Make g->ig and g->ig_weight from the CSR if g->has_ig is 0 (no-op
 * otherwise): edge e = the e-th pair (u, v), u < v, of the CSR in (u, v)
 * order, weight as in the CSR. Freed by lp_graph_free. LP_EINTERNAL when out of memory or
 * igraph fails; g is then unchanged. Not inside an OpenMP region. */
lp_status lp_graph_build_igraph(lp_graph *g);

/* ---- ties ---------------------------------------------------------------- */

/* A tie is an edge between a person and a node that is neither a person nor
 * an anchor: a working relationship with the customer side (docs/model.md).
 * Remove every tie of (merged) weight below min_tie from g's CSR; other
 * edges stay whatever their weight. Roles must be set. g->m and the CSR
 * change; the igraph copy, if any, is dropped; *out_dropped (may be NULL)
 * receives the number of ties removed. The new CSR is the graph's own even
 * when the old one belonged to a backing. O(n + m), OpenMP; the result does
 * not depend on the thread count. LP_EINTERNAL when out of memory (g is then
 * unchanged). */
lp_status lp_graph_drop_weak_ties(lp_graph *g, double min_tie, int64_t *out_dropped);

/* Comma-separated node-type lists of the three roles. */
typedef struct lp_roles {
    const char *anchor, *person, *account;
} lp_roles;
#define LP_ROLES_INIT                                                                              \
    {                                                                                              \
        .anchor = "company", .person = "employee", .account = "account"                            \
    }

/* Set g->role and the role counts from the type lists. A type listed that no
 * node has is not an error (lp_graph_type_index tells); an empty list or an
 * empty item is LP_EUSAGE. */
lp_status lp_graph_set_roles(lp_graph *g, const lp_roles *roles);

/* Index of a type name in g->nodes.type_name, or -1. */
int64_t lp_graph_type_index(const lp_graph *g, const char *name, size_t len);

/* The node types of g for a message, in type order, each quoted:
 * "'company', 'employee', 'account'" (each escaped by lp_text_msg),
 * "(none)" without types; cut to fit buf (cap >= 32) with ", ... (N
 * types)" after the last that fits. Returns buf. E.g.
 *     warning: --anchor type 'Company' matches no node (types: 'company', ...)
 */
const char *lp_graph_types_text(const lp_graph *g, char *buf, size_t cap);

/* Node v for a message or a printed table: "Name (id)" when it has a name,
 * else its id, each escaped by lp_text_msg (control characters, invalid
 * UTF-8) and cut short. Returns buf. */
const char *lp_graph_node_label(const lp_graph *g, lp_vid v, char *buf, size_t cap);

#endif
