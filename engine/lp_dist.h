/* lp_dist.h — how a kernel shares its work with other processes (the ranks
 * of an MPI job) without the engine knowing MPI or files: a rank/size pair
 * and a few function pointers filled in by the caller (the MPI
 * implementation is cli/mpi.c, built only with -DLP_MPI=ON; the checkpoint
 * files are cli/checkpoint.c). A NULL lp_dist, or size 1 with NULL hooks,
 * is a single process.
 *
 * Contract for byte-identical results whatever the rank count: every
 * partitioned kernel accumulates integers (exact betweenness: 128-bit fixed
 * point, sampled: path counts, bus factor: small integers) and reduces them
 * with sum_u64, whose result does not depend on the order of the additions;
 * variable-length results travel with gather, in rank order, and are put
 * back in the order of the single-process run. Every rank must call the
 * same kernels with the same graph (each rank holds the whole graph) in
 * the same order: the hooks are collective.
 *
 *     lp_dist d = {rank, size, ctx, my_sum_u64, my_gather, NULL, NULL};
 *     opt.dist = &d;   (lp_analyze_options)
 */
#ifndef LP_DIST_H
#define LP_DIST_H

#include <stdint.h>

#include "lp_error.h"

typedef struct lp_dist {
    int rank, size; /* 0 <= rank < size */
    void *ctx;      /* passed to every hook */
    /* buf[0 .. n) replaced by its element-wise sum (modulo 2^64) over all
     * ranks, on every rank. NULL only when size == 1. */
    lp_status (*sum_u64)(void *ctx, uint64_t *buf, int64_t n);
    /* The bytes of every rank, concatenated in rank order, on every rank:
     * *out (released with free(); NULL when the total is 0) of *out_bytes
     * bytes. NULL only when size == 1. */
    lp_status (*gather)(void *ctx, const void *mine, int64_t bytes, void **out, int64_t *out_bytes);
    /* Checkpoint of exact betweenness, NULL: none. The sources are cut into
     * n_chunks chunks (fixed for a graph, not for a rank count); key
     * identifies the graph's block decomposition. load fills done[c] = 1
     * for every chunk finished by any earlier run (to skip) and held[c] = 1
     * for those whose sums it put into this rank's acc[0 .. n_words) (the
     * caller zeroes acc; sums in the wide form of betweenness.c); over all
     * ranks, each done chunk is held by exactly one. save records that
     * held[] chunks are summed in acc (called after each round of chunks and
     * once with final = 1); the implementation may skip a non-final save. */
    lp_status (*ckpt_load)(void *ctx, uint64_t key, int64_t n_chunks, uint8_t *done, uint8_t *held,
                           int64_t n_words, uint64_t *acc);
    lp_status (*ckpt_save)(void *ctx, uint64_t key, int64_t n_chunks, const uint8_t *held,
                           int64_t n_words, const uint64_t *acc, int final);
} lp_dist;

/* Work item i of a kernel is this rank's when lp_dist_mine(d, i / grain):
 * round-robin over chunks of grain items. Always 1 without a dist. */
static inline int lp_dist_mine(const lp_dist *d, int64_t chunk)
{
    return !d || d->size <= 1 || chunk % d->size == d->rank;
}

/* sum_u64 when there are other ranks, else nothing. */
lp_status lp_dist_sum_u64(const lp_dist *d, uint64_t *buf, int64_t n);

/* Sum int32 values over the ranks (each rank wrote only its own items and
 * 0 elsewhere), in place. */
lp_status lp_dist_sum_i32(const lp_dist *d, int32_t *buf, int64_t n);

/* Part i of n of what a rank shares (e.g. one thread's records): its
 * address, and *bytes its length. */
typedef const void *(*lp_dist_part_fn)(const void *ctx, int i, int64_t *bytes);

/* The n parts concatenated in order, then gathered over the ranks (gather:
 * every rank's bytes in rank order into *out, free() it). what names the
 * data in the out-of-memory message. Needs other ranks (d->size > 1). */
lp_status lp_dist_gather_parts(const lp_dist *d, int n, lp_dist_part_fn part, const void *ctx,
                               const char *what, void **out, int64_t *out_bytes);

#endif
