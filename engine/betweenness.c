/* betweenness.c — shortest-path betweenness on the CSR snapshot.
 *
 * Exact: Brandes' accumulation (U. Brandes, "A faster algorithm for
 * betweenness centrality", J. Math. Sociol. 25(2), 2001), OpenMP over
 * sources, after folding the tree-shaped periphery (the idea of degree-1
 * reduction in Baglioni, Geraci, Pellegrini, Lastres, "Fast exact
 * computation of betweenness centrality in social networks", ASONAM 2012;
 * Sariyüce et al., BADIOS, 2013):
 *   1. Peel vertices of degree 1 repeatedly. Every peeled vertex hangs in a
 *      tree T(r) off one remaining ("core") vertex r, or its whole component
 *      is a tree. sub[v] = size of v's subtree (for a core vertex r,
 *      sub[r] = |T(r)|, its weight).
 *   2. Pairs whose shortest paths use tree edges are counted in closed form:
 *      for every vertex v of a component with N vertices,
 *          tree(v) = ((N-1)^2 - Q(v) - (N - sub[v])^2) / 2
 *      with Q(v) the sum of squares of the subtree sizes of v's peeled
 *      children: every pair split by v through a tree edge has all its
 *      shortest paths through v.
 *   3. Pairs of core vertices carry the weights of their trees:
 *          core(v) = 1/2 sum_{s != v} sub[s] * delta_s(v),
 *          delta_s(v) = sum_{w: v pred of w} sigma_sv/sigma_sw (sub[w] + delta_s(w)),
 *      a Brandes pass over the core graph with source and target weights.
 *   betweenness(v) = tree(v) + core(v).
 * Cost O(n + m) for the folding plus O(n_c m_c) for Brandes on the core
 * (n_c, m_c: core vertices and edges), instead of O(n m). Path counts are
 * doubles (as in igraph): they overflow integers on large graphs.
 * Per-thread workspaces are allocated before the parallel region; the
 * per-thread sums are reduced in thread order (results agree across thread
 * counts to rounding, far inside 1e-9 relative).
 *
 * Sampled: Riondato & Kornaropoulos, "Fast approximation of betweenness
 * centrality through sampling", Data Min. Knowl. Discov. 30, 2016. Sample
 *     r = ceil(c / eps^2 * (floor(log2(VD - 2)) + 1 + ln(1/delta))), c = 0.5,
 * ordered vertex pairs (u, v) uniformly, one shortest u-v path uniformly
 * among all, and count its interior vertices; count/r estimates normalised
 * betweenness within eps for all vertices at once with probability
 * >= 1 - delta. VD is an upper bound on the vertex diameter: per component,
 * one BFS from a vertex x; d(a,b) <= d(a,x) + d(x,b) so VD <= e1 + e2 + 1
 * with e1 >= e2 the two largest distances from x. Each path is sampled with
 * a balanced bidirectional BFS (as in KADABRA, Borassi & Natale, JEA 2019):
 * whole levels are expanded on the side with the smaller frontier degree
 * sum until the searches touch; the meeting level gives sigma_uv =
 * sum sigma_u(y) sigma_v(y), y is drawn proportionally and each half is
 * walked back choosing predecessors proportionally to their path counts.
 * Every sample has its own random stream derived from (seed, sample index)
 * and the counts are integers, so the output is identical for a seed
 * whatever the thread count.
 */
#include "lp_centrality.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static int max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static int thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* ---- exact ------------------------------------------------------------ */

/* Peel degree-1 vertices. On return core[v] = 1 for core vertices, sub[v] as
 * in the header comment, q[v] = sum of squared subtree sizes of peeled
 * children. Returns the number of core vertices. */
static int64_t fold_trees(uint8_t *core, double *sub, double *q, const lp_csr *c, lp_vid *queue,
                          int64_t *deg)
{
    const lp_vid n = c->n;
    int64_t head = 0, tail = 0;
    for (lp_vid v = 0; v < n; v++) {
        deg[v] = c->offset[v + 1] - c->offset[v];
        core[v] = 1;
        sub[v] = 1.0;
        q[v] = 0.0;
        if (deg[v] == 1) queue[tail++] = v;
        if (deg[v] == 0) core[v] = 0; /* isolated: a one-vertex tree */
    }
    while (head < tail) {
        lp_vid v = queue[head++];
        if (deg[v] != 1) continue; /* its last neighbour went first: v is a tree root */
        core[v] = 0;
        deg[v] = 0;
        lp_vid p = -1;
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
            if (core[c->adj[k]] && deg[c->adj[k]] > 0) {
                p = c->adj[k];
                break;
            }
        /* deg[v] == 1 guarantees one remaining neighbour */
        sub[p] += sub[v];
        q[p] += sub[v] * sub[v];
        if (--deg[p] == 1) queue[tail++] = p;
        if (deg[p] == 0) core[p] = 0; /* the whole component was a tree; p is its root */
    }
    int64_t nc = 0;
    for (lp_vid v = 0; v < n; v++) nc += core[v];
    return nc;
}

/* Component sizes: comp_size[v] = number of vertices in v's component. */
static void component_sizes(double *comp_size, const lp_csr *c, lp_vid *queue, lp_vid *label)
{
    for (lp_vid v = 0; v < c->n; v++) label[v] = -1;
    for (lp_vid s = 0; s < c->n; s++) {
        if (label[s] >= 0) continue;
        int64_t head = 0, tail = 0;
        queue[tail++] = s;
        label[s] = s;
        while (head < tail) {
            lp_vid v = queue[head++];
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++)
                if (label[c->adj[k]] < 0) {
                    label[c->adj[k]] = s;
                    queue[tail++] = c->adj[k];
                }
        }
        for (int64_t i = 0; i < tail; i++) comp_size[queue[i]] = (double)tail;
    }
}

typedef struct brandes_ws {
    int32_t *dist;
    double *sigma, *delta, *bc;
    lp_vid *order;
} brandes_ws;

/* Brandes with source and target weights on the core graph (cn vertices). */
static void brandes_weighted(brandes_ws *w, const int64_t *off, const lp_vid *adj, lp_vid cn,
                             const double *weight, lp_vid s)
{
    int32_t *dist = w->dist;
    double *sigma = w->sigma, *delta = w->delta;
    lp_vid *order = w->order;
    int64_t head = 0, tail = 0;
    order[tail++] = s;
    dist[s] = 0;
    sigma[s] = 1.0;
    while (head < tail) {
        lp_vid v = order[head++];
        int32_t dn = dist[v] + 1;
        for (int64_t k = off[v]; k < off[v + 1]; k++) {
            lp_vid x = adj[k];
            if (dist[x] < 0) {
                dist[x] = dn;
                order[tail++] = x;
            }
            if (dist[x] == dn) sigma[x] += sigma[v];
        }
    }
    for (int64_t i = tail - 1; i > 0; i--) {
        lp_vid x = order[i];
        double coeff = (weight[x] + delta[x]) / sigma[x];
        int32_t dp = dist[x] - 1;
        for (int64_t k = off[x]; k < off[x + 1]; k++) {
            lp_vid v = adj[k];
            if (dist[v] == dp) delta[v] += sigma[v] * coeff;
        }
        w->bc[x] += weight[s] * delta[x];
    }
    for (int64_t i = 0; i < tail; i++) {
        lp_vid x = order[i];
        dist[x] = -1;
        sigma[x] = 0.0;
        delta[x] = 0.0;
    }
    (void)cn;
}

lp_status lp_betweenness_exact(double *out, const lp_csr *csr)
{
    const lp_vid n = csr->n;
    size_t n1 = (size_t)n + 1;
    lp_status st = LP_OK;
    uint8_t *core = malloc(n1);
    double *sub = malloc(n1 * sizeof *sub), *q = malloc(n1 * sizeof *q);
    double *comp = malloc(n1 * sizeof *comp);
    lp_vid *queue = malloc(n1 * sizeof *queue), *label = malloc(n1 * sizeof *label);
    int64_t *deg = malloc(n1 * sizeof *deg);
    lp_vid *cid = NULL, *cadj = NULL, *cverts = NULL;
    int64_t *coff = NULL;
    double *cweight = NULL;
    int nt = max_threads();
    brandes_ws *ws = calloc((size_t)nt, sizeof *ws);
    if (!core || !sub || !q || !comp || !queue || !label || !deg || !ws) {
        st = lp_error_nomem("betweenness");
        goto done;
    }

    component_sizes(comp, csr, queue, label);
    int64_t nc = fold_trees(core, sub, q, csr, queue, deg);
    for (lp_vid v = 0; v < n; v++) {
        double N = comp[v], outside = N - sub[v];
        out[v] = ((N - 1) * (N - 1) - q[v] - outside * outside) / 2;
    }

    /* Core graph, compacted, neighbours kept ascending. */
    cid = malloc(n1 * sizeof *cid);
    cverts = malloc(((size_t)nc + 1) * sizeof *cverts);
    coff = calloc((size_t)nc + 2, sizeof *coff);
    cweight = malloc(((size_t)nc + 1) * sizeof *cweight);
    if (!cid || !cverts || !coff || !cweight) {
        st = lp_error_nomem("betweenness core");
        goto done;
    }
    lp_vid cn = 0;
    for (lp_vid v = 0; v < n; v++) {
        cid[v] = core[v] ? cn : -1;
        if (core[v]) {
            cverts[cn] = v;
            cweight[cn] = sub[v];
            cn++;
        }
    }
    for (lp_vid i = 0; i < cn; i++) {
        lp_vid v = cverts[i];
        int64_t d = 0;
        for (int64_t k = csr->offset[v]; k < csr->offset[v + 1]; k++) d += core[csr->adj[k]];
        coff[i + 1] = coff[i] + d;
    }
    cadj = malloc(((size_t)coff[cn] + 1) * sizeof *cadj);
    if (!cadj) {
        st = lp_error_nomem("betweenness core");
        goto done;
    }
    for (lp_vid i = 0; i < cn; i++) {
        lp_vid v = cverts[i];
        int64_t j = coff[i];
        for (int64_t k = csr->offset[v]; k < csr->offset[v + 1]; k++)
            if (core[csr->adj[k]]) cadj[j++] = cid[csr->adj[k]];
    }

    for (int t = 0; t < nt; t++) {
        size_t c1 = (size_t)cn + 1;
        ws[t].dist = malloc(c1 * sizeof *ws[t].dist);
        ws[t].sigma = calloc(c1, sizeof *ws[t].sigma);
        ws[t].delta = calloc(c1, sizeof *ws[t].delta);
        ws[t].bc = calloc(c1, sizeof *ws[t].bc);
        ws[t].order = malloc(c1 * sizeof *ws[t].order);
        if (!ws[t].dist || !ws[t].sigma || !ws[t].delta || !ws[t].bc || !ws[t].order) {
            st = lp_error_nomem("betweenness workspace");
            goto done;
        }
        for (lp_vid i = 0; i < cn; i++) ws[t].dist[i] = -1;
    }

#pragma omp parallel for schedule(dynamic, 16) if (cn >= 64)
    for (lp_vid s = 0; s < cn; s++)
        brandes_weighted(&ws[thread_id()], coff, cadj, cn, cweight, s);

    /* Reduce in thread order; halve: each unordered pair was seen twice. */
    for (lp_vid i = 0; i < cn; i++) {
        double sum = 0.0;
        for (int t = 0; t < nt; t++) sum += ws[t].bc[i];
        out[cverts[i]] += sum / 2;
    }

done:
    if (ws)
        for (int t = 0; t < nt; t++) {
            free(ws[t].dist);
            free(ws[t].sigma);
            free(ws[t].delta);
            free(ws[t].bc);
            free(ws[t].order);
        }
    free(ws);
    free(core);
    free(sub);
    free(q);
    free(comp);
    free(queue);
    free(label);
    free(deg);
    free(cid);
    free(cverts);
    free(coff);
    free(cweight);
    free(cadj);
    return st;
}

/* ---- sampled ---------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform01(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
}

/* Upper bound on the vertex diameter (vertices on a longest shortest path). */
static int64_t vertex_diameter_bound(const lp_csr *c, int32_t *dist, lp_vid *queue)
{
    int64_t best = 1;
    for (lp_vid v = 0; v < c->n; v++) dist[v] = -1;
    for (lp_vid s = 0; s < c->n; s++) {
        if (dist[s] >= 0) continue;
        int64_t head = 0, tail = 0;
        queue[tail++] = s;
        dist[s] = 0;
        int32_t e1 = 0, e2 = 0; /* two largest distances (with multiplicity) */
        while (head < tail) {
            lp_vid v = queue[head++];
            for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
                lp_vid w = c->adj[k];
                if (dist[w] >= 0) continue;
                dist[w] = dist[v] + 1;
                queue[tail++] = w;
                if (dist[w] >= e1) {
                    e2 = e1;
                    e1 = dist[w];
                } else if (dist[w] > e2) {
                    e2 = dist[w];
                }
            }
        }
        if ((int64_t)e1 + e2 + 1 > best) best = (int64_t)e1 + e2 + 1;
    }
    return best;
}

typedef struct bibfs_ws {
    int32_t *dist[2];  /* -1 unvisited */
    double *sigma[2];
    lp_vid *visited[2]; /* to reset; also the levels, in order */
    int64_t n_visited[2];
    lp_vid *meet;
    int64_t *count; /* interior-vertex counts of this thread */
} bibfs_ws;

/* Sample one uniform shortest path between u and v (u != v); add 1 to
 * count[] of its interior vertices. */
static void sample_path(bibfs_ws *w, const lp_csr *c, lp_vid u, lp_vid v, uint64_t *rng)
{
    lp_vid end[2] = {u, v};
    int64_t lo[2], hi[2]; /* current frontier = visited[side][lo .. hi) */
    int32_t depth[2] = {0, 0};
    for (int sd = 0; sd < 2; sd++) {
        w->dist[sd][end[sd]] = 0;
        w->sigma[sd][end[sd]] = 1.0;
        w->visited[sd][0] = end[sd];
        w->n_visited[sd] = 1;
        lo[sd] = 0;
        hi[sd] = 1;
    }
    int64_t n_meet = 0;
    int meet_side = 0;
    while (n_meet == 0 && lo[0] < hi[0] && lo[1] < hi[1]) {
        /* expand the side whose frontier has the smaller degree sum */
        int64_t cost[2] = {0, 0};
        for (int sd = 0; sd < 2; sd++)
            for (int64_t i = lo[sd]; i < hi[sd]; i++) {
                lp_vid x = w->visited[sd][i];
                cost[sd] += c->offset[x + 1] - c->offset[x];
            }
        int sd = cost[0] <= cost[1] ? 0 : 1, ot = 1 - sd;
        int32_t dn = depth[sd] + 1;
        int64_t nv = w->n_visited[sd];
        for (int64_t i = lo[sd]; i < hi[sd]; i++) {
            lp_vid x = w->visited[sd][i];
            for (int64_t k = c->offset[x]; k < c->offset[x + 1]; k++) {
                lp_vid y = c->adj[k];
                if (w->dist[sd][y] < 0) {
                    w->dist[sd][y] = dn;
                    w->visited[sd][nv++] = y;
                    if (w->dist[ot][y] >= 0) w->meet[n_meet++] = y;
                }
                if (w->dist[sd][y] == dn) w->sigma[sd][y] += w->sigma[sd][x];
            }
        }
        lo[sd] = hi[sd];
        hi[sd] = w->n_visited[sd] = nv;
        depth[sd] = dn;
        meet_side = sd;
    }
    if (n_meet > 0) {
        /* Choose the meeting vertex y with probability sigma_u(y) sigma_v(y) / sigma_uv. */
        double total = 0.0;
        for (int64_t i = 0; i < n_meet; i++)
            total += w->sigma[0][w->meet[i]] * w->sigma[1][w->meet[i]];
        double r = uniform01(rng) * total, acc = 0.0;
        lp_vid y = w->meet[n_meet - 1];
        for (int64_t i = 0; i < n_meet; i++) {
            acc += w->sigma[0][w->meet[i]] * w->sigma[1][w->meet[i]];
            if (r < acc) {
                y = w->meet[i];
                break;
            }
        }
        (void)meet_side;
        if (y != u && y != v) w->count[y]++;
        /* Walk back to each end, predecessors drawn by path count. */
        for (int sd = 0; sd < 2; sd++) {
            lp_vid z = y;
            while (w->dist[sd][z] > 1) {
                int32_t dp = w->dist[sd][z] - 1;
                double t = uniform01(rng) * w->sigma[sd][z], a = 0.0;
                lp_vid pick = -1;
                for (int64_t k = c->offset[z]; k < c->offset[z + 1]; k++) {
                    lp_vid p = c->adj[k];
                    if (w->dist[sd][p] != dp) continue;
                    pick = p;
                    a += w->sigma[sd][p];
                    if (t < a) break;
                }
                z = pick;
                w->count[z]++;
            }
        }
    }
    for (int sd = 0; sd < 2; sd++) {
        for (int64_t i = 0; i < w->n_visited[sd]; i++) {
            lp_vid x = w->visited[sd][i];
            w->dist[sd][x] = -1;
            w->sigma[sd][x] = 0.0;
        }
        w->n_visited[sd] = 0;
    }
}

lp_status lp_betweenness_sampled(double *out, lp_sampling_report *out_report,
                                 const lp_csr *csr, const lp_sampling *opt)
{
    const lp_vid n = csr->n;
    size_t n1 = (size_t)n + 1;
    if (!(opt->epsilon > 0 && opt->epsilon < 1) || !(opt->delta > 0 && opt->delta < 1))
        return lp_error_set(LP_EUSAGE, "sampling needs 0 < epsilon < 1 and 0 < delta < 1");
    int nt = max_threads();
    lp_status st = LP_OK;
    bibfs_ws *ws = calloc((size_t)nt, sizeof *ws);
    int32_t *dist = malloc(n1 * sizeof *dist);
    lp_vid *queue = malloc(n1 * sizeof *queue);
    if (!ws || !dist || !queue) {
        st = lp_error_nomem("sampled betweenness");
        goto done;
    }
    int64_t vd = vertex_diameter_bound(csr, dist, queue);
    int64_t r = 0;
    if (n >= 3 && vd >= 3) {
        double c = 0.5;
        double need = c / (opt->epsilon * opt->epsilon) *
                      (floor(log2((double)(vd - 2))) + 1 + log(1 / opt->delta));
        r = (int64_t)ceil(need);
    }
    for (int t = 0; t < nt; t++) {
        for (int sd = 0; sd < 2; sd++) {
            ws[t].dist[sd] = malloc(n1 * sizeof *ws[t].dist[sd]);
            ws[t].sigma[sd] = calloc(n1, sizeof *ws[t].sigma[sd]);
            ws[t].visited[sd] = malloc(n1 * sizeof *ws[t].visited[sd]);
            if (!ws[t].dist[sd] || !ws[t].sigma[sd] || !ws[t].visited[sd]) {
                st = lp_error_nomem("sampled betweenness workspace");
                goto done;
            }
            for (lp_vid v = 0; v < n; v++) ws[t].dist[sd][v] = -1;
        }
        ws[t].meet = malloc(n1 * sizeof *ws[t].meet);
        ws[t].count = calloc(n1, sizeof *ws[t].count);
        if (!ws[t].meet || !ws[t].count) {
            st = lp_error_nomem("sampled betweenness workspace");
            goto done;
        }
    }

#pragma omp parallel for schedule(dynamic, 64)
    for (int64_t i = 0; i < r; i++) {
        /* the stream of sample i depends only on (seed, i) */
        uint64_t rng = opt->seed * 0xd1342543de82ef95ULL + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
        splitmix64(&rng);
        lp_vid u = (lp_vid)(splitmix64(&rng) % (uint64_t)n);
        lp_vid v = (lp_vid)(splitmix64(&rng) % (uint64_t)(n - 1));
        if (v >= u) v++;
        sample_path(&ws[thread_id()], csr, u, v, &rng);
    }

    double scale = r > 0 ? (double)n * (double)(n - 1) / 2.0 / (double)r : 0.0;
    for (lp_vid v = 0; v < n; v++) {
        int64_t cnt = 0;
        for (int t = 0; t < nt; t++) cnt += ws[t].count[v];
        out[v] = (double)cnt * scale;
    }
    if (out_report) {
        out_report->samples = r;
        out_report->vertex_diameter = vd;
    }

done:
    if (ws)
        for (int t = 0; t < nt; t++) {
            for (int sd = 0; sd < 2; sd++) {
                free(ws[t].dist[sd]);
                free(ws[t].sigma[sd]);
                free(ws[t].visited[sd]);
            }
            free(ws[t].meet);
            free(ws[t].count);
        }
    free(ws);
    free(dist);
    free(queue);
    return st;
}
