/* lp_generate.h — deterministic synthetic enterprise graphs.
 *
 * lp_generate() builds the node table and the raw edge list of a made-up
 * company: one `company` node, `division` and `team` units, `employee`s in a
 * dense core, customer `account`s (heavy-tailed revenue) served by 1–4
 * employees, `contact`s at the customers and a few `partner`s. The raw edge
 * list deliberately contains some duplicate rows and a few self-loops, as
 * real exports do; lp_graph_build merges and drops them.
 *
 * The output depends only on the options: the same options give the same
 * nodes and edges, byte for byte, on every run (own PRNG, no global state).
 * The graph's structure does not depend on `names`; only the id strings do.
 * Nothing here reads or writes files (io/lp_csvwrite.h writes CSV).
 */
#ifndef LP_GENERATE_H
#define LP_GENERATE_H

#include <stdint.h>

#include "lp_graph.h"

typedef struct lp_generate_options {
    int64_t accounts;  /* customer accounts, >= 1 */
    int64_t employees; /* >= 1; 0 = accounts / 8 + 1 */
    uint64_t seed;     /* PRNG seed */
    int names;         /* 1: human-like ids ("Maria Schmidt (E0042)", "Müller & Söhne
                          GmbH"); 0: compact ids ("e42", "a17", "c1234") */
} lp_generate_options;
#define LP_GENERATE_OPTIONS_INIT                                                                   \
    {                                                                                              \
        1000, 0, 42, 0                                                                             \
    }

/* Upper bound on `accounts` (keeps the node count far below LP_VID_MAX). */
#define LP_GENERATE_MAX_ACCOUNTS ((int64_t)200000000)

/* Generate the graph. out_nodes and out_edges must be empty
 * (LP_NODES_INIT / LP_EDGES_INIT); on success they receive the node table
 * (types "company", "division", "team", "employee", "partner", "account",
 * "contact"; has_revenue = 1, revenue > 0 on accounts only) and the raw edge
 * rows (positive integer weights = interaction counts), owned by the caller
 * (lp_nodes_free / lp_edges_free, or hand both to lp_graph_build). On failure
 * both are untouched. LP_EUSAGE for out-of-range options, LP_EINTERNAL when
 * out of memory. NULL opt means LP_GENERATE_OPTIONS_INIT. */
lp_status lp_generate(lp_nodes *out_nodes, lp_edges *out_edges, const lp_generate_options *opt);

#endif
