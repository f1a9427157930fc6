/* lp_cli_mpi.h — the command's side of MPI: start and stop, this process's
 * rank, the lp_dist hooks the engine's partitioned kernels call, and the
 * few collectives the commands need. cli/mpi.c implements it with MPI
 * (built only with -DLP_MPI=ON); cli/nompi.c is the single-process stand-in
 * of the default build. Nothing else in the program includes <mpi.h>. */
#ifndef LP_CLI_MPI_H
#define LP_CLI_MPI_H

#include <stdint.h>

#include "lp_dist.h"
#include "lp_error.h"

/* Start MPI when the process was started by a launcher (mpirun, srun) and
 * LINCHPIN_NO_MPI is unset; otherwise (and in the default build) run as
 * one process. Errors of MPI calls return (MPI_ERRORS_RETURN). 0, or an
 * exit status after a message. */
int lp_cli_mpi_init(int *argc, char ***argv);
/* Stop MPI (when started); returns rc. */
int lp_cli_mpi_finalize(int rc);

int lp_cli_mpi_rank(void); /* 0 alone */
int lp_cli_mpi_size(void); /* 1 alone */
/* "with MPI (Open MPI x.y)" or "without MPI", for --version. */
const char *lp_cli_mpi_flavour(void);

/* The hooks for lp_analyze_options.dist; NULL alone. checkpoint_dir
 * (NULL: none) adds the exact-betweenness checkpoint of cli/checkpoint.c
 * (also alone: then the result is never NULL). The pointer stays valid
 * until the next call. */
const lp_dist *lp_cli_mpi_dist(const char *checkpoint_dir);

/* Collective: every rank passes its status; the run's status is the first
 * failing rank's (in rank order), whose message that rank alone prints.
 * Returns the exit status (0: every rank succeeded). Alone: lp_cli_fail. */
int lp_cli_mpi_agree(lp_status st);

/* A rank failed where the others may wait in a collective: print
 * "linchpin: rank R of P: <message>" and end every rank with status st.
 * Alone: lp_cli_fail(st). */
int lp_cli_mpi_abort(lp_status st);

/* Collective: every rank's bytes concatenated in rank order, on every rank
 * (*out released with free()). */
lp_status lp_cli_mpi_gather(const void *mine, int64_t bytes, void **out, int64_t *out_bytes);

/* Collective: rank 0's value on every rank. */
lp_status lp_cli_mpi_bcast_u64(uint64_t *v);

#endif
