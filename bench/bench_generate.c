/* bench_generate.c — write a synthetic enterprise graph for the benchmarks,
 * without depending on the command-line tool.
 *
 *   bench_generate --accounts N [--employees N] [--seed S] [--names] --out DIR
 *
 * Writes DIR/nodes.csv and DIR/edges.csv (lp_generate + lp_csv_write_graph)
 * and prints one line with the node count per type, the edge rows, and the
 * generation and write times. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "lp_csvwrite.h"
#include "lp_generate.h"

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0) return -1;
    *out = (int64_t)v;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_generate --accounts N [--employees N] [--seed S] [--names] "
                    "--out DIR\n");
}

int main(int argc, char **argv)
{
    lp_generate_options opt = LP_GENERATE_OPTIONS_INIT;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int64_t v;
        if (!strcmp(a, "--names")) {
            opt.names = 1;
        } else if (i + 1 < argc && !strcmp(a, "--out")) {
            dir = argv[++i];
        } else if (i + 1 < argc && (!strcmp(a, "--accounts") || !strcmp(a, "--employees") ||
                                    !strcmp(a, "--seed"))) {
            if (parse_i64(argv[++i], &v)) {
                fprintf(stderr, "bench_generate: %s: not a non-negative integer: %s\n", a, argv[i]);
                return 2;
            }
            if (!strcmp(a, "--accounts"))
                opt.accounts = v;
            else if (!strcmp(a, "--employees"))
                opt.employees = v;
            else
                opt.seed = (uint64_t)v;
        } else {
            usage();
            return 2;
        }
    }
    if (!dir) {
        usage();
        return 2;
    }

    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    double t0 = bench_now();
    lp_status st = lp_generate(&nodes, &edges, &opt);
    double t1 = bench_now();
    if (st == LP_OK) st = lp_csv_write_graph(dir, &nodes, &edges);
    double t2 = bench_now();
    if (st) {
        fprintf(stderr, "bench_generate: %s\n", lp_error_message());
        lp_nodes_free(&nodes);
        lp_edges_free(&edges);
        return (int)st;
    }

    int64_t per_type[64] = {0};
    for (int64_t i = 0; i < nodes.id.count; i++)
        if (nodes.type[i] >= 0 && nodes.type[i] < 64) per_type[nodes.type[i]]++;
    printf("generated accounts=%lld seed=%llu nodes=%lld", (long long)opt.accounts,
           (unsigned long long)opt.seed, (long long)nodes.id.count);
    for (int64_t t = 0; t < nodes.type_name.count && t < 64; t++)
        printf(" %s=%lld", lp_strtab_get(&nodes.type_name, t), (long long)per_type[t]);
    printf(" edge_rows=%lld generate_s=%.3f write_s=%.3f dir=%s\n", (long long)edges.m, t1 - t0,
           t2 - t1, dir);
    lp_nodes_free(&nodes);
    lp_edges_free(&edges);
    return 0;
}
