/* lp_graphstore.h — the binary graph store (`linchpin import`): one HDF5 file
 * holding a loaded graph exactly, so that nightly runs on the same graph
 * skip CSV parsing, merging and sorting.
 *
 *     lp_graph g;  lp_load_report rep;            // import
 *     lp_graph_load_csv(&g, &rep, "nodes.csv", "edges.csv", &opt);
 *     lp_graphstore_write("graph.h5", &g, &rep);
 *
 *     lp_graph g;  lp_graphstore_info info;       // analyze graph.h5
 *     lp_graphstore_read(&g, &info, "graph.h5");  // then lp_graph_set_roles, lp_analyze
 *     ... info.report is what lp_graph_load_csv reported at import ...
 *     lp_graphstore_info_free(&info);  lp_graph_free(&g);
 *
 * The graph read back equals the one written: ids, types, type names,
 * revenue, has_revenue, the CSR (same order, weights bit-identical),
 * merged_duplicates and dropped_self_loops. Roles are not stored (set them
 * with lp_graph_set_roles). The igraph copy is not built (g.has_ig = 0, as
 * after lp_graph_build): the analyses do not need it; call
 * lp_graph_build_igraph(&g) before using g.ig.
 *
 * ---- File layout (format "linchpin-graph", format_version 1) ----------
 *
 *   /  attributes
 *      format             string  "linchpin-graph"
 *      format_version     int32   1
 *      linchpin_version   string  of the writer
 *      hdf5_version       string  of the writer
 *      created            string  ISO-8601 UTC
 *      nodes              int64   n
 *      edges              int64   m (after merging and dropping self-loops)
 *      has_revenue        int32   1 if the nodes file had a revenue column
 *      merged_duplicates  int64   edge rows folded into an earlier row
 *      dropped_self_loops int64   edge rows with source == target
 *   /nodes/id_bytes       uint8   [B]    the ids' UTF-8 bytes back to back
 *   /nodes/id_offsets     int64   [n+1]  id i = id_bytes[off[i] .. off[i+1]);
 *                                        off[0] = 0, off[n] = B
 *   /nodes/type           int32   [n]    row of /types (0-based)
 *   /nodes/revenue        float64 [n]    0 where absent
 *   /types/name_bytes     uint8   [T]    the type names, as above
 *   /types/name_offsets   int64   [t+1]
 *   /edges/source         int32   [m]    smaller endpoint (row of /nodes)
 *   /edges/target         int32   [m]    larger endpoint
 *   /edges/weight         float64 [m]    merged weight
 *   /source               group; attributes describing the CSV import:
 *      node_rows, edge_rows, skipped_rows   int64 (lp_load_report)
 *      and, when the writer was given a report:
 *      nodes_path, edges_path               string (as given at import)
 *      nodes_size, edges_size               int64  (bytes; -1 unknown)
 *      nodes_crc32, edges_crc32             uint32 (of the uncompressed content)
 *
 * Nodes are in input order; edges in the order of g's CSR and igraph copy:
 * by smaller endpoint, then larger (strictly increasing, so no duplicates
 * and no self-loops). Every dataset is 1-D, chunked (at most 2^18 elements
 * per chunk; one chunk when shorter), deflate level 4 (after byte shuffle
 * for multi-byte types) and Fletcher-32 checksummed per chunk. Integers and
 * floats are little-endian. String attributes are fixed-length UTF-8,
 * NUL-terminated.
 *
 * Integrity: metadata use the HDF5 1.10 formats (library-version bounds
 * V110..LATEST), where the superblock, every object header (attributes
 * included) and every chunk index carry a checksum that HDF5 verifies, and
 * the data chunks carry Fletcher-32 (plus zlib's Adler-32 of the inflated
 * bytes). Nothing is kept in HDF5's global heap (variable-length strings),
 * the one structure without a checksum, which HDF5 1.10 reads unchecked
 * (a damaged one crashes it). A store needs HDF5 >= 1.10 (h5py works).
 *
 * Reading another writer's file: any chunking, filters or layout HDF5 can
 * read is accepted (our own layout is read faster, chunks inflated in
 * parallel); types must be of the class, size and signedness above (byte
 * order free); string attributes may be fixed or variable length (the
 * latter then trusted to HDF5's global heap).
 *
 * Cost (10M edges, 5.8M nodes, 2 threads; bench/README.md "Graph store"):
 * see there for the load time against the CSV route, the file size and the
 * peak memory. Reading needs the edge list (16 bytes per edge) next to the
 * CSR being built from it (24 bytes per edge) and the node table; no other
 * copy of anything.
 */
#ifndef LP_GRAPHSTORE_H
#define LP_GRAPHSTORE_H

#include <stdint.h>

#include "lp_csv.h"
#include "lp_graph.h"

#define LP_GRAPHSTORE_FORMAT "linchpin-graph"
#define LP_GRAPHSTORE_FORMAT_VERSION 1

/* Write g to path, atomically: under a temporary name in the target
 * directory, renamed into place when complete and closed; on any failure
 * the temporary is removed and an earlier file at path is left
 * byte-identical. src (may be NULL) is the report of the CSV load that made
 * g: its rows and files are stored under /source. Without it node_rows = n,
 * edge_rows = m + merged_duplicates + dropped_self_loops, skipped_rows = 0
 * and no files are recorded.
 *
 * g needs only its node table and CSR (g->ig is not used). Memory: a few
 * chunk-sized buffers, nothing per edge.
 *
 * Errors:
 *   LP_EOUTPUT   "cannot write <path>: <reason>" (a system call's strerror,
 *                or "<what>: <HDF5 reason>"), as lp_results_write;
 *   LP_EINTERNAL an inconsistent g (our bug: "lp_graphstore_write: <what>":
 *                id count, type index out of range, negative or non-finite
 *                revenue, a CSR that is not symmetric and ascending, ids that
 *                are empty, not valid UTF-8, contain NUL or repeat), or out
 *                of memory; nothing is written. */
lp_status lp_graphstore_write(const char *path, const lp_graph *g, const lp_load_report *src);

/* What a store says about its origin. All strings are owned by the struct
 * (free with lp_graphstore_info_free). */
typedef struct lp_graphstore_info {
    /* The report of the CSV load at import, for provenance in result files:
     * node_rows, edge_rows, skipped_rows; nodes_file / edges_file hold the
     * path (pointing to nodes_path / edges_path below), size and crc32 of
     * the CSV files. When the store records no files (written with src =
     * NULL) the paths are "" and the sizes -1. */
    lp_load_report report;
    int has_files;                 /* the store recorded the CSV files */
    char *nodes_path, *edges_path; /* owned; "" when !has_files */
    char *created;                 /* owned: when the store was written (ISO-8601) */
    char *linchpin_version;        /* owned: the writer's version */
} lp_graphstore_info;

/* Read the store at path into *out (owned by the caller, lp_graph_free).
 * out_info may be NULL; when given it is filled on success only and must be
 * freed with lp_graphstore_info_free. On failure *out and *out_info are
 * untouched. Roles are not set; out->has_ig = 0 (see above).
 *
 * Everything read is validated before it is used: format name and version;
 * every dataset's class, size, signedness, rank and length against n, m and
 * each other; offsets start at 0, never decrease and end at the byte count;
 * ids non-empty, valid UTF-8 without NUL, unique; type names valid UTF-8
 * without NUL; type rows in range; revenue finite and >= 0 (and 0 without
 * a revenue column); edges canonical (lp_edges_check_canonical: endpoints
 * in [0, n), source < target, strictly increasing (source, target), weights
 * positive and finite); counts non-negative; every chunk's checksum. A
 * store larger than memory allows fails with LP_EINTERNAL (out of memory).
 *
 * Every other failure is LP_EINPUT with one line starting with the path:
 *   <path>: cannot open: <strerror> | not a regular file
 *   <path>: not a linchpin graph store       (not HDF5, or no/other format)
 *   <path>: unsupported format_version 7
 *   <path>: corrupt or truncated file (HDF5: <what>: <HDF5 reason>), e.g.
 *           (HDF5: opening the file: truncated file: eof = 5000, ...)
 *           (HDF5: opening /edges/target: incorrect metadata checksum ...)
 *   <path>: corrupt or truncated file (<dataset>: chunk at row R: checksum
 *           mismatch | compressed data damaged | stored size S)
 *   <path>: corrupt or truncated file (<dataset> claims N elements, more
 *           than a file of B bytes can hold)
 *   <path>: missing <object> | <object>: missing attribute '<name>'
 *   <path>: <dataset> has the wrong type or shape
 *   <path>: <dataset> has L elements, expected E
 *   <path>: <object>: attribute '<name>' is negative | out of range
 *   <path>: /nodes/id_offsets: <what> at row R
 *   <path>: /nodes/id_bytes: id at row R is empty | not valid UTF-8 | contains NUL
 *   <path>: /nodes/id_bytes: duplicate id at row R (same as row Q)
 *   <path>: /nodes/type: value out of range at row R
 *   <path>: /nodes/revenue: value negative or not finite at row R
 *   <path>: /edges/source: value out of range at row R   (also target)
 *   <path>: /edges: source not below target at row R
 *   <path>: /edges: not in strictly increasing (source, target) order at row R
 *   <path>: /edges/weight: value not positive and finite at row R
 * Rows are 0-based. Never a crash or an abort on a damaged file. HDF5's
 * automatic error printing is switched off for the process. */
lp_status lp_graphstore_read(lp_graph *out, lp_graphstore_info *out_info, const char *path);

void lp_graphstore_info_free(lp_graphstore_info *info); /* accepts NULL */

#endif
