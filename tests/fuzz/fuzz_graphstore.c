/* fuzz_graphstore.c — the graph-store reader (lp_graphstore_read) on
 * hostile HDF5 files; a store it accepts must pass lp_csr_check. */
#include "fuzz_common.h"

#include "lp_graphstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file f = fuzz_file_make(data, size);
    lp_graph g;
    lp_graphstore_info info;
    lp_status st = lp_graphstore_read(&g, &info, f.path);
    fuzz_check_status(st, "lp_graphstore_read");
    if (st == LP_OK) {
        int64_t where, node;
        if (lp_csr_check(&g.csr, &where, &node) != 0) abort();
        lp_graphstore_info_free(&info);
        lp_graph_free(&g);
    }
    fuzz_file_drop(&f);
    return 0;
}
