/* brokerage.c — brokerage(v): the sum, over accounts a reachable from the
 * virtual root R, of the share of shortest R-a paths passing through v.
 *
 * One single-source Brandes pass (Brandes 2001) from R with target weight 1
 * on reachable accounts:
 *     sigma(w) = sum over predecessors v of w of sigma(v), 1 for the anchors;
 *     delta(v) = sum over successors w of v of sigma(v) * (t(w) + delta(w)) / sigma(w),
 * t(w) = 1 if w is an account. brokerage(v) = delta(v) for v != R; the
 * account itself, as an endpoint, gets no share of its own paths. O(n + m).
 * No igraph calls.
 *
 * Level-synchronous and parallel, bitwise the same at any thread count:
 *  - the search visits R's levels one after the other. A level whose
 *    frontier has few arcs is expanded serially, in frontier order. A big
 *    one is expanded in parallel, either top-down (each frontier vertex
 *    marks its unseen neighbours in a bitmap) or bottom-up (each unseen
 *    vertex looks for one neighbour in the frontier and stops there;
 *    Beamer, Asanović and Patterson 2012, "direction-optimizing BFS"),
 *    and the bitmap is compacted into the level in ascending vertex order.
 *    Which way a level goes depends on arc counts only, never on threads;
 *  - sigma and delta are pulled: each vertex sums over its own adjacency
 *    list in CSR order (predecessors for sigma, successors for delta), one
 *    thread per vertex, so every sum has one fixed order. Once delta(v) is
 *    known, sigma(v) is replaced by (t(v) + delta(v)) / sigma(v), the factor
 *    its predecessors need. */
#include "lp_centrality.h"
#include "lp_alloc.h"
#include "lp_i_bfs.h"

#include <stdlib.h>
#include <string.h>

/* Beamer et al.'s switching constants: bottom-up once the frontier's arcs
 * exceed the unexplored arcs / ALPHA, back to top-down once the frontier
 * has fewer than n / BETA vertices. */
#define ALPHA 15
#define BETA 18
#define BLOCK_WORDS 1024 /* compaction: bitmap words per block */

typedef struct bk {
    const lp_csr *c;
    const lp_i_bfs_tuning *t;
    int32_t *dist;   /* [n] level (R is 0, anchors 1), -1 unreached */
    double *sigma;   /* [n] path counts, then (t + delta) / sigma */
    lp_vid *order;   /* [n] the levels one after the other */
    int64_t *level;  /* level L is order[level[L-1] .. level[L]) for L >= 1 */
    int64_t n_level; /* levels found */
    int64_t level_cap;
    uint64_t *seen, *front, *next; /* [words] bitmaps */
    int64_t words;
    int64_t *block; /* [blocks + 1] compaction offsets */
} bk;

static inline int bit_get(const uint64_t *b, lp_vid v)
{
    return (int)((b[v >> 6] >> (v & 63)) & 1u);
}

static inline int64_t degree(const lp_csr *c, lp_vid v)
{
    return c->offset[v + 1] - c->offset[v];
}

static void bk_free(bk *b)
{
    free(b->dist);
    free(b->sigma);
    free(b->order);
    free(b->level);
    free(b->seen);
    free(b->front);
    free(b->next);
    free(b->block);
}

static lp_status push_level(bk *b, int64_t end)
{
    if (b->n_level + 1 >= b->level_cap) {
        int64_t cap = b->level_cap * 2;
        int64_t *p = lp_realloc(b->level, (size_t)cap * sizeof *p);
        if (!p) return lp_error_nomem("brokerage levels");
        b->level = p;
        b->level_cap = cap;
    }
    b->level[++b->n_level] = end;
    return LP_OK;
}

/* Serial top-down expansion of the frontier order[lo..hi) into order[hi..). */
static int64_t expand_serial(bk *b, int64_t lo, int64_t hi)
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
static void mark_top_down(bk *b, int64_t lo, int64_t hi)
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
static void mark_bottom_up(bk *b)
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
static int64_t compact(bk *b, int64_t at)
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

/* The new level order[lo..hi) at distance d: dist, and sigma pulled from
 * the predecessors at d - 1 (the anchors, d = 1, have sigma 1). */
static void settle_level(bk *b, int64_t lo, int64_t hi, int32_t d, int par)
{
    const lp_csr *c = b->c;
    (void)par; /* used by the pragmas only */
#pragma omp parallel for schedule(static) if (par)
    for (int64_t i = lo; i < hi; i++)
        b->dist[b->order[i]] = d;
#pragma omp parallel for schedule(dynamic, 256) if (par)
    for (int64_t i = lo; i < hi; i++) {
        lp_vid w = b->order[i];
        double s = 0.0;
        if (d == 1)
            s = 1.0;
        else
            for (int64_t k = c->offset[w]; k < c->offset[w + 1]; k++)
                if (b->dist[c->adj[k]] == d - 1) s += b->sigma[c->adj[k]];
        b->sigma[w] = s;
    }
}

/* Sum of the degrees of order[lo..hi). */
static int64_t arcs_of(const bk *b, int64_t lo, int64_t hi)
{
    int64_t s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s) if (hi - lo >= LP_PARALLEL_MIN)
    for (int64_t i = lo; i < hi; i++)
        s += degree(b->c, b->order[i]);
    return s;
}

/* Clear the bits of order[lo..hi) in bitmap x. */
static void clear_bits(uint64_t *x, const bk *b, int64_t lo, int64_t hi)
{
    if ((hi - lo) * 8 > b->words) {
        memset(x, 0, (size_t)b->words * sizeof *x);
        return;
    }
    for (int64_t i = lo; i < hi; i++)
        x[b->order[i] >> 6] &= ~((uint64_t)1 << (b->order[i] & 63));
}

/* The search from R: dist, sigma, order and level. */
static lp_status search(bk *b, const lp_graph *g)
{
    const lp_csr *c = b->c;
    const lp_vid n = c->n;
    int64_t tail = 0;
    for (lp_vid v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ANCHOR) {
            b->seen[v >> 6] |= (uint64_t)1 << (v & 63);
            b->next[v >> 6] |= (uint64_t)1 << (v & 63);
            b->order[tail++] = v;
        }
    b->level[0] = 0;
    lp_status st = push_level(b, tail);
    int64_t unexplored = 2 * c->m, lo = 0, hi = tail;
    int bottom_up = 0;
    for (int32_t d = 1; !st && hi > lo; d++) {
        int64_t scout = arcs_of(b, lo, hi);
        settle_level(b, lo, hi, d, scout >= b->t->parallel_min);
        uint64_t *t = b->front; /* next (the level just found) becomes front */
        b->front = b->next;
        b->next = t;
        if (lo > 0) clear_bits(b->next, b, b->level[b->n_level - 2], lo);
        unexplored -= scout;
        if (scout < b->t->parallel_min) {
            bottom_up = 0;
            tail = expand_serial(b, lo, hi);
        } else {
            if (b->t->mode == 2)
                bottom_up = 1;
            else if (b->t->mode == 1)
                bottom_up = 0;
            else if (!bottom_up)
                bottom_up = scout > unexplored / ALPHA;
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
    return st;
}

lp_status lp_i_brokerage_tuned(double *out, const lp_graph *g, const lp_i_bfs_tuning *t)
{
    const lp_csr *c = &g->csr;
    const lp_vid n = c->n;
    bk b = {.c = c, .t = t, .level_cap = 64, .words = ((int64_t)n + 63) / 64};
    size_t n1 = (size_t)n + 1, w1 = (size_t)b.words + 1;
    b.dist = lp_malloc(n1 * sizeof *b.dist);
    b.sigma = lp_malloc(n1 * sizeof *b.sigma);
    b.order = lp_malloc(n1 * sizeof *b.order);
    b.level = lp_malloc((size_t)b.level_cap * sizeof *b.level);
    b.seen = lp_calloc(w1, sizeof *b.seen);
    b.front = lp_calloc(w1, sizeof *b.front);
    b.next = lp_calloc(w1, sizeof *b.next);
    b.block = lp_malloc((w1 / BLOCK_WORDS + 2) * sizeof *b.block);
    if (!b.dist || !b.sigma || !b.order || !b.level || !b.seen || !b.front || !b.next || !b.block) {
        bk_free(&b);
        return lp_error_nomem("brokerage");
    }
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < n; v++) {
        b.dist[v] = -1;
        out[v] = 0.0;
    }
    lp_status st = search(&b, g);
    /* delta, deepest level first; out[] is delta. */
    for (int64_t L = b.n_level; !st && L >= 1; L--) {
        int64_t lo = b.level[L - 1], hi = b.level[L];
        int32_t d = (int32_t)L;
#pragma omp parallel for schedule(dynamic, 256) if ((hi - lo) * 8 >= t->parallel_min)
        for (int64_t i = lo; i < hi; i++) {
            lp_vid v = b.order[i];
            double sv = b.sigma[v], acc = 0.0;
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
                lp_vid w = c->adj[k];
                if (b.dist[w] == d + 1) acc += sv * b.sigma[w];
            }
            out[v] = acc;
            b.sigma[v] = (((g->role[v] & LP_ROLE_ACCOUNT) ? 1.0 : 0.0) + acc) / sv;
        }
    }
    bk_free(&b);
    return st;
}

lp_status lp_brokerage(double *out, const lp_graph *g)
{
    const lp_i_bfs_tuning t = LP_I_BFS_TUNING_DEFAULT;
    return lp_i_brokerage_tuned(out, g, &t);
}
