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
 * whatever the thread count. The counts are one array shared by all threads
 * (atomic increments; a path has a handful of interior vertices), so the
 * memory is 8 bytes a node plus 36 per node and thread for the searches.
 */
#include "lp_centrality.h"
#include "lp_alloc.h"
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

lp_status lp_betweenness_exact(double *out, const lp_csr *csr)
{
    const lp_vid n = csr->n;
    size_t n1 = (size_t)n + 1;
    lp_i_lowlink l;
    lp_status st = lp_i_lowlink_run(&l, csr, NULL);
    if (st) return st;
    int nt = lp_i_max_threads();
    blocks b = {0, NULL, NULL, NULL, NULL};
    brandes_ws *ws = lp_calloc((size_t)nt, sizeof *ws);
    double *size = lp_malloc(n1 * sizeof *size), *comp = lp_malloc(n1 * sizeof *comp);
    double *hang = lp_calloc(n1, sizeof *hang), *sq = lp_calloc(n1, sizeof *sq);
    uint8_t *cut_below = lp_calloc(n1, 1);
    int64_t *blk = lp_malloc(n1 * sizeof *blk), *loc = lp_malloc(n1 * sizeof *loc);
    int64_t *bsize = NULL, *bbase = NULL;
    lp_vid *btop = NULL, *bhead = NULL;
    if (!ws || !size || !comp || !hang || !sq || !cut_below || !blk || !loc) {
        st = lp_error_nomem("betweenness");
        goto done;
    }

    /* Subtree and component sizes; the blocks hanging below each vertex. */
    for (lp_vid v = 0; v < n; v++)
        size[v] = 1.0;
    for (int64_t i = n - 1; i >= 0; i--) {
        lp_vid v = l.order[i], p = l.parent[v];
        if (p < 0) continue;
        size[p] += size[v];
        if (l.low[v] >= l.disc[p]) {
            cut_below[v] = 1;
            hang[p] += size[v];
            sq[p] += size[v] * size[v];
        }
    }
    for (int64_t i = 0; i < n; i++) {
        lp_vid v = l.order[i], p = l.parent[v];
        comp[v] = p < 0 ? size[v] : comp[p];
    }
    /* Pairs in different components of G - v: all their paths use v.
     * The component of G - v through v's home block has N - 1 - hang[v]
     * vertices; the one through each block below v has the size of its
     * head's subtree. */
    for (lp_vid v = 0; v < n; v++) {
        double N = comp[v], up = l.parent[v] < 0 ? 0.0 : N - 1 - hang[v];
        out[v] = ((N - 1) * (N - 1) - sq[v] - up * up) / 2;
    }

    /* Blocks in preorder: a child v with cut_below starts a new block whose
     * top is parent[v]; any other vertex joins its parent's home block. */
    int64_t nb = 0;
    for (int64_t i = 0; i < n; i++)
        nb += cut_below[l.order[i]];
    bsize = lp_calloc((size_t)nb + 1, sizeof *bsize);
    bbase = lp_malloc(((size_t)nb + 1) * sizeof *bbase);
    btop = lp_malloc(((size_t)nb + 1) * sizeof *btop);
    bhead = lp_malloc(((size_t)nb + 1) * sizeof *bhead);
    if (!bsize || !bbase || !btop || !bhead) {
        st = lp_error_nomem("betweenness blocks");
        goto done;
    }
    int64_t nbk = 0;
    for (int64_t i = 0; i < n; i++) {
        lp_vid v = l.order[i], p = l.parent[v];
        blk[v] = -1;
        if (p < 0) continue;
        if (cut_below[v]) {
            btop[nbk] = p;
            bhead[nbk] = v;
            bsize[nbk] = 1; /* the top */
            blk[v] = nbk++;
        } else {
            blk[v] = blk[p];
        }
        loc[v] = bsize[blk[v]]++; /* local index within the block; the top is 0 */
    }
    /* Only blocks of 3+ vertices have interior vertices on shortest paths. */
    b.nl = 0;
    for (int64_t k = 0; k < nb; k++) {
        bbase[k] = bsize[k] >= 3 ? b.nl : -1;
        if (bsize[k] >= 3) b.nl += bsize[k];
    }
    b.off = lp_calloc((size_t)b.nl + 2, sizeof *b.off);
    b.vert = lp_malloc(((size_t)b.nl + 1) * sizeof *b.vert);
    b.w = lp_malloc(((size_t)b.nl + 1) * sizeof *b.w);
    if (!b.off || !b.vert || !b.w) {
        st = lp_error_nomem("betweenness blocks");
        goto done;
    }
    for (int64_t k = 0; k < nb; k++)
        if (bbase[k] >= 0) {
            b.vert[bbase[k]] = btop[k];
            b.w[bbase[k]] = comp[btop[k]] - size[bhead[k]];
        }
    for (lp_vid v = 0; v < n; v++)
        if (blk[v] >= 0 && bbase[blk[v]] >= 0) {
            b.vert[bbase[blk[v]] + loc[v]] = v;
            b.w[bbase[blk[v]] + loc[v]] = 1 + hang[v];
        }
    /* Each edge belongs to the home block of its deeper end. Two passes:
     * degrees, then fill. */
    for (int pass = 0; pass < 2; pass++) {
        for (lp_vid u = 0; u < n; u++)
            for (int64_t k = csr->offset[u]; k < csr->offset[u + 1]; k++) {
                lp_vid v = csr->adj[k];
                if (v < u) continue;
                lp_vid deep = l.disc[u] > l.disc[v] ? u : v;
                int64_t B = blk[deep], base = bbase[B];
                if (base < 0) continue;
                int64_t lu = base + (u == btop[B] ? 0 : loc[u]);
                int64_t lv = base + (v == btop[B] ? 0 : loc[v]);
                if (pass == 0) {
                    b.off[lu + 2]++;
                    b.off[lv + 2]++;
                } else {
                    b.adj[b.off[lu + 1]++] = (lp_vid)lv;
                    b.adj[b.off[lv + 1]++] = (lp_vid)lu;
                }
            }
        if (pass == 0) {
            for (int64_t x = 0; x < b.nl; x++)
                b.off[x + 2] += b.off[x + 1];
            b.adj = lp_malloc(((size_t)b.off[b.nl + 1] + 1) * sizeof *b.adj);
            if (!b.adj) {
                st = lp_error_nomem("betweenness blocks");
                goto done;
            }
        }
    }
    /* (after the fill, off[x + 1] has moved to the end of x's list = off of x+1) */

    for (int t = 0; t < nt; t++) {
        size_t c1 = (size_t)b.nl + 1;
        ws[t].dist = lp_malloc(c1 * sizeof *ws[t].dist);
        ws[t].sigma = lp_calloc(c1, sizeof *ws[t].sigma);
        ws[t].coeff = lp_calloc(c1, sizeof *ws[t].coeff);
        ws[t].succ = lp_malloc(((size_t)b.off[b.nl] + 1) * sizeof *ws[t].succ);
        ws[t].n_succ = lp_calloc(c1, sizeof *ws[t].n_succ);
        ws[t].bc = lp_calloc(c1, sizeof *ws[t].bc);
        ws[t].order = lp_malloc(c1 * sizeof *ws[t].order);
        if (!ws[t].dist || !ws[t].sigma || !ws[t].coeff || !ws[t].succ || !ws[t].n_succ ||
            !ws[t].bc || !ws[t].order) {
            st = lp_error_nomem("betweenness workspace");
            goto done;
        }
        for (int64_t x = 0; x < b.nl; x++)
            ws[t].dist[x] = -1;
    }

    lp_i_ticker tick;
    lp_i_tick_begin(&tick, "betweenness", b.nl);
#pragma omp parallel for schedule(dynamic, 16) if (b.nl >= 64)
    for (int64_t s = 0; s < b.nl; s++) {
        brandes_weighted(&ws[lp_i_thread_id()], b.off, b.adj, b.w, (lp_vid)s);
        lp_i_tick(&tick, 1);
    }
    lp_i_tick_end(&tick);

    /* Reduce exactly; halve: each unordered pair was seen twice. A cut
     * vertex collects from every block it belongs to, in block order. */
    for (int64_t x = 0; x < b.nl; x++) {
        fix128 sum = {0, 0};
        for (int t = 0; t < nt; t++)
            fix_sum(&sum, ws[t].bc[x]);
        out[b.vert[x]] += fix_value(sum) / 2;
    }

done:
    if (ws)
        for (int t = 0; t < nt; t++) {
            free(ws[t].dist);
            free(ws[t].sigma);
            free(ws[t].coeff);
            free(ws[t].succ);
            free(ws[t].n_succ);
            free(ws[t].bc);
            free(ws[t].order);
        }
    free(ws);
    blocks_free(&b);
    lp_i_lowlink_free(&l);
    free(size);
    free(comp);
    free(hang);
    free(sq);
    free(cut_below);
    free(blk);
    free(loc);
    free(bsize);
    free(bbase);
    free(btop);
    free(bhead);
    return st;
}

/* ---- sampled ---------------------------------------------------------- */

static double uniform01(uint64_t *state)
{
    return (double)(lp_text_splitmix64(state) >> 11) * 0x1.0p-53;
}

/* Upper bound on the vertex diameter (vertices on a longest shortest path). */
static int64_t vertex_diameter_bound(const lp_csr *c, int32_t *dist, lp_vid *queue)
{
    int64_t best = 1;
    for (lp_vid v = 0; v < c->n; v++)
        dist[v] = -1;
    for (lp_vid s = 0; s < c->n; s++) {
        if (dist[s] >= 0) continue;
        int64_t head = 0, tail = 0;
        queue[tail++] = s;
        dist[s] = 0;
        int32_t e1 = 0, e2 = 0; /* two largest distances (with multiplicity) */
        while (head < tail) {
            lp_vid v = queue[head++];
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
                lp_vid w = c->adj[k];
                if (dist[w] >= 0) continue;
                dist[w] = dist[v] + 1;
                queue[tail++] = w;
                if (dist[w] >= e1) {
                    e2 = e1;
                    e1 = dist[w];
                } else if (dist[w] > e2) {
                    e2 = dist[w];
                }
            }
        }
        if ((int64_t)e1 + e2 + 1 > best) best = (int64_t)e1 + e2 + 1;
    }
    return best;
}

typedef struct bibfs_ws {
    int32_t *dist[2]; /* -1 unvisited */
    double *sigma[2];
    lp_vid *visited[2]; /* to reset; also the levels, in order */
    int64_t n_visited[2];
    lp_vid *meet;
    int64_t *count; /* interior-vertex counts, shared by all threads (atomic) */
} bibfs_ws;

/* Sample one uniform shortest path between u and v (u != v); add 1 to
 * count[] of its interior vertices. */
static void sample_path(bibfs_ws *w, const lp_csr *c, lp_vid u, lp_vid v, uint64_t *rng)
{
    lp_vid end[2] = {u, v};
    int64_t lo[2], hi[2]; /* current frontier = visited[side][lo .. hi) */
    int32_t depth[2] = {0, 0};
    for (int sd = 0; sd < 2; sd++) {
        w->dist[sd][end[sd]] = 0;
        w->sigma[sd][end[sd]] = 1.0;
        w->visited[sd][0] = end[sd];
        w->n_visited[sd] = 1;
        lo[sd] = 0;
        hi[sd] = 1;
    }
    int64_t n_meet = 0;
    int meet_side = 0;
    while (n_meet == 0 && lo[0] < hi[0] && lo[1] < hi[1]) {
        /* expand the side whose frontier has the smaller degree sum */
        int64_t cost[2] = {0, 0};
        for (int sd = 0; sd < 2; sd++)
            for (int64_t i = lo[sd]; i < hi[sd]; i++) {
                lp_vid x = w->visited[sd][i];
                cost[sd] += c->offset[x + 1] - c->offset[x];
            }
        int sd = cost[0] <= cost[1] ? 0 : 1, ot = 1 - sd;
        int32_t dn = depth[sd] + 1;
        int64_t nv = w->n_visited[sd];
        for (int64_t i = lo[sd]; i < hi[sd]; i++) {
            lp_vid x = w->visited[sd][i];
            for (int64_t k = c->offset[x]; k < c->offset[x + 1]; k++) {
                lp_vid y = c->adj[k];
                if (w->dist[sd][y] < 0) {
                    w->dist[sd][y] = dn;
                    w->visited[sd][nv++] = y;
                    if (w->dist[ot][y] >= 0) w->meet[n_meet++] = y;
                }
                if (w->dist[sd][y] == dn) w->sigma[sd][y] += w->sigma[sd][x];
            }
        }
        lo[sd] = hi[sd];
        hi[sd] = w->n_visited[sd] = nv;
        depth[sd] = dn;
        meet_side = sd;
    }
    if (n_meet > 0) {
        /* Choose the meeting vertex y with probability sigma_u(y) sigma_v(y) / sigma_uv. */
        double total = 0.0;
        for (int64_t i = 0; i < n_meet; i++)
            total += w->sigma[0][w->meet[i]] * w->sigma[1][w->meet[i]];
        double r = uniform01(rng) * total, acc = 0.0;
        lp_vid y = w->meet[n_meet - 1];
        for (int64_t i = 0; i < n_meet; i++) {
            acc += w->sigma[0][w->meet[i]] * w->sigma[1][w->meet[i]];
            if (r < acc) {
                y = w->meet[i];
                break;
            }
        }
        (void)meet_side;
        if (y != u && y != v) {
#pragma omp atomic
            w->count[y]++;
        }
        /* Walk back to each end, predecessors drawn by path count. */
        for (int sd = 0; sd < 2; sd++) {
            lp_vid z = y;
            while (w->dist[sd][z] > 1) {
                int32_t dp = w->dist[sd][z] - 1;
                double t = uniform01(rng) * w->sigma[sd][z], a = 0.0;
                lp_vid pick = -1;
                for (int64_t k = c->offset[z]; k < c->offset[z + 1]; k++) {
                    lp_vid p = c->adj[k];
                    if (w->dist[sd][p] != dp) continue;
                    pick = p;
                    a += w->sigma[sd][p];
                    if (t < a) break;
                }
                z = pick;
#pragma omp atomic
                w->count[z]++;
            }
        }
    }
    for (int sd = 0; sd < 2; sd++) {
        for (int64_t i = 0; i < w->n_visited[sd]; i++) {
            lp_vid x = w->visited[sd][i];
            w->dist[sd][x] = -1;
            w->sigma[sd][x] = 0.0;
        }
        w->n_visited[sd] = 0;
    }
}

/* Free the searches' arrays of nt workspaces (not count, which is shared);
 * ws may be NULL. */
static void bibfs_ws_free(bibfs_ws *ws, int nt)
{
    if (!ws) return;
    for (int t = 0; t < nt; t++) {
        for (int sd = 0; sd < 2; sd++) {
            free(ws[t].dist[sd]);
            free(ws[t].sigma[sd]);
            free(ws[t].visited[sd]);
            ws[t].dist[sd] = NULL;
            ws[t].sigma[sd] = NULL;
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
    const lp_vid n = csr->n;
    size_t n1 = (size_t)n + 1;
    lp_status st = lp_sampling_check(opt);
    if (st) return st;
    int nt = lp_i_max_threads();
    bibfs_ws *ws = lp_calloc((size_t)nt, sizeof *ws);
    int64_t *count = lp_calloc(n1, sizeof *count); /* one array: 8 bytes a node, not per thread */
    if (!ws || !count) {
        st = lp_error_nomem("sampled betweenness");
        goto done;
    }
    for (int t = 0; t < nt; t++) {
        for (int sd = 0; sd < 2; sd++) {
            ws[t].dist[sd] = lp_malloc(n1 * sizeof *ws[t].dist[sd]);
            ws[t].sigma[sd] = lp_calloc(n1, sizeof *ws[t].sigma[sd]);
            ws[t].visited[sd] = lp_malloc(n1 * sizeof *ws[t].visited[sd]);
            if (!ws[t].dist[sd] || !ws[t].sigma[sd] || !ws[t].visited[sd]) {
                st = lp_error_nomem("sampled betweenness workspace");
                goto done;
            }
            for (lp_vid v = 0; v < n; v++)
                ws[t].dist[sd][v] = -1;
        }
        ws[t].meet = lp_malloc(n1 * sizeof *ws[t].meet);
        ws[t].count = count;
        if (!ws[t].meet) {
            st = lp_error_nomem("sampled betweenness workspace");
            goto done;
        }
    }
    /* The diameter bound borrows thread 0's first side (dist, then reset). */
    int64_t vd = vertex_diameter_bound(csr, ws[0].dist[0], ws[0].visited[0]);
    for (lp_vid v = 0; v < n; v++)
        ws[0].dist[0][v] = -1;
    int64_t r = 0;
    if (n >= 3 && vd >= 3) {
        double need = sample_count(opt, vd);
        if (!(need <= (double)LP_SAMPLING_MAX_SAMPLES)) {
            st = too_many_samples(opt, need, "");
            goto done;
        }
        r = (int64_t)need;
    }

    lp_i_ticker tick;
    lp_i_tick_begin(&tick, "betweenness", r);
#pragma omp parallel for schedule(dynamic, 64)
    for (int64_t i = 0; i < r; i++) {
        /* the stream of sample i depends only on (seed, i) */
        uint64_t rng = opt->seed * 0xd1342543de82ef95ULL + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
        lp_text_splitmix64(&rng);
        lp_vid u = (lp_vid)(lp_text_splitmix64(&rng) % (uint64_t)n);
        lp_vid v = (lp_vid)(lp_text_splitmix64(&rng) % (uint64_t)(n - 1));
        if (v >= u) v++;
        sample_path(&ws[lp_i_thread_id()], csr, u, v, &rng);
        lp_i_tick(&tick, 1);
    }
    lp_i_tick_end(&tick);

    bibfs_ws_free(ws, nt); /* before out[] is written: its pages are fresh */
    double scale = r > 0 ? (double)n * (double)(n - 1) / 2.0 / (double)r : 0.0;
    for (lp_vid v = 0; v < n; v++)
        out[v] = (double)count[v] * scale;
    if (out_report) {
        out_report->samples = r;
        out_report->vertex_diameter = vd;
    }

done:
    bibfs_ws_free(ws, nt);
    free(ws);
    free(count);
    return st;
}
