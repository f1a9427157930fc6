/* lp_keyperson.h — key-person analysis: cut vertices with a virtual root R
 * joined to every anchor node, key persons of every account, and what each
 * node puts at risk. See keyperson.c for the algorithm. */
#ifndef LP_KEYPERSON_H
#define LP_KEYPERSON_H

#include "lp_graph.h"

typedef struct lp_keyperson {
    int64_t n;                 /* nodes */
    uint8_t *is_articulation;  /* [n] cut vertex of G + R (R not reported) */
    int64_t *accounts_at_risk; /* [n] accounts for which v is a key person */
    double *revenue_at_risk;   /* [n] their total revenue */

    int64_t n_accounts;           /* nodes with the account role */
    lp_vid *account_node;         /* [n_accounts] node rows, input order */
    double *account_revenue;      /* [n_accounts] */
    uint8_t *account_connected;   /* [n_accounts] 1 if the account has a path to R */
    int64_t *key_persons_offsets; /* [n_accounts + 1] CSR into key_persons */
    lp_vid *key_persons;          /* key persons (node rows), nearest to the account first */
    lp_vid *outer_key_person;     /* [n] the outermost person that alone cuts v off from R
                                     (the last of v's key-person chain); -1 when no person
                                     does, -2 when v has no path to R */

    int64_t n_articulation;  /* nodes with is_articulation */
    int64_t orphan_accounts; /* accounts with no path to R */
    int64_t accounts_with_key_person;
    double revenue_total;           /* over all accounts */
    double revenue_with_key_person; /* over accounts with a key person */
    double revenue_orphan;          /* over accounts with no path to R */
} lp_keyperson;

/* Run the analysis on g (roles must be set). Writes *out only on success;
 * the arrays are owned by *out, free with lp_keyperson_free. Never calls
 * igraph inside a parallel region. */
lp_status lp_keyperson_run(lp_keyperson *out, const lp_graph *g);
void lp_keyperson_free(lp_keyperson *kp); /* accepts NULL */
/* Free the arrays and set them NULL; the counts and totals stay (for a
 * caller that has written the arrays out). Accepts NULL. */
void lp_keyperson_free_arrays(lp_keyperson *kp);

/* The rows of up to k person nodes with the largest revenue_at_risk and
 * accounts_at_risk > 0, ordered by revenue_at_risk desc, then
 * accounts_at_risk desc, then row asc. *out_rows is malloc'ed (caller
 * frees), *out_count <= k. */
lp_status lp_keyperson_top(lp_vid **out_rows, int64_t *out_count, const lp_graph *g,
                           const lp_keyperson *kp, int64_t k);

#endif
