/* lp_csv.h — CSV input (RFC 4180) for linchpin graphs.
 *
 * Two layers:
 *  - lp_csv_reader: a streaming RFC 4180 record reader (quoted fields, ""
 *    escapes, commas and newlines inside quotes, CRLF or LF, optional UTF-8
 *    BOM, .csv.gz read transparently through zlib);
 *  - lp_graph_load_csv: nodes.csv + edges.csv -> lp_graph, header-driven
 *    columns, ids interned in a hash table, numbers parsed strictly. It reads
 *    large blocks and parses them in parallel (OpenMP), with the same grammar,
 *    results and messages as a serial read (see io/csvload.c).
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

/* ---- caps ------------------------------------------------------------- */

/* No input makes either reader allocate without bound: a field's value
 * (bytes after unquoting) may be at most LP_CSV_MAX_FIELD bytes, a record
 * (its bytes as written, from the first to its line end) at most
 * LP_CSV_MAX_RECORD. An id, a type, a name or a number is a few bytes to a
 * few KiB; a value of a MiB is an unterminated quote swallowing the rest of
 * the file, or not a CSV file at all (/dev/zero, a binary). The record cap
 * bounds the loader's block buffers (a block grows only to hold a record
 * longer than itself, 2 MiB by default) to about 2 x 16 MiB; the field cap
 * names the runaway field, usually long before the record cap. Both are
 * LP_EINPUT, fatal with skip_bad_rows too:
 *   <path>:<line>: field '<f>': longer than 1 MiB, the limit for a field
 *                  (unterminated quote, or not a CSV file?)
 *   <path>:<line>: record longer than 16 MiB, the limit for a record
 *                  (unterminated quote, or not a CSV file?)
 * <line> is the line the record starts on. A record over a cap reports the
 * first thing met in it in file order: a syntax error before the point
 * where it went over, else its first field over the field cap, else the
 * record cap. */
#define LP_CSV_MAX_FIELD ((int64_t)1 << 20)
#define LP_CSV_MAX_RECORD ((int64_t)16 << 20)

/* ---- record reader ---------------------------------------------------- */

typedef struct lp_csv_reader lp_csv_reader;

/* Open path for reading (plain or gzip). *out owned by caller, free with
 * lp_csv_close. LP_EINPUT if the file cannot be opened. */
lp_status lp_csv_open(lp_csv_reader **out, const char *path);
void lp_csv_close(lp_csv_reader *r); /* accepts NULL */

/* Read the next record. *out_more = 0 at end of input (no record). Fields are
 * valid until the next call. A blank line (no bytes before the line end) is
 * skipped. LF, CRLF and a lone CR each end a line; a final record needs no
 * line end. The first bytes are checked as lp_graph_load_csv does (UTF-16,
 * zip, .xls, HDF5), and the caps above apply (checked as bytes are added
 * to a field: the field's, then the record's). Syntax errors are
 * LP_EINPUT, "<path>:<line>: field <f>: <what>" with <f> the field's name
 * (see lp_csv_name_fields) or else its 1-based number: "unterminated
 * quote" (the line the quote opened on), "quote inside unquoted field",
 * "unexpected character after closing quote" (the line of the offending
 * byte). A read error or truncated gzip data is LP_EINPUT
 * "<path>: cannot read: ...". After an error the reader is unusable. */
lp_status lp_csv_next(lp_csv_reader *r, int *out_more);
int64_t lp_csv_nfields(const lp_csv_reader *r);
/* Field i (0-based) of the current record, NUL-terminated, unquoted; *len
 * receives its length in bytes (may contain NUL only if the input did). */
const char *lp_csv_field(const lp_csv_reader *r, int64_t i, size_t *len);
/* 1-based physical line number on which the current record starts. */
int64_t lp_csv_line(const lp_csv_reader *r);
/* Use the current record's fields (normally the header) as field names in
 * later syntax-error messages: "field 'name'" instead of "field 3". Copies
 * them; LP_EINTERNAL if out of memory. */
lp_status lp_csv_name_fields(lp_csv_reader *r);
/* Bytes consumed so far (uncompressed) and their CRC-32. */
int64_t lp_csv_bytes(const lp_csv_reader *r);
uint32_t lp_csv_crc32(const lp_csv_reader *r);

/* ---- graph loader ----------------------------------------------------- */

typedef struct lp_input_file {
    const char *path; /* as given (borrowed) */
    int64_t size;     /* file size in bytes (as stored, i.e. compressed for .gz); -1 unknown */
    uint32_t crc32;   /* CRC-32 of the uncompressed content */
} lp_input_file;

/* Progress of lp_graph_load_csv: file_role is "nodes" or "edges" (a
 * string literal); bytes_done of bytes_total bytes of that file as stored
 * (compressed bytes for .csv.gz), bytes_total -1 when the size is unknown.
 * Called once with bytes_done 0 before a file is read, after every block
 * (LP_CSV_BLOCK, 2 MiB of uncompressed input; never per row), and once
 * with bytes_done == bytes_total when the file is done (only if it loaded;
 * no earlier call reports bytes_done == bytes_total unless the file is
 * empty). bytes_done never decreases within a file. Always called from
 * the thread that called lp_graph_load_csv, outside any parallel region, so
 * it may print or call igraph; it should return quickly. The signature is that of
 * lp_tick_fn (lp_progress.h), so one drawing function can serve both. */
typedef void (*lp_load_progress_fn)(void *ctx, const char *file_role, int64_t bytes_done,
                                    int64_t bytes_total);

typedef struct lp_load_options {
    int skip_bad_rows;            /* count and skip rows with row-level errors instead of failing */
    FILE *warn;                   /* where to print the first few skipped rows (NULL: silent) */
    lp_load_progress_fn progress; /* NULL: none */
    void *progress_ctx;           /* passed to progress unchanged */
    char delimiter;               /* field separator of both files; 0 means ',' */
} lp_load_options;
#define LP_LOAD_OPTIONS_INIT                                                                       \
    {                                                                                              \
        .skip_bad_rows = 0, .warn = NULL, .progress = NULL, .progress_ctx = NULL, .delimiter = ',' \
    }

typedef struct lp_load_report {
    lp_input_file nodes_file, edges_file;
    int64_t node_rows, edge_rows; /* data rows read (excluding header) */
    int64_t skipped_rows;         /* only with skip_bad_rows */
    int64_t unknown_id_rows;      /* of them, edge rows skipped for naming an unknown node id */
    int64_t unknown_ids;          /* the distinct unknown ids those rows name */
} lp_load_report;

/* Load nodes.csv and edges.csv and build the graph (lp_graph_build). Roles
 * are not set. On failure *out and *out_report are untouched. out_report may
 * be NULL; opt may be NULL (defaults). *out is owned by the caller
 * (lp_graph_free).
 *
 * Fields are separated by opt->delimiter (',' by default; ';', tab, ...;
 * never '"' or a line end: LP_EUSAGE). Columns are found by exact header
 * name (case-sensitive, nothing trimmed); any non-empty name appearing
 * twice is an error; other columns, and any number of columns with an
 * empty name (a spreadsheet's trailing separators), are ignored. Every row
 * has exactly as many fields as the header. Ids are non-empty, valid UTF-8
 * without NUL bytes; types are valid UTF-8 without NUL (may be empty). An
 * empty optional field means "absent": revenue 0, weight 1. Numbers are
 * parsed strictly (the whole field, no spaces, no hex, nan or inf; '.' is the
 * decimal point in the C locale). The optional `name` column is kept in
 * nodes.name (has_name = 1; "" where empty; valid UTF-8 without NUL, as
 * types); the edge `type` column is accepted and ignored.
 *
 * Errors, all LP_EINPUT with one line (<v> is the value, escaped, cut short):
 *   <path>: cannot open: <reason>          <path>: cannot read: <reason>
 *   <path>: empty file (no header row)     <path>: no nodes
 *   <path>: looks like UTF-16 text (byte order mark FF FE), not UTF-8: ...
 *           (or FE FF, or "NUL bytes after the characters: little-endian",
 *           "... before ...: big-endian": a NUL in every other byte)
 *   <path>: is a zip archive, not a CSV file (an Excel .xlsx workbook is one): ...
 *   <path>: is an OLE2 compound file (an Excel .xls workbook?), not a CSV file: ...
 *   <path>: is an HDF5 file, not a CSV file: a graph store is analyzed on its own ...
 *   <path>:<line>: missing required columns 'id', 'type' (found: 'Id',
 *                  'Type', 'Name'; did you mean 'Id' for 'id', 'Type' for
 *                  'type'?)   -- every missing column, the header (the first
 *                  16 names), and names equal but for case, spaces, '_', '-'
 *                  and '.'; or, for a one-column header holding another
 *                  separator: (found one column, 'id;type': the file looks
 *                  semicolon-separated; try --delimiter ';')
 *   <path>:<line>: field 'x': duplicate column (columns 2 and 5)
 *   <path>:<line>: field 'x': unterminated quote      (and lp_csv_next's others)
 *   <path>:<line>: field 'x': longer than 1 MiB, ...  (the caps, see above)
 *   <path>:<line>: expected N fields, found M
 *   <path>:<line>: field 'id': empty id | invalid UTF-8 in id "<v>" (the
 *                  file is not UTF-8; convert it, e.g. iconv -f
 *                  WINDOWS-1252 -t UTF-8) | NUL byte in id "<v>" |
 *                  duplicate node id "<v>" (first defined on line K)
 *                  (likewise 'type' and 'name' for UTF-8 and NUL)
 *   <path>:<line>: field 'revenue': malformed number "<v>" | number out of
 *                  range "<v>" | negative revenue "<v>"
 *   <path>:<line>: field 'weight': malformed number "<v>" | non-finite
 *                  weight "<v>" | non-positive weight "<v>"
 *   <path>:<line>: field 'source': empty id | unknown node id "<v>"  (or 'target')
 *   <path>:<line>: too many nodes (more than 2147483647)
 * <line> is the line the record starts on (syntax errors: see lp_csv_next).
 * A row with several problems reports the first in this order: field count;
 * nodes: id, type, name, revenue; edges: empty source, empty target, weight,
 * unknown source, unknown target.
 *
 * With opt->skip_bad_rows the row-level errors (field count, empty, invalid
 * or duplicate id, number, revenue, weight, unknown node) skip the row; they
 * are counted in skipped_rows and the first 10 are printed to opt->warn as
 * "warning: <message>", followed at the end by "warning: N more rows
 * skipped" if there were more, and, if edge rows named unknown node ids,
 *   warning: skipped 1,203 edge rows naming 17 unknown ids; most frequent:
 *   "acme-42" (800 rows), "x" (3 rows), ...
 * (five ids by rows, most first, ties in order of first mention; ": "
 * instead of "; most frequent: " when there are five or fewer; a row with
 * two unknown ids counts for both), also counted in the report. File and
 * header errors, syntax errors, the caps and too many nodes stay fatal; so
 * does a nodes file left with no node.
 *
 * Threads: OpenMP, omp_get_max_threads() of the caller; the graph, the
 * report, the messages and the warnings do not depend on the count. With
 * several errors the one first in the file is reported; a read error (or
 * truncated gzip data) comes after the complete records read before it.
 * Memory besides the graph being built and the node-id hash table: two
 * block buffers and per-chunk row lists, all proportional to the block size
 * (a block grows only to hold a record longer than itself, and no further
 * than the record cap); with skip_bad_rows, the unknown ids named. */
lp_status lp_graph_load_csv(lp_graph *out, lp_load_report *out_report, const char *nodes_path,
                            const char *edges_path, const lp_load_options *opt);

#endif
