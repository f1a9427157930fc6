/* dist.c — helpers of lp_dist.h shared by the partitioned kernels. */
#include "lp_dist.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

lp_status lp_dist_sum_u64(const lp_dist *d, uint64_t *buf, int64_t n)
{
    if (!d || d->size <= 1 || n == 0) return LP_OK;
    if (!d->sum_u64) return lp_error_set(LP_EINTERNAL, "distributed run without a sum hook");
    return d->sum_u64(d->ctx, buf, n);
}

lp_status lp_dist_sum_i32(const lp_dist *d, int32_t *buf, int64_t n)
{
    if (!d || d->size <= 1 || n == 0) return LP_OK;
    uint64_t *w = lp_malloc((size_t)n * sizeof *w);
    if (!w) return lp_error_nomem("rank reduction");
    for (int64_t i = 0; i < n; i++)
        w[i] = (uint64_t)(int64_t)buf[i];
    lp_status st = lp_dist_sum_u64(d, w, n);
    if (!st)
        for (int64_t i = 0; i < n; i++)
            buf[i] = (int32_t)(int64_t)w[i];
    free(w);
    return st;
}

lp_status lp_dist_gather_parts(const lp_dist *d, int n, lp_dist_part_fn part, const void *ctx,
                               const char *what, void **out, int64_t *out_bytes)
{
    int64_t len = 0, bytes;
    for (int i = 0; i < n; i++) {
        part(ctx, i, &bytes);
        len += bytes;
    }
    char *mine = lp_malloc((size_t)len + 1);
    if (!mine) return lp_error_nomem(what);
    int64_t at = 0;
    for (int i = 0; i < n; i++) {
        const void *p = part(ctx, i, &bytes);
        if (bytes) memcpy(mine + at, p, (size_t)bytes);
        at += bytes;
    }
    lp_status st = d->gather(d->ctx, mine, len, out, out_bytes);
    free(mine);
    return st;
}
