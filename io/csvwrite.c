/* csvwrite.c — RFC 4180 writer for node tables and edge lists, atomic
 * replace by temporary file + fsync + rename (see lp_csvwrite.h). */
#include "lp_csvwrite.h"

#include <errno.h>
#include <fcntl.h>
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
    int fd;
    int err;          /* errno of the first failure, 0 if none */
    const char *path; /* final path, for messages */
    size_t len;
    char buf[OUT_BUF];
} out;

static void out_flush(out *o)
{
    size_t off = 0;
    while (off < o->len && !o->err) {
        ssize_t k = write(o->fd, o->buf + off, o->len - off);
        if (k < 0) {
            if (errno == EINTR) continue;
            o->err = errno;
        } else {
            off += (size_t)k;
        }
    }
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

/* Integral values below 1e15 as integers (exact: < 2^53); anything else in
 * the shortest of %.15g, %.16g, %.17g that reads back to the same double. */
static void out_number(out *o, double x)
{
    char tmp[40];
    int len;
    if (x == floor(x) && fabs(x) < 1e15) {
        long long v = (long long)x;
        char *p = tmp + sizeof tmp;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0) *--p = '-';
        out_bytes(o, p, (size_t)(tmp + sizeof tmp - p));
        return;
    }
    for (int prec = 15;; prec++) {
        len = snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (prec == 17 || strtod(tmp, NULL) == x) break;
    }
    out_bytes(o, tmp, (size_t)len);
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
    char *tmp = malloc(cap);
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
    if (nodes->has_revenue)
        out_bytes(o, "id,type,revenue\n", 16);
    else
        out_bytes(o, "id,type\n", 8);
    for (int64_t i = 0; i < nodes->id.count && !o->err; i++) {
        out_field(o, lp_strtab_get(&nodes->id, i), strtab_len(&nodes->id, i));
        out_char(o, ',');
        int32_t t = nodes->type[i];
        out_field(o, lp_strtab_get(&nodes->type_name, t), strtab_len(&nodes->type_name, t));
        if (nodes->has_revenue) {
            out_char(o, ',');
            out_number(o, nodes->revenue[i]);
        }
        out_char(o, '\n');
    }
}

static void write_edges_body(out *o, const lp_nodes *nodes, const lp_edges *edges)
{
    out_bytes(o, "source,target,weight\n", 21);
    for (int64_t k = 0; k < edges->m && !o->err; k++) {
        out_field(o, lp_strtab_get(&nodes->id, edges->src[k]),
                  strtab_len(&nodes->id, edges->src[k]));
        out_char(o, ',');
        out_field(o, lp_strtab_get(&nodes->id, edges->dst[k]),
                  strtab_len(&nodes->id, edges->dst[k]));
        out_char(o, ',');
        out_number(o, edges->weight[k]);
        out_char(o, '\n');
    }
}

/* Write one file to a temporary beside path; on success *out_tmp names it
 * (caller renames or unlinks, and frees). */
static lp_status write_temp(char **out_tmp, const char *path, const lp_nodes *nodes,
                            const lp_edges *edges)
{
    out *o = malloc(sizeof *o);
    if (!o) return lp_error_nomem("csv output buffer");
    char *tmp = NULL;
    lp_status st = open_temp(&o->fd, &tmp, path);
    if (st) {
        free(o);
        return st;
    }
    o->err = 0;
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

/* Make the directory that holds the renamed files durable (best effort). */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)fsync(fd);
    close(fd);
}

/* mkdir -p dir. */
static lp_status make_dirs(const char *dir)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p) return lp_error_nomem("directory name");
    memcpy(p, dir, n + 1);
    lp_status st = LP_OK;
    for (size_t i = 1; i <= n && st == LP_OK; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            st = lp_error_set(LP_EOUTPUT, "%s: cannot create directory: %s", p, strerror(errno));
        p[i] = c;
    }
    free(p);
    if (st) return st;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return lp_error_set(LP_EOUTPUT, "%s: not a directory", dir);
    return LP_OK;
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
    if ((st = check_nodes(nodes)) || (st = check_edges(nodes, edges)) || (st = make_dirs(dir)))
        return st;
    size_t n = strlen(dir);
    char *np = malloc(n + 16), *ep = malloc(n + 16);
    char *ntmp = NULL, *etmp = NULL;
    if (!np || !ep) {
        st = lp_error_nomem("output path");
        goto done;
    }
    const char *sep = n > 0 && dir[n - 1] == '/' ? "" : "/";
    snprintf(np, n + 16, "%s%snodes.csv", dir, sep);
    snprintf(ep, n + 16, "%s%sedges.csv", dir, sep);
    if ((st = write_temp(&ntmp, np, nodes, NULL)) || (st = write_temp(&etmp, ep, nodes, edges)))
        goto done;
    st = commit(ntmp, np);
    ntmp = NULL;
    if (st) goto done;
    st = commit(etmp, ep);
    etmp = NULL;
    if (st == LP_OK) sync_dir(dir);
done:
    discard(ntmp);
    discard(etmp);
    free(np);
    free(ep);
    return st;
}
