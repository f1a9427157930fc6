/* test_graphstore.c — the binary graph store (io/graphstore.c), format 2.
 *
 *  1. Round trips: generated enterprises (awkward ids, merged duplicates,
 *     dropped self-loops, compact and human-like ids, one graph large
 *     enough that its datasets are page-aligned and mapped) and tiny
 *     hand-made graphs whose datasets are not (UTF-8, commas, quotes, line
 *     breaks, an empty type name, no revenue column, isolated nodes, no
 *     edges, no nodes) must read back exactly: ids, types, type names,
 *     revenue bitwise, has_revenue, CSR and weights bitwise, counts, the
 *     igraph copy made on demand, and, from CSV files, the load report. The
 *     graph read must not depend on the file any more once it is replaced
 *     (by rename, as import does). Each file written is checked with plain
 *     HDF5 calls against lp_graphstore.h: version 2, the arrays in store
 *     form (strings with their NULs, the CSR as it is), every dataset 1-D,
 *     contiguous, unfiltered, little-endian, those of 4 KiB and more at a
 *     multiple of 4096, the checksums (computed here from their definition)
 *     under /nodes and /types and none under /csr. The whole analysis
 *     (lp_analyze) on the store's graph equals the one on the CSV's,
 *     bitwise. Reading at 1 and 8 threads gives the same graph.
 *  2. An independent writer (raw HDF5 calls; contiguous, contiguous and
 *     page-aligned, or chunked with shuffle, deflate and Fletcher-32;
 *     little- or big-endian) makes valid stores that must be read, then
 *     deliberately bad ones, each refused with LP_EINPUT and its message
 *     from lp_graphstore.h: format name, version (format 1 with its hint),
 *     root attributes, sizes against n and m, missing objects, types and
 *     shapes of datasets, checksums (wrong, missing, stale after a change of
 *     a valid value), string offsets, UTF-8, NUL, empty, unterminated and
 *     duplicate ids, type rows, revenue, and every CSR defect (offsets,
 *     range, self, order, weights, symmetry). A bad value that the reader
 *     validates anyway is written with a correct checksum, so that its own
 *     message is the one expected.
 *  3. Corruption: a store is damaged by single bit flips (every k-th byte
 *     plus random ones, so superblock, object headers, attributes, the
 *     checksummed node datasets and the CSR are all hit) and by truncation
 *     at many lengths; each damaged copy is read in a fork()ed child, which
 *     must return either LP_EINPUT with a message starting with the path,
 *     or LP_OK with a graph equal to the original. A signal (crash, abort,
 *     SIGBUS from a mapping past the end) or any other status fails.
 *  4. Writing: a target directory that does not exist and a target that is
 *     a directory give LP_EOUTPUT; a write that fails half-way (file-size
 *     limit, in a child) leaves the earlier file byte-identical and no
 *     temporary; an inconsistent graph (ids, types, CSR) is LP_EINTERNAL
 *     and writes nothing.
 */
#define _XOPEN_SOURCE 700 /* SIGXFSZ, setrlimit, mkdtemp */

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
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
    if (!a->nodes.has_name != !b->nodes.has_name) return "has_name";
    if (a->nodes.has_name) {
        if (a->nodes.name.count != a->n || b->nodes.name.count != b->n) return "name count";
        for (int64_t i = 0; i < a->n; i++)
            if (strcmp(lp_strtab_get(&a->nodes.name, i), lp_strtab_get(&b->nodes.name, i))) {
                snprintf(why, sizeof why, "name of node %lld", (long long)i);
                return why;
            }
    }
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

/* Within 1e-9 relative: looser than the bitwise identity docs/metrics.md
 * "Determinism" promises (exact betweenness once added per-thread partial
 * sums in an order that depended on scheduling). */
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
    size_t n = (size_t)a->n, na = (size_t)x.keyperson.n_accounts;
    const char *diff = NULL;
#define SAME(cond)                                                                                 \
    if (!diff && !(cond)) diff = #cond
    SAME(x.keyperson.n_accounts == y.keyperson.n_accounts);
    SAME(same_bytes(x.degree, y.degree, n * sizeof *x.degree));
    SAME(same_bytes(x.strength, y.strength, n * sizeof *x.strength));
    SAME(same_bytes(x.keyperson.is_articulation, y.keyperson.is_articulation, n));
    SAME(same_bytes(x.keyperson.accounts_at_risk, y.keyperson.accounts_at_risk,
                    n * sizeof *x.keyperson.accounts_at_risk));
    SAME(same_bytes(x.keyperson.revenue_at_risk, y.keyperson.revenue_at_risk, n * sizeof(double)));
    SAME(same_bytes(x.keyperson.account_node, y.keyperson.account_node,
                    na * sizeof *x.keyperson.account_node));
    SAME(same_bytes(x.keyperson.key_persons_offsets, y.keyperson.key_persons_offsets,
                    (na + 1) * sizeof *x.keyperson.key_persons_offsets));
    SAME(same_bytes(x.keyperson.key_persons, y.keyperson.key_persons,
                    (size_t)x.keyperson.key_persons_offsets[na] * sizeof *x.keyperson.key_persons));
    SAME(same_bytes(x.brokerage, y.brokerage, n * sizeof(double)));
    SAME(close_enough(x.betweenness, y.betweenness, n));
    SAME(same_bytes(x.pagerank, y.pagerank, n * sizeof(double)));
    SAME(same_bytes(x.bus_factor, y.bus_factor, na * sizeof(int32_t)));
    SAME(same_bytes(x.dominant_share, y.dominant_share, na * sizeof(double)));
    SAME(x.n_top_persons == y.n_top_persons);
    SAME(same_bytes(x.top_persons, y.top_persons, (size_t)x.n_top_persons * sizeof *x.top_persons));
#undef SAME
    int same = diff == NULL;
    CHECK(same, "%s: analysis of the store's graph differs from the original's: %s", what, diff);
    lp_analysis_free(&x);
    lp_analysis_free(&y);
}

/* ---- the format, as lp_graphstore.h defines it -------------------------- */

/* printf into one of a few static buffers (for expected messages). */
__attribute__((format(printf, 1, 2))) static const char *fmt(const char *f, ...)
{
    static char buf[8][400];
    static int k;
    char *p = buf[k++ % 8];
    va_list ap;
    va_start(ap, f);
    vsnprintf(p, sizeof buf[0], f, ap);
    va_end(ap);
    return p;
}

/* The data checksum of lp_graphstore.h, written from its definition (not
 * taken from io/graphstore.c): (L + sum over i < ceil(L/8) of
 * f(w_i XOR (i * 0x9E3779B97F4A7C15))) mod 2^64, f(x) = y XOR (y >> 32)
 * with y = x * 0xD6E8FEB86659FD93, w_i the little-endian 64-bit word of
 * bytes 8i .. 8i+7, the last one padded with zero bytes. */
static uint64_t spec_checksum(const unsigned char *b, size_t len)
{
    uint64_t sum = (uint64_t)len;
    for (size_t i = 0; 8 * i < len; i++) {
        uint64_t w = 0;
        for (size_t j = 0; j < 8 && 8 * i + j < len; j++)
            w |= (uint64_t)b[8 * i + j] << (8 * j);
        uint64_t y = (w ^ ((uint64_t)i * 0x9E3779B97F4A7C15u)) * 0xD6E8FEB86659FD93u;
        sum += y ^ (y >> 32);
    }
    return sum;
}

/* The element types of the store's datasets. */
typedef enum raw_kind { RAW_U8, RAW_I32, RAW_I64, RAW_F64 } raw_kind;

static size_t raw_width(raw_kind k)
{
    return k == RAW_U8 ? 1 : k == RAW_I32 ? 4 : 8;
}

/* The checksum of len values of kind k: over their little-endian bytes,
 * whatever the host's (or a big-endian file's) byte order. */
static uint64_t values_checksum(raw_kind k, const void *buf, int64_t len)
{
    size_t w = raw_width(k);
    unsigned char *le = malloc(w * (size_t)len + 1);
    if (!le) die("malloc");
    for (int64_t i = 0; i < len; i++) {
        uint64_t v = 0;
        if (k == RAW_U8) {
            v = ((const unsigned char *)buf)[i];
        } else if (k == RAW_I32) {
            int32_t x;
            memcpy(&x, (const char *)buf + 4 * i, 4);
            v = (uint32_t)x;
        } else { /* int64 or an IEEE double, as the host holds it */
            memcpy(&v, (const char *)buf + 8 * i, 8);
        }
        for (size_t j = 0; j < w; j++)
            le[w * (size_t)i + j] = (unsigned char)(v >> (8 * j));
    }
    uint64_t c = spec_checksum(le, w * (size_t)len);
    free(le);
    return c;
}

/* Everything a store holds, as plain arrays in store form (the test's own
 * conversion), so that section 2 can break any part before writing it with
 * raw HDF5 calls and check_layout can compare what the writer wrote. */
typedef struct raw_store {
    const char *format;
    int64_t version, n_attr, m_attr, has_revenue, merged, loops;
    int64_t n, m, nbytes, t, tbytes;      /* the arrays' sizes (2m arcs) */
    unsigned char *id_bytes, *type_bytes; /* every string followed by its NUL */
    int64_t *id_off, *type_off;           /* [n+1], [t+1] */
    int32_t *type;                        /* [n] */
    double *revenue;                      /* [n] */
    int64_t *offsets;                     /* [n+1] /csr/offsets */
    int32_t *targets;                     /* [2m] /csr/targets */
    double *weights;                      /* [2m] /csr/weights */
    int64_t node_rows, edge_rows, skipped_rows;
    /* how raw_write writes it */
    int layout;               /* RAW_CONTIGUOUS, RAW_ALIGNED or RAW_CHUNKED */
    int big_endian;           /* integers, floats and checksums big-endian */
    const char *skip;         /* an object or attribute name to leave out */
    const char *no_checksum;  /* this dataset without its "checksum" attribute */
    const char *set_checksum; /* this dataset's "checksum" is `checksum`, not its own */
    uint64_t checksum;
    const char *retype;    /* this dataset with another size, signedness or class */
    const char *two_d;     /* this dataset as [len, 1] */
    const char *short_one; /* this dataset one element short */
    int64_t huge_arcs;     /* > 0: /csr/targets and /csr/weights claim this many
                              elements and have no storage */
    int version_as_string; /* format_version as a string attribute */
} raw_store;

enum { RAW_CONTIGUOUS, RAW_ALIGNED, RAW_CHUNKED, RAW_LAYOUTS };
static const char *const raw_layout_name[RAW_LAYOUTS] = {"contiguous", "contiguous, page-aligned",
                                                         "chunked, shuffle + deflate + fletcher32"};

static raw_store raw_of(const lp_graph *g)
{
    raw_store r;
    memset(&r, 0, sizeof r);
    r.format = "linchpin-graph";
    r.version = 2;
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
        int64_t total = 0;
        for (int64_t i = 0; i < t->count; i++)
            total += (int64_t)strlen(lp_strtab_get(t, i)) + 1;
        unsigned char *bytes = malloc((size_t)total + 2); /* room for tests to append */
        int64_t *off = malloc(((size_t)t->count + 1) * sizeof *off), at = 0;
        if (!bytes || !off) die("malloc");
        for (int64_t i = 0; i < t->count; i++) {
            const char *s = lp_strtab_get(t, i);
            size_t len = strlen(s) + 1; /* with its NUL */
            off[i] = at;
            memcpy(bytes + at, s, len);
            at += (int64_t)len;
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
    size_t n = (size_t)g->n, arcs = 2 * (size_t)g->m;
    r.type = malloc((n + 1) * sizeof *r.type);
    r.revenue = malloc((n + 1) * sizeof *r.revenue);
    r.offsets = malloc((n + 1) * sizeof *r.offsets);
    r.targets = malloc((arcs + 1) * sizeof *r.targets);
    r.weights = malloc((arcs + 1) * sizeof *r.weights);
    if (!r.type || !r.revenue || !r.offsets || !r.targets || !r.weights) die("malloc");
    if (n) {
        memcpy(r.type, g->nodes.type, n * sizeof *r.type);
        memcpy(r.revenue, g->nodes.revenue, n * sizeof *r.revenue);
    }
    if (g->csr.offset)
        memcpy(r.offsets, g->csr.offset, (n + 1) * sizeof *r.offsets);
    else
        r.offsets[0] = 0;
    if (arcs) {
        memcpy(r.targets, g->csr.adj, arcs * sizeof *r.targets);
        memcpy(r.weights, g->csr.weight, arcs * sizeof *r.weights);
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
    free(r->offsets);
    free(r->targets);
    free(r->weights);
}

/* One dataset of the layout: path, element type, length, r's array, and
 * whether it carries a "checksum" attribute. */
typedef struct raw_ds {
    const char *path;
    raw_kind kind;
    int64_t len;
    const void *buf;
    int checksum;
} raw_ds;

#define RAW_DATASETS 9
static void raw_datasets(const raw_store *r, raw_ds ds[RAW_DATASETS])
{
    const raw_ds all[RAW_DATASETS] = {
        {"/nodes/id_bytes", RAW_U8, r->nbytes, r->id_bytes, 1},
        {"/nodes/id_offsets", RAW_I64, r->n + 1, r->id_off, 1},
        {"/nodes/type", RAW_I32, r->n, r->type, 1},
        {"/nodes/revenue", RAW_F64, r->n, r->revenue, 1},
        {"/types/name_bytes", RAW_U8, r->tbytes, r->type_bytes, 1},
        {"/types/name_offsets", RAW_I64, r->t + 1, r->type_off, 1},
        {"/csr/offsets", RAW_I64, r->n + 1, r->offsets, 0},
        {"/csr/targets", RAW_I32, 2 * r->m, r->targets, 0},
        {"/csr/weights", RAW_F64, 2 * r->m, r->weights, 0},
    };
    memcpy(ds, all, sizeof all);
}

/* The checksum of r's dataset `path` as it is now. */
static uint64_t raw_checksum(const raw_store *r, const char *path)
{
    raw_ds ds[RAW_DATASETS];
    raw_datasets(r, ds);
    for (int i = 0; i < RAW_DATASETS; i++)
        if (!strcmp(ds[i].path, path)) return values_checksum(ds[i].kind, ds[i].buf, ds[i].len);
    die(path);
    return 0;
}

static hid_t native_type(raw_kind k)
{
    return k == RAW_U8    ? H5T_NATIVE_UINT8
           : k == RAW_I32 ? H5T_NATIVE_INT32
           : k == RAW_I64 ? H5T_NATIVE_INT64
                          : H5T_NATIVE_DOUBLE;
}

/* Datasets of 4 KiB and more that the last check_layout saw. */
static int large_datasets;

/* The file lp_graphstore_write made from g, read with plain HDF5 calls and
 * compared with lp_graphstore.h: format_version 2; every dataset 1-D,
 * contiguous, without filters, little-endian, of its class, size,
 * signedness and length, holding g's arrays in store form; those of 4 KiB
 * and more at a multiple of 4096 bytes; a uint64 "checksum" of the
 * definition on every dataset under /nodes and /types, none under /csr. */
static void check_layout(const char *path, const lp_graph *g, const char *what)
{
    raw_store r = raw_of(g);
    raw_ds ds[RAW_DATASETS];
    raw_datasets(&r, ds);
    large_datasets = 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0, "%s: layout: cannot open %s", what, path);
    if (f < 0) {
        raw_free(&r);
        return;
    }
    int version = 0;
    hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
    CHECK(a >= 0 && H5Aread(a, H5T_NATIVE_INT, &version) >= 0 && version == 2,
          "%s: layout: format_version %d", what, version);
    if (a >= 0) H5Aclose(a);
    for (int i = 0; i < RAW_DATASETS; i++) {
        const raw_ds *x = &ds[i];
        size_t w = raw_width(x->kind);
        hid_t d = H5Dopen2(f, x->path, H5P_DEFAULT);
        CHECK(d >= 0, "%s: layout: no %s", what, x->path);
        if (d < 0) continue;
        hid_t type = H5Dget_type(d), space = H5Dget_space(d), dcpl = H5Dget_create_plist(d);
        H5T_class_t cls = x->kind == RAW_F64 ? H5T_FLOAT : H5T_INTEGER;
        int type_ok = H5Tget_class(type) == cls && H5Tget_size(type) == w &&
                      (w == 1 || H5Tget_order(type) == H5T_ORDER_LE) &&
                      (cls == H5T_FLOAT ||
                       H5Tget_sign(type) == (x->kind == RAW_U8 ? H5T_SGN_NONE : H5T_SGN_2));
        CHECK(type_ok, "%s: layout: %s has the wrong type", what, x->path);
        hsize_t dims[1] = {0};
        int rank_ok = H5Sget_simple_extent_ndims(space) == 1 &&
                      H5Sget_simple_extent_dims(space, dims, NULL) == 1;
        CHECK(rank_ok && dims[0] == (hsize_t)x->len, "%s: layout: %s has %llu elements, want %lld",
              what, x->path, (unsigned long long)dims[0], (long long)x->len);
        CHECK(H5Pget_layout(dcpl) == H5D_CONTIGUOUS && H5Pget_nfilters(dcpl) == 0,
              "%s: layout: %s is not contiguous and unfiltered", what, x->path);
        if ((size_t)x->len * w >= 4096) {
            large_datasets++;
            haddr_t at = H5Dget_offset(d);
            CHECK(at != HADDR_UNDEF && at % 4096 == 0, "%s: layout: %s (%zu bytes) at %llu", what,
                  x->path, (size_t)x->len * w, (unsigned long long)at);
        }
        if (type_ok && rank_ok && dims[0] == (hsize_t)x->len && x->len > 0) {
            void *got = malloc((size_t)x->len * w);
            if (!got) die("malloc");
            CHECK(H5Dread(d, native_type(x->kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0 &&
                      !memcmp(got, x->buf, (size_t)x->len * w),
                  "%s: layout: %s holds other values", what, x->path);
            free(got);
        }
        int has = H5Aexists(d, "checksum") > 0;
        CHECK(has == x->checksum, "%s: layout: %s %s a checksum attribute", what, x->path,
              has ? "has" : "lacks");
        if (has && x->checksum) {
            uint64_t c = 0, want = values_checksum(x->kind, x->buf, x->len);
            hid_t ca = H5Aopen(d, "checksum", H5P_DEFAULT);
            hid_t ct = H5Aget_type(ca), cs = H5Aget_space(ca);
            int ok = H5Tget_class(ct) == H5T_INTEGER && H5Tget_size(ct) == 8 &&
                     H5Tget_sign(ct) == H5T_SGN_NONE &&
                     H5Sget_simple_extent_type(cs) == H5S_SCALAR &&
                     H5Aread(ca, H5T_NATIVE_UINT64, &c) >= 0;
            CHECK(ok && c == want, "%s: layout: %s: checksum %016llx, want %016llx", what, x->path,
                  (unsigned long long)c, (unsigned long long)want);
            H5Sclose(cs);
            H5Tclose(ct);
            H5Aclose(ca);
        }
        H5Pclose(dcpl);
        H5Sclose(space);
        H5Tclose(type);
        H5Dclose(d);
    }
    H5Fclose(f);
    raw_free(&r);
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

/* Write g, read it back (at `threads` threads), compare everything. */
static void roundtrip(lp_graph *g, const lp_load_report *rep, const char *what, int threads,
                      int analyse)
{
    const char *path = path_in("rt.h5");
    lp_status st = lp_graphstore_write(path, g, rep);
    CHECK(st == LP_OK, "%s: write: %s", what, lp_error_message());
    if (st) return;
    check_layout(path, g, what);
    set_threads(threads);
    lp_graph h;
    lp_graphstore_info info;
    st = lp_graphstore_read(&h, &info, path);
    set_threads(2);
    CHECK(st == LP_OK, "%s: read: %s", what, lp_error_message());
    if (st) return;
    /* The graph read must not depend on the file at path any more: replace
     * it (by rename, as the writer does) with another store first. */
    lp_graph other = handmade(1, 0);
    CHECK(lp_graphstore_write(path, &other, NULL) == LP_OK, "%s: replace: %s", what,
          lp_error_message());
    lp_graph_free(&other);
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

    /* Large: every dataset but the two of /types is 4 KiB or more (many
     * pages), so page-aligned and mapped by the reader. */
    g = lp_test_enterprise(70000, 3);
    roundtrip(&g, NULL, "enterprise 70000 at 8 threads", 8, 0);
    CHECK(large_datasets == 7, "enterprise 70000: %d datasets of 4 KiB or more, want 7",
          large_datasets);
    roundtrip(&g, NULL, "enterprise 70000 at 1 thread", 1, 0);
    lp_graph_free(&g);

    /* Tiny: no dataset reaches 4 KiB, none is aligned. */
    g = handmade(1, 1);
    CHECK(g.merged_duplicates == 2 && g.dropped_self_loops == 2, "handmade counts");
    roundtrip(&g, &rep, "handmade", 2, 0);
    CHECK(large_datasets == 0, "handmade: %d datasets of 4 KiB or more", large_datasets);
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
    /* the name column travels: "" where empty, quoted line breaks kept */
    CHECK(g.nodes.has_name && g.nodes.name.count == g.n, "CSV: names not kept");
    if (g.nodes.has_name && g.n == 6) {
        static const char *const want[6] = {"Head Office", "multi\nline", "", "", "", ""};
        for (int i = 0; i < 6; i++)
            CHECK(!strcmp(lp_strtab_get(&g.nodes.name, i), want[i]), "CSV: name %d is '%s'", i,
                  lp_strtab_get(&g.nodes.name, i));
    }
    roundtrip(&g, &crep, "from CSV", 2, 1);
    lp_graph_free(&g);

    /* Without a name column: has_name 0, and the store has no name datasets */
    write_text(np, "id,type\nhq,company\nalice,employee\n");
    write_text(ep, "source,target\nhq,alice\n");
    if (lp_graph_load_csv(&g, &crep, np, ep, NULL)) die("load csv without names");
    CHECK(!g.nodes.has_name && g.nodes.name.count == 0, "CSV without names: has_name");
    roundtrip(&g, &crep, "from CSV without names", 2, 0);
    lp_graph_free(&g);
}

static void expect_input_error(const char *path, const char *msg, const char *what);

/* Roles recorded by an importer come back in the info; a store without
 * them reads with all three NULL; a store with only some is refused. */
static void test_roles(void)
{
    const char *path = path_in("roles.h5");
    lp_graph g = handmade(1, 1);
    lp_roles roles = {"company,department", "employee", "account"};
    CHECK(lp_graphstore_write_roles(path, &g, NULL, &roles) == LP_OK, "write roles: %s",
          lp_error_message());
    lp_graph h;
    lp_graphstore_info info;
    if (lp_graphstore_read(&h, &info, path) == LP_OK) {
        CHECK(info.anchor && !strcmp(info.anchor, "company,department") && info.person &&
                  !strcmp(info.person, "employee") && info.account &&
                  !strcmp(info.account, "account"),
              "roles read back wrong");
        lp_graphstore_info_free(&info);
        lp_graph_free(&h);
    } else {
        CHECK(0, "read roles: %s", lp_error_message());
    }
    CHECK(lp_graphstore_write(path, &g, NULL) == LP_OK, "write: %s", lp_error_message());
    if (lp_graphstore_read(&h, &info, path) == LP_OK) {
        CHECK(!info.anchor && !info.person && !info.account, "roles without any written");
        lp_graphstore_info_free(&info);
        lp_graph_free(&h);
    } else {
        CHECK(0, "read without roles: %s", lp_error_message());
    }
    lp_roles bad = {"company", "", "account"};
    CHECK(lp_graphstore_write_roles(path, &g, NULL, &bad) == LP_EINTERNAL, "empty role written");
    /* only one of the three: refused, naming the missing one */
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, 8);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f, "role_anchor", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, "company");
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    H5Fclose(f);
    expect_input_error(path, "/: missing attribute 'role_person'", "one role of three");
    lp_graph_free(&g);
}

/* ---- 2. an independent writer: raw HDF5 calls -------------------------- */

static int raw_skip(const raw_store *r, const char *name)
{
    return r->skip && !strcmp(r->skip, name);
}

static int raw_is(const char *field, const char *path)
{
    return field && !strcmp(field, path);
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

/* Fixed-length string attribute. */
static void raw_attr_str(hid_t loc, const raw_store *r, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(v) + 1);
    raw_attr(loc, r, name, t, t, v);
    H5Tclose(t);
}

/* Integer attribute of 32 or 64 bits in the file. */
static void raw_attr_int(hid_t loc, const raw_store *r, const char *name, int bits, int64_t v)
{
    hid_t t = bits == 32 ? (r->big_endian ? H5T_STD_I32BE : H5T_STD_I32LE)
                         : (r->big_endian ? H5T_STD_I64BE : H5T_STD_I64LE);
    raw_attr(loc, r, name, t, H5T_NATIVE_INT64, &v);
}

static void raw_dataset(hid_t file, const raw_store *r, const raw_ds *x)
{
    if (raw_skip(r, x->path)) return;
    size_t gl = r->skip ? strlen(r->skip) : 0; /* in a group left out */
    if (gl && !strncmp(x->path, r->skip, gl) && x->path[gl] == '/') return;
    int two = raw_is(r->two_d, x->path), other = raw_is(r->retype, x->path), be = r->big_endian;
    int huge =
        r->huge_arcs > 0 && (!strcmp(x->path, "/csr/targets") || !strcmp(x->path, "/csr/weights"));
    int64_t len = huge ? r->huge_arcs : x->len - raw_is(r->short_one, x->path);
    hid_t ftype;
    switch (x->kind) {
    case RAW_U8: /* retyped: signed */
        ftype = other ? H5T_STD_I8LE : H5T_STD_U8LE;
        break;
    case RAW_I32: /* retyped: 64 bits */
        ftype = other ? (be ? H5T_STD_I64BE : H5T_STD_I64LE) : (be ? H5T_STD_I32BE : H5T_STD_I32LE);
        break;
    case RAW_I64: /* retyped: 32 bits */
        ftype = other ? (be ? H5T_STD_I32BE : H5T_STD_I32LE) : (be ? H5T_STD_I64BE : H5T_STD_I64LE);
        break;
    default: /* retyped: an integer */
        ftype =
            other ? (be ? H5T_STD_I64BE : H5T_STD_I64LE) : (be ? H5T_IEEE_F64BE : H5T_IEEE_F64LE);
    }
    hsize_t dims[2] = {(hsize_t)len, 1};
    hid_t space = H5Screate_simple(two ? 2 : 1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (r->layout == RAW_CHUNKED && len > 0 && !two && !huge) {
        hsize_t chunk[1] = {(hsize_t)(len < 1000 ? len : 1000)};
        H5Pset_chunk(dcpl, 1, chunk);
        if (H5Tget_size(ftype) > 1) H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, 6);
        H5Pset_fletcher32(dcpl);
    }
    hid_t d = H5Dcreate2(file, x->path, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0 || (len > 0 && !huge &&
                  H5Dwrite(d, native_type(x->kind), H5S_ALL, H5S_ALL, H5P_DEFAULT, x->buf) < 0))
        die("raw dataset");
    if (x->checksum && !raw_is(r->no_checksum, x->path)) {
        uint64_t c =
            raw_is(r->set_checksum, x->path) ? r->checksum : values_checksum(x->kind, x->buf, len);
        raw_attr(d, r, "checksum", be ? H5T_STD_U64BE : H5T_STD_U64LE, H5T_NATIVE_UINT64, &c);
    }
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
}

static void raw_write(const char *path, const raw_store *r)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    if (r->layout == RAW_ALIGNED) H5Pset_alignment(fapl, 1, 4096);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (f < 0) die("raw create");
    H5Pclose(fapl);
    raw_attr_str(f, r, "format", r->format);
    if (r->version_as_string)
        raw_attr_str(f, r, "format_version", "2");
    else
        raw_attr_int(f, r, "format_version", 32, r->version);
    raw_attr_str(f, r, "linchpin_version", "raw-test");
    raw_attr_str(f, r, "hdf5_version", "1.10");
    raw_attr_str(f, r, "created", "2026-01-01T00:00:00Z");
    raw_attr_int(f, r, "nodes", 64, r->n_attr);
    raw_attr_int(f, r, "edges", 64, r->m_attr);
    raw_attr_int(f, r, "has_revenue", 32, r->has_revenue);
    raw_attr_int(f, r, "merged_duplicates", 64, r->merged);
    raw_attr_int(f, r, "dropped_self_loops", 64, r->loops);
    static const char *const groups[4] = {"/nodes", "/types", "/csr", "/source"};
    for (int i = 0; i < 4; i++) {
        if (raw_skip(r, groups[i])) continue;
        hid_t g = H5Gcreate2(f, groups[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0) die("raw group");
        if (i == 3) {
            raw_attr_int(g, r, "node_rows", 64, r->node_rows);
            raw_attr_int(g, r, "edge_rows", 64, r->edge_rows);
            raw_attr_int(g, r, "skipped_rows", 64, r->skipped_rows);
        }
        H5Gclose(g);
    }
    raw_ds ds[RAW_DATASETS];
    raw_datasets(r, ds);
    for (int i = 0; i < RAW_DATASETS; i++)
        raw_dataset(f, r, &ds[i]);
    H5Fclose(f);
}

/* Read path: want LP_EINPUT and a message starting with "<path>: <msg>". */
static void expect_input_error(const char *path, const char *msg, const char *what)
{
    lp_graph h;
    lp_status st = lp_graphstore_read(&h, NULL, path);
    char want[8400];
    snprintf(want, sizeof want, "%s: %s", path, msg);
    CHECK(st == LP_EINPUT && strstr(lp_error_message(), want) == lp_error_message(),
          "%s: status %d, message \"%s\", want \"%s\"", what, (int)st,
          st == LP_OK ? "(none: read as a valid store)" : lp_error_message(), want);
    if (st == LP_OK) lp_graph_free(&h);
}

/* Write r, read it: want LP_EINPUT with a message starting with
 * "<path>: <msg>" (msg NULL: want LP_OK and a graph equal to g). */
static void expect_raw(const raw_store *r, const lp_graph *g, const char *msg, const char *what)
{
    const char *path = path_in("raw.h5");
    raw_write(path, r);
    if (msg) {
        expect_input_error(path, msg, what);
        return;
    }
    lp_graph h;
    lp_status st = lp_graphstore_read(&h, NULL, path);
    CHECK(st == LP_OK, "%s: %s", what, lp_error_message());
    if (st == LP_OK) {
        const char *d = graph_diff(g, &h);
        CHECK(d == NULL, "%s: differs: %s", what, d);
        lp_graph_free(&h);
    }
}

/* expect_raw with each layout of the datasets (r->layout is left
 * contiguous). */
static void expect_raw_layouts(raw_store *r, const lp_graph *g, const char *msg, const char *what)
{
    char w[400];
    for (int lay = 0; lay < RAW_LAYOUTS; lay++) {
        r->layout = lay;
        snprintf(w, sizeof w, "%s (%s)", what, raw_layout_name[lay]);
        expect_raw(r, g, msg, w);
    }
    r->layout = RAW_CONTIGUOUS;
}

/* Row of the arc in r's CSR from u to v, or -1. */
static int64_t raw_arc(const raw_store *r, int64_t u, int64_t v)
{
    for (int64_t k = r->offsets[u]; k < r->offsets[u + 1]; k++)
        if (r->targets[k] == v) return k;
    return -1;
}

/* An ASCII letter in string `row` of (bytes, off) that can change case
 * without making the string equal to another one (unique = 1) or -1. */
static int64_t raw_letter(const unsigned char *bytes, const int64_t *off, int64_t count,
                          int64_t row, int unique)
{
    for (int64_t p = off[row]; p < off[row + 1] - 1; p++) {
        unsigned char c = bytes[p];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) continue;
        if (!unique) return p;
        size_t len = (size_t)(off[row + 1] - off[row]);
        int clash = 0;
        for (int64_t i = 0; i < count && !clash; i++) {
            if (i == row || (size_t)(off[i + 1] - off[i]) != len) continue;
            clash = 1; /* same length: equal after the change? */
            for (int64_t j = 0; j < (int64_t)len && clash; j++) {
                unsigned char a = bytes[off[row] + j];
                if (off[row] + j == p) a ^= 0x20;
                clash = a == bytes[off[i] + j];
            }
        }
        if (!clash) return p;
    }
    return -1;
}

static void test_independent_writer(void)
{
    /* The test's checksum against answers computed separately from the
     * definition (Python's integers, mod 2^64). */
    static const unsigned char bytes9[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    CHECK(spec_checksum(bytes9, 0) == 0 && spec_checksum(bytes9, 1) == 0xd6e8feb8b0b1032cu &&
              spec_checksum(bytes9, 9) == 0x56ca9331a5b126e1u &&
              spec_checksum((const unsigned char *)"ACME", 5) == 0xdcdffa05b2b2215bu,
          "the test's checksum disagrees with its definition");

    lp_graph g = lp_test_enterprise(60, 5);
    raw_store r = raw_of(&g);
    expect_raw_layouts(&r, &g, NULL, "raw");
    r.big_endian = 1;
    expect_raw_layouts(&r, &g, NULL, "raw big-endian");
    r.big_endian = 0;

    const int64_t n = r.n, m = r.m, B = r.nbytes, T = r.tbytes, t = r.t;
    CHECK(n > 20 && m > 20 && t >= 2, "raw: graph too small");
#define BAD(change, restore, msg)                                                                  \
    do {                                                                                           \
        change;                                                                                    \
        expect_raw_layouts(&r, &g, msg, #change);                                                  \
        restore;                                                                                   \
    } while (0)

    /* the root */
    const char *v1 = "unsupported format_version 1 (re-create the store with linchpin import)";
    BAD(r.format = "linchpin-results", r.format = "linchpin-graph", "not a linchpin graph store");
    BAD(r.skip = "format", r.skip = NULL, "not a linchpin graph store");
    BAD(r.version = 7, r.version = 2, "unsupported format_version 7");
    BAD(r.version = 3, r.version = 2, "unsupported format_version 3");
    BAD(r.version = 1, r.version = 2, v1);
    BAD((r.version = 1, r.skip = "/csr"), (r.version = 2, r.skip = NULL), v1); /* no /csr yet */
    BAD(r.version_as_string = 1, r.version_as_string = 0,
        "/: attribute 'format_version' has the wrong type or shape");
    BAD(r.skip = "nodes", r.skip = NULL, "/: missing attribute 'nodes'");
    BAD(r.skip = "edges", r.skip = NULL, "/: missing attribute 'edges'");
    BAD(r.skip = "has_revenue", r.skip = NULL, "/: missing attribute 'has_revenue'");
    BAD(r.n_attr = -1, r.n_attr = n, "/: attribute 'nodes' is negative");
    BAD(r.n_attr = (int64_t)1 << 40, r.n_attr = n, "/: attribute 'nodes' is out of range");
    BAD(r.m_attr = -1, r.m_attr = m, "/: attribute 'edges' is negative");
    BAD(r.m_attr = INT64_MAX, r.m_attr = m, "/: attribute 'edges' is out of range"); /* 2m */
    BAD(r.has_revenue = 2, r.has_revenue = 1, "/: attribute 'has_revenue' is out of range");
    BAD(r.merged = -5, r.merged = g.merged_duplicates,
        "/: attribute 'merged_duplicates' is negative");
    BAD(r.loops = -1, r.loops = g.dropped_self_loops,
        "/: attribute 'dropped_self_loops' is negative");
    BAD(r.skipped_rows = -1, r.skipped_rows = 0, "/source: attribute 'skipped_rows' is negative");

    /* lengths against n, m and each other */
    BAD(r.n_attr = n + 1, r.n_attr = n,
        fmt("/nodes/id_offsets has %lld elements, expected %lld", (long long)n + 1,
            (long long)n + 2));
    BAD(r.m_attr = m - 1, r.m_attr = m,
        fmt("/csr/targets has %lld elements, expected %lld", 2 * (long long)m,
            2 * (long long)m - 2));
    BAD(r.m_attr = m + 1, r.m_attr = m,
        fmt("/csr/targets has %lld elements, expected %lld", 2 * (long long)m,
            2 * (long long)m + 2));
    static const char *const ds_paths[RAW_DATASETS] = {
        "/nodes/id_bytes", "/nodes/id_offsets", "/nodes/type",
        "/nodes/revenue",  "/types/name_bytes", "/types/name_offsets",
        "/csr/offsets",    "/csr/targets",      "/csr/weights"};
    const int64_t lens[RAW_DATASETS] = {B, n + 1, n, n, T, t + 1, n + 1, 2 * m, 2 * m};
    for (int i = 1; i < RAW_DATASETS; i++) /* (the byte counts are the offsets' business) */
        if (i != 4 && i != 5)
            BAD(r.short_one = ds_paths[i], r.short_one = NULL,
                fmt("%s has %lld elements, expected %lld", ds_paths[i], (long long)lens[i] - 1,
                    (long long)lens[i]));
    /* (the number of types is that of /types/name_offsets, less one) */
    BAD(r.short_one = "/types/name_offsets", r.short_one = NULL,
        fmt("/types/name_offsets: last value %lld differs from the %lld bytes of "
            "/types/name_bytes",
            (long long)r.type_off[t - 1], (long long)T));

    /* objects, types and shapes */
    BAD(r.skip = "/source", r.skip = NULL, "missing /source");
    for (int i = 0; i < RAW_DATASETS; i++)
        BAD(r.skip = ds_paths[i], r.skip = NULL, fmt("missing %s", ds_paths[i]));
    /* a group left out: which of its datasets is named first is free */
    BAD(r.skip = "/nodes", r.skip = NULL, "missing /nodes");
    BAD(r.skip = "/types", r.skip = NULL, "missing /types");
    BAD(r.skip = "/csr", r.skip = NULL, "missing /csr");
    for (int i = 0; i < RAW_DATASETS; i++) { /* signed bytes, 32/64 bits swapped, int for float */
        BAD(r.retype = ds_paths[i], r.retype = NULL,
            fmt("%s has the wrong type or shape", ds_paths[i]));
        BAD(r.two_d = ds_paths[i], r.two_d = NULL,
            fmt("%s has the wrong type or shape", ds_paths[i]));
    }

    /* checksums: wrong, missing, or stale after a valid value changed */
    for (int i = 0; i < 6; i++) {
        uint64_t c = raw_checksum(&r, ds_paths[i]);
        BAD((r.set_checksum = ds_paths[i], r.checksum = c ^ 1), r.set_checksum = NULL,
            fmt("corrupt or truncated file (%s: checksum mismatch)", ds_paths[i]));
        BAD(r.no_checksum = ds_paths[i], r.no_checksum = NULL,
            fmt("%s: missing attribute 'checksum'", ds_paths[i]));
    }
    {
        double rv = r.revenue[8];
        r.checksum = raw_checksum(&r, "/nodes/revenue");
        BAD((r.set_checksum = "/nodes/revenue", r.revenue[8] = rv + 1),
            (r.set_checksum = NULL, r.revenue[8] = rv),
            "corrupt or truncated file (/nodes/revenue: checksum mismatch)");
        int32_t ty = r.type[7];
        r.checksum = raw_checksum(&r, "/nodes/type");
        BAD((r.set_checksum = "/nodes/type", r.type[7] = (int32_t)((ty + 1) % t)),
            (r.set_checksum = NULL, r.type[7] = ty),
            "corrupt or truncated file (/nodes/type: checksum mismatch)");
        int64_t p = raw_letter(r.id_bytes, r.id_off, n, 6, 1);
        CHECK(p >= 0, "raw: no letter to change in id 6");
        r.checksum = raw_checksum(&r, "/nodes/id_bytes");
        if (p >= 0)
            BAD((r.set_checksum = "/nodes/id_bytes", r.id_bytes[p] ^= 0x20),
                (r.set_checksum = NULL, r.id_bytes[p] ^= 0x20),
                "corrupt or truncated file (/nodes/id_bytes: checksum mismatch)");
        p = raw_letter(r.type_bytes, r.type_off, t, 1, 0);
        CHECK(p >= 0, "raw: no letter to change in type name 1");
        r.checksum = raw_checksum(&r, "/types/name_bytes");
        if (p >= 0)
            BAD((r.set_checksum = "/types/name_bytes", r.type_bytes[p] ^= 0x20),
                (r.set_checksum = NULL, r.type_bytes[p] ^= 0x20),
                "corrupt or truncated file (/types/name_bytes: checksum mismatch)");
    }
    expect_raw(&r, &g, NULL, "raw restored after the checksums");

    /* string offsets */
    const char *ib = "/nodes/id_bytes", *tb = "/types/name_bytes";
    BAD(r.id_off[0] = 1, r.id_off[0] = 0, "/nodes/id_offsets: first value is 1, not 0");
    int64_t keep = r.id_off[5];
    BAD(r.id_off[5] = r.id_off[3], r.id_off[5] = keep,
        fmt("/nodes/id_offsets: value at row 5 decreases or exceeds the %lld bytes of %s",
            (long long)B, ib));
    BAD(r.id_off[n] = B - 1, r.id_off[n] = B,
        fmt("/nodes/id_offsets: last value %lld differs from the %lld bytes of %s",
            (long long)B - 1, (long long)B, ib));
    BAD(r.nbytes = B - 1, r.nbytes = B, /* the last NUL cut off */
        fmt("/nodes/id_offsets: value at row %lld decreases or exceeds the %lld bytes of %s",
            (long long)n, (long long)B - 1, ib));
    BAD((r.id_bytes[B] = 0, r.nbytes = B + 1), r.nbytes = B, /* one NUL too many */
        fmt("/nodes/id_offsets: last value %lld differs from the %lld bytes of %s", (long long)B,
            (long long)B + 1, ib));
    keep = r.id_off[4]; /* id 3 without even its NUL: which message is free */
    BAD(r.id_off[4] = r.id_off[3], r.id_off[4] = keep, "/nodes/id_");
    BAD(r.type_off[0] = 1, r.type_off[0] = 0, "/types/name_offsets: first value is 1, not 0");
    BAD(r.type_off[t] = T + 1, r.type_off[t] = T,
        fmt("/types/name_offsets: value at row %lld decreases or exceeds the %lld bytes of %s",
            (long long)t, (long long)T, tb));
    BAD(r.type_off[t] = T - 1, r.type_off[t] = T,
        fmt("/types/name_offsets: last value %lld differs from the %lld bytes of %s",
            (long long)T - 1, (long long)T, tb));

    /* ids */
    int64_t o4 = r.id_off[4], nul4 = r.id_off[5] - 1;
    CHECK(nul4 - o4 >= 2, "raw: id 4 is too short");
    unsigned char cb = r.id_bytes[o4];
    BAD(r.id_bytes[o4] = 0xff, r.id_bytes[o4] = cb,
        "/nodes/id_bytes: id at row 4 is not valid UTF-8");
    BAD(r.id_bytes[o4] = 0xc0, r.id_bytes[o4] = cb,
        "/nodes/id_bytes: id at row 4 is not valid UTF-8"); /* overlong lead byte */
    BAD(r.id_bytes[o4] = 0, r.id_bytes[o4] = cb, "/nodes/id_bytes: id at row 4 contains NUL");
    BAD(r.id_bytes[nul4] = 'x', r.id_bytes[nul4] = 0,
        "/nodes/id_bytes: id at row 4 is not NUL-terminated");
    BAD(r.id_bytes[B - 1] = 'x', r.id_bytes[B - 1] = 0,
        fmt("/nodes/id_bytes: id at row %lld is not NUL-terminated", (long long)n - 1));
    {
        /* id 3 empty: just its NUL */
        raw_store e = r;
        e.id_bytes = malloc((size_t)B + 2);
        e.id_off = malloc(((size_t)n + 1) * sizeof *e.id_off);
        if (!e.id_bytes || !e.id_off) die("malloc");
        int64_t cut = r.id_off[4] - r.id_off[3] - 1;
        memcpy(e.id_bytes, r.id_bytes, (size_t)r.id_off[3]);
        memcpy(e.id_bytes + r.id_off[3], r.id_bytes + r.id_off[4] - 1,
               (size_t)(B - r.id_off[4] + 1));
        for (int64_t i = 0; i <= n; i++)
            e.id_off[i] = r.id_off[i] - (i >= 4 ? cut : 0);
        e.nbytes = B - cut;
        expect_raw_layouts(&e, &g, "/nodes/id_bytes: id at row 3 is empty", "empty id");
        /* duplicate: id 9 made equal to id 2 (both with their NUL) */
        int64_t l2 = r.id_off[3] - r.id_off[2], l9 = r.id_off[10] - r.id_off[9];
        e.nbytes = B - l9 + l2;
        free(e.id_bytes);
        e.id_bytes = malloc((size_t)e.nbytes + 2);
        if (!e.id_bytes) die("malloc");
        memcpy(e.id_bytes, r.id_bytes, (size_t)r.id_off[9]);
        memcpy(e.id_bytes + r.id_off[9], r.id_bytes + r.id_off[2], (size_t)l2);
        memcpy(e.id_bytes + r.id_off[9] + l2, r.id_bytes + r.id_off[10],
               (size_t)(B - r.id_off[10]));
        for (int64_t i = 0; i <= n; i++)
            e.id_off[i] = r.id_off[i] + (i >= 10 ? l2 - l9 : 0);
        expect_raw_layouts(&e, &g, "/nodes/id_bytes: duplicate id at row 9 (same as row 2)",
                           "duplicate id");
        free(e.id_bytes);
        free(e.id_off);
    }
    /* type names */
    int64_t tnul0 = r.type_off[1] - 1;
    CHECK(tnul0 >= 2, "raw: type name 0 is too short");
    cb = r.type_bytes[0];
    BAD(r.type_bytes[0] = 0x80, r.type_bytes[0] = cb,
        "/types/name_bytes: type name at row 0 is not valid UTF-8");
    BAD(r.type_bytes[0] = 0, r.type_bytes[0] = cb,
        "/types/name_bytes: type name at row 0 contains NUL");
    BAD(r.type_bytes[tnul0] = 'x', r.type_bytes[tnul0] = 0,
        "/types/name_bytes: type name at row 0 is not NUL-terminated");
    BAD(r.type_bytes[T - 1] = 'x', r.type_bytes[T - 1] = 0,
        fmt("/types/name_bytes: type name at row %lld is not NUL-terminated", (long long)t - 1));

    /* node columns */
    int32_t tk = r.type[7];
    BAD(r.type[7] = (int32_t)t, r.type[7] = tk, "/nodes/type: value out of range at row 7");
    BAD(r.type[7] = -1, r.type[7] = tk, "/nodes/type: value out of range at row 7");
    double rv = r.revenue[8];
    BAD(r.revenue[8] = -1, r.revenue[8] = rv,
        "/nodes/revenue: value negative or not finite at row 8");
    BAD(r.revenue[8] = NAN, r.revenue[8] = rv,
        "/nodes/revenue: value negative or not finite at row 8");
    BAD(r.revenue[8] = INFINITY, r.revenue[8] = rv,
        "/nodes/revenue: value negative or not finite at row 8");
    int64_t acc = -1; /* an account with revenue > 0, for has_revenue = 0 */
    for (int64_t i = 0; i < n && acc < 0; i++)
        if (r.revenue[i] > 0) acc = i;
    BAD(r.has_revenue = 0, r.has_revenue = 1,
        fmt("/nodes/revenue: value not 0 (no revenue column) at row %lld", (long long)acc));

    /* CSR offsets */
    BAD(r.offsets[0] = 1, r.offsets[0] = 0, "/csr/offsets: first value is 1, not 0");
    int64_t v = n / 2;
    while (v < n && r.offsets[v - 1] == 0)
        v++;
    keep = r.offsets[v];
    BAD(r.offsets[v] = r.offsets[v - 1] - 1, r.offsets[v] = keep,
        fmt("/csr/offsets: value at row %lld decreases", (long long)v));
    BAD(r.offsets[n] = 2 * m + 1, r.offsets[n] = 2 * m,
        fmt("/csr/offsets: last value %lld differs from 2m = %lld", 2 * (long long)m + 1,
            2 * (long long)m));
    if (r.offsets[n - 1] < 2 * m)
        BAD(r.offsets[n] = 2 * m - 1, r.offsets[n] = 2 * m,
            fmt("/csr/offsets: last value %lld differs from 2m = %lld", 2 * (long long)m - 1,
                2 * (long long)m));
    /* an offset moved within its bounds: an arc changes node; what is
     * reported first depends on the arcs, that it is the CSR does not */
    while (v < n && r.offsets[v] == r.offsets[v + 1])
        v++;
    keep = r.offsets[v];
    BAD(r.offsets[v] = keep + 1, r.offsets[v] = keep, "/csr");

    /* CSR arcs: row k of a node u with at least 3 arcs, k neither its first
     * nor its last */
    int64_t u = n / 2;
    while (u < n && r.offsets[u + 1] - r.offsets[u] < 3)
        u++;
    CHECK(u < n, "raw: no node of degree 3");
    int64_t k = r.offsets[u] + 1;
    int32_t a0 = r.targets[k], ap = r.targets[k - 1];
    double w0 = r.weights[k], wp = r.weights[k - 1];
    const char *range = fmt("/csr/targets: value out of range at row %lld", (long long)k);
    BAD(r.targets[k] = -1, r.targets[k] = a0, range);
    BAD(r.targets[k] = (int32_t)n, r.targets[k] = a0, range);
    BAD(r.targets[k] = INT32_MIN, r.targets[k] = a0, range);
    const char *order = fmt("/csr/targets: not strictly ascending at row %lld", (long long)k);
    BAD(r.targets[k] = ap, r.targets[k] = a0, order);
    /* two arcs swapped, with their weights: the same arcs, out of order */
    BAD((r.targets[k] = ap, r.targets[k - 1] = a0, r.weights[k] = wp, r.weights[k - 1] = w0),
        (r.targets[k] = a0, r.targets[k - 1] = ap, r.weights[k] = w0, r.weights[k - 1] = wp),
        order);
    const char *weight =
        fmt("/csr/weights: value not positive and finite at row %lld", (long long)k);
    BAD(r.weights[k] = 0, r.weights[k] = w0, weight);
    BAD(r.weights[k] = -0.0, r.weights[k] = w0, weight);
    BAD(r.weights[k] = -2, r.weights[k] = w0, weight);
    BAD(r.weights[k] = NAN, r.weights[k] = w0, weight);
    BAD(r.weights[k] = INFINITY, r.weights[k] = w0, weight);
    /* self: the first arc of a node s to a larger node becomes s itself
     * (still ascending) */
    int64_t s = n / 3, ks = -1;
    for (; s < n && ks < 0; s++)
        for (int64_t j = r.offsets[s]; j < r.offsets[s + 1] && ks < 0; j++)
            if (r.targets[j] > s) ks = j;
    s--;
    CHECK(ks >= 0, "raw: no arc to a larger node");
    int32_t as = r.targets[ks];
    BAD(r.targets[ks] = (int32_t)s, r.targets[ks] = as,
        fmt("/csr/targets: node %lld lists itself at row %lld", (long long)s, (long long)ks));
    /* asymmetric: one arc's weight changed, even by one unit in the last
     * place; one arc's target changed to a free one, still ascending */
    const char *sym = "/csr: not symmetric (an arc without its reverse, or with another weight)";
    BAD(r.weights[k] = 2 * w0, r.weights[k] = w0, sym);
    BAD(r.weights[k] = nextafter(w0, INFINITY), r.weights[k] = w0, sym);
    int32_t lo = r.targets[k - 1], hi = r.targets[k + 1], x = -1;
    for (int32_t c = lo + 1; c < hi && x < 0; c++)
        if (c != a0 && c != u) x = c;
    CHECK(x >= 0, "raw: no free target between the neighbours of row %lld", (long long)k);
    if (x >= 0) BAD(r.targets[k] = x, r.targets[k] = a0, sym);
    /* both arcs of an edge changed alike: a valid store of another graph */
    int64_t twin = raw_arc(&r, a0, u);
    CHECK(twin >= 0, "raw: arc %lld has no twin", (long long)k);
    if (twin >= 0) {
        double w1 = w0 * 0.75;
        r.weights[k] = r.weights[twin] = g.csr.weight[k] = g.csr.weight[twin] = w1;
        expect_raw_layouts(&r, &g, NULL, "both arcs of an edge reweighted");
        r.weights[k] = r.weights[twin] = g.csr.weight[k] = g.csr.weight[twin] = w0;
    }
#undef BAD
    /* the restored store is valid again */
    expect_raw_layouts(&r, &g, NULL, "raw restored");

    /* A dataset longer than the file: /csr/targets and /csr/weights claim
     * 2^31 elements (16 GiB) and have no storage. */
    r.huge_arcs = (int64_t)1 << 31;
    r.m_attr = r.huge_arcs / 2;
    for (int lay = RAW_CONTIGUOUS; lay <= RAW_ALIGNED; lay++) {
        const char *path = path_in("raw.h5");
        r.layout = lay;
        raw_write(path, &r);
        struct stat sb;
        if (stat(path, &sb) != 0) die("stat");
        expect_input_error(path,
                           fmt("corrupt or truncated file (/csr/targets claims %lld elements, "
                               "more than a file of %lld bytes can hold)",
                               (long long)r.huge_arcs, (long long)sb.st_size),
                           fmt("huge /csr/targets (%s)", raw_layout_name[lay]));
    }
    raw_free(&r);
    lp_graph_free(&g);
}

/* Replace id `row` of r by a copy of id `like` (both in r's blob, with
 * their NULs). */
static void raw_set_id(raw_store *r, int64_t row, int64_t like)
{
    int64_t ll = r->id_off[like + 1] - r->id_off[like], lr = r->id_off[row + 1] - r->id_off[row];
    int64_t nb = r->nbytes - lr + ll;
    unsigned char *b = malloc((size_t)nb + 2);
    if (!b) die("malloc");
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

/* Duplicate ids among many (the partitioned, parallel search), mapped or
 * read into memory: the first duplicate row is reported, whatever the
 * threads; the writer refuses them too. */
static void test_many_ids(void)
{
    lp_graph g = lp_test_enterprise(70000, 4);
    raw_store r = raw_of(&g);
    int64_t n = r.n;
    raw_set_id(&r, n - 5, 12345);
    raw_set_id(&r, 100001, 7);
    raw_set_id(&r, 100003, 99999);
    const char *msg = "/nodes/id_bytes: duplicate id at row 100001 (same as row 7)";
    for (int lay = RAW_ALIGNED; lay <= RAW_CHUNKED; lay++)
        for (int t = 1; t <= 8; t *= 8) {
            set_threads(t);
            r.layout = lay;
            expect_raw(&r, &g, msg, fmt("many ids, %s, %d thread(s)", raw_layout_name[lay], t));
        }
    set_threads(2);
    /* the writer: the same ids in the graph's own table */
    lp_strtab keep = g.nodes.id, t = LP_STRTAB_INIT;
    for (int64_t i = 0; i < n; i++)
        if (lp_strtab_push(&t, (const char *)r.id_bytes + r.id_off[i],
                           (size_t)(r.id_off[i + 1] - r.id_off[i] - 1)))
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

/* How damaged copies fared; the rejections by who noticed: HDF5 (its
 * metadata checksums and structure), a data checksum of /nodes or /types,
 * the CSR check (offsets, range, self, order, weights, symmetry), or any
 * other validation (attributes, sizes, strings, ...). */
typedef struct damage_tally {
    int trials, rejected, harmless, hdf5_msgs, checksum_msgs, csr_msgs;
} damage_tally;

static void judge(damage_tally *t, int code, const char *msg, const char *what)
{
    t->trials++;
    if (code == 0) {
        t->rejected++;
        if (strstr(msg, "(HDF5: "))
            t->hdf5_msgs++;
        else if (strstr(msg, ": checksum mismatch)"))
            t->checksum_msgs++;
        else if (strstr(msg, ": /csr"))
            t->csr_msgs++;
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
    check_layout(good, &g, "corruption store"); /* some datasets mapped, others not */
    CHECK(large_datasets > 0 && large_datasets < RAW_DATASETS,
          "corruption store: %d datasets of 4 KiB or more", large_datasets);
    size_t len = 0;
    unsigned char *orig = (unsigned char *)lp_test_slurp(good, &len);
    unsigned char *copy = malloc(len + 1);
    CHECK(orig && len > 4096, "store of %zu bytes", len);
    if (!orig || !copy) die("slurp");
    char msg[1024], what[128];
    damage_tally flips = {0, 0, 0, 0, 0, 0}, cuts = {0, 0, 0, 0, 0, 0};
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
    printf("corruption: %zu-byte store; %d bit flips: %d rejected (%d by HDF5, %d by a data "
           "checksum, %d by the CSR check, %d otherwise), %d harmless; %d truncations: %d "
           "rejected\n",
           len, flips.trials, flips.rejected, flips.hdf5_msgs, flips.checksum_msgs, flips.csr_msgs,
           flips.rejected - flips.hdf5_msgs - flips.checksum_msgs - flips.csr_msgs, flips.harmless,
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
    /* one arc's weight differs from its twin's: the CSR is written as it is,
     * so it must be checked */
    double w = g.csr.weight[0];
    g.csr.weight[0] = 2 * w;
    st = lp_graphstore_write(out, &g, NULL);
    CHECK(st == LP_EINTERNAL &&
              strstr(lp_error_message(), "lp_graphstore_write: ") == lp_error_message(),
          "asymmetric CSR: %d %s", (int)st, lp_error_message());
    g.csr.weight[0] = w;

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
    test_roles();
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
