/* lp_graphml.h — a subgraph (engine/lp_subgraph.h) for other tools
 * (graphml.c): GraphML written by igraph's own writer with igraph's C
 * attribute handler, for Gephi, Cytoscape or yEd; or Graphviz DOT, written
 * here with every id and string quoted.
 *
 * Vertex attributes: id, type, revenue, name (when the graph has names);
 * with results r (whose rows are g's nodes: lp_report_check_graph) also
 * accounts_at_risk, revenue_at_risk, is_articulation, betweenness,
 * pagerank, brokerage (those the file has) and, on account nodes only,
 * bus_factor, dominant_share and threads (absent on other nodes: igraph
 * leaves NaN values out). Edge attribute: weight. Vertices in s->node
 * order, edges in s order.
 *
 * Written atomically; LP_EOUTPUT when the file cannot be written,
 * LP_EINTERNAL when out of memory or igraph fails. Serial (igraph). */
#ifndef LP_GRAPHML_H
#define LP_GRAPHML_H

#include "lp_graph.h"
#include "lp_report.h"
#include "lp_subgraph.h"

typedef enum lp_export_format { LP_EXPORT_GRAPHML, LP_EXPORT_DOT } lp_export_format;

lp_status lp_subgraph_write(const char *path, lp_export_format format, const lp_graph *g,
                            const lp_subgraph *s, const lp_report_data *r);

#endif
