/* lp_i_bfs.h — internal: the level-synchronous, direction-optimizing
 * breadth-first search (engine/bfs.c) behind lp_brokerage and the
 * vertex-diameter bound of sampled betweenness, with its switches exposed
 * so that tests can force each way of expanding a level on small graphs
 * (the defaults only go parallel on big levels). */
#ifndef LP_I_BFS_H
#define LP_I_BFS_H

#include <stdint.h>

#include "lp_error.h"
#include "lp_graph.h"

typedef struct lp_i_bfs_tuning {
    /* A level whose frontier has fewer arcs than this is expanded serially
     * (and its predecessors summed serially). */
    int64_t parallel_min;
    /* 0: direction-optimizing (top-down, bottom-up when the frontier's arcs
     * outweigh the unexplored ones; Beamer et al. 2012); 1: top-down only;
     * 2: bottom-up for every level that is not expanded serially. */
    int mode;
} lp_i_bfs_tuning;

#define LP_I_BFS_TUNING_DEFAULT                                                                    \
    {                                                                                              \
        .parallel_min = LP_PARALLEL_MIN, .mode = 0                                                 \
    }

/* lp_brokerage with explicit tuning; the result is bitwise the same for
 * every tuning and thread count. */
lp_status lp_i_brokerage_tuned(double *out, const lp_graph *g, const lp_i_bfs_tuning *t);

/* The search state. One lp_i_bfs serves any number of searches over the
 * same graph: the vertices they reach are never reached again (seen), and
 * each search appends its levels to order. */
typedef struct lp_i_bfs {
    const lp_csr *c;
    const lp_i_bfs_tuning *t;
    lp_vid *order;   /* [n] every search's levels, one after the other */
    int64_t *level;  /* the current search's level L is order[level[L-1] .. level[L]) */
    int64_t n_level; /* levels of the current search */
    int64_t level_cap;
    int64_t unexplored;            /* arcs of the vertices no search has reached yet */
    uint64_t *seen, *front, *next; /* [words] bitmaps */
    int64_t words;
    int64_t *block; /* [blocks + 1] compaction offsets */
} lp_i_bfs;

/* Called once per level found, in order, before the level is expanded:
 * the level is b->order[lo .. hi), its depth d (the sources' level is 1),
 * and par says whether the level is big enough to be handled in parallel
 * (the callback may use it in an OpenMP if clause; never depends on the
 * thread count). */
typedef void (*lp_i_bfs_level_fn)(void *ctx, const lp_i_bfs *b, int64_t lo, int64_t hi, int32_t d,
                                  int par);

/* Workspace for searches over c with tuning t (both must outlive it). */
lp_status lp_i_bfs_init(lp_i_bfs *b, const lp_csr *c, const lp_i_bfs_tuning *t);
void lp_i_bfs_free(lp_i_bfs *b);

/* Whether v has been reached by a search so far. */
static inline int lp_i_bfs_seen(const lp_i_bfs *b, lp_vid v)
{
    return (int)((b->seen[v >> 6] >> (v & 63)) & 1u);
}

/* One search from the sources src[0 .. ns) (distinct, not seen yet): they
 * form level 1 at order[at ..), and level L + 1 is every vertex not seen
 * before with a neighbour in level L, in ascending vertex order when the
 * level was expanded in parallel, in discovery order (frontier order, then
 * arc order) when serially; which way a level goes depends on arc counts
 * and the tuning only, never on threads. `at` is where the previous search
 * ended (0 for the first). Calls fn for every level; on return
 * b->level[0 .. n_level] delimit this search's levels. */
lp_status lp_i_bfs_search(lp_i_bfs *b, int64_t at, const lp_vid *src, int64_t ns,
                          lp_i_bfs_level_fn fn, void *ctx);

/* The vertex-diameter bound of sampled betweenness with explicit tuning:
 * per connected component, one search from its lowest vertex x, and with
 * e1 >= e2 the two largest distances from x over the other vertices (with
 * multiplicity; 0 when missing), the largest e1 + e2 + 1 (at least 1). */
lp_status lp_i_vertex_diameter_bound(int64_t *out, const lp_csr *c, const lp_i_bfs_tuning *t);

#endif
