/* test_dist.c — the engine's work sharing (engine/lp_dist.h) without MPI:
 * P "ranks" are P threads of this process, each with its own copy of the
 * graph, joined by an lp_dist whose sum and gather hooks meet at a barrier
 * (an implementation independent of cli/mpi.c). lp_analyze on every rank
 * must give, on every rank, bitwise the arrays of the single-process run
 * (dist NULL): exact and sampled betweenness, bus factor, second links,
 * departure scenarios, for P = 2, 3 and 4. Runs in every build (also under
 * ASan), where tests/test_mpi.py needs an MPI build; the checkpoint hooks
 * are exercised there. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_generate.h"
#include "lp_graph.h"
#include "lp_pipeline.h"
#include "lp_test.h"

#define MAX_P 4

typedef struct world {
    int size;
    pthread_barrier_t bar;
    const void *part[MAX_P];
    int64_t bytes[MAX_P];
} world;

typedef struct rank_ctx {
    world *w;
    int rank;
} rank_ctx;

static lp_status sum_u64(void *ctx, uint64_t *buf, int64_t n)
{
    rank_ctx *r = ctx;
    world *w = r->w;
    uint64_t *tmp = calloc((size_t)n + 1, sizeof *tmp);
    if (!tmp) abort();
    w->part[r->rank] = buf;
    pthread_barrier_wait(&w->bar);
    for (int k = 0; k < w->size; k++) {
        const uint64_t *p = w->part[k];
        for (int64_t i = 0; i < n; i++)
            tmp[i] += p[i];
    }
    pthread_barrier_wait(&w->bar); /* everyone has read every part */
    memcpy(buf, tmp, (size_t)n * sizeof *buf);
    free(tmp);
    pthread_barrier_wait(&w->bar); /* before a part pointer is reused */
    return LP_OK;
}

static lp_status gather(void *ctx, const void *mine, int64_t bytes, void **out, int64_t *out_bytes)
{
    rank_ctx *r = ctx;
    world *w = r->w;
    w->part[r->rank] = mine;
    w->bytes[r->rank] = bytes;
    pthread_barrier_wait(&w->bar);
    int64_t total = 0;
    for (int k = 0; k < w->size; k++)
        total += w->bytes[k];
    char *buf = malloc((size_t)total + 1);
    if (!buf) abort();
    int64_t at = 0;
    for (int k = 0; k < w->size; k++) {
        if (w->bytes[k]) memcpy(buf + at, w->part[k], (size_t)w->bytes[k]);
        at += w->bytes[k];
    }
    pthread_barrier_wait(&w->bar);
    *out = total ? buf : NULL;
    if (!total) free(buf);
    *out_bytes = total;
    return LP_OK;
}

static lp_graph make_graph(int64_t accounts, uint64_t seed)
{
    lp_generate_options o = LP_GENERATE_OPTIONS_INIT;
    o.accounts = accounts;
    o.seed = seed;
    o.awkward = 1;
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    lp_graph g;
    if (lp_generate(&nodes, &edges, &o) || lp_graph_build(&g, &nodes, &edges)) {
        fprintf(stderr, "generate: %s\n", lp_error_message());
        abort();
    }
    return g;
}

typedef struct job {
    lp_graph g;
    lp_scenarios sc;
    lp_analyze_options opt;
    lp_dist dist;
    rank_ctx rc;
    lp_analysis a;
    lp_status st;
} job;

static void *run_rank(void *arg)
{
    job *j = arg;
    set_threads(1 + j->rc.rank % 2); /* ranks with 1 and 2 threads */
    j->st = lp_analyze(&j->a, &j->g, &j->opt);
    return NULL;
}

/* Some departure scenarios: every 7th person, in groups of 1 to 3. */
static void add_scenarios(lp_scenarios *sc, lp_graph *g)
{
    lp_roles roles = LP_ROLES_INIT;
    if (lp_graph_set_roles(g, &roles)) abort();
    lp_vid rows[3];
    int k = 0, made = 0;
    for (lp_vid v = 0; v < g->n && made < 11; v += 7) {
        if (!(g->role[v] & LP_ROLE_PERSON)) continue;
        rows[k++] = v;
        if (k == 1 + made % 3) {
            char name[16];
            int len = snprintf(name, sizeof name, "s%d", made++);
            if (lp_scenarios_add(sc, g, name, (size_t)len, rows, k)) abort();
            k = 0;
        }
    }
}

static int same(const void *a, const void *b, size_t bytes)
{
    return (!a && !b) || (a && b && memcmp(a, b, bytes) == 0);
}

static void compare(const lp_analysis *x, const lp_analysis *ref, const char *what, int p, int r)
{
    int64_t n = ref->n, na = ref->keyperson.n_accounts;
    CHECK(same(x->betweenness, ref->betweenness, (size_t)n * sizeof(double)),
          "%s P=%d rank %d: betweenness differs", what, p, r);
    CHECK(same(x->bus_factor, ref->bus_factor, (size_t)na * sizeof(int32_t)),
          "%s P=%d rank %d: bus factor differs", what, p, r);
    CHECK(same(x->second_link_offsets, ref->second_link_offsets, (size_t)(na + 1) * 8),
          "%s P=%d rank %d: second-link offsets differ", what, p, r);
    if (ref->second_link_offsets && x->second_link_offsets)
        CHECK(same(x->second_link, ref->second_link,
                   (size_t)ref->second_link_offsets[na] * sizeof *ref->second_link),
              "%s P=%d rank %d: second links differ", what, p, r);
    const lp_scenario_result *s = &x->scenarios, *t = &ref->scenarios;
    size_t m = (size_t)t->count;
    CHECK(s->count == t->count, "%s P=%d rank %d: scenario count", what, p, r);
    if (s->count != t->count || !m) return;
    CHECK(same(s->lost_accounts, t->lost_accounts, m * 8) &&
              same(s->lost_revenue, t->lost_revenue, m * 8) &&
              same(s->newly_bus_factor_1, t->newly_bus_factor_1, m * 8) &&
              same(s->newly_at_risk_revenue, t->newly_at_risk_revenue, m * 8) &&
              same(s->lost_offsets, t->lost_offsets, (m + 1) * 8) &&
              same(s->newly_offsets, t->newly_offsets, (m + 1) * 8) &&
              same(s->lost, t->lost, (size_t)t->lost_offsets[m] * 8) &&
              same(s->newly, t->newly, (size_t)t->newly_offsets[m] * 8),
          "%s P=%d rank %d: scenario results differ", what, p, r);
}

static void check(int64_t accounts, uint64_t seed, lp_bw_mode mode, const char *what)
{
    lp_graph g = make_graph(accounts, seed);
    lp_scenarios sc = LP_SCENARIOS_INIT;
    add_scenarios(&sc, &g);
    lp_analyze_options opt = LP_ANALYZE_OPTIONS_INIT;
    opt.betweenness = mode;
    opt.sampling.epsilon = 0.05;
    opt.scenarios = &sc;
    set_threads(2);
    lp_analysis ref;
    if (lp_analyze(&ref, &g, &opt)) {
        fprintf(stderr, "%s: %s\n", what, lp_error_message());
        abort();
    }
    int before = failures;
    CHECK(ref.keyperson.n_accounts > 0 && ref.scenarios.count > 0 &&
              ref.second_link_offsets[ref.keyperson.n_accounts] > 0,
          "%s: the reference has nothing to compare (accounts, scenarios, second links)", what);
    for (int p = 2; p <= MAX_P; p++) {
        world w = {.size = p};
        pthread_barrier_init(&w.bar, NULL, (unsigned)p);
        job jobs[MAX_P];
        pthread_t th[MAX_P];
        for (int r = 0; r < p; r++) {
            job *j = &jobs[r];
            memset(j, 0, sizeof *j);
            j->g = make_graph(accounts, seed);
            j->sc = (lp_scenarios)LP_SCENARIOS_INIT;
            add_scenarios(&j->sc, &j->g);
            j->opt = opt;
            j->opt.scenarios = &j->sc;
            j->rc = (rank_ctx){&w, r};
            j->dist = (lp_dist){
                .rank = r, .size = p, .ctx = &j->rc, .sum_u64 = sum_u64, .gather = gather};
            j->opt.dist = &j->dist;
        }
        for (int r = 0; r < p; r++)
            if (pthread_create(&th[r], NULL, run_rank, &jobs[r])) abort();
        for (int r = 0; r < p; r++)
            pthread_join(th[r], NULL);
        for (int r = 0; r < p; r++) {
            CHECK(jobs[r].st == LP_OK, "%s P=%d rank %d failed", what, p, r);
            if (jobs[r].st == LP_OK) compare(&jobs[r].a, &ref, what, p, r);
            lp_analysis_free(&jobs[r].a);
            lp_scenarios_free(&jobs[r].sc);
            lp_graph_free(&jobs[r].g);
        }
        pthread_barrier_destroy(&w.bar);
    }
    if (failures == before)
        printf("%s: %lld nodes, P = 2..%d identical to one process\n", what, (long long)g.n, MAX_P);
    lp_analysis_free(&ref);
    lp_scenarios_free(&sc);
    lp_graph_free(&g);
}

int main(void)
{
    check(1500, 3, LP_BW_EXACT, "exact");
    check(1500, 4, LP_BW_SAMPLED, "sampled");
    if (failures) {
        printf("test_dist: %d failures\n", failures);
        return 1;
    }
    printf("test_dist: all checks passed\n");
    return 0;
}
