/* lp_results.h — the HDF5 result file of DESIGN.md ("linchpin-results",
 * format_version 1): writer and the reader used by `linchpin summary`.
 *
 * Writing is atomic: the file is written under a temporary name in the target
 * directory and renamed into place only when complete and closed. On any
 * failure the temporary file is removed and an earlier file at the target
 * path is left byte-identical. Errors are LP_EOUTPUT.
 */
#ifndef LP_RESULTS_H
#define LP_RESULTS_H

#include <stdint.h>

#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_keyperson.h"

typedef struct lp_timing {
    const char *phase; /* load, keyperson, busfactor, brokerage, betweenness, pagerank, scenarios */
    double seconds;
} lp_timing;

typedef struct lp_run_info {
    const char *command_line;    /* the command as typed */
    int threads;                 /* OpenMP threads used */
    const char *parameters_json; /* options as a JSON object */
    const lp_input_file *inputs;
    int n_inputs;
    const lp_timing *timings; /* phases that ran; "write" is added by the writer */
    int n_timings;
} lp_run_info;

/* What to write. Every pointer but g may be NULL: that column is then absent
 * from the file (never filled with zeros). */
typedef struct lp_results {
    const lp_graph *g;        /* /nodes/id, /nodes/type, counts */
    const int64_t *degree;    /* [n] /nodes/degree */
    const double *strength;   /* [n] /nodes/strength */
    const lp_keyperson *kp;   /* /nodes/is_articulation, accounts_at_risk, revenue_at_risk, /accounts/... */
    const int64_t *top_persons; /* rows, by revenue_at_risk (lp_keyperson_top) */
    int64_t n_top_persons;
    int64_t skipped_rows;     /* rows skipped with --skip-bad-rows */
    lp_run_info info;
} lp_results;

lp_status lp_results_write(const char *path, const lp_results *r);

/* ---- reading back (for `linchpin summary`) ----------------------------- */

typedef struct lp_summary_person {
    char *id, *type;
    int64_t accounts_at_risk;
    double revenue_at_risk;
} lp_summary_person;

typedef struct lp_summary {
    int64_t nodes, edges, accounts, orphan_accounts, accounts_with_key_person;
    int64_t articulation_points, merged_duplicates, dropped_self_loops, skipped_rows;
    double revenue_total, revenue_with_key_person; /* over accounts */
    char *created, *linchpin_version, *command_line;
    int64_t n_top;
    lp_summary_person *top; /* [n_top] by revenue_at_risk */
    int n_timings;
    char **timing_phase; /* [n_timings] */
    double *timing_seconds;
} lp_summary;

/* Read /summary and root attributes. LP_EINPUT if path is not a linchpin
 * result file (message says why). Free with lp_summary_free. */
lp_status lp_results_read_summary(lp_summary *out, const char *path);
void lp_summary_free(lp_summary *s); /* accepts NULL */

#endif
