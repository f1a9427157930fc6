/* lp_export.h — a result file's tables as flat files for spreadsheets,
 * pandas and BI tools (`linchpin export`): accounts, persons and, when
 * scenarios ran, scenarios and scenario_losses. Columns are documented in
 * docs/export.md; the format (CSV or JSON lines) is lp_csvwrite.h's table
 * writer. */
#ifndef LP_EXPORT_H
#define LP_EXPORT_H

#include <stdint.h>

#include "lp_csvwrite.h"
#include "lp_results.h"

/* The person types used when the file does not record the run's --person
 * list (DESIGN.md's default). */
#define LP_EXPORT_DEFAULT_PERSON LP_RESULTS_DEFAULT_PERSON

/* What lp_export_write needs of lp_results_read_table. */
#define LP_EXPORT_PARTS                                                                            \
    (LP_RT_NODE_STRINGS | LP_RT_PERSONS | LP_RT_NODE_RISK | LP_RT_NODE_CENTRALITY |                \
     LP_RT_ACCOUNTS | LP_RT_SCENARIOS | LP_RT_PERSON_ROWS)

/* Write DIR/accounts.<ext>, DIR/persons.<ext> and, when t has scenarios,
 * DIR/scenarios.<ext> and DIR/scenario_losses.<ext> (ext csv or jsonl),
 * creating dir if missing. t must hold the parts LP_EXPORT_PARTS. All
 * files are renamed into place together at the end: on failure none is
 * replaced. Without scenarios, DIR's scenarios.<ext> and
 * scenario_losses.<ext> of an earlier export are removed after the commit.
 * *out_bytes (may be NULL) receives the bytes written. LP_EOUTPUT naming
 * the path when something cannot be written. */
lp_status lp_export_write(const lp_results_table *t, const char *dir, lp_table_format fmt,
                          int64_t *out_bytes);

#endif
