/* test_results_h5.c — the HDF5 result writer and summary reader
 * (io/h5results.c).
 *
 * A small graph is built by hand (lp_nodes_push / lp_edges_push /
 * lp_graph_build) with a hand-filled lp_keyperson, written, read back with
 * lp_results_read_summary and, independently, with the raw HDF5 API. Then the
 * failure paths: target is a directory, target directory missing, a write
 * that fails half-way (RLIMIT_FSIZE in a forked child) must leave the earlier
 * file byte-identical and no temporary behind; inconsistent lp_results are
 * refused; the reader rejects what is not a linchpin result file.
 *
 * The centrality parts (PageRank, brokerage, betweenness exact and sampled,
 * the top lists) from hand-made arrays: round trip, absence, refusal of
 * inconsistent ones, and the reader on damaged copies.
 *
 * Format 2 (no variable-length strings): the raw checks read every string
 * attribute and column as fixed-length UTF-8, check Fletcher-32 on the
 * datasets they look at and the HDF5 1.10 superblock; one id of 200 KB among
 * 20000 short ones makes the writer store /nodes/id as a blob
 * (/nodes/id_bytes + /nodes/id_offsets), which the summary reader reads back.
 *
 * `test_results_h5 --write DIR` only writes the sample files (full.h5 with
 * exact betweenness, empty_accounts.h5, no_kp.h5, sampled.h5, long_id.h5
 * with the blob layout and names) into DIR, for
 * tests/test_h5schema_selfcheck.py.
 */
#define _XOPEN_SOURCE 700 /* SIGXFSZ, setrlimit */

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
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lp_graph.h"
#include "lp_keyperson.h"
#include "lp_results.h"
#include "lp_test_files.h"

static int failures;

static void check_(int ok, const char *what, int line)
{
    if (!ok) {
        fprintf(stderr, "test_results_h5.c:%d: check failed: %s\n", line, what);
        failures++;
    }
}
#define CHECK(c) check_((c) ? 1 : 0, #c, __LINE__)

static void check_status_(lp_status got, lp_status want, const char *msg_part, int line)
{
    if (got != want) {
        fprintf(stderr, "test_results_h5.c:%d: status %d, expected %d (%s)\n", line, (int)got,
                (int)want, lp_error_message());
        failures++;
    } else if (msg_part && !strstr(lp_error_message(), msg_part)) {
        fprintf(stderr, "test_results_h5.c:%d: message \"%s\" lacks \"%s\"\n", line,
                lp_error_message(), msg_part);
        failures++;
    }
}
#define CHECK_STATUS(got, want, part) check_status_((got), (want), (part), __LINE__)

static void die(const char *what)
{
    fprintf(stderr, "test_results_h5: %s: %s\n", what, lp_error_message());
    exit(1);
}

/* ---- fixtures --------------------------------------------------------- */

/* Row: id (type) revenue
 *   0 ACME (company)      1 alice (employee)   2 bob (employee)
 *   3 Zoë "Z", Ltd. (account) 100.5             4 globex (account) 50
 *   5 carol@globex (contact)                    6 orphan-co (account) 7.25
 * Edges: 0-1 twice (merged), 0-2, 1-3, 1-5, 2-5, 4-5, 2-2 (dropped).
 * With R joined to ACME: alice alone cuts account 3 off; globex hangs on the
 * contact (not a person); orphan-co has no path. Cut vertices 0, 1, 5. */
static const char *const small_ids[7] = {
    "ACME", "alice", "bob", "Zo\xc3\xab \"Z\", Ltd.", "globex", "carol@globex", "orphan-co"};
static const char *const small_types[7] = {"company", "employee", "employee", "account",
                                           "account", "contact",  "account"};

static void build_small(lp_graph *g)
{
    static const char *const type_names[4] = {"company", "employee", "account", "contact"};
    static const int32_t type[7] = {0, 1, 1, 2, 2, 3, 2};
    static const double revenue[7] = {0, 0, 0, 100.5, 50, 0, 7.25};
    static const lp_vid e[8][2] = {{0, 1}, {1, 0}, {0, 2}, {1, 3}, {5, 1}, {5, 2}, {4, 5}, {2, 2}};
    static const double w[8] = {1, 2, 1, 1, 1, 1, 3, 1};
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < 4; t++)
        if (lp_strtab_push(&nodes.type_name, type_names[t], strlen(type_names[t]))) die("types");
    for (int i = 0; i < 7; i++)
        if (lp_nodes_push(&nodes, small_ids[i], strlen(small_ids[i]), type[i], revenue[i]))
            die("nodes");
    nodes.has_revenue = 1;
    for (int k = 0; k < 8; k++)
        if (lp_edges_push(&edges, e[k][0], e[k][1], w[k])) die("edges");
    if (lp_graph_build(g, &nodes, &edges)) die("lp_graph_build");
}

/* A graph of n nodes "node-<i>" in a path, all of one type. */
static void build_path(lp_graph *g, int64_t n)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    char id[32];
    if (lp_strtab_push(&nodes.type_name, "contact", 7)) die("types");
    for (int64_t i = 0; i < n; i++) {
        int len = snprintf(id, sizeof id, "node-%lld", (long long)i);
        if (lp_nodes_push(&nodes, id, (size_t)len, 0, 0)) die("nodes");
        if (i > 0 && lp_edges_push(&edges, (lp_vid)(i - 1), (lp_vid)i, 1)) die("edges");
    }
    if (lp_graph_build(g, &nodes, &edges)) die("lp_graph_build");
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "test_results_h5: out of memory\n");
        exit(1);
    }
    return p;
}

/* Key-person result for build_small, filled by hand (not lp_keyperson_run). */
static void fill_kp_small(lp_keyperson *kp)
{
    memset(kp, 0, sizeof *kp);
    kp->n = 7;
    kp->is_articulation = xcalloc(7, 1);
    kp->accounts_at_risk = xcalloc(7, sizeof(int64_t));
    kp->revenue_at_risk = xcalloc(7, sizeof(double));
    kp->is_articulation[0] = kp->is_articulation[1] = kp->is_articulation[5] = 1;
    kp->accounts_at_risk[1] = 1;
    kp->revenue_at_risk[1] = 100.5;
    kp->n_accounts = 3;
    kp->account_node = xcalloc(3, sizeof(lp_vid));
    kp->account_revenue = xcalloc(3, sizeof(double));
    kp->account_connected = xcalloc(3, 1);
    kp->key_persons_offsets = xcalloc(4, sizeof(int64_t));
    kp->key_persons = xcalloc(1, sizeof(lp_vid));
    const lp_vid node[3] = {3, 4, 6};
    const int64_t off[4] = {0, 1, 1, 1};
    const double rev[3] = {100.5, 50, 7.25};
    for (int i = 0; i < 3; i++) {
        kp->account_node[i] = node[i];
        kp->account_revenue[i] = rev[i];
        kp->account_connected[i] = i < 2;
    }
    memcpy(kp->key_persons_offsets, off, sizeof off);
    kp->key_persons[0] = 1;
    kp->n_articulation = 3;
    kp->orphan_accounts = 1;
    kp->accounts_with_key_person = 1;
    kp->revenue_total = 157.75;
    kp->revenue_with_key_person = 100.5;
    kp->revenue_orphan = 7.25;
}

/* No accounts at all: every /accounts dataset is empty but offsets [0]. */
static void fill_kp_empty(lp_keyperson *kp, int64_t n)
{
    memset(kp, 0, sizeof *kp);
    kp->n = n;
    kp->is_articulation = xcalloc((size_t)n, 1);
    kp->accounts_at_risk = xcalloc((size_t)n, sizeof(int64_t));
    kp->revenue_at_risk = xcalloc((size_t)n, sizeof(double));
    kp->key_persons_offsets = xcalloc(1, sizeof(int64_t));
}

static int64_t *degrees_of(const lp_graph *g)
{
    int64_t *d = xcalloc((size_t)g->n, sizeof *d);
    for (int64_t v = 0; v < g->n; v++)
        d[v] = g->csr.offset[v + 1] - g->csr.offset[v];
    return d;
}

static double *strengths_of(const lp_graph *g)
{
    double *s = xcalloc((size_t)g->n, sizeof *s);
    for (int64_t v = 0; v < g->n; v++)
        for (int64_t k = g->csr.offset[v]; k < g->csr.offset[v + 1]; k++)
            s[v] += g->csr.weight[k];
    return s;
}

static const lp_timing small_timings[2] = {{"load", 0.25}, {"keyperson", 0.125}};
static const lp_input_file small_inputs[3] = {
    {"dir/nodes \"q\"\\.csv\n", 123, 0x0a1b2c3du},
    {"edges.csv", 0, 0xffffffffu},
    {"bad\xff\x01.csv", 7, 0},
};
static const char small_inputs_json[] =
    "[{\"path\":\"dir/nodes \\\"q\\\"\\\\.csv\\n\",\"size\":123,\"crc32\":\"0a1b2c3d\"},"
    "{\"path\":\"edges.csv\",\"size\":0,\"crc32\":\"ffffffff\"},"
    "{\"path\":\"bad\\ufffd\\u0001.csv\",\"size\":7,\"crc32\":\"00000000\"}]";
static const char small_cmd[] = "linchpin analyze nodes.csv edges.csv -o out.h5 --threads 4";
static const char small_params[] = "{\"anchor\":[\"company\"],\"bus_factor_cap\":3}";

/* What lp_results_write takes: the graph, an analysis put together by hand
 * (arrays borrowed from the test, never freed) and the run's provenance. */
typedef struct lp_results {
    const lp_graph *g;
    lp_analysis a;
    lp_run_info info;
} lp_results;

static lp_status write_results(const char *path, const lp_results *r)
{
    return lp_results_write(path, r->g, &r->a, &r->info);
}

static void set_timings(lp_results *r, const lp_timing *t, int k)
{
    r->a.n_timings = k;
    for (int i = 0; i < k; i++)
        r->a.timings[i] = t[i];
}

#define MUT(p) ((void *)(uintptr_t)(p)) /* the writer only reads them */
/* MUT for node rows, type-checked: an int64 array here would be read as
 * pairs of lp_vid. */
static lp_vid *mut_rows(const lp_vid *p)
{
    return MUT(p);
}

static lp_results small_results(const lp_graph *g, const int64_t *deg, const double *str,
                                const lp_keyperson *kp, const lp_vid *top, int64_t ntop)
{
    lp_results r;
    memset(&r, 0, sizeof r);
    r.g = g;
    r.a.n = g->n;
    r.a.degree = MUT(deg);
    r.a.strength = MUT(str);
    if (kp) r.a.keyperson = *kp;
    r.a.top_persons = mut_rows(top);
    r.a.n_top_persons = ntop;
    r.info.skipped_rows = 2;
    r.info.command_line = small_cmd;
    r.info.threads = 4;
    r.info.parameters_json = small_params;
    r.info.inputs = small_inputs;
    r.info.n_inputs = 3;
    set_timings(&r, small_timings, 2);
    return r;
}

/* Centrality of build_small, by hand. Betweenness and PageRank are igraph's
 * (0.10: betweenness(), pagerank(weights, damping 0.85)) on the merged
 * graph 0-1 (w 3), 0-2, 1-3, 1-5, 2-5, 4-5 (w 3), node 6 isolated.
 * Brokerage from R (joined to ACME): account 3 by R-0-1-3, account 4 by
 * R-0-1-5-4 and R-0-2-5-4 (half each); orphan-co unreachable. */
static const double small_betweenness[7] = {1, 5, 1, 0, 0, 5, 0};
static const double small_pagerank[7] = {
    0.19192976533085768, 0.24155314825482382, 0.10434686074931412, 0.06545427910575907,
    0.1419048690446425,  0.23042083361216373, 0.024390243902439022};
static const double small_brokerage[7] = {2, 1.5, 0.5, 0, 0, 1, 0};
static const lp_vid small_top_brokers[4] = {0, 1, 5, 2};     /* 2, 1.5, 1, 0.5 */
static const lp_vid small_top_betweenness[4] = {1, 5, 0, 2}; /* ties: row asc */
/* A sampled estimate: counts of 700 samples times 21/700 = 0.03. */
static const double sampled_betweenness[7] = {0.9, 3.6, 1.2, 0, 0, 3.3, 0};
static const lp_vid sampled_top_betweenness[4] = {1, 5, 2, 0};
#define SAMPLED_SEED UINT64_C(0xdeadbeefcafef00d) /* above INT64_MAX: stored unsigned */

/* PageRank, brokerage and exact betweenness with their top lists; the
 * sampled-only fields hold junk, which must not reach the file. */
static void set_centrality_exact(lp_results *r)
{
    r->a.betweenness = MUT(small_betweenness);
    r->a.betweenness_mode = LP_BW_EXACT;
    r->a.sampling_done.samples = 99;
    r->a.sampling.epsilon = 0.5;
    r->a.sampling.delta = 0.5;
    r->a.sampling.seed = 7;
    r->a.sampling_done.vertex_diameter = 4;
    r->a.brokerage = MUT(small_brokerage);
    r->a.pagerank = MUT(small_pagerank);
    r->a.pagerank_iterations = 31;
    r->a.top_brokers = mut_rows(small_top_brokers);
    r->a.n_top_brokers = 4;
    r->a.top_betweenness = mut_rows(small_top_betweenness);
    r->a.n_top_betweenness = 4;
}

static void set_centrality_sampled(lp_results *r)
{
    set_centrality_exact(r);
    r->a.betweenness = MUT(sampled_betweenness);
    r->a.betweenness_mode = LP_BW_SAMPLED;
    r->a.sampling_done.samples = 700;
    r->a.sampling.epsilon = 0.05;
    r->a.sampling.delta = 0.1;
    r->a.sampling.seed = SAMPLED_SEED;
    r->a.sampling_done.vertex_diameter = 5;
    r->a.top_betweenness = mut_rows(sampled_top_betweenness);
}

/* ---- raw HDF5 helpers (an independent reading path) ------------------- */

/* The text of string attribute loc@name as format 2 stores it: scalar,
 * fixed-length (never variable-length) UTF-8, the text plus one NUL (size
 * strlen + 1, no NUL inside). malloc'ed; NULL if absent or stored otherwise. */
static char *raw_attr_str(hid_t loc, const char *name)
{
    char *buf = NULL;
    if (H5Aexists(loc, name) <= 0) return NULL;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1, s = a >= 0 ? H5Aget_space(a) : -1;
    size_t size = t >= 0 ? H5Tget_size(t) : 0;
    int ok = t >= 0 && s >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 &&
             H5Tget_cset(t) == H5T_CSET_UTF8 && H5Sget_simple_extent_type(s) == H5S_SCALAR &&
             size > 0 && size < (1u << 20) && (buf = calloc(size + 1, 1)) != NULL &&
             H5Aread(a, t, buf) >= 0 && buf[size - 1] == '\0' && strlen(buf) == size - 1;
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* 1 if attribute loc@name is a variable-length string (what format 1 wrote). */
static int raw_attr_is_vlen(hid_t loc, const char *name)
{
    if (H5Aexists(loc, name) <= 0) return 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = a >= 0 ? H5Aget_type(a) : -1;
    int v = t >= 0 && H5Tis_variable_str(t) > 0;
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return v;
}

/* Length of a 1-D dataset, or -1 if absent. */
static int64_t raw_len(hid_t file, const char *path)
{
    if (H5Lexists(file, path, H5P_DEFAULT) <= 0) return -1;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT), s = H5Dget_space(d);
    hsize_t dims[1] = {0};
    int nd = H5Sget_simple_extent_ndims(s);
    H5Sget_simple_extent_dims(s, dims, NULL);
    H5Sclose(s);
    H5Dclose(d);
    return nd == 1 ? (int64_t)dims[0] : -2;
}

/* 1 if the dataset is chunked with deflate level 1 and the Fletcher-32
 * checksum (format 2: every dataset), and shuffle exactly when asked. */
static int raw_compressed(hid_t file, const char *path, int want_shuffle)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT), p = d >= 0 ? H5Dget_create_plist(d) : -1;
    int deflate = 0, shuffle = 0, fletcher = 0;
    if (p < 0) {
        if (d >= 0) H5Dclose(d);
        return 0;
    }
    int chunked = H5Pget_layout(p) == H5D_CHUNKED;
    int nf = H5Pget_nfilters(p);
    for (int i = 0; i < nf; i++) {
        unsigned flags, cd[8];
        size_t ncd = 8;
        H5Z_filter_t f = H5Pget_filter2(p, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL);
        if (f == H5Z_FILTER_DEFLATE) deflate = ncd >= 1 && cd[0] == 1;
        if (f == H5Z_FILTER_SHUFFLE) shuffle = 1;
        if (f == H5Z_FILTER_FLETCHER32) fletcher = 1;
    }
    H5Pclose(p);
    H5Dclose(d);
    return chunked && deflate && fletcher && shuffle == want_shuffle;
}

/* Chunk length of a 1-D chunked dataset, or -1. */
static int64_t raw_chunk(hid_t file, const char *path)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT), p = d >= 0 ? H5Dget_create_plist(d) : -1;
    hsize_t c[1] = {0};
    int64_t r = p >= 0 && H5Pget_layout(p) == H5D_CHUNKED && H5Pget_chunk(p, 1, c) == 1
                    ? (int64_t)c[0]
                    : -1;
    if (p >= 0) H5Pclose(p);
    if (d >= 0) H5Dclose(d);
    return r;
}

/* The string column `path` stored as format 2 stores it when fixed-length:
 * UTF-8, NUL-padded, `width` bytes per string, no variable-length; its
 * rows [0, n) read into one buffer of n * width bytes (malloc'ed), or NULL. */
static char *raw_fixed_strings(hid_t file, const char *path, int64_t n, size_t width)
{
    char *buf = NULL;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT), t = d >= 0 ? H5Dget_type(d) : -1;
    int ok = t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 &&
             H5Tget_cset(t) == H5T_CSET_UTF8 && H5Tget_strpad(t) == H5T_STR_NULLPAD &&
             H5Tget_size(t) == width && raw_len(file, path) == n &&
             (buf = calloc((size_t)(n > 0 ? n : 1), width)) != NULL &&
             H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    if (t >= 0) H5Tclose(t);
    if (d >= 0) H5Dclose(d);
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* 1 if the fixed-length string column `path` holds exactly want[0..n),
 * width = the longest string (at least 1 byte), NUL padding. */
static int raw_strings_are(hid_t file, const char *path, const char *const *want, int64_t n)
{
    size_t width = 1;
    for (int64_t i = 0; i < n; i++)
        if (strlen(want[i]) > width) width = strlen(want[i]);
    char *buf = raw_fixed_strings(file, path, n, width);
    int ok = buf != NULL;
    for (int64_t i = 0; ok && i < n; i++) {
        const char *got = buf + (size_t)i * width;
        size_t l = strlen(want[i]);
        ok = memcmp(got, want[i], l) == 0;
        for (size_t k = l; ok && k < width; k++)
            ok = got[k] == '\0';
    }
    free(buf);
    return ok;
}

/* Superblock version (>= 2: the HDF5 1.10 format, checksummed), or -1. */
static int raw_superblock(hid_t file)
{
    H5F_info2_t info;
    return H5Fget_info2(file, &info) >= 0 ? (int)info.super.version : -1;
}

static int raw_attr_is(hid_t file, const char *obj, const char *name, hid_t ftype, hid_t mtype,
                       const void *value, size_t size);

static int raw_attr_exists(hid_t file, const char *obj, const char *name)
{
    return H5Aexists_by_name(file, obj, name, H5P_DEFAULT) > 0;
}

/* ---- file helpers ----------------------------------------------------- */

static char tmpdir[4096];

static char *path_in(const char *name)
{
    static char buf[8][4200];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

/* A column of node rows: int64 in the file (H5T_STD_I64LE, whatever lp_vid
 * is in memory) holding want[0..len). */
static int raw_rows_are(hid_t file, const char *path, const lp_vid *want, int64_t len)
{
    if (raw_len(file, path) != len) return 0;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT), t = d >= 0 ? H5Dget_type(d) : -1;
    int64_t *buf = xcalloc((size_t)len + 1, sizeof *buf);
    int ok = t >= 0 && H5Tequal(t, H5T_STD_I64LE) > 0 &&
             (len == 0 || H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    for (int64_t i = 0; ok && i < len; i++)
        ok = buf[i] == want[i];
    if (t >= 0) H5Tclose(t);
    if (d >= 0) H5Dclose(d);
    free(buf);
    return ok;
}

/* ---- the tests -------------------------------------------------------- */

static void test_roundtrip(const lp_graph *g, const lp_keyperson *kp)
{
    int64_t *deg = degrees_of(g);
    double *str = strengths_of(g);
    const lp_vid top[1] = {1};
    lp_results r = small_results(g, deg, str, kp, top, 1);
    const char *out = path_in("small.h5");

    CHECK_STATUS(write_results(out, &r), LP_OK, NULL);
    struct stat sb;
    CHECK(stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 0777) == 0644);
    CHECK(lp_test_count_temps(tmpdir) == 0);

    lp_summary s;
    memset(&s, 0, sizeof s);
    CHECK_STATUS(lp_results_read_summary(&s, out), LP_OK, NULL);
    CHECK(s.nodes == 7 && s.edges == 6);
    CHECK(s.merged_duplicates == 1 && s.dropped_self_loops == 1 && s.skipped_rows == 2);
    CHECK(s.has_keyperson == 1);
    CHECK(s.accounts == 3 && s.orphan_accounts == 1 && s.accounts_with_key_person == 1);
    CHECK(s.articulation_points == 3);
    CHECK(s.revenue_total == 157.75 && s.revenue_with_key_person == 100.5);
    CHECK(s.revenue_orphan == 7.25);
    CHECK(s.command_line && strcmp(s.command_line, small_cmd) == 0);
    CHECK(s.linchpin_version && strcmp(s.linchpin_version, LP_VERSION) == 0);
    CHECK(s.created && strlen(s.created) == 20 && s.created[4] == '-' && s.created[10] == 'T' &&
          s.created[19] == 'Z');
    /* A few rows' ids alone (fixed-length layout, no names), in the order asked. */
    const lp_vid rows[4] = {6, 0, 3, 0};
    lp_node_labels lab;
    CHECK_STATUS(lp_results_read_node_labels(&lab, out, rows, 4), LP_OK, NULL);
    CHECK(lab.k == 4 && lab.names == NULL);
    for (int j = 0; j < 4 && lab.k == 4; j++)
        CHECK(lab.ids[j] && strcmp(lab.ids[j], lp_strtab_get(&g->nodes.id, rows[j])) == 0);
    lp_node_labels_free(&lab);
    CHECK_STATUS(lp_results_read_node_labels(&lab, out, rows, 0), LP_OK, NULL);
    CHECK(lab.k == 0 && lab.names == NULL);
    lp_node_labels_free(&lab);
    const lp_vid negative[1] = {-1};
    CHECK_STATUS(lp_results_read_node_labels(&lab, out, negative, 1), LP_EINPUT,
                 "is not a row of /nodes");
    CHECK(s.n_top == 1);
    if (s.n_top == 1) {
        CHECK(strcmp(s.top[0].id, "alice") == 0 && strcmp(s.top[0].type, "employee") == 0);
        CHECK(s.top[0].accounts_at_risk == 1 && s.top[0].revenue_at_risk == 100.5);
    }
    CHECK(s.n_timings == 3);
    if (s.n_timings == 3) {
        CHECK(strcmp(s.timing_phase[0], "load") == 0 && s.timing_seconds[0] == 0.25);
        CHECK(strcmp(s.timing_phase[1], "keyperson") == 0 && s.timing_seconds[1] == 0.125);
        CHECK(strcmp(s.timing_phase[2], "write") == 0 && s.timing_seconds[2] >= 0 &&
              s.timing_seconds[2] < 60);
    }
    lp_summary_free(&s);
    lp_summary_free(&s); /* idempotent */
    lp_summary_free(NULL);

    /* The same file through the raw API. */
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f < 0) goto done;
    char *json = raw_attr_str(f, "input_files");
    CHECK(json && strcmp(json, small_inputs_json) == 0);
    if (json && strcmp(json, small_inputs_json) != 0) fprintf(stderr, "input_files = %s\n", json);
    free(json);
    char *fmt = raw_attr_str(f, "format"), *params = raw_attr_str(f, "parameters");
    CHECK(fmt && strcmp(fmt, "linchpin-results") == 0);
    CHECK(params && strcmp(params, small_params) == 0);
    free(fmt);
    free(params);
    /* format 2: every string attribute fixed-length UTF-8 (raw_attr_str
     * returns NULL otherwise), superblock of HDF5 1.10 */
    const char *root_str[8] = {"format",  "linchpin_version", "igraph_version", "hdf5_version",
                               "created", "command_line",     "parameters",     "input_files"};
    for (int i = 0; i < 8; i++) {
        char *v = raw_attr_str(f, root_str[i]);
        CHECK(v != NULL);
        if (!v)
            fprintf(stderr, "root attribute %s is not a fixed-length UTF-8 string\n", root_str[i]);
        free(v);
    }
    char *cmd = raw_attr_str(f, "command_line");
    CHECK(cmd && strcmp(cmd, small_cmd) == 0);
    free(cmd);
    CHECK(raw_attr_is(f, "/", "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, &(int32_t){2},
                      sizeof(int32_t)));
    CHECK(raw_attr_is(f, "/", "threads", H5T_STD_I32LE, H5T_NATIVE_INT32, &(int32_t){4},
                      sizeof(int32_t)));
    CHECK(raw_superblock(f) >= 2);
    const char *cols[] = {"/nodes/id",
                          "/nodes/type",
                          "/nodes/degree",
                          "/nodes/strength",
                          "/nodes/is_articulation",
                          "/nodes/accounts_at_risk",
                          "/nodes/revenue_at_risk"};
    for (int i = 0; i < 7; i++) {
        CHECK(raw_len(f, cols[i]) == 7);
        CHECK(raw_compressed(f, cols[i], i >= 2));
    }
    CHECK(raw_len(f, "/accounts/node") == 3 && raw_len(f, "/accounts/connected") == 3);
    CHECK(raw_len(f, "/accounts/key_persons_offsets") == 4);
    CHECK(raw_len(f, "/accounts/key_persons") == 1);
    CHECK(raw_len(f, "/summary/top_persons") == 1);
    /* node rows: lp_vid in the lp_analysis, int64 in the file */
    CHECK(raw_rows_are(f, "/accounts/node", (const lp_vid[]){3, 4, 6}, 3));
    CHECK(raw_rows_are(f, "/accounts/key_persons", (const lp_vid[]){1}, 1));
    CHECK(raw_rows_are(f, "/summary/top_persons", top, 1));

    /* /nodes/id and /nodes/type in input order, UTF-8 intact: fixed-length,
     * as wide as the longest ("Zo\xc3\xab ..." 14 bytes, "employee" 8), one
     * chunk of all 7 rows; no blob layout, no names (none were given). */
    CHECK(raw_strings_are(f, "/nodes/id", small_ids, 7));
    CHECK(raw_strings_are(f, "/nodes/type", small_types, 7));
    char *narrow = raw_fixed_strings(f, "/nodes/id", 7, 13); /* the width is checked */
    CHECK(narrow == NULL);
    free(narrow);
    CHECK(raw_chunk(f, "/nodes/id") == 7 && raw_chunk(f, "/nodes/type") == 7);
    CHECK(raw_len(f, "/nodes/id_bytes") == -1 && raw_len(f, "/nodes/id_offsets") == -1);
    CHECK(raw_len(f, "/nodes/name") == -1 && raw_len(f, "/nodes/name_bytes") == -1);

    int64_t ideg[7];
    hid_t d = H5Dopen2(f, "/nodes/degree", H5P_DEFAULT);
    CHECK(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ideg) >= 0);
    const int64_t want_deg[7] = {2, 3, 2, 1, 1, 3, 0};
    CHECK(memcmp(ideg, want_deg, sizeof ideg) == 0);
    H5Dclose(d);
    H5Fclose(f);

    /* Overwriting an existing file works and leaves no temporary. */
    CHECK_STATUS(write_results(out, &r), LP_OK, NULL);
    CHECK(lp_test_count_temps(tmpdir) == 0);
done:
    free(deg);
    free(str);
}

static void test_empty_and_absent(const lp_graph *g)
{
    lp_keyperson kp;
    fill_kp_empty(&kp, g->n);
    const lp_vid top0[1] = {0};
    lp_results r = small_results(g, NULL, NULL, &kp, top0, 0);
    r.a.n_timings = 0;
    r.info.n_inputs = 0;
    r.info.command_line = NULL;
    r.info.parameters_json = NULL;
    const char *out = path_in("empty_accounts.h5");
    CHECK_STATUS(write_results(out, &r), LP_OK, NULL);
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) {
        CHECK(raw_len(f, "/accounts/node") == 0 && raw_len(f, "/accounts/revenue") == 0);
        CHECK(raw_len(f, "/accounts/connected") == 0 && raw_len(f, "/accounts/key_persons") == 0);
        CHECK(raw_len(f, "/accounts/key_persons_offsets") == 1);
        CHECK(raw_len(f, "/summary/top_persons") == 0);
        CHECK(raw_len(f, "/nodes/degree") == -1 && raw_len(f, "/nodes/strength") == -1);
        char *files = raw_attr_str(f, "input_files"), *params = raw_attr_str(f, "parameters");
        char *cmd = raw_attr_str(f, "command_line");
        CHECK(files && strcmp(files, "[]") == 0);
        CHECK(params && strcmp(params, "{}") == 0);
        CHECK(cmd && strcmp(cmd, "") == 0);
        free(files);
        free(params);
        free(cmd);
        H5Fclose(f);
    }
    lp_summary s;
    CHECK_STATUS(lp_results_read_summary(&s, out), LP_OK, NULL);
    CHECK(s.has_keyperson == 1 && s.accounts == 0 && s.n_top == 0);
    CHECK(s.n_timings == 1 && strcmp(s.timing_phase[0], "write") == 0);
    lp_summary_free(&s);
    lp_keyperson_free(&kp);

    /* Without the key-person analysis: its columns and attributes are absent. */
    r = small_results(g, NULL, NULL, NULL, NULL, 0);
    out = path_in("no_kp.h5");
    CHECK_STATUS(write_results(out, &r), LP_OK, NULL);
    f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) {
        CHECK(H5Lexists(f, "/accounts", H5P_DEFAULT) == 0);
        CHECK(raw_len(f, "/nodes/is_articulation") == -1);
        CHECK(raw_len(f, "/nodes/id") == 7);
        CHECK(raw_len(f, "/summary/top_persons") == -1);
        CHECK(raw_attr_exists(f, "/summary", "nodes"));
        CHECK(!raw_attr_exists(f, "/summary", "accounts"));
        H5Fclose(f);
    }
    CHECK_STATUS(lp_results_read_summary(&s, out), LP_OK, NULL);
    CHECK(s.has_keyperson == 0 && s.nodes == 7 && s.accounts == 0 && s.n_top == 0);
    CHECK(s.n_timings == 3);
    lp_summary_free(&s);
}

static void test_bad_results(const lp_graph *g, const lp_keyperson *kp)
{
    const char *out = path_in("bad.h5");
    const lp_vid top[1] = {1}, bad_top[1] = {7};
    lp_results r = small_results(g, NULL, NULL, NULL, top, 1);
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL,
                 "top_persons given without the column it ranks");
    r = small_results(g, NULL, NULL, kp, bad_top, 1);
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "top_persons[0] = 7");
    const lp_timing dup[2] = {{"load", 1}, {"load", 2}}, wr[1] = {{"write", 1}};
    const lp_timing neg[1] = {{"load", -1}};
    r = small_results(g, NULL, NULL, kp, top, 1);
    set_timings(&r, dup, 2);
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "given twice");
    set_timings(&r, wr, 1);
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "\"write\"");
    set_timings(&r, neg, 1);
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "not a duration");
    lp_keyperson k2 = *kp;
    int64_t off[4] = {0, 1, 0, 1};
    k2.key_persons_offsets = off;
    r = small_results(g, NULL, NULL, &k2, top, 1);
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "monotone");
    struct stat sb;
    CHECK(stat(out, &sb) != 0 && errno == ENOENT);
    CHECK(lp_test_count_temps(tmpdir) == 0);
}

static void test_output_errors(const lp_graph *g, const lp_keyperson *kp)
{
    const lp_vid top[1] = {1};
    lp_results r = small_results(g, NULL, NULL, kp, top, 1);
    char msg[8400];

    /* (1) the target is an existing directory: the whole file is written,
     * rename() fails, the temporary is removed */
    const char *dir = path_in("adir");
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(msg, sizeof msg, "cannot write %s: Is a directory", dir);
    CHECK_STATUS(write_results(dir, &r), LP_EOUTPUT, msg);
    CHECK(lp_test_count_temps(tmpdir) == 0);
    CHECK(lp_test_count_temps(dir) == 0);
    char *inside = path_in("adir/x.h5");
    CHECK_STATUS(write_results(inside, &r), LP_OK, NULL); /* it is usable as a directory */
    CHECK(unlink(inside) == 0);
    CHECK(rmdir(dir) == 0);

    /* (3) the target directory does not exist */
    const char *missing = path_in("no/such/dir/out.h5");
    snprintf(msg, sizeof msg, "cannot write %s: No such file or directory", missing);
    CHECK_STATUS(write_results(missing, &r), LP_EOUTPUT, msg);
    CHECK(lp_test_count_temps(tmpdir) == 0);

    /* a path that is not a regular file */
    CHECK_STATUS(write_results("/dev/null", &r), LP_EOUTPUT,
                 "cannot write /dev/null: not a regular file");
}

/* (2) A write that fails half-way (file size limit) leaves the earlier file
 * byte-identical and no temporary. In a child: setrlimit is per process. */
static void test_failed_write_keeps_old(const lp_graph *small, const lp_keyperson *kp)
{
    const lp_vid top[1] = {1};
    lp_results r = small_results(small, NULL, NULL, kp, top, 1);
    const char *out = path_in("keep.h5");
    CHECK_STATUS(write_results(out, &r), LP_OK, NULL);
    size_t len0 = 0, len1 = 0;
    char *before = lp_test_slurp(out, &len0);
    CHECK(before != NULL && len0 > 0 && len0 < 128 * 1024);

    lp_graph big;
    build_path(&big, 200000);
    int64_t *deg = degrees_of(&big);
    lp_results rb = small_results(&big, deg, NULL, NULL, NULL, 0);

    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* libgomp's thread pool does not survive fork(): a parallel region
         * with more than one thread would wait forever for the parent's
         * threads (the writer compresses chunks in one). */
#ifdef _OPENMP
        omp_set_num_threads(1);
#endif
        struct rlimit lim = {128 * 1024, 128 * 1024};
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(10);
        lp_status st = write_results(out, &rb);
        if (st != LP_EOUTPUT) {
            fprintf(stderr, "child: status %d (%s)\n", (int)st, lp_error_message());
            _exit(11);
        }
        char want[8400];
        snprintf(want, sizeof want, "cannot write %s: ", out);
        if (strncmp(lp_error_message(), want, strlen(want)) != 0) {
            fprintf(stderr, "child: message \"%s\"\n", lp_error_message());
            _exit(12);
        }
        /* The writer closed every handle it opened, even on failure. */
        ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
        if (open_ids != 0) {
            fprintf(stderr, "child: %zd HDF5 objects still open\n", open_ids);
            _exit(13);
        }
        fprintf(stderr, "(expected) %s\n", lp_error_message());
        /* exit(), not _exit(): HDF5's atexit clean-up must survive a failed
         * write (with sec2, HDF5 1.10 crashed there on the half-closed file). */
        exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char *after = lp_test_slurp(out, &len1);
    CHECK(after && len1 == len0 && memcmp(before, after, len0) == 0);
    CHECK(lp_test_count_temps(tmpdir) == 0);
    free(before);
    free(after);

    /* Without the limit the big file is written (and replaces the old one). */
    CHECK_STATUS(write_results(out, &rb), LP_OK, NULL);
    struct stat sb;
    CHECK(stat(out, &sb) == 0 && sb.st_size > 2 * 128 * 1024); /* the limit hits half-way */
    lp_summary s;
    CHECK_STATUS(lp_results_read_summary(&s, out), LP_OK, NULL);
    CHECK(s.nodes == 200000 && s.edges == 199999 && s.has_keyperson == 0);
    lp_summary_free(&s);
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f >= 0) {
        CHECK(raw_len(f, "/nodes/id") == 200000);
        /* several string blocks of 65536 rows: fixed-length, 11 bytes
         * ("node-199999"), every row in place */
        CHECK(raw_chunk(f, "/nodes/id") == 65536 && raw_compressed(f, "/nodes/id", 0));
        char *ids = raw_fixed_strings(f, "/nodes/id", 200000, 11);
        CHECK(ids != NULL);
        for (int64_t i = 0; ids && i < 200000; i++) {
            char want[16] = {0};
            snprintf(want, sizeof want, "node-%lld", (long long)i);
            if (memcmp(ids + (size_t)i * 11, want, 11) != 0) {
                CHECK(!"/nodes/id row differs");
                fprintf(stderr, "row %lld\n", (long long)i);
                break;
            }
        }
        free(ids);
        H5Fclose(f);
    }
    free(deg);
    lp_graph_free(&big);
}

/* A file written with the raw API: fixed-length strings (some without a
 * NUL, some space-padded), no creation-order tracking on /summary/timings,
 * the smallest set of attributes. With v110, in the HDF5 1.10 format
 * (superblock >= 2) as format 2 requires; else HDF5's default (version 0). */
static void raw_file_sb(const char *path, const char *format, int version, int full, int v110)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (v110) H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    hid_t sc = H5Screate(H5S_SCALAR);
    if (format) {
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, strlen(format));
        H5Tset_strpad(t, H5T_STR_NULLPAD);
        hid_t a = H5Acreate2(f, "format", t, sc, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, t, format);
        H5Aclose(a);
        H5Tclose(t);
    }
    if (version) {
        hid_t a = H5Acreate2(f, "format_version", H5T_STD_I64BE, sc, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(a, H5T_NATIVE_INT, &version);
        H5Aclose(a);
    }
    if (full) {
        const char *strs[3][2] = {{"created", "2026-11-23T12:00:00Z"},
                                  {"linchpin_version", "0.0.1"},
                                  {"command_line", "raw writer   "}};
        for (int i = 0; i < 3; i++) {
            hid_t t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, strlen(strs[i][1]) + 2);
            H5Tset_strpad(t, H5T_STR_SPACEPAD);
            char buf[64];
            snprintf(buf, sizeof buf, "%s  ", strs[i][1]);
            hid_t a = H5Acreate2(f, strs[i][0], t, sc, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(a, t, buf);
            H5Aclose(a);
            H5Tclose(t);
        }
        hid_t g = H5Gcreate2(f, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const char *cnt[5] = {"nodes", "edges", "merged_duplicates", "dropped_self_loops",
                              "skipped_rows"};
        for (int i = 0; i < 5; i++) {
            int v = 10 + i;
            hid_t a = H5Acreate2(g, cnt[i], H5T_STD_I32LE, sc, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(a, H5T_NATIVE_INT, &v);
            H5Aclose(a);
        }
        hid_t tg = H5Gcreate2(g, "timings", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        const char *ph[3] = {"write", "load", "pagerank"};
        for (int i = 0; i < 3; i++) {
            float v = (float)i;
            hid_t a = H5Acreate2(tg, ph[i], H5T_IEEE_F32LE, sc, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(a, H5T_NATIVE_FLOAT, &v);
            H5Aclose(a);
        }
        H5Gclose(tg);
        H5Gclose(g);
    }
    H5Sclose(sc);
    H5Fclose(f);
}

static void raw_file(const char *path, const char *format, int version, int full)
{
    raw_file_sb(path, format, version, full, 1);
}

static void test_reader_errors(void)
{
    lp_summary s;
    memset(&s, 0, sizeof s);
    char msg[8400];
    const char *p = path_in("missing.h5");
    snprintf(msg, sizeof msg, "%s: cannot open: No such file or directory", p);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);

    p = path_in("text.h5");
    write_text(p, "id,type\nx,y\n");
    snprintf(msg, sizeof msg, "%s: not a linchpin result file", p);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);

    p = path_in("other.h5");
    raw_file(p, NULL, 0, 0);
    snprintf(msg, sizeof msg, "%s: not a linchpin result file", p);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);
    raw_file(p, "linchpin-graph", 2, 1);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);
    raw_file(p, "linchpin-results", 0, 1);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);

    p = path_in("v3.h5");
    raw_file(p, "linchpin-results", 3, 1);
    snprintf(msg, sizeof msg, "%s: unsupported format_version 3", p);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);
    /* format 1 (variable-length strings) is no longer read */
    p = path_in("v1.h5");
    raw_file(p, "linchpin-results", 1, 1);
    snprintf(msg, sizeof msg, "%s: unsupported format_version 1", p);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);

    p = path_in("partial.h5");
    raw_file(p, "linchpin-results", 2, 0);
    snprintf(msg, sizeof msg, "%s: /: missing attribute 'created'", p);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);
    CHECK(s.created == NULL && s.n_top == 0); /* *out untouched on failure */

    /* An independent writer's file (fixed-length strings, other integer
     * widths, no creation order): read, timings in name order. */
    p = path_in("raw_ok.h5");
    raw_file(p, "linchpin-results", 2, 1);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_OK, NULL);
    CHECK(s.created && strcmp(s.created, "2026-11-23T12:00:00Z") == 0);
    CHECK(s.command_line && strcmp(s.command_line, "raw writer") == 0);
    CHECK(s.nodes == 10 && s.edges == 11 && s.skipped_rows == 14 && s.has_keyperson == 0);
    CHECK(s.n_timings == 3);
    if (s.n_timings == 3) {
        CHECK(strcmp(s.timing_phase[0], "load") == 0 && s.timing_seconds[0] == 1);
        CHECK(strcmp(s.timing_phase[1], "pagerank") == 0 && s.timing_seconds[1] == 2);
        CHECK(strcmp(s.timing_phase[2], "write") == 0 && s.timing_seconds[2] == 0);
    }
    lp_summary_free(&s);
    hid_t f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(raw_superblock(f) >= 2);
    H5Fclose(f);

    /* The same file in HDF5's default format (superblock 0, no checksums;
     * what format 1 files have) is refused before anything is read. */
    p = path_in("raw_sb0.h5");
    raw_file_sb(p, "linchpin-results", 2, 1, 0);
    f = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(raw_superblock(f) == 0);
    H5Fclose(f);
    snprintf(msg, sizeof msg, "%s: not a result file of format 2", p);
    CHECK_STATUS(lp_results_read_summary(&s, p), LP_EINPUT, msg);
}

/* ---- centrality columns ------------------------------------------------ */

/* The stored type of attribute obj@name equals ftype, and it reads as
 * *value (converted to mtype, size bytes compared). */
static int raw_attr_is(hid_t file, const char *obj, const char *name, hid_t ftype, hid_t mtype,
                       const void *value, size_t size)
{
    unsigned char buf[16] = {0};
    int ok = 0;
    if (H5Aexists_by_name(file, obj, name, H5P_DEFAULT) <= 0) return 0;
    hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : -1;
    if (t >= 0 && H5Tequal(t, ftype) > 0 && H5Aread(a, mtype, buf) >= 0)
        ok = memcmp(buf, value, size) == 0;
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return ok;
}

static int raw_attr_i64_is(hid_t file, const char *obj, const char *name, int64_t v)
{
    return raw_attr_is(file, obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v, sizeof v);
}

static int raw_attr_f64_is(hid_t file, const char *obj, const char *name, double v)
{
    return raw_attr_is(file, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, sizeof v);
}

static int raw_attr_u64_is(hid_t file, const char *obj, const char *name, uint64_t v)
{
    return raw_attr_is(file, obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &v, sizeof v);
}

/* The string attribute obj@name is stored as format 2 stores strings
 * (fixed-length UTF-8, text plus one NUL: see raw_attr_str) and equals want. */
static int raw_attr_str_is(hid_t file, const char *obj, const char *name, const char *want)
{
    hid_t d = H5Oopen(file, obj, H5P_DEFAULT);
    if (d < 0) return 0;
    char *v = raw_attr_str(d, name);
    int ok = v && strcmp(v, want) == 0;
    free(v);
    H5Oclose(d);
    return ok;
}

/* Column path holds exactly want[0..len) (native type mtype, elem bytes). */
static int raw_column_is(hid_t file, const char *path, hid_t mtype, const void *want, int64_t len,
                         size_t elem)
{
    if (raw_len(file, path) != len) return 0;
    if (len == 0) return 1;
    unsigned char *buf = xcalloc((size_t)len, elem);
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    int ok = d >= 0 && H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 &&
             memcmp(buf, want, (size_t)len * elem) == 0;
    if (d >= 0) H5Dclose(d);
    free(buf);
    return ok;
}

static void check_score(const lp_summary_score *sc, const char *id, const char *type, double value,
                        int line)
{
    if (!sc->id || strcmp(sc->id, id) != 0 || !sc->type || strcmp(sc->type, type) != 0 ||
        sc->value != value) {
        fprintf(stderr, "test_results_h5.c:%d: score %s (%s) %.17g, expected %s (%s) %.17g\n", line,
                sc->id ? sc->id : "(null)", sc->type ? sc->type : "(null)", sc->value, id, type,
                value);
        failures++;
    }
}
#define CHECK_SCORE(sc, id, type, value) check_score((sc), (id), (type), (value), __LINE__)

static void test_centrality_roundtrip(const lp_graph *g, const lp_keyperson *kp)
{
    int64_t *deg = degrees_of(g);
    double *str = strengths_of(g);
    const lp_vid top[1] = {1};
    const char *exact = path_in("centrality_exact.h5"), *sampled = path_in("centrality_sampled.h5");
    lp_summary s;

    /* exact: samples, epsilon, delta, seed written as 0, no vertex_diameter */
    lp_results r = small_results(g, deg, str, kp, top, 1);
    set_centrality_exact(&r);
    CHECK_STATUS(write_results(exact, &r), LP_OK, NULL);
    CHECK_STATUS(lp_results_read_summary(&s, exact), LP_OK, NULL);
    CHECK(s.n_top == 1 && s.has_keyperson == 1);
    CHECK(s.n_top_brokers == 4 && s.top_brokers != NULL);
    if (s.n_top_brokers == 4) {
        CHECK_SCORE(&s.top_brokers[0], "ACME", "company", 2);
        CHECK_SCORE(&s.top_brokers[1], "alice", "employee", 1.5);
        CHECK_SCORE(&s.top_brokers[2], "carol@globex", "contact", 1);
        CHECK_SCORE(&s.top_brokers[3], "bob", "employee", 0.5);
    }
    CHECK(s.n_top_betweenness == 4 && s.top_betweenness != NULL);
    if (s.n_top_betweenness == 4) {
        CHECK_SCORE(&s.top_betweenness[0], "alice", "employee", 5);
        CHECK_SCORE(&s.top_betweenness[1], "carol@globex", "contact", 5);
        CHECK_SCORE(&s.top_betweenness[2], "ACME", "company", 1);
        CHECK_SCORE(&s.top_betweenness[3], "bob", "employee", 1);
    }
    CHECK(s.betweenness_method && strcmp(s.betweenness_method, "exact") == 0);
    CHECK(s.betweenness_samples == 0 && s.betweenness_epsilon == 0 && s.betweenness_delta == 0);
    lp_summary_free(&s);
    CHECK(s.top_brokers == NULL && s.betweenness_method == NULL && s.n_top_betweenness == 0);

    hid_t f = H5Fopen(exact, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) {
        const char *cols[3] = {"/nodes/pagerank", "/nodes/betweenness", "/nodes/brokerage"};
        const double *want[3] = {small_pagerank, small_betweenness, small_brokerage};
        for (int i = 0; i < 3; i++) {
            CHECK(raw_column_is(f, cols[i], H5T_NATIVE_DOUBLE, want[i], 7, sizeof(double)));
            CHECK(raw_compressed(f, cols[i], 1));
            hid_t d = H5Dopen2(f, cols[i], H5P_DEFAULT), t = H5Dget_type(d);
            CHECK(H5Tequal(t, H5T_IEEE_F64LE) > 0);
            H5Tclose(t);
            H5Dclose(d);
        }
        CHECK(raw_attr_i64_is(f, "/nodes/pagerank", "iterations", 31));
        const char *bw = "/nodes/betweenness";
        CHECK(raw_attr_str_is(f, bw, "method", "exact"));
        CHECK(raw_attr_i64_is(f, bw, "samples", 0));
        CHECK(raw_attr_f64_is(f, bw, "epsilon", 0) && raw_attr_f64_is(f, bw, "delta", 0));
        CHECK(raw_attr_u64_is(f, bw, "seed", 0));
        CHECK(!raw_attr_exists(f, bw, "vertex_diameter"));
        CHECK(raw_rows_are(f, "/summary/top_brokers", small_top_brokers, 4));
        CHECK(raw_rows_are(f, "/summary/top_betweenness", small_top_betweenness, 4));
        CHECK(raw_compressed(f, "/summary/top_brokers", 1));
        CHECK(raw_compressed(f, "/summary/top_betweenness", 1));
        H5Fclose(f);
    }

    /* sampled, without the key-person analysis */
    r = small_results(g, deg, str, NULL, NULL, 0);
    set_centrality_sampled(&r);
    CHECK_STATUS(write_results(sampled, &r), LP_OK, NULL);
    CHECK_STATUS(lp_results_read_summary(&s, sampled), LP_OK, NULL);
    CHECK(s.has_keyperson == 0 && s.n_top == 0 && s.n_top_brokers == 4);
    CHECK(s.betweenness_method && strcmp(s.betweenness_method, "sampled") == 0);
    CHECK(s.betweenness_samples == 700 && s.betweenness_epsilon == 0.05 &&
          s.betweenness_delta == 0.1);
    CHECK(s.n_top_betweenness == 4);
    if (s.n_top_betweenness == 4) {
        CHECK_SCORE(&s.top_betweenness[0], "alice", "employee", 3.6);
        CHECK_SCORE(&s.top_betweenness[1], "carol@globex", "contact", 3.3);
        CHECK_SCORE(&s.top_betweenness[2], "bob", "employee", 1.2);
        CHECK_SCORE(&s.top_betweenness[3], "ACME", "company", 0.9);
    }
    lp_summary_free(&s);
    f = H5Fopen(sampled, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) {
        const char *bw = "/nodes/betweenness";
        CHECK(raw_column_is(f, bw, H5T_NATIVE_DOUBLE, sampled_betweenness, 7, sizeof(double)));
        CHECK(raw_attr_str_is(f, bw, "method", "sampled"));
        CHECK(raw_attr_i64_is(f, bw, "samples", 700));
        CHECK(raw_attr_f64_is(f, bw, "epsilon", 0.05) && raw_attr_f64_is(f, bw, "delta", 0.1));
        CHECK(raw_attr_u64_is(f, bw, "seed", SAMPLED_SEED));
        CHECK(raw_attr_i64_is(f, bw, "vertex_diameter", 5));
        CHECK(raw_len(f, "/summary/top_persons") == -1);
        H5Fclose(f);
    }

    /* Nothing to sample (vertex-diameter bound < 3): samples 0 is accepted. */
    static const double zeros[7] = {0};
    r.a.betweenness = MUT(zeros);
    r.a.sampling_done.samples = 0;
    r.a.sampling_done.vertex_diameter = 2;
    r.a.top_betweenness = mut_rows(top); /* non-NULL, empty: an empty dataset */
    r.a.n_top_betweenness = 0;
    CHECK_STATUS(write_results(sampled, &r), LP_OK, NULL);
    f = H5Fopen(sampled, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) {
        CHECK(raw_attr_i64_is(f, "/nodes/betweenness", "samples", 0));
        CHECK(raw_len(f, "/summary/top_betweenness") == 0);
        H5Fclose(f);
    }
    CHECK_STATUS(lp_results_read_summary(&s, sampled), LP_OK, NULL);
    CHECK(s.n_top_betweenness == 0 && s.top_betweenness == NULL && s.betweenness_samples == 0);
    lp_summary_free(&s);

    /* Each NULL pointer: that dataset absent, never zero-filled. */
    r = small_results(g, deg, str, kp, top, 1);
    r.a.brokerage = MUT(small_brokerage); /* a column without its ranking */
    CHECK_STATUS(write_results(exact, &r), LP_OK, NULL);
    f = H5Fopen(exact, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) {
        CHECK(raw_len(f, "/nodes/brokerage") == 7);
        CHECK(raw_len(f, "/nodes/pagerank") == -1 && raw_len(f, "/nodes/betweenness") == -1);
        CHECK(raw_len(f, "/summary/top_brokers") == -1);
        CHECK(raw_len(f, "/summary/top_betweenness") == -1);
        H5Fclose(f);
    }
    CHECK_STATUS(lp_results_read_summary(&s, exact), LP_OK, NULL);
    CHECK(s.betweenness_method == NULL && s.betweenness_samples == 0);
    CHECK(s.n_top_brokers == 0 && s.top_brokers == NULL);
    CHECK(s.n_top_betweenness == 0 && s.top_betweenness == NULL);
    CHECK(s.n_top == 1);
    lp_summary_free(&s);
    free(deg);
    free(str);
}

/* small_results without key persons, with sampled centrality. */
static lp_results sampled_results(const lp_graph *g)
{
    lp_results r = small_results(g, NULL, NULL, NULL, NULL, 0);
    set_centrality_sampled(&r);
    return r;
}

/* Inconsistent centrality parts are refused before anything is written. */
static void test_bad_centrality(const lp_graph *g)
{
    const char *out = path_in("bad_centrality.h5");
    lp_results r;
    const lp_vid far[2] = {0, 7}, zero[2] = {0, 3}, swapped[2] = {1, 0}, twice[2] = {0, 0};
    const lp_vid tie[2] = {5, 1};
    r = sampled_results(g);
    r.a.betweenness_mode = LP_BW_OFF;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "betweenness_mode");
    r = sampled_results(g);
    r.a.betweenness_mode = LP_BW_AUTO;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "betweenness_mode");
    r = sampled_results(g);
    r.a.sampling.epsilon = 0;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "0 < epsilon < 1");
    r = sampled_results(g);
    r.a.sampling.delta = 1;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "0 < epsilon < 1");
    r = sampled_results(g);
    r.a.sampling.epsilon = NAN;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "0 < epsilon < 1");
    r = sampled_results(g);
    r.a.sampling_done.samples = -1;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "negative samples");
    r = sampled_results(g);
    r.a.sampling_done.vertex_diameter = -1;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "vertex_diameter");
    r = sampled_results(g);
    r.a.sampling_done.samples = 0;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "without samples");
    r = sampled_results(g);
    r.a.pagerank_iterations = -1;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "negative pagerank_iterations");
    r = sampled_results(g);
    r.a.brokerage = NULL;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL,
                 "top_brokers given without the column it ranks");
    r = sampled_results(g);
    r.a.betweenness = NULL;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL,
                 "top_betweenness given without the column it ranks");
    r = sampled_results(g);
    r.a.top_brokers = NULL;
    r.a.n_top_brokers = 2;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "top_brokers missing");
    r = sampled_results(g);
    r.a.n_top_betweenness = -1;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "top_betweenness missing");
    r = sampled_results(g);
    r.a.top_brokers = mut_rows(far);
    r.a.n_top_brokers = 2;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "top_brokers[1] = 7 is not a row");
    r = sampled_results(g);
    r.a.top_brokers = mut_rows(zero);
    r.a.n_top_brokers = 2;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "top_brokers[1] = 3 has value 0");
    r = sampled_results(g);
    r.a.top_brokers = mut_rows(swapped);
    r.a.n_top_brokers = 2;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "top_brokers not ordered");
    r = sampled_results(g);
    r.a.top_brokers = mut_rows(twice);
    r.a.n_top_brokers = 2;
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL, "top_brokers not ordered");
    r = sampled_results(g);
    r.a.top_betweenness = mut_rows(tie);
    r.a.n_top_betweenness = 2;
    r.a.betweenness = MUT(small_betweenness);
    CHECK_STATUS(write_results(out, &r), LP_EINTERNAL,
                 "top_betweenness not ordered by value desc, row asc at 1");
    struct stat sb;
    CHECK(stat(out, &sb) != 0 && errno == ENOENT);
    CHECK(lp_test_count_temps(tmpdir) == 0);

    /* An exact run ignores the sampled-only fields entirely. */
    r = small_results(g, NULL, NULL, NULL, NULL, 0);
    set_centrality_exact(&r);
    r.a.sampling.epsilon = NAN;
    r.a.sampling_done.samples = -5;
    CHECK_STATUS(write_results(out, &r), LP_OK, NULL);
    CHECK(unlink(out) == 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t len = 0;
    char *buf = lp_test_slurp(from, &len);
    FILE *f = fopen(to, "wb");
    if (!buf || !f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot copy %s to %s\n", from, to);
        exit(1);
    }
    free(buf);
}

/* The reader on damaged copies of a file with every centrality part. */
static void test_reader_centrality_errors(const lp_graph *g, const lp_keyperson *kp)
{
    const char *good = path_in("centrality_good.h5"), *bad = path_in("centrality_bad.h5");
    const lp_vid top[1] = {1};
    lp_results r = small_results(g, NULL, NULL, kp, top, 1);
    set_centrality_exact(&r);
    CHECK_STATUS(write_results(good, &r), LP_OK, NULL);
    lp_summary s;
    memset(&s, 0, sizeof s);
    char msg[8400];

    copy_file(good, bad);
    hid_t f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(f >= 0 && H5Ldelete(f, "/nodes/brokerage", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    snprintf(msg, sizeof msg, "%s: missing /nodes/brokerage", bad);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);

    copy_file(good, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(f >= 0 && H5Adelete_by_name(f, "/nodes/betweenness", "method", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    snprintf(msg, sizeof msg, "%s: /nodes/betweenness: missing attribute 'method'", bad);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);

    copy_file(good, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f >= 0) {
        hid_t d = H5Dopen2(f, "/summary/top_betweenness", H5P_DEFAULT);
        const int64_t rows[4] = {1, 5, 9, 2};
        CHECK(H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
        H5Dclose(d);
        H5Fclose(f);
    }
    snprintf(msg, sizeof msg, "%s: /summary/top_betweenness[2] = 9 is not a row of /nodes", bad);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);

    copy_file(good, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f >= 0) {
        hsize_t dims[1] = {7};
        int32_t v[7] = {0};
        CHECK(H5Ldelete(f, "/nodes/betweenness", H5P_DEFAULT) >= 0);
        hid_t sp = H5Screate_simple(1, dims, NULL);
        hid_t d = H5Dcreate2(f, "/nodes/betweenness", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT);
        CHECK(H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        H5Dclose(d);
        H5Sclose(sp);
        H5Fclose(f);
    }
    snprintf(msg, sizeof msg, "%s: /nodes/betweenness has the wrong type or shape", bad);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);
    CHECK(s.betweenness_method == NULL && s.top_brokers == NULL); /* *out untouched */

    /* Variable-length strings (format 1's, kept in the unchecksummed global
     * heap) are refused, not read: an attribute, then a column. */
    copy_file(good, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f >= 0) {
        hid_t t = H5Tcopy(H5T_C_S1), sc = H5Screate(H5S_SCALAR);
        const char *v = "linchpin analyze";
        H5Tset_size(t, H5T_VARIABLE);
        H5Tset_cset(t, H5T_CSET_UTF8);
        CHECK(H5Adelete(f, "command_line") >= 0);
        hid_t a = H5Acreate2(f, "command_line", t, sc, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(a >= 0 && H5Awrite(a, t, &v) >= 0);
        H5Aclose(a);
        CHECK(raw_attr_is_vlen(f, "command_line") && raw_attr_str(f, "command_line") == NULL);
        H5Sclose(sc);
        H5Tclose(t);
        H5Fclose(f);
    }
    snprintf(msg, sizeof msg, "%s: /: attribute 'command_line' is a variable-length string", bad);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);

    copy_file(good, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f >= 0) {
        hsize_t dims[1] = {7};
        hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate_simple(1, dims, NULL);
        H5Tset_size(t, H5T_VARIABLE);
        H5Tset_cset(t, H5T_CSET_UTF8);
        CHECK(H5Ldelete(f, "/nodes/id", H5P_DEFAULT) >= 0);
        hid_t d = H5Dcreate2(f, "/nodes/id", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(d >= 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, small_ids) >= 0);
        H5Dclose(d);
        H5Sclose(sp);
        H5Tclose(t);
        H5Fclose(f);
    }
    snprintf(msg, sizeof msg, "%s: /nodes/id holds variable-length strings", bad);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);
    CHECK(s.betweenness_method == NULL && s.top_brokers == NULL); /* *out untouched */
}

/* ---- a very long id: the blob layout ------------------------------------ */

/* LONG_N nodes: row 0 the company ACME (anchor), rows 1 .. LONG_P persons
 * (employees) each joined to ACME, rows LONG_P + 1 .. LONG_N - 1 accounts,
 * account i (0-based) joined to person 1 + i % LONG_P only, revenue i + 1.
 * So person p > 1 alone cuts account p - 1 off (revenue p), person 1 cuts
 * accounts 0 and LONG_P off (revenue 1 + LONG_P + 1); by revenue at risk the
 * persons rank 1, LONG_P, LONG_P - 1, ... Person LONG_AT has an id of
 * LONG_ID_LEN bytes; the others "emp-<p>". Every node has a name. */
#define LONG_N 20000
#define LONG_P 9999
#define LONG_AT (LONG_P - 1)
#define LONG_ID_LEN 200000
#define LONG_TOP 5

static char *long_id(void)
{
    char *id = xcalloc(LONG_ID_LEN + 1, 1);
    for (int i = 0; i < LONG_ID_LEN; i++)
        id[i] = (char)('a' + i % 26);
    memcpy(id + LONG_ID_LEN - 4, "-end", 4);
    return id;
}

static void long_id_of(char *buf, size_t size, int64_t v, const char *longid)
{
    if (v == LONG_AT)
        snprintf(buf, size, "%s", longid);
    else if (v == 0)
        snprintf(buf, size, "ACME");
    else if (v <= LONG_P)
        snprintf(buf, size, "emp-%lld", (long long)v);
    else
        snprintf(buf, size, "acct-%lld", (long long)(v - LONG_P - 1));
}

static void build_long(lp_graph *g, lp_keyperson *kp, const char *longid)
{
    static const char *const type_names[3] = {"company", "employee", "account"};
    const int64_t na = LONG_N - LONG_P - 1;
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    char *buf = xcalloc(LONG_ID_LEN + 64, 1), name[64];
    for (int t = 0; t < 3; t++)
        if (lp_strtab_push(&nodes.type_name, type_names[t], strlen(type_names[t]))) die("types");
    for (int64_t v = 0; v < LONG_N; v++) {
        int32_t type = v == 0 ? 0 : v <= LONG_P ? 1 : 2;
        long_id_of(buf, LONG_ID_LEN + 64, v, longid);
        if (lp_nodes_push(&nodes, buf, strlen(buf), type, type == 2 ? (double)(v - LONG_P) : 0))
            die("nodes");
        int len = snprintf(name, sizeof name, "Name %lld \xc3\xa9", (long long)v);
        if (lp_strtab_push(&nodes.name, name, (size_t)len)) die("names");
        if (v >= 1 && v <= LONG_P && lp_edges_push(&edges, 0, (lp_vid)v, 1)) die("edges");
        if (type == 2 &&
            lp_edges_push(&edges, (lp_vid)(1 + (v - LONG_P - 1) % LONG_P), (lp_vid)v, 1))
            die("edges");
    }
    nodes.has_revenue = 1;
    nodes.has_name = 1;
    free(buf);
    if (lp_graph_build(g, &nodes, &edges)) die("lp_graph_build");

    memset(kp, 0, sizeof *kp);
    kp->n = LONG_N;
    kp->is_articulation = xcalloc(LONG_N, 1);
    kp->accounts_at_risk = xcalloc(LONG_N, sizeof(int64_t));
    kp->revenue_at_risk = xcalloc(LONG_N, sizeof(double));
    kp->n_accounts = na;
    kp->account_node = xcalloc((size_t)na, sizeof(lp_vid));
    kp->account_revenue = xcalloc((size_t)na, sizeof(double));
    kp->account_connected = xcalloc((size_t)na, 1);
    kp->key_persons_offsets = xcalloc((size_t)na + 1, sizeof(int64_t));
    kp->key_persons = xcalloc((size_t)na, sizeof(lp_vid));
    for (int64_t v = 0; v <= LONG_P; v++)
        kp->is_articulation[v] = 1;
    for (int64_t i = 0; i < na; i++) {
        lp_vid p = (lp_vid)(1 + i % LONG_P);
        kp->account_node[i] = (lp_vid)(LONG_P + 1 + i);
        kp->account_revenue[i] = (double)(i + 1);
        kp->account_connected[i] = 1;
        kp->key_persons_offsets[i + 1] = i + 1;
        kp->key_persons[i] = p;
        kp->accounts_at_risk[p]++;
        kp->revenue_at_risk[p] += (double)(i + 1);
        kp->revenue_total += (double)(i + 1);
    }
    kp->n_articulation = LONG_P + 1;
    kp->accounts_with_key_person = na;
    kp->revenue_with_key_person = kp->revenue_total;
}

static const lp_vid long_top[LONG_TOP] = {1, LONG_P, LONG_P - 1, LONG_P - 2, LONG_P - 3};

static lp_results long_results(const lp_graph *g, const lp_keyperson *kp)
{
    lp_results r = small_results(g, NULL, NULL, kp, long_top, LONG_TOP);
    r.info.inputs = NULL;
    r.info.n_inputs = 0;
    return r;
}

/* One id of 200 KB among 20000 short ones: fixed-length /nodes/id would
 * take 20000 * 200 KB = 4 GB before compression, far more than 4 times the
 * ids' own bytes + 1 MiB, so the writer stores /nodes/id_bytes and
 * /nodes/id_offsets; /nodes/type and /nodes/name stay fixed-length. The
 * summary reader finds the top persons' ids, the long one among them. */
static void test_long_id(void)
{
    lp_graph g;
    lp_keyperson kp;
    char *longid = long_id();
    build_long(&g, &kp, longid);
    CHECK(g.n == LONG_N && g.m == LONG_N - 1);
    const char *out = path_in("long_id.h5"), *bad = path_in("long_id_bad.h5");
    lp_results r = long_results(&g, &kp);
    CHECK_STATUS(write_results(out, &r), LP_OK, NULL);
    struct stat sb;
    CHECK(stat(out, &sb) == 0 && sb.st_size < 4 * 1024 * 1024); /* no 4 GB of padding */

    lp_summary s;
    memset(&s, 0, sizeof s);
    CHECK_STATUS(lp_results_read_summary(&s, out), LP_OK, NULL);
    CHECK(s.nodes == LONG_N && s.accounts == LONG_N - LONG_P - 1 && s.n_top == LONG_TOP);
    char want[64];
    for (int64_t k = 0; k < s.n_top && k < LONG_TOP; k++) {
        int64_t v = long_top[k];
        char *id = xcalloc(LONG_ID_LEN + 64, 1);
        long_id_of(id, LONG_ID_LEN + 64, v, longid);
        CHECK(s.top[k].id && strcmp(s.top[k].id, id) == 0);
        if (s.top[k].id && strcmp(s.top[k].id, id) != 0)
            fprintf(stderr, "top[%lld] id %.40s... (%zu bytes), expected %.40s... (%zu)\n",
                    (long long)k, s.top[k].id, strlen(s.top[k].id), id, strlen(id));
        free(id);
        CHECK(s.top[k].type && strcmp(s.top[k].type, "employee") == 0);
        snprintf(want, sizeof want, "Name %lld \xc3\xa9", (long long)v);
        CHECK(s.top[k].name && strcmp(s.top[k].name, want) == 0);
        CHECK(s.top[k].accounts_at_risk == (v == 1 ? 2 : 1));
        CHECK(s.top[k].revenue_at_risk == (v == 1 ? (double)(LONG_P + 2) : (double)v));
    }
    CHECK(s.n_top == LONG_TOP && s.top[2].id && strlen(s.top[2].id) == LONG_ID_LEN);
    lp_summary_free(&s);

    /* A few rows' ids and names alone (the blob layout), in the order asked. */
    const lp_vid rows[3] = {LONG_N - 1, LONG_AT, 0};
    lp_node_labels lab;
    CHECK_STATUS(lp_results_read_node_labels(&lab, out, rows, 3), LP_OK, NULL);
    CHECK(lab.k == 3 && lab.names != NULL);
    for (int j = 0; j < 3 && lab.k == 3 && lab.names; j++) {
        char *id = xcalloc(LONG_ID_LEN + 64, 1);
        long_id_of(id, LONG_ID_LEN + 64, rows[j], longid);
        CHECK(lab.ids[j] && strcmp(lab.ids[j], id) == 0);
        free(id);
        snprintf(want, sizeof want, "Name %lld \xc3\xa9", (long long)rows[j]);
        CHECK(lab.names[j] && strcmp(lab.names[j], want) == 0);
    }
    lp_node_labels_free(&lab);
    CHECK(lab.k == 0 && lab.ids == NULL && lab.names == NULL);
    const lp_vid outside[2] = {1, LONG_N};
    CHECK_STATUS(lp_results_read_node_labels(&lab, out, outside, 2), LP_EINPUT,
                 "is not a row of /nodes");

    /* The layout, through the raw API. */
    int64_t total = 0; /* the ids' bytes, one NUL each */
    for (int64_t v = 0; v < LONG_N; v++) {
        char id[64];
        if (v == LONG_AT)
            total += LONG_ID_LEN + 1;
        else {
            long_id_of(id, sizeof id, v, longid);
            total += (int64_t)strlen(id) + 1;
        }
    }
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) {
        CHECK(raw_len(f, "/nodes/id") == -1);
        CHECK(raw_len(f, "/nodes/id_bytes") == total);
        CHECK(raw_len(f, "/nodes/id_offsets") == LONG_N + 1);
        CHECK(raw_compressed(f, "/nodes/id_bytes", 1) && raw_compressed(f, "/nodes/id_offsets", 1));
        CHECK(raw_chunk(f, "/nodes/id_bytes") == 65536 &&
              raw_chunk(f, "/nodes/id_offsets") == 20001);
        hid_t d = H5Dopen2(f, "/nodes/id_bytes", H5P_DEFAULT), t = H5Dget_type(d);
        CHECK(H5Tequal(t, H5T_STD_U8LE) > 0);
        H5Tclose(t);
        H5Dclose(d);
        d = H5Dopen2(f, "/nodes/id_offsets", H5P_DEFAULT);
        t = H5Dget_type(d);
        CHECK(H5Tequal(t, H5T_STD_I64LE) > 0);
        int64_t *off = xcalloc(LONG_N + 1, sizeof *off);
        uint8_t *bytes = xcalloc((size_t)total, 1);
        CHECK(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, off) >= 0);
        H5Tclose(t);
        H5Dclose(d);
        d = H5Dopen2(f, "/nodes/id_bytes", H5P_DEFAULT);
        CHECK(H5Dread(d, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes) >= 0);
        H5Dclose(d);
        /* string v is bytes[off[v] .. off[v+1] - 1), then its NUL */
        int bad_rows = off[0] != 0 || off[LONG_N] != total;
        for (int64_t v = 0; v < LONG_N && !bad_rows; v++) {
            char id[64];
            const char *w = id;
            if (v == LONG_AT)
                w = longid;
            else
                long_id_of(id, sizeof id, v, longid);
            int64_t l = (int64_t)strlen(w);
            bad_rows = off[v + 1] - off[v] != l + 1 || memcmp(bytes + off[v], w, (size_t)l) != 0 ||
                       bytes[off[v + 1] - 1] != 0;
            if (bad_rows) fprintf(stderr, "/nodes/id_bytes: row %lld differs\n", (long long)v);
        }
        CHECK(!bad_rows);
        free(off);
        free(bytes);
        /* type and name: fixed-length (short), whole-column check */
        const char **types = xcalloc(LONG_N, sizeof *types),
                   **names = xcalloc(LONG_N, sizeof *names);
        char *name_buf = xcalloc(LONG_N, 32);
        for (int64_t v = 0; v < LONG_N; v++) {
            types[v] = v == 0 ? "company" : v <= LONG_P ? "employee" : "account";
            names[v] = name_buf + v * 32;
            snprintf(name_buf + v * 32, 32, "Name %lld \xc3\xa9", (long long)v);
        }
        CHECK(raw_strings_are(f, "/nodes/type", types, LONG_N));
        CHECK(raw_strings_are(f, "/nodes/name", names, LONG_N));
        CHECK(raw_compressed(f, "/nodes/name", 0) && raw_chunk(f, "/nodes/name") == LONG_N);
        free(types);
        free(names);
        free(name_buf);
        H5Fclose(f);
    }

    /* The reader checks the blob it reads: an offset past the end of
     * /nodes/id_bytes for a top person (row LONG_P), a string of a top
     * person (row 1) without its NUL. */
    copy_file(out, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f >= 0) {
        hid_t d = H5Dopen2(f, "/nodes/id_offsets", H5P_DEFAULT), fs = H5Dget_space(d);
        hsize_t one[1] = {1}, at[1] = {LONG_P + 1};
        hid_t ms = H5Screate_simple(1, one, NULL);
        int64_t past = total + 10;
        CHECK(H5Sselect_elements(fs, H5S_SELECT_SET, 1, at) >= 0 &&
              H5Dwrite(d, H5T_NATIVE_INT64, ms, fs, H5P_DEFAULT, &past) >= 0);
        H5Sclose(ms);
        H5Sclose(fs);
        H5Dclose(d);
        H5Fclose(f);
    }
    char msg[8400];
    snprintf(msg, sizeof msg, "%s: /nodes/id_offsets: row %d points outside /nodes/id_bytes", bad,
             LONG_P);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);

    copy_file(out, bad);
    f = H5Fopen(bad, H5F_ACC_RDWR, H5P_DEFAULT);
    if (f >= 0) {
        /* row 1 is "emp-1" at 5 ("ACME" and its NUL before it): NUL at 10 */
        hid_t d = H5Dopen2(f, "/nodes/id_bytes", H5P_DEFAULT), fs = H5Dget_space(d);
        hsize_t one[1] = {1}, at[1] = {10};
        hid_t ms = H5Screate_simple(1, one, NULL);
        uint8_t x = 'x';
        CHECK(H5Sselect_elements(fs, H5S_SELECT_SET, 1, at) >= 0 &&
              H5Dwrite(d, H5T_NATIVE_UINT8, ms, fs, H5P_DEFAULT, &x) >= 0);
        H5Sclose(ms);
        H5Sclose(fs);
        H5Dclose(d);
        H5Fclose(f);
    }
    snprintf(msg, sizeof msg, "%s: /nodes/id_bytes: string of row 1 is not NUL-terminated", bad);
    CHECK_STATUS(lp_results_read_summary(&s, bad), LP_EINPUT, msg);

    free(longid);
    lp_keyperson_free(&kp);
    lp_graph_free(&g);
}

/* For tests/test_h5schema_selfcheck.py: the sample files, nothing else. */
static int write_samples(const char *dir)
{
    lp_graph g;
    lp_keyperson kp, empty;
    build_small(&g);
    fill_kp_small(&kp);
    fill_kp_empty(&empty, g.n);
    int64_t *deg = degrees_of(&g);
    double *str = strengths_of(&g);
    const lp_vid top[1] = {1};
    char p[8400];
    int rc = 0;
    lp_results r = small_results(&g, deg, str, &kp, top, 1);
    set_centrality_exact(&r);
    snprintf(p, sizeof p, "%s/full.h5", dir);
    rc |= write_results(p, &r) != LP_OK;
    r = small_results(&g, NULL, NULL, &empty, top, 0);
    snprintf(p, sizeof p, "%s/empty_accounts.h5", dir);
    rc |= write_results(p, &r) != LP_OK;
    r = small_results(&g, deg, NULL, NULL, NULL, 0);
    snprintf(p, sizeof p, "%s/no_kp.h5", dir);
    rc |= write_results(p, &r) != LP_OK;
    r = small_results(&g, deg, str, NULL, NULL, 0);
    set_centrality_sampled(&r);
    snprintf(p, sizeof p, "%s/sampled.h5", dir);
    rc |= write_results(p, &r) != LP_OK;
    if (rc) fprintf(stderr, "test_results_h5: %s\n", lp_error_message());
    free(deg);
    free(str);
    lp_keyperson_free(&kp);
    lp_keyperson_free(&empty);
    lp_graph_free(&g);

    /* long_id.h5: /nodes/id in the blob layout (test_long_id) */
    lp_graph lg;
    lp_keyperson lkp;
    char *longid = long_id();
    build_long(&lg, &lkp, longid);
    r = long_results(&lg, &lkp);
    snprintf(p, sizeof p, "%s/long_id.h5", dir);
    if (write_results(p, &r) != LP_OK) {
        fprintf(stderr, "test_results_h5: %s\n", lp_error_message());
        rc = 1;
    }
    free(longid);
    lp_keyperson_free(&lkp);
    lp_graph_free(&lg);
    return rc;
}

int main(int argc, char **argv)
{
    umask(022);
    if (argc == 3 && strcmp(argv[1], "--write") == 0) return write_samples(argv[2]);

    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/lp_results_h5_XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }

    lp_graph g;
    lp_keyperson kp;
    build_small(&g);
    fill_kp_small(&kp);
    CHECK(g.n == 7 && g.m == 6 && g.merged_duplicates == 1 && g.dropped_self_loops == 1);

    test_roundtrip(&g, &kp);
    test_empty_and_absent(&g);
    test_bad_results(&g, &kp);
    test_output_errors(&g, &kp);
    test_failed_write_keeps_old(&g, &kp);
    test_reader_errors();
    test_centrality_roundtrip(&g, &kp);
    test_bad_centrality(&g);
    test_reader_centrality_errors(&g, &kp);
    test_long_id();

    lp_keyperson_free(&kp);
    lp_graph_free(&g);
    if (failures == 0)
        lp_test_remove_tree(tmpdir);
    else
        fprintf(stderr, "files left in %s\n", tmpdir);
    printf("test_results_h5: %s (%d failed checks)\n", failures ? "FAIL" : "ok", failures);
    return failures ? 1 : 0;
}
