/* alloc.c — see lp_alloc.h. */
#define _DEFAULT_SOURCE /* strdup, madvise, MADV_HUGEPAGE */
#include "lp_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* lp_i_limit < 0: no countdown. Otherwise allocation number n (counted
 * from 0 in lp_i_count) fails when n >= lp_i_limit. */
static long lp_i_limit = -1;
static long lp_i_count = 0;

int lp_alloc_injected_failure(void)
{
    long n = __atomic_fetch_add(&lp_i_count, 1, __ATOMIC_RELAXED);
    long limit = __atomic_load_n(&lp_i_limit, __ATOMIC_RELAXED);
    return limit >= 0 && n >= limit;
}

/* Blocks of 4 MiB and more get transparent huge pages on the 2 MiB-aligned
 * part of them (a hint: nothing changes if the kernel declines). Every
 * page of a fresh block is a fault on first touch, and on the VMs this
 * runs on a 4 KiB fault costs about 3 ms per MB filled (a 256 MB memset:
 * 0.8-0.9 s, against 0.03-0.36 s on huge pages; bench/README.md "Memory").
 * Pages never touched still cost nothing, now in 2 MiB steps. */
static void *huge_hint(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)1 << 21;
    if (p && bytes >= 2 * huge) {
        uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
        uintptr_t hi = ((uintptr_t)p + bytes) & ~(huge - 1);
        if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    return p;
}

void *lp_malloc(size_t bytes)
{
    return lp_alloc_injected_failure() ? NULL : huge_hint(malloc(bytes), bytes);
}

void *lp_calloc(size_t count, size_t size)
{
    if (lp_alloc_injected_failure()) return NULL;
    void *p = calloc(count, size);
    return p ? huge_hint(p, count * size) : NULL; /* calloc checked the product */
}

void *lp_realloc(void *p, size_t bytes)
{
    return lp_alloc_injected_failure() ? NULL : huge_hint(realloc(p, bytes), bytes);
}

char *lp_strdup(const char *s)
{
    return lp_alloc_injected_failure() ? NULL : strdup(s);
}

void lp_alloc_fail_after(long k)
{
    __atomic_store_n(&lp_i_count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&lp_i_limit, k, __ATOMIC_RELAXED);
}

long lp_alloc_count(void)
{
    return __atomic_load_n(&lp_i_count, __ATOMIC_RELAXED);
}
