/* subgraph.c — `linchpin subgraph GRAPH --around ID[,ID...] [--hops H]
 * [--results RESULTS.h5] -o FILE [--format graphml|dot]`. Thin: loads the
 * graph (io/), finds the neighbourhood (engine/), writes it (io/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_cli.h"
#include "lp_csv.h"
#include "lp_graphml.h"
#include "lp_graph.h"
#include "lp_graphstore.h"
#include "lp_report.h"
#include "lp_subgraph.h"
#include "lp_text.h"

static const char SUBGRAPH_USAGE[] =
    "usage: linchpin subgraph NODES.csv EDGES.csv | GRAPH.h5 --around ID[,ID...]\n"
    "                         [--hops H] [--results RESULTS.h5] -o FILE\n"
    "                         [--format graphml|dot]\n"
    "\n"
    "Write the neighbourhood of some nodes (every node within H hops, and every tie\n"
    "between them) for Gephi, Cytoscape or yEd (GraphML, by igraph's writer) or\n"
    "Graphviz (DOT): id, type, name, revenue per node, weight per tie and, with\n"
    "--results, the result columns of the nodes and accounts.\n"
    "  --around IDS          node ids, comma-separated (CSV quoting for commas)\n"
    "  --hops H              hops around them (default 2)\n"
    "  --results FILE        the result file of this graph (checked against it)\n"
    "  -o, --output FILE     the output (written atomically)\n"
    "  --format F            graphml (default) or dot\n";

/* Split a CSV-quoted list into ids (malloc'ed copies in *out, *k of them);
 * -1 on a syntax error or when out of memory. */
static int split_ids(const char *list, char ***out, int64_t *k)
{
    size_t len = strlen(list);
    char **ids = calloc(len + 2, sizeof *ids);
    char *buf = malloc(len + 1);
    int64_t n = 0;
    if (!ids || !buf) goto fail;
    const char *p = list;
    for (;;) {
        size_t o = 0;
        if (*p == '"') {
            for (p++;; p++) {
                if (!*p) goto fail;
                if (*p == '"') {
                    if (p[1] != '"') break;
                    p++;
                }
                buf[o++] = *p;
            }
            p++;
            if (*p && *p != ',') goto fail;
        } else {
            while (*p && *p != ',') {
                if (*p == '"') goto fail;
                buf[o++] = *p++;
            }
        }
        buf[o] = '\0';
        if (!o || !(ids[n] = strdup(buf))) goto fail;
        n++;
        if (!*p) break;
        p++;
    }
    free(buf);
    *out = ids;
    *k = n;
    return 0;
fail:
    for (int64_t i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
    free(buf);
    return -1;
}

int lp_cli_subgraph(int argc, char **argv)
{
    const char *in[2] = {NULL, NULL}, *output = NULL, *results = NULL, *around = NULL;
    int n_in = 0;
    int64_t hops = 2;
    lp_export_format format = LP_EXPORT_GRAPHML;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        int r, kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (!kind && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
            fputs(SUBGRAPH_USAGE, stdout);
            return 0;
        }
        if (kind) {
            if (n_in == 2) return lp_cli_usage_error("unexpected argument '%s'", a);
            in[n_in++] = a;
        } else if ((r = lp_cli_opt_output(argc, argv, &i, &output, "a file name"))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--around"))) {
            if (!*v) return lp_cli_usage_error("%s", "--around needs one or more ids");
            if (around) return lp_cli_usage_error("%s", "--around given twice");
            around = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--hops"))) {
            if (lp_cli_parse_int64(v, 0, 100, &hops))
                return lp_cli_usage_error("--hops: expected a whole number from 0 to 100, got '%s'",
                                          v);
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--results"))) {
            if (!*v) return lp_cli_usage_error("%s", "--results needs a file name");
            results = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--format"))) {
            if (!strcmp(v, "graphml"))
                format = LP_EXPORT_GRAPHML;
            else if (!strcmp(v, "dot"))
                format = LP_EXPORT_DOT;
            else
                return lp_cli_usage_error("--format: expected graphml or dot, got '%s'", v);
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    if (!n_in) return lp_cli_usage_error("%s", "subgraph needs NODES.csv EDGES.csv or GRAPH.h5");
    if (!around) return lp_cli_usage_error("%s", "subgraph needs --around ID[,ID...]");
    if (!output) return lp_cli_usage_error("%s", "subgraph needs -o FILE");
    char **ids = NULL;
    int64_t k = 0;
    if (split_ids(around, &ids, &k))
        return lp_cli_usage_error("--around: cannot read the id list '%s' (CSV quoting: "
                                  "\"a, b\",c)",
                                  around);

    lp_graph g;
    lp_status st;
    lp_input_file files[2];
    int has_files = 1;
    if (n_in == 1) {
        lp_graphstore_info info;
        st = lp_graphstore_read(&g, &info, in[0]);
        if (!st) {
            files[0] = info.report.nodes_file;
            files[1] = info.report.edges_file;
            has_files = info.has_files;
            /* the paths are not used past this point */
            lp_graphstore_info_free(&info);
        }
    } else {
        lp_load_report rep;
        lp_load_options lo = LP_LOAD_OPTIONS_INIT;
        st = lp_graph_load_csv(&g, &rep, in[0], in[1], &lo);
        if (!st) {
            files[0] = rep.nodes_file;
            files[1] = rep.edges_file;
        }
    }
    lp_report_data r;
    int have_r = 0;
    lp_vid *seeds = NULL;
    lp_subgraph s;
    memset(&s, 0, sizeof s);
    if (st) goto out_ids;
    if (results) {
        st = lp_report_read(&r, results, LP_REPORT_SCORES);
        if (!st) {
            have_r = 1;
            st = lp_report_check_graph(&r, &g, files, has_files, in[0]);
        }
    }
    if (!st && !(seeds = malloc(((size_t)k + 1) * sizeof *seeds))) st = lp_error_nomem("ids");
    for (int64_t j = 0; !st && j < k; j++) {
        seeds[j] = -1;
        for (lp_vid v = 0; v < g.n && seeds[j] < 0; v++)
            if (!strcmp(lp_strtab_get(&g.nodes.id, v), ids[j])) seeds[j] = v;
        if (seeds[j] < 0) {
            char v[LP_TEXT_MSG_CAP], w[LP_TEXT_MSG_CAP];
            st = lp_error_set(LP_EINPUT, "--around: unknown node id \"%s\" (not in %s)",
                              lp_text_msg(v, sizeof v, ids[j], strlen(ids[j])),
                              lp_text_msg(w, sizeof w, in[0], strlen(in[0])));
        }
    }
    if (!st) st = lp_neighbourhood(&s, &g, seeds, k, (int)hops);
    if (!st) st = lp_subgraph_write(output, format, &g, &s, have_r ? &r : NULL);
    if (!st)
        printf("wrote %s: %lld nodes, %lld edges within %lld hops of %lld node%s\n", output,
               (long long)s.n, (long long)s.m, (long long)hops, (long long)k, k == 1 ? "" : "s");
    lp_subgraph_free(&s);
    free(seeds);
    if (have_r) lp_report_data_free(&r);
    lp_graph_free(&g);
out_ids:
    for (int64_t j = 0; j < k; j++)
        free(ids[j]);
    free(ids);
    return st ? lp_cli_fail(st) : 0;
}
