/* mpi.c — lp_cli_mpi.h with MPI (built only with -DLP_MPI=ON; the default
 * build compiles cli/nompi.c instead). The one place that includes
 * <mpi.h>: the engine sees MPI only through the lp_dist hooks below.
 *
 * Every MPI call returns its error (MPI_ERRORS_RETURN on MPI_COMM_WORLD),
 * which becomes an lp_status naming the call and the rank. A rank that
 * fails where the others may wait in a collective ends the job with
 * MPI_Abort (lp_cli_mpi_abort): never a hang. A rank that dies (killed,
 * crashed) is seen by the launcher, which ends the others; rank 0 writes
 * the result file only after the last collective of the analysis, and
 * through the atomic writer, so no partial file is left.
 *
 * Test hook: LINCHPIN_MPI_TEST_KILL_RANK=R makes rank R kill itself
 * (SIGKILL) at its first reduction, to test the above.
 * Balance: with LINCHPIN_MPI_STATS set, every rank prints at the end how
 * long it computed before each reduction (wall and CPU seconds) and how
 * long it waited in it (the wait is the imbalance: the slowest rank waits
 * least; CPU seconds stay meaningful on a machine shared with other jobs). */
#include "lp_cli.h"
#include "lp_cli_mpi.h"
#include "lp_cli_checkpoint.h"

#include <limits.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int g_on, g_rank, g_size = 1;

/* LINCHPIN_MPI_STATS: per reduction, seconds computed before it and waited in it */
#define MAX_STATS 16
static double g_stat_work[MAX_STATS], g_stat_wait[MAX_STATS], g_stat_cpu[MAX_STATS], g_stat_mark,
    g_stat_cpu_mark;

/* CPU seconds of this process (all its threads) */
static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static int g_n_stats;

static void stat_begin(void)
{
    if (g_n_stats < MAX_STATS) {
        g_stat_work[g_n_stats] = MPI_Wtime() - g_stat_mark;
        g_stat_cpu[g_n_stats] = cpu_seconds() - g_stat_cpu_mark;
    }
}

static void stat_end(void)
{
    double t = MPI_Wtime();
    if (g_n_stats < MAX_STATS) {
        g_stat_wait[g_n_stats] = t - g_stat_mark - g_stat_work[g_n_stats];
        g_n_stats++;
    }
    g_stat_mark = t;
    g_stat_cpu_mark = cpu_seconds();
}

static lp_status mpi_error(int rc, const char *call)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "error %d", rc);
    return lp_error_set(LP_EINTERNAL, "MPI: %s failed on rank %d of %d: %s", call, g_rank, g_size,
                        msg);
}

int lp_cli_mpi_init(int *argc, char ***argv)
{
    const char *no = getenv("LINCHPIN_NO_MPI");
    if (no && *no) return 0;
    /* started by a launcher? (a plain `linchpin` stays a single process) */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK") &&
        !getenv("PMI_SIZE"))
        return 0;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "linchpin: MPI: MPI_Init_thread failed\n");
        return LP_EINTERNAL;
    }
    g_on = 1;
    int rc = MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (rc == MPI_SUCCESS) rc = MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    if (rc == MPI_SUCCESS) rc = MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (rc != MPI_SUCCESS) {
        lp_cli_fail(mpi_error(rc, "start"));
        MPI_Abort(MPI_COMM_WORLD, LP_EINTERNAL);
        return LP_EINTERNAL;
    }
    g_stat_mark = MPI_Wtime();
    g_stat_cpu_mark = cpu_seconds();
    return 0;
}

int lp_cli_mpi_finalize(int rc)
{
    if (g_on && getenv("LINCHPIN_MPI_STATS")) {
        char line[2048];
        int at = snprintf(
            line, sizeof line,
            "linchpin: rank %d of %d: reductions (work s, its CPU s / wait s):", g_rank, g_size);
        for (int k = 0; k < g_n_stats && at < (int)sizeof line - 40; k++)
            at += snprintf(line + at, sizeof line - (size_t)at, " %.3f,%.3f/%.3f", g_stat_work[k],
                           g_stat_cpu[k], g_stat_wait[k]);
        fprintf(stderr, "%s\n", line);
    }
    if (g_on) MPI_Finalize();
    g_on = 0;
    return rc;
}

int lp_cli_mpi_rank(void)
{
    return g_rank;
}

int lp_cli_mpi_size(void)
{
    return g_size;
}

const char *lp_cli_mpi_flavour(void)
{
    static char buf[64];
    int v = 0, sub = 0;
    MPI_Get_version(&v, &sub);
    snprintf(buf, sizeof buf, "with MPI %d.%d", v, sub);
    return buf;
}

/* At most this many elements per call: MPI counts are int. */
#define PIECE (INT_MAX / 8)

static lp_status sum_u64(void *ctx, uint64_t *buf, int64_t n)
{
    (void)ctx;
    const char *kill_rank = getenv("LINCHPIN_MPI_TEST_KILL_RANK");
    if (kill_rank && atoi(kill_rank) == g_rank) raise(SIGKILL);
    stat_begin();
    for (int64_t at = 0; at < n; at += PIECE) {
        int len = (int)(n - at < PIECE ? n - at : PIECE);
        int rc = MPI_Allreduce(MPI_IN_PLACE, buf + at, len, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) return mpi_error(rc, "MPI_Allreduce");
    }
    stat_end();
    return LP_OK;
}

static lp_status gather_local(const void *mine, int64_t bytes, void **out, int64_t *out_bytes)
{
    *out_bytes = bytes;
    if (bytes == 0) return LP_OK;
    if (!(*out = malloc((size_t)bytes))) return lp_error_nomem("gather");
    memcpy(*out, mine, (size_t)bytes);
    return LP_OK;
}

lp_status lp_cli_mpi_gather(const void *mine, int64_t bytes, void **out, int64_t *out_bytes)
{
    *out = NULL;
    *out_bytes = 0;
    if (!g_on || g_size == 1) return gather_local(mine, bytes, out, out_bytes);
    int64_t *all = malloc((size_t)g_size * sizeof *all);
    int *counts = malloc((size_t)g_size * sizeof *counts);
    int *displs = malloc((size_t)g_size * sizeof *displs);
    lp_status st = LP_OK;
    if (!all || !counts || !displs) {
        st = lp_error_nomem("gather");
        goto done;
    }
    int rc = MPI_Allgather(&bytes, 1, MPI_INT64_T, all, 1, MPI_INT64_T, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
        st = mpi_error(rc, "MPI_Allgather");
        goto done;
    }
    int64_t total = 0;
    for (int r = 0; r < g_size; r++) {
        if (all[r] > INT_MAX || total > INT_MAX - all[r]) {
            st = lp_error_set(LP_EINTERNAL, "MPI: more than 2 GiB to gather (%lld bytes)",
                              (long long)(total + all[r]));
            goto done;
        }
        counts[r] = (int)all[r];
        displs[r] = (int)total;
        total += all[r];
    }
    char *buf = malloc((size_t)total + 1);
    if (!buf) {
        st = lp_error_nomem("gather");
        goto done;
    }
    rc = MPI_Allgatherv(mine, (int)bytes, MPI_BYTE, buf, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
        free(buf);
        st = mpi_error(rc, "MPI_Allgatherv");
        goto done;
    }
    *out = buf;
    *out_bytes = total;
done:
    free(all);
    free(counts);
    free(displs);
    return st;
}

static lp_status gather_hook(void *ctx, const void *mine, int64_t bytes, void **out,
                             int64_t *out_bytes)
{
    (void)ctx;
    return lp_cli_mpi_gather(mine, bytes, out, out_bytes);
}

lp_status lp_cli_mpi_bcast_u64(uint64_t *v)
{
    if (!g_on || g_size == 1) return LP_OK;
    int rc = MPI_Bcast(v, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    return rc == MPI_SUCCESS ? LP_OK : mpi_error(rc, "MPI_Bcast");
}

const lp_dist *lp_cli_mpi_dist(const char *checkpoint_dir)
{
    static lp_dist d;
    if ((!g_on || g_size == 1) && !checkpoint_dir) return NULL;
    memset(&d, 0, sizeof d);
    d.rank = g_rank;
    d.size = g_size;
    if (g_size > 1) {
        d.sum_u64 = sum_u64;
        d.gather = gather_hook;
    }
    if (checkpoint_dir) lp_cli_checkpoint_hooks(&d, checkpoint_dir);
    return &d;
}

int lp_cli_mpi_agree(lp_status st)
{
    if (!g_on || g_size == 1) return st ? lp_cli_fail(st) : 0;
    int *all = malloc((size_t)g_size * sizeof *all), mine = (int)st;
    if (!all) return lp_cli_mpi_abort(lp_error_nomem("status exchange"));
    int rc = MPI_Allgather(&mine, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
        free(all);
        return lp_cli_mpi_abort(mpi_error(rc, "MPI_Allgather"));
    }
    int first = -1;
    for (int r = 0; r < g_size && first < 0; r++)
        if (all[r]) first = r;
    int out = first < 0 ? 0 : all[first];
    free(all);
    if (first == g_rank) lp_cli_fail(st);
    return out;
}

int lp_cli_mpi_abort(lp_status st)
{
    if (!g_on || g_size == 1) return lp_cli_fail(st);
    fprintf(stderr, "linchpin: rank %d of %d: %s; stopping every rank\n", g_rank, g_size,
            lp_error_message());
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, (int)st);
    return (int)st;
}
