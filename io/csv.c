/* csv.c — RFC 4180 record reader and the nodes.csv / edges.csv loader.
 *
 * Reader: zlib's gzread fills a 1 MiB chunk (gzip or plain input, detected by
 * zlib); a small state machine (record start, field start, unquoted, quoted,
 * quote seen inside quotes) walks the chunk and copies field bytes into one
 * growable buffer, each field NUL-terminated, with an array of field starts.
 * Unquoted and quoted runs are scanned in tight loops and copied with one
 * memcpy per run, so the cost is O(bytes) with no per-field allocation. A
 * record may straddle any number of chunks; the state survives the refill.
 *
 * Line ends: LF, CRLF and a lone CR each end a physical line (a CR directly
 * followed by LF is one line end). Outside quotes a line end ends the record;
 * line ends met at the start of a record are blank lines and are skipped.
 * Line numbers count physical lines, so a record after a multi-line quoted
 * field gets the line it really starts on.
 *
 * Loader: header-driven columns; node ids and type names are interned in
 * open-addressing hash tables (linear probing, power-of-two capacity, load
 * factor <= 0.7). A slot is one 64-bit word: the upper 32 bits of the key's
 * hash (tag, also the probe start) and row + 1 (0 = empty), so growing never
 * rehashes strings and most mismatches are rejected without touching the
 * string table. Edge rows are checked as they are read and their two id
 * lookups are resolved in batches with prefetching (see edge_batch); rows are
 * still reported and added in file order. Time and memory are linear in the
 * input size. Measured: 1M nodes + 10M random edges (276 MB) parse and intern
 * in about 2.5 s on one core, before lp_graph_build.
 */
#include "lp_csv.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define LP_CSV_CHUNK ((size_t)1 << 20)
#define LP_CSV_GZBUF (1u << 18)
#define LP_CSV_MAX_WARNINGS 10

/* Nodes beyond this many are rejected ("too many nodes"). It is LP_VID_MAX;
 * tests lower it to exercise the check without 2^31 rows. */
extern int64_t lp_i_csv_node_limit;
int64_t lp_i_csv_node_limit = LP_VID_MAX;

/* ---- messages --------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n) (n >= 1), 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* UTF-16 surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

static int utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) { /* ASCII fast path, 8 bytes at a time */
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        size_t k = utf8_seq_len(s + i, len - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

/* Render s[0..len) for a one-line message into dst (cap >= 16): valid UTF-8
 * and printable ASCII as is; '"' and '\' backslash-escaped; control and
 * invalid bytes as \xHH; long values cut after about 60 bytes with "...". */
static const char *msg_text(char *dst, size_t cap, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0, i = 0;
    while (i < len) {
        if (i >= 60 || o + 8 >= cap - 4) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        unsigned c = s[i];
        size_t k = utf8_seq_len(s + i, len - i);
        if (c < 0x20 || c == 0x7F || k == 0) {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 15];
            i++;
        } else if (c == '"' || c == '\\') {
            dst[o++] = '\\';
            dst[o++] = (char)c;
            i++;
        } else {
            memcpy(dst + o, s + i, k);
            o += k;
            i += k;
        }
    }
    dst[o] = '\0';
    return dst;
}

/* ---- record reader ---------------------------------------------------- */

struct lp_csv_reader {
    gzFile gz;
    char *path;

    unsigned char *in;     /* current chunk [in_len], LP_CSV_CHUNK capacity */
    size_t in_pos, in_len; /* next unread byte; bytes in the chunk */
    int in_eof;            /* gzread reported end of input */
    int in_started;        /* the first chunk was read (BOM handled) */
    int prev_chunk_cr;     /* the previous chunk ended with CR */
    int64_t bytes_before;  /* bytes of the chunks before this one */
    uLong crc_before;      /* their CRC-32 */

    int64_t line;     /* physical line of in[in_pos], 1-based */
    int64_t rec_line; /* line the current record started on */

    char *buf; /* fields of the current record, each NUL-terminated */
    size_t buf_len, buf_cap;
    size_t *fstart; /* [nfields + 1]: field i is buf[fstart[i] .. fstart[i+1] - 1) */
    int64_t nfields, fcap;

    char *names; /* field names for messages (copy of a record), or NULL */
    size_t *name_start;
    int64_t nnames;
};

lp_status lp_csv_open(lp_csv_reader **out, const char *path)
{
    lp_csv_reader *r = calloc(1, sizeof *r);
    if (!r) return lp_error_nomem("CSV reader");
    r->path = strdup(path);
    r->in = malloc(LP_CSV_CHUNK);
    r->buf_cap = 4096;
    r->buf = malloc(r->buf_cap);
    r->fcap = 64;
    r->fstart = malloc((size_t)(r->fcap + 1) * sizeof *r->fstart);
    if (!r->path || !r->in || !r->buf || !r->fstart) {
        lp_csv_close(r);
        return lp_error_nomem("CSV reader");
    }
    r->fstart[0] = 0;
    r->line = 1;
    r->rec_line = 1;
    r->crc_before = crc32(0L, Z_NULL, 0);
    errno = 0;
    r->gz = gzopen(path, "rb");
    if (!r->gz) {
        int e = errno;
        lp_csv_close(r);
        if (!e) return lp_error_nomem("zlib stream");
        return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(e));
    }
    gzbuffer(r->gz, LP_CSV_GZBUF);
    *out = r;
    return LP_OK;
}

void lp_csv_close(lp_csv_reader *r)
{
    if (!r) return;
    if (r->gz) gzclose_r(r->gz);
    free(r->path);
    free(r->in);
    free(r->buf);
    free(r->fstart);
    free(r->names);
    free(r->name_start);
    free(r);
}

/* Read the next chunk (called when in_pos == in_len). Sets in_eof at the end
 * of input; a read error or a truncated gzip stream is LP_EINPUT. */
static lp_status refill(lp_csv_reader *r)
{
    r->crc_before = crc32(r->crc_before, r->in, (uInt)r->in_len);
    r->bytes_before += (int64_t)r->in_len;
    r->prev_chunk_cr = r->in_len > 0 && r->in[r->in_len - 1] == '\r';
    r->in_pos = r->in_len = 0;

    /* The first chunk holds at least the 3 bytes a BOM needs, or all input. */
    size_t want = r->in_started ? 1 : 3;
    while (r->in_len < want) {
        errno = 0;
        int n = gzread(r->gz, r->in + r->in_len, (unsigned)(LP_CSV_CHUNK - r->in_len));
        int e = errno;
        int zerr = Z_OK;
        const char *zmsg = gzerror(r->gz, &zerr);
        if (n < 0 || (n == 0 && zerr != Z_OK)) {
            if (zerr == Z_ERRNO)
                return lp_error_set(LP_EINPUT, "%s: cannot read: %s", r->path, strerror(e));
            if (zerr == Z_BUF_ERROR)
                return lp_error_set(LP_EINPUT, "%s: cannot read: truncated gzip data", r->path);
            if (zerr == Z_MEM_ERROR) return lp_error_nomem("zlib stream");
            return lp_error_set(LP_EINPUT, "%s: cannot read: %s", r->path,
                                zmsg && *zmsg ? zmsg : "zlib error");
        }
        if (n == 0) {
            r->in_eof = 1;
            break;
        }
        r->in_len += (size_t)n;
    }
    if (!r->in_started) {
        r->in_started = 1;
        if (r->in_len >= 3 && r->in[0] == 0xEF && r->in[1] == 0xBB && r->in[2] == 0xBF)
            r->in_pos = 3;
    }
    return LP_OK;
}

/* Count the line end at *q (CR or LF): CR always ends a line, LF only when
 * it does not complete a CRLF. */
static inline void count_eol(lp_csv_reader *r, const unsigned char *q)
{
    if (*q == '\r') {
        r->line++;
    } else {
        int prev_cr = q > r->in ? q[-1] == '\r' : r->prev_chunk_cr;
        if (!prev_cr) r->line++;
    }
}

static lp_status append(lp_csv_reader *r, const unsigned char *p, size_t n)
{
    if (r->buf_len + n + 1 > r->buf_cap) {
        size_t cap = r->buf_cap;
        while (r->buf_len + n + 1 > cap)
            cap *= 2;
        char *b = realloc(r->buf, cap);
        if (!b) return lp_error_nomem("CSV field buffer");
        r->buf = b;
        r->buf_cap = cap;
    }
    memcpy(r->buf + r->buf_len, p, n);
    r->buf_len += n;
    return LP_OK;
}

static lp_status end_field(lp_csv_reader *r)
{
    if (r->nfields == r->fcap) {
        size_t *f = realloc(r->fstart, (size_t)(2 * r->fcap + 1) * sizeof *f);
        if (!f) return lp_error_nomem("CSV field index");
        r->fstart = f;
        r->fcap *= 2;
    }
    r->buf[r->buf_len++] = '\0'; /* append() always leaves room for it */
    r->fstart[++r->nfields] = r->buf_len;
    return LP_OK;
}

/* "<path>:<line>: field '<name>': <what>", the field being the one in
 * progress; "field <k>" (1-based) when no names are set. */
static lp_status syntax_error(const lp_csv_reader *r, int64_t line, const char *what)
{
    int64_t k = r->nfields;
    if (k < r->nnames) {
        char name[256];
        const char *s = r->names + r->name_start[k];
        msg_text(name, sizeof name, s, r->name_start[k + 1] - r->name_start[k] - 1);
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': %s", r->path, line, name, what);
    }
    return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field %" PRId64 ": %s", r->path, line, k + 1,
                        what);
}

enum { ST_RECORD, ST_FIELD, ST_UNQUOTED, ST_QUOTED, ST_QUOTE_SEEN };

lp_status lp_csv_next(lp_csv_reader *r, int *out_more)
{
    lp_status st;
    int state = ST_RECORD;
    int64_t quote_line = 0;
    r->buf_len = 0;
    r->nfields = 0;

    for (;;) {
        if (r->in_pos == r->in_len) {
            if (!r->in_eof || !r->in_started) {
                if ((st = refill(r))) return st;
                continue;
            }
            /* End of input: finish a final record that has no line end. */
            if (state == ST_RECORD) {
                *out_more = 0;
                return LP_OK;
            }
            if (state == ST_QUOTED) return syntax_error(r, quote_line, "unterminated quote");
            if ((st = end_field(r))) return st;
            *out_more = 1;
            return LP_OK;
        }
        const unsigned char *p = r->in + r->in_pos, *end = r->in + r->in_len, *q = p;

        switch (state) {
        case ST_RECORD: /* skip blank lines */
            while (q < end && (*q == '\n' || *q == '\r'))
                count_eol(r, q++);
            r->in_pos = (size_t)(q - r->in);
            if (q < end) {
                r->rec_line = r->line;
                state = ST_FIELD;
            }
            break;

        case ST_FIELD:
            if (*p == '"') {
                quote_line = r->line;
                r->in_pos++;
                state = ST_QUOTED;
            } else {
                state = ST_UNQUOTED;
            }
            break;

        case ST_UNQUOTED:
            /* ',' is the largest of the four special bytes */
            while (q < end && (*q > ',' || (*q != ',' && *q != '"' && *q != '\r' && *q != '\n')))
                q++;
            if ((st = append(r, p, (size_t)(q - p)))) return st;
            r->in_pos = (size_t)(q - r->in);
            if (q == end) break; /* refill; the field continues */
            if (*q == '"') return syntax_error(r, r->line, "quote inside unquoted field");
            if ((st = end_field(r))) return st;
            r->in_pos++;
            if (*q == ',') {
                state = ST_FIELD;
                break;
            }
            count_eol(r, q);
            *out_more = 1;
            return LP_OK;

        case ST_QUOTED:
            while (q < end) {
                unsigned c = *q;
                if (c > '"') {
                    q++;
                    continue;
                }
                if (c == '"') break;
                if (c == '\n' || c == '\r') count_eol(r, q);
                q++;
            }
            if ((st = append(r, p, (size_t)(q - p)))) return st;
            r->in_pos = (size_t)(q - r->in);
            if (q < end) {
                r->in_pos++;
                state = ST_QUOTE_SEEN;
            }
            break;

        case ST_QUOTE_SEEN: /* closing quote, or the first of a "" pair */
            if (*p == '"') {
                if ((st = append(r, p, 1))) return st;
                r->in_pos++;
                state = ST_QUOTED;
                break;
            }
            if (*p != ',' && *p != '\r' && *p != '\n')
                return syntax_error(r, r->line, "unexpected character after closing quote");
            if ((st = end_field(r))) return st;
            r->in_pos++;
            if (*p == ',') {
                state = ST_FIELD;
                break;
            }
            count_eol(r, p);
            *out_more = 1;
            return LP_OK;
        }
    }
}

int64_t lp_csv_nfields(const lp_csv_reader *r)
{
    return r->nfields;
}

const char *lp_csv_field(const lp_csv_reader *r, int64_t i, size_t *len)
{
    assert(i >= 0 && i < r->nfields);
    *len = r->fstart[i + 1] - r->fstart[i] - 1;
    return r->buf + r->fstart[i];
}

int64_t lp_csv_line(const lp_csv_reader *r)
{
    return r->rec_line;
}

int64_t lp_csv_bytes(const lp_csv_reader *r)
{
    return r->bytes_before + (int64_t)r->in_pos;
}

uint32_t lp_csv_crc32(const lp_csv_reader *r)
{
    return (uint32_t)crc32(r->crc_before, r->in, (uInt)r->in_pos);
}

lp_status lp_csv_name_fields(lp_csv_reader *r)
{
    char *names = malloc(r->buf_len ? r->buf_len : 1);
    size_t *start = malloc((size_t)(r->nfields + 1) * sizeof *start);
    if (!names || !start) {
        free(names);
        free(start);
        return lp_error_nomem("CSV field names");
    }
    memcpy(names, r->buf, r->buf_len);
    memcpy(start, r->fstart, (size_t)(r->nfields + 1) * sizeof *start);
    free(r->names);
    free(r->name_start);
    r->names = names;
    r->name_start = start;
    r->nnames = r->nfields;
    return LP_OK;
}

/* ---- hash table for interning ----------------------------------------- */

/* 64-bit hash of a byte string: 8-byte words mixed by multiply-xorshift,
 * finished with the splitmix64 finaliser. Not for adversarial input. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
    uint64_t h = (uint64_t)len * k ^ UINT64_C(0x2545F4914F6CDD1D);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, s, len);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    h ^= h >> 30;
    h *= UINT64_C(0xBF58476D1CE4E5B9);
    h ^= h >> 27;
    h *= UINT64_C(0x94D049BB133111EB);
    h ^= h >> 31;
    return h;
}

/* Keys live in an lp_strtab (string `row`); the table maps string -> row. */
typedef struct intern_table {
    uint64_t *slot; /* (tag << 32) | (row + 1); 0 = empty */
    uint64_t mask;  /* capacity - 1 */
    int64_t count;
} intern_table;

static void intern_free(intern_table *t)
{
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static size_t strtab_len(const lp_strtab *t, int64_t i)
{
    int64_t end = i + 1 < t->count ? t->offset[i + 1] : t->size;
    return (size_t)(end - t->offset[i] - 1);
}

/* Row of s[0..len) (hash h), or -1. */
static int64_t intern_find(const intern_table *t, const lp_strtab *keys, const char *s, size_t len,
                           uint64_t h)
{
    if (!t->slot) return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = tag & t->mask;; i = (i + 1) & t->mask) {
        uint64_t e = t->slot[i];
        if (!e) return -1;
        if ((uint32_t)(e >> 32) != tag) continue;
        int64_t row = (int64_t)(uint32_t)e - 1;
        if (strtab_len(keys, row) == len && memcmp(lp_strtab_get(keys, row), s, len) == 0)
            return row;
    }
}

static void intern_place(uint64_t *slot, uint64_t mask, uint64_t e)
{
    uint64_t i = (e >> 32) & mask;
    while (slot[i])
        i = (i + 1) & mask;
    slot[i] = e;
}

/* Add row (key hash h, known absent). Grows at load factor 0.7. */
static lp_status intern_add(intern_table *t, uint64_t h, int64_t row)
{
    assert(row >= 0 && row < (int64_t)UINT32_MAX);
    uint64_t cap = t->slot ? t->mask + 1 : 0;
    if ((uint64_t)(t->count + 1) * 10 > cap * 7) {
        uint64_t ncap = cap ? 2 * cap : 64;
        uint64_t *ns = calloc((size_t)ncap, sizeof *ns);
        if (!ns) return lp_error_nomem("hash table");
        for (uint64_t i = 0; i < cap; i++)
            if (t->slot[i]) intern_place(ns, ncap - 1, t->slot[i]);
        free(t->slot);
        t->slot = ns;
        t->mask = ncap - 1;
    }
    intern_place(t->slot, t->mask, (h >> 32) << 32 | (uint64_t)(row + 1));
    t->count++;
    return LP_OK;
}

/* ---- field checks ----------------------------------------------------- */

enum { NUM_OK, NUM_MALFORMED, NUM_RANGE };

/* Strict decimal number: the whole field, optional sign, then a digit or
 * '.'; no spaces, no hex, no nan/inf. NUM_RANGE if it overflows a double. */
static int parse_number(const char *s, size_t len, double *out)
{
    size_t i = (len > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i >= len) return NUM_MALFORMED;
    if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) return NUM_MALFORMED;
    if (s[i] == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X')) return NUM_MALFORMED;
    char *end;
    errno = 0;
    double v = strtod(s, &end); /* the field is NUL-terminated */
    if (end != s + len) return NUM_MALFORMED;
    if (!isfinite(v)) return NUM_RANGE;
    *out = v + 0.0; /* -0 -> +0 */
    return NUM_OK;
}

/* ---- loader ----------------------------------------------------------- */

typedef struct loader {
    const lp_load_options *opt;
    lp_load_report rep;
    lp_nodes nodes;
    lp_edges edges;
    intern_table ids, types;
    int64_t *id_line; /* [nodes] line each node was defined on */
    int64_t id_line_cap;
    int64_t warned; /* skipped-row warnings printed */
} loader;

/* A column of the header: index, or -1 when absent. */
typedef struct column {
    const char *name;
    int required;
    int64_t index;
} column;

/* Read the header of r into cols[0..ncols): duplicate names and missing
 * required columns are LP_EINPUT. Names the reader's fields for messages. */
static lp_status read_header(lp_csv_reader *r, const char *path, column *cols, int ncols)
{
    lp_status st;
    int more = 0;
    if ((st = lp_csv_next(r, &more))) return st;
    if (!more) return lp_error_set(LP_EINPUT, "%s: empty file (no header row)", path);

    int64_t nf = lp_csv_nfields(r), line = lp_csv_line(r);
    lp_strtab names = LP_STRTAB_INIT;
    intern_table seen = {NULL, 0, 0};
    for (int64_t i = 0; i < nf && !st; i++) {
        size_t len;
        const char *s = lp_csv_field(r, i, &len);
        uint64_t h = hash_bytes(s, len);
        int64_t prev = intern_find(&seen, &names, s, len, h);
        if (prev >= 0) {
            char name[256];
            st = lp_error_set(LP_EINPUT,
                              "%s:%" PRId64 ": field '%s': duplicate column (columns %" PRId64
                              " and %" PRId64 ")",
                              path, line, msg_text(name, sizeof name, s, len), prev + 1, i + 1);
            break;
        }
        if (!(st = lp_strtab_push(&names, s, len))) st = intern_add(&seen, h, i);
    }
    for (int c = 0; c < ncols && !st; c++) {
        size_t len = strlen(cols[c].name);
        cols[c].index =
            intern_find(&seen, &names, cols[c].name, len, hash_bytes(cols[c].name, len));
        if (cols[c].index < 0 && cols[c].required)
            st = lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': missing required column",
                              path, line, cols[c].name);
    }
    intern_free(&seen);
    lp_strtab_free(&names);
    if (!st) st = lp_csv_name_fields(r);
    return st;
}

/* Every data row must have as many fields as the header. */
static lp_status check_width(const lp_csv_reader *r, const char *path, int64_t width)
{
    int64_t nf = lp_csv_nfields(r);
    if (nf == width) return LP_OK;
    return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": expected %" PRId64 " fields, found %" PRId64,
                        path, lp_csv_line(r), width, nf);
}

/* A string stored in the graph (id, type): valid UTF-8 without NUL bytes. */
static lp_status check_text(const char *path, int64_t line, const char *field, const char *what,
                            const char *s, size_t len)
{
    char v[256];
    if (memchr(s, '\0', len))
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': NUL byte in %s \"%s\"", path,
                            line, field, what, msg_text(v, sizeof v, s, len));
    if (!utf8_valid(s, len))
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': invalid UTF-8 in %s \"%s\"",
                            path, line, field, what, msg_text(v, sizeof v, s, len));
    return LP_OK;
}

enum { NC_ID, NC_TYPE, NC_REVENUE, NC_NAME, NC_COUNT };

/* Validate one nodes.csv row, then add it. Every LP_EINPUT is a row-level
 * error returned before anything is added. */
static lp_status node_row(loader *ld, const lp_csv_reader *r, const char *path, const column *cols,
                          int64_t width)
{
    lp_status st;
    char v[256];
    int64_t line = lp_csv_line(r);
    if ((st = check_width(r, path, width))) return st;

    size_t id_len, type_len;
    const char *id = lp_csv_field(r, cols[NC_ID].index, &id_len);
    if (id_len == 0)
        return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field 'id': empty id", path, line);
    if ((st = check_text(path, line, "id", "id", id, id_len))) return st;
    uint64_t h = hash_bytes(id, id_len);
    int64_t prev = intern_find(&ld->ids, &ld->nodes.id, id, id_len, h);
    if (prev >= 0)
        return lp_error_set(LP_EINPUT,
                            "%s:%" PRId64 ": field 'id': duplicate node id \"%s\" (first defined "
                            "on line %" PRId64 ")",
                            path, line, msg_text(v, sizeof v, id, id_len), ld->id_line[prev]);

    const char *type = lp_csv_field(r, cols[NC_TYPE].index, &type_len);
    if ((st = check_text(path, line, "type", "type", type, type_len))) return st;

    double revenue = 0.0;
    if (cols[NC_REVENUE].index >= 0) {
        size_t len;
        const char *s = lp_csv_field(r, cols[NC_REVENUE].index, &len);
        int rc = len ? parse_number(s, len, &revenue) : NUM_OK; /* empty: absent, 0 */
        if (rc == NUM_MALFORMED)
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field 'revenue': malformed number \"%s\"", path,
                                line, msg_text(v, sizeof v, s, len));
        if (rc == NUM_RANGE)
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field 'revenue': number out of range \"%s\"", path,
                                line, msg_text(v, sizeof v, s, len));
        if (revenue < 0)
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field 'revenue': negative revenue \"%s\"", path,
                                line, msg_text(v, sizeof v, s, len));
    }

    /* Valid: intern the type, add the node. */
    uint64_t th = hash_bytes(type, type_len);
    int64_t t = intern_find(&ld->types, &ld->nodes.type_name, type, type_len, th);
    if (t < 0) {
        t = ld->nodes.type_name.count;
        if ((st = lp_strtab_push(&ld->nodes.type_name, type, type_len))) return st;
        if ((st = intern_add(&ld->types, th, t))) return st;
    }
    int64_t row = ld->nodes.id.count;
    if (row == ld->id_line_cap) {
        int64_t cap = ld->id_line_cap ? 2 * ld->id_line_cap : 1024;
        int64_t *p = realloc(ld->id_line, (size_t)cap * sizeof *p);
        if (!p) return lp_error_nomem("node line numbers");
        ld->id_line = p;
        ld->id_line_cap = cap;
    }
    if ((st = lp_nodes_push(&ld->nodes, id, id_len, (int32_t)t, revenue))) return st;
    ld->id_line[row] = line;
    return intern_add(&ld->ids, h, row);
}

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

enum { EC_SOURCE, EC_TARGET, EC_TYPE, EC_WEIGHT, EC_COUNT };

/* Edge rows waiting for their id lookups. Ids of random edges hit random
 * places of the hash table and the id strings, so one lookup at a time is a
 * chain of dependent cache misses (~3 per id). A batch is resolved in stages
 * with prefetches between them (slot, offset, string), which overlaps the
 * misses of many rows. Rows are still reported and added in file order. */
#define LP_CSV_BATCH 256

#if defined(__GNUC__)
#define LP_PREFETCH(p) __builtin_prefetch(p)
#else
#define LP_PREFETCH(p) ((void)(p))
#endif

typedef struct edge_batch {
    int n;
    char *ids; /* source and target ids of the rows, back to back */
    size_t ids_len, ids_cap;
    struct {
        size_t off, len; /* in ids */
        uint64_t hash;
        int64_t cand; /* first row with a matching tag, or -1 */
    } end[LP_CSV_BATCH][2];
    int64_t line[LP_CSV_BATCH];
    double weight[LP_CSV_BATCH];
} edge_batch;

/* First row whose slot tag matches h (a candidate, not yet compared). */
static int64_t intern_candidate(const intern_table *t, uint64_t h)
{
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = tag & t->mask;; i = (i + 1) & t->mask) {
        uint64_t e = t->slot[i];
        if (!e) return -1;
        if ((uint32_t)(e >> 32) == tag) return (int64_t)(uint32_t)e - 1;
    }
}

/* Look up, report and add the batched rows in file order; empties b. */
static lp_status flush_edges(loader *ld, edge_batch *b, const char *path, const column *cols)
{
    const intern_table *t = &ld->ids;
    const lp_strtab *keys = &ld->nodes.id;
    lp_status st = LP_OK;
    for (int i = 0; i < b->n; i++) /* slots were prefetched when the row was added */
        for (int k = 0; k < 2; k++) {
            int64_t c = b->end[i][k].cand = intern_candidate(t, b->end[i][k].hash);
            if (c >= 0) LP_PREFETCH(&keys->offset[c]);
        }
    for (int i = 0; i < b->n; i++)
        for (int k = 0; k < 2; k++)
            if (b->end[i][k].cand >= 0) LP_PREFETCH(keys->data + keys->offset[b->end[i][k].cand]);
    for (int i = 0; i < b->n && !st; i++) {
        lp_vid v[2];
        int k;
        for (k = 0; k < 2; k++) {
            const char *s = b->ids + b->end[i][k].off;
            size_t len = b->end[i][k].len;
            int64_t row = intern_find(t, keys, s, len, b->end[i][k].hash);
            if (row < 0) {
                char text[256];
                st = row_failed(
                    ld, lp_error_set(
                            LP_EINPUT, "%s:%" PRId64 ": field '%s': unknown node id \"%s\"", path,
                            b->line[i], cols[k].name, msg_text(text, sizeof text, s, len)));
                break;
            }
            v[k] = (lp_vid)row;
        }
        if (k == 2) st = lp_edges_push(&ld->edges, v[0], v[1], b->weight[i]);
    }
    b->n = 0;
    b->ids_len = 0;
    return st;
}

/* Check one edges.csv row (field count, empty ids, weight) and queue it for
 * the id lookups. LP_EINPUT for a row-level error; nothing is queued then. */
static lp_status edge_row(loader *ld, edge_batch *b, const lp_csv_reader *r, const char *path,
                          const column *cols, int64_t width)
{
    lp_status st;
    if ((st = check_width(r, path, width))) return st;
    size_t len[2];
    const char *id[2];
    for (int k = 0; k < 2; k++) {
        id[k] = lp_csv_field(r, cols[k].index, &len[k]);
        if (len[k] == 0)
            return lp_error_set(LP_EINPUT, "%s:%" PRId64 ": field '%s': empty id", path,
                                lp_csv_line(r), cols[k].name);
    }
    double w = 1.0;
    if (cols[EC_WEIGHT].index >= 0) {
        size_t wl;
        char v[256];
        const char *s = lp_csv_field(r, cols[EC_WEIGHT].index, &wl);
        int rc = wl ? parse_number(s, wl, &w) : NUM_OK; /* empty: absent, 1 */
        if (rc == NUM_MALFORMED)
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field 'weight': malformed number \"%s\"", path,
                                lp_csv_line(r), msg_text(v, sizeof v, s, wl));
        if (rc == NUM_RANGE)
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field 'weight': non-finite weight \"%s\"", path,
                                lp_csv_line(r), msg_text(v, sizeof v, s, wl));
        if (!(w > 0))
            return lp_error_set(LP_EINPUT,
                                "%s:%" PRId64 ": field 'weight': non-positive weight \"%s\"", path,
                                lp_csv_line(r), msg_text(v, sizeof v, s, wl));
    }

    size_t need = b->ids_len + len[0] + len[1];
    if (need > b->ids_cap) {
        size_t cap = b->ids_cap ? b->ids_cap : 4096;
        while (cap < need)
            cap *= 2;
        char *p = realloc(b->ids, cap);
        if (!p) return lp_error_nomem("edge id batch");
        b->ids = p;
        b->ids_cap = cap;
    }
    int i = b->n++;
    for (int k = 0; k < 2; k++) {
        uint64_t h = hash_bytes(id[k], len[k]);
        memcpy(b->ids + b->ids_len, id[k], len[k]);
        b->end[i][k].off = b->ids_len;
        b->end[i][k].len = len[k];
        b->end[i][k].hash = h;
        b->ids_len += len[k];
        LP_PREFETCH(&ld->ids.slot[(h >> 32) & ld->ids.mask]);
    }
    b->line[i] = lp_csv_line(r);
    b->weight[i] = w;
    return LP_OK;
}

static void file_info(lp_input_file *f, const char *path, const lp_csv_reader *r)
{
    struct stat sb;
    f->path = path;
    f->size = stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
    f->crc32 = lp_csv_crc32(r);
}

static lp_status load_nodes(loader *ld, const char *path)
{
    lp_csv_reader *r = NULL;
    column cols[NC_COUNT] = {{"id", 1, -1}, {"type", 1, -1}, {"revenue", 0, -1}, {"name", 0, -1}};
    lp_status st = lp_csv_open(&r, path);
    if (!st) st = read_header(r, path, cols, NC_COUNT);
    int64_t width = st ? 0 : lp_csv_nfields(r);
    ld->nodes.has_revenue = cols[NC_REVENUE].index >= 0;
    while (!st) {
        int more = 0;
        if ((st = lp_csv_next(r, &more)) || !more) break;
        ld->rep.node_rows++;
        if (ld->nodes.id.count >= lp_i_csv_node_limit) {
            st = lp_error_set(LP_EINPUT, "%s:%" PRId64 ": too many nodes (more than %" PRId64 ")",
                              path, lp_csv_line(r), lp_i_csv_node_limit);
            break;
        }
        st = row_failed(ld, node_row(ld, r, path, cols, width));
    }
    if (!st && ld->nodes.id.count == 0) st = lp_error_set(LP_EINPUT, "%s: no nodes", path);
    if (!st) file_info(&ld->rep.nodes_file, path, r);
    lp_csv_close(r);
    return st;
}

static lp_status load_edges(loader *ld, const char *path)
{
    lp_csv_reader *r = NULL;
    column cols[EC_COUNT] = {
        {"source", 1, -1}, {"target", 1, -1}, {"type", 0, -1}, {"weight", 0, -1}};
    edge_batch *b = calloc(1, sizeof *b);
    if (!b) return lp_error_nomem("edge batch");
    lp_status st = lp_csv_open(&r, path);
    if (!st) st = read_header(r, path, cols, EC_COUNT);
    int64_t width = st ? 0 : lp_csv_nfields(r);
    while (!st) {
        int more = 0;
        if ((st = lp_csv_next(r, &more)) || !more) break;
        ld->rep.edge_rows++;
        st = edge_row(ld, b, r, path, cols, width);
        if (st == LP_EINPUT) {
            /* the queued rows come first in the file: resolve them first */
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", lp_error_message());
            if ((st = flush_edges(ld, b, path, cols))) break;
            st = row_failed(ld, lp_error_set(LP_EINPUT, "%s", msg));
        } else if (!st && b->n == LP_CSV_BATCH) {
            st = flush_edges(ld, b, path, cols);
        }
    }
    if (!st) st = flush_edges(ld, b, path, cols);
    if (!st) file_info(&ld->rep.edges_file, path, r);
    lp_csv_close(r);
    free(b->ids);
    free(b);
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

    lp_status st = load_nodes(&ld, nodes_path);
    intern_free(&ld.types);
    free(ld.id_line);
    ld.id_line = NULL;
    if (!st) st = load_edges(&ld, edges_path);
    intern_free(&ld.ids);
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
