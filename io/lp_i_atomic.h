/* lp_i_atomic.h — internal to io/: write a text file atomically (atomic.c).
 * body(f, ctx) writes the content and returns 0, or an lp_status (its
 * message set) to abandon the file. The content goes to a temporary file
 * next to path, is flushed and fsynced, and renamed into place only when
 * everything succeeded; otherwise the temporary file is removed and an
 * earlier file at path is left untouched. Mode 0666 & ~umask. Write
 * failures are LP_EOUTPUT "cannot write <path>: <reason>". */
#ifndef LP_I_ATOMIC_H
#define LP_I_ATOMIC_H

#include <stdio.h>

#include "lp_error.h"

lp_status lp_write_atomic(const char *path, lp_status (*body)(FILE *f, void *ctx), void *ctx);

#endif
