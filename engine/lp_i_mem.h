/* lp_i_mem.h — internal: allocation of large per-vertex arrays. */
#ifndef LP_I_MEM_H
#define LP_I_MEM_H

#include <stddef.h>

/* malloc (zero = 0) or calloc (zero = 1) of `bytes`; arrays of 4 MiB or
 * more are 2 MiB aligned and offered to the kernel as huge pages
 * (madvise MADV_HUGEPAGE), which cuts TLB misses of the random accesses
 * graph searches make. Free with free(). NULL when out of memory. */
void *lp_i_alloc_big(size_t bytes, int zero);

#endif
