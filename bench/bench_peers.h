/* bench_peers.h — the igraph side of the benchmarks: graphs built for
 * igraph's reference functions and the checks that use them, shared by
 * bench_suite, bench_busfactor and bench_scenarios. Header-only (static
 * inline): the drivers are separate executables. Every builder here reads
 * our CSR and roles only (g->ig is not needed), runs serially and is never
 * called inside an OpenMP region (igraph is not thread-safe here). Never
 * part of the tests.
 *
 *   bench_sample_accounts   a fixed random sample of connected accounts
 *   bench_g_plus_r          G + R as an igraph graph (R = vertex n)
 *   bench_split_digraph     the node-split digraph of G + R for max-flow
 *   bench_split_bus_factor  min(cap, max flow) of one account on it
 *   bench_busiest_persons   the K persons on the most accounts' paths
 *   bench_peer_connected    accounts still connected to R after one
 *                           vertex is deleted (delete + components)
 */
#ifndef LP_BENCH_PEERS_H
#define LP_BENCH_PEERS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

#include "lp_graph.h"
#include "lp_keyperson.h"
#include "lp_scenario.h"

/* splitmix64 (Steele, Lea, Flood 2014): the benchmarks' fixed samples. */
static inline uint64_t bench_splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Up to k distinct indices (into kp's account list) of connected accounts,
 * drawn uniformly with a fixed seed, into idx (room for k); returns how
 * many were found. */
static inline int64_t bench_sample_accounts(int64_t *idx, int64_t k, const lp_keyperson *kp,
                                            uint64_t seed)
{
    int64_t got = 0, connected = kp->n_accounts - kp->orphan_accounts;
    if (k > connected) k = connected;
    for (int64_t tries = 0; got < k && tries < 1000 * k; tries++) {
        int64_t i = (int64_t)(bench_splitmix64(&seed) % (uint64_t)kp->n_accounts), dup = 0;
        if (!kp->account_connected[i]) continue;
        for (int64_t j = 0; j < got; j++)
            dup |= idx[j] == i;
        if (!dup) idx[got++] = i;
    }
    return got;
}

/* G + R as an undirected igraph graph: vertex v of g is vertex v, R is
 * vertex n, joined to every anchor; each CSR edge once. */
static inline igraph_error_t bench_g_plus_r(igraph_t *gr, const lp_graph *g)
{
    igraph_vector_int_t ed;
    int64_t k = 0;
    igraph_error_t e = igraph_vector_int_init(&ed, 2 * (g->m + g->n_anchor));
    if (e) return e;
    for (lp_vid v = 0; v < g->n; v++) {
        for (int64_t q = g->csr.offset[v]; q < g->csr.offset[v + 1]; q++)
            if (g->csr.adj[q] > v) {
                VECTOR(ed)[k++] = v;
                VECTOR(ed)[k++] = g->csr.adj[q];
            }
        if (g->role[v] & LP_ROLE_ANCHOR) {
            VECTOR(ed)[k++] = v;
            VECTOR(ed)[k++] = g->n;
        }
    }
    e = igraph_create(gr, &ed, g->n + 1, IGRAPH_UNDIRECTED);
    igraph_vector_int_destroy(&ed);
    return e;
}

/* Arcs of the split digraph as they are appended: ed holds the endpoint
 * pairs, cap the capacities (both sized for every arc), a the next arc. */
typedef struct bench_arcs {
    igraph_vector_int_t ed;
    igraph_vector_t *cap;
    int64_t a;
} bench_arcs;

static inline void bench_arc(bench_arcs *l, int64_t from, int64_t to, double cp)
{
    VECTOR(l->ed)[2 * l->a] = from;
    VECTOR(l->ed)[2 * l->a + 1] = to;
    VECTOR(*l->cap)[l->a++] = cp;
}

/* The node-split digraph of G + R on which the bus factor is a max flow:
 * every node v becomes v_in = 2v -> v_out = 2v + 1 (capacity 1 for persons,
 * `big` otherwise), every edge two arcs out -> in of capacity big, every
 * anchor an arc to R = 2n, and a super source S = 2n + 1 has one arc
 * S -> a_in per account (kp order, arc *s_arc0 + i) of capacity 0, opened
 * for one account at a time by bench_split_bus_factor. Arc v is v's own
 * arc. *sg and *capv are the caller's (igraph_destroy,
 * igraph_vector_destroy) on success. */
static inline igraph_error_t bench_split_digraph(igraph_t *sg, igraph_vector_t *capv,
                                                 int64_t *s_arc0, const lp_graph *g,
                                                 const lp_keyperson *kp, double big)
{
    const lp_csr *c = &g->csr;
    int64_t n = g->n, na = kp->n_accounts;
    int64_t arcs = n + 2 * g->m + g->n_anchor + na;
    bench_arcs l = {.cap = capv, .a = 0};
    igraph_error_t e = igraph_vector_int_init(&l.ed, 2 * arcs);
    if (e) return e;
    if ((e = igraph_vector_init(capv, arcs))) {
        igraph_vector_int_destroy(&l.ed);
        return e;
    }
    for (int64_t v = 0; v < n; v++)
        bench_arc(&l, 2 * v, 2 * v + 1, (g->role[v] & LP_ROLE_PERSON) ? 1.0 : big);
    for (int64_t v = 0; v < n; v++)
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
            bench_arc(&l, 2 * v + 1, 2 * (int64_t)c->adj[k], big);
    for (int64_t v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ANCHOR) bench_arc(&l, 2 * v + 1, 2 * n, big);
    *s_arc0 = l.a;
    for (int64_t i = 0; i < na; i++)
        bench_arc(&l, 2 * n + 1, 2 * kp->account_node[i], 0.0);
    e = igraph_create(sg, &l.ed, 2 * n + 2, IGRAPH_DIRECTED);
    igraph_vector_int_destroy(&l.ed);
    if (e) igraph_vector_destroy(capv);
    return e;
}

/* min(cap, max flow from S to R) on the split digraph for account i of kp:
 * the account's own arc is made unlimited (it is never removed) and its
 * S arc gets capacity cap, both restored afterwards. */
static inline igraph_error_t bench_split_bus_factor(int32_t *out, const igraph_t *sg,
                                                    igraph_vector_t *capv, int64_t s_arc0,
                                                    const lp_graph *g, const lp_keyperson *kp,
                                                    int64_t i, int32_t cap, double big)
{
    lp_vid a = kp->account_node[i];
    double own = VECTOR(*capv)[a], val = 0;
    VECTOR(*capv)[a] = big;
    VECTOR(*capv)[s_arc0 + i] = cap;
    igraph_error_t e = igraph_maxflow_value(sg, &val, 2 * g->n + 1, 2 * g->n, capv, NULL);
    VECTOR(*capv)[a] = own;
    VECTOR(*capv)[s_arc0 + i] = 0;
    *out = (int32_t)(val + 0.5);
    return e;
}

typedef struct bench_busy {
    int64_t count;
    lp_vid v;
} bench_busy;

static inline int bench_cmp_busy(const void *a, const void *b)
{
    const bench_busy *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* Append to *sc one single-person scenario (named by the person's id) for
 * each of the k persons on the most accounts' paths (path_persons of
 * lp_bus_factor_paths over `na` accounts, offsets path_offsets), ties by
 * row: the expensive end of "what if X leaves". */
static inline lp_status bench_busiest_persons(lp_scenarios *sc, const lp_graph *g,
                                              const int64_t *path_offsets,
                                              const lp_vid *path_persons, int64_t na, int64_t k)
{
    bench_busy *by = calloc((size_t)g->n + 1, sizeof *by);
    if (!by) return lp_error_nomem("busiest persons");
    for (lp_vid v = 0; v < g->n; v++)
        by[v].v = v;
    for (int64_t q = 0; q < path_offsets[na]; q++)
        by[path_persons[q]].count++;
    qsort(by, (size_t)g->n, sizeof *by, bench_cmp_busy);
    lp_status st = LP_OK;
    for (int64_t j = 0; j < g->n && sc->count < k && !st; j++) {
        if (!(g->role[by[j].v] & LP_ROLE_PERSON)) continue;
        const char *id = lp_strtab_get(&g->nodes.id, by[j].v);
        st = lp_scenarios_add(sc, g, id, strlen(id), &by[j].v, 1);
    }
    free(by);
    return st;
}

/* The peer of a departure scenario: delete vertex x from a copy of gr
 * (bench_g_plus_r, R = n) and count the accounts in R's component
 * (igraph_connected_components); x itself is not counted. -1 on an igraph
 * failure. Vertex ids above x shift down by one after the deletion. */
static inline int64_t bench_peer_connected(const igraph_t *gr, const lp_keyperson *kp, lp_vid x,
                                           int64_t n)
{
    igraph_t h;
    igraph_vector_int_t memb;
    int64_t conn = -1;
    if (igraph_copy(&h, gr)) return -1;
    if (!igraph_delete_vertices(&h, igraph_vss_1(x)) && !igraph_vector_int_init(&memb, 0)) {
        if (!igraph_connected_components(&h, &memb, NULL, NULL, IGRAPH_WEAK)) {
            igraph_integer_t rc = VECTOR(memb)[n - 1]; /* R was n, now n - 1 (x < n) */
            conn = 0;
            for (int64_t i = 0; i < kp->n_accounts; i++) {
                lp_vid a = kp->account_node[i];
                if (a == x) continue;
                conn += VECTOR(memb)[a > x ? a - 1 : a] == rc;
            }
        }
        igraph_vector_int_destroy(&memb);
    }
    igraph_destroy(&h);
    return conn;
}

#endif
