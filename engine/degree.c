/* degree.c — degree and strength from the CSR snapshot, O(n + m), OpenMP
 * over vertices (each thread writes only its own entries). */
#include "lp_metrics.h"

void lp_degree(int64_t *out, const lp_csr *csr)
{
#pragma omp parallel for schedule(static)
    for (lp_vid v = 0; v < csr->n; v++) out[v] = csr->offset[v + 1] - csr->offset[v];
}

void lp_strength(double *out, const lp_csr *csr)
{
    /* Summed in neighbour order: the same result for any thread count. */
#pragma omp parallel for schedule(dynamic, 4096)
    for (lp_vid v = 0; v < csr->n; v++) {
        double s = 0.0;
        for (int64_t k = csr->offset[v]; k < csr->offset[v + 1]; k++) s += csr->weight[k];
        out[v] = s;
    }
}
