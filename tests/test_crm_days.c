/* test_crm_days.c — the CRM import's dates (lp_crm_parse_day, which every
 * activity row goes through, and lp_crm_format_day) against a walk of the
 * calendar: every day from 0000-01-01 to 9999-12-31 in order, counted one
 * by one, so that the day numbers come from counting rather than from a
 * formula; 1970-01-01 is day 0. Then the dates that are not: day 0, a day
 * past its month's end (29 February of every year that is not a leap
 * year), month 0 or 13, a non-digit, a wrong separator, a short string. */
#include <stdio.h>
#include <string.h>

#include "lp_crm.h"

static int failures;

static void fail(const char *what, const char *s, long long got, long long want)
{
    if (failures++ < 20) fprintf(stderr, "%s \"%s\": got %lld, want %lld\n", what, s, got, want);
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return d[m - 1] + (m == 2 && leap(y));
}

/* The day count of 1970-01-01 in the walk from 0000-01-01 (day 0 there). */
static long long epoch_in_walk(void)
{
    long long n = 0;
    for (int y = 0; y < 1970; y++)
        for (int m = 1; m <= 12; m++)
            n += month_days(y, m);
    return n;
}

static void expect_bad(const char *s)
{
    int64_t d = 12345;
    if (lp_crm_parse_day(s, &d) == 0) fail("accepted", s, (long long)d, -1);
}

int main(void)
{
    long long n = -epoch_in_walk(), days = 0;
    char s[48], back[16];
    for (int y = 0; y <= 9999; y++)
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= month_days(y, m); d++, n++, days++) {
                snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
                int64_t got = -1;
                if (lp_crm_parse_day(s, &got) != 0) {
                    fail("rejected", s, -1, n);
                    continue;
                }
                if (got != n) fail("day of", s, (long long)got, n);
                lp_crm_format_day(got, back);
                if (strcmp(back, s)) fail("formatted back", s, 0, 0);
            }
            /* the day after the month's last, and day 0 */
            snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, month_days(y, m) + 1);
            expect_bad(s);
            snprintf(s, sizeof s, "%04d-%02d-00", y, m);
            expect_bad(s);
        }
    if (days != 3652425) fail("days walked", "0000..9999", days, 3652425);
    static const char *const bad[] = {"2025-00-10", "2025-13-01",  "2025-1-01",   "2025-01-1",
                                      "2025/01/01", "2025-01-0a",  "20a5-01-01",  "2025-01-01x",
                                      "-025-01-01", "2025-01-01 ", " 2025-01-01", "",
                                      "2025-02-30", "2025-04-31",  "1900-02-29",  "2100-02-29"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_bad(bad[i]);
    int64_t d = -1;
    if (lp_crm_parse_day("2000-02-29", &d) || d != 11016) fail("day of", "2000-02-29", d, 11016);
    if (failures) {
        fprintf(stderr, "test_crm_days: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_crm_days: all checks passed (%lld days)\n", days);
    return 0;
}
