/* test_text.c — engine/lp_text.h, the one way to print untrusted text, and
 * its use in the scenario reader (issue 15 item 4):
 *  - lp_text_utf8_seq_len against a reference decoder written another way
 *    (code point arithmetic and the RFC 3629 ranges), on every 1- and
 *    2-byte string and on all 3- and 4-byte strings with lead bytes
 *    0xE0..0xF7 and chosen continuation bytes, plus random strings;
 *  - lp_text_msg / lp_text_fput / lp_text_json: exact outputs, written by
 *    hand, for newline, ESC, NUL, DEL, quotes, invalid UTF-8 and cut values;
 *  - scenario files and --leave values with newlines, ESC and NUL in names
 *    and ids: the exact one-line messages (before, the raw bytes went
 *    through and a NUL cut an id short: "e\0x" was reported as "e"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp_scenario_io.h"
#include "lp_test.h"
#include "lp_test_files.h"
#include "lp_text.h"

/* Reference: the code point of the sequence at s[0..n), its length in *k;
 * -1 if not a valid UTF-8 sequence. */
static long ref_decode(const unsigned char *s, size_t n, size_t *k)
{
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : c >> 5 == 6 ? 2 : c >> 4 == 14 ? 3 : c >> 3 == 30 ? 4 : 0;
    if (len == 0 || len > n) return -1;
    long cp = len == 1 ? (long)c : (long)(c & (0x7F >> len));
    for (size_t i = 1; i < len; i++) {
        if (s[i] >> 6 != 2) return -1;
        cp = cp * 64 + (s[i] & 0x3F);
    }
    static const long min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *k = len;
    return cp;
}

static void check_seq(const unsigned char *s, size_t n)
{
    size_t k = 0;
    long cp = ref_decode(s, n, &k);
    size_t got = lp_text_utf8_seq_len(s, n);
    size_t want = cp < 0 ? 0 : k;
    if (got != want) {
        CHECK(0, "utf8_seq_len of %02x %02x %02x %02x (n %zu): %zu, reference %zu", s[0],
              n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n, got, want);
    }
}

static void test_utf8(void)
{
    unsigned char s[4];
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        check_seq(s, 1);
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            check_seq(s, 2);
        }
    }
    static const unsigned char cont[] = {0x00, 0x7F, 0x80, 0x8F, 0x90,
                                         0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
    for (unsigned a = 0xE0; a < 0xF8; a++)
        for (size_t i = 0; i < sizeof cont; i++)
            for (size_t j = 0; j < sizeof cont; j++)
                for (size_t l = 0; l < sizeof cont; l++) {
                    s[0] = (unsigned char)a;
                    s[1] = cont[i];
                    s[2] = cont[j];
                    s[3] = cont[l];
                    check_seq(s, 3);
                    check_seq(s, 4);
                }
    /* whole strings: valid iff the reference walks them to the end */
    rng_state = 15;
    for (int t = 0; t < 20000; t++) {
        unsigned char buf[24];
        size_t n = (size_t)rnd_below(24);
        for (size_t i = 0; i < n; i++) /* mostly ASCII and continuation-heavy */
            buf[i] = (unsigned char)(rnd_below(3) ? rnd_below(128) : 0x80 + rnd_below(128));
        int ok = 1;
        for (size_t i = 0; i < n && ok;) {
            size_t k;
            if (ref_decode(buf + i, n - i, &k) < 0)
                ok = 0;
            else
                i += k;
        }
        CHECK(lp_text_utf8_valid((const char *)buf, n) == ok, "utf8_valid of random string %d", t);
    }
}

static void expect_msg(const char *in, size_t len, const char *want)
{
    char got[LP_TEXT_MSG_CAP];
    lp_text_msg(got, sizeof got, in, len);
    CHECK(!strcmp(got, want), "lp_text_msg: got [%s], want [%s]", got, want);
}

static void expect_json(const char *in, size_t len, const char *want)
{
    char *got = malloc(LP_TEXT_JSON_MAX(len) + 1);
    size_t n = lp_text_json(got, in, len);
    CHECK(n <= LP_TEXT_JSON_MAX(len), "lp_text_json wrote %zu bytes for %zu", n, len);
    got[n] = '\0';
    CHECK(n == strlen(want) && !memcmp(got, want, n), "lp_text_json: got [%s], want [%s]", got,
          want);
    free(got);
}

static void test_escape(void)
{
    expect_msg("plain id", 8, "plain id");
    expect_msg("a\nb", 3, "a\\x0ab");
    expect_msg("\x1b[31mred", 8, "\\x1b[31mred");
    expect_msg("e\0x", 3, "e\\x00x");
    expect_msg("del\x7f", 4, "del\\x7f");
    expect_msg("q\"b\\", 4, "q\\\"b\\\\");
    expect_msg("M\xc3\xbcller", 7, "M\xc3\xbcller");
    expect_msg("bad\xff\xc3", 5, "bad\\xff\\xc3");
    expect_msg("\xed\xa0\x80", 3, "\\xed\\xa0\\x80"); /* a surrogate */
    char longv[100];
    memset(longv, 'x', sizeof longv);
    char want[80];
    memset(want, 'x', 60);
    strcpy(want + 60, "...");
    expect_msg(longv, sizeof longv, want);

    expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_json("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
    expect_json("\x1b\0\x7f", 3, "\"\\u001b\\u0000\\u007f\"");
    expect_json("M\xc3\xbc\xff!", 5, "\"M\xc3\xbc\\ufffd!\"");
    expect_json("\xf0\x9f\x98\x80\xf0\x9f", 6, "\"\xf0\x9f\x98\x80\\ufffd\\ufffd\"");
    /* the worst case fits the bound */
    char worst[8] = {1, 2, 3, 4, 5, 6, 7, 0};
    expect_json(worst, 8, "\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0000\"");

    /* lp_text_fput: uncut, same escaping */
    char *big = malloc(3000);
    for (int i = 0; i < 1000; i++)
        memcpy(big + 3 * i, "a\nb", 3);
    FILE *f = tmpfile();
    long n = lp_text_fput(f, big, 3000);
    CHECK(n == 6000, "lp_text_fput wrote %ld bytes, want 6000", n);
    rewind(f);
    char *back = calloc(6001, 1);
    CHECK(fread(back, 1, 6000, f) == 6000, "lp_text_fput: short file");
    for (int i = 0; i < 1000; i++)
        if (memcmp(back + 6 * i, "a\\x0ab", 6)) {
            CHECK(0, "lp_text_fput: wrong bytes at %d", 6 * i);
            break;
        }
    fclose(f);
    free(back);
    free(big);
}

/* company acme, team t1 with employees e1 and e2 */
static lp_graph small_graph(void)
{
    static const char *types[] = {"company", "team", "employee"};
    static const char *ids[] = {"acme", "t1", "e1", "e2"};
    static const int type[] = {0, 1, 2, 2};
    lp_nodes nodes = LP_NODES_INIT;
    lp_edges edges = LP_EDGES_INIT;
    for (int t = 0; t < 3; t++)
        lp_strtab_push(&nodes.type_name, types[t], strlen(types[t]));
    for (int v = 0; v < 4; v++)
        lp_nodes_push(&nodes, ids[v], strlen(ids[v]), type[v], 0.0);
    lp_edges_push(&edges, 0, 1, 1.0);
    lp_edges_push(&edges, 1, 2, 1.0);
    lp_edges_push(&edges, 1, 3, 1.0);
    lp_graph g;
    lp_roles roles = LP_ROLES_INIT;
    if (lp_graph_build(&g, &nodes, &edges) || lp_graph_set_roles(&g, &roles)) abort();
    return g;
}

static void expect_file(const lp_graph *g, const char *path, const char *content, size_t len,
                        const char *want)
{
    lp_test_spit(path, content, len);
    lp_scenarios s = LP_SCENARIOS_INIT;
    lp_status st = lp_scenarios_read_csv(&s, path, g);
    char full[512];
    snprintf(full, sizeof full, "%s%s", path, want);
    CHECK(st == LP_EINPUT && !strcmp(lp_error_message(), full),
          "scenario file: status %d, message [%s], want [%s]", (int)st, lp_error_message(), full);
    CHECK(s.count == 0, "scenario file: scenarios added on failure");
    lp_scenarios_free(&s);
}

static void expect_leave(const lp_graph *g, const char *value, const char *want)
{
    lp_scenarios s = LP_SCENARIOS_INIT;
    lp_status st = lp_scenarios_from_list(&s, value, g);
    CHECK(st == LP_EINPUT && !strcmp(lp_error_message(), want),
          "--leave: status %d, message [%s], want [%s]", (int)st, lp_error_message(), want);
    lp_scenarios_free(&s);
}

static void test_scenario_messages(void)
{
    lp_graph g = small_graph();
    char path[64];
    snprintf(path, sizeof path, "/tmp/lp-test-text-%d.csv", (int)getpid());
    expect_file(&g, path, "s,e\0x\n", 6, ": unknown node id \"e\\x00x\" (line 1)");
    expect_file(&g, path, "s,e1\x1b[2J\n", 9, ": unknown node id \"e1\\x1b[2J\" (line 1)");
    expect_file(&g, path, "s,\"e1\nevil\"\n", 12, ": unknown node id \"e1\\x0aevil\" (line 1)");
    expect_file(&g, path, "a\0b,e1\n", 7, ":1: NUL byte in scenario name \"a\\x00b\"");
    expect_file(&g, path, "\"a\nb\",,\n", 8, ":1: scenario \"a\\x0ab\" names no one");
    expect_file(&g, path, "\x1b]0;x\x07,e1\n\x1b]0;x\x07,e2\n", 20,
                ":2: duplicate scenario name \"\\x1b]0;x\\x07\" (first on line 1)");
    expect_file(&g, path, "s,\xff\xfe\n", 5, ": unknown node id \"\\xff\\xfe\" (line 1)");
    expect_file(&g, path, "s,acme\xc3\n", 8, ": unknown node id \"acme\\xc3\" (line 1)");
    unlink(path);

    expect_leave(&g, "e1,\x1b[31mghost", "--leave: unknown node id \"\\x1b[31mghost\"");
    expect_leave(&g, "\"e1\nx\"", "--leave: unknown node id \"e1\\x0ax\"");
    expect_leave(&g, ",,", "--leave: scenario \",,\" names no one");
    expect_leave(&g, "\r\n,", "--leave: unknown node id \"\\x0d\\x0a\"");
    lp_graph_free(&g);
}

int main(void)
{
    test_utf8();
    test_escape();
    test_scenario_messages();
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("test_text: all checks passed\n");
    return 0;
}
