/* lp_centrality.h — parallel centrality kernels on the CSR snapshot:
 * betweenness (exact and sampled), brokerage from the virtual root R, and
 * PageRank. None of them calls igraph; all run under OpenMP with per-thread
 * workspaces allocated before the parallel region. */
#ifndef LP_CENTRALITY_H
#define LP_CENTRALITY_H

#include "lp_dist.h"
#include "lp_graph.h"

/* Exact shortest-path betweenness of the input graph (without R):
 * undirected, unweighted, unnormalised, each unordered pair counted once
 * (igraph's convention). out has csr->n entries. Computed block by block
 * (biconnected components), see betweenness.c. */
lp_status lp_betweenness_exact(double *out, const lp_csr *csr);

/* The same, with the sources shared among the ranks of dist (NULL: alone;
 * collective: every rank calls it with the same graph): the sources are cut
 * into LP_BW_CHUNKS chunks of about equal estimated cost, chunk c is rank
 * c mod P's, and the exact sums are added over the ranks, so out is
 * bitwise the same for every rank count. With dist's checkpoint hooks,
 * chunks finished by an earlier run are not run again. Every rank gets
 * out. */
lp_status lp_betweenness_exact_dist(double *out, const lp_csr *csr, const lp_dist *dist);

/* Chunks of the exact run's sources (fixed: a checkpoint is valid for any
 * rank count), and how many go into one round between checkpoints. */
#define LP_BW_CHUNKS 1024
#define LP_BW_CHUNKS_PER_ROUND 32

typedef struct lp_sampling {
    double epsilon; /* additive error bound on normalised betweenness */
    double delta;   /* failure probability */
    uint64_t seed;
} lp_sampling;
#define LP_SAMPLING_INIT                                                                           \
    {                                                                                              \
        .epsilon = 0.01, .delta = 0.1, .seed = 1                                                   \
    }

typedef struct lp_sampling_report {
    int64_t samples;         /* shortest paths sampled */
    int64_t vertex_diameter; /* upper bound used in the sample size */
} lp_sampling_report;

/* The most paths lp_betweenness_sampled samples. Each sample is a
 * bidirectional BFS (microseconds to milliseconds), so 10^8 samples is
 * hours of work on a large graph; more is never worth it: exact betweenness
 * is cheaper than sampling with an epsilon that small. */
#define LP_SAMPLING_MAX_SAMPLES ((int64_t)100000000)

/* Check the sampling options without a graph: 0 < epsilon < 1,
 * 0 < delta < 1, and the sample count for the smallest possible vertex
 * diameter within LP_SAMPLING_MAX_SAMPLES. LP_EUSAGE with one line saying
 * why, e.g. "sampled betweenness: epsilon 1e-12 and delta 0.1 need at least
 * 1.6e+24 samples, more than the limit 100000000 (use a larger epsilon or
 * exact betweenness)". Callers run it before loading any input, so a bad
 * request fails in a moment; lp_betweenness_sampled checks again with the
 * graph's own bound. */
lp_status lp_sampling_check(const lp_sampling *opt);

/* Estimated betweenness, same scale as lp_betweenness_exact: with
 * probability >= 1 - delta every vertex's normalised estimate
 * (out[v] / (n(n-1)/2)) is within epsilon of the exact normalised value.
 * Identical output for the same seed whatever the thread count. */
lp_status lp_betweenness_sampled(double *out, lp_sampling_report *out_report, const lp_csr *csr,
                                 const lp_sampling *opt);

/* The same, with the samples shared among the ranks of dist (groups of
 * LP_BW_SAMPLE_GRAIN round-robin; the samples themselves depend on the seed
 * only); the counts are added over the ranks, so out is bitwise the same
 * for every rank count. Every rank gets out. */
lp_status lp_betweenness_sampled_dist(double *out, lp_sampling_report *out_report,
                                      const lp_csr *csr, const lp_sampling *opt,
                                      const lp_dist *dist);
#define LP_BW_SAMPLE_GRAIN 4096

/* brokerage(v) = sum over accounts a reachable from R of the fraction of
 * shortest R-a paths through v (v not an endpoint). Uses g->role. out has
 * g->n entries (0 for unreachable vertices). One BFS from R, O(n + m). */
lp_status lp_brokerage(double *out, const lp_graph *g);

typedef struct lp_pagerank_options {
    double damping;   /* 0.85 */
    double tolerance; /* stop when the L1 change of an iteration is below */
    int max_iterations;
} lp_pagerank_options;
#define LP_PAGERANK_OPTIONS_INIT                                                                   \
    {                                                                                              \
        .damping = 0.85, .tolerance = 1e-12, .max_iterations = 10000                               \
    }

/* Weighted PageRank (edge weight = interaction strength), dangling nodes
 * teleport uniformly; pull-direction Chebyshev-accelerated power iteration
 * (the same fixed point, about 3x fewer iterations), no atomics. out has
 * csr->n entries summing to 1. *out_iterations receives the iterations run. */
lp_status lp_pagerank(double *out, int *out_iterations, const lp_csr *csr,
                      const lp_pagerank_options *opt);

#endif
