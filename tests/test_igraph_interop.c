/* test_igraph_interop.c — lp_graph_from_igraph and lp_graph_to_igraph
 * (lp_igraph.h):
 * - round trip: a generated enterprise (awkward ids, names, duplicates,
 *   self-loops) to igraph and back gives the same CSR, ids, types, names and
 *   revenues, and lp_analyze gives bitwise the same PageRank, key persons
 *   and bus factors on both;
 * - against igraph itself: degrees and edge weights of the exported graph,
 *   read with igraph's own functions, match the CSR;
 * - a hand-made igraph graph (directed, a duplicate edge both ways, a
 *   self-loop) merges as lp_graph_build documents, types numbered in
 *   first-seen order;
 * - bad attribute vectors are LP_EINPUT with one line naming the vertex or
 *   edge, and leave *out untouched. */
#include <math.h>
#include <string.h>

#include "lp_igraph.h"
#include "lp_pipeline.h"
#include "lp_test.h"

static void strv_from_tab(igraph_strvector_t *sv, const lp_strtab *t, const int32_t *index,
                          int64_t n)
{
    igraph_strvector_init(sv, n);
    for (int64_t v = 0; v < n; v++)
        igraph_strvector_set(sv, v, lp_strtab_get(t, index ? index[v] : v));
}

static int same_csr(const lp_csr *a, const lp_csr *b)
{
    return a->n == b->n && a->m == b->m &&
           !memcmp(a->offset, b->offset, ((size_t)a->n + 1) * sizeof *a->offset) &&
           !memcmp(a->adj, b->adj, 2 * (size_t)a->m * sizeof *a->adj) &&
           !memcmp(a->weight, b->weight, 2 * (size_t)a->m * sizeof *a->weight);
}

static void round_trip(int64_t accounts, uint64_t seed)
{
    lp_graph g = lp_test_enterprise(accounts, seed);
    int64_t n = g.n;
    igraph_t ig;
    igraph_vector_t w = {0}, rev = {0};
    CHECK(lp_graph_to_igraph(&g, &ig, &w) == LP_OK, "to_igraph: %s", lp_error_message());
    CHECK(igraph_vcount(&ig) == n && igraph_ecount(&ig) == g.m, "igraph size %lld/%lld",
          (long long)igraph_vcount(&ig), (long long)igraph_ecount(&ig));

    /* igraph's own view of the exported graph: degrees and weights */
    igraph_vector_int_t deg;
    igraph_vector_int_init(&deg, 0);
    igraph_degree(&ig, &deg, igraph_vss_all(), IGRAPH_ALL, IGRAPH_LOOPS);
    int bad = 0;
    for (int64_t v = 0; v < n; v++)
        bad += VECTOR(deg)[v] != g.csr.offset[v + 1] - g.csr.offset[v];
    CHECK(bad == 0, "%d vertices with another degree in igraph", bad);
    igraph_vector_int_destroy(&deg);
    bad = 0;
    for (igraph_integer_t e = 0; e < igraph_ecount(&ig); e++) {
        igraph_integer_t u, v;
        igraph_edge(&ig, e, &u, &v);
        double found = NAN;
        for (int64_t k = g.csr.offset[u]; k < g.csr.offset[u + 1]; k++)
            if (g.csr.adj[k] == v) found = g.csr.weight[k];
        bad += !(found == VECTOR(w)[e]);
    }
    CHECK(bad == 0, "%d igraph edges whose weight is not the CSR's", bad);

    igraph_strvector_t ids, types, names;
    strv_from_tab(&ids, &g.nodes.id, NULL, n);
    strv_from_tab(&types, &g.nodes.type_name, g.nodes.type, n);
    if (g.nodes.has_name) strv_from_tab(&names, &g.nodes.name, NULL, n);
    igraph_vector_init(&rev, n);
    for (int64_t v = 0; v < n; v++)
        VECTOR(rev)[v] = g.nodes.revenue[v];
    lp_igraph_attrs at = {.id = &ids,
                          .type = &types,
                          .name = g.nodes.has_name ? &names : NULL,
                          .revenue = &rev,
                          .weight = &w};
    lp_graph h;
    CHECK(lp_graph_from_igraph(&h, &ig, &at) == LP_OK, "from_igraph: %s", lp_error_message());
    CHECK(same_csr(&g.csr, &h.csr), "round trip changed the CSR");
    bad = 0;
    for (int64_t v = 0; v < n; v++) {
        bad += strcmp(lp_strtab_get(&g.nodes.id, v), lp_strtab_get(&h.nodes.id, v)) != 0;
        bad += strcmp(lp_strtab_get(&g.nodes.type_name, g.nodes.type[v]),
                      lp_strtab_get(&h.nodes.type_name, h.nodes.type[v])) != 0;
        bad += g.nodes.revenue[v] != h.nodes.revenue[v];
        if (g.nodes.has_name)
            bad += strcmp(lp_strtab_get(&g.nodes.name, v), lp_strtab_get(&h.nodes.name, v)) != 0;
    }
    CHECK(bad == 0, "%d node fields differ after the round trip", bad);
    CHECK(h.nodes.has_name == g.nodes.has_name, "names lost");

    lp_analyze_options opt = LP_ANALYZE_OPTIONS_INIT;
    opt.betweenness = LP_BW_SAMPLED;
    lp_analysis a, b;
    CHECK(lp_analyze(&a, &g, &opt) == LP_OK, "analyze g: %s", lp_error_message());
    CHECK(lp_analyze(&b, &h, &opt) == LP_OK, "analyze h: %s", lp_error_message());
    const lp_keyperson *ka = &a.keyperson, *kb = &b.keyperson;
    CHECK(!memcmp(a.pagerank, b.pagerank, (size_t)n * sizeof *a.pagerank), "PageRank differs");
    CHECK(ka->n_accounts == kb->n_accounts && ka->n_accounts > 0, "accounts %lld/%lld",
          (long long)ka->n_accounts, (long long)kb->n_accounts);
    int64_t na = ka->n_accounts;
    CHECK(!memcmp(ka->key_persons_offsets, kb->key_persons_offsets,
                  ((size_t)na + 1) * sizeof *ka->key_persons_offsets) &&
              !memcmp(ka->key_persons, kb->key_persons,
                      (size_t)ka->key_persons_offsets[na] * sizeof *ka->key_persons),
          "key persons differ");
    CHECK(ka->key_persons_offsets[na] > 0, "no key person at all: the comparison is empty");
    CHECK(!memcmp(a.bus_factor, b.bus_factor, (size_t)na * sizeof *a.bus_factor),
          "bus factors differ");
    lp_analysis_free(&a);
    lp_analysis_free(&b);
    lp_graph_free(&h);
    igraph_strvector_destroy(&ids);
    igraph_strvector_destroy(&types);
    if (g.nodes.has_name) igraph_strvector_destroy(&names);
    igraph_vector_destroy(&rev);
    igraph_vector_destroy(&w);
    igraph_destroy(&ig);
    lp_graph_free(&g);
}

/* 0 company, 1 employee, 2 employee, 3 account: directed edges 1->0, 0->1
 * (a duplicate the other way), 2->0, 1->3, 3->3 (a self-loop), 2->3. */
static void hand_made(void)
{
    igraph_t ig;
    igraph_vector_int_t el = {0};
    igraph_integer_t pairs[] = {1, 0, 0, 1, 2, 0, 1, 3, 3, 3, 2, 3};
    igraph_vector_int_view(&el, pairs, 12);
    igraph_create(&ig, &el, 4, IGRAPH_DIRECTED);
    igraph_strvector_t types;
    igraph_strvector_init(&types, 4);
    const char *tv[] = {"employee", "company", "employee", "account"};
    /* vertex 0 is the employee here: types first seen employee, company, account */
    for (int v = 0; v < 4; v++)
        igraph_strvector_set(&types, v, tv[v]);
    igraph_vector_t w = {0}, rev = {0};
    double wv[] = {2, 3, 1, 1, 5, 0.5}, rv[] = {0, 0, 0, 100};
    igraph_vector_view(&w, wv, 6);
    igraph_vector_view(&rev, rv, 4);
    lp_igraph_attrs at = {.type = &types, .revenue = &rev, .weight = &w};
    lp_graph g;
    CHECK(lp_graph_from_igraph(&g, &ig, &at) == LP_OK, "hand-made: %s", lp_error_message());
    CHECK(g.n == 4 && g.m == 4, "n %lld m %lld, want 4 and 4", (long long)g.n, (long long)g.m);
    CHECK(g.merged_duplicates == 1 && g.dropped_self_loops == 1, "merged %lld loops %lld",
          (long long)g.merged_duplicates, (long long)g.dropped_self_loops);
    CHECK(g.nodes.type_name.count == 3 &&
              !strcmp(lp_strtab_get(&g.nodes.type_name, 0), "employee") &&
              !strcmp(lp_strtab_get(&g.nodes.type_name, 1), "company") &&
              !strcmp(lp_strtab_get(&g.nodes.type_name, 2), "account") && g.nodes.type[0] == 0 &&
              g.nodes.type[1] == 1 && g.nodes.type[2] == 0 && g.nodes.type[3] == 2,
          "types not in first-seen order");
    CHECK(!strcmp(lp_strtab_get(&g.nodes.id, 2), "2"), "default id of vertex 2: %s",
          lp_strtab_get(&g.nodes.id, 2));
    /* edge 0-1 merged: 2 + 3 */
    double w01 = NAN;
    for (int64_t k = g.csr.offset[0]; k < g.csr.offset[1]; k++)
        if (g.csr.adj[k] == 1) w01 = g.csr.weight[k];
    CHECK(w01 == 5.0, "merged weight of 0-1: %g, want 5", w01);
    lp_graph_free(&g);
    igraph_strvector_destroy(&types);
    igraph_destroy(&ig);
}

static void expect_refusal(const char *what, const igraph_t *ig, const lp_igraph_attrs *at,
                           const char *want)
{
    lp_graph g;
    memset(&g, 0xAB, sizeof g);
    lp_graph untouched;
    memcpy(&untouched, &g, sizeof g);
    lp_error_clear();
    lp_status st = lp_graph_from_igraph(&g, ig, at);
    const char *msg = lp_error_message();
    CHECK(st == LP_EINPUT, "%s: status %d (%s), want LP_EINPUT", what, (int)st, msg);
    CHECK(strstr(msg, want) && !strchr(msg, '\n'), "%s: message '%s' lacks '%s'", what, msg, want);
    CHECK(!memcmp(&g, &untouched, sizeof g), "%s: *out changed on failure", what);
    if (st == LP_OK) lp_graph_free(&g);
}

static void refusals(void)
{
    igraph_t ig;
    igraph_vector_int_t el = {0};
    igraph_integer_t pairs[] = {0, 1, 1, 2};
    igraph_vector_int_view(&el, pairs, 4);
    igraph_create(&ig, &el, 3, IGRAPH_UNDIRECTED);
    igraph_strvector_t types, ids, short_types, bad_utf8;
    igraph_strvector_init(&types, 3);
    igraph_strvector_set(&types, 0, "company");
    igraph_strvector_set(&types, 1, "employee");
    igraph_strvector_set(&types, 2, "account");
    igraph_strvector_init(&short_types, 2);
    igraph_strvector_set(&short_types, 0, "company");
    igraph_strvector_set(&short_types, 1, "employee");
    igraph_strvector_init(&ids, 3);
    igraph_strvector_set(&ids, 0, "hq");
    igraph_strvector_set(&ids, 1, "ann");
    igraph_strvector_set(&ids, 2, "hq");
    igraph_strvector_init(&bad_utf8, 3);
    igraph_strvector_set(&bad_utf8, 0, "company");
    igraph_strvector_set(&bad_utf8, 1, "employ\xff");
    igraph_strvector_set(&bad_utf8, 2, "account");
    double neg[] = {0, 0, -1}, nanw[] = {1, NAN}, zero[] = {1, 0}, two[] = {1, 1};
    igraph_vector_t v_neg = {0}, v_nan = {0}, v_zero = {0}, v_short = {0};
    igraph_vector_view(&v_neg, neg, 3);
    igraph_vector_view(&v_nan, nanw, 2);
    igraph_vector_view(&v_zero, zero, 2);
    igraph_vector_view(&v_short, two, 2);

    expect_refusal("no types", &ig, &(lp_igraph_attrs){0}, "node types are required");
    expect_refusal("short types", &ig, &(lp_igraph_attrs){.type = &short_types},
                   "the type vector has 2 entries, not 3");
    expect_refusal("duplicate id", &ig, &(lp_igraph_attrs){.type = &types, .id = &ids},
                   "igraph vertices 0 and 2 have the same id \"hq\"");
    expect_refusal("negative revenue", &ig, &(lp_igraph_attrs){.type = &types, .revenue = &v_neg},
                   "igraph vertex 2: revenue -1");
    expect_refusal("NaN weight", &ig, &(lp_igraph_attrs){.type = &types, .weight = &v_nan},
                   "igraph edge 1 (1 - 2): weight nan");
    expect_refusal("zero weight", &ig, &(lp_igraph_attrs){.type = &types, .weight = &v_zero},
                   "igraph edge 1 (1 - 2): weight 0");
    expect_refusal("revenue of the wrong length", &ig,
                   &(lp_igraph_attrs){.type = &types, .revenue = &v_short},
                   "the revenue vector has 2 entries, not 3");
    expect_refusal("invalid UTF-8 type", &ig, &(lp_igraph_attrs){.type = &bad_utf8},
                   "igraph vertex 1: type \"employ\\xff\" is not valid UTF-8");
    igraph_strvector_set(&ids, 2, "");
    expect_refusal("empty id", &ig, &(lp_igraph_attrs){.type = &types, .id = &ids},
                   "igraph vertex 2: empty id");
    igraph_strvector_destroy(&types);
    igraph_strvector_destroy(&short_types);
    igraph_strvector_destroy(&ids);
    igraph_strvector_destroy(&bad_utf8);
    igraph_destroy(&ig);
}

int main(void)
{
    hand_made();
    refusals();
    round_trip(200, 7);
    round_trip(1500, 11);
    if (failures) fprintf(stderr, "igraph_interop: %d failures\n", failures);
    return failures != 0;
}
