/* test_results_stream.c — the result file written part by part while
 * lp_analyze runs (lp_results_stream as its sink, what `linchpin analyze`
 * does) against the same analysis written whole by lp_results_write:
 *  - every dataset and attribute of the two files equal: same paths, same
 *    HDF5 types, shapes, chunk sizes and filters, same bytes (only root
 *    `created` and the values of /summary/timings differ), compared by a
 *    walk over both files with HDF5's own API, not through our reader;
 *  - the streamed analysis has every part marked sunk and its arrays freed,
 *    the one without a sink keeps them (lp_analyze usable without a sink);
 *  - a sink that fails stops lp_analyze with its status, and dropping the
 *    stream then leaves no file at the target and no temporary beside it;
 *  - at 1, 2 and 8 threads the streamed file is the same, and so is the
 *    file of a stream that was given no part (finish writes it all).
 * A generated enterprise graph of 30,000 accounts (~90,000 nodes: more than
 * one chunk per node column), sampled betweenness, two departure
 * scenarios, second links. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "lp_pipeline.h"
#include "lp_results.h"
#include "lp_scenario_io.h"
#include "lp_test.h"
#include "lp_test_files.h"

static char dir[128];

/* ---- comparing two HDF5 files ------------------------------------------ */

typedef struct cmp_ctx {
    hid_t a, b;
    int64_t objects;
} cmp_ctx;

static unsigned char *read_all(hid_t obj, int is_attr, hid_t type, size_t *bytes)
{
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    size_t sz = H5Tget_size(type);
    *bytes = (size_t)(n > 0 ? n : 0) * sz;
    unsigned char *buf = calloc(*bytes + 1, 1);
    if (!buf) return NULL;
    herr_t r = *bytes == 0 ? 0
               : is_attr   ? H5Aread(obj, type, buf)
                           : H5Dread(obj, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (r < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Type and raw bytes of two attributes or datasets equal. */
static int same_values(hid_t x, hid_t y, int is_attr, const char *what)
{
    hid_t tx = is_attr ? H5Aget_type(x) : H5Dget_type(x);
    hid_t ty = is_attr ? H5Aget_type(y) : H5Dget_type(y);
    int ok = H5Tequal(tx, ty) > 0;
    CHECK(ok, "%s: types differ", what);
    if (ok) {
        size_t nx, ny;
        unsigned char *bx = read_all(x, is_attr, tx, &nx), *by = read_all(y, is_attr, ty, &ny);
        ok = bx && by && nx == ny && memcmp(bx, by, nx) == 0;
        CHECK(ok, "%s: values differ (%zu and %zu bytes)", what, nx, ny);
        free(bx);
        free(by);
    }
    H5Tclose(tx);
    H5Tclose(ty);
    return ok;
}

static void same_attrs(hid_t x, hid_t y, const char *path)
{
    H5O_info_t ix, iy;
#if H5_VERSION_GE(1, 12, 0)
    H5Oget_info3(x, &ix, H5O_INFO_NUM_ATTRS);
    H5Oget_info3(y, &iy, H5O_INFO_NUM_ATTRS);
#else
    H5Oget_info(x, &ix);
    H5Oget_info(y, &iy);
#endif
    CHECK(ix.num_attrs == iy.num_attrs, "%s: %llu and %llu attributes", path,
          (unsigned long long)ix.num_attrs, (unsigned long long)iy.num_attrs);
    int timings = strcmp(path, "/summary/timings") == 0;
    for (hsize_t i = 0; i < ix.num_attrs; i++) {
        char name[256], what[512];
        hid_t ax = H5Aopen_by_idx(x, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
        H5Aget_name(ax, sizeof name, name);
        snprintf(what, sizeof what, "%s@%s", path, name);
        hid_t ay = H5Aexists(y, name) > 0 ? H5Aopen(y, name, H5P_DEFAULT) : -1;
        CHECK(ay >= 0, "%s: missing in the streamed file", what);
        if (ay >= 0 && !timings && !(strcmp(path, "/") == 0 && strcmp(name, "created") == 0))
            same_values(ax, ay, 1, what);
        if (ay >= 0) H5Aclose(ay);
        H5Aclose(ax);
    }
    if (timings) { /* same phases in the same order; the seconds differ */
        for (hsize_t i = 0; i < ix.num_attrs; i++) {
            char nx[64] = "", ny[64] = "";
            H5Aget_name_by_idx(x, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, nx, sizeof nx,
                               H5P_DEFAULT);
            H5Aget_name_by_idx(y, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, ny, sizeof ny,
                               H5P_DEFAULT);
            CHECK(strcmp(nx, ny) == 0, "timing %llu: %s and %s", (unsigned long long)i, nx, ny);
        }
    }
}

static void same_layout(hid_t x, hid_t y, const char *path)
{
    hid_t px = H5Dget_create_plist(x), py = H5Dget_create_plist(y);
    int lx = H5Pget_layout(px), ly = H5Pget_layout(py);
    CHECK(lx == ly, "%s: layouts differ", path);
    if (lx == H5D_CHUNKED && ly == H5D_CHUNKED) {
        hsize_t cx[1] = {0}, cy[1] = {0};
        H5Pget_chunk(px, 1, cx);
        H5Pget_chunk(py, 1, cy);
        CHECK(cx[0] == cy[0], "%s: chunks %llu and %llu", path, (unsigned long long)cx[0],
              (unsigned long long)cy[0]);
        int fx = H5Pget_nfilters(px), fy = H5Pget_nfilters(py);
        CHECK(fx == fy, "%s: %d and %d filters", path, fx, fy);
        for (int k = 0; k < fx && k < fy; k++) {
            unsigned flags;
            size_t nv = 0;
            char nm[64];
            H5Z_filter_t zx =
                H5Pget_filter2(px, (unsigned)k, &flags, &nv, NULL, sizeof nm, nm, NULL);
            nv = 0;
            H5Z_filter_t zy =
                H5Pget_filter2(py, (unsigned)k, &flags, &nv, NULL, sizeof nm, nm, NULL);
            CHECK(zx == zy, "%s: filter %d differs", path, k);
        }
    }
    H5Pclose(px);
    H5Pclose(py);
}

static herr_t visit(hid_t root, const char *name, const H5L_info_t *info, void *op)
{
    (void)root;
    (void)info;
    cmp_ctx *c = op;
    char path[512];
    snprintf(path, sizeof path, "/%s", name);
    c->objects++;
    CHECK(H5Lexists(c->b, path, H5P_DEFAULT) > 0, "%s: missing in the streamed file", path);
    if (H5Lexists(c->b, path, H5P_DEFAULT) <= 0) return 0;
    hid_t x = H5Oopen(c->a, path, H5P_DEFAULT), y = H5Oopen(c->b, path, H5P_DEFAULT);
    H5I_type_t kx = H5Iget_type(x), ky = H5Iget_type(y);
    CHECK(kx == ky, "%s: kinds differ", path);
    if (kx == ky && kx == H5I_DATASET) {
        same_layout(x, y, path);
        same_values(x, y, 0, path);
    }
    if (kx == ky) same_attrs(x, y, path);
    H5Oclose(x);
    H5Oclose(y);
    return 0;
}

static herr_t count(hid_t root, const char *name, const H5L_info_t *info, void *op)
{
    (void)root;
    (void)name;
    (void)info;
    (*(int64_t *)op)++;
    return 0;
}

/* Every object, dataset value and attribute of file a is in b, equal, and
 * b has no other object. */
static void same_files(const char *pa, const char *pb)
{
    cmp_ctx c = {.a = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT),
                 .b = H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT),
                 .objects = 0};
    CHECK(c.a >= 0 && c.b >= 0, "open %s and %s", pa, pb);
    if (c.a < 0 || c.b < 0) return;
    same_attrs(c.a, c.b, "/");
    H5Lvisit(c.a, H5_INDEX_NAME, H5_ITER_INC, visit, &c);
    int64_t in_b = 0;
    H5Lvisit(c.b, H5_INDEX_NAME, H5_ITER_INC, count, &in_b);
    CHECK(in_b == c.objects, "%lld objects, the streamed file %lld", (long long)c.objects,
          (long long)in_b);
    CHECK(c.objects >= 30, "only %lld objects compared", (long long)c.objects);
    H5Fclose(c.a);
    H5Fclose(c.b);
}

/* ---- the runs ------------------------------------------------------------ */

static lp_graph graph;
static lp_scenarios set = LP_SCENARIOS_INIT;
static const lp_input_file inputs[2] = {{.path = "nodes.csv", .size = 10, .crc32 = 1},
                                        {.path = "edges.csv", .size = 20, .crc32 = 2}};
static const lp_run_info info = {.command_line = "linchpin analyze nodes.csv edges.csv -o r.h5",
                                 .threads = 2,
                                 .parameters_json = "{\"betweenness\":\"sampled\"}",
                                 .inputs = inputs,
                                 .n_inputs = 2,
                                 .skipped_rows = 0};

static lp_analyze_options options(void)
{
    lp_analyze_options o = LP_ANALYZE_OPTIONS_INIT;
    o.betweenness = LP_BW_SAMPLED;
    o.sampling.epsilon = 0.05;
    o.second_links = 2;
    o.scenarios = &set;
    return o;
}

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* The streamed run into path; the analysis is checked and freed. */
static lp_status streamed(const char *path)
{
    lp_results_stream *rs = NULL;
    lp_status st = lp_results_stream_begin(&rs, path, &graph);
    if (st) return st;
    lp_analyze_options o = options();
    o.sink = lp_results_stream_part;
    o.sink_ctx = rs;
    lp_analysis a;
    st = lp_analyze(&a, &graph, &o);
    if (!st) {
        CHECK(a.sunk == (1u << LP_N_PARTS) - 1, "every part sunk (%#x)", a.sunk);
        CHECK(!a.pagerank && !a.betweenness && !a.brokerage && !a.degree && !a.strength &&
                  !a.bus_factor && !a.keyperson.accounts_at_risk && !a.second_link &&
                  !a.scenarios.lost_accounts,
              "the sunk arrays are freed");
        CHECK(a.top_persons && a.top_brokers && a.top_betweenness && a.bus_factor_histogram &&
                  a.keyperson.n_accounts > 0 && a.scenarios.count == 2,
              "the counts and top lists stay");
        st = lp_results_stream_finish(rs, &a, &info);
        lp_analysis_free(&a);
    }
    lp_results_stream_free(rs);
    return st;
}

/* A sink that fails at its third part (after writing the first two). */
typedef struct failing {
    lp_results_stream *rs;
    int calls;
} failing;

static lp_status fail_third(void *ctx, const lp_analysis *a, lp_analysis_part part)
{
    failing *f = ctx;
    if (++f->calls == 3) return lp_error_set(LP_EOUTPUT, "cannot write: the test says no");
    return lp_results_stream_part(f->rs, a, part);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/lp_stream_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    set_threads(2);
    graph = lp_test_enterprise(30000, 5);
    /* two scenarios: the first two persons, then the third */
    lp_vid p[3];
    int k = 0;
    for (lp_vid v = 0; v < graph.n && k < 3; v++)
        if (graph.role[v] & LP_ROLE_PERSON) p[k++] = v;
    char list[256];
    snprintf(list, sizeof list, "%s,%s", lp_strtab_get(&graph.nodes.id, p[0]),
             lp_strtab_get(&graph.nodes.id, p[1]));
    if (k < 3 || lp_scenarios_from_list(&set, list, &graph) ||
        lp_scenarios_from_list(&set, lp_strtab_get(&graph.nodes.id, p[2]), &graph)) {
        fprintf(stderr, "setup: %s\n", lp_error_message());
        return 1;
    }

    /* written whole, from an analysis that keeps every array */
    char whole[256], stream[256];
    path_in(whole, sizeof whole, "whole.h5");
    path_in(stream, sizeof stream, "stream.h5");
    lp_analyze_options o = options();
    lp_analysis a;
    lp_status st = lp_analyze(&a, &graph, &o);
    CHECK(st == LP_OK, "analyze: %s", lp_error_message());
    if (st) return 1;
    CHECK(a.sunk == 0 && a.pagerank && a.betweenness && a.degree && a.keyperson.accounts_at_risk &&
              a.bus_factor && a.second_link && a.scenarios.lost_accounts,
          "without a sink every array stays");
    CHECK(graph.n > 65536, "more than one chunk per node column (%lld nodes)", (long long)graph.n);
    st = lp_results_write(whole, &graph, &a, &info);
    CHECK(st == LP_OK, "write: %s", lp_error_message());
    lp_analysis_free(&a);

    int threads[3] = {1, 2, 8};
    for (int t = 0; t < 3; t++) {
        set_threads(threads[t]);
        st = streamed(stream);
        CHECK(st == LP_OK, "streamed at %d threads: %s", threads[t], lp_error_message());
        if (!st) same_files(whole, stream);
        unlink(stream);
    }
    set_threads(2);

    /* a stream given no part (an analysis run without the sink): finish
     * writes it all, the same file */
    {
        lp_results_stream *rs0 = NULL;
        st = lp_results_stream_begin(&rs0, stream, &graph);
        o = options();
        if (!st) st = lp_analyze(&a, &graph, &o);
        if (!st) {
            st = lp_results_stream_finish(rs0, &a, &info);
            lp_analysis_free(&a);
        }
        lp_results_stream_free(rs0);
        CHECK(st == LP_OK, "stream without parts: %s", lp_error_message());
        if (!st) same_files(whole, stream);
        unlink(stream);
    }

    /* a sink failing half-way: its status, no file, no temporary */
    lp_results_stream *rs = NULL;
    st = lp_results_stream_begin(&rs, stream, &graph);
    CHECK(st == LP_OK, "begin: %s", lp_error_message());
    failing f = {.rs = rs, .calls = 0};
    o = options();
    o.sink = fail_third;
    o.sink_ctx = &f;
    st = lp_analyze(&a, &graph, &o);
    CHECK(st == LP_EOUTPUT && strstr(lp_error_message(), "the test says no"),
          "the sink's failure stops the analysis: %d %s", (int)st, lp_error_message());
    CHECK(f.calls == 3, "no part after the failure (%d calls)", f.calls);
    lp_results_stream_free(rs);
    CHECK(strstr(lp_error_message(), "the test says no") != NULL,
          "dropping the stream keeps the message: %s", lp_error_message());
    CHECK(!exists(stream), "no file after a failure");
    CHECK(lp_test_count_temps(dir) == 0, "no temporary after a failure");

    /* a stream dropped before its finish leaves nothing either */
    rs = NULL;
    CHECK(lp_results_stream_begin(&rs, stream, &graph) == LP_OK, "begin");
    lp_results_stream_free(rs);
    CHECK(!exists(stream) && lp_test_count_temps(dir) == 0, "nothing after a dropped stream");

    unlink(whole);
    rmdir(dir);
    lp_scenarios_free(&set);
    lp_graph_free(&graph);
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
