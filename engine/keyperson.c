/* keyperson.c — key persons of every account in one low-link pass.
 *
 * Algorithm: Hopcroft–Tarjan articulation points (Hopcroft & Tarjan,
 * "Efficient algorithms for graph manipulation", CACM 16(6), 1973) by an
 * iterative depth-first search — no recursion, DFS depth reaches millions —
 * on G + R, where the virtual root R (vertex n) is joined to every anchor.
 * The search starts at R, then at every vertex still unvisited (components
 * without an anchor), so is_articulation covers the whole graph.
 *
 * For a tree edge p -> v, low[v] >= disc[p] means p separates the subtree of
 * v from the rest of the graph; in R's tree that is "p alone disconnects
 * every vertex of subtree(v) from R". Hence, with p != R:
 *   - accounts_at_risk(p) = sum of accounts in subtree(v) over such children
 *     (summed children-first, in reverse preorder, when p is a person);
 *   - the separators of v are p plus those of p if p separates v, else
 *     exactly those of p (v and p then share a biconnected block whose
 *     top lies above p). So next_pcut(v) — the nearest person separator of
 *     v — is p or next_pcut(p), computed in preorder, and key_persons(a) is
 *     the chain a -> next_pcut(a) -> ..., nearest first.
 *
 * Pendant trees first. The search is serial and costs a random access per
 * arc, so it runs on the 2-core of G + R only (R never removed; 3.1M of the
 * 5.98M vertices of the L graph). Peeling (repeatedly removing vertices
 * with at most one neighbour left) runs in rounds, each in parallel with
 * atomic degree counts; the rounds do not depend on the order within a
 * round. A peeled vertex hangs in a tree from one core vertex (or R), or
 * its whole component is a tree (no parent: no path to R). In the search of
 * the whole graph such a tree is entered only through its parent and every
 * other neighbour becomes a child, in adjacency order, so everything about
 * it follows from the tree: bottom up by rounds (children first) its
 * accounts and revenue and what it puts at risk, top down its separators
 * (its parent if a person, else the parent's nearest); it is a cut vertex
 * exactly when it has two neighbours in G + R, and a core vertex with a
 * tree hanging from it is one too. The core is searched on a copy of its
 * own (work.cslot: a list of up to 3 core neighbours sits in the vertex's
 * 16-byte slot beside its length, so a step of the search to most vertices
 * costs one cache miss), with the search's state on its stack, two bits per
 * vertex (level-2 cache), the slots of a list's next new vertices
 * prefetched, and its results indexed by preorder position. The lengths of
 * the lists are what peeling left of the degrees and the markers are
 * counted while the trees are summed, so the copy takes one parallel pass.
 * Peeled children whose trees carry revenue keep a marker (their place
 * among the parent's core neighbours and the tree's revenue), so that every
 * revenue sum folds its terms in exactly the order of the search of the
 * whole graph (bitwise the same results; terms equal to zero are left out:
 * adding them changes no sum).
 * Cost: O(n + m) for the peeling, the search and the sums, plus the size of
 * the output for the key-person lists. No per-account search.
 *
 * Parallelism: peeling, the tree passes, the core's copy (numbering and
 * prefix sums in fixed blocks), the gathers and the write back are
 * parallel; the search and the sums over the core's tree are serial; the
 * per-account extraction (two passes: chain lengths, then fill after a
 * prefix sum) runs under OpenMP on plain arrays. No igraph call anywhere
 * here. Every floating sum runs in a fixed serial order, so results do not
 * depend on the thread count.
 */
#include "lp_keyperson.h"
#include "lp_alloc.h"
#include "lp_i_mem.h"
#include "lp_i_rank.h"

#include <stdlib.h>
#include <string.h>

void lp_keyperson_free_arrays(lp_keyperson *kp)
{
    if (!kp) return;
    free(kp->is_articulation);
    free(kp->accounts_at_risk);
    free(kp->revenue_at_risk);
    free(kp->account_node);
    free(kp->account_revenue);
    free(kp->account_connected);
    free(kp->key_persons_offsets);
    free(kp->key_persons);
    free(kp->outer_key_person);
    kp->is_articulation = kp->account_connected = NULL;
    kp->accounts_at_risk = kp->key_persons_offsets = NULL;
    kp->revenue_at_risk = kp->account_revenue = NULL;
    kp->account_node = kp->key_persons = kp->outer_key_person = NULL;
}

void lp_keyperson_free(lp_keyperson *kp)
{
    if (!kp) return;
    lp_keyperson_free_arrays(kp);
    memset(kp, 0, sizeof *kp);
}

/* Peeling: the vertices of G + R outside its 2-core, R never removed. */
enum { F_ANCHOR = 1, F_PERSON = 2, F_ACCOUNT = 4, F_PENDANT = 8, F_MARKER = 16 };
#define CORE INT32_MAX                /* rnd[] of a vertex of the core */
#define DROP(p) (free(p), (p) = NULL) /* free what a later phase does not need */
#define BLOCK ((int64_t)1 << 16)      /* rows per block of the parallel scans */
#define SLOT 4                        /* words per core vertex: see work.cslot */

typedef struct work {
    const lp_graph *g;
    lp_vid n;
    /* peeling, [n + 1] in node rows */
    int32_t *deg;    /* degree in G + R still left: after peeling, a core vertex's core
                        neighbours (+ 1 for an anchor) */
    int32_t *rnd;    /* round in which the vertex was peeled, CORE if never */
    lp_vid *pord;    /* peeled vertices, round after round */
    int64_t *rstart; /* [n_rounds + 1] where each round starts in pord */
    int64_t n_rounds, n_peeled;
    /* peeled: the neighbour it hangs from (n = R; -1: its tree has no core);
     * core vertex: its markers (peeled children whose tree has revenue).
     * Later, of every vertex, the nearest person separator (npc). */
    lp_vid *ppar;
    lp_vid *npc;   /* = ppar once the core is built: node row, -1 if none */
    double *prev;  /* peeled: revenue of its tree, summed in the search's order */
    int32_t *pacc; /* peeled: accounts of its tree; core: those of its trees (< n) */
    /* the core, renumbered 0..nc-1 in row order, R = nc */
    lp_vid nc;
    lp_vid *cid;   /* [n] core number, -1 when peeled (the space of rnd) */
    lp_vid *corig; /* [nc + 1] node row, n for R */
    /* The core's lists (core numbers, adjacency order; R's: the anchors).
     * Each vertex has a slot of SLOT words, its length first: up to SLOT - 1
     * neighbours sit in the slot itself, a longer list in cadj from the
     * 64-bit offset in the slot's second half. 76% of the L graph's core
     * has at most 3 core neighbours: a step of the search to such a vertex
     * costs one cache miss instead of two (an offset, then the list). */
    int32_t *cslot; /* [(nc + 1) * SLOT] */
    lp_vid *cadj;   /* the lists longer than SLOT - 1 */
    uint8_t *cflag;
    int32_t *cpacc; /* accounts in the trees hanging from the vertex */
    /* Markers (peeled children of a core vertex whose trees carry revenue),
     * by core vertex x: mk[mbase[x] .. mbase[x + 1]), a sentinel (pos -1)
     * then the markers in list order (nothing when it has none). */
    int32_t *mbase; /* [nc + 2] */
    struct marker {
        int32_t pos; /* core neighbours before it in x's list */
        double rev;  /* the revenue of the peeled child's tree */
    } * mk;
} work;

/* Neighbour w of v in round r: is it still in the graph (peeled in a later
 * round or never)? rnd is written by other threads in this round, only from
 * CORE to r + 1: either value says yes. */
static void peel_one(work *k, lp_vid v, int32_t r, int64_t *next_end)
{
    const lp_csr *c = &k->g->csr;
    for (int64_t j = c->offset[v]; j < c->offset[v + 1]; j++) {
        lp_vid w = c->adj[j];
        int32_t rw;
#pragma omp atomic read
        rw = k->rnd[w];
        if (rw <= r) continue;
        int32_t old;
#pragma omp atomic capture
        old = k->deg[w]--;
        if (old == 2) { /* w is down to one neighbour: next round */
#pragma omp atomic write
            k->rnd[w] = r + 1;
            int64_t at;
#pragma omp atomic capture
            at = (*next_end)++;
            k->pord[at] = w;
        }
    }
}

static lp_status peel(work *k)
{
    const lp_graph *g = k->g;
    const lp_csr *c = &g->csr;
    const lp_vid n = k->n;
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < n; v++) {
        k->deg[v] = (int32_t)(c->offset[v + 1] - c->offset[v]) + !!(g->role[v] & LP_ROLE_ANCHOR);
        k->rnd[v] = k->deg[v] <= 1 ? 0 : CORE;
        k->ppar[v] = 0; /* the counts of a core vertex (up_one) */
        k->pacc[v] = 0;
    }
    int64_t end = 0, cap = 64;
    for (lp_vid v = 0; v < n; v++)
        if (k->rnd[v] == 0) k->pord[end++] = v;
    k->rstart = lp_malloc((size_t)cap * sizeof *k->rstart);
    if (!k->rstart) return lp_error_nomem("key-person analysis");
    k->rstart[0] = 0;
    int64_t lo = 0, r = 0;
    while (lo < end) {
        if (r + 2 > cap) {
            int64_t *p = lp_realloc(k->rstart, (size_t)(cap * 2) * sizeof *p);
            if (!p) return lp_error_nomem("key-person analysis");
            k->rstart = p;
            cap *= 2;
        }
        k->rstart[r + 1] = end;
        int64_t hi = end;
        if (hi - lo >= LP_PARALLEL_MIN) {
#pragma omp parallel for schedule(dynamic, 1024)
            for (int64_t i = lo; i < hi; i++)
                peel_one(k, k->pord[i], (int32_t)r, &end);
        } else {
            for (int64_t i = lo; i < hi; i++)
                peel_one(k, k->pord[i], (int32_t)r, &end);
        }
        lo = hi;
        r++;
    }
    k->n_rounds = r;
    k->n_peeled = end;
    return LP_OK;
}

/* Bottom up (its children were peeled in earlier rounds): the vertex's
 * parent, the accounts and revenue of its tree, and what it puts at risk
 * as a person. The depth-first search of the whole graph enters a peeled
 * tree only through its parent and then takes every other neighbour as a
 * child, in adjacency order; the sums below fold the children in reverse
 * adjacency order, as the search's reverse preorder would. A core parent
 * counts the tree's accounts and, when it has revenue, one marker
 * (integer sums: atomic adds in any order). */
static void up_one(work *k, lp_keyperson *kp, lp_vid v)
{
    const lp_graph *g = k->g;
    const lp_csr *c = &g->csr;
    const int32_t r = k->rnd[v];
    const int person = !!(g->role[v] & LP_ROLE_PERSON);
    lp_vid par = (g->role[v] & LP_ROLE_ANCHOR) ? k->n : -1;
    int64_t acc = 0;
    double rev = 0.0, risk = 0.0;
    for (int64_t j = c->offset[v + 1] - 1; j >= c->offset[v]; j--) {
        lp_vid w = c->adj[j];
        int32_t rw = k->rnd[w];
        if (rw > r) {
            par = w;
        } else if (rw < r) {
            acc += k->pacc[w];
            rev += k->prev[w];
            if (person) risk += k->prev[w];
        }
    }
    if (person && acc) {
        kp->accounts_at_risk[v] = acc;
        kp->revenue_at_risk[v] = risk;
    }
    if (g->role[v] & LP_ROLE_ACCOUNT) {
        acc += 1;
        rev += g->nodes.revenue[v];
    }
    k->ppar[v] = par;
    k->pacc[v] = (int32_t)acc;
    k->prev[v] = rev;
    if (par >= 0 && par < k->n && k->rnd[par] == CORE) {
        if (acc) {
#pragma omp atomic
            k->pacc[par] += (int32_t)acc;
        }
        if (rev != 0.0) { /* adding 0 would change no sum: no marker */
#pragma omp atomic
            k->ppar[par]++;
        }
    }
}

/* Top down (its parent is in the core or was peeled later): reachability
 * of R, the nearest and outermost person separators; a peeled vertex is a
 * cut vertex exactly when it has two neighbours in G + R. npc shares ppar's
 * space: the vertex's own parent is read before its npc is written, and a
 * parent's npc is final (core, or peeled in a later round: done before). */
static void down_one(work *k, lp_keyperson *kp, lp_vid v)
{
    const lp_graph *g = k->g;
    const lp_csr *c = &g->csr;
    lp_vid p = k->ppar[v];
    kp->is_articulation[v] =
        (c->offset[v + 1] - c->offset[v]) + !!(g->role[v] & LP_ROLE_ANCHOR) >= 2;
    if (p == k->n) {
        k->npc[v] = -1;
        kp->outer_key_person[v] = -1;
    } else if (p >= 0 && kp->outer_key_person[p] != -2) {
        lp_vid x = (g->role[p] & LP_ROLE_PERSON) ? p : k->npc[p];
        k->npc[v] = x;
        kp->outer_key_person[v] = x < 0                         ? -1
                                  : kp->outer_key_person[x] < 0 ? x
                                                                : kp->outer_key_person[x];
    } else { /* no path to R */
        k->npc[v] = -1;
        kp->outer_key_person[v] = -2;
        if (kp->accounts_at_risk[v]) {
            kp->accounts_at_risk[v] = 0;
            kp->revenue_at_risk[v] = 0.0;
        }
    }
}

/* Rounds [r0, r1) in the given direction, each in parallel when large. */
static void over_rounds(work *k, lp_keyperson *kp, int up)
{
    for (int64_t q = 0; q < k->n_rounds; q++) {
        int64_t r = up ? q : k->n_rounds - 1 - q;
        int64_t lo = k->rstart[r], hi = k->rstart[r + 1];
        if (hi - lo >= LP_PARALLEL_MIN) {
#pragma omp parallel for schedule(dynamic, 1024)
            for (int64_t i = lo; i < hi; i++)
                (up ? up_one : down_one)(k, kp, k->pord[i]);
        } else {
            for (int64_t i = lo; i < hi; i++)
                (up ? up_one : down_one)(k, kp, k->pord[i]);
        }
    }
}

/* The list of core vertex x and its length. */
static inline lp_vid *core_list(const work *k, lp_vid x, int32_t *len)
{
    int32_t *sl = k->cslot + (int64_t)x * SLOT;
    *len = sl[0];
    if (sl[0] < SLOT) return sl + 1;
    int64_t at;
    memcpy(&at, sl + 2, sizeof at);
    return k->cadj + at;
}

/* bsum[0 .. nb) block totals -> the totals before each block; returns all. */
static int64_t scan_blocks(int64_t *bsum, int64_t nb)
{
    int64_t s = 0;
    for (int64_t b = 0; b < nb; b++) {
        int64_t t = bsum[b];
        bsum[b] = s;
        s += t;
    }
    return s;
}

/* In place, a[0 .. len) counts -> a[i] = the counts before i, a[len] = all
 * (which must fit in 31 bits; the count at a[len] is ignored). Blocks of
 * BLOCK in parallel; integer sums, so the result does not depend on the
 * threads. bsum: [len / BLOCK + 1] scratch. */
static void prefix_sum(int32_t *a, int64_t len, int64_t *bsum)
{
    const int64_t nb = len / BLOCK + 1;
#pragma omp parallel for schedule(static) if (len >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        int64_t s = 0, hi = (b + 1) * BLOCK < len ? (b + 1) * BLOCK : len;
        for (int64_t i = b * BLOCK; i < hi; i++)
            s += a[i];
        bsum[b] = s;
    }
    int64_t s = scan_blocks(bsum, nb);
#pragma omp parallel for schedule(static) if (len >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        int32_t s2 = (int32_t)bsum[b];
        int64_t hi = (b + 1) * BLOCK < len ? (b + 1) * BLOCK : len;
        for (int64_t i = b * BLOCK; i < hi; i++) {
            int32_t t = a[i];
            a[i] = s2;
            s2 += t;
        }
    }
    a[len] = (int32_t)s;
}

/* The same over the slots of x in [0, len): the lists longer than SLOT - 1
 * get their offsets in cadj; returns their total length. */
static int64_t slot_offsets(work *k, int64_t len, int64_t *bsum)
{
    const int64_t nb = len / BLOCK + 1;
#pragma omp parallel for schedule(static) if (len >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        int64_t s = 0, hi = (b + 1) * BLOCK < len ? (b + 1) * BLOCK : len;
        for (int64_t x = b * BLOCK; x < hi; x++) {
            int32_t l = k->cslot[x * SLOT];
            if (l >= SLOT) s += l;
        }
        bsum[b] = s;
    }
    int64_t s = scan_blocks(bsum, nb);
#pragma omp parallel for schedule(static) if (len >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        int64_t s2 = bsum[b], hi = (b + 1) * BLOCK < len ? (b + 1) * BLOCK : len;
        for (int64_t x = b * BLOCK; x < hi; x++) {
            int32_t l = k->cslot[x * SLOT];
            if (l < SLOT) continue;
            memcpy(&k->cslot[x * SLOT + 2], &s2, sizeof s2);
            s2 += l;
        }
    }
    return s;
}

/* The core as a CSR of its own, numbered in row order: the list lengths
 * are what peeling left in deg, the markers were counted by up_one, so one
 * pass over the core's adjacency fills both (in parallel). Peeled children
 * are left out of the lists; those whose tree has revenue go to the
 * markers with their place among the core neighbours (the revenue sums fold
 * children in adjacency order). */
static lp_status build_core(work *k)
{
    const lp_graph *g = k->g;
    const lp_csr *c = &g->csr;
    const lp_vid n = k->n;
    const int64_t nb = (int64_t)n / BLOCK + 1;
    int64_t *bsum = lp_malloc(((size_t)nb + 2) * sizeof *bsum);
    if (!bsum) return lp_error_nomem("key-person analysis");
    k->cid = k->rnd; /* the rounds are spent: core numbers in their place */
    k->rnd = NULL;
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        int64_t cnt = 0, hi = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
        for (int64_t v = b * BLOCK; v < hi; v++)
            cnt += k->cid[v] == CORE;
        bsum[b] = cnt;
    }
    lp_vid nc = 0;
    for (int64_t b = 0; b < nb; b++) {
        int64_t t = bsum[b];
        bsum[b] = nc;
        nc += (lp_vid)t;
    }
    k->nc = nc;
    size_t s = (size_t)nc + 1;
    k->corig = lp_i_alloc_big(s * sizeof *k->corig, 0);
    k->cslot = lp_i_alloc_big(s * SLOT * sizeof *k->cslot, 0);
    k->cflag = lp_i_alloc_big(s, 0);
    k->cpacc = lp_i_alloc_big(s * sizeof *k->cpacc, 0);
    k->mbase = lp_i_alloc_big((s + 1) * sizeof *k->mbase, 0);
    if (!k->corig || !k->cslot || !k->cflag || !k->cpacc || !k->mbase) {
        free(bsum);
        return lp_error_nomem("key-person analysis");
    }
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        lp_vid x = (lp_vid)bsum[b];
        int64_t hi = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
        for (lp_vid v = (lp_vid)(b * BLOCK); v < hi; v++) {
            if (k->cid[v] != CORE) {
                k->cid[v] = -1;
                continue;
            }
            k->cid[v] = x;
            uint8_t role = g->role[v], f = 0;
            int anchor = !!(role & LP_ROLE_ANCHOR);
            if (anchor) f |= F_ANCHOR;
            if (role & LP_ROLE_PERSON) f |= F_PERSON;
            if (role & LP_ROLE_ACCOUNT) f |= F_ACCOUNT;
            int64_t len = k->deg[v] - anchor; /* the core neighbours */
            if (len < c->offset[v + 1] - c->offset[v]) f |= F_PENDANT;
            int32_t nm = k->ppar[v];
            if (nm) f |= F_MARKER;
            k->corig[x] = v;
            k->cslot[(int64_t)x * SLOT] = (int32_t)len;
            k->cflag[x] = f;
            k->cpacc[x] = k->pacc[v];
            k->mbase[x] = nm ? nm + 1 : 0; /* + its sentinel */
            x++;
        }
    }
    free(bsum);
    DROP(k->deg);
    DROP(k->pacc);
    /* R's list: the anchors of the core, in row order (as the search takes
     * them); no markers, no flags. */
    int64_t n_anchor = 0;
    for (lp_vid x = 0; x < nc; x++)
        n_anchor += k->cflag[x] & F_ANCHOR;
    k->cslot[(int64_t)nc * SLOT] = (int32_t)n_anchor;
    k->cflag[nc] = 0;
    k->cpacc[nc] = 0;
    k->corig[nc] = n;
    k->mbase[nc] = 0;
    int64_t *sc = lp_malloc(((size_t)s / BLOCK + 3) * sizeof *sc);
    if (!sc) return lp_error_nomem("key-person analysis");
    const int64_t n_long = slot_offsets(k, (int64_t)s, sc);
    prefix_sum(k->mbase, (int64_t)s, sc); /* markers + sentinels <= n */
    free(sc);
    const int64_t n_mk = k->mbase[s];
    k->cadj = lp_i_alloc_big(((size_t)n_long + 1) * sizeof *k->cadj, 0);
    k->mk = lp_i_alloc_big(((size_t)n_mk + 1) * sizeof *k->mk, 0);
    if (!k->cadj || !k->mk) return lp_error_nomem("key-person analysis");
#pragma omp parallel for schedule(dynamic, 4096) if (nc >= LP_PARALLEL_MIN)
    for (lp_vid x = 0; x < nc; x++) {
        lp_vid v = k->corig[x];
        int32_t len;
        lp_vid *list = core_list(k, x, &len), *at = list;
        int32_t mt = k->mbase[x];
        int marked = k->cflag[x] & F_MARKER;
        if (marked) k->mk[mt++] = (struct marker){.pos = -1, .rev = 0.0};
        for (int64_t j = c->offset[v]; j < c->offset[v + 1]; j++) {
            lp_vid w = c->adj[j], y = k->cid[w];
            if (y >= 0)
                *at++ = y;
            else if (marked && k->prev[w] != 0.0)
                k->mk[mt++] = (struct marker){.pos = (int32_t)(at - list), .rev = k->prev[w]};
        }
    }
    DROP(k->cid);
    DROP(k->prev); /* the markers hold what the sums need of it */
    int32_t len;
    lp_vid *at = core_list(k, nc, &len);
    for (lp_vid x = 0; x < nc; x++)
        if (k->cflag[x] & F_ANCHOR) *at++ = x;
    return LP_OK;
}

/* One vertex on the search's stack: everything the search reads or writes
 * about the vertices it is inside of lives here, not in per-vertex arrays,
 * so that a step costs the visited test of the neighbour and, on a tree
 * edge, the new vertex's list. */
typedef struct frame {
    const lp_vid *it, *end, *list; /* next, end and start of the list */
    lp_vid v;
    int32_t disc, low;
    int32_t children; /* tree children so far */
} frame;

/* The search of the core, its results indexed by preorder position i
 * (disc = i): parent position, place in the parent's list, whether the
 * parent separates the subtree, whether the vertex is a cut vertex of the
 * core. The state of a vertex takes two bits (new, new anchor, on the
 * stack, finished): 0.8 MB for the 3.1M vertices of the L graph's core,
 * which stays in the level-2 cache while the search tests every arc. */
enum { S_NEW = 0, S_NEW_ANCHOR = 1, S_ACTIVE = 2, S_DONE = 3 };
enum { C_CUT = 1, C_ART = 2 };

static inline unsigned state_of(const uint64_t *vs, lp_vid x)
{
    return (unsigned)(vs[x >> 5] >> ((x & 31) * 2)) & 3u;
}

static inline void state_set(uint64_t *vs, lp_vid x, unsigned st)
{
    unsigned sh = (unsigned)(x & 31) * 2;
    vs[x >> 5] = (vs[x >> 5] & ~((uint64_t)3 << sh)) | ((uint64_t)st << sh);
}

typedef struct search {
    uint64_t *vs;    /* [(nc + 1) / 32 + 1] state, two bits per core number */
    int32_t *disc;   /* [nc + 1] by core number, once visited */
    frame *stack;    /* [nc + 1] */
    lp_vid *order;   /* [nc + 1] preorder -> core number (later: -> node row) */
    int32_t *ppre;   /* parent's position, -1 for a root */
    int32_t *pospre; /* position in the parent's list (relative) */
    uint8_t *ca;     /* C_CUT: the parent separates this subtree from the rest;
                        C_ART: cut vertex of the core (R included, not reported) */
    int32_t clock;
    int64_t n_first; /* R's tree: positions [0, n_first) */
} search;

static void search_from(search *s, const work *k, lp_vid r)
{
    const lp_vid R = k->nc;
    uint64_t *vs = s->vs;
    int32_t *disc = s->disc;
    frame *st = s->stack;
    int64_t top = 0;
    int32_t d = s->clock++;
    disc[r] = d;
    state_set(vs, r, S_ACTIVE);
    s->order[d] = r;
    s->ppre[d] = -1;
    s->pospre[d] = 0;
    s->ca[d] = 0;
    int32_t len;
    const lp_vid *list = core_list(k, r, &len);
    st[top++] = (frame){.it = list, .end = list + len, .list = list, .v = r, .disc = d, .low = d};
    while (top > 0) {
        frame *f = &st[top - 1];
        const lp_vid *j = f->it, *end = f->end;
        int32_t low = f->low;
        lp_vid w = -1, pv = top > 1 ? st[top - 2].v : -1;
        unsigned sw = 0;
        /* A finished neighbour is a descendant (no lower disc); only an
         * active one other than the parent is an ancestor whose disc counts:
         * the state answers most arcs without disc. */
        for (; j < end; j++) {
            lp_vid x = *j;
            unsigned sx = state_of(vs, x);
            if (sx < S_ACTIVE) {
                w = x;
                sw = sx;
                break;
            }
            if (sx == S_ACTIVE && x != pv && disc[x] < low) low = disc[x]; /* back edge */
        }
        f->low = low;
        if (w >= 0) {
            f->it = j + 1;
            f->children++;
            d = s->clock++;
            disc[w] = d;
            state_set(vs, w, S_ACTIVE);
            s->order[d] = w;
            s->ppre[d] = f->disc;
            s->pospre[d] = (int32_t)(j - f->list);
            s->ca[d] = 0;
            /* An anchor met from inside the graph still has its edge to R
             * (disc 0): a back edge. */
            int32_t lw = sw == S_NEW_ANCHOR && f->v != R ? 0 : d;
            /* The next new vertices in this list are likely the next tree
             * edges from here once w's subtree is done: their slots are
             * loaded meanwhile (a quarter less time for the search on L). */
            int np = 0;
            for (const lp_vid *q = j + 1, *qe = end - j > 17 ? j + 17 : end; q < qe; q++)
                if (state_of(vs, *q) < S_ACTIVE) {
                    __builtin_prefetch(k->cslot + (int64_t)*q * SLOT);
                    if (++np == 2) break;
                }
            list = core_list(k, w, &len);
            st[top++] =
                (frame){.it = list, .end = list + len, .list = list, .v = w, .disc = d, .low = lw};
            continue;
        }
        /* f->v is finished */
        state_set(vs, f->v, S_DONE);
        top--;
        if (top > 0) {
            frame *p = &st[top - 1];
            if (low < p->low) p->low = low;
            int cut = low >= p->disc;
            if (cut) {
                s->ca[f->disc] |= C_CUT;
                if (top > 1) s->ca[p->disc] |= C_ART;
            }
        } else if (f->children >= 2) {
            s->ca[f->disc] |= C_ART; /* a root with two subtrees */
        }
    }
}

static void search_free(search *s)
{
    free(s->vs);
    free(s->disc);
    free(s->stack);
    free(s->order);
    free(s->ppre);
    free(s->pospre);
    free(s->ca);
}

/* Per preorder position i of R's tree, gathered from the core numbers
 * once (in parallel) so that the sums below read them in order. */
typedef struct post {
    uint8_t *f;       /* [all positions] flags */
    int32_t *mtop;    /* markers not folded yet: mk[.. mtop[i]) down to a sentinel */
    int32_t *acc_sub; /* accounts in the subtree */
    double *rev_sub;  /* their revenue */
    int32_t *aar;     /* accounts_at_risk */
    double *rar;      /* revenue_at_risk */
} post;

/* The markers of position i not folded yet whose place in its list is lo
 * or more, last first: peeled children whose trees carry revenue, folded
 * into i's sums. */
static void flush_markers(const work *k, post *q, int32_t i, int32_t lo)
{
    const int person = !!(q->f[i] & F_PERSON);
    int32_t t = q->mtop[i];
    while (k->mk[t - 1].pos >= lo) { /* the sentinel's pos is -1 */
        t--;
        double r = k->mk[t].rev;
        q->rev_sub[i] += r;
        if (person) q->rar[i] += r;
    }
    q->mtop[i] = t;
}

static void post_free(post *q)
{
    free(q->f);
    free(q->mtop);
    free(q->acc_sub);
    free(q->rev_sub);
    free(q->aar);
    free(q->rar);
}

/* The core's part: search, cut vertices, at-risk sums and person
 * separators over R's tree, written back to node rows. */
static lp_status core_part(work *k, lp_keyperson *kp)
{
    const lp_vid nc = k->nc, R = nc, n = k->n;
    size_t s1 = (size_t)nc + 1;
    /* the arrays the serial search fills are zeroed first, on every
     * thread: their first-touch page faults are taken in parallel, not one
     * by one by the search (the stack is touched only as deep as it goes) */
    search s = {.vs = lp_i_alloc_big((s1 / 32 + 1) * sizeof(uint64_t), 0),
                .disc = lp_i_alloc_big(s1 * sizeof(int32_t), 1),
                .stack = lp_i_alloc_big(s1 * sizeof(frame), 0),
                .order = lp_i_alloc_big(s1 * sizeof(lp_vid), 1),
                .ppre = lp_i_alloc_big(s1 * sizeof(int32_t), 1),
                .pospre = lp_i_alloc_big(s1 * sizeof(int32_t), 1),
                .ca = lp_i_alloc_big(s1, 1)};
    post q = {0};
    lp_status st = LP_OK;
    if (!s.vs || !s.disc || !s.stack || !s.order || !s.ppre || !s.pospre || !s.ca) {
        st = lp_error_nomem("key-person analysis");
        goto done;
    }
    const int64_t nw = (int64_t)(s1 / 32 + 1);
#pragma omp parallel for schedule(static) if (nw * 32 >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nw; b++) {
        uint64_t word = 0;
        for (int64_t x = b * 32; x < b * 32 + 32 && x < nc; x++)
            if (k->cflag[x] & F_ANCHOR) word |= (uint64_t)S_NEW_ANCHOR << ((x & 31) * 2);
        s.vs[b] = word;
    }
    /* R first, then every other component from its smallest row. */
    search_from(&s, k, R);
    s.n_first = s.clock;
    for (lp_vid x = 0; x < nc; x++)
        if (state_of(s.vs, x) < S_ACTIVE) search_from(&s, k, x);
    DROP(s.stack);
    DROP(s.vs);
    DROP(k->cslot);
    DROP(k->cadj);

    const int32_t nf = (int32_t)s.n_first, nall = s.clock;
    const size_t sf = (size_t)nf + 1;
    q.f = lp_i_alloc_big((size_t)nall + 1, 0);
    q.mtop = lp_i_alloc_big(sf * sizeof *q.mtop, 0);
    q.acc_sub = lp_i_alloc_big(sf * sizeof *q.acc_sub, 0);
    q.aar = lp_i_alloc_big(sf * sizeof *q.aar, 0);
    if (!q.f || !q.mtop || !q.acc_sub || !q.aar) {
        st = lp_error_nomem("key-person analysis");
        goto done;
    }
    /* The accounts of a vertex's peeled trees count from the start (integer
     * sums: their order does not matter). From here on order[] holds node
     * rows (R: n). */
#pragma omp parallel for schedule(static) if (nall >= LP_PARALLEL_MIN)
    for (int32_t i = 0; i < nall; i++) {
        lp_vid x = s.order[i];
        uint8_t f = k->cflag[x];
        q.f[i] = f;
        s.order[i] = k->corig[x];
        if (i < nf) {
            q.mtop[i] = k->mbase[x + 1];
            q.acc_sub[i] = k->cpacc[x];
            q.aar[i] = (f & F_PERSON) ? k->cpacc[x] : 0;
        }
    }
    DROP(k->cpacc);
    DROP(k->cflag);
    DROP(k->corig);
    DROP(k->mbase);
    const lp_vid *row = s.order;
    q.rev_sub = lp_i_alloc_big(sf * sizeof *q.rev_sub, 1);
    q.rar = lp_i_alloc_big(sf * sizeof *q.rar, 1);
    if (!q.rev_sub || !q.rar) {
        st = lp_error_nomem("key-person analysis");
        goto done;
    }

    /* At-risk sums over R's tree, children before parents (reverse
     * preorder, so each vertex folds its children last first, as the
     * search of the whole graph would): a tree child pushes into its
     * parent after the parent's markers that follow it in the list. */
    const double *revenue = k->g->nodes.revenue;
    for (int32_t i = nf - 1; i > 0; i--) {
        uint8_t f = q.f[i];
        int32_t p = s.ppre[i];
        if (i > 16 && (q.f[i - 16] & F_ACCOUNT)) __builtin_prefetch(&revenue[row[i - 16]]);
        if (f & F_MARKER) flush_markers(k, &q, i, 0);
        if (f & F_ACCOUNT) {
            q.acc_sub[i] += 1;
            q.rev_sub[i] += revenue[row[i]];
        }
        uint8_t fp = q.f[p]; /* R (position 0) has no flags */
        if (fp & F_MARKER) flush_markers(k, &q, p, s.pospre[i] + 1);
        if ((s.ca[i] & C_CUT) && (fp & F_PERSON)) {
            q.aar[p] += q.acc_sub[i];
            q.rar[p] += q.rev_sub[i];
        }
        q.acc_sub[p] += q.acc_sub[i];
        q.rev_sub[p] += q.rev_sub[i];
    }

    DROP(k->mk);
    DROP(q.mtop);
    DROP(q.acc_sub);
    DROP(q.rev_sub);

    /* Nearest person separator in preorder, then the outermost one (its
     * own is known: it comes earlier). Positions, -1 for none; in the
     * space of pospre and disc, spent. */
    int32_t *npc = s.pospre, *outer = s.disc;
    npc[0] = -1;
    outer[0] = -1;
    for (int32_t i = 1; i < nf; i++) {
        int32_t p = s.ppre[i];
        int32_t x = ((s.ca[i] & C_CUT) && (q.f[p] & F_PERSON)) ? p : npc[p];
        npc[i] = x;
        outer[i] = x < 0 ? -1 : outer[x] < 0 ? x : outer[x];
    }
    DROP(s.ppre);

    /* Back to node rows. A core vertex with a peeled tree hanging from it
     * separates that tree from the rest of the core. */
#pragma omp parallel for schedule(static) if (nall >= LP_PARALLEL_MIN)
    for (int32_t i = 1; i < nall; i++) {
        lp_vid v = row[i];
        kp->is_articulation[v] = (s.ca[i] & C_ART) || (q.f[i] & F_PENDANT);
        if (i < nf) {
            if (q.aar[i]) { /* untouched pages of the calloc stay unmapped */
                kp->accounts_at_risk[v] = q.aar[i];
                kp->revenue_at_risk[v] = q.rar[i];
            }
            k->npc[v] = npc[i] < 0 ? -1 : row[npc[i]];
            kp->outer_key_person[v] = outer[i] < 0 ? -1 : row[outer[i]];
        } else {
            k->npc[v] = -1;
            kp->outer_key_person[v] = -2;
        }
    }
    k->npc[n] = -1;

done:
    search_free(&s);
    post_free(&q);
    return st;
}

static void work_free(work *k)
{
    free(k->deg);
    free(k->rnd);
    free(k->pord);
    free(k->rstart);
    free(k->ppar); /* npc: the same array */
    free(k->prev);
    free(k->pacc);
    free(k->cid);
    free(k->corig);
    free(k->cslot);
    free(k->cadj);
    free(k->cflag);
    free(k->cpacc);
    free(k->mbase);
    free(k->mk);
}

lp_status lp_keyperson_run(lp_keyperson *out, const lp_graph *g)
{
    const int64_t n = g->n;
    if (n + 1 > LP_VID_MAX) return lp_error_set(LP_EINPUT, "graph too large for 32-bit ids");
    lp_keyperson kp;
    memset(&kp, 0, sizeof kp);
    size_t n1 = (size_t)n + 1;
    work k = {.g = g, .n = (lp_vid)n};
    lp_status st = LP_OK;
    kp.n = n;
    /* The outputs as the previous kernel had them: a plain calloc, whose
     * pages stay unmapped until written (at-risk figures are written only
     * where non-zero). */
    kp.is_articulation = lp_calloc(n1, 1);
    kp.accounts_at_risk = lp_calloc(n1, sizeof *kp.accounts_at_risk);
    kp.revenue_at_risk = lp_calloc(n1, sizeof *kp.revenue_at_risk);
    kp.outer_key_person = lp_malloc(n1 * sizeof *kp.outer_key_person);
    k.deg = lp_i_alloc_big(n1 * sizeof *k.deg, 0);
    k.rnd = lp_i_alloc_big(n1 * sizeof *k.rnd, 0);
    k.pord = lp_i_alloc_big(n1 * sizeof *k.pord, 0);
    k.ppar = lp_i_alloc_big(n1 * sizeof *k.ppar, 0);
    k.prev = lp_i_alloc_big(n1 * sizeof *k.prev, 0);
    k.pacc = lp_i_alloc_big(n1 * sizeof *k.pacc, 0);
    if (!kp.is_articulation || !kp.accounts_at_risk || !kp.revenue_at_risk ||
        !kp.outer_key_person || !k.deg || !k.rnd || !k.pord || !k.ppar || !k.prev || !k.pacc) {
        st = lp_error_nomem("key-person analysis");
        goto done;
    }

    if ((st = peel(&k))) goto done;
    over_rounds(&k, &kp, 1);
    if ((st = build_core(&k))) goto done;
    k.npc = k.ppar; /* the markers are counted: nearest person separators from here */
    if ((st = core_part(&k, &kp))) goto done;
    over_rounds(&k, &kp, 0);
    DROP(k.pord);
    const lp_vid *next_pcut = k.npc;

    /* Accounts, input order: blocks of rows counted, then filled, in
     * parallel. */
    kp.n_accounts = g->n_account;
    int64_t na = kp.n_accounts;
    kp.account_node = lp_malloc(((size_t)na + 1) * sizeof *kp.account_node);
    kp.account_revenue = lp_malloc(((size_t)na + 1) * sizeof *kp.account_revenue);
    kp.account_connected = lp_malloc((size_t)na + 1);
    kp.key_persons_offsets = lp_malloc(((size_t)na + 1) * sizeof *kp.key_persons_offsets);
    const int64_t nb = n / BLOCK + 1;
    int64_t *bsum = lp_malloc(((size_t)nb + 1) * sizeof *bsum);
    if (!kp.account_node || !kp.account_revenue || !kp.account_connected ||
        !kp.key_persons_offsets || !bsum) {
        free(bsum);
        st = lp_error_nomem("account table");
        goto done;
    }
    int64_t n_art = 0;
#pragma omp parallel for schedule(static) reduction(+ : n_art) if (n >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        int64_t cnt = 0, hi = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
        for (int64_t v = b * BLOCK; v < hi; v++) {
            cnt += !!(g->role[v] & LP_ROLE_ACCOUNT);
            n_art += kp.is_articulation[v];
        }
        bsum[b] = cnt;
    }
    kp.n_articulation = n_art;
    (void)scan_blocks(bsum, nb);
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (int64_t b = 0; b < nb; b++) {
        int64_t i = bsum[b], hi = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
        for (lp_vid v = (lp_vid)(b * BLOCK); v < hi; v++) {
            if (!(g->role[v] & LP_ROLE_ACCOUNT)) continue;
            kp.account_node[i] = v;
            kp.account_revenue[i] = g->nodes.revenue[v];
            kp.account_connected[i] = kp.outer_key_person[v] != -2;
            i++;
        }
    }
    free(bsum);

    /* Pass 1: chain lengths. */
    kp.key_persons_offsets[0] = 0;
#pragma omp parallel for schedule(dynamic, 1024) if (na >= LP_PARALLEL_MIN)
    for (int64_t i = 0; i < na; i++) {
        int64_t len = 0;
        if (kp.account_connected[i])
            for (lp_vid x = next_pcut[kp.account_node[i]]; x >= 0; x = next_pcut[x])
                len++;
        kp.key_persons_offsets[i + 1] = len;
    }
    for (int64_t i = 0; i < na; i++)
        kp.key_persons_offsets[i + 1] += kp.key_persons_offsets[i];
    kp.key_persons = lp_malloc(((size_t)kp.key_persons_offsets[na] + 1) * sizeof *kp.key_persons);
    if (!kp.key_persons) {
        st = lp_error_nomem("key-person lists");
        goto done;
    }
    /* Pass 2: fill, nearest first. */
#pragma omp parallel for schedule(dynamic, 1024) if (na >= LP_PARALLEL_MIN)
    for (int64_t i = 0; i < na; i++) {
        int64_t at = kp.key_persons_offsets[i];
        if (kp.account_connected[i])
            for (lp_vid x = next_pcut[kp.account_node[i]]; x >= 0; x = next_pcut[x])
                kp.key_persons[at++] = x;
    }

    for (int64_t i = 0; i < na; i++) {
        double r = kp.account_revenue[i];
        kp.revenue_total += r;
        if (!kp.account_connected[i]) {
            kp.orphan_accounts++;
            kp.revenue_orphan += r;
        } else if (kp.key_persons_offsets[i + 1] > kp.key_persons_offsets[i]) {
            kp.accounts_with_key_person++;
            kp.revenue_with_key_person += r;
        }
    }

done:
    work_free(&k);
    if (st) {
        lp_keyperson_free(&kp);
        return st;
    }
    *out = kp;
    return LP_OK;
}

lp_status lp_keyperson_top(lp_vid **out_rows, int64_t *out_count, const lp_graph *g,
                           const lp_keyperson *kp, int64_t k)
{
    /* The persons at risk are those on the accounts' key-person lists: each
     * once (a bitmap over the rows), far fewer than the rows, whose sparse
     * at-risk column a scan would fault in page by page. lp_i_top_rows
     * breaks every tie by row, so the order found does not matter. */
    const int64_t listed = kp->key_persons_offsets ? kp->key_persons_offsets[kp->n_accounts] : 0;
    uint64_t *seen = lp_calloc((size_t)g->n / 64 + 1, sizeof *seen);
    lp_i_ranked *e = lp_malloc(((size_t)listed + 1) * sizeof *e);
    if (!seen || !e) {
        free(seen);
        free(e);
        return lp_error_nomem("top persons");
    }
    int64_t c = 0;
    for (int64_t j = 0; j < listed; j++) {
        lp_vid v = kp->key_persons[j];
        uint64_t bit = (uint64_t)1 << (v & 63);
        if ((seen[v >> 6] & bit) || !(g->role[v] & LP_ROLE_PERSON) || kp->accounts_at_risk[v] <= 0)
            continue;
        seen[v >> 6] |= bit;
        e[c++] = (lp_i_ranked){
            .value = kp->revenue_at_risk[v], .tie = kp->accounts_at_risk[v], .row = v};
    }
    free(seen);
    lp_status st = lp_i_top_rows(out_rows, out_count, e, c, k);
    free(e);
    return st;
}
