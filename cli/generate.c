/* generate.c — `linchpin generate`: a synthetic enterprise as CSV. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lp_cli.h"
#include "lp_csvwrite.h"
#include "lp_generate.h"

static const char GENERATE_USAGE[] =
    "usage: linchpin generate --accounts N [--employees N] [--seed S] [--names] -o DIR\n"
    "\n"
    "Write a synthetic company-employee-customer graph to DIR/nodes.csv and\n"
    "DIR/edges.csv. The same options give byte-identical files.\n"
    "  --accounts N    customer accounts (required)\n"
    "  --employees N   employees (default: accounts / 8 + 1)\n"
    "  --seed S        random seed (default 42)\n"
    "  --names         human-like ids instead of compact ones\n"
    "  -o DIR          output directory (created if missing)\n";

int lp_cli_generate(int argc, char **argv)
{
    lp_generate_options go = LP_GENERATE_OPTIONS_INIT;
    const char *dir = NULL;
    int have_accounts = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(GENERATE_USAGE, stdout);
            return 0;
        }
    }
    for (int i = 2; i < argc; i++) {
        const char *v;
        int64_t x;
        if (!strcmp(argv[i], "-o") || !strncmp(argv[i], "--output", 8)) {
            v = !strcmp(argv[i], "-o") ? (i + 1 < argc ? argv[++i] : "")
                                       : lp_cli_opt_value(argc, argv, &i, "--output");
            if (!v || !*v) return lp_cli_usage_error("%s needs a directory", argv[i]);
            dir = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--accounts"))) {
            if (lp_cli_parse_int64(v, 1, 100000000, &x))
                return lp_cli_usage_error("--accounts: expected a whole number from 1, got '%s'",
                                          v);
            go.accounts = x;
            have_accounts = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--employees"))) {
            if (lp_cli_parse_int64(v, 1, 100000000, &x))
                return lp_cli_usage_error("--employees: expected a whole number from 1, got '%s'",
                                          v);
            go.employees = x;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--seed"))) {
            if (lp_cli_parse_int64(v, 0, INT64_MAX, &x))
                return lp_cli_usage_error("--seed: expected a non-negative whole number, got '%s'",
                                          v);
            go.seed = (uint64_t)x;
        } else if (!strcmp(argv[i], "--names")) {
            go.names = 1;
        } else {
            return lp_cli_usage_error("unexpected argument '%s'", argv[i]);
        }
    }
    if (!have_accounts) return lp_cli_usage_error("%s", "generate needs --accounts N");
    if (!dir) return lp_cli_usage_error("%s", "generate needs -o DIR");
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    lp_status st = lp_generate(&nodes, &edges, &go);
    if (!st) st = lp_csv_write_graph(dir, &nodes, &edges);
    long long n = nodes.id.count, m = edges.m;
    lp_nodes_free(&nodes);
    lp_edges_free(&edges);
    if (st) return lp_cli_fail(st);
    printf("wrote %s/nodes.csv (%lld nodes) and %s/edges.csv (%lld edge rows)\n", dir, n, dir, m);
    return 0;
}
