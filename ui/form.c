/* Forms (ui/form.h): one input line per text field, a yes/no switch per
 * boolean field, drawn in a box over the screen or, when there are more
 * fields than fit, over the whole body with the current field kept in view. */
#include "ui/form.h"

#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/screen.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FORM_ACT_SAVE = UI_ACT_VIEW_BASE, FORM_ACT_CANCEL };

static const struct ui_action form_actions[] = {
    {FORM_ACT_SAVE,
     "save",
     2,
     {UI_KEY_ALT('o')},
     N_("Save"),
     "保存",
     N_("Save the form (Enter on the last field does too)"),
     "保存表单（在最后一栏按回车也可）"},
    {FORM_ACT_CANCEL,
     "cancel",
     0,
     {0x1B},
     N_("Cancel"),
     "取消",
     N_("Close the form without saving"),
     "不保存，关闭表单"},
};

struct form {
    struct ui_form_spec spec;
    char *detail;
    struct ui_input *in;
    int *val;        /* a yes/no field's value (0/1), a choice field's index */
    char (*num)[12]; /* a choice field's index as text, for values */
    size_t cur, top;
    int saved;
    char error[256];
};

static const char **form_values(struct form *f)
{
    const char **values = xcalloc(f->spec.nfields ? f->spec.nfields : 1, sizeof(*values));

    for (size_t i = 0; i < f->spec.nfields; i++)
        if (f->spec.fields[i].is_choice) {
            snprintf(f->num[i], sizeof(f->num[i]), "%d", f->val[i]);
            values[i] = f->num[i];
        } else {
            values[i] = f->spec.fields[i].is_bool ? (f->val[i] ? "1" : "0")
                                                  : (f->in[i].text.len ? f->in[i].text.ptr : "");
        }
    return values;
}

static int form_save(struct ui_view *v)
{
    struct form *f = v->data;
    const char **values = form_values(f);
    int rc;

    f->error[0] = '\0';
    rc = f->spec.submit(f->spec.ctx, v->scr, values, f->error);
    free(values);
    if (rc) {
        ui_screen_alert(v->scr, UI_SEV_WARN);
        return 0;
    }
    f->saved = 1;
    ui_screen_pop(v->scr);
    return 1;
}

static void form_confirmed(void *ctx, int yes)
{
    if (yes)
        form_save(ctx);
}

/* Saves, after the confirmation the spec asks for, if any. */
static void form_submit(struct ui_view *v)
{
    struct form *f = v->data;
    const char **values;
    char title[128] = "", text[256] = "";
    int ask;

    if (!f->spec.confirm) {
        form_save(v);
        return;
    }
    values = form_values(f);
    ask = f->spec.confirm(f->spec.ctx, values, title, text);
    free(values);
    if (ask)
        ui_confirm_push(v->scr, title, text, form_confirmed, v);
    else
        form_save(v);
}

static void form_move(struct form *f, int dir)
{
    if (dir > 0 && f->cur + 1 < f->spec.nfields)
        f->cur++;
    else if (dir < 0 && f->cur > 0)
        f->cur--;
}

static int form_text(struct ui_view *v, uint32_t key)
{
    struct form *f = v->data;
    const struct ui_form_field *fd = &f->spec.fields[f->cur];

    if (key == '\t' || key == SCAN_KEY_SPECIAL(KEY_DOWN)) {
        form_move(f, 1);
        return 1;
    }
    if (key == SCAN_KEY_SPECIAL(KEY_UP) || key == SCAN_KEY_SPECIAL(KEY_BTAB)) {
        form_move(f, -1);
        return 1;
    }
    if (key == '\r' || key == '\n' || key == SCAN_KEY_SPECIAL(KEY_ENTER)) {
        if (f->cur + 1 < f->spec.nfields && !f->spec.enter_saves)
            form_move(f, 1);
        else
            form_submit(v);
        return 1;
    }
    if (fd->is_choice) {
        int n = f->spec.choice(f->spec.ctx, f->cur, -1, NULL, 0);
        if (n > 0 && (key == SCAN_KEY_SPECIAL(KEY_RIGHT) || key == ' ' || key == '+'))
            f->val[f->cur] = (f->val[f->cur] + 1) % n;
        else if (n > 0 && (key == SCAN_KEY_SPECIAL(KEY_LEFT) || key == '-'))
            f->val[f->cur] = (f->val[f->cur] + n - 1) % n;
        else if (key >= '1' && key <= '9' && (int)(key - '1') < n)
            f->val[f->cur] = (int)(key - '1'); /* the nth option */
        else
            return key >= 0x20 && key < 0x7F; /* no text in a choice */
        return 1;
    }
    if (fd->is_bool) {
        if (key == ' ' || key == 'y' || key == 'Y' || key == 'n' || key == 'N') {
            f->val[f->cur] = key == ' ' ? !f->val[f->cur] : (key == 'y' || key == 'Y');
            return 1;
        }
        return 0;
    }
    if (fd->digits && key >= 0x20 && key < 0x7F && (key < '0' || key > '9'))
        return 1; /* swallowed: the field takes digits only */
    return ui_input_key(&f->in[f->cur], key);
}

static void form_scan(struct ui_view *v, const char *code, size_t len)
{
    struct form *f = v->data;

    if (f->spec.scan_fills) {
        /* the field being edited takes the code (an amount, an id) */
        const struct ui_form_field *fd = &f->spec.fields[f->cur];
        if (fd->is_bool || fd->is_choice)
            return;
        ui_input_clear(&f->in[f->cur]);
        for (size_t i = 0; i < len; i++)
            ui_input_key(&f->in[f->cur], (unsigned char)code[i]);
    } else if (f->spec.scan) {
        f->spec.scan(f->spec.ctx, v->scr, code, len);
    } else {
        ui_screen_scan_visit(v->scr, code);
    }
}

static int form_action(struct ui_view *v, int id)
{
    switch (id) {
    case FORM_ACT_SAVE: form_submit(v); return 1;
    case FORM_ACT_CANCEL:
    case UI_ACT_BACK: ui_screen_pop(v->scr); return 1;
    default: return id != UI_ACT_QUIT && id != UI_ACT_HELP; /* modal */
    }
}

static void form_draw(struct ui_view *v, WINDOW *w)
{
    struct form *f = v->data;
    int n = (int)f->spec.nfields;
    int bw = v->cols - 4 > 90 ? 90 : v->cols - 4;
    int extra = f->detail ? 1 : 0; /* the detail line */
    int bh = n + 6 + extra, by, bx = (v->cols - bw) / 2, rows;
    int lw = 0;

    if (bw < 20)
        return;
    if (bh > v->rows)
        bh = v->rows;
    by = (v->rows - bh) / 2;
    rows = bh - 6 - extra > 1 ? bh - 6 - extra : 1; /* field rows shown */
    if ((int)f->cur < (int)f->top)
        f->top = f->cur;
    if ((int)f->cur >= (int)f->top + rows)
        f->top = f->cur - (size_t)rows + 1;
    for (size_t i = 0; i < f->spec.nfields; i++) {
        int l = (int)utf8_width(ui_tr(f->spec.fields[i].label_en, f->spec.fields[i].label_zh));
        if (l > lw)
            lw = l;
    }
    if (lw > bw / 2)
        lw = bw / 2;
    for (int i = 0; i < bh; i++)
        ui_fill(w, by + i, bx, bw, UI_ROLE_DIALOG);
    ui_put(w, by, bx, bw, ui_tr(f->spec.title_en, f->spec.title_zh), UI_ALIGN_CENTER,
           UI_ROLE_TITLE);
    if (f->spec.hint_en)
        ui_put(w, by + 1, bx + 2, bw - 4, ui_tr(f->spec.hint_en, f->spec.hint_zh), UI_ALIGN_LEFT,
               UI_ROLE_DIALOG);
    if (f->detail)
        ui_put(w, by + 2, bx + 2, bw - 4, f->detail, UI_ALIGN_LEFT, UI_ROLE_DIALOG);
    for (int r = 0; r < rows && f->top + (size_t)r < f->spec.nfields; r++) {
        size_t i = f->top + (size_t)r;
        const struct ui_form_field *fd = &f->spec.fields[i];
        int y = by + 2 + extra + r, focused = i == f->cur;

        ui_put(w, y, bx + 2, lw, ui_tr(fd->label_en, fd->label_zh), UI_ALIGN_RIGHT,
               focused ? UI_ROLE_TITLE : UI_ROLE_DIALOG);
        if (fd->is_choice) {
            char text[256] = "", shown[272];
            f->spec.choice(f->spec.ctx, i, f->val[i], text, sizeof(text));
            snprintf(shown, sizeof(shown), "< %s >", text);
            ui_put(w, y, bx + 3 + lw, bw - lw - 5, shown, UI_ALIGN_LEFT,
                   focused ? UI_ROLE_INPUT : UI_ROLE_DIALOG);
        } else if (fd->is_bool)
            ui_put(w, y, bx + 3 + lw, bw - lw - 5,
                   f->val[i] ? ui_tr("[x] yes", "[x] 是") : ui_tr("[ ] no", "[ ] 否"),
                   UI_ALIGN_LEFT, focused ? UI_ROLE_INPUT : UI_ROLE_DIALOG);
        else
            ui_input_draw(&f->in[i], w, y, bx + 3 + lw, bw - lw - 5, "", focused);
    }
    if (f->error[0])
        ui_put(w, by + bh - 3, bx + 2, bw - 4, f->error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
    ui_put(w, by + bh - 2, bx + 2, bw - 4,
           f->spec.enter_saves
               ? ui_tr("Tab: next field   Enter/F2: save   Esc: cancel",
                       "Tab：下一栏   回车/F2：保存   Esc：取消")
               : ui_tr("Tab/Enter: next   Space: yes/no   F2 or Alt-o: save   Esc: cancel",
                       "Tab/回车：下一栏   空格：是/否   F2 或 Alt-o：保存   Esc：取消"),
           UI_ALIGN_CENTER, UI_ROLE_DIALOG);
}

static const char *form_title(struct ui_view *v)
{
    struct form *f = v->data;
    return ui_tr(f->spec.title_en, f->spec.title_zh);
}

static void form_destroy(struct ui_view *v)
{
    struct form *f = v->data;

    if (!f->saved && f->spec.cancel)
        f->spec.cancel(f->spec.ctx);
    if (f->spec.release)
        f->spec.release(f->spec.ctx);
    for (size_t i = 0; i < f->spec.nfields; i++)
        ui_input_release(&f->in[i]);
}

static const struct ui_view_ops form_ops = {
    .name = "form",
    UI_VIEW_ACTIONS(form_actions),
    .overlay = 1,
    .draw = form_draw,
    .action = form_action,
    .text = form_text,
    .scan = form_scan,
    .title = form_title,
    .destroy = form_destroy,
};

void ui_form_push(struct ui_screen *s, const struct ui_form_spec *spec)
{
    struct ui_view *v = ui_view_make(&form_ops, sizeof(struct form));
    struct form *f = v->data;

    f->spec = *spec;
    f->spec.initial = NULL;
    f->spec.detail = NULL;
    f->detail = spec->detail ? xstrdup(spec->detail) : NULL;
    f->cur = spec->first < spec->nfields ? spec->first : 0;
    f->in = xcalloc(spec->nfields ? spec->nfields : 1, sizeof(*f->in));
    f->val = xcalloc(spec->nfields ? spec->nfields : 1, sizeof(*f->val));
    f->num = xcalloc(spec->nfields ? spec->nfields : 1, sizeof(*f->num));
    ui_view_owns(v, &f->detail);
    ui_view_owns(v, &f->in);
    ui_view_owns(v, &f->val);
    ui_view_owns(v, &f->num);
    for (size_t i = 0; i < spec->nfields; i++) {
        const char *init = spec->initial ? spec->initial[i] : NULL;
        ui_input_init(&f->in[i], spec->fields[i].max_bytes ? spec->fields[i].max_bytes : 255);
        if (init && spec->fields[i].is_choice)
            f->val[i] = atoi(init);
        else if (init && spec->fields[i].is_bool)
            f->val[i] = !strcmp(init, "1");
        else if (init)
            buf_adds(&f->in[i].text, init);
    }
    ui_screen_push(s, v);
}
