/* lp_generate.h — deterministic synthetic enterprise graphs, streamed.
 *
 * The generator makes up a company and its customers: one `company`, its
 * `division`s and `team`s, `employee`s (the first member of each team is its
 * lead), customer `account`s with heavy-tailed revenue, 1–8 `contact`s per
 * account, `partner`s that bridge several accounts, and `former_employee`s
 * now working at a customer. Account reps are drawn with heavy-tailed
 * popularity (a few reps serve hundreds of accounts). A chosen share of the
 * accounts is single-threaded: every path from the account to the company
 * passes through one employee. Edge weights are interaction counts (positive
 * integers, heavy-tailed). See generate.c for the exact recipe.
 *
 * Output is a sequence of node rows and edge rows handed to a sink (a struct
 * of callbacks) in a fixed order; every node row comes before the first edge
 * row that names it. Memory does not grow with the number of rows: the
 * generator keeps only per-employee tables (O(employees)) and a fixed-size
 * window of recent accounts. io/lp_csvwrite.h has the CSV sink; lp_generate
 * collects the rows into an in-memory node table and edge list.
 *
 * Deterministic: the rows depend only on the options (own PRNG, no global
 * state, serial), so the same options give the same rows, and the same CSV
 * bytes, on every run and at any thread count. The graph's structure does
 * not depend on `names`; only the id strings do.
 *
 * Nothing here reads or writes files.
 */
#ifndef LP_GENERATE_H
#define LP_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "lp_graph.h"

typedef struct lp_generate_options {
    int64_t accounts;        /* customer accounts, 1..LP_GENERATE_MAX_ACCOUNTS */
    int64_t employees;       /* 2..LP_GENERATE_MAX_ACCOUNTS; 0 = max(2, accounts / 8 + 1) */
    uint64_t seed;           /* PRNG seed */
    int names;               /* 1: human-like ids ("Maria Schmidt (E0042)", "Müller & Söhne
                                GmbH"); 0: compact ids ("e42", "a17", "c1234") */
    double single_threaded;  /* share of the connected accounts that hang on exactly one
                                employee, 0..1 */
    int64_t partners;        /* partner firms, 0..LP_GENERATE_MAX_PARTNERS; -1 = 3 + accounts/500 */
    double former_employees; /* probability that an account employs one of our former
                                employees, 0..1 */
    double rep_alpha;        /* tail exponent of rep popularity (Pareto), 1.05..10; smaller =
                                more skewed */
    int awkward; /* 1: also odd but legal ids (commas, quotes, line breaks, UTF-8, leading and
                    trailing blanks), duplicate edge rows, self-loops, orphan accounts and
                    absent optional values (revenue / weight NaN, see lp_gen_sink) */
} lp_generate_options;
#define LP_GENERATE_OPTIONS_INIT                                                                   \
    {                                                                                              \
        .accounts = 1000, .employees = 0, .seed = 42, .names = 0, .single_threaded = 0.4,          \
        .partners = -1, .former_employees = 0.03, .rep_alpha = 1.5, .awkward = 0                   \
    }

/* Upper bounds on the sizes (keep the node count below LP_VID_MAX). */
#define LP_GENERATE_MAX_ACCOUNTS ((int64_t)100000000)
#define LP_GENERATE_MAX_PARTNERS ((int64_t)1000000)

/* Node types, in the order of lp_generate_type_name. */
enum {
    LP_GEN_COMPANY,
    LP_GEN_DIVISION,
    LP_GEN_TEAM,
    LP_GEN_EMPLOYEE,
    LP_GEN_PARTNER,
    LP_GEN_ACCOUNT,
    LP_GEN_CONTACT,
    LP_GEN_FORMER_EMPLOYEE,
    LP_GEN_NTYPES
};

/* "company", "division", "team", "employee", "partner", "account", "contact",
 * "former_employee"; NULL outside 0..LP_GEN_NTYPES-1. Static strings. */
const char *lp_generate_type_name(int type);

/* A node as the sink sees it: its row (0-based, in emission order) and its
 * id (UTF-8, NUL-terminated, id_len bytes, never empty). Valid only during
 * the callback. */
typedef struct lp_gen_node {
    int64_t row;
    const char *id;
    size_t id_len;
} lp_gen_node;

/* Where the rows go. `node` receives each node row with its type
 * (LP_GEN_*) and revenue: > 0 for accounts, 0 for other nodes, or NaN for
 * "not given" (awkward output only: the field is empty, which a reader takes
 * as 0). `edge` receives each edge row: its endpoints (nodes already passed
 * to `node`; equal for a self-loop row) and its weight: a positive integer,
 * or NaN for "not given" (awkward output only; a reader's default 1). A
 * callback returns LP_OK or an error status, which stops the generator and
 * is returned unchanged (the callback sets the message). */
typedef struct lp_gen_sink {
    void *ctx;
    lp_status (*node)(void *ctx, const lp_gen_node *node, int type, double revenue);
    lp_status (*edge)(void *ctx, const lp_gen_node *src, const lp_gen_node *dst, double weight);
} lp_gen_sink;

/* What was emitted. With awkward = 0, duplicate_rows, self_loop_rows,
 * orphan_accounts and odd_ids are 0. */
typedef struct lp_generate_stats {
    int64_t nodes;                        /* node rows */
    int64_t nodes_by_type[LP_GEN_NTYPES]; /* node rows per LP_GEN_* type */
    int64_t edge_rows;                    /* all edge rows, duplicates and self-loops included */
    int64_t duplicate_rows;  /* rows whose node pair (either order) an earlier row has: what a
                                loader merges */
    int64_t self_loop_rows;  /* rows with source == target: what a loader drops */
    double weight_sum;       /* total weight of the rows that are not self-loops, a weight not
                                given counted as 1 (exact: integers below 2^53) */
    int64_t orphan_accounts; /* accounts with no path to the company */
    int64_t single_threaded_accounts; /* connected accounts whose every path to the company
                                         passes through one and the same employee */
    int64_t subsidiary_accounts;      /* accounts reached only through a parent account */
    int64_t partner_accounts;         /* accounts linked to at least one partner */
    int64_t odd_ids;                  /* ids with awkward decorations */
} lp_generate_stats;

/* LP_OK if the options are in range, else LP_EUSAGE with a one-line message
 * naming the option ("generate: single_threaded must be in 0..1 (got 2)"). */
lp_status lp_generate_check_options(const lp_generate_options *opt);

/* Generate the graph row by row into sink. NULL opt means
 * LP_GENERATE_OPTIONS_INIT. On success *out_stats (may be NULL) receives
 * the counts. Errors: LP_EUSAGE for out-of-range options (nothing emitted),
 * LP_EINTERNAL when out of memory, or a sink's status. Serial; O(accounts +
 * employees) time, O(employees + partners) memory. */
lp_status lp_generate_stream(const lp_gen_sink *sink, lp_generate_stats *out_stats,
                             const lp_generate_options *opt);

/* The same graph in memory: out_nodes and out_edges must be empty
 * (LP_NODES_INIT / LP_EDGES_INIT); on success they receive the node table
 * (type_name lists all LP_GEN_NTYPES names in order, has_revenue = 1, a
 * revenue not given stored as 0) and the raw edge rows (duplicates and
 * self-loops as emitted, a weight not given stored as 1), owned by the caller
 * (lp_nodes_free / lp_edges_free, or hand both to lp_graph_build). On failure
 * both are untouched. NULL opt means LP_GENERATE_OPTIONS_INIT. Use
 * lp_generate_stream for the statistics. */
lp_status lp_generate(lp_nodes *out_nodes, lp_edges *out_edges, const lp_generate_options *opt);

#endif
