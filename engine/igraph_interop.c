/* igraph_interop.c — see lp_igraph.h. */
#include "lp_igraph.h"
#include "lp_alloc.h"
#include "lp_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string and the vertex it belongs to, for sorting. */
typedef struct keyed {
    const char *s;
    int64_t v;
} keyed;

static int by_string_then_vertex(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int c = strcmp(a->s, b->s);
    if (c) return c;
    return (a->v > b->v) - (a->v < b->v);
}

static lp_status check_length(const char *what, igraph_integer_t have, igraph_integer_t want)
{
    if (have == want) return LP_OK;
    return lp_error_set(LP_EINPUT, "igraph graph: the %s vector has %lld entries, not %lld", what,
                        (long long)have, (long long)want);
}

/* The string of vertex v: one of the vector's, or v in decimal (buf). */
static const char *vertex_string(const igraph_strvector_t *sv, int64_t v, char *buf, size_t cap)
{
    if (sv) return igraph_strvector_get(sv, v);
    snprintf(buf, cap, "%lld", (long long)v);
    return buf;
}

/* Every string non-empty (when required) and valid UTF-8. */
static lp_status check_strings(const igraph_strvector_t *sv, int64_t n, const char *what,
                               int need_text)
{
    for (int64_t v = 0; v < n; v++) {
        const char *s = igraph_strvector_get(sv, v);
        size_t len = strlen(s);
        if (need_text && len == 0)
            return lp_error_set(LP_EINPUT, "igraph vertex %lld: empty %s", (long long)v, what);
        if (!lp_text_utf8_valid(s, len)) {
            char m[LP_TEXT_MSG_CAP];
            return lp_error_set(LP_EINPUT, "igraph vertex %lld: %s \"%s\" is not valid UTF-8",
                                (long long)v, what, lp_text_msg(m, sizeof m, s, len));
        }
    }
    return LP_OK;
}

/* The ids are unique: sorted, equal neighbours name the first duplicate
 * (the pair with the smallest id in byte order). ids NULL: decimal, unique. */
static lp_status check_unique_ids(const igraph_strvector_t *ids, int64_t n)
{
    if (!ids || n < 2) return LP_OK;
    keyed *k = lp_malloc((size_t)n * sizeof *k);
    if (!k) return lp_error_nomem("igraph ids");
    for (int64_t v = 0; v < n; v++)
        k[v] = (keyed){.s = igraph_strvector_get(ids, v), .v = v};
    qsort(k, (size_t)n, sizeof *k, by_string_then_vertex);
    lp_status st = LP_OK;
    for (int64_t i = 1; i < n && !st; i++)
        if (!strcmp(k[i - 1].s, k[i].s)) {
            char m[LP_TEXT_MSG_CAP];
            st = lp_error_set(LP_EINPUT, "igraph vertices %lld and %lld have the same id \"%s\"",
                              (long long)k[i - 1].v, (long long)k[i].v,
                              lp_text_msg(m, sizeof m, k[i].s, strlen(k[i].s)));
        }
    free(k);
    return st;
}

/* type_of[v] = index of vertex v's type in nodes->type_name, which gets the
 * distinct types in first-seen order (as a reader would make them). */
static lp_status intern_types(lp_nodes *nodes, int32_t *type_of, const igraph_strvector_t *types,
                              int64_t n)
{
    keyed *k = lp_malloc(((size_t)n + 1) * sizeof *k);
    int64_t *first = lp_malloc(((size_t)n + 1) * sizeof *first); /* group -> first vertex */
    int64_t *group_of = lp_malloc(((size_t)n + 1) * sizeof *group_of);
    lp_status st = LP_OK;
    if (!k || !first || !group_of) {
        st = lp_error_nomem("igraph types");
        goto done;
    }
    for (int64_t v = 0; v < n; v++)
        k[v] = (keyed){.s = igraph_strvector_get(types, v), .v = v};
    qsort(k, (size_t)n, sizeof *k, by_string_then_vertex);
    int64_t groups = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(k[i - 1].s, k[i].s)) first[groups++] = k[i].v; /* smallest v */
        group_of[k[i].v] = groups - 1;
    }
    /* number the groups by first appearance: walk the vertices in order */
    int64_t *number = lp_malloc(((size_t)groups + 1) * sizeof *number);
    if (!number) {
        st = lp_error_nomem("igraph types");
        goto done;
    }
    for (int64_t g = 0; g < groups; g++)
        number[g] = -1;
    int64_t next = 0;
    for (int64_t v = 0; v < n && !st; v++) {
        int64_t g = group_of[v];
        if (number[g] < 0) {
            if (next == INT32_MAX) {
                st = lp_error_set(LP_EINPUT, "igraph graph: more than %d node types", INT32_MAX);
                break;
            }
            number[g] = next++;
            const char *s = igraph_strvector_get(types, first[g]);
            st = lp_strtab_push(&nodes->type_name, s, strlen(s));
        }
        type_of[v] = (int32_t)number[g];
    }
    free(number);
done:
    free(k);
    free(first);
    free(group_of);
    return st;
}

static lp_status fill_nodes(lp_nodes *nodes, const igraph_t *ig, const lp_igraph_attrs *at)
{
    int64_t n = (int64_t)igraph_vcount(ig);
    int32_t *type_of = lp_malloc(((size_t)n + 1) * sizeof *type_of);
    if (!type_of) return lp_error_nomem("igraph types");
    lp_status st = intern_types(nodes, type_of, at->type, n);
    char buf[32];
    for (int64_t v = 0; v < n && !st; v++) {
        double r = at->revenue ? VECTOR(*at->revenue)[v] : 0;
        if (!(r >= 0) || !isfinite(r)) {
            st = lp_error_set(LP_EINPUT,
                              "igraph vertex %lld: revenue %g is not a finite number >= 0",
                              (long long)v, r);
            break;
        }
        const char *id = vertex_string(at->id, v, buf, sizeof buf);
        st = lp_nodes_push(nodes, id, strlen(id), type_of[v], r);
    }
    free(type_of);
    nodes->has_revenue = at->revenue != NULL;
    if (!st && at->name) {
        for (int64_t v = 0; v < n && !st; v++) {
            const char *s = igraph_strvector_get(at->name, v);
            st = lp_strtab_push(&nodes->name, s, strlen(s));
        }
        nodes->has_name = 1;
    }
    return st;
}

static lp_status fill_edges(lp_edges *edges, const igraph_t *ig, const igraph_vector_t *weight)
{
    igraph_integer_t m = igraph_ecount(ig);
    for (igraph_integer_t e = 0; e < m; e++) {
        igraph_integer_t from, to;
        if (igraph_edge(ig, e, &from, &to))
            return lp_error_set(LP_EINTERNAL, "igraph_edge failed for edge %lld", (long long)e);
        double w = weight ? VECTOR(*weight)[e] : 1.0;
        if (!(w > 0) || !isfinite(w))
            return lp_error_set(LP_EINPUT,
                                "igraph edge %lld (%lld - %lld): weight %g is not a finite "
                                "number > 0",
                                (long long)e, (long long)from, (long long)to, w);
        lp_status st = lp_edges_push(edges, (lp_vid)from, (lp_vid)to, w);
        if (st) return st;
    }
    return LP_OK;
}

lp_status lp_graph_from_igraph(lp_graph *out, const igraph_t *ig, const lp_igraph_attrs *at)
{
    int64_t n = (int64_t)igraph_vcount(ig), m = (int64_t)igraph_ecount(ig);
    lp_status st;
    if (n > LP_VID_MAX)
        return lp_error_set(LP_EINPUT, "igraph graph: %lld vertices, more than the %lld allowed",
                            (long long)n, (long long)LP_VID_MAX);
    if (!at || !at->type)
        return lp_error_set(LP_EINPUT, "igraph graph: the node types are required");
    if ((st = check_length("type", igraph_strvector_size(at->type), n)) ||
        (at->id && (st = check_length("id", igraph_strvector_size(at->id), n))) ||
        (at->name && (st = check_length("name", igraph_strvector_size(at->name), n))) ||
        (at->revenue && (st = check_length("revenue", igraph_vector_size(at->revenue), n))) ||
        (at->weight && (st = check_length("weight", igraph_vector_size(at->weight), m))))
        return st;
    if ((st = check_strings(at->type, n, "type", 1)) ||
        (at->id && (st = check_strings(at->id, n, "id", 1))) ||
        (at->name && (st = check_strings(at->name, n, "name", 0))) ||
        (st = check_unique_ids(at->id, n)))
        return st;

    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    if ((st = fill_nodes(&nodes, ig, at)) || (st = fill_edges(&edges, ig, at->weight))) {
        lp_nodes_free(&nodes);
        lp_edges_free(&edges);
        return st;
    }
    st = lp_graph_build(out, &nodes, &edges); /* consumes edges; nodes on success */
    if (st) lp_nodes_free(&nodes);
    return st;
}

lp_status lp_graph_to_igraph(const lp_graph *g, igraph_t *out, igraph_vector_t *weight)
{
    const lp_csr *c = &g->csr;
    igraph_vector_int_t iedges;

    /* igraph's default handler aborts; we turn its errors into statuses. */
    igraph_set_error_handler(igraph_error_handler_ignore);
    if (igraph_vector_int_init(&iedges, 2 * g->m)) return lp_error_nomem("igraph edge vector");
    int64_t e = 0;
    for (int64_t u = 0; u < g->n; u++)
        for (int64_t k = c->offset[u]; k < c->offset[u + 1]; k++)
            if (c->adj[k] > u) {
                VECTOR(iedges)[2 * e] = u;
                VECTOR(iedges)[2 * e + 1] = c->adj[k];
                e++;
            }
    if (e != g->m) {
        igraph_vector_int_destroy(&iedges);
        return lp_error_set(LP_EINTERNAL, "CSR holds %lld edges, not %lld", (long long)e,
                            (long long)g->m);
    }
    igraph_error_t ie = igraph_create(out, &iedges, (igraph_integer_t)g->n, IGRAPH_UNDIRECTED);
    igraph_vector_int_destroy(&iedges);
    if (ie) return lp_error_set(LP_EINTERNAL, "igraph_create failed");
    if (igraph_vector_init(weight, g->m)) {
        igraph_destroy(out);
        return lp_error_nomem("igraph weights");
    }
    e = 0;
    for (int64_t u = 0; u < g->n; u++)
        for (int64_t k = c->offset[u]; k < c->offset[u + 1]; k++)
            if (c->adj[k] > u) VECTOR(*weight)[e++] = c->weight[k];
    return LP_OK;
}
