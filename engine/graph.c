/* graph.c — the graph model: string tables, node/edge lists as read, and
 * lp_graph_build, which turns them into the simple undirected graph.
 *
 * Merging duplicates in O(n + m), in parallel: edges are oriented (smaller
 * endpoint first) and partitioned stably into buckets of 64 or more
 * consecutive smaller endpoints; each bucket, on its own thread, is sorted
 * by smaller endpoint (counting sort) and each endpoint's rows merged by
 * neighbour in a small hash table, in row order, then its distinct
 * neighbours sorted. Each edge's weight is thus summed exactly as a stable
 * sort by (u, v) followed by one scan would sum it (first row, then the
 * later rows in input order), at any thread count. The CSR snapshot is
 * filled from the merged buckets in order (not copied into one list),
 * which leaves every neighbour list ascending without a further sort.
 *
 * lp_graph_adopt and lp_csr_check serve the graph store, whose CSR is
 * mapped from the file: checked in one pass, then used where it lies.
 */
#include "lp_graph.h"
#include "lp_alloc.h"

#include "lp_i_mem.h"
#include "lp_i_omp.h"
#include "lp_igraph.h"
#include "lp_text.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable arrays -------------------------------------------------- */

/* Doubling growth. From 4 MiB on, a new block on huge pages
 * (lp_i_alloc_big) and a copy instead of realloc: a table filled row by row
 * then takes one page fault per 2 MiB instead of one per 4 KiB (the copies
 * add up to less than the final size). */
static int lp_i_grow(void **p, int64_t *cap, int64_t need, size_t elem)
{
    if (need <= *cap) return 0;
    int64_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *q;
    if ((size_t)nc * elem >= ((size_t)4 << 20)) {
        q = lp_i_alloc_big((size_t)nc * elem, 0);
        if (!q) return -1;
        if (*p) memcpy(q, *p, (size_t)*cap * elem);
        free(*p);
    } else {
        q = lp_realloc(*p, (size_t)nc * elem);
        if (!q) return -1;
    }
    *p = q;
    *cap = nc;
    return 0;
}

lp_status lp_strtab_push(lp_strtab *t, const char *s, size_t len)
{
    int64_t oc = t->offset_cap, dc = t->data_cap;
    if (lp_i_grow((void **)&t->offset, &oc, t->count + 1, sizeof *t->offset) ||
        lp_i_grow((void **)&t->data, &dc, t->size + (int64_t)len + 1, 1)) {
        t->offset_cap = oc > t->offset_cap ? oc : t->offset_cap;
        t->data_cap = dc > t->data_cap ? dc : t->data_cap;
        return lp_error_nomem("string table");
    }
    t->offset_cap = oc;
    t->data_cap = dc;
    t->offset[t->count++] = t->size;
    memcpy(t->data + t->size, s, len);
    t->data[t->size + (int64_t)len] = '\0';
    t->size += (int64_t)len + 1;
    return LP_OK;
}

void lp_strtab_free(lp_strtab *t)
{
    if (!t) return;
    free(t->offset);
    free(t->data);
    memset(t, 0, sizeof *t);
}

lp_status lp_nodes_push(lp_nodes *nodes, const char *id, size_t id_len, int32_t type,
                        double revenue)
{
    int64_t i = nodes->id.count;
    if (i + 1 > nodes->cap) {
        int64_t c1 = nodes->cap, c2 = nodes->cap;
        if (lp_i_grow((void **)&nodes->type, &c1, i + 1, sizeof *nodes->type))
            return lp_error_nomem("node table");
        if (lp_i_grow((void **)&nodes->revenue, &c2, i + 1, sizeof *nodes->revenue)) {
            /* type grew, revenue did not: keep the smaller capacity */
            return lp_error_nomem("node table");
        }
        nodes->cap = c1 < c2 ? c1 : c2;
    }
    lp_status st = lp_strtab_push(&nodes->id, id, id_len);
    if (st) return st;
    nodes->type[i] = type;
    nodes->revenue[i] = revenue;
    return LP_OK;
}

void lp_nodes_free(lp_nodes *nodes)
{
    if (!nodes) return;
    lp_strtab_free(&nodes->id);
    lp_strtab_free(&nodes->type_name);
    lp_strtab_free(&nodes->name);
    free(nodes->type);
    free(nodes->revenue);
    memset(nodes, 0, sizeof *nodes);
}

lp_status lp_edges_reserve(lp_edges *edges, int64_t cap)
{
    if (cap <= edges->cap) return LP_OK;
    void **const arr[] = {(void **)&edges->src, (void **)&edges->dst, (void **)&edges->weight};
    const size_t size[] = {sizeof *edges->src, sizeof *edges->dst, sizeof *edges->weight};
    if (lp_i_move_arrays(arr, size, 3, edges->m, cap, 0)) return lp_error_nomem("edge list");
    edges->cap = cap;
    return LP_OK;
}

lp_status lp_edges_push(lp_edges *edges, lp_vid src, lp_vid dst, double weight)
{
    if (edges->m == edges->cap) {
        lp_status st = lp_edges_reserve(edges, edges->cap ? 2 * edges->cap : 16);
        if (st) return st;
    }
    edges->src[edges->m] = src;
    edges->dst[edges->m] = dst;
    edges->weight[edges->m] = weight;
    edges->m++;
    return LP_OK;
}

void lp_edges_free(lp_edges *edges)
{
    if (!edges) return;
    free(edges->src);
    free(edges->dst);
    free(edges->weight);
    free(edges->wix);
    free(edges->wtab);
    memset(edges, 0, sizeof *edges);
}

/* ---- build ------------------------------------------------------------ */

/* Threads in the current team (1 outside a parallel region or without
 * OpenMP). */
static int team_size(void)
{
#ifdef _OPENMP
    return omp_get_num_threads();
#else
    return 1;
#endif
}

/* A list's weight classes (its rows are checked in the build's first
 * pass, in parallel: row_defect). */
static lp_status check_classes(const lp_edges *e)
{
    if (e->weight || !e->m) return LP_OK;
    if (!e->wix || !e->wtab)
        return lp_error_set(LP_EINTERNAL, "edge list without weights or classes");
    for (int64_t i = 0; i < e->wtab_n; i++)
        if (!(e->wtab[i] > 0) || e->wtab[i] > 1.7976931348623157e308)
            return lp_error_set(LP_EINTERNAL, "weight class %lld is not positive finite",
                                (long long)i);
    return LP_OK;
}

/* What is wrong with row k of e: 0 nothing, 1 a node row out of range, 2
 * its weight (not positive finite) or weight class (outside the table). */
static inline int row_defect(const lp_edges *e, int64_t k, int64_t n)
{
    if (e->src[k] < 0 || e->src[k] >= n || e->dst[k] < 0 || e->dst[k] >= n) return 1;
    if (e->weight ? !(e->weight[k] > 0) || e->weight[k] > 1.7976931348623157e308
                  : e->wix[k] < e->wix_lo || (int64_t)e->wix[k] - e->wix_lo >= e->wtab_n)
        return 2;
    return 0;
}

/* ---- sums that must stay finite ---------------------------------------- */

static const char *id_text(char *buf, size_t cap, const lp_nodes *nodes, int64_t v)
{
    const char *s = lp_strtab_get(&nodes->id, v);
    return lp_text_msg(buf, cap, s, strlen(s));
}

/* Bad input, not a defect: weights and revenues that are each finite but
 * whose sums overflow. Strengths (each node's edge weights, summed in
 * neighbour order exactly as lp_strength does, so the kernels' own sums are
 * the ones checked) must be finite; the revenues of all nodes, summed in row
 * order, must not exceed LP_REVENUE_SUM_MAX, so that every total and
 * at-risk sum over a subset of them, in any order, stays finite. */
static lp_status check_sums(const lp_nodes *nodes, const lp_csr *c)
{
    char a[LP_TEXT_MSG_CAP];
    for (lp_vid v = 0; v < c->n; v++) {
        double s = 0.0;
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
            s += c->weight[k];
        if (!isfinite(s))
            return lp_error_set(LP_EINPUT,
                                "node \"%s\": the weights of its edges add up to more than "
                                "%.4g (the largest number)",
                                id_text(a, sizeof a, nodes, v), DBL_MAX);
    }
    double total = 0.0;
    for (int64_t v = 0; v < c->n; v++) {
        total += nodes->revenue[v];
        if (!(total <= LP_REVENUE_SUM_MAX))
            return lp_error_set(LP_EINPUT,
                                "node \"%s\": the revenues up to this node add up to more than "
                                "%.4g (the most that can be summed safely)",
                                id_text(a, sizeof a, nodes, v), LP_REVENUE_SUM_MAX);
    }
    return LP_OK;
}

/* An oriented edge row (u < v) in the merge; canonical edges after it. */
typedef struct {
    lp_vid u, v;
    double w;
} merge_row;

/* The end of the run of rows from g[j] with g[j]'s u (a bucket's rows are
 * ordered by u), c rows in all. */
static inline int64_t run_end(const merge_row *g, int64_t j, int64_t c)
{
    int64_t e = j + 1;
    while (e < c && g[e].u == g[j].u)
        e++;
    return e;
}

/* CSR of the canonical edges (u < v, (u, v) strictly increasing), held by
 * the merge's buckets: bucket b's edges are r[at[b] + j], j < cnt[b], and
 * the buckets follow one another in order (no copy into one list). The
 * list of v is its lower neighbours (edges (u, v), met in ascending u
 * because the edges are ordered by their smaller endpoint) followed by its
 * upper neighbours (edges (v, w): one run of its bucket, ascending w). So
 * the upper parts are runs copied, and only the lower parts (a
 * transposition) are scattered, in edge order, which leaves every list
 * ascending without a sort.
 *
 * Parallel without atomics and with the serial result at any thread count:
 * buckets (upper parts) are split among threads; for the lower parts each
 * thread owns a contiguous range of vertices and scans all the edges,
 * placing only the arcs into its own range (T sequential reads against m
 * random writes shared among the threads). Temporary memory: one int64
 * per vertex. */
static lp_status build_csr(lp_csr *csr, int64_t n, int64_t m, const merge_row *r, const int64_t *at,
                           const int64_t *cnt, int64_t nb)
{
    csr->n = (lp_vid)n;
    csr->m = m;
    /* huge pages where the kernel allows: the kernels' accesses are random */
    csr->offset = lp_i_alloc_big(((size_t)n + 1) * sizeof *csr->offset, 1);
    csr->adj = lp_i_alloc_big((size_t)(2 * m + 1) * sizeof *csr->adj, 0);
    csr->weight = lp_i_alloc_big((size_t)(2 * m + 1) * sizeof *csr->weight, 0);
    int64_t *pos = lp_i_alloc_big(((size_t)n + 1) * sizeof *pos, 0);
    if (!csr->offset || !csr->adj || !csr->weight || !pos) {
        free(pos);
        return lp_error_nomem("CSR snapshot");
    }
    int64_t *off = csr->offset;
    lp_vid *adj = csr->adj;
    double *wt = csr->weight;
#pragma omp parallel if (m >= LP_PARALLEL_MIN)
    {
        int nt = team_size(), t = lp_i_thread_id();
        lp_vid lo = (lp_vid)(n * t / nt), hi = (lp_vid)(n * (t + 1) / nt);
        /* pos[v] = lower degree of v (own range); off[u + 1] = upper degree
         * of u (its run, in the bucket of u). */
        memset(pos + lo, 0, (size_t)(hi - lo) * sizeof *pos);
        for (int64_t b = 0; b < nb; b++) {
            const merge_row *g = r + at[b];
            for (int64_t j = 0, c = cnt[b]; j < c; j++)
                if (g[j].v >= lo && g[j].v < hi) pos[g[j].v]++;
        }
#pragma omp for schedule(dynamic, 64)
        for (int64_t b = 0; b < nb; b++) {
            const merge_row *g = r + at[b];
            for (int64_t j = 0, c = cnt[b], e; j < c; j = e) {
                e = run_end(g, j, c);
                off[g[j].u + 1] = e - j;
            }
        }
        /* (barrier) */
#pragma omp single
        {
            for (int64_t v = 0; v < n; v++) {
                int64_t low = pos[v];
                pos[v] = off[v]; /* the lower cursor starts the list */
                off[v + 1] += off[v] + low;
            }
        }
        /* (barrier) Upper parts: the run of u ends its list. */
#pragma omp for schedule(dynamic, 64) nowait
        for (int64_t b = 0; b < nb; b++) {
            const merge_row *g = r + at[b];
            for (int64_t j = 0, c = cnt[b], e; j < c; j = e) {
                e = run_end(g, j, c);
                int64_t base = off[g[j].u + 1] - (e - j);
                for (int64_t q = j; q < e; q++) {
                    adj[base + q - j] = g[q].v;
                    wt[base + q - j] = g[q].w;
                }
            }
        }
        /* Lower parts, in edge order, disjoint from the upper parts. */
        for (int64_t b = 0; b < nb; b++) {
            const merge_row *g = r + at[b];
            for (int64_t j = 0, c = cnt[b]; j < c; j++) {
                lp_vid v = g[j].v;
                if (v >= lo && v < hi) {
                    int64_t a = pos[v]++;
                    adj[a] = g[j].u;
                    wt[a] = g[j].w;
                }
            }
        }
    }
    free(pos);
    return LP_OK;
}

static void csr_free(lp_csr *csr)
{
    free(csr->offset);
    free(csr->adj);
    free(csr->weight);
    memset(csr, 0, sizeof *csr);
}

/* The rest of lp_graph_build once the edges are canonical (merged,
 * sorted; by bucket as build_csr reads them): the CSR, the role array, the
 * counts, and the node table moved in. On failure g holds nothing (and
 * *nodes is left with the caller). */
static lp_status build_from_canonical(lp_graph *g, lp_nodes *nodes, int64_t m, const merge_row *r,
                                      const int64_t *at, const int64_t *cnt, int64_t nb)
{
    int64_t n = nodes->id.count;
    lp_status st = build_csr(&g->csr, n, m, r, at, cnt, nb);
    if (!st) {
        g->role = lp_i_alloc_big((size_t)n + 1, 1);
        if (!g->role) st = lp_error_nomem("roles");
    }
    if (st) {
        csr_free(&g->csr);
        return st;
    }
    g->n = n;
    g->m = m;
    g->nodes = *nodes;
    memset(nodes, 0, sizeof *nodes);
    return LP_OK;
}

lp_status lp_graph_build_igraph(lp_graph *g)
{
    if (g->has_ig) return LP_OK;
    lp_status st = lp_graph_to_igraph(g, &g->ig, &g->ig_weight);
    if (!st) g->has_ig = 1;
    return st;
}

/* ---- merging duplicate rows -------------------------------------------- */

/* Ascending sort of distinct 64-bit keys (quicksort, insertion sort below
 * 24 keys). The keys are distinct, so the result does not depend on the
 * pivots. */
static void sort_keys(uint64_t *a, int64_t n)
{
    while (n > 24) {
        uint64_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint64_t p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int64_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < p)
                i++;
            while (a[j] > p)
                j--;
            if (i >= j) break;
            uint64_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* [0, j] <= p <= [j + 1, n); recurse on the smaller side */
        int64_t left = j + 1;
        if (left < n - left) {
            sort_keys(a, left);
            a += left;
            n -= left;
        } else {
            sort_keys(a + left, n - left);
            n = left;
        }
    }
    for (int64_t i = 1; i < n; i++) {
        uint64_t t = a[i];
        int64_t j = i;
        while (j > 0 && a[j - 1] > t) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = t;
    }
}

/* A thread's scratch for merge_bucket, grown as needed. */
typedef struct {
    merge_row *row; /* a bucket's rows, by smaller endpoint */
    int64_t row_cap;
    int64_t *count; /* per smaller endpoint of the bucket, + 1 */
    int32_t *slot;  /* hash table: v -> index into key/sum, -1 empty */
    int64_t slot_cap;
    uint64_t *key; /* (v << 32) | index, the distinct neighbours */
    double *sum;   /* their summed weights, indexed as first met */
    int64_t key_cap;
} merge_scratch;

static void merge_scratch_free(merge_scratch *s)
{
    free(s->row);
    free(s->count);
    free(s->slot);
    free(s->key);
    free(s->sum);
    memset(s, 0, sizeof *s);
}

static int grow_to(void **p, int64_t *cap, int64_t need, size_t elem)
{
    if (need <= *cap) return 0;
    int64_t nc = need + need / 2 + 16;
    free(*p);
    *p = lp_malloc((size_t)nc * elem);
    if (!*p) {
        *cap = 0;
        return -1;
    }
    *cap = nc;
    return 0;
}

/* Merges the rows r[0..len) of one bucket (smaller endpoints in [lo, lo +
 * width), rows in their input order) into its canonical edges, written back
 * at r[0..) in (u, v) order; returns their count, or -1 when out of memory.
 * Each edge's weight is its first row's weight plus the later rows' weights
 * in input order — the order a stable sort by (u, v) gives — so the sums are
 * the same at any thread count and bucket size. */
static int64_t merge_bucket(merge_row *r, int64_t len, lp_vid lo, int64_t width, merge_scratch *s)
{
    if (len == 0) return 0;
    if (grow_to((void **)&s->row, &s->row_cap, len, sizeof *s->row)) return -1;
    if (!s->count) {
        s->count = lp_malloc((size_t)(width + 1) * sizeof *s->count);
        if (!s->count) return -1;
    }
    /* stable counting sort by u (a bucket holds few distinct u) */
    int64_t *c = s->count;
    memset(c, 0, (size_t)(width + 1) * sizeof *c);
    for (int64_t k = 0; k < len; k++)
        c[r[k].u - lo + 1]++;
    for (int64_t i = 0; i < width; i++)
        c[i + 1] += c[i];
    for (int64_t k = 0; k < len; k++)
        s->row[c[r[k].u - lo]++] = r[k];
    /* c[i] is now the end of u = lo + i's run */
    int64_t out = 0, a = 0;
    for (int64_t i = 0; i < width; i++) {
        int64_t b = c[i], run = b - a;
        const merge_row *g = s->row + a;
        a = b;
        if (run == 0) continue;
        if (run == 1) {
            r[out++] = g[0];
            continue;
        }
        if (run > INT32_MAX / 2) return -1; /* slots are 32-bit: not in memory here anyway */
        int64_t tab = 4;
        while (tab < 2 * run)
            tab *= 2;
        if (grow_to((void **)&s->slot, &s->slot_cap, tab, sizeof *s->slot)) return -1;
        if (s->key_cap < run) {
            free(s->sum);
            s->sum = NULL;
            if (grow_to((void **)&s->key, &s->key_cap, run, sizeof *s->key)) return -1;
            s->sum = lp_malloc((size_t)s->key_cap * sizeof *s->sum);
            if (!s->sum) {
                free(s->key);
                s->key = NULL;
                s->key_cap = 0;
                return -1;
            }
        }
        int32_t *slot = s->slot;
        memset(slot, 0xff, (size_t)tab * sizeof *slot);
        uint64_t mask = (uint64_t)tab - 1;
        int64_t d = 0; /* distinct neighbours */
        for (int64_t k = 0; k < run; k++) {
            uint64_t v = (uint64_t)(uint32_t)g[k].v;
            uint64_t h = (v * 0x9E3779B97F4A7C15ULL) >> 32 & mask;
            for (;;) {
                int32_t j = slot[h];
                if (j < 0) {
                    slot[h] = (int32_t)d;
                    s->key[d] = v << 32 | (uint64_t)d;
                    s->sum[d] = g[k].w;
                    d++;
                    break;
                }
                if ((lp_vid)(s->key[j] >> 32) == g[k].v) {
                    s->sum[j] += g[k].w;
                    break;
                }
                h = (h + 1) & mask;
            }
        }
        sort_keys(s->key, d);
        for (int64_t j = 0; j < d; j++) {
            r[out].u = g[0].u;
            r[out].v = (lp_vid)(s->key[j] >> 32);
            r[out].w = s->sum[s->key[j] & 0xffffffffu];
            out++;
        }
    }
    return out;
}

/* Merging duplicates in parallel, with the result of a serial stable sort by
 * (u, v) and one summing scan: the oriented rows are partitioned stably into
 * buckets of consecutive smaller endpoints (each thread scatters a
 * contiguous range of rows, the ranges in order); each bucket is then merged
 * on its own (merge_bucket), and the buckets' edges concatenated in bucket
 * order. */
lp_status lp_graph_build_lists(lp_graph *out, lp_nodes *nodes, lp_edges *lists, int nlists)
{
    lp_status st = LP_OK;
    lp_graph g;
    memset(&g, 0, sizeof g);
    int64_t n = nodes->id.count;
    merge_row *pr = NULL;
    int64_t *hist = NULL, *bstart = NULL, *bcount = NULL, *loops = NULL, *bad = NULL;
    int64_t me = 0, first[LP_BUILD_MAX_LISTS + 1];

    if (nlists < 1 || nlists > LP_BUILD_MAX_LISTS) {
        st = lp_error_set(LP_EINTERNAL, "lp_graph_build_lists: %d lists", nlists);
        goto done;
    }
    if (n > LP_VID_MAX) {
        st = lp_error_set(LP_EINPUT, "%lld nodes: more than the %d supported", (long long)n,
                          LP_VID_MAX);
        goto done;
    }
    for (int i = 0; i < nlists; i++) {
        first[i] = me;
        if ((st = check_classes(&lists[i]))) goto done;
        me += lists[i].m;
    }
    first[nlists] = me;

    /* buckets of 2^shift consecutive smaller endpoints, at most 2^16 */
    int shift = 6;
    while (shift < 31 && (n >> shift) >= 65536)
        shift++;
    int64_t nb = (n >> shift) + 1, width = (int64_t)1 << shift;
    int tmax = lp_i_max_threads();
    hist = lp_calloc((size_t)tmax * (size_t)nb, sizeof *hist);
    bstart = lp_malloc((size_t)(nb + 1) * sizeof *bstart);
    bcount = lp_malloc((size_t)nb * sizeof *bcount);
    loops = lp_calloc((size_t)tmax, sizeof *loops);
    bad = lp_malloc((size_t)tmax * sizeof *bad);
    /* huge pages where the kernel allows: fewer page faults when first written */
    pr = lp_i_alloc_big((size_t)(me + 1) * sizeof *pr, 0);
    if (!hist || !bstart || !bcount || !loops || !bad || !pr) {
        st = lp_error_nomem("edge merge");
        goto done;
    }
    int64_t m0 = 0, first_bad = -1;
    for (int i = 0; i < tmax; i++)
        bad[i] = -1;
#pragma omp parallel if (me >= LP_PARALLEL_MIN)
    {
        int nt = team_size(), t = lp_i_thread_id();
        int64_t k0 = me * t / nt, k1 = me * (t + 1) / nt;
        int64_t *h = hist + (int64_t)t * nb;
        /* this thread's rows: [k0, k1) of the lists one after another,
         * checked (the first bad one of each thread kept) and counted */
        for (int i = 0; i < nlists && bad[t] < 0; i++) {
            int64_t a = k0 > first[i] ? k0 - first[i] : 0;
            int64_t b = (k1 < first[i + 1] ? k1 : first[i + 1]) - first[i];
            lp_vid *src = lists[i].src, *dst = lists[i].dst;
            for (int64_t k = a; k < b; k++) {
                if (row_defect(&lists[i], k, n)) {
                    bad[t] = first[i] + k;
                    break;
                }
                lp_vid s = src[k], d = dst[k];
                if (s == d) {
                    loops[t]++;
                    continue;
                }
                if (s > d) {
                    src[k] = d;
                    dst[k] = s;
                    s = d;
                }
                h[s >> shift]++;
            }
        }
#pragma omp barrier
#pragma omp single
        {
            for (int i = 0; i < nt && first_bad < 0; i++)
                first_bad = bad[i]; /* threads hold ascending ranges */
            int64_t at = 0;
            for (int64_t b = 0; b < nb; b++) {
                bstart[b] = at;
                for (int i = 0; i < nt; i++) {
                    int64_t c = hist[(int64_t)i * nb + b];
                    hist[(int64_t)i * nb + b] = at;
                    at += c;
                }
            }
            bstart[nb] = at;
            m0 = at;
        }
        /* (barrier) */
        for (int i = 0; i < nlists && first_bad < 0; i++) {
            int64_t a = k0 > first[i] ? k0 - first[i] : 0;
            int64_t b = (k1 < first[i + 1] ? k1 : first[i + 1]) - first[i];
            const lp_vid *src = lists[i].src, *dst = lists[i].dst;
            const double *w = lists[i].weight, *tab = lists[i].wtab; /* weights or classes */
            const int32_t *wx = lists[i].wix;
            const int64_t lo = lists[i].wix_lo;
            for (int64_t k = a; k < b; k++) {
                lp_vid s = src[k], d = dst[k];
                if (s == d) continue;
                merge_row *o = pr + h[s >> shift]++;
                o->u = s;
                o->v = d;
                o->w = w ? w[k] : tab[(int64_t)wx[k] - lo];
            }
        }
    }
    if (first_bad >= 0) {
        int i = 0;
        while (first_bad >= first[i + 1])
            i++;
        st = lp_error_set(LP_EINTERNAL,
                          row_defect(&lists[i], first_bad - first[i], n) == 1
                              ? "edge %lld names node row out of range"
                              : "edge %lld has a non-positive weight",
                          (long long)first_bad);
        goto done;
    }
    for (int i = 0; i < tmax; i++)
        g.dropped_self_loops += loops[i];
    for (int i = 0; i < nlists; i++)
        lp_edges_free(&lists[i]);

    int failed = 0;
#pragma omp parallel if (m0 >= LP_PARALLEL_MIN)
    {
        merge_scratch s;
        memset(&s, 0, sizeof s);
#pragma omp for schedule(dynamic, 16)
        for (int64_t b = 0; b < nb; b++) {
            int64_t c = -1;
            int f;
#pragma omp atomic read
            f = failed;
            if (!f)
                c = merge_bucket(pr + bstart[b], bstart[b + 1] - bstart[b], (lp_vid)(b << shift),
                                 width, &s);
            if (c < 0) {
#pragma omp atomic write
                failed = 1;
            }
            bcount[b] = c;
        }
        merge_scratch_free(&s);
    }
    if (failed) {
        st = lp_error_nomem("edge merge");
        goto done;
    }
    /* the buckets' edges stay where they are (bucket b's at pr[bstart[b]],
     * bcount[b] of them): build_csr reads them by bucket */
    int64_t m = 0;
    for (int64_t b = 0; b < nb; b++)
        m += bcount[b];
    g.merged_duplicates = m0 - m;
    /* A sum of finite positive weights that overflows stays infinite: the
     * first such edge in (u, v) order is the one a merging scan meets first. */
    for (int64_t b = 0; b < nb; b++)
        for (int64_t j = 0; j < bcount[b]; j++) {
            const merge_row *e = pr + bstart[b] + j;
            if (isfinite(e->w)) continue;
            char a[LP_TEXT_MSG_CAP], t[LP_TEXT_MSG_CAP];
            st = lp_error_set(LP_EINPUT,
                              "edge \"%s\" - \"%s\": the weights of its duplicate rows add "
                              "up to more than %.4g (the largest number)",
                              id_text(a, sizeof a, nodes, e->u), id_text(t, sizeof t, nodes, e->v),
                              DBL_MAX);
            goto done;
        }

    st = build_from_canonical(&g, nodes, m, pr, bstart, bcount, nb);
    free(pr);
    pr = NULL;
    if (!st && (st = check_sums(&g.nodes, &g.csr))) {
        *nodes = g.nodes; /* back to the caller, as on every failure */
        memset(&g.nodes, 0, sizeof g.nodes);
        lp_graph_free(&g);
    }

done:
    free(pr);
    free(hist);
    free(bstart);
    free(bcount);
    free(loops);
    free(bad);
    for (int i = 0; i < nlists; i++)
        lp_edges_free(&lists[i]);
    if (st) return st;
    *out = g;
    return LP_OK;
}

lp_status lp_graph_build(lp_graph *out, lp_nodes *nodes, lp_edges *edges)
{
    return lp_graph_build_lists(out, nodes, edges, 1);
}

/* ---- a CSR that lives elsewhere ----------------------------------------- */

/* A 64-bit mix (a bijection): the finaliser of MurmurHash3 / SplitMix64. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    return x ^ (x >> 33);
}

/* H(u, v, w) of lp_csr_check, u < v. */
static inline uint64_t edge_hash(lp_vid u, lp_vid v, double w)
{
    uint64_t bits;
    memcpy(&bits, &w, sizeof bits);
    uint64_t key = (uint64_t)(uint32_t)u << 32 | (uint32_t)v;
    return mix64(key * 0x9E3779B97F4A7C15ull + bits); /* a bijection of bits, and of key */
}

lp_csr_defect lp_csr_check(const lp_csr *c, int64_t *where, lp_vid *node)
{
    int64_t n = c->n, arcs = 2 * c->m;
    const int64_t *off = c->offset;
    const lp_vid *adj = c->adj;
    const double *w = c->weight;
    int64_t at = -1;
    lp_vid v0 = -1;
    lp_csr_defect d = LP_CSR_OK;
    if (off[0] != 0) {
        d = LP_CSR_OFFSET_FIRST;
        at = 0;
        goto out;
    }
    /* One pass: each node's offsets (a node whose own pair is out of order
     * or out of [0, 2m] is not looked into), its arcs (the first bad row,
     * min) and the symmetry sums. The offsets' verdict comes first: the
     * first row where they decrease, else a last value other than 2m;
     * either way some arcs were skipped and nothing else is reported. */
    int64_t first = n + 1, bad = arcs, up = 0;
    uint64_t hup = 0, hdown = 0;
#pragma omp parallel for schedule(dynamic, 4096) reduction(min : first, bad) reduction(+ : up, hup, hdown) if (n >= LP_PARALLEL_MIN)
    for (int64_t v = 0; v < n; v++) {
        int64_t k0 = off[v], k1 = off[v + 1];
        if (k1 < k0) {
            if (v + 1 < first) first = v + 1;
            continue;
        }
        if (k0 < 0 || k1 > arcs) continue; /* an order defect or a bad last value */
        for (int64_t k = k0; k < k1; k++) {
            lp_vid t = adj[k];
            double x = w[k];
            if (t < 0 || t >= n || t == v || (k > k0 && t <= adj[k - 1]) || !(x > 0) ||
                x > 1.7976931348623157e308) {
                if (k < bad) bad = k;
                break;
            }
            if (t > v) {
                up++;
                hup += edge_hash((lp_vid)v, t, x);
            } else {
                hdown += edge_hash(t, (lp_vid)v, x);
            }
        }
    }
    if (first <= n) {
        d = LP_CSR_OFFSET_ORDER;
        at = first;
        goto out;
    }
    if (off[n] != arcs) {
        d = LP_CSR_OFFSET_LAST;
        at = n;
        goto out;
    }
    if (bad < arcs) {
        /* The node of row bad: the last v with off[v] <= bad < off[v+1]. */
        lp_vid lo = 0, hi = (lp_vid)(n - 1);
        while (lo < hi) {
            lp_vid mid = lo + (hi - lo + 1) / 2;
            if (off[mid] <= bad)
                lo = mid;
            else
                hi = mid - 1;
        }
        v0 = lo;
        lp_vid t = adj[bad];
        d = t < 0 || t >= n                      ? LP_CSR_RANGE
            : t == v0                            ? LP_CSR_SELF
            : bad > off[v0] && t <= adj[bad - 1] ? LP_CSR_ORDER
                                                 : LP_CSR_WEIGHT;
        at = bad;
        goto out;
    }
    if (up != c->m || hup != hdown) d = LP_CSR_ASYMMETRIC;
out:
    if (where) *where = at;
    if (node) *node = v0;
    return d;
}

lp_status lp_graph_adopt(lp_graph *out, const lp_nodes *nodes, const lp_csr *csr,
                         lp_graph_backing backing)
{
    int64_t n = csr->n;
    if (!backing.release) return lp_error_set(LP_EINTERNAL, "lp_graph_adopt: no backing");
    if (n < 0 || n > LP_VID_MAX || nodes->id.count != n || csr->m < 0)
        return lp_error_set(LP_EINTERNAL, "lp_graph_adopt: %lld ids for %lld nodes",
                            (long long)nodes->id.count, (long long)n);
    lp_status st = check_sums(nodes, csr);
    if (st) return st;
    lp_graph g;
    memset(&g, 0, sizeof g);
    g.role = lp_i_alloc_big((size_t)n + 1, 1);
    if (!g.role) return lp_error_nomem("roles");
    g.n = n;
    g.m = csr->m;
    g.nodes = *nodes;
    g.csr = *csr;
    g.backing = backing;
    *out = g;
    return LP_OK;
}

void lp_graph_free(lp_graph *g)
{
    if (!g) return;
    if (g->has_ig) {
        igraph_destroy(&g->ig);
        igraph_vector_destroy(&g->ig_weight);
    }
    if (g->backing.release) {
        if (g->csr_own) csr_free(&g->csr);
        g->backing.release(g->backing.ctx);
    } else {
        csr_free(&g->csr);
        lp_nodes_free(&g->nodes);
    }
    free(g->role);
    memset(g, 0, sizeof *g);
}

/* ---- weak ties ---------------------------------------------------------- */

static int is_tie(const uint8_t *role, lp_vid u, lp_vid v)
{
    uint8_t ru = role[u], rv = role[v];
    const uint8_t side = LP_ROLE_PERSON | LP_ROLE_ANCHOR;
    return ((ru & LP_ROLE_PERSON) && !(rv & side)) || ((rv & LP_ROLE_PERSON) && !(ru & side));
}

lp_status lp_graph_drop_weak_ties(lp_graph *g, double min_tie, int64_t *out_dropped)
{
    const lp_csr *c = &g->csr;
    lp_vid n = c->n;
    lp_csr nc = {.n = n};
    nc.offset = lp_malloc(((size_t)n + 1) * sizeof *nc.offset);
    if (!nc.offset) return lp_error_nomem("weak ties");
        /* Pass 1: arcs kept per node. */
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < n; v++) {
        int64_t keep = 0;
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
            keep += !(c->weight[k] < min_tie && is_tie(g->role, v, c->adj[k]));
        nc.offset[v + 1] = keep;
    }
    nc.offset[0] = 0;
    for (lp_vid v = 0; v < n; v++)
        nc.offset[v + 1] += nc.offset[v];
    int64_t arcs = nc.offset[n];
    nc.m = arcs / 2;
    nc.adj = lp_malloc(((size_t)arcs + 1) * sizeof *nc.adj);
    nc.weight = lp_malloc(((size_t)arcs + 1) * sizeof *nc.weight);
    if (!nc.adj || !nc.weight) {
        csr_free(&nc);
        return lp_error_nomem("weak ties");
    }
    /* Pass 2: copy, order kept (both arcs of an edge agree on dropping). */
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < n; v++) {
        int64_t o = nc.offset[v];
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
            if (!(c->weight[k] < min_tie && is_tie(g->role, v, c->adj[k]))) {
                nc.adj[o] = c->adj[k];
                nc.weight[o++] = c->weight[k];
            }
    }
    if (out_dropped) *out_dropped = c->m - nc.m;
    if (g->has_ig) {
        igraph_destroy(&g->ig);
        igraph_vector_destroy(&g->ig_weight);
        g->has_ig = 0;
    }
    if (!g->backing.release || g->csr_own) csr_free(&g->csr);
    g->csr = nc;
    g->csr_own = 1;
    g->m = nc.m;
    return LP_OK;
}

/* ---- roles ------------------------------------------------------------ */

int64_t lp_graph_type_index(const lp_graph *g, const char *name, size_t len)
{
    const lp_strtab *t = &g->nodes.type_name;
    for (int64_t i = 0; i < t->count; i++) {
        const char *s = lp_strtab_get(t, i);
        if (strlen(s) == len && memcmp(s, name, len) == 0) return i;
    }
    return -1;
}

const char *lp_graph_types_text(const lp_graph *g, char *buf, size_t cap)
{
    const lp_strtab *t = &g->nodes.type_name;
    char more[40];
    size_t o = 0;
    buf[0] = '\0';
    if (t->count == 0) {
        snprintf(buf, cap, "(none)");
        return buf;
    }
    snprintf(more, sizeof more, ", ... (%lld types)", (long long)t->count);
    size_t keep = cap - strlen(more) - 1; /* room left for the cut */
    for (int64_t i = 0; i < t->count; i++) {
        char v[LP_TEXT_MSG_CAP];
        const char *s = lp_strtab_get(t, i);
        lp_text_msg(v, sizeof v, s, strlen(s));
        size_t need = (i ? 2 : 0) + strlen(v) + 2;
        /* the last name may use the room of the cut */
        if (o + need > (i + 1 == t->count ? cap - 1 : keep)) {
            snprintf(buf + o, cap - o, "%s", i ? more : more + 2);
            return buf;
        }
        o += (size_t)snprintf(buf + o, cap - o, "%s'%s'", i ? ", " : "", v);
    }
    return buf;
}

/* OR `flag` into flags[type] for every type named in the comma list. */
static lp_status apply_list(uint8_t *flags, const lp_graph *g, const char *list, uint8_t flag,
                            const char *role)
{
    if (!list || !*list) return lp_error_set(LP_EUSAGE, "the %s role has an empty type list", role);
    const char *p = list;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0) {
            char v[LP_TEXT_MSG_CAP];
            return lp_error_set(LP_EUSAGE, "the %s role's type list '%s' has an empty item", role,
                                lp_text_msg(v, sizeof v, list, strlen(list)));
        }
        int64_t t = lp_graph_type_index(g, p, len);
        if (t >= 0) flags[t] |= flag;
        if (!c) break;
        p = c + 1;
    }
    return LP_OK;
}

lp_status lp_graph_set_roles(lp_graph *g, const lp_roles *roles)
{
    int64_t nt = g->nodes.type_name.count;
    uint8_t *flags = lp_calloc((size_t)nt + 1, 1);
    if (!flags) return lp_error_nomem("roles");
    lp_status st;
    if ((st = apply_list(flags, g, roles->anchor, LP_ROLE_ANCHOR, "anchor")) ||
        (st = apply_list(flags, g, roles->person, LP_ROLE_PERSON, "person")) ||
        (st = apply_list(flags, g, roles->account, LP_ROLE_ACCOUNT, "account"))) {
        free(flags);
        return st;
    }
    g->n_anchor = g->n_person = g->n_account = 0;
    for (int64_t v = 0; v < g->n; v++) {
        uint8_t r = flags[g->nodes.type[v]];
        g->role[v] = r;
        g->n_anchor += (r & LP_ROLE_ANCHOR) != 0;
        g->n_person += (r & LP_ROLE_PERSON) != 0;
        g->n_account += (r & LP_ROLE_ACCOUNT) != 0;
    }
    free(flags);
    return LP_OK;
}

const char *lp_graph_node_label(const lp_graph *g, lp_vid v, char *buf, size_t cap)
{
    char a[LP_TEXT_MSG_CAP], b[LP_TEXT_MSG_CAP];
    const char *id = lp_strtab_get(&g->nodes.id, v);
    const char *name = g->nodes.has_name ? lp_strtab_get(&g->nodes.name, v) : "";
    lp_text_msg(b, sizeof b, id, strlen(id));
    if (*name)
        snprintf(buf, cap, "%s (%s)", lp_text_msg(a, sizeof a, name, strlen(name)), b);
    else
        snprintf(buf, cap, "%s", b);
    return buf;
}
