/* Screen manager: owns the terminal (initscr/endwin), the view stack, the
 * status line, the F-key bar, the message line, the scan assembler, beeps and
 * the main loop. Nothing else reads keys.
 *
 * Layout: row 0 status line; rows 1..LINES-3 the body (views draw here);
 * row LINES-2 message line; row LINES-1 F-key bar. Below UI_MIN_COLS x
 * UI_MIN_ROWS a "terminal too small" page replaces everything; scans are still
 * accepted then (they go to the top view), only drawing stops.
 *
 * Input dispatch, per key event from the scan assembler:
 *   1. KEY_RESIZE re-lays out; F10 (quit) and F1 (help) are handled first,
 *      whatever the view.
 *   2. Other F-keys go straight to the keymap (view rows first, then global).
 *   3. Any other key is offered to the top view's text() first (an input
 *      line takes it); if not consumed, the keymap is looked up; the action
 *      goes to the view's action(), and if the view does not handle it, to
 *      the screen's global handling (back, language, theme, redraw).
 * A scan event goes to the top view's scan(); a view without scan() gets the
 * default: the app's scan callback, the verdict on the message line, a beep.
 * An overlong (rejected) burst beeps and is reported on the message line.
 *
 * View call order (struct ui_view_ops):
 *   push:    old top leave() -> new resize() -> new enter() -> draw() ...
 *   pop:     top leave() -> (uncovered view: resize() if the size changed
 *            meanwhile) -> uncovered enter(); the popped view's destroy()
 *            runs after the current event has been handled, never while one
 *            of its own callbacks is on the stack.
 *   replace: like pop then push, without entering the view in between.
 *   resize:  every view in the stack gets resize(), top-most last.
 *   quit:    top leave(), then destroy() of every view, top to bottom.
 * All callbacks are optional except draw().
 */
#ifndef FC_UI_SCREEN_H
#define FC_UI_SCREEN_H

#include "ui/keymap.h"
#include "ui/theme.h"
#include "ui/ui.h"

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#define UI_MIN_COLS 60
#define UI_MIN_ROWS 16

struct ui_screen;
struct ui_view;

struct ui_view_ops {
    const char *name;                /* stable id, for the log and tests */
    const struct ui_action *actions; /* the view's own actions (ids >= UI_ACT_VIEW_BASE) */
    size_t nactions;
    int overlay; /* 1: the view below is drawn first (dialogs) */
    /* The static title (ui/frame.h): title_en through the UI language, or
     * title_zh, then the view's subtitle; both NULL: name. */
    const char *title_en, *title_zh;
    /* The view's state for ui_view_open() (ui/frame.h): size bytes, zeroed,
     * as v->data; then init() sets it up from app. */
    size_t size;
    void (*init)(struct ui_view *v, const struct ui_app *app);

    /* Became the top view (pushed, or uncovered by a pop). */
    void (*enter)(struct ui_view *v);
    /* Stops being the top view (covered by a push, or popped). */
    void (*leave)(struct ui_view *v);
    /* The body is now rows x cols (also before the first draw). */
    void (*resize)(struct ui_view *v, int rows, int cols);
    /* Draws the body into w (already erased, v->rows x v->cols). Required. */
    void (*draw)(struct ui_view *v, WINDOW *w);
    /* An action from the keymap; 1 when handled, 0 to let the screen try. */
    int (*action)(struct ui_view *v, int action_id);
    /* A typed key before the keymap (code point or SCAN_KEY_SPECIAL); 1 when
     * consumed (e.g. by an input line). */
    int (*text)(struct ui_view *v, uint32_t key);
    /* A scanner burst (UTF-8, NUL-terminated, len bytes, Enter excluded). */
    void (*scan)(struct ui_view *v, const char *code, size_t len);
    /* Title for the status line; NULL: the static title above. */
    const char *(*title)(struct ui_view *v);
    /* Releases what v->data holds beyond what the framework owns (ui/frame.h);
     * the screen then releases those and frees v->data itself. */
    void (*destroy)(struct ui_view *v);
};

struct ui_view_owned;

struct ui_view {
    const struct ui_view_ops *ops;
    void *data; /* the view's own state, freed with the view */
    struct ui_screen *scr;
    int rows, cols; /* body size at the last resize() */
    /* the framework's part (ui/frame.h) */
    struct ui_view_owned *owned;
    size_t nowned, owned_cap;
    char subtitle[64];
    char title[160];
};

/* Allocates a view over data (heap, or NULL; freed with the view), never
 * NULL; the screen takes it over on push. */
struct ui_view *ui_view_new(const struct ui_view_ops *ops, void *data);
/* Destroys a view that was never pushed (NULL allowed): ops.destroy, what
 * the framework owns, v->data, v. The screen does this for its own views. */
void ui_view_free(struct ui_view *v);

/* Creates a screen for app (borrowed; must outlive the screen). Does not touch
 * the terminal yet. */
struct ui_screen *ui_screen_new(const struct ui_app *app);
/* Destroys remaining views and frees s (NULL allowed). Ends curses if needed. */
void ui_screen_free(struct ui_screen *s);

/* Starts curses, runs the loop until quit, restores the terminal. Views pushed
 * before the call are the initial stack. Returns 0 or FC_ESTATE (no
 * terminal; err says why). */
int ui_screen_run(struct ui_screen *s, struct fc_error *err);

void ui_screen_push(struct ui_screen *s, struct ui_view *v);
/* Pops the top view; the bottom view is never popped (BACK on it is ignored). */
void ui_screen_pop(struct ui_screen *s);
void ui_screen_replace(struct ui_screen *s, struct ui_view *v);
struct ui_view *ui_screen_top(struct ui_screen *s);
/* Number of views in the stack. */
size_t ui_screen_depth(const struct ui_screen *s);

/* Ends the loop after the current event. */
void ui_screen_quit(struct ui_screen *s);
/* Marks the whole screen for redraw at the end of this loop pass. */
void ui_screen_dirty(struct ui_screen *s);

/* Shows a one-line message until the next message or 8 seconds. */
void ui_screen_message(struct ui_screen *s, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A standing note on the message line, shown whenever no message is (the
 * Linux console's "English only" note). NULL or "" removes it. */
void ui_screen_note(struct ui_screen *s, const char *text);

/* Shows text on the message line at once, before a long call (a mission
 * load) that keeps the loop from drawing. */
void ui_screen_busy(struct ui_screen *s, const char *text);

/* Adds the hint a scanned code deserves (Caps Lock, an input method:
 * ui/term.h) to the message line; sev is the scan's verdict. */
void ui_screen_scan_hint(struct ui_screen *s, const char *code, enum ui_severity sev);

/* Beeps by severity without blocking the loop: OK one beep, WARN two,
 * ANOMALY three, 150 ms apart (FIELDCHECK_BELL=flash flashes instead, =off
 * is silent). A new alert replaces one still sounding. */
void ui_screen_alert(struct ui_screen *s, enum ui_severity sev);
/* Alerts started since the screen was created (for tests and the harness). */
unsigned long ui_screen_alert_count(const struct ui_screen *s);

/* Calls the app's scan callback (a missing callback gives a NONE verdict
 * "not recorded"), then alerts by the verdict's severity. visit_id may be
 * NULL. Returns the callback's result; *out is always filled. */
int ui_screen_submit_scan(struct ui_screen *s, const char *visit_id, const char *code,
                          enum ui_scan_how how, struct ui_verdict *out);

/* What a scan does on a screen that takes no scans of its own: submitted to
 * the open visit, its verdict on the message line with its hint. */
void ui_screen_scan_visit(struct ui_screen *s, const char *code);

const struct ui_app *ui_screen_app(const struct ui_screen *s);

/* Monotonic milliseconds (the scan assembler's clock; FIELDCHECK_NOW does not
 * freeze it, since it measures key gaps, not dates). */
int64_t ui_monotonic_ms(void);

/* While a view handles a key (text or action): 1 when the key was the only
 * one of its burst, typed after a pause longer than the scan gap with none
 * following within it. No scanner burst produces such a key, so this is
 * what confirms destructive actions (ui_confirm_push). 0 otherwise. */
int ui_screen_key_is_lone(const struct ui_screen *s);

/* The characters typed into the running screen whose burst is not decided
 * yet (a person's key, or the start of a scan), for the focused input line
 * to show at once; "" when none or when no screen runs. Borrowed until the
 * next key. */
const char *ui_screen_pending_text(void);

#endif
