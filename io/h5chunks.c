/* h5chunks.c — writing a chunked, filtered 1-D dataset with the filters run
 * in parallel (lp_i_h5.h: lp_h5w_column_chunks).
 *
 * HDF5 runs a dataset's filter pipeline serially inside H5Dwrite, and with
 * deflate that pipeline is most of the time a results file takes to write.
 * Here the writer runs the same pipeline itself, one chunk per OpenMP
 * iteration, and hands HDF5 the finished chunks in order with
 * H5Dwrite_chunk (HDF5 >= 1.10.2). No HDF5 call is made inside the parallel
 * region (HDF5 is not thread-safe; zlib is, one stream per call).
 *
 * The pipeline, in the order lp_h5w_column_create_opt puts it in the
 * dataset creation property list, each step as HDF5 1.10 defines it:
 *  1. shuffle (H5Z_FILTER_SHUFFLE), when the element is wider than one byte
 *     and the chunk holds more than one element: byte j of element i goes
 *     to position j * elements + i;
 *  2. deflate (H5Z_FILTER_DEFLATE): zlib's compress2 at the dataset's level
 *     into a buffer of compressBound bytes — the same call HDF5 makes, so
 *     the same zlib gives the same bytes;
 *  3. Fletcher-32 (H5Z_FILTER_FLETCHER32): the checksum of the bytes so far,
 *     appended as 4 bytes, least significant first.
 * A chunk is always whole (chunk length elements): the last chunk of a
 * dataset whose length is not a multiple of it is padded with the fill
 * value, zero bytes (the default fill value of every type written here),
 * as HDF5 pads an edge chunk before filtering it. The filter mask of every
 * chunk is 0 (every filter applied).
 *
 * So the file's chunks are byte for byte those H5Dwrite would have stored
 * (tests/test_h5chunks.c compares them with H5Dread_chunk against the same
 * data written through HDF5's own pipeline), and they do not depend on the
 * number of threads: each chunk is a function of its elements only.
 *
 * Memory: a batch of slots, each one chunk of raw bytes, one of shuffled
 * bytes and the compressed output (compressBound + 4): at most 4 per thread
 * and about LP_H5C_SCRATCH bytes in all (at least one per thread), one
 * allocation per dataset.
 */
#include "lp_alloc.h"
#include "lp_i_h5.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int lp_i_h5w_hdf5_filters = 0;

#define LP_H5C_SCRATCH ((size_t)48 << 20)

/* ---- the filters -------------------------------------------------------- */

/* Fold a 32-bit running sum into 17 bits (mod 65535, ones' complement). */
static inline uint32_t fold16(uint32_t s)
{
    return (s & 0xffff) + (s >> 16);
}

/* Fletcher-32 of p[0..len) as HDF5 computes it for its checksum filter: the
 * data as big-endian 16-bit words (an odd last byte is the high byte of a
 * word whose low byte is 0); both sums start at 0 and are folded after every
 * 360 words (the most that cannot overflow 32 bits), after the odd byte, and
 * once more at the end; the result is sum2 << 16 | sum1. */
uint32_t lp_h5c_fletcher32(const unsigned char *p, size_t len)
{
    uint32_t s1 = 0, s2 = 0;
    size_t words = len / 2;
    while (words > 0) {
        size_t k = words > 360 ? 360 : words;
        words -= k;
        for (; k > 0; k--, p += 2) {
            s1 += (uint32_t)p[0] << 8 | (uint32_t)p[1];
            s2 += s1;
        }
        s1 = fold16(s1);
        s2 = fold16(s2);
    }
    if (len % 2) {
        s1 += (uint32_t)p[0] << 8;
        s2 += s1;
        s1 = fold16(s1);
        s2 = fold16(s2);
    }
    s1 = fold16(s1);
    s2 = fold16(s2);
    return s2 << 16 | s1;
}

/* Byte j of element i of src to dst[j * n + i] (n elements of es bytes). */
static void shuffle(unsigned char *restrict dst, const unsigned char *restrict src, size_t n,
                    size_t es)
{
    if (es == 8) { /* the common case: doubles and int64 */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < 8; j++)
                dst[j * n + i] = src[i * 8 + j];
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < es; j++)
            dst[j * n + i] = src[i * es + j];
}

/* ---- the writer --------------------------------------------------------- */

typedef struct slot {
    unsigned char *raw, *shuf, *out;
    size_t out_len;
    int zrc; /* zlib's status of the chunk */
} slot;

/* Chunk `c` (elements [c * chunk, ...)) through the pipeline into s->out.
 * Thread-safe: touches only s and reads the source. */
static void filter_chunk(slot *s, int64_t c, int64_t chunk, int64_t len, size_t es,
                         const lp_h5w_colopt *opt, const unsigned char *data, lp_h5w_fill_fn fill,
                         const void *ctx, size_t out_cap)
{
    int64_t start = c * chunk, count = len - start < chunk ? len - start : chunk;
    size_t bytes = (size_t)chunk * es, have = (size_t)count * es;
    const unsigned char *cur;
    if (data && count == chunk) {
        cur = data + (size_t)start * es;
    } else {
        if (data)
            memcpy(s->raw, data + (size_t)start * es, have);
        else
            fill(ctx, start, count, s->raw);
        memset(s->raw + have, 0, bytes - have); /* the edge chunk's fill value */
        cur = s->raw;
    }
    if (opt->shuffle && es > 1 && chunk > 1) {
        shuffle(s->shuf, cur, (size_t)chunk, es);
        cur = s->shuf;
    }
    size_t n = bytes;
    s->zrc = Z_OK;
    if (opt->deflate > 0) {
        uLongf zlen = (uLongf)(out_cap - 4);
        s->zrc = compress2(s->out, &zlen, cur, (uLong)bytes, opt->deflate);
        if (s->zrc != Z_OK) return;
        n = (size_t)zlen;
    } else {
        memcpy(s->out, cur, bytes);
    }
    if (opt->fletcher32) {
        uint32_t f = lp_h5c_fletcher32(s->out, n);
        s->out[n] = (unsigned char)(f & 0xff);
        s->out[n + 1] = (unsigned char)(f >> 8 & 0xff);
        s->out[n + 2] = (unsigned char)(f >> 16 & 0xff);
        s->out[n + 3] = (unsigned char)(f >> 24);
        n += 4;
    }
    s->out_len = n;
}

static int max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static int write_chunks(lp_h5w *w, hid_t dset, const char *path, const lp_h5w_colopt *opt,
                        size_t es, int64_t len, const void *data, lp_h5w_fill_fn fill,
                        const void *ctx)
{
    int64_t chunk = lp_h5w_chunk_len(opt, len);
    int64_t nchunks = (len + chunk - 1) / chunk;
    size_t bytes = (size_t)chunk * es;
    size_t out_cap = (opt->deflate > 0 ? (size_t)compressBound((uLong)bytes) : bytes) + 4;
    size_t per_slot = 2 * bytes + out_cap;
    int nt = max_threads();
    int64_t nslots = (int64_t)(LP_H5C_SCRATCH / per_slot);
    if (nslots > 4 * (int64_t)nt) nslots = 4 * (int64_t)nt;
    if (nslots < nt) nslots = nt;
    if (nslots > nchunks) nslots = nchunks;
    slot *slots = NULL;
    unsigned char *mem = lp_malloc((size_t)nslots * (sizeof *slots + per_slot));
    if (!mem) return lp_h5w_fail_nomem(w, "chunk buffers");
    slots = (slot *)(void *)mem;
    unsigned char *p = mem + (size_t)nslots * sizeof *slots;
    for (int64_t i = 0; i < nslots; i++, p += per_slot) {
        slots[i].raw = p;
        slots[i].shuf = p + bytes;
        slots[i].out = p + 2 * bytes;
    }
    int rc = -1;
    for (int64_t first = 0; first < nchunks; first += nslots) {
        int64_t k = nchunks - first < nslots ? nchunks - first : nslots;
        /* Filters only: no HDF5 and no allocation of ours in here. */
#pragma omp parallel for schedule(dynamic, 1) if (k > 1)
        for (int64_t i = 0; i < k; i++)
            filter_chunk(&slots[i], first + i, chunk, len, es, opt, data, fill, ctx, out_cap);
        for (int64_t i = 0; i < k; i++) {
            if (slots[i].zrc != Z_OK) {
                if (slots[i].zrc == Z_MEM_ERROR)
                    lp_h5w_fail_nomem(w, "deflate");
                else {
                    w->status = LP_EINTERNAL; /* compress2 into compressBound bytes cannot fail */
                    snprintf(w->reason, sizeof w->reason, "compressing %s: zlib status %d", path,
                             slots[i].zrc);
                }
                goto done;
            }
            hsize_t off[1] = {(hsize_t)((first + i) * chunk)};
            if (H5Dwrite_chunk(dset, H5P_DEFAULT, 0, off, slots[i].out_len, slots[i].out) < 0) {
                lp_h5w_fail_h5(w, "writing %s", path);
                goto done;
            }
        }
        if (w->io_err) goto done; /* io_err is the reason */
    }
    rc = 0;
done:
    free(mem);
    return rc;
}

int lp_h5w_column_chunks(lp_h5w *w, hid_t dset, const char *path, const lp_h5w_colopt *opt,
                         size_t esize, int64_t len, const void *data, lp_h5w_fill_fn fill,
                         const void *ctx)
{
    if (len <= 0) return w->io_err ? -1 : 0;
    return write_chunks(w, dset, path, opt, esize, len, data, fill, ctx);
}
