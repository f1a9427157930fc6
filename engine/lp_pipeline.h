/* lp_pipeline.h — the whole analysis of `linchpin analyze` on a loaded
 * graph, so that a C program linking the engine gets the same results as
 * the command: roles, key persons, degree and strength, brokerage,
 * betweenness (exact or sampled), PageRank and the top lists, each phase
 * timed. No file I/O. */
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

typedef struct lp_analyze_options {
    lp_roles roles;
    lp_bw_mode betweenness;
    lp_sampling sampling; /* for LP_BW_SAMPLED */
    lp_pagerank_options pagerank;
    int64_t top;             /* length of the top lists */
    int32_t bus_factor_cap;  /* >= 2; bus factor exact below it */
    lp_progress_fn progress; /* NULL: silent */
    void *progress_ctx;
    const lp_scenarios *scenarios; /* departure scenarios to run, NULL: none */
    int centrality; /* 1: brokerage, betweenness (unless off), PageRank; 0: skip them */
} lp_analyze_options;
#define LP_ANALYZE_OPTIONS_INIT                                                                    \
    {                                                                                              \
        LP_ROLES_INIT, LP_BW_AUTO, LP_SAMPLING_INIT, LP_PAGERANK_OPTIONS_INIT, 20,                 \
            LP_BUS_FACTOR_CAP_DEFAULT, NULL, NULL, NULL, 1                                         \
    }

typedef struct lp_analysis {
    int64_t *degree;  /* [n] */
    double *strength; /* [n] */
    lp_keyperson kp;
    double *brokerage;           /* [n] */
    double *betweenness;         /* [n], NULL when off */
    lp_bw_mode betweenness_mode; /* the mode that ran: EXACT, SAMPLED or OFF */
    lp_sampling_report sampling; /* when SAMPLED */
    double *pagerank;            /* [n] */
    int pagerank_iterations;
    int64_t *top_persons, n_top_persons;         /* lp_keyperson_top */
    int64_t *top_brokers, n_top_brokers;         /* by brokerage */
    int64_t *top_betweenness, n_top_betweenness; /* by betweenness; NULL when off */
    int32_t *bus_factor;                         /* [kp.n_accounts] */
    int64_t *bus_factor_histogram;               /* [cap + 1]: accounts per bus factor */
    double *dominant_share;                      /* [kp.n_accounts], NaN: no person touches */
    lp_scenario_result scenarios;                /* when opt->scenarios (else count 0) */
    int has_scenarios;
    /* seconds per phase, as named in DESIGN.md's /summary/timings */
    double t_degree, t_keyperson, t_busfactor, t_brokerage, t_betweenness, t_pagerank, t_scenarios;
} lp_analysis;

/* Set g's roles from opt->roles and run every analysis. LP_EINPUT if no
 * node has an anchor type (the message names the --anchor list); LP_EUSAGE
 * for bad role lists or options. *out is owned by the caller
 * (lp_analysis_free) and written only on success. */
lp_status lp_analyze(lp_analysis *out, lp_graph *g, const lp_analyze_options *opt);
void lp_analysis_free(lp_analysis *a); /* accepts NULL */

#endif
