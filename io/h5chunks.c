/* h5chunks.c — reading a 1-D chunked column by its raw chunks
 * (lp_h5r_read_rows and lp_h5r_scan_rows in lp_i_h5.h): HDF5 says where
 * each chunk is stored (serial: HDF5 is not thread-safe here) and the
 * chunks are read from the file mapped read-only — or, without Fletcher-32
 * or HDF5's sec2 driver, copied out with H5Dread_chunk — then checked and
 * decoded in parallel (OpenMP) straight into the caller's array, or handed
 * to the caller's function chunk by chunk: Fletcher-32 verified, inflated,
 * unshuffled, exactly as HDF5's own filters would, without HDF5's copy out
 * of its chunk cache (and without zlib's Adler-32 of the inflated bytes
 * when Fletcher-32 already checked the stored ones).
 *
 * Only the pipelines linchpin writes are decoded here: a subsequence of
 * shuffle, deflate, Fletcher-32 (in that order), with the file's element
 * type equal to the memory type. Anything else — another filter or order,
 * a type conversion, a chunk never written, a chunk that fails its checksum
 * or does not inflate to its size — returns 1 and the caller reads the
 * column with H5Dread as before, so damaged files give HDF5's own error. */
#include "lp_alloc.h"
#include "lp_i_h5.h"
#include "lp_i_omp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>

/* The stored checksum (little-endian, after the data) matches, or its
 * byte-swapped halves do (files of HDF5 1.6.0-1.6.2; HDF5 accepts both). */
static int fletcher_ok(const uint8_t *p, size_t n)
{
    uint32_t c = lp_h5c_fletcher32(p, n); /* h5chunkw.c */
    uint32_t st = (uint32_t)p[n] | (uint32_t)p[n + 1] << 8 | (uint32_t)p[n + 2] << 16 |
                  (uint32_t)p[n + 3] << 24;
    uint32_t rev = ((c & 0x00ff00ffu) << 8) | ((c >> 8) & 0x00ff00ffu);
    return st == c || st == rev;
}

enum { F_SHUFFLE = 1, F_DEFLATE = 2, F_FLETCHER = 4 };

/* Inflate the zlib stream p[0..n) into exactly cb bytes at out. When the
 * stream's bytes passed Fletcher-32 (checked), its own Adler-32 of the
 * inflated bytes is not computed again: a raw inflate after the 2-byte
 * header (no preset dictionary), the trailer left unread. 0 or 1 (cannot). */
static int inflate_chunk(uint8_t *out, size_t cb, const uint8_t *p, size_t n, int checked)
{
    if (!checked) {
        uLongf got = (uLongf)cb;
        return uncompress(out, &got, p, (uLong)n) == Z_OK && got == cb ? 0 : 1;
    }
    if (n < 2 || (p[0] & 0x0f) != Z_DEFLATED || (p[0] >> 4) > 7 || (p[1] & 0x20) ||
        ((unsigned)p[0] << 8 | p[1]) % 31 != 0)
        return 1;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK) return 1;
    z.next_in = (Bytef *)(uintptr_t)(p + 2);
    z.avail_in = (uInt)(n - 2);
    z.next_out = out;
    z.avail_out = (uInt)cb;
    int r = inflate(&z, Z_FINISH);
    int ok = r == Z_STREAM_END && z.total_out == cb;
    inflateEnd(&z);
    return ok ? 0 : 1;
}

typedef struct chunk_job {
    const uint8_t *src;
    size_t n;
    unsigned mask; /* HDF5's filter mask: bit i set, filter i skipped */
} chunk_job;

/* Decode chunk j (rows [j*c, j*c + c) of the column) and place its rows
 * within [lo, hi) at dst (row lo) with the given stride; a, b are scratch
 * buffers of cb bytes. 0 or 1 (cannot decode). */
static int decode_chunk(const chunk_job *job, int64_t j, int64_t c, size_t es, size_t cb,
                        const int *fidx, unsigned filters, int64_t lo, int64_t hi, char *dst,
                        size_t stride, int strfix, int spacepad, lp_h5r_rows_fn fn, void *ctx,
                        uint8_t *a, uint8_t *b)
{
    const uint8_t *p = job->src;
    size_t n = job->n;
    int checked = (filters & F_FLETCHER) && !(job->mask & (1u << fidx[2]));
    if (checked) {
        if (n < 4 || !fletcher_ok(p, n - 4)) return 1;
        n -= 4;
    }
    int64_t r0 = j * c, r1 = r0 + c;
    int whole = r0 >= lo && r1 <= hi && !strfix && !fn; /* rows land in dst as they are */
    int shuf = (filters & F_SHUFFLE) && !(job->mask & (1u << fidx[0])) && es > 1;
    if ((filters & F_DEFLATE) && !(job->mask & (1u << fidx[1]))) {
        uint8_t *out = whole && !shuf ? (uint8_t *)dst + (size_t)(r0 - lo) * stride : a;
        if (inflate_chunk(out, cb, p, n, checked)) return 1;
        p = out;
        n = cb;
    }
    if (n != cb) return 1;
    if (shuf) { /* byte k of element i is at k * c + i */
        uint8_t *out = whole ? (uint8_t *)dst + (size_t)(r0 - lo) * stride : (p == a ? b : a);
        if (es == 8) {
            const uint8_t *q[8];
            for (int k = 0; k < 8; k++)
                q[k] = p + (size_t)k * (size_t)c;
            for (int64_t i = 0; i < c; i++) {
                uint8_t *o = out + (size_t)i * 8;
                o[0] = q[0][i], o[1] = q[1][i], o[2] = q[2][i], o[3] = q[3][i];
                o[4] = q[4][i], o[5] = q[5][i], o[6] = q[6][i], o[7] = q[7][i];
            }
        } else {
            for (int64_t i = 0; i < c; i++)
                for (size_t k = 0; k < es; k++)
                    out[(size_t)i * es + k] = p[k * (size_t)c + (size_t)i];
        }
        p = out;
    }
    if (whole) {
        if (p != (const uint8_t *)dst + (size_t)(r0 - lo) * stride)
            memcpy(dst + (size_t)(r0 - lo) * stride, p, cb);
        return 0;
    }
    int64_t from = r0 > lo ? r0 : lo, to = r1 < hi ? r1 : hi;
    if (fn) {
        fn(ctx, from, to - from, p + (size_t)(from - r0) * es, es);
        return 0;
    }
    for (int64_t i = from; i < to; i++) {
        char *d = dst + (size_t)(i - lo) * stride;
        const uint8_t *q = p + (size_t)(i - r0) * es;
        size_t k = 0;
        for (; k + 8 <= es; k += 8) /* short strings: no memcpy call per row */
            memcpy(d + k, q + k, 8);
        for (; k < es; k++)
            d[k] = (char)q[k];
        if (strfix) { /* NUL after the string; space padding dropped */
            d[es] = '\0';
            for (size_t l = es; spacepad && l > 0 && (d[l - 1] == ' ' || d[l - 1] == '\0'); l--)
                d[l - 1] = '\0';
        }
    }
    return 0;
}

/* Point every job at its chunk's stored bytes in the file itself, mapped
 * read-only (*map, *maplen: munmap them after decoding): no copy through
 * H5Dread_chunk, and the pages are touched by the decoding threads. Only
 * for a file HDF5 reads with its sec2 driver and chunks whose Fletcher-32
 * is to be checked: HDF5's addresses count from the superblock's base, the
 * end of the user block; should a file place it elsewhere, the checksums
 * fail and the column goes to H5Dread. 0 done, 1 not (the caller reads the
 * chunks). */
static int map_chunks(hid_t dset, chunk_job *jobs, int64_t nch, int64_t j0, int64_t c,
                      unsigned fletcher_bit, void **map, size_t *maplen)
{
    hid_t fid = H5Iget_file_id(dset), fapl = -1, fcpl = -1;
    void *handle = NULL;
    hsize_t base = 0; /* the user block before the superblock, if any */
    int rc = 1;
    struct stat sb;
    if (fid < 0) return 1;
    if ((fapl = H5Fget_access_plist(fid)) < 0 || H5Pget_driver(fapl) != H5FD_SEC2 ||
        H5Fget_vfd_handle(fid, fapl, &handle) < 0 || !handle ||
        (fcpl = H5Fget_create_plist(fid)) < 0 || H5Pget_userblock(fcpl, &base) < 0)
        goto done;
    int fd = *(const int *)handle;
    if (fstat(fd, &sb) != 0 || sb.st_size <= 0 || (uint64_t)sb.st_size > SIZE_MAX) goto done;
    const size_t len = (size_t)sb.st_size;
    if (base >= len) goto done;
    void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) goto done;
    for (int64_t j = 0; j < nch; j++) {
        hsize_t off[1] = {(hsize_t)((j0 + j) * c)}, size = 0;
        haddr_t addr = HADDR_UNDEF;
        unsigned mask = 0;
        if (H5Dget_chunk_info_by_coord(dset, off, &mask, &addr, &size) < 0 || addr == HADDR_UNDEF ||
            size != jobs[j].n || (mask & fletcher_bit) || addr > len - base ||
            size > len - base - addr) {
            munmap(m, len);
            goto done;
        }
        jobs[j].src = (const uint8_t *)m + base + addr;
        jobs[j].mask = mask;
    }
    *map = m;
    *maplen = len;
    rc = 0;
done:
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    H5Fclose(fid);
    if (rc) H5Eclear2(H5E_DEFAULT);
    return rc;
}

/* lp_h5r_read_rows (fn NULL) and lp_h5r_scan_rows (fn set; mtype 0 for a
 * string column, else the numbers' type). */
static int read_rows(lp_h5r *rd, hid_t dset, const char *path, hid_t mtype, int64_t lo, int64_t hi,
                     void *dst, size_t stride, int strfix, lp_h5r_rows_fn fn, void *ctx)
{
    int rc = 1;
    hid_t dcpl = -1, ftype = -1;
    chunk_job *jobs = NULL;
    uint8_t *comp = NULL, *scratch = NULL;
    void *map = NULL;
    size_t maplen = 0;
    if (hi <= lo) return 0;
    if ((dcpl = H5Dget_create_plist(dset)) < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED) goto done;
    hsize_t cdim[1];
    if (H5Pget_chunk(dcpl, 1, cdim) != 1 || cdim[0] == 0 || cdim[0] > ((hsize_t)1 << 24)) goto done;
    /* the pipeline: shuffle, deflate, fletcher32, each at most once, in order */
    int nf = H5Pget_nfilters(dcpl), fidx[3] = {0, 0, 0}, last = -1;
    unsigned filters = 0;
    if (nf < 0 || nf > 3) goto done;
    for (int i = 0; i < nf; i++) {
        unsigned flags = 0, cd[8];
        size_t ncd = 8;
        char name[64];
        H5Z_filter_t f =
            H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof name, name, NULL);
        int k = f == H5Z_FILTER_SHUFFLE      ? 0
                : f == H5Z_FILTER_DEFLATE    ? 1
                : f == H5Z_FILTER_FLETCHER32 ? 2
                                             : -1;
        if (k <= last) goto done;
        last = k;
        fidx[k] = i;
        filters |= 1u << k;
    }
    if ((ftype = H5Dget_type(dset)) < 0) goto done;
    size_t es = H5Tget_size(ftype);
    int spacepad = 0;
    if (fn) {
        if (mtype ? H5Tequal(ftype, mtype) <= 0 : H5Tget_class(ftype) != H5T_STRING) goto done;
    } else if (strfix) {
        if (H5Tget_class(ftype) != H5T_STRING) goto done;
        spacepad = H5Tget_strpad(ftype) == H5T_STR_SPACEPAD;
        if (stride != es + 1) goto done;
    } else if (H5Tequal(ftype, mtype) <= 0 || stride != es) {
        goto done;
    }
    const int64_t c = (int64_t)cdim[0];
    const size_t cb = (size_t)c * es;
    const int64_t j0 = lo / c, j1 = (hi - 1) / c + 1, nch = j1 - j0;
    if (!(jobs = lp_calloc((size_t)nch, sizeof *jobs))) {
        rc = lp_h5r_nomem(rd, path);
        goto done;
    }
    size_t total = 0;
    for (int64_t j = 0; j < nch; j++) {
        hsize_t off[1] = {(hsize_t)((j0 + j) * c)}, nb = 0;
        if (H5Dget_chunk_storage_size(dset, off, &nb) < 0 || nb == 0 || nb > cb + (cb >> 3) + 4096)
            goto done; /* unwritten (fill value) or implausible: HDF5 decides */
        jobs[j].n = (size_t)nb;
        total += (size_t)nb;
    }
    if ((filters & F_FLETCHER) &&
        !map_chunks(dset, jobs, nch, j0, c, 1u << fidx[2], &map, &maplen)) {
        total = 0; /* the chunks are in the mapping */
    } else if (!(comp = lp_malloc(total + 1))) {
        rc = lp_h5r_nomem(rd, path);
        goto done;
    }
    for (int64_t j = 0, at = 0; comp && j < nch; j++) {
        hsize_t off[1] = {(hsize_t)((j0 + j) * c)};
        uint32_t mask = 0;
        if (H5Dread_chunk(dset, H5P_DEFAULT, off, &mask, comp + at) < 0) goto done;
        jobs[j].src = comp + at;
        jobs[j].mask = mask;
        at += (int64_t)jobs[j].n;
    }
    int nt = lp_i_max_threads();
    if (nt > nch) nt = (int)nch;
    if (nt < 1) nt = 1;
    if (!(scratch = lp_malloc((size_t)nt * 2 * cb))) {
        rc = lp_h5r_nomem(rd, path);
        goto done;
    }
    int any_bad = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) reduction(| : any_bad)
    for (int64_t j = 0; j < nch; j++) {
        uint8_t *a = scratch + (size_t)lp_i_thread_id() * 2 * cb;
        any_bad |= decode_chunk(&jobs[j], j0 + j, c, es, cb, fidx, filters, lo, hi, dst, stride,
                                strfix, spacepad, fn, ctx, a, a + cb);
    }
    rc = any_bad ? 1 : 0;
done:
    free(jobs);
    free(comp);
    free(scratch);
    if (map) munmap(map, maplen);
    if (ftype >= 0) H5Tclose(ftype);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (rc == 1) H5Eclear2(H5E_DEFAULT);
    return rc;
}

int lp_h5r_read_rows(lp_h5r *rd, hid_t dset, const char *path, hid_t mtype, int64_t lo, int64_t hi,
                     void *dst, size_t stride, int strfix)
{
    return read_rows(rd, dset, path, mtype, lo, hi, dst, stride, strfix, NULL, NULL);
}

int lp_h5r_scan_rows(lp_h5r *rd, hid_t dset, const char *path, hid_t mtype, int64_t lo, int64_t hi,
                     lp_h5r_rows_fn fn, void *ctx)
{
    return read_rows(rd, dset, path, mtype, lo, hi, NULL, 0, 0, fn, ctx);
}
