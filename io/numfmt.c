/* numfmt.c — doubles as text for the CSV and JSON-lines writers
 * (lp_i_numfmt.h): integer and money forms, then printf's "shortest of
 * %.15g / %.16g / %.17g that reads back", computed exactly with 128-bit
 * integers instead of printf + strtod where the numbers fit.
 *
 * The exact path. A normal double is x = m * 2^e (m < 2^53). For a decimal
 * exponent E with 10^E <= x < 10^(E+1) and s = 16 - E:
 *     x * 10^s = m * 5^s * 2^(e + s) = N / 2^k,  N = m * 5^s,  k = -(e + s),
 * so q = N >> k is x's first 17 significant digits and r = N mod 2^k the
 * exact rest (in units of 2^-k). With 0 <= s <= 32, N < 2^53 * 5^32 < 2^128.
 * printf("%.Pg") rounds x to P digits, half to even on the exact value:
 * R = round(q / 10^(17-P) + r / (10^(17-P) 2^k)). The candidate R * 10^(17-P)
 * (still in units of 10^-s) reads back to x when it lies inside x's rounding
 * interval: within half an ulp above, and half an ulp below (a quarter when
 * m = 2^52: the double below is twice as close), the ends included when m
 * is even (strtod rounds ties to even). One ulp, 2^e, is 5^s units of 2^-k
 * at this scale, so the test is |R 10^(17-P) - q) 2^k - r| against 5^s / 2
 * (or / 4), in integers. 17 digits always read back. */
#include "lp_i_numfmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128; /* GCC and Clang */

static const uint64_t P10[18] = {1ULL,
                                 10ULL,
                                 100ULL,
                                 1000ULL,
                                 10000ULL,
                                 100000ULL,
                                 1000000ULL,
                                 10000000ULL,
                                 100000000ULL,
                                 1000000000ULL,
                                 10000000000ULL,
                                 100000000000ULL,
                                 1000000000000ULL,
                                 10000000000000ULL,
                                 100000000000000ULL,
                                 1000000000000000ULL,
                                 10000000000000000ULL,
                                 100000000000000000ULL};

/* 5^0 .. 5^27 (5^27 < 2^63). */
static const uint64_t P5[28] = {1ULL,
                                5ULL,
                                25ULL,
                                125ULL,
                                625ULL,
                                3125ULL,
                                15625ULL,
                                78125ULL,
                                390625ULL,
                                1953125ULL,
                                9765625ULL,
                                48828125ULL,
                                244140625ULL,
                                1220703125ULL,
                                6103515625ULL,
                                30517578125ULL,
                                152587890625ULL,
                                762939453125ULL,
                                3814697265625ULL,
                                19073486328125ULL,
                                95367431640625ULL,
                                476837158203125ULL,
                                2384185791015625ULL,
                                11920928955078125ULL,
                                59604644775390625ULL,
                                298023223876953125ULL,
                                1490116119384765625ULL,
                                7450580596923828125ULL};

/* 5^s for 0 <= s <= 32 (above 27 one more product). */
static u128 pow5(int s)
{
    return s <= 27 ? (u128)P5[s] : (u128)P5[27] * P5[s - 27];
}

/* "00" .. "99". */
static const char DIG2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536"
    "37383940414243444546474849505152535455565758596061626364656667686970717273"
    "74757677787980818283848586878889909192939495969798"
    "99";

/* Digits of v (v > 0) right-aligned ending at end, two at a time; returns
 * the start. */
static char *put_u64(char *end, uint64_t v)
{
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        end -= 2;
        memcpy(end, DIG2 + 2 * r, 2);
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, DIG2 + 2 * v, 2);
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* R (P digits, or 10^P after a carry) with decimal exponent E of its first
 * digit, in printf's %.Pg form: trailing zeros dropped, %e style when the
 * exponent is below -4 or at least P, else %f style. */
static size_t put_g(char *buf, int neg, uint64_t R, int P, int E)
{
    int X = E;
    if (R == P10[P]) {
        R = P10[P - 1];
        X = E + 1;
    }
    char d[24];
    put_u64(d + P, R); /* exactly P digits: R >= 10^(P-1) */
    int nd = P;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    char *p = buf;
    if (neg) *p++ = '-';
    if (X < -4 || X >= P) {
        *p++ = d[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)nd - 1);
            p += nd - 1;
        }
        *p++ = 'e';
        *p++ = X < 0 ? '-' : '+';
        int ax = X < 0 ? -X : X;
        if (ax >= 100) *p++ = (char)('0' + ax / 100);
        *p++ = (char)('0' + ax / 10 % 10);
        *p++ = (char)('0' + ax % 10);
    } else if (X >= 0) {
        int ip = X + 1; /* integer digits */
        if (nd <= ip) {
            memcpy(p, d, (size_t)nd);
            p += nd;
            for (int i = nd; i < ip; i++)
                *p++ = '0';
        } else {
            memcpy(p, d, (size_t)ip);
            p += ip;
            *p++ = '.';
            memcpy(p, d + ip, (size_t)(nd - ip));
            p += nd - ip;
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -X - 1; i++)
            *p++ = '0';
        memcpy(p, d, (size_t)nd);
        p += nd;
    }
    return (size_t)(p - buf);
}

/* floor(e2 * log10(2)) for |e2| < 2000. */
static int floor_log10_pow2(int e2)
{
    int64_t t = (int64_t)e2 * 78913; /* 78913 / 2^18 = log10(2) to 6e-7 */
    return (int)(t >= 0 ? t / 262144 : -((-t + 262143) / 262144));
}

/* The exact path of the header comment; 0 when x is outside it. */
static size_t fmt_g_exact(char *buf, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int neg = (int)(bits >> 63);
    int ef = (int)((bits >> 52) & 0x7ff);
    uint64_t frac = bits & ((1ULL << 52) - 1);
    if (ef == 0 || ef == 0x7ff) return 0; /* zero, subnormal, inf, nan */
    uint64_t m = frac | (1ULL << 52);
    int e = ef - 1075;
    if (e >= 0) return 0; /* integers >= 2^52 */
    int E = floor_log10_pow2(ef - 1023), s = 0, k = 0, settled = 0;
    u128 N = 0;
    uint64_t q = 0;
    for (int it = 0; it < 3 && !settled; it++) {
        s = 16 - E;
        k = -(e + s);
        if (s < 0 || s > 32 || k < 1 || k > 118) return 0;
        N = (u128)m * pow5(s);
        u128 qq = N >> k;
        if (qq >= P10[17])
            E++;
        else if (qq < P10[16])
            E--;
        else {
            q = (uint64_t)qq;
            settled = 1;
        }
    }
    if (!settled) return 0;
    const u128 r = N & (((u128)1 << k) - 1);
    const u128 ulp = pow5(s);              /* one ulp of x, in units of 2^-k */
    const int tight = frac == 0 && ef > 1; /* the double below is half as far */
    const int even = (m & 1) == 0;
    for (int P = 15; P <= 17; P++) {
        const uint64_t div = P10[17 - P], qd = q / div, rd = q % div;
        const u128 twice = ((u128)(2 * rd) << k) + 2 * r, whole = (u128)div << k;
        uint64_t R = qd + (twice > whole || (twice == whole && (qd & 1)));
        if (P < 17) {
            int64_t dd = (int64_t)(R * div) - (int64_t)q; /* in [-(div-1), div] */
            int ok;
            if (dd >= 1) { /* the candidate is above x */
                u128 mag = ((u128)dd << k) - r;
                ok = 2 * mag < ulp || (2 * mag == ulp && even);
            } else { /* at or below x */
                u128 mag = ((u128)(-dd) << k) + r;
                u128 lhs = (tight ? 4 : 2) * mag;
                ok = lhs < ulp || (lhs == ulp && even);
            }
            if (!ok) continue;
        }
        return put_g(buf, neg, R, P, E);
    }
    return 0; /* not reached: P = 17 always returns */
}

size_t lp_i_fmt_number(char *buf, double x)
{
    char tmp[LP_I_FMT_NUMBER_MAX];
    if (x == floor(x) && fabs(x) < 1e15) {
        long long v = (long long)x;
        char *p = tmp + sizeof tmp;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        p = put_u64(p, u);
        if (v < 0) *--p = '-';
        size_t n = (size_t)(tmp + sizeof tmp - p);
        memcpy(buf, p, n);
        return n;
    }
    /* Money: at most two decimals. v / 100.0 is correctly rounded, so when
     * it gives x back, strtod of the decimal v/100 gives x too; below 1e13
     * the doubles are closer than 0.005, so no shorter decimal does. */
    double c = x * 100.0;
    if (fabs(x) < 1e13 && c == c) {
        /* nearbyint(c) without the library call: |c| < 2^52, so adding and
         * taking away 2^52 rounds to an integer, ties to even */
        double v = c >= 0 ? (c + 0x1p52) - 0x1p52 : (c - 0x1p52) + 0x1p52;
        if (v / 100.0 == x) {
            long long iv = (long long)v;
            unsigned long long u = iv < 0 ? 0ULL - (unsigned long long)iv : (unsigned long long)iv;
            char *p = tmp + sizeof tmp;
            unsigned cents = (unsigned)(u % 100);
            u /= 100;
            if (cents) {
                if (cents % 10) *--p = (char)('0' + cents % 10);
                *--p = (char)('0' + cents / 10);
                *--p = '.';
            }
            p = put_u64(p, u);
            if (iv < 0) *--p = '-';
            size_t n = (size_t)(tmp + sizeof tmp - p);
            memcpy(buf, p, n);
            return n;
        }
    }
    size_t n = fmt_g_exact(buf, x);
    if (n) return n;
    int len = 0;
    for (int prec = 15;; prec++) {
        len = snprintf(buf, LP_I_FMT_NUMBER_MAX, "%.*g", prec, x);
        if (prec == 17 || strtod(buf, NULL) == x) break;
    }
    return (size_t)len;
}
