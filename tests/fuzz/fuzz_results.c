/* fuzz_results.c — the results reader (lp_results_read_summary and, for
 * the rows it names, lp_results_read_node_labels: both behind `linchpin
 * summary`) on hostile HDF5 files. */
#include "fuzz_common.h"

#include "lp_results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_named_file(data, size);
    lp_summary s;
    lp_status st = lp_results_read_summary(&s, path);
    fuzz_check_status(st, "lp_results_read_summary");
    if (st != LP_OK) return 0;
    lp_vid rows[2] = {0, (lp_vid)(s.nodes > 0 ? s.nodes - 1 : 0)};
    lp_summary_free(&s);
    lp_node_labels l;
    st = lp_results_read_node_labels(&l, path, rows, 2);
    fuzz_check_status(st, "lp_results_read_node_labels");
    if (st == LP_OK) lp_node_labels_free(&l);
    return 0;
}
