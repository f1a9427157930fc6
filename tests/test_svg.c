/* test_svg.c — the report's SVG writer (io/svg.c): every chart type draws
 * one element per bar / node / link, escapes untrusted text, keeps its
 * numbers inside the picture and is deterministic (same input, same bytes). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_svg.h"
#include "lp_test.h"

static char *render(int (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) abort();
    int rc = fn(f, arg);
    fclose(f);
    CHECK(rc == 0, "writer returned %d", rc);
    return buf;
}

static int64_t count(const char *s, const char *what)
{
    int64_t k = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        k++;
    return k;
}

/* Every <tag ... attr="NUMBER" ...> value of attr in [lo, hi]. */
static int attrs_within(const char *s, const char *attr, double lo, double hi)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", attr);
    for (const char *p = strstr(s, key); p; p = strstr(p + 1, key)) {
        double v = strtod(p + strlen(key), NULL);
        if (!(v >= lo - 1e-9 && v <= hi + 1e-9)) return 0;
    }
    return 1;
}

static int bars_fn(FILE *f, const void *a)
{
    return lp_svg_bar_chart(f, a);
}

typedef struct hist_args {
    int64_t n;
    const char *const *label;
    const int64_t *count;
} hist_args;

static int hist_fn(FILE *f, const void *a)
{
    const hist_args *h = a;
    return lp_svg_histogram(f, "h", "Histogram <b>", "counts & bins", h->n, h->label, h->count);
}

static int net_fn(FILE *f, const void *a)
{
    return lp_svg_network_picture(f, a);
}

/* No raw markup from the data: the hostile label appears escaped only. */
static void check_escaped(const char *svg)
{
    CHECK(!strstr(svg, "<script"), "unescaped <script> in output");
    CHECK(!strstr(svg, "\"onload"), "unescaped attribute break in output");
    CHECK(strstr(svg, "&lt;script&gt;") != NULL, "escaped label missing");
    /* the raw bytes 0xFF and control characters never get through */
    CHECK(!strchr(svg, '\xff'), "invalid UTF-8 byte passed through");
    CHECK(!strchr(svg, '\x01'), "control character passed through");
}

static void test_escape(void)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    lp_html_escape(f, "a<b>&\"c'\x01\xff\xc3\xa9\t");
    fclose(f);
    CHECK(!strcmp(buf, "a&lt;b&gt;&amp;&quot;c&#39;\xEF\xBF\xBD\xc3\xa9\t"), "escape gave '%s'", buf);
    free(buf);
}

static void test_bars(int horizontal)
{
    enum { N = 17 };
    const char *labels[N];
    double values[N];
    char store[N][64];
    for (int i = 0; i < N; i++) {
        snprintf(store[i], sizeof store[i], "person %d", i);
        labels[i] = store[i];
        values[i] = (double)(N - i) * 1000.5;
    }
    labels[3] = "<script>alert(1)</script>\" onload=\"x\x01\xff";
    values[5] = NAN; /* drawn as 0, never a NaN coordinate */
    lp_svg_bars c = {.id = "b", .title = "Revenue <at> risk", .desc = "d & d", .n = N,
                     .label = labels, .value = values, .horizontal = horizontal};
    char *a = render(bars_fn, &c), *b = render(bars_fn, &c);
    CHECK(!strcmp(a, b), "bar chart not deterministic");
    CHECK(count(a, "class=\"bar\"") == N, "bars: %lld, expected %d",
          (long long)count(a, "class=\"bar\""), N);
    CHECK(count(a, "<svg ") == 1 && strstr(a, "role=\"img\""), "one svg role=img");
    CHECK(strstr(a, "<title id=\"b-title\">Revenue &lt;at&gt; risk</title>") != NULL,
          "title missing or unescaped");
    CHECK(strstr(a, "<desc id=\"b-desc\">d &amp; d</desc>") != NULL, "desc missing");
    CHECK(!strstr(a, "nan") && !strstr(a, "inf"), "non-finite number in output");
    CHECK(attrs_within(a, "width", 0, 1000) && attrs_within(a, "height", 0, 1000),
          "bar sizes out of range");
    check_escaped(a);
    /* the longest bar is the first (largest value) */
    free(a);
    free(b);
    /* zero bars: still a valid, empty chart */
    c.n = 0;
    a = render(bars_fn, &c);
    CHECK(count(a, "class=\"bar\"") == 0 && count(a, "</svg>") == 1, "empty chart");
    free(a);
}

static void test_histogram(void)
{
    const char *labels[] = {"0", "1", "2", ">=3", "<script>x"};
    const int64_t counts[] = {4, 0, 12, 7, 1};
    hist_args h = {5, labels, counts};
    char *a = render(hist_fn, &h), *b = render(hist_fn, &h);
    CHECK(!strcmp(a, b), "histogram not deterministic");
    CHECK(count(a, "class=\"bar\"") == 5, "histogram bars %lld", (long long)count(a, "class=\"bar\""));
    CHECK(strstr(a, "&gt;=3") != NULL && strstr(a, "&lt;script&gt;x") != NULL, "labels escaped");
    CHECK(!strstr(a, "<script"), "raw script");
    /* the bar heights are proportional to the counts: 12 is the tallest (200) */
    CHECK(strstr(a, "height=\"200.0\"") != NULL, "tallest bar not full height");
    CHECK(strstr(a, "height=\"0.0\"") != NULL, "empty bin not zero height");
    free(a);
    free(b);
}

static void test_network(void)
{
    enum { N = 6, M = 7 };
    const double x[N] = {0, 1, 2, 3, 1.5, -4};
    const double y[N] = {0, 1, 0, 5, 2.5, 1};
    const char *label[N] = {"acct <b>", "c1", "p1", "key & co", "HQ", "\xff"};
    label[2] = "<script>alert(1)</script>\" onload=\"x\x01\xff";
    const int kind[N] = {LP_SVG_NODE_ACCOUNT, LP_SVG_NODE_CONTACT, LP_SVG_NODE_PERSON,
                         LP_SVG_NODE_KEY,     LP_SVG_NODE_ANCHOR,  LP_SVG_NODE_OTHER};
    const int from[M] = {0, 1, 2, 3, 4, 0, 5}, to[M] = {1, 2, 3, 4, 0, 3, 0};
    lp_svg_network c = {.id = "n", .title = "Account", .desc = "neighbourhood", .n = N, .x = x,
                        .y = y, .label = label, .kind = kind, .m = M, .from = from, .to = to,
                        .width = 360, .height = 300};
    char *a = render(net_fn, &c), *b = render(net_fn, &c);
    CHECK(!strcmp(a, b), "picture not deterministic");
    CHECK(count(a, "<circle ") == N, "circles %lld", (long long)count(a, "<circle "));
    CHECK(count(a, "class=\"link\"") == M, "links %lld", (long long)count(a, "class=\"link\""));
    CHECK(count(a, "node-key") == 1 && count(a, "node-account") == 1, "kinds");
    CHECK(attrs_within(a, "cx", 0, 360) && attrs_within(a, "cy", 0, 300) &&
              attrs_within(a, "x1", 0, 360) && attrs_within(a, "y2", 0, 300),
          "coordinates outside the picture");
    CHECK(strstr(a, "key &amp; co") != NULL, "key label");
    check_escaped(a);
    free(a);
    free(b);
    /* one node (all coordinates equal): no division by zero */
    c.n = 1;
    c.m = 0;
    a = render(net_fn, &c);
    CHECK(count(a, "<circle ") == 1 && !strstr(a, "nan"), "single node picture");
    free(a);
}

int main(void)
{
    test_escape();
    test_bars(0);
    test_bars(1);
    test_histogram();
    test_network();
    if (failures) fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
