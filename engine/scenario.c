/* scenario.c — departure scenarios: which accounts a set S of leaving
 * persons cuts off from R, and which fall to bus factor 1.
 *
 * Method: local, like the bus factor itself. lp_bus_factor_paths found for
 * every account a a set of bus_factor(a) (or cap) paths to R sharing no
 * person. Any S that disconnects a meets every one of those paths; any S
 * after whose departure a single person Y disconnects a (bus factor 1 after)
 * meets all of them but at most one (Y lies on at most one, the paths being
 * disjoint in persons), so at least one when bus_factor(a) >= 2. Either way
 * S contains a person on a's paths. So the accounts a scenario can change
 * are found through an inverted index person -> accounts whose paths use
 * that person, and each such candidate is decided exactly by the bus-factor
 * search on G - S with cap 2 (lp_i_bf_one with S masked out): 0 = lost,
 * 1 = bus factor 1. Accounts off the index keep a path (and their bus
 * factor >= 2) whatever S does.
 *
 * Cost per scenario: the candidates' local searches, not the graph size; a
 * single person's scenario looks only at the accounts that person serves.
 * OpenMP over scenarios (dynamic), per-thread workspaces allocated once,
 * masks stamped with generation counters. Each scenario is computed by one
 * thread in a fixed order (candidates ascending), so results, revenue sums
 * included, do not depend on the thread count. No igraph call.
 */
#include "lp_scenario.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

#include "lp_i_busfactor.h"
#include "lp_i_omp.h"
#include "lp_i_progress.h"

/* ---- scenario sets ------------------------------------------------------- */

void lp_scenarios_free(lp_scenarios *s)
{
    if (!s) return;
    lp_strtab_free(&s->name);
    lp_strtab_free(&s->notes);
    free(s->leave_offsets);
    free(s->leave);
    memset(s, 0, sizeof *s);
}

static int cmp_vid(const void *a, const void *b)
{
    lp_vid x = *(const lp_vid *)a, y = *(const lp_vid *)b;
    return (x > y) - (x < y);
}

lp_status lp_scenarios_add(lp_scenarios *s, const lp_graph *g, const char *name, size_t len,
                           const lp_vid *rows, int64_t k)
{
    for (int64_t j = 0; j < k; j++)
        if (rows[j] < 0 || rows[j] >= g->n || !(g->role[rows[j]] & LP_ROLE_PERSON))
            return lp_error_set(LP_EINTERNAL, "scenario: row %lld is not a person",
                                (long long)rows[j]);
    if (s->count + 2 > s->cap) {
        int64_t nc = s->cap ? 2 * s->cap : 16;
        int64_t *no = lp_realloc(s->leave_offsets, (size_t)nc * sizeof *no);
        if (!no) return lp_error_nomem("scenarios");
        if (!s->leave_offsets) no[0] = 0;
        s->leave_offsets = no;
        s->cap = nc;
    }
    int64_t base = s->leave_offsets[s->count];
    if (base + k > s->leave_cap) {
        int64_t nc = s->leave_cap ? 2 * s->leave_cap : 64;
        while (nc < base + k)
            nc *= 2;
        lp_vid *nl = lp_realloc(s->leave, (size_t)nc * sizeof *nl);
        if (!nl) return lp_error_nomem("scenarios");
        s->leave = nl;
        s->leave_cap = nc;
    }
    lp_status st = lp_strtab_push(&s->name, name, len);
    if (st) return st;
    lp_vid *dst = s->leave + base;
    if (k > 0) memcpy(dst, rows, (size_t)k * sizeof *dst);
    qsort(dst, (size_t)k, sizeof *dst, cmp_vid);
    int64_t u = 0;
    for (int64_t j = 0; j < k; j++)
        if (u == 0 || dst[j] != dst[u - 1]) dst[u++] = dst[j];
    s->leave_offsets[++s->count] = base + u;
    return LP_OK;
}

int64_t lp_scenario_expand(const lp_graph *g, lp_vid v, lp_vid *out)
{
    if (g->role[v] & LP_ROLE_PERSON) {
        out[0] = v;
        return 1;
    }
    const lp_csr *c = &g->csr;
    int64_t k = 0;
    for (int64_t e = c->offset[v]; e < c->offset[v + 1]; e++) /* adj is ascending */
        if (g->role[c->adj[e]] & LP_ROLE_PERSON) out[k++] = c->adj[e];
    return k;
}

/* ---- running them -------------------------------------------------------- */

void lp_scenario_result_free(lp_scenario_result *r)
{
    if (!r) return;
    free(r->lost_accounts);
    free(r->lost_revenue);
    free(r->newly_bus_factor_1);
    free(r->newly_at_risk_revenue);
    free(r->lost_offsets);
    free(r->lost);
    free(r->newly_offsets);
    free(r->newly);
    memset(r, 0, sizeof *r);
}

/* One thread's state: masks, the candidate list and the account rows found
 * per scenario, appended as (scenario, n_lost, n_newly, rows...). */
typedef struct sc_ws {
    uint32_t *removed; /* [n] == gen: leaves in the current scenario */
    uint32_t *is_cand; /* [na] == gen: already a candidate */
    int64_t *cand;     /* [na] */
    uint32_t gen;
    int64_t *rec;
    int64_t rec_len, rec_cap;
    int failed;
} sc_ws;

static int rec_reserve(sc_ws *w, int64_t extra)
{
    if (w->rec_len + extra <= w->rec_cap) return 0;
    int64_t nc = w->rec_cap ? 2 * w->rec_cap : 4096;
    while (nc < w->rec_len + extra)
        nc *= 2;
    int64_t *nr = lp_realloc(w->rec, (size_t)nc * sizeof *nr);
    if (!nr) return -1;
    w->rec = nr;
    w->rec_cap = nc;
    return 0;
}

/* Inverted index: for person p, the accounts (ascending) whose paths use p:
 * acc[off[p] .. off[p+1]). */
static lp_status build_index(int64_t **out_off, int64_t **out_acc, int64_t n, int64_t na,
                             const int64_t *path_offsets, const lp_vid *path_persons)
{
    int64_t *off = lp_calloc((size_t)n + 2, sizeof *off);
    int64_t *acc = lp_malloc(((size_t)path_offsets[na] + 1) * sizeof *acc);
    if (!off || !acc) {
        free(off);
        free(acc);
        return lp_error_nomem("scenario index");
    }
    for (int64_t k = 0; k < path_offsets[na]; k++)
        off[path_persons[k] + 2]++;
    for (int64_t p = 0; p < n; p++)
        off[p + 2] += off[p + 1];
    for (int64_t i = 0; i < na; i++) /* off[p + 1] is p's next free slot */
        for (int64_t k = path_offsets[i]; k < path_offsets[i + 1]; k++)
            acc[off[path_persons[k] + 1]++] = i;
    *out_off = off;
    *out_acc = acc;
    return LP_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Scenario j on thread t: fills the counts and appends the rows. */
static void run_one(sc_ws *w, lp_i_bf *bf, int t, int64_t j, lp_scenario_result *r,
                    const lp_keyperson *kp, const int32_t *bus_factor, const int64_t *ix_off,
                    const int64_t *ix_acc, const lp_scenarios *sc, int64_t na, int64_t n)
{
    if (++w->gen == 0) {
        memset(w->removed, 0, (size_t)n * sizeof *w->removed);
        memset(w->is_cand, 0, (size_t)na * sizeof *w->is_cand);
        w->gen = 1;
    }
    int64_t nc = 0;
    for (int64_t k = sc->leave_offsets[j]; k < sc->leave_offsets[j + 1]; k++)
        w->removed[sc->leave[k]] = w->gen;
    for (int64_t k = sc->leave_offsets[j]; k < sc->leave_offsets[j + 1]; k++) {
        lp_vid p = sc->leave[k];
        for (int64_t q = ix_off[p]; q < ix_off[p + 1]; q++)
            if (w->is_cand[ix_acc[q]] != w->gen) {
                w->is_cand[ix_acc[q]] = w->gen;
                w->cand[nc++] = ix_acc[q];
            }
    }
    qsort(w->cand, (size_t)nc, sizeof *w->cand, cmp_i64);
    if (rec_reserve(w, 3 + nc)) {
        w->failed = 1;
        return;
    }
    /* Lost rows go forward from the record's start, newly rows backward
     * from its end; then the newly rows are put back in ascending order. */
    int64_t *row = w->rec + w->rec_len + 3;
    int64_t lost = 0, newly = 0;
    double lost_rev = 0, newly_rev = 0;
    for (int64_t q = 0; q < nc; q++) {
        int64_t i = w->cand[q];
        if (bus_factor[i] < 1) continue;
        int32_t after = lp_i_bf_one(bf, t, kp->account_node[i], 2, w->removed, w->gen);
        if (after == 0) {
            row[lost++] = i;
            lost_rev += kp->account_revenue[i];
        } else if (after == 1 && bus_factor[i] >= 2) {
            row[nc - 1 - newly++] = i;
            newly_rev += kp->account_revenue[i];
        }
    }
    for (int64_t q = 0; q < newly / 2; q++) { /* reverse in place, then close the gap */
        int64_t tmp = row[nc - newly + q];
        row[nc - newly + q] = row[nc - 1 - q];
        row[nc - 1 - q] = tmp;
    }
    if (newly > 0) memmove(row + lost, row + nc - newly, (size_t)newly * sizeof *row);
    w->rec[w->rec_len] = j;
    w->rec[w->rec_len + 1] = lost;
    w->rec[w->rec_len + 2] = newly;
    w->rec_len += 3 + lost + newly;
    r->lost_accounts[j] = lost;
    r->lost_revenue[j] = lost_rev;
    r->newly_bus_factor_1[j] = newly;
    r->newly_at_risk_revenue[j] = newly_rev;
}

/* Gather the per-thread records into the two CSR lists, scenario order. */
static lp_status gather(lp_scenario_result *r, const sc_ws *ws, int nt)
{
    int64_t m = r->count;
    r->lost_offsets = lp_calloc((size_t)m + 1, sizeof *r->lost_offsets);
    r->newly_offsets = lp_calloc((size_t)m + 1, sizeof *r->newly_offsets);
    if (!r->lost_offsets || !r->newly_offsets) return lp_error_nomem("scenario results");
    for (int64_t j = 0; j < m; j++) {
        r->lost_offsets[j + 1] = r->lost_offsets[j] + r->lost_accounts[j];
        r->newly_offsets[j + 1] = r->newly_offsets[j] + r->newly_bus_factor_1[j];
    }
    r->lost = lp_malloc(((size_t)r->lost_offsets[m] + 1) * sizeof *r->lost);
    r->newly = lp_malloc(((size_t)r->newly_offsets[m] + 1) * sizeof *r->newly);
    if (!r->lost || !r->newly) return lp_error_nomem("scenario results");
    for (int t = 0; t < nt; t++)
        for (int64_t p = 0; p < ws[t].rec_len; p += 3 + ws[t].rec[p + 1] + ws[t].rec[p + 2]) {
            int64_t j = ws[t].rec[p], lost = ws[t].rec[p + 1], newly = ws[t].rec[p + 2];
            memcpy(r->lost + r->lost_offsets[j], ws[t].rec + p + 3, (size_t)lost * sizeof *r->lost);
            memcpy(r->newly + r->newly_offsets[j], ws[t].rec + p + 3 + lost,
                   (size_t)newly * sizeof *r->newly);
        }
    return LP_OK;
}

static const void *ws_part(const void *ctx, int t, int64_t *bytes)
{
    const sc_ws *ws = ctx;
    *bytes = ws[t].rec_len * (int64_t)sizeof *ws[t].rec;
    return ws[t].rec;
}

/* With other ranks: every rank's records (all its threads') into one, in
 * rank order, and the counts and revenues of every scenario recomputed
 * from the rows, in the order run_one adds them (ascending rows), so the
 * doubles are those of a single process. */
static lp_status share(sc_ws *all, lp_scenario_result *r, const sc_ws *ws, int nt,
                       const lp_keyperson *kp, const lp_dist *d)
{
    void *buf = NULL;
    int64_t bytes = 0;
    lp_status st = lp_dist_gather_parts(d, nt, ws_part, ws, "scenario results", &buf, &bytes);
    if (st) return st;
    all->rec = buf;
    all->rec_len = all->rec_cap = bytes / (int64_t)sizeof *all->rec;
    for (int64_t p = 0; p < all->rec_len; p += 3 + all->rec[p + 1] + all->rec[p + 2]) {
        int64_t j = all->rec[p], lost = all->rec[p + 1], newly = all->rec[p + 2];
        double lost_rev = 0, newly_rev = 0;
        for (int64_t q = 0; q < lost; q++)
            lost_rev += kp->account_revenue[all->rec[p + 3 + q]];
        for (int64_t q = 0; q < newly; q++)
            newly_rev += kp->account_revenue[all->rec[p + 3 + lost + q]];
        r->lost_accounts[j] = lost;
        r->lost_revenue[j] = lost_rev;
        r->newly_bus_factor_1[j] = newly;
        r->newly_at_risk_revenue[j] = newly_rev;
    }
    return LP_OK;
}

lp_status lp_scenarios_run(lp_scenario_result *out, const lp_graph *g, const lp_keyperson *kp,
                           const int32_t *bus_factor, const int64_t *path_offsets,
                           const lp_vid *path_persons, const lp_scenarios *sc)
{
    return lp_scenarios_run_dist(out, g, kp, bus_factor, path_offsets, path_persons, sc, NULL);
}

lp_status lp_scenarios_run_dist(lp_scenario_result *out, const lp_graph *g, const lp_keyperson *kp,
                                const int32_t *bus_factor, const int64_t *path_offsets,
                                const lp_vid *path_persons, const lp_scenarios *sc,
                                const lp_dist *dist)
{
    const int64_t n = g->n, na = kp->n_accounts, m = sc->count;
    for (int64_t k = 0; m > 0 && k < sc->leave_offsets[m]; k++)
        if (sc->leave[k] < 0 || sc->leave[k] >= n)
            return lp_error_set(LP_EINTERNAL, "scenarios: row out of range");
    lp_scenario_result r;
    memset(&r, 0, sizeof r);
    r.count = m;
    const int parallel = m >= 2;
    const int nt = parallel ? lp_i_max_threads() : 1;
    int64_t *ix_off = NULL, *ix_acc = NULL;
    lp_i_bf *bf = NULL;
    sc_ws *ws = lp_calloc((size_t)nt, sizeof *ws);
    lp_status st = LP_OK;
    r.lost_accounts = lp_malloc(((size_t)m + 1) * sizeof *r.lost_accounts);
    r.lost_revenue = lp_malloc(((size_t)m + 1) * sizeof *r.lost_revenue);
    r.newly_bus_factor_1 = lp_malloc(((size_t)m + 1) * sizeof *r.newly_bus_factor_1);
    r.newly_at_risk_revenue = lp_malloc(((size_t)m + 1) * sizeof *r.newly_at_risk_revenue);
    if (!ws || !r.lost_accounts || !r.lost_revenue || !r.newly_bus_factor_1 ||
        !r.newly_at_risk_revenue) {
        st = lp_error_nomem("scenarios");
        goto done;
    }
    if ((st = build_index(&ix_off, &ix_acc, n, na, path_offsets, path_persons)) ||
        (st = lp_i_bf_init(&bf, g, nt)))
        goto done;
    for (int t = 0; t < nt; t++) {
        ws[t].removed = lp_calloc((size_t)n + 1, sizeof *ws[t].removed);
        ws[t].is_cand = lp_calloc((size_t)na + 1, sizeof *ws[t].is_cand);
        ws[t].cand = lp_malloc(((size_t)na + 1) * sizeof *ws[t].cand);
        if (!ws[t].removed || !ws[t].is_cand || !ws[t].cand) {
            st = lp_error_nomem("scenario workspaces");
            goto done;
        }
    }

    lp_i_ticker tick;
    lp_i_tick_begin(&tick, "scenarios", m);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (parallel)
    for (int64_t j = 0; j < m; j++) {
        if (!lp_dist_mine(dist, j)) continue; /* scenario j is rank j mod P's */
        int t = lp_i_thread_id();
        if (!ws[t].failed) run_one(&ws[t], bf, t, j, &r, kp, bus_factor, ix_off, ix_acc, sc, na, n);
        lp_i_tick(&tick, 1);
    }
    lp_i_tick_end(&tick);

    for (int t = 0; t < nt; t++)
        if (ws[t].failed) st = lp_error_nomem("scenario results");
    if (!st && lp_i_bf_failed(bf)) st = lp_error_nomem("scenario searches");
    if (!st && dist && dist->size > 1) {
        sc_ws all;
        memset(&all, 0, sizeof all);
        st = share(&all, &r, ws, nt, kp, dist);
        if (!st) st = gather(&r, &all, 1);
        free(all.rec);
    } else if (!st) {
        st = gather(&r, ws, nt);
    }

done:
    for (int t = 0; ws && t < nt; t++) {
        free(ws[t].removed);
        free(ws[t].is_cand);
        free(ws[t].cand);
        free(ws[t].rec);
    }
    free(ws);
    free(ix_off);
    free(ix_acc);
    lp_i_bf_free(bf);
    if (st) {
        lp_scenario_result_free(&r);
        return st;
    }
    *out = r;
    return LP_OK;
}
