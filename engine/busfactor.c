/* busfactor.c — bus factor of every account: local vertex connectivity from
 * the account to the virtual root R, where only person nodes count.
 *
 * Algorithm: Menger's theorem (Menger 1927) turns "fewest persons whose
 * removal cuts a from R" into "most paths from a to R sharing no person",
 * which is a maximum flow on the node-split graph (Even, "An algorithm for
 * determining whether the connectivity of a graph is at least k", SIAM J.
 * Comput. 4(3), 1975): a person v becomes v_in -> v_out with capacity 1;
 * every other node (and the account a itself, the source, even when it is a
 * person) stays one node of unlimited capacity; an undirected edge {u, w}
 * becomes out(u) -> in(w) and out(w) -> in(u), unlimited; every anchor has
 * an unlimited arc out(v) -> R (so an anchor that is a person still passes
 * one path, after its split). The flow is found by Ford–Fulkerson
 * augmenting paths (Ford & Fulkerson 1956), each by breadth-first search in
 * the residual graph.
 *
 * Variant: local and capped. The split graph is never built: residual moves
 * are derived from the CSR snapshot and a sparse per-account flow state (for
 * each person carrying a path, its predecessor and successor on that path).
 * Each search starts at a and stops the moment it reaches R; at most `cap`
 * augmentations per account. R counts as reached as soon as the search
 * finds v_out of an anchor, or any non-person node that reaches an anchor
 * through non-persons only (marked once per call by one O(n + m) search
 * from the anchors): such a tail has unlimited capacity and touches no
 * person, so it is always in the residual graph and needs no flow update.
 * Without this, a search through an employee serving thousands of accounts
 * would scan all of them before stepping on to the team and the company. All finite residual
 * capacities are 1, so each augmentation adds exactly one path; a path through no person at all has
 * unlimited capacity and gives `cap` at once.
 *
 * Residual moves (every edge arc is unlimited in both directions, so only
 * arcs touching a person carry information):
 *   - from an unsplit node x, or from v_out: to in(y) for every neighbour y;
 *     from v_out of a used person also back to v_in (reverse of v's unit);
 *   - from an unsplit x also to y_out for a used neighbour person y whose
 *     path continues into x (reverse of the flow arc y_out -> x);
 *   - from v_in: to v_out if v is unused, else only back to out(pred(v))
 *     (reverse of the flow arc into v_in: v_in has no other way out).
 * Augmenting along a path sets pred(w) = u and succ(u) = w for each forward
 * edge arc out(u) -> in(w) it uses, marks v used or unused on the internal
 * arc of v, and leaves cancelled arcs to be overwritten by the arcs that
 * replace them (every state is on the path at most once, so each pred,
 * succ and used flag is written by at most one step).
 *
 * Cost: O(cap * (n + m)) per account in the worst case; in enterprise graphs
 * the searches reach an anchor within a few hops, and a failing search only
 * explores a's side of its minimum cut. Workspaces are per thread: the
 * search's states and the account's flow live in open-addressing tables
 * sized to what the searches touch (see bf_ws), stamped with generation
 * counters so nothing is cleared per search or account. Memory: the n
 * bytes of open[] plus a few hundred KiB per thread on the L graph, where
 * arrays over all n nodes took 44 bytes per node and thread (~260 MiB of
 * the peak at 2 threads, bench/README.md).
 *
 * Parallelism: OpenMP over accounts, dynamic schedule. Each account's answer
 * is computed by a deterministic sequential search on its own workspace, so
 * results do not depend on the thread count. No igraph call inside the
 * parallel loop; the only allocations there are a table's doubling (an
 * out-of-memory sets the workspace's failed flag, checked after the loop).
 */
#include "lp_busfactor.h"
#include "lp_alloc.h"
#include "lp_i_busfactor.h"

#include <stdlib.h>
#include <string.h>
#include "lp_i_mem.h"
#include "lp_i_omp.h"
#include "lp_i_progress.h"

/* A state of the split graph is 2v + copy: copy 0 is v_in for a split
 * person and the node itself otherwise; copy 1 is v_out. n <= INT32_MAX, so
 * every state is at most 2^32 - 3 and UINT32_MAX and UINT32_MAX - 1 are
 * free for "none" and "out of memory". */
#define NO_STATE UINT32_MAX
#define BF_FAIL (UINT32_MAX - 1u)  /* a table could not grow: the search stops */
#define SUCC_ROOT (-1)             /* succ(v) when v's path goes from v_out to R */
enum { BF_OPEN = 1, BF_EXIT = 2 }; /* flags of open[] (mark_open) */

/* A thread's workspace. A search touches few states of the split graph (on
 * the L graph a few hundred, rarely more than tens of thousands, of 12M)
 * and an account's flow few persons, so both live in small open-addressing
 * tables (linear probing, at most half full, grown by doubling, never
 * shrunk) instead of arrays over all n nodes: memory is O(what a search
 * touches) per thread, not 44 bytes per node, and the tables stay in the
 * cache. A slot belongs to the current search (account) only when its gen
 * (acct) is the table's: a new search increments gen, with nothing to
 * reset. The results are those of n-sized arrays: only where the state is
 * kept changes, not the order in which the search visits anything. */
typedef struct bf_sslot {
    uint32_t state;  /* when gen is current */
    uint32_t gen;    /* the search that reached the state */
    uint32_t parent; /* state it was reached from */
} bf_sslot;

typedef struct bf_fslot {
    lp_vid v;       /* a person, when acct is current */
    uint32_t acct;  /* the account whose flow wrote the slot */
    lp_vid pred;    /* node feeding v_in (valid when used) */
    lp_vid succ;    /* node fed by v_out, or SUCC_ROOT */
    uint8_t used;   /* v carries a path of this account */
    uint8_t listed; /* v is in touched (only when recording) */
} bf_fslot;

#define BF_FIRST_CAP 64 /* tables and lists grow to what the searches need */

typedef struct bf_ws {
    bf_sslot *ss; /* [ss_cap] states reached by the current search */
    int64_t ss_cap, ss_used;
    int ss_shift;
    uint32_t gen; /* current search; never 0 */
    bf_fslot *fs; /* [fs_cap] persons of the current account's flow */
    int64_t fs_cap, fs_used;
    int fs_shift;
    uint32_t acct;   /* current account; never 0 */
    uint32_t *queue; /* [qcap] */
    int64_t qcap;
    lp_vid *touched; /* [tcap] persons that carried a path of this account at some point */
    int64_t tcap, n_touched;
    int failed; /* a table or list could not grow: the run returns out of memory */
} bf_ws;

static void ws_free(bf_ws *w)
{
    if (!w) return;
    free(w->ss);
    free(w->fs);
    free(w->queue);
    free(w->touched);
    memset(w, 0, sizeof *w);
}

static int shift_of(int64_t cap)
{
    int s = 64;
    for (int64_t c = cap; c > 1; c /= 2)
        s--;
    return s;
}

static lp_status ws_init(bf_ws *w)
{
    memset(w, 0, sizeof *w);
    w->ss = lp_calloc(BF_FIRST_CAP, sizeof *w->ss);
    w->fs = lp_calloc(BF_FIRST_CAP, sizeof *w->fs);
    w->queue = lp_malloc(BF_FIRST_CAP * sizeof *w->queue);
    w->touched = lp_malloc(BF_FIRST_CAP * sizeof *w->touched);
    if (!w->ss || !w->fs || !w->queue || !w->touched) {
        ws_free(w);
        return lp_error_nomem("bus factor workspace");
    }
    w->ss_cap = w->fs_cap = w->qcap = w->tcap = BF_FIRST_CAP;
    w->ss_shift = w->fs_shift = shift_of(BF_FIRST_CAP);
    return LP_OK;
}

static inline uint64_t bf_home(uint32_t key, int shift)
{
    return ((uint64_t)key * 0x9e3779b97f4a7c15ULL) >> shift;
}

/* The slot of state s in this search, or NULL when not reached. */
static inline bf_sslot *ss_find(const bf_ws *w, uint32_t s)
{
    const uint64_t mask = (uint64_t)w->ss_cap - 1;
    for (uint64_t i = bf_home(s, w->ss_shift);; i = (i + 1) & mask) {
        bf_sslot *p = &w->ss[i];
        if (p->gen != w->gen) return NULL;
        if (p->state == s) return p;
    }
}

/* Mark state s (not reached yet) reached from parent. Room must be reserved. */
static inline void ss_put(bf_ws *w, uint32_t s, uint32_t parent)
{
    const uint64_t mask = (uint64_t)w->ss_cap - 1;
    uint64_t i = bf_home(s, w->ss_shift);
    while (w->ss[i].gen == w->gen)
        i = (i + 1) & mask;
    w->ss[i] = (bf_sslot){.state = s, .gen = w->gen, .parent = parent};
    w->ss_used++;
}

/* Room for two more states at most half full; 0, or -1 out of memory (then
 * the table is unchanged). */
static int ss_reserve(bf_ws *w)
{
    if (2 * (w->ss_used + 2) <= w->ss_cap) return 0;
    int64_t old_cap = w->ss_cap;
    bf_sslot *old = w->ss, *t = lp_calloc((size_t)old_cap * 2, sizeof *t);
    if (!t) return -1;
    uint32_t old_gen = w->gen;
    w->ss = t;
    w->ss_cap = old_cap * 2;
    w->ss_shift = shift_of(w->ss_cap);
    w->gen = 1;
    w->ss_used = 0;
    for (int64_t i = 0; i < old_cap; i++)
        if (old[i].gen == old_gen) ss_put(w, old[i].state, old[i].parent);
    free(old);
    return 0;
}

/* Start a search: every state becomes unreached (gen 0 is never current). */
static void ss_next(bf_ws *w)
{
    if (++w->gen == 0) {
        memset(w->ss, 0, (size_t)w->ss_cap * sizeof *w->ss);
        w->gen = 1;
    }
    w->ss_used = 0;
}

/* Person v's slot in this account's flow, or NULL when v never carried one. */
static inline bf_fslot *fs_find(const bf_ws *w, lp_vid v)
{
    const uint64_t mask = (uint64_t)w->fs_cap - 1;
    for (uint64_t i = bf_home((uint32_t)v, w->fs_shift);; i = (i + 1) & mask) {
        bf_fslot *p = &w->fs[i];
        if (p->acct != w->acct) return NULL;
        if (p->v == v) return p;
    }
}

/* v's slot, made unused if new. Room must be reserved. */
static inline bf_fslot *fs_get(bf_ws *w, lp_vid v)
{
    const uint64_t mask = (uint64_t)w->fs_cap - 1;
    for (uint64_t i = bf_home((uint32_t)v, w->fs_shift);; i = (i + 1) & mask) {
        bf_fslot *p = &w->fs[i];
        if (p->acct != w->acct) {
            *p = (bf_fslot){.v = v, .acct = w->acct, .pred = 0, .succ = 0, .used = 0, .listed = 0};
            w->fs_used++;
            return p;
        }
        if (p->v == v) return p;
    }
}

/* Room for two more persons at most half full; 0 or -1 (table unchanged). */
static int fs_reserve(bf_ws *w)
{
    if (2 * (w->fs_used + 2) <= w->fs_cap) return 0;
    int64_t old_cap = w->fs_cap;
    bf_fslot *old = w->fs, *t = lp_calloc((size_t)old_cap * 2, sizeof *t);
    if (!t) return -1;
    uint32_t old_acct = w->acct;
    w->fs = t;
    w->fs_cap = old_cap * 2;
    w->fs_shift = shift_of(w->fs_cap);
    w->acct = 1;
    w->fs_used = 0;
    for (int64_t i = 0; i < old_cap; i++)
        if (old[i].acct == old_acct) {
            bf_fslot s = old[i];
            s.acct = 1;
            *fs_get(w, s.v) = s;
        }
    free(old);
    return 0;
}

/* Room for `more` entries after the first `used` of a list; 0 or -1. */
static int list_reserve(void **list, int64_t *cap, size_t esize, int64_t used, int64_t more)
{
    int64_t c = *cap;
    while (used + more > c)
        c *= 2;
    if (c == *cap) return 0;
    void *t = lp_realloc(*list, (size_t)c * esize);
    if (!t) return -1;
    *list = t;
    *cap = c;
    return 0;
}

/* Context of one account's search: the graph, the source, open[v] (v is
 * not a person and reaches an anchor through non-persons only), and the
 * persons taken out of the graph (departure scenarios): v is removed when
 * removed[v] == removed_gen; removed == NULL removes nobody. Removing
 * persons leaves open[] valid: its paths touch no person. */
typedef struct bf_ctx {
    const lp_csr *c;
    const uint8_t *role;
    const uint8_t *open;
    lp_vid a;
    const uint32_t *removed;
    uint32_t removed_gen;
    int record; /* list the persons carrying paths in ws->touched */
} bf_ctx;

/* v is split into v_in -> v_out: a person other than the source. */
static inline int is_split(const bf_ctx *x, lp_vid v)
{
    return (x->role[v] & LP_ROLE_PERSON) && v != x->a;
}

/* v's flow slot when v carries a path of this account, else NULL. */
static inline const bf_fslot *used_slot(const bf_ws *w, lp_vid v)
{
    const bf_fslot *f = fs_find(w, v);
    return f && f->used ? f : NULL;
}

static inline uint32_t out_state(const bf_ctx *x, lp_vid v)
{
    return 2 * (uint32_t)v + (uint32_t)is_split(x, v);
}

/* Reach state t from s. Returns the state from which R is reached when
 * this step reaches it, else NO_STATE (t queued if new); BF_FAIL when a
 * table could not grow. R is reached from
 * v_out of an anchor, and from an unsplit node marked OPEN (the rest of the
 * way runs through unsplit nodes only, whose arcs are always in the
 * residual graph and carry no tracked flow, so it needs neither a search
 * nor an update). Shortcut: v_in of an unused person marked EXIT (an anchor,
 * or next to an OPEN node) leads on to v_out and out of it to R, so the
 * search ends there too, with v_out (parent v_in) as the last state; without
 * it a breadth-first search would first expand everything else at v_in's
 * depth (a partner's hundreds of accounts, say) before taking those two
 * steps. Any state returned ends the search. */
static inline uint32_t visit(bf_ws *w, const bf_ctx *x, uint32_t t, uint32_t s, int64_t *tail)
{
    if (ss_find(w, t)) return NO_STATE;
    lp_vid y = (lp_vid)(t >> 1);
    if (x->removed && x->removed[y] == x->removed_gen && y != x->a) return NO_STATE; /* gone */
    if (ss_reserve(w) || list_reserve((void **)&w->queue, &w->qcap, sizeof *w->queue, *tail, 1))
        return BF_FAIL;
    ss_put(w, t, s);
    if (t & 1u) {
        if (x->role[y] & LP_ROLE_ANCHOR) return t;
    } else if (x->open[y] & BF_OPEN) {
        return t;
    } else if ((x->open[y] & BF_EXIT) && is_split(x, y) && !used_slot(w, y)) {
        ss_put(w, t | 1u, t);
        return t | 1u;
    }
    w->queue[(*tail)++] = t;
    return NO_STATE;
}

/* Breadth-first search in the residual graph from the source; returns the
 * first state found from which R is reached (see visit), NO_STATE, or
 * BF_FAIL. */
static uint32_t bfs_residual(bf_ws *w, const bf_ctx *x)
{
    ss_next(w);
    const lp_csr *c = x->c;
    int64_t head = 0, tail = 0;
    uint32_t s0 = 2 * (uint32_t)x->a;
    ss_put(w, s0, NO_STATE); /* the table has BF_FIRST_CAP >= 2 slots free */
    w->queue[tail++] = s0;
    while (head < tail) {
        uint32_t s = w->queue[head++];
        lp_vid v = (lp_vid)(s >> 1);
        int split = is_split(x, v);
        const bf_fslot *fv = split ? used_slot(w, v) : NULL;
        uint32_t r;
        if (split && !(s & 1u)) { /* v_in: forward through v, or back along v's path */
            uint32_t t = fv ? out_state(x, fv->pred) : (s | 1u);
            if ((r = visit(w, x, t, s, &tail)) != NO_STATE) return r;
            continue;
        }
        if (fv && (r = visit(w, x, s & ~1u, s, &tail)) != NO_STATE) return r;
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid y = c->adj[k];
            uint32_t t = 2 * (uint32_t)y;
            if ((r = visit(w, x, t, s, &tail)) != NO_STATE) return r;
            /* reverse of the flow arc y_out -> x (only an unsplit x has one) */
            const bf_fslot *fy;
            if (!split && is_split(x, y) && (fy = used_slot(w, y)) && fy->succ == v &&
                (r = visit(w, x, t | 1u, s, &tail)) != NO_STATE)
                return r;
        }
    }
    return NO_STATE;
}

/* Push one unit along the path ending at state t (from which R is reached).
 * Returns 0 if the path passes no person (unlimited capacity), 1 otherwise,
 * -1 when a table could not grow. */
static int augment(bf_ws *w, const bf_ctx *x, uint32_t t)
{
    uint32_t s0 = 2 * (uint32_t)x->a;
    lp_vid last = (lp_vid)(t >> 1);
    int finite = 0;
    if (is_split(x, last)) {
        if (fs_reserve(w)) return -1;
        fs_get(w, last)->succ = SUCC_ROOT;
        finite = 1;
    }
    while (t != s0) {
        uint32_t s = ss_find(w, t)->parent;
        lp_vid u = (lp_vid)(s >> 1), v = (lp_vid)(t >> 1);
        int su = is_split(x, u), sv = is_split(x, v);
        finite |= su | sv;
        if (fs_reserve(w)) return -1;
        if (u == v) { /* internal arc of a person: forward uses it, reverse frees it */
            bf_fslot *f = fs_get(w, v);
            f->used = (t & 1u) != 0;
            if (x->record && (t & 1u) && !f->listed) {
                if (list_reserve((void **)&w->touched, &w->tcap, sizeof *w->touched, w->n_touched,
                                 1))
                    return -1;
                f->listed = 1;
                w->touched[w->n_touched++] = v;
            }
        } else if (su && !(s & 1u)) /* u_in -> out(pred(u)): cancelled, pred(u) rewritten */
            ;
        else if (sv && (t & 1u)) /* u -> v_out, cancels v_out -> u: succ(v) rewritten */
            ;
        else { /* forward edge arc out(u) -> in(v) */
            if (su) fs_get(w, u)->succ = v;
            if (sv) fs_get(w, v)->pred = u;
        }
        t = s;
    }
    return finite;
}

/* The bus factor of x->a; 0 with w->failed set when a table could not grow. */
static int32_t bus_factor_one(bf_ws *w, const bf_ctx *x, int32_t cap)
{
    w->n_touched = 0;
    /* a is joined to R itself, or reaches it through non-persons only */
    if ((x->role[x->a] & LP_ROLE_ANCHOR) || (x->open[x->a] & BF_OPEN)) return cap;
    if (++w->acct == 0) {
        memset(w->fs, 0, (size_t)w->fs_cap * sizeof *w->fs);
        w->acct = 1;
    }
    w->fs_used = 0;
    int32_t k = 0;
    while (k < cap) {
        uint32_t t = bfs_residual(w, x);
        if (t == NO_STATE) break;
        int f = t == BF_FAIL ? -1 : augment(w, x, t);
        if (f < 0) {
            w->failed = 1;
            w->n_touched = 0;
            return 0;
        }
        if (!f) return cap;
        k++;
    }
    return k;
}

static lp_status check_bus_factor_args(const lp_graph *g, const lp_vid *account_node, int64_t na,
                                       int32_t cap)
{
    if (cap < 2) return lp_error_set(LP_EUSAGE, "bus factor cap must be at least 2 (got %d)", cap);
    if (na < 0) return lp_error_set(LP_EINTERNAL, "bus factor: negative account count");
    if (na > 0 && !g->role) return lp_error_set(LP_EINTERNAL, "bus factor: roles are not set");
    for (int64_t i = 0; i < na; i++)
        if (account_node[i] < 0 || account_node[i] >= g->n)
            return lp_error_set(LP_EINTERNAL, "bus factor: account %lld has node row %lld of %lld",
                                (long long)i, (long long)account_node[i], (long long)g->n);
    return LP_OK;
}

/* open[v] has BF_OPEN for the non-person nodes that reach an anchor
 * through non-person nodes only (breadth-first search from the non-person
 * anchors over non-person nodes), then BF_EXIT for the persons that are
 * anchors or have a BF_OPEN neighbour. O(n + m), serial. */
static void mark_open(uint8_t *open, lp_vid *queue, const lp_graph *g)
{
    const lp_csr *c = &g->csr;
    int64_t head = 0, tail = 0;
    memset(open, 0, (size_t)g->n);
    for (int64_t v = 0; v < g->n; v++)
        if ((g->role[v] & LP_ROLE_ANCHOR) && !(g->role[v] & LP_ROLE_PERSON)) {
            open[v] = BF_OPEN;
            queue[tail++] = (lp_vid)v;
        }
    while (head < tail) {
        lp_vid v = queue[head++];
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid y = c->adj[k];
            if (!open[y] && !(g->role[y] & LP_ROLE_PERSON)) {
                open[y] = BF_OPEN;
                queue[tail++] = y;
            }
        }
    }
    for (int64_t v = 0; v < g->n; v++) {
        if (!(g->role[v] & LP_ROLE_PERSON)) continue;
        int exit = (g->role[v] & LP_ROLE_ANCHOR) != 0;
        for (int64_t k = c->offset[v]; k < c->offset[v + 1] && !exit; k++)
            exit = (open[c->adj[k]] & BF_OPEN) != 0;
        if (exit) open[v] |= BF_EXIT;
    }
}

/* ---- the search object (lp_i_busfactor.h) ------------------------------ */

struct lp_i_bf {
    const lp_graph *g;
    uint8_t *open; /* [n] */
    bf_ws *ws;     /* [nt] */
    int nt;
};

void lp_i_bf_free(lp_i_bf *s)
{
    if (!s) return;
    for (int t = 0; t < s->nt; t++)
        ws_free(&s->ws[t]);
    free(s->ws);
    free(s->open);
    free(s);
}

lp_status lp_i_bf_init(lp_i_bf **out, const lp_graph *g, int nthreads)
{
    if (!g->role) return lp_error_set(LP_EINTERNAL, "bus factor: roles are not set");
    lp_i_bf *s = lp_calloc(1, sizeof *s);
    if (!s) return lp_error_nomem("bus factor workspaces");
    s->g = g;
    s->ws = lp_calloc((size_t)nthreads, sizeof *s->ws);
    s->open = lp_malloc((size_t)g->n + 1);
    if (!s->ws || !s->open) {
        lp_i_bf_free(s);
        return lp_error_nomem("bus factor workspaces");
    }
    for (; s->nt < nthreads; s->nt++) {
        lp_status st = ws_init(&s->ws[s->nt]);
        if (st) {
            lp_i_bf_free(s);
            return st;
        }
    }
    lp_vid *queue = lp_malloc(((size_t)g->n + 1) * sizeof *queue);
    if (!queue) {
        lp_i_bf_free(s);
        return lp_error_nomem("bus factor workspaces");
    }
    mark_open(s->open, queue, g);
    free(queue);
    *out = s;
    return LP_OK;
}

int32_t lp_i_bf_one(lp_i_bf *s, int t, lp_vid a, int32_t cap, const uint32_t *removed,
                    uint32_t removed_gen)
{
    bf_ctx x = {.c = &s->g->csr,
                .role = s->g->role,
                .open = s->open,
                .a = a,
                .removed = removed,
                .removed_gen = removed_gen,
                .record = 0};
    return bus_factor_one(&s->ws[t], &x, cap);
}

int lp_i_bf_failed(const lp_i_bf *s)
{
    for (int t = 0; t < s->nt; t++)
        if (s->ws[t].failed) return 1;
    return 0;
}

/* ---- every account -------------------------------------------------------- */

/* One thread's record of the persons on the paths found: per account i
 * handled, (i, count, persons...) appended to buf. */
typedef struct bf_rec {
    lp_vid *buf;
    int64_t len, cap;
    int failed; /* out of memory */
} bf_rec;

static void rec_put(bf_rec *r, int64_t i, const bf_ws *w, int64_t k)
{
    int64_t need = r->len + 3 + k; /* i as two halves, k, persons */
    if (need > r->cap) {
        int64_t nc = r->cap ? 2 * r->cap : 4096;
        while (nc < need)
            nc *= 2;
        lp_vid *nb = lp_realloc(r->buf, (size_t)nc * sizeof *nb);
        if (!nb) {
            r->failed = 1;
            return;
        }
        r->buf = nb;
        r->cap = nc;
    }
    r->buf[r->len++] = (lp_vid)(i >> 31);
    r->buf[r->len++] = (lp_vid)(i & INT32_MAX);
    r->buf[r->len++] = (lp_vid)k;
    for (int64_t j = 0; j < w->n_touched; j++)
        if (used_slot(w, w->touched[j])) r->buf[r->len++] = w->touched[j];
}

static int cmp_vid(const void *a, const void *b)
{
    lp_vid x = *(const lp_vid *)a, y = *(const lp_vid *)b;
    return (x > y) - (x < y);
}

/* Gather the thread records into the CSR persons[offsets[i]..offsets[i+1]),
 * each account's persons ascending. */
static lp_status rec_gather(int64_t **out_offsets, lp_vid **out_persons, bf_rec *rec, int nt,
                            int64_t na)
{
    int64_t *off = lp_calloc((size_t)na + 1, sizeof *off);
    if (!off) return lp_error_nomem("bus factor paths");
    for (int t = 0; t < nt; t++)
        for (int64_t p = 0; p < rec[t].len; p += 3 + rec[t].buf[p + 2]) {
            int64_t i = ((int64_t)rec[t].buf[p] << 31) | rec[t].buf[p + 1];
            off[i + 1] = rec[t].buf[p + 2];
        }
    for (int64_t i = 0; i < na; i++)
        off[i + 1] += off[i];
    lp_vid *pers = lp_malloc(((size_t)off[na] + 1) * sizeof *pers);
    if (!pers) {
        free(off);
        return lp_error_nomem("bus factor paths");
    }
    for (int t = 0; t < nt; t++)
        for (int64_t p = 0; p < rec[t].len; p += 3 + rec[t].buf[p + 2]) {
            int64_t i = ((int64_t)rec[t].buf[p] << 31) | rec[t].buf[p + 1], k = rec[t].buf[p + 2];
            memcpy(pers + off[i], rec[t].buf + p + 3, (size_t)k * sizeof *pers);
            qsort(pers + off[i], (size_t)k, sizeof *pers, cmp_vid);
        }
    *out_offsets = off;
    *out_persons = pers;
    return LP_OK;
}

/* With other ranks: put every rank's records into one, in rank order (the
 * records name their accounts, so the order does not matter to
 * rec_gather). */
static const void *rec_part(const void *ctx, int t, int64_t *bytes)
{
    const bf_rec *rec = ctx;
    *bytes = rec[t].len * (int64_t)sizeof *rec[t].buf;
    return rec[t].buf;
}

static lp_status rec_share(bf_rec *all, const bf_rec *rec, int nt, const lp_dist *d)
{
    void *buf = NULL;
    int64_t bytes = 0;
    lp_status st = lp_dist_gather_parts(d, nt, rec_part, rec, "bus factor paths", &buf, &bytes);
    if (st) return st;
    all->buf = buf;
    all->len = all->cap = bytes / (int64_t)sizeof *all->buf;
    return LP_OK;
}

lp_status lp_bus_factor_paths(int32_t *out, int64_t **out_offsets, lp_vid **out_persons,
                              const lp_graph *g, const lp_vid *account_node, int64_t na,
                              int32_t cap)
{
    return lp_bus_factor_paths_dist(out, out_offsets, out_persons, g, account_node, na, cap, NULL);
}

lp_status lp_bus_factor_paths_dist(int32_t *out, int64_t **out_offsets, lp_vid **out_persons,
                                   const lp_graph *g, const lp_vid *account_node, int64_t na,
                                   int32_t cap, const lp_dist *dist)
{
    lp_status st = check_bus_factor_args(g, account_node, na, cap);
    if (st) return st;
    const int record = out_offsets != NULL;
    const int parallel = na >= LP_PARALLEL_MIN;
    const int nt = parallel ? lp_i_max_threads() : 1;
    lp_i_bf *s = NULL;
    bf_rec *rec = lp_calloc((size_t)nt, sizeof *rec);
    if (!rec) return lp_error_nomem("bus factor paths");
    if (na > 0 && (st = lp_i_bf_init(&s, g, nt))) goto done;
    lp_i_ticker tick;
    lp_i_tick_begin(&tick, "busfactor", na);

#pragma omp parallel for schedule(dynamic, 64) num_threads(nt) if (parallel)
    for (int64_t i = 0; i < na; i++) {
        if (!lp_dist_mine(dist, i / LP_BUS_FACTOR_GRAIN)) {
            out[i] = 0; /* another rank's: summed in below */
            continue;
        }
        int t = lp_i_thread_id();
        bf_ws *w = &s->ws[t];
        bf_ctx x = {.c = &g->csr,
                    .role = g->role,
                    .open = s->open,
                    .a = account_node[i],
                    .removed = NULL,
                    .removed_gen = 0,
                    .record = record};
        out[i] = bus_factor_one(w, &x, cap);
        if (record) {
            int64_t k = 0;
            for (int64_t j = 0; j < w->n_touched; j++)
                k += used_slot(w, w->touched[j]) != NULL;
            if (k > 0) rec_put(&rec[t], i, w, k);
        }
        lp_i_tick(&tick, 1);
    }
    lp_i_tick_end(&tick);

    for (int t = 0; t < nt; t++)
        if (rec[t].failed || (s && s->ws[t].failed)) st = lp_error_nomem("bus factor paths");
    if (!st) st = lp_dist_sum_i32(dist, out, na);
    if (!st && record) {
        if (dist && dist->size > 1) {
            bf_rec all = {.buf = NULL, .len = 0, .cap = 0, .failed = 0};
            st = rec_share(&all, rec, nt, dist);
            if (!st) st = rec_gather(out_offsets, out_persons, &all, 1, na);
            free(all.buf);
        } else {
            st = rec_gather(out_offsets, out_persons, rec, nt, na);
        }
    }
done:
    for (int t = 0; t < nt; t++)
        free(rec[t].buf);
    free(rec);
    lp_i_bf_free(s);
    return st;
}

lp_status lp_bus_factor(int32_t *out, const lp_graph *g, const lp_vid *account_node, int64_t na,
                        int32_t cap)
{
    return lp_bus_factor_paths(out, NULL, NULL, g, account_node, na, cap);
}
