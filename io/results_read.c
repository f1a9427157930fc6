/* results_read.c — reading a result file back for `linchpin summary`
 * (lp_results_read_summary, lp_results.h). */
#include "lp_results.h"
#include "lp_alloc.h"
#include "lp_i_h5.h"
#include "lp_i_mem.h"
#include "lp_graphstore.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <hdf5.h>

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
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, /summary says %" PRId64 " nodes", path, len, n);
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

/* Strings rows[0..k) of the fixed-length string column `path` (n rows);
 * out[i] are malloc'ed. */
static int rd_points_fixed(lp_h5r *rd, hid_t file, const char *path, int64_t n, const hsize_t *rows,
                           int64_t k, char **out)
{
    hid_t dset = -1, ftype = -1, fspace = -1, mspace = -1;
    char *fbuf = NULL;
    int64_t len;
    int rc = -1;
    hsize_t count[1] = {(hsize_t)k};
    if ((dset = lp_h5r_column_open(rd, file, path, H5T_STRING, &len)) < 0) return -1;
    if (len != n) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, expected %" PRId64, path, len, n);
        goto done;
    }
    if ((ftype = H5Dget_type(dset)) < 0 || (fspace = H5Dget_space(dset)) < 0 ||
        (mspace = H5Screate_simple(1, count, NULL)) < 0 ||
        H5Sselect_elements(fspace, H5S_SELECT_SET, (size_t)k, rows) < 0) {
        lp_h5r_fail(rd, "cannot read %s", path);
        goto done;
    }
    size_t size = H5Tget_size(ftype);
    if (size == 0 || size > ((size_t)1 << 26)) {
        lp_h5r_fail(rd, "%s has an implausible string size", path);
        goto done;
    }
    if (!(fbuf = lp_malloc((size_t)k * size))) {
        lp_h5r_nomem(rd, "string column");
        goto done;
    }
    if (H5Dread(dset, ftype, mspace, fspace, H5P_DEFAULT, fbuf) < 0) {
        lp_h5r_fail_h5(rd, "reading %s", path);
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
    rc = 0;
done:
    free(fbuf);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (ftype >= 0) H5Tclose(ftype);
    H5Dclose(dset);
    return rc;
}

/* Strings rows[0..k) of the blob layout `path`_bytes + `path`_offsets (n
 * rows): every offset checked against the blob, every string NUL-ended. */
static int rd_points_blob(lp_h5r *rd, hid_t file, const char *path, int64_t n, const hsize_t *rows,
                          int64_t k, char **out)
{
    char bpath[256], opath[256];
    snprintf(bpath, sizeof bpath, "%s_bytes", path);
    snprintf(opath, sizeof opath, "%s_offsets", path);
    hid_t bd = -1, od = -1, ofs = -1, oms = -1, bfs = -1, bms = -1;
    hsize_t *orow = lp_malloc(2 * ((size_t)k + 1) * sizeof *orow);
    int64_t *off = lp_malloc(2 * ((size_t)k + 1) * sizeof *off), blen = 0, olen = 0;
    int rc = -1;
    if (!orow || !off) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    if ((od = lp_h5r_column_open(rd, file, opath, H5T_INTEGER, &olen)) < 0 ||
        (bd = lp_h5r_column_open(rd, file, bpath, H5T_INTEGER, &blen)) < 0)
        goto done;
    if (olen != n + 1) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, expected %" PRId64, opath, olen, n + 1);
        goto done;
    }
    for (int64_t i = 0; i < k; i++) {
        orow[2 * i] = rows[i];
        orow[2 * i + 1] = rows[i] + 1;
    }
    hsize_t cnt2[1] = {(hsize_t)(2 * k)};
    if ((ofs = H5Dget_space(od)) < 0 || (oms = H5Screate_simple(1, cnt2, NULL)) < 0 ||
        H5Sselect_elements(ofs, H5S_SELECT_SET, (size_t)(2 * k), orow) < 0 ||
        H5Dread(od, H5T_NATIVE_INT64, oms, ofs, H5P_DEFAULT, off) < 0 ||
        (bfs = H5Dget_space(bd)) < 0) {
        lp_h5r_fail_h5(rd, "reading %s", opath);
        goto done;
    }
    for (int64_t i = 0; i < k; i++) {
        int64_t a = off[2 * i], b = off[2 * i + 1];
        if (a < 0 || b <= a || b > blen || b - a > ((int64_t)1 << 26)) {
            lp_h5r_fail(rd, "%s: row %llu points outside %s", opath, (unsigned long long)rows[i],
                        bpath);
            goto done;
        }
        hsize_t start[1] = {(hsize_t)a}, count[1] = {(hsize_t)(b - a)};
        char *str = lp_malloc((size_t)(b - a));
        if (!str) {
            lp_h5r_nomem(rd, path);
            goto done;
        }
        if (bms >= 0) H5Sclose(bms);
        if ((bms = H5Screate_simple(1, count, NULL)) < 0 ||
            H5Sselect_hyperslab(bfs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dread(bd, H5T_NATIVE_UINT8, bms, bfs, H5P_DEFAULT, str) < 0) {
            free(str);
            lp_h5r_fail_h5(rd, "reading %s", bpath);
            goto done;
        }
        if (str[b - a - 1] != '\0' || memchr(str, '\0', (size_t)(b - a - 1))) {
            free(str);
            lp_h5r_fail(rd, "%s: string of row %llu is not NUL-terminated where its offsets say",
                        bpath, (unsigned long long)rows[i]);
            goto done;
        }
        out[i] = str;
    }
    rc = 0;
done:
    if (bms >= 0) H5Sclose(bms);
    if (bfs >= 0) H5Sclose(bfs);
    if (oms >= 0) H5Sclose(oms);
    if (ofs >= 0) H5Sclose(ofs);
    if (bd >= 0) H5Dclose(bd);
    if (od >= 0) H5Dclose(od);
    free(orow);
    free(off);
    return rc;
}

/* Strings rows[0..k) of the string column `path` (n rows), in either
 * layout the writer uses; 1 when neither is present (and !required). */
static int rd_points_str(lp_h5r *rd, hid_t file, const char *path, int64_t n, const hsize_t *rows,
                         int64_t k, char **out, int required)
{
    char bpath[256];
    snprintf(bpath, sizeof bpath, "%s_bytes", path);
    htri_t fixed = H5Lexists(file, path, H5P_DEFAULT);
    htri_t blob = fixed == 0 ? H5Lexists(file, bpath, H5P_DEFAULT) : 0;
    if (fixed < 0 || blob < 0) return lp_h5r_fail_h5(rd, "looking up %s", path);
    if (fixed > 0) return rd_points_fixed(rd, file, path, n, rows, k, out);
    if (blob > 0) return rd_points_blob(rd, file, path, n, rows, k, out);
    if (required) return lp_h5r_fail(rd, "missing %s", path);
    return 1;
}

/* A ranking dataset (/summary/top_...) read back: k rows into /nodes (n
 * rows, the /summary count), as HDF5 coordinates, with their /nodes/id,
 * /nodes/type and, when the file has names, /nodes/name. The arrays and
 * strings are malloc'ed; free with rank_free. */
typedef struct lp_i_rank {
    int64_t k, n;
    hsize_t *coord;               /* [k] */
    char **ids, **types, **names; /* [k], entries NULL or owned; names NULL when absent */
} lp_i_rank;

static void rank_free(lp_i_rank *rk)
{
    for (int64_t i = 0; i < rk->k; i++) {
        if (rk->ids) free(rk->ids[i]);
        if (rk->types) free(rk->types[i]);
        if (rk->names) free(rk->names[i]);
    }
    free(rk->ids);
    free(rk->types);
    free(rk->names);
    free(rk->coord);
    memset(rk, 0, sizeof *rk);
}

/* Fill *rk from the dataset `path`, rows checked against n. Absent or
 * empty: rk->k = 0, nothing allocated. *rk must be freed with rank_free
 * whatever the result. */
static int rd_ranking(lp_h5r *rd, lp_i_rank *rk, hid_t file, const char *path, int64_t n)
{
    hid_t dset = -1;
    int64_t k, *rows = NULL;
    int rc = -1;
    memset(rk, 0, sizeof *rk);
    htri_t ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail(rd, "cannot read /summary");
    if (ex == 0) return 0;
    if ((dset = lp_h5r_column_open(rd, file, path, H5T_INTEGER, &k)) < 0) return -1;
    if (k > n) {
        lp_h5r_fail(rd, "%s has more rows than /nodes", path);
        goto done;
    }
    rk->n = n;
    if (k == 0) {
        rc = 0;
        goto done;
    }
    rows = lp_malloc((size_t)k * sizeof *rows);
    rk->coord = lp_malloc((size_t)k * sizeof *rk->coord);
    rk->ids = lp_calloc((size_t)k, sizeof *rk->ids);
    rk->types = lp_calloc((size_t)k, sizeof *rk->types);
    rk->names = lp_calloc((size_t)k, sizeof *rk->names);
    rk->k = k; /* rank_free frees the entries [0..k): NULL or owned */
    if (!rows || !rk->coord || !rk->ids || !rk->types || !rk->names) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    if (H5Dread(dset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) < 0) {
        lp_h5r_fail_h5(rd, "reading %s", path);
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
    int named;
    if (rd_points_str(rd, file, "/nodes/id", n, rk->coord, k, rk->ids, 1) ||
        rd_points_str(rd, file, "/nodes/type", n, rk->coord, k, rk->types, 1) ||
        (named = rd_points_str(rd, file, "/nodes/name", n, rk->coord, k, rk->names, 0)) < 0)
        goto done;
    if (named == 1) {
        free(rk->names);
        rk->names = NULL;
    }
    rc = 0;
done:
    H5Dclose(dset);
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
    if (rd_ranking(rd, &rk, file, "/summary/top_persons", s->nodes)) goto done;
    if (rk.k == 0) {
        rc = 0;
        goto done;
    }
    acc = lp_malloc((size_t)rk.k * sizeof *acc);
    rev = lp_malloc((size_t)rk.k * sizeof *rev);
    s->top = lp_calloc((size_t)rk.k, sizeof *s->top);
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
        s->top[i].name = rk.names ? rk.names[i] : NULL;
        rk.ids[i] = rk.types[i] = NULL;
        if (rk.names) rk.names[i] = NULL;
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
    s->bus_factor_histogram = lp_malloc((size_t)len * sizeof *s->bus_factor_histogram);
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
    if (!(*out = lp_i_alloc_big(((size_t)len + 1) * size, 0))) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    int raw = lp_h5r_read_rows(rd, dset, path, mtype, 0, len, *out, size, 0);
    if (raw < 0) goto done;
    if (raw && len > 0 && H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
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
    s->scenario_leaving = lp_malloc(((size_t)m + 1) * sizeof *s->scenario_leaving);
    s->scenario_name = lp_calloc((size_t)m + 1, sizeof *s->scenario_name);
    rows = lp_malloc(((size_t)m + 1) * sizeof *rows);
    if (!s->scenario_leaving || !s->scenario_name || !rows) {
        lp_h5r_nomem(rd, "scenarios");
        goto done;
    }
    int64_t n_leave = 0;
    d = lp_h5r_column_open(rd, file, "/scenarios/leave", H5T_INTEGER, &n_leave);
    if (d < 0) goto done;
    H5Dclose(d);
    if (off[0] != 0 || off[m] != n_leave) {
        lp_h5r_fail(rd,
                    "/scenarios/leave_offsets must run from 0 to %" PRId64 " (the length of "
                    "/scenarios/leave)",
                    n_leave);
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
    if (m > 0 && rd_points_str(rd, file, "/scenarios/name", m, rows, m, s->scenario_name, 1))
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
                     const char *path, const char *column, int64_t n)
{
    lp_i_rank rk;
    double *val = NULL;
    lp_summary_score *sc = NULL;
    int rc = -1;
    if (rd_ranking(rd, &rk, file, path, n)) goto done;
    if (rk.k == 0) {
        rc = 0;
        goto done;
    }
    val = lp_malloc((size_t)rk.k * sizeof *val);
    sc = lp_calloc((size_t)rk.k, sizeof *sc);
    if (!val || !sc) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    if (rd_points(rd, file, column, H5T_FLOAT, H5T_NATIVE_DOUBLE, rk.n, rk.coord, rk.k, val))
        goto done;
    for (int64_t i = 0; i < rk.k; i++) {
        sc[i].id = rk.ids[i];
        sc[i].type = rk.types[i];
        sc[i].name = rk.names ? rk.names[i] : NULL;
        rk.ids[i] = rk.types[i] = NULL;
        if (rk.names) rk.names[i] = NULL;
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
        char **p = lp_realloc(s->timing_phase, (size_t)nc * sizeof *p);
        if (p) s->timing_phase = p;
        double *q = lp_realloc(s->timing_seconds, (size_t)nc * sizeof *q);
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
    lp_i_timings t = {.rd = rd, .s = s, .cap = 0};
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
    if (s->nodes < 0 || s->nodes > LP_VID_MAX || s->edges < 0)
        return lp_h5r_fail(rd, "/summary: node or edge count out of range");
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

/* Open path as a result file this version reads: the file exists, HDF5
 * opens it, its superblock is checksummed (version >= 2), format is
 * LP_RESULTS_FORMAT and format_version LP_RESULTS_FORMAT_VERSION. Returns
 * the file or -1 (rd->status set). */
static hid_t open_results(lp_h5r *rd, const char *path)
{
    hid_t file = -1;
    char *format = NULL;
    int64_t version = 0;
    lp_h5_silence();
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        rd->status = lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    if ((file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0) {
        lp_h5r_fail(rd, "not a linchpin result file");
        goto fail;
    }
    /* Format 2 files have the checksummed superblock (version 2 or 3) of
     * HDF5 1.10; format 1 files (variable-length strings in the unchecked
     * global heap) are not read at all. */
    H5F_info2_t finfo;
    if (H5Fget_info2(file, &finfo) < 0) {
        lp_h5r_fail_h5(rd, "reading the superblock");
        goto fail;
    }
    if (finfo.super.version < 2) {
        lp_h5r_fail(rd,
                    "not a result file of format %d (an older linchpin's format 1, or not "
                    "linchpin's): run linchpin analyze again",
                    LP_RESULTS_FORMAT_VERSION);
        goto fail;
    }
    int rc = lp_h5r_attr_str(rd, &format, file, "/", "format", 0);
    if (rc < 0) goto fail;
    if (rc == 1 || strcmp(format, LP_RESULTS_FORMAT) != 0) {
        /* say what it is when it is linchpin's other HDF5 file */
        if (rc == 0 && strcmp(format, LP_GRAPHSTORE_FORMAT) == 0)
            lp_h5r_fail(rd,
                        "not a linchpin result file: a graph store (run linchpin analyze on it)");
        else
            lp_h5r_fail(rd, "not a linchpin result file");
        goto fail;
    }
    rc = lp_h5r_attr_num(rd, &version, H5T_NATIVE_INT64, file, "/", "format_version", 0);
    if (rc < 0) goto fail;
    if (rc == 1) {
        lp_h5r_fail(rd, "not a linchpin result file");
        goto fail;
    }
    if (version != LP_RESULTS_FORMAT_VERSION) {
        lp_h5r_fail(rd, "unsupported format_version %" PRId64, version);
        goto fail;
    }
    free(format);
    return file;
fail:
    free(format);
    if (file >= 0) H5Fclose(file);
    return -1;
}

lp_status lp_results_read_summary(lp_summary *out, const char *path)
{
    lp_summary s;
    memset(&s, 0, sizeof s);
    lp_h5r rd = {.path = path, .status = LP_OK};
    hid_t file = -1, sum = -1;

    if ((file = open_results(&rd, path)) < 0) goto done;
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
                  "/nodes/brokerage", s.nodes) ||
        rd_scores(&rd, &s.top_betweenness, &s.n_top_betweenness, file, "/summary/top_betweenness",
                  "/nodes/betweenness", s.nodes) ||
        rd_betweenness(&rd, &s, file) || rd_bus_factor(&rd, &s, file) ||
        rd_scenarios(&rd, &s, file) || rd_timings(&rd, &s, sum))
        goto done;

done:
    if (sum >= 0) H5Gclose(sum);
    if (file >= 0) H5Fclose(file);
    if (rd.status != LP_OK) {
        lp_summary_free(&s);
        return rd.status;
    }
    *out = s;
    return LP_OK;
}

lp_status lp_results_read_node_labels(lp_node_labels *out, const char *path, const lp_vid *rows,
                                      int64_t k)
{
    lp_node_labels l;
    memset(&l, 0, sizeof l);
    lp_h5r rd = {.path = path, .status = LP_OK};
    hid_t file = -1, sum = -1;
    hsize_t *coord = NULL;
    int64_t n = 0;
    if ((file = open_results(&rd, path)) < 0) goto done;
    if ((sum = H5Gopen2(file, "/summary", H5P_DEFAULT)) < 0) {
        lp_h5r_fail(&rd, "cannot read /summary");
        goto done;
    }
    if (lp_h5r_attr_num(&rd, &n, H5T_NATIVE_INT64, sum, "/summary", "nodes", 1)) goto done;
    l.k = k;
    l.ids = lp_calloc((size_t)k + 1, sizeof *l.ids);
    l.names = lp_calloc((size_t)k + 1, sizeof *l.names);
    coord = lp_malloc(((size_t)k + 1) * sizeof *coord);
    if (!l.ids || !l.names || !coord) {
        lp_h5r_nomem(&rd, "node labels");
        goto done;
    }
    for (int64_t i = 0; i < k; i++) {
        if (rows[i] < 0 || rows[i] >= n) {
            lp_h5r_fail(&rd, "node row %" PRId64 " is not a row of /nodes", (int64_t)rows[i]);
            goto done;
        }
        coord[i] = (hsize_t)rows[i];
    }
    int named = 0;
    if (k > 0 && (rd_points_str(&rd, file, "/nodes/id", n, coord, k, l.ids, 1) ||
                  (named = rd_points_str(&rd, file, "/nodes/name", n, coord, k, l.names, 0)) < 0))
        goto done;
    if (k == 0 || named == 1) { /* the file has no names */
        free(l.names);
        l.names = NULL;
    }
done:
    free(coord);
    if (sum >= 0) H5Gclose(sum);
    if (file >= 0) H5Fclose(file);
    if (rd.status != LP_OK) {
        lp_node_labels_free(&l);
        return rd.status;
    }
    *out = l;
    return LP_OK;
}

void lp_node_labels_free(lp_node_labels *l)
{
    if (!l) return;
    for (int64_t i = 0; i < l->k; i++) {
        if (l->ids) free(l->ids[i]);
        if (l->names) free(l->names[i]);
    }
    free(l->ids);
    free(l->names);
    memset(l, 0, sizeof *l);
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
        free(s->top[i].name);
    }
    free(s->top);
    for (int64_t i = 0; s->top_brokers && i < s->n_top_brokers; i++) {
        free(s->top_brokers[i].id);
        free(s->top_brokers[i].type);
        free(s->top_brokers[i].name);
    }
    free(s->top_brokers);
    for (int64_t i = 0; s->top_betweenness && i < s->n_top_betweenness; i++) {
        free(s->top_betweenness[i].id);
        free(s->top_betweenness[i].type);
        free(s->top_betweenness[i].name);
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

/* ==== the whole-table reader (diff, export) ============================== */

/* Optional whole column: 1 when absent. */
static int rd_whole_opt(lp_h5r *rd, void **out, hid_t file, const char *path, H5T_class_t cls,
                        hid_t mtype, size_t size, int64_t len)
{
    htri_t ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail_h5(rd, "looking up %s", path);
    if (ex == 0) return 1;
    return rd_whole(rd, out, file, path, cls, mtype, size, len);
}

/* rd_whole_opt reading only rows [lo, hi) (one hyperslab: HDF5 inflates
 * only the chunks holding them) into a zeroed array of len rows. */
static int rd_range_opt(lp_h5r *rd, void **out, hid_t file, const char *path, H5T_class_t cls,
                        hid_t mtype, size_t size, int64_t len, int64_t lo, int64_t hi)
{
    if (lo == 0 && hi == len) return rd_whole_opt(rd, out, file, path, cls, mtype, size, len);
    htri_t ex = H5Lexists(file, path, H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail_h5(rd, "looking up %s", path);
    if (ex == 0) return 1;
    int64_t got = 0;
    hid_t dset = lp_h5r_column_open(rd, file, path, cls, &got), fspace = -1, mspace = -1;
    if (dset < 0) return -1;
    int rc = -1;
    if (got != len) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, expected %" PRId64, path, got, len);
        goto done;
    }
    /* calloc, not lp_i_alloc_big: a large calloc is fresh zero pages, and
     * the pages outside [lo, hi) are never touched, so never zeroed */
    if (!(*out = lp_calloc((size_t)len + 1, size))) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    hsize_t start[1] = {(hsize_t)lo}, count[1] = {(hsize_t)(hi - lo)};
    int raw =
        lp_h5r_read_rows(rd, dset, path, mtype, lo, hi, (char *)*out + (size_t)lo * size, size, 0);
    if (raw < 0) goto done;
    if (raw && hi > lo &&
        ((fspace = H5Dget_space(dset)) < 0 || (mspace = H5Screate_simple(1, count, NULL)) < 0 ||
         H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
         H5Dread(dset, mtype, mspace, fspace, H5P_DEFAULT, (char *)*out + (size_t)lo * size) < 0)) {
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

/* The rows_of attribute of the index column `path` must name `table`. */
static int rd_check_rows_of(lp_h5r *rd, hid_t file, const char *path, const char *table)
{
    char *v = NULL;
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return lp_h5r_fail_h5(rd, "opening %s", path);
    int rc = lp_h5r_attr_str(rd, &v, d, path, "rows_of", 1);
    H5Dclose(d);
    if (rc == 0 && strcmp(v, table) != 0)
        rc = lp_h5r_fail(rd, "%s: rows_of is '%.64s', expected '%s'", path, v, table);
    free(v);
    return rc;
}

/* Every vals[0..len) a row of a table of `bound` rows (account rows;
 * node rows are checked as they are read: lp_h5r_node_rows). */
static int rd_check_rows(lp_h5r *rd, const char *path, const int64_t *vals, int64_t len,
                         int64_t bound, const char *table)
{
    for (int64_t i = 0; i < len; i++)
        if (vals[i] < 0 || vals[i] >= bound)
            return lp_h5r_fail(rd, "%s[%" PRId64 "] = %" PRId64 " is not a row of %s", path, i,
                               vals[i], table);
    return 0;
}

/* vals[0..len) (rows of a table of `bound` rows, checked) all different:
 * one account per node. */
static int rd_check_distinct(lp_h5r *rd, const char *path, const lp_vid *vals, int64_t len,
                             int64_t bound)
{
    uint8_t *seen = lp_calloc((size_t)bound / 8 + 1, 1);
    if (!seen) return lp_h5r_nomem(rd, path);
    int rc = 0;
    for (int64_t i = 0; i < len && !rc; i++) {
        uint64_t v = (uint64_t)vals[i];
        if (seen[v >> 3] & (1u << (v & 7)))
            rc = lp_h5r_fail(rd, "%s[%" PRId64 "] = %" PRId64 " is listed twice", path, i,
                             (int64_t)vals[i]);
        seen[v >> 3] |= (uint8_t)(1u << (v & 7));
    }
    free(seen);
    return rc;
}

/* The offsets of a list column: [rows + 1] starting at 0, never
 * decreasing, ending at the length of the values (*nval). 1 when absent
 * and !required. */
static int rd_list_offsets(lp_h5r *rd, int64_t **off, int64_t *nval, hid_t file, const char *opath,
                           const char *vpath, int64_t rows, int required)
{
    htri_t ex = H5Lexists(file, opath, H5P_DEFAULT);
    if (ex < 0) return lp_h5r_fail_h5(rd, "looking up %s", opath);
    if (ex == 0) {
        if (required) return lp_h5r_fail(rd, "missing %s", opath);
        return 1;
    }
    if (rd_whole(rd, (void **)off, file, opath, H5T_INTEGER, H5T_NATIVE_INT64, sizeof(int64_t),
                 rows + 1))
        return -1;
    hid_t d = lp_h5r_column_open(rd, file, vpath, H5T_INTEGER, nval);
    if (d < 0) return -1;
    H5Dclose(d);
    if ((*off)[0] != 0 || (*off)[rows] != *nval)
        return lp_h5r_fail(rd, "%s must run from 0 to %" PRId64 " (the length of %s)", opath, *nval,
                           vpath);
    for (int64_t r = 0; r < rows; r++)
        if ((*off)[r + 1] < (*off)[r])
            return lp_h5r_fail(rd, "%s decreases at row %" PRId64, opath, r);
    return 0;
}

/* A list column of node rows: offsets as rd_list_offsets, values rows of
 * /nodes (n rows) that say so in rows_of. 1 when absent and !required. */
static int rd_list(lp_h5r *rd, lp_rlist *l, hid_t file, const char *opath, const char *vpath,
                   int64_t rows, int64_t n, int required)
{
    int64_t nval = 0;
    int rc = rd_list_offsets(rd, &l->off, &nval, file, opath, vpath, rows, required);
    if (rc) return rc;
    if (rd_check_rows_of(rd, file, vpath, "/nodes") ||
        lp_h5r_node_rows(rd, &l->val, file, vpath, nval, NULL, n, "/nodes"))
        return -1;
    return 0;
}

/* The same for a list of account rows (a rows of /accounts). */
static int rd_list_accounts(lp_h5r *rd, lp_rlist_accounts *l, hid_t file, const char *opath,
                            const char *vpath, int64_t rows, int64_t a)
{
    int64_t nval = 0;
    if (rd_list_offsets(rd, &l->off, &nval, file, opath, vpath, rows, 1) ||
        rd_whole(rd, (void **)&l->val, file, vpath, H5T_INTEGER, H5T_NATIVE_INT64, sizeof(int64_t),
                 nval) ||
        rd_check_rows_of(rd, file, vpath, "/accounts") ||
        rd_check_rows(rd, vpath, l->val, nval, a, "/accounts"))
        return -1;
    return 0;
}

static void rlist_free(lp_rlist *l)
{
    free(l->off);
    free(l->val);
    l->off = NULL;
    l->val = NULL;
}

static void rlist_accounts_free(lp_rlist_accounts *l)
{
    free(l->off);
    free(l->val);
    l->off = l->val = NULL;
}

static void rstrings_free(lp_rstrings *s)
{
    free(s->off);
    free(s->data);
    memset(s, 0, sizeof *s);
}

/* Fixed-length string column `path` of n rows, whole, into s: read as
 * stored (width w), then spread in place to width w + 1 so that every
 * string has a NUL, back to front (a row never moves down). */
static int rd_strings_fixed(lp_h5r *rd, lp_rstrings *s, hid_t file, const char *path, int64_t n)
{
    hid_t dset = -1, ftype = -1;
    int64_t len = 0;
    int rc = -1;
    if ((dset = lp_h5r_column_open(rd, file, path, H5T_STRING, &len)) < 0) return -1;
    if (len != n) {
        lp_h5r_fail(rd, "%s has %" PRId64 " rows, expected %" PRId64, path, len, n);
        goto done;
    }
    if ((ftype = H5Dget_type(dset)) < 0) {
        lp_h5r_fail_h5(rd, "reading %s", path);
        goto done;
    }
    size_t w = H5Tget_size(ftype);
    int spacepad = H5Tget_strpad(ftype) == H5T_STR_SPACEPAD;
    if (w == 0 || w > ((size_t)1 << 26) || (double)(w + 1) * (double)n > 1e12) {
        lp_h5r_fail(rd, "%s has an implausible string size", path);
        goto done;
    }
    if (!(s->data = lp_i_alloc_big((size_t)n * (w + 1) + 1, 0))) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    int raw = lp_h5r_read_rows(rd, dset, path, ftype, 0, n, s->data, w + 1, 1);
    if (raw < 0) goto done;
    if (raw && n > 0 && H5Dread(dset, ftype, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->data) < 0) {
        lp_h5r_fail_h5(rd, "reading %s", path);
        goto done;
    }
    for (int64_t i = n - 1; raw && i >= 0; i--) {
        char *dst = s->data + (size_t)i * (w + 1);
        memmove(dst, s->data + (size_t)i * w, w);
        dst[w] = '\0';
        for (size_t l = w; spacepad && l > 0 && (dst[l - 1] == ' ' || dst[l - 1] == '\0'); l--)
            dst[l - 1] = '\0';
    }
    s->count = n;
    s->width = (int64_t)w + 1;
    rc = 0;
done:
    if (ftype >= 0) H5Tclose(ftype);
    H5Dclose(dset);
    return rc;
}

/* The blob layout `path`_bytes + `path`_offsets of n rows, whole: offsets
 * from 0 to the length of the bytes, strictly increasing, each string ending
 * in the only NUL before the next. */
static int rd_strings_blob(lp_h5r *rd, lp_rstrings *s, hid_t file, const char *path, int64_t n)
{
    char bpath[256], opath[256];
    snprintf(bpath, sizeof bpath, "%s_bytes", path);
    snprintf(opath, sizeof opath, "%s_offsets", path);
    int64_t blen = 0;
    hid_t d = lp_h5r_column_open(rd, file, bpath, H5T_INTEGER, &blen);
    if (d < 0) return -1;
    H5Dclose(d);
    if (rd_whole(rd, (void **)&s->off, file, opath, H5T_INTEGER, H5T_NATIVE_INT64, sizeof(int64_t),
                 n + 1) ||
        rd_whole(rd, (void **)&s->data, file, bpath, H5T_INTEGER, H5T_NATIVE_UINT8, 1, blen))
        return -1;
    if (s->off[0] != 0 || s->off[n] != blen)
        return lp_h5r_fail(rd, "%s must run from 0 to %" PRId64 " (the length of %s)", opath, blen,
                           bpath);
    for (int64_t i = 0; i < n; i++)
        if (s->off[i + 1] <= s->off[i] || s->data[s->off[i + 1] - 1] != '\0')
            return lp_h5r_fail(rd,
                               "%s: string of row %" PRId64 " is not NUL-terminated where its "
                               "offsets say",
                               bpath, i);
    /* n strings each ending in a NUL: no NUL inside them iff n NULs in all */
    int64_t nul = 0;
    for (const char *p = s->data, *end = s->data + blen; p < end; nul++) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        if (!z) break;
        p = z + 1;
    }
    if (nul != n) return lp_h5r_fail(rd, "%s: a string holds a NUL byte", bpath);
    s->data[blen] = '\0';
    s->count = n;
    return 0;
}

/* A string column of n rows in either layout; 1 when absent and !required. */
static int rd_strings(lp_h5r *rd, lp_rstrings *s, hid_t file, const char *path, int64_t n,
                      int required)
{
    char bpath[256];
    snprintf(bpath, sizeof bpath, "%s_bytes", path);
    htri_t fixed = H5Lexists(file, path, H5P_DEFAULT);
    htri_t blob = fixed == 0 ? H5Lexists(file, bpath, H5P_DEFAULT) : 0;
    if (fixed < 0 || blob < 0) return lp_h5r_fail_h5(rd, "looking up %s", path);
    if (fixed > 0) return rd_strings_fixed(rd, s, file, path, n);
    if (blob > 0) return rd_strings_blob(rd, s, file, path, n);
    if (required) return lp_h5r_fail(rd, "missing %s", path);
    return 1;
}

/* parameters "person" split at commas into t->person_types; the warnings
 * list of /summary into t->warnings. */
static int rd_json_parts(lp_h5r *rd, lp_results_table *t, const char *warnings)
{
    cJSON *p = cJSON_Parse(t->parameters_json);
    if (!p || !cJSON_IsObject(p)) {
        cJSON_Delete(p);
        return lp_h5r_fail(rd, "attribute 'parameters' is not a JSON object");
    }
    const cJSON *person = cJSON_GetObjectItemCaseSensitive(p, "person");
    int rc = 0;
    if (cJSON_IsString(person) && person->valuestring[0]) {
        const char *v = person->valuestring;
        int k = 1;
        for (const char *c = v; *c; c++)
            k += *c == ',';
        if (!(t->person_types = lp_calloc((size_t)k, sizeof *t->person_types))) {
            rc = lp_h5r_nomem(rd, "person types");
        } else {
            for (const char *c = v;; c++) {
                const char *e = strchr(c, ',');
                size_t l = e ? (size_t)(e - c) : strlen(c);
                if (!(t->person_types[t->n_person_types++] = lp_h5_dup_str(c, l))) {
                    rc = lp_h5r_nomem(rd, "person types");
                    break;
                }
                if (!e) break;
                c = e;
            }
        }
    }
    cJSON_Delete(p);
    if (rc || !warnings) return rc;
    cJSON *w = cJSON_Parse(warnings);
    if (!w || !cJSON_IsArray(w)) {
        cJSON_Delete(w);
        return lp_h5r_fail(rd, "/summary: attribute 'warnings' is not a JSON list");
    }
    int k = cJSON_GetArraySize(w);
    if (k > 0 && !(t->warnings = lp_calloc((size_t)k, sizeof *t->warnings)))
        rc = lp_h5r_nomem(rd, "warnings");
    for (int i = 0; !rc && i < k; i++) {
        const cJSON *e = cJSON_GetArrayItem(w, i);
        if (!cJSON_IsString(e)) {
            rc = lp_h5r_fail(rd, "/summary: attribute 'warnings' holds a non-string");
        } else if (!(t->warnings[i] = lp_h5_dup_str(e->valuestring, strlen(e->valuestring)))) {
            rc = lp_h5r_nomem(rd, "warnings");
        } else {
            t->n_warnings = i + 1;
        }
    }
    cJSON_Delete(w);
    return rc;
}

/* ---- LP_RT_PERSONS: the person rows from /nodes/type, its strings not kept */

typedef struct person_scan {
    const char *const *types; /* the person types (the default when the file has none) */
    size_t *len;              /* their lengths */
    int k;
    int spacepad; /* the column's strings are space-padded */
    int32_t *code;
    int64_t lo, hi; /* first person row and one past the last seen so far */
} person_scan;

/* The length of the string a fixed-length cell p[0..w) holds as the reader
 * makes it (rd_strings_fixed): with space padding, trailing blanks and NULs
 * dropped; then up to the first NUL. */
static size_t fixed_len(const unsigned char *p, size_t w, int spacepad)
{
    size_t l = w;
    while (spacepad && l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\0'))
        l--;
    const unsigned char *z = memchr(p, '\0', l);
    return z ? (size_t)(z - p) : l;
}

/* 1 + the first person type equal to p[0..l), or 0. */
static int32_t person_code(const person_scan *ps, const unsigned char *p, size_t l)
{
    for (int k = 0; k < ps->k; k++)
        if (ps->len[k] == l && memcmp(p, ps->types[k], l) == 0) return k + 1;
    return 0;
}

/* Note the rows [lo, hi) holding the first and the last person of a call. */
static void person_range(person_scan *ps, int64_t lo, int64_t hi)
{
    if (lo >= hi) return;
#pragma omp critical(lp_person_scan)
    {
        if (lo < ps->lo) ps->lo = lo;
        if (hi > ps->hi) ps->hi = hi;
    }
}

/* lp_h5r_rows_fn: codes of fixed-length type cells; only person rows are
 * written (the array is calloc'ed: pages without persons are never touched). */
static void person_rows(void *ctx, int64_t first, int64_t count, const unsigned char *rows,
                        size_t size)
{
    person_scan *ps = ctx;
    int64_t lo = INT64_MAX, hi = 0;
    for (int64_t i = 0; i < count; i++) {
        const unsigned char *p = rows + (size_t)i * size;
        int32_t c = person_code(ps, p, fixed_len(p, size, ps->spacepad));
        if (c) {
            ps->code[first + i] = c;
            if (lo == INT64_MAX) lo = first + i;
            hi = first + i + 1;
        }
    }
    person_range(ps, lo, hi);
}

/* t->person (lp_results.h) from /nodes/type: a fixed-length column is
 * decoded chunk by chunk and compared in place (lp_h5r_scan_rows); the blob
 * layout, or a column the chunk reader leaves to HDF5, is read whole
 * (rd_strings: same checks and messages) and dropped after. t->num_lo and
 * t->num_hi receive the first person row and one past the last (0, 0 when
 * there is none). */
static int rd_persons(lp_h5r *rd, lp_results_table *t, hid_t file)
{
    const char *path = "/nodes/type";
    const int64_t n = t->n;
    static const char *const dflt[1] = {LP_RESULTS_DEFAULT_PERSON};
    person_scan ps = {.types = t->n_person_types > 0 ? (const char *const *)t->person_types : dflt,
                      .k = t->n_person_types > 0 ? t->n_person_types : 1,
                      .lo = INT64_MAX,
                      .hi = 0};
    lp_rstrings s;
    memset(&s, 0, sizeof s);
    hid_t dset = -1, ftype = -1;
    int rc = -1, raw = 1;
    ps.len = lp_malloc((size_t)ps.k * sizeof *ps.len);
    /* calloc, not lp_i_alloc_big: the pages without persons stay untouched */
    t->person = lp_calloc((size_t)n + 1, sizeof *t->person);
    if (!ps.len || !t->person) {
        lp_h5r_nomem(rd, path);
        goto done;
    }
    ps.code = t->person;
    for (int k = 0; k < ps.k; k++)
        ps.len[k] = strlen(ps.types[k]);
    htri_t fixed = H5Lexists(file, path, H5P_DEFAULT);
    if (fixed < 0) {
        lp_h5r_fail_h5(rd, "looking up %s", path);
        goto done;
    }
    if (fixed > 0) {
        int64_t len = 0;
        if ((dset = lp_h5r_column_open(rd, file, path, H5T_STRING, &len)) < 0) goto done;
        if ((ftype = H5Dget_type(dset)) < 0) {
            lp_h5r_fail_h5(rd, "reading %s", path);
            goto done;
        }
        size_t w = H5Tget_size(ftype);
        ps.spacepad = H5Tget_strpad(ftype) == H5T_STR_SPACEPAD;
        /* anything rd_strings_fixed would refuse goes there for its message */
        if (len == n && w > 0 && w <= ((size_t)1 << 26) && (double)(w + 1) * (double)n <= 1e12 &&
            (raw = lp_h5r_scan_rows(rd, dset, path, 0, 0, n, person_rows, &ps)) < 0)
            goto done;
    }
    if (raw) { /* the strings whole, then their codes */
        memset(t->person, 0, ((size_t)n + 1) * sizeof *t->person);
        ps.lo = INT64_MAX;
        ps.hi = 0;
        if (rd_strings(rd, &s, file, path, n, 1)) goto done;
        for (int64_t i = 0; i < n; i++) {
            const char *p = lp_rstrings_get(&s, i);
            int32_t c = person_code(&ps, (const unsigned char *)p, strlen(p));
            t->person[i] = c;
            if (c) person_range(&ps, i, i + 1);
        }
    }
    t->num_lo = ps.hi > 0 ? (lp_vid)ps.lo : 0;
    t->num_hi = (lp_vid)ps.hi;
    rc = 0;
done:
    rstrings_free(&s);
    if (ftype >= 0) H5Tclose(ftype);
    if (dset >= 0) H5Dclose(dset);
    free(ps.len);
    return rc;
}

/* The numeric /nodes columns present that parts asks for, n rows each. */
static int rd_node_numbers(lp_h5r *rd, lp_results_table *t, hid_t file, unsigned parts)
{
    const int64_t n = t->n;
    const hid_t I = H5T_NATIVE_INT64, F = H5T_NATIVE_DOUBLE;
    int all = (parts & LP_RT_NODE_NUMBERS) != 0;
    int risk = all || (parts & LP_RT_NODE_RISK), cent = all || (parts & LP_RT_NODE_CENTRALITY);
    lp_vid lo = 0, hi = (lp_vid)n;                  /* n <= LP_VID_MAX (lp_results_read_table) */
    if ((parts & LP_RT_PERSON_ROWS) && t->person) { /* rd_persons found them */
        lo = t->num_lo;
        hi = t->num_hi;
    } else if ((parts & LP_RT_PERSON_ROWS) && t->node_type.data) {
        while (lo < n && !lp_results_is_person_or_default(t, lo))
            lo++;
        hi = lo;
        for (lp_vid i = (lp_vid)n; i > lo; i--)
            if (lp_results_is_person_or_default(t, i - 1)) {
                hi = i;
                break;
            }
    }
    t->num_lo = lo;
    t->num_hi = hi;
    if (all &&
        (rd_whole_opt(rd, (void **)&t->degree, file, "/nodes/degree", H5T_INTEGER, I, 8, n) < 0 ||
         rd_whole_opt(rd, (void **)&t->strength, file, "/nodes/strength", H5T_FLOAT, F, 8, n) < 0 ||
         rd_whole_opt(rd, (void **)&t->is_articulation, file, "/nodes/is_articulation", H5T_INTEGER,
                      H5T_NATIVE_UINT8, 1, n) < 0))
        return -1;
    if (cent && (rd_range_opt(rd, (void **)&t->pagerank, file, "/nodes/pagerank", H5T_FLOAT, F, 8,
                              n, lo, hi) < 0 ||
                 rd_range_opt(rd, (void **)&t->betweenness, file, "/nodes/betweenness", H5T_FLOAT,
                              F, 8, n, lo, hi) < 0 ||
                 rd_range_opt(rd, (void **)&t->brokerage, file, "/nodes/brokerage", H5T_FLOAT, F, 8,
                              n, lo, hi) < 0))
        return -1;
    if (risk && (((parts & LP_RT_NO_EXTRAS) == 0 &&
                  rd_range_opt(rd, (void **)&t->accounts_at_risk, file, "/nodes/accounts_at_risk",
                               H5T_INTEGER, I, 8, n, lo, hi) < 0) ||
                 rd_range_opt(rd, (void **)&t->revenue_at_risk, file, "/nodes/revenue_at_risk",
                              H5T_FLOAT, F, 8, n, lo, hi) < 0))
        return -1;
    for (int64_t i = lo; t->revenue_at_risk && i < hi; i++)
        if (!(t->revenue_at_risk[i] >= 0) || !isfinite(t->revenue_at_risk[i]))
            return lp_h5r_fail(rd, "/nodes/revenue_at_risk[%" PRId64 "] is negative or not finite",
                               i);
    return 0;
}

/* /accounts: node (rows of /nodes), revenue, connected, key persons
 * required; bus factor (values within its cap), dominant share, threads,
 * second links when present. */
static int rd_accounts(lp_h5r *rd, lp_results_table *t, hid_t file, int extras)
{
    const int64_t a = t->a, n = t->n;
    if (rd_check_rows_of(rd, file, "/accounts/node", "/nodes") ||
        lp_h5r_node_rows(rd, &t->account_node, file, "/accounts/node", a, NULL, n, "/nodes") ||
        rd_check_distinct(rd, "/accounts/node", t->account_node, a, n) ||
        rd_whole(rd, (void **)&t->account_revenue, file, "/accounts/revenue", H5T_FLOAT,
                 H5T_NATIVE_DOUBLE, 8, a) ||
        rd_whole(rd, (void **)&t->account_connected, file, "/accounts/connected", H5T_INTEGER,
                 H5T_NATIVE_UINT8, 1, a) ||
        rd_list(rd, &t->key_persons, file, "/accounts/key_persons_offsets", "/accounts/key_persons",
                a, n, 1) < 0 ||
        (extras && (rd_list(rd, &t->second_link, file, "/accounts/second_link_offsets",
                            "/accounts/second_link", a, n, 0) < 0 ||
                    rd_whole_opt(rd, (void **)&t->dominant_share, file, "/accounts/dominant_share",
                                 H5T_FLOAT, H5T_NATIVE_DOUBLE, 8, a) < 0 ||
                    rd_whole_opt(rd, (void **)&t->threads, file, "/accounts/threads", H5T_INTEGER,
                                 H5T_NATIVE_INT32, 4, a) < 0)))
        return -1;
    for (int64_t i = 0; i < a; i++)
        if (!(t->account_revenue[i] >= 0) || !isfinite(t->account_revenue[i]))
            return lp_h5r_fail(rd, "/accounts/revenue[%" PRId64 "] is negative or not finite", i);
    for (int64_t i = 0; t->threads && i < a; i++)
        if (t->threads[i] < 0)
            return lp_h5r_fail(rd, "/accounts/threads[%" PRId64 "] is negative", i);
    int rc = rd_whole_opt(rd, (void **)&t->bus_factor, file, "/accounts/bus_factor", H5T_INTEGER,
                          H5T_NATIVE_INT32, 4, a);
    if (rc < 0) return -1;
    if (rc == 1) return 0;
    int64_t cap = 0;
    hid_t d = H5Dopen2(file, "/accounts/bus_factor", H5P_DEFAULT);
    if (d < 0) return lp_h5r_fail_h5(rd, "opening /accounts/bus_factor");
    rc = lp_h5r_attr_num(rd, &cap, H5T_NATIVE_INT64, d, "/accounts/bus_factor", "cap", 1);
    H5Dclose(d);
    if (rc) return -1;
    if (cap < 2 || cap > 1000000)
        return lp_h5r_fail(rd, "/accounts/bus_factor: cap %" PRId64 " out of range", cap);
    t->bus_factor_cap = (int32_t)cap;
    for (int64_t i = 0; i < a; i++)
        if (t->bus_factor[i] < 0 || t->bus_factor[i] > cap)
            return lp_h5r_fail(rd, "/accounts/bus_factor[%" PRId64 "] = %d is outside 0..%" PRId64,
                               i, (int)t->bus_factor[i], cap);
    return 0;
}

static int rd_scenario_table(lp_h5r *rd, lp_results_table *t, hid_t file)
{
    int64_t s = 0;
    hid_t d = -1;
    char bpath[] = "/scenarios/name_offsets";
    htri_t fixed = H5Lexists(file, "/scenarios/name", H5P_DEFAULT);
    if (fixed < 0) return lp_h5r_fail_h5(rd, "looking up /scenarios/name");
    if (fixed > 0)
        d = lp_h5r_column_open(rd, file, "/scenarios/name", H5T_STRING, &s);
    else if ((d = lp_h5r_column_open(rd, file, bpath, H5T_INTEGER, &s)) >= 0)
        s--;
    if (d < 0) return -1;
    H5Dclose(d);
    if (s < 0) return lp_h5r_fail(rd, "%s is empty", bpath);
    t->s = s;
    const hid_t I = H5T_NATIVE_INT64, F = H5T_NATIVE_DOUBLE;
    if (rd_strings(rd, &t->scenario_name, file, "/scenarios/name", s, 1) ||
        rd_whole(rd, (void **)&t->lost_accounts, file, "/scenarios/lost_accounts", H5T_INTEGER, I,
                 8, s) ||
        rd_whole(rd, (void **)&t->lost_revenue, file, "/scenarios/lost_revenue", H5T_FLOAT, F, 8,
                 s) ||
        rd_whole(rd, (void **)&t->newly_bus_factor_1, file, "/scenarios/newly_bus_factor_1",
                 H5T_INTEGER, I, 8, s) ||
        rd_whole(rd, (void **)&t->newly_at_risk_revenue, file, "/scenarios/newly_at_risk_revenue",
                 H5T_FLOAT, F, 8, s) ||
        rd_list(rd, &t->leave, file, "/scenarios/leave_offsets", "/scenarios/leave", s, t->n, 1) ||
        rd_list_accounts(rd, &t->lost, file, "/scenarios/lost_offsets", "/scenarios/lost", s,
                         t->a) ||
        rd_list_accounts(rd, &t->newly, file, "/scenarios/newly_offsets", "/scenarios/newly", s,
                         t->a))
        return -1;
    return 0;
}

lp_status lp_results_read_table(lp_results_table *out, const char *path, unsigned parts)
{
    lp_results_table t;
    memset(&t, 0, sizeof t);
    lp_h5r rd = {.path = path, .status = LP_OK};
    hid_t file = -1, sum = -1;
    char *warnings = NULL;
    if (parts == 0) parts = ~(unsigned)(LP_RT_PERSON_ROWS | LP_RT_NO_EXTRAS); /* all, whole */
    if (parts & LP_RT_SCENARIOS) parts |= LP_RT_ACCOUNTS; /* scenario lists index /accounts */

    if ((file = open_results(&rd, path)) < 0) goto done;
    t.format_version = LP_RESULTS_FORMAT_VERSION;
    int rc = lp_h5r_attr_str(&rd, &t.parameters_json, file, "/", "parameters", 0);
    if (rc < 0) goto done;
    if (rc == 1 && !(t.parameters_json = lp_h5_dup_str("{}", 2))) {
        lp_h5r_nomem(&rd, "parameters");
        goto done;
    }
    htri_t ex = H5Lexists(file, "/summary", H5P_DEFAULT);
    if (ex > 0) ex = H5Lexists(file, "/nodes", H5P_DEFAULT);
    if (ex <= 0) {
        lp_h5r_fail(&rd, "missing /summary or /nodes");
        goto done;
    }
    if ((sum = H5Gopen2(file, "/summary", H5P_DEFAULT)) < 0) {
        lp_h5r_fail_h5(&rd, "opening /summary");
        goto done;
    }
    if (lp_h5r_attr_num(&rd, &t.n, H5T_NATIVE_INT64, sum, "/summary", "nodes", 1)) goto done;
    if (t.n < 0 || t.n > LP_VID_MAX) {
        lp_h5r_fail(&rd, "/summary: node count out of range");
        goto done;
    }
    rc = lp_h5r_attr_num(&rd, &t.weak_ties_dropped, H5T_NATIVE_INT64, sum, "/summary",
                         "weak_ties_dropped", 0);
    if (rc < 0) goto done;
    t.has_weak_ties_dropped = rc == 0;
    if (lp_h5r_attr_str(&rd, &warnings, sum, "/summary", "warnings", 0) < 0 ||
        rd_json_parts(&rd, &t, warnings))
        goto done;
    if ((parts & LP_RT_NODE_STRINGS) &&
        (rd_strings(&rd, &t.node_id, file, "/nodes/id", t.n, 1) ||
         rd_strings(&rd, &t.node_name, file, "/nodes/name", t.n, 0) < 0))
        goto done;
    if ((parts & LP_RT_NODE_TYPE) && rd_strings(&rd, &t.node_type, file, "/nodes/type", t.n, 1))
        goto done;
    if ((parts & LP_RT_PERSONS) && rd_persons(&rd, &t, file)) goto done;
    if (rd_node_numbers(&rd, &t, file, parts)) goto done;
    if (parts & LP_RT_ACCOUNTS) {
        ex = H5Lexists(file, "/accounts", H5P_DEFAULT);
        if (ex < 0) {
            lp_h5r_fail_h5(&rd, "looking up /accounts");
            goto done;
        }
        if (ex > 0) {
            hid_t d = lp_h5r_column_open(&rd, file, "/accounts/node", H5T_INTEGER, &t.a);
            if (d < 0) goto done;
            H5Dclose(d);
            t.has_accounts = 1;
            if (rd_accounts(&rd, &t, file, (parts & LP_RT_NO_EXTRAS) == 0)) goto done;
        }
    }
    if (parts & LP_RT_SCENARIOS) {
        ex = H5Lexists(file, "/scenarios", H5P_DEFAULT);
        if (ex < 0) {
            lp_h5r_fail_h5(&rd, "looking up /scenarios");
            goto done;
        }
        if (ex > 0 && !t.has_accounts) {
            lp_h5r_fail(&rd, "/scenarios without /accounts");
            goto done;
        }
        if (ex > 0) {
            t.has_scenarios = 1;
            if (rd_scenario_table(&rd, &t, file)) goto done;
        }
    }
done:
    free(warnings);
    if (sum >= 0) H5Gclose(sum);
    if (file >= 0) H5Fclose(file);
    if (rd.status != LP_OK) {
        lp_results_table_free(&t);
        return rd.status;
    }
    *out = t;
    return LP_OK;
}

void lp_results_table_free(lp_results_table *t)
{
    if (!t) return;
    free(t->parameters_json);
    for (int i = 0; t->person_types && i < t->n_person_types; i++)
        free(t->person_types[i]);
    free(t->person_types);
    for (int i = 0; t->warnings && i < t->n_warnings; i++)
        free(t->warnings[i]);
    free(t->warnings);
    rstrings_free(&t->node_id);
    rstrings_free(&t->node_type);
    free(t->person);
    rstrings_free(&t->node_name);
    free(t->degree);
    free(t->accounts_at_risk);
    free(t->strength);
    free(t->pagerank);
    free(t->betweenness);
    free(t->brokerage);
    free(t->revenue_at_risk);
    free(t->is_articulation);
    free(t->account_node);
    free(t->account_revenue);
    free(t->dominant_share);
    free(t->account_connected);
    free(t->bus_factor);
    free(t->threads);
    rlist_free(&t->key_persons);
    rlist_free(&t->second_link);
    rstrings_free(&t->scenario_name);
    free(t->lost_accounts);
    free(t->newly_bus_factor_1);
    free(t->lost_revenue);
    free(t->newly_at_risk_revenue);
    rlist_accounts_free(&t->lost);
    rlist_accounts_free(&t->newly);
    rlist_free(&t->leave);
    memset(t, 0, sizeof *t);
}

int lp_results_is_person_or_default(const lp_results_table *t, lp_vid i)
{
    if (t->person) return t->person[i] != 0;
    if (t->n_person_types > 0) return lp_results_is_person(t, i);
    return strcmp(lp_rstrings_get(&t->node_type, i), LP_RESULTS_DEFAULT_PERSON) == 0;
}

int lp_results_is_person(const lp_results_table *t, lp_vid i)
{
    const char *type = lp_rstrings_get(&t->node_type, i);
    for (int k = 0; k < t->n_person_types; k++)
        if (strcmp(type, t->person_types[k]) == 0) return 1;
    return 0;
}
