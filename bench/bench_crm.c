/* bench_crm.c — CRM import (lp_crm_import) against the plain CSV route on
 * the same resulting graph.
 *
 *   bench_crm EXPORT_DIR WORK_DIR [--crm salesforce|hubspot] [--threads T] [--runs R]
 *             [--crm-only] [--files]
 *
 * 1. crm:  lp_crm_import of EXPORT_DIR (median of R runs): seconds, CSV
 *          bytes read, MB/s (10^6 bytes) of CSV;
 * 2. writes the graph it made as WORK_DIR/nodes.csv and WORK_DIR/edges.csv
 *    (one row per node; one row per merged edge with its weight), untimed;
 * 3. csv:  lp_graph_load_csv of those two files (median of R runs): seconds,
 *          bytes, MB/s;
 * then the ratio crm / csv seconds (the target: within 2x) and a check that
 * both routes give the same graph (ids, types, revenue, CSR; weights equal
 * to the last bit, since "%.17g" round-trips). One key=value line each.
 * --crm-only: step 1 only (for profiling the import alone). --files: the
 * seconds from the start of the import at which each file was read (on
 * stderr; the rest up to the total is the activity weights and the build).
 * Generate the export with scripts/make_crm_sample.py (bench/README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "lp_crm.h"
#include "lp_csvwrite.h"

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static int same_graph(const lp_graph *a, const lp_graph *b)
{
    if (a->n != b->n || a->m != b->m) return 0;
    for (int64_t i = 0; i < a->n; i++)
        if (strcmp(lp_strtab_get(&a->nodes.id, i), lp_strtab_get(&b->nodes.id, i)) ||
            strcmp(lp_strtab_get(&a->nodes.type_name, a->nodes.type[i]),
                   lp_strtab_get(&b->nodes.type_name, b->nodes.type[i])) ||
            a->nodes.revenue[i] != b->nodes.revenue[i])
            return 0;
    size_t arcs = (size_t)(2 * a->m);
    return !memcmp(a->csr.offset, b->csr.offset, (size_t)(a->n + 1) * sizeof *a->csr.offset) &&
           (!arcs || (!memcmp(a->csr.adj, b->csr.adj, arcs * sizeof *a->csr.adj) &&
                      !memcmp(a->csr.weight, b->csr.weight, arcs * sizeof *a->csr.weight)));
}

/* The graph's nodes and merged edges (u < v, CSR order) as CSV. */
static lp_status write_graph_csv(const char *dir, const lp_graph *g)
{
    lp_edges e = LP_EDGES_INIT;
    lp_status st = LP_OK;
    for (lp_vid u = 0; u < g->csr.n && !st; u++)
        for (int64_t k = g->csr.offset[u]; k < g->csr.offset[u + 1] && !st; k++)
            if (u < g->csr.adj[k]) st = lp_edges_push(&e, u, g->csr.adj[k], g->csr.weight[k]);
    if (!st) st = lp_csv_write_graph(dir, &g->nodes, &e);
    lp_edges_free(&e);
    return st;
}

/* --files: the time at which each file of the import was read. */
typedef struct file_clock {
    double t0;
} file_clock;

static void file_done(void *ctx, const char *role, int64_t done, int64_t total)
{
    file_clock *fc = ctx;
    if (done == total)
        fprintf(stderr, "file=%s bytes=%lld at=%.3f\n", role, (long long)total,
                bench_now() - fc->t0);
}

int main(int argc, char **argv)
{
    const char *crm = "salesforce", *dir = NULL, *work = NULL;
    int threads = 2, runs = 1, crm_only = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--crm") && i + 1 < argc)
            crm = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--crm-only"))
            crm_only = 1;
        else if (!strcmp(argv[i], "--files"))
            files = 1;
        else if (!dir)
            dir = argv[i];
        else if (!work)
            work = argv[i];
    }
    if (!dir || !work || threads < 1 || runs < 1) {
        fprintf(stderr, "usage: bench_crm EXPORT_DIR WORK_DIR [--crm NAME] [--threads T] "
                        "[--runs R] [--crm-only] [--files]\n");
        return 2;
    }
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    lp_crm_mapping *m;
    if (lp_crm_mapping_builtin(&m, crm)) {
        fprintf(stderr, "bench_crm: %s\n", lp_error_message());
        return 1;
    }
    lp_graph g, h;
    lp_crm_report rep;
    double t[16];
    if (runs > 16) runs = 16;
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    bench_cpu c0 = bench_cpu_now();
    file_clock fc;
    lp_crm_options opt = LP_CRM_OPTIONS_INIT;
    if (files) {
        opt.progress = file_done;
        opt.progress_ctx = &fc;
    }
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        fc.t0 = t0;
        if (lp_crm_import(&g, &rep, m, dir, &opt)) {
            fprintf(stderr, "bench_crm: %s\n", lp_error_message());
            return 1;
        }
        t[r] = bench_now() - t0;
        if (r + 1 < runs) {
            lp_crm_report_free(&rep);
            lp_graph_free(&g);
        }
    }
    bench_cpu c1 = bench_cpu_now();
    double crm_s = bench_median(t, runs);
    int64_t crm_bytes = rep.csv_bytes;
    printf("phase=crm threads=%d nodes=%lld edges=%lld edge_rows=%lld csv_bytes=%lld seconds=%.3f "
           "MBps=%.1f cpu_seconds=%.1f others=%.2f peak_rss_mb=%.0f\n",
           threads, (long long)g.n, (long long)g.m,
           (long long)(g.m + g.merged_duplicates + g.dropped_self_loops), (long long)crm_bytes,
           crm_s, (double)crm_bytes / 1e6 / crm_s, (c1.self - c0.self) / runs,
           bench_others(&c0, &c1, nproc), bench_peak_rss_mb());
    fflush(stdout);
    if (crm_only) {
        lp_graph_free(&g);
        lp_crm_report_free(&rep);
        lp_crm_mapping_free(m);
        return 0;
    }
    if (write_graph_csv(work, &g)) {
        fprintf(stderr, "bench_crm: %s\n", lp_error_message());
        return 1;
    }
    char np[4096], ep[4096];
    snprintf(np, sizeof np, "%s/nodes.csv", work);
    snprintf(ep, sizeof ep, "%s/edges.csv", work);
    int64_t csv_bytes = file_size(np) + file_size(ep);
    c0 = bench_cpu_now();
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now();
        if (lp_graph_load_csv(&h, NULL, np, ep, NULL)) {
            fprintf(stderr, "bench_crm: %s\n", lp_error_message());
            return 1;
        }
        t[r] = bench_now() - t0;
        if (r + 1 < runs) lp_graph_free(&h);
    }
    c1 = bench_cpu_now();
    double csv_s = bench_median(t, runs);
    printf("phase=csv threads=%d nodes=%lld edges=%lld csv_bytes=%lld seconds=%.3f MBps=%.1f "
           "cpu_seconds=%.1f others=%.2f\n",
           threads, (long long)h.n, (long long)h.m, (long long)csv_bytes, csv_s,
           (double)csv_bytes / 1e6 / csv_s, (c1.self - c0.self) / runs,
           bench_others(&c0, &c1, nproc));
    printf("ratio_crm_over_csv=%.2f agree=%d\n", crm_s / csv_s, same_graph(&g, &h));
    lp_graph_free(&h);
    lp_graph_free(&g);
    lp_crm_report_free(&rep);
    lp_crm_mapping_free(m);
    return 0;
}
