/* fuzz_leave.c — `--leave` parsing (lp_scenarios_from_list) on hostile
 * values, against a small fixed graph. The input is the value up to its
 * first NUL (a command-line argument cannot hold one). */
#include "fuzz_common.h"
#include "fuzz_graph.h"

#include "lp_scenario_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const lp_graph *g = fuzz_graph();
    char *value = malloc(size + 1);
    if (!value) return 0;
    memcpy(value, data, size);
    value[size] = '\0';
    lp_scenarios s = LP_SCENARIOS_INIT;
    fuzz_check_status(lp_scenarios_from_list(&s, value, g), "lp_scenarios_from_list");
    for (int64_t i = 0; s.count && i < s.leave_offsets[s.count]; i++)
        if (s.leave[i] < 0 || s.leave[i] >= g->n) abort();
    lp_scenarios_free(&s);
    free(value);
    return 0;
}
