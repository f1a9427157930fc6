/* bench_crm.c — CRM import (lp_crm_import) against the plain CSV route on
 * the same resulting graph.
 *
 *   bench_crm EXPORT_DIR WORK_DIR [--crm salesforce|hubspot] [--threads T] [--runs R]
 *             [--memory cold|warm] [--pause S] [--crm-only] [--files] [--load-only]
 *
 * 1. untimed: lp_crm_import of EXPORT_DIR, the graph it made written as
 *    WORK_DIR/nodes.csv and WORK_DIR/edges.csv (one row per node, with its
 *    name; one row per merged edge with its weight), read back by
 *    lp_graph_load_csv and compared (ids, types, revenue, names, CSR;
 *    weights equal to the last bit, since "%.17g" round-trips): agree=1
 *    when the routes give one graph;
 * 2. R rounds of: crm, lp_crm_import of EXPORT_DIR; csv, lp_graph_load_csv
 *    of the two files; each then writes the graph store WORK_DIR/graph.h5
 *    as `linchpin import` does (lp_graphstore_write_meta, the CRM route
 *    with its roles; --load-only: not). Seconds of the load (medians), CSV
 *    bytes read, MB/s (10^6 bytes) of CSV, the seconds of the whole import
 *    (load and write, import_seconds), then the ratio crm / csv of the
 *    medians (the target: within 2x) and each round's ratio with their
 *    median, for the load and for the whole import. One key=value line
 *    each.
 *
 * Every import runs in a fresh child process, as a user's import does, and
 * the two routes alternate, so that both meet the same machine. On this
 * VM the first touch of memory the host has taken back (virtio-balloon
 * free page reporting, about 2 s after a process frees it) costs about
 * 1-1.7 s per GB, against 0.05-0.1 s per GB for memory the guest still
 * holds: a run that follows another reuses the memory that one freed.
 * --memory says how every run starts: cold (default), after a pause of S
 * seconds (default 10) in which the memory of the run before goes back;
 * warm, after the child touched and freed 3 GB (more than either route's
 * peak), as on a machine without a balloon. --crm-only: step 2's crm runs
 * only (for profiling the import). --files: the seconds from the start of
 * the import at which each file was read (on stderr; the rest up to the
 * total is the activity weights and the build). Generate the export with
 * scripts/make_crm_sample.py (bench/README.md).
 *
 * No OpenMP region runs in the parent: libgomp's threads do not survive a
 * fork.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE, usleep */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "lp_crm.h"
#include "lp_csvwrite.h"
#include "lp_graphstore.h"

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static int same_graph(const lp_graph *a, const lp_graph *b)
{
    if (a->n != b->n || a->m != b->m || a->nodes.has_name != b->nodes.has_name) return 0;
    for (int64_t i = 0; i < a->n; i++)
        if (strcmp(lp_strtab_get(&a->nodes.id, i), lp_strtab_get(&b->nodes.id, i)) ||
            strcmp(lp_strtab_get(&a->nodes.type_name, a->nodes.type[i]),
                   lp_strtab_get(&b->nodes.type_name, b->nodes.type[i])) ||
            a->nodes.revenue[i] != b->nodes.revenue[i] ||
            (a->nodes.has_name &&
             strcmp(lp_strtab_get(&a->nodes.name, i), lp_strtab_get(&b->nodes.name, i))))
            return 0;
    size_t arcs = (size_t)(2 * a->m);
    return !memcmp(a->csr.offset, b->csr.offset, (size_t)(a->n + 1) * sizeof *a->csr.offset) &&
           (!arcs || (!memcmp(a->csr.adj, b->csr.adj, arcs * sizeof *a->csr.adj) &&
                      !memcmp(a->csr.weight, b->csr.weight, arcs * sizeof *a->csr.weight)));
}

/* The graph's nodes and merged edges (u < v, CSR order) as CSV. */
static lp_status write_graph_csv(const char *dir, const lp_graph *g)
{
    lp_edges e = LP_EDGES_INIT;
    lp_status st = LP_OK;
    for (lp_vid u = 0; u < g->csr.n && !st; u++)
        for (int64_t k = g->csr.offset[u]; k < g->csr.offset[u + 1] && !st; k++)
            if (u < g->csr.adj[k]) st = lp_edges_push(&e, u, g->csr.adj[k], g->csr.weight[k]);
    if (!st) st = lp_csv_write_graph(dir, &g->nodes, &e);
    lp_edges_free(&e);
    return st;
}

/* --files: the time at which each file of the import was read. */
typedef struct file_clock {
    double t0;
} file_clock;

static void file_done(void *ctx, const char *role, int64_t done, int64_t total)
{
    file_clock *fc = ctx;
    if (done == total)
        fprintf(stderr, "file=%s bytes=%lld at=%.3f\n", role, (long long)total,
                bench_now() - fc->t0);
}

typedef struct setup {
    const lp_crm_mapping *m;
    const char *dir, *work;
    char nodes[4096], edges[4096];
    int files, warm, write;
    char store[4096];
} setup;

/* What a child reports. */
typedef struct run_out {
    int ok, agree;
    double seconds, cpu, others, peak_rss_mb, write_seconds;
    long long n, m, edge_rows, bytes;
} run_out;

enum { RUN_PREPARE, RUN_CRM, RUN_CSV };

/* Touch and free 3 GB (huge pages, as the imports' big blocks): the memory
 * the run then takes is memory the guest holds. */
static void warm_memory(void)
{
    size_t n = (size_t)3 << 30;
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    memset(p, 1, n);
    munmap(p, n);
}

/* The child's work: one timed import of the route, or the preparation. */
static run_out child_run(const setup *S, int what)
{
    run_out r = {0};
    lp_graph g, h;
    lp_crm_report rep;
    lp_crm_options opt = LP_CRM_OPTIONS_INIT;
    file_clock fc;
    if (what == RUN_PREPARE) {
        if (lp_crm_import(&g, &rep, S->m, S->dir, &opt)) return r;
        lp_crm_report_free(&rep);
        if (write_graph_csv(S->work, &g) || lp_graph_load_csv(&h, NULL, S->nodes, S->edges, NULL)) {
            lp_graph_free(&g);
            return r;
        }
        r.agree = same_graph(&g, &h);
        r.bytes = file_size(S->nodes) + file_size(S->edges);
        lp_graph_free(&h);
        lp_graph_free(&g);
        r.ok = 1;
        return r;
    }
    /* the peak is the import's: the high-water mark reset after warming */
    int hwm = 0;
    if (S->warm) {
        warm_memory();
        hwm = !bench_hwm_reset();
    }
    if (what == RUN_CRM && S->files) {
        opt.progress = file_done;
        opt.progress_ctx = &fc;
    }
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    bench_cpu c0 = bench_cpu_now();
    fc.t0 = c0.wall;
    lp_load_report lrep;
    lp_status st = what == RUN_CRM ? lp_crm_import(&g, &rep, S->m, S->dir, &opt)
                                   : lp_graph_load_csv(&g, &lrep, S->nodes, S->edges, NULL);
    bench_cpu c1 = bench_cpu_now();
    if (st) return r;
    /* the load's peak (the store write's own buffers come after) */
    r.peak_rss_mb = hwm ? bench_status_mb("VmHWM:") : bench_peak_rss_mb();
    if (S->write) {
        lp_graphstore_meta meta = LP_GRAPHSTORE_META_INIT;
        if (what == RUN_CRM) meta.roles = lp_crm_mapping_roles(S->m);
        double t = bench_now();
        st = lp_graphstore_write_meta(S->store, &g, what == RUN_CRM ? &rep.load : &lrep, &meta);
        r.write_seconds = bench_now() - t;
        if (st) {
            if (what == RUN_CRM) lp_crm_report_free(&rep);
            lp_graph_free(&g);
            return r;
        }
    }
    r.seconds = c1.wall - c0.wall;
    r.cpu = c1.self - c0.self;
    r.others = bench_others(&c0, &c1, nproc);
    r.n = g.n;
    r.m = g.m;
    r.edge_rows = g.m + g.merged_duplicates + g.dropped_self_loops;
    if (what == RUN_CRM) {
        r.bytes = rep.csv_bytes;
        lp_crm_report_free(&rep);
    } else {
        r.bytes = file_size(S->nodes) + file_size(S->edges);
    }
    lp_graph_free(&g);
    r.ok = 1;
    return r;
}

/* child_run in a fresh child process. 0, or -1 (the child's error is on
 * stderr). */
static int run_forked(const setup *S, int what, run_out *out)
{
    int fd[2];
    if (pipe(fd)) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fd[0]);
        run_out r = child_run(S, what);
        if (!r.ok) fprintf(stderr, "bench_crm: %s\n", lp_error_message());
        ssize_t w = write(fd[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r && r.ok ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], out, sizeof *out);
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return got == (ssize_t)sizeof *out && out->ok && WIFEXITED(status) && !WEXITSTATUS(status) ? 0
                                                                                               : -1;
}

int main(int argc, char **argv)
{
    const char *crm = "salesforce", *memory = "cold";
    int threads = 2, runs = 1, crm_only = 0, load_only = 0;
    double pause = 10;
    setup S = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--crm") && i + 1 < argc)
            crm = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--memory") && i + 1 < argc)
            memory = argv[++i];
        else if (!strcmp(argv[i], "--pause") && i + 1 < argc)
            pause = atof(argv[++i]);
        else if (!strcmp(argv[i], "--crm-only"))
            crm_only = 1;
        else if (!strcmp(argv[i], "--files"))
            S.files = 1;
        else if (!strcmp(argv[i], "--load-only"))
            load_only = 1;
        else if (!S.dir)
            S.dir = argv[i];
        else if (!S.work)
            S.work = argv[i];
    }
    if (!S.dir || !S.work || threads < 1 || runs < 1 || !(pause >= 0) ||
        (strcmp(memory, "cold") && strcmp(memory, "warm"))) {
        fprintf(stderr, "usage: bench_crm EXPORT_DIR WORK_DIR [--crm NAME] [--threads T] "
                        "[--runs R] [--memory cold|warm] [--pause S] [--crm-only] [--files] "
                        "[--load-only]\n");
        return 2;
    }
    S.warm = !strcmp(memory, "warm");
    S.write = !load_only;
#ifdef _OPENMP
    omp_set_num_threads(threads); /* sets the count only: no thread starts here */
#endif
    lp_crm_mapping *m;
    if (lp_crm_mapping_builtin(&m, crm)) {
        fprintf(stderr, "bench_crm: %s\n", lp_error_message());
        return 1;
    }
    S.m = m;
    snprintf(S.nodes, sizeof S.nodes, "%s/nodes.csv", S.work);
    snprintf(S.edges, sizeof S.edges, "%s/edges.csv", S.work);
    snprintf(S.store, sizeof S.store, "%s/graph.h5", S.work);
    run_out prep = {0}, rc[16], rv[16];
    if (runs > 16) runs = 16;
    if (!crm_only && run_forked(&S, RUN_PREPARE, &prep)) return 1;
    for (int r = 0; r < runs; r++)
        for (int what = RUN_CRM; what <= (crm_only ? RUN_CRM : RUN_CSV); what++) {
            if (!S.warm && pause > 0) usleep((useconds_t)(pause * 1e6));
            if (run_forked(&S, what, what == RUN_CRM ? &rc[r] : &rv[r])) return 1;
        }
    double t[16], cpu[16], oth[16], rss[16], imp[16];
    const char *name[] = {"crm", "csv"};
    double sec[2] = {0, 0}, isec[2] = {0, 0};
    for (int k = 0; k < (crm_only ? 1 : 2); k++) {
        const run_out *x = k ? rv : rc;
        for (int r = 0; r < runs; r++) {
            t[r] = x[r].seconds;
            cpu[r] = x[r].cpu;
            oth[r] = x[r].others;
            rss[r] = x[r].peak_rss_mb;
            imp[r] = x[r].seconds + x[r].write_seconds;
        }
        printf("phase=%s threads=%d memory=%s nodes=%lld edges=%lld edge_rows=%lld "
               "csv_bytes=%lld seconds=%.3f",
               name[k], threads, memory, x[0].n, x[0].m, x[0].edge_rows, x[0].bytes,
               (sec[k] = bench_median(t, runs)));
        printf(" MBps=%.1f cpu_seconds=%.1f others=%.2f peak_rss_mb=%.0f runs=",
               (double)x[0].bytes / 1e6 / sec[k], bench_median(cpu, runs), bench_median(oth, runs),
               bench_median(rss, runs));
        for (int r = 0; r < runs; r++)
            printf("%s%.3f", r ? "," : "", x[r].seconds);
        if (S.write) printf(" import_seconds=%.3f", (isec[k] = bench_median(imp, runs)));
        printf("\n");
    }
    if (!crm_only) {
        /* and per round: the two runs of a round met the most similar machine */
        for (int r = 0; r < runs; r++)
            t[r] = rc[r].seconds / rv[r].seconds;
        printf("ratio_crm_over_csv=%.2f agree=%d round_ratios=", sec[0] / sec[1], prep.agree);
        for (int r = 0; r < runs; r++)
            printf("%s%.2f", r ? "," : "", t[r]);
        printf(" median_round_ratio=%.2f\n", bench_median(t, runs));
        if (S.write) { /* the whole import, the store written */
            for (int r = 0; r < runs; r++)
                t[r] =
                    (rc[r].seconds + rc[r].write_seconds) / (rv[r].seconds + rv[r].write_seconds);
            printf("import_ratio_crm_over_csv=%.2f import_round_ratios=", isec[0] / isec[1]);
            for (int r = 0; r < runs; r++)
                printf("%s%.2f", r ? "," : "", t[r]);
            printf(" import_median_round_ratio=%.2f\n", bench_median(t, runs));
        }
    }
    lp_crm_mapping_free(m);
    return 0;
}
