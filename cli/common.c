/* common.c — small helpers every linchpin command uses (lp_cli.h). */
#include "lp_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

int lp_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "linchpin: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'linchpin --help')\n");
    va_end(ap);
    return LP_EUSAGE;
}

int lp_cli_fail(lp_status st)
{
    fprintf(stderr, "linchpin: %s\n", lp_error_message());
    return st;
}

int lp_cli_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    /* strtoll alone would take " 5", "+5" and "\n5" */
    if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9'))) return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int lp_cli_parse_fraction(const char *s, double *out)
{
    char *end;
    /* plain decimal only: strtod alone would take " 0.1", "0x1p-4" and "nan" */
    if (!((*s >= '0' && *s <= '9') || *s == '.') || s[strspn(s, "0123456789.eE+-")]) return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0 && v < 1)) return -1;
    *out = v;
    return 0;
}

/* Option with a value: "--name VALUE" or "--name=VALUE". */
const char *lp_cli_opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) != 0) return NULL;
    if (argv[*i][len] == '=') return argv[*i] + len + 1;
    if (argv[*i][len] != '\0') return NULL;
    if (*i + 1 >= argc) return "";
    return argv[++*i];
}

/* Untrusted text for a terminal. A small stand-in for engine/lp_text.h's
 * lp_text_msg (the project's one escaping function, on another branch),
 * which replaces it when it lands on main: same rendering, no cut. */
static size_t utf8_len_at(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
        len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (len > avail) return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

const char *lp_cli_text(char *dst, size_t cap, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)u), o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = u[i] < 0x20 || u[i] == 0x7f ? 0 : utf8_len_at(u + i, n - i);
        size_t need = k ? k : 4;
        if (o + need + 4 > cap) { /* room for "..." and the NUL */
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (k) {
            memcpy(dst + o, u + i, k);
            o += k;
            i += k;
        } else {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[u[i] >> 4];
            dst[o++] = hex[u[i] & 15];
            i++;
        }
    }
    dst[o] = '\0';
    return dst;
}

const char *lp_cli_label(char *dst, size_t cap, const char *name, const char *id)
{
    char a[LP_CLI_TEXT_CAP], b[LP_CLI_TEXT_CAP];
    if (!name || !*name) return lp_cli_text(dst, cap, id);
    snprintf(dst, cap, "%s (%s)", lp_cli_text(a, sizeof a, name), lp_cli_text(b, sizeof b, id));
    return dst;
}

void lp_cli_json_string(FILE *f, const char *s)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)u);
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else {
            size_t k = utf8_len_at(u + i, n - i);
            if (k)
                fwrite(u + i, 1, k, f);
            else
                fputs("\\ufffd", f);
            i += k ? k : 1;
        }
    }
    fputc('"', f);
}
