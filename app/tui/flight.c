/* The TUI adapter of the worksheet screen family (struct ui_flight_model):
 * the flight worksheet's keyset pages, verdicts, findings, evidence and
 * totals. The list is read through a keyset pager opened once per visit
 * (core/flight/page.h), so a keystroke on the worksheet is one small query;
 * names and ID numbers are masked here, before the UI sees them. */
#include "app/tui/tui.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/visit/evidence.h"
#include "core/flight/flight.h"
#include "core/flight/page.h"
#include "core/flight/taxonomy.h"
#include "core/flight/workflow.h"
#include "core/mission/mission.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tui_flight {
    struct store *s;
    struct flight_pager *pager;
    char mission_id[128]; /* the pager's visit's mission */
    int64_t mission_version;
    char site_code[32]; /* the pager's visit's site */
    struct tui_team_notes *notes;
    struct ui_flight_model model;
};

/* The pager on visit_id, reopened when the visit changes; its statements
 * read "ref", so the visit's mission is attached again when another screen
 * attached another one meanwhile. */
static int pager_for(struct tui_flight *tf, const char *visit_id, struct flight_pager **out,
                     struct fc_error *err)
{
    struct visit v;
    int rc;

    if (tf->pager && !strcmp(flight_pager_visit(tf->pager), visit_id)) {
        *out = tf->pager;
        return mission_attach(tf->s, tf->mission_id, tf->mission_version, err);
    }
    flight_pager_free(tf->pager);
    tf->pager = NULL;
    memset(&v, 0, sizeof(v));
    rc = visit_resolve(tf->s, visit_id, &v, err);
    if (!rc) {
        snprintf(tf->mission_id, sizeof(tf->mission_id), "%s", v.mission_id);
        tf->mission_version = v.mission_version;
        snprintf(tf->site_code, sizeof(tf->site_code), "%s", v.site_code);
        rc = flight_pager_open(tf->s, v.id, &tf->pager, err);
    }
    visit_release(&v);
    *out = tf->pager;
    return rc;
}

static void query_filter(const struct ui_flight_query *q, struct flight_filter *f)
{
    memset(f, 0, sizeof(*f));
    if (!q)
        return;
    f->rule = q->rule[0] ? q->rule : NULL;
    f->state = q->state[0] ? q->state : NULL;
    f->inspector = q->inspector[0] ? q->inspector : NULL;
}

static void yuan(char *out, size_t cap, int has, int64_t fen)
{
    struct buf b = BUF_INIT;

    if (has)
        money_format(&b, fen);
    snprintf(out, cap, "%s", has ? b.ptr : "");
    buf_release(&b);
}

static void row_from_line(const struct flight_line *l, struct ui_susp_row *r)
{
    struct buf m = BUF_INIT;

    memset(r, 0, sizeof(*r));
    snprintf(r->susp_id, sizeof(r->susp_id), "%s", l->susp_id);
    snprintf(r->rule, sizeof(r->rule), "%s", l->rule_code);
    snprintf(r->rule_name, sizeof(r->rule_name), "%s", l->rule_name);
    snprintf(r->setl_id, sizeof(r->setl_id), "%s", l->setl_id);
    mask_name(&m, l->name);
    snprintf(r->patient, sizeof(r->patient), "%s", m.ptr);
    buf_reset(&m);
    mask_id(&m, l->id_number);
    snprintf(r->patient_id, sizeof(r->patient_id), "%s", m.ptr);
    snprintf(r->admission_no, sizeof(r->admission_no), "%s", l->admission_no);
    snprintf(r->item, sizeof(r->item), "%s%s%s", l->item_code, l->item_code[0] ? " " : "",
             l->item_name);
    yuan(r->amount, sizeof(r->amount), l->has_amount, l->amount_fen);
    yuan(r->susp_amount, sizeof(r->susp_amount), l->has_susp_amount, l->susp_amount_fen);
    snprintf(r->state, sizeof(r->state), "%s", flight_state_name(l->state));
    yuan(r->irregular, sizeof(r->irregular), l->state != FLIGHT_PENDING, l->irregular_fen);
    yuan(r->fund_loss, sizeof(r->fund_loss), l->state != FLIGHT_PENDING, l->fund_loss_fen);
    snprintf(r->inspector, sizeof(r->inspector), "%s", l->inspector);
    buf_release(&m);
}

static int f_count(void *user, const char *visit_id, const struct ui_flight_query *q, long *n,
                   struct fc_error *err)
{
    struct flight_pager *p = NULL;
    struct flight_filter f;
    int rc = pager_for(user, visit_id, &p, err);

    query_filter(q, &f);
    return rc ? rc : flight_pager_count(p, &f, n, err);
}

struct page_ctx {
    void (*emit)(void *ctx, const struct ui_susp_row *row);
    void *ctx;
    struct tui_flight *tf;
};

static int page_cb(const struct flight_line *l, void *vctx)
{
    struct page_ctx *c = vctx;
    struct ui_susp_row r;

    row_from_line(l, &r);
    snprintf(r.team, sizeof(r.team), "%s",
             tui_team_note(c->tf->notes, flight_workflow.kind, c->tf->site_code, "lines",
                           l->susp_id, &r.team_conflict));
    c->emit(c->ctx, &r);
    return 0;
}

static int f_page(void *user, const char *visit_id, const struct ui_flight_query *q,
                  const char *key, enum ui_seek seek, size_t limit,
                  void (*emit)(void *ctx, const struct ui_susp_row *row), void *ctx,
                  struct fc_error *err)
{
    struct flight_pager *p = NULL;
    struct flight_filter f;
    struct page_ctx c = {emit, ctx, user};
    enum flight_seek fs = seek == UI_SEEK_BEFORE  ? FLIGHT_SEEK_BEFORE
                          : seek == UI_SEEK_AFTER ? FLIGHT_SEEK_AFTER
                                                  : FLIGHT_SEEK_FROM;
    int rc;

    /* first: building the notes attaches missions of its own */
    tui_team_notes_refresh(c.tf->notes);
    rc = pager_for(user, visit_id, &p, err);

    query_filter(q, &f);
    return rc ? rc : flight_pager_page(p, &f, key, fs, limit, page_cb, &c, err);
}

static int f_position(void *user, const char *visit_id, const struct ui_flight_query *q,
                      const char *susp_id, long *pos, struct fc_error *err)
{
    struct flight_pager *p = NULL;
    struct flight_filter f;
    int rc = pager_for(user, visit_id, &p, err);

    query_filter(q, &f);
    return rc ? rc : flight_pager_position(p, &f, susp_id, pos, err);
}

static int f_lookup(void *user, const char *visit_id, const char *code, char susp_id[48],
                    struct fc_error *err)
{
    struct flight_pager *p = NULL;
    int rc = pager_for(user, visit_id, &p, err);

    return rc ? rc : flight_pager_lookup(p, code, susp_id, 48, err);
}

struct distinct_ctx {
    void (*emit)(void *ctx, const char *value);
    void *ctx;
};

static int distinct_cb(const char *value, void *vctx)
{
    struct distinct_ctx *c = vctx;

    c->emit(c->ctx, value);
    return 0;
}

static int f_distinct(void *user, const char *visit_id, const char *what,
                      void (*emit)(void *ctx, const char *value), void *ctx, struct fc_error *err)
{
    struct flight_pager *p = NULL;
    struct distinct_ctx c = {emit, ctx};
    int rc = pager_for(user, visit_id, &p, err);

    return rc ? rc : flight_pager_distinct(p, what, distinct_cb, &c, err);
}

/* --- detail ------------------------------------------------------------ */

static const char *jstr(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static void state_text(char *out, size_t cap, const char *name)
{
    enum flight_state st = FLIGHT_PENDING;

    flight_state_parse(name, &st);
    snprintf(out, cap, "%s", ui_lang_current() == UI_LANG_ZH ? flight_state_zh(st) : name);
}

static int f_detail(void *user, const char *visit_id, const char *susp_id,
                    void (*emit)(void *ctx, const char *label, const char *value), void *ctx,
                    struct fc_error *err)
{
    static const struct {
        const char *key, *en, *zh;
    } fields[] = {
        {"susp_id", N_("Suspicion"), "疑点编号"},
        {"rule_code", N_("Rule"), "规则"},
        {"rule_name", N_("Rule name"), "规则名称"},
        {"setl_id", N_("Settlement"), "结算号"},
        {"admission_no", N_("Admission no."), "住院号"},
        {"name", N_("Patient"), "患者"},
        {"id_number", N_("ID number"), "身份证号"},
        {"item_code", N_("Item code"), "项目编码"},
        {"item_name", N_("Item"), "项目名称"},
        {"qty", N_("Quantity"), "数量"},
        {"unit_price", N_("Unit price"), "单价"},
        {"amount", N_("Line amount"), "明细金额"},
        {"susp_amount", N_("Suspect amount"), "疑点金额"},
        {"settled_on", N_("Settled on"), "结算日期"},
        {"description", NC_("suspicion", "Description"), "疑点描述"},
        {"irregular", N_("Irregular amount"), "违规金额"},
        {"fund_loss", N_("Fund loss"), "基金损失"},
        {"note", N_("Note"), "备注"},
        {"over_reason", N_("Over-amount reason"), "超额原因"},
        {"inspector", N_("Inspector"), "检查人员"},
        {"verified_at", N_("Verified at"), "核实时间"},
    };
    struct tui_flight *tf = user;
    json_t *o = NULL, *it;
    struct buf b = BUF_INIT;
    char st[32];
    size_t i;
    int rc;

    rc = flight_susp_show(tf->s, visit_id, susp_id, &o, err);
    if (rc)
        goto out;
    state_text(st, sizeof(st), jstr(o, "state"));
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (i == 15)
            emit(ctx, ui_tr("State", "核实结论"), st);
        emit(ctx, ui_tr(fields[i].en, fields[i].zh), jstr(o, fields[i].key));
    }
    emit(ctx, ui_tr("Institution's response", "机构申辩"), jstr(o, "response"));
    i = 0;
    json_array_foreach(json_object_get(o, "actions"), i, it)
    {
        buf_reset(&b);
        if (!strcmp(jstr(it, "kind"), "verify")) {
            state_text(st, sizeof(st), jstr(it, "state"));
            buf_addf(&b, "%s %s %s %s/%s", jstr(it, "at"), ui_tr("verdict", "核实"), st,
                     jstr(it, "irregular"), jstr(it, "fund_loss"));
            if (*jstr(it, "note"))
                buf_addf(&b, " %s", jstr(it, "note"));
            if (*jstr(it, "over_reason"))
                buf_addf(&b, " (%s %s)", ui_tr("over:", "超额："), jstr(it, "over_reason"));
        } else if (!strcmp(jstr(it, "kind"), "response")) {
            buf_addf(&b, "%s %s %s", jstr(it, "at"), ui_tr("response", "申辩"), jstr(it, "text"));
        } else {
            buf_addf(&b, "%s %s %s", jstr(it, "at"), ui_tr("assigned to", "分派给"),
                     jstr(it, "inspector"));
        }
        if (json_is_true(json_object_get(it, "voided")))
            buf_addf(&b, " [%s: %s]", ui_tr("voided", "已作废"), jstr(it, "void_reason"));
        emit(ctx, i ? "" : ui_tr("History", "处理记录"), b.ptr);
    }
    if (!json_array_size(json_object_get(o, "actions")))
        emit(ctx, ui_tr("History", "处理记录"), "-");
    buf_reset(&b);
    json_array_foreach(json_object_get(o, "findings"), i, it)
        buf_addf(&b, "%s%s (%.8s)", i ? ", " : "", jstr(it, "code"), jstr(it, "event_id"));
    emit(ctx, ui_tr("Findings", "问题认定"), b.len ? b.ptr : "-");
out:
    json_decref(o);
    buf_release(&b);
    return rc;
}

static int f_verify(void *user, const char *visit_id, const struct ui_flight_verdict *a,
                    char message[256], struct fc_error *err)
{
    struct tui_flight *tf = user;
    struct flight_verify_args va;
    struct flight_verdict out;
    struct buf b = BUF_INIT, c = BUF_INIT;
    char st[32];
    int rc;

    memset(&va, 0, sizeof(va));
    memset(&out, 0, sizeof(out));
    va.susp_id = a->susp_id;
    va.verdict = a->verdict;
    va.amount = a->amount;
    va.fund_loss = a->fund_loss;
    va.note = a->note;
    va.over_reason = a->over_reason;
    va.at_ms = clock_now_ms();
    rc = flight_susp_verify(tf->s, visit_id, &va, &out, err);
    if (rc)
        goto out;
    money_format(&b, out.irregular_fen);
    money_format(&c, out.fund_loss_fen);
    state_text(st, sizeof(st), flight_state_name(out.state));
    snprintf(message, 256, "%s %s: %s %s %s %s", a->susp_id, st, ui_tr("irregular", "违规"), b.ptr,
             ui_tr("fund loss", "基金损失"), c.ptr);
out:
    buf_release(&b);
    buf_release(&c);
    return rc;
}

static int f_violations(void *user, void (*emit)(void *ctx, const struct ui_violation_row *row),
                        void *ctx, struct fc_error *err)
{
    (void)user, (void)err;
    for (const struct taxonomy_entry *e = taxonomy_table; e->code; e++) {
        struct ui_violation_row r;

        memset(&r, 0, sizeof(r));
        snprintf(r.code, sizeof(r.code), "%s", e->code);
        snprintf(r.group, sizeof(r.group), "%s", e->group);
        snprintf(r.category, sizeof(r.category), "%s", e->category);
        emit(ctx, &r);
    }
    return 0;
}

struct finding_ctx {
    void (*emit)(void *ctx, const struct ui_finding_row *row);
    void *ctx;
};

static int finding_cb(const struct flight_finding *f, void *vctx)
{
    struct finding_ctx *c = vctx;
    struct ui_finding_row r;
    json_t *lines = json_loads(f->lines_json ? f->lines_json : "[]", 0, NULL), *it;
    size_t i, len = 0;

    memset(&r, 0, sizeof(r));
    snprintf(r.event_id, sizeof(r.event_id), "%s", f->event_id);
    snprintf(r.at, sizeof(r.at), "%s", f->at);
    snprintf(r.code, sizeof(r.code), "%s", f->code);
    yuan(r.irregular, sizeof(r.irregular), 1, f->irregular_fen);
    yuan(r.fund_loss, sizeof(r.fund_loss), 1, f->fund_loss_fen);
    json_array_foreach(lines, i, it)
    {
        if (json_is_string(it) && len < sizeof(r.lines))
            len += (size_t)snprintf(r.lines + len, sizeof(r.lines) - len, "%s%s", i ? "," : "",
                                    json_string_value(it));
    }
    snprintf(r.note, sizeof(r.note), "%s", f->note);
    json_decref(lines);
    c->emit(c->ctx, &r);
    return 0;
}

static int f_findings(void *user, const char *visit_id,
                      void (*emit)(void *ctx, const struct ui_finding_row *row), void *ctx,
                      struct fc_error *err)
{
    struct tui_flight *tf = user;
    struct finding_ctx c = {emit, ctx};

    return flight_finding_foreach(tf->s, visit_id, finding_cb, &c, err);
}

/* Splits text at spaces and commas (ASCII and full-width) into words. */
static char **split_words(const char *text, size_t *n)
{
    char **out = NULL;
    char *copy = xstrdup(text ? text : ""), *p = copy;
    size_t cap = 0;

    *n = 0;
    for (char *q = copy; *q; q++)
        if (*q == ',' || *q == ';' || *q == '\t')
            *q = ' ';
    while (*p) {
        size_t len;
        while (*p == ' ')
            p++;
        if (!strncmp(p, "\xef\xbc\x8c", 3)) { /* "，" */
            p += 3;
            continue;
        }
        len = strcspn(p, " ");
        if (strstr(p, "\xef\xbc\x8c") && (size_t)(strstr(p, "\xef\xbc\x8c") - p) < len)
            len = (size_t)(strstr(p, "\xef\xbc\x8c") - p);
        if (!len)
            break;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            out = xreallocarray(out, cap, sizeof(*out));
        }
        out[(*n)++] = xstrndup(p, len);
        p += len;
    }
    free(copy);
    return out;
}

static void free_words(char **w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i]);
    free(w);
}

static int f_add_finding(void *user, const char *visit_id, const struct ui_flight_finding *a,
                         char event_id[40], struct fc_error *err)
{
    struct tui_flight *tf = user;
    struct flight_finding_args fa;
    char id[37] = "";
    char **lines = NULL, **pats = NULL;
    size_t nl = 0, np = 0;
    int rc;

    memset(&fa, 0, sizeof(fa));
    lines = split_words(a->lines, &nl);
    pats = split_words(a->patients, &np);
    fa.code = a->code;
    fa.amount = a->amount;
    fa.fund_loss = a->fund_loss;
    fa.qty = a->qty;
    fa.unit_price = a->unit_price;
    fa.lines = (const char *const *)lines;
    fa.n_lines = nl;
    fa.patients = (const char *const *)pats;
    fa.n_patients = np;
    fa.note = a->note;
    fa.at_ms = clock_now_ms();
    rc = flight_finding_add(tf->s, visit_id, &fa, id, err);
    if (!rc && event_id)
        snprintf(event_id, 40, "%s", id);
    free_words(lines, nl);
    free_words(pats, np);
    return rc;
}

/* --- evidence ----------------------------------------------------------- */

static int f_evidence(void *user, const char *visit_id, int verify,
                      void (*emit)(void *ctx, const struct ui_evidence_row *row), void *ctx,
                      struct fc_error *err)
{
    struct tui_flight *tf = user;

    return tui_evidence_rows(tf->s, visit_id, verify, emit, ctx, err);
}

static void total_row(const struct flight_total *t, const char *key, struct ui_total_row *r)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->key, sizeof(r->key), "%s", key);
    r->count = (long)t->count;
    yuan(r->irregular, sizeof(r->irregular), 1, t->irregular_fen);
    yuan(r->fund_loss, sizeof(r->fund_loss), 1, t->fund_loss_fen);
}

static int f_totals(void *user, const char *visit_id, const char *group,
                    void (*emit)(void *ctx, const struct ui_total_row *row), void *ctx,
                    struct fc_error *err)
{
    struct tui_flight *tf = user;
    struct flight_totals t;
    struct ui_total_row r;
    int rc;

    memset(&t, 0, sizeof(t));
    rc = flight_totals(tf->s, visit_id, &t, err);
    if (rc)
        goto out;
    if (!strcmp(group, "state")) {
        for (int i = 0; i < FLIGHT_NSTATES; i++) {
            total_row(&t.by_state[i], flight_state_name((enum flight_state)i), &r);
            emit(ctx, &r);
        }
        total_row(&t.lines, "", &r);
        emit(ctx, &r);
    } else {
        for (size_t i = 0; i < t.n_codes; i++) {
            if (!t.by_code[i].count)
                continue;
            total_row(&t.by_code[i], t.by_code[i].key, &r);
            emit(ctx, &r);
        }
        total_row(&t.findings, "", &r);
        emit(ctx, &r);
    }
out:
    flight_totals_release(&t);
    return rc;
}

static void *create(struct tui *t)
{
    struct tui_flight *tf = xcalloc(1, sizeof(*tf));

    tf->s = tui_store(t);
    tf->notes = tui_team_notes_new(tf->s);
    tf->model.user = tf;
    tf->model.count = f_count;
    tf->model.page = f_page;
    tf->model.position = f_position;
    tf->model.lookup = f_lookup;
    tf->model.distinct = f_distinct;
    tf->model.detail = f_detail;
    tf->model.verify = f_verify;
    tf->model.violations = f_violations;
    tf->model.findings = f_findings;
    tf->model.add_finding = f_add_finding;
    tf->model.evidence = f_evidence;
    tf->model.totals = f_totals;
    return tf;
}

static void destroy(void *a)
{
    struct tui_flight *tf = a;

    if (!tf)
        return;
    flight_pager_free(tf->pager);
    tui_team_notes_free(tf->notes);
    free(tf);
}

static void install(void *a, struct ui_app *ua)
{
    ua->flight = &((struct tui_flight *)a)->model;
}

const struct tui_adapter tui_flight_adapter = {
    .screen = WORKFLOW_SCREEN_WORKSHEET,
    .name = "worksheet",
    .create = create,
    .destroy = destroy,
    .install = install,
};
