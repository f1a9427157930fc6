/* csv.c — the streaming RFC 4180 record reader (lp_csv_open / lp_csv_next)
 * and the helpers it shares with the block-parallel loader in csvload.c
 * (UTF-8 checks, message text, the interning table, strict numbers).
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
 * The loader (csvload.c) parses the same grammar with its own copy of this
 * state machine, specialised to whole blocks in memory; tests/test_csv.c
 * checks the two against each other on the same inputs.
 */
#include "lp_csv.h"
#include "lp_alloc.h"

#include "lp_i_csv.h"
#include "lp_i_mem.h"

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
#define LP_CSV_SNIFF 8 /* bytes the first chunk holds at least (or all input) */
/* A plain file smaller than this (a scenario file, a small table) gets a
 * chunk and a zlib buffer of this size instead: opening it then costs no
 * fresh mappings (1.75 MiB of them otherwise). */
#define LP_CSV_SMALL ((size_t)1 << 16)

int64_t lp_i_csv_max_field = LP_CSV_MAX_FIELD;
int64_t lp_i_csv_max_record = LP_CSV_MAX_RECORD;

/* ---- input checks ------------------------------------------------------- */

const char *lp_i_csv_size_text(char *dst, size_t cap, int64_t bytes)
{
    if (bytes > 0 && bytes % ((int64_t)1 << 20) == 0)
        snprintf(dst, cap, "%" PRId64 " MiB", bytes >> 20);
    else
        snprintf(dst, cap, "%" PRId64 " bytes", bytes);
    return dst;
}

lp_status lp_i_csv_sniff(const char *path, const unsigned char *b, size_t len)
{
    static const char utf16[] =
        "%s: looks like UTF-16 text (%s), not UTF-8: save it as CSV UTF-8, or convert it, e.g. "
        "iconv -f UTF-16 -t UTF-8";
    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return lp_error_set(LP_EINPUT, utf16, path,
                            b[0] == 0xFF ? "byte order mark FF FE" : "byte order mark FE FF");
    if (len >= 4 && !memcmp(b, "PK\x03\x04", 4))
        return lp_error_set(
            LP_EINPUT,
            "%s: is a zip archive, not a CSV file (an Excel .xlsx workbook is one): "
            "export the sheet as CSV UTF-8, or unzip the archive",
            path);
    if (len >= 8 && !memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return lp_error_set(
            LP_EINPUT,
            "%s: is an OLE2 compound file (an Excel .xls workbook?), not a CSV file: "
            "export the sheet as CSV UTF-8",
            path);
    if (len >= 8 && !memcmp(b, "\x89HDF\r\n\x1a\n", 8))
        return lp_error_set(LP_EINPUT,
                            "%s: is an HDF5 file, not a CSV file: a graph store is analyzed on its "
                            "own (linchpin analyze GRAPH.h5 -o RESULTS.h5), a results file is read "
                            "with linchpin summary RESULTS.h5",
                            path);
    /* UTF-16 without a byte order mark: ASCII text has a NUL in every other
     * byte. NUL bytes everywhere (say /dev/zero) are not text of any kind
     * and are left to the parser and its caps. */
    size_t n = (len < 256 ? len : 256) & ~(size_t)1, pairs = n / 2, z[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        z[i & 1] += b[i] == 0;
    for (int k = 0; k < 2 && pairs >= 2; k++)
        if (2 * z[k] >= pairs && 8 * z[1 - k] < pairs)
            return lp_error_set(LP_EINPUT, utf16, path,
                                k ? "NUL bytes after the characters: little-endian"
                                  : "NUL bytes before the characters: big-endian");
    return LP_OK;
}

/* ---- record reader ---------------------------------------------------- */

struct lp_csv_reader {
    gzFile gz;
    char *path;

    unsigned char *in;     /* current chunk [in_len] */
    size_t in_cap;         /* its capacity: LP_CSV_CHUNK, or LP_CSV_SMALL */
    size_t in_pos, in_len; /* next unread byte; bytes in the chunk */
    int in_eof;            /* gzread reported end of input */
    int in_started;        /* the first chunk was read (BOM handled) */
    int prev_chunk_cr;     /* the previous chunk ended with CR */
    int64_t bytes_before;  /* bytes of the chunks before this one */
    uint32_t crc_before;   /* their CRC-32 */

    int64_t line;      /* physical line of in[in_pos], 1-based */
    int64_t rec_line;  /* line the current record started on */
    int64_t rec_start; /* offset in the input of the current record's first byte */

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
    lp_csv_reader *r = lp_calloc(1, sizeof *r);
    if (!r) return lp_error_nomem("CSV reader");
    r->path = lp_strdup(path);
    struct stat sb;
    int small = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size < (off_t)LP_CSV_SMALL;
    r->in_cap = small ? LP_CSV_SMALL : LP_CSV_CHUNK;
    r->in = lp_malloc(r->in_cap);
    r->buf_cap = 4096;
    r->buf = lp_malloc(r->buf_cap);
    r->fcap = 64;
    r->fstart = lp_malloc((size_t)(r->fcap + 1) * sizeof *r->fstart);
    if (!r->path || !r->in || !r->buf || !r->fstart) {
        lp_csv_close(r);
        return lp_error_nomem("CSV reader");
    }
    r->fstart[0] = 0;
    r->line = 1;
    r->rec_line = 1;
    r->crc_before = 0;
    errno = 0;
    r->gz = gzopen(path, "rb");
    if (!r->gz) {
        int e = errno;
        lp_csv_close(r);
        if (!e) return lp_error_nomem("zlib stream");
        return lp_error_set(LP_EINPUT, "%s: cannot open: %s", path, strerror(e));
    }
    gzbuffer(r->gz, small ? (unsigned)LP_CSV_SMALL : LP_CSV_GZBUF);
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
    r->crc_before = lp_i_crc32(r->crc_before, r->in, r->in_len);
    r->bytes_before += (int64_t)r->in_len;
    r->prev_chunk_cr = r->in_len > 0 && r->in[r->in_len - 1] == '\r';
    r->in_pos = r->in_len = 0;

    /* The first chunk holds at least the bytes a BOM or a file signature
     * needs, or all input. */
    size_t want = r->in_started ? 1 : LP_CSV_SNIFF;
    while (r->in_len < want) {
        errno = 0;
        int n = gzread(r->gz, r->in + r->in_len, (unsigned)(r->in_cap - r->in_len));
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
        else
            return lp_i_csv_sniff(r->path, r->in, r->in_len);
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

static lp_status syntax_error(const lp_csv_reader *r, int64_t line, const char *what);

/* The caps (lp_csv.h), checked whenever bytes are added to a field: its
 * value, then the record's bytes as written up to p + n. */
static lp_status check_caps(lp_csv_reader *r, const unsigned char *p, size_t n)
{
    char lim[32], what[160];
    size_t value = r->buf_len - r->fstart[r->nfields] + n;
    if ((int64_t)value > lp_i_csv_max_field) {
        snprintf(what, sizeof what,
                 "longer than %s, the limit for a field (unterminated quote, or not a CSV file?)",
                 lp_i_csv_size_text(lim, sizeof lim, lp_i_csv_max_field));
        return syntax_error(r, r->rec_line, what);
    }
    int64_t raw = r->bytes_before + (int64_t)(p - r->in) + (int64_t)n - r->rec_start;
    if (raw > lp_i_csv_max_record)
        return lp_error_set(LP_EINPUT,
                            "%s:%" PRId64 ": record longer than %s, the limit for a record "
                            "(unterminated quote, or not a CSV file?)",
                            r->path, r->rec_line,
                            lp_i_csv_size_text(lim, sizeof lim, lp_i_csv_max_record));
    return LP_OK;
}

static lp_status append(lp_csv_reader *r, const unsigned char *p, size_t n)
{
    lp_status st = check_caps(r, p, n);
    if (st) return st;
    if (r->buf_len + n + 1 > r->buf_cap) {
        size_t cap = r->buf_cap;
        while (r->buf_len + n + 1 > cap)
            cap *= 2;
        char *b = lp_realloc(r->buf, cap);
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
        size_t *f = lp_realloc(r->fstart, (size_t)(2 * r->fcap + 1) * sizeof *f);
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
        lp_i_csv_msg_text(name, sizeof name, s, r->name_start[k + 1] - r->name_start[k] - 1);
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
                r->rec_start = r->bytes_before + (int64_t)r->in_pos;
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
    return lp_i_crc32(r->crc_before, r->in, r->in_pos);
}

lp_status lp_csv_name_fields(lp_csv_reader *r)
{
    char *names = lp_malloc(r->buf_len ? r->buf_len : 1);
    size_t *start = lp_malloc((size_t)(r->nfields + 1) * sizeof *start);
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

/* ---- interning table ---------------------------------------------------- */

void lp_i_intern_free(lp_i_intern *t)
{
    free(t->slot);
    memset(t, 0, sizeof *t);
}

static void intern_place(lp_i_intern *t, uint64_t e)
{
    uint64_t i = lp_i_intern_home(t, e);
    while (t->slot[i])
        i = i + 1 == t->cap ? 0 : i + 1;
    /* atomically: crm.c looks keys up while its merge adds some (ref_find) */
    __atomic_store_n(&t->slot[i], e, __ATOMIC_RELAXED);
}

/* Rehash into a table of ncap slots (large tables on huge pages: random
 * probes would otherwise miss the TLB as well as the cache). */
static lp_status intern_resize(lp_i_intern *t, uint64_t ncap)
{
    if (ncap >= ((uint64_t)1 << 32)) return lp_error_nomem("hash table (too many keys)");
    uint64_t *ns = lp_i_alloc_big((size_t)ncap * sizeof *ns, 1);
    if (!ns) return lp_error_nomem("hash table");
    lp_i_intern old = *t;
    t->slot = ns;
    t->cap = ncap;
    for (uint64_t i = 0; i < old.cap; i++)
        if (old.slot[i]) intern_place(t, old.slot[i]);
    free(old.slot);
    return LP_OK;
}

/* Slots for `keys` keys at load factor <= 0.7. */
static uint64_t intern_slots(uint64_t keys)
{
    uint64_t need = keys + keys * 3 / 7 + 1; /* keys / 0.7 rounded up */
    return need < 64 ? 64 : need;
}

lp_status lp_i_intern_reserve(lp_i_intern *t, int64_t more)
{
    uint64_t keys = (uint64_t)(t->count + more), ncap = intern_slots(keys);
    if (keys * 10 <= t->cap * 7) return LP_OK;
    if (t->count && ncap < 2 * t->cap) ncap = 2 * t->cap; /* amortised, as in adding */
    return intern_resize(t, ncap);
}

lp_status lp_i_intern_add(lp_i_intern *t, uint64_t h, int64_t row)
{
    assert(row >= 0 && row < (int64_t)UINT32_MAX);
    if ((uint64_t)(t->count + 1) * 10 > t->cap * 7) {
        lp_status st = intern_resize(t, t->cap ? 2 * t->cap : 64);
        if (st) return st;
    }
    intern_place(t, (h >> 32) << 32 | (uint64_t)(row + 1));
    t->count++;
    return LP_OK;
}

/* ---- numbers ------------------------------------------------------------ */

int lp_i_csv_parse_number_slow(const char *s, size_t len, double *out)
{
    size_t i = (len > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i >= len) return LP_I_NUM_MALFORMED;
    if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) return LP_I_NUM_MALFORMED;
    if (s[i] == '0' && i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X'))
        return LP_I_NUM_MALFORMED;
    /* strtod needs a terminated copy; a digit string longer than the buffer
     * is still a number, so fall back to the heap for it */
    char local[128], *copy = len < sizeof local ? local : lp_malloc(len + 1);
    if (!copy) return LP_I_NUM_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(copy, &end);
    int rc = end != copy + len ? LP_I_NUM_MALFORMED : !isfinite(v) ? LP_I_NUM_RANGE : LP_I_NUM_OK;
    if (copy != local) free(copy);
    if (rc == LP_I_NUM_OK) *out = v + 0.0; /* -0 -> +0 */
    return rc;
}
