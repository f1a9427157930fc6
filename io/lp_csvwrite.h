/* lp_csvwrite.h — write a node table and an edge list as linchpin CSV input.
 *
 * Output is what io/lp_csv.h reads back unchanged:
 *   nodes.csv  header "id,type,revenue" ("id,type" when nodes->has_revenue
 *              is 0), one row per node in table order;
 *   edges.csv  header "source,target,weight", one row per edge row in list
 *              order (duplicates and self-loops are written as given).
 * RFC 4180 with LF line ends: a field is quoted when it contains a comma, a
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

#endif
