/* lp_csvwrite.h — write linchpin CSV input: a node table and an edge list
 * from memory, or the rows of a generator streamed to disk.
 *
 * Output is what io/lp_csv.h reads back unchanged:
 *   nodes.csv  header "id,type,revenue" ("id,type" when nodes->has_revenue
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

#include "lp_generate.h"
#include "lp_graph.h"

/* Write dir/nodes.csv and dir/edges.csv, creating dir (and its parents) if
 * missing. Edge endpoints must be rows of nodes and weights finite (else
 * LP_EINTERNAL, nothing written). LP_EOUTPUT, naming the path, when a
 * directory or file cannot be created or written; then neither file is
 * replaced unless the failure came after nodes.csv was renamed into place
 * (the rename of edges.csv is the only step that can fail after it). */
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
        0, 0                                                                                       \
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

#endif
