/* results_write.c — the HDF5 result file ("linchpin-results",
 * format_version 2): the atomic writer (the reader is results_read.c; the
 * format and what makes it safe to read are in lp_results.h and
 * docs/results-format.md).
 *
 * Writing: a temporary `.<basename>.tmp-XXXXXX` in the target directory
 * (h5common.c: temporary file, rename, the "sink" driver that keeps a failed
 * close from crashing HDF5), root attributes, /nodes, /accounts,
 * /scenarios, /summary and /summary/timings, close, fsync, rename onto the
 * target. Any failure before the rename unlinks the temporary.
 *
 * What goes where is the table of columns below: each row names a dataset,
 * its element type, its length (per node, account or scenario), the
 * lp_analysis field holding it and, optionally, the function that attaches
 * its attributes. A NULL field is an absent dataset. Adding a column of
 * lp_analysis is one row.
 *
 * Streaming (lp_results_stream, the sink of lp_analyze): the same writer,
 * run in pieces. Each column row names the lp_analysis_part it belongs to;
 * begin creates the temporary file and /nodes, each part is checked
 * (check_part, as the whole write checks it) and its rows written (the
 * ACCOUNTS part: /accounts and /scenarios whole), and finish writes the
 * rest with the parts done skipped: root attributes, /nodes/id, type and
 * name, whatever was not streamed, /summary. Same datasets, attributes,
 * types, chunks and filters as the whole write; only the creation order
 * differs. The file is renamed onto the target only by finish.
 *
 * Attributes beyond the table:
 *  - /nodes/pagerank@iterations (int64);
 *  - /nodes/betweenness@method ("exact" or "sampled"), samples (int64),
 *    epsilon, delta (float64), seed (uint64) — 0 meaning "not applicable"
 *    for exact — and, when sampled, vertex_diameter (the bound that set the
 *    sample size; samples is 0 only when it is < 3: no shortest path has an
 *    interior vertex, every value is 0);
 *  - /accounts/bus_factor@cap (int32).
 * Rankings (/summary/top_persons, top_brokers, top_betweenness) are refused
 * (LP_EINTERNAL) when given without the column they rank, with rows out of
 * range, or (brokers, betweenness) with a value not > 0 or an order other
 * than value desc, then row asc.
 *
 * HDF5 handles: start at -1, one cleanup label per function, the valid ones
 * closed in reverse order.
 */
#include "lp_results.h"
#include "lp_alloc.h"
#include "lp_i_h5.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <igraph.h>

#include "lp_progress.h"
#include "lp_text.h"

#ifndef LP_VERSION
#define LP_VERSION "unknown"
#endif

/* ---- JSON text -------------------------------------------------------- */

typedef struct lp_i_json {
    char *p;
    size_t len, cap;
    int oom;
} lp_i_json;

/* Room for extra more bytes and a NUL; sets oom on failure. */
static int json_reserve(lp_i_json *j, size_t extra)
{
    if (j->oom) return -1;
    if (j->len + extra + 1 > j->cap) {
        size_t nc = j->cap ? j->cap : 256;
        while (nc < j->len + extra + 1)
            nc *= 2;
        char *q = lp_realloc(j->p, nc);
        if (!q) {
            j->oom = 1;
            return -1;
        }
        j->p = q;
        j->cap = nc;
    }
    return 0;
}

static void json_put(lp_i_json *j, const char *s, size_t len)
{
    if (json_reserve(j, len)) return;
    memcpy(j->p + j->len, s, len);
    j->len += len;
    j->p[j->len] = '\0';
}

static void json_puts(lp_i_json *j, const char *s)
{
    json_put(j, s, strlen(s));
}

/* A JSON string literal (lp_text_json: control characters escaped,
 * invalid UTF-8 repaired to U+FFFD). */
static void json_str(lp_i_json *j, const char *s)
{
    size_t len = strlen(s);
    if (json_reserve(j, LP_TEXT_JSON_MAX(len))) return;
    j->len += lp_text_json(j->p + j->len, s, len);
    j->p[j->len] = '\0';
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

/* ---- the table of columns ---------------------------------------------- */

/* Element types of the columns. HDF5's type ids are run-time values, so the
 * table names the type and h5_types() maps it. COL_VID: node rows, lp_vid in
 * memory and int64 in the file (HDF5 widens them as it writes), so the
 * file's format does not depend on the engine's vertex type. */
typedef enum col_type { COL_U8, COL_I32, COL_I64, COL_F64, COL_VID } col_type;
_Static_assert(sizeof(lp_vid) == sizeof(int32_t), "COL_VID's memory type is NATIVE_INT32");

/* How a column's chunks are deflated (the filters are the same: shuffle,
 * deflate level LP_H5_DEFLATE, Fletcher-32; see h5chunkw.c). RUNS: zlib's
 * Z_RLE strategy, for values whose shuffled bytes are runs (high bytes)
 * and noise (low bytes) — measures, counts, flags, unsorted rows: 2-4
 * times less CPU than a match search, and as small or smaller. MATCHES:
 * the default strategy, for ascending sequences (offsets, sorted rows) and
 * text, whose repeats lie at longer distances (Z_RLE would make them 1.5 to
 * 7 times larger). Measured on the L graph (bench/README.md, "Results
 * write: deflate by column"). */
typedef enum col_pack { RUNS = 1, MATCHES = 0 } col_pack;

/* How long a column is: one element per node, per account or per
 * scenario. */
typedef enum col_len { PER_NODE, PER_ACCOUNT, PER_SCENARIO } col_len;

/* One dataset of the file: path, element type, length, where its array
 * lies in an lp_analysis (offsetof of the pointer) and, optionally, a
 * function that attaches its attributes. Absent from the file when the
 * pointer is NULL, unless the column is part of its group (part = 1: the
 * key-person columns, present whenever the analysis ran, empty when there
 * are no rows). */
typedef struct column {
    const char *path;
    col_type type;
    col_len len;
    size_t field;
    int (*attrs)(lp_h5w *w, hid_t dset, const lp_analysis *a);
    int part;
    col_pack pack;
    int of; /* the lp_analysis_part it belongs to (a streamed write writes it then) */
} column;

/* A list per row (CSR): offsets [rows + 1] and the values they index,
 * which are rows of the table rows_of: "/nodes" (values lp_vid, COL_VID)
 * or "/accounts" (values int64, COL_I64). */
typedef struct list_column {
    const char *offsets_path, *values_path;
    col_len len;
    size_t offsets, values; /* offsetof the int64 offsets and of the values */
    const char *rows_of;
    col_type values_type; /* COL_VID or COL_I64, as rows_of says */
    int optional;         /* absent when the offsets are NULL (else NULL means no rows) */
} list_column;

static int attrs_pagerank(lp_h5w *w, hid_t dset, const lp_analysis *a);
static int attrs_rows_of_nodes(lp_h5w *w, hid_t dset, const lp_analysis *a);
static int attrs_betweenness(lp_h5w *w, hid_t dset, const lp_analysis *a);
static int attrs_bus_factor(lp_h5w *w, hid_t dset, const lp_analysis *a);

#define FIELD(member) offsetof(lp_analysis, member)
#define KP(member) offsetof(lp_analysis, keyperson.member)
#define SC(member) offsetof(lp_analysis, scenarios.member)

/* /nodes, after /nodes/id and /nodes/type (and /nodes/name), in this order. */
static const column NODE_COLUMNS[] = {
    {"/nodes/degree", COL_I64, PER_NODE, FIELD(degree), NULL, 0, RUNS, LP_PART_DEGREE},
    {"/nodes/strength", COL_F64, PER_NODE, FIELD(strength), NULL, 0, RUNS, LP_PART_STRENGTH},
    {"/nodes/pagerank", COL_F64, PER_NODE, FIELD(pagerank), attrs_pagerank, 0, RUNS,
     LP_PART_PAGERANK},
    {"/nodes/betweenness", COL_F64, PER_NODE, FIELD(betweenness), attrs_betweenness, 0, RUNS,
     LP_PART_BETWEENNESS},
    {"/nodes/brokerage", COL_F64, PER_NODE, FIELD(brokerage), NULL, 0, RUNS, LP_PART_BROKERAGE},
    {"/nodes/is_articulation", COL_U8, PER_NODE, KP(is_articulation), NULL, 1, RUNS,
     LP_PART_ACCOUNTS},
    {"/nodes/accounts_at_risk", COL_I64, PER_NODE, KP(accounts_at_risk), NULL, 1, RUNS,
     LP_PART_ACCOUNTS},
    {"/nodes/revenue_at_risk", COL_F64, PER_NODE, KP(revenue_at_risk), NULL, 1, RUNS,
     LP_PART_ACCOUNTS},
};

/* /accounts (when the key-person analysis ran). */
static const column ACCOUNT_COLUMNS[] = {
    {"/accounts/node", COL_VID, PER_ACCOUNT, KP(account_node), attrs_rows_of_nodes, 1, MATCHES,
     LP_PART_ACCOUNTS},
    {"/accounts/revenue", COL_F64, PER_ACCOUNT, KP(account_revenue), NULL, 1, RUNS,
     LP_PART_ACCOUNTS},
    {"/accounts/connected", COL_U8, PER_ACCOUNT, KP(account_connected), NULL, 1, RUNS,
     LP_PART_ACCOUNTS},
};
static const list_column ACCOUNT_LISTS[] = {
    {"/accounts/key_persons_offsets", "/accounts/key_persons", PER_ACCOUNT, KP(key_persons_offsets),
     KP(key_persons), "/nodes", COL_VID, 0},
};
static const list_column SECOND_LINKS[] = {
    {"/accounts/second_link_offsets", "/accounts/second_link", PER_ACCOUNT,
     FIELD(second_link_offsets), FIELD(second_link), "/nodes", COL_VID, 1},
};
static const column ACCOUNT_COLUMNS_AFTER_LISTS[] = {
    {"/accounts/bus_factor", COL_I32, PER_ACCOUNT, FIELD(bus_factor), attrs_bus_factor, 0, RUNS,
     LP_PART_ACCOUNTS},
    {"/accounts/dominant_share", COL_F64, PER_ACCOUNT, FIELD(dominant_share), NULL, 0, RUNS,
     LP_PART_ACCOUNTS},
    {"/accounts/threads", COL_I32, PER_ACCOUNT, FIELD(threads), NULL, 0, RUNS, LP_PART_ACCOUNTS},
};

/* /scenarios (when scenarios ran), after name, leave_offsets and leave,
 * which come from the borrowed scenario set. */
static const column SCENARIO_COLUMNS[] = {
    {"/scenarios/lost_accounts", COL_I64, PER_SCENARIO, SC(lost_accounts), NULL, 0, RUNS,
     LP_PART_ACCOUNTS},
    {"/scenarios/lost_revenue", COL_F64, PER_SCENARIO, SC(lost_revenue), NULL, 0, RUNS,
     LP_PART_ACCOUNTS},
    {"/scenarios/newly_bus_factor_1", COL_I64, PER_SCENARIO, SC(newly_bus_factor_1), NULL, 0, RUNS,
     LP_PART_ACCOUNTS},
    {"/scenarios/newly_at_risk_revenue", COL_F64, PER_SCENARIO, SC(newly_at_risk_revenue), NULL, 0,
     RUNS, LP_PART_ACCOUNTS},
};
static const list_column SCENARIO_LISTS[] = {
    {"/scenarios/lost_offsets", "/scenarios/lost", PER_SCENARIO, SC(lost_offsets), SC(lost),
     "/accounts", COL_I64, 0},
    {"/scenarios/newly_offsets", "/scenarios/newly", PER_SCENARIO, SC(newly_offsets), SC(newly),
     "/accounts", COL_I64, 0},
};

/* /summary/<name>: rows into /nodes (lp_vid, int64 in the file), by rank
 * (written when the list and the column it ranks are both present). */
typedef struct ranking {
    const char *path;
    size_t rows, count, ranked; /* offsetof rows, count and the ranked column */
    int of;                     /* the part of the ranked column */
} ranking;
static const ranking RANKINGS[] = {
    {"/summary/top_persons", FIELD(top_persons), FIELD(n_top_persons), KP(revenue_at_risk),
     LP_PART_ACCOUNTS},
    {"/summary/top_brokers", FIELD(top_brokers), FIELD(n_top_brokers), FIELD(brokerage),
     LP_PART_BROKERAGE},
    {"/summary/top_betweenness", FIELD(top_betweenness), FIELD(n_top_betweenness),
     FIELD(betweenness), LP_PART_BETWEENNESS},
};

#define COUNT_OF(t) (sizeof(t) / sizeof(t)[0])

static const void *field_ptr(const lp_analysis *a, size_t field)
{
    const void *p;
    memcpy(&p, (const char *)a + field, sizeof p);
    return p;
}

static int64_t field_i64(const lp_analysis *a, size_t field)
{
    int64_t v;
    memcpy(&v, (const char *)a + field, sizeof v);
    return v;
}

static int64_t rows_of(const lp_analysis *a, col_len len)
{
    switch (len) {
    case PER_NODE:
        return a->n;
    case PER_ACCOUNT:
        return a->keyperson.n_accounts;
    case PER_SCENARIO:
        return a->scenarios.count;
    }
    return 0;
}

static void h5_types(col_type t, hid_t *ftype, hid_t *mtype)
{
    *ftype = *mtype = -1;
    switch (t) {
    case COL_U8:
        *ftype = H5T_STD_U8LE, *mtype = H5T_NATIVE_UINT8;
        return;
    case COL_I32:
        *ftype = H5T_STD_I32LE, *mtype = H5T_NATIVE_INT32;
        return;
    case COL_I64:
        *ftype = H5T_STD_I64LE, *mtype = H5T_NATIVE_INT64;
        return;
    case COL_F64:
        *ftype = H5T_IEEE_F64LE, *mtype = H5T_NATIVE_DOUBLE;
        return;
    case COL_VID:
        *ftype = H5T_STD_I64LE, *mtype = H5T_NATIVE_INT32;
        return;
    }
}

/* ---- validation (before anything is created) -------------------------- */

static lp_status bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static lp_status bad(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lp_error_set(LP_EINTERNAL, "lp_results_write: %s", msg);
}

/* rows[0..len) in [0, n): node rows (check_rows) or account rows
 * (check_rows_i64). */
static lp_status check_rows(const lp_vid *rows, int64_t len, int64_t n, const char *what)
{
    for (int64_t i = 0; i < len; i++)
        if (rows[i] < 0 || rows[i] >= n)
            return bad("%s[%" PRId64 "] = %" PRId64 " is not a row (%" PRId64 " rows)", what, i,
                       (int64_t)rows[i], n);
    return LP_OK;
}

static lp_status check_rows_i64(const int64_t *rows, int64_t len, int64_t n, const char *what)
{
    for (int64_t i = 0; i < len; i++)
        if (rows[i] < 0 || rows[i] >= n)
            return bad("%s[%" PRId64 "] = %" PRId64 " is not a row (%" PRId64 " rows)", what, i,
                       rows[i], n);
    return LP_OK;
}

/* CSR offsets: start at 0, never decrease; values (lp_vid for COL_VID,
 * else int64) rows in [0, n). */
static lp_status check_list(const int64_t *off, int64_t count, const void *values, col_type type,
                            int64_t n, const char *what)
{
    if (!off || off[0] != 0) return bad("%s: offsets missing or not starting at 0", what);
    for (int64_t j = 0; j < count; j++)
        if (off[j + 1] < off[j]) return bad("%s: offsets not monotone", what);
    if (off[count] > 0 && !values) return bad("%s: values missing", what);
    return type == COL_VID ? check_rows(values, off[count], n, what)
                           : check_rows_i64(values, off[count], n, what);
}

static lp_status check_keyperson(const lp_analysis *a)
{
    const lp_keyperson *kp = &a->keyperson;
    if (kp->n != a->n) return bad("keyperson.n differs from the graph's node count");
    if (!kp->accounts_at_risk || !kp->revenue_at_risk)
        return bad("key-person node columns missing");
    int64_t na = kp->n_accounts;
    if (na < 0) return bad("negative keyperson.n_accounts");
    if (na > 0 && (!kp->account_node || !kp->account_revenue || !kp->account_connected))
        return bad("key-person account columns missing");
    lp_status st = check_rows(kp->account_node, na, a->n, "keyperson.account_node");
    if (!st)
        st = check_list(kp->key_persons_offsets, na, kp->key_persons, COL_VID, a->n, "key_persons");
    return st;
}

/* A ranking: rows with value > 0, by value desc then row asc. */
static lp_status check_ranking(const lp_analysis *a, const ranking *rk, int has_kp)
{
    const lp_vid *rows = field_ptr(a, rk->rows);
    int64_t len = field_i64(a, rk->count);
    const double *value = field_ptr(a, rk->ranked);
    if (len < 0 || (len > 0 && !rows)) return bad("%s missing", rk->path);
    if (!rows) return LP_OK;
    if (!value || (rk->ranked == KP(revenue_at_risk) && !has_kp))
        return bad("%s given without the column it ranks", rk->path);
    lp_status st = check_rows(rows, len, a->n, rk->path);
    if (st || rk->ranked == KP(revenue_at_risk)) return st; /* persons: ties by count, row */
    for (int64_t i = 0; i < len; i++) {
        double v = value[rows[i]];
        if (!(v > 0))
            return bad("%s[%" PRId64 "] = %" PRId64 " has value %g, not > 0", rk->path, i,
                       (int64_t)rows[i], v);
        if (i > 0) {
            double u = value[rows[i - 1]];
            if (v > u || (v == u && rows[i] <= rows[i - 1]))
                return bad("%s not ordered by value desc, row asc at %" PRId64, rk->path, i);
        }
    }
    return LP_OK;
}

static lp_status check_centrality(const lp_analysis *a)
{
    if (a->betweenness) {
        if (a->betweenness_mode != LP_BW_EXACT && a->betweenness_mode != LP_BW_SAMPLED)
            return bad("betweenness_mode is not exact or sampled");
        if (a->betweenness_mode == LP_BW_SAMPLED) {
            double e = a->sampling.epsilon, d = a->sampling.delta;
            if (!(e > 0 && e < 1) || !(d > 0 && d < 1))
                return bad("sampled betweenness needs 0 < epsilon < 1 and 0 < delta < 1");
            if (a->sampling_done.samples < 0 || a->sampling_done.vertex_diameter < 0)
                return bad("negative samples or vertex_diameter");
            if (a->sampling_done.samples == 0 && a->sampling_done.vertex_diameter >= 3)
                return bad("sampled betweenness without samples");
        }
    }
    if (a->pagerank && a->pagerank_iterations < 0) return bad("negative pagerank_iterations");
    return LP_OK;
}

static lp_status check_scenarios(const lp_analysis *a, int has_kp)
{
    const lp_scenarios *set = a->scenario_set;
    const lp_scenario_result *sr = &a->scenarios;
    if (!set) return sr->count ? bad("scenario results without scenario_set") : LP_OK;
    if (!has_kp) return bad("scenarios need the key-person analysis");
    int64_t m = set->count, na = a->keyperson.n_accounts;
    if (sr->count != m || set->name.count != m) return bad("scenario counts differ");
    if (m == 0) return LP_OK;
    for (int64_t j = 0; j < m; j++)
        if (sr->lost_offsets[j + 1] - sr->lost_offsets[j] != sr->lost_accounts[j] ||
            sr->newly_offsets[j + 1] - sr->newly_offsets[j] != sr->newly_bus_factor_1[j])
            return bad("scenario counts and lists differ");
    const int64_t *lo = set->leave_offsets;
    if (!lo || lo[0] != 0) return bad("scenario leave: offsets missing or not starting at 0");
    for (int64_t j = 0; j < m; j++)
        if (lo[j + 1] < lo[j]) return bad("scenario leave: offsets not monotone");
    if (lo[m] > 0 && !set->leave) return bad("scenario leave: values missing");
    for (int64_t k = 0; k < lo[m]; k++)
        if (set->leave[k] < 0 || set->leave[k] >= a->n)
            return bad("scenario leave row out of range");
    lp_status st = check_list(sr->lost_offsets, m, sr->lost, COL_I64, na, "scenario lost");
    if (!st) st = check_list(sr->newly_offsets, m, sr->newly, COL_I64, na, "scenario newly");
    return st;
}

static lp_status check_timings(const lp_analysis *a)
{
    if (a->n_timings < 0 || a->n_timings > LP_MAX_PHASES) return bad("timing count out of range");
    for (int i = 0; i < a->n_timings; i++) {
        const char *p = a->timings[i].phase;
        double s = a->timings[i].seconds;
        if (!p || !p[0]) return bad("timing without a phase name");
        if (strcmp(p, "write") == 0) return bad("timing phase \"write\" is measured by the writer");
        if (!(s >= 0) || !isfinite(s)) return bad("timing '%s' is not a duration", p);
        for (int j = 0; j < i; j++)
            if (strcmp(p, a->timings[j].phase) == 0) return bad("timing '%s' given twice", p);
    }
    return LP_OK;
}

static lp_status check_info(const lp_run_info *info)
{
    if (info->n_inputs < 0 || (info->n_inputs > 0 && !info->inputs)) return bad("inputs missing");
    for (int i = 0; i < info->n_inputs; i++)
        if (!info->inputs[i].path) return bad("input file without a path");
    if (info->skipped_rows < 0) return bad("negative skipped_rows");
    return LP_OK;
}

#define PART(p) (1u << (p))

/* The graph's tables the writer reads (before anything is created). */
static lp_status check_graph(const lp_graph *g)
{
    int64_t n = g->n;
    if (g->nodes.id.count != n) return bad("node id table does not match g->n");
    if (g->nodes.has_name && g->nodes.name.count != n)
        return bad("node name table does not match g->n");
    for (int64_t i = 0; i < n; i++)
        if (g->nodes.type[i] < 0 || g->nodes.type[i] >= g->nodes.type_name.count)
            return bad("node type index out of range");
    return LP_OK;
}

/* The columns of one part of a (and the rankings of its columns). */
static lp_status check_part(const lp_analysis *a, int part)
{
    int has_kp = a->keyperson.is_articulation != NULL;
    lp_status st = LP_OK;
    for (size_t k = 0; k < COUNT_OF(RANKINGS); k++)
        if (RANKINGS[k].of == part && (st = check_ranking(a, &RANKINGS[k], has_kp))) return st;
    switch (part) {
    case LP_PART_ACCOUNTS:
        if (has_kp && (st = check_keyperson(a))) return st;
        if (!has_kp && (a->bus_factor || a->dominant_share || a->threads || a->second_link_offsets))
            return bad("account columns given without the key-person analysis");
        if (a->second_link_offsets &&
            (st = check_list(a->second_link_offsets, a->keyperson.n_accounts, a->second_link,
                             COL_VID, a->n, "second_link")))
            return st;
        if (a->bus_factor) {
            if (a->bus_factor_cap < 2) return bad("bus_factor_cap below 2");
            for (int64_t i = 0; i < a->keyperson.n_accounts; i++)
                if (a->bus_factor[i] < 0 || a->bus_factor[i] > a->bus_factor_cap)
                    return bad("bus_factor outside [0, cap]");
            if (!a->bus_factor_histogram) return bad("bus_factor_histogram missing");
        }
        return check_scenarios(a, has_kp);
    case LP_PART_BETWEENNESS:
    case LP_PART_PAGERANK:
        return check_centrality(a);
    }
    return LP_OK;
}

/* Everything lp_results_write needs, except the parts in done (checked and
 * written already by a stream). */
static lp_status check_results(const char *path, const lp_graph *g, const lp_analysis *a,
                               const lp_run_info *info, unsigned done)
{
    if (!path || !g || !a || !info) return bad("path, graph, analysis and run info are required");
    if (a->n != g->n)
        return bad("the analysis has %" PRId64 " nodes, the graph %" PRId64, a->n, g->n);
    lp_status st;
    if (!done && (st = check_graph(g))) return st;
    for (int p = 0; p < LP_N_PARTS; p++)
        if (!(done & PART(p)) && (st = check_part(a, p))) return st;
    if ((st = check_timings(a))) return st;
    return check_info(info);
}

/* ---- string columns ----------------------------------------------------- */

/* Fixed-length strings cost n * longest bytes before compression; beyond
 * this many times the strings' own bytes (plus 1 MiB), a column is written
 * as a byte blob instead, so one very long id cannot blow the file up. */
#define LP_FIXED_STR_SLACK 4
#define LP_STR_BLOCK_BYTES ((int64_t)4 << 20) /* buffer of one write, at most */

static const char *str_at(const lp_strtab *tab, const int32_t *map, int64_t i)
{
    return lp_strtab_get(tab, map ? map[i] : i);
}

/* Fixed-length strings of width bytes: element i of a column in the file. */
typedef struct fixed_src {
    const lp_strtab *tab;
    const int32_t *map;
    size_t width;
} fixed_src;

static void fill_fixed(const void *ctx, int64_t start, int64_t count, unsigned char *dst)
{
    const fixed_src *src = ctx;
    memset(dst, 0, (size_t)count * src->width);
    for (int64_t k = 0; k < count; k++) {
        const char *str = str_at(src->tab, src->map, start + k);
        memcpy(dst + (size_t)k * src->width, str, strlen(str));
    }
}

/* `path` as fixed-length UTF-8 strings of `width` bytes, NUL-padded:
 * through lp_h5w_column_chunks (chunks of at most LP_STR_BLOCK_BYTES), or,
 * with the test hook lp_i_h5w_hdf5_filters, H5Dwrite of one chunk of rows
 * at a time. */
static int write_strings_fixed(lp_h5w *w, hid_t file, const char *path, int64_t len,
                               const lp_strtab *tab, const int32_t *map, size_t width)
{
    hid_t type = -1, dset = -1, fspace = -1, mspace = -1;
    char *buf = NULL;
    int rc = -1;
    int64_t block = LP_STR_BLOCK_BYTES / (int64_t)width;
    if (block < 1) block = 1;
    if (block > LP_H5_CHUNK) block = LP_H5_CHUNK;
    if (block > len) block = len > 0 ? len : 1;
    lp_h5w_colopt opt = LP_H5W_COLOPT_INIT;
    opt.chunk = block;
    opt.shuffle = 0;
    if ((type = H5Tcopy(H5T_C_S1)) < 0 || H5Tset_size(type, width) < 0 ||
        H5Tset_strpad(type, H5T_STR_NULLPAD) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        lp_h5w_fail_h5(w, "string type of %s", path);
        goto done;
    }
    if ((dset = lp_h5w_column_create_opt(w, file, path, type, len, &opt)) < 0) goto done;
    if (len == 0) {
        rc = 0;
        goto done;
    }
    if (!lp_i_h5w_hdf5_filters) {
        fixed_src src = {tab, map, width};
        rc = lp_h5w_column_chunks(w, dset, path, &opt, width, len, NULL, fill_fixed, &src);
        goto done;
    }
    if (!(buf = lp_malloc((size_t)block * width))) {
        lp_h5w_fail_nomem(w, "string column");
        goto done;
    }
    hsize_t mdims[1] = {(hsize_t)block}, zero[1] = {0};
    if ((fspace = H5Dget_space(dset)) < 0 || (mspace = H5Screate_simple(1, mdims, NULL)) < 0) {
        lp_h5w_fail_h5(w, "writing %s", path);
        goto done;
    }
    for (int64_t start = 0; start < len && !w->io_err; start += block) {
        int64_t cnt = len - start < block ? len - start : block;
        hsize_t off[1] = {(hsize_t)start}, count[1] = {(hsize_t)cnt};
        memset(buf, 0, (size_t)cnt * width);
        for (int64_t k = 0; k < cnt; k++) {
            const char *str = str_at(tab, map, start + k);
            memcpy(buf + (size_t)k * width, str, strlen(str));
        }
        if (H5Sselect_hyperslab(mspace, H5S_SELECT_SET, zero, NULL, count, NULL) < 0 ||
            H5Sselect_hyperslab(fspace, H5S_SELECT_SET, off, NULL, count, NULL) < 0 ||
            H5Dwrite(dset, type, mspace, fspace, H5P_DEFAULT, buf) < 0) {
            lp_h5w_fail_h5(w, "writing %s", path);
            goto done;
        }
    }
    rc = w->io_err ? -1 : 0; /* io_err is the reason */
done:
    free(buf);
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    if (dset >= 0) H5Dclose(dset);
    if (type >= 0) H5Tclose(type);
    return rc;
}

/* `path`_bytes (every string's bytes and a NUL, back to back) and
 * `path`_offsets [len + 1] (string i starts at offsets[i]). */
static int write_strings_blob(lp_h5w *w, hid_t file, const char *path, int64_t len,
                              const lp_strtab *tab, const int32_t *map, int64_t total)
{
    char bytes_path[256], offsets_path[256];
    snprintf(bytes_path, sizeof bytes_path, "%s_bytes", path);
    snprintf(offsets_path, sizeof offsets_path, "%s_offsets", path);
    char *bytes = lp_malloc((size_t)total + 1);
    int64_t *off = lp_malloc(((size_t)len + 1) * sizeof *off);
    int rc = -1;
    if (!bytes || !off) {
        lp_h5w_fail_nomem(w, "string column");
        goto done;
    }
    off[0] = 0;
    for (int64_t i = 0; i < len; i++) {
        const char *str = str_at(tab, map, i);
        size_t l = strlen(str) + 1;
        memcpy(bytes + off[i], str, l);
        off[i + 1] = off[i] + (int64_t)l;
    }
    rc = lp_h5w_column_num(w, file, bytes_path, H5T_STD_U8LE, H5T_NATIVE_UINT8, total, bytes,
                           MATCHES) ||
                 lp_h5w_column_num(w, file, offsets_path, H5T_STD_I64LE, H5T_NATIVE_INT64, len + 1,
                                   off, MATCHES)
             ? -1
             : 0;
done:
    free(bytes);
    free(off);
    return rc;
}

/* String column: element i is lp_strtab_get(tab, map ? map[i] : i). Fixed
 * length (one call in h5py: .asstr()[...]) unless that would cost more than
 * LP_FIXED_STR_SLACK times the strings' bytes; then a blob. */
static int write_strings(lp_h5w *w, hid_t file, const char *path, int64_t len, const lp_strtab *tab,
                         const int32_t *map)
{
    size_t width = 1;
    int64_t total = 0; /* bytes with one NUL each */
    /* a pass over millions of strings: on every thread (reads only) */
#pragma omp parallel for schedule(static) reduction(max : width) reduction(+ : total) if (len > 100000)
    for (int64_t i = 0; i < len; i++) {
        size_t l = strlen(str_at(tab, map, i));
        if (l > width) width = l;
        total += (int64_t)l + 1;
    }
    if ((double)width * (double)len <= LP_FIXED_STR_SLACK * (double)total + (1 << 20))
        return write_strings_fixed(w, file, path, len, tab, map, width);
    return write_strings_blob(w, file, path, len, tab, map, total);
}

/* ---- the parts of the file -------------------------------------------- */

/* Column c, unless its part is in done (written already). */
static int write_column(lp_h5w *w, hid_t file, const lp_analysis *a, const column *c, unsigned done)
{
    if (done & PART(c->of)) return 0;
    const void *data = field_ptr(a, c->field);
    if (!data && (!c->part || !a->keyperson.is_articulation)) return 0;
    hid_t ftype, mtype, dset = -1;
    h5_types(c->type, &ftype, &mtype);
    int rc = -1;
    if (lp_h5w_column_num(w, file, c->path, ftype, mtype, rows_of(a, c->len), data, c->pack))
        goto done;
    if (c->attrs && ((dset = lp_h5w_column_reopen(w, file, c->path)) < 0 || c->attrs(w, dset, a)))
        goto done;
    rc = 0;
done:
    if (dset >= 0) H5Dclose(dset);
    return rc;
}

/* A column of node rows outside the table of columns (scenario leavers,
 * rankings): lp_vid in memory, int64 in the file. */
static int write_node_rows(lp_h5w *w, hid_t file, const char *path, int64_t len, const lp_vid *rows)
{
    hid_t ftype, mtype;
    h5_types(COL_VID, &ftype, &mtype);
    return lp_h5w_column_num(w, file, path, ftype, mtype, len, rows, RUNS);
}

/* The columns c[0..k) of the parts in want that are not in done. */
static int write_columns(lp_h5w *w, hid_t file, const lp_analysis *a, const column *c, size_t k,
                         unsigned want, unsigned done)
{
    for (size_t i = 0; i < k; i++)
        if ((want & PART(c[i].of)) && (write_column(w, file, a, &c[i], done) || w->io_err))
            return -1;
    return 0;
}
#define ALL_PARTS (PART(LP_N_PARTS) - 1u)

/* Attribute rows_of = the table an index column points into. */
static int attr_rows_of(lp_h5w *w, hid_t file, const char *path, const char *table)
{
    hid_t dset = lp_h5w_column_reopen(w, file, path);
    if (dset < 0) return -1;
    int rc = lp_h5w_attr_str_fixed(w, dset, "rows_of", table);
    H5Dclose(dset);
    return rc;
}

static int attrs_rows_of_nodes(lp_h5w *w, hid_t dset, const lp_analysis *a)
{
    (void)a;
    return lp_h5w_attr_str_fixed(w, dset, "rows_of", "/nodes");
}

static int write_lists(lp_h5w *w, hid_t file, const lp_analysis *a, const list_column *l, size_t k)
{
    static const int64_t zero = 0;
    for (size_t i = 0; i < k; i++) {
        int64_t rows = rows_of(a, l[i].len);
        const int64_t *off = field_ptr(a, l[i].offsets);
        const void *val = field_ptr(a, l[i].values);
        if (!off && l[i].optional) continue;
        if (!off) off = &zero; /* no rows: offsets [0] */
        hid_t vftype, vmtype;
        h5_types(l[i].values_type, &vftype, &vmtype);
        if (lp_h5w_column_num(w, file, l[i].offsets_path, H5T_STD_I64LE, H5T_NATIVE_INT64, rows + 1,
                              off, MATCHES) ||
            lp_h5w_column_num(w, file, l[i].values_path, vftype, vmtype, off[rows], val, RUNS) ||
            attr_rows_of(w, file, l[i].values_path, l[i].rows_of))
            return -1;
    }
    return 0;
}

static int attrs_pagerank(lp_h5w *w, hid_t dset, const lp_analysis *a)
{
    return lp_h5w_attr_i64(w, dset, "iterations", a->pagerank_iterations);
}

/* method, samples, epsilon, delta, seed (0 = not applicable, for exact)
 * and, when sampled, vertex_diameter. */
static int attrs_betweenness(lp_h5w *w, hid_t dset, const lp_analysis *a)
{
    int sampled = a->betweenness_mode == LP_BW_SAMPLED;
    return lp_h5w_attr_str_fixed(w, dset, "method", sampled ? "sampled" : "exact") ||
           lp_h5w_attr_i64(w, dset, "samples", sampled ? a->sampling_done.samples : 0) ||
           lp_h5w_attr_f64(w, dset, "epsilon", sampled ? a->sampling.epsilon : 0) ||
           lp_h5w_attr_f64(w, dset, "delta", sampled ? a->sampling.delta : 0) ||
           lp_h5w_attr_u64(w, dset, "seed", sampled ? a->sampling.seed : 0) ||
           (sampled &&
            lp_h5w_attr_i64(w, dset, "vertex_diameter", a->sampling_done.vertex_diameter));
}

static int attrs_bus_factor(lp_h5w *w, hid_t dset, const lp_analysis *a)
{
    return lp_h5w_attr_i32(w, dset, "cap", a->bus_factor_cap);
}

static int write_root(lp_h5w *w, hid_t file, const lp_run_info *info)
{
    char created[32], h5ver[48];
    const char *igver = "";
    int ma = 0, mi = 0, pa = 0;
    unsigned hma = 0, hmi = 0, hre = 0;
    lp_i_json in = {.p = NULL, .len = 0, .cap = 0, .oom = 0};
    int rc = -1;

    lp_h5_now_iso8601(created, sizeof created);
    igraph_version(&igver, &ma, &mi, &pa);
    H5get_libversion(&hma, &hmi, &hre);
    snprintf(h5ver, sizeof h5ver, "%u.%u.%u", hma, hmi, hre);
    json_input_files(&in, info->inputs, info->n_inputs);
    if (in.oom) {
        lp_h5w_fail_nomem(w, "input_files JSON");
        goto done;
    }
    if (lp_h5w_attr_str_fixed(w, file, "format", LP_RESULTS_FORMAT) ||
        lp_h5w_attr_i32(w, file, "format_version", LP_RESULTS_FORMAT_VERSION) ||
        lp_h5w_attr_str_fixed(w, file, "linchpin_version", LP_VERSION) ||
        lp_h5w_attr_str_fixed(w, file, "igraph_version", igver) ||
        lp_h5w_attr_str_fixed(w, file, "hdf5_version", h5ver) ||
        lp_h5w_attr_str_fixed(w, file, "created", created) ||
        lp_h5w_attr_str_fixed(w, file, "command_line",
                              info->command_line ? info->command_line : "") ||
        lp_h5w_attr_i32(w, file, "threads", info->threads) ||
        lp_h5w_attr_str_fixed(w, file, "parameters",
                              info->parameters_json ? info->parameters_json : "{}") ||
        lp_h5w_attr_str_fixed(w, file, "input_files", in.p))
        goto done;
    rc = 0;
done:
    free(in.p);
    return rc;
}

/* /nodes (created unless a stream did: have_group) and its columns not in
 * done. */
static int write_nodes(lp_h5w *w, hid_t file, const lp_graph *g, const lp_analysis *a,
                       unsigned done, int have_group)
{
    hid_t grp = -1;
    int rc = -1;
    if ((!have_group && lp_h5w_group(w, &grp, file, "/nodes", H5P_DEFAULT)) ||
        write_strings(w, file, "/nodes/id", g->n, &g->nodes.id, NULL) ||
        write_strings(w, file, "/nodes/type", g->n, &g->nodes.type_name, g->nodes.type) ||
        (g->nodes.has_name && write_strings(w, file, "/nodes/name", g->n, &g->nodes.name, NULL)) ||
        write_columns(w, file, a, NODE_COLUMNS, COUNT_OF(NODE_COLUMNS), ALL_PARTS, done))
        goto done;
    rc = 0;
done:
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

static int write_accounts(lp_h5w *w, hid_t file, const lp_analysis *a)
{
    hid_t grp = -1;
    int rc = -1;
    if (lp_h5w_group(w, &grp, file, "/accounts", H5P_DEFAULT) ||
        write_columns(w, file, a, ACCOUNT_COLUMNS, COUNT_OF(ACCOUNT_COLUMNS), ALL_PARTS, 0) ||
        write_lists(w, file, a, ACCOUNT_LISTS, COUNT_OF(ACCOUNT_LISTS)) ||
        write_columns(w, file, a, ACCOUNT_COLUMNS_AFTER_LISTS,
                      COUNT_OF(ACCOUNT_COLUMNS_AFTER_LISTS), ALL_PARTS, 0) ||
        write_lists(w, file, a, SECOND_LINKS, COUNT_OF(SECOND_LINKS)))
        goto done;
    rc = 0;
done:
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

static int write_scenarios(lp_h5w *w, hid_t file, const lp_analysis *a)
{
    const lp_scenarios *set = a->scenario_set;
    int64_t m = set->count;
    hid_t grp = -1;
    int rc = -1;
    static const int64_t zero = 0;
    const int64_t *leave_off = m ? set->leave_offsets : &zero;
    if (lp_h5w_group(w, &grp, file, "/scenarios", H5P_DEFAULT) ||
        write_strings(w, file, "/scenarios/name", m, &set->name, NULL) ||
        lp_h5w_column_num(w, file, "/scenarios/leave_offsets", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          m + 1, leave_off, MATCHES) ||
        write_node_rows(w, file, "/scenarios/leave", leave_off[m], set->leave) ||
        attr_rows_of(w, file, "/scenarios/leave", "/nodes") ||
        write_columns(w, file, a, SCENARIO_COLUMNS, COUNT_OF(SCENARIO_COLUMNS), ALL_PARTS, 0) ||
        write_lists(w, file, a, SCENARIO_LISTS, COUNT_OF(SCENARIO_LISTS)))
        goto done;
    rc = 0;
done:
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

/* /summary and /summary/timings; "write" is the last thing written. */
static int write_summary(lp_h5w *w, hid_t file, const lp_graph *g, const lp_analysis *a,
                         const lp_run_info *info, double t0, int has_kp, int has_bf)
{
    const lp_keyperson *kp = &a->keyperson;
    hid_t grp = -1, gcpl = -1, tim = -1;
    int rc = -1;
    if (lp_h5w_group(w, &grp, file, "/summary", H5P_DEFAULT)) goto done;
    if (lp_h5w_attr_i64(w, grp, "nodes", g->n) || lp_h5w_attr_i64(w, grp, "edges", g->m) ||
        lp_h5w_attr_i64(w, grp, "merged_duplicates", g->merged_duplicates) ||
        lp_h5w_attr_i64(w, grp, "dropped_self_loops", g->dropped_self_loops) ||
        lp_h5w_attr_i64(w, grp, "skipped_rows", info->skipped_rows) ||
        lp_h5w_attr_i64(w, grp, "weak_ties_dropped", a->weak_ties_dropped))
        goto done;
    if (has_kp &&
        (lp_h5w_attr_i64(w, grp, "accounts", kp->n_accounts) ||
         lp_h5w_attr_i64(w, grp, "orphan_accounts", kp->orphan_accounts) ||
         lp_h5w_attr_i64(w, grp, "accounts_with_key_person", kp->accounts_with_key_person) ||
         lp_h5w_attr_i64(w, grp, "articulation_points", kp->n_articulation) ||
         lp_h5w_attr_f64(w, grp, "revenue_total", kp->revenue_total) ||
         lp_h5w_attr_f64(w, grp, "revenue_with_key_person", kp->revenue_with_key_person) ||
         lp_h5w_attr_f64(w, grp, "revenue_orphan", kp->revenue_orphan)))
        goto done;
    for (size_t k = 0; k < COUNT_OF(RANKINGS); k++) {
        const lp_vid *rows = field_ptr(a, RANKINGS[k].rows);
        if (rows &&
            (write_node_rows(w, file, RANKINGS[k].path, field_i64(a, RANKINGS[k].count), rows) ||
             attr_rows_of(w, file, RANKINGS[k].path, "/nodes")))
            goto done;
    }
    lp_i_json wj = {.p = NULL, .len = 0, .cap = 0, .oom = 0};
    json_put(&wj, "[", 1);
    for (int64_t i = 0; i < a->warnings.count; i++) {
        if (i) json_put(&wj, ",", 1);
        json_str(&wj, lp_strtab_get(&a->warnings, i));
    }
    json_put(&wj, "]", 1);
    int bad_json =
        wj.oom ? lp_h5w_fail_nomem(w, "warnings") : lp_h5w_attr_str_fixed(w, grp, "warnings", wj.p);
    free(wj.p);
    if (bad_json) goto done;
    if (has_bf &&
        lp_h5w_column_num(w, file, "/summary/bus_factor_histogram", H5T_STD_I64LE, H5T_NATIVE_INT64,
                          a->bus_factor_cap + 1, a->bus_factor_histogram, RUNS))
        goto done;

    if ((gcpl = H5Pcreate(H5P_GROUP_CREATE)) < 0 ||
        H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0) {
        lp_h5w_fail_h5(w, "creating group /summary/timings");
        goto done;
    }
    if (lp_h5w_group(w, &tim, file, "/summary/timings", gcpl)) goto done;
    for (int i = 0; i < a->n_timings; i++)
        if (lp_h5w_attr_f64(w, tim, a->timings[i].phase, a->timings[i].seconds)) goto done;
    double write_s = lp_clock_seconds() - t0;
    if (lp_h5w_attr_f64(w, tim, "write", write_s > 0 ? write_s : 0)) goto done;
    rc = 0;
done:
    if (tim >= 0) H5Gclose(tim);
    if (gcpl >= 0) H5Pclose(gcpl);
    if (grp >= 0) H5Gclose(grp);
    return rc;
}

/* ---- lp_results_write and the stream ------------------------------------ */

struct lp_results_stream {
    lp_h5w w;
    char *path;
    const lp_graph *g;
    unsigned done; /* parts written */
    int has_kp;    /* the ACCOUNTS part had the key-person analysis */
    int has_bf;    /* and the bus factor */
    int open;      /* w is a file being written (not ended yet) */
    int streaming; /* begin made the file and /nodes */
    double seconds;
};

/* Write everything of a not in s->done, close and rename (lp_h5w_end). */
static lp_status write_rest(lp_results_stream *s, const lp_analysis *a, const lp_run_info *info,
                            double t0)
{
    lp_h5w *w = &s->w;
    hid_t file = w->file;
    unsigned done = s->done;
    int streamed = (done & PART(LP_PART_ACCOUNTS)) != 0;
    int has_kp = streamed ? s->has_kp : a->keyperson.is_articulation != NULL;
    int has_bf = streamed ? s->has_bf : a->bus_factor != NULL;
    int with_accounts = !(done & PART(LP_PART_ACCOUNTS)) && a->keyperson.is_articulation;
    int with_scenarios = !(done & PART(LP_PART_ACCOUNTS)) && a->scenario_set;
    /* Stop at the first part after an I/O failure: the rest would be dropped. */
    int ok = !(write_root(w, file, info) || w->io_err ||
               write_nodes(w, file, s->g, a, done, s->streaming) || w->io_err ||
               (with_accounts && write_accounts(w, file, a)) || w->io_err ||
               (with_scenarios && write_scenarios(w, file, a)) || w->io_err ||
               write_summary(w, file, s->g, a, info, t0, has_kp, has_bf));
    s->open = 0;
    return lp_h5w_end(w, s->path, ok);
}

lp_status lp_results_write(const char *path, const lp_graph *g, const lp_analysis *a,
                           const lp_run_info *info)
{
    double t0 = lp_clock_seconds();
    lp_status st = check_results(path, g, a, info, 0);
    if (st) return st;
    lp_results_stream s;
    memset(&s, 0, sizeof s);
    s.path = (char *)path;
    s.g = g;
    lp_h5w_fileopt fopt = LP_H5W_FILEOPT_INIT;
    fopt.checksummed_metadata = 1;
    if (lp_h5w_begin_opt(&s.w, path, &fopt)) return lp_h5w_end(&s.w, path, 0);
    return write_rest(&s, a, info, t0);
}

void lp_results_stream_free(lp_results_stream *s)
{
    if (!s) return;
    if (s->open) { /* unlinks the temporary, keeping the message of what failed */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", lp_error_message());
        (void)lp_h5w_end(&s->w, s->path, 0);
        lp_error_set(LP_EINTERNAL, "%s", msg);
    }
    free(s->path);
    free(s);
}

lp_status lp_results_stream_begin(lp_results_stream **out, const char *path, const lp_graph *g)
{
    double t0 = lp_clock_seconds();
    if (!path || !g) return bad("path and graph are required");
    lp_status st = check_graph(g);
    if (st) return st;
    lp_results_stream *s = lp_calloc(1, sizeof *s);
    if (!s || !(s->path = lp_strdup(path))) {
        free(s);
        return lp_error_nomem("result file");
    }
    s->g = g;
    lp_h5w_fileopt fopt = LP_H5W_FILEOPT_INIT;
    fopt.checksummed_metadata = 1;
    int ok = !lp_h5w_begin_opt(&s->w, path, &fopt);
    s->open = 1;
    hid_t grp = -1;
    if (ok) ok = !lp_h5w_group(&s->w, &grp, s->w.file, "/nodes", H5P_DEFAULT);
    s->streaming = 1;
    if (grp >= 0) H5Gclose(grp);
    if (!ok) {
        s->open = 0;
        st = lp_h5w_end(&s->w, path, 0);
        lp_results_stream_free(s);
        return st;
    }
    s->seconds = lp_clock_seconds() - t0;
    *out = s;
    return LP_OK;
}

lp_status lp_results_stream_part(void *ctx, const lp_analysis *a, lp_analysis_part part)
{
    lp_results_stream *s = ctx;
    double t0 = lp_clock_seconds();
    if (!s->open) return bad("the stream is closed");
    if (part < 0 || part >= LP_N_PARTS || (s->done & PART(part)))
        return bad("part %d given twice or unknown", (int)part);
    if (a->n != s->g->n)
        return bad("the analysis has %" PRId64 " nodes, the graph %" PRId64, a->n, s->g->n);
    lp_status st = check_part(a, part);
    if (st) return st;
    lp_h5w *w = &s->w;
    hid_t file = w->file;
    int fail = write_columns(w, file, a, NODE_COLUMNS, COUNT_OF(NODE_COLUMNS), PART(part), 0);
    if (!fail && part == LP_PART_ACCOUNTS) {
        s->has_kp = a->keyperson.is_articulation != NULL;
        s->has_bf = a->bus_factor != NULL;
        fail = (s->has_kp && write_accounts(w, file, a)) || w->io_err ||
               (a->scenario_set && write_scenarios(w, file, a));
    }
    s->seconds += lp_clock_seconds() - t0;
    if (fail || w->io_err) { /* the reason is in w: end the file now to get it */
        s->open = 0;
        st = lp_h5w_end(w, s->path, 0);
        return st ? st : bad("writing part %d failed", (int)part);
    }
    s->done |= PART(part);
    return LP_OK;
}

double lp_results_stream_seconds(const lp_results_stream *s)
{
    return s->seconds;
}

lp_status lp_results_stream_finish(lp_results_stream *s, const lp_analysis *a,
                                   const lp_run_info *info)
{
    double t0 = lp_clock_seconds();
    if (!s->open) return bad("the stream is closed");
    unsigned sunk = a ? a->sunk : 0;
    if ((sunk & ~s->done) != 0) return bad("a part was handed to another sink");
    lp_status st = check_results(s->path, s->g, a, info, s->done);
    if (st) return st;
    lp_status r = write_rest(s, a, info, t0 - s->seconds);
    s->seconds += lp_clock_seconds() - t0;
    return r;
}
