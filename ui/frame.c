/* The screen framework (ui/frame.h): the state, title and owned tables,
 * inputs and arrays of a view, and the drawing and keys list screens
 * share. */
#include "ui/frame.h"

#include "core/base/clock.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"
#include "ui/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum owned_kind { OWN_TABLE, OWN_INPUT, OWN_ARRAY };

struct ui_view_owned {
    enum owned_kind kind;
    void *p; /* the table, the input, or the address of the array's pointer */
};

struct ui_view *ui_view_make(const struct ui_view_ops *ops, size_t size)
{
    return ui_view_new(ops, xcalloc(1, size ? size : 1));
}

struct ui_view *ui_view_open(const struct ui_view_ops *ops, const struct ui_app *app,
                             const struct ui_visit_row *row)
{
    struct ui_view *v = ui_view_make(ops, ops->size);

    if (row) {
        struct ui_visit_view *vv = v->data;

        if (ops->size < sizeof(*vv))
            BUG("%s: a visit's screen without its visit", ops->name);
        vv->app = app;
        vv->row = *row;
        ui_view_visit_title(v, row->id);
    }
    if (ops->init)
        ops->init(v, app);
    return v;
}

void ui_visit_view_close(struct ui_view *v)
{
    const struct ui_visit_view *vv = v->data;

    if (vv->app->close && vv->row.is_open)
        ui_screen_push(v->scr, view_close_new(vv->app, &vv->row, 1));
}

void ui_visit_view_records(struct ui_view *v)
{
    const struct ui_visit_view *vv = v->data;

    if (vv->app->records)
        ui_screen_push(v->scr, ui_view_open(&view_records_ops, vv->app, &vv->row));
}

static void own(struct ui_view *v, enum owned_kind kind, void *p)
{
    struct ui_view_owned o = {kind, p};

    v->owned = ui_append(v->owned, &v->nowned, &v->owned_cap, &o, sizeof(o));
}

void ui_view_subtitle(struct ui_view *v, const char *text)
{
    snprintf(v->subtitle, sizeof(v->subtitle), "%s", text ? text : "");
}

void ui_view_visit_title(struct ui_view *v, const char *visit_id)
{
    snprintf(v->subtitle, sizeof(v->subtitle), "%.8s", visit_id);
}

struct ui_table *ui_view_table(struct ui_view *v, struct ui_table *t,
                               const struct ui_table_col *cols, size_t ncols,
                               void (*cell)(void *ctx, size_t row, int col, struct buf *out))
{
    ui_table_init(t, cols, (int)ncols, v->data, cell);
    own(v, OWN_TABLE, t);
    return t;
}

void ui_view_input(struct ui_view *v, struct ui_input *in, size_t max_bytes)
{
    ui_input_init(in, max_bytes);
    own(v, OWN_INPUT, in);
}

void ui_view_owns(struct ui_view *v, void *ptr_addr)
{
    own(v, OWN_ARRAY, ptr_addr);
}

void ui_view_release(struct ui_view *v)
{
    for (size_t i = 0; i < v->nowned; i++) {
        void *array;

        switch (v->owned[i].kind) {
        case OWN_TABLE: ui_table_release(v->owned[i].p); break;
        case OWN_INPUT: ui_input_release(v->owned[i].p); break;
        case OWN_ARRAY:
            /* the address of a T * member: read it as the pointer it holds */
            memcpy(&array, v->owned[i].p, sizeof(array));
            free(array);
            break;
        }
    }
    free(v->owned);
    v->owned = NULL;
    v->nowned = v->owned_cap = 0;
}

const char *ui_view_title(struct ui_view *v)
{
    const char *t = v->ops->title ? v->ops->title(v) : NULL;

    if (t)
        return t;
    if (!v->ops->title_en)
        return v->ops->name;
    snprintf(v->title, sizeof(v->title), v->subtitle[0] ? "%s %s" : "%s",
             ui_tr(v->ops->title_en, v->ops->title_zh), v->subtitle);
    return v->title;
}

void *ui_append(void *arr, size_t *n, size_t *cap, const void *item, size_t size)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        arr = xreallocarray(arr, *cap, size);
    }
    memcpy((char *)arr + *n * size, item, size);
    (*n)++;
    return arr;
}

void ui_cell_time(struct buf *out, int64_t ms)
{
    char when[CLOCK_ISO_MAX];

    clock_format_short(ms, when);
    buf_adds(out, strlen(when) > 11 ? when + 11 : when); /* "YYYY-MM-DD HH:MM" */
}

void ui_error_text(char *out, size_t cap, int rc, const struct fc_error *err)
{
    snprintf(out, cap, "%s",
             err->msg_local[0] ? err->msg_local
             : err->msg[0]     ? err->msg
                               : fc_strerror(rc));
}

void ui_screen_error(struct ui_screen *s, enum ui_role role, int rc, const struct fc_error *err)
{
    char msg[256];

    ui_error_text(msg, sizeof(msg), rc, err);
    ui_screen_message(s, role, "%s", msg);
}

void ui_view_draw_table(struct ui_view *v, WINDOW *w, struct ui_table *t, int y, int focused,
                        const char *error)
{
    int has_error = error && error[0];

    ui_table_draw(t, w, y, 1, v->rows - y - has_error, v->cols - 2, focused);
    ui_view_draw_error(v, w, error);
}

void ui_view_draw_error(struct ui_view *v, WINDOW *w, const char *error)
{
    if (error && error[0])
        ui_put(w, v->rows - 1, 1, v->cols - 2, error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
}

void ui_view_heading(struct ui_view *v, WINDOW *w, int y, const char *text, int focused)
{
    ui_put(w, y, 1, v->cols - 2, text, UI_ALIGN_LEFT, focused ? UI_ROLE_TITLE : UI_ROLE_HEADER);
}

int ui_view_draw_qr(struct ui_view *v, WINDOW *w, int y, int limit, const char *const *qr,
                    const char *too_small)
{
    int n = 0;
    size_t width = 0;

    while (qr && qr[n] && qr[n][0]) {
        if (utf8_width(qr[n]) > width)
            width = utf8_width(qr[n]);
        n++;
    }
    if (!n)
        return y;
    if (y + n >= limit || (int)width > v->cols - 2) {
        ui_put(w, y++, 1, v->cols - 2, too_small, UI_ALIGN_CENTER, UI_ROLE_DIM);
        return y;
    }
    for (int i = 0; i < n; i++)
        ui_put(w, y++, 1, v->cols - 2, qr[i], UI_ALIGN_CENTER, UI_ROLE_QR);
    return y;
}

int ui_view_input_key(struct ui_view *v, struct ui_input *in, uint32_t key,
                      void (*enter)(struct ui_view *v, const char *text))
{
    char *text;

    if (key != '\r' && key != '\n' && key != SCAN_KEY_SPECIAL(KEY_ENTER))
        return ui_input_key(in, key);
    if (!in->text.len)
        return 0;
    text = xstrdup(in->text.ptr);
    ui_input_clear(in);
    enter(v, text);
    free(text);
    return 1;
}

int ui_tables_action(struct ui_table *const *tables, int n, int *focus, int action_id)
{
    if (action_id == UI_ACT_NEXT_PANE) {
        *focus = (*focus + 1) % n;
        return 1;
    }
    return ui_table_action(tables[*focus], action_id);
}
