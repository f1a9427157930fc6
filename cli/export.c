/* export.c — `linchpin export RESULTS.h5 -o DIR [--format csv|jsonl]`: the
 * result file read whole and checked, then written as flat tables
 * (lp_export_write; columns in docs/export.md). A damaged or foreign file
 * is exit 3 before anything is created. */
#include "lp_cli.h"

#include <stdio.h>
#include <string.h>

#include "lp_export.h"
#include "lp_progress.h"

const char LP_CLI_EXPORT_USAGE[] =
    "usage: linchpin export RESULTS.h5 -o DIR [--format csv|jsonl]\n"
    "\n"
    "Write a result file's tables as flat files a spreadsheet, pandas or a BI tool\n"
    "reads in one call: DIR/accounts, DIR/persons and, when scenarios ran,\n"
    "DIR/scenarios and DIR/scenario_losses (.csv or .jsonl). RFC 4180 CSV, UTF-8,\n"
    "header row; lists inside a cell joined by ';'. Columns: docs/export.md.\n"
    "DIR is created if missing; the files are replaced together, atomically.\n"
    "  -o, --output DIR      the directory\n"
    "  --format F            csv (default) or jsonl (one JSON object per line)\n";

int lp_cli_export(int argc, char **argv)
{
    const char *in = NULL, *dir = NULL;
    lp_table_format fmt = LP_TABLE_CSV;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *v, *a = argv[i];
        int r, kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (kind) {
            if (in) return lp_cli_usage_error("unexpected argument '%s'", a);
            in = a;
        } else if ((r = lp_cli_opt_output(argc, argv, &i, &dir, "a directory"))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--format"))) {
            if (!strcmp(v, "csv"))
                fmt = LP_TABLE_CSV;
            else if (!strcmp(v, "jsonl"))
                fmt = LP_TABLE_JSONL;
            else
                return lp_cli_usage_error("--format: expected csv or jsonl, got '%s'", v);
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    if (!in) return lp_cli_usage_error("%s", "export needs RESULTS.h5");
    if (!dir) return lp_cli_usage_error("%s", "export needs -o DIR");
    lp_results_table t;
    double t0 = lp_clock_seconds();
    lp_status st = lp_results_read_table(&t, in, LP_EXPORT_PARTS);
    if (st) return lp_cli_fail(st);
    double t1 = lp_clock_seconds();
    int64_t bytes = 0;
    st = lp_export_write(&t, dir, fmt, &bytes);
    double t2 = lp_clock_seconds();
    if (!st) {
        char buf[LP_CLI_TEXT_CAP];
        printf("exported %lld accounts%s to %s: %.1f MB (read %.2f s, write %.2f s)\n",
               (long long)t.a, t.has_scenarios ? ", persons, scenarios" : " and persons",
               lp_cli_text(buf, sizeof buf, dir), (double)bytes / 1e6, t1 - t0, t2 - t1);
    }
    lp_results_table_free(&t);
    return st ? lp_cli_fail(st) : 0;
}
