/* lp_scenario.h — departure scenarios (docs/metrics.md): what if these
 * people leave? For each scenario, the accounts that lose every path to R,
 * the accounts whose bus factor falls to 1, and the revenue of each group.
 * See scenario.c for the method. No file I/O (io/lp_scenario_io.h reads
 * scenario files). */
#ifndef LP_SCENARIO_H
#define LP_SCENARIO_H

#include "lp_dist.h"
#include "lp_graph.h"
#include "lp_keyperson.h"

/* Scenarios: a name and the person rows leaving (ascending, unique). */
typedef struct lp_scenarios {
    int64_t count;
    lp_strtab name;         /* [count] */
    int64_t *leave_offsets; /* [count + 1] CSR into leave */
    lp_vid *leave;          /* person node rows */
    int64_t cap, leave_cap; /* capacities */
    lp_strtab notes;        /* how names and non-person ids were resolved, one line
                               each ("team T-12 -> 8 persons"), for the user */
} lp_scenarios;
#define LP_SCENARIOS_INIT                                                                          \
    {                                                                                              \
        .name = LP_STRTAB_INIT, .notes = LP_STRTAB_INIT                                            \
    }

/* Append a scenario named name[0..len) in which the persons rows[0..k)
 * leave (copied, sorted, duplicates dropped). LP_EINTERNAL when a row is
 * out of range or not a person (roles must be set), or out of memory. */
lp_status lp_scenarios_add(lp_scenarios *s, const lp_graph *g, const char *name, size_t len,
                           const lp_vid *rows, int64_t k);
void lp_scenarios_free(lp_scenarios *s); /* accepts NULL; leaves s empty */

/* Who leaves when a scenario names node v: v itself if v is a person, else
 * every person adjacent to v ("the team leaves": a team node stands for its
 * members). Writes up to the returned count rows to out, which must have
 * room for degree(v) + 1 rows; ascending. 0 when v is no person and has no
 * person neighbour. */
int64_t lp_scenario_expand(const lp_graph *g, lp_vid v, lp_vid *out);

typedef struct lp_scenario_result {
    int64_t count;                  /* scenarios */
    int64_t *lost_accounts;         /* [count] accounts that lose every path to R */
    double *lost_revenue;           /* [count] their revenue */
    int64_t *newly_bus_factor_1;    /* [count] accounts with bus factor >= 2 before, 1 after */
    double *newly_at_risk_revenue;  /* [count] their revenue */
    int64_t *lost_offsets, *lost;   /* CSR [count + 1] into rows of the account list, ascending */
    int64_t *newly_offsets, *newly; /* CSR likewise, the accounts newly at bus factor 1 */
} lp_scenario_result;

/* Run every scenario of sc. kp: the key-person analysis of g (its account
 * list); bus_factor, path_offsets, path_persons: lp_bus_factor_paths over
 * that account list (any cap >= 2). Lost accounts are the accounts with a
 * path to R before (bus factor >= 1) and none after; "newly at bus factor 1"
 * are accounts with bus factor >= 2 before and exactly 1 after. OpenMP over
 * scenarios; the result does not depend on the thread count. *out owned by
 * the caller (lp_scenario_result_free), written only on success. */
lp_status lp_scenarios_run(lp_scenario_result *out, const lp_graph *g, const lp_keyperson *kp,
                           const int32_t *bus_factor, const int64_t *path_offsets,
                           const lp_vid *path_persons, const lp_scenarios *sc);
/* The same with the scenarios shared among the ranks of dist (NULL: alone;
 * collective): scenario j is rank j mod P's; the rows are then shared and
 * every rank gets the single-process result. */
lp_status lp_scenarios_run_dist(lp_scenario_result *out, const lp_graph *g, const lp_keyperson *kp,
                                const int32_t *bus_factor, const int64_t *path_offsets,
                                const lp_vid *path_persons, const lp_scenarios *sc,
                                const lp_dist *dist);
void lp_scenario_result_free(lp_scenario_result *r); /* accepts NULL */

#endif
