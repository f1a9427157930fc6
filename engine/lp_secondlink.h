/* lp_secondlink.h — where to attach a second person: for every account
 * that hangs on one person (bus factor 1), the persons who would lift it to
 * bus factor 2 or more with one new tie, best first. See secondlink.c for
 * the method and docs/metrics.md for the definition and ranking. */
#ifndef LP_SECONDLINK_H
#define LP_SECONDLINK_H

#include "lp_dist.h"
#include "lp_graph.h"
#include "lp_keyperson.h"

/* For every account i of kp (g's key-person analysis; roles set) with
 * bus_factor[i] == 1: up to k persons p such that a new tie p–account gives
 * bus factor >= 2, ranked by hop distance from the account in g (without
 * R), then fewer accounts_at_risk, then row; accounts with another bus
 * factor get none. *out_offsets [n_accounts + 1] and *out_links (node rows)
 * are a CSR, malloc'ed, owned by the caller, written only on success.
 * LP_EUSAGE when k < 1. OpenMP over accounts; the result does not depend
 * on the thread count. */
lp_status lp_second_links(int64_t **out_offsets, lp_vid **out_links, const lp_graph *g,
                          const lp_keyperson *kp, const int32_t *bus_factor, int32_t k);

/* The same with the accounts shared among the ranks of dist (NULL: alone;
 * collective): groups of LP_SECOND_LINKS_GRAIN accounts round-robin, the
 * counts and suggestions then summed over the ranks (each slot is written
 * by one rank, 0 elsewhere), so every rank gets the single-process CSR. */
lp_status lp_second_links_dist(int64_t **out_offsets, lp_vid **out_links, const lp_graph *g,
                               const lp_keyperson *kp, const int32_t *bus_factor, int32_t k,
                               const lp_dist *dist);
#define LP_SECOND_LINKS_GRAIN 256

#endif
