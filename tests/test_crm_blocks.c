/* test_crm_blocks.c — the CRM import reads its exports with the CSV
 * loader's block reader (parallel chunks, merged in file order): the graph,
 * the report, the warnings and the error messages must not depend on how
 * the files are cut into blocks and chunks, nor on the thread count.
 *
 * Reference: one thread, the default block (every sample file in one block,
 * at most a few chunks). Against it: blocks of 256 bytes to 64 KiB and
 * chunks down to 1 byte at 1, 2 and 8 threads, on the shipped Salesforce
 * and HubSpot samples (data/crm-sample) and on a copy of the Salesforce
 * sample with bad rows planted in Task.csv (a file of edges only, whose
 * rows are done in the parallel chunks) and Contact.csv (a file with nodes,
 * done in the merge): skipped with --skip-bad-rows (same count, same
 * warnings with the same line numbers) and, without it, the same first
 * error. The line numbers themselves are checked against the planted rows.
 * Bad rows, a syntax error and a record over the cap in the middle of
 * Contact.csv, and references there to its own records: a file with nodes
 * has each block merged while the next is parsed, so the first error must
 * still be the first in the file.
 *
 * Out of memory: the k-th allocation made to fail (lp_alloc_fail_after) for
 * k spread over a whole import cut into small blocks and chunks: every
 * failure is LP_EINTERNAL "out of memory (...)" and nothing leaks (the
 * ASan build's LeakSanitizer checks at exit); at 1 thread, then at 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp_alloc.h"
#include "lp_crm.h"
#include "lp_graph.h"
#include "lp_test.h"

extern int64_t lp_i_csv_block_size, lp_i_csv_min_chunk;

typedef struct run {
    lp_status st;
    char msg[1024];
    char *warn; /* what went to the warning stream */
    lp_graph g;
    lp_crm_report rep;
} run;

static void run_free(run *r)
{
    if (!r->st) {
        lp_graph_free(&r->g);
        lp_crm_report_free(&r->rep);
    }
    free(r->warn);
}

static run import(const char *crm, const char *dir, int skip)
{
    run r;
    memset(&r, 0, sizeof r);
    lp_crm_mapping *m = NULL;
    if ((r.st = lp_crm_mapping_builtin(&m, crm))) { /* only when out of memory */
        snprintf(r.msg, sizeof r.msg, "%s", lp_error_message());
        r.warn = calloc(1, 1);
        return r;
    }
    FILE *w = tmpfile();
    lp_crm_options o = LP_CRM_OPTIONS_INIT;
    o.skip_bad_rows = skip;
    o.warn = w;
    r.st = lp_crm_import(&r.g, &r.rep, m, dir, &o);
    if (r.st) snprintf(r.msg, sizeof r.msg, "%s", lp_error_message());
    long len = ftell(w);
    r.warn = calloc((size_t)len + 1, 1);
    rewind(w);
    if (len > 0 && fread(r.warn, 1, (size_t)len, w) != (size_t)len) r.warn[0] = '\0';
    fclose(w);
    lp_crm_mapping_free(m);
    return r;
}

static int same_graph(const lp_graph *a, const lp_graph *b)
{
    if (a->n != b->n || a->m != b->m) return 0;
    for (int64_t i = 0; i < a->n; i++)
        if (strcmp(lp_strtab_get(&a->nodes.id, i), lp_strtab_get(&b->nodes.id, i)) ||
            strcmp(lp_strtab_get(&a->nodes.name, i), lp_strtab_get(&b->nodes.name, i)) ||
            a->nodes.type[i] != b->nodes.type[i] || a->nodes.revenue[i] != b->nodes.revenue[i])
            return 0;
    size_t arcs = (size_t)(2 * a->m);
    return !memcmp(a->csr.offset, b->csr.offset, (size_t)(a->n + 1) * sizeof *a->csr.offset) &&
           !memcmp(a->csr.adj, b->csr.adj, arcs * sizeof *a->csr.adj) &&
           !memcmp(a->csr.weight, b->csr.weight, arcs * sizeof *a->csr.weight);
}

static int same_report(const lp_crm_report *a, const lp_crm_report *b)
{
    if (a->csv_bytes != b->csv_bytes || a->as_of_day != b->as_of_day ||
        a->load.nodes_file.crc32 != b->load.nodes_file.crc32 ||
        a->load.node_rows != b->load.node_rows || a->load.edge_rows != b->load.edge_rows ||
        a->load.skipped_rows != b->load.skipped_rows || a->nfiles != b->nfiles)
        return 0;
    for (int i = 0; i < a->nfiles; i++) {
        const lp_crm_file_report *x = &a->files[i], *y = &b->files[i];
        if (x->rows != y->rows || x->bytes != y->bytes || x->nodes != y->nodes ||
            x->edges != y->edges || x->skipped_left != y->skipped_left ||
            x->skipped_unknown != y->skipped_unknown || x->bad_rows != y->bad_rows ||
            x->ncols != y->ncols)
            return 0;
        for (int k = 0; k < x->ncols; k++)
            if (x->unknown[k] != y->unknown[k]) return 0;
    }
    return 1;
}

/* Compare every cut and thread count against ref. */
static void against(const char *what, const char *crm, const char *dir, int skip, const run *ref)
{
    static const struct {
        int64_t block, chunk;
    } cuts[] = {{256, 1}, {1000, 64}, {4096, 1}, {65536, 4096}};
    static const int threads[] = {1, 2, 8};
    int64_t block = lp_i_csv_block_size, chunk = lp_i_csv_min_chunk;
    for (size_t c = 0; c < sizeof cuts / sizeof *cuts; c++)
        for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
            lp_i_csv_block_size = cuts[c].block;
            lp_i_csv_min_chunk = cuts[c].chunk;
            set_threads(threads[t]);
            run r = import(crm, dir, skip);
            lp_i_csv_block_size = block;
            lp_i_csv_min_chunk = chunk;
            const char *where = what;
            CHECK(r.st == ref->st, "%s block %lld chunk %lld threads %d: status %d, want %d (%s)",
                  where, (long long)cuts[c].block, (long long)cuts[c].chunk, threads[t], r.st,
                  ref->st, r.msg);
            CHECK(!strcmp(r.msg, ref->msg), "%s block %lld threads %d: message\n  %s\nwant\n  %s",
                  where, (long long)cuts[c].block, threads[t], r.msg, ref->msg);
            CHECK(!strcmp(r.warn, ref->warn), "%s block %lld threads %d: warnings\n%s\nwant\n%s",
                  where, (long long)cuts[c].block, threads[t], r.warn, ref->warn);
            if (!r.st && !ref->st) {
                CHECK(same_graph(&r.g, &ref->g), "%s block %lld threads %d: another graph", where,
                      (long long)cuts[c].block, threads[t]);
                CHECK(same_report(&r.rep, &ref->rep), "%s block %lld threads %d: another report",
                      where, (long long)cuts[c].block, threads[t]);
            }
            run_free(&r);
        }
    set_threads(1);
}

static void copy_file(const char *from, const char *to, const char *append)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) {
        perror(from);
        exit(1);
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    if (append) fputs(append, out);
    fclose(in);
    fclose(out);
}

/* Without skipping, dir fails with LP_EINPUT and a message holding want,
 * the same at every cut and thread count. */
static void failing(const char *what, const char *dir, const char *want)
{
    set_threads(1);
    run r = import("salesforce", dir, 0);
    CHECK(r.st == LP_EINPUT && strstr(r.msg, want) != NULL, "%s: %d '%s', want '%s'", what, r.st,
          r.msg, want);
    against(what, "salesforce", dir, 0, &r);
    run_free(&r);
}

/* The import of dir with bad rows skipped, at 1 thread: it must succeed
 * with `skipped` rows skipped (to be checked further, then against()). */
static run skipping(const char *what, const char *dir, int64_t skipped)
{
    set_threads(1);
    run r = import("salesforce", dir, 1);
    CHECK(r.st == LP_OK, "%s, skipping: %s", what, r.msg);
    if (!r.st)
        CHECK(r.rep.load.skipped_rows == skipped, "%s: %lld skipped, want %lld", what,
              (long long)r.rep.load.skipped_rows, (long long)skipped);
    return r;
}

/* r warned of want. */
static void warned(const char *what, const run *r, const char *want)
{
    CHECK(strstr(r->warn, want) != NULL, "%s: no warning with '%s' in\n%s", what, want, r->warn);
}

/* from to to, with insert after line `after` (1-based). */
static void copy_inserting(const char *from, const char *to, int64_t after, const char *insert)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) {
        perror(from);
        exit(1);
    }
    int64_t line = 1;
    for (int ch; (ch = fgetc(in)) != EOF;) {
        fputc(ch, out);
        if (ch == '\n' && line++ == after) fputs(insert, out);
    }
    fclose(in);
    fclose(out);
}

static int64_t count_lines(const char *path)
{
    FILE *f = fopen(path, "rb");
    int64_t n = 0;
    for (int ch; f && (ch = fgetc(f)) != EOF;)
        n += ch == '\n';
    if (f) fclose(f);
    return n;
}

int main(void)
{
    const char *src = getenv("LP_TEST_DIR");
    char sample[1024];
    snprintf(sample, sizeof sample, "%s/../data/crm-sample", src ? src : "tests");

    static const char *const crms[2] = {"salesforce", "hubspot"};
    for (int i = 0; i < 2; i++) {
        char dir[1200];
        snprintf(dir, sizeof dir, "%s/%s", sample, crms[i]);
        set_threads(1);
        run ref = import(crms[i], dir, 0);
        CHECK(ref.st == LP_OK, "%s sample: %s", crms[i], ref.msg);
        if (!ref.st)
            CHECK(ref.g.m > 1000, "%s sample: only %lld edges", crms[i], (long long)ref.g.m);
        against(crms[i], crms[i], dir, 0, &ref);
        run_free(&ref);
    }

    /* bad rows planted at the ends of Task.csv and Contact.csv */
    char tmp[] = "/tmp/lp_crm_blocks_XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return 1;
    }
    static const char *const files[] = {"User",        "Account", "Contact", "AccountTeamMember",
                                        "Opportunity", "Task",    "Event"};
    char from[1400], to[1400];
    int64_t task_lines = 0, contact_lines = 0;
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        snprintf(from, sizeof from, "%s/salesforce/%s.csv", sample, files[k]);
        snprintf(to, sizeof to, "%s/%s.csv", tmp, files[k]);
        const char *extra = NULL;
        if (!strcmp(files[k], "Task")) {
            task_lines = count_lines(from);
            extra = "\"00TBAD1\",\"\",\"\",\"\",\"2025-13-01\",\"Call\",\"Open\"\n"
                    "\"00TBAD2\",\"x\"\n"
                    "\"00TBAD3\",\"\",\"\",\"\",\"\",\"Call\",\"Open\"\n";
        }
        if (!strcmp(files[k], "Contact")) {
            contact_lines = count_lines(from);
            extra = "\"003BAD1\",\"A B\",\"\",\"\"\n";
        }
        copy_file(from, to, extra);
    }
    run ref = skipping("planted", tmp, 4);
    /* the warnings name the planted rows' lines (header = line 1) */
    char want[512];
    snprintf(want, sizeof want, "Contact.csv:%lld: expected", (long long)contact_lines + 1);
    warned("planted", &ref, want);
    snprintf(want, sizeof want, "Task.csv:%lld: field 'ActivityDate': malformed date",
             (long long)task_lines + 1);
    warned("planted", &ref, want);
    snprintf(want, sizeof want, "Task.csv:%lld: expected 7 fields, found 2",
             (long long)task_lines + 2);
    warned("planted", &ref, want);
    snprintf(want, sizeof want, "Task.csv:%lld: field 'ActivityDate': missing date",
             (long long)task_lines + 3);
    warned("planted", &ref, want);
    against("planted, skipping", "salesforce", tmp, 1, &ref);
    run_free(&ref);

    run fail = import("salesforce", tmp, 0);
    CHECK(fail.st == LP_EINPUT, "planted, failing: status %d", fail.st);
    snprintf(want, sizeof want, "Contact.csv:%lld: expected 5 fields, found 4",
             (long long)contact_lines + 1);
    CHECK(strstr(fail.msg, want) != NULL, "planted, failing: '%s', want '%s'", fail.msg, want);
    against("planted, failing", "salesforce", tmp, 0, &fail);
    run_free(&fail);

    /* bad rows and references to the file's own records in the middle of a
     * file with nodes: each of its blocks is merged while the next is
     * parsed (lp_i_blocks_client.overlap), so a row's references are looked
     * up as the rows just before it are added (those of the row before
     * may be seen or not: either way they are no record of the
     * reference's file); the failing row stops the merge with the next
     * block parsed */
    {
        snprintf(from, sizeof from, "%s/salesforce/Contact.csv", sample);
        snprintf(to, sizeof to, "%s/Contact.csv", tmp);
        const int64_t after = 451; /* contact 449's line; ids are 003 + 15 digits */
        copy_inserting(
            from, to, after,
            "\"003MID0001\",\"Self Ref\",\"003000000000000448\",\"\",\"\"\n"
            "\"003MID0002\",\"Owner Ref\",\"001000000000000000\",\"003000000000000449\",\"\"\n"
            "\"003000000000000010\",\"Dup Mid\",\"001000000000000000\",\"\",\"\"\n"
            "\"003MID0003\",\"Short\",\"001000000000000000\"\n"
            "\"003MID0004\",\"Ok After\",\"003MID0001\",\"\",\"\"\n");
        /* Task's 3 planted rows and these 2 (Contact.csv is the sample's here) */
        run mref = skipping("middle", tmp, 5);
        if (!mref.st) {
            /* Contact's slots: AccountId, OwnerId (the mapping's order) */
            const lp_crm_file_report *fr = &mref.rep.files[2];
            CHECK(fr->ncols == 2 && fr->unknown[0] == 2 && fr->unknown[1] == 1,
                  "middle: unknown references %lld, %lld; want 2, 1",
                  (long long)(fr->ncols > 0 ? fr->unknown[0] : -1),
                  (long long)(fr->ncols > 1 ? fr->unknown[1] : -1));
        }
        snprintf(want, sizeof want,
                 "Contact.csv:%lld: field 'Id': duplicate node id \"003000000000000010\" (first "
                 "defined in Contact.csv line 12)",
                 (long long)after + 3);
        warned("middle", &mref, want);
        snprintf(want, sizeof want, "Contact.csv:%lld: expected 5 fields, found 3",
                 (long long)after + 4);
        warned("middle", &mref, want);
        against("middle, skipping", "salesforce", tmp, 1, &mref);
        run_free(&mref);
        snprintf(want, sizeof want, "Contact.csv:%lld: field 'Id': duplicate node id",
                 (long long)after + 3);
        failing("middle, failing", tmp, want);

        /* a syntax error there: after the rows before it, skipped or not */
        copy_inserting(from, to, after,
                       "\"003000000000000010\",\"Dup Mid\",\"001000000000000000\",\"\",\"\"\n"
                       "\"003MID0001\",\"Bad \"quote\",\"001000000000000000\",\"\",\"\"\n");
        for (int skip = 0; skip <= 1; skip++) {
            set_threads(1);
            run sref = import("salesforce", tmp, skip);
            snprintf(want, sizeof want,
                     skip ? "Contact.csv:%lld: field 'Name': unexpected character after closing "
                            "quote"
                          : "Contact.csv:%lld: field 'Id': duplicate node id",
                     (long long)after + 2 - !skip);
            CHECK(sref.st == LP_EINPUT && strstr(sref.msg, want) != NULL,
                  "middle syntax, skip %d: %d '%s', want '%s'", skip, sref.st, sref.msg, want);
            against(skip ? "middle syntax, skipping" : "middle syntax, failing", "salesforce", tmp,
                    skip, &sref);
            run_free(&sref);
        }

        /* a record over the cap there (caps lowered): found as its block is
         * cut, with the block before not merged yet, yet after its rows */
        extern int64_t lp_i_csv_max_field, lp_i_csv_max_record;
        int64_t keep_field = lp_i_csv_max_field, keep_record = lp_i_csv_max_record;
        lp_i_csv_max_field = lp_i_csv_max_record = 1000;
        char *big = malloc(4096);
        if (!big) return 1;
        int len = snprintf(big, 4096,
                           "\"003000000000000010\",\"Dup Mid\",\"001000000000000000\",\"\","
                           "\"\"\n\"003MID0001\",\"");
        memset(big + len, 'x', 1500);
        snprintf(big + len + 1500, 4096 - (size_t)len - 1500,
                 "\",\"001000000000000000\",\"\",\"\"\n");
        copy_inserting(from, to, after, big);
        free(big);
        for (int skip = 0; skip <= 1; skip++) {
            set_threads(1);
            run cref = import("salesforce", tmp, skip);
            snprintf(want, sizeof want,
                     skip ? "Contact.csv:%lld: record longer than"
                          : "Contact.csv:%lld: field 'Id': duplicate node id",
                     (long long)after + 2 - !skip);
            CHECK(cref.st == LP_EINPUT && strstr(cref.msg, want) != NULL,
                  "middle, over the cap, skip %d: %d '%s', want '%s'", skip, cref.st, cref.msg,
                  want);
            against(skip ? "middle, over the cap, skipping" : "middle, over the cap, failing",
                    "salesforce", tmp, skip, &cref);
            run_free(&cref);
        }
        lp_i_csv_max_field = keep_field;
        lp_i_csv_max_record = keep_record;
    }

    /* a file with nodes whose rows grow long after its first blocks: its
     * tables, sized from the first block (crm_reserve), grow past that
     * size; with duplicate ids among the long rows (of a long row, and of
     * a sample row) and a long id (not a short one) referenced by nothing */
    {
        snprintf(from, sizeof from, "%s/salesforce/Contact.csv", sample);
        snprintf(to, sizeof to, "%s/Contact.csv", tmp);
        int64_t first = count_lines(from) + 1; /* the first appended row's line */
        size_t cap = 1 << 20, len = 0;
        char *extra = malloc(cap);
        if (!extra) return 1;
        char name[201];
        memset(name, 'n', 200);
        name[200] = '\0';
        for (int i = 0; i < 600; i++) {
            char id[64];
            if (i == 300)
                snprintf(id, sizeof id, "003LONG%04d-%s", 17, "long-enough-to-be-interned");
            else if (i == 450)
                snprintf(id, sizeof id, "003000000000000001");
            else
                snprintf(id, sizeof id, "003LONG%04d-%s", i, "long-enough-to-be-interned");
            len += (size_t)snprintf(extra + len, cap - len,
                                    "\"%s\",\"%s %d\",\"001000000000000000\",\"\",\"\"\n", id,
                                    name + (i % 150), i);
        }
        copy_file(from, to, extra);
        free(extra);
        run gref = skipping("grown", tmp, 5); /* Task's 3 and these 2 */
        snprintf(want, sizeof want,
                 "Contact.csv:%lld: field 'Id': duplicate node id \"003LONG0017-long-enough-to-be-"
                 "interned\" (first defined in Contact.csv line %lld)",
                 (long long)(first + 300), (long long)(first + 17));
        warned("grown", &gref, want);
        snprintf(want, sizeof want,
                 "Contact.csv:%lld: field 'Id': duplicate node id \"003000000000000001\" (first "
                 "defined in Contact.csv line 3)",
                 (long long)(first + 450));
        warned("grown", &gref, want);
        against("grown, skipping", "salesforce", tmp, 1, &gref);
        run_free(&gref);
        snprintf(want, sizeof want, "Contact.csv:%lld: field 'Id': duplicate node id",
                 (long long)(first + 300)); /* Task's planted rows come later */
        failing("grown, failing", tmp, want);
    }

    /* a department whose group node id is already a record's id (another
     * user's, or the row's own): a bad row, which adds no node */
    {
        snprintf(from, sizeof from, "%s/salesforce/Contact.csv", sample);
        snprintf(to, sizeof to, "%s/Contact.csv", tmp);
        copy_file(from, to, NULL);
        snprintf(from, sizeof from, "%s/salesforce/User.csv", sample);
        snprintf(to, sizeof to, "%s/User.csv", tmp);
        int64_t first = count_lines(from) + 1;
        copy_file(from, to,
                  "\"department:Zeta\",\"Zed Dept\",\"zed@example.com\",\"\",\"\",\"true\",\"X\"\n"
                  "\"005ZETA0001\",\"Zeta Two\",\"z2@example.com\",\"Zeta\",\"\",\"true\",\"Y\"\n"
                  "\"department:Self\",\"Self Group\",\"s@example.com\",\"Self\",\"\",\"true\","
                  "\"Y\"\n");
        run uref = skipping("group clash", tmp, 5); /* Task's 3 and these 2 */
        if (!uref.st) {
            int zed = 0, two = 0, self = 0;
            for (int64_t i = 0; i < uref.g.n; i++) {
                const char *id = lp_strtab_get(&uref.g.nodes.id, i);
                zed += !strcmp(id, "department:Zeta");
                two += !strcmp(id, "005ZETA0001");
                self += !strcmp(id, "department:Self");
            }
            CHECK(zed == 1 && two == 0 && self == 0,
                  "group clash: nodes department:Zeta %d (want 1), 005ZETA0001 %d, "
                  "department:Self %d (want 0: bad rows add nothing)",
                  zed, two, self);
        }
        snprintf(want, sizeof want,
                 "User.csv:%lld: field 'Department': group node id \"department:Zeta\" is already "
                 "the id of a record",
                 (long long)first + 1);
        warned("group clash", &uref, want);
        snprintf(want, sizeof want,
                 "User.csv:%lld: field 'Department': group node id \"department:Self\" is already "
                 "the id of a record",
                 (long long)first + 2);
        warned("group clash", &uref, want);
        against("group clash, skipping", "salesforce", tmp, 1, &uref);
        run_free(&uref);
        snprintf(want, sizeof want, "User.csv:%lld: field 'Department': group node id",
                 (long long)first + 1);
        failing("group clash, failing", tmp, want);
    }

    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        snprintf(to, sizeof to, "%s/%s.csv", tmp, files[k]);
        unlink(to);
    }
    rmdir(tmp);
    /* allocation failures, at 1 thread (a reproducible count), then at 2 */
    {
        char dir[1200];
        snprintf(dir, sizeof dir, "%s/hubspot", sample);
        int64_t block = lp_i_csv_block_size, chunk = lp_i_csv_min_chunk;
        lp_i_csv_block_size = 4096;
        lp_i_csv_min_chunk = 256;
        set_threads(1);
        lp_alloc_fail_after(-1);
        run full = import("hubspot", dir, 0);
        long total = lp_alloc_count();
        CHECK(full.st == LP_OK, "hubspot, small blocks: %s", full.msg);
        run_free(&full);
        long step = total / 150 > 0 ? total / 150 : 1;
        int failed = 0;
        for (long k = 0; k < total; k += k < 40 ? 1 : step) {
            lp_alloc_fail_after(k);
            run r = import("hubspot", dir, 0);
            lp_alloc_fail_after(-1);
            if (r.st != LP_OK) failed++;
            CHECK(r.st == LP_OK || (r.st == LP_EINTERNAL && !strncmp(r.msg, "out of memory", 13)),
                  "allocation %ld of %ld failing: status %d '%s'", k, total, r.st, r.msg);
            run_free(&r);
        }
        CHECK(failed > 40, "only %d of the failing allocations made the import fail", failed);
        /* and at 2 threads, where a block's merge runs with the next block's
         * parse (the allocations' order, and so which one fails, varies) */
        set_threads(2);
        failed = 0;
        for (long k = 0; k < total; k += k < 40 ? 1 : step) {
            lp_alloc_fail_after(k);
            run r = import("hubspot", dir, 0);
            lp_alloc_fail_after(-1);
            if (r.st != LP_OK) failed++;
            CHECK(r.st == LP_OK || (r.st == LP_EINTERNAL && !strncmp(r.msg, "out of memory", 13)),
                  "2 threads, allocation %ld of about %ld failing: status %d '%s'", k, total, r.st,
                  r.msg);
            run_free(&r);
        }
        CHECK(failed > 40, "2 threads: only %d of the failing allocations made the import fail",
              failed);
        set_threads(1);
        lp_i_csv_block_size = block;
        lp_i_csv_min_chunk = chunk;
    }

    if (failures) fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
