/* alloc.c — see lp_alloc.h. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

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

void *lp_malloc(size_t bytes)
{
    return lp_alloc_injected_failure() ? NULL : malloc(bytes);
}

void *lp_calloc(size_t count, size_t size)
{
    return lp_alloc_injected_failure() ? NULL : calloc(count, size);
}

void *lp_realloc(void *p, size_t bytes)
{
    return lp_alloc_injected_failure() ? NULL : realloc(p, bytes);
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
