/* test_graph_merge.c — lp_graph_build / lp_graph_build_lists (the parallel
 * bucketed merge of duplicate edge rows) against a brute-force reference:
 * rows oriented, sorted by (smaller end, larger end, row number) with
 * qsort, equal pairs summed left to right, then each node's neighbours
 * listed in ascending order. The CSR must equal it bit for bit, at 1, 2 and
 * 8 threads, whether the rows come as one list or split into several; the
 * merged and self-loop counts too. Cases: many duplicates with weights
 * whose sum depends on the order (1e16 + 1 + 1), hubs holding most rows
 * (one bucket far bigger than the others), node counts around the bucket
 * width, and a node count large enough for wider buckets. Lists whose
 * rows give weight classes (wix, wtab) instead of weights must give the
 * same CSR bit for bit (every other list so, classes in reverse row order
 * from a negative wix_lo); a class outside the table is refused. */
#include "lp_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    lp_vid u, v;
    int64_t k;
    double w;
} ref_row;

static int cmp_row(const void *a, const void *b)
{
    const ref_row *x = a, *y = b;
    if (x->u != y->u) return x->u < y->u ? -1 : 1;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* Reference CSR of rows (src, dst, w)[0..m) over n nodes. */
typedef struct {
    int64_t *offset;
    lp_vid *adj;
    double *weight;
    int64_t m, merged, loops;
} ref_csr;

static void ref_build(ref_csr *r, int64_t n, const lp_vid *src, const lp_vid *dst, const double *w,
                      int64_t m)
{
    ref_row *rows = malloc((size_t)(m + 1) * sizeof *rows);
    int64_t m0 = 0;
    r->loops = 0;
    for (int64_t k = 0; k < m; k++) {
        if (src[k] == dst[k]) {
            r->loops++;
            continue;
        }
        ref_row x = {src[k] < dst[k] ? src[k] : dst[k], src[k] < dst[k] ? dst[k] : src[k], k, w[k]};
        rows[m0++] = x;
    }
    qsort(rows, (size_t)m0, sizeof *rows, cmp_row);
    int64_t me = 0;
    for (int64_t j = 0; j < m0; j++) {
        if (me > 0 && rows[me - 1].u == rows[j].u && rows[me - 1].v == rows[j].v)
            rows[me - 1].w += rows[j].w;
        else
            rows[me++] = rows[j];
    }
    r->m = me;
    r->merged = m0 - me;
    int64_t *deg = calloc((size_t)n + 1, sizeof *deg);
    for (int64_t j = 0; j < me; j++) {
        deg[rows[j].u]++;
        deg[rows[j].v]++;
    }
    r->offset = calloc((size_t)n + 1, sizeof *r->offset);
    for (int64_t v = 0; v < n; v++)
        r->offset[v + 1] = r->offset[v] + deg[v];
    r->adj = malloc((size_t)(2 * me + 1) * sizeof *r->adj);
    r->weight = malloc((size_t)(2 * me + 1) * sizeof *r->weight);
    /* fill each list, then sort it by neighbour (insertion: lists are short
     * or come nearly sorted) */
    int64_t *at = malloc((size_t)(n + 1) * sizeof *at);
    memcpy(at, r->offset, (size_t)(n + 1) * sizeof *at);
    for (int64_t j = 0; j < me; j++) {
        int64_t a = at[rows[j].u]++, b = at[rows[j].v]++;
        r->adj[a] = rows[j].v;
        r->weight[a] = rows[j].w;
        r->adj[b] = rows[j].u;
        r->weight[b] = rows[j].w;
    }
    for (int64_t v = 0; v < n; v++)
        for (int64_t i = r->offset[v] + 1; i < r->offset[v + 1]; i++) {
            lp_vid x = r->adj[i];
            double y = r->weight[i];
            int64_t j = i;
            while (j > r->offset[v] && r->adj[j - 1] > x) {
                r->adj[j] = r->adj[j - 1];
                r->weight[j] = r->weight[j - 1];
                j--;
            }
            r->adj[j] = x;
            r->weight[j] = y;
        }
    free(at);
    free(deg);
    free(rows);
}

static void ref_free(ref_csr *r)
{
    free(r->offset);
    free(r->adj);
    free(r->weight);
}

static lp_nodes make_nodes(int64_t n)
{
    lp_nodes nodes = LP_NODES_INIT;
    char id[32];
    for (int64_t v = 0; v < n; v++) {
        int len = snprintf(id, sizeof id, "n%lld", (long long)v);
        if (lp_nodes_push(&nodes, id, (size_t)len, 0, 0.0)) abort();
    }
    if (lp_strtab_push(&nodes.type_name, "x", 1)) abort();
    return nodes;
}

/* Rows [a, b) as a list with weight classes: row k's class is
 * lo + (b - 1 - k), the table holds w[k] at that place. */
static lp_edges class_list(const lp_vid *src, const lp_vid *dst, const double *w, int64_t a,
                           int64_t b, int32_t lo)
{
    lp_edges e = LP_EDGES_INIT;
    int64_t n = b - a;
    e.m = e.cap = n;
    e.src = malloc((size_t)(n ? n : 1) * sizeof *e.src);
    e.dst = malloc((size_t)(n ? n : 1) * sizeof *e.dst);
    e.wix = malloc((size_t)(n ? n : 1) * sizeof *e.wix);
    e.wtab = malloc((size_t)(n ? n : 1) * sizeof *e.wtab);
    if (!e.src || !e.dst || !e.wix || !e.wtab) abort();
    e.wix_lo = lo;
    e.wtab_n = n;
    for (int64_t k = a; k < b; k++) {
        e.src[k - a] = src[k];
        e.dst[k - a] = dst[k];
        e.wix[k - a] = (int32_t)(lo + (b - 1 - k));
        e.wtab[b - 1 - k] = w[k];
    }
    return e;
}

/* Build rows (split into nparts lists at the given cuts; with classes,
 * the odd-numbered lists give weight classes) and compare. */
static void check_case(const char *what, int64_t n, const lp_vid *src, const lp_vid *dst,
                       const double *w, int64_t m, const ref_csr *r, int nparts, int threads,
                       int classes)
{
    set_threads(threads);
    lp_nodes nodes = make_nodes(n);
    lp_edges lists[4];
    for (int p = 0; p < nparts; p++) {
        lp_edges e = LP_EDGES_INIT;
        int64_t a = m * p / nparts, b = m * (p + 1) / nparts;
        if (classes && (p % 2 == 1 || nparts == 1)) {
            lists[p] = class_list(src, dst, w, a, b, -1000 - p);
            continue;
        }
        for (int64_t k = a; k < b; k++)
            if (lp_edges_push(&e, src[k], dst[k], w[k])) abort();
        lists[p] = e;
    }
    lp_graph g;
    lp_status st = nparts == 1 && !classes ? lp_graph_build(&g, &nodes, &lists[0])
                                           : lp_graph_build_lists(&g, &nodes, lists, nparts);
    CHECK(st == LP_OK, "%s: build failed: %s", what, lp_error_message());
    if (st) {
        lp_nodes_free(&nodes);
        return;
    }
    CHECK(g.n == n && g.m == r->m, "%s (%d parts, %d threads, classes %d): m %lld, want %lld", what,
          nparts, threads, classes, (long long)g.m, (long long)r->m);
    CHECK(g.merged_duplicates == r->merged && g.dropped_self_loops == r->loops,
          "%s (%d parts, %d threads, classes %d): merged %lld loops %lld, want %lld %lld", what,
          nparts, threads, classes, (long long)g.merged_duplicates, (long long)g.dropped_self_loops,
          (long long)r->merged, (long long)r->loops);
    if (g.m == r->m) {
        int same = memcmp(g.csr.offset, r->offset, (size_t)(n + 1) * sizeof *r->offset) == 0 &&
                   memcmp(g.csr.adj, r->adj, (size_t)(2 * r->m) * sizeof *r->adj) == 0 &&
                   memcmp(g.csr.weight, r->weight, (size_t)(2 * r->m) * sizeof *r->weight) == 0;
        CHECK(same, "%s (%d parts, %d threads, classes %d): CSR differs from the reference", what,
              nparts, threads, classes);
    }
    lp_graph_free(&g);
}

static void run_case(const char *what, int64_t n, int64_t m, int hubs, int dup_pairs)
{
    lp_vid *src = malloc((size_t)m * sizeof *src), *dst = malloc((size_t)m * sizeof *dst);
    double *w = malloc((size_t)m * sizeof *w);
    for (int64_t k = 0; k < m; k++) {
        int64_t a, b;
        if (dup_pairs > 0) { /* few distinct pairs: many duplicates */
            int64_t p = rnd_below(dup_pairs);
            a = (p * 7919) % n;
            b = (p * 104729 + 1) % n;
        } else if (hubs > 0 && rnd_below(4) != 0) { /* most rows at a hub */
            a = rnd_below(hubs);
            b = rnd_below(n);
        } else {
            a = rnd_below(n);
            b = rnd_below(n);
        }
        if (rnd_below(2)) {
            int64_t t = a;
            a = b;
            b = t;
        }
        src[k] = (lp_vid)a;
        dst[k] = (lp_vid)b;
        /* magnitudes from 1e-3 to 1e13: sums depend on their order */
        w[k] = ldexp((double)(rnd() >> 11) / 9007199254740992.0 + 0.5, (int)rnd_below(54) - 10);
    }
    ref_csr r;
    ref_build(&r, n, src, dst, w, m);
    static const int threads[] = {1, 2, 8};
    for (int t = 0; t < 3; t++)
        for (int parts = 1; parts <= 3; parts++)
            for (int classes = 0; classes < 2; classes++)
                check_case(what, n, src, dst, w, m, &r, parts, threads[t], classes);
    ref_free(&r);
    free(src);
    free(dst);
    free(w);
}

/* The order of a sum is that of the rows: 1e16 + 1 + 1 = 1e16 exactly
 * (each 1 is lost to rounding), 1 + 1 + 1e16 = 1e16 + 2. */
static void order_case(void)
{
    for (int first_big = 0; first_big < 2; first_big++) {
        set_threads(2);
        lp_nodes nodes = make_nodes(3);
        lp_edges a = LP_EDGES_INIT, b = LP_EDGES_INIT;
        /* rows: (0,2) in both directions, split across two lists */
        if (first_big) {
            if (lp_edges_push(&a, 2, 0, 1e16) || lp_edges_push(&a, 0, 1, 5) ||
                lp_edges_push(&b, 0, 2, 1) || lp_edges_push(&b, 2, 0, 1))
                abort();
        } else {
            if (lp_edges_push(&a, 2, 0, 1) || lp_edges_push(&a, 0, 1, 5) ||
                lp_edges_push(&b, 0, 2, 1) || lp_edges_push(&b, 2, 0, 1e16))
                abort();
        }
        lp_edges lists[2] = {a, b};
        lp_graph g;
        lp_status st = lp_graph_build_lists(&g, &nodes, lists, 2);
        CHECK(st == LP_OK, "order: %s", lp_error_message());
        if (st) continue;
        double want = first_big ? 1e16 : 1e16 + 2;
        /* node 0: neighbours 1, 2 */
        CHECK(g.m == 2 && g.csr.adj[1] == 2 && g.csr.weight[1] == want && g.merged_duplicates == 2,
              "order (big first %d): weight %.17g, want %.17g", first_big, g.csr.weight[1], want);
        lp_graph_free(&g);
    }
}

/* Two overflowing pairs: the message names the first in (u, v) order. */
static void overflow_case(void)
{
    static const int threads[] = {1, 2, 8};
    for (int t = 0; t < 3; t++) {
        set_threads(threads[t]);
        lp_nodes nodes = make_nodes(200);
        lp_edges e = LP_EDGES_INIT;
        if (lp_edges_push(&e, 150, 199, 1e308) || lp_edges_push(&e, 3, 4, 1.0) ||
            lp_edges_push(&e, 199, 150, 1e308) || lp_edges_push(&e, 70, 5, 1e308) ||
            lp_edges_push(&e, 5, 70, 1e308))
            abort();
        lp_graph g;
        lp_status st = lp_graph_build(&g, &nodes, &e);
        CHECK(st == LP_EINPUT &&
                  strcmp(lp_error_message(),
                         "edge \"n5\" - \"n70\": the weights of its duplicate rows add up to more "
                         "than 1.798e+308 (the largest number)") == 0,
              "overflow (%d threads): status %d, message '%s'", threads[t], (int)st,
              lp_error_message());
        CHECK(e.m == 0 && e.src == NULL, "overflow: the edge list was not consumed");
        CHECK(nodes.id.count == 200, "overflow: the node table was not left with the caller");
        lp_nodes_free(&nodes);
        if (!st) lp_graph_free(&g);
    }
}

/* A row whose class is outside the table: refused (a defect of the
 * caller), the lists consumed, the nodes left with the caller. */
static void class_range_case(void)
{
    static const lp_vid src[3] = {0, 1, 2}, dst[3] = {1, 2, 0};
    static const double w[3] = {1, 2, 3};
    for (int bad = 0; bad < 3; bad++) {
        lp_nodes nodes = make_nodes(3);
        lp_edges e = class_list(src, dst, w, 0, 3, 5);
        if (bad == 1) e.wix[1] = 4; /* below wix_lo */
        if (bad == 2) e.wix[2] = 8; /* past the table */
        lp_graph g;
        lp_status st = lp_graph_build_lists(&g, &nodes, &e, 1);
        CHECK(bad ? st == LP_EINTERNAL : st == LP_OK, "class range %d: status %d (%s)", bad,
              (int)st, lp_error_message());
        CHECK(e.m == 0 && e.wix == NULL && e.wtab == NULL, "class range %d: not consumed", bad);
        if (!st) {
            CHECK(g.m == 3 && g.csr.weight[0] == 1 && g.csr.weight[1] == 3,
                  "class range: weights %g %g", g.csr.weight[0], g.csr.weight[1]);
            lp_graph_free(&g);
        } else {
            lp_nodes_free(&nodes);
        }
    }
}

/* Bad rows (a caller's defect, found in the build's parallel first pass):
 * the message names the first in row order at any thread count, two bad
 * rows far apart in the second of two lists. */
static void bad_row_case(void)
{
    static const int threads[] = {1, 2, 8};
    for (int kind = 0; kind < 2; kind++)
        for (int t = 0; t < 3; t++) {
            set_threads(threads[t]);
            lp_nodes nodes = make_nodes(1000);
            lp_edges a = LP_EDGES_INIT, b = LP_EDGES_INIT;
            for (int64_t k = 0; k < 100000; k++)
                if (lp_edges_push(&a, (lp_vid)(k % 1000), (lp_vid)(k * 7 % 1000), 1.0) ||
                    lp_edges_push(&b, (lp_vid)(k * 3 % 1000), (lp_vid)(k % 999), 2.0))
                    abort();
            /* list b's rows 60000 and 90000 (rows 160000 and 190000) */
            if (kind == 0) {
                b.dst[60000] = 1000;
                b.weight[90000] = 0;
            } else {
                b.weight[60000] = -1;
                b.src[90000] = -1;
            }
            lp_edges lists[2] = {a, b};
            lp_graph g;
            lp_status st = lp_graph_build_lists(&g, &nodes, lists, 2);
            const char *want = kind == 0 ? "edge 160000 names node row out of range"
                                         : "edge 160000 has a non-positive weight";
            CHECK(st == LP_EINTERNAL && strcmp(lp_error_message(), want) == 0,
                  "bad row %d (%d threads): status %d, message '%s'", kind, threads[t], (int)st,
                  lp_error_message());
            CHECK(lists[0].src == NULL && lists[1].src == NULL, "bad row: lists not consumed");
            if (!st)
                lp_graph_free(&g);
            else
                lp_nodes_free(&nodes);
        }
}

int main(void)
{
    rng_state = 12;
    class_range_case();
    bad_row_case();
    order_case();
    overflow_case();
    run_case("empty", 5, 0, 0, 0);
    run_case("tiny", 3, 40, 0, 0);
    run_case("one bucket", 64, 30000, 0, 0);
    run_case("bucket edge", 65, 30000, 0, 0);
    run_case("uniform", 20000, 120000, 0, 0);
    run_case("hubs", 50000, 200000, 3, 0);
    run_case("duplicates", 100000, 200000, 0, 500);
    run_case("wide buckets", ((int64_t)1 << 22) + 5, 100000, 40, 0);
    if (failures) fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
