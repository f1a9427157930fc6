/* test_faults.c — hard stops and full disks while a file is written
 * (issue 15 items 5 and 8), for both ways lp_h5w writes: the unnamed
 * O_TMPFILE file and the named fallback (lp_i_h5w_no_tmpfile):
 *  - SIGKILL, SIGINT and SIGTERM at random moments of a graph-store write
 *    (a child process re-running this binary writes a ~90,000-node store in
 *    a loop): the file at the target is afterwards the old one byte for
 *    byte, or a complete new one; SIGINT/SIGTERM leave no temporary file and
 *    the process still dies of the signal; after SIGKILL the next write to
 *    the same target removes what the killed one left;
 *  - a stale-looking temporary file that a live writer holds (flock) is not
 *    removed, one of another target's pattern is not removed either;
 *  - ENOSPC on a small tmpfs (skipped, with the reason, where mounting one
 *    is not allowed): LP_EOUTPUT "No space left on device", old file
 *    intact, no temporary file;
 *  - RLIMIT_FSIZE (ulimit -f): LP_EOUTPUT "File too large" instead of death
 *    by SIGXFSZ, no temporary file.
 * Before the fix every kill left a .tmp-XXXXXX file that no run removed and
 * ulimit -f killed the process without a message. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lp_csv.h"
#include "lp_csvwrite.h"
#include "lp_graphstore.h"
#include "lp_i_h5.h"
#include "lp_test.h"
#include "lp_test_files.h"

static char dir[128], big_dir[160], small_dir[160];

static lp_status load(lp_graph *g, const char *d)
{
    char np[256], ep[256];
    snprintf(np, sizeof np, "%s/nodes.csv", d);
    snprintf(ep, sizeof ep, "%s/edges.csv", d);
    return lp_graph_load_csv(g, NULL, np, ep, NULL);
}

/* ---- child modes -------------------------------------------------------- */

/* Write the big store to target until killed; one byte on fd 3 once loaded. */
static int child_writer(int no_tmpfile, const char *target)
{
    lp_i_h5w_no_tmpfile = no_tmpfile;
    lp_graph g;
    if (load(&g, big_dir)) return 2;
    if (write(3, "r", 1) != 1) return 2;
    close(3);
    for (;;)
        if (lp_graphstore_write(target, &g, NULL)) return 3;
}

/* One write of the big store under a 256 KiB file-size limit. */
static int child_fsize(int no_tmpfile, const char *target)
{
    lp_i_h5w_no_tmpfile = no_tmpfile;
    lp_graph g;
    if (load(&g, big_dir)) return 2;
    struct rlimit rl = {256 * 1024, 256 * 1024};
    if (setrlimit(RLIMIT_FSIZE, &rl)) return 2;
    lp_status st = lp_graphstore_write(target, &g, NULL);
    lp_graph_free(&g);
    char want[512];
    snprintf(want, sizeof want, "cannot write %s: File too large", target);
    if (st != LP_EOUTPUT || strcmp(lp_error_message(), want)) {
        fprintf(stderr, "fsize: status %d [%s], want [%s]\n", (int)st, lp_error_message(), want);
        return 1;
    }
    return 0;
}

/* ---- helpers of the parent ---------------------------------------------- */

static pid_t spawn(const char *mode, int no_tmpfile, const char *target, int ready_fd)
{
    char nt[4];
    snprintf(nt, sizeof nt, "%d", no_tmpfile);
    pid_t pid = fork();
    if (pid == 0) {
        if (ready_fd >= 0 && ready_fd != 3) {
            dup2(ready_fd, 3);
            close(ready_fd);
        }
        execl("/proc/self/exe", "test_faults", mode, nt, target, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int same_bytes(const char *path, const char *want, size_t want_len)
{
    size_t len;
    char *got = lp_test_slurp(path, &len);
    int same = got && len == want_len && !memcmp(got, want, len);
    free(got);
    return same;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_kills(int no_tmpfile, const char *old, size_t old_len, const lp_graph *small)
{
    static const int sigs[3] = {SIGKILL, SIGINT, SIGTERM};
    char target[256];
    snprintf(target, sizeof target, "%s/g.h5", dir);
    int left_by_kill = 0;
    for (int round = 0; round < 6; round++) {
        int sig = sigs[round % 3];
        int fds[2];
        if (pipe(fds)) abort();
        pid_t pid = spawn("writer", no_tmpfile, target, fds[1]);
        close(fds[1]);
        char c;
        ssize_t got = read(fds[0], &c, 1);
        close(fds[0]);
        CHECK(got == 1, "writer did not start");
        sleep_ms(rnd_below(600));
        kill(pid, sig);
        int ws;
        waitpid(pid, &ws, 0);
        CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == sig,
              "mode %d: writer did not die of signal %d (status %#x)", no_tmpfile, sig, ws);
        int temps = lp_test_count_temps(dir);
        if (sig != SIGKILL)
            CHECK(temps == 0, "mode %d: %d temporary files after signal %d", no_tmpfile, temps,
                  sig);
        else
            left_by_kill += temps;
        /* the target: the old file, or a complete new one */
        if (!same_bytes(target, old, old_len)) {
            lp_graph h;
            lp_status st = lp_graphstore_read(&h, NULL, target);
            CHECK(st == LP_OK, "mode %d, signal %d: target damaged: %s", no_tmpfile, sig,
                  lp_error_message());
            if (st == LP_OK) lp_graph_free(&h);
        }
        /* the next run: after a kill, the leftovers are stale once old enough */
        if (temps) sleep_ms(1000L * (LP_H5W_STALE_SECONDS + 1));
        lp_i_h5w_no_tmpfile = no_tmpfile;
        CHECK(lp_graphstore_write(target, small, NULL) == LP_OK, "rewrite: %s", lp_error_message());
        temps = lp_test_count_temps(dir);
        CHECK(temps == 0, "mode %d: %d temporary files after the next run", no_tmpfile, temps);
        lp_test_spit(target, old, old_len); /* the old file again, byte for byte */
    }
    printf("mode %s: 6 kills, %d temporary files left by SIGKILL (then removed)\n",
           no_tmpfile ? "named" : "O_TMPFILE", left_by_kill);
}

/* A live writer's temporary file (flock'ed) and another target's are left alone. */
static void test_stale_rules(const lp_graph *small)
{
    char target[256], live[300], other[300];
    snprintf(target, sizeof target, "%s/s.h5", dir);
    snprintf(live, sizeof live, "%s/.s.h5.tmp-AbC123", dir);
    snprintf(other, sizeof other, "%s/.t.h5.tmp-AbC123", dir);
    lp_test_spit(live, "x", 1);
    lp_test_spit(other, "x", 1);
    int fd = open(live, O_RDONLY);
    CHECK(fd >= 0 && flock(fd, LOCK_EX) == 0, "cannot lock %s", live);
    sleep_ms(1000L * (LP_H5W_STALE_SECONDS + 1));
    CHECK(lp_graphstore_write(target, small, NULL) == LP_OK, "write: %s", lp_error_message());
    CHECK(access(live, F_OK) == 0, "a locked temporary file was removed");
    CHECK(access(other, F_OK) == 0, "another target's temporary file was removed");
    close(fd); /* the "writer" died: now it is litter */
    CHECK(lp_graphstore_write(target, small, NULL) == LP_OK, "write: %s", lp_error_message());
    CHECK(access(live, F_OK) != 0, "a stale temporary file was not removed");
    unlink(other);
    unlink(target);
}

static void test_enospc(const char *old, size_t old_len, const lp_graph *big)
{
    char mnt[256], target[300];
    snprintf(mnt, sizeof mnt, "%s/tiny", dir);
    mkdir(mnt, 0700);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") != 0) {
        printf("ENOSPC case skipped: cannot mount a tmpfs here (%s)\n", strerror(errno));
        rmdir(mnt);
        return;
    }
    snprintf(target, sizeof target, "%s/g.h5", mnt);
    for (int mode = 0; mode < 2; mode++) {
        lp_i_h5w_no_tmpfile = mode;
        lp_test_spit(target, old, old_len);
        lp_status st = lp_graphstore_write(target, big, NULL);
        char want[512];
        snprintf(want, sizeof want, "cannot write %s: No space left on device", target);
        CHECK(st == LP_EOUTPUT && !strcmp(lp_error_message(), want),
              "ENOSPC (mode %d): status %d [%s]", mode, (int)st, lp_error_message());
        CHECK(same_bytes(target, old, old_len), "ENOSPC (mode %d): old file changed", mode);
        CHECK(lp_test_count_temps(mnt) == 0, "ENOSPC (mode %d): temporary file left", mode);
    }
    lp_i_h5w_no_tmpfile = 0;
    umount(mnt);
    rmdir(mnt);
    printf("ENOSPC on a 1 MiB tmpfs: exit status 4 and the old file kept, both modes\n");
}

static void test_fsize(void)
{
    char target[256];
    snprintf(target, sizeof target, "%s/f.h5", dir);
    for (int mode = 0; mode < 2; mode++) {
        pid_t pid = spawn("fsize", mode, target, -1);
        int ws;
        waitpid(pid, &ws, 0);
        CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "ulimit -f (mode %d): child %s %d", mode,
              WIFSIGNALED(ws) ? "killed by signal" : "exit",
              WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
        CHECK(lp_test_count_temps(dir) == 0, "ulimit -f (mode %d): temporary file left", mode);
        CHECK(access(target, F_OK) != 0, "ulimit -f (mode %d): a target was written", mode);
    }
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "/tmp/lp-test-faults-%d", argc > 1 ? (int)getppid() : (int)getpid());
    snprintf(big_dir, sizeof big_dir, "%s/big", dir);
    snprintf(small_dir, sizeof small_dir, "%s/small", dir);
    if (argc == 4 && !strcmp(argv[1], "writer")) return child_writer(atoi(argv[2]), argv[3]);
    if (argc == 4 && !strcmp(argv[1], "fsize")) return child_fsize(atoi(argv[2]), argv[3]);

    lp_test_remove_tree(dir);
    if (mkdir(dir, 0700)) {
        perror(dir);
        return 1;
    }
    lp_generate_options go = LP_GENERATE_OPTIONS_INIT;
    go.accounts = 20000;
    if (lp_csv_generate(big_dir, NULL, &go, NULL))
        return fprintf(stderr, "%s\n", lp_error_message()), 1;
    go.accounts = 5;
    if (lp_csv_generate(small_dir, NULL, &go, NULL))
        return fprintf(stderr, "%s\n", lp_error_message()), 1;
    lp_graph small, big;
    if (load(&small, small_dir) || load(&big, big_dir))
        return fprintf(stderr, "%s\n", lp_error_message()), 1;
    char target[256];
    snprintf(target, sizeof target, "%s/g.h5", dir);
    if (lp_graphstore_write(target, &small, NULL))
        return fprintf(stderr, "%s\n", lp_error_message()), 1;
    size_t old_len;
    char *old = lp_test_slurp(target, &old_len);

    rng_state = (uint64_t)time(NULL); /* random moments; the seed is printed */
    printf("seed %llu\n", (unsigned long long)rng_state);
    test_kills(0, old, old_len, &small);
    test_kills(1, old, old_len, &small);
    lp_i_h5w_no_tmpfile = 1;
    test_stale_rules(&small);
    lp_i_h5w_no_tmpfile = 0;
    test_enospc(old, old_len, &big);
    test_fsize();

    free(old);
    lp_graph_free(&small);
    lp_graph_free(&big);
    lp_test_remove_tree(dir);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_faults: all checks passed\n");
    return 0;
}
