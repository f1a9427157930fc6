/* lp_diff.h — what changed between two result files (`linchpin diff`),
 * DESIGN.md "Comparing runs and exporting". Accounts and nodes are matched
 * by node id; nothing is recomputed: the two files' columns are compared. */
#ifndef LP_DIFF_H
#define LP_DIFF_H

#include <stdint.h>

#include "lp_results.h"

/* DESIGN.md's `change` values, in the order the checks are made. */
typedef enum lp_diff_kind {
    LP_DIFF_LOST_PATH,           /* new 0, old >= 1 */
    LP_DIFF_FELL_TO_1,           /* old >= 2, new 1 */
    LP_DIFF_RECOVERED,           /* old <= 1, new >= 2 */
    LP_DIFF_REGAINED_PATH,       /* old 0, new 1 */
    LP_DIFF_KEY_PERSONS_CHANGED, /* 1 in both, a different set of key persons */
    LP_DIFF_BUS_FACTOR_CHANGED,  /* any other change of bus factor */
    LP_DIFF_ADDED,               /* account in NEW only */
    LP_DIFF_REMOVED,             /* account in OLD only */
    LP_DIFF_KINDS
} lp_diff_kind;

/* "lost_path", "fell_to_1", ... (DESIGN.md's spelling). */
const char *lp_diff_kind_name(lp_diff_kind k);

typedef struct lp_diff_account {
    lp_diff_kind kind;
    int64_t old_row, new_row; /* rows of /accounts; -1 when absent from that file */
    double revenue;           /* NEW's revenue (OLD's for a removed account) */
} lp_diff_account;

/* A node whose revenue_at_risk differs (0 where the node is absent). */
typedef struct lp_diff_person {
    lp_vid old_node, new_node; /* rows of /nodes; -1 when absent */
    double old_revenue, new_revenue;
} lp_diff_person;

typedef struct lp_diff {
    int64_t compared; /* accounts in both files */
    int64_t n_changes;
    lp_diff_account *changes;      /* by kind (enum order), revenue desc, then id */
    int64_t count[LP_DIFF_KINDS];  /* changes per kind */
    double revenue[LP_DIFF_KINDS]; /* their revenue */
    int64_t n_persons;
    lp_diff_person *persons; /* by |new - old| desc, then id */
} lp_diff;

/* Compare two tables read with at least LP_RT_NODE_STRINGS | LP_RT_ACCOUNTS
 * | LP_RT_NODE_RISK. LP_EINPUT when they are not comparable (message names
 * the files and why): no /accounts or bus factor in one of them, different
 * bus-factor caps, a node id given twice (checked when the two files do not
 * list the same ids in the same order). Key-person lists are compared as
 * sets of ids. *out owned by the caller, written only on success; free with
 * lp_diff_free. */
lp_status lp_diff_compute(lp_diff *out, const lp_results_table *old_t, const char *old_path,
                          const lp_results_table *new_t, const char *new_path);
void lp_diff_free(lp_diff *d); /* accepts NULL */

/* DIFF.csv at path, atomically: header change,id,name,old_bus_factor,
 * new_bus_factor,old_key_persons,new_key_persons,revenue; one row per
 * change in d's order; key persons ids joined by ';' (nearest first, as in
 * the file); an empty field where a value does not exist (the old side of
 * an added account). LP_EOUTPUT when it cannot be written. */
lp_status lp_diff_write_csv(const char *path, const lp_diff *d, const lp_results_table *old_t,
                            const lp_results_table *new_t);

#endif
