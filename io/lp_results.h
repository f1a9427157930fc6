/* lp_results.h — the HDF5 result file ("linchpin-results", format_version
 * 2; every dataset and attribute is listed in docs/results-format.md):
 * writer (results_write.c) and the reader used by `linchpin summary`
 * (results_read.c).
 *
 * Writing is atomic: the file is written under a temporary name in the target
 * directory and renamed into place only when complete and closed. On any
 * failure the temporary file is removed and an earlier file at the target
 * path is left byte-identical. Errors are LP_EOUTPUT.
 *
 * Safe to read when damaged or hostile (format 2):
 *  - nothing lives in HDF5's global heap (variable-length strings), the one
 *    HDF5 structure without a checksum: string attributes are fixed-length
 *    UTF-8 (NUL-terminated); string columns are fixed-length UTF-8,
 *    NUL-padded to the longest (h5py: ds.asstr()[...]), or, when that would
 *    cost more than 4 times the strings' own bytes plus 1 MiB, a blob pair
 *    X_bytes (uint8, each string and a NUL, back to back) + X_offsets (int64
 *    [len + 1]) in place of X;
 *  - HDF5 1.10 object formats (superblock 2/3): every header, attribute and
 *    index carries a checksum HDF5 verifies; every dataset chunk carries a
 *    Fletcher-32 checksum;
 *  - the reader refuses variable-length strings, format 1 files (with a hint
 *    to run analyze again), datasets that declare more data than they store,
 *    and checks every row index and offset before use. A damaged file is
 *    LP_EINPUT with one line naming the file and the object.
 *
 * Decisions the writer makes:
 *  - Root attributes: format, linchpin_version, igraph_version,
 *    hdf5_version, created, command_line, parameters (JSON object),
 *    input_files (JSON: [{"path":"nodes.csv","size":123,"crc32":"0a1b2c3d"}],
 *    size as stored, CRC-32 of the uncompressed content; bytes of a path that
 *    are not UTF-8 become U+FFFD), format_version and threads int32.
 *  - Every index dataset has an attribute rows_of naming the table its
 *    values are rows of ("/nodes" or "/accounts").
 *  - /summary attributes (int64 counts, float64 revenues): nodes, edges,
 *    merged_duplicates, dropped_self_loops, skipped_rows, weak_ties_dropped
 *    and warnings (JSON list of strings) always; accounts, orphan_accounts,
 *    accounts_with_key_person, articulation_points, revenue_total,
 *    revenue_with_key_person, revenue_orphan when the key-person analysis
 *    ran. /summary/timings tracks attribute creation order: the phases in
 *    the order they ran, then "write" last.
 *  - Every dataset is 1-D, chunked (numeric: min(len, 65536) elements),
 *    deflate (level 1 recorded; zlib's Z_RLE strategy for numeric columns
 *    but offsets and /accounts/node: standard streams, docs/results-format.md),
 *    Fletcher-32, plus shuffle for numeric columns; an empty dataset has
 *    maxdims H5S_UNLIMITED.
 *  - The file gets mode 0666 & ~umask. An existing path that is neither a
 *    regular file nor a directory is refused before writing; a directory is
 *    refused by rename() at the end; a symbolic link at path is replaced by
 *    the new file, its target left alone.
 *  - HDF5's automatic error printing is off for the process; failures become
 *    "cannot write <path>: <strerror>" (a system call) or "cannot write
 *    <path>: <what>: <HDF5 reason>".
 *  - An inconsistent lp_analysis (arrays missing, rows out of range, offsets
 *    not monotone, duplicate or negative timings, a phase named "write") is
 *    our bug: LP_EINTERNAL, nothing written. Out of memory is LP_EINTERNAL
 *    too; every other failure is LP_EOUTPUT.
 */
#ifndef LP_RESULTS_H
#define LP_RESULTS_H

#include <stdint.h>

#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_pipeline.h"

#define LP_RESULTS_FORMAT "linchpin-results"
#define LP_RESULTS_FORMAT_VERSION 2

/* Provenance of a run: what the writer records on "/" besides versions
 * and the creation time. */
typedef struct lp_run_info {
    const char *command_line;    /* the command as typed; NULL: "" */
    int threads;                 /* OpenMP threads used */
    const char *parameters_json; /* options as a JSON object; NULL: "{}" */
    const lp_input_file *inputs; /* the CSV files read (a store: those it was imported from) */
    int n_inputs;
    int64_t skipped_rows; /* rows skipped with skip_bad_rows */
} lp_run_info;

/* Write graph g and analysis a (of g) to path, atomically. Every array of a
 * that is NULL is absent from the file; the key-person part (/accounts and
 * the at-risk columns) is absent when a->keyperson.is_articulation is NULL.
 * The timings are a->timings, then "write" (from entry to just before the
 * file is closed). What goes where is the table of columns in
 * results_write.c: adding a column of lp_analysis is one line there. */
lp_status lp_results_write(const char *path, const lp_graph *g, const lp_analysis *a,
                           const lp_run_info *info);

/* The same file written while the analysis runs, so that no result column
 * has to stay in memory until the end (peak memory, bench/README.md):
 *
 *     lp_results_stream *rs;
 *     if (lp_results_stream_begin(&rs, path, &g) == LP_OK) {
 *         opt.sink = lp_results_stream_part;   (an lp_analysis_sink_fn)
 *         opt.sink_ctx = rs;
 *         st = lp_analyze(&a, &g, &opt);
 *         if (!st) st = lp_results_stream_finish(rs, &a, &info);
 *         lp_results_stream_free(rs);
 *     }
 *
 * begin creates the temporary file (nothing appears at path yet); each
 * part is checked as lp_results_write checks it and written at once;
 * finish writes the rest (root attributes, node ids, types and names, the
 * parts not streamed, /summary; "write" in /summary/timings is the time of
 * every part written plus finish) and renames the file onto path. Any
 * failure, or lp_results_stream_free before a finish, removes the
 * temporary: the target is replaced whole or not at all. The file holds the
 * same datasets and attributes as lp_results_write's for the same analysis
 * (only their order of creation differs). g must outlive the stream. */
typedef struct lp_results_stream lp_results_stream;
lp_status lp_results_stream_begin(lp_results_stream **out, const char *path, const lp_graph *g);
lp_status lp_results_stream_part(void *ctx, const lp_analysis *a, lp_analysis_part part);
lp_status lp_results_stream_finish(lp_results_stream *s, const lp_analysis *a,
                                   const lp_run_info *info);
double lp_results_stream_seconds(const lp_results_stream *s); /* writing so far */
void lp_results_stream_free(lp_results_stream *s);            /* accepts NULL */

/* ---- reading back (for `linchpin summary`) ----------------------------- */

typedef struct lp_summary_person {
    char *id, *type, *name; /* name NULL when the file has no names */
    int64_t accounts_at_risk;
    double revenue_at_risk;
} lp_summary_person;

typedef struct lp_summary_score {
    char *id, *type, *name;
    double value;
} lp_summary_score;

typedef struct lp_summary {
    int64_t nodes, edges, accounts, orphan_accounts, accounts_with_key_person;
    int64_t articulation_points, merged_duplicates, dropped_self_loops, skipped_rows;
    double revenue_total, revenue_with_key_person; /* over accounts */
    char *created, *linchpin_version, *command_line;
    int64_t n_top;
    lp_summary_person *top; /* [n_top] by revenue_at_risk */
    int n_timings;
    char **timing_phase; /* [n_timings] */
    double *timing_seconds;
    /* Added after the first draft of this header: */
    double revenue_orphan; /* over accounts with no path to R */
    int has_keyperson;     /* the key-person attributes were present; if 0,
                              accounts .. revenue_orphan are 0 and n_top is 0 */
    /* Centrality (issue 3): value = brokerage / betweenness of that node. */
    int64_t n_top_brokers, n_top_betweenness;
    lp_summary_score *top_brokers, *top_betweenness;
    char *betweenness_method; /* NULL when /nodes/betweenness is absent */
    int64_t betweenness_samples;
    double betweenness_epsilon, betweenness_delta;
    /* Bus factor (issue 4): accounts per bus factor 0..cap; NULL if absent. */
    int64_t *bus_factor_histogram;
    int32_t bus_factor_cap;
    /* Departure scenarios, when /scenarios is present (else 0 / NULL). */
    int64_t n_scenarios;
    char **scenario_name;           /* [n_scenarios] */
    int64_t *scenario_leaving;      /* persons leaving */
    int64_t *scenario_lost;         /* lost_accounts */
    double *scenario_lost_revenue;  /* lost_revenue */
    int64_t *scenario_newly;        /* newly_bus_factor_1 */
    double *scenario_newly_revenue; /* newly_at_risk_revenue */
} lp_summary;

/* Read /summary and root attributes. LP_EINPUT if path is not a linchpin
 * result file (message says why): "<path>: cannot open: <reason>",
 * "<path>: not a linchpin result file", "<path>: unsupported format_version N",
 * "<path>: <object>: <problem>". Top persons take id and type from /nodes/id
 * and /nodes/type, accounts_at_risk and revenue_at_risk from the /nodes
 * columns. Timings come in creation order when the file tracks it (ours
 * does), else in name order. All strings and arrays are malloc'ed and owned
 * by *out, written only on success. Free with lp_summary_free. */
lp_status lp_results_read_summary(lp_summary *out, const char *path);
void lp_summary_free(lp_summary *s); /* accepts NULL */

/* The /nodes/id and, when the file has names, /nodes/name of k node rows,
 * read without the whole columns (for printing a few nodes): ids[i] and
 * names[i] belong to rows[i] (names is NULL when the file has no names).
 * Opens the file as lp_results_read_summary does (same messages); a row
 * outside /nodes is LP_EINPUT. *out is written only on success; free with
 * lp_node_labels_free. */
typedef struct lp_node_labels {
    int64_t k;
    char **ids, **names;
} lp_node_labels;
lp_status lp_results_read_node_labels(lp_node_labels *out, const char *path, const lp_vid *rows,
                                      int64_t k);
void lp_node_labels_free(lp_node_labels *l); /* accepts NULL; leaves *l zeroed */

/* ---- reading whole tables (diff, export, report) ------------------------ */

/* A string column read whole, in one of two layouts: fixed width (width >
 * 0: string i at data + i * width, NUL-terminated within it; off NULL) or
 * packed (width 0: string i at data + off[i], NUL-terminated; off has count
 * + 1 entries). Bytes are as stored (UTF-8 unless the file was altered:
 * printers escape them). */
typedef struct lp_rstrings {
    int64_t count, width;
    int64_t *off;
    char *data;
} lp_rstrings;

static inline const char *lp_rstrings_get(const lp_rstrings *s, int64_t i)
{
    return s->width ? s->data + i * s->width : s->data + s->off[i];
}

/* strlen(lp_rstrings_get(s, i)) without a library call: the offsets give it
 * in the packed layout (one NUL per string, checked on read); fixed-width
 * strings are short. */
static inline size_t lp_rstrings_len(const lp_rstrings *s, int64_t i)
{
    if (!s->width) return (size_t)(s->off[i + 1] - s->off[i] - 1);
    const char *p = s->data + i * s->width;
    size_t l = 0;
    while (p[l])
        l++;
    return l;
}

/* A list of node rows per row (CSR): row r holds val[off[r] .. off[r+1]),
 * rows of /nodes; off NULL when the list is absent from the file. The file
 * stores the values as int64; the reader checks each against the node
 * count before narrowing it to lp_vid. */
typedef struct lp_rlist {
    int64_t *off;
    lp_vid *val;
} lp_rlist;

/* The same for lists of account rows (rows of /accounts, int64 as in the
 * engine's lp_scenario_result). */
typedef struct lp_rlist_accounts {
    int64_t *off, *val;
} lp_rlist_accounts;

/* A result file's tables, every column checked (lengths, offsets, rows of
 * the table its rows_of attribute names, bus factor within the cap). Every
 * pointer is NULL when its dataset is absent (DESIGN.md: absent, never
 * zeros). */
typedef struct lp_results_table {
    int64_t format_version;
    char *parameters_json; /* root attribute parameters ("{}" when absent) */
    /* The --person type list of the run (parameters "person"), split at
     * commas: n_person_types entries. NULL and 0 when the file does not say. */
    char **person_types;
    int n_person_types;
    int64_t n; /* /nodes */
    lp_rstrings node_id, node_type;
    lp_rstrings node_name; /* data NULL when the file has no names */
    /* LP_RT_PERSONS: 0 when node row i is not a person
     * (lp_results_is_person_or_default), else 1 + k for its type
     * person_types[k] (1 for LP_RESULTS_DEFAULT_PERSON when the file does
     * not record the list); read from /nodes/type without keeping its
     * strings. NULL when not asked for. */
    int32_t *person;
    int64_t *degree, *accounts_at_risk;
    double *strength, *pagerank, *betweenness, *brokerage, *revenue_at_risk;
    uint8_t *is_articulation;
    /* rows [num_lo, num_hi) of the numeric /nodes columns were read (all of
     * them unless LP_RT_PERSON_ROWS; the other rows are 0) */
    lp_vid num_lo, num_hi;
    int has_accounts;     /* /accounts present (the key-person analysis ran) */
    int64_t a;            /* /accounts rows */
    lp_vid *account_node; /* rows of /nodes */
    double *account_revenue, *dominant_share;
    uint8_t *account_connected;
    int32_t *bus_factor, *threads;
    int32_t bus_factor_cap; /* 0 when bus_factor is absent */
    lp_rlist key_persons;   /* rows of /nodes, nearest first */
    lp_rlist second_link;   /* rows of /nodes, best first */
    int has_weak_ties_dropped;
    int64_t weak_ties_dropped; /* /summary attribute */
    char **warnings;           /* /summary warnings (JSON list), n_warnings strings */
    int n_warnings;
    int has_scenarios;
    int64_t s; /* /scenarios rows */
    lp_rstrings scenario_name;
    int64_t *lost_accounts, *newly_bus_factor_1;
    double *lost_revenue, *newly_at_risk_revenue;
    lp_rlist_accounts lost, newly; /* rows of /accounts */
    lp_rlist leave;                /* rows of /nodes */
} lp_results_table;

/* Which parts lp_results_read_table reads (a bit set; 0 means all). */
enum {
    LP_RT_NODE_STRINGS = 1, /* id and name */
    LP_RT_NODE_NUMBERS = 2, /* every numeric /nodes column */
    LP_RT_ACCOUNTS = 4,
    LP_RT_SCENARIOS = 8,
    LP_RT_NODE_RISK = 16,       /* accounts_at_risk, revenue_at_risk */
    LP_RT_NODE_TYPE = 32,       /* /nodes/type */
    LP_RT_NODE_CENTRALITY = 64, /* brokerage, betweenness, pagerank */
    /* With LP_RT_NODE_TYPE or LP_RT_PERSONS: the numeric /nodes columns
     * only from the first to the last person row (a hyperslab; persons are
     * usually one run of rows, and a whole column is mostly other rows), the
     * rest left 0. */
    LP_RT_PERSON_ROWS = 128,
    /* Leave out what only export and summary show: /accounts second links,
     * dominant share and threads, /nodes/accounts_at_risk (their pointers
     * NULL, as when absent). For diff. */
    LP_RT_NO_EXTRAS = 256,
    /* Which node rows are persons, and of which type: t->person. Cheaper
     * than LP_RT_NODE_TYPE (the type strings are compared chunk by chunk
     * and dropped). For export. */
    LP_RT_PERSONS = 512,
};

/* The person type of a file that does not record the run's --person list
 * (DESIGN.md's default). */
#define LP_RESULTS_DEFAULT_PERSON "employee"

/* Read the result file at path whole: the same file checks as
 * lp_results_read_summary (messages as listed there), then every column
 * of the parts asked for, validated before use. LP_EINPUT "<path>: <what>"
 * for anything damaged or inconsistent, LP_EINTERNAL when out of memory.
 * *out is written only on success; it owns everything; free with
 * lp_results_table_free. */
lp_status lp_results_read_table(lp_results_table *out, const char *path, unsigned parts);
void lp_results_table_free(lp_results_table *t); /* accepts NULL */
/* 1 if node row i has a type of the run's --person list (0 when the file
 * does not record the list: see lp_results_table.person_types). */
int lp_results_is_person(const lp_results_table *t, lp_vid i);
/* lp_results_is_person, or for a file without the list the default type. */
int lp_results_is_person_or_default(const lp_results_table *t, lp_vid i);

#endif
