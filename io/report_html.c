/* report_html.c — the self-contained HTML report (lp_report_write_html,
 * lp_report.h): inline CSS and SVG only, every text from the file escaped. */
#include "lp_report.h"
#include "lp_alloc.h"
#include "lp_i_atomic.h"
#include "lp_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_PERSONS 20
#define TOP_ACCOUNTS 20
#define MAX_SCENARIO_BARS 30
#define SHARE_BINS 10
#define PAPER_ONLY_SHARE 0.8

static const char CSS[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
    "color:#1d2330;background:#fff;margin:0 auto;max-width:1100px;padding:1.5rem;line-height:1.4}\n"
    "h1{font-size:1.7rem;margin:0 0 .2rem}h2{font-size:1.25rem;margin:2rem 0 .6rem;"
    "border-bottom:2px solid #dfe3ea;padding-bottom:.2rem}\n"
    ".sub{color:#555e6e;margin:0 0 1rem}\n"
    ".figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.7rem;"
    "margin:0;padding:0}\n"
    ".figures div{border:1px solid #dfe3ea;border-radius:6px;padding:.6rem .8rem}\n"
    ".figures dt{font-size:.85rem;color:#555e6e}.figures dd{margin:0;font-size:1.35rem;"
    "font-weight:600}.figures dd.sub{font-size:.85rem;font-weight:400}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;"
    "padding:.3rem .5rem;border-bottom:1px solid #e6e9ef;vertical-align:top}\n"
    "th{background:#f3f5f8}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "figure{margin:.5rem 0 1rem}figcaption{font-size:.85rem;color:#555e6e}\n"
    "svg{max-width:100%;height:auto;font-size:12px}\n"
    "svg .bar{fill:#3a6fb0;stroke:#fff;stroke-width:1}svg .axis{stroke:#888}svg "
    "text{fill:#1d2330}\n"
    "svg .value{fill:#333;font-size:11px}\n"
    "svg .link{stroke:#9aa3b2;stroke-width:1.2}svg circle{stroke:#fff;stroke-width:1.5}\n"
    "svg .node-account{fill:#d9822b}svg .node-contact{fill:#7aa6d6}svg .node-person{fill:#6b7b8f}"
    "svg .node-key{fill:#c0392b}svg .node-anchor{fill:#2e7d32}svg .node-other{fill:#b6bdc8}\n"
    "svg .nlabel{font-size:10px}svg.picture{overflow:visible}\n"
    ".pictures{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}\n"
    ".legend span{display:inline-block;margin-right:1rem;font-size:.85rem}\n"
    ".legend i{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;"
    "margin-right:.3rem;vertical-align:middle}\n"
    "pre{white-space:pre-wrap;word-break:break-all;background:#f6f7f9;padding:.5rem;"
    "font-size:.8rem}\n"
    "@page{margin:15mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}"
    "section{break-inside:avoid-page}h2{break-after:avoid}"
    "table,figure,.figures div{break-inside:avoid}"
    ".pictures{grid-template-columns:1fr 1fr}svg{max-width:100%}"
    "a{color:inherit;text-decoration:none}}\n";

/* ---- small formatters --------------------------------------------------- */

static void money(char *out, size_t size, double x)
{
    char digits[64];
    if (!isfinite(x)) {
        snprintf(out, size, "n/a");
        return;
    }
    snprintf(digits, sizeof digits, "%.0f", fabs(x));
    size_t len = strlen(digits), o = 0;
    if (x < 0 && o + 1 < size) out[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

static void count_text(char *out, size_t size, int64_t v)
{
    money(out, size, (double)v);
}

static void pct(char *out, size_t size, double part, double whole)
{
    if (whole > 0)
        snprintf(out, size, "%.1f%%", 100.0 * part / whole);
    else
        snprintf(out, size, "-");
}

/* ---- sections ----------------------------------------------------------- */

static void figure_item(FILE *f, const char *label, const char *value, const char *note)
{
    fputs("<div><dt>", f);
    lp_html_escape(f, label);
    fputs("</dt><dd>", f);
    lp_html_escape(f, value);
    fputs("</dd>", f);
    if (note) {
        fputs("<dd class=\"sub\">", f);
        lp_html_escape(f, note);
        fputs("</dd>", f);
    }
    fputs("</div>\n", f);
}

static void headline(FILE *f, const lp_report_data *d)
{
    char v[64], v2[64], note[160];
    fputs("<section id=\"headline\">\n<h2>Headline figures</h2>\n<dl class=\"figures\">\n", f);
    count_text(v, sizeof v, d->nodes);
    count_text(v2, sizeof v2, d->edges);
    snprintf(note, sizeof note, "%s ties", v2);
    figure_item(f, "Nodes in the graph", v, note);
    if (d->has_keyperson) {
        count_text(v, sizeof v, d->accounts);
        figure_item(f, "Accounts", v, NULL);
        money(v, sizeof v, d->revenue_total);
        figure_item(f, "Revenue", v, NULL);
        money(v, sizeof v, d->revenue_with_key_person);
        count_text(v2, sizeof v2, d->accounts_with_key_person);
        pct(note, sizeof note, d->revenue_with_key_person, d->revenue_total);
        char n2[320];
        snprintf(n2, sizeof n2, "%s of revenue; %s accounts", note, v2);
        figure_item(f, "Revenue hanging on one person", v, n2);
        count_text(v, sizeof v, d->orphan_accounts);
        money(v2, sizeof v2, d->revenue_orphan);
        snprintf(note, sizeof note, "revenue %s", v2);
        figure_item(f, "Accounts with no path to the company", v, note);
        if (d->bus_factor && d->dominant_share) {
            int64_t k = 0;
            double r = 0;
            for (int64_t i = 0; i < d->a; i++)
                if (d->bus_factor[i] >= 2 && d->dominant_share[i] >= PAPER_ONLY_SHARE) {
                    k++;
                    r += d->account_revenue[i];
                }
            count_text(v, sizeof v, k);
            money(v2, sizeof v2, r);
            snprintf(note, sizeof note,
                     "bus factor 2 or more, but one path carries >= 80%% of the tie strength; "
                     "revenue %s",
                     v2);
            figure_item(f, "Accounts covered on paper only", v, note);
        }
        if (d->threads) {
            int64_t k = 0;
            double r = 0;
            for (int64_t i = 0; i < d->a; i++)
                if (d->threads[i] == 1) {
                    k++;
                    r += d->account_revenue[i];
                }
            count_text(v, sizeof v, k);
            money(v2, sizeof v2, r);
            snprintf(note, sizeof note, "one person touches the customer side; revenue %s", v2);
            figure_item(f, "Single-threaded accounts", v, note);
        }
    }
    fputs("</dl>\n</section>\n", f);
}

static int bus_factor_section(FILE *f, const lp_report_data *d)
{
    if (!d->bus_factor) return 0;
    int64_t bins = (int64_t)d->bus_factor_cap + 1;
    int64_t *cnt = lp_calloc((size_t)bins, sizeof *cnt);
    char **labels = lp_calloc((size_t)bins, sizeof *labels);
    char *store = lp_malloc((size_t)bins * 24);
    char *desc = lp_malloc((size_t)bins * 64 + 200);
    if (!cnt || !labels || !store || !desc) {
        free(cnt), free(labels), free(store), free(desc);
        return -1;
    }
    for (int64_t i = 0; i < d->a; i++)
        cnt[d->bus_factor[i]]++;
    size_t dl = (size_t)snprintf(desc, 200,
                                 "Accounts per bus factor (the persons who must all "
                                 "leave to cut the account off):");
    for (int64_t b = 0; b < bins; b++) {
        labels[b] = store + b * 24;
        snprintf(labels[b], 24, "%s%lld", b == bins - 1 ? ">=" : "", (long long)b);
        dl += (size_t)sprintf(desc + dl, " %s: %lld%s", labels[b], (long long)cnt[b],
                              b + 1 < bins ? "," : ".");
    }
    fputs("<section id=\"bus-factor\">\n<h2>Bus factor</h2>\n<figure>\n", f);
    lp_svg_histogram(f, "chart-bus-factor", "Accounts by bus factor", desc, bins,
                     (const char *const *)labels, cnt);
    fputs("<figcaption>Bus factor 0: no path to the company; 1: the account hangs on one "
          "person.</figcaption>\n</figure>\n</section>\n",
          f);
    free(cnt), free(labels), free(store), free(desc);
    return 0;
}

/* Persons with accounts at risk, by revenue at risk descending, then
 * accounts at risk descending, then row: the best k into out. */
static int64_t top_persons(const lp_report_data *d, int64_t k, lp_vid *out)
{
    int64_t got = 0;
    for (lp_vid i = 0; i < d->n; i++) {
        if (d->accounts_at_risk[i] <= 0) continue;
        double r = d->revenue_at_risk[i];
        int64_t c = d->accounts_at_risk[i];
#define BETTER(j)                                                                                  \
    (r > d->revenue_at_risk[j] || (r == d->revenue_at_risk[j] && c > d->accounts_at_risk[j]))
        if (got == k && !BETTER(out[k - 1])) continue;
        int64_t j = got < k ? got++ : k - 1;
        while (j > 0 && BETTER(out[j - 1])) {
            out[j] = out[j - 1];
            j--;
        }
#undef BETTER
        out[j] = i;
    }
    return got;
}

static int persons_section(FILE *f, const lp_report_data *d)
{
    if (!d->revenue_at_risk) return 0;
    lp_vid rows[TOP_PERSONS];
    int64_t k = top_persons(d, TOP_PERSONS, rows);
    char labels[TOP_PERSONS][512], vtext[TOP_PERSONS][96];
    const char *lp[TOP_PERSONS], *vp[TOP_PERSONS];
    double val[TOP_PERSONS];
    for (int64_t j = 0; j < k; j++) {
        const char *l = lp_report_label(d, rows[j], labels[j], sizeof labels[j]);
        if (l != labels[j]) snprintf(labels[j], sizeof labels[j], "%s", l);
        lp[j] = labels[j];
        char m[64];
        money(m, sizeof m, d->revenue_at_risk[rows[j]]);
        snprintf(vtext[j], sizeof vtext[j], "%s (%lld accounts)", m,
                 (long long)d->accounts_at_risk[rows[j]]);
        vp[j] = vtext[j];
        val[j] = d->revenue_at_risk[rows[j]];
    }
    fputs("<section id=\"persons\">\n<h2>Revenue at risk by person</h2>\n", f);
    if (k == 0) {
        fputs("<p>No account hangs on a single person.</p>\n</section>\n", f);
        return 0;
    }
    char desc[1200];
    snprintf(desc, sizeof desc,
             "The %lld persons whose departure alone cuts off the most revenue. First: %s, "
             "%s.",
             (long long)k, lp[0], vp[0]);
    fputs("<figure>\n", f);
    lp_svg_bars c = {.id = "chart-persons",
                     .title = "Revenue at risk by person (top 20)",
                     .desc = desc,
                     .n = k,
                     .label = lp,
                     .value = val,
                     .value_text = vp,
                     .horizontal = 1};
    lp_svg_bar_chart(f, &c);
    fputs("<figcaption>Revenue of the accounts that lose their only path to the company when "
          "this person leaves.</figcaption>\n</figure>\n</section>\n",
          f);
    return 0;
}

static int share_section(FILE *f, const lp_report_data *d)
{
    if (!d->dominant_share) return 0;
    int64_t cnt[SHARE_BINS] = {0}, total = 0;
    for (int64_t i = 0; i < d->a; i++) {
        double s = d->dominant_share[i];
        if (!(s >= 0 && s <= 1) || !d->account_connected[i]) continue;
        int b = (int)(s * SHARE_BINS);
        if (b >= SHARE_BINS) b = SHARE_BINS - 1;
        cnt[b]++;
        total++;
    }
    char store[SHARE_BINS][16];
    const char *labels[SHARE_BINS];
    char desc[800];
    size_t dl = (size_t)snprintf(desc, sizeof desc,
                                 "Connected accounts (%lld) by the share of their tie strength "
                                 "that the strongest path carries:",
                                 (long long)total);
    for (int b = 0; b < SHARE_BINS; b++) {
        snprintf(store[b], sizeof store[b], "%.1f-%.1f", b / 10.0, (b + 1) / 10.0);
        labels[b] = store[b];
        dl += (size_t)snprintf(desc + dl, sizeof desc - dl, " %s: %lld%s", store[b],
                               (long long)cnt[b], b + 1 < SHARE_BINS ? "," : ".");
    }
    fputs("<section id=\"dominant-share\">\n<h2>Dominant share</h2>\n<figure>\n", f);
    lp_svg_histogram(f, "chart-dominant-share", "Accounts by dominant share", desc, SHARE_BINS,
                     labels, cnt);
    fputs("<figcaption>Share of an account's tie strength on its strongest path; at 0.8 and "
          "above a bus factor of 2 or more is cover on paper only.</figcaption>\n</figure>\n"
          "</section>\n",
          f);
    return 0;
}

static void person_list(FILE *f, const lp_report_data *d, const int64_t *off, const lp_vid *val,
                        int64_t acc)
{
    if (!off || off[acc + 1] == off[acc]) {
        fputs("-", f);
        return;
    }
    char buf[512];
    for (int64_t k = off[acc]; k < off[acc + 1]; k++) {
        if (k > off[acc]) fputs("; ", f);
        lp_html_escape(f, lp_report_label(d, val[k], buf, sizeof buf));
    }
}

static void accounts_section(FILE *f, const lp_report_data *d)
{
    if (!d->has_keyperson) return;
    int64_t rows[TOP_ACCOUNTS];
    int64_t k = lp_report_top_accounts(d, TOP_ACCOUNTS, rows);
    fputs("<section id=\"accounts\">\n<h2>Top accounts at risk</h2>\n", f);
    if (k == 0) {
        fputs("<p>No account hangs on a single person.</p>\n</section>\n", f);
        return;
    }
    fputs("<table>\n<caption class=\"sub\">Accounts that hang on one person, by revenue; with "
          "the persons they hang on",
          f);
    if (d->second_link) fputs(" and whom to tie in second", f);
    fputs("</caption>\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Account</th>"
          "<th scope=\"col\" class=\"num\">Revenue</th>",
          f);
    if (d->dominant_share) fputs("<th scope=\"col\" class=\"num\">Dominant share</th>", f);
    if (d->threads) fputs("<th scope=\"col\" class=\"num\">Threads</th>", f);
    fputs("<th scope=\"col\">Key persons</th>", f);
    if (d->second_link) fputs("<th scope=\"col\">Second-link suggestions</th>", f);
    fputs("</tr></thead>\n<tbody>\n", f);
    char buf[512], m[64];
    for (int64_t j = 0; j < k; j++) {
        int64_t acc = rows[j];
        fprintf(f, "<tr><td class=\"num\">%lld</td><th scope=\"row\">", (long long)(j + 1));
        lp_html_escape(f, lp_report_label(d, d->account_node[acc], buf, sizeof buf));
        money(m, sizeof m, d->account_revenue[acc]);
        fprintf(f, "</th><td class=\"num\">%s</td>", m);
        if (d->dominant_share) {
            double s = d->dominant_share[acc];
            if (isfinite(s))
                fprintf(f, "<td class=\"num\">%.2f</td>", s);
            else
                fputs("<td class=\"num\">-</td>", f);
        }
        if (d->threads) fprintf(f, "<td class=\"num\">%d</td>", (int)d->threads[acc]);
        fputs("<td>", f);
        person_list(f, d, d->key_persons_offsets, d->key_persons, acc);
        fputs("</td>", f);
        if (d->second_link) {
            fputs("<td>", f);
            person_list(f, d, d->second_link_offsets, d->second_link, acc);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
}

static int scenarios_section(FILE *f, const lp_report_data *d)
{
    if (d->s <= 0) return 0;
    int64_t nb = d->s < MAX_SCENARIO_BARS ? d->s : MAX_SCENARIO_BARS;
    const char **labels = lp_malloc((size_t)nb * sizeof *labels);
    char(*vt)[96] = lp_malloc((size_t)nb * sizeof *vt);
    const char **vp = lp_malloc((size_t)nb * sizeof *vp);
    if (!labels || !vt || !vp) {
        free(labels), free(vt), free(vp);
        return -1;
    }
    char m[64], m2[64];
    for (int64_t j = 0; j < nb; j++) {
        labels[j] = lp_report_str(&d->scenario_name, j);
        money(m, sizeof m, d->scenario_lost_revenue[j]);
        snprintf(vt[j], sizeof vt[j], "%s (%lld accounts)", m, (long long)d->scenario_lost[j]);
        vp[j] = vt[j];
    }
    fputs("<section id=\"scenarios\">\n<h2>Departure scenarios</h2>\n<figure>\n", f);
    char desc[256];
    snprintf(desc, sizeof desc,
             "Revenue of the accounts each of %lld scenario%s cuts off from "
             "the company%s.",
             (long long)d->s, d->s == 1 ? "" : "s", d->s > nb ? " (the first 30)" : "");
    lp_svg_bars c = {.id = "chart-scenarios",
                     .title = "Lost revenue per scenario",
                     .desc = desc,
                     .n = nb,
                     .label = labels,
                     .value = d->scenario_lost_revenue,
                     .value_text = vp,
                     .horizontal = 1};
    lp_svg_bar_chart(f, &c);
    fputs("</figure>\n<table>\n<thead><tr><th scope=\"col\">Scenario</th>"
          "<th scope=\"col\" class=\"num\">Persons leaving</th>"
          "<th scope=\"col\" class=\"num\">Lost accounts</th>"
          "<th scope=\"col\" class=\"num\">Lost revenue</th>"
          "<th scope=\"col\" class=\"num\">Now on one person</th>"
          "<th scope=\"col\" class=\"num\">Their revenue</th></tr></thead>\n<tbody>\n",
          f);
    for (int64_t j = 0; j < d->s; j++) {
        fputs("<tr><th scope=\"row\">", f);
        lp_html_escape(f, lp_report_str(&d->scenario_name, j));
        money(m, sizeof m, d->scenario_lost_revenue[j]);
        money(m2, sizeof m2, d->scenario_newly_revenue[j]);
        fprintf(f,
                "</th><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td "
                "class=\"num\">%s</td><td class=\"num\">%lld</td><td class=\"num\">%s</td></tr>\n",
                (long long)d->scenario_leaving[j], (long long)d->scenario_lost[j], m,
                (long long)d->scenario_newly[j], m2);
    }
    fputs("</tbody>\n</table>\n</section>\n", f);
    free(labels), free(vt), free(vp);
    return 0;
}

static int pictures_section(FILE *f, const lp_report_data *d, const lp_report_picture *p, int k)
{
    if (!p || k <= 0) return 0;
    fputs("<section id=\"pictures\">\n<h2>How the top accounts at risk are tied to the "
          "company</h2>\n<p class=\"legend\">"
          "<span><i style=\"background:#d9822b\"></i>account</span>"
          "<span><i style=\"background:#7aa6d6\"></i>its contacts</span>"
          "<span><i style=\"background:#6b7b8f\"></i>persons</span>"
          "<span><i style=\"background:#c0392b\"></i>key persons</span>"
          "<span><i style=\"background:#2e7d32\"></i>company</span>"
          "<span><i style=\"background:#b6bdc8\"></i>other</span></p>\n"
          "<div class=\"pictures\">\n",
          f);
    for (int j = 0; j < k; j++) {
        const lp_report_picture *pic = &p[j];
        const char **labels = lp_malloc(((size_t)pic->n + 1) * sizeof *labels);
        char(*store)[512] = lp_malloc(((size_t)pic->n + 1) * sizeof *store);
        if (!labels || !store) {
            free(labels), free(store);
            return -1;
        }
        int nkey = 0;
        for (int i = 0; i < pic->n; i++) {
            const char *l = lp_report_label(d, pic->node[i], store[i], sizeof store[i]);
            if (l != store[i]) snprintf(store[i], sizeof store[i], "%s", l);
            labels[i] = store[i];
            nkey += pic->kind[i] == LP_SVG_NODE_KEY;
        }
        char buf[512], title[600], desc[900], id[32];
        const char *acc = lp_report_label(d, d->account_node[pic->account], buf, sizeof buf);
        snprintf(title, sizeof title, "Neighbourhood of %s", acc);
        snprintf(desc, sizeof desc,
                 "%s, its contacts, the persons tied to them and the shortest path to the "
                 "company: %d nodes, %d ties, %d key person%s highlighted.",
                 acc, pic->n, pic->m, nkey, nkey == 1 ? "" : "s");
        snprintf(id, sizeof id, "picture-%d", j + 1);
        lp_svg_network c = {.id = id,
                            .title = title,
                            .desc = desc,
                            .n = pic->n,
                            .x = pic->x,
                            .y = pic->y,
                            .label = labels,
                            .kind = pic->kind,
                            .m = pic->m,
                            .from = pic->from,
                            .to = pic->to,
                            .width = 360,
                            .height = 300};
        fputs("<figure>\n", f);
        lp_svg_network_picture(f, &c);
        fputs("<figcaption>", f);
        lp_html_escape(f, acc);
        fputs("</figcaption>\n</figure>\n", f);
        free(labels), free(store);
    }
    fputs("</div>\n</section>\n", f);
    return 0;
}

static void provenance(FILE *f, const lp_report_data *d)
{
    fputs("<section id=\"provenance\">\n<h2>Provenance</h2>\n<table>\n<tbody>\n", f);
    const char *rows[][2] = {
        {"Result file", d->path},      {"Created", d->created},   {"linchpin", d->linchpin_version},
        {"igraph", d->igraph_version}, {"HDF5", d->hdf5_version}, {"Command", d->command_line},
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        fputs("<tr><th scope=\"row\">", f);
        lp_html_escape(f, rows[k][0]);
        fputs("</th><td>", f);
        lp_html_escape(f, rows[k][1]);
        fputs("</td></tr>\n", f);
    }
    const char *pre[][2] = {
        {"Input files", d->input_files},
        {"Parameters", d->parameters},
        {"Warnings", d->warnings},
    };
    for (size_t k = 0; k < sizeof pre / sizeof *pre; k++) {
        fputs("<tr><th scope=\"row\">", f);
        lp_html_escape(f, pre[k][0]);
        fputs("</th><td><pre>", f);
        lp_html_escape(f, pre[k][1]);
        fputs("</pre></td></tr>\n", f);
    }
    fprintf(f, "<tr><th scope=\"row\">Report by</th><td>linchpin %s</td></tr>\n", LP_VERSION);
    fputs("</tbody>\n</table>\n</section>\n", f);
}

static int write_body(FILE *f, const lp_report_data *d, const lp_report_picture *p, int k)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'\">\n<title>Key-person risk: ",
          f);
    lp_html_escape(f, d->path);
    fprintf(f,
            "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
            "<h1>Key-person risk report</h1>\n<p class=\"sub\">",
            CSS);
    lp_html_escape(f, d->path);
    fputs(" &middot; analysed ", f);
    lp_html_escape(f, d->created);
    fputs("</p>\n</header>\n<main>\n", f);
    headline(f, d);
    if (bus_factor_section(f, d) || persons_section(f, d) || share_section(f, d)) return -1;
    accounts_section(f, d);
    if (scenarios_section(f, d) || pictures_section(f, d, p, k)) return -1;
    provenance(f, d);
    fputs("</main>\n</body>\n</html>\n", f);
    return 0;
}

typedef struct html_args {
    const lp_report_data *d;
    const lp_report_picture *p;
    int k;
} html_args;

static lp_status html_body(FILE *f, void *ctx)
{
    const html_args *a = ctx;
    return write_body(f, a->d, a->p, a->k) ? lp_error_nomem("report") : LP_OK;
}

lp_status lp_report_write_html(const char *path, const lp_report_data *d,
                               const lp_report_picture *p, int k)
{
    html_args a = {.d = d, .p = p, .k = k};
    return lp_write_atomic(path, html_body, &a);
}
