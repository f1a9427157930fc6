/* generate.c — `linchpin generate`: a synthetic enterprise as CSV, streamed
 * (engine/lp_generate.h makes the rows, io/lp_csvwrite.h writes them). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_cli.h"
#include "lp_progress.h"
#include "lp_csvwrite.h"
#include "lp_generate.h"

static const char GENERATE_USAGE[] =
    "usage: linchpin generate --accounts N [options] -o DIR\n"
    "\n"
    "Write a synthetic company-employee-customer graph to DIR/nodes.csv and\n"
    "DIR/edges.csv (the input format of `linchpin analyze`). The same options\n"
    "give byte-identical files. Rows are streamed: memory stays small however\n"
    "many accounts (about 3 nodes and 5 edge rows per account; 10M accounts\n"
    "make 1.6 GB of CSV).\n"
    "\n"
    "  --accounts N          customer accounts, 1..100000000 (required)\n"
    "  --employees N         employees, 2..100000000 (default: accounts/8 + 1,\n"
    "                        at least 2); half of them serve accounts\n"
    "  --seed S              random seed, 0..2^63-1 (default 42)\n"
    "  --names               human-like ids (\"Maria Schmidt (E0042)\", \"Acme Bank\n"
    "                        GmbH\") instead of compact ones (e42, a17, c1234)\n"
    "  --single-threaded F   share of the connected accounts that hang on exactly\n"
    "                        one employee, 0..1 (default 0.4)\n"
    "  --partners N          partner firms, 0..1000000 (default 3 + accounts/500)\n"
    "  --former-employees F  probability that an account employs one of our former\n"
    "                        employees, 0..1 (default 0.03)\n"
    "  --rep-alpha A         tail exponent of rep popularity (Pareto), 1.05..10\n"
    "                        (default 1.5; smaller = a few reps own more accounts)\n"
    "  --awkward             add odd but legal input: ids with commas, quotes,\n"
    "                        line breaks, tabs, UTF-8 and leading/trailing blanks;\n"
    "                        duplicate edge rows; self-loops; orphan accounts;\n"
    "                        empty revenue/weight fields; CRLF line ends and a\n"
    "                        UTF-8 byte order mark\n"
    "  --crlf                CRLF line ends (implied by --awkward)\n"
    "  -o, --output DIR      output directory (created if missing); files are\n"
    "                        written to temporary names and renamed when complete\n"
    "\n"
    "Graph: company -> divisions -> teams -> employees (first member of a team\n"
    "is its lead); accounts with lognormal revenue and a Pareto tail, 1-8\n"
    "contacts; reps drawn by heavy-tailed popularity; partners bridging\n"
    "accounts; former employees working at customers; subsidiaries reached\n"
    "through a parent account; weights are interaction counts. Types: company,\n"
    "division, team, employee, partner, account, contact, former_employee.\n"
    "\n"
    "exit status: 0 ok, 1 internal failure, 2 usage error, 4 cannot write output\n";

/* A number in [lo, hi], the whole string; 0 or -1. */
static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

int lp_cli_generate(int argc, char **argv)
{
    lp_generate_options go = LP_GENERATE_OPTIONS_INIT;
    lp_csv_write_options wo = LP_CSV_WRITE_OPTIONS_INIT;
    const char *dir = NULL;
    int have_accounts = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(GENERATE_USAGE, stdout);
            return 0;
        }
    }
    for (int i = 2; i < argc; i++) {
        const char *v;
        int64_t x;
        double f;
        if (!strcmp(argv[i], "-o") || !strncmp(argv[i], "--output", 8)) {
            const char *opt = argv[i];
            v = !strcmp(opt, "-o") ? (i + 1 < argc ? argv[++i] : "")
                                   : lp_cli_opt_value(argc, argv, &i, "--output");
            if (!v) return lp_cli_usage_error("unexpected argument '%s'", opt);
            if (!*v) return lp_cli_usage_error("%s needs a directory", opt);
            dir = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--accounts"))) {
            if (lp_cli_parse_int64(v, 1, LP_GENERATE_MAX_ACCOUNTS, &x))
                return lp_cli_usage_error("--accounts: expected a whole number from 1 to %" PRId64
                                          ", got '%s'",
                                          (int64_t)LP_GENERATE_MAX_ACCOUNTS, v);
            go.accounts = x;
            have_accounts = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--employees"))) {
            if (lp_cli_parse_int64(v, 2, LP_GENERATE_MAX_ACCOUNTS, &x))
                return lp_cli_usage_error("--employees: expected a whole number from 2 to %" PRId64
                                          ", got '%s'",
                                          (int64_t)LP_GENERATE_MAX_ACCOUNTS, v);
            go.employees = x;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--seed"))) {
            if (lp_cli_parse_int64(v, 0, INT64_MAX, &x))
                return lp_cli_usage_error("--seed: expected a non-negative whole number, got '%s'",
                                          v);
            go.seed = (uint64_t)x;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--single-threaded"))) {
            if (parse_double(v, 0, 1, &f))
                return lp_cli_usage_error("--single-threaded: expected a number from 0 to 1, "
                                          "got '%s'",
                                          v);
            go.single_threaded = f;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--partners"))) {
            if (lp_cli_parse_int64(v, 0, LP_GENERATE_MAX_PARTNERS, &x))
                return lp_cli_usage_error("--partners: expected a whole number from 0 to %" PRId64
                                          ", got '%s'",
                                          (int64_t)LP_GENERATE_MAX_PARTNERS, v);
            go.partners = x;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--former-employees"))) {
            if (parse_double(v, 0, 1, &f))
                return lp_cli_usage_error("--former-employees: expected a number from 0 to 1, "
                                          "got '%s'",
                                          v);
            go.former_employees = f;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--rep-alpha"))) {
            if (parse_double(v, 1.05, 10, &f))
                return lp_cli_usage_error("--rep-alpha: expected a number from 1.05 to 10, "
                                          "got '%s'",
                                          v);
            go.rep_alpha = f;
        } else if (!strcmp(argv[i], "--names")) {
            go.names = 1;
        } else if (!strcmp(argv[i], "--awkward")) {
            go.awkward = 1;
            wo.crlf = wo.bom = 1;
        } else if (!strcmp(argv[i], "--crlf")) {
            wo.crlf = 1;
        } else {
            return lp_cli_usage_error("unexpected argument '%s'", argv[i]);
        }
    }
    if (!have_accounts) return lp_cli_usage_error("%s", "generate needs --accounts N");
    if (!dir) return lp_cli_usage_error("%s", "generate needs -o DIR");
    lp_status st = lp_generate_check_options(&go);
    if (st) return lp_cli_fail(st);

    lp_generate_stats s;
    double t0 = lp_clock_seconds();
    if ((st = lp_csv_generate(dir, &s, &go, &wo))) return lp_cli_fail(st);
    double secs = lp_clock_seconds() - t0;

    printf("wrote %s/nodes.csv (%" PRId64 " nodes) and %s/edges.csv (%" PRId64
           " edge rows) in %.2f s\n",
           dir, s.nodes, dir, s.edge_rows, secs);
    for (int t = 0; t < LP_GEN_NTYPES; t++)
        printf("%s%s %" PRId64, t ? ", " : "  ", lp_generate_type_name(t), s.nodes_by_type[t]);
    int64_t connected = go.accounts - s.orphan_accounts;
    printf("\n  accounts: %" PRId64 " single-threaded (%.1f%% of connected), %" PRId64
           " subsidiaries, %" PRId64 " with partners, %" PRId64 " orphans\n",
           s.single_threaded_accounts,
           connected ? 100.0 * (double)s.single_threaded_accounts / (double)connected : 0.0,
           s.subsidiary_accounts, s.partner_accounts, s.orphan_accounts);
    if (go.awkward)
        printf("  awkward: %" PRId64 " duplicate edge rows, %" PRId64 " self-loops, %" PRId64
               " odd ids\n",
               s.duplicate_rows, s.self_loop_rows, s.odd_ids);
    return 0;
}
