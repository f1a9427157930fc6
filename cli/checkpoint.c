/* checkpoint.c — `analyze --checkpoint DIR`: the files that let a long
 * exact-betweenness run resume (lp_dist.h's ckpt_load and ckpt_save).
 *
 * The sources are cut into LP_BW_CHUNKS chunks fixed by the graph; each
 * rank writes DIR/part-STAMP-RANK.ckpt (STAMP: one per run, from rank 0)
 * holding which chunks it has finished ("held") and the exact sums of
 * those chunks, rewritten atomically (temporary file, fsync, rename) after
 * a round of chunks when LINCHPIN_CHECKPOINT_SECONDS (default 60) have
 * passed since its last save, and at the end. Sums of chunks add up
 * exactly in any order, so a resumed run only has to add the files up.
 *
 * Resume: every rank reads every file of DIR (same key: same graph and
 * block decomposition; another key is an error). A file whose chunks are
 * all in another file is left out (it was absorbed by a later run that
 * stopped before deleting it); the rest must hold disjoint chunks. Every
 * rank skips the union; rank 0 takes the sums of all of them into its own
 * first file and then deletes the files it read. Any rank count may
 * resume any other's files.
 *
 * File: "LPCKPT01", key, n_chunks, n_words (u64 each, native byte order),
 * held[n_chunks] bytes, acc[n_words] u64, FNV-1a of all that (u64).
 *
 * Test hook: LINCHPIN_TEST_CHECKPOINT_KILL=N makes a rank kill itself
 * (SIGKILL) right after its N-th save. */
#include "lp_cli_checkpoint.h"
#include "lp_cli.h"
#include "lp_cli_mpi.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char MAGIC[8] = {'L', 'P', 'C', 'K', 'P', 'T', '0', '1'};

typedef struct ckpt {
    const char *dir;
    uint64_t stamp;
    char **loaded; /* files read at load, deleted by rank 0 after its first save */
    int n_loaded;
    int saved, saves;
    double last;
} ckpt;

static ckpt g_ck;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Read one file; held and acc may be NULL (header and held only). */
static lp_status read_file(const char *path, uint64_t key, int64_t n_chunks, int64_t n_words,
                           uint8_t *held, uint64_t *acc)
{
    FILE *f = fopen(path, "rb");
    if (!f) return lp_error_set(LP_EINPUT, "checkpoint %s: %s", path, strerror(errno));
    char magic[8];
    uint64_t hdr[3], sum = 0xcbf29ce484222325ULL, want;
    lp_status st = LP_OK;
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, MAGIC, 8) || fread(hdr, 8, 3, f) != 3) {
        st = lp_error_set(LP_EINPUT, "checkpoint %s: not a linchpin checkpoint file", path);
        goto done;
    }
    if (hdr[0] != key || hdr[1] != (uint64_t)n_chunks || hdr[2] != (uint64_t)n_words) {
        st = lp_error_set(LP_EUSAGE,
                          "checkpoint %s is of another graph or other options; remove it or use "
                          "another --checkpoint directory",
                          path);
        goto done;
    }
    if (!held) goto done;
    sum = fnv(fnv(sum, magic, 8), hdr, sizeof hdr);
    if (fread(held, 1, (size_t)n_chunks, f) != (size_t)n_chunks) goto short_read;
    sum = fnv(sum, held, (size_t)n_chunks);
    if (acc) {
        if (fread(acc, 8, (size_t)n_words, f) != (size_t)n_words) goto short_read;
        sum = fnv(sum, acc, (size_t)n_words * 8);
        if (fread(&want, 8, 1, f) != 1) goto short_read;
        if (want != sum) {
            st = lp_error_set(LP_EINPUT, "checkpoint %s: checksum mismatch (damaged file)", path);
            goto done;
        }
    }
    goto done;
short_read:
    st = lp_error_set(LP_EINPUT, "checkpoint %s: file is truncated", path);
done:
    fclose(f);
    return st;
}

static void free_loaded(void)
{
    for (int i = 0; i < g_ck.n_loaded; i++)
        free(g_ck.loaded[i]);
    free(g_ck.loaded);
    g_ck.loaded = NULL;
    g_ck.n_loaded = 0;
}

/* This rank's part of the load (no collective). */
static lp_status load_local(uint64_t key, int64_t n_chunks, uint8_t *done, uint8_t *held,
                            int64_t n_words, uint64_t *acc, int64_t *n_done)
{
    if (mkdir(g_ck.dir, 0777) != 0 && errno != EEXIST)
        return lp_error_set(LP_EOUTPUT, "checkpoint directory %s: %s", g_ck.dir, strerror(errno));
    DIR *dir = opendir(g_ck.dir);
    if (!dir)
        return lp_error_set(LP_EINPUT, "checkpoint directory %s: %s", g_ck.dir, strerror(errno));
    lp_status st = LP_OK;
    int cap = 0;
    uint8_t *masks = NULL;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strncmp(e->d_name, "part-", 5) || strcmp(e->d_name + len - 5, ".ckpt"))
            continue;
        if (g_ck.n_loaded == cap) {
            cap = cap ? 2 * cap : 16;
            char **nl = realloc(g_ck.loaded, (size_t)cap * sizeof *nl);
            uint8_t *nm = realloc(masks, (size_t)cap * (size_t)n_chunks);
            if (nl) g_ck.loaded = nl;
            if (nm) masks = nm;
            if (!nl || !nm) {
                st = lp_error_nomem("checkpoint");
                break;
            }
        }
        size_t plen = strlen(g_ck.dir) + len + 2;
        char *path = malloc(plen);
        if (!path) {
            st = lp_error_nomem("checkpoint");
            break;
        }
        snprintf(path, plen, "%s/%s", g_ck.dir, e->d_name);
        g_ck.loaded[g_ck.n_loaded] = path;
        st = read_file(path, key, n_chunks, n_words,
                       masks + (size_t)g_ck.n_loaded * (size_t)n_chunks, NULL);
        g_ck.n_loaded++;
        if (st) break;
    }
    closedir(dir);
    /* keep: not a subset of another file (of equal ones, the first) */
    uint8_t *keep = st ? NULL : calloc((size_t)g_ck.n_loaded + 1, 1);
    if (!st && !keep) st = lp_error_nomem("checkpoint");
    for (int i = 0; !st && i < g_ck.n_loaded; i++) {
        const uint8_t *mi = masks + (size_t)i * (size_t)n_chunks;
        keep[i] = 1;
        for (int j = 0; j < g_ck.n_loaded && keep[i]; j++) {
            if (j == i) continue;
            const uint8_t *mj = masks + (size_t)j * (size_t)n_chunks;
            int sub = 1, eq = 1;
            for (int64_t c = 0; c < n_chunks; c++) {
                if (mi[c] && !mj[c]) sub = 0;
                if (mi[c] != mj[c]) eq = 0;
            }
            if (sub && (!eq || j < i)) keep[i] = 0;
        }
    }
    for (int i = 0; !st && i < g_ck.n_loaded; i++) {
        if (!keep[i]) continue;
        const uint8_t *mi = masks + (size_t)i * (size_t)n_chunks;
        for (int64_t c = 0; c < n_chunks; c++)
            if (mi[c]) {
                if (done[c]) {
                    st = lp_error_set(LP_EINPUT,
                                      "checkpoint %s overlaps another file of %s; remove the "
                                      "directory to start over",
                                      g_ck.loaded[i], g_ck.dir);
                    break;
                }
                done[c] = 1;
                ++*n_done;
            }
    }
    /* rank 0 adds up the kept files' sums and holds their chunks */
    if (!st && lp_cli_mpi_rank() == 0) {
        uint64_t *buf = malloc(((size_t)n_words + 1) * 8);
        uint8_t *h = malloc((size_t)n_chunks + 1);
        if (!buf || !h) st = lp_error_nomem("checkpoint");
        for (int i = 0; !st && i < g_ck.n_loaded; i++) {
            if (!keep[i]) continue;
            st = read_file(g_ck.loaded[i], key, n_chunks, n_words, h, buf);
            for (int64_t w = 0; !st && w < n_words; w++)
                acc[w] += buf[w];
        }
        free(buf);
        free(h);
        if (!st) memcpy(held, done, (size_t)n_chunks);
    }
    free(keep);
    free(masks);
    return st;
}

static lp_status ck_load(void *ctx, uint64_t key, int64_t n_chunks, uint8_t *done, uint8_t *held,
                         int64_t n_words, uint64_t *acc)
{
    (void)ctx;
    g_ck.stamp = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
    lp_status st = lp_cli_mpi_bcast_u64(&g_ck.stamp);
    if (st) return st;
    int64_t n_done = 0;
    st = load_local(key, n_chunks, done, held, n_words, acc, &n_done);
    /* every rank must have read the same set before rank 0 may delete it */
    int64_t mine[2] = {(int64_t)st, n_done}, *all = NULL, bytes = 0;
    lp_status cst = lp_cli_mpi_gather(mine, sizeof mine, (void **)&all, &bytes);
    if (cst) return cst;
    for (int64_t r = 0; !st && r < bytes / (int64_t)sizeof mine; r++) {
        if (all[2 * r])
            st = lp_error_set(LP_EINPUT, "checkpoint: rank %lld could not read %s", (long long)r,
                              g_ck.dir);
        else if (all[2 * r + 1] != n_done)
            st = lp_error_set(LP_EINPUT,
                              "checkpoint: the ranks see different files in %s (it must be one "
                              "directory shared by every rank)",
                              g_ck.dir);
    }
    free(all);
    if (!st && n_done > 0 && lp_cli_mpi_rank() == 0)
        fprintf(stderr, "linchpin: checkpoint: %lld of %lld chunks done by earlier runs\n",
                (long long)n_done, (long long)n_chunks);
    g_ck.last = now();
    return st;
}

static lp_status ck_save(void *ctx, uint64_t key, int64_t n_chunks, const uint8_t *held,
                         int64_t n_words, const uint64_t *acc, int final)
{
    (void)ctx;
    const char *env = getenv("LINCHPIN_CHECKPOINT_SECONDS");
    double every = env && *env ? atof(env) : 60.0;
    if (!final && now() - g_ck.last < every) return LP_OK;
    int any = 0;
    for (int64_t c = 0; c < n_chunks && !any; c++)
        any = held[c];
    if (!any) return LP_OK;
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/part-%016llx-%d.ckpt", g_ck.dir, (unsigned long long)g_ck.stamp,
             lp_cli_mpi_rank());
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return lp_error_set(LP_EOUTPUT, "checkpoint %s: %s", tmp, strerror(errno));
    uint64_t hdr[3] = {key, (uint64_t)n_chunks, (uint64_t)n_words};
    uint64_t sum = fnv(fnv(0xcbf29ce484222325ULL, MAGIC, 8), hdr, sizeof hdr);
    sum = fnv(fnv(sum, held, (size_t)n_chunks), acc, (size_t)n_words * 8);
    int ok = fwrite(MAGIC, 1, 8, f) == 8 && fwrite(hdr, 8, 3, f) == 3 &&
             fwrite(held, 1, (size_t)n_chunks, f) == (size_t)n_chunks &&
             fwrite(acc, 8, (size_t)n_words, f) == (size_t)n_words && fwrite(&sum, 8, 1, f) == 1 &&
             fflush(f) == 0 && fsync(fileno(f)) == 0;
    int e = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (!ok || rename(tmp, path) != 0) {
        if (ok) e = errno;
        unlink(tmp);
        return lp_error_set(LP_EOUTPUT, "checkpoint %s: %s", path, strerror(e));
    }
    g_ck.last = now();
    g_ck.saves++;
    if (!g_ck.saved && lp_cli_mpi_rank() == 0) /* its file now holds what they held */
        for (int i = 0; i < g_ck.n_loaded; i++)
            unlink(g_ck.loaded[i]);
    g_ck.saved = 1;
    if (final) free_loaded();
    const char *kill_after = getenv("LINCHPIN_TEST_CHECKPOINT_KILL");
    if (kill_after && atoi(kill_after) == g_ck.saves) raise(SIGKILL);
    return LP_OK;
}

void lp_cli_checkpoint_hooks(lp_dist *d, const char *dir)
{
    free_loaded();
    memset(&g_ck, 0, sizeof g_ck);
    g_ck.dir = dir;
    d->ckpt_load = ck_load;
    d->ckpt_save = ck_save;
}
