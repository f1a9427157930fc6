/* main.c — the `linchpin` command. Thin: parses options, calls io/ to read
 * and write and engine/ to compute, prints what happened. Exit statuses are
 * DESIGN.md's (lp_status values): 0 ok, 1 internal, 2 usage, 3 bad input,
 * 4 cannot write output. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "lp_cli.h"
#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_pipeline.h"
#include "lp_graphstore.h"
#include "lp_results.h"
#include "lp_scenario_io.h"

static const char USAGE[] =
    "usage: linchpin analyze NODES.csv EDGES.csv -o RESULTS.h5 [options]\n"
    "       linchpin whatif NODES.csv EDGES.csv --leave ID[,ID...] | --scenarios FILE\n"
    "                       [-o OUT.h5] [options]\n"
    "       linchpin analyze GRAPH.h5 -o RESULTS.h5 [options]     (a store from import)\n"
    "       linchpin import NODES.csv EDGES.csv -o GRAPH.h5 [--skip-bad-rows]\n"
    "       linchpin summary RESULTS.h5 [--top K]\n"
    "       linchpin generate --accounts N [options] -o DIR   (linchpin generate --help)\n"
    "       linchpin --help | --version\n"
    "\n"
    "analyze: find the accounts that hang on a single person and what each person\n"
    "puts at risk, with brokerage, betweenness and PageRank; write every result to\n"
    "one HDF5 file (see README.md).\n"
    "  -o, --output FILE     result file (written atomically)\n"
    "  --anchor TYPES        node types joined to the virtual root R (default: company)\n"
    "  --person TYPES        node types whose departure is the risk (default: employee)\n"
    "  --account TYPES       node types of customer accounts (default: account)\n"
    "  --threads N           OpenMP threads (default: all cores)\n"
    "  --bus-factor-cap K    bus factor exact up to K, K meaning K or more (default 3)\n"
    "  --betweenness MODE    exact|sampled|off (default: exact up to 50,000 nodes,\n"
    "                        sampled above)\n"
    "  --epsilon E           sampled: every normalised value within E of the exact one\n"
    "  --delta D             ... with probability at least 1-D (defaults 0.01, 0.1)\n"
    "  --seed S              sampled: random seed (default 1); same seed, same output\n"
    "  --scenarios FILE      departure scenarios, one per CSV record: name,id,id,...\n"
    "                        (an id that is not a person stands for its persons)\n"
    "  --leave IDS           one scenario: these ids leave (CSV quoting for commas)\n"
    "  --skip-bad-rows       count and skip bad data rows instead of failing\n"
    "  --top K               persons listed in /summary/top_persons (default: 20)\n"
    "  --progress WHEN       auto|always|never: progress bars, phase times and a timing\n"
    "                        line on stderr (auto: when stderr is a terminal)\n"
    "  --quiet               do not print the summary after writing\n"
    "whatif: the accounts each scenario cuts off from the company or leaves hanging\n"
    "on one person, with their revenue; takes the options above except --top,\n"
    "--betweenness, --epsilon, --delta and --seed; -o is optional.\n"
    "TYPES is a comma-separated list. .csv.gz inputs are read transparently.\n"
    "\n"
    "exit status: 0 ok, 1 internal failure, 2 usage error, 3 bad input data,\n"
    "4 cannot write output\n";

/* ---- text helpers ----------------------------------------------------- */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static char *command_line(int argc, char **argv)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) return NULL;
    for (int i = 0; i < argc; i++) {
        if (i) fputc(' ', f);
        if (strpbrk(argv[i], " \t\n'\"\\$") || !*argv[i]) {
            fputc('\'', f);
            for (const char *p = argv[i]; *p; p++)
                if (*p == '\'')
                    fputs("'\\''", f);
                else
                    fputc(*p, f);
            fputc('\'', f);
        } else {
            fputs(argv[i], f);
        }
    }
    fclose(f);
    return buf;
}

/* Columns of UTF-8 text (code points; good enough for names). */
static int utf8_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

static void print_padded(FILE *f, const char *s, int width)
{
    int w = utf8_width(s);
    if (w > width) {
        /* cut at a code point boundary, mark with "..." */
        int keep = width - 3, cols = 0;
        const unsigned char *p = (const unsigned char *)s;
        while (*p) {
            if ((*p & 0xC0) != 0x80 && cols++ == keep) break;
            fputc(*p++, f);
        }
        fputs("...", f);
        return;
    }
    fputs(s, f);
    for (; w < width; w++)
        fputc(' ', f);
}

static void print_money(FILE *f, double x, int width)
{
    char digits[64], out[96];
    snprintf(digits, sizeof digits, "%.2f", x);
    char *dot = strchr(digits, '.');
    int int_len = (int)(dot - digits), o = 0;
    for (int i = 0; i < int_len; i++) {
        if (i && (int_len - i) % 3 == 0 && digits[i - 1] != '-') out[o++] = ',';
        out[o++] = digits[i];
    }
    strcpy(out + o, dot);
    fprintf(f, "%*s", width, out);
}

static void print_scores(const char *title, const lp_summary_score *sc, int64_t n, int64_t k)
{
    if (k > n) k = n;
    if (k <= 0) return;
    printf("\n%s\n", title);
    for (int64_t i = 0; i < k; i++) {
        printf("%4lld  ", (long long)(i + 1));
        print_padded(stdout, sc[i].id, 36);
        printf("  ");
        print_padded(stdout, sc[i].type, 12);
        printf("  %14.2f\n", sc[i].value);
    }
}

/* The per-scenario table of whatif and summary. */
static void print_scenarios(int64_t m, const char *const *name, const int64_t *leaving,
                            const int64_t *lost, const double *lost_revenue, const int64_t *newly,
                            const double *newly_revenue)
{
    if (m <= 0) return;
    printf("\ndeparture scenarios\n");
    print_padded(stdout, "scenario", 32);
    printf("  %7s  %8s  %16s  %8s  %16s\n", "leaving", "lost", "lost revenue", "now bf=1",
           "revenue at bf=1");
    for (int64_t j = 0; j < m; j++) {
        print_padded(stdout, name[j], 32);
        printf("  %7lld  %8lld  ", (long long)leaving[j], (long long)lost[j]);
        print_money(stdout, lost_revenue[j], 16);
        printf("  %8lld  ", (long long)newly[j]);
        print_money(stdout, newly_revenue[j], 16);
        printf("\n");
    }
    printf("lost: accounts left with no path to the company; now bf=1: accounts that had\n"
           "bus factor 2 or more and now hang on a single person\n");
}

static int print_summary(const char *path, int64_t top)
{
    lp_summary s;
    lp_status st = lp_results_read_summary(&s, path);
    if (st) return lp_cli_fail(st);
    printf("%s  (linchpin %s, created %s)\n", path, s.linchpin_version ? s.linchpin_version : "?",
           s.created ? s.created : "?");
    printf("nodes %lld, edges %lld (merged duplicate rows %lld, dropped self-loops %lld",
           (long long)s.nodes, (long long)s.edges, (long long)s.merged_duplicates,
           (long long)s.dropped_self_loops);
    if (s.skipped_rows) printf(", skipped bad rows %lld", (long long)s.skipped_rows);
    printf(")\n");
    printf("accounts %lld, revenue ", (long long)s.accounts);
    print_money(stdout, s.revenue_total, 0);
    printf("\n  hang on a single person: %lld, revenue ", (long long)s.accounts_with_key_person);
    print_money(stdout, s.revenue_with_key_person, 0);
    printf("\n  no path to the company:  %lld\n", (long long)s.orphan_accounts);
    printf("cut vertices (articulation points): %lld\n", (long long)s.articulation_points);
    if (s.bus_factor_histogram) {
        /* values with accounts only: the cap may be large */
        printf("accounts by bus factor (persons who must all leave to cut it off):");
        const char *sep = " ";
        for (int32_t b = 0; b <= s.bus_factor_cap; b++) {
            if (!s.bus_factor_histogram[b]) continue;
            printf("%s%s%d: %lld", sep, b == s.bus_factor_cap ? ">=" : "", b,
                   (long long)s.bus_factor_histogram[b]);
            sep = ", ";
        }
        printf("%s\n", *sep == ' ' ? " none" : "");
    }
    int64_t k = s.n_top < top ? s.n_top : top;
    if (k > 0) {
        printf("\ntop persons by revenue at risk\n");
        printf("%4s  ", "rank");
        print_padded(stdout, "person", 36);
        printf("  ");
        print_padded(stdout, "type", 12);
        printf("  %8s  %18s\n", "accounts", "revenue at risk");
        for (int64_t i = 0; i < k; i++) {
            printf("%4lld  ", (long long)(i + 1));
            print_padded(stdout, s.top[i].id, 36);
            printf("  ");
            print_padded(stdout, s.top[i].type, 12);
            printf("  %8lld  ", (long long)s.top[i].accounts_at_risk);
            print_money(stdout, s.top[i].revenue_at_risk, 18);
            printf("\n");
        }
    } else {
        printf("\nno account hangs on a single person\n");
    }
    print_scores("top brokers (share of shortest company-to-account paths)", s.top_brokers,
                 s.n_top_brokers, top < 5 ? top : 5);
    if (s.betweenness_method) {
        char title[128];
        if (!strcmp(s.betweenness_method, "sampled"))
            snprintf(title, sizeof title,
                     "top betweenness (sampled: %lld paths, within %g normalised, p >= %g)",
                     (long long)s.betweenness_samples, s.betweenness_epsilon,
                     1 - s.betweenness_delta);
        else
            snprintf(title, sizeof title, "top betweenness (exact)");
        print_scores(title, s.top_betweenness, s.n_top_betweenness, top < 5 ? top : 5);
    }
    print_scenarios(s.n_scenarios, (const char *const *)s.scenario_name, s.scenario_leaving,
                    s.scenario_lost, s.scenario_lost_revenue, s.scenario_newly,
                    s.scenario_newly_revenue);
    if (s.n_timings) {
        printf("\ntimings:");
        for (int i = 0; i < s.n_timings; i++)
            printf(" %s %.3f s%s", s.timing_phase[i], s.timing_seconds[i],
                   i + 1 < s.n_timings ? "," : "\n");
    }
    lp_summary_free(&s);
    return 0;
}

/* ---- analyze ---------------------------------------------------------- */

typedef struct analyze_opts {
    const char *inputs[2];
    int n_inputs;
    const char *output;
    int64_t threads;
    int skip_bad_rows, quiet, progress;
    int sampling_given, centrality_given;
    int whatif;                /* the whatif command: scenarios only */
    const char *scenario_file; /* --scenarios */
    const char **leave;        /* --leave values [n_leave] */
    int n_leave;
    lp_analyze_options an; /* roles, betweenness mode, sampling, top */
} analyze_opts;

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Fail early (exit 4) when the output obviously cannot be written, rather
 * than after the whole analysis. The writer still reports anything else. */
static int check_output(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "linchpin: cannot write %s: Is a directory\n", path);
        return LP_EOUTPUT;
    }
    char *copy = strdup(path);
    if (!copy) return lp_cli_fail(lp_error_nomem("path"));
    char *slash = strrchr(copy, '/');
    const char *dir = ".";
    if (slash == copy) {
        dir = "/";
    } else if (slash) {
        *slash = '\0';
        dir = copy;
    }
    int rc = 0;
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "linchpin: cannot write %s: %s\n", path, strerror(errno));
        rc = LP_EOUTPUT;
    }
    free(copy);
    return rc;
}

static int parse_analyze(analyze_opts *o, int argc, char **argv)
{
    lp_analyze_options an = LP_ANALYZE_OPTIONS_INIT;
    o->an = an;
    o->progress = isatty(STDERR_FILENO);
    for (int i = 2; i < argc; i++) {
        const char *v;
        char *a = argv[i];
        if (!strcmp(a, "-o") || !strncmp(a, "--output", 8)) {
            v = !strcmp(a, "-o") ? (i + 1 < argc ? argv[++i] : "")
                                 : lp_cli_opt_value(argc, argv, &i, "--output");
            if (!v) return lp_cli_usage_error("unknown option '%s'", a);
            if (!*v) return lp_cli_usage_error("%s needs a file name", a);
            o->output = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--anchor"))) {
            o->an.roles.anchor = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--person"))) {
            o->an.roles.person = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--account"))) {
            o->an.roles.account = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--threads"))) {
            if (lp_cli_parse_int64(v, 1, 4096, &o->threads))
                return lp_cli_usage_error(
                    "--threads: expected a whole number from 1 to 4096, got '%s'", v);
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--scenarios"))) {
            if (!*v) return lp_cli_usage_error("%s", "--scenarios needs a file name");
            if (o->scenario_file) return lp_cli_usage_error("%s", "--scenarios given twice");
            o->scenario_file = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--leave"))) {
            if (!*v) return lp_cli_usage_error("%s", "--leave needs one or more ids");
            o->leave[o->n_leave++] = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--top"))) {
            o->centrality_given = 1;
            if (lp_cli_parse_int64(v, 0, 1000000, &o->an.top))
                return lp_cli_usage_error(
                    "--top: expected a whole number from 0 to 1000000, got '%s'", v);
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--progress"))) {
            if (!strcmp(v, "always"))
                o->progress = 1;
            else if (!strcmp(v, "never"))
                o->progress = 0;
            else if (strcmp(v, "auto"))
                return lp_cli_usage_error("--progress: expected auto, always or never, got '%s'",
                                          v);
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--bus-factor-cap"))) {
            int64_t cap;
            if (lp_cli_parse_int64(v, 2, 1000, &cap))
                return lp_cli_usage_error(
                    "--bus-factor-cap: expected a whole number from 2 to 1000, "
                    "got '%s'",
                    v);
            o->an.bus_factor_cap = (int32_t)cap;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--betweenness"))) {
            o->centrality_given = 1;
            if (!strcmp(v, "exact"))
                o->an.betweenness = LP_BW_EXACT;
            else if (!strcmp(v, "sampled"))
                o->an.betweenness = LP_BW_SAMPLED;
            else if (!strcmp(v, "off"))
                o->an.betweenness = LP_BW_OFF;
            else
                return lp_cli_usage_error("--betweenness: expected exact, sampled or off, got '%s'",
                                          v);
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--epsilon"))) {
            if (lp_cli_parse_fraction(v, &o->an.sampling.epsilon))
                return lp_cli_usage_error("--epsilon: expected a number between 0 and 1, got '%s'",
                                          v);
            o->sampling_given = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--delta"))) {
            if (lp_cli_parse_fraction(v, &o->an.sampling.delta))
                return lp_cli_usage_error("--delta: expected a number between 0 and 1, got '%s'",
                                          v);
            o->sampling_given = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--seed"))) {
            int64_t seed;
            if (lp_cli_parse_int64(v, 0, INT64_MAX, &seed))
                return lp_cli_usage_error("--seed: expected a non-negative whole number, got '%s'",
                                          v);
            o->an.sampling.seed = (uint64_t)seed;
            o->sampling_given = 1;
        } else if (!strcmp(a, "--skip-bad-rows")) {
            o->skip_bad_rows = 1;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return lp_cli_usage_error("unknown option '%s'", a);
        } else {
            if (o->n_inputs == 2) return lp_cli_usage_error("unexpected argument '%s'", a);
            o->inputs[o->n_inputs++] = a;
        }
    }
    const char *cmd = o->whatif ? "whatif" : "analyze";
    if (o->n_inputs == 0)
        return lp_cli_usage_error("%s needs NODES.csv EDGES.csv or a GRAPH.h5 store", cmd);
    if (o->n_inputs == 1 && o->skip_bad_rows)
        return lp_cli_usage_error("%s", "--skip-bad-rows applies to CSV input (a store was checked "
                                        "at import)");
    if (o->whatif) {
        if (!o->scenario_file && !o->n_leave)
            return lp_cli_usage_error("%s", "whatif needs --leave ID[,ID...] or --scenarios FILE");
        if (o->centrality_given || o->sampling_given)
            return lp_cli_usage_error(
                "%s", "--top, --betweenness, --epsilon, --delta and --seed are analyze options");
        o->an.centrality = 0;
        o->an.betweenness = LP_BW_OFF;
        if (!o->output) return 0;
    }
    if (!o->output) return lp_cli_usage_error("%s", "analyze needs -o RESULTS.h5");
    if (!o->whatif && o->sampling_given &&
        (o->an.betweenness == LP_BW_EXACT || o->an.betweenness == LP_BW_OFF))
        return lp_cli_usage_error(
            "%s", "--epsilon, --delta and --seed apply to sampled betweenness only");
    if (o->sampling_given && lp_sampling_check(&o->an.sampling))
        return lp_cli_usage_error("%s", lp_error_message());
    for (int k = 0; k < o->n_inputs; k++)
        if (same_file(o->inputs[k], o->output))
            return lp_cli_usage_error("the output would overwrite the input '%s'", o->inputs[k]);
    return check_output(o->output);
}

/* Warn about listed types that no node has. */
static void warn_unmatched(const lp_graph *g, const char *option, const char *list)
{
    for (const char *p = list; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (lp_graph_type_index(g, p, len) < 0)
            fprintf(stderr, "linchpin: warning: --%s type '%.*s' matches no node\n", option,
                    (int)len, p);
        if (!c) break;
        p = c + 1;
    }
}

static int print_whatif(const lp_scenarios *set, const lp_scenario_result *r)
{
    const char **names = malloc(((size_t)set->count + 1) * sizeof *names);
    int64_t *leaving = malloc(((size_t)set->count + 1) * sizeof *leaving);
    if (!names || !leaving) {
        free(names);
        free(leaving);
        return lp_cli_fail(lp_error_nomem("scenario table"));
    }
    for (int64_t j = 0; j < set->count; j++) {
        names[j] = lp_strtab_get(&set->name, j);
        leaving[j] = set->leave_offsets[j + 1] - set->leave_offsets[j];
    }
    print_scenarios(set->count, names, leaving, r->lost_accounts, r->lost_revenue,
                    r->newly_bus_factor_1, r->newly_at_risk_revenue);
    free(names);
    free(leaving);
    return 0;
}

static int cmd_analyze(int argc, char **argv, int whatif)
{
    analyze_opts o;
    memset(&o, 0, sizeof o);
    o.whatif = whatif;
    o.leave = calloc((size_t)argc, sizeof *o.leave);
    if (!o.leave) return lp_cli_fail(lp_error_nomem("options"));
    int rc = parse_analyze(&o, argc, argv);
    if (rc) {
        free(o.leave);
        return rc;
    }
#ifdef _OPENMP
    if (o.threads) omp_set_num_threads((int)o.threads);
    int threads = omp_get_max_threads();
#else
    int threads = 1;
#endif

    lp_graph g;
    lp_load_report rep;
    lp_analysis an;
    lp_scenarios set = LP_SCENARIOS_INIT;
    memset(&an, 0, sizeof an);
    char *cmd = NULL, *params = NULL;
    size_t params_size = 0;
    lp_status st;
    lp_load_options lo = LP_LOAD_OPTIONS_INIT;
    lo.skip_bad_rows = o.skip_bad_rows;
    lo.warn = stderr;
    lo.progress = lp_cli_progress_load;
    o.an.progress = lp_cli_progress_phase;
    lp_cli_progress_start(o.progress);

    double t0 = lp_cli_now();
    lp_graphstore_info info;
    memset(&info, 0, sizeof info);
    if (o.n_inputs == 1) { /* the graph store */
        st = lp_graphstore_read(&g, &info, o.inputs[0]);
        rep = info.report;
    } else {
        st = lp_graph_load_csv(&g, &rep, o.inputs[0], o.inputs[1], &lo);
    }
    if (st) {
        lp_cli_progress_end();
        free(o.leave);
        return lp_cli_fail(st);
    }
    double t_load = lp_cli_now() - t0;
    char detail[96];
    snprintf(detail, sizeof detail, "%lld nodes, %lld edges", (long long)g.n, (long long)g.m);
    lp_cli_progress_phase(NULL, "load", t_load, detail);
    warn_unmatched(&g, "anchor", o.an.roles.anchor);
    warn_unmatched(&g, "person", o.an.roles.person);
    warn_unmatched(&g, "account", o.an.roles.account);
    if (o.scenario_file || o.n_leave) { /* resolving ids needs the roles */
        if ((st = lp_graph_set_roles(&g, &o.an.roles))) goto out;
        for (int k = 0; k < o.n_leave && !st; k++)
            st = lp_scenarios_from_list(&set, o.leave[k], &g);
        if (!st && o.scenario_file) st = lp_scenarios_read_csv(&set, o.scenario_file, &g);
        if (st) goto out;
        o.an.scenarios = &set;
    }
    if ((st = lp_analyze(&an, &g, &o.an))) goto out;
    if (whatif && !o.output) goto out;

    cmd = command_line(argc, argv);
    FILE *pf = open_memstream(&params, &params_size);
    if (!cmd || !pf) {
        if (pf) fclose(pf);
        st = lp_error_nomem("parameters");
        goto out;
    }
    const char *method = an.betweenness_mode == LP_BW_EXACT     ? "exact"
                         : an.betweenness_mode == LP_BW_SAMPLED ? "sampled"
                                                                : "off";
    fprintf(pf, "{");
    if (o.n_inputs == 1) {
        fprintf(pf, "\"graph_store\":");
        json_string(pf, o.inputs[0]);
        fprintf(pf, ",");
    }
    fprintf(pf, "\"anchor\":");
    json_string(pf, o.an.roles.anchor);
    fprintf(pf, ",\"person\":");
    json_string(pf, o.an.roles.person);
    fprintf(pf, ",\"account\":");
    json_string(pf, o.an.roles.account);
    fprintf(pf,
            ",\"threads\":%d,\"skip_bad_rows\":%s,\"top\":%lld,\"bus_factor_cap\":%d,"
            "\"betweenness\":\"%s\"",
            threads, o.skip_bad_rows ? "true" : "false", (long long)o.an.top,
            (int)o.an.bus_factor_cap, method);
    if (an.betweenness_mode == LP_BW_SAMPLED)
        fprintf(pf, ",\"epsilon\":%.17g,\"delta\":%.17g,\"seed\":%llu", o.an.sampling.epsilon,
                o.an.sampling.delta, (unsigned long long)o.an.sampling.seed);
    fprintf(pf, ",\"pagerank_damping\":%.17g,\"pagerank_tolerance\":%.17g}", o.an.pagerank.damping,
            o.an.pagerank.tolerance);
    fclose(pf);

    /* "load" covers reading, building the graph, degree and strength. */
    lp_timing timings[7];
    int n_timings = 0;
    timings[n_timings++] = (lp_timing){"load", t_load + an.t_degree};
    timings[n_timings++] = (lp_timing){"keyperson", an.t_keyperson};
    timings[n_timings++] = (lp_timing){"busfactor", an.t_busfactor};
    if (an.has_scenarios) timings[n_timings++] = (lp_timing){"scenarios", an.t_scenarios};
    if (an.brokerage) timings[n_timings++] = (lp_timing){"brokerage", an.t_brokerage};
    if (an.betweenness) timings[n_timings++] = (lp_timing){"betweenness", an.t_betweenness};
    if (an.pagerank) timings[n_timings++] = (lp_timing){"pagerank", an.t_pagerank};

    /* a store records the CSV files it was imported from */
    lp_input_file inputs[2] = {rep.nodes_file, rep.edges_file};
    lp_results r;
    memset(&r, 0, sizeof r);
    r.g = &g;
    r.degree = an.degree;
    r.strength = an.strength;
    r.kp = &an.kp;
    r.top_persons = an.top_persons;
    r.n_top_persons = an.n_top_persons;
    r.skipped_rows = rep.skipped_rows;
    r.bus_factor = an.bus_factor;
    r.bus_factor_cap = o.an.bus_factor_cap;
    r.bus_factor_histogram = an.bus_factor_histogram;
    r.dominant_share = an.dominant_share;
    if (an.has_scenarios) {
        r.scenario_set = &set;
        r.scenarios = &an.scenarios;
    }
    r.brokerage = an.brokerage;
    r.top_brokers = an.top_brokers;
    r.n_top_brokers = an.n_top_brokers;
    r.pagerank = an.pagerank;
    r.pagerank_iterations = an.pagerank_iterations;
    if (an.betweenness) {
        r.betweenness = an.betweenness;
        r.betweenness_method = method;
        r.top_betweenness = an.top_betweenness;
        r.n_top_betweenness = an.n_top_betweenness;
        if (an.betweenness_mode == LP_BW_SAMPLED) {
            r.betweenness_samples = an.sampling.samples;
            r.betweenness_vertex_diameter = an.sampling.vertex_diameter;
            r.betweenness_epsilon = o.an.sampling.epsilon;
            r.betweenness_delta = o.an.sampling.delta;
            r.betweenness_seed = o.an.sampling.seed;
        }
    }
    r.info.command_line = cmd;
    r.info.threads = threads;
    r.info.parameters_json = params;
    r.info.inputs = inputs;
    r.info.n_inputs = o.n_inputs == 1 && !info.has_files ? 0 : 2;
    r.info.timings = timings;
    r.info.n_timings = n_timings;
    t0 = lp_cli_now();
    st = lp_results_write(o.output, &r);
    if (!st) lp_cli_progress_phase(NULL, "write", lp_cli_now() - t0, o.output);

out:
    lp_cli_progress_end();
    if (!st && whatif && !o.quiet) rc = print_whatif(&set, &an.scenarios);
    lp_analysis_free(&an);
    lp_scenarios_free(&set);
    free(o.leave);
    free(cmd);
    free(params);
    lp_graph_free(&g);
    lp_graphstore_info_free(&info);
    if (st) return lp_cli_fail(st);
    if (!whatif && !o.quiet) return print_summary(o.output, 10);
    return rc;
}

/* ---- import ------------------------------------------------------------ */

static int cmd_import(int argc, char **argv)
{
    const char *in[2] = {NULL, NULL}, *out = NULL;
    int n_in = 0, progress = isatty(STDERR_FILENO);
    lp_load_options lo = LP_LOAD_OPTIONS_INIT;
    lo.warn = stderr;
    for (int i = 2; i < argc; i++) {
        const char *v, *a = argv[i];
        if (!strcmp(a, "-o") || !strncmp(a, "--output", 8)) {
            v = !strcmp(a, "-o") ? (i + 1 < argc ? argv[++i] : "")
                                 : lp_cli_opt_value(argc, argv, &i, "--output");
            if (!v) return lp_cli_usage_error("unknown option '%s'", a);
            if (!*v) return lp_cli_usage_error("%s needs a file name", a);
            out = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--threads"))) {
            int64_t t;
            if (lp_cli_parse_int64(v, 1, 4096, &t))
                return lp_cli_usage_error(
                    "--threads: expected a whole number from 1 to 4096, got '%s'", v);
#ifdef _OPENMP
            omp_set_num_threads((int)t);
#endif
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--progress"))) {
            if (!strcmp(v, "always") || !strcmp(v, "never"))
                progress = !strcmp(v, "always");
            else if (strcmp(v, "auto"))
                return lp_cli_usage_error("--progress: expected auto, always or never, got '%s'",
                                          v);
        } else if (!strcmp(a, "--skip-bad-rows")) {
            lo.skip_bad_rows = 1;
        } else if (a[0] == '-' && a[1]) {
            return lp_cli_usage_error("unknown option '%s'", a);
        } else {
            if (n_in == 2) return lp_cli_usage_error("unexpected argument '%s'", a);
            in[n_in++] = a;
        }
    }
    if (n_in != 2) return lp_cli_usage_error("%s", "import needs NODES.csv and EDGES.csv");
    if (!out) return lp_cli_usage_error("%s", "import needs -o GRAPH.h5");
    for (int k = 0; k < 2; k++)
        if (same_file(in[k], out))
            return lp_cli_usage_error("the output would overwrite the input '%s'", in[k]);
    int rc = check_output(out);
    if (rc) return rc;
    lp_cli_progress_start(progress);
    lo.progress = lp_cli_progress_load;
    lp_graph g;
    lp_load_report rep;
    double t0 = lp_cli_now();
    lp_status st = lp_graph_load_csv(&g, &rep, in[0], in[1], &lo);
    if (!st) {
        char detail[96];
        snprintf(detail, sizeof detail, "%lld nodes, %lld edges", (long long)g.n, (long long)g.m);
        lp_cli_progress_phase(NULL, "load", lp_cli_now() - t0, detail);
        t0 = lp_cli_now();
        st = lp_graphstore_write(out, &g, &rep);
        if (!st) lp_cli_progress_phase(NULL, "write", lp_cli_now() - t0, out);
        if (!st)
            printf("wrote %s: %lld nodes, %lld edges (merged duplicate rows %lld, dropped "
                   "self-loops %lld, skipped bad rows %lld)\n",
                   out, (long long)g.n, (long long)g.m, (long long)g.merged_duplicates,
                   (long long)g.dropped_self_loops, (long long)rep.skipped_rows);
        lp_graph_free(&g);
    }
    lp_cli_progress_end();
    return st ? lp_cli_fail(st) : 0;
}

/* ---- summary ------------------------------------------------ */

static int cmd_summary(int argc, char **argv)
{
    const char *path = NULL;
    int64_t top = 20;
    for (int i = 2; i < argc; i++) {
        const char *v;
        if ((v = lp_cli_opt_value(argc, argv, &i, "--top"))) {
            if (lp_cli_parse_int64(v, 0, 1000000, &top))
                return lp_cli_usage_error("--top: expected a whole number, got '%s'", v);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return lp_cli_usage_error("unknown option '%s'", argv[i]);
        } else if (path) {
            return lp_cli_usage_error("unexpected argument '%s'", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path) return lp_cli_usage_error("%s", "summary needs RESULTS.h5");
    return print_summary(path, top);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return LP_EUSAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("linchpin %s (igraph %s)\n", LP_VERSION, IGRAPH_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "generate")) return lp_cli_generate(argc, argv); /* has its own --help */
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(USAGE, stdout);
            return 0;
        }
    if (!strcmp(cmd, "analyze")) return cmd_analyze(argc, argv, 0);
    if (!strcmp(cmd, "whatif")) return cmd_analyze(argc, argv, 1);
    if (!strcmp(cmd, "summary")) return cmd_summary(argc, argv);
    if (!strcmp(cmd, "import")) return cmd_import(argc, argv);
    return lp_cli_usage_error("unknown command '%s'", cmd);
}
