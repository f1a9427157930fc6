/* lp_csv.h — CSV input (RFC 4180) for linchpin graphs.
 *
 * Two layers:
 *  - lp_csv_reader: a streaming RFC 4180 record reader (quoted fields, ""
 *    escapes, commas and newlines inside quotes, CRLF or LF, optional UTF-8
 *    BOM, .csv.gz read transparently through zlib);
 *  - lp_graph_load_csv: nodes.csv + edges.csv -> lp_graph, header-driven
 *    columns, ids interned in a hash table, numbers parsed strictly.
 *
 * Every error is LP_EINPUT with a one-line message naming the file, the line
 * and the field, e.g.
 *     edges.csv:17: field 'target': unknown node id "acme-42"
 */
#ifndef LP_CSV_H
#define LP_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "lp_graph.h"

/* ---- record reader ---------------------------------------------------- */

typedef struct lp_csv_reader lp_csv_reader;

/* Open path for reading (plain or gzip). *out owned by caller, free with
 * lp_csv_close. LP_EINPUT if the file cannot be opened. */
lp_status lp_csv_open(lp_csv_reader **out, const char *path);
void lp_csv_close(lp_csv_reader *r); /* accepts NULL */

/* Read the next record. *out_more = 0 at end of input (no record). Fields are
 * valid until the next call. A blank line (no bytes before the line end) is
 * skipped; an unterminated quote is LP_EINPUT naming the line it opened on. */
lp_status lp_csv_next(lp_csv_reader *r, int *out_more);
int64_t lp_csv_nfields(const lp_csv_reader *r);
/* Field i (0-based) of the current record, NUL-terminated, unquoted; *len
 * receives its length in bytes (may contain NUL only if the input did). */
const char *lp_csv_field(const lp_csv_reader *r, int64_t i, size_t *len);
/* 1-based physical line number on which the current record starts. */
int64_t lp_csv_line(const lp_csv_reader *r);
/* Bytes consumed so far (uncompressed) and their CRC-32. */
int64_t lp_csv_bytes(const lp_csv_reader *r);
uint32_t lp_csv_crc32(const lp_csv_reader *r);

/* ---- graph loader ----------------------------------------------------- */

typedef struct lp_input_file {
    const char *path; /* as given (borrowed) */
    int64_t size;     /* file size in bytes (as stored, i.e. compressed for .gz) */
    uint32_t crc32;   /* CRC-32 of the uncompressed content */
} lp_input_file;

typedef struct lp_load_options {
    int skip_bad_rows; /* count and skip rows with row-level errors instead of failing */
    FILE *warn;        /* where to print the first few skipped rows (NULL: silent) */
} lp_load_options;
#define LP_LOAD_OPTIONS_INIT {0, NULL}

typedef struct lp_load_report {
    lp_input_file nodes_file, edges_file;
    int64_t node_rows, edge_rows; /* data rows read (excluding header) */
    int64_t skipped_rows;         /* only with skip_bad_rows */
} lp_load_report;

/* Load nodes.csv and edges.csv and build the graph (lp_graph_build). Roles
 * are not set. On failure *out and *out_report are untouched. */
lp_status lp_graph_load_csv(lp_graph *out, lp_load_report *out_report, const char *nodes_path,
                            const char *edges_path, const lp_load_options *opt);

#endif
