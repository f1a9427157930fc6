/* lp_i_csv.h — internal to io/csv*.c: the helpers the streaming record
 * reader (csv.c) and the block-parallel loader (csvload.c) share: UTF-8
 * checks, message rendering, the id hash and hash table, strict numbers.
 *
 * The hot ones (hash, table lookup, the number fast path) are static inline
 * so that the loader's parallel parser inlines them. None of them touches
 * the global error message, so all may run inside an OpenMP region, except
 * lp_i_intern_add and lp_i_intern_reserve (they may report out of memory).
 */
#ifndef LP_I_CSV_H
#define LP_I_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lp_graph.h"

/* ---- test hooks (see csvload.c) ---------------------------------------- */

/* Nodes beyond this many are rejected ("too many nodes"); LP_VID_MAX. */
extern int64_t lp_i_csv_node_limit;
/* Bytes the loader reads per block (LP_CSV_BLOCK); the smallest chunk it
 * hands to one thread (LP_CSV_MIN_CHUNK). Tests lower both so that small
 * inputs span many blocks and chunks. */
extern int64_t lp_i_csv_block_size;
extern int64_t lp_i_csv_min_chunk;

/* ---- text --------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n) (n >= 1), 0 if invalid. */
size_t lp_i_csv_utf8_seq_len(const unsigned char *s, size_t n);
/* s[0..len) is valid UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
int lp_i_csv_utf8_valid(const char *s, size_t len);
/* Render s[0..len) for a one-line message into dst (cap >= 16): valid UTF-8
 * and printable ASCII as is; '"' and '\' backslash-escaped; control and
 * invalid bytes as \xHH; long values cut after about 60 bytes with "...".
 * Returns dst. */
const char *lp_i_csv_msg_text(char *dst, size_t cap, const char *s, size_t len);

/* ---- hash --------------------------------------------------------------- */

static inline uint64_t lp_i_csv_load64(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

static inline uint64_t lp_i_csv_load32(const char *s)
{
    uint32_t w;
    memcpy(&w, s, 4);
    return w;
}

/* The 128-bit product of a and b, folded to 64 bits (low half xor high
 * half): the mixing step of the wyhash family of hashes. */
static inline uint64_t lp_i_csv_fold_mul(uint64_t a, uint64_t b)
{
    __extension__ typedef unsigned __int128 u128;
    u128 p = (u128)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/* 64-bit hash of a byte string, built the wyhash way: the input is read as
 * 64-bit words (short keys by two overlapping loads, so ids of up to 16
 * bytes cost two loads and two folded multiplies), each pair of words is
 * xor-ed with constants and combined by one folded multiply, and the result
 * is folded once more with the length. Our own constants (the golden ratio
 * and the splitmix64 multipliers). Fast, well mixed in all 64 bits (the
 * table uses the upper 32), not for adversarial input. */
static inline uint64_t lp_i_csv_hash(const char *s, size_t len)
{
    const uint64_t k0 = UINT64_C(0x9E3779B97F4A7C15), k1 = UINT64_C(0xBF58476D1CE4E5B9),
                   k2 = UINT64_C(0x94D049BB133111EB);
    uint64_t a, b, h = k0;
    if (len <= 16) {
        if (len >= 8) {
            a = lp_i_csv_load64(s);
            b = lp_i_csv_load64(s + len - 8);
        } else if (len >= 4) {
            a = lp_i_csv_load32(s);
            b = lp_i_csv_load32(s + len - 4);
        } else if (len > 0) {
            const unsigned char *u = (const unsigned char *)s;
            a = (uint64_t)u[0] << 16 | (uint64_t)u[len >> 1] << 8 | u[len - 1];
            b = 0;
        } else {
            a = b = 0;
        }
    } else {
        size_t i = 0;
        for (; len - i > 16; i += 16)
            h = lp_i_csv_fold_mul(lp_i_csv_load64(s + i) ^ k1, lp_i_csv_load64(s + i + 8) ^ h);
        a = lp_i_csv_load64(s + len - 16); /* the last 16 bytes, overlapping */
        b = lp_i_csv_load64(s + len - 8);
    }
    return lp_i_csv_fold_mul(k2 ^ (uint64_t)len, lp_i_csv_fold_mul(a ^ k1, b ^ h));
}

/* ---- interning table ---------------------------------------------------- */

/* Open addressing, linear probing, load factor <= 0.7, any capacity (so a
 * table reserved for a known count is not rounded up to a power of two,
 * which would waste up to half of it). Keys live in an lp_strtab (string
 * `row`); the table maps string -> row. A slot is one 64-bit word: the upper
 * 32 bits of the key's hash (tag) and row + 1 (0 = empty), so growing never
 * rehashes strings and most mismatches are rejected without touching the
 * strings. The probe starts at tag * capacity / 2^32 (multiply-shift range
 * reduction). Lookups are read-only and may run in parallel; adding may
 * not. */
typedef struct lp_i_intern {
    uint64_t *slot; /* [cap] (tag << 32) | (row + 1); 0 = empty */
    uint64_t cap;   /* < 2^32 */
    int64_t count;
} lp_i_intern;

/* The slot where the probe for hash h starts (t->cap > 0). */
static inline uint64_t lp_i_intern_home(const lp_i_intern *t, uint64_t h)
{
    return ((h >> 32) * t->cap) >> 32;
}

void lp_i_intern_free(lp_i_intern *t); /* leaves t empty */
/* Add row (key hash h, known absent). Grows (x2) at load factor 0.7.
 * LP_EINTERNAL when out of memory. */
lp_status lp_i_intern_add(lp_i_intern *t, uint64_t h, int64_t row);
/* Make room for `more` further keys without growing in between: an empty
 * table gets exactly the slots they need at load factor 0.7, a filled one
 * grows at least x2 (amortised). */
lp_status lp_i_intern_reserve(lp_i_intern *t, int64_t more);

static inline size_t lp_i_strtab_len(const lp_strtab *t, int64_t i)
{
    int64_t end = i + 1 < t->count ? t->offset[i + 1] : t->size;
    return (size_t)(end - t->offset[i] - 1);
}

/* Row of s[0..len) (hash h), or -1. */
static inline int64_t lp_i_intern_find(const lp_i_intern *t, const lp_strtab *keys, const char *s,
                                       size_t len, uint64_t h)
{
    if (!t->slot) return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = lp_i_intern_home(t, h);; i = i + 1 == t->cap ? 0 : i + 1) {
        uint64_t e = t->slot[i];
        if (!e) return -1;
        if ((uint32_t)(e >> 32) != tag) continue;
        int64_t row = (int64_t)(uint32_t)e - 1;
        if (lp_i_strtab_len(keys, row) == len && memcmp(lp_strtab_get(keys, row), s, len) == 0)
            return row;
    }
}

/* First row whose slot tag matches h (a candidate, not yet compared), or -1;
 * lets a batch of lookups prefetch the candidates' strings. */
static inline int64_t lp_i_intern_candidate(const lp_i_intern *t, uint64_t h)
{
    if (!t->slot) return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = lp_i_intern_home(t, h);; i = i + 1 == t->cap ? 0 : i + 1) {
        uint64_t e = t->slot[i];
        if (!e) return -1;
        if ((uint32_t)(e >> 32) == tag) return (int64_t)(uint32_t)e - 1;
    }
}

#if defined(__GNUC__)
#define LP_I_PREFETCH(p) __builtin_prefetch(p)
#else
#define LP_I_PREFETCH(p) ((void)(p))
#endif

/* ---- numbers ------------------------------------------------------------ */

enum { LP_I_NUM_OK, LP_I_NUM_MALFORMED, LP_I_NUM_RANGE, LP_I_NUM_NOMEM };

/* Strict decimal number: the whole field s[0..len) (len >= 1), optional
 * sign, then a digit or '.'; no spaces, no hex, no nan/inf; -0 gives +0.
 * LP_I_NUM_RANGE if it overflows a double. s need not be NUL-terminated
 * (a copy is made for strtod; LP_I_NUM_NOMEM if a long one cannot be). */
int lp_i_csv_parse_number_slow(const char *s, size_t len, double *out);

/* The same, with a fast path for plain decimals ([+-]digits[.digits], at
 * most 19 digits whose value is below 2^53, at most 22 after the point):
 * the digits as an exact integer divided by an exact power of ten is one
 * correctly rounded IEEE division, i.e. exactly strtod's result (Clinger
 * 1990). Everything else goes to the slow path. */
static inline int lp_i_csv_parse_number(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    int neg = 0;
    if (len && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t mant = 0;
    int digits = 0, frac = -1; /* frac: digits after '.', -1 before it */
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d < 10) {
            mant = mant * 10 + d;
            digits++;
            if (frac >= 0) frac++;
        } else if (s[i] == '.' && frac < 0) {
            frac = 0;
        } else {
            break;
        }
    }
    if (i != len || digits == 0 || digits > 19 || mant > (UINT64_C(1) << 53) || frac > 22)
        return lp_i_csv_parse_number_slow(s, len, out);
    double v = (double)mant;
    if (frac > 0) v /= pow10[frac];
    *out = (neg ? -v : v) + 0.0; /* -0 -> +0 */
    return LP_I_NUM_OK;
}

#endif
