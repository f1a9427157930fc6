/* fuzz_common.h — helpers shared by the libFuzzer harnesses: the readers
 * take paths, so each input is written to an anonymous in-memory file
 * (memfd) and handed over as /proc/self/fd/N, or for HDF5 to a file in
 * /dev/shm (fuzz_named_file). Nothing touches the disk. */
#ifndef LP_FUZZ_COMMON_H
#define LP_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hdf5.h>

#include "lp_error.h"

typedef struct fuzz_file {
    int fd;
    char path[64];
} fuzz_file;

/* A memfd holding data[0..size); aborts if the kernel refuses (not a finding). */
static inline fuzz_file fuzz_file_make(const uint8_t *data, size_t size)
{
    fuzz_file f;
    f.fd = memfd_create("lp-fuzz", MFD_CLOEXEC);
    if (f.fd < 0) {
        perror("memfd_create");
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(f.fd, data + done, size - done);
        if (w <= 0) {
            perror("write");
            abort();
        }
        done += (size_t)w;
    }
    lseek(f.fd, 0, SEEK_SET);
    snprintf(f.path, sizeof f.path, "/proc/self/fd/%d", f.fd);
    return f;
}

/* HDF5 1.10 resolves the real path of every file it opens, which fails
 * for a memfd ("/memfd:... (deleted)"): the HDF5 harnesses get a named
 * file instead, one per process in /dev/shm (memory; /tmp where there is
 * none), rewritten for every input and removed at exit. */
static char fuzz_named_path[64];

static void fuzz_named_remove(void)
{
    unlink(fuzz_named_path);
}

static inline const char *fuzz_named_file(const uint8_t *data, size_t size)
{
    if (!fuzz_named_path[0]) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(fuzz_named_path, sizeof fuzz_named_path, "%s/lp-fuzz-%d.h5", dir, (int)getpid());
        atexit(fuzz_named_remove);
        /* HDF5 frees its free lists past 1 MB, so every open callocs its
         * ~0.5 MB metadata cache anew and ASan maps fresh pages for it:
         * keeping the lists makes these harnesses 1.5x faster (246 -> 377
         * inputs/s for fuzz_graphstore). Our own allocations are unchanged. */
        H5set_free_list_limits(-1, -1, -1, -1, -1, -1);
    }
    FILE *f = fopen(fuzz_named_path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(fuzz_named_path);
        abort();
    }
    return fuzz_named_path;
}

static inline void fuzz_file_drop(fuzz_file *f)
{
    close(f->fd);
    f->fd = -1;
}

/* Every status a reader may return for bad input: LP_OK or LP_EINPUT (or
 * out of memory, LP_EINTERNAL with that message). Anything else, or an
 * empty or multi-line message, is a bug: abort so libFuzzer records it. */
static inline void fuzz_check_status(lp_status st, const char *what)
{
    const char *msg = lp_error_message();
    if (st == LP_OK) return;
    if (st == LP_EINTERNAL && strstr(msg, "out of memory")) return;
    if (st != LP_EINPUT || !msg[0] || strchr(msg, '\n')) {
        fprintf(stderr, "%s: unexpected status %d, message \"%s\"\n", what, (int)st, msg);
        abort();
    }
}

#endif
