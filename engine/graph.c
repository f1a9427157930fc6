/* graph.c — the graph model: string tables, node/edge lists as read, and
 * lp_graph_build, which turns them into the simple undirected graph.
 *
 * Merging duplicates in O(n + m): edges are oriented (smaller endpoint
 * first) and put in lexicographic order by a two-pass LSD counting sort
 * (by larger endpoint, then stably by smaller endpoint); equal neighbours
 * are then adjacent and merged in one scan (weights summed). The CSR
 * snapshot is filled from the sorted list, which leaves every neighbour list
 * ascending without a further sort.
 */
#include "lp_graph.h"

#include "lp_i_mem.h"

#include <stdlib.h>
#include <string.h>

/* ---- growable arrays -------------------------------------------------- */

static int lp_i_grow(void **p, int64_t *cap, int64_t need, size_t elem)
{
    if (need <= *cap) return 0;
    int64_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *q = realloc(*p, (size_t)nc * elem);
    if (!q) return -1;
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
    free(nodes->type);
    free(nodes->revenue);
    memset(nodes, 0, sizeof *nodes);
}

lp_status lp_edges_push(lp_edges *edges, lp_vid src, lp_vid dst, double weight)
{
    if (edges->m + 1 > edges->cap) {
        int64_t c1 = edges->cap, c2 = edges->cap, c3 = edges->cap;
        if (lp_i_grow((void **)&edges->src, &c1, edges->m + 1, sizeof *edges->src) ||
            lp_i_grow((void **)&edges->dst, &c2, edges->m + 1, sizeof *edges->dst) ||
            lp_i_grow((void **)&edges->weight, &c3, edges->m + 1, sizeof *edges->weight)) {
            int64_t c = c1 < c2 ? c1 : c2;
            edges->cap = c < c3 ? c : c3;
            return lp_error_nomem("edge list");
        }
        edges->cap = c1;
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
    memset(edges, 0, sizeof *edges);
}

/* ---- build ------------------------------------------------------------ */

static lp_status check_edges(const lp_edges *e, int64_t n)
{
    for (int64_t k = 0; k < e->m; k++) {
        if (e->src[k] < 0 || e->src[k] >= n || e->dst[k] < 0 || e->dst[k] >= n)
            return lp_error_set(LP_EINTERNAL, "edge %lld names node row out of range",
                                (long long)k);
        if (!(e->weight[k] > 0) || e->weight[k] > 1.7976931348623157e308)
            return lp_error_set(LP_EINTERNAL, "edge %lld has a non-positive weight", (long long)k);
    }
    return LP_OK;
}

/* Stable counting sort of idx[0..m) by key[idx[k]] in [0, n); result in out. */
static void counting_sort(int64_t *out, const int64_t *idx, const lp_vid *key, int64_t m, int64_t n,
                          int64_t *count /* [n+1] scratch */)
{
    memset(count, 0, (size_t)(n + 1) * sizeof *count);
    for (int64_t k = 0; k < m; k++)
        count[key[idx[k]] + 1]++;
    for (int64_t v = 0; v < n; v++)
        count[v + 1] += count[v];
    for (int64_t k = 0; k < m; k++)
        out[count[key[idx[k]]]++] = idx[k];
}

static lp_status build_csr(lp_csr *csr, int64_t n, int64_t m, const lp_vid *eu, const lp_vid *ev,
                           const double *ew)
{
    csr->n = (lp_vid)n;
    csr->m = m;
    /* huge pages where the kernel allows: the kernels' accesses are random */
    csr->offset = lp_i_alloc_big(((size_t)n + 1) * sizeof *csr->offset, 1);
    csr->adj = lp_i_alloc_big((size_t)(2 * m + 1) * sizeof *csr->adj, 0);
    csr->weight = lp_i_alloc_big((size_t)(2 * m + 1) * sizeof *csr->weight, 0);
    int64_t *pos = malloc((size_t)(n + 1) * sizeof *pos);
    if (!csr->offset || !csr->adj || !csr->weight || !pos) {
        free(pos);
        return lp_error_nomem("CSR snapshot");
    }
    for (int64_t k = 0; k < m; k++) {
        csr->offset[eu[k] + 1]++;
        csr->offset[ev[k] + 1]++;
    }
    for (int64_t v = 0; v < n; v++)
        csr->offset[v + 1] += csr->offset[v];
    memcpy(pos, csr->offset, (size_t)(n + 1) * sizeof *pos);
    /* Edges arrive sorted by (u, v), u < v: every list ends up ascending. */
    for (int64_t k = 0; k < m; k++) {
        int64_t a = pos[eu[k]]++, b = pos[ev[k]]++;
        csr->adj[a] = ev[k];
        csr->weight[a] = ew[k];
        csr->adj[b] = eu[k];
        csr->weight[b] = ew[k];
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

lp_status lp_graph_build(lp_graph *out, lp_nodes *nodes, lp_edges *edges)
{
    lp_status st = LP_OK;
    lp_graph g;
    memset(&g, 0, sizeof g);
    int64_t n = nodes->id.count;
    int64_t *idx = NULL, *tmp = NULL, *count = NULL;
    lp_vid *eu = NULL, *ev = NULL;
    double *ew = NULL;
    igraph_vector_int_t iedges;
    int have_iedges = 0;

    /* igraph's default handler aborts; we turn its errors into statuses. */
    igraph_set_error_handler(igraph_error_handler_ignore);

    if (n > LP_VID_MAX) {
        st = lp_error_set(LP_EINPUT, "%lld nodes: more than the %d supported", (long long)n,
                          LP_VID_MAX);
        goto done;
    }
    if ((st = check_edges(edges, n))) goto done;

    /* Orient and drop self-loops. */
    int64_t m0 = 0;
    idx = calloc((size_t)edges->m + 1,
                 sizeof *idx); /* calloc: gcc -O2 cannot see all m0 entries get written */
    tmp = malloc((size_t)(edges->m + 1) * sizeof *tmp);
    count = malloc((size_t)(n + 1) * sizeof *count);
    if (!idx || !tmp || !count) {
        st = lp_error_nomem("edge sort");
        goto done;
    }
    for (int64_t k = 0; k < edges->m; k++) {
        lp_vid s = edges->src[k], t = edges->dst[k];
        if (s == t) {
            g.dropped_self_loops++;
            continue;
        }
        if (s > t) {
            edges->src[k] = t;
            edges->dst[k] = s;
        }
        idx[m0++] = k;
    }
    counting_sort(tmp, idx, edges->dst, m0, n, count);
    counting_sort(idx, tmp, edges->src, m0, n, count);
    free(tmp);
    tmp = NULL;
    free(count);
    count = NULL;

    /* Merge equal neighbours (now adjacent); first occurrence keeps its place. */
    eu = malloc((size_t)(m0 + 1) * sizeof *eu);
    ev = malloc((size_t)(m0 + 1) * sizeof *ev);
    ew = malloc((size_t)(m0 + 1) * sizeof *ew);
    if (!eu || !ev || !ew) {
        st = lp_error_nomem("edge merge");
        goto done;
    }
    int64_t m = 0;
    for (int64_t j = 0; j < m0; j++) {
        int64_t k = idx[j];
        if (m > 0 && eu[m - 1] == edges->src[k] && ev[m - 1] == edges->dst[k]) {
            ew[m - 1] += edges->weight[k];
            g.merged_duplicates++;
            continue;
        }
        eu[m] = edges->src[k];
        ev[m] = edges->dst[k];
        ew[m] = edges->weight[k];
        m++;
    }
    free(idx);
    idx = NULL;
    lp_edges_free(edges);

    /* igraph copy of the simple graph. */
    if (igraph_vector_int_init(&iedges, 2 * m)) {
        st = lp_error_nomem("igraph edge vector");
        goto done;
    }
    have_iedges = 1;
    for (int64_t k = 0; k < m; k++) {
        VECTOR(iedges)[2 * k] = eu[k];
        VECTOR(iedges)[2 * k + 1] = ev[k];
    }
    if (igraph_create(&g.ig, &iedges, (igraph_integer_t)n, IGRAPH_UNDIRECTED)) {
        st = lp_error_set(LP_EINTERNAL, "igraph_create failed");
        goto done;
    }
    if (igraph_vector_init(&g.ig_weight, m)) {
        igraph_destroy(&g.ig);
        st = lp_error_nomem("igraph weights");
        goto done;
    }
    for (int64_t k = 0; k < m; k++)
        VECTOR(g.ig_weight)[k] = ew[k];
    g.has_ig = 1;

    if ((st = build_csr(&g.csr, n, m, eu, ev, ew))) goto done;
    g.role = lp_i_alloc_big((size_t)n + 1, 1);
    if (!g.role) {
        st = lp_error_nomem("roles");
        goto done;
    }
    g.n = n;
    g.m = m;
    g.nodes = *nodes;
    memset(nodes, 0, sizeof *nodes);

done:
    if (have_iedges) igraph_vector_int_destroy(&iedges);
    free(idx);
    free(tmp);
    free(count);
    free(eu);
    free(ev);
    free(ew);
    lp_edges_free(edges);
    if (st) {
        if (g.has_ig) {
            igraph_destroy(&g.ig);
            igraph_vector_destroy(&g.ig_weight);
        }
        csr_free(&g.csr);
        free(g.role);
        return st;
    }
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
    csr_free(&g->csr);
    lp_nodes_free(&g->nodes);
    free(g->role);
    memset(g, 0, sizeof *g);
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

/* OR `flag` into flags[type] for every type named in the comma list. */
static lp_status apply_list(uint8_t *flags, const lp_graph *g, const char *list, uint8_t flag,
                            const char *option)
{
    if (!list || !*list) return lp_error_set(LP_EUSAGE, "--%s: empty type list", option);
    const char *p = list;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0) return lp_error_set(LP_EUSAGE, "--%s: empty item in \"%s\"", option, list);
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
    uint8_t *flags = calloc((size_t)nt + 1, 1);
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
