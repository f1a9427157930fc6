/* crm.c — CRM exports -> lp_graph through a mapping (lp_crm.h).
 *
 * Two parts: the mapping interpreter (JSON read with libcjson into a
 * checked, flat description: which file gives which nodes, which columns
 * give ids, names, revenue, ties and activities), and the reader, which
 * walks the mapping's files in order with the CSV loader's block reader
 * (lp_i_blocks_read, lp_i_csv.h) and fills an lp_nodes table and two edge
 * lists (fixed weights, and activities: 12-byte rows carrying their day,
 * as the as-of day is known only at the end), then hands both to
 * lp_graph_build_lists (no copy to join them; each activity row's weight
 * read in the build from a per-day table: lp_edges' weight classes). A
 * node's key goes, as the node is added, into one of two tables chosen by
 * its length: keys of up to SID_MAX bytes into the short-id table (one
 * cache line per lookup; "short ids"), longer ones into the CSV loader's
 * interning table (lp_i_csv.h).
 *
 * Per block, in parallel chunks: the records are parsed and every
 * reference column looked up (batched, the misses overlapped) among the
 * keys of the earlier files (a reference names a record of an earlier
 * file: ref_find); a file of edges only also checks its rows and makes its
 * edges in the chunk (per-chunk lists and counts). Then serially, in file
 * order: a file with nodes inserts each row (duplicates are found here; its
 * texts were checked in the chunk), block j while block j + 1 is parsed
 * (lp_i_blocks_client.overlap: the merge adds keys to the tables the parse
 * reads, which sees only the earlier files' and reads the slots
 * atomically; crm_prepare gives the merge its room first), the chunks of
 * an edge file are given their place in the import's lists (copied there
 * in parallel after the block), and bad rows are reported in order. So the
 * result is that of one row after another in file order, at any thread
 * count and block cut. After a file's first
 * block its tables are sized for the whole file (crm_reserve): a file with
 * nodes gets its id, name and per-node tables first touched on every
 * thread, so that the serial merge neither copies them nor faults pages.
 */
#include "lp_crm.h"
#include "lp_alloc.h"

#include "lp_i_csv.h"
#include "lp_i_mem.h"
#include "lp_i_omp.h"
#include "lp_text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "crm_builtin.h" /* generated: lp_crm_builtin_<name>[] (CMake) */

#define CRM_MAX_TO 8
#define CRM_MAX_COLS 8
#define CRM_MAX_WARNINGS 10
#define CRM_FORMAT "linchpin-crm-mapping"

/* ==== the mapping ======================================================== */

typedef struct ref {
    int self;     /* the row's own node */
    char *column; /* else: this column names a record of ... */
    int file;     /* ... the file with this index */
    int slot;     /* import: its reference slot (file_spec.slot) */
} ref;

/* A reference column of a file (a column naming records of one file):
 * resolved once per row, whichever edges use it. */
typedef struct slot {
    const char *column; /* the ref's */
    int file;
    int col; /* in the header */
} slot;
#define CRM_MAX_SLOTS 32
#define CRM_MAX_EDGES 64 /* a file's edges (the mapping is refused beyond) */

typedef struct edge_spec {
    ref from;
    ref to[CRM_MAX_TO];
    int nto;
    double weight; /* fixed, when nrec == 0 */
    char *recency[CRM_MAX_COLS];
    int nrec;
    int rec_col[CRM_MAX_COLS]; /* import */
    char key[512];             /* "files[5].edges[0]" */
} edge_spec;

typedef struct file_spec {
    char *file;
    int required;
    int has_node;
    char *type, *id, *id_prefix;
    char *name[CRM_MAX_COLS];
    int nname;
    char *revenue, *active, *inactive_type;
    int has_tie;
    char *group, *group_prefix, *group_type;
    double tie_weight;
    edge_spec *edges;
    int nedges;
    slot slots[CRM_MAX_SLOTS]; /* import; the file report's columns, in this order */
    int nslots;
    char key[24]; /* "files[3]" */
    /* import: header indices (-1 absent) */
    int c_id, c_name[CRM_MAX_COLS], c_revenue, c_active, c_group;
} file_spec;

struct lp_crm_mapping {
    char *label;
    char *name;
    char *anchor_id, *anchor_type, *anchor_name;
    char *role[3];
    lp_roles roles;
    file_spec *files;
    int nfiles;
    int64_t size;
    uint32_t crc;
};

typedef struct mp { /* parse state */
    const char *label;
    lp_status st;
} mp;

static int mfail(mp *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int mfail(mp *p, const char *key, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    p->st = lp_error_set(LP_EINPUT, "%s: %s: %s", p->label, key, what);
    return -1;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = lp_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Unknown keys of an object are an error (a misspelt key must not be
 * silently ignored). */
static int check_keys(mp *p, const cJSON *obj, const char *key, const char *const *allowed)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = !strcmp(it->string, allowed[i]);
        if (!ok) {
            char list[300] = "";
            for (int i = 0; allowed[i]; i++) {
                strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, allowed[i], sizeof list - strlen(list) - 1);
            }
            return mfail(p, key, "unknown key '%s' (known: %s)", it->string, list);
        }
    }
    return 0;
}

/* dst = the strings (up to NULL) one after another, cut to fit cap. */
static void kjoin(char *dst, size_t cap, ...)
{
    va_list ap;
    va_start(ap, cap);
    size_t n = 0;
    for (const char *s; (s = va_arg(ap, const char *));)
        for (; *s && n + 1 < cap; s++)
            dst[n++] = *s;
    dst[n] = '\0';
    va_end(ap);
}

/* "<parent>.<child>" (just child when parent is empty). */
static void keycat(char *dst, size_t cap, const char *parent, const char *child)
{
    kjoin(dst, cap, parent, *parent ? "." : "", child, (const char *)NULL);
}

/* "<parent>[i]" */
static void keyidx(char *dst, size_t cap, const char *parent, int i)
{
    char num[16];
    snprintf(num, sizeof num, "[%d]", i);
    kjoin(dst, cap, parent, num, (const char *)NULL);
}

/* A string member: 0 (set, malloc'ed), 1 absent (not required), -1 error. */
static int get_str(mp *p, const cJSON *obj, const char *parent, const char *name, int required,
                   int nonempty, char **out)
{
    char key[512];
    keycat(key, sizeof key, parent, name);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!it) return required ? mfail(p, key, "missing (required)") : 1;
    if (!cJSON_IsString(it)) return mfail(p, key, "expected a string");
    if (nonempty && !*it->valuestring) return mfail(p, key, "must not be empty");
    if (!lp_i_csv_utf8_valid(it->valuestring, strlen(it->valuestring)))
        return mfail(p, key, "not valid UTF-8");
    if (!(*out = dupstr(it->valuestring))) {
        p->st = lp_error_nomem("mapping");
        return -1;
    }
    return 0;
}

static int get_num(mp *p, const cJSON *obj, const char *parent, const char *name, double *out)
{
    char key[512];
    keycat(key, sizeof key, parent, name);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!it) return 1;
    if (!cJSON_IsNumber(it)) return mfail(p, key, "expected a number");
    *out = it->valuedouble;
    return 0;
}

static int get_obj(mp *p, const cJSON *obj, const char *parent, const char *name, int required,
                   const cJSON **out)
{
    char key[512];
    keycat(key, sizeof key, parent, name);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    *out = NULL;
    if (!it) return required ? mfail(p, key, "missing (required)") : 1;
    if (!cJSON_IsObject(it)) return mfail(p, key, "expected an object");
    *out = it;
    return 0;
}

/* A column or a list of columns (name, recency). */
static int get_cols(mp *p, const cJSON *obj, const char *parent, const char *name, char **out,
                    int *n)
{
    char key[512];
    keycat(key, sizeof key, parent, name);
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    *n = 0;
    if (!it) return 1;
    if (cJSON_IsString(it)) return get_str(p, obj, parent, name, 1, 1, &out[(*n)++]);
    if (!cJSON_IsArray(it)) return mfail(p, key, "expected a column name or a list of them");
    int k = cJSON_GetArraySize(it);
    if (k < 1 || k > CRM_MAX_COLS)
        return mfail(p, key, "expected 1 to %d column names, found %d", CRM_MAX_COLS, k);
    for (int i = 0; i < k; i++) {
        const cJSON *e = cJSON_GetArrayItem(it, i);
        char ek[512];
        keyidx(ek, sizeof ek, key, i);
        if (!cJSON_IsString(e)) return mfail(p, ek, "expected a string");
        if (!*e->valuestring) return mfail(p, ek, "must not be empty");
        if (!(out[(*n)++] = dupstr(e->valuestring))) {
            p->st = lp_error_nomem("mapping");
            return -1;
        }
    }
    return 0;
}

static int file_index(const lp_crm_mapping *m, int upto, const char *name)
{
    for (int i = 0; i < upto; i++)
        if (m->files[i].file && !strcmp(m->files[i].file, name)) return i;
    return -1;
}

/* An endpoint: "self" or {"column": C, "nodes": FILE}; FILE must be an
 * earlier file of the mapping with a "node". */
static int parse_ref(mp *p, lp_crm_mapping *m, int fi, const cJSON *it, const char *key, ref *r)
{
    static const char *const keys[] = {"column", "nodes", NULL};
    memset(r, 0, sizeof *r);
    r->file = -1;
    if (cJSON_IsString(it)) {
        if (strcmp(it->valuestring, "self"))
            return mfail(p, key,
                         "expected \"self\" or {\"column\": ..., \"nodes\": ...}, found "
                         "\"%.60s\"",
                         it->valuestring);
        if (!m->files[fi].has_node) return mfail(p, key, "\"self\" in a file without \"node\"");
        r->self = 1;
        r->file = fi;
        return 0;
    }
    if (!cJSON_IsObject(it))
        return mfail(p, key, "expected \"self\" or {\"column\": ..., \"nodes\": ...}");
    char *nodes = NULL;
    if (check_keys(p, it, key, keys) || get_str(p, it, key, "column", 1, 1, &r->column) ||
        get_str(p, it, key, "nodes", 1, 1, &nodes))
        return -1;
    int k = file_index(m, m->nfiles, nodes);
    char nk[512];
    keycat(nk, sizeof nk, key, "nodes");
    int rc = 0;
    if (k < 0)
        rc = mfail(p, nk, "no file '%s' in the mapping", nodes);
    else if (k == fi)
        rc = mfail(p, nk, "names its own file (use \"self\" for the row's own record)");
    else if (k > fi)
        rc = mfail(p, nk, "file '%s' comes later in \"files\" (records must be read first)", nodes);
    else if (!m->files[k].has_node)
        rc = mfail(p, nk, "file '%s' has no \"node\"", nodes);
    r->file = k;
    free(nodes);
    return rc;
}

static int parse_edge(mp *p, lp_crm_mapping *m, int fi, const cJSON *e, edge_spec *es)
{
    static const char *const keys[] = {"from", "to", "weight", "recency", NULL};
    const char *key = es->key;
    if (!cJSON_IsObject(e)) return mfail(p, key, "expected an object");
    if (check_keys(p, e, key, keys)) return -1;
    char k2[512];
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(e, "from");
    const cJSON *to = cJSON_GetObjectItemCaseSensitive(e, "to");
    keycat(k2, sizeof k2, key, "from");
    if (!from) return mfail(p, k2, "missing (required)");
    if (parse_ref(p, m, fi, from, k2, &es->from)) return -1;
    keycat(k2, sizeof k2, key, "to");
    if (!to) return mfail(p, k2, "missing (required)");
    if (cJSON_IsArray(to)) {
        int k = cJSON_GetArraySize(to);
        if (k < 1 || k > CRM_MAX_TO)
            return mfail(p, k2, "expected 1 to %d endpoints, found %d", CRM_MAX_TO, k);
        for (int i = 0; i < k; i++) {
            char k3[512];
            keyidx(k3, sizeof k3, k2, i);
            if (parse_ref(p, m, fi, cJSON_GetArrayItem(to, i), k3, &es->to[es->nto++])) return -1;
        }
    } else if (parse_ref(p, m, fi, to, k2, &es->to[es->nto++])) {
        return -1;
    }
    es->weight = 1;
    int hw = get_num(p, e, key, "weight", &es->weight);
    if (hw < 0) return -1;
    int hr = get_cols(p, e, key, "recency", es->recency, &es->nrec);
    if (hr < 0) return -1;
    keycat(k2, sizeof k2, key, "weight");
    if (hw == 0 && hr == 0) return mfail(p, k2, "both \"weight\" and \"recency\" given");
    if (hw == 0 && !(es->weight > 0 && isfinite(es->weight)))
        return mfail(p, k2, "must be a positive finite number");
    return 0;
}

static int parse_node(mp *p, file_spec *f, const cJSON *node, const char *key)
{
    static const char *const keys[] = {"type",          "id",         "id_prefix",
                                       "name",          "revenue",    "active",
                                       "inactive_type", "anchor_tie", NULL};
    static const char *const tie_keys[] = {"group", "group_prefix", "group_type", "weight", NULL};
    if (check_keys(p, node, key, keys) || get_str(p, node, key, "type", 1, 0, &f->type) ||
        get_str(p, node, key, "id", 1, 1, &f->id) ||
        get_str(p, node, key, "id_prefix", 0, 0, &f->id_prefix) < 0 ||
        get_cols(p, node, key, "name", f->name, &f->nname) < 0 ||
        get_str(p, node, key, "revenue", 0, 1, &f->revenue) < 0 ||
        get_str(p, node, key, "active", 0, 1, &f->active) < 0 ||
        get_str(p, node, key, "inactive_type", 0, 0, &f->inactive_type) < 0)
        return -1;
    char k2[512];
    keycat(k2, sizeof k2, key, "inactive_type");
    if (f->active && !f->inactive_type) return mfail(p, k2, "missing (required with \"active\")");
    if (!f->active && f->inactive_type) return mfail(p, k2, "given without \"active\"");
    if (!f->id_prefix && !(f->id_prefix = dupstr(""))) {
        p->st = lp_error_nomem("mapping");
        return -1;
    }
    const cJSON *tie;
    int rc = get_obj(p, node, key, "anchor_tie", 0, &tie);
    if (rc < 0) return -1;
    if (rc == 0) {
        keycat(k2, sizeof k2, key, "anchor_tie");
        f->has_tie = 1;
        f->tie_weight = 1;
        if (check_keys(p, tie, k2, tie_keys) || get_str(p, tie, k2, "group", 0, 1, &f->group) < 0 ||
            get_str(p, tie, k2, "group_prefix", 0, 0, &f->group_prefix) < 0 ||
            get_str(p, tie, k2, "group_type", 0, 0, &f->group_type) < 0 ||
            get_num(p, tie, k2, "weight", &f->tie_weight) < 0)
            return -1;
        char k3[512];
        keycat(k3, sizeof k3, k2, "weight");
        if (!(f->tie_weight > 0 && isfinite(f->tie_weight)))
            return mfail(p, k3, "must be a positive finite number");
        keycat(k3, sizeof k3, k2, "group_type");
        if (f->group && !f->group_type) return mfail(p, k3, "missing (required with \"group\")");
        if (!f->group && (f->group_type || f->group_prefix))
            return mfail(p, k3, "group_type and group_prefix need \"group\"");
        if (f->group && !f->group_prefix && !(f->group_prefix = dupstr(""))) {
            p->st = lp_error_nomem("mapping");
            return -1;
        }
    }
    return 0;
}

static int parse_file(mp *p, lp_crm_mapping *m, int fi, const cJSON *e)
{
    static const char *const keys[] = {"file", "required", "node", "edges", NULL};
    file_spec *f = &m->files[fi];
    const char *key = f->key;
    if (!cJSON_IsObject(e)) return mfail(p, key, "expected an object");
    free(f->file); /* the name parse_top saw, read again with its checks */
    f->file = NULL;
    if (check_keys(p, e, key, keys) || get_str(p, e, key, "file", 1, 1, &f->file)) return -1;
    char k2[512];
    keycat(k2, sizeof k2, key, "file");
    if (strchr(f->file, '/')) return mfail(p, k2, "a file name, not a path: '%s'", f->file);
    if (file_index(m, fi, f->file) >= 0) return mfail(p, k2, "file '%s' listed twice", f->file);
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(e, "required");
    if (req) {
        keycat(k2, sizeof k2, key, "required");
        if (!cJSON_IsBool(req)) return mfail(p, k2, "expected true or false");
        f->required = cJSON_IsTrue(req);
    }
    const cJSON *node;
    int rc = get_obj(p, e, key, "node", 0, &node);
    if (rc < 0) return -1;
    f->has_node = rc == 0;
    keycat(k2, sizeof k2, key, "node");
    if (f->has_node && parse_node(p, f, node, k2)) return -1;
    const cJSON *edges = cJSON_GetObjectItemCaseSensitive(e, "edges");
    if (edges) {
        keycat(k2, sizeof k2, key, "edges");
        if (!cJSON_IsArray(edges)) return mfail(p, k2, "expected a list");
        int k = cJSON_GetArraySize(edges);
        if (k > CRM_MAX_EDGES) return mfail(p, k2, "more than %d edges in one file", CRM_MAX_EDGES);
        if (k && !(f->edges = lp_calloc((size_t)k, sizeof *f->edges))) {
            p->st = lp_error_nomem("mapping");
            return -1;
        }
        for (int i = 0; i < k; i++) {
            edge_spec *es = &f->edges[f->nedges++];
            keyidx(es->key, sizeof es->key, k2, i);
            if (parse_edge(p, m, fi, cJSON_GetArrayItem(edges, i), es)) return -1;
        }
    }
    if (!f->has_node && !f->nedges) return mfail(p, key, "neither \"node\" nor \"edges\"");
    return 0;
}

static int parse_top(mp *p, lp_crm_mapping *m, const cJSON *root)
{
    static const char *const keys[] = {"format", "version", "name", "anchor",
                                       "roles",  "files",   NULL};
    static const char *const anchor_keys[] = {"id", "type", "name", NULL};
    static const char *const role_keys[] = {"anchor", "person", "account", NULL};
    if (!cJSON_IsObject(root)) return mfail(p, "(top level)", "expected an object");
    if (check_keys(p, root, "(top level)", keys)) return -1;
    char *format = NULL;
    if (get_str(p, root, "", "format", 1, 0, &format)) return -1;
    int bad = strcmp(format, CRM_FORMAT) != 0;
    free(format);
    if (bad) return mfail(p, "format", "expected \"" CRM_FORMAT "\"");
    double version = 0;
    int rc = get_num(p, root, "", "version", &version);
    if (rc < 0) return -1;
    if (rc == 1) return mfail(p, "version", "missing (required)");
    if (version != 1)
        return mfail(p, "version", "unsupported version %g (this linchpin reads 1)", version);
    if (get_str(p, root, "", "name", 0, 1, &m->name) < 0) return -1;
    const cJSON *a;
    if (get_obj(p, root, "", "anchor", 1, &a) || check_keys(p, a, "anchor", anchor_keys) ||
        get_str(p, a, "anchor", "id", 1, 1, &m->anchor_id) ||
        get_str(p, a, "anchor", "type", 1, 0, &m->anchor_type) ||
        get_str(p, a, "anchor", "name", 0, 0, &m->anchor_name) < 0)
        return -1;
    if (!m->anchor_name && !(m->anchor_name = dupstr(""))) {
        p->st = lp_error_nomem("mapping");
        return -1;
    }
    if (get_obj(p, root, "", "roles", 1, &a) || check_keys(p, a, "roles", role_keys)) return -1;
    for (int i = 0; i < 3; i++)
        if (get_str(p, a, "roles", role_keys[i], 1, 1, &m->role[i])) return -1;
    m->roles.anchor = m->role[0];
    m->roles.person = m->role[1];
    m->roles.account = m->role[2];
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(root, "files");
    if (!files) return mfail(p, "files", "missing (required)");
    if (!cJSON_IsArray(files)) return mfail(p, "files", "expected a list");
    int k = cJSON_GetArraySize(files);
    if (k < 1) return mfail(p, "files", "empty");
    if (!(m->files = lp_calloc((size_t)k, sizeof *m->files))) {
        p->st = lp_error_nomem("mapping");
        return -1;
    }
    m->nfiles = k; /* zeroed entries: lp_crm_mapping_free frees what was set */
    /* every file's name first: a reference to a later file gets its own message */
    for (int i = 0; i < k; i++) {
        const cJSON *e = cJSON_GetArrayItem(files, i);
        const cJSON *name = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "file") : NULL;
        if (cJSON_IsString(name) && !(m->files[i].file = dupstr(name->valuestring))) {
            p->st = lp_error_nomem("mapping");
            return -1;
        }
    }
    for (int i = 0; i < k; i++) {
        snprintf(m->files[i].key, sizeof m->files[i].key, "files[%d]", i);
        if (parse_file(p, m, i, cJSON_GetArrayItem(files, i))) return -1;
    }
    return 0;
}

static void free_ref(ref *r)
{
    free(r->column);
}

void lp_crm_mapping_free(lp_crm_mapping *m)
{
    if (!m) return;
    for (int i = 0; i < m->nfiles; i++) {
        file_spec *f = &m->files[i];
        free(f->file);
        free(f->type);
        free(f->id);
        free(f->id_prefix);
        for (int k = 0; k < f->nname; k++)
            free(f->name[k]);
        free(f->revenue);
        free(f->active);
        free(f->inactive_type);
        free(f->group);
        free(f->group_prefix);
        free(f->group_type);
        for (int e = 0; e < f->nedges; e++) {
            edge_spec *es = &f->edges[e];
            free_ref(&es->from);
            for (int t = 0; t < es->nto; t++)
                free_ref(&es->to[t]);
            for (int c = 0; c < es->nrec; c++)
                free(es->recency[c]);
        }
        free(f->edges);
    }
    free(m->files);
    for (int i = 0; i < 3; i++)
        free(m->role[i]);
    free(m->label);
    free(m->name);
    free(m->anchor_id);
    free(m->anchor_type);
    free(m->anchor_name);
    free(m);
}

lp_status lp_crm_mapping_parse(lp_crm_mapping **out, const char *json, size_t len,
                               const char *label)
{
    mp p = {.label = label, .st = LP_OK};
    lp_crm_mapping *m = lp_calloc(1, sizeof *m);
    if (!m || !(m->label = dupstr(label))) {
        free(m);
        return lp_error_nomem("mapping");
    }
    m->size = (int64_t)len;
    m->crc = (uint32_t)crc32_z(crc32(0L, Z_NULL, 0), (const unsigned char *)json, len);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!root) {
        /* where the parser stopped: line and column */
        size_t at = end && end >= json && end <= json + len ? (size_t)(end - json) : 0;
        int64_t line = 1, col = 1;
        for (size_t i = 0; i < at; i++) {
            if (json[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        lp_crm_mapping_free(m);
        return lp_error_set(LP_EINPUT, "%s: not valid JSON (line %" PRId64 ", column %" PRId64 ")",
                            label, line, col);
    }
    /* trailing bytes after the value other than white space */
    if (end) {
        while (end < json + len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
            end++;
        if (end < json + len && *end) {
            cJSON_Delete(root);
            lp_crm_mapping_free(m);
            return lp_error_set(LP_EINPUT, "%s: not valid JSON (text after the top-level value)",
                                label);
        }
    }
    parse_top(&p, m, root);
    cJSON_Delete(root);
    if (p.st) {
        lp_crm_mapping_free(m);
        return p.st;
    }
    *out = m;
    return LP_OK;
}

lp_status lp_crm_mapping_load(lp_crm_mapping **out, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = lp_malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(fp);
            return lp_error_nomem("mapping file");
        }
        len += fread(buf + len, 1, cap - len, fp);
        if (len < cap) break;
        if (cap >= ((size_t)16 << 20)) { /* 16 MiB: no mapping is that large */
            free(buf);
            fclose(fp);
            return lp_error_set(LP_EINPUT, "%s: too large for a mapping (16 MiB or more)", path);
        }
        char *nb = lp_realloc(buf, 2 * cap);
        if (!nb) free(buf);
        buf = nb;
        cap *= 2;
    }
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    if (err) {
        free(buf);
        return lp_error_set(LP_EINPUT, "%s: cannot read: %s", path, strerror(err));
    }
    lp_status st = lp_crm_mapping_parse(out, buf, len, path);
    free(buf);
    return st;
}

lp_status lp_crm_mapping_builtin(lp_crm_mapping **out, const char *name)
{
    static const struct {
        const char *name, *label;
        const unsigned char *json;
        size_t len;
    } known[] = {
        {"salesforce", "io/mappings/salesforce.json", lp_crm_builtin_salesforce,
         sizeof lp_crm_builtin_salesforce},
        {"hubspot", "io/mappings/hubspot.json", lp_crm_builtin_hubspot,
         sizeof lp_crm_builtin_hubspot},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(name, known[i].name))
            return lp_crm_mapping_parse(out, (const char *)known[i].json, known[i].len,
                                        known[i].label);
    char v[LP_TEXT_MSG_CAP];
    return lp_error_set(LP_EUSAGE, "unknown CRM '%s' (known: salesforce, hubspot)",
                        lp_text_msg(v, sizeof v, name, strlen(name)));
}

const lp_roles *lp_crm_mapping_roles(const lp_crm_mapping *m)
{
    return &m->roles;
}

const char *lp_crm_mapping_name(const lp_crm_mapping *m)
{
    return m->name ? m->name : m->label;
}

/* ==== dates ============================================================== */

/* "YYYY-MM-DD" at s[0..10), a valid date of the proleptic Gregorian
 * calendar: its days since 1970-01-01 into *out; 0 or -1. Counted from
 * March (so that a leap day ends its year): with Y the year, one less in
 * January and February, and Y >= 0 by 400 years (146097 days) added, the
 * days before Y's March 1 are 365 Y + Y/4 - Y/100 + Y/400, all unsigned
 * divisions by constants; one branch for the day's range, taken past 28
 * only. An activity log calls this for every row. */
static int parse_ymd(const char *s, size_t len, int64_t *out)
{
    if (len < 10 || s[4] != '-' || s[7] != '-') return -1;
    static const int at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    unsigned v[8], bad = 0;
    for (int i = 0; i < 8; i++) {
        v[i] = (unsigned)(unsigned char)s[at[i]] - '0';
        bad |= v[i] > 9;
    }
    if (bad) return -1;
    unsigned y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], mo = v[4] * 10 + v[5],
             d = v[6] * 10 + v[7];
    if (mo - 1 > 11 || d == 0) return -1;
    if (d > 28) {
        static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (d > mdays[mo - 1] + (unsigned)(mo == 2 && leap)) return -1;
    }
    /* days from March 1 to the first of the month, March = 0 */
    static const unsigned short from_march[12] = {306, 337, 0,   31,  61,  92,
                                                  122, 153, 184, 214, 245, 275};
    unsigned Y = y + 400 - (mo <= 2);
    int64_t days = (int64_t)(365 * Y + Y / 4 - Y / 100 + Y / 400 + from_march[mo - 1] + d - 1);
    /* 1970-03-01 minus 1970-01-01 is 59 days; 1970 + 400 = 2370's March 1 */
    *out = days - (int64_t)(365 * 2370 + 2370 / 4 - 2370 / 100 + 2370 / 400) + 59;
    return 0;
}

/* An activity date: "YYYY-MM-DD", alone or followed by 'T' or ' ' and a
 * time (the date part of a date-time, as Salesforce writes StartDateTime). */
static int parse_activity_day(const char *s, size_t len, int64_t *out)
{
    if (parse_ymd(s, len, out)) return -1;
    return len == 10 || s[10] == 'T' || s[10] == ' ' ? 0 : -1;
}

int lp_crm_parse_day(const char *s, int64_t *out)
{
    size_t len = strlen(s);
    return len == 10 ? parse_ymd(s, len, out) : -1;
}

void lp_crm_format_day(int64_t z, char *buf)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp5 = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp5 + 2) / 5 + 1;
    int64_t mo = mp5 + (mp5 < 10 ? 3 : -9);
    y += mo <= 2;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", (int)(y % 10000), (int)mo, (int)d);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
}

/* ==== the import ========================================================= */

/* ---- short ids -----------------------------------------------------------
 *
 * Node keys of up to SID_MAX bytes (Salesforce's ids are 15 or 18, HubSpot's
 * numbers shorter) are kept in their own table, whose slot holds the key
 * itself, its row, its file and whether it is a person who has left: a
 * lookup reads one 32-byte slot (usually one cache line) instead of a slot,
 * a string offset, the string and two per-node arrays, five cache misses in
 * a table of millions. Longer keys go to the interning table of lp_i_csv.h
 * (crm.ids); a key is in exactly one of the two, chosen by its length
 * (id_hash, id_find), and is placed there when its node is added, so that
 * the merge's duplicate check and every later file's lookups ask the same
 * table. Rows, and so the graph, do not depend on where a key is kept.
 *
 * The key: the id's bytes in 24 bytes, zero-padded, the length in the last
 * byte (so ids of different lengths differ in it), read as three 64-bit
 * words. Equal keys <=> equal ids. */
#define SID_MAX 23

typedef struct sid_key {
    uint64_t w[3];
} sid_key;

typedef struct sid_ent {
    uint64_t w[3];  /* the key; w[2] == 0: an empty slot (no id has length 0) */
    uint32_t row;   /* the row, bit 31: a person who has left */
    int32_t origin; /* as crm.origin[row] */
} sid_ent;

typedef struct sid_table {
    sid_ent *slot; /* [cap] */
    uint64_t cap;  /* < 2^32 */
    int64_t count;
} sid_table;

/* The key of s[0..len), 1 <= len <= SID_MAX. */
static inline sid_key sid_make(const char *s, size_t len)
{
    sid_key k = {{0, 0, 0}};
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* whole words, and the last bytes by an overlapping load shifted down
     * past the bytes already taken (little-endian: byte i at bits 8i) */
    if (len >= 16) {
        k.w[0] = lp_text_load64(s);
        k.w[1] = lp_text_load64(s + 8);
        if (len > 16) k.w[2] = lp_text_load64(s + len - 8) >> (8 * (24 - len));
    } else if (len >= 8) {
        k.w[0] = lp_text_load64(s);
        if (len > 8) k.w[1] = lp_text_load64(s + len - 8) >> (8 * (16 - len));
    } else if (len >= 4) {
        uint64_t hi = len > 4 ? lp_text_load32(s + len - 4) >> (8 * (8 - len)) : 0;
        k.w[0] = lp_text_load32(s) | hi << 32;
    } else {
        for (size_t i = 0; i < len; i++)
            k.w[0] |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    k.w[2] |= (uint64_t)len << 56;
#else
    unsigned char b[24] = {0};
    memcpy(b, s, len);
    b[23] = (unsigned char)len;
    memcpy(k.w, b, sizeof b);
#endif
    return k;
}

static inline uint64_t sid_hash(const sid_key *k)
{
    const uint64_t c1 = UINT64_C(0x9E3779B97F4A7C15), c2 = UINT64_C(0xBF58476D1CE4E5B9);
    return lp_text_fold_mul(lp_text_fold_mul(k->w[0] ^ c1, k->w[1] ^ c2) ^ k->w[2], c1);
}

static inline uint64_t sid_home(const sid_table *t, uint64_t h)
{
    return ((h >> 32) * t->cap) >> 32;
}

/* A table word (a short key's w[2], 0: an empty slot; an interning slot):
 * with conc, read atomically. While a file with nodes is read, its merge
 * places keys as the next block's parse looks references up (overlap,
 * crm_prepare); sid_place stores w[2] last, so a slot seen filled is seen
 * whole. Files of edges only are parsed with no merge running: plain
 * loads, which the batched lookups overlap better (measured: 14% fewer
 * samples in resolve_rows). */
static inline __attribute__((always_inline)) uint64_t word(const uint64_t *p, const int conc)
{
    return conc ? __atomic_load_n(p, __ATOMIC_ACQUIRE) : *p;
}

/* The slot holding k (hash h), or NULL. */
static inline __attribute__((always_inline)) const sid_ent *
sid_find(const sid_table *t, const sid_key *k, uint64_t h, const int conc)
{
    if (!t->slot) return NULL;
    for (uint64_t i = sid_home(t, h);; i = i + 1 == t->cap ? 0 : i + 1) {
        const sid_ent *e = &t->slot[i];
        uint64_t w2 = word(&e->w[2], conc);
        if (!w2) return NULL;
        if (w2 == k->w[2] && e->w[0] == k->w[0] && e->w[1] == k->w[1]) return e;
    }
}

/* The slot of key k, node row (< 2^31) of file origin; left: a person who
 * has left (bit 31 of row). */
static inline sid_ent sid_entry(const sid_key *k, int64_t row, int left, int32_t origin)
{
    return (sid_ent){{k->w[0], k->w[1], k->w[2]}, (uint32_t)row | (uint32_t) !!left << 31, origin};
}

static void sid_free(sid_table *t)
{
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static void sid_place(sid_table *t, const sid_ent *e, uint64_t h)
{
    uint64_t i = sid_home(t, h);
    while (t->slot[i].w[2])
        i = i + 1 == t->cap ? 0 : i + 1;
    sid_ent *d = &t->slot[i];
    d->w[0] = e->w[0];
    d->w[1] = e->w[1];
    d->row = e->row;
    d->origin = e->origin;
    __atomic_store_n(&d->w[2], e->w[2], __ATOMIC_RELEASE); /* last: see word */
}

/* Activity rows: 12 bytes each, the day a row carries standing in for its
 * weight until the as-of day is known; the build then reads the weights
 * from a table of days (lp_edges' weight classes), so no row ever holds a
 * weight of its own. */
typedef struct act_list {
    int64_t m, cap;
    lp_vid *src, *dst;
    int32_t *day; /* days since 1970-01-01 (years 0000-9999 fit) */
} act_list;

static void act_free(act_list *a)
{
    free(a->src);
    free(a->dst);
    free(a->day);
    memset(a, 0, sizeof *a);
}

/* Room for cap rows (exactly), the rows kept; big lists on huge pages,
 * copied rather than realloc'ed (as lp_edges_reserve). 0, or -1 (out of
 * memory, a intact). */
static int act_reserve(act_list *a, int64_t cap)
{
    if (cap <= a->cap) return 0;
    void **const arr[] = {(void **)&a->src, (void **)&a->dst, (void **)&a->day};
    const size_t size[] = {sizeof *a->src, sizeof *a->dst, sizeof *a->day};
    if (lp_i_move_arrays(arr, size, 3, a->m, cap, 0)) return -1;
    a->cap = cap;
    return 0;
}

/* Room for `need` rows, at least doubling when it grows. */
static int act_grow(act_list *a, int64_t need)
{
    if (need <= a->cap) return 0;
    int64_t cap = a->cap ? 2 * a->cap : 4096;
    return act_reserve(a, cap < need ? need : cap);
}

/* The activity rows of from into A at rows [at, at + from->m). */
static void copy_acts(act_list *A, int64_t at, const act_list *from)
{
    if (!from->m) return;
    memcpy(A->src + at, from->src, (size_t)from->m * sizeof *A->src);
    memcpy(A->dst + at, from->dst, (size_t)from->m * sizeof *A->dst);
    memcpy(A->day + at, from->day, (size_t)from->m * sizeof *A->day);
}

/* Touch the bytes [from, to) of p once a page, on every thread: the pages
 * of a list about to be filled are faulted in (the kernel zeroes them) in
 * parallel, not one by one on the thread that merges the blocks (which
 * copies too few rows per block to copy in parallel), a huge page at a
 * time to whichever thread is free. Writes zeros where nothing was
 * written yet. */
static void touch_pages(void *p, size_t from, size_t to)
{
    const size_t page = 4096;
    char *b = p;
    int64_t np = to > from ? (int64_t)((to - from + page - 1) / page) : 0;
#pragma omp parallel for schedule(dynamic, 512) if (np >= 1024)
    for (int64_t i = 0; i < np; i++)
        b[from + (size_t)i * page] = 0;
}

/* Where a row's edges and counts go: the import's own lists (files with
 * nodes, read row by row in file order) or one chunk's (files of edges
 * only, whose chunks are parsed in parallel and merged in file order).
 * Nothing here sets the error message: -1 means out of memory. */
typedef struct sink {
    lp_edges *fixed;
    act_list *act;
    int64_t unknown[CRM_MAX_SLOTS];
    int64_t skipped_left, skipped_unknown, edges;
    int64_t max_day;
    int has_day;
    char *key; /* scratch: prefix + id */
    size_t key_cap;
} sink;

typedef struct crm {
    const lp_crm_mapping *m;
    const lp_crm_options *opt;
    lp_nodes nodes;
    lp_edges fixed;
    act_list act;
    lp_i_intern ids, types;
    sid_table sid;        /* the node keys of up to SID_MAX bytes (longer ones: ids) */
    int64_t rows0, size0; /* the node keys of the files before the current one (ref_find) */
    const char *tname[4]; /* type_index's last answers, by the mapping's string */
    int32_t tidx[4];
    int ntype;
    int32_t *origin; /* [nodes] file index; -1 the anchor, -2 a group node */
    uint8_t *left;   /* [nodes] a person who has left */
    int64_t *line;   /* [nodes] line of the defining row */
    int64_t cap;
    char *key; /* scratch: prefix + id */
    size_t key_cap;
    char *gkey; /* scratch: group prefix + group */
    size_t gkey_cap;
    char *name; /* scratch: joined name */
    size_t name_cap;
    int64_t max_day;
    int has_day;
    int64_t warned;
    lp_crm_report rep;
    uLong crc;
    lp_i_blocks *blocks;     /* the block reader's workspaces */
    struct crm_chunk *chunk; /* [2 x lp_i_blocks_chunks] */
    int nchunk;
    sink ser; /* files with nodes: edges straight into fixed and act */
} crm;

/* Room in the per-node arrays for `more` nodes beyond the current count:
 * exactly that many when `exact` (a file's estimate, crm_reserve: the
 * arrays are then first touched on every thread, lp_i_alloc_big's zeroing,
 * so that the serial merge's stores fault no page), else at least x2
 * (a row at a time: untouched, as a doubled tail may never be used). */
static lp_status reserve_node_arrays(crm *c, int64_t more, int exact)
{
    if (c->nodes.id.count + more <= c->cap) return LP_OK;
    int64_t cap = c->nodes.id.count + more;
    if (!exact) {
        cap = c->cap ? 2 * c->cap : 4096;
        while (cap < c->nodes.id.count + more)
            cap *= 2;
    }
    /* huge pages, copied (as lp_edges_reserve) */
    void **const arr[] = {(void **)&c->origin, (void **)&c->left, (void **)&c->line};
    const size_t size[] = {sizeof *c->origin, sizeof *c->left, sizeof *c->line};
    if (lp_i_move_arrays(arr, size, 3, c->nodes.id.count, cap, exact))
        return lp_error_nomem("CRM node table");
    c->cap = cap;
    return LP_OK;
}

/* *p (used of *cap elements of esize bytes) to want elements when it has
 * fewer, in a new block first touched on every thread (lp_i_alloc_big's
 * zeroing), the used part copied: the serial merge's pushes then neither
 * fault pages nor copy the table as it doubles. 0, or -1 (out of memory,
 * *p intact). */
static int prefault_grow(void **p, int64_t *cap, int64_t used, int64_t want, size_t esize)
{
    if (want <= *cap) return 0;
    void **const arr[] = {p};
    if (lp_i_move_arrays(arr, &esize, 1, used, want, 1)) return -1;
    *cap = want;
    return 0;
}

/* Room for `more` strings of `bytes` bytes (NULs included) beyond t's. */
static int prefault_strtab(lp_strtab *t, int64_t more, int64_t bytes)
{
    return prefault_grow((void **)&t->offset, &t->offset_cap, t->count, t->count + more,
                         sizeof *t->offset) ||
           prefault_grow((void **)&t->data, &t->data_cap, t->size, t->size + bytes, 1);
}

/* Room in the node table (ids, names, types, revenues and the per-node
 * arrays) for `more` nodes of id_bytes and name_bytes in all. */
static lp_status reserve_nodes(crm *c, int64_t more, int64_t id_bytes, int64_t name_bytes)
{
    lp_nodes *N = &c->nodes;
    int64_t n = N->id.count, c1 = N->cap, c2 = N->cap;
    if (prefault_strtab(&N->id, more, id_bytes) || prefault_strtab(&N->name, more, name_bytes) ||
        prefault_grow((void **)&N->type, &c1, n, n + more, sizeof *N->type) ||
        prefault_grow((void **)&N->revenue, &c2, n, n + more, sizeof *N->revenue)) {
        N->cap = c1 < c2 ? c1 : c2;
        return lp_error_nomem("CRM node table");
    }
    N->cap = c1 < c2 ? c1 : c2;
    return reserve_node_arrays(c, more, 1);
}

static lp_status grow_node_arrays(crm *c)
{
    return reserve_node_arrays(c, 1, 0);
}

static lp_status ensure(char **buf, size_t *cap, size_t want)
{
    if (want <= *cap) return LP_OK;
    size_t nc = *cap ? *cap : 256;
    while (nc < want)
        nc *= 2;
    char *b = lp_realloc(*buf, nc);
    if (!b) return lp_error_nomem("CRM scratch");
    *buf = b;
    *cap = nc;
    return LP_OK;
}

/* prefix + s[0..len) into *buf (capacity *cap); its length. */
static lp_status make_key(char **buf, size_t *cap, const char *prefix, const char *s, size_t len,
                          size_t *klen)
{
    size_t pl = strlen(prefix);
    lp_status st = ensure(buf, cap, pl + len + 1);
    if (st) return st;
    memcpy(*buf, prefix, pl);
    memcpy(*buf + pl, s, len);
    (*buf)[pl + len] = '\0';
    *klen = pl + len;
    return LP_OK;
}

static lp_status type_index(crm *c, const char *type, int32_t *out)
{
    size_t len = strlen(type);
    uint64_t h = lp_i_csv_hash(type, len);
    int64_t t = lp_i_intern_find(&c->types, &c->nodes.type_name, type, len, h);
    if (t < 0) {
        t = c->nodes.type_name.count;
        lp_status st = lp_strtab_push(&c->nodes.type_name, type, len);
        if (!st) st = lp_i_intern_add(&c->types, h, t);
        if (st) return st;
    }
    *out = (int32_t)t;
    return LP_OK;
}

/* type_index for one of the mapping's type strings: a row's type is one of
 * a few, asked again for every node (a hash and a compare saved). */
static lp_status type_of(crm *c, const char *type, int32_t *out)
{
    for (int i = 0; i < c->ntype; i++)
        if (c->tname[i] == type) {
            *out = c->tidx[i];
            return LP_OK;
        }
    lp_status st = type_index(c, type, out);
    if (st) return st;
    int i = c->ntype < 4 ? c->ntype++ : 3;
    c->tname[i] = type;
    c->tidx[i] = *out;
    return LP_OK;
}

static lp_status sid_reserve(crm *c, int64_t more);

/* Room in the short keys' table for `more` further keys as they come (a
 * row, a block's rows): when it grows, at least doubled, so that it is
 * not rebuilt again and again. (sid_reserve alone: exactly, for an
 * estimate of a whole file.) */
static lp_status sid_room(crm *c, int64_t more)
{
    if ((uint64_t)(c->sid.count + more) * 2 <= c->sid.cap) return LP_OK;
    return sid_reserve(c, more > c->sid.count + 64 ? more : c->sid.count + 64);
}

static int is_short(size_t len)
{
    return len >= 1 && len <= SID_MAX;
}

/* The hash key[0..len) is kept under: sid_hash for a short key, else
 * lp_i_csv_hash (crm.ids). */
static uint64_t id_hash(const char *key, size_t len)
{
    if (!is_short(len)) return lp_i_csv_hash(key, len);
    sid_key k = sid_make(key, len);
    return sid_hash(&k);
}

/* The row of node key[0..len) (hash h, id_hash's), or -1. */
static int64_t id_find(const crm *c, const char *key, size_t len, uint64_t h)
{
    if (!is_short(len)) return lp_i_intern_find(&c->ids, &c->nodes.id, key, len, h);
    sid_key k = sid_make(key, len);
    const sid_ent *e = sid_find(&c->sid, &k, h, 0); /* the merge's own table */
    return e ? (int64_t)(e->row & 0x7fffffffu) : -1;
}

/* A reference names a record of an earlier file: the parse looks only at
 * the keys of the files before the current one (crm.rows0 rows, crm.size0
 * bytes of keys, set serially as a file starts). While a file with nodes
 * is read, its merge adds rows as the next block's parse looks references
 * up (overlap): those rows are skipped (a reference to one is not a record
 * of the reference's file whether seen or not), so the parse reads nothing
 * the merge writes but table slots, read atomically. */
static size_t ref_key_len(const crm *c, int64_t row)
{
    const int64_t *off = c->nodes.id.offset;
    int64_t end = row + 1 < c->rows0 ? off[row + 1] : c->size0;
    return (size_t)(end - off[row] - 1);
}

/* The first row of the earlier files in the interning table whose slot's
 * tag matches h and, given a key (not NULL), whose key is key[0..len); or
 * -1. Without a key: a candidate, not yet compared (as
 * lp_i_intern_candidate); with one: lp_i_intern_find, for the parse. */
static inline __attribute__((always_inline)) int64_t
ref_intern(const crm *c, uint64_t h, const char *key, size_t len, const int conc)
{
    const lp_i_intern *t = &c->ids;
    if (!t->slot) return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = lp_i_intern_home(t, h);; i = i + 1 == t->cap ? 0 : i + 1) {
        uint64_t e = word(&t->slot[i], conc);
        if (!e) return -1;
        int64_t row = (int64_t)(uint32_t)e - 1;
        if ((uint32_t)(e >> 32) == tag && row < c->rows0 &&
            (!key || (ref_key_len(c, row) == len &&
                      memcmp(lp_strtab_get(&c->nodes.id, row), key, len) == 0)))
            return row;
    }
}

/* id_find for the parse: the row of key[0..len) (hash h) among the earlier
 * files' rows, or -1. */
static int64_t ref_find(const crm *c, const char *key, size_t len, uint64_t h, const int conc)
{
    if (is_short(len)) {
        sid_key k = sid_make(key, len);
        const sid_ent *e = sid_find(&c->sid, &k, h, conc);
        int64_t row = e ? (int64_t)(e->row & 0x7fffffffu) : -1;
        return row < c->rows0 ? row : -1;
    }
    return ref_intern(c, h, key, len, conc);
}

/* Append node key[0..klen) (known absent, hash h, id_hash's). */
static lp_status add_node(crm *c, const char *key, size_t klen, uint64_t h, const char *type,
                          double revenue, const char *name, size_t name_len, int32_t origin,
                          int left, int64_t line)
{
    int32_t t;
    lp_status st = type_of(c, type, &t);
    if (!st) st = grow_node_arrays(c);
    /* room in the short keys' table first (a table grown places the rows
     * before this one) */
    if (!st && is_short(klen)) st = sid_room(c, 1);
    if (st) return st;
    int64_t row = c->nodes.id.count;
    if (row >= LP_VID_MAX)
        return lp_error_set(LP_EINPUT, "too many nodes (more than %d)", LP_VID_MAX);
    if ((st = lp_nodes_push(&c->nodes, key, klen, t, revenue)) ||
        (st = lp_strtab_push(&c->nodes.name, name, name_len)))
        return st;
    if (is_short(klen)) {
        sid_key k = sid_make(key, klen);
        sid_ent e = sid_entry(&k, row, left, origin);
        sid_place(&c->sid, &e, h);
        c->sid.count++;
    } else if ((st = lp_i_intern_add(&c->ids, h, row))) {
        return st;
    }
    c->origin[row] = origin;
    c->left[row] = (uint8_t)left;
    c->line[row] = line;
    return LP_OK;
}

/* The current row of an export file: its fields (in the block reader's
 * block) and its line. */
typedef struct rd {
    const lp_i_field *f; /* [nf] */
    int64_t nf;
    const char *path;
    int64_t width; /* header fields */
    int64_t line;
} rd;

static const char *fld(const rd *f, int col, size_t *len)
{
    *len = f->f[col].len;
    return f->f[col].s;
}

/* Room in E for `need` rows, at least doubling it when it grows. */
static lp_status reserve_edges(lp_edges *E, int64_t need)
{
    if (need <= E->cap) return LP_OK;
    int64_t cap = E->cap ? 2 * E->cap : 4096;
    return lp_edges_reserve(E, cap < need ? need : cap);
}

/* Append (u, v, w) to E, growing it x2; -1 when out of memory (E intact). */
static int push_edge(lp_edges *E, lp_vid u, lp_vid v, double w)
{
    if (E->m == E->cap && reserve_edges(E, E->m + 1)) return -1;
    E->src[E->m] = u;
    E->dst[E->m] = v;
    E->weight[E->m] = w;
    E->m++;
    return 0;
}

/* A sink's counts into the file's report (and the latest day into c). */
static void sink_flush(crm *c, sink *s, lp_crm_file_report *fr, int nslots)
{
    for (int k = 0; k < nslots; k++)
        fr->unknown[k] += s->unknown[k];
    fr->skipped_left += s->skipped_left;
    fr->skipped_unknown += s->skipped_unknown;
    fr->edges += s->edges;
    if (s->has_day && (!c->has_day || s->max_day > c->max_day)) c->max_day = s->max_day;
    c->has_day |= s->has_day;
    memset(s->unknown, 0, sizeof s->unknown);
    s->skipped_left = s->skipped_unknown = s->edges = 0;
    s->has_day = 0;
}

/* A row message without its "<path>:<line>: " (thread-safe). */
static void field_msg(char *msg, size_t cap, const char *col, const char *what, const char *v,
                      size_t len)
{
    char text[256];
    if (!v)
        snprintf(msg, cap, "field '%s': %s", col, what);
    else
        snprintf(msg, cap, "field '%s': %s \"%s\"", col, what,
                 lp_i_csv_msg_text(text, sizeof text, v, len));
}

/* A bad row (LP_EINPUT, message set): skipped and counted with
 * skip_bad_rows, else fatal. */
static lp_status bad_row(crm *c, lp_crm_file_report *fr, lp_status st)
{
    if (st != LP_EINPUT || !c->opt->skip_bad_rows) return st;
    c->rep.load.skipped_rows++;
    fr->bad_rows++;
    if (c->opt->warn && c->warned < CRM_MAX_WARNINGS) {
        fprintf(c->opt->warn, "warning: %s\n", lp_error_message());
        c->warned++;
    }
    lp_error_clear();
    return LP_OK;
}

/* "<path>:<line>: field '<col>': <what>[ \"<v>\"]" */
static lp_status row_err(const rd *f, const char *col, const char *what, const char *v, size_t len)
{
    char text[256];
    if (!v)
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': %s", f->path, f->line, col,
                            what);
    return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': %s \"%s\"", f->path, f->line, col,
                        what, lp_i_csv_msg_text(text, sizeof text, v, len));
}

/* No NUL byte, valid UTF-8 (pure: the parse checks a row's texts ahead of
 * its merge). */
static int text_ok(const char *s, size_t len)
{
    return !memchr(s, '\0', len) && lp_i_csv_utf8_valid(s, len);
}

/* Text kept in the graph: valid UTF-8 without NUL. */
static lp_status check_text(const rd *f, const char *col, const char *what, const char *s,
                            size_t len)
{
    if (text_ok(s, len)) return LP_OK;
    char w[80];
    if (memchr(s, '\0', len)) {
        snprintf(w, sizeof w, "NUL byte in %s", what);
        return row_err(f, col, w, s, len);
    }
    if (!lp_i_csv_utf8_valid(s, len)) {
        snprintf(w, sizeof w, "invalid UTF-8 in %s", what);
        return row_err(f, col, w, s, len);
    }
    return LP_OK;
}

/* true/false/1/0, any case. */
static int parse_bool(const char *s, size_t len, int *out)
{
    if (len == 1 && (*s == '1' || *s == '0')) {
        *out = *s == '1';
        return 0;
    }
    static const char *const w[2] = {"false", "true"};
    for (int b = 0; b < 2; b++) {
        size_t n = strlen(w[b]);
        if (len != n) continue;
        size_t i = 0;
        while (i < n && (s[i] | 0x20) == w[b][i])
            i++;
        if (i == n) {
            *out = b;
            return 0;
        }
    }
    return -1;
}

/* A reference value of a row, waiting for its lookup. */
typedef struct bref {
    const char *s; /* in the block */
    size_t len;
    uint64_t h;
    int64_t cand; /* -2 empty, -3 prefixed (looked up alone), -4 a short id (key k), else a
                     candidate row or -1 */
    sid_key k;
} bref;

/* Resolve the reference values b[0..n), b[j] a value of F's slot j % ns:
 * res[j] the node row, or -1 with why[j] 0 (empty), 1 (not a record of the
 * slot's file) or 2 (a person who has left). The lookups go in stages with
 * prefetches between them (slot, the candidate's string offset, its bytes
 * and its origin), so that the cache misses of the whole batch overlap, as
 * in csvload.c's flush_batch. Reads c's tables only (safe in parallel, and
 * with the merge of a file with nodes: ref_find). 0,
 * or -1 when out of memory (a prefixed key). */
static inline __attribute__((always_inline)) int resolve_rows(const crm *c, const file_spec *F,
                                                              bref *b, int n, int ns, sink *s,
                                                              int64_t *res, int8_t *why,
                                                              const int conc)
{
    const lp_i_intern *t = &c->ids;
    const lp_strtab *keys = &c->nodes.id;
    for (int j = 0; j < n; j++) {
        const file_spec *T = &c->m->files[F->slots[j % ns].file];
        if (!b[j].len) {
            b[j].cand = -2;
        } else if (*T->id_prefix) {
            b[j].cand = -3;
        } else if (b[j].len <= SID_MAX && c->sid.slot) {
            b[j].k = sid_make(b[j].s, b[j].len);
            b[j].h = sid_hash(&b[j].k);
            b[j].cand = -4;
        } else {
            b[j].h = lp_i_csv_hash(b[j].s, b[j].len);
            b[j].cand = -1;
        }
    }
    /* the short ids' slots by demand loads in a tight loop, which overlap
     * one another: a prefetch that misses the TLB may be dropped (measured
     * on a VM), and the probes below, whose branches mispredict, would then
     * take their cache misses one at a time */
    uint64_t touch = 0;
    for (int j = 0; j < n; j++)
        if (b[j].cand == -4) {
            /* the probe's next cache line too (slots are 32 bytes): a probe
             * may run past its first line, more often for an id that is not
             * there (a reference to another file's record) */
            uint64_t hm = sid_home(&c->sid, b[j].h), nx = hm + 2 < c->sid.cap ? hm + 2 : 0;
            touch += word(&c->sid.slot[hm].w[2], conc) + word(&c->sid.slot[nx].w[2], conc);
        } else if (b[j].cand == -1 && t->slot)
            touch += word(&t->slot[lp_i_intern_home(t, b[j].h)], conc);
    LP_I_KEEP(touch);
    for (int j = 0; j < n; j++)
        if (b[j].cand == -1 && (b[j].cand = ref_intern(c, b[j].h, NULL, 0, conc)) >= 0)
            LP_I_PREFETCH(&keys->offset[b[j].cand]);
    for (int j = 0; j < n; j++)
        if (b[j].cand >= 0) {
            LP_I_PREFETCH(keys->data + keys->offset[b[j].cand]);
            LP_I_PREFETCH(&c->origin[b[j].cand]);
            LP_I_PREFETCH(&c->left[b[j].cand]);
        }
    for (int j = 0; j < n; j++) {
        const slot *sl = &F->slots[j % ns];
        int64_t row = -1, cand = b[j].cand;
        why[j] = 0;
        res[j] = -1;
        if (cand == -2) continue;
        if (cand == -4) {
            const sid_ent *e = sid_find(&c->sid, &b[j].k, b[j].h, conc);
            if (!e || e->origin != sl->file)
                why[j] = 1;
            else if (e->row >> 31)
                why[j] = 2;
            else
                res[j] = (int64_t)e->row;
            continue;
        }
        if (cand == -3) {
            const char *pre = c->m->files[sl->file].id_prefix;
            size_t pl = strlen(pre), len = b[j].len;
            if (pl + len + 1 > s->key_cap) {
                size_t cap = 2 * (pl + len + 1);
                char *kb = lp_realloc(s->key, cap);
                if (!kb) return -1;
                s->key = kb;
                s->key_cap = cap;
            }
            memcpy(s->key, pre, pl);
            memcpy(s->key + pl, b[j].s, len);
            row = ref_find(c, s->key, pl + len, id_hash(s->key, pl + len), conc);
        } else if (cand >= 0) {
            if (ref_key_len(c, cand) == b[j].len &&
                memcmp(lp_strtab_get(keys, cand), b[j].s, b[j].len) == 0)
                row = cand;
            else /* another key with the same tag came first: probe on */
                row = ref_find(c, b[j].s, b[j].len, b[j].h, conc);
        }
        if (row < 0 || c->origin[row] != sl->file)
            why[j] = 1;
        else if (c->left[row])
            why[j] = 2;
        else
            res[j] = row;
    }
    return 0;
}

/* resolve_rows for a file of edges only (no merge runs with its parse) and
 * for a file with nodes (its merge may), each a function of its own. */
static __attribute__((noinline)) int resolve_edges(const crm *c, const file_spec *F, bref *b, int n,
                                                   int ns, sink *s, int64_t *res, int8_t *why)
{
    return resolve_rows(c, F, b, n, ns, s, res, why, 0);
}

static __attribute__((noinline)) int resolve_nodes(const crm *c, const file_spec *F, bref *b, int n,
                                                   int ns, sink *s, int64_t *res, int8_t *why)
{
    return resolve_rows(c, F, b, n, ns, s, res, why, 1);
}

/* Column index of name in the header (names[], width), or -1. */
static int find_col(char **names, int64_t width, const char *name)
{
    for (int64_t i = 0; i < width; i++)
        if (!strcmp(names[i], name)) return (int)i;
    return -1;
}

/* "<label>: <key>: column 'X' not in <path> (header: a, b, ...)" */
static lp_status missing_col(crm *c, const rd *f, char **names, int64_t width, const char *key,
                             const char *col)
{
    char hdr[400] = "", text[200];
    size_t used = 0;
    for (int64_t i = 0; i < width && used < 300; i++) {
        lp_i_csv_msg_text(text, sizeof text, names[i], strlen(names[i]));
        int n = snprintf(hdr + used, sizeof hdr - used, "%s%s", i ? ", " : "", text);
        if (n < 0) break;
        used += (size_t)n;
        if (used >= sizeof hdr) used = sizeof hdr - 1;
    }
    if (used >= 300) snprintf(hdr + 300, sizeof hdr - 300, ", ...");
    return lp_error_set(LP_EINPUT, "%s: %s: column '%s' not in %s (header: %s)", c->m->label, key,
                        col, f->path, hdr);
}

static lp_status bind_col(crm *c, const rd *f, char **names, const char *key, const char *col,
                          int *out)
{
    *out = find_col(names, f->width, col);
    if (*out < 0) return missing_col(c, f, names, f->width, key, col);
    /* a column named twice in the header: which one is meant? */
    for (int64_t i = *out + 1; i < f->width; i++)
        if (!strcmp(names[i], col))
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field '%s': duplicate column (columns %d and "
                                "%" PRId64 ")",
                                f->path, f->line, col, *out + 1, i + 1);
    return LP_OK;
}

/* The slot of a reference (column, file), added on first use, with its
 * entry in the file report. */
static lp_status add_slot(crm *c, file_spec *F, const rd *f, char **names, const char *key, ref *r,
                          lp_crm_file_report *fr)
{
    for (int i = 0; i < F->nslots; i++)
        if (!strcmp(F->slots[i].column, r->column) && F->slots[i].file == r->file) {
            r->slot = i;
            return LP_OK;
        }
    if (F->nslots == CRM_MAX_SLOTS)
        return lp_error_set(LP_EINPUT, "%s: %s: more than %d reference columns in one file",
                            c->m->label, key, CRM_MAX_SLOTS);
    slot *sl = &F->slots[F->nslots];
    sl->column = r->column;
    sl->file = r->file;
    lp_status st = bind_col(c, f, names, key, r->column, &sl->col);
    if (st) return st;
    r->slot = F->nslots++;
    const char *col = r->column;
    char **nc = lp_realloc(fr->col, (size_t)(fr->ncols + 1) * sizeof *nc);
    if (!nc) return lp_error_nomem("CRM report");
    fr->col = nc;
    int64_t *nu = lp_realloc(fr->unknown, (size_t)(fr->ncols + 1) * sizeof *nu);
    if (!nu) return lp_error_nomem("CRM report");
    fr->unknown = nu;
    if (!(fr->col[fr->ncols] = dupstr(col))) return lp_error_nomem("CRM report");
    fr->unknown[fr->ncols] = 0;
    fr->ncols++;
    return LP_OK;
}

/* Bind every column file F uses to the header. */
static lp_status bind_header(crm *c, file_spec *F, const rd *f, char **names,
                             lp_crm_file_report *fr)
{
    char key[512];
    lp_status st = LP_OK;
    F->c_id = F->c_revenue = F->c_active = F->c_group = -1;
    F->nslots = 0;
    if (F->has_node) {
        keycat(key, sizeof key, F->key, "node.id");
        if ((st = bind_col(c, f, names, key, F->id, &F->c_id))) return st;
        keycat(key, sizeof key, F->key, "node.name");
        for (int k = 0; k < F->nname; k++)
            if ((st = bind_col(c, f, names, key, F->name[k], &F->c_name[k]))) return st;
        keycat(key, sizeof key, F->key, "node.revenue");
        if (F->revenue && (st = bind_col(c, f, names, key, F->revenue, &F->c_revenue))) return st;
        keycat(key, sizeof key, F->key, "node.active");
        if (F->active && (st = bind_col(c, f, names, key, F->active, &F->c_active))) return st;
        keycat(key, sizeof key, F->key, "node.anchor_tie.group");
        if (F->group && (st = bind_col(c, f, names, key, F->group, &F->c_group))) return st;
    }
    for (int e = 0; e < F->nedges; e++) {
        edge_spec *es = &F->edges[e];
        ref *all[1 + CRM_MAX_TO];
        const char *part[1 + CRM_MAX_TO];
        char tk[CRM_MAX_TO][16];
        all[0] = &es->from;
        part[0] = "from";
        for (int t = 0; t < es->nto; t++) {
            all[1 + t] = &es->to[t];
            if (es->nto > 1)
                snprintf(tk[t], sizeof tk[t], "to[%d]", t);
            else
                snprintf(tk[t], sizeof tk[t], "to");
            part[1 + t] = tk[t];
        }
        for (int k = 0; k < 1 + es->nto; k++) {
            ref *r = all[k];
            if (r->self) continue;
            kjoin(key, sizeof key, es->key, ".", part[k], ".column", (const char *)NULL);
            if ((st = add_slot(c, F, f, names, key, r, fr))) return st;
        }
        kjoin(key, sizeof key, es->key, ".recency", (const char *)NULL);
        for (int k = 0; k < es->nrec; k++)
            if ((st = bind_col(c, f, names, key, es->recency[k], &es->rec_col[k]))) return st;
    }
    return LP_OK;
}

/* Find <dir>/<file>.csv, else .csv.gz: *out, or NULL if neither exists.
 * LP_EINTERNAL when out of memory. */
static lp_status find_file(const char *dir, const char *file, char **out)
{
    static const char *const ext[2] = {".csv", ".csv.gz"};
    *out = NULL;
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(dir) + strlen(file) + 10;
        char *p = lp_malloc(n);
        if (!p) return lp_error_nomem("CRM file name");
        snprintf(p, n, "%s%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", file,
                 ext[i]);
        struct stat sb;
        if (stat(p, &sb) == 0) {
            *out = p;
            return LP_OK;
        }
        free(p);
    }
    return LP_OK;
}

/* The row's width against the header: 0, or 1 with msg set. */
static int row_width(const rd *f, char *msg, size_t cap)
{
    if (f->nf == f->width) return 0;
    snprintf(msg, cap, "expected %" PRId64 " fields, found %" PRId64, f->width, f->nf);
    return 1;
}

/* The day of each edge of F with "recency" (the first non-empty of its
 * columns) into day[]: 0, or 1 with msg set (a bad row). */
static int row_days(const file_spec *F, const rd *f, int64_t *day, char *msg, size_t cap)
{
    for (int e = 0; e < F->nedges && e < CRM_MAX_EDGES; e++) {
        const edge_spec *es = &F->edges[e];
        if (!es->nrec) continue;
        size_t len = 0;
        const char *s = NULL;
        int k = 0;
        for (; k < es->nrec; k++) {
            s = fld(f, es->rec_col[k], &len);
            if (len) break;
        }
        if (k == es->nrec) {
            field_msg(msg, cap, es->recency[0], "missing date", NULL, 0);
            return 1;
        }
        if (parse_activity_day(s, len, &day[e])) {
            field_msg(msg, cap, es->recency[k], "malformed date (want YYYY-MM-DD)", s, len);
            return 1;
        }
    }
    return 0;
}

/* The edges of a good row (days from row_days; res and why: its reference
 * columns resolved by resolve_rows, one each whichever edge uses it, so
 * that each one's unknown values are counted in every good row; self: the
 * row's own node, or -1): each edge made or counted as not made. 0, or -1
 * when out of memory. */
static int emit_edges(const file_spec *F, int64_t self, const int64_t *day, const int64_t *res,
                      const int8_t *why, sink *s)
{
    for (int e = 0; e < F->nedges && e < CRM_MAX_EDGES; e++)
        if (F->edges[e].nrec) {
            if (!s->has_day || day[e] > s->max_day) s->max_day = day[e];
            s->has_day = 1;
        }
    for (int k = 0; k < F->nslots; k++)
        s->unknown[k] += why[k] == 1;
    for (int e = 0; e < F->nedges && e < CRM_MAX_EDGES; e++) {
        const edge_spec *es = &F->edges[e];
        int64_t u = es->from.self ? self : res[es->from.slot], v = -1;
        int left = !es->from.self && why[es->from.slot] == 2;
        for (int t = 0; u >= 0 && t < es->nto && v < 0 && !left; t++) {
            const ref *r = &es->to[t];
            v = r->self ? self : res[r->slot];
            left = !r->self && why[r->slot] == 2; /* a person who has left: no fallback */
        }
        if (u < 0 || v < 0) {
            if (left)
                s->skipped_left++;
            else
                s->skipped_unknown++;
            continue;
        }
        if (es->nrec) {
            act_list *a = s->act;
            if (a->m == a->cap && act_grow(a, a->m + 1)) return -1;
            a->src[a->m] = (lp_vid)u;
            a->dst[a->m] = (lp_vid)v;
            a->day[a->m] = (int32_t)day[e];
            a->m++;
        } else if (push_edge(s->fixed, (lp_vid)u, (lp_vid)v, es->weight)) {
            return -1;
        }
        s->edges++;
    }
    return 0;
}

/* "<path>:<line>: <msg>" as the error (LP_EINPUT). */
static lp_status row_msg_error(const rd *f, const char *msg)
{
    return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": %s", f->path, f->line, msg);
}

/* Process the current row of file F (index fi), serially: its node, its
 * tie to the anchor, its edges (into s). */
static lp_status do_row(crm *c, int fi, file_spec *F, const rd *f, lp_crm_file_report *fr,
                        uint64_t idh, int clean, const int64_t *res, const int8_t *why, sink *out)
{
    lp_status st;
    char msg[640];
    if (row_width(f, msg, sizeof msg)) return row_msg_error(f, msg);
    /* checks first: a bad row changes nothing */
    size_t id_len = 0, klen = 0, name_len = 0, glen = 0;
    const char *id = NULL, *g = NULL, *key = NULL;
    double revenue = 0;
    int active = 1;
    uint64_t h = 0;
    if (F->has_node) {
        id = fld(f, F->c_id, &id_len);
        if (id_len == 0) return row_err(f, F->id, "empty id", NULL, 0);
        if (!clean && (st = check_text(f, F->id, "id", id, id_len))) return st;
        size_t used = 0;
        for (int k = 0; k < F->nname; k++) {
            size_t len;
            const char *s = fld(f, F->c_name[k], &len);
            if (!clean && (st = check_text(f, F->name[k], "name", s, len))) return st;
            if (!len) continue;
            if ((st = ensure(&c->name, &c->name_cap, used + len + 2))) return st;
            if (used) c->name[used++] = ' ';
            memcpy(c->name + used, s, len);
            used += len;
        }
        name_len = used;
        if (F->c_revenue >= 0) {
            size_t len;
            const char *s = fld(f, F->c_revenue, &len);
            if (len) {
                int rc = lp_i_csv_parse_number(s, len, &revenue);
                if (rc == LP_I_NUM_NOMEM) return lp_error_nomem("number");
                if (rc == LP_I_NUM_MALFORMED)
                    return row_err(f, F->revenue, "malformed number", s, len);
                if (rc == LP_I_NUM_RANGE)
                    return row_err(f, F->revenue, "number out of range", s, len);
                if (revenue < 0) return row_err(f, F->revenue, "negative revenue", s, len);
            }
        }
        if (F->c_active >= 0) {
            size_t len;
            const char *s = fld(f, F->c_active, &len);
            if (parse_bool(s, len, &active))
                return row_err(f, F->active, "not a boolean (true, false, 1 or 0)", s, len);
        }
        if (F->c_group >= 0) {
            g = fld(f, F->c_group, &glen);
            if (!clean && (st = check_text(f, F->group, "group", g, glen))) return st;
        }
        /* the key: the id itself, or prefix + id in c->key */
        key = id;
        klen = id_len;
        if (*F->id_prefix) {
            if ((st = make_key(&c->key, &c->key_cap, F->id_prefix, id, id_len, &klen))) return st;
            key = c->key;
        }
        h = idh; /* the hash of the key, computed in the parallel parse */
        int64_t prev = id_find(c, key, klen, h);
        if (prev >= 0) {
            char text[256], where[400];
            if (c->origin[prev] >= 0)
                snprintf(where, sizeof where, "first defined in %s.csv line %" PRId64,
                         c->m->files[c->origin[prev]].file, c->line[prev]);
            else
                snprintf(where, sizeof where, "the id of an anchor node");
            return lp_error_set(
                LP_EINPUT, "%s:%" PRId64 ": field '%s': duplicate node id \"%s\" (%s)", f->path,
                f->line, F->id, lp_i_csv_msg_text(text, sizeof text, key, klen), where);
        }
    }
    int64_t day[CRM_MAX_EDGES];
    if (row_days(F, f, day, msg, sizeof msg)) return row_msg_error(f, msg);
    /* the row's group, looked up before anything is added: a group whose
     * id is a record's (this row's own too) makes the row bad, and a bad
     * row adds nothing */
    int tie = F->has_node && F->has_tie && active;
    int64_t to = 0; /* the anchor */
    size_t gklen = 0;
    uint64_t gh = 0;
    if (tie && g && glen) {
        if ((st = make_key(&c->gkey, &c->gkey_cap, F->group_prefix, g, glen, &gklen))) return st;
        gh = id_hash(c->gkey, gklen);
        to = id_find(c, c->gkey, gklen, gh);
        if ((to >= 0 && c->origin[to] != -2) || (gklen == klen && !memcmp(c->gkey, key, klen))) {
            char text[256];
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field '%s': group node id \"%s\" is "
                                "already the id of a record",
                                f->path, f->line, F->group,
                                lp_i_csv_msg_text(text, sizeof text, c->gkey, gklen));
        }
    }
    /* the row is good */
    int64_t self = -1;
    if (F->has_node) {
        self = c->nodes.id.count;
        /* (the name buffer is NULL while no row had a name: memcpy wants a
         * pointer) */
        if ((st = add_node(c, key, klen, h, active ? F->type : F->inactive_type, revenue,
                           c->name ? c->name : "", name_len, fi, !active, f->line)))
            return st;
        fr->nodes++;
        if (tie) {
            if (g && glen && to < 0) {
                to = c->nodes.id.count;
                if ((st = add_node(c, c->gkey, gklen, gh, F->group_type, 0, g, glen, -2, 0,
                                   f->line)))
                    return st;
                fr->nodes++;
            }
            if (push_edge(&c->fixed, (lp_vid)self, (lp_vid)to, F->tie_weight))
                return lp_error_nomem("CRM edges");
            fr->edges++;
        }
    }
    if (emit_edges(F, self, day, res, why, out)) return lp_error_nomem("CRM edges");
    return LP_OK;
}

/* One chunk of an export file, as the block reader cuts them. */
typedef struct crec {
    int64_t first, n, line; /* fields [first, first + n) of the chunk's list; local line */
} crec;

typedef struct crm_err {
    int64_t line; /* local */
    char msg[640];
} crm_err;

/* A batch: the rows whose reference lookups overlap, at most CRM_BATCH
 * (32: 5% more CPU, 256: no better) and as many as fit CRM_BATCH_REFS
 * references and CRM_BATCH_DAYS days (a file with many reference columns
 * or activity edges has fewer rows to a batch: crm_file.batch). */
#define CRM_BATCH 128
#define CRM_BATCH_REFS 1024
#define CRM_BATCH_DAYS 1024
#define CRM_TOUCH 32 /* node rows whose duplicate checks' cache misses overlap */

typedef struct crm_chunk {
    lp_i_record rec; /* scratch */
    /* files with nodes: the chunk's records, handled in file order, with
     * their references resolved here ([nrecs * nslots]) */
    lp_i_field *fields;
    int64_t nfields, fcap;
    crec *recs;
    int64_t nrecs, rcap;
    int64_t *rres;
    int8_t *rwhy;
    uint64_t *rh;    /* [nrecs] hash of the node id (id_prefix + id) */
    uint8_t *rclean; /* [nrecs] its id, names and group checked good (row_clean) */
    /* files of edges only: the chunk's rows done in parallel */
    lp_edges fixed;
    act_list act;
    sink s;
    int64_t at_fixed, at_act; /* where the merge placed them in the import's lists */
    int64_t rows;
    crm_err err[CRM_MAX_WARNINGS]; /* the first bad rows, in order */
    int64_t nerr;
    /* the rows being resolved: references [nb * nslots], results, days
     * [nb * crm_file.ndays] */
    bref b[CRM_BATCH_REFS];
    int64_t bres[CRM_BATCH_REFS];
    int8_t bwhy[CRM_BATCH_REFS];
    int64_t bday[CRM_BATCH_DAYS];
    int nb;
    /* the chunks lie side by side and are parsed by different threads: a
     * cache line's worth of distance keeps nb off the line of the next
     * chunk's record scratch, which another thread writes at every record
     * (measured: that shared line took most of crm_parse's time) */
    char apart[64];
} crm_chunk;

static void chunk_free(crm_chunk *w)
{
    free(w->rec.f);
    free(w->fields);
    free(w->recs);
    free(w->rres);
    free(w->rwhy);
    free(w->rh);
    free(w->rclean);
    lp_edges_free(&w->fixed);
    act_free(&w->act);
    free(w->s.key);
}

/* The file being read (the block reader's client context). */
typedef struct crm_file {
    crm *c;
    int fi;
    file_spec *F;
    lp_crm_file_report *fr;
    rd f;
    int par;          /* edges only: rows are done in the parallel parse */
    int batch, ndays; /* rows to a batch; days a row (row_days) */
} crm_file;

static lp_status crm_header(void *ctx, const lp_i_record *r, int64_t line, const lp_strtab *tab)
{
    (void)tab;
    crm_file *x = ctx;
    x->f.width = r->n;
    x->f.line = line;
    char **names = lp_calloc((size_t)r->n + 1, sizeof *names);
    lp_status st = names ? LP_OK : lp_error_nomem("CSV header");
    for (int64_t i = 0; i < r->n && !st; i++) {
        if (!(names[i] = lp_malloc(r->f[i].len + 1))) {
            st = lp_error_nomem("CSV header");
            break;
        }
        memcpy(names[i], r->f[i].s, r->f[i].len);
        names[i][r->f[i].len] = '\0';
    }
    if (!st) st = bind_header(x->c, x->F, &x->f, names, x->fr);
    for (int64_t i = 0; names && i < r->n; i++)
        free(names[i]);
    free(names);
    return st;
}

/* Files with nodes: keep the chunk's records for the merge. */
static int keep_record(crm_chunk *w, const lp_i_record *r)
{
    if (w->nrecs == w->rcap) {
        int64_t cap = w->rcap ? 2 * w->rcap : 1024;
        crec *p = lp_realloc(w->recs, (size_t)cap * sizeof *p);
        if (!p) return -1;
        w->recs = p;
        int64_t *rr = lp_realloc(w->rres, (size_t)(cap * CRM_MAX_SLOTS) * sizeof *rr);
        if (!rr) return -1;
        w->rres = rr;
        int8_t *rw = lp_realloc(w->rwhy, (size_t)(cap * CRM_MAX_SLOTS) * sizeof *rw);
        if (!rw) return -1;
        w->rwhy = rw;
        uint64_t *rh = lp_realloc(w->rh, (size_t)cap * sizeof *rh);
        if (!rh) return -1;
        w->rh = rh;
        uint8_t *rc = lp_realloc(w->rclean, (size_t)cap * sizeof *rc);
        if (!rc) return -1;
        w->rclean = rc;
        w->rcap = cap;
    }
    if (w->nfields + r->n > w->fcap) {
        int64_t cap = w->fcap ? 2 * w->fcap : 8192;
        while (cap < w->nfields + r->n)
            cap *= 2;
        lp_i_field *p = lp_realloc(w->fields, (size_t)cap * sizeof *p);
        if (!p) return -1;
        w->fields = p;
        w->fcap = cap;
    }
    memcpy(w->fields + w->nfields, r->f, (size_t)r->n * sizeof *r->f);
    w->recs[w->nrecs++] = (crec){.first = w->nfields, .n = r->n, .line = r->line};
    w->nfields += r->n;
    return 0;
}

/* The texts do_row checks (id, names, group: check_text) all good, in the
 * parallel parse, so that the serial merge checks only the rows that are
 * not (to report the first bad one as it would). */
static int row_clean(const file_spec *F, const rd *f)
{
    if (!F->has_node || f->nf != f->width) return 0;
    size_t len;
    const char *s = fld(f, F->c_id, &len);
    if (!text_ok(s, len)) return 0;
    for (int k = 0; k < F->nname; k++) {
        s = fld(f, F->c_name[k], &len);
        if (!text_ok(s, len)) return 0;
    }
    if (F->c_group >= 0) {
        s = fld(f, F->c_group, &len);
        if (!text_ok(s, len)) return 0;
    }
    return 1;
}

/* The hash of the row's node key (id_prefix + id; 0 when the width is
 * wrong or F makes no nodes). 0, or -1 when out of memory. */
static int node_hash(crm_chunk *w, const file_spec *F, const rd *f, uint64_t *out)
{
    *out = 0;
    if (!F->has_node || f->nf != f->width) return 0;
    size_t len, pl = strlen(F->id_prefix);
    const char *id = fld(f, F->c_id, &len);
    if (!pl) {
        *out = id_hash(id, len);
        return 0;
    }
    if (pl + len + 1 > w->s.key_cap) {
        size_t cap = 2 * (pl + len + 1);
        char *kb = lp_realloc(w->s.key, cap);
        if (!kb) return -1;
        w->s.key = kb;
        w->s.key_cap = cap;
    }
    memcpy(w->s.key, F->id_prefix, pl);
    memcpy(w->s.key + pl, id, len);
    *out = id_hash(w->s.key, pl + len);
    return 0;
}

/* Queue the reference values of the row f (empty when its width is wrong). */
static void queue_refs(crm_chunk *w, const file_spec *F, const rd *f)
{
    int ns = F->nslots;
    bref *b = &w->b[w->nb * ns];
    for (int k = 0; k < ns; k++) {
        b[k].s = NULL;
        b[k].len = 0;
        if (f->nf == f->width) b[k].s = fld(f, F->slots[k].col, &b[k].len);
    }
    w->nb++;
}

/* Resolve the queued rows; edges only: make their edges. 0 or -1 (out of
 * memory). */
static int flush_rows(const crm_file *x, crm_chunk *w)
{
    int ns = x->F->nslots, nb = w->nb;
    w->nb = 0;
    if (!nb) return 0;
    if (!x->par) {
        int64_t at = (w->nrecs - nb) * ns;
        return resolve_nodes(x->c, x->F, w->b, nb * ns, ns, &w->s, w->rres + at, w->rwhy + at);
    }
    if (resolve_edges(x->c, x->F, w->b, nb * ns, ns, &w->s, w->bres, w->bwhy)) return -1;
    for (int i = 0; i < nb; i++)
        if (emit_edges(x->F, -1, w->bday + i * x->ndays, w->bres + i * ns, w->bwhy + i * ns, &w->s))
            return -1;
    return 0;
}

/* Chunk k, in parallel. Files with nodes keep their records (for the
 * merge) with their references resolved; files of edges only check,
 * resolve and make their rows' edges here. References name records of
 * earlier files only, whose keys (ref_find) are complete and not written
 * while this runs (a file with nodes: its own keys are, by the merge of
 * the block before, and not looked at). */
static void crm_parse(void *ctx, int k, lp_i_chunk *ch)
{
    crm_file *x = ctx;
    const file_spec *F = x->F;
    crm_chunk *w = &x->c->chunk[k];
    w->nfields = w->nrecs = w->rows = w->nerr = 0;
    w->fixed.m = w->act.m = 0;
    w->nb = 0;
    rd f = x->f;
    char scratch[640];
    while (lp_i_chunk_next(ch, &w->rec)) {
        f.f = w->rec.f;
        f.nf = w->rec.n;
        f.line = w->rec.line;
        if (!x->par) {
            if (keep_record(w, &w->rec)) {
                ch->stop = LP_I_STOP_NOMEM;
                return;
            }
            if (node_hash(w, F, &f, &w->rh[w->nrecs - 1])) {
                ch->stop = LP_I_STOP_NOMEM;
                return;
            }
            w->rclean[w->nrecs - 1] = (uint8_t)row_clean(F, &f);
            queue_refs(w, F, &f);
            if (w->nb == x->batch && flush_rows(x, w)) {
                ch->stop = LP_I_STOP_NOMEM;
                return;
            }
            continue;
        }
        w->rows++;
        char *msg = w->nerr < CRM_MAX_WARNINGS ? w->err[w->nerr].msg : scratch;
        if (row_width(&f, msg, sizeof scratch) ||
            row_days(F, &f, w->bday + w->nb * x->ndays, msg, sizeof scratch)) {
            if (w->nerr < CRM_MAX_WARNINGS) w->err[w->nerr].line = w->rec.line;
            w->nerr++;
            if (!x->c->opt->skip_bad_rows) {
                ch->stop = LP_I_STOP_ROW;
                return;
            }
            continue;
        }
        queue_refs(w, F, &f);
        if (w->nb == x->batch && flush_rows(x, w)) {
            ch->stop = LP_I_STOP_NOMEM;
            return;
        }
    }
    /* the rows before a syntax error come first: resolve them too */
    if (flush_rows(x, w)) ch->stop = LP_I_STOP_NOMEM;
}

/* Chunk k, in file order: the rows of a file with nodes, one by one; or
 * the bad rows, edges and counts of a chunk of edges. */
static lp_status crm_merge(void *ctx, int k, const lp_i_chunk *ch, int64_t base)
{
    (void)ch;
    crm_file *x = ctx;
    crm *c = x->c;
    crm_chunk *w = &c->chunk[k];
    lp_crm_file_report *fr = x->fr;
    lp_status st;
    if (!x->par) {
        rd f = x->f; /* the parse copies x->f too (overlap): not written here */
        size_t pl = strlen(x->F->id_prefix);
        for (int64_t i = 0; i < w->nrecs; i++) {
            if (i % CRM_TOUCH == 0) {
                /* the duplicate checks' slots, CRM_TOUCH rows ahead: short
                 * keys' by prefetches, which the serial merge does not wait
                 * for (measured: 45% fewer samples in the merge than demand
                 * loads, the checks no slower); long keys' by demand loads
                 * that overlap (see resolve_rows) */
                uint64_t touch = 0;
                int64_t e = i + 2 * CRM_TOUCH < w->nrecs ? i + 2 * CRM_TOUCH : w->nrecs;
                for (int64_t q = i ? i + CRM_TOUCH : 0; q < e; q++) {
                    const crec *rq = &w->recs[q];
                    if (rq->n != x->f.width) continue;
                    if (is_short(pl + w->fields[rq->first + x->F->c_id].len)) {
                        /* and the next line: the probe for a new key runs
                         * to an empty slot, often past its home line */
                        uint64_t hm = sid_home(&c->sid, w->rh[q]);
                        if (c->sid.slot) {
                            LP_I_PREFETCH(&c->sid.slot[hm]);
                            LP_I_PREFETCH(&c->sid.slot[hm + 2 < c->sid.cap ? hm + 2 : 0]);
                        }
                    } else if (c->ids.slot) {
                        touch += c->ids.slot[lp_i_intern_home(&c->ids, w->rh[q])];
                    }
                }
                LP_I_KEEP(touch);
            }
            const crec *r = &w->recs[i];
            f.f = w->fields + r->first;
            f.nf = r->n;
            f.line = base + r->line;
            fr->rows++;
            int ns = x->F->nslots;
            if ((st = bad_row(c, fr,
                              do_row(c, x->fi, x->F, &f, fr, w->rh[i], w->rclean[i],
                                     w->rres + i * ns, w->rwhy + i * ns, &c->ser))))
                return st;
        }
        return LP_OK;
    }
    fr->rows += w->rows;
    int64_t stored = w->nerr < CRM_MAX_WARNINGS ? w->nerr : CRM_MAX_WARNINGS;
    for (int64_t i = 0; i < stored; i++) {
        st = lp_error_set(LP_EINPUT, "%s:%" PRId64 ": %s", x->f.path, base + w->err[i].line,
                          w->err[i].msg);
        if ((st = bad_row(c, fr, st))) return st;
    }
    /* never printed: the chunk's first ones (printed or counted) come before */
    c->rep.load.skipped_rows += w->nerr - stored;
    fr->bad_rows += w->nerr - stored;
    /* room and place for the chunk's edges, copied by crm_block_done */
    if ((st = reserve_edges(&c->fixed, c->fixed.m + w->fixed.m))) return st;
    if (act_grow(&c->act, c->act.m + w->act.m)) return lp_error_nomem("edge list");
    w->at_fixed = c->fixed.m;
    w->at_act = c->act.m;
    c->fixed.m += w->fixed.m;
    c->act.m += w->act.m;
    sink_flush(c, &w->s, fr, x->F->nslots);
    return LP_OK;
}

/* The rows of from into E at rows [at, at + from->m). */
static void copy_list(lp_edges *E, int64_t at, const lp_edges *from)
{
    if (!from->m) return;
    memcpy(E->src + at, from->src, (size_t)from->m * sizeof *E->src);
    memcpy(E->dst + at, from->dst, (size_t)from->m * sizeof *E->dst);
    memcpy(E->weight + at, from->weight, (size_t)from->m * sizeof *E->weight);
}

/* After the merges of a block of a file of edges only: the chunks' edges
 * into the places their merges reserved, in parallel (the copy and the
 * first touch of the lists' new pages were a serial part of the merge). */
static lp_status crm_block_done(void *ctx, int k0, int n)
{
    crm_file *x = ctx;
    crm *c = x->c;
    if (!x->par) return LP_OK;
    int64_t rows = 0;
    for (int k = k0; k < k0 + n; k++)
        rows += c->chunk[k].fixed.m + c->chunk[k].act.m;
    (void)rows; /* read only by the pragma: unused without OpenMP */
#pragma omp parallel for schedule(dynamic, 1) if (n > 1 && rows >= 65536)
    for (int k = k0; k < k0 + n; k++) {
        const crm_chunk *w = &c->chunk[k];
        copy_list(&c->fixed, w->at_fixed, &w->fixed);
        copy_acts(&c->act, w->at_act, &w->act);
    }
    return LP_OK;
}

/* Room in the import's edge lists for about ef more fixed rows and ea more
 * activity rows, their pages faulted now on every thread (the merge that
 * fills them is serial). */
static lp_status reserve_rows(crm *c, double ef, double ea)
{
    if (!(ef >= 0 && ef < 2e9 && ea >= 0 && ea < 2e9)) return LP_OK;
    lp_status st = reserve_edges(&c->fixed, c->fixed.m + (int64_t)ef);
    if (!st && act_grow(&c->act, c->act.m + (int64_t)ea)) st = lp_error_nomem("edge list");
    if (st) return st;
    int64_t f1 = c->fixed.m + (int64_t)ef, a1 = c->act.m + (int64_t)ea;
    if (f1 > c->fixed.cap) f1 = c->fixed.cap;
    if (a1 > c->act.cap) a1 = c->act.cap;
    const size_t sv = sizeof(lp_vid), sw = sizeof *c->fixed.weight, sd = sizeof *c->act.day;
    touch_pages(c->fixed.src, (size_t)c->fixed.m * sv, (size_t)f1 * sv);
    touch_pages(c->fixed.dst, (size_t)c->fixed.m * sv, (size_t)f1 * sv);
    touch_pages(c->fixed.weight, (size_t)c->fixed.m * sw, (size_t)f1 * sw);
    touch_pages(c->act.src, (size_t)c->act.m * sv, (size_t)a1 * sv);
    touch_pages(c->act.dst, (size_t)c->act.m * sv, (size_t)a1 * sv);
    touch_pages(c->act.day, (size_t)c->act.m * sd, (size_t)a1 * sd);
    return LP_OK;
}

/* The most edges a row of F makes: *nf of fixed weight (its tie to the
 * anchor, and each edge without recency), *na activities. */
static void edges_per_row(const file_spec *F, int *nf, int *na)
{
    *nf = F->has_tie;
    *na = 0;
    for (int e = 0; e < F->nedges; e++)
        *(F->edges[e].nrec ? na : nf) += 1;
}

/* The rows of the node files after fi and their bytes, estimated from
 * each one's size and the rows in its first 64 KiB (plain CSV only: a
 * compressed file, or one whose sample holds fewer than two rows, counts
 * 0), for crm_reserve: read only when a file is big enough to be sized
 * ahead. */
static lp_status later_rows(crm *c, int fi, const char *dir, double *rows, double *bytes)
{
    *rows = *bytes = 0;
    enum { SAMPLE = 65536 };
    char *buf = NULL;
    for (int i = fi + 1; i < c->m->nfiles; i++) {
        if (!c->m->files[i].has_node) continue;
        char *path;
        lp_status st = find_file(dir, c->m->files[i].file, &path);
        if (st) {
            free(buf);
            return st;
        }
        size_t len = path ? strlen(path) : 0;
        FILE *fp = len > 4 && !strcmp(path + len - 4, ".csv") ? fopen(path, "rb") : NULL;
        free(path);
        if (!fp) continue;
        if (!buf && !(buf = lp_malloc(SAMPLE))) {
            fclose(fp);
            return lp_error_nomem("CRM file sample");
        }
        struct stat sb;
        size_t got = fread(buf, 1, SAMPLE, fp);
        int ok = fstat(fileno(fp), &sb) == 0;
        fclose(fp);
        /* the header line, then rows of (got - head) / lines bytes each */
        const char *nl = memchr(buf, '\n', got);
        size_t head = nl ? (size_t)(nl - buf) + 1 : got, lines = 0;
        for (const char *q = buf + head; (q = memchr(q, '\n', got - (size_t)(q - buf))) != NULL;
             q++)
            lines++;
        if (!ok || lines < 2 || (double)sb.st_size <= (double)head) continue;
        *rows += ((double)sb.st_size - (double)head) * (double)lines / (double)(got - head);
        *bytes += (double)sb.st_size;
    }
    free(buf);
    return LP_OK;
}

/* After a file's first block: room for about scale times its rows at once
 * (files with nodes: the id tables, the per-node arrays and the edges of
 * their rows; files of edges only: the edge lists), instead of doubling
 * (rehashing every id, copying every edge) step by step. */
static lp_status crm_reserve(void *ctx, int n, double scale)
{
    crm_file *x = ctx;
    if (!x->F->has_node) {
        /* files of edges only: room for about scale times the block's edges */
        int64_t nf = 0, na = 0;
        for (int k = 0; k < n; k++) {
            nf += x->c->chunk[k].fixed.m;
            na += x->c->chunk[k].act.m;
        }
        return reserve_rows(x->c, 1.02 * scale * (double)nf, 1.02 * scale * (double)na);
    }
    /* the rows, and the bytes of their ids and joined names (NULs included) */
    const file_spec *F = x->F;
    int64_t rows = 0, nshort = 0, id_bytes = 0, name_bytes = 0;
    int64_t pl = (int64_t)strlen(F->id_prefix);
    for (int k = 0; k < n; k++) {
        const crm_chunk *w = &x->c->chunk[k];
        rows += w->nrecs;
        for (int64_t i = 0; i < w->nrecs; i++) {
            const crec *r = &w->recs[i];
            if (r->n != x->f.width) continue;
            const lp_i_field *fl = w->fields + r->first;
            id_bytes += pl + (int64_t)fl[F->c_id].len + 1;
            nshort += is_short((size_t)pl + fl[F->c_id].len);
            int64_t nb = 0;
            for (int q = 0; q < F->nname; q++)
                if (fl[F->c_name[q]].len) nb += (nb ? 1 : 0) + (int64_t)fl[F->c_name[q]].len;
            name_bytes += nb + 1;
        }
    }
    double est = 1.02 * scale * (double)rows, f = est / (rows ? (double)rows : 1);
    if (!(est > (double)rows && est < 2e9)) return LP_OK;
    /* the node tables for the later node files' rows too: sized once
     * instead of again (every short key placed anew, every array copied)
     * at each file. Their keys are taken to be short or long as this
     * file's, their ids and names no longer than this file's nor than
     * their own rows, so that what is reserved stays in proportion to the
     * later files' sizes */
    double lrows, lbytes;
    lp_status st = later_rows(x->c, x->fi, x->c->rep.dir, &lrows, &lbytes);
    if (st) return st;
    double lr = 1.02 * lrows;
    if (!(est + lr < 2e9)) lr = 0;
    double all = (est + lr) / est, lbpr = lr > 0 ? lbytes / lr : 0;
    double idb = f * (double)id_bytes, nmb = f * (double)name_bytes;
    idb += lr * fmin((double)id_bytes / (double)rows, lbpr);
    nmb += lr * fmin((double)name_bytes / (double)rows, lbpr);
    /* the keys' tables, each for its share of the rows */
    double fa = f * all;
    if (rows > nshort)
        st = lp_i_intern_reserve(&x->c->ids, (int64_t)(fa * (double)(rows - nshort)));
    if (!st && nshort) st = sid_reserve(x->c, (int64_t)(fa * (double)nshort));
    if (!st) st = reserve_nodes(x->c, (int64_t)(est + lr), (int64_t)idb, (int64_t)nmb);
    /* and the edges the merge will make (the usual count: most references
     * resolve) */
    int nf, na;
    edges_per_row(F, &nf, &na);
    return st ? st : reserve_rows(x->c, est * nf, est * na);
}

/* Room for `need` elements in *p (prefault_grow's arguments), at least
 * doubled when it grows. 0, or -1 (out of memory). */
static int room(void **p, int64_t *cap, int64_t used, int64_t need, size_t esize)
{
    if (need <= *cap) return 0;
    return prefault_grow(p, cap, used, need > 2 * *cap ? need : 2 * *cap, esize);
}

/* Before the merge of a block of a file with nodes (its chunks [k0, k0 +
 * n)) runs while the next block is parsed (overlap): room for every node
 * the block can add (a row's own, and its group's), so that the merge
 * moves nothing the parse reads (ref_find: the key tables, the keys, the
 * origins and departures). Normally a no-op: crm_reserve sized them for
 * the whole file after its first block. */
static lp_status crm_prepare(void *ctx, int k0, int n)
{
    crm_file *x = ctx;
    crm *c = x->c;
    const file_spec *F = x->F;
    int64_t rows = 0, nshort = 0, nlong = 0, bytes = 0;
    size_t pl = strlen(F->id_prefix), gpl = F->group_prefix ? strlen(F->group_prefix) : 0;
    int group = F->has_tie && F->c_group >= 0;
    for (int k = k0; k < k0 + n; k++) {
        const crm_chunk *w = &c->chunk[k];
        for (int64_t i = 0; i < w->nrecs; i++) {
            const crec *r = &w->recs[i];
            if (r->n != x->f.width) continue; /* a bad row adds nothing */
            rows++;
            const lp_i_field *fl = w->fields + r->first;
            for (int g = 0; g <= group; g++) {
                size_t len = g ? gpl + fl[F->c_group].len : pl + fl[F->c_id].len;
                *(is_short(len) ? &nshort : &nlong) += 1;
                bytes += (int64_t)len + 1;
            }
        }
    }
    lp_strtab *ids = &c->nodes.id;
    int64_t more = nshort + nlong;
    lp_status st = sid_room(c, nshort);
    if (!st && nlong) st = lp_i_intern_reserve(&c->ids, nlong);
    if (!st && (room((void **)&ids->offset, &ids->offset_cap, ids->count, ids->count + more,
                     sizeof *ids->offset) ||
                room((void **)&ids->data, &ids->data_cap, ids->size, ids->size + bytes, 1)))
        st = lp_error_nomem("CRM node table");
    if (!st) st = reserve_node_arrays(c, more, 0);
    /* and the edge lists, which the parse does not read: grown here, they
     * are copied on every thread (in the merge, on its one) */
    int nf, na;
    edges_per_row(F, &nf, &na);
    if (!st) st = reserve_edges(&c->fixed, c->fixed.m + rows * nf);
    if (!st && act_grow(&c->act, c->act.m + rows * na)) st = lp_error_nomem("edge list");
    return st;
}

/* sid_reserve's rows per round of overlapped misses: a thread keeps about
 * SID_TOUCH / threads of them (those of its share of the slots) */
#define SID_TOUCH 128

/* Room in the short keys' table for `more` further keys at load factor
 * 0.5. A table that grows is a new one, with every short key of the rows
 * so far placed again, in parallel: each thread places the keys whose
 * probe starts in its share of the slots and stays in it (the rest, few,
 * are placed after, in row order); the keys are distinct, so where each
 * lands does not change what a lookup finds. The old table stays when
 * this fails. */
static lp_status sid_reserve(crm *c, int64_t more)
{
    if ((uint64_t)(c->sid.count + more) * 2 <= c->sid.cap) return LP_OK;
    /* huge pages: the probes are random */
    uint64_t need = 2 * (uint64_t)(c->sid.count + more) + 64;
    if (need >= ((uint64_t)1 << 32)) return lp_error_nomem("id table (too many ids)");
    const lp_strtab *ids = &c->nodes.id;
    int64_t to = ids->count;
    int tmax = lp_i_max_threads();
    lp_status st = LP_OK;
    sid_table nt = {lp_i_alloc_big((size_t)need * sizeof(sid_ent), 0), need, 0}, *t = &nt;
    int64_t *nover = lp_calloc((size_t)tmax, sizeof *nover);
    int64_t **over = lp_calloc((size_t)tmax, sizeof *over);
    int64_t *placed = lp_calloc((size_t)tmax, sizeof *placed);
    int failed = 0;
    if (!nt.slot || !nover || !over || !placed) {
        st = lp_error_nomem("id table");
        goto done;
    }
    lp_i_fill_parallel(nt.slot, NULL, (size_t)need * sizeof(sid_ent));
#pragma omp parallel if (to >= 65536)
    {
        int th = lp_i_thread_id(), nt_ = 1;
#ifdef _OPENMP
        nt_ = omp_get_num_threads();
#endif
        uint64_t lo = t->cap * (uint64_t)th / (uint64_t)nt_,
                 hi = t->cap * (uint64_t)(th + 1) / (uint64_t)nt_;
        int64_t cap = 0;
        for (int64_t r0 = 0; r0 < to; r0 += SID_TOUCH) {
            int64_t r1 = r0 + SID_TOUCH < to ? r0 + SID_TOUCH : to;
            sid_ent e[SID_TOUCH];
            uint64_t home[SID_TOUCH], touch = 0;
            for (int64_t r = r0; r < r1; r++) {
                size_t len = lp_i_strtab_len(ids, r);
                home[r - r0] = UINT64_MAX;
                if (!is_short(len)) continue;
                sid_key k = sid_make(lp_strtab_get(ids, r), len);
                uint64_t hm = sid_home(t, sid_hash(&k));
                if (hm < lo || hm >= hi) continue;
                e[r - r0] = sid_entry(&k, r, c->left[r], c->origin[r]);
                home[r - r0] = hm;
                touch += t->slot[hm].w[2]; /* overlapping misses (see resolve_rows) */
            }
            LP_I_KEEP(touch);
            for (int64_t r = r0; r < r1; r++) {
                uint64_t i = home[r - r0];
                if (i == UINT64_MAX) continue;
                while (i < hi && t->slot[i].w[2])
                    i++;
                if (i < hi) {
                    t->slot[i] = e[r - r0];
                    placed[th]++;
                    continue;
                }
                if (nover[th] == cap) { /* past its share: placed after */
                    int64_t nc = cap ? 2 * cap : 256;
                    int64_t *o = lp_realloc(over[th], (size_t)nc * sizeof *o);
                    if (!o) {
#pragma omp atomic write
                        failed = 1;
                        break;
                    }
                    over[th] = o;
                    cap = nc;
                }
                over[th][nover[th]++] = r;
            }
        }
    }
    if (failed) {
        st = lp_error_nomem("id table");
        goto done;
    }
    for (int th = 0; th < tmax; th++) {
        t->count += placed[th];
        for (int64_t q = 0; q < nover[th]; q++) {
            int64_t r = over[th][q];
            size_t len = lp_i_strtab_len(ids, r);
            sid_key k = sid_make(lp_strtab_get(ids, r), len);
            sid_ent e = sid_entry(&k, r, c->left[r], c->origin[r]);
            sid_place(t, &e, sid_hash(&k));
            t->count++;
        }
    }
    sid_free(&c->sid);
    c->sid = nt;
    nt.slot = NULL;
done:
    free(nt.slot);
    for (int th = 0; over && th < tmax; th++)
        free(over[th]);
    free(over);
    free(nover);
    free(placed);
    return st;
}

static lp_status read_file(crm *c, int fi, const char *dir)
{
    file_spec *F = (file_spec *)&c->m->files[fi];
    lp_crm_file_report *fr = &c->rep.files[fi];
    if (!(fr->file = dupstr(F->file))) return lp_error_nomem("CRM report");
    char *path;
    lp_status st = find_file(dir, F->file, &path);
    if (st) return st;
    if (!path) {
        if (!F->required) return LP_OK;
        char key[512];
        keycat(key, sizeof key, F->key, "file");
        return lp_error_set(LP_EINPUT, "%s: %s: no %s%s%s.csv or .csv.gz (a required file)",
                            c->m->label, key, dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "",
                            F->file);
    }
    fr->path = path;
    c->rows0 = c->nodes.id.count; /* what the references can name (ref_find) */
    c->size0 = c->nodes.id.size;
    crm_file x = {.c = c, .fi = fi, .F = F, .fr = fr, .f = {.path = path}, .par = !F->has_node};
    x.ndays = F->nedges; /* <= CRM_MAX_EDGES, as the mapping was read */
    x.batch = CRM_BATCH;
    if (F->nslots && x.batch > CRM_BATCH_REFS / F->nslots) x.batch = CRM_BATCH_REFS / F->nslots;
    if (x.ndays && x.batch > CRM_BATCH_DAYS / x.ndays) x.batch = CRM_BATCH_DAYS / x.ndays;
    lp_i_blocks_client cl = {.ctx = &x,
                             .role = F->file,
                             .progress = c->opt->progress,
                             .progress_ctx = c->opt->progress_ctx,
                             .delim = ',',
                             .header = crm_header,
                             .parse = crm_parse,
                             .reserve = crm_reserve,
                             .merge = crm_merge,
                             .block_done = crm_block_done,
                             /* a file with nodes: each block merged as the next is parsed */
                             .overlap = F->has_node,
                             .prepare = crm_prepare};
    lp_i_file_info info;
    st = lp_i_blocks_read(c->blocks, path, &cl, &info);
    if (st) return st; /* the report is dropped: no counts to add */
    sink_flush(c, &c->ser, fr, F->nslots);
    fr->bytes = info.bytes;
    c->rep.csv_bytes += fr->bytes;
    c->crc = crc32_combine(c->crc, info.crc32, (z_off_t)fr->bytes);
    if (F->has_node)
        c->rep.load.node_rows += fr->rows;
    else
        c->rep.load.edge_rows += fr->rows;
    return LP_OK;
}

void lp_crm_report_free(lp_crm_report *rep)
{
    if (!rep) return;
    for (int i = 0; rep->files && i < rep->nfiles; i++) {
        lp_crm_file_report *fr = &rep->files[i];
        free(fr->file);
        free(fr->path);
        for (int k = 0; k < fr->ncols; k++)
            free(fr->col[k]);
        free(fr->col);
        free(fr->unknown);
    }
    free(rep->files);
    free(rep->dir);
    free(rep->mapping);
    memset(rep, 0, sizeof *rep);
}

/* The activity weight of a row's day: 0.5^(age / half-life), age = as_of -
 * day (0 for days after as_of); a weight that underflows to 0 is the
 * smallest positive double (the weakest tie there is). */
static double day_weight(double day, double as_of, double hl)
{
    double age = as_of - day;
    if (age < 0) age = 0;
    double w = pow(0.5, age / hl);
    if (!(w > 0)) w = 4.9406564584124654e-324;
    return w;
}

/* The activity rows as a list of the build's with weight classes: each
 * row's class is its day, the table holds day_weight of every day from the
 * earliest to the latest (the same bits as day_weight per row). Days are
 * those of years 0000-9999, so the table has at most 3.7 million entries
 * (a few thousand for real exports). a's arrays move into *out. */
static lp_status weigh_activities(act_list *a, lp_edges *out, double as_of, double hl)
{
    int64_t na = a->m;
    const int32_t *day = a->day;
    int32_t lo = 0, hi = 0;
    if (na) lo = hi = day[0];
#pragma omp parallel for schedule(static) reduction(min : lo) reduction(max : hi) if (na >= 65536)
    for (int64_t k = 0; k < na; k++) {
        if (day[k] < lo) lo = day[k];
        if (day[k] > hi) hi = day[k];
    }
    int64_t span = na ? (int64_t)hi - lo + 1 : 0;
    double *tab = lp_malloc((size_t)(span ? span : 1) * sizeof *tab);
    if (!tab) return lp_error_nomem("activity weights");
#pragma omp parallel for schedule(static) if (span >= 65536)
    for (int64_t i = 0; i < span; i++)
        tab[i] = day_weight((double)(lo + i), as_of, hl);
    lp_edges e = LP_EDGES_INIT;
    e.m = e.cap = na;
    e.src = a->src;
    e.dst = a->dst;
    e.wix = a->day;
    e.wix_lo = lo;
    e.wtab = tab;
    e.wtab_n = span;
    memset(a, 0, sizeof *a);
    *out = e;
    return LP_OK;
}

lp_status lp_crm_import(lp_graph *out, lp_crm_report *out_rep, const lp_crm_mapping *m,
                        const char *dir, const lp_crm_options *opt)
{
    static const lp_crm_options defaults = LP_CRM_OPTIONS_INIT;
    crm c;
    memset(&c, 0, sizeof c);
    lp_nodes ninit = LP_NODES_INIT;
    lp_edges einit = LP_EDGES_INIT, act = LP_EDGES_INIT;
    c.nodes = ninit;
    c.fixed = einit;
    c.m = m;
    c.opt = opt ? opt : &defaults;
    c.crc = crc32(0L, Z_NULL, 0);
    lp_status st = LP_OK;
    if (!(c.opt->half_life_days > 0 && isfinite(c.opt->half_life_days)))
        return lp_error_set(LP_EUSAGE, "half-life must be a positive number of days");
    c.rep.nfiles = m->nfiles;
    if (!(c.rep.files = lp_calloc((size_t)m->nfiles, sizeof *c.rep.files)) ||
        !(c.rep.dir = dupstr(dir)) || !(c.rep.mapping = dupstr(m->label))) {
        st = lp_error_nomem("CRM report");
        goto done;
    }
    if ((st = lp_i_blocks_new(&c.blocks))) goto done;
    c.nchunk = 2 * lp_i_blocks_chunks(c.blocks); /* overlap: a block's, and the one before's */
    if (!(c.chunk = lp_calloc((size_t)c.nchunk, sizeof *c.chunk))) {
        st = lp_error_nomem("CRM reader");
        goto done;
    }
    for (int k = 0; k < c.nchunk; k++) {
        c.chunk[k].s.fixed = &c.chunk[k].fixed;
        c.chunk[k].s.act = &c.chunk[k].act;
    }
    c.ser.fixed = &c.fixed;
    c.ser.act = &c.act;
    c.nodes.has_name = 1;
    for (int i = 0; i < m->nfiles; i++)
        if (m->files[i].revenue) c.nodes.has_revenue = 1;
    {
        size_t klen = strlen(m->anchor_id);
        if ((st = add_node(&c, m->anchor_id, klen, id_hash(m->anchor_id, klen), m->anchor_type, 0,
                           m->anchor_name, strlen(m->anchor_name), -1, 0, 0)))
            goto done;
    }
    for (int i = 0; i < m->nfiles && !st; i++)
        st = read_file(&c, i, dir);
    if (st) goto done;
    if (c.opt->warn && c.rep.load.skipped_rows > c.warned)
        fprintf(c.opt->warn, "warning: %" PRId64 " more rows skipped\n",
                c.rep.load.skipped_rows - c.warned);
    /* activity weights, now that the as-of day is known */
    c.rep.has_activity = c.has_day;
    c.rep.as_of_day = c.opt->has_as_of ? c.opt->as_of_day : c.has_day ? c.max_day : 0;
    c.rep.half_life_days = c.opt->half_life_days;
    if ((st = weigh_activities(&c.act, &act, (double)c.rep.as_of_day, c.opt->half_life_days)))
        goto done;
    /* what the build does not read, freed before it allocates its own */
    lp_i_intern_free(&c.ids);
    sid_free(&c.sid);
    lp_i_intern_free(&c.types);
    free(c.origin);
    free(c.left);
    free(c.line);
    c.origin = NULL;
    c.left = NULL;
    c.line = NULL;
    c.rep.load.nodes_file.path = c.rep.dir;
    c.rep.load.nodes_file.size = c.rep.csv_bytes;
    c.rep.load.nodes_file.crc32 = (uint32_t)c.crc;
    c.rep.load.edges_file.path = c.rep.mapping;
    c.rep.load.edges_file.size = m->size;
    c.rep.load.edges_file.crc32 = m->crc;
    {
        /* the fixed ties' rows, then the activities' (no copy to join them) */
        lp_edges lists[2] = {c.fixed, act};
        memset(&c.fixed, 0, sizeof c.fixed);
        st = lp_graph_build_lists(out, &c.nodes, lists, 2);
    }
done:
    lp_nodes_free(&c.nodes);
    lp_edges_free(&c.fixed);
    act_free(&c.act);
    lp_i_intern_free(&c.ids);
    sid_free(&c.sid);
    lp_i_intern_free(&c.types);
    free(c.origin);
    free(c.left);
    free(c.line);
    free(c.key);
    free(c.gkey);
    free(c.name);
    free(c.ser.key);
    for (int k = 0; c.chunk && k < c.nchunk; k++)
        chunk_free(&c.chunk[k]);
    free(c.chunk);
    lp_i_blocks_free(c.blocks);
    if (!st && out_rep) {
        *out_rep = c.rep;
        if (out_rep->files) { /* paths inside the load report point into the copy */
            out_rep->load.nodes_file.path = out_rep->dir;
            out_rep->load.edges_file.path = out_rep->mapping;
        }
    } else {
        lp_crm_report_free(&c.rep);
    }
    return st;
}
