/* Help screen (F1), generated from the keymap: the current view's own actions
 * first, then the global ones, each with its keys, label and help text in the
 * UI language. Nothing here is written by hand per screen, so the help can
 * never disagree with the bindings. */
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct help {
    const struct ui_action **rows;
    size_t nrows;
    char under_name[64];
    struct ui_table table;
};

static const struct ui_table_col help_cols[] = {
    {N_("Keys"), "按键", 18, UI_ALIGN_LEFT, 0, 0},
    {N_("Action"), "功能", 12, UI_ALIGN_LEFT, 0, 0},
    {N_("Description"), "说明", 0, UI_ALIGN_LEFT, 0, 0},
};

static void help_cell(void *ctx, size_t row, int col, struct buf *out)
{
    struct help *h = ctx;
    const struct ui_action *a = h->rows[row];
    char keys[64];

    switch (col) {
    case 0:
        keymap_keys_text(a, keys, sizeof(keys));
        buf_adds(out, keys);
        break;
    case 1: buf_adds(out, keymap_label(a)); break;
    default: buf_adds(out, keymap_help(a)); break;
    }
}

static void help_draw(struct ui_view *v, WINDOW *w)
{
    struct help *h = v->data;

    ui_put(w, 0, 1, v->cols - 2,
           ui_tr("Keys of this screen, then keys that work everywhere. A scan works on every "
                 "screen and never acts as a key.",
                 "先列本屏按键，再列通用按键。任何屏幕都可扫码，扫码不会被当作按键。"),
           UI_ALIGN_LEFT, UI_ROLE_DIM);
    ui_table_draw(&h->table, w, 2, 1, v->rows - 4, v->cols - 2, 1);
    /* the F-keys desktop terminals keep for themselves (docs/user-guide) */
    ui_put_wrapped(
        w, v->rows - 2, 1, v->cols - 2, 2,
        ui_tr("Terminals take some F-keys: GNOME Terminal and MATE Terminal F1 F10 F11, "
              "deepin-terminal F2 F11, xfce4-terminal F1 F10 F11. Use the second key "
              "shown here (Alt-letter, Ctrl-letter) or the command barcode card.",
              "部分终端占用功能键：GNOME 终端和 MATE 终端占用 F1 F10 F11，深度终端占用 F2 "
              "F11，xfce4 终端占用 F1 F10 F11。请改用此处列出的第二个按键（Alt+字母、Ctrl+"
              "字母）或命令条码卡。"),
        UI_ROLE_WARN);
}

static int help_action(struct ui_view *v, int id)
{
    struct help *h = v->data;

    if (ui_table_action(&h->table, id))
        return 1;
    return id == UI_ACT_OPEN; /* nothing to open; swallow it */
}

static const struct ui_view_ops help_ops = {
    .name = "help",
    .title_en = N_("Help"),
    .title_zh = "帮助",
    .draw = help_draw,
    .action = help_action,
};

struct ui_view *view_help_new(const struct ui_view *under)
{
    struct ui_view *v = ui_view_make(&help_ops, sizeof(struct help));
    struct help *h = v->data;
    size_t nglobal, nextra = under ? under->ops->nactions : 0;
    const struct ui_action *global = keymap_global(&nglobal);

    h->rows = xreallocarray(NULL, nglobal + nextra + 1, sizeof(*h->rows));
    ui_view_owns(v, &h->rows);
    for (size_t i = 0; i < nextra; i++)
        h->rows[h->nrows++] = &under->ops->actions[i];
    for (size_t i = 0; i < nglobal; i++)
        h->rows[h->nrows++] = &global[i];
    snprintf(h->under_name, sizeof(h->under_name), "%s",
             under && under->ops->name ? under->ops->name : "");
    ui_view_table(v, &h->table, help_cols, UI_COUNT(help_cols), help_cell);
    ui_table_set_rows(&h->table, h->nrows);
    return v;
}
