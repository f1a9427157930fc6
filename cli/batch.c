/* batch.c — `linchpin batch JOBS.csv`: many independent analyses in one
 * command (one per business unit or tenant), each job a separate
 * `linchpin analyze` process so that a job that fails (bad input, out of
 * memory, a crash) cannot stop or damage the others. Without MPI the jobs
 * run one after another; under mpirun/srun job j runs on rank j mod P. At
 * the end rank 0 prints one table of every job and the exit status is
 * nonzero (the first failed job's) when any job failed, naming them.
 *
 * JOBS.csv: one job per line, "input,output,options" (a header line of
 * exactly that is skipped, as are blank lines and lines starting with #;
 * fields may be double-quoted). input is a graph store, a directory with
 * nodes.csv and edges.csv (as `linchpin generate` writes), or
 * "NODES.csv;EDGES.csv"; options are analyze options separated by blanks. */
#include "lp_cli.h"
#include "lp_cli_mpi.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define FIELD_MAX 4096
#define MSG_MAX 240

typedef struct job {
    char input[FIELD_MAX], output[FIELD_MAX], options[FIELD_MAX];
    int line;
} job;

/* What one job did, as sent to rank 0. */
typedef struct job_result {
    int32_t index, status, rank, pad;
    double seconds;
    char message[MSG_MAX]; /* the job's last line on stderr when it failed */
} job_result;

/* Split one CSV record into at most 3 fields; -1 on a bad quote or a field
 * too long. */
static int split_record(const char *line, char fields[3][FIELD_MAX], int *n)
{
    *n = 0;
    const char *p = line;
    for (;;) {
        if (*n == 3) return -1;
        char *f = fields[(*n)++];
        size_t len = 0;
        if (*p == '"') {
            for (p++;; p++) {
                if (!*p) return -1;
                if (*p == '"') {
                    if (p[1] != '"') break;
                    p++;
                }
                if (len + 1 >= FIELD_MAX) return -1;
                f[len++] = *p;
            }
            p++;
            if (*p && *p != ',') return -1;
        } else {
            while (*p && *p != ',') {
                if (len + 1 >= FIELD_MAX) return -1;
                f[len++] = *p++;
            }
        }
        f[len] = '\0';
        if (!*p) return 0;
        p++; /* the comma */
    }
}

static int read_jobs(const char *path, job **out, int *out_n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "linchpin: cannot read %s: %s\n", path, strerror(errno));
        return LP_EINPUT;
    }
    job *jobs = NULL;
    int n = 0, cap = 0, lineno = 0, rc = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#') continue;
        if (lineno == 1 && !strcmp(line, "input,output,options")) continue;
        char fields[3][FIELD_MAX];
        int nf;
        if (split_record(line, fields, &nf) || nf < 2 || !fields[0][0] || !fields[1][0]) {
            fprintf(stderr,
                    "linchpin: %s:%d: expected input,output[,options] (quoted fields under "
                    "%d bytes)\n",
                    path, lineno, FIELD_MAX);
            rc = LP_EINPUT;
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            job *nj = realloc(jobs, (size_t)cap * sizeof *nj);
            if (!nj) {
                rc = lp_cli_fail(lp_error_nomem("jobs"));
                break;
            }
            jobs = nj;
        }
        job *j = &jobs[n++];
        memset(j, 0, sizeof *j);
        memcpy(j->input, fields[0], sizeof j->input);
        memcpy(j->output, fields[1], sizeof j->output);
        if (nf == 3) memcpy(j->options, fields[2], sizeof j->options);
        j->line = lineno;
    }
    free(line);
    fclose(f);
    if (!rc && n == 0) {
        fprintf(stderr, "linchpin: %s: no jobs\n", path);
        rc = LP_EINPUT;
    }
    if (rc) {
        free(jobs);
        return rc;
    }
    *out = jobs;
    *out_n = n;
    return 0;
}

/* path of DIR/name, or DIR/name.gz when only that exists */
static void in_dir(char *dst, size_t cap, const char *dir, const char *name)
{
    struct stat st;
    snprintf(dst, cap, "%s/%s", dir, name);
    if (stat(dst, &st) != 0) {
        char gz[FIELD_MAX + 64];
        snprintf(gz, sizeof gz, "%s/%s.gz", dir, name);
        if (stat(gz, &st) == 0) snprintf(dst, cap, "%s", gz);
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Run one job as `linchpin analyze ...` (this program, without MPI); its
 * stderr is relayed with a "job N:" prefix and its last line kept. */
static void run_job(const job *j, int index, const char *threads, int quiet, job_result *r)
{
    memset(r, 0, sizeof *r);
    r->index = index;
    r->rank = lp_cli_mpi_rank();
    double t0 = now();
    char *args[FIELD_MAX / 2 + 16], opts[FIELD_MAX], nodes[FIELD_MAX + 64], edges[FIELD_MAX + 64],
        self[PATH_MAX];
    int na = 0;
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        r->status = LP_EINTERNAL;
        snprintf(r->message, sizeof r->message, "cannot find the linchpin program");
        return;
    }
    self[sl] = '\0';
    args[na++] = self;
    args[na++] = "analyze";
    struct stat st;
    const char *semi = strchr(j->input, ';');
    if (semi) {
        snprintf(nodes, sizeof nodes, "%.*s", (int)(semi - j->input), j->input);
        snprintf(edges, sizeof edges, "%s", semi + 1);
        args[na++] = nodes;
        args[na++] = edges;
    } else if (stat(j->input, &st) == 0 && S_ISDIR(st.st_mode)) {
        in_dir(nodes, sizeof nodes, j->input, "nodes.csv");
        in_dir(edges, sizeof edges, j->input, "edges.csv");
        args[na++] = nodes;
        args[na++] = edges;
    } else {
        args[na++] = (char *)j->input;
    }
    args[na++] = "-o";
    args[na++] = (char *)j->output;
    args[na++] = "--quiet";
    memcpy(opts, j->options, sizeof opts);
    int has_threads = 0;
    for (char *save = NULL, *w = strtok_r(opts, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (!strncmp(w, "--threads", 9)) has_threads = 1;
        if (na < (int)(sizeof args / sizeof *args) - 3) args[na++] = w;
    }
    if (threads && !has_threads) {
        args[na++] = "--threads";
        args[na++] = (char *)threads;
    }
    args[na] = NULL;

    int pipefd[2];
    if (pipe(pipefd) != 0) {
        r->status = LP_EINTERNAL;
        snprintf(r->message, sizeof r->message, "pipe: %s", strerror(errno));
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    posix_spawn_file_actions_addclose(&fa, pipefd[1]);
    setenv("LINCHPIN_NO_MPI", "1", 1); /* the job is one process, whatever launched us */
    pid_t pid;
    int e = posix_spawn(&pid, self, &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (e != 0) {
        close(pipefd[0]);
        r->status = LP_EINTERNAL;
        snprintf(r->message, sizeof r->message, "cannot start analyze: %s", strerror(e));
        return;
    }
    FILE *err = fdopen(pipefd[0], "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (err && (len = getline(&line, &cap, err)) >= 0) {
        if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
        const char *text = strncmp(line, "linchpin: ", 10) ? line : line + 10;
        if (!quiet) fprintf(stderr, "linchpin: job %d: %s\n", index + 1, text);
        if (*text) snprintf(r->message, sizeof r->message, "%s", text);
    }
    free(line);
    if (err)
        fclose(err);
    else
        close(pipefd[0]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    r->seconds = now() - t0;
    if (WIFEXITED(ws)) {
        r->status = WEXITSTATUS(ws);
    } else {
        r->status = LP_EINTERNAL;
        snprintf(r->message, sizeof r->message, "killed by signal %d",
                 WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
    }
    if (!r->status) r->message[0] = '\0';
}

static const char USAGE[] =
    "usage: linchpin batch JOBS.csv [--threads N] [--quiet]\n"
    "\n"
    "Run one analysis per line of JOBS.csv (input,output,options): input is a graph\n"
    "store, a directory with nodes.csv and edges.csv, or NODES.csv;EDGES.csv; options\n"
    "are analyze options separated by blanks. Each job is its own process: one that\n"
    "fails does not stop the others. Under mpirun or srun job j runs on rank j mod P.\n"
    "At the end a table of every job; the exit status is the first failed job's.\n"
    "  --threads N           OpenMP threads of each job (unless its options say)\n"
    "  --quiet               no table, no relayed job messages (failures still named)\n";

int lp_cli_batch(int argc, char **argv)
{
    const char *path = NULL, *threads = NULL;
    int quiet = 0;
    for (int i = 2, dashes = 0; i < argc; i++) {
        const char *v, *a = argv[i];
        int kind = lp_cli_operand(a, &dashes);
        if (kind < 0) continue;
        if (kind) {
            if (path) return lp_cli_usage_error("unexpected argument '%s'", a);
            path = a;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            return 0;
        } else if ((v = lp_cli_opt_value(argc, argv, &i, "--threads"))) {
            int64_t t;
            if (lp_cli_parse_int64(v, 1, 4096, &t))
                return lp_cli_usage_error("--threads: expected a whole number from 1 to 4096, "
                                          "got '%s'",
                                          v);
            threads = v;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else {
            return lp_cli_usage_error("unknown option '%s'", a);
        }
    }
    if (!path) return lp_cli_usage_error("%s", "batch needs JOBS.csv");
    job *jobs = NULL;
    int n = 0;
    int rc = read_jobs(path, &jobs, &n);
    if (rc) return rc;
    int rank = lp_cli_mpi_rank(), size = lp_cli_mpi_size(), mine = 0;
    job_result *res = calloc((size_t)n, sizeof *res);
    if (!res) {
        free(jobs);
        return lp_cli_fail(lp_error_nomem("jobs"));
    }
    for (int j = rank; j < n; j += size)
        run_job(&jobs[j], j, threads, quiet, &res[mine++]);
    job_result *all = NULL;
    int64_t bytes = 0;
    lp_status st =
        lp_cli_mpi_gather(res, (int64_t)mine * (int64_t)sizeof *res, (void **)&all, &bytes);
    free(res);
    if (st) {
        free(jobs);
        return lp_cli_mpi_abort(st);
    }
    int64_t got = bytes / (int64_t)sizeof *all;
    job_result **by = calloc((size_t)n, sizeof *by);
    if (!by) {
        free(all);
        free(jobs);
        return lp_cli_fail(lp_error_nomem("jobs"));
    }
    for (int64_t k = 0; k < got; k++)
        if (all[k].index >= 0 && all[k].index < n) by[all[k].index] = &all[k];
    int failed = 0, first = 0;
    for (int j = 0; j < n; j++)
        if (!by[j] || by[j]->status) {
            failed++;
            if (!first) first = by[j] ? by[j]->status : LP_EINTERNAL;
        }
    if (rank == 0) {
        if (!quiet) {
            printf("%-4s %-5s %-6s %9s  %-30s %-30s %s\n", "job", "rank", "status", "seconds",
                   "input", "output", "message");
            for (int j = 0; j < n; j++) {
                const job_result *r = by[j];
                printf("%-4d %-5d %-6s %9.2f  %-30s %-30s %s\n", j + 1, r ? r->rank : -1,
                       !r          ? "lost"
                       : r->status ? "FAILED"
                                   : "ok",
                       r ? r->seconds : 0.0, jobs[j].input, jobs[j].output, r ? r->message : "");
            }
            printf("%d jobs, %d ok, %d failed\n", n, n - failed, failed);
        }
        if (failed) {
            fprintf(stderr, "linchpin: %d of %d jobs failed:", failed, n);
            for (int j = 0; j < n; j++)
                if (!by[j] || by[j]->status)
                    fprintf(stderr, " job %d (line %d, %s)", j + 1, jobs[j].line, jobs[j].input);
            fprintf(stderr, "\n");
        }
    }
    free(by);
    free(all);
    free(jobs);
    return failed ? first : 0;
}
