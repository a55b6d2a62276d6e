/* Clock and ISO 8601 handling. Parsing is strict (fixed field widths) because
 * times come from HQ exports and command lines where a silent misread would
 * put a scan on the wrong night. Local time goes through mktime/localtime_r. */
#include "core/base/clock.h"

#include "core/base/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

int64_t clock_days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int clock_is_valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap;

    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

static int take_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int clock_parse(const char *s, int64_t *ms_out)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    int has_off = 0, off_min = 0;

    if (!s)
        return FC_EINPUT;
    while (*p == ' ')
        p++;
    if (take_digits(&p, 4, &y) || *p++ != '-' || take_digits(&p, 2, &mo) || *p++ != '-' ||
        take_digits(&p, 2, &d))
        return FC_EINPUT;
    if (!clock_is_valid_date(y, mo, d))
        return FC_EINPUT;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (take_digits(&p, 2, &h) || *p++ != ':' || take_digits(&p, 2, &mi))
            return FC_EINPUT;
        if (*p == ':') {
            p++;
            if (take_digits(&p, 2, &sec))
                return FC_EINPUT;
            if (*p == '.' || *p == ',') {
                int digits = 0;
                p++;
                while (isdigit((unsigned char)*p)) {
                    if (digits < 3) {
                        ms = ms * 10 + (*p - '0');
                        digits++;
                    }
                    p++;
                }
                if (!digits)
                    return FC_EINPUT;
                while (digits++ < 3)
                    ms *= 10;
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return FC_EINPUT;
        if (*p == 'Z' || *p == 'z') {
            has_off = 1;
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om;
            p++;
            if (take_digits(&p, 2, &oh))
                return FC_EINPUT;
            if (*p == ':')
                p++;
            if (take_digits(&p, 2, &om) || oh > 14 || om > 59)
                return FC_EINPUT;
            has_off = 1;
            off_min = sign * (oh * 60 + om);
        }
    }
    while (*p == ' ')
        p++;
    if (*p)
        return FC_EINPUT;
    if (sec == 60)
        sec = 59;
    if (has_off) {
        int64_t t = clock_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
                    mi * 60 + sec - (int64_t)off_min * 60;
        *ms_out = t * 1000 + ms;
    } else {
        struct tm tm;
        time_t t;
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        tm.tm_isdst = -1;
        t = mktime(&tm);
        if (t == (time_t)-1 && !(y == 1969 || y == 1970))
            return FC_EINPUT;
        *ms_out = (int64_t)t * 1000 + ms;
    }
    return FC_OK;
}

int64_t clock_now_ms(void)
{
    const char *fixed = getenv("FIELDCHECK_NOW");
    struct timeval tv;

    if (fixed && *fixed) {
        int64_t ms;
        if (clock_parse(fixed, &ms) == FC_OK)
            return ms;
    }
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int clock_is_frozen(void)
{
    const char *fixed = getenv("FIELDCHECK_NOW");
    int64_t ms;

    return fixed && *fixed && clock_parse(fixed, &ms) == FC_OK;
}

/* Formats into a roomy scratch buffer, then copies into the caller's fixed
 * CLOCK_ISO_MAX array (years beyond 9999 never reach here in practice). */
static void put_iso(char out[CLOCK_ISO_MAX], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put_iso(char out[CLOCK_ISO_MAX], const char *fmt, ...)
{
    char tmp[160];
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    n = strnlen(tmp, CLOCK_ISO_MAX - 1);
    memcpy(out, tmp, n);
    out[n] = '\0';
}

/* ms since the epoch as calendar time, in UTC or local time, and its
 * milliseconds (0..999 also before 1970). */
static void split_ms(int64_t ms, int local, struct tm *tm, int *frac)
{
    int64_t s = ms / 1000;
    int f = (int)(ms % 1000);
    time_t t;

    if (f < 0) {
        f += 1000;
        s -= 1;
    }
    t = (time_t)s;
    *frac = f;
    if (local)
        localtime_r(&t, tm);
    else
        gmtime_r(&t, tm);
}

void clock_format_utc(int64_t ms, char out[CLOCK_ISO_MAX])
{
    struct tm tm;
    int frac;

    split_ms(ms, 0, &tm, &frac);
    put_iso(out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void clock_format_local(int64_t ms, char out[CLOCK_ISO_MAX])
{
    struct tm tm;
    int frac;
    long off;

    split_ms(ms, 1, &tm, &frac);
    off = tm.tm_gmtoff / 60;
    put_iso(out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
            tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', labs(off) / 60,
            labs(off) % 60);
}

void clock_format_short(int64_t ms, char out[CLOCK_ISO_MAX])
{
    struct tm tm;
    int frac;

    split_ms(ms, 1, &tm, &frac);
    put_iso(out, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
            tm.tm_hour, tm.tm_min);
}

const char *clock_iso_local(const char *iso, char out[CLOCK_ISO_MAX])
{
    int64_t ms;

    if (!iso || !iso[0] || clock_parse(iso, &ms) != 0)
        return iso;
    clock_format_local(ms, out);
    return out;
}
