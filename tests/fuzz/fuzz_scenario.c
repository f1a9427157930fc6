/* fuzz_scenario.c — the scenario-file reader (lp_scenarios_read_csv) on
 * hostile input, against a small fixed graph. */
#include "fuzz_common.h"
#include "fuzz_graph.h"

#include "lp_scenario_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const lp_graph *g = fuzz_graph();
    fuzz_file f = fuzz_file_make(data, size);
    lp_scenarios s = LP_SCENARIOS_INIT;
    fuzz_check_status(lp_scenarios_read_csv(&s, f.path, g), "lp_scenarios_read_csv");
    for (int64_t k = 0; k < s.count; k++)
        for (int64_t i = s.leave_offsets[k]; i < s.leave_offsets[k + 1]; i++)
            if (s.leave[i] < 0 || s.leave[i] >= g->n) abort();
    lp_scenarios_free(&s);
    fuzz_file_drop(&f);
    return 0;
}
