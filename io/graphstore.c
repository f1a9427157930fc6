/* graphstore.c — the binary graph store (lp_graphstore.h): writer and
 * validating reader of "linchpin-graph" HDF5 files.
 *
 * Writing streams every dataset chunk by chunk (ids straight from the
 * string table, edges straight from the CSR): a few chunk-sized buffers,
 * nothing per edge. The temporary file, the rename and the "sink" file
 * driver are h5common.c's (shared with the result file).
 *
 * Reading fills the arrays lp_graph_build_canonical consumes (lp_nodes,
 * lp_edges) directly, without staging copies: ids and their offsets are read
 * into the string table's own buffers and spread in place to insert the NUL
 * terminators; the edge arrays are read into the lp_edges that become the
 * CSR. Peak memory is therefore the edge list (16 bytes per edge) plus the
 * CSR (24 bytes per edge) plus the node table.
 *
 * Fast path: a dataset written the way we write it (1-D, chunked, filters
 * exactly [shuffle,] deflate, fletcher32, native byte order) is read chunk by
 * chunk with H5Dread_chunk, serially (HDF5 is not thread-safe), a batch at a
 * time; then an OpenMP loop checks each chunk's Fletcher-32, inflates it with
 * zlib (thread-safe; its Adler-32 checks the inflated bytes too) and
 * unshuffles it into place. Anything else (another writer's layout, a chunk
 * whose filter mask says a filter was skipped) is read with one H5Dread.
 *
 * Validation happens before anything read is used as an index or a size:
 * see check_* below and lp_graphstore.h for the list and the messages.
 *
 * HDF5 handles: start at -1, one cleanup label per function, the valid ones
 * closed in reverse order. The HDF5 error stack is read right after the call
 * that failed.
 */
#include "lp_graphstore.h"
#include "lp_i_h5.h"
#include "lp_i_mem.h"
#include "lp_i_omp.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <zlib.h>

#ifndef LP_VERSION
#define LP_VERSION "unknown"
#endif

#define GS_CHUNK ((int64_t)1 << 18) /* elements per chunk, at most */
#define GS_DEFLATE 4
/* Deflate expands by at most ~0.03% (+ a few bytes); its best ratio is
 * about 1032:1. A dataset claiming more bytes than this many times the file
 * is corrupt, and is refused before anything is allocated for it. */
#define GS_MAX_RATIO 1100
#define GS_MAX_FAST_CHUNK ((int64_t)64 << 20) /* bytes of one chunk, fast path */

/* ---- strings: UTF-8, NUL, duplicates ------------------------------------ */

/* Strings as the checks see them: string i = data[off[i] .. end(i) - gap)
 * with end(i) = off[i + 1] (i + 1 < count) or `end`. A store's table has
 * gap 0 (offsets [count + 1], bytes back to back); an lp_strtab has gap 1
 * (each string followed by its NUL, lp_strtab_push's layout). */
typedef struct str_view {
    const unsigned char *data;
    const int64_t *off;
    int64_t count, end;
    int gap;
} str_view;

static str_view view_of_strtab(const lp_strtab *t)
{
    str_view v = {(const unsigned char *)t->data, t->offset, t->count, t->size, 1};
    return v;
}

static int64_t view_len(const str_view *v, int64_t i)
{
    return (i + 1 < v->count ? v->off[i + 1] : v->end) - v->off[i] - v->gap;
}

/* Length of string i of an lp_strtab. */
static int64_t strtab_len(const lp_strtab *t, int64_t i)
{
    str_view v = view_of_strtab(t);
    return view_len(&v, i);
}

/* 1 if s[0..len) is valid UTF-8 without NUL (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static int utf8_ok(const unsigned char *s, int64_t len)
{
    int64_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        int n;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return 0; /* NUL, continuation byte, 0xC0/0xC1, 0xF5.. */
        }
        if (len - i <= n) return 0;
        for (int k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += n + 1;
    }
    return 1;
}

enum { STR_OK, STR_EMPTY, STR_BAD_UTF8, STR_NUL };

static const char *str_defect_text(int d)
{
    return d == STR_EMPTY ? "is empty" : d == STR_NUL ? "contains NUL" : "is not valid UTF-8";
}

/* The first string that is empty (when !allow_empty), contains NUL or is
 * not valid UTF-8, or -1; *defect says which. Offsets must have been
 * checked. */
static int64_t check_strings(const str_view *v, int allow_empty, int *defect)
{
    int64_t count = v->count, first = count;
#pragma omp parallel for schedule(dynamic, 8192) reduction(min                                     \
                                                           : first) if (count >= LP_PARALLEL_MIN)
    for (int64_t i = 0; i < count; i++) {
        if (i >= first) continue;
        int64_t len = view_len(v, i);
        if ((len == 0 && !allow_empty) || !utf8_ok(v->data + v->off[i], len)) first = i;
    }
    if (first == count) return -1;
    int64_t len = view_len(v, first);
    if (len == 0)
        *defect = STR_EMPTY;
    else
        *defect = memchr(v->data + v->off[first], 0, (size_t)len) ? STR_NUL : STR_BAD_UTF8;
    return first;
}

static uint64_t hash_bytes(const unsigned char *s, int64_t len)
{
    uint64_t h = 0x243F6A8885A308D3ull ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, (size_t)len);
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ull;
    return h ^ (h >> 32);
}

/* Duplicate strings, cache-friendly: a random probe into one table of all
 * rows would cost a cache (and TLB) miss per row. Instead the rows are
 * partitioned by the top bits of their hash (a stable counting sort, two
 * sequential passes), and each partition, some thousands of rows, is checked
 * with a small open-addressing table that stays in the core's cache. Equal
 * strings have equal hashes, so they share a partition. An entry is the low
 * 32 bits of the hash (the tag) and the row; strings are compared only when
 * tags are equal. Memory: 8 bytes per row plus one small table per thread. */
typedef struct dup_entry {
    uint32_t tag;
    int32_t row;
} dup_entry;

static uint64_t str_hash(const str_view *v, int64_t i)
{
    return hash_bytes(v->data + v->off[i], view_len(v, i));
}

static int str_equal(const str_view *v, int64_t i, int64_t j)
{
    int64_t len = view_len(v, i);
    return view_len(v, j) == len &&
           memcmp(v->data + v->off[i], v->data + v->off[j], (size_t)len) == 0;
}

/* The first duplicate within one partition (rows ascending): the smallest
 * row j equal to an earlier row (*earlier: the first such row), or -1.
 * table: cap slots, all {0, 0} on entry and on return (row + 1 stored). */
static int64_t partition_duplicate(const str_view *v, const dup_entry *e, int64_t len,
                                   dup_entry *table, uint64_t cap, int64_t *earlier)
{
    uint64_t mask = cap - 1;
    int64_t dup = -1, inserted = 0;
    for (int64_t k = 0; k < len && dup < 0; k++) {
        uint64_t p = (e[k].tag * 0x9E3779B9u) & mask;
        for (; table[p].row != 0; p = (p + 1) & mask)
            if (table[p].tag == e[k].tag && str_equal(v, table[p].row - 1, e[k].row)) {
                dup = e[k].row;
                *earlier = table[p].row - 1;
                break;
            }
        if (dup < 0) {
            table[p] = (dup_entry){e[k].tag, e[k].row + 1};
            inserted++;
        }
    }
    /* Empty the table again, last insertion first: removing the newest entry
     * of a linear-probing table restores it exactly as it was before. */
    for (int64_t j = inserted - 1; j >= 0; j--) {
        uint64_t p = (e[j].tag * 0x9E3779B9u) & mask;
        while (table[p].row != e[j].row + 1)
            p = (p + 1) & mask;
        table[p] = (dup_entry){0, 0};
    }
    return dup;
}

/* The smallest row j whose string equals an earlier one (*earlier: the
 * first row with that string), -1 if all are distinct, -2 if out of memory.
 * count <= INT32_MAX. The answer does not depend on the threads. Re-hashing
 * the strings twice is cheaper than keeping 8 more bytes per row. */
static int64_t find_duplicate(const str_view *v, int64_t *earlier)
{
    int64_t count = v->count;
    if (count < 2) return -1;
    int bits = 0;
    while (bits < 16 && ((int64_t)8192 << bits) < count)
        bits++;
    int64_t np = (int64_t)1 << bits;
    int shift = 64 - bits, nt = lp_i_max_threads();
    int64_t *hist = calloc((size_t)(nt * np + np + 1), sizeof *hist);
    int64_t *pstart = hist ? hist + nt * np : NULL;
    dup_entry *part = malloc((size_t)count * sizeof *part);
    int64_t *pdup = malloc((size_t)np * sizeof *pdup),
            *pearlier = malloc((size_t)np * sizeof *pearlier);
    dup_entry *tables = NULL;
    int64_t dup = -2;
    if (!hist || !part || !pdup || !pearlier) goto done;
    int par = count >= LP_PARALLEL_MIN;
    /* nt fixed blocks of rows (not threads: the two passes must agree
     * whatever the team sizes); histogram of block b at hist[b * np]. */
#pragma omp parallel for schedule(static) if (par)
    for (int64_t b = 0; b < nt; b++) {
        int64_t *my = hist + b * np;
        for (int64_t i = count * b / nt; i < count * (b + 1) / nt; i++)
            my[bits ? (int64_t)(str_hash(v, i) >> shift) : 0]++;
    }
    int64_t at = 0, maxpart = 0;
    for (int64_t p = 0; p < np; p++) { /* partition-major, block-minor: stable */
        pstart[p] = at;
        for (int64_t b = 0; b < nt; b++) {
            int64_t c = hist[b * np + p];
            hist[b * np + p] = at;
            at += c;
        }
        if (at - pstart[p] > maxpart) maxpart = at - pstart[p];
    }
    pstart[np] = at;
    uint64_t cap = 16;
    while (cap < 2 * (uint64_t)maxpart)
        cap *= 2;
    if (!(tables = calloc((size_t)nt * cap, sizeof *tables))) goto done;
#pragma omp parallel for schedule(static) if (par)
    for (int64_t b = 0; b < nt; b++) {
        int64_t *my = hist + b * np;
        for (int64_t i = count * b / nt; i < count * (b + 1) / nt; i++) {
            uint64_t h = str_hash(v, i);
            part[my[bits ? (int64_t)(h >> shift) : 0]++] = (dup_entry){(uint32_t)h, (int32_t)i};
        }
    }
#pragma omp parallel for schedule(dynamic, 8) if (par)
    for (int64_t p = 0; p < np; p++)
        pdup[p] = partition_duplicate(v, part + pstart[p], pstart[p + 1] - pstart[p],
                                      tables + (size_t)lp_i_thread_id() * cap, cap, &pearlier[p]);
    dup = -1;
    for (int64_t p = 0; p < np; p++)
        if (pdup[p] >= 0 && (dup < 0 || pdup[p] < dup)) {
            dup = pdup[p];
            *earlier = pearlier[p];
        }
done:
    free(tables);
    free(pearlier);
    free(pdup);
    free(part);
    free(hist);
    return dup;
}

/* ---- Fletcher-32 as HDF5's filter computes it --------------------------- */

/* Fletcher's checksum over 16-bit big-endian words (a final odd byte is the
 * high byte of a word), both sums modulo 65535; sum2 in the high half. The
 * sums are reduced in blocks, so each half is returned in [0, 65534]; HDF5
 * may store 65535 for 0 (one's-complement folding), which fletcher_equal
 * accepts. */
static uint32_t fletcher32(const unsigned char *p, size_t len)
{
    uint64_t s1 = 0, s2 = 0;
    size_t words = len / 2;
    while (words > 0) {
        /* 4 words per step: s2 gains 4 s1 + 4a + 3b + 2c + d. The block
         * bound keeps s2 below 2^63. */
        size_t blk = words < 65536 ? words : 65536;
        words -= blk;
        size_t q = blk / 4;
        for (size_t k = 0; k < q; k++, p += 8) {
            uint64_t a = (uint64_t)p[0] << 8 | p[1], b = (uint64_t)p[2] << 8 | p[3];
            uint64_t c = (uint64_t)p[4] << 8 | p[5], d = (uint64_t)p[6] << 8 | p[7];
            s2 += 4 * s1 + 4 * a + 3 * b + 2 * c + d;
            s1 += a + b + c + d;
        }
        for (size_t k = 0; k < blk % 4; k++, p += 2) {
            s1 += (uint64_t)p[0] << 8 | p[1];
            s2 += s1;
        }
        s1 %= 65535;
        s2 %= 65535;
    }
    if (len % 2) {
        s1 = (s1 + ((uint64_t)p[0] << 8)) % 65535;
        s2 = (s2 + s1) % 65535;
    }
    return (uint32_t)(s2 << 16 | s1);
}

static int fletcher_equal(uint32_t mine, uint32_t stored)
{
    return (stored & 0xFFFF) % 65535 == (mine & 0xFFFF) && (stored >> 16) % 65535 == (mine >> 16);
}

/* ==== writing ============================================================ */

/* A dataset written one chunk-sized block at a time from a buffer that the
 * caller fills element by element (gs_put). */
typedef struct gs_stream {
    lp_h5w *w;
    const char *path;
    hid_t dset, fspace, mspace, mtype;
    size_t esize;
    int64_t len, done, block, fill; /* elements */
    unsigned char *buf;
} gs_stream;

static const gs_stream GS_STREAM_NONE = {NULL, NULL, -1, -1, -1, -1, 0, 0, 0, 0, 0, NULL};

static int gs_open(gs_stream *s, lp_h5w *w, hid_t file, const char *path, hid_t ftype, hid_t mtype,
                   int64_t len)
{
    *s = GS_STREAM_NONE;
    s->w = w;
    s->path = path;
    s->mtype = mtype;
    s->esize = H5Tget_size(mtype);
    s->len = len;
    s->block = len < GS_CHUNK ? (len > 0 ? len : 1) : GS_CHUNK;
    lp_h5w_colopt opt = LP_H5W_COLOPT_INIT;
    opt.chunk = GS_CHUNK;
    opt.shuffle = s->esize > 1;
    opt.deflate = GS_DEFLATE;
    opt.fletcher32 = 1;
    if ((s->dset = lp_h5w_column_create_opt(w, file, path, ftype, len, &opt)) < 0) return -1;
    if (len == 0) return 0;
    hsize_t mdims[1] = {(hsize_t)s->block};
    if ((s->fspace = H5Dget_space(s->dset)) < 0 ||
        (s->mspace = H5Screate_simple(1, mdims, NULL)) < 0)
        return lp_h5w_fail_h5(w, "writing %s", path);
    if (!(s->buf = malloc((size_t)s->block * s->esize)))
        return lp_h5w_fail_nomem(w, "graph store buffer");
    return 0;
}

static int gs_flush(gs_stream *s)
{
    if (s->fill == 0) return 0;
    assert(s->done + s->fill <= s->len);
    hsize_t off[1] = {(hsize_t)s->done}, cnt[1] = {(hsize_t)s->fill}, zero[1] = {0};
    if (H5Sselect_hyperslab(s->mspace, H5S_SELECT_SET, zero, NULL, cnt, NULL) < 0 ||
        H5Sselect_hyperslab(s->fspace, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
        H5Dwrite(s->dset, s->mtype, s->mspace, s->fspace, H5P_DEFAULT, s->buf) < 0)
        return lp_h5w_fail_h5(s->w, "writing %s", s->path);
    s->done += s->fill;
    s->fill = 0;
    return s->w->io_err ? -1 : 0;
}

/* Append count elements of esize bytes. */
static int gs_put(gs_stream *s, const void *p, int64_t count)
{
    const unsigned char *src = p;
    while (count > 0) {
        int64_t k = s->block - s->fill < count ? s->block - s->fill : count;
        assert(s->buf); /* not past the end of an empty dataset */
        memcpy(s->buf + (size_t)s->fill * s->esize, src, (size_t)k * s->esize);
        s->fill += k;
        src += (size_t)k * s->esize;
        count -= k;
        if (s->fill == s->block && gs_flush(s)) return -1;
    }
    return 0;
}

/* Flush and close; with ok, the stream must have received exactly len. */
static int gs_close(gs_stream *s, int ok)
{
    int rc = 0;
    if (ok && s->dset >= 0) {
        rc = gs_flush(s);
        assert(rc || s->done == s->len);
    }
    free(s->buf);
    if (s->mspace >= 0) H5Sclose(s->mspace);
    if (s->fspace >= 0) H5Sclose(s->fspace);
    if (s->dset >= 0) H5Dclose(s->dset);
    *s = GS_STREAM_NONE;
    return rc;
}

/* A whole array as one dataset. */
static int gs_array(lp_h5w *w, hid_t file, const char *path, hid_t ftype, hid_t mtype, int64_t len,
                    const void *buf)
{
    gs_stream s = GS_STREAM_NONE;
    int ok = !gs_open(&s, w, file, path, ftype, mtype, len) && !gs_put(&s, buf, len);
    return gs_close(&s, ok) || !ok ? -1 : 0;
}

/* A string table as <bytes_path> (the strings back to back, no separators)
 * and <offsets_path> [count + 1]. */
static int gs_strings(lp_h5w *w, hid_t file, const char *bytes_path, const char *offsets_path,
                      const lp_strtab *t)
{
    gs_stream sb = GS_STREAM_NONE, so = GS_STREAM_NONE;
    int64_t total = 0;
    for (int64_t i = 0; i < t->count; i++)
        total += strtab_len(t, i);
    int ok = !gs_open(&sb, w, file, bytes_path, H5T_STD_U8LE, H5T_NATIVE_UINT8, total);
    ok = ok && !gs_open(&so, w, file, offsets_path, H5T_STD_I64LE, H5T_NATIVE_INT64, t->count + 1);
    int64_t at = 0;
    for (int64_t i = 0; ok && i < t->count; i++) {
        int64_t len = strtab_len(t, i);
        ok = !gs_put(&so, &at, 1) && !gs_put(&sb, lp_strtab_get(t, i), len);
        at += len;
    }
    ok = ok && !gs_put(&so, &at, 1);
    int rc1 = gs_close(&sb, ok), rc2 = gs_close(&so, ok);
    return ok && !rc1 && !rc2 ? 0 : -1;
}

/* The edge list in CSR order: for u ascending, the arcs u -> v with v > u. */
static int gs_edges(lp_h5w *w, hid_t file, const lp_graph *g)
{
    gs_stream ss = GS_STREAM_NONE, st = GS_STREAM_NONE, sw = GS_STREAM_NONE;
    const lp_csr *c = &g->csr;
    int ok = !gs_open(&ss, w, file, "/edges/source", H5T_STD_I32LE, H5T_NATIVE_INT32, g->m);
    ok = ok && !gs_open(&st, w, file, "/edges/target", H5T_STD_I32LE, H5T_NATIVE_INT32, g->m);
    ok = ok && !gs_open(&sw, w, file, "/edges/weight", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, g->m);
    for (lp_vid u = 0; ok && u < c->n; u++)
        for (int64_t k = c->offset[u]; ok && k < c->offset[u + 1]; k++)
            if (c->adj[k] > u)
                ok = !gs_put(&ss, &u, 1) && !gs_put(&st, &c->adj[k], 1) &&
                     !gs_put(&sw, &c->weight[k], 1);
    int rc1 = gs_close(&ss, ok), rc2 = gs_close(&st, ok), rc3 = gs_close(&sw, ok);
    return ok && !rc1 && !rc2 && !rc3 ? 0 : -1;
}

/* Bytes of s with every invalid UTF-8 sequence replaced by U+FFFD (paths
 * are arbitrary bytes; HDF5 strings here are declared UTF-8). malloc'ed. */
static char *utf8_sanitize(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(3 * len + 1), *o = out;
    if (!out) return NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = 1;
        while (n <= 4 && i + n <= len && !utf8_ok(u + i, (int64_t)n))
            n++;
        if (n <= 4 && i + n <= len) {
            memcpy(o, u + i, n);
            o += n;
            i += n;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    *o = '\0';
    return out;
}

static int gs_source(lp_h5w *w, hid_t file, const lp_graph *g, const lp_load_report *src)
{
    hid_t grp = -1;
    char *np = NULL, *ep = NULL;
    int rc = -1;
    if (lp_h5w_group(w, &grp, file, "/source", H5P_DEFAULT)) goto done;
    int64_t node_rows = src ? src->node_rows : g->n;
    int64_t edge_rows = src ? src->edge_rows : g->m + g->merged_duplicates + g->dropped_self_loops;
    if (lp_h5w_attr_i64(w, grp, "node_rows", node_rows) ||
        lp_h5w_attr_i64(w, grp, "edge_rows", edge_rows) ||
        lp_h5w_attr_i64(w, grp, "skipped_rows", src ? src->skipped_rows : 0))
        goto done;
    if (src) {
        np = utf8_sanitize(src->nodes_file.path ? src->nodes_file.path : "");
        ep = utf8_sanitize(src->edges_file.path ? src->edges_file.path : "");
        if (!np || !ep) {
            lp_h5w_fail_nomem(w, "source paths");
            goto done;
        }
        if (lp_h5w_attr_str_fixed(w, grp, "nodes_path", np) ||
            lp_h5w_attr_i64(w, grp, "nodes_size", src->nodes_file.size) ||
            lp_h5w_attr(w, grp, "nodes_crc32", H5T_STD_U32LE, H5T_NATIVE_UINT32,
                        &src->nodes_file.crc32) ||
            lp_h5w_attr_str_fixed(w, grp, "edges_path", ep) ||
            lp_h5w_attr_i64(w, grp, "edges_size", src->edges_file.size) ||
            lp_h5w_attr(w, grp, "edges_crc32", H5T_STD_U32LE, H5T_NATIVE_UINT32,
                        &src->edges_file.crc32))
            goto done;
    }
    rc = 0;
done:
    free(np);
    free(ep);
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

static int gs_root(lp_h5w *w, hid_t file, const lp_graph *g)
{
    char created[32], h5ver[48];
    unsigned ma = 0, mi = 0, re = 0;
    lp_h5_now_iso8601(created, sizeof created);
    H5get_libversion(&ma, &mi, &re);
    snprintf(h5ver, sizeof h5ver, "%u.%u.%u", ma, mi, re);
    if (lp_h5w_attr_str_fixed(w, file, "format", LP_GRAPHSTORE_FORMAT) ||
        lp_h5w_attr_i32(w, file, "format_version", LP_GRAPHSTORE_FORMAT_VERSION) ||
        lp_h5w_attr_str_fixed(w, file, "linchpin_version", LP_VERSION) ||
        lp_h5w_attr_str_fixed(w, file, "hdf5_version", h5ver) ||
        lp_h5w_attr_str_fixed(w, file, "created", created) ||
        lp_h5w_attr_i64(w, file, "nodes", g->n) || lp_h5w_attr_i64(w, file, "edges", g->m) ||
        lp_h5w_attr_i32(w, file, "has_revenue", g->nodes.has_revenue ? 1 : 0) ||
        lp_h5w_attr_i64(w, file, "merged_duplicates", g->merged_duplicates) ||
        lp_h5w_attr_i64(w, file, "dropped_self_loops", g->dropped_self_loops))
        return -1;
    return 0;
}

static int gs_groups(lp_h5w *w, hid_t file)
{
    static const char *const names[3] = {"/nodes", "/types", "/edges"};
    for (int i = 0; i < 3; i++) {
        hid_t grp = -1;
        if (lp_h5w_group(w, &grp, file, names[i], H5P_DEFAULT)) return -1;
        H5Gclose(grp);
    }
    return 0;
}

/* ---- the writer's checks of g (failures are our bugs) ------------------- */

static lp_status bad_graph(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static lp_status bad_graph(const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return lp_error_set(LP_EINTERNAL, "lp_graphstore_write: %s", what);
}

/* A string table of g: packed (lp_strtab_push's layout), strings valid,
 * unique. */
static lp_status check_table(const lp_strtab *t, int allow_empty, const char *what)
{
    if (t->count > INT32_MAX) return bad_graph("%lld strings in a table", (long long)t->count);
    for (int64_t i = 0; i < t->count; i++) {
        int64_t len = strtab_len(t, i);
        if (len < 0 || t->offset[i] < 0 || t->offset[i] + len >= t->size ||
            t->data[t->offset[i] + len] != '\0')
            return bad_graph("%s table not packed at row %lld", what, (long long)i);
    }
    str_view v = view_of_strtab(t);
    int defect = STR_OK;
    int64_t earlier = 0, bad = check_strings(&v, allow_empty, &defect);
    if (bad >= 0)
        return bad_graph("%s at row %lld %s", what, (long long)bad, str_defect_text(defect));
    if ((bad = find_duplicate(&v, &earlier)) == -2) return lp_error_nomem("graph store check");
    if (bad >= 0)
        return bad_graph("duplicate %s at row %lld (same as row %lld)", what, (long long)bad,
                         (long long)earlier);
    return LP_OK;
}

static lp_status check_graph(const char *path, const lp_graph *g)
{
    if (!path || !g) return lp_error_set(LP_EINTERNAL, "lp_graphstore_write: no path or graph");
    int64_t n = g->n;
    const lp_nodes *nd = &g->nodes;
    const lp_csr *c = &g->csr;
    if (n < 0 || n > LP_VID_MAX || nd->id.count != n || c->n != n || c->m != g->m || g->m < 0 ||
        (n > 0 && (!nd->type || !nd->revenue || !c->offset)))
        return bad_graph("node or edge counts inconsistent (%lld nodes)", (long long)n);
    if (nd->type_name.count > INT32_MAX)
        return bad_graph("%lld node types", (long long)nd->type_name.count);
    if (g->merged_duplicates < 0 || g->dropped_self_loops < 0)
        return bad_graph("negative merge counts");
    for (int64_t i = 0; i < n; i++) {
        if (nd->type[i] < 0 || nd->type[i] >= nd->type_name.count)
            return bad_graph("type index out of range at node %lld", (long long)i);
        double r = nd->revenue[i];
        if (!(r >= 0) || !isfinite(r) || (!nd->has_revenue && r != 0))
            return bad_graph("revenue negative, not finite or without a column at node %lld",
                             (long long)i);
    }
    int64_t upper = 0;
    if (c->offset && c->offset[0] != 0)
        return bad_graph("CSR offset[0] = %lld", (long long)c->offset[0]);
    for (int64_t u = 0; u < n; u++) {
        if (c->offset[u + 1] < c->offset[u] || c->offset[u + 1] > 2 * g->m)
            return bad_graph("CSR offsets inconsistent at node %lld", (long long)u);
        for (int64_t k = c->offset[u]; k < c->offset[u + 1]; k++) {
            if (c->adj[k] < 0 || c->adj[k] >= n || c->adj[k] == u ||
                (k > c->offset[u] && c->adj[k] <= c->adj[k - 1]))
                return bad_graph("CSR list of node %lld not ascending or out of range",
                                 (long long)u);
            if (!(c->weight[k] > 0) || !isfinite(c->weight[k]))
                return bad_graph("CSR weight not positive and finite at node %lld", (long long)u);
            upper += c->adj[k] > u;
        }
    }
    if (n > 0 && c->offset[n] != 2 * g->m)
        return bad_graph("CSR has %lld arcs, not 2m", (long long)c->offset[n]);
    if (upper != g->m) return bad_graph("CSR has %lld upper arcs, not m", (long long)upper);
    lp_status st = check_table(&nd->type_name, 1, "type name");
    if (!st) st = check_table(&nd->id, 0, "node id");
    return st;
}

lp_status lp_graphstore_write(const char *path, const lp_graph *g, const lp_load_report *src)
{
    lp_status st = check_graph(path, g);
    if (st) return st;
    lp_h5w w;
    lp_h5w_fileopt fo = LP_H5W_FILEOPT_INIT;
    fo.checksummed_metadata = 1;
    int ok = !lp_h5w_begin_opt(&w, path, &fo);
    hid_t file = w.file;
    ok = ok && !gs_root(&w, file, g) && !gs_groups(&w, file) &&
         !gs_strings(&w, file, "/nodes/id_bytes", "/nodes/id_offsets", &g->nodes.id) &&
         !gs_array(&w, file, "/nodes/type", H5T_STD_I32LE, H5T_NATIVE_INT32, g->n, g->nodes.type) &&
         !gs_array(&w, file, "/nodes/revenue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, g->n,
                   g->nodes.revenue) &&
         !gs_strings(&w, file, "/types/name_bytes", "/types/name_offsets", &g->nodes.type_name) &&
         !gs_edges(&w, file, g) && !gs_source(&w, file, g, src);
    return lp_h5w_end(&w, path, ok);
}

/* ==== reading ============================================================ */

/* The fast path's buffers, kept for all columns of one read: large ones
 * come fresh from mmap each time, and fresh pages cost their clearing. */
typedef struct gs_bufs {
    unsigned char *raw, *scratch; /* a batch of raw chunks; one chunk per thread */
    size_t raw_size, scratch_size;
    size_t *size; /* [batch] */
    int *status;  /* [batch] */
    int64_t batch;
    z_stream *zs; /* [threads] raw inflaters, nzs of them initialised */
    int nzs;
} gs_bufs;

typedef struct gs_rd {
    lp_h5r h; /* path and status */
    hid_t file;
    int64_t file_size;
    gs_bufs b;
} gs_rd;

static void gs_bufs_free(gs_bufs *b)
{
    for (int t = 0; t < b->nzs; t++)
        inflateEnd(&b->zs[t]);
    free(b->zs);
    free(b->status);
    free(b->size);
    free(b->scratch);
    free(b->raw);
    memset(b, 0, sizeof *b);
}

/* Make b hold batch raw chunks of maxraw bytes and one chunk of cbytes per
 * thread (growing, never shrinking). 0 or -1 (out of memory). */
static int gs_bufs_reserve(gs_bufs *b, int64_t batch, size_t maxraw, size_t cbytes, int threads)
{
    if ((size_t)batch * maxraw > b->raw_size) {
        free(b->raw);
        b->raw_size = (size_t)batch * maxraw;
        if (!(b->raw = malloc(b->raw_size))) return -1;
    }
    if ((size_t)threads * cbytes > b->scratch_size) {
        free(b->scratch);
        b->scratch_size = (size_t)threads * cbytes;
        if (!(b->scratch = malloc(b->scratch_size))) return -1;
    }
    if (batch > b->batch) {
        free(b->size);
        free(b->status);
        b->size = malloc((size_t)batch * sizeof *b->size);
        b->status = malloc((size_t)batch * sizeof *b->status);
        b->batch = batch;
        if (!b->size || !b->status) return -1;
    }
    if (!b->zs && !(b->zs = calloc((size_t)threads, sizeof *b->zs))) return -1;
    for (; b->nzs < threads; b->nzs++) /* raw inflate (no zlib wrapper): see decode_chunk */
        if (inflateInit2(&b->zs[b->nzs], -15) != Z_OK) return -1;
    return 0;
}

/* A dataset opened and checked against what the format says. */
typedef struct gs_col {
    const char *path;
    hid_t dset;
    hid_t mtype;  /* the native memory type it is read as */
    size_t esize; /* bytes per element */
    int64_t len;
    int native; /* the file type is mtype itself (fast path possible) */
} gs_col;

static void col_close(gs_col *c)
{
    if (c->dset >= 0) H5Dclose(c->dset);
    c->dset = -1;
}

/* 1 if every component of the absolute path exists, 0 if one is missing,
 * -1 (failure recorded) if HDF5 cannot tell. */
static int gs_exists(gs_rd *r, const char *path)
{
    char part[128];
    size_t len = strlen(path);
    if (len >= sizeof part) return lp_h5r_fail(&r->h, "internal: path too long");
    for (size_t i = 1; i <= len; i++) {
        if (i < len && path[i] != '/') continue;
        memcpy(part, path, i);
        part[i] = '\0';
        htri_t ex = H5Lexists(r->file, part, H5P_DEFAULT);
        if (ex < 0) return lp_h5r_fail_h5(&r->h, "looking up %s", part);
        if (ex == 0) return 0;
    }
    return 1;
}

/* Open the 1-D dataset `path` whose type must have class cls, esize bytes
 * and (integers) the given signedness (-1: either); its length goes to
 * c->len. A length that the file could not hold even compressed is refused
 * here, before anything is allocated for it. */
static int col_open(gs_rd *r, gs_col *c, const char *path, H5T_class_t cls, size_t esize, int sign,
                    hid_t mtype)
{
    hid_t type = -1, space = -1;
    hsize_t dims[1];
    int rc = -1;
    memset(c, 0, sizeof *c);
    c->path = path;
    c->dset = -1;
    c->mtype = mtype;
    c->esize = esize;
    int ex = gs_exists(r, path);
    if (ex < 0) return -1;
    if (ex == 0) return lp_h5r_fail(&r->h, "missing %s", path);
    if ((c->dset = H5Dopen2(r->file, path, H5P_DEFAULT)) < 0 || (type = H5Dget_type(c->dset)) < 0 ||
        (space = H5Dget_space(c->dset)) < 0) {
        lp_h5r_fail_h5(&r->h, "opening %s", path);
        goto done;
    }
    int sign_ok = cls != H5T_INTEGER || sign < 0 || H5Tget_sign(type) == (H5T_sign_t)sign;
    if (H5Tget_class(type) != cls || H5Tget_size(type) != esize || !sign_ok ||
        H5Sget_simple_extent_type(space) != H5S_SIMPLE || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, dims, NULL) != 1) {
        lp_h5r_fail(&r->h, "%s has the wrong type or shape", path);
        goto done;
    }
    if (dims[0] > (hsize_t)INT64_MAX / GS_MAX_RATIO / 16 ||
        (int64_t)dims[0] * (int64_t)esize > GS_MAX_RATIO * r->file_size + 4096) {
        lp_h5r_fail(&r->h,
                    "corrupt or truncated file (%s claims %llu elements, more than a file of %lld "
                    "bytes can hold)",
                    path, (unsigned long long)dims[0], (long long)r->file_size);
        goto done;
    }
    c->len = (int64_t)dims[0];
    c->native = H5Tequal(type, mtype) > 0;
    rc = 0;
done:
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (rc) col_close(c);
    return rc;
}

static int col_expect_len(gs_rd *r, const gs_col *c, int64_t want)
{
    if (c->len == want) return 0;
    return lp_h5r_fail(&r->h, "%s has %lld elements, expected %lld", c->path, (long long)c->len,
                       (long long)want);
}

/* ---- the fast path: raw chunks, inflated in parallel -------------------- */

enum { CHUNK_OK, CHUNK_CHECKSUM, CHUNK_INFLATE };

/* Undo HDF5's byte shuffle: src holds byte b of element i at b * nelem + i
 * (nelem = elements per chunk); write the first count elements to dst.
 * 8- and 4-byte elements go 8 / 4 at a time: one word from each byte plane,
 * a byte-matrix transpose in registers (swapping blocks of half the size,
 * three times / twice), one word per element. Little-endian words: the fast
 * path reads only native little-endian data. */
static void unshuffle(unsigned char *dst, const unsigned char *src, size_t esize, int64_t nelem,
                      int64_t count)
{
    int64_t i = 0;
    if (esize == 8) {
        for (; i + 8 <= count; i += 8) {
            uint64_t r[8], t;
            for (int b = 0; b < 8; b++)
                memcpy(&r[b], src + (int64_t)b * nelem + i, 8);
            for (int k = 0; k < 4; k++) {
                t = ((r[k] >> 32) ^ r[k + 4]) & 0x00000000FFFFFFFFull;
                r[k] ^= t << 32;
                r[k + 4] ^= t;
            }
            static const int two[4] = {0, 1, 4, 5};
            for (int q = 0; q < 4; q++) {
                int k = two[q];
                t = ((r[k] >> 16) ^ r[k + 2]) & 0x0000FFFF0000FFFFull;
                r[k] ^= t << 16;
                r[k + 2] ^= t;
            }
            for (int k = 0; k < 8; k += 2) {
                t = ((r[k] >> 8) ^ r[k + 1]) & 0x00FF00FF00FF00FFull;
                r[k] ^= t << 8;
                r[k + 1] ^= t;
            }
            memcpy(dst + 8 * i, r, 64);
        }
    } else if (esize == 4) {
        for (; i + 4 <= count; i += 4) {
            uint32_t r[4], t;
            for (int b = 0; b < 4; b++)
                memcpy(&r[b], src + (int64_t)b * nelem + i, 4);
            for (int k = 0; k < 2; k++) {
                t = ((r[k] >> 16) ^ r[k + 2]) & 0x0000FFFFu;
                r[k] ^= t << 16;
                r[k + 2] ^= t;
            }
            for (int k = 0; k < 4; k += 2) {
                t = ((r[k] >> 8) ^ r[k + 1]) & 0x00FF00FFu;
                r[k] ^= t << 8;
                r[k + 1] ^= t;
            }
            memcpy(dst + 4 * i, r, 16);
        }
    }
    for (; i < count; i++)
        for (size_t b = 0; b < esize; b++)
            dst[(int64_t)esize * i + (int64_t)b] = src[(int64_t)b * nelem + i];
}

/* One raw chunk into dst (count elements of a chunk of nelem). The chunk is
 * what HDF5's filters made: a zlib stream (2-byte header, deflate data,
 * 4-byte Adler-32) followed by the 4-byte little-endian Fletcher-32 of all
 * of it. The Fletcher-32 is checked first; the deflate data is then inflated
 * raw: its bytes are verified and inflating is deterministic, so zlib's
 * Adler-32 of the output (another pass over it) would add nothing. The
 * stream must end exactly before the Adler-32 and inflate to exactly the
 * chunk's bytes. zs: this thread's raw inflater; scratch: nelem * esize
 * bytes. Runs inside an OpenMP region: zlib and memory only. */
static int decode_chunk(z_stream *zs, const unsigned char *raw, size_t size, int shuffle,
                        size_t esize, int64_t nelem, int64_t count, unsigned char *dst,
                        unsigned char *scratch)
{
    size_t dlen = size - 4, cbytes = (size_t)nelem * esize;
    uint32_t stored = (uint32_t)raw[dlen] | (uint32_t)raw[dlen + 1] << 8 |
                      (uint32_t)raw[dlen + 2] << 16 | (uint32_t)raw[dlen + 3] << 24;
    if (!fletcher_equal(fletcher32(raw, dlen), stored)) return CHUNK_CHECKSUM;
    /* zlib header: deflate, window <= 32K, no preset dictionary, check bits */
    if (dlen < 2 + 4 || (raw[0] & 0x0F) != 8 || (raw[0] >> 4) > 7 || (raw[1] & 0x20) ||
        ((unsigned)raw[0] << 8 | raw[1]) % 31 != 0)
        return CHUNK_INFLATE;
    unsigned char *to = !shuffle && count == nelem ? dst : scratch;
    if (inflateReset(zs) != Z_OK) return CHUNK_INFLATE;
    zs->next_in = (Bytef *)(raw + 2); /* zlib reads it only */
    zs->avail_in = (uInt)(dlen - 2 - 4);
    zs->next_out = to;
    zs->avail_out = (uInt)cbytes;
    if (inflate(zs, Z_FINISH) != Z_STREAM_END || zs->avail_in != 0 || zs->avail_out != 0)
        return CHUNK_INFLATE;
    if (shuffle)
        unshuffle(dst, scratch, esize, nelem, count);
    else if (to != dst)
        memcpy(dst, scratch, (size_t)count * esize);
    return CHUNK_OK;
}

/* 1 if the dataset's creation properties are ours: chunked 1-D, filters
 * exactly [shuffle,] deflate, fletcher32. *nelem: elements per chunk. */
static int is_our_layout(hid_t dcpl, size_t esize, int64_t *nelem, int *shuffle)
{
    hsize_t cdims[1];
    if (H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_chunk(dcpl, 1, cdims) != 1 || cdims[0] < 1 ||
        cdims[0] > (hsize_t)GS_MAX_FAST_CHUNK / esize)
        return 0;
    int nf = H5Pget_nfilters(dcpl);
    if (nf < 2 || nf > 3) return 0;
    H5Z_filter_t want[3] = {H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32};
    int first = 3 - nf;
    for (int i = 0; i < nf; i++) {
        unsigned flags = 0, cd[8];
        size_t ncd = 8;
        char name[64];
        if (H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof name, name, NULL) !=
            want[first + i])
            return 0;
    }
    *nelem = (int64_t)cdims[0];
    *shuffle = nf == 3;
    return 1;
}

/* Read c into out by the fast path when the dataset allows it (*used = 1),
 * else leave it to the caller (*used = 0). -1 on a failure (recorded). */
static int read_fast(gs_rd *r, gs_col *c, unsigned char *out, int *used)
{
    hid_t dcpl = -1;
    int rc = -1, shuffle = 0;
    int64_t nelem = 0;
    *used = 0;
    if ((dcpl = H5Dget_create_plist(c->dset)) < 0) {
        lp_h5r_fail_h5(&r->h, "reading %s", c->path);
        goto done;
    }
    if (!is_our_layout(dcpl, c->esize, &nelem, &shuffle)) {
        rc = 0;
        goto done;
    }
    size_t cbytes = (size_t)nelem * c->esize;
    size_t maxraw = (size_t)compressBound((uLong)cbytes) + 4;
    int64_t nchunks = (c->len + nelem - 1) / nelem;
    /* A batch: eight chunks per thread (few idle ends), at most 64 MiB of
     * raw chunks. */
    int threads = lp_i_max_threads();
    int64_t batch = 8 * (int64_t)threads;
    if (batch > (int64_t)(((size_t)64 << 20) / maxraw))
        batch = (int64_t)(((size_t)64 << 20) / maxraw);
    if (batch < 1) batch = 1;
    if (batch > nchunks) batch = nchunks;
    gs_bufs *bf = &r->b;
    if (gs_bufs_reserve(bf, batch, maxraw, cbytes, threads)) {
        lp_h5r_nomem(&r->h, "graph store chunks");
        goto done;
    }
    unsigned char *raw = bf->raw, *scratch = bf->scratch;
    size_t *size = bf->size;
    int *status = bf->status;
    z_stream *zs = bf->zs;
    for (int64_t b0 = 0; b0 < nchunks; b0 += batch) {
        int64_t nb = nchunks - b0 < batch ? nchunks - b0 : batch;
        for (int64_t j = 0; j < nb; j++) {
            hsize_t off[1] = {(hsize_t)((b0 + j) * nelem)}, sz = 0;
            uint32_t mask = 0;
            if (H5Dget_chunk_storage_size(c->dset, off, &sz) < 0) {
                lp_h5r_fail_h5(&r->h, "reading %s", c->path);
                goto done;
            }
            if (sz < 4 || sz > maxraw) {
                lp_h5r_fail(&r->h,
                            "corrupt or truncated file (%s: chunk at row %lld: stored size %llu)",
                            c->path, (long long)off[0], (unsigned long long)sz);
                goto done;
            }
            if (H5Dread_chunk(c->dset, H5P_DEFAULT, off, &mask, raw + (size_t)j * maxraw) < 0) {
                lp_h5r_fail_h5(&r->h, "reading %s", c->path);
                goto done;
            }
            if (mask != 0) { /* a filter was skipped for this chunk: HDF5 knows how */
                rc = 0;
                goto done;
            }
            size[j] = (size_t)sz;
        }
        size_t esize = c->esize;
        int64_t len = c->len;
#pragma omp parallel for schedule(dynamic, 1) if (nb > 1)
        for (int64_t j = 0; j < nb; j++) {
            int64_t first = (b0 + j) * nelem;
            int64_t count = len - first < nelem ? len - first : nelem;
            int t = lp_i_thread_id();
            status[j] =
                decode_chunk(&zs[t], raw + (size_t)j * maxraw, size[j], shuffle, esize, nelem,
                             count, out + (size_t)first * esize, scratch + (size_t)t * cbytes);
        }
        for (int64_t j = 0; j < nb; j++)
            if (status[j] != CHUNK_OK) {
                lp_h5r_fail(&r->h, "corrupt or truncated file (%s: chunk at row %lld: %s)", c->path,
                            (long long)((b0 + j) * nelem),
                            status[j] == CHUNK_CHECKSUM ? "checksum mismatch"
                                                        : "compressed data damaged");
                goto done;
            }
    }
    *used = 1;
    rc = 0;
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    return rc;
}

/* The whole dataset into out (c->len elements of c->mtype). */
static int col_read(gs_rd *r, gs_col *c, void *out)
{
    if (c->len == 0) return 0;
    int used = 0;
    if (c->native && read_fast(r, c, out, &used)) return -1;
    if (used) return 0;
    if (H5Dread(c->dset, c->mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        return lp_h5r_fail_h5(&r->h, "reading %s", c->path);
    return 0;
}

/* ---- string tables ----------------------------------------------------- */

/* Read the table <bytes_path> uint8 [B] + <offsets_path> int64 [count + 1]
 * into *out (empty on entry; filled on success, else left empty). count < 0:
 * as many strings as the offsets say. ids: strings must be non-empty. what:
 * "id" or "type name", for messages. */
static int read_strings(gs_rd *r, lp_strtab *out, const char *bytes_path, const char *offsets_path,
                        int64_t count, int ids, const char *what)
{
    gs_col cb, co;
    int64_t *off = NULL;
    unsigned char *data = NULL;
    int rc = -1;
    cb.dset = co.dset = -1;
    if (col_open(r, &co, offsets_path, H5T_INTEGER, 8, H5T_SGN_2, H5T_NATIVE_INT64)) goto done;
    if (count < 0) {
        if (co.len < 1) {
            lp_h5r_fail(&r->h, "%s has 0 elements, expected at least 1", offsets_path);
            goto done;
        }
        count = co.len - 1;
        if (count > INT32_MAX) {
            lp_h5r_fail(&r->h, "%s: more than %d strings", offsets_path, INT32_MAX);
            goto done;
        }
    } else if (col_expect_len(r, &co, count + 1)) {
        goto done;
    }
    if (col_open(r, &cb, bytes_path, H5T_INTEGER, 1, -1, H5T_NATIVE_UINT8)) goto done;
    int64_t nbytes = cb.len;
    off = malloc(((size_t)count + 1) * sizeof *off);
    data = malloc((size_t)(nbytes + count + 1));
    if (!off || !data) {
        lp_h5r_nomem(&r->h, "string table");
        goto done;
    }
    if (col_read(r, &co, off)) goto done;
    if (off[0] != 0) {
        lp_h5r_fail(&r->h, "%s: first value is %lld, not 0", offsets_path, (long long)off[0]);
        goto done;
    }
    int64_t bad = count;
#pragma omp parallel for schedule(static) reduction(min : bad) if (count >= LP_PARALLEL_MIN)
    for (int64_t i = 0; i < count; i++)
        if (off[i + 1] < off[i] || off[i + 1] > nbytes) bad = i < bad ? i : bad;
    if (bad < count) {
        lp_h5r_fail(&r->h, "%s: value at row %lld decreases or exceeds the %lld bytes of %s",
                    offsets_path, (long long)bad + 1, (long long)nbytes, bytes_path);
        goto done;
    }
    if (off[count] != nbytes) {
        lp_h5r_fail(&r->h, "%s: last value %lld differs from the %lld bytes of %s", offsets_path,
                    (long long)off[count], (long long)nbytes, bytes_path);
        goto done;
    }
    if (col_read(r, &cb, data)) goto done;
    str_view v = {data, off, count, nbytes, 0};
    int defect = STR_OK;
    int64_t earlier = 0;
    if ((bad = check_strings(&v, !ids, &defect)) >= 0) {
        lp_h5r_fail(&r->h, "%s: %s at row %lld %s", bytes_path, what, (long long)bad,
                    str_defect_text(defect));
        goto done;
    }
    if ((bad = find_duplicate(&v, &earlier)) == -2) {
        lp_h5r_nomem(&r->h, "string table");
        goto done;
    }
    if (bad >= 0) {
        lp_h5r_fail(&r->h, "%s: duplicate %s at row %lld (same as row %lld)", bytes_path, what,
                    (long long)bad, (long long)earlier);
        goto done;
    }
    /* Spread the strings in place, last first, each followed by its NUL:
     * string i moves up by i bytes, past the end of the unmoved ones. */
    int64_t end = nbytes;
    for (int64_t i = count - 1; i >= 0; i--) {
        int64_t start = off[i], len = end - start;
        memmove(data + start + i, data + start, (size_t)len);
        data[start + i + len] = '\0';
        off[i] = start + i;
        end = start;
    }
    off[count] = nbytes + count;
    out->count = count;
    out->offset = off;
    out->offset_cap = count + 1;
    out->data = (char *)data;
    out->size = nbytes + count;
    out->data_cap = nbytes + count + 1;
    off = NULL;
    data = NULL;
    rc = 0;
done:
    free(off);
    free(data);
    col_close(&cb);
    col_close(&co);
    return rc;
}

/* ---- attributes ---------------------------------------------------------- */

/* A required int64 attribute in [lo, hi]. */
static int attr_i64(gs_rd *r, int64_t *out, hid_t loc, const char *obj, const char *name,
                    int64_t lo, int64_t hi)
{
    if (lp_h5r_attr_num(&r->h, out, H5T_NATIVE_INT64, loc, obj, name, 1)) return -1;
    if (*out < lo)
        return lp_h5r_fail(&r->h, "%s: attribute '%s' is %s", obj, name,
                           lo == 0 ? "negative" : "out of range");
    if (*out > hi) return lp_h5r_fail(&r->h, "%s: attribute '%s' is out of range", obj, name);
    return 0;
}

/* /source into info->report and the path strings. */
static int read_source(gs_rd *r, lp_graphstore_info *info)
{
    const char *o = "/source";
    hid_t grp = -1;
    int64_t crc = 0;
    int rc = -1;
    lp_load_report *rep = &info->report;
    int ex = gs_exists(r, o);
    if (ex <= 0) return ex < 0 ? -1 : lp_h5r_fail(&r->h, "missing %s", o);
    if ((grp = H5Gopen2(r->file, o, H5P_DEFAULT)) < 0 || H5Aexists(grp, "node_rows") < 0) {
        lp_h5r_fail_h5(&r->h, "opening %s", o);
        goto done;
    }
    if (attr_i64(r, &rep->node_rows, grp, o, "node_rows", 0, INT64_MAX) ||
        attr_i64(r, &rep->edge_rows, grp, o, "edge_rows", 0, INT64_MAX) ||
        attr_i64(r, &rep->skipped_rows, grp, o, "skipped_rows", 0, INT64_MAX))
        goto done;
    int got = lp_h5r_attr_str(&r->h, &info->nodes_path, grp, o, "nodes_path", 0);
    if (got < 0) goto done;
    info->has_files = got == 0;
    if (info->has_files) {
        if (lp_h5r_attr_str(&r->h, &info->edges_path, grp, o, "edges_path", 1) ||
            attr_i64(r, &rep->nodes_file.size, grp, o, "nodes_size", -1, INT64_MAX) ||
            attr_i64(r, &rep->edges_file.size, grp, o, "edges_size", -1, INT64_MAX) ||
            attr_i64(r, &crc, grp, o, "nodes_crc32", 0, UINT32_MAX))
            goto done;
        rep->nodes_file.crc32 = (uint32_t)crc;
        if (attr_i64(r, &crc, grp, o, "edges_crc32", 0, UINT32_MAX)) goto done;
        rep->edges_file.crc32 = (uint32_t)crc;
    } else {
        info->nodes_path = lp_h5_dup_str("", 0);
        info->edges_path = lp_h5_dup_str("", 0);
        if (!info->nodes_path || !info->edges_path) {
            lp_h5r_nomem(&r->h, "graph store info");
            goto done;
        }
        rep->nodes_file.size = rep->edges_file.size = -1;
    }
    rep->nodes_file.path = info->nodes_path;
    rep->edges_file.path = info->edges_path;
    rc = 0;
done:
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

void lp_graphstore_info_free(lp_graphstore_info *info)
{
    if (!info) return;
    free(info->nodes_path);
    free(info->edges_path);
    free(info->created);
    free(info->linchpin_version);
    memset(info, 0, sizeof *info);
}

/* ---- lp_graphstore_read ------------------------------------------------- */

typedef struct gs_counts {
    int64_t n, m, merged, loops, has_revenue, version;
} gs_counts;

/* Format, version and the root attributes. */
static int read_root(gs_rd *r, gs_counts *k, lp_graphstore_info *info)
{
    char *format = NULL;
    /* The first look into the root's header: where HDF5 finds it damaged. */
    htri_t ex = H5Aexists(r->file, "format");
    if (ex < 0) return lp_h5r_fail_h5(&r->h, "reading the attributes of /");
    if (ex == 0) return lp_h5r_fail(&r->h, "not a linchpin graph store");
    int rc = lp_h5r_attr_str(&r->h, &format, r->file, "/", "format", 0);
    if (rc < 0) return -1;
    int ours = rc == 0 && strcmp(format, LP_GRAPHSTORE_FORMAT) == 0;
    free(format);
    if (!ours) return lp_h5r_fail(&r->h, "not a linchpin graph store");
    rc = lp_h5r_attr_num(&r->h, &k->version, H5T_NATIVE_INT64, r->file, "/", "format_version", 0);
    if (rc < 0) return -1;
    if (rc == 1) return lp_h5r_fail(&r->h, "not a linchpin graph store");
    if (k->version != LP_GRAPHSTORE_FORMAT_VERSION)
        return lp_h5r_fail(&r->h, "unsupported format_version %lld", (long long)k->version);
    if (lp_h5r_attr_str(&r->h, &info->created, r->file, "/", "created", 1) ||
        lp_h5r_attr_str(&r->h, &info->linchpin_version, r->file, "/", "linchpin_version", 1) ||
        attr_i64(r, &k->n, r->file, "/", "nodes", 0, LP_VID_MAX) ||
        attr_i64(r, &k->m, r->file, "/", "edges", 0, INT64_MAX / 16) ||
        attr_i64(r, &k->has_revenue, r->file, "/", "has_revenue", 0, 1) ||
        attr_i64(r, &k->merged, r->file, "/", "merged_duplicates", 0, INT64_MAX) ||
        attr_i64(r, &k->loops, r->file, "/", "dropped_self_loops", 0, INT64_MAX))
        return -1;
    return 0;
}

/* /nodes/type and /nodes/revenue into nodes (type table already read). */
static int read_node_columns(gs_rd *r, lp_nodes *nodes, int64_t n, int has_revenue)
{
    gs_col ct, cr;
    int rc = -1;
    ct.dset = cr.dset = -1;
    if (col_open(r, &ct, "/nodes/type", H5T_INTEGER, 4, H5T_SGN_2, H5T_NATIVE_INT32) ||
        col_expect_len(r, &ct, n) ||
        col_open(r, &cr, "/nodes/revenue", H5T_FLOAT, 8, -1, H5T_NATIVE_DOUBLE) ||
        col_expect_len(r, &cr, n))
        goto done;
    nodes->type = malloc(((size_t)n + 1) * sizeof *nodes->type);
    nodes->revenue = malloc(((size_t)n + 1) * sizeof *nodes->revenue);
    if (!nodes->type || !nodes->revenue) {
        lp_h5r_nomem(&r->h, "node table");
        goto done;
    }
    nodes->cap = n + 1;
    nodes->has_revenue = has_revenue;
    if (col_read(r, &ct, nodes->type)) goto done;
    int64_t nt = nodes->type_name.count, bad = n;
    const int32_t *type = nodes->type;
#pragma omp parallel for schedule(static) reduction(min : bad) if (n >= LP_PARALLEL_MIN)
    for (int64_t i = 0; i < n; i++)
        if ((type[i] < 0 || type[i] >= nt) && i < bad) bad = i;
    if (bad < n) {
        lp_h5r_fail(&r->h, "/nodes/type: value out of range at row %lld", (long long)bad);
        goto done;
    }
    if (col_read(r, &cr, nodes->revenue)) goto done;
    const double *rev = nodes->revenue;
#pragma omp parallel for schedule(static) reduction(min : bad) if (n >= LP_PARALLEL_MIN)
    for (int64_t i = 0; i < n; i++)
        if ((!(rev[i] >= 0) || !isfinite(rev[i]) || (!has_revenue && rev[i] != 0)) && i < bad)
            bad = i;
    if (bad < n) {
        lp_h5r_fail(&r->h, "/nodes/revenue: value %s at row %lld",
                    has_revenue ? "negative or not finite" : "not 0 (no revenue column)",
                    (long long)bad);
        goto done;
    }
    rc = 0;
done:
    col_close(&cr);
    col_close(&ct);
    return rc;
}

/* The three edge columns into *e (empty on entry), validated. */
static int read_edges(gs_rd *r, lp_edges *e, int64_t n, int64_t m)
{
    static const char *const names[3] = {"/edges/source", "/edges/target", "/edges/weight"};
    gs_col c[3];
    int rc = -1;
    for (int i = 0; i < 3; i++)
        c[i].dset = -1;
    for (int i = 0; i < 3; i++) {
        int ok = i < 2 ? !col_open(r, &c[i], names[i], H5T_INTEGER, 4, H5T_SGN_2, H5T_NATIVE_INT32)
                       : !col_open(r, &c[i], names[i], H5T_FLOAT, 8, -1, H5T_NATIVE_DOUBLE);
        if (!ok || col_expect_len(r, &c[i], m)) goto done;
    }
    e->src = malloc(((size_t)m + 1) * sizeof *e->src);
    e->dst = malloc(((size_t)m + 1) * sizeof *e->dst);
    e->weight = malloc(((size_t)m + 1) * sizeof *e->weight);
    if (!e->src || !e->dst || !e->weight) {
        lp_h5r_nomem(&r->h, "edge list");
        goto done;
    }
    e->m = e->cap = m;
    if (col_read(r, &c[0], e->src) || col_read(r, &c[1], e->dst) || col_read(r, &c[2], e->weight))
        goto done;
    lp_edge_defect why = LP_EDGE_SRC_RANGE;
    int64_t bad = lp_edges_check_canonical(e, n, &why);
    if (bad >= 0) {
        const char *what = why == LP_EDGE_SRC_RANGE   ? "/edges/source: value out of range"
                           : why == LP_EDGE_DST_RANGE ? "/edges/target: value out of range"
                           : why == LP_EDGE_NOT_BELOW ? "/edges: source not below target"
                           : why == LP_EDGE_ORDER
                               ? "/edges: not in strictly increasing (source, target) order"
                               : "/edges/weight: value not positive and finite";
        lp_h5r_fail(&r->h, "%s at row %lld", what, (long long)bad);
        goto done;
    }
    rc = 0;
done:
    for (int i = 2; i >= 0; i--)
        col_close(&c[i]);
    return rc;
}

lp_status lp_graphstore_read(lp_graph *out, lp_graphstore_info *out_info, const char *path)
{
    gs_rd r;
    lp_graphstore_info info;
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    gs_counts k;
    struct stat sb;
    hid_t fapl = -1;
    memset(&r, 0, sizeof r);
    memset(&info, 0, sizeof info);
    memset(&k, 0, sizeof k);
    r.h.path = path;
    r.h.status = LP_OK;
    r.file = -1;

    lp_h5_silence();
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    int err = fstat(fd, &sb) != 0 ? errno : 0;
    close(fd);
    if (err) return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(err));
    if (S_ISDIR(sb.st_mode))
        return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(EISDIR));
    if (!S_ISREG(sb.st_mode))
        return lp_error_set(LP_EINPUT, "%s: cannot open: not a regular file", path);
    r.file_size = (int64_t)sb.st_size;
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0) {
        lp_h5r_fail(&r.h, "not a linchpin graph store");
        goto done;
    }
    if ((fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0) {
        lp_h5r_fail_h5(&r.h, "opening the file");
        goto done;
    }
#if H5_VERSION_GE(1, 10, 7)
    /* Stores are replaced by rename, never written in place: a file system
     * without locks is no reason to refuse one. */
    H5Pset_file_locking(fapl, 1, 1);
#endif
    if ((r.file = H5Fopen(path, H5F_ACC_RDONLY, fapl)) < 0) {
        lp_h5r_fail_h5(&r.h, "opening the file");
        goto done;
    }
    if (read_root(&r, &k, &info) || read_source(&r, &info)) goto done;
    if (read_strings(&r, &nodes.type_name, "/types/name_bytes", "/types/name_offsets", -1, 0,
                     "type name") ||
        read_strings(&r, &nodes.id, "/nodes/id_bytes", "/nodes/id_offsets", k.n, 1, "id"))
        goto done;
    if (read_node_columns(&r, &nodes, k.n, (int)k.has_revenue)) goto done;
    if (read_edges(&r, &edges, k.n, k.m)) goto done;
    H5Fclose(r.file);
    H5Pclose(fapl);
    r.file = fapl = -1;
    gs_bufs_free(&r.b);
    lp_graph g;
    if ((r.h.status = lp_graph_build_canonical(&g, &nodes, &edges))) goto done;
    g.merged_duplicates = k.merged;
    g.dropped_self_loops = k.loops;
    *out = g;
    if (out_info)
        *out_info = info;
    else
        lp_graphstore_info_free(&info);
    return LP_OK;
done:
    gs_bufs_free(&r.b);
    if (r.file >= 0) H5Fclose(r.file);
    if (fapl >= 0) H5Pclose(fapl);
    lp_edges_free(&edges);
    lp_nodes_free(&nodes);
    lp_graphstore_info_free(&info);
    return r.h.status != LP_OK ? r.h.status : lp_error_set(LP_EINTERNAL, "%s: read failed", path);
}
