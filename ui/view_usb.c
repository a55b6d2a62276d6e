/* The USB screen (DESIGN §8: the TUI does the whole field job): the
 * removable media mounted on this machine, or a folder typed in, and what
 * is on them. A mission pack or folder is loaded with its verification
 * result, per-file counts, rejected rows and warnings kept in a scrollable
 * list; a bundle is exported for HQ; HQ's receipt (a file, or its QR code
 * scanned on any screen) and HQ's key are applied after a question no
 * scanner burst can answer; the device's keys and its enrollment QR are
 * shown. Everything goes through the app's ui_usb_model, which records
 * what the CLI's commands record. */
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- receipts: on any screen --------------------------------------------- */

struct code_ask {
    const struct ui_usb_model *m;
    struct ui_screen *scr;
    char *code;
    int (*apply)(void *user, const char *code_or_path, char message[320], struct fc_error *err);
};

static void code_done(void *ctx, int yes)
{
    struct code_ask *r = ctx;
    struct fc_error err;
    char msg[320];

    if (yes) {
        fc_error_clear(&err);
        msg[0] = '\0';
        if (r->apply(r->m->user, r->code, msg, &err) < 0) {
            ui_screen_alert(r->scr, UI_SEV_WARN);
            ui_screen_error(r->scr, UI_ROLE_ANOMALY, -1, &err);
        } else {
            ui_screen_alert(r->scr, UI_SEV_OK);
            ui_screen_message(r->scr, UI_ROLE_OK, "%s", msg);
        }
    }
    free(r->code);
    free(r);
}

/* Checks a signed code, then asks before applying it: no scanner burst can
 * answer the question. */
static void code_confirm(struct ui_screen *s, const char *code_or_path,
                         int (*check)(void *, const char *, char[320], struct fc_error *),
                         int (*apply)(void *, const char *, char[320], struct fc_error *),
                         const char *refused, const char *title, const char *ask)
{
    const struct ui_app *app = ui_screen_app(s);
    const struct ui_usb_model *m = app ? app->usb : NULL;
    struct code_ask *r;
    struct fc_error err;
    char msg[320], question[480];

    if (!m || !check || !apply)
        return;
    fc_error_clear(&err);
    msg[0] = '\0';
    if (check(m->user, code_or_path, msg, &err) < 0) {
        ui_screen_alert(s, UI_SEV_WARN);
        ui_screen_message(s, UI_ROLE_ANOMALY, "%s: %s", refused,
                          err.msg_local[0] ? err.msg_local : err.msg);
        return;
    }
    r = xcalloc(1, sizeof(*r));
    r->m = m;
    r->scr = s;
    r->code = xstrdup(code_or_path);
    r->apply = apply;
    snprintf(question, sizeof(question), "%s %s", msg, ask);
    ui_screen_alert(s, UI_SEV_OK);
    ui_confirm_push(s, title, question, code_done, r);
}

void ui_receipt_confirm(struct ui_screen *s, const char *code_or_path)
{
    const struct ui_app *app = ui_screen_app(s);
    const struct ui_usb_model *m = app ? app->usb : NULL;

    if (m)
        code_confirm(s, code_or_path, m->check_receipt, m->apply_receipt,
                     ui_tr("HQ receipt not applied", "中心回执未导入"),
                     ui_tr("Apply HQ's receipt?", "导入中心回执？"),
                     ui_tr("Record it? Bundles then start after what HQ holds.",
                           "是否记录？之后的数据包将从中心已收到的数据之后开始。"));
}

void ui_assignment_confirm(struct ui_screen *s, const char *code)
{
    const struct ui_app *app = ui_screen_app(s);
    const struct ui_usb_model *m = app ? app->usb : NULL;

    if (m)
        code_confirm(s, code, m->check_assignment, m->apply_assignment,
                     ui_tr("Team assignment not applied", "检查组分配单未导入"),
                     ui_tr("Apply the team lead's assignment?", "导入组长的疑点分配？"),
                     ui_tr("Record these lines as yours?", "是否把这些疑点记为您的？"));
}

/* ---- load results ------------------------------------------------------------ */

struct load_view {
    const struct ui_usb_model *m;
    int partial;
    struct ui_load_row *rows;
    size_t n, cap;
    struct ui_load_result res;
    struct ui_table table;
    char path[1024];
};

static const struct ui_table_col load_cols[] = {
    {N_("What"), "类别", 8, UI_ALIGN_LEFT, 0, 0},
    {N_("File"), "文件", 18, UI_ALIGN_LEFT, 0, 2},
    {N_("Line"), "行", 7, UI_ALIGN_RIGHT, 0, 1},
    {N_("Detail"), "说明", 0, UI_ALIGN_LEFT, 20, 0},
};

static void load_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_load_row *x = &((struct load_view *)ctx)->rows[r];

    switch (col) {
    case 0:
        buf_adds(out, x->kind == UI_LOAD_FILE     ? ui_tr("file", "文件")
                      : x->kind == UI_LOAD_REJECT ? ui_tr("rejected", "拒收")
                                                  : ui_tr("warning", "提示"));
        break;
    case 1: buf_adds(out, x->file); break;
    case 2:
        if (x->line)
            buf_addf(out, "%lld", x->line);
        break;
    default:
        if (x->kind == UI_LOAD_FILE)
            buf_addf(out, "%s  %s %lld  %s %lld  %s %lld", x->encoding, ui_tr("rows", "行数"),
                     x->rows, ui_tr("loaded", "载入"), x->loaded, ui_tr("rejected", "拒收"),
                     x->rejected);
        else
            buf_adds(out, x->text);
        break;
    }
}

static enum ui_role load_role(void *ctx, size_t r)
{
    const struct ui_load_row *x = &((struct load_view *)ctx)->rows[r];

    if (x->kind == UI_LOAD_REJECT || (x->kind == UI_LOAD_FILE && x->rejected))
        return UI_ROLE_ANOMALY;
    return x->kind == UI_LOAD_WARNING ? UI_ROLE_WARN : UI_ROLE_NORMAL;
}

static void emit_load(void *ctx, const struct ui_load_row *row)
{
    struct load_view *lv = ctx;

    lv->rows = ui_append(lv->rows, &lv->n, &lv->cap, row, sizeof(*row));
}

struct progress_ctx {
    struct load_view *lv;
    struct ui_screen *scr;
    int64_t last;
};

static void load_progress(void *ctx, const char *file, uint64_t bytes, uint64_t total)
{
    struct progress_ctx *p = ctx;
    int64_t now = ui_monotonic_ms();
    char line[200];

    if (now - p->last < 200)
        return;
    p->last = now;
    snprintf(line, sizeof(line), "%s %s %llu%%", ui_tr("Loading", "正在载入"), file,
             total ? (unsigned long long)(bytes * 100 / total) : 0ULL);
    ui_screen_busy(p->scr, line);
}

/* A phase after the reading, named for people as the CLI names it; shown at
 * once (a phase lasts long enough to be seen, and there are five). */
static void load_phase(void *ctx, const char *phase)
{
    static const struct {
        const char *name, *en, *zh;
    } phases[] = {
        {"indexes", N_("building indexes"), "建立索引"},
        {"checks", N_("checking the roster"), "核对名单"},
        {"codes", N_("indexing scan codes"), "建立扫码索引"},
        {"totals", N_("summing settlements"), "汇总结算"},
        {"saving", N_("saving"), "保存"},
    };
    struct progress_ctx *p = ctx;
    char line[200];

    for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
        if (!strcmp(phases[i].name, phase)) {
            snprintf(line, sizeof(line), "%s: %s…", ui_tr("Loading", "正在载入"),
                     ui_tr(phases[i].en, phases[i].zh));
            ui_screen_busy(p->scr, line);
            p->last = ui_monotonic_ms();
        }
}

static void emit_load_row(void *ctx, const struct ui_load_row *row)
{
    emit_load(((struct progress_ctx *)ctx)->lv, row);
}

static void load_draw(struct ui_view *v, WINDOW *w)
{
    struct load_view *lv = v->data;
    enum ui_severity sev = lv->res.ok ? UI_SEV_OK : UI_SEV_ANOMALY;
    long rejects = 0, warnings = 0;
    char line[512];
    int y = 0;

    for (size_t i = 0; i < lv->n; i++) {
        rejects += lv->rows[i].kind == UI_LOAD_REJECT;
        warnings += lv->rows[i].kind == UI_LOAD_WARNING;
    }
    ui_put(w, y++, 1, v->cols - 2, lv->path, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    ui_banner_draw(w, y, 1, 3, v->cols - 2, sev, lv->res.status,
                   lv->res.ok ? lv->res.mission : lv->res.message);
    y += 3;
    if (lv->res.verify[0])
        ui_put(w, y++, 1, v->cols - 2, lv->res.verify, UI_ALIGN_LEFT,
               lv->res.ok ? UI_ROLE_OK : UI_ROLE_WARN);
    snprintf(line, sizeof(line), "%s %ld   %s %ld", ui_tr("rejected rows:", "拒收行："), rejects,
             ui_tr("warnings:", "提示："), warnings);
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, rejects ? UI_ROLE_ANOMALY : UI_ROLE_DIM);
    ui_table_draw(&lv->table, w, y, 1, v->rows - y - 1, v->cols - 2, 1);
    ui_put(
        w, v->rows - 1, 1, v->cols - 2,
        lv->res.ok || !rejects
            ? ui_tr("Up/Down PgUp/PgDn: scroll   Esc: back", "上下/翻页：滚动   Esc：返回")
            : ui_tr("Nothing was loaded. Fix the rows at HQ, or load anyway with F4 "
                    "(rejected rows left out). Esc: back",
                    "未载入任何数据。请中心修正这些行，或按 F4 仍然载入（略去拒收行）。Esc：返回"),
        UI_ALIGN_LEFT, UI_ROLE_DIM);
}

static void run_load(struct ui_screen *scr, const struct ui_usb_model *m, const char *path,
                     int partial);

enum { LOAD_ACT_PARTIAL = UI_ACT_VIEW_BASE };

static const struct ui_action load_actions[] = {
    {LOAD_ACT_PARTIAL,
     "load-partial",
     4,
     {UI_KEY_ALT('a')},
     N_("Load anyway"),
     "仍然载入",
     N_("Load the mission again leaving out the rejected rows"),
     "重新载入任务，略去被拒收的行"},
};

static int load_action(struct ui_view *v, int id)
{
    struct load_view *lv = v->data;
    char path[1024];

    if (id != LOAD_ACT_PARTIAL)
        return ui_table_action(&lv->table, id);
    if (lv->res.ok || lv->partial) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("nothing to load again", "无需重新载入"));
        return 1;
    }
    snprintf(path, sizeof(path), "%s", lv->path);
    ui_screen_pop(v->scr);
    run_load(v->scr, lv->m, path, 1);
    return 1;
}

static const struct ui_view_ops load_ops = {
    .name = "usb-load",
    .title_en = N_("Mission load"),
    .title_zh = "载入任务",
    UI_VIEW_ACTIONS(load_actions),
    .draw = load_draw,
    .action = load_action,
};

/* Files and their counts first, then rejected rows, then warnings, each in
 * the order the loader reported them (a stable partition). */
static void load_rows_order(struct load_view *lv)
{
    struct ui_load_row *out = xcalloc(lv->n ? lv->n : 1, sizeof(*out));
    size_t k = 0;

    for (int kind = UI_LOAD_FILE; kind <= UI_LOAD_WARNING; kind++)
        for (size_t i = 0; i < lv->n; i++)
            if ((int)lv->rows[i].kind == kind)
                out[k++] = lv->rows[i];
    free(lv->rows);
    lv->rows = out;
    lv->cap = lv->n ? lv->n : 1;
}

/* Loads path and shows the outcome, kept until Esc. */
static void run_load(struct ui_screen *scr, const struct ui_usb_model *m, const char *path,
                     int partial)
{
    struct ui_view *v = ui_view_make(&load_ops, sizeof(struct load_view));
    struct load_view *lv = v->data;
    struct progress_ctx p = {lv, scr, 0};
    struct fc_error err;
    int rc;

    snprintf(lv->path, sizeof(lv->path), "%s", path);
    lv->m = m;
    lv->partial = partial;
    ui_screen_busy(scr, ui_tr("Verifying and loading the mission...", "正在验证并载入任务……"));
    fc_error_clear(&err);
    rc = m->load(m->user, path, partial, emit_load_row, load_progress, load_phase, &p, &lv->res,
                 &err);
    if (rc < 0) {
        lv->res.ok = 0;
        snprintf(lv->res.status, sizeof(lv->res.status), "%s", ui_tr("failed", "失败"));
        ui_error_text(lv->res.message, sizeof(lv->res.message), -1, &err);
    }
    ui_screen_alert(scr, lv->res.ok ? UI_SEV_OK : UI_SEV_ANOMALY);
    /* files and their counts first, then rejected rows, then warnings */
    load_rows_order(lv);
    ui_view_owns(v, &lv->rows);
    ui_view_table(v, &lv->table, load_cols, UI_COUNT(load_cols), load_cell)->row_role = load_role;
    ui_table_set_rows(&lv->table, lv->n);
    ui_screen_push(scr, v);
}

/* ---- device keys -------------------------------------------------------------- */

struct device_view {
    const struct ui_usb_model *m;
    struct ui_device dev;
    char error[256];
};

enum { DEV_ACT_CREATE = UI_ACT_VIEW_BASE };

static const struct ui_action device_actions[] = {
    {DEV_ACT_CREATE,
     "create-keys",
     2,
     {UI_KEY_ALT('k')},
     N_("Create keys"),
     "生成密钥",
     N_("Create this device's keys (once): checkpoints are then signed"),
     "生成本机密钥（仅一次）：此后核验码带签名"},
};

static void device_load(struct device_view *dv)
{
    struct fc_error err;

    fc_error_clear(&err);
    memset(&dv->dev, 0, sizeof(dv->dev));
    dv->error[0] = '\0';
    if (dv->m->device && dv->m->device(dv->m->user, &dv->dev, &err) < 0)
        ui_error_text(dv->error, sizeof(dv->error), -1, &err);
}

static void device_draw(struct ui_view *v, WINDOW *w)
{
    struct device_view *dv = v->data;
    const char *const *qr = NULL;
    char line[320];
    int y = 0;

    ui_put(w, y++, 1, v->cols - 2, ui_tr("This device", "本机"), UI_ALIGN_LEFT, UI_ROLE_HEADER);
    if (!dv->dev.device_id[0]) {
        ui_put(w, y++, 1, v->cols - 2,
               ui_tr("No keys yet: closed visits get no signed checkpoint and bundles cannot be "
                     "exported. F2 or Alt-k creates them.",
                     "尚无密钥：结束检查时核验码不带签名，也不能导出数据包。按 F2 或 Alt-k 生成。"),
               UI_ALIGN_LEFT, UI_ROLE_WARN);
    } else {
        snprintf(line, sizeof(line), "%s %s", ui_tr("Device:", "设备号："), dv->dev.device_id);
        ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, UI_ROLE_NORMAL);
        snprintf(line, sizeof(line), "%s %s", ui_tr("Enrollment code for HQ:", "中心登记码："),
                 dv->dev.enrollment);
        ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, UI_ROLE_NORMAL);
    }
    if (dv->dev.hq_trusted)
        snprintf(line, sizeof(line), "%s %s", ui_tr("HQ key trusted:", "已信任中心密钥："),
                 dv->dev.hq_fingerprint);
    else
        snprintf(line, sizeof(line), "%s",
                 ui_tr("HQ key not trusted yet: load hq.pub from the stick (USB screen)",
                       "尚未信任中心密钥：请在优盘屏幕中载入 hq.pub"));
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT,
           dv->dev.hq_trusted ? UI_ROLE_OK : UI_ROLE_WARN);
    y++;
    if (dv->dev.device_id[0] && dv->m->enrollment_qr)
        qr = dv->m->enrollment_qr(dv->m->user);
    ui_view_draw_qr(
        v, w, y, v->rows, qr,
        ui_tr("Enlarge the terminal to show the enrollment QR", "放大终端窗口可显示登记二维码"));
    ui_view_draw_error(v, w, dv->error);
}

static void create_done(void *ctx, int yes)
{
    struct ui_view *v = ctx;
    struct device_view *dv = v->data;
    struct fc_error err;

    if (!yes)
        return;
    fc_error_clear(&err);
    if (dv->m->create_keys(dv->m->user, &err) < 0) {
        ui_error_text(dv->error, sizeof(dv->error), -1, &err);
        ui_screen_alert(v->scr, UI_SEV_WARN);
        return;
    }
    device_load(dv);
    ui_screen_alert(v->scr, UI_SEV_OK);
}

static int device_action(struct ui_view *v, int id)
{
    struct device_view *dv = v->data;

    if (id != DEV_ACT_CREATE)
        return 0;
    if (dv->dev.device_id[0] || !dv->m->create_keys) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("this device has its keys already", "本机已有密钥"));
        return 1;
    }
    ui_confirm_push(v->scr, ui_tr("Create this device's keys?", "生成本机密钥？"),
                    ui_tr("They identify this laptop to HQ and sign its records.",
                          "密钥用于向中心标识本机并为记录签名。"),
                    create_done, v);
    return 1;
}

static const struct ui_view_ops device_ops = {
    .name = "device",
    .title_en = N_("Device keys"),
    .title_zh = "本机密钥",
    UI_VIEW_ACTIONS(device_actions),
    .draw = device_draw,
    .action = device_action,
};

/* ---- the USB screen ------------------------------------------------------------ */

enum {
    USB_ACT_LOAD = UI_ACT_VIEW_BASE,
    USB_ACT_EXPORT,
    USB_ACT_PARTIAL,
    USB_ACT_DEVICE,
    USB_ACT_REFRESH,
    USB_ACT_UP,
};

static const struct ui_action usb_actions[] = {
    {USB_ACT_LOAD,
     "load",
     2,
     {UI_KEY_ALT('o')},
     N_("Open/Load"),
     "打开/载入",
     N_("Open the selected folder, or load a pack, apply a receipt or HQ key"),
     "打开所选文件夹，或载入任务包、导入回执或中心密钥"},
    {USB_ACT_EXPORT,
     "export",
     3,
     {UI_KEY_ALT('x')},
     N_("Export"),
     "导出",
     N_("Export a bundle of everything HQ has not acknowledged to this folder"),
     "将中心尚未确认的全部数据导出为数据包，存到此文件夹"},
    {USB_ACT_PARTIAL,
     "load-partial",
     4,
     {UI_KEY_ALT('a')},
     N_("Load anyway"),
     "仍然载入",
     N_("Load the selected mission leaving out rejected rows"),
     "载入所选任务，略去被拒收的行"},
    {USB_ACT_DEVICE,
     "device-keys",
     5,
     {UI_KEY_ALT('k')},
     N_("Keys"),
     "密钥",
     N_("This device's keys and enrollment QR; HQ's key"),
     "本机密钥与登记二维码；中心密钥"},
    {USB_ACT_REFRESH,
     "refresh",
     6,
     {0x12, UI_KEY_ALT('g')},
     N_("Refresh"),
     "刷新",
     N_("Look for media again (a stick just plugged in)"),
     "重新查找存储设备（刚插入的优盘）"},
    {USB_ACT_UP,
     "parent",
     0,
     {SCAN_KEY_SPECIAL(KEY_LEFT)},
     N_("Up"),
     "上级",
     N_("Go to the parent folder"),
     "返回上级文件夹"},
};

struct usb_view {
    const struct ui_app *app;
    const struct ui_usb_model *m;
    struct ui_device dev;
    struct ui_media_row *media;
    size_t nmedia, mcap;
    struct ui_file_row *files;
    size_t nfiles, fcap;
    struct ui_table mtable, ftable;
    int focus; /* 0 media, 1 files */
    char dir[1024];
    struct ui_input path;
    char error[320];
};

static const struct ui_table_col media_cols[] = {
    {N_("Medium"), "存储设备", 0, UI_ALIGN_LEFT, 8, 0},
    {N_("Free MB"), "可用MB", 8, UI_ALIGN_RIGHT, 0, 1},
};

static const struct ui_table_col file_cols[] = {
    {N_("Name"), "名称", 0, UI_ALIGN_LEFT, 16, 0},
    {N_("What"), "类别", 14, UI_ALIGN_LEFT, 0, 0},
    {N_("Size"), "大小", 10, UI_ALIGN_RIGHT, 0, 2},
    {N_("Modified"), "修改时间", 16, UI_ALIGN_LEFT, 0, 1},
};

static void media_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_media_row *m = &((struct usb_view *)ctx)->media[r];

    if (col == 0)
        buf_addf(out, "%s (%s)", m->label, m->path);
    else if (m->free_mb >= 0)
        buf_addf(out, "%lld", m->free_mb);
}

static const char *kind_text(enum ui_file_kind k)
{
    switch (k) {
    case UI_FILE_DIR: return ui_tr("folder", "文件夹");
    case UI_FILE_PACK: return ui_tr("mission pack", "任务包");
    case UI_FILE_MISSION: return ui_tr("mission folder", "任务文件夹");
    case UI_FILE_BUNDLE: return ui_tr("bundle", "数据包");
    case UI_FILE_RECEIPT: return ui_tr("HQ receipt", "中心回执");
    case UI_FILE_HQ_KEY: return ui_tr("HQ key", "中心密钥");
    case UI_FILE_OTHER: break;
    }
    return "";
}

static void file_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_file_row *f = &((struct usb_view *)ctx)->files[r];
    char when[CLOCK_ISO_MAX];

    switch (col) {
    case 0:
        buf_adds(out, f->name);
        if (f->kind == UI_FILE_DIR || f->kind == UI_FILE_MISSION)
            buf_addch(out, '/');
        break;
    case 1: buf_adds(out, kind_text(f->kind)); break;
    case 2:
        if (f->kind != UI_FILE_DIR && f->kind != UI_FILE_MISSION)
            buf_addf(out, "%lld", f->size);
        break;
    default:
        if (f->mtime_ms) {
            clock_format_short(f->mtime_ms, when);
            buf_adds(out, when);
        }
        break;
    }
}

static enum ui_role file_role(void *ctx, size_t r)
{
    const struct ui_file_row *f = &((struct usb_view *)ctx)->files[r];

    switch (f->kind) {
    case UI_FILE_PACK:
    case UI_FILE_MISSION:
    case UI_FILE_RECEIPT:
    case UI_FILE_HQ_KEY: return UI_ROLE_OK;
    case UI_FILE_OTHER: return UI_ROLE_DIM;
    default: return UI_ROLE_NORMAL;
    }
}

static void emit_media(void *ctx, const struct ui_media_row *row)
{
    struct usb_view *u = ctx;

    u->media = ui_append(u->media, &u->nmedia, &u->mcap, row, sizeof(*row));
}

static void emit_file(void *ctx, const struct ui_file_row *row)
{
    struct usb_view *u = ctx;

    u->files = ui_append(u->files, &u->nfiles, &u->fcap, row, sizeof(*row));
}

static void set_error(struct usb_view *u, int rc, const struct fc_error *err)
{
    if (rc < 0)
        ui_error_text(u->error, sizeof(u->error), rc, err);
}

static void usb_list_files(struct usb_view *u)
{
    struct fc_error err;

    u->nfiles = 0;
    if (u->dir[0]) {
        fc_error_clear(&err);
        set_error(u, u->m->list_files(u->m->user, u->dir, emit_file, u, &err), &err);
    }
    ui_table_set_rows(&u->ftable, u->nfiles);
    ui_table_select(&u->ftable, 0);
}

static void usb_reload(struct usb_view *u)
{
    struct fc_error err;

    u->error[0] = '\0';
    fc_error_clear(&err);
    memset(&u->dev, 0, sizeof(u->dev));
    if (u->m->device)
        set_error(u, u->m->device(u->m->user, &u->dev, &err), &err);
    u->nmedia = 0;
    fc_error_clear(&err);
    set_error(u, u->m->list_media(u->m->user, emit_media, u, &err), &err);
    ui_table_set_rows(&u->mtable, u->nmedia);
    /* one stick: straight to its files */
    if (!u->dir[0] && u->nmedia == 1) {
        snprintf(u->dir, sizeof(u->dir), "%s", u->media[0].path);
        u->focus = 1;
    }
    usb_list_files(u);
}

static void go_dir(struct usb_view *u, const char *dir)
{
    snprintf(u->dir, sizeof(u->dir), "%s", dir);
    u->error[0] = '\0';
    u->focus = 1;
    usb_list_files(u);
}

static void go_up(struct usb_view *u)
{
    char *slash = strrchr(u->dir, '/');

    if (!slash || slash == u->dir)
        return;
    *slash = '\0';
    u->error[0] = '\0';
    usb_list_files(u);
}

struct trust_ask {
    struct usb_view *u;
    struct ui_screen *scr;
    char path[1024];
    int replace;
};

static void trust_done(void *ctx, int yes)
{
    struct trust_ask *t = ctx;
    struct fc_error err;
    char msg[320] = "";

    if (yes) {
        int rc;
        fc_error_clear(&err);
        rc = t->u->m->trust_hq(t->u->m->user, t->path, t->replace, msg, &err);
        usb_reload(t->u);
        if (rc == FC_ESTATE && !t->replace) {
            /* other keys are trusted: replacing them is a decision of its own */
            struct trust_ask *again = xcalloc(1, sizeof(*again));
            char q[512];
            *again = *t;
            again->replace = 1;
            snprintf(q, sizeof(q), "%s %s", err.msg_local[0] ? err.msg_local : err.msg,
                     ui_tr("Replace the trusted key? Events the old HQ key has not acknowledged "
                           "go with the next export.",
                           "是否替换已信任的密钥？旧中心密钥尚未确认的事件将随下次导出发送。"));
            ui_confirm_push(t->scr, ui_tr("Replace HQ's key?", "替换中心密钥？"), q, trust_done,
                            again);
            free(t);
            return;
        }
        if (rc < 0) {
            set_error(t->u, rc, &err);
            ui_screen_alert(t->scr, UI_SEV_WARN);
        } else {
            ui_screen_message(t->scr, UI_ROLE_OK, "%s", msg);
            ui_screen_alert(t->scr, UI_SEV_OK);
        }
    }
    free(t);
}

/* A bundle chosen on the stick: on a team lead's laptop, the teammates'
 * bundles of its folder go into the team's records (Alt+t); elsewhere a
 * bundle is for HQ. */
static void usb_team_import(struct ui_view *v, const char *path)
{
    struct usb_view *u = v->data;
    struct fc_error err;
    struct buf dir = BUF_INIT;
    char msg[320] = "";
    int rc = FC_EVERIFY;

    fc_error_clear(&err);
    if (u->m->team_import) {
        fs_dirname(&dir, path);
        ui_screen_busy(v->scr, ui_tr("Importing the team's bundles...", "正在导入组员的数据包……"));
        rc = u->m->team_import(u->m->user, dir.ptr, msg, &err);
        buf_release(&dir);
    }
    if (rc == FC_EVERIFY && !msg[0])
        ui_screen_message(v->scr, UI_ROLE_NORMAL, "%s",
                          ui_tr("a bundle exported for HQ: take it to HQ's import",
                                "导出给中心的数据包：请交中心导入"));
    else if (rc < 0)
        ui_screen_error(v->scr, UI_ROLE_ANOMALY, -1, &err);
    else
        ui_screen_message(v->scr, UI_ROLE_OK, "%s", msg);
}

static void usb_open(struct ui_view *v, int partial)
{
    struct usb_view *u = v->data;
    size_t r;
    const struct ui_file_row *f;

    if (u->focus == 0) {
        r = ui_table_selected(&u->mtable);
        if (r != SIZE_MAX)
            go_dir(u, u->media[r].path);
        return;
    }
    r = ui_table_selected(&u->ftable);
    if (r == SIZE_MAX)
        return;
    f = &u->files[r];
    switch (f->kind) {
    case UI_FILE_DIR:
        if (!strcmp(f->name, ".."))
            go_up(u);
        else
            go_dir(u, f->path);
        break;
    case UI_FILE_PACK:
    case UI_FILE_MISSION: run_load(v->scr, u->m, f->path, partial); break;
    case UI_FILE_RECEIPT: ui_receipt_confirm(v->scr, f->path); break;
    case UI_FILE_HQ_KEY:
        if (u->m->trust_hq) {
            struct trust_ask *t = xcalloc(1, sizeof(*t));
            t->u = u;
            t->scr = v->scr;
            snprintf(t->path, sizeof(t->path), "%s", f->path);
            ui_confirm_push(v->scr, ui_tr("Trust this HQ key?", "信任此中心密钥？"),
                            ui_tr("Mission packs and receipts are then accepted only when this "
                                  "key signed them. Check its fingerprint with HQ.",
                                  "此后只接受此密钥签名的任务包和回执。请与中心核对指纹。"),
                            trust_done, t);
        }
        break;
    case UI_FILE_BUNDLE: usb_team_import(v, f->path); break;
    case UI_FILE_OTHER:
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("not a file fieldcheck reads", "不是 fieldcheck 可读取的文件"));
        break;
    }
}

static void usb_export(struct ui_view *v)
{
    struct usb_view *u = v->data;
    struct fc_error err;
    char msg[320] = "";
    int rc;

    if (!u->dir[0]) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("choose a medium or a folder first", "请先选择存储设备或文件夹"));
        return;
    }
    ui_screen_busy(v->scr, ui_tr("Writing the bundle...", "正在写入数据包……"));
    fc_error_clear(&err);
    rc = u->m->export_bundle(u->m->user, u->dir, msg, &err);
    usb_reload(u); /* the new file, the new unsynced count */
    if (rc < 0) {
        set_error(u, rc, &err);
        ui_screen_alert(v->scr, UI_SEV_WARN);
    } else {
        ui_screen_message(v->scr, UI_ROLE_OK, "%s", msg);
        ui_screen_alert(v->scr, UI_SEV_OK);
    }
}

static int usb_action(struct ui_view *v, int id)
{
    struct usb_view *u = v->data;
    struct ui_table *const tables[] = {&u->mtable, &u->ftable};

    switch (id) {
    case USB_ACT_LOAD:
    case UI_ACT_OPEN: usb_open(v, 0); return 1;
    case USB_ACT_PARTIAL: usb_open(v, 1); return 1;
    case USB_ACT_EXPORT: usb_export(v); return 1;
    case USB_ACT_REFRESH: usb_reload(u); return 1;
    case USB_ACT_UP: go_up(u); return 1;
    case USB_ACT_DEVICE: {
        struct ui_view *dev = ui_view_make(&device_ops, sizeof(struct device_view));
        struct device_view *dv = dev->data;

        dv->m = u->m;
        device_load(dv);
        ui_screen_push(v->scr, dev);
        return 1;
    }
    default: return ui_tables_action(tables, 2, &u->focus, id);
    }
}

/* A typed path: a folder is opened; a file is selected in its folder and
 * opened as if chosen there (a pack is loaded, a receipt applied...). */
static void open_path(struct ui_view *v, const char *path)
{
    struct usb_view *u = v->data;
    char dir[1024], *slash;

    go_dir(u, path);
    if (!u->error[0])
        return;
    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0';
    go_dir(u, slash == dir ? "/" : dir);
    for (size_t i = 0; i < u->nfiles; i++) {
        if (!strcmp(u->files[i].name, slash + 1)) {
            ui_table_select(&u->ftable, i);
            usb_open(v, 0);
            return;
        }
    }
    snprintf(u->error, sizeof(u->error), "%s: %s", ui_tr("not found", "未找到"), path);
}

/* Typed text is a path; Enter opens it. */
static int usb_text(struct ui_view *v, uint32_t key)
{
    return ui_view_input_key(v, &((struct usb_view *)v->data)->path, key, open_path);
}

static void usb_draw(struct ui_view *v, WINDOW *w)
{
    struct usb_view *u = v->data;
    char line[512];
    int y = 0, mh;

    if (u->dev.device_id[0])
        snprintf(line, sizeof(line), "%s %s   %s   %s %ld", ui_tr("Device", "设备"),
                 u->dev.device_id,
                 u->dev.hq_trusted ? ui_tr("HQ key trusted", "已信任中心密钥")
                                   : ui_tr("HQ key not trusted", "未信任中心密钥"),
                 ui_tr("not yet at HQ:", "尚未交中心："), u->dev.unsynced);
    else
        snprintf(line, sizeof(line), "%s",
                 ui_tr("This device has no keys yet (F5 or Alt-k)", "本机尚无密钥（F5 或 Alt-k）"));
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT,
           u->dev.device_id[0] ? UI_ROLE_HEADER : UI_ROLE_WARN);
    ui_input_draw(&u->path, w, y++, 1, v->cols - 2,
                  ui_tr("Path (type it, then Enter):", "路径（输入后回车）："), 1);
    mh = u->nmedia ? (int)u->nmedia + 2 : 3;
    if (mh > v->rows / 3)
        mh = v->rows / 3;
    ui_view_heading(v, w, y++, ui_tr("Removable media", "可移动存储设备"), u->focus == 0);
    if (u->nmedia)
        ui_table_draw(&u->mtable, w, y, 1, mh - 1, v->cols - 2, u->focus == 0);
    else
        ui_put(w, y, 1, v->cols - 2,
               ui_tr("No USB stick found: plug one in and press ^R, or type a folder above",
                     "未发现优盘：插入后按 ^R 刷新，或在上方输入文件夹路径"),
               UI_ALIGN_LEFT, UI_ROLE_DIM);
    y += mh - 1;
    snprintf(line, sizeof(line), "%s %s", ui_tr("Files in", "文件夹"), u->dir[0] ? u->dir : "-");
    ui_view_heading(v, w, y++, line, u->focus == 1);
    ui_view_draw_table(v, w, &u->ftable, y, u->focus == 1, u->error);
}

static void usb_enter(struct ui_view *v)
{
    usb_reload(v->data);
}

static void usb_init(struct ui_view *v, const struct ui_app *app)
{
    struct usb_view *u = v->data;

    if (!app->usb)
        BUG("USB screen without a USB model");
    u->app = app;
    u->m = app->usb;
    ui_view_input(v, &u->path, 1000);
    ui_view_table(v, &u->mtable, media_cols, UI_COUNT(media_cols), media_cell);
    ui_view_table(v, &u->ftable, file_cols, UI_COUNT(file_cols), file_cell)->row_role = file_role;
    ui_view_owns(v, &u->media);
    ui_view_owns(v, &u->files);
}

const struct ui_view_ops view_usb_ops = {
    .name = "usb",
    .title_en = N_("USB stick"),
    .title_zh = "优盘",
    .size = sizeof(struct usb_view),
    .init = usb_init,
    UI_VIEW_ACTIONS(usb_actions),
    .enter = usb_enter,
    .draw = usb_draw,
    .action = usb_action,
    .text = usb_text,
};
