/* bfs.c — the level-synchronous breadth-first search shared by lp_brokerage
 * and the vertex-diameter bound of sampled betweenness (lp_i_bfs.h).
 *
 * The search visits the levels one after the other. A level whose frontier
 * has few arcs is expanded serially, in frontier order. A big one is
 * expanded in parallel, either top-down (each frontier vertex marks its
 * unseen neighbours in a bitmap) or bottom-up (each unseen vertex looks for
 * one neighbour in the frontier and stops there; Beamer, Asanović and
 * Patterson 2012, "direction-optimizing BFS"), and the bitmap is compacted
 * into the level in ascending vertex order. Which way a level goes depends
 * on arc counts only, never on threads, so the levels and their order are
 * the same at any thread count. */
#include "lp_i_bfs.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

/* Beamer et al.'s switching constants: bottom-up once the frontier's arcs
 * exceed the unexplored arcs / ALPHA, back to top-down once the frontier
 * has fewer than n / BETA vertices. */
#define ALPHA 15
#define BETA 18
#define BLOCK_WORDS 1024 /* compaction: bitmap words per block */

static inline int bit_get(const uint64_t *b, lp_vid v)
{
    return (int)((b[v >> 6] >> (v & 63)) & 1u);
}

static inline int64_t degree(const lp_csr *c, lp_vid v)
{
    return c->offset[v + 1] - c->offset[v];
}

void lp_i_bfs_free(lp_i_bfs *b)
{
    free(b->order);
    free(b->level);
    free(b->seen);
    free(b->front);
    free(b->next);
    free(b->block);
    *b = (lp_i_bfs){0};
}

lp_status lp_i_bfs_init(lp_i_bfs *b, const lp_csr *c, const lp_i_bfs_tuning *t)
{
    *b = (lp_i_bfs){.c = c,
                    .t = t,
                    .level_cap = 64,
                    .words = ((int64_t)c->n + 63) / 64,
                    .unexplored = 2 * c->m};
    size_t n1 = (size_t)c->n + 1, w1 = (size_t)b->words + 1;
    b->order = lp_malloc(n1 * sizeof *b->order);
    b->level = lp_malloc((size_t)b->level_cap * sizeof *b->level);
    b->seen = lp_calloc(w1, sizeof *b->seen);
    b->front = lp_calloc(w1, sizeof *b->front);
    b->next = lp_calloc(w1, sizeof *b->next);
    b->block = lp_malloc((w1 / BLOCK_WORDS + 2) * sizeof *b->block);
    if (!b->order || !b->level || !b->seen || !b->front || !b->next || !b->block) {
        lp_i_bfs_free(b);
        return lp_error_nomem("breadth-first search");
    }
    return LP_OK;
}

static lp_status push_level(lp_i_bfs *b, int64_t end)
{
    if (b->n_level + 1 >= b->level_cap) {
        int64_t cap = b->level_cap * 2;
        int64_t *p = lp_realloc(b->level, (size_t)cap * sizeof *p);
        if (!p) return lp_error_nomem("breadth-first search levels");
        b->level = p;
        b->level_cap = cap;
    }
    b->level[++b->n_level] = end;
    return LP_OK;
}

/* Serial top-down expansion of the frontier order[lo..hi) into order[hi..). */
static int64_t expand_serial(lp_i_bfs *b, int64_t lo, int64_t hi)
{
    const lp_csr *c = b->c;
    int64_t tail = hi;
    for (int64_t i = lo; i < hi; i++) {
        lp_vid v = b->order[i];
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid w = c->adj[k];
            if (!bit_get(b->seen, w)) {
                b->seen[w >> 6] |= (uint64_t)1 << (w & 63);
                b->next[w >> 6] |= (uint64_t)1 << (w & 63);
                b->order[tail++] = w;
            }
        }
    }
    return tail;
}

/* Parallel top-down: mark the unseen neighbours of the frontier in next. */
static void mark_top_down(lp_i_bfs *b, int64_t lo, int64_t hi)
{
    const lp_csr *c = b->c;
    uint64_t *next = b->next;
    const uint64_t *seen = b->seen;
#pragma omp parallel for schedule(dynamic, 256)
    for (int64_t i = lo; i < hi; i++) {
        lp_vid v = b->order[i];
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid w = c->adj[k];
            uint64_t m = (uint64_t)1 << (w & 63);
            if (!(seen[w >> 6] & m) && !(__atomic_load_n(&next[w >> 6], __ATOMIC_RELAXED) & m))
                __atomic_fetch_or(&next[w >> 6], m, __ATOMIC_RELAXED);
        }
    }
}

/* Parallel bottom-up: every unseen vertex with a neighbour in front goes to
 * next. Each thread writes whole words of next. */
static void mark_bottom_up(lp_i_bfs *b)
{
    const lp_csr *c = b->c;
    const lp_vid n = c->n;
#pragma omp parallel for schedule(dynamic, 64)
    for (int64_t i = 0; i < b->words; i++) {
        uint64_t todo = ~b->seen[i], found = 0;
        if (i == b->words - 1 && (n & 63)) todo &= ((uint64_t)1 << (n & 63)) - 1;
        while (todo) {
            int j = __builtin_ctzll(todo);
            todo &= todo - 1;
            lp_vid v = (lp_vid)(i * 64 + j);
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
                if (bit_get(b->front, c->adj[k])) {
                    found |= (uint64_t)1 << j;
                    break;
                }
        }
        b->next[i] = found;
    }
}

/* next (only unseen vertices) -> seen, and appended to order from `at` in
 * ascending vertex order. Returns the new end of order. */
static int64_t compact(lp_i_bfs *b, int64_t at)
{
    int64_t blocks = (b->words + BLOCK_WORDS - 1) / BLOCK_WORDS;
#pragma omp parallel for schedule(static)
    for (int64_t q = 0; q < blocks; q++) {
        int64_t e =
            q * BLOCK_WORDS + BLOCK_WORDS < b->words ? q * BLOCK_WORDS + BLOCK_WORDS : b->words;
        int64_t cnt = 0;
        for (int64_t i = q * BLOCK_WORDS; i < e; i++) {
            b->seen[i] |= b->next[i];
            cnt += __builtin_popcountll(b->next[i]);
        }
        b->block[q + 1] = cnt;
    }
    b->block[0] = at;
    for (int64_t q = 0; q < blocks; q++)
        b->block[q + 1] += b->block[q];
#pragma omp parallel for schedule(static)
    for (int64_t q = 0; q < blocks; q++) {
        int64_t e =
            q * BLOCK_WORDS + BLOCK_WORDS < b->words ? q * BLOCK_WORDS + BLOCK_WORDS : b->words;
        int64_t pos = b->block[q];
        for (int64_t i = q * BLOCK_WORDS; i < e; i++) {
            uint64_t x = b->next[i];
            while (x) {
                b->order[pos++] = (lp_vid)(i * 64 + __builtin_ctzll(x));
                x &= x - 1;
            }
        }
    }
    return b->block[blocks];
}

/* Sum of the degrees of order[lo..hi). */
static int64_t arcs_of(const lp_i_bfs *b, int64_t lo, int64_t hi)
{
    int64_t s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s) if (hi - lo >= LP_PARALLEL_MIN)
    for (int64_t i = lo; i < hi; i++)
        s += degree(b->c, b->order[i]);
    return s;
}

/* Clear the bits of order[lo..hi) in bitmap x. */
static void clear_bits(uint64_t *x, const lp_i_bfs *b, int64_t lo, int64_t hi)
{
    if ((hi - lo) * 8 > b->words) {
        memset(x, 0, (size_t)b->words * sizeof *x);
        return;
    }
    for (int64_t i = lo; i < hi; i++)
        x[b->order[i] >> 6] &= ~((uint64_t)1 << (b->order[i] & 63));
}

lp_status lp_i_bfs_search(lp_i_bfs *b, int64_t at, const lp_vid *src, int64_t ns,
                          lp_i_bfs_level_fn fn, void *ctx)
{
    const lp_vid n = b->c->n;
    int64_t tail = at;
    for (int64_t i = 0; i < ns; i++) {
        lp_vid v = src[i];
        b->seen[v >> 6] |= (uint64_t)1 << (v & 63);
        b->next[v >> 6] |= (uint64_t)1 << (v & 63);
        b->order[tail++] = v;
    }
    b->n_level = 0;
    b->level[0] = at;
    lp_status st = push_level(b, tail);
    int64_t lo = at, hi = tail;
    int bottom_up = 0;
    for (int32_t d = 1; !st && hi > lo; d++) {
        int64_t scout = arcs_of(b, lo, hi);
        if (fn) fn(ctx, b, lo, hi, d, scout >= b->t->parallel_min);
        uint64_t *t = b->front; /* next (the level just found) becomes front */
        b->front = b->next;
        b->next = t;
        if (lo > at) clear_bits(b->next, b, b->level[b->n_level - 2], lo);
        b->unexplored -= scout;
        if (scout < b->t->parallel_min) {
            bottom_up = 0;
            tail = expand_serial(b, lo, hi);
        } else {
            if (b->t->mode == 2)
                bottom_up = 1;
            else if (b->t->mode == 1)
                bottom_up = 0;
            else if (!bottom_up)
                bottom_up = scout > b->unexplored / ALPHA;
            else
                bottom_up = (hi - lo) >= n / BETA;
            if (bottom_up)
                mark_bottom_up(b);
            else
                mark_top_down(b, lo, hi);
            tail = compact(b, hi);
        }
        lo = hi;
        hi = tail;
        if (hi > lo) st = push_level(b, hi);
    }
    /* front holds the last level, next is empty: clear front for the next
     * search. On an error mid-way the bitmaps are left as they are (the
     * caller gives up). */
    if (!st && b->n_level >= 1) clear_bits(b->front, b, b->level[b->n_level - 1], lo);
    return st;
}
