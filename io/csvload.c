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
 * a record longer than itself, and no further than the record cap:
 * LP_CSV_MAX_RECORD, checked in next_record and, for a record that does
 * not end within the cap, in record_over_cap). Time O(bytes); the serial part per block is
 * B, the merge (a copy of the block's edges) and the node insertions.
 */
#include "lp_csv.h"
#include "lp_alloc.h"

#include "lp_i_csv.h"
#include "lp_i_mem.h"
#include "lp_i_omp.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

typedef lp_i_field field;
typedef lp_i_record record; /* line: local to the chunk */
typedef lp_i_cursor cursor; /* lines counted from 0 at begin */

enum { MODE_COMMA, MODE_COMMA_CAPPED, MODE_OTHER };

/* A cursor over [begin, end), line 0 at begin. */
static cursor cursor_at(unsigned char *begin, unsigned char *end, int prev_cr, int at_eof,
                        unsigned char delim)
{
    cursor c = {.p = begin,
                .end = end,
                .begin = begin,
                .prev_cr = prev_cr,
                .at_eof = at_eof,
                .line = 0,
                .delim = delim,
                .mode = MODE_OTHER};
    if (delim == ',') c.mode = end - begin > lp_i_csv_max_field ? MODE_COMMA_CAPPED : MODE_COMMA;
    return c;
}

enum {
    SX_UNTERMINATED = 1,
    SX_QUOTE_IN_UNQUOTED,
    SX_AFTER_CLOSING,
    SX_SPLIT,
    SX_FIELD_LONG, /* a value longer than lp_i_csv_max_field */
    SX_RECORD_LONG /* a record longer than lp_i_csv_max_record */
};

typedef lp_i_syntax syntax;

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
        field *f = lp_realloc(r->f, (size_t)cap * sizeof *f);
        if (!f) return -1;
        r->f = f;
        r->cap = cap;
    }
    r->f[r->n].s = (const char *)s;
    r->f[r->n].len = len;
    r->n++;
    return 0;
}

/* A record that ran over a cap stops the parse where it stopped anyway
 * (a syntax error, the end of the range or the record's end), span bytes
 * after its first byte: the first field (complete, or the one in progress,
 * already pushed) whose value is longer than the field cap, else the record
 * if span is longer than the record cap, is the error, as it was met
 * before whatever stopped the parse. Returns REC_OK if neither, else
 * REC_SYNTAX with *e set (line: the record's). */
static int over_cap(const record *r, size_t span, syntax *e)
{
    for (int64_t i = 0; i < r->n; i++)
        if ((int64_t)r->f[i].len > lp_i_csv_max_field) {
            e->kind = SX_FIELD_LONG;
            e->line = r->line;
            e->field = i;
            return REC_SYNTAX;
        }
    if ((int64_t)span > lp_i_csv_max_record) {
        e->kind = SX_RECORD_LONG;
        e->line = r->line;
        e->field = r->n ? r->n - 1 : 0;
        return REC_SYNTAX;
    }
    return REC_OK;
}

/* A syntax error of kind at local line `line` in field r->n, unless a cap
 * was passed first (see over_cap). */
static int syntax_at(cursor *c, record *r, syntax *e, unsigned char *p,
                     const unsigned char *rec_start, int kind, int64_t line)
{
    c->p = p;
    if (over_cap(r, (size_t)(p - rec_start), e) == REC_SYNTAX) return REC_SYNTAX;
    r->n--; /* the field in progress was pushed for over_cap only */
    e->kind = kind;
    e->line = line;
    e->field = r->n;
    return REC_SYNTAX;
}

/* The parse reached p, max_record + 1 bytes after the record's first byte,
 * with the record still going: over a cap. */
static int cut_short(cursor *c, const record *r, syntax *e, unsigned char *p,
                     const unsigned char *rec_start)
{
    c->p = p;
    int rc = over_cap(r, (size_t)(p - rec_start), e);
    assert(rc == REC_SYNTAX);
    return rc;
}

/* The next record of c into r: REC_OK, REC_END (no record before the end of
 * the range), REC_SYNTAX (*e set) or REC_NOMEM. Blank lines are skipped;
 * LF, CRLF and a lone CR end lines; the end of the range ends a record (it
 * is a line end outside quotes, or the end of the input). Quoted fields are
 * unquoted in place: their bytes move towards the opening quote, never past
 * the byte being read, so the bytes still to be read are untouched. Fields
 * are separated by delim (never '"', CR or LF).
 *
 * The caps: the parse of one record looks at no more than max_record + 1
 * bytes (its line end may be the last of them); a record still going there
 * is over the record cap (or a field in it over the field cap). A record
 * that ends has its values checked against the field cap only when it is
 * longer than that cap as a whole. With capped 0 (the rest of the range is
 * no longer than the field cap, so no record in it can pass a cap) none of
 * this is done. Always inlined with constant delim and capped (see
 * next_record). */
static inline __attribute__((always_inline)) int
next_record_d(cursor *c, record *r, syntax *e, const unsigned char delim, const int capped)
{
    /* delim, '"', CR and LF are the special bytes: every byte above the
     * largest of them is an ordinary one */
    const unsigned char top = delim > '"' ? delim : '"';
    unsigned char *p = c->p, *end = c->end;
    while (p < end && (*p == '\n' || *p == '\r'))
        count_eol(c, p++);
    c->p = p;
    if (p == end) return REC_END;
    const unsigned char *rec_start = p;
    if (capped && (size_t)(end - p) > (size_t)lp_i_csv_max_record + 1)
        end = p + lp_i_csv_max_record + 1; /* reaching it means over a cap */
    r->n = 0;
    r->line = c->line;
    for (;;) { /* p is at the start of a field */
        if (p < end && *p == '"') {
            int64_t quote_line = c->line;
            unsigned char *start = p + 1, *w = p + 1, *q = p + 1;
            for (;;) {
                unsigned char *run = q;
                while (q < end) {
#if defined(__SSE2__)
                    /* 16 bytes a step to the next quote or line end (a
                     * quoted field holds most bytes of an export whose
                     * every field is quoted) */
                    if (end - q >= 16) {
                        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
                        __m128i hit =
                            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                         _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                                      _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
                        int mask = _mm_movemask_epi8(hit);
                        if (!mask) {
                            q += 16;
                            continue;
                        }
                        q += __builtin_ctz((unsigned)mask); /* a special byte: below */
                    }
#endif
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
                    if (push_field(r, start, (size_t)(w - start))) return REC_NOMEM;
                    if (capped && end != c->end) return cut_short(c, r, e, q, rec_start);
                    return syntax_at(c, r, e, q, rec_start, c->at_eof ? SX_UNTERMINATED : SX_SPLIT,
                                     quote_line);
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
            if (p < end && *p != delim && *p != '\r' && *p != '\n') {
                if (push_field(r, start, (size_t)(w - start))) return REC_NOMEM;
                return syntax_at(c, r, e, p, rec_start, SX_AFTER_CLOSING, c->line);
            }
            if (push_field(r, start, (size_t)(w - start))) return REC_NOMEM;
        } else {
            unsigned char *s = p;
            while (p < end && (*p > top || (*p != delim && *p != '"' && *p != '\r' && *p != '\n')))
                p++;
            if (p < end && *p == '"') {
                if (push_field(r, s, (size_t)(p - s))) return REC_NOMEM;
                return syntax_at(c, r, e, p, rec_start, SX_QUOTE_IN_UNQUOTED, c->line);
            }
            if (push_field(r, s, (size_t)(p - s))) return REC_NOMEM;
        }
        if (p == end) {
            c->p = p;
            if (capped && end != c->end) return cut_short(c, r, e, p, rec_start);
            break;
        }
        if (*p == delim) {
            p++;
            continue;
        }
        count_eol(c, p); /* CR or LF ends the record */
        c->p = p + 1;
        break;
    }
    if (capped && (int64_t)(p - rec_start) > lp_i_csv_max_field)
        return over_cap(r, (size_t)(p - rec_start), e);
    return REC_OK;
}

/* next_record_d for the cursor's delimiter: ',' gets its own copies, with
 * the byte tests folded to constants, any other delimiter the generic one;
 * the caps are checked only where the range could hold a record passing
 * one (a parse chunk is normally shorter than the field cap: no check at
 * all). The copy is chosen once per range (cursor_at). */
static __attribute__((noinline)) int next_record_other(cursor *c, record *r, syntax *e)
{
    if (c->mode == MODE_COMMA_CAPPED) return next_record_d(c, r, e, ',', 1);
    return next_record_d(c, r, e, c->delim, 1);
}

static int next_record(cursor *c, record *r, syntax *e)
{
    if (c->mode == MODE_COMMA) return next_record_d(c, r, e, ',', 0); /* the common case */
    return next_record_other(c, r, e);
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
        return lp_error_set(
            LP_EINPUT, "%s:%" PRId64 ": field 'id': invalid UTF-8 in id \"%s\"" LP_I_CSV_UTF8_HINT,
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
        return lp_error_set(LP_EINPUT,
                            "%s:%" PRId64
                            ": field 'type': invalid UTF-8 in type \"%s\"" LP_I_CSV_UTF8_HINT,
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

enum {
    STOP_NONE = LP_I_STOP_NONE,
    STOP_ROW = LP_I_STOP_ROW,
    STOP_SYNTAX = LP_I_STOP_SYNTAX,
    STOP_NOMEM = LP_I_STOP_NOMEM
};

/* An unknown node id an edge row names (pointing into the block). */
typedef struct unk_ref {
    const char *s;
    size_t len;
    uint64_t hash;
} unk_ref;

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

    unk_ref *unk; /* edges, skipping: the unknown ids rows name, in order */
    int64_t nunk, unkcap;
    int64_t unk_rows; /* rows skipped for them */
} work;

static void work_free(work *w)
{
    free(w->nrow);
    free(w->src);
    free(w->dst);
    free(w->weight);
    free(w->rec.f);
    free(w->batch);
    free(w->unk);
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
    unsigned char delim;
} parse_ctx;

/* The first capacity of a chunk's row list: a row takes 2 bytes or more, so
 * a small chunk (a small file, the fuzzer's blocks) gets a small list, at
 * most `most` rows (then doubling). Large first lists would be mapped and
 * unmapped for every small load under AddressSanitizer. */
static int64_t first_cap(const work *w, int64_t most)
{
    int64_t rows = (int64_t)(w->end - w->begin) / 8 + 16;
    return rows < most ? rows : most;
}

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
    cursor c = cursor_at(w->begin, w->end, w->prev_cr, w->at_eof, pc->delim);
    for (;;) {
        int rc = next_record(&c, &w->rec, &w->syn);
        if (rc == REC_END) break;
        if (rc != REC_OK) {
            w->stop = rc == REC_SYNTAX ? STOP_SYNTAX : STOP_NOMEM;
            break;
        }
        w->rows++;
        if (w->nn == w->ncap) {
            int64_t cap = w->ncap ? 2 * w->ncap : first_cap(w, 4096);
            node_row *p = lp_realloc(w->nrow, (size_t)cap * sizeof *p);
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

static int push_unknown(work *w, const pending *p, int k)
{
    if (w->nunk == w->unkcap) {
        int64_t cap = w->unkcap ? 2 * w->unkcap : 256;
        unk_ref *u = lp_realloc(w->unk, (size_t)cap * sizeof *u);
        if (!u) return -1;
        w->unk = u;
        w->unkcap = cap;
    }
    w->unk[w->nunk++] = (unk_ref){.s = p->id[k], .len = p->len[k], .hash = p->hash[k]};
    return 0;
}

/* A row skipped for unknown id k (0 source, 1 target): note the unknown ids
 * it names (the target too when the source is unknown). 1 if out of
 * memory (the chunk stops). */
static int note_unknown(work *w, const parse_ctx *pc, const pending *p, int k)
{
    w->unk_rows++;
    if (push_unknown(w, p, k) ||
        (k == 0 && lp_i_intern_find(pc->ids, pc->keys, p->id[1], p->len[1], p->hash[1]) < 0 &&
         push_unknown(w, p, 1))) {
        w->stop = STOP_NOMEM;
        return 1;
    }
    return 0;
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
        int64_t cap = w->mcap ? 2 * w->mcap : first_cap(w, 8192);
        while (cap < w->m + nb)
            cap *= 2;
        lp_vid *s = lp_realloc(w->src, (size_t)cap * sizeof *s);
        if (s) w->src = s;
        lp_vid *d = s ? lp_realloc(w->dst, (size_t)cap * sizeof *d) : NULL;
        if (d) w->dst = d;
        double *x = d ? lp_realloc(w->weight, (size_t)cap * sizeof *x) : NULL;
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
            if (pc->skip && note_unknown(w, pc, &b[i], k)) return 1;
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
    cursor c = cursor_at(w->begin, w->end, w->prev_cr, w->at_eof, pc->delim);
    if (!w->batch && !(w->batch = lp_malloc(LP_CSV_BATCH * sizeof *w->batch))) {
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

/* ---- the block reader (lp_i_blocks_read) --------------------------------- */

int lp_i_chunk_next(lp_i_chunk *ch, lp_i_record *r)
{
    if (ch->stop) return 0;
    int rc = next_record(&ch->cur, r, &ch->syn);
    ch->lines = ch->cur.line;
    if (rc == REC_OK) return 1;
    if (rc != REC_END) ch->stop = rc == REC_SYNTAX ? LP_I_STOP_SYNTAX : LP_I_STOP_NOMEM;
    return 0;
}

/* A failed read, kept until the data before it has been processed (so an
 * error in that data, earlier in the file, is the one reported). */
typedef struct read_err {
    int failed;
    int zerr;   /* gzerror's code */
    int errnum; /* errno after the read */
    char msg[128];
} read_err;

/* A block buffer: while the chunks of one are parsed, one thread reads the
 * next into another (and, with overlap, merges the one before from the
 * third). */
typedef struct block {
    unsigned char *b; /* [len] bytes, capacity cap */
    size_t cap, len;
    size_t fresh; /* b[fresh..len) are new: the rest was carried over */
    int eof;      /* the input ends after b[len - 1] */
    read_err err; /* or a read error does */
} block;

/* One file being read. */
typedef struct src {
    const char *path;
    const lp_i_blocks_client *cl;
    gzFile gz;
    int64_t size; /* as stored; -1 unknown */
    block blk[3]; /* two, or three with overlap */
    int nbuf;
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

/* Per-load workspaces: K pieces per block, the chunks cut from them. */
struct lp_i_blocks {
    int nwork;       /* K */
    int64_t *quotes; /* [K] quotes per piece */
    uLong *piece_crc;
    size_t *piece_len;
    size_t *start;     /* [K + 1] chunk starts, then the cut */
    lp_i_chunk *chunk; /* [2K]: a block's, and with overlap the one before's */
    record hdr;
};

lp_status lp_i_blocks_new(lp_i_blocks **out)
{
    lp_i_blocks *b = lp_calloc(1, sizeof *b);
    if (!b) return lp_error_nomem("CSV loader");
    b->nwork = LP_CSV_CHUNKS_PER_THREAD * lp_i_max_threads();
    size_t k = (size_t)b->nwork;
    b->quotes = lp_calloc(k, sizeof *b->quotes);
    b->piece_crc = lp_calloc(k, sizeof *b->piece_crc);
    b->piece_len = lp_calloc(k, sizeof *b->piece_len);
    b->start = lp_calloc(k + 1, sizeof *b->start);
    b->chunk = lp_calloc(2 * k, sizeof *b->chunk);
    if (!b->quotes || !b->piece_crc || !b->piece_len || !b->start || !b->chunk) {
        lp_i_blocks_free(b);
        return lp_error_nomem("CSV loader");
    }
    *out = b;
    return LP_OK;
}

void lp_i_blocks_free(lp_i_blocks *b)
{
    if (!b) return;
    free(b->quotes);
    free(b->piece_crc);
    free(b->piece_len);
    free(b->start);
    free(b->chunk);
    free(b->hdr.f);
    free(b);
}

int lp_i_blocks_chunks(const lp_i_blocks *b)
{
    return b->nwork;
}

/* gzip input starts with 1F 8B (anything else gzread passes through). */
static int looks_gzip(const char *path)
{
    unsigned char m[2] = {0, 0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1; /* gzopen reports why */
    ssize_t n = read(fd, m, 2);
    close(fd);
    return n == 2 && m[0] == 0x1F && m[1] == 0x8B;
}

static lp_status src_open(src *f, const char *path, const lp_i_blocks_client *cl)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->cl = cl;
    f->line = 1;
    f->width = -1;
    f->crc = crc32(0L, Z_NULL, 0);
    struct stat sb;
    int regular = stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
    f->size = regular ? (int64_t)sb.st_size : -1;
    /* A small file gets a small block: all of it, or (gzip) a guess */
    int64_t bs = lp_i_csv_block_size < 64 ? 64 : lp_i_csv_block_size;
    if (f->size >= 0 && f->size < bs / 8) bs = 8 * f->size + 64;
    f->blk[0].cap = (size_t)bs; /* the others are allocated when more blocks are read */
    f->nbuf = cl->overlap && lp_i_max_threads() > 1 ? 3 : 2;
    f->blk[0].b = lp_malloc(f->blk[0].cap);
    if (!f->blk[0].b) return lp_error_nomem("CSV block");
    /* zlib's buffers: large ones pay for inflating, plain text is read
     * straight into our block by gzread whatever their size, so it gets
     * small ones (zlib still allocates them: 3 x the size). Only a regular
     * file is looked at first (a pipe would lose the bytes). */
    unsigned gzbuf = LP_CSV_GZBUF;
    if (regular && (!looks_gzip(path) || f->size < (int64_t)gzbuf)) gzbuf = 8192;
    errno = 0;
    f->gz = gzopen(path, "rb");
    if (!f->gz) {
        int e = errno;
        if (!e) return lp_error_nomem("zlib stream");
        return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(e));
    }
    gzbuffer(f->gz, gzbuf);
    return LP_OK;
}

static void src_close(src *f)
{
    if (f->gz) gzclose_r(f->gz);
    for (int i = 0; i < 3; i++)
        free(f->blk[i].b);
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

/* Number of '"' bytes in p[0..n): 16 bytes a step (SSE2: each lane counts
 * its quotes, up to 255 steps, then the lanes are summed), the rest 8
 * bytes a step, a byte being a quote when it xor '"' is zero (exact
 * zero-byte test, no carries between bytes). */
static int64_t count_quotes(const unsigned char *p, size_t n)
{
    const uint64_t lo7 = UINT64_C(0x7F7F7F7F7F7F7F7F), ones = UINT64_C(0x0101010101010101);
    int64_t count = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
    while (n - i >= 16) {
        size_t steps = (n - i) / 16 < 255 ? (n - i) / 16 : 255;
        __m128i lanes = zero; /* -1 per quote: subtracted */
        for (size_t k = 0; k < steps; k++, i += 16)
            lanes = _mm_sub_epi8(
                lanes,
                _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + i)), quote));
        __m128i sum = _mm_sad_epu8(lanes, zero); /* two 64-bit sums of 8 lanes */
        count += _mm_cvtsi128_si32(sum) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(sum, sum));
    }
#endif
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

/* Report bytes of the file as stored: for gzip the compressed offset. */
static void progress(src *f, int final)
{
    const lp_i_blocks_client *cl = f->cl;
    if (!cl->progress) return;
    int64_t done = f->done;
    if (f->started && !gzdirect(f->gz)) done = (int64_t)gzoffset(f->gz);
    if (final && f->size >= 0) done = f->size;
    if (!final && f->size > 0 && done >= f->size) done = f->size - 1; /* only the last call */
    if (done < f->reported) done = f->reported;
    f->reported = done;
    cl->progress(cl->progress_ctx, cl->role, done, f->size);
}

/* "<path>:<line>: field '<name>': <what>", or "field <k>" (1-based) past the
 * header's names (or before the header is read: names empty). */
static lp_status syntax_error(const char *path, const lp_strtab *names, const syntax *e,
                              int64_t line)
{
    char lim[32], long_field[160];
    if (e->kind == SX_RECORD_LONG)
        return lp_error_set(LP_EINPUT,
                            "%s:%" PRId64 ": record longer than %s, the limit for a record "
                            "(unterminated quote, or not a CSV file?)",
                            path, line, lp_i_csv_size_text(lim, sizeof lim, lp_i_csv_max_record));
    snprintf(long_field, sizeof long_field,
             "longer than %s, the limit for a field (unterminated quote, or not a CSV file?)",
             lp_i_csv_size_text(lim, sizeof lim, lp_i_csv_max_field));
    const char *what = e->kind == SX_UNTERMINATED        ? "unterminated quote"
                       : e->kind == SX_QUOTE_IN_UNQUOTED ? "quote inside unquoted field"
                       : e->kind == SX_AFTER_CLOSING ? "unexpected character after closing quote"
                       : e->kind == SX_FIELD_LONG    ? long_field
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

/* The block holds [p, end), the start of a record longer than the record
 * cap (the record starts at p: no line end outside quotes follows it).
 * Parse it as the block would if it held all of it, to report the same
 * error: a syntax error met first, or the field or the record over its
 * cap. Returns LP_EINPUT (message set), or LP_EINTERNAL. */
static lp_status record_over_cap(lp_i_blocks *bk, const src *f, unsigned char *p,
                                 unsigned char *end)
{
    cursor c = cursor_at(p, end, f->prev_cr, 0, f->cl->delim);
    syntax e;
    int rc = next_record(&c, &bk->hdr, &e);
    if (rc == REC_NOMEM) return lp_error_nomem("CSV record");
    if (rc != REC_SYNTAX) /* cannot be: the parse is cut short at the cap */
        return lp_error_set(LP_EINTERNAL, "%s:%" PRId64 ": internal error: record over the cap",
                            f->path, f->line);
    return syntax_error(f->path, &f->names, &e, f->line + e.line);
}

/* The K pieces of the block's data [from, len): piece c is [lo, hi). */
static size_t piece_at(size_t from, size_t len, int c, int K)
{
    return from + (len - from) * (size_t)c / (size_t)K;
}

/* Phase A, parallel: the quotes of each of the K pieces of [from, len),
 * and the CRC-32 of the new bytes (added to f->crc). */
static void count_pieces(lp_i_blocks *bk, src *f, block *k, size_t from, int K)
{
    const unsigned char *b = k->b;
    size_t len = k->len, fresh = k->fresh, nfresh = len - fresh;
#pragma omp parallel for schedule(static) if (K > 1)
    for (int c = 0; c < K; c++) {
        size_t lo = piece_at(from, len, c, K), hi = piece_at(from, len, c + 1, K);
        bk->quotes[c] = count_quotes(b + lo, hi - lo);
        size_t flo = fresh + nfresh * (size_t)c / (size_t)K;
        size_t fhi = fresh + nfresh * (size_t)(c + 1) / (size_t)K;
        bk->piece_crc[c] = lp_i_crc32(0, b + flo, fhi - flo);
        bk->piece_len[c] = fhi - flo;
    }
    for (int c = 0; c < K; c++)
        f->crc = crc32_combine(f->crc, bk->piece_crc[c], (z_off_t)bk->piece_len[c]);
    k->fresh = len; /* counted: a block grown later does not count them again */
}

/* Phase B, serial: the cut, after the last line end outside quotes (the
 * whole block at the end of the input). LP_OK and *cut set, or *grown = 1
 * when no record ends in the block (it was grown and read on: start the
 * block again); else an error. (A status, never 1 for "grown": 1 is
 * LP_EINTERNAL, out of memory, which must end the read.) */
static lp_status find_cut(const lp_i_blocks *bk, src *f, block *k, size_t from, int K, size_t *cut,
                          int *grown)
{
    *grown = 0;
    unsigned char *b = k->b;
    size_t len = k->len;
    *cut = len;
    if (k->eof) return LP_OK;
    int par = 0;
    for (int c = 0; c < K; c++)
        par ^= (int)(bk->quotes[c] & 1);
    size_t i = len;
    for (; i > from; i--) {
        unsigned ch = b[i - 1];
        if (ch == '"')
            par ^= 1;
        else if ((ch == '\n' || ch == '\r') && !par)
            break;
    }
    if (i > from) {
        *cut = i;
        return LP_OK;
    }
    /* no record ends in this block */
    if (len - from > (size_t)lp_i_csv_max_record) /* nor will it: over a cap */
        return record_over_cap((lp_i_blocks *)bk, f, b + from, b + len);
    if (k->err.failed) return read_error(f, &k->err);
    /* make it larger, read on; no larger than a record can use */
    size_t cap = 2 * k->cap, most = from + (size_t)lp_i_csv_max_record + 64;
    if (cap > most) cap = most > k->cap ? most : k->cap + 1;
    unsigned char *nb = lp_realloc(k->b, cap);
    if (!nb) return lp_error_nomem("CSV block");
    k->b = nb;
    k->cap = cap;
    block_fill(k, f->gz);
    *grown = 1;
    return LP_OK;
}

/* Phase B, the header record (the first block only): its names kept, the
 * client told. *data and *base move past it. */
static lp_status read_header_record(lp_i_blocks *bk, src *f, block *k, size_t cut, size_t *data,
                                    int64_t *base)
{
    unsigned char *b = k->b;
    cursor c = cursor_at(b + *data, b + cut, f->prev_cr, k->eof && cut == k->len, f->cl->delim);
    syntax e;
    int rc = next_record(&c, &bk->hdr, &e);
    if (rc == REC_NOMEM) return lp_error_nomem("CSV header");
    if (rc == REC_SYNTAX) return syntax_error(f->path, &f->names, &e, *base + e.line);
    if (rc == REC_OK) {
        lp_status st = LP_OK;
        for (int64_t i = 0; i < bk->hdr.n && !st; i++)
            st = lp_strtab_push(&f->names, bk->hdr.f[i].s, bk->hdr.f[i].len);
        f->width = bk->hdr.n;
        if (!st) st = f->cl->header(f->cl->ctx, &bk->hdr, *base + bk->hdr.line, &f->names);
        if (st) return st;
    } else if (c.at_eof) {
        return lp_error_set(LP_EINPUT, "%s: empty file (no header row)", f->path);
    }
    *data = (size_t)(c.p - b);
    *base += c.line;
    return LP_OK;
}

/* Phase B: the chunks of [data, cut): from each piece's start, the first
 * line end outside quotes starts one. Returns how many. */
static int chunk_starts(lp_i_blocks *bk, const unsigned char *b, size_t from, size_t len,
                        size_t data, size_t cut, int K)
{
    int n = 0;
    if (data < cut) {
        bk->start[n++] = data;
        int q = 0;
        for (int c = 0; c < K; c++) {
            size_t lo = piece_at(from, len, c, K);
            if (lo >= cut) break;
            if (c > 0 && lo > bk->start[n - 1]) {
                size_t s = next_boundary(b, lo, cut, q);
                if (s < cut && s > bk->start[n - 1]) bk->start[n++] = s;
            }
            q ^= (int)(bk->quotes[c] & 1);
        }
    }
    bk->start[n] = cut;
    return n;
}

/* A parsed block not yet merged: chunks [k0, k0 + n) (n < 0: none), the
 * first one's first byte on line base. With overlap a block's merge waits
 * for the next block's parse, and runs with it. */
typedef struct parsed {
    int k0, n;
    int64_t base;
} parsed;

/* Phase D, serial: the client merges the chunks of p in file order; a
 * chunk's syntax error (or lack of memory) after its rows. */
static lp_status merge_chunks(lp_i_blocks *bk, const src *f, const parsed *p)
{
    const lp_i_blocks_client *cl = f->cl;
    int64_t base = p->base;
    for (int c = p->k0; c < p->k0 + p->n; c++) {
        const lp_i_chunk *ch = &bk->chunk[c];
        lp_status st = cl->merge(cl->ctx, c, ch, base);
        if (st) return st;
        if (ch->stop == LP_I_STOP_NOMEM) return lp_error_nomem("CSV rows");
        if (ch->stop == LP_I_STOP_SYNTAX)
            return syntax_error(f->path, &f->names, &ch->syn, base + ch->syn.line);
        assert(ch->stop == LP_I_STOP_NONE); /* LP_I_STOP_ROW failed in the merge */
        base += ch->lines;
    }
    return cl->block_done ? cl->block_done(cl->ctx, p->k0, p->n) : LP_OK;
}

/* Phase C, parallel: the client parses chunks [k0, k0 + n) while one
 * thread moves the unprocessed tail b[cut..) to the next block and reads on
 * into it (more: there is more input), then merges the block before, pend
 * (overlap; none: pend->n < 0). Returns that merge's status. */
static lp_status parse_chunks(lp_i_blocks *bk, src *f, block *k, block *next, size_t cut, int k0,
                              int n, int more, const parsed *pend)
{
    unsigned char *b = k->b;
    size_t len = k->len;
    if (more) {
        next->len = 0;
        next->eof = 0;
        memset(&next->err, 0, sizeof next->err);
    }
    for (int c = 0; c < n; c++) {
        lp_i_chunk *ch = &bk->chunk[k0 + c];
        ch->begin = b + bk->start[c];
        ch->end = b + bk->start[c + 1];
        ch->prev_cr = bk->start[c] > 0 ? b[bk->start[c] - 1] == '\r' : f->prev_cr;
        ch->at_eof = k->eof && bk->start[c + 1] == len;
        ch->cur = cursor_at(ch->begin, ch->end, ch->prev_cr, ch->at_eof, f->cl->delim);
        ch->lines = 0;
        ch->stop = LP_I_STOP_NONE;
    }
    const lp_i_blocks_client *cl = f->cl;
    lp_status mst = LP_OK;
    int merge = pend->n >= 0;
#pragma omp parallel if (n > 1 || more || merge)
    {
#pragma omp single nowait
        {
            if (more) {
                memcpy(next->b, b + cut, len - cut); /* the parsers never touch b[cut..) */
                next->len = len - cut;
                block_fill(next, f->gz);
            }
            if (merge) mst = merge_chunks(bk, f, pend);
        }
#pragma omp for schedule(dynamic, 1) nowait
        for (int c = 0; c < n; c++)
            cl->parse(cl->ctx, k0 + c, &bk->chunk[k0 + c]);
    }
    return mst;
}

/* Error st (message set) was found in the block after a parsed one not yet merged: the
 * parsed block's rows come first, and its error is the one reported. */
static lp_status after_pending(lp_i_blocks *bk, const src *f, parsed *pend, lp_status st)
{
    if (pend->n < 0) return st;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", lp_error_message()); /* a skipped row's warning may set it */
    lp_status mst = merge_chunks(bk, f, pend);
    pend->n = -1;
    return mst ? mst : lp_error_set(st, "%s", msg);
}

/* The blocks of an open file, phase A to D each (with overlap: block j's D
 * runs in block j + 1's C). */
static lp_status read_blocks(lp_i_blocks *bk, src *f)
{
    lp_status st;
    parsed pend = {0, -1, 0};
    int set = 0; /* with overlap: this block's chunks are [set * K, set * K + K) */
    progress(f, 0);
    block_fill(&f->blk[f->cur], f->gz);
    for (;;) {
        block *k = &f->blk[f->cur], *next = &f->blk[(f->cur + 1) % f->nbuf];
        unsigned char *b = k->b;
        size_t len = k->len;
        if (!f->started) {
            f->started = 1;
            if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
                f->from = 3;
            else if ((st = lp_i_csv_sniff(f->path, b, len)))
                return st;
        }
        size_t from = f->from;
        int K = bk->nwork;
        int64_t pieces = (int64_t)(len - from) / (lp_i_csv_min_chunk > 0 ? lp_i_csv_min_chunk : 1);
        if (pieces < K) K = pieces < 1 ? 1 : (int)pieces;

        count_pieces(bk, f, k, from, K); /* A */
        size_t cut;
        int grown;
        st = find_cut(bk, f, k, from, K, &cut, &grown); /* B */
        if (st) return after_pending(bk, f, &pend, st);
        if (grown) continue; /* again */
        size_t data = from;
        int64_t base = f->line; /* line of b[data] */
        if (f->width < 0 && (st = read_header_record(bk, f, k, cut, &data, &base)))
            return after_pending(bk, f, &pend, st);
        int n = chunk_starts(bk, b, from, len, data, cut, K);
        int more = !k->eof && !k->err.failed;
        int overlap = f->nbuf == 3, k0 = overlap ? set * bk->nwork : 0;
        if (more && next->cap < k->cap) { /* room for the tail and what follows */
            unsigned char *nb = lp_realloc(next->b, k->cap);
            if (!nb) return after_pending(bk, f, &pend, lp_error_nomem("CSV block"));
            next->b = nb;
            next->cap = k->cap;
        }
        if (pend.n >= 0 && f->cl->prepare && (st = f->cl->prepare(f->cl->ctx, pend.k0, pend.n)))
            return after_pending(bk, f, &pend, st);
        st = parse_chunks(bk, f, k, next, cut, k0, n, more, &pend); /* C (and D before) */
        pend.n = -1;
        if (st) return st;

        if (f->done == 0 && more && cut > 0 && f->size > 0 && f->cl->reserve) {
            /* The whole file is about scale times the first block (both
             * blocks read so far, uncompressed, against the stored bytes
             * they came from). */
            int64_t stored = (int64_t)gzoffset(f->gz);
            double scale =
                (double)(cut + next->len) * (double)f->size / (double)stored / (double)cut;
            if (stored > 0 && (st = f->cl->reserve(f->cl->ctx, n, scale))) return st;
        }
        parsed p = {k0, n, base};
        if (overlap && more) { /* D in the next block's C */
            pend = p;
            set ^= 1;
        } else if ((st = merge_chunks(bk, f, &p))) { /* D */
            return st;
        }
        for (int c = 0; c < n; c++) /* (a chunk cut short stops the merge first) */
            base += bk->chunk[k0 + c].lines;
        f->line = base;
        f->from = 0;
        f->done += (int64_t)cut;
        if (cut > 0) f->prev_cr = b[cut - 1] == '\r';
        if (!more) { /* end of input, or a read error after this block */
            if (k->err.failed) return read_error(f, &k->err);
            assert(cut == len);
            break;
        }
        f->cur = (f->cur + 1) % f->nbuf;
        progress(f, 0);
    }
    progress(f, 1);
    return LP_OK;
}

lp_status lp_i_blocks_read(lp_i_blocks *b, const char *path, const lp_i_blocks_client *cl,
                           lp_i_file_info *info)
{
    src f;
    lp_status st = src_open(&f, path, cl);
    if (!st) st = read_blocks(b, &f);
    if (!st && info) {
        info->size = f.size;
        info->bytes = f.done;
        info->crc32 = (uint32_t)f.crc;
        info->width = f.width;
    }
    src_close(&f);
    return st;
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
    int64_t warned;      /* skipped-row warnings printed */
    lp_i_blocks *blocks; /* the block reader's workspaces */
    int nwork;           /* K: chunks per block at most */
    work *work;          /* [K] */
    int64_t *dest;       /* [K] where each chunk's edges go */
    unsigned char delim; /* the field separator */
    /* the file being read */
    const char *path;
    int is_edges;
    column *cols;
    int ncols;
    parse_ctx pc; /* set by its header */
    /* skipping: the unknown ids edge rows named, in order of first mention */
    lp_i_intern unk;
    lp_strtab unk_name;
    int64_t *unk_count; /* [unk_name.count] rows naming each */
    int64_t unk_cap;
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

/* A message built in pieces, cut short (never overrun) at its capacity. */
typedef struct msgbuf {
    char s[900];
    size_t n;
} msgbuf;

static void mb_add(msgbuf *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mb_add(msgbuf *m, const char *fmt, ...)
{
    if (m->n + 1 >= sizeof m->s) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(m->s + m->n, sizeof m->s - m->n, fmt, ap);
    va_end(ap);
    if (k > 0) m->n += (size_t)k < sizeof m->s - m->n ? (size_t)k : sizeof m->s - m->n - 1;
}

/* A header name equals a column's name but for case, spaces, '_', '-' and
 * '.' (" ID ", "Source", "TARGET"): a likely misspelling of it. */
static int close_name(const char *s, size_t len, const char *want)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '_' || ch == '-' ||
            ch == '.')
            continue;
        if (ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch - 'A' + 'a');
        if (want[k] == '\0' || (unsigned char)want[k] != ch) return 0;
        k++;
    }
    return want[k] == '\0';
}

/* The separator a one-column header seems to use instead of delim (the
 * most frequent of ';', tab, ',' and '|' in it), or 0. */
static unsigned char other_separator(const field *h, unsigned char delim)
{
    static const unsigned char cand[] = {';', '\t', ',', '|'};
    unsigned char best = 0;
    size_t best_n = 0;
    for (size_t c = 0; c < sizeof cand; c++) {
        if (cand[c] == delim) continue;
        size_t n = 0;
        for (size_t i = 0; i < h->len; i++)
            n += (unsigned char)h->s[i] == cand[c];
        if (n > best_n) {
            best = cand[c];
            best_n = n;
        }
    }
    return best;
}

/* The missing required columns: all of them, the header found, and the
 * likely cause (another separator, or a name spelled differently). */
static lp_status missing_columns(const char *path, const record *r, int64_t line,
                                 const column *cols, int ncols, unsigned char delim)
{
    msgbuf m = {"", 0};
    char name[256];
    int missing = 0;
    for (int c = 0; c < ncols; c++)
        missing += cols[c].index < 0 && cols[c].required;
    mb_add(&m, "%s:%" PRId64 ": missing required column%s ", path, line, missing > 1 ? "s" : "");
    for (int c = 0, k = 0; c < ncols; c++)
        if (cols[c].index < 0 && cols[c].required)
            mb_add(&m, "%s'%s'", k++ ? ", " : "", cols[c].name);
    unsigned char sep = r->n == 1 ? other_separator(&r->f[0], delim) : 0;
    if (sep) {
        static const struct {
            unsigned char c;
            const char *kind, *opt;
        } seps[] = {{';', "semicolon", "';'"},
                    {'\t', "tab", "tab"},
                    {',', "comma", "','"},
                    {'|', "pipe", "'|'"}};
        size_t i = 0;
        while (seps[i].c != sep)
            i++;
        mb_add(&m, " (found one column, '%s': the file looks %s-separated; try --delimiter %s)",
               lp_i_csv_msg_text(name, sizeof name, r->f[0].s, r->f[0].len), seps[i].kind,
               seps[i].opt);
    } else {
        /* the first 16 names, or fewer if they are long: room for the rest */
        mb_add(&m, " (found: ");
        for (int64_t i = 0; i < r->n; i++) {
            if (i == 16 || m.n > 480) {
                mb_add(&m, ", ... (%" PRId64 " columns)", r->n);
                break;
            }
            mb_add(&m, "%s'%s'", i ? ", " : "",
                   lp_i_csv_msg_text(name, sizeof name, r->f[i].s, r->f[i].len));
        }
        int k = 0;
        for (int c = 0; c < ncols; c++) {
            if (!(cols[c].index < 0 && cols[c].required)) continue;
            for (int64_t i = 0; i < r->n; i++)
                if (close_name(r->f[i].s, r->f[i].len, cols[c].name)) {
                    mb_add(&m, "%s'%s' for '%s'", k++ ? ", " : "; did you mean ",
                           lp_i_csv_msg_text(name, sizeof name, r->f[i].s, r->f[i].len),
                           cols[c].name);
                    break;
                }
        }
        mb_add(&m, "%s)", k ? "?" : "");
    }
    return lp_error_set(LP_EINPUT, "%s", m.s);
}

/* The header record (the block reader's header callback): columns by
 * exact name; duplicate names and missing required columns are LP_EINPUT.
 * Columns with an empty name (a spreadsheet's trailing separators) are
 * ignored like other extra columns, however many. */
static lp_status read_header(void *ctx, const record *r, int64_t line, const lp_strtab *names)
{
    loader *ld = ctx;
    column *cols = ld->cols;
    lp_status st = LP_OK;
    lp_i_intern seen = {.slot = NULL, .cap = 0, .count = 0};
    for (int64_t i = 0; i < r->n && !st; i++) {
        const char *s = r->f[i].s;
        size_t len = r->f[i].len;
        uint64_t h = lp_i_csv_hash(s, len);
        int64_t prev = len ? lp_i_intern_find(&seen, names, s, len, h) : -1;
        if (prev >= 0) {
            char name[256];
            st = lp_error_set(LP_EINPUT,
                              "%s:%" PRId64 ": field '%s': duplicate column (columns %" PRId64
                              " and %" PRId64 ")",
                              ld->path, line, lp_i_csv_msg_text(name, sizeof name, s, len),
                              prev + 1, i + 1);
            break;
        }
        if (len) st = lp_i_intern_add(&seen, h, i);
    }
    int missing = 0;
    for (int c = 0; c < ld->ncols && !st; c++) {
        size_t len = strlen(cols[c].name);
        cols[c].index =
            lp_i_intern_find(&seen, names, cols[c].name, len, lp_i_csv_hash(cols[c].name, len));
        missing += cols[c].index < 0 && cols[c].required;
    }
    if (!st && missing) st = missing_columns(ld->path, r, line, cols, ld->ncols, ld->delim);
    lp_i_intern_free(&seen);
    parse_ctx pc = {.cols = cols,
                    .width = r->n,
                    .skip = ld->opt->skip_bad_rows,
                    .ids = &ld->ids,
                    .keys = &ld->nodes.id,
                    .delim = ld->delim};
    ld->pc = pc;
    return st;
}

/* Insert a nodes chunk's rows (local lines + base) in order. */
static lp_status merge_nodes(loader *ld, const work *w, int64_t base)
{
    lp_status st = lp_i_intern_reserve(&ld->ids, w->nn);
    if (st) return st;
    if (ld->nodes.id.count + w->nn > ld->id_line_cap) {
        int64_t cap = ld->id_line_cap ? 2 * ld->id_line_cap : 4096;
        while (cap < ld->nodes.id.count + w->nn)
            cap *= 2;
        int64_t *p = lp_realloc(ld->id_line, (size_t)cap * sizeof *p);
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
                                ld->path, line, lp_i_csv_node_limit);
        row_err e = {.kind = r->pre, .line = line, .v = NULL, .len = 0, .n = 0};
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
            if ((st = row_failed(ld, row_error(ld->path, ld->pc.width, &e)))) return st;
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
static lp_status edge_errors(loader *ld, const work *w, int64_t base)
{
    lp_status st;
    int64_t stored = w->nerr < LP_CSV_MAX_WARNINGS ? w->nerr : LP_CSV_MAX_WARNINGS;
    for (int64_t k = 0; k < stored; k++) {
        row_err e = w->err[k];
        e.line += base;
        if ((st = row_failed(ld, row_error(ld->path, ld->pc.width, &e)))) return st;
    }
    /* the rest are never printed: the chunk's first LP_CSV_MAX_WARNINGS
     * (already printed or counted) come before them */
    ld->rep.skipped_rows += w->nerr - stored;
    /* the unknown ids, counted by name */
    ld->rep.unknown_id_rows += w->unk_rows;
    for (int64_t i = 0; i < w->nunk; i++) {
        const unk_ref *u = &w->unk[i];
        int64_t k = lp_i_intern_find(&ld->unk, &ld->unk_name, u->s, u->len, u->hash);
        if (k < 0) {
            k = ld->unk_name.count;
            if (k == ld->unk_cap) {
                int64_t cap = ld->unk_cap ? 2 * ld->unk_cap : 64;
                int64_t *c = lp_realloc(ld->unk_count, (size_t)cap * sizeof *c);
                if (!c) return lp_error_nomem("unknown ids");
                ld->unk_count = c;
                ld->unk_cap = cap;
            }
            if ((st = lp_strtab_push(&ld->unk_name, u->s, u->len))) return st;
            if ((st = lp_i_intern_add(&ld->unk, u->hash, k))) return st;
            ld->unk_count[k] = 0;
        }
        ld->unk_count[k]++;
    }
    return LP_OK;
}

/* n with a comma every three digits ("1,203"). */
static const char *thousands(char *dst, size_t cap, int64_t n)
{
    char d[32];
    int len = snprintf(d, sizeof d, "%" PRId64, n), o = 0;
    for (int i = 0; i < len && (size_t)o + 2 < cap; i++) {
        if (i && d[i - 1] != '-' && (len - i) % 3 == 0) dst[o++] = ',';
        dst[o++] = d[i];
    }
    dst[o] = '\0';
    return dst;
}

/* "warning: skipped R edge rows naming N unknown ids: ..." with the (up
 * to) five named by most rows, ties in order of first mention. */
static void warn_unknown(const loader *ld, FILE *out)
{
    int64_t n = ld->unk_name.count, pick[5];
    int np = 0;
    if (!n) return;
    for (; np < 5 && np < n; np++) {
        int64_t best = -1;
        for (int64_t k = 0; k < n; k++) {
            int taken = 0;
            for (int j = 0; j < np; j++)
                taken |= pick[j] == k;
            if (!taken && (best < 0 || ld->unk_count[k] > ld->unk_count[best])) best = k;
        }
        pick[np] = best;
    }
    char a[32], b[32], v[256];
    fprintf(out, "warning: skipped %s edge row%s naming %s unknown id%s%s",
            thousands(a, sizeof a, ld->rep.unknown_id_rows),
            ld->rep.unknown_id_rows == 1 ? "" : "s", thousands(b, sizeof b, n), n == 1 ? "" : "s",
            n > 5 ? "; most frequent: " : ": ");
    for (int j = 0; j < np; j++) {
        int64_t k = pick[j], c = ld->unk_count[k];
        fprintf(out, "%s\"%s\" (%s row%s)", j ? ", " : "",
                lp_i_csv_msg_text(v, sizeof v, lp_strtab_get(&ld->unk_name, k),
                                  lp_i_strtab_len(&ld->unk_name, k)),
                thousands(a, sizeof a, c), c == 1 ? "" : "s");
    }
    fputc('\n', out);
}

/* The node table's counterpart of lp_edges_reserve: room for rows ids of
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
    /* room at once: growing by doubling would copy the list about once more
     * and fault in about twice its size in fresh pages */
    if (is_edges) return ld->edges.m ? LP_OK : lp_edges_reserve(&ld->edges, (int64_t)est);
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
        int64_t cap = E->cap ? 2 * E->cap : 1024;
        while (cap < m)
            cap *= 2;
        lp_vid *s = lp_realloc(E->src, (size_t)cap * sizeof *s);
        if (s) E->src = s;
        lp_vid *d = s ? lp_realloc(E->dst, (size_t)cap * sizeof *d) : NULL;
        if (d) E->dst = d;
        double *x = d ? lp_realloc(E->weight, (size_t)cap * sizeof *x) : NULL;
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

/* Per-load workspaces: the block reader's, and per chunk ours. */
static lp_status loader_init_work(loader *ld)
{
    lp_status st = lp_i_blocks_new(&ld->blocks);
    if (st) return st;
    ld->nwork = lp_i_blocks_chunks(ld->blocks);
    size_t k = (size_t)ld->nwork;
    ld->work = lp_calloc(k, sizeof *ld->work);
    ld->dest = lp_calloc(k, sizeof *ld->dest);
    if (!ld->work || !ld->dest) return lp_error_nomem("CSV loader");
    return LP_OK;
}

static void loader_free_work(loader *ld)
{
    for (int i = 0; ld->work && i < ld->nwork; i++)
        work_free(&ld->work[i]);
    free(ld->work);
    free(ld->dest);
    lp_i_blocks_free(ld->blocks);
}

/* ---- the block reader's callbacks --------------------------------------- */

/* Chunk k of a block: rows checked (nodes), or checked and resolved (edges),
 * into ld->work[k]. */
static void parse_chunk(void *ctx, int k, lp_i_chunk *ch)
{
    loader *ld = ctx;
    work *w = &ld->work[k];
    w->begin = ch->begin;
    w->end = ch->end;
    w->prev_cr = ch->prev_cr;
    w->at_eof = ch->at_eof;
    w->lines = w->rows = w->nerr = w->nn = w->m = w->nunk = w->unk_rows = 0;
    w->stop = STOP_NONE;
    if (ld->is_edges)
        parse_edges(w, &ld->pc);
    else
        parse_nodes(w, &ld->pc);
    ch->lines = w->lines;
    ch->stop = w->stop;
    ch->syn = w->syn;
}

static lp_status reserve_chunks(void *ctx, int n, double scale)
{
    loader *ld = ctx;
    return reserve_tables(ld, n, ld->is_edges, scale);
}

/* Chunk k in file order: nodes inserted, or edge rows counted and their
 * errors reported (the edges are appended per block: append_block). */
static lp_status merge_chunk(void *ctx, int k, const lp_i_chunk *ch, int64_t base)
{
    (void)ch;
    loader *ld = ctx;
    const work *w = &ld->work[k];
    if (!ld->is_edges) return merge_nodes(ld, w, base);
    ld->rep.edge_rows += w->rows;
    return edge_errors(ld, w, base);
}

static lp_status append_block(void *ctx, int k0, int n)
{
    loader *ld = ctx;
    (void)k0; /* 0: no overlap */
    return ld->is_edges ? append_edges(ld, n) : LP_OK;
}

/* Read one file; is_edges selects the row parser and merge. */
static lp_status load_file(loader *ld, const char *path, const char *role, column *cols, int ncols,
                           int is_edges, lp_i_file_info *info)
{
    ld->path = path;
    ld->is_edges = is_edges;
    ld->cols = cols;
    ld->ncols = ncols;
    lp_i_blocks_client cl = {.ctx = ld,
                             .role = role,
                             .progress = ld->opt->progress,
                             .progress_ctx = ld->opt->progress_ctx,
                             .delim = ld->delim,
                             .header = read_header,
                             .parse = parse_chunk,
                             .reserve = reserve_chunks,
                             .merge = merge_chunk,
                             .block_done = append_block};
    return lp_i_blocks_read(ld->blocks, path, &cl, info);
}

static lp_status load_nodes(loader *ld, const char *path)
{
    column cols[NC_COUNT] = {{.name = "id", .required = 1, .index = -1},
                             {.name = "type", .required = 1, .index = -1},
                             {.name = "revenue", .index = -1},
                             {.name = "name", .index = -1}};
    lp_i_file_info info;
    lp_status st = load_file(ld, path, "nodes", cols, NC_COUNT, 0, &info);
    ld->nodes.has_revenue = cols[NC_REVENUE].index >= 0;
    ld->nodes.has_name = cols[NC_NAME].index >= 0;
    if (!st && ld->nodes.id.count == 0) st = lp_error_set(LP_EINPUT, "%s: no nodes", path);
    if (!st) {
        ld->rep.nodes_file.path = path;
        ld->rep.nodes_file.size = info.size;
        ld->rep.nodes_file.crc32 = info.crc32;
    }
    return st;
}

static lp_status load_edges(loader *ld, const char *path)
{
    column cols[EC_COUNT] = {{.name = "source", .required = 1, .index = -1},
                             {.name = "target", .required = 1, .index = -1},
                             {.name = "type", .index = -1},
                             {.name = "weight", .index = -1}};
    lp_i_file_info info;
    lp_status st = load_file(ld, path, "edges", cols, EC_COUNT, 1, &info);
    if (!st) {
        ld->rep.edges_file.path = path;
        ld->rep.edges_file.size = info.size;
        ld->rep.edges_file.crc32 = info.crc32;
    }
    return st;
}

lp_status lp_graph_load_csv(lp_graph *out, lp_load_report *out_report, const char *nodes_path,
                            const char *edges_path, const lp_load_options *opt)
{
    static const lp_load_options defaults = LP_LOAD_OPTIONS_INIT;
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.opt = opt ? opt : &defaults;
    ld.delim = ld.opt->delimiter ? (unsigned char)ld.opt->delimiter : ',';
    if (ld.delim == '"' || ld.delim == '\r' || ld.delim == '\n')
        return lp_error_set(LP_EUSAGE, "the CSV delimiter cannot be a quote or a line end");
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
    ld.rep.unknown_ids = ld.unk_name.count;
    if (!st && ld.opt->warn) warn_unknown(&ld, ld.opt->warn);
    lp_i_intern_free(&ld.unk);
    lp_strtab_free(&ld.unk_name);
    free(ld.unk_count);

    if (!st) {
        st = lp_graph_build(out, &ld.nodes, &ld.edges); /* writes *out only on success */
        if (!st && out_report) *out_report = ld.rep;
    }
    lp_nodes_free(&ld.nodes);
    lp_edges_free(&ld.edges);
    return st;
}
