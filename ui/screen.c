/* The screen manager: one loop reads every key (nothing else calls getch),
 * runs it through the scan assembler, dispatches the resulting events to the
 * top view, and redraws once per pass with wnoutrefresh/doupdate (ncdu, tig).
 * Beeps are scheduled on the loop's timeout rather than slept, so a scan
 * right after an anomaly is never delayed by the alert. */
#include "ui/screen.h"

#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/log.h"
#include "ui/scan_asm.h"
#include "ui/term.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MSG_SHOW_MS 8000
#define BEEP_SPACING_MS 150
#define DRAIN_MAX 8192 /* keys read per pass before the screen is redrawn */

_Static_assert(KEY_ENTER == 0527, "scan_asm.c restates KEY_ENTER as 0527");
_Static_assert(KEY_F0 == 0410, "scan_asm.c restates KEY_F0 as 0410");
_Static_assert(KEY_RESIZE == 0632, "scan_asm.c restates KEY_RESIZE as 0632");

enum bell_mode { BELL_BEEP, BELL_FLASH, BELL_OFF };

struct ui_screen {
    const struct ui_app *app;
    struct ui_view **stack;
    size_t depth, cap;
    struct ui_view **dead; /* popped, destroyed after the current event */
    size_t ndead, deadcap;

    SCREEN *term;
    WINDOW *in_w; /* 1x1, never drawn: keys are read here so reading never
                     refreshes a window that has pending changes */
    WINDOW *status_w, *body_w, *msg_w, *fkey_w;
    int rows, cols, too_small;
    int fkey_rows;    /* 1, or 2 when the key bar does not fit one row */
    int fkey_compact; /* "2Empty" rather than "F2Empty" */
    char note[160];   /* a standing note on the message line (ui_screen_note) */
    int64_t msg_set;  /* monotonic time the message was set */
    int running, quit, dirty;

    struct scan_asm sa;
    int key_lone;      /* the key being dispatched was typed alone, after a pause */
    int escdelay;      /* curses' wait after a lone ESC: the quiet period in force */
    char pending[128]; /* typed characters shown before their burst is decided */

    char msg[256];
    enum ui_role msg_role;
    int64_t msg_until;

    enum bell_mode bell;
    int beeps_left;
    int64_t next_beep;
    unsigned long alerts;
    int64_t next_clock; /* monotonic time of the next minute change */
    /* timings for tests/bench (FIELDCHECK_LOG_FRAMES): the first frame's
     * wall-clock time, and per frame that follows input the time from
     * reading its first key to the end of doupdate() */
    int first_frame_done, log_frames;
    int64_t input_us, events_us;
    int64_t looked_us; /* when the loop last found no more input waiting */
};

static struct ui_screen *active_screen;

int64_t ui_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct ui_view *ui_view_new(const struct ui_view_ops *ops, void *data)
{
    struct ui_view *v = xcalloc(1, sizeof(*v));

    if (!ops || !ops->draw)
        BUG("view without draw()");
    v->ops = ops;
    v->data = data;
    return v;
}

void ui_view_free(struct ui_view *v)
{
    if (!v)
        return;
    if (v->ops->destroy)
        v->ops->destroy(v);
    ui_view_release(v);
    free(v->data);
    free(v);
}

struct ui_screen *ui_screen_new(const struct ui_app *app)
{
    struct ui_screen *s = xcalloc(1, sizeof(*s));
    const char *bell = getenv("FIELDCHECK_BELL");

    s->app = app;
    s->fkey_rows = 1;
    scan_asm_init(&s->sa, scan_asm_gap_from_env());
    scan_asm_set_quiet(&s->sa, scan_asm_quiet_from_env());
    s->bell = bell && !strcmp(bell, "flash") ? BELL_FLASH
              : bell && !strcmp(bell, "off") ? BELL_OFF
                                             : BELL_BEEP;
    return s;
}

static void flush_dead(struct ui_screen *s)
{
    for (size_t i = 0; i < s->ndead; i++)
        ui_view_free(s->dead[i]);
    s->ndead = 0;
}

static void end_curses(struct ui_screen *s)
{
    if (!s->term)
        return;
    endwin();
    delscreen(s->term);
    s->term = NULL;
    s->status_w = s->body_w = s->msg_w = s->fkey_w = s->in_w = NULL;
}

void ui_screen_free(struct ui_screen *s)
{
    if (!s)
        return;
    while (s->depth)
        ui_view_free(s->stack[--s->depth]);
    flush_dead(s);
    free(s->stack);
    free(s->dead);
    scan_asm_release(&s->sa);
    if (active_screen == s)
        active_screen = NULL;
    free(s);
}

const struct ui_app *ui_screen_app(const struct ui_screen *s)
{
    return s->app;
}

struct ui_view *ui_screen_top(struct ui_screen *s)
{
    return s->depth ? s->stack[s->depth - 1] : NULL;
}

size_t ui_screen_depth(const struct ui_screen *s)
{
    return s->depth;
}

void ui_screen_quit(struct ui_screen *s)
{
    s->quit = 1;
}

void ui_screen_dirty(struct ui_screen *s)
{
    s->dirty = 1;
}

static int body_rows(const struct ui_screen *s)
{
    int n = s->rows - 2 - (s->fkey_rows ? s->fkey_rows : 1);
    return n > 1 ? n : 1;
}

static void view_resize(struct ui_screen *s, struct ui_view *v)
{
    v->rows = body_rows(s);
    v->cols = s->cols > 1 ? s->cols : 1;
    if (v->ops->resize)
        v->ops->resize(v, v->rows, v->cols);
}

static void view_enter(struct ui_screen *s, struct ui_view *v)
{
    if (v->rows != body_rows(s) || v->cols != s->cols)
        view_resize(s, v);
    ui_logf("view enter %s (depth %zu)", v->ops->name ? v->ops->name : "?", s->depth);
    if (v->ops->enter)
        v->ops->enter(v);
}

static void view_leave(struct ui_view *v)
{
    if (v->ops->leave)
        v->ops->leave(v);
}

void ui_screen_push(struct ui_screen *s, struct ui_view *v)
{
    if (s->depth == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->stack = xreallocarray(s->stack, s->cap, sizeof(*s->stack));
    }
    v->scr = s;
    if (s->running && s->depth)
        view_leave(ui_screen_top(s));
    s->stack[s->depth++] = v;
    if (s->running) {
        view_resize(s, v);
        view_enter(s, v);
    }
    s->dirty = 1;
}

static struct ui_view *detach_top(struct ui_screen *s)
{
    struct ui_view *v = s->stack[--s->depth];

    if (s->running)
        view_leave(v);
    /* an overlay may have cut wide characters of the view under it in two;
     * repaint everything rather than trust the terminal's idea of those cells */
    if (s->running && v->ops->overlay)
        clearok(curscr, TRUE);
    if (s->ndead == s->deadcap) {
        s->deadcap = s->deadcap ? s->deadcap * 2 : 4;
        s->dead = xreallocarray(s->dead, s->deadcap, sizeof(*s->dead));
    }
    s->dead[s->ndead++] = v;
    s->dirty = 1;
    return v;
}

void ui_screen_pop(struct ui_screen *s)
{
    if (s->depth <= 1)
        return;
    detach_top(s);
    if (s->running)
        view_enter(s, ui_screen_top(s));
}

void ui_screen_replace(struct ui_screen *s, struct ui_view *v)
{
    int was_running = s->running;

    if (s->depth) {
        detach_top(s);
        /* push must not call leave() on the uncovered view: it never entered */
        s->running = 0;
    }
    ui_screen_push(s, v);
    s->running = was_running;
    if (was_running) {
        view_resize(s, v);
        view_enter(s, v);
    }
}

void ui_screen_message(struct ui_screen *s, enum ui_role role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
    va_end(ap);
    s->msg_role = role;
    s->msg_set = ui_monotonic_ms();
    s->msg_until = s->msg_set + MSG_SHOW_MS;
    s->dirty = 1;
}

void ui_screen_note(struct ui_screen *s, const char *text)
{
    snprintf(s->note, sizeof(s->note), "%s", text ? text : "");
    s->dirty = 1;
}

void ui_screen_busy(struct ui_screen *s, const char *text)
{
    if (!s->term || s->too_small || !s->msg_w)
        return;
    ui_logf("busy: %s", text); /* gone from the screen before a test can read it */
    wbkgdset(s->msg_w, ' ' | theme_attr(UI_ROLE_NORMAL));
    werase(s->msg_w);
    ui_put(s->msg_w, 0, 0, s->cols, text, UI_ALIGN_LEFT, UI_ROLE_WARN);
    wnoutrefresh(s->msg_w);
    doupdate();
}

/* The hint a scanned code deserves when the keyboard looks to be in the
 * wrong state (ui/term.h), added to what the message line says. */
void ui_screen_scan_hint(struct ui_screen *s, const char *code, enum ui_severity sev)
{
    const char *hint = NULL;

    switch (ui_scan_hint_of(code)) {
    case UI_HINT_CAPS:
        if (sev == UI_SEV_OK)
            return; /* read without case where that is safe: nothing to say */
        hint = ui_tr("this scan arrived in lower case: is Caps Lock on?",
                     "扫码为小写字母：是否开启了大写锁定（Caps Lock）？");
        break;
    case UI_HINT_IME:
        hint = ui_tr("this scan holds Chinese or full-width characters: switch the input method "
                     "off (Ctrl+Space) before scanning",
                     "扫码中含中文或全角字符：请先关闭输入法（Ctrl+空格）再扫码");
        break;
    case UI_HINT_NONE: return;
    }
    ui_logf("scan hint: %s", hint);
    if (s->msg[0] && s->msg_set == ui_monotonic_ms())
        snprintf(s->msg + strlen(s->msg), sizeof(s->msg) - strlen(s->msg), "  | %s", hint);
    else
        ui_screen_message(s, UI_ROLE_WARN, "%s", hint);
}

static int beeps_for(enum ui_severity sev)
{
    switch (sev) {
    case UI_SEV_OK: return 1;
    case UI_SEV_WARN: return 2;
    case UI_SEV_ANOMALY: return 3;
    default: return 0;
    }
}

static void ring(struct ui_screen *s)
{
    if (!s->term || s->bell == BELL_OFF)
        return;
    if (s->bell == BELL_FLASH)
        flash();
    else
        beep();
}

static void run_beeps(struct ui_screen *s, int64_t now)
{
    while (s->beeps_left > 0 && now >= s->next_beep) {
        ring(s);
        s->beeps_left--;
        s->next_beep = now + BEEP_SPACING_MS;
    }
}

void ui_screen_alert(struct ui_screen *s, enum ui_severity sev)
{
    int n = beeps_for(sev);

    if (!n)
        return;
    s->alerts++;
    s->beeps_left = n;
    s->next_beep = ui_monotonic_ms();
    ui_logf("alert severity %d (%d beeps)", (int)sev, n);
    run_beeps(s, s->next_beep);
    s->dirty = 1;
}

unsigned long ui_screen_alert_count(const struct ui_screen *s)
{
    return s->alerts;
}

int ui_screen_submit_scan(struct ui_screen *s, const char *visit_id, const char *code,
                          enum ui_scan_how how, struct ui_verdict *out)
{
    struct fc_error err;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    fc_error_clear(&err);
    if (!s->app || !s->app->scan) {
        snprintf(out->verdict, sizeof(out->verdict), "NOT_RECORDED");
        snprintf(
            out->message, sizeof(out->message), "%s",
            ui_tr("no visit is open: the code was not recorded", "没有进行中的检查，未记录此码"));
        out->severity = UI_SEV_WARN;
    } else {
        rc = s->app->scan(s->app->user, visit_id, code, how, out, &err);
        if (rc < 0) {
            snprintf(out->verdict, sizeof(out->verdict), "ERROR");
            ui_error_text(out->message, sizeof(out->message), rc, &err);
            out->severity = UI_SEV_ANOMALY;
        }
    }
    {
        /* a code may be a resident ID: the log never holds it in clear */
        struct buf masked = BUF_INIT;
        mask_id(&masked, code);
        ui_logf("scan %s '%s' -> %s (%d)", how == UI_SCAN_BURST ? "burst" : "typed", masked.ptr,
                out->verdict, rc);
        buf_release(&masked);
    }
    ui_screen_alert(s, out->severity);
    if (how == UI_SCAN_BURST)
        ui_screen_scan_hint(s, code, out->severity);
    return rc;
}

/* --- layout and drawing ------------------------------------------------ */

static void free_windows(struct ui_screen *s)
{
    WINDOW **ws[] = {&s->status_w, &s->body_w, &s->msg_w, &s->fkey_w};

    for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
        if (*ws[i])
            delwin(*ws[i]);
        *ws[i] = NULL;
    }
}

static void layout(struct ui_screen *s)
{
    getmaxyx(stdscr, s->rows, s->cols);
    s->too_small = s->rows < UI_MIN_ROWS || s->cols < UI_MIN_COLS;
    free_windows(s);
    if (!s->too_small) {
        s->status_w = newwin(1, s->cols, 0, 0);
        s->body_w = newwin(body_rows(s), s->cols, 1, 0);
        s->msg_w = newwin(1, s->cols, s->rows - 1 - s->fkey_rows, 0);
        s->fkey_w = newwin(s->fkey_rows, s->cols, s->rows - s->fkey_rows, 0);
    }
    for (size_t i = 0; i < s->depth; i++)
        view_resize(s, s->stack[i]);
    ui_logf("layout %dx%d%s", s->cols, s->rows, s->too_small ? " (too small)" : "");
    clearok(curscr, TRUE);
    s->dirty = 1;
}

static void draw_too_small(struct ui_screen *s)
{
    char need[96];
    int y = s->rows / 2 - 2 > 0 ? s->rows / 2 - 2 : 0;

    wbkgdset(stdscr, ' ' | theme_attr(UI_ROLE_NORMAL));
    werase(stdscr);
    snprintf(need, sizeof(need), "%dx%d < %dx%d", s->cols, s->rows, UI_MIN_COLS, UI_MIN_ROWS);
    ui_put(stdscr, y, 0, s->cols, "terminal too small", UI_ALIGN_CENTER, UI_ROLE_WARN);
    ui_put(stdscr, y + 1, 0, s->cols, "终端窗口太小", UI_ALIGN_CENTER, UI_ROLE_WARN);
    ui_put(stdscr, y + 2, 0, s->cols, need, UI_ALIGN_CENTER, UI_ROLE_NORMAL);
    ui_put(stdscr, y + 3, 0, s->cols, "F10 quit / 退出", UI_ALIGN_CENTER, UI_ROLE_DIM);
    wnoutrefresh(stdscr);
}

static void draw_status(struct ui_screen *s)
{
    struct ui_status st;
    struct buf right = BUF_INIT, left = BUF_INIT;
    char when[CLOCK_ISO_MAX];
    struct ui_view *top = ui_screen_top(s);
    size_t rw;

    memset(&st, 0, sizeof(st));
    st.unsynced = -1;
    if (s->app && s->app->status)
        s->app->status(s->app->user, &st);
    if (st.visit[0])
        buf_addf(&right, "%s  ", st.visit);
    if (st.inspectors[0])
        buf_addf(&right, "%s  ", st.inspectors);
    if (st.unsynced >= 0)
        buf_addf(&right, "%s %ld  ", ui_tr("unsynced", "未同步"), st.unsynced);
    clock_format_short(clock_now_ms(), when);
    buf_addf(&right, "%s ", when);
    buf_addf(&left, " fieldcheck | %s", top ? ui_view_title(top) : "");
    rw = utf8_width(right.ptr);
    if (rw > (size_t)s->cols / 2 + 10)
        rw = (size_t)s->cols / 2 + 10;
    ui_put(s->status_w, 0, 0, s->cols - (int)rw, left.ptr, UI_ALIGN_LEFT, UI_ROLE_STATUS);
    ui_put(s->status_w, 0, s->cols - (int)rw, (int)rw, right.ptr, UI_ALIGN_RIGHT, UI_ROLE_STATUS);
    wnoutrefresh(s->status_w);
    buf_release(&right);
    buf_release(&left);
}

/* The key bar's entries: the F-key actions of the top view and the
 * global rows, in F-key order. */
static size_t fkey_entries(struct ui_screen *s, const struct ui_action *out[12], int nums[12])
{
    struct ui_view *top = ui_screen_top(s);
    const struct ui_action *extra = top ? top->ops->actions : NULL;
    size_t nextra = top ? top->ops->nactions : 0, n = 0;

    for (int f = 1; f <= 12; f++) {
        const struct ui_action *a = keymap_lookup(SCAN_KEY_SPECIAL(KEY_F(f)), extra, nextra);
        if (a) {
            out[n] = a;
            nums[n++] = f;
        }
    }
    return n;
}

static int fkey_entry_width(const struct ui_action *a, int num, int compact)
{
    return (num >= 10 ? 2 : 1) + (compact ? 0 : 1) + (int)utf8_width(keymap_label(a));
}

/* Rows and style of the key bar for cols: "F2Empty F3NoBand ..." on one row
 * when it fits, else without the F ("2Empty"), else on two rows. Every key
 * stays on screen at 80 columns, whatever the language. */
static void fkey_plan(struct ui_screen *s, int *rows, int *compact)
{
    const struct ui_action *a[12];
    int nums[12], w[2] = {-1, -1};
    size_t n = fkey_entries(s, a, nums);

    for (int c = 0; c < 2; c++)
        for (size_t i = 0; i < n; i++)
            w[c] += fkey_entry_width(a[i], nums[i], c) + 1;
    *rows = 1;
    *compact = 0;
    if (w[0] <= s->cols)
        return;
    *compact = 1;
    if (w[1] <= s->cols)
        return;
    *compact = 0;
    *rows = 2;
}

static void draw_fkeys(struct ui_screen *s)
{
    const struct ui_action *a[12];
    int nums[12], x = 0, y = 0;
    size_t n = fkey_entries(s, a, nums);

    wbkgdset(s->fkey_w, ' ' | theme_attr(UI_ROLE_NORMAL));
    werase(s->fkey_w);
    for (size_t i = 0; i < n; i++) {
        const char *label = keymap_label(a[i]);
        char num[8];
        int nw, lw = (int)utf8_width(label);

        snprintf(num, sizeof(num), s->fkey_compact ? "%d" : "F%d", nums[i]);
        nw = (int)strlen(num);
        if (x && x + nw + lw > s->cols && y + 1 < s->fkey_rows) {
            x = 0; /* the second row */
            y++;
        }
        if (x >= s->cols)
            break;
        ui_put(s->fkey_w, y, x, nw, num, UI_ALIGN_LEFT, UI_ROLE_FKEY);
        x += nw;
        if (x + lw > s->cols)
            lw = s->cols - x;
        ui_put(s->fkey_w, y, x, lw, label, UI_ALIGN_LEFT, UI_ROLE_FKEY_LABEL);
        x += lw + 1;
    }
    wnoutrefresh(s->fkey_w);
}

static void draw_msg(struct ui_screen *s)
{
    wbkgdset(s->msg_w, ' ' | theme_attr(UI_ROLE_NORMAL));
    werase(s->msg_w);
    if (s->msg[0])
        ui_put(s->msg_w, 0, 0, s->cols, s->msg, UI_ALIGN_LEFT, s->msg_role);
    else if (s->note[0])
        ui_put(s->msg_w, 0, 0, s->cols, s->note, UI_ALIGN_LEFT, UI_ROLE_WARN);
    else
        ui_put(s->msg_w, 0, 0, s->cols,
               ui_tr("Scan a code at any time.  F1 or ^G help  F10 or Alt-q quit",
                     "随时可以扫码。  F1 或 ^G 帮助  F10 或 Alt-q 退出"),
               UI_ALIGN_LEFT, UI_ROLE_DIM);
    wnoutrefresh(s->msg_w);
}

static void draw_body(struct ui_screen *s)
{
    size_t first = s->depth;

    wbkgdset(s->body_w, ' ' | theme_attr(UI_ROLE_NORMAL));
    werase(s->body_w);
    /* draw from the top-most opaque view up, so dialogs sit over their view */
    while (first > 0) {
        first--;
        if (!s->stack[first]->ops->overlay)
            break;
    }
    for (size_t i = first; i < s->depth; i++) {
        wattrset(s->body_w, theme_attr(UI_ROLE_NORMAL));
        s->stack[i]->ops->draw(s->stack[i], s->body_w);
    }
    wnoutrefresh(s->body_w);
}

static void redraw(struct ui_screen *s)
{
    int rows, compact;

    if (!s->too_small) {
        /* the key bar follows the top view and the language */
        fkey_plan(s, &rows, &compact);
        s->fkey_compact = compact;
        if (rows != s->fkey_rows) {
            s->fkey_rows = rows;
            layout(s);
        }
    }
    if (s->too_small) {
        draw_too_small(s);
    } else {
        draw_status(s);
        draw_body(s);
        draw_msg(s);
        draw_fkeys(s);
    }
    doupdate();
    s->dirty = 0;
    if (!s->first_frame_done) {
        s->first_frame_done = 1;
        ui_logf("first frame at %lld us (realtime)", (long long)clock_us(CLOCK_REALTIME));
    }
    if (s->input_us) {
        struct ui_view *top = ui_screen_top(s);

        int64_t end = clock_us(CLOCK_MONOTONIC);

        /* from reading the key (the scan gap's hold included), and from
         * handling the events the scan assembler released */
        if (s->log_frames)
            ui_logf("frame %s %lld us %lld us", top && top->ops->name ? top->ops->name : "?",
                    (long long)(end - s->input_us), (long long)(end - s->events_us));
        s->input_us = 0;
    }
}

/* --- input dispatch ---------------------------------------------------- */

static void show_help(struct ui_screen *s)
{
    struct ui_view *top = ui_screen_top(s);

    if (top && top->ops->name && !strcmp(top->ops->name, "help"))
        return;
    ui_screen_push(s, view_help_new(top));
}

/* Pushes the screen ops describes unless it is on top already; when the
 * app has no model for it (have 0), says so instead. */
static void show_screen(struct ui_screen *s, int have, const struct ui_view_ops *ops,
                        const char *none)
{
    struct ui_view *top = ui_screen_top(s);

    if (!have) {
        ui_screen_message(s, UI_ROLE_WARN, "%s", none);
        return;
    }
    if (top && top->ops == ops)
        return;
    ui_screen_push(s, ui_view_open(ops, s->app, NULL));
}

static void global_action(struct ui_screen *s, int id)
{
    switch (id) {
    case UI_ACT_QUIT: s->quit = 1; break;
    case UI_ACT_HELP: show_help(s); break;
    case UI_ACT_BACK: ui_screen_pop(s); break;
    case UI_ACT_LANG:
        ui_lang_set(ui_lang_current() == UI_LANG_ZH ? UI_LANG_EN : UI_LANG_ZH);
        s->dirty = 1;
        break;
    case UI_ACT_THEME:
        theme_set((enum ui_theme)((theme_current() + 1) % UI_THEME_COUNT));
        ui_screen_message(s, UI_ROLE_NORMAL, "%s: %s", ui_tr("Theme", "主题"),
                          theme_name(theme_current()));
        break;
    case UI_ACT_REDRAW:
        clearok(curscr, TRUE);
        s->dirty = 1;
        break;
    case UI_ACT_USB:
        show_screen(s, s->app && s->app->usb, &view_usb_ops,
                    ui_tr("no USB screen here", "此处没有优盘功能"));
        break;
    case UI_ACT_TEAM:
        show_screen(s, s->app && s->app->team, &view_team_ops,
                    ui_tr("no team view here", "此处没有全组视图"));
        break;
    case UI_ACT_DRAW:
        show_screen(s, s->app && s->app->draw, &view_draw_ops,
                    ui_tr("no draw screen here", "此处没有抽取功能"));
        break;
    default: break;
    }
}

static void dispatch_action(struct ui_screen *s, int id)
{
    struct ui_view *top = ui_screen_top(s);

    if (top && top->ops->action && top->ops->action(top, id)) {
        s->dirty = 1;
        return;
    }
    global_action(s, id);
}

static void dispatch_key(struct ui_screen *s, uint32_t key)
{
    struct ui_view *top = ui_screen_top(s);
    const struct ui_action *a;

    if (key == SCAN_KEY_SPECIAL(KEY_RESIZE)) {
        layout(s);
        return;
    }
    if (key == SCAN_KEY_SPECIAL(KEY_F(10))) {
        s->quit = 1;
        return;
    }
    if (key == SCAN_KEY_SPECIAL(KEY_F(1))) {
        show_help(s);
        return;
    }
    if (key == 0x03) {
        /* Ctrl-C: raw mode makes it a key, not SIGINT, so that no byte of
         * a barcode can kill the program; typed alone it says how to quit */
        ui_screen_message(
            s, UI_ROLE_WARN, "%s",
            ui_tr("F10 quits (every scan is already saved)", "按 F10 退出（所有扫码均已保存）"));
        return;
    }
    if (s->too_small)
        return; /* nothing on screen to act on */
    /* Alt keys are never text: an input line does not get them */
    if (!keymap_is_fkey(key, NULL) && !UI_KEY_IS_ALT(key) && top && top->ops->text &&
        top->ops->text(top, key)) {
        s->dirty = 1;
        return;
    }
    a = keymap_lookup(key, top ? top->ops->actions : NULL, top ? top->ops->nactions : 0);
    if (a)
        dispatch_action(s, a->id);
}

static void dispatch_scan(struct ui_screen *s, const char *code, size_t len)
{
    struct ui_view *top = ui_screen_top(s);

    /* HQ's receipt scanned off its QR code: recognised on any screen and
     * applied after a question no scanner burst can answer */
    if (s->app && s->app->usb && s->app->usb->is_receipt &&
        s->app->usb->is_receipt(s->app->usb->user, code)) {
        ui_receipt_confirm(s, code);
        return;
    }
    /* the team lead's assignment, off its QR code: the same on any screen */
    if (s->app && s->app->usb && s->app->usb->is_assignment &&
        s->app->usb->is_assignment(s->app->usb->user, code)) {
        ui_assignment_confirm(s, code);
        return;
    }
    if (top && top->ops->scan) {
        top->ops->scan(top, code, len);
        s->dirty = 1;
        return;
    }
    ui_screen_scan_visit(s, code);
}

void ui_screen_scan_visit(struct ui_screen *s, const char *code)
{
    struct ui_verdict v;

    ui_screen_submit_scan(s, NULL, code, UI_SCAN_BURST, &v);
    ui_screen_message(s, ui_severity_role(v.severity), "%s %s: %s %s", ui_tr("Scan", "扫码"), code,
                      ui_verdict_name(&v), v.message);
    ui_screen_scan_hint(s, code, v.severity);
}

static void handle_event(struct ui_screen *s, struct scan_event *ev)
{
    if (ev->type == SCAN_EV_SCAN) {
        dispatch_scan(s, ev->text, ev->len);
    } else if (ev->type == SCAN_EV_REJECT && ev->why == SCAN_REJECT_CONTROL) {
        char name[16];
        scan_key_name(ev->ctrl, name);
        ui_logf("scan rejected: control character %s in %zu bytes", name, ev->len);
        ui_screen_alert(s, UI_SEV_WARN);
        ui_screen_message(
            s, UI_ROLE_WARN, "%s (%s)",
            ui_tr("scan rejected: control character in the code", "扫码被拒绝：条码中含控制字符"),
            name);
    } else if (ev->type == SCAN_EV_REJECT) {
        ui_logf("scan rejected: %zu bytes", ev->len);
        ui_screen_alert(s, UI_SEV_WARN);
        ui_screen_message(s, UI_ROLE_WARN, "%s (%zu %s)",
                          ui_tr("scan rejected: too long", "扫码被拒绝：过长"), ev->len,
                          ui_tr("bytes", "字节"));
    } else {
        s->key_lone = ev->lone;
        dispatch_key(s, ev->key);
        s->key_lone = 0;
    }
}

/* Folds upper-case Alt letters to lower case (Caps Lock, Shift). */
static uint32_t alt_key(uint32_t c)
{
    return UI_KEY_ALT(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static void process_events(struct ui_screen *s)
{
    struct scan_event ev, next;
    int have_next = 0;
    size_t run = 0; /* printable keys of one burst that ended without Enter */

    while (!s->quit && (have_next || scan_asm_next(&s->sa, &ev))) {
        if (have_next) {
            ev = next;
            have_next = 0;
        }
        /* ESC and a key in one burst: what a terminal sends for Alt+key */
        if (ev.type == SCAN_EV_KEY && ev.key == 0x1B && !ev.lone && scan_asm_next(&s->sa, &next)) {
            if (next.type == SCAN_EV_KEY && scan_key_is_printable(next.key)) {
                ev.key = alt_key(next.key);
                scan_event_release(&next);
            } else {
                have_next = 1;
            }
        }
        if (ev.type == SCAN_EV_KEY && !ev.lone && scan_key_is_printable(ev.key)) {
            if (ui_burst_without_enter_is_suspect(++run) && run == 8) {
                ui_logf("keys arrived together without Enter");
                ui_screen_message(
                    s, UI_ROLE_WARN, "%s",
                    ui_tr("keys arrived together without Enter: if this was a scan, an input "
                          "method may have taken it (switch it off with Ctrl+Space)",
                          "多个按键同时到达但没有回车：如果是扫码，可能被输入法截获（按 Ctrl+空格 "
                          "关闭输入法）"));
            }
        } else {
            run = 0;
        }
        handle_event(s, &ev);
        scan_event_release(&ev);
        flush_dead(s);
    }
    if (have_next)
        scan_event_release(&next);
}

static int min_timeout(int a, int64_t b)
{
    if (b < 0)
        b = 0;
    if (a < 0 || b < a)
        return (int)b;
    return a;
}

static int loop_timeout(struct ui_screen *s, int64_t now)
{
    int t = scan_asm_deadline(&s->sa, now);

    if (s->beeps_left > 0)
        t = min_timeout(t, s->next_beep - now);
    if (s->msg[0])
        t = min_timeout(t, s->msg_until - now);
    t = min_timeout(t, s->next_clock - now);
    return t;
}

static void schedule_clock(struct ui_screen *s, int64_t now)
{
    int64_t wall = clock_now_ms();
    s->next_clock = now + (60000 - wall % 60000) + 5;
}

static uint32_t read_key(struct ui_screen *s, int timeout_ms, int *got)
{
    wint_t wch = 0;
    int r;

    wtimeout(s->in_w, timeout_ms);
    r = wget_wch(s->in_w, &wch);
    *got = r != ERR;
    if (r == KEY_CODE_YES)
        return SCAN_KEY_SPECIAL((int)wch);
    return (uint32_t)wch;
}

/* curses waits escdelay after ESC for the rest of a key's sequence: that is
 * the quiet period after ESC, so it follows the one in force. */
static void follow_quiet(struct ui_screen *s)
{
    int q = scan_asm_quiet(&s->sa);

    if (q == s->escdelay)
        return;
    if (s->escdelay)
        ui_logf("quiet period after an action key now %d ms (a scan's keys came slower)", q);
    s->escdelay = q;
    set_escdelay(q);
}

/* Typed characters show in the input line at once; whether they are typing
 * or part of a scan is decided when their burst ends, as before. */
static void show_pending(struct ui_screen *s)
{
    char now[sizeof(s->pending)];

    scan_asm_pending_text(&s->sa, now, sizeof(now));
    if (strcmp(now, s->pending)) {
        memcpy(s->pending, now, sizeof(now));
        s->dirty = 1;
    }
}

const char *ui_screen_pending_text(void)
{
    return active_screen && active_screen->running ? active_screen->pending : "";
}

/* Waits up to timeout_ms (-1: for ever) for a key. The wait is a poll() on
 * the terminal rather than curses' own, so that *first_us is when the key's
 * first byte arrived: curses returns an escape sequence only once it is
 * complete (or escdelay has passed), and a key that follows a held action
 * key must count from its first byte (a scanner's next byte), not from the
 * end of curses' wait. A signal (SIGWINCH) ends the wait; curses then
 * returns KEY_RESIZE. */
static uint32_t next_key(struct ui_screen *s, int timeout_ms, int *got, int64_t *first_us)
{
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
    uint32_t key;

    /* what arrived while the loop was busy: it came after the last look at
     * the terminal, no later than now; the earlier time keeps it inside a
     * burst rather than letting a held key act (and keeps a redraw's time
     * out of what a scan teaches about the scanner's pace) */
    *first_us = s->looked_us ? s->looked_us : clock_us(CLOCK_MONOTONIC);
    key = read_key(s, 0, got);
    if (*got || !timeout_ms)
        return key;
    if (poll(&pfd, 1, timeout_ms) == 0)
        return 0;
    *first_us = clock_us(CLOCK_MONOTONIC);
    return read_key(s, 0, got);
}

static void main_loop(struct ui_screen *s)
{
    int64_t now = ui_monotonic_ms();

    schedule_clock(s, now);
    redraw(s);
    while (!s->quit) {
        int got = 0, n = 0;
        int64_t first_us = 0;
        uint32_t key;

        now = ui_monotonic_ms();
        key = next_key(s, loop_timeout(s, now), &got, &first_us);
        if (got && !s->input_us)
            s->input_us = first_us;
        /* drain everything already typed before drawing anything */
        while (got && n++ < DRAIN_MAX) {
            int64_t last_us = clock_us(CLOCK_MONOTONIC);
            int64_t next_first_us = last_us;
            uint32_t next = read_key(s, 0, &got);

            /* ESC with nothing after it reached us only once curses had
             * waited escdelay for the rest of a sequence: that silence is
             * its quiet period, counted from its own byte */
            if (key == 0x1B && !got)
                last_us = first_us;
            scan_asm_feed_span(&s->sa, key, first_us / 1000, last_us / 1000);
            key = next;
            first_us = next_first_us;
        }
        s->looked_us = clock_us(CLOCK_MONOTONIC);
        now = ui_monotonic_ms();
        scan_asm_tick(&s->sa, now);
        s->events_us = clock_us(CLOCK_MONOTONIC);
        process_events(s);
        follow_quiet(s);
        show_pending(s);
        run_beeps(s, now);
        if (s->msg[0] && now >= s->msg_until) {
            s->msg[0] = '\0';
            s->dirty = 1;
        }
        if (now >= s->next_clock) {
            schedule_clock(s, now);
            s->dirty = 1;
        }
        if (s->dirty && !s->quit)
            redraw(s);
        else if (s->input_us && scan_asm_deadline(&s->sa, now) < 0)
            s->input_us = 0; /* input that changed nothing: no frame to time */
    }
}

static void die_hook(void)
{
    if (active_screen && active_screen->term)
        endwin();
}

int ui_screen_key_is_lone(const struct ui_screen *s)
{
    return s && s->key_lone;
}

int ui_screen_run(struct ui_screen *s, struct fc_error *err)
{
    const char *term;
    char *cup;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return fc_error_set(err, FC_ESTATE, "cannot start the terminal UI: not a terminal");
    if (!s->depth)
        return fc_error_set(err, FC_ESTATE, "cannot start the terminal UI: no view");
    term = getenv("TERM");
    if (ui_term_fit(term, getenv("FBTERM")) == UI_TERM_REFUSED)
        return fc_error_set(err, FC_ESTATE,
                            "cannot start the terminal UI on TERM=%s: this terminal cannot show "
                            "full screens; use a terminal emulator or the command line "
                            "(fieldcheck help)",
                            term && *term ? term : "(unset)");
    ui_log_open();
    s->log_frames = getenv("FIELDCHECK_LOG_FRAMES") && *getenv("FIELDCHECK_LOG_FRAMES");
    s->term = newterm(NULL, stdout, stdin);
    if (!s->term)
        return fc_error_set(err, FC_ESTATE,
                            "cannot start the terminal UI: unknown terminal '%s' (no terminfo "
                            "entry; try TERM=xterm-256color or the command line)",
                            term);
    set_term(s->term);
    cup = tigetstr("cup");
    if (!cup || cup == (char *)-1) {
        end_curses(s);
        return fc_error_set(err, FC_ESTATE,
                            "cannot start the terminal UI: terminal '%s' cannot move the cursor",
                            term);
    }
    active_screen = s;
    fc_set_die_hook(die_hook);
    /* raw, not cbreak: no SIGINT/SIGQUIT/SIGTSTP from ^C ^\\ ^Z and no XON/XOFF
     * flow control from ^S ^Q, so no byte a scanner sends can stop, dump or
     * freeze the program; such bytes reach the scan assembler as keys */
    raw();
    noecho();
    nonl();
    follow_quiet(s);
    curs_set(0);
    theme_start();
    s->in_w = newwin(1, 1, 0, 0);
    keypad(s->in_w, TRUE);
    wnoutrefresh(s->in_w); /* untouch it, so reading keys never repaints it */
    layout(s);

    s->running = 1;
    s->quit = 0;
    ui_screen_top(s)->scr = s;
    for (size_t i = 0; i < s->depth; i++)
        s->stack[i]->scr = s;
    view_enter(s, ui_screen_top(s));
    main_loop(s);
    view_leave(ui_screen_top(s));
    s->running = 0;
    while (s->depth)
        ui_view_free(s->stack[--s->depth]);
    flush_dead(s);

    free_windows(s);
    if (s->in_w)
        delwin(s->in_w);
    s->in_w = NULL;
    end_curses(s);
    fc_set_die_hook(NULL);
    active_screen = NULL;
    ui_logf("ui stopped");
    ui_log_close();
    return 0;
}
