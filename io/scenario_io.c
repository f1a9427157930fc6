/* scenario_io.c — departure scenarios from `--leave` values and scenario
 * files (lp_scenario_io.h).
 *
 * Ids are resolved without an index of the whole graph: the ids a file
 * mentions go into a small hash set, then one pass over the graph's node ids
 * looks each of them up there. Nothing is appended to the caller's set
 * until the whole input is known to be valid.
 */
#include "lp_scenario_io.h"
#include "lp_alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_csv.h"
#include "lp_text.h"

/* ---- a small set of strings ---------------------------------------------- */

typedef struct strset {
    lp_strtab s;   /* the distinct strings, in insertion order */
    int64_t *len;  /* [count] lengths (strings may hold any byte but NUL) */
    int64_t *tag;  /* [count] caller data: line of first mention, row, ... */
    int64_t *slot; /* [cap] index + 1, 0 empty */
    int64_t cap, len_cap;
} strset;

static void strset_free(strset *t)
{
    lp_strtab_free(&t->s);
    free(t->len);
    free(t->tag);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    return lp_text_hash(s, len);
}

/* Index of s in t, or -1. */
static int64_t strset_find(const strset *t, const char *s, size_t len)
{
    if (t->cap == 0) return -1;
    for (uint64_t h = hash_bytes(s, len) & (uint64_t)(t->cap - 1);;
         h = (h + 1) & (uint64_t)(t->cap - 1)) {
        int64_t k = t->slot[h] - 1;
        if (k < 0) return -1;
        if ((size_t)t->len[k] == len && !memcmp(lp_strtab_get(&t->s, k), s, len)) return k;
    }
}

/* Insert s (if new) with tag; *index receives its index. Returns 1 if new,
 * 0 if present, -1 out of memory. */
static int strset_put(strset *t, const char *s, size_t len, int64_t tag, int64_t *index)
{
    int64_t k = strset_find(t, s, len);
    if (k >= 0) {
        *index = k;
        return 0;
    }
    int64_t count = t->s.count;
    if (2 * (count + 1) > t->cap) { /* rehash at half full */
        int64_t nc = t->cap ? 2 * t->cap : 64;
        int64_t *ns = lp_calloc((size_t)nc, sizeof *ns);
        if (!ns) return -1;
        for (int64_t i = 0; i < count; i++) {
            uint64_t h =
                hash_bytes(lp_strtab_get(&t->s, i), (size_t)t->len[i]) & (uint64_t)(nc - 1);
            while (ns[h])
                h = (h + 1) & (uint64_t)(nc - 1);
            ns[h] = i + 1;
        }
        free(t->slot);
        t->slot = ns;
        t->cap = nc;
    }
    if (count + 1 > t->len_cap) {
        int64_t nc = t->len_cap ? 2 * t->len_cap : 64;
        int64_t *nl = lp_realloc(t->len, (size_t)nc * sizeof *nl);
        if (!nl) return -1;
        t->len = nl;
        int64_t *nt = lp_realloc(t->tag, (size_t)nc * sizeof *nt);
        if (!nt) return -1;
        t->tag = nt;
        t->len_cap = nc;
    }
    if (lp_strtab_push(&t->s, s, len)) return -1;
    t->len[count] = (int64_t)len;
    t->tag[count] = tag;
    uint64_t h = hash_bytes(s, len) & (uint64_t)(t->cap - 1);
    while (t->slot[h])
        h = (h + 1) & (uint64_t)(t->cap - 1);
    t->slot[h] = count + 1;
    *index = count;
    return 1;
}

/* ---- scenarios as read, before resolution -------------------------------- */

typedef struct pending {
    strset ids;     /* tag: line of first mention */
    strset names;   /* tag: line */
    int64_t *ref;   /* id indices, scenario after scenario */
    int64_t *first; /* [names + 1] scenario k's refs: ref[first[k] .. first[k+1]) */
    int64_t n_ref, ref_cap, first_cap;
    const char *where; /* file path, or "--leave" */
    int is_list;       /* where is an option, not a file (no line numbers) */
} pending;

static void pending_free(pending *p)
{
    strset_free(&p->ids);
    strset_free(&p->names);
    free(p->ref);
    free(p->first);
}

static lp_status pending_ref(pending *p, const char *id, size_t len, int64_t line)
{
    int64_t k;
    if (strset_put(&p->ids, id, len, line, &k) < 0) return lp_error_nomem("scenario ids");
    if (p->n_ref + 1 > p->ref_cap) {
        int64_t nc = p->ref_cap ? 2 * p->ref_cap : 64;
        int64_t *nr = lp_realloc(p->ref, (size_t)nc * sizeof *nr);
        if (!nr) return lp_error_nomem("scenario ids");
        p->ref = nr;
        p->ref_cap = nc;
    }
    p->ref[p->n_ref++] = k;
    return LP_OK;
}

static lp_status where_error(const pending *p, int64_t line, const char *what)
{
    if (p->is_list) return lp_error_set(LP_EINPUT, "%s: %s", p->where, what);
    return lp_error_set(LP_EINPUT, "%s:%lld: %s", p->where, (long long)line, what);
}

/* Start scenario `name`; the ids follow with pending_ref. */
static lp_status pending_scenario(pending *p, const char *name, size_t len, int64_t line,
                                  const lp_scenarios *existing)
{
    char msg[300], v[LP_TEXT_MSG_CAP];
    if (len == 0) return where_error(p, line, "empty scenario name");
    if (memchr(name, '\0', len)) {
        snprintf(msg, sizeof msg, "NUL byte in scenario name \"%s\"",
                 lp_text_msg(v, sizeof v, name, len));
        return where_error(p, line, msg);
    }
    int64_t k;
    int r = strset_put(&p->names, name, len, line, &k);
    if (r < 0) return lp_error_nomem("scenario names");
    int dup_earlier = 0;
    for (int64_t j = 0; existing && j < existing->count && !dup_earlier; j++)
        dup_earlier = !strcmp(lp_strtab_get(&existing->name, j), lp_strtab_get(&p->names.s, k));
    if (r == 0 || dup_earlier) {
        lp_text_msg(v, sizeof v, name, len);
        if (r == 0 && !p->is_list)
            snprintf(msg, sizeof msg, "duplicate scenario name \"%s\" (first on line %lld)", v,
                     (long long)p->names.tag[k]);
        else
            snprintf(msg, sizeof msg, "duplicate scenario name \"%s\"", v);
        return where_error(p, line, msg);
    }
    if (p->names.s.count + 1 > p->first_cap) {
        int64_t nc = p->first_cap ? 2 * p->first_cap : 64;
        int64_t *nf = lp_realloc(p->first, (size_t)nc * sizeof *nf);
        if (!nf) return lp_error_nomem("scenario names");
        p->first = nf;
        p->first_cap = nc;
    }
    p->first[k] = p->n_ref;
    p->first[k + 1] = p->n_ref;
    return LP_OK;
}

/* Close the current scenario (the last started). */
static lp_status pending_end(pending *p, int64_t line)
{
    int64_t k = p->names.s.count - 1;
    p->first[k + 1] = p->n_ref;
    if (p->first[k + 1] == p->first[k]) {
        char msg[300], v[LP_TEXT_MSG_CAP];
        snprintf(msg, sizeof msg, "scenario \"%s\" names no one",
                 lp_text_msg(v, sizeof v, lp_strtab_get(&p->names.s, k), (size_t)p->names.len[k]));
        return where_error(p, line, msg);
    }
    return LP_OK;
}

/* Tell the user how `given` was understood when it was a name or (expanded
 * >= 0) not a person: "\"Giulia Brown\" is employee \"E0042\"" and
 * "team \"T-12\" -> 8 persons". */
static lp_status note_resolution(lp_strtab *notes, const lp_graph *g, const char *given, size_t len,
                                 lp_vid v, int64_t expanded)
{
    const char *id = lp_strtab_get(&g->nodes.id, v);
    int by_name = strlen(id) != len || memcmp(id, given, len);
    int is_person = (g->role[v] & LP_ROLE_PERSON) != 0;
    if (!by_name && (is_person || expanded < 0)) return LP_OK;
    char a[LP_TEXT_MSG_CAP], b[LP_TEXT_MSG_CAP], line[512];
    int n = 0;
    if (by_name)
        n = snprintf(line, sizeof line, "\"%s\" is %s \"%s\"", lp_text_msg(a, sizeof a, given, len),
                     lp_strtab_get(&g->nodes.type_name, g->nodes.type[v]),
                     lp_text_msg(b, sizeof b, id, strlen(id)));
    else
        n = snprintf(line, sizeof line, "%s \"%s\"",
                     lp_strtab_get(&g->nodes.type_name, g->nodes.type[v]),
                     lp_text_msg(b, sizeof b, id, strlen(id)));
    if (!is_person && expanded > 0)
        snprintf(line + n, sizeof line - (size_t)n, " -> %lld person%s", (long long)expanded,
                 expanded == 1 ? "" : "s");
    return lp_strtab_push(notes, line, strlen(line));
}

/* Resolve every id against g, expand, and append to *out. */
/* Every id of p as a node row (*out_row, malloc'ed, [ids]): an id, else a
 * name that exactly one node has. Unknown ids and ambiguous names are
 * LP_EINPUT naming them. */
static lp_status resolve_ids(pending *p, const lp_graph *g, lp_vid **out_row)
{
    strset *ids = &p->ids;
    int64_t m = ids->s.count;
    lp_vid *row = lp_malloc(((size_t)m + 1) * sizeof *row);
    if (!row) return lp_error_nomem("scenario ids");
    for (int64_t k = 0; k < m; k++)
        row[k] = -1;
    for (int64_t v = 0; v < g->n; v++) {
        const char *s = lp_strtab_get(&g->nodes.id, v);
        int64_t k = strset_find(ids, s, strlen(s));
        if (k >= 0) row[k] = (lp_vid)v;
    }
    /* ids that match no node may be names: exactly one node with that name
     * stands for it; several are ambiguous (the user must give an id) */
    if (g->nodes.has_name) {
        int64_t *hits = lp_calloc((size_t)m + 1, sizeof *hits);
        if (!hits) {
            free(row);
            return lp_error_nomem("scenario names");
        }
        for (int64_t v = 0; v < g->n; v++) {
            const char *s = lp_strtab_get(&g->nodes.name, v);
            if (!*s) continue;
            int64_t k = strset_find(ids, s, strlen(s));
            if (k < 0 || (row[k] >= 0 && hits[k] == 0)) continue; /* an id matched first */
            if (hits[k]++ == 0) row[k] = (lp_vid)v;
        }
        for (int64_t k = 0; k < m; k++) {
            if (hits[k] <= 1) continue;
            char msg[1024], v1[LP_TEXT_MSG_CAP];
            size_t used = (size_t)snprintf(
                msg, sizeof msg, "name \"%s\" matches %lld nodes, give one of their ids:",
                lp_text_msg(v1, sizeof v1, lp_strtab_get(&ids->s, k), (size_t)ids->len[k]),
                (long long)hits[k]);
            int listed = 0;
            for (int64_t v = 0; v < g->n && listed < 8 && used < sizeof msg - 120; v++) {
                const char *s = lp_strtab_get(&g->nodes.name, v);
                if (strcmp(s, lp_strtab_get(&ids->s, k))) continue;
                const char *id = lp_strtab_get(&g->nodes.id, v);
                used +=
                    (size_t)snprintf(msg + used, sizeof msg - used, "%s \"%s\"", listed ? "," : "",
                                     lp_text_msg(v1, sizeof v1, id, strlen(id)));
                listed++;
            }
            if (hits[k] > listed)
                snprintf(msg + used, sizeof msg - used, " and %lld more",
                         (long long)(hits[k] - listed));
            free(hits);
            free(row);
            return lp_error_set(LP_EINPUT, "%s: %s", p->where, msg);
        }
        free(hits);
    }

    /* unknown ids, named, in order of first mention */
    int64_t unknown = 0;
    for (int64_t k = 0; k < m; k++)
        unknown += row[k] < 0;
    if (unknown > 0) {
        char msg[1024];
        size_t used = 0;
        int listed = 0;
        const char *what = g->nodes.has_name ? "node id or name" : "node id";
        if (unknown == 1)
            used = (size_t)snprintf(msg, sizeof msg, "unknown %s ", what);
        else
            used =
                (size_t)snprintf(msg, sizeof msg, "%lld unknown %ss: ", (long long)unknown, what);
        for (int64_t k = 0; k < m && listed < 5; k++) {
            if (row[k] >= 0) continue;
            char v[LP_TEXT_MSG_CAP];
            lp_text_msg(v, sizeof v, lp_strtab_get(&ids->s, k), (size_t)ids->len[k]);
            if (p->is_list)
                used += (size_t)snprintf(msg + used, sizeof msg - used, "%s\"%s\"",
                                         listed ? ", " : "", v);
            else
                used += (size_t)snprintf(msg + used, sizeof msg - used, "%s\"%s\" (line %lld)",
                                         listed ? ", " : "", v, (long long)ids->tag[k]);
            listed++;
        }
        if (unknown > listed)
            snprintf(msg + used, sizeof msg - used, " and %lld more",
                     (long long)(unknown - listed));
        free(row);
        return lp_error_set(LP_EINPUT, "%s: %s", p->where, msg);
    }
    *out_row = row;
    return LP_OK;
}

static lp_status pending_commit(pending *p, lp_scenarios *out, const lp_graph *g)
{
    strset *ids = &p->ids;
    lp_vid *row = NULL;
    lp_status st = resolve_ids(p, g, &row);
    if (st) return st;

    /* expand every scenario into tmp; only when all are valid, append */
    lp_scenarios tmp = LP_SCENARIOS_INIT;
    lp_vid *set = NULL;
    int64_t set_cap = 0;
    for (int64_t sc = 0; sc < p->names.s.count && !st; sc++) {
        int64_t need = 1, total = 0;
        for (int64_t q = p->first[sc]; q < p->first[sc + 1]; q++)
            need += g->csr.offset[row[p->ref[q]] + 1] - g->csr.offset[row[p->ref[q]]] + 1;
        if (need > set_cap) {
            lp_vid *ns = lp_realloc(set, (size_t)need * sizeof *ns);
            if (!ns) {
                st = lp_error_nomem("scenarios");
                break;
            }
            set = ns;
            set_cap = need;
        }
        for (int64_t q = p->first[sc]; q < p->first[sc + 1] && !st; q++) {
            int64_t k = p->ref[q], e = lp_scenario_expand(g, row[k], set + total);
            st = note_resolution(&tmp.notes, g, lp_strtab_get(&ids->s, k), (size_t)ids->len[k],
                                 row[k], e);
            if (e == 0) {
                char msg[300], v[LP_TEXT_MSG_CAP];
                snprintf(msg, sizeof msg, "\"%s\" is not a person and has no person neighbour",
                         lp_text_msg(v, sizeof v, lp_strtab_get(&ids->s, k), (size_t)ids->len[k]));
                st = where_error(p, p->names.tag[sc], msg);
            }
            total += e;
        }
        if (!st)
            st = lp_scenarios_add(&tmp, g, lp_strtab_get(&p->names.s, sc), (size_t)p->names.len[sc],
                                  set, total);
    }
    for (int64_t i = 0; !st && i < tmp.notes.count; i++) {
        const char *note = lp_strtab_get(&tmp.notes, i);
        st = lp_strtab_push(&out->notes, note, strlen(note));
    }
    for (int64_t sc = 0; !st && sc < tmp.count; sc++)
        st = lp_scenarios_add(
            out, g, lp_strtab_get(&tmp.name, sc), strlen(lp_strtab_get(&tmp.name, sc)),
            tmp.leave + tmp.leave_offsets[sc], tmp.leave_offsets[sc + 1] - tmp.leave_offsets[sc]);
    lp_scenarios_free(&tmp);
    free(set);
    free(row);
    return st;
}

/* ---- the two sources ------------------------------------------------------ */

lp_status lp_scenarios_read_csv(lp_scenarios *out, const char *path, const lp_graph *g)
{
    pending p;
    memset(&p, 0, sizeof p);
    p.where = path;
    lp_csv_reader *r = NULL;
    lp_status st = lp_csv_open(&r, path);
    int more = 1;
    while (!st) {
        if ((st = lp_csv_next(r, &more)) || !more) break;
        int64_t line = lp_csv_line(r), nf = lp_csv_nfields(r);
        size_t len;
        const char *name = lp_csv_field(r, 0, &len);
        if ((st = pending_scenario(&p, name, len, line, out))) break;
        for (int64_t f = 1; f < nf && !st; f++) {
            const char *id = lp_csv_field(r, f, &len);
            if (len > 0) st = pending_ref(&p, id, len, line);
        }
        if (!st) st = pending_end(&p, line);
    }
    lp_csv_close(r);
    if (!st && p.names.s.count == 0) st = lp_error_set(LP_EINPUT, "%s: no scenarios", path);
    if (!st) st = pending_commit(&p, out, g);
    pending_free(&p);
    return st;
}

/* Split a --leave value into ids: commas separate, a field may be quoted
 * as in CSV ("" for a quote inside). Calls pending_ref for each non-empty
 * id. */
static lp_status split_list(pending *p, const char *list)
{
    size_t n = strlen(list);
    char *buf = lp_malloc(n + 1);
    if (!buf) return lp_error_nomem("--leave");
    lp_status st = LP_OK;
    size_t i = 0;
    for (;;) {
        size_t len = 0;
        if (list[i] == '"') {
            i++;
            for (;;) {
                if (list[i] == '\0') {
                    st = lp_error_set(LP_EINPUT, "--leave: unterminated quote");
                    goto done;
                }
                if (list[i] == '"' && list[i + 1] == '"') {
                    buf[len++] = '"';
                    i += 2;
                } else if (list[i] == '"') {
                    i++;
                    break;
                } else {
                    buf[len++] = list[i++];
                }
            }
            if (list[i] != ',' && list[i] != '\0') {
                st = lp_error_set(LP_EINPUT, "--leave: unexpected character after closing quote");
                goto done;
            }
        } else {
            while (list[i] != ',' && list[i] != '\0') {
                if (list[i] == '"') {
                    st = lp_error_set(LP_EINPUT, "--leave: quote inside unquoted id");
                    goto done;
                }
                buf[len++] = list[i++];
            }
        }
        if (len > 0 && (st = pending_ref(p, buf, len, 0))) goto done;
        if (list[i] == '\0') break;
        i++; /* the comma */
    }
done:
    free(buf);
    return st;
}

lp_status lp_scenarios_from_list(lp_scenarios *out, const char *list, const lp_graph *g)
{
    pending p;
    memset(&p, 0, sizeof p);
    p.where = "--leave";
    p.is_list = 1;
    lp_status st = pending_scenario(&p, list, strlen(list), 0, out);
    if (!st) st = split_list(&p, list);
    if (!st) st = pending_end(&p, 0);
    if (!st) st = pending_commit(&p, out, g);
    pending_free(&p);
    return st;
}

/* ---- added ties ----------------------------------------------------------- */

lp_status lp_ties_from_list(lp_tie **out, int64_t *out_count, const char *list, const lp_graph *g,
                            lp_strtab *notes)
{
    pending p;
    memset(&p, 0, sizeof p);
    p.where = "--add";
    p.is_list = 1;
    lp_tie *ties = NULL;
    lp_vid *row = NULL;
    int64_t nt = 0;
    lp_status st = LP_OK;
    /* tokens: PERSON ':' ACCOUNT (',' PERSON ':' ACCOUNT)*, each quoted as in CSV when needed */
    size_t n = strlen(list), i = 0;
    char *buf = lp_malloc(n + 1);
    int64_t *refs = lp_malloc((n + 2) * sizeof *refs), nref = 0;
    if (!buf || !refs) {
        st = lp_error_nomem("--add");
        goto done;
    }
    for (;;) {
        size_t len = 0;
        char want = nref % 2 == 0 ? ':' : ',';
        if (list[i] == '"') {
            for (i++;; i++) {
                if (list[i] == '\0') {
                    st = lp_error_set(LP_EINPUT, "--add: unterminated quote");
                    goto done;
                }
                if (list[i] == '"' && list[i + 1] == '"') {
                    buf[len++] = '"';
                    i++;
                } else if (list[i] == '"') {
                    i++;
                    break;
                } else {
                    buf[len++] = list[i];
                }
            }
        } else {
            while (list[i] && list[i] != want && list[i] != '"')
                buf[len++] = list[i++];
        }
        if (len == 0 || (list[i] != want && !(want == ',' && list[i] == '\0'))) {
            st = lp_error_set(LP_EINPUT, "--add: expected PERSON:ACCOUNT[,PERSON:ACCOUNT...] "
                                         "(ids or names, quoted as in CSV when they hold ',' "
                                         "':' or '\"')");
            goto done;
        }
        if ((st = pending_ref(&p, buf, len, 0))) goto done;
        refs[nref++] = p.ref[p.n_ref - 1];
        if (list[i] == '\0') break;
        i++;
    }
    if ((st = resolve_ids(&p, g, &row))) goto done;
    ties = lp_malloc(((size_t)nref / 2 + 1) * sizeof *ties);
    if (!ties) {
        st = lp_error_nomem("--add");
        goto done;
    }
    for (int64_t j = 0; j + 1 < nref; j += 2) {
        lp_vid person = row[refs[j]], account = row[refs[j + 1]];
        char v[LP_TEXT_MSG_CAP];
        const char *bad = NULL;
        int64_t k = refs[j];
        if (!(g->role[person] & LP_ROLE_PERSON))
            bad = "is not a person";
        else if (!(g->role[account] & LP_ROLE_ACCOUNT))
            bad = "is not an account", k = refs[j + 1];
        else if (person == account)
            bad = "cannot be tied to itself";
        if (bad) {

            st = lp_error_set(
                LP_EINPUT, "--add: \"%s\" %s",
                lp_text_msg(v, sizeof v, lp_strtab_get(&p.ids.s, k), (size_t)p.ids.len[k]), bad);
            goto done;
        }
        for (int q = 0; q < 2 && notes; q++) {
            int64_t r = refs[j + q];
            if ((st = note_resolution(notes, g, lp_strtab_get(&p.ids.s, r), (size_t)p.ids.len[r],
                                      row[r], -1)))
                goto done;
        }
        ties[nt++] = (lp_tie){.person = person, .account = account};
    }
done:
    free(buf);
    free(refs);
    free(row);
    pending_free(&p);
    if (st) {
        free(ties);
        return st;
    }
    *out = ties;
    *out_count = nt;
    return LP_OK;
}
