/* pipeline.c — `linchpin analyze` as one engine call (see lp_pipeline.h).
 * Runs the kernels one after another; each is parallel inside. */
#include "lp_pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lp_metrics.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void report(const lp_analyze_options *opt, const char *phase, double seconds,
                   const char *detail)
{
    if (opt->progress) opt->progress(opt->progress_ctx, phase, seconds, detail);
}

void lp_analysis_free(lp_analysis *a)
{
    if (!a) return;
    free(a->degree);
    free(a->strength);
    lp_keyperson_free(&a->kp);
    free(a->brokerage);
    free(a->betweenness);
    free(a->pagerank);
    free(a->top_persons);
    free(a->top_brokers);
    free(a->top_betweenness);
    free(a->bus_factor);
    free(a->bus_factor_histogram);
    free(a->dominant_share);
    lp_scenario_result_free(&a->scenarios);
    memset(a, 0, sizeof *a);
}

lp_status lp_analyze(lp_analysis *out, lp_graph *g, const lp_analyze_options *opt)
{
    lp_analysis a;
    memset(&a, 0, sizeof a);
    char detail[160];
    int64_t *path_offsets = NULL; /* persons on each account's paths (scenarios) */
    lp_vid *path_persons = NULL;
    if (opt->bus_factor_cap < 2)
        return lp_error_set(LP_EUSAGE, "--bus-factor-cap must be at least 2");
    lp_status st = lp_graph_set_roles(g, &opt->roles);
    if (st) return st;
    if (g->n_anchor == 0)
        return lp_error_set(LP_EINPUT, "no anchor node: no node has a type in --anchor %s",
                            opt->roles.anchor);
    a.betweenness_mode = opt->betweenness;
    if (a.betweenness_mode == LP_BW_AUTO)
        a.betweenness_mode = g->n <= LP_EXACT_BETWEENNESS_MAX_NODES ? LP_BW_EXACT : LP_BW_SAMPLED;

    size_t n1 = (size_t)g->n + 1;
    const int cen = opt->centrality;
    if (!cen) a.betweenness_mode = LP_BW_OFF;
    if (cen) a.brokerage = malloc(n1 * sizeof *a.brokerage);
    if (cen) a.pagerank = malloc(n1 * sizeof *a.pagerank);
    if (a.betweenness_mode != LP_BW_OFF) a.betweenness = malloc(n1 * sizeof *a.betweenness);
    if ((cen && (!a.brokerage || !a.pagerank)) ||
        (a.betweenness_mode != LP_BW_OFF && !a.betweenness)) {
        st = lp_error_nomem("node columns");
        goto fail;
    }

    double t0 = now();
    if ((st = lp_keyperson_run(&a.kp, g))) goto fail;
    a.t_keyperson = now() - t0;
    snprintf(detail, sizeof detail, "%lld of %lld accounts hang on one person",
             (long long)a.kp.accounts_with_key_person, (long long)a.kp.n_accounts);
    report(opt, "keyperson", a.t_keyperson, detail);

    /* Bus factor and dominant share, per account. */
    t0 = now();
    int64_t na = a.kp.n_accounts;
    int32_t cap = opt->bus_factor_cap;
    a.bus_factor = malloc(((size_t)na + 1) * sizeof *a.bus_factor);
    a.dominant_share = malloc(((size_t)na + 1) * sizeof *a.dominant_share);
    a.bus_factor_histogram = calloc((size_t)cap + 1, sizeof *a.bus_factor_histogram);
    if (!a.bus_factor || !a.dominant_share || !a.bus_factor_histogram) {
        st = lp_error_nomem("bus factor");
        goto fail;
    }
    if (opt->scenarios)
        st = lp_bus_factor_paths(a.bus_factor, &path_offsets, &path_persons, g, a.kp.account_node,
                                 na, cap);
    else
        st = lp_bus_factor(a.bus_factor, g, a.kp.account_node, na, cap);
    if (st || (st = lp_dominant_share(a.dominant_share, g, a.kp.account_node, na))) goto fail;
    for (int64_t i = 0; i < na; i++)
        a.bus_factor_histogram[a.bus_factor[i]]++;
    a.t_busfactor = now() - t0;
    snprintf(detail, sizeof detail, "%lld accounts with bus factor 1, %lld at %d or more",
             (long long)a.bus_factor_histogram[1], (long long)a.bus_factor_histogram[cap], cap);
    report(opt, "busfactor", a.t_busfactor, detail);

    if (opt->scenarios) {
        t0 = now();
        if ((st = lp_scenarios_run(&a.scenarios, g, &a.kp, a.bus_factor, path_offsets, path_persons,
                                   opt->scenarios)))
            goto fail;
        a.has_scenarios = 1;
        a.t_scenarios = now() - t0;
        snprintf(detail, sizeof detail, "%lld scenarios", (long long)a.scenarios.count);
        report(opt, "scenarios", a.t_scenarios, detail);
    }
    free(path_offsets);
    free(path_persons);
    path_offsets = NULL;
    path_persons = NULL;

    if (!cen) goto tops;
    t0 = now();
    if ((st = lp_brokerage(a.brokerage, g))) goto fail;
    a.t_brokerage = now() - t0;
    report(opt, "brokerage", a.t_brokerage, "");

    if (a.betweenness_mode != LP_BW_OFF) {
        t0 = now();
        if (a.betweenness_mode == LP_BW_EXACT)
            st = lp_betweenness_exact(a.betweenness, &g->csr);
        else
            st = lp_betweenness_sampled(a.betweenness, &a.sampling, &g->csr, &opt->sampling);
        if (st) goto fail;
        a.t_betweenness = now() - t0;
        if (a.betweenness_mode == LP_BW_EXACT)
            snprintf(detail, sizeof detail, "exact");
        else
            snprintf(detail, sizeof detail, "sampled, %lld paths", (long long)a.sampling.samples);
        report(opt, "betweenness", a.t_betweenness, detail);
    }

    t0 = now();
    if ((st = lp_pagerank(a.pagerank, &a.pagerank_iterations, &g->csr, &opt->pagerank))) goto fail;
    a.t_pagerank = now() - t0;
    snprintf(detail, sizeof detail, "%d iterations", a.pagerank_iterations);
    report(opt, "pagerank", a.t_pagerank, detail);

tops:
    /* Degree and strength last: they are only output, and not holding them
     * during betweenness and PageRank lowers the peak by 16 bytes a node. */
    t0 = now();
    if (!(a.degree = malloc(n1 * sizeof *a.degree)) ||
        !(a.strength = malloc(n1 * sizeof *a.strength))) {
        st = lp_error_nomem("node columns");
        goto fail;
    }
    lp_degree(a.degree, &g->csr);
    lp_strength(a.strength, &g->csr);
    a.t_degree = now() - t0;

    if ((st = lp_keyperson_top(&a.top_persons, &a.n_top_persons, g, &a.kp, opt->top)) ||
        (cen &&
         (st = lp_top_by_value(&a.top_brokers, &a.n_top_brokers, a.brokerage, g->n, opt->top))) ||
        (a.betweenness && (st = lp_top_by_value(&a.top_betweenness, &a.n_top_betweenness,
                                                a.betweenness, g->n, opt->top))))
        goto fail;
    *out = a;
    return LP_OK;

fail:
    free(path_offsets);
    free(path_persons);
    lp_analysis_free(&a);
    return st;
}
