/* keypersons — a program outside linchpin that links the installed engine
 * and io libraries: load a graph from CSV, run the analysis of `linchpin
 * analyze`, print every account's key persons.
 *
 *     keypersons NODES.csv EDGES.csv
 *
 * Output: one line per account, "<account id>\t<key person ids joined by ;>"
 * (nearest to the account first; empty after the tab when none). Exit status
 * as the command's: the lp_status of the failing call. */
#include <stdio.h>

#include <lp_csv.h>
#include <lp_pipeline.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: keypersons NODES.csv EDGES.csv\n");
        return LP_EUSAGE;
    }
    lp_graph g;
    lp_status st = lp_graph_load_csv(&g, NULL, argv[1], argv[2], NULL);
    if (st) {
        fprintf(stderr, "keypersons: %s\n", lp_error_message());
        return st;
    }
    lp_analyze_options opt = LP_ANALYZE_OPTIONS_INIT; /* roles company/employee/account */
    lp_analysis a;
    if ((st = lp_analyze(&a, &g, &opt))) {
        fprintf(stderr, "keypersons: %s\n", lp_error_message());
        lp_graph_free(&g);
        return st;
    }
    const lp_keyperson *kp = &a.keyperson;
    for (int64_t i = 0; i < kp->n_accounts; i++) {
        printf("%s\t", lp_strtab_get(&g.nodes.id, kp->account_node[i]));
        for (int64_t k = kp->key_persons_offsets[i]; k < kp->key_persons_offsets[i + 1]; k++)
            printf("%s%s", k > kp->key_persons_offsets[i] ? ";" : "",
                   lp_strtab_get(&g.nodes.id, kp->key_persons[k]));
        printf("\n");
    }
    lp_analysis_free(&a);
    lp_graph_free(&g);
    return 0;
}
