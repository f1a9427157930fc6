/* progress.c — the process-wide progress callback (lp_progress.h) and the
 * kernels' tickers (lp_i_progress.h). */
#include "lp_i_progress.h"

#include <time.h>

#include "lp_i_omp.h"

static lp_tick_fn tick_fn;
static void *tick_ctx;

void lp_progress_set(lp_tick_fn fn, void *ctx)
{
    tick_fn = fn;
    tick_ctx = ctx;
}

double lp_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define LP_TICK_INTERVAL 0.1 /* seconds between reports */

void lp_i_tick_begin(lp_i_ticker *t, const char *phase, int64_t total)
{
    t->phase = phase;
    t->total = total;
    t->done = 0;
    t->on = tick_fn != NULL;
    t->next = t->on ? lp_clock_seconds() + LP_TICK_INTERVAL : 0;
    if (t->on) tick_fn(tick_ctx, phase, 0, total);
}

void lp_i_tick_report(lp_i_ticker *t)
{
    if (!t->on || lp_i_thread_id() != 0) return;
    double now = lp_clock_seconds();
    if (now < t->next) return;
    t->next = now + LP_TICK_INTERVAL;
    int64_t done;
#ifdef _OPENMP
#pragma omp atomic read
#endif
    done = t->done;
    tick_fn(tick_ctx, t->phase, done, t->total);
}

void lp_i_tick_end(lp_i_ticker *t)
{
    if (t->on) tick_fn(tick_ctx, t->phase, t->total >= 0 ? t->total : t->done, t->total);
}
