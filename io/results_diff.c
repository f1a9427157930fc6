/* results_diff.c — two result files compared (lp_diff.h): accounts by the
 * id of their node, key-person sets by id, revenue at risk per node id. */
#include "lp_diff.h"
#include "lp_alloc.h"
#include "lp_csvwrite.h"
#include "lp_text.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *lp_diff_kind_name(lp_diff_kind k)
{
    static const char *const names[LP_DIFF_KINDS] = {
        "lost_path",           "fell_to_1",          "recovered", "regained_path",
        "key_persons_changed", "bus_factor_changed", "added",     "removed",
    };
    return (unsigned)k < LP_DIFF_KINDS ? names[k] : "?";
}

/* ==== matching node ids ================================================== */

/* Open addressing over the ids of one table: a slot holds the upper 32 bits
 * of the id's hash and its row + 1 (0 = empty), so that most probes that
 * miss cost no string comparison. */
typedef struct id_index {
    uint64_t *slot;
    uint64_t mask;
} id_index;

static uint64_t hash_str(const char *s)
{
    return lp_text_hash(s, strlen(s));
}

static lp_status index_init(id_index *ix, int64_t count)
{
    uint64_t cap = 16;
    while (cap < (uint64_t)count + (uint64_t)count / 4) /* load <= 0.8 */
        cap *= 2;
    if (!(ix->slot = lp_calloc(cap, sizeof *ix->slot))) return lp_error_nomem("id index");
    ix->mask = cap - 1;
    return LP_OK;
}

/* Insert node row i (id s); the row already holding s, or -1 when s is new. */
static lp_vid index_insert(id_index *ix, const lp_rstrings *ids, lp_vid i)
{
    const char *s = lp_rstrings_get(ids, i);
    uint64_t h = hash_str(s), tag = h >> 32, at = h & ix->mask;
    while (ix->slot[at]) {
        uint64_t e = ix->slot[at];
        lp_vid row = (lp_vid)((int64_t)(e & 0xffffffffu) - 1);
        if (e >> 32 == tag && strcmp(lp_rstrings_get(ids, row), s) == 0) return row;
        at = (at + 1) & ix->mask;
    }
    ix->slot[at] = tag << 32 | (uint64_t)(i + 1);
    return -1;
}

/* Row of id s among the indexed ids, or -1. */
static lp_vid index_find(const id_index *ix, const lp_rstrings *ids, const char *s)
{
    uint64_t h = hash_str(s), tag = h >> 32, at = h & ix->mask;
    while (ix->slot[at]) {
        uint64_t e = ix->slot[at];
        lp_vid row = (lp_vid)((int64_t)(e & 0xffffffffu) - 1);
        if (e >> 32 == tag && strcmp(lp_rstrings_get(ids, row), s) == 0) return row;
        at = (at + 1) & ix->mask;
    }
    return -1;
}

static lp_status duplicate(const char *path, int64_t row)
{
    return lp_error_set(LP_EINPUT, "%s: /nodes/id holds the id of row %" PRId64 " twice", path,
                        row);
}

/* map[v] = the row of OLD holding NEW's id v, or -1. Two runs on the same
 * input list their nodes in the same order: when every row holds the same
 * id in both files, map is the identity and nothing more is done (the
 * writer never writes an id twice; a forged duplicate could only pair rows
 * wrongly). Otherwise a hash index of OLD's ids answers (built whole, it
 * also finds OLD's duplicates), and NEW's duplicates are two rows mapped to
 * one OLD row or two unmatched rows with one id (a second, small index). */
static lp_status map_nodes(lp_vid *map, const lp_results_table *o, const char *op,
                           const lp_results_table *n, const char *np)
{
    int64_t same = 0;
    for (lp_vid v = 0; v < n->n && v < o->n; v++)
        same += strcmp(lp_rstrings_get(&o->node_id, v), lp_rstrings_get(&n->node_id, v)) == 0;
    if (o->n == n->n && same == n->n) {
        for (lp_vid v = 0; v < n->n; v++)
            map[v] = v;
        return LP_OK;
    }
    id_index ix = {.slot = NULL, .mask = 0}, nx = {.slot = NULL, .mask = 0};
    uint8_t *taken = lp_calloc((size_t)o->n + 1, 1);
    int64_t unmatched = 0;
    lp_status st = taken ? index_init(&ix, o->n) : lp_error_nomem("id index");
    for (lp_vid u = 0; !st && u < o->n; u++)
        if (index_insert(&ix, &o->node_id, u) >= 0) st = duplicate(op, u);
    for (lp_vid v = 0; !st && v < n->n; v++) {
        lp_vid u = index_find(&ix, &o->node_id, lp_rstrings_get(&n->node_id, v));
        if (u >= 0 && taken[u]) st = duplicate(np, v);
        if (u >= 0) taken[u] = 1;
        unmatched += u < 0;
        map[v] = u;
    }
    if (!st && unmatched > 1 && !(st = index_init(&nx, unmatched)))
        for (lp_vid v = 0; !st && v < n->n; v++)
            if (map[v] < 0 && index_insert(&nx, &n->node_id, v) >= 0) st = duplicate(np, v);
    free(nx.slot);
    free(ix.slot);
    free(taken);
    return st;
}

/* ==== comparison ========================================================== */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 when the key persons of old row i and new row j are the same set of
 * ids; sorts into the two scratch arrays. */
static int same_key_persons(const lp_results_table *o, int64_t i, const lp_results_table *n,
                            int64_t j, const char **sa, const char **sb)
{
    int64_t la = o->key_persons.off[i + 1] - o->key_persons.off[i];
    int64_t lb = n->key_persons.off[j + 1] - n->key_persons.off[j];
    if (la != lb) return 0;
    for (int64_t k = 0; k < la; k++) {
        sa[k] = lp_rstrings_get(&o->node_id, o->key_persons.val[o->key_persons.off[i] + k]);
        sb[k] = lp_rstrings_get(&n->node_id, n->key_persons.val[n->key_persons.off[j] + k]);
    }
    if (la > 1) {
        qsort(sa, (size_t)la, sizeof *sa, cmp_str);
        qsort(sb, (size_t)lb, sizeof *sb, cmp_str);
    }
    for (int64_t k = 0; k < la; k++)
        if (strcmp(sa[k], sb[k]) != 0) return 0;
    return 1;
}

static int classify(int32_t ob, int32_t nb, int same_kp, lp_diff_kind *out)
{
    if (ob == nb && same_kp) return 0;
    if (nb == 0 && ob >= 1)
        *out = LP_DIFF_LOST_PATH;
    else if (ob >= 2 && nb == 1)
        *out = LP_DIFF_FELL_TO_1;
    else if (ob <= 1 && nb >= 2)
        *out = LP_DIFF_RECOVERED;
    else if (ob == 0 && nb == 1)
        *out = LP_DIFF_REGAINED_PATH;
    else if (ob == 1 && nb == 1)
        *out = LP_DIFF_KEY_PERSONS_CHANGED;
    else
        *out = LP_DIFF_BUS_FACTOR_CHANGED;
    return 1;
}

/* For sorting: the tables, to compare ids (qsort has no context argument
 * in C11; set and cleared around the two qsort calls). */
static const lp_results_table *sort_old, *sort_new;

static const char *change_id(const lp_diff_account *c)
{
    if (c->new_row >= 0)
        return lp_rstrings_get(&sort_new->node_id, sort_new->account_node[c->new_row]);
    return lp_rstrings_get(&sort_old->node_id, sort_old->account_node[c->old_row]);
}

static int cmp_change(const void *pa, const void *pb)
{
    const lp_diff_account *a = pa, *b = pb;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    if (a->revenue != b->revenue) return a->revenue > b->revenue ? -1 : 1;
    return strcmp(change_id(a), change_id(b));
}

static const char *person_id(const lp_diff_person *p)
{
    if (p->new_node >= 0) return lp_rstrings_get(&sort_new->node_id, p->new_node);
    return lp_rstrings_get(&sort_old->node_id, p->old_node);
}

static int cmp_person(const void *pa, const void *pb)
{
    const lp_diff_person *a = pa, *b = pb;
    double da = fabs(a->new_revenue - a->old_revenue), db = fabs(b->new_revenue - b->old_revenue);
    if (da != db) return da > db ? -1 : 1;
    return strcmp(person_id(a), person_id(b));
}

static lp_status check_comparable(const lp_results_table *o, const char *op,
                                  const lp_results_table *n, const char *np)
{
    const lp_results_table *t[2] = {o, n};
    const char *p[2] = {op, np};
    for (int k = 0; k < 2; k++) {
        if (!t[k]->has_accounts || !t[k]->bus_factor || !t[k]->revenue_at_risk)
            return lp_error_set(LP_EINPUT,
                                "%s: no bus factor in this result file (written without the "
                                "key-person analysis): nothing to compare",
                                p[k]);
        if (!t[k]->node_id.data)
            return lp_error_set(LP_EINTERNAL, "lp_diff_compute: node ids were not read");
    }
    if (o->bus_factor_cap != n->bus_factor_cap)
        return lp_error_set(LP_EINPUT,
                            "%s and %s are not comparable: bus factor capped at %d and %d "
                            "(--bus-factor-cap differs)",
                            op, np, (int)o->bus_factor_cap, (int)n->bus_factor_cap);
    return LP_OK;
}

lp_status lp_diff_compute(lp_diff *out, const lp_results_table *o, const char *op,
                          const lp_results_table *n, const char *np)
{
    lp_diff d;
    memset(&d, 0, sizeof d);
    const char **sa = NULL, **sb = NULL;
    int64_t *old_acc = NULL; /* old node row -> old account row, or -1 */
    lp_vid *map = NULL;      /* new node row -> old node row, or -1 */
    uint8_t *old_seen = NULL, *matched = NULL;
    lp_status st = check_comparable(o, op, n, np);
    if (st) return st;
    if (o->n >= ((int64_t)1 << 32) - 1 || n->n >= ((int64_t)1 << 32) - 1)
        return lp_error_set(LP_EINTERNAL, "lp_diff_compute: more nodes than the index holds");
    int64_t maxkp = 1;
    for (int64_t i = 0; i < o->a; i++)
        if (o->key_persons.off[i + 1] - o->key_persons.off[i] > maxkp)
            maxkp = o->key_persons.off[i + 1] - o->key_persons.off[i];
    map = lp_malloc(((size_t)n->n + 1) * sizeof *map);
    old_acc = lp_malloc(((size_t)o->n + 1) * sizeof *old_acc);
    old_seen = lp_calloc((size_t)o->a + 1, 1);
    matched = lp_calloc((size_t)o->n + 1, 1);
    sa = lp_malloc((size_t)maxkp * sizeof *sa);
    sb = lp_malloc((size_t)maxkp * sizeof *sb);
    d.changes = lp_malloc(((size_t)o->a + (size_t)n->a + 1) * sizeof *d.changes);
    d.persons = lp_malloc(((size_t)o->n + (size_t)n->n + 1) * sizeof *d.persons);
    if (!map || !old_acc || !old_seen || !matched || !sa || !sb || !d.changes || !d.persons) {
        st = lp_error_nomem("diff");
        goto done;
    }
    if ((st = map_nodes(map, o, op, n, np))) goto done;
    for (lp_vid v = 0; v < o->n; v++)
        old_acc[v] = -1;
    for (int64_t i = 0; i < o->a; i++)
        old_acc[o->account_node[i]] = i;

    for (int64_t j = 0; j < n->a; j++) {
        lp_vid v = map[n->account_node[j]];
        int64_t i = v >= 0 ? old_acc[v] : -1;
        lp_diff_account c = {
            .kind = LP_DIFF_ADDED, .old_row = i, .new_row = j, .revenue = n->account_revenue[j]};
        if (i >= 0) {
            old_seen[i] = 1;
            d.compared++;
            int32_t ob = o->bus_factor[i], nb = n->bus_factor[j];
            /* key persons can differ only with bus factor 1 on both sides */
            int same = ob != 1 || nb != 1 || same_key_persons(o, i, n, j, sa, sb);
            if (!classify(ob, nb, same, &c.kind)) continue;
        }
        d.changes[d.n_changes++] = c;
    }
    for (int64_t i = 0; i < o->a; i++)
        if (!old_seen[i]) {
            lp_diff_account c = {.kind = LP_DIFF_REMOVED,
                                 .old_row = i,
                                 .new_row = -1,
                                 .revenue = o->account_revenue[i]};
            d.changes[d.n_changes++] = c;
        }
    for (int64_t k = 0; k < d.n_changes; k++) {
        d.count[d.changes[k].kind]++;
        d.revenue[d.changes[k].kind] += d.changes[k].revenue;
    }

    /* revenue at risk per node id: NEW's nodes, then OLD's nodes not in NEW */
    for (lp_vid v = 0; v < n->n; v++) {
        lp_vid u = map[v];
        double ov = u >= 0 ? o->revenue_at_risk[u] : 0, nv = n->revenue_at_risk[v];
        if (u >= 0) matched[u] = 1;
        if (ov != nv) {
            lp_diff_person p = {.old_node = u, .new_node = v, .old_revenue = ov, .new_revenue = nv};
            d.persons[d.n_persons++] = p;
        }
    }
    for (lp_vid u = 0; u < o->n; u++)
        if (!matched[u] && o->revenue_at_risk[u] != 0) {
            lp_diff_person p = {.old_node = u,
                                .new_node = -1,
                                .old_revenue = o->revenue_at_risk[u],
                                .new_revenue = 0};
            d.persons[d.n_persons++] = p;
        }
    sort_old = o;
    sort_new = n;
    qsort(d.changes, (size_t)d.n_changes, sizeof *d.changes, cmp_change);
    qsort(d.persons, (size_t)d.n_persons, sizeof *d.persons, cmp_person);
    sort_old = sort_new = NULL;
done:
    free(map);
    free(matched);
    free(old_acc);
    free(old_seen);
    free(sa);
    free(sb);
    if (st) {
        lp_diff_free(&d);
        return st;
    }
    *out = d;
    return LP_OK;
}

void lp_diff_free(lp_diff *d)
{
    if (!d) return;
    free(d->changes);
    free(d->persons);
    memset(d, 0, sizeof *d);
}

/* ==== DIFF.csv ============================================================ */

static void cell_kp(lp_table_set *w, const lp_results_table *t, int64_t row)
{
    if (row < 0) {
        lp_table_null(w);
        return;
    }
    lp_table_list_begin(w);
    for (int64_t k = t->key_persons.off[row]; k < t->key_persons.off[row + 1]; k++) {
        const char *id = lp_rstrings_get(&t->node_id, t->key_persons.val[k]);
        lp_table_str(w, id, strlen(id));
    }
    lp_table_list_end(w);
}

lp_status lp_diff_write_csv(const char *path, const lp_diff *d, const lp_results_table *o,
                            const lp_results_table *n)
{
    static const char *const cols[] = {
        "change",          "id",     "name", "old_bus_factor", "new_bus_factor", "old_key_persons",
        "new_key_persons", "revenue"};
    lp_table_set *w;
    lp_status st = lp_table_set_open(&w, NULL, LP_TABLE_CSV);
    if (st) return st;
    if ((st = lp_table_begin(w, path, 8, cols))) {
        lp_table_set_discard(w);
        return st;
    }
    for (int64_t k = 0; k < d->n_changes; k++) {
        const lp_diff_account *c = &d->changes[k];
        const lp_results_table *t = c->new_row >= 0 ? n : o;
        lp_vid v = t->account_node[c->new_row >= 0 ? c->new_row : c->old_row];
        const char *kind = lp_diff_kind_name(c->kind), *id = lp_rstrings_get(&t->node_id, v);
        lp_table_str(w, kind, strlen(kind));
        lp_table_str(w, id, strlen(id));
        if (t->node_name.data)
            lp_table_str(w, lp_rstrings_get(&t->node_name, v),
                         strlen(lp_rstrings_get(&t->node_name, v)));
        else
            lp_table_null(w);
        if (c->old_row >= 0)
            lp_table_i64(w, o->bus_factor[c->old_row]);
        else
            lp_table_null(w);
        if (c->new_row >= 0)
            lp_table_i64(w, n->bus_factor[c->new_row]);
        else
            lp_table_null(w);
        cell_kp(w, o, c->old_row);
        cell_kp(w, n, c->new_row);
        lp_table_f64(w, c->revenue);
        lp_table_row_end(w);
    }
    if ((st = lp_table_end(w))) {
        lp_table_set_discard(w);
        return st;
    }
    return lp_table_set_commit(w);
}
