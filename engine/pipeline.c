/* pipeline.c — `linchpin analyze` as one engine call (see lp_pipeline.h).
 * Runs the kernels one after another, one function per phase; each kernel
 * is parallel inside. Every phase fills its part of the lp_analysis and
 * records its time and a one-line detail for the progress callback. With
 * a sink, each part is handed over as soon as it is final (part_done) and
 * its arrays freed: the accounts after second links and scenarios (their
 * last reader), brokerage, betweenness and PageRank each after its phase
 * and its top list, then degree and strength one at a time. */
#include "lp_pipeline.h"
#include "lp_alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_metrics.h"
#include "lp_progress.h"
#include "lp_secondlink.h"

void lp_analysis_free(lp_analysis *a)
{
    if (!a) return;
    free(a->degree);
    free(a->strength);
    free(a->pagerank);
    free(a->betweenness);
    free(a->brokerage);
    lp_keyperson_free(&a->keyperson);
    free(a->bus_factor);
    free(a->dominant_share);
    free(a->threads);
    free(a->second_link_offsets);
    free(a->second_link);
    lp_scenario_result_free(&a->scenarios);
    free(a->bus_factor_histogram);
    free(a->top_persons);
    free(a->top_brokers);
    free(a->top_betweenness);
    lp_strtab_free(&a->warnings);
    memset(a, 0, sizeof *a);
}

lp_status lp_analysis_add_time(lp_analysis *a, const char *phase, double seconds)
{
    for (int i = 0; i < a->n_timings; i++)
        if (!strcmp(a->timings[i].phase, phase)) {
            a->timings[i].seconds += seconds;
            return LP_OK;
        }
    if (a->n_timings == LP_MAX_PHASES)
        return lp_error_set(LP_EINTERNAL, "more than %d timed phases", LP_MAX_PHASES);
    a->timings[a->n_timings++] = (lp_timing){.phase = phase, .seconds = seconds};
    return LP_OK;
}

/* Record a finished phase and tell the caller. */
static void phase_done(lp_analysis *a, const lp_analyze_options *opt, const char *phase, double t0,
                       const char *detail)
{
    double seconds = lp_clock_seconds() - t0;
    lp_analysis_add_time(a, phase, seconds); /* cannot fail: fewer phases than slots */
    if (opt->progress) opt->progress(opt->progress_ctx, phase, seconds, detail);
}

/* Free the arrays of a part handed to the sink (see lp_analysis_sink_fn). */
static void drop_part(lp_analysis *a, lp_analysis_part part)
{
    switch (part) {
    case LP_PART_ACCOUNTS: {
        lp_keyperson_free_arrays(&a->keyperson); /* the counts stay */
        free(a->bus_factor);
        free(a->dominant_share);
        free(a->threads);
        free(a->second_link_offsets);
        free(a->second_link);
        a->bus_factor = a->threads = NULL;
        a->dominant_share = NULL;
        a->second_link_offsets = NULL;
        a->second_link = NULL;
        int64_t count = a->scenarios.count; /* the scenario results are columns too */
        lp_scenario_result_free(&a->scenarios);
        a->scenarios.count = count;
        break;
    }
    case LP_PART_BROKERAGE:
        free(a->brokerage);
        a->brokerage = NULL;
        break;
    case LP_PART_BETWEENNESS:
        free(a->betweenness);
        a->betweenness = NULL;
        break;
    case LP_PART_PAGERANK:
        free(a->pagerank);
        a->pagerank = NULL;
        break;
    case LP_PART_DEGREE:
        free(a->degree);
        a->degree = NULL;
        break;
    case LP_PART_STRENGTH:
        free(a->strength);
        a->strength = NULL;
        break;
    case LP_N_PARTS:
        break;
    }
}

/* A part is final: hand it to the sink, if any, and drop its arrays. */
static lp_status part_done(lp_analysis *a, const lp_analyze_options *opt, lp_analysis_part part)
{
    if (!opt->sink) return LP_OK;
    lp_status st = opt->sink(opt->sink_ctx, a, part);
    if (st) return st;
    drop_part(a, part);
    a->sunk |= 1u << part;
    return LP_OK;
}

/* The org-chart trap: when one person alone connects most accounts to the
 * company, the model is almost always wrong (a reporting line drawn as an
 * edge makes the CEO everyone's key person), so say so. */
static lp_status warn_dominant_key_person(lp_analysis *a, const lp_graph *g)
{
    const lp_keyperson *kp = &a->keyperson;
    int64_t connected = kp->n_accounts - kp->orphan_accounts;
    /* the person at risk for the most accounts, the lowest row of a tie:
     * those at risk are exactly the persons on the accounts' key-person
     * lists, far fewer than the rows (a scan of all n rows of the sparse
     * at-risk column faulted in its untouched pages) */
    const int64_t *risk = kp->accounts_at_risk;
    const int64_t listed = kp->key_persons_offsets[kp->n_accounts];
    lp_vid best = -1;
    for (int64_t j = 0; j < listed; j++) {
        lp_vid v = kp->key_persons[j];
        if (best < 0 || risk[v] > risk[best] || (risk[v] == risk[best] && v < best)) best = v;
    }
    if (best < 0 || connected < LP_DOMINANT_KEY_PERSON_MIN_ACCOUNTS ||
        kp->accounts_at_risk[best] < LP_DOMINANT_KEY_PERSON_MIN_ACCOUNTS ||
        2 * kp->accounts_at_risk[best] <= connected)
        return LP_OK;
    char label[512], msg[1024];
    lp_graph_node_label(g, best, label, sizeof label);
    int len = snprintf(msg, sizeof msg,
                       "%s is the key person of %lld of the %lld accounts connected to the "
                       "company (%.0f%%); usually the model is wrong: a reporting line "
                       "(employee - manager - CEO) drawn as an edge, or one person standing "
                       "between the company and everyone else. Tie every employee to the "
                       "company side (company, department or team node) instead",
                       label, (long long)kp->accounts_at_risk[best], (long long)connected,
                       100.0 * (double)kp->accounts_at_risk[best] / (double)connected);
    return lp_strtab_push(&a->warnings, msg, len < (int)sizeof msg ? (size_t)len : sizeof msg - 1);
}

static lp_status run_keyperson(lp_analysis *a, const lp_graph *g, const lp_analyze_options *opt)
{
    double t0 = lp_clock_seconds();
    lp_status st = lp_keyperson_run(&a->keyperson, g);
    if (st || (st = warn_dominant_key_person(a, g))) return st;
    char detail[160];
    snprintf(detail, sizeof detail, "%lld of %lld accounts hang on one person",
             (long long)a->keyperson.accounts_with_key_person, (long long)a->keyperson.n_accounts);
    phase_done(a, opt, "keyperson", t0, detail);
    return LP_OK;
}

/* Bus factor, its histogram and dominant share of every account; with
 * scenarios, also the persons on each account's disjoint paths
 * (*path_offsets, *path_persons: the caller frees them). */
static lp_status run_busfactor(lp_analysis *a, const lp_graph *g, const lp_analyze_options *opt,
                               int64_t **path_offsets, lp_vid **path_persons)
{
    double t0 = lp_clock_seconds();
    int64_t na = a->keyperson.n_accounts;
    const lp_vid *acc = a->keyperson.account_node;
    int32_t cap = opt->bus_factor_cap;
    a->bus_factor_cap = cap;
    a->bus_factor = lp_malloc(((size_t)na + 1) * sizeof *a->bus_factor);
    a->dominant_share = lp_malloc(((size_t)na + 1) * sizeof *a->dominant_share);
    a->threads = lp_malloc(((size_t)na + 1) * sizeof *a->threads);
    a->bus_factor_histogram = lp_calloc((size_t)cap + 1, sizeof *a->bus_factor_histogram);
    if (!a->bus_factor || !a->dominant_share || !a->threads || !a->bus_factor_histogram)
        return lp_error_nomem("bus factor");
    lp_status st = lp_bus_factor_paths_dist(a->bus_factor, opt->scenarios ? path_offsets : NULL,
                                            path_persons, g, acc, na, cap, opt->dist);
    if (st || (st = lp_dominant_share(a->dominant_share, a->threads, g, acc, na))) return st;
    for (int64_t i = 0; i < na; i++)
        a->bus_factor_histogram[a->bus_factor[i]]++;
    char detail[160];
    snprintf(detail, sizeof detail, "%lld accounts with bus factor 1, %lld at %d or more",
             (long long)a->bus_factor_histogram[1], (long long)a->bus_factor_histogram[cap], cap);
    phase_done(a, opt, "busfactor", t0, detail);
    return LP_OK;
}

static lp_status run_second_links(lp_analysis *a, const lp_graph *g, const lp_analyze_options *opt)
{
    double t0 = lp_clock_seconds();
    lp_status st = lp_second_links_dist(&a->second_link_offsets, &a->second_link, g, &a->keyperson,
                                        a->bus_factor, opt->second_links, opt->dist);
    if (st) return st;
    a->second_links = opt->second_links;
    char detail[96];
    snprintf(detail, sizeof detail, "%lld suggestions",
             (long long)a->second_link_offsets[a->keyperson.n_accounts]);
    phase_done(a, opt, "secondlinks", t0, detail);
    return LP_OK;
}

static lp_status run_scenarios(lp_analysis *a, const lp_graph *g, const lp_analyze_options *opt,
                               const int64_t *path_offsets, const lp_vid *path_persons)
{
    double t0 = lp_clock_seconds();
    lp_status st = lp_scenarios_run_dist(&a->scenarios, g, &a->keyperson, a->bus_factor,
                                         path_offsets, path_persons, opt->scenarios, opt->dist);
    if (st) return st;
    a->scenario_set = opt->scenarios;
    char detail[64];
    snprintf(detail, sizeof detail, "%lld scenarios", (long long)a->scenarios.count);
    phase_done(a, opt, "scenarios", t0, detail);
    return LP_OK;
}

/* Brokerage, betweenness (unless off) and PageRank, each with its top list,
 * each handed to the sink as it is final. */
static lp_status run_centrality(lp_analysis *a, const lp_graph *g, const lp_analyze_options *opt)
{
    size_t n1 = (size_t)g->n + 1;
    if (!(a->brokerage = lp_malloc(n1 * sizeof *a->brokerage))) return lp_error_nomem("brokerage");
    double t0 = lp_clock_seconds();
    lp_status st = lp_brokerage(a->brokerage, g);
    if (st) return st;
    phase_done(a, opt, "brokerage", t0, "");
    if ((st = lp_top_by_value(&a->top_brokers, &a->n_top_brokers, a->brokerage, g->n, opt->top)) ||
        (st = part_done(a, opt, LP_PART_BROKERAGE)))
        return st;

    if (a->betweenness_mode != LP_BW_OFF) {
        if (!(a->betweenness = lp_malloc(n1 * sizeof *a->betweenness)))
            return lp_error_nomem("betweenness");
        t0 = lp_clock_seconds();
        char detail[96] = "exact";
        if (a->betweenness_mode == LP_BW_EXACT) {
            st = lp_betweenness_exact_dist(a->betweenness, &g->csr, opt->dist);
        } else {
            a->sampling = opt->sampling;
            st = lp_betweenness_sampled_dist(a->betweenness, &a->sampling_done, &g->csr,
                                             &opt->sampling, opt->dist);
            snprintf(detail, sizeof detail, "sampled, %lld paths",
                     (long long)a->sampling_done.samples);
        }
        if (st) return st;
        phase_done(a, opt, "betweenness", t0, detail);
        if ((st = lp_top_by_value(&a->top_betweenness, &a->n_top_betweenness, a->betweenness, g->n,
                                  opt->top)) ||
            (st = part_done(a, opt, LP_PART_BETWEENNESS)))
            return st;
    }

    if (!(a->pagerank = lp_malloc(n1 * sizeof *a->pagerank))) return lp_error_nomem("pagerank");
    t0 = lp_clock_seconds();
    if ((st = lp_pagerank(a->pagerank, &a->pagerank_iterations, &g->csr, &opt->pagerank)))
        return st;
    char detail[64];
    snprintf(detail, sizeof detail, "%d iterations", a->pagerank_iterations);
    phase_done(a, opt, "pagerank", t0, detail);
    return part_done(a, opt, LP_PART_PAGERANK);
}

/* Degree and strength (timed as part of "load"), each handed to the sink
 * as it is computed. Computed last: they are only output, and not holding
 * degree and strength during betweenness and PageRank lowers the peak by
 * 16 bytes a node. */
static lp_status run_degree_strength(lp_analysis *a, const lp_graph *g,
                                     const lp_analyze_options *opt)
{
    size_t n1 = (size_t)g->n + 1;
    double t0 = lp_clock_seconds();
    if (!(a->degree = lp_malloc(n1 * sizeof *a->degree))) return lp_error_nomem("node columns");
    lp_degree(a->degree, &g->csr);
    double t1 = lp_clock_seconds();
    lp_status st = part_done(a, opt, LP_PART_DEGREE);
    if (st) return st;
    double t2 = lp_clock_seconds();
    if (!(a->strength = lp_malloc(n1 * sizeof *a->strength))) return lp_error_nomem("node columns");
    lp_strength(a->strength, &g->csr);
    lp_analysis_add_time(a, "load", (t1 - t0) + (lp_clock_seconds() - t2));
    return part_done(a, opt, LP_PART_STRENGTH);
}

lp_status lp_analyze(lp_analysis *out, lp_graph *g, const lp_analyze_options *opt)
{
    if (opt->second_links < 0)
        return lp_error_set(LP_EUSAGE, "the second-link count must not be negative");
    if (opt->bus_factor_cap < 2)
        return lp_error_set(LP_EUSAGE, "the bus-factor cap must be at least 2 (got %d)",
                            (int)opt->bus_factor_cap);
    lp_status st = lp_graph_set_roles(g, &opt->roles);
    if (st) return st;
    if (g->n_anchor == 0)
        return lp_error_set(LP_EINPUT, "no anchor node: no node has an anchor type (%s)",
                            opt->roles.anchor);

    lp_analysis a;
    memset(&a, 0, sizeof a);
    if (opt->min_tie > 0) {
        if (!isfinite(opt->min_tie))
            return lp_error_set(LP_EUSAGE, "the minimum tie weight must be finite");
        if ((st = lp_graph_drop_weak_ties(g, opt->min_tie, &a.weak_ties_dropped))) return st;
        a.min_tie = opt->min_tie;
    }
    a.n = g->n;
    a.betweenness_mode = opt->betweenness;
    if (a.betweenness_mode == LP_BW_AUTO)
        a.betweenness_mode = g->n <= LP_EXACT_BETWEENNESS_MAX_NODES ? LP_BW_EXACT : LP_BW_SAMPLED;
    if (!opt->centrality) a.betweenness_mode = LP_BW_OFF;
    lp_analysis_add_time(&a, "load", 0); /* first in the list, as it ran first */

    int64_t *path_offsets = NULL; /* persons on each account's paths (scenarios) */
    lp_vid *path_persons = NULL;
    if (!(st = run_keyperson(&a, g, opt)) &&
        !(st = run_busfactor(&a, g, opt, &path_offsets, &path_persons)) && opt->second_links > 0)
        st = run_second_links(&a, g, opt);
    if (!st && opt->scenarios) st = run_scenarios(&a, g, opt, path_offsets, path_persons);
    free(path_offsets);
    free(path_persons);
    if (!st) st = lp_keyperson_top(&a.top_persons, &a.n_top_persons, g, &a.keyperson, opt->top);
    if (!st) st = part_done(&a, opt, LP_PART_ACCOUNTS);
    if (!st && opt->centrality) st = run_centrality(&a, g, opt);
    if (!st) st = run_degree_strength(&a, g, opt);
    if (st) {
        lp_analysis_free(&a);
        return st;
    }
    *out = a;
    return LP_OK;
}
