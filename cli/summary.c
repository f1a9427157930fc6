/* summary.c — `linchpin summary RESULTS.h5 [--format text|markdown|json]`,
 * also printed at the end of analyze, and the table helpers whatif and diff
 * share. Reads /summary (lp_results_read_summary) and, for the account
 * lines, the /accounts table (lp_results_read_table); every id, name and
 * type goes through lp_cli_text (or lp_cli_json_string) before printing. */
#include "lp_cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_results.h"

const char LP_CLI_SUMMARY_USAGE[] =
    "usage: linchpin summary RESULTS.h5 [--top K] [--format text|markdown|json]\n"
    "\n"
    "Print the summary of a result file: counts, revenue hanging on one person, the\n"
    "bus-factor histogram, single-threaded accounts and accounts covered on paper\n"
    "only, the top persons by revenue at risk, the top accounts hanging on one person\n"
    "with their key person and the first second-link suggestion, brokers,\n"
    "betweenness, scenarios, warnings and timings. A damaged file is exit 3.\n"
    "  --top K               persons and accounts listed (default 20)\n"
    "  --format F            text (default), markdown or json\n";

/* "Covered on paper only": bus factor >= 2 while one person holds at least
 * this share of the interaction weight (issue 13). */
#define PAPER_SHARE 0.8

/* ---- shared table helpers --------------------------------------------- */

/* Columns of UTF-8 text (code points; good enough for names). */
static int utf8_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += (*p & 0xC0) != 0x80;
    return w;
}

void lp_cli_print_padded(FILE *f, const char *s, int width)
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

const char *lp_cli_money(char *buf, size_t cap, double x, int sign)
{
    char digits[64], out[96];
    snprintf(digits, sizeof digits, sign && x > 0 ? "+%.2f" : "%.2f", x);
    char *dot = strchr(digits, '.');
    if (!dot) { /* inf, nan */
        snprintf(buf, cap, "%s", digits);
        return buf;
    }
    int int_len = (int)(dot - digits), o = 0;
    for (int i = 0; i < int_len; i++) {
        if (i && (int_len - i) % 3 == 0 && digits[i - 1] != '-' && digits[i - 1] != '+')
            out[o++] = ',';
        out[o++] = digits[i];
    }
    strcpy(out + o, dot);
    snprintf(buf, cap, "%s", out);
    return buf;
}

void lp_cli_print_money(FILE *f, double x, int width)
{
    char buf[96];
    fprintf(f, "%*s", width, lp_cli_money(buf, sizeof buf, x, 0));
}

void lp_cli_print_scenarios(int64_t m, const char *const *name, const int64_t *leaving,
                            const int64_t *lost, const double *lost_revenue, const int64_t *newly,
                            const double *newly_revenue)
{
    if (m <= 0) return;
    printf("\ndeparture scenarios\n");
    lp_cli_print_padded(stdout, "scenario", 32);
    printf("  %7s  %8s  %16s  %8s  %16s\n", "leaving", "lost", "lost revenue", "now bf=1",
           "revenue at bf=1");
    for (int64_t j = 0; j < m; j++) {
        char t[LP_CLI_TEXT_CAP];
        lp_cli_print_padded(stdout, lp_cli_text(t, sizeof t, name[j]), 32);
        printf("  %7lld  %8lld  ", (long long)leaving[j], (long long)lost[j]);
        lp_cli_print_money(stdout, lost_revenue[j], 16);
        printf("  %8lld  ", (long long)newly[j]);
        lp_cli_print_money(stdout, newly_revenue[j], 16);
        printf("\n");
    }
    printf("lost: accounts left with no path to the company; now bf=1: accounts that had\n"
           "bus factor 2 or more and now hang on a single person\n");
}

/* ---- what the summary adds from /accounts -------------------------------- */

typedef struct extras {
    lp_results_table t; /* accounts and node strings */
    int has_threads, has_share;
    int64_t single_n, paper_n;
    double single_rev, paper_rev;
    int64_t n_risk;
    int64_t *risk; /* account rows with key persons, revenue desc then row asc */
    /* ids and names of the nodes those rows print (account, key person,
     * second link), read alone rather than the whole /nodes columns */
    lp_vid *lab_row; /* [lab.k], ascending */
    lp_node_labels lab;
} extras;

static void extras_free(extras *x)
{
    lp_results_table_free(&x->t);
    free(x->risk);
    free(x->lab_row);
    lp_node_labels_free(&x->lab);
}

static int cmp_vid(const void *a, const void *b)
{
    lp_vid x = *(const lp_vid *)a, y = *(const lp_vid *)b;
    return (x > y) - (x < y);
}

/* The first key person and second link of account row i (-1: none). */
static lp_vid first_key_person(const lp_results_table *t, int64_t i)
{
    return t->key_persons.val[t->key_persons.off[i]];
}
static lp_vid first_second_link(const lp_results_table *t, int64_t i)
{
    if (!t->second_link.off || t->second_link.off[i + 1] == t->second_link.off[i]) return -1;
    return t->second_link.val[t->second_link.off[i]];
}

/* Read the ids and names of the nodes the top accounts print. */
static lp_status labels_read(extras *x, const char *path)
{
    const lp_results_table *t = &x->t;
    int64_t k = 0;
    if (!(x->lab_row = malloc(((size_t)x->n_risk * 3 + 1) * sizeof *x->lab_row)))
        return lp_error_nomem("summary");
    for (int64_t r = 0; r < x->n_risk; r++) {
        int64_t i = x->risk[r];
        lp_vid p = first_second_link(t, i);
        x->lab_row[k++] = t->account_node[i];
        x->lab_row[k++] = first_key_person(t, i);
        if (p >= 0) x->lab_row[k++] = p;
    }
    if (k > 1) qsort(x->lab_row, (size_t)k, sizeof *x->lab_row, cmp_vid);
    int64_t u = 0;
    for (int64_t j = 0; j < k; j++)
        if (u == 0 || x->lab_row[u - 1] != x->lab_row[j]) x->lab_row[u++] = x->lab_row[j];
    return lp_results_read_node_labels(&x->lab, path, x->lab_row, u);
}

static int64_t label_index(const extras *x, lp_vid v)
{
    int64_t lo = 0, hi = x->lab.k;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (x->lab_row[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return lo; /* every row printed was read */
}
static const char *node_id(const extras *x, lp_vid v)
{
    return x->lab.ids[label_index(x, v)];
}
static const char *node_name(const extras *x, lp_vid v)
{
    return x->lab.names ? x->lab.names[label_index(x, v)] : NULL;
}

/* Counts over /accounts and the top k accounts hanging on one person. */
static lp_status extras_read(extras *x, const char *path, int64_t k)
{
    memset(x, 0, sizeof *x);
    lp_status st = lp_results_read_table(&x->t, path, LP_RT_ACCOUNTS);
    if (st) return st;
    const lp_results_table *t = &x->t;
    if (!t->has_accounts) return LP_OK;
    x->has_threads = t->threads != NULL;
    x->has_share = t->dominant_share != NULL && t->bus_factor != NULL;
    if (!(x->risk = malloc(((size_t)k + 1) * sizeof *x->risk))) return lp_error_nomem("summary");
    for (int64_t i = 0; i < t->a; i++) {
        double rev = t->account_revenue[i];
        if (x->has_threads && t->threads[i] == 1) {
            x->single_n++;
            x->single_rev += rev;
        }
        if (x->has_share && t->bus_factor[i] >= 2 && t->dominant_share[i] >= PAPER_SHARE) {
            x->paper_n++;
            x->paper_rev += rev;
        }
        if (k == 0 || t->key_persons.off[i + 1] == t->key_persons.off[i]) continue;
        /* insertion into the top k (k is small); on equal revenue the lower row first */
        if (x->n_risk == k && !(rev > t->account_revenue[x->risk[k - 1]])) continue;
        int64_t p = x->n_risk < k ? x->n_risk++ : k - 1;
        while (p > 0 && t->account_revenue[x->risk[p - 1]] < rev) {
            x->risk[p] = x->risk[p - 1];
            p--;
        }
        x->risk[p] = i;
    }
    return labels_read(x, path);
}

/* ---- text ---------------------------------------------------------------- */

static void print_scores(const char *title, const lp_summary_score *sc, int64_t n, int64_t k)
{
    if (k > n) k = n;
    if (k <= 0) return;
    printf("\n%s\n", title);
    for (int64_t i = 0; i < k; i++) {
        char label[LP_CLI_TEXT_CAP], type[LP_CLI_TEXT_CAP];
        printf("%4lld  ", (long long)(i + 1));
        lp_cli_print_padded(stdout, lp_cli_label(label, sizeof label, sc[i].name, sc[i].id), 36);
        printf("  ");
        lp_cli_print_padded(stdout, lp_cli_text(type, sizeof type, sc[i].type), 12);
        printf("  %14.2f\n", sc[i].value);
    }
}

static void print_extras_text(const extras *x, const lp_summary *s)
{
    const lp_results_table *t = &x->t;
    if (x->has_threads) {
        printf("single-threaded (one person holds every tie): %lld, revenue ",
               (long long)x->single_n);
        lp_cli_print_money(stdout, x->single_rev, 0);
        printf("\n");
    }
    if (x->has_share) {
        printf("covered on paper only (bus factor >= 2, one person holds >= %.0f%% of the "
               "interaction weight): %lld, revenue ",
               PAPER_SHARE * 100, (long long)x->paper_n);
        lp_cli_print_money(stdout, x->paper_rev, 0);
        printf("\n");
    }
    if (t->has_weak_ties_dropped && t->weak_ties_dropped > 0)
        printf("weak ties dropped (weaker than the min_tie parameter): %lld\n",
               (long long)t->weak_ties_dropped);
    (void)s;
}

static void print_risk_text(const extras *x)
{
    const lp_results_table *t = &x->t;
    if (x->n_risk == 0) return;
    printf("\ntop accounts hanging on one person (by revenue)\n");
    printf("%4s  ", "rank");
    lp_cli_print_padded(stdout, "account", 30);
    printf("  %16s  ", "revenue");
    if (t->second_link.off) {
        lp_cli_print_padded(stdout, "key person", 28);
        printf("  add a second link to");
    } else {
        printf("key person");
    }
    printf("\n");
    for (int64_t r = 0; r < x->n_risk; r++) {
        int64_t i = x->risk[r];
        lp_vid v = t->account_node[i], kp = t->key_persons.val[t->key_persons.off[i]];
        char a[LP_CLI_TEXT_CAP], b[LP_CLI_TEXT_CAP], c[LP_CLI_TEXT_CAP];
        printf("%4lld  ", (long long)(r + 1));
        lp_cli_print_padded(stdout, lp_cli_label(a, sizeof a, node_name(x, v), node_id(x, v)), 30);
        printf("  ");
        lp_cli_print_money(stdout, t->account_revenue[i], 16);
        printf("  ");
        lp_cli_label(b, sizeof b, node_name(x, kp), node_id(x, kp));
        if (!t->second_link.off) fputs(b, stdout);
        if (t->second_link.off) {
            lp_cli_print_padded(stdout, b, 28);
            if (t->second_link.off[i + 1] > t->second_link.off[i]) {
                lp_vid p = t->second_link.val[t->second_link.off[i]];
                printf("  %s", lp_cli_label(c, sizeof c, node_name(x, p), node_id(x, p)));
            } else {
                printf("  (no candidate)");
            }
        }
        printf("\n");
    }
}

static void print_text(const char *path, const lp_summary *s, const extras *x, int64_t top)
{
    char pbuf[LP_CLI_TEXT_CAP];
    printf("%s  (linchpin %s, created %s)\n", lp_cli_text(pbuf, sizeof pbuf, path),
           s->linchpin_version ? s->linchpin_version : "?", s->created ? s->created : "?");
    printf("nodes %lld, edges %lld (merged duplicate rows %lld, dropped self-loops %lld",
           (long long)s->nodes, (long long)s->edges, (long long)s->merged_duplicates,
           (long long)s->dropped_self_loops);
    if (s->skipped_rows) printf(", skipped bad rows %lld", (long long)s->skipped_rows);
    printf(")\n");
    printf("accounts %lld, revenue ", (long long)s->accounts);
    lp_cli_print_money(stdout, s->revenue_total, 0);
    printf("\n  hang on a single person: %lld, revenue ", (long long)s->accounts_with_key_person);
    lp_cli_print_money(stdout, s->revenue_with_key_person, 0);
    printf("\n  no path to the company:  %lld\n", (long long)s->orphan_accounts);
    printf("cut vertices (articulation points): %lld\n", (long long)s->articulation_points);
    if (s->bus_factor_histogram) {
        /* values with accounts only: the cap may be large */
        printf("accounts by bus factor (persons who must all leave to cut it off):");
        const char *sep = " ";
        for (int32_t b = 0; b <= s->bus_factor_cap; b++) {
            if (!s->bus_factor_histogram[b]) continue;
            printf("%s%s%d: %lld", sep, b == s->bus_factor_cap ? ">=" : "", b,
                   (long long)s->bus_factor_histogram[b]);
            sep = ", ";
        }
        printf("%s\n", *sep == ' ' ? " none" : "");
    }
    print_extras_text(x, s);
    int64_t k = s->n_top < top ? s->n_top : top;
    if (k > 0) {
        printf("\ntop persons by revenue at risk\n");
        printf("%4s  ", "rank");
        lp_cli_print_padded(stdout, "person", 36);
        printf("  ");
        lp_cli_print_padded(stdout, "type", 12);
        printf("  %8s  %18s\n", "accounts", "revenue at risk");
        for (int64_t i = 0; i < k; i++) {
            char label[LP_CLI_TEXT_CAP], type[LP_CLI_TEXT_CAP];
            printf("%4lld  ", (long long)(i + 1));
            lp_cli_print_padded(
                stdout, lp_cli_label(label, sizeof label, s->top[i].name, s->top[i].id), 36);
            printf("  ");
            lp_cli_print_padded(stdout, lp_cli_text(type, sizeof type, s->top[i].type), 12);
            printf("  %8lld  ", (long long)s->top[i].accounts_at_risk);
            lp_cli_print_money(stdout, s->top[i].revenue_at_risk, 18);
            printf("\n");
        }
    } else {
        printf("\nno account hangs on a single person\n");
    }
    print_risk_text(x);
    print_scores("top brokers (share of shortest company-to-account paths)", s->top_brokers,
                 s->n_top_brokers, top < 5 ? top : 5);
    if (s->betweenness_method) {
        char title[128];
        if (!strcmp(s->betweenness_method, "sampled"))
            snprintf(title, sizeof title,
                     "top betweenness (sampled: %lld paths, within %g normalised, p >= %g)",
                     (long long)s->betweenness_samples, s->betweenness_epsilon,
                     1 - s->betweenness_delta);
        else
            snprintf(title, sizeof title, "top betweenness (exact)");
        print_scores(title, s->top_betweenness, s->n_top_betweenness, top < 5 ? top : 5);
    }
    lp_cli_print_scenarios(s->n_scenarios, (const char *const *)s->scenario_name,
                           s->scenario_leaving, s->scenario_lost, s->scenario_lost_revenue,
                           s->scenario_newly, s->scenario_newly_revenue);
    for (int i = 0; i < x->t.n_warnings; i++) {
        char w[1024];
        printf("%swarning: %s\n", i ? "" : "\n", lp_cli_text(w, sizeof w, x->t.warnings[i]));
    }
    if (s->n_timings) {
        printf("\ntimings:");
        for (int i = 0; i < s->n_timings; i++)
            printf(" %s %.3f s%s", s->timing_phase[i], s->timing_seconds[i],
                   i + 1 < s->n_timings ? "," : "\n");
    }
}

/* ---- markdown -------------------------------------------------------------- */

/* Escaped text with '|' (a cell separator) and '\' escaped again. */
static void md_cell(const char *s)
{
    char buf[LP_CLI_TEXT_CAP];
    for (const char *p = lp_cli_text(buf, sizeof buf, s); *p; p++) {
        if (*p == '|' || *p == '\\' || *p == '*' || *p == '_' || *p == '`') putchar('\\');
        putchar(*p);
    }
}

static void md_label(const char *name, const char *id)
{
    if (name && *name) {
        md_cell(name);
        printf(" (");
        md_cell(id);
        printf(")");
    } else {
        md_cell(id);
    }
}

static void print_markdown(const char *path, const lp_summary *s, const extras *x, int64_t top)
{
    const lp_results_table *t = &x->t;
    printf("# linchpin summary: ");
    md_cell(path);
    printf("\n\nlinchpin %s, created %s\n\n", s->linchpin_version ? s->linchpin_version : "?",
           s->created ? s->created : "?");
    printf("| | count | revenue |\n|---|---:|---:|\n");
    printf("| nodes | %lld | |\n| edges | %lld | |\n", (long long)s->nodes, (long long)s->edges);
    printf("| accounts | %lld | ", (long long)s->accounts);
    lp_cli_print_money(stdout, s->revenue_total, 0);
    printf(" |\n| hang on a single person | %lld | ", (long long)s->accounts_with_key_person);
    lp_cli_print_money(stdout, s->revenue_with_key_person, 0);
    printf(" |\n| no path to the company | %lld | ", (long long)s->orphan_accounts);
    lp_cli_print_money(stdout, s->revenue_orphan, 0);
    printf(" |\n");
    if (x->has_threads) {
        printf("| single-threaded | %lld | ", (long long)x->single_n);
        lp_cli_print_money(stdout, x->single_rev, 0);
        printf(" |\n");
    }
    if (x->has_share) {
        printf("| covered on paper only (bus factor >= 2, dominant share >= %.0f%%) | %lld | ",
               PAPER_SHARE * 100, (long long)x->paper_n);
        lp_cli_print_money(stdout, x->paper_rev, 0);
        printf(" |\n");
    }
    if (t->has_weak_ties_dropped && t->weak_ties_dropped > 0)
        printf("| weak ties dropped | %lld | |\n", (long long)t->weak_ties_dropped);
    if (s->bus_factor_histogram) {
        printf("\n## Accounts by bus factor\n\n| bus factor | accounts |\n|---:|---:|\n");
        for (int32_t b = 0; b <= s->bus_factor_cap; b++)
            if (s->bus_factor_histogram[b])
                printf("| %s%d | %lld |\n", b == s->bus_factor_cap ? ">=" : "", b,
                       (long long)s->bus_factor_histogram[b]);
    }
    int64_t k = s->n_top < top ? s->n_top : top;
    if (k > 0) {
        printf(
            "\n## Top persons by revenue at risk\n\n| rank | person | type | accounts | revenue at "
            "risk |\n|---:|---|---|---:|---:|\n");
        for (int64_t i = 0; i < k; i++) {
            printf("| %lld | ", (long long)(i + 1));
            md_label(s->top[i].name, s->top[i].id);
            printf(" | ");
            md_cell(s->top[i].type);
            printf(" | %lld | ", (long long)s->top[i].accounts_at_risk);
            lp_cli_print_money(stdout, s->top[i].revenue_at_risk, 0);
            printf(" |\n");
        }
    }
    if (x->n_risk > 0) {
        printf("\n## Top accounts hanging on one person\n\n| rank | account | revenue | key person "
               "| add a second link to |\n|---:|---|---:|---|---|\n");
        for (int64_t r = 0; r < x->n_risk; r++) {
            int64_t i = x->risk[r];
            lp_vid v = t->account_node[i], kp = t->key_persons.val[t->key_persons.off[i]];
            printf("| %lld | ", (long long)(r + 1));
            md_label(node_name(x, v), node_id(x, v));
            printf(" | ");
            lp_cli_print_money(stdout, t->account_revenue[i], 0);
            printf(" | ");
            md_label(node_name(x, kp), node_id(x, kp));
            printf(" | ");
            if (t->second_link.off && t->second_link.off[i + 1] > t->second_link.off[i]) {
                lp_vid p = t->second_link.val[t->second_link.off[i]];
                md_label(node_name(x, p), node_id(x, p));
            }
            printf(" |\n");
        }
    }
    if (s->n_scenarios > 0) {
        printf("\n## Departure scenarios\n\n| scenario | leaving | lost | lost revenue | now bus "
               "factor 1 | revenue at bus factor 1 |\n|---|---:|---:|---:|---:|---:|\n");
        for (int64_t j = 0; j < s->n_scenarios; j++) {
            printf("| ");
            md_cell(s->scenario_name[j]);
            printf(" | %lld | %lld | ", (long long)s->scenario_leaving[j],
                   (long long)s->scenario_lost[j]);
            lp_cli_print_money(stdout, s->scenario_lost_revenue[j], 0);
            printf(" | %lld | ", (long long)s->scenario_newly[j]);
            lp_cli_print_money(stdout, s->scenario_newly_revenue[j], 0);
            printf(" |\n");
        }
    }
    if (t->n_warnings > 0) {
        printf("\n## Warnings\n\n");
        for (int i = 0; i < t->n_warnings; i++) {
            printf("- ");
            md_cell(t->warnings[i]);
            printf("\n");
        }
    }
}

/* ---- json -------------------------------------------------------------------- */

static void json_num(double v)
{
    if (isfinite(v))
        printf("%.17g", v);
    else
        printf("null");
}

static void json_node(const char *key, const char *id, const char *name, const char *type)
{
    printf("\"%s\":{\"id\":", key);
    lp_cli_json_string(stdout, id);
    printf(",\"name\":");
    if (name)
        lp_cli_json_string(stdout, name);
    else
        printf("null");
    if (type) {
        printf(",\"type\":");
        lp_cli_json_string(stdout, type);
    }
    printf("}");
}

static void json_scores(const char *key, const lp_summary_score *sc, int64_t n)
{
    printf(",\"%s\":[", key);
    for (int64_t i = 0; i < n; i++) {
        printf("%s{", i ? "," : "");
        json_node("node", sc[i].id, sc[i].name, sc[i].type);
        printf(",\"value\":");
        json_num(sc[i].value);
        printf("}");
    }
    printf("]");
}

static void print_json(const char *path, const lp_summary *s, const extras *x, int64_t top)
{
    const lp_results_table *t = &x->t;
    printf("{\"file\":");
    lp_cli_json_string(stdout, path);
    printf(",\"linchpin_version\":");
    lp_cli_json_string(stdout, s->linchpin_version);
    printf(",\"created\":");
    lp_cli_json_string(stdout, s->created);
    printf(",\"nodes\":%lld,\"edges\":%lld,\"merged_duplicates\":%lld,\"dropped_self_loops\":%lld,"
           "\"skipped_rows\":%lld",
           (long long)s->nodes, (long long)s->edges, (long long)s->merged_duplicates,
           (long long)s->dropped_self_loops, (long long)s->skipped_rows);
    if (s->has_keyperson) {
        printf(",\"accounts\":%lld,\"revenue_total\":", (long long)s->accounts);
        json_num(s->revenue_total);
        printf(",\"accounts_with_key_person\":%lld,\"revenue_with_key_person\":",
               (long long)s->accounts_with_key_person);
        json_num(s->revenue_with_key_person);
        printf(",\"orphan_accounts\":%lld,\"revenue_orphan\":", (long long)s->orphan_accounts);
        json_num(s->revenue_orphan);
        printf(",\"articulation_points\":%lld", (long long)s->articulation_points);
    }
    if (s->bus_factor_histogram) {
        printf(",\"bus_factor_cap\":%d,\"bus_factor_histogram\":[", (int)s->bus_factor_cap);
        for (int32_t b = 0; b <= s->bus_factor_cap; b++)
            printf("%s%lld", b ? "," : "", (long long)s->bus_factor_histogram[b]);
        printf("]");
    }
    if (x->has_threads) {
        printf(",\"single_threaded\":{\"accounts\":%lld,\"revenue\":", (long long)x->single_n);
        json_num(x->single_rev);
        printf("}");
    }
    if (x->has_share) {
        printf(",\"covered_on_paper_only\":{\"min_dominant_share\":%.17g,\"accounts\":%lld,"
               "\"revenue\":",
               PAPER_SHARE, (long long)x->paper_n);
        json_num(x->paper_rev);
        printf("}");
    }
    if (t->has_weak_ties_dropped)
        printf(",\"weak_ties_dropped\":%lld", (long long)t->weak_ties_dropped);
    printf(",\"warnings\":[");
    for (int i = 0; i < t->n_warnings; i++) {
        if (i) printf(",");
        lp_cli_json_string(stdout, t->warnings[i]);
    }
    printf("],\"top_persons\":[");
    int64_t k = s->n_top < top ? s->n_top : top;
    for (int64_t i = 0; i < k; i++) {
        printf("%s{", i ? "," : "");
        json_node("person", s->top[i].id, s->top[i].name, s->top[i].type);
        printf(",\"accounts_at_risk\":%lld,\"revenue_at_risk\":",
               (long long)s->top[i].accounts_at_risk);
        json_num(s->top[i].revenue_at_risk);
        printf("}");
    }
    printf("],\"top_accounts_at_risk\":[");
    for (int64_t r = 0; r < x->n_risk; r++) {
        int64_t i = x->risk[r];
        lp_vid v = t->account_node[i], kp = t->key_persons.val[t->key_persons.off[i]];
        printf("%s{", r ? "," : "");
        json_node("account", node_id(x, v), node_name(x, v), NULL);
        printf(",\"revenue\":");
        json_num(t->account_revenue[i]);
        printf(",");
        json_node("key_person", node_id(x, kp), node_name(x, kp), NULL);
        printf(",\"key_persons\":%lld",
               (long long)(t->key_persons.off[i + 1] - t->key_persons.off[i]));
        if (t->second_link.off) {
            printf(",");
            if (t->second_link.off[i + 1] > t->second_link.off[i]) {
                lp_vid p = t->second_link.val[t->second_link.off[i]];
                json_node("second_link", node_id(x, p), node_name(x, p), NULL);
            } else {
                printf("\"second_link\":null");
            }
        }
        printf("}");
    }
    printf("]");
    json_scores("top_brokers", s->top_brokers, s->n_top_brokers < top ? s->n_top_brokers : top);
    if (s->betweenness_method) {
        printf(",\"betweenness\":{\"method\":");
        lp_cli_json_string(stdout, s->betweenness_method);
        printf(",\"samples\":%lld,\"epsilon\":", (long long)s->betweenness_samples);
        json_num(s->betweenness_epsilon);
        printf(",\"delta\":");
        json_num(s->betweenness_delta);
        printf("}");
        json_scores("top_betweenness", s->top_betweenness,
                    s->n_top_betweenness < top ? s->n_top_betweenness : top);
    }
    printf(",\"scenarios\":[");
    for (int64_t j = 0; j < s->n_scenarios; j++) {
        printf("%s{\"name\":", j ? "," : "");
        lp_cli_json_string(stdout, s->scenario_name[j]);
        printf(",\"leaving\":%lld,\"lost_accounts\":%lld,\"lost_revenue\":",
               (long long)s->scenario_leaving[j], (long long)s->scenario_lost[j]);
        json_num(s->scenario_lost_revenue[j]);
        printf(",\"newly_bus_factor_1\":%lld,\"newly_at_risk_revenue\":",
               (long long)s->scenario_newly[j]);
        json_num(s->scenario_newly_revenue[j]);
        printf("}");
    }
    printf("],\"timings\":{");
    for (int i = 0; i < s->n_timings; i++) {
        printf("%s", i ? "," : "");
        lp_cli_json_string(stdout, s->timing_phase[i]);
        printf(":");
        json_num(s->timing_seconds[i]);
    }
    printf("}}\n");
}

int lp_cli_print_summary(const char *path, int64_t top, lp_cli_format fmt)
{
    lp_summary s;
    extras x;
    lp_status st = lp_results_read_summary(&s, path);
    if (st) return lp_cli_fail(st);
    if ((st = extras_read(&x, path, top < 1000 ? top : 1000))) {
        extras_free(&x);
        lp_summary_free(&s);
        return lp_cli_fail(st);
    }
    if (fmt == LP_CLI_JSON)
        print_json(path, &s, &x, top);
    else if (fmt == LP_CLI_MARKDOWN)
        print_markdown(path, &s, &x, top);
    else
        print_text(path, &s, &x, top);
    extras_free(&x);
    lp_summary_free(&s);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "linchpin: cannot write the summary to stdout\n");
        return LP_EOUTPUT;
    }
    return 0;
}

int lp_cli_summary(int argc, char **argv)
{
    const char *path = NULL;
    int64_t top = 20;
    lp_cli_format fmt = LP_CLI_TEXT;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *v, *a = argv[i];
        int kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (kind) {
            if (path) return lp_cli_usage_error("unexpected argument '%s'", a);
            path = a;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--top"))) {
            if (lp_cli_parse_int64(v, 0, 1000000, &top))
                return lp_cli_usage_error("--top: expected a whole number, got '%s'", v);
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--format"))) {
            if (!strcmp(v, "text"))
                fmt = LP_CLI_TEXT;
            else if (!strcmp(v, "markdown"))
                fmt = LP_CLI_MARKDOWN;
            else if (!strcmp(v, "json"))
                fmt = LP_CLI_JSON;
            else
                return lp_cli_usage_error("--format: expected text, markdown or json, got '%s'", v);
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    if (!path) return lp_cli_usage_error("%s", "summary needs RESULTS.h5");
    return lp_cli_print_summary(path, top, fmt);
}
