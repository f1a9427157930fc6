/* fuzz_graphstore.c — the graph-store reader (lp_graphstore_read) on
 * hostile HDF5 files; a store it accepts must pass lp_csr_check. */
#include "fuzz_common.h"

#include "lp_graphstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_named_file(data, size);
    lp_graph g;
    lp_graphstore_info info;
    lp_status st = lp_graphstore_read(&g, &info, path);
    fuzz_check_status(st, "lp_graphstore_read");
    if (st == LP_OK) {
        int64_t where;
        lp_vid node;
        if (lp_csr_check(&g.csr, &where, &node) != 0) abort();
        lp_graphstore_info_free(&info);
        lp_graph_free(&g);
    }
    return 0;
}
