/* diff.c — `linchpin diff OLD.h5 NEW.h5 [-o DIFF.csv]`: reads both result
 * files whole (checked), compares them (lp_diff_compute), writes DIFF.csv
 * when asked and prints what changed. Exit 0 whether or not anything
 * changed; 3 when a file is damaged or the two are not comparable (nothing
 * written); 4 when DIFF.csv cannot be written. */
#include "lp_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lp_diff.h"

const char LP_CLI_DIFF_USAGE[] =
    "usage: linchpin diff OLD.h5 NEW.h5 [-o DIFF.csv] [--top K]\n"
    "\n"
    "What changed between two result files, accounts and nodes matched by id: the\n"
    "accounts that lost their path to the company or fell to bus factor 1, those that\n"
    "recovered, key-person changes, and the persons whose revenue at risk moved most.\n"
    "Exit 0 whether or not anything changed; 3 when the files are not comparable.\n"
    "  -o, --output FILE     also write one CSV row per changed account (written\n"
    "                        atomically): change,id,name,old_bus_factor,\n"
    "                        new_bus_factor,old_key_persons,new_key_persons,revenue\n"
    "  --top K               accounts and persons listed per section (default 10)\n";

static const char *account_label(char *buf, size_t cap, const lp_results_table *t, int64_t row)
{
    lp_vid v = t->account_node[row];
    return lp_cli_label(buf, cap, t->node_name.data ? lp_rstrings_get(&t->node_name, v) : NULL,
                        lp_rstrings_get(&t->node_id, v));
}

static const char *node_label(char *buf, size_t cap, const lp_results_table *t, lp_vid v)
{
    return lp_cli_label(buf, cap, t->node_name.data ? lp_rstrings_get(&t->node_name, v) : NULL,
                        lp_rstrings_get(&t->node_id, v));
}

/* The key persons of account row `row` of t, nearest first, at most 2
 * named: "A (a1), B (b1) +3 more"; "-" when none. */
static void print_key_persons(const lp_results_table *t, int64_t row)
{
    if (row < 0) {
        printf("-");
        return;
    }
    int64_t a = t->key_persons.off[row], b = t->key_persons.off[row + 1];
    if (a == b) printf("-");
    for (int64_t k = a; k < b && k < a + 2; k++) {
        char buf[LP_CLI_TEXT_CAP];
        printf("%s%s", k > a ? ", " : "", node_label(buf, sizeof buf, t, t->key_persons.val[k]));
    }
    if (b - a > 2) printf(" +%lld more", (long long)(b - a - 2));
}

static void print_report(const char *op, const char *np, const lp_diff *d,
                         const lp_results_table *o, const lp_results_table *n, int64_t top)
{
    char a[LP_CLI_TEXT_CAP], b[LP_CLI_TEXT_CAP];
    printf("%s -> %s\n", lp_cli_text(a, sizeof a, op), lp_cli_text(b, sizeof b, np));
    printf("accounts in both files %lld, added %lld, removed %lld\n", (long long)d->compared,
           (long long)d->count[LP_DIFF_ADDED], (long long)d->count[LP_DIFF_REMOVED]);
    if (d->n_changes == 0) {
        printf("no account changed its bus factor or key persons\n");
    } else {
        printf("\n%-22s  %10s  %18s\n", "change", "accounts", "revenue");
        for (int k = 0; k < LP_DIFF_KINDS; k++) {
            if (!d->count[k]) continue;
            printf("%-22s  %10lld  ", lp_diff_kind_name((lp_diff_kind)k), (long long)d->count[k]);
            lp_cli_print_money(stdout, d->revenue[k], 18);
            printf("\n");
        }
    }

    /* lost_path and fell_to_1 merged by revenue (each already sorted) */
    int64_t lo = 0, fo = 0, lost_n = d->count[LP_DIFF_LOST_PATH];
    int64_t fell_n = d->count[LP_DIFF_FELL_TO_1], shown = 0;
    const lp_diff_account *lost = d->changes, *fell = d->changes + lost_n;
    if (lost_n + fell_n > 0) {
        printf("\nfell to bus factor 1 or lost their path (top %lld by revenue)\n",
               (long long)(top < lost_n + fell_n ? top : lost_n + fell_n));
        printf("%-10s  ", "change");
        lp_cli_print_padded(stdout, "account", 34);
        printf("  %16s  %7s  %s\n", "revenue", "bf", "key person now");
    }
    while (shown < top && (lo < lost_n || fo < fell_n)) {
        const lp_diff_account *c =
            fo >= fell_n || (lo < lost_n && lost[lo].revenue >= fell[fo].revenue) ? &lost[lo++]
                                                                                  : &fell[fo++];
        printf("%-10s  ", lp_diff_kind_name(c->kind));
        lp_cli_print_padded(stdout, account_label(a, sizeof a, n, c->new_row), 34);
        printf("  ");
        lp_cli_print_money(stdout, c->revenue, 16);
        printf("  %2d -> %d  ", (int)o->bus_factor[c->old_row], (int)n->bus_factor[c->new_row]);
        print_key_persons(n, c->kind == LP_DIFF_FELL_TO_1 ? c->new_row : -1);
        printf("\n");
        shown++;
    }

    int64_t first = 0;
    for (int k = 0; k < LP_DIFF_KEY_PERSONS_CHANGED; k++)
        first += d->count[k];
    int64_t kpn = d->count[LP_DIFF_KEY_PERSONS_CHANGED];
    if (kpn > 0) {
        printf("\nkey person changed, still bus factor 1 (top %lld by revenue)\n",
               (long long)(top < kpn ? top : kpn));
        for (int64_t k = 0; k < kpn && k < top; k++) {
            const lp_diff_account *c = &d->changes[first + k];
            lp_cli_print_padded(stdout, account_label(a, sizeof a, n, c->new_row), 34);
            printf("  ");
            lp_cli_print_money(stdout, c->revenue, 16);
            printf("  ");
            print_key_persons(o, c->old_row);
            printf(" -> ");
            print_key_persons(n, c->new_row);
            printf("\n");
        }
    }

    int64_t recovered = d->count[LP_DIFF_RECOVERED];
    if (recovered > 0) {
        int64_t at = d->count[LP_DIFF_LOST_PATH] + d->count[LP_DIFF_FELL_TO_1];
        printf("\nrecovered to bus factor 2 or more (top %lld by revenue)\n",
               (long long)(top < recovered ? top : recovered));
        for (int64_t k = 0; k < recovered && k < top; k++) {
            const lp_diff_account *c = &d->changes[at + k];
            lp_cli_print_padded(stdout, account_label(a, sizeof a, n, c->new_row), 34);
            printf("  ");
            lp_cli_print_money(stdout, c->revenue, 16);
            printf("  %2d -> %d\n", (int)o->bus_factor[c->old_row], (int)n->bus_factor[c->new_row]);
        }
    }

    if (d->n_persons > 0) {
        printf("\nrevenue at risk moved most (top %lld of %lld persons)\n",
               (long long)(top < d->n_persons ? top : d->n_persons), (long long)d->n_persons);
        lp_cli_print_padded(stdout, "person", 36);
        printf("  %16s  %16s  %17s\n", "old", "new", "delta");
        for (int64_t k = 0; k < d->n_persons && k < top; k++) {
            const lp_diff_person *p = &d->persons[k];
            const char *label = p->new_node >= 0 ? node_label(a, sizeof a, n, p->new_node)
                                                 : node_label(a, sizeof a, o, p->old_node);
            lp_cli_print_padded(stdout, label, 36);
            printf("  ");
            lp_cli_print_money(stdout, p->old_revenue, 16);
            printf("  ");
            lp_cli_print_money(stdout, p->new_revenue, 16);
            char m[96];
            printf("  %17s\n", lp_cli_money(m, sizeof m, p->new_revenue - p->old_revenue, 1));
        }
    }
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int lp_cli_diff(int argc, char **argv)
{
    const char *in[2] = {NULL, NULL}, *out = NULL;
    int n_in = 0;
    int64_t top = 10;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *v, *a = argv[i];
        int r, kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (kind) {
            if (n_in == 2) return lp_cli_usage_error("unexpected argument '%s'", a);
            in[n_in++] = a;
        } else if ((r = lp_cli_opt_output(argc, argv, &i, &out, "a file name"))) {
            if (r < 0) return LP_EUSAGE;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--top"))) {
            if (lp_cli_parse_int64(v, 0, 1000000, &top))
                return lp_cli_usage_error("--top: expected a whole number, got '%s'", v);
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    if (n_in != 2) return lp_cli_usage_error("%s", "diff needs OLD.h5 and NEW.h5");
    for (int k = 0; out && k < 2; k++)
        if (same_file(in[k], out))
            return lp_cli_usage_error("the output would overwrite the input '%s'", in[k]);

    const unsigned parts = LP_RT_NODE_STRINGS | LP_RT_ACCOUNTS | LP_RT_NODE_RISK | LP_RT_NO_EXTRAS;
    lp_results_table o, n;
    lp_diff d;
    memset(&d, 0, sizeof d); /* written only on success */
    lp_status st = lp_results_read_table(&o, in[0], parts);
    if (st) return lp_cli_fail(st);
    if ((st = lp_results_read_table(&n, in[1], parts))) {
        lp_results_table_free(&o);
        return lp_cli_fail(st);
    }
    st = lp_diff_compute(&d, &o, in[0], &n, in[1]);
    if (!st && out) st = lp_diff_write_csv(out, &d, &o, &n);
    if (!st) print_report(in[0], in[1], &d, &o, &n, top);
    if (!st && out) {
        char buf[LP_CLI_TEXT_CAP];
        printf("\nwrote %s (%lld rows)\n", lp_cli_text(buf, sizeof buf, out),
               (long long)d.n_changes);
    }
    lp_diff_free(&d);
    lp_results_table_free(&o);
    lp_results_table_free(&n);
    if (st) return lp_cli_fail(st);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "linchpin: cannot write the report to stdout\n");
        return LP_EOUTPUT;
    }
    return 0;
}
