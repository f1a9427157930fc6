/* test_alloc_fail.c — every allocation failure path of engine/ and io/
 * ("brutal malloc", as LAGraph tests it; issue 18 item 4).
 *
 * Each stage — CSV load (plain, in 64-byte blocks, with skip_bad_rows),
 * --leave lists, scenario files and --add ties, graph-store write and
 * read, lp_analyze (exact and sampled betweenness, bus factor, second
 * links, departure scenarios, min_tie), added ties, results write,
 * summary and whole-table read, CRM import, igraph interoperability, the
 * account picture and neighbourhood, report read and HTML write, GraphML
 * and DOT, export, diff, the generator — is run with allocation k failing
 * (lp_alloc_fail_after(k): allocation k and every later one return NULL)
 * for k = 0, 1, 2, ... until a run makes no more than k allocations, i.e.
 * completes without meeting the limit. Every k is run, none skipped. For
 * each k:
 *  - a run that met the limit returns LP_EINTERNAL with a one-line
 *    "out of memory" message; success is accepted only when no allocation
 *    failed (lp_alloc_count() <= k);
 *  - an output stage leaves no file or directory at its target and no
 *    temporary (".<name>.tmp-XXXXXX") in the directory;
 *  - what it allocated is freed: under ASan, LeakSanitizer at exit covers
 *    every k.
 * Then the chain load - store - analyze - write - read runs again with the
 * countdown off and must give what the reference runs gave before any
 * failure was injected (the graph, the analysis and the tables read back
 * compared bit for bit), so a failure leaves no damaged global state.
 *
 * The input is small and written by the test (every role, a weak tie, a
 * duplicate row, a self-loop, bad rows, an orphan account, and a few long
 * values so that every buffer grows once), so that each stage takes tens
 * to a few hundred allocations and the whole test reaches every
 * allocation site of engine/ and io/. Two OpenMP threads
 * (LP_ALLOC_FAIL_THREADS), so failures inside parallel regions are taken
 * too (the allocation that fails first then depends on scheduling; every
 * k still fails some allocation).
 *
 * Prints "alloc-fail: N failure points: csv=..., ..." (.ci/run shows it). */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lp_addties.h"
#include "lp_alloc.h"
#include "lp_crm.h"
#include "lp_csv.h"
#include "lp_csvwrite.h"
#include "lp_diff.h"
#include "lp_error.h"
#include "lp_export.h"
#include "lp_generate.h"
#include "lp_graphml.h"
#include "lp_graphstore.h"
#include "lp_i_csv.h"
#include "lp_i_h5.h"
#include "lp_igraph.h"
#include "lp_pipeline.h"
#include "lp_report.h"
#include "lp_results.h"
#include "lp_scenario_io.h"
#include "lp_subgraph.h"
#include "lp_test.h"
#include "lp_test_files.h"

static char dir[128];
static char nodes_csv[256], edges_csv[256], bad_nodes_csv[256], bad_edges_csv[256];
static char old_nodes_csv[256], old_edges_csv[256];
static char scen_csv[256], store_h5[256], results_h5[256], out_store[256], out_results[256];
static char crm_dir[256], old_results_h5[256], out_html[256], out_graphml[256], out_dot[256];
static char out_diff[256], out_export[256], out_gen[256];

static const lp_roles roles = {"company,division", "employee", "account"};
#define LEAVE_LIST "E1,\"team-d2\""
#define ADD_LIST "E5:A2,E3:A6"

static void path_in(char *out, const char *name)
{
    snprintf(out, 256, "%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
    lp_test_spit(path, text, strlen(text));
}

static int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* ---- the input ---------------------------------------------------------- */

static void write_inputs(void)
{
    write_text(nodes_csv, "id,type,revenue,name\n"
                          "HQ,company,0,Head office\n"
                          "D1,division,0,Sales\n"
                          "team-d2,division,0,Service\n"
                          "E1,employee,0,Ann\n"
                          "E2,employee,0,Ben\n"
                          "E3,employee,0,Cem\n"
                          "E4,employee,0,Dora\n"
                          "E5,employee,0,Eli\n"
                          "E6,employee,0,\n"
                          "C1,contact,0,\n"
                          "C2,contact,0,Gus\n"
                          "C4,contact,0,Hal\n"
                          "A1,account,100.5,Acme\n"
                          "A2,account,200,Bolt\n"
                          "A3,account,300,Crux\n"
                          "A4,account,50,Dyne\n"
                          "A5,account,75,Eon\n"
                          "A6,account,10,Flux Capacitor Consolidated Holdings of the Greater "
                          "Metropolitan Area and Surroundings\n"
                          "X1,partner,0,\n"
                          "C5,contact,0,");
    write_text(edges_csv, "source,target,weight\n"
                          "HQ,D1,3\n"
                          "HQ,team-d2,2\n"
                          "D1,E1,1\n"
                          "D1,E2,1\n"
                          "team-d2,E3,1\n"
                          "team-d2,E4,1\n"
                          "D1,E5,0.25\n"
                          "team-d2,E6,1\n"
                          "E1,A1,2\n"
                          "E1,A1,1\n"
                          "E2,A1,1\n"
                          "E1,C1,1\n"
                          "C1,A2,1\n"
                          "E3,A3,1\n"
                          "E4,A3,1\n"
                          "E3,C2,1\n"
                          "C2,A3,1\n"
                          "E4,A4,1\n"
                          "A4,C4,1\n"
                          "E5,A5,1\n"
                          "E6,A5,0.2\n"
                          "E2,E2,1\n"
                          "X1,A6,1\n");
    /* a name of 100,000 bytes: the result file stores names as one blob
     * with offsets instead of fixed-width strings */
    FILE *f = fopen(nodes_csv, "ab");
    for (int i = 0; f && i < 100000; i++)
        fputc(i ? 'c' : 'C', f);
    if (!f || fputs("\n", f) < 0 || fclose(f)) exit(1);
    f = fopen(edges_csv, "ab");
    if (!f || fputs("C5,A4,1\n", f) < 0 || fclose(f)) exit(1);
    /* the old graph: one node more */
    const char *more[2][3] = {{nodes_csv, old_nodes_csv, "Z9,contact,0,\n"},
                              {edges_csv, old_edges_csv, "Z9,A3,1\n"}};
    for (int i = 0; i < 2; i++) {
        size_t n;
        char *text = lp_test_slurp(more[i][0], &n);
        if (!text) exit(1);
        f = fopen(more[i][1], "wb");
        if (!f || fwrite(text, 1, n, f) != n || fputs(more[i][2], f) < 0 || fclose(f)) exit(1);
        free(text);
    }
    /* one malformed row, a long field (the reader's field buffer grows), a
     * long number (parsed from a heap copy), edge rows naming unknown ids */
    char big[9000];
    int len = snprintf(big, sizeof big,
                       "id,type,revenue\n"
                       "HQ,company,0\n"
                       "E1,employee,0\n"
                       "E2,employee,x\n"
                       "A1,account,5\n"
                       "A2,account,");
    memset(big + len, '0', 200);
    len += 200;
    len += snprintf(big + len, sizeof big - (size_t)len, "7\n\"");
    memset(big + len, 'y', 6000);
    len += 6000;
    snprintf(big + len, sizeof big - (size_t)len, "\",account,1\n");
    write_text(bad_nodes_csv, big);
    write_text(bad_edges_csv, "source,target,weight\n"
                              "HQ,E1,1\n"
                              "E1,A1,1\n"
                              "E1,ghost,1\n"
                              "ghost,A1,1\n");
    /* a name longer than the reader's first field buffer, a row of more
     * fields than its first field index */
    len = snprintf(big, sizeof big,
                   "Ann leaves,E1\n"
                   "\"Service team\",team-d2\n"
                   "Cem and Dora,E3,E4,\n");
    memset(big + len, 'n', 5000);
    len += 5000;
    len += snprintf(big + len, sizeof big - (size_t)len, ",E2\nMany,");
    for (int i = 0; i < 80; i++)
        len += snprintf(big + len, sizeof big - (size_t)len, "E5,");
    snprintf(big + len, sizeof big - (size_t)len, "E6\n");
    write_text(scen_csv, big);
    char p[320];
    snprintf(crm_dir, sizeof crm_dir, "%s/crm", dir);
    mkdir(crm_dir, 0700);
    snprintf(p, sizeof p, "%s/owners.csv", crm_dir);
    write_text(p, "Owner ID,First Name,Last Name,Email,Active,Team\n"
                  "1,Ann,Lee,a@x.org,true,North\n"
                  "2,Ben,Ray,b@x.org,true,North\n"
                  "3,Cem,Oz,c@x.org,false,South\n");
    snprintf(p, sizeof p, "%s/companies.csv", crm_dir);
    write_text(p, "Record ID,Company name,Company Domain Name,Annual Revenue,Company owner\n"
                  "10,Acme,acme.example,1000,1\n"
                  "11,Bolt,bolt.example,,2\n"
                  "12,Crux,crux.example,300,9\n");
    snprintf(p, sizeof p, "%s/contacts.csv", crm_dir);
    write_text(p, "Record ID,First Name,Last Name,Email,Contact owner,Associated Company IDs "
                  "(Primary)\n"
                  "100,Gus,Ng,g@y.org,1,10\n"
                  "101,Hal,Ko,h@y.org,3,11\n");
    snprintf(p, sizeof p, "%s/engagements.csv", crm_dir);
    write_text(p, "Activity ID,Activity type,Activity date,Activity assigned to,Associated "
                  "Contact IDs,Associated Company IDs\n"
                  "1000,NOTE,2026-01-02 10:00,2,100,10\n"
                  "1001,CALL,2025-06-30 09:00,1,,11\n"
                  "1002,MEETING,2026-02-01 12:00,2,101,\n");
}

/* ---- stages ------------------------------------------------------------- */

/* A stage: prep (not counted, countdown off) builds what run needs; run is
 * the part under test; done frees what prep built. out: the file run
 * writes (NULL: none). */
typedef struct stage {
    const char *name;
    void (*prep)(void);
    lp_status (*run)(void);
    void (*done)(void);
    const char *out;
    long points; /* failure points exercised */
} stage;

/* State shared by prep and run. */
static lp_graph ref_g; /* the reference graph (CSV load) */
static lp_load_report ref_rep;
static lp_analysis ref_an; /* the reference analysis of a copy of ref_g */
static lp_graph an_g;      /* the graph that analysis ran on (roles set, weak ties dropped) */
static lp_scenarios ref_set = LP_SCENARIOS_INIT;
static lp_graph work_g; /* a fresh graph for one analyze run */
static lp_scenarios work_set = LP_SCENARIOS_INIT;

/* old = 1: the "old" graph diff compares with, one more node. */
static int old;

static lp_status load_csv(lp_graph *g, lp_load_report *rep)
{
    return lp_graph_load_csv(g, rep, old ? old_nodes_csv : nodes_csv,
                             old ? old_edges_csv : edges_csv, NULL);
}

static lp_status run_csv(void)
{
    lp_graph g;
    lp_load_report rep;
    lp_status st = load_csv(&g, &rep);
    if (!st) lp_graph_free(&g);
    return st;
}

static lp_status run_csv_skip(void)
{
    lp_graph g;
    lp_load_options lo = LP_LOAD_OPTIONS_INIT;
    lo.skip_bad_rows = 1;
    lo.warn = fopen("/dev/null", "w");
    lp_status st = lp_graph_load_csv(&g, NULL, bad_nodes_csv, bad_edges_csv, &lo);
    if (lo.warn) fclose(lo.warn);
    if (!st) lp_graph_free(&g);
    return st;
}

/* The plain load in blocks of 64 bytes cut into chunks of a few bytes:
 * many blocks, chunks parsed in parallel, the block buffer grown for a
 * record longer than a block. */
static lp_status run_csv_blocks(void)
{
    int64_t block = lp_i_csv_block_size, chunk = lp_i_csv_min_chunk;
    lp_i_csv_block_size = 64;
    lp_i_csv_min_chunk = 1;
    lp_status st = run_csv();
    lp_i_csv_block_size = block;
    lp_i_csv_min_chunk = chunk;
    return st;
}

static lp_status run_scenario_file(void)
{
    lp_scenarios s = LP_SCENARIOS_INIT;
    lp_status st = lp_scenarios_from_list(&s, LEAVE_LIST, &an_g);
    if (!st) st = lp_scenarios_read_csv(&s, scen_csv, &an_g);
    lp_tie *ties = NULL;
    int64_t nt = 0;
    if (!st) st = lp_ties_from_list(&ties, &nt, ADD_LIST, &an_g, &s.notes);
    free(ties);
    lp_scenarios_free(&s);
    return st;
}

static lp_status run_store_write(void)
{
    return lp_graphstore_write_roles(out_store, &ref_g, &ref_rep, &roles);
}

/* The same through a named temporary file (where O_TMPFILE is missing):
 * then a failure must also remove ".<name>.tmp-XXXXXX". */
static lp_status run_store_write_named(void)
{
    lp_i_h5w_no_tmpfile = 1;
    lp_status st = run_store_write();
    lp_i_h5w_no_tmpfile = 0;
    return st;
}

static lp_status run_store_read(void)
{
    lp_graph g;
    lp_graphstore_info info;
    lp_status st = lp_graphstore_read(&g, &info, store_h5);
    if (!st) {
        lp_graph_free(&g);
        lp_graphstore_info_free(&info);
    }
    return st;
}

static lp_analyze_options analyze_opts(lp_bw_mode bw, const lp_scenarios *set)
{
    lp_analyze_options o = LP_ANALYZE_OPTIONS_INIT;
    o.roles = roles;
    o.min_tie = old ? 0 : 0.3;
    o.bus_factor_cap = 4;
    o.second_links = 2;
    o.scenarios = set;
    o.betweenness = bw;
    o.sampling.epsilon = 0.2;
    o.sampling.seed = 7;
    o.top = 5;
    return o;
}

/* A fresh copy of the graph with the scenarios resolved (lp_analyze sets
 * roles and drops weak ties in place). */
static void prep_analyze(void)
{
    if (load_csv(&work_g, NULL) || lp_graph_set_roles(&work_g, &roles) ||
        lp_scenarios_from_list(&work_set, LEAVE_LIST, &work_g) ||
        lp_scenarios_read_csv(&work_set, scen_csv, &work_g)) {
        fprintf(stderr, "prep_analyze: %s\n", lp_error_message());
        exit(1);
    }
}

static void done_analyze(void)
{
    lp_scenarios_free(&work_set);
    lp_graph_free(&work_g);
}

static lp_status analyze_with(lp_bw_mode bw)
{
    lp_analyze_options o = analyze_opts(bw, &work_set);
    lp_analysis a;
    lp_status st = lp_analyze(&a, &work_g, &o);
    if (!st) st = lp_analysis_add_time(&a, "load", 0.5);
    if (!st) lp_analysis_free(&a);
    return st;
}

static lp_status run_analyze_exact(void)
{
    return analyze_with(LP_BW_EXACT);
}

static lp_status run_analyze_sampled(void)
{
    return analyze_with(LP_BW_SAMPLED);
}

static lp_run_info run_info(const lp_load_report *rep);

/* lp_analyze handing each part to a result stream as it is final, then the
 * stream's finish (what `linchpin analyze` does). */
static lp_status run_analyze_streamed(void)
{
    lp_results_stream *rs = NULL;
    lp_status st = lp_results_stream_begin(&rs, out_results, &work_g);
    if (st) return st;
    lp_analyze_options o = analyze_opts(LP_BW_EXACT, &work_set);
    o.sink = lp_results_stream_part;
    o.sink_ctx = rs;
    lp_analysis a;
    st = lp_analyze(&a, &work_g, &o);
    if (!st) {
        lp_run_info run = run_info(&ref_rep);
        st = lp_analysis_add_time(&a, "load", 0.5);
        if (!st) st = lp_results_stream_finish(rs, &a, &run);
        lp_analysis_free(&a);
    }
    lp_results_stream_free(rs);
    return st;
}

static lp_tie *ties;
static int64_t n_ties;

static lp_status run_addties(void)
{
    lp_addties_result r;
    lp_vid leave[2] = {ref_set.leave[0], ref_set.leave[1]};
    lp_status st = lp_addties_run(&r, &an_g, &ref_an.keyperson, ref_an.bus_factor,
                                  ref_an.bus_factor_cap, ties, n_ties, leave, 2);
    if (!st) lp_addties_result_free(&r);
    return st;
}

static lp_run_info run_info(const lp_load_report *rep)
{
    static lp_input_file inputs[2];
    inputs[0] = rep->nodes_file;
    inputs[1] = rep->edges_file;
    lp_run_info run = {.command_line = "linchpin analyze nodes.csv edges.csv",
                       .threads = 2,
                       .parameters_json = "{\"person\":\"employee\",\"anchor\":\"company\"}",
                       .inputs = inputs,
                       .n_inputs = 2,
                       .skipped_rows = 0};
    return run;
}

static lp_status run_results_write(void)
{
    lp_run_info run = run_info(&ref_rep);
    return lp_results_write(out_results, &an_g, &ref_an, &run);
}

static lp_status run_results_write_named(void)
{
    lp_i_h5w_no_tmpfile = 1;
    lp_status st = run_results_write();
    lp_i_h5w_no_tmpfile = 0;
    return st;
}

static lp_status run_summary(void)
{
    lp_summary s;
    lp_status st = lp_results_read_summary(&s, results_h5);
    if (!st) lp_summary_free(&s);
    return st;
}

static lp_status run_labels(void)
{
    lp_node_labels l;
    const lp_vid rows[3] = {2, 0, 1};
    lp_status st = lp_results_read_node_labels(&l, results_h5, rows, 3);
    if (!st) lp_node_labels_free(&l);
    return st;
}

static lp_status run_table(void)
{
    lp_results_table t;
    lp_status st = lp_results_read_table(&t, results_h5, 0);
    if (!st) lp_results_table_free(&t);
    return st;
}

/* The shipped mapping read from a file (the builtin one is the same text,
 * parsed by the same code), padded with 70,000 blanks so that the reader's
 * 64 KiB buffer grows. */
static char mapping_json[4096];

static lp_status run_crm(void)
{
    lp_crm_mapping *m = NULL;
    lp_status st = lp_crm_mapping_load(&m, mapping_json);
    lp_graph g;
    lp_crm_report rep;
    if (!st) st = lp_crm_import(&g, &rep, m, crm_dir, NULL);
    if (!st) {
        lp_graph_free(&g);
        lp_crm_report_free(&rep);
    }
    lp_crm_mapping_free(m);
    return st;
}

/* ---- the later commands: report, subgraph, export, diff, generate ------ */

static lp_results_table ref_t, old_t; /* the reference table; one without min_tie */
static lp_report_data ref_report;
static lp_subgraph ref_sub;
static lp_report_picture ref_pic;
static lp_vid account_a2, person_e1;

static lp_vid row_of(const lp_graph *g, const char *id)
{
    for (int64_t i = 0; i < g->n; i++)
        if (!strcmp(lp_strtab_get(&g->nodes.id, i), id)) return (lp_vid)i;
    fprintf(stderr, "no node %s\n", id);
    exit(1);
}

/* The picture of account A2 (hangs on E1) as `linchpin report` makes it,
 * and a neighbourhood as `linchpin subgraph` does. */
static lp_status run_picture(void)
{
    lp_subgraph s, nb;
    int *kind = NULL;
    lp_status st = lp_account_picture(&s, &kind, &an_g, account_a2, &person_e1, 1, 12, 16);
    if (st) return st;
    double *x = lp_malloc((size_t)s.n * sizeof *x), *y = lp_malloc((size_t)s.n * sizeof *y);
    if (!x || !y)
        st = lp_error_nomem("test picture");
    else
        st = lp_subgraph_layout(&s, x, y);
    free(x);
    free(y);
    free(kind);
    lp_subgraph_free(&s);
    if (!st) st = lp_neighbourhood(&nb, &an_g, &account_a2, 1, 20); /* all: > 16 edges */
    if (!st) lp_subgraph_free(&nb);
    return st;
}

static lp_status run_report_read(void)
{
    lp_report_data d;
    lp_status st = lp_report_read(&d, results_h5, LP_REPORT_SCORES);
    lp_input_file files[2] = {ref_rep.nodes_file, ref_rep.edges_file};
    if (!st) {
        st = lp_report_check_graph(&d, &ref_g, files, 1, "the graph");
        lp_report_data_free(&d);
    }
    return st;
}

static lp_status run_report_write(void)
{
    return lp_report_write_html(out_html, &ref_report, &ref_pic, 1);
}

static lp_status run_graphml(void)
{
    return lp_subgraph_write(out_graphml, LP_EXPORT_GRAPHML, &an_g, &ref_sub, &ref_report);
}

static lp_status run_dot(void)
{
    return lp_subgraph_write(out_dot, LP_EXPORT_DOT, &an_g, &ref_sub, NULL);
}

static lp_status run_export_csv(void)
{
    return lp_export_write(&ref_t, out_export, LP_TABLE_CSV, NULL);
}

static lp_status run_export_jsonl(void)
{
    return lp_export_write(&ref_t, out_export, LP_TABLE_JSONL, NULL);
}

/* A table without scenarios: export then removes the stale scenario
 * tables of an earlier export. */
static lp_status run_export_old(void)
{
    return lp_export_write(&old_t, out_export, LP_TABLE_CSV, NULL);
}

static lp_status run_diff(void)
{
    lp_diff d;
    lp_status st = lp_diff_compute(&d, &old_t, "old.h5", &ref_t, "new.h5");
    if (!st) {
        st = lp_diff_write_csv(out_diff, &d, &old_t, &ref_t);
        lp_diff_free(&d);
    }
    return st;
}

/* The generator in memory and lp_csv_write_graph of its rows. */
static lp_status run_generate_mem(void)
{
    lp_generate_options o = LP_GENERATE_OPTIONS_INIT;
    o.accounts = 12;
    o.awkward = 1;
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    lp_status st = lp_generate(&nodes, &edges, &o);
    if (st) return st;
    st = lp_csv_write_graph(out_gen, &nodes, &edges);
    lp_nodes_free(&nodes);
    lp_edges_free(&edges);
    return st;
}

static lp_status run_generate(void)
{
    lp_generate_options o = LP_GENERATE_OPTIONS_INIT;
    o.accounts = 12;
    o.awkward = 1;
    return lp_csv_generate(out_gen, NULL, &o, NULL);
}

/* igraph interoperability: the reference graph to igraph and back. */
static igraph_t ig_ref;
static igraph_vector_t ig_weight, ig_revenue;
static igraph_strvector_t ig_id, ig_type, ig_name;

static void make_igraph_reference(void)
{
    if (lp_graph_to_igraph(&ref_g, &ig_ref, &ig_weight)) {
        fprintf(stderr, "igraph reference: %s\n", lp_error_message());
        exit(1);
    }
    igraph_strvector_init(&ig_id, ref_g.n);
    igraph_strvector_init(&ig_type, ref_g.n);
    igraph_strvector_init(&ig_name, ref_g.n);
    igraph_vector_init(&ig_revenue, ref_g.n);
    for (int64_t v = 0; v < ref_g.n; v++) {
        igraph_strvector_set(&ig_id, v, lp_strtab_get(&ref_g.nodes.id, v));
        igraph_strvector_set(&ig_type, v,
                             lp_strtab_get(&ref_g.nodes.type_name, ref_g.nodes.type[v]));
        igraph_strvector_set(&ig_name, v, lp_strtab_get(&ref_g.nodes.name, v));
        VECTOR(ig_revenue)[v] = ref_g.nodes.revenue[v];
    }
}

static void free_igraph_reference(void)
{
    igraph_strvector_destroy(&ig_id);
    igraph_strvector_destroy(&ig_type);
    igraph_strvector_destroy(&ig_name);
    igraph_vector_destroy(&ig_revenue);
    igraph_vector_destroy(&ig_weight);
    igraph_destroy(&ig_ref);
}

static lp_status run_igraph(void)
{
    lp_igraph_attrs at = {.id = &ig_id,
                          .type = &ig_type,
                          .name = &ig_name,
                          .revenue = &ig_revenue,
                          .weight = &ig_weight};
    lp_graph g;
    lp_status st = lp_graph_from_igraph(&g, &ig_ref, &at);
    if (st) return st;
    igraph_t back;
    igraph_vector_t w;
    st = lp_graph_to_igraph(&g, &back, &w);
    if (!st) {
        igraph_vector_destroy(&w);
        igraph_destroy(&back);
    }
    lp_graph_free(&g);
    return st;
}

static stage stages[] = {
    {.name = "csv", .run = run_csv},
    {.name = "csv_blocks", .run = run_csv_blocks},
    {.name = "csv_skip", .run = run_csv_skip},
    {.name = "scenarios", .run = run_scenario_file},
    {.name = "store_write", .run = run_store_write, .out = out_store},
    {.name = "store_write_named", .run = run_store_write_named, .out = out_store},
    {.name = "store_read", .run = run_store_read},
    {.name = "analyze_exact", .prep = prep_analyze, .run = run_analyze_exact, .done = done_analyze},
    {.name = "analyze_sampled",
     .prep = prep_analyze,
     .run = run_analyze_sampled,
     .done = done_analyze},
    {.name = "analyze_streamed",
     .prep = prep_analyze,
     .run = run_analyze_streamed,
     .done = done_analyze,
     .out = out_results},
    {.name = "addties", .run = run_addties},
    {.name = "results_write", .run = run_results_write, .out = out_results},
    {.name = "results_write_named", .run = run_results_write_named, .out = out_results},
    {.name = "summary", .run = run_summary},
    {.name = "node labels", .run = run_labels},
    {.name = "table", .run = run_table},
    {.name = "crm", .run = run_crm},
    {.name = "igraph", .run = run_igraph},
    {.name = "picture", .run = run_picture},
    {.name = "report_read", .run = run_report_read},
    {.name = "report_write", .run = run_report_write, .out = out_html},
    {.name = "graphml", .run = run_graphml, .out = out_graphml},
    {.name = "dot", .run = run_dot, .out = out_dot},
    {.name = "export_csv", .run = run_export_csv, .out = out_export},
    {.name = "export_jsonl", .run = run_export_jsonl, .out = out_export},
    {.name = "export_old", .run = run_export_old, .out = out_export},
    {.name = "diff", .run = run_diff, .out = out_diff},
    {.name = "generate", .run = run_generate, .out = out_gen},
    {.name = "generate_mem", .run = run_generate_mem, .out = out_gen},
};
#define N_STAGES ((int)(sizeof stages / sizeof stages[0]))

static void remove_outputs(const stage *s)
{
    if (s->out) {
        unlink(s->out);
        lp_test_remove_tree(s->out); /* export and generate write directories */
    }
}

/* Run one stage for k = 0, 1, ... until it completes within the limit. */
static void brutal(stage *s)
{
    /* LP_ALLOC_FAIL_ONLY=<stage>:<k> runs that stage at that k only (to
     * debug one failure point, e.g. under gdb with a breakpoint in alloc.c) */
    const char *only = getenv("LP_ALLOC_FAIL_ONLY");
    long k0 = 0;
    if (only) {
        const char *colon = strchr(only, ':');
        if (!colon || strncmp(only, s->name, (size_t)(colon - only)) ||
            strlen(s->name) != (size_t)(colon - only))
            return;
        k0 = atol(colon + 1);
    }
    for (long k = k0;; k++) {
        remove_outputs(s);
        if (s->prep) s->prep();
        lp_error_clear();
        lp_alloc_fail_after(k);
        lp_status st = s->run();
        long made = lp_alloc_count();
        lp_alloc_fail_after(-1);
        if (s->done) s->done();
        if (made <= k) { /* no allocation failed */
            CHECK(st == LP_OK, "%s: k=%ld: no allocation failed, yet status %d: %s", s->name, k,
                  (int)st, lp_error_message());
            s->points = k;
            break;
        }
        if (only) break;
        const char *msg = lp_error_message();
        CHECK(st != LP_OK, "%s: k=%ld: allocation %ld failed, yet success reported", s->name, k, k);
        if (st != LP_OK) {
            CHECK(st == LP_EINTERNAL, "%s: k=%ld: status %d, not LP_EINTERNAL: %s", s->name, k,
                  (int)st, msg);
            CHECK(msg[0] && !strchr(msg, '\n') && strstr(msg, "out of memory"),
                  "%s: k=%ld: message not one 'out of memory' line: \"%s\"", s->name, k, msg);
        }
        if (s->out) {
            CHECK(!exists(s->out), "%s: k=%ld: %s exists after a failure", s->name, k, s->out);
            CHECK(lp_test_count_temps(dir) == 0, "%s: k=%ld: temporary file left in %s", s->name, k,
                  dir);
        }
        if (failures > 50) {
            fprintf(stderr, "too many failures, stopping\n");
            exit(1);
        }
    }
    remove_outputs(s);
}

/* ---- comparing the final run with the reference ------------------------- */

static int same(const void *a, const void *b, size_t bytes)
{
    if (!a || !b) return a == b;
    return memcmp(a, b, bytes) == 0;
}

static void compare_graph(const lp_graph *a, const lp_graph *b, const char *what)
{
    CHECK(a->n == b->n && a->m == b->m, "%s: n, m differ", what);
    if (a->n != b->n || a->m != b->m) return;
    size_t n = (size_t)a->n, arcs = 2 * (size_t)a->m;
    CHECK(same(a->csr.offset, b->csr.offset, (n + 1) * sizeof *a->csr.offset) &&
              same(a->csr.adj, b->csr.adj, arcs * sizeof *a->csr.adj) &&
              same(a->csr.weight, b->csr.weight, arcs * sizeof *a->csr.weight),
          "%s: CSR differs", what);
    CHECK(same(a->nodes.revenue, b->nodes.revenue, n * sizeof *a->nodes.revenue) &&
              same(a->nodes.type, b->nodes.type, n * sizeof *a->nodes.type),
          "%s: nodes differ", what);
    for (int64_t i = 0; i < a->n; i++)
        CHECK(!strcmp(lp_strtab_get(&a->nodes.id, i), lp_strtab_get(&b->nodes.id, i)),
              "%s: id %lld differs", what, (long long)i);
}

static void compare_analysis(const lp_analysis *a, const lp_analysis *b, const char *what)
{
    size_t n = (size_t)a->n, na = (size_t)a->keyperson.n_accounts;
    CHECK(a->n == b->n && a->keyperson.n_accounts == b->keyperson.n_accounts, "%s: sizes", what);
    if (a->n != b->n || a->keyperson.n_accounts != b->keyperson.n_accounts) return;
    CHECK(same(a->degree, b->degree, n * 8) && same(a->strength, b->strength, n * 8) &&
              same(a->pagerank, b->pagerank, n * 8) &&
              same(a->betweenness, b->betweenness, n * 8) &&
              same(a->brokerage, b->brokerage, n * 8),
          "%s: node columns differ", what);
    CHECK(same(a->keyperson.accounts_at_risk, b->keyperson.accounts_at_risk, n * 8) &&
              same(a->keyperson.revenue_at_risk, b->keyperson.revenue_at_risk, n * 8) &&
              same(a->bus_factor, b->bus_factor, na * 4) &&
              same(a->dominant_share, b->dominant_share, na * 8) &&
              same(a->threads, b->threads, na * 4) &&
              same(a->second_link_offsets, b->second_link_offsets, (na + 1) * 8),
          "%s: account columns differ", what);
    CHECK(a->scenarios.count == b->scenarios.count &&
              same(a->scenarios.lost_accounts, b->scenarios.lost_accounts,
                   (size_t)a->scenarios.count * 8) &&
              same(a->scenarios.newly_bus_factor_1, b->scenarios.newly_bus_factor_1,
                   (size_t)a->scenarios.count * 8),
          "%s: scenarios differ", what);
    CHECK(a->weak_ties_dropped == b->weak_ties_dropped && a->warnings.count == b->warnings.count,
          "%s: summary differs", what);
}

static void compare_tables(const lp_results_table *a, const lp_results_table *b)
{
    CHECK(a->n == b->n && a->a == b->a && a->s == b->s, "table: sizes differ");
    if (a->n != b->n || a->a != b->a || a->s != b->s) return;
    size_t n = (size_t)a->n;
    CHECK(same(a->pagerank, b->pagerank, n * 8) && same(a->betweenness, b->betweenness, n * 8) &&
              same(a->bus_factor, b->bus_factor, (size_t)a->a * 4) &&
              same(a->lost_accounts, b->lost_accounts, (size_t)a->s * 8),
          "table: columns differ");
    for (int64_t i = 0; i < a->n; i++)
        CHECK(!strcmp(lp_rstrings_get(&a->node_id, i), lp_rstrings_get(&b->node_id, i)),
              "table: id %lld differs", (long long)i);
}

/* The whole chain with the countdown off; *out_an and *out_t are the
 * caller's. */
static void full_run(lp_graph *g, lp_analysis *an, lp_results_table *t, lp_scenarios *set,
                     lp_bw_mode bw)
{
    lp_graph g2;
    lp_graphstore_info info;
    lp_load_report rep;
    lp_status st = load_csv(g, &rep);
    if (!st) st = lp_graphstore_write_roles(out_store, g, NULL, &roles);
    if (!st) st = lp_graphstore_read(&g2, &info, out_store);
    if (!st) {
        compare_graph(g, &g2, "store round trip");
        lp_graph_free(&g2);
        lp_graphstore_info_free(&info);
    }
    if (!st) st = lp_graph_set_roles(g, &roles);
    if (!st && !old) st = lp_scenarios_from_list(set, LEAVE_LIST, g);
    if (!st && !old) st = lp_scenarios_read_csv(set, scen_csv, g);
    lp_analyze_options o = analyze_opts(bw, old ? NULL : set);
    if (!st) st = lp_analyze(an, g, &o);
    lp_run_info run = run_info(&rep);
    if (!st) st = lp_results_write(out_results, g, an, &run);
    if (!st) st = lp_results_read_table(t, out_results, 0);
    if (st) {
        fprintf(stderr, "full run: %s\n", lp_error_message());
        exit(1);
    }
    unlink(out_store);
    unlink(out_results);
}

/* What the report, subgraph, diff and export stages take as given: the
 * report data, a neighbourhood, a picture, and the table of an "old" run:
 * one node more (Z9: diff matches the ids), no min_tie (A5 keeps its tie
 * to E6: its bus factor differs), no scenarios (export removes stale
 * scenario tables). */
static void make_later_references(void)
{
    account_a2 = row_of(&an_g, "A2");
    person_e1 = row_of(&an_g, "E1");
    lp_graph g;
    lp_analysis an;
    lp_scenarios set = LP_SCENARIOS_INIT;
    old = 1;
    full_run(&g, &an, &old_t, &set, LP_BW_EXACT);
    old = 0;
    lp_analysis_free(&an);
    lp_scenarios_free(&set);
    lp_graph_free(&g);
    lp_subgraph pic;
    int *kind = NULL;
    lp_status st = lp_report_read(&ref_report, results_h5, LP_REPORT_SCORES);
    if (!st) st = lp_neighbourhood(&ref_sub, &an_g, &account_a2, 1, 2);
    if (!st) st = lp_account_picture(&pic, &kind, &an_g, account_a2, &person_e1, 1, 12, 16);
    if (st) {
        fprintf(stderr, "later references: %s\n", lp_error_message());
        exit(1);
    }
    for (int64_t i = 0; i < ref_an.keyperson.n_accounts; i++)
        if (ref_an.keyperson.account_node[i] == account_a2) ref_pic.account = i;
    ref_pic.n = (int)pic.n;
    ref_pic.m = (int)pic.m;
    ref_pic.node = calloc((size_t)pic.n, sizeof *ref_pic.node);
    ref_pic.x = calloc((size_t)pic.n, sizeof *ref_pic.x);
    ref_pic.y = calloc((size_t)pic.n, sizeof *ref_pic.y);
    ref_pic.kind = kind; /* LP_PIC_* and LP_SVG_NODE_* are in the same order */
    ref_pic.from = calloc((size_t)pic.m, sizeof *ref_pic.from);
    ref_pic.to = calloc((size_t)pic.m, sizeof *ref_pic.to);
    if (!ref_pic.node || !ref_pic.x || !ref_pic.y || !ref_pic.from || !ref_pic.to ||
        lp_subgraph_layout(&pic, ref_pic.x, ref_pic.y)) {
        fprintf(stderr, "later references: picture\n");
        exit(1);
    }
    for (int64_t i = 0; i < pic.n; i++)
        ref_pic.node[i] = pic.node[i];
    for (int64_t e = 0; e < pic.m; e++) {
        ref_pic.from[e] = (int)pic.from[e];
        ref_pic.to[e] = (int)pic.to[e];
    }
    lp_subgraph_free(&pic);
    CHECK(old_t.n == ref_t.n + 1 && old_t.a == ref_t.a &&
              memcmp(old_t.bus_factor, ref_t.bus_factor,
                     (size_t)ref_t.a * sizeof *ref_t.bus_factor) != 0 &&
              !old_t.has_scenarios,
          "the old run has one node more, other bus factors, no scenarios");
}

int main(void)
{
    const char *threads = getenv("LP_ALLOC_FAIL_THREADS"); /* default 2 */
    set_threads(threads ? atoi(threads) : 2);
    snprintf(dir, sizeof dir, "/tmp/lp_alloc_fail_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    path_in(nodes_csv, "nodes.csv");
    path_in(edges_csv, "edges.csv");
    path_in(bad_nodes_csv, "bad_nodes.csv");
    path_in(bad_edges_csv, "bad_edges.csv");
    path_in(old_nodes_csv, "old_nodes.csv");
    path_in(old_edges_csv, "old_edges.csv");
    path_in(scen_csv, "scenarios.csv");
    path_in(store_h5, "graph.h5");
    path_in(results_h5, "results.h5");
    path_in(out_store, "out-graph.h5");
    path_in(out_results, "out-results.h5");
    path_in(old_results_h5, "old-results.h5");
    path_in(out_html, "out-report.html");
    path_in(out_graphml, "out-sub.graphml");
    path_in(out_dot, "out-sub.dot");
    path_in(out_diff, "out-diff.csv");
    path_in(out_export, "out-export");
    path_in(out_gen, "out-generated");
    write_inputs();
    /* __FILE__ is tests/test_alloc_fail.c under the source tree */
    char shipped[4096];
    snprintf(shipped, sizeof shipped, "%.*s/../io/mappings/hubspot.json",
             (int)(strrchr(__FILE__, '/') ? strrchr(__FILE__, '/') - __FILE__ : 1),
             strrchr(__FILE__, '/') ? __FILE__ : ".");
    size_t mlen;
    char *mtext = lp_test_slurp(shipped, &mlen);
    if (!mtext) {
        perror(shipped);
        return 1;
    }
    char *padded = malloc(mlen + 70000);
    if (!padded) return 1;
    memcpy(padded, mtext, mlen);
    memset(padded + mlen, ' ', 70000);
    path_in(mapping_json, "mapping.json");
    lp_test_spit(mapping_json, padded, mlen + 70000);
    free(mtext);
    free(padded);

    /* references, before any failure is injected */
    full_run(&an_g, &ref_an, &ref_t, &ref_set, LP_BW_EXACT);
    lp_analysis ref_sampled;
    lp_results_table ref_ts;
    lp_graph gs;
    lp_scenarios set_s = LP_SCENARIOS_INIT, set = LP_SCENARIOS_INIT;
    full_run(&gs, &ref_sampled, &ref_ts, &set_s, LP_BW_SAMPLED);
    lp_status st = load_csv(&ref_g, &ref_rep);
    if (!st) st = lp_graphstore_write_roles(store_h5, &ref_g, &ref_rep, &roles);
    lp_run_info run = run_info(&ref_rep);
    if (!st) st = lp_results_write(results_h5, &an_g, &ref_an, &run);
    if (!st) st = lp_ties_from_list(&ties, &n_ties, ADD_LIST, &an_g, NULL);
    if (st) {
        fprintf(stderr, "reference: %s\n", lp_error_message());
        return 1;
    }
    make_later_references();
    make_igraph_reference();
    CHECK(ref_set.leave_offsets[1] >= 2, "the --leave list names at least two persons");
    CHECK(ref_an.betweenness && ref_sampled.betweenness && ref_an.second_link &&
              ref_an.scenarios.count == 6 && ref_an.weak_ties_dropped == 1,
          "the reference analysis has every part (scenarios %lld, weak ties %lld)",
          (long long)ref_an.scenarios.count, (long long)ref_an.weak_ties_dropped);

    long total = 0;
    for (int i = 0; i < N_STAGES; i++) {
        brutal(&stages[i]);
        total += stages[i].points;
    }

    /* the same results once the countdown is off */
    lp_graph g;
    lp_analysis an;
    lp_results_table t;
    full_run(&g, &an, &t, &set, LP_BW_EXACT);
    compare_graph(&g, &an_g, "final graph");
    compare_analysis(&an, &ref_an, "final analysis (exact)");
    compare_tables(&t, &ref_t);
    lp_graph_free(&g);
    lp_analysis_free(&an);
    lp_results_table_free(&t);
    lp_scenarios_free(&set);
    /* the streamed file reads back as the one written whole */
    prep_analyze();
    CHECK(run_analyze_streamed() == LP_OK, "streamed run: %s", lp_error_message());
    done_analyze();
    CHECK(lp_results_read_table(&t, out_results, 0) == LP_OK, "streamed table: %s",
          lp_error_message());
    compare_tables(&t, &ref_t);
    lp_results_table_free(&t);
    unlink(out_results);
    full_run(&g, &an, &t, &set, LP_BW_SAMPLED);
    compare_analysis(&an, &ref_sampled, "final analysis (sampled)");
    compare_tables(&t, &ref_ts);
    lp_graph_free(&g);
    lp_analysis_free(&an);
    lp_results_table_free(&t);
    lp_scenarios_free(&set);

    printf("alloc-fail: %ld failure points:", total);
    for (int i = 0; i < N_STAGES; i++)
        printf("%s %s=%ld", i ? "," : "", stages[i].name, stages[i].points);
    printf(" (every k, no stride)\n");

    free(ties);
    lp_scenarios_free(&ref_set);
    lp_analysis_free(&ref_an);
    lp_analysis_free(&ref_sampled);
    lp_results_table_free(&ref_t);
    lp_results_table_free(&ref_ts);
    lp_graph_free(&gs);
    lp_scenarios_free(&set_s);
    lp_results_table_free(&old_t);
    free_igraph_reference();
    lp_report_data_free(&ref_report);
    lp_subgraph_free(&ref_sub);
    free(ref_pic.node);
    free(ref_pic.x);
    free(ref_pic.y);
    free(ref_pic.kind);
    free(ref_pic.from);
    free(ref_pic.to);
    lp_graph_free(&an_g);
    lp_graph_free(&ref_g);
    lp_test_remove_tree(dir);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
