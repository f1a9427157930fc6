/* lp_i_progress.h — internal: how a kernel counts its work for the
 * progress callback of lp_progress.h. Begin with the total, call
 * lp_i_tick(t, k) whenever k more units are done (any thread, inside or
 * outside a parallel region: the count is atomic, and only thread 0 calls
 * out, when at least 0.1 s have passed), end when the phase is done. */
#ifndef LP_I_PROGRESS_H
#define LP_I_PROGRESS_H

#include <stdint.h>

#include "lp_progress.h"

typedef struct lp_i_ticker {
    const char *phase;
    int64_t total, done;
    double next; /* monotonic time of the next report */
    int on;      /* a callback is installed */
} lp_i_ticker;

void lp_i_tick_begin(lp_i_ticker *t, const char *phase, int64_t total);
void lp_i_tick_report(lp_i_ticker *t); /* thread 0 only; see lp_i_tick */
void lp_i_tick_end(lp_i_ticker *t);    /* reports done == total */

static inline void lp_i_tick(lp_i_ticker *t, int64_t k)
{
    if (!t->on) return;
#ifdef _OPENMP
#pragma omp atomic
#endif
    t->done += k;
    lp_i_tick_report(t);
}

#endif
