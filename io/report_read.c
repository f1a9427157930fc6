/* report_read.c — what `linchpin report` needs from a result file
 * (lp_report_read, lp_report.h): whole columns, checked before use. The
 * one function to replace when the report switches to the whole-table
 * reader (lp_results_read_table). */
#include "lp_report.h"
#include "lp_alloc.h"
#include "lp_i_h5.h"
#include "lp_results.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

static int exists(lp_h5r *rd, hid_t file, const char *path)
{
    htri_t ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail_h5(rd, "looking up %s", path);
    return ex > 0;
}

/* The whole numeric column into malloc'ed *out, length must be len (or,
 * with len < 0, any: *got receives it). */
static int rd_col(lp_h5r *rd, void **out, hid_t file, const char *path, H5T_class_t cls,
                  hid_t mtype, int64_t len, int64_t *got_len)
{
    int64_t got = 0;
    hid_t dset = lp_h5r_column_open(rd, file, path, cls, &got);
    if (dset < 0) return -1;
    int rc = -1;
    if (len >= 0 && got != len) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, expected %" PRId64, path, got, len);
        goto done;
    }
    size_t size = H5Tget_size(mtype);
    if (!(*out = lp_malloc(((size_t)got + 1) * size))) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    if (got > 0 && H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        lp_h5r_fail_h5(rd, "reading %s", path);
        goto done;
    }
    if (got_len) *got_len = got;
    rc = 0;
done:
    H5Dclose(dset);
    return rc;
}

/* A string column of n rows (n < 0: any; *got receives it) in either
 * layout: fixed-length `path` or the blob pair `path`_bytes/_offsets.
 * Returns 1 when absent (and !required). */
static int rd_strings(lp_h5r *rd, lp_report_strings *out, hid_t file, const char *path, int64_t n,
                      int64_t *got, int required)
{
    char bpath[256], opath[256];
    snprintf(bpath, sizeof bpath, "%s_bytes", path);
    snprintf(opath, sizeof opath, "%s_offsets", path);
    int fixed = exists(rd, file, path);
    if (fixed < 0) return -1;
    if (fixed) {
        int64_t len = 0;
        hid_t dset = lp_h5r_column_open(rd, file, path, H5T_STRING, &len), ftype = -1, mtype = -1;
        if (dset < 0) return -1;
        int rc = -1;
        if (n >= 0 && len != n) {
            lp_h5r_fail(rd, "%s has %" PRId64 " rows, expected %" PRId64, path, len, n);
            goto fdone;
        }
        if ((ftype = H5Dget_type(dset)) < 0 || (mtype = H5Tcopy(H5T_C_S1)) < 0) {
            lp_h5r_fail_h5(rd, "reading %s", path);
            goto fdone;
        }
        size_t w = H5Tget_size(ftype);
        if (w == 0 || w > (1u << 20) || H5Tset_size(mtype, w) < 0 ||
            H5Tset_strpad(mtype, H5T_STR_NULLPAD) < 0 ||
            H5Tset_cset(mtype, H5Tget_cset(ftype)) < 0) {
            lp_h5r_fail(rd, "%s has the wrong type", path);
            goto fdone;
        }
        /* read as NUL-terminated strings of w + 1 bytes: no copy */
        if (H5Tset_size(mtype, w + 1) < 0 || H5Tset_strpad(mtype, H5T_STR_NULLTERM) < 0) {
            lp_h5r_fail_h5(rd, "reading %s", path);
            goto fdone;
        }
        out->width = w + 1;
        out->bytes = lp_malloc((size_t)len * (w + 1) + 1);
        if (!out->bytes) {
            lp_h5r_nomem(rd, path);
            goto fdone;
        }
        if (len > 0 && H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out->bytes) < 0) {
            lp_h5r_fail_h5(rd, "reading %s", path);
            goto fdone;
        }
        if (got) *got = len;
        rc = 0;
    fdone:
        if (mtype >= 0) H5Tclose(mtype);
        if (ftype >= 0) H5Tclose(ftype);
        H5Dclose(dset);
        return rc;
    }
    int blob = exists(rd, file, bpath);
    if (blob < 0) return -1;
    if (!blob) {
        if (required) return lp_h5r_fail(rd, "missing %s", path);
        return 1;
    }
    int64_t blen = 0, olen = 0;
    if (rd_col(rd, (void **)&out->bytes, file, bpath, H5T_INTEGER, H5T_NATIVE_UINT8, -1, &blen) ||
        rd_col(rd, (void **)&out->off, file, opath, H5T_INTEGER, H5T_NATIVE_INT64,
               n >= 0 ? n + 1 : -1, &olen))
        return -1;
    if (olen < 1 || out->off[0] != 0 || out->off[olen - 1] != blen)
        return lp_h5r_fail(rd, "%s must run from 0 to the length of %s", opath, bpath);
    for (int64_t i = 0; i + 1 < olen; i++) {
        int64_t a = out->off[i], b = out->off[i + 1];
        if (b <= a || out->bytes[b - 1] != '\0' ||
            memchr(out->bytes + a, '\0', (size_t)(b - a - 1)))
            return lp_h5r_fail(rd,
                               "%s: string of row %" PRId64 " is not NUL-terminated where "
                               "its offsets say",
                               bpath, i);
    }
    if (got) *got = olen - 1;
    return 0;
}

/* An offsets/values pair per account: offsets [a+1] from 0 to the values'
 * length, never decreasing, values rows of /nodes (n rows; checked as they
 * are read). Absent: 1 (if !required). */
static int rd_list(lp_h5r *rd, int64_t **off, lp_vid **val, hid_t file, const char *opath,
                   const char *vpath, int64_t a, int64_t n, int required)
{
    int ex = exists(rd, file, opath);
    if (ex < 0) return -1;
    if (!ex) return required ? lp_h5r_fail(rd, "missing %s", opath) : 1;
    int64_t len = 0;
    if (rd_col(rd, (void **)off, file, opath, H5T_INTEGER, H5T_NATIVE_INT64, a + 1, NULL) ||
        lp_h5r_node_rows(rd, val, file, vpath, -1, &len, n, "/nodes"))
        return -1;
    if ((*off)[0] != 0 || (*off)[a] != len)
        return lp_h5r_fail(rd, "%s must run from 0 to %" PRId64 " (the length of %s)", opath, len,
                           vpath);
    for (int64_t i = 0; i < a; i++)
        if ((*off)[i + 1] < (*off)[i])
            return lp_h5r_fail(rd, "%s decreases at row %" PRId64, opath, i);
    return 0;
}

static int rd_root(lp_h5r *rd, lp_report_data *d, hid_t file)
{
    char *format = NULL;
    int64_t version = 0;
    int rc = lp_h5r_attr_str(rd, &format, file, "/", "format", 0);
    if (rc < 0) return -1;
    if (rc == 1 || strcmp(format, LP_RESULTS_FORMAT) != 0) {
        free(format);
        return lp_h5r_fail(rd, "not a linchpin result file");
    }
    free(format);
    rc = lp_h5r_attr_num(rd, &version, H5T_NATIVE_INT64, file, "/", "format_version", 0);
    if (rc < 0) return -1;
    if (rc == 1) return lp_h5r_fail(rd, "not a linchpin result file");
    if (version != LP_RESULTS_FORMAT_VERSION)
        return lp_h5r_fail(rd, "unsupported format_version %" PRId64, version);
    struct {
        char **dst;
        const char *name, *fallback;
    } attrs[] = {
        {&d->created, "created", ""},
        {&d->linchpin_version, "linchpin_version", ""},
        {&d->igraph_version, "igraph_version", ""},
        {&d->hdf5_version, "hdf5_version", ""},
        {&d->command_line, "command_line", ""},
        {&d->parameters, "parameters", "{}"},
        {&d->input_files, "input_files", "[]"},
    };
    for (size_t k = 0; k < sizeof attrs / sizeof *attrs; k++) {
        rc = lp_h5r_attr_str(rd, attrs[k].dst, file, "/", attrs[k].name, 0);
        if (rc < 0) return -1;
        if (rc == 1 && !(*attrs[k].dst = lp_strdup(attrs[k].fallback)))
            return lp_h5r_nomem(rd, attrs[k].name);
    }
    return 0;
}

static int rd_summary(lp_h5r *rd, lp_report_data *d, hid_t file)
{
    if (!exists(rd, file, "/summary")) return rd->status ? -1 : lp_h5r_fail(rd, "missing /summary");
    hid_t sum = H5Gopen2(file, "/summary", H5P_DEFAULT);
    if (sum < 0) return lp_h5r_fail_h5(rd, "opening /summary");
    int rc = -1;
    if (lp_h5r_attr_num(rd, &d->nodes, H5T_NATIVE_INT64, sum, "/summary", "nodes", 1) ||
        lp_h5r_attr_num(rd, &d->edges, H5T_NATIVE_INT64, sum, "/summary", "edges", 1))
        goto done;
    if (lp_h5r_attr_num(rd, &d->weak_ties_dropped, H5T_NATIVE_INT64, sum, "/summary",
                        "weak_ties_dropped", 0) < 0)
        goto done;
    int r = lp_h5r_attr_num(rd, &d->accounts, H5T_NATIVE_INT64, sum, "/summary", "accounts", 0);
    if (r < 0) goto done;
    d->has_keyperson = r == 0;
    if (d->has_keyperson && (lp_h5r_attr_num(rd, &d->orphan_accounts, H5T_NATIVE_INT64, sum,
                                             "/summary", "orphan_accounts", 1) ||
                             lp_h5r_attr_num(rd, &d->accounts_with_key_person, H5T_NATIVE_INT64,
                                             sum, "/summary", "accounts_with_key_person", 1) ||
                             lp_h5r_attr_num(rd, &d->revenue_total, H5T_NATIVE_DOUBLE, sum,
                                             "/summary", "revenue_total", 1) ||
                             lp_h5r_attr_num(rd, &d->revenue_with_key_person, H5T_NATIVE_DOUBLE,
                                             sum, "/summary", "revenue_with_key_person", 1) ||
                             lp_h5r_attr_num(rd, &d->revenue_orphan, H5T_NATIVE_DOUBLE, sum,
                                             "/summary", "revenue_orphan", 0) < 0))
        goto done;
    r = lp_h5r_attr_str(rd, &d->warnings, sum, "/summary", "warnings", 0);
    if (r < 0) goto done;
    if (r == 1 && !(d->warnings = lp_strdup("[]"))) {
        lp_h5r_nomem(rd, "warnings");
        goto done;
    }
    rc = 0;
done:
    H5Gclose(sum);
    return rc;
}

static int rd_nodes(lp_h5r *rd, lp_report_data *d, hid_t file, unsigned parts)
{
    int64_t n = 0;
    if (rd_strings(rd, &d->node_id, file, "/nodes/id", -1, &n, 1)) return -1;
    if (n != d->nodes)
        return lp_h5r_fail(rd, "/nodes/id has %" PRId64 " rows, /summary says %" PRId64 " nodes", n,
                           d->nodes);
    if (n > LP_VID_MAX) return lp_h5r_fail(rd, "/summary: node count out of range");
    d->n = n;
    if (rd_strings(rd, &d->node_name, file, "/nodes/name", n, NULL, 0) < 0) return -1;
    struct {
        double **dst;
        const char *path;
    } opt[] = {{&d->betweenness, "/nodes/betweenness"},
               {&d->pagerank, "/nodes/pagerank"},
               {&d->brokerage, "/nodes/brokerage"}};
    for (size_t k = 0; (parts & LP_REPORT_SCORES) && k < sizeof opt / sizeof *opt; k++) {
        int ex = exists(rd, file, opt[k].path);
        if (ex < 0 || (ex && rd_col(rd, (void **)opt[k].dst, file, opt[k].path, H5T_FLOAT,
                                    H5T_NATIVE_DOUBLE, n, NULL)))
            return -1;
    }
    if (!d->has_keyperson) return 0;
    int ex = parts & LP_REPORT_SCORES ? exists(rd, file, "/nodes/is_articulation") : 0;
    if (ex < 0 || (ex && rd_col(rd, (void **)&d->is_articulation, file, "/nodes/is_articulation",
                                H5T_INTEGER, H5T_NATIVE_UINT8, n, NULL)))
        return -1;
    return rd_col(rd, (void **)&d->accounts_at_risk, file, "/nodes/accounts_at_risk", H5T_INTEGER,
                  H5T_NATIVE_INT64, n, NULL) ||
                   rd_col(rd, (void **)&d->revenue_at_risk, file, "/nodes/revenue_at_risk",
                          H5T_FLOAT, H5T_NATIVE_DOUBLE, n, NULL)
               ? -1
               : 0;
}

static int rd_accounts(lp_h5r *rd, lp_report_data *d, hid_t file)
{
    if (!d->has_keyperson) return 0;
    int64_t a = 0;
    if (lp_h5r_node_rows(rd, &d->account_node, file, "/accounts/node", -1, &a, d->n, "/nodes") ||
        rd_col(rd, (void **)&d->account_revenue, file, "/accounts/revenue", H5T_FLOAT,
               H5T_NATIVE_DOUBLE, a, NULL) ||
        rd_col(rd, (void **)&d->account_connected, file, "/accounts/connected", H5T_INTEGER,
               H5T_NATIVE_UINT8, a, NULL) ||
        rd_list(rd, &d->key_persons_offsets, &d->key_persons, file, "/accounts/key_persons_offsets",
                "/accounts/key_persons", a, d->n, 1) ||
        rd_list(rd, &d->second_link_offsets, &d->second_link, file, "/accounts/second_link_offsets",
                "/accounts/second_link", a, d->n, 0) < 0)
        return -1;
    d->a = a;
    int ex = exists(rd, file, "/accounts/bus_factor");
    if (ex < 0) return -1;
    if (ex) {
        hid_t ds = H5Dopen2(file, "/accounts/bus_factor", H5P_DEFAULT);
        if (ds < 0) return lp_h5r_fail_h5(rd, "opening /accounts/bus_factor");
        int64_t cap = 0;
        int r = lp_h5r_attr_num(rd, &cap, H5T_NATIVE_INT64, ds, "/accounts/bus_factor", "cap", 1);
        H5Dclose(ds);
        if (r) return -1;
        if (cap < 1 || cap > 1000000)
            return lp_h5r_fail(rd, "/accounts/bus_factor: cap %" PRId64 " out of range", cap);
        d->bus_factor_cap = (int32_t)cap;
        if (rd_col(rd, (void **)&d->bus_factor, file, "/accounts/bus_factor", H5T_INTEGER,
                   H5T_NATIVE_INT32, a, NULL))
            return -1;
        for (int64_t i = 0; i < a; i++)
            if (d->bus_factor[i] < 0 || d->bus_factor[i] > cap)
                return lp_h5r_fail(
                    rd, "/accounts/bus_factor: row %" PRId64 " is %d, outside 0..%" PRId64, i,
                    (int)d->bus_factor[i], cap);
    }
    if ((ex = exists(rd, file, "/accounts/dominant_share")) < 0) return -1;
    if (ex && rd_col(rd, (void **)&d->dominant_share, file, "/accounts/dominant_share", H5T_FLOAT,
                     H5T_NATIVE_DOUBLE, a, NULL))
        return -1;
    if ((ex = exists(rd, file, "/accounts/threads")) < 0) return -1;
    if (ex && rd_col(rd, (void **)&d->threads, file, "/accounts/threads", H5T_INTEGER,
                     H5T_NATIVE_INT32, a, NULL))
        return -1;
    return 0;
}

static int rd_scenarios(lp_h5r *rd, lp_report_data *d, hid_t file)
{
    int ex = exists(rd, file, "/scenarios");
    if (ex <= 0) return ex;
    int64_t m = 0, *off = NULL;
    if (rd_strings(rd, &d->scenario_name, file, "/scenarios/name", -1, &m, 1) ||
        rd_col(rd, (void **)&off, file, "/scenarios/leave_offsets", H5T_INTEGER, H5T_NATIVE_INT64,
               m + 1, NULL) ||
        rd_col(rd, (void **)&d->scenario_lost, file, "/scenarios/lost_accounts", H5T_INTEGER,
               H5T_NATIVE_INT64, m, NULL) ||
        rd_col(rd, (void **)&d->scenario_lost_revenue, file, "/scenarios/lost_revenue", H5T_FLOAT,
               H5T_NATIVE_DOUBLE, m, NULL) ||
        rd_col(rd, (void **)&d->scenario_newly, file, "/scenarios/newly_bus_factor_1", H5T_INTEGER,
               H5T_NATIVE_INT64, m, NULL) ||
        rd_col(rd, (void **)&d->scenario_newly_revenue, file, "/scenarios/newly_at_risk_revenue",
               H5T_FLOAT, H5T_NATIVE_DOUBLE, m, NULL)) {
        free(off);
        return -1;
    }
    d->scenario_leaving = off; /* leaving[j] = off[j+1] - off[j], computed in place */
    for (int64_t j = 0; j < m; j++) {
        if (off[j + 1] < off[j]) return lp_h5r_fail(rd, "/scenarios/leave_offsets decreases");
        off[j] = off[j + 1] - off[j];
    }
    d->s = m;
    return 0;
}

lp_status lp_report_read(lp_report_data *out, const char *path, unsigned parts)
{
    lp_report_data d;
    memset(&d, 0, sizeof d);
    lp_h5r rd = {.path = path, .status = LP_OK};
    lp_h5_silence();
    int fd = open(path, O_RDONLY);
    if (fd < 0) return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    close(fd);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) return lp_error_set(LP_EINPUT, "%s: not a linchpin result file", path);
    if (!(d.path = lp_strdup(path))) lp_h5r_nomem(&rd, "path");
    if (!rd.status && !rd_root(&rd, &d, file) && !rd_summary(&rd, &d, file) &&
        !rd_nodes(&rd, &d, file, parts) && !rd_accounts(&rd, &d, file))
        rd_scenarios(&rd, &d, file);
    H5Fclose(file);
    if (rd.status) {
        lp_report_data_free(&d);
        return rd.status;
    }
    *out = d;
    return LP_OK;
}

void lp_report_data_free(lp_report_data *d)
{
    if (!d) return;
    void *ptrs[] = {d->path,
                    d->created,
                    d->linchpin_version,
                    d->igraph_version,
                    d->hdf5_version,
                    d->command_line,
                    d->parameters,
                    d->input_files,
                    d->warnings,
                    d->node_id.bytes,
                    d->node_id.off,
                    d->node_name.bytes,
                    d->node_name.off,
                    d->accounts_at_risk,
                    d->revenue_at_risk,
                    d->is_articulation,
                    d->betweenness,
                    d->pagerank,
                    d->brokerage,
                    d->account_node,
                    d->account_revenue,
                    d->account_connected,
                    d->bus_factor,
                    d->dominant_share,
                    d->threads,
                    d->key_persons_offsets,
                    d->key_persons,
                    d->second_link_offsets,
                    d->second_link,
                    d->scenario_name.bytes,
                    d->scenario_name.off,
                    d->scenario_leaving,
                    d->scenario_lost,
                    d->scenario_lost_revenue,
                    d->scenario_newly,
                    d->scenario_newly_revenue};
    for (size_t k = 0; k < sizeof ptrs / sizeof *ptrs; k++)
        free(ptrs[k]);
    memset(d, 0, sizeof *d);
}

const char *lp_report_label(const lp_report_data *d, lp_vid i, char *buf, size_t size)
{
    const char *id = lp_report_str(&d->node_id, i);
    if (!d->node_name.bytes) return id;
    const char *name = lp_report_str(&d->node_name, i);
    if (!*name) return id;
    snprintf(buf, size, "%s (%s)", name, id);
    return buf;
}

/* Accounts at risk, by revenue descending, ties by row: a bounded
 * insertion into the k best (k is small). */
int64_t lp_report_top_accounts(const lp_report_data *d, int64_t k, int64_t *out)
{
    int64_t got = 0;
    for (int64_t i = 0; i < d->a && k > 0; i++) {
        int at_risk = d->bus_factor ? d->bus_factor[i] == 1
                                    : d->key_persons_offsets[i + 1] > d->key_persons_offsets[i];
        if (!at_risk) continue;
        double r = d->account_revenue[i];
        if (got == k && !(r > d->account_revenue[out[k - 1]])) continue;
        int64_t j = got < k ? got++ : k - 1;
        while (j > 0 && r > d->account_revenue[out[j - 1]]) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = i;
    }
    return got;
}

/* The JSON string starting at p (just after its opening quote), unescaped
 * into buf (\uXXXX kept as '?'); the position after the closing quote, or
 * NULL when malformed or too long. */
static const char *json_str(const char *p, char *buf, size_t size)
{
    size_t o = 0;
    for (; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            c = *++p;
            if (!c) return NULL;
            if (c == 'u') {
                for (int k = 0; k < 4; k++)
                    if (!*++p) return NULL;
                c = '?';
            } else if (c == 'n') {
                c = '\n';
            } else if (c == 't') {
                c = '\t';
            }
        }
        if (o + 1 >= size) return NULL;
        buf[o++] = c;
    }
    if (*p != '"') return NULL;
    buf[o] = '\0';
    return p + 1;
}

int lp_report_param(const lp_report_data *d, const char *key, char *buf, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = d->parameters ? strstr(d->parameters, pat) : NULL;
    if (!p) return -1;
    return json_str(p + strlen(pat), buf, size) ? 0 : -1;
}

/* The input files recorded in the result file: up to 2 (size, crc32). A
 * "size": or "crc32": inside a path is escaped (\"), so searching for the
 * unescaped keys finds the members only. */
static int recorded_inputs(const lp_report_data *d, int64_t size[2], uint32_t crc[2])
{
    int k = 0;
    const char *p = d->input_files;
    while (p && k < 2 && (p = strstr(p, "\"size\":"))) {
        size[k] = strtoll(p + 7, NULL, 10);
        const char *c = strstr(p, "\"crc32\":\"");
        if (!c) return -1;
        crc[k] = (uint32_t)strtoul(c + 9, NULL, 16);
        p = c + 9;
        k++;
    }
    return k;
}

lp_status lp_report_check_graph(const lp_report_data *d, const lp_graph *g,
                                const lp_input_file *files, int has_files, const char *graph)
{
    int64_t size[2] = {0, 0};
    uint32_t crc[2] = {0, 0};
    int k = recorded_inputs(d, size, crc);
    static const char *const role[2] = {"nodes", "edges"};
    if (k == 2 && has_files) {
        for (int i = 0; i < 2; i++) {
            if (files[i].crc32 != crc[i] ||
                (files[i].size >= 0 && size[i] >= 0 && files[i].size != size[i]))
                return lp_error_set(LP_EINPUT,
                                    "%s does not match %s: the %s file differs (size %lld, "
                                    "CRC-32 %08x; the results were computed from size %lld, "
                                    "CRC-32 %08x)",
                                    graph, d->path, role[i], (long long)files[i].size,
                                    (unsigned)files[i].crc32, (long long)size[i], (unsigned)crc[i]);
        }
    } else {
        return lp_error_set(LP_EINPUT, "%s cannot be checked against %s: %s records no input files",
                            graph, d->path, k == 2 ? graph : d->path);
    }
    if (g->n != d->n || g->m != d->edges + d->weak_ties_dropped)
        return lp_error_set(LP_EINPUT,
                            "%s does not match %s: %lld nodes and %lld edges, the results have "
                            "%lld and %lld",
                            graph, d->path, (long long)g->n, (long long)g->m, (long long)d->n,
                            (long long)(d->edges + d->weak_ties_dropped));
    for (int64_t i = 0; i < g->n; i++)
        if (strcmp(lp_strtab_get(&g->nodes.id, i), lp_report_str(&d->node_id, i)) != 0)
            return lp_error_set(LP_EINPUT, "%s does not match %s: node row %lld differs", graph,
                                d->path, (long long)i);
    return LP_OK;
}
