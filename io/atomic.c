/* atomic.c — lp_write_atomic (lp_i_atomic.h). */
#include "lp_i_atomic.h"
#include "lp_alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

lp_status lp_write_atomic(const char *path, lp_status (*body)(FILE *f, void *ctx), void *ctx)
{
    size_t len = strlen(path);
    char *tmp = lp_malloc(len + 32);
    if (!tmp) return lp_error_nomem("output");
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    snprintf(tmp, len + 32, "%.*s.%s.tmp-XXXXXX", (int)dir, path, path + dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return lp_error_set(LP_EOUTPUT, "cannot write %s: %s", path, strerror(e));
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        return lp_error_set(LP_EOUTPUT, "cannot write %s: %s", path, strerror(e));
    }
    mode_t um = umask(0);
    umask(um);
    int e = fchmod(fd, 0666 & ~um) != 0 ? errno : 0;
    lp_status st = body(f, ctx);
    errno = 0;
    if (!e && (fflush(f) != 0 || ferror(f))) e = errno ? errno : EIO;
    if (!e && fsync(fd) != 0) e = errno;
    if (fclose(f) != 0 && !e) e = errno ? errno : EIO;
    if (!st && e) st = lp_error_set(LP_EOUTPUT, "cannot write %s: %s", path, strerror(e));
    if (!st && rename(tmp, path) != 0)
        st = lp_error_set(LP_EOUTPUT, "cannot write %s: %s", path, strerror(errno));
    if (st) unlink(tmp);
    free(tmp);
    return st;
}
