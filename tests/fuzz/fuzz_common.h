/* fuzz_common.h — helpers shared by the libFuzzer harnesses: the readers
 * take paths, so each input is written to an anonymous in-memory file
 * (memfd) and handed over as /proc/self/fd/N. Nothing touches the disk and
 * nothing is left behind. */
#ifndef LP_FUZZ_COMMON_H
#define LP_FUZZ_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
