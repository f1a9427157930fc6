/* lp_i_numfmt.h — the number form of linchpin's CSV and JSON-lines writers
 * (io/csvwrite.c), without printf in the common cases.
 *
 * lp_i_fmt_number(buf, x) writes the finite double x as:
 *   - an integral value below 1e15 in integer form;
 *   - a value with at most two decimals below 1e13 (money) as its shortest
 *     decimal ("12.5", "0.07");
 *   - anything else in the shortest of "%.15g", "%.16g", "%.17g" that reads
 *     back (strtod) to x.
 * The third case is computed exactly with 128-bit integers for 1e-16 <=
 * |x| < 1e16 (normal doubles): x * 10^s as m * 5^s / 2^k, its 17 digits and
 * remainder, rounded half to even to 15, 16 or 17 digits like printf, and
 * each candidate tested against x's rounding interval like strtod reads it.
 * Outside that range it calls snprintf and strtod. The bytes equal what
 * printf would give in every case.
 *
 * Thread-safe (no state). buf needs LP_I_FMT_NUMBER_MAX bytes; returns the
 * length written (no NUL). */
#ifndef LP_I_NUMFMT_H
#define LP_I_NUMFMT_H

#include <stddef.h>

#define LP_I_FMT_NUMBER_MAX 40

size_t lp_i_fmt_number(char *buf, double x);

#endif
