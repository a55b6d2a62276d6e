/* Terminals as inspectors have them (DESIGN §8, issue "keys that survive
 * real terminals"): which ones the UI refuses, which ones cannot draw
 * Chinese (the Linux console without a CJK framebuffer terminal: the UI
 * falls back to English with a one-line note), whether colours are wanted
 * (NO_COLOR selects the mono theme), and hints for scans that look like the
 * keyboard is in the wrong state (Caps Lock on, an input method on).
 * Curses-free, so every rule is unit-tested. */
#ifndef FC_UI_TERM_H
#define FC_UI_TERM_H

#include <stddef.h>

enum ui_term_fit {
    UI_TERM_OK = 0,  /* a terminal emulator: draw as usual */
    UI_TERM_NO_CJK,  /* draws, but cannot show Chinese: English, with a note */
    UI_TERM_REFUSED, /* cannot hold a full-screen UI: refused with a message */
};

/* How well TERM fits. term NULL or "" (no terminal type), "dumb", "unknown"
 * and line-mode types are refused; "linux" (and "linux-*", "con*") cannot
 * show CJK unless fbterm_env is set (fbterm exports FBTERM). */
enum ui_term_fit ui_term_fit(const char *term, const char *fbterm_env);

/* 1 when NO_COLOR asks for no colour (set and not empty, no-color.org). */
int ui_no_color(const char *no_color_env);

enum ui_scan_hint {
    UI_HINT_NONE = 0,
    UI_HINT_CAPS, /* letters only in lower case: Caps Lock may be on */
    UI_HINT_IME,  /* Chinese or full-width characters: an input method is on */
};

/* The hint a scanned code deserves, from its text alone. Codes whose
 * letters are all lower case are suspicious only when they hold at least
 * two letters (a scanner with Caps Lock on inverts every letter). */
enum ui_scan_hint ui_scan_hint_of(const char *code);

/* Keys that arrived together without an Enter: an input method may have
 * taken the scanner's Enter to commit what it composed. n printable keys
 * in one burst: 1 when that many deserve the hint. */
int ui_burst_without_enter_is_suspect(size_t n);

#endif
