/* test_graphstore.c — the binary graph store (io/graphstore.c).
 *
 *  1. Round trips: generated enterprises (awkward ids, merged duplicates,
 *     dropped self-loops, compact and human-like ids, one graph with several
 *     chunks per dataset) and hand-made graphs (UTF-8, commas, quotes, line
 *     breaks, an empty type name, no revenue column, isolated nodes, no
 *     edges, no nodes) must read back exactly: ids, types, type names,
 *     revenue bitwise, has_revenue, CSR and weights bitwise, counts, the
 *     igraph copy made on demand, and, from CSV files, the load report. The
 *     whole analysis (lp_analyze) on the store's graph equals the one on the
 *     CSV's, bitwise. Reading at 1 and 8 threads gives the same graph.
 *  2. An independent writer (raw HDF5 calls, contiguous or our chunked
 *     layout, big-endian integers) makes a valid store that must be read,
 *     then deliberately bad ones, each refused with LP_EINPUT and its
 *     message: format name, version, sizes, offsets, UTF-8, NUL, empty and
 *     duplicate ids, type rows, revenue, every edge defect, weights, counts,
 *     types and shapes of datasets, missing objects.
 *  3. Corruption: a store is damaged by single bit flips (every k-th byte
 *     plus random ones, so superblock, object headers, chunk indexes and
 *     chunks are all hit) and by truncation at many lengths; each damaged
 *     copy is read in a fork()ed child, which must return either LP_EINPUT
 *     with a message starting with the path, or LP_OK with a graph equal to
 *     the original. A signal (crash, abort) or any other status fails.
 *  4. Writing: a target directory that does not exist and a target that is
 *     a directory give LP_EOUTPUT; a write that fails half-way (file-size
 *     limit, in a child) leaves the earlier file byte-identical and no
 *     temporary; an inconsistent graph is LP_EINTERNAL and writes nothing.
 */
#define _XOPEN_SOURCE 700 /* SIGXFSZ, setrlimit, mkdtemp */

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>

#include "lp_csv.h"
#include "lp_graphstore.h"
#include "lp_pipeline.h"
#include "lp_test.h"
#include "lp_test_files.h"

static char tmpdir[4096];

static const char *path_in(const char *name)
{
    static char buf[4][4200];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static void die(const char *what)
{
    fprintf(stderr, "test_graphstore: %s: %s\n", what, lp_error_message());
    exit(1);
}

/* ---- comparing graphs --------------------------------------------------- */

/* NULL if a and b are the same graph (everything the store keeps), else
 * what differs first. */
static const char *graph_diff(const lp_graph *a, const lp_graph *b)
{
    static char why[256];
    if (a->n != b->n || a->m != b->m) return "n or m";
    if (a->merged_duplicates != b->merged_duplicates) return "merged_duplicates";
    if (a->dropped_self_loops != b->dropped_self_loops) return "dropped_self_loops";
    if (a->nodes.has_revenue != b->nodes.has_revenue) return "has_revenue";
    if (a->nodes.id.count != b->nodes.id.count) return "id count";
    if (a->nodes.type_name.count != b->nodes.type_name.count) return "type count";
    for (int64_t t = 0; t < a->nodes.type_name.count; t++)
        if (strcmp(lp_strtab_get(&a->nodes.type_name, t), lp_strtab_get(&b->nodes.type_name, t)))
            return "type name";
    for (int64_t i = 0; i < a->n; i++) {
        if (strcmp(lp_strtab_get(&a->nodes.id, i), lp_strtab_get(&b->nodes.id, i))) {
            snprintf(why, sizeof why, "id of node %lld", (long long)i);
            return why;
        }
        if (a->nodes.type[i] != b->nodes.type[i]) return "type";
        if (memcmp(&a->nodes.revenue[i], &b->nodes.revenue[i], sizeof(double))) return "revenue";
    }
    if (a->csr.n != b->csr.n || a->csr.m != b->csr.m) return "CSR size";
    if (memcmp(a->csr.offset, b->csr.offset, (size_t)(a->n + 1) * sizeof *a->csr.offset))
        return "CSR offsets";
    size_t arcs = (size_t)(2 * a->m);
    if (arcs && memcmp(a->csr.adj, b->csr.adj, arcs * sizeof *a->csr.adj)) return "CSR adj";
    if (arcs && memcmp(a->csr.weight, b->csr.weight, arcs * sizeof *a->csr.weight))
        return "CSR weights";
    return NULL;
}

/* b's igraph copy (made on demand) has a's edges: edge e = the e-th pair
 * (u, v), u < v, of a's CSR, with its weight. */
static int igraph_same(const lp_graph *a, lp_graph *b)
{
    if (lp_graph_build_igraph(b) != LP_OK || !b->has_ig) return 0;
    if (igraph_vcount(&b->ig) != a->n || igraph_ecount(&b->ig) != a->m) return 0;
    igraph_integer_t e = 0;
    for (int64_t u = 0; u < a->n; u++)
        for (int64_t k = a->csr.offset[u]; k < a->csr.offset[u + 1]; k++) {
            if (a->csr.adj[k] < u) continue;
            igraph_integer_t f = IGRAPH_FROM(&b->ig, e), t = IGRAPH_TO(&b->ig, e);
            if (f > t) { /* igraph may store an undirected edge either way round */
                igraph_integer_t x = f;
                f = t;
                t = x;
            }
            if (f != u || t != a->csr.adj[k] ||
                memcmp(&VECTOR(b->ig_weight)[e], &a->csr.weight[k], sizeof(double)))
                return 0;
            e++;
        }
    return e == a->m;
}

static int same_bytes(const void *a, const void *b, size_t len)
{
    return len == 0 || (a && b && memcmp(a, b, len) == 0);
}

/* Within 1e-9 relative: exact betweenness adds per-thread partial sums in
 * an order that depends on scheduling (DESIGN.md's tolerance), even for one
 * and the same graph. */
static int close_enough(const double *a, const double *b, size_t n)
{
    if (!a || !b) return a == b;
    for (size_t i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) > 1e-9 * fmax(1.0, fabs(a[i]))) return 0;
    return 1;
}

/* lp_analyze on both graphs (already equal) must give the same analysis:
 * bitwise but for exact betweenness (close_enough). */
static void check_same_analysis(lp_graph *a, lp_graph *b, const char *what)
{
    lp_analyze_options o = LP_ANALYZE_OPTIONS_INIT;
    o.betweenness = a->n <= 5000 ? LP_BW_EXACT : LP_BW_SAMPLED;
    lp_analysis x, y;
    if (lp_analyze(&x, a, &o)) die("lp_analyze");
    if (lp_analyze(&y, b, &o)) die("lp_analyze");
    size_t n = (size_t)a->n, na = (size_t)x.kp.n_accounts;
    const char *diff = NULL;
#define SAME(cond)                                                                                 \
    if (!diff && !(cond)) diff = #cond
    SAME(x.kp.n_accounts == y.kp.n_accounts);
    SAME(same_bytes(x.degree, y.degree, n * sizeof *x.degree));
    SAME(same_bytes(x.strength, y.strength, n * sizeof *x.strength));
    SAME(same_bytes(x.kp.is_articulation, y.kp.is_articulation, n));
    SAME(same_bytes(x.kp.accounts_at_risk, y.kp.accounts_at_risk, n * sizeof(int64_t)));
    SAME(same_bytes(x.kp.revenue_at_risk, y.kp.revenue_at_risk, n * sizeof(double)));
    SAME(same_bytes(x.kp.account_node, y.kp.account_node, na * sizeof(int64_t)));
    SAME(same_bytes(x.kp.kp_offsets, y.kp.kp_offsets, (na + 1) * sizeof(int64_t)));
    SAME(same_bytes(x.kp.kp, y.kp.kp, (size_t)x.kp.kp_offsets[na] * sizeof(int64_t)));
    SAME(same_bytes(x.brokerage, y.brokerage, n * sizeof(double)));
    SAME(close_enough(x.betweenness, y.betweenness, n));
    SAME(same_bytes(x.pagerank, y.pagerank, n * sizeof(double)));
    SAME(same_bytes(x.bus_factor, y.bus_factor, na * sizeof(int32_t)));
    SAME(same_bytes(x.dominant_share, y.dominant_share, na * sizeof(double)));
    SAME(x.n_top_persons == y.n_top_persons);
    SAME(same_bytes(x.top_persons, y.top_persons, (size_t)x.n_top_persons * 8));
#undef SAME
    int same = diff == NULL;
    CHECK(same, "%s: analysis of the store's graph differs from the original's: %s", what, diff);
    lp_analysis_free(&x);
    lp_analysis_free(&y);
}

/* ---- 1. round trips ----------------------------------------------------- */

static lp_graph generated(int64_t accounts, uint64_t seed, int names, int awkward)
{
    lp_generate_options o = LP_GENERATE_OPTIONS_INIT;
    o.accounts = accounts;
    o.seed = seed;
    o.names = names;
    o.awkward = awkward;
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    lp_graph g;
    if (lp_generate(&nodes, &edges, &o) || lp_graph_build(&g, &nodes, &edges)) die("generate");
    return g;
}

/* Write g, read it back (at `threads` threads), compare everything. */
static void roundtrip(lp_graph *g, const lp_load_report *rep, const char *what, int threads,
                      int analyse)
{
    const char *path = path_in("rt.h5");
    lp_status st = lp_graphstore_write(path, g, rep);
    CHECK(st == LP_OK, "%s: write: %s", what, lp_error_message());
    if (st) return;
    set_threads(threads);
    lp_graph h;
    lp_graphstore_info info;
    st = lp_graphstore_read(&h, &info, path);
    set_threads(2);
    CHECK(st == LP_OK, "%s: read: %s", what, lp_error_message());
    if (st) return;
    const char *d = graph_diff(g, &h);
    CHECK(d == NULL, "%s: read back differs: %s", what, d);
    CHECK(h.has_ig == 0, "%s: igraph copy built", what);
    CHECK(info.created && strlen(info.created) == 20 && info.linchpin_version, "%s: info", what);
    if (rep) {
        const lp_load_report *r = &info.report;
        CHECK(info.has_files && r->node_rows == rep->node_rows && r->edge_rows == rep->edge_rows &&
                  r->skipped_rows == rep->skipped_rows &&
                  !strcmp(r->nodes_file.path, rep->nodes_file.path) &&
                  !strcmp(r->edges_file.path, rep->edges_file.path) &&
                  r->nodes_file.size == rep->nodes_file.size &&
                  r->edges_file.size == rep->edges_file.size &&
                  r->nodes_file.crc32 == rep->nodes_file.crc32 &&
                  r->edges_file.crc32 == rep->edges_file.crc32,
              "%s: load report differs", what);
    } else {
        const lp_load_report *r = &info.report;
        CHECK(!info.has_files && r->node_rows == g->n &&
                  r->edge_rows == g->m + g->merged_duplicates + g->dropped_self_loops &&
                  r->skipped_rows == 0 && !strcmp(r->nodes_file.path, "") &&
                  r->nodes_file.size == -1,
              "%s: report without files", what);
    }
    if (d == NULL && analyse) check_same_analysis(g, &h, what);
    if (d == NULL) CHECK(igraph_same(g, &h), "%s: igraph copy differs", what);
    lp_graphstore_info_free(&info);
    lp_graph_free(&h);
}

/* Hand-made: every id oddity the CSV loader accepts. */
static lp_graph handmade(int with_revenue, int with_edges)
{
    static const char *const ids[] = {"ACME",
                                      "Zo\xc3\xab \"Z\", Ltd.",
                                      "line\nbreak",
                                      "  padded  ",
                                      "\xf0\x9f\x98\x80",
                                      "comma,comma",
                                      "x",
                                      "\xe6\x97\xa5\xe6\x9c\xac",
                                      "a\"b\"\"c",
                                      "isolated-node",
                                      "tab\there"};
    static const int32_t type[] = {0, 2, 1, 1, 3, 2, 1, 3, 2, 4, 3};
    static const char *const types[] = {"company", "employee", "account", "", "t\xc3\xbdpe,2"};
    static const double revenue[] = {0, 10.5, 0, 0, 0, 1e300, 0, 0, 7.25, 0, 4.9e-324};
    static const lp_vid e[][2] = {{0, 2}, {2, 0}, {0, 3}, {2, 1}, {3, 5}, {5, 4},  {6, 6},
                                  {4, 7}, {7, 8}, {8, 6}, {6, 0}, {1, 1}, {10, 0}, {2, 1}};
    static const double w[] = {1, 2, 0.5, 1e-300, 3, 1, 1, 2, 1e300, 7, 1, 1, 0.1, 4};
    int nn = (int)(sizeof ids / sizeof *ids), ne = (int)(sizeof w / sizeof *w);
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < 5; t++)
        if (lp_strtab_push(&nodes.type_name, types[t], strlen(types[t]))) die("types");
    for (int i = 0; i < nn; i++)
        if (lp_nodes_push(&nodes, ids[i], strlen(ids[i]), type[i], with_revenue ? revenue[i] : 0))
            die("nodes");
    nodes.has_revenue = with_revenue;
    for (int k = 0; with_edges && k < ne; k++)
        if (lp_edges_push(&edges, e[k][0], e[k][1], w[k])) die("edges");
    lp_graph g;
    if (lp_graph_build(&g, &nodes, &edges)) die("build");
    return g;
}

static void write_text(const char *path, const char *text)
{
    lp_test_spit(path, text, strlen(text));
}

static void test_roundtrips(void)
{
    lp_load_report rep;
    memset(&rep, 0, sizeof rep);
    rep.nodes_file = (lp_input_file){"dir/n\xc3\xb6"
                                     "des.csv",
                                     1234, 0xdeadbeefu};
    rep.edges_file = (lp_input_file){"edges.csv.gz", -1, 0};
    rep.node_rows = 99;
    rep.edge_rows = 1000;
    rep.skipped_rows = 3;

    lp_graph g = lp_test_enterprise(400, 1); /* awkward ids, duplicates, self-loops */
    CHECK(g.merged_duplicates > 0 && g.dropped_self_loops > 0, "enterprise lacks duplicates");
    roundtrip(&g, &rep, "enterprise 400", 2, 1);
    roundtrip(&g, NULL, "enterprise 400 at 1 thread", 1, 0);
    roundtrip(&g, NULL, "enterprise 400 at 8 threads", 8, 0);
    lp_graph_free(&g);

    g = generated(700, 7, 1, 0); /* human-like ids */
    roundtrip(&g, NULL, "enterprise 700 with names", 2, 1);
    lp_graph_free(&g);

    /* Several chunks per dataset (2^18 elements each), a partial last one. */
    g = lp_test_enterprise(70000, 3);
    CHECK(g.m > 262144 + 1000, "enterprise 70000 has only %lld edges", (long long)g.m);
    roundtrip(&g, NULL, "enterprise 70000 at 8 threads", 8, 0);
    roundtrip(&g, NULL, "enterprise 70000 at 1 thread", 1, 0);
    lp_graph_free(&g);

    g = handmade(1, 1);
    CHECK(g.merged_duplicates == 2 && g.dropped_self_loops == 2, "handmade counts");
    roundtrip(&g, &rep, "handmade", 2, 0);
    lp_graph_free(&g);
    g = handmade(0, 1);
    roundtrip(&g, NULL, "handmade without revenue", 2, 0);
    lp_graph_free(&g);
    g = handmade(1, 0);
    roundtrip(&g, NULL, "handmade without edges", 2, 0);
    lp_graph_free(&g);

    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    if (lp_graph_build(&g, &nodes, &edges)) die("empty graph");
    roundtrip(&g, NULL, "no nodes", 2, 0);
    lp_graph_free(&g);

    /* From CSV files: the report (paths, sizes, CRCs, rows, skipped rows)
     * survives, and the analyses agree. */
    const char *np = path_in("nodes.csv"), *ep = path_in("edges.csv");
    write_text(np, "\xef\xbb\xbfid,type,name,revenue,extra\r\n"
                   "hq,company,Head Office,,x\r\n"
                   "\"Zo\xc3\xab \"\"Z\"\", Ltd.\",account,\"multi\nline\",100.5,\r\n"
                   "alice,employee,,0,\r\n"
                   "bob,employee,,,\r\n"
                   "\"a,b\",contact,,,\r\n"
                   "bad,account,,-1,\r\n"
                   "orphan,account,,3,\r\n");
    write_text(ep, "source,target,weight,type\n"
                   "hq,alice,2,works\n"
                   "alice,\"Zo\xc3\xab \"\"Z\"\", Ltd.\",,sells\n"
                   "\"Zo\xc3\xab \"\"Z\"\", Ltd.\",alice,3,\n"
                   "bob,\"a,b\",1.5,\n"
                   "bob,bob,1,\n"
                   "\"a,b\",\"Zo\xc3\xab \"\"Z\"\", Ltd.\",0.25,\n"
                   "hq,bob,1,\n"
                   "nobody,hq,1,\n");
    lp_load_options lo = LP_LOAD_OPTIONS_INIT;
    lo.skip_bad_rows = 1;
    lp_load_report crep;
    if (lp_graph_load_csv(&g, &crep, np, ep, &lo)) die("load csv");
    CHECK(crep.skipped_rows == 2, "CSV: %lld rows skipped", (long long)crep.skipped_rows);
    roundtrip(&g, &crep, "from CSV", 2, 1);
    lp_graph_free(&g);
}

/* ---- 2. an independent writer: raw HDF5 calls -------------------------- */

/* Everything a store holds, as plain arrays, so that tests can break any
 * part before writing. */
typedef struct raw_store {
    const char *format;
    int64_t version, n_attr, m_attr, has_revenue, merged, loops;
    int64_t n, nbytes, t, tbytes, m;
    unsigned char *id_bytes, *type_bytes;
    int64_t *id_off, *type_off;
    int32_t *type;
    double *revenue;
    int32_t *src, *dst;
    double *weight;
    int64_t node_rows, edge_rows, skipped_rows;
    int our_layout;          /* chunked, shuffle + deflate + fletcher32 (the fast path) */
    int big_endian;          /* integers and floats big-endian */
    const char *skip;        /* an object or attribute name to leave out */
    const char *int64_edges; /* write this edge column as int64 */
    const char *two_d;       /* write this dataset as [len, 1] */
    int revenue_as_int;      /* /nodes/revenue as int64 */
    int version_as_string;   /* format_version as a string attribute */
} raw_store;

/* The raw arrays of a graph, in store form (the test's own conversion). */
static raw_store raw_of(const lp_graph *g)
{
    raw_store r;
    memset(&r, 0, sizeof r);
    r.format = "linchpin-graph";
    r.version = 1;
    r.n = r.n_attr = g->n;
    r.m = r.m_attr = g->m;
    r.has_revenue = g->nodes.has_revenue;
    r.merged = g->merged_duplicates;
    r.loops = g->dropped_self_loops;
    r.node_rows = g->n;
    r.edge_rows = g->m + g->merged_duplicates + g->dropped_self_loops;
    const lp_strtab *tabs[2] = {&g->nodes.id, &g->nodes.type_name};
    for (int k = 0; k < 2; k++) {
        const lp_strtab *t = tabs[k];
        unsigned char *bytes = malloc((size_t)t->size + 1);
        int64_t *off = malloc(((size_t)t->count + 1) * sizeof *off), at = 0;
        for (int64_t i = 0; i < t->count; i++) {
            const char *s = lp_strtab_get(t, i);
            off[i] = at;
            memcpy(bytes + at, s, strlen(s));
            at += (int64_t)strlen(s);
        }
        off[t->count] = at;
        if (k == 0) {
            r.id_bytes = bytes;
            r.id_off = off;
            r.nbytes = at;
        } else {
            r.type_bytes = bytes;
            r.type_off = off;
            r.tbytes = at;
            r.t = t->count;
        }
    }
    r.type = malloc(((size_t)g->n + 1) * sizeof *r.type);
    r.revenue = malloc(((size_t)g->n + 1) * sizeof *r.revenue);
    memcpy(r.type, g->nodes.type, (size_t)g->n * sizeof *r.type);
    memcpy(r.revenue, g->nodes.revenue, (size_t)g->n * sizeof *r.revenue);
    r.src = malloc(((size_t)g->m + 1) * sizeof *r.src);
    r.dst = malloc(((size_t)g->m + 1) * sizeof *r.dst);
    r.weight = malloc(((size_t)g->m + 1) * sizeof *r.weight);
    int64_t e = 0;
    for (lp_vid u = 0; u < g->n; u++)
        for (int64_t k = g->csr.offset[u]; k < g->csr.offset[u + 1]; k++)
            if (g->csr.adj[k] > u) {
                r.src[e] = u;
                r.dst[e] = g->csr.adj[k];
                r.weight[e] = g->csr.weight[k];
                e++;
            }
    return r;
}

static void raw_free(raw_store *r)
{
    free(r->id_bytes);
    free(r->type_bytes);
    free(r->id_off);
    free(r->type_off);
    free(r->type);
    free(r->revenue);
    free(r->src);
    free(r->dst);
    free(r->weight);
}

static int raw_skip(const raw_store *r, const char *name)
{
    return r->skip && !strcmp(r->skip, name);
}

static void raw_attr(hid_t loc, const raw_store *r, const char *name, hid_t ftype, hid_t mtype,
                     const void *buf)
{
    if (raw_skip(r, name)) return;
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, mtype, buf) < 0) die("raw attribute");
    H5Aclose(a);
    H5Sclose(s);
}

/* Fixed-length string attribute (our writer uses variable length). */
static void raw_attr_str(hid_t loc, const raw_store *r, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(v) + 1);
    raw_attr(loc, r, name, t, t, v);
    H5Tclose(t);
}

static void raw_attr_i64(hid_t loc, const raw_store *r, const char *name, int64_t v)
{
    raw_attr(loc, r, name, r->big_endian ? H5T_STD_I64BE : H5T_STD_I64LE, H5T_NATIVE_INT64, &v);
}

static void raw_dataset(hid_t file, const raw_store *r, const char *path, hid_t ftype, hid_t mtype,
                        int64_t len, const void *buf)
{
    if (raw_skip(r, path)) return;
    int two = r->two_d && !strcmp(r->two_d, path);
    hsize_t dims[2] = {(hsize_t)len, 1};
    hid_t space = H5Screate_simple(two ? 2 : 1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (r->our_layout && len > 0 && !two) {
        hsize_t chunk[1] = {(hsize_t)(len < 1000 ? len : 1000)};
        H5Pset_chunk(dcpl, 1, chunk);
        if (H5Tget_size(ftype) > 1) H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, 6);
        H5Pset_fletcher32(dcpl);
    }
    hid_t d = H5Dcreate2(file, path, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0 || (len > 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
        die("raw dataset");
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
}

static void raw_write(const char *path, const raw_store *r)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (f < 0) die("raw create");
    H5Pclose(fapl);
    hid_t i32 = r->big_endian ? H5T_STD_I32BE : H5T_STD_I32LE;
    hid_t i64 = r->big_endian ? H5T_STD_I64BE : H5T_STD_I64LE;
    hid_t f64 = r->big_endian ? H5T_IEEE_F64BE : H5T_IEEE_F64LE;
    raw_attr_str(f, r, "format", r->format);
    if (r->version_as_string)
        raw_attr_str(f, r, "format_version", "1");
    else
        raw_attr(f, r, "format_version", r->big_endian ? H5T_STD_I32BE : H5T_STD_I32LE,
                 H5T_NATIVE_INT64, &r->version);
    raw_attr_str(f, r, "linchpin_version", "raw-test");
    raw_attr_str(f, r, "created", "2026-01-01T00:00:00Z");
    raw_attr_i64(f, r, "nodes", r->n_attr);
    raw_attr_i64(f, r, "edges", r->m_attr);
    raw_attr_i64(f, r, "has_revenue", r->has_revenue);
    raw_attr_i64(f, r, "merged_duplicates", r->merged);
    raw_attr_i64(f, r, "dropped_self_loops", r->loops);
    static const char *const groups[4] = {"/nodes", "/types", "/edges", "/source"};
    for (int i = 0; i < 4; i++) {
        if (raw_skip(r, groups[i])) continue;
        hid_t g = H5Gcreate2(f, groups[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (i == 3) {
            raw_attr_i64(g, r, "node_rows", r->node_rows);
            raw_attr_i64(g, r, "edge_rows", r->edge_rows);
            raw_attr_i64(g, r, "skipped_rows", r->skipped_rows);
        }
        H5Gclose(g);
    }
    if (!raw_skip(r, "/nodes")) {
        raw_dataset(f, r, "/nodes/id_bytes", H5T_STD_U8LE, H5T_NATIVE_UINT8, r->nbytes,
                    r->id_bytes);
        raw_dataset(f, r, "/nodes/id_offsets", i64, H5T_NATIVE_INT64, r->n + 1, r->id_off);
        raw_dataset(f, r, "/nodes/type", i32, H5T_NATIVE_INT32, r->n, r->type);
        if (r->revenue_as_int) {
            int64_t *iv = malloc(((size_t)r->n + 1) * sizeof *iv);
            for (int64_t i = 0; i < r->n; i++)
                iv[i] = (int64_t)r->revenue[i];
            raw_dataset(f, r, "/nodes/revenue", i64, H5T_NATIVE_INT64, r->n, iv);
            free(iv);
        } else {
            raw_dataset(f, r, "/nodes/revenue", f64, H5T_NATIVE_DOUBLE, r->n, r->revenue);
        }
    }
    if (!raw_skip(r, "/types")) {
        raw_dataset(f, r, "/types/name_bytes", H5T_STD_U8LE, H5T_NATIVE_UINT8, r->tbytes,
                    r->type_bytes);
        raw_dataset(f, r, "/types/name_offsets", i64, H5T_NATIVE_INT64, r->t + 1, r->type_off);
    }
    if (!raw_skip(r, "/edges")) {
        const char *names[2] = {"/edges/source", "/edges/target"};
        int32_t *cols[2] = {r->src, r->dst};
        for (int k = 0; k < 2; k++) {
            if (r->int64_edges && !strcmp(r->int64_edges, names[k])) {
                int64_t *wide = malloc(((size_t)r->m + 1) * sizeof *wide);
                for (int64_t e = 0; e < r->m; e++)
                    wide[e] = cols[k][e];
                raw_dataset(f, r, names[k], i64, H5T_NATIVE_INT64, r->m, wide);
                free(wide);
            } else {
                raw_dataset(f, r, names[k], i32, H5T_NATIVE_INT32, r->m, cols[k]);
            }
        }
        raw_dataset(f, r, "/edges/weight", f64, H5T_NATIVE_DOUBLE, r->m, r->weight);
    }
    H5Fclose(f);
}

/* Write r, read it: want LP_EINPUT with msg in the message (msg NULL:
 * want LP_OK and a graph equal to g). */
static void expect_raw(const raw_store *r, const lp_graph *g, const char *msg, const char *what)
{
    const char *path = path_in("raw.h5");
    raw_write(path, r);
    lp_graph h;
    lp_status st = lp_graphstore_read(&h, NULL, path);
    if (!msg) {
        CHECK(st == LP_OK, "%s: %s", what, lp_error_message());
        if (st == LP_OK) {
            const char *d = graph_diff(g, &h);
            CHECK(d == NULL, "%s: differs: %s", what, d);
            lp_graph_free(&h);
        }
        return;
    }
    char want[8400];
    snprintf(want, sizeof want, "%s: %s", path, msg);
    CHECK(st == LP_EINPUT && strstr(lp_error_message(), want) == lp_error_message(),
          "%s: status %d, message \"%s\", want \"%s\"", what, (int)st, lp_error_message(), want);
    if (st == LP_OK) lp_graph_free(&h);
}

static void test_independent_writer(void)
{
    lp_graph g = lp_test_enterprise(60, 5);
    raw_store r = raw_of(&g);
    expect_raw(&r, &g, NULL, "raw contiguous");
    r.our_layout = 1;
    expect_raw(&r, &g, NULL, "raw chunked (fast path)");
    r.our_layout = 0;
    r.big_endian = 1;
    expect_raw(&r, &g, NULL, "raw big-endian");
    r.big_endian = 0;

#define BAD(field_change, restore, msg)                                                            \
    do {                                                                                           \
        field_change;                                                                              \
        expect_raw(&r, &g, msg, #field_change);                                                    \
        r.our_layout = 1;                                                                          \
        expect_raw(&r, &g, msg, #field_change " (fast path)");                                     \
        r.our_layout = 0;                                                                          \
        restore;                                                                                   \
    } while (0)

    BAD(r.format = "linchpin-results", r.format = "linchpin-graph", "not a linchpin graph store");
    BAD(r.skip = "format", r.skip = NULL, "not a linchpin graph store");
    BAD(r.version = 7, r.version = 1, "unsupported format_version 7");
    BAD(r.version_as_string = 1, r.version_as_string = 0,
        "/: attribute 'format_version' has the wrong type or shape");
    BAD(r.skip = "nodes", r.skip = NULL, "/: missing attribute 'nodes'");
    BAD(r.n_attr = -1, r.n_attr = r.n, "/: attribute 'nodes' is negative");
    BAD(r.n_attr = (int64_t)1 << 40, r.n_attr = r.n, "/: attribute 'nodes' is out of range");
    BAD(r.n_attr = r.n + 1, r.n_attr = r.n,
        "/nodes/id_offsets has"); /* n + 1 offsets expected: sizes inconsistent */
    BAD(r.m_attr = r.m - 1, r.m_attr = r.m, "/edges/source has");
    BAD(r.has_revenue = 2, r.has_revenue = 1, "/: attribute 'has_revenue' is out of range");
    BAD(r.merged = -5, r.merged = g.merged_duplicates,
        "/: attribute 'merged_duplicates' is negative");
    BAD(r.loops = -1, r.loops = g.dropped_self_loops,
        "/: attribute 'dropped_self_loops' is negative");
    BAD(r.skipped_rows = -1, r.skipped_rows = 0, "/source: attribute 'skipped_rows' is negative");
    BAD(r.skip = "/source", r.skip = NULL, "missing /source");
    BAD(r.skip = "/edges/weight", r.skip = NULL, "missing /edges/weight");
    BAD(r.skip = "/types", r.skip = NULL, "missing /types/name_offsets");
    BAD(r.int64_edges = "/edges/target", r.int64_edges = NULL,
        "/edges/target has the wrong type or shape");
    BAD(r.two_d = "/nodes/type", r.two_d = NULL, "/nodes/type has the wrong type or shape");
    BAD(r.revenue_as_int = 1, r.revenue_as_int = 0, "/nodes/revenue has the wrong type or shape");

    /* offsets */
    BAD(r.id_off[0] = 1, r.id_off[0] = 0, "/nodes/id_offsets: first value is 1, not 0");
    int64_t keep = r.id_off[5];
    BAD(r.id_off[5] = r.id_off[3], r.id_off[5] = keep,
        "/nodes/id_offsets: value at row 5 decreases");
    keep = r.id_off[r.n];
    BAD(r.id_off[r.n] = keep - 1, r.id_off[r.n] = keep, "/nodes/id_offsets: last value");
    BAD(r.nbytes = keep - 1, r.nbytes = keep, "/nodes/id_offsets: value at row");
    /* ids */
    unsigned char cb = r.id_bytes[r.id_off[4]];
    BAD(r.id_bytes[r.id_off[4]] = 0xff, r.id_bytes[r.id_off[4]] = cb,
        "/nodes/id_bytes: id at row 4 is not valid UTF-8");
    BAD(r.id_bytes[r.id_off[4]] = 0, r.id_bytes[r.id_off[4]] = cb,
        "/nodes/id_bytes: id at row 4 contains NUL");
    BAD(r.id_bytes[r.id_off[4]] = 0xc0, r.id_bytes[r.id_off[4]] = cb,
        "/nodes/id_bytes: id at row 4 is not valid UTF-8"); /* overlong lead byte */
    /* id 3 empty: offsets 3 and 4 equal, id 3's bytes dropped */
    {
        raw_store e = r;
        e.id_bytes = malloc((size_t)r.nbytes + 1);
        e.id_off = malloc(((size_t)r.n + 1) * sizeof *e.id_off);
        int64_t cut = r.id_off[4] - r.id_off[3];
        memcpy(e.id_bytes, r.id_bytes, (size_t)r.id_off[3]);
        memcpy(e.id_bytes + r.id_off[3], r.id_bytes + r.id_off[4],
               (size_t)(r.nbytes - r.id_off[4]));
        for (int64_t i = 0; i <= r.n; i++)
            e.id_off[i] = r.id_off[i] - (i >= 4 ? cut : 0);
        e.nbytes = r.nbytes - cut;
        expect_raw(&e, &g, "/nodes/id_bytes: id at row 3 is empty", "empty id");
        /* duplicate: id 9 made equal to id 2 */
        int64_t l2 = r.id_off[3] - r.id_off[2], l9 = r.id_off[10] - r.id_off[9];
        e.nbytes = r.nbytes - l9 + l2;
        free(e.id_bytes);
        e.id_bytes = malloc((size_t)e.nbytes + 1);
        memcpy(e.id_bytes, r.id_bytes, (size_t)r.id_off[9]);
        memcpy(e.id_bytes + r.id_off[9], r.id_bytes + r.id_off[2], (size_t)l2);
        memcpy(e.id_bytes + r.id_off[9] + l2, r.id_bytes + r.id_off[10],
               (size_t)(r.nbytes - r.id_off[10]));
        for (int64_t i = 0; i <= r.n; i++)
            e.id_off[i] = r.id_off[i] + (i >= 10 ? l2 - l9 : 0);
        expect_raw(&e, &g, "/nodes/id_bytes: duplicate id at row 9 (same as row 2)",
                   "duplicate id");
        free(e.id_bytes);
        free(e.id_off);
    }
    /* type names */
    cb = r.type_bytes[0];
    BAD(r.type_bytes[0] = 0x80, r.type_bytes[0] = cb,
        "/types/name_bytes: type name at row 0 is not valid UTF-8");
    /* node columns */
    int32_t tk = r.type[7];
    BAD(r.type[7] = (int32_t)r.t, r.type[7] = tk, "/nodes/type: value out of range at row 7");
    BAD(r.type[7] = -1, r.type[7] = tk, "/nodes/type: value out of range at row 7");
    double rv = r.revenue[8];
    BAD(r.revenue[8] = -1, r.revenue[8] = rv,
        "/nodes/revenue: value negative or not finite at row 8");
    BAD(r.revenue[8] = NAN, r.revenue[8] = rv,
        "/nodes/revenue: value negative or not finite at row 8");
    BAD(r.revenue[8] = INFINITY, r.revenue[8] = rv,
        "/nodes/revenue: value negative or not finite at row 8");
    int64_t acc = -1; /* an account with revenue > 0, for has_revenue = 0 */
    for (int64_t i = 0; i < r.n && acc < 0; i++)
        if (r.revenue[i] > 0) acc = i;
    char msg[200];
    snprintf(msg, sizeof msg, "/nodes/revenue: value not 0 (no revenue column) at row %lld",
             (long long)acc);
    BAD(r.has_revenue = 0, r.has_revenue = 1, msg);
    /* edges */
    int64_t k = r.m / 2;
    int32_t s0 = r.src[k], d0 = r.dst[k];
    double w0 = r.weight[k];
    snprintf(msg, sizeof msg, "/edges/source: value out of range at row %lld", (long long)k);
    BAD(r.src[k] = -1, r.src[k] = s0, msg);
    snprintf(msg, sizeof msg, "/edges/target: value out of range at row %lld", (long long)k);
    BAD(r.dst[k] = (int32_t)r.n, r.dst[k] = d0, msg);
    snprintf(msg, sizeof msg, "/edges: source not below target at row %lld", (long long)k);
    BAD(r.dst[k] = s0, r.dst[k] = d0, msg);
    snprintf(msg, sizeof msg,
             "/edges: not in strictly increasing (source, target) order at row %lld", (long long)k);
    BAD((r.src[k] = r.src[k - 1], r.dst[k] = r.dst[k - 1]), (r.src[k] = s0, r.dst[k] = d0), msg);
    snprintf(msg, sizeof msg, "/edges/weight: value not positive and finite at row %lld",
             (long long)k);
    BAD(r.weight[k] = 0, r.weight[k] = w0, msg);
    BAD(r.weight[k] = -2, r.weight[k] = w0, msg);
    BAD(r.weight[k] = NAN, r.weight[k] = w0, msg);
    BAD(r.weight[k] = INFINITY, r.weight[k] = w0, msg);
#undef BAD
    /* the restored store is valid again */
    expect_raw(&r, &g, NULL, "raw restored");
    raw_free(&r);
    lp_graph_free(&g);
}

/* Replace id `row` of r by a copy of id `like` (both in r's blob). */
static void raw_set_id(raw_store *r, int64_t row, int64_t like)
{
    int64_t ll = r->id_off[like + 1] - r->id_off[like], lr = r->id_off[row + 1] - r->id_off[row];
    int64_t nb = r->nbytes - lr + ll;
    unsigned char *b = malloc((size_t)nb + 1);
    memcpy(b, r->id_bytes, (size_t)r->id_off[row]);
    memcpy(b + r->id_off[row], r->id_bytes + r->id_off[like], (size_t)ll);
    memcpy(b + r->id_off[row] + ll, r->id_bytes + r->id_off[row + 1],
           (size_t)(r->nbytes - r->id_off[row + 1]));
    for (int64_t i = row + 1; i <= r->n; i++)
        r->id_off[i] += ll - lr;
    free(r->id_bytes);
    r->id_bytes = b;
    r->nbytes = nb;
}

/* Duplicate ids among many (the partitioned, parallel search): the first
 * duplicate row is reported, whatever the threads; the writer refuses
 * them too. */
static void test_many_ids(void)
{
    lp_graph g = lp_test_enterprise(70000, 4);
    raw_store r = raw_of(&g);
    r.our_layout = 1;
    int64_t n = r.n;
    raw_set_id(&r, n - 5, 12345);
    raw_set_id(&r, 100001, 7);
    raw_set_id(&r, 100003, 99999);
    char msg[200];
    snprintf(msg, sizeof msg, "/nodes/id_bytes: duplicate id at row 100001 (same as row 7)");
    for (int t = 1; t <= 8; t *= 8) {
        set_threads(t);
        expect_raw(&r, &g, msg, t == 1 ? "many ids, 1 thread" : "many ids, 8 threads");
    }
    set_threads(2);
    /* the writer: the same ids in the graph's own table */
    lp_strtab keep = g.nodes.id, t = LP_STRTAB_INIT;
    for (int64_t i = 0; i < n; i++)
        if (lp_strtab_push(&t, (const char *)r.id_bytes + r.id_off[i],
                           (size_t)(r.id_off[i + 1] - r.id_off[i])))
            die("strtab");
    g.nodes.id = t;
    lp_status st = lp_graphstore_write(path_in("dup.h5"), &g, NULL);
    CHECK(st == LP_EINTERNAL &&
              strstr(lp_error_message(), "duplicate node id at row 100001 (same as row 7)"),
          "writer with duplicate ids: %d %s", (int)st, lp_error_message());
    g.nodes.id = keep;
    lp_strtab_free(&t);
    raw_free(&r);
    lp_graph_free(&g);
}

static void expect_input_error(const char *path, const char *msg, const char *what)
{
    lp_graph h;
    lp_status st = lp_graphstore_read(&h, NULL, path);
    char want[8400];
    snprintf(want, sizeof want, "%s: %s", path, msg);
    CHECK(st == LP_EINPUT && strstr(lp_error_message(), want) == lp_error_message(),
          "%s: status %d, message \"%s\", want \"%s\"", what, (int)st, lp_error_message(), want);
    if (st == LP_OK) lp_graph_free(&h);
}

static void test_not_a_store(void)
{
    const char *missing = path_in("missing.h5");
    expect_input_error(missing, "cannot open: No such file or directory", "missing");
    expect_input_error(tmpdir, "cannot open: Is a directory", "directory");
    const char *fifo = path_in("fifo.h5");
    if (mkfifo(fifo, 0600) == 0) { /* must not wait for a writer */
        expect_input_error(fifo, "cannot open: not a regular file", "FIFO");
        unlink(fifo);
    }
    const char *text = path_in("text.h5");
    write_text(text, "id,type\nx,y\n");
    expect_input_error(text, "not a linchpin graph store", "text file");
    write_text(text, "");
    expect_input_error(text, "not a linchpin graph store", "empty file");
    /* An HDF5 file that is not a store. */
    hid_t f = H5Fcreate(text, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    expect_input_error(text, "not a linchpin graph store", "empty HDF5 file");
}

/* ---- 3. corruption ------------------------------------------------------ */

/* In a child: read path; exit 0 = rejected properly, 1 = read and equal,
 * 2 = read but different, 3 = wrong status, 4 = message not starting with
 * the path. */
static int read_in_child(const char *path, const lp_graph *orig, char *msg, size_t msg_size)
{
    int pfd[2];
    if (pipe(pfd) != 0) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(pfd[0]);
        lp_graph h;
        lp_status st = lp_graphstore_read(&h, NULL, path);
        const char *m = lp_error_message();
        int code;
        if (st == LP_OK) {
            code = graph_diff(orig, &h) ? 2 : 1;
        } else if (st != LP_EINPUT) {
            code = 3;
        } else {
            size_t pl = strlen(path);
            code = strncmp(m, path, pl) == 0 && m[pl] == ':' && m[pl + 1] == ' ' ? 0 : 4;
        }
        if (write(pfd[1], m, strlen(m)) < 0) code = 5;
        _exit(code); /* no atexit, no leak check: the parent judges */
    }
    close(pfd[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < msg_size && (r = read(pfd[0], msg + got, msg_size - 1 - got)) > 0)
        got += (size_t)r;
    msg[got] = '\0';
    close(pfd[0]);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    if (WIFSIGNALED(status)) return 100 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct damage_tally {
    int trials, rejected, harmless, hdf5_msgs, checksum_msgs;
} damage_tally;

static void judge(damage_tally *t, int code, const char *msg, const char *what)
{
    t->trials++;
    if (code == 0) {
        t->rejected++;
        t->hdf5_msgs += strstr(msg, "(HDF5: ") != NULL;
        t->checksum_msgs += strstr(msg, "checksum") != NULL;
    } else if (code == 1) {
        t->harmless++;
    }
    CHECK(code == 0 || code == 1, "%s: child result %d%s (message \"%s\")", what, code,
          code >= 100 ? " = killed by a signal" : "", msg);
}

static void test_corruption(void)
{
    lp_graph g = lp_test_enterprise(150, 11);
    const char *good = path_in("good.h5"), *bad = path_in("bad.h5");
    if (lp_graphstore_write(good, &g, NULL)) die("write");
    size_t len = 0;
    unsigned char *orig = (unsigned char *)lp_test_slurp(good, &len);
    unsigned char *copy = malloc(len + 1);
    CHECK(orig && len > 4096, "store of %zu bytes", len);
    if (!orig || !copy) die("slurp");
    char msg[1024], what[128];
    damage_tally flips = {0, 0, 0, 0, 0}, cuts = {0, 0, 0, 0, 0};
    rng_state = 0x5eed;

    /* Single bit flips: every step-th byte (about 300) plus 200 random ones. */
    size_t step = len / 300 + 1;
    for (int k = 0; k < 300 + 200; k++) {
        size_t pos = k < 300 ? (size_t)k * step + (size_t)rnd_below((int64_t)step)
                             : (size_t)rnd_below((int64_t)len);
        if (pos >= len) continue;
        int bit = (int)rnd_below(8);
        memcpy(copy, orig, len);
        copy[pos] ^= (unsigned char)(1u << bit);
        lp_test_spit(bad, copy, len);
        snprintf(what, sizeof what, "flip of bit %d at byte %zu of %zu", bit, pos, len);
        judge(&flips, read_in_child(bad, &g, msg, sizeof msg), msg, what);
    }
    /* Truncations: every step-th length plus both ends. */
    size_t cut_step = len / 100 + 1;
    for (size_t cut = 0; cut < len; cut += cut_step) {
        lp_test_spit(bad, orig, cut);
        snprintf(what, sizeof what, "truncation to %zu of %zu bytes", cut, len);
        judge(&cuts, read_in_child(bad, &g, msg, sizeof msg), msg, what);
    }
    for (size_t cut = len - 8; cut < len; cut++) {
        lp_test_spit(bad, orig, cut);
        snprintf(what, sizeof what, "truncation to %zu of %zu bytes", cut, len);
        judge(&cuts, read_in_child(bad, &g, msg, sizeof msg), msg, what);
    }
    CHECK(cuts.rejected == cuts.trials, "a truncated store was read");
    CHECK(flips.rejected > flips.trials / 2, "only %d of %d flips detected", flips.rejected,
          flips.trials);
    printf("corruption: %zu-byte store; %d bit flips: %d rejected (%d by HDF5, %d by a "
           "checksum), %d harmless; %d truncations: %d rejected\n",
           len, flips.trials, flips.rejected, flips.hdf5_msgs, flips.checksum_msgs, flips.harmless,
           cuts.trials, cuts.rejected);
    free(orig);
    free(copy);
    lp_graph_free(&g);
}

/* ---- 4. writing --------------------------------------------------------- */

static void test_write_errors(void)
{
    lp_graph g = handmade(1, 1);
    char want[8400];
    const char *missing = path_in("no/such/dir/graph.h5");
    snprintf(want, sizeof want, "cannot write %s: No such file or directory", missing);
    lp_status st = lp_graphstore_write(missing, &g, NULL);
    CHECK(st == LP_EOUTPUT && !strcmp(lp_error_message(), want), "missing dir: %d %s", (int)st,
          lp_error_message());
    const char *dir = path_in("adir");
    mkdir(dir, 0777);
    st = lp_graphstore_write(dir, &g, NULL);
    CHECK(st == LP_EOUTPUT && strstr(lp_error_message(), "cannot write ") == lp_error_message(),
          "target is a directory: %d %s", (int)st, lp_error_message());
    rmdir(dir);
    CHECK(lp_test_count_temps(tmpdir) == 0, "temporary files left");

    /* An inconsistent graph: nothing written, earlier file untouched. */
    const char *out = path_in("keep.h5");
    if (lp_graphstore_write(out, &g, NULL)) die("write");
    size_t len0 = 0, len1 = 0;
    char *before = lp_test_slurp(out, &len0);
    char *id = g.nodes.id.data + g.nodes.id.offset[4];
    char c = id[0];
    id[0] = (char)0xff;
    st = lp_graphstore_write(out, &g, NULL);
    CHECK(st == LP_EINTERNAL && strstr(lp_error_message(), "node id at row 4 is not valid UTF-8"),
          "bad id: %d %s", (int)st, lp_error_message());
    id[0] = c;
    int32_t t = g.nodes.type[2];
    g.nodes.type[2] = 99;
    st = lp_graphstore_write(out, &g, NULL);
    CHECK(st == LP_EINTERNAL && strstr(lp_error_message(), "type index out of range at node 2"),
          "bad type: %d %s", (int)st, lp_error_message());
    g.nodes.type[2] = t;

    /* A write that fails half-way (file-size limit, in a child). */
    lp_graph big = lp_test_enterprise(3000, 9);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit lim = {20000, 20000};
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(10);
        lp_status s = lp_graphstore_write(out, &big, NULL);
        snprintf(want, sizeof want, "cannot write %s: File too large", out);
        if (s != LP_EOUTPUT || strcmp(lp_error_message(), want) != 0) {
            fprintf(stderr, "child: %d %s\n", (int)s, lp_error_message());
            _exit(11);
        }
        /* HDF5's shut-down (what its atexit handler runs) must survive the
         * failed write; _exit: no leak check in a child of a threaded parent. */
        if (H5close() < 0) _exit(12);
        _exit(0);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0,
          "failed write in child: status %d", status);
    char *after = lp_test_slurp(out, &len1);
    CHECK(before && after && len0 == len1 && !memcmp(before, after, len0), "earlier file changed");
    CHECK(lp_test_count_temps(tmpdir) == 0, "temporary files left");
    free(before);
    free(after);
    lp_graph_free(&big);
    lp_graph_free(&g);
}

int main(void)
{
    umask(022);
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/lp_graphstore_XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    set_threads(2);
    test_corruption(); /* first: fork() is cheaper while the process is small */
    test_roundtrips();
    test_independent_writer();
    test_many_ids();
    test_not_a_store();
    test_write_errors();
    if (failures == 0)
        lp_test_remove_tree(tmpdir);
    else
        fprintf(stderr, "files left in %s\n", tmpdir);
    printf("test_graphstore: %s (%d failed checks)\n", failures ? "FAIL" : "ok", failures);
    return failures ? 1 : 0;
}
