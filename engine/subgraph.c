/* subgraph.c — neighbourhoods, account pictures and their layout
 * (lp_subgraph.h). Serial; igraph is called outside any OpenMP region. */
#include "lp_subgraph.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

void lp_subgraph_free(lp_subgraph *s)
{
    if (!s) return;
    free(s->node);
    free(s->from);
    free(s->to);
    free(s->weight);
    memset(s, 0, sizeof *s);
}

static int cmp_vid(const void *a, const void *b)
{
    lp_vid x = *(const lp_vid *)a, y = *(const lp_vid *)b;
    return (x > y) - (x < y);
}

/* The edges among node[0..n) (pos[v] = index of v in node, -1 otherwise),
 * each once (from the endpoint listed first), in node order then CSR order. */
static lp_status induced_edges(lp_subgraph *s, const lp_csr *c, const int32_t *pos)
{
    int64_t m = 0, cap = 16;
    s->from = lp_malloc((size_t)cap * sizeof *s->from);
    s->to = lp_malloc((size_t)cap * sizeof *s->to);
    s->weight = lp_malloc((size_t)cap * sizeof *s->weight);
    if (!s->from || !s->to || !s->weight) return lp_error_nomem("subgraph");
    for (int64_t i = 0; i < s->n; i++) {
        lp_vid u = s->node[i];
        for (int64_t k = c->offset[u]; k < c->offset[u + 1]; k++) {
            int32_t j = pos[c->adj[k]];
            if (j < 0 || j <= i) continue;
            if (m == cap) {
                cap *= 2;
                int64_t *f = lp_realloc(s->from, (size_t)cap * sizeof *f);
                if (f) s->from = f;
                int64_t *t = lp_realloc(s->to, (size_t)cap * sizeof *t);
                if (t) s->to = t;
                double *w = lp_realloc(s->weight, (size_t)cap * sizeof *w);
                if (w) s->weight = w;
                if (!f || !t || !w) return lp_error_nomem("subgraph");
            }
            s->from[m] = i;
            s->to[m] = j;
            s->weight[m] = c->weight[k];
            m++;
        }
    }
    s->m = m;
    return LP_OK;
}

lp_status lp_neighbourhood(lp_subgraph *out, const lp_graph *g, const lp_vid *seeds, int64_t k,
                           int hops)
{
    const lp_csr *c = &g->csr;
    lp_subgraph s;
    memset(&s, 0, sizeof s);
    int32_t *dist = lp_malloc(((size_t)c->n + 1) * sizeof *dist);
    lp_vid *queue = lp_malloc(((size_t)c->n + 1) * sizeof *queue);
    if (!dist || !queue) {
        free(dist);
        free(queue);
        return lp_error_nomem("neighbourhood");
    }
    memset(dist, 0xff, (size_t)c->n * sizeof *dist); /* -1 */
    int64_t head = 0, tail = 0;
    for (int64_t i = 0; i < k; i++)
        if (dist[seeds[i]] < 0) {
            dist[seeds[i]] = 0;
            queue[tail++] = seeds[i];
        }
    while (head < tail) {
        lp_vid u = queue[head++];
        if (dist[u] >= hops) continue;
        for (int64_t a = c->offset[u]; a < c->offset[u + 1]; a++)
            if (dist[c->adj[a]] < 0) {
                dist[c->adj[a]] = dist[u] + 1;
                queue[tail++] = c->adj[a];
            }
    }
    lp_status st = LP_OK;
    s.n = tail;
    s.node = lp_malloc(((size_t)tail + 1) * sizeof *s.node);
    if (!s.node) {
        st = lp_error_nomem("neighbourhood");
        goto done;
    }
    memcpy(s.node, queue, (size_t)tail * sizeof *s.node);
    qsort(s.node, (size_t)tail, sizeof *s.node, cmp_vid);
    for (int64_t i = 0; i < tail; i++)
        dist[queue[i]] = -1; /* reuse as the position map */
    memset(dist, 0xff, (size_t)c->n * sizeof *dist);
    for (int64_t i = 0; i < tail; i++)
        dist[s.node[i]] = (int32_t)i;
    st = induced_edges(&s, c, dist);
done:
    free(dist);
    free(queue);
    if (st) {
        lp_subgraph_free(&s);
        return st;
    }
    *out = s;
    return LP_OK;
}

/* ---- account pictures --------------------------------------------------- */

typedef struct pic {
    lp_vid *node;
    int *kind;
    int64_t n, cap;
    int32_t *pos; /* [g->n] index in node or -1 */
} pic;

static int pic_add(pic *p, lp_vid v, int kind)
{
    if (p->pos[v] >= 0) {
        if (kind == LP_PIC_KEY) p->kind[p->pos[v]] = LP_PIC_KEY;
        return 0;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        lp_vid *nn = lp_realloc(p->node, (size_t)p->cap * sizeof *nn);
        if (nn) p->node = nn;
        int *nk = lp_realloc(p->kind, (size_t)p->cap * sizeof *nk);
        if (nk) p->kind = nk;
        if (!nn || !nk) return -1;
    }
    p->pos[v] = (int32_t)p->n;
    p->node[p->n] = v;
    p->kind[p->n] = kind;
    p->n++;
    return 0;
}

static int kind_of(const lp_graph *g, lp_vid v)
{
    uint8_t r = g->role ? g->role[v] : 0;
    if (r & LP_ROLE_ANCHOR) return LP_PIC_ANCHOR;
    if (r & LP_ROLE_PERSON) return LP_PIC_PERSON;
    if (r & LP_ROLE_ACCOUNT) return LP_PIC_OTHER;
    return LP_PIC_OTHER;
}

/* Append one shortest path from the account to an anchor (parents by
 * breadth-first search in CSR order). */
static int path_to_anchor(pic *p, const lp_graph *g, lp_vid account)
{
    const lp_csr *c = &g->csr;
    lp_vid *parent = lp_malloc(((size_t)c->n + 1) * sizeof *parent);
    lp_vid *queue = lp_malloc(((size_t)c->n + 1) * sizeof *queue);
    if (!parent || !queue) {
        free(parent);
        free(queue);
        return -1;
    }
    memset(parent, 0xff, (size_t)c->n * sizeof *parent);
    int64_t head = 0, tail = 0;
    parent[account] = account;
    queue[tail++] = account;
    lp_vid found = -1;
    while (head < tail && found < 0) {
        lp_vid u = queue[head++];
        if (g->role && (g->role[u] & LP_ROLE_ANCHOR)) {
            found = u;
            break;
        }
        for (int64_t a = c->offset[u]; a < c->offset[u + 1]; a++)
            if (parent[c->adj[a]] < 0) {
                parent[c->adj[a]] = u;
                queue[tail++] = c->adj[a];
            }
    }
    int rc = 0;
    for (lp_vid v = found; v >= 0 && v != account && !rc; v = parent[v])
        rc = pic_add(p, v, kind_of(g, v));
    free(parent);
    free(queue);
    return rc;
}

lp_status lp_account_picture(lp_subgraph *out, int **kind, const lp_graph *g, lp_vid account,
                             const lp_vid *key, int64_t nk, int max_contacts, int max_persons)
{
    const lp_csr *c = &g->csr;
    pic p;
    memset(&p, 0, sizeof p);
    lp_subgraph s;
    memset(&s, 0, sizeof s);
    lp_status st = LP_OK;
    p.pos = lp_malloc(((size_t)c->n + 1) * sizeof *p.pos);
    if (!p.pos) return lp_error_nomem("picture");
    memset(p.pos, 0xff, (size_t)c->n * sizeof *p.pos);
    int bad = pic_add(&p, account, LP_PIC_ACCOUNT);
    for (int64_t i = 0; i < nk && !bad; i++)
        bad = pic_add(&p, key[i], LP_PIC_KEY);
    int contacts = 0, persons = 0;
    for (int64_t a = c->offset[account]; a < c->offset[account + 1] && !bad; a++) {
        lp_vid v = c->adj[a];
        int k = kind_of(g, v);
        if (k == LP_PIC_OTHER) {
            if (contacts >= max_contacts) continue;
            contacts++;
            k = LP_PIC_CONTACT;
        }
        bad = pic_add(&p, v, k);
    }
    /* persons tied to the contacts */
    for (int64_t i = 0; i < p.n && !bad && persons < max_persons; i++) {
        if (p.kind[i] != LP_PIC_CONTACT) continue;
        lp_vid u = p.node[i];
        for (int64_t a = c->offset[u]; a < c->offset[u + 1] && persons < max_persons && !bad; a++) {
            lp_vid v = c->adj[a];
            if (kind_of(g, v) != LP_PIC_PERSON || p.pos[v] >= 0) continue;
            persons++;
            bad = pic_add(&p, v, LP_PIC_PERSON);
        }
    }
    if (!bad) bad = path_to_anchor(&p, g, account);
    if (bad) {
        st = lp_error_nomem("picture");
        goto done;
    }
    s.n = p.n;
    s.node = p.node;
    p.node = NULL;
    st = induced_edges(&s, c, p.pos);
done:
    free(p.pos);
    free(p.node);
    if (st) {
        free(p.kind);
        lp_subgraph_free(&s);
        return st;
    }
    *kind = p.kind;
    *out = s;
    return LP_OK;
}

lp_status lp_subgraph_layout(const lp_subgraph *s, double *x, double *y)
{
    if (s->n == 0) return LP_OK;
    if (s->n == 1) {
        x[0] = y[0] = 0;
        return LP_OK;
    }
    igraph_t ig;
    igraph_vector_int_t edges;
    igraph_matrix_t res;
    if (igraph_vector_int_init(&edges, 2 * s->m)) return lp_error_nomem("layout");
    for (int64_t e = 0; e < s->m; e++) {
        VECTOR(edges)[2 * e] = s->from[e];
        VECTOR(edges)[2 * e + 1] = s->to[e];
    }
    lp_status st = LP_OK;
    if (igraph_create(&ig, &edges, s->n, IGRAPH_UNDIRECTED)) {
        igraph_vector_int_destroy(&edges);
        return lp_error_set(LP_EINTERNAL, "layout: cannot build the igraph graph");
    }
    if (igraph_matrix_init(&res, s->n, 2)) {
        st = lp_error_nomem("layout");
    } else {
        /* use_seed = 0: Kamada-Kawai starts from igraph's circle layout,
         * no random numbers, so the same subgraph gives the same picture. */
        if (igraph_layout_kamada_kawai(&ig, &res, 0, 50 * (igraph_integer_t)s->n, 0,
                                       (igraph_real_t)s->n, NULL, NULL, NULL, NULL, NULL))
            st = lp_error_set(LP_EINTERNAL, "layout: igraph_layout_kamada_kawai failed");
        for (int64_t i = 0; !st && i < s->n; i++) {
            x[i] = MATRIX(res, i, 0);
            y[i] = MATRIX(res, i, 1);
        }
        igraph_matrix_destroy(&res);
    }
    igraph_destroy(&ig);
    igraph_vector_int_destroy(&edges);
    return st;
}
