/* lp_i_busfactor.h — internal: the bus-factor search of busfactor.c as an
 * object, for callers that run it on chosen accounts with some persons
 * taken out of the graph (departure scenarios, scenario.c). */
#ifndef LP_I_BUSFACTOR_H
#define LP_I_BUSFACTOR_H

#include "lp_graph.h"

typedef struct lp_i_bf lp_i_bf;

/* Workspaces for nthreads threads (small tables that grow to what the
 * searches touch) and the O(n + m) pre-pass (n bytes kept).
 * g's roles must be set; g must outlive the object. */
lp_status lp_i_bf_init(lp_i_bf **out, const lp_graph *g, int nthreads);
void lp_i_bf_free(lp_i_bf *s); /* accepts NULL */

/* Bus factor of node a (exact up to cap >= 1, cap meaning "cap or more")
 * in the graph without the persons v with removed[v] == removed_gen (a
 * itself is never removed; removed may be NULL). Uses thread t's workspace
 * only, so threads may call it concurrently with distinct t. */
int32_t lp_i_bf_one(lp_i_bf *s, int t, lp_vid a, int32_t cap, const uint32_t *removed,
                    uint32_t removed_gen);

/* 1 if a call of lp_i_bf_one ran out of memory (its answer was 0 and is
 * wrong): the caller returns lp_error_nomem. Check after the parallel loop. */
int lp_i_bf_failed(const lp_i_bf *s);

#endif
