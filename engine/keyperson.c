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
 *     (a post-order sum, when p is a person);
 *   - the separators of v are p plus those of p if p separates v, else
 *     exactly those of p (v and p then share a biconnected block whose
 *     top lies above p). So next_pcut(v) — the nearest person separator of
 *     v — is p or next_pcut(p), computed in preorder, and key_persons(a) is
 *     the chain a -> next_pcut(a) -> ..., nearest first.
 * Cost: O(n + m) for the search and the sums, plus the size of the output
 * for the key-person lists. No per-account search.
 *
 * Parallelism: the search is serial; the per-account extraction (two passes:
 * chain lengths, then fill after a prefix sum) runs under OpenMP on plain
 * arrays. No igraph call anywhere here. All sums run in a fixed serial order,
 * so results do not depend on the thread count.
 */
#include "lp_keyperson.h"

#include <stdlib.h>
#include <string.h>

void lp_keyperson_free(lp_keyperson *kp)
{
    if (!kp) return;
    free(kp->is_articulation);
    free(kp->accounts_at_risk);
    free(kp->revenue_at_risk);
    free(kp->account_node);
    free(kp->account_revenue);
    free(kp->account_connected);
    free(kp->kp_offsets);
    free(kp->kp);
    memset(kp, 0, sizeof *kp);
}

/* Per-vertex state of the search, over n + 1 vertices (R = n). */
typedef struct dfs_state {
    int32_t *disc, *low, *parent; /* disc -1: unvisited */
    int64_t *it;                  /* next adjacency position to look at */
    lp_vid *stack;
    lp_vid *order; /* preorder of R's tree (R first) */
    int64_t n_order;
    uint8_t *cut_below; /* parent[v] separates subtree(v) (low[v] >= disc[parent]) */
    int64_t *acc_sub;   /* accounts in subtree (R's tree only) */
    double *rev_sub;
    int32_t *root_children;
} dfs_state;

static void dfs_free(dfs_state *s)
{
    free(s->disc);
    free(s->low);
    free(s->parent);
    free(s->it);
    free(s->stack);
    free(s->order);
    free(s->cut_below);
    free(s->acc_sub);
    free(s->rev_sub);
    free(s->root_children);
}

/* One iterative search from `root`. For the tree of R (root == n), also
 * records the preorder and accumulates the at-risk sums into out. */
static void dfs_from(dfs_state *s, const lp_graph *g, const lp_vid *anchors, int64_t n_anchors,
                     lp_vid root, int32_t *clock, lp_keyperson *out)
{
    const lp_csr *c = &g->csr;
    const lp_vid R = (lp_vid)g->n;
    const int in_r_tree = root == R;
    int64_t top = 0;

    s->disc[root] = s->low[root] = (*clock)++;
    s->parent[root] = -1;
    s->it[root] = root == R ? 0 : c->offset[root];
    s->stack[top++] = root;
    if (in_r_tree) s->order[s->n_order++] = root;

    while (top > 0) {
        lp_vid v = s->stack[top - 1];
        lp_vid w = -1;
        if (v == R) {
            if (s->it[v] < n_anchors) w = anchors[s->it[v]++];
        } else if (s->it[v] < c->offset[v + 1]) {
            w = c->adj[s->it[v]++];
        }
        if (w >= 0) {
            if (s->disc[w] < 0) {
                s->parent[w] = v;
                s->disc[w] = s->low[w] = (*clock)++;
                /* An anchor met from inside the graph still has its edge to
                 * R (disc 0): a back edge. */
                if ((g->role[w] & LP_ROLE_ANCHOR) && v != R) s->low[w] = 0;
                s->it[w] = c->offset[w];
                s->stack[top++] = w;
                if (in_r_tree) s->order[s->n_order++] = w;
            } else if (w != s->parent[v] && s->disc[w] < s->low[v]) {
                s->low[v] = s->disc[w];
            }
            continue;
        }
        /* v is finished. */
        top--;
        if (in_r_tree && v != R) {
            uint8_t r = g->role[v];
            if (r & LP_ROLE_ACCOUNT) {
                s->acc_sub[v] += 1;
                s->rev_sub[v] += g->nodes.revenue[v];
            }
        }
        lp_vid p = s->parent[v];
        if (p < 0) continue;
        if (s->low[v] < s->low[p]) s->low[p] = s->low[v];
        if (p == root)
            s->root_children[p]++;
        else if (s->low[v] >= s->disc[p])
            out->is_articulation[p] = 1;
        if (s->low[v] >= s->disc[p]) {
            s->cut_below[v] = 1;
            if (in_r_tree && p != R && (g->role[p] & LP_ROLE_PERSON)) {
                out->accounts_at_risk[p] += s->acc_sub[v];
                out->revenue_at_risk[p] += s->rev_sub[v];
            }
        }
        if (in_r_tree) {
            s->acc_sub[p] += s->acc_sub[v];
            s->rev_sub[p] += s->rev_sub[v];
        }
    }
    if (root != R && s->root_children[root] >= 2) out->is_articulation[root] = 1;
}

lp_status lp_keyperson_run(lp_keyperson *out, const lp_graph *g)
{
    const int64_t n = g->n;
    const lp_vid R = (lp_vid)n;
    lp_keyperson kp;
    dfs_state s;
    memset(&kp, 0, sizeof kp);
    memset(&s, 0, sizeof s);
    lp_vid *anchors = NULL, *next_pcut = NULL;
    lp_status st = LP_OK;

    if (n + 1 > LP_VID_MAX) return lp_error_set(LP_EINPUT, "graph too large for 32-bit ids");

    size_t n1 = (size_t)n + 1;
    kp.n = n;
    kp.is_articulation = calloc(n1, 1);
    kp.accounts_at_risk = calloc(n1, sizeof *kp.accounts_at_risk);
    kp.revenue_at_risk = calloc(n1, sizeof *kp.revenue_at_risk);
    s.disc = malloc(n1 * sizeof *s.disc);
    s.low = malloc(n1 * sizeof *s.low);
    s.parent = malloc(n1 * sizeof *s.parent);
    s.it = malloc(n1 * sizeof *s.it);
    s.stack = malloc(n1 * sizeof *s.stack);
    s.order = malloc(n1 * sizeof *s.order);
    s.cut_below = calloc(n1, 1);
    s.acc_sub = calloc(n1, sizeof *s.acc_sub);
    s.rev_sub = calloc(n1, sizeof *s.rev_sub);
    s.root_children = calloc(n1, sizeof *s.root_children);
    anchors = calloc(n1, sizeof *anchors); /* calloc: quiets gcc 12 maybe-uninitialized */
    next_pcut = malloc(n1 * sizeof *next_pcut);
    if (!kp.is_articulation || !kp.accounts_at_risk || !kp.revenue_at_risk || !s.disc ||
        !s.low || !s.parent || !s.it || !s.stack || !s.order || !s.cut_below || !s.acc_sub ||
        !s.rev_sub || !s.root_children || !anchors || !next_pcut) {
        st = lp_error_nomem("key-person analysis");
        goto fail;
    }

    int64_t n_anchors = 0;
    for (int64_t v = 0; v < n; v++) {
        s.disc[v] = -1;
        if (g->role[v] & LP_ROLE_ANCHOR) anchors[n_anchors++] = (lp_vid)v;
    }
    s.disc[R] = -1;

    int32_t clock = 0;
    dfs_from(&s, g, anchors, n_anchors, R, &clock, &kp);
    for (int64_t v = 0; v < n; v++)
        if (s.disc[v] < 0) dfs_from(&s, g, anchors, n_anchors, (lp_vid)v, &clock, &kp);

    /* Nearest person separator of every vertex of R's tree, in preorder. */
    next_pcut[R] = -1;
    for (int64_t i = 1; i < s.n_order; i++) {
        lp_vid v = s.order[i], p = s.parent[v];
        next_pcut[v] = (s.cut_below[v] && p != R && (g->role[p] & LP_ROLE_PERSON))
                           ? p
                           : next_pcut[p];
    }

    /* Accounts, input order. A vertex is in R's tree iff its preorder index
     * was recorded, i.e. disc[v] < n_order (R's tree is searched first). */
    kp.n_accounts = g->n_account;
    int64_t na = kp.n_accounts;
    kp.account_node = malloc(((size_t)na + 1) * sizeof *kp.account_node);
    kp.account_revenue = malloc(((size_t)na + 1) * sizeof *kp.account_revenue);
    kp.account_connected = malloc((size_t)na + 1);
    kp.kp_offsets = malloc(((size_t)na + 1) * sizeof *kp.kp_offsets);
    if (!kp.account_node || !kp.account_revenue || !kp.account_connected || !kp.kp_offsets) {
        st = lp_error_nomem("account table");
        goto fail;
    }
    int64_t a = 0;
    for (int64_t v = 0; v < n; v++) {
        if (!(g->role[v] & LP_ROLE_ACCOUNT)) continue;
        kp.account_node[a] = v;
        kp.account_revenue[a] = g->nodes.revenue[v];
        kp.account_connected[a] = s.disc[v] < s.n_order;
        a++;
    }

    /* Pass 1: chain lengths. */
    kp.kp_offsets[0] = 0;
#pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t i = 0; i < na; i++) {
        int64_t len = 0;
        if (kp.account_connected[i])
            for (lp_vid x = next_pcut[kp.account_node[i]]; x >= 0; x = next_pcut[x]) len++;
        kp.kp_offsets[i + 1] = len;
    }
    for (int64_t i = 0; i < na; i++) kp.kp_offsets[i + 1] += kp.kp_offsets[i];
    kp.kp = malloc(((size_t)kp.kp_offsets[na] + 1) * sizeof *kp.kp);
    if (!kp.kp) {
        st = lp_error_nomem("key-person lists");
        goto fail;
    }
    /* Pass 2: fill, nearest first. */
#pragma omp parallel for schedule(dynamic, 1024)
    for (int64_t i = 0; i < na; i++) {
        int64_t k = kp.kp_offsets[i];
        if (kp.account_connected[i])
            for (lp_vid x = next_pcut[kp.account_node[i]]; x >= 0; x = next_pcut[x]) kp.kp[k++] = x;
    }

    for (int64_t v = 0; v < n; v++) kp.n_articulation += kp.is_articulation[v];
    for (int64_t i = 0; i < na; i++) {
        double r = kp.account_revenue[i];
        kp.revenue_total += r;
        if (!kp.account_connected[i]) {
            kp.orphan_accounts++;
            kp.revenue_orphan += r;
        } else if (kp.kp_offsets[i + 1] > kp.kp_offsets[i]) {
            kp.accounts_with_key_person++;
            kp.revenue_with_key_person += r;
        }
    }

    dfs_free(&s);
    free(anchors);
    free(next_pcut);
    *out = kp;
    return LP_OK;

fail:
    dfs_free(&s);
    free(anchors);
    free(next_pcut);
    lp_keyperson_free(&kp);
    return st;
}

typedef struct top_entry {
    double revenue;
    int64_t accounts, row;
} top_entry;

static int top_cmp(const void *x, const void *y)
{
    const top_entry *a = x, *b = y;
    if (a->revenue != b->revenue) return a->revenue > b->revenue ? -1 : 1;
    if (a->accounts != b->accounts) return a->accounts > b->accounts ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

lp_status lp_keyperson_top(int64_t **out_rows, int64_t *out_count, const lp_graph *g,
                           const lp_keyperson *kp, int64_t k)
{
    int64_t c = 0;
    top_entry *e = malloc(((size_t)g->n + 1) * sizeof *e);
    if (!e) return lp_error_nomem("top persons");
    for (int64_t v = 0; v < g->n; v++)
        if ((g->role[v] & LP_ROLE_PERSON) && kp->accounts_at_risk[v] > 0)
            e[c++] = (top_entry){kp->revenue_at_risk[v], kp->accounts_at_risk[v], v};
    qsort(e, (size_t)c, sizeof *e, top_cmp);
    if (c > k) c = k;
    int64_t *rows = malloc(((size_t)c + 1) * sizeof *rows);
    if (!rows) {
        free(e);
        return lp_error_nomem("top persons");
    }
    for (int64_t i = 0; i < c; i++) rows[i] = e[i].row;
    free(e);
    *out_rows = rows;
    *out_count = c;
    return LP_OK;
}
