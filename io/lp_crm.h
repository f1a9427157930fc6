/* lp_crm.h — a graph from a CRM's own CSV exports (`linchpin import --crm
 * salesforce DIR`, `--mapping FILE DIR`), by the rules in docs/crm.md.
 *
 *     lp_crm_mapping *m;  lp_graph g;  lp_crm_report rep;
 *     lp_crm_mapping_builtin(&m, "salesforce");      // or lp_crm_mapping_load
 *     lp_crm_import(&g, &rep, m, "export/", &opt);
 *     lp_graphstore_write_roles("graph.h5", &g, &rep.load, lp_crm_mapping_roles(m));
 *     lp_crm_report_free(&rep);  lp_graph_free(&g);  lp_crm_mapping_free(m);
 *
 * A mapping (JSON, docs/crm.md documents every key) says which file gives
 * which nodes and which columns give ids, names, revenue, ties and
 * activities. The mappings shipped in io/mappings/ are compiled in
 * (lp_crm_mapping_builtin); any other is read from a file.
 *
 * The import, in the mapping's file order, one pass over each file (the CSV
 * loader's block reader: chunks parsed in parallel, merged in file order;
 * the result does not depend on the thread count):
 *  - one anchor node (mapping "anchor"), row 0;
 *  - a file with "node" adds one node per row: id = id_prefix + the id
 *    column, the type, the name (columns joined by one space, empty ones
 *    left out), the revenue (empty = 0); with "active", a row whose boolean
 *    is false gets inactive_type and becomes a person who has left: it has
 *    no edge, and every edge naming it is skipped and counted;
 *    "anchor_tie" ties an active row to the node group_prefix + <group>
 *    (type group_type, name <group>, made on first use) or, with an empty
 *    group, to the anchor;
 *  - every reference column of a file (a column naming records of an
 *    earlier file) is looked up once per row: a non-empty value naming no
 *    record of that file is counted per file and column (not an error);
 *  - each "edges" item makes at most one edge per row: "from" and the
 *    first of "to" that names a known record (one naming a person who has
 *    left ends the search); an edge with an endpoint unresolved is skipped
 *    and counted (held by people who have left, or without a known record
 *    at one end); weight is fixed, or with
 *    "recency" 0.5^(age / half_life), age = as-of day - the row's date in
 *    days (the first non-empty of the recency columns; 0 for a future
 *    date). Duplicate edges merge (weights summed) in lp_graph_build.
 *
 * Bad input (LP_EINPUT, exit 3), one line each:
 *   mapping errors, naming the key: "<mapping>: files[2].node.id: column
 *   'Id' not in <dir>/Account.csv (header: ...)", "<mapping>: files[0].file:
 *   no <dir>/User.csv or .csv.gz (a required file)", "<mapping>:
 *   files[1].edges[0]: unknown key 'colum' (known: ...)", "<mapping>:
 *   version: expected a number", ... (docs/crm.md lists the keys);
 *   row errors, as the CSV loader: "<path>:<line>: expected N fields, found
 *   M", "<path>:<line>: field 'Id': empty id | duplicate node id \"<v>\"
 *   (first defined in Account.csv line K) | invalid UTF-8 in id ...",
 *   "field 'IsActive': not a boolean (true, false, 1 or 0) \"<v>\"",
 *   "field 'AnnualRevenue': malformed number \"<v>\" | negative revenue
 *   \"<v>\"", "field 'ActivityDate': missing date | malformed date (want
 *   YYYY-MM-DD) \"<v>\"". With skip_bad_rows the row errors skip the row
 *   (counted in load.skipped_rows, the first 10 printed to warn).
 */
#ifndef LP_CRM_H
#define LP_CRM_H

#include <stdint.h>
#include <stdio.h>

#include "lp_csv.h"
#include "lp_graph.h"

typedef struct lp_crm_mapping lp_crm_mapping;

/* Parse a mapping from json[0..len); label names it in messages (e.g. the
 * file's path). LP_EINPUT "<label>: <key>: <what>" for a bad mapping. */
lp_status lp_crm_mapping_parse(lp_crm_mapping **out, const char *json, size_t len,
                               const char *label);
/* Read and parse the mapping file at path (LP_EINPUT "<path>: cannot open:
 * ..." as well). */
lp_status lp_crm_mapping_load(lp_crm_mapping **out, const char *path);
/* A mapping shipped with linchpin: "salesforce" or "hubspot". LP_EUSAGE
 * "unknown CRM '<name>' (known: salesforce, hubspot)" otherwise. */
lp_status lp_crm_mapping_builtin(lp_crm_mapping **out, const char *name);
void lp_crm_mapping_free(lp_crm_mapping *m); /* accepts NULL */
/* The roles the mapping implies (owned by m). */
const lp_roles *lp_crm_mapping_roles(const lp_crm_mapping *m);
const char *lp_crm_mapping_name(const lp_crm_mapping *m);

typedef struct lp_crm_options {
    double half_life_days;        /* > 0; default 180 */
    int has_as_of;                /* as_of_day given; else the latest activity date */
    int64_t as_of_day;            /* days since 1970-01-01 */
    int skip_bad_rows;            /* count and skip bad rows instead of failing */
    FILE *warn;                   /* the first skipped rows (NULL: silent) */
    lp_load_progress_fn progress; /* per file (file_role = the file name), may be NULL */
    void *progress_ctx;
} lp_crm_options;
#define LP_CRM_OPTIONS_INIT                                                                        \
    {                                                                                              \
        .half_life_days = 180.0, .has_as_of = 0, .as_of_day = 0, .skip_bad_rows = 0, .warn = NULL, \
        .progress = NULL, .progress_ctx = NULL                                                     \
    }

/* What one file of the mapping gave. */
typedef struct lp_crm_file_report {
    char *file;   /* the mapping's name for it ("Task") */
    char *path;   /* the file read; NULL when absent (optional files) */
    int64_t rows; /* data rows read */
    int64_t bytes;
    int64_t nodes;           /* nodes it added (group anchors included) */
    int64_t edges;           /* edge rows it made (before merging) */
    int64_t skipped_left;    /* edges not made: they name a person who has left */
    int64_t skipped_unknown; /* edges not made: an endpoint empty or not in the export */
    int64_t bad_rows;        /* with skip_bad_rows */
    int ncols;               /* reference columns, with ... */
    char **col;              /* [ncols] their names and */
    int64_t *unknown;        /* [ncols] non-empty values naming no record of the file */
} lp_crm_file_report;

typedef struct lp_crm_report {
    /* As a CSV load reports it, for the store's /source: node_rows and
     * edge_rows are data rows of node files and of the others, skipped_rows
     * the bad rows skipped; nodes_file is the export directory (size: the
     * CSV bytes read in all, crc32: of the CSV bytes, file after file),
     * edges_file the mapping (its label, size and crc32). */
    lp_load_report load;
    char *dir, *mapping;
    int64_t csv_bytes;
    int64_t as_of_day; /* the day ages were measured from */
    int has_activity;  /* some row had a recency date */
    double half_life_days;
    int nfiles;
    lp_crm_file_report *files; /* [nfiles] in mapping order */
} lp_crm_report;

/* Import the export in dir by m into *out (roles not set). On failure *out
 * and *rep are untouched. rep may be NULL; opt may be NULL (defaults).
 * Deterministic: the graph does not depend on threads or timing. */
lp_status lp_crm_import(lp_graph *out, lp_crm_report *rep, const lp_crm_mapping *m, const char *dir,
                        const lp_crm_options *opt);
void lp_crm_report_free(lp_crm_report *rep); /* accepts NULL */

/* "YYYY-MM-DD" (the whole string) -> days since 1970-01-01; 0 or -1. */
int lp_crm_parse_day(const char *s, int64_t *out);
/* days since 1970-01-01 -> "YYYY-MM-DD" (buf >= 11 bytes). */
void lp_crm_format_day(int64_t day, char *buf);

#endif
