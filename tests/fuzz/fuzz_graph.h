/* fuzz_graph.h — the small fixed graph the scenario harnesses resolve ids
 * against: a company, a team, three employees (one id with a comma, one
 * with a quote), two accounts. */
#ifndef LP_FUZZ_GRAPH_H
#define LP_FUZZ_GRAPH_H

#include <stdlib.h>
#include <string.h>

#include "lp_graph.h"

static inline const lp_graph *fuzz_graph(void)
{
    static lp_graph g;
    static int made;
    if (made) return &g;
    static const char *types[] = {"company", "team", "employee", "account"};
    static const struct {
        const char *id;
        int type;
    } nodes_[] = {{"acme", 0}, {"team-nord", 1}, {"e1", 2}, {"Smith, J", 2},
                  {"e\"3", 2}, {"a1", 3},        {"a2", 3}};
    static const int edges_[][2] = {{0, 1}, {1, 2}, {1, 3}, {1, 4}, {2, 5}, {3, 5}, {4, 6}};
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < 4; t++)
        if (lp_strtab_push(&nodes.type_name, types[t], strlen(types[t]))) abort();
    for (size_t i = 0; i < sizeof nodes_ / sizeof nodes_[0]; i++)
        if (lp_nodes_push(&nodes, nodes_[i].id, strlen(nodes_[i].id), nodes_[i].type, 1.0)) abort();
    for (size_t i = 0; i < sizeof edges_ / sizeof edges_[0]; i++)
        if (lp_edges_push(&edges, edges_[i][0], edges_[i][1], 1.0)) abort();
    lp_roles roles = LP_ROLES_INIT;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_set_roles(&g, &roles)) abort();
    made = 1;
    return &g;
}

#endif
