/* secondlink.c — second links: for every account with bus factor 1, the
 * persons who would lift it to bus factor 2 or more with one new tie, best
 * first (docs/metrics.md "Second links").
 *
 * Which persons qualify. The key persons K(a) of an account a are a chain
 * k1, k2, ..., kt, nearest first, and each separates the previous one from
 * R, so every path from any of them to R passes kt, the outermost. Hence a
 * person p keeps a path to R once all of K(a) are gone exactly when kt does
 * not cut p off from R, i.e. p has a path to R, p is not in K(a) and the
 * outermost key person of p (lp_keyperson.outer_key_person: the end of p's
 * own chain) is not kt. A new tie p–a then gives a a second path to R that
 * avoids every single person of K(a), so its bus factor becomes >= 2 (it
 * cannot fall: a tie only adds paths). No flow computation is needed.
 *
 * Ranking: hop distance from a to p in the graph without R (shorter first:
 * the key person's teammates before strangers), then fewer accounts at risk
 * (spread the load), then lower row; persons not reachable from a without R
 * come last in the same order. Per account: a breadth-first search from a,
 * level by level, stopped after the level in which the K-th candidate
 * appears; each level's candidates are sorted by (accounts at risk, row).
 * If a's component holds fewer than K candidates, the rest come from a
 * global list of all persons sorted by (accounts at risk, row), skipping
 * those the search reached.
 *
 * Cost: per account, the nodes within the distance of its K-th candidate
 * (usually the team: distance 3). Parallel over accounts (OpenMP, dynamic);
 * each thread has its own visited bitmap (one bit a node, cleared through
 * the queue after each search: it stays in the cache where an n-sized
 * array of stamps missed on nearly every arc) and queue, allocated before
 * the region; the roles are read from a bitmap of the persons for the same
 * reason. The global list is a counting sort on the accounts at risk.
 * Every account's answer depends only on the graph, so the result does not
 * depend on the thread count. No igraph calls.
 */
#include "lp_secondlink.h"
#include "lp_alloc.h"

#include <stdlib.h>
#include <string.h>

#include "lp_i_omp.h"

typedef struct cand {
    int64_t at_risk;
    lp_vid row;
} cand;

static int cand_cmp(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->at_risk != b->at_risk) return a->at_risk < b->at_risk ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

static inline int bit_get(const uint64_t *b, lp_vid v)
{
    return (int)((b[v >> 6] >> (v & 63)) & 1u);
}

/* Whether person p may be a second link of an account whose key persons
 * are kps[0..nk) (outermost last). person: bitmap of the persons. */
static int qualifies(const uint64_t *person, const lp_keyperson *kp, lp_vid p, const lp_vid *kps,
                     int64_t nk)
{
    if (!bit_get(person, p)) return 0;
    lp_vid outer = kp->outer_key_person[p];
    if (outer == -2 || outer == kps[nk - 1]) return 0;
    for (int64_t j = 0; j < nk; j++)
        if (kps[j] == p) return 0;
    return 1;
}

/* Per-thread scratch. */
typedef struct work {
    uint64_t *seen; /* [n bits] visited in the current search; cleared after it */
    lp_vid *queue;  /* [n] */
    cand *level;    /* [n] the candidates of one level */
} work;

/* Up to k suggestions for account node a (key persons kps[0..nk)) into
 * out; returns how many. */
static int64_t suggest(const lp_graph *g, const uint64_t *person, const lp_keyperson *kp, lp_vid a,
                       const lp_vid *kps, int64_t nk, int64_t k, const lp_vid *by_risk,
                       int64_t n_persons, work *w, lp_vid *out)
{
    const lp_csr *c = &g->csr;
    uint64_t *seen = w->seen;
    int64_t found = 0, head = 0, tail = 0;
    seen[a >> 6] |= (uint64_t)1 << (a & 63);
    w->queue[tail++] = a;
    while (head < tail && found < k) {
        /* One level: queue[head, level_end). Its candidates first; its
         * neighbours (the next level) only if they are still needed. */
        int64_t level_end = tail, nc = 0;
        for (int64_t j = head; j < level_end; j++) {
            lp_vid v = w->queue[j];
            if (v != a && qualifies(person, kp, v, kps, nk))
                w->level[nc++] = (cand){.at_risk = kp->accounts_at_risk[v], .row = v};
        }
        if (nc > 1) qsort(w->level, (size_t)nc, sizeof *w->level, cand_cmp);
        for (int64_t j = 0; j < nc && found < k; j++)
            out[found++] = w->level[j].row;
        if (found == k) break;
        for (; head < level_end; head++) {
            lp_vid v = w->queue[head];
            for (int64_t e = c->offset[v]; e < c->offset[v + 1]; e++) {
                lp_vid x = c->adj[e];
                uint64_t m = (uint64_t)1 << (x & 63);
                if (seen[x >> 6] & m) continue;
                seen[x >> 6] |= m;
                w->queue[tail++] = x;
            }
        }
    }
    /* Fewer than k in a's component: persons it cannot reach, by risk. */
    if (found < k && head >= tail)
        for (int64_t j = 0; j < n_persons && found < k; j++) {
            lp_vid p = by_risk[j];
            if (!bit_get(seen, p) && qualifies(person, kp, p, kps, nk)) out[found++] = p;
        }
    for (int64_t j = 0; j < tail; j++) /* the search's marks, for the next one */
        seen[w->queue[j] >> 6] &= ~((uint64_t)1 << (w->queue[j] & 63));
    return found;
}

lp_status lp_second_links(int64_t **out_offsets, lp_vid **out_links, const lp_graph *g,
                          const lp_keyperson *kp, const int32_t *bus_factor, int32_t k)
{
    return lp_second_links_dist(out_offsets, out_links, g, kp, bus_factor, k, NULL);
}

lp_status lp_second_links_dist(int64_t **out_offsets, lp_vid **out_links, const lp_graph *g,
                               const lp_keyperson *kp, const int32_t *bus_factor, int32_t k,
                               const lp_dist *dist)
{
    const lp_vid n = g->csr.n;
    const int64_t na = kp->n_accounts;
    if (k < 1) return lp_error_set(LP_EUSAGE, "second links: the count must be at least 1");
    int nt = lp_i_max_threads();
    lp_status st = LP_OK;
    int64_t *offsets = lp_calloc((size_t)na + 1, sizeof *offsets);
    /* zeroed: with other ranks, the slots of their accounts are summed in */
    lp_vid *slots = lp_calloc((size_t)na * (size_t)k + 1, sizeof *slots);
    lp_vid *by_risk = NULL; /* the persons by (accounts at risk, row) */
    int64_t *bucket = NULL;
    work *ws = lp_calloc((size_t)nt, sizeof *ws);
    const int64_t words = ((int64_t)n + 63) / 64;
    uint64_t *person = lp_malloc(((size_t)words + 1) * sizeof *person);
    lp_vid *links = NULL;
    if (!offsets || !slots || !ws || !person) {
        st = lp_error_nomem("second links");
        goto done;
    }
    for (int t = 0; t < nt; t++) {
        ws[t].seen = lp_calloc((size_t)words + 1, sizeof *ws[t].seen);
        ws[t].queue = lp_malloc(((size_t)n + 1) * sizeof *ws[t].queue);
        ws[t].level = lp_malloc(((size_t)n + 1) * sizeof *ws[t].level);
        if (!ws[t].seen || !ws[t].queue || !ws[t].level) {
            st = lp_error_nomem("second links workspace");
            goto done;
        }
    }
    /* the roles as one bit a node: the search tests every node it reaches,
     * and 1/8 of the bytes stays in the cache */
#pragma omp parallel for schedule(static) if (n >= LP_PARALLEL_MIN)
    for (int64_t i = 0; i < words; i++) {
        uint64_t x = 0;
        lp_vid hi = (lp_vid)(i * 64 + 64 < n ? i * 64 + 64 : n);
        for (lp_vid v = (lp_vid)(i * 64); v < hi; v++)
            if (g->role[v] & LP_ROLE_PERSON) x |= (uint64_t)1 << (v & 63);
        person[i] = x;
    }
    /* The persons sorted by (accounts at risk, row): a counting sort on
     * the count (at most the number of accounts), stable over ascending
     * rows, so the same order as a comparison sort on the pair. */
    int64_t n_persons = 0, most = 0;
#pragma omp parallel for schedule(static) reduction(+ : n_persons) reduction(max : most) if (n >= LP_PARALLEL_MIN)
    for (lp_vid v = 0; v < n; v++)
        if (g->role[v] & LP_ROLE_PERSON) {
            n_persons++;
            if (kp->accounts_at_risk[v] > most) most = kp->accounts_at_risk[v];
        }
    by_risk = lp_malloc(((size_t)n_persons + 1) * sizeof *by_risk);
    bucket = lp_calloc((size_t)most + 2, sizeof *bucket);
    if (!by_risk || !bucket) {
        st = lp_error_nomem("second links");
        goto done;
    }
    for (lp_vid v = 0; v < n; v++)
        if (bit_get(person, v)) bucket[kp->accounts_at_risk[v] + 1]++;
    for (int64_t r = 0; r <= most; r++)
        bucket[r + 1] += bucket[r];
    for (lp_vid v = 0; v < n; v++)
        if (bit_get(person, v)) by_risk[bucket[kp->accounts_at_risk[v]]++] = v;

#pragma omp parallel for schedule(dynamic, 64) if (na >= 1024)
    for (int64_t i = 0; i < na; i++) {
        int64_t nk = kp->key_persons_offsets[i + 1] - kp->key_persons_offsets[i];
        offsets[i + 1] = 0;
        if (bus_factor[i] != 1 || nk == 0 || !lp_dist_mine(dist, i / LP_SECOND_LINKS_GRAIN))
            continue;
        work *w = &ws[lp_i_thread_id()];
        offsets[i + 1] = suggest(g, person, kp, kp->account_node[i],
                                 kp->key_persons + kp->key_persons_offsets[i], nk, k, by_risk,
                                 n_persons, w, slots + i * (int64_t)k);
    }
    if (dist && dist->size > 1 &&
        ((st = lp_dist_sum_u64(dist, (uint64_t *)offsets + 1, na)) ||
         (st = lp_dist_sum_i32(dist, slots, na * (int64_t)k))))
        goto done;
    for (int64_t i = 0; i < na; i++)
        offsets[i + 1] += offsets[i];
    links = lp_malloc(((size_t)offsets[na] + 1) * sizeof *links);
    if (!links) {
        st = lp_error_nomem("second links");
        goto done;
    }
    for (int64_t i = 0; i < na; i++)
        memcpy(links + offsets[i], slots + i * (int64_t)k,
               (size_t)(offsets[i + 1] - offsets[i]) * sizeof *links);

done:
    if (ws)
        for (int t = 0; t < nt; t++) {
            free(ws[t].seen);
            free(ws[t].queue);
            free(ws[t].level);
        }
    free(ws);
    free(person);
    free(slots);
    free(by_risk);
    free(bucket);
    if (st) {
        free(offsets);
        free(links);
        return st;
    }
    *out_offsets = offsets;
    *out_links = links;
    return LP_OK;
}
