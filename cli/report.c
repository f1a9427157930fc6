/* report.c — `linchpin report RESULTS.h5 [--graph GRAPH] -o REPORT.html`.
 * Thin: reads the result file (io/), with --graph loads the graph, checks it
 * against the results' provenance and computes the account pictures
 * (engine/), writes the HTML (io/). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_cli.h"
#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_graphstore.h"
#include "lp_report.h"
#include "lp_subgraph.h"
#include "lp_svg.h"

#define PICTURES 10

static const char REPORT_USAGE[] =
    "usage: linchpin report RESULTS.h5 [--graph GRAPH.h5 | --graph NODES.csv EDGES.csv]\n"
    "                       -o REPORT.html\n"
    "\n"
    "One self-contained HTML page (inline CSS and SVG, no script, nothing fetched;\n"
    "printable): headline figures, the bus-factor histogram, revenue at risk by person,\n"
    "the dominant-share distribution, the top accounts at risk with their key persons\n"
    "and second-link suggestions, departure scenarios and provenance. Sections whose\n"
    "datasets the result file lacks are left out.\n"
    "  -o, --output FILE     the report (written atomically)\n"
    "  --graph GRAPH         the graph store or the CSV pair the results came from\n"
    "                        (checked against the result file: a mismatch is exit 3):\n"
    "                        adds a picture of the neighbourhood of the top 10\n"
    "                        accounts at risk\n";

/* 1 if the file at path starts with the HDF5 signature. */
static int is_hdf5(const char *path)
{
    unsigned char sig[8];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t got = fread(sig, 1, sizeof sig, f);
    fclose(f);
    return got == 8 && !memcmp(sig, "\x89HDF\r\n\x1a\n", 8);
}

static lp_status load_checked(lp_graph *g, const lp_report_data *d, const char *const *graph,
                              int n_graph)
{
    lp_status st;
    if (n_graph == 1) {
        lp_graphstore_info info;
        st = lp_graphstore_read(g, &info, graph[0]);
        if (st) return st;
        lp_input_file files[2] = {info.report.nodes_file, info.report.edges_file};
        st = lp_report_check_graph(d, g, files, info.has_files, graph[0]);
        lp_graphstore_info_free(&info);
    } else {
        lp_load_report rep;
        lp_load_options lo = LP_LOAD_OPTIONS_INIT;
        st = lp_graph_load_csv(g, &rep, graph[0], graph[1], &lo);
        if (st) return st;
        lp_input_file files[2] = {rep.nodes_file, rep.edges_file};
        st = lp_report_check_graph(d, g, files, 1, graph[0]);
    }
    if (st) {
        lp_graph_free(g);
        return st;
    }
    char anchor[512], person[512], account[512];
    lp_roles roles = LP_ROLES_INIT;
    if (!lp_report_param(d, "anchor", anchor, sizeof anchor)) roles.anchor = anchor;
    if (!lp_report_param(d, "person", person, sizeof person)) roles.person = person;
    if (!lp_report_param(d, "account", account, sizeof account)) roles.account = account;
    st = lp_graph_set_roles(g, &roles);
    if (st) lp_graph_free(g);
    return st;
}

static int svg_kind(int pic_kind)
{
    switch (pic_kind) {
    case LP_PIC_ACCOUNT:
        return LP_SVG_NODE_ACCOUNT;
    case LP_PIC_CONTACT:
        return LP_SVG_NODE_CONTACT;
    case LP_PIC_PERSON:
        return LP_SVG_NODE_PERSON;
    case LP_PIC_KEY:
        return LP_SVG_NODE_KEY;
    case LP_PIC_ANCHOR:
        return LP_SVG_NODE_ANCHOR;
    default:
        return LP_SVG_NODE_OTHER;
    }
}

static void pictures_free(lp_report_picture *p, int k)
{
    for (int j = 0; p && j < k; j++) {
        free(p[j].node);
        free(p[j].x);
        free(p[j].y);
        free(p[j].kind);
        free(p[j].from);
        free(p[j].to);
    }
    free(p);
}

/* The pictures of the top accounts at risk (serial: igraph layouts). */
static lp_status make_pictures(lp_report_picture **out, int *out_k, const lp_report_data *d,
                               const lp_graph *g)
{
    int64_t rows[PICTURES];
    int k = (int)lp_report_top_accounts(d, PICTURES, rows);
    lp_report_picture *p = calloc((size_t)k + 1, sizeof *p);
    if (!p) return lp_error_nomem("pictures");
    lp_status st = LP_OK;
    for (int j = 0; j < k && !st; j++) {
        int64_t acc = rows[j];
        int64_t nk = d->key_persons_offsets[acc + 1] - d->key_persons_offsets[acc];
        const lp_vid *key = d->key_persons + d->key_persons_offsets[acc];
        lp_subgraph s;
        int *kind = NULL;
        st = lp_account_picture(&s, &kind, g, d->account_node[acc], key, nk, 12, 16);
        if (st) break;
        lp_report_picture *pic = &p[j];
        pic->account = acc;
        pic->n = (int)s.n;
        pic->m = (int)s.m;
        pic->node = malloc(((size_t)s.n + 1) * sizeof *pic->node);
        pic->x = malloc(((size_t)s.n + 1) * sizeof *pic->x);
        pic->y = malloc(((size_t)s.n + 1) * sizeof *pic->y);
        pic->from = malloc(((size_t)s.m + 1) * sizeof *pic->from);
        pic->to = malloc(((size_t)s.m + 1) * sizeof *pic->to);
        pic->kind = kind;
        if (!pic->node || !pic->x || !pic->y || !pic->from || !pic->to) {
            st = lp_error_nomem("pictures");
        } else {
            for (int64_t i = 0; i < s.n; i++) {
                pic->node[i] = s.node[i];
                pic->kind[i] = svg_kind(kind[i]);
            }
            for (int64_t e = 0; e < s.m; e++) {
                pic->from[e] = (int)s.from[e];
                pic->to[e] = (int)s.to[e];
            }
            st = lp_subgraph_layout(&s, pic->x, pic->y);
        }
        lp_subgraph_free(&s);
    }
    if (st) {
        pictures_free(p, k);
        return st;
    }
    *out = p;
    *out_k = k;
    return LP_OK;
}

int lp_cli_report(int argc, char **argv)
{
    const char *results = NULL, *output = NULL, *graph[2] = {NULL, NULL};
    int n_graph = 0;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        int r, kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (!kind && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
            fputs(REPORT_USAGE, stdout);
            return 0;
        }
        if (kind) {
            if (results) return lp_cli_usage_error("unexpected argument '%s'", a);
            results = a;
        } else if ((r = lp_cli_opt_output(argc, argv, &i, &output, "a file name"))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--graph"))) {
            if (!*v)
                return lp_cli_usage_error("%s", "--graph needs GRAPH.h5 or NODES.csv EDGES.csv");
            if (n_graph) return lp_cli_usage_error("%s", "--graph given twice");
            graph[n_graph++] = v;
            if (!is_hdf5(v)) { /* the CSV pair: the edges file follows */
                if (i + 1 >= argc || argv[i + 1][0] == '-')
                    return lp_cli_usage_error("--graph %s: a CSV graph needs NODES.csv EDGES.csv "
                                              "(or give a graph store)",
                                              v);
                graph[n_graph++] = argv[++i];
            }
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    if (!results) return lp_cli_usage_error("%s", "report needs RESULTS.h5");
    if (!output) return lp_cli_usage_error("%s", "report needs -o REPORT.html");

    lp_report_data d;
    lp_status st = lp_report_read(&d, results, 0);
    if (st) return lp_cli_fail(st);
    lp_report_picture *pics = NULL;
    int k = 0;
    if (n_graph) {
        lp_graph g;
        if (!d.has_keyperson) {
            fprintf(stderr,
                    "linchpin: warning: %s has no key-person results: no account "
                    "pictures\n",
                    results);
        } else if (!(st = load_checked(&g, &d, graph, n_graph))) {
            st = make_pictures(&pics, &k, &d, &g);
            lp_graph_free(&g);
        }
    }
    if (!st) st = lp_report_write_html(output, &d, pics, k);
    pictures_free(pics, k);
    lp_report_data_free(&d);
    return st ? lp_cli_fail(st) : 0;
}
