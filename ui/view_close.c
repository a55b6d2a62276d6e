/* Visit close screen: what the visit found in two summary sections chosen by
 * the visit's kind (night: beds by finding, patients by result; flight: lines
 * by state, findings by violation code; pharmacy: drugs by variance,
 * findings by rule; anomalies first), a confirmation, then the checkpoint short code in
 * large block letters, to be copied onto the paper record the institution
 * signs. The QR of the checkpoint is drawn from rows the app supplies
 * (ui_close_model.checkpoint_qr), so the sync layer can add it without
 * touching this screen's logic. */
#include "core/base/xalloc.h"
#include "core/base/utf8.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLOSE_ACT_CLOSE = UI_ACT_VIEW_BASE, CLOSE_ACT_RECORDS };

static const struct ui_action close_actions[] = {
    {CLOSE_ACT_CLOSE,
     "close-visit",
     2,
     {UI_KEY_ALT('c')},
     N_("Close"),
     "确认结束",
     N_("Close the visit now (asks first); no scan can be added afterwards"),
     "立即结束检查（先确认）；结束后不能再扫码"},
    /* the closed visit's on-site record carries the signed checkpoint and its
     * QR: printed from here, whatever the terminal's size */
    {CLOSE_ACT_RECORDS,
     "records",
     3,
     {UI_KEY_ALT('r')},
     N_("Records"),
     "文书",
     N_("The visit's documents (on-site record with the checkpoint QR), evidence, interviews"),
     "本次检查的文书（含核验二维码的现场检查笔录）、证据、询问笔录"},
};

struct close_view {
    struct ui_visit_view visit; /* first: app and row */
    int pop_under;
    struct ui_close_section sec[2];
    struct ui_count_row *beds, *pats; /* the first and the second section */
    size_t nbeds, bcap, npats, pcap;
    /* what closing now would leave unchecked (ui_close_model.unchecked) */
    char **unchecked;
    size_t nunchecked, ucap;
    long more;
    char heading[96];
    int closed;
    char code[16];
    char error[256];
};

#define UNCHECKED_MAX 60 /* items listed; the rest are counted */

static void emit_bed(void *ctx, const struct ui_count_row *r)
{
    struct close_view *cv = ctx;

    cv->beds = ui_append(cv->beds, &cv->nbeds, &cv->bcap, r, sizeof(*r));
}

static void emit_pat(void *ctx, const struct ui_count_row *r)
{
    struct close_view *cv = ctx;

    cv->pats = ui_append(cv->pats, &cv->npats, &cv->pcap, r, sizeof(*r));
}

static void emit_unchecked(void *ctx, const char *item)
{
    struct close_view *cv = ctx;
    char *copy = xstrdup(item);

    cv->unchecked = ui_append(cv->unchecked, &cv->nunchecked, &cv->ucap, &copy, sizeof(copy));
}

static void unchecked_clear(struct close_view *cv)
{
    for (size_t i = 0; i < cv->nunchecked; i++)
        free(cv->unchecked[i]);
    cv->nunchecked = 0;
    cv->more = 0;
    cv->heading[0] = '\0';
}

static long unchecked_total(const struct close_view *cv)
{
    return (long)cv->nunchecked + cv->more;
}

static void close_load(struct close_view *cv)
{
    const struct ui_close_model *m = cv->visit.app->close;
    struct fc_error err;
    int rc;

    cv->nbeds = cv->npats = 0;
    cv->error[0] = '\0';
    unchecked_clear(cv);
    if (m->unchecked) {
        fc_error_clear(&err);
        rc = m->unchecked(cv->visit.app->user, cv->visit.row.id, UNCHECKED_MAX, emit_unchecked, cv,
                          &cv->more, cv->heading, &err);
        if (rc < 0)
            ui_error_text(cv->error, sizeof(cv->error), rc, &err);
    }
    if (!m->summary)
        return;
    fc_error_clear(&err);
    memset(cv->sec, 0, sizeof(cv->sec));
    rc = m->sections ? m->sections(cv->visit.app->user, cv->visit.row.id, cv->sec, &err) : 0;
    if (!rc)
        rc =
            m->summary(cv->visit.app->user, cv->visit.row.id, cv->sec[0].group, emit_bed, cv, &err);
    if (!rc)
        rc =
            m->summary(cv->visit.app->user, cv->visit.row.id, cv->sec[1].group, emit_pat, cv, &err);
    if (rc < 0)
        ui_error_text(cv->error, sizeof(cv->error), rc, &err);
}

/* --- block letters for the short code ---------------------------------- */

struct glyph {
    char ch;
    const char *rows[5];
};

/* Crockford base32 (no I, L, O, U) and '-': 3x5 cells; '#' is ink. */
static const struct glyph glyphs[] = {
    {'0', {"###", "#.#", "#.#", "#.#", "###"}}, {'1', {".#.", "##.", ".#.", ".#.", "###"}},
    {'2', {"###", "..#", "###", "#..", "###"}}, {'3', {"###", "..#", "###", "..#", "###"}},
    {'4', {"#.#", "#.#", "###", "..#", "..#"}}, {'5', {"###", "#..", "###", "..#", "###"}},
    {'6', {"###", "#..", "###", "#.#", "###"}}, {'7', {"###", "..#", "..#", "..#", "..#"}},
    {'8', {"###", "#.#", "###", "#.#", "###"}}, {'9', {"###", "#.#", "###", "..#", "###"}},
    {'A', {".#.", "#.#", "###", "#.#", "#.#"}}, {'B', {"##.", "#.#", "##.", "#.#", "##."}},
    {'C', {"###", "#..", "#..", "#..", "###"}}, {'D', {"##.", "#.#", "#.#", "#.#", "##."}},
    {'E', {"###", "#..", "##.", "#..", "###"}}, {'F', {"###", "#..", "##.", "#..", "#.."}},
    {'G', {"###", "#..", "#.#", "#.#", "###"}}, {'H', {"#.#", "#.#", "###", "#.#", "#.#"}},
    {'J', {"..#", "..#", "..#", "#.#", "###"}}, {'K', {"#.#", "#.#", "##.", "#.#", "#.#"}},
    {'M', {"#.#", "###", "###", "#.#", "#.#"}}, {'N', {"##.", "#.#", "#.#", "#.#", "#.#"}},
    {'P', {"###", "#.#", "###", "#..", "#.."}}, {'Q', {"###", "#.#", "#.#", "###", "..#"}},
    {'R', {"##.", "#.#", "##.", "#.#", "#.#"}}, {'S', {".##", "#..", ".#.", "..#", "##."}},
    {'T', {"###", ".#.", ".#.", ".#.", ".#."}}, {'V', {"#.#", "#.#", "#.#", "#.#", ".#."}},
    {'W', {"#.#", "#.#", "###", "###", "#.#"}}, {'X', {"#.#", "#.#", ".#.", "#.#", "#.#"}},
    {'Y', {"#.#", "#.#", ".#.", ".#.", ".#."}}, {'Z', {"###", "..#", ".#.", "#..", "###"}},
    {'-', {"...", "...", "###", "...", "..."}},
};

static const struct glyph *glyph_for(char c)
{
    for (size_t i = 0; i < sizeof(glyphs) / sizeof(glyphs[0]); i++)
        if (glyphs[i].ch == c)
            return &glyphs[i];
    return NULL;
}

/* Draws text in block letters (ink as reverse-video cells, each two columns
 * wide so letters keep their shape); 0 if it does not fit in cols. Ink is
 * drawn with spaces in a banner role, so the result never depends on how
 * the terminal measures block characters. */
static int draw_big(WINDOW *w, int y, int x, int cols, const char *text)
{
    int n = (int)strlen(text), cell = 2, need;

    need = n * (3 * cell + cell) - cell;
    if (need > cols) {
        cell = 1;
        need = n * 4 - 1;
    }
    if (need > cols)
        return 0;
    x += (cols - need) / 2;
    for (int i = 0; i < n; i++) {
        const struct glyph *g = glyph_for(text[i]);
        for (int r = 0; g && r < 5; r++)
            for (int c = 0; c < 3; c++)
                if (g->rows[r][c] == '#')
                    ui_fill(w, y + r, x + (i * 4 + c) * cell, cell, UI_ROLE_BANNER_OK);
    }
    return 1;
}

/* --- screen ------------------------------------------------------------ */

static void close_done(void *ctx, int yes)
{
    struct ui_view *v = ctx;
    struct close_view *cv = v->data;
    struct fc_error err;
    int rc;

    if (!yes)
        return;
    fc_error_clear(&err);
    rc = cv->visit.app->close->close(cv->visit.app->user, cv->visit.row.id, cv->code, &err);
    if (rc < 0) {
        ui_error_text(cv->error, sizeof(cv->error), rc, &err);
        ui_screen_alert(v->scr, UI_SEV_ANOMALY);
        return;
    }
    cv->closed = 1;
    cv->visit.row.is_open = 0;
    ui_screen_alert(v->scr, UI_SEV_OK);
}

static void draw_counts(WINDOW *w, int y, int x, int h, int cols, const char *title,
                        const struct ui_count_row *rows, size_t n)
{
    char num[32];
    int money = 0, codew = 0;

    for (size_t i = 0; i < n; i++) {
        int cl = (int)strlen(rows[i].code);
        if (rows[i].amount[0])
            money = cols >= 40 ? 24 : 0; /* an amount column when there is room */
        if (strcmp(rows[i].code, rows[i].name) && cl + 1 > codew)
            codew = cl + 1;
    }
    /* the code small beside the label, when the label still has room */
    if (cols - 8 - money - codew < 16)
        codew = 0;
    ui_put(w, y, x, cols, title, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    for (size_t i = 0; i < n && (int)i < h - 1; i++) {
        enum ui_role role = ui_severity_role(rows[i].severity);
        int nw = cols - 8 - money - codew;

        snprintf(num, sizeof(num), "%ld", rows[i].count);
        ui_put(w, y + 1 + (int)i, x, nw, rows[i].name, UI_ALIGN_LEFT, role);
        if (codew && strcmp(rows[i].code, rows[i].name))
            ui_put(w, y + 1 + (int)i, x + nw, codew, rows[i].code, UI_ALIGN_LEFT, UI_ROLE_DIM);
        ui_put(w, y + 1 + (int)i, x + cols - 7 - money, 7, num, UI_ALIGN_RIGHT, role);
        if (money)
            ui_put(w, y + 1 + (int)i, x + cols - money, money, rows[i].amount, UI_ALIGN_RIGHT,
                   role);
    }
    if (!n)
        ui_put(w, y + 1, x, cols, ui_tr("(nothing yet)", "（暂无）"), UI_ALIGN_LEFT, UI_ROLE_DIM);
}

/* What closing would leave unchecked, two rows: "heading (N): a, b, c ...". */
static void draw_unchecked(struct close_view *cv, WINDOW *w, int y, int cols)
{
    struct buf line = BUF_INIT;

    buf_addf(&line, "%s (%ld): ", cv->heading[0] ? cv->heading : ui_tr("Not checked", "未检查"),
             unchecked_total(cv));
    for (size_t i = 0; i < cv->nunchecked; i++)
        buf_addf(&line, "%s%s", i ? ", " : "", cv->unchecked[i]);
    if (cv->more)
        buf_addf(&line, ui_tr(" and %ld more", " 等，另有 %ld 个"), cv->more);
    ui_put_wrapped(w, y, 1, cols, 2, line.ptr, UI_ROLE_WARN);
    buf_release(&line);
}

static void close_draw(struct ui_view *v, WINDOW *w)
{
    struct close_view *cv = v->data;
    const char *const *qr = NULL;
    char line[256];
    int y = 0, half = (v->cols - 3) / 2, h;

    snprintf(line, sizeof(line), "%s %s  %s  %s", ui_tr("Visit", "检查"), cv->visit.row.id,
             cv->visit.row.site, ui_kind_label(cv->visit.row.kind_label, cv->visit.row.kind));
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    y++;
    if (cv->closed) {
        ui_put(w, y++, 1, v->cols - 2,
               ui_tr("Visit closed. Write this checkpoint code on the paper record:",
                     "检查已结束。请将以下核验码抄写在纸质笔录上："),
               UI_ALIGN_CENTER, UI_ROLE_OK);
        y++;
        if (draw_big(w, y, 1, v->cols - 2, cv->code))
            y += 6;
        snprintf(line, sizeof(line), "%s %s", ui_tr("Checkpoint code:", "核验码："), cv->code);
        ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_CENTER, UI_ROLE_TITLE);
        if (cv->visit.app->close->checkpoint_qr)
            qr = cv->visit.app->close->checkpoint_qr(cv->visit.app->user, cv->visit.row.id);
        y = ui_view_draw_qr(v, w, y, v->rows - 1, qr,
                            ui_tr("Enlarge the terminal to show the checkpoint QR, or print the "
                                  "on-site record that carries it: F3 or Alt-r, records",
                                  "放大终端窗口可显示核验二维码，或打印带二维码的现场检查笔录："
                                  "F3 或 Alt-r，文书"));
        if (!qr)
            ui_put_wrapped(w, y + 1, 1, v->cols - 2, 2,
                           ui_tr("Unsigned: this device has no keys, so the checkpoint carries no "
                                 "signature. Create them on the USB screen (Alt-u, then F5).",
                                 "未签名：本机尚无密钥，核验码不带签名。请在优盘屏幕中生成密钥"
                                 "（Alt-u，然后 F5）。"),
                           UI_ROLE_WARN);
        ui_put(w, v->rows - 1, 1, v->cols - 2,
               ui_tr("F3/Alt-r: print the record    Esc: back to the visits",
                     "F3/Alt-r：打印笔录    Esc：返回检查列表"),
               UI_ALIGN_CENTER, UI_ROLE_DIM);
        return;
    }
    ui_put(w, y++, 1, v->cols - 2,
           ui_tr("Summary before closing (anomalies first)", "结束前汇总（异常在前）"),
           UI_ALIGN_LEFT, UI_ROLE_TITLE);
    h = v->rows - y - 3 - (unchecked_total(cv) ? 2 : 0);
    draw_counts(w, y, 1, h, half, cv->sec[0].title, cv->beds, cv->nbeds);
    draw_counts(w, y, 2 + half, h, half, cv->sec[1].title, cv->pats, cv->npats);
    if (unchecked_total(cv))
        draw_unchecked(cv, w, v->rows - 4, v->cols - 2);
    if (cv->error[0])
        ui_put(w, v->rows - 2, 1, v->cols - 2, cv->error, UI_ALIGN_LEFT, UI_ROLE_ANOMALY);
    ui_put(w, v->rows - 1, 1, v->cols - 2,
           ui_tr("F2/Alt-c: close the visit    Esc: go on checking",
                 "F2/Alt-c：确认结束检查    Esc：继续检查"),
           UI_ALIGN_CENTER, UI_ROLE_WARN);
}

static int close_action(struct ui_view *v, int id)
{
    struct close_view *cv = v->data;
    char msg[512];

    switch (id) {
    case CLOSE_ACT_CLOSE:
        if (cv->closed)
            return 1;
        /* what the closing would leave unchecked, counted again right now */
        close_load(cv);
        if (unchecked_total(cv))
            snprintf(msg, sizeof(msg), ui_tr("%s: %ld. %s", "%s：%ld 个。%s"),
                     cv->heading[0] ? cv->heading : ui_tr("Not checked", "未检查"),
                     unchecked_total(cv),
                     ui_tr("Close anyway? No scan can be added to the visit afterwards.",
                           "仍要结束吗？结束后不能再向本次检查添加扫码。"));
        else
            snprintf(msg, sizeof(msg), "%s",
                     ui_tr("No scan can be added to the visit afterwards.",
                           "结束后不能再向本次检查添加扫码。"));
        ui_confirm_push(v->scr, ui_tr("Close the visit?", "结束本次检查？"), msg, close_done, v);
        return 1;
    case CLOSE_ACT_RECORDS: ui_visit_view_records(v); return 1;
    case UI_ACT_BACK:
        ui_screen_pop(v->scr);
        if (cv->closed && cv->pop_under)
            ui_screen_pop(v->scr);
        return 1;
    default: return 0;
    }
}

static void close_scan(struct ui_view *v, const char *code, size_t len)
{
    struct close_view *cv = v->data;
    struct ui_verdict out;

    (void)len;
    ui_screen_submit_scan(v->scr, cv->closed ? NULL : cv->visit.row.id, code, UI_SCAN_BURST, &out);
    ui_screen_message(v->scr, ui_severity_role(out.severity), "%s %s: %s %s", ui_tr("Scan", "扫码"),
                      code, ui_verdict_name(&out), out.message);
    if (!cv->closed)
        close_load(cv);
}

static void close_enter(struct ui_view *v)
{
    struct close_view *cv = v->data;

    if (!cv->closed)
        close_load(cv);
}

static void close_destroy(struct ui_view *v)
{
    unchecked_clear(v->data);
}

static void close_init(struct ui_view *v, const struct ui_app *app)
{
    struct close_view *cv = v->data;

    if (!app->close)
        BUG("close screen without a close model");
    ui_view_owns(v, &cv->unchecked);
    ui_view_owns(v, &cv->beds);
    ui_view_owns(v, &cv->pats);
}

static const struct ui_view_ops close_ops = {
    .name = "close",
    .title_en = N_("Close visit"),
    .title_zh = "结束检查",
    .size = sizeof(struct close_view),
    .init = close_init,
    UI_VIEW_ACTIONS(close_actions),
    .enter = close_enter,
    .draw = close_draw,
    .action = close_action,
    .scan = close_scan,
    .destroy = close_destroy,
};

struct ui_view *view_close_new(const struct ui_app *app, const struct ui_visit_row *row,
                               int pop_under)
{
    struct ui_view *v = ui_view_open(&close_ops, app, row);

    ((struct close_view *)v->data)->pop_under = pop_under;
    return v;
}
