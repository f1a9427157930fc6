/* svg.c — the report's SVG charts (lp_svg.h). */
#include "lp_svg.h"
#include "lp_alloc.h"
#include "lp_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void lp_html_escape(FILE *f, const char *s)
{
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left > 0) {
        size_t len = 1;
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        case '\t':
        case '\n':
            fputc(*p, f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7F) break; /* other control characters: dropped */
            len = lp_text_utf8_seq_len(p, left);
            if (len) {
                fwrite(p, 1, len, f);
            } else {
                fputs("\xEF\xBF\xBD", f); /* U+FFFD for a byte that is not UTF-8 */
                len = 1;
            }
        }
        p += len;
        left -= len;
    }
}

static double clean(double v)
{
    return isfinite(v) && v > 0 ? v : 0;
}

/* The value as text: whole numbers without decimals, else 2 significant
 * decimals; thousands separated by a thin space is left to the caller. */
static void value_text(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "n/a");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.2f", v);
}

static void open_svg(FILE *f, const char *id, const char *title, const char *desc, double w,
                     double h, const char *cls)
{
    fprintf(f,
            "<svg class=\"%s\" role=\"img\" "
            "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
            "aria-labelledby=\"%s-title %s-desc\">\n<title id=\"%s-title\">",
            cls, w, h, w, h, id, id, id);
    lp_html_escape(f, title);
    fprintf(f, "</title>\n<desc id=\"%s-desc\">", id);
    lp_html_escape(f, desc);
    fputs("</desc>\n", f);
}

int lp_svg_bar_chart(FILE *f, const lp_svg_bars *c)
{
    double max = 0;
    for (int64_t i = 0; i < c->n; i++)
        if (clean(c->value[i]) > max) max = clean(c->value[i]);
    if (max <= 0) max = 1;
    char num[64];
    if (c->horizontal) {
        const double label_w = 300, bar_w = 360, text_w = 140, row = 22, top = 6;
        double w = label_w + bar_w + text_w, h = top * 2 + row * (double)(c->n ? c->n : 1);
        open_svg(f, c->id, c->title, c->desc, w, h, "chart chart-h");
        for (int64_t i = 0; i < c->n; i++) {
            double y = top + row * (double)i, len = bar_w * clean(c->value[i]) / max;
            fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                    label_w - 6, y + row * 0.7);
            lp_html_escape(f, c->label[i]);
            fprintf(f,
                    "</text>\n<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                    "height=\"%.1f\"><title>",
                    label_w, y + 3, len, row - 6);
            lp_html_escape(f, c->label[i]);
            fputs(": ", f);
            value_text(num, sizeof num, c->value[i]);
            lp_html_escape(f, c->value_text ? c->value_text[i] : num);
            fprintf(f, "</title></rect>\n<text class=\"value\" x=\"%.1f\" y=\"%.1f\">",
                    label_w + len + 4, y + row * 0.7);
            lp_html_escape(f, c->value_text ? c->value_text[i] : num);
            fputs("</text>\n", f);
        }
    } else {
        const double plot_h = 200, top = 20, bottom = 40, left = 10;
        double slot = c->n > 24 ? 24 : 48, w = left * 2 + slot * (double)(c->n ? c->n : 1);
        if (w < 240) w = 240;
        double h = top + plot_h + bottom, gap = c->gapless ? 0 : slot * 0.2;
        open_svg(f, c->id, c->title, c->desc, w, h, "chart chart-v");
        fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", left,
                top + plot_h, left + slot * (double)c->n, top + plot_h);
        for (int64_t i = 0; i < c->n; i++) {
            double x = left + slot * (double)i, len = plot_h * clean(c->value[i]) / max;
            value_text(num, sizeof num, c->value[i]);
            const char *vt = c->value_text ? c->value_text[i] : num;
            fprintf(f,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                    "height=\"%.1f\"><title>",
                    x + gap / 2, top + plot_h - len, slot - gap, len);
            lp_html_escape(f, c->label[i]);
            fputs(": ", f);
            lp_html_escape(f, vt);
            fprintf(f,
                    "</title></rect>\n<text class=\"value\" x=\"%.1f\" y=\"%.1f\" "
                    "text-anchor=\"middle\">",
                    x + slot / 2, top + plot_h - len - 4);
            lp_html_escape(f, vt);
            fprintf(f,
                    "</text>\n<text class=\"label\" x=\"%.1f\" y=\"%.1f\" "
                    "text-anchor=\"middle\">",
                    x + slot / 2, top + plot_h + 16);
            lp_html_escape(f, c->label[i]);
            fputs("</text>\n", f);
        }
    }
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

int lp_svg_histogram(FILE *f, const char *id, const char *title, const char *desc, int64_t n,
                     const char *const *label, const int64_t *count)
{
    double *v = NULL;
    if (n > 0) {
        v = lp_malloc((size_t)n * sizeof *v);
        if (!v) return -1;
    }
    for (int64_t i = 0; i < n; i++)
        v[i] = (double)count[i];
    lp_svg_bars c = {
        .id = id, .title = title, .desc = desc, .n = n, .label = label, .value = v, .gapless = 1};
    int rc = lp_svg_bar_chart(f, &c);
    free(v);
    return rc;
}

static const char *const KIND_NAME[] = {"account", "contact", "person", "key", "anchor", "other"};

int lp_svg_network_picture(FILE *f, const lp_svg_network *c)
{
    double w = c->width > 0 ? c->width : 360, h = c->height > 0 ? c->height : 300, pad = 30;
    double minx = INFINITY, maxx = -INFINITY, miny = INFINITY, maxy = -INFINITY;
    for (int i = 0; i < c->n; i++) {
        if (c->x[i] < minx) minx = c->x[i];
        if (c->x[i] > maxx) maxx = c->x[i];
        if (c->y[i] < miny) miny = c->y[i];
        if (c->y[i] > maxy) maxy = c->y[i];
    }
    double sx = maxx > minx ? (w - 2 * pad) / (maxx - minx) : 0;
    double sy = maxy > miny ? (h - 2 * pad) / (maxy - miny) : 0;
    double s = sx < sy ? sx : sy;
    if (s == 0) s = sx > sy ? sx : sy;
    double ox = pad + ((w - 2 * pad) - s * (maxx - minx)) / 2;
    double oy = pad + ((h - 2 * pad) - s * (maxy - miny)) / 2;
#define PX(i) (ox + s * (c->x[i] - minx))
#define PY(i) (oy + s * (c->y[i] - miny))
    open_svg(f, c->id, c->title, c->desc, w, h, "picture");
    for (int e = 0; e < c->m; e++) {
        int a = c->from[e], b = c->to[e];
        if (a < 0 || b < 0 || a >= c->n || b >= c->n) continue;
        fprintf(f, "<line class=\"link\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                PX(a), PY(a), PX(b), PY(b));
    }
    for (int i = 0; i < c->n; i++) {
        int k = c->kind[i] >= 0 && c->kind[i] <= LP_SVG_NODE_OTHER ? c->kind[i] : LP_SVG_NODE_OTHER;
        double r = k == LP_SVG_NODE_ACCOUNT || k == LP_SVG_NODE_KEY ? 8 : 5.5;
        fprintf(f, "<circle class=\"node node-%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"><title>",
                KIND_NAME[k], PX(i), PY(i), r);
        lp_html_escape(f, c->label[i]);
        fputs("</title></circle>\n", f);
        if (k == LP_SVG_NODE_ACCOUNT || k == LP_SVG_NODE_KEY || k == LP_SVG_NODE_ANCHOR) {
            fprintf(f, "<text class=\"nlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                    PX(i), PY(i) - r - 3);
            lp_html_escape(f, c->label[i]);
            fputs("</text>\n", f);
        }
    }
#undef PX
#undef PY
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}
