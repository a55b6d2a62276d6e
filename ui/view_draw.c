/* The on-site draw (双随机) on screen: the candidate pool of the pack, the
 * count and the seed the team announces typed in, then the result and the
 * draw record's SHA-256, which the team can read out before anything is
 * recorded. Recording asks first (a 'y' typed by hand) and goes through the
 * model, which records exactly what `fieldcheck draw` records: the screen
 * only shows, it never draws by itself. */
#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    DRAW_ACT_RECORD = UI_ACT_VIEW_BASE,
};

static const struct ui_action draw_actions[] = {
    {DRAW_ACT_RECORD,
     "record",
     2,
     {UI_KEY_ALT('o')},
     N_("Record"),
     "记录",
     N_("Record the draw shown (asks first)"),
     "记录所示抽取结果（先确认）"},
};

enum draw_state {
    DRAW_ENTRY = 0, /* typing the count and the seed: the pool is shown */
    DRAW_SHOWN,     /* a result is shown, not recorded */
    DRAW_RECORDED,  /* the result shown is recorded */
};

struct draw {
    const struct ui_draw_model *m;
    struct ui_draw_pool info;
    struct ui_draw_row *pool, *picks;
    size_t npool, pcap, npicks, cap;
    struct ui_table table;
    struct ui_input count, seed;
    int focus; /* 0 count, 1 seed */
    enum draw_state state;
    char record_sha256[65];
    char error[320];
};

static const struct ui_table_col cols[] = {
    {N_("#"), "序", 3, UI_ALIGN_RIGHT, 0, 0},
    {N_("Code"), "机构编码", 13, UI_ALIGN_LEFT, 0, 0},
    {N_("Institution"), "机构名称", 0, UI_ALIGN_LEFT, 16, 0},
    {N_("Kind"), "类别", 8, UI_ALIGN_LEFT, 0, 0},
    {N_("Region"), "地区", 0, UI_ALIGN_LEFT, 10, 1},
};

static const struct ui_draw_row *row_at(struct draw *d, size_t r)
{
    return d->state == DRAW_ENTRY ? &d->pool[r] : &d->picks[r];
}

static void cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_draw_row *row = row_at(ctx, r);

    switch (col) {
    case 0:
        if (row->order)
            buf_addf(out, "%d", row->order);
        break;
    case 1: buf_adds(out, row->code); break;
    case 2: buf_adds(out, row->name); break;
    case 3: buf_adds(out, ui_tr(row->kind, row->kind_zh[0] ? row->kind_zh : NULL)); break;
    default: buf_adds(out, row->region); break;
    }
}

static void emit_pool(void *ctx, const struct ui_draw_row *row)
{
    struct draw *d = ctx;

    d->pool = ui_append(d->pool, &d->npool, &d->pcap, row, sizeof(*row));
}

static void emit_pick(void *ctx, const struct ui_draw_row *row)
{
    struct draw *d = ctx;

    d->picks = ui_append(d->picks, &d->npicks, &d->cap, row, sizeof(*row));
}

static void set_error(struct draw *d, int rc, const struct fc_error *err)
{
    ui_error_text(d->error, sizeof(d->error), rc, err);
}

static void show(struct draw *d, enum draw_state st)
{
    d->state = st;
    ui_table_set_rows(&d->table, st == DRAW_ENTRY ? d->npool : d->npicks);
    ui_table_select(&d->table, 0);
}

static void draw_enter(struct ui_view *v)
{
    struct draw *d = v->data;
    struct fc_error err;
    int rc;

    if (d->pool)
        return; /* read once: the pool is the pack's, a visit changes nothing */
    fc_error_clear(&err);
    rc = d->m->pool(d->m->user, emit_pool, d, &d->info, &err);
    if (rc < 0)
        set_error(d, rc, &err);
    if (!d->count.text.len)
        buf_adds(&d->count.text, d->info.count);
    show(d, DRAW_ENTRY);
}

static void preview(struct draw *d)
{
    struct fc_error err;
    int rc;

    d->error[0] = '\0';
    d->npicks = 0;
    fc_error_clear(&err);
    rc = d->m->preview(d->m->user, d->seed.text.ptr ? d->seed.text.ptr : "",
                       d->count.text.ptr ? d->count.text.ptr : "", emit_pick, d, d->record_sha256,
                       &err);
    if (rc < 0) {
        set_error(d, rc, &err);
        show(d, DRAW_ENTRY);
        return;
    }
    show(d, DRAW_SHOWN);
}

static void record_done(void *ctx, int yes)
{
    struct ui_view *v = ctx;
    struct draw *d = v->data;
    struct fc_error err;
    int rc;

    if (!yes || d->state != DRAW_SHOWN)
        return;
    fc_error_clear(&err);
    rc = d->m->record(d->m->user, d->seed.text.ptr, d->count.text.ptr, d->record_sha256, &err);
    if (rc < 0) {
        set_error(d, rc, &err);
        return;
    }
    d->state = DRAW_RECORDED;
    ui_screen_message(v->scr, UI_ROLE_OK, "%s %.16s",
                      ui_tr("draw recorded; record SHA-256", "抽取结果已记录；记录 SHA-256"),
                      d->record_sha256);
}

static void ask_record(struct ui_view *v)
{
    struct draw *d = v->data;
    struct buf msg = BUF_INIT;

    if (d->state == DRAW_ENTRY) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("type the announced seed and press Enter first",
                                "请先输入公布的随机种子并按回车"));
        return;
    }
    if (d->state == DRAW_RECORDED) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("this draw is recorded already", "本次抽取已记录"));
        return;
    }
    buf_addf(&msg, ui_tr("Seed '%s', %zu institution(s):", "随机种子“%s”，抽中 %zu 家："),
             d->seed.text.ptr, d->npicks);
    for (size_t i = 0; i < d->npicks; i++)
        buf_addf(&msg, " %s", d->picks[i].code);
    buf_addf(&msg, ". %s %.16s. %s", ui_tr("Record SHA-256", "记录 SHA-256"), d->record_sha256,
             ui_tr("It is recorded for HQ and cannot be undone.", "记录将报送总部，不可撤销。"));
    ui_confirm_push(v->scr, ui_tr("Record this draw?", "记录本次抽取？"), msg.ptr, record_done, v);
    buf_release(&msg);
}

static int draw_text(struct ui_view *v, uint32_t key)
{
    struct draw *d = v->data;
    struct ui_input *in = d->focus ? &d->seed : &d->count;

    if (!ui_input_key(in, key))
        return 0;
    /* another count or seed: the result shown is no longer theirs */
    if (d->state != DRAW_ENTRY)
        show(d, DRAW_ENTRY);
    d->error[0] = '\0';
    return 1;
}

static int draw_action(struct ui_view *v, int id)
{
    struct draw *d = v->data;

    switch (id) {
    case DRAW_ACT_RECORD: ask_record(v); return 1;
    case UI_ACT_NEXT_PANE: d->focus = !d->focus; return 1;
    case UI_ACT_OPEN:
        if (!d->seed.text.len) {
            d->focus = 1;
            ui_screen_message(
                v->scr, UI_ROLE_WARN, "%s",
                ui_tr("type the seed the team announced", "请输入检查组公布的随机种子"));
        } else {
            preview(d);
        }
        return 1;
    default: return ui_table_action(&d->table, id);
    }
}

static void draw_draw(struct ui_view *v, WINDOW *w)
{
    struct draw *d = v->data;
    char line[512];
    int y = 0;

    snprintf(line, sizeof(line), "%s %s    %s %ld    %s %.16s", ui_tr("Mission", "任务"),
             d->info.mission, ui_tr("Institutions", "候选机构"), d->info.n,
             ui_tr("Pool SHA-256", "候选池 SHA-256"), d->info.pool_sha256);
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    ui_input_draw(&d->count, w, y++, 1, v->cols - 2, ui_tr("Count:", "抽取数量："), !d->focus);
    ui_input_draw(&d->seed, w, y++, 1, v->cols - 2, ui_tr("Seed:", "随机种子："), d->focus);
    switch (d->state) {
    case DRAW_ENTRY:
        ui_put(w, y++, 1, v->cols - 2,
               ui_tr("Candidate pool. Type the seed the team announced, then Enter.",
                     "候选池。输入检查组公布的随机种子后按回车。"),
               UI_ALIGN_LEFT, UI_ROLE_DIM);
        break;
    case DRAW_SHOWN:
    case DRAW_RECORDED:
        snprintf(line, sizeof(line), "%s %s",
                 d->state == DRAW_RECORDED
                     ? ui_tr("Recorded. Record SHA-256", "已记录。记录 SHA-256")
                     : ui_tr("Drawn, not recorded (F2). Record SHA-256",
                             "已抽取，未记录（F2）。记录 SHA-256"),
                 d->record_sha256);
        ui_put_wrapped(w, y, 1, v->cols - 2, 2, line,
                       d->state == DRAW_RECORDED ? UI_ROLE_OK : UI_ROLE_WARN);
        y += 2;
        break;
    }
    ui_view_draw_table(v, w, &d->table, y, 1, d->error);
}

static void draw_init(struct ui_view *v, const struct ui_app *app)
{
    struct draw *d = v->data;

    if (!app->draw)
        BUG("draw screen without a draw model");
    d->m = app->draw;
    ui_view_input(v, &d->count, 63);
    ui_view_input(v, &d->seed, 1024);
    d->focus = 1;
    ui_view_table(v, &d->table, cols, UI_COUNT(cols), cell);
    ui_view_owns(v, &d->pool);
    ui_view_owns(v, &d->picks);
}

const struct ui_view_ops view_draw_ops = {
    .name = "draw",
    .title_en = N_("On-site draw"),
    .title_zh = "现场双随机抽取",
    .size = sizeof(struct draw),
    .init = draw_init,
    UI_VIEW_ACTIONS(draw_actions),
    .enter = draw_enter,
    .draw = draw_draw,
    .action = draw_action,
    .text = draw_text,
};
