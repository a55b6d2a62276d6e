/* Read side of the flight worksheet: the line detail for `susp show`, the
 * summary object for `visit show`, and the report in CSV (for HQ's
 * spreadsheets) and Markdown (the on-site record 现场检查笔录 the institution
 * signs). Names and ID numbers are always masked here; amounts come from the
 * derived tables in fen and are printed as yuan with two decimals. */
#include "core/flight/flight.h"
#include "core/visit/interview.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/engine_kit.h"
#include "core/visit/evidence.h"
#include "core/store/store.h"
#include "core/flight/taxonomy.h"
#include "core/flight/workflow.h"
#include "core/report/cell.h"
#include "core/visit/visit.h"

#include <stdlib.h>
#include <string.h>

static char *masked(void (*fn)(struct buf *, const char *), const char *s)
{
    struct buf b = BUF_INIT;

    if (s && *s)
        fn(&b, s);
    return buf_detach(&b, NULL);
}

static json_t *json_yuan(int64_t fen)
{
    struct buf b = BUF_INIT;
    json_t *j;

    money_format(&b, fen);
    j = json_string(b.ptr);
    buf_release(&b);
    return j;
}

static void set_yuan(json_t *obj, const char *key, int has, int64_t fen)
{
    json_object_set_new(obj, key, has ? json_yuan(fen) : json_null());
}

/* Sets key to the string value (json null for ""), dropping invalid UTF-8. */
static void set_str(json_t *obj, const char *key, const char *v)
{
    json_t *j = v && *v ? json_string(v) : NULL;

    json_object_set_new(obj, key, j ? j : json_null());
}

static json_t *line_json(const struct flight_line *l)
{
    json_t *o = json_object();
    char *name = masked(mask_name, l->name), *id = masked(mask_id, l->id_number);
    struct buf q = BUF_INIT;

    set_str(o, "susp_id", l->susp_id);
    set_str(o, "rule_code", l->rule_code);
    set_str(o, "rule_name", l->rule_name);
    set_str(o, "setl_id", l->setl_id);
    set_str(o, "admission_no", l->admission_no);
    set_str(o, "name", name);
    set_str(o, "id_number", id);
    set_str(o, "item_code", l->item_code);
    set_str(o, "item_name", l->item_name);
    if (l->has_qty)
        qty_format(&q, l->qty_milli);
    set_str(o, "qty", q.ptr);
    set_yuan(o, "unit_price", l->has_unit_price, l->unit_price_fen);
    set_yuan(o, "amount", l->has_amount, l->amount_fen);
    set_yuan(o, "susp_amount", l->has_susp_amount, l->susp_amount_fen);
    set_str(o, "settled_on", l->settled_on);
    set_str(o, "description", l->description);
    set_str(o, "state", flight_state_name(l->state));
    set_str(o, "state_zh", flight_state_zh(l->state));
    set_yuan(o, "irregular", 1, l->irregular_fen);
    set_yuan(o, "fund_loss", 1, l->fund_loss_fen);
    json_object_set_new(o, "irregular_fen", json_integer(l->irregular_fen));
    json_object_set_new(o, "fund_loss_fen", json_integer(l->fund_loss_fen));
    set_str(o, "note", l->note);
    set_str(o, "over_reason", l->over_reason);
    set_str(o, "response", l->response);
    set_str(o, "inspector", l->inspector);
    set_str(o, "verified_at", l->verified_at);
    buf_release(&q);
    free(name);
    free(id);
    return o;
}

struct show_ctx {
    json_t *line;
};

static int show_pick(const struct flight_line *l, void *vctx)
{
    struct show_ctx *c = vctx;

    c->line = line_json(l);
    return 0;
}

/* Every action on the line, oldest first, voided ones flagged. */
static int line_actions(struct store *s, const char *visit_id, const char *susp_id, json_t *arr,
                        struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT a.event_id, a.kind, a.at, a.state, a.irregular_fen,"
                           " a.fund_loss_fen, a.note, a.over_reason, a.text, a.inspector,"
                           " v.reason FROM susp_action a LEFT JOIN voided v ON v.target ="
                           " a.event_id WHERE a.visit = ?1 AND a.susp_id = ?2 ORDER BY a.seq",
                           &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, visit_id);
    store_bind_text(st, 2, susp_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();

        set_str(o, "event_id", store_col_text(st, 0));
        set_str(o, "kind", store_col_text(st, 1));
        set_str(o, "at", store_col_text(st, 2));
        if (!strcmp(store_col_text(st, 1), "verify")) {
            set_str(o, "state", store_col_text(st, 3));
            set_yuan(o, "irregular", 1, sqlite3_column_int64(st, 4));
            set_yuan(o, "fund_loss", 1, sqlite3_column_int64(st, 5));
            set_str(o, "note", store_col_text(st, 6));
            set_str(o, "over_reason", store_col_text(st, 7));
        }
        if (sqlite3_column_type(st, 8) != SQLITE_NULL)
            set_str(o, "text", store_col_text(st, 8));
        if (sqlite3_column_type(st, 9) != SQLITE_NULL)
            set_str(o, "inspector", store_col_text(st, 9));
        json_object_set_new(o, "voided", json_boolean(sqlite3_column_type(st, 10) != SQLITE_NULL));
        if (sqlite3_column_type(st, 10) != SQLITE_NULL)
            set_str(o, "void_reason", store_col_text(st, 10));
        json_array_append_new(arr, o);
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read suspicion actions");
    sqlite3_finalize(st);
    return rc;
}

static int line_findings(struct store *s, const char *visit_id, const char *susp_id, json_t *arr,
                         struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT f.event_id, f.code FROM flight_finding f WHERE f.visit = ?1"
                           " AND f.event_id NOT IN (SELECT target FROM voided)"
                           " AND EXISTS (SELECT 1 FROM json_each(f.lines) WHERE value = ?2)"
                           " ORDER BY f.seq",
                           &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, visit_id);
    store_bind_text(st, 2, susp_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "event_id", store_col_text(st, 0),
                                             "code", store_col_text(st, 1)));
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read findings");
    sqlite3_finalize(st);
    return rc;
}

int flight_susp_show(struct store *s, const char *visit_id, const char *susp_id, json_t **out,
                     struct fc_error *err)
{
    struct show_ctx c = {NULL};
    struct visit v;
    json_t *actions = NULL, *findings = NULL;
    int rc;

    *out = NULL;
    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_id, &v, err);
    if (rc)
        return rc;
    rc = flight_susp_get(s, v.id, susp_id, show_pick, &c, err);
    if (rc)
        goto out;
    actions = json_array();
    findings = json_array();
    rc = line_actions(s, v.id, susp_id, actions, err);
    if (!rc)
        rc = line_findings(s, v.id, susp_id, findings, err);
    if (rc)
        goto out;
    json_object_set(c.line, "actions", actions);
    json_object_set(c.line, "findings", findings);
    *out = c.line;
    c.line = NULL;
out:
    json_decref(c.line);
    json_decref(actions);
    json_decref(findings);
    visit_release(&v);
    return rc;
}

static json_t *total_json(const struct flight_total *t)
{
    json_t *o = json_pack("{s:s, s:I}", "key", t->key, "count", (json_int_t)t->count);

    set_yuan(o, "irregular", 1, t->irregular_fen);
    set_yuan(o, "fund_loss", 1, t->fund_loss_fen);
    json_object_set_new(o, "irregular_fen", json_integer(t->irregular_fen));
    json_object_set_new(o, "fund_loss_fen", json_integer(t->fund_loss_fen));
    return o;
}

static json_t *totals_json(const struct flight_totals *t)
{
    json_t *by_state = json_array(), *by_code = json_array(), *o;

    for (int i = 0; i < FLIGHT_NSTATES; i++) {
        json_t *x = total_json(&t->by_state[i]);
        json_object_set_new(x, "state_zh", json_string(flight_state_zh((enum flight_state)i)));
        json_array_append_new(by_state, x);
    }
    for (size_t i = 0; i < t->n_codes; i++) {
        const struct taxonomy_entry *e = taxonomy_find(t->by_code[i].key);
        json_t *x = total_json(&t->by_code[i]);
        if (e)
            json_object_set_new(x, "category", json_string(e->category));
        json_array_append_new(by_code, x);
    }
    o = json_pack("{s:o, s:o}", "by_state", by_state, "by_code", by_code);
    json_object_set_new(o, "lines", total_json(&t->lines));
    json_object_set_new(o, "findings", total_json(&t->findings));
    return o;
}

static json_t *finding_json(const struct flight_finding *f)
{
    const struct taxonomy_entry *e = taxonomy_find(f->code);
    json_t *o = json_object();
    struct buf q = BUF_INIT;

    set_str(o, "event_id", f->event_id);
    set_str(o, "at", f->at);
    set_str(o, "code", f->code);
    set_str(o, "category", e ? e->category : "");
    set_str(o, "basis", e ? e->basis : "");
    if (f->has_qty)
        qty_format(&q, f->qty_milli);
    set_str(o, "qty", q.ptr);
    set_yuan(o, "unit_price", f->has_unit_price, f->unit_price_fen);
    set_yuan(o, "irregular", 1, f->irregular_fen);
    set_yuan(o, "fund_loss", 1, f->fund_loss_fen);
    json_object_set_new(o, "irregular_fen", json_integer(f->irregular_fen));
    json_object_set_new(o, "fund_loss_fen", json_integer(f->fund_loss_fen));
    json_object_set_new(o, "lines", json_loads(f->lines_json, 0, NULL));
    json_object_set_new(o, "patients", json_loads(f->patients_json, 0, NULL));
    json_object_set_new(o, "evidence", json_loads(f->evidence_json, 0, NULL));
    set_str(o, "note", f->note);
    buf_release(&q);
    return o;
}

static int collect_finding(const struct flight_finding *f, void *ctx)
{
    json_array_append_new(ctx, finding_json(f));
    return 0;
}

static json_t *evidence_json(const struct evidence *e)
{
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "event_id", e->event_id, "at", e->at, "sha256",
                  e->sha256, "size", (json_int_t)e->size, "mtime", e->mtime, "note", e->note);
    set_str(o, "path", e->path);
    return o;
}

static int collect_evidence(const struct evidence *e, void *ctx)
{
    json_array_append_new(ctx, evidence_json(e));
    return 0;
}

static int count_interview(const char *event_id, const json_t *rec, void *ctx)
{
    (void)event_id;
    (void)rec;
    (*(int *)ctx)++;
    return 0;
}

json_t *flight_show_json(struct store *s, const char *visit_id, struct fc_error *err)
{
    struct flight_totals t;
    struct visit v;
    json_t *findings = json_array(), *evidence = json_array(), *out = NULL;
    int interviews = 0, rc;

    memset(&v, 0, sizeof(v));
    rc = visit_resolve(s, visit_id, &v, err);
    if (!rc)
        rc = flight_totals(s, v.id, &t, err);
    if (rc)
        goto out;
    rc = flight_finding_foreach(s, v.id, collect_finding, findings, err);
    if (!rc)
        rc = evidence_foreach(s, v.id, collect_evidence, evidence, err);
    if (!rc)
        rc = interview_foreach(s, v.id, count_interview, &interviews, err);
    if (!rc)
        out = json_pack("{s:o, s:O, s:O, s:i}", "totals", totals_json(&t), "findings", findings,
                        "evidence", evidence, "interviews", interviews);
    flight_totals_release(&t);
out:
    json_decref(findings);
    json_decref(evidence);
    visit_release(&v);
    return out;
}

/* ---- report ---- */

struct report {
    struct store *s;
    FILE *out;
    struct buf line;       /* scratch for one output row */
    struct buf name, item; /* per-line scratch, reused: no allocation per line */
    struct visit v;
    char *site_name;
};

/* A CSV field through the report kit's one cell writer (formula guard,
 * quoting), then its separator or the end of the record. */
static void csv_field(struct buf *b, const char *v, int last)
{
    report_csv_cell(b, v);
    buf_addch(b, last ? '\n' : ',');
}

static void csv_money(struct buf *b, int has, int64_t fen)
{
    if (has)
        money_format(b, fen);
    buf_addch(b, ',');
}

/* Writes the scratch buffer out; a short write shows in ferror(), checked
 * once at the end of the report. */
static void flush_line(struct report *r)
{
    if (r->line.len)
        fwrite(r->line.ptr, 1, r->line.len, r->out);
    buf_reset(&r->line);
}

static const char *str_or(const char *v, const char *dflt)
{
    return v ? v : dflt;
}

/* "code name" of a line's item into b (reset first). */
static void item_text(struct buf *b, const struct flight_line *l)
{
    buf_reset(b);
    buf_adds(b, l->item_code);
    if (*l->item_code && *l->item_name)
        buf_addch(b, ' ');
    buf_adds(b, l->item_name);
}

static const struct report_col csv_cols[] = {
    {"record", "记录"},
    {"id", "编号"},
    {"code", "规则或违规代码"},
    {"title", "规则或违规类别"},
    {"admission_no", "住院号"},
    {"name", "姓名"},
    {"item", "项目"},
    {"qty", "数量"},
    {"unit_price", "单价"},
    {"line_amount", "明细金额"},
    {"susp_amount", "疑点金额"},
    {"state", "结论代码"},
    {"state_zh", "结论"},
    {"irregular", "违规费用"},
    {"fund_loss", "基金损失"},
    {"inspector", "核查人"},
    {"response", "机构申辩"},
    {"note", "说明"},
};

/* A worksheet state's label in the reader's language (the catalogue's). */
static const char *state_label(enum flight_state st)
{
    const struct verdict *v = workflow_verdict(&flight_workflow, flight_state_name(st));
    return v ? verdict_label(v) : flight_state_zh(st);
}

static int csv_line(const struct flight_line *l, void *vctx)
{
    struct report *r = vctx;
    struct buf *b = &r->line;

    buf_reset(&r->name);
    if (*l->name)
        mask_name(&r->name, l->name);
    item_text(&r->item, l);
    buf_adds(b, "suspicion,");
    csv_field(b, l->susp_id, 0);
    csv_field(b, l->rule_code, 0);
    csv_field(b, l->rule_name, 0);
    csv_field(b, l->admission_no, 0);
    csv_field(b, r->name.ptr, 0);
    csv_field(b, r->item.ptr, 0);
    if (l->has_qty)
        qty_format(b, l->qty_milli);
    buf_addch(b, ',');
    csv_money(b, l->has_unit_price, l->unit_price_fen);
    csv_money(b, l->has_amount, l->amount_fen);
    csv_money(b, l->has_susp_amount, l->susp_amount_fen);
    buf_addf(b, "%s,%s,", flight_state_name(l->state), flight_state_zh(l->state));
    csv_money(b, 1, l->irregular_fen);
    csv_money(b, 1, l->fund_loss_fen);
    csv_field(b, l->inspector, 0);
    csv_field(b, l->response, 0);
    csv_field(b, l->note, 1);
    if (b->len > 65536)
        flush_line(r);
    return 0;
}

/* Joins a JSON array of strings with sep into b. */
static void join_json(struct buf *b, const char *json_text, const char *sep)
{
    json_t *arr = json_loads(json_text, 0, NULL);
    size_t i;
    json_t *v;

    json_array_foreach(arr, i, v)
    {
        if (i)
            buf_adds(b, sep);
        buf_adds(b, json_string_value(v) ? json_string_value(v) : "");
    }
    json_decref(arr);
}

static int csv_finding(const struct flight_finding *f, void *vctx)
{
    struct report *r = vctx;
    struct buf *b = &r->line;
    const struct taxonomy_entry *e = taxonomy_find(f->code);
    struct buf lines = BUF_INIT, patients = BUF_INIT;

    join_json(&lines, f->lines_json, ";");
    join_json(&patients, f->patients_json, ";");
    buf_adds(b, "finding,");
    csv_field(b, f->event_id, 0);
    csv_field(b, f->code, 0);
    csv_field(b, e ? e->category : "", 0);
    csv_field(b, patients.ptr, 0);
    buf_adds(b, ",");
    csv_field(b, lines.ptr, 0);
    if (f->has_qty)
        qty_format(b, f->qty_milli);
    buf_addch(b, ',');
    csv_money(b, f->has_unit_price, f->unit_price_fen);
    buf_adds(b, ",,,,");
    csv_money(b, 1, f->irregular_fen);
    csv_money(b, 1, f->fund_loss_fen);
    buf_adds(b, ",,");
    csv_field(b, f->note, 1);
    buf_release(&lines);
    buf_release(&patients);
    return 0;
}

static int report_csv(struct report *r, struct fc_error *err)
{
    int rc;

    /* the byte-order mark and CRLF Excel needs are added on delivery
     * (report_csv_deliver), like every report's */
    report_csv_header(&r->line, csv_cols, sizeof(csv_cols) / sizeof(csv_cols[0]));
    rc = flight_susp_foreach(r->s, r->v.id, NULL, csv_line, r, err);
    if (!rc)
        rc = flight_finding_foreach(r->s, r->v.id, csv_finding, r, err);
    flush_line(r);
    return rc;
}

/* Markdown table cell: pipes and newlines would break the table. */
static void md_cell(struct buf *b, const char *v)
{
    buf_addch(b, ' ');
    while (v && *v) {
        size_t run = strcspn(v, "|\n\r"); /* copied in runs */

        buf_add(b, v, run);
        v += run;
        if (*v == '|')
            buf_add(b, "\\|", 2);
        else if (*v)
            buf_addch(b, ' ');
        if (*v)
            v++;
    }
    buf_add(b, " |", 2);
}

static void md_money_cell(struct buf *b, int has, int64_t fen)
{
    buf_adds(b, " ");
    if (has)
        money_format(b, fen);
    buf_adds(b, " |");
}

static int md_line(const struct flight_line *l, void *vctx)
{
    struct report *r = vctx;
    struct buf *b = &r->line;

    item_text(&r->item, l);
    buf_adds(b, "|");
    md_cell(b, l->susp_id);
    md_cell(b, l->rule_name[0] ? l->rule_name : l->rule_code);
    md_cell(b, r->item.ptr);
    md_money_cell(b, l->has_susp_amount || l->has_amount,
                  l->has_susp_amount ? l->susp_amount_fen : l->amount_fen);
    md_cell(b, state_label(l->state));
    md_money_cell(b, 1, l->irregular_fen);
    md_money_cell(b, 1, l->fund_loss_fen);
    md_cell(b, l->inspector);
    md_cell(b, l->response);
    md_cell(b, l->note);
    buf_addch(b, '\n');
    if (b->len > 65536)
        flush_line(r);
    return 0;
}

/* "   - label: text", the text escaped as a Markdown cell is. */
static void md_item(struct buf *b, const char *label, const char *text)
{
    buf_addf(b, "   - %s", label);
    report_md_text(b, text);
    buf_addch(b, '\n');
}

/* A numbered Markdown list or table being written: the report and the
 * number of the last item. */
struct md_numbered {
    struct report *r;
    int n;
};

static int md_finding(const struct flight_finding *f, void *vctx)
{
    struct md_numbered *c = vctx;
    struct buf *b = &c->r->line;
    const struct taxonomy_entry *e = taxonomy_find(f->code);
    struct buf list = BUF_INIT;
    json_t *evid;
    size_t i;
    json_t *x;

    const char *sep = report_text("、", ", ");

    /* the taxonomy's category, article and basis are the law's words:
     * Chinese in either language */
    buf_addf(b, "%d. **%s %s**%s%s%s\n", ++c->n, f->code, e ? e->category : "",
             report_text("（", " ("), e ? e->group : "", report_text("）", ")"));
    buf_addf(b, "   - %s%s\n", report_text("依据：", "basis: "), e ? e->basis : "");
    join_json(&list, f->lines_json, sep);
    if (list.len)
        md_item(b, report_text("涉及疑点：", "suspicion lines: "), list.ptr);
    buf_reset(&list);
    join_json(&list, f->patients_json, sep);
    if (list.len)
        md_item(b, report_text("涉及患者（住院号）：", "patients (admission numbers): "), list.ptr);
    buf_reset(&list);
    if (f->has_qty) {
        qty_format(&list, f->qty_milli);
        buf_addf(b, "   - %s%s × ", report_text("数量 × 单价：", "quantity × unit price: "),
                 list.ptr);
        money_format(b, f->unit_price_fen);
        buf_addch(b, '\n');
    }
    buf_addf(b, "   - %s", report_text("违规费用：", "irregular amount: "));
    money_format(b, f->irregular_fen);
    buf_adds(b, report_text(" 元；基金损失：", " yuan; fund loss: "));
    money_format(b, f->fund_loss_fen);
    buf_adds(b, report_text(" 元\n", " yuan\n"));
    buf_addf(b, "   - %s", report_text("说明：", "note: "));
    report_md_text(b, f->note);
    buf_addch(b, '\n');
    evid = json_loads(f->evidence_json, 0, NULL);
    json_array_foreach(evid, i, x)
    {
        buf_addf(b, "   - %s", report_text("证据：", "evidence: "));
        report_md_text(b, str_or(json_string_value(json_object_get(x, "path")), ""));
        buf_addf(b, "%s%s%s\n", report_text("（SHA-256 ", " (SHA-256 "),
                 str_or(json_string_value(json_object_get(x, "sha256")), ""),
                 report_text("）", ")"));
    }
    json_decref(evid);
    buf_release(&list);
    flush_line(c->r);
    return 0;
}

static void md_total_row(struct buf *b, const char *label, const struct flight_total *t)
{
    buf_adds(b, "|");
    md_cell(b, label);
    buf_addf(b, " %lld |", (long long)t->count);
    md_money_cell(b, 1, t->irregular_fen);
    md_money_cell(b, 1, t->fund_loss_fen);
    buf_addch(b, '\n');
}

static int md_evidence(const struct evidence *e, void *vctx)
{
    struct md_numbered *c = vctx;
    struct buf *b = &c->r->line;
    char num[16], mtime[CLOCK_ISO_MAX];

    snprintf(num, sizeof(num), "%d", ++c->n);
    buf_adds(b, "|");
    md_cell(b, num);
    md_cell(b, e->path);
    buf_addf(b, " `%s` | %llu |", e->sha256, (unsigned long long)e->size);
    md_cell(b, clock_iso_local(e->mtime, mtime));
    md_cell(b, e->note);
    buf_addch(b, '\n');
    return 0;
}

static int md_interview(const char *event_id, const json_t *rec, void *vctx)
{
    struct md_numbered *c = vctx;
    struct buf *b = &c->r->line;
    json_t *people = json_object_get(rec, "people"), *items = json_object_get(rec, "items"), *x;
    int64_t ms = 0;
    char when[CLOCK_ISO_MAX];
    size_t i;

    (void)event_id;
    clock_parse(json_string_value(json_object_get(rec, "held_at")), &ms);
    clock_format_local(ms, when);
    if (fc_lang_current() == FC_LANG_ZH)
        buf_addf(b, "### 询问笔录 %d\n\n- 时间：%s\n- 地点：%s\n- 被询问人：", ++c->n, when,
                 json_string_value(json_object_get(rec, "place")));
    else
        buf_addf(b, "### Interview %d\n\n- time: %s\n- place: %s\n- interviewed: ", ++c->n, when,
                 json_string_value(json_object_get(rec, "place")));
    json_array_foreach(people, i, x)
    {
        char *name = masked(mask_name, json_string_value(json_object_get(x, "name")));
        const char *role = json_string_value(json_object_get(x, "role"));
        const char *id = json_string_value(json_object_get(x, "id_number"));

        buf_addf(b, "%s%s", i ? report_text("；", "; ") : "", name);
        if (role && *role)
            buf_addf(b, "%s%s%s", report_text("（", " ("), role, report_text("）", ")"));
        if (id) {
            buf_adds(b, report_text(" 身份证号 ", " ID number "));
            mask_id(b, id);
        }
        free(name);
    }
    buf_adds(b, "\n\n");
    json_array_foreach(items, i, x)
    {
        buf_addf(b, "%s%s\n\n%s%s\n\n", report_text("问：", "Q: "),
                 json_string_value(json_object_get(x, "q")), report_text("答：", "A: "),
                 json_string_value(json_object_get(x, "a")));
    }
    if (json_is_true(json_object_get(rec, "signed")))
        buf_adds(b, report_text("被询问人已签字确认。\n\n",
                                "The person interviewed signed the record.\n\n"));
    else
        buf_addf(b, "%s%s\n\n",
                 report_text("被询问人拒绝签字，理由：",
                             "The person interviewed refused to sign, saying: "),
                 json_string_value(json_object_get(rec, "refusal")));
    flush_line(c->r);
    return 0;
}

static void md_header(struct report *r)
{
    struct buf *b = &r->line;
    json_t *insp = json_loads(r->v.inspectors_json, 0, NULL), *x;
    int64_t ms = 0;
    char opened[CLOCK_ISO_MAX] = "", closed[CLOCK_ISO_MAX] = "";
    size_t i;

    if (!clock_parse(r->v.opened_at, &ms))
        clock_format_local(ms, opened);
    if (r->v.closed_at[0] && !clock_parse(r->v.closed_at, &ms))
        clock_format_local(ms, closed);
    if (fc_lang_current() == FC_LANG_ZH) {
        buf_adds(b, "# 现场检查笔录（飞行检查）\n\n");
        buf_addf(b, "- 被检查机构：%s（%s）\n", r->site_name, r->v.site_code);
        buf_addf(b, "- 检查任务：%s（第 %lld 版）\n", r->v.mission_id,
                 (long long)r->v.mission_version);
        buf_addf(b, "- 检查时间：%s 至 %s\n", opened, closed[0] ? closed : "（检查进行中）");
        buf_adds(b, "- 检查人员：");
    } else {
        buf_adds(b, "# On-site inspection record (flight inspection)\n\n");
        buf_addf(b, "- institution: %s (%s)\n", r->site_name, r->v.site_code);
        buf_addf(b, "- mission: %s (version %lld)\n", r->v.mission_id,
                 (long long)r->v.mission_version);
        buf_addf(b, "- time: %s to %s\n", opened, closed[0] ? closed : "(inspection in progress)");
        buf_adds(b, "- inspectors: ");
    }
    json_array_foreach(insp, i, x)
    {
        buf_addf(b, "%s%s", i ? report_text("、", ", ") : "",
                 json_string_value(x) ? json_string_value(x) : "");
    }
    buf_addf(
        b, "\n- %s%s\n", report_text("执法证件：", "credentials: "),
        r->v.credentials_shown
            ? report_text("检查人员已出示执法证件（《医疗保障基金使用监督管理条例》第二十九条）",
                          "the inspectors showed their credentials (Regulations on the "
                          "Supervision of Medical Security Fund Use, article 29)")
            : report_text("未记录出示执法证件", "showing of credentials not recorded"));
    buf_addf(b, "- %s%s\n\n", report_text("检查编号：", "visit: "), r->v.id);
    json_decref(insp);
}

static int report_md(struct report *r, struct fc_error *err)
{
    struct flight_totals t;
    struct md_numbered fc = {r, 0};
    struct md_numbered ec = {r, 0};
    struct buf *b = &r->line;
    int rc;

    memset(&t, 0, sizeof(t));
    md_header(r);
    buf_adds(b, report_text("## 一、疑点核查结果\n\n"
                            "| 疑点编号 | 规则 | 项目 | 疑点金额 | 结论 | 违规费用 | 基金损失 |"
                            " 核查人 | 机构申辩 | 说明 |\n",
                            "## 1. Suspicion lines checked\n\n"
                            "| line | rule | item | suspect amount | verdict | irregular amount |"
                            " fund loss | checked by | institution's response | note |\n"));
    buf_adds(b, "|---|---|---|---:|---|---:|---:|---|---|---|\n");
    rc = flight_susp_foreach(r->s, r->v.id, NULL, md_line, r, err);
    if (rc)
        goto out;
    buf_adds(b, report_text("\n## 二、发现的问题\n\n", "\n## 2. Findings\n\n"));
    flush_line(r);
    rc = flight_finding_foreach(r->s, r->v.id, md_finding, &fc, err);
    if (rc)
        goto out;
    if (!fc.n)
        buf_adds(b, report_text("（无）\n", "(none)\n"));
    rc = flight_totals(r->s, r->v.id, &t, err);
    if (rc)
        goto out;
    buf_adds(
        b, report_text("\n## 三、合计\n\n### 按核查结论\n\n| 结论 | 条数 | 违规费用 | 基金损失 |\n",
                       "\n## 3. Totals\n\n### By verdict\n\n"
                       "| verdict | lines | irregular amount | fund loss |\n"));
    buf_adds(b, "|---|---:|---:|---:|\n");
    for (int i = 0; i < FLIGHT_NSTATES; i++)
        md_total_row(b, state_label((enum flight_state)i), &t.by_state[i]);
    md_total_row(b, report_text("合计", "total"), &t.lines);
    buf_adds(b, report_text("\n### 按违规类型\n\n| 类型 | 条数 | 违规费用 | 基金损失 |\n",
                            "\n### By violation\n\n"
                            "| violation | findings | irregular amount | fund loss |\n"));
    buf_adds(b, "|---|---:|---:|---:|\n");
    for (size_t i = 0; i < t.n_codes; i++) {
        const struct taxonomy_entry *e = taxonomy_find(t.by_code[i].key);
        char *label = xasprintf("%s %s", t.by_code[i].key, e ? e->category : "");
        md_total_row(b, label, &t.by_code[i]);
        free(label);
    }
    md_total_row(b, report_text("合计", "total"), &t.findings);
    buf_adds(
        b, report_text("\n## 四、证据清单\n\n| 序号 | 文件 | SHA-256 | 字节 | 修改时间 | 说明 |\n",
                       "\n## 4. Evidence\n\n| no. | file | SHA-256 | bytes | modified | note |\n"));
    buf_adds(b, "|---:|---|---|---:|---|---|\n");
    rc = evidence_foreach(r->s, r->v.id, md_evidence, &ec, err);
    if (rc)
        goto out;
    if (!ec.n)
        buf_adds(b, report_text("| | （无） | | | | |\n", "| | (none) | | | | |\n"));
    buf_adds(b, report_text("\n## 五、询问笔录\n\n", "\n## 5. Interviews\n\n"));
    flush_line(r);
    ec.n = 0;
    rc = interview_foreach(r->s, r->v.id, md_interview, &ec, err);
    if (rc)
        goto out;
    if (!ec.n)
        buf_adds(b, report_text("（无）\n\n", "(none)\n\n"));
    buf_adds(b, report_text("## 六、签字\n\n", "## 6. Signatures\n\n"));
    if (r->v.closed_at[0] && r->v.checkpoint[0]) {
        char code[VISIT_SHORT_CODE_LEN + 1];
        visit_short_code(r->v.checkpoint, code);
        buf_addf(b,
                 report_text("检查结束校验码：**%s**（检查记录哈希 %.16s…）\n\n",
                             "Checkpoint code at the close: **%s** (record hash %.16s…)\n\n"),
                 code, r->v.checkpoint);
    } else {
        buf_adds(b, report_text("检查尚未结束：结束检查后生成校验码。\n\n",
                                "The visit is not closed yet: the checkpoint code comes with "
                                "the close.\n\n"));
    }
    buf_adds(b, report_text("检查人员签名：________________　　日期：__________\n\n"
                            "被检查机构负责人签名：________________　　日期：__________\n\n"
                            "（被检查机构拒绝签字的，由检查人员注明情况。）\n",
                            "Inspectors' signatures: ________________    date: __________\n\n"
                            "Head of the institution: ________________    date: __________\n\n"
                            "(If the institution refuses to sign, the inspectors note it "
                            "here.)\n"));
out:
    flush_line(r);
    flight_totals_release(&t);
    return rc;
}

static int site_name_row(sqlite3_stmt *st, void *ctx)
{
    char **out = ctx;

    free(*out);
    *out = xstrdup(store_col_text(st, 0));
    return FC_OK;
}

/* The site's name, "" when the reference has no such site. */
static int site_name(struct store *s, const char *site_code, char **out, struct fc_error *err)
{
    int rc;

    *out = NULL;
    rc = engine_one(s, "SELECT site_name FROM ref.site WHERE site_code = ?1", site_code, NULL,
                    site_name_row, out, "cannot read sites", err);
    if (!*out)
        *out = xstrdup("");
    return rc == FC_ENOTFOUND ? FC_OK : rc;
}

int flight_report(struct store *s, const char *visit_id, const char *format, FILE *out,
                  struct fc_error *err)
{
    struct report r;
    int rc;

    memset(&r, 0, sizeof(r));
    buf_init(&r.line);
    buf_init(&r.name);
    buf_init(&r.item);
    r.s = s;
    r.out = out;
    if (!format || (strcmp(format, "csv") && strcmp(format, "md")))
        return fc_error_set(err, FC_EUSAGE, "unknown report format '%s' (csv or md)",
                            format ? format : "");
    rc = visit_resolve(s, visit_id, &r.v, err);
    if (!rc)
        rc = flight_prepare(s, &r.v, 0, err);
    if (!rc)
        rc = site_name(s, r.v.site_code, &r.site_name, err);
    if (rc)
        goto out;
    rc = !strcmp(format, "csv") ? report_csv(&r, err) : report_md(&r, err);
    if (!rc && (fflush(out) || ferror(out)))
        rc = fc_error_set(err, FC_EIO, "cannot write the report");
out:
    buf_release(&r.line);
    buf_release(&r.name);
    buf_release(&r.item);
    visit_release(&r.v);
    free(r.site_name);
    return rc;
}
