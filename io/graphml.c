/* graphml.c — GraphML (igraph's writer) and DOT export of a subgraph
 * (lp_export.h). */
#include "lp_graphml.h"
#include "lp_alloc.h"
#include "lp_i_atomic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

typedef struct export_args {
    lp_export_format format;
    const lp_graph *g;
    const lp_subgraph *s;
    const lp_report_data *r;
    int64_t *account_row; /* [s->n] row of /accounts or -1 (with r) */
} export_args;

/* ---- GraphML through igraph -------------------------------------------- */

static int set_num(igraph_t *ig, const char *name, const export_args *a, const double *per_node,
                   const int64_t *per_node_i, int accounts_only, const double *per_acc,
                   const int32_t *per_acc_i)
{
    igraph_vector_t v;
    if (igraph_vector_init(&v, a->s->n)) return -1;
    for (int64_t i = 0; i < a->s->n; i++) {
        lp_vid u = a->s->node[i];
        double x;
        if (accounts_only) {
            int64_t j = a->account_row[i];
            x = j < 0 ? NAN : per_acc ? per_acc[j] : (double)per_acc_i[j];
        } else {
            x = per_node ? per_node[u] : (double)per_node_i[u];
        }
        VECTOR(v)[i] = x;
    }
    int rc = igraph_cattribute_VAN_setv(ig, name, &v) ? -1 : 0;
    igraph_vector_destroy(&v);
    return rc;
}

static int set_str(igraph_t *ig, const char *name, const export_args *a, const lp_strtab *tab,
                   const int32_t *type)
{
    igraph_strvector_t v;
    if (igraph_strvector_init(&v, a->s->n)) return -1;
    int rc = 0;
    for (int64_t i = 0; i < a->s->n && !rc; i++) {
        lp_vid u = a->s->node[i];
        rc = igraph_strvector_set(&v, i, lp_strtab_get(tab, type ? type[u] : u)) ? -1 : 0;
    }
    if (!rc) rc = igraph_cattribute_VAS_setv(ig, name, &v) ? -1 : 0;
    igraph_strvector_destroy(&v);
    return rc;
}

static lp_status write_graphml(FILE *f, const export_args *a)
{
    const lp_subgraph *s = a->s;
    const lp_graph *g = a->g;
    const lp_report_data *r = a->r;
    igraph_attribute_table_t *old = igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_vector_int_t edges;
    igraph_t ig;
    lp_status st = LP_OK;
    if (igraph_vector_int_init(&edges, 2 * s->m)) {
        igraph_set_attribute_table(old);
        return lp_error_nomem("graphml");
    }
    for (int64_t e = 0; e < s->m; e++) {
        VECTOR(edges)[2 * e] = s->from[e];
        VECTOR(edges)[2 * e + 1] = s->to[e];
    }
    if (igraph_create(&ig, &edges, s->n, IGRAPH_UNDIRECTED)) {
        igraph_vector_int_destroy(&edges);
        igraph_set_attribute_table(old);
        return lp_error_set(LP_EINTERNAL, "graphml: cannot build the igraph graph");
    }
    int bad = set_str(&ig, "id", a, &g->nodes.id, NULL) ||
              set_str(&ig, "type", a, &g->nodes.type_name, g->nodes.type) ||
              (g->nodes.has_name && set_str(&ig, "name", a, &g->nodes.name, NULL)) ||
              set_num(&ig, "revenue", a, g->nodes.revenue, NULL, 0, NULL, NULL);
    if (!bad && r) {
        if (r->revenue_at_risk)
            bad = set_num(&ig, "accounts_at_risk", a, NULL, r->accounts_at_risk, 0, NULL, NULL) ||
                  set_num(&ig, "revenue_at_risk", a, r->revenue_at_risk, NULL, 0, NULL, NULL);
        if (!bad && r->is_articulation) {
            igraph_vector_bool_t b;
            bad = igraph_vector_bool_init(&b, s->n) != 0;
            for (int64_t i = 0; !bad && i < s->n; i++)
                VECTOR(b)[i] = r->is_articulation[s->node[i]] != 0;
            if (!bad) {
                bad = igraph_cattribute_VAB_setv(&ig, "is_articulation", &b) != 0;
                igraph_vector_bool_destroy(&b);
            }
        }
        if (!bad && r->betweenness)
            bad = set_num(&ig, "betweenness", a, r->betweenness, NULL, 0, NULL, NULL);
        if (!bad && r->pagerank)
            bad = set_num(&ig, "pagerank", a, r->pagerank, NULL, 0, NULL, NULL);
        if (!bad && r->brokerage)
            bad = set_num(&ig, "brokerage", a, r->brokerage, NULL, 0, NULL, NULL);
        if (!bad && r->bus_factor)
            bad = set_num(&ig, "bus_factor", a, NULL, NULL, 1, NULL, r->bus_factor);
        if (!bad && r->dominant_share)
            bad = set_num(&ig, "dominant_share", a, NULL, NULL, 1, r->dominant_share, NULL);
        if (!bad && r->threads) bad = set_num(&ig, "threads", a, NULL, NULL, 1, NULL, r->threads);
    }
    if (!bad) {
        igraph_vector_t w;
        bad = igraph_vector_view(&w, s->weight, s->m) == NULL ||
              igraph_cattribute_EAN_setv(&ig, "weight", &w) != 0;
    }
    if (bad)
        st = lp_error_set(LP_EINTERNAL, "graphml: cannot set the attributes (out of memory?)");
    else if (igraph_write_graph_graphml(&ig, f, 0))
        st = lp_error_set(LP_EOUTPUT, "graphml: igraph_write_graph_graphml failed");
    igraph_destroy(&ig);
    igraph_vector_int_destroy(&edges);
    igraph_set_attribute_table(old);
    return st;
}

/* ---- DOT ---------------------------------------------------------------- */

/* A DOT double-quoted string: " and \ escaped, newlines as \n. */
static void dot_quote(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", f);
        else if (*s == '\r')
            continue;
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void dot_num(FILE *f, const char *key, double x)
{
    if (isfinite(x)) fprintf(f, ", %s=\"%.17g\"", key, x);
}

static lp_status write_dot(FILE *f, const export_args *a)
{
    const lp_subgraph *s = a->s;
    const lp_graph *g = a->g;
    const lp_report_data *r = a->r;
    fputs("graph linchpin {\n", f);
    for (int64_t i = 0; i < s->n; i++) {
        lp_vid u = s->node[i];
        fputs("  ", f);
        dot_quote(f, lp_strtab_get(&g->nodes.id, u));
        fputs(" [type=", f);
        dot_quote(f, lp_strtab_get(&g->nodes.type_name, g->nodes.type[u]));
        if (g->nodes.has_name) {
            fputs(", name=", f);
            dot_quote(f, lp_strtab_get(&g->nodes.name, u));
        }
        dot_num(f, "revenue", g->nodes.revenue[u]);
        if (r) {
            if (r->revenue_at_risk) {
                dot_num(f, "accounts_at_risk", (double)r->accounts_at_risk[u]);
                dot_num(f, "revenue_at_risk", r->revenue_at_risk[u]);
            }
            if (r->is_articulation)
                fprintf(f, ", is_articulation=\"%s\"", r->is_articulation[u] ? "true" : "false");
            if (r->betweenness) dot_num(f, "betweenness", r->betweenness[u]);
            if (r->pagerank) dot_num(f, "pagerank", r->pagerank[u]);
            if (r->brokerage) dot_num(f, "brokerage", r->brokerage[u]);
            int64_t j = a->account_row[i];
            if (j >= 0) {
                if (r->bus_factor) dot_num(f, "bus_factor", r->bus_factor[j]);
                if (r->dominant_share) dot_num(f, "dominant_share", r->dominant_share[j]);
                if (r->threads) dot_num(f, "threads", r->threads[j]);
            }
        }
        fputs("];\n", f);
    }
    for (int64_t e = 0; e < s->m; e++) {
        fputs("  ", f);
        dot_quote(f, lp_strtab_get(&g->nodes.id, s->node[s->from[e]]));
        fputs(" -- ", f);
        dot_quote(f, lp_strtab_get(&g->nodes.id, s->node[s->to[e]]));
        fprintf(f, " [weight=\"%.17g\"];\n", s->weight[e]);
    }
    fputs("}\n", f);
    return LP_OK;
}

static lp_status export_body(FILE *f, void *ctx)
{
    const export_args *a = ctx;
    return a->format == LP_EXPORT_DOT ? write_dot(f, a) : write_graphml(f, a);
}

static int cmp_vid(const void *k, const void *e)
{
    lp_vid x = *(const lp_vid *)k, y = *(const lp_vid *)e;
    return (x > y) - (x < y);
}

lp_status lp_subgraph_write(const char *path, lp_export_format format, const lp_graph *g,
                            const lp_subgraph *s, const lp_report_data *r)
{
    export_args a = {.format = format, .g = g, .s = s, .r = r, .account_row = NULL};
    if (r) {
        if (!(a.account_row = lp_malloc(((size_t)s->n + 1) * sizeof *a.account_row)))
            return lp_error_nomem("export");
        for (int64_t i = 0; i < s->n; i++)
            a.account_row[i] = -1;
        for (int64_t j = 0; j < r->a; j++) {
            lp_vid v = r->account_node[j];
            const lp_vid *hit = bsearch(&v, s->node, (size_t)s->n, sizeof *s->node, cmp_vid);
            if (hit) a.account_row[hit - s->node] = j;
        }
    }
    lp_status st = lp_write_atomic(path, export_body, &a);
    free(a.account_row);
    return st;
}
