/* lp_i_csv.h — internal to io/csv*.c: the helpers the streaming record
 * reader (csv.c) and the block-parallel loader (csvload.c) share: UTF-8
 * checks, message rendering, the id hash and hash table, strict numbers.
 *
 * The hot ones (hash, table lookup, the number fast path) are static inline
 * so that the loader's parallel parser inlines them. None of them touches
 * the global error message, so all may run inside an OpenMP region, except
 * lp_i_intern_add and lp_i_intern_reserve (they may report out of memory).
 */
#ifndef LP_I_CSV_H
#define LP_I_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_text.h"

/* ---- test hooks (see csvload.c) ---------------------------------------- */

/* Nodes beyond this many are rejected ("too many nodes"); LP_VID_MAX. */
extern int64_t lp_i_csv_node_limit;
/* Bytes the loader reads per block (LP_CSV_BLOCK); the smallest chunk it
 * hands to one thread (LP_CSV_MIN_CHUNK). Tests lower both so that small
 * inputs span many blocks and chunks. */
extern int64_t lp_i_csv_block_size;
extern int64_t lp_i_csv_min_chunk;
/* The caps on one field's value (bytes after unquoting) and on one record
 * (bytes as written, from its first byte to its line end):
 * LP_CSV_MAX_FIELD and LP_CSV_MAX_RECORD (lp_csv.h). Tests lower them
 * (keeping max_field <= max_record) to reach them with small inputs. */
extern int64_t lp_i_csv_max_field;
extern int64_t lp_i_csv_max_record;

/* ---- input checks (csv.c) ------------------------------------------------- */

/* Look at the first bytes of an input, b[0..len) (up to a few hundred
 * bytes are examined; len may be short when the input is): LP_EINPUT with
 * a message naming path if they show a UTF-16 text (a byte order mark FF FE
 * or FE FF, or NUL bytes between ASCII characters), a zip archive (an .xlsx
 * workbook), an OLE2 file (an .xls workbook) or an HDF5 file instead of CSV
 * text; LP_OK otherwise. Sets the error message: not for parallel code. */
lp_status lp_i_csv_sniff(const char *path, const unsigned char *b, size_t len);
/* A cap for messages: "1 MiB" when a whole number of MiB, else "N bytes". */
const char *lp_i_csv_size_text(char *dst, size_t cap, int64_t bytes);
/* The hint after an invalid-UTF-8 message ("" before it). */
#define LP_I_CSV_UTF8_HINT                                                                         \
    " (the file is not UTF-8; convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)"

/* ---- text --------------------------------------------------------------- */

/* The loader's names for the shared helpers of engine/lp_text.h (one
 * validator, one message escaper, one hash for the whole project). */
static inline size_t lp_i_csv_utf8_seq_len(const unsigned char *s, size_t n)
{
    return lp_text_utf8_seq_len(s, n);
}
static inline int lp_i_csv_utf8_valid(const char *s, size_t len)
{
    return lp_text_utf8_valid(s, len);
}
/* Render s[0..len) for a one-line message into dst (lp_text_msg). */
static inline const char *lp_i_csv_msg_text(char *dst, size_t cap, const char *s, size_t len)
{
    return lp_text_msg(dst, cap, s, len);
}
static inline uint64_t lp_i_csv_hash(const char *s, size_t len)
{
    return lp_text_hash(s, len);
}

/* CRC-32 of p[0..len) continuing from crc (0 for a new stream), as zlib's
 * crc32() computes it; several times faster with PCLMULQDQ (crc32.c). */
uint32_t lp_i_crc32(uint32_t crc, const unsigned char *p, size_t len);

/* ---- interning table ---------------------------------------------------- */

/* Open addressing, linear probing, load factor <= 0.7, any capacity (so a
 * table reserved for a known count is not rounded up to a power of two,
 * which would waste up to half of it). Keys live in an lp_strtab (string
 * `row`); the table maps string -> row. A slot is one 64-bit word: the upper
 * 32 bits of the key's hash (tag) and row + 1 (0 = empty), so growing never
 * rehashes strings and most mismatches are rejected without touching the
 * strings. The probe starts at tag * capacity / 2^32 (multiply-shift range
 * reduction). Lookups are read-only and may run in parallel; adding may
 * not. */
typedef struct lp_i_intern {
    uint64_t *slot; /* [cap] (tag << 32) | (row + 1); 0 = empty */
    uint64_t cap;   /* < 2^32 */
    int64_t count;
} lp_i_intern;

/* The slot where the probe for hash h starts (t->cap > 0). */
static inline uint64_t lp_i_intern_home(const lp_i_intern *t, uint64_t h)
{
    return ((h >> 32) * t->cap) >> 32;
}

void lp_i_intern_free(lp_i_intern *t); /* leaves t empty */
/* Add row (key hash h, known absent). Grows (x2) at load factor 0.7.
 * LP_EINTERNAL when out of memory. */
lp_status lp_i_intern_add(lp_i_intern *t, uint64_t h, int64_t row);
/* Make room for `more` further keys without growing in between: an empty
 * table gets exactly the slots they need at load factor 0.7, a filled one
 * grows at least x2 (amortised). */
lp_status lp_i_intern_reserve(lp_i_intern *t, int64_t more);

static inline size_t lp_i_strtab_len(const lp_strtab *t, int64_t i)
{
    int64_t end = i + 1 < t->count ? t->offset[i + 1] : t->size;
    return (size_t)(end - t->offset[i] - 1);
}

/* Row of s[0..len) (hash h), or -1. */
static inline int64_t lp_i_intern_find(const lp_i_intern *t, const lp_strtab *keys, const char *s,
                                       size_t len, uint64_t h)
{
    if (!t->slot) return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = lp_i_intern_home(t, h);; i = i + 1 == t->cap ? 0 : i + 1) {
        uint64_t e = t->slot[i];
        if (!e) return -1;
        if ((uint32_t)(e >> 32) != tag) continue;
        int64_t row = (int64_t)(uint32_t)e - 1;
        if (lp_i_strtab_len(keys, row) == len && memcmp(lp_strtab_get(keys, row), s, len) == 0)
            return row;
    }
}

/* First row whose slot tag matches h (a candidate, not yet compared), or -1;
 * lets a batch of lookups prefetch the candidates' strings. */
static inline int64_t lp_i_intern_candidate(const lp_i_intern *t, uint64_t h)
{
    if (!t->slot) return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = lp_i_intern_home(t, h);; i = i + 1 == t->cap ? 0 : i + 1) {
        uint64_t e = t->slot[i];
        if (!e) return -1;
        if ((uint32_t)(e >> 32) == tag) return (int64_t)(uint32_t)e - 1;
    }
}

#if defined(__GNUC__)
#define LP_I_PREFETCH(p) __builtin_prefetch(p)
#else
#define LP_I_PREFETCH(p) ((void)(p))
#endif

/* Keep a value computed only for its loads (touching memory ahead of use
 * with demand loads, where a prefetch could be dropped). */
#if defined(__GNUC__)
#define LP_I_KEEP(x) __asm__ volatile("" : : "r"(x))
#else
#define LP_I_KEEP(x) ((void)(x))
#endif

/* ---- numbers ------------------------------------------------------------ */

enum { LP_I_NUM_OK, LP_I_NUM_MALFORMED, LP_I_NUM_RANGE, LP_I_NUM_NOMEM };

/* Strict decimal number: the whole field s[0..len) (len >= 1), optional
 * sign, then a digit or '.'; no spaces, no hex, no nan/inf; -0 gives +0.
 * LP_I_NUM_RANGE if it overflows a double. s need not be NUL-terminated
 * (a copy is made for strtod; LP_I_NUM_NOMEM if a long one cannot be). */
int lp_i_csv_parse_number_slow(const char *s, size_t len, double *out);

/* The same, with a fast path for plain decimals ([+-]digits[.digits], at
 * most 19 digits whose value is below 2^53, at most 22 after the point):
 * the digits as an exact integer divided by an exact power of ten is one
 * correctly rounded IEEE division, i.e. exactly strtod's result (Clinger
 * 1990). Everything else goes to the slow path. */
static inline int lp_i_csv_parse_number(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    int neg = 0;
    if (len && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t mant = 0;
    int digits = 0, frac = -1; /* frac: digits after '.', -1 before it */
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d < 10) {
            mant = mant * 10 + d;
            digits++;
            if (frac >= 0) frac++;
        } else if (s[i] == '.' && frac < 0) {
            frac = 0;
        } else {
            break;
        }
    }
    if (i != len || digits == 0 || digits > 19 || mant > (UINT64_C(1) << 53) || frac > 22)
        return lp_i_csv_parse_number_slow(s, len, out);
    double v = (double)mant;
    if (frac > 0) v /= pow10[frac];
    *out = (neg ? -v : v) + 0.0; /* -0 -> +0 */
    return LP_I_NUM_OK;
}

/* ---- the block reader (csvload.c) ---------------------------------------- */

/* The CSV loader's block loop, for any table: a file is read in large
 * blocks (plain or gzip; a BOM skipped; the first bytes sniffed), each block
 * cut into chunks of whole records by quote parity, the chunks parsed in
 * parallel by the client's parse callback, then merged by its merge
 * callback serially in file order (csvload.c's header comment has the
 * details). nodes.csv, edges.csv (csvload.c) and a CRM's exports (crm.c)
 * are its clients. Syntax errors, read errors and the line numbers are the
 * reader's; row checks and what rows become are the client's. */

typedef struct lp_i_field {
    const char *s; /* in the block (not NUL-terminated) */
    size_t len;
} lp_i_field;

/* One record's fields and the line it starts on (local to its chunk). */
typedef struct lp_i_record {
    lp_i_field *f; /* [n], capacity cap; lp_malloc'ed, free(f) */
    int64_t n, cap;
    int64_t line;
} lp_i_record;

typedef struct lp_i_syntax {
    int kind;
    int64_t line;  /* local */
    int64_t field; /* 0-based index of the field in progress */
} lp_i_syntax;

/* A range of a block being parsed. Lines are counted from 0 at begin. */
typedef struct lp_i_cursor {
    unsigned char *p, *end;
    const unsigned char *begin;
    int prev_cr; /* the byte before begin was CR */
    int at_eof;  /* end is the end of the input */
    int64_t line;
    unsigned char delim; /* the field separator */
    int mode;            /* which copy of the parser */
} lp_i_cursor;

/* Why a chunk's parse ended before its end: a row the client rejected
 * (without skipping), a syntax error (syn), out of memory. */
enum { LP_I_STOP_NONE, LP_I_STOP_ROW, LP_I_STOP_SYNTAX, LP_I_STOP_NOMEM };

/* One chunk: whole records [begin, end) of a block. */
typedef struct lp_i_chunk {
    unsigned char *begin, *end;
    int prev_cr, at_eof;
    lp_i_cursor cur; /* lp_i_chunk_next's */
    int64_t lines;   /* line ends passed so far (all of them at the end) */
    int stop;        /* LP_I_STOP_*: set by lp_i_chunk_next or the client */
    lp_i_syntax syn; /* with LP_I_STOP_SYNTAX */
    /* chunks lie side by side, each parsed by its own thread: a cache
     * line's worth of distance keeps one chunk's cursor, written at every
     * record, off the next one's line */
    char apart[64];
} lp_i_chunk;

/* The chunk's next record into r (fields pointing into the block): 1, or 0
 * at the end of the chunk or on a syntax error or out of memory (ch->stop
 * set). Thread-safe for distinct chunks and records. */
int lp_i_chunk_next(lp_i_chunk *ch, lp_i_record *r);

/* What a client does with a file. Callbacks return LP_OK or an error with
 * its message set (they run serially), except parse. */
typedef struct lp_i_blocks_client {
    void *ctx;
    const char *role;             /* the progress callback's file_role */
    lp_load_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    unsigned char delim; /* field separator (never '"', CR or LF) */
    /* The header record (line: absolute). The reader keeps its names for
     * syntax errors (names, also given here). */
    lp_status (*header)(void *ctx, const lp_i_record *hdr, int64_t line, const lp_strtab *names);
    /* In parallel, one call per chunk k of a block: read the records with
     * lp_i_chunk_next; a rejected row sets ch->stop = LP_I_STOP_ROW and
     * returns. Must not set the error message, allocate through igraph or
     * touch another chunk's state. */
    void (*parse)(void *ctx, int k, lp_i_chunk *ch);
    /* Once per file, after the first block was parsed when more follow: the
     * whole file is about scale times that block's chunks [0, n). NULL: none. */
    lp_status (*reserve)(void *ctx, int n, double scale);
    /* In file order: chunk k's results; base = the absolute line of its
     * first byte. Its syntax error or out of memory is reported after this
     * (the rows before it come first). With overlap it runs inside the
     * parallel region of the next block's parse, on one thread (any), and
     * may set the error message (the parse never does). */
    lp_status (*merge)(void *ctx, int k, const lp_i_chunk *ch, int64_t base);
    /* After the merges of a block's n chunks [k0, k0 + n). NULL: none. */
    lp_status (*block_done)(void *ctx, int k0, int n);
    /* Merge each block while the next one is parsed (the block and its
     * chunk states stay as they were until its merge is done): the chunks
     * of a block are then [0, K) and [K, 2K) in turn (K =
     * lp_i_blocks_chunks), so the client keeps 2K chunk states. Before each
     * such merge, serially: prepare(ctx, k0, n) for the block's chunks [k0,
     * k0 + n), which must leave the merge nothing to move or grow that the
     * parse reads; the parse must not read what the merge writes (or only
     * with atomics, and so that its results do not depend on what it saw).
     * A file of one block, or one thread, merges as without. */
    int overlap;
    lp_status (*prepare)(void *ctx, int k0, int n);
} lp_i_blocks_client;

/* What was read of a file. */
typedef struct lp_i_file_info {
    int64_t size;   /* as stored (compressed for gzip); -1 unknown */
    int64_t bytes;  /* bytes of CSV text (uncompressed), BOM included */
    uint32_t crc32; /* of those bytes */
    int64_t width;  /* header fields */
} lp_i_file_info;

/* Workspaces for one load (per chunk, reused from file to file). */
typedef struct lp_i_blocks lp_i_blocks;
lp_status lp_i_blocks_new(lp_i_blocks **out);
void lp_i_blocks_free(lp_i_blocks *b); /* accepts NULL */
/* Chunks per block at most, K (the client's per-chunk state is this long;
 * 2K with overlap). */
int lp_i_blocks_chunks(const lp_i_blocks *b);
/* Read path with cl. LP_EINPUT for a file that cannot be opened or read, is
 * no CSV text, is empty, or has a syntax error; the callbacks' errors as
 * they return them. info (may be NULL) is set on success. */
lp_status lp_i_blocks_read(lp_i_blocks *b, const char *path, const lp_i_blocks_client *cl,
                           lp_i_file_info *info);

#endif
