/* keypersons — a program outside linchpin that links the installed engine
 * and io libraries: load a graph from CSV, run the analysis of `linchpin
 * analyze`, print every account's key persons.
 *
 *     keypersons NODES.csv EDGES.csv
 *     keypersons --via-igraph NODES.csv EDGES.csv
 *
 * With --via-igraph the graph makes a round trip through igraph first, as a
 * program that holds its graph in igraph would use linchpin: the loaded
 * graph goes to an igraph_t (lp_graph_to_igraph), igraph's own
 * igraph_connected_components counts its components (printed on stderr),
 * and the analysis runs on the graph built back from the igraph_t plus its
 * id, type, revenue and weight vectors (lp_graph_from_igraph).
 *
 * Output: one line per account, "<account id>\t<key person ids joined by ;>"
 * (nearest to the account first; empty after the tab when none). Exit status
 * as the command's: the lp_status of the failing call. */
#include <stdio.h>
#include <string.h>

#include <lp_csv.h>
#include <lp_igraph.h>
#include <lp_pipeline.h>

static int fail(const char *what)
{
    fprintf(stderr, "keypersons: %s: %s\n", what, lp_error_message());
    return 1;
}

/* *out: g rebuilt from an igraph copy of it and vectors of its attributes. */
static lp_status through_igraph(lp_graph *out, const lp_graph *g)
{
    igraph_t ig;
    igraph_vector_t weight, revenue;
    igraph_strvector_t id, type;
    lp_status st = lp_graph_to_igraph(g, &ig, &weight);
    if (st) return st;

    igraph_integer_t components = 0;
    igraph_connected_components(&ig, NULL, NULL, &components, IGRAPH_WEAK);
    fprintf(stderr, "igraph: %lld vertices, %lld edges, %lld connected components\n",
            (long long)igraph_vcount(&ig), (long long)igraph_ecount(&ig), (long long)components);

    igraph_strvector_init(&id, g->n);
    igraph_strvector_init(&type, g->n);
    igraph_vector_init(&revenue, g->n);
    for (int64_t v = 0; v < g->n; v++) {
        igraph_strvector_set(&id, v, lp_strtab_get(&g->nodes.id, v));
        igraph_strvector_set(&type, v, lp_strtab_get(&g->nodes.type_name, g->nodes.type[v]));
        VECTOR(revenue)[v] = g->nodes.revenue[v];
    }
    lp_igraph_attrs at = {.id = &id, .type = &type, .revenue = &revenue, .weight = &weight};
    st = lp_graph_from_igraph(out, &ig, &at);
    igraph_strvector_destroy(&id);
    igraph_strvector_destroy(&type);
    igraph_vector_destroy(&revenue);
    igraph_vector_destroy(&weight);
    igraph_destroy(&ig);
    return st;
}

int main(int argc, char **argv)
{
    int via = argc == 4 && !strcmp(argv[1], "--via-igraph");
    if (argc != 3 + via) {
        fprintf(stderr, "usage: keypersons [--via-igraph] NODES.csv EDGES.csv\n");
        return LP_EUSAGE;
    }
    lp_graph g;
    lp_status st = lp_graph_load_csv(&g, NULL, argv[1 + via], argv[2 + via], NULL);
    if (st) return fail("load"), st;
    if (via) {
        lp_graph h;
        st = through_igraph(&h, &g);
        lp_graph_free(&g);
        if (st) return fail("igraph"), st;
        g = h;
    }
    lp_analyze_options opt = LP_ANALYZE_OPTIONS_INIT; /* roles company/employee/account */
    lp_analysis a;
    if ((st = lp_analyze(&a, &g, &opt))) {
        fail("analyze");
        lp_graph_free(&g);
        return st;
    }
    const lp_keyperson *kp = &a.keyperson;
    for (int64_t i = 0; i < kp->n_accounts; i++) {
        printf("%s\t", lp_strtab_get(&g.nodes.id, kp->account_node[i]));
        for (int64_t k = kp->key_persons_offsets[i]; k < kp->key_persons_offsets[i + 1]; k++)
            printf("%s%s", k > kp->key_persons_offsets[i] ? ";" : "",
                   lp_strtab_get(&g.nodes.id, kp->key_persons[k]));
        printf("\n");
    }
    lp_analysis_free(&a);
    lp_graph_free(&g);
    return 0;
}
