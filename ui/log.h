/* Debug log for the terminal UI. While curses owns the screen nothing may be
 * printed to stdout or stderr, so diagnostics go to the file named by
 * FIELDCHECK_LOG (appended to), or nowhere when it is unset. */
#ifndef FC_UI_LOG_H
#define FC_UI_LOG_H

/* Opens FIELDCHECK_LOG for appending if set; a file that cannot be opened
 * disables logging silently (the UI must still run). Idempotent. */
void ui_log_open(void);
/* Closes the log file (no-op when not open). */
void ui_log_close(void);
/* 1 when a log file is open. */
int ui_log_enabled(void);
/* Writes one line "HH:MM:SS.mmm message" (monotonic-independent wall time) and
 * flushes, so the log survives a crash. No-op without a log file. */
void ui_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
