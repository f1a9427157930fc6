/* bench_load.c — time CSV ingest (lp_graph_load_csv) against igraph's own
 * edge-list reader on the same edges, in the same process.
 *
 *   bench_load nodes.csv edges.csv [--runs R] [--threads T[,T...]]
 *              [--ncol FILE] [--no-peer] [--block BYTES]
 *
 * For each thread count T, R runs of lp_graph_load_csv (median of each
 * figure). The progress callback (lp_load_options.progress) marks when each
 * file starts and ends, which splits a run into:
 *   nodes   reading nodes.csv (parse, checks, id interning), MB/s of nodes.csv
 *   edges   reading edges.csv (parse, checks, id lookups), MB/s of edges.csv
 *   total   the whole call, lp_graph_build included (merging duplicates,
 *           igraph graph and CSR snapshot)
 * Every run must give the same graph (n, m, merged, self-loops and a
 * checksum of the CSR): checked outside the timed part, same=1/0, and the
 * checksum printed (graph_sum) to compare runs on other inputs (.csv.gz).
 * --block sets the loader's block size (default 2 MiB).
 *
 * Peer: igraph_read_graph_ncol (names and weights kept through igraph's C
 * attribute handler, undirected) on a space-separated "source target
 * weight" file written, untimed, from the same edges.csv by our record
 * reader (--ncol FILE, default edges.csv's path + ".ncol", removed at the
 * end unless given). Rows whose ids contain whitespace cannot be written in
 * that format and are left out (reported as ncol_skipped). igraph's reader
 * is serial; ratio = igraph seconds / our edges seconds at each T.
 *
 * Peak RSS (getrusage) after our runs, before the peer, and the peak when
 * edges.csv was done in the first run (VmHWM: the loader before
 * lp_graph_build), both also per edge row.
 * Never part of the tests.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"

static bench_info info;

/* The loader's block size (io/csvload.c, a test hook), for --block. */
extern int64_t lp_i_csv_block_size;

/* Times of the progress callback's first and last call per file, and the
 * peak RSS when edges.csv is done (before lp_graph_build). */
typedef struct marks {
    double nodes0, nodes1, edges0, edges1;
    double hwm_edges_mb;
} marks;

/* VmHWM of /proc/self/status (peak RSS so far) in MB, -1 if unknown. */
static double vm_hwm_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = atof(line + 6);
    if (f) fclose(f);
    return kb < 0 ? -1 : kb / 1024.0;
}

static void on_progress(void *ctx, const char *role, int64_t done, int64_t total)
{
    marks *mk = ctx;
    double t = bench_now();
    int edges = strcmp(role, "edges") == 0;
    if (done == 0) {
        if (edges && mk->edges0 == 0) mk->edges0 = t;
        if (!edges && mk->nodes0 == 0) mk->nodes0 = t;
    }
    if (total >= 0 && done == total) {
        if (edges) {
            mk->edges1 = t;
            mk->hwm_edges_mb = vm_hwm_mb();
        } else {
            mk->nodes1 = t;
        }
    }
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

/* A checksum of the CSR (offsets, neighbours, weights' bits). */
static uint64_t graph_sum(const lp_graph *g)
{
    uint64_t h = (uint64_t)g->n * 31 + (uint64_t)g->m;
    for (int64_t v = 0; v <= g->csr.n; v++)
        h = h * 1000003u ^ (uint64_t)g->csr.offset[v];
    for (int64_t k = 0; k < 2 * g->csr.m; k++) {
        uint64_t w;
        memcpy(&w, &g->csr.weight[k], 8);
        h = (h * 1000003u ^ (uint64_t)g->csr.adj[k]) + w;
    }
    return h;
}

static int has_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isspace((unsigned char)s[i])) return 1;
    return len == 0;
}

/* Write "source target weight" lines from edges.csv (untimed). */
static int write_ncol(const char *edges_path, const char *out, int64_t *rows, int64_t *skipped)
{
    lp_csv_reader *r = NULL;
    if (lp_csv_open(&r, edges_path)) return -1;
    FILE *f = fopen(out, "w");
    int more = 0;
    int64_t col[3] = {-1, -1, -1};
    if (!f || lp_csv_next(r, &more) || !more) goto fail;
    for (int64_t i = 0; i < lp_csv_nfields(r); i++) {
        size_t len;
        const char *s = lp_csv_field(r, i, &len);
        if (!strcmp(s, "source")) col[0] = i;
        if (!strcmp(s, "target")) col[1] = i;
        if (!strcmp(s, "weight")) col[2] = i;
    }
    if (col[0] < 0 || col[1] < 0) goto fail;
    *rows = *skipped = 0;
    while (!lp_csv_next(r, &more) && more) {
        size_t l0, l1, l2 = 0;
        const char *s = lp_csv_field(r, col[0], &l0), *t = lp_csv_field(r, col[1], &l1);
        const char *w = col[2] >= 0 ? lp_csv_field(r, col[2], &l2) : "1";
        if (has_space(s, l0) || has_space(t, l1)) {
            (*skipped)++;
            continue;
        }
        fprintf(f, "%s %s %s\n", s, t, l2 || col[2] < 0 ? w : "1");
        (*rows)++;
    }
    lp_csv_close(r);
    return fclose(f) == 0 ? 0 : -1;
fail:
    lp_csv_close(r);
    if (f) fclose(f);
    return -1;
}

/* Time igraph_read_graph_ncol on the ncol file (median of runs) and print
 * its line; 1 if igraph fails. */
static int peer_ncol(const char *ncol, int runs, double *t, int64_t rows, int64_t skipped,
                     int64_t edges_bytes, double best_edges_s)
{
    igraph_set_attribute_table(&igraph_cattribute_table);
    int64_t n = 0, m = 0;
    for (int r = 0; r < runs; r++) {
        igraph_t ig;
        double t0 = bench_now();
        FILE *f = fopen(ncol, "r");
        igraph_error_t ie =
            f ? igraph_read_graph_ncol(&ig, f, NULL, 1, IGRAPH_ADD_WEIGHTS_YES, IGRAPH_UNDIRECTED)
              : IGRAPH_EFILE;
        if (f) fclose(f);
        t[r] = bench_now() - t0;
        if (ie != IGRAPH_SUCCESS) {
            fprintf(stderr, "bench_load: igraph_read_graph_ncol failed\n");
            return 1;
        }
        n = igraph_vcount(&ig);
        m = igraph_ecount(&ig);
        igraph_destroy(&ig);
    }
    double mi = bench_median(t, runs);
    int64_t ncol_bytes = file_size(ncol);
    char extra[512];
    snprintf(extra, sizeof extra,
             "bytes=%lld mb_per_s=%.1f rows=%lld ncol_skipped=%lld ig_n=%lld ig_m=%lld "
             "edges_csv_mb_per_s=%.1f ratio_vs_best_edges=%.2f",
             (long long)ncol_bytes, ncol_bytes / mi / 1e6, (long long)rows, (long long)skipped,
             (long long)n, (long long)m, edges_bytes / mi / 1e6, mi / best_edges_s);
    bench_line(&info, "igraph_ncol", 1, runs, mi, extra);
    return 0;
}

int main(int argc, char **argv)
{
    const char *nodes_path = NULL, *edges_path = NULL, *ncol_arg = NULL, *tlist = "0";
    int runs = 5, peer = 1;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--runs"))
            runs = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--threads"))
            tlist = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--ncol"))
            ncol_arg = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--block"))
            lp_i_csv_block_size = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--no-peer"))
            peer = 0;
        else if (!nodes_path)
            nodes_path = argv[i];
        else if (!edges_path)
            edges_path = argv[i];
        else
            runs = 0;
    }
    if (!nodes_path || !edges_path || runs < 1) {
        fprintf(stderr, "usage: bench_load nodes.csv edges.csv [--runs R] [--threads T[,T...]] "
                        "[--ncol FILE] [--no-peer] [--block BYTES]\n");
        return 2;
    }
    bench_info_init(&info, "load", 0);
    int64_t nodes_bytes = file_size(nodes_path), edges_bytes = file_size(edges_path);
    double *tn = malloc((size_t)runs * sizeof *tn), *te = malloc((size_t)runs * sizeof *te);
    double *tt = malloc((size_t)runs * sizeof *tt);
    if (!tn || !te || !tt) return 1;

    double best_edges_s = -1, hwm_loader = -1;
    uint64_t sum0 = 0;
    int same = 1, first = 1;
    lp_load_report rep;
    memset(&rep, 0, sizeof rep);
    char extra[512];
    for (const char *p = tlist; *p;) {
        int threads = atoi(p);
        if (threads > 0) bench_set_threads(threads);
#ifdef _OPENMP
        threads = omp_get_max_threads();
#else
        threads = 1;
#endif
        for (int r = 0; r < runs; r++) {
            marks mk = {0, 0, 0, 0, -1};
            lp_load_options opt = LP_LOAD_OPTIONS_INIT;
            opt.progress = on_progress;
            opt.progress_ctx = &mk;
            lp_graph g;
            double t0 = bench_now();
            lp_status st = lp_graph_load_csv(&g, &rep, nodes_path, edges_path, &opt);
            double t1 = bench_now();
            if (st) {
                fprintf(stderr, "bench_load: %s\n", lp_error_message());
                return (int)st;
            }
            tn[r] = mk.nodes1 - mk.nodes0;
            te[r] = mk.edges1 - mk.edges0;
            tt[r] = t1 - t0;
            if (first) hwm_loader = mk.hwm_edges_mb;
            uint64_t sum = graph_sum(&g) ^ (uint64_t)g.merged_duplicates * 7 ^
                           (uint64_t)g.dropped_self_loops * 13;
            if (first) sum0 = sum;
            same &= sum == sum0;
            first = 0;
            info.n = g.n;
            info.m = g.m;
            lp_graph_free(&g);
        }
        double mn = bench_median(tn, runs), me = bench_median(te, runs);
        double mt = bench_median(tt, runs);
        snprintf(extra, sizeof extra, "bytes=%lld mb_per_s=%.1f rows=%lld", (long long)nodes_bytes,
                 nodes_bytes / mn / 1e6, (long long)rep.node_rows);
        bench_line(&info, "nodes", threads, runs, mn, extra);
        snprintf(extra, sizeof extra, "bytes=%lld mb_per_s=%.1f rows=%lld", (long long)edges_bytes,
                 edges_bytes / me / 1e6, (long long)rep.edge_rows);
        bench_line(&info, "edges", threads, runs, me, extra);
        snprintf(extra, sizeof extra, "build_s=%.3f same=%d graph_sum=%016llx block=%lld",
                 mt - mn - me, same, (unsigned long long)sum0, (long long)lp_i_csv_block_size);
        bench_line(&info, "total", threads, runs, mt, extra);
        if (best_edges_s < 0 || me < best_edges_s) best_edges_s = me;
        p = strchr(p, ',');
        if (!p) break;
        p++;
    }
    double rss = bench_peak_rss_mb();
    snprintf(extra, sizeof extra,
             "peak_rss_mb_before_build=%.1f peak_rss_mb=%.1f bytes_per_edge_row=%.1f "
             "before_build_bytes_per_edge_row=%.1f",
             hwm_loader, rss, rss * 1048576.0 / (double)rep.edge_rows,
             hwm_loader * 1048576.0 / (double)rep.edge_rows);
    bench_line(&info, "memory", info.threads, 0, -1, extra);

    if (peer) {
        char ncol[4096];
        snprintf(ncol, sizeof ncol, "%s", ncol_arg ? ncol_arg : edges_path);
        if (!ncol_arg) strncat(ncol, ".ncol", sizeof ncol - strlen(ncol) - 1);
        int64_t rows = 0, skipped = 0;
        if (write_ncol(edges_path, ncol, &rows, &skipped)) {
            fprintf(stderr, "bench_load: cannot write %s\n", ncol);
            return 1;
        }
        if (rows == 0) { /* e.g. --names ids: nothing the ncol format can hold */
            snprintf(extra, sizeof extra, "ncol_skipped=%lld (ids with whitespace)",
                     (long long)skipped);
            bench_line(&info, "igraph_ncol", 1, 0, -1, extra);
        } else if (peer_ncol(ncol, runs, tt, rows, skipped, edges_bytes, best_edges_s)) {
            return 1;
        }
        if (!ncol_arg) remove(ncol);
    }
    free(tn);
    free(te);
    free(tt);
    return same ? 0 : 1;
}
