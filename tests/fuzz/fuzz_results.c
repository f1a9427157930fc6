/* fuzz_results.c — the results reader (lp_results_read_summary, behind
 * `linchpin summary`) on hostile HDF5 files. */
#include "fuzz_common.h"

#include "lp_results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_named_file(data, size);
    lp_summary s;
    lp_status st = lp_results_read_summary(&s, path);
    fuzz_check_status(st, "lp_results_read_summary");
    if (st == LP_OK) lp_summary_free(&s);
    return 0;
}
