/* subgraph.c — `linchpin subgraph` (placeholder until written). */
#include "lp_cli.h"
int lp_cli_subgraph(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return lp_cli_usage_error("%s", "subgraph: not built yet");
}
