/* The one clock. Everything that needs "now" calls clock_now_ms(), which
 * honours FIELDCHECK_NOW (an ISO 8601 time) so tests and demos are repeatable.
 * Times are Unix milliseconds (UTC); strings are ISO 8601. A string without an
 * offset is local time (TZ), as the CLI contract says. */
#ifndef FC_BASE_CLOCK_H
#define FC_BASE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CLOCK_ISO_MAX 40

/* Milliseconds since the epoch; FIELDCHECK_NOW freezes it (an unparsable value
 * is ignored with the wall clock used instead). */
int64_t clock_now_ms(void);

/* 1 when FIELDCHECK_NOW holds a time clock_now_ms returns: the test clock
 * (DESIGN §6), which every event recorded under it says (core/store/event.c). */
int clock_is_frozen(void);

/* Parses "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|+HH:MM|-HH:MM|+HHMM]".
 * A date alone is local midnight. Returns 0 or FC_EINPUT. */
int clock_parse(const char *s, int64_t *ms_out);

/* "2026-11-22T11:52:56.123Z" into out (CLOCK_ISO_MAX bytes). */
void clock_format_utc(int64_t ms, char out[CLOCK_ISO_MAX]);

/* "2026-11-22T19:52:56+08:00" in local time (TZ), seconds precision. */
void clock_format_local(int64_t ms, char out[CLOCK_ISO_MAX]);

/* "2026-11-22 19:52" in local time, for screens and reports. */
void clock_format_short(int64_t ms, char out[CLOCK_ISO_MAX]);

/* A stored time (ISO 8601, UTC) as local time with its offset into out,
 * for people to read; returns out, or iso itself when it is not a time
 * (empty, "(open)", NULL). */
const char *clock_iso_local(const char *iso, char out[CLOCK_ISO_MAX]);

/* Days since the epoch of a civil date (proleptic Gregorian); for date checks. */
int64_t clock_days_from_civil(int y, unsigned m, unsigned d);

/* 1 if y-m-d is a real calendar date. */
int clock_is_valid_date(int y, int m, int d);

#endif
