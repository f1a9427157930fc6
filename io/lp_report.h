/* lp_report.h — `linchpin report`: the HTML report of a result file.
 *
 *     lp_report_data d;
 *     lp_report_read(&d, "results.h5");          // report_read.c
 *     ... optional account pictures (engine/lp_subgraph.h) ...
 *     lp_report_write_html("report.html", &d, pictures, k);   // report_html.c
 *     lp_report_data_free(&d);
 *
 * lp_report_data is the report's own small view of a result file: the
 * arrays it needs and nothing else, so that switching to another reader
 * (the whole-table reader lp_results_read_table) is one function. Optional
 * datasets that are absent leave their pointer NULL (their section is left
 * out of the report): names, bus factor and dominant share, threads, second
 * links, scenarios, the key-person part altogether.
 *
 * The HTML is one self-contained file: inline CSS (with a print
 * stylesheet for A4 and Letter) and inline SVG (lp_svg.h); no script, no
 * font, image or link to anything outside; every text from the file is
 * escaped. Written atomically (temporary file renamed into place); on
 * failure nothing is left at the path: LP_EOUTPUT "cannot write <path>: ...".
 */
#ifndef LP_REPORT_H
#define LP_REPORT_H

#include <stdint.h>

#include "lp_csv.h"
#include "lp_error.h"
#include "lp_graph.h"

/* n strings, NUL-terminated: string i is bytes + off[i] (blob layout) or,
 * when off is NULL, bytes + i * width (fixed-length layout). */
typedef struct lp_report_strings {
    char *bytes;
    int64_t *off; /* [n] or NULL */
    size_t width;
} lp_report_strings;

static inline const char *lp_report_str(const lp_report_strings *s, int64_t i)
{
    return s->off ? s->bytes + s->off[i] : s->bytes + (size_t)i * s->width;
}

typedef struct lp_report_data {
    char *path;
    /* root attributes ("" when absent) */
    char *created, *linchpin_version, *igraph_version, *hdf5_version, *command_line;
    char *parameters, *input_files; /* JSON text */
    /* /summary attributes */
    int64_t nodes, edges;
    int64_t weak_ties_dropped; /* 0 when absent */
    int has_keyperson;         /* the key-person part is present (/accounts, at-risk columns) */
    int64_t accounts, orphan_accounts, accounts_with_key_person;
    double revenue_total, revenue_with_key_person, revenue_orphan;
    char *warnings; /* JSON list ("[]" when absent) */
    /* /nodes */
    int64_t n;
    lp_report_strings node_id;
    lp_report_strings node_name; /* bytes NULL when the file has no names */
    int64_t *accounts_at_risk;   /* [n] (NULL without key-person part) */
    double *revenue_at_risk;     /* [n] */
    uint8_t *is_articulation;    /* [n] (NULL when absent, as the next three) */
    double *betweenness, *pagerank, *brokerage;
    /* /accounts (a rows) */
    int64_t a;
    lp_vid *account_node; /* [a] rows of /nodes, checked */
    double *account_revenue;
    uint8_t *account_connected;
    int32_t *bus_factor; /* NULL when absent */
    int32_t bus_factor_cap;
    double *dominant_share;       /* NULL when absent */
    int32_t *threads;             /* NULL when absent */
    int64_t *key_persons_offsets; /* [a+1] into key_persons */
    lp_vid *key_persons;          /* rows of /nodes, checked */
    int64_t *second_link_offsets; /* [a+1] into second_link; NULL when absent */
    lp_vid *second_link;          /* rows of /nodes, checked */
    /* /scenarios (s rows; 0 when absent) */
    int64_t s;
    lp_report_strings scenario_name;
    int64_t *scenario_leaving, *scenario_lost; /* persons leaving, lost_accounts */
    double *scenario_lost_revenue;
    int64_t *scenario_newly;
    double *scenario_newly_revenue;
} lp_report_data;

/* Read what the report needs from the result file at path, checking it:
 * format and version, column lengths, row indices and offsets in range.
 * LP_EINPUT "<path>: <what>" when it is not a readable result file,
 * LP_EINTERNAL when out of memory. *out written on success only. */
lp_status lp_report_read(lp_report_data *out, const char *path, unsigned parts);
/* parts: 0, or LP_REPORT_SCORES to read is_articulation, betweenness,
 * pagerank and brokerage too (the report does not need them). */
#define LP_REPORT_SCORES 1u
void lp_report_data_free(lp_report_data *d); /* accepts NULL */

/* "Name (id)" of node row i when the file has names, else the id, in buf. */
const char *lp_report_label(const lp_report_data *d, lp_vid i, char *buf, size_t size);

/* The accounts by revenue at risk: accounts with bus factor 1 (or, without
 * the bus-factor column, with a key person), by revenue descending, ties by
 * row; at most k rows of /accounts into out; returns how many. */
int64_t lp_report_top_accounts(const lp_report_data *d, int64_t k, int64_t *out);

/* The JSON string member `key` of the run's parameters (e.g. "anchor")
 * into buf, unescaped; 0, or -1 when absent or too long. */
int lp_report_param(const lp_report_data *d, const char *key, char *buf, size_t size);

/* Is g the graph the results came from? The result file's input_files
 * (size and CRC-32 of the nodes and edges CSV) against files[0..1] (what
 * the CSV load or the store's /source recorded; has_files 0: nothing
 * recorded), then the node and edge counts and every node id. LP_EINPUT
 * "<graph> does not match <results>: <what differs>" otherwise. */
lp_status lp_report_check_graph(const lp_report_data *d, const lp_graph *g,
                                const lp_input_file *files, int has_files, const char *graph);

/* A picture of one account's neighbourhood for the report: node rows of
 * /nodes with coordinates and kinds (LP_SVG_NODE_*), links as index pairs. */
typedef struct lp_report_picture {
    int64_t account; /* row of /accounts */
    int n;
    lp_vid *node;  /* [n] rows of /nodes */
    double *x, *y; /* [n] */
    int *kind;     /* [n] */
    int m;
    int *from, *to; /* [m] indices into node */
} lp_report_picture;

/* Write the report of d (and the k pictures, which may be NULL/0) to path,
 * atomically. LP_EOUTPUT when it cannot be written, LP_EINTERNAL when out
 * of memory. */
lp_status lp_report_write_html(const char *path, const lp_report_data *d,
                               const lp_report_picture *pictures, int k);

#endif
