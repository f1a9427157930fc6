/* error.c — the process-global last-error message (see lp_error.h). */
#include "lp_error.h"

#include <stdarg.h>
#include <stdio.h>

static char lp_i_message[1024];

lp_status lp_error_set(lp_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lp_i_message, sizeof lp_i_message, fmt, ap);
    va_end(ap);
    return code;
}

const char *lp_error_message(void)
{
    return lp_i_message;
}

void lp_error_clear(void)
{
    lp_i_message[0] = '\0';
}

lp_status lp_error_nomem(const char *what)
{
    return lp_error_set(LP_EINTERNAL, "out of memory (%s)", what);
}
