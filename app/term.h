/* Every human-readable line the CLI prints passes the terminal text filter
 * (core/base/text.h): standard error always, standard output unless --json.
 * Data written to standard output on purpose (a report with -o -, a QR code's
 * colours, a progress line's own control characters) goes to the raw
 * streams instead. */
#ifndef FC_APP_TERM_H
#define FC_APP_TERM_H

#include <stdio.h>

/* Puts the filter in front of stderr, and of stdout when filter_stdout.
 * Does nothing when already in place. The filtered streams keep the
 * buffering of the originals (line-buffered on a terminal, unbuffered
 * stderr), so fflush(stdout) still puts the bytes into the file
 * descriptor. */
void app_term_filter(int filter_stdout);

/* Flushes and removes the filters (before curses takes the terminal; at
 * exit). Safe to call when none is in place. */
void app_term_unfilter(void);

/* The unfiltered standard output / error, after flushing what was written
 * through the filter, so the order of bytes is kept. The caller flushes the
 * returned stream when done. Never NULL. */
FILE *app_raw_stdout(void);
FILE *app_raw_stderr(void);

#endif
