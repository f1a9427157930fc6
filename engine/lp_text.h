/* lp_text.h — one way to handle untrusted text, and the small hashing
 * helpers that used to be copied from file to file.
 *
 * Input ids, scenario names, `--leave` values and strings read from files
 * are arbitrary bytes: newlines, terminal escape sequences (ESC), NUL and
 * invalid UTF-8 included. Nothing of that may reach a message, a printed
 * table or a JSON document raw. The functions here are pure: they write to
 * a caller's buffer or FILE* only.
 *
 *  - lp_text_msg: a value for a one-line error message, cut short;
 *  - lp_text_fput: the same escaping, uncut, to a FILE* (printed tables);
 *  - lp_text_json: a JSON string literal, invalid UTF-8 repaired to U+FFFD;
 *  - lp_text_utf8_seq_len / lp_text_utf8_valid: the one UTF-8 validator
 *    (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF);
 *  - lp_text_hash: the 64-bit string hash of the in-memory tables;
 *  - lp_text_mix64 / lp_text_splitmix64: splitmix64 (Steele, Lea, Flood,
 *    "Fast splittable pseudorandom number generators", OOPSLA 2014).
 */
#ifndef LP_TEXT_H
#define LP_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s[0..n) (n >= 1): 1..4, or 0 if
 * invalid (bad lead or continuation byte, truncated, overlong, surrogate,
 * above U+10FFFF). */
size_t lp_text_utf8_seq_len(const unsigned char *s, size_t n);

/* 1 if s[0..len) is valid UTF-8 (NUL bytes count as valid: callers that
 * forbid them check separately), else 0. */
int lp_text_utf8_valid(const char *s, size_t len);

/* Write s[0..len) to f as UTF-8: every byte that does not start a valid
 * sequence becomes U+FFFD (for text that must be UTF-8 but came from
 * outside, e.g. a command line stored in a UTF-8 attribute). Returns 0, or
 * -1 on a write error. */
int lp_text_fput_utf8(FILE *f, const char *s, size_t len);

/* Enough for any lp_text_msg result. */
#define LP_TEXT_MSG_CAP 96

/* Render s[0..len) for a one-line message into dst (cap >= 16; with cap >=
 * LP_TEXT_MSG_CAP never cut before 60 bytes of input): valid UTF-8 and
 * printable ASCII as is; '"' and '\' backslash-escaped; control bytes
 * (0x00-0x1F, 0x7F: newline, ESC, NUL ...) and invalid bytes as \xHH; a
 * value longer than about 60 bytes cut with "...". Always NUL-terminated.
 * Returns dst, so it can be an argument of printf:
 *     char v[LP_TEXT_MSG_CAP];
 *     lp_error_set(LP_EINPUT, "unknown id \"%s\"", lp_text_msg(v, sizeof v, s, len)); */
const char *lp_text_msg(char *dst, size_t cap, const char *s, size_t len);

/* Write s[0..len) to f escaped as lp_text_msg does, but whole (no cut).
 * Returns the bytes written, or -1 on a write error (ferror(f) tells). */
long lp_text_fput(FILE *f, const char *s, size_t len);

/* The most bytes lp_text_json writes for len input bytes. */
#define LP_TEXT_JSON_MAX(len) (6 * (size_t)(len) + 2)

/* s[0..len) as a JSON string literal (RFC 8259) into dst, which has room
 * for LP_TEXT_JSON_MAX(len) bytes: quotes around; '"' and '\' escaped; \b
 * \f \n \r \t; other control bytes and DEL as \u00XX; each byte that does
 * not start a valid UTF-8 sequence as \ufffd (so the result is valid JSON
 * and valid UTF-8 whatever the input). Not NUL-terminated; returns the
 * bytes written. */
size_t lp_text_json(char *dst, const char *s, size_t len);

/* ---- hashing ------------------------------------------------------------ */

static inline uint64_t lp_text_load64(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

static inline uint64_t lp_text_load32(const char *s)
{
    uint32_t w;
    memcpy(&w, s, 4);
    return w;
}

/* The 128-bit product of a and b, folded to 64 bits (low half xor high
 * half): the mixing step of the wyhash family of hashes. */
static inline uint64_t lp_text_fold_mul(uint64_t a, uint64_t b)
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
 * and the splitmix64 multipliers). Fast, well mixed in all 64 bits, not for
 * adversarial input. Never stored in a file: tables only. */
static inline uint64_t lp_text_hash(const char *s, size_t len)
{
    const uint64_t k0 = UINT64_C(0x9E3779B97F4A7C15), k1 = UINT64_C(0xBF58476D1CE4E5B9),
                   k2 = UINT64_C(0x94D049BB133111EB);
    uint64_t a, b, h = k0;
    if (len <= 16) {
        if (len >= 8) {
            a = lp_text_load64(s);
            b = lp_text_load64(s + len - 8);
        } else if (len >= 4) {
            a = lp_text_load32(s);
            b = lp_text_load32(s + len - 4);
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
            h = lp_text_fold_mul(lp_text_load64(s + i) ^ k1, lp_text_load64(s + i + 8) ^ h);
        a = lp_text_load64(s + len - 16); /* the last 16 bytes, overlapping */
        b = lp_text_load64(s + len - 8);
    }
    return lp_text_fold_mul(k2 ^ (uint64_t)len, lp_text_fold_mul(a ^ k1, b ^ h));
}

/* splitmix64's output function: a bijective 64-bit finaliser. */
static inline uint64_t lp_text_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The next splitmix64 value of the stream *state. */
static inline uint64_t lp_text_splitmix64(uint64_t *state)
{
    return lp_text_mix64(*state += UINT64_C(0x9e3779b97f4a7c15));
}

#endif
