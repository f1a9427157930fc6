/* fuzz_csv.c — the CSV graph loader (lp_graph_load_csv) on hostile input.
 * The input is split at the first line "#EDGES" into nodes.csv and
 * edges.csv (no such line: all of it is nodes.csv and edges.csv is only a
 * header). Both routes: failing and skipping bad rows. The loader's block
 * size is lowered (the test hook of lp_i_csv.h) so that records straddle
 * block boundaries, as they do in big files, and so that the 2 MiB default
 * blocks do not dominate the time of each run (the loader sizes its zlib
 * buffers and first row lists from the input too: bench/README.md). */
#include "fuzz_common.h"

#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_i_csv.h"

static const char SEP[] = "\n#EDGES\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t edges_header[] = "source,target,weight\n";
    const uint8_t *edges = edges_header;
    size_t nodes_size = size, edges_size = sizeof edges_header - 1;
    lp_i_csv_block_size = 256 + (int64_t)(size % 7) * 512;
    lp_i_csv_min_chunk = 64;
    const uint8_t *cut = size >= sizeof SEP - 1 ? memmem(data, size, SEP, sizeof SEP - 1) : NULL;
    if (cut) {
        nodes_size = (size_t)(cut - data) + 1;
        edges = cut + sizeof SEP - 1;
        edges_size = size - (size_t)(edges - data);
    }
    fuzz_file fn = fuzz_file_make(data, nodes_size), fe = fuzz_file_make(edges, edges_size);
    for (int skip = 0; skip < 2; skip++) {
        lseek(fn.fd, 0, SEEK_SET);
        lseek(fe.fd, 0, SEEK_SET);
        lp_load_options opt = LP_LOAD_OPTIONS_INIT;
        opt.skip_bad_rows = skip;
        lp_graph g;
        lp_load_report rep;
        lp_status st = lp_graph_load_csv(&g, &rep, fn.path, fe.path, &opt);
        fuzz_check_status(st, "lp_graph_load_csv");
        if (st == LP_OK) {
            int64_t where;
            lp_vid node;
            if (lp_csr_check(&g.csr, &where, &node) != 0) abort();
            lp_graph_free(&g);
        }
    }
    fuzz_file_drop(&fn);
    fuzz_file_drop(&fe);
    return 0;
}
