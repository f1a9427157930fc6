/* keyperson.c — key persons of every account in one low-link pass.
 *
 * Algorithm: Hopcroft–Tarjan articulation points (Hopcroft & Tarjan,
 * "Efficient algorithms for graph manipulation", CACM 16(6), 1973) by the
 * iterative depth-first search of lowlink.c — no recursion, DFS depth
 * reaches millions — on G + R, where the virtual root R (vertex n) is joined
 * to every anchor.
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
 * Cost: O(n + m) for the search and the sums, plus the size of the output
 * for the key-person lists. No per-account search.
 *
 * Parallelism: the search is serial; the per-account extraction (two passes:
 * chain lengths, then fill after a prefix sum) runs under OpenMP on plain
 * arrays. No igraph call anywhere here. All sums run in a fixed serial order,
 * so results do not depend on the thread count.
 */
#include "lp_keyperson.h"
#include "lp_alloc.h"
#include "lp_i_lowlink.h"
#include "lp_i_rank.h"

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
    free(kp->key_persons_offsets);
    free(kp->key_persons);
    free(kp->outer_key_person);
    memset(kp, 0, sizeof *kp);
}

lp_status lp_keyperson_run(lp_keyperson *out, const lp_graph *g)
{
    const int64_t n = g->n;
    const lp_vid R = (lp_vid)n;
    lp_keyperson kp;
    memset(&kp, 0, sizeof kp);
    lp_i_lowlink l;
    lp_status st = lp_i_lowlink_run(&l, &g->csr, g->role);
    if (st) return st;

    size_t n1 = (size_t)n + 1;
    kp.n = n;
    kp.is_articulation = lp_calloc(n1, 1);
    kp.accounts_at_risk = lp_calloc(n1, sizeof *kp.accounts_at_risk);
    kp.revenue_at_risk = lp_calloc(n1, sizeof *kp.revenue_at_risk);
    kp.outer_key_person = lp_malloc(n1 * sizeof *kp.outer_key_person);
    uint8_t *cut_below = lp_calloc(n1, 1);
    int32_t *root_children = lp_calloc(n1, sizeof *root_children);
    int64_t *acc_sub = lp_calloc(n1, sizeof *acc_sub);
    double *rev_sub = lp_calloc(n1, sizeof *rev_sub);
    lp_vid *next_pcut = lp_malloc(n1 * sizeof *next_pcut);
    if (!kp.is_articulation || !kp.accounts_at_risk || !kp.revenue_at_risk ||
        !kp.outer_key_person || !cut_below || !root_children || !acc_sub || !rev_sub ||
        !next_pcut) {
        st = lp_error_nomem("key-person analysis");
        goto done;
    }

    /* Cut vertices: a non-root p with a child v, low[v] >= disc[p]; a root
     * with two or more children. R is a root and is not reported. */
    for (int64_t i = 0; i < l.nv; i++) {
        lp_vid v = l.order[i], p = l.parent[v];
        if (p < 0) continue;
        cut_below[v] = l.low[v] >= l.disc[p];
        if (l.parent[p] < 0)
            root_children[p]++;
        else if (cut_below[v])
            kp.is_articulation[p] = 1;
    }
    for (int64_t v = 0; v < n; v++)
        if (l.parent[v] < 0 && root_children[v] >= 2) kp.is_articulation[v] = 1;

    /* At-risk sums over R's tree, children before parents (reverse preorder). */
    for (int64_t i = l.n_first - 1; i > 0; i--) {
        lp_vid v = l.order[i], p = l.parent[v];
        if (g->role[v] & LP_ROLE_ACCOUNT) {
            acc_sub[v] += 1;
            rev_sub[v] += g->nodes.revenue[v];
        }
        if (cut_below[v] && p != R && (g->role[p] & LP_ROLE_PERSON)) {
            kp.accounts_at_risk[p] += acc_sub[v];
            kp.revenue_at_risk[p] += rev_sub[v];
        }
        acc_sub[p] += acc_sub[v];
        rev_sub[p] += rev_sub[v];
    }

    /* Nearest person separator of every vertex of R's tree, in preorder. */
    next_pcut[R] = -1;
    for (int64_t i = 1; i < l.n_first; i++) {
        lp_vid v = l.order[i], p = l.parent[v];
        next_pcut[v] = (cut_below[v] && p != R && (g->role[p] & LP_ROLE_PERSON)) ? p : next_pcut[p];
    }
    /* The outermost of them (the end of the chain): next_pcut[v] comes
     * earlier in preorder, so its own is known. -2 outside R's tree. */
    for (int64_t v = 0; v < n; v++)
        kp.outer_key_person[v] = -2;
    for (int64_t i = 1; i < l.n_first; i++) {
        lp_vid v = l.order[i], c = next_pcut[v];
        kp.outer_key_person[v] = c < 0                        ? -1
                                 : kp.outer_key_person[c] < 0 ? c
                                                              : kp.outer_key_person[c];
    }

    /* Accounts, input order. A vertex is in R's tree iff its discovery time
     * (= its place in the preorder) is below n_first. */
    kp.n_accounts = g->n_account;
    int64_t na = kp.n_accounts;
    kp.account_node = lp_malloc(((size_t)na + 1) * sizeof *kp.account_node);
    kp.account_revenue = lp_malloc(((size_t)na + 1) * sizeof *kp.account_revenue);
    kp.account_connected = lp_malloc((size_t)na + 1);
    kp.key_persons_offsets = lp_malloc(((size_t)na + 1) * sizeof *kp.key_persons_offsets);
    if (!kp.account_node || !kp.account_revenue || !kp.account_connected ||
        !kp.key_persons_offsets) {
        st = lp_error_nomem("account table");
        goto done;
    }
    int64_t a = 0;
    for (lp_vid v = 0; v < R; v++) {
        if (!(g->role[v] & LP_ROLE_ACCOUNT)) continue;
        kp.account_node[a] = v;
        kp.account_revenue[a] = g->nodes.revenue[v];
        kp.account_connected[a] = l.disc[v] < l.n_first;
        a++;
    }

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
        int64_t k = kp.key_persons_offsets[i];
        if (kp.account_connected[i])
            for (lp_vid x = next_pcut[kp.account_node[i]]; x >= 0; x = next_pcut[x])
                kp.key_persons[k++] = x;
    }

    for (int64_t v = 0; v < n; v++)
        kp.n_articulation += kp.is_articulation[v];
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
    lp_i_lowlink_free(&l);
    free(cut_below);
    free(root_children);
    free(acc_sub);
    free(rev_sub);
    free(next_pcut);
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
    int64_t c = 0;
    lp_i_ranked *e = lp_malloc(((size_t)g->n + 1) * sizeof *e);
    if (!e) return lp_error_nomem("top persons");
    for (lp_vid v = 0; v < g->n; v++)
        if ((g->role[v] & LP_ROLE_PERSON) && kp->accounts_at_risk[v] > 0)
            e[c++] = (lp_i_ranked){
                .value = kp->revenue_at_risk[v], .tie = kp->accounts_at_risk[v], .row = v};
    lp_status st = lp_i_top_rows(out_rows, out_count, e, c, k);
    free(e);
    return st;
}
