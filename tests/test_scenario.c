/* test_scenario.c — departure scenarios against answers computed without
 * flows:
 *  - random small graphs (sparse, trees, cycles with chords, small
 *    enterprises; overlapping role configurations), every single-person
 *    scenario and random sets of 2–4 persons: "lost" is checked by
 *    breadth-first search on G - S (connected before, not after), "newly at
 *    bus factor 1" by brute force: bus factor >= 2 before (connected, no
 *    single person cuts), connected after, and some single further person Y
 *    cuts the account in G - S;
 *  - the scenario "X leaves" loses exactly the accounts that list X as a key
 *    person (lp_keyperson_run), accounts_at_risk(X) of them;
 *  - team expansion (lp_scenario_expand) and lp_scenarios_add's checks;
 *  - a generated enterprise with thousands of scenarios: identical results at
 *    1, 2 and 8 threads, lost accounts checked by BFS for a sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_busfactor.h"
#include "lp_keyperson.h"
#include "lp_scenario.h"
#include "lp_test.h"

enum { T_COMPANY, T_EMPLOYEE, T_ACCOUNT, T_CONTACT, T_TEAM, N_TYPES };
static const char *TYPES[N_TYPES] = {"company", "employee", "account", "contact", "team"};

static const lp_roles ROLE_CFG[4] = {
    {"company", "employee", "account"},
    {"company", "employee,contact", "account"},
    {"company,employee", "employee", "account"},
    {"company,team", "employee,contact", "account,contact"},
};

static lp_graph make_graph(int64_t n, const int *type, int64_t m, const lp_vid *src,
                           const lp_vid *dst, const lp_roles *roles)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < N_TYPES; t++)
        if (lp_strtab_push(&nodes.type_name, TYPES[t], strlen(TYPES[t]))) abort();
    char id[32];
    for (int64_t v = 0; v < n; v++) {
        int len = snprintf(id, sizeof id, "n%lld", (long long)v);
        double rev = type[v] == T_ACCOUNT ? (double)(1 + rnd_below(1000)) : 0.0;
        if (lp_nodes_push(&nodes, id, (size_t)len, type[v], rev)) abort();
    }
    for (int64_t k = 0; k < m; k++)
        if (lp_edges_push(&edges, src[k], dst[k], 1.0)) abort();
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_set_roles(&g, roles)) abort();
    return g;
}

/* ---- the oracle: plain BFS ------------------------------------------------ */

/* Does a reach an anchor when the persons flagged in gone[] (a excepted)
 * are removed? */
static int reaches(const lp_graph *g, lp_vid a, const uint8_t *gone, uint8_t *seen, lp_vid *queue)
{
    const lp_csr *c = &g->csr;
    memset(seen, 0, (size_t)g->n);
    int64_t head = 0, tail = 0;
    seen[a] = 1;
    queue[tail++] = a;
    while (head < tail) {
        lp_vid v = queue[head++];
        if (g->role[v] & LP_ROLE_ANCHOR) return 1;
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid y = c->adj[k];
            if (!seen[y] && !(gone[y] && y != a)) {
                seen[y] = 1;
                queue[tail++] = y;
            }
        }
    }
    return 0;
}

typedef struct oracle {
    const lp_graph *g;
    uint8_t *gone, *seen;
    lp_vid *queue;
} oracle;

/* Some single person y (not a, not gone) cuts a off, given gone[]. */
static int one_more_cuts(oracle *o, lp_vid a)
{
    for (lp_vid y = 0; y < o->g->n; y++) {
        if (y == a || o->gone[y] || !(o->g->role[y] & LP_ROLE_PERSON)) continue;
        o->gone[y] = 1;
        int r = reaches(o->g, a, o->gone, o->seen, o->queue);
        o->gone[y] = 0;
        if (!r) return 1;
    }
    return 0;
}

typedef struct pipeline {
    lp_keyperson kp;
    int32_t *bf;
    int64_t *poff;
    lp_vid *pers;
} pipeline;

static void pipeline_run(pipeline *p, const lp_graph *g, int32_t cap)
{
    if (lp_keyperson_run(&p->kp, g)) abort();
    p->bf = malloc(((size_t)p->kp.n_accounts + 1) * sizeof *p->bf);
    if (lp_bus_factor_paths(p->bf, &p->poff, &p->pers, g, p->kp.account_node, p->kp.n_accounts,
                            cap))
        abort();
}

static void pipeline_free(pipeline *p)
{
    lp_keyperson_free(&p->kp);
    free(p->bf);
    free(p->poff);
    free(p->pers);
}

/* Check scenario j of r against the oracle. */
static void check_scenario(const lp_graph *g, const pipeline *p, const lp_scenarios *sc,
                           const lp_scenario_result *r, int64_t j, const char *what)
{
    oracle o = {g, calloc((size_t)g->n, 1), malloc((size_t)g->n), malloc((size_t)g->n * 4)};
    uint8_t *none = calloc((size_t)g->n, 1);
    int64_t lost = 0, newly = 0;
    double lost_rev = 0, newly_rev = 0;
    for (int64_t k = sc->leave_offsets[j]; k < sc->leave_offsets[j + 1]; k++)
        o.gone[sc->leave[k]] = 1;
    for (int64_t i = 0; i < p->kp.n_accounts; i++) {
        lp_vid a = p->kp.account_node[i];
        int before = reaches(g, a, none, o.seen, o.queue);
        int after = reaches(g, a, o.gone, o.seen, o.queue);
        int is_lost = before && !after;
        int two_before = 0, one_after = 0;
        if (before && !is_lost) {
            uint8_t *save = o.gone;
            o.gone = none;
            two_before = !one_more_cuts(&o, a);
            o.gone = save;
            one_after = one_more_cuts(&o, a);
        }
        int is_newly = two_before && one_after;
        /* find i in the result lists */
        int in_lost = 0, in_newly = 0;
        for (int64_t q = r->lost_offsets[j]; q < r->lost_offsets[j + 1]; q++)
            in_lost |= r->lost[q] == i;
        for (int64_t q = r->newly_offsets[j]; q < r->newly_offsets[j + 1]; q++)
            in_newly |= r->newly[q] == i;
        CHECK(in_lost == is_lost, "%s: scenario %lld account %lld: lost %d, oracle %d", what,
              (long long)j, (long long)i, in_lost, is_lost);
        CHECK(in_newly == is_newly, "%s: scenario %lld account %lld: newly %d, oracle %d", what,
              (long long)j, (long long)i, in_newly, is_newly);
        if (is_lost) {
            lost++;
            lost_rev += p->kp.account_revenue[i];
        }
        if (is_newly) {
            newly++;
            newly_rev += p->kp.account_revenue[i];
        }
    }
    CHECK(r->lost_accounts[j] == lost && r->newly_bus_factor_1[j] == newly,
          "%s: scenario %lld: counts %lld/%lld, oracle %lld/%lld", what, (long long)j,
          (long long)r->lost_accounts[j], (long long)r->newly_bus_factor_1[j], (long long)lost,
          (long long)newly);
    CHECK(r->lost_revenue[j] == lost_rev && r->newly_at_risk_revenue[j] == newly_rev,
          "%s: scenario %lld: revenues differ", what, (long long)j);
    free(o.gone);
    free(o.seen);
    free(o.queue);
    free(none);
}

/* "X leaves" loses exactly the accounts listing X as a key person. */
static void check_single_vs_keyperson(const lp_graph *g, const pipeline *p, const lp_scenarios *sc,
                                      const lp_scenario_result *r, const char *what)
{
    for (int64_t j = 0; j < sc->count; j++) {
        if (sc->leave_offsets[j + 1] - sc->leave_offsets[j] != 1) continue;
        lp_vid x = sc->leave[sc->leave_offsets[j]];
        int64_t want = 0;
        for (int64_t i = 0; i < p->kp.n_accounts; i++) {
            int listed = 0;
            for (int64_t q = p->kp.key_persons_offsets[i]; q < p->kp.key_persons_offsets[i + 1];
                 q++)
                listed |= p->kp.key_persons[q] == x;
            int in_lost = 0;
            for (int64_t q = r->lost_offsets[j]; q < r->lost_offsets[j + 1]; q++)
                in_lost |= r->lost[q] == i;
            CHECK(listed == in_lost, "%s: %lld leaves, account %lld: key person %d, lost %d", what,
                  (long long)x, (long long)i, listed, in_lost);
            want += listed;
        }
        CHECK(want == p->kp.accounts_at_risk[x] && r->lost_accounts[j] == want,
              "%s: %lld leaves: lost %lld, accounts_at_risk %lld", what, (long long)x,
              (long long)r->lost_accounts[j], (long long)p->kp.accounts_at_risk[x]);
    }
    (void)g;
}

/* ---- random graphs ---------------------------------------------------------- */

static void random_cases(int n_cases)
{
    for (int cs = 0; cs < n_cases; cs++) {
        int64_t n = 6 + rnd_below(22), m = 0;
        int *type = malloc((size_t)n * sizeof *type);
        lp_vid *src = malloc(4 * (size_t)n * sizeof *src),
               *dst = malloc(4 * (size_t)n * sizeof *dst);
        for (int64_t v = 0; v < n; v++)
            type[v] = v == 0 ? T_COMPANY : (int)(1 + rnd_below(N_TYPES - 1));
        int shape = cs % 3;
        for (int64_t v = 1; v < n; v++) { /* a random tree plus chords */
            src[m] = (lp_vid)v;
            dst[m++] = (lp_vid)rnd_below(v);
        }
        int64_t chords = shape == 0 ? 0 : shape == 1 ? n / 3 : n;
        for (int64_t k = 0; k < chords && m < 4 * n; k++) {
            src[m] = (lp_vid)rnd_below(n);
            dst[m++] = (lp_vid)rnd_below(n);
        }
        const lp_roles *roles = &ROLE_CFG[cs % 4];
        lp_graph g = make_graph(n, type, m, src, dst, roles);
        pipeline p;
        memset(&p, 0, sizeof p);
        pipeline_run(&p, &g, cs % 2 ? 2 : 3);

        lp_scenarios sc = LP_SCENARIOS_INIT;
        char name[32];
        lp_vid set[4];
        for (lp_vid v = 0; v < g.n; v++)
            if (g.role[v] & LP_ROLE_PERSON) {
                int len = snprintf(name, sizeof name, "p%d", (int)v);
                if (lp_scenarios_add(&sc, &g, name, (size_t)len, &v, 1)) abort();
            }
        for (int k = 0; k < 6 && g.n_person > 0; k++) {
            int sz = 2 + (int)rnd_below(3), got = 0;
            for (int tries = 0; tries < 50 && got < sz; tries++) {
                lp_vid v = (lp_vid)rnd_below(g.n);
                if (g.role[v] & LP_ROLE_PERSON) set[got++] = v;
            }
            int len = snprintf(name, sizeof name, "set%d", k);
            if (got && lp_scenarios_add(&sc, &g, name, (size_t)len, set, got)) abort();
        }
        set_threads(1 + cs % 2);
        lp_scenario_result r;
        if (lp_scenarios_run(&r, &g, &p.kp, p.bf, p.poff, p.pers, &sc)) abort();
        char what[64];
        snprintf(what, sizeof what, "case %d", cs);
        for (int64_t j = 0; j < sc.count; j++)
            check_scenario(&g, &p, &sc, &r, j, what);
        check_single_vs_keyperson(&g, &p, &sc, &r, what);
        lp_scenario_result_free(&r);
        lp_scenarios_free(&sc);
        pipeline_free(&p);
        lp_graph_free(&g);
        free(type);
        free(src);
        free(dst);
    }
}

/* ---- hand-made: expansion and the add checks ------------------------------- */

static void hand_made(void)
{
    /* company 0 - team 1 - employees 2, 3 - contacts 4, 5 - account 6;
     * employee 7 directly under the company serves account 8 alone. */
    int type[9] = {T_COMPANY, T_TEAM,    T_EMPLOYEE, T_EMPLOYEE, T_CONTACT,
                   T_CONTACT, T_ACCOUNT, T_EMPLOYEE, T_ACCOUNT};
    lp_vid src[] = {0, 1, 1, 2, 3, 4, 5, 0, 7};
    lp_vid dst[] = {1, 2, 3, 4, 5, 6, 6, 7, 8};
    lp_graph g = make_graph(9, type, 9, src, dst, &ROLE_CFG[0]);
    lp_vid out[16];
    CHECK(lp_scenario_expand(&g, 1, out) == 2 && out[0] == 2 && out[1] == 3,
          "team 1 expands to its employees 2 and 3");
    CHECK(lp_scenario_expand(&g, 7, out) == 1 && out[0] == 7, "a person expands to itself");
    CHECK(lp_scenario_expand(&g, 6, out) == 0, "an account with no person neighbour: none");
    pipeline p;
    memset(&p, 0, sizeof p);
    pipeline_run(&p, &g, 3);
    lp_scenarios sc = LP_SCENARIOS_INIT;
    lp_vid team[2] = {3, 2}, dup[3] = {7, 7, 7}, bad = 6;
    CHECK(lp_scenarios_add(&sc, &g, "team", 4, team, 2) == LP_OK, "add team");
    CHECK(lp_scenarios_add(&sc, &g, "dup", 3, dup, 3) == LP_OK, "add dup");
    CHECK(sc.leave_offsets[1] == 2 && sc.leave[0] == 2 && sc.leave[1] == 3, "rows sorted: 2, 3");
    CHECK(sc.leave_offsets[2] - sc.leave_offsets[1] == 1, "duplicates dropped");
    CHECK(lp_scenarios_add(&sc, &g, "bad", 3, &bad, 1) == LP_EINTERNAL && sc.count == 2,
          "a non-person row is refused, the set unchanged");
    lp_scenario_result r;
    if (lp_scenarios_run(&r, &g, &p.kp, p.bf, p.poff, p.pers, &sc)) abort();
    /* the whole team leaving cuts account 6 (row 0 of the accounts) */
    CHECK(r.lost_accounts[0] == 1 && r.lost[0] == 0, "team leaves: account 6 lost");
    CHECK(r.lost_accounts[1] == 1 && r.lost[r.lost_offsets[1]] == 1, "7 leaves: account 8 lost");
    CHECK(p.bf[0] == 2 && r.newly_bus_factor_1[0] == 0, "account 6 had bus factor 2");
    lp_scenario_result_free(&r);
    lp_scenarios_free(&sc);
    pipeline_free(&p);
    lp_graph_free(&g);
}

/* ---- a generated enterprise, threads ---------------------------------------- */

static void large_enterprise(void)
{
    lp_graph g = lp_test_enterprise(6000, 11);
    lp_roles roles = LP_ROLES_INIT;
    if (lp_graph_set_roles(&g, &roles)) abort();
    pipeline p;
    memset(&p, 0, sizeof p);
    pipeline_run(&p, &g, 3);
    lp_scenarios sc = LP_SCENARIOS_INIT;
    char name[32];
    lp_vid *buf = malloc(((size_t)g.n + 1) * sizeof *buf);
    int64_t team_type = lp_graph_type_index(&g, "team", 4);
    for (lp_vid v = 0; v < g.n; v++) {
        int64_t k = 0;
        if (g.role[v] & LP_ROLE_PERSON)
            k = lp_scenario_expand(&g, v, buf);
        else if (g.nodes.type[v] == team_type)
            k = lp_scenario_expand(&g, v, buf); /* whole teams */
        if (k == 0) continue;
        int len = snprintf(name, sizeof name, "s%d", (int)v);
        if (lp_scenarios_add(&sc, &g, name, (size_t)len, buf, k)) abort();
    }
    CHECK(sc.count > 500, "enough scenarios (%lld)", (long long)sc.count);
    lp_scenario_result r[3];
    const int threads[3] = {1, 2, 8};
    for (int t = 0; t < 3; t++) {
        set_threads(threads[t]);
        if (lp_scenarios_run(&r[t], &g, &p.kp, p.bf, p.poff, p.pers, &sc)) abort();
    }
    int64_t m = sc.count;
    for (int t = 1; t < 3; t++) {
        int same = !memcmp(r[0].lost_accounts, r[t].lost_accounts, (size_t)m * 8) &&
                   !memcmp(r[0].newly_bus_factor_1, r[t].newly_bus_factor_1, (size_t)m * 8) &&
                   !memcmp(r[0].lost_revenue, r[t].lost_revenue, (size_t)m * 8) &&
                   !memcmp(r[0].newly_at_risk_revenue, r[t].newly_at_risk_revenue, (size_t)m * 8) &&
                   !memcmp(r[0].lost_offsets, r[t].lost_offsets, (size_t)(m + 1) * 8) &&
                   !memcmp(r[0].lost, r[t].lost, (size_t)r[0].lost_offsets[m] * 8) &&
                   !memcmp(r[0].newly, r[t].newly, (size_t)r[0].newly_offsets[m] * 8);
        CHECK(same, "enterprise: results at %d threads differ from 1 thread", threads[t]);
    }
    check_single_vs_keyperson(&g, &p, &sc, &r[0], "enterprise");
    int64_t total_newly = 0;
    for (int64_t j = 0; j < m; j++)
        total_newly += r[0].newly_bus_factor_1[j];
    CHECK(total_newly > 0, "some scenario makes an account newly depend on one person");
    /* BFS check of the lost lists for a sample of scenarios */
    uint8_t *gone = calloc((size_t)g.n, 1), *seen = malloc((size_t)g.n);
    lp_vid *queue = malloc((size_t)g.n * sizeof *queue);
    uint8_t *none = calloc((size_t)g.n, 1);
    for (int64_t j = 0; j < m; j += m / 25 + 1) {
        for (int64_t k = sc.leave_offsets[j]; k < sc.leave_offsets[j + 1]; k++)
            gone[sc.leave[k]] = 1;
        int64_t lost = 0, q = r[0].lost_offsets[j];
        for (int64_t i = 0; i < p.kp.n_accounts; i++) {
            lp_vid a = p.kp.account_node[i];
            if (!p.kp.account_connected[i] || reaches(&g, a, gone, seen, queue)) continue;
            lost++;
            CHECK(q < r[0].lost_offsets[j + 1] && r[0].lost[q] == i,
                  "enterprise scenario %lld: account %lld lost, not listed", (long long)j,
                  (long long)i);
            q++;
        }
        CHECK(lost == r[0].lost_accounts[j], "enterprise scenario %lld: lost %lld, BFS %lld",
              (long long)j, (long long)r[0].lost_accounts[j], (long long)lost);
        for (int64_t k = sc.leave_offsets[j]; k < sc.leave_offsets[j + 1]; k++)
            gone[sc.leave[k]] = 0;
    }
    (void)none;
    free(none);
    free(gone);
    free(seen);
    free(queue);
    for (int t = 0; t < 3; t++)
        lp_scenario_result_free(&r[t]);
    free(buf);
    lp_scenarios_free(&sc);
    pipeline_free(&p);
    lp_graph_free(&g);
}

int main(void)
{
    rng_state = 20261123;
    hand_made();
    random_cases(400);
    large_enterprise();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_scenario: all checks passed\n");
    return 0;
}
