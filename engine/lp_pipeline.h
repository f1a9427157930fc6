/* lp_pipeline.h — the whole analysis of `linchpin analyze` on a loaded
 * graph, so that a C program linking the engine gets the same results as
 * the command: roles, key persons, bus factor and dominant share, departure
 * scenarios, brokerage, betweenness (exact or sampled), PageRank, degree and
 * strength, the top lists, each phase timed. No file I/O: io/'s
 * lp_results_write writes an lp_analysis as it is.
 *
 *     lp_analyze_options opt = LP_ANALYZE_OPTIONS_INIT;
 *     opt.roles.person = "employee,contact";
 *     lp_analysis a;
 *     if (lp_analyze(&a, &g, &opt) == LP_OK) {
 *         ... a.keyperson.key_persons, a.bus_factor, a.pagerank ...
 *         lp_analysis_free(&a);
 *     }
 */
#ifndef LP_PIPELINE_H
#define LP_PIPELINE_H

#include "lp_busfactor.h"
#include "lp_centrality.h"
#include "lp_graph.h"
#include "lp_keyperson.h"
#include "lp_scenario.h"

typedef enum lp_bw_mode { LP_BW_AUTO, LP_BW_EXACT, LP_BW_SAMPLED, LP_BW_OFF } lp_bw_mode;

/* LP_BW_AUTO: exact up to this many nodes, sampled above (exact costs
 * O(sum over blocks of |B| |E_B|), O(n m) at worst). */
#define LP_EXACT_BETWEENNESS_MAX_NODES 50000

/* Called after each phase (serial code, never inside a parallel region). */
typedef void (*lp_progress_fn)(void *ctx, const char *phase, double seconds, const char *detail);

/* Parts of an lp_analysis that become final one after another while
 * lp_analyze runs, in this order (DEGREE and STRENGTH always; BROKERAGE,
 * BETWEENNESS and PAGERANK when centrality runs, BETWEENNESS unless off):
 *   ACCOUNTS: the key-person columns (per node and per account), bus
 *     factor, dominant share, threads, second links, scenario results, and
 *     top_persons;
 *   BROKERAGE: brokerage and top_brokers;  BETWEENNESS: betweenness (with
 *     its mode, sampling and sampling_done) and top_betweenness;
 *   PAGERANK: pagerank and pagerank_iterations;  DEGREE; STRENGTH. */
typedef struct lp_analysis lp_analysis;
typedef enum lp_analysis_part {
    LP_PART_ACCOUNTS = 0,
    LP_PART_BROKERAGE,
    LP_PART_BETWEENNESS,
    LP_PART_PAGERANK,
    LP_PART_DEGREE,
    LP_PART_STRENGTH,
    LP_N_PARTS
} lp_analysis_part;

/* Takes a part as soon as it is final (serial code; io's lp_results_stream
 * writes it to the result file). After it returns LP_OK, lp_analyze frees
 * the part's per-node and per-account arrays and sets them to NULL (the
 * counts, histogram, top lists and attributes stay), and records the part
 * in lp_analysis.sunk: no phase after it holds those arrays, which lowers
 * the peak memory by all the results computed so far. An error stops
 * lp_analyze, which returns it. */
typedef lp_status (*lp_analysis_sink_fn)(void *ctx, const lp_analysis *a, lp_analysis_part part);

typedef struct lp_analyze_options {
    lp_roles roles;
    double min_tie;                /* > 0: ties weaker than this are removed from the
                                      graph before any analysis (lp_graph_drop_weak_ties) */
    int32_t bus_factor_cap;        /* >= 2; bus factor exact below it */
    int32_t second_links;          /* suggestions per bus-factor-1 account, 0: none */
    const lp_scenarios *scenarios; /* departure scenarios to run, NULL: none;
                                      borrowed, must outlive the lp_analysis */
    int centrality;                /* 1: brokerage, betweenness (unless off),
                                      PageRank; 0: skip them */
    lp_bw_mode betweenness;
    lp_sampling sampling; /* for LP_BW_SAMPLED */
    lp_pagerank_options pagerank;
    int64_t top;             /* length of the top lists */
    lp_progress_fn progress; /* NULL: silent */
    void *progress_ctx;
    const lp_dist *dist;      /* NULL: one process; else the ranks share betweenness sources
                                 and bus-factor accounts (lp_dist.h), results identical */
    lp_analysis_sink_fn sink; /* NULL: every array stays in the lp_analysis */
    void *sink_ctx;
} lp_analyze_options;
#define LP_ANALYZE_OPTIONS_INIT                                                                    \
    {                                                                                              \
        .roles = LP_ROLES_INIT, .bus_factor_cap = LP_BUS_FACTOR_CAP_DEFAULT,                       \
        .second_links = LP_SECOND_LINKS_DEFAULT, .centrality = 1, .betweenness = LP_BW_AUTO,       \
        .sampling = LP_SAMPLING_INIT, .pagerank = LP_PAGERANK_OPTIONS_INIT, .top = 20              \
    }

/* Seconds of one phase. Phase names are stable (they are the attribute
 * names of /summary/timings): load, keyperson, busfactor, secondlinks,
 * scenarios, brokerage, betweenness, pagerank; the writer adds write. */
typedef struct lp_timing {
    const char *phase;
    double seconds;
} lp_timing;
#define LP_MAX_PHASES 8

/* The org-chart warning: one person is key person of more than half of the
 * accounts with a path to the company, and of at least this many. */
#define LP_DOMINANT_KEY_PERSON_MIN_ACCOUNTS 10

/* Everything one analysis found, ordered as the result file: per node, per
 * account, departure scenarios, summary, timings. An array that is NULL was
 * not computed and is absent from the file (never filled with zeros). */
struct lp_analysis {
    int64_t n; /* nodes of the graph analysed */

    /* ---- per node [n] -------------------------------------------------- */
    int64_t *degree;  /* distinct neighbours */
    double *strength; /* sum of merged weights */
    double *pagerank;
    int pagerank_iterations;
    double *betweenness;              /* NULL when off */
    lp_bw_mode betweenness_mode;      /* the mode that ran: EXACT, SAMPLED or OFF */
    lp_sampling sampling;             /* SAMPLED: the guarantee asked and the seed */
    lp_sampling_report sampling_done; /* SAMPLED: samples taken, vertex-diameter bound */
    double *brokerage;

    /* Key persons: per node is_articulation, accounts_at_risk,
     * revenue_at_risk; per account node, revenue, connected, key_persons;
     * and the counts of the summary. Absent when keyperson.is_articulation
     * is NULL (only a hand-made lp_analysis lacks it). */
    lp_keyperson keyperson;

    /* ---- per account [keyperson.n_accounts] ----------------------------- */
    int32_t *bus_factor;          /* 0 .. bus_factor_cap, cap meaning "cap or more" */
    int32_t bus_factor_cap;       /* >= 2 */
    double *dominant_share;       /* NaN: no person touches the account */
    int32_t *threads;             /* persons with a tie to the account's customer side */
    int64_t *second_link_offsets; /* CSR [n_accounts + 1] into second_link; NULL when off */
    lp_vid *second_link;          /* node rows of persons to tie to the account, best first */
    int32_t second_links;         /* at most this many per account */

    /* ---- departure scenarios (when options.scenarios) ------------------ */
    const lp_scenarios *scenario_set; /* borrowed from the options; NULL: none ran */
    lp_scenario_result scenarios;

    /* ---- summary --------------------------------------------------------- */
    double min_tie;                /* the option; 0: no tie was dropped for weakness */
    int64_t weak_ties_dropped;     /* ties below min_tie removed before the analyses */
    int64_t *bus_factor_histogram; /* [bus_factor_cap + 1] accounts per value */
    lp_vid *top_persons;           /* node rows by revenue_at_risk (lp_keyperson_top) */
    int64_t n_top_persons;
    lp_vid *top_brokers; /* node rows by brokerage */
    int64_t n_top_brokers;
    lp_vid *top_betweenness; /* node rows by betweenness; NULL when off */
    int64_t n_top_betweenness;
    lp_strtab warnings; /* what looks wrong with the model, one sentence each (e.g. one
                           person is key person of most accounts: a reporting line
                           modelled as a relationship) */

    /* ---- timings, in the order the phases ran ---------------------------- */
    lp_timing timings[LP_MAX_PHASES];
    int n_timings;

    /* Parts handed to options.sink, bit 1 << lp_analysis_part: computed,
     * written by the sink, their arrays freed and NULL here. */
    unsigned sunk;
};

/* Set g's roles from opt->roles and run every analysis. LP_EINPUT if no
 * node has an anchor type (the message names the anchor list); LP_EUSAGE
 * for bad role lists or options. Phase "load" of the timings holds the
 * time of degree and strength: a caller that loaded the graph adds its own
 * seconds with lp_analysis_add_time. *out is owned by the caller
 * (lp_analysis_free) and written only on success. */
lp_status lp_analyze(lp_analysis *out, lp_graph *g, const lp_analyze_options *opt);
void lp_analysis_free(lp_analysis *a); /* accepts NULL; leaves *a zeroed */

/* Add seconds to phase (a static string), appending the phase if it is not
 * there yet. LP_EINTERNAL when LP_MAX_PHASES are taken. */
lp_status lp_analysis_add_time(lp_analysis *a, const char *phase, double seconds);

#endif
