/* lp_csvwrite.h — write linchpin CSV input: a node table and an edge list
 * from memory, or the rows of a generator streamed to disk.
 *
 * Output is what io/lp_csv.h reads back unchanged:
 *   nodes.csv  header "id,type,revenue,name" (without revenue when
 *              nodes->has_revenue is 0, without name when nodes->has_name
 *              is 0), one row per node in table order;
 *   edges.csv  header "source,target,weight", one row per edge row in list
 *              order (duplicates and self-loops are written as given).
 * RFC 4180 with LF line ends (CRLF on request for the streaming writer): a
 * field is quoted when it contains a comma, a
 * double quote, CR or LF, or starts or ends with a space or tab; quotes inside
 * are doubled. Numbers: integral values below 1e15 in integer form, others in
 * the shortest "%.15g".."%.17g" form that reads back to the same double.
 *
 * Each file is written to a temporary file in the target directory, flushed
 * to disk and renamed into place, so a reader never sees a half-written file
 * and a failure leaves any earlier file untouched.
 */
#ifndef LP_CSVWRITE_H
#define LP_CSVWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "lp_generate.h"
#include "lp_graph.h"

/* Write dir/nodes.csv and dir/edges.csv, creating dir (and its parents) if
 * missing (removed again, if still empty, when the write fails). Edge endpoints must be rows of
 * nodes and weights finite (else LP_EINTERNAL, nothing written). LP_EOUTPUT, naming the path, when
 * a directory or file cannot be created or written; then neither file is replaced unless the
 * failure came after nodes.csv was renamed into place (the rename of edges.csv is the only step
 * that can fail after it). */
lp_status lp_csv_write_graph(const char *dir, const lp_nodes *nodes, const lp_edges *edges);

/* Write only a node table / only an edge list to path (same format and
 * atomicity as above; the parent directory must exist). */
lp_status lp_csv_write_nodes(const char *path, const lp_nodes *nodes);
lp_status lp_csv_write_edges(const char *path, const lp_nodes *nodes, const lp_edges *edges);

/* ---- streaming: the CSV sink of the generator --------------------------------- */

/* lp_csv_graph_writer writes DIR/nodes.csv and DIR/edges.csv at the same
 * time, row by row, through 1 MiB buffers (memory does not grow with the
 * rows), each to a temporary file in DIR; commit flushes, fsyncs and
 * renames both into place (nodes.csv first). Until then no existing file is
 * touched, and a failed or discarded writer removes its temporary files and
 * the directories it created (if still empty). nodes.csv has the header
 * "id,type,revenue" (type names from lp_generate_type_name), edges.csv
 * "source,target,weight"; a NaN revenue or weight is written as an empty
 * field (absent: the reader's 0 and 1). */
typedef struct lp_csv_write_options {
    int crlf; /* CRLF line ends (default LF) */
    int bom;  /* start each file with a UTF-8 byte order mark */
} lp_csv_write_options;
#define LP_CSV_WRITE_OPTIONS_INIT                                                                  \
    {                                                                                              \
        .crlf = 0, .bom = 0                                                                        \
    }

typedef struct lp_csv_graph_writer lp_csv_graph_writer;

/* Create dir (and parents) if missing, open the two temporary files and
 * write the headers. *out is owned by the caller: end it with exactly one of
 * lp_csv_graph_writer_commit or lp_csv_graph_writer_discard. NULL opt means
 * LP_CSV_WRITE_OPTIONS_INIT. LP_EOUTPUT naming the path when a directory or
 * file cannot be created. */
lp_status lp_csv_graph_writer_open(lp_csv_graph_writer **out, const char *dir,
                                   const lp_csv_write_options *opt);
/* The sink to hand to lp_generate_stream (valid until commit or discard).
 * Its callbacks return LP_EOUTPUT naming the final path when a write fails,
 * LP_EINTERNAL for an empty id, unknown type, or a negative or infinite
 * revenue or non-positive weight. */
lp_gen_sink lp_csv_graph_writer_sink(lp_csv_graph_writer *w);
/* Finish both files and rename them into place; frees w in every case.
 * LP_EOUTPUT on failure: then nothing is replaced, unless the failure was
 * the rename of edges.csv after nodes.csv had been renamed. */
lp_status lp_csv_graph_writer_commit(lp_csv_graph_writer *w);
/* Drop everything written; frees w. Accepts NULL. */
void lp_csv_graph_writer_discard(lp_csv_graph_writer *w);

/* lp_generate_stream into dir/nodes.csv and dir/edges.csv (the writer
 * above): options checked first (LP_EUSAGE, nothing created), then
 * generated, streamed and committed. *out_stats (may be NULL) receives the
 * generator's counts on success. NULL gopt / wopt mean the defaults. */
lp_status lp_csv_generate(const char *dir, lp_generate_stats *out_stats,
                          const lp_generate_options *gopt, const lp_csv_write_options *wopt);

/* ---- tables: CSV or JSON lines (export, diff) ---------------------------------- */

/* lp_table_set writes one or more tables, each to a temporary file beside
 * its final path, and renames them all into place on commit (after every
 * one is complete and fsynced): until then no existing file is touched, and
 * a discarded set removes its temporary files and the directories it
 * created (if still empty).
 *
 * CSV: RFC 4180, UTF-8, LF line ends, a header row of the column names;
 * fields quoted as above. JSON lines: one object per row, keys the column
 * names in order, a list cell a JSON array of strings, a null cell null.
 * Strings are UTF-8: an invalid byte is written as U+FFFD. Numbers: integers
 * in integer form; floats as out_number above (shortest form that reads
 * back to the same double), not finite: an empty field (CSV) or null.
 * In CSV a list cell is its items joined by ';' (an item that holds ';'
 * cannot be told apart: ids with ';' are best read from JSON lines).
 *
 * Cells are written in column order, lp_table_row_end after the last one.
 * Write errors are sticky and reported by lp_table_end. */
typedef enum lp_table_format { LP_TABLE_CSV, LP_TABLE_JSONL } lp_table_format;
typedef struct lp_table_set lp_table_set;

/* dir non-NULL: table names are file names in dir, which is created (with
 * its parents) if missing; NULL: table names are paths. *out is owned by the
 * caller: end it with lp_table_set_commit or lp_table_set_discard. */
lp_status lp_table_set_open(lp_table_set **out, const char *dir, lp_table_format fmt);
/* Start the table `name` with columns cols[0..ncols) (borrowed until
 * lp_table_end); writes the CSV header. */
lp_status lp_table_begin(lp_table_set *s, const char *name, int ncols, const char *const *cols);
void lp_table_str(lp_table_set *s, const char *p, size_t n);
void lp_table_i64(lp_table_set *s, int64_t v);
void lp_table_f64(lp_table_set *s, double v);
void lp_table_null(lp_table_set *s);
/* A list cell: begin, one lp_table_str per item, end. */
void lp_table_list_begin(lp_table_set *s);
void lp_table_list_end(lp_table_set *s);
void lp_table_row_end(lp_table_set *s);
/* Finish the table: flush, fsync, close (it stays a temporary file until
 * commit). LP_EOUTPUT naming the final path when a write failed. */
lp_status lp_table_end(lp_table_set *s);
/* Bytes written so far in the finished tables. */
int64_t lp_table_bytes(const lp_table_set *s);
/* Rename every finished table into place; frees s in every case. */
lp_status lp_table_set_commit(lp_table_set *s);
void lp_table_set_discard(lp_table_set *s); /* accepts NULL */

/* Row blocks, for formatting rows in parallel: a block takes cells like the
 * table open in s (same format and columns) but keeps them in memory;
 * lp_table_block_append writes them at the end of s's table, in the order
 * appended, and empties the block. A block is used by one thread at a time;
 * s only by its owner. LP_EINTERNAL (out of memory) from append when the
 * block could not hold its rows. */
lp_status lp_table_block_open(lp_table_set **out, const lp_table_set *s);
lp_status lp_table_block_append(lp_table_set *s, lp_table_set *block);
void lp_table_block_free(lp_table_set *block); /* accepts NULL */

#endif
