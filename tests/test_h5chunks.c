/* test_h5chunks.c — lp_h5r_read_rows and lp_h5r_scan_rows (io/h5chunks.c),
 * the raw-chunk column reader of diff and export, against HDF5's own H5Dread
 * of the same rows (the scan: every row handed over once, its stored bytes).
 *
 * Columns of 12,345 rows in chunks of 1,000 (a partial last chunk) with the
 * pipelines linchpin writes (shuffle + deflate + Fletcher-32, deflate +
 * Fletcher-32, each filter alone, none): int64, double, int32, uint8 and
 * fixed-length strings (NUL- and space-padded), read whole and in ranges
 * that start and end inside chunks, at 1, 2 and 8 threads: the bytes must
 * equal H5Dread's (strings: H5Dread's, NUL-ended, space padding dropped).
 * Also a file with a user block (chunk addresses count from its end).
 * What it must leave to H5Dread (return 1): a type conversion, another
 * filter (N-bit), a chunk whose bytes were damaged after writing (H5Dread
 * fails there too), a chunk never written. */
#include "lp_alloc.h"
#include "lp_i_h5.h"
#include "lp_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROWS 12345
#define CHUNK 1000

enum { SHUF = 1, DEFL = 2, FLET = 4, NBIT = 8 };

static hid_t make(hid_t file, const char *name, hid_t ftype, unsigned filters, const void *buf,
                  int64_t rows_written)
{
    hsize_t dims[1] = {ROWS}, chunk[1] = {CHUNK};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, chunk);
    if (filters & NBIT) H5Pset_nbit(dcpl);
    if (filters & SHUF) H5Pset_shuffle(dcpl);
    if (filters & DEFL) H5Pset_deflate(dcpl, 4);
    if (filters & FLET) H5Pset_fletcher32(dcpl);
    hid_t d = H5Dcreate2(file, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (rows_written == ROWS) {
        H5Dwrite(d, ftype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    } else { /* only the first rows: later chunks never written */
        hsize_t start[1] = {0}, count[1] = {(hsize_t)rows_written};
        hid_t ms = H5Screate_simple(1, count, NULL);
        H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
        H5Dwrite(d, ftype, ms, space, H5P_DEFAULT, buf);
        H5Sclose(ms);
    }
    H5Pclose(dcpl);
    H5Sclose(space);
    return d;
}

/* H5Dread of rows [lo, hi) as the oracle. */
static int h5_rows(hid_t d, hid_t mtype, int64_t lo, int64_t hi, void *out)
{
    hsize_t start[1] = {(hsize_t)lo}, count[1] = {(hsize_t)(hi - lo)};
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, count, NULL);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    herr_t e = H5Dread(d, mtype, ms, fs, H5P_DEFAULT, out);
    H5Sclose(ms);
    H5Sclose(fs);
    return e < 0 ? -1 : 0;
}

/* lp_h5r_scan_rows into a copy: every row of [lo, hi) handed over once, as
 * stored (size bytes), at its place. */
typedef struct scan_copy {
    char *dst;        /* row lo at dst */
    unsigned char *n; /* times each row was seen */
    int64_t lo, hi;
    size_t size;
    int bad; /* a call outside [lo, hi) or with another size */
} scan_copy;

static void scan_fn(void *ctx, int64_t first, int64_t count, const unsigned char *rows, size_t size)
{
    scan_copy *c = ctx;
    if (first < c->lo || count < 1 || first + count > c->hi || size != c->size) {
        c->bad = 1; /* racy, but only ever set to 1 */
        return;
    }
    memcpy(c->dst + (size_t)(first - c->lo) * size, rows, (size_t)count * size);
    for (int64_t i = first; i < first + count; i++)
        c->n[i - c->lo]++; /* rows of a call are its own: no race */
}

/* The scan of [lo, hi) at the current thread count gives want[0 .. (hi -
 * lo) * es) (the rows as H5Dread reads them in the file type). */
static void check_scan(hid_t d, const char *what, hid_t mtype, size_t es, int64_t lo, int64_t hi,
                       const char *want, int t)
{
    scan_copy c = {.dst = lp_malloc((size_t)(hi - lo) * es + 1),
                   .n = lp_calloc((size_t)(hi - lo) + 1, 1),
                   .lo = lo,
                   .hi = hi,
                   .size = es};
    memset(c.dst, 0x5a, (size_t)(hi - lo) * es);
    lp_h5r rd = {.path = what, .status = LP_OK};
    int rc = lp_h5r_scan_rows(&rd, d, what, mtype, lo, hi, scan_fn, &c);
    CHECK(rc == 0 && !c.bad, "%s scan [%lld, %lld) at %d threads: returned %d (bad call %d)", what,
          (long long)lo, (long long)hi, t, rc, c.bad);
    int64_t i = 0;
    while (i < hi - lo && c.n[i] == 1)
        i++;
    CHECK(rc != 0 || i == hi - lo, "%s scan [%lld, %lld) at %d threads: row %lld seen %d times",
          what, (long long)lo, (long long)hi, t, (long long)(lo + i), i < hi - lo ? c.n[i] : 1);
    CHECK(rc != 0 || memcmp(c.dst, want, (size_t)(hi - lo) * es) == 0,
          "%s scan [%lld, %lld) at %d threads: bytes differ from H5Dread", what, (long long)lo,
          (long long)hi, t);
    free(c.dst);
    free(c.n);
}

static const int64_t RANGES[][2] = {{0, ROWS},    {0, 1},        {999, 1001},
                                    {1500, 7321}, {12000, ROWS}, {ROWS - 1, ROWS}};

/* Every range at 1, 2 and 8 threads equals H5Dread (numbers). */
static void check_numbers(hid_t d, const char *what, hid_t mtype, size_t es)
{
    char *got = lp_malloc((size_t)ROWS * es + 1), *want = lp_malloc((size_t)ROWS * es + 1);
    for (size_t r = 0; r < sizeof RANGES / sizeof RANGES[0]; r++) {
        int64_t lo = RANGES[r][0], hi = RANGES[r][1];
        CHECK(h5_rows(d, mtype, lo, hi, want) == 0, "%s: H5Dread", what);
        for (int t = 1; t <= 8; t *= 2) {
            if (t == 4) continue;
            set_threads(t);
            lp_h5r rd = {.path = what, .status = LP_OK};
            memset(got, 0x5a, (size_t)ROWS * es);
            int rc = lp_h5r_read_rows(&rd, d, what, mtype, lo, hi, got, es, 0);
            CHECK(rc == 0, "%s [%lld, %lld) at %d threads: returned %d", what, (long long)lo,
                  (long long)hi, t, rc);
            CHECK(rc != 0 || memcmp(got, want, (size_t)(hi - lo) * es) == 0,
                  "%s [%lld, %lld) at %d threads: bytes differ from H5Dread", what, (long long)lo,
                  (long long)hi, t);
            check_scan(d, what, mtype, es, lo, hi, want, t);
        }
    }
    free(got);
    free(want);
}

static void check_strings(hid_t d, const char *what, size_t w)
{
    hid_t ft = H5Dget_type(d);
    char *got = lp_malloc((size_t)ROWS * (w + 1)), *raw = lp_malloc((size_t)ROWS * w);
    int spacepad = H5Tget_strpad(ft) == H5T_STR_SPACEPAD;
    for (size_t r = 0; r < sizeof RANGES / sizeof RANGES[0]; r++) {
        int64_t lo = RANGES[r][0], hi = RANGES[r][1];
        CHECK(h5_rows(d, ft, lo, hi, raw) == 0, "%s: H5Dread", what);
        for (int t = 1; t <= 8; t *= 2) {
            if (t == 4) continue;
            set_threads(t);
            lp_h5r rd = {.path = what, .status = LP_OK};
            check_scan(d, what, 0, w, lo, hi, raw, t); /* the stored bytes, padding and all */
            int rc = lp_h5r_read_rows(&rd, d, what, ft, lo, hi, got, w + 1, 1);
            CHECK(rc == 0, "%s: returned %d", what, rc);
            for (int64_t i = 0; rc == 0 && i < hi - lo; i++) {
                char want[64];
                memcpy(want, raw + i * (int64_t)w, w);
                want[w] = '\0';
                size_t l = strnlen(want, w);
                while (spacepad && l > 0 && want[l - 1] == ' ')
                    want[--l] = '\0';
                const char *g = got + i * (int64_t)(w + 1);
                if (strcmp(g, want) != 0 || g[w] != '\0') {
                    CHECK(0, "%s row %lld at %d threads: '%s', H5Dread '%s'", what,
                          (long long)(lo + i), t, g, want);
                    break;
                }
            }
        }
    }
    H5Tclose(ft);
    free(got);
    free(raw);
}

/* lp_h5r_read_rows leaves it to H5Dread. */
static void check_declines(hid_t d, const char *what, hid_t mtype, size_t es)
{
    char *buf = lp_malloc((size_t)ROWS * es + 1);
    lp_h5r rd = {.path = what, .status = LP_OK};
    int rc = lp_h5r_read_rows(&rd, d, what, mtype, 0, ROWS, buf, es, 0);
    CHECK(rc == 1 && rd.status == LP_OK, "%s: returned %d, expected 1 (H5Dread's turn)", what, rc);
    scan_copy c = {.dst = buf, .n = lp_calloc(ROWS, 1), .lo = 0, .hi = ROWS, .size = es};
    rc = lp_h5r_scan_rows(&rd, d, what, mtype, 0, ROWS, scan_fn, &c);
    CHECK(rc == 1 && rd.status == LP_OK, "%s: scan returned %d, expected 1", what, rc);
    free(c.n);
    free(buf);
}

int main(void)
{
    lp_h5_silence();
    char path[] = "/tmp/lp_test_h5chunks_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    close(fd);
    rng_state = 99;
    int64_t *i64 = lp_malloc(ROWS * sizeof *i64);
    double *f64 = lp_malloc(ROWS * sizeof *f64);
    int32_t *i32 = lp_malloc(ROWS * sizeof *i32);
    uint8_t *u8 = lp_malloc(ROWS);
    char *s9 = lp_calloc(ROWS, 9), *s12 = lp_calloc(ROWS, 12);
    for (int64_t i = 0; i < ROWS; i++) {
        i64[i] = (int64_t)(rnd() % 5000000) - 100;
        f64[i] = (double)(rnd() >> 11) * 0x1.0p-53 * (i % 7 ? 1.0 : 1e9);
        i32[i] = (int32_t)(rnd() % 100);
        u8[i] = (uint8_t)(rnd() & 1);
        snprintf(s9 + i * 9, 9, "e%lld", (long long)(rnd() % 10000000)); /* NUL-padded, some full */
        int l = (int)(rnd() % 12);
        memset(s12 + i * 12, ' ', 12);
        for (int k = 0; k < l; k++)
            s12[i * 12 + k] = (char)('a' + (int)(rnd() % 26));
    }
    hid_t str9 = H5Tcopy(H5T_C_S1), str12 = H5Tcopy(H5T_C_S1);
    H5Tset_size(str9, 9);
    H5Tset_strpad(str9, H5T_STR_NULLPAD);
    H5Tset_size(str12, 12);
    H5Tset_strpad(str12, H5T_STR_SPACEPAD);

    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const unsigned pipes[] = {SHUF | DEFL | FLET, DEFL | FLET, SHUF, DEFL, FLET, 0};
    for (size_t p = 0; p < sizeof pipes / sizeof pipes[0]; p++) {
        char name[64];
        snprintf(name, sizeof name, "i64_%u", pipes[p]);
        hid_t d = make(file, name, H5T_NATIVE_INT64, pipes[p], i64, ROWS);
        check_numbers(d, name, H5T_NATIVE_INT64, 8);
        H5Dclose(d);
        snprintf(name, sizeof name, "f64_%u", pipes[p]);
        d = make(file, name, H5T_NATIVE_DOUBLE, pipes[p], f64, ROWS);
        check_numbers(d, name, H5T_NATIVE_DOUBLE, 8);
        H5Dclose(d);
        snprintf(name, sizeof name, "i32_%u", pipes[p]);
        d = make(file, name, H5T_NATIVE_INT32, pipes[p], i32, ROWS);
        check_numbers(d, name, H5T_NATIVE_INT32, 4);
        H5Dclose(d);
        snprintf(name, sizeof name, "u8_%u", pipes[p]);
        d = make(file, name, H5T_NATIVE_UINT8, pipes[p], u8, ROWS);
        check_numbers(d, name, H5T_NATIVE_UINT8, 1);
        H5Dclose(d);
        snprintf(name, sizeof name, "s9_%u", pipes[p]);
        d = make(file, name, str9, pipes[p], s9, ROWS);
        check_strings(d, name, 9);
        H5Dclose(d);
        snprintf(name, sizeof name, "s12_%u", pipes[p]);
        d = make(file, name, str12, pipes[p], s12, ROWS);
        check_strings(d, name, 12);
        H5Dclose(d);
    }
    /* a user block of 512 bytes before the superblock: chunk addresses
     * count from its end (the raw chunks are still taken, not declined) */
    char upath[] = "/tmp/lp_test_h5chunks_ub_XXXXXX";
    int ufd = mkstemp(upath);
    CHECK(ufd >= 0, "mkstemp");
    close(ufd);
    hid_t ucpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_userblock(ucpl, 512);
    hid_t ufile = H5Fcreate(upath, H5F_ACC_TRUNC, ucpl, H5P_DEFAULT);
    H5Pclose(ucpl);
    hid_t ud = make(ufile, "ub_i64", H5T_NATIVE_INT64, SHUF | DEFL | FLET, i64, ROWS);
    check_numbers(ud, "after a user block", H5T_NATIVE_INT64, 8);
    H5Dclose(ud);
    H5Fclose(ufile);
    unlink(upath);
    /* declined: conversion, N-bit, unwritten chunks */
    hid_t d = make(file, "conv", H5T_NATIVE_INT32, SHUF | DEFL | FLET, i32, ROWS);
    check_declines(d, "int32 file column read as int64", H5T_NATIVE_INT64, 8);
    H5Dclose(d);
    d = make(file, "nbit", H5T_NATIVE_INT32, NBIT | DEFL, i32, ROWS);
    check_declines(d, "N-bit filter", H5T_NATIVE_INT32, 4);
    H5Dclose(d);
    d = make(file, "partial", H5T_NATIVE_INT64, SHUF | DEFL | FLET, i64, 2500);
    check_declines(d, "chunks never written", H5T_NATIVE_INT64, 8);
    H5Dclose(d);
    /* damaged: one byte of a stored chunk changed after writing */
    d = make(file, "damaged", H5T_NATIVE_INT64, SHUF | DEFL | FLET, i64, ROWS);
    haddr_t addr = 0;
    hsize_t csize = 0, off[1];
    unsigned mask = 0;
    hid_t dspace = H5Dget_space(d);
    CHECK(H5Dget_chunk_info(d, dspace, 3, off, &mask, &addr, &csize) >= 0 && csize > 0,
          "chunk info");
    H5Sclose(dspace);
    H5Dclose(d);
    H5Fclose(file);
    fd = open(path, O_RDWR);
    unsigned char byte = 0;
    CHECK(pread(fd, &byte, 1, (off_t)(addr + csize / 2)) == 1, "pread");
    byte ^= 0x40;
    CHECK(pwrite(fd, &byte, 1, (off_t)(addr + csize / 2)) == 1, "pwrite");
    close(fd);
    file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    d = H5Dopen2(file, "damaged", H5P_DEFAULT);
    check_declines(d, "a damaged chunk", H5T_NATIVE_INT64, 8);
    int64_t *tmp = lp_malloc(ROWS * sizeof *tmp);
    CHECK(H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp) < 0,
          "H5Dread of the damaged chunk should fail (the fixture did not damage it)");
    free(tmp);
    H5Dclose(d);
    H5Fclose(file);
    unlink(path);
    H5Tclose(str9);
    H5Tclose(str12);
    free(i64);
    free(f64);
    free(i32);
    free(u8);
    free(s9);
    free(s12);
    printf("h5chunks: %s\n", failures ? "FAILED" : "all ranges equal H5Dread at 1, 2, 8 threads");
    return failures ? 1 : 0;
}
