/* lowlink.c — iterative Hopcroft–Tarjan depth-first search (see
 * lp_i_lowlink.h). An explicit stack of (vertex, next adjacency position)
 * replaces recursion: DFS depth reaches millions on path-like graphs. */
#include "lp_i_lowlink.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

void lp_i_lowlink_free(lp_i_lowlink *l)
{
    if (!l) return;
    free(l->disc);
    free(l->low);
    free(l->parent);
    free(l->order);
    memset(l, 0, sizeof *l);
}

typedef struct search {
    const lp_csr *c;
    const uint8_t *role;
    lp_vid R;
    const lp_vid *anchors;
    int64_t n_anchors;
    int64_t *it;
    lp_vid *stack;
    int32_t clock;
    int64_t n_order;
} search;

static void search_from(lp_i_lowlink *l, search *s, lp_vid r)
{
    const lp_csr *c = s->c;
    int64_t top = 0;
    l->disc[r] = l->low[r] = s->clock++;
    l->parent[r] = -1;
    s->it[r] = r == s->R ? 0 : c->offset[r];
    s->stack[top++] = r;
    l->order[s->n_order++] = r;
    while (top > 0) {
        lp_vid v = s->stack[top - 1];
        lp_vid w = -1;
        if (v == s->R) {
            if (s->it[v] < s->n_anchors) w = s->anchors[s->it[v]++];
        } else if (s->it[v] < c->offset[v + 1]) {
            w = c->adj[s->it[v]++];
        }
        if (w >= 0) {
            if (l->disc[w] < 0) {
                l->parent[w] = v;
                l->disc[w] = l->low[w] = s->clock++;
                /* An anchor met from inside the graph still has its edge to R
                 * (disc 0): a back edge. */
                if (s->role && (s->role[w] & LP_ROLE_ANCHOR) && v != s->R) l->low[w] = 0;
                s->it[w] = c->offset[w];
                s->stack[top++] = w;
                l->order[s->n_order++] = w;
            } else if (w != l->parent[v] && l->disc[w] < l->low[v]) {
                l->low[v] = l->disc[w];
            }
            continue;
        }
        top--; /* v is finished */
        lp_vid p = l->parent[v];
        if (p >= 0 && l->low[v] < l->low[p]) l->low[p] = l->low[v];
    }
}

lp_status lp_i_lowlink_run(lp_i_lowlink *out, const lp_csr *c, const uint8_t *role)
{
    const lp_vid n = c->n;
    const int64_t nv = (int64_t)n + (role ? 1 : 0);
    if (nv > LP_VID_MAX) return lp_error_set(LP_EINPUT, "graph too large for 32-bit ids");
    size_t sz = (size_t)nv + 1;
    lp_i_lowlink l = {.nv = nv,
                      .disc = lp_malloc(sz * sizeof(int32_t)),
                      .low = lp_malloc(sz * sizeof(int32_t)),
                      .parent = lp_malloc(sz * sizeof(lp_vid)),
                      .order = lp_malloc(sz * sizeof(lp_vid))};
    search s = {.c = c,
                .role = role,
                .R = role ? n : -1,
                .it = lp_malloc(sz * sizeof(int64_t)),
                .stack = lp_malloc(sz * sizeof(lp_vid))};
    lp_vid *anchors = lp_calloc(sz, sizeof *anchors);
    if (!l.disc || !l.low || !l.parent || !l.order || !s.it || !s.stack || !anchors) {
        free(s.it);
        free(s.stack);
        free(anchors);
        lp_i_lowlink_free(&l);
        return lp_error_nomem("depth-first search");
    }
    for (lp_vid v = 0; v < n; v++)
        if (role && (role[v] & LP_ROLE_ANCHOR)) anchors[s.n_anchors++] = v;
    s.anchors = anchors;
    for (int64_t v = 0; v < nv; v++)
        l.disc[v] = -1;

    if (role) {
        search_from(&l, &s, n);
        l.n_first = s.n_order;
    }
    for (lp_vid v = 0; v < n; v++) {
        if (l.disc[v] >= 0) continue;
        search_from(&l, &s, v);
        if (!role && v == 0) l.n_first = s.n_order;
    }
    free(s.it);
    free(s.stack);
    free(anchors);
    *out = l;
    return LP_OK;
}
