/* Widgets shared by every screen. Text is always fitted by display width
 * (core/base/utf8.h) before it reaches curses, and each cell is drawn at an
 * absolute column, so one odd character can shift at most its own cell. The
 * table and the input line keep their state in plain structs so their logic
 * is tested without a terminal. */
#include "ui/widget.h"

#include "core/base/text.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"
#include "ui/screen.h"

#include <stdlib.h>
#include <strings.h>
#include <string.h>

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

/* Copies s into out through the terminal text filter: control, bidi and
 * invalid bytes shown as the CLI shows them ("\x1b", "\u202e"). */
static void sanitize(struct buf *out, const char *s)
{
    text_escape_str(out, s);
}

static void add_spaces(struct buf *out, size_t n)
{
    while (n--)
        buf_addch(out, ' ');
}

void ui_text_fit(struct buf *out, const char *s, size_t cols, enum ui_align align)
{
    struct buf clean = BUF_INIT;
    size_t w, cut, cutw;

    if (!cols)
        return;
    sanitize(&clean, s ? s : "");
    w = utf8_width(clean.ptr);
    if (w > cols) {
        cut = utf8_prefix_cols(clean.ptr, cols - 1, &cutw);
        buf_add(out, clean.ptr, cut);
        add_spaces(out, cols - 1 - cutw);
        buf_adds(out, ELLIPSIS);
        goto out;
    }
    if (align == UI_ALIGN_RIGHT) {
        add_spaces(out, cols - w);
        buf_add(out, clean.ptr, clean.len);
    } else if (align == UI_ALIGN_CENTER) {
        add_spaces(out, (cols - w) / 2);
        buf_add(out, clean.ptr, clean.len);
        add_spaces(out, cols - w - (cols - w) / 2);
    } else {
        buf_add(out, clean.ptr, clean.len);
        add_spaces(out, cols - w);
    }
out:
    buf_release(&clean);
}

void ui_put(WINDOW *w, int y, int x, int cols, const char *s, enum ui_align align, enum ui_role r)
{
    struct buf b = BUF_INIT;

    if (cols <= 0)
        return;
    ui_text_fit(&b, s, (size_t)cols, align);
    wattrset(w, theme_attr(r));
    mvwaddstr(w, y, x, b.ptr);
    wattrset(w, theme_attr(UI_ROLE_NORMAL));
    buf_release(&b);
}

size_t ui_text_wrap(const char *s, size_t cols)
{
    size_t len = strlen(s), fit = utf8_prefix_cols(s, cols, NULL);

    if (fit >= len)
        return len;
    if (s[fit] == ' ')
        return fit + 1;
    /* Chinese breaks between any two characters */
    if (fit) {
        uint32_t cp = 0;
        if (utf8_decode(s + fit, len - fit, &cp) > 0 && utf8_cp_width(cp) == 2)
            return fit;
    }
    for (size_t i = fit; i > 0; i--)
        if (s[i - 1] == ' ')
            return i;
    if (!fit) { /* not even one character fits: take one whole, never half */
        uint32_t cp;
        int n = utf8_decode(s, len, &cp);
        return n > 0 ? (size_t)n : 1;
    }
    return fit;
}

int ui_put_wrapped(WINDOW *w, int y, int x, int cols, int rows, const char *s, enum ui_role r)
{
    int n = 0;

    if (cols < 1)
        return 0;
    while (*s && n < rows) {
        size_t len = n == rows - 1 ? strlen(s) : ui_text_wrap(s, (size_t)cols), keep = len;
        char *line;

        while (keep && s[keep - 1] == ' ') /* the space the line breaks at */
            keep--;
        line = xstrndup(s, keep);
        ui_put(w, y + n, x, cols, line, UI_ALIGN_LEFT, r);
        free(line);
        s += len;
        n++;
    }
    return n;
}

void ui_fill(WINDOW *w, int y, int x, int cols, enum ui_role r)
{
    ui_put(w, y, x, cols, "", UI_ALIGN_LEFT, r);
}

/* --- table ------------------------------------------------------------- */

void ui_table_init(struct ui_table *t, const struct ui_table_col *cols, int ncols, void *ctx,
                   void (*cell)(void *ctx, size_t row, int col, struct buf *out))
{
    memset(t, 0, sizeof(*t));
    t->cols = cols;
    t->ncols = ncols;
    t->ctx = ctx;
    t->cell = cell;
    t->page = 10;
}

void ui_table_release(struct ui_table *t)
{
    free(t->vis);
    t->vis = NULL;
    t->nvis = 0;
}

static int default_filter(struct ui_table *t, size_t row, const char *text)
{
    struct buf b = BUF_INIT;
    int hit = 0;

    for (int c = 0; c < t->ncols && !hit; c++) {
        buf_reset(&b);
        t->cell(t->ctx, row, c, &b);
        hit = strstr(b.ptr, text) != NULL;
    }
    buf_release(&b);
    return hit;
}

static void clamp_scroll(struct ui_table *t)
{
    size_t page = t->page ? t->page : 1;

    if (!t->nvis) {
        t->sel = t->top = 0;
        return;
    }
    if (t->sel >= t->nvis)
        t->sel = t->nvis - 1;
    if (t->sel < t->top)
        t->top = t->sel;
    if (t->sel >= t->top + page)
        t->top = t->sel - page + 1;
    if (t->top + page > t->nvis)
        t->top = t->nvis > page ? t->nvis - page : 0;
}

static void table_refilter(struct ui_table *t)
{
    size_t keep = ui_table_selected(t);
    int placed = 0;

    free(t->vis);
    t->vis = xreallocarray(NULL, t->nrows ? t->nrows : 1, sizeof(*t->vis));
    t->nvis = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->filter_text[0]) {
            int hit = t->filter ? t->filter(t->ctx, r, t->filter_text)
                                : default_filter(t, r, t->filter_text);
            if (!hit)
                continue;
        }
        /* stay on the selected row, or the first shown one after it */
        if (keep != SIZE_MAX && !placed && r >= keep) {
            t->sel = t->nvis;
            placed = 1;
        }
        t->vis[t->nvis++] = r;
    }
    if (keep != SIZE_MAX && !placed)
        t->sel = t->nvis ? t->nvis - 1 : 0;
    clamp_scroll(t);
}

void ui_table_set_rows(struct ui_table *t, size_t nrows)
{
    t->nrows = nrows;
    table_refilter(t);
}

void ui_table_set_filter(struct ui_table *t, const char *text)
{
    snprintf(t->filter_text, sizeof(t->filter_text), "%s", text ? text : "");
    table_refilter(t);
}

size_t ui_table_selected(const struct ui_table *t)
{
    if (!t->vis || t->sel >= t->nvis)
        return SIZE_MAX;
    return t->vis[t->sel];
}

void ui_table_select(struct ui_table *t, size_t i)
{
    t->sel = i;
    clamp_scroll(t);
}

int ui_table_action(struct ui_table *t, int action_id)
{
    size_t page = t->page ? t->page : 1;

    switch (action_id) {
    case UI_ACT_UP: t->sel = t->sel ? t->sel - 1 : 0; break;
    case UI_ACT_DOWN: t->sel++; break;
    case UI_ACT_PAGE_UP: t->sel = t->sel > page ? t->sel - page : 0; break;
    case UI_ACT_PAGE_DOWN: t->sel += page; break;
    case UI_ACT_TOP: t->sel = 0; break;
    case UI_ACT_BOTTOM: t->sel = t->nvis ? t->nvis - 1 : 0; break;
    default: return 0;
    }
    clamp_scroll(t);
    return 1;
}

/* Widths of the columns in cols columns: fixed ones as given (shrunk from the
 * right when they do not fit), flexible ones share the rest; one space
 * separates columns. */
/* Column widths for a table cols wide; -1 for a column left out. */
static void table_widths(const struct ui_table *t, int cols, int *out)
{
    int fixed, nflex, left, ncols = t->ncols < 32 ? t->ncols : 32;
    int on[32];

    for (int c = 0; c < ncols; c++)
        on[c] = 1;
    for (;;) {
        int need = 0, n = 0, worst = -1;
        fixed = nflex = 0;
        for (int c = 0; c < ncols; c++) {
            if (!on[c])
                continue;
            fixed += t->cols[c].width + (n++ ? 1 : 0);
            if (!t->cols[c].width) {
                nflex++;
                need += t->cols[c].min_width;
            }
        }
        left = cols - fixed;
        if (left >= need)
            break;
        /* leave out the column of the lowest drop rank still shown */
        for (int c = 0; c < ncols; c++)
            if (on[c] && t->cols[c].drop && (worst < 0 || t->cols[c].drop < t->cols[worst].drop))
                worst = c;
        if (worst < 0)
            break;
        on[worst] = 0;
    }
    for (int c = 0; c < ncols; c++) {
        out[c] = on[c] ? t->cols[c].width : -1;
        if (on[c] && !out[c])
            out[c] = nflex && left > 0 ? left / nflex : 0;
    }
    if (nflex && left > 0)
        for (int c = ncols - 1; c >= 0; c--)
            if (on[c] && !t->cols[c].width) {
                out[c] += left % nflex;
                break;
            }
    /* too narrow: take columns away from the right */
    for (int c = ncols - 1, used = fixed + (left > 0 ? left : 0); c >= 0 && used > cols; c--) {
        int give;
        if (out[c] < 0)
            continue;
        give = used - cols < out[c] ? used - cols : out[c];
        out[c] -= give;
        used -= give;
    }
}

void ui_table_draw(struct ui_table *t, WINDOW *w, int y, int x, int h, int cols, int focused)
{
    int widths[32];
    struct buf b = BUF_INIT;
    int ncols = t->ncols < 32 ? t->ncols : 32;

    if (h < 1 || cols < 1)
        return;
    table_widths(t, cols, widths);
    ui_fill(w, y, x, cols, UI_ROLE_HEADER);
    for (int c = 0, cx = x; c < ncols; c++) {
        if (widths[c] < 0)
            continue;
        ui_put(w, y, cx, widths[c], ui_tr(t->cols[c].title_en, t->cols[c].title_zh),
               t->cols[c].align, UI_ROLE_HEADER);
        cx += widths[c] + 1;
    }
    t->page = h > 1 ? (size_t)(h - 1) : 1;
    clamp_scroll(t);
    for (int i = 0; i < h - 1; i++) {
        size_t vi = t->top + (size_t)i, row;
        enum ui_role role;
        if (vi >= t->nvis)
            break;
        row = t->vis[vi];
        role = t->row_role ? t->row_role(t->ctx, row) : UI_ROLE_NORMAL;
        if (vi == t->sel && focused)
            role = UI_ROLE_SELECTED;
        ui_fill(w, y + 1 + i, x, cols, role);
        for (int c = 0, cx = x; c < ncols; c++) {
            if (widths[c] < 0)
                continue;
            buf_reset(&b);
            t->cell(t->ctx, row, c, &b);
            ui_put(w, y + 1 + i, cx, widths[c], b.ptr, t->cols[c].align, role);
            cx += widths[c] + 1;
        }
    }
    if (!t->nvis)
        ui_put(w, y + 1, x, cols, ui_tr("(nothing to show)", "（无内容）"), UI_ALIGN_LEFT,
               UI_ROLE_DIM);
    buf_release(&b);
}

/* --- banner ------------------------------------------------------------- */

enum ui_role ui_severity_banner_role(enum ui_severity sev)
{
    switch (sev) {
    case UI_SEV_OK: return UI_ROLE_BANNER_OK;
    case UI_SEV_WARN: return UI_ROLE_BANNER_WARN;
    case UI_SEV_ANOMALY: return UI_ROLE_BANNER_ANOMALY;
    default: return UI_ROLE_STATUS;
    }
}

enum ui_role ui_severity_role(enum ui_severity sev)
{
    switch (sev) {
    case UI_SEV_OK: return UI_ROLE_OK;
    case UI_SEV_WARN: return UI_ROLE_WARN;
    case UI_SEV_ANOMALY: return UI_ROLE_ANOMALY;
    default: return UI_ROLE_NORMAL;
    }
}

void ui_banner_text(struct buf *out, const char *big, size_t cols)
{
    int latin, word;
    size_t start = out->len;

    big = big ? big : "";
    latin = utf8_width(big) == utf8_count(big);
    word = !strchr(big, ' ');
    for (const char *p = big; *p; p++)
        buf_addch(out, latin && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p);
    if (!latin || !word || !big[0] || 2 * utf8_count(big) - 1 + 4 > cols)
        return;
    /* letter-space what was just written */
    {
        struct buf spaced = BUF_INIT;
        for (size_t i = start; i < out->len;) {
            uint32_t cp;
            int n = utf8_decode(out->ptr + i, out->len - i, &cp);
            n = n < 0 ? 1 : n;
            if (spaced.len)
                buf_addch(&spaced, ' ');
            buf_add(&spaced, out->ptr + i, (size_t)n);
            i += (size_t)n;
        }
        buf_truncate(out, start);
        buf_add(out, spaced.ptr, spaced.len);
        buf_release(&spaced);
    }
}

void ui_banner_draw(WINDOW *w, int y, int x, int h, int cols, enum ui_severity sev, const char *big,
                    const char *sub)
{
    enum ui_role role = ui_severity_banner_role(sev);
    struct buf text = BUF_INIT;
    int mid;

    if (h < 1 || cols < 1)
        return;
    for (int i = 0; i < h; i++)
        ui_fill(w, y + i, x, cols, role);
    ui_banner_text(&text, big, (size_t)cols);
    mid = y + (h - (sub && h > 1 ? 2 : 1)) / 2;
    ui_put(w, mid, x, cols, text.ptr, UI_ALIGN_CENTER, role);
    if (sub && h > 1)
        ui_put(w, mid + 1, x, cols, sub, UI_ALIGN_CENTER, role);
    buf_release(&text);
}

const char *ui_verdict_name(const struct ui_verdict *v)
{
    return v->label[0] ? v->label : v->verdict;
}

void ui_verdict_banner(WINDOW *w, int y, int x, int h, int cols, const struct ui_verdict *v)
{
    int cw = (int)strlen(v->verdict);

    ui_banner_draw(w, y, x, h, cols, v->severity, ui_verdict_name(v), v->message);
    /* the code in the corner, where it does not cover the centred label */
    if (v->label[0] && strcasecmp(v->label, v->verdict) && h >= 3 && cw + 2 < cols / 3)
        ui_put(w, y, x + cols - cw - 1, cw, v->verdict, UI_ALIGN_RIGHT,
               ui_severity_banner_role(v->severity));
}

const char *ui_kind_label(const char *label, const char *kind)
{
    return label && label[0] ? label : kind;
}

/* --- input line -------------------------------------------------------- */

void ui_input_init(struct ui_input *in, size_t max_bytes)
{
    buf_init(&in->text);
    in->max_bytes = max_bytes ? max_bytes : 256;
}

void ui_input_release(struct ui_input *in)
{
    buf_release(&in->text);
}

void ui_input_clear(struct ui_input *in)
{
    buf_reset(&in->text);
}

int ui_input_key(struct ui_input *in, uint32_t key)
{
    char enc[4];
    int n;

    if (key == 0x7F || key == 0x08 || key == SCAN_KEY_SPECIAL(KEY_BACKSPACE)) {
        size_t len = in->text.len;
        /* drop continuation bytes, then the lead byte */
        while (len && ((unsigned char)in->text.ptr[len - 1] & 0xC0) == 0x80)
            len--;
        if (len)
            len--;
        buf_truncate(&in->text, len);
        return 1;
    }
    if (key == 0x15) { /* ^U */
        buf_reset(&in->text);
        return 1;
    }
    if (!scan_key_is_printable(key))
        return 0;
    n = utf8_encode(key, enc);
    if (n <= 0)
        return 0;
    if (in->text.len + (size_t)n <= in->max_bytes)
        buf_add(&in->text, enc, (size_t)n);
    return 1;
}

void ui_input_draw(const struct ui_input *in, WINDOW *w, int y, int x, int cols, const char *label,
                   int focused)
{
    int lw = label ? (int)utf8_width(label) + 1 : 0;
    int room = cols - lw;
    const char *shown;
    struct buf b = BUF_INIT, all = BUF_INIT;

    if (cols <= 0)
        return;
    if (label)
        ui_put(w, y, x, lw < cols ? lw : cols, label, UI_ALIGN_LEFT, UI_ROLE_NORMAL);
    if (room <= 1)
        goto out;
    /* the focused line also shows what was just typed and is still held
     * by the scan assembler, so a key shows in the frame it arrives in */
    buf_adds(&all, in->text.ptr ? in->text.ptr : "");
    if (focused)
        buf_adds(&all, ui_screen_pending_text());
    shown = all.ptr ? all.ptr : "";
    /* show the tail, leaving a column for the cursor mark */
    while (*shown && utf8_width(shown) > (size_t)(room - 1)) {
        uint32_t cp;
        int n = utf8_decode(shown, strlen(shown), &cp);
        shown += n < 0 ? 1 : n;
    }
    buf_adds(&b, shown);
    if (focused)
        buf_addch(&b, '_');
    ui_put(w, y, x + lw, room, b.ptr, UI_ALIGN_LEFT, UI_ROLE_INPUT);
out:
    buf_release(&all);
    buf_release(&b);
}

/* --- dialogs ----------------------------------------------------------- */

struct dialog {
    char *title, *msg;
    int confirm;
    int deliberate; /* ui_confirm_push: yes only from a key typed alone */
    int told;       /* a 'y' arrived inside a burst: say how to confirm */
    void (*done)(void *ctx, int yes);
    void *ctx;
    int answered;
};

enum { DLG_ACT_YES = UI_ACT_VIEW_BASE, DLG_ACT_NO };

static const struct ui_action dialog_actions[] = {
    {DLG_ACT_YES,
     "yes",
     0,
     {'y', 'Y', '\r', '\n'},
     N_("Yes"),
     "是",
     N_("Answer yes / close"),
     "确认 / 关闭"},
    {DLG_ACT_NO, "no", 0, {'n', 'N', 0x1B}, N_("No"), "否", N_("Answer no / close"), "否 / 关闭"},
};

static void dialog_answer(struct ui_view *v, int yes)
{
    struct dialog *d = v->data;

    if (d->answered)
        return;
    d->answered = 1;
    if (d->done)
        d->done(d->ctx, d->confirm ? yes : 1);
    ui_screen_pop(v->scr);
}

static int dialog_action(struct ui_view *v, int id)
{
    if (id == DLG_ACT_YES || id == UI_ACT_OPEN) {
        dialog_answer(v, 1);
        return 1;
    }
    if (id == DLG_ACT_NO || id == UI_ACT_BACK) {
        dialog_answer(v, 0);
        return 1;
    }
    /* a modal box swallows navigation meant for the view under it */
    return id != UI_ACT_QUIT && id != UI_ACT_HELP;
}

static void dialog_draw(struct ui_view *v, WINDOW *w)
{
    struct dialog *d = v->data;
    int bw = v->cols - 8 > 70 ? 70 : v->cols - 8;
    int bh = 8, by = (v->rows - bh) / 2, bx = (v->cols - bw) / 2;
    const char *hint =
        d->deliberate
            ? (d->told ? ui_tr("Type y by hand, on its own, to confirm", "请手动单独按 y 键确认")
                       : ui_tr("y: yes    n / Esc: no", "y：是    n / Esc：否"))
        : d->confirm ? ui_tr("y / Enter: yes    n / Esc: no", "y / 回车：是    n / Esc：否")
                     : ui_tr("Enter: close", "回车：关闭");

    if (bw < 10 || by < 0)
        return;
    for (int i = 0; i < bh; i++)
        ui_fill(w, by + i, bx, bw, UI_ROLE_DIALOG);
    ui_put(w, by, bx, bw, d->title, UI_ALIGN_CENTER, UI_ROLE_TITLE);
    ui_put_wrapped(w, by + 2, bx + 2, bw - 4, 3, d->msg, UI_ROLE_DIALOG);
    ui_put(w, by + bh - 2, bx + 2, bw - 4, hint, UI_ALIGN_CENTER, UI_ROLE_DIALOG);
}

static const char *dialog_title(struct ui_view *v)
{
    return ((struct dialog *)v->data)->title;
}

static const struct ui_view_ops dialog_ops = {
    .name = "dialog",
    UI_VIEW_ACTIONS(dialog_actions),
    .overlay = 1,
    .draw = dialog_draw,
    .action = dialog_action,
    .title = dialog_title,
};

/* The deliberate question reads keys itself: only a 'y' typed alone (after
 * a pause, nothing following: ui_screen_key_is_lone) answers yes, so that no
 * barcode can confirm; every other key is swallowed. */
static void deliberate_answer(struct ui_view *v, int yes)
{
    struct dialog *d = v->data;

    if (d->answered)
        return;
    d->answered = 1;
    /* closed first, so that done may pop or push views; v stays allocated
     * until the event has been handled (the screen's dead list) */
    ui_screen_pop(v->scr);
    if (d->done)
        d->done(d->ctx, yes);
}

static int deliberate_text(struct ui_view *v, uint32_t key)
{
    struct dialog *d = v->data;
    int lone = ui_screen_key_is_lone(v->scr);

    if ((key == 'y' || key == 'Y') && lone) {
        deliberate_answer(v, 1);
    } else if ((key == 'n' || key == 'N' || key == 0x1B) && lone) {
        deliberate_answer(v, 0);
    } else if (key == 'y' || key == 'Y') {
        d->told = 1;
        ui_screen_dirty(v->scr);
    }
    return 1;
}

static int deliberate_action(struct ui_view *v, int id)
{
    if (id == UI_ACT_BACK && ui_screen_key_is_lone(v->scr)) {
        deliberate_answer(v, 0);
        return 1;
    }
    return id != UI_ACT_QUIT && id != UI_ACT_HELP;
}

static const struct ui_view_ops deliberate_ops = {
    .name = "confirm",
    .overlay = 1,
    .draw = dialog_draw,
    .action = deliberate_action,
    .text = deliberate_text,
    .title = dialog_title,
};

/* Pushes a dialog of ops with copies of title and msg. */
static void dialog_push(struct ui_screen *s, const struct ui_view_ops *ops, const char *title,
                        const char *msg, int confirm, void (*done)(void *ctx, int yes), void *ctx)
{
    struct ui_view *v = ui_view_make(ops, sizeof(struct dialog));
    struct dialog *d = v->data;

    d->title = xstrdup(title ? title : "");
    d->msg = xstrdup(msg ? msg : "");
    ui_view_owns(v, &d->title);
    ui_view_owns(v, &d->msg);
    d->confirm = confirm;
    d->deliberate = ops == &deliberate_ops;
    d->done = done;
    d->ctx = ctx;
    ui_screen_push(s, v);
}

void ui_confirm_push(struct ui_screen *s, const char *title, const char *msg,
                     void (*done)(void *ctx, int yes), void *ctx)
{
    dialog_push(s, &deliberate_ops, title, msg, 1, done, ctx);
}

void ui_dialog_push(struct ui_screen *s, const char *title, const char *msg, int confirm,
                    void (*done)(void *ctx, int yes), void *ctx)
{
    dialog_push(s, &dialog_ops, title, msg, confirm, done, ctx);
}
