/* nompi.c — lp_cli_mpi.h for the default build: one process, no MPI.
 * (cli/mpi.c replaces this file when built with -DLP_MPI=ON.) */
#include "lp_cli.h"
#include "lp_cli_mpi.h"
#include "lp_cli_checkpoint.h"

#include <stdlib.h>
#include <string.h>

int lp_cli_mpi_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int lp_cli_mpi_finalize(int rc)
{
    return rc;
}

int lp_cli_mpi_rank(void)
{
    return 0;
}

int lp_cli_mpi_size(void)
{
    return 1;
}

const char *lp_cli_mpi_flavour(void)
{
    return "without MPI";
}

const lp_dist *lp_cli_mpi_dist(const char *checkpoint_dir)
{
    static lp_dist d;
    if (!checkpoint_dir) return NULL;
    memset(&d, 0, sizeof d);
    d.size = 1;
    lp_cli_checkpoint_hooks(&d, checkpoint_dir);
    return &d;
}

int lp_cli_mpi_agree(lp_status st)
{
    return st ? lp_cli_fail(st) : 0;
}

int lp_cli_mpi_abort(lp_status st)
{
    return lp_cli_fail(st);
}

lp_status lp_cli_mpi_gather(const void *mine, int64_t bytes, void **out, int64_t *out_bytes)
{
    *out = NULL;
    *out_bytes = bytes;
    if (bytes == 0) return LP_OK;
    if (!(*out = malloc((size_t)bytes))) return lp_error_nomem("gather");
    memcpy(*out, mine, (size_t)bytes);
    return LP_OK;
}

lp_status lp_cli_mpi_bcast_u64(uint64_t *v)
{
    (void)v;
    return LP_OK;
}
