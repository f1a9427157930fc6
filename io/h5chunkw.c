/* h5chunkw.c — writing a chunked, filtered 1-D dataset with the filters run
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
 * (tests/test_h5chunkw.c compares them with H5Dread_chunk against the same
 * data written through HDF5's own pipeline), and they do not depend on the
 * number of threads: each chunk is a function of its elements only.
 *
 * Batches: the chunks of up to LP_H5C_BATCH_BYTES of raw data (at least one
 * per thread; a whole column of up to 8M doubles) are filtered in one
 * parallel loop, each kept in memory at its compressed size, then written.
 * Few, long parallel regions on purpose: between regions the idle threads
 * spin (libgomp's default wait policy), and on a machine whose cores are
 * busy that spinning took the writer's own CPU (batches of 8 chunks cost
 * 15-30% more CPU than one thread).
 *
 * Memory: per thread one chunk of raw bytes, one of shuffled bytes and the
 * compressed output (compressBound + 4); the compressed chunks of one batch
 * (at most about LP_H5C_BATCH_BYTES, much less for compressible columns).
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

#define LP_H5C_BATCH_BYTES ((size_t)64 << 20)

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
        /* The block in closed form, which vectorizes: word by word, s1 +=
         * w_j and then s2 += s1, so at the end s1 gained sum w_j and s2
         * gained k * s1 + sum (k - j) w_j (the same sums mod 2^32). */
        uint32_t a = 0, b = 0;
        for (size_t j = 0; j < k; j++) {
            uint32_t w = (uint32_t)p[2 * j] << 8 | (uint32_t)p[2 * j + 1];
            a += w;
            b += (uint32_t)(k - j) * w;
        }
        p += 2 * k;
        s2 += (uint32_t)k * s1 + b;
        s1 += a;
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

/* One thread's buffers: a chunk of raw bytes, one of shuffled bytes and the
 * compressed output (compressBound + 4). */
typedef struct scratch {
    unsigned char *raw, *shuf, *out;
} scratch;

/* A filtered chunk, waiting for its turn to be written. */
typedef struct done_chunk {
    unsigned char *bytes; /* lp_malloc'ed, exactly len bytes */
    size_t len;
    int zrc; /* Z_OK, zlib's failure, or Z_MEM_ERROR when bytes could not be allocated */
} done_chunk;

/* Chunk `c` (elements [c * chunk, ...)) through the pipeline into t->out;
 * returns its length, or 0 with *zrc set when zlib failed. Thread-safe:
 * touches only t and reads the source. */
static size_t filter_chunk(const scratch *t, int *zrc, int64_t c, int64_t chunk, int64_t len,
                           size_t es, const lp_h5w_colopt *opt, const unsigned char *data,
                           lp_h5w_fill_fn fill, const void *ctx, size_t out_cap)
{
    int64_t start = c * chunk, count = len - start < chunk ? len - start : chunk;
    size_t bytes = (size_t)chunk * es, have = (size_t)count * es;
    const unsigned char *cur;
    if (data && count == chunk) {
        cur = data + (size_t)start * es;
    } else {
        if (data)
            memcpy(t->raw, data + (size_t)start * es, have);
        else
            fill(ctx, start, count, t->raw);
        memset(t->raw + have, 0, bytes - have); /* the edge chunk's fill value */
        cur = t->raw;
    }
    if (opt->shuffle && es > 1 && chunk > 1) {
        shuffle(t->shuf, cur, (size_t)chunk, es);
        cur = t->shuf;
    }
    size_t n = bytes;
    *zrc = Z_OK;
    if (opt->deflate > 0) {
        uLongf zlen = (uLongf)(out_cap - 4);
        *zrc = compress2(t->out, &zlen, cur, (uLong)bytes, opt->deflate);
        if (*zrc != Z_OK) return 0;
        n = (size_t)zlen;
    } else {
        memcpy(t->out, cur, bytes);
    }
    if (opt->fletcher32) {
        uint32_t f = lp_h5c_fletcher32(t->out, n);
        t->out[n] = (unsigned char)(f & 0xff);
        t->out[n + 1] = (unsigned char)(f >> 8 & 0xff);
        t->out[n + 2] = (unsigned char)(f >> 16 & 0xff);
        t->out[n + 3] = (unsigned char)(f >> 24);
        n += 4;
    }
    return n;
}

static int max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static int thread_num(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
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
    size_t per_thread = 2 * bytes + out_cap;
    int nt = max_threads();
    if (nt > nchunks) nt = (int)nchunks;
    int64_t batch = (int64_t)(LP_H5C_BATCH_BYTES / bytes);
    if (batch < nt) batch = nt;
    if (batch > nchunks) batch = nchunks;
    unsigned char *mem = lp_malloc((size_t)nt * (sizeof(scratch) + per_thread));
    done_chunk *done = lp_calloc((size_t)batch, sizeof *done);
    int rc = -1;
    if (!mem || !done) {
        lp_h5w_fail_nomem(w, "chunk buffers");
        goto out;
    }
    scratch *tmp = (scratch *)(void *)mem;
    unsigned char *p = mem + (size_t)nt * sizeof *tmp;
    for (int i = 0; i < nt; i++, p += per_thread) {
        tmp[i].raw = p;
        tmp[i].shuf = p + bytes;
        tmp[i].out = p + 2 * bytes;
    }
    for (int64_t first = 0; first < nchunks; first += batch) {
        int64_t k = nchunks - first < batch ? nchunks - first : batch;
        /* Filters only: no HDF5 call in here (lp_malloc is thread-safe). */
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (k > 1)
        for (int64_t i = 0; i < k; i++) {
            const scratch *t = &tmp[thread_num()];
            size_t n = filter_chunk(t, &done[i].zrc, first + i, chunk, len, es, opt, data, fill,
                                    ctx, out_cap);
            if (done[i].zrc != Z_OK) continue;
            if (!(done[i].bytes = lp_malloc(n))) {
                done[i].zrc = Z_MEM_ERROR;
                continue;
            }
            memcpy(done[i].bytes, t->out, n);
            done[i].len = n;
        }
        for (int64_t i = 0; i < k; i++) {
            if (done[i].zrc != Z_OK) {
                if (done[i].zrc == Z_MEM_ERROR) {
                    lp_h5w_fail_nomem(w, "compressed chunks");
                } else {
                    w->status = LP_EINTERNAL; /* compress2 into compressBound bytes cannot fail */
                    snprintf(w->reason, sizeof w->reason, "compressing %s: zlib status %d", path,
                             done[i].zrc);
                }
                goto out;
            }
            hsize_t off[1] = {(hsize_t)((first + i) * chunk)};
            if (H5Dwrite_chunk(dset, H5P_DEFAULT, 0, off, done[i].len, done[i].bytes) < 0) {
                lp_h5w_fail_h5(w, "writing %s", path);
                goto out;
            }
            free(done[i].bytes);
            done[i].bytes = NULL;
        }
        if (w->io_err) goto out; /* io_err is the reason */
    }
    rc = 0;
out:
    if (done)
        for (int64_t i = 0; i < batch; i++)
            free(done[i].bytes);
    free(done);
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
