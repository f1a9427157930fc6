/* betweenness.c — shortest-path betweenness on the CSR snapshot.
 *
 * Exact: Brandes' accumulation (U. Brandes, "A faster algorithm for
 * betweenness centrality", J. Math. Sociol. 25(2), 2001), OpenMP over
 * sources, on the biconnected components (blocks) separately, as in Puzis,
 * Zilberman & Elovici, "Heuristics for speeding up betweenness centrality
 * computation", SocialCom 2012, and Sariyüce et al., BADIOS, 2013.
 * With N the size of v's connected component, pairs {s, t} split into
 *   (a) s and t in different components of G - v: every shortest path uses
 *       v. The components of G - v are one per block at v; the block B
 *       contributes N - w_B(v) vertices, where w_B(x) = |R_B(x)| is the
 *       number of vertices whose way into B is through x (x itself and all
 *       that hangs off x outside B). So
 *           (a)(v) = ((N-1)^2 - sum_{B at v} (N - w_B(v))^2) / 2;
 *   (b) s and t in the same component of G - v, i.e. behind vertices x != y
 *       of one block B at v: shortest paths are convex in blocks, so they
 *       run s -> x -> (inside B) -> y -> t and
 *           (b)(v) = sum_B 1/2 sum_{x != v} w_B(x) delta^B_x(v),
 *           delta^B_x(v) = sum_{y: v pred of y} sigma_xv/sigma_xy (w_B(y) + delta^B_x(y)),
 *       a Brandes pass inside B with source and target weights.
 * Blocks and weights come from one low-link search (lowlink.c): a child v
 * with low[v] >= disc[parent] heads a new block whose top is the parent;
 * for a non-top x, w_B(x) = 1 + the subtree sizes of the blocks hanging
 * below x; for the top, N minus the head's subtree size. Blocks of two
 * vertices (bridges) need no Brandes pass. Cost: O(n + m) plus
 * O(sum_B |B| |E_B|) instead of O(n m); on enterprise graphs the tree-like
 * periphery falls into small blocks. Inside a block, the forward search
 * writes each vertex's shortest-path successors into that vertex's own
 * adjacency slots, and the backward pass pulls over those DAG arcs only
 * (no distance test per arc). Path counts are doubles (as in
 * igraph): they overflow integers on large graphs. Per-thread workspaces
 * are allocated before the parallel region. The sums over sources are
 * exact: each source's contribution (a double, the same whatever thread
 * computes it) is added to a per-thread 128-bit fixed-point accumulator
 * with 64 fraction bits (see fix_add), and integer addition does not care
 * in which order the dynamic schedule hands out the sources, so the output
 * is bitwise identical on every run and at every thread count. (Summing the
 * doubles per thread made ~20% of the values differ in the last bits
 * between two runs.) The price: contributions are truncated to multiples
 * of 2^-64, far below the rounding of the double result, and every value
 * must stay below 2^63 (it is at most n^2 < 2^62 for lp_vid = int32).
 *
 * Sampled: Riondato & Kornaropoulos, "Fast approximation of betweenness
 * centrality through sampling", Data Min. Knowl. Discov. 30, 2016. Sample
 *     r = ceil(c / eps^2 * (floor(log2(VD - 2)) + 1 + ln(1/delta))), c = 0.5,
 * (at most LP_SAMPLING_MAX_SAMPLES, else LP_EUSAGE saying so) ordered
 * vertex pairs (u, v) uniformly, one shortest u-v path uniformly
 * among all, and count its interior vertices; count/r estimates normalised
 * betweenness within eps for all vertices at once with probability
 * >= 1 - delta. VD is an upper bound on the vertex diameter: per component,
 * one BFS from a vertex x; d(a,b) <= d(a,x) + d(x,b) so VD <= e1 + e2 + 1
 * with e1 >= e2 the two largest distances from x. Each path is sampled with
 * a balanced bidirectional BFS (as in KADABRA, Borassi & Natale, JEA 2019):
 * whole levels are expanded on the side with the smaller frontier degree
 * sum until the searches touch; the meeting level gives sigma_uv =
 * sum sigma_u(y) sigma_v(y), y is drawn proportionally and each half is
 * walked back choosing predecessors proportionally to their path counts.
 * Every sample has its own random stream derived from (seed, sample index)
 * and the counts are integers, so the output is identical for a seed
 * whatever the thread count. The counts are kept in out itself (integers,
 * exact in a double; atomic additions, a path has a handful of interior
 * vertices) and scaled at the end. Each thread's searches keep their
 * distances and path counts in a small hash table sized to what a sample
 * touches (bibfs_ws), so the memory beyond out is O(threads x the largest
 * sample) plus 4.4 bytes a node for the diameter bound's search (the visit
 * order and three bitmaps), freed before the samples.
 */
#include "lp_centrality.h"
#include "lp_alloc.h"
#include "lp_dist.h"
#include "lp_i_bfs.h"
#include "lp_i_lowlink.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lp_i_omp.h"
#include "lp_i_progress.h"
#include "lp_text.h"

/* ---- exact ------------------------------------------------------------ */

/* An unsigned 128-bit fixed-point number: hi + lo / 2^64. Additions are
 * exact integer additions, so a sum does not depend on its order. */
typedef struct fix128 {
    uint64_t lo, hi;
} fix128;

/* a += x for 0 <= x < 2^63 (the caller's invariant): x's integer part goes
 * to hi, its fraction truncated to 64 bits to lo; x - floor(x) is exact. */
static inline void fix_add(fix128 *a, double x)
{
    double ip = floor(x);
    uint64_t hi = (uint64_t)ip, lo = (uint64_t)((x - ip) * 0x1.0p64);
    a->lo += lo;
    a->hi += hi + (a->lo < lo);
}

static inline void fix_sum(fix128 *a, fix128 b)
{
    a->lo += b.lo;
    a->hi += b.hi + (a->lo < b.lo);
}

static inline double fix_value(fix128 a)
{
    return (double)a.hi + (double)a.lo * 0x1.0p-64;
}

typedef struct brandes_ws {
    int32_t *dist;   /* -1: not reached */
    double *sigma;   /* shortest-path counts, valid where dist >= 0 */
    double *coeff;   /* (w + delta) / sigma, see brandes_weighted */
    lp_vid *succ;    /* successors of v in the shortest-path DAG, in v's CSR slots */
    int32_t *n_succ; /* [local vertices] */
    fix128 *bc;      /* [local vertices] this thread's sums, exact */
    lp_vid *order;
} brandes_ws;

/* Brandes from s inside one block, with source and target weights w:
 * adds w[s] * delta_s(x) to bc[x] for every other x it reaches. The forward
 * search records each vertex's successors in its own adjacency slots, so
 * the backward pass walks only DAG arcs. */
static void brandes_weighted(brandes_ws *ws, const int64_t *off, const lp_vid *adj, const double *w,
                             lp_vid s)
{
    int32_t *dist = ws->dist, *n_succ = ws->n_succ;
    double *sigma = ws->sigma, *coeff = ws->coeff;
    lp_vid *order = ws->order, *succ = ws->succ;
    int64_t head = 0, tail = 0;
    order[tail++] = s;
    dist[s] = 0;
    sigma[s] = 1.0;
    while (head < tail) {
        lp_vid v = order[head++];
        int32_t dn = dist[v] + 1;
        double sv = sigma[v];
        lp_vid *out = succ + off[v];
        int32_t c = 0;
        for (int64_t k = off[v]; k < off[v + 1]; k++) {
            lp_vid x = adj[k];
            int32_t dx = dist[x];
            if (dx < 0) {
                dist[x] = dn;
                sigma[x] = sv;
                order[tail++] = x;
                out[c++] = x;
            } else if (dx == dn) {
                sigma[x] += sv;
                out[c++] = x;
            }
        }
        n_succ[v] = c;
    }
    /* Pull form of the dependency recursion: with
     * coeff(x) = (w(x) + delta(x)) / sigma(x), delta(v) = sigma(v) times the
     * sum of coeff over v's successors. Each vertex writes only itself. */
    for (int64_t i = tail - 1; i > 0; i--) {
        lp_vid v = order[i];
        const lp_vid *sv = succ + off[v];
        double sum = 0.0;
        for (int32_t j = 0; j < n_succ[v]; j++)
            sum += coeff[sv[j]];
        double delta = sigma[v] * sum;
        fix_add(&ws->bc[v], w[s] * delta);
        coeff[v] = (w[v] + delta) / sigma[v];
    }
    /* sigma, coeff and the successor lists are written before they are read
     * in every pass; only dist must be reset */
    for (int64_t i = 0; i < tail; i++)
        dist[order[i]] = -1;
}

/* The blocks (biconnected components) with 3 or more vertices, as one CSR
 * over "block-local" vertices: a vertex appears once per such block it
 * belongs to. vert[x] is the graph vertex of local x, w[x] its weight
 * |R_B(x)| in that block. Edges of different blocks never meet, so a BFS
 * from a local vertex stays inside its block. */
typedef struct blocks {
    int64_t nl;   /* local vertices */
    int64_t *off; /* [nl + 1] */
    lp_vid *adj;  /* local ids */
    lp_vid *vert; /* [nl] */
    double *w;    /* [nl] */
} blocks;

static void blocks_free(blocks *b)
{
    free(b->off);
    free(b->adj);
    free(b->vert);
    free(b->w);
}

/* The state of one exact run, phase by phase (lp_betweenness_exact_dist):
 * tree_sizes, cut_pairs, blocks_number, blocks_fill, workspaces, chunks,
 * sources, reduce. Every array starts NULL; bw_free releases them all. */
typedef struct bw_exact {
    const lp_csr *csr;
    const lp_dist *dist;
    lp_i_lowlink l;
    int have_lowlink;
    double *size, *comp, *hang, *sq; /* [n] subtree and component sizes, hanging blocks */
    uint8_t *cut_below;              /* [n] v heads a block whose top is parent[v] */
    int64_t *blk, *loc;              /* [n] home block of v, v's index in it */
    int64_t nb;                      /* blocks */
    int64_t *bsize, *bbase;          /* [nb] vertices; first local vertex or -1 (< 3) */
    lp_vid *btop, *bhead;            /* [nb] */
    blocks b;
    int nt;
    brandes_ws *ws;       /* [nt] */
    int64_t n_chunks;     /* LP_BW_CHUNKS */
    int64_t *chunk_start; /* [n_chunks + 1] local sources of chunk c */
    uint8_t *done, *held; /* [n_chunks] skip; summed in acc */
    fix128 *acc;          /* [nl] this rank's sums over its held chunks */
    uint64_t *wide;       /* [3 nl] acc in the wide form (reduction, checkpoint) */
} bw_exact;

static void bw_free(bw_exact *x)
{
    if (x->ws)
        for (int t = 0; t < x->nt; t++) {
            free(x->ws[t].dist);
            free(x->ws[t].sigma);
            free(x->ws[t].coeff);
            free(x->ws[t].succ);
            free(x->ws[t].n_succ);
            free(x->ws[t].bc);
            free(x->ws[t].order);
        }
    free(x->ws);
    blocks_free(&x->b);
    if (x->have_lowlink) lp_i_lowlink_free(&x->l);
    free(x->size);
    free(x->comp);
    free(x->hang);
    free(x->sq);
    free(x->cut_below);
    free(x->blk);
    free(x->loc);
    free(x->bsize);
    free(x->bbase);
    free(x->btop);
    free(x->bhead);
    free(x->chunk_start);
    free(x->done);
    free(x->held);
    free(x->acc);
    free(x->wide);
}

/* Phase 1: one low-link search; subtree and component sizes; the blocks
 * hanging below each vertex (their count and the sum of their squares). */
static lp_status phase_tree_sizes(bw_exact *x)
{
    const lp_vid n = x->csr->n;
    size_t n1 = (size_t)n + 1;
    lp_status st = lp_i_lowlink_run(&x->l, x->csr, NULL);
    if (st) return st;
    x->have_lowlink = 1;
    x->size = lp_malloc(n1 * sizeof *x->size);
    x->comp = lp_malloc(n1 * sizeof *x->comp);
    x->hang = lp_calloc(n1, sizeof *x->hang);
    x->sq = lp_calloc(n1, sizeof *x->sq);
    x->cut_below = lp_calloc(n1, 1);
    if (!x->size || !x->comp || !x->hang || !x->sq || !x->cut_below)
        return lp_error_nomem("betweenness");
    const lp_i_lowlink *l = &x->l;
    for (lp_vid v = 0; v < n; v++)
        x->size[v] = 1.0;
    for (int64_t i = n - 1; i >= 0; i--) {
        lp_vid v = l->order[i], p = l->parent[v];
        if (p < 0) continue;
        x->size[p] += x->size[v];
        if (l->low[v] >= l->disc[p]) {
            x->cut_below[v] = 1;
            x->hang[p] += x->size[v];
            x->sq[p] += x->size[v] * x->size[v];
        }
    }
    for (int64_t i = 0; i < n; i++) {
        lp_vid v = l->order[i], p = l->parent[v];
        x->comp[v] = p < 0 ? x->size[v] : x->comp[p];
    }
    return LP_OK;
}

/* Phase 2: pairs in different components of G - v: all their paths use v.
 * The component of G - v through v's home block has N - 1 - hang[v]
 * vertices; the one through each block below v has the size of its head's
 * subtree. Sets out[v] for every v. */
static void phase_cut_pairs(const bw_exact *x, double *out)
{
    for (lp_vid v = 0; v < x->csr->n; v++) {
        double N = x->comp[v], up = x->l.parent[v] < 0 ? 0.0 : N - 1 - x->hang[v];
        out[v] = ((N - 1) * (N - 1) - x->sq[v] - up * up) / 2;
    }
}

/* Phase 3: blocks in preorder: a child v with cut_below starts a new block
 * whose top is parent[v]; any other vertex joins its parent's home block.
 * Only blocks of 3+ vertices get local vertices (bbase); their vertices and
 * weights. */
static lp_status phase_blocks_number(bw_exact *x)
{
    const lp_vid n = x->csr->n;
    size_t n1 = (size_t)n + 1;
    const lp_i_lowlink *l = &x->l;
    x->blk = lp_malloc(n1 * sizeof *x->blk);
    x->loc = lp_malloc(n1 * sizeof *x->loc);
    if (!x->blk || !x->loc) return lp_error_nomem("betweenness blocks");
    int64_t nb = 0;
    for (int64_t i = 0; i < n; i++)
        nb += x->cut_below[l->order[i]];
    x->nb = nb;
    x->bsize = lp_calloc((size_t)nb + 1, sizeof *x->bsize);
    x->bbase = lp_malloc(((size_t)nb + 1) * sizeof *x->bbase);
    x->btop = lp_malloc(((size_t)nb + 1) * sizeof *x->btop);
    x->bhead = lp_malloc(((size_t)nb + 1) * sizeof *x->bhead);
    if (!x->bsize || !x->bbase || !x->btop || !x->bhead)
        return lp_error_nomem("betweenness blocks");
    int64_t nbk = 0;
    for (int64_t i = 0; i < n; i++) {
        lp_vid v = l->order[i], p = l->parent[v];
        x->blk[v] = -1;
        if (p < 0) continue;
        if (x->cut_below[v]) {
            x->btop[nbk] = p;
            x->bhead[nbk] = v;
            x->bsize[nbk] = 1; /* the top */
            x->blk[v] = nbk++;
        } else {
            x->blk[v] = x->blk[p];
        }
        x->loc[v] = x->bsize[x->blk[v]]++; /* local index within the block; the top is 0 */
    }
    blocks *b = &x->b;
    b->nl = 0;
    for (int64_t k = 0; k < nb; k++) {
        x->bbase[k] = x->bsize[k] >= 3 ? b->nl : -1;
        if (x->bsize[k] >= 3) b->nl += x->bsize[k];
    }
    b->off = lp_calloc((size_t)b->nl + 2, sizeof *b->off);
    b->vert = lp_malloc(((size_t)b->nl + 1) * sizeof *b->vert);
    b->w = lp_malloc(((size_t)b->nl + 1) * sizeof *b->w);
    if (!b->off || !b->vert || !b->w) return lp_error_nomem("betweenness blocks");
    for (int64_t k = 0; k < nb; k++)
        if (x->bbase[k] >= 0) {
            b->vert[x->bbase[k]] = x->btop[k];
            b->w[x->bbase[k]] = x->comp[x->btop[k]] - x->size[x->bhead[k]];
        }
    for (lp_vid v = 0; v < n; v++)
        if (x->blk[v] >= 0 && x->bbase[x->blk[v]] >= 0) {
            b->vert[x->bbase[x->blk[v]] + x->loc[v]] = v;
            b->w[x->bbase[x->blk[v]] + x->loc[v]] = 1 + x->hang[v];
        }
    return LP_OK;
}

/* Phase 4: the blocks' local CSR. Each edge belongs to the home block of
 * its deeper end. Two passes: degrees, then fill (after the fill, off[x + 1]
 * has moved to the end of x's list = the offset of x + 1). */
static lp_status phase_blocks_fill(bw_exact *x)
{
    const lp_csr *csr = x->csr;
    blocks *b = &x->b;
    for (int pass = 0; pass < 2; pass++) {
        for (lp_vid u = 0; u < csr->n; u++)
            for (int64_t k = csr->offset[u]; k < csr->offset[u + 1]; k++) {
                lp_vid v = csr->adj[k];
                if (v < u) continue;
                lp_vid deep = x->l.disc[u] > x->l.disc[v] ? u : v;
                int64_t B = x->blk[deep], base = x->bbase[B];
                if (base < 0) continue;
                int64_t lu = base + (u == x->btop[B] ? 0 : x->loc[u]);
                int64_t lv = base + (v == x->btop[B] ? 0 : x->loc[v]);
                if (pass == 0) {
                    b->off[lu + 2]++;
                    b->off[lv + 2]++;
                } else {
                    b->adj[b->off[lu + 1]++] = (lp_vid)lv;
                    b->adj[b->off[lv + 1]++] = (lp_vid)lu;
                }
            }
        if (pass == 0) {
            for (int64_t v = 0; v < b->nl; v++)
                b->off[v + 2] += b->off[v + 1];
            b->adj = lp_malloc(((size_t)b->off[b->nl + 1] + 1) * sizeof *b->adj);
            if (!b->adj) return lp_error_nomem("betweenness blocks");
        }
    }
    return LP_OK;
}

/* Phase 5: per-thread Brandes workspaces over the local vertices, and this
 * rank's exact sums. */
static lp_status phase_workspaces(bw_exact *x)
{
    const blocks *b = &x->b;
    size_t c1 = (size_t)b->nl + 1;
    x->nt = lp_i_max_threads();
    x->ws = lp_calloc((size_t)x->nt, sizeof *x->ws);
    x->acc = lp_calloc(c1, sizeof *x->acc);
    if (!x->ws || !x->acc) return lp_error_nomem("betweenness workspace");
    for (int t = 0; t < x->nt; t++) {
        brandes_ws *w = &x->ws[t];
        w->dist = lp_malloc(c1 * sizeof *w->dist);
        w->sigma = lp_calloc(c1, sizeof *w->sigma);
        w->coeff = lp_calloc(c1, sizeof *w->coeff);
        w->succ = lp_malloc(((size_t)b->off[b->nl] + 1) * sizeof *w->succ);
        w->n_succ = lp_calloc(c1, sizeof *w->n_succ);
        w->bc = lp_calloc(c1, sizeof *w->bc);
        w->order = lp_malloc(c1 * sizeof *w->order);
        if (!w->dist || !w->sigma || !w->coeff || !w->succ || !w->n_succ || !w->bc || !w->order)
            return lp_error_nomem("betweenness workspace");
        for (int64_t v = 0; v < b->nl; v++)
            w->dist[v] = -1;
    }
    return LP_OK;
}

/* Phase 6: cut the sources into LP_BW_CHUNKS chunks of about equal cost. A
 * Brandes pass from a source of block B costs about |B| + 2|E_B|, so the
 * chunks are cut on the running sum of that cost; they depend on the graph
 * only, never on the rank count (a checkpoint stays valid for any P). */
static lp_status phase_chunks(bw_exact *x)
{
    const blocks *b = &x->b;
    x->n_chunks = LP_BW_CHUNKS;
    x->chunk_start = lp_malloc(((size_t)x->n_chunks + 1) * sizeof *x->chunk_start);
    x->done = lp_calloc((size_t)x->n_chunks, 1);
    x->held = lp_calloc((size_t)x->n_chunks, 1);
    if (!x->chunk_start || !x->done || !x->held) return lp_error_nomem("betweenness chunks");
    double total = 0.0;
    for (int64_t k = 0; k < x->nb; k++)
        if (x->bbase[k] >= 0) {
            int64_t lo = x->bbase[k], hi = lo + x->bsize[k];
            total += (double)x->bsize[k] * (double)(x->bsize[k] + b->off[hi] - b->off[lo]);
        }
    /* chunk c starts at the first source whose preceding cost reaches c/C of the total */
    int64_t c = 0;
    double run = 0.0;
    for (int64_t k = 0; k < x->nb; k++) {
        if (x->bbase[k] < 0) continue;
        int64_t lo = x->bbase[k], hi = lo + x->bsize[k];
        double per = (double)(x->bsize[k] + b->off[hi] - b->off[lo]);
        for (int64_t s = lo; s < hi; s++) {
            while (c < x->n_chunks && run >= total * (double)c / (double)x->n_chunks)
                x->chunk_start[c++] = s;
            run += per;
        }
    }
    while (c <= x->n_chunks)
        x->chunk_start[c++] = b->nl;
    x->chunk_start[0] = 0;
    return LP_OK;
}

/* A key of the block decomposition and chunking, for checkpoints. */
static uint64_t bw_key(const bw_exact *x)
{
    uint64_t h = 0x6c696e6368706e31ULL; /* any start */
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 0x100000001b3ULL, h ^= h >> 29)
    MIX(x->csr->n);
    MIX(x->b.nl);
    MIX(x->n_chunks);
    for (int64_t v = 0; v <= x->b.nl; v++)
        MIX(x->b.off[v]);
    for (int64_t k = 0; k < x->b.off[x->b.nl]; k++)
        MIX(x->b.adj[k]);
    for (int64_t v = 0; v < x->b.nl; v++) {
        MIX(x->b.vert[v]);
        MIX((uint64_t)x->b.w[v]);
    }
    for (int64_t c = 0; c <= x->n_chunks; c++)
        MIX(x->chunk_start[c]);
#undef MIX
    return h;
}

/* The wide form of a 128-bit sum: three words (low 32 bits of lo, high 32
 * bits of lo, hi) that add as plain 64-bit integers across up to 2^32
 * parts without losing a carry; fold_wide turns a sum of such triples back
 * into one number. */
static void to_wide(uint64_t *w, const fix128 *a, int64_t n)
{
    for (int64_t v = 0; v < n; v++) {
        w[3 * v] = a[v].lo & 0xffffffffu;
        w[3 * v + 1] = a[v].lo >> 32;
        w[3 * v + 2] = a[v].hi;
    }
}

static fix128 fold_wide(const uint64_t *w)
{
    fix128 r = {.lo = w[0], .hi = w[2]};
    fix_sum(&r, (fix128){w[1] << 32, w[1] >> 32});
    return r;
}

/* Move every thread's sums into this rank's accumulator. */
static void fold_threads(bw_exact *x)
{
    for (int t = 0; t < x->nt; t++)
        for (int64_t v = 0; v < x->b.nl; v++) {
            fix_sum(&x->acc[v], x->ws[t].bc[v]);
            x->ws[t].bc[v] = (fix128){0, 0};
        }
}

/* Phase 7: Brandes from every source of this rank's chunks (chunk c is
 * rank c mod P's) that no checkpoint has done, in rounds; after each round
 * the sums go to the checkpoint, if any. */
static lp_status phase_sources(bw_exact *x)
{
    const lp_dist *d = x->dist;
    const blocks *b = &x->b;
    const int ckpt = d && d->ckpt_load && d->ckpt_save;
    lp_status st = LP_OK;
    uint64_t key = 0;
    if (ckpt) {
        key = bw_key(x);
        x->wide = lp_calloc((size_t)b->nl * 3 + 1, sizeof *x->wide);
        if (!x->wide) return lp_error_nomem("betweenness checkpoint");
        if ((st = d->ckpt_load(d->ctx, key, x->n_chunks, x->done, x->held, 3 * b->nl, x->wide)))
            return st;
        for (int64_t v = 0; v < b->nl; v++)
            x->acc[v] = fold_wide(x->wide + 3 * v);
    }
    int64_t todo = 0; /* this rank's sources still to run */
    for (int64_t c = 0; c < x->n_chunks; c++)
        if (lp_dist_mine(d, c) && !x->done[c]) todo += x->chunk_start[c + 1] - x->chunk_start[c];
    lp_i_ticker tick;
    lp_i_tick_begin(&tick, "betweenness", todo);
    /* without a checkpoint one round takes all the chunks */
    const int64_t per_round = ckpt ? LP_BW_CHUNKS_PER_ROUND : x->n_chunks;
    for (int64_t c0 = 0; c0 < x->n_chunks && !st; c0 += per_round) {
        int64_t c1 = c0 + per_round < x->n_chunks ? c0 + per_round : x->n_chunks;
        int any = 0;
        for (int64_t c = c0; c < c1; c++)
            any |= lp_dist_mine(d, c) && !x->done[c];
        if (!any) continue;
        /* the round's sources: whole chunks, so index them by chunk */
        int64_t lo = x->chunk_start[c0], hi = x->chunk_start[c1];
#pragma omp parallel for schedule(dynamic, 16) if (hi - lo >= 64)
        for (int64_t s = lo; s < hi; s++) {
            /* the chunk of s: the last c in [c0, c1) with chunk_start[c] <= s */
            int64_t c = c0, e = c1;
            while (e - c > 1) {
                int64_t mid = c + (e - c) / 2;
                if (x->chunk_start[mid] <= s)
                    c = mid;
                else
                    e = mid;
            }
            if (!lp_dist_mine(d, c) || x->done[c]) continue;
            brandes_weighted(&x->ws[lp_i_thread_id()], b->off, b->adj, b->w, (lp_vid)s);
            lp_i_tick(&tick, 1);
        }
        for (int64_t c = c0; c < c1; c++)
            if (lp_dist_mine(d, c) && !x->done[c]) x->held[c] = 1;
        if (ckpt) {
            fold_threads(x);
            to_wide(x->wide, x->acc, b->nl);
            st = d->ckpt_save(d->ctx, key, x->n_chunks, x->held, 3 * b->nl, x->wide, 0);
        }
    }
    lp_i_tick_end(&tick);
    if (!st && ckpt) st = d->ckpt_save(d->ctx, key, x->n_chunks, x->held, 3 * b->nl, x->wide, 1);
    return st;
}

/* Phase 8: reduce exactly: threads, then ranks (as plain 64-bit sums of the
 * wide form); halve: each unordered pair was seen twice. A cut vertex
 * collects from every block it belongs to, in block order. */
static lp_status phase_reduce(bw_exact *x, double *out)
{
    const blocks *b = &x->b;
    fold_threads(x);
    if (x->dist && x->dist->size > 1) {
        if (!x->wide && !(x->wide = lp_calloc((size_t)b->nl * 3 + 1, sizeof *x->wide)))
            return lp_error_nomem("betweenness reduction");
        to_wide(x->wide, x->acc, b->nl);
        lp_status st = lp_dist_sum_u64(x->dist, x->wide, 3 * b->nl);
        if (st) return st;
        for (int64_t v = 0; v < b->nl; v++)
            x->acc[v] = fold_wide(x->wide + 3 * v);
    }
    for (int64_t v = 0; v < b->nl; v++)
        out[b->vert[v]] += fix_value(x->acc[v]) / 2;
    return LP_OK;
}

lp_status lp_betweenness_exact_dist(double *out, const lp_csr *csr, const lp_dist *dist)
{
    bw_exact x;
    memset(&x, 0, sizeof x);
    x.csr = csr;
    x.dist = dist;
    lp_status st = phase_tree_sizes(&x);
    if (!st) {
        phase_cut_pairs(&x, out);
        st = phase_blocks_number(&x);
    }
    if (!st) st = phase_blocks_fill(&x);
    if (!st) st = phase_workspaces(&x);
    if (!st) st = phase_chunks(&x);
    if (!st) st = phase_sources(&x);
    if (!st) st = phase_reduce(&x, out);
    bw_free(&x);
    return st;
}

lp_status lp_betweenness_exact(double *out, const lp_csr *csr)
{
    return lp_betweenness_exact_dist(out, csr, NULL);
}

/* ---- sampled ---------------------------------------------------------- */

static double uniform01(uint64_t *state)
{
    return (double)(lp_text_splitmix64(state) >> 11) * 0x1.0p-53;
}

/* Upper bound on the vertex diameter (vertices on a longest shortest path):
 * per component, one search from its lowest vertex x (the direction-
 * optimizing search of lp_i_bfs.h: the giant component's big levels are
 * expanded in parallel, bottom-up when that is cheaper); e1 is the depth of
 * the deepest level below x's and e2 the same when that level has two
 * vertices or more, else the depth above it. */
typedef struct vd_levels {
    int64_t last_size; /* vertices in the deepest level so far */
    int32_t depth;     /* its depth (x's level is 1) */
} vd_levels;

static void vd_level(void *ctx, const lp_i_bfs *b, int64_t lo, int64_t hi, int32_t d, int par)
{
    vd_levels *l = ctx;
    (void)b;
    (void)par;
    l->last_size = hi - lo;
    l->depth = d;
}

lp_status lp_i_vertex_diameter_bound(int64_t *out, const lp_csr *c, const lp_i_bfs_tuning *t)
{
    lp_i_bfs b;
    lp_status st = lp_i_bfs_init(&b, c, t);
    if (st) return st;
    int64_t best = 1, at = 0;
    for (lp_vid x = 0; !st && x < c->n; x++) {
        if (lp_i_bfs_seen(&b, x)) continue;
        vd_levels l = {0, 0};
        st = lp_i_bfs_search(&b, at, &x, 1, vd_level, &l);
        at = b.level[b.n_level];
        int64_t e1 = l.depth - 1, e2 = l.last_size >= 2 ? e1 : (e1 > 0 ? e1 - 1 : 0);
        if (e1 + e2 + 1 > best) best = e1 + e2 + 1;
    }
    lp_i_bfs_free(&b);
    if (!st) *out = best;
    return st;
}

/* The state of one thread's searches. A sample touches few vertices (on
 * the L graph, 5.98M nodes: 6,900 on average, 54,000 at most), so their
 * distances and path counts live in a small open-addressing table keyed by
 * vertex (linear probing, at most half full, grown by doubling and never
 * shrunk) instead of arrays over all n vertices: the table stays in the
 * cache where the arrays missed on nearly every arc, one slot holds both
 * sides (one miss where there were three), and it costs O(what a sample
 * touches) of memory, not 24 bytes per node and thread. A slot belongs to
 * the current sample only when its gen is the table's: a new sample just
 * increments gen, with nothing to reset. */
typedef struct bslot {
    lp_vid v;        /* the vertex, when gen is current */
    uint32_t gen;    /* the sample that wrote the slot */
    int32_t dist[2]; /* from each end; -1 not reached from that side */
    double sigma[2]; /* shortest-path counts from each end, 0 where not reached */
} bslot;             /* 32 bytes: two to a cache line */

typedef struct bibfs_ws {
    bslot *slot;        /* [cap] */
    int64_t cap, used;  /* cap a power of 2; used: slots of this sample */
    int shift;          /* 64 - log2(cap), for bslot_home */
    uint32_t gen;       /* current sample's generation, >= 1 (0: never written) */
    lp_vid *visited[2]; /* per side, in order of discovery (hence by level) */
    int64_t vcap[2], n_visited[2];
    lp_vid *meet; /* vertices reached from both sides */
    int64_t mcap;
    int failed; /* an allocation failed: the run returns LP_EINTERNAL */
} bibfs_ws;

#define ADJ_AHEAD 4        /* frontier vertices ahead whose arcs are prefetched */
#define BSLOT_FIRST_CAP 64 /* grows to what the samples need in a few doublings */

static inline uint64_t bslot_home(const bibfs_ws *w, lp_vid v)
{
    return ((uint64_t)(uint32_t)v * 0x9e3779b97f4a7c15ULL) >> w->shift;
}

/* v's slot in this sample, or NULL when no side has reached v. */
static inline bslot *bslot_find(const bibfs_ws *w, lp_vid v)
{
    const uint64_t mask = (uint64_t)w->cap - 1;
    for (uint64_t i = bslot_home(w, v);; i = (i + 1) & mask) {
        bslot *s = &w->slot[i];
        if (s->gen != w->gen) return NULL;
        if (s->v == v) return s;
    }
}

/* v's slot, made unreached on both sides if new. Room must be reserved. */
static inline bslot *bslot_get(bibfs_ws *w, lp_vid v)
{
    const uint64_t mask = (uint64_t)w->cap - 1;
    for (uint64_t i = bslot_home(w, v);; i = (i + 1) & mask) {
        bslot *s = &w->slot[i];
        if (s->gen != w->gen) {
            *s = (bslot){.v = v, .gen = w->gen, .dist = {-1, -1}, .sigma = {0.0, 0.0}};
            w->used++;
            return s;
        }
        if (s->v == v) return s;
    }
}

/* Room for `more` new slots at most half full; 0, or -1 out of memory
 * (then the table is unchanged). */
static int bslot_reserve(bibfs_ws *w, int64_t more)
{
    int64_t cap = w->cap;
    while (2 * (w->used + more) > cap)
        cap *= 2;
    if (cap == w->cap) return 0;
    bslot *old = w->slot;
    int64_t old_cap = w->cap;
    uint32_t old_gen = w->gen;
    bslot *t = lp_calloc((size_t)cap, sizeof *t);
    if (!t) return -1;
    w->slot = t;
    w->cap = cap;
    w->shift = 64;
    for (int64_t c = cap; c > 1; c /= 2)
        w->shift--;
    w->gen = 1;
    w->used = 0;
    for (int64_t i = 0; i < old_cap; i++)
        if (old[i].gen == old_gen)
            *bslot_get(w, old[i].v) = (bslot){.v = old[i].v,
                                              .gen = 1,
                                              .dist = {old[i].dist[0], old[i].dist[1]},
                                              .sigma = {old[i].sigma[0], old[i].sigma[1]}};
    free(old);
    return 0;
}

/* Room for `more` entries after the first `used` of a list; 0 or -1. */
static int list_reserve(lp_vid **list, int64_t *cap, int64_t used, int64_t more)
{
    int64_t c = *cap;
    while (used + more > c)
        c *= 2;
    if (c == *cap) return 0;
    lp_vid *t = lp_realloc(*list, (size_t)c * sizeof *t);
    if (!t) return -1;
    *list = t;
    *cap = c;
    return 0;
}

/* Start a sample: every slot becomes free (gen 0 is never current). */
static void bibfs_next(bibfs_ws *w)
{
    if (++w->gen == 0) {
        memset(w->slot, 0, (size_t)w->cap * sizeof *w->slot);
        w->gen = 1;
    }
    w->used = 0;
    w->n_visited[0] = w->n_visited[1] = 0;
}

/* Sample one uniform shortest path between u and v (u != v); add 1 to
 * count[] of its interior vertices (atomically: the array is shared; the
 * counts are integers, exact in a double, so the order of the additions
 * does not matter). On an allocation failure sets w->failed and counts
 * nothing. */
static void sample_path(bibfs_ws *w, const lp_csr *c, lp_vid u, lp_vid v, uint64_t *rng,
                        double *count)
{
    const int64_t *off = c->offset;
    const lp_vid *adj = c->adj;
    lp_vid end[2] = {u, v};
    int64_t lo[2], hi[2]; /* current frontier = visited[side][lo .. hi) */
    int32_t depth[2] = {0, 0};
    bibfs_next(w);
    if (bslot_reserve(w, 2)) goto fail;
    for (int sd = 0; sd < 2; sd++) {
        bslot *s = bslot_get(w, end[sd]);
        s->dist[sd] = 0;
        s->sigma[sd] = 1.0;
        w->visited[sd][0] = end[sd];
        w->n_visited[sd] = 1;
        lo[sd] = 0;
        hi[sd] = 1;
    }
    int64_t n_meet = 0;
    /* the degree sums of the two frontiers; only the side just expanded
     * changes, so only its sum is recomputed */
    int64_t cost[2] = {0, 0};
    int stale[2] = {1, 1};
    while (n_meet == 0 && lo[0] < hi[0] && lo[1] < hi[1]) {
        /* expand the side whose frontier has the smaller degree sum */
        for (int sd = 0; sd < 2; sd++) {
            if (!stale[sd]) continue;
            cost[sd] = 0;
            for (int64_t i = lo[sd]; i < hi[sd]; i++) {
                lp_vid x = w->visited[sd][i];
                cost[sd] += off[x + 1] - off[x];
            }
            stale[sd] = 0;
        }
        int sd = cost[0] <= cost[1] ? 0 : 1, ot = 1 - sd;
        int32_t dn = depth[sd] + 1;
        int64_t nv = w->n_visited[sd];
        for (int64_t i = lo[sd]; i < hi[sd]; i++) {
            lp_vid x = w->visited[sd][i];
            /* the adjacency of a frontier vertex a few ahead: its first
             * arc is a miss (its offset is cached: the cost loop read it) */
            if (i + ADJ_AHEAD < hi[sd])
                __builtin_prefetch(&adj[off[w->visited[sd][i + ADJ_AHEAD]]]);
            int64_t deg = off[x + 1] - off[x];
            if (bslot_reserve(w, deg) || list_reserve(&w->visited[sd], &w->vcap[sd], nv, deg) ||
                list_reserve(&w->meet, &w->mcap, n_meet, deg))
                goto fail;
            /* x's count is final: it is one level up from all it feeds */
            double sx = bslot_find(w, x)->sigma[sd];
            for (int64_t k = off[x]; k < off[x + 1]; k++) {
                lp_vid y = adj[k];
                bslot *s = bslot_get(w, y);
                if (s->dist[sd] < 0) {
                    s->dist[sd] = dn;
                    w->visited[sd][nv++] = y;
                    if (s->dist[ot] >= 0) w->meet[n_meet++] = y;
                }
                if (s->dist[sd] == dn) s->sigma[sd] += sx;
            }
        }
        lo[sd] = hi[sd];
        hi[sd] = w->n_visited[sd] = nv;
        depth[sd] = dn;
        stale[sd] = 1;
    }
    if (n_meet == 0) return;
    /* Choose the meeting vertex y with probability sigma_u(y) sigma_v(y) / sigma_uv. */
    double total = 0.0;
    for (int64_t i = 0; i < n_meet; i++) {
        const bslot *s = bslot_find(w, w->meet[i]);
        total += s->sigma[0] * s->sigma[1];
    }
    double r = uniform01(rng) * total, acc = 0.0;
    lp_vid y = w->meet[n_meet - 1];
    for (int64_t i = 0; i < n_meet; i++) {
        const bslot *s = bslot_find(w, w->meet[i]);
        acc += s->sigma[0] * s->sigma[1];
        if (r < acc) {
            y = w->meet[i];
            break;
        }
    }
    if (y != u && y != v) {
#pragma omp atomic
        count[y] += 1.0;
    }
    /* Walk back to each end, predecessors drawn by path count. */
    for (int sd = 0; sd < 2; sd++) {
        lp_vid z = y;
        const bslot *sz = bslot_find(w, z);
        while (sz->dist[sd] > 1) {
            int32_t dp = sz->dist[sd] - 1;
            double t = uniform01(rng) * sz->sigma[sd], a = 0.0;
            lp_vid pick = -1;
            const bslot *sp = NULL;
            for (int64_t k = off[z]; k < off[z + 1]; k++) {
                lp_vid p = adj[k];
                const bslot *s = bslot_find(w, p);
                if (!s || s->dist[sd] != dp) continue;
                pick = p;
                sp = s;
                a += s->sigma[sd];
                if (t < a) break;
            }
            z = pick;
            sz = sp;
#pragma omp atomic
            count[z] += 1.0;
        }
    }
    return;
fail:
    w->failed = 1;
}

/* Free nt workspaces' arrays; ws may be NULL. */
static void bibfs_ws_free(bibfs_ws *ws, int nt)
{
    if (!ws) return;
    for (int t = 0; t < nt; t++) {
        free(ws[t].slot);
        ws[t].slot = NULL;
        for (int sd = 0; sd < 2; sd++) {
            free(ws[t].visited[sd]);
            ws[t].visited[sd] = NULL;
        }
        free(ws[t].meet);
        ws[t].meet = NULL;
    }
}

/* Riondato–Kornaropoulos' sample count for vertex-diameter bound vd >= 3,
 * as a double (it may be far beyond any integer type). */
static double sample_count(const lp_sampling *opt, int64_t vd)
{
    const double c = 0.5;
    return ceil(c / (opt->epsilon * opt->epsilon) *
                (floor(log2((double)(vd - 2))) + 1 + log(1 / opt->delta)));
}

static lp_status too_many_samples(const lp_sampling *opt, double need, const char *qual)
{
    return lp_error_set(LP_EUSAGE,
                        "sampled betweenness: epsilon %g and delta %g need %s%.3g samples, more "
                        "than the limit %lld (use a larger epsilon or exact betweenness)",
                        opt->epsilon, opt->delta, qual, need, (long long)LP_SAMPLING_MAX_SAMPLES);
}

lp_status lp_sampling_check(const lp_sampling *opt)
{
    if (!(opt->epsilon > 0 && opt->epsilon < 1) || !(opt->delta > 0 && opt->delta < 1))
        return lp_error_set(LP_EUSAGE, "sampling needs 0 < epsilon < 1 and 0 < delta < 1");
    double need = sample_count(opt, 3); /* the fewest: any graph with a path of 3 */
    if (!(need <= (double)LP_SAMPLING_MAX_SAMPLES)) return too_many_samples(opt, need, "at least ");
    return LP_OK;
}

lp_status lp_betweenness_sampled(double *out, lp_sampling_report *out_report, const lp_csr *csr,
                                 const lp_sampling *opt)
{
    return lp_betweenness_sampled_dist(out, out_report, csr, opt, NULL);
}

lp_status lp_betweenness_sampled_dist(double *out, lp_sampling_report *out_report,
                                      const lp_csr *csr, const lp_sampling *opt,
                                      const lp_dist *dist)
{
    const lp_vid n = csr->n;
    size_t n1 = (size_t)n + 1;
    lp_status st = lp_sampling_check(opt);
    if (st) return st;
    int nt = lp_i_max_threads();
    bibfs_ws *ws = NULL;
    uint64_t *wide = NULL;
    /* The diameter bound's search needs n-sized arrays; they are freed
     * before the samples' tables are made. */
    const lp_i_bfs_tuning tuning = LP_I_BFS_TUNING_DEFAULT;
    int64_t vd = 1;
    if ((st = lp_i_vertex_diameter_bound(&vd, csr, &tuning))) return st;
    int64_t r = 0;
    if (n >= 3 && vd >= 3) {
        double need = sample_count(opt, vd);
        if (!(need <= (double)LP_SAMPLING_MAX_SAMPLES)) return too_many_samples(opt, need, "");
        r = (int64_t)need;
    }

    ws = lp_calloc((size_t)nt, sizeof *ws);
    if (!ws) return lp_error_nomem("sampled betweenness");
    for (int t = 0; t < nt; t++) {
        ws[t].cap = BSLOT_FIRST_CAP;
        ws[t].shift = 64;
        for (int64_t c = BSLOT_FIRST_CAP; c > 1; c /= 2)
            ws[t].shift--;
        ws[t].slot = lp_calloc(BSLOT_FIRST_CAP, sizeof *ws[t].slot);
        for (int sd = 0; sd < 2; sd++) {
            ws[t].vcap[sd] = BSLOT_FIRST_CAP;
            ws[t].visited[sd] = lp_malloc(BSLOT_FIRST_CAP * sizeof *ws[t].visited[sd]);
        }
        ws[t].mcap = BSLOT_FIRST_CAP;
        ws[t].meet = lp_malloc(BSLOT_FIRST_CAP * sizeof *ws[t].meet);
        if (!ws[t].slot || !ws[t].visited[0] || !ws[t].visited[1] || !ws[t].meet) {
            st = lp_error_nomem("sampled betweenness workspace");
            goto done;
        }
    }
    /* out holds the path counts (integers, exact in a double) until they are
     * scaled: no separate count array */
    memset(out, 0, (size_t)n * sizeof *out);

    /* Sample i is this rank's when its group of LP_BW_SAMPLE_GRAIN is: the
     * samples drawn are the same whatever the rank count, only who draws
     * them changes, and the counts add up exactly. */
    int64_t mine = 0;
    for (int64_t i = 0; i < r; i += LP_BW_SAMPLE_GRAIN)
        if (lp_dist_mine(dist, i / LP_BW_SAMPLE_GRAIN))
            mine += r - i < LP_BW_SAMPLE_GRAIN ? r - i : LP_BW_SAMPLE_GRAIN;
    lp_i_ticker tick;
    lp_i_tick_begin(&tick, "betweenness", mine);
#pragma omp parallel for schedule(dynamic, 64)
    for (int64_t i = 0; i < r; i++) {
        bibfs_ws *w = &ws[lp_i_thread_id()];
        if (w->failed || !lp_dist_mine(dist, i / LP_BW_SAMPLE_GRAIN)) continue;
        /* the stream of sample i depends only on (seed, i) */
        uint64_t rng = opt->seed * 0xd1342543de82ef95ULL + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
        lp_text_splitmix64(&rng);
        lp_vid u = (lp_vid)(lp_text_splitmix64(&rng) % (uint64_t)n);
        lp_vid v = (lp_vid)(lp_text_splitmix64(&rng) % (uint64_t)(n - 1));
        if (v >= u) v++;
        sample_path(w, csr, u, v, &rng, out);
        lp_i_tick(&tick, 1);
    }
    lp_i_tick_end(&tick);
    for (int t = 0; t < nt; t++)
        if (ws[t].failed) {
            st = lp_error_nomem("sampled betweenness workspace");
            goto done;
        }
    bibfs_ws_free(ws, nt);

    if (dist && dist->size > 1) { /* add the counts of all ranks, as integers */
        if (!(wide = lp_malloc(n1 * sizeof *wide))) {
            st = lp_error_nomem("sampled betweenness reduction");
            goto done;
        }
        for (lp_vid x = 0; x < n; x++)
            wide[x] = (uint64_t)out[x];
        if ((st = lp_dist_sum_u64(dist, wide, n))) goto done;
        for (lp_vid x = 0; x < n; x++)
            out[x] = (double)wide[x];
    }
    double scale = r > 0 ? (double)n * (double)(n - 1) / 2.0 / (double)r : 0.0;
    for (lp_vid x = 0; x < n; x++)
        out[x] *= scale;
    if (out_report) {
        out_report->samples = r;
        out_report->vertex_diameter = vd;
    }

done:
    bibfs_ws_free(ws, nt);
    free(ws);
    free(wide);
    return st;
}
