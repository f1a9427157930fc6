/* lp_addties.h — "what if we attach these persons to these accounts?":
 * the effect of new ties (optionally together with departures) on every
 * account's bus factor. See addties.c for the method. No file I/O. */
#ifndef LP_ADDTIES_H
#define LP_ADDTIES_H

#include "lp_graph.h"
#include "lp_keyperson.h"

/* A new tie between a person and an account (node rows). */
typedef struct lp_tie {
    lp_vid person, account;
} lp_tie;

/* What changes for the accounts of kp once ties[0..n_ties) are added and
 * the persons leave[0..n_leave) are gone: rows of kp's account list,
 * ascending, and their revenue. */
typedef struct lp_addties_result {
    int32_t *bus_factor_after; /* [n_accounts], capped like the input */
    int64_t *raised, n_raised; /* bus factor higher than before */
    int64_t *lost, n_lost;     /* had a path to R, have none */
    int64_t *newly, n_newly;   /* bus factor >= 2 before, 1 after */
    double raised_revenue, lost_revenue, newly_revenue;
} lp_addties_result;

/* Evaluate on g (roles set). bus_factor: the accounts' bus factor before,
 * with cap (lp_bus_factor over kp's account list). Every tie must join a
 * person and an account and every leaver must be a person (LP_EINTERNAL
 * otherwise: callers check and word the message). A tie to a leaver adds
 * nothing. Recomputes every account's bus factor on G + ties - leavers (a
 * new tie can lift accounts far from it, so no local shortcut): the cost of
 * lp_bus_factor once. *out owned by the caller (lp_addties_result_free),
 * written only on success; the result does not depend on the thread
 * count. */
lp_status lp_addties_run(lp_addties_result *out, const lp_graph *g, const lp_keyperson *kp,
                         const int32_t *bus_factor, int32_t cap, const lp_tie *ties, int64_t n_ties,
                         const lp_vid *leave, int64_t n_leave);
void lp_addties_result_free(lp_addties_result *r); /* accepts NULL */

#endif
