/* lp_i_h5.h — internal to io/: helpers shared by the HDF5 writers and
 * readers (results file, graph store). See h5common.c.
 *
 * Writing: lp_h5w_begin() creates an unnamed file (O_TMPFILE) in the
 * target's directory, or where the filesystem cannot, a named
 * `<dir>/.<base>.tmp-XXXXXX`, and opens it with HDF5 (w->file); the caller
 * writes; lp_h5w_end() closes and fsyncs it and, when ok and nothing failed,
 * puts it in place (the unnamed file is linked to a temporary name and
 * renamed at once), else drops it, so an earlier file at the target stays
 * byte-identical. No litter after a hard stop: an unnamed file vanishes
 * with the process; a named one is flock'ed while it is written, removed by
 * a handler on SIGINT, SIGTERM and SIGHUP, and, after kill -9, removed by the
 * next lp_h5w_begin for the same target (only names of exactly that pattern,
 * ours, unlocked and at least LP_H5W_STALE_SECONDS old). SIGXFSZ is ignored
 * from the first lp_h5w_begin on, so a write over `ulimit -f` fails with
 * EFBIG ("File too large", LP_EOUTPUT) instead of killing the process. Helpers
 * return 0 or -1; the first failure is recorded in the lp_h5w (status and
 * reason) and lp_h5w_end turns it into "cannot write <path>: <reason>"
 * (LP_EOUTPUT; LP_EINTERNAL when out of memory).
 *
 * Reading: helpers return 0 (or a handle) or -1 with rd->status set to
 * LP_EINPUT "<path>: <what>" (or LP_EINTERNAL when out of memory).
 */
#ifndef LP_I_H5_H
#define LP_I_H5_H

#include <stdint.h>

#include <hdf5.h>

#include "lp_error.h"
#include "lp_graph.h"

#define LP_H5_CHUNK ((int64_t)65536) /* elements per chunk, at most */
#define LP_H5_DEFLATE 1              /* deflate level of the results file's columns */

/* Switch HDF5's automatic error printing off for the process. */
void lp_h5_silence(void);
/* malloc'ed copy of s[0..len) plus NUL, or NULL. */
char *lp_h5_dup_str(const char *s, size_t len);
/* The current time as ISO-8601 UTC ("2026-11-23T15:04:05Z") in buf. */
void lp_h5_now_iso8601(char *buf, size_t size);

typedef struct lp_h5w {
    lp_status status; /* of the first failure: LP_EOUTPUT or LP_EINTERNAL */
    char reason[768]; /* what failed and why */
    hid_t str_type;   /* variable-length UTF-8 string */
    int io_err;       /* first errno seen by the sink driver, 0 if none */
    char *tmp;        /* temporary file name (unnamed: the name it is linked to at the end) */
    int fd;           /* the temporary file, flock'ed while open; -1 none */
    int unnamed;      /* 1: fd is an O_TMPFILE file without a name yet */
    hid_t fapl, file; /* the open temporary file */
} lp_h5w;

/* A named temporary file at least this old, of our pattern and unlocked,
 * is a killed run's litter. */
#define LP_H5W_STALE_SECONDS 2
/* Test hook: 1 = never use O_TMPFILE (exercise the named fallback). */
extern int lp_i_h5w_no_tmpfile;

int lp_h5w_begin(lp_h5w *w, const char *path);

/* File options of lp_h5w_begin_opt; LP_H5W_FILEOPT_INIT gives what
 * lp_h5w_begin does. */
typedef struct lp_h5w_fileopt {
    /* Library-version bounds (V110, LATEST) instead of HDF5's default
     * (EARLIEST, LATEST): version-2/3 superblock, object headers, B-trees and
     * chunk indexes, every one with a checksum that HDF5 verifies on read.
     * Readable by HDF5 >= 1.10. */
    int checksummed_metadata;
    /* align > 0: every object of align_threshold bytes or more starts at a
     * multiple of align in the file (H5Pset_alignment). */
    hsize_t align_threshold, align;
} lp_h5w_fileopt;
#define LP_H5W_FILEOPT_INIT                                                                        \
    {                                                                                              \
        0, 0, 0                                                                                    \
    }
/* lp_h5w_begin with options (opt may be NULL: the defaults). */
int lp_h5w_begin_opt(lp_h5w *w, const char *path, const lp_h5w_fileopt *opt);
lp_status lp_h5w_end(lp_h5w *w, const char *path, int ok);
/* Start writing what the file has so far to the disk, without waiting
 * (Linux's sync_file_range; nothing elsewhere): the fsync of lp_h5w_end
 * then has less left to wait for. Errors are left to that fsync. */
void lp_h5w_start_writeback(lp_h5w *w);

/* Record a failure; each returns -1. */
int lp_h5w_fail_h5(lp_h5w *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int lp_h5w_fail_errno(lp_h5w *w, const char *what, int err);
int lp_h5w_fail_nomem(lp_h5w *w, const char *what);

/* Scalar attributes. */
int lp_h5w_attr(lp_h5w *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *buf);
int lp_h5w_attr_str(lp_h5w *w, hid_t loc, const char *name, const char *value);
/* A fixed-length (strlen + 1, NUL-terminated) UTF-8 string attribute: kept
 * in the object header itself, which carries a checksum in the 1.8+ formats,
 * unlike the global heap that holds variable-length strings. */
int lp_h5w_attr_str_fixed(lp_h5w *w, hid_t loc, const char *name, const char *value);
int lp_h5w_attr_i64(lp_h5w *w, hid_t loc, const char *name, int64_t value);
int lp_h5w_attr_i32(lp_h5w *w, hid_t loc, const char *name, int value);
int lp_h5w_attr_f64(lp_h5w *w, hid_t loc, const char *name, double value);
int lp_h5w_attr_u64(lp_h5w *w, hid_t loc, const char *name, uint64_t value);

/* 1-D chunked, deflated (and shuffled) dataset of len elements; returns it
 * or -1. */
hid_t lp_h5w_column_create(lp_h5w *w, hid_t file, const char *path, hid_t ftype, int64_t len,
                           int shuffle);

/* Dataset options of lp_h5w_column_create_opt; LP_H5W_COLOPT_INIT gives
 * what lp_h5w_column_create(..., shuffle = 1) does. */
typedef struct lp_h5w_colopt {
    int64_t chunk;  /* elements per chunk, at most (>= 1) */
    int shuffle;    /* byte shuffle before deflate */
    int deflate;    /* deflate level 1..9 (0: no deflate), recorded in the dataset */
    int fletcher32; /* Fletcher-32 checksum of every chunk, after the other filters */
    /* 1: lp_h5w_column_chunks deflates with zlib's Z_RLE strategy (runs
     * only, no match search; still the deflate filter, read by any HDF5)
     * instead of the default strategy HDF5 itself would use. Not a dataset
     * property: H5Dwrite ignores it. */
    int rle;
} lp_h5w_colopt;
#define LP_H5W_COLOPT_INIT                                                                         \
    {                                                                                              \
        LP_H5_CHUNK, 1, LP_H5_DEFLATE, 1, 0                                                        \
    }
/* 1-D chunked dataset of len elements with the filters of opt, in the order
 * shuffle, deflate, fletcher32 (a length of 0 gets maxdims unlimited); returns
 * it or -1. */
hid_t lp_h5w_column_create_opt(lp_h5w *w, hid_t file, const char *path, hid_t ftype, int64_t len,
                               const lp_h5w_colopt *opt);
/* Elements per chunk of a dataset of len elements created with opt. */
int64_t lp_h5w_chunk_len(const lp_h5w_colopt *opt, int64_t len);

/* Writes elements [start, start + count) of a column, in the file's byte
 * order, to dst. Called from several OpenMP threads at once: it must only
 * read shared data (no HDF5, no allocation). */
typedef void (*lp_h5w_fill_fn)(const void *ctx, int64_t start, int64_t count, unsigned char *dst);
/* Write all len elements of dset, created a moment ago by
 * lp_h5w_column_create_opt(..., len, opt) with an element of esize bytes,
 * from data (len elements in the file's byte order) or, when data is NULL,
 * from fill(ctx, ...). The filters of opt run in parallel on whole chunks
 * (h5chunkw.c), and the chunks go to the file in order with H5Dwrite_chunk:
 * the same bytes at any number of threads, and (without opt->rle) the bytes
 * H5Dwrite would store. */
int lp_h5w_column_chunks(lp_h5w *w, hid_t dset, const char *path, const lp_h5w_colopt *opt,
                         size_t esize, int64_t len, const void *data, lp_h5w_fill_fn fill,
                         const void *ctx);
/* Adler-32 of p[0..len) continuing from adler (1 to start), as zlib's
 * adler32() (the zlib stream's checksum); faster with AVX2. */
uint32_t lp_h5c_adler32(uint32_t adler, const unsigned char *p, size_t len);
/* HDF5's Fletcher-32 (its checksum filter) of p[0..len). */
uint32_t lp_h5c_fletcher32(const unsigned char *p, size_t len);
/* Test hook: 1 = write every column with H5Dwrite, HDF5 running the filters
 * (the reference lp_h5w_column_chunks is checked against). */
extern int lp_i_h5w_hdf5_filters;

/* Numeric column written from buf (mtype), shuffled and deflated (rle:
 * opt.rle of lp_h5w_colopt, for values whose shuffled bytes are runs and
 * noise rather than repeats: measures, counts, flags, unsorted rows; 0 for
 * ascending sequences such as offsets): through lp_h5w_column_chunks when
 * mtype is ftype or int32 into int64 LE (widened there), else converted by
 * H5Dwrite. */
int lp_h5w_column_num(lp_h5w *w, hid_t file, const char *path, hid_t ftype, hid_t mtype,
                      int64_t len, const void *buf, int rle);
/* Open a dataset written a moment ago (to attach attributes). */
hid_t lp_h5w_column_reopen(lp_h5w *w, hid_t file, const char *path);
int lp_h5w_group(lp_h5w *w, hid_t *out, hid_t loc, const char *name, hid_t gcpl);

typedef struct lp_h5r {
    const char *path;
    lp_status status;
} lp_h5r;

int lp_h5r_fail(lp_h5r *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Right after a failed HDF5 call: LP_EINPUT "<path>: corrupt or truncated
 * file (HDF5: <what>: <innermost HDF5 reason>)". Returns -1. */
int lp_h5r_fail_h5(lp_h5r *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int lp_h5r_nomem(lp_h5r *rd, const char *what);
/* String attribute (variable or fixed length), malloc'ed into *out; numeric
 * attribute converted to mtype. Return 0, 1 if absent (and !required), -1. */
int lp_h5r_attr_str(lp_h5r *rd, char **out, hid_t loc, const char *obj, const char *name,
                    int required);
int lp_h5r_attr_num(lp_h5r *rd, void *out, hid_t mtype, hid_t loc, const char *obj,
                    const char *name, int required);
/* Open the 1-D dataset `path` of class cls; *len receives its length. */
hid_t lp_h5r_column_open(lp_h5r *rd, hid_t file, const char *path, H5T_class_t cls, int64_t *len);
/* Rows [lo, hi) of the 1-D chunked column dset into dst (row lo first, rows
 * stride bytes apart) from its raw chunks, decoded in parallel (h5chunks.c):
 * numbers when the file type equals mtype (stride = its size); with strfix,
 * a fixed-length string column, each string followed by a NUL (stride =
 * width + 1) and space padding dropped. 0 done; 1 not done (another layout
 * or filter, a conversion, or a chunk HDF5 should judge): read it with
 * H5Dread; -1 out of memory (rd set). */
int lp_h5r_read_rows(lp_h5r *rd, hid_t dset, const char *path, hid_t mtype, int64_t lo, int64_t hi,
                     void *dst, size_t stride, int strfix);
/* Rows first .. first + count - 1 of a column as stored, size bytes each,
 * back to back (a fixed-length string: its bytes, padding included, no NUL
 * added). Called from several OpenMP threads at once, each call for rows
 * of its own: it may write only what belongs to those rows (no HDF5, no
 * allocation). */
typedef void (*lp_h5r_rows_fn)(void *ctx, int64_t first, int64_t count, const unsigned char *rows,
                               size_t size);
/* Rows [lo, hi) of the 1-D chunked column dset decoded as lp_h5r_read_rows
 * does, chunk by chunk into scratch memory, each chunk's rows handed to fn
 * instead of copied out: numbers when the file type equals mtype; mtype 0
 * for a fixed-length string column. Results as lp_h5r_read_rows; on 1 fn
 * may have seen some of the rows (the caller starts again with H5Dread). */
int lp_h5r_scan_rows(lp_h5r *rd, hid_t dset, const char *path, hid_t mtype, int64_t lo, int64_t hi,
                     lp_h5r_rows_fn fn, void *ctx);
/* The integer column `path` of node rows (int64 in the file) whole into
 * malloc'ed *out as lp_vid: len rows (len < 0: any number; *got, if not
 * NULL, receives it). Decoded from its raw chunks in parallel
 * (lp_h5r_scan_rows), else read with H5Dread in blocks of LP_H5_CHUNK
 * values; every int64 checked to be a row of `table` ([0, bound), and at
 * most LP_VID_MAX) before it is narrowed: "<path>[i] = v is not a row of
 * <table>", i the first such row. On failure *out is NULL. */
int lp_h5r_node_rows(lp_h5r *rd, lp_vid **out, hid_t file, const char *path, int64_t len,
                     int64_t *got, int64_t bound, const char *table);

#endif
