/* lp_i_mem.h — internal: allocation of large per-vertex arrays. */
#ifndef LP_I_MEM_H
#define LP_I_MEM_H

#include <stddef.h>
#include <stdint.h>

/* malloc (zero = 0) or calloc (zero = 1) of `bytes`; arrays of 4 MiB or
 * more are 2 MiB aligned and offered to the kernel as huge pages
 * (madvise MADV_HUGEPAGE), which cuts TLB misses of the random accesses
 * graph searches make. Free with free(). NULL when out of memory. */
void *lp_i_alloc_big(size_t bytes, int zero);

/* Parallel arrays moved to bigger blocks: each *arr[i] (elements of
 * size[i] bytes) becomes a block of cap elements from lp_i_alloc_big
 * (zeroed when zero) holding its first `used` elements, and the old block
 * is freed. A copy rather than realloc: filling a fresh huge-page block
 * takes one page fault per 2 MiB instead of one per 4 KiB, and the copy
 * (which takes those faults) runs on every thread (on the calling thread
 * alone inside a parallel region, where nested regions are off).
 * All or nothing: 0, or -1 when out of memory with every array unchanged.
 * k <= 8. */
int lp_i_move_arrays(void **const arr[], const size_t size[], int k, int64_t used, int64_t cap,
                     int zero);

/* to[0..bytes) = from[0..bytes), or zeros when from is NULL, in 2 MiB
 * parts handed to whichever thread is free: the first-touch faults of a
 * fresh block are taken in parallel, and on a VM their cost varies ten
 * times between pages the host still backs and pages it took back, so a
 * static split would leave threads waiting. (lp_i_alloc_big keeps a static
 * split: the engine's later loops read its blocks in that split.) */
void lp_i_fill_parallel(void *to, const void *from, size_t bytes);

#endif
