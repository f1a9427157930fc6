/* bench_h5write.c — the results file's column writes alone (issue 17:
 * "written in <= 1.5 s").
 *
 *   bench_h5write RESULTS.h5 OUT.h5 [--runs R] [--threads T] [--level L]
 *                 [--rle writer|none|all] [--hdf5-filters]
 *
 * Reads every dataset of an existing results file (the columns of a real
 * analysis, in the file's byte order) into memory, then writes them R times
 * to OUT.h5 the way lp_results_write does (same file options, chunk length,
 * shuffle as in the source, deflate level L — default the writer's,
 * LP_H5_DEFLATE —, Fletcher-32): through lp_h5w_column_chunks (the filters
 * run by T OpenMP threads), or with --hdf5-filters through H5Dwrite, HDF5
 * running them serially (the writer before 2026-12-05). --rle: which
 * columns are deflated with zlib's Z_RLE strategy: as lp_results_write
 * chooses (writer, the default: every numeric column but offsets,
 * /accounts/node and string bytes), none (zlib's default strategy, HDF5's
 * own bytes) or all. Prints, per run,
 * the wall and CPU seconds of the writes (open to rename, fsync included),
 * the share of the machine other processes used meanwhile, then the median
 * and the file size; one key=value line each (bench_util.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "lp_i_h5.h"

typedef struct column {
    char path[256];
    hid_t type; /* the file's type (a copy) */
    int64_t len, chunk;
    int shuffle;
    int runs; /* lp_results_write deflates it with Z_RLE (its col_pack RUNS) */
    void *data;
} column;

static int ends_with(const char *s, const char *end)
{
    size_t a = strlen(s), b = strlen(end);
    return a >= b && !strcmp(s + a - b, end);
}

typedef struct columns {
    column *c;
    int n, cap;
} columns;

static herr_t visit(hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
    columns *cs = data;
    if (info->type != H5O_TYPE_DATASET) return 0;
    if (cs->n == cs->cap) {
        cs->cap = cs->cap ? 2 * cs->cap : 32;
        column *nc = realloc(cs->c, (size_t)cs->cap * sizeof *nc);
        if (!nc) return -1;
        cs->c = nc;
    }
    column *c = &cs->c[cs->n];
    hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hid_t sp = H5Dget_space(d), dcpl = H5Dget_create_plist(d);
    hsize_t dims[1] = {0}, cd[1] = {0};
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Pget_chunk(dcpl, 1, cd);
    snprintf(c->path, sizeof c->path, "/%s", name);
    c->type = H5Tcopy(H5Dget_type(d));
    c->len = (int64_t)dims[0];
    c->chunk = (int64_t)cd[0];
    c->shuffle = 0;
    for (int i = 0; i < H5Pget_nfilters(dcpl); i++) {
        unsigned flags;
        size_t nelem = 0;
        if (H5Pget_filter2(dcpl, (unsigned)i, &flags, &nelem, NULL, 0, NULL, NULL) ==
            H5Z_FILTER_SHUFFLE)
            c->shuffle = 1;
    }
    c->runs = H5Tget_class(c->type) != H5T_STRING && !ends_with(c->path, "_offsets") &&
              !ends_with(c->path, "_bytes") && strcmp(c->path, "/accounts/node") != 0;
    size_t bytes = (size_t)c->len * H5Tget_size(c->type);
    c->data = malloc(bytes ? bytes : 1);
    if (!c->data || (c->len > 0 && H5Dread(d, c->type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c->data) < 0))
        return -1;
    H5Pclose(dcpl);
    H5Sclose(sp);
    H5Dclose(d);
    cs->n++;
    return 0;
}

static void make_groups(hid_t file, const char *path)
{
    char buf[256];
    for (const char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        snprintf(buf, sizeof buf, "%.*s", (int)(p - path), path);
        H5E_BEGIN_TRY
        {
            hid_t g = H5Gopen2(file, buf, H5P_DEFAULT);
            if (g < 0) g = H5Gcreate2(file, buf, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (g >= 0) H5Gclose(g);
        }
        H5E_END_TRY;
    }
}

static int write_all(const columns *cs, const char *out, int level, int rle)
{
    lp_h5w w;
    lp_h5w_fileopt fopt = LP_H5W_FILEOPT_INIT;
    fopt.checksummed_metadata = 1;
    int ok = !lp_h5w_begin_opt(&w, out, &fopt);
    for (int i = 0; ok && i < cs->n; i++) {
        const column *c = &cs->c[i];
        lp_h5w_colopt opt = LP_H5W_COLOPT_INIT;
        opt.chunk = c->chunk;
        opt.shuffle = c->shuffle;
        opt.deflate = level;
        opt.rle = rle == 2 || (rle == 1 && c->runs);
        make_groups(w.file, c->path);
        hid_t d = lp_h5w_column_create_opt(&w, w.file, c->path, c->type, c->len, &opt);
        if (d < 0) {
            ok = 0;
            break;
        }
        if (c->len > 0) {
            if (lp_i_h5w_hdf5_filters)
                ok = H5Dwrite(d, c->type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c->data) >= 0;
            else
                ok = !lp_h5w_column_chunks(&w, d, c->path, &opt, H5Tget_size(c->type), c->len,
                                           c->data, NULL, NULL);
        }
        H5Dclose(d);
    }
    lp_status st = lp_h5w_end(&w, out, ok);
    if (st) fprintf(stderr, "bench_h5write: %s\n", lp_error_message());
    return st ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_h5write RESULTS.h5 OUT.h5 [--runs R] [--threads T] "
                        "[--level L] [--rle writer|none|all] [--hdf5-filters]\n");
        return 2;
    }
    int runs = 3, threads = 0, level = LP_H5_DEFLATE, rle = 1;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--level") && i + 1 < argc)
            level = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rle") && i + 1 < argc) {
            const char *v = argv[++i];
            rle = !strcmp(v, "none") ? 0 : !strcmp(v, "all") ? 2 : 1;
        } else if (!strcmp(argv[i], "--hdf5-filters"))
            lp_i_h5w_hdf5_filters = 1;
        else {
            fprintf(stderr, "bench_h5write: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (runs < 1 || runs > 99) runs = 3;
    lp_h5_silence();
    bench_info b;
    bench_info_init(&b, "h5write", threads);
    columns cs = {NULL, 0, 0};
    hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0 || H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, visit, &cs) < 0) {
        fprintf(stderr, "bench_h5write: cannot read %s\n", argv[1]);
        return 3;
    }
    H5Fclose(f);
    double raw = 0;
    for (int i = 0; i < cs.n; i++)
        raw += (double)cs.c[i].len * (double)H5Tget_size(cs.c[i].type);
    double wall[99], cpu[99];
    for (int r = 0; r < runs; r++) {
        bench_cpu a = bench_cpu_now();
        if (write_all(&cs, argv[2], level, rle)) return 4;
        bench_cpu z = bench_cpu_now();
        wall[r] = z.wall - a.wall;
        cpu[r] = z.self - a.self;
        char extra[160];
        snprintf(extra, sizeof extra, "run=%d wall_s=%.3f cpu_s=%.3f others=%.2f", r + 1, wall[r],
                 cpu[r], bench_others(&a, &z, b.nproc));
        bench_line(&b, "write_run", b.threads, 1, wall[r], extra);
    }
    struct stat sb;
    char extra[200];
    snprintf(extra, sizeof extra,
             "filters=%s level=%d rle=%s datasets=%d raw_mb=%.1f file_mb=%.1f cpu_median_s=%.3f",
             lp_i_h5w_hdf5_filters ? "hdf5" : "ours", level,
             rle == 0   ? "none"
             : rle == 2 ? "all"
                        : "writer",
             cs.n, raw / 1e6, stat(argv[2], &sb) == 0 ? (double)sb.st_size / 1e6 : -1.0,
             bench_median(cpu, runs));
    bench_line(&b, "write", b.threads, runs, bench_median(wall, runs), extra);
    return 0;
}
