/* lp_error.h — the one error type of linchpin.
 *
 * Every fallible function returns an lp_status and, on failure, records a
 * one-line message with lp_error_set(). Callers pass the status up unchanged;
 * the command prints lp_error_message() and exits with the status, so the
 * numeric values are the exit statuses (docs/linchpin.1, EXIT STATUS).
 *
 * The message buffer is process-global: set errors only from serial code
 * (never from several threads of an OpenMP region — collect a status per
 * thread instead; one thread may, while the others leave it alone, as the
 * block reader's merge does: lp_i_csv.h).
 */
#ifndef LP_ERROR_H
#define LP_ERROR_H

typedef enum lp_status {
    LP_OK = 0,
    LP_EINTERNAL = 1, /* our bug, out of memory, a library failure */
    LP_EUSAGE = 2,    /* bad command line or options */
    LP_EINPUT = 3,    /* bad input data; names file, line and field */
    LP_EOUTPUT = 4    /* cannot write the output */
} lp_status;

/* Record a failure and return `code`, so callers can write
 * `return lp_error_set(LP_EINPUT, "...")`. */
lp_status lp_error_set(lp_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last message recorded ("" if none). Valid until the next lp_error_set. */
const char *lp_error_message(void);

/* Forget the last message. */
void lp_error_clear(void);

/* Convenience for allocation failures: lp_error_set(LP_EINTERNAL, "out of memory (what)"). */
lp_status lp_error_nomem(const char *what);

#endif
