/* lp_metrics.h — simple per-node metrics on the CSR snapshot (without R,
 * after merging duplicates and dropping self-loops). O(n + m), OpenMP. */
#ifndef LP_METRICS_H
#define LP_METRICS_H

#include "lp_graph.h"

/* out[v] = number of distinct neighbours of v. out has csr->n entries. */
void lp_degree(int64_t *out, const lp_csr *csr);

/* out[v] = sum of merged edge weights at v. out has csr->n entries. */
void lp_strength(double *out, const lp_csr *csr);

/* The rows of up to k nodes with the largest value[v] > 0, by value desc
 * then row asc. *out_rows is malloc'ed (caller frees); *out_count <= k. */
lp_status lp_top_by_value(lp_vid **out_rows, int64_t *out_count, const double *value, int64_t n,
                          int64_t k);

#endif
