/* h5common.c — what the HDF5 writers and readers of io/ share (lp_i_h5.h):
 * the error stack turned into one line, the atomic temp-file-and-rename
 * write through our own POSIX "sink" file driver, attribute and column
 * helpers, and the reader's checked opens.
 *
 * The sink driver exists because of an HDF5 1.10 defect: when H5Fclose fails
 * (its final flush hits ENOSPC or EFBIG) the file ID stays registered in a
 * half-destroyed state, and H5close crashes on it at process exit (checked:
 * SIGSEGV in H5F__close_cb), which would turn exit status 4 into a crash.
 * The sink never reports an I/O failure to HDF5: it records the first errno
 * (sticky), drops later writes, and HDF5 closes cleanly; the writer then
 * fails with that errno. It also lets the writer hand HDF5 a descriptor
 * instead of a name (the unnamed O_TMPFILE file: HDF5 only ever sees the
 * driver's file object).
 *
 * No litter (see lp_i_h5.h): O_TMPFILE where the directory's filesystem
 * has it (Linux >= 3.11: ext4, xfs, btrfs, tmpfs ...); else a named
 * temporary file, flock'ed, with a signal handler that unlinks it and a
 * clean-up of stale ones at the next write.
 */
#define _GNU_SOURCE /* O_TMPFILE, flock */
#include "lp_i_h5.h"
#include "lp_alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lp_text.h"

int lp_i_h5w_no_tmpfile = 0;

/* ---- HDF5 error stack -> one-line reason ------------------------------ */

typedef struct lp_i_walk {
    char *buf;
    size_t size;
    int prefer_desc; /* the description rather than the minor message */
} lp_i_walk;

/* Called innermost error first (H5E_WALK_UPWARD); only n == 0 is used. For
 * system-call failures HDF5's description holds "error message = '<strerror>'",
 * which is what a user wants to read; otherwise the minor message. */
static herr_t lp_i_walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    lp_i_walk *w = data;
    if (n != 0) return 0;
    const char *desc = e->desc ? e->desc : "";
    const char *key = "error message = '";
    const char *em = strstr(desc, key);
    if (em) {
        em += strlen(key);
        const char *end = strchr(em, '\'');
        int len = end ? (int)(end - em) : (int)strlen(em);
        snprintf(w->buf, w->size, "%.*s", len, em);
    } else if (w->prefer_desc && desc[0]) {
        snprintf(w->buf, w->size, "%s", desc);
    } else if (H5Eget_msg(e->min_num, NULL, w->buf, w->size) <= 0) {
        snprintf(w->buf, w->size, "%s", desc);
    }
    return 0;
}

/* The innermost HDF5 error on the default stack ("" if none). */
static void lp_i_h5_detail(char *buf, size_t size, int prefer_desc)
{
    lp_i_walk w = {.buf = buf, .size = size, .prefer_desc = prefer_desc};
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, lp_i_walk_cb, &w);
}

void lp_h5_silence(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void lp_h5_now_iso8601(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "1970-01-01T00:00:00Z");
}

/* Record an HDF5 failure: "<what>: <innermost HDF5 reason>". Returns -1. */
int lp_h5w_fail_h5(lp_h5w *w, const char *fmt, ...)
{
    char what[256], detail[384];
    lp_i_h5_detail(detail, sizeof detail, 0); /* before any other HDF5 call */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    w->status = LP_EOUTPUT;
    if (detail[0])
        snprintf(w->reason, sizeof w->reason, "%s: %s", what, detail);
    else
        snprintf(w->reason, sizeof w->reason, "%s failed", what);
    return -1;
}

int lp_h5w_fail_errno(lp_h5w *w, const char *what, int err)
{
    w->status = LP_EOUTPUT;
    if (what)
        snprintf(w->reason, sizeof w->reason, "%s: %s", what, strerror(err));
    else
        snprintf(w->reason, sizeof w->reason, "%s", strerror(err));
    return -1;
}

int lp_h5w_fail_nomem(lp_h5w *w, const char *what)
{
    w->status = LP_EINTERNAL;
    snprintf(w->reason, sizeof w->reason, "%s", what);
    return -1;
}

/* ---- the sink file driver ---------------------------------------------- */

/* Like sec2 (pread/pwrite on one descriptor, the same feature flags), except
 * that I/O failures are recorded in *err instead of being returned: after
 * the first one, writes are dropped (the file is doomed anyway), reads still
 * read what is on disk and return zeros past its end. Only the writer uses
 * it, on a file it created a moment ago. */

typedef struct lp_i_sink_fapl {
    int *err; /* where to record the first errno (the writer's io_err) */
    int fd;   /* >= 0: open a duplicate of this descriptor, not the name */
} lp_i_sink_fapl;

typedef struct lp_i_sink {
    H5FD_t pub; /* first member: HDF5 fills it in */
    int fd;
    haddr_t eoa, eof;
    int *err;
} lp_i_sink;

#define LP_I_SINK_MAXADDR ((haddr_t)INT64_MAX) /* off_t is 64 bits (_FILE_OFFSET_BITS or LP64) */
#define LP_I_SINK_IO_MAX ((size_t)1 << 30)     /* bytes per system call, at most */

_Static_assert(sizeof(off_t) == 8, "64-bit off_t required");

static H5FD_t *sink_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
    const lp_i_sink_fapl *fa = H5Pget_driver_info(fapl);
    struct stat sb;
    (void)maxaddr;
    if (!fa || !fa->err) return NULL;
    int oflags = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & H5F_ACC_TRUNC) oflags |= O_TRUNC;
    if (flags & H5F_ACC_CREAT) oflags |= O_CREAT;
    if (flags & H5F_ACC_EXCL) oflags |= O_EXCL;
    /* An open failure is reported to HDF5 as one (no file object exists
     * yet) and not recorded: HDF5 may first try without O_CREAT. */
    int fd;
    if (fa->fd >= 0) {
        fd = dup(fa->fd);
        if (fd >= 0 && (flags & H5F_ACC_TRUNC) && ftruncate(fd, 0) != 0) {
            close(fd);
            fd = -1;
        }
    } else {
        fd = open(name, oflags, 0666);
    }
    if (fd < 0) return NULL;
    lp_i_sink *f = lp_calloc(1, sizeof *f);
    if (!f) *fa->err = ENOMEM; /* lp_h5w_end reports it as out of memory */
    if (!f || fstat(fd, &sb) != 0) {
        free(f);
        close(fd);
        return NULL;
    }
    f->fd = fd;
    f->eof = (haddr_t)sb.st_size;
    f->err = fa->err;
    return &f->pub;
}

static herr_t sink_close(H5FD_t *file)
{
    lp_i_sink *f = (lp_i_sink *)file;
    if (close(f->fd) != 0 && *f->err == 0) *f->err = errno;
    free(f);
    return 0;
}

static herr_t sink_query(const H5FD_t *file, unsigned long *flags)
{
    (void)file;
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA;
    return 0;
}

static haddr_t sink_get_eoa(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const lp_i_sink *)file)->eoa;
}

static herr_t sink_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr)
{
    (void)type;
    ((lp_i_sink *)file)->eoa = addr;
    return 0;
}

static haddr_t sink_get_eof(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const lp_i_sink *)file)->eof;
}

static herr_t sink_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                        void *buf)
{
    lp_i_sink *f = (lp_i_sink *)file;
    unsigned char *p = buf;
    (void)type;
    (void)dxpl;
    while (size > 0) {
        size_t want = size < LP_I_SINK_IO_MAX ? size : LP_I_SINK_IO_MAX;
        ssize_t got = pread(f->fd, p, want, (off_t)addr);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && *f->err == 0) *f->err = errno;
        if (got <= 0) { /* past the end (or unreadable): zeros, as sec2 */
            memset(p, 0, size);
            break;
        }
        p += got;
        addr += (haddr_t)got;
        size -= (size_t)got;
    }
    return 0;
}

static herr_t sink_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                         const void *buf)
{
    lp_i_sink *f = (lp_i_sink *)file;
    const unsigned char *p = buf;
    haddr_t end = addr + size;
    (void)type;
    (void)dxpl;
    while (size > 0 && *f->err == 0) {
        size_t want = size < LP_I_SINK_IO_MAX ? size : LP_I_SINK_IO_MAX;
        ssize_t put = pwrite(f->fd, p, want, (off_t)addr);
        if (put < 0 && errno == EINTR) continue;
        if (put < 0) {
            *f->err = errno;
            break;
        }
        p += put;
        addr += (haddr_t)put;
        size -= (size_t)put;
    }
    if (end > f->eof) f->eof = end;
    return 0;
}

static herr_t sink_truncate(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    lp_i_sink *f = (lp_i_sink *)file;
    (void)dxpl;
    (void)closing;
    if (f->eoa != f->eof) {
        if (*f->err == 0 && ftruncate(f->fd, (off_t)f->eoa) != 0) *f->err = errno;
        f->eof = f->eoa;
    }
    return 0;
}

static const H5FD_class_t lp_i_sink_class = {
#if H5_VERSION_GE(1, 13, 2) /* untested: the class gained a version and a value */
    .version = H5FD_CLASS_VERSION,
    .value = (H5FD_class_value_t)0x2c9, /* any value >= 256 not registered by others */
#endif
    .name = "linchpin_sink",
    .maxaddr = LP_I_SINK_MAXADDR,
    .fc_degree = H5F_CLOSE_WEAK,
    .fapl_size = sizeof(lp_i_sink_fapl),
    .open = sink_open,
    .close = sink_close,
    .query = sink_query,
    .get_eoa = sink_get_eoa,
    .set_eoa = sink_set_eoa,
    .get_eof = sink_get_eof,
    .read = sink_read,
    .write = sink_write,
    .truncate = sink_truncate,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

/* A file access property list using the sink, recording into *err. */
static hid_t sink_fapl(lp_h5w *w, int *err, int fd)
{
    static hid_t driver = -1; /* registered once per library lifetime */
    hid_t fapl = -1;
    lp_i_sink_fapl info = {.err = err, .fd = fd};
    if (driver < 0 || H5Iis_valid(driver) <= 0) driver = H5FDregister(&lp_i_sink_class);
    if (driver < 0 || (fapl = H5Pcreate(H5P_FILE_ACCESS)) < 0 ||
        H5Pset_driver(fapl, driver, &info) < 0) {
        lp_h5w_fail_h5(w, "file driver");
        if (fapl >= 0) H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

/* ---- attributes and columns ------------------------------------------- */

int lp_h5w_attr(lp_h5w *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *buf)
{
    hid_t space = -1, attr = -1;
    int rc = -1;
    if ((space = H5Screate(H5S_SCALAR)) < 0 ||
        (attr = H5Acreate2(loc, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, mtype, buf) < 0) {
        lp_h5w_fail_h5(w, "attribute '%s'", name);
        goto done;
    }
    rc = 0;
done:
    if (attr >= 0) H5Aclose(attr);
    if (space >= 0) H5Sclose(space);
    return rc;
}

int lp_h5w_attr_str(lp_h5w *w, hid_t loc, const char *name, const char *value)
{
    return lp_h5w_attr(w, loc, name, w->str_type, w->str_type, &value);
}

int lp_h5w_attr_str_fixed(lp_h5w *w, hid_t loc, const char *name, const char *value)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    int rc = -1;
    if (type < 0 || H5Tset_size(type, strlen(value) + 1) < 0 ||
        H5Tset_strpad(type, H5T_STR_NULLTERM) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0)
        lp_h5w_fail_h5(w, "attribute '%s'", name);
    else
        rc = lp_h5w_attr(w, loc, name, type, type, value);
    if (type >= 0) H5Tclose(type);
    return rc;
}

int lp_h5w_attr_i64(lp_h5w *w, hid_t loc, const char *name, int64_t value)
{
    return lp_h5w_attr(w, loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

int lp_h5w_attr_i32(lp_h5w *w, hid_t loc, const char *name, int value)
{
    return lp_h5w_attr(w, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

int lp_h5w_attr_f64(lp_h5w *w, hid_t loc, const char *name, double value)
{
    return lp_h5w_attr(w, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

int lp_h5w_attr_u64(lp_h5w *w, hid_t loc, const char *name, uint64_t value)
{
    return lp_h5w_attr(w, loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

/* Create the 1-D dataset `path` of len elements: chunked, shuffle (numeric
 * columns) and deflate. Length 0 needs maxdims unlimited, since a chunk may
 * not exceed the maximum dimension. Returns the dataset or -1. */
hid_t lp_h5w_column_create(lp_h5w *w, hid_t file, const char *path, hid_t ftype, int64_t len,
                           int shuffle)
{
    lp_h5w_colopt opt = LP_H5W_COLOPT_INIT;
    opt.shuffle = shuffle;
    return lp_h5w_column_create_opt(w, file, path, ftype, len, &opt);
}

int64_t lp_h5w_chunk_len(const lp_h5w_colopt *opt, int64_t len)
{
    int64_t c = opt->chunk < 1 ? 1 : opt->chunk;
    return len < 1 ? 1 : len < c ? len : c;
}

hid_t lp_h5w_column_create_opt(lp_h5w *w, hid_t file, const char *path, hid_t ftype, int64_t len,
                               const lp_h5w_colopt *opt)
{
    hid_t space = -1, dcpl = -1, dset = -1;
    hsize_t dims[1] = {(hsize_t)len};
    hsize_t maxdims[1] = {len > 0 ? (hsize_t)len : H5S_UNLIMITED};
    hsize_t chunk[1] = {(hsize_t)lp_h5w_chunk_len(opt, len)};
    if ((space = H5Screate_simple(1, dims, maxdims)) < 0 ||
        (dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || H5Pset_chunk(dcpl, 1, chunk) < 0 ||
        (opt->shuffle && H5Pset_shuffle(dcpl) < 0) ||
        (opt->deflate > 0 && H5Pset_deflate(dcpl, (unsigned)opt->deflate) < 0) ||
        (opt->fletcher32 && H5Pset_fletcher32(dcpl) < 0) ||
        (dset = H5Dcreate2(file, path, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0) {
        lp_h5w_fail_h5(w, "creating %s", path);
    }
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return dset;
}

/* int32 elements (ctx) widened to little-endian int64 (node rows: lp_vid in
 * memory, int64 in the file), as H5Dwrite's conversion would. */
static void fill_i32_as_i64le(const void *ctx, int64_t start, int64_t count, unsigned char *dst)
{
    const int32_t *src = (const int32_t *)ctx + start;
    for (int64_t k = 0; k < count; k++) {
        uint64_t v = (uint64_t)(int64_t)src[k];
        for (int b = 0; b < 8; b++)
            dst[8 * k + b] = (unsigned char)(v >> (8 * b));
    }
}

int lp_h5w_column_num(lp_h5w *w, hid_t file, const char *path, hid_t ftype, hid_t mtype,
                      int64_t len, const void *buf, int rle)
{
    lp_h5w_colopt opt = LP_H5W_COLOPT_INIT;
    opt.rle = rle;
    hid_t dset = lp_h5w_column_create_opt(w, file, path, ftype, len, &opt);
    int rc = -1;
    if (dset < 0) return -1;
    if (len > 0) {
        htri_t same = lp_i_h5w_hdf5_filters ? 0 : H5Tequal(ftype, mtype);
        htri_t widen = lp_i_h5w_hdf5_filters || same ? 0
                                                     : H5Tequal(mtype, H5T_NATIVE_INT32) > 0 &&
                                                           H5Tequal(ftype, H5T_STD_I64LE) > 0;
        if (same < 0) {
            lp_h5w_fail_h5(w, "writing %s", path);
            goto done;
        }
        if (widen) {
            if (lp_h5w_column_chunks(w, dset, path, &opt, 8, len, NULL, fill_i32_as_i64le, buf))
                goto done;
        } else if (same) {
            if (lp_h5w_column_chunks(w, dset, path, &opt, H5Tget_size(ftype), len, buf, NULL, NULL))
                goto done;
        } else if (H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            lp_h5w_fail_h5(w, "writing %s", path);
            goto done;
        }
    }
    rc = w->io_err ? -1 : 0; /* io_err is the reason */
done:
    H5Dclose(dset);
    return rc;
}

/* Open the dataset `path` written a moment ago, to attach attributes. */
hid_t lp_h5w_column_reopen(lp_h5w *w, hid_t file, const char *path)
{
    hid_t dset = H5Dopen2(file, path, H5P_DEFAULT);
    if (dset < 0) lp_h5w_fail_h5(w, "opening %s", path);
    return dset;
}

int lp_h5w_group(lp_h5w *w, hid_t *out, hid_t loc, const char *name, hid_t gcpl)
{
    *out = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    if (*out < 0) return lp_h5w_fail_h5(w, "creating group %s", name);
    return 0;
}

/* ---- the temporary file ----------------------------------------------- */

/* The one named temporary file of this process that a signal handler must
 * remove (a process writes one file at a time). Written only with the
 * signals blocked; the handler reads it. */
static char armed_path[PATH_MAX];
static volatile sig_atomic_t armed;
static struct sigaction old_action[3];
static int handled[3];
static const int armed_signals[3] = {SIGINT, SIGTERM, SIGHUP};

/* Async-signal-safe: unlink the recorded name, restore the default action
 * and raise the signal again, so the process ends as it would have. */
static void on_fatal_signal(int sig)
{
    if (armed) unlink(armed_path);
    armed = 0;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < 3; i++)
        sigaddset(&set, armed_signals[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

/* Remove name on SIGINT, SIGTERM or SIGHUP from now on (signals the process
 * ignores stay ignored; handlers someone else installed are left alone). */
static void arm(const char *name)
{
    if (strlen(name) >= sizeof armed_path) return;
    sigset_t old;
    block_signals(&old);
    memcpy(armed_path, name, strlen(name) + 1);
    armed = 1;
    for (int i = 0; i < 3; i++) {
        struct sigaction cur;
        handled[i] = 0;
        if (sigaction(armed_signals[i], NULL, &cur) != 0 || cur.sa_handler != SIG_DFL) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        if (sigaction(armed_signals[i], &sa, &old_action[i]) == 0) handled[i] = 1;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void disarm(void)
{
    sigset_t old;
    block_signals(&old);
    armed = 0;
    for (int i = 0; i < 3; i++)
        if (handled[i]) sigaction(armed_signals[i], &old_action[i], NULL);
    memset(handled, 0, sizeof handled);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* "<dir>/" of path ("" for a bare name), malloc'ed; base points into path. */
static char *dir_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    *base = slash ? slash + 1 : path;
    return lp_h5_dup_str(path, dirlen);
}

/* `<dir>/.<base>.tmp-` + 6 characters of mkstemp's alphabet. */
static int is_our_temp(const char *name, const char *base)
{
    size_t bl = strlen(base);
    if (name[0] != '.' || strncmp(name + 1, base, bl) || strncmp(name + 1 + bl, ".tmp-", 5))
        return 0;
    const char *x = name + 1 + bl + 5;
    if (strlen(x) != 6) return 0;
    for (int i = 0; i < 6; i++)
        if (!((x[i] >= 'a' && x[i] <= 'z') || (x[i] >= 'A' && x[i] <= 'Z') ||
              (x[i] >= '0' && x[i] <= '9')))
            return 0;
    return 1;
}

/* Remove what a killed run left of a write to path: regular files of
 * exactly our pattern for this target, owned by us, at least
 * LP_H5W_STALE_SECONDS old and not flock'ed (a live writer holds the lock
 * from a moment after creating the file until it is renamed or removed).
 * Best effort, silent. */
static void clean_stale(const char *path)
{
    const char *base;
    char *dir = dir_of(path, &base);
    if (!dir || !*base) {
        free(dir);
        return;
    }
    DIR *d = opendir(*dir ? dir : ".");
    free(dir);
    if (!d) return;
    int dfd = dirfd(d);
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!is_our_temp(e->d_name, base)) continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat sb;
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
            now - sb.st_mtime >= LP_H5W_STALE_SECONDS &&
            now - sb.st_ctime >= LP_H5W_STALE_SECONDS && flock(fd, LOCK_EX | LOCK_NB) == 0)
            unlinkat(dfd, e->d_name, 0);
        close(fd); /* drops the lock */
    }
    closedir(d);
}

/* An unnamed file (O_TMPFILE) in path's directory, mode 0666 & ~umask;
 * -1 with errno if the filesystem (or the kernel) cannot. */
static int open_unnamed(const char *path)
{
#ifdef O_TMPFILE
    if (lp_i_h5w_no_tmpfile) {
        errno = EOPNOTSUPP;
        return -1;
    }
    const char *base;
    char *dir = dir_of(path, &base);
    if (!dir) return -1;
    int fd = open(*dir ? dir : ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
    free(dir);
    return fd;
#else
    (void)path;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

/* Create `<dir>/.<base>.tmp-XXXXXX` with mode 0666 & ~umask, flock'ed and
 * armed; *out is malloc'ed, *out_fd the open descriptor. */
static int make_temp(lp_h5w *w, char **out, int *out_fd, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t need = dirlen + strlen(base) + sizeof "..tmp-XXXXXX";
    char *t = lp_malloc(need);
    if (!t) return lp_h5w_fail_nomem(w, "temporary file name");
    memcpy(t, path, dirlen);
    snprintf(t + dirlen, need - dirlen, ".%s.tmp-XXXXXX", base);
    /* created and armed with the signals held back: a signal between the
     * two would end the process and leave the file behind */
    sigset_t held;
    block_signals(&held);
    int fd = mkstemp(t);
    int e0 = errno;
    if (fd >= 0) arm(t);
    sigprocmask(SIG_SETMASK, &held, NULL);
    if (fd < 0) {
        free(t);
        return lp_h5w_fail_errno(w, NULL, e0);
    }
    flock(fd, LOCK_EX); /* at once: stale clean-up leaves locked files alone */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        int e = errno;
        close(fd);
        unlink(t);
        disarm();
        free(t);
        return lp_h5w_fail_errno(w, "chmod", e);
    }
    *out = t;
    *out_fd = fd;
    return 0;
}

/* Give the unnamed file w->fd a temporary name in path's directory
 * (w->tmp, armed) so that it can be renamed over the target: link() cannot
 * replace a file. */
static int link_unnamed(lp_h5w *w, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t need = dirlen + strlen(base) + sizeof "..tmp-XXXXXX";
    char *t = lp_malloc(need), proc[64];
    if (!t) return lp_h5w_fail_nomem(w, "temporary file name");
    static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", w->fd);
    int e = EEXIST;
    for (int attempt = 0; attempt < 100 && e == EEXIST; attempt++) {
        memcpy(t, path, dirlen);
        int k = snprintf(t + dirlen, need - dirlen, ".%s.tmp-", base);
        uint64_t r = lp_text_splitmix64(&seed);
        for (int i = 0; i < 6; i++, r /= 62)
            t[dirlen + (size_t)k + (size_t)i] = abc[r % 62];
        t[dirlen + (size_t)k + 6] = '\0';
        arm(t);
        /* the /proc route needs no privilege; AT_EMPTY_PATH needs
         * CAP_DAC_READ_SEARCH but no /proc */
        if (linkat(AT_FDCWD, proc, AT_FDCWD, t, AT_SYMLINK_FOLLOW) == 0 ||
            linkat(w->fd, "", AT_FDCWD, t, AT_EMPTY_PATH) == 0)
            e = 0;
        else
            e = errno;
        if (e) disarm();
    }
    if (e) {
        free(t);
        return lp_h5w_fail_errno(w, "link", e);
    }
    w->tmp = t;
    w->unnamed = 0;
    return 0;
}

/* Make the rename durable. Best effort: by now the new file is in place,
 * so nothing here may fail; no allocation (a failed one could not be
 * reported), a directory name longer than PATH_MAX is not synced. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    int fd;
    if (!slash) {
        fd = open(".", O_RDONLY | O_DIRECTORY);
    } else {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        if (len >= sizeof dir) return;
        memcpy(dir, path, len);
        dir[len] = '\0';
        fd = open(dir, O_RDONLY | O_DIRECTORY);
    }
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* ---- atomic write: begin / end ----------------------------------------- */

int lp_h5w_begin(lp_h5w *w, const char *path)
{
    return lp_h5w_begin_opt(w, path, NULL);
}

int lp_h5w_begin_opt(lp_h5w *w, const char *path, const lp_h5w_fileopt *opt)
{
    struct stat sb;
    memset(w, 0, sizeof *w);
    w->status = LP_OK;
    w->str_type = w->fapl = w->file = -1;
    w->fd = -1;
    lp_h5_silence();
    /* A write over the file-size limit (ulimit -f) fails with EFBIG, which
     * the sink records: exit 4 with a message, not death by SIGXFSZ. */
    signal(SIGXFSZ, SIG_IGN);
    /* rename() would replace a device node or a FIFO (as root, /dev/null).
     * A directory is left to rename(), which refuses it (EISDIR). */
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
        snprintf(w->reason, sizeof w->reason, "not a regular file");
        w->status = LP_EOUTPUT;
        return -1;
    }
    clean_stale(path);
    const char *label;
    char fdname[64];
    if ((w->fd = open_unnamed(path)) >= 0) {
        w->unnamed = 1;
        flock(w->fd, LOCK_EX); /* held through the moment it has a name */
        /* a name for HDF5's messages: the sink ignores it */
        snprintf(fdname, sizeof fdname, "/proc/self/fd/%d", w->fd);
        label = "a temporary file";
    } else {
        if (make_temp(w, &w->tmp, &w->fd, path)) return -1;
        label = w->tmp;
    }
    if ((w->str_type = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(w->str_type, H5T_VARIABLE) < 0 ||
        H5Tset_cset(w->str_type, H5T_CSET_UTF8) < 0)
        return lp_h5w_fail_h5(w, "string type");
    if ((w->fapl = sink_fapl(w, &w->io_err, w->fd)) < 0) return -1;
    if (opt && opt->checksummed_metadata &&
        H5Pset_libver_bounds(w->fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) < 0)
        return lp_h5w_fail_h5(w, "file format version");
    if (opt && opt->align > 0 && H5Pset_alignment(w->fapl, opt->align_threshold, opt->align) < 0)
        return lp_h5w_fail_h5(w, "file alignment");
    const char *name = w->unnamed ? fdname : w->tmp;
    if ((w->file = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, w->fapl)) < 0)
        return lp_h5w_fail_h5(w, "creating %s", label);
    return 0;
}

void lp_h5w_start_writeback(lp_h5w *w)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (w->fd >= 0 && !w->io_err) (void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)w;
#endif
}

lp_status lp_h5w_end(lp_h5w *w, const char *path, int ok)
{
    int renamed = 0;
    if (ok && w->file >= 0 && !w->io_err && w->status == LP_OK) {
        herr_t closed = H5Fclose(w->file);
        w->file = -1;
        if (closed < 0)
            lp_h5w_fail_h5(w, "closing the file");
        else if (!w->io_err && fsync(w->fd) != 0)
            lp_h5w_fail_errno(w, "fsync", errno);
        else if (!w->io_err && !(w->unnamed && link_unnamed(w, path))) {
            if (rename(w->tmp, path) != 0)
                lp_h5w_fail_errno(w, NULL, errno);
            else
                renamed = 1;
        }
    }
    if (w->file >= 0) H5Fclose(w->file); /* cannot fail on I/O: the sink drops it */
    if (w->fapl >= 0) H5Pclose(w->fapl);
    if (w->str_type >= 0) H5Tclose(w->str_type);
    w->file = w->fapl = w->str_type = -1;
    if (w->tmp && !renamed) unlink(w->tmp);
    if (w->tmp) disarm();
    if (w->fd >= 0) close(w->fd); /* an unnamed file that was not linked vanishes here */
    w->fd = -1;
    free(w->tmp);
    w->tmp = NULL;
    if (renamed) {
        sync_dir_of(path);
        return LP_OK;
    }
    if (w->io_err == ENOMEM) return lp_error_nomem("HDF5 file driver");
    if (w->io_err) /* the root cause, whatever HDF5 made of it afterwards */
        return lp_error_set(LP_EOUTPUT, "cannot write %s: %s", path, strerror(w->io_err));
    if (w->status == LP_EINTERNAL) return lp_error_nomem(w->reason);
    if (w->status == LP_OK) /* not ok, yet nothing recorded: a caller's bug */
        return lp_error_set(LP_EINTERNAL, "cannot write %s: aborted", path);
    return lp_error_set(LP_EOUTPUT, "cannot write %s: %s", path, w->reason);
}

/* ---- reading -------------------------------------------------------- */

char *lp_h5_dup_str(const char *s, size_t len)
{
    char *d = lp_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

int lp_h5r_fail(lp_h5r *rd, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    rd->status = lp_error_set(LP_EINPUT, "%s: %s", rd->path, what);
    return -1;
}

int lp_h5r_fail_h5(lp_h5r *rd, const char *fmt, ...)
{
    char what[256], detail[384];
    /* The innermost error's description ("incorrect metadata checksum after
     * all read attempts", "truncated file: eof = ...") says more than its
     * minor message ("Read failed"). */
    lp_i_h5_detail(detail, sizeof detail, 1); /* before any other HDF5 call */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (detail[0])
        rd->status = lp_error_set(LP_EINPUT, "%s: corrupt or truncated file (HDF5: %s: %s)",
                                  rd->path, what, detail);
    else
        rd->status = lp_error_set(LP_EINPUT, "%s: corrupt or truncated file (HDF5: %s failed)",
                                  rd->path, what);
    return -1;
}

int lp_h5r_nomem(lp_h5r *rd, const char *what)
{
    rd->status = lp_error_nomem(what);
    return -1;
}

/* Open attribute `name` of loc if it exists and holds one element of class
 * cls. Returns the attribute, 0 if absent (*absent set), -1 on error. */
static hid_t rd_attr_open(lp_h5r *rd, hid_t loc, const char *obj, const char *name, H5T_class_t cls,
                          int *absent)
{
    hid_t attr = -1, type = -1, space = -1;
    *absent = 0;
    htri_t ex = H5Aexists(loc, name);
    if (ex < 0) {
        lp_h5r_fail(rd, "%s: cannot read attribute '%s'", obj, name);
        return -1;
    }
    if (ex == 0) {
        *absent = 1;
        return 0;
    }
    if ((attr = H5Aopen(loc, name, H5P_DEFAULT)) < 0 || (type = H5Aget_type(attr)) < 0 ||
        (space = H5Aget_space(attr)) < 0) {
        lp_h5r_fail(rd, "%s: cannot read attribute '%s'", obj, name);
        goto fail;
    }
    H5T_class_t c = H5Tget_class(type);
    int ok = c == cls || (cls == H5T_FLOAT && c == H5T_INTEGER);
    if (!ok || H5Sget_simple_extent_npoints(space) != 1) {
        lp_h5r_fail(rd, "%s: attribute '%s' has the wrong type or shape", obj, name);
        goto fail;
    }
    H5Sclose(space);
    H5Tclose(type);
    return attr;
fail:
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (attr >= 0) H5Aclose(attr);
    return -1;
}

/* Read a string attribute (variable or fixed length) into a malloc'ed
 * string. Returns 0, 1 if absent (and !required), -1 on error. */
int lp_h5r_attr_str(lp_h5r *rd, char **out, hid_t loc, const char *obj, const char *name,
                    int required)
{
    hid_t attr = -1, ftype = -1, mtype = -1;
    char *buf = NULL;
    int absent, rc = -1;
    if ((attr = rd_attr_open(rd, loc, obj, name, H5T_STRING, &absent)) < 0) return -1;
    if (absent) {
        if (required) return lp_h5r_fail(rd, "%s: missing attribute '%s'", obj, name);
        return 1;
    }
    if ((ftype = H5Aget_type(attr)) < 0) {
        lp_h5r_fail(rd, "%s: cannot read attribute '%s'", obj, name);
        goto done;
    }
    /* A variable-length string lives in HDF5's global heap, which has no
     * checksum and which HDF5 trusts: a damaged one crashes or hangs the
     * reader. linchpin writes fixed-length strings only. */
    htri_t vlen = H5Tis_variable_str(ftype);
    if (vlen > 0) {
        lp_h5r_fail(rd,
                    "%s: attribute '%s' is a variable-length string (not written by this "
                    "version of linchpin)",
                    obj, name);
        goto done;
    } else if (vlen == 0) {
        size_t size = H5Tget_size(ftype);
        if (size == 0 || size > ((size_t)1 << 26)) {
            lp_h5r_fail(rd, "%s: attribute '%s' has an implausible size", obj, name);
            goto done;
        }
        if (!(buf = lp_malloc(size + 1))) {
            lp_h5r_nomem(rd, "string attribute");
            goto done;
        }
        if (H5Aread(attr, ftype, buf) < 0) {
            lp_h5r_fail(rd, "%s: cannot read attribute '%s'", obj, name);
            goto done;
        }
        buf[size] = '\0';
        size_t len = strlen(buf);
        while (len > 0 && H5Tget_strpad(ftype) == H5T_STR_SPACEPAD && buf[len - 1] == ' ')
            len--;
        *out = lp_h5_dup_str(buf, len);
    } else {
        lp_h5r_fail(rd, "%s: cannot read attribute '%s'", obj, name);
        goto done;
    }
    if (!*out) {
        lp_h5r_nomem(rd, "string attribute");
        goto done;
    }
    rc = 0;
done:
    free(buf);
    if (mtype >= 0) H5Tclose(mtype);
    if (ftype >= 0) H5Tclose(ftype);
    H5Aclose(attr);
    return rc;
}

/* Read a numeric attribute, converted to mtype (NATIVE_INT64 needs an
 * integer attribute, NATIVE_DOUBLE takes either). Returns 0, 1 if absent
 * (and !required), -1 on error. */
int lp_h5r_attr_num(lp_h5r *rd, void *out, hid_t mtype, hid_t loc, const char *obj,
                    const char *name, int required)
{
    int absent;
    H5T_class_t cls = H5Tequal(mtype, H5T_NATIVE_DOUBLE) > 0 ? H5T_FLOAT : H5T_INTEGER;
    hid_t attr = rd_attr_open(rd, loc, obj, name, cls, &absent);
    if (attr < 0) return -1;
    if (absent) {
        if (required) return lp_h5r_fail(rd, "%s: missing attribute '%s'", obj, name);
        return 1;
    }
    int rc = 0;
    if (H5Aread(attr, mtype, out) < 0)
        rc = lp_h5r_fail(rd, "%s: cannot read attribute '%s'", obj, name);
    H5Aclose(attr);
    return rc;
}

/* Open the 1-D dataset `path` of class cls; *len receives its length. */
hid_t lp_h5r_column_open(lp_h5r *rd, hid_t file, const char *path, H5T_class_t cls, int64_t *len)
{
    hid_t dset = -1, type = -1, space = -1;
    hsize_t dims[1];
    htri_t ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex <= 0) {
        lp_h5r_fail(rd, "missing %s", path);
        return -1;
    }
    if ((dset = H5Dopen2(file, path, H5P_DEFAULT)) < 0 || (type = H5Dget_type(dset)) < 0 ||
        (space = H5Dget_space(dset)) < 0) {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto fail;
    }
    if (H5Tget_class(type) != cls || H5Sget_simple_extent_ndims(space) != 1 ||
        H5Sget_simple_extent_dims(space, dims, NULL) != 1 || dims[0] > (hsize_t)INT64_MAX / 16) {
        lp_h5r_fail(rd, "%s has the wrong type or shape", path);
        goto fail;
    }
    if (cls == H5T_STRING && H5Tis_variable_str(type) != 0) { /* see lp_h5r_attr_str */
        lp_h5r_fail(
            rd, "%s holds variable-length strings (not written by this version of linchpin)", path);
        goto fail;
    }
    /* Chunks never written read as zeros without being stored: a damaged
     * header could declare terabytes. Deflate packs at most about 1032:1. */
    double declared = (double)dims[0] * (double)H5Tget_size(type);
    if (declared > 1100.0 * (double)H5Dget_storage_size(dset) + 65536.0) {
        lp_h5r_fail(rd, "%s declares %.0f bytes but stores %.0f: damaged file", path, declared,
                    (double)H5Dget_storage_size(dset));
        goto fail;
    }
    *len = (int64_t)dims[0];
    H5Sclose(space);
    H5Tclose(type);
    return dset;
fail:
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (dset >= 0) H5Dclose(dset);
    return -1;
}

/* lp_h5r_rows_fn of lp_h5r_node_rows: int64 values checked and narrowed;
 * the first bad row of all is kept. */
typedef struct node_rows_scan {
    lp_vid *out;
    int64_t bound;
    int64_t bad, bad_val; /* first row out of range (INT64_MAX: none) and its value */
} node_rows_scan;

static void node_rows_fn(void *ctx, int64_t first, int64_t count, const unsigned char *rows,
                         size_t size)
{
    node_rows_scan *ns = ctx;
    (void)size; /* 8: the file type is native int64 */
    lp_vid *o = ns->out + first;
    const int64_t bound = ns->bound;
    int64_t bad = -1;
    for (int64_t k = 0; k < count; k++) {
        int64_t v;
        memcpy(&v, rows + (size_t)k * 8, 8);
        if (v < 0 || v >= bound) {
            bad = k;
            break;
        }
        o[k] = (lp_vid)v;
    }
    if (bad < 0) return;
#pragma omp critical(lp_node_rows_scan)
    if (first + bad < ns->bad) {
        ns->bad = first + bad;
        memcpy(&ns->bad_val, rows + (size_t)bad * 8, 8);
    }
}

int lp_h5r_node_rows(lp_h5r *rd, lp_vid **out, hid_t file, const char *path, int64_t len,
                     int64_t *got, int64_t bound, const char *table)
{
    int64_t n = 0;
    hid_t dset = lp_h5r_column_open(rd, file, path, H5T_INTEGER, &n), fspace = -1, mspace = -1;
    int64_t *buf = NULL;
    int rc = -1;
    *out = NULL;
    if (dset < 0) return -1;
    if (len >= 0 && n != len) {
        lp_h5r_fail(rd, "%s has %lld rows, expected %lld", path, (long long)n, (long long)len);
        goto done;
    }
    if (bound > (int64_t)LP_VID_MAX + 1) bound = (int64_t)LP_VID_MAX + 1;
    int64_t block = n < LP_H5_CHUNK ? n : LP_H5_CHUNK;
    if (!(*out = lp_malloc(((size_t)n + 1) * sizeof **out))) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    /* the raw chunks, decoded and checked in parallel */
    node_rows_scan ns = {.out = *out, .bound = bound, .bad = INT64_MAX, .bad_val = 0};
    int raw = lp_h5r_scan_rows(rd, dset, path, H5T_NATIVE_INT64, 0, n, node_rows_fn, &ns);
    if (raw < 0) goto done;
    if (raw == 0 && ns.bad != INT64_MAX) {
        lp_h5r_fail(rd, "%s[%lld] = %lld is not a row of %s", path, (long long)ns.bad,
                    (long long)ns.bad_val, table);
        goto done;
    }
    if (raw == 0) {
        if (got) *got = n;
        rc = 0;
        goto done;
    }
    /* else HDF5 reads it, block by block */
    if (!(buf = lp_malloc(((size_t)block + 1) * sizeof *buf))) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    hsize_t mdims[1] = {(hsize_t)(block > 0 ? block : 1)}, zero[1] = {0};
    if (n > 0 &&
        ((fspace = H5Dget_space(dset)) < 0 || (mspace = H5Screate_simple(1, mdims, NULL)) < 0)) {
        lp_h5r_fail_h5(rd, "reading %s", path);
        goto done;
    }
    for (int64_t start = 0; start < n; start += block) {
        int64_t cnt = n - start < block ? n - start : block;
        hsize_t off[1] = {(hsize_t)start}, count[1] = {(hsize_t)cnt};
        if (H5Sselect_hyperslab(mspace, H5S_SELECT_SET, zero, NULL, count, NULL) < 0 ||
            H5Sselect_hyperslab(fspace, H5S_SELECT_SET, off, NULL, count, NULL) < 0 ||
            H5Dread(dset, H5T_NATIVE_INT64, mspace, fspace, H5P_DEFAULT, buf) < 0) {
            lp_h5r_fail_h5(rd, "reading %s", path);
            goto done;
        }
        for (int64_t k = 0; k < cnt; k++) {
            if (buf[k] < 0 || buf[k] >= bound) {
                lp_h5r_fail(rd, "%s[%lld] = %lld is not a row of %s", path, (long long)(start + k),
                            (long long)buf[k], table);
                goto done;
            }
            (*out)[start + k] = (lp_vid)buf[k];
        }
    }
    if (got) *got = n;
    rc = 0;
done:
    if (rc) {
        free(*out);
        *out = NULL;
    }
    free(buf);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    H5Dclose(dset);
    return rc;
}
