/* lp_alloc.h — the one allocator of the engine and io libraries.
 *
 * Every allocation in engine/ and io/ goes through these functions, so a
 * test can make the k-th allocation fail and check that every failure
 * path returns a clean status, leaks nothing and leaves no output
 * (tests/test_alloc_fail.c, "brutal malloc" in the style of LAGraph).
 * Memory from them is released with free(). Safe to call from OpenMP
 * regions (the countdown is atomic).
 *
 * Memory that other libraries hand out (HDF5, igraph, open_memstream) is
 * theirs: it is not counted and is released the way they document.
 */
#ifndef LP_ALLOC_H
#define LP_ALLOC_H

#include <stddef.h>

void *lp_malloc(size_t bytes);
void *lp_calloc(size_t count, size_t size);
void *lp_realloc(void *p, size_t bytes);
char *lp_strdup(const char *s);

/* For lp_i_alloc_big and other allocators that do not call the four
 * above: 1 when this allocation must fail (test countdown reached). */
int lp_alloc_injected_failure(void);

/* Test only. After lp_alloc_fail_after(k), allocations 0..k-1 succeed
 * and every later one fails (returns NULL) until lp_alloc_fail_after(-1)
 * turns the countdown off (the default). lp_alloc_count() is the number
 * of allocations since the last lp_alloc_fail_after call, failed ones
 * included. */
void lp_alloc_fail_after(long k);
long lp_alloc_count(void);

#endif
