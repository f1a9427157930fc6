/* mem.c — see lp_i_mem.h. */
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include "lp_i_mem.h"
#include "lp_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *lp_i_alloc_big(size_t bytes, int zero)
{
    const size_t huge = (size_t)1 << 21;
    if (bytes < 2 * huge)
        return zero ? lp_calloc(1, bytes ? bytes : 1) : lp_malloc(bytes ? bytes : 1);
    void *p = NULL;
    if (lp_alloc_injected_failure() || posix_memalign(&p, huge, bytes)) return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: failure changes nothing */
#endif
    if (zero) { /* the first touch zeroes the huge pages: on every thread */
        const size_t part = (size_t)8 << 20;
        const int64_t parts = (int64_t)((bytes + part - 1) / part);
#pragma omp parallel for schedule(static) if (parts > 1)
        for (int64_t k = 0; k < parts; k++) {
            size_t at = (size_t)k * part;
            memset((char *)p + at, 0, bytes - at < part ? bytes - at : part);
        }
    }
    return p;
}

int lp_i_move_arrays(void **const arr[], const size_t size[], int k, int64_t used, int64_t cap,
                     int zero)
{
    void *q[8] = {NULL};
    if (k > 8) return -1;
    for (int i = 0; i < k; i++)
        if (!(q[i] = lp_i_alloc_big((size_t)cap * size[i], zero))) {
            for (int j = 0; j < i; j++)
                free(q[j]);
            return -1;
        }
    for (int i = 0; i < k; i++) {
        /* the copy takes the new block's first-touch faults: on every thread */
        lp_i_fill_parallel(q[i], *arr[i], used > 0 ? (size_t)used * size[i] : 0);
        free(*arr[i]);
        *arr[i] = q[i];
    }
    return 0;
}

void lp_i_fill_parallel(void *to, const void *from, size_t bytes)
{
    const size_t part = (size_t)2 << 20;
    const int64_t parts = (int64_t)((bytes + part - 1) / part);
#pragma omp parallel for schedule(dynamic, 1) if (parts > 1)
    for (int64_t j = 0; j < parts; j++) {
        size_t at = (size_t)j * part, len = bytes - at < part ? bytes - at : part;
        if (from)
            memcpy((char *)to + at, (const char *)from + at, len);
        else
            memset((char *)to + at, 0, len);
    }
}
