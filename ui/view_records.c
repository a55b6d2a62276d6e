/* A visit's records (DESIGN §8: reports, evidence and interviews without the
 * command line): the visit's documents — its report, the on-site record,
 * the interview record, the evidence register and its workflow's own —
 * written as HTML for printing and sent to the printer where one is
 * configured; evidence files registered by path with their SHA-256 shown;
 * an interview (询问笔录) entered in a form. Each is what the CLI's `report`,
 * `evidence add` and `interview add` record (ui_records_model). */
#include "core/base/xalloc.h"
#include "ui/form.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    REC_ACT_WRITE = UI_ACT_VIEW_BASE,
    REC_ACT_PRINT,
    REC_ACT_EVIDENCE,
    REC_ACT_INTERVIEW,
};

static const struct ui_action rec_actions[] = {
    {REC_ACT_WRITE,
     "write-document",
     2,
     {UI_KEY_ALT('w')},
     N_("Write"),
     "生成",
     N_("Write the selected document as HTML (for printing)"),
     "将所选文书生成 HTML 文件（供打印）"},
    {REC_ACT_PRINT,
     "print-document",
     3,
     {UI_KEY_ALT('p')},
     N_("Print"),
     "打印",
     N_("Write the selected document and send it to the printer"),
     "生成所选文书并送打印机打印"},
    {REC_ACT_EVIDENCE,
     "add-evidence",
     4,
     {UI_KEY_ALT('n')},
     N_("Evidence"),
     "登记证据",
     N_("Register a file as evidence: its SHA-256 is recorded"),
     "登记证据文件：记录其 SHA-256"},
    {REC_ACT_INTERVIEW,
     "add-interview",
     5,
     {UI_KEY_ALT('i')},
     N_("Interview"),
     "询问笔录",
     N_("Record an interview: people, questions and answers, signature"),
     "录入询问笔录：被询问人、问答、签名"},
};

struct records {
    struct ui_visit_view visit; /* first: app and row */
    const struct ui_records_model *m;
    struct ui_doc_row *docs;
    size_t ndocs, dcap;
    struct ui_evidence_row *ev;
    size_t nev, ecap;
    struct ui_table dtable, etable;
    int focus; /* 0 documents, 1 evidence */
    int has_printer;
    char printer[128];
    char last_path[1024];
    char error[320];
};

static const struct ui_table_col doc_cols[] = {
    {N_("Document"), "文书", 0, UI_ALIGN_LEFT, 12, 0},
    {NC_("document", "Name"), "名称", 14, UI_ALIGN_LEFT, 0, 1},
};

static const struct ui_table_col ev_cols[] = {
    {N_("File"), "文件", 0, UI_ALIGN_LEFT, 16, 0},
    {N_("Size"), "大小", 10, UI_ALIGN_RIGHT, 0, 1},
    {N_("SHA-256"), "SHA-256", 13, UI_ALIGN_LEFT, 0, 0},
};

static void doc_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_doc_row *d = &((struct records *)ctx)->docs[r];
    buf_adds(out, col ? d->name : d->title);
}

static void ev_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_evidence_row *e = &((struct records *)ctx)->ev[r];

    switch (col) {
    case 0: buf_adds(out, e->path); break;
    case 1: buf_addf(out, "%lld", e->size); break;
    default: buf_adds(out, e->sha_short); break;
    }
}

static void emit_doc(void *ctx, const struct ui_doc_row *row)
{
    struct records *r = ctx;

    r->docs = ui_append(r->docs, &r->ndocs, &r->dcap, row, sizeof(*row));
}

static void emit_ev(void *ctx, const struct ui_evidence_row *row)
{
    struct records *r = ctx;

    r->ev = ui_append(r->ev, &r->nev, &r->ecap, row, sizeof(*row));
}

static void records_load(struct records *r)
{
    struct fc_error err;
    int rc;

    r->error[0] = '\0';
    r->ndocs = r->nev = 0;
    fc_error_clear(&err);
    rc = r->m->list_docs(r->m->user, r->visit.row.id, emit_doc, r, &err);
    if (rc < 0)
        ui_error_text(r->error, sizeof(r->error), rc, &err);
    if (r->m->list_evidence) {
        fc_error_clear(&err);
        rc = r->m->list_evidence(r->m->user, r->visit.row.id, emit_ev, r, &err);
        if (rc < 0)
            ui_error_text(r->error, sizeof(r->error), rc, &err);
    }
    ui_table_set_rows(&r->dtable, r->ndocs);
    ui_table_set_rows(&r->etable, r->nev);
    r->has_printer = r->m->printer && r->m->printer(r->m->user, r->printer);
}

/* ---- evidence ------------------------------------------------------------------ */

static const struct ui_form_field evidence_fields[] = {
    {N_("File path"), "文件路径", 1000, 0, 0, 0},
    {N_("Note"), "说明", 500, 0, 0, 0},
};

/* What the evidence and interview forms save to: the model and the visit. */
struct visit_form {
    const struct ui_records_model *m;
    char visit[64];
};

/* Pushes the form spec for visit_id's records (m). */
static void visit_form_push(struct ui_screen *s, const struct ui_records_model *m,
                            const char *visit_id, struct ui_form_spec *spec)
{
    struct visit_form *c = xcalloc(1, sizeof(*c));

    c->m = m;
    snprintf(c->visit, sizeof(c->visit), "%s", visit_id);
    spec->release = free;
    spec->ctx = c;
    ui_form_push(s, spec);
}

static int evidence_submit(void *ctx, struct ui_screen *scr, const char *const *values,
                           char error[256])
{
    struct visit_form *e = ctx;
    struct fc_error err;
    char msg[320] = "";

    if (!values[0][0]) {
        snprintf(error, 256, "%s", ui_tr("a file path is required", "必须填写文件路径"));
        return -1;
    }
    fc_error_clear(&err);
    if (e->m->add_evidence(e->m->user, e->visit, values[0], values[1], msg, &err) < 0) {
        ui_error_text(error, 256, -1, &err);
        return -1;
    }
    ui_screen_message(scr, UI_ROLE_OK, "%s", msg);
    ui_screen_alert(scr, UI_SEV_OK);
    return 0;
}

void ui_evidence_form_push(struct ui_screen *s, const struct ui_app *app, const char *visit_id)
{
    struct ui_form_spec spec = {
        .title_en = N_("Register evidence"),
        .title_zh = "登记证据",
        .hint_en = N_("The file stays where it is; its SHA-256, size and time are recorded."),
        .hint_zh = "文件保留在原处；记录其 SHA-256、大小和时间。",
        .fields = evidence_fields,
        .nfields = UI_COUNT(evidence_fields),
        .submit = evidence_submit,
    };

    if (!app->records || !app->records->add_evidence) {
        ui_screen_message(s, UI_ROLE_WARN, "%s",
                          ui_tr("evidence cannot be registered here", "此处不能登记证据"));
        return;
    }
    visit_form_push(s, app->records, visit_id, &spec);
}

/* ---- interview ------------------------------------------------------------------ */

#define IV_PEOPLE 2
#define IV_ITEMS 6

/* place, time, IV_PEOPLE x (name, role, ID), IV_ITEMS x (q, a), signed,
 * refusal, note */
static const struct ui_form_field interview_fields[] = {
    {N_("Place"), "地点", 127, 0, 0, 0},
    {N_("Time (empty: now)"), "时间（空则为现在）", 39, 0, 0, 0},
    {N_("Person 1: name"), "被询问人1：姓名", 63, 0, 0, 0},
    {N_("Person 1: role"), "被询问人1：职务", 63, 0, 0, 0},
    {N_("Person 1: ID number"), "被询问人1：身份证号", 31, 0, 0, 0},
    {N_("Person 2: name"), "被询问人2：姓名", 63, 0, 0, 0},
    {N_("Person 2: role"), "被询问人2：职务", 63, 0, 0, 0},
    {N_("Person 2: ID number"), "被询问人2：身份证号", 31, 0, 0, 0},
    {N_("Question 1"), "问1", 255, 0, 0, 0},
    {N_("Answer 1"), "答1", 511, 0, 0, 0},
    {N_("Question 2"), "问2", 255, 0, 0, 0},
    {N_("Answer 2"), "答2", 511, 0, 0, 0},
    {N_("Question 3"), "问3", 255, 0, 0, 0},
    {N_("Answer 3"), "答3", 511, 0, 0, 0},
    {N_("Question 4"), "问4", 255, 0, 0, 0},
    {N_("Answer 4"), "答4", 511, 0, 0, 0},
    {N_("Question 5"), "问5", 255, 0, 0, 0},
    {N_("Answer 5"), "答5", 511, 0, 0, 0},
    {N_("Question 6"), "问6", 255, 0, 0, 0},
    {N_("Answer 6"), "答6", 511, 0, 0, 0},
    {N_("Signed by the person"), "被询问人已签名", 0, 1, 0, 0},
    {N_("Refused to sign because"), "拒绝签名的理由", 159, 0, 0, 0},
    {N_("Note"), "备注", 255, 0, 0, 0},
};

static int interview_submit(void *ctx, struct ui_screen *scr, const char *const *v, char error[256])
{
    struct visit_form *c = ctx;
    struct ui_interview iv;
    struct fc_error err;
    char id[40] = "";
    size_t k = 0;

    memset(&iv, 0, sizeof(iv));
    snprintf(iv.place, sizeof(iv.place), "%s", v[k++]);
    snprintf(iv.held_at, sizeof(iv.held_at), "%s", v[k++]);
    for (int p = 0; p < IV_PEOPLE; p++) {
        snprintf(iv.people[p].name, sizeof(iv.people[p].name), "%s", v[k++]);
        snprintf(iv.people[p].role, sizeof(iv.people[p].role), "%s", v[k++]);
        snprintf(iv.people[p].id_number, sizeof(iv.people[p].id_number), "%s", v[k++]);
    }
    for (int i = 0; i < IV_ITEMS; i++) {
        snprintf(iv.items[i].q, sizeof(iv.items[i].q), "%s", v[k++]);
        snprintf(iv.items[i].a, sizeof(iv.items[i].a), "%s", v[k++]);
    }
    iv.is_signed = !strcmp(v[k++], "1");
    snprintf(iv.refusal, sizeof(iv.refusal), "%s", v[k++]);
    snprintf(iv.note, sizeof(iv.note), "%s", v[k++]);
    fc_error_clear(&err);
    if (c->m->add_interview(c->m->user, c->visit, &iv, id, &err) < 0) {
        ui_error_text(error, 256, -1, &err);
        return -1;
    }
    ui_screen_message(scr, UI_ROLE_OK, "%s %.8s", ui_tr("interview recorded:", "询问笔录已记录："),
                      id);
    ui_screen_alert(scr, UI_SEV_OK);
    return 0;
}

static void interview_form_push(struct ui_screen *s, const struct ui_records_model *m,
                                const char *visit_id)
{
    struct ui_form_spec spec = {
        .title_en = N_("Interview record"),
        .title_zh = "询问笔录",
        .hint_en = N_("A place, a person, a question; then signed, or why not."),
        .hint_zh = "须填地点、被询问人、至少一问；并勾选已签名，或填写拒签理由。",
        .fields = interview_fields,
        .nfields = UI_COUNT(interview_fields),
        .submit = interview_submit,
    };

    visit_form_push(s, m, visit_id, &spec);
}

/* ---- the screen ------------------------------------------------------------------- */

static void write_doc(struct ui_view *v, int print)
{
    struct records *r = v->data;
    size_t i = ui_table_selected(&r->dtable);
    struct fc_error err;
    char msg[320] = "";
    int rc;

    if (i == SIZE_MAX)
        return;
    if (print && !r->has_printer) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("no printer is configured: write the document (F2) and print it "
                                "from another computer",
                                "未配置打印机：请生成文书（F2），在其他电脑上打印"));
        return;
    }
    ui_screen_busy(v->scr, ui_tr("Writing the document...", "正在生成文书……"));
    fc_error_clear(&err);
    rc = r->m->write_doc(r->m->user, r->visit.row.id, r->docs[i].name, r->last_path, &err);
    if (rc < 0) {
        ui_error_text(r->error, sizeof(r->error), rc, &err);
        ui_screen_alert(v->scr, UI_SEV_WARN);
        return;
    }
    r->error[0] = '\0';
    if (!print) {
        ui_screen_message(v->scr, UI_ROLE_OK, "%s %s", ui_tr("written:", "已生成："), r->last_path);
        ui_screen_alert(v->scr, UI_SEV_OK);
        return;
    }
    fc_error_clear(&err);
    rc = r->m->print(r->m->user, r->last_path, msg, &err);
    if (rc < 0) {
        ui_error_text(r->error, sizeof(r->error), rc, &err);
        ui_screen_alert(v->scr, UI_SEV_WARN);
        return;
    }
    ui_screen_message(v->scr, UI_ROLE_OK, "%s", msg);
    ui_screen_alert(v->scr, UI_SEV_OK);
}

static int records_action(struct ui_view *v, int id)
{
    struct records *r = v->data;

    switch (id) {
    case REC_ACT_WRITE: write_doc(v, 0); return 1;
    case REC_ACT_PRINT: write_doc(v, 1); return 1;
    case REC_ACT_EVIDENCE: ui_evidence_form_push(v->scr, r->visit.app, r->visit.row.id); return 1;
    case REC_ACT_INTERVIEW:
        if (r->m->add_interview)
            interview_form_push(v->scr, r->m, r->visit.row.id);
        return 1;
    case UI_ACT_OPEN:
        if (r->focus == 0)
            write_doc(v, 0);
        return 1;
    default: {
        struct ui_table *const tables[] = {&r->dtable, &r->etable};
        return ui_tables_action(tables, 2, &r->focus, id);
    }
    }
}

static void records_draw(struct ui_view *v, WINDOW *w)
{
    struct records *r = v->data;
    char line[1200];
    int y = 0, dh;

    snprintf(line, sizeof(line), "%s  %s  %s", r->visit.row.id, r->visit.row.site,
             ui_kind_label(r->visit.row.kind_label, r->visit.row.kind));
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, UI_ROLE_HEADER);
    if (r->has_printer)
        snprintf(line, sizeof(line), "%s %s", ui_tr("Printer:", "打印机："), r->printer);
    else
        snprintf(line, sizeof(line), "%s",
                 ui_tr("No printer configured: documents are written as HTML files",
                       "未配置打印机：文书将生成为 HTML 文件"));
    ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, r->has_printer ? UI_ROLE_OK : UI_ROLE_DIM);
    dh = (int)r->ndocs + 2;
    if (dh > (v->rows - y) / 2)
        dh = (v->rows - y) / 2;
    ui_view_heading(v, w, y++, ui_tr("Documents", "文书"), r->focus == 0);
    ui_table_draw(&r->dtable, w, y, 1, dh - 1, v->cols - 2, r->focus == 0);
    y += dh - 1;
    if (r->last_path[0]) {
        snprintf(line, sizeof(line), "%s %s", ui_tr("Last written:", "最近生成："), r->last_path);
        ui_put(w, y++, 1, v->cols - 2, line, UI_ALIGN_LEFT, UI_ROLE_DIM);
    }
    ui_view_heading(v, w, y++, ui_tr("Evidence of the visit", "本次检查的证据"), r->focus == 1);
    ui_view_draw_table(v, w, &r->etable, y, r->focus == 1, r->error);
}

static void records_enter(struct ui_view *v)
{
    records_load(v->data);
}

static void records_init(struct ui_view *v, const struct ui_app *app)
{
    struct records *r = v->data;

    if (!app->records)
        BUG("records screen without a records model");
    r->m = app->records;
    ui_view_table(v, &r->dtable, doc_cols, UI_COUNT(doc_cols), doc_cell);
    ui_view_table(v, &r->etable, ev_cols, UI_COUNT(ev_cols), ev_cell);
    ui_view_owns(v, &r->docs);
    ui_view_owns(v, &r->ev);
}

const struct ui_view_ops view_records_ops = {
    .name = "records",
    .title_en = N_("Records"),
    .title_zh = "文书与记录",
    .size = sizeof(struct records),
    .init = records_init,
    UI_VIEW_ACTIONS(rec_actions),
    .enter = records_enter,
    .draw = records_draw,
    .action = records_action,
};
