/* lp_scenario_io.h — departure scenarios from the command line and from
 * scenario files, resolved against a loaded graph (roles set).
 *
 * A scenario file is CSV (RFC 4180, as lp_csv reads it; .gz accepted), no
 * header: each record is a scenario name followed by the ids of the nodes
 * leaving, one per field (empty fields are ignored, so padded rows from a
 * spreadsheet are fine):
 *
 *     Anna leaves,e17
 *     "Sales team Nord",team-nord
 *     "Anna and Ben",e17,e42
 *
 * An id of a person node means that person; any other id stands for every
 * person adjacent to it (a team node: the whole team leaves together), see
 * lp_scenario_expand. Errors are LP_EINPUT, one line each:
 *   <path>: no scenarios
 *   <path>:<line>: empty scenario name | scenario "<name>" names no one |
 *       duplicate scenario name "<name>" (first on line K) |
 *       "<id>" is not a person and has no person neighbour
 *   <path>: unknown node id "<id>" (line L)
 *   <path>: N unknown node ids: "<id>" (line L), "<id>" (line L), ... and K more
 * and lp_csv_next's syntax errors.
 */
#ifndef LP_SCENARIO_IO_H
#define LP_SCENARIO_IO_H

#include "lp_graph.h"
#include "lp_addties.h"
#include "lp_scenario.h"

/* Append the scenarios of the file at path to *out (which may hold some
 * already; names must stay unique). On failure *out is left as it was. */
lp_status lp_scenarios_read_csv(lp_scenarios *out, const char *path, const lp_graph *g);

/* Append one scenario from a `--leave` value: ids separated by commas,
 * quoted as in CSV when an id contains a comma or a quote ("Smith, J",e2).
 * The scenario is named after the value. Errors as above with "--leave" in
 * place of "<path>:<line>". */
lp_status lp_scenarios_from_list(lp_scenarios *out, const char *list, const lp_graph *g);

/* Ties to add from a `--add` value: PERSON:ACCOUNT pairs separated by
 * commas; each side an id, or a name exactly one node has; quoted as in CSV
 * when it holds a comma, colon or quote. The person must be a person and
 * the account an account (LP_EINPUT naming the side otherwise), unknown ids
 * and ambiguous names as for --leave. *out malloc'ed [*out_count], owned by
 * the caller; how names were resolved is appended to notes (may be NULL). */
lp_status lp_ties_from_list(lp_tie **out, int64_t *out_count, const char *list, const lp_graph *g,
                            lp_strtab *notes);

#endif
