/* test_keyperson.c — the key-person kernel against independent answers:
 *  - is_articulation against igraph_articulation_points on G + R;
 *  - key persons, accounts_at_risk and revenue_at_risk against brute force
 *    (remove each person, breadth-first search from R, see which accounts
 *    lose R);
 *  - "nearest first": removing key person i cuts the account off from key
 *    person i+1;
 *  - the same output at 1, 2 and 8 threads;
 *  - bitwise the same output as one low-link search of the whole graph
 *    (reference_keyperson below, the kernel before it peeled pendant
 *    trees): revenue sums in the same order;
 *  - graphs made for the peeling: many pendant trees, deep ones, chains of
 *    cut vertices, accounts inside pendant trees, R inside a pendant tree
 *    (one anchor of degree 1), forests without a core;
 *  - graphs made for the core's layout: short and long core lists, R's
 *    list short and long, pendant children anywhere in a list;
 *  - a path of 2 million vertices (the search must not recurse).
 * Graphs: random sparse, tree-like, cycles, with and without anchors,
 * overlapping roles, on many seeds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_generate.h"
#include "lp_graph.h"
#include "lp_test.h"
#include "lp_i_lowlink.h"
#include "lp_keyperson.h"

static const char *TYPES[] = {"company", "employee", "account", "contact", "partner"};

/* Build a graph with the given node types and edge list; roles default,
 * or person = "employee,contact" when wide_person. */
static lp_graph make_graph(int64_t n, const int *type, int64_t m, const lp_vid *src,
                           const lp_vid *dst, int wide_person)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < 5; t++)
        lp_strtab_push(&nodes.type_name, TYPES[t], strlen(TYPES[t]));
    char id[32];
    for (int64_t v = 0; v < n; v++) {
        int len = snprintf(id, sizeof id, "v%lld", (long long)v);
        /* sevenths: sums of them round, so their order shows */
        double rev = type[v] == 2 ? (double)(1 + rnd_below(1000)) / 7.0 : 0.0;
        if (lp_nodes_push(&nodes, id, (size_t)len, type[v], rev)) abort();
    }
    for (int64_t k = 0; k < m; k++)
        if (lp_edges_push(&edges, src[k], dst[k], 1.0 + (double)rnd_below(3))) abort();
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_build_igraph(&g)) { /* igraph: oracle */
        fprintf(stderr, "build: %s\n", lp_error_message());
        abort();
    }
    lp_roles roles = LP_ROLES_INIT;
    if (wide_person) roles.person = "employee,contact";
    if (lp_graph_set_roles(&g, &roles)) abort();
    return g;
}

/* BFS from R over G + R without vertex `removed` (-1: none). seen[v] = 1 if reached. */
static void bfs_from_root(uint8_t *seen, const lp_graph *g, int64_t removed, lp_vid *queue)
{
    const lp_csr *c = &g->csr;
    memset(seen, 0, (size_t)g->n);
    int64_t head = 0, tail = 0;
    for (int64_t v = 0; v < g->n; v++)
        if ((g->role[v] & LP_ROLE_ANCHOR) && v != removed) {
            seen[v] = 1;
            queue[tail++] = (lp_vid)v;
        }
    while (head < tail) {
        lp_vid v = queue[head++];
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid w = c->adj[k];
            if (w != removed && !seen[w]) {
                seen[w] = 1;
                queue[tail++] = w;
            }
        }
    }
}

/* Can `from` reach `to` in G (without R) minus `removed`? */
static int reaches(const lp_graph *g, lp_vid from, lp_vid to, lp_vid removed, uint8_t *seen,
                   lp_vid *queue)
{
    const lp_csr *c = &g->csr;
    memset(seen, 0, (size_t)g->n);
    int64_t head = 0, tail = 0;
    seen[from] = 1;
    queue[tail++] = from;
    /* Through R: anchors are all mutually adjacent via R. */
    int r_used = 0;
    while (head < tail) {
        lp_vid v = queue[head++];
        if (v == to) return 1;
        if ((g->role[v] & LP_ROLE_ANCHOR) && !r_used) {
            r_used = 1;
            for (int64_t u = 0; u < g->n; u++)
                if ((g->role[u] & LP_ROLE_ANCHOR) && u != removed && !seen[u]) {
                    seen[u] = 1;
                    queue[tail++] = (lp_vid)u;
                }
        }
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid w = c->adj[k];
            if (w != removed && !seen[w]) {
                seen[w] = 1;
                queue[tail++] = w;
            }
        }
    }
    return 0;
}

static void check_articulation_igraph(const lp_graph *g, const lp_keyperson *kp, const char *what)
{
    igraph_t gr;
    igraph_vector_int_t extra, ap;
    igraph_copy(&gr, &g->ig);
    igraph_add_vertices(&gr, 1, NULL);
    igraph_vector_int_init(&extra, 0);
    for (int64_t v = 0; v < g->n; v++)
        if (g->role[v] & LP_ROLE_ANCHOR) {
            igraph_vector_int_push_back(&extra, g->n);
            igraph_vector_int_push_back(&extra, v);
        }
    igraph_add_edges(&gr, &extra, NULL);
    igraph_vector_int_init(&ap, 0);
    igraph_articulation_points(&gr, &ap);
    uint8_t *want = calloc((size_t)g->n + 1, 1);
    for (igraph_integer_t i = 0; i < igraph_vector_int_size(&ap); i++)
        want[VECTOR(ap)[i]] = 1;
    int64_t count = 0;
    for (int64_t v = 0; v < g->n; v++) {
        CHECK(want[v] == kp->is_articulation[v], "%s: is_articulation[%lld] = %d, igraph says %d",
              what, (long long)v, kp->is_articulation[v], want[v]);
        count += want[v];
    }
    CHECK(count == kp->n_articulation, "%s: n_articulation %lld vs %lld", what,
          (long long)kp->n_articulation, (long long)count);
    free(want);
    igraph_vector_int_destroy(&ap);
    igraph_vector_int_destroy(&extra);
    igraph_destroy(&gr);
}

static void check_brute_force(const lp_graph *g, const lp_keyperson *kp, const char *what)
{
    int64_t n = g->n;
    uint8_t *base = malloc((size_t)n + 1), *seen = malloc((size_t)n + 1);
    uint8_t *seen2 = malloc((size_t)n + 1);
    lp_vid *queue = malloc(((size_t)n + 1) * sizeof *queue);
    bfs_from_root(base, g, -1, queue);

    /* account row -> index */
    int64_t *acc_index = malloc(((size_t)n + 1) * sizeof *acc_index);
    for (int64_t v = 0; v < n; v++)
        acc_index[v] = -1;
    int64_t na = 0, orphans = 0;
    for (int64_t v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ACCOUNT) {
            CHECK(na < kp->n_accounts && kp->account_node[na] == v, "%s: account order", what);
            acc_index[v] = na;
            CHECK(kp->account_connected[na] == base[v], "%s: connected[%lld]", what, (long long)v);
            orphans += !base[v];
            na++;
        }
    CHECK(na == kp->n_accounts, "%s: n_accounts %lld vs %lld", what, (long long)kp->n_accounts,
          (long long)na);
    CHECK(orphans == kp->orphan_accounts, "%s: orphans", what);

    /* Expected membership: account a has key person p iff removing p cuts a from R. */
    int64_t *count = calloc((size_t)n + 1, sizeof *count);
    for (int64_t p = 0; p < n; p++) {
        int64_t at_risk = 0;
        double rev = 0.0;
        if (g->role[p] & LP_ROLE_PERSON) {
            bfs_from_root(seen, g, p, queue);
            for (int64_t v = 0; v < n; v++) {
                if (acc_index[v] < 0 || v == p || !base[v] || seen[v]) continue;
                at_risk++;
                rev += g->nodes.revenue[v];
                int64_t i = acc_index[v], found = 0;
                for (int64_t k = kp->key_persons_offsets[i]; k < kp->key_persons_offsets[i + 1];
                     k++)
                    found += kp->key_persons[k] == p;
                CHECK(found == 1, "%s: account %lld should list key person %lld once (found %lld)",
                      what, (long long)v, (long long)p, (long long)found);
                count[i]++;
            }
        }
        CHECK(kp->accounts_at_risk[p] == at_risk, "%s: accounts_at_risk[%lld] = %lld, brute %lld",
              what, (long long)p, (long long)kp->accounts_at_risk[p], (long long)at_risk);
        CHECK(fabs(kp->revenue_at_risk[p] - rev) <= 1e-9 * (1 + rev),
              "%s: revenue_at_risk[%lld] = %g, brute %g", what, (long long)p,
              kp->revenue_at_risk[p], rev);
    }
    /* No extra entries, and nearest first. */
    for (int64_t i = 0; i < kp->n_accounts; i++) {
        int64_t lo = kp->key_persons_offsets[i], hi = kp->key_persons_offsets[i + 1];
        CHECK(hi - lo == count[i], "%s: account %lld lists %lld key persons, brute force %lld",
              what, (long long)kp->account_node[i], (long long)(hi - lo), (long long)count[i]);
        for (int64_t k = lo; k + 1 < hi; k++)
            CHECK(!reaches(g, kp->account_node[i], kp->key_persons[k + 1], kp->key_persons[k],
                           seen2, queue),
                  "%s: account %lld: key person %lld is not nearer than %lld", what,
                  (long long)kp->account_node[i], (long long)kp->key_persons[k],
                  (long long)kp->key_persons[k + 1]);
    }
    free(count);
    free(acc_index);
    free(base);
    free(seen);
    free(seen2);
    free(queue);
}

/* The reference: one Hopcroft-Tarjan search of all of G + R (lowlink.c),
 * then the sums in reverse preorder and the separator chains in preorder.
 * Fills is_articulation, accounts_at_risk, revenue_at_risk and
 * outer_key_person ([n] each, caller frees) and the key-person lists of
 * every account (klen/koff/klist over accounts in row order). */
typedef struct ref_kp {
    uint8_t *art;
    int64_t *aar;
    double *rar;
    lp_vid *outer;
    int64_t *koff; /* [accounts + 1] */
    lp_vid *klist;
} ref_kp;

static void reference_keyperson(ref_kp *r, const lp_graph *g)
{
    int64_t n = g->n;
    lp_vid R = (lp_vid)n;
    lp_i_lowlink l;
    if (lp_i_lowlink_run(&l, &g->csr, g->role)) abort();
    size_t n1 = (size_t)n + 1;
    r->art = calloc(n1, 1);
    r->aar = calloc(n1, sizeof *r->aar);
    r->rar = calloc(n1, sizeof *r->rar);
    r->outer = malloc(n1 * sizeof *r->outer);
    uint8_t *cut = calloc(n1, 1);
    int32_t *rc = calloc(n1, sizeof *rc);
    int64_t *acc = calloc(n1, sizeof *acc);
    double *rev = calloc(n1, sizeof *rev);
    lp_vid *npc = malloc(n1 * sizeof *npc);
    for (int64_t i = 0; i < l.nv; i++) {
        lp_vid v = l.order[i], p = l.parent[v];
        if (p < 0) continue;
        cut[v] = l.low[v] >= l.disc[p];
        if (l.parent[p] < 0)
            rc[p]++;
        else if (cut[v])
            r->art[p] = 1;
    }
    for (int64_t v = 0; v < n; v++)
        if (l.parent[v] < 0 && rc[v] >= 2) r->art[v] = 1;
    for (int64_t i = l.n_first - 1; i > 0; i--) {
        lp_vid v = l.order[i], p = l.parent[v];
        if (g->role[v] & LP_ROLE_ACCOUNT) {
            acc[v] += 1;
            rev[v] += g->nodes.revenue[v];
        }
        if (cut[v] && p != R && (g->role[p] & LP_ROLE_PERSON)) {
            r->aar[p] += acc[v];
            r->rar[p] += rev[v];
        }
        acc[p] += acc[v];
        rev[p] += rev[v];
    }
    npc[R] = -1;
    for (int64_t v = 0; v < n; v++)
        r->outer[v] = -2;
    for (int64_t i = 1; i < l.n_first; i++) {
        lp_vid v = l.order[i], p = l.parent[v];
        npc[v] = (cut[v] && p != R && (g->role[p] & LP_ROLE_PERSON)) ? p : npc[p];
        lp_vid c = npc[v];
        r->outer[v] = c < 0 ? -1 : r->outer[c] < 0 ? c : r->outer[c];
    }
    int64_t na = 0, total = 0;
    for (int64_t v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ACCOUNT) {
            na++;
            if (l.disc[v] < l.n_first)
                for (lp_vid x = npc[v]; x >= 0; x = npc[x])
                    total++;
        }
    r->koff = malloc(((size_t)na + 1) * sizeof *r->koff);
    r->klist = malloc(((size_t)total + 1) * sizeof *r->klist);
    int64_t a = 0, k = 0;
    r->koff[0] = 0;
    for (int64_t v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_ACCOUNT) {
            if (l.disc[v] < l.n_first)
                for (lp_vid x = npc[v]; x >= 0; x = npc[x])
                    r->klist[k++] = x;
            r->koff[++a] = k;
        }
    lp_i_lowlink_free(&l);
    free(cut);
    free(rc);
    free(acc);
    free(rev);
    free(npc);
}

static void check_reference(const lp_graph *g, const lp_keyperson *kp, const char *what)
{
    ref_kp r;
    reference_keyperson(&r, g);
    int64_t n = g->n, na = kp->n_accounts;
    CHECK(!memcmp(r.art, kp->is_articulation, (size_t)n), "%s: is_articulation != reference", what);
    CHECK(!memcmp(r.aar, kp->accounts_at_risk, (size_t)n * sizeof *r.aar),
          "%s: accounts_at_risk != reference", what);
    CHECK(!memcmp(r.rar, kp->revenue_at_risk, (size_t)n * sizeof *r.rar),
          "%s: revenue_at_risk not bitwise the reference's", what);
    CHECK(!memcmp(r.outer, kp->outer_key_person, (size_t)n * sizeof *r.outer),
          "%s: outer_key_person != reference", what);
    CHECK(!memcmp(r.koff, kp->key_persons_offsets, (size_t)(na + 1) * sizeof *r.koff) &&
              !memcmp(r.klist, kp->key_persons, (size_t)r.koff[na] * sizeof *r.klist),
          "%s: key-person lists != reference", what);
    free(r.art);
    free(r.aar);
    free(r.rar);
    free(r.outer);
    free(r.koff);
    free(r.klist);
}

static int same_result(const lp_keyperson *a, const lp_keyperson *b)
{
    int64_t n = a->n, na = a->n_accounts;
    return a->n == b->n && na == b->n_accounts &&
           !memcmp(a->is_articulation, b->is_articulation, (size_t)n) &&
           !memcmp(a->accounts_at_risk, b->accounts_at_risk, (size_t)n * sizeof(int64_t)) &&
           !memcmp(a->revenue_at_risk, b->revenue_at_risk, (size_t)n * sizeof(double)) &&
           !memcmp(a->key_persons_offsets, b->key_persons_offsets,
                   (size_t)(na + 1) * sizeof(int64_t)) &&
           !memcmp(a->key_persons, b->key_persons,
                   (size_t)a->key_persons_offsets[na] * sizeof(lp_vid)) &&
           !memcmp(a->account_connected, b->account_connected, (size_t)na) &&
           !memcmp(a->outer_key_person, b->outer_key_person, (size_t)n * sizeof(lp_vid));
}

static void run_case(const lp_graph *g, const char *what)
{
    lp_keyperson kp[3];
    const int threads[3] = {1, 2, 8};
    for (int i = 0; i < 3; i++) {
        set_threads(threads[i]);
        if (lp_keyperson_run(&kp[i], g)) {
            CHECK(0, "%s: lp_keyperson_run: %s", what, lp_error_message());
            return;
        }
    }
    CHECK(same_result(&kp[0], &kp[1]) && same_result(&kp[0], &kp[2]),
          "%s: results differ between 1, 2 and 8 threads", what);
    check_articulation_igraph(g, &kp[0], what);
    check_brute_force(g, &kp[0], what);
    check_reference(g, &kp[0], what);
    for (int i = 0; i < 3; i++)
        lp_keyperson_free(&kp[i]);
}

/* Random graphs of several shapes. */
static void random_cases(int n_cases)
{
    int64_t total_kp = 0, total_orphans = 0;
    for (int c = 0; c < n_cases; c++) {
        rng_state = 1000 + (uint64_t)c;
        int64_t n = 1 + rnd_below(c < 200 ? 12 : 80);
        int *type = malloc((size_t)n * sizeof *type);
        for (int64_t v = 0; v < n; v++) {
            int64_t r = rnd_below(100);
            type[v] = r < 8 ? 0 : r < 45 ? 1 : r < 70 ? 2 : r < 90 ? 3 : 4;
        }
        int shape = c % 4;
        int64_t m = shape == 0   ? rnd_below(2 * n + 1)
                    : shape == 1 ? n - 1
                                 : n + rnd_below(n / 2 + 1);
        if (m < 0) m = 0;
        lp_vid *src = malloc(((size_t)m + 4) * sizeof *src),
               *dst = malloc(((size_t)m + 4) * sizeof *dst);
        for (int64_t k = 0; k < m; k++) {
            if (shape == 1 || (shape == 2 && k < n - 1)) { /* tree (random recursive) */
                src[k] = (lp_vid)(k + 1 < n ? k + 1 : 0);
                dst[k] = (lp_vid)rnd_below(k + 1);
            } else {
                src[k] = (lp_vid)rnd_below(n);
                dst[k] = (lp_vid)rnd_below(n); /* self-loops and duplicates allowed */
            }
        }
        lp_graph g = make_graph(n, type, m, src, dst, c % 3 == 0);
        char what[64];
        snprintf(what, sizeof what, "case %d (n=%lld shape=%d)", c, (long long)n, shape);
        run_case(&g, what);
        lp_keyperson kp;
        if (!lp_keyperson_run(&kp, &g)) {
            total_kp += kp.accounts_with_key_person;
            total_orphans += kp.orphan_accounts;
            lp_keyperson_free(&kp);
        }
        lp_graph_free(&g);
        free(type);
        free(src);
        free(dst);
    }
    /* The cases must actually exercise key persons and orphans. */
    CHECK(total_kp > 100, "random cases produced only %lld accounts with key persons",
          (long long)total_kp);
    CHECK(total_orphans > 10, "random cases produced only %lld orphan accounts",
          (long long)total_orphans);
}

/* company - e1 - e2 - ... - e(L) - account: every employee is a key person,
 * nearest first means e(L) first. Depth 2M checks there is no recursion. */
static void long_path(int64_t L)
{
    int64_t n = L + 2;
    int *type = malloc((size_t)n * sizeof *type);
    lp_vid *src = malloc((size_t)n * sizeof *src), *dst = malloc((size_t)n * sizeof *dst);
    for (int64_t v = 0; v < n; v++)
        type[v] = v == 0 ? 0 : v == n - 1 ? 2 : 1;
    for (int64_t k = 0; k + 1 < n; k++) {
        src[k] = (lp_vid)k;
        dst[k] = (lp_vid)(k + 1);
    }
    lp_graph g = make_graph(n, type, n - 1, src, dst, 0);
    lp_keyperson kp;
    if (lp_keyperson_run(&kp, &g)) {
        CHECK(0, "long path: %s", lp_error_message());
    } else {
        CHECK(kp.n_accounts == 1 && kp.key_persons_offsets[1] == L,
              "long path: %lld key persons, want %lld", (long long)kp.key_persons_offsets[1],
              (long long)L);
        int ok = 1;
        for (int64_t k = 0; k < kp.key_persons_offsets[1] && ok; k++)
            ok = kp.key_persons[k] == L - k;
        CHECK(ok, "long path: key persons not nearest first");
        CHECK(kp.accounts_at_risk[1] == 1 && kp.accounts_at_risk[L] == 1, "long path: at risk");
        /* the company separates R from everyone else; the account is a leaf */
        CHECK(kp.is_articulation[0] && kp.is_articulation[1] && !kp.is_articulation[n - 1],
              "long path: articulation flags");
        check_reference(&g, &kp, "long path");
        lp_keyperson_free(&kp);
    }
    lp_graph_free(&g);
    free(type);
    free(src);
    free(dst);
}

/* A generated enterprise above LP_PARALLEL_MIN accounts, so the parallel
 * extraction runs: igraph's cut vertices and identical output at 1, 2 and 8
 * threads (brute force would be too slow here). */
static void large_enterprise(void)
{
    lp_graph g = lp_test_enterprise(25000, 5);
    lp_keyperson kp[3];
    const int threads[3] = {1, 2, 8};
    for (int i = 0; i < 3; i++) {
        set_threads(threads[i]);
        if (lp_keyperson_run(&kp[i], &g)) abort();
    }
    CHECK(kp[0].n_accounts >= LP_PARALLEL_MIN, "large case has only %lld accounts",
          (long long)kp[0].n_accounts);
    CHECK(kp[0].accounts_with_key_person > 1000, "large case: %lld accounts with key persons",
          (long long)kp[0].accounts_with_key_person);
    CHECK(same_result(&kp[0], &kp[1]) && same_result(&kp[0], &kp[2]),
          "large enterprise: results differ between 1, 2 and 8 threads");
    check_articulation_igraph(&g, &kp[0], "large enterprise");
    check_reference(&g, &kp[0], "large enterprise");
    for (int i = 0; i < 3; i++)
        lp_keyperson_free(&kp[i]);
    lp_graph_free(&g);
}

/* Graphs made for the peeling of pendant trees: a random core (a cycle with
 * chords, possibly empty) and trees hanging from it or standing alone,
 * chains among them, anchors, persons and accounts anywhere, a few extra
 * edges. Brute force, igraph and the reference on each. */
static void pendant_cases(int n_cases)
{
    int64_t total_kp = 0, peeled_anchor = 0;
    for (int c = 0; c < n_cases; c++) {
        rng_state = 5000 + (uint64_t)c;
        int64_t n = 2 + rnd_below(c < 150 ? 14 : 60);
        int64_t k = rnd_below(n / 3 + 1); /* core cycle */
        if (k < 3) k = 0;
        int *type = malloc((size_t)n * sizeof *type);
        lp_vid *src = malloc(((size_t)3 * n + 8) * sizeof *src),
               *dst = malloc(((size_t)3 * n + 8) * sizeof *dst);
        int64_t m = 0;
        for (int64_t v = 0; v < n; v++) {
            int64_t r = rnd_below(100);
            type[v] = r < 6 ? 0 : r < 40 ? 1 : r < 70 ? 2 : r < 90 ? 3 : 4;
        }
        for (int64_t v = 0; v < k; v++) {
            src[m] = (lp_vid)v;
            dst[m++] = (lp_vid)((v + 1) % k);
        }
        for (int64_t j = rnd_below(k / 2 + 1); j > 0; j--) {
            src[m] = (lp_vid)rnd_below(k);
            dst[m++] = (lp_vid)rnd_below(k);
        }
        int chain = c % 5 == 0;
        for (int64_t v = k; v < n; v++) {
            if (v == 0 || rnd_below(100) < 8) continue; /* a new tree of its own */
            src[m] = (lp_vid)v;
            dst[m++] = (lp_vid)(chain && rnd_below(4) ? v - 1 : rnd_below(v));
        }
        for (int64_t j = c % 3 == 1 ? rnd_below(3) : 0; j > 0; j--) {
            src[m] = (lp_vid)rnd_below(n);
            dst[m++] = (lp_vid)rnd_below(n);
        }
        if (c % 7 == 3) { /* R inside a pendant tree: one anchor of degree 1 */
            for (int64_t v = 0; v < n; v++)
                if (type[v] == 0) type[v] = 1;
            type[n - 1] = 0;
        }
        lp_graph g = make_graph(n, type, m, src, dst, c % 4 == 0);
        for (int64_t v = 0; v < n; v++)
            peeled_anchor +=
                (g.role[v] & LP_ROLE_ANCHOR) && g.csr.offset[v + 1] - g.csr.offset[v] <= 1;
        char what[80];
        snprintf(what, sizeof what, "pendant case %d (n=%lld core cycle %lld)", c, (long long)n,
                 (long long)k);
        run_case(&g, what);
        lp_keyperson kp;
        if (!lp_keyperson_run(&kp, &g)) {
            total_kp += kp.accounts_with_key_person;
            lp_keyperson_free(&kp);
        }
        lp_graph_free(&g);
        free(type);
        free(src);
        free(dst);
    }
    CHECK(total_kp > 200, "pendant cases produced only %lld accounts with key persons",
          (long long)total_kp);
    CHECK(peeled_anchor > 20, "pendant cases produced only %lld anchors of degree <= 1",
          (long long)peeled_anchor);
}

/* Above LP_PARALLEL_MIN per peeling round: a cycle of W employees, from each
 * a chain employee - account - contact - account (three rounds of W
 * leaves), and every 7th chain's end tied back to the next chain's start
 * (more core). igraph, the reference and 1/2/8 threads. */
static void wide_pendant(void)
{
    const int64_t W = 30000, n = 5 * W + 1;
    int *type = malloc((size_t)n * sizeof *type);
    lp_vid *src = malloc((size_t)2 * n * sizeof *src), *dst = malloc((size_t)2 * n * sizeof *dst);
    int64_t m = 0;
    type[n - 1] = 0; /* the company, tied to cycle vertex 0 */
    src[m] = (lp_vid)(n - 1);
    dst[m++] = 0;
    for (int64_t i = 0; i < W; i++) {
        lp_vid b = (lp_vid)(W + 4 * i);
        type[i] = 1;
        type[b] = 1;
        type[b + 1] = 2;
        type[b + 2] = 3;
        type[b + 3] = 2;
        src[m] = (lp_vid)i;
        dst[m++] = (lp_vid)((i + 1) % W);
        for (int j = 0; j < 4; j++) {
            src[m] = j ? b + j - 1 : (lp_vid)i;
            dst[m++] = b + j;
        }
        if (i % 7 == 0 && i + 1 < W) {
            src[m] = b + 3;
            dst[m++] = (lp_vid)(W + 4 * (i + 1));
        }
    }
    lp_graph g = make_graph(n, type, m, src, dst, 0);
    lp_keyperson kp[3];
    const int threads[3] = {1, 2, 8};
    for (int i = 0; i < 3; i++) {
        set_threads(threads[i]);
        if (lp_keyperson_run(&kp[i], &g)) abort();
    }
    CHECK(kp[0].accounts_with_key_person > W, "wide pendant: %lld accounts with key persons",
          (long long)kp[0].accounts_with_key_person);
    CHECK(same_result(&kp[0], &kp[1]) && same_result(&kp[0], &kp[2]),
          "wide pendant: results differ between 1, 2 and 8 threads");
    check_articulation_igraph(&g, &kp[0], "wide pendant");
    check_reference(&g, &kp[0], "wide pendant");
    for (int i = 0; i < 3; i++)
        lp_keyperson_free(&kp[i]);
    lp_graph_free(&g);
    free(type);
    free(src);
    free(dst);
}

/* Graphs made for the core's layout (keyperson.c keeps a list of up to 3
 * core neighbours in the vertex's slot, a longer one elsewhere, R's list
 * too): a cycle with hubs tied to 1..14 of its vertices, triangles that
 * hang from a hub (subtrees it separates), 0..7 anchors in the core (R's
 * list short or long), pendant accounts and contacts hung from anywhere,
 * revenues of many magnitudes, every row shuffled so that the pendant
 * children (markers of revenue) fall anywhere among a list's core
 * neighbours. Brute force, igraph, the reference (bitwise) and 1/2/8
 * threads on each. */
static void hub_cases(int n_cases)
{
    int64_t long_lists = 0, short_lists = 0, long_r = 0, short_r = 0, total_kp = 0;
    for (int c = 0; c < n_cases; c++) {
        rng_state = 9000 + (uint64_t)c;
        int64_t k = 3 + rnd_below(c < 100 ? 10 : 40); /* cycle */
        int64_t h = 1 + rnd_below(k / 2 + 2);         /* hubs */
        int64_t t = rnd_below(2 * h + 1);             /* triangles hub - a - b */
        int64_t p = rnd_below(3 * k + 1);             /* pendant vertices */
        int64_t core = k + h + 2 * t, n = core + p, m = 0;
        int *type = malloc((size_t)n * sizeof *type);
        lp_vid *perm = malloc((size_t)n * sizeof *perm);
        size_t cap = (size_t)k + 15 * (size_t)h + 3 * (size_t)t + (size_t)p + 1;
        lp_vid *src = malloc(cap * sizeof *src), *dst = malloc(cap * sizeof *dst);
        for (int64_t v = 0; v < n; v++)
            perm[v] = (lp_vid)v;
        for (int64_t v = n - 1; v > 0; v--) { /* rows shuffled */
            int64_t u = rnd_below(v + 1);
            lp_vid tmp = perm[v];
            perm[v] = perm[u];
            perm[u] = tmp;
        }
        int64_t anchors = c % 8;
        for (int64_t v = 0; v < n; v++) {
            int64_t r = rnd_below(100);
            type[perm[v]] = v < core ? (r < 60 ? 1 : r < 85 ? 2 : 4) : (r < 60 ? 2 : 3);
        }
        for (int64_t a = 0; a < anchors; a++)
            type[perm[rnd_below(k + h)]] = 0;
        for (int64_t v = 0; v < k; v++) {
            src[m] = perm[v];
            dst[m++] = perm[(v + 1) % k];
        }
        for (int64_t j = 0; j < h; j++) {
            int64_t d = 1 + rnd_below(14);
            for (int64_t i = 0; i < d; i++) {
                src[m] = perm[k + j];
                dst[m++] = perm[rnd_below(k)];
            }
        }
        for (int64_t j = 0; j < t; j++) { /* cut off by its hub: a subtree the hub separates */
            lp_vid hub = perm[k + rnd_below(h)], a = perm[k + h + 2 * j],
                   b = perm[k + h + 2 * j + 1];
            src[m] = hub;
            dst[m++] = a;
            src[m] = a;
            dst[m++] = b;
            src[m] = b;
            dst[m++] = hub;
        }
        for (int64_t j = 0; j < p; j++) { /* hung from the core or from an earlier one */
            src[m] = perm[core + j];
            dst[m++] = perm[j % 3 ? k + rnd_below(h) : rnd_below(core + j)];
        }
        lp_graph g = make_graph(n, type, m, src, dst, c % 3 == 0);
        /* Revenues of many magnitudes: a sum folded in another order shows
         * in its bits far more often than with sevenths alone. */
        for (int64_t v = 0; v < n; v++)
            if (g.nodes.revenue[v] != 0.0)
                g.nodes.revenue[v] = ldexp(g.nodes.revenue[v], (int)rnd_below(61) - 30);
        uint8_t *in_core = calloc((size_t)n, 1);
        for (int64_t v = 0; v < core; v++)
            in_core[perm[v]] = 1;
        int64_t na = 0;
        for (int64_t v = 0; v < core; v++) {
            lp_vid x = perm[v];
            na += (g.role[x] & LP_ROLE_ANCHOR) != 0;
            int64_t deg = 0; /* neighbours among the cycle, hubs, triangles */
            for (int64_t j = g.csr.offset[x]; j < g.csr.offset[x + 1]; j++)
                deg += in_core[g.csr.adj[j]];
            if (deg >= 4) long_lists++;
            if (deg == 2 || deg == 3) short_lists++;
        }
        free(in_core);
        long_r += na > 3;
        short_r += na >= 1 && na <= 3;
        char what[80];
        snprintf(what, sizeof what, "hub case %d (n=%lld cycle %lld hubs %lld)", c, (long long)n,
                 (long long)k, (long long)h);
        run_case(&g, what);
        lp_keyperson kp;
        if (!lp_keyperson_run(&kp, &g)) {
            total_kp += kp.accounts_with_key_person;
            lp_keyperson_free(&kp);
        }
        lp_graph_free(&g);
        free(type);
        free(perm);
        free(src);
        free(dst);
    }
    CHECK(long_lists > 1000 && short_lists > 1000, "hub cases: %lld long and %lld short core lists",
          (long long)long_lists, (long long)short_lists);
    CHECK(long_r > 20 && short_r > 20, "hub cases: R's list long %lld times, short %lld times",
          (long long)long_r, (long long)short_r);
    CHECK(total_kp > 200, "hub cases produced only %lld accounts with key persons",
          (long long)total_kp);
}

int main(void)
{
    random_cases(600);
    pendant_cases(500);
    hub_cases(300);
    wide_pendant();
    long_path(2000000);
    large_enterprise();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_keyperson: all checks passed\n");
    return 0;
}
