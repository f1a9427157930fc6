/* bench_store.c — the graph store against the CSV route.
 *
 *   bench_store NODES.csv EDGES.csv STORE.h5 [--runs R] [--threads T] [--only csv|store]
 *
 * Phases (one key=value line each, bench_util.h):
 *   load_csv     lp_graph_load_csv (parse, merge, igraph + CSR), one run
 *   import       lp_graphstore_write of that graph to STORE.h5, one run
 *   load_store   lp_graphstore_read (HDF5 metadata, mapping, validation), median of R
 *   igraph       lp_graph_build_igraph on the store's graph (what the store
 *                route would add if a caller needed g.ig), one run
 * then checks, untimed, that the store's graph equals the CSV's exactly
 * (ids, types, revenue, CSR, weights bitwise, counts): agree=1/0, with the
 * file sizes. Both loads are what `analyze` times as its load phase, minus
 * degree and strength, which are the same for both routes.
 *
 * --only csv | --only store: load once that way and print the peak RSS of
 * the process (nothing else runs), for a peak-memory figure per route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "lp_graphstore.h"

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static int graphs_equal(const lp_graph *a, const lp_graph *b)
{
    if (a->n != b->n || a->m != b->m || a->merged_duplicates != b->merged_duplicates ||
        a->dropped_self_loops != b->dropped_self_loops ||
        a->nodes.has_revenue != b->nodes.has_revenue ||
        a->nodes.type_name.count != b->nodes.type_name.count)
        return 0;
    for (int64_t t = 0; t < a->nodes.type_name.count; t++)
        if (strcmp(lp_strtab_get(&a->nodes.type_name, t), lp_strtab_get(&b->nodes.type_name, t)))
            return 0;
    for (int64_t i = 0; i < a->n; i++)
        if (strcmp(lp_strtab_get(&a->nodes.id, i), lp_strtab_get(&b->nodes.id, i)) ||
            a->nodes.type[i] != b->nodes.type[i] ||
            memcmp(&a->nodes.revenue[i], &b->nodes.revenue[i], sizeof(double)))
            return 0;
    size_t arcs = (size_t)(2 * a->m);
    return !memcmp(a->csr.offset, b->csr.offset, (size_t)(a->n + 1) * sizeof *a->csr.offset) &&
           !memcmp(a->csr.adj, b->csr.adj, arcs * sizeof *a->csr.adj) &&
           !memcmp(a->csr.weight, b->csr.weight, arcs * sizeof *a->csr.weight);
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_store NODES.csv EDGES.csv STORE.h5 [--runs R] [--threads T] "
                    "[--only csv|store]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *nodes_path = NULL, *edges_path = NULL, *store = NULL, *only = NULL;
    int runs = 3, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--only") && i + 1 < argc)
            only = argv[++i];
        else if (!nodes_path)
            nodes_path = argv[i];
        else if (!edges_path)
            edges_path = argv[i];
        else if (!store)
            store = argv[i];
        else
            return usage();
    }
    if (!store || runs < 1 || (only && strcmp(only, "csv") && strcmp(only, "store")))
        return usage();
    bench_info b;
    bench_info_init(&b, "store", threads);
    char extra[512];
    lp_graph g, h;
    lp_load_report rep;
    lp_graphstore_info info;

    if (only) {
        double t0 = bench_now();
        lp_status st = !strcmp(only, "csv")
                           ? lp_graph_load_csv(&g, &rep, nodes_path, edges_path, NULL)
                           : lp_graphstore_read(&g, &info, store);
        double t = bench_now() - t0;
        if (st) {
            fprintf(stderr, "bench_store: %s\n", lp_error_message());
            return 1;
        }
        b.n = g.n;
        b.m = g.m;
        snprintf(extra, sizeof extra, "peak_rss_mb=%.0f", bench_peak_rss_mb());
        bench_line(&b, !strcmp(only, "csv") ? "load_csv" : "load_store", b.threads, 1, t, extra);
        if (strcmp(only, "csv")) lp_graphstore_info_free(&info);
        lp_graph_free(&g);
        return 0;
    }

    double t0 = bench_now();
    if (lp_graph_load_csv(&g, &rep, nodes_path, edges_path, NULL)) {
        fprintf(stderr, "bench_store: %s\n", lp_error_message());
        return 1;
    }
    double t_csv = bench_now() - t0;
    b.n = g.n;
    b.m = g.m;
    snprintf(extra, sizeof extra, "nodes_csv_bytes=%lld edges_csv_bytes=%lld",
             (long long)file_size(nodes_path), (long long)file_size(edges_path));
    bench_line(&b, "load_csv", b.threads, 1, t_csv, extra);

    t0 = bench_now();
    if (lp_graphstore_write(store, &g, &rep)) {
        fprintf(stderr, "bench_store: %s\n", lp_error_message());
        return 1;
    }
    double t_write = bench_now() - t0;
    snprintf(extra, sizeof extra, "store_bytes=%lld", (long long)file_size(store));
    bench_line(&b, "import", b.threads, 1, t_write, extra);

    double *t = calloc((size_t)runs, sizeof *t);
    int agree = 1;
    for (int r = 0; r < runs; r++) {
        t0 = bench_now();
        if (lp_graphstore_read(&h, &info, store)) {
            fprintf(stderr, "bench_store: %s\n", lp_error_message());
            return 1;
        }
        t[r] = bench_now() - t0;
        agree = agree && graphs_equal(&g, &h);
        if (r + 1 < runs) {
            lp_graphstore_info_free(&info);
            lp_graph_free(&h);
        }
    }
    double med = bench_median(t, runs);
    snprintf(extra, sizeof extra, "agree=%d ratio_csv_over_store=%.1f", agree, t_csv / med);
    bench_line(&b, "load_store", b.threads, runs, med, extra);

    t0 = bench_now();
    lp_status st = lp_graph_build_igraph(&h);
    double t_ig = bench_now() - t0;
    snprintf(extra, sizeof extra, "ok=%d peak_rss_mb=%.0f", st == LP_OK, bench_peak_rss_mb());
    bench_line(&b, "igraph", b.threads, 1, t_ig, extra);

    lp_graphstore_info_free(&info);
    lp_graph_free(&h);
    lp_graph_free(&g);
    free(t);
    return agree ? 0 : 1;
}
