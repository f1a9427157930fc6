/* export.c — flat tables from a result file read whole (lp_export.h).
 * Flattening only: every value is a column of the file or a row it points
 * to (ids and names in place of row numbers); nothing is computed. */
#include "lp_export.h"
#include "lp_alloc.h"
#include "lp_i_omp.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const ACCOUNT_COLS[] = {
    "id",      "name",           "revenue",     "connected",        "bus_factor",
    "threads", "dominant_share", "key_persons", "key_person_names", "second_links",
};
static const char *const PERSON_COLS[] = {
    "id",        "name",        "type",     "accounts_at_risk", "revenue_at_risk",
    "brokerage", "betweenness", "pagerank",
};
static const char *const SCENARIO_COLS[] = {
    "scenario",
    "leaving",
    "leaving_ids",
    "lost_accounts",
    "lost_revenue",
    "newly_bus_factor_1",
    "newly_at_risk_revenue",
};
static const char *const LOSS_COLS[] = {"scenario", "change", "id", "name", "revenue"};

#define NCOLS(c) ((int)(sizeof(c) / sizeof(c)[0]))

static void cell_node_str(lp_table_set *w, const lp_rstrings *col, int64_t row)
{
    if (!col->data) {
        lp_table_null(w);
        return;
    }
    lp_table_str(w, lp_rstrings_get(col, row), lp_rstrings_len(col, row));
}

/* A list cell of the ids (or names) of the node rows in l's row r. */
static void cell_list(lp_table_set *w, const lp_rlist *l, int64_t r, const lp_rstrings *col)
{
    if (!l->off || !col->data) {
        lp_table_null(w);
        return;
    }
    lp_table_list_begin(w);
    for (int64_t k = l->off[r]; k < l->off[r + 1]; k++) {
        lp_table_str(w, lp_rstrings_get(col, l->val[k]), lp_rstrings_len(col, l->val[k]));
    }
    lp_table_list_end(w);
}

static void cell_f64(lp_table_set *w, const double *col, int64_t i)
{
    if (col)
        lp_table_f64(w, col[i]);
    else
        lp_table_null(w);
}

static void account_row(lp_table_set *w, const lp_results_table *t, int64_t i)
{
    lp_vid v = t->account_node[i];
    cell_node_str(w, &t->node_id, v);
    cell_node_str(w, &t->node_name, v);
    lp_table_f64(w, t->account_revenue[i]);
    lp_table_i64(w, t->account_connected[i] != 0);
    if (t->bus_factor)
        lp_table_i64(w, t->bus_factor[i]);
    else
        lp_table_null(w);
    if (t->threads)
        lp_table_i64(w, t->threads[i]);
    else
        lp_table_null(w);
    cell_f64(w, t->dominant_share, i);
    cell_list(w, &t->key_persons, i, &t->node_id);
    cell_list(w, &t->key_persons, i, &t->node_name);
    cell_list(w, &t->second_link, i, &t->node_id);
    lp_table_row_end(w);
}

/* The cache line holding node row v's string in s (a macro: GCC drops a
 * call to a function that only prefetches, taking it for pure). */
#define PREFETCH_STR(s, v)                                                                         \
    do {                                                                                           \
        if ((s)->data && (s)->width)                                                               \
            __builtin_prefetch((s)->data + (size_t)(v) * (size_t)(s)->width);                      \
        else if ((s)->data)                                                                        \
            __builtin_prefetch((s)->off + (v));                                                    \
    } while (0)

/* The list cells of account row i read the ids (and names) of nodes at
 * random rows, mostly cache misses: write_rows touches them a few rows
 * ahead. */
static void account_prefetch(const lp_results_table *t, int64_t i)
{
    const lp_rlist *l[2] = {&t->key_persons, &t->second_link};
    for (int j = 0; j < 2; j++) {
        if (!l[j]->off) continue;
        for (int64_t k = l[j]->off[i]; k < l[j]->off[i + 1]; k++) {
            PREFETCH_STR(&t->node_id, l[j]->val[k]);
            PREFETCH_STR(&t->node_name, l[j]->val[k]);
        }
    }
}

static int is_person(const lp_results_table *t, lp_vid i)
{
    return lp_results_is_person_or_default(t, i);
}

static void person_row(lp_table_set *w, const lp_results_table *t, int64_t i)
{
    if (!is_person(t, i)) return;
    cell_node_str(w, &t->node_id, i);
    cell_node_str(w, &t->node_name, i);
    if (t->person) { /* the type is the person type it matched */
        int32_t k = t->person[i] - 1;
        const char *type = t->n_person_types > 0 ? t->person_types[k] : LP_RESULTS_DEFAULT_PERSON;
        lp_table_str(w, type, strlen(type));
    } else {
        cell_node_str(w, &t->node_type, i);
    }
    if (t->accounts_at_risk)
        lp_table_i64(w, t->accounts_at_risk[i]);
    else
        lp_table_null(w);
    cell_f64(w, t->revenue_at_risk, i);
    cell_f64(w, t->brokerage, i);
    cell_f64(w, t->betweenness, i);
    cell_f64(w, t->pagerank, i);
    lp_table_row_end(w);
}

/* Rows [lo, hi) of a table, row(w, t, i) each: blocks of EXPORT_BLOCK rows
 * formatted by the threads in parallel, each appended in row order as soon
 * as the blocks before it are (an ordered section: the bytes do not depend
 * on the thread count). */
#define EXPORT_BLOCK 8192
#define PREFETCH_ROWS 16 /* how far ahead pre(t, i) runs */
typedef void (*row_fn)(lp_table_set *, const lp_results_table *, int64_t);
typedef void (*prefetch_fn)(const lp_results_table *, int64_t);

/* Rows [from, to), each row(w, t, i), pre(t, i + PREFETCH_ROWS) before it
 * (pre may be NULL). */
static void rows_run(lp_table_set *w, const lp_results_table *t, int64_t from, int64_t to,
                     row_fn row, prefetch_fn pre)
{
    for (int64_t i = from; pre && i < to && i < from + PREFETCH_ROWS; i++)
        pre(t, i);
    for (int64_t i = from; i < to; i++) {
        if (pre && i + PREFETCH_ROWS < to) pre(t, i + PREFETCH_ROWS);
        row(w, t, i);
    }
}

static lp_status write_rows(lp_table_set *w, const lp_results_table *t, int64_t lo, int64_t hi,
                            row_fn row, prefetch_fn pre)
{
    int nt = lp_i_max_threads();
    const int64_t nb = (hi - lo + EXPORT_BLOCK - 1) / EXPORT_BLOCK;
    if (nt > nb) nt = (int)nb;
    if (nt <= 1) {
        rows_run(w, t, lo, hi, row, pre);
        return LP_OK;
    }
    lp_table_set **blk = lp_calloc((size_t)nt, sizeof *blk);
    if (!blk) return lp_error_nomem("export blocks");
    lp_status st = LP_OK;
    for (int k = 0; k < nt && !st; k++)
        st = lp_table_block_open(&blk[k], w);
    if (!st) {
#pragma omp parallel for schedule(static, 1) ordered num_threads(nt)
        for (int64_t b = 0; b < nb; b++) {
            lp_table_set *bk = blk[lp_i_thread_id()];
            int64_t from = lo + b * EXPORT_BLOCK, to = from + EXPORT_BLOCK;
            if (to > hi) to = hi;
            rows_run(bk, t, from, to, row, pre);
#pragma omp ordered
            {
                lp_status s1 = lp_table_block_append(w, bk);
                if (!st) st = s1;
            }
        }
    }
    for (int k = 0; k < nt; k++)
        lp_table_block_free(blk[k]);
    free(blk);
    return st;
}

static lp_status write_accounts(lp_table_set *w, const lp_results_table *t, const char *name)
{
    lp_status st = lp_table_begin(w, name, NCOLS(ACCOUNT_COLS), ACCOUNT_COLS);
    if (!st) st = write_rows(w, t, 0, t->a, account_row, account_prefetch);
    return st ? st : lp_table_end(w);
}

static lp_status write_persons(lp_table_set *w, const lp_results_table *t, const char *name)
{
    lp_status st = lp_table_begin(w, name, NCOLS(PERSON_COLS), PERSON_COLS);
    /* the persons' rows (LP_RT_PERSON_ROWS) */
    if (!st) st = write_rows(w, t, t->num_lo, t->num_hi, person_row, NULL);
    return st ? st : lp_table_end(w);
}

static lp_status write_scenarios(lp_table_set *w, const lp_results_table *t, const char *name)
{
    lp_status st = lp_table_begin(w, name, NCOLS(SCENARIO_COLS), SCENARIO_COLS);
    if (st) return st;
    for (int64_t j = 0; j < t->s; j++) {
        cell_node_str(w, &t->scenario_name, j);
        lp_table_i64(w, t->leave.off[j + 1] - t->leave.off[j]);
        cell_list(w, &t->leave, j, &t->node_id);
        lp_table_i64(w, t->lost_accounts[j]);
        lp_table_f64(w, t->lost_revenue[j]);
        lp_table_i64(w, t->newly_bus_factor_1[j]);
        lp_table_f64(w, t->newly_at_risk_revenue[j]);
        lp_table_row_end(w);
    }
    return lp_table_end(w);
}

/* One row per (scenario, account): lost_path (no path left) first, then
 * fell_to_1 (now hangs on one person), each in /accounts order. */
static lp_status write_losses(lp_table_set *w, const lp_results_table *t, const char *name)
{
    lp_status st = lp_table_begin(w, name, NCOLS(LOSS_COLS), LOSS_COLS);
    if (st) return st;
    for (int64_t j = 0; j < t->s; j++) {
        for (int kind = 0; kind < 2; kind++) {
            const lp_rlist_accounts *l = kind == 0 ? &t->lost : &t->newly;
            const char *change = kind == 0 ? "lost_path" : "fell_to_1";
            for (int64_t k = l->off[j]; k < l->off[j + 1]; k++) {
                int64_t acc = l->val[k];
                lp_vid v = t->account_node[acc];
                cell_node_str(w, &t->scenario_name, j);
                lp_table_str(w, change, strlen(change));
                cell_node_str(w, &t->node_id, v);
                cell_node_str(w, &t->node_name, v);
                lp_table_f64(w, t->account_revenue[acc]);
                lp_table_row_end(w);
            }
        }
    }
    return lp_table_end(w);
}

lp_status lp_export_write(const lp_results_table *t, const char *dir, lp_table_format fmt,
                          int64_t *out_bytes)
{
    if (!t->node_id.data || (!t->node_type.data && !t->person))
        return lp_error_set(LP_EINTERNAL, "lp_export_write: the node strings were not read");
    const char *ext = fmt == LP_TABLE_CSV ? "csv" : "jsonl";
    char acc[32], per[32], sc[32], loss[40];
    snprintf(acc, sizeof acc, "accounts.%s", ext);
    snprintf(per, sizeof per, "persons.%s", ext);
    snprintf(sc, sizeof sc, "scenarios.%s", ext);
    snprintf(loss, sizeof loss, "scenario_losses.%s", ext);
    lp_table_set *w;
    lp_status st = lp_table_set_open(&w, dir, fmt);
    if (st) return st;
    st = write_accounts(w, t, acc); /* header only without /accounts */
    if (!st) st = write_persons(w, t, per);
    if (!st && t->has_scenarios) st = write_scenarios(w, t, sc);
    if (!st && t->has_scenarios) st = write_losses(w, t, loss);
    int64_t bytes = st ? 0 : lp_table_bytes(w);
    if (st) {
        lp_table_set_discard(w);
        return st;
    }
    st = lp_table_set_commit(w);
    if (!st && !t->has_scenarios) { /* no stale tables of an earlier export beside the new ones */
        const char *stale[2] = {sc, loss};
        for (int k = 0; k < 2; k++) {
            /* no allocation: the new tables are in place, an out-of-memory
             * error now would leave them and the stale ones (a name longer
             * than PATH_MAX names no file) */
            char p[PATH_MAX];
            if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, stale[k]) >= sizeof p) continue;
            if (unlink(p) != 0 && errno != ENOENT)
                st =
                    lp_error_set(LP_EOUTPUT, "%s: cannot remove the table of an earlier export: %s",
                                 p, strerror(errno));
        }
    }
    if (!st && out_bytes) *out_bytes = bytes;
    return st;
}
