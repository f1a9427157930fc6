/* crm.c — `linchpin import --crm NAME DIR -o GRAPH.h5` and `linchpin import
 * --mapping FILE DIR -o GRAPH.h5`: a CRM's CSV exports into the graph store
 * (io/lp_crm.h does the work; this parses options and prints the report). */
#include "lp_cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lp_crm.h"
#include "lp_graphstore.h"
#include "lp_progress.h"

/* The output's directory must be writable (exit 4 before reading). */
static int output_ok(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "linchpin: cannot write %s: Is a directory\n", path);
        return LP_EOUTPUT;
    }
    size_t len = strlen(path);
    char *dir = malloc(len + 2);
    if (!dir) return lp_cli_fail(lp_error_nomem("path"));
    memcpy(dir, path, len + 1);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int rc = 0;
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "linchpin: cannot write %s: %s\n", path, strerror(errno));
        rc = LP_EOUTPUT;
    }
    free(dir);
    return rc;
}

static void print_report(const lp_crm_report *r)
{
    for (int i = 0; i < r->nfiles; i++) {
        const lp_crm_file_report *f = &r->files[i];
        if (!f->path) {
            printf("%s: not in the export (optional)\n", f->file);
            continue;
        }
        printf("%s: %" PRId64 " rows, %" PRId64 " nodes, %" PRId64 " edges", f->path, f->rows,
               f->nodes, f->edges);
        if (f->skipped_left || f->skipped_unknown || f->bad_rows) {
            printf("; not made: %" PRId64 " held by people who have left, %" PRId64
                   " without a known record at one end (empty, or not in the export)",
                   f->skipped_left, f->skipped_unknown);
            if (f->bad_rows) printf("; %" PRId64 " bad rows skipped", f->bad_rows);
        }
        printf("\n");
        for (int k = 0; k < f->ncols; k++)
            if (f->unknown[k])
                printf("%s: %s: %" PRId64 " references to records not in the export\n", f->path,
                       f->col[k], f->unknown[k]);
    }
    if (r->has_activity) {
        char day[16];
        lp_crm_format_day(r->as_of_day, day);
        printf("activities weighted as of %s, half-life %g days\n", day, r->half_life_days);
    }
}

int lp_cli_import_crm(int argc, char **argv)
{
    const char *crm = NULL, *mapping = NULL, *dir = NULL, *out = NULL;
    int progress = isatty(STDERR_FILENO);
    lp_crm_options o = LP_CRM_OPTIONS_INIT;
    lp_graphstore_meta meta = LP_GRAPHSTORE_META_INIT;
    o.warn = stderr;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *v, *a = argv[i];
        int r, kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (kind) {
            if (dir) return lp_cli_usage_error("unexpected argument '%s'", a);
            dir = a;
        } else if ((r = lp_cli_opt_output(argc, argv, &i, &out, "a file name"))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--crm"))) {
            if (!*v) return lp_cli_usage_error("%s", "--crm needs a name (salesforce, hubspot)");
            crm = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--mapping"))) {
            if (!*v) return lp_cli_usage_error("%s", "--mapping needs a file name");
            mapping = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--half-life"))) {
            double d;
            if (lp_cli_parse_number(v, &d) || !(d > 0))
                return lp_cli_usage_error(
                    "--half-life: expected a positive number of days, got '%s'", v);
            o.half_life_days = d;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--as-of"))) {
            if (lp_crm_parse_day(v, &o.as_of_day))
                return lp_cli_usage_error("--as-of: expected a date YYYY-MM-DD, got '%s'", v);
            o.has_as_of = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--min-tie"))) {
            if (lp_cli_parse_min_tie(v, &meta.min_tie)) return LP_EUSAGE;
        } else if ((r = lp_cli_opt_threads(argc, argv, &i, NULL)) ||
                   (r = lp_cli_opt_progress(argc, argv, &i, &progress))) {
            if (r < 0) return LP_EUSAGE;
        } else if (!strcmp(a, "--skip-bad-rows")) {
            o.skip_bad_rows = 1;
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    if (crm && mapping) return lp_cli_usage_error("%s", "give --crm or --mapping, not both");
    if (!crm && !mapping)
        return lp_cli_usage_error("%s", "import from a CRM needs --crm NAME or --mapping FILE");
    if (!dir) return lp_cli_usage_error("%s", "import --crm/--mapping needs the export directory");
    if (!out) return lp_cli_usage_error("%s", "import needs -o GRAPH.h5");
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "linchpin: %s: not a directory\n", dir);
        return LP_EINPUT;
    }
    lp_crm_mapping *m = NULL;
    lp_status st = crm ? lp_crm_mapping_builtin(&m, crm) : lp_crm_mapping_load(&m, mapping);
    if (st == LP_EUSAGE) return lp_cli_fail(st);
    if (st) return lp_cli_fail(st);
    int rc = output_ok(out);
    if (rc) {
        lp_crm_mapping_free(m);
        return rc;
    }
    lp_cli_progress_start(progress);
    o.progress = lp_cli_progress_load;
    lp_graph g;
    lp_crm_report rep;
    double t0 = lp_clock_seconds();
    st = lp_crm_import(&g, &rep, m, dir, &o);
    if (!st) {
        char detail[96];
        snprintf(detail, sizeof detail, "%lld nodes, %lld edges", (long long)g.n, (long long)g.m);
        lp_cli_progress_phase(NULL, "load", lp_clock_seconds() - t0, detail);
        t0 = lp_clock_seconds();
        meta.roles = lp_crm_mapping_roles(m);
        st = lp_graphstore_write_meta(out, &g, &rep.load, &meta);
        if (!st) lp_cli_progress_phase(NULL, "write", lp_clock_seconds() - t0, out);
        if (!st) {
            print_report(&rep);
            const lp_roles *r = lp_crm_mapping_roles(m);
            printf("wrote %s: %lld nodes, %lld edges (merged duplicate rows %lld, skipped bad "
                   "rows %lld); roles: anchor %s, person %s, account %s\n",
                   out, (long long)g.n, (long long)g.m, (long long)g.merged_duplicates,
                   (long long)rep.load.skipped_rows, r->anchor, r->person, r->account);
        }
        lp_crm_report_free(&rep);
        lp_graph_free(&g);
    }
    lp_cli_progress_end();
    lp_crm_mapping_free(m);
    return st ? lp_cli_fail(st) : 0;
}
