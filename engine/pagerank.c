/* pagerank.c — weighted PageRank, pull direction, Chebyshev-accelerated
 * Jacobi iteration (Page, Brin, Motwani, Winograd 1999; the Chebyshev
 * semi-iterative method: Golub & Varga 1961, Golub & Van Loan §11.2.8).
 *
 * The fixed point is the one of the classic power iteration
 *
 *   x = M x + b,   (M x)(v) = d * ( sum_{u ~ v} w(u,v) x(u) / s(u) + D/n ),
 *   b = (1 - d)/n, D = sum of x(u) over dangling u (strength 0),
 *
 * i.e. dangling nodes teleport uniformly (igraph's PRPACK and NetworkX's
 * convention). The graph is undirected with symmetric weights, so the random
 * walk matrix W S^-1 is similar to the symmetric S^-1/2 W S^-1/2: its
 * eigenvalues are real, in [-1, 1]. A dangling node here is an isolated one
 * (no edge in or out), so the uniform patch makes M block triangular and
 * adds only the eigenvalues d k/n and 0. Hence the spectrum of M lies in
 * [-d, d], and the Chebyshev iteration on that interval
 *
 *   x_1 = M x_0 + b,
 *   x_{k+1} = x_{k-1} + w_{k+1} (M x_k + b - x_{k-1}),
 *   w_2 = 1 / (1 - d^2/2),  w_{k+1} = 1 / (1 - d^2 w_k / 4),
 *
 * shrinks the error by about (1 - sqrt(1 - d^2)) / d per iteration (0.557 at
 * d = 0.85) instead of the power iteration's d (0.85): about 3x fewer
 * iterations to the same L1 change (132 -> 45 on the 10M-edge benchmark
 * graph). Each step keeps sum(x) = 1 exactly in real arithmetic, as the power
 * iteration does. Stop when the L1 change of one iteration is below the
 * tolerance.
 *
 * One pass over the arcs per iteration: each vertex pulls
 * sum w(u,v) contrib(u), with contrib(u) = x(u)/s(u) from the previous pass,
 * and the same pass writes the new x(v), the new contrib(v), and adds to the
 * L1 change and the next dangling mass. Weights that are all exactly
 * representable as floats (integral weights below 2^24 always are) are
 * read from a float copy: half the bytes per arc, the same products.
 * Each thread writes only its own entries, no atomics.
 *
 * Reductions (dangling mass, L1 change) are summed per fixed block of
 * vertices and the blocks added in order, so the result is bitwise the same
 * for any thread count. O(m) per iteration.
 */
#include "lp_centrality.h"
#include "lp_alloc.h"
#include "lp_i_progress.h"
#include "lp_metrics.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#define BLOCK 4096

/* A float copy of the weights when every one converts exactly, else NULL
 * with *nomem clear (the double weights are used). Weights are positive and
 * finite; one above FLT_MAX is not converted at all (undefined in C). */
static float *float_weights(const lp_csr *csr, int *nomem)
{
    const int64_t arcs = 2 * csr->m;
    int exact = 1;
#pragma omp parallel for schedule(static) reduction(&& : exact) if (arcs >= LP_PARALLEL_MIN)
    for (int64_t k = 0; k < arcs; k++)
        exact =
            exact && csr->weight[k] <= FLT_MAX && (double)(float)csr->weight[k] == csr->weight[k];
    *nomem = 0;
    if (!exact) return NULL;
    float *w = lp_malloc(((size_t)arcs + 1) * sizeof *w);
    if (!w) {
        *nomem = 1;
        return NULL;
    }
#pragma omp parallel for schedule(static) if (arcs >= LP_PARALLEL_MIN)
    for (int64_t k = 0; k < arcs; k++)
        w[k] = (float)csr->weight[k];
    return w;
}

/* sum_{k in [lo, hi)} w[k] * contrib[adj[k]], in arc order. */
static inline double pull_f(const float *w, const lp_vid *adj, const double *contrib, int64_t lo,
                            int64_t hi)
{
    double sum = 0.0;
    for (int64_t k = lo; k < hi; k++)
        sum += (double)w[k] * contrib[adj[k]];
    return sum;
}

static inline double pull_d(const double *w, const lp_vid *adj, const double *contrib, int64_t lo,
                            int64_t hi)
{
    double sum = 0.0;
    for (int64_t k = lo; k < hi; k++)
        sum += w[k] * contrib[adj[k]];
    return sum;
}

lp_status lp_pagerank(double *out, int *out_iterations, const lp_csr *csr,
                      const lp_pagerank_options *opt)
{
    const lp_vid n = csr->n;
    if (n == 0) {
        if (out_iterations) *out_iterations = 0;
        return LP_OK;
    }
    const double d = opt->damping;
    if (!(d >= 0 && d < 1)) return lp_error_set(LP_EUSAGE, "PageRank damping must be in [0, 1)");
    size_t n1 = (size_t)n + 1;
    int64_t nb = ((int64_t)n + BLOCK - 1) / BLOCK;
    /* The iterates are held scaled, z(v) = x(v)/s(v) (x(v) itself for a
     * dangling node, which no one pulls from): z is what a neighbour pulls,
     * so one array serves both. z_{k-1} and z_{k+1} share one buffer: entry
     * v of z_{k-1} is read once, just before entry v of z_{k+1} replaces it.
     * out serves as one of the two buffers. */
    double *zold = lp_malloc(n1 * sizeof *zold), *z = out;
    double *strength = lp_malloc(n1 * sizeof *strength),
           *part_change = lp_malloc(((size_t)nb + 1) * sizeof *part_change),
           *part_dangling = lp_malloc(((size_t)nb + 1) * sizeof *part_dangling);
    int nomem = 0;
    float *wf = NULL;
    if (zold && strength && part_change && part_dangling) wf = float_weights(csr, &nomem);
    if (!zold || !strength || !part_change || !part_dangling || nomem) {
        free(zold);
        free(strength);
        free(part_change);
        free(part_dangling);
        return lp_error_nomem("PageRank");
    }
    const double *wd = csr->weight;
    const int64_t *off = csr->offset;
    const lp_vid *adj = csr->adj;
    lp_strength(strength, csr);

    /* x_0 = 1/n, scaled, and its dangling mass (per block, in order). */
    const double x0 = 1.0 / (double)n;
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        double dm = 0.0;
        lp_vid hi = (lp_vid)((b + 1) * BLOCK < n ? (b + 1) * BLOCK : n);
        for (lp_vid v = (lp_vid)(b * BLOCK); v < hi; v++) {
            if (strength[v] > 0) {
                z[v] = x0 / strength[v];
            } else {
                z[v] = x0;
                dm += x0;
            }
            zold[v] = z[v];
        }
        part_dangling[b] = dm;
    }

    int it = 0;
    double omega = 1.0; /* w_1: the first step is a plain power step */
    lp_i_ticker tick;   /* iterations; how many is not known in advance */
    lp_i_tick_begin(&tick, "pagerank", -1);
    while (it < opt->max_iterations) {
        double dangling = 0.0;
        for (int64_t b = 0; b < nb; b++)
            dangling += part_dangling[b];
        const double base = (1.0 - d) / (double)n + d * dangling / (double)n;
        const double w = omega;
        const int first = it == 0;
#pragma omp parallel for schedule(dynamic, 4) if (n >= LP_PARALLEL_MIN)
        for (int64_t b = 0; b < nb; b++) {
            double diff = 0.0, dm = 0.0;
            lp_vid hi = (lp_vid)((b + 1) * BLOCK < n ? (b + 1) * BLOCK : n);
            for (lp_vid v = (lp_vid)(b * BLOCK); v < hi; v++) {
                double sum = wf ? pull_f(wf, adj, z, off[v], off[v + 1])
                                : pull_d(wd, adj, z, off[v], off[v + 1]);
                double y = base + d * sum; /* (M x_k + b)(v) */
                double s = strength[v];
                if (s > 0) {
                    double zy = y / s;
                    double val = first ? zy : zold[v] + w * (zy - zold[v]);
                    diff += s * fabs(val - z[v]);
                    zold[v] = val;
                } else {
                    double val = first ? y : zold[v] + w * (y - zold[v]);
                    diff += fabs(val - z[v]);
                    dm += val;
                    zold[v] = val;
                }
            }
            part_change[b] = diff;
            part_dangling[b] = dm;
        }
        double change = 0.0;
        for (int64_t b = 0; b < nb; b++)
            change += part_change[b];
        /* zold now holds z_{k+1}; z (z_k) becomes z_{k-1}. */
        double *t = z;
        z = zold;
        zold = t;
        omega = it == 0 ? 1.0 / (1.0 - d * d / 2.0) : 1.0 / (1.0 - d * d * omega / 4.0);
        it++;
        lp_i_tick(&tick, 1);
        if (change < opt->tolerance) break;
    }
    lp_i_tick_end(&tick);
    /* x = z s (z itself where dangling), into out. */
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < n; v++)
        out[v] = strength[v] > 0 ? z[v] * strength[v] : z[v];
    if (z != out) zold = z; /* the scratch buffer, freed below */
    if (out_iterations) *out_iterations = it;
    free(zold);
    free(strength);
    free(part_change);
    free(part_dangling);
    free(wf);
    return LP_OK;
}
