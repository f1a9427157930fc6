/* test_csv.c — io/csv.c: the RFC 4180 record reader (quoting, line ends,
 * BOM, blank lines, line numbers, gzip, chunk boundaries, byte count and
 * CRC-32) and the graph loader (header-driven columns, numbers, UTF-8 ids,
 * every error class with its exact message, skip_bad_rows).
 *
 * Fixtures are written into a fresh mkdtemp directory under /tmp and removed
 * at the end. The CRC-32 is checked against a bitwise implementation here,
 * not zlib's. Exit 0 on success, 1 with messages on failure.
 */
#include "lp_csv.h"
#include "lp_csvwrite.h"
#include "lp_i_csv.h" /* the number parser */

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Internal node limit of csv.c (LP_VID_MAX), lowered to test the check. */
extern int64_t lp_i_csv_node_limit;

static char dir[64];
static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void check_str_at(int line, const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: got  [%s]\n%*s want [%s]\n", __FILE__, line, got,
                (int)strlen(__FILE__) + 8, "", want);
        failures++;
    }
}
#define CHECK_STR(got, want) check_str_at(__LINE__, (got), (want))

/* ---- fixtures ----------------------------------------------------------- */

/* dir/name in one of a few rotating buffers. */
static const char *path_of(const char *name)
{
    static char buf[8][512];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static const char *write_bytes(const char *name, const void *data, size_t len)
{
    const char *p = path_of(name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write fixture %s: %s\n", p, strerror(errno));
        exit(1);
    }
    return p;
}

static const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

static const char *write_gz(const char *name, const void *data, size_t len)
{
    const char *p = path_of(name);
    gzFile gz = gzopen(p, "wb");
    if (!gz || gzwrite(gz, data, (unsigned)len) != (int)len || gzclose(gz) != Z_OK) {
        fprintf(stderr, "cannot write gzip fixture %s\n", p);
        exit(1);
    }
    return p;
}

static void remove_fixtures(void)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        const char *p = path_of(e->d_name);
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            rmdir(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Bitwise CRC-32 (IEEE, reflected, poly 0xEDB88320): independent of zlib. */
static uint32_t crc32_ref(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

/* Growable string for building expected text. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s) exit(1);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_add(b, tmp, (size_t)n);
}

/* n in decimal with a comma between groups of three digits (n >= 0). */
static const char *with_commas(char dst[32], int64_t n)
{
    char d[24];
    snprintf(d, sizeof d, "%lld", (long long)n);
    size_t len = strlen(d), o = 0;
    for (size_t i = 0; i < len; i++) {
        dst[o++] = d[i];
        if (i + 1 < len && (len - 1 - i) % 3 == 0) dst[o++] = ',';
    }
    dst[o] = '\0';
    return dst;
}

/* ---- reader ------------------------------------------------------------- */

/* Every record of the file as "<line>:<f1><f2>...;" with CR, LF, NUL and
 * backslash shown as \r \n \0 \\. Returns the status of the reader; on
 * failure the records read so far are in *out. */
static lp_status dump_file(const char *path, sbuf *out)
{
    lp_csv_reader *r = NULL;
    lp_status st = lp_csv_open(&r, path);
    if (st) return st;
    for (;;) {
        int more = -1;
        if ((st = lp_csv_next(r, &more)) || !more) break;
        sb_printf(out, "%lld:", (long long)lp_csv_line(r));
        for (int64_t i = 0; i < lp_csv_nfields(r); i++) {
            size_t len;
            const char *f = lp_csv_field(r, i, &len);
            CHECK(f[len] == '\0');
            sb_add(out, "<", 1);
            for (size_t k = 0; k < len; k++) {
                const char *esc = f[k] == '\r'   ? "\\r"
                                  : f[k] == '\n' ? "\\n"
                                  : f[k] == '\0' ? "\\0"
                                  : f[k] == '\\' ? "\\\\"
                                                 : NULL;
                if (esc)
                    sb_add(out, esc, 2);
                else
                    sb_add(out, f + k, 1);
            }
            sb_add(out, ">", 1);
        }
        sb_add(out, ";", 1);
    }
    lp_csv_close(r);
    return st;
}

static void expect_records_at(int line, const char *data, size_t len, const char *want)
{
    sbuf got = {NULL, 0, 0};
    sb_add(&got, "", 0);
    const char *p = write_bytes("rec.csv", data, len);
    lp_status st = dump_file(p, &got);
    if (st) {
        fprintf(stderr, "%s:%d: reader failed: %s\n", __FILE__, line, lp_error_message());
        failures++;
    }
    check_str_at(line, got.s, want);
    free(got.s);
}
#define EXPECT_RECORDS(data, want) expect_records_at(__LINE__, (data), strlen(data), (want))

/* The reader must fail with "<dir>/rec.csv" + suffix. */
static void expect_reader_error_at(int line, const char *data, const char *suffix)
{
    sbuf got = {NULL, 0, 0};
    sb_add(&got, "", 0);
    const char *p = write_text("rec.csv", data);
    lp_error_clear();
    lp_status st = dump_file(p, &got);
    if (st != LP_EINPUT) {
        fprintf(stderr, "%s:%d: expected LP_EINPUT, got %d\n", __FILE__, line, (int)st);
        failures++;
    }
    char want[1024];
    snprintf(want, sizeof want, "%s%s", p, suffix);
    check_str_at(line, lp_error_message(), want);
    free(got.s);
}
#define EXPECT_READER_ERROR(data, suffix) expect_reader_error_at(__LINE__, (data), (suffix))

static void test_reader_line_ends(void)
{
    EXPECT_RECORDS("a,b,c\n1,2,3\n", "1:<a><b><c>;2:<1><2><3>;");
    EXPECT_RECORDS("a,b\r\n1,2\r\n", "1:<a><b>;2:<1><2>;");
    EXPECT_RECORDS("a,b\r\n1,2\n3,4\r\n5,6\n", "1:<a><b>;2:<1><2>;3:<3><4>;4:<5><6>;");
    EXPECT_RECORDS("a,b\n1,2", "1:<a><b>;2:<1><2>;");   /* no final line end */
    EXPECT_RECORDS("a,b\r\n1,2", "1:<a><b>;2:<1><2>;"); /* CRLF, none at the end */
    EXPECT_RECORDS("a,b\n1,", "1:<a><b>;2:<1><>;");     /* empty last field at EOF */
    EXPECT_RECORDS("a,b,\n,,\n", "1:<a><b><>;2:<><><>;");
    EXPECT_RECORDS("a\rb\r\nc", "1:<a>;2:<b>;3:<c>;"); /* lone CR ends a line */
    EXPECT_RECORDS("x\ny\n", "1:<x>;2:<y>;");
    EXPECT_RECORDS(" a , b \n", "1:< a >< b >;"); /* spaces are data */
    EXPECT_RECORDS("", "");
    EXPECT_RECORDS("\n\r\n\r", "");
    /* blank lines anywhere are skipped, and still counted as lines */
    EXPECT_RECORDS("\n\na,b\n\n\r\n1,2\n\n", "3:<a><b>;6:<1><2>;");
    /* BOM at the start only */
    EXPECT_RECORDS("\xEF\xBB\xBFid,type\n", "1:<id><type>;");
    EXPECT_RECORDS("\xEF\xBB\xBF\"id\",x\r\n", "1:<id><x>;");
    EXPECT_RECORDS("\xEF\xBB\xBF\n\nid\n", "3:<id>;");
    EXPECT_RECORDS("a\n\xEF\xBB\xBF", "1:<a>;2:<\xEF\xBB\xBF>;");
    EXPECT_RECORDS("\xEF\xBB", "1:<\xEF\xBB>;"); /* a partial BOM is data */
}

static void test_reader_quoting(void)
{
    EXPECT_RECORDS("x,\"b,c\",d\n", "1:<x><b,c><d>;");
    EXPECT_RECORDS("\"he said \"\"hi\"\"\",\"\"\"\"\n", "1:<he said \"hi\"><\">;");
    EXPECT_RECORDS("\"\",a,\"\"\n", "1:<><a><>;");
    EXPECT_RECORDS("\"\"\n", "1:<>;"); /* one empty quoted field is not a blank line */
    EXPECT_RECORDS("\"\"", "1:<>;");
    EXPECT_RECORDS("a,\"\"", "1:<a><>;");
    EXPECT_RECORDS("\"a\"\r\n\"b\"", "1:<a>;2:<b>;");
    EXPECT_RECORDS("\"\"\"\"\"\"\n", "1:<\"\">;");
    /* newlines inside quotes: LF, CRLF, CR; physical line numbers */
    EXPECT_RECORDS("id,name\n1,\"two\nlines\"\n2,\"crlf\r\ninside\"\r\n3,x\n",
                   "1:<id><name>;2:<1><two\\nlines>;4:<2><crlf\\r\\ninside>;6:<3><x>;");
    EXPECT_RECORDS("h\n\"a\n\nb\"\nz\n", "1:<h>;2:<a\\n\\nb>;5:<z>;");
    EXPECT_RECORDS("h\n\"a\rb\"\nz\n", "1:<h>;2:<a\\rb>;4:<z>;");
    EXPECT_RECORDS("\"\n\",\"\r\n\r\n\"\nq", "1:<\\n><\\r\\n\\r\\n>;5:<q>;");
    /* quoted fields keep separators, quotes and backslashes verbatim */
    EXPECT_RECORDS("\"a\\b\",\",,\"\n", "1:<a\\\\b><,,>;");

    /* bytes and CRC-32 so far: up to the end of the record just read */
    {
        static const char data[] = "ab,c\nxyz\n";
        const char *p = write_bytes("partial.csv", data, sizeof data - 1);
        lp_csv_reader *r = NULL;
        int more = 0;
        CHECK(lp_csv_open(&r, p) == LP_OK);
        CHECK(lp_csv_next(r, &more) == LP_OK && more == 1);
        CHECK(lp_csv_bytes(r) == 5);
        CHECK(lp_csv_crc32(r) == crc32_ref(data, 5));
        CHECK(lp_csv_next(r, &more) == LP_OK && more == 1);
        CHECK(lp_csv_next(r, &more) == LP_OK && more == 0);
        CHECK(lp_csv_bytes(r) == 9);
        CHECK(lp_csv_crc32(r) == crc32_ref(data, 9));
        lp_csv_close(r);
    }

    /* a NUL byte is data; the length says so */
    {
        static const char data[] = "a\0b,c\n";
        const char *p = write_bytes("nul.csv", data, sizeof data - 1);
        lp_csv_reader *r = NULL;
        int more = 0;
        size_t len = 0;
        CHECK(lp_csv_open(&r, p) == LP_OK);
        CHECK(lp_csv_next(r, &more) == LP_OK && more == 1);
        CHECK(lp_csv_nfields(r) == 2);
        const char *f = lp_csv_field(r, 0, &len);
        CHECK(len == 3 && memcmp(f, "a\0b", 4) == 0);
        f = lp_csv_field(r, 1, &len);
        CHECK(len == 1 && strcmp(f, "c") == 0);
        CHECK(lp_csv_next(r, &more) == LP_OK && more == 0);
        CHECK(lp_csv_bytes(r) == (int64_t)(sizeof data - 1));
        lp_csv_close(r);
    }
}

static void test_reader_errors(void)
{
    EXPECT_READER_ERROR("a,b\"c\n", ":1: field 2: quote inside unquoted field");
    EXPECT_READER_ERROR("a,b\n\"x\"y,c\n", ":2: field 1: unexpected character after closing quote");
    EXPECT_READER_ERROR("a,\"x\" ,c\n", ":1: field 2: unexpected character after closing quote");
    EXPECT_READER_ERROR(" \"x\"\n", ":1: field 1: quote inside unquoted field");
    /* the line of the offending byte, after a multi-line field */
    EXPECT_READER_ERROR("h\n\"a\nb\",c\"d\n", ":3: field 2: quote inside unquoted field");
    /* unterminated: the line the quote opened on, not the record's first */
    EXPECT_READER_ERROR("a,\"ok\nstill\",\"bad\nx\n", ":2: field 3: unterminated quote");
    EXPECT_READER_ERROR("a,b\n\n\"open", ":3: field 1: unterminated quote");
    EXPECT_READER_ERROR("\"", ":1: field 1: unterminated quote");
    EXPECT_READER_ERROR("x,\"a\"\"", ":1: field 2: unterminated quote");

    /* names from lp_csv_name_fields replace the numbers */
    {
        const char *p = write_text("named.csv", "id,name\n1,\"x\"y\n");
        lp_csv_reader *r = NULL;
        int more = 0;
        CHECK(lp_csv_open(&r, p) == LP_OK);
        CHECK(lp_csv_next(r, &more) == LP_OK && more == 1);
        CHECK(lp_csv_name_fields(r) == LP_OK);
        CHECK(lp_csv_next(r, &more) == LP_EINPUT);
        char want[600];
        snprintf(want, sizeof want, "%s:2: field 'name': unexpected character after closing quote",
                 p);
        CHECK_STR(lp_error_message(), want);
        lp_csv_close(r);
    }

    /* cannot open */
    {
        lp_csv_reader *r = (lp_csv_reader *)&failures; /* must stay untouched */
        const char *p = path_of("no-such-file.csv");
        CHECK(lp_csv_open(&r, p) == LP_EINPUT);
        CHECK(r == (lp_csv_reader *)&failures);
        char want[600];
        snprintf(want, sizeof want, "%s: cannot open: No such file or directory", p);
        CHECK_STR(lp_error_message(), want);
    }
}

/* Files of one repeated record crossing the 1 MiB chunk boundary at every
 * byte offset of the record: between the CR and LF inside quotes, between
 * the two quotes of "", between CR and LF at the record end, ... */
static void test_reader_chunk_boundaries(void)
{
    static const char rec[] = "\"a\"\"b\r\nc\",d\r\n"; /* 13 bytes, 2 lines */
    const size_t rlen = sizeof rec - 1;
    const size_t total = ((size_t)1 << 20) + 4096;
    char *data = malloc(total + 64);
    CHECK(data != NULL);
    if (!data) return;
    for (size_t shift = 0; shift < rlen; shift++) {
        size_t len = 0;
        memset(data, 'h', shift + 1); /* header line of varying length */
        len = shift + 1;
        data[len++] = '\n';
        int64_t nrec = 0;
        while (len + rlen <= total) {
            memcpy(data + len, rec, rlen);
            len += rlen;
            nrec++;
        }
        for (int gz = 0; gz < 2; gz++) {
            const char *p =
                gz ? write_gz("chunks.csv.gz", data, len) : write_bytes("chunks.csv", data, len);
            lp_csv_reader *r = NULL;
            int more = 0, bad = 0;
            int64_t got = 0;
            CHECK(lp_csv_open(&r, p) == LP_OK);
            if (!r) continue;
            CHECK(lp_csv_next(r, &more) == LP_OK && more && lp_csv_nfields(r) == 1);
            for (;;) {
                lp_status st = lp_csv_next(r, &more);
                if (st || !more) {
                    if (st) bad++;
                    break;
                }
                size_t l0, l1;
                const char *f0 = lp_csv_nfields(r) == 2 ? lp_csv_field(r, 0, &l0) : NULL;
                const char *f1 = f0 ? lp_csv_field(r, 1, &l1) : NULL;
                if (!f0 || l0 != 6 || memcmp(f0, "a\"b\r\nc", 7) != 0 || l1 != 1 || f1[0] != 'd' ||
                    lp_csv_line(r) != 2 + 2 * got)
                    bad++;
                got++;
            }
            if (bad || got != nrec)
                fprintf(stderr, "chunk test shift %zu gz %d: %d bad records, %lld of %lld\n", shift,
                        gz, bad, (long long)got, (long long)nrec);
            CHECK(bad == 0 && got == nrec);
            CHECK(lp_csv_bytes(r) == (int64_t)len);
            CHECK(lp_csv_crc32(r) == crc32_ref(data, len));
            lp_csv_close(r);
        }
    }
    free(data);
}

static void test_reader_gzip(void)
{
    static const char text[] = "\xEF\xBB\xBF"
                               "id,name\r\n"
                               "1,\"a,b\"\r\n"
                               "\r\n"
                               "2,\"multi\r\nline \"\"q\"\"\"\r\n"
                               "3,last";
    const char *p = write_gz("g.csv.gz", text, sizeof text - 1);
    sbuf got = {NULL, 0, 0};
    sb_add(&got, "", 0);
    CHECK(dump_file(p, &got) == LP_OK);
    CHECK_STR(got.s, "1:<id><name>;2:<1><a,b>;4:<2><multi\\r\\nline \"q\">;6:<3><last>;");
    free(got.s);

    lp_csv_reader *r = NULL;
    int more = 1;
    CHECK(lp_csv_open(&r, p) == LP_OK);
    CHECK(lp_csv_bytes(r) == 0);
    while (lp_csv_next(r, &more) == LP_OK && more) {
    }
    CHECK(more == 0);
    CHECK(lp_csv_bytes(r) == (int64_t)(sizeof text - 1)); /* uncompressed, BOM included */
    CHECK(lp_csv_crc32(r) == crc32_ref(text, sizeof text - 1));
    lp_csv_close(r);

    /* A truncated gzip stream is a read error, not a short file. */
    {
        sbuf big = {NULL, 0, 0};
        for (int i = 0; i < 20000; i++)
            sb_printf(&big, "n%d,%d\n", i * 7919 % 100003, i);
        const char *gp = write_gz("trunc.csv.gz", big.s, big.len);
        FILE *f = fopen(gp, "rb");
        CHECK(f != NULL);
        char *raw = malloc(big.len + 64);
        size_t n = f ? fread(raw, 1, big.len + 64, f) : 0;
        if (f) fclose(f);
        CHECK(n > 100);
        write_bytes("trunc.csv.gz", raw, n / 2);
        sbuf out = {NULL, 0, 0};
        sb_add(&out, "", 0);
        CHECK(dump_file(gp, &out) == LP_EINPUT);
        char want[600];
        snprintf(want, sizeof want, "%s: cannot read: truncated gzip data", gp);
        CHECK_STR(lp_error_message(), want);
        free(out.s);
        free(raw);
        free(big.s);
    }
}

/* ---- loader ------------------------------------------------------------- */

static int64_t node_of(const lp_graph *g, const char *id)
{
    for (int64_t i = 0; i < g->nodes.id.count; i++)
        if (strcmp(lp_strtab_get(&g->nodes.id, i), id) == 0) return i;
    return -1;
}

/* CSR weight of edge {u, v}, or -1 if absent. */
static double csr_weight(const lp_graph *g, const char *u, const char *v)
{
    int64_t a = node_of(g, u), b = node_of(g, v);
    if (a < 0 || b < 0) return -2;
    for (int64_t k = g->csr.offset[a]; k < g->csr.offset[a + 1]; k++)
        if (g->csr.adj[k] == b) return g->csr.weight[k];
    return -1;
}

static const char *type_of(const lp_graph *g, const char *id)
{
    int64_t v = node_of(g, id);
    return v < 0 ? "(no node)" : lp_strtab_get(&g->nodes.type_name, g->nodes.type[v]);
}

static void test_load_basic(void)
{
    static const char nodes[] = "name,id,type,revenue,extra\n"
                                "Acme Corp,c1,company,,x\n"
                                "Alice,e1,employee,,\n"
                                "Bob,e2,employee,0,\n"
                                "\"Big, Inc.\",a1,account,1500.5,\n"
                                "Zo\xC3\xAB,\xC3\xBC-\xC3\xB1,account,2e3,\n"
                                "\xE6\x9D\xB1\xE4\xBA\xAC,\xE6\x9D\xB1\xE4\xBA\xAC,contact,-0,\n"
                                "\"multi\nline\",\"q\"\"id\",partner,+.25,\n";
    static const char edges[] = "weight,target,source,type\r\n"
                                ",e1,c1,works\r\n"
                                "2.5,a1,e1,owns\r\n"
                                "1,e1,a1,owns\r\n"
                                "0.5,e2,c1,works\r\n"
                                "3,e2,e2,self\r\n"
                                ",\xE6\x9D\xB1\xE4\xBA\xAC,\xC3\xBC-\xC3\xB1,x\r\n"
                                ",a1,e2,\r\n"
                                "1e-3,\"q\"\"id\",c1,\r\n"
                                "0.25,a1,e1,owns\r\n";
    const char *np = write_text("nodes.csv", nodes);
    const char *ep = write_text("edges.csv", edges);
    lp_graph g;
    lp_load_report rep;
    memset(&rep, 0, sizeof rep);
    lp_status st = lp_graph_load_csv(&g, &rep, np, ep, NULL);
    CHECK(st == LP_OK);
    if (st) {
        fprintf(stderr, "load failed: %s\n", lp_error_message());
        return;
    }
    CHECK(g.n == 7);
    CHECK(g.dropped_self_loops == 1);
    CHECK(g.merged_duplicates == 2); /* e1-a1 three times */
    CHECK(g.m == 6);
    CHECK(g.csr.n == 7 && g.csr.m == 6);
    CHECK(fabs(csr_weight(&g, "e1", "a1") - 3.75) < 1e-12);
    CHECK(fabs(csr_weight(&g, "a1", "e1") - 3.75) < 1e-12);
    CHECK(csr_weight(&g, "c1", "e1") == 1.0); /* empty weight: default 1 */
    CHECK(csr_weight(&g, "e2", "c1") == 0.5);
    CHECK(csr_weight(&g, "\xE6\x9D\xB1\xE4\xBA\xAC", "\xC3\xBC-\xC3\xB1") == 1.0);
    CHECK(csr_weight(&g, "q\"id", "c1") == 1e-3);
    CHECK(csr_weight(&g, "e2", "e2") == -1); /* self-loop dropped */
    CHECK(csr_weight(&g, "c1", "a1") == -1);

    /* input order, ids verbatim */
    static const char *ids[] = {
        "c1", "e1", "e2", "a1", "\xC3\xBC-\xC3\xB1", "\xE6\x9D\xB1\xE4\xBA\xAC", "q\"id"};
    for (int i = 0; i < 7 && g.nodes.id.count == 7; i++)
        CHECK_STR(lp_strtab_get(&g.nodes.id, i), ids[i]);
    CHECK(g.nodes.type_name.count == 5);
    if (g.nodes.type_name.count == 5) {
        CHECK_STR(lp_strtab_get(&g.nodes.type_name, 0), "company");
        CHECK_STR(lp_strtab_get(&g.nodes.type_name, 1), "employee");
        CHECK_STR(lp_strtab_get(&g.nodes.type_name, 2), "account");
        CHECK_STR(lp_strtab_get(&g.nodes.type_name, 3), "contact");
        CHECK_STR(lp_strtab_get(&g.nodes.type_name, 4), "partner");
    }
    CHECK_STR(type_of(&g, "e2"), "employee");
    CHECK_STR(type_of(&g, "\xC3\xBC-\xC3\xB1"), "account");
    CHECK_STR(type_of(&g, "q\"id"), "partner");
    CHECK(g.nodes.has_revenue == 1);
    static const double rev[] = {0, 0, 0, 1500.5, 2000, 0, 0.25};
    for (int i = 0; i < 7; i++)
        CHECK(g.nodes.revenue[i] == rev[i]);
    CHECK(!signbit(g.nodes.revenue[5])); /* "-0" is stored as +0 */

    CHECK(rep.node_rows == 7 && rep.edge_rows == 9 && rep.skipped_rows == 0);
    CHECK(rep.nodes_file.path == np && rep.edges_file.path == ep);
    CHECK(rep.nodes_file.size == (int64_t)(sizeof nodes - 1));
    CHECK(rep.edges_file.size == (int64_t)(sizeof edges - 1));
    CHECK(rep.nodes_file.crc32 == crc32_ref(nodes, sizeof nodes - 1));
    CHECK(rep.edges_file.crc32 == crc32_ref(edges, sizeof edges - 1));
    lp_graph_free(&g);

    /* Without revenue and weight columns; minimal headers; BOM; gzip. */
    static const char n2[] = "\xEF\xBB\xBFtype,id\nemployee,a\naccount,b\naccount,c\n";
    static const char e2[] = "target,source\nb,a\na,b\nc,a\n";
    np = write_gz("nodes2.csv.gz", n2, sizeof n2 - 1);
    ep = write_gz("edges2.csv.gz", e2, sizeof e2 - 1);
    memset(&rep, 0, sizeof rep);
    st = lp_graph_load_csv(&g, &rep, np, ep, NULL);
    CHECK(st == LP_OK);
    if (st) {
        fprintf(stderr, "load failed: %s\n", lp_error_message());
        return;
    }
    CHECK(g.n == 3 && g.m == 2 && g.merged_duplicates == 1 && g.dropped_self_loops == 0);
    CHECK(g.nodes.has_revenue == 0);
    CHECK(g.nodes.revenue[0] == 0 && g.nodes.revenue[1] == 0);
    CHECK(csr_weight(&g, "a", "b") == 2.0);
    CHECK(csr_weight(&g, "a", "c") == 1.0);
    struct stat sb;
    CHECK(stat(np, &sb) == 0 && rep.nodes_file.size == (int64_t)sb.st_size);
    CHECK(rep.nodes_file.size != (int64_t)(sizeof n2 - 1)); /* compressed size */
    CHECK(rep.nodes_file.crc32 == crc32_ref(n2, sizeof n2 - 1));
    CHECK(rep.edges_file.crc32 == crc32_ref(e2, sizeof e2 - 1));
    lp_graph_free(&g);

    /* A header-only edges file: a graph without edges. */
    np = write_text("nodes.csv", "id,type\nx,employee\n");
    ep = write_text("edges.csv", "source,target\n");
    st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
    CHECK(st == LP_OK);
    if (!st) {
        CHECK(g.n == 1 && g.m == 0);
        lp_graph_free(&g);
    }
}

/* lp_csv_write_graph reads back as the same node table, names included
 * (awkward ones quoted), and writes a name column only when the table has
 * names. */
static void test_write_roundtrip(void)
{
    static const char nodes[] = "id,type,revenue,name\n"
                                "c1,company,,Acme Corp\n"
                                "e1,employee,,\n"
                                "a1,account,1500.5,\"Big, Inc.\"\n"
                                "a2,account,2e3,\" padded \"\n"
                                "x1,partner,0,\"say \"\"hi\"\"\nand go\"\n"
                                "z1,contact,,Zo\xC3\xAB\n";
    static const char edges[] = "source,target,weight\n"
                                "c1,e1,1\n"
                                "e1,a1,0.1\n"
                                "a2,x1,2\n";
    lp_graph g, h;
    lp_status st = lp_graph_load_csv(&g, NULL, write_text("nodes.csv", nodes),
                                     write_text("edges.csv", edges), NULL);
    CHECK(st == LP_OK && g.nodes.has_name);
    if (st) return;
    lp_edges e = LP_EDGES_INIT;
    for (lp_vid u = 0; u < g.csr.n && !st; u++)
        for (int64_t k = g.csr.offset[u]; k < g.csr.offset[u + 1] && !st; k++)
            if (u < g.csr.adj[k]) st = lp_edges_push(&e, u, g.csr.adj[k], g.csr.weight[k]);
    const char *out = path_of("written");
    CHECK(st == LP_OK && lp_csv_write_graph(out, &g.nodes, &e) == LP_OK);
    char np[128], ep[128];
    snprintf(np, sizeof np, "%s/nodes.csv", out);
    snprintf(ep, sizeof ep, "%s/edges.csv", out);
    st = lp_graph_load_csv(&h, NULL, np, ep, NULL);
    CHECK(st == LP_OK);
    if (!st) {
        CHECK(h.n == g.n && h.m == g.m && h.nodes.has_name && h.nodes.has_revenue);
        for (int64_t i = 0; i < g.n && h.n == g.n && h.nodes.has_name; i++) {
            CHECK_STR(lp_strtab_get(&h.nodes.id, i), lp_strtab_get(&g.nodes.id, i));
            CHECK_STR(lp_strtab_get(&h.nodes.name, i), lp_strtab_get(&g.nodes.name, i));
            CHECK(h.nodes.revenue[i] == g.nodes.revenue[i]);
        }
        if (h.nodes.has_name && h.n == 6) {
            CHECK_STR(lp_strtab_get(&h.nodes.name, 3), " padded ");
            CHECK_STR(lp_strtab_get(&h.nodes.name, 4), "say \"hi\"\nand go");
            CHECK_STR(lp_strtab_get(&h.nodes.name, 1), "");
        }
        lp_graph_free(&h);
    }
    /* the name with blanks at its ends quoted (the loader keeps unquoted
     * blanks too, so the read-back alone would not tell) */
    FILE *fp = fopen(np, "rb");
    char raw[512] = {0};
    CHECK(fp && fread(raw, 1, sizeof raw - 1, fp) > 0);
    if (fp) fclose(fp);
    CHECK(strstr(raw, "\n"
                      "a2,account,2000,\" padded \"\n") != NULL);
    /* names without revenue; then neither */
    g.nodes.has_revenue = 0;
    CHECK(lp_csv_write_graph(out, &g.nodes, &e) == LP_OK);
    sbuf got = {0};
    CHECK(dump_file(np, &got) == LP_OK);
    CHECK(got.s && !strncmp(got.s, "1:<id><type><name>;2:<c1><company><Acme Corp>;", 46));
    free(got.s);
    lp_strtab_free(&g.nodes.name);
    g.nodes.has_name = 0;
    CHECK(lp_csv_write_graph(out, &g.nodes, &e) == LP_OK);
    got = (sbuf){0};
    CHECK(dump_file(np, &got) == LP_OK);
    CHECK(got.s && !strncmp(got.s, "1:<id><type>;2:<c1><company>;", 29));
    free(got.s);
    remove(np);
    remove(ep);
    rmdir(out);
    lp_edges_free(&e);
    lp_graph_free(&g);
}
/* Many ids and types (the hash tables grow several times): every edge must
 * land on the rows its ids name, checked through each node's strength. */
static void test_load_many(void)
{
    enum { N = 30000, M = 120000, T = 150 };
    sbuf nodes = {NULL, 0, 0}, edges = {NULL, 0, 0};
    double *strength = calloc(N, sizeof *strength);
    CHECK(strength != NULL);
    if (!strength) return;
    sb_printf(&nodes, "id,type\n");
    for (int i = 0; i < N; i++)
        sb_printf(&nodes, "node-%d,t%d\n", (i * 7919) % N, i % T);
    sb_printf(&edges, "source,target,weight\n");
    uint64_t x = 12345;
    for (int k = 0; k < M; k++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        int u = (int)((x >> 33) % N), v = (int)((x >> 13) % N), w = (int)(x % 5) + 1;
        sb_printf(&edges, "node-%d,node-%d,%d\n", u, v, w);
        if (u != v) {
            strength[u] += w;
            strength[v] += w;
        }
    }
    const char *np = write_text("nodes.csv", nodes.s);
    const char *ep = write_text("edges.csv", edges.s);
    lp_graph g;
    lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
    CHECK(st == LP_OK);
    if (!st) {
        int bad = 0;
        CHECK(g.n == N && g.nodes.type_name.count == T);
        for (int64_t r = 0; r < g.n && g.n == N; r++) {
            /* row r holds node-(r * 7919 % N) of type t(r % T) */
            char id[32], type[32];
            snprintf(id, sizeof id, "node-%d", (int)(r * 7919 % N));
            snprintf(type, sizeof type, "t%d", (int)(r % T));
            double s = 0;
            for (int64_t k = g.csr.offset[r]; k < g.csr.offset[r + 1]; k++)
                s += g.csr.weight[k];
            int v = (int)(r * 7919 % N);
            if (strcmp(lp_strtab_get(&g.nodes.id, r), id) != 0 ||
                strcmp(lp_strtab_get(&g.nodes.type_name, g.nodes.type[r]), type) != 0 ||
                s != strength[v])
                bad++;
        }
        CHECK(bad == 0);
        lp_graph_free(&g);
    }
    free(strength);
    free(nodes.s);
    free(edges.s);
}

/* The delimiter expect_load_error_at loads with. */
static char test_delim = ',';

/* The load must fail with LP_EINPUT and message dir + "/" + suffix, leaving
 * *out and *out_report untouched. nodes/edges NULL: the file is not written
 * (the name is used as is, e.g. a missing file). */
static void expect_load_error_at(int line, const char *nodes, const char *edges, int skip,
                                 const char *suffix)
{
    const char *np = nodes ? write_text("nodes.csv", nodes) : path_of("missing.csv");
    const char *ep = edges ? write_text("edges.csv", edges) : path_of("missing.csv");
    lp_graph g;
    lp_load_report rep;
    unsigned char gs[sizeof g], rs[sizeof rep];
    memset(&g, 0x5A, sizeof g);
    memset(&rep, 0xA5, sizeof rep);
    memcpy(gs, &g, sizeof g);
    memcpy(rs, &rep, sizeof rep);
    lp_load_options opt = LP_LOAD_OPTIONS_INIT;
    opt.skip_bad_rows = skip;
    opt.delimiter = test_delim;
    lp_error_clear();
    lp_status st = lp_graph_load_csv(&g, &rep, np, ep, &opt);
    if (st != LP_EINPUT) {
        fprintf(stderr, "%s:%d: expected LP_EINPUT, got %d (%s)\n", __FILE__, line, (int)st,
                lp_error_message());
        failures++;
        if (st == LP_OK) lp_graph_free(&g);
        return;
    }
    char want[1024];
    snprintf(want, sizeof want, "%s/%s", dir, suffix);
    check_str_at(line, lp_error_message(), want);
    if (memcmp(gs, &g, sizeof g) != 0 || memcmp(rs, &rep, sizeof rep) != 0) {
        fprintf(stderr, "%s:%d: output written on failure\n", __FILE__, line);
        failures++;
    }
}
#define EXPECT_LOAD_ERROR(n, e, suffix) expect_load_error_at(__LINE__, (n), (e), 0, (suffix))
#define EXPECT_LOAD_ERROR_SKIP(n, e, suffix) expect_load_error_at(__LINE__, (n), (e), 1, (suffix))

#define GOODN "id,type\na,employee\nb,account\n"
/* after every invalid-UTF-8 message */
#define UTF8_HINT " (the file is not UTF-8; convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)"
#define GOODE "source,target\na,b\n"

static void test_load_file_errors(void)
{
    EXPECT_LOAD_ERROR(NULL, GOODE, "missing.csv: cannot open: No such file or directory");
    EXPECT_LOAD_ERROR(GOODN, NULL, "missing.csv: cannot open: No such file or directory");

    /* a directory opens but cannot be read */
    {
        const char *sub = path_of("subdir");
        CHECK(mkdir(sub, 0700) == 0);
        const char *ep = write_text("edges.csv", GOODE);
        lp_graph g;
        CHECK(lp_graph_load_csv(&g, NULL, sub, ep, NULL) == LP_EINPUT);
        char want[600];
        snprintf(want, sizeof want, "%s: cannot read: Is a directory", sub);
        CHECK_STR(lp_error_message(), want);
    }

    EXPECT_LOAD_ERROR("", GOODE, "nodes.csv: empty file (no header row)");
    EXPECT_LOAD_ERROR("\xEF\xBB\xBF\r\n\n", GOODE, "nodes.csv: empty file (no header row)");
    EXPECT_LOAD_ERROR(GOODN, "\n\n", "edges.csv: empty file (no header row)");

    EXPECT_LOAD_ERROR("id,kind\na,b\n", GOODE,
                      "nodes.csv:1: missing required column 'type' (found: 'id', 'kind')");
    EXPECT_LOAD_ERROR("ID,type\na,b\n", GOODE,
                      "nodes.csv:1: missing required column 'id' (found: 'ID', 'type'; did you "
                      "mean 'ID' for 'id'?)");
    EXPECT_LOAD_ERROR(" id,type\na,b\n", GOODE,
                      "nodes.csv:1: missing required column 'id' (found: ' id', 'type'; did you "
                      "mean ' id' for 'id'?)");
    EXPECT_LOAD_ERROR("\n\nname,type\n", GOODE,
                      "nodes.csv:3: missing required column 'id' (found: 'name', 'type')");
    EXPECT_LOAD_ERROR(GOODN, "source,dst\na,b\n",
                      "edges.csv:1: missing required column 'target' (found: 'source', 'dst')");
    EXPECT_LOAD_ERROR(GOODN, "from,target\n",
                      "edges.csv:1: missing required column 'source' (found: 'from', 'target')");

    EXPECT_LOAD_ERROR("id,type,id\n", GOODE,
                      "nodes.csv:1: field 'id': duplicate column (columns 1 and 3)");
    EXPECT_LOAD_ERROR("x,id,type,x\n", GOODE,
                      "nodes.csv:1: field 'x': duplicate column (columns 1 and 4)");
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight,\"weight\"\n",
                      "edges.csv:1: field 'weight': duplicate column (columns 3 and 4)");
    EXPECT_LOAD_ERROR_SKIP("id,type,type\n", GOODE,
                           "nodes.csv:1: field 'type': duplicate column (columns 2 and 3)");

    EXPECT_LOAD_ERROR("id,type\n", GOODE, "nodes.csv: no nodes");
    EXPECT_LOAD_ERROR_SKIP("id,type\n,employee\n", GOODE, "nodes.csv: no nodes");

    /* syntax errors name the column, and stay fatal with skip_bad_rows */
    EXPECT_LOAD_ERROR("id,type,name\na,employee,\"Alice\nb,employee,Bob\n", GOODE,
                      "nodes.csv:2: field 'name': unterminated quote");
    EXPECT_LOAD_ERROR_SKIP(GOODN, "source,target\na,\"b\nx\",\"c\n",
                           "edges.csv:3: field 3: unterminated quote");
    EXPECT_LOAD_ERROR_SKIP(GOODN, "source,target\n\"a\",\"b\nc\n",
                           "edges.csv:2: field 'target': unterminated quote");
    EXPECT_LOAD_ERROR("id,type\na,emp\"loyee\n", GOODE,
                      "nodes.csv:2: field 'type': quote inside unquoted field");
    EXPECT_LOAD_ERROR_SKIP("id,type\n\"a\"b,employee\n", GOODE,
                           "nodes.csv:2: field 'id': unexpected character after closing quote");
    EXPECT_LOAD_ERROR("id,\"ty\"pe\n", GOODE,
                      "nodes.csv:1: field 2: unexpected character after closing quote");

    /* too many nodes: fatal even when skipping */
    lp_i_csv_node_limit = 2;
    EXPECT_LOAD_ERROR("id,type\na,x\nb,x\nc,x\n", GOODE,
                      "nodes.csv:4: too many nodes (more than 2)");
    EXPECT_LOAD_ERROR_SKIP("id,type\na,x\nb,x\n\nc,x\n", GOODE,
                           "nodes.csv:5: too many nodes (more than 2)");
    lp_i_csv_node_limit = 2; /* exactly at the limit is fine */
    {
        const char *np = write_text("nodes.csv", "id,type\na,x\nb,x\n");
        const char *ep = write_text("edges.csv", GOODE);
        lp_graph g;
        lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
        CHECK(st == LP_OK);
        if (!st) lp_graph_free(&g);
    }
    lp_i_csv_node_limit = INT32_MAX;
}

static void test_load_row_errors(void)
{
    /* field count */
    EXPECT_LOAD_ERROR("id,type\na,employee,extra\n", GOODE,
                      "nodes.csv:2: expected 2 fields, found 3");
    EXPECT_LOAD_ERROR("id,type,name\na,x,\"n\"\nb\n", GOODE,
                      "nodes.csv:3: expected 3 fields, found 1");
    EXPECT_LOAD_ERROR(GOODN, "source,target\na\n", "edges.csv:2: expected 2 fields, found 1");
    EXPECT_LOAD_ERROR(GOODN, "source,target,type\na,b,x,\n",
                      "edges.csv:2: expected 3 fields, found 4");

    /* ids */
    EXPECT_LOAD_ERROR("id,type\n,employee\n", GOODE, "nodes.csv:2: field 'id': empty id");
    EXPECT_LOAD_ERROR("type,id\nemployee,\"\"\n", GOODE, "nodes.csv:2: field 'id': empty id");
    EXPECT_LOAD_ERROR(GOODN, "source,target\n,b\n", "edges.csv:2: field 'source': empty id");
    EXPECT_LOAD_ERROR(GOODN, "source,target\na,\"\"\n", "edges.csv:2: field 'target': empty id");
    EXPECT_LOAD_ERROR("id,type\n\xff\xfe,employee\n", GOODE,
                      "nodes.csv:2: field 'id': invalid UTF-8 in id \"\\xff\\xfe\"" UTF8_HINT);
    EXPECT_LOAD_ERROR("id,type\n\xC0\xAF,employee\n", GOODE, /* overlong '/' */
                      "nodes.csv:2: field 'id': invalid UTF-8 in id \"\\xc0\\xaf\"" UTF8_HINT);
    EXPECT_LOAD_ERROR(
        "id,type\nx\xED\xA0\x80,employee\n", GOODE, /* surrogate */
        "nodes.csv:2: field 'id': invalid UTF-8 in id \"x\\xed\\xa0\\x80\"" UTF8_HINT);
    EXPECT_LOAD_ERROR(
        "id,type\n\xF4\x90\x80\x80,employee\n", GOODE, /* above U+10FFFF */
        "nodes.csv:2: field 'id': invalid UTF-8 in id \"\\xf4\\x90\\x80\\x80\"" UTF8_HINT);
    EXPECT_LOAD_ERROR("id,type\nab\xE6\x9D,employee\n", GOODE, /* cut sequence */
                      "nodes.csv:2: field 'id': invalid UTF-8 in id \"ab\\xe6\\x9d\"" UTF8_HINT);
    EXPECT_LOAD_ERROR("id,type\nabcdefgh\x80,employee\n", GOODE, /* after the ASCII fast path */
                      "nodes.csv:2: field 'id': invalid UTF-8 in id \"abcdefgh\\x80\"" UTF8_HINT);
    EXPECT_LOAD_ERROR(
        "id,type\na,emp\xFFloyee\n", GOODE,
        "nodes.csv:2: field 'type': invalid UTF-8 in type \"emp\\xffloyee\"" UTF8_HINT);
    {
        static const char nul_id[] = "id,type\na\0b,employee\n";
        write_bytes("nodes.csv", nul_id, sizeof nul_id - 1);
        const char *ep = write_text("edges.csv", GOODE);
        lp_graph g;
        CHECK(lp_graph_load_csv(&g, NULL, path_of("nodes.csv"), ep, NULL) == LP_EINPUT);
        char want[600];
        snprintf(want, sizeof want, "%s/nodes.csv:2: field 'id': NUL byte in id \"a\\x00b\"", dir);
        CHECK_STR(lp_error_message(), want);
    }
    EXPECT_LOAD_ERROR("id,type\na,employee\nb,account\na,contact\n", GOODE,
                      "nodes.csv:4: field 'id': duplicate node id \"a\" (first defined on line 2)");
    EXPECT_LOAD_ERROR("id,type,name\nx,t,\"two\nlines\"\n\"y\",t,\nx,t,\n", GOODE,
                      "nodes.csv:5: field 'id': duplicate node id \"x\" (first defined on line 2)");
    EXPECT_LOAD_ERROR(GOODN, "source,target\na,b\nb,zz\n",
                      "edges.csv:3: field 'target': unknown node id \"zz\"");
    EXPECT_LOAD_ERROR(GOODN, "target,source\nb,\"a \"\n",
                      "edges.csv:2: field 'source': unknown node id \"a \"");
    EXPECT_LOAD_ERROR(GOODN, "source,target\n\"x\ny\",b\n",
                      "edges.csv:2: field 'source': unknown node id \"x\\x0ay\"");
    EXPECT_LOAD_ERROR(GOODN, "source,target\na,A\n", /* ids are case-sensitive */
                      "edges.csv:2: field 'target': unknown node id \"A\"");
    EXPECT_LOAD_ERROR(GOODN, "source,target\na,B\\\"\n",
                      "edges.csv:2: field 'target': quote inside unquoted field");
    EXPECT_LOAD_ERROR(GOODN, "source,target\na,\"B\\\"\"\"\n",
                      "edges.csv:2: field 'target': unknown node id \"B\\\\\\\"\"");
    /* the first bad row in file order wins, however rows are grouped inside */
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight\na,zz,1\na,b,0\n",
                      "edges.csv:2: field 'target': unknown node id \"zz\"");
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight\nzz,b,0\n", /* same row: weight first */
                      "edges.csv:2: field 'weight': non-positive weight \"0\"");
    {
        sbuf e = {NULL, 0, 0};
        sb_printf(&e, "source,target,weight\n");
        for (int i = 0; i < 1000; i++)
            sb_printf(&e, "%s,%s,%d\n", i % 2 ? "a" : "b", "a", i + 1);
        sb_printf(&e, "a,q%d,1\na,b,-1\na,,1\n", 7);
        expect_load_error_at(__LINE__, GOODN, e.s, 0,
                             "edges.csv:1002: field 'target': unknown node id \"q7\"");
        free(e.s);
    }
    /* long values are cut in messages */
    EXPECT_LOAD_ERROR(GOODN,
                      "source,target\na,0123456789012345678901234567890123456789012345678901234567"
                      "890123456789\n",
                      "edges.csv:2: field 'target': unknown node id "
                      "\"012345678901234567890123456789012345678901234567890123456789...\"");

    /* revenue */
    static const char *bad_numbers[] = {"12abc",    " 12",  "12 ",    "nan", "NaN", "inf",   "-inf",
                                        "Infinity", "0x10", "-0X1p3", "1,5", "+",   "-",     ".",
                                        "e5",       "1e",   "--1",    "1e+", "\t1", "1_000", "0x"};
    for (size_t i = 0; i < sizeof bad_numbers / sizeof *bad_numbers; i++) {
        char nodes[200], want[200];
        snprintf(nodes, sizeof nodes, "id,type,revenue\na,employee,\nb,account,\"%s\"\n",
                 bad_numbers[i]);
        char v[64];
        size_t o = 0;
        for (const char *s = bad_numbers[i]; *s; s++) {
            if (*s == '\t')
                o += (size_t)snprintf(v + o, sizeof v - o, "\\x09");
            else
                v[o++] = *s;
        }
        v[o] = '\0';
        snprintf(want, sizeof want, "nodes.csv:3: field 'revenue': malformed number \"%s\"", v);
        expect_load_error_at(__LINE__, nodes, GOODE, 0, want);
        /* and the same in weight */
        char edges[200];
        snprintf(edges, sizeof edges, "source,target,weight\na,b,1\nb,a,\"%s\"\n", bad_numbers[i]);
        snprintf(want, sizeof want, "edges.csv:3: field 'weight': malformed number \"%s\"", v);
        expect_load_error_at(__LINE__, GOODN, edges, 0, want);
    }
    EXPECT_LOAD_ERROR("id,type,revenue\na,account,1e999\n", GOODE,
                      "nodes.csv:2: field 'revenue': number out of range \"1e999\"");
    EXPECT_LOAD_ERROR("id,type,revenue\na,account,-5\n", GOODE,
                      "nodes.csv:2: field 'revenue': negative revenue \"-5\"");
    EXPECT_LOAD_ERROR("id,type,revenue\na,account,-1e-300\n", GOODE,
                      "nodes.csv:2: field 'revenue': negative revenue \"-1e-300\"");

    /* weight */
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight\na,b,0\n",
                      "edges.csv:2: field 'weight': non-positive weight \"0\"");
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight\na,b,-0.0\n",
                      "edges.csv:2: field 'weight': non-positive weight \"-0.0\"");
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight\na,b,-2\n",
                      "edges.csv:2: field 'weight': non-positive weight \"-2\"");
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight\na,b,1e999\n",
                      "edges.csv:2: field 'weight': non-finite weight \"1e999\"");
    EXPECT_LOAD_ERROR(GOODN, "source,target,weight\na,b,-1e400\n",
                      "edges.csv:2: field 'weight': non-finite weight \"-1e400\"");

    /* good numbers in unusual spellings */
    {
        const char *np = write_text("nodes.csv", "id,type,revenue\na,x,1E3\nb,x,+7.\nc,x,.5e1\n"
                                                 "d,x,00012\ne,x,1e-400\n");
        const char *ep = write_text("edges.csv", "source,target,weight\na,b,2E-1\nb,c,+3\n");
        lp_graph g;
        lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
        CHECK(st == LP_OK);
        if (!st) {
            CHECK(g.nodes.revenue[0] == 1000 && g.nodes.revenue[1] == 7 &&
                  g.nodes.revenue[2] == 5 && g.nodes.revenue[3] == 12 && g.nodes.revenue[4] == 0);
            CHECK(csr_weight(&g, "a", "b") == 0.2 && csr_weight(&g, "b", "c") == 3);
            lp_graph_free(&g);
        }
    }
}

static void test_load_skip_bad_rows(void)
{
    static const char nodes[] = "id,type,revenue\n"
                                "a,employee,1\n"  /* 2 ok */
                                "b,account,-1\n"  /* 3 negative */
                                ",employee,\n"    /* 4 empty id */
                                "a,contact,\n"    /* 5 duplicate */
                                "c,account,abc\n" /* 6 malformed */
                                "d,account,7,x\n" /* 7 field count */
                                "e,account,\n";   /* 8 ok */
    static const char edges[] = "source,target,weight\n"
                                "a,e,1\n"     /* 2 ok */
                                "a,zz,1\n"    /* 3 unknown target */
                                "b,a,\n"      /* 4 unknown source (skipped node) */
                                "a,e,0\n"     /* 5 non-positive */
                                "a,e,x\n"     /* 6 malformed */
                                "a,e,1e999\n" /* 7 non-finite */
                                "e,a\n"       /* 8 field count */
                                "\xff,a,1\n"  /* 9 unknown source */
                                "e,a,2\n";    /* 10 ok, merged with line 2 */
    const char *np = write_text("nodes.csv", nodes);
    const char *ep = write_text("edges.csv", edges);
    FILE *warn = tmpfile();
    CHECK(warn != NULL);
    if (!warn) return;
    lp_load_options opt = LP_LOAD_OPTIONS_INIT;
    opt.skip_bad_rows = 1;
    opt.warn = warn;
    lp_graph g;
    lp_load_report rep;
    lp_status st = lp_graph_load_csv(&g, &rep, np, ep, &opt);
    CHECK(st == LP_OK);
    if (st) {
        fprintf(stderr, "load failed: %s\n", lp_error_message());
        fclose(warn);
        return;
    }
    CHECK(g.n == 2 && g.m == 1 && g.merged_duplicates == 1);
    CHECK(csr_weight(&g, "a", "e") == 3.0);
    CHECK(g.nodes.revenue[0] == 1.0);
    CHECK(rep.node_rows == 7 && rep.edge_rows == 9);
    CHECK(rep.skipped_rows == 12 && rep.unknown_id_rows == 3 && rep.unknown_ids == 3);
    CHECK_STR(lp_error_message(), ""); /* no stale message after success */
    lp_graph_free(&g);

    sbuf want = {NULL, 0, 0};
    sb_printf(&want, "warning: %s:3: field 'revenue': negative revenue \"-1\"\n", np);
    sb_printf(&want, "warning: %s:4: field 'id': empty id\n", np);
    sb_printf(&want,
              "warning: %s:5: field 'id': duplicate node id \"a\" (first defined on line 2)\n", np);
    sb_printf(&want, "warning: %s:6: field 'revenue': malformed number \"abc\"\n", np);
    sb_printf(&want, "warning: %s:7: expected 3 fields, found 4\n", np);
    sb_printf(&want, "warning: %s:3: field 'target': unknown node id \"zz\"\n", ep);
    sb_printf(&want, "warning: %s:4: field 'source': unknown node id \"b\"\n", ep);
    sb_printf(&want, "warning: %s:5: field 'weight': non-positive weight \"0\"\n", ep);
    sb_printf(&want, "warning: %s:6: field 'weight': malformed number \"x\"\n", ep);
    sb_printf(&want, "warning: %s:7: field 'weight': non-finite weight \"1e999\"\n", ep);
    sb_printf(&want, "warning: 2 more rows skipped\n");
    sb_printf(&want, "warning: skipped 3 edge rows naming 3 unknown ids: \"zz\" (1 row), \"b\" "
                     "(1 row), \"\\xff\" (1 row)\n");
    char got[8192];
    rewind(warn);
    size_t n = fread(got, 1, sizeof got - 1, warn);
    got[n] = '\0';
    CHECK_STR(got, want.s);
    fclose(warn);
    free(want.s);

    /* Without skip_bad_rows the first bad row is fatal. */
    EXPECT_LOAD_ERROR(nodes, edges, "nodes.csv:3: field 'revenue': negative revenue \"-1\"");

    /* Skipping with no warn stream is silent and still counts. */
    opt.warn = NULL;
    np = write_text("nodes.csv", "id,type\nx,t\nx,t\n");
    ep = write_text("edges.csv", "source,target\nx,y\nx,x\n");
    st = lp_graph_load_csv(&g, &rep, np, ep, &opt);
    CHECK(st == LP_OK);
    if (!st) {
        CHECK(rep.skipped_rows == 2 && g.n == 1 && g.m == 0 && g.dropped_self_loops == 1);
        lp_graph_free(&g);
    }
}

/* ---- input diagnostics -------------------------------------------------- */

/* nodes.csv (bytes) + GOODE must fail with dir + "/nodes.csv" + suffix;
 * written gzip-compressed as well when gz. */
static void expect_nodes_bytes_error_at(int line, const char *data, size_t len, int gz, int reader,
                                        const char *suffix)
{
    const char *np = gz ? write_gz("nodes.csv.gz", data, len) : write_bytes("nodes.csv", data, len);
    const char *ep = write_text("edges.csv", GOODE);
    lp_graph g;
    lp_error_clear();
    lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
    if (st != LP_EINPUT) {
        fprintf(stderr, "%s:%d: expected LP_EINPUT, got %d (%s)\n", __FILE__, line, (int)st,
                lp_error_message());
        failures++;
        if (st == LP_OK) lp_graph_free(&g);
        return;
    }
    char want[1024];
    snprintf(want, sizeof want, "%s%s", np, suffix);
    check_str_at(line, lp_error_message(), want);
    /* the streaming reader (scenario files) says the same */
    if (!gz && reader) {
        lp_csv_reader *r = NULL;
        int more = 1;
        st = lp_csv_open(&r, np);
        while (!st && more)
            st = lp_csv_next(r, &more);
        lp_csv_close(r);
        if (st != LP_EINPUT) {
            fprintf(stderr, "%s:%d: reader: expected LP_EINPUT, got %d\n", __FILE__, line, (int)st);
            failures++;
        }
        check_str_at(line, lp_error_message(), want);
    }
}
#define EXPECT_NODES_BYTES_ERROR(data, suffix)                                                     \
    do {                                                                                           \
        expect_nodes_bytes_error_at(__LINE__, (data), sizeof(data) - 1, 0, 1, (suffix));           \
        expect_nodes_bytes_error_at(__LINE__, (data), sizeof(data) - 1, 1, 1, (suffix));           \
    } while (0)
/* an error of the loader only (the records themselves are fine) */
#define EXPECT_NODES_BYTES_LOAD_ERROR(data, suffix)                                                \
    expect_nodes_bytes_error_at(__LINE__, (data), sizeof(data) - 1, 0, 0, (suffix))

#define UTF16_MSG(how)                                                                             \
    ": looks like UTF-16 text (" how "), not UTF-8: save it as CSV UTF-8, or convert it, e.g. "    \
    "iconv -f UTF-16 -t UTF-8"

/* Files that are not CSV text: UTF-16, zip, .xls, HDF5, each named. */
static void test_load_not_csv(void)
{
    EXPECT_NODES_BYTES_ERROR("\xFF\xFEi\0d\0,\0t\0y\0p\0e\0\n\0",
                             UTF16_MSG("byte order mark FF FE"));
    EXPECT_NODES_BYTES_ERROR("\xFE\xFF\0i\0d\0,\0t\0y\0p\0e\0\n",
                             UTF16_MSG("byte order mark FE FF"));
    EXPECT_NODES_BYTES_ERROR("\xFF\xFE", UTF16_MSG("byte order mark FF FE"));
    EXPECT_NODES_BYTES_ERROR("i\0d\0,\0t\0y\0p\0e\0\n\0a\0,\0b\0\n\0",
                             UTF16_MSG("NUL bytes after the characters: little-endian"));
    EXPECT_NODES_BYTES_ERROR("\0i\0d\0,\0t\0y\0p\0e\0\n\0a\0,\0b\0\n",
                             UTF16_MSG("NUL bytes before the characters: big-endian"));
    /* UTF-16 of non-Latin text has few NULs: still found by the BOM */
    EXPECT_NODES_BYTES_ERROR("\xFF\xFE\x71\x67\xAC\x4E", UTF16_MSG("byte order mark FF FE"));
    EXPECT_NODES_BYTES_ERROR("PK\x03\x04\x14\0\0\0\x08\0",
                             ": is a zip archive, not a CSV file (an Excel .xlsx workbook is one): "
                             "export the sheet as CSV UTF-8, or unzip the archive");
    EXPECT_NODES_BYTES_ERROR(
        "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0",
        ": is an OLE2 compound file (an Excel .xls workbook?), not a CSV file: "
        "export the sheet as CSV UTF-8");
    EXPECT_NODES_BYTES_ERROR("\x89HDF\r\n\x1a\n\0\0\0\0",
                             ": is an HDF5 file, not a CSV file: a graph store is analyzed on its "
                             "own (linchpin analyze GRAPH.h5 -o RESULTS.h5), a results file is "
                             "read with linchpin summary RESULTS.h5");
    /* not one of those: NULs everywhere, a lone NUL in an id, "PK" text */
    EXPECT_NODES_BYTES_LOAD_ERROR("\0\0\0\0\0\0\0\0\0\0",
                                  ":1: missing required columns 'id', 'type' (found: "
                                  "'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00')");
    EXPECT_NODES_BYTES_LOAD_ERROR("id,type\nab\0c,x\n",
                                  ":2: field 'id': NUL byte in id \"ab\\x00c\"");
    EXPECT_NODES_BYTES_LOAD_ERROR("PK,type\n",
                                  ":1: missing required column 'id' (found: 'PK', 'type')");
    /* the edges file too */
    EXPECT_LOAD_ERROR(GOODN, "\xFF\xFEs\0", "edges.csv" UTF16_MSG("byte order mark FF FE"));
}

/* Header diagnostics: every missing column, the header found, the close
 * names, another separator; columns with empty names are ignored. */
static void test_load_header(void)
{
    EXPECT_LOAD_ERROR("Id,Type,Name,AnnualRevenue\n1,company,A,\n", GOODE,
                      "nodes.csv:1: missing required columns 'id', 'type' (found: 'Id', 'Type', "
                      "'Name', 'AnnualRevenue'; did you mean 'Id' for 'id', 'Type' for 'type'?)");
    EXPECT_LOAD_ERROR(" ID ,type\n", GOODE,
                      "nodes.csv:1: missing required column 'id' (found: ' ID ', 'type'; did you "
                      "mean ' ID ' for 'id'?)");
    EXPECT_LOAD_ERROR("Node_ID,id_x,TYPE\n", GOODE,
                      "nodes.csv:1: missing required columns 'id', 'type' (found: 'Node_ID', "
                      "'id_x', 'TYPE'; did you mean 'TYPE' for 'type'?)");
    EXPECT_LOAD_ERROR(GOODN, "Source,TARGET,Weight\n",
                      "edges.csv:1: missing required columns 'source', 'target' (found: 'Source', "
                      "'TARGET', 'Weight'; did you mean 'Source' for 'source', 'TARGET' for "
                      "'target'?)");
    EXPECT_LOAD_ERROR(GOODN, "from,to\n",
                      "edges.csv:1: missing required columns 'source', 'target' (found: 'from', "
                      "'to')");
    EXPECT_LOAD_ERROR(GOODN, "\"source \",\"tar-get\"\n",
                      "edges.csv:1: missing required columns 'source', 'target' (found: 'source ', "
                      "'tar-get'; did you mean 'source ' for 'source', 'tar-get' for 'target'?)");
    EXPECT_LOAD_ERROR("identifier\nx\n", GOODE,
                      "nodes.csv:1: missing required columns 'id', 'type' (found: 'identifier')");
    /* another separator */
    EXPECT_LOAD_ERROR(
        "id;type;revenue\na;company;1\n", GOODE,
        "nodes.csv:1: missing required columns 'id', 'type' (found one column, "
        "'id;type;revenue': the file looks semicolon-separated; try --delimiter ';')");
    EXPECT_LOAD_ERROR("\xEF\xBB\xBFid\ttype\n", GOODE,
                      "nodes.csv:1: missing required columns 'id', 'type' (found one column, "
                      "'id\\x09type': the file looks tab-separated; try --delimiter tab)");
    EXPECT_LOAD_ERROR(GOODN, "source|target\n",
                      "edges.csv:1: missing required columns 'source', 'target' (found one column, "
                      "'source|target': the file looks pipe-separated; try --delimiter '|')");
    EXPECT_LOAD_ERROR(GOODN, "source;target\tweight;type\n", /* the most frequent */
                      "edges.csv:1: missing required columns 'source', 'target' (found one column, "
                      "'source;target\\x09weight;type': the file looks semicolon-separated; try "
                      "--delimiter ';')");
    test_delim = ';';
    EXPECT_LOAD_ERROR("id,type\n", "source;target\n",
                      "nodes.csv:1: missing required columns 'id', 'type' (found one column, "
                      "'id,type': the file looks comma-separated; try --delimiter ',')");
    EXPECT_LOAD_ERROR("id;type\n", "source;target;Weight;weight;x\n", "nodes.csv: no nodes");
    test_delim = ',';
    /* a long header: the first names, then the count */
    {
        sbuf h = {NULL, 0, 0}, want = {NULL, 0, 0};
        sb_printf(&want, "nodes.csv:1: missing required columns 'id', 'type' (found: ");
        for (int i = 1; i <= 20; i++) {
            sb_printf(&h, "%scolumn%d", i > 1 ? "," : "", i);
            if (i <= 16) sb_printf(&want, "%s'column%d'", i > 1 ? ", " : "", i);
        }
        sb_printf(&h, "\n");
        sb_printf(&want, ", ... (20 columns))");
        expect_load_error_at(__LINE__, h.s, GOODE, 0, want.s);
        free(h.s);
        free(want.s);
    }

    /* empty names: ignored, however many (a spreadsheet's trailing commas) */
    {
        const char *np = write_text("nodes.csv", "id,type,,,revenue,\n"
                                                 "a,employee,,,,\n"
                                                 "b,account,x,,7,\n");
        const char *ep = write_text("edges.csv", ",source,,target,\n,a,,b,\n");
        lp_graph g;
        lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
        CHECK(st == LP_OK);
        if (!st) {
            CHECK(g.n == 2 && g.m == 1 && g.nodes.revenue[1] == 7.0);
            lp_graph_free(&g);
        } else {
            fprintf(stderr, "empty column names: %s\n", lp_error_message());
        }
    }
    /* still a row of another width is an error, and names still clash */
    EXPECT_LOAD_ERROR("id,type,,\na,employee,\n", GOODE, "nodes.csv:2: expected 4 fields, found 3");
    EXPECT_LOAD_ERROR("id,type,,x,x\n", GOODE,
                      "nodes.csv:1: field 'x': duplicate column (columns 4 and 5)");
}

/* --delimiter: ';' and tab, quoting as with ',' (a delimiter inside quotes
 * is data; a ',' is then plain data). */
static void test_load_delimiter(void)
{
    static const char nodes[] = "id;type;revenue;name\n"
                                "\"a;1\";employee;;\"Smith; J.\"\n"
                                "b,2;account;1.5;x,y\n"
                                "\"c\"\"3\";company;;\"two\nlines\"\n";
    static const char edges[] = "source;target;weight\r\n\"a;1\";b,2;2\r\nc\"3;b,2;\r\n";
    lp_load_options opt = LP_LOAD_OPTIONS_INIT;
    lp_graph g;
    lp_status st;
    {
        const char *np = write_text("nodes.csv", nodes);
        const char *ep = write_text("edges.csv", edges);
        opt.delimiter = ';';
        st = lp_graph_load_csv(&g, NULL, np, ep, &opt);
        CHECK(st == LP_EINPUT); /* c"3 is a quote inside an unquoted field */
        if (!st) lp_graph_free(&g);
        char want[600];
        snprintf(want, sizeof want, "%s:3: field 'source': quote inside unquoted field", ep);
        CHECK_STR(lp_error_message(), want);
        np = write_text("nodes.csv", "id\ttype\n\"a\t1\"\temployee\nb;2\taccount\n");
        ep = write_text("edges.csv", "source\ttarget\n\"a\t1\"\tb;2\n");
        opt.delimiter = '\t';
        st = lp_graph_load_csv(&g, NULL, np, ep, &opt);
        CHECK(st == LP_OK);
        if (!st) {
            CHECK(g.n == 2 && g.m == 1 && csr_weight(&g, "a\t1", "b;2") == 1);
            lp_graph_free(&g);
        }
    }
    const char *np = write_text("nodes.csv", nodes);
    const char *ep = write_text("edges.csv", "source;target;weight\r\n\"a;1\";b,2;2\r\n"
                                             "\"c\"\"3\";b,2;\r\n\"c\"\"3\";\"a;1\";0.5\r\n");
    opt.delimiter = ';';
    st = lp_graph_load_csv(&g, NULL, np, ep, &opt);
    CHECK(st == LP_OK);
    if (!st) {
        CHECK(g.n == 3 && g.m == 3);
        CHECK(node_of(&g, "a;1") == 0 && node_of(&g, "b,2") == 1 && node_of(&g, "c\"3") == 2);
        CHECK(g.nodes.revenue[1] == 1.5);
        CHECK(csr_weight(&g, "a;1", "b,2") == 2 && csr_weight(&g, "c\"3", "b,2") == 1 &&
              csr_weight(&g, "a;1", "c\"3") == 0.5);
        lp_graph_free(&g);
    } else {
        fprintf(stderr, "';' load: %s\n", lp_error_message());
    }
    /* a decimal comma is not a number */
    test_delim = ';';
    EXPECT_LOAD_ERROR("id;type\na;x\nb;y\n", "source;target;weight\na;b;2,5\n",
                      "edges.csv:2: field 'weight': malformed number \"2,5\"");
    EXPECT_LOAD_ERROR("id;type\na;x\n", "source;target\na;b\"\n",
                      "edges.csv:2: field 'target': quote inside unquoted field");
    test_delim = '\t';
    EXPECT_LOAD_ERROR("id\ttype\na\tx\n", "source\ttarget\na\tzz\n",
                      "edges.csv:2: field 'target': unknown node id \"zz\"");
    test_delim = ',';
    opt.delimiter = '"';
    CHECK(lp_graph_load_csv(&g, NULL, np, ep, &opt) == LP_EUSAGE);
}

/* The caps, lowered to 64 bytes a field and 256 a record so that small
 * inputs reach them in every block split. */
static void test_load_caps(void)
{
    extern int64_t lp_i_csv_max_field, lp_i_csv_max_record;
    int64_t keep_field = lp_i_csv_max_field, keep_record = lp_i_csv_max_record;
    lp_i_csv_max_field = 64;
    lp_i_csv_max_record = 256;
    char f64[65], f65[66], q[200];
    memset(f64, 'x', 64);
    f64[64] = '\0';
    memset(f65, 'y', 65);
    f65[65] = '\0';
    sbuf n = {NULL, 0, 0};
#define FIELD_CAP                                                                                  \
    "longer than 64 bytes, the limit for a field (unterminated quote, or not a CSV file?)"
#define RECORD_CAP                                                                                 \
    "record longer than 256 bytes, the limit for a record (unterminated quote, or not a CSV "      \
    "file?)"

    /* a field: 64 bytes of value pass, 65 do not; quotes are not counted,
     * a "" pair counts as one byte */
    sb_printf(&n, "id,type,name\na,employee,%s\nb,account,\"%s\"\n", f64, f64);
    snprintf(q, sizeof q, "\"%.32s\"\"\"\"%.30s\"", f64, f64); /* 32 + 2 + 30 = 64 */
    sb_printf(&n, "c,account,%s\n", q);
    {
        const char *np = write_text("nodes.csv", n.s), *ep = write_text("edges.csv", GOODE);
        lp_graph g;
        lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
        CHECK(st == LP_OK);
        if (!st)
            lp_graph_free(&g);
        else
            fprintf(stderr, "64-byte fields: %s\n", lp_error_message());
    }
    n.len = 0;
    sb_printf(&n, "id,type,name\na,employee,x\n\nb,account,%s\n", f65);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:4: field 'name': " FIELD_CAP);
    expect_load_error_at(__LINE__, n.s, GOODE, 1, "nodes.csv:4: field 'name': " FIELD_CAP);
    n.len = 0;
    snprintf(q, sizeof q, "\"%.32s\"\"\"\"%.31s\"", f64, f64); /* 65 */
    sb_printf(&n, "id,type,name\na,employee,%s\n", q);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:2: field 'name': " FIELD_CAP);
    /* in the header: no names yet */
    n.len = 0;
    sb_printf(&n, "id,type,%s\n", f65);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:1: field 3: " FIELD_CAP);
    /* a quote left open: the field goes over, on the record's line */
    n.len = 0;
    sb_printf(&n, "id,type,name\na,employee,x\nb,account,\"open\n");
    for (int i = 0; i < 40; i++)
        sb_printf(&n, "c%d,t,n\n", i);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:3: field 'name': " FIELD_CAP);
    /* ... unless the input ends first */
    n.len = 0;
    sb_printf(&n, "id,type,name\na,employee,x\nb,account,\"open\nc,t,n\n");
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:3: field 'name': unterminated quote");

    /* a record: 256 bytes as written pass (line end not counted), 257 do
     * not, whatever the fields; the last record with no line end too */
    for (int extra = 0; extra < 2; extra++)
        for (int last = 0; last < 2; last++) {
            n.len = 0;
            sb_printf(&n, "id,type,a,b,c,d,e\r\nb,account,,,,,\r\n");
            size_t at = n.len;
            sb_printf(&n, "a,employee"); /* 10 bytes, then 5 x (1 + 48) = 245 */
            for (int k = 0; k < 5; k++)
                sb_printf(&n, ",%.48s", f64);
            /* 10 + 245 = 255: one more byte, or two */
            sb_printf(&n, "%s", extra ? "zz" : "z");
            CHECK(n.len - at == (size_t)(256 + extra));
            if (!last) sb_printf(&n, "\r\nc,account,,,,,\r\n");
            if (extra)
                expect_load_error_at(__LINE__, n.s, GOODE, 1, "nodes.csv:3: " RECORD_CAP);
            else {
                const char *np = write_text("nodes.csv", n.s), *ep = write_text("edges.csv", GOODE);
                lp_graph g;
                lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
                CHECK(st == LP_OK);
                if (!st)
                    lp_graph_free(&g);
                else
                    fprintf(stderr, "256-byte record: %s\n", lp_error_message());
            }
        }
    /* many short fields, in edges.csv, on a later line */
    n.len = 0;
    sb_printf(&n, "source,target\na,b\n\"b\nx\",a\n");
    for (int i = 0; i < 300; i++)
        sb_printf(&n, ",");
    sb_printf(&n, "\n");
    expect_load_error_at(__LINE__, GOODN, n.s, 1, "edges.csv:5: " RECORD_CAP);
    /* the first thing met in the record wins: a syntax error before the
     * cap, a field over its cap before the record over its own */
    n.len = 0;
    sb_printf(&n, "id,type,a,b,c,d,e\na,\"t\"x,%s,%s,%s,%s,%s\n", f64, f64, f64, f64, f64);
    expect_load_error_at(__LINE__, n.s, GOODE, 0,
                         "nodes.csv:2: field 'type': unexpected character after closing quote");
    n.len = 0;
    sb_printf(&n, "id,type,a,b,c,d,e\na,t,%s,x\"y,%s,%s,%s\n", f65, f64, f64, f64);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:2: field 'a': " FIELD_CAP);
    n.len = 0;
    sb_printf(&n, "id,type,a,b,c,d,e\na,t,%s,%s,%s,%s,%s,x\"y\n", f64, f64, f64, f64, f64);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:2: " RECORD_CAP);
    n.len = 0;
    sb_printf(&n, "id,type,a,b,c,d,e\na,t,%s,%s,x,y,%s%s\n", f64, f64, f64, f64);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:2: field 'e': " FIELD_CAP);
    /* ... (the same field further on: the record went over first) */
    n.len = 0;
    sb_printf(&n, "id,type,a,b,c,d,e\na,t,%s,%s,%s,x,%s%s\n", f64, f64, f64, f64, f64);
    expect_load_error_at(__LINE__, n.s, GOODE, 0, "nodes.csv:2: " RECORD_CAP);

    /* the streaming reader (scenario files): the same caps */
    EXPECT_READER_ERROR("a,b\nc,\""
                        "0123456789012345678901234567890123456789"
                        "01234567890123456789012345\n",
                        ":2: field 2: " FIELD_CAP);
    n.len = 0;
    sb_printf(&n, "x\n\n");
    for (int i = 0; i < 200; i++)
        sb_printf(&n, "ab,");
    expect_reader_error_at(__LINE__, n.s, ":3: " RECORD_CAP);
    free(n.s);
    lp_i_csv_max_field = keep_field;
    lp_i_csv_max_record = keep_record;
#undef FIELD_CAP
#undef RECORD_CAP
}

/* The real caps (1 MiB a field, 16 MiB a record) on generated inputs of a
 * few MiB, and /dev/zero: bounded memory, exit status 3 with the line. */
static void test_real_caps(void)
{
    const size_t mib = (size_t)1 << 20;
    sbuf n = {NULL, 0, 0};
    char *big = malloc(mib + 2);
    if (!big) exit(1);
    memset(big, 'v', mib + 1);
    big[mib + 1] = '\0';
    lp_graph g;
    /* 1 MiB of name: fine; one byte more: not */
    sb_printf(&n, "id,type,name\na,employee,x\nb,account,");
    sb_add(&n, big, mib);
    sb_printf(&n, "\nc,account,\"");
    sb_add(&n, big, mib);
    sb_printf(&n, "\"\n");
    const char *np = write_bytes("nodes.csv", n.s, n.len), *ep = write_text("edges.csv", GOODE);
    lp_status st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
    CHECK(st == LP_OK);
    if (!st) {
        CHECK(g.n == 3);
        lp_graph_free(&g);
    }
    sb_printf(&n, "d,account,\"");
    sb_add(&n, big, mib + 1);
    sb_printf(&n, "\"\n");
    np = write_bytes("nodes.csv", n.s, n.len);
    CHECK(lp_graph_load_csv(&g, NULL, np, ep, NULL) == LP_EINPUT);
    char want[600];
    snprintf(want, sizeof want,
             "%s:5: field 'name': longer than 1 MiB, the limit for a field (unterminated quote, or "
             "not a CSV file?)",
             np);
    CHECK_STR(lp_error_message(), want);
    /* an unterminated quote, then 4 MiB of rows */
    n.len = 0;
    sb_printf(&n, "id,type,name\na,employee,x\n\"b\nb\",account,\"oops\n");
    while (n.len < 4 * mib)
        sb_printf(&n, "c%zu,account,name\n", n.len);
    np = write_bytes("nodes.csv", n.s, n.len);
    CHECK(lp_graph_load_csv(&g, NULL, np, ep, NULL) == LP_EINPUT);
    snprintf(want, sizeof want,
             "%s:3: field 'name': longer than 1 MiB, the limit for a field (unterminated quote, or "
             "not a CSV file?)",
             np);
    CHECK_STR(lp_error_message(), want);
    /* 17 fields of 1 MiB: the record */
    n.len = 0;
    sb_printf(&n, "source,target");
    for (int k = 0; k < 17; k++)
        sb_printf(&n, ",x%d", k);
    sb_printf(&n, "\na,b");
    for (int k = 0; k < 17; k++) {
        sb_printf(&n, ",");
        sb_add(&n, big, mib);
    }
    sb_printf(&n, "\n");
    ep = write_bytes("edges.csv", n.s, n.len);
    CHECK(lp_graph_load_csv(&g, NULL, write_text("nodes.csv", GOODN), ep, NULL) == LP_EINPUT);
    snprintf(want, sizeof want,
             "%s:2: record longer than 16 MiB, the limit for a record (unterminated quote, or not "
             "a CSV file?)",
             ep);
    CHECK_STR(lp_error_message(), want);
    /* /dev/zero: no line end, no end */
    if (access("/dev/zero", R_OK) == 0) {
        ep = write_text("edges.csv", GOODE);
        CHECK(lp_graph_load_csv(&g, NULL, "/dev/zero", ep, NULL) == LP_EINPUT);
        CHECK_STR(lp_error_message(), "/dev/zero:1: field 1: longer than 1 MiB, the limit for a "
                                      "field (unterminated quote, or not a CSV file?)");
        lp_csv_reader *r = NULL;
        int more;
        CHECK(lp_csv_open(&r, "/dev/zero") == LP_OK);
        CHECK(r && lp_csv_next(r, &more) == LP_EINPUT);
        CHECK_STR(lp_error_message(), "/dev/zero:1: field 1: longer than 1 MiB, the limit for a "
                                      "field (unterminated quote, or not a CSV file?)");
        lp_csv_close(r);
    }
    free(big);
    free(n.s);
}

/* --skip-bad-rows: the unknown ids, most rows first, ties in order of
 * first mention, with the rows naming two counted for both. */
static void test_skip_unknown_ids(void)
{
    static const char edges[] = "source,target\n"
                                "x,a\n" /* first mentions: x y z w q r s */
                                "a,y\n"
                                "z,w\n"
                                "x,b\n"
                                "y,a\n"
                                "q,a\n"
                                "r,a\n"
                                "a,q\n"
                                "s,b\n"
                                "b,x\n"
                                "a,b\n";
    const char *np = write_text("nodes.csv", GOODN), *ep = write_text("edges.csv", edges);
    FILE *warn = tmpfile();
    if (!warn) {
        failures++;
        return;
    }
    lp_load_options opt = LP_LOAD_OPTIONS_INIT;
    opt.skip_bad_rows = 1;
    opt.warn = warn;
    lp_graph g;
    lp_load_report rep;
    lp_status st = lp_graph_load_csv(&g, &rep, np, ep, &opt);
    CHECK(st == LP_OK);
    if (!st) {
        CHECK(g.m == 1 && rep.skipped_rows == 10 && rep.unknown_id_rows == 10 &&
              rep.unknown_ids == 7);
        lp_graph_free(&g);
    }
    static char got[1 << 14];
    rewind(warn);
    got[fread(got, 1, sizeof got - 1, warn)] = '\0';
    fclose(warn);
    const char *last = strstr(got, "warning: skipped");
    CHECK_STR(last ? last : got, "warning: skipped 10 edge rows naming 7 unknown ids; most "
                                 "frequent: \"x\" (3 rows), \"y\" (2 rows), \"q\" (2 rows), \"z\" "
                                 "(1 row), \"w\" (1 row)\n");

    /* thousands, and one of each */
    sbuf e = {NULL, 0, 0};
    sb_printf(&e, "source,target\nb,zz\n");
    for (int i = 0; i < 1200; i++)
        sb_printf(&e, "%s\n", i % 2 ? "acme-42,a" : "\"acme-42\",\"b\"");
    sb_printf(&e, "a,b\nzz,b\nb,\"z\nz\"\n");
    ep = write_text("edges.csv", e.s);
    free(e.s);
    warn = tmpfile();
    if (!warn) {
        failures++;
        return;
    }
    opt.warn = warn;
    st = lp_graph_load_csv(&g, &rep, np, ep, &opt);
    CHECK(st == LP_OK);
    if (!st) {
        CHECK(rep.unknown_id_rows == 1203 && rep.unknown_ids == 3);
        lp_graph_free(&g);
    }
    rewind(warn);
    got[fread(got, 1, sizeof got - 1, warn)] = '\0';
    fclose(warn);
    last = strstr(got, "warning: skipped");
    CHECK_STR(last ? last : got,
              "warning: skipped 1,203 edge rows naming 3 unknown ids: "
              "\"acme-42\" (1,200 rows), \"zz\" (2 rows), \"z\\x0az\" (1 row)\n");
    /* nothing unknown: no such line; without skipping: the first row */
    opt.warn = NULL;
    st = lp_graph_load_csv(&g, &rep, np, write_text("edges.csv", GOODE), &opt);
    CHECK(st == LP_OK && rep.unknown_id_rows == 0 && rep.unknown_ids == 0);
    if (!st) lp_graph_free(&g);
}

/* lp_graph_types_text (engine): the types a warning lists. */
static void test_types_text(void)
{
    const char *np = write_text("nodes.csv", "id,type\na,company\nb,employee\nc,\"it's\ta\"\n"
                                             "d,company\ne,account\n");
    lp_graph g;
    lp_status st =
        lp_graph_load_csv(&g, NULL, np, write_text("edges.csv", "source,target\n"), NULL);
    CHECK(st == LP_OK);
    if (st) return;
    char buf[200];
    CHECK_STR(lp_graph_types_text(&g, buf, sizeof buf),
              "'company', 'employee', 'it's\\x09a', 'account'");
    /* cut: what fits with room for the count */
    CHECK_STR(lp_graph_types_text(&g, buf, 44), "'company', 'employee', ... (4 types)");
    CHECK_STR(lp_graph_types_text(&g, buf, 32), "'company', ... (4 types)");
    lp_graph_free(&g);
}

/* ---- block-parallel loader ---------------------------------------------- */

/* Every load test above runs again with tiny blocks and chunks at 1, 2 and
 * 8 threads (main). Below: generated inputs full of quoted multi-line
 * fields, CRLF / CR / LF, blank lines, a BOM, shuffled and extra columns,
 * loaded under several block and chunk sizes and thread counts, against a
 * graph built independently from the streaming record reader
 * (lp_csv_reader: its own state machine, byte by byte) and lp_graph_build;
 * errors injected at known lines with the messages written out here. */

static uint64_t gen_state;
static uint64_t gen_rnd(void)
{
    uint64_t z = (gen_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static int gen_below(int k)
{
    return (int)(gen_rnd() % (uint64_t)k);
}

/* A file being generated, with the physical line the next byte is on
 * (counted as the reader documents: CR, and LF not after CR). */
typedef struct gfile {
    sbuf b;
    int64_t line;
    int prev_cr;
} gfile;

static void g_add(gfile *g, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' || (s[i] == '\n' && !g->prev_cr)) g->line++;
        g->prev_cr = s[i] == '\r';
    }
    sb_add(&g->b, s, n);
}
static void g_str(gfile *g, const char *s)
{
    g_add(g, s, strlen(s));
}

/* The separator gen_pair writes. */
static char gen_delim[2] = ",";

/* One field: quoted when it must be (a separator, quote, CR, LF) or at
 * random; quotes doubled inside. Any of the separators the tests use is
 * quoted, so that one generator state gives the same values whatever the
 * separator. */
static void g_field(gfile *g, const char *v, int first)
{
    if (!first) g_str(g, gen_delim);
    int need = strpbrk(v, ",;\t\"\r\n") != NULL;
    if (!need && !gen_below(4)) need = 1;
    if (!need) {
        g_str(g, v);
        return;
    }
    g_str(g, "\"");
    for (const char *p = v; *p; p++)
        g_add(g, p, 1), *p == '"' ? g_add(g, p, 1) : (void)0;
    g_str(g, "\"");
}

/* End a record: LF, CRLF or a lone CR, sometimes blank lines after it. */
static void g_eol(gfile *g)
{
    static const char *eol[] = {"\n", "\r\n", "\r", "\n", "\r\n"};
    g_str(g, eol[gen_below(5)]);
    if (!gen_below(40)) g_str(g, gen_below(2) ? "\r\n\n" : "\n");
}

/* Node i's id: unique, often with separators, quotes, line ends, UTF-8. */
static void node_id(char *dst, size_t cap, int i)
{
    switch (i % 12) {
    case 1:
        snprintf(dst, cap, "n%d,x", i);
        break;
    case 2:
        snprintf(dst, cap, "q\"%d\"", i);
        break;
    case 3:
        snprintf(dst, cap, "multi\nline%d", i);
        break;
    case 4:
        snprintf(dst, cap, "crlf\r\n%d", i);
        break;
    case 5:
        snprintf(dst, cap, "\xC3\xBC-%d", i);
        break;
    case 6:
        snprintf(dst, cap, " sp %d ", i);
        break;
    case 7:
        snprintf(dst, cap, "cr\r%d", i);
        break;
    case 11:
        snprintf(dst, cap, "\"%d", i);
        break;
    default:
        snprintf(dst, cap, "n%d", i);
        break;
    }
}
/* node i's id renders unchanged in messages */
static int id_plain(int i)
{
    return i % 12 == 0 || i % 12 == 8 || i % 12 == 9 || i % 12 == 10;
}

typedef struct bad_rows {
    sbuf msg; /* expected warnings, in file order, "warning: " + path + suffix */
    int64_t count;
    int64_t unknown;   /* edge rows naming an unknown id (each a new one) */
    char first[5][64]; /* the first five of those ids */
} bad_rows;

static void expect_bad(bad_rows *bad, const char *path, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void expect_bad(bad_rows *bad, const char *path, int64_t line, const char *fmt, ...)
{
    char tail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tail, sizeof tail, fmt, ap);
    va_end(ap);
    if (bad->count < 10)
        sb_printf(&bad->msg, "warning: %s:%lld: %s\n", path, (long long)line, tail);
    bad->count++;
}

/* Generate nodes.csv and edges.csv (n nodes, m edge rows) into dirty, and
 * the same without the injected bad rows into clean (NULL: none injected;
 * bad_every: about one bad row in that many, after bad_from percent of the
 * rows). Warnings expected for the dirty pair are appended to *bad (paths
 * np, ep). */
static void gen_pair(gfile *dn, gfile *de, gfile *cn, gfile *ce, int n, int m, int bad_every,
                     int bad_from, bad_rows *bad, const char *np, const char *ep)
{
    static const char *types[] = {"company",      "employee",  "account", "contact",
                                  "partner, inc", "\"q\"type", "typ\nnl", "\xC3\xBCn\xC3\xAF"};
    static const char *revenue[] = {"",
                                    "0",
                                    "12",
                                    "1.5",
                                    "+3.",
                                    ".25",
                                    "1e3",
                                    "-0",
                                    "1E-2",
                                    "00012",
                                    "1e-400",
                                    "7",
                                    "123456789012345678901234",
                                    "0.1",
                                    "2.50",
                                    "100000000000000000000"};
    static const char *weight[] = {"", "1", "2.5", "1e2", "3.", "0.001", "7E1", "+4", "1"};
    gfile *nf[2] = {dn, cn}, *ef[2] = {de, ce};
    int64_t *def_line = calloc((size_t)n, sizeof *def_line);
    if (!def_line) exit(1);

    /* nodes: id, type and 0-3 of revenue, name, extra, shuffled */
    const char *ncol[5] = {"id", "type", "revenue", "name", "extra"};
    int nc = 2 + gen_below(4);
    for (int i = nc - 1; i > 0; i--) {
        int j = gen_below(i + 1);
        const char *t = ncol[i];
        ncol[i] = ncol[j];
        ncol[j] = t;
    }
    if (gen_below(2))
        for (int k = 0; k < 2; k++)
            if (nf[k]) g_str(nf[k], "\xEF\xBB\xBF");
    for (int k = 0; k < 2; k++)
        if (nf[k]) {
            for (int c = 0; c < nc; c++)
                g_field(nf[k], ncol[c], c == 0);
            g_eol(nf[k]);
        }
    int has_rev = 0;
    for (int c = 0; c < nc; c++)
        has_rev |= !strcmp(ncol[c], "revenue");
    char id[64], text[400], v[64];
    for (int i = 0; i < n; i++) {
        node_id(id, sizeof id, i);
        const char *type = types[gen_below(8)], *rev = revenue[gen_below(16)];
        int nl = gen_below(6) == 0 ? 1 + gen_below(300) : gen_below(12);
        for (int k = 0; k < nl; k++) /* names: long, with line ends and quotes */
            text[k] = "ab\n\"c, \r"[gen_below(8)];
        text[nl] = '\0';
        for (int k = 0; k < 2; k++) {
            if (!nf[k]) continue;
            if (k == 0) def_line[i] = nf[k]->line;
            for (int c = 0; c < nc; c++) {
                const char *col = ncol[c];
                g_field(nf[k],
                        !strcmp(col, "id")        ? id
                        : !strcmp(col, "type")    ? type
                        : !strcmp(col, "revenue") ? rev
                        : !strcmp(col, "name")    ? text
                                                  : "x",
                        c == 0);
            }
            g_eol(nf[k]);
        }
        /* a bad row after it, in the dirty file only */
        if (bad_every && i >= n / 100 * bad_from && !gen_below(bad_every)) {
            int64_t line = dn->line;
            int kind = gen_below(has_rev ? 5 : 3);
            int dup = gen_below(i + 1);
            if (kind == 1 && !id_plain(dup)) kind = 0;
            snprintf(v, sizeof v, "bad-%d", i);
            for (int c = 0; c < nc; c++) {
                const char *col = ncol[c];
                const char *val = !strcmp(col, "type") ? "t" : !strcmp(col, "revenue") ? "1" : "y";
                if (!strcmp(col, "id")) {
                    if (kind == 1) node_id(v, sizeof v, dup);
                    val = kind == 2 ? "" : v;
                }
                if (!strcmp(col, "revenue") && kind >= 3) val = kind == 3 ? "12x" : "-4";
                g_field(dn, val, c == 0);
            }
            if (kind == 0) g_str(dn, gen_delim), g_str(dn, "extra");
            g_eol(dn);
            if (kind == 0)
                expect_bad(bad, np, line, "expected %d fields, found %d", nc, nc + 1);
            else if (kind == 1)
                expect_bad(bad, np, line,
                           "field 'id': duplicate node id \"%s\" (first defined on line %lld)", v,
                           (long long)def_line[dup]);
            else if (kind == 2)
                expect_bad(bad, np, line, "field 'id': empty id");
            else if (kind == 3)
                expect_bad(bad, np, line, "field 'revenue': malformed number \"12x\"");
            else
                expect_bad(bad, np, line, "field 'revenue': negative revenue \"-4\"");
        }
    }
    if (gen_below(2)) /* sometimes no line end after the last record */
        for (int k = 0; k < 2; k++)
            if (nf[k] && nf[k]->b.len && nf[k]->b.s[nf[k]->b.len - 1] == '\n') {
                nf[k]->b.len--; /* the last line end is LF (or CRLF: a CR stays) */
                nf[k]->b.s[nf[k]->b.len] = '\0';
            }

    /* edges: source, target and 0-3 of weight, type, extra */
    const char *ecol[5] = {"source", "target", "weight", "type", "extra"};
    int ec = 2 + gen_below(4);
    for (int i = ec - 1; i > 0; i--) {
        int j = gen_below(i + 1);
        const char *t = ecol[i];
        ecol[i] = ecol[j];
        ecol[j] = t;
    }
    int has_w = 0;
    for (int c = 0; c < ec; c++)
        has_w |= !strcmp(ecol[c], "weight");
    if (gen_below(2))
        for (int k = 0; k < 2; k++)
            if (ef[k]) g_str(ef[k], "\xEF\xBB\xBF");
    for (int k = 0; k < 2; k++)
        if (ef[k]) {
            for (int c = 0; c < ec; c++)
                g_field(ef[k], ecol[c], c == 0);
            g_eol(ef[k]);
        }
    char s[64], t[64];
    for (int i = 0; i < m; i++) {
        int a = gen_below(n), b = gen_below(8) ? gen_below(n) : a; /* some self-loops */
        node_id(s, sizeof s, a);
        node_id(t, sizeof t, b);
        const char *w = weight[gen_below(9)];
        for (int k = 0; k < 2; k++) {
            if (!ef[k]) continue;
            for (int c = 0; c < ec; c++) {
                const char *col = ecol[c];
                g_field(ef[k],
                        !strcmp(col, "source")   ? s
                        : !strcmp(col, "target") ? t
                        : !strcmp(col, "weight") ? w
                        : !strcmp(col, "type")   ? types[gen_below(8)]
                                                 : "",
                        c == 0);
            }
            g_eol(ef[k]);
        }
        if (bad_every && i >= m / 100 * bad_from && !gen_below(bad_every)) {
            int64_t line = de->line;
            int kind = gen_below(has_w ? 7 : 4);
            snprintf(v, sizeof v, "zz-%d", i);
            const char *wv = kind == 4 ? "x1" : kind == 5 ? "0" : kind == 6 ? "1e999" : "2";
            for (int c = 0; c < ec; c++) {
                const char *col = ecol[c];
                const char *val = !strcmp(col, "source")   ? (kind == 1   ? ""
                                                              : kind == 3 ? v
                                                                          : "n0")
                                  : !strcmp(col, "target") ? (kind == 2 ? "" : "n8")
                                  : !strcmp(col, "weight") ? wv
                                                           : "t";
                g_field(de, val, c == 0);
            }
            if (kind == 0) g_str(de, gen_delim), g_str(de, "\"\"");
            g_eol(de);
            if (kind == 0)
                expect_bad(bad, ep, line, "expected %d fields, found %d", ec, ec + 1);
            else if (kind == 1)
                expect_bad(bad, ep, line, "field 'source': empty id");
            else if (kind == 2)
                expect_bad(bad, ep, line, "field 'target': empty id");
            else if (kind == 3) {
                expect_bad(bad, ep, line, "field 'source': unknown node id \"%s\"", v);
                if (bad->unknown < 5)
                    snprintf(bad->first[bad->unknown], sizeof bad->first[0], "%s", v);
                bad->unknown++;
            } else if (kind == 4)
                expect_bad(bad, ep, line, "field 'weight': malformed number \"x1\"");
            else if (kind == 5)
                expect_bad(bad, ep, line, "field 'weight': non-positive weight \"0\"");
            else
                expect_bad(bad, ep, line, "field 'weight': non-finite weight \"1e999\"");
        }
    }
    free(def_line);
}

/* ---- the reference: streaming reader + lp_graph_build ---------------- */

typedef struct ref_ids { /* id -> row, FNV-1a and linear probing */
    int64_t *slot;
    uint64_t cap;
} ref_ids;

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
    return h;
}

static int64_t ref_find(const ref_ids *t, const lp_nodes *nodes, const char *s, size_t len,
                        int insert_row)
{
    for (uint64_t i = fnv1a(s, len) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (t->slot[i] < 0) {
            if (insert_row >= 0) t->slot[i] = insert_row;
            return -1;
        }
        const char *k = lp_strtab_get(&nodes->id, t->slot[i]);
        if (strlen(k) == len && memcmp(k, s, len) == 0) return t->slot[i];
    }
}

static int64_t ref_column(lp_csv_reader *r, const char *name)
{
    for (int64_t i = 0; i < lp_csv_nfields(r); i++) {
        size_t len;
        if (!strcmp(lp_csv_field(r, i, &len), name)) return i;
    }
    return -1;
}

/* Load a valid pair with the record reader; 0 on success. */
static int ref_load(lp_graph *out, const char *np, const char *ep)
{
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    lp_csv_reader *r = NULL;
    int more = 0;
    if (lp_csv_open(&r, np) || lp_csv_next(r, &more) || !more) return 1;
    int64_t ci = ref_column(r, "id"), ct = ref_column(r, "type"), cr = ref_column(r, "revenue");
    nodes.has_revenue = cr >= 0;
    ref_ids ids = {NULL, 1u << 20};
    ids.slot = malloc(ids.cap * sizeof *ids.slot);
    if (!ids.slot) return 1;
    memset(ids.slot, 0xFF, ids.cap * sizeof *ids.slot);
    while (!lp_csv_next(r, &more) && more) {
        size_t il, tl, rl = 0;
        const char *id = lp_csv_field(r, ci, &il), *type = lp_csv_field(r, ct, &tl);
        const char *rev = cr >= 0 ? lp_csv_field(r, cr, &rl) : "";
        int32_t t = 0;
        while (t < nodes.type_name.count && strcmp(lp_strtab_get(&nodes.type_name, t), type))
            t++;
        if (t == nodes.type_name.count) lp_strtab_push(&nodes.type_name, type, tl);
        if (ref_find(&ids, &nodes, id, il, (int)nodes.id.count) >= 0) return 1;
        lp_nodes_push(&nodes, id, il, t, rl ? strtod(rev, NULL) : 0.0);
    }
    lp_csv_close(r);
    if (lp_csv_open(&r, ep) || lp_csv_next(r, &more) || !more) return 1;
    int64_t cs = ref_column(r, "source"), cd = ref_column(r, "target"),
            cw = ref_column(r, "weight");
    while (!lp_csv_next(r, &more) && more) {
        size_t sl, dl, wl = 0;
        const char *s = lp_csv_field(r, cs, &sl), *d = lp_csv_field(r, cd, &dl);
        const char *w = cw >= 0 ? lp_csv_field(r, cw, &wl) : "";
        int64_t a = ref_find(&ids, &nodes, s, sl, -1), b = ref_find(&ids, &nodes, d, dl, -1);
        if (a < 0 || b < 0) return 1;
        lp_edges_push(&edges, (lp_vid)a, (lp_vid)b, wl ? strtod(w, NULL) : 1.0);
    }
    lp_csv_close(r);
    free(ids.slot);
    return lp_graph_build(out, &nodes, &edges) != LP_OK;
}

/* The two graphs are identical: nodes in order (id, type name, revenue),
 * counts, and the CSR bit for bit. */
static int same_graph(const lp_graph *a, const lp_graph *b)
{
    if (a->n != b->n || a->m != b->m || a->merged_duplicates != b->merged_duplicates ||
        a->dropped_self_loops != b->dropped_self_loops ||
        a->nodes.has_revenue != b->nodes.has_revenue ||
        a->nodes.type_name.count != b->nodes.type_name.count)
        return 0;
    for (int64_t v = 0; v < a->n; v++)
        if (strcmp(lp_strtab_get(&a->nodes.id, v), lp_strtab_get(&b->nodes.id, v)) ||
            strcmp(lp_strtab_get(&a->nodes.type_name, a->nodes.type[v]),
                   lp_strtab_get(&b->nodes.type_name, b->nodes.type[v])) ||
            a->nodes.revenue[v] != b->nodes.revenue[v])
            return 0;
    if (memcmp(a->csr.offset, b->csr.offset, (size_t)(a->n + 1) * sizeof *a->csr.offset) ||
        memcmp(a->csr.adj, b->csr.adj, (size_t)(2 * a->m) * sizeof *a->csr.adj) ||
        memcmp(a->csr.weight, b->csr.weight, (size_t)(2 * a->m) * sizeof *a->csr.weight))
        return 0;
    return 1;
}

/* Block and chunk sizes the loader is run with. */
static const struct {
    int64_t block, chunk;
} split_sizes[] = {{256, 1}, {4096, 64}, {1 << 16, 1 << 10}, {0, 0} /* defaults */};
#define N_SPLIT (int)(sizeof split_sizes / sizeof *split_sizes)

static void set_split(int k)
{
    extern int64_t lp_i_csv_block_size, lp_i_csv_min_chunk;
    static int64_t def_block, def_chunk;
    if (!def_block) {
        def_block = lp_i_csv_block_size;
        def_chunk = lp_i_csv_min_chunk;
    }
    lp_i_csv_block_size = split_sizes[k].block ? split_sizes[k].block : def_block;
    lp_i_csv_min_chunk = split_sizes[k].chunk ? split_sizes[k].chunk : def_chunk;
}

static void set_threads(int t)
{
#ifdef _OPENMP
    omp_set_num_threads(t);
#else
    (void)t;
#endif
}

/* Progress calls seen: monotonic bytes, a first call with 0, a last call
 * with the total, never from inside a parallel region. */
typedef struct prog {
    int calls, bad;
    int64_t last_done, total[2], final[2];
    int started[2];
} prog;

static void on_progress(void *ctx, const char *role, int64_t done, int64_t total)
{
    prog *p = ctx;
    int k = strcmp(role, "edges") == 0;
    p->calls++;
#ifdef _OPENMP
    if (omp_in_parallel()) p->bad++;
#endif
    if (strcmp(role, "nodes") && strcmp(role, "edges")) p->bad++;
    if (!p->started[k]) {
        if (done != 0) p->bad++;
        p->started[k] = 1;
        p->last_done = 0;
        p->total[k] = total;
    }
    if (done < p->last_done || total != p->total[k] || (total >= 0 && done > total)) p->bad++;
    p->last_done = done;
    if (total >= 0 && done == total) p->final[k]++;
}

static const char *dump_gfile(const char *name, const gfile *g, int gz)
{
    return gz ? write_gz(name, g->b.s, g->b.len) : write_bytes(name, g->b.s, g->b.len);
}

/* Valid generated pairs: every split and thread count gives the reference
 * graph, plain and gzip, with the right report and progress calls. */
static void test_parallel_valid(void)
{
    static const int sizes[][2] = {{40, 150}, {600, 2500}, {3000, 12000}};
    static const int threads[] = {1, 2, 8};
    for (int s = 0; s < 3; s++) {
        gen_state = 1000 + (uint64_t)s;
        gfile n = {{NULL, 0, 0}, 1, 0}, e = {{NULL, 0, 0}, 1, 0};
        bad_rows bad = {{NULL, 0, 0}, 0, 0, {""}};
        sb_add(&n.b, "", 0);
        sb_add(&e.b, "", 0);
        gen_pair(&n, &e, NULL, NULL, sizes[s][0], sizes[s][1], 0, 0, &bad, NULL, NULL);
        const char *np = dump_gfile("pn.csv", &n, 0), *ep = dump_gfile("pe.csv", &e, 0);
        lp_graph ref;
        int rst = ref_load(&ref, np, ep);
        CHECK(rst == 0);
        if (rst) continue;
        CHECK(ref.n == sizes[s][0]);
        for (int gz = 0; gz < 2; gz++) {
            if (gz) {
                np = dump_gfile("pn.csv.gz", &n, 1);
                ep = dump_gfile("pe.csv.gz", &e, 1);
            }
            for (int k = s == 2; k < N_SPLIT; k++) /* 256-byte blocks: small inputs */
                for (int ti = 0; ti < 3; ti++) {
                    set_split(k);
                    set_threads(threads[ti]);
                    prog pr;
                    memset(&pr, 0, sizeof pr);
                    lp_load_options opt = LP_LOAD_OPTIONS_INIT;
                    opt.progress = on_progress;
                    opt.progress_ctx = &pr;
                    lp_graph g;
                    lp_load_report rep;
                    lp_status st = lp_graph_load_csv(&g, &rep, np, ep, &opt);
                    if (st) {
                        fprintf(stderr, "size %d gz %d split %d threads %d: %s\n", s, gz, k,
                                threads[ti], lp_error_message());
                        failures++;
                        continue;
                    }
                    int same = same_graph(&g, &ref);
                    if (!same)
                        fprintf(stderr, "size %d gz %d split %d threads %d: graph differs\n", s, gz,
                                k, threads[ti]);
                    CHECK(same);
                    CHECK(rep.node_rows == sizes[s][0] && rep.edge_rows == sizes[s][1]);
                    CHECK(rep.skipped_rows == 0);
                    CHECK(rep.nodes_file.crc32 == crc32_ref(n.b.s, n.b.len));
                    CHECK(rep.edges_file.crc32 == crc32_ref(e.b.s, e.b.len));
                    struct stat sb;
                    CHECK(stat(ep, &sb) == 0 && rep.edges_file.size == (int64_t)sb.st_size);
                    CHECK(pr.bad == 0 && pr.final[0] == 1 && pr.final[1] == 1);
                    CHECK(pr.calls >= 4);
                    lp_graph_free(&g);
                }
        }
        lp_graph_free(&ref);
        free(n.b.s);
        free(e.b.s);
    }
    set_split(N_SPLIT - 1);
    set_threads(2);
}

/* Bad rows injected at known lines: with skip_bad_rows the warnings (first
 * ten in file order, then the count) and the graph of the clean pair; without,
 * the first bad row's message. Every split and thread count. */
static void test_parallel_bad_rows(void)
{
    static const int threads[] = {1, 2, 8};
    for (int s = 0; s < 4; s++) {
        gen_state = 2000 + (uint64_t)s;
        gfile dn = {{NULL, 0, 0}, 1, 0}, de = dn, cn = dn, ce = dn;
        sb_add(&dn.b, "", 0);
        sb_add(&de.b, "", 0);
        sb_add(&cn.b, "", 0);
        sb_add(&ce.b, "", 0);
        bad_rows bad = {{NULL, 0, 0}, 0, 0, {""}};
        sb_add(&bad.msg, "", 0);
        const char *np = path_of("dn.csv"), *ep = path_of("de.csv");
        /* s = 3: bad rows only in the last tenth of the files: late chunks */
        int every = s == 0 ? 3 : s == 1 ? 40 : s == 2 ? 400 : 60;
        gen_pair(&dn, &de, &cn, &ce, 2000, 6000, every, s == 3 ? 90 : 0, &bad, np, ep);
        write_bytes("dn.csv", dn.b.s, dn.b.len);
        write_bytes("de.csv", de.b.s, de.b.len);
        const char *cnp = dump_gfile("cn.csv", &cn, 0), *cep = dump_gfile("ce.csv", &ce, 0);
        lp_graph ref;
        int rst = ref_load(&ref, cnp, cep);
        CHECK(rst == 0);
        if (rst) continue;
        if (bad.count > 10)
            sb_printf(&bad.msg, "warning: %lld more rows skipped\n", (long long)(bad.count - 10));
        if (bad.unknown) { /* every unknown id is named once: the first five, in order */
            char u[32];
            sb_printf(&bad.msg, "warning: skipped %s edge row%s", with_commas(u, bad.unknown),
                      bad.unknown > 1 ? "s" : "");
            sb_printf(&bad.msg, " naming %s unknown id%s%s", with_commas(u, bad.unknown),
                      bad.unknown > 1 ? "s" : "", bad.unknown > 5 ? "; most frequent: " : ": ");
            for (int i = 0; i < 5 && i < bad.unknown; i++)
                sb_printf(&bad.msg, "%s\"%s\" (1 row)", i ? ", " : "", bad.first[i]);
            sb_printf(&bad.msg, "\n");
        }
        for (int k = 0; k < N_SPLIT; k++)
            for (int ti = 0; ti < 3; ti++) {
                set_split(k);
                set_threads(threads[ti]);
                FILE *warn = tmpfile();
                CHECK(warn != NULL);
                if (!warn) return;
                lp_load_options opt = LP_LOAD_OPTIONS_INIT;
                opt.skip_bad_rows = 1;
                opt.warn = warn;
                lp_graph g;
                lp_load_report rep;
                lp_status st = lp_graph_load_csv(&g, &rep, np, ep, &opt);
                CHECK(st == LP_OK);
                if (st) {
                    fprintf(stderr, "skip s %d split %d threads %d: %s\n", s, k, threads[ti],
                            lp_error_message());
                    fclose(warn);
                    continue;
                }
                CHECK(same_graph(&g, &ref));
                CHECK(rep.skipped_rows == bad.count);
                lp_graph_free(&g);
                static char got[1 << 14];
                rewind(warn);
                size_t len = fread(got, 1, sizeof got - 1, warn);
                got[len] = '\0';
                fclose(warn);
                CHECK_STR(got, bad.msg.s);

                /* without skipping: the first bad row */
                lp_error_clear();
                st = lp_graph_load_csv(&g, &rep, np, ep, NULL);
                CHECK(st == (bad.count ? LP_EINPUT : LP_OK));
                if (!st) lp_graph_free(&g);
                if (bad.count) {
                    char want[600];
                    const char *nl = strchr(bad.msg.s, '\n');
                    snprintf(want, sizeof want, "%.*s", (int)(nl - bad.msg.s) - 9, bad.msg.s + 9);
                    CHECK_STR(lp_error_message(), want);
                }
            }
        lp_graph_free(&ref);
        free(dn.b.s);
        free(de.b.s);
        free(cn.b.s);
        free(ce.b.s);
        free(bad.msg.s);
    }
    set_split(N_SPLIT - 1);
    set_threads(2);
}

/* Generated pairs written with ';' and with tab: loaded with that
 * delimiter, the graph of the same pair written with ',' (the reference
 * reads that one), under every split and thread count. */
static void test_parallel_delimiters(void)
{
    static const int threads[] = {1, 2, 8};
    for (int d = 0; d < 2; d++) {
        gfile n[2], e[2];
        for (int k = 0; k < 2; k++) { /* k = 0: ',' */
            gen_state = 4000 + (uint64_t)d;
            gen_delim[0] = k ? (d ? '\t' : ';') : ',';
            memset(&n[k], 0, sizeof n[k]);
            memset(&e[k], 0, sizeof e[k]);
            n[k].line = e[k].line = 1;
            sb_add(&n[k].b, "", 0);
            sb_add(&e[k].b, "", 0);
            bad_rows none = {{NULL, 0, 0}, 0, 0, {""}};
            gen_pair(&n[k], &e[k], NULL, NULL, 600, 2500, 0, 0, &none, NULL, NULL);
        }
        gen_delim[0] = ',';
        const char *np = dump_gfile("cn.csv", &n[0], 0), *ep = dump_gfile("ce.csv", &e[0], 0);
        lp_graph ref;
        int rst = ref_load(&ref, np, ep);
        CHECK(rst == 0);
        if (rst) continue;
        CHECK(strcmp(n[0].b.s, n[1].b.s) != 0);
        np = dump_gfile("dn.csv", &n[1], 0);
        ep = dump_gfile("de.csv", &e[1], 0);
        for (int k = 0; k < N_SPLIT; k++)
            for (int ti = 0; ti < 3; ti++) {
                set_split(k);
                set_threads(threads[ti]);
                lp_load_options opt = LP_LOAD_OPTIONS_INIT;
                opt.delimiter = d ? '\t' : ';';
                lp_graph g;
                lp_status st = lp_graph_load_csv(&g, NULL, np, ep, &opt);
                CHECK(st == LP_OK);
                if (st) {
                    fprintf(stderr, "delimiter %d split %d threads %d: %s\n", d, k, threads[ti],
                            lp_error_message());
                    continue;
                }
                CHECK(same_graph(&g, &ref));
                lp_graph_free(&g);
                /* with ',': one column (missing columns), or a quoted name then ';' */
                st = lp_graph_load_csv(&g, NULL, np, ep, NULL);
                CHECK(st == LP_EINPUT);
                if (!st) lp_graph_free(&g);
            }
        lp_graph_free(&ref);
        for (int k = 0; k < 2; k++) {
            free(n[k].b.s);
            free(e[k].b.s);
        }
    }
    set_split(N_SPLIT - 1);
    set_threads(2);
}

/* 1 + the line ends in s[0..n) (CR, and LF not after CR): the line of s[n]. */
static int64_t line_at(const char *s, size_t n)
{
    int64_t line = 1;
    for (size_t i = 0; i < n; i++)
        line += s[i] == '\r' || (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'));
    return line;
}

/* Syntax errors late in a large file (in a later block and chunk): the
 * message must be the streaming reader's (with the header's names) and
 * name the line computed here. Fatal with and without skip_bad_rows. */
static void test_parallel_syntax(void)
{
    static const char *bad[] = {"\"x\"y,z\r\n", "ab\"c,d\n", "n0,\"open\r\n"};
    static const int threads[] = {1, 2, 8};
    gen_state = 3000;
    gfile n = {{NULL, 0, 0}, 1, 0}, e = n;
    bad_rows none = {{NULL, 0, 0}, 0, 0, {""}};
    sb_add(&n.b, "", 0);
    sb_add(&e.b, "", 0);
    gen_pair(&n, &e, NULL, NULL, 1500, 8000, 0, 0, &none, NULL, NULL);
    g_str(&e, "\n"); /* the last record has a line end */
    const char *np = dump_gfile("sn.csv", &n, 0);
    for (int b = 0; b < 3; b++) {
        /* the end of the record that ends past 60% of the file */
        lp_csv_reader *r = NULL;
        const char *vp = dump_gfile("se.csv", &e, 0);
        int more = 0;
        CHECK(lp_csv_open(&r, vp) == LP_OK);
        if (!r) return;
        while (lp_csv_next(r, &more) == LP_OK && more &&
               lp_csv_bytes(r) < (int64_t)e.b.len * 6 / 10) {
        }
        size_t at = b == 2 ? e.b.len : (size_t)lp_csv_bytes(r);
        lp_csv_close(r);
        sbuf t = {NULL, 0, 0};
        sb_add(&t, e.b.s, at);
        sb_add(&t, bad[b], strlen(bad[b]));
        if (b == 2) /* unterminated: only quote-free lines after it */
            for (int i = 0; i < 300; i++)
                sb_add(&t, "a,b\n", 4);
        else
            sb_add(&t, e.b.s + at, e.b.len - at);
        const char *ep = write_bytes("se.csv", t.s, t.len);
        int64_t line = line_at(t.s, at);

        /* the reader's message, with the header's names */
        char want[600] = "";
        CHECK(lp_csv_open(&r, ep) == LP_OK);
        CHECK(lp_csv_next(r, &more) == LP_OK && more && lp_csv_name_fields(r) == LP_OK);
        lp_status st;
        while ((st = lp_csv_next(r, &more)) == LP_OK && more) {
        }
        CHECK(st == LP_EINPUT);
        snprintf(want, sizeof want, "%s", lp_error_message());
        lp_csv_close(r);
        char at_line[32];
        snprintf(at_line, sizeof at_line, ":%lld: field ", (long long)line);
        CHECK(strstr(want, at_line) != NULL);
        CHECK(strstr(want, b == 0   ? "unexpected character after closing quote"
                           : b == 1 ? "quote inside unquoted field"
                                    : "unterminated quote") != NULL);

        for (int k = 0; k < N_SPLIT; k++)
            for (int ti = 0; ti < 3; ti++)
                for (int skip = 0; skip < 2; skip++) {
                    set_split(k);
                    set_threads(threads[ti]);
                    lp_load_options opt = LP_LOAD_OPTIONS_INIT;
                    opt.skip_bad_rows = skip;
                    lp_graph g;
                    lp_error_clear();
                    st = lp_graph_load_csv(&g, NULL, np, ep, &opt);
                    CHECK(st == LP_EINPUT);
                    if (!st) lp_graph_free(&g);
                    CHECK_STR(lp_error_message(), want);
                }
        free(t.s);
    }
    free(n.b.s);
    free(e.b.s);
    set_split(N_SPLIT - 1);
    set_threads(2);
}

/* A truncated .csv.gz: the rows before the cut still come first (a bad one
 * among them is the error), otherwise the read error. */
static void test_parallel_truncated_gzip(void)
{
    static const int threads[] = {1, 2, 8};
    for (int bad = 0; bad < 2; bad++) {
        sbuf e = {NULL, 0, 0};
        sb_printf(&e, "source,target\n%s", bad ? "a,zz\n" : "");
        for (int i = 0; i < 40000; i++)
            sb_printf(&e, "%s,%s\n", i % 3 ? "a" : "b", i % 7 ? "b" : "a");
        const char *gp = write_gz("trunc.csv.gz", e.s, e.len);
        FILE *f = fopen(gp, "rb");
        char *raw = malloc(e.len + 64);
        size_t n = f && raw ? fread(raw, 1, e.len + 64, f) : 0;
        if (f) fclose(f);
        CHECK(n > 100);
        write_bytes("trunc.csv.gz", raw, n / 2);
        const char *np = write_text("nodes.csv", GOODN);
        for (int k = 0; k < N_SPLIT; k++)
            for (int ti = 0; ti < 3; ti++) {
                set_split(k);
                set_threads(threads[ti]);
                lp_graph g;
                lp_status st = lp_graph_load_csv(&g, NULL, np, gp, NULL);
                CHECK(st == LP_EINPUT);
                if (!st) lp_graph_free(&g);
                char want[600];
                if (bad)
                    snprintf(want, sizeof want, "%s:2: field 'target': unknown node id \"zz\"", gp);
                else
                    snprintf(want, sizeof want, "%s: cannot read: truncated gzip data", gp);
                CHECK_STR(lp_error_message(), want);
            }
        free(raw);
        free(e.s);
    }
    set_split(N_SPLIT - 1);
    set_threads(2);
}

/* The loader's number parser (a fast path for plain decimals, strtod for
 * the rest) against strtod itself: bit-identical on random decimals of
 * every length, point position and sign, and on values at the fast path's
 * edges (2^53, 19 and 20 digits, 22 and 23 decimals). */
/* lp_i_crc32 against zlib's crc32 of the same bytes: every length to 1100
 * (short ones go to zlib, the rest through the 64-byte folds, the 16-byte
 * folds and a tail of every length), odd starts, continued from earlier
 * values, and a buffer of several MB, once of random bytes and once of
 * bytes all 0xFF (every bit of every lane set). */
static void test_crc32(void)
{
    size_t big = ((size_t)5 << 20) + 37;
    unsigned char *p = malloc(big + 16);
    CHECK(p != NULL);
    if (!p) return;
    for (size_t i = 0; i < big + 16; i++)
        p[i] = (unsigned char)gen_below(256);
    int bad = 0;
    for (int round = 0; round < 2; round++) {
        if (round) memset(p, 0xFF, big + 16);
        for (size_t len = 0; len <= 1100; len++) {
            size_t at = (size_t)gen_below(16);
            uint32_t start =
                len % 3 ? (uint32_t)gen_below(1 << 30) * 4u + (uint32_t)gen_below(4) : 0;
            uint32_t want = (uint32_t)crc32(start, p + at, (uInt)len);
            uint32_t got = lp_i_crc32(start, p + at, len);
            if (got != want && bad++ < 5)
                fprintf(stderr, "crc32 of %zu bytes at +%zu from %08x: %08x, zlib %08x\n", len, at,
                        start, got, want);
        }
        uint32_t want = (uint32_t)crc32(0, p + 3, (uInt)big), got = lp_i_crc32(0, p + 3, big);
        if (got != want && bad++ < 5)
            fprintf(stderr, "crc32 of %zu bytes: %08x, zlib %08x\n", big, got, want);
        /* in two pieces, the second continuing from the first */
        got = lp_i_crc32(lp_i_crc32(0, p + 3, 1000003), p + 3 + 1000003, big - 1000003);
        if (got != want && bad++ < 5)
            fprintf(stderr, "crc32 in two pieces: %08x, zlib %08x\n", got, want);
    }
    CHECK(bad == 0);
    free(p);
}

static void test_number_parser(void)
{
    static const char *edge[] = {"9007199254740992",
                                 "9007199254740993",
                                 "9007199254740991.5",
                                 "1234567890123456789",
                                 "12345678901234567890",
                                 "0.0000000000000000000001",
                                 "0.00000000000000000000001",
                                 "1.0000000000000000000000",
                                 "-0",
                                 "+0.",
                                 "0.1",
                                 "0.3",
                                 "123.456",
                                 "99999999999999999999999999"};
    int bad = 0;
    char buf[64];
    for (int i = 0; i < 200000 + (int)(sizeof edge / sizeof *edge); i++) {
        const char *t = buf;
        if (i < (int)(sizeof edge / sizeof *edge)) {
            t = edge[i];
        } else {
            int len = 1 + gen_below(24), point = gen_below(len + 3) - 1, o = 0;
            if (!gen_below(4)) buf[o++] = gen_below(2) ? '-' : '+';
            for (int k = 0; k < len; k++) {
                if (k == point) buf[o++] = '.';
                buf[o++] = (char)('0' + gen_below(10));
            }
            buf[o] = '\0';
        }
        double got = -1, want = strtod(t, NULL) + 0.0;
        int rc = lp_i_csv_parse_number(t, strlen(t), &got);
        if (rc != LP_I_NUM_OK || memcmp(&got, &want, sizeof got) != 0) {
            if (bad++ < 5) fprintf(stderr, "number %s: %.17g, strtod %.17g\n", t, got, want);
        }
    }
    CHECK(bad == 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/lp_test_csv_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_reader_line_ends();
    test_reader_quoting();
    test_reader_errors();
    test_reader_chunk_boundaries();
    test_reader_gzip();
    test_number_parser();
    test_crc32();
    /* the loader tests above under every split and thread count (the last
     * split is the default) */
    static const int threads[] = {1, 2, 8};
    for (int k = 0; k < N_SPLIT; k++)
        for (int t = 0; t < 3; t++) {
            set_split(k);
            set_threads(threads[t]);
            rmdir(path_of("subdir"));
            int before = failures;
            test_load_basic();
            test_load_many();
            test_load_file_errors();
            test_load_row_errors();
            test_load_skip_bad_rows();
            test_load_not_csv();
            test_load_header();
            test_load_delimiter();
            test_load_caps();
            test_skip_unknown_ids();
            if (failures > before)
                fprintf(stderr, "(the failures above: block %lld, chunk %lld, %d threads)\n",
                        (long long)split_sizes[k].block, (long long)split_sizes[k].chunk,
                        threads[t]);
        }
    test_parallel_valid();
    test_parallel_bad_rows();
    test_parallel_syntax();
    test_parallel_truncated_gzip();
    test_parallel_delimiters();
    test_types_text();
    test_write_roundtrip();
    for (int t = 1; t <= 2; t++) {
        set_threads(t);
        test_real_caps();
    }
    remove_fixtures();
    if (failures) {
        fprintf(stderr, "test_csv: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_csv: all checks passed\n");
    return 0;
}
