/* fuzz_table.c — the whole-table reader (lp_results_read_table, behind
 * `linchpin diff` and `linchpin export`) on hostile HDF5 files; a table
 * that reads is diffed against itself, which walks every index it holds. */
#include "fuzz_common.h"

#include "lp_diff.h"
#include "lp_results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_named_file(data, size);
    lp_results_table t;
    lp_status st = lp_results_read_table(&t, path, 0);
    fuzz_check_status(st, "lp_results_read_table");
    if (st == LP_OK) {
        lp_diff d;
        st = lp_diff_compute(&d, &t, path, &t, path);
        fuzz_check_status(st, "lp_diff_compute");
        if (st == LP_OK) {
            if (d.n_changes != 0) abort(); /* a file never differs from itself */
            lp_diff_free(&d);
        }
        lp_results_table_free(&t);
    }
    return 0;
}
