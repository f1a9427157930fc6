/* csvload.c — lp_graph_load_csv: nodes.csv + edges.csv -> lp_graph, read in
 * large blocks and parsed in parallel chunks (OpenMP).
 *
 * Per file, a loop over blocks (LP_CSV_BLOCK bytes, read with gzread, which
 * for a plain file is read(2) straight into our buffer and for .csv.gz
 * inflates into it). Each block starts at a record boundary outside quotes
 * (the unprocessed tail of the previous block is carried to its front):
 *
 *  A. parallel: the block is cut into K equal pieces (K = 4 x threads, at
 *     least LP_CSV_MIN_CHUNK bytes each); each piece counts its '"' bytes
 *     (SWAR, 8 bytes a step) and CRC-32s its share of the new bytes.
 *  B. serial: in valid CSV a byte lies inside a quoted field exactly when an
 *     odd number of quotes precede it in the block (every quote opens,
 *     closes, or is half of a "" pair, all of which toggle). So a line end
 *     with an even number of quotes before it ends a record. The last such
 *     line end is the block's cut (the rest waits for the next block; a
 *     block with none grows); from each piece's start, the first such line
 *     end starts a parse chunk. These scans are short: a few bytes each.
 *  C. parallel: each chunk is parsed by one thread (schedule dynamic) with
 *     the state machine of lp_csv_next, fields left in place (quoted fields
 *     with "" are unquoted in place), lines counted locally. Nodes: rows are
 *     checked (field count, UTF-8, numbers) and hashed into a row list.
 *     Edges: rows are checked and both ids looked up, read-only, in the
 *     node-id hash table (complete after nodes.csv), in batches with
 *     prefetching (slot, string offset, string), into per-chunk edge lists.
 *     Meanwhile one thread carries the tail into the other of two block
 *     buffers and reads (or inflates) the next block behind it.
 *  D. serial, in file order: line numbers of the chunks by prefix sum; nodes
 *     are inserted into the id table (duplicates are found here), edges are
 *     appended; row errors become messages, counted and printed in order. A
 *     read error (or truncated gzip data) is reported after the complete
 *     records read before it, which come first in the file.
 *
 * Invalid CSV can make the parity wrong, but only after the first syntax
 * error, which the chunk holding it reports (every chunk before it started
 * at a true boundary); chunks after it may parse garbage and are ignored,
 * because the first error in file order wins. A chunk that ends inside a
 * quoted field before the end of input is therefore never the first error
 * (reported as an internal error if it ever were).
 *
 * Results are those of a serial read: rows, errors and warnings are taken
 * in file order whatever the thread count. Memory besides the lp_nodes /
 * lp_edges being filled and the id table: two block buffers and the chunks'
 * row lists, all proportional to the block size (a block grows only to hold
 * a record longer than itself). Time O(bytes); the serial part per block is
 * B, the merge (a copy of the block's edges) and the node insertions.
 */
#include "lp_csv.h"

#include "lp_i_csv.h"
#include "lp_i_mem.h"
#include "lp_i_omp.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define LP_CSV_BLOCK ((int64_t)2 << 20) /* measured: 1-4 MiB best (cache), 16 MiB -25% */
#define LP_CSV_MIN_CHUNK ((int64_t)256 << 10)
#define LP_CSV_CHUNKS_PER_THREAD 4
#define LP_CSV_GZBUF (1u << 18)
#define LP_CSV_MAX_WARNINGS 10
#define LP_CSV_BATCH 64 /* edge rows whose id lookups are overlapped */

int64_t lp_i_csv_node_limit = LP_VID_MAX;
int64_t lp_i_csv_block_size = LP_CSV_BLOCK;
int64_t lp_i_csv_min_chunk = LP_CSV_MIN_CHUNK;

/* ---- record parser over a byte range ------------------------------------ */

typedef struct field {
    const char *s;
    size_t len;
} field;

/* One record's fields (pointing into the block) and the local line it
 * starts on. */
typedef struct record {
    field *f;
    int64_t n, cap;
    int64_t line;
} record;

/* A range of the block being parsed. Lines are counted from 0 at begin. */
typedef struct cursor {
    unsigned char *p, *end;
    const unsigned char *begin;
    int prev_cr; /* the byte before begin was CR */
    int at_eof;  /* end is the end of the input */
    int64_t line;
} cursor;

enum { SX_UNTERMINATED = 1, SX_QUOTE_IN_UNQUOTED, SX_AFTER_CLOSING, SX_SPLIT };

typedef struct syntax {
    int kind;
    int64_t line;  /* local */
    int64_t field; /* 0-based index of the field in progress */
} syntax;

enum { REC_OK, REC_END, REC_SYNTAX, REC_NOMEM };

/* Count the line end at q: CR always, LF unless it completes a CRLF. */
static inline void count_eol(cursor *c, const unsigned char *q)
{
    if (*q == '\r')
        c->line++;
    else if (!(q > c->begin ? q[-1] == '\r' : c->prev_cr))
        c->line++;
}

static int push_field(record *r, const unsigned char *s, size_t len)
{
    if (r->n == r->cap) {
        int64_t cap = r->cap ? 2 * r->cap : 16;
        field *f = realloc(r->f, (size_t)cap * sizeof *f);
        if (!f) return -1;
        r->f = f;
        r->cap = cap;
    }
    r->f[r->n].s = (const char *)s;
    r->f[r->n].len = len;
    r->n++;
    return 0;
}

/* The next record of c into r: REC_OK, REC_END (no record before the end of
 * the range), REC_SYNTAX (*e set) or REC_NOMEM. Blank lines are skipped;
 * LF, CRLF and a lone CR end lines; the end of the range ends a record (it
 * is a line end outside quotes, or the end of the input). Quoted fields are
 * unquoted in place: their bytes move towards the opening quote, never past
 * the byte being read, so the bytes still to be read are untouched. */
static int next_record(cursor *c, record *r, syntax *e)
{
    unsigned char *p = c->p, *end = c->end;
    while (p < end && (*p == '\n' || *p == '\r'))
        count_eol(c, p++);
    c->p = p;
    if (p == end) return REC_END;
    r->n = 0;
    r->line = c->line;
    for (;;) { /* p is at the start of a field */
        if (p < end && *p == '"') {
            int64_t quote_line = c->line;
            unsigned char *start = p + 1, *w = p + 1, *q = p + 1;
            for (;;) {
                unsigned char *run = q;
                while (q < end) {
                    unsigned ch = *q;
                    if (ch > '"') {
                        q++;
                        continue;
                    }
                    if (ch == '"') break;
                    if (ch == '\n' || ch == '\r') count_eol(c, q);
                    q++;
                }
                if (w != run) memmove(w, run, (size_t)(q - run));
                w += q - run;
                if (q == end) {
                    c->p = q;
                    e->kind = c->at_eof ? SX_UNTERMINATED : SX_SPLIT;
                    e->line = quote_line;
                    e->field = r->n;
                    return REC_SYNTAX;
                }
                q++; /* a quote: closing, or the first of "" */
                if (q < end && *q == '"') {
                    *w++ = '"';
                    q++;
                    continue;
                }
                break;
            }
            p = q;
            if (p < end && *p != ',' && *p != '\r' && *p != '\n') {
                c->p = p;
                e->kind = SX_AFTER_CLOSING;
                e->line = c->line;
                e->field = r->n;
                return REC_SYNTAX;
            }
            if (push_field(r, start, (size_t)(w - start))) return REC_NOMEM;
        } else {
            unsigned char *s = p;
            /* ',' is the largest of the four special bytes */
            while (p < end && (*p > ',' || (*p != ',' && *p != '"' && *p != '\r' && *p != '\n')))
                p++;
            if (p < end && *p == '"') {
                c->p = p;
                e->kind = SX_QUOTE_IN_UNQUOTED;
                e->line = c->line;
                e->field = r->n;
                return REC_SYNTAX;
            }
            if (push_field(r, s, (size_t)(p - s))) return REC_NOMEM;
        }
        if (p == end) {
            c->p = p;
            return REC_OK;
        }
        if (*p == ',') {
            p++;
            continue;
        }
        count_eol(c, p); /* CR or LF ends the record */
        c->p = p + 1;
        return REC_OK;
    }
}

/* ---- row checks, errors and messages ------------------------------------ */

/* Row-level errors, in the order a row is checked. */
enum {
    RE_NONE,
    RE_WIDTH, /* n = fields found */
    RE_ID_EMPTY,
    RE_ID_NUL,
    RE_ID_UTF8,
    RE_ID_DUP, /* n = line of the first definition */
    RE_TYPE_NUL,
    RE_TYPE_UTF8,
    RE_NAME_NUL,
    RE_NAME_UTF8,
    RE_REV_MALFORMED,
    RE_REV_RANGE,
    RE_REV_NEG,
    RE_SRC_EMPTY,
    RE_TGT_EMPTY,
    RE_W_MALFORMED,
    RE_W_RANGE,
    RE_W_NONPOS,
    RE_SRC_UNKNOWN,
    RE_TGT_UNKNOWN,
    RE_NOMEM /* not an error of the row: parsing it ran out of memory */
};

/* One row error: kind, line (local to its chunk until merged), the value
 * the message shows (pointing into the block) and a number. */
typedef struct row_err {
    int kind;
    int64_t line;
    const char *v;
    size_t len;
    int64_t n;
} row_err;

/* Set the message of a row error (absolute line) and return LP_EINPUT. */
static lp_status row_error(const char *path, int64_t width, const row_err *e)
{
    char v[256];
    const char *t = e->v ? lp_i_csv_msg_text(v, sizeof v, e->v, e->len) : "";
    int64_t l = e->line;
    switch (e->kind) {
    case RE_WIDTH:
        return lp_error_set(LP_EINPUT,
                            "%s:%" PRId64 ": expected %" PRId64 " fields, found %" PRId64, path, l,
                            width, e->n);
    case RE_ID_EMPTY:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'id': empty id", path, l);
    case RE_ID_NUL:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'id': NUL byte in id \"%s\"", path, l,
                            t);
    case RE_ID_UTF8:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'id': invalid UTF-8 in id \"%s\"",
                            path, l, t);
    case RE_ID_DUP:
        return lp_error_set(LP_EINPUT,
                            "%s:%" PRId64 ": field 'id': duplicate node id \"%s\" (first defined "
                            "on line %" PRId64 ")",
                            path, l, t, e->n);
    case RE_TYPE_NUL:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'type': NUL byte in type \"%s\"",
                            path, l, t);
    case RE_TYPE_UTF8:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'type': invalid UTF-8 in type \"%s\"",
                            path, l, t);
    case RE_NAME_NUL:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'name': NUL byte in name \"%s\"",
                            path, l, t);
    case RE_NAME_UTF8:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'name': invalid UTF-8 in name \"%s\"",
                            path, l, t);
    case RE_REV_MALFORMED:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'revenue': malformed number \"%s\"",
                            path, l, t);
    case RE_REV_RANGE:
        return lp_error_set(
            LP_EINPUT, "%s:%" PRId64 ": field 'revenue': number out of range \"%s\"", path, l, t);
    case RE_REV_NEG:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'revenue': negative revenue \"%s\"",
                            path, l, t);
    case RE_SRC_EMPTY:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'source': empty id", path, l);
    case RE_TGT_EMPTY:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'target': empty id", path, l);
    case RE_W_MALFORMED:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'weight': malformed number \"%s\"",
                            path, l, t);
    case RE_W_RANGE:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'weight': non-finite weight \"%s\"",
                            path, l, t);
    case RE_W_NONPOS:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'weight': non-positive weight \"%s\"",
                            path, l, t);
    case RE_SRC_UNKNOWN:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'source': unknown node id \"%s\"",
                            path, l, t);
    case RE_TGT_UNKNOWN:
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'target': unknown node id \"%s\"",
                            path, l, t);
    default:
        assert(0);
        return lp_error_set(LP_EINTERNAL, "%s: internal error: row error %d", path, e->kind);
    }
}

/* "<path>:<line>: field '<name>': <what>", or "field <k>" (1-based) past the
 * header's names (or before the header is read: names empty). */
static lp_status syntax_error(const char *path, const lp_strtab *names, const syntax *e,
                              int64_t line)
{
    const char *what = e->kind == SX_UNTERMINATED        ? "unterminated quote"
                       : e->kind == SX_QUOTE_IN_UNQUOTED ? "quote inside unquoted field"
                       : e->kind == SX_AFTER_CLOSING ? "unexpected character after closing quote"
                                                     : NULL;
    if (!what) /* a chunk split inside quotes that no earlier error explains: our bug */
        return lp_error_set(LP_EINTERNAL, "%s:%" PRId64 ": internal error: CSV chunk split", path,
                            line);
    if (e->field < names->count) {
        char name[256];
        const char *s = lp_strtab_get(names, e->field);
        lp_i_csv_msg_text(name, sizeof name, s, lp_i_strtab_len(names, e->field));
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': %s", path, line, name, what);
    }
    return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field %" PRId64 ": %s", path, line,
                        e->field + 1, what);
}

/* Text stored in the graph (id, type): valid UTF-8 without NUL bytes. Returns
 * RE_NONE or the first of the two errors (nul_kind, nul_kind + 1). */
static int check_text(const char *s, size_t len, int nul_kind)
{
    if (memchr(s, '\0', len)) return nul_kind;
    if (!lp_i_csv_utf8_valid(s, len)) return nul_kind + 1;
    return RE_NONE;
}

/* ---- per-chunk work ----------------------------------------------------- */

/* A nodes.csv row after the parallel checks; inserted serially. `pre` is
 * the first error found before the duplicate check, `post` the first after
 * it. For a row with an error some members hold the message's value: with
 * pre, id/id_len (NUL, UTF-8) or type_len (fields found, RE_WIDTH); with
 * post, type/type_len (type or revenue text). */
typedef struct node_row {
    const char *id, *type, *name;
    size_t id_len, type_len, name_len;
    uint64_t id_hash, type_hash;
    double revenue;
    int64_t line; /* local */
    uint8_t pre, post;
} node_row;

/* An edge row waiting for its two id lookups. */
typedef struct pending {
    const char *id[2];
    size_t len[2];
    uint64_t hash[2];
    int64_t cand[2];
    double weight;
    int64_t line;
} pending;

enum { STOP_NONE, STOP_ROW, STOP_SYNTAX, STOP_NOMEM };

/* One chunk: its range (in), its results (out), and workspaces kept from
 * block to block (record, row lists, batch), so steady state allocates
 * nothing. */
typedef struct work {
    unsigned char *begin, *end;
    int prev_cr, at_eof;

    int64_t lines;                    /* line ends in the range (complete unless stopped) */
    int64_t rows;                     /* records read */
    int stop;                         /* STOP_*: why the chunk ended early */
    syntax syn;                       /* with STOP_SYNTAX */
    row_err err[LP_CSV_MAX_WARNINGS]; /* edges: the first row errors, in order */
    int64_t nerr;                     /* edges: row errors */

    node_row *nrow; /* nodes: rows [nn] */
    int64_t nn, ncap;
    lp_vid *src, *dst; /* edges: good rows [m] */
    double *weight;
    int64_t m, mcap;

    record rec;
    pending *batch; /* [LP_CSV_BATCH] */
    int nb;
} work;

static void work_free(work *w)
{
    free(w->nrow);
    free(w->src);
    free(w->dst);
    free(w->weight);
    free(w->rec.f);
    free(w->batch);
}

/* Columns of the two files. */
enum { NC_ID, NC_TYPE, NC_REVENUE, NC_NAME, NC_COUNT };
enum { EC_SOURCE, EC_TARGET, EC_TYPE, EC_WEIGHT, EC_COUNT };

typedef struct column {
    const char *name;
    int required;
    int64_t index; /* -1: absent */
} column;

/* What the parallel parsers read (shared, read-only). */
typedef struct parse_ctx {
    const column *cols;
    int64_t width;
    int skip;
    const lp_i_intern *ids; /* edges */
    const lp_strtab *keys;
} parse_ctx;

/* Check one nodes.csv record into *row. */
static void node_check(node_row *row, const record *r, const parse_ctx *pc)
{
    const column *cols = pc->cols;
    row->line = r->line;
    row->pre = row->post = RE_NONE;
    row->id = row->type = row->name = NULL;
    row->id_len = row->type_len = 0;
    if (r->n != pc->width) {
        row->pre = RE_WIDTH;
        row->type_len = (size_t)r->n;
        return;
    }
    const field *id = &r->f[cols[NC_ID].index], *type = &r->f[cols[NC_TYPE].index];
    row->id = id->s;
    row->id_len = id->len;
    if (id->len == 0) {
        row->pre = RE_ID_EMPTY;
        return;
    }
    if ((row->pre = (uint8_t)check_text(id->s, id->len, RE_ID_NUL))) return;
    row->id_hash = lp_i_csv_hash(id->s, id->len);
    row->type = type->s;
    row->type_len = type->len;
    if ((row->post = (uint8_t)check_text(type->s, type->len, RE_TYPE_NUL))) return;
    row->type_hash = lp_i_csv_hash(type->s, type->len);
    row->name = NULL;
    row->name_len = 0;
    if (cols[NC_NAME].index >= 0) {
        const field *f = &r->f[cols[NC_NAME].index];
        row->name = f->s;
        row->name_len = f->len;
        if ((row->post = (uint8_t)check_text(f->s, f->len, RE_NAME_NUL))) {
            row->type = f->s;
            row->type_len = f->len;
            return;
        }
    }
    row->revenue = 0.0;
    if (cols[NC_REVENUE].index >= 0) {
        const field *f = &r->f[cols[NC_REVENUE].index];
        int rc = f->len ? lp_i_csv_parse_number(f->s, f->len, &row->revenue) : LP_I_NUM_OK;
        int kind = rc == LP_I_NUM_NOMEM       ? RE_NOMEM
                   : rc == LP_I_NUM_MALFORMED ? RE_REV_MALFORMED
                   : rc == LP_I_NUM_RANGE     ? RE_REV_RANGE
                   : row->revenue < 0         ? RE_REV_NEG
                                              : RE_NONE;
        if (kind) {
            row->post = (uint8_t)kind;
            row->type = f->s;
            row->type_len = f->len;
        }
    }
}

/* Parse a nodes.csv chunk into w->nrow. Without skipping, stops after the
 * first row with an error (that row is the last in the list). */
static void parse_nodes(work *w, const parse_ctx *pc)
{
    cursor c = {w->begin, w->end, w->begin, w->prev_cr, w->at_eof, 0};
    for (;;) {
        int rc = next_record(&c, &w->rec, &w->syn);
        if (rc == REC_END) break;
        if (rc != REC_OK) {
            w->stop = rc == REC_SYNTAX ? STOP_SYNTAX : STOP_NOMEM;
            break;
        }
        w->rows++;
        if (w->nn == w->ncap) {
            int64_t cap = w->ncap ? 2 * w->ncap : 4096;
            node_row *p = realloc(w->nrow, (size_t)cap * sizeof *p);
            if (!p) {
                w->stop = STOP_NOMEM;
                break;
            }
            w->nrow = p;
            w->ncap = cap;
        }
        node_row *row = &w->nrow[w->nn++];
        node_check(row, &w->rec, pc);
        if (row->post == RE_NOMEM) {
            w->nn--;
            w->stop = STOP_NOMEM;
            break;
        }
        if (!pc->skip && (row->pre || row->post)) {
            w->stop = STOP_ROW;
            break;
        }
    }
    w->lines = c.line;
}

/* Record a row error of an edges chunk; 1 if the chunk must stop. */
static int edge_error(work *w, const parse_ctx *pc, int kind, int64_t line, const char *v,
                      size_t len, int64_t n)
{
    if (w->nerr < LP_CSV_MAX_WARNINGS) {
        row_err *e = &w->err[w->nerr];
        e->kind = kind;
        e->line = line;
        e->v = v;
        e->len = len;
        e->n = n;
    }
    w->nerr++;
    if (pc->skip) return 0;
    w->stop = STOP_ROW;
    return 1;
}

/* Resolve the batched rows' ids and append them in order; 1 if the chunk
 * must stop. Ids of random edges hit random places of the table and of the
 * id strings, so one lookup at a time would be a chain of dependent cache
 * misses (~3 per id); in stages with prefetches between them (slot, then
 * the candidate's string offset, then its bytes) the misses of the whole
 * batch overlap. */
static int flush_batch(work *w, const parse_ctx *pc)
{
    const lp_i_intern *t = pc->ids;
    const lp_strtab *keys = pc->keys;
    int nb = w->nb;
    w->nb = 0;
    if (w->m + nb > w->mcap) {
        int64_t cap = w->mcap ? 2 * w->mcap : 8192;
        while (cap < w->m + nb)
            cap *= 2;
        lp_vid *s = realloc(w->src, (size_t)cap * sizeof *s);
        if (s) w->src = s;
        lp_vid *d = s ? realloc(w->dst, (size_t)cap * sizeof *d) : NULL;
        if (d) w->dst = d;
        double *x = d ? realloc(w->weight, (size_t)cap * sizeof *x) : NULL;
        if (!x) {
            w->stop = STOP_NOMEM;
            return 1;
        }
        w->weight = x;
        w->mcap = cap;
    }
    pending *b = w->batch;
    for (int i = 0; i < nb; i++) /* slots were prefetched when the rows were queued */
        for (int k = 0; k < 2; k++) {
            int64_t c = b[i].cand[k] = lp_i_intern_candidate(t, b[i].hash[k]);
            if (c >= 0) LP_I_PREFETCH(&keys->offset[c]);
        }
    for (int i = 0; i < nb; i++)
        for (int k = 0; k < 2; k++)
            if (b[i].cand[k] >= 0) LP_I_PREFETCH(keys->data + keys->offset[b[i].cand[k]]);
    for (int i = 0; i < nb; i++) {
        lp_vid v[2];
        int k;
        for (k = 0; k < 2; k++) {
            int64_t c = b[i].cand[k], row = -1;
            if (c >= 0) {
                if (lp_i_strtab_len(keys, c) == b[i].len[k] &&
                    memcmp(lp_strtab_get(keys, c), b[i].id[k], b[i].len[k]) == 0)
                    row = c;
                else /* another key with the same tag came first: probe on */
                    row = lp_i_intern_find(t, keys, b[i].id[k], b[i].len[k], b[i].hash[k]);
            }
            if (row < 0) break;
            v[k] = (lp_vid)row;
        }
        if (k < 2) {
            if (edge_error(w, pc, RE_SRC_UNKNOWN + k, b[i].line, b[i].id[k], b[i].len[k], 0))
                return 1;
            continue;
        }
        w->src[w->m] = v[0];
        w->dst[w->m] = v[1];
        w->weight[w->m] = b[i].weight;
        w->m++;
    }
    return 0;
}

/* Check one edges.csv record; queue it, or record its error (after
 * resolving the rows queued before it). 1 if the chunk must stop. */
static int edge_row(work *w, const parse_ctx *pc)
{
    const record *r = &w->rec;
    const column *cols = pc->cols;
    int kind = RE_NONE;
    const field *bad = NULL;
    double weight = 1.0;
    if (r->n != pc->width) {
        kind = RE_WIDTH;
    } else if (r->f[cols[EC_SOURCE].index].len == 0) {
        kind = RE_SRC_EMPTY;
    } else if (r->f[cols[EC_TARGET].index].len == 0) {
        kind = RE_TGT_EMPTY;
    } else if (cols[EC_WEIGHT].index >= 0 && r->f[cols[EC_WEIGHT].index].len) {
        bad = &r->f[cols[EC_WEIGHT].index];
        int rc = lp_i_csv_parse_number(bad->s, bad->len, &weight);
        if (rc == LP_I_NUM_NOMEM) {
            w->stop = STOP_NOMEM;
            return 1;
        }
        kind = rc == LP_I_NUM_MALFORMED ? RE_W_MALFORMED
               : rc == LP_I_NUM_RANGE   ? RE_W_RANGE
               : !(weight > 0)          ? RE_W_NONPOS
                                        : RE_NONE;
    }
    if (kind) {
        if (w->nb && flush_batch(w, pc)) return 1;
        return edge_error(w, pc, kind, r->line, bad ? bad->s : NULL, bad ? bad->len : 0, r->n);
    }
    pending *p = &w->batch[w->nb++];
    for (int k = 0; k < 2; k++) {
        const field *f = &r->f[cols[k].index];
        uint64_t h = lp_i_csv_hash(f->s, f->len);
        p->id[k] = f->s;
        p->len[k] = f->len;
        p->hash[k] = h;
        if (pc->ids->slot) LP_I_PREFETCH(&pc->ids->slot[lp_i_intern_home(pc->ids, h)]);
    }
    p->weight = weight;
    p->line = r->line;
    return w->nb == LP_CSV_BATCH ? flush_batch(w, pc) : 0;
}

/* Parse an edges.csv chunk into w->src/dst/weight and w->err. */
static void parse_edges(work *w, const parse_ctx *pc)
{
    cursor c = {w->begin, w->end, w->begin, w->prev_cr, w->at_eof, 0};
    if (!w->batch && !(w->batch = malloc(LP_CSV_BATCH * sizeof *w->batch))) {
        w->stop = STOP_NOMEM;
        return;
    }
    w->nb = 0;
    for (;;) {
        int rc = next_record(&c, &w->rec, &w->syn);
        if (rc == REC_END) {
            if (w->nb) flush_batch(w, pc);
            break;
        }
        if (rc != REC_OK) {
            /* the queued rows come first in the file: they may fail first */
            if (!(w->nb && flush_batch(w, pc)))
                w->stop = rc == REC_SYNTAX ? STOP_SYNTAX : STOP_NOMEM;
            break;
        }
        w->rows++;
        if (edge_row(w, pc)) break;
    }
    w->lines = c.line;
}

/* ---- input blocks ------------------------------------------------------- */

/* A failed read, kept until the data before it has been processed (so an
 * error in that data, earlier in the file, is the one reported). */
typedef struct read_err {
    int failed;
    int zerr;   /* gzerror's code */
    int errnum; /* errno after the read */
    char msg[128];
} read_err;

/* One of the two block buffers: while the chunks of one are parsed, one
 * thread reads the next into the other. */
typedef struct block {
    unsigned char *b; /* [len] bytes, capacity cap */
    size_t cap, len;
    size_t fresh; /* b[fresh..len) are new: the rest was carried over */
    int eof;      /* the input ends after b[len - 1] */
    read_err err; /* or a read error does */
} block;

typedef struct src {
    const char *path, *role;
    gzFile gz;
    int64_t size; /* as stored; -1 unknown */
    block blk[2];
    int cur;          /* blk[cur] is being processed */
    int started;      /* the first block was read (BOM looked for) */
    size_t from;      /* where the data of the block starts: 3 after a BOM, else 0 */
    int prev_cr;      /* the byte before the block was CR */
    int64_t line;     /* physical line of the block's first byte, 1-based */
    int64_t done;     /* bytes processed before the block */
    uLong crc;        /* CRC-32 of all bytes read */
    int64_t reported; /* bytes_done of the last progress call */
    lp_strtab names;  /* header fields, for syntax errors */
    int64_t width;    /* header fields; -1 before the header */
} src;

static lp_status src_open(src *f, const char *path, const char *role)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->role = role;
    f->line = 1;
    f->width = -1;
    f->crc = crc32(0L, Z_NULL, 0);
    struct stat sb;
    f->size = stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
    /* A small file gets a small block: all of it, or (gzip) a guess */
    int64_t bs = lp_i_csv_block_size < 64 ? 64 : lp_i_csv_block_size;
    if (f->size >= 0 && f->size < bs / 8) bs = 8 * f->size + 64;
    f->blk[0].cap = (size_t)bs; /* blk[1] is allocated when a second block is read */
    f->blk[0].b = malloc(f->blk[0].cap);
    if (!f->blk[0].b) return lp_error_nomem("CSV block");
    errno = 0;
    f->gz = gzopen(path, "rb");
    if (!f->gz) {
        int e = errno;
        if (!e) return lp_error_nomem("zlib stream");
        return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(e));
    }
    gzbuffer(f->gz, LP_CSV_GZBUF);
    return LP_OK;
}

static void src_close(src *f)
{
    if (f->gz) gzclose_r(f->gz);
    free(f->blk[0].b);
    free(f->blk[1].b);
    lp_strtab_free(&f->names);
    memset(f, 0, sizeof *f);
}

/* Read into k until it is full, the input ends (k->eof) or a read fails
 * (k->err). Sets no error message, so one thread may run it inside a
 * parallel region while the others parse. */
static void block_fill(block *k, gzFile gz)
{
    k->fresh = k->len;
    while (k->len < k->cap && !k->eof && !k->err.failed) {
        size_t want = k->cap - k->len;
        if (want > ((size_t)1 << 30)) want = (size_t)1 << 30;
        errno = 0;
        int n = gzread(gz, k->b + k->len, (unsigned)want);
        int e = errno;
        int zerr = Z_OK;
        const char *zmsg = gzerror(gz, &zerr);
        if (n < 0 || (n == 0 && zerr != Z_OK)) {
            k->err.failed = 1;
            k->err.zerr = zerr;
            k->err.errnum = e;
            snprintf(k->err.msg, sizeof k->err.msg, "%s", zmsg && *zmsg ? zmsg : "zlib error");
            break;
        }
        if (n == 0) k->eof = 1;
        k->len += (size_t)n;
    }
}

/* The message of a failed read: a read error or truncated gzip data. */
static lp_status read_error(const src *f, const read_err *e)
{
    if (e->zerr == Z_ERRNO)
        return lp_error_set(LP_EINPUT, "%s: cannot read: %s", f->path, strerror(e->errnum));
    if (e->zerr == Z_BUF_ERROR)
        return lp_error_set(LP_EINPUT, "%s: cannot read: truncated gzip data", f->path);
    if (e->zerr == Z_MEM_ERROR) return lp_error_nomem("zlib stream");
    return lp_error_set(LP_EINPUT, "%s: cannot read: %s", f->path, e->msg);
}

/* Number of '"' bytes in p[0..n): 8 bytes a step, a byte is a quote when
 * it xor '"' is zero (exact zero-byte test, no carries between bytes). */
static int64_t count_quotes(const unsigned char *p, size_t n)
{
    const uint64_t lo7 = UINT64_C(0x7F7F7F7F7F7F7F7F), ones = UINT64_C(0x0101010101010101);
    int64_t count = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        x ^= ones * '"';
        uint64_t z = ~(((x & lo7) + lo7) | x | lo7); /* 0x80 where the byte is 0 */
        count += (int64_t)(((z >> 7) * ones) >> 56);
    }
    for (; i < n; i++)
        count += p[i] == '"';
    return count;
}

/* First line end in b[i..end) preceded by an even number of quotes, given
 * the parity `par` of the quotes before i; end if none. */
static size_t next_boundary(const unsigned char *b, size_t i, size_t end, int par)
{
    for (; i < end; i++) {
        unsigned ch = b[i];
        if (ch == '"')
            par ^= 1;
        else if ((ch == '\n' || ch == '\r') && !par)
            return i;
    }
    return end;
}

static void crc_bytes(uLong *crc, const unsigned char *p, size_t n)
{
    *crc = crc32_z(*crc, p, n);
}

/* ---- loader ------------------------------------------------------------- */

typedef struct loader {
    const lp_load_options *opt;
    lp_load_report rep;
    lp_nodes nodes;
    lp_edges edges;
    lp_i_intern ids, types;
    int64_t *id_line; /* [nodes] line each node was defined on */
    int64_t id_line_cap;
    int64_t warned; /* skipped-row warnings printed */
    int threads;
    int nwork; /* K: pieces per block */
    work *work;
    int64_t *quotes; /* [K] */
    int64_t *dest;   /* [K] where each chunk's edges go */
    uLong *piece_crc;
    size_t *piece_len;
    size_t *start; /* [K + 1] chunk starts, then the cut */
    record hdr;
} loader;

/* A row-level error (LP_EINPUT, message set): with skip_bad_rows count it,
 * print the first few and return LP_OK; otherwise return st unchanged. */
static lp_status row_failed(loader *ld, lp_status st)
{
    if (st != LP_EINPUT || !ld->opt->skip_bad_rows) return st;
    ld->rep.skipped_rows++;
    if (ld->opt->warn && ld->warned < LP_CSV_MAX_WARNINGS) {
        fprintf(ld->opt->warn, "warning: %s\n", lp_error_message());
        ld->warned++;
    }
    lp_error_clear();
    return LP_OK;
}

/* Report bytes of the file as stored: for gzip the compressed offset. */
static void progress(const loader *ld, src *f, int final)
{
    if (!ld->opt->progress) return;
    int64_t done = f->done;
    if (f->started && !gzdirect(f->gz)) done = (int64_t)gzoffset(f->gz);
    if (final && f->size >= 0) done = f->size;
    if (!final && f->size > 0 && done >= f->size) done = f->size - 1; /* only the last call */
    if (done < f->reported) done = f->reported;
    f->reported = done;
    ld->opt->progress(ld->opt->progress_ctx, f->role, done, f->size);
}

/* The header record: columns by exact name; duplicate names and missing
 * required columns are LP_EINPUT. Keeps the names for syntax errors. */
static lp_status read_header(src *f, const record *r, int64_t line, column *cols, int ncols)
{
    lp_status st = LP_OK;
    lp_i_intern seen = {NULL, 0, 0};
    for (int64_t i = 0; i < r->n && !st; i++) {
        const char *s = r->f[i].s;
        size_t len = r->f[i].len;
        uint64_t h = lp_i_csv_hash(s, len);
        int64_t prev = lp_i_intern_find(&seen, &f->names, s, len, h);
        if (prev >= 0) {
            char name[256];
            st = lp_error_set(LP_EINPUT,
                              "%s:%" PRId64 ": field '%s': duplicate column (columns %" PRId64
                              " and %" PRId64 ")",
                              f->path, line, lp_i_csv_msg_text(name, sizeof name, s, len), prev + 1,
                              i + 1);
            break;
        }
        if (!(st = lp_strtab_push(&f->names, s, len))) st = lp_i_intern_add(&seen, h, i);
    }
    for (int c = 0; c < ncols && !st; c++) {
        size_t len = strlen(cols[c].name);
        cols[c].index =
            lp_i_intern_find(&seen, &f->names, cols[c].name, len, lp_i_csv_hash(cols[c].name, len));
        if (cols[c].index < 0 && cols[c].required)
            st = lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': missing required column",
                              f->path, line, cols[c].name);
    }
    lp_i_intern_free(&seen);
    f->width = r->n;
    return st;
}

/* Insert a nodes chunk's rows (local lines + base) in order. */
static lp_status merge_nodes(loader *ld, const src *f, const work *w, int64_t base)
{
    lp_status st = lp_i_intern_reserve(&ld->ids, w->nn);
    if (st) return st;
    if (ld->nodes.id.count + w->nn > ld->id_line_cap) {
        int64_t cap = ld->id_line_cap ? 2 * ld->id_line_cap : 4096;
        while (cap < ld->nodes.id.count + w->nn)
            cap *= 2;
        int64_t *p = realloc(ld->id_line, (size_t)cap * sizeof *p);
        if (!p) return lp_error_nomem("node line numbers");
        ld->id_line = p;
        ld->id_line_cap = cap;
    }
    const uint64_t *slot = ld->ids.slot;
    for (int64_t i = 0; i < w->nn; i++) {
        if (i + 16 < w->nn && !w->nrow[i + 16].pre)
            LP_I_PREFETCH(&slot[lp_i_intern_home(&ld->ids, w->nrow[i + 16].id_hash)]);
        const node_row *r = &w->nrow[i];
        int64_t line = base + r->line;
        ld->rep.node_rows++;
        if (ld->nodes.id.count >= lp_i_csv_node_limit)
            return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": too many nodes (more than %" PRId64 ")",
                                f->path, line, lp_i_csv_node_limit);
        row_err e = {r->pre, line, NULL, 0, 0};
        if (r->pre == RE_WIDTH) e.n = (int64_t)r->type_len;
        if (r->pre == RE_ID_NUL || r->pre == RE_ID_UTF8) {
            e.v = r->id;
            e.len = r->id_len;
        }
        if (!r->pre) {
            int64_t prev = lp_i_intern_find(&ld->ids, &ld->nodes.id, r->id, r->id_len, r->id_hash);
            if (prev >= 0) {
                e.kind = RE_ID_DUP;
                e.v = r->id;
                e.len = r->id_len;
                e.n = ld->id_line[prev];
            } else if (r->post) {
                e.kind = r->post;
                e.v = r->type;
                e.len = r->type_len;
            }
        }
        if (e.kind) {
            if ((st = row_failed(ld, row_error(f->path, f->width, &e)))) return st;
            continue;
        }
        int64_t t =
            lp_i_intern_find(&ld->types, &ld->nodes.type_name, r->type, r->type_len, r->type_hash);
        if (t < 0) {
            t = ld->nodes.type_name.count;
            if ((st = lp_strtab_push(&ld->nodes.type_name, r->type, r->type_len))) return st;
            if ((st = lp_i_intern_add(&ld->types, r->type_hash, t))) return st;
        }
        int64_t row = ld->nodes.id.count;
        if ((st = lp_nodes_push(&ld->nodes, r->id, r->id_len, (int32_t)t, r->revenue))) return st;
        if (r->name && (st = lp_strtab_push(&ld->nodes.name, r->name, r->name_len))) return st;
        ld->id_line[row] = line;
        if ((st = lp_i_intern_add(&ld->ids, r->id_hash, row))) return st;
    }
    return LP_OK;
}

/* Report an edges chunk's row errors in order (absolute lines: + base). */
static lp_status edge_errors(loader *ld, const src *f, const work *w, int64_t base)
{
    lp_status st;
    int64_t stored = w->nerr < LP_CSV_MAX_WARNINGS ? w->nerr : LP_CSV_MAX_WARNINGS;
    for (int64_t k = 0; k < stored; k++) {
        row_err e = w->err[k];
        e.line += base;
        if ((st = row_failed(ld, row_error(f->path, f->width, &e)))) return st;
    }
    /* the rest are never printed: the chunk's first LP_CSV_MAX_WARNINGS
     * (already printed or counted) come before them */
    ld->rep.skipped_rows += w->nerr - stored;
    return LP_OK;
}

/* The node table's counterpart of reserve_edges: room for rows ids of
 * bytes bytes in all (NULs included), their types, revenues and line
 * numbers, while it is still empty. */
static lp_status reserve_nodes(loader *ld, int64_t rows, int64_t bytes)
{
    lp_nodes *N = &ld->nodes;
    if (N->id.count > 0 || rows <= N->cap) return LP_OK;
    int64_t *off = lp_i_alloc_big((size_t)rows * sizeof *off, 0);
    char *data = lp_i_alloc_big((size_t)bytes, 0);
    int32_t *type = lp_i_alloc_big((size_t)rows * sizeof *type, 0);
    double *rev = lp_i_alloc_big((size_t)rows * sizeof *rev, 0);
    int64_t *line = lp_i_alloc_big((size_t)rows * sizeof *line, 0);
    if (!off || !data || !type || !rev || !line) {
        free(off);
        free(data);
        free(type);
        free(rev);
        free(line);
        return lp_error_nomem("node table");
    }
    free(N->id.offset);
    free(N->id.data);
    free(N->type);
    free(N->revenue);
    free(ld->id_line);
    N->id.offset = off;
    N->id.offset_cap = rows;
    N->id.data = data;
    N->id.data_cap = bytes;
    N->id.size = 0;
    N->type = type;
    N->revenue = rev;
    N->cap = rows;
    ld->id_line = line;
    ld->id_line_cap = rows;
    return LP_OK;
}

/* Give the (still empty) edge list room for cap rows at once, in memory
 * offered as huge pages: growing it by doubling would copy it about once
 * more and fault in about twice its size in fresh 4 KiB pages, which this
 * VM clears slowly. 0, or LP_EINTERNAL (out of memory). */
static lp_status reserve_edges(lp_edges *E, int64_t cap)
{
    if (E->m > 0 || cap <= E->cap) return LP_OK;
    lp_vid *s = lp_i_alloc_big((size_t)cap * sizeof *s, 0);
    lp_vid *d = lp_i_alloc_big((size_t)cap * sizeof *d, 0);
    double *x = lp_i_alloc_big((size_t)cap * sizeof *x, 0);
    if (!s || !d || !x) {
        free(s);
        free(d);
        free(x);
        return lp_error_nomem("edge list");
    }
    free(E->src);
    free(E->dst);
    free(E->weight);
    E->src = s;
    E->dst = d;
    E->weight = x;
    E->cap = cap;
    return LP_OK;
}

/* Size the tables once, from the rows of the first block's chunks [0, n)
 * and scale (how many times that block the whole file is): nodes.csv the
 * id table and the node table, edges.csv the edge list. Growing them step
 * by step would rehash every id about once more, copy the arrays about
 * once more and touch fresh memory for each larger size. 2% high: an
 * estimate a little low makes a table grow (x2) at the end, one a little
 * high costs a little address space. */
static lp_status reserve_tables(loader *ld, int n, int is_edges, double scale)
{
    int64_t rows = 0, id_bytes = 0;
    for (int c = 0; c < n; c++) {
        const work *w = &ld->work[c];
        rows += is_edges ? w->m : w->nn;
        if (!is_edges)
            for (int64_t i = 0; i < w->nn; i++)
                id_bytes += (int64_t)w->nrow[i].id_len + 1;
    }
    double est = 1.02 * scale * (double)rows;
    if (!(est > (double)rows && est < 4e9)) return LP_OK;
    if (is_edges) return reserve_edges(&ld->edges, (int64_t)est);
    lp_status st = lp_i_intern_reserve(&ld->ids, (int64_t)est);
    return st ? st
              : reserve_nodes(ld, (int64_t)est, (int64_t)(1.02 * scale * (double)id_bytes) + 1);
}

/* Append the good rows of chunks [0, n) in order, one thread per chunk
 * (each copies into its own range; the copy also touches the new pages of
 * the edge list, which costs more than the copy). */
static lp_status append_edges(loader *ld, int n)
{
    lp_edges *E = &ld->edges;
    int64_t *at = ld->dest, m = E->m;
    for (int c = 0; c < n; c++) {
        at[c] = m;
        m += ld->work[c].m;
    }
    if (m > E->cap) {
        int64_t cap = E->cap ? 2 * E->cap : 1 << 16;
        while (cap < m)
            cap *= 2;
        lp_vid *s = realloc(E->src, (size_t)cap * sizeof *s);
        if (s) E->src = s;
        lp_vid *d = s ? realloc(E->dst, (size_t)cap * sizeof *d) : NULL;
        if (d) E->dst = d;
        double *x = d ? realloc(E->weight, (size_t)cap * sizeof *x) : NULL;
        if (!x) return lp_error_nomem("edge list"); /* grown arrays stay owned by E */
        E->weight = x;
        E->cap = cap;
    }
#pragma omp parallel for schedule(dynamic, 1) if (n > 1 && m - E->m >= LP_PARALLEL_MIN)
    for (int c = 0; c < n; c++) {
        const work *w = &ld->work[c];
        if (!w->m) continue;
        memcpy(E->src + at[c], w->src, (size_t)w->m * sizeof *E->src);
        memcpy(E->dst + at[c], w->dst, (size_t)w->m * sizeof *E->dst);
        memcpy(E->weight + at[c], w->weight, (size_t)w->m * sizeof *E->weight);
    }
    E->m = m;
    return LP_OK;
}

/* Per-load workspaces: K pieces per block. */
static lp_status loader_init_work(loader *ld)
{
    ld->threads = lp_i_max_threads();
    ld->nwork = LP_CSV_CHUNKS_PER_THREAD * ld->threads;
    size_t k = (size_t)ld->nwork;
    ld->work = calloc(k, sizeof *ld->work);
    ld->quotes = calloc(k, sizeof *ld->quotes);
    ld->dest = calloc(k, sizeof *ld->dest);
    ld->piece_crc = calloc(k, sizeof *ld->piece_crc);
    ld->piece_len = calloc(k, sizeof *ld->piece_len);
    ld->start = calloc(k + 1, sizeof *ld->start);
    if (!ld->work || !ld->quotes || !ld->dest || !ld->piece_crc || !ld->piece_len || !ld->start)
        return lp_error_nomem("CSV loader");
    return LP_OK;
}

static void loader_free_work(loader *ld)
{
    for (int i = 0; ld->work && i < ld->nwork; i++)
        work_free(&ld->work[i]);
    free(ld->work);
    free(ld->quotes);
    free(ld->dest);
    free(ld->piece_crc);
    free(ld->piece_len);
    free(ld->start);
    free(ld->hdr.f);
}

/* Read and load one file; is_edges selects the row parser and merge. */
static lp_status load_file(loader *ld, src *f, column *cols, int ncols, int is_edges)
{
    lp_status st;
    progress(ld, f, 0);
    block_fill(&f->blk[f->cur], f->gz);
    for (;;) {
        block *k = &f->blk[f->cur], *next = &f->blk[1 - f->cur];
        unsigned char *b = k->b;
        size_t len = k->len;
        if (!f->started) {
            f->started = 1;
            if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) f->from = 3;
        }
        size_t from = f->from;

        /* A: quotes per piece of [from, len), CRC of the new bytes */
        int K = ld->nwork;
        int64_t pieces = (int64_t)(len - from) / (lp_i_csv_min_chunk > 0 ? lp_i_csv_min_chunk : 1);
        if (pieces < K) K = pieces < 1 ? 1 : (int)pieces;
        size_t fresh = k->fresh, nfresh = len - fresh;
#pragma omp parallel for schedule(static) if (K > 1)
        for (int c = 0; c < K; c++) {
            size_t lo = from + (len - from) * (size_t)c / (size_t)K;
            size_t hi = from + (len - from) * (size_t)(c + 1) / (size_t)K;
            ld->quotes[c] = count_quotes(b + lo, hi - lo);
            size_t flo = fresh + nfresh * (size_t)c / (size_t)K;
            size_t fhi = fresh + nfresh * (size_t)(c + 1) / (size_t)K;
            ld->piece_crc[c] = crc32(0L, Z_NULL, 0);
            crc_bytes(&ld->piece_crc[c], b + flo, fhi - flo);
            ld->piece_len[c] = fhi - flo;
        }
        for (int c = 0; c < K; c++)
            f->crc = crc32_combine(f->crc, ld->piece_crc[c], (z_off_t)ld->piece_len[c]);
        k->fresh = len; /* counted: a block grown below does not count them again */

        /* B: the cut, the header, the chunk starts */
        int par = 0;
        for (int c = 0; c < K; c++)
            par ^= (int)(ld->quotes[c] & 1);
        size_t cut = len;
        if (!k->eof) {
            size_t i = len;
            for (; i > from; i--) {
                unsigned ch = b[i - 1];
                if (ch == '"')
                    par ^= 1;
                else if ((ch == '\n' || ch == '\r') && !par)
                    break;
            }
            if (i == from) { /* no record ends in this block */
                if (k->err.failed) return read_error(f, &k->err);
                size_t cap = 2 * k->cap; /* make it larger, read on */
                unsigned char *nb = realloc(k->b, cap);
                if (!nb) return lp_error_nomem("CSV block");
                k->b = nb;
                k->cap = cap;
                block_fill(k, f->gz);
                continue;
            }
            cut = i;
        }
        size_t data = from;
        int64_t base = f->line; /* line of b[data] */
        if (f->width < 0) {
            cursor c = {b + from, b + cut, b + from, f->prev_cr, k->eof && cut == len, 0};
            syntax e;
            int rc = next_record(&c, &ld->hdr, &e);
            if (rc == REC_NOMEM) return lp_error_nomem("CSV header");
            if (rc == REC_SYNTAX) return syntax_error(f->path, &f->names, &e, base + e.line);
            if (rc == REC_OK) {
                if ((st = read_header(f, &ld->hdr, base + ld->hdr.line, cols, ncols))) return st;
            } else if (c.at_eof) {
                return lp_error_set(LP_EINPUT, "%s: empty file (no header row)", f->path);
            }
            data = (size_t)(c.p - b);
            base += c.line;
        }
        int n = 0;
        if (data < cut) {
            ld->start[n++] = data;
            int q = 0;
            for (int c = 0; c < K; c++) {
                size_t lo = from + (len - from) * (size_t)c / (size_t)K;
                if (lo >= cut) break;
                if (c > 0 && lo > ld->start[n - 1]) {
                    size_t s = next_boundary(b, lo, cut, q);
                    if (s < cut && s > ld->start[n - 1]) ld->start[n++] = s;
                }
                q ^= (int)(ld->quotes[c] & 1);
            }
        }
        ld->start[n] = cut;

        /* C: parse the chunks; meanwhile one thread moves the unprocessed
         * tail to the other block and reads on into it */
        int more = !k->eof && !k->err.failed;
        if (more) {
            if (next->cap < k->cap) {
                unsigned char *nb = realloc(next->b, k->cap);
                if (!nb) return lp_error_nomem("CSV block");
                next->b = nb;
                next->cap = k->cap;
            }
            next->len = 0;
            next->eof = 0;
            memset(&next->err, 0, sizeof next->err);
        }
        parse_ctx pc = {cols, f->width, ld->opt->skip_bad_rows, &ld->ids, &ld->nodes.id};
        for (int c = 0; c < n; c++) {
            work *w = &ld->work[c];
            w->begin = b + ld->start[c];
            w->end = b + ld->start[c + 1];
            w->prev_cr = ld->start[c] > 0 ? b[ld->start[c] - 1] == '\r' : f->prev_cr;
            w->at_eof = k->eof && ld->start[c + 1] == len;
            w->lines = w->rows = w->nerr = w->nn = w->m = 0;
            w->stop = STOP_NONE;
        }
#pragma omp parallel if (n > 1 || more)
        {
#pragma omp single nowait
            if (more) {
                memcpy(next->b, b + cut, len - cut); /* the parsers never touch b[cut..) */
                next->len = len - cut;
                block_fill(next, f->gz);
            }
#pragma omp for schedule(dynamic, 1) nowait
            for (int c = 0; c < n; c++) {
                if (is_edges)
                    parse_edges(&ld->work[c], &pc);
                else
                    parse_nodes(&ld->work[c], &pc);
            }
        }

        /* D: merge in file order */
        if (f->done == 0 && more && cut > 0 && f->size > 0) {
            /* The whole file is about scale times the first block (both
             * blocks read so far, uncompressed, against the stored bytes
             * they came from). */
            int64_t stored = (int64_t)gzoffset(f->gz);
            double scale =
                (double)(cut + next->len) * (double)f->size / (double)stored / (double)cut;
            if (stored > 0 && (st = reserve_tables(ld, n, is_edges, scale))) return st;
        }
        for (int c = 0; c < n; c++) {
            const work *w = &ld->work[c];
            if (is_edges) {
                ld->rep.edge_rows += w->rows;
                st = edge_errors(ld, f, w, base);
            } else {
                st = merge_nodes(ld, f, w, base);
            }
            if (st) return st;
            if (w->stop == STOP_NOMEM) return lp_error_nomem("CSV rows");
            if (w->stop == STOP_SYNTAX)
                return syntax_error(f->path, &f->names, &w->syn, base + w->syn.line);
            assert(w->stop == STOP_NONE); /* STOP_ROW failed in the merge */
            base += w->lines;
        }
        if (is_edges && (st = append_edges(ld, n))) return st;

        f->line = base;
        f->from = 0;
        f->done += (int64_t)cut;
        if (cut > 0) f->prev_cr = b[cut - 1] == '\r';
        if (!more) { /* end of input, or a read error after this block */
            if (k->err.failed) return read_error(f, &k->err);
            assert(cut == len);
            break;
        }
        f->cur = 1 - f->cur;
        progress(ld, f, 0);
    }
    progress(ld, f, 1);
    return LP_OK;
}

static lp_status load_nodes(loader *ld, const char *path)
{
    src f;
    column cols[NC_COUNT] = {{"id", 1, -1}, {"type", 1, -1}, {"revenue", 0, -1}, {"name", 0, -1}};
    lp_status st = src_open(&f, path, "nodes");
    if (!st) st = load_file(ld, &f, cols, NC_COUNT, 0);
    ld->nodes.has_revenue = cols[NC_REVENUE].index >= 0;
    ld->nodes.has_name = cols[NC_NAME].index >= 0;
    if (!st && ld->nodes.id.count == 0) st = lp_error_set(LP_EINPUT, "%s: no nodes", path);
    if (!st) {
        ld->rep.nodes_file.path = path;
        ld->rep.nodes_file.size = f.size;
        ld->rep.nodes_file.crc32 = (uint32_t)f.crc;
    }
    src_close(&f);
    return st;
}

static lp_status load_edges(loader *ld, const char *path)
{
    src f;
    column cols[EC_COUNT] = {
        {"source", 1, -1}, {"target", 1, -1}, {"type", 0, -1}, {"weight", 0, -1}};
    lp_status st = src_open(&f, path, "edges");
    if (!st) st = load_file(ld, &f, cols, EC_COUNT, 1);
    if (!st) {
        ld->rep.edges_file.path = path;
        ld->rep.edges_file.size = f.size;
        ld->rep.edges_file.crc32 = (uint32_t)f.crc;
    }
    src_close(&f);
    return st;
}

lp_status lp_graph_load_csv(lp_graph *out, lp_load_report *out_report, const char *nodes_path,
                            const char *edges_path, const lp_load_options *opt)
{
    static const lp_load_options defaults = LP_LOAD_OPTIONS_INIT;
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.opt = opt ? opt : &defaults;
    lp_nodes nodes_init = LP_NODES_INIT;
    lp_edges edges_init = LP_EDGES_INIT;
    ld.nodes = nodes_init;
    ld.edges = edges_init;

    lp_status st = loader_init_work(&ld);
    if (!st) st = load_nodes(&ld, nodes_path);
    lp_i_intern_free(&ld.types);
    free(ld.id_line);
    ld.id_line = NULL;
    for (int i = 0; ld.work && i < ld.nwork; i++) { /* the node rows are done with */
        free(ld.work[i].nrow);
        ld.work[i].nrow = NULL;
        ld.work[i].ncap = 0;
    }
    if (!st) st = load_edges(&ld, edges_path);
    lp_i_intern_free(&ld.ids);
    loader_free_work(&ld);
    if (!st && ld.opt->warn && ld.rep.skipped_rows > ld.warned)
        fprintf(ld.opt->warn, "warning: %" PRId64 " more rows skipped\n",
                ld.rep.skipped_rows - ld.warned);

    if (!st) {
        st = lp_graph_build(out, &ld.nodes, &ld.edges); /* writes *out only on success */
        if (!st && out_report) *out_report = ld.rep;
    }
    lp_nodes_free(&ld.nodes);
    lp_edges_free(&ld.edges);
    return st;
}
