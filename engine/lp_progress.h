/* lp_progress.h — progress of the long-running kernels, for progress bars.
 *
 * The engine reports how far a phase has got through one process-wide
 * callback (a progress bar is one per process anyway). The kernels count
 * their units of work (accounts, sources, samples, scenarios, iterations)
 * and call it from one thread only — thread 0 of a parallel region, or
 * serial code — at most about ten times a second, never while igraph runs.
 * Counting does not change any result. No file I/O: the caller draws. */
#ifndef LP_PROGRESS_H
#define LP_PROGRESS_H

#include <stdint.h>

/* done of total units of phase ("busfactor", "betweenness", ...) are
 * finished; total is -1 when unknown in advance (then done counts up). */
typedef void (*lp_tick_fn)(void *ctx, const char *phase, int64_t done, int64_t total);

/* Install the callback (NULL: none, the default). Not thread-safe: call it
 * before starting the analysis. */
void lp_progress_set(lp_tick_fn fn, void *ctx);

/* Seconds on the monotonic clock (the one clock of the project: phase
 * timings, progress rates). */
double lp_clock_seconds(void);

#endif
