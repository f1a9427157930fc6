/* addties.c — the effect of new ties (and departures) on every account's
 * bus factor (lp_addties.h).
 *
 * Method: build the edited graph's CSR once — every arc of g except those
 * touching a leaver, plus both arcs of every new tie not already an edge,
 * each node's neighbours kept ascending — and run the bus-factor kernel
 * (lp_bus_factor: at most cap augmenting paths per account on the node-split
 * graph) over the same account list, then compare account by account. A
 * new tie is weight 1 (bus factor does not read weights). O(n + m) for the
 * edit plus one bus-factor pass. The comparison runs serially in account
 * order, so the lists and revenue sums do not depend on the thread count.
 */
#include "lp_addties.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

#include "lp_busfactor.h"

void lp_addties_result_free(lp_addties_result *r)
{
    if (!r) return;
    free(r->bus_factor_after);
    free(r->raised);
    free(r->lost);
    free(r->newly);
    memset(r, 0, sizeof *r);
}

static int cmp_tie(const void *x, const void *y)
{
    const lp_tie *a = x, *b = y;
    if (a->person != b->person) return a->person < b->person ? -1 : 1;
    return (a->account > b->account) - (a->account < b->account);
}

/* Is v adjacent to w in c (neighbours ascending)? */
static int adjacent(const lp_csr *c, lp_vid v, lp_vid w)
{
    int64_t lo = c->offset[v], hi = c->offset[v + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (c->adj[mid] == w) return 1;
        if (c->adj[mid] < w)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The edited CSR: arcs of c minus those at gone nodes, plus the arcs in
 * extra[0..n_extra) (as (from, to) pairs sorted by from, then to). */
static lp_status edit_csr(lp_csr *out, const lp_csr *c, const uint8_t *gone, const lp_tie *extra,
                          int64_t n_extra)
{
    lp_vid n = c->n;
    lp_csr e = {.n = n};
    e.offset = lp_calloc((size_t)n + 1, sizeof *e.offset);
    if (!e.offset) return lp_error_nomem("edited graph");
    for (lp_vid v = 0; v < n; v++) {
        int64_t keep = 0;
        if (!gone[v])
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
                keep += !gone[c->adj[k]];
        e.offset[v + 1] = keep;
    }
    for (int64_t j = 0; j < n_extra; j++)
        e.offset[extra[j].person + 1]++;
    for (lp_vid v = 0; v < n; v++)
        e.offset[v + 1] += e.offset[v];
    int64_t arcs = e.offset[n];
    e.m = arcs / 2;
    e.adj = lp_malloc(((size_t)arcs + 1) * sizeof *e.adj);
    e.weight = lp_malloc(((size_t)arcs + 1) * sizeof *e.weight);
    if (!e.adj || !e.weight) {
        free(e.offset);
        free(e.adj);
        free(e.weight);
        return lp_error_nomem("edited graph");
    }
    int64_t x = 0; /* next extra arc */
    for (lp_vid v = 0; v < n; v++) {
        int64_t o = e.offset[v], k = c->offset[v], end = gone[v] ? k : c->offset[v + 1];
        while (x < n_extra && extra[x].person < v)
            x++;
        /* merge the kept arcs and v's extra arcs, both ascending */
        for (;;) {
            while (k < end && gone[c->adj[k]])
                k++;
            int have_old = k < end, have_new = x < n_extra && extra[x].person == v;
            if (!have_old && !have_new) break;
            if (have_new && (!have_old || extra[x].account < c->adj[k])) {
                e.adj[o] = extra[x].account;
                e.weight[o++] = 1.0;
                x++;
            } else {
                e.adj[o] = c->adj[k];
                e.weight[o++] = c->weight[k];
                k++;
            }
        }
    }
    *out = e;
    return LP_OK;
}

lp_status lp_addties_run(lp_addties_result *out, const lp_graph *g, const lp_keyperson *kp,
                         const int32_t *bus_factor, int32_t cap, const lp_tie *ties, int64_t n_ties,
                         const lp_vid *leave, int64_t n_leave)
{
    const lp_csr *c = &g->csr;
    lp_vid n = c->n;
    int64_t na = kp->n_accounts;
    for (int64_t j = 0; j < n_ties; j++)
        if (ties[j].person < 0 || ties[j].person >= n || ties[j].account < 0 ||
            ties[j].account >= n || !(g->role[ties[j].person] & LP_ROLE_PERSON) ||
            !(g->role[ties[j].account] & LP_ROLE_ACCOUNT) || ties[j].person == ties[j].account)
            return lp_error_set(
                LP_EINTERNAL, "added tie %lld does not join a person and an account", (long long)j);
    for (int64_t j = 0; j < n_leave; j++)
        if (leave[j] < 0 || leave[j] >= n || !(g->role[leave[j]] & LP_ROLE_PERSON))
            return lp_error_set(LP_EINTERNAL, "leaver %lld is not a person", (long long)j);

    lp_addties_result r;
    memset(&r, 0, sizeof r);
    lp_status st = LP_OK;
    uint8_t *gone = lp_calloc((size_t)n + 1, 1);
    lp_tie *extra = lp_malloc((2 * (size_t)n_ties + 1) * sizeof *extra);
    lp_csr e = {0};
    if (!gone || !extra) {
        st = lp_error_nomem("added ties");
        goto done;
    }
    for (int64_t j = 0; j < n_leave; j++)
        gone[leave[j]] = 1;
    /* both arcs of every new tie that is not an edge yet, no duplicates */
    int64_t nx = 0;
    for (int64_t j = 0; j < n_ties; j++) {
        lp_vid p = ties[j].person, a = ties[j].account;
        if (gone[p] || gone[a] || adjacent(c, p, a)) continue;
        extra[nx++] = (lp_tie){.person = p, .account = a};
        extra[nx++] = (lp_tie){.person = a, .account = p};
    }
    qsort(extra, (size_t)nx, sizeof *extra, cmp_tie);
    int64_t u = 0;
    for (int64_t j = 0; j < nx; j++)
        if (u == 0 || cmp_tie(&extra[u - 1], &extra[j])) extra[u++] = extra[j];
    if ((st = edit_csr(&e, c, gone, extra, u))) goto done;

    lp_graph h = *g; /* the same nodes and roles over the edited CSR */
    h.csr = e;
    h.m = e.m;
    h.has_ig = 0;
    r.bus_factor_after = lp_malloc(((size_t)na + 1) * sizeof *r.bus_factor_after);
    r.raised = lp_malloc(((size_t)na + 1) * sizeof *r.raised);
    r.lost = lp_malloc(((size_t)na + 1) * sizeof *r.lost);
    r.newly = lp_malloc(((size_t)na + 1) * sizeof *r.newly);
    if (!r.bus_factor_after || !r.raised || !r.lost || !r.newly) {
        st = lp_error_nomem("added ties");
        goto done;
    }
    if ((st = lp_bus_factor(r.bus_factor_after, &h, kp->account_node, na, cap))) goto done;
    for (int64_t i = 0; i < na; i++) {
        int32_t before = bus_factor[i], after = r.bus_factor_after[i];
        double rev = kp->account_revenue[i];
        if (after > before) {
            r.raised[r.n_raised++] = i;
            r.raised_revenue += rev;
        }
        if (before >= 1 && after == 0) {
            r.lost[r.n_lost++] = i;
            r.lost_revenue += rev;
        }
        if (before >= 2 && after == 1) {
            r.newly[r.n_newly++] = i;
            r.newly_revenue += rev;
        }
    }

done:
    free(gone);
    free(extra);
    free(e.offset);
    free(e.adj);
    free(e.weight);
    if (st) {
        lp_addties_result_free(&r);
        return st;
    }
    *out = r;
    return LP_OK;
}
