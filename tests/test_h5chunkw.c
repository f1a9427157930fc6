/* test_h5chunkw.c — the parallel chunk writer (io/h5chunkw.c,
 * lp_h5w_column_chunks) against HDF5's own filter pipeline.
 *
 * Oracle: the same data written with H5Dwrite into a dataset of the same
 * creation property list, HDF5 running shuffle, deflate and Fletcher-32
 * itself. Every chunk read back raw (H5Dread_chunk: filter mask and bytes)
 * must be identical, and the values read through HDF5's pipeline (which
 * verifies the checksum) must be the source. With opt.rle (zlib's Z_RLE
 * strategy, which HDF5's pipeline never uses) the chunks differ from
 * HDF5's: there the values read back through HDF5's pipeline must be the
 * source, every chunk must inflate (zlib's uncompress, Adler-32 checked)
 * and the chunks must be the same at every thread count.
 *
 *  1. Columns: u8, int32, int64, float64 and fixed-length strings of 3 and
 *     8 bytes (from memory and through a fill callback), lengths from 1 to
 *     several chunks with and without a partial last chunk, chunk lengths
 *     1000 and 65,536, shuffle on and off, deflate levels 0, 1, 4 and 9,
 *     Fletcher-32 on and off; data mixing runs (compressible) and random
 *     bytes, so compressed chunks have odd and even lengths; at 1, 2 and 8
 *     threads.
 *  2. Fletcher-32 alone against a plain mod-65535 implementation (equal
 *     modulo 65535) and against HDF5's word-by-word order (equal bit for
 *     bit: the stored checksum; the exact bytes are also checked by 1), and
 *     the writer's Adler-32 against zlib's.
 *  3. A whole results file (lp_results_write) of a generated graph with
 *     ~93,000 nodes (2 chunks per node column, the last one partial):
 *     written at 1, 2 and 8 threads and with HDF5 running the filters
 *     (lp_i_h5w_hdf5_filters); every dataset's creation properties and
 *     values equal across the four files; the raw chunks equal at 1, 2 and
 *     8 threads (and the file sizes), and equal to HDF5's for the columns
 *     deflated with the default strategy (text, offsets, /accounts/node);
 *     the others (Z_RLE) inflate with zlib.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "lp_i_h5.h"
#include "lp_pipeline.h"
#include "lp_results.h"
#include "lp_test.h"

static char dir[64];

/* ---- comparing two datasets chunk by chunk ------------------------------ */

/* 1 when the datasets have the same filters, chunk length, values and,
 * with raw, raw chunks (mask and bytes). pathb: b's name (NULL: path). */
static int same_dataset(hid_t fa, hid_t fb, const char *path, const char *pathb, int raw,
                        const char *what)
{
    hid_t a = H5Dopen2(fa, path, H5P_DEFAULT), b = H5Dopen2(fb, pathb ? pathb : path, H5P_DEFAULT);
    int ok = 0;
    unsigned char *va = NULL, *vb = NULL, *ca = NULL, *cb = NULL;
    hid_t pa = -1, pb = -1, ta = -1, tb = -1, sa = -1, sb = -1;
    if (a < 0 || b < 0) {
        CHECK(0, "%s: %s missing", what, path);
        goto done;
    }
    pa = H5Dget_create_plist(a), pb = H5Dget_create_plist(b);
    ta = H5Dget_type(a), tb = H5Dget_type(b);
    sa = H5Dget_space(a), sb = H5Dget_space(b);
    hsize_t na = 0, nb = 0, cka = 0, ckb = 0;
    H5Sget_simple_extent_dims(sa, &na, NULL);
    H5Sget_simple_extent_dims(sb, &nb, NULL);
    H5Pget_chunk(pa, 1, &cka);
    H5Pget_chunk(pb, 1, &ckb);
    int nf = H5Pget_nfilters(pa);
    int props = H5Tequal(ta, tb) > 0 && na == nb && cka == ckb && nf == H5Pget_nfilters(pb);
    for (int i = 0; props && i < nf; i++) {
        unsigned fl1, fl2, cd1[8] = {0}, cd2[8] = {0};
        size_t n1 = 8, n2 = 8;
        props = H5Pget_filter2(pa, (unsigned)i, &fl1, &n1, cd1, 0, NULL, NULL) ==
                    H5Pget_filter2(pb, (unsigned)i, &fl2, &n2, cd2, 0, NULL, NULL) &&
                fl1 == fl2 && n1 == n2 && !memcmp(cd1, cd2, sizeof cd1);
    }
    CHECK(props, "%s: %s: creation properties differ", what, path);
    if (!props) goto done;
    size_t es = H5Tget_size(ta), bytes = (size_t)na * es;
    va = calloc(bytes + 1, 1), vb = calloc(bytes + 1, 1);
    if (!va || !vb) abort();
    if (na > 0) {
        CHECK(H5Dread(a, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, va) >= 0 &&
                  H5Dread(b, tb, H5S_ALL, H5S_ALL, H5P_DEFAULT, vb) >= 0,
              "%s: %s: cannot read", what, path);
        CHECK(!memcmp(va, vb, bytes), "%s: %s: values differ", what, path);
    }
    for (hsize_t off = 0; raw && off < na; off += cka) {
        hsize_t o[1] = {off}, za = 0, zb = 0;
        uint32_t ma = 99, mb = 99;
        if (H5Dget_chunk_storage_size(a, o, &za) < 0 || H5Dget_chunk_storage_size(b, o, &zb) < 0 ||
            za != zb) {
            CHECK(0, "%s: %s: chunk at %llu: stored sizes %llu and %llu", what, path,
                  (unsigned long long)off, (unsigned long long)za, (unsigned long long)zb);
            goto done;
        }
        free(ca);
        free(cb);
        ca = malloc(za + 1), cb = malloc(zb + 1);
        if (!ca || !cb) abort();
        if (H5Dread_chunk(a, H5P_DEFAULT, o, &ma, ca) < 0 ||
            H5Dread_chunk(b, H5P_DEFAULT, o, &mb, cb) < 0 || ma != mb || memcmp(ca, cb, za)) {
            CHECK(0, "%s: %s: chunk at %llu differs (masks %u %u)", what, path,
                  (unsigned long long)off, ma, mb);
            goto done;
        }
    }
    ok = 1;
done:
    free(va), free(vb), free(ca), free(cb);
    if (sa >= 0) H5Sclose(sa);
    if (sb >= 0) H5Sclose(sb);
    if (ta >= 0) H5Tclose(ta);
    if (tb >= 0) H5Tclose(tb);
    if (pa >= 0) H5Pclose(pa);
    if (pb >= 0) H5Pclose(pb);
    if (a >= 0) H5Dclose(a);
    if (b >= 0) H5Dclose(b);
    return ok;
}

/* 1 when every chunk of the deflated dataset `path` (elements of es bytes;
 * fletcher: its last 4 bytes are the checksum) is a zlib stream that
 * zlib's uncompress (Adler-32 checked) inflates to exactly one chunk. */
static int inflates(hid_t file, const char *path, size_t es, int fletcher, const char *what)
{
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT), sp = H5Dget_space(d), pl = H5Dget_create_plist(d);
    hsize_t n = 0, ck = 0;
    H5Sget_simple_extent_dims(sp, &n, NULL);
    H5Pget_chunk(pl, 1, &ck);
    size_t cb = (size_t)ck * es;
    unsigned char *raw = malloc(2 * cb + 64), *out = malloc(cb + 1);
    if (!raw || !out) abort();
    int ok = 1;
    for (hsize_t off = 0; ok && off < n; off += ck) {
        hsize_t o[1] = {off}, z = 0;
        uint32_t mask = 99;
        uLongf got = (uLongf)cb;
        ok = H5Dget_chunk_storage_size(d, o, &z) >= 0 && z <= 2 * cb + 64 &&
             H5Dread_chunk(d, H5P_DEFAULT, o, &mask, raw) >= 0 && mask == 0 &&
             z > (fletcher ? 4u : 0u) &&
             uncompress(out, &got, raw, (uLong)(z - (fletcher ? 4 : 0))) == Z_OK && got == cb;
        CHECK(ok, "%s: %s: chunk at %llu is not a zlib stream of one chunk", what, path,
              (unsigned long long)off);
    }
    free(raw);
    free(out);
    H5Pclose(pl);
    H5Sclose(sp);
    H5Dclose(d);
    return ok;
}

/* ---- 1. columns against HDF5's pipeline --------------------------------- */

typedef struct src {
    const unsigned char *bytes;
    size_t es;
} src;

static void fill_from(const void *ctx, int64_t start, int64_t count, unsigned char *dst)
{
    const src *s = ctx;
    memcpy(dst, s->bytes + (size_t)start * s->es, (size_t)count * s->es);
}

/* n elements of es bytes: runs of a repeated value (compressible) and
 * random stretches. */
static unsigned char *make_data(int64_t n, size_t es, int strings)
{
    unsigned char *p = malloc((size_t)n * es + 1);
    if (!p) abort();
    for (int64_t i = 0; i < n;) {
        int64_t run = 1 + rnd_below(300);
        int random = rnd_below(3) == 0;
        uint64_t v = rnd();
        for (int64_t k = 0; k < run && i < n; k++, i++)
            for (size_t b = 0; b < es; b++) {
                unsigned char c = (unsigned char)((random ? rnd() : v) >> (8 * (b % 8)));
                if (strings) c = (unsigned char)(b == es - 1 && (v & 1) ? 0 : 'a' + c % 26);
                p[(size_t)i * es + b] = c;
            }
    }
    return p;
}

typedef struct kind {
    const char *name;
    hid_t type; /* file type (set in main) */
    size_t es;
    int strings;
} kind;

static int n_cases;

static void test_columns(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/columns.h5", dir);
    hid_t s3 = H5Tcopy(H5T_C_S1), s8 = H5Tcopy(H5T_C_S1);
    H5Tset_size(s3, 3);
    H5Tset_size(s8, 8);
    H5Tset_strpad(s3, H5T_STR_NULLPAD);
    H5Tset_strpad(s8, H5T_STR_NULLPAD);
    const kind kinds[] = {
        {"u8", H5T_STD_U8LE, 1, 0},    {"i32", H5T_STD_I32LE, 4, 0}, {"i64", H5T_STD_I64LE, 8, 0},
        {"f64", H5T_IEEE_F64LE, 8, 0}, {"str3", s3, 3, 1},           {"str8", s8, 8, 1},
    };
    const int64_t lens[] = {1, 999, 1000, 1001, 4321, 65536 * 2 + 17};
    const int levels[] = {0, 1, 4, 9};
    const int threads[] = {1, 2, 8};
    lp_h5w w;
    if (lp_h5w_begin(&w, path)) abort();
    hid_t file = w.file;
    int ds = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++)
            for (int variant = 0; variant < 8; variant++) {
                const kind *kd = &kinds[k];
                int64_t len = lens[l];
                /* time under ASan */
                if (len > 10000 && variant != 0 && variant != 5 && variant != 7) continue;
                lp_h5w_colopt opt = LP_H5W_COLOPT_INIT;
                opt.chunk = variant >= 5 && variant != 6 ? 65536 : 1000;
                opt.shuffle = !kd->strings && variant != 1;
                opt.deflate = variant == 5 ? 4 : levels[(variant + (int)k + (int)l) % 4];
                opt.fletcher32 = variant != 2;
                /* 6, 7: Z_RLE, with and without shuffle and Fletcher-32 */
                opt.rle = variant >= 6;
                if (opt.rle && opt.deflate == 0) opt.deflate = 1 + (int)(k + l) % 9;
                if (variant == 6) opt.shuffle = opt.shuffle && l % 2, opt.fletcher32 = k % 2;
                if (opt.deflate == 0 && !opt.fletcher32 && !opt.shuffle) opt.fletcher32 = 1;
                int from_fill = variant == 3 || kd->strings;
                unsigned char *data = make_data(len, kd->es, kd->strings);
                char ref[64];
                snprintf(ref, sizeof ref, "/ref%d", ds);
                hid_t d = lp_h5w_column_create_opt(&w, file, ref, kd->type, len, &opt);
                CHECK(d >= 0 && H5Dwrite(d, kd->type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0,
                      "H5Dwrite %s", ref);
                if (d >= 0) H5Dclose(d);
                for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
                    char ours[64];
                    snprintf(ours, sizeof ours, "/ours%d_%d", ds, threads[t]);
                    set_threads(threads[t]);
                    src s = {data, kd->es};
                    d = lp_h5w_column_create_opt(&w, file, ours, kd->type, len, &opt);
                    CHECK(d >= 0 && !lp_h5w_column_chunks(&w, d, ours, &opt, kd->es, len,
                                                          from_fill ? NULL : data,
                                                          from_fill ? fill_from : NULL, &s),
                          "lp_h5w_column_chunks %s: %s", ours, w.reason);
                    if (d >= 0) H5Dclose(d);
                    char what[160];
                    snprintf(what, sizeof what,
                             "%s len %lld chunk %lld shuffle %d deflate %d rle %d fletcher %d "
                             "fill %d threads %d",
                             kd->name, (long long)len, (long long)opt.chunk, opt.shuffle,
                             opt.deflate, opt.rle, opt.fletcher32, from_fill, threads[t]);
                    /* HDF5's own bytes; with rle: the values, every chunk a valid
                     * zlib stream, and the bytes of 1 thread */
                    int same = same_dataset(file, file, ref, ours, !opt.rle, what);
                    if (opt.rle) {
                        char one[64];
                        snprintf(one, sizeof one, "/ours%d_1", ds);
                        same = same && inflates(file, ours, kd->es, opt.fletcher32, what) &&
                               same_dataset(file, file, one, ours, 1, what);
                    }
                    if (!same) fprintf(stderr, "  (%s)\n", what);
                    /* and the values are the source */
                    hid_t rd = H5Dopen2(file, ours, H5P_DEFAULT);
                    unsigned char *back = malloc((size_t)len * kd->es + 1);
                    if (!back) abort();
                    CHECK(rd >= 0 &&
                              H5Dread(rd, kd->type, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0 &&
                              !memcmp(back, data, (size_t)len * kd->es),
                          "%s: values read back differ from the source", what);
                    free(back);
                    if (rd >= 0) H5Dclose(rd);
                    n_cases++;
                }
                free(data);
                ds++;
            }
    set_threads(2);
    CHECK(lp_h5w_end(&w, path, 1) == LP_OK, "closing %s: %s", path, lp_error_message());
    H5Tclose(s3);
    H5Tclose(s8);
    unlink(path);
}

/* ---- 2. Fletcher-32 ------------------------------------------------------ */

/* Both sums mod 65535 the plain way. */
static uint32_t fletcher_plain(const unsigned char *p, size_t len)
{
    uint64_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < len; i += 2) {
        uint64_t word = (uint64_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
        s1 = (s1 + word) % 65535;
        s2 = (s2 + s1) % 65535;
    }
    return (uint32_t)(s2 << 16 | s1);
}

/* HDF5's own order (H5_checksum_fletcher32): word by word, both sums
 * folded after every 360 words, after an odd last byte and at the end. The
 * exact bits, 0 vs 65535 included, must match: they are stored. */
static uint32_t fletcher_hdf5(const unsigned char *p, size_t len)
{
    uint32_t s1 = 0, s2 = 0;
    size_t words = len / 2;
    while (words > 0) {
        size_t k = words > 360 ? 360 : words;
        words -= k;
        do {
            s1 += (uint32_t)p[0] << 8 | p[1];
            p += 2;
            s2 += s1;
        } while (--k);
        s1 = (s1 & 0xffff) + (s1 >> 16);
        s2 = (s2 & 0xffff) + (s2 >> 16);
    }
    if (len % 2) {
        s1 += (uint32_t)p[0] << 8;
        s2 += s1;
        s1 = (s1 & 0xffff) + (s1 >> 16);
        s2 = (s2 & 0xffff) + (s2 >> 16);
    }
    s1 = (s1 & 0xffff) + (s1 >> 16);
    s2 = (s2 & 0xffff) + (s2 >> 16);
    return s2 << 16 | s1;
}

static void test_fletcher(void)
{
    enum { N = 5000 };
    unsigned char *p = malloc(N);
    if (!p) abort();
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++)
            p[i] = round == 0 ? 0xff : round == 1 ? 0 : (unsigned char)rnd();
        for (size_t len = 0; len <= N; len += len < 800 ? 1 : 97) {
            uint32_t a = lp_h5c_fletcher32(p, len), b = fletcher_plain(p, len);
            CHECK((a & 0xffff) % 65535 == (b & 0xffff) && (a >> 16) % 65535 == (b >> 16),
                  "fletcher32 of %zu bytes (round %d): %08x, plain %08x", len, round, a, b);
            uint32_t c = fletcher_hdf5(p, len);
            CHECK(a == c, "fletcher32 of %zu bytes (round %d): %08x, HDF5's order %08x", len, round,
                  a, c);
        }
    }
    free(p);
}

/* Adler-32 against zlib's adler32: lengths 0 to 5000 and long buffers
 * (several of the AVX2 path's 32 KB runs), every byte 0xff (the largest
 * sums), 0 and random, from offsets 0 to 31 and continuing from a value
 * other than 1. */
static void test_adler(void)
{
    enum { N = 300000 };
    unsigned char *p = malloc(N + 32);
    if (!p) abort();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N + 32; i++)
            p[i] = round == 0 ? 0xff : round == 1 ? 0 : (unsigned char)rnd();
        for (size_t len = 0; len <= N; len += len < 5000 ? 1 : 7919 + len / 3) {
            size_t at = (len + (size_t)round) % 32;
            uint32_t start =
                len % 3 == 0 ? 1 : (uint32_t)(rnd() % 65521) << 16 | (uint32_t)(rnd() % 65521);
            uint32_t ours = lp_h5c_adler32(start, p + at, len);
            uint32_t zlib = (uint32_t)adler32(start, p + at, (uInt)len);
            CHECK(ours == zlib,
                  "adler32 of %zu bytes at +%zu (round %d, from %08x): %08x, zlib %08x", len, at,
                  round, start, ours, zlib);
        }
    }
    free(p);
}

/* ---- 3. a whole results file --------------------------------------------- */

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static int collect(hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
    (void)obj;
    char(*names)[128] = data;
    if (info->type != H5O_TYPE_DATASET) return 0;
    int i = 0;
    while (names[i][0])
        i++;
    if (i < 63) snprintf(names[i], 128, "/%s", name);
    return 0;
}

static void test_results(void)
{
    lp_graph g = lp_test_enterprise(30000, 3);
    CHECK(g.n > 65536, "graph too small: %lld nodes", (long long)g.n);
    lp_analyze_options o = LP_ANALYZE_OPTIONS_INIT;
    o.betweenness = LP_BW_OFF;
    lp_analysis a;
    set_threads(2);
    if (lp_analyze(&a, &g, &o)) {
        fprintf(stderr, "analyze: %s\n", lp_error_message());
        abort();
    }
    lp_run_info info = {.command_line = "test_h5chunkw", .threads = 2};
    const char *mode[4] = {"hdf5", "1", "2", "8"};
    char path[4][128];
    for (int i = 0; i < 4; i++) {
        snprintf(path[i], sizeof path[i], "%s/res-%s.h5", dir, mode[i]);
        lp_i_h5w_hdf5_filters = i == 0;
        set_threads(i == 0 ? 2 : atoi(mode[i]));
        CHECK(lp_results_write(path[i], &g, &a, &info) == LP_OK, "write %s: %s", mode[i],
              lp_error_message());
    }
    lp_i_h5w_hdf5_filters = 0;
    set_threads(2);
    static char names[64][128];
    hid_t ref = H5Fopen(path[0], H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(ref >= 0 && H5Ovisit(ref, H5_INDEX_NAME, H5_ITER_INC, collect, names) >= 0, "listing %s",
          path[0]);
    int nd = 0;
    while (names[nd][0])
        nd++;
    CHECK(nd >= 20, "only %d datasets", nd);
    hid_t one = H5Fopen(path[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    hsize_t rle_ours = 0, rle_hdf5 = 0;
    for (int i = 1; i < 4; i++) {
        CHECK(file_size(path[i]) == file_size(path[1]), "%s threads: %ld bytes, 1 thread: %ld",
              mode[i], file_size(path[i]), file_size(path[1]));
        hid_t f = H5Fopen(path[i], H5F_ACC_RDONLY, H5P_DEFAULT);
        char what[64], what1[64];
        snprintf(what, sizeof what, "results at %s threads vs HDF5's filters", mode[i]);
        snprintf(what1, sizeof what1, "results at %s threads vs 1 thread", mode[i]);
        for (int k = 0; k < nd; k++) {
            /* Z_RLE everywhere but text, offsets and /accounts/node (the
             * writer's choice, docs/results-format.md): those are HDF5's
             * own bytes, the others its values */
            hid_t d = H5Dopen2(f, names[k], H5P_DEFAULT), t = H5Dget_type(d);
            size_t es = H5Tget_size(t);
            int text = H5Tget_class(t) == H5T_STRING, nl = (int)strlen(names[k]);
            H5Tclose(t);
            H5Dclose(d);
            int matches = text || (nl > 8 && !strcmp(names[k] + nl - 8, "_offsets")) ||
                          (nl > 6 && !strcmp(names[k] + nl - 6, "_bytes")) ||
                          !strcmp(names[k], "/accounts/node");
            same_dataset(ref, f, names[k], NULL, matches, what);
            if (!matches && i == 1) { /* Z_RLE applied: other bytes than HDF5's */
                hid_t da = H5Dopen2(ref, names[k], H5P_DEFAULT),
                      db = H5Dopen2(f, names[k], H5P_DEFAULT);
                rle_ours += H5Dget_storage_size(db);
                rle_hdf5 += H5Dget_storage_size(da);
                H5Dclose(da);
                H5Dclose(db);
            }
            if (!matches && i == 1) inflates(f, names[k], es, 1, what);
            if (i > 1) same_dataset(one, f, names[k], NULL, 1, what1);
        }
        if (f >= 0) H5Fclose(f);
    }
    CHECK(rle_ours > 0 && rle_ours != rle_hdf5, "Z_RLE columns: %llu bytes, HDF5's: %llu",
          (unsigned long long)rle_ours, (unsigned long long)rle_hdf5);
    if (ref >= 0) H5Fclose(ref);
    if (one >= 0) H5Fclose(one);
    for (int i = 0; i < 4; i++)
        unlink(path[i]);
    lp_analysis_free(&a);
    lp_graph_free(&g);
}

int main(void)
{
    lp_h5_silence();
    rng_state = 17;
    snprintf(dir, sizeof dir, "/tmp/lp_h5chunkw_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    test_fletcher();
    test_adler();
    test_columns();
    test_results();
    rmdir(dir);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_h5chunkw: all checks passed (%d column cases)\n", n_cases);
    return 0;
}
