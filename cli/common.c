/* common.c — small helpers every linchpin command uses (lp_cli.h). */
#include "lp_cli.h"
#include "lp_cli_mpi.h"
#include "lp_text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int lp_cli_usage_error(const char *fmt, ...)
{
    /* The message quotes what the user typed: it is escaped as a whole
     * (control bytes, invalid UTF-8), so no argument can break the line or
     * send terminal escapes. */
    char msg[1024];
    va_list ap;
    /* Under mpirun every rank parses the same command line: rank 0 alone
     * reports the mistake, the others exit with the same status. */
    if (lp_cli_mpi_rank() != 0) return LP_EUSAGE;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("linchpin: ", stderr);
    lp_text_fput(stderr, msg, strlen(msg));
    fputs("\n(see 'linchpin --help')\n", stderr);
    return LP_EUSAGE;
}

int lp_cli_operand(const char *a, int *after_dashes)
{
    if (*after_dashes) return 1;
    if (!strcmp(a, "--")) {
        *after_dashes = 1;
        return -1;
    }
    return !(a[0] == '-' && a[1]);
}

int lp_cli_fail(lp_status st)
{
    /* library messages escape the values they quote when they are made */
    fprintf(stderr, "linchpin: %s\n", lp_error_message());
    if (st == LP_EUSAGE) fputs("(see 'linchpin --help')\n", stderr);
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

int lp_cli_parse_number(const char *s, double *out)
{
    char *end;
    /* plain decimal only: strtod alone would take " 1", "0x10", "inf" and "nan" */
    if (!((*s >= '0' && *s <= '9') || *s == '.') || s[strspn(s, "0123456789.eE+-")]) return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int lp_cli_parse_min_tie(const char *v, double *out)
{
    if (lp_cli_parse_number(v, out)) {
        lp_cli_usage_error("--min-tie: expected a non-negative finite number, got '%s'", v);
        return -1;
    }
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

/* Untrusted text goes through engine/lp_text.h, the project's one
 * escaping module. */
const char *lp_cli_text(char *dst, size_t cap, const char *s)
{
    if (!s) s = "";
    return lp_text_msg(dst, cap, s, strlen(s));
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
    if (!s) s = "";
    size_t len = strlen(s);
    char small[512],
        *buf = LP_TEXT_JSON_MAX(len) <= sizeof small ? small : malloc(LP_TEXT_JSON_MAX(len));
    if (!buf) {
        fputs("\"\"", f); /* out of memory: an empty string keeps the document valid */
        return;
    }
    fwrite(buf, 1, lp_text_json(buf, s, len), f);
    if (buf != small) free(buf);
}

int lp_cli_opt_output(int argc, char **argv, int *i, const char **out, const char *what)
{
    const char *a = argv[*i], *v;
    if (!strcmp(a, "-o"))
        v = *i + 1 < argc ? argv[++*i] : "";
    else if (!strncmp(a, "--output", 8))
        v = lp_cli_opt_value(argc, argv, i, "--output");
    else
        return 0;
    if (!v) return lp_cli_usage_error("unknown option '%s'", a), -1;
    if (!*v) return lp_cli_usage_error("%s needs %s", a, what), -1;
    *out = v;
    return 1;
}

int lp_cli_opt_threads(int argc, char **argv, int *i, int64_t *threads)
{
    const char *v = lp_cli_opt_value(argc, argv, i, "--threads");
    int64_t t;
    if (!v) return 0;
    if (lp_cli_parse_int64(v, 1, 4096, &t))
        return lp_cli_usage_error("--threads: expected a whole number from 1 to 4096, got '%s'", v),
               -1;
#ifdef _OPENMP
    omp_set_num_threads((int)t);
#endif
    if (threads) *threads = t;
    return 1;
}

int lp_cli_opt_progress(int argc, char **argv, int *i, int *on)
{
    const char *v = lp_cli_opt_value(argc, argv, i, "--progress");
    if (!v) return 0;
    if (!strcmp(v, "always") || !strcmp(v, "never"))
        *on = !strcmp(v, "always");
    else if (strcmp(v, "auto"))
        return lp_cli_usage_error("--progress: expected auto, always or never, got '%s'", v), -1;
    return 1;
}
