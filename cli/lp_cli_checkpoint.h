/* lp_cli_checkpoint.h — the exact-betweenness checkpoint (--checkpoint DIR)
 * as lp_dist hooks (cli/checkpoint.c). */
#ifndef LP_CLI_CHECKPOINT_H
#define LP_CLI_CHECKPOINT_H

#include "lp_dist.h"

/* Set d's ckpt_load/ckpt_save (and d->ctx) to read and write checkpoint
 * files in dir (created if missing). Collective under MPI, like the
 * kernel that calls them; dir must be one directory seen by every rank. */
void lp_cli_checkpoint_hooks(lp_dist *d, const char *dir);

#endif
