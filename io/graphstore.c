/* graphstore.c — the binary graph store (lp_graphstore.h): writer and
 * validating reader of "linchpin-graph" HDF5 files, format 2.
 *
 * Writing puts g's own arrays (the id and type-name tables, type, revenue,
 * the CSR) into contiguous, unfiltered datasets, the large ones aligned to
 * 4096 bytes, each with one H5Dwrite straight from g; the node datasets get
 * a checksum attribute (cksum_part). The temporary file, the rename and
 * the "sink" file driver are h5common.c's (shared with the result file).
 *
 * Reading maps the whole file (read-only, private) and points the graph's
 * arrays into the mapping wherever a dataset lies there as it would in
 * memory (contiguous, no filters, native byte order, allocated, aligned for
 * its type); any other dataset (another writer's chunked, compressed or
 * big-endian one) is read with H5Dread into memory. The mapping and those
 * buffers belong to a gs_backing that the graph releases on lp_graph_free
 * (lp_graph_adopt). Nothing is copied or rebuilt: the cost of a read is the
 * validation, a few passes over the data.
 *
 * Validation happens before anything read is used as an index or a size:
 * see check_* and read_* below and lp_graphstore.h for the list and the
 * messages.
 *
 * HDF5 handles: start at -1, one cleanup label per function, the valid ones
 * closed in reverse order. The HDF5 error stack is read right after the call
 * that failed.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_DONTNEED */
#include "lp_graphstore.h"
#include "lp_alloc.h"
#include "lp_i_h5.h"
#include "lp_i_mem.h"
#include "lp_i_omp.h"
#include "lp_text.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the graph store maps little-endian data: a little-endian host is needed"
#endif

#ifndef LP_VERSION
#define LP_VERSION "unknown"
#endif

/* Datasets of GS_ALIGN bytes or more start at a multiple of GS_ALIGN. */
#define GS_ALIGN 4096
/* Another writer's dataset may be compressed; deflate's best ratio is about
 * 1032:1. A dataset claiming more bytes than this many times the file is
 * corrupt, and is refused before anything is allocated for it. */
#define GS_MAX_RATIO 1100

/* ---- strings: UTF-8, NUL, duplicates ------------------------------------ */

/* Strings as the checks see them, in lp_strtab's layout, which the store
 * keeps: string i = data[off[i] .. end(i) - 1), its NUL at end(i) - 1, with
 * end(i) = off[i + 1] (i + 1 < count) or `end`. */
typedef struct str_view {
    const unsigned char *data;
    const int64_t *off;
    int64_t count, end;
} str_view;

static str_view view_of_strtab(const lp_strtab *t)
{
    str_view v = {.data = (const unsigned char *)t->data,
                  .off = t->offset,
                  .count = t->count,
                  .end = t->size};
    return v;
}

static int64_t view_len(const str_view *v, int64_t i)
{
    return (i + 1 < v->count ? v->off[i + 1] : v->end) - v->off[i] - 1;
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
    return len == 0 ||
           (!memchr(s, 0, (size_t)len) && lp_text_utf8_valid((const char *)s, (size_t)len));
}

enum { STR_OK, STR_EMPTY, STR_BAD_UTF8, STR_NUL };

static const char *str_defect_text(int d)
{
    return d == STR_EMPTY ? "is empty" : d == STR_NUL ? "contains NUL" : "is not valid UTF-8";
}

/* What is wrong with string i, known to be empty (where that is refused),
 * to contain NUL or not to be valid UTF-8. */
static int str_defect(const str_view *v, int64_t i)
{
    int64_t len = view_len(v, i);
    if (len == 0) return STR_EMPTY;
    return memchr(v->data + v->off[i], 0, (size_t)len) ? STR_NUL : STR_BAD_UTF8;
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
    *defect = str_defect(v, first);
    return first;
}

static uint64_t hash_bytes(const unsigned char *s, int64_t len)
{
    return lp_text_hash((const char *)s, (size_t)len);
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
            table[p] = (dup_entry){.tag = e[k].tag, .row = e[k].row + 1};
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
 * hash (may be NULL: computed here, twice) holds hash_bytes of each string.
 * count <= INT32_MAX. The answer does not depend on the threads. Re-hashing
 * the strings twice is cheaper than keeping 8 more bytes per row. */
static int64_t find_duplicate(const str_view *v, const uint64_t *hash, int64_t *earlier)
{
    int64_t count = v->count;
    if (count < 2) return -1;
    int bits = 0;
    while (bits < 16 && ((int64_t)8192 << bits) < count)
        bits++;
    int64_t np = (int64_t)1 << bits;
    int shift = 64 - bits, nt = lp_i_max_threads();
    int64_t *hist = lp_calloc((size_t)(nt * np + np + 1), sizeof *hist);
    int64_t *pstart = hist ? hist + nt * np : NULL;
    dup_entry *part = lp_i_alloc_big((size_t)count * sizeof *part, 0); /* huge pages */
    int64_t *pdup = lp_malloc((size_t)np * sizeof *pdup),
            *pearlier = lp_malloc((size_t)np * sizeof *pearlier);
    dup_entry *tables = NULL;
    int64_t dup = -2;
    if (!hist || !part || !pdup || !pearlier) goto done;
    int par = count >= LP_PARALLEL_MIN;
    (void)par; /* read only by the pragmas: unused in a build without OpenMP */
    /* nt fixed blocks of rows (not threads: the two passes must agree
     * whatever the team sizes); histogram of block b at hist[b * np]. */
#pragma omp parallel for schedule(static) if (par)
    for (int64_t b = 0; b < nt; b++) {
        int64_t *my = hist + b * np;
        for (int64_t i = count * b / nt; i < count * (b + 1) / nt; i++)
            my[bits ? (int64_t)((hash ? hash[i] : str_hash(v, i)) >> shift) : 0]++;
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
    if (!(tables = lp_calloc((size_t)nt * cap, sizeof *tables))) goto done;
#pragma omp parallel for schedule(static) if (par)
    for (int64_t b = 0; b < nt; b++) {
        int64_t *my = hist + b * np;
        for (int64_t i = count * b / nt; i < count * (b + 1) / nt; i++) {
            uint64_t h = hash ? hash[i] : str_hash(v, i);
            part[my[bits ? (int64_t)(h >> shift) : 0]++] =
                (dup_entry){.tag = (uint32_t)h, .row = (int32_t)i};
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

/* ---- the checksum of a dataset (lp_graphstore.h) ------------------------ */

static inline uint64_t cksum_word(uint64_t w, uint64_t i)
{
    uint64_t y = (w ^ (i * 0x9E3779B97F4A7C15ull)) * 0xD6E8FEB86659FD93ull;
    return y ^ (y >> 32);
}

/* The sum of cksum_word over the words of p[0..len), the first being word
 * number first_word of the dataset (the bytes before p are a multiple of 8),
 * the last padded with zeros. OpenMP; integer sums, so the result does not
 * depend on the threads. */
static uint64_t cksum_part(const void *p, size_t len, uint64_t first_word)
{
    const unsigned char *b = p;
    int64_t words = (int64_t)(len / 8);
    uint64_t s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s) if (words >= 8 * LP_PARALLEL_MIN)
    for (int64_t i = 0; i < words; i++) {
        uint64_t w;
        memcpy(&w, b + 8 * (size_t)i, 8);
        s += cksum_word(w, first_word + (uint64_t)i);
    }
    if (len % 8) {
        uint64_t w = 0;
        memcpy(&w, b + 8 * (size_t)words, len % 8);
        s += cksum_word(w, first_word + (uint64_t)words);
    }
    return s;
}

/* ==== writing ============================================================ */

/* One contiguous, unfiltered dataset of the elements of parts[0..np) one
 * after the other (mtype, lens[i] elements each; every part but the last a
 * multiple of 8 bytes), with a checksum attribute when asked. */
static int gs_dataset(lp_h5w *w, hid_t file, const char *path, hid_t ftype, hid_t mtype, int np,
                      const void *const *parts, const int64_t *lens, int checksum)
{
    size_t esize = H5Tget_size(mtype);
    int64_t len = 0;
    for (int i = 0; i < np; i++)
        len += lens[i];
    hsize_t dims[1] = {(hsize_t)len};
    hid_t space = -1, dcpl = -1, dset = -1, mspace = -1;
    int rc = -1;
    if ((space = H5Screate_simple(1, dims, NULL)) < 0 ||
        (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_layout(dcpl, H5D_CONTIGUOUS) < 0 ||
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY) < 0 ||
        (dset = H5Dcreate2(file, path, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) {
        lp_h5w_fail_h5(w, "creating %s", path);
        goto done;
    }
    uint64_t sum = 0;
    int64_t at = 0;
    for (int i = 0; i < np; i++) {
        if (lens[i] == 0) continue;
        hsize_t off[1] = {(hsize_t)at}, cnt[1] = {(hsize_t)lens[i]};
        if (mspace >= 0) H5Sclose(mspace);
        if ((mspace = H5Screate_simple(1, cnt, NULL)) < 0 ||
            H5Sselect_hyperslab(space, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
            H5Dwrite(dset, mtype, mspace, space, H5P_DEFAULT, parts[i]) < 0) {
            lp_h5w_fail_h5(w, "writing %s", path);
            goto done;
        }
        if (w->io_err) goto done;
        if (checksum)
            sum += cksum_part(parts[i], (size_t)lens[i] * esize, (uint64_t)at * esize / 8);
        at += lens[i];
    }
    if (checksum && lp_h5w_attr_u64(w, dset, "checksum", (uint64_t)len * esize + sum)) goto done;
    rc = 0;
done:
    if (mspace >= 0) H5Sclose(mspace);
    if (dset >= 0) H5Dclose(dset);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

static int gs_array(lp_h5w *w, hid_t file, const char *path, hid_t ftype, hid_t mtype, int64_t len,
                    const void *buf, int checksum)
{
    const void *parts[1] = {buf};
    return gs_dataset(w, file, path, ftype, mtype, 1, parts, &len, checksum);
}

/* A string table as it lies in memory: <bytes_path> (each string and its
 * NUL) and <offsets_path> (t->offset and a final t->size). */
static int gs_strings(lp_h5w *w, hid_t file, const char *bytes_path, const char *offsets_path,
                      const lp_strtab *t)
{
    const void *parts[2] = {t->offset, &t->size};
    int64_t lens[2] = {t->count, 1};
    return gs_array(w, file, bytes_path, H5T_STD_U8LE, H5T_NATIVE_UINT8, t->size, t->data, 1) ||
                   gs_dataset(w, file, offsets_path, H5T_STD_I64LE, H5T_NATIVE_INT64, 2, parts,
                              lens, 1)
               ? -1
               : 0;
}

static int gs_csr(lp_h5w *w, hid_t file, const lp_csr *c)
{
    int64_t arcs = 2 * c->m;
    return gs_array(w, file, "/csr/offsets", H5T_STD_I64LE, H5T_NATIVE_INT64, (int64_t)c->n + 1,
                    c->offset, 0) ||
                   gs_array(w, file, "/csr/targets", H5T_STD_I32LE, H5T_NATIVE_INT32, arcs, c->adj,
                            0) ||
                   gs_array(w, file, "/csr/weights", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, arcs,
                            c->weight, 0)
               ? -1
               : 0;
}

/* Bytes of s with every invalid UTF-8 sequence replaced by U+FFFD (paths
 * are arbitrary bytes; HDF5 strings here are declared UTF-8). malloc'ed. */
static char *utf8_sanitize(const char *s)
{
    size_t len = strlen(s);
    char *out = lp_malloc(3 * len + 1), *o = out;
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
    static const char *const names[3] = {"/nodes", "/types", "/csr"};
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

/* A string table of g: packed from offset 0 (lp_strtab_push's layout, which
 * the store keeps), strings valid, unique. */
static lp_status check_table(const lp_strtab *t, int allow_empty, int unique, const char *what)
{
    if (t->count > INT32_MAX) return bad_graph("%lld strings in a table", (long long)t->count);
    if (t->count > 0 ? t->offset[0] != 0 : t->size != 0)
        return bad_graph("%s table does not start at 0", what);
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
    if (!unique) return LP_OK;
    if ((bad = find_duplicate(&v, NULL, &earlier)) == -2)
        return lp_error_nomem("graph store check");
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
        !c->offset || (n > 0 && (!nd->type || !nd->revenue)) ||
        (g->m > 0 && (!c->adj || !c->weight)))
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
    int64_t where = 0;
    lp_csr_defect d = lp_csr_check(c, &where, NULL);
    if (d != LP_CSR_OK)
        return bad_graph("CSR defect %d at %lld (not the CSR of a simple undirected graph)", (int)d,
                         (long long)where);
    if (nd->has_name && nd->name.count != n)
        return bad_graph("%lld names for %lld nodes", (long long)nd->name.count, (long long)n);
    lp_status st = check_table(&nd->type_name, 1, 1, "type name");
    if (!st) st = check_table(&nd->id, 0, 1, "node id");
    if (!st && nd->has_name) st = check_table(&nd->name, 1, 0, "node name");
    return st;
}

/* The roles recorded as root attributes role_anchor, role_person,
 * role_account (each a non-empty type list, valid UTF-8). */
static lp_status check_roles(const lp_roles *roles)
{
    const char *const list[3] = {roles->anchor, roles->person, roles->account};
    for (int i = 0; i < 3; i++)
        if (!list[i] || !*list[i] ||
            !utf8_ok((const unsigned char *)list[i], (int64_t)strlen(list[i])))
            return bad_graph("role %d is empty or not valid UTF-8", i);
    return LP_OK;
}

static int gs_roles(lp_h5w *w, hid_t file, const lp_roles *roles)
{
    if (!roles) return 0;
    return lp_h5w_attr_str_fixed(w, file, "role_anchor", roles->anchor) ||
                   lp_h5w_attr_str_fixed(w, file, "role_person", roles->person) ||
                   lp_h5w_attr_str_fixed(w, file, "role_account", roles->account)
               ? -1
               : 0;
}

lp_status lp_graphstore_write(const char *path, const lp_graph *g, const lp_load_report *src)
{
    return lp_graphstore_write_meta(path, g, src, NULL);
}

lp_status lp_graphstore_write_roles(const char *path, const lp_graph *g, const lp_load_report *src,
                                    const lp_roles *roles)
{
    lp_graphstore_meta meta = LP_GRAPHSTORE_META_INIT;
    meta.roles = roles;
    return lp_graphstore_write_meta(path, g, src, &meta);
}

lp_status lp_graphstore_write_meta(const char *path, const lp_graph *g, const lp_load_report *src,
                                   const lp_graphstore_meta *meta)
{
    const lp_roles *roles = meta ? meta->roles : NULL;
    double min_tie = meta ? meta->min_tie : 0.0;
    lp_status st = check_graph(path, g);
    if (!st && roles) st = check_roles(roles);
    if (!st && !(min_tie >= 0 && isfinite(min_tie)))
        st = bad_graph("min_tie %g is negative or not finite", min_tie);
    if (st) return st;
    lp_h5w w;
    lp_h5w_fileopt fo = LP_H5W_FILEOPT_INIT;
    fo.checksummed_metadata = 1;
    fo.align_threshold = GS_ALIGN;
    fo.align = GS_ALIGN;
    int ok = !lp_h5w_begin_opt(&w, path, &fo);
    hid_t file = w.file;
    ok = ok && !gs_root(&w, file, g) && !gs_groups(&w, file) && !gs_roles(&w, file, roles) &&
         !(min_tie > 0 && lp_h5w_attr_f64(&w, file, "min_tie", min_tie)) &&
         !gs_strings(&w, file, "/nodes/id_bytes", "/nodes/id_offsets", &g->nodes.id) &&
         (!g->nodes.has_name ||
          !gs_strings(&w, file, "/nodes/name_bytes", "/nodes/name_offsets", &g->nodes.name)) &&
         !gs_array(&w, file, "/nodes/type", H5T_STD_I32LE, H5T_NATIVE_INT32, g->n, g->nodes.type,
                   1) &&
         !gs_array(&w, file, "/nodes/revenue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, g->n,
                   g->nodes.revenue, 1) &&
         !gs_strings(&w, file, "/types/name_bytes", "/types/name_offsets", &g->nodes.type_name) &&
         !gs_csr(&w, file, &g->csr) && !gs_source(&w, file, g, src);
    return lp_h5w_end(&w, path, ok);
}

/* ==== reading ============================================================ */

/* What a graph read from a store lives in (its lp_graph_backing): the
 * mapping of the file and the buffers of the datasets read rather than
 * mapped. The graph's node table and CSR are views into these. */
typedef struct gs_backing {
    void *map;
    size_t map_len;
    void **owned;
    int nowned, owned_cap;
} gs_backing;

static void gs_backing_release(void *ctx)
{
    gs_backing *b = ctx;
    if (!b) return;
    for (int i = 0; i < b->nowned; i++)
        free(b->owned[i]);
    free(b->owned);
    if (b->map) munmap(b->map, b->map_len);
    free(b);
}

/* The mapping is PROT_READ and private: no page of it was ever written, so
 * dropping one loses nothing (it is read back from the file's page cache).
 * Drops every page of the mapping except those holding the arrays of g
 * that keep (LP_GS_KEEP_*) names, the pages around them included. */
static void gs_backing_drop_pages(gs_backing *b, const lp_graph *g, unsigned keep)
{
    if (!b || !b->map) return;
    enum { MAX_KEEP = 5 };
    const char *lo[MAX_KEEP], *hi[MAX_KEEP];
    int k = 0;
    const uint64_t n = (uint64_t)g->n, arcs = 2 * (uint64_t)g->m;
#define GS_KEEP(flag, ptr, bytes)                                                                  \
    do {                                                                                           \
        if ((keep & (flag)) && (ptr)) {                                                            \
            lo[k] = (const char *)(ptr);                                                           \
            hi[k] = lo[k] + (bytes);                                                               \
            k++;                                                                                   \
        }                                                                                          \
    } while (0)
    GS_KEEP(LP_GS_KEEP_CSR, g->csr.offset, (n + 1) * sizeof *g->csr.offset);
    GS_KEEP(LP_GS_KEEP_CSR, g->csr.adj, arcs * sizeof *g->csr.adj);
    GS_KEEP(LP_GS_KEEP_WEIGHTS, g->csr.weight, arcs * sizeof *g->csr.weight);
    GS_KEEP(LP_GS_KEEP_NODES, g->nodes.type, n * sizeof *g->nodes.type);
    GS_KEEP(LP_GS_KEEP_NODES, g->nodes.revenue, n * sizeof *g->nodes.revenue);
#undef GS_KEEP
    const uintptr_t page = 4096, base = (uintptr_t)b->map, end = base + b->map_len;
    uintptr_t at = base; /* drop [at, next kept start) for kept ranges in address order */
    for (;;) {
        int next = -1;
        for (int i = 0; i < k; i++) { /* the kept range starting first at or after `at` */
            uintptr_t l = (uintptr_t)lo[i] & ~(page - 1),
                      h = ((uintptr_t)hi[i] + page - 1) & ~(page - 1);
            if (h <= at || l >= end || h <= base) continue; /* passed, or not in the mapping */
            if (next < 0 || l < (((uintptr_t)lo[next]) & ~(page - 1))) next = i;
        }
        uintptr_t stop = next < 0 ? end : ((uintptr_t)lo[next] & ~(page - 1));
        if (stop > at) (void)madvise((void *)at, stop - at, MADV_DONTNEED); /* a hint */
        if (next < 0) break;
        uintptr_t h = ((uintptr_t)hi[next] + page - 1) & ~(page - 1);
        at = h > at ? h : at;
        if (at >= end) break;
    }
}

void lp_graphstore_release_pages(const lp_graph *g, unsigned keep)
{
    if (g && g->backing.release == gs_backing_release)
        gs_backing_drop_pages(g->backing.ctx, g, keep);
}

typedef struct gs_rd {
    lp_h5r h; /* path and status */
    hid_t file;
    int64_t file_size;
    gs_backing *b;
} gs_rd;

/* A dataset opened and checked against what the format says. */
typedef struct gs_col {
    const char *path;
    hid_t dset;
    hid_t mtype;  /* the native memory type it is read as */
    size_t esize; /* bytes per element */
    int64_t len;
    int native; /* the file type is mtype itself (mapping possible) */
} gs_col;

#define GS_COL_NONE                                                                                \
    {                                                                                              \
        NULL, -1, -1, 0, 0, 0                                                                      \
    }

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

/* Where the dataset's data lie in the mapping, or NULL when it is not stored
 * there as in memory (chunked, filtered, external, another byte order,
 * unallocated, misaligned, outside the file). */
static const void *col_mapped(gs_rd *r, const gs_col *c)
{
    const gs_backing *b = r->b;
    size_t bytes = (size_t)c->len * c->esize;
    if (!b->map || !c->native) return NULL;
    hid_t dcpl = H5Dget_create_plist(c->dset);
    if (dcpl < 0) return NULL;
    int plain = H5Pget_layout(dcpl) == H5D_CONTIGUOUS && H5Pget_nfilters(dcpl) == 0 &&
                H5Pget_external_count(dcpl) == 0;
    H5Pclose(dcpl);
    haddr_t at = plain ? H5Dget_offset(c->dset) : HADDR_UNDEF;
    if (at == HADDR_UNDEF || H5Dget_storage_size(c->dset) != bytes || at % c->esize != 0 ||
        at > b->map_len || bytes > b->map_len - at)
        return NULL;
    return (const char *)b->map + at;
}

/* The dataset's data: in the mapping if they lie there as in memory, else
 * read with H5Dread into a buffer the backing owns. */
static int col_data(gs_rd *r, const gs_col *c, const void **out)
{
    static const int64_t empty[2];
    if (c->len == 0) {
        *out = empty;
        return 0;
    }
    if ((*out = col_mapped(r, c))) return 0;
    gs_backing *b = r->b;
    if (b->nowned == b->owned_cap) {
        int cap = b->owned_cap ? 2 * b->owned_cap : 8;
        void **p = lp_realloc(b->owned, (size_t)cap * sizeof *p);
        if (!p) return lp_h5r_nomem(&r->h, c->path);
        b->owned = p;
        b->owned_cap = cap;
    }
    void *buf = lp_i_alloc_big((size_t)c->len * c->esize, 0);
    if (!buf) return lp_h5r_nomem(&r->h, c->path);
    b->owned[b->nowned++] = buf;
    if (H5Dread(c->dset, c->mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        return lp_h5r_fail_h5(&r->h, "reading %s", c->path);
    *out = buf;
    return 0;
}

/* The dataset's data and its "checksum" attribute, for a caller that
 * computes the checksum in its own pass over the data (col_sum_matches). */
static int col_data_sum(gs_rd *r, const gs_col *c, const void **out, uint64_t *want)
{
    return lp_h5r_attr_num(&r->h, want, H5T_NATIVE_UINT64, c->dset, c->path, "checksum", 1) ||
                   col_data(r, c, out)
               ? -1
               : 0;
}

/* 0 if sum (cksum_part over all of c's data) makes want, else the
 * failure. */
static int col_sum_matches(gs_rd *r, const gs_col *c, uint64_t sum, uint64_t want)
{
    if ((uint64_t)c->len * c->esize + sum == want) return 0;
    return lp_h5r_fail(&r->h, "corrupt or truncated file (%s: checksum mismatch)", c->path);
}

/* The dataset's data, checked against its "checksum" attribute. */
static int col_data_checked(gs_rd *r, const gs_col *c, const void **out)
{
    uint64_t want = 0;
    if (col_data_sum(r, c, out, &want)) return -1;
    return col_sum_matches(r, c, cksum_part(*out, (size_t)c->len * c->esize, 0), want);
}

/* Rows per block of the loops that check a column and sum its checksum in
 * one pass (a multiple of 2, so that a block of 4-byte rows is whole
 * 8-byte words). */
#define GS_ROWS 8192

/* cksum_part of rows [i0, i1) of an array of esize-byte rows, i0 * esize
 * a multiple of 8. */
static uint64_t cksum_rows(const void *p, size_t esize, int64_t i0, int64_t i1)
{
    return cksum_part((const char *)p + (size_t)i0 * esize, (size_t)(i1 - i0) * esize,
                      (uint64_t)i0 * esize / 8);
}

/* ---- string tables ----------------------------------------------------- */

/* The table <bytes_path> uint8 [B] + <offsets_path> int64 [count + 1] as an
 * lp_strtab viewing the store's arrays, validated. count < 0: as many
 * strings as the offsets say. ids: strings must be non-empty. unique:
 * no string may repeat. what: "id", "type name" or "name", for messages. */
static int read_strings(gs_rd *r, lp_strtab *out, const char *bytes_path, const char *offsets_path,
                        int64_t count, int ids, int unique, const char *what)
{
    gs_col cb = GS_COL_NONE, co = GS_COL_NONE;
    const void *po = NULL, *pb = NULL;
    uint64_t want_off = 0;
    int rc = -1;
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
    if (col_open(r, &cb, bytes_path, H5T_INTEGER, 1, H5T_SGN_NONE, H5T_NATIVE_UINT8) ||
        col_data_sum(r, &co, &po, &want_off) || col_data_checked(r, &cb, &pb))
        goto done;
    const int64_t *off = po;
    const unsigned char *data = pb;
    int64_t nbytes = cb.len;
    /* One pass over the strings: offsets, NUL, text, and the hash the
     * duplicate search needs; the first defect of each kind, reported in
     * that order (a string whose offsets are bad is not looked into). */
    uint64_t *hash = lp_i_alloc_big((size_t)count * sizeof *hash + 1, 0);
    if (!hash) {
        lp_h5r_nomem(&r->h, "string table");
        goto done;
    }
    int64_t bad_off = count, bad_nul = count, bad_text = count,
            nblk = (count + GS_ROWS - 1) / GS_ROWS;
    uint64_t sum = 0; /* of the offsets */
#pragma omp parallel for schedule(dynamic, 1) reduction(min : bad_off, bad_nul, bad_text) reduction(+ : sum) if (count >= LP_PARALLEL_MIN)
    for (int64_t k = 0; k < nblk; k++) {
        int64_t i1 = (k + 1) * GS_ROWS < count ? (k + 1) * GS_ROWS : count;
        sum += cksum_rows(off, 8, k * GS_ROWS, i1);
        for (int64_t i = k * GS_ROWS; i < i1; i++) {
            int64_t a = off[i], b = off[i + 1];
            if (a < 0 || b < a || b > nbytes) { /* a < 0: row i - 1 is bad too */
                if (i < bad_off) bad_off = i;
            } else if (b == a || data[b - 1] != 0) {
                if (i < bad_nul) bad_nul = i;
            } else if ((b - a == 1 && ids) || !utf8_ok(data + a, b - a - 1)) {
                if (i < bad_text) bad_text = i;
            } else {
                hash[i] = hash_bytes(data + a, b - a - 1);
            }
        }
    }
    sum += cksum_rows(off, 8, count, count + 1);
    str_view v = {.data = data, .off = off, .count = count, .end = nbytes};
    int64_t bad = -1, earlier = 0;
    if (col_sum_matches(r, &co, sum, want_off))
        ;
    else if (off[0] != 0)
        lp_h5r_fail(&r->h, "%s: first value is %lld, not 0", offsets_path, (long long)off[0]);
    else if (bad_off < count)
        lp_h5r_fail(&r->h, "%s: value at row %lld decreases or exceeds the %lld bytes of %s",
                    offsets_path, (long long)bad_off + 1, (long long)nbytes, bytes_path);
    else if (off[count] != nbytes)
        lp_h5r_fail(&r->h, "%s: last value %lld differs from the %lld bytes of %s", offsets_path,
                    (long long)off[count], (long long)nbytes, bytes_path);
    else if (bad_nul < count)
        lp_h5r_fail(&r->h, "%s: %s at row %lld is not NUL-terminated", bytes_path, what,
                    (long long)bad_nul);
    else if (bad_text < count)
        lp_h5r_fail(&r->h, "%s: %s at row %lld %s", bytes_path, what, (long long)bad_text,
                    str_defect_text(str_defect(&v, bad_text)));
    else if (!unique)
        ;
    else if ((bad = find_duplicate(&v, hash, &earlier)) == -2)
        lp_h5r_nomem(&r->h, "string table");
    else if (bad >= 0)
        lp_h5r_fail(&r->h, "%s: duplicate %s at row %lld (same as row %lld)", bytes_path, what,
                    (long long)bad, (long long)earlier);
    free(hash);
    if (r->h.status != LP_OK) goto done;
    /* A view: nothing here is written through these pointers. */
    out->count = count;
    out->offset = (int64_t *)off;
    out->data = (char *)data;
    out->size = nbytes;
    out->offset_cap = out->data_cap = 0;
    rc = 0;
done:
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
    free(info->anchor);
    free(info->person);
    free(info->account);
    memset(info, 0, sizeof *info);
}

/* The optional root attributes role_anchor, role_person, role_account:
 * all three or none; each a non-empty string. */
static int read_roles(gs_rd *r, lp_graphstore_info *info)
{
    static const char *const names[3] = {"role_anchor", "role_person", "role_account"};
    char **out[3] = {&info->anchor, &info->person, &info->account};
    int got = 0;
    for (int i = 0; i < 3; i++) {
        int rc = lp_h5r_attr_str(&r->h, out[i], r->file, "/", names[i], 0);
        if (rc < 0) return -1;
        if (rc == 0) {
            got++;
            if (!**out[i]) return lp_h5r_fail(&r->h, "/: attribute '%s' is empty", names[i]);
        }
    }
    if (got != 0 && got != 3)
        for (int i = 0; i < 3; i++)
            if (!*out[i]) return lp_h5r_fail(&r->h, "/: missing attribute '%s'", names[i]);
    return 0;
}

/* The optional root attribute min_tie: finite and >= 0. */
static int read_min_tie(gs_rd *r, lp_graphstore_info *info)
{
    double v = 0;
    int rc = lp_h5r_attr_num(&r->h, &v, H5T_NATIVE_DOUBLE, r->file, "/", "min_tie", 0);
    if (rc < 0) return -1;
    if (rc == 0 && !(v >= 0 && isfinite(v)))
        return lp_h5r_fail(&r->h, "/: attribute 'min_tie' is negative or not finite");
    info->min_tie = rc == 0 ? v : 0.0;
    return 0;
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
    if (k->version == 1)
        return lp_h5r_fail(&r->h, "unsupported format_version 1 (re-create the store with "
                                  "linchpin import)");
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
    gs_col ct = GS_COL_NONE, cr = GS_COL_NONE;
    const void *pt = NULL, *pr = NULL;
    uint64_t want_t = 0, want_r = 0;
    int rc = -1;
    if (col_open(r, &ct, "/nodes/type", H5T_INTEGER, 4, H5T_SGN_2, H5T_NATIVE_INT32) ||
        col_expect_len(r, &ct, n) ||
        col_open(r, &cr, "/nodes/revenue", H5T_FLOAT, 8, -1, H5T_NATIVE_DOUBLE) ||
        col_expect_len(r, &cr, n) || col_data_sum(r, &ct, &pt, &want_t) ||
        col_data_sum(r, &cr, &pr, &want_r))
        goto done;
    const int32_t *type = pt;
    const double *rev = pr;
    /* Both columns checked and summed in one pass, block by block. */
    int64_t nt = nodes->type_name.count, bad_t = n, bad = n, nblk = (n + GS_ROWS - 1) / GS_ROWS;
    uint64_t sum_t = 0, sum_r = 0;
#pragma omp parallel for schedule(static) reduction(min : bad_t, bad) reduction(+ : sum_t, sum_r) if (n >= LP_PARALLEL_MIN)
    for (int64_t k = 0; k < nblk; k++) {
        int64_t i0 = k * GS_ROWS, i1 = i0 + GS_ROWS < n ? i0 + GS_ROWS : n;
        sum_t += cksum_rows(type, 4, i0, i1);
        sum_r += cksum_rows(rev, 8, i0, i1);
        for (int64_t i = i0; i < i1; i++) {
            if ((type[i] < 0 || type[i] >= nt) && i < bad_t) bad_t = i;
            if ((!(rev[i] >= 0) || !isfinite(rev[i]) || (!has_revenue && rev[i] != 0)) && i < bad)
                bad = i;
        }
    }
    if (col_sum_matches(r, &ct, sum_t, want_t) || col_sum_matches(r, &cr, sum_r, want_r)) goto done;
    if (bad_t < n) {
        lp_h5r_fail(&r->h, "/nodes/type: value out of range at row %lld", (long long)bad_t);
        goto done;
    }
    if (bad < n) {
        lp_h5r_fail(&r->h, "/nodes/revenue: value %s at row %lld",
                    has_revenue ? "negative or not finite" : "not 0 (no revenue column)",
                    (long long)bad);
        goto done;
    }
    /* Views, as the string tables (cap 0: nothing to grow or free). */
    nodes->type = (int32_t *)type;
    nodes->revenue = (double *)rev;
    nodes->has_revenue = has_revenue;
    nodes->cap = 0;
    rc = 0;
done:
    col_close(&cr);
    col_close(&ct);
    return rc;
}

/* The three CSR datasets as *c, validated (lp_csr_check). */
static int read_csr(gs_rd *r, lp_csr *c, int64_t n, int64_t m)
{
    gs_col co = GS_COL_NONE, ct = GS_COL_NONE, cw = GS_COL_NONE;
    const void *po = NULL, *pt = NULL, *pw = NULL;
    int rc = -1;
    if (col_open(r, &co, "/csr/offsets", H5T_INTEGER, 8, H5T_SGN_2, H5T_NATIVE_INT64) ||
        col_expect_len(r, &co, n + 1) ||
        col_open(r, &ct, "/csr/targets", H5T_INTEGER, 4, H5T_SGN_2, H5T_NATIVE_INT32) ||
        col_expect_len(r, &ct, 2 * m) ||
        col_open(r, &cw, "/csr/weights", H5T_FLOAT, 8, -1, H5T_NATIVE_DOUBLE) ||
        col_expect_len(r, &cw, 2 * m) || col_data(r, &co, &po) || col_data(r, &ct, &pt) ||
        col_data(r, &cw, &pw))
        goto done;
    lp_csr v = {.n = (lp_vid)n,
                .m = m,
                .offset = (int64_t *)po,
                .adj = (lp_vid *)pt,
                .weight = (double *)pw};
    int64_t where = 0;
    lp_vid node = 0;
    const int64_t *off = po;
    switch (lp_csr_check(&v, &where, &node)) {
    case LP_CSR_OK:
        *c = v;
        rc = 0;
        break;
    case LP_CSR_OFFSET_FIRST:
        lp_h5r_fail(&r->h, "/csr/offsets: first value is %lld, not 0", (long long)off[0]);
        break;
    case LP_CSR_OFFSET_ORDER:
        lp_h5r_fail(&r->h, "/csr/offsets: value at row %lld decreases", (long long)where);
        break;
    case LP_CSR_OFFSET_LAST:
        lp_h5r_fail(&r->h, "/csr/offsets: last value %lld differs from 2m = %lld",
                    (long long)off[n], (long long)(2 * m));
        break;
    case LP_CSR_RANGE:
        lp_h5r_fail(&r->h, "/csr/targets: value out of range at row %lld", (long long)where);
        break;
    case LP_CSR_SELF:
        lp_h5r_fail(&r->h, "/csr/targets: node %lld lists itself at row %lld", (long long)node,
                    (long long)where);
        break;
    case LP_CSR_ORDER:
        lp_h5r_fail(&r->h, "/csr/targets: not strictly ascending at row %lld", (long long)where);
        break;
    case LP_CSR_WEIGHT:
        lp_h5r_fail(&r->h, "/csr/weights: value not positive and finite at row %lld",
                    (long long)where);
        break;
    case LP_CSR_ASYMMETRIC:
        lp_h5r_fail(&r->h,
                    "/csr: not symmetric (an arc without its reverse, or with another weight)");
        break;
    }
done:
    col_close(&cw);
    col_close(&ct);
    col_close(&co);
    return rc;
}

/* Map the file behind fd (of size bytes) read-only into b; a failure only
 * means every dataset is read instead. */
static void gs_map(gs_backing *b, int fd, int64_t size)
{
    if (size <= 0 || (uint64_t)size > SIZE_MAX) return;
#ifdef MAP_POPULATE
    int flags = MAP_PRIVATE | MAP_POPULATE; /* the checks read every page: fault them in at once */
#else
    int flags = MAP_PRIVATE;
#endif
    void *p = mmap(NULL, (size_t)size, PROT_READ, flags, fd, 0);
    if (p == MAP_FAILED) return;
    b->map = p;
    b->map_len = (size_t)size;
}

lp_status lp_graphstore_read(lp_graph *out, lp_graphstore_info *out_info, const char *path)
{
    gs_rd r;
    lp_graphstore_info info;
    lp_nodes nodes = LP_NODES_INIT;
    lp_csr csr;
    gs_counts k;
    struct stat sb, again;
    hid_t fapl = -1, fcpl = -1;
    memset(&r, 0, sizeof r);
    memset(&info, 0, sizeof info);
    memset(&k, 0, sizeof k);
    memset(&csr, 0, sizeof csr);
    r.h.path = path;
    r.h.status = LP_OK;
    r.file = -1;

    lp_h5_silence();
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    int err = fstat(fd, &sb) != 0 ? errno : 0;
    if (err || !S_ISREG(sb.st_mode)) {
        close(fd);
        if (err) return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(err));
        if (S_ISDIR(sb.st_mode))
            return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(EISDIR));
        return lp_error_set(LP_EINPUT, "%s: cannot open: not a regular file", path);
    }
    r.file_size = (int64_t)sb.st_size;
    if (!(r.b = lp_calloc(1, sizeof *r.b))) {
        close(fd);
        return lp_error_nomem("graph store");
    }
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
    /* HDF5 opened the path anew: it must be the file fd holds (not one
     * renamed into place in between), or the mapping would not be what
     * HDF5's addresses point into. */
    if (stat(path, &again) != 0 || again.st_dev != sb.st_dev || again.st_ino != sb.st_ino) {
        lp_h5r_fail(&r.h, "replaced while being opened (try again)");
        goto done;
    }
    /* Addresses are relative to the end of a user block: map only without. */
    hsize_t userblock = 1;
    if ((fcpl = H5Fget_create_plist(r.file)) < 0 || H5Pget_userblock(fcpl, &userblock) < 0) {
        lp_h5r_fail_h5(&r.h, "opening the file");
        goto done;
    }
    if (userblock == 0) gs_map(r.b, fd, r.file_size);
    if (read_root(&r, &k, &info) || read_source(&r, &info)) goto done;
    int has_name = gs_exists(&r, "/nodes/name_bytes");
    if (has_name < 0 || read_roles(&r, &info) || read_min_tie(&r, &info) ||
        read_strings(&r, &nodes.type_name, "/types/name_bytes", "/types/name_offsets", -1, 0, 1,
                     "type name") ||
        read_strings(&r, &nodes.id, "/nodes/id_bytes", "/nodes/id_offsets", k.n, 1, 1, "id") ||
        (has_name && read_strings(&r, &nodes.name, "/nodes/name_bytes", "/nodes/name_offsets", k.n,
                                  0, 0, "name")) ||
        read_node_columns(&r, &nodes, k.n, (int)k.has_revenue) || read_csr(&r, &csr, k.n, k.m))
        goto done;
    nodes.has_name = has_name;
    lp_graph g;
    lp_graph_backing backing = {.release = gs_backing_release, .ctx = r.b};
    if ((r.h.status = lp_graph_adopt(&g, &nodes, &csr, backing))) goto done;
    /* checked: keep what roles and key persons read next, not the ids (the
     * write's), names or weights (the bus factor's and PageRank's) */
    gs_backing_drop_pages(r.b, &g, LP_GS_KEEP_CSR | LP_GS_KEEP_NODES);
    r.b = NULL; /* the graph's now */
    g.merged_duplicates = k.merged;
    g.dropped_self_loops = k.loops;
    H5Pclose(fcpl);
    H5Fclose(r.file);
    H5Pclose(fapl);
    close(fd);
    *out = g;
    if (out_info)
        *out_info = info;
    else
        lp_graphstore_info_free(&info);
    return LP_OK;
done:
    if (fcpl >= 0) H5Pclose(fcpl);
    if (r.file >= 0) H5Fclose(r.file);
    if (fapl >= 0) H5Pclose(fapl);
    close(fd);
    gs_backing_release(r.b);
    lp_graphstore_info_free(&info);
    return r.h.status != LP_OK ? r.h.status : lp_error_set(LP_EINTERNAL, "%s: read failed", path);
}
