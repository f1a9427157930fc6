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
 * revenue, has_revenue, names and has_name, the CSR (same order, weights
 * bit-identical), merged_duplicates and dropped_self_loops. The role of
 * each node is not stored (set it with lp_graph_set_roles); the role type
 * lists an importer implies may be (lp_graphstore_write_roles, read back in
 * lp_graphstore_info). The igraph copy is not built (g.has_ig = 0, as
 * after lp_graph_build): the analyses do not need it; call
 * lp_graph_build_igraph(&g) before using g.ig.
 *
 * ---- File layout (format "linchpin-graph", format_version 2) ----------
 *
 *   /  attributes
 *      format             string  "linchpin-graph"
 *      format_version     int32   2
 *      linchpin_version   string  of the writer
 *      hdf5_version       string  of the writer
 *      created            string  ISO-8601 UTC
 *      nodes              int64   n
 *      edges              int64   m (after merging and dropping self-loops)
 *      has_revenue        int32   1 if the nodes file had a revenue column
 *      merged_duplicates  int64   edge rows folded into an earlier row
 *      dropped_self_loops int64   edge rows with source == target
 *      role_anchor        string  optional, all three or none: the role
 *      role_person        string  type lists (comma-separated, as
 *      role_account       string  --anchor etc.) the importer implies, e.g.
 *                                 "company,department" (CRM imports)
 *   /nodes/id_bytes       uint8   [B]    every id's UTF-8 bytes followed by
 *                                        one NUL, back to back
 *   /nodes/id_offsets     int64   [n+1]  id i starts at off[i], its NUL is
 *                                        at off[i+1] - 1; off[0] = 0,
 *                                        off[n] = B
 *   /nodes/name_bytes     uint8   [N]    optional (present iff the input had
 *   /nodes/name_offsets   int64   [n+1]  names): display names, as the ids but
 *                                        may be empty ("" = none given) and
 *                                        may repeat
 *   /nodes/type           int32   [n]    row of /types (0-based)
 *   /nodes/revenue        float64 [n]    0 where absent
 *   /types/name_bytes     uint8   [T]    the type names, as the ids (a name
 *   /types/name_offsets   int64   [t+1]  may be empty: just its NUL)
 *   /csr/offsets          int64   [n+1]  the arcs of node v are rows
 *                                        offsets[v] .. offsets[v+1] - 1 of
 *                                        targets and weights; offsets[0] = 0,
 *                                        offsets[n] = 2m
 *   /csr/targets          int32   [2m]   the neighbour; strictly ascending
 *                                        within a node, never the node
 *                                        itself; every edge {u, v} appears
 *                                        as the two arcs u->v and v->u
 *   /csr/weights          float64 [2m]   the merged weight, the same on both
 *                                        arcs of an edge, positive, finite
 *   /source               group; attributes describing the CSV import:
 *      node_rows, edge_rows, skipped_rows   int64 (lp_load_report)
 *      and, when the writer was given a report:
 *      nodes_path, edges_path               string (as given at import)
 *      nodes_size, edges_size               int64  (bytes; -1 unknown)
 *      nodes_crc32, edges_crc32             uint32 (of the uncompressed content)
 *
 * The arrays are g's own in-memory arrays (lp_strtab, lp_csr), so that a
 * store is used where it lies: every dataset is 1-D, contiguous, without
 * filters, little-endian, and the large ones (4 KiB and more) start at a
 * multiple of 4096 bytes in the file. The reader maps the file into memory
 * and points the graph's arrays into the mapping: nothing is copied,
 * inflated or rebuilt, and the pages are the page cache's (shared between
 * runs, dropped by the kernel under pressure instead of swapped). The price
 * is size: no compression (about 50 bytes per edge plus the ids, against
 * 6-7 compressed in format 1). String attributes are fixed-length UTF-8,
 * NUL-terminated.
 *
 * Integrity: metadata use the HDF5 1.10 formats (library-version bounds
 * V110..LATEST), where the superblock, every object header (attributes
 * included) and every B-tree carry a checksum that HDF5 verifies. Nothing
 * is kept in HDF5's global heap (variable-length strings), the one
 * structure without a checksum. Raw data: every dataset under /nodes and
 * /types carries a uint64 attribute "checksum" =
 *     (L + sum over i < ceil(L/8) of f(w_i XOR (i * 0x9E3779B97F4A7C15)))
 *     mod 2^64,   f(x) = y XOR (y >> 32) with y = x * 0xD6E8FEB86659FD93,
 * over the L bytes of its values in little-endian order (as this writer
 * stores them; another writer's big-endian dataset: of its values
 * converted), w_i the little-endian 64-bit word of bytes 8i .. 8i+7 (the
 * last one padded with zero bytes). f is a
 * bijection, so any change of one word changes the sum. The /csr datasets
 * carry none: the reader's symmetry check (lp_csr_check) already detects
 * any change to one of their values, an arc that loses its reverse twin.
 *
 * Reading another writer's file: any layout HDF5 can read is accepted
 * (chunked, compressed, big-endian, unaligned datasets are read into memory
 * instead of mapped); types must be of the class, size and signedness
 * above; string attributes may be fixed or variable length (the latter then
 * trusted to HDF5's global heap).
 *
 * Format 1 stores (compressed edge lists, linchpin before 2026-12) are
 * refused with "unsupported format_version 1 (re-create the store with
 * linchpin import)".
 *
 * Cost (10M edges, 6.2M nodes, 2 threads; bench/README.md "Graph store"):
 * see there for the load time against the CSV route, the file size and the
 * peak memory. While a graph read from a store is alive the file stays
 * mapped: replacing the store (by rename, as import does) is safe; truncating
 * it in place under a running analysis kills that process (SIGBUS).
 */
#ifndef LP_GRAPHSTORE_H
#define LP_GRAPHSTORE_H

#include <stdint.h>

#include "lp_csv.h"
#include "lp_graph.h"

#define LP_GRAPHSTORE_FORMAT "linchpin-graph"
#define LP_GRAPHSTORE_FORMAT_VERSION 2

/* Write g to path, atomically: under a temporary name in the target
 * directory, renamed into place when complete and closed; on any failure
 * the temporary is removed and an earlier file at path is left
 * byte-identical. src (may be NULL) is the report of the CSV load that made
 * g: its rows and files are stored under /source. Without it node_rows = n,
 * edge_rows = m + merged_duplicates + dropped_self_loops, skipped_rows = 0
 * and no files are recorded.
 *
 * g needs only its node table and CSR (g->ig is not used); its arrays are
 * written as they are, nothing is copied.
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

/* lp_graphstore_write, also recording roles (may be NULL: none) as the
 * root attributes role_anchor, role_person, role_account. Each list must be
 * non-empty valid UTF-8 (LP_EINTERNAL otherwise). */
lp_status lp_graphstore_write_roles(const char *path, const lp_graph *g, const lp_load_report *src,
                                    const lp_roles *roles);

/* What a store may record besides the graph (`linchpin import` options). */
typedef struct lp_graphstore_meta {
    const lp_roles *roles; /* NULL: none (as lp_graphstore_write_roles) */
    double min_tie;        /* > 0: root attribute min_tie, the --min-tie that
                            * analyze and whatif apply to this store unless
                            * given their own; 0: not recorded */
} lp_graphstore_meta;
#define LP_GRAPHSTORE_META_INIT                                                                    \
    {                                                                                              \
        NULL, 0.0                                                                                  \
    }

/* lp_graphstore_write with meta (may be NULL: nothing more). min_tie must
 * be finite and >= 0 (LP_EINTERNAL otherwise). */
lp_status lp_graphstore_write_meta(const char *path, const lp_graph *g, const lp_load_report *src,
                                   const lp_graphstore_meta *meta);

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
    /* owned: the role type lists the store records (role_anchor, ...),
     * all three NULL when it records none */
    char *anchor, *person, *account;
    /* the root attribute min_tie (import --min-tie), 0 when absent */
    double min_tie;
} lp_graphstore_info;

/* Read the store at path into *out (owned by the caller, lp_graph_free).
 * out_info may be NULL; when given it is filled on success only and must be
 * freed with lp_graphstore_info_free. On failure *out and *out_info are
 * untouched. Roles are not set; out->has_ig = 0 (see above).
 *
 * Everything read is validated before it is used: format name and version;
 * every dataset's class, size, signedness, rank and length against n, m and
 * each other; the checksums; string offsets start at 0, increase and end at
 * the byte count, every string ends with its NUL; ids non-empty, valid UTF-8
 * without NUL, unique; type names valid UTF-8 without NUL; type rows in
 * range; revenue finite and >= 0 (and 0 without a revenue column); the CSR
 * (lp_csr_check: offsets from 0 to 2m, never decreasing; targets in [0, n),
 * never the node itself, strictly ascending; weights positive and finite;
 * symmetric with equal weights); counts non-negative. A store larger than
 * memory allows fails with LP_EINTERNAL (out of memory).
 *
 * Every other failure is LP_EINPUT with one line starting with the path:
 *   <path>: cannot open: <strerror> | not a regular file
 *   <path>: not a linchpin graph store       (not HDF5, or no/other format)
 *   <path>: unsupported format_version 7
 *   <path>: unsupported format_version 1 (re-create the store with linchpin import)
 *   <path>: corrupt or truncated file (HDF5: <what>: <HDF5 reason>), e.g.
 *           (HDF5: opening the file: truncated file: eof = 5000, ...)
 *           (HDF5: opening /csr/targets: incorrect metadata checksum ...)
 *   <path>: corrupt or truncated file (<dataset>: checksum mismatch)
 *   <path>: corrupt or truncated file (<dataset> claims N elements, more
 *           than a file of B bytes can hold)
 *   <path>: missing <object> | <object>: missing attribute '<name>'
 *   <path>: <dataset> has the wrong type or shape
 *   <path>: <dataset> has L elements, expected E
 *   <path>: <object>: attribute '<name>' is negative | out of range
 *   <path>: /: attribute 'min_tie' is negative or not finite
 *   <path>: /: attribute 'role_person' is empty   (or another role_*; a store
 *           with one or two of the three: "/: missing attribute 'role_x'")
 *   <path>: /nodes/id_offsets: first value is X, not 0
 *   <path>: /nodes/id_offsets: value at row R decreases or exceeds the B bytes of /nodes/id_bytes
 *   <path>: /nodes/id_offsets: last value X differs from the B bytes of /nodes/id_bytes
 *   <path>: /nodes/id_bytes: id at row R is empty | not valid UTF-8 | contains NUL
 *           | not NUL-terminated
 *   <path>: /nodes/id_bytes: duplicate id at row R (same as row Q)
 *   (the same for /types/name_offsets, /types/name_bytes: "type name at row R";
 *   and for /nodes/name_offsets, /nodes/name_bytes: "name at row R", where
 *   empty and repeated names are fine; one of the two without the other:
 *   "missing /nodes/name_offsets")
 *   <path>: /nodes/type: value out of range at row R
 *   <path>: /nodes/revenue: value negative or not finite at row R
 *   <path>: /nodes/revenue: value not 0 (no revenue column) at row R
 *   <path>: /csr/offsets: first value is X, not 0
 *   <path>: /csr/offsets: value at row R decreases
 *   <path>: /csr/offsets: last value X differs from 2m = Y
 *   <path>: /csr/targets: value out of range at row K
 *   <path>: /csr/targets: node V lists itself at row K
 *   <path>: /csr/targets: not strictly ascending at row K
 *   <path>: /csr/weights: value not positive and finite at row K
 *   <path>: /csr: not symmetric (an arc without its reverse, or with another weight)
 * Rows are 0-based (K: a row of /csr/targets and /csr/weights). Of several
 * defects, the first in this order is reported: offsets, then the smallest
 * row K with a defect (range, then self, then order, then weight), then
 * symmetry. Never a crash or an abort on a damaged file. HDF5's automatic
 * error printing is switched off for the process. */
lp_status lp_graphstore_read(lp_graph *out, lp_graphstore_info *out_info, const char *path);

/* Drop the pages of g's mapped store from the process's memory (madvise
 * MADV_DONTNEED on the read-only private mapping), except those of the
 * arrays `keep` names: the data stays in the page cache, and whatever is
 * read afterwards is mapped back on first touch, unchanged. So the
 * resident size holds the parts of the store that the running phase reads
 * (the ids only for the write...), not every page ever touched. Mapping a
 * page back costs CPU (~0.3 s for the 458 MB of the L graph's store when
 * all are read again), so the arrays most phases read are better kept.
 * lp_graphstore_read keeps CSR | NODES after its checks; `linchpin
 * analyze` keeps CSR | WEIGHTS at each phase end and nothing before the
 * write. Nothing for a graph not read from a mapped store. */
enum {
    LP_GS_KEEP_CSR = 1,     /* csr.offset and csr.adj */
    LP_GS_KEEP_WEIGHTS = 2, /* csr.weight */
    LP_GS_KEEP_NODES = 4    /* nodes.type and nodes.revenue */
};
void lp_graphstore_release_pages(const lp_graph *g, unsigned keep);

void lp_graphstore_info_free(lp_graphstore_info *info); /* accepts NULL */

#endif
