/* lp_svg.h — a small SVG writer for the HTML report (svg.c): bar charts
 * (vertical or horizontal), histograms and node-link pictures, written as
 * inline <svg> elements (no script, no external reference).
 *
 * Every chart is <svg role="img" aria-labelledby=...> with a <title> and a
 * <desc> (its text alternative); every bar is one <rect class="bar">, every
 * node one <circle class="node ...">, every link one <line class="link">,
 * so that tests can count them. All text is escaped (lp_html_escape): names
 * and ids are untrusted. Output is a function of the arguments only (no
 * clock, no randomness, numbers printed with fixed precision): the same
 * chart gives the same bytes. Styling is left to the page's CSS (classes).
 *
 * Each function returns 0, or -1 when writing to f failed (ferror).
 */
#ifndef LP_SVG_H
#define LP_SVG_H

#include <stdint.h>
#include <stdio.h>

/* Write s with & < > " ' escaped as character references, control
 * characters other than tab and newline dropped and bytes that are not
 * UTF-8 replaced by U+FFFD. s may be NULL (writes nothing). */
void lp_html_escape(FILE *f, const char *s);

typedef struct lp_svg_bars {
    const char *id;    /* element id prefix, unique in the page (plain ASCII) */
    const char *title; /* the chart's title (text alternative) */
    const char *desc;  /* longer description (text alternative) */
    int64_t n;         /* bars */
    const char *const *label; /* [n] bar labels */
    const double *value;      /* [n] values, >= 0 (negative and NaN drawn as 0) */
    const char *const *value_text; /* [n] text printed at the bar's end; NULL: the value */
    int horizontal;                /* 1: one row per bar, labels on the left */
    int gapless;                   /* 1: bars touch (a histogram) */
} lp_svg_bars;

int lp_svg_bar_chart(FILE *f, const lp_svg_bars *c);

/* A histogram: n bins labelled label[i], count[i] items each; a vertical,
 * gapless bar chart with the counts printed on the bars. */
int lp_svg_histogram(FILE *f, const char *id, const char *title, const char *desc, int64_t n,
                     const char *const *label, const int64_t *count);

/* Node kinds of a node-link picture (CSS classes node-<kind>). */
enum { LP_SVG_NODE_ACCOUNT, LP_SVG_NODE_CONTACT, LP_SVG_NODE_PERSON, LP_SVG_NODE_KEY,
       LP_SVG_NODE_ANCHOR, LP_SVG_NODE_OTHER };

typedef struct lp_svg_network {
    const char *id, *title, *desc;
    int n;                    /* nodes */
    const double *x, *y;      /* [n] coordinates in any unit: scaled to fit */
    const char *const *label; /* [n] node labels (shown as <title> tooltips and text) */
    const int *kind;          /* [n] LP_SVG_NODE_* */
    int m;                    /* links */
    const int *from, *to;     /* [m] node indices */
    double width, height;     /* picture size in px */
} lp_svg_network;

int lp_svg_network_picture(FILE *f, const lp_svg_network *c);

#endif
