/* Public entry of the terminal UI. app/ fills a struct ui_app with callbacks
 * onto its data (store, engine) and calls ui_run(); the UI never touches the
 * data layer itself, so it can be driven by a fake model in tests
 * (tests/e2e/ui_harness.c). Curses-free header.
 *
 * Callbacks run on the UI thread, between key reads; they may take time (a
 * scan is committed durably before it returns) and must not print to stdout
 * or stderr: curses owns the terminal. They return 0 or a negative FC_E* code
 * with detail in err (err may be NULL).
 */
#ifndef FC_UI_UI_H
#define FC_UI_UI_H

#include "core/base/error.h"

#include <stdint.h>

/* How bad a result is; picks the banner colour and the beep pattern
 * (OK one beep, WARN two, ANOMALY three; NONE is silent). */
enum ui_severity {
    UI_SEV_NONE = 0,
    UI_SEV_OK,
    UI_SEV_WARN,
    UI_SEV_ANOMALY,
};

/* How a code arrived (stored with every scan, DESIGN §5). */
enum ui_scan_how {
    UI_SCAN_BURST = 0, /* a scanner burst, from the scan assembler */
    UI_SCAN_TYPED = 1, /* typed into an input line and submitted with Enter */
};

struct ui_verdict {
    enum ui_severity severity;
    char verdict[48];  /* e.g. "MATCH", "WRONG_BED" */
    char message[256]; /* one line for the inspector, already translated */
};

struct ui_mission_row {
    char id[64];
    char title[160];
    int version;
    char kind[16]; /* night, pharmacy, flight, mixed */
};

struct ui_visit_row {
    char id[64];
    char site[160]; /* site name (or code) */
    char kind[16];  /* night, pharmacy, flight */
    int is_open;
    int64_t opened_ms; /* Unix ms, 0 if unknown */
    int64_t closed_ms; /* 0 while open */
    long scans;        /* events recorded so far */
    long anomalies;    /* anomalies found so far */
};

/* Rows of the home screen. Each list callback calls emit once per row, in
 * display order; the row is only borrowed for the duration of the call. */
struct ui_home_model {
    int (*list_missions)(void *user, void (*emit)(void *ctx, const struct ui_mission_row *row),
                         void *ctx, struct fc_error *err);
    int (*list_visits)(void *user, void (*emit)(void *ctx, const struct ui_visit_row *row),
                       void *ctx, struct fc_error *err);
    /* The inspector chose a visit: make it the current one. On success the UI
     * opens the visit's screen. */
    int (*open_visit)(void *user, const char *visit_id, struct fc_error *err);
};

/* Shown in the status line; fields left empty (or unsynced < 0) are hidden.
 * The screen adds the clock itself. */
struct ui_status {
    char visit[80];
    char inspectors[120];
    long unsynced; /* events not yet acknowledged by HQ */
};

enum ui_start {
    UI_START_HOME = 0,  /* the home screen */
    UI_START_VISIT = 1, /* the screen of start_visit, over home */
};

struct ui_app {
    const struct ui_home_model *home; /* may be NULL: empty lists */
    /* Classifies and durably records one code; fills *out. May be NULL: then
     * scans are only acknowledged on screen as "not recorded". */
    int (*scan)(void *user, const char *visit_id, const char *code, enum ui_scan_how how,
                struct ui_verdict *out, struct fc_error *err);
    /* Fills *st for the status line; called at every redraw. May be NULL. */
    void (*status)(void *user, struct ui_status *st);
    void *user;              /* passed to every callback, never touched */
    enum ui_start start;     /* initial view */
    const char *start_visit; /* visit id for UI_START_VISIT */
    const char *theme;       /* "day", "night", "mono"; NULL: FIELDCHECK_THEME, else day */
};

/* Runs the terminal UI until the user quits (F10). Takes over the terminal
 * and restores it on return, and on a fatal error through the die hook.
 * Returns 0, or FC_ESTATE when stdin/stdout is not a terminal or curses cannot
 * start (nothing drawn then, message in err). */
int ui_run(const struct ui_app *app, struct fc_error *err);

#endif
