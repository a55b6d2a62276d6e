/* The UI's log file (FIELDCHECK_LOG), mode 0600, with scanned codes masked.
 * Lines are flushed one by one because the
 * log is most useful after a crash or a hung screen, and the UI writes rarely
 * (one line per scan, resize or view change), so the cost does not matter. */
#include "ui/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static FILE *log_fp;

/* Created 0600 (a log of scans is about people), never through a link and
 * only as a regular file; an existing log is made the owner's alone. */
void ui_log_open(void)
{
    const char *path = getenv("FIELDCHECK_LOG");
    struct stat sb;
    int fd;

    if (log_fp || !path || !*path)
        return;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
              0600);
    if (fd < 0)
        return;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
        fchmod(fd, 0600) != 0 || !(log_fp = fdopen(fd, "a")))
        close(fd);
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
