/* lp_i_bfs.h — internal: the level-synchronous search behind lp_brokerage,
 * with its switches exposed so that tests can force each way of expanding
 * a level on small graphs (the defaults only go parallel on big levels). */
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

#endif
