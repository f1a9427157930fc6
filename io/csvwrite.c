/* csvwrite.c — RFC 4180 writer for node tables and edge lists, atomic
 * replace by temporary file + fsync + rename (see lp_csvwrite.h). */
#include "lp_csvwrite.h"
#include "lp_alloc.h"
#include "lp_i_numfmt.h"
#include "lp_text.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- buffered output on a file descriptor -------------------------------- */

#define OUT_BUF (1 << 20)

typedef struct out {
    int fd;    /* -1: a memory block (lp_table_block): flushes go to mem */
    char *mem; /* memory block: what was flushed, mem_len bytes */
    size_t mem_len, mem_cap;
    int err;          /* errno of the first failure, 0 if none */
    int crlf;         /* line ends CRLF instead of LF */
    const char *path; /* final path, for messages */
    size_t len;
    char buf[OUT_BUF];
} out;

/* p[0..n) to o's file (after what its buffer holds: flushed first). */
static void out_write(out *o, const char *p, size_t n)
{
    size_t off = 0;
    while (off < n && !o->err) {
        ssize_t k = write(o->fd, p + off, n - off);
        if (k < 0) {
            if (errno == EINTR) continue;
            o->err = errno;
        } else {
            off += (size_t)k;
        }
    }
}

static void out_flush(out *o)
{
    if (o->fd < 0) { /* a memory block */
        if (!o->err && o->mem_len + o->len > o->mem_cap) {
            size_t nc = o->mem_cap ? 2 * o->mem_cap : OUT_BUF;
            while (nc < o->mem_len + o->len)
                nc *= 2;
            char *q = lp_realloc(o->mem, nc);
            if (q) {
                o->mem = q;
                o->mem_cap = nc;
            } else {
                o->err = ENOMEM;
            }
        }
        if (!o->err) memcpy(o->mem + o->mem_len, o->buf, o->len);
        o->mem_len += o->err ? 0 : o->len;
        o->len = 0;
        return;
    }
    out_write(o, o->buf, o->len);
    o->len = 0;
}

static void out_bytes(out *o, const char *s, size_t n)
{
    while (n > 0) {
        if (o->len == OUT_BUF) out_flush(o);
        size_t k = OUT_BUF - o->len;
        if (k > n) k = n;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
    }
}

static inline void out_char(out *o, char c)
{
    if (o->len == OUT_BUF) out_flush(o);
    o->buf[o->len++] = c;
}

static inline void out_eol(out *o)
{
    if (o->crlf) out_char(o, '\r');
    out_char(o, '\n');
}

/* One field, quoted when RFC 4180 needs it or when leading/trailing blanks
 * would otherwise be at the mercy of the reader. */
static void out_field(out *o, const char *s, size_t n)
{
    int quote = n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        out_bytes(o, s, n);
        return;
    }
    out_char(o, '"');
    size_t run = 0; /* start of the pending run without quotes */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            out_bytes(o, s + run, i + 1 - run); /* includes this quote */
            out_char(o, '"');                   /* ... doubled */
            run = i + 1;
        }
    }
    out_bytes(o, s + run, n - run);
    out_char(o, '"');
}

/* A finite number in the writers' form (lp_i_numfmt.h). */
static void out_number(out *o, double x)
{
    char tmp[LP_I_FMT_NUMBER_MAX];
    out_bytes(o, tmp, lp_i_fmt_number(tmp, x));
}

static inline size_t strtab_len(const lp_strtab *t, int64_t i)
{
    int64_t end = i + 1 < t->count ? t->offset[i + 1] : t->size;
    return (size_t)(end - t->offset[i] - 1);
}

/* ---- checks (before anything is created) ---------------------------------- */

static lp_status check_nodes(const lp_nodes *nodes)
{
    int64_t n = nodes->id.count;
    if (nodes->has_name && nodes->name.count != n)
        return lp_error_set(LP_EINTERNAL, "csv writer: %lld names for %lld nodes",
                            (long long)nodes->name.count, (long long)n);
    for (int64_t i = 0; i < n; i++) {
        if (nodes->type[i] < 0 || nodes->type[i] >= nodes->type_name.count)
            return lp_error_set(LP_EINTERNAL,
                                "csv writer: node row %lld: type index %d out of range",
                                (long long)i, (int)nodes->type[i]);
        if (nodes->has_revenue && !(isfinite(nodes->revenue[i]) && nodes->revenue[i] >= 0))
            return lp_error_set(LP_EINTERNAL,
                                "csv writer: node row %lld: revenue is negative or not finite",
                                (long long)i);
    }
    return LP_OK;
}

static lp_status check_edges(const lp_nodes *nodes, const lp_edges *edges)
{
    int64_t n = nodes->id.count;
    for (int64_t k = 0; k < edges->m; k++) {
        if (edges->src[k] < 0 || edges->src[k] >= n || edges->dst[k] < 0 || edges->dst[k] >= n)
            return lp_error_set(LP_EINTERNAL,
                                "csv writer: edge row %lld: endpoint is not a node row",
                                (long long)k);
        if (!(isfinite(edges->weight[k]) && edges->weight[k] > 0))
            return lp_error_set(LP_EINTERNAL,
                                "csv writer: edge row %lld: weight is not positive and finite",
                                (long long)k);
    }
    return LP_OK;
}

/* ---- temporary files -------------------------------------------------------- */

/* "dir/.base.tmp.<pid>.<k>" beside path, opened O_EXCL. *out_tmp is malloc'ed
 * (caller frees and unlinks). */
static lp_status open_temp(int *out_fd, char **out_tmp, const char *path)
{
    static unsigned counter;
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dlen;
    size_t cap = strlen(path) + 64;
    char *tmp = lp_malloc(cap);
    if (!tmp) return lp_error_nomem("temporary file name");
    for (int tries = 0; tries < 100; tries++) {
        snprintf(tmp, cap, "%.*s.%s.tmp.%ld.%u", (int)dlen, path, base, (long)getpid(), counter++);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *out_fd = fd;
            *out_tmp = tmp;
            return LP_OK;
        }
        if (errno != EEXIST) {
            lp_status st = lp_error_set(LP_EOUTPUT, "%s: cannot create temporary file: %s", path,
                                        strerror(errno));
            free(tmp);
            return st;
        }
    }
    free(tmp);
    return lp_error_set(LP_EOUTPUT, "%s: cannot create a unique temporary file", path);
}

/* Finish o: flush, fsync, close. Closes the descriptor in every case. */
static lp_status finish(out *o)
{
    out_flush(o);
    if (!o->err && fsync(o->fd) != 0) o->err = errno;
    if (close(o->fd) != 0 && !o->err) o->err = errno;
    o->fd = -1;
    if (o->err) return lp_error_set(LP_EOUTPUT, "%s: write failed: %s", o->path, strerror(o->err));
    return LP_OK;
}

static void write_nodes_body(out *o, const lp_nodes *nodes)
{
    out_bytes(o, "id,type", 7);
    if (nodes->has_revenue) out_bytes(o, ",revenue", 8);
    if (nodes->has_name) out_bytes(o, ",name", 5);
    out_eol(o);
    for (int64_t i = 0; i < nodes->id.count && !o->err; i++) {
        out_field(o, lp_strtab_get(&nodes->id, i), strtab_len(&nodes->id, i));
        out_char(o, ',');
        int32_t t = nodes->type[i];
        out_field(o, lp_strtab_get(&nodes->type_name, t), strtab_len(&nodes->type_name, t));
        if (nodes->has_revenue) {
            out_char(o, ',');
            out_number(o, nodes->revenue[i]);
        }
        if (nodes->has_name) {
            out_char(o, ',');
            out_field(o, lp_strtab_get(&nodes->name, i), strtab_len(&nodes->name, i));
        }
        out_eol(o);
    }
}

static void write_edges_body(out *o, const lp_nodes *nodes, const lp_edges *edges)
{
    out_bytes(o, "source,target,weight", 20);
    out_eol(o);
    for (int64_t k = 0; k < edges->m && !o->err; k++) {
        out_field(o, lp_strtab_get(&nodes->id, edges->src[k]),
                  strtab_len(&nodes->id, edges->src[k]));
        out_char(o, ',');
        out_field(o, lp_strtab_get(&nodes->id, edges->dst[k]),
                  strtab_len(&nodes->id, edges->dst[k]));
        out_char(o, ',');
        out_number(o, edges->weight[k]);
        out_eol(o);
    }
}

/* Write one file to a temporary beside path; on success *out_tmp names it
 * (caller renames or unlinks, and frees). */
static lp_status write_temp(char **out_tmp, const char *path, const lp_nodes *nodes,
                            const lp_edges *edges)
{
    out *o = lp_malloc(sizeof *o);
    if (!o) return lp_error_nomem("csv output buffer");
    char *tmp = NULL;
    lp_status st = open_temp(&o->fd, &tmp, path);
    if (st) {
        free(o);
        return st;
    }
    o->err = 0;
    o->crlf = 0;
    o->len = 0;
    o->path = path;
    if (edges)
        write_edges_body(o, nodes, edges);
    else
        write_nodes_body(o, nodes);
    st = finish(o);
    free(o);
    if (st) {
        unlink(tmp);
        free(tmp);
        return st;
    }
    *out_tmp = tmp;
    return LP_OK;
}

static lp_status commit(char *tmp, const char *path)
{
    lp_status st = LP_OK;
    if (rename(tmp, path) != 0) {
        st = lp_error_set(LP_EOUTPUT, "%s: cannot rename into place: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return st;
}

static void discard(char *tmp)
{
    if (!tmp) return;
    unlink(tmp);
    free(tmp);
}

/* At most this many files are committed together (commit_all). */
#define COMMIT_MAX 16

/* Rename tmp[k] onto path[k] for k = 0..n-1 as one step, as far as POSIX
 * allows: a target that is a directory stops it before anything is
 * replaced, and if a later rename still fails, the targets already
 * replaced get their old files back (held as hard links meanwhile), so a
 * new nodes.csv never stands beside an old edges.csv. Frees (and on
 * failure removes) every tmp[k] and sets it to NULL; a NULL entry has
 * nothing to commit. n <= COMMIT_MAX. */
static lp_status commit_all(char **tmp, char *const *path, int n)
{
    char *old[COMMIT_MAX] = {NULL};
    int replaced[COMMIT_MAX] = {0};
    lp_status st =
        n > COMMIT_MAX ? lp_error_set(LP_EINTERNAL, "csv writer: too many files") : LP_OK;
    struct stat sb;
    for (int k = 0; k < n && !st; k++)
        if (tmp[k] && stat(path[k], &sb) == 0 && S_ISDIR(sb.st_mode))
            st = lp_error_set(LP_EOUTPUT, "%s: is a directory", path[k]);
    for (int k = 0; k < n && !st; k++) { /* best effort: no hard links, no backup */
        if (!tmp[k] || lstat(path[k], &sb) != 0) continue;
        size_t len = strlen(tmp[k]) + 5;
        if ((old[k] = lp_malloc(len))) {
            snprintf(old[k], len, "%s.old", tmp[k]);
            if (link(path[k], old[k]) != 0) {
                free(old[k]);
                old[k] = NULL;
            }
        }
    }
    for (int k = 0; k < n && !st; k++) {
        if (!tmp[k]) continue;
        if (rename(tmp[k], path[k]) != 0)
            st = lp_error_set(LP_EOUTPUT, "%s: cannot rename into place: %s", path[k],
                              strerror(errno));
        else
            replaced[k] = 1;
    }
    for (int k = 0; k < n && k < COMMIT_MAX; k++) {
        if (st && replaced[k]) /* undo: the old file back, or none; nothing more to try */
            (void)(old[k] ? rename(old[k], path[k]) : unlink(path[k]));
        if (old[k]) (void)unlink(old[k]); /* gone already when renamed back */
        free(old[k]);
        if (replaced[k])
            free(tmp[k]);
        else
            discard(tmp[k]);
        tmp[k] = NULL;
    }
    return st;
}

/* Make the directory that holds the renamed files durable (best effort). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

/* mkdir -p dir. *out_created (may be NULL) receives the number of path
 * components created, the deepest ones (0 if dir existed). */
static lp_status make_dirs(const char *dir, int *out_created)
{
    size_t n = strlen(dir);
    char *p = lp_malloc(n + 1);
    if (!p) return lp_error_nomem("directory name");
    memcpy(p, dir, n + 1);
    lp_status st = LP_OK;
    int created = 0;
    for (size_t i = 1; i <= n && st == LP_OK; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        if (p[i - 1] == '/') continue; /* "a//b", trailing "/" */
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) == 0)
            created++;
        else if (errno != EEXIST)
            st = lp_error_set(LP_EOUTPUT, "%s: cannot create directory: %s", p, strerror(errno));
        else
            created = 0; /* an existing component below a created one (a race): keep all */
        p[i] = c;
    }
    free(p);
    if (out_created) *out_created = st == LP_OK ? created : 0;
    if (st) return st;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return lp_error_set(LP_EOUTPUT, "%s: not a directory", dir);
    return LP_OK;
}

/* Remove the `created` deepest components of dir (best effort, only if
 * empty): undoes make_dirs after a failure. Allocates nothing: it runs
 * after a failure, which may be the allocator's (make_dirs created them,
 * so the name fits in PATH_MAX). */
static void remove_dirs(const char *dir, int created)
{
    size_t n = strlen(dir);
    char p[PATH_MAX];
    if (created <= 0 || n >= sizeof p) return;
    memcpy(p, dir, n + 1);
    for (int k = 0; k < created; k++) {
        while (n > 1 && p[n - 1] == '/')
            p[--n] = '\0';
        if (rmdir(p) != 0) break;
        while (n > 0 && p[n - 1] != '/')
            n--;
        p[n] = '\0';
        if (n == 0) break;
    }
}

/* "dir/name" (one separator), malloc'ed; NULL when out of memory. */
static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir), k = strlen(name);
    char *p = lp_malloc(n + k + 2);
    if (!p) return NULL;
    const char *sep = n > 0 && dir[n - 1] == '/' ? "" : "/";
    snprintf(p, n + k + 2, "%s%s%s", dir, sep, name);
    return p;
}

/* ---- public ------------------------------------------------------------------ */

lp_status lp_csv_write_nodes(const char *path, const lp_nodes *nodes)
{
    lp_status st = check_nodes(nodes);
    char *tmp = NULL;
    if (st || (st = write_temp(&tmp, path, nodes, NULL))) return st;
    return commit(tmp, path);
}

lp_status lp_csv_write_edges(const char *path, const lp_nodes *nodes, const lp_edges *edges)
{
    lp_status st = check_edges(nodes, edges);
    char *tmp = NULL;
    if (st || (st = write_temp(&tmp, path, nodes, edges))) return st;
    return commit(tmp, path);
}

lp_status lp_csv_write_graph(const char *dir, const lp_nodes *nodes, const lp_edges *edges)
{
    lp_status st;
    int created = 0; /* directories made here, removed again on failure */
    if ((st = check_nodes(nodes)) || (st = check_edges(nodes, edges)) ||
        (st = make_dirs(dir, &created)))
        return st;
    char *np = join_path(dir, "nodes.csv"), *ep = join_path(dir, "edges.csv");
    char *ntmp = NULL, *etmp = NULL;
    if (!np || !ep) {
        st = lp_error_nomem("output path");
        goto done;
    }
    if ((st = write_temp(&ntmp, np, nodes, NULL)) || (st = write_temp(&etmp, ep, nodes, edges)))
        goto done;
    char *tmps[2] = {ntmp, etmp}, *paths[2] = {np, ep};
    ntmp = etmp = NULL;
    st = commit_all(tmps, paths, 2);
    if (st == LP_OK) sync_dir(dir);
done:
    discard(ntmp);
    discard(etmp);
    free(np);
    free(ep);
    if (st) remove_dirs(dir, created); /* only if empty */
    return st;
}

/* ---- streaming writer (a generator sink) ----------------------------------------- */

struct lp_csv_graph_writer {
    out *o[2];     /* nodes, edges; o[k]->fd is -1 once closed */
    char *path[2]; /* final paths */
    char *tmp[2];  /* temporary files, NULL once renamed or removed */
    char *dir;     /* as given */
    int created;   /* directory components created by open */
};

static lp_status write_failed(const out *o)
{
    return lp_error_set(LP_EOUTPUT, "%s: write failed: %s", o->path, strerror(o->err));
}

static lp_status sink_node(void *ctx, const lp_gen_node *node, int type, double revenue)
{
    lp_csv_graph_writer *w = ctx;
    out *o = w->o[0];
    const char *tn = lp_generate_type_name(type);
    if (!tn || node->id_len == 0 || !(isnan(revenue) || (isfinite(revenue) && revenue >= 0)))
        return lp_error_set(LP_EINTERNAL,
                            "csv writer: node row %lld: empty id, unknown type or bad revenue",
                            (long long)node->row);
    out_field(o, node->id, node->id_len);
    out_char(o, ',');
    out_field(o, tn, strlen(tn));
    out_char(o, ',');
    if (!isnan(revenue)) out_number(o, revenue);
    out_eol(o);
    return o->err ? write_failed(o) : LP_OK;
}

static lp_status sink_edge(void *ctx, const lp_gen_node *src, const lp_gen_node *dst, double weight)
{
    lp_csv_graph_writer *w = ctx;
    out *o = w->o[1];
    if (!(isnan(weight) || (isfinite(weight) && weight > 0)))
        return lp_error_set(LP_EINTERNAL, "csv writer: edge %lld-%lld: weight %g",
                            (long long)src->row, (long long)dst->row, weight);
    out_field(o, src->id, src->id_len);
    out_char(o, ',');
    out_field(o, dst->id, dst->id_len);
    out_char(o, ',');
    if (!isnan(weight)) out_number(o, weight);
    out_eol(o);
    return o->err ? write_failed(o) : LP_OK;
}

void lp_csv_graph_writer_discard(lp_csv_graph_writer *w)
{
    if (!w) return;
    for (int k = 0; k < 2; k++) {
        if (w->o[k] && w->o[k]->fd >= 0) close(w->o[k]->fd);
        discard(w->tmp[k]);
        free(w->o[k]);
        free(w->path[k]);
    }
    remove_dirs(w->dir, w->created);
    free(w->dir);
    free(w);
}

lp_status lp_csv_graph_writer_open(lp_csv_graph_writer **out_writer, const char *dir,
                                   const lp_csv_write_options *opt)
{
    static const char *const names[2] = {"nodes.csv", "edges.csv"};
    static const char *const headers[2] = {"id,type,revenue", "source,target,weight"};
    lp_csv_write_options defaults = LP_CSV_WRITE_OPTIONS_INIT;
    if (!opt) opt = &defaults;
    lp_csv_graph_writer *w = lp_calloc(1, sizeof *w);
    if (!w) return lp_error_nomem("csv writer");
    size_t n = strlen(dir);
    if (!(w->dir = lp_malloc(n + 1))) {
        free(w);
        return lp_error_nomem("csv writer");
    }
    memcpy(w->dir, dir, n + 1);
    lp_status st = make_dirs(dir, &w->created);
    for (int k = 0; k < 2 && !st; k++) {
        w->path[k] = join_path(dir, names[k]);
        w->o[k] = lp_malloc(sizeof *w->o[k]);
        if (!w->path[k] || !w->o[k]) {
            st = lp_error_nomem("csv writer");
            break;
        }
        out *o = w->o[k];
        o->fd = -1;
        o->err = 0;
        o->crlf = opt->crlf != 0;
        o->len = 0;
        o->path = w->path[k];
        if ((st = open_temp(&o->fd, &w->tmp[k], w->path[k]))) break;
        if (opt->bom) out_bytes(o, "\xef\xbb\xbf", 3);
        out_bytes(o, headers[k], strlen(headers[k]));
        out_eol(o);
    }
    if (st) {
        lp_csv_graph_writer_discard(w);
        return st;
    }
    *out_writer = w;
    return LP_OK;
}

lp_gen_sink lp_csv_graph_writer_sink(lp_csv_graph_writer *w)
{
    lp_gen_sink s = {.ctx = w, .node = sink_node, .edge = sink_edge};
    return s;
}

lp_status lp_csv_graph_writer_commit(lp_csv_graph_writer *w)
{
    lp_status st = LP_OK;
    for (int k = 0; k < 2 && !st; k++)
        st = finish(w->o[k]);
    if (!st) st = commit_all(w->tmp, w->path, 2);
    if (st == LP_OK) {
        sync_dir(w->dir);
        w->created = 0; /* keep the directory */
    }
    lp_csv_graph_writer_discard(w);
    return st;
}

lp_status lp_csv_generate(const char *dir, lp_generate_stats *out_stats,
                          const lp_generate_options *gopt, const lp_csv_write_options *wopt)
{
    lp_generate_options defaults = LP_GENERATE_OPTIONS_INIT;
    if (!gopt) gopt = &defaults;
    lp_csv_graph_writer *w;
    lp_generate_stats stats;
    lp_status st = lp_generate_check_options(gopt);
    if (st || (st = lp_csv_graph_writer_open(&w, dir, wopt))) return st;
    lp_gen_sink sink = lp_csv_graph_writer_sink(w);
    if ((st = lp_generate_stream(&sink, &stats, gopt))) {
        lp_csv_graph_writer_discard(w);
        return st;
    }
    if ((st = lp_csv_graph_writer_commit(w))) return st;
    if (out_stats) *out_stats = stats;
    return LP_OK;
}

/* ---- tables: CSV or JSON lines, several files committed together ------------------ */

typedef struct table_file {
    char *path, *tmp;
} table_file;

struct lp_table_set {
    lp_table_format fmt;
    char *dir;   /* NULL: names are paths */
    int created; /* directory components created by open */
    table_file *files;
    int n_files, cap_files;
    out *o; /* the open file, NULL between tables */
    int ncols, col;
    /* JSON lines: each column's key as written, '"name":', at keys +
     * key_off[k] .. key_off[k + 1] (a block borrows its table's) */
    char *keys;
    size_t *key_off;
    int keys_owned;
    const char *const *cols;
    int in_list, list_items;
    char *scratch; /* a list cell or a repaired string */
    size_t scratch_len, scratch_cap;
    char *json; /* a JSON string literal */
    size_t json_cap;
    int oom;
};

static void scratch_put(lp_table_set *s, const char *p, size_t n)
{
    if (s->oom) return;
    if (s->scratch_len + n + 1 > s->scratch_cap) {
        size_t nc = s->scratch_cap ? s->scratch_cap : 256;
        while (nc < s->scratch_len + n + 1)
            nc *= 2;
        char *q = lp_realloc(s->scratch, nc);
        if (!q) {
            s->oom = 1;
            return;
        }
        s->scratch = q;
        s->scratch_cap = nc;
    }
    memcpy(s->scratch + s->scratch_len, p, n);
    s->scratch_len += n;
}

/* Append s[0..n) to the scratch with invalid UTF-8 bytes replaced by
 * U+FFFD. */
static void scratch_put_repaired(lp_table_set *s, const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        size_t k = lp_text_utf8_seq_len(u + i, n - i);
        if (k) {
            scratch_put(s, p + i, k);
            i += k;
        } else {
            scratch_put(s, "\xef\xbf\xbd", 3);
            i++;
        }
    }
}

/* A JSON string literal (lp_text_json: invalid UTF-8 becomes U+FFFD). */
static void out_json_string(lp_table_set *s, const char *p, size_t n)
{
    size_t need = LP_TEXT_JSON_MAX(n);
    if (s->json_cap < need) {
        size_t nc = s->json_cap ? s->json_cap : 256;
        while (nc < need)
            nc *= 2;
        char *q = lp_realloc(s->json, nc);
        if (!q) {
            s->oom = 1;
            return;
        }
        s->json = q;
        s->json_cap = nc;
    }
    out_bytes(s->o, s->json, lp_text_json(s->json, p, n));
}

/* Before a cell: the separator and, in JSON lines, the key. */
static void cell_start(lp_table_set *s)
{
    out *o = s->o;
    if (s->fmt == LP_TABLE_CSV) {
        if (s->col > 0) out_char(o, ',');
    } else {
        out_char(o, s->col > 0 ? ',' : '{');
        if (s->keys && s->col < s->ncols) {
            out_bytes(o, s->keys + s->key_off[s->col], s->key_off[s->col + 1] - s->key_off[s->col]);
        } else {
            const char *name = s->cols[s->col];
            out_json_string(s, name, strlen(name));
            out_char(o, ':');
        }
    }
    s->col++;
}

lp_status lp_table_set_open(lp_table_set **out_set, const char *dir, lp_table_format fmt)
{
    lp_table_set *s = lp_calloc(1, sizeof *s);
    if (!s) return lp_error_nomem("table writer");
    s->fmt = fmt;
    if (dir) {
        size_t n = strlen(dir);
        if (!(s->dir = lp_malloc(n + 1))) {
            free(s);
            return lp_error_nomem("table writer");
        }
        memcpy(s->dir, dir, n + 1);
        lp_status st = make_dirs(dir, &s->created);
        if (st) {
            free(s->dir);
            free(s);
            return st;
        }
    }
    *out_set = s;
    return LP_OK;
}

lp_status lp_table_begin(lp_table_set *s, const char *name, int ncols, const char *const *cols)
{
    if (s->o) return lp_error_set(LP_EINTERNAL, "table writer: a table is still open");
    if (s->n_files == s->cap_files) {
        int nc = s->cap_files ? 2 * s->cap_files : 4;
        table_file *f = lp_realloc(s->files, (size_t)nc * sizeof *f);
        if (!f) return lp_error_nomem("table writer");
        s->files = f;
        s->cap_files = nc;
    }
    table_file *f = &s->files[s->n_files];
    f->tmp = NULL;
    if (s->dir) {
        f->path = join_path(s->dir, name);
    } else {
        size_t n = strlen(name);
        if ((f->path = lp_malloc(n + 1))) memcpy(f->path, name, n + 1);
    }
    if (!f->path) return lp_error_nomem("table writer");
    s->n_files++;
    if (!(s->o = lp_calloc(1, sizeof *s->o))) return lp_error_nomem("table writer");
    s->o->fd = -1;
    s->o->err = 0;
    s->o->crlf = 0;
    s->o->len = 0;
    s->o->path = f->path;
    lp_status st = open_temp(&s->o->fd, &f->tmp, f->path);
    if (st) {
        free(s->o);
        s->o = NULL;
        return st;
    }
    s->ncols = ncols;
    s->cols = cols;
    s->col = 0;
    if (s->fmt == LP_TABLE_JSONL) { /* the keys, encoded once */
        size_t cap = 0;
        for (int k = 0; k < ncols; k++)
            cap += LP_TEXT_JSON_MAX(strlen(cols[k])) + 1;
        s->keys = lp_malloc(cap + 1);
        s->key_off = lp_malloc(((size_t)ncols + 1) * sizeof *s->key_off);
        if (!s->keys || !s->key_off) {
            free(s->keys);
            free(s->key_off);
            s->keys = NULL;
            s->key_off = NULL;
            return lp_error_nomem("table writer");
        }
        s->keys_owned = 1;
        size_t at = 0;
        for (int k = 0; k < ncols; k++) {
            s->key_off[k] = at;
            at += lp_text_json(s->keys + at, cols[k], strlen(cols[k]));
            s->keys[at++] = ':';
        }
        s->key_off[ncols] = at;
    }
    if (s->fmt == LP_TABLE_CSV) {
        for (int k = 0; k < ncols; k++) {
            if (k) out_char(s->o, ',');
            out_field(s->o, cols[k], strlen(cols[k]));
        }
        out_eol(s->o);
    }
    return LP_OK;
}

void lp_table_str(lp_table_set *s, const char *p, size_t n)
{
    if (!s->o) return;
    if (s->in_list) { /* CSV: items joined by ';'; JSON lines: NUL-ended, for list_end */
        if (s->fmt == LP_TABLE_CSV && s->list_items > 0) scratch_put(s, ";", 1);
        if (lp_text_utf8_valid(p, n)) /* the common case: one copy */
            scratch_put(s, p, n);
        else
            scratch_put_repaired(s, p, n);
        if (s->fmt == LP_TABLE_JSONL) scratch_put(s, "", 1);
        s->list_items++;
        return;
    }
    cell_start(s);
    if (s->fmt == LP_TABLE_JSONL) {
        out_json_string(s, p, n);
        return;
    }
    const char *q = p;
    if (!lp_text_utf8_valid(p, n)) {
        s->scratch_len = 0;
        scratch_put_repaired(s, p, n);
        if (s->oom) return;
        q = s->scratch;
        n = s->scratch_len;
    }
    out_field(s->o, q, n);
}

void lp_table_i64(lp_table_set *s, int64_t v)
{
    if (!s->o) return;
    cell_start(s);
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0ULL - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    out_bytes(s->o, p, (size_t)(tmp + sizeof tmp - p));
}

void lp_table_f64(lp_table_set *s, double v)
{
    if (!s->o) return;
    if (!isfinite(v)) {
        lp_table_null(s);
        return;
    }
    cell_start(s);
    out_number(s->o, v);
}

void lp_table_null(lp_table_set *s)
{
    if (!s->o) return;
    cell_start(s);
    if (s->fmt == LP_TABLE_JSONL) out_bytes(s->o, "null", 4);
}

void lp_table_list_begin(lp_table_set *s)
{
    s->in_list = 1;
    s->list_items = 0;
    s->scratch_len = 0;
}

void lp_table_list_end(lp_table_set *s)
{
    s->in_list = 0;
    if (!s->o || s->oom) return;
    cell_start(s);
    if (s->fmt == LP_TABLE_CSV) {
        out_field(s->o, s->scratch, s->scratch_len);
        return;
    }
    out_char(s->o, '[');
    size_t at = 0;
    for (int k = 0; k < s->list_items; k++) {
        const char *item = s->scratch + at;
        size_t l = strlen(item);
        if (k) out_char(s->o, ',');
        out_json_string(s, item, l);
        at += l + 1;
    }
    out_char(s->o, ']');
}

void lp_table_row_end(lp_table_set *s)
{
    if (!s->o) return;
    if (s->fmt == LP_TABLE_JSONL) out_bytes(s->o, s->col ? "}" : "{}", s->col ? 1 : 2);
    out_eol(s->o);
    s->col = 0;
}

lp_status lp_table_end(lp_table_set *s)
{
    if (!s->o) return lp_error_set(LP_EINTERNAL, "table writer: no table open");
    out *o = s->o;
    s->o = NULL;
    if (s->keys_owned) {
        free(s->keys);
        free(s->key_off);
    }
    s->keys = NULL;
    s->key_off = NULL;
    s->keys_owned = 0;
    lp_status st = s->oom ? lp_error_nomem("table cell") : LP_OK;
    if (st) {
        close(o->fd);
        o->fd = -1;
    }
    if (!st) st = finish(o);
    free(o);
    return st;
}

int64_t lp_table_bytes(const lp_table_set *s)
{
    int64_t total = 0;
    struct stat sb;
    for (int k = 0; k < s->n_files; k++)
        if (s->files[k].tmp && stat(s->files[k].tmp, &sb) == 0) total += (int64_t)sb.st_size;
    return total;
}

void lp_table_set_discard(lp_table_set *s)
{
    if (!s) return;
    if (s->o) {
        if (s->o->fd >= 0) close(s->o->fd);
        free(s->o);
    }
    for (int k = 0; k < s->n_files; k++) {
        discard(s->files[k].tmp);
        free(s->files[k].path);
    }
    free(s->files);
    if (s->keys_owned) {
        free(s->keys);
        free(s->key_off);
    }
    if (s->dir) remove_dirs(s->dir, s->created);
    free(s->dir);
    free(s->scratch);
    free(s->json);
    free(s);
}

lp_status lp_table_set_commit(lp_table_set *s)
{
    lp_status st = s->o ? lp_error_set(LP_EINTERNAL, "table writer: a table is still open") : LP_OK;
    char *tmps[COMMIT_MAX], *paths[COMMIT_MAX];
    if (!st && s->n_files > COMMIT_MAX)
        st = lp_error_set(LP_EINTERNAL, "table writer: more than %d files", COMMIT_MAX);
    if (!st) {
        for (int k = 0; k < s->n_files; k++) {
            tmps[k] = s->files[k].tmp;
            paths[k] = s->files[k].path;
            s->files[k].tmp = NULL;
        }
        st = commit_all(tmps, paths, s->n_files);
    }
    if (!st) {
        if (s->dir)
            sync_dir(s->dir);
        else if (s->n_files > 0 && strlen(s->files[0].path) < PATH_MAX) {
            /* no allocation: the files are in place, nothing may fail now */
            char d[PATH_MAX], *slash;
            strcpy(d, s->files[0].path);
            slash = strrchr(d, '/');
            if (slash) *slash = '\0';
            sync_dir(slash ? (d[0] ? d : "/") : ".");
        }
        s->created = 0;
    }
    lp_table_set_discard(s);
    return st;
}

/* ---- row blocks: rows formatted apart, appended in order ------------------------- */

lp_status lp_table_block_open(lp_table_set **out_block, const lp_table_set *s)
{
    if (!s->o) return lp_error_set(LP_EINTERNAL, "table writer: no table open for a block");
    lp_table_set *b = lp_calloc(1, sizeof *b);
    if (!b || !(b->o = lp_calloc(1, sizeof *b->o))) {
        free(b);
        return lp_error_nomem("table block");
    }
    b->fmt = s->fmt;
    b->ncols = s->ncols;
    b->cols = s->cols;
    b->keys = s->keys; /* borrowed: keys_owned 0 */
    b->key_off = s->key_off;
    b->o->fd = -1;
    b->o->path = s->o->path;
    *out_block = b;
    return LP_OK;
}

lp_status lp_table_block_append(lp_table_set *s, lp_table_set *b)
{
    out *o = b->o;
    lp_status st = LP_OK;
    if (b->oom || o->err)
        st = lp_error_nomem("table block");
    else if (!s->o)
        st = lp_error_set(LP_EINTERNAL, "table writer: no table open for a block");
    if (!st && s->o->fd >= 0 && o->mem_len + o->len >= OUT_BUF / 4) {
        /* a big block goes to the file as it is, not through s's buffer */
        out_flush(s->o);
        out_write(s->o, o->mem, o->mem_len);
        out_write(s->o, o->buf, o->len);
    } else if (!st) {
        out_bytes(s->o, o->mem, o->mem_len);
        out_bytes(s->o, o->buf, o->len);
    }
    o->len = o->mem_len = 0;
    b->col = 0;
    return st;
}

void lp_table_block_free(lp_table_set *b)
{
    if (!b) return;
    free(b->o->mem);
    free(b->o);
    free(b->scratch);
    free(b->json);
    free(b);
}
