/* test_csv_fuzz.c — a self-contained, deterministic fuzz run of the CSV
 * reader and loader (no libFuzzer needed; the test command runs it under
 * AddressSanitizer + UndefinedBehaviorSanitizer, which is where a memory
 * bug would show).
 *
 * Inputs are built from CSV-significant fragments (quotes, commas, CR, LF,
 * BOM bytes, NUL, invalid and valid UTF-8, numbers of every spelling, known
 * and unknown ids) around a valid nodes/edges pair, then mutated byte-wise.
 * For every input the loader must either succeed, with a consistent graph
 * (ids unique, CSR symmetric with matching weights, merged + dropped + kept
 * = rows), or fail with LP_EINPUT and a one-line message that starts with
 * the file's path. Nothing else is acceptable. Also feeds the raw record
 * reader the same bytes and checks its line numbers never go backwards.
 *
 * The block-parallel loader is run twice per input: as usual (one block,
 * one chunk for inputs this small) and cut into 64-byte blocks and 1-byte
 * minimum chunks at 2 or 8 threads; both runs must agree exactly (status,
 * message, warnings, report, graph). A syntax error it reports must be the
 * one the streaming record reader (its own state machine, with the header's
 * names) reports for that file, and a successful load needs both files to
 * read cleanly with that reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp_csv.h"
#include "lp_graph.h"
#include "lp_test.h"

/* Loader block and chunk sizes (csvload.c), lowered for the second run. */
extern int64_t lp_i_csv_block_size, lp_i_csv_min_chunk;

static const char *FRAG[] = {
    ",",
    "\"",
    "\"\"",
    "\r\n",
    "\n",
    "\r",
    "\xEF\xBB\xBF",
    "a",
    "b",
    "c",
    "hq",
    "1",
    "2.5",
    "-3",
    "1e400",
    "nan",
    "0x10",
    " 7",
    "",
    "\xC3",
    "\xC3\xA9",
    "\xFF",
    "company",
    "employee",
    "account",
    "id",
    "type",
    "source",
    "target",
    "weight",
    "revenue",
    "\"a,b\"",
    "\"x\"\"y\"",
    "\"multi\nline\"",
    "\0",
};
#define NFRAG (sizeof FRAG / sizeof *FRAG)

static size_t frag_len(int i)
{
    /* "\0" is one byte; every other fragment is a C string */
    return FRAG[i][0] == '\0' && i == (int)NFRAG - 1 ? 1 : strlen(FRAG[i]);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* A random input: a valid file, fragments spliced in, a few bytes flipped. */
static size_t make_input(char *buf, size_t cap, const char *valid)
{
    size_t n = 0, vlen = strlen(valid);
    size_t cut = (size_t)rnd_below((int64_t)vlen + 1);
    memcpy(buf, valid, cut);
    n = cut;
    int splices = (int)rnd_below(6);
    for (int s = 0; s < splices && n + 32 < cap; s++) {
        int i = (int)rnd_below(NFRAG);
        size_t l = frag_len(i);
        memcpy(buf + n, FRAG[i], l);
        n += l;
    }
    size_t rest = vlen - cut;
    if (rnd_below(2) && n + rest < cap) {
        memcpy(buf + n, valid + cut, rest);
        n += rest;
    }
    int flips = (int)rnd_below(3);
    for (int f = 0; f < flips && n > 0; f++)
        buf[rnd_below((int64_t)n)] = (char)rnd();
    return n;
}

/* Every edge row read is kept, merged or dropped, unless skipped (skipped
 * counts rows of both files, so with skipping only bounds hold). */
static void check_graph(const lp_graph *g, const lp_load_report *rep, const char *what)
{
    const lp_csr *c = &g->csr;
    int64_t used = g->m + g->merged_duplicates + g->dropped_self_loops;
    CHECK(c->n == g->n && c->m == g->m, "%s: CSR size", what);
    CHECK(used <= rep->edge_rows && used >= rep->edge_rows - rep->skipped_rows &&
              (rep->skipped_rows > 0 || used == rep->edge_rows),
          "%s: %lld kept + %lld merged + %lld loops vs %lld rows, %lld skipped", what,
          (long long)g->m, (long long)g->merged_duplicates, (long long)g->dropped_self_loops,
          (long long)rep->edge_rows, (long long)rep->skipped_rows);
    for (lp_vid v = 0; v < c->n; v++)
        for (int64_t k = c->offset[v]; k < c->offset[v + 1]; k++) {
            lp_vid w = c->adj[k];
            CHECK(w != v && w >= 0 && w < c->n, "%s: bad neighbour", what);
            CHECK(k == c->offset[v] || c->adj[k - 1] < w, "%s: neighbours not ascending", what);
            int found = 0;
            for (int64_t j = c->offset[w]; j < c->offset[w + 1]; j++)
                found += c->adj[j] == v && c->weight[j] == c->weight[k];
            CHECK(found == 1, "%s: CSR not symmetric", what);
        }
    for (int64_t i = 0; i + 1 < g->n && i < 50; i++)
        for (int64_t j = i + 1; j < g->n && j < 50; j++)
            CHECK(strcmp(lp_strtab_get(&g->nodes.id, i), lp_strtab_get(&g->nodes.id, j)),
                  "%s: duplicate id", what);
}

/* The two loads gave the same graph. */
static int same_graph(const lp_graph *a, const lp_graph *b)
{
    if (a->n != b->n || a->m != b->m || a->merged_duplicates != b->merged_duplicates ||
        a->dropped_self_loops != b->dropped_self_loops ||
        a->nodes.type_name.count != b->nodes.type_name.count)
        return 0;
    for (int64_t v = 0; v < a->n; v++)
        if (strcmp(lp_strtab_get(&a->nodes.id, v), lp_strtab_get(&b->nodes.id, v)) ||
            a->nodes.type[v] != b->nodes.type[v] || a->nodes.revenue[v] != b->nodes.revenue[v])
            return 0;
    return !memcmp(a->csr.offset, b->csr.offset, (size_t)(a->n + 1) * sizeof *a->csr.offset) &&
           !memcmp(a->csr.adj, b->csr.adj, (size_t)(2 * a->m) * sizeof *a->csr.adj) &&
           !memcmp(a->csr.weight, b->csr.weight, (size_t)(2 * a->m) * sizeof *a->csr.weight);
}

/* One load: status, message, warnings (with skipping), report, graph. */
typedef struct outcome {
    lp_status st;
    char msg[1024];
    char warn[4096];
    lp_load_report rep;
    lp_graph g;
} outcome;

static void load(outcome *o, const char *np, const char *ep, int skip)
{
    lp_load_options opt = LP_LOAD_OPTIONS_INIT;
    opt.skip_bad_rows = skip;
    opt.warn = tmpfile();
    lp_error_clear();
    o->st = lp_graph_load_csv(&o->g, &o->rep, np, ep, &opt);
    snprintf(o->msg, sizeof o->msg, "%s", lp_error_message());
    o->warn[0] = '\0';
    if (opt.warn) {
        rewind(opt.warn);
        size_t n = fread(o->warn, 1, sizeof o->warn - 1, opt.warn);
        o->warn[n] = '\0';
        fclose(opt.warn);
    }
}

/* The streaming reader over a whole file, naming the fields after the
 * header: LP_OK, or its first error (message in msg). */
static lp_status read_all(const char *path, char *msg, size_t cap)
{
    lp_csv_reader *r = NULL;
    lp_status st = lp_csv_open(&r, path);
    int more = 1, first = 1;
    while (!st && more) {
        st = lp_csv_next(r, &more);
        if (!st && more && first) st = lp_csv_name_fields(r);
        first = 0;
    }
    if (st) snprintf(msg, cap, "%s", lp_error_message());
    lp_csv_close(r);
    return st;
}

int main(void)
{
    char dir[] = "/tmp/lp_csv_fuzz_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char np[64], ep[64];
    snprintf(np, sizeof np, "%s/nodes.csv", dir);
    snprintf(ep, sizeof ep, "%s/edges.csv", dir);
    const char *valid_nodes = "id,type,revenue\nhq,company,\na,employee,\nb,account,12.5\n"
                              "\"c,1\",account,3\n\"d\"\"x\",contact,\n";
    const char *valid_edges = "source,target,weight\nhq,a,1\na,b,2\na,\"c,1\",\nb,b,1\n"
                              "a,b,0.5\n\"d\"\"x\",hq,4\n";
    static char nb[4096], eb[4096];
    int ok = 0, bad = 0, syntax = 0;
    rng_state = 2026;
    for (int it = 0; it < 3000; it++) {
        int which = (int)rnd_below(3); /* 0: fuzz nodes, 1: edges, 2: both */
        size_t nl = which != 1 ? make_input(nb, sizeof nb, valid_nodes) : strlen(valid_nodes);
        size_t el = which != 0 ? make_input(eb, sizeof eb, valid_edges) : strlen(valid_edges);
        if (which == 1) memcpy(nb, valid_nodes, nl);
        if (which == 0) memcpy(eb, valid_edges, el);
        write_file(np, nb, nl);
        write_file(ep, eb, el);

        /* raw reader: records come out with non-decreasing line numbers */
        lp_csv_reader *r;
        if (lp_csv_open(&r, ep) == LP_OK) {
            int more = 1;
            int64_t last = 0;
            while (more && lp_csv_next(r, &more) == LP_OK && more) {
                CHECK(lp_csv_line(r) >= last, "iteration %d: line numbers went back", it);
                last = lp_csv_line(r);
                for (int64_t f = 0; f < lp_csv_nfields(r); f++) {
                    size_t len;
                    const char *s = lp_csv_field(r, f, &len);
                    CHECK(s && s[len] == '\0', "iteration %d: field not terminated", it);
                }
            }
            lp_csv_close(r);
        }

        static outcome o, o2;
        int skip = (int)rnd_below(2);
        int64_t block = lp_i_csv_block_size, chunk = lp_i_csv_min_chunk;
        load(&o, np, ep, skip);
        lp_i_csv_block_size = 64;
        lp_i_csv_min_chunk = 1;
        set_threads(it % 8 ? 2 : 8);
        load(&o2, np, ep, skip);
        lp_i_csv_block_size = block;
        lp_i_csv_min_chunk = chunk;
        set_threads(2);
        char what[64];
        snprintf(what, sizeof what, "iteration %d", it);
        CHECK(o.st == o2.st && !strcmp(o.msg, o2.msg) && !strcmp(o.warn, o2.warn),
              "%s: chunked load differs: %d [%s] vs %d [%s]", what, (int)o.st, o.msg, (int)o2.st,
              o2.msg);
        if (o.st == LP_OK) {
            ok++;
            check_graph(&o.g, &o.rep, what);
            if (o2.st == LP_OK)
                CHECK(same_graph(&o.g, &o2.g) && !memcmp(&o.rep, &o2.rep, sizeof o.rep),
                      "%s: chunked load gives another graph or report", what);
            char msg[1024];
            CHECK(!read_all(np, msg, sizeof msg) && !read_all(ep, msg, sizeof msg),
                  "%s: loaded, but the record reader fails: %s", what, msg);
            lp_graph_free(&o.g);
        } else {
            bad++;
            const char *msg = o.msg;
            CHECK(o.st == LP_EINPUT, "%s: status %d (%s)", what, (int)o.st, msg);
            CHECK((!strncmp(msg, np, strlen(np)) || !strncmp(msg, ep, strlen(ep))) &&
                      !strchr(msg, '\n'),
                  "%s: message does not start with the file or is not one line: %s", what, msg);
            if (strstr(msg, "quote")) { /* a syntax error: the reader's first error */
                char rmsg[1024] = "";
                const char *file = !strncmp(msg, np, strlen(np)) ? np : ep;
                CHECK(read_all(file, rmsg, sizeof rmsg) == LP_EINPUT && !strcmp(rmsg, msg),
                      "%s: loader [%s], record reader [%s]", what, msg, rmsg);
                syntax++;
            }
        }
        if (o2.st == LP_OK) lp_graph_free(&o2.g);
    }
    unlink(np);
    unlink(ep);
    rmdir(dir);
    /* The run must exercise both outcomes. */
    CHECK(ok > 100 && bad > 100 && syntax > 100, "only %d successes and %d failures (%d syntax)",
          ok, bad, syntax);
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_csv_fuzz: 3000 inputs, %d loaded, %d rejected cleanly (%d syntax errors), "
           "chunked loads identical\n",
           ok, bad, syntax);
    return 0;
}
