/* The UI's log file (FIELDCHECK_LOG). Lines are flushed one by one because the
 * log is most useful after a crash or a hung screen, and the UI writes rarely
 * (one line per scan, resize or view change), so the cost does not matter. */
#include "ui/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static FILE *log_fp;

void ui_log_open(void)
{
    const char *path = getenv("FIELDCHECK_LOG");

    if (log_fp || !path || !*path)
        return;
    log_fp = fopen(path, "ae");
}

void ui_log_close(void)
{
    if (log_fp)
        fclose(log_fp);
    log_fp = NULL;
}

int ui_log_enabled(void)
{
    return log_fp != NULL;
}

void ui_logf(const char *fmt, ...)
{
    struct timeval tv;
    struct tm tm;
    va_list ap;

    if (!log_fp)
        return;
    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    fprintf(log_fp, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
            (long)(tv.tv_usec / 1000));
    va_start(ap, fmt);
    vfprintf(log_fp, fmt, ap);
    va_end(ap);
    fputc('\n', log_fp);
    fflush(log_fp);
}
