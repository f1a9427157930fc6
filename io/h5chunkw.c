/* h5chunkw.c — writing a chunked, filtered 1-D dataset with the filters run
 * in parallel (lp_i_h5.h: lp_h5w_column_chunks).
 *
 * HDF5 runs a dataset's filter pipeline serially inside H5Dwrite, and with
 * deflate that pipeline is most of the time a results file takes to write.
 * Here the writer runs the same pipeline itself, one chunk per OpenMP
 * iteration, and hands HDF5 the finished chunks in order with
 * H5Dwrite_chunk (HDF5 >= 1.10.2). Only the master thread calls HDF5 (the
 * thread that makes every other HDF5 call; HDF5 is not thread-safe, zlib
 * is, one stream per thread): between its own chunks it stores every chunk
 * that is ready and next in order, so the writes overlap the other
 * threads' compression instead of following it.
 *
 * The pipeline, in the order lp_h5w_column_create_opt puts it in the
 * dataset creation property list, each step as HDF5 1.10 defines it:
 *  1. shuffle (H5Z_FILTER_SHUFFLE), when the element is wider than one byte
 *     and the chunk holds more than one element: byte j of element i goes
 *     to position j * elements + i;
 *  2. deflate (H5Z_FILTER_DEFLATE): a zlib stream (deflate with the zlib
 *     header and Adler-32 trailer) into a buffer of compressBound bytes, at
 *     the dataset's level with zlib's default strategy — what HDF5's own
 *     compress2 call does, so the same zlib gives the same bytes — or, for a
 *     column with opt->rle, with zlib's Z_RLE strategy (matches at distance
 *     1 only, i.e. runs, then Huffman coding): a standard stream any
 *     inflate decodes, which HDF5's pipeline would not have produced
 *     byte for byte (see "Strategy" below);
 *  3. Fletcher-32 (H5Z_FILTER_FLETCHER32): the checksum of the bytes so far,
 *     appended as 4 bytes, least significant first.
 * A chunk is always whole (chunk length elements): the last chunk of a
 * dataset whose length is not a multiple of it is padded with the fill
 * value, zero bytes (the default fill value of every type written here),
 * as HDF5 pads an edge chunk before filtering it. The filter mask of every
 * chunk is 0 (every filter applied).
 *
 * So without opt->rle the file's chunks are byte for byte those H5Dwrite
 * would have stored (tests/test_h5chunkw.c compares them with
 * H5Dread_chunk against the same data written through HDF5's own
 * pipeline); with it, HDF5's pipeline reads back the same values. Either
 * way the chunks do not depend on the number of threads: each chunk is a
 * function of its elements only.
 *
 * Strategy: shuffled numbers (floats above all) have runs in their high
 * bytes and noise in their low bytes, where deflate's match search finds
 * almost nothing but spends most of its time; Z_RLE keeps the runs and
 * skips the search (3 to 4 times less CPU than level 4, and smaller for
 * floats). Text and ascending integers (offsets) have repeats at longer
 * distances and keep the match search (level 1). The caller chooses
 * (results_write.c); measured in bench/README.md.
 *
 * Each thread keeps one deflate stream for the whole column, reset before
 * each chunk (deflateReset gives the bytes a fresh deflateInit2 would, and
 * saves zlib's ~270 KB of allocations per chunk); zlib's memory comes from
 * lp_malloc.
 *
 * Batches: the chunks of up to LP_H5C_BATCH_BYTES of raw data (at least one
 * per thread; a whole column of up to 8M doubles) are filtered in one
 * parallel loop, each kept in memory at its compressed size until the
 * master thread has written it (a chunk the master thread filters when it
 * is next in order is written straight from its buffer). Few, long
 * parallel regions on purpose: between regions the idle threads spin
 * (libgomp's default wait policy), and on a machine whose cores are busy
 * that spinning took the writer's own CPU (batches of 8 chunks cost 15-30%
 * more CPU than one thread).
 *
 * Memory: per thread one chunk of raw bytes, one of shuffled bytes and the
 * compressed output (compressBound + 4) and its deflate stream (~270 KB);
 * the compressed chunks filtered but not written yet (at most one batch,
 * about LP_H5C_BATCH_BYTES, when the master thread gets no CPU; usually a
 * few chunks).
 */
#include "lp_alloc.h"
#include "lp_i_h5.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
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

/* Adler-32 (RFC 1950) of p[0..len) continuing from adler (1 for a new
 * stream), as zlib's adler32() computes it. With AVX2, 32 bytes a step:
 * for a block x_0..x_31 after sum s1, s1 grows by sum(x_j) and s2 by
 * 32 * s1 + sum((32 - j) * x_j); the sums of up to 1024 blocks are kept in
 * vector lanes (none can overflow) and reduced modulo 65521 once. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LP_ADLER_AVX2 1
__attribute__((target("avx2"))) static uint32_t adler32_avx2(uint32_t adler, const unsigned char *p,
                                                             size_t len)
{
    uint64_t s1 = adler & 0xffff, s2 = adler >> 16;
    const __m256i zero = _mm256_setzero_si256(), ones = _mm256_set1_epi16(1);
    const __m256i weights =
        _mm256_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14,
                         13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
    while (len >= 32) {
        size_t n = len / 32 > 1024 ? 1024 : len / 32; /* blocks in this run */
        __m256i v1 = zero, vp = zero, v2 = zero;      /* byte sums, their prefix sums, weighted */
        for (size_t b = 0; b < n; b++, p += 32) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
            vp = _mm256_add_epi64(vp, v1);
            v1 = _mm256_add_epi64(v1, _mm256_sad_epu8(x, zero));
            v2 = _mm256_add_epi32(v2, _mm256_madd_epi16(_mm256_maddubs_epi16(x, weights), ones));
        }
        uint64_t a1[4], ap[4];
        uint32_t a2[8];
        _mm256_storeu_si256((__m256i *)(void *)a1, v1);
        _mm256_storeu_si256((__m256i *)(void *)ap, vp);
        _mm256_storeu_si256((__m256i *)(void *)a2, v2);
        uint64_t sum = a1[0] + a1[1] + a1[2] + a1[3], pre = ap[0] + ap[1] + ap[2] + ap[3];
        uint64_t wsum = 0;
        for (int i = 0; i < 8; i++)
            wsum += a2[i];
        s2 = (s2 + 32 * n * s1 + 32 * pre + wsum) % 65521;
        s1 = (s1 + sum) % 65521;
        len -= 32 * n;
    }
    for (; len > 0; len--, p++) {
        s1 += *p;
        s2 += s1;
    }
    return (uint32_t)((s2 % 65521) << 16 | (s1 % 65521));
}
#endif

uint32_t lp_h5c_adler32(uint32_t adler, const unsigned char *p, size_t len)
{
#ifdef LP_ADLER_AVX2
    /* libgcc's (compiler-rt's) constructor filled in the CPU's features */
    if (__builtin_cpu_supports("avx2")) return adler32_avx2(adler, p, len);
#endif
    while (len > 0) { /* zlib's, in pieces its uInt can count */
        uInt k = len > (1u << 30) ? 1u << 30 : (uInt)len;
        adler = (uint32_t)adler32(adler, p, k);
        p += k;
        len -= k;
    }
    return adler;
}

/* ---- the writer --------------------------------------------------------- */

/* One thread's buffers: a chunk of raw bytes, one of shuffled bytes and the
 * compressed output (compressBound + 4), and its deflate stream. */
typedef struct scratch {
    unsigned char *raw, *shuf, *out;
    z_stream z;
} scratch;

/* zlib's allocator: lp_malloc (counted, failable in tests), free. */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return (size_t)items > SIZE_MAX / (size ? size : 1) ? Z_NULL : lp_malloc((size_t)items * size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    free(p);
}

/* A filtered chunk, waiting for its turn to be written. */
typedef struct done_chunk {
    unsigned char *bytes; /* exactly len bytes: lp_malloc'ed (own) or the master's out buffer */
    size_t len;
    int own;
    int zrc;   /* Z_OK, zlib's failure, or Z_MEM_ERROR when bytes could not be allocated */
    int ready; /* set (release) once bytes, len and zrc are, by the thread that filtered it */
} done_chunk;

/* A batch being written: chunks [first, first + k) of the column are
 * done[0..k); the master thread writes them in order, next is the first
 * not written yet. stop: a chunk failed or a write did (w records why);
 * the other threads then skip their remaining chunks. */
typedef struct batch_state {
    lp_h5w *w;
    hid_t dset;
    const char *path;
    done_chunk *done;
    int64_t first, chunk;
    int64_t next;
    int stop;
} batch_state;

/* Master thread only: write the chunks of the batch that are ready, in
 * order, from b->next on; with wait, all k of them, waiting for those still
 * being filtered. A chunk that failed, or a failed write, sets b->stop. A
 * written chunk's bytes are freed (unless they are a thread's buffer). */
static void put_ready(batch_state *b, int64_t k, int wait)
{
    while (b->next < k && !b->stop) {
        done_chunk *d = &b->done[b->next];
        if (!__atomic_load_n(&d->ready, __ATOMIC_ACQUIRE)) {
            if (!wait) return;
            sched_yield(); /* the last chunks, on another thread: about one chunk's time */
            continue;
        }
        lp_h5w *w = b->w;
        if (d->zrc != Z_OK) {
            if (d->zrc == Z_MEM_ERROR) {
                lp_h5w_fail_nomem(w, "compressed chunks");
            } else {
                w->status = LP_EINTERNAL; /* deflate into compressBound bytes cannot fail */
                snprintf(w->reason, sizeof w->reason, "compressing %s: zlib status %d", b->path,
                         d->zrc);
            }
            __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
            return;
        }
        hsize_t off[1] = {(hsize_t)((b->first + b->next) * b->chunk)};
        if (H5Dwrite_chunk(b->dset, H5P_DEFAULT, 0, off, d->len, d->bytes) < 0) {
            lp_h5w_fail_h5(w, "writing %s", b->path);
            __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
            return;
        }
        if (d->own) free(d->bytes);
        d->bytes = NULL;
        d->own = 0;
        if (w->io_err) { /* io_err is the reason */
            __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
            return;
        }
        b->next++;
    }
}

/* Chunk `c` (elements [c * chunk, ...)) through the pipeline into t->out;
 * returns its length, or 0 with *zrc set when zlib failed. Thread-safe:
 * touches only t and reads the source. */
static size_t filter_chunk(scratch *t, int *zrc, int64_t c, int64_t chunk, int64_t len, size_t es,
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
        /* The zlib stream compress2 makes: its 2-byte header (window 32 KB,
         * no dictionary, zlib's level flags), the raw deflate data of one
         * deflate call with Z_FINISH, the Adler-32 of the input, most
         * significant byte first. zlib computes that checksum byte by byte
         * as it reads; lp_h5c_adler32 is several times faster. */
        z_stream *z = &t->z;
        if ((*zrc = deflateReset(z)) != Z_OK) return 0;
        int lf = opt->rle || opt->deflate < 2 ? 0
                 : opt->deflate < 6           ? 1
                 : opt->deflate == 6          ? 2
                                              : 3;
        unsigned head = (Z_DEFLATED + ((MAX_WBITS - 8) << 4)) << 8 | (unsigned)lf << 6;
        head += 31 - head % 31;
        t->out[0] = (unsigned char)(head >> 8);
        t->out[1] = (unsigned char)(head & 0xff);
        z->next_in = (Bytef *)(uintptr_t)cur;
        z->avail_in = (uInt)bytes;
        z->next_out = t->out + 2;
        z->avail_out = (uInt)(out_cap - 4 - 6);
        int r = deflate(z, Z_FINISH);
        if (r != Z_STREAM_END) {
            *zrc = r == Z_OK ? Z_BUF_ERROR : r;
            return 0;
        }
        n = 2 + (size_t)z->total_out;
        uint32_t a = lp_h5c_adler32(1, cur, bytes);
        t->out[n] = (unsigned char)(a >> 24);
        t->out[n + 1] = (unsigned char)(a >> 16 & 0xff);
        t->out[n + 2] = (unsigned char)(a >> 8 & 0xff);
        t->out[n + 3] = (unsigned char)(a & 0xff);
        n += 4;
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
    int rc = -1, nz = 0, failed = 0; /* nz: deflate streams set up */
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
    for (int i = 0; i < nt && opt->deflate > 0; i++) {
        z_stream *z = &tmp[i].z;
        memset(z, 0, sizeof *z);
        z->zalloc = z_alloc;
        z->zfree = z_free;
        /* what compress2 sets up (but raw: the wrapper is ours) and the strategy */
        int r = deflateInit2(z, opt->deflate, Z_DEFLATED, -MAX_WBITS, 8,
                             opt->rle ? Z_RLE : Z_DEFAULT_STRATEGY);
        if (r != Z_OK) {
            if (r == Z_MEM_ERROR) {
                lp_h5w_fail_nomem(w, "deflate streams");
            } else {
                w->status = LP_EINTERNAL;
                snprintf(w->reason, sizeof w->reason, "compressing %s: zlib status %d", path, r);
            }
            goto out;
        }
        nz++;
    }
    for (int64_t first = 0; first < nchunks && !failed; first += batch) {
        int64_t k = nchunks - first < batch ? nchunks - first : batch;
        batch_state b = {w, dset, path, done, first, chunk, 0, 0};
        /* Every thread filters chunks; the master thread (the one that makes
         * every HDF5 call) also writes them in order as they are ready, and
         * at the end waits for the last ones. */
        for (int64_t i = 0; i < k; i++) {
            done[i].ready = 0;
        }
#pragma omp parallel num_threads(nt) if (k > 1)
        {
            scratch *t = &tmp[thread_num()];
            int master = thread_num() == 0;
#pragma omp for schedule(dynamic, 1) nowait
            for (int64_t i = 0; i < k; i++) {
                if (__atomic_load_n(&b.stop, __ATOMIC_RELAXED)) continue;
                done_chunk *d = &done[i];
                size_t n = filter_chunk(t, &d->zrc, first + i, chunk, len, es, opt, data, fill, ctx,
                                        out_cap);
                if (master && d->zrc == Z_OK && b.next == i) {
                    /* next in line: straight from the thread's buffer */
                    d->bytes = t->out;
                    d->len = n;
                    d->own = 0;
                    d->ready = 1;
                    put_ready(&b, k, 0);
                    continue;
                }
                if (d->zrc == Z_OK) {
                    if (!(d->bytes = lp_malloc(n))) {
                        d->zrc = Z_MEM_ERROR;
                    } else {
                        memcpy(d->bytes, t->out, n);
                        d->len = n;
                        d->own = 1;
                    }
                }
                __atomic_store_n(&d->ready, 1, __ATOMIC_RELEASE);
                if (master) put_ready(&b, k, 0);
            }
            if (master) put_ready(&b, k, 1);
        }
        failed = b.stop;
    }
    if (failed) goto out;
    lp_h5w_start_writeback(w);
    rc = 0;
out:
    if (done)
        for (int64_t i = 0; i < batch; i++)
            if (done[i].own) free(done[i].bytes);
    free(done);
    for (int i = 0; i < nz; i++)
        deflateEnd(&((scratch *)(void *)mem)[i].z);
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
