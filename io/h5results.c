/* h5results.c — the HDF5 result file of DESIGN.md ("linchpin-results",
 * format_version 1): the atomic writer and the summary reader.
 *
 * Writing: mkstemp() a temporary `.<basename>.tmp-XXXXXX` in the target
 * directory, H5Fcreate(H5F_ACC_TRUNC) on it, write root attributes, /nodes,
 * /accounts, /summary and /summary/timings, H5Fclose, fsync, rename() onto the
 * target, fsync the directory (best effort: the new file is in place by
 * then). Any failure before the rename unlinks the temporary, so an earlier
 * file at the target stays byte-identical. Decisions where DESIGN.md is
 * silent are listed in lp_results.h.
 *
 * The temporary file, the rename and the "sink" file driver that keeps a
 * failed close from crashing HDF5 are in h5common.c (shared with the graph
 * store).
 *
 * Centrality columns (issue 3), decisions beyond lp_results.h:
 *  - /nodes/pagerank, /nodes/betweenness, /nodes/brokerage float64 [n], each
 *    written only when its pointer is non-NULL, in that order after
 *    /nodes/strength. /nodes/pagerank has the int64 attribute `iterations`.
 *  - /nodes/betweenness always has the five attributes of DESIGN.md: method
 *    (string "exact" or "sampled"), samples (int64), epsilon, delta (float64),
 *    seed (uint64). For "exact" they are written as 0, meaning "not
 *    applicable", whatever the sampled-only fields of lp_results hold. For
 *    "sampled" they are the caller's values, plus vertex_diameter (int64,
 *    the vertex-diameter bound that set the sample size). samples is 0 only
 *    when that bound is < 3: no shortest path has an interior vertex, so
 *    nothing is sampled and every value is 0 (tests/h5schema.py checks it).
 *  - /summary/top_brokers, /summary/top_betweenness int64 [k], rows into
 *    /nodes, like top_persons; written when the list and its column are both
 *    non-NULL (an empty list is an empty dataset). The writer refuses
 *    (LP_EINTERNAL) a list given without its column, rows out of range, a
 *    listed node whose value is not > 0, and an order other than value desc,
 *    then row asc (what lp_top_by_value returns); also a missing or unknown
 *    method, sampled parameters outside 0 < epsilon, delta < 1, negative
 *    samples or vertex_diameter, samples 0 with a bound >= 3, and negative
 *    pagerank_iterations.
 *
 * HDF5 handles: start at -1, one cleanup label per function, the valid ones
 * closed in reverse order. The HDF5 error stack is read right after the call
 * that failed (the next API call clears it) and turned into the message.
 */
#include "lp_results.h"
#include "lp_i_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <igraph.h>

#ifndef LP_VERSION
#define LP_VERSION "unknown"
#endif

#define LP_H5_FORMAT "linchpin-results"
#define LP_H5_FORMAT_VERSION 1

/* ---- validation (before anything is created) -------------------------- */

static lp_status lp_i_bad(const char *what)
{
    return lp_error_set(LP_EINTERNAL, "lp_results_write: %s", what);
}

static lp_status check_rows(const int64_t *rows, int64_t len, int64_t n, const char *what)
{
    for (int64_t i = 0; i < len; i++)
        if (rows[i] < 0 || rows[i] >= n)
            return lp_error_set(LP_EINTERNAL,
                                "lp_results_write: %s[%" PRId64 "] = %" PRId64
                                " is not a node row (n = %" PRId64 ")",
                                what, i, rows[i], n);
    return LP_OK;
}

static lp_status check_keyperson(const lp_keyperson *kp, int64_t n)
{
    if (kp->n != n) return lp_i_bad("kp->n differs from the graph's node count");
    if (n > 0 && (!kp->is_articulation || !kp->accounts_at_risk || !kp->revenue_at_risk))
        return lp_i_bad("key-person node columns missing");
    int64_t a = kp->n_accounts;
    if (a < 0) return lp_i_bad("negative kp->n_accounts");
    if (!kp->kp_offsets) return lp_i_bad("kp->kp_offsets missing");
    if (a > 0 && (!kp->account_node || !kp->account_revenue || !kp->account_connected))
        return lp_i_bad("key-person account columns missing");
    if (kp->kp_offsets[0] != 0) return lp_i_bad("kp->kp_offsets[0] != 0");
    for (int64_t i = 0; i < a; i++)
        if (kp->kp_offsets[i + 1] < kp->kp_offsets[i])
            return lp_i_bad("kp->kp_offsets not monotone");
    if (kp->kp_offsets[a] > 0 && !kp->kp) return lp_i_bad("kp->kp missing");
    lp_status st = check_rows(kp->account_node, a, n, "kp->account_node");
    if (!st) st = check_rows(kp->kp, kp->kp_offsets[a], n, "kp->kp");
    return st;
}

static lp_status check_info(const lp_run_info *info)
{
    if (info->n_inputs < 0 || (info->n_inputs > 0 && !info->inputs))
        return lp_i_bad("inputs missing");
    for (int i = 0; i < info->n_inputs; i++)
        if (!info->inputs[i].path) return lp_i_bad("input file without a path");
    if (info->n_timings < 0 || (info->n_timings > 0 && !info->timings))
        return lp_i_bad("timings missing");
    for (int i = 0; i < info->n_timings; i++) {
        const char *p = info->timings[i].phase;
        double s = info->timings[i].seconds;
        if (!p || !p[0]) return lp_i_bad("timing without a phase name");
        if (strcmp(p, "write") == 0)
            return lp_i_bad("timing phase \"write\" is measured by the writer");
        if (!(s >= 0) || !isfinite(s))
            return lp_error_set(LP_EINTERNAL, "lp_results_write: timing '%s' is not a duration", p);
        for (int j = 0; j < i; j++)
            if (strcmp(p, info->timings[j].phase) == 0)
                return lp_error_set(LP_EINTERNAL, "lp_results_write: timing '%s' given twice", p);
    }
    return LP_OK;
}

/* A score ranking (top_brokers, top_betweenness): rows of nodes with
 * value > 0, by value desc then row asc, hence distinct. */
static lp_status check_ranking(const int64_t *rows, int64_t len, const double *value, int64_t n,
                               const char *what, const char *column)
{
    if (len < 0 || (len > 0 && !rows))
        return lp_error_set(LP_EINTERNAL, "lp_results_write: %s missing", what);
    if (!rows) return LP_OK;
    if (!value)
        return lp_error_set(LP_EINTERNAL, "lp_results_write: %s given without %s", what, column);
    lp_status st = check_rows(rows, len, n, what);
    if (st) return st;
    for (int64_t i = 0; i < len; i++) {
        double v = value[rows[i]];
        if (!(v > 0))
            return lp_error_set(
                LP_EINTERNAL, "lp_results_write: %s[%" PRId64 "] = %" PRId64 " has %s %g, not > 0",
                what, i, rows[i], column, v);
        if (i > 0) {
            double u = value[rows[i - 1]];
            if (v > u || (v == u && rows[i] <= rows[i - 1]))
                return lp_error_set(LP_EINTERNAL,
                                    "lp_results_write: %s not ordered by %s desc, row asc at "
                                    "%" PRId64,
                                    what, column, i);
        }
    }
    return LP_OK;
}

static lp_status check_centrality(const lp_results *r, int64_t n)
{
    if (r->betweenness) {
        const char *m = r->betweenness_method;
        if (!m || (strcmp(m, "exact") != 0 && strcmp(m, "sampled") != 0))
            return lp_i_bad("betweenness_method is not \"exact\" or \"sampled\"");
        if (strcmp(m, "sampled") == 0) {
            double e = r->betweenness_epsilon, d = r->betweenness_delta;
            if (!(e > 0 && e < 1) || !(d > 0 && d < 1))
                return lp_i_bad("sampled betweenness needs 0 < epsilon < 1 and 0 < delta < 1");
            if (r->betweenness_samples < 0 || r->betweenness_vertex_diameter < 0)
                return lp_i_bad("negative betweenness_samples or betweenness_vertex_diameter");
            if (r->betweenness_samples == 0 && r->betweenness_vertex_diameter >= 3)
                return lp_i_bad("sampled betweenness without samples");
        }
    }
    if (r->pagerank && r->pagerank_iterations < 0) return lp_i_bad("negative pagerank_iterations");
    lp_status st = check_ranking(r->top_brokers, r->n_top_brokers, r->brokerage, n, "top_brokers",
                                 "brokerage");
    if (!st)
        st = check_ranking(r->top_betweenness, r->n_top_betweenness, r->betweenness, n,
                           "top_betweenness", "betweenness");
    return st;
}

/* CSR offsets: start at 0, never decrease, end at len; rows in [0, n). */
static lp_status check_csr(const int64_t *off, int64_t count, const int64_t *rows, int64_t n,
                           const char *what)
{
    if (!off || off[0] != 0) return lp_i_bad(what);
    for (int64_t j = 0; j < count; j++)
        if (off[j + 1] < off[j]) return lp_i_bad(what);
    return rows ? check_rows(rows, off[count], n, what) : LP_OK;
}

static lp_status check_scenarios(const lp_results *r, int64_t n)
{
    const lp_scenarios *set = r->scenario_set;
    const lp_scenario_result *sr = r->scenarios;
    if (!set && !sr) return LP_OK;
    if (!set || !sr || !r->kp) return lp_i_bad("scenarios need scenario_set, scenarios and kp");
    int64_t m = set->count, a = r->kp->n_accounts;
    if (sr->count != m || set->name.count != m) return lp_i_bad("scenario counts differ");
    if (m == 0) return LP_OK;
    for (int64_t j = 0; j < m; j++)
        if (sr->lost_offsets[j + 1] - sr->lost_offsets[j] != sr->lost_accounts[j] ||
            sr->newly_offsets[j + 1] - sr->newly_offsets[j] != sr->newly_bus_factor_1[j])
            return lp_i_bad("scenario counts and lists differ");
    for (int64_t k = 0; k < set->leave_offsets[m]; k++)
        if (set->leave[k] < 0 || set->leave[k] >= n) return lp_i_bad("scenario leave row");
    lp_status st = check_csr(set->leave_offsets, m, NULL, 0, "scenario leave_offsets");
    if (!st) st = check_csr(sr->lost_offsets, m, sr->lost, a, "scenario lost");
    if (!st) st = check_csr(sr->newly_offsets, m, sr->newly, a, "scenario newly");
    return st;
}

static lp_status check_results(const char *path, const lp_results *r)
{
    if (!path || !r || !r->g) return lp_i_bad("path, results and graph are required");
    const lp_graph *g = r->g;
    int64_t n = g->n;
    if (g->nodes.id.count != n) return lp_i_bad("node id table does not match g->n");
    for (int64_t i = 0; i < n; i++)
        if (g->nodes.type[i] < 0 || g->nodes.type[i] >= g->nodes.type_name.count)
            return lp_i_bad("node type index out of range");
    lp_status st;
    if (r->kp && (st = check_keyperson(r->kp, n))) return st;
    if (r->n_top_persons < 0 || (r->n_top_persons > 0 && !r->top_persons))
        return lp_i_bad("top_persons missing");
    if (r->top_persons && !r->kp) return lp_i_bad("top_persons given without kp");
    if (r->top_persons && (st = check_rows(r->top_persons, r->n_top_persons, n, "top_persons")))
        return st;
    if ((st = check_centrality(r, n))) return st;
    if ((r->bus_factor || r->dominant_share) && !r->kp)
        return lp_i_bad("bus_factor / dominant_share given without kp");
    if (r->bus_factor) {
        if (r->bus_factor_cap < 2) return lp_i_bad("bus_factor_cap below 2");
        for (int64_t i = 0; i < r->kp->n_accounts; i++)
            if (r->bus_factor[i] < 0 || r->bus_factor[i] > r->bus_factor_cap)
                return lp_i_bad("bus_factor outside [0, cap]");
    }
    if ((st = check_scenarios(r, n))) return st;
    return check_info(&r->info);
}

/* ---- JSON text -------------------------------------------------------- */

typedef struct lp_i_json {
    char *p;
    size_t len, cap;
    int oom;
} lp_i_json;

static void json_put(lp_i_json *j, const char *s, size_t len)
{
    if (j->oom) return;
    if (j->len + len + 1 > j->cap) {
        size_t nc = j->cap ? j->cap : 256;
        while (nc < j->len + len + 1)
            nc *= 2;
        char *q = realloc(j->p, nc);
        if (!q) {
            j->oom = 1;
            return;
        }
        j->p = q;
        j->cap = nc;
    }
    memcpy(j->p + j->len, s, len);
    j->len += len;
    j->p[j->len] = '\0';
}

static void json_puts(lp_i_json *j, const char *s)
{
    json_put(j, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one
 * (bad lead or continuation byte, overlong form, surrogate, > U+10FFFF). */
static int utf8_seq_len(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    int len;
    uint32_t cp, min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)len > avail) return 0;
    for (int k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/* A JSON string literal: quotes, backslash and control characters escaped,
 * invalid UTF-8 bytes replaced by U+FFFD. */
static void json_str(lp_i_json *j, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t left = strlen(s);
    json_put(j, "\"", 1);
    while (left > 0) {
        unsigned c = *u;
        char esc[8];
        const char *rep = NULL;
        switch (c) {
        case '"':
            rep = "\\\"";
            break;
        case '\\':
            rep = "\\\\";
            break;
        case '\b':
            rep = "\\b";
            break;
        case '\f':
            rep = "\\f";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case '\t':
            rep = "\\t";
            break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                rep = esc;
            }
        }
        if (rep) {
            json_puts(j, rep);
            u++;
            left--;
            continue;
        }
        int len = utf8_seq_len(u, left);
        if (len == 0) {
            json_puts(j, "\\ufffd");
            len = 1;
        } else {
            json_put(j, (const char *)u, (size_t)len);
        }
        u += len;
        left -= (size_t)len;
    }
    json_put(j, "\"", 1);
}

static void json_input_files(lp_i_json *j, const lp_input_file *in, int n)
{
    json_put(j, "[", 1);
    for (int i = 0; i < n; i++) {
        char num[96];
        if (i) json_put(j, ",", 1);
        json_puts(j, "{\"path\":");
        json_str(j, in[i].path);
        snprintf(num, sizeof num, ",\"size\":%" PRId64 ",\"crc32\":\"%08" PRIx32 "\"}", in[i].size,
                 in[i].crc32);
        json_puts(j, num);
    }
    json_put(j, "]", 1);
}

/* ---- the parts of the file -------------------------------------------- */

static int write_root(lp_h5w *w, hid_t file, const lp_results *r)
{
    const lp_run_info *info = &r->info;
    char created[32], h5ver[48];
    const char *igver = "";
    int ma = 0, mi = 0, pa = 0;
    unsigned hma = 0, hmi = 0, hre = 0;
    lp_i_json in = {NULL, 0, 0, 0};
    int rc = -1;

    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(created, sizeof created, "1970-01-01T00:00:00Z");
    igraph_version(&igver, &ma, &mi, &pa);
    H5get_libversion(&hma, &hmi, &hre);
    snprintf(h5ver, sizeof h5ver, "%u.%u.%u", hma, hmi, hre);
    json_input_files(&in, info->inputs, info->n_inputs);
    if (in.oom) {
        lp_h5w_fail_nomem(w, "input_files JSON");
        goto done;
    }

    if (lp_h5w_attr_str(w, file, "format", LP_H5_FORMAT) ||
        lp_h5w_attr_i32(w, file, "format_version", LP_H5_FORMAT_VERSION) ||
        lp_h5w_attr_str(w, file, "linchpin_version", LP_VERSION) ||
        lp_h5w_attr_str(w, file, "igraph_version", igver) ||
        lp_h5w_attr_str(w, file, "hdf5_version", h5ver) ||
        lp_h5w_attr_str(w, file, "created", created) ||
        lp_h5w_attr_str(w, file, "command_line", info->command_line ? info->command_line : "") ||
        lp_h5w_attr_i32(w, file, "threads", info->threads) ||
        lp_h5w_attr_str(w, file, "parameters",
                        info->parameters_json ? info->parameters_json : "{}") ||
        lp_h5w_attr_str(w, file, "input_files", in.p))
        goto done;
    rc = 0;
done:
    free(in.p);
    return rc;
}

/* /nodes/pagerank with its attribute `iterations`. */
static int write_pagerank(lp_h5w *w, hid_t file, const lp_results *r)
{
    const char *path = "/nodes/pagerank";
    hid_t dset = -1;
    int rc = -1;
    if (lp_h5w_column_num(w, file, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, r->g->n, r->pagerank) ||
        (dset = lp_h5w_column_reopen(w, file, path)) < 0 ||
        lp_h5w_attr_i64(w, dset, "iterations", r->pagerank_iterations))
        goto done;
    rc = 0;
done:
    if (dset >= 0) H5Dclose(dset);
    return rc;
}

/* /nodes/betweenness with method, samples, epsilon, delta, seed (0 = not
 * applicable, for exact) and, when sampled, vertex_diameter. */
static int write_betweenness(lp_h5w *w, hid_t file, const lp_results *r)
{
    const char *path = "/nodes/betweenness";
    int sampled = strcmp(r->betweenness_method, "sampled") == 0;
    hid_t dset = -1;
    int rc = -1;
    if (lp_h5w_column_num(w, file, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, r->g->n,
                          r->betweenness) ||
        (dset = lp_h5w_column_reopen(w, file, path)) < 0)
        goto done;
    if (lp_h5w_attr_str(w, dset, "method", sampled ? "sampled" : "exact") ||
        lp_h5w_attr_i64(w, dset, "samples", sampled ? r->betweenness_samples : 0) ||
        lp_h5w_attr_f64(w, dset, "epsilon", sampled ? r->betweenness_epsilon : 0) ||
        lp_h5w_attr_f64(w, dset, "delta", sampled ? r->betweenness_delta : 0) ||
        lp_h5w_attr_u64(w, dset, "seed", sampled ? r->betweenness_seed : 0) ||
        (sampled && lp_h5w_attr_i64(w, dset, "vertex_diameter", r->betweenness_vertex_diameter)))
        goto done;
    rc = 0;
done:
    if (dset >= 0) H5Dclose(dset);
    return rc;
}

static int write_nodes(lp_h5w *w, hid_t file, const lp_results *r)
{
    const lp_graph *g = r->g;
    const lp_keyperson *kp = r->kp;
    int64_t n = g->n;
    hid_t grp = -1;
    int rc = -1;
    if (lp_h5w_group(w, &grp, file, "/nodes", H5P_DEFAULT)) goto done;
    if (lp_h5w_column_str(w, file, "/nodes/id", n, &g->nodes.id, NULL) ||
        lp_h5w_column_str(w, file, "/nodes/type", n, &g->nodes.type_name, g->nodes.type))
        goto done;
    if (r->degree &&
        lp_h5w_column_num(w, file, "/nodes/degree", H5T_STD_I64LE, H5T_NATIVE_INT64, n, r->degree))
        goto done;
    if (r->strength && lp_h5w_column_num(w, file, "/nodes/strength", H5T_IEEE_F64LE,
                                         H5T_NATIVE_DOUBLE, n, r->strength))
        goto done;
    if (r->pagerank && write_pagerank(w, file, r)) goto done;
    if (r->betweenness && write_betweenness(w, file, r)) goto done;
    if (r->brokerage && lp_h5w_column_num(w, file, "/nodes/brokerage", H5T_IEEE_F64LE,
                                          H5T_NATIVE_DOUBLE, n, r->brokerage))
        goto done;
    if (kp && (lp_h5w_column_num(w, file, "/nodes/is_articulation", H5T_STD_U8LE, H5T_NATIVE_UINT8,
                                 n, kp->is_articulation) ||
               lp_h5w_column_num(w, file, "/nodes/accounts_at_risk", H5T_STD_I64LE,
                                 H5T_NATIVE_INT64, n, kp->accounts_at_risk) ||
               lp_h5w_column_num(w, file, "/nodes/revenue_at_risk", H5T_IEEE_F64LE,
                                 H5T_NATIVE_DOUBLE, n, kp->revenue_at_risk)))
        goto done;
    rc = 0;
done:
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

/* /accounts/bus_factor with its cap. */
static int write_bus_factor(lp_h5w *w, hid_t file, const lp_results *r)
{
    const char *path = "/accounts/bus_factor";
    hid_t dset = -1;
    int rc = -1;
    if (lp_h5w_column_num(w, file, path, H5T_STD_I32LE, H5T_NATIVE_INT32, r->kp->n_accounts,
                          r->bus_factor) ||
        (dset = lp_h5w_column_reopen(w, file, path)) < 0 ||
        lp_h5w_attr_i32(w, dset, "cap", r->bus_factor_cap))
        goto done;
    rc = 0;
done:
    if (dset >= 0) H5Dclose(dset);
    return rc;
}

static int write_accounts(lp_h5w *w, hid_t file, const lp_results *r)
{
    const lp_keyperson *kp = r->kp;
    int64_t a = kp->n_accounts;
    hid_t grp = -1;
    int rc = -1;
    if (lp_h5w_group(w, &grp, file, "/accounts", H5P_DEFAULT)) goto done;
    if (lp_h5w_column_num(w, file, "/accounts/node", H5T_STD_I64LE, H5T_NATIVE_INT64, a,
                          kp->account_node) ||
        lp_h5w_column_num(w, file, "/accounts/revenue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, a,
                          kp->account_revenue) ||
        lp_h5w_column_num(w, file, "/accounts/connected", H5T_STD_U8LE, H5T_NATIVE_UINT8, a,
                          kp->account_connected) ||
        lp_h5w_column_num(w, file, "/accounts/key_persons_offsets", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          a + 1, kp->kp_offsets) ||
        lp_h5w_column_num(w, file, "/accounts/key_persons", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          kp->kp_offsets[a], kp->kp))
        goto done;
    if (r->bus_factor && write_bus_factor(w, file, r)) goto done;
    if (r->dominant_share && lp_h5w_column_num(w, file, "/accounts/dominant_share", H5T_IEEE_F64LE,
                                               H5T_NATIVE_DOUBLE, a, r->dominant_share))
        goto done;
    rc = 0;
done:
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

static int write_scenarios(lp_h5w *w, hid_t file, const lp_results *r)
{
    const lp_scenarios *set = r->scenario_set;
    const lp_scenario_result *sr = r->scenarios;
    int64_t m = set->count;
    hid_t grp = -1;
    int rc = -1;
    static const int64_t zero = 0;
    const int64_t *leave_off = m ? set->leave_offsets : &zero;
    const int64_t *lost_off = m ? sr->lost_offsets : &zero;
    const int64_t *newly_off = m ? sr->newly_offsets : &zero;
    if (lp_h5w_group(w, &grp, file, "/scenarios", H5P_DEFAULT) ||
        lp_h5w_column_str(w, file, "/scenarios/name", m, &set->name, NULL) ||
        lp_h5w_column_num(w, file, "/scenarios/leave_offsets", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          m + 1, leave_off) ||
        lp_h5w_column_num(w, file, "/scenarios/leave", H5T_STD_I64LE, H5T_NATIVE_INT32,
                          leave_off[m], set->leave) ||
        lp_h5w_column_num(w, file, "/scenarios/lost_accounts", H5T_STD_I64LE, H5T_NATIVE_INT64, m,
                          sr->lost_accounts) ||
        lp_h5w_column_num(w, file, "/scenarios/lost_revenue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, m,
                          sr->lost_revenue) ||
        lp_h5w_column_num(w, file, "/scenarios/newly_bus_factor_1", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          m, sr->newly_bus_factor_1) ||
        lp_h5w_column_num(w, file, "/scenarios/newly_at_risk_revenue", H5T_IEEE_F64LE,
                          H5T_NATIVE_DOUBLE, m, sr->newly_at_risk_revenue) ||
        lp_h5w_column_num(w, file, "/scenarios/lost_offsets", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          m + 1, lost_off) ||
        lp_h5w_column_num(w, file, "/scenarios/lost", H5T_STD_I64LE, H5T_NATIVE_INT64, lost_off[m],
                          sr->lost) ||
        lp_h5w_column_num(w, file, "/scenarios/newly_offsets", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          m + 1, newly_off) ||
        lp_h5w_column_num(w, file, "/scenarios/newly", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          newly_off[m], sr->newly))
        goto done;
    rc = 0;
done:
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
    return s > 0 ? s : 0;
}

/* /summary and /summary/timings; "write" is the last thing written. */
static int write_summary(lp_h5w *w, hid_t file, const lp_results *r, const struct timespec *t0)
{
    const lp_graph *g = r->g;
    const lp_keyperson *kp = r->kp;
    hid_t grp = -1, gcpl = -1, tim = -1;
    int rc = -1;
    if (lp_h5w_group(w, &grp, file, "/summary", H5P_DEFAULT)) goto done;
    if (lp_h5w_attr_i64(w, grp, "nodes", g->n) || lp_h5w_attr_i64(w, grp, "edges", g->m) ||
        lp_h5w_attr_i64(w, grp, "merged_duplicates", g->merged_duplicates) ||
        lp_h5w_attr_i64(w, grp, "dropped_self_loops", g->dropped_self_loops) ||
        lp_h5w_attr_i64(w, grp, "skipped_rows", r->skipped_rows))
        goto done;
    if (kp && (lp_h5w_attr_i64(w, grp, "accounts", kp->n_accounts) ||
               lp_h5w_attr_i64(w, grp, "orphan_accounts", kp->orphan_accounts) ||
               lp_h5w_attr_i64(w, grp, "accounts_with_key_person", kp->accounts_with_key_person) ||
               lp_h5w_attr_i64(w, grp, "articulation_points", kp->n_articulation) ||
               lp_h5w_attr_f64(w, grp, "revenue_total", kp->revenue_total) ||
               lp_h5w_attr_f64(w, grp, "revenue_with_key_person", kp->revenue_with_key_person) ||
               lp_h5w_attr_f64(w, grp, "revenue_orphan", kp->revenue_orphan)))
        goto done;
    if (kp && r->top_persons &&
        lp_h5w_column_num(w, file, "/summary/top_persons", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          r->n_top_persons, r->top_persons))
        goto done;
    if (r->brokerage && r->top_brokers &&
        lp_h5w_column_num(w, file, "/summary/top_brokers", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          r->n_top_brokers, r->top_brokers))
        goto done;
    if (r->betweenness && r->top_betweenness &&
        lp_h5w_column_num(w, file, "/summary/top_betweenness", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          r->n_top_betweenness, r->top_betweenness))
        goto done;
    if (kp && r->bus_factor && r->bus_factor_histogram &&
        lp_h5w_column_num(w, file, "/summary/bus_factor_histogram", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          r->bus_factor_cap + 1, r->bus_factor_histogram))
        goto done;

    if ((gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 ||
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        lp_h5w_fail_h5(w, "creating group /summary/timings");
        goto done;
    }
    if (lp_h5w_group(w, &tim, file, "/summary/timings", gcpl)) goto done;
    for (int i = 0; i < r->info.n_timings; i++)
        if (lp_h5w_attr_f64(w, tim, r->info.timings[i].phase, r->info.timings[i].seconds))
            goto done;
    if (lp_h5w_attr_f64(w, tim, "write", seconds_since(t0))) goto done;
    rc = 0;
done:
    if (tim >= 0) H5Gclose(tim);
    if (gcpl >= 0) H5Pclose(gcpl);
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

/* ---- lp_results_write ------------------------------------------------- */

lp_status lp_results_write(const char *path, const lp_results *r)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lp_status st = check_results(path, r);
    if (st) return st;

    lp_h5w w;
    int ok = !lp_h5w_begin(&w, path);
    hid_t file = w.file;
    /* Stop at the first part after an I/O failure: the rest would be dropped. */
    ok = ok && !(write_root(&w, file, r) || w.io_err || write_nodes(&w, file, r) || w.io_err ||
                 (r->kp && write_accounts(&w, file, r)) || w.io_err ||
                 (r->scenarios && write_scenarios(&w, file, r)) || w.io_err ||
                 write_summary(&w, file, r, &t0));
    return lp_h5w_end(&w, path, ok);
}

/* ---- reading back ----------------------------------------------------- */

/* Read elements rows[0..k) of a numeric column of length n into buf
 * (converted to mtype). Rows must have been checked against n. */
static int rd_points(lp_h5r *rd, hid_t file, const char *path, H5T_class_t cls, hid_t mtype,
                     int64_t n, const hsize_t *rows, int64_t k, void *buf)
{
    hid_t dset = -1, fspace = -1, mspace = -1;
    int64_t len;
    int rc = -1;
    hsize_t count[1] = {(hsize_t)k};
    if ((dset = lp_h5r_column_open(rd, file, path, cls, &len)) < 0) return -1;
    if (len != n) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, /nodes/id has %" PRId64, path, len, n);
        goto done;
    }
    if ((fspace = H5Dget_space(dset)) < 0 || (mspace = H5Screate_simple(1, count, NULL)) < 0 ||
        H5Sselect_elements(fspace, H5S_SELECT_SET, (size_t)k, rows) < 0 ||
        H5Dread(dset, mtype, mspace, fspace, H5P_DEFAULT, buf) < 0) {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto done;
    }
    rc = 0;
done:
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    H5Dclose(dset);
    return rc;
}

/* Read strings rows[0..k) of a string column of length n (variable or
 * fixed length); out[i] are malloc'ed. */
static int rd_points_str(lp_h5r *rd, hid_t file, const char *path, int64_t n, const hsize_t *rows,
                         int64_t k, char **out)
{
    hid_t dset = -1, ftype = -1, mtype = -1, fspace = -1, mspace = -1;
    char **vbuf = NULL, *fbuf = NULL;
    int64_t len;
    int rc = -1, have_vlen = 0;
    hsize_t count[1] = {(hsize_t)k};
    if ((dset = lp_h5r_column_open(rd, file, path, H5T_STRING, &len)) < 0) return -1;
    if (len != n) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, /nodes/id has %" PRId64, path, len, n);
        goto done;
    }
    if ((ftype = H5Dget_type(dset)) < 0 || (fspace = H5Dget_space(dset)) < 0 ||
        (mspace = H5Screate_simple(1, count, NULL)) < 0 ||
        H5Sselect_elements(fspace, H5S_SELECT_SET, (size_t)k, rows) < 0) {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto done;
    }
    htri_t vlen = H5Tis_variable_str(ftype);
    if (vlen > 0) {
        if (!(vbuf = calloc((size_t)k, sizeof *vbuf))) {
            lp_h5r_nomem(rd, "string column");
            goto done;
        }
        if ((mtype = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(mtype, H5T_VARIABLE) < 0 ||
            H5Tset_cset(mtype, H5Tget_cset(ftype)) < 0 ||
            H5Dread(dset, mtype, mspace, fspace, H5P_DEFAULT, vbuf) < 0) {
            lp_h5r_fail(rd, "cannot read %s", path);
            goto done;
        }
        have_vlen = 1;
        for (int64_t i = 0; i < k; i++) {
            const char *s = vbuf[i] ? vbuf[i] : "";
            if (!(out[i] = lp_h5_dup_str(s, strlen(s)))) {
                lp_h5r_nomem(rd, "string column");
                goto done;
            }
        }
    } else if (vlen == 0) {
        size_t size = H5Tget_size(ftype);
        if (size == 0 || !(fbuf = malloc((size_t)k * size))) {
            lp_h5r_nomem(rd, "string column");
            goto done;
        }
        if (H5Dread(dset, ftype, mspace, fspace, H5P_DEFAULT, fbuf) < 0) {
            lp_h5r_fail(rd, "cannot read %s", path);
            goto done;
        }
        for (int64_t i = 0; i < k; i++) {
            const char *s = fbuf + (size_t)i * size;
            size_t l = 0;
            while (l < size && s[l])
                l++;
            while (l > 0 && H5Tget_strpad(ftype) == H5T_STR_SPACEPAD && s[l - 1] == ' ')
                l--;
            if (!(out[i] = lp_h5_dup_str(s, l))) {
                lp_h5r_nomem(rd, "string column");
                goto done;
            }
        }
    } else {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto done;
    }
    rc = 0;
done:
#if H5_VERSION_GE(1, 12, 0)
    if (have_vlen) H5Treclaim(mtype, mspace, H5P_DEFAULT, vbuf);
#else
    if (have_vlen) H5Dvlen_reclaim(mtype, mspace, H5P_DEFAULT, vbuf);
#endif
    free(vbuf);
    free(fbuf);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (mtype >= 0) H5Tclose(mtype);
    if (ftype >= 0) H5Tclose(ftype);
    H5Dclose(dset);
    return rc;
}

/* A ranking dataset (/summary/top_...) read back: k rows into /nodes (n
 * rows), as HDF5 coordinates, with their /nodes/id and /nodes/type. The
 * arrays and strings are malloc'ed; free with rank_free. */
typedef struct lp_i_rank {
    int64_t k, n;
    hsize_t *coord;      /* [k] */
    char **ids, **types; /* [k], entries NULL or owned */
} lp_i_rank;

static void rank_free(lp_i_rank *rk)
{
    for (int64_t i = 0; rk->ids && rk->types && i < rk->k; i++) {
        free(rk->ids[i]);
        free(rk->types[i]);
    }
    free(rk->ids);
    free(rk->types);
    free(rk->coord);
    memset(rk, 0, sizeof *rk);
}

/* Fill *rk from the dataset `path`, rows checked against /nodes/id. Absent
 * or empty: rk->k = 0, nothing allocated. *rk must be freed with rank_free
 * whatever the result. */
static int rd_ranking(lp_h5r *rd, lp_i_rank *rk, hid_t file, const char *path)
{
    hid_t dset = -1;
    int64_t k, n, *rows = NULL;
    int rc = -1;
    memset(rk, 0, sizeof *rk);
    htri_t ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail(rd, "cannot read /summary");
    if (ex == 0) return 0;
    if ((dset = lp_h5r_column_open(rd, file, path, H5T_INTEGER, &k)) < 0) return -1;
    H5Dclose(dset);
    dset = -1;
    if (H5Lexists(file, "/nodes", H5P_DEFAULT) <= 0) return lp_h5r_fail(rd, "missing /nodes");
    if ((dset = lp_h5r_column_open(rd, file, "/nodes/id", H5T_STRING, &n)) < 0) return -1;
    H5Dclose(dset);
    dset = -1;
    if (k > n) return lp_h5r_fail(rd, "%s has more rows than /nodes", path);
    rk->n = n;
    if (k == 0) return 0;

    rows = malloc((size_t)k * sizeof *rows);
    rk->coord = malloc((size_t)k * sizeof *rk->coord);
    rk->ids = calloc((size_t)k, sizeof *rk->ids);
    rk->types = calloc((size_t)k, sizeof *rk->types);
    rk->k = k; /* rank_free frees ids[0..k) and types[0..k): NULL or owned */
    if (!rows || !rk->coord || !rk->ids || !rk->types) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    if ((dset = H5Dopen2(file, path, H5P_DEFAULT)) < 0 ||
        H5Dread(dset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto done;
    }
    for (int64_t i = 0; i < k; i++) {
        if (rows[i] < 0 || rows[i] >= n) {
            lp_h5r_fail(rd, "%s[%" PRId64 "] = %" PRId64 " is not a row of /nodes", path, i,
                        rows[i]);
            goto done;
        }
        rk->coord[i] = (hsize_t)rows[i];
    }
    if (rd_points_str(rd, file, "/nodes/id", n, rk->coord, k, rk->ids) ||
        rd_points_str(rd, file, "/nodes/type", n, rk->coord, k, rk->types))
        goto done;
    rc = 0;
done:
    if (dset >= 0) H5Dclose(dset);
    free(rows);
    return rc;
}

/* /summary/top_persons and their node columns. */
static int rd_top(lp_h5r *rd, lp_summary *s, hid_t file)
{
    lp_i_rank rk;
    int64_t *acc = NULL;
    double *rev = NULL;
    int rc = -1;
    if (rd_ranking(rd, &rk, file, "/summary/top_persons")) goto done;
    if (rk.k == 0) {
        rc = 0;
        goto done;
    }
    acc = malloc((size_t)rk.k * sizeof *acc);
    rev = malloc((size_t)rk.k * sizeof *rev);
    s->top = calloc((size_t)rk.k, sizeof *s->top);
    if (!acc || !rev || !s->top) {
        lp_h5r_nomem(rd, "top persons");
        goto done;
    }
    if (rd_points(rd, file, "/nodes/accounts_at_risk", H5T_INTEGER, H5T_NATIVE_INT64, rk.n,
                  rk.coord, rk.k, acc) ||
        rd_points(rd, file, "/nodes/revenue_at_risk", H5T_FLOAT, H5T_NATIVE_DOUBLE, rk.n, rk.coord,
                  rk.k, rev))
        goto done;
    for (int64_t i = 0; i < rk.k; i++) {
        s->top[i].id = rk.ids[i];
        s->top[i].type = rk.types[i];
        rk.ids[i] = rk.types[i] = NULL;
        s->top[i].accounts_at_risk = acc[i];
        s->top[i].revenue_at_risk = rev[i];
    }
    s->n_top = rk.k;
    rc = 0;
done:
    rank_free(&rk);
    free(acc);
    free(rev);
    return rc;
}

/* /summary/bus_factor_histogram and the cap of /accounts/bus_factor, when
 * present (both or neither). */
static int rd_bus_factor(lp_h5r *rd, lp_summary *s, hid_t file)
{
    const char *path = "/summary/bus_factor_histogram";
    htri_t ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex == 0) return 0;
    int64_t cap = 0, len = 0;
    hid_t bf = H5Dopen2(file, "/accounts/bus_factor", H5P_DEFAULT);
    if (bf < 0) return lp_h5r_fail(rd, "%s without /accounts/bus_factor", path);
    int rc = lp_h5r_attr_num(rd, &cap, H5T_NATIVE_INT64, bf, "/accounts/bus_factor", "cap", 1);
    H5Dclose(bf);
    if (rc) return -1;
    hid_t dset = lp_h5r_column_open(rd, file, path, H5T_INTEGER, &len);
    if (dset < 0) return -1;
    rc = -1;
    if (cap < 2 || cap > 1000000 || len != cap + 1) {
        lp_h5r_fail(rd, "%s has %" PRId64 " entries for cap %" PRId64, path, len, cap);
        goto done;
    }
    s->bus_factor_histogram = malloc((size_t)len * sizeof *s->bus_factor_histogram);
    if (!s->bus_factor_histogram) {
        lp_h5r_nomem(rd, "bus factor histogram");
        goto done;
    }
    if (H5Dread(dset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->bus_factor_histogram) <
        0) {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto done;
    }
    s->bus_factor_cap = (int32_t)cap;
    rc = 0;
done:
    H5Dclose(dset);
    return rc;
}

/* The whole numeric column `path`, which must have len elements, into a
 * malloc'ed *out (converted to mtype, elements of size bytes). */
static int rd_whole(lp_h5r *rd, void **out, hid_t file, const char *path, H5T_class_t cls,
                    hid_t mtype, size_t size, int64_t len)
{
    int64_t got = 0;
    hid_t dset = lp_h5r_column_open(rd, file, path, cls, &got);
    if (dset < 0) return -1;
    int rc = -1;
    if (got != len) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, expected %" PRId64, path, got, len);
        goto done;
    }
    if (!(*out = malloc(((size_t)len + 1) * size))) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    if (len > 0 && H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto done;
    }
    rc = 0;
done:
    H5Dclose(dset);
    return rc;
}

/* /scenarios: names, persons leaving (from leave_offsets) and the four
 * figures per scenario. */
static int rd_scenarios(lp_h5r *rd, lp_summary *s, hid_t file)
{
    htri_t ex = H5Lexists(file, "/scenarios", H5P_DEFAULT);
    if (ex == 0) return 0;
    if (ex < 0) return lp_h5r_fail(rd, "cannot read /scenarios");
    int64_t m = 0, *off = NULL;
    hsize_t *rows = NULL;
    hid_t d = lp_h5r_column_open(rd, file, "/scenarios/name", H5T_STRING, &m);
    if (d < 0) return -1;
    H5Dclose(d);
    int rc = -1;
    if (rd_whole(rd, (void **)&off, file, "/scenarios/leave_offsets", H5T_INTEGER, H5T_NATIVE_INT64,
                 sizeof *off, m + 1) ||
        rd_whole(rd, (void **)&s->scenario_lost, file, "/scenarios/lost_accounts", H5T_INTEGER,
                 H5T_NATIVE_INT64, sizeof(int64_t), m) ||
        rd_whole(rd, (void **)&s->scenario_lost_revenue, file, "/scenarios/lost_revenue", H5T_FLOAT,
                 H5T_NATIVE_DOUBLE, sizeof(double), m) ||
        rd_whole(rd, (void **)&s->scenario_newly, file, "/scenarios/newly_bus_factor_1",
                 H5T_INTEGER, H5T_NATIVE_INT64, sizeof(int64_t), m) ||
        rd_whole(rd, (void **)&s->scenario_newly_revenue, file, "/scenarios/newly_at_risk_revenue",
                 H5T_FLOAT, H5T_NATIVE_DOUBLE, sizeof(double), m))
        goto done;
    s->n_scenarios = m;
    s->scenario_leaving = malloc(((size_t)m + 1) * sizeof *s->scenario_leaving);
    s->scenario_name = calloc((size_t)m + 1, sizeof *s->scenario_name);
    rows = malloc(((size_t)m + 1) * sizeof *rows);
    if (!s->scenario_leaving || !s->scenario_name || !rows) {
        lp_h5r_nomem(rd, "scenarios");
        goto done;
    }
    for (int64_t j = 0; j < m; j++) {
        if (off[j + 1] < off[j]) {
            lp_h5r_fail(rd, "/scenarios/leave_offsets decreases at row %" PRId64, j);
            goto done;
        }
        s->scenario_leaving[j] = off[j + 1] - off[j];
        rows[j] = (hsize_t)j;
    }
    if (m > 0 && rd_points_str(rd, file, "/scenarios/name", m, rows, m, s->scenario_name))
        goto done;
    rc = 0;
done:
    free(off);
    free(rows);
    return rc;
}

/* A score ranking (/summary/top_brokers, /summary/top_betweenness) with the
 * values of its /nodes column; *out is malloc'ed [*out_k] (NULL if k = 0). */
static int rd_scores(lp_h5r *rd, lp_summary_score **out, int64_t *out_k, hid_t file,
                     const char *path, const char *column)
{
    lp_i_rank rk;
    double *val = NULL;
    lp_summary_score *sc = NULL;
    int rc = -1;
    if (rd_ranking(rd, &rk, file, path)) goto done;
    if (rk.k == 0) {
        rc = 0;
        goto done;
    }
    val = malloc((size_t)rk.k * sizeof *val);
    sc = calloc((size_t)rk.k, sizeof *sc);
    if (!val || !sc) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    if (rd_points(rd, file, column, H5T_FLOAT, H5T_NATIVE_DOUBLE, rk.n, rk.coord, rk.k, val))
        goto done;
    for (int64_t i = 0; i < rk.k; i++) {
        sc[i].id = rk.ids[i];
        sc[i].type = rk.types[i];
        rk.ids[i] = rk.types[i] = NULL;
        sc[i].value = val[i];
    }
    *out = sc;
    *out_k = rk.k;
    sc = NULL;
    rc = 0;
done:
    rank_free(&rk);
    free(val);
    free(sc);
    return rc;
}

/* The attributes of /nodes/betweenness, when it exists: method (required,
 * passed through as written), samples, epsilon, delta. */
static int rd_betweenness(lp_h5r *rd, lp_summary *s, hid_t file)
{
    const char *path = "/nodes/betweenness";
    hid_t dset = -1;
    int64_t n;
    int rc = -1;
    htri_t ex = H5Lexists(file, "/nodes", H5P_DEFAULT);
    if (ex > 0) ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail(rd, "cannot read /nodes");
    if (ex == 0) return 0;
    if ((dset = lp_h5r_column_open(rd, file, path, H5T_FLOAT, &n)) < 0) return -1;
    if (lp_h5r_attr_str(rd, &s->betweenness_method, dset, path, "method", 1) ||
        lp_h5r_attr_num(rd, &s->betweenness_samples, H5T_NATIVE_INT64, dset, path, "samples", 1) ||
        lp_h5r_attr_num(rd, &s->betweenness_epsilon, H5T_NATIVE_DOUBLE, dset, path, "epsilon", 1) ||
        lp_h5r_attr_num(rd, &s->betweenness_delta, H5T_NATIVE_DOUBLE, dset, path, "delta", 1))
        goto done;
    rc = 0;
done:
    H5Dclose(dset);
    return rc;
}

typedef struct lp_i_timings {
    lp_h5r *rd;
    lp_summary *s;
    int cap;
} lp_i_timings;

static herr_t rd_timing_cb(hid_t loc, const char *name, const H5A_info_t *ainfo, void *data)
{
    (void)ainfo;
    lp_i_timings *t = data;
    lp_summary *s = t->s;
    double v;
    if (lp_h5r_attr_num(t->rd, &v, H5T_NATIVE_DOUBLE, loc, "/summary/timings", name, 1)) return -1;
    if (s->n_timings == t->cap) {
        int nc = t->cap ? 2 * t->cap : 16;
        char **p = realloc(s->timing_phase, (size_t)nc * sizeof *p);
        if (p) s->timing_phase = p;
        double *q = realloc(s->timing_seconds, (size_t)nc * sizeof *q);
        if (q) s->timing_seconds = q;
        if (!p || !q) return lp_h5r_nomem(t->rd, "timings");
        t->cap = nc;
    }
    char *d = lp_h5_dup_str(name, strlen(name));
    if (!d) return lp_h5r_nomem(t->rd, "timings");
    s->timing_phase[s->n_timings] = d;
    s->timing_seconds[s->n_timings] = v;
    s->n_timings++;
    return 0;
}

static int rd_timings(lp_h5r *rd, lp_summary *s, hid_t sum)
{
    hid_t tim = -1, gcpl = -1;
    unsigned flags = 0;
    int rc = -1;
    lp_i_timings t = {rd, s, 0};
    htri_t ex = H5Lexists(sum, "timings", H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail(rd, "cannot read /summary");
    if (ex == 0) return 0;
    if ((tim = H5Gopen2(sum, "timings", H5P_DEFAULT)) < 0 ||
        (gcpl = H5Gget_create_plist(tim)) < 0 || H5Pget_attr_creation_order(gcpl, &flags) < 0) {
        lp_h5r_fail(rd, "cannot read /summary/timings");
        goto done;
    }
    H5_index_t idx = (flags & H5P_CRT_ORDER_TRACKED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    if (H5Aiterate2(tim, idx, H5_ITER_INC, NULL, rd_timing_cb, &t) < 0) {
        if (rd->status == LP_OK) lp_h5r_fail(rd, "cannot read /summary/timings");
        goto done;
    }
    rc = 0;
done:
    if (gcpl >= 0) H5Pclose(gcpl);
    if (tim >= 0) H5Gclose(tim);
    return rc;
}

static int rd_summary_attrs(lp_h5r *rd, lp_summary *s, hid_t sum)
{
    const char *o = "/summary";
    hid_t i64 = H5T_NATIVE_INT64, f64 = H5T_NATIVE_DOUBLE;
    if (lp_h5r_attr_num(rd, &s->nodes, i64, sum, o, "nodes", 1) ||
        lp_h5r_attr_num(rd, &s->edges, i64, sum, o, "edges", 1) ||
        lp_h5r_attr_num(rd, &s->merged_duplicates, i64, sum, o, "merged_duplicates", 1) ||
        lp_h5r_attr_num(rd, &s->dropped_self_loops, i64, sum, o, "dropped_self_loops", 1) ||
        lp_h5r_attr_num(rd, &s->skipped_rows, i64, sum, o, "skipped_rows", 1))
        return -1;
    int rc = lp_h5r_attr_num(rd, &s->accounts, i64, sum, o, "accounts", 0);
    if (rc < 0) return -1;
    if (rc == 1) return 0; /* no key-person analysis in this file */
    s->has_keyperson = 1;
    if (lp_h5r_attr_num(rd, &s->orphan_accounts, i64, sum, o, "orphan_accounts", 1) ||
        lp_h5r_attr_num(rd, &s->accounts_with_key_person, i64, sum, o, "accounts_with_key_person",
                        1) ||
        lp_h5r_attr_num(rd, &s->articulation_points, i64, sum, o, "articulation_points", 1) ||
        lp_h5r_attr_num(rd, &s->revenue_total, f64, sum, o, "revenue_total", 1) ||
        lp_h5r_attr_num(rd, &s->revenue_with_key_person, f64, sum, o, "revenue_with_key_person",
                        1) ||
        lp_h5r_attr_num(rd, &s->revenue_orphan, f64, sum, o, "revenue_orphan", 1))
        return -1;
    return 0;
}

lp_status lp_results_read_summary(lp_summary *out, const char *path)
{
    lp_summary s;
    memset(&s, 0, sizeof s);
    lp_h5r rd = {path, LP_OK};
    hid_t file = -1, sum = -1;
    char *format = NULL;
    int64_t version = 0;

    lp_h5_silence();
    int fd = open(path, O_RDONLY);
    if (fd < 0) return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    close(fd);
    if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        lp_h5r_fail(&rd, "not a linchpin result file");
        goto done;
    }
    int rc = lp_h5r_attr_str(&rd, &format, file, "/", "format", 0);
    if (rc < 0) goto done;
    if (rc == 1 || strcmp(format, LP_H5_FORMAT) != 0) {
        lp_h5r_fail(&rd, "not a linchpin result file");
        goto done;
    }
    rc = lp_h5r_attr_num(&rd, &version, H5T_NATIVE_INT64, file, "/", "format_version", 0);
    if (rc < 0) goto done;
    if (rc == 1) {
        lp_h5r_fail(&rd, "not a linchpin result file");
        goto done;
    }
    if (version != LP_H5_FORMAT_VERSION) {
        lp_h5r_fail(&rd, "unsupported format_version %" PRId64, version);
        goto done;
    }
    if (lp_h5r_attr_str(&rd, &s.created, file, "/", "created", 1) ||
        lp_h5r_attr_str(&rd, &s.linchpin_version, file, "/", "linchpin_version", 1) ||
        lp_h5r_attr_str(&rd, &s.command_line, file, "/", "command_line", 1))
        goto done;
    htri_t ex = H5Lexists(file, "/summary", H5P_DEFAULT);
    if (ex <= 0) {
        lp_h5r_fail(&rd, "missing /summary");
        goto done;
    }
    if ((sum = H5Gopen2(file, "/summary", H5P_DEFAULT)) < 0) {
        lp_h5r_fail(&rd, "cannot read /summary");
        goto done;
    }
    if (rd_summary_attrs(&rd, &s, sum) || rd_top(&rd, &s, file) ||
        rd_scores(&rd, &s.top_brokers, &s.n_top_brokers, file, "/summary/top_brokers",
                  "/nodes/brokerage") ||
        rd_scores(&rd, &s.top_betweenness, &s.n_top_betweenness, file, "/summary/top_betweenness",
                  "/nodes/betweenness") ||
        rd_betweenness(&rd, &s, file) || rd_bus_factor(&rd, &s, file) ||
        rd_scenarios(&rd, &s, file) || rd_timings(&rd, &s, sum))
        goto done;

done:
    if (sum >= 0) H5Gclose(sum);
    if (file >= 0) H5Fclose(file);
    free(format);
    if (rd.status != LP_OK) {
        lp_summary_free(&s);
        return rd.status;
    }
    *out = s;
    return LP_OK;
}

void lp_summary_free(lp_summary *s)
{
    if (!s) return;
    free(s->created);
    free(s->linchpin_version);
    free(s->command_line);
    for (int64_t i = 0; s->top && i < s->n_top; i++) {
        free(s->top[i].id);
        free(s->top[i].type);
    }
    free(s->top);
    for (int64_t i = 0; s->top_brokers && i < s->n_top_brokers; i++) {
        free(s->top_brokers[i].id);
        free(s->top_brokers[i].type);
    }
    free(s->top_brokers);
    for (int64_t i = 0; s->top_betweenness && i < s->n_top_betweenness; i++) {
        free(s->top_betweenness[i].id);
        free(s->top_betweenness[i].type);
    }
    free(s->top_betweenness);
    free(s->betweenness_method);
    free(s->bus_factor_histogram);
    for (int64_t i = 0; s->scenario_name && i < s->n_scenarios; i++)
        free(s->scenario_name[i]);
    free(s->scenario_name);
    free(s->scenario_leaving);
    free(s->scenario_lost);
    free(s->scenario_lost_revenue);
    free(s->scenario_newly);
    free(s->scenario_newly_revenue);
    for (int i = 0; s->timing_phase && i < s->n_timings; i++)
        free(s->timing_phase[i]);
    free(s->timing_phase);
    free(s->timing_seconds);
    memset(s, 0, sizeof *s);
}
