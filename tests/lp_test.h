/* lp_test.h — small helpers shared by the C tests: a CHECK that counts
 * failures and goes on, a seeded splitmix64 stream, and the OpenMP thread
 * count setter (a no-op without OpenMP). Header-only: each test is one
 * translation unit. */
#ifndef LP_TEST_H
#define LP_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lp_generate.h"
#include "lp_graph.h"

static int failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
        }                                                                                          \
    } while (0)

static uint64_t rng_state;
static inline uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline int64_t rnd_below(int64_t k)
{
    return (int64_t)(rnd() % (uint64_t)k);
}

static inline void set_threads(int t)
{
#ifdef _OPENMP
    omp_set_num_threads(t);
#else
    (void)t;
#endif
}

/* A generated enterprise graph (lp_generate) with the default roles set;
 * aborts on failure. With the awkward extras, so that the kernels also see
 * orphan accounts and the loader's merged duplicates and dropped
 * self-loops. */
static inline lp_graph lp_test_enterprise(int64_t accounts, uint64_t seed)
{
    lp_generate_options o = LP_GENERATE_OPTIONS_INIT;
    o.accounts = accounts;
    o.seed = seed;
    o.awkward = 1;
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    lp_graph g;
    lp_roles roles = LP_ROLES_INIT;
    if (lp_generate(&nodes, &edges, &o) || lp_graph_build(&g, &nodes, &edges) ||
        lp_graph_build_igraph(&g) /* the tests' oracle */ || lp_graph_set_roles(&g, &roles)) {
        fprintf(stderr, "generate: %s\n", lp_error_message());
        abort();
    }
    return g;
}

#endif
