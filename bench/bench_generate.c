/* bench_generate.c — write a synthetic enterprise graph for the benchmarks,
 * without depending on the command-line tool.
 *
 *   bench_generate --accounts N [--employees N] [--seed S] [--names]
 *                  [--single-threaded F] [--partners N] [--former-employees F]
 *                  [--rep-alpha A] [--awkward] --out DIR
 *
 * Streams DIR/nodes.csv and DIR/edges.csv (lp_csv_generate: lp_generate_stream
 * into the CSV sink; --awkward also sets CRLF and a BOM, as the command
 * does) and prints one line with the node count per type, the edge rows,
 * the generator's other counts, the time (generation and writing are one
 * pass) and the peak RSS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "lp_csvwrite.h"
#include "lp_generate.h"

static int parse_num(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return errno || end == s || *end || !(*out >= 0) ? -1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_generate --accounts N [--employees N] [--seed S] [--names]\n"
                    "       [--single-threaded F] [--partners N] [--former-employees F]\n"
                    "       [--rep-alpha A] [--awkward] --out DIR\n");
}

int main(int argc, char **argv)
{
    lp_generate_options opt = LP_GENERATE_OPTIONS_INIT;
    lp_csv_write_options wopt = LP_CSV_WRITE_OPTIONS_INIT;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        double v;
        if (!strcmp(a, "--names")) {
            opt.names = 1;
        } else if (!strcmp(a, "--awkward")) {
            opt.awkward = 1;
            wopt.crlf = wopt.bom = 1;
        } else if (i + 1 < argc && !strcmp(a, "--out")) {
            dir = argv[++i];
        } else if (i + 1 < argc && a[0] == '-' && a[1] == '-') {
            if (parse_num(argv[++i], &v)) {
                fprintf(stderr, "bench_generate: %s: not a non-negative number: %s\n", a, argv[i]);
                return 2;
            }
            if (!strcmp(a, "--accounts"))
                opt.accounts = (int64_t)v;
            else if (!strcmp(a, "--employees"))
                opt.employees = (int64_t)v;
            else if (!strcmp(a, "--seed"))
                opt.seed = (uint64_t)v;
            else if (!strcmp(a, "--single-threaded"))
                opt.single_threaded = v;
            else if (!strcmp(a, "--partners"))
                opt.partners = (int64_t)v;
            else if (!strcmp(a, "--former-employees"))
                opt.former_employees = v;
            else if (!strcmp(a, "--rep-alpha"))
                opt.rep_alpha = v;
            else {
                usage();
                return 2;
            }
        } else {
            usage();
            return 2;
        }
    }
    if (!dir) {
        usage();
        return 2;
    }

    lp_generate_stats s;
    double t0 = bench_now();
    lp_status st = lp_csv_generate(dir, &s, &opt, &wopt);
    double t1 = bench_now();
    if (st) {
        fprintf(stderr, "bench_generate: %s\n", lp_error_message());
        return (int)st;
    }
    printf("generated accounts=%lld seed=%llu nodes=%lld", (long long)opt.accounts,
           (unsigned long long)opt.seed, (long long)s.nodes);
    for (int t = 0; t < LP_GEN_NTYPES; t++)
        printf(" %s=%lld", lp_generate_type_name(t), (long long)s.nodes_by_type[t]);
    printf(" edge_rows=%lld duplicate_rows=%lld self_loops=%lld single_threaded=%lld "
           "orphans=%lld subsidiaries=%lld partner_accounts=%lld generate_write_s=%.3f "
           "peak_rss_mb=%.1f dir=%s\n",
           (long long)s.edge_rows, (long long)s.duplicate_rows, (long long)s.self_loop_rows,
           (long long)s.single_threaded_accounts, (long long)s.orphan_accounts,
           (long long)s.subsidiary_accounts, (long long)s.partner_accounts, t1 - t0,
           bench_peak_rss_mb(), dir);
    return 0;
}
