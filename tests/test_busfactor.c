/* test_busfactor.c — the bus-factor kernel against independent answers:
 *  - igraph_maxflow_value on an explicitly built node-split digraph of the
 *    whole graph (every node split, persons with capacity 1, every edge two
 *    arcs, a sink R fed by every anchor), min(maxflow, cap) for every
 *    account, caps 2, 3 and 5;
 *  - brute force on tiny graphs: the smallest set of persons whose removal
 *    cuts the account from R (sizes up to 4), against cap 3 and cap 5; for
 *    b < cap, some set of b persons disconnects and no set of b - 1 does;
 *  - bus factor 1 exactly when lp_keyperson_run lists key persons, 0 exactly
 *    when the account has no path to R;
 *  - hand-made graphs, one of which needs the reverse residual move through
 *    an unsplit node (x -> y_out, cancelling y_out -> x);
 *  - the same output at 1, 2 and 8 threads, also on a generated enterprise
 *    with more than LP_PARALLEL_MIN accounts (parallel loop runs; timed,
 *    histogram printed, sampled accounts checked with igraph's max flow);
 *  - error paths: cap < 2, account rows out of range, out left untouched.
 * Graphs: random sparse, trees, cycles with chords, dense, small
 * enterprises (accounts served by 1–4 persons), with overlapping roles
 * (person = "employee,contact", accounts that are persons, anchors that are
 * persons).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lp_busfactor.h"
#include "lp_generate.h"
#include "lp_graph.h"
#include "lp_keyperson.h"
#include "lp_test.h"

enum { T_COMPANY, T_EMPLOYEE, T_ACCOUNT, T_CONTACT, T_PARTNER, N_TYPES };
static const char *TYPES[N_TYPES] = {"company", "employee", "account", "contact", "partner"};

/* Role configurations cycled over the random cases. */
static const lp_roles ROLE_CFG[4] = {
    {"company", "employee", "account"},
    {"company", "employee,contact", "account"},                 /* customer's champion counts */
    {"company,employee", "employee", "account"},                /* anchors that are persons */
    {"company,partner", "employee,contact", "account,contact"}, /* accounts that are persons */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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
        if (lp_nodes_push(&nodes, id, (size_t)len, type[v], type[v] == T_ACCOUNT ? 10.0 : 0.0))
            abort();
    }
    for (int64_t k = 0; k < m; k++)
        if (lp_edges_push(&edges, src[k], dst[k], 1.0)) abort();
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_build_igraph(&g)) { /* igraph: oracle */
        fprintf(stderr, "build: %s\n", lp_error_message());
        abort();
    }
    if (lp_graph_set_roles(&g, roles)) abort();
    return g;
}

/* Account rows in input order. */
static int64_t account_rows(const lp_graph *g, lp_vid **rows)
{
    int64_t na = 0;
    *rows = malloc(((size_t)g->n + 1) * sizeof **rows);
    for (lp_vid v = 0; v < g->n; v++)
        if (g->role[v] & LP_ROLE_ACCOUNT) (*rows)[na++] = v;
    return na;
}

/* ---- oracle 1: igraph max flow on the explicit split digraph ------------- */

/* in(v) = v, out(v) = n + v, R = 2n. Every node is split: persons with
 * capacity 1, others with BIG. The source is out(a), so the account's own
 * split arc never limits it. */
typedef struct split_graph {
    igraph_t g;
    igraph_vector_t cap;
    double big;
} split_graph;

static void split_graph_build(split_graph *s, const lp_graph *g)
{
    int64_t n = g->n;
    igraph_vector_int_t arcs;
    igraph_vector_int_init(&arcs, 0);
    igraph_vector_init(&s->cap, 0);
    s->big = (double)(4 * n + 100);
    for (int64_t v = 0; v < n; v++) {
        igraph_vector_int_push_back(&arcs, v);
        igraph_vector_int_push_back(&arcs, n + v);
        igraph_vector_push_back(&s->cap, (g->role[v] & LP_ROLE_PERSON) ? 1.0 : s->big);
        if (g->role[v] & LP_ROLE_ANCHOR) {
            igraph_vector_int_push_back(&arcs, n + v);
            igraph_vector_int_push_back(&arcs, 2 * n);
            igraph_vector_push_back(&s->cap, s->big);
        }
    }
    /* edges from igraph's own edge list, not from the CSR under test */
    for (igraph_integer_t e = 0; e < igraph_ecount(&g->ig); e++) {
        igraph_integer_t u = IGRAPH_FROM(&g->ig, e), w = IGRAPH_TO(&g->ig, e);
        igraph_vector_int_push_back(&arcs, n + u);
        igraph_vector_int_push_back(&arcs, w);
        igraph_vector_push_back(&s->cap, s->big);
        igraph_vector_int_push_back(&arcs, n + w);
        igraph_vector_int_push_back(&arcs, u);
        igraph_vector_push_back(&s->cap, s->big);
    }
    igraph_create(&s->g, &arcs, 2 * n + 1, IGRAPH_DIRECTED);
    igraph_vector_int_destroy(&arcs);
}

static void split_graph_free(split_graph *s)
{
    igraph_destroy(&s->g);
    igraph_vector_destroy(&s->cap);
}

/* min(maxflow(out(a) -> R), cap) */
static int32_t oracle_maxflow(const split_graph *s, int64_t n, lp_vid a, int32_t cap)
{
    igraph_real_t value = 0;
    if (igraph_maxflow_value(&s->g, &value, n + a, 2 * n, &s->cap, NULL)) abort();
    return value >= cap ? cap : (int32_t)(value + 0.5);
}

/* ---- oracle 2: brute force over removal sets ----------------------------- */

/* Does a still reach an anchor when the persons flagged in `removed` are
 * gone? a itself is never removed. */
static int still_connected(const lp_graph *g, lp_vid a, const uint8_t *removed, uint8_t *seen,
                           lp_vid *queue)
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
            lp_vid w = c->adj[k];
            if (!seen[w] && !removed[w]) {
                seen[w] = 1;
                queue[tail++] = w;
            }
        }
    }
    return 0;
}

typedef struct brute {
    const lp_graph *g;
    lp_vid a;
    int64_t np;
    lp_vid *persons; /* persons other than a */
    uint8_t *removed, *seen;
    lp_vid *queue;
} brute;

/* Is there a set of exactly k persons (chosen from persons[from..]) plus
 * those already removed that cuts a from R? */
static int cut_of_size(brute *b, int64_t from, int k)
{
    if (k == 0) return !still_connected(b->g, b->a, b->removed, b->seen, b->queue);
    for (int64_t i = from; i + k <= b->np; i++) {
        b->removed[b->persons[i]] = 1;
        int hit = cut_of_size(b, i + 1, k - 1);
        b->removed[b->persons[i]] = 0;
        if (hit) return 1;
    }
    return 0;
}

/* Smallest number of persons whose removal cuts a from R, or limit + 1 if
 * no set of at most `limit` persons does. */
static int brute_min_cut(brute *b, int limit)
{
    for (int k = 0; k <= limit; k++)
        if (cut_of_size(b, 0, k)) return k;
    return limit + 1;
}

static void brute_init(brute *b, const lp_graph *g, lp_vid a)
{
    b->g = g;
    b->a = a;
    b->np = 0;
    b->persons = malloc(((size_t)g->n + 1) * sizeof *b->persons);
    b->removed = calloc((size_t)g->n + 1, 1);
    b->seen = malloc((size_t)g->n + 1);
    b->queue = malloc(((size_t)g->n + 1) * sizeof *b->queue);
    for (lp_vid v = 0; v < g->n; v++)
        if ((g->role[v] & LP_ROLE_PERSON) && v != a) b->persons[b->np++] = v;
}

static void brute_free(brute *b)
{
    free(b->persons);
    free(b->removed);
    free(b->seen);
    free(b->queue);
}

/* ---- checks on one graph ------------------------------------------------- */

typedef struct stats {
    int64_t accounts, by_value[6], brute_checked;
} stats;

static int32_t *run_bf(const lp_graph *g, const lp_vid *rows, int64_t na, int32_t cap,
                       const char *what)
{
    int32_t *out = malloc(((size_t)na + 1) * sizeof *out);
    lp_status st = lp_bus_factor(out, g, rows, na, cap);
    CHECK(st == LP_OK, "%s: lp_bus_factor(cap %d): %s", what, cap, lp_error_message());
    return out;
}

static void check_graph(const lp_graph *g, const char *what, stats *S)
{
    lp_vid *rows;
    int64_t na = account_rows(g, &rows);
    static const int32_t caps[3] = {2, 3, 5};
    int32_t *bf[3];
    for (int i = 0; i < 3; i++) {
        set_threads(1);
        bf[i] = run_bf(g, rows, na, caps[i], what);
        /* same at 2 and 8 threads (serial below LP_PARALLEL_MIN, but the
         * workspaces and the call path are the same) */
        for (int t = 2; t <= 8; t *= 4) {
            set_threads(t);
            int32_t *again = run_bf(g, rows, na, caps[i], what);
            CHECK(!memcmp(again, bf[i], (size_t)na * sizeof *again),
                  "%s: cap %d differs at %d threads", what, caps[i], t);
            free(again);
        }
    }
    set_threads(1);

    /* igraph max flow, every account, every cap */
    split_graph sg;
    split_graph_build(&sg, g);
    for (int64_t i = 0; i < na; i++) {
        for (int c = 0; c < 3; c++) {
            int32_t want = oracle_maxflow(&sg, g->n, rows[i], caps[c]);
            CHECK(bf[c][i] == want, "%s: account %lld cap %d: bus factor %d, igraph max flow %d",
                  what, (long long)rows[i], caps[c], bf[c][i], want);
        }
        S->accounts++;
        S->by_value[bf[2][i]]++;
    }
    split_graph_free(&sg);

    /* key persons and connectivity */
    lp_keyperson kp;
    if (lp_keyperson_run(&kp, g)) {
        CHECK(0, "%s: lp_keyperson_run: %s", what, lp_error_message());
    } else {
        CHECK(kp.n_accounts == na, "%s: account count", what);
        for (int64_t i = 0; i < na && i < kp.n_accounts; i++) {
            int has_kp = kp.key_persons_offsets[i + 1] > kp.key_persons_offsets[i];
            for (int c = 0; c < 3; c++) {
                CHECK((bf[c][i] == 1) == has_kp,
                      "%s: account %lld: bus factor %d (cap %d) but %s key persons", what,
                      (long long)rows[i], bf[c][i], caps[c], has_kp ? "has" : "no");
                CHECK((bf[c][i] == 0) == !kp.account_connected[i],
                      "%s: account %lld: bus factor %d but connected = %d", what,
                      (long long)rows[i], bf[c][i], kp.account_connected[i]);
            }
        }
        lp_keyperson_free(&kp);
    }

    /* brute force on tiny graphs */
    if (g->n <= 12) {
        for (int64_t i = 0; i < na; i++) {
            brute b;
            brute_init(&b, g, rows[i]);
            int k = brute_min_cut(&b, 4); /* 0..4, or 5 = "at least 5" */
            int want3 = k < 3 ? k : 3;
            CHECK(bf[1][i] == want3, "%s: account %lld: bus factor %d (cap 3), brute force %d",
                  what, (long long)rows[i], bf[1][i], want3);
            CHECK(bf[2][i] == k, "%s: account %lld: bus factor %d (cap 5), brute force %d%s", what,
                  (long long)rows[i], bf[2][i], k, k == 5 ? "+" : "");
            /* the minimum-cut property, stated directly */
            int32_t bb = bf[2][i];
            if (bb < 5 && bb <= 3) {
                CHECK(cut_of_size(&b, 0, bb),
                      "%s: account %lld: no set of %d persons disconnects it", what,
                      (long long)rows[i], bb);
                for (int j = 0; j < bb; j++)
                    CHECK(!cut_of_size(&b, 0, j),
                          "%s: account %lld: bus factor %d but %d persons disconnect it", what,
                          (long long)rows[i], bb, j);
            }
            S->brute_checked++;
            brute_free(&b);
        }
    }
    for (int i = 0; i < 3; i++)
        free(bf[i]);
    free(rows);
}

/* ---- random graphs ------------------------------------------------------- */

static void add_edge(lp_vid **src, lp_vid **dst, int64_t *m, int64_t *cap_m, int64_t u, int64_t v)
{
    if (*m == *cap_m) {
        *cap_m = *cap_m * 2 + 16;
        *src = realloc(*src, (size_t)*cap_m * sizeof **src);
        *dst = realloc(*dst, (size_t)*cap_m * sizeof **dst);
        if (!*src || !*dst) abort();
    }
    (*src)[*m] = (lp_vid)u;
    (*dst)[*m] = (lp_vid)v;
    (*m)++;
}

static void random_cases(int n_cases, stats *S)
{
    for (int c = 0; c < n_cases; c++) {
        rng_state = 7000 + (uint64_t)c;
        int shape = c % 6, tiny = rnd_below(3) == 0;
        int64_t n = tiny ? 2 + rnd_below(11) : 2 + rnd_below(shape == 3 ? 30 : 59);
        int64_t p_person = 25 + rnd_below(40); /* share of employees among the rest */
        int *type = malloc((size_t)n * sizeof *type);
        lp_vid *src = NULL, *dst = NULL;
        int64_t m = 0, cap_m = 0;
        for (int64_t v = 0; v < n; v++) {
            int64_t r = rnd_below(100);
            type[v] = r < 6                   ? T_COMPANY
                      : r < 6 + p_person      ? T_EMPLOYEE
                      : r < 6 + p_person + 22 ? T_ACCOUNT
                      : r < 6 + p_person + 30 ? T_PARTNER
                                              : T_CONTACT;
        }
        if (shape == 0) { /* random sparse, loops and duplicates allowed */
            int64_t k = rnd_below(2 * n + 1);
            for (int64_t e = 0; e < k; e++)
                add_edge(&src, &dst, &m, &cap_m, rnd_below(n), rnd_below(n));
        } else if (shape == 1) { /* random recursive tree */
            for (int64_t v = 1; v < n; v++)
                add_edge(&src, &dst, &m, &cap_m, v, rnd_below(v));
        } else if (shape == 2) { /* a few cycles joined at random, with chords */
            int64_t start = 0;
            while (start < n) {
                int64_t len = 3 + rnd_below(8);
                if (start + len > n) len = n - start;
                for (int64_t i = 0; i + 1 < len; i++)
                    add_edge(&src, &dst, &m, &cap_m, start + i, start + i + 1);
                if (len >= 3) add_edge(&src, &dst, &m, &cap_m, start, start + len - 1);
                if (start > 0) add_edge(&src, &dst, &m, &cap_m, start, rnd_below(start));
                start += len;
            }
            for (int64_t k = rnd_below(3); k > 0; k--)
                add_edge(&src, &dst, &m, &cap_m, rnd_below(n), rnd_below(n));
        } else if (shape == 3) { /* dense */
            int64_t p = 15 + rnd_below(40);
            for (int64_t u = 0; u < n; u++)
                for (int64_t v = u + 1; v < n; v++)
                    if (rnd_below(100) < p) add_edge(&src, &dst, &m, &cap_m, u, v);
        } else if (shape == 4) { /* grid with holes and a few diagonals: many
                                  * paths of different lengths, so later
                                  * searches must reroute earlier paths */
            int64_t wd = 2 + rnd_below(6);
            for (int64_t v = 0; v < n; v++) {
                if ((v + 1) % wd && v + 1 < n && rnd_below(10) < 8)
                    add_edge(&src, &dst, &m, &cap_m, v, v + 1);
                if (v + wd < n && rnd_below(10) < 8) add_edge(&src, &dst, &m, &cap_m, v, v + wd);
                if ((v + 1) % wd && v + wd + 1 < n && rnd_below(10) < 1)
                    add_edge(&src, &dst, &m, &cap_m, v, v + wd + 1);
            }
        } else { /* small enterprise: company, employees, accounts on 1-4 employees */
            int64_t ne = 1 + n / 4;
            if (ne > n - 1) ne = n - 1;
            type[0] = T_COMPANY;
            for (int64_t v = 1; v <= ne; v++) {
                type[v] = T_EMPLOYEE;
                if (rnd_below(3) == 0) /* some reach the company only via colleagues */
                    add_edge(&src, &dst, &m, &cap_m, v, 0);
                if (v > 1) add_edge(&src, &dst, &m, &cap_m, v, 1 + rnd_below(v - 1));
            }
            for (int64_t v = ne + 1; v < n; v++) {
                int64_t r = rnd_below(10);
                type[v] = r < 6 ? T_ACCOUNT : r < 9 ? T_CONTACT : T_PARTNER;
                if (type[v] == T_CONTACT && v > ne + 1) {
                    add_edge(&src, &dst, &m, &cap_m, v, ne + 1 + rnd_below(v - ne - 1));
                    if (rnd_below(3) == 0) add_edge(&src, &dst, &m, &cap_m, v, 1 + rnd_below(ne));
                } else {
                    for (int64_t k = 1 + rnd_below(4); k > 0; k--)
                        add_edge(&src, &dst, &m, &cap_m, v, 1 + rnd_below(ne));
                }
            }
        }
        lp_graph g = make_graph(n, type, m, src, dst, &ROLE_CFG[c % 4]);
        char what[80];
        snprintf(what, sizeof what, "case %d (n=%lld shape=%d roles=%d)", c, (long long)n, shape,
                 c % 4);
        check_graph(&g, what, S);
        lp_graph_free(&g);
        free(type);
        free(src);
        free(dst);
    }
}

/* ---- hand-made graphs ---------------------------------------------------- */

static int32_t one_account(int64_t n, const int *type, int64_t m, const lp_vid *src,
                           const lp_vid *dst, const lp_roles *roles, int64_t a, int32_t cap)
{
    lp_graph g = make_graph(n, type, m, src, dst, roles);
    int32_t out = -1;
    lp_vid rows[1] = {(lp_vid)a};
    CHECK(lp_bus_factor(&out, &g, rows, 1, cap) == LP_OK, "hand-made: %s", lp_error_message());
    lp_graph_free(&g);
    return out;
}

static void hand_made(void)
{
    const lp_roles def = LP_ROLES_INIT;
    /* 0 account, 1 p, 2 x, 3 q, 4 company, 5 y1, 6 y2, 7 z1, 8 r, 9 z2
     * (p, q, r employees). a-p-x-q-company is found first; the second path
     * a-y1-y2-x must then take x over from p (x -> p_out, cancelling
     * p_out -> x) so that p leaves through z1-r-z2. Answer 2 ({p, q}). */
    {
        const int type[10] = {T_ACCOUNT, T_EMPLOYEE, T_CONTACT, T_EMPLOYEE, T_COMPANY,
                              T_CONTACT, T_CONTACT,  T_CONTACT, T_EMPLOYEE, T_CONTACT};
        const lp_vid s[] = {0, 1, 2, 3, 0, 5, 6, 1, 7, 8, 9};
        const lp_vid d[] = {1, 2, 3, 4, 5, 6, 2, 7, 8, 9, 4};
        int32_t b = one_account(10, type, 11, s, d, &def, 0, 3);
        CHECK(b == 2, "reroute through an unsplit node: bus factor %d, want 2", b);
    }
    /* 0 account, 1 p, 2 v, 3 w, 4 company, 5 q, 6 y1, 7 y2, 8 x, 9..11
     * z1..z3, 12 r, 13 z4 (p, v, w, q, r employees). a-p-v-w-company is
     * found first; the second path enters w from x and must free v entirely
     * (w_in -> v_out -> v_in -> p_out) so that p leaves through z1..z3-r-z4.
     * Answer 2 ({p, q}). */
    {
        int type[14] = {T_ACCOUNT,  T_EMPLOYEE, T_EMPLOYEE, T_EMPLOYEE, T_COMPANY,
                        T_EMPLOYEE, T_CONTACT,  T_CONTACT,  T_CONTACT,  T_CONTACT,
                        T_CONTACT,  T_CONTACT,  T_EMPLOYEE, T_CONTACT};
        const lp_vid s[] = {0, 1, 2, 3, 0, 5, 6, 7, 8, 1, 9, 10, 11, 12, 13};
        const lp_vid d[] = {1, 2, 3, 4, 5, 6, 7, 8, 3, 9, 10, 11, 12, 13, 4};
        int32_t b = one_account(14, type, 15, s, d, &def, 0, 3);
        CHECK(b == 2, "reroute freeing a person: bus factor %d, want 2", b);
    }
    /* account - contact - company: no person on the way, so cap. */
    {
        const int type[3] = {T_ACCOUNT, T_CONTACT, T_COMPANY};
        const lp_vid s[] = {0, 1}, d[] = {1, 2};
        CHECK(one_account(3, type, 2, s, d, &def, 0, 4) == 4, "person-free path must give cap");
    }
    /* account joined to an anchor employee only: the anchor is a person, so 1. */
    {
        const int type[2] = {T_ACCOUNT, T_EMPLOYEE};
        const lp_vid s[] = {0}, d[] = {1};
        const lp_roles r = {"company,employee", "employee", "account"};
        CHECK(one_account(2, type, 1, s, d, &r, 0, 3) == 1, "person anchor has capacity 1");
    }
    /* account that is itself a person and an anchor: cap. An isolated
     * account: 0. */
    {
        const int type[2] = {T_ACCOUNT, T_EMPLOYEE};
        const lp_vid s[] = {0}, d[] = {1};
        const lp_roles r = {"account", "account,employee", "account"};
        CHECK(one_account(2, type, 1, s, d, &r, 0, 3) == 3, "account that is an anchor");
        CHECK(one_account(2, type, 0, s, d, &def, 0, 3) == 0, "isolated account");
    }
    /* K(2, 5): account and company joined by 5 employees: min(5, cap). */
    {
        int type[7] = {T_ACCOUNT,  T_COMPANY,  T_EMPLOYEE, T_EMPLOYEE,
                       T_EMPLOYEE, T_EMPLOYEE, T_EMPLOYEE};
        lp_vid s[10], d[10];
        for (int i = 0; i < 5; i++) {
            s[2 * i] = 0;
            d[2 * i] = (lp_vid)(2 + i);
            s[2 * i + 1] = (lp_vid)(2 + i);
            d[2 * i + 1] = 1;
        }
        CHECK(one_account(7, type, 10, s, d, &def, 0, 3) == 3, "K(2,5) cap 3");
        CHECK(one_account(7, type, 10, s, d, &def, 0, 9) == 5, "K(2,5) cap 9");
    }
}

/* ---- errors -------------------------------------------------------------- */

static void error_paths(void)
{
    const int type[3] = {T_ACCOUNT, T_EMPLOYEE, T_COMPANY};
    const lp_vid s[] = {0, 1}, d[] = {1, 2};
    const lp_roles def = LP_ROLES_INIT;
    lp_graph g = make_graph(3, type, 2, s, d, &def);
    int32_t out[2] = {-7, -7};
    lp_vid rows[2] = {0, 0};
    CHECK(lp_bus_factor(out, &g, rows, 2, 1) == LP_EUSAGE, "cap 1 must be LP_EUSAGE");
    CHECK(lp_bus_factor(out, &g, rows, 2, 0) == LP_EUSAGE, "cap 0 must be LP_EUSAGE");
    rows[1] = 3;
    CHECK(lp_bus_factor(out, &g, rows, 2, 3) == LP_EINTERNAL, "row n must be LP_EINTERNAL");
    rows[1] = -1;
    CHECK(lp_bus_factor(out, &g, rows, 2, 3) == LP_EINTERNAL, "row -1 must be LP_EINTERNAL");
    CHECK(strlen(lp_error_message()) > 0, "error without a message");
    CHECK(out[0] == -7 && out[1] == -7, "out written on failure");
    rows[1] = 0;
    CHECK(lp_bus_factor(out, &g, rows, 0, 3) == LP_OK && out[0] == -7, "na = 0");
    CHECK(lp_bus_factor(out, &g, rows, 2, 2) == LP_OK && out[0] == 1 && out[1] == 1,
          "tiny chain: %d %d", out[0], out[1]);
    lp_graph_free(&g);
}

/* ---- a generated enterprise above LP_PARALLEL_MIN ------------------------ */

static void large_enterprise(void)
{
    lp_graph g = lp_test_enterprise(25000, 11);
    lp_vid *rows;
    int64_t na = account_rows(&g, &rows);
    CHECK(na >= LP_PARALLEL_MIN, "large case has only %lld accounts", (long long)na);

    const int threads[3] = {1, 2, 8};
    int32_t *bf[3];
    double secs[3];
    for (int i = 0; i < 3; i++) {
        set_threads(threads[i]);
        bf[i] = malloc((size_t)na * sizeof *bf[i]);
        double t0 = now();
        CHECK(lp_bus_factor(bf[i], &g, rows, na, LP_BUS_FACTOR_CAP_DEFAULT) == LP_OK, "large: %s",
              lp_error_message());
        secs[i] = now() - t0;
    }
    set_threads(1);
    CHECK(!memcmp(bf[0], bf[1], (size_t)na * sizeof *bf[0]) &&
              !memcmp(bf[0], bf[2], (size_t)na * sizeof *bf[0]),
          "large enterprise: results differ between 1, 2 and 8 threads");

    int64_t hist[LP_BUS_FACTOR_CAP_DEFAULT + 1] = {0};
    for (int64_t i = 0; i < na; i++)
        hist[bf[0][i]]++;
    printf("large enterprise: n=%lld m=%lld accounts=%lld; bus factor 0:%lld 1:%lld 2:%lld "
           ">=3:%lld\n",
           (long long)g.n, (long long)g.m, (long long)na, (long long)hist[0], (long long)hist[1],
           (long long)hist[2], (long long)hist[3]);
    printf("large enterprise: lp_bus_factor %.3f s (1 thread), %.3f s (2), %.3f s (8)\n", secs[0],
           secs[1], secs[2]);
    CHECK(hist[1] > 1000 && hist[2] > 100 && hist[3] > 1000,
          "large enterprise: histogram does not exercise all values");

    lp_keyperson kp;
    if (lp_keyperson_run(&kp, &g)) abort();
    for (int64_t i = 0; i < na; i++) {
        int has_kp = kp.key_persons_offsets[i + 1] > kp.key_persons_offsets[i];
        CHECK((bf[0][i] == 1) == has_kp && (bf[0][i] == 0) == !kp.account_connected[i],
              "large enterprise: account %lld: bus factor %d, key persons %d, connected %d",
              (long long)rows[i], bf[0][i], has_kp, kp.account_connected[i]);
    }
    lp_keyperson_free(&kp);

    /* a sample of accounts against igraph's max flow on the whole graph */
    split_graph sg;
    split_graph_build(&sg, &g);
    rng_state = 99;
    for (int s = 0; s < 12; s++) {
        int64_t i = rnd_below(na);
        int32_t want = oracle_maxflow(&sg, g.n, rows[i], LP_BUS_FACTOR_CAP_DEFAULT);
        CHECK(bf[0][i] == want, "large enterprise: account %lld: bus factor %d, igraph %d",
              (long long)rows[i], bf[0][i], want);
    }
    split_graph_free(&sg);

    for (int i = 0; i < 3; i++)
        free(bf[i]);
    free(rows);
    lp_graph_free(&g);
}

int main(void)
{
    stats S;
    memset(&S, 0, sizeof S);
    error_paths();
    hand_made();
    random_cases(4000, &S);
    printf("random cases: %lld accounts (cap 5) 0:%lld 1:%lld 2:%lld 3:%lld 4:%lld 5+:%lld; "
           "%lld brute-forced\n",
           (long long)S.accounts, (long long)S.by_value[0], (long long)S.by_value[1],
           (long long)S.by_value[2], (long long)S.by_value[3], (long long)S.by_value[4],
           (long long)S.by_value[5], (long long)S.brute_checked);
    /* the random cases must exercise every value, and brute force must run */
    for (int v = 0; v <= 5; v++)
        CHECK(S.by_value[v] >= 10, "random cases: only %lld accounts with bus factor %d",
              (long long)S.by_value[v], v);
    CHECK(S.brute_checked >= 100, "only %lld accounts brute-forced", (long long)S.brute_checked);
    large_enterprise();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_busfactor: all checks passed\n");
    return 0;
}
