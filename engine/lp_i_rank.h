/* lp_i_rank.h — internal: the one ranking used for the top lists. */
#ifndef LP_I_RANK_H
#define LP_I_RANK_H

#include <stdint.h>

#include "lp_error.h"
#include "lp_graph.h"

typedef struct lp_i_ranked {
    double value; /* larger first */
    int64_t tie;  /* then larger first */
    lp_vid row;   /* then smaller first (a node row) */
} lp_i_ranked;

/* Sort e[0..c) by value desc, tie desc, row asc and return the rows of the
 * first min(c, k) in *out_rows (malloc'ed, caller frees). e is reordered,
 * not freed. */
lp_status lp_i_top_rows(lp_vid **out_rows, int64_t *out_count, lp_i_ranked *e, int64_t c,
                        int64_t k);

#endif
