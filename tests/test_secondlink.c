/* test_secondlink.c — second links (engine/secondlink.c) and added ties
 * (engine/addties.c) against brute force:
 *  - the suggestion list of every bus-factor-1 account of 1500 random graphs
 *    (several shapes and role setups, k = 1, 3, 5) equals the ranking rule
 *    applied to an independently computed candidate set: the persons that
 *    still reach an anchor by breadth-first search once the account's key
 *    persons are removed, ranked by BFS hop distance from the account (graph
 *    without R; unreachable last), then accounts_at_risk, then row;
 *  - every suggestion, added as a tie, lifts the account to bus factor >= 2
 *    (lp_bus_factor on the graph rebuilt with the extra edge);
 *  - accounts whose bus factor is not 1 get no suggestion;
 *  - the same output at 1, 2 and 8 threads on a generated enterprise with
 *    more accounts than the parallel threshold, and the brute force on a
 *    sample of its accounts;
 *  - k < 1 is LP_EUSAGE;
 *  - added ties, with and without leavers: every account's bus factor
 *    afterwards equals lp_bus_factor on the graph rebuilt from its edge list
 *    with the ties added and the leavers' edges left out, and the raised /
 *    lost / newly-at-1 lists and revenues follow from before and after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_addties.h"
#include "lp_busfactor.h"
#include "lp_graph.h"
#include "lp_keyperson.h"
#include "lp_secondlink.h"
#include "lp_test.h"

enum { T_COMPANY, T_EMPLOYEE, T_ACCOUNT, T_CONTACT, T_TEAM, N_TYPES };
static const char *TYPES[N_TYPES] = {"company", "employee", "account", "contact", "team"};
static const lp_roles ROLE_CFG[3] = {
    {"company,team", "employee", "account"},
    {"company", "employee,contact", "account"},
    {"company,team", "employee", "account,contact"},
};

typedef struct edge_list {
    int64_t m;
    lp_vid src[4096], dst[4096];
} edge_list;

static lp_graph make_graph(int64_t n, const int *type, const edge_list *e, const lp_roles *roles)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < N_TYPES; t++)
        if (lp_strtab_push(&nodes.type_name, TYPES[t], strlen(TYPES[t]))) abort();
    char id[32];
    for (int64_t v = 0; v < n; v++) {
        int len = snprintf(id, sizeof id, "n%lld", (long long)v);
        if (lp_nodes_push(&nodes, id, (size_t)len, type[v], type[v] == T_ACCOUNT ? 10.0 : 0.0))
            abort();
    }
    for (int64_t k = 0; k < e->m; k++)
        if (lp_edges_push(&edges, e->src[k], e->dst[k], 1.0)) abort();
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_set_roles(&g, roles)) abort();
    return g;
}

/* BFS from the anchors (R) avoiding the nodes with gone[v]; seen[v] = 1. */
static void reach_from_anchors(const lp_graph *g, const uint8_t *gone, uint8_t *seen, lp_vid *q)
{
    int64_t head = 0, tail = 0;
    memset(seen, 0, (size_t)g->n);
    for (lp_vid v = 0; v < (lp_vid)g->n; v++)
        if ((g->role[v] & LP_ROLE_ANCHOR) && !gone[v]) {
            seen[v] = 1;
            q[tail++] = v;
        }
    while (head < tail) {
        lp_vid v = q[head++];
        for (int64_t k = g->csr.offset[v]; k < g->csr.offset[v + 1]; k++) {
            lp_vid w = g->csr.adj[k];
            if (!seen[w] && !gone[w]) {
                seen[w] = 1;
                q[tail++] = w;
            }
        }
    }
}

/* Hop distances from s in g (no R); -1 unreachable. */
static void distances(const lp_graph *g, lp_vid s, int64_t *dist, lp_vid *q)
{
    for (int64_t v = 0; v < g->n; v++)
        dist[v] = -1;
    int64_t head = 0, tail = 0;
    dist[s] = 0;
    q[tail++] = s;
    while (head < tail) {
        lp_vid v = q[head++];
        for (int64_t k = g->csr.offset[v]; k < g->csr.offset[v + 1]; k++) {
            lp_vid w = g->csr.adj[k];
            if (dist[w] < 0) {
                dist[w] = dist[v] + 1;
                q[tail++] = w;
            }
        }
    }
}

typedef struct ranked {
    int64_t dist, risk;
    lp_vid row;
} ranked;

static int ranked_cmp(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    int64_t da = a->dist < 0 ? INT64_MAX : a->dist, db = b->dist < 0 ? INT64_MAX : b->dist;
    if (da != db) return da < db ? -1 : 1;
    if (a->risk != b->risk) return a->risk < b->risk ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* The brute-force list for account i: up to k rows into want; returns
 * the count. */
static int64_t brute_force(const lp_graph *g, const lp_keyperson *kp, int64_t i, int64_t k,
                           lp_vid *want)
{
    int64_t n = g->n;
    uint8_t *gone = calloc((size_t)n + 1, 1), *seen = malloc((size_t)n + 1);
    lp_vid *q = malloc(((size_t)n + 1) * sizeof *q);
    int64_t *dist = malloc(((size_t)n + 1) * sizeof *dist);
    ranked *c = malloc(((size_t)n + 1) * sizeof *c);
    for (int64_t j = kp->key_persons_offsets[i]; j < kp->key_persons_offsets[i + 1]; j++)
        gone[kp->key_persons[j]] = 1;
    reach_from_anchors(g, gone, seen, q);
    lp_vid a = kp->account_node[i];
    distances(g, a, dist, q);
    int64_t nc = 0;
    for (lp_vid p = 0; p < (lp_vid)n; p++)
        if ((g->role[p] & LP_ROLE_PERSON) && !gone[p] && seen[p] && p != a)
            c[nc++] = (ranked){dist[p], kp->accounts_at_risk[p], p};
    qsort(c, (size_t)nc, sizeof *c, ranked_cmp);
    int64_t got = nc < k ? nc : k;
    for (int64_t j = 0; j < got; j++)
        want[j] = c[j].row;
    free(gone);
    free(seen);
    free(q);
    free(dist);
    free(c);
    return got;
}

/* Bus factor of account node a once the tie p–a is added. */
static int32_t bus_factor_with_tie(int64_t n, const int *type, const edge_list *e,
                                   const lp_roles *roles, lp_vid p, lp_vid a)
{
    edge_list *e2 = malloc(sizeof *e2);
    *e2 = *e;
    e2->src[e2->m] = p;
    e2->dst[e2->m] = a;
    e2->m++;
    lp_graph g = make_graph(n, type, e2, roles);
    int32_t bf = -1;
    if (lp_bus_factor(&bf, &g, &a, 1, 5)) abort();
    lp_graph_free(&g);
    free(e2);
    return bf;
}

static int64_t cases_checked, suggestions_checked, tie_cases;

/* Added ties and leavers on one random graph against a rebuild. */
static void check_addties(int64_t n, const int *type, const edge_list *e, const lp_roles *roles)
{
    lp_graph g = make_graph(n, type, e, roles);
    lp_keyperson kp;
    if (lp_keyperson_run(&kp, &g)) abort();
    int64_t na = kp.n_accounts;
    int32_t *bf = malloc(((size_t)na + 1) * sizeof *bf), *want = malloc(((size_t)na + 1) * 4);
    if (lp_bus_factor(bf, &g, kp.account_node, na, 3)) abort();
    lp_vid persons[256], accts[256];
    int64_t np = 0, nacc = 0;
    for (lp_vid v = 0; v < (lp_vid)n; v++) {
        if (g.role[v] & LP_ROLE_PERSON) persons[np++] = v;
        if (g.role[v] & LP_ROLE_ACCOUNT) accts[nacc++] = v;
    }
    if (np == 0 || nacc == 0) goto out;
    lp_tie ties[4];
    lp_vid leave[2];
    int64_t nt = 1 + rnd_below(4), nl = rnd_below(3);
    for (int64_t j = 0; j < nt; j++)
        ties[j] = (lp_tie){persons[rnd_below(np)], accts[rnd_below(nacc)]};
    for (int64_t j = 0; j < nl; j++)
        leave[j] = persons[rnd_below(np)];
    for (int64_t j = 0; j < nt; j++)
        if (ties[j].person == ties[j].account) goto out; /* an account that is a person */
    lp_addties_result r;
    if (lp_addties_run(&r, &g, &kp, bf, 3, ties, nt, leave, nl)) abort();
    /* the oracle: rebuild without the leavers' edges, with the ties */
    edge_list *e2 = malloc(sizeof *e2);
    e2->m = 0;
    for (int64_t k = 0; k < e->m; k++) {
        int drop = 0;
        for (int64_t j = 0; j < nl; j++)
            drop |= e->src[k] == leave[j] || e->dst[k] == leave[j];
        if (!drop) e2->src[e2->m] = e->src[k], e2->dst[e2->m++] = e->dst[k];
    }
    for (int64_t j = 0; j < nt; j++) {
        int drop = 0;
        for (int64_t q = 0; q < nl; q++)
            drop |= ties[j].person == leave[q] || ties[j].account == leave[q];
        if (!drop) e2->src[e2->m] = ties[j].person, e2->dst[e2->m++] = ties[j].account;
    }
    lp_graph h = make_graph(n, type, e2, roles);
    if (lp_bus_factor(want, &h, kp.account_node, na, 3)) abort();
    int64_t raised = 0, lost = 0, newly = 0;
    for (int64_t i = 0; i < na; i++) {
        CHECK(r.bus_factor_after[i] == want[i],
              "added ties: account %lld bus factor %d, rebuild %d", (long long)kp.account_node[i],
              r.bus_factor_after[i], want[i]);
        raised += want[i] > bf[i];
        lost += bf[i] >= 1 && want[i] == 0;
        newly += bf[i] >= 2 && want[i] == 1;
    }
    CHECK(r.n_raised == raised && r.n_lost == lost && r.n_newly == newly,
          "added ties: raised/lost/newly %lld/%lld/%lld, expected %lld/%lld/%lld",
          (long long)r.n_raised, (long long)r.n_lost, (long long)r.n_newly, (long long)raised,
          (long long)lost, (long long)newly);
    tie_cases += raised > 0;
    lp_addties_result_free(&r);
    lp_graph_free(&h);
    free(e2);
out:
    free(bf);
    free(want);
    lp_keyperson_free(&kp);
    lp_graph_free(&g);
}

static void check_graph(int64_t n, const int *type, const edge_list *e, const lp_roles *roles,
                        int32_t k, int tie_check)
{
    lp_graph g = make_graph(n, type, e, roles);
    lp_keyperson kp;
    if (lp_keyperson_run(&kp, &g)) abort();
    int64_t na = kp.n_accounts;
    int32_t *bf = malloc(((size_t)na + 1) * sizeof *bf);
    if (lp_bus_factor(bf, &g, kp.account_node, na, 3)) abort();
    int64_t *off = NULL;
    lp_vid *links = NULL, want[8];
    CHECK(lp_second_links(&off, &links, &g, &kp, bf, k) == LP_OK, "lp_second_links: %s",
          lp_error_message());
    for (int64_t i = 0; off && i < na; i++) {
        int64_t got = off[i + 1] - off[i];
        if (bf[i] != 1) {
            CHECK(got == 0, "account %lld with bus factor %d got %lld suggestions",
                  (long long)kp.account_node[i], bf[i], (long long)got);
            continue;
        }
        cases_checked++;
        int64_t nw = brute_force(&g, &kp, i, k, want);
        int same = nw == got;
        for (int64_t j = 0; same && j < nw; j++)
            same = links[off[i] + j] == want[j];
        CHECK(same, "account %lld: %lld suggestions, brute force %lld (first %lld vs %lld)",
              (long long)kp.account_node[i], (long long)got, (long long)nw,
              got ? (long long)links[off[i]] : -1LL, nw ? (long long)want[0] : -1LL);
        for (int64_t j = 0; tie_check && j < got; j++) {
            int32_t after =
                bus_factor_with_tie(n, type, e, roles, links[off[i] + j], kp.account_node[i]);
            suggestions_checked++;
            CHECK(after >= 2, "account %lld: tie to %lld leaves bus factor %d",
                  (long long)kp.account_node[i], (long long)links[off[i] + j], after);
        }
    }
    free(off);
    free(links);
    free(bf);
    lp_keyperson_free(&kp);
    lp_graph_free(&g);
}

/* A small enterprise: company, teams, employees in teams, accounts tied to
 * 1-3 employees, contacts, some stray edges, some reporting lines. */
static void random_case(int shape, int32_t k, int tie_check)
{
    static int type[256];
    static edge_list e;
    int64_t n = 0;
    e.m = 0;
    int teams = 1 + (int)rnd_below(4), per = 1 + (int)rnd_below(4);
    int accounts = 1 + (int)rnd_below(10), contacts = (int)rnd_below(8);
    type[n++] = T_COMPANY;
    int64_t team0 = n;
    for (int t = 0; t < teams; t++) {
        type[n] = T_TEAM;
        e.src[e.m] = 0, e.dst[e.m++] = (lp_vid)n++;
    }
    int64_t emp0 = n;
    for (int t = 0; t < teams; t++)
        for (int j = 0; j < per; j++) {
            type[n] = T_EMPLOYEE;
            /* shape 1: some employees hang off another employee (a reporting line) */
            lp_vid up = (shape == 1 && n > emp0 && rnd_below(3) == 0) ? (lp_vid)(n - 1)
                                                                      : (lp_vid)(team0 + t);
            e.src[e.m] = up, e.dst[e.m++] = (lp_vid)n++;
        }
    int64_t nemp = n - emp0, acc0 = n;
    for (int a = 0; a < accounts; a++) {
        type[n] = T_ACCOUNT;
        int ties = 1 + (int)rnd_below(3);
        for (int j = 0; j < ties; j++)
            e.src[e.m] = (lp_vid)(emp0 + rnd_below(nemp)), e.dst[e.m++] = (lp_vid)n;
        n++;
    }
    for (int c = 0; c < contacts; c++) {
        type[n] = T_CONTACT;
        e.src[e.m] = (lp_vid)(acc0 + rnd_below(accounts)), e.dst[e.m++] = (lp_vid)n;
        if (rnd_below(2)) e.src[e.m] = (lp_vid)(emp0 + rnd_below(nemp)), e.dst[e.m++] = (lp_vid)n;
        n++;
    }
    int extra = shape == 2 ? (int)rnd_below(6) : 0; /* random extra edges, maybe an island */
    for (int x = 0; x < extra; x++) {
        lp_vid u = (lp_vid)rnd_below(n), v = (lp_vid)rnd_below(n);
        if (u != v) e.src[e.m] = u, e.dst[e.m++] = v;
    }
    if (shape == 2 && rnd_below(3) == 0) { /* an island: employee and account, no anchor */
        type[n] = T_EMPLOYEE;
        type[n + 1] = T_ACCOUNT;
        e.src[e.m] = (lp_vid)n, e.dst[e.m++] = (lp_vid)(n + 1);
        n += 2;
    }
    const lp_roles *roles = &ROLE_CFG[rnd_below(3)];
    check_graph(n, type, &e, roles, k, tie_check);
    check_addties(n, type, &e, roles);
}

static void test_random(void)
{
    static const int32_t ks[3] = {1, 3, 5};
    for (int c = 0; c < 1500; c++)
        random_case(c % 3, ks[c % 3], c < 300);
    printf("random graphs: %lld bus-factor-1 accounts, %lld suggestions tied and checked; "
           "%lld added-tie cases raised some account\n",
           (long long)cases_checked, (long long)suggestions_checked, (long long)tie_cases);
    CHECK(cases_checked > 1000 && suggestions_checked > 200 && tie_cases > 100,
          "too few cases exercised");
}

static void test_enterprise_threads(void)
{
    lp_graph g = lp_test_enterprise(6000, 5);
    lp_keyperson kp;
    if (lp_keyperson_run(&kp, &g)) abort();
    int64_t na = kp.n_accounts;
    int32_t *bf = malloc(((size_t)na + 1) * sizeof *bf);
    if (lp_bus_factor(bf, &g, kp.account_node, na, 3)) abort();
    int64_t *off[3];
    lp_vid *links[3];
    static const int threads[3] = {1, 2, 8};
    for (int t = 0; t < 3; t++) {
        set_threads(threads[t]);
        if (lp_second_links(&off[t], &links[t], &g, &kp, bf, 3)) abort();
    }
    set_threads(2);
    for (int t = 1; t < 3; t++) {
        CHECK(!memcmp(off[0], off[t], ((size_t)na + 1) * sizeof *off[0]) &&
                  !memcmp(links[0], links[t], (size_t)off[0][na] * sizeof *links[0]),
              "second links differ between 1 and %d threads", threads[t]);
    }
    int64_t with = 0, sampled = 0;
    lp_vid want[8];
    for (int64_t i = 0; i < na; i++) {
        with += off[0][i + 1] > off[0][i];
        if (bf[i] != 1 || i % 37) continue;
        int64_t nw = brute_force(&g, &kp, i, 3, want);
        int same = nw == off[0][i + 1] - off[0][i];
        for (int64_t j = 0; same && j < nw; j++)
            same = links[0][off[0][i] + j] == want[j];
        CHECK(same, "enterprise account %lld differs from brute force", (long long)i);
        sampled++;
    }
    printf("enterprise: %lld accounts, %lld with suggestions, %lld checked by brute force\n",
           (long long)na, (long long)with, (long long)sampled);
    CHECK(with > 0 && sampled > 10, "enterprise exercised too little");
    int64_t *o = NULL;
    lp_vid *l = NULL;
    CHECK(lp_second_links(&o, &l, &g, &kp, bf, 0) == LP_EUSAGE && !o && !l, "k = 0 accepted");
    for (int t = 0; t < 3; t++) {
        free(off[t]);
        free(links[t]);
    }
    free(bf);
    lp_keyperson_free(&kp);
    lp_graph_free(&g);
}

int main(void)
{
    rng_state = 20261204;
    test_random();
    test_enterprise_threads();
    if (failures) {
        fprintf(stderr, "test_secondlink: FAIL (%d failed checks)\n", failures);
        return 1;
    }
    printf("test_secondlink: ok\n");
    return 0;
}
