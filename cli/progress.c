/* progress.c — progress bars and phase lines on stderr (lp_cli.h).
 *
 * A bar is one line rewritten in place with "\r" while a phase runs:
 *
 *   busfactor  [##########----------]  52%  1.27M/2.45M  310k/s  ETA 4 s
 *
 * (for work of unknown size, such as PageRank's iterations, the count and
 * the rate only). When the phase ends its bar is replaced by one line with
 * the phase's time and what it found, and at the end of the run one line
 * sums up every phase's time. The engine calls lp_cli_progress_tick through
 * lp_progress_set from one thread at a time; everything here is serial. */
#include "lp_cli.h"

#include <stdio.h>
#include <string.h>

#include "lp_progress.h"

#define MAX_PHASES 16

static struct {
    int on;
    char phase[32];   /* the phase the bar shows */
    double start;     /* when it started */
    int bar_len;      /* characters of the bar on screen, 0 = none */
    double next_draw; /* loading: when to draw again */
    int n;            /* phases timed so far */
    char name[MAX_PHASES][32];
    double secs[MAX_PHASES];
} P;

/* 1234567 -> "1.23M" */
static void human(char *buf, size_t size, double x)
{
    const char *unit[] = {"", "k", "M", "G", "T"};
    int u = 0;
    while (x >= 1000 && u < 4) {
        x /= 1000;
        u++;
    }
    snprintf(buf, size, u ? "%.2f%s" : "%.0f%s", x, unit[u]);
}

static void clear_bar(void)
{
    if (P.bar_len > 0) fprintf(stderr, "\r%*s\r", P.bar_len, "");
    P.bar_len = 0;
}

static void tick(void *ctx, const char *phase, int64_t done, int64_t total)
{
    (void)ctx;
    double now = lp_clock_seconds();
    if (strcmp(P.phase, phase) != 0) {
        snprintf(P.phase, sizeof P.phase, "%s", phase);
        P.start = now;
    }
    double el = now - P.start;
    char line[160], d[16], t[16], rate[16];
    human(d, sizeof d, (double)done);
    human(rate, sizeof rate, el > 0 ? (double)done / el : 0);
    int len;
    if (total > 0) {
        double f = (double)done / (double)total;
        if (f > 1) f = 1;
        char bar[21];
        int full = (int)(f * 20);
        for (int i = 0; i < 20; i++)
            bar[i] = i < full ? '#' : '-';
        bar[20] = '\0';
        human(t, sizeof t, (double)total);
        char eta[32] = "";
        if (done > 0 && done < total && el > 0.5)
            snprintf(eta, sizeof eta, "  ETA %.0f s", el / f - el);
        len = snprintf(line, sizeof line, "%-12s [%s] %3.0f%%  %s/%s  %s/s%s", phase, bar, 100 * f,
                       d, t, rate, eta);
    } else {
        len = snprintf(line, sizeof line, "%-12s %s steps  %s/s  %.1f s", phase, d, rate, el);
    }
    if (len > (int)sizeof line - 1) len = (int)sizeof line - 1;
    fprintf(stderr, "\r%s%*s", line, P.bar_len > len ? P.bar_len - len : 0, "");
    P.bar_len = len > P.bar_len ? len : P.bar_len;
    fflush(stderr);
}

void lp_cli_progress_load(void *ctx, const char *file_role, int64_t bytes_done, int64_t bytes_total)
{
    if (!P.on) return;
    double now = lp_clock_seconds();
    if (bytes_done != bytes_total && bytes_done != 0 && now < P.next_draw) return;
    P.next_draw = now + 0.1; /* called once per block: draw ten times a second */
    char phase[32];
    snprintf(phase, sizeof phase, "read %s", file_role);
    tick(ctx, phase, bytes_done, bytes_total);
}

void lp_cli_progress_start(int on)
{
    memset(&P, 0, sizeof P);
    P.on = on;
    lp_progress_set(on ? tick : NULL, NULL);
}

void lp_cli_progress_phase(void *ctx, const char *phase, double seconds, const char *detail)
{
    (void)ctx;
    if (P.n < MAX_PHASES) {
        snprintf(P.name[P.n], sizeof P.name[P.n], "%s", phase);
        P.secs[P.n++] = seconds;
    }
    if (!P.on) return;
    clear_bar();
    P.phase[0] = '\0';
    fprintf(stderr, "linchpin: %s%s%s (%.3f s)\n", phase, *detail ? ": " : "", detail, seconds);
}

void lp_cli_progress_end(void)
{
    if (P.on && P.n > 0) {
        double total = 0;
        clear_bar();
        fprintf(stderr, "linchpin: timings:");
        for (int i = 0; i < P.n; i++) {
            fprintf(stderr, " %s %.2f s,", P.name[i], P.secs[i]);
            total += P.secs[i];
        }
        fprintf(stderr, " total %.2f s\n", total);
    }
    lp_progress_set(NULL, NULL);
}
