/* lp_cli.h — what the command files of the `linchpin` program share:
 * messages, exit statuses (lp_status values) and option parsing. The
 * commands only parse, call io/ and engine/, and print. */
#ifndef LP_CLI_H
#define LP_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lp_error.h"

/* "linchpin: <message>" and a pointer to --help on stderr; returns LP_EUSAGE. */
int lp_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "linchpin: <lp_error_message()>" on stderr (and the --help pointer for
 * LP_EUSAGE); returns st. */
int lp_cli_fail(lp_status st);
/* Whole number in [lo, hi], the whole string, decimal, no blanks or '+'; 0 or -1. */
int lp_cli_parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* Decimal number strictly between 0 and 1 (digits, '.', exponent; no blanks,
 * hex, inf or nan); 0 or -1. */
int lp_cli_parse_fraction(const char *s, double *out);
/* Decimal number >= 0, finite, same syntax as lp_cli_parse_fraction; 0 or -1. */
int lp_cli_parse_number(const char *s, double *out);
/* What argv[i] is: 1 an operand (a file name: anything after "--", "-"
 * alone, or not starting with '-'), 0 an option to parse, -1 the "--"
 * that ends the options (skip it). *after_dashes starts at 0. */
int lp_cli_operand(const char *a, int *after_dashes);
/* --min-tie's value (analyze, whatif, import): a non-negative finite
 * number; else the usage error printed and -1. */
int lp_cli_parse_min_tie(const char *v, double *out);
/* Option with a value: "--name VALUE" or "--name=VALUE". NULL when argv[*i]
 * is not that option; "" when the value is missing; advances *i past it. */
const char *lp_cli_opt_value(int argc, char **argv, int *i, const char *name);

/* The options every command shares, at argv[*i]: 0 when it is not that
 * option, 1 when parsed (*i advanced past its value), -1 after printing a
 * usage error (return LP_EUSAGE). -o FILE, --output FILE or --output=FILE
 * (what: "a file name", "a directory"); --threads N (1..4096, also set for
 * OpenMP at once; *threads may be NULL); --progress auto|always|never
 * (*on unchanged for auto). */
int lp_cli_opt_output(int argc, char **argv, int *i, const char **out, const char *what);
int lp_cli_opt_threads(int argc, char **argv, int *i, int64_t *threads);
int lp_cli_opt_progress(int argc, char **argv, int *i, int *on);

/* Progress on stderr (progress.c): bars while the engine's phases run
 * (lp_progress_set), one line per finished phase, one timing line at the
 * end. start(0) only records the phase times (for nothing). */
void lp_cli_progress_start(int on);
/* An lp_progress_fn: a phase finished. */
void lp_cli_progress_phase(void *ctx, const char *phase, double seconds, const char *detail);
void lp_cli_progress_end(void);
/* An lp_load_progress_fn: bytes of the nodes or edges file read so far. */
void lp_cli_progress_load(void *ctx, const char *file_role, int64_t bytes_done,
                          int64_t bytes_total);

/* Untrusted text (ids, names, types read from files) for printing, as
 * lp_text_msg renders it (printable UTF-8 as is, '"' and '\' escaped,
 * control bytes and invalid UTF-8 as \xHH, cut with "..." after about 60
 * bytes); cap >= LP_TEXT_MSG_CAP. Returns dst. */
#define LP_CLI_TEXT_CAP 256
const char *lp_cli_text(char *dst, size_t cap, const char *s);
/* s as a JSON string literal (lp_text_json: control bytes escaped,
 * invalid UTF-8 as U+FFFD). */
void lp_cli_json_string(FILE *f, const char *s);
/* "Name (id)" when name is non-empty, else the id; both escaped. */
const char *lp_cli_label(char *dst, size_t cap, const char *name, const char *id);

/* Printing helpers (summary.c), shared with whatif and diff. */
void lp_cli_print_padded(FILE *f, const char *s, int width);
void lp_cli_print_money(FILE *f, double x, int width);
/* x as money with thousands separators ("-1,234.50"; "+1,234.50" when sign
 * and x > 0) into buf. Returns buf. */
const char *lp_cli_money(char *buf, size_t cap, double x, int sign);
/* The per-scenario table of whatif and summary. */
void lp_cli_print_scenarios(int64_t m, const char *const *name, const int64_t *leaving,
                            const int64_t *lost, const double *lost_revenue, const int64_t *newly,
                            const double *newly_revenue);
typedef enum lp_cli_format { LP_CLI_TEXT, LP_CLI_MARKDOWN, LP_CLI_JSON } lp_cli_format;
/* A result file's summary on stdout; returns the exit status. */
int lp_cli_print_summary(const char *path, int64_t top, lp_cli_format fmt);

/* The commands; each returns the exit status. */
int lp_cli_generate(int argc, char **argv);
/* `import --crm NAME DIR` / `import --mapping FILE DIR` (crm.c). */
int lp_cli_import_crm(int argc, char **argv);
int lp_cli_summary(int argc, char **argv);
int lp_cli_diff(int argc, char **argv);
int lp_cli_export(int argc, char **argv);
extern const char LP_CLI_SUMMARY_USAGE[], LP_CLI_DIFF_USAGE[], LP_CLI_EXPORT_USAGE[];
int lp_cli_report(int argc, char **argv);   /* report.c */
int lp_cli_subgraph(int argc, char **argv); /* subgraph.c */
int lp_cli_batch(int argc, char **argv);    /* batch.c */

#endif
