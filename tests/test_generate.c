/* test_generate.c — the enterprise generator (engine/lp_generate.h) and its
 * CSV sink (io/lp_csvwrite.h), checked through the CSV loader
 * (lp_graph_load_csv) and the key-person analysis, never against numbers
 * copied from the generator's output:
 *  - determinism: the same options give byte-identical files (twice, and
 *    at 1 and 4 OpenMP threads); another seed gives other files; the
 *    in-memory lp_generate gives the same node ids and edge rows;
 *  - the structure the generator promises: every type present, org tree
 *    (one division per team, the company above every division), 1..8
 *    contacts per account and one account per contact, revenue > 0 with a
 *    heavy tail, positive integer weights, heavy-tailed rep popularity (the
 *    busiest rep serves hundreds of accounts, far above the median),
 *    partners bridging several accounts, former employees tied to one
 *    account and to employees;
 *  - the generator's statistics against what the loader and the analysis
 *    find: node and edge rows, merged duplicates, dropped self-loops, total
 *    weight, orphan accounts, accounts with a key person (= single-threaded
 *    accounts), and the single-threaded share against the option;
 *  - awkward output (odd ids, CRLF, BOM, empty fields) loads, and its
 *    counts match;
 *  - errors: out-of-range options, an unwritable directory, a failing sink,
 *    a write failing half-way (earlier files untouched, no temporaries).
 */
#define _XOPEN_SOURCE 700 /* SIGXFSZ, setrlimit, mkdtemp */

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp_csv.h"
#include "lp_csvwrite.h"
#include "lp_generate.h"
#include "lp_keyperson.h"
#include "lp_test.h"
#include "lp_test_files.h"

static char base_dir[256];

static void path_in(char *dst, size_t cap, const char *sub, const char *file)
{
    snprintf(dst, cap, "%s/%s%s%s", base_dir, sub, file ? "/" : "", file ? file : "");
}

static int same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = lp_test_slurp(a, &la), *y = lp_test_slurp(b, &lb);
    int same = x && y && la == lb && !memcmp(x, y, la);
    free(x);
    free(y);
    return same;
}

static int same_dir_files(const char *sub1, const char *sub2)
{
    char a[512], b[512];
    int same = 1;
    const char *files[2] = {"nodes.csv", "edges.csv"};
    for (int k = 0; k < 2; k++) {
        path_in(a, sizeof a, sub1, files[k]);
        path_in(b, sizeof b, sub2, files[k]);
        same &= same_file(a, b);
    }
    return same;
}

/* Entries of dir other than . and .. (-1 if it cannot be opened). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static lp_status generate_to(const char *sub, lp_generate_stats *s, const lp_generate_options *o,
                             int awkward_format)
{
    char dir[512];
    path_in(dir, sizeof dir, sub, NULL);
    lp_csv_write_options w = LP_CSV_WRITE_OPTIONS_INIT;
    w.crlf = w.bom = awkward_format;
    return lp_csv_generate(dir, s, o, &w);
}

static int load(lp_graph *g, lp_load_report *rep, const char *sub)
{
    char np[512], ep[512];
    path_in(np, sizeof np, sub, "nodes.csv");
    path_in(ep, sizeof ep, sub, "edges.csv");
    lp_status st = lp_graph_load_csv(g, rep, np, ep, NULL);
    CHECK(st == LP_OK, "load %s: %s", sub, lp_error_message());
    if (st) return -1;
    lp_roles roles = LP_ROLES_INIT;
    st = lp_graph_set_roles(g, &roles);
    CHECK(st == LP_OK, "roles %s: %s", sub, lp_error_message());
    return st ? -1 : 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type index of each LP_GEN_* type name in g (-1 if absent). */
static void type_indices(const lp_graph *g, int64_t *ti)
{
    for (int t = 0; t < LP_GEN_NTYPES; t++) {
        const char *name = lp_generate_type_name(t);
        ti[t] = lp_graph_type_index(g, name, strlen(name));
    }
}

static int is_type(const lp_graph *g, const int64_t *ti, int64_t v, int t)
{
    return ti[t] >= 0 && g->nodes.type[v] == ti[t];
}

/* Neighbours of v of type t. */
static int64_t nbrs_of_type(const lp_graph *g, const int64_t *ti, int64_t v, int t)
{
    int64_t k = 0;
    for (int64_t a = g->csr.offset[v]; a < g->csr.offset[v + 1]; a++)
        k += is_type(g, ti, g->csr.adj[a], t);
    return k;
}

/* The structural promises, on a loaded graph made with options o and
 * reported as s. `what` names the case. */
static void check_structure(const lp_graph *g, const lp_load_report *rep,
                            const lp_generate_stats *s, const lp_generate_options *o,
                            const char *what)
{
    int64_t ti[LP_GEN_NTYPES];
    type_indices(g, ti);

    /* Rows and the loader's counts. */
    CHECK(g->n == s->nodes && rep->node_rows == s->nodes, "%s: %lld nodes, stats %lld", what,
          (long long)g->n, (long long)s->nodes);
    CHECK(rep->edge_rows == s->edge_rows, "%s: %lld edge rows, stats %lld", what,
          (long long)rep->edge_rows, (long long)s->edge_rows);
    CHECK(g->merged_duplicates == s->duplicate_rows, "%s: loader merged %lld, generator %lld", what,
          (long long)g->merged_duplicates, (long long)s->duplicate_rows);
    CHECK(g->dropped_self_loops == s->self_loop_rows, "%s: loader dropped %lld, generator %lld",
          what, (long long)g->dropped_self_loops, (long long)s->self_loop_rows);
    CHECK(g->m == s->edge_rows - s->duplicate_rows - s->self_loop_rows, "%s: m %lld", what,
          (long long)g->m);
    int64_t by_type[LP_GEN_NTYPES] = {0};
    for (int64_t v = 0; v < g->n; v++)
        for (int t = 0; t < LP_GEN_NTYPES; t++)
            by_type[t] += is_type(g, ti, v, t);
    for (int t = 0; t < LP_GEN_NTYPES; t++)
        CHECK(by_type[t] == s->nodes_by_type[t], "%s: %lld nodes of type %s, stats %lld", what,
              (long long)by_type[t], lp_generate_type_name(t), (long long)s->nodes_by_type[t]);
    CHECK(by_type[LP_GEN_ACCOUNT] == o->accounts, "%s: %lld accounts", what,
          (long long)by_type[LP_GEN_ACCOUNT]);
    CHECK(by_type[LP_GEN_COMPANY] == 1, "%s: %lld companies", what,
          (long long)by_type[LP_GEN_COMPANY]);

    /* Weights: positive integers (merged rows add up), total as emitted. */
    double wsum = 0;
    int64_t bad_w = 0;
    double *w = malloc((size_t)(g->m + 1) * sizeof *w);
    int64_t mm = 0;
    for (int64_t v = 0; v < g->n; v++)
        for (int64_t a = g->csr.offset[v]; a < g->csr.offset[v + 1]; a++) {
            double x = g->csr.weight[a];
            bad_w += !(x >= 1 && x == floor(x));
            if (g->csr.adj[a] > v) {
                wsum += x;
                w[mm++] = x;
            }
        }
    CHECK(bad_w == 0, "%s: %lld weights not positive integers", what, (long long)bad_w);
    CHECK(wsum == s->weight_sum, "%s: weight total %.0f, generator %.0f", what, wsum,
          s->weight_sum);
    qsort(w, (size_t)mm, sizeof *w, cmp_dbl);
    CHECK(mm < 1000 || w[mm - 1] >= 20 * w[mm / 2],
          "%s: weights not heavy-tailed (median %g, max %g)", what, mm ? w[mm / 2] : 0,
          mm ? w[mm - 1] : 0);
    free(w);

    /* Org tree: every team under exactly one division, every division under
     * the company; every employee in exactly one team; each team has one
     * member that is also joined to the division (its lead). */
    int64_t bad_org = 0, teams_with_lead = 0;
    for (int64_t v = 0; v < g->n; v++) {
        if (is_type(g, ti, v, LP_GEN_TEAM)) {
            bad_org += nbrs_of_type(g, ti, v, LP_GEN_DIVISION) != 1;
            for (int64_t a = g->csr.offset[v]; a < g->csr.offset[v + 1]; a++) {
                int64_t e = g->csr.adj[a];
                if (is_type(g, ti, e, LP_GEN_EMPLOYEE) &&
                    nbrs_of_type(g, ti, e, LP_GEN_DIVISION) == 1) {
                    teams_with_lead++;
                    break;
                }
            }
        }
        if (is_type(g, ti, v, LP_GEN_DIVISION))
            bad_org += nbrs_of_type(g, ti, v, LP_GEN_COMPANY) != 1;
        if (is_type(g, ti, v, LP_GEN_EMPLOYEE)) bad_org += nbrs_of_type(g, ti, v, LP_GEN_TEAM) != 1;
    }
    CHECK(bad_org == 0, "%s: %lld nodes break the org tree", what, (long long)bad_org);
    CHECK(teams_with_lead == by_type[LP_GEN_TEAM], "%s: %lld of %lld teams have a lead", what,
          (long long)teams_with_lead, (long long)by_type[LP_GEN_TEAM]);

    /* Accounts: revenue > 0, heavy-tailed; 1..8 contacts each; contacts and
     * former employees belong to one account. */
    int64_t na = by_type[LP_GEN_ACCOUNT], ia = 0, bad_acct = 0, bad_people = 0;
    int64_t contacts_total = 0;
    double *rev = malloc((size_t)(na + 1) * sizeof *rev);
    for (int64_t v = 0; v < g->n; v++) {
        if (is_type(g, ti, v, LP_GEN_ACCOUNT)) {
            rev[ia++] = g->nodes.revenue[v];
            int64_t c = nbrs_of_type(g, ti, v, LP_GEN_CONTACT);
            contacts_total += c;
            bad_acct += !(g->nodes.revenue[v] > 0) || c < 1 || c > 8;
        }
        if (is_type(g, ti, v, LP_GEN_CONTACT))
            bad_people += nbrs_of_type(g, ti, v, LP_GEN_ACCOUNT) != 1;
        if (is_type(g, ti, v, LP_GEN_FORMER_EMPLOYEE))
            bad_people += nbrs_of_type(g, ti, v, LP_GEN_ACCOUNT) != 1 ||
                          nbrs_of_type(g, ti, v, LP_GEN_EMPLOYEE) < 1;
    }
    CHECK(bad_acct == 0, "%s: %lld accounts without revenue or with contacts outside 1..8", what,
          (long long)bad_acct);
    CHECK(bad_people == 0, "%s: %lld contacts / former employees not tied as promised", what,
          (long long)bad_people);
    CHECK(contacts_total == by_type[LP_GEN_CONTACT], "%s: contacts %lld, contact nodes %lld", what,
          (long long)contacts_total, (long long)by_type[LP_GEN_CONTACT]);
    qsort(rev, (size_t)na, sizeof *rev, cmp_dbl);
    if (na >= 1000)
        CHECK(rev[na - 1] >= 100 * rev[na / 2], "%s: revenue not heavy-tailed (median %g, max %g)",
              what, rev[na / 2], rev[na - 1]);
    free(rev);

    /* Rep popularity: accounts per employee who serves any. */
    int64_t *load_ = malloc((size_t)(g->n + 1) * sizeof *load_), nl = 0;
    for (int64_t v = 0; v < g->n; v++)
        if (is_type(g, ti, v, LP_GEN_EMPLOYEE)) {
            int64_t k = nbrs_of_type(g, ti, v, LP_GEN_ACCOUNT);
            if (k > 0) load_[nl++] = k;
        }
    qsort(load_, (size_t)nl, sizeof *load_, cmp_i64);
    if (o->accounts >= 10000) {
        CHECK(nl > 0 && load_[nl - 1] >= 100 && load_[nl - 1] >= 10 * load_[nl / 2],
              "%s: rep popularity not heavy-tailed (median %lld, max %lld)", what,
              nl ? (long long)load_[nl / 2] : 0, nl ? (long long)load_[nl - 1] : 0);
    }
    free(load_);

    /* Partners bridge several accounts. */
    int64_t max_partner = 0;
    for (int64_t v = 0; v < g->n; v++)
        if (is_type(g, ti, v, LP_GEN_PARTNER)) {
            int64_t k = nbrs_of_type(g, ti, v, LP_GEN_ACCOUNT);
            if (k > max_partner) max_partner = k;
            CHECK(nbrs_of_type(g, ti, v, LP_GEN_EMPLOYEE) >= 2, "%s: partner %lld has < 2 reps",
                  what, (long long)v);
        }
    if (o->accounts >= 10000 && o->single_threaded < 0.9)
        CHECK(max_partner >= 10, "%s: the busiest partner bridges only %lld accounts", what,
              (long long)max_partner);

    /* Key persons: exactly the single-threaded accounts; orphans as made. */
    lp_keyperson kp;
    if (lp_keyperson_run(&kp, g)) {
        CHECK(0, "%s: keyperson: %s", what, lp_error_message());
        return;
    }
    CHECK(kp.orphan_accounts == s->orphan_accounts, "%s: %lld orphan accounts, generator %lld",
          what, (long long)kp.orphan_accounts, (long long)s->orphan_accounts);
    CHECK(kp.accounts_with_key_person == s->single_threaded_accounts,
          "%s: %lld accounts with a key person, generator %lld single-threaded", what,
          (long long)kp.accounts_with_key_person, (long long)s->single_threaded_accounts);
    int64_t connected = na - kp.orphan_accounts;
    double share = connected ? (double)kp.accounts_with_key_person / (double)connected : 0;
    /* Binomial: 5 standard deviations plus a little. */
    double tol = 5 * sqrt(o->single_threaded * (1 - o->single_threaded) / (double)connected) + 0.01;
    CHECK(fabs(share - o->single_threaded) <= tol,
          "%s: single-threaded share %.4f, asked %.4f (tolerance %.4f)", what, share,
          o->single_threaded, tol);
    lp_keyperson_free(&kp);
}

/* ---- determinism -------------------------------------------------------------- */

static void determinism(void)
{
    lp_generate_options o = LP_GENERATE_OPTIONS_INIT;
    o.accounts = 3000;
    o.seed = 7;
    lp_generate_stats s1, s2, s3;
    for (int names = 0; names < 2; names++) {
        o.names = names;
        o.awkward = names;
        set_threads(1);
        CHECK(generate_to("det1", &s1, &o, names) == LP_OK, "det1: %s", lp_error_message());
        set_threads(4);
        CHECK(generate_to("det2", &s2, &o, names) == LP_OK, "det2: %s", lp_error_message());
        set_threads(1);
        CHECK(same_dir_files("det1", "det2"), "names=%d: reruns differ", names);
        CHECK(!memcmp(&s1, &s2, sizeof s1), "names=%d: statistics differ between reruns", names);
        o.seed = 8;
        CHECK(generate_to("det3", &s3, &o, names) == LP_OK, "det3: %s", lp_error_message());
        CHECK(!same_dir_files("det1", "det3"), "names=%d: seeds 7 and 8 give the same files",
              names);
        o.seed = 7;
    }

    /* names = 0 / 1: the same structure (clean output: same counts). */
    o.awkward = 0;
    o.names = 0;
    CHECK(generate_to("det1", &s1, &o, 0) == LP_OK, "compact: %s", lp_error_message());
    o.names = 1;
    CHECK(generate_to("det2", &s2, &o, 0) == LP_OK, "names: %s", lp_error_message());
    CHECK(!memcmp(&s1, &s2, sizeof s1), "names changes the structure");

    /* In memory: the same node ids in order, and the same rows. */
    lp_graph g;
    lp_load_report rep;
    if (load(&g, &rep, "det2")) return;
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    CHECK(lp_generate(&nodes, &edges, &o) == LP_OK, "lp_generate: %s", lp_error_message());
    CHECK(nodes.id.count == g.n && edges.m == rep.edge_rows, "in memory: %lld nodes, %lld rows",
          (long long)nodes.id.count, (long long)edges.m);
    int64_t diff = 0;
    for (int64_t v = 0; v < g.n && v < nodes.id.count; v++)
        diff += strcmp(lp_strtab_get(&nodes.id, v), lp_strtab_get(&g.nodes.id, v)) != 0 ||
                nodes.revenue[v] != g.nodes.revenue[v];
    CHECK(diff == 0, "in memory: %lld node rows differ from the CSV", (long long)diff);
    lp_graph g2;
    CHECK(lp_graph_build(&g2, &nodes, &edges) == LP_OK, "build: %s", lp_error_message());
    CHECK(g2.m == g.m && !memcmp(g2.csr.adj, g.csr.adj, (size_t)(2 * g.m) * sizeof *g.csr.adj) &&
              !memcmp(g2.csr.weight, g.csr.weight, (size_t)(2 * g.m) * sizeof *g.csr.weight),
          "in memory: edges differ from the CSV");
    lp_graph_free(&g2);
    lp_graph_free(&g);
}

/* ---- structure, clean and awkward ----------------------------------------------- */

static void clean_and_awkward(void)
{
    lp_generate_options o = LP_GENERATE_OPTIONS_INIT;
    o.accounts = 20000;
    o.seed = 3;
    lp_generate_stats s;
    lp_graph g;
    lp_load_report rep;

    CHECK(generate_to("clean", &s, &o, 0) == LP_OK, "clean: %s", lp_error_message());
    for (int t = 0; t < LP_GEN_NTYPES; t++)
        CHECK(s.nodes_by_type[t] > 0, "clean: no %s", lp_generate_type_name(t));
    CHECK(s.duplicate_rows == 0 && s.self_loop_rows == 0 && s.orphan_accounts == 0 &&
              s.odd_ids == 0,
          "clean output has awkward rows");
    CHECK(s.edge_rows >= 4 * o.accounts && s.edge_rows <= 6 * o.accounts,
          "clean: %lld edge rows for %lld accounts (about 5 each promised)", (long long)s.edge_rows,
          (long long)o.accounts);
    CHECK(s.subsidiary_accounts > 0 && s.partner_accounts > 0, "clean: no subsidiary or partner");
    if (!load(&g, &rep, "clean")) {
        check_structure(&g, &rep, &s, &o, "clean");
        lp_graph_free(&g);
    }

    o.awkward = 1;
    o.names = 1;
    CHECK(generate_to("awkward", &s, &o, 1) == LP_OK, "awkward: %s", lp_error_message());
    CHECK(s.duplicate_rows > 0 && s.self_loop_rows >= 2 && s.orphan_accounts > 0 && s.odd_ids > 0,
          "awkward: dup %lld loops %lld orphans %lld odd %lld", (long long)s.duplicate_rows,
          (long long)s.self_loop_rows, (long long)s.orphan_accounts, (long long)s.odd_ids);
    char p[512];
    size_t len;
    path_in(p, sizeof p, "awkward", "edges.csv");
    char *text = lp_test_slurp(p, &len);
    CHECK(text && len > 3 && !memcmp(text, "\xef\xbb\xbfsource,target,weight\r\n", 25),
          "awkward: edges.csv does not start with BOM + header + CRLF");
    /* Every LF outside quotes is preceded by CR; some fields are empty. */
    int64_t bare_lf = 0, empty_weight = 0;
    int inq = 0;
    for (size_t i = 0; text && i < len; i++) {
        if (text[i] == '"') inq = !inq;
        if (!inq && text[i] == '\n') {
            bare_lf += i == 0 || text[i - 1] != '\r';
            empty_weight += i >= 2 && text[i - 2] == ',';
        }
    }
    CHECK(bare_lf == 0 && !inq, "awkward: %lld LF line ends, quote open %d", (long long)bare_lf,
          inq);
    CHECK(empty_weight > 0, "awkward: no empty weight field");
    free(text);
    if (!load(&g, &rep, "awkward")) {
        check_structure(&g, &rep, &s, &o, "awkward");
        /* The odd ids arrived intact. */
        int64_t comma = 0, quote = 0, lf = 0, crlf = 0, lead = 0, nonascii = 0;
        for (int64_t v = 0; v < g.n; v++) {
            const char *id = lp_strtab_get(&g.nodes.id, v);
            comma += strchr(id, ',') != NULL;
            quote += strchr(id, '"') != NULL;
            lf += strchr(id, '\n') != NULL;
            crlf += strstr(id, "\r\n") != NULL;
            lead += id[0] == ' ' && id[strlen(id) - 1] == ' ';
            for (const unsigned char *q = (const unsigned char *)id; *q; q++)
                if (*q >= 0x80) {
                    nonascii++;
                    break;
                }
        }
        CHECK(comma && quote && lf && crlf && lead && nonascii,
              "awkward ids: comma %lld quote %lld LF %lld CRLF %lld blanks %lld UTF-8 %lld",
              (long long)comma, (long long)quote, (long long)lf, (long long)crlf, (long long)lead,
              (long long)nonascii);
        lp_graph_free(&g);
    }

    /* The share is an option: none, all, and compact awkward ids. */
    o.names = 0;
    const double shares[2] = {0.0, 1.0};
    for (int k = 0; k < 2; k++) {
        o.accounts = 3000;
        o.single_threaded = shares[k];
        CHECK(generate_to("share", &s, &o, 1) == LP_OK, "share: %s", lp_error_message());
        if (!load(&g, &rep, "share")) {
            check_structure(&g, &rep, &s, &o, shares[k] > 0 ? "share 1" : "share 0");
            lp_graph_free(&g);
        }
    }

    /* Tiny and skewed settings still keep the promises. */
    lp_generate_options t = LP_GENERATE_OPTIONS_INIT;
    t.accounts = 1;
    t.employees = 2;
    t.partners = 0;
    t.former_employees = 1;
    t.rep_alpha = 1.05;
    for (int awk = 0; awk < 2; awk++) {
        t.awkward = awk;
        for (int64_t a = 1; a <= 40; a += 13) {
            t.accounts = a;
            CHECK(generate_to("tiny", &s, &t, awk) == LP_OK, "tiny: %s", lp_error_message());
            if (!load(&g, &rep, "tiny")) {
                check_structure(&g, &rep, &s, &t, "tiny");
                lp_graph_free(&g);
            }
        }
    }
}

/* ---- errors ------------------------------------------------------------------------ */

static lp_status fail_after_ctx_node(void *ctx, const lp_gen_node *n, int type, double r)
{
    (void)n;
    (void)type;
    (void)r;
    int64_t *left = ctx;
    if (--*left < 0) return lp_error_set(LP_EOUTPUT, "sink full");
    return LP_OK;
}

static lp_status fail_after_ctx_edge(void *ctx, const lp_gen_node *a, const lp_gen_node *b,
                                     double w)
{
    (void)a;
    (void)b;
    (void)w;
    int64_t *left = ctx;
    if (--*left < 0) return lp_error_set(LP_EOUTPUT, "sink full");
    return LP_OK;
}

static void errors(void)
{
    lp_generate_options o;
    static const char *const bad[] = {"accounts 0",  "accounts too many", "employees 1",
                                      "partners -2", "single 1.5",        "single NaN",
                                      "former -0.1", "alpha 1.0",         "alpha 11"};
    for (int k = 0; k < (int)(sizeof bad / sizeof bad[0]); k++) {
        lp_generate_options d = LP_GENERATE_OPTIONS_INIT;
        o = d;
        switch (k) {
        case 0:
            o.accounts = 0;
            break;
        case 1:
            o.accounts = LP_GENERATE_MAX_ACCOUNTS + 1;
            break;
        case 2:
            o.employees = 1;
            break;
        case 3:
            o.partners = -2;
            break;
        case 4:
            o.single_threaded = 1.5;
            break;
        case 5:
            o.single_threaded = NAN;
            break;
        case 6:
            o.former_employees = -0.1;
            break;
        case 7:
            o.rep_alpha = 1.0;
            break;
        default:
            o.rep_alpha = 11;
            break;
        }
        lp_error_clear();
        CHECK(lp_generate_check_options(&o) == LP_EUSAGE && strlen(lp_error_message()) > 0,
              "%s accepted", bad[k]);
        lp_nodes nodes = LP_NODES_INIT;
        lp_edges edges = LP_EDGES_INIT;
        CHECK(lp_generate(&nodes, &edges, &o) == LP_EUSAGE && nodes.id.count == 0,
              "%s: lp_generate", bad[k]);
        CHECK(generate_to("never", NULL, &o, 0) == LP_EUSAGE, "%s: lp_csv_generate", bad[k]);
    }
    char p[512];
    path_in(p, sizeof p, "never", NULL);
    struct stat sb;
    CHECK(stat(p, &sb) != 0, "a rejected run created its directory");

    /* A failing sink stops the generator with its status; stats untouched. */
    o = (lp_generate_options)LP_GENERATE_OPTIONS_INIT;
    for (int64_t k = 0; k < 3000; k += 997) {
        int64_t left = k;
        lp_gen_sink sink = {&left, fail_after_ctx_node, fail_after_ctx_edge};
        lp_generate_stats s;
        memset(&s, 0x5a, sizeof s);
        lp_generate_stats before = s;
        CHECK(lp_generate_stream(&sink, &s, &o) == LP_EOUTPUT, "failing sink after %lld rows",
              (long long)k);
        CHECK(!memcmp(&s, &before, sizeof s), "stats written on failure");
    }

    /* The directory cannot be created: below a regular file. */
    path_in(p, sizeof p, "file", NULL);
    FILE *f = fopen(p, "w");
    if (f) fclose(f);
    CHECK(generate_to("file/sub", NULL, &o, 0) == LP_EOUTPUT &&
              strstr(lp_error_message(), "file/sub"),
          "below a file: %s", lp_error_message());

    /* A write failing half-way (file size limit, in a child) leaves the
     * earlier files as they were and no temporary; a directory the run
     * created is removed again. */
    o.accounts = 20000;
    CHECK(generate_to("keep", NULL, &o, 0) == LP_OK, "keep: %s", lp_error_message());
    CHECK(generate_to("keep_copy", NULL, &o, 0) == LP_OK, "keep: %s", lp_error_message());
    o.seed = 99;
    for (int k = 0; k < 2; k++) {
        const char *sub = k ? "fresh/deeper" : "keep";
        pid_t pid = fork();
        if (pid == 0) {
            struct rlimit lim = {1 << 18, 1 << 18};
            signal(SIGXFSZ, SIG_IGN);
            if (setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(10);
            lp_status st = generate_to(sub, NULL, &o, 0);
            if (st != LP_EOUTPUT) {
                fprintf(stderr, "child: status %d (%s)\n", (int)st, lp_error_message());
                _exit(11);
            }
            _exit(strstr(lp_error_message(), "write failed") ? 0 : 12);
        }
        int status = 0;
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                  WEXITSTATUS(status) == 0,
              "%s: child status %d", sub, status);
    }
    CHECK(same_dir_files("keep", "keep_copy"), "failed write changed the earlier files");
    path_in(p, sizeof p, "keep", NULL);
    CHECK(count_entries(p) == 2, "failed write left %d entries in the directory", count_entries(p));
    path_in(p, sizeof p, "fresh", NULL);
    CHECK(count_entries(p) == -1, "failed write left the directory it created (%d entries)",
          count_entries(p));
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(base_dir, sizeof base_dir, "%s/lp_test_generate_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(base_dir)) {
        perror("mkdtemp");
        return 1;
    }
    determinism();
    clean_and_awkward();
    errors();
    lp_test_remove_tree(base_dir);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_generate: all checks passed\n");
    return 0;
}
