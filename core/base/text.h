/* The one filter between data and a terminal: control characters, invalid
 * bytes and the bidirectional formatting characters that reorder what is
 * shown are written as visible escapes, so a name, a note or a file name can
 * neither move the cursor, retitle the window nor make text read backwards.
 * The CLI runs every human-readable line through it (app/term.c) and the TUI
 * every cell (ui/widget.c). */
#ifndef FC_BASE_TEXT_H
#define FC_BASE_TEXT_H

#include "core/base/buf.h"

#include <stddef.h>
#include <stdint.h>

/* 1 for a code point that never reaches a terminal as itself: C0 controls,
 * DEL, C1 controls, the line and paragraph separators and the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069). */
int text_is_unsafe(uint32_t cp);

/* How text_escape treats its input. */
enum {
    TEXT_KEEP_LINES = 1, /* '\n' and '\t' pass (whole lines of output) */
    TEXT_PARTIAL = 2,    /* more input follows: a truncated sequence at the end
                            is left unconsumed instead of escaped */
};

/* Appends s[0..len) to out with every unsafe character escaped: bytes below
 * 0x20, DEL and bytes that are not UTF-8 as "\xNN", other unsafe code points
 * as "\uNNNN". Everything else is copied unchanged. Returns the number of
 * bytes of s consumed: len, or less with TEXT_PARTIAL when s ends inside a
 * sequence (at most 3 bytes are left). */
size_t text_escape(struct buf *out, const char *s, size_t len, unsigned flags);

/* text_escape of a NUL-terminated string (NULL: nothing), lines not kept. */
void text_escape_str(struct buf *out, const char *s);

#endif
