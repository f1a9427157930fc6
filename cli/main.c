/* main.c — the `linchpin` command. Thin: parses options, calls io/ to read
 * and write and engine/ to compute, prints what happened. Exit statuses are
 * the lp_status values (docs/linchpin.1, EXIT STATUS): 0 ok, 1 internal, 2 usage, 3 bad input,
 * 4 cannot write output. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
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
#include "lp_cli_mpi.h"
#include "lp_progress.h"
#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_pipeline.h"
#include "lp_graphstore.h"
#include "lp_results.h"
#include "lp_scenario_io.h"
#include "lp_text.h"

static const char USAGE[] =
    "usage: linchpin COMMAND [options]     (linchpin COMMAND --help for its options)\n"
    "\n"
    "  analyze  NODES.csv EDGES.csv | GRAPH.h5 -o RESULTS.h5\n"
    "           the accounts that hang on one person, bus factor, what each person puts\n"
    "           at risk, brokerage, betweenness, PageRank: one HDF5 result file\n"
    "  whatif   NODES.csv EDGES.csv | GRAPH.h5 --leave ID[,ID...] | --scenarios FILE\n"
    "           what departures cut off or leave hanging on one person\n"
    "  import   NODES.csv EDGES.csv -o GRAPH.h5\n"
    "           the binary graph store, so that repeated runs skip parsing\n"
    "  summary  RESULTS.h5 [--format text|markdown|json]   print a result file's summary\n"
    "  diff     OLD.h5 NEW.h5 [-o DIFF.csv]   what changed between two result files\n"
    "  export   RESULTS.h5 -o DIR [--format csv|jsonl]   flat tables for dashboards\n"
    "  generate --accounts N -o DIR    a synthetic enterprise (nodes.csv, edges.csv)\n"
    "  report   RESULTS.h5 [--graph GRAPH] -o REPORT.html   a self-contained HTML report\n"
    "  subgraph GRAPH --around ID[,ID...] -o FILE.graphml   a neighbourhood for Gephi,\n"
    "           Cytoscape, yEd (GraphML) or Graphviz (--format dot)\n"
    "  batch    JOBS.csv    many analyses (input,output,options per line), spread over\n"
    "           the MPI ranks when run under mpirun/srun, a summary table at the end\n"
    "\n"
    "  linchpin --help | -h      this text\n"
    "  linchpin --version | -V   the version\n"
    "\n"
    "exit status: 0 ok, 1 internal failure, 2 usage error, 3 bad input data,\n"
    "4 cannot write output\n";

/* The options analyze and whatif share. */
#define ROLE_AND_RUN_OPTIONS                                                                       \
    "  --anchor TYPES        node types joined to the virtual root R (default: company)\n"         \
    "  --person TYPES        node types whose departure is the risk (default: employee)\n"         \
    "  --account TYPES       node types of customer accounts (default: account)\n"                 \
    "  --bus-factor-cap K    bus factor exact up to K, K meaning K or more (default 3)\n"          \
    "  --min-tie W           drop ties (person to customer side) weaker than W first\n"            \
    "  --second-links K      for accounts on one person: K persons to tie, best first\n"           \
    "                        (default 3, 0 = off)\n"                                               \
    "  --threads N           OpenMP threads (default: all cores)\n"                                \
    "  --skip-bad-rows       count and skip bad data rows instead of failing\n"                    \
    "  --delimiter C         CSV field separator: ',' (default), ';', '|' or tab ('\\t')\n"        \
    "  --progress WHEN       auto|always|never: progress bars, phase times and a timing\n"         \
    "                        line on stderr (auto: when stderr is a terminal)\n"                   \
    "  --quiet               print nothing on stdout\n"                                            \
    "TYPES is a comma-separated list. .csv.gz inputs are read transparently.\n"

static const char ANALYZE_USAGE[] =
    "usage: linchpin analyze NODES.csv EDGES.csv -o RESULTS.h5 [options]\n"
    "       linchpin analyze GRAPH.h5 -o RESULTS.h5 [options]   (a store from import)\n"
    "\n"
    "Find the accounts that hang on a single person and what each person puts at\n"
    "risk, with bus factor, brokerage, betweenness and PageRank; write every result\n"
    "to one HDF5 file (written atomically) and print its summary.\n"
    "  -o, --output FILE     the result file\n" ROLE_AND_RUN_OPTIONS
    "  --betweenness MODE    exact|sampled|off (default: exact up to 50,000 nodes,\n"
    "                        sampled above)\n"
    "  --epsilon E           sampled: every normalised value within E of the exact one\n"
    "  --delta D             ... with probability at least 1-D (defaults 0.01, 0.1)\n"
    "  --seed S              sampled: random seed (default 1); same seed, same output\n"
    "  --scenarios FILE      departure scenarios, one per CSV record: name,id,id,...\n"
    "                        (an id that is not a person stands for its persons)\n"
    "  --leave IDS           one scenario: these ids leave (CSV quoting for commas)\n"
    "  --top K               persons listed in /summary/top_persons (default: 20)\n"
    "  --checkpoint DIR      exact betweenness: keep finished sources in DIR so that a\n"
    "                        stopped run resumes there (same result)\n"
    "Under mpirun or srun (a build with -DLP_MPI=ON) the ranks share betweenness and\n"
    "bus factor; the results are the same for any rank count (docs/mpi.md).\n";

static const char WHATIF_USAGE[] =
    "usage: linchpin whatif NODES.csv EDGES.csv | GRAPH.h5\n"
    "                       --leave ID[,ID...] | --scenarios FILE [-o OUT.h5] [options]\n"
    "\n"
    "For each departure scenario, the accounts it cuts off from the company and the\n"
    "accounts it leaves hanging on one person, with their revenue (a table; with -o\n"
    "also a result file with /nodes, /accounts and /scenarios).\n"
    "  --leave IDS           one scenario: these ids (or names) leave (CSV quoting for\n"
    "                        commas)\n"
    "  --add P:A[,P:A...]    tie person P to account A (ids or names): the accounts\n"
    "                        whose bus factor rises (with --leave: together with it)\n"
    "  --scenarios FILE      one scenario per CSV record: name,id,id,... (an id that is\n"
    "                        not a person stands for every person tied to it)\n"
    "  -o, --output FILE     also write a result file\n" ROLE_AND_RUN_OPTIONS;

static const char IMPORT_USAGE[] =
    "usage: linchpin import NODES.csv EDGES.csv -o GRAPH.h5 [options]\n"
    "       linchpin import --crm salesforce|hubspot DIR -o GRAPH.h5 [options]\n"
    "       linchpin import --mapping FILE DIR -o GRAPH.h5 [options]\n"
    "\n"
    "Write the binary graph store: the loaded graph exactly, mapped on read, so that\n"
    "`linchpin analyze GRAPH.h5` skips parsing. Checked on every read. From a CRM's\n"
    "own CSV exports (files named after the objects; docs/crm.md) the store also\n"
    "records the roles the profile implies, which analyze then uses.\n"
    "  --crm PROFILE         a shipped mapping: salesforce or hubspot\n"
    "  --mapping FILE        your own mapping (JSON, docs/crm.md)\n"
    "  --half-life DAYS      activities weigh 0.5^(age / DAYS) (default 180)\n"
    "  --as-of DATE          the date ages count from (default: the latest activity)\n"
    "  --min-tie W           record W in the store: analyze and whatif of it drop ties\n"
    "                        weaker than W unless given their own --min-tie\n"
    "  -o, --output FILE     the graph store (written atomically)\n"
    "  --skip-bad-rows       count and skip bad data rows instead of failing\n"
    "  --delimiter C         CSV field separator: ',' (default), ';', '|' or tab ('\\t')\n"
    "  --threads N           OpenMP threads (default: all cores)\n"
    "  --progress WHEN       auto|always|never\n";

/* ---- text helpers ----------------------------------------------------- */

static void json_string(FILE *f, const char *s)
{
    size_t len = strlen(s);
    char *buf = malloc(LP_TEXT_JSON_MAX(len));
    if (!buf) { /* the caller's fclose/ferror sees nothing wrong; write a valid stand-in */
        fputs("\"\"", f);
        return;
    }
    fwrite(buf, 1, lp_text_json(buf, s, len), f);
    free(buf);
}

/* The command as typed, shell-quoted where needed, as UTF-8 (bytes that are
 * not become U+FFFD: the attribute it goes to is UTF-8). */
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
            for (const char *p = argv[i];;) { /* quote by quote */
                const char *q = strchr(p, '\'');
                lp_text_fput_utf8(f, p, q ? (size_t)(q - p) : strlen(p));
                if (!q) break;
                fputs("'\\''", f);
                p = q + 1;
            }
            fputc('\'', f);
        } else {
            lp_text_fput_utf8(f, argv[i], strlen(argv[i]));
        }
    }
    fclose(f);
    return buf;
}

/* ---- analyze ---------------------------------------------------------- */

typedef struct analyze_opts {
    const char *inputs[2];
    int n_inputs;
    const char *output;
    int64_t threads;
    int skip_bad_rows, quiet, progress;
    char delimiter; /* --delimiter; 0: not given */
    int sampling_given, centrality_given;
    int whatif;                /* the whatif command: scenarios only */
    const char *scenario_file; /* --scenarios */
    const char *add;           /* --add PERSON:ACCOUNT,... (whatif) */
    int roles_given;           /* --anchor, --person or --account given */
    int min_tie_given;         /* --min-tie given (else a store's import --min-tie) */
    lp_tie *ties;              /* --add resolved */
    int64_t n_ties;
    const char *checkpoint; /* --checkpoint DIR */
    const char **leave;     /* --leave values [n_leave] */
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

/* --delimiter: one punctuation character other than '"', or a tab (given
 * as itself, "\t" or "tab"). 0, or a usage error. */
static int parse_delimiter(const char *v, char *out)
{
    if (!strcmp(v, "\\t") || !strcmp(v, "tab")) v = "\t";
    if (!v[0] || v[1] || v[0] == '"' || (v[0] != '\t' && !ispunct((unsigned char)v[0])))
        return lp_cli_usage_error("--delimiter: expected one character such as ';' or '|', or "
                                  "tab, got '%s'",
                                  v);
    *out = v[0];
    return 0;
}

static int parse_analyze(analyze_opts *o, int argc, char **argv)
{
    o->an = (lp_analyze_options)LP_ANALYZE_OPTIONS_INIT;
    o->progress = isatty(STDERR_FILENO);
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *v;
        char *a = argv[i];
        int r, kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (kind) {
            if (o->n_inputs == 2) return lp_cli_usage_error("unexpected argument '%s'", a);
            o->inputs[o->n_inputs++] = a;
        } else if ((r = lp_cli_opt_output(argc, argv, &i, &o->output, "a file name"))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--anchor"))) {
            o->an.roles.anchor = v;
            o->roles_given = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--person"))) {
            o->an.roles.person = v;
            o->roles_given = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--account"))) {
            o->an.roles.account = v;
            o->roles_given = 1;
        } else if ((r = lp_cli_opt_threads(argc, argv, &i, &o->threads))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--scenarios"))) {
            if (!*v) return lp_cli_usage_error("%s", "--scenarios needs a file name");
            if (o->scenario_file) return lp_cli_usage_error("%s", "--scenarios given twice");
            o->scenario_file = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--leave"))) {
            if (!*v) return lp_cli_usage_error("%s", "--leave needs one or more ids");
            o->leave[o->n_leave++] = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--checkpoint"))) {
            if (!*v) return lp_cli_usage_error("%s", "--checkpoint needs a directory");
            o->checkpoint = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--add"))) {
            if (!*v) return lp_cli_usage_error("%s", "--add needs PERSON:ACCOUNT[,...]");
            if (o->add) return lp_cli_usage_error("%s", "--add given twice (list the ties in one)");
            o->add = v;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--top"))) {
            o->centrality_given = 1;
            if (lp_cli_parse_int64(v, 0, 1000000, &o->an.top))
                return lp_cli_usage_error(
                    "--top: expected a whole number from 0 to 1000000, got '%s'", v);
        } else if ((r = lp_cli_opt_progress(argc, argv, &i, &o->progress))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--min-tie"))) {
            double w;
            if (lp_cli_parse_min_tie(v, &w)) return LP_EUSAGE;
            o->an.min_tie = w;
            o->min_tie_given = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--second-links"))) {
            int64_t k;
            if (lp_cli_parse_int64(v, 0, 100, &k))
                return lp_cli_usage_error(
                    "--second-links: expected a whole number from 0 to 100, got '%s'", v);
            o->an.second_links = (int32_t)k;
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
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--delimiter"))) {
            if (parse_delimiter(v, &o->delimiter)) return LP_EUSAGE;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    const char *cmd = o->whatif ? "whatif" : "analyze";
    if (o->add && !o->whatif) return lp_cli_usage_error("%s", "--add is a whatif option");
    if (o->n_inputs == 0)
        return lp_cli_usage_error("%s needs NODES.csv EDGES.csv or a GRAPH.h5 store", cmd);
    if (o->n_inputs == 1 && o->delimiter)
        return lp_cli_usage_error("%s", "--delimiter applies to CSV input");
    if (o->n_inputs == 1 && o->skip_bad_rows)
        return lp_cli_usage_error("%s", "--skip-bad-rows applies to CSV input (a store was checked "
                                        "at import)");
    if (o->checkpoint && (o->whatif || o->an.betweenness != LP_BW_EXACT))
        return lp_cli_usage_error("%s", "--checkpoint applies to analyze --betweenness exact");
    if (o->whatif) {
        if (!o->scenario_file && !o->n_leave && !o->add)
            return lp_cli_usage_error(
                "%s", "whatif needs --leave ID[,ID...], --scenarios FILE or --add PERSON:ACCOUNT");
        if (o->add && o->scenario_file)
            return lp_cli_usage_error("%s", "--add combines with --leave, not with --scenarios");
        if (o->centrality_given || o->sampling_given)
            return lp_cli_usage_error(
                "%s", "--top, --betweenness, --epsilon, --delta and --seed are analyze options");
        o->an.centrality = 0;
        o->an.betweenness = LP_BW_OFF;
        /* without -o nothing shows second links (the scenario table and
         * --add's rises need key persons and bus factor only): skip them */
        if (!o->output) o->an.second_links = 0;
        if (!o->output) return 0;
    }
    if (!o->output) return lp_cli_usage_error("%s", "analyze needs -o RESULTS.h5");
    if (!o->whatif && o->sampling_given &&
        (o->an.betweenness == LP_BW_EXACT || o->an.betweenness == LP_BW_OFF))
        return lp_cli_usage_error(
            "%s", "--epsilon, --delta and --seed apply to sampled betweenness only");
    if (o->sampling_given && lp_sampling_check(&o->an.sampling)) return lp_cli_fail(LP_EUSAGE);
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
        if (lp_graph_type_index(g, p, len) < 0) {
            char types[512], v[LP_TEXT_MSG_CAP];
            fprintf(stderr, "linchpin: warning: --%s type '%s' matches no node (types: %s)\n",
                    option, lp_text_msg(v, sizeof v, p, len),
                    lp_graph_types_text(g, types, sizeof types));
        }
        if (!c) break;
        p = c + 1;
    }
}

/* The effect of --add (with the --leave departures, if any). */
static lp_status print_added_ties(const analyze_opts *o, const lp_graph *g, const lp_analysis *an,
                                  const lp_scenarios *set)
{
    int64_t nl = set->count ? set->leave_offsets[set->count] : 0;
    lp_vid *leave = malloc(((size_t)nl + 1) * sizeof *leave);
    if (!leave) return lp_error_nomem("added ties");
    if (nl) memcpy(leave, set->leave, (size_t)nl * sizeof *leave);
    lp_addties_result r;
    lp_status st = lp_addties_run(&r, g, &an->keyperson, an->bus_factor, an->bus_factor_cap,
                                  o->ties, o->n_ties, leave, nl);
    free(leave);
    if (st) return st;
    char label[512];
    printf("\nadded ties%s:\n", nl ? " (with the departures above)" : "");
    for (int64_t j = 0; j < o->n_ties; j++) {
        printf("  %s", lp_graph_node_label(g, o->ties[j].person, label, sizeof label));
        printf(" -- %s\n", lp_graph_node_label(g, o->ties[j].account, label, sizeof label));
    }
    printf("accounts whose bus factor rises: %lld, revenue ", (long long)r.n_raised);
    lp_cli_print_money(stdout, r.raised_revenue, 0);
    printf("\n");
    if (nl) {
        printf("accounts left with no path: %lld, revenue ", (long long)r.n_lost);
        lp_cli_print_money(stdout, r.lost_revenue, 0);
        printf("\naccounts now hanging on one person: %lld, revenue ", (long long)r.n_newly);
        lp_cli_print_money(stdout, r.newly_revenue, 0);
        printf("\n");
    }
    for (int64_t j = 0; j < r.n_raised && j < 20; j++) {
        int64_t i = r.raised[j];
        printf("  %s: bus factor %d -> %d%s\n",
               lp_graph_node_label(g, an->keyperson.account_node[i], label, sizeof label),
               an->bus_factor[i], r.bus_factor_after[i],
               r.bus_factor_after[i] == an->bus_factor_cap ? " or more" : "");
    }
    if (r.n_raised > 20) printf("  ... and %lld more\n", (long long)(r.n_raised - 20));
    lp_addties_result_free(&r);
    return LP_OK;
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
    lp_cli_print_scenarios(set->count, names, leaving, r->lost_accounts, r->lost_revenue,
                           r->newly_bus_factor_1, r->newly_at_risk_revenue);
    free(names);
    free(leaving);
    return 0;
}

/* The options of this run as a JSON object, for the result file's
 * provenance. NULL when out of memory. */
static char *parameters_json(const analyze_opts *o, const lp_analysis *an, int threads)
{
    char *params = NULL;
    size_t size = 0;
    FILE *pf = open_memstream(&params, &size);
    if (!pf) return NULL;
    const char *method = an->betweenness_mode == LP_BW_EXACT     ? "exact"
                         : an->betweenness_mode == LP_BW_SAMPLED ? "sampled"
                                                                 : "off";
    fprintf(pf, "{");
    if (o->n_inputs == 1) {
        fprintf(pf, "\"graph_store\":");
        json_string(pf, o->inputs[0]);
        fprintf(pf, ",");
    }
    fprintf(pf, "\"anchor\":");
    json_string(pf, o->an.roles.anchor);
    fprintf(pf, ",\"person\":");
    json_string(pf, o->an.roles.person);
    fprintf(pf, ",\"account\":");
    json_string(pf, o->an.roles.account);
    fprintf(pf,
            ",\"threads\":%d,\"skip_bad_rows\":%s,\"top\":%lld,\"bus_factor_cap\":%d,"
            "\"min_tie\":%.17g,\"second_links\":%d,\"betweenness\":\"%s\"",
            threads, o->skip_bad_rows ? "true" : "false", (long long)o->an.top,
            (int)o->an.bus_factor_cap, o->an.min_tie, (int)o->an.second_links, method);
    if (an->betweenness_mode == LP_BW_SAMPLED)
        fprintf(pf, ",\"epsilon\":%.17g,\"delta\":%.17g,\"seed\":%llu", o->an.sampling.epsilon,
                o->an.sampling.delta, (unsigned long long)o->an.sampling.seed);
    if (lp_cli_mpi_size() > 1) fprintf(pf, ",\"mpi_ranks\":%d", lp_cli_mpi_size());
    fprintf(pf, ",\"pagerank_damping\":%.17g,\"pagerank_tolerance\":%.17g}", o->an.pagerank.damping,
            o->an.pagerank.tolerance);
    if (fclose(pf) != 0) {
        free(params);
        return NULL;
    }
    return params;
}

/* Read the graph store or the CSV pair; report the load phase. */
static lp_status load_graph(lp_graph *g, lp_load_report *rep, lp_graphstore_info *info,
                            const analyze_opts *o, double *seconds)
{
    double t0 = lp_clock_seconds();
    lp_status st;
    if (o->n_inputs == 1) { /* the graph store */
        st = lp_graphstore_read(g, info, o->inputs[0]);
        if (!st) *rep = info->report;
    } else {
        lp_load_options lo = LP_LOAD_OPTIONS_INIT;
        lo.skip_bad_rows = o->skip_bad_rows;
        if (o->delimiter) lo.delimiter = o->delimiter;
        lo.warn = lp_cli_mpi_rank() == 0 ? stderr : NULL; /* once under MPI */
        lo.progress = lp_cli_progress_load;
        st = lp_graph_load_csv(g, rep, o->inputs[0], o->inputs[1], &lo);
    }
    if (st) return st;
    *seconds = lp_clock_seconds() - t0;
    char detail[96];
    snprintf(detail, sizeof detail, "%lld nodes, %lld edges", (long long)g->n, (long long)g->m);
    lp_cli_progress_phase(NULL, "load", *seconds, detail);
    return LP_OK;
}

/* Set the roles, check that an anchor exists, warn about listed types that
 * no node has, and resolve the departure scenarios into *set. */
static lp_status prepare_roles(lp_graph *g, lp_scenarios *set, analyze_opts *o)
{
    lp_status st = lp_graph_set_roles(g, &o->an.roles);
    if (st) return st;
    if (lp_cli_mpi_rank() == 0) { /* one copy of each warning under MPI */
        warn_unmatched(g, "anchor", o->an.roles.anchor);
        warn_unmatched(g, "person", o->an.roles.person);
        warn_unmatched(g, "account", o->an.roles.account);
    }
    if (g->n_anchor == 0) {
        char v[LP_CLI_TEXT_CAP];
        return lp_error_set(LP_EINPUT, "no anchor node: no node has a type in --anchor '%s'",
                            lp_cli_text(v, sizeof v, o->an.roles.anchor));
    }
    if (o->add && (st = lp_ties_from_list(&o->ties, &o->n_ties, o->add, g, &set->notes))) return st;
    if (!o->scenario_file && !o->n_leave) return LP_OK;
    for (int k = 0; k < o->n_leave && !st; k++)
        st = lp_scenarios_from_list(set, o->leave[k], g);
    if (!st && o->scenario_file) st = lp_scenarios_read_csv(set, o->scenario_file, g);
    if (!st) o->an.scenarios = set;
    return st;
}

/* Write the result file with this run's provenance: finish the stream rs
 * (the parts the analysis handed to it are written already), or, without
 * one, the whole file. */
static lp_status write_results(const analyze_opts *o, const lp_graph *g, const lp_analysis *an,
                               const lp_load_report *rep, const lp_graphstore_info *info,
                               int threads, int argc, char **argv, lp_results_stream *rs)
{
    char *cmd = command_line(argc, argv), *params = parameters_json(o, an, threads);
    lp_status st = LP_OK;
    if (!cmd || !params) {
        st = lp_error_nomem("parameters");
    } else {
        /* a store records the CSV files it was imported from */
        lp_input_file inputs[2] = {rep->nodes_file, rep->edges_file};
        lp_run_info run = {
            .command_line = cmd,
            .threads = threads,
            .parameters_json = params,
            .inputs = inputs,
            .n_inputs = o->n_inputs == 1 && !info->has_files ? 0 : 2,
            .skipped_rows = rep->skipped_rows,
        };
        double t0 = lp_clock_seconds();
        if (rs) {
            st = lp_results_stream_finish(rs, an, &run);
            if (!st) lp_cli_progress_phase(NULL, "write", lp_results_stream_seconds(rs), o->output);
        } else {
            st = lp_results_write(o->output, g, an, &run);
            if (!st) lp_cli_progress_phase(NULL, "write", lp_clock_seconds() - t0, o->output);
        }
    }
    free(cmd);
    free(params);
    return st;
}

/* After each phase: drop the pages of a mapped graph store but its CSR, so
 * that the next phase holds only what it reads of it
 * (lp_graphstore_release_pages: types and revenues after key persons, the
 * ids until the write); then the progress line. */
static void analyze_phase_done(void *ctx, const char *phase, double seconds, const char *detail)
{
    lp_graphstore_release_pages(ctx, LP_GS_KEEP_CSR | LP_GS_KEEP_WEIGHTS);
    lp_cli_progress_phase(NULL, phase, seconds, detail);
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
    lp_graphstore_info info;
    lp_analysis an;
    lp_scenarios set = LP_SCENARIOS_INIT;
    memset(&g, 0, sizeof g);
    memset(&info, 0, sizeof info);
    memset(&an, 0, sizeof an);
    o.an.progress = analyze_phase_done;
    o.an.progress_ctx = &g;
    o.an.dist = lp_cli_mpi_dist(o.checkpoint);
    const int rank0 = lp_cli_mpi_rank() == 0; /* alone, or the rank that writes and prints */
    lp_cli_progress_start(rank0 && o.progress);

    double t_load = 0;
    lp_status st = load_graph(&g, &rep, &info, &o, &t_load);
    if (!st && !o.roles_given && info.anchor && info.person && info.account) {
        /* a store made from a CRM export records the roles its profile implies */
        o.an.roles.anchor = info.anchor;
        o.an.roles.person = info.person;
        o.an.roles.account = info.account;
    }
    /* a store imported with --min-tie applies it unless --min-tie is given */
    if (!st && !o.min_tie_given && info.min_tie > 0) o.an.min_tie = info.min_tie;
    if (!st) st = prepare_roles(&g, &set, &o);
    /* every rank has its graph (or none fails), else the others would wait */
    int agreed = lp_cli_mpi_size() > 1 ? lp_cli_mpi_agree(st) : 0;
    if (agreed) st = LP_OK; /* printed by the failing rank */
    /* analyze writes each part of the results as it is final, and frees it
     * (peak memory); whatif keeps them for its report */
    lp_results_stream *rs = NULL;
    if (rank0 && !st && !agreed && !whatif && (st = lp_results_stream_begin(&rs, o.output, &g)) &&
        lp_cli_mpi_size() > 1)
        lp_cli_mpi_abort(st);
    if (rs) {
        o.an.sink = lp_results_stream_part;
        o.an.sink_ctx = rs;
    }
    if (!st && !agreed && (st = lp_analyze(&an, &g, &o.an)) && lp_cli_mpi_size() > 1)
        lp_cli_mpi_abort(st);
    if (!st && !agreed) st = lp_analysis_add_time(&an, "load", t_load);
    for (int64_t i = 0; rank0 && !st && !agreed && i < an.warnings.count; i++)
        fprintf(stderr, "linchpin: warning: %s\n", lp_strtab_get(&an.warnings, i));
    if (rank0 && !st && !agreed && (!whatif || o.output)) {
        lp_graphstore_release_pages(&g, 0); /* the write reads ids and types only */
        st = write_results(&o, &g, &an, &rep, &info, threads, argc, argv, rs);
    }
    lp_results_stream_free(rs);             /* after a failure: removes the temporary */
    if (lp_cli_mpi_size() > 1 && !agreed) { /* rank 0's write, for every rank's exit status */
        agreed = lp_cli_mpi_agree(st);
        st = LP_OK;
    }
    lp_cli_progress_end();
    if (agreed) rc = agreed;
    if (!rank0) o.quiet = 1;
    if (!st && !rc && whatif && !o.quiet) {
        for (int64_t i = 0; i < set.notes.count; i++)
            printf("%s%s\n", i ? "  " : "resolved: ", lp_strtab_get(&set.notes, i));
        rc = print_whatif(&set, &an.scenarios);
    }
    if (!st && !rc && o.n_ties && !o.quiet) st = print_added_ties(&o, &g, &an, &set);
    lp_analysis_free(&an);
    lp_scenarios_free(&set);
    free(o.leave);
    free(o.ties);
    lp_graph_free(&g);
    lp_graphstore_info_free(&info);
    if (st) return lp_cli_fail(st);
    if (!rc && !whatif && !o.quiet) return lp_cli_print_summary(o.output, 10, LP_CLI_TEXT);
    return rc;
}

static int cmd_analyze_main(int argc, char **argv)
{
    return cmd_analyze(argc, argv, 0);
}

static int cmd_whatif_main(int argc, char **argv)
{
    return cmd_analyze(argc, argv, 1);
}

/* ---- import ------------------------------------------------------------ */

static int cmd_import(int argc, char **argv)
{
    for (int i = 2; i < argc && strcmp(argv[i], "--"); i++) /* a CRM's exports: cli/crm.c */
        if (!strncmp(argv[i], "--crm", 5) || !strncmp(argv[i], "--mapping", 9))
            return lp_cli_import_crm(argc, argv);
    const char *in[2] = {NULL, NULL}, *out = NULL;
    int n_in = 0, progress = isatty(STDERR_FILENO);
    lp_load_options lo = LP_LOAD_OPTIONS_INIT;
    lp_graphstore_meta meta = LP_GRAPHSTORE_META_INIT;
    lo.warn = stderr;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *v, *a = argv[i];
        int r, kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (kind) {
            if (n_in == 2) return lp_cli_usage_error("unexpected argument '%s'", a);
            in[n_in++] = a;
        } else if ((r = lp_cli_opt_output(argc, argv, &i, &out, "a file name"))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((r = lp_cli_opt_threads(argc, argv, &i, NULL)) ||
                   (r = lp_cli_opt_progress(argc, argv, &i, &progress))) {
            if (r < 0) return LP_EUSAGE;
        } else if (!strcmp(a, "--skip-bad-rows")) {
            lo.skip_bad_rows = 1;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--delimiter"))) {
            if (parse_delimiter(v, &lo.delimiter)) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--min-tie"))) {
            if (lp_cli_parse_min_tie(v, &meta.min_tie)) return LP_EUSAGE;
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
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
    double t0 = lp_clock_seconds();
    lp_status st = lp_graph_load_csv(&g, &rep, in[0], in[1], &lo);
    if (!st) {
        char detail[96];
        snprintf(detail, sizeof detail, "%lld nodes, %lld edges", (long long)g.n, (long long)g.m);
        lp_cli_progress_phase(NULL, "load", lp_clock_seconds() - t0, detail);
        t0 = lp_clock_seconds();
        st = lp_graphstore_write_meta(out, &g, &rep, &meta);
        if (!st) lp_cli_progress_phase(NULL, "write", lp_clock_seconds() - t0, out);
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

/* The command's own help when --help or -h is among its arguments. */
static int wants_help(int argc, char **argv)
{
    for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
    return 0;
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
    int rc = lp_cli_mpi_init(&argc, &argv);
    return lp_cli_mpi_finalize(rc ? rc : run(argc, argv));
}

static int run(int argc, char **argv)
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
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("linchpin %s (igraph %s, result format %d, %s)\n", LP_VERSION, IGRAPH_VERSION,
               LP_RESULTS_FORMAT_VERSION, lp_cli_mpi_flavour());
        return 0;
    }
    static const struct {
        const char *name, *usage;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"analyze", ANALYZE_USAGE, cmd_analyze_main},
        {"whatif", WHATIF_USAGE, cmd_whatif_main},
        {"import", IMPORT_USAGE, cmd_import},
        {"summary", LP_CLI_SUMMARY_USAGE, lp_cli_summary},
        {"diff", LP_CLI_DIFF_USAGE, lp_cli_diff},
        {"export", LP_CLI_EXPORT_USAGE, lp_cli_export},
    };
    if (!strcmp(cmd, "generate")) return lp_cli_generate(argc, argv); /* has its own --help */
    if (!strcmp(cmd, "report")) return lp_cli_report(argc, argv);     /* has its own --help */
    if (!strcmp(cmd, "subgraph")) return lp_cli_subgraph(argc, argv); /* has its own --help */
    if (!strcmp(cmd, "batch")) return lp_cli_batch(argc, argv);       /* has its own --help */
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++) {
        if (strcmp(cmd, commands[k].name)) continue;
        if (wants_help(argc, argv)) {
            fputs(commands[k].usage, stdout);
            return 0;
        }
        return commands[k].run(argc, argv);
    }
    return lp_cli_usage_error("unknown command '%s'", cmd);
}
