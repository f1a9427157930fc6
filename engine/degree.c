/* degree.c — degree and strength from the CSR snapshot, O(n + m), OpenMP
 * over vertices (each thread writes only its own entries); ranking of a
 * per-node score. */
#include "lp_metrics.h"
#include "lp_alloc.h"

#include "lp_i_rank.h"

#include <stdlib.h>

void lp_degree(int64_t *out, const lp_csr *csr)
{
#pragma omp parallel for schedule(static) if (csr->n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < csr->n; v++)
        out[v] = csr->offset[v + 1] - csr->offset[v];
}

void lp_strength(double *out, const lp_csr *csr)
{
    /* Summed in neighbour order: the same result for any thread count. */
#pragma omp parallel for schedule(dynamic, 4096) if (csr->n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < csr->n; v++) {
        double s = 0.0;
        for (int64_t k = csr->offset[v]; k < csr->offset[v + 1]; k++)
            s += csr->weight[k];
        out[v] = s;
    }
}

static int ranked_cmp(const void *x, const void *y)
{
    const lp_i_ranked *a = x, *b = y;
    if (a->value != b->value) return a->value > b->value ? -1 : 1;
    if (a->tie != b->tie) return a->tie > b->tie ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

lp_status lp_i_top_rows(lp_vid **out_rows, int64_t *out_count, lp_i_ranked *e, int64_t c, int64_t k)
{
    qsort(e, (size_t)c, sizeof *e, ranked_cmp);
    if (c > k) c = k;
    lp_vid *rows = lp_malloc(((size_t)c + 1) * sizeof *rows);
    if (!rows) return lp_error_nomem("ranking");
    for (int64_t i = 0; i < c; i++)
        rows[i] = e[i].row;
    *out_rows = rows;
    *out_count = c;
    return LP_OK;
}

lp_status lp_top_by_value(lp_vid **out_rows, int64_t *out_count, const double *value, int64_t n,
                          int64_t k)
{
    int64_t c = 0;
    lp_i_ranked *e = lp_malloc(((size_t)n + 1) * sizeof *e);
    if (!e) return lp_error_nomem("ranking");
    for (lp_vid v = 0; v < n; v++)
        if (value[v] > 0) e[c++] = (lp_i_ranked){.value = value[v], .tie = 0, .row = v};
    lp_status st = lp_i_top_rows(out_rows, out_count, e, c, k);
    free(e);
    return st;
}
