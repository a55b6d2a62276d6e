/* Widgets: CJK-width-correct text cells, a scrolling table, a verdict banner,
 * a text-input line and message/confirm dialogs. Widths are display columns
 * from core/base/utf8.h (a Chinese character is two), never bytes or code
 * points, so Chinese names line up in tables.
 */
#ifndef FC_UI_WIDGET_H
#define FC_UI_WIDGET_H

#include "core/base/buf.h"
#include "ui/theme.h"
#include "ui/ui.h"

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

struct ui_screen;

enum ui_align {
    UI_ALIGN_LEFT = 0,
    UI_ALIGN_RIGHT, /* numbers */
    UI_ALIGN_CENTER,
};

/* Appends s to out fitted to exactly cols display columns: padded with spaces
 * (per align), or cut to cols-1 columns plus "…" when too wide (a wide
 * character that would straddle the edge becomes a space). Control characters
 * and invalid UTF-8 bytes become '?', so data can never move the cursor.
 * s may be NULL (blank). Curses-free. */
void ui_text_fit(struct buf *out, const char *s, size_t cols, enum ui_align align);

/* Byte length of the first line of s when s is wrapped at cols columns: up
 * to the last space that fits (the space included, so the next line starts
 * after it), else as much as fits (CJK text and long tokens break anywhere,
 * never inside a character). strlen(s) when s fits. Curses-free. */
size_t ui_text_wrap(const char *s, size_t cols);

/* Draws s wrapped into at most rows lines of cols columns from (y, x), the
 * last line cut with "…" when s is longer; returns the lines used. */
int ui_put_wrapped(WINDOW *w, int y, int x, int cols, int rows, const char *s, enum ui_role r);

/* Draws s fitted to cols columns at (y, x) of w in role r. */
void ui_put(WINDOW *w, int y, int x, int cols, const char *s, enum ui_align align, enum ui_role r);

/* Fills a row segment with blanks in role r. */
void ui_fill(WINDOW *w, int y, int x, int cols, enum ui_role r);

/* --- scrolling table ------------------------------------------------- */

struct ui_table_col {
    const char *title_en, *title_zh;
    int width; /* display columns; 0 = share what is left */
    enum ui_align align;
    /* A shared column's minimum width: when the table is too narrow for it,
     * columns with a drop rank are left out, rank 1 first, then 2... */
    int min_width;
    int drop; /* 0: never left out */
};

struct ui_table {
    const struct ui_table_col *cols;
    int ncols;
    void *ctx;
    /* Writes the text of (row, col) into out (empty on entry). Required. */
    void (*cell)(void *ctx, size_t row, int col, struct buf *out);
    /* Role of a row when not selected; NULL: NORMAL. */
    enum ui_role (*row_role)(void *ctx, size_t row);
    /* 1 to show row under filter text (never called with an empty filter);
     * NULL: rows whose cells contain the text are shown. */
    int (*filter)(void *ctx, size_t row, const char *text);
    char filter_text[128];
    size_t nrows; /* source rows */
    size_t *vis;  /* source row of each shown row */
    size_t nvis;
    size_t sel;  /* index into vis */
    size_t top;  /* first shown index on screen */
    size_t page; /* rows on screen at the last draw (10 before any) */
};

/* Initialises t with columns and the cell callback; no rows yet. */
void ui_table_init(struct ui_table *t, const struct ui_table_col *cols, int ncols, void *ctx,
                   void (*cell)(void *ctx, size_t row, int col, struct buf *out));
void ui_table_release(struct ui_table *t);
/* Sets the number of source rows and re-applies the filter. The selection
 * stays on the same source row when it is still shown. */
void ui_table_set_rows(struct ui_table *t, size_t nrows);
/* Sets the filter text (NULL or "" shows all rows). */
void ui_table_set_filter(struct ui_table *t, const char *text);
/* Source row of the selection, or SIZE_MAX when no row is shown. */
size_t ui_table_selected(const struct ui_table *t);
/* Selects shown row i (clamped) and scrolls it into view. */
void ui_table_select(struct ui_table *t, size_t i);
/* Handles UI_ACT_UP/DOWN/PAGE_UP/PAGE_DOWN/TOP/BOTTOM; 1 when handled. */
int ui_table_action(struct ui_table *t, int action_id);
/* Draws the header and rows in the h x cols box at (y, x). */
void ui_table_draw(struct ui_table *t, WINDOW *w, int y, int x, int h, int cols, int focused);

/* --- banner ------------------------------------------------------------ */

/* A large coloured box (h rows) with big centred over sub, in the banner role
 * of sev (NONE draws in the STATUS role). big and sub may be NULL. */
void ui_banner_draw(WINDOW *w, int y, int x, int h, int cols, enum ui_severity sev, const char *big,
                    const char *sub);

/* The banner's big text for a box cols wide: Latin letters upper-cased; a
 * single Latin word letter-spaced ("M A T C H") when that fits, since it
 * reads from across a ward; CJK and phrases as they are. Curses-free. */
void ui_banner_text(struct buf *out, const char *big, size_t cols);

/* The banner of a verdict: its label (else its code) big, the message
 * under it, and the code small in the top right corner when the label is
 * shown (people read the label, the record keeps the code). */
void ui_verdict_banner(WINDOW *w, int y, int x, int h, int cols, const struct ui_verdict *v);

/* A verdict's name for people: its label, else its code. */
const char *ui_verdict_name(const struct ui_verdict *v);

/* Banner role and text role of a severity. */
enum ui_role ui_severity_banner_role(enum ui_severity sev);
enum ui_role ui_severity_role(enum ui_severity sev);

/* A mission's or visit's kind for people: the model's label, else the kind
 * as it is. */
const char *ui_kind_label(const char *label, const char *kind);

/* --- text input line ------------------------------------------------- */

struct ui_input {
    struct buf text; /* UTF-8 */
    size_t max_bytes;
};

void ui_input_init(struct ui_input *in, size_t max_bytes);
void ui_input_release(struct ui_input *in);
void ui_input_clear(struct ui_input *in);
/* Edits with one typed key: printable characters append (up to max_bytes),
 * Backspace/DEL/^H delete the last character, ^U clears. Returns 1 when the
 * key was used, 0 otherwise (Enter, Esc, arrows, F-keys ... are not). */
int ui_input_key(struct ui_input *in, uint32_t key);
/* Draws "label text_" in cols columns, showing the tail when too long. */
void ui_input_draw(const struct ui_input *in, WINDOW *w, int y, int x, int cols, const char *label,
                   int focused);

/* --- dialogs ------------------------------------------------------------ */

/* Pushes a message box (confirm = 0: Enter or Esc closes) or a yes/no
 * question (confirm = 1: y or Enter is yes, n or Esc is no) over the current
 * view. done (may be NULL) is called once with ctx and the answer (1 yes, 0
 * no; a message box answers 1) just before the dialog closes. title and msg
 * are copied. */
void ui_dialog_push(struct ui_screen *s, const char *title, const char *msg, int confirm,
                    void (*done)(void *ctx, int yes), void *ctx);

/* Pushes the question a destructive action asks (close a visit, void a scan,
 * declare a count complete): only 'y' typed by hand answers yes, that is a
 * key alone in its burst, after a pause longer than the scan gap and with
 * none following within it (ui_screen_key_is_lone). Enter does not confirm,
 * and no key inside a scanner burst does anything; n or Esc typed alone
 * answer no. title and msg are copied; done (may be NULL) is called once
 * with ctx and the answer after the question has closed, so it may push or
 * pop views. */
void ui_confirm_push(struct ui_screen *s, const char *title, const char *msg,
                     void (*done)(void *ctx, int yes), void *ctx);

#endif
