/* The screen framework: what every screen in ui/ shares, so that a view's
 * file holds what it shows and little else.
 *
 * A screen is a struct ui_view_ops (ui/screen.h) and a state struct. The
 * framework owns the frame around them:
 *   - the state: ui_view_open() allocates it (ops.size, zeroed) as v->data
 *     and calls ops.init to set it up; ui_view_make() for views that need
 *     more than the app; the screen frees it with the view;
 *   - the title: ops.title_en/title_zh, a static label in both languages,
 *     followed by the view's subtitle when it has one (ui_view_subtitle;
 *     ui_view_visit_title for the first 8 characters of a visit id);
 *   - what the state holds: tables and input lines initialised through
 *     ui_view_table()/ui_view_input(), and arrays named with ui_view_owns(),
 *     are released when the view is destroyed, so ops.destroy is needed only
 *     for what the framework does not know (a window of rows, a model's
 *     callback);
 *   - a visit's screens: the app and the visit's row (struct ui_visit_view),
 *     the visit id in the title, the close and records screens they open;
 *   - the drawing and keys list screens repeat: a table down to the bottom
 *     with an error line under it, section headings that show which table
 *     has the focus, Tab between tables, an input line sending its text with
 *     Enter, a QR code drawn whole or not at all, rows emitted by a model
 *     appended to a growing array, a model's error in words.
 * Call order and ownership of views are as in ui/screen.h; ui/ still sees
 * the app only through the models of ui/ui.h. */
#ifndef FC_UI_FRAME_H
#define FC_UI_FRAME_H

#include "core/base/error.h"
#include "ui/screen.h"
#include "ui/widget.h"

#include <stddef.h>

/* A visit's screens (the generic one, night check, stock count, worksheet,
 * close, records) start their state with this: the app and the visit. */
struct ui_visit_view {
    const struct ui_app *app;
    struct ui_visit_row row;
};

/* Number of elements of an array (a table of columns or actions). */
#define UI_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* The actions field pair of a struct ui_view_ops initialiser. */
#define UI_VIEW_ACTIONS(a) .actions = (a), .nactions = UI_COUNT(a)

/* A view with a zeroed state of size bytes as v->data (never NULL). */
struct ui_view *ui_view_make(const struct ui_view_ops *ops, size_t size);

/* The view that ops describes (ops.size, ops.init), never NULL: its state
 * zeroed; for a visit's screen (row not NULL) the state's first member, a
 * struct ui_visit_view, set to app and a copy of row, and the visit id as
 * the title's subtitle; then ops.init(v, app) when set. */
struct ui_view *ui_view_open(const struct ui_view_ops *ops, const struct ui_app *app,
                             const struct ui_visit_row *row);
/* The close action of a visit's screen: the close screen over it, while the
 * visit is open and the app can close one (leaving it after the close also
 * leaves this screen). */
void ui_visit_view_close(struct ui_view *v);
/* The records action of a visit's screen: the visit's records screen, when
 * the app has a records model. */
void ui_visit_view_records(struct ui_view *v);

/* What follows the static title (copied, cut to fit; NULL or "" for none). */
void ui_view_subtitle(struct ui_view *v, const char *text);
/* The subtitle of a visit's screens: the visit id's first 8 characters. */
void ui_view_visit_title(struct ui_view *v, const char *visit_id);

/* Initialises t (a member of v->data) with its columns, v->data as the cell
 * callback's context, and releases it with the view. Returns t. */
struct ui_table *ui_view_table(struct ui_view *v, struct ui_table *t,
                               const struct ui_table_col *cols, size_t ncols,
                               void (*cell)(void *ctx, size_t row, int col, struct buf *out));
/* Initialises in (a member of v->data) and releases it with the view. */
void ui_view_input(struct ui_view *v, struct ui_input *in, size_t max_bytes);
/* ptr_addr is the address of a pointer member of v->data (T **): whatever
 * it points to when the view is destroyed is freed. */
void ui_view_owns(struct ui_view *v, void *ptr_addr);

/* Releases what the framework owns of v (called by the screen, after
 * ops.destroy, before v->data is freed). */
void ui_view_release(struct ui_view *v);
/* The status line's title of v: ops.title(), else the static title and the
 * subtitle, else ops.name. Borrowed until the next call for v. */
const char *ui_view_title(struct ui_view *v);

/* Appends the size bytes at item to arr (n elements, room for *cap),
 * growing it as needed; returns the array, which may have moved. */
void *ui_append(void *arr, size_t *n, size_t *cap, const void *item, size_t size);

/* The time of day (HH:MM) of ms, for a table cell. */
void ui_cell_time(struct buf *out, int64_t ms);

/* A model's error in words: the local message, else the message, else the
 * code's. */
void ui_error_text(char *out, size_t cap, int rc, const struct fc_error *err);

/* A model's error (ui_error_text) on the message line in role. */
void ui_screen_error(struct ui_screen *s, enum ui_role role, int rc, const struct fc_error *err);

/* Draws t from row y of the body down to its bottom, columns 1 to cols-2,
 * leaving the last row to error when error is not "" (in the anomaly
 * role). focused: the table has the keys. */
void ui_view_draw_table(struct ui_view *v, WINDOW *w, struct ui_table *t, int y, int focused,
                        const char *error);
/* The error line: error on the body's last row in the anomaly role, when
 * error is not "" (NULL: none). */
void ui_view_draw_error(struct ui_view *v, WINDOW *w, const char *error);
/* A section heading on row y across the body: the title role when its table
 * has the focus, the header role otherwise. */
void ui_view_heading(struct ui_view *v, WINDOW *w, int y, const char *text, int focused);

/* Draws the rows of a QR code (NULL-or-""-terminated; NULL draws nothing)
 * centred from row y, whole when y plus its height is below limit and it is
 * as narrow as the body, else too_small on row y: a cut QR cannot be read.
 * Returns the row after what it drew. */
int ui_view_draw_qr(struct ui_view *v, WINDOW *w, int y, int limit, const char *const *qr,
                    const char *too_small);

/* A typed key for the input line in of v that sends its text with Enter:
 * Enter on a line with text clears the line and calls enter with a copy of
 * the text (1); Enter on an empty line is left to the keymap (0), so that it
 * opens the selected row; any other key edits the line (ui_input_key). */
int ui_view_input_key(struct ui_view *v, struct ui_input *in, uint32_t key,
                      void (*enter)(struct ui_view *v, const char *text));

/* Keys of a screen with n tables (n >= 1), the one at *focus having them:
 * Tab moves the focus to the next table, the rest goes to the focused
 * table. 1 when handled. */
int ui_tables_action(struct ui_table *const *tables, int n, int *focus, int action_id);

#endif
