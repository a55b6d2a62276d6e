/* Night bed check screen (DESIGN §8): ward list with progress, the current
 * ward's beds with their findings, the current bed with its masked roster
 * patient, a large verdict banner and a code/bed-number input line. The
 * common case needs only scans; keys cover the action words, bed jumps,
 * the anomaly filter and corrections. Everything shown is re-read from the
 * app's night model after each change, so the screen never keeps a second
 * copy of the engine's state that could drift from the database. */
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "ui/form.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/scan_asm.h"
#include "ui/views.h"
#include "ui/widget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIGHT_INPUT_MAX 128
#define BED_JUMP_MAX_DIGITS 4 /* typed 1-4 digits (and an optional '+') are a bed number */

enum {
    NIGHT_ACT_EMPTY_BED = UI_ACT_VIEW_BASE,
    NIGHT_ACT_NO_WRISTBAND,
    NIGHT_ACT_NO_ID,
    NIGHT_ACT_EXAM,
    NIGHT_ACT_FILTER,
    NIGHT_ACT_PANE,
    NIGHT_ACT_CORRECT,
    NIGHT_ACT_CLOSE,
    NIGHT_ACT_RECORDS,
};

static const struct ui_action night_actions[] = {
    {NIGHT_ACT_EMPTY_BED,
     "empty-bed",
     2,
     {UI_KEY_ALT('n')},
     N_("Empty"),
     "空床",
     N_("Record EMPTY_BED: nobody in the current bed"),
     "记录 EMPTY_BED：当前床位无人"},
    {NIGHT_ACT_NO_WRISTBAND,
     "no-wristband",
     3,
     {UI_KEY_ALT('w')},
     N_("NoBand"),
     "无腕带",
     N_("Record NO_WRISTBAND: the person wears no wristband"),
     "记录 NO_WRISTBAND：患者未戴腕带"},
    {NIGHT_ACT_NO_ID,
     "no-id",
     4,
     {UI_KEY_ALT('i')},
     N_("NoID"),
     "无证件",
     N_("Record NO_ID: no ID card can be shown"),
     "记录 NO_ID：无法出示身份证件"},
    {NIGHT_ACT_EXAM,
     "exam",
     5,
     {UI_KEY_ALT('x')},
     N_("Exam"),
     "检查中",
     N_("Record EXAM: the patient is away for an examination"),
     "记录 EXAM：患者外出检查"},
    {NIGHT_ACT_FILTER,
     "filter-anomalies",
     6,
     {UI_KEY_ALT('a')},
     N_("Filter"),
     "只看异常",
     N_("Show only anomalies, or everything again"),
     "只显示异常 / 显示全部"},
    {NIGHT_ACT_PANE,
     "next-list",
     0,
     {0x10, SCAN_KEY_SPECIAL(KEY_BTAB), UI_KEY_ALT('p')},
     N_("Beds/Patients/Scans"),
     "床位/患者/扫码",
     N_("Switch the list: beds of the ward, patients of the site, scans"),
     "切换列表：本病区床位、全院患者、扫码记录"},
    {NIGHT_ACT_CORRECT,
     "correct",
     11,
     {0x04, UI_KEY_ALT('d')},
     N_("Void"),
     "作废更正",
     N_("Void or amend the selected scan (else the last one), with a reason"),
     "作废或更正所选扫码（未选则最后一条），须填原因"},
    {NIGHT_ACT_CLOSE,
     "close-visit",
     12,
     {UI_KEY_ALT('c')},
     N_("Close"),
     "结束检查",
     N_("Close the visit: summary and checkpoint code"),
     "结束检查：汇总与核验码"},
    {NIGHT_ACT_RECORDS,
     "records",
     0,
     {UI_KEY_ALT('r')},
     N_("Records"),
     "文书",
     N_("Documents to print, evidence files, interviews"),
     "打印文书、登记证据、询问笔录"},
};

enum night_pane { PANE_BEDS = 0, PANE_PATIENTS, PANE_SCANS, PANE_COUNT };

struct night_view {
    struct ui_visit_view visit; /* first: app and row */

    struct ui_ward_row *wards;
    size_t nwards, wcap;
    struct ui_bed_row *beds;
    size_t nbeds, bcap;
    struct ui_patient_row *pats;
    size_t npats, pcap;
    struct ui_scan_row *scans;
    size_t nscans, scap;
    struct ui_table wtable, btable, ptable, stable;

    char ward[32];                  /* ward shown in the bed table */
    char cur_ward[32], cur_bed[16]; /* the current bed, from the engine */
    int focus;                      /* 0 ward list, 1 the right-hand list */
    enum night_pane pane;
    int only_anomalies;
    int stale;    /* reload before the next draw */
    int follow;   /* after a scan: show the current bed's ward and row */
    int scans_ok; /* scans[] is loaded */

    struct ui_input input;
    int have_last;
    struct ui_verdict last;
    char last_code[96];
    char error[256];
};

/* --- columns and cells ------------------------------------------------- */

static const struct ui_table_col ward_cols[] = {
    {N_("Ward"), "病区", 5, UI_ALIGN_LEFT, 0, 0},
    {NC_("ward", "Name"), "名称", 0, UI_ALIGN_LEFT, 0, 0},
    {N_("Done"), "已查", 7, UI_ALIGN_RIGHT, 0, 0},
    {N_("!"), "异", 3, UI_ALIGN_RIGHT, 0, 0},
};

/* At 80 columns the finding stays readable: the ID number goes first,
 * then the marks (both are on the current-bed line too), then the rest. */
static const struct ui_table_col bed_cols[] = {
    {N_("Bed"), "床号", 5, UI_ALIGN_LEFT, 0, 0},
    {N_("Patient"), "患者", 8, UI_ALIGN_LEFT, 0, 3},
    {N_("ID number"), "身份证号", 18, UI_ALIGN_LEFT, 0, 1},
    {N_("Finding"), "结果", 0, UI_ALIGN_LEFT, 22, 0},
    {N_("Marks"), "标记", 16, UI_ALIGN_LEFT, 0, 2}, /* a team lead: whose records */
    {N_("Scans"), "扫码", 5, UI_ALIGN_RIGHT, 0, 4},
};

static const struct ui_table_col patient_cols[] = {
    {N_("Bed"), "床位", 9, UI_ALIGN_LEFT, 0, 0},
    {N_("Adm. no."), "住院号", 10, UI_ALIGN_LEFT, 0, 3},
    {NC_("person", "Name"), "姓名", 8, UI_ALIGN_LEFT, 0, 4},
    {N_("ID number"), "身份证号", 18, UI_ALIGN_LEFT, 0, 1},
    {N_("Result"), "结果", 0, UI_ALIGN_LEFT, 22, 0},
    {N_("Found at"), "发现于", 9, UI_ALIGN_LEFT, 0, 2},
};

static const struct ui_table_col scan_cols[] = {
    {N_("Time"), "时间", 5, UI_ALIGN_LEFT, 0, 2},  {N_("Code"), "码", 0, UI_ALIGN_LEFT, 14, 0},
    {N_("Bed"), "床位", 9, UI_ALIGN_LEFT, 0, 3},   {N_("Verdict"), "结论", 22, UI_ALIGN_LEFT, 0, 0},
    {N_("State"), "状态", 6, UI_ALIGN_LEFT, 0, 1},
};

static void ward_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_ward_row *w = &((struct night_view *)ctx)->wards[r];

    switch (col) {
    case 0: buf_adds(out, w->code); break;
    case 1: buf_adds(out, w->name); break;
    case 2: buf_addf(out, "%d/%d", w->visited, w->beds); break;
    default:
        if (w->anomalies)
            buf_addf(out, "%d", w->anomalies);
        break;
    }
}

static enum ui_role ward_role(void *ctx, size_t r)
{
    struct night_view *nv = ctx;
    const struct ui_ward_row *w = &nv->wards[r];

    if (w->anomalies)
        return UI_ROLE_ANOMALY;
    if (w->beds && w->visited >= w->beds)
        return UI_ROLE_OK;
    return strcmp(w->code, nv->ward) ? UI_ROLE_NORMAL : UI_ROLE_HEADER;
}

static void bed_cell(void *ctx, size_t r, int col, struct buf *out)
{
    struct night_view *nv = ctx;
    const struct ui_bed_row *b = &nv->beds[r];

    switch (col) {
    case 0:
        buf_adds(out, b->bed);
        if (!strcmp(b->ward_code, nv->cur_ward) && !strcmp(b->bed, nv->cur_bed))
            buf_adds(out, " <");
        break;
    case 1: buf_adds(out, b->patient); break;
    case 2: buf_adds(out, b->patient_id); break;
    case 3:
        buf_adds(out, b->finding_label[0] ? b->finding_label
                      : b->finding[0]     ? b->finding
                                          : ui_tr("-", "未查"));
        break;
    case 4:
        buf_adds(out, b->marks);
        if (b->team[0])
            buf_addf(out, "%s[%s]", b->marks[0] ? " " : "", b->team);
        break;
    default:
        if (b->scans)
            buf_addf(out, "%ld", b->scans);
        break;
    }
}

static enum ui_role bed_role(void *ctx, size_t r)
{
    const struct ui_bed_row *b = &((struct night_view *)ctx)->beds[r];

    if (b->team_conflict)
        return UI_ROLE_ANOMALY;
    if (!b->finding[0])
        return UI_ROLE_DIM;
    return ui_severity_role(b->severity);
}

static int bed_filter(void *ctx, size_t r, const char *text)
{
    (void)text;
    return ((struct night_view *)ctx)->beds[r].anomaly;
}

static void patient_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_patient_row *p = &((struct night_view *)ctx)->pats[r];

    switch (col) {
    case 0: buf_addf(out, "%s-%s", p->ward_code, p->bed); break;
    case 1: buf_adds(out, p->admission_no); break;
    case 2: buf_adds(out, p->name); break;
    case 3: buf_adds(out, p->id_number); break;
    case 4: buf_adds(out, p->finding_label[0] ? p->finding_label : p->finding); break;
    default: buf_adds(out, p->found_at); break;
    }
}

static enum ui_role patient_role(void *ctx, size_t r)
{
    return ui_severity_role(((struct night_view *)ctx)->pats[r].severity);
}

static int patient_filter(void *ctx, size_t r, const char *text)
{
    (void)text;
    return ((struct night_view *)ctx)->pats[r].anomaly;
}

/* The scan list shows the newest first. */
static struct ui_scan_row *scan_at(struct night_view *nv, size_t r)
{
    return &nv->scans[nv->nscans - 1 - r];
}

static void scan_cell(void *ctx, size_t r, int col, struct buf *out)
{
    const struct ui_scan_row *sc = scan_at(ctx, r);

    switch (col) {
    case 0: ui_cell_time(out, sc->at_ms); break;
    case 1: buf_adds(out, sc->code); break;
    case 2: buf_adds(out, sc->bed); break;
    case 3: buf_adds(out, sc->verdict_label[0] ? sc->verdict_label : sc->verdict); break;
    default:
        if (sc->voided)
            buf_adds(out, ui_tr("voided", "已作废"));
        else if (sc->amended)
            buf_adds(out, ui_tr("amended", "已更正"));
        break;
    }
}

static enum ui_role scan_role(void *ctx, size_t r)
{
    const struct ui_scan_row *sc = scan_at(ctx, r);
    return sc->voided ? UI_ROLE_DIM : ui_severity_role(sc->severity);
}

static int scan_filter(void *ctx, size_t r, const char *text)
{
    (void)text;
    return scan_at(ctx, r)->anomaly;
}

/* --- loading ----------------------------------------------------------- */

static void emit_ward(void *ctx, const struct ui_ward_row *row)
{
    struct night_view *nv = ctx;

    nv->wards = ui_append(nv->wards, &nv->nwards, &nv->wcap, row, sizeof(*row));
}

static void emit_bed(void *ctx, const struct ui_bed_row *row)
{
    struct night_view *nv = ctx;

    nv->beds = ui_append(nv->beds, &nv->nbeds, &nv->bcap, row, sizeof(*row));
}

static void emit_patient(void *ctx, const struct ui_patient_row *row)
{
    struct night_view *nv = ctx;

    nv->pats = ui_append(nv->pats, &nv->npats, &nv->pcap, row, sizeof(*row));
}

static void emit_scan(void *ctx, const struct ui_scan_row *row)
{
    struct night_view *nv = ctx;

    nv->scans = ui_append(nv->scans, &nv->nscans, &nv->scap, row, sizeof(*row));
}

static void set_error(struct night_view *nv, int rc, const struct fc_error *err)
{
    if (rc < 0 && !nv->error[0])
        ui_error_text(nv->error, sizeof(nv->error), rc, err);
}

static size_t ward_index(const struct night_view *nv, const char *code)
{
    for (size_t i = 0; i < nv->nwards; i++)
        if (!strcmp(nv->wards[i].code, code))
            return i;
    return SIZE_MAX;
}

/* Selects source row r of t (if it is shown). */
static void table_select_source(struct ui_table *t, size_t r)
{
    for (size_t i = 0; i < t->nvis; i++) {
        if (t->vis[i] == r) {
            ui_table_select(t, i);
            return;
        }
    }
}

static void load_scans(struct night_view *nv)
{
    const struct ui_night_model *m = nv->visit.app->night;
    struct fc_error err;

    fc_error_clear(&err);
    nv->nscans = 0;
    set_error(nv, m->list_scans(m->user, nv->visit.row.id, emit_scan, nv, &err), &err);
    ui_table_set_rows(&nv->stable, nv->nscans);
    nv->scans_ok = 1;
}

static void night_reload(struct night_view *nv)
{
    const struct ui_night_model *m = nv->visit.app->night;
    const char *id = nv->visit.row.id;
    void *user = m->user;
    struct fc_error err;
    size_t wi;

    nv->error[0] = '\0';
    fc_error_clear(&err);
    set_error(nv, m->current_bed(user, id, nv->cur_ward, nv->cur_bed, &err), &err);
    nv->nwards = 0;
    fc_error_clear(&err);
    set_error(nv, m->list_wards(user, id, emit_ward, nv, &err), &err);
    ui_table_set_rows(&nv->wtable, nv->nwards);
    if (nv->follow && nv->cur_ward[0])
        snprintf(nv->ward, sizeof(nv->ward), "%s", nv->cur_ward);
    if (!nv->ward[0] && nv->nwards)
        snprintf(nv->ward, sizeof(nv->ward), "%s", nv->wards[0].code);
    wi = ward_index(nv, nv->ward);
    if (nv->follow && wi != SIZE_MAX)
        table_select_source(&nv->wtable, wi);

    nv->nbeds = 0;
    if (nv->ward[0]) {
        fc_error_clear(&err);
        set_error(nv, m->list_beds(user, id, nv->ward, emit_bed, nv, &err), &err);
    }
    ui_table_set_rows(&nv->btable, nv->nbeds);
    if (nv->follow) {
        for (size_t i = 0; i < nv->nbeds; i++)
            if (!strcmp(nv->beds[i].ward_code, nv->cur_ward) &&
                !strcmp(nv->beds[i].bed, nv->cur_bed))
                table_select_source(&nv->btable, i);
    }
    nv->scans_ok = 0;
    if (nv->pane == PANE_PATIENTS) {
        nv->npats = 0;
        fc_error_clear(&err);
        set_error(nv, m->list_patients(user, id, emit_patient, nv, &err), &err);
        ui_table_set_rows(&nv->ptable, nv->npats);
    } else if (nv->pane == PANE_SCANS) {
        load_scans(nv);
        if (nv->follow)
            ui_table_select(&nv->stable, 0);
    }
    nv->stale = 0;
    nv->follow = 0;
}

/* --- submitting codes ---------------------------------------------------- */

static void night_submit(struct night_view *nv, struct ui_screen *scr, const char *code,
                         enum ui_scan_how how)
{
    ui_screen_submit_scan(scr, nv->visit.row.id, code, how, &nv->last);
    nv->have_last = 1;
    snprintf(nv->last_code, sizeof(nv->last_code), "%s", code);
    nv->stale = 1;
    nv->follow = 1;
    ui_screen_dirty(scr);
}

static void night_scan(struct ui_view *v, const char *code, size_t len)
{
    (void)len;
    night_submit(v->data, v->scr, code, UI_SCAN_BURST);
}

/* 1 when s is a bed number as typed: 1-4 digits, optionally followed by '+'
 * (an extra bed). Longer digit strings are codes (admission numbers). */
static int is_bed_number(const char *s)
{
    size_t n = 0;

    while (s[n] >= '0' && s[n] <= '9')
        n++;
    if (n == 0 || n > BED_JUMP_MAX_DIGITS)
        return 0;
    return !s[n] || (s[n] == '+' && !s[n + 1]);
}

/* Makes ward:bed the current bed by submitting its bed label as a typed
 * code, so the choice is an event like any scan (docs/decisions.md). */
static void night_jump(struct night_view *nv, struct ui_screen *scr, const char *ward,
                       const char *bed)
{
    char label[160];

    if (!ward[0]) {
        ui_screen_message(scr, UI_ROLE_WARN, "%s", ui_tr("no ward selected", "未选择病区"));
        return;
    }
    nv->visit.app->night->bed_code(nv->visit.app->night->user, ward, bed, label, sizeof(label));
    night_submit(nv, scr, label, UI_SCAN_TYPED);
}

/* A typed bed number goes to that bed of the ward, anything else is a code. */
static void night_typed(struct ui_view *v, const char *code)
{
    struct night_view *nv = v->data;

    if (is_bed_number(code))
        night_jump(nv, v->scr, nv->ward, code);
    else
        night_submit(nv, v->scr, code, UI_SCAN_TYPED);
}

static int night_text(struct ui_view *v, uint32_t key)
{
    return ui_view_input_key(v, &((struct night_view *)v->data)->input, key, night_typed);
}

/* --- corrections (void / amend) ---------------------------------------- */

static const struct ui_form_field correct_fields[] = {
    {N_("Reason"), "原因", 200, 0, 0, 0},
    {N_("New code (empty = void)"), "新码（空则作废）", NIGHT_INPUT_MAX, 0, 0, 0},
};

struct correct_ctx {
    struct night_view *nv; /* the night view, below the form */
    struct ui_scan_row target;
};

/* Voiding takes a scan out of the record: it is confirmed by a key typed by
 * hand, which no barcode can give; an amendment replaces it, unconfirmed. */
static int correct_confirm(void *ctx, const char *const *values, char *title, char *text)
{
    struct correct_ctx *c = ctx;

    if (!values[0][0] || values[1][0])
        return 0;
    snprintf(title, 128, "%s", ui_tr("Void this scan?", "作废该扫码？"));
    snprintf(text, 256, "%s %s", ui_tr("Void the scan", "作废扫码"), c->target.code);
    return 1;
}

static int correct_submit(void *ctx, struct ui_screen *scr, const char *const *values, char *error)
{
    struct correct_ctx *c = ctx;
    struct night_view *nv = c->nv;
    struct fc_error err;
    struct ui_verdict out;
    int rc;

    if (!values[0][0]) {
        snprintf(error, 256, "%s", ui_tr("a reason is required", "必须填写原因"));
        return -1;
    }
    fc_error_clear(&err);
    memset(&out, 0, sizeof(out));
    rc = nv->visit.app->night->correct(nv->visit.app->night->user, nv->visit.row.id,
                                       c->target.event_id, values[0],
                                       values[1][0] ? values[1] : NULL, &out, &err);
    if (rc < 0) {
        ui_error_text(error, 256, rc, &err);
        return -1;
    }
    nv->last = out;
    nv->have_last = 1;
    snprintf(nv->last_code, sizeof(nv->last_code), "%s", c->target.code);
    nv->stale = 1;
    ui_screen_message(scr, UI_ROLE_OK, "%s %s: %s",
                      values[1][0] ? ui_tr("amended", "已更正") : ui_tr("voided", "已作废"),
                      c->target.code, out.message);
    return 0;
}

/* A scan while the form is open still goes to the engine, through the
 * night screen under it, so no scan is lost to a dialog. */
static void correct_scan(void *ctx, struct ui_screen *scr, const char *code, size_t len)
{
    (void)len;
    night_submit(((struct correct_ctx *)ctx)->nv, scr, code, UI_SCAN_BURST);
}

static void night_correct(struct ui_view *v)
{
    struct night_view *nv = v->data;
    struct correct_ctx *c;
    struct ui_form_spec spec;
    char detail[256];
    const struct ui_scan_row *target = NULL;
    size_t r;

    if (!nv->visit.app->night->correct)
        return;
    if (!nv->scans_ok)
        load_scans(nv);
    if (nv->pane == PANE_SCANS && nv->focus == 1 &&
        (r = ui_table_selected(&nv->stable)) != SIZE_MAX) {
        target = scan_at(nv, r);
    } else {
        for (size_t i = nv->nscans; i-- > 0 && !target;)
            if (!nv->scans[i].voided)
                target = &nv->scans[i];
    }
    if (!target) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("no scan to correct", "没有可更正的扫码"));
        return;
    }
    if (target->voided) {
        ui_screen_message(v->scr, UI_ROLE_WARN, "%s",
                          ui_tr("this scan is already voided", "该扫码已作废"));
        return;
    }
    c = xcalloc(1, sizeof(*c));
    c->nv = nv;
    c->target = *target;
    snprintf(detail, sizeof(detail), "%s #%lld  %s  %s  %s", ui_tr("Scan", "扫码"), target->seq,
             target->code, target->bed,
             target->verdict_label[0] ? target->verdict_label : target->verdict);
    memset(&spec, 0, sizeof(spec));
    spec.title_en = N_("Void or amend a scan");
    spec.title_zh = "作废或更正扫码";
    spec.detail = detail;
    spec.fields = correct_fields;
    spec.nfields = 2;
    spec.enter_saves = 1;
    spec.confirm = correct_confirm;
    spec.submit = correct_submit;
    spec.scan = correct_scan;
    spec.release = free;
    spec.ctx = c;
    ui_form_push(v->scr, &spec);
}

/* --- actions ----------------------------------------------------------- */

static void set_filter(struct night_view *nv)
{
    const char *f = nv->only_anomalies ? "!" : "";

    ui_table_set_filter(&nv->btable, f);
    ui_table_set_filter(&nv->ptable, f);
    ui_table_set_filter(&nv->stable, f);
}

static struct ui_table *right_table(struct night_view *nv)
{
    switch (nv->pane) {
    case PANE_PATIENTS: return &nv->ptable;
    case PANE_SCANS: return &nv->stable;
    default: return &nv->btable;
    }
}

static void night_open_row(struct ui_view *v)
{
    struct night_view *nv = v->data;
    size_t r;

    if (nv->focus == 0) {
        r = ui_table_selected(&nv->wtable);
        if (r == SIZE_MAX)
            return;
        snprintf(nv->ward, sizeof(nv->ward), "%s", nv->wards[r].code);
        nv->pane = PANE_BEDS;
        nv->focus = 1;
        nv->stale = 1;
        return;
    }
    if (nv->pane == PANE_BEDS) {
        r = ui_table_selected(&nv->btable);
        if (r != SIZE_MAX)
            night_jump(nv, v->scr, nv->beds[r].ward_code, nv->beds[r].bed);
    } else if (nv->pane == PANE_SCANS) {
        night_correct(v);
    }
}

static int night_action(struct ui_view *v, int id)
{
    struct night_view *nv = v->data;

    switch (id) {
    case NIGHT_ACT_EMPTY_BED: night_submit(nv, v->scr, "EMPTY_BED", UI_SCAN_TYPED); return 1;
    case NIGHT_ACT_NO_WRISTBAND: night_submit(nv, v->scr, "NO_WRISTBAND", UI_SCAN_TYPED); return 1;
    case NIGHT_ACT_NO_ID: night_submit(nv, v->scr, "NO_ID", UI_SCAN_TYPED); return 1;
    case NIGHT_ACT_EXAM: night_submit(nv, v->scr, "EXAM", UI_SCAN_TYPED); return 1;
    case NIGHT_ACT_FILTER:
        nv->only_anomalies = !nv->only_anomalies;
        set_filter(nv);
        return 1;
    case NIGHT_ACT_PANE:
        nv->pane = (enum night_pane)((nv->pane + 1) % PANE_COUNT);
        nv->focus = 1;
        nv->stale = 1;
        return 1;
    case NIGHT_ACT_CORRECT: night_correct(v); return 1;
    case NIGHT_ACT_CLOSE:
        if (nv->visit.app->close)
            ui_screen_push(v->scr, view_close_new(nv->visit.app, &nv->visit.row, 1));
        return 1;
    case NIGHT_ACT_RECORDS: ui_visit_view_records(v); return 1;
    case UI_ACT_NEXT_PANE: nv->focus = !nv->focus; return 1;
    case UI_ACT_OPEN: night_open_row(v); return 1;
    default: break;
    }
    if (nv->focus == 0) {
        size_t before = ui_table_selected(&nv->wtable), after;
        int handled = ui_table_action(&nv->wtable, id);
        after = ui_table_selected(&nv->wtable);
        /* moving in the ward list shows that ward's beds */
        if (handled && after != before && after != SIZE_MAX) {
            snprintf(nv->ward, sizeof(nv->ward), "%s", nv->wards[after].code);
            nv->stale = 1;
        }
        return handled;
    }
    return ui_table_action(right_table(nv), id);
}

/* --- drawing ----------------------------------------------------------- */

static const struct ui_bed_row *current_bed_row(const struct night_view *nv)
{
    for (size_t i = 0; i < nv->nbeds; i++)
        if (!strcmp(nv->beds[i].ward_code, nv->cur_ward) && !strcmp(nv->beds[i].bed, nv->cur_bed))
            return &nv->beds[i];
    return NULL;
}

static void draw_current(struct night_view *nv, WINDOW *w, int y, int cols)
{
    const struct ui_bed_row *b = current_bed_row(nv);
    char line[512];

    if (!nv->cur_ward[0]) {
        ui_put(w, y, 1, cols,
               ui_tr("Current bed: none yet - scan a bed label or type a bed number",
                     "当前床位：无 —— 请扫床头卡或输入床号"),
               UI_ALIGN_LEFT, UI_ROLE_DIM);
        return;
    }
    if (b && b->patient[0])
        snprintf(line, sizeof(line), "%s %s-%s   %s %s  %s  (%s)",
                 ui_tr("Current bed:", "当前床位："), nv->cur_ward, nv->cur_bed,
                 ui_tr("Listed:", "在册："), b->patient, b->patient_id, b->admission_no);
    else
        snprintf(line, sizeof(line), "%s %s-%s   %s", ui_tr("Current bed:", "当前床位："),
                 nv->cur_ward, nv->cur_bed, ui_tr("nobody listed", "无在册患者"));
    ui_put(w, y, 1, cols, line, UI_ALIGN_LEFT, UI_ROLE_TITLE);
    if (b)
        snprintf(line, sizeof(line), "%s %s   %s %s   %s %s", ui_tr("Finding:", "结果："),
                 b->finding_label[0] ? b->finding_label
                 : b->finding[0]     ? b->finding
                                     : "-",
                 ui_tr("Identified:", "已识别："), b->identified[0] ? b->identified : "-",
                 ui_tr("Marks:", "标记："), b->marks[0] ? b->marks : "-");
    else
        snprintf(line, sizeof(line), "%s -", ui_tr("Finding:", "结果："));
    if (b && b->team[0]) { /* a team lead: whose records, kept when the column is not shown */
        size_t len = strlen(line);
        snprintf(line + len, sizeof(line) - len, "   %s %s", ui_tr("Team:", "组员："), b->team);
    }
    ui_put(w, y + 1, 1, cols, line, UI_ALIGN_LEFT,
           b ? ui_severity_role(b->severity) : UI_ROLE_NORMAL);
}

static void night_draw(struct ui_view *v, WINDOW *w)
{
    struct night_view *nv = v->data;
    size_t wi;
    char head[512];
    int y = 0, bh, lw, rh;
    const char *pane_name;

    if (nv->stale)
        night_reload(nv);
    wi = ward_index(nv, nv->ward);
    if (wi != SIZE_MAX)
        snprintf(head, sizeof(head), "%s  %s   %s %s %s: %d/%d %s, %d %s%s", nv->visit.row.site,
                 ui_kind_label(nv->visit.row.kind_label, nv->visit.row.kind), ui_tr("Ward", "病区"),
                 nv->wards[wi].code, nv->wards[wi].name, nv->wards[wi].visited, nv->wards[wi].beds,
                 ui_tr("beds", "床"), nv->wards[wi].anomalies, ui_tr("anomalies", "异常"),
                 nv->only_anomalies ? ui_tr("   [anomalies only]", "   【只看异常】") : "");
    else
        snprintf(head, sizeof(head), "%s  %s", nv->visit.row.site,
                 ui_kind_label(nv->visit.row.kind_label, nv->visit.row.kind));
    ui_put(w, y++, 1, v->cols - 2, head, UI_ALIGN_LEFT, UI_ROLE_HEADER);

    bh = v->rows >= 24 ? 5 : 3;
    if (nv->have_last)
        ui_verdict_banner(w, y, 1, bh, v->cols - 2, &nv->last);
    else
        ui_banner_draw(w, y, 1, bh, v->cols - 2, UI_SEV_NONE, ui_tr("READY", "请扫码"),
                       ui_tr("scan a bed label, then the wristband and the ID card",
                             "先扫床头卡，再扫腕带和身份证"));
    y += bh;
    draw_current(nv, w, y, v->cols - 2);
    y += 2;
    ui_input_draw(&nv->input, w, y++, 1, v->cols - 2, ui_tr("Code or bed no.:", "输入码或床号："),
                  1);

    rh = v->rows - y - (nv->error[0] ? 1 : 0);
    lw = v->cols / 3 > 34 ? 34 : v->cols / 3;
    ui_table_draw(&nv->wtable, w, y, 1, rh, lw, nv->focus == 0);
    switch (nv->pane) {
    case PANE_PATIENTS: pane_name = ui_tr("Patients of the site", "全院在册患者"); break;
    case PANE_SCANS: pane_name = ui_tr("Scans, newest first", "扫码记录（最新在前）"); break;
    default: pane_name = NULL; break;
    }
    if (pane_name) {
        ui_put(w, y, lw + 2, v->cols - lw - 3, pane_name, UI_ALIGN_LEFT, UI_ROLE_TITLE);
        ui_table_draw(right_table(nv), w, y + 1, lw + 2, rh - 1, v->cols - lw - 3, nv->focus == 1);
    } else {
        ui_table_draw(&nv->btable, w, y, lw + 2, rh, v->cols - lw - 3, nv->focus == 1);
    }
    ui_view_draw_error(v, w, nv->error);
}

static void night_enter(struct ui_view *v)
{
    struct night_view *nv = v->data;

    /* the visit may have changed under a dialog (scans, corrections) */
    nv->stale = 1;
}

static void night_init(struct ui_view *v, const struct ui_app *app)
{
    struct night_view *nv = v->data;
    struct ui_table *t;

    if (!app->night)
        BUG("night screen without a night model");
    nv->focus = 1;
    nv->stale = 1;
    nv->follow = 1;
    ui_view_input(v, &nv->input, NIGHT_INPUT_MAX);
    ui_view_table(v, &nv->wtable, ward_cols, UI_COUNT(ward_cols), ward_cell)->row_role = ward_role;
    t = ui_view_table(v, &nv->btable, bed_cols, UI_COUNT(bed_cols), bed_cell);
    t->row_role = bed_role;
    t->filter = bed_filter;
    t = ui_view_table(v, &nv->ptable, patient_cols, UI_COUNT(patient_cols), patient_cell);
    t->row_role = patient_role;
    t->filter = patient_filter;
    t = ui_view_table(v, &nv->stable, scan_cols, UI_COUNT(scan_cols), scan_cell);
    t->row_role = scan_role;
    t->filter = scan_filter;
    ui_view_owns(v, &nv->wards);
    ui_view_owns(v, &nv->beds);
    ui_view_owns(v, &nv->pats);
    ui_view_owns(v, &nv->scans);
}

const struct ui_view_ops view_night_ops = {
    .name = "beds",
    .title_en = N_("Night check"),
    .title_zh = "夜查",
    .size = sizeof(struct night_view),
    .init = night_init,
    UI_VIEW_ACTIONS(night_actions),
    .enter = night_enter,
    .draw = night_draw,
    .action = night_action,
    .text = night_text,
    .scan = night_scan,
};
