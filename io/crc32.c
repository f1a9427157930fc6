/* crc32.c — the CRC-32 of input files (the one of gzip and zlib, reflected
 * polynomial 0xEDB88320) that the load report records, as zlib's crc32()
 * computes it, but several times faster where the CPU has PCLMULQDQ: the
 * CRM import checksums every byte of a 2.6 GB export, and zlib's table
 * code took about 0.8 s of CPU of it (3.3 GB/s).
 *
 * Folding (Gopal et al., "Fast CRC Computation for Generic Polynomials
 * Using PCLMULQDQ Instruction", Intel, 2009). Bytes are polynomials over
 * GF(2) with the first bit the highest power; a 16-byte lane X whose end
 * lies D bits before the end of a later lane Y may be replaced by
 * X * x^D mod P added into Y without changing the message's remainder.
 * With X = XL * x^64 + XH (XL its first 8 bytes), that is XL * x^(64+D) +
 * XH * x^D, and each product is one carry-less multiply by a 32-bit
 * constant (x^k mod P, worked out below from P itself). Four lanes advance
 * 64 bytes a step, are folded into one, and the last 16 bytes plus the
 * tail of under 16 bytes go through zlib, which gives the same value as
 * the whole message through zlib. */
#include <zlib.h>

#include "lp_i_csv.h"

/* The reflected CRC register of x^k mod P: bit 31 - i holds x^i. */
static uint32_t xpow_mod(unsigned k)
{
    uint32_t v = UINT32_C(0x80000000); /* x^0 */
    while (k--)
        v = (v >> 1) ^ (v & 1 ? UINT32_C(0xEDB88320) : 0);
    return v;
}

/* The remainder x^k mod P as carry-less multiplier of an 8-byte half: bit
 * 63 - i holds x^i. A product of two reflected 64-bit operands comes out
 * one power of x short of the 128-bit lane's reckoning, so the constant
 * for multiplying by x^d is x^(d - 1) mod P. */
static uint64_t fold_const(unsigned d)
{
    return (uint64_t)xpow_mod(d - 1) << 32;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LP_CRC_CLMUL 1

/* X folded D bits forward into Y: k's low half multiplies X's first 8
 * bytes (by x^(64+D)), its high half the last 8 (by x^D). */
__attribute__((target("pclmul,sse2"))) static inline __m128i fold(__m128i x, __m128i y, __m128i k)
{
    return _mm_xor_si128(
        y, _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)));
}

__attribute__((target("pclmul,sse2"))) static uint32_t
crc32_clmul(uint32_t crc, const unsigned char *p, size_t len)
{
    /* len >= 64. The register's start value enters as the first 4 bytes
     * XORed with its complement: zlib starts its register at ~crc. */
    const __m128i k512 = _mm_set_epi64x((long long)fold_const(512), (long long)fold_const(576));
    const __m128i k128 = _mm_set_epi64x((long long)fold_const(128), (long long)fold_const(192));
    __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)~crc));
    p += 64;
    len -= 64;
    for (; len >= 64; p += 64, len -= 64) {
        x0 = fold(x0, _mm_loadu_si128((const __m128i *)(const void *)p), k512);
        x1 = fold(x1, _mm_loadu_si128((const __m128i *)(const void *)(p + 16)), k512);
        x2 = fold(x2, _mm_loadu_si128((const __m128i *)(const void *)(p + 32)), k512);
        x3 = fold(x3, _mm_loadu_si128((const __m128i *)(const void *)(p + 48)), k512);
    }
    x3 = fold(fold(fold(x0, x1, k128), x2, k128), x3, k128);
    for (; len >= 16; p += 16, len -= 16)
        x3 = fold(x3, _mm_loadu_si128((const __m128i *)(const void *)p), k128);
    /* the remainder of x3 followed by the tail: zlib's register starting
     * from 0 is crc32() from 0xFFFFFFFF, and its result the register
     * complemented, which continues into the tail as zlib's own value */
    unsigned char last[16];
    _mm_storeu_si128((__m128i *)(void *)last, x3);
    uLong c = crc32(UINT32_C(0xFFFFFFFF), last, 16);
    return (uint32_t)crc32(c, p, (uInt)len);
}
#endif

uint32_t lp_i_crc32(uint32_t crc, const unsigned char *p, size_t len)
{
#ifdef LP_CRC_CLMUL
    /* libgcc's (compiler-rt's) constructor filled in the CPU's features */
    if (len >= 64 && __builtin_cpu_supports("pclmul")) return crc32_clmul(crc, p, len);
#endif
    return (uint32_t)crc32_z(crc, p, len);
}
