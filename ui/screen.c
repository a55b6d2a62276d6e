/* The screen manager: one loop reads every key (nothing else calls getch),
 * runs it through the scan assembler, dispatches the resulting events to the
 * top view, and redraws once per pass with wnoutrefresh/doupdate (ncdu, tig).
 * Beeps are scheduled on the loop's timeout rather than slept, so a scan
 * right after an anomaly is never delayed by the alert. */
#include "ui/screen.h"

#include "core/base/clock.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "ui/i18n.h"
#include "ui/log.h"
#include "ui/scan_asm.h"
#include "ui/views.h"
#include "ui/widget.h"

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
    int running, quit, dirty;

    struct scan_asm sa;
    int key_lone; /* the key being dispatched was typed alone, after a pause */

    char msg[256];
    enum ui_role msg_role;
    int64_t msg_until;

    enum bell_mode bell;
    int beeps_left;
    int64_t next_beep;
    unsigned long alerts;
    int64_t next_clock; /* monotonic time of the next minute change */
};

static struct ui_screen *active_screen;

int64_t ui_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static void view_destroy(struct ui_view *v)
{
    if (!v)
        return;
    if (v->ops->destroy)
        v->ops->destroy(v);
    free(v);
}

struct ui_screen *ui_screen_new(const struct ui_app *app)
{
    struct ui_screen *s = xcalloc(1, sizeof(*s));
    const char *bell = getenv("FIELDCHECK_BELL");

    s->app = app;
    scan_asm_init(&s->sa, scan_asm_gap_from_env());
    s->bell = bell && !strcmp(bell, "flash") ? BELL_FLASH
              : bell && !strcmp(bell, "off") ? BELL_OFF
                                             : BELL_BEEP;
    return s;
}

static void flush_dead(struct ui_screen *s)
{
    for (size_t i = 0; i < s->ndead; i++)
        view_destroy(s->dead[i]);
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
        view_destroy(s->stack[--s->depth]);
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
    return s->rows - 3 > 1 ? s->rows - 3 : 1;
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
    s->msg_until = ui_monotonic_ms() + MSG_SHOW_MS;
    s->dirty = 1;
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
            snprintf(out->message, sizeof(out->message), "%s",
                     err.msg[0] ? err.msg : fc_strerror(rc));
            out->severity = UI_SEV_ANOMALY;
        }
    }
    ui_logf("scan %s '%s' -> %s (%d)", how == UI_SCAN_BURST ? "burst" : "typed", code, out->verdict,
            rc);
    ui_screen_alert(s, out->severity);
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
        s->msg_w = newwin(1, s->cols, s->rows - 2, 0);
        s->fkey_w = newwin(1, s->cols, s->rows - 1, 0);
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

static const char *view_title(struct ui_view *v)
{
    const char *t = v->ops->title ? v->ops->title(v) : NULL;
    return t ? t : v->ops->name;
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
    buf_addf(&left, " fieldcheck | %s", top ? view_title(top) : "");
    rw = utf8_width(right.ptr);
    if (rw > (size_t)s->cols / 2 + 10)
        rw = (size_t)s->cols / 2 + 10;
    ui_put(s->status_w, 0, 0, s->cols - (int)rw, left.ptr, UI_ALIGN_LEFT, UI_ROLE_STATUS);
    ui_put(s->status_w, 0, s->cols - (int)rw, (int)rw, right.ptr, UI_ALIGN_RIGHT, UI_ROLE_STATUS);
    wnoutrefresh(s->status_w);
    buf_release(&right);
    buf_release(&left);
}

static void draw_fkeys(struct ui_screen *s)
{
    struct ui_view *top = ui_screen_top(s);
    const struct ui_action *extra = top ? top->ops->actions : NULL;
    size_t nextra = top ? top->ops->nactions : 0;
    int x = 0;

    wbkgdset(s->fkey_w, ' ' | theme_attr(UI_ROLE_NORMAL));
    werase(s->fkey_w);
    for (int n = 1; n <= 12 && x < s->cols; n++) {
        const struct ui_action *a = keymap_lookup(SCAN_KEY_SPECIAL(KEY_F(n)), extra, nextra);
        char num[8];
        const char *label;
        int lw;
        if (!a)
            continue;
        label = keymap_label(a);
        snprintf(num, sizeof(num), "F%d", n);
        lw = (int)utf8_width(label) + 1;
        ui_put(s->fkey_w, 0, x, (int)strlen(num), num, UI_ALIGN_LEFT, UI_ROLE_FKEY);
        x += (int)strlen(num);
        if (x + lw > s->cols)
            lw = s->cols - x;
        ui_put(s->fkey_w, 0, x, lw, label, UI_ALIGN_LEFT, UI_ROLE_FKEY_LABEL);
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
    else
        ui_put(s->msg_w, 0, 0, s->cols,
               ui_tr("Scan a code at any time.  F1 help  F10 quit",
                     "随时可以扫码。  F1 帮助  F10 退出"),
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
}

/* --- input dispatch ---------------------------------------------------- */

static void show_help(struct ui_screen *s)
{
    struct ui_view *top = ui_screen_top(s);

    if (top && top->ops->name && !strcmp(top->ops->name, "help"))
        return;
    ui_screen_push(s, view_help_new(top));
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
    if (!keymap_is_fkey(key, NULL) && top && top->ops->text && top->ops->text(top, key)) {
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
    struct ui_verdict v;

    if (top && top->ops->scan) {
        top->ops->scan(top, code, len);
        s->dirty = 1;
        return;
    }
    ui_screen_submit_scan(s, NULL, code, UI_SCAN_BURST, &v);
    ui_screen_message(s, ui_severity_role(v.severity), "%s %s: %s %s", ui_tr("Scan", "扫码"), code,
                      ui_verdict_name(&v), v.message);
}

static void process_events(struct ui_screen *s)
{
    struct scan_event ev;

    while (!s->quit && scan_asm_next(&s->sa, &ev)) {
        if (ev.type == SCAN_EV_SCAN) {
            dispatch_scan(s, ev.text, ev.len);
        } else if (ev.type == SCAN_EV_REJECT && ev.why == SCAN_REJECT_CONTROL) {
            char name[16];
            scan_key_name(ev.ctrl, name);
            ui_logf("scan rejected: control character %s in %zu bytes", name, ev.len);
            ui_screen_alert(s, UI_SEV_WARN);
            ui_screen_message(s, UI_ROLE_WARN, "%s (%s)",
                              ui_tr("scan rejected: control character in the code",
                                    "扫码被拒绝：条码中含控制字符"),
                              name);
        } else if (ev.type == SCAN_EV_REJECT) {
            ui_logf("scan rejected: %zu bytes", ev.len);
            ui_screen_alert(s, UI_SEV_WARN);
            ui_screen_message(s, UI_ROLE_WARN, "%s (%zu bytes)",
                              ui_tr("scan rejected: too long", "扫码被拒绝：过长"), ev.len);
        } else {
            s->key_lone = ev.lone;
            dispatch_key(s, ev.key);
            s->key_lone = 0;
        }
        scan_event_release(&ev);
        flush_dead(s);
    }
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

static void main_loop(struct ui_screen *s)
{
    int64_t now = ui_monotonic_ms();

    schedule_clock(s, now);
    redraw(s);
    while (!s->quit) {
        int got = 0, n = 0;
        uint32_t key;

        now = ui_monotonic_ms();
        key = read_key(s, loop_timeout(s, now), &got);
        /* drain everything already typed before drawing anything */
        while (got && n++ < DRAIN_MAX) {
            scan_asm_feed(&s->sa, key, ui_monotonic_ms());
            key = read_key(s, 0, &got);
        }
        now = ui_monotonic_ms();
        scan_asm_tick(&s->sa, now);
        process_events(s);
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
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return fc_error_set(err, FC_ESTATE, "cannot start the terminal UI: not a terminal");
    if (!s->depth)
        return fc_error_set(err, FC_ESTATE, "cannot start the terminal UI: no view");
    ui_log_open();
    s->term = newterm(NULL, stdout, stdin);
    if (!s->term)
        return fc_error_set(err, FC_ESTATE, "cannot start the terminal UI: unknown terminal '%s'",
                            getenv("TERM") ? getenv("TERM") : "");
    set_term(s->term);
    active_screen = s;
    fc_set_die_hook(die_hook);
    /* raw, not cbreak: no SIGINT/SIGQUIT/SIGTSTP from ^C ^\\ ^Z and no XON/XOFF
     * flow control from ^S ^Q, so no byte a scanner sends can stop, dump or
     * freeze the program; such bytes reach the scan assembler as keys */
    raw();
    noecho();
    nonl();
    set_escdelay(25);
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
        view_destroy(s->stack[--s->depth]);
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
