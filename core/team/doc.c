/* The team's documents (core/team/doc.h): the on-site record (现场检查笔录)
 * and the summary of the whole team at one site, each finding with who
 * recorded it. Written from the team's merged view, so a finding counts
 * once with the team's record of it (the lead's where the lead decided a
 * conflict); items members still disagree on are listed apart, with every
 * member's record, and counted in no total. The header carries the team
 * checkpoint (the chain heads the document covers) as a QR. */
#include "core/team/doc.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/money.h"
#include "core/report/html.h"
#include "core/report/report.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <string.h>

struct doc {
    const struct team_doc_args *a;
    const struct team_view *tv;
    struct buf *out;
    enum html_lang lang;
    /* the header */
    struct buf inspectors, kinds;
    char opened[CLOCK_ISO_MAX], closed[CLOCK_ISO_MAX];
    int open_visits, visits;
    /* totals of the team's records, per group */
    int64_t anomalies, amount_fen, fund_loss_fen, conflicts;
};

static const char *t(const struct doc *d, const char *zh, const char *en)
{
    return html_t(d->lang, zh, en);
}

static const char *label_of(const struct doc *d, const struct verdict *v)
{
    return d->lang == HTML_ZH ? v->label_zh : v->label_en;
}

static void author(const struct doc *d, const struct team_record *r, struct buf *out)
{
    buf_addf(out, "%s%.8s (%s)", r->is_self ? t(d, "组长 ", "lead ") : "", r->device,
             r->inspectors);
}

static int note_visit(const struct team_visit *v, void *ctx)
{
    struct doc *d = ctx;
    const char *label = d->lang == HTML_ZH ? v->wf->label_zh : v->wf->label_en;

    if (strcmp(v->site_code, d->a->site_code))
        return 0;
    d->visits++;
    if (!strstr(d->inspectors.ptr ? d->inspectors.ptr : "", v->inspectors))
        buf_addf(&d->inspectors, "%s%s", d->inspectors.len ? ", " : "", v->inspectors);
    if (!strstr(d->kinds.ptr ? d->kinds.ptr : "", label))
        buf_addf(&d->kinds, "%s%s", d->kinds.len ? ", " : "", label);
    if (!d->opened[0] || strcmp(v->opened_at, d->opened) < 0)
        snprintf(d->opened, sizeof(d->opened), "%s", v->opened_at);
    if (!v->closed_at[0])
        d->open_visits++;
    else if (strcmp(v->closed_at, d->closed) > 0)
        snprintf(d->closed, sizeof(d->closed), "%s", v->closed_at);
    return 0;
}

/* ---- the members and their chains ---------------------------------------------- */

static int member_row(const char *device, int is_self, const struct team_chain *c, void *ctx)
{
    struct doc *d = ctx;
    char seq[32], events[32];
    const char *cells[5];

    snprintf(seq, sizeof(seq), "%lld", (long long)c->head_seq);
    snprintf(events, sizeof(events), "%lld", (long long)c->events);
    cells[0] = device;
    cells[1] = is_self ? t(d, "组长（本机）", "lead (this device)") : t(d, "组员", "member");
    cells[2] = events;
    cells[3] = seq;
    cells[4] = c->head;
    html_table_row(d->out, c->missing || c->equivocations ? "anomaly" : NULL, cells, 5);
    return 0;
}

static void members(struct doc *d)
{
    const char *h[] = {t(d, "设备", "Device"),        t(d, "身份", "Role"),
                       t(d, "事件数", "Events"),      t(d, "链头序号", "Head seq"),
                       t(d, "链头哈希", "Head hash"), NULL};

    html_elem(d->out, "h2", t(d, "检查组成员及其记录链", "The team and its record chains"));
    html_table_begin(d->out, h);
    team_view_team_heads(d->tv, d->a->mission_id, member_row, d);
    html_table_end(d->out);
}

/* ---- findings -------------------------------------------------------------------------- */

struct pass {
    struct doc *d;
    int conflicts; /* 1: the items members disagree on; 0: the team's records */
    size_t rows;
};

static void money_cells(const struct team_item *it, const struct team_record *r, char a[32],
                        char l[32])
{
    a[0] = l[0] = '\0';
    if (it->group->money != WORKFLOW_MONEY_NONE)
        money_text(r->amount_fen, a);
    if (it->group->money == WORKFLOW_MONEY_AMOUNT_LOSS)
        money_text(r->fund_loss_fen, l);
}

/* 1 when two members' records of the item say different things. */
static int members_differ(const struct team_item *it)
{
    for (size_t i = 1; i < it->n; i++)
        if (it->records[i].verdict != it->records[0].verdict ||
            it->records[i].amount_fen != it->records[0].amount_fen ||
            strcmp(it->records[i].detail, it->records[0].detail))
            return 1;
    return 0;
}

/* A row of the team's findings table: record r of item it, recorded by. */
static void finding_line(struct doc *d, const struct team_item *it, const struct team_record *r,
                         const char *by)
{
    const char *cells[7];
    char a[32], l[32];

    money_cells(it, r, a, l);
    cells[0] = d->lang == HTML_ZH ? it->group->label_zh : it->group->label_en;
    cells[1] = it->subject;
    cells[2] = label_of(d, r->verdict);
    cells[3] = a;
    cells[4] = l;
    cells[5] = r->detail;
    cells[6] = by;
    html_table_row(d->out, NULL, cells, 7);
}

static int finding_row(const struct team_item *it, void *ctx)
{
    struct pass *p = ctx;
    struct doc *d = p->d;
    const struct team_record *r;
    struct buf by = BUF_INIT;
    char a[32], l[32];
    const char *cells[6];

    if (strcmp(it->site_code, d->a->site_code))
        return 0;
    if (p->conflicts) {
        if (!it->conflict || it->resolved)
            return 0;
        for (size_t i = 0; i < it->n; i++) {
            const struct team_record *m = &it->records[i];
            buf_reset(&by);
            author(d, m, &by);
            money_cells(it, m, a, l);
            cells[0] = i ? "" : it->subject;
            cells[1] = label_of(d, m->verdict);
            cells[2] = a;
            cells[3] = l;
            cells[4] = m->detail;
            cells[5] = by.ptr;
            html_table_row(d->out, "anomaly", cells, 6);
            p->rows++;
        }
        d->conflicts++;
        buf_release(&by);
        return 0;
    }
    if (it->group->per_member && members_differ(it)) {
        /* each member judged its own part of a count: side by side, and in
         * no total, since no member's figure is the team's */
        for (size_t i = 0; i < it->n; i++) {
            const struct team_record *m = &it->records[i];

            if (m->verdict->cls != VERDICT_ANOMALY)
                continue;
            buf_reset(&by);
            author(d, m, &by);
            buf_adds(&by, t(d, "（仅其本人清点部分，不计入合计）",
                            " (its own part of the count only; in no total)"));
            finding_line(d, it, m, by.ptr);
            p->rows++;
        }
        buf_release(&by);
        return 0;
    }
    r = team_item_decided(it);
    if (!r || r->verdict->cls != VERDICT_ANOMALY)
        return 0;
    author(d, r, &by);
    if (it->conflict)
        buf_adds(&by,
                 t(d, "（组员记录不一致，组长裁定）", " (members disagreed; decided by the lead)"));
    else
        for (size_t i = 0; i < it->n; i++)
            if (&it->records[i] != r && it->records[i].verdict->cls != VERDICT_COVERAGE &&
                !it->group->additive) {
                buf_adds(&by, t(d, "；", "; "));
                author(d, &it->records[i], &by);
            }
    finding_line(d, it, r, by.ptr);
    d->anomalies += r->count;
    d->amount_fen += r->amount_fen;
    d->fund_loss_fen += r->fund_loss_fen;
    p->rows++;
    buf_release(&by);
    return 0;
}

static void findings(struct doc *d)
{
    const char *h[] = {
        t(d, "类别", "Group"),         t(d, "项目", "Item"),
        t(d, "结论", "Finding"),       t(d, "违规费用/疑点金额", "Irregular / amount"),
        t(d, "基金损失", "Fund loss"), t(d, "说明", "Detail"),
        t(d, "记录人", "Recorded by"), NULL};
    const char *hc[] = {t(d, "项目", "Item"),
                        t(d, "组员结论", "Member's record"),
                        t(d, "金额", "Amount"),
                        t(d, "基金损失", "Fund loss"),
                        t(d, "说明", "Detail"),
                        t(d, "记录人", "Recorded by"),
                        NULL};
    struct pass p = {d, 0, 0};
    char a[32], l[32], n[32];

    html_elem(d->out, "h2", t(d, "检查发现的问题（全组）", "What the team found"));
    html_table_begin(d->out, h);
    team_view_items(d->tv, d->a->mission_id, NULL, 0, finding_row, &p);
    html_table_end(d->out);
    if (!p.rows)
        html_elem(d->out, "p class=\"empty\"", t(d, "未发现问题", "Nothing found"));
    money_text(d->amount_fen, a);
    money_text(d->fund_loss_fen, l);
    snprintf(n, sizeof(n), "%lld", (long long)d->anomalies);
    buf_adds(d->out, "<dl class=\"kv\">");
    html_elem(d->out, "dt", t(d, "问题数", "Findings"));
    html_elem(d->out, "dd", n);
    html_elem(d->out, "dt", t(d, "违规费用/疑点金额合计", "Irregular / suspect amount"));
    html_elem(d->out, "dd", a);
    html_elem(d->out, "dt", t(d, "基金损失合计", "Fund loss"));
    html_elem(d->out, "dd", l);
    buf_adds(d->out, "</dl>\n");

    p.conflicts = 1;
    p.rows = 0;
    html_elem(d->out, "h2",
              t(d, "组员记录不一致、尚待组长裁定的项目（不计入合计）",
                "Items members recorded differently, not yet decided by the lead (in no total)"));
    html_table_begin(d->out, hc);
    team_view_items(d->tv, d->a->mission_id, NULL, 1, finding_row, &p);
    html_table_end(d->out);
    if (!p.rows)
        html_elem(d->out, "p class=\"empty\"", t(d, "无", "None"));
}

/* ---- the summary's counts per member ------------------------------------------------------ */

struct tally {
    struct doc *d;
    const char *device;
    int64_t records, anomalies, amount_fen, fund_loss_fen;
};

static int tally_item(const struct team_item *it, void *ctx)
{
    struct tally *ty = ctx;

    if (strcmp(it->site_code, ty->d->a->site_code))
        return 0;
    for (size_t i = 0; i < it->n; i++) {
        const struct team_record *r = &it->records[i];

        if (strcmp(r->device, ty->device) || r->verdict->cls == VERDICT_COVERAGE)
            continue;
        ty->records += r->count;
        if (r->verdict->cls == VERDICT_ANOMALY) {
            ty->anomalies += r->count;
            ty->amount_fen += r->amount_fen;
            ty->fund_loss_fen += r->fund_loss_fen;
        }
    }
    return 0;
}

static int member_tally(const char *device, int is_self, const struct team_chain *c, void *ctx)
{
    struct doc *d = ctx;
    struct tally ty = {d, device, 0, 0, 0, 0};
    char rec[32], an[32], a[32], l[32], dev[64];
    const char *cells[5];

    (void)c;
    team_view_items(d->tv, d->a->mission_id, NULL, 0, tally_item, &ty);
    snprintf(dev, sizeof(dev), "%s%s", device, is_self ? t(d, "（组长）", " (lead)") : "");
    snprintf(rec, sizeof(rec), "%lld", (long long)ty.records);
    snprintf(an, sizeof(an), "%lld", (long long)ty.anomalies);
    money_text(ty.amount_fen, a);
    money_text(ty.fund_loss_fen, l);
    cells[0] = dev;
    cells[1] = rec;
    cells[2] = an;
    cells[3] = a;
    cells[4] = l;
    html_table_row(d->out, NULL, cells, 5);
    return 0;
}

static void per_member(struct doc *d)
{
    const char *h[] = {t(d, "设备", "Device"),
                       t(d, "记录项目", "Items recorded"),
                       t(d, "其中问题", "Of them findings"),
                       t(d, "违规费用/疑点金额", "Amount"),
                       t(d, "基金损失", "Fund loss"),
                       NULL};

    html_elem(d->out, "h2", t(d, "各组员的记录", "Each member's records"));
    html_table_begin(d->out, h);
    team_view_team_heads(d->tv, d->a->mission_id, member_tally, d);
    html_table_end(d->out);
}

int team_doc_html(const struct team_view *tv, const struct team_doc_args *a, struct buf *out,
                  struct fc_error *err)
{
    struct doc d;
    struct html_page p;
    char digest[HASH_HEX_LEN + 1], short_code[VISIT_SHORT_CODE_LEN + 1];
    char gen[CLOCK_ISO_MAX], gen_local[CLOCK_ISO_MAX], opened[CLOCK_ISO_MAX], closed[CLOCK_ISO_MAX];
    struct buf site = BUF_INIT;
    int rc;

    memset(&d, 0, sizeof(d));
    d.a = a;
    d.tv = tv;
    d.out = out;
    d.lang = a->lang;
    team_view_visits(tv, a->mission_id, note_visit, &d);
    if (!d.visits) {
        rc = fc_error_set(err, FC_ENOTFOUND, "the team has no visit of mission '%s' at site '%s'",
                          a->mission_id, a->site_code);
        goto out;
    }
    rc = team_view_digest(tv, a->mission_id, digest, NULL, NULL);
    if (rc) {
        rc = fc_error_set(err, rc, "this device leads no team in mission '%s'", a->mission_id);
        goto out;
    }
    visit_short_code(digest, short_code);
    clock_format_utc(clock_now_ms(), gen);
    buf_addf(&site, "%s%s%s%s", a->site_name ? a->site_name : "", a->site_name ? " (" : "",
             a->site_code, a->site_name ? ")" : "");
    memset(&p, 0, sizeof(p));
    p.lang = a->lang;
    p.title = a->summary ? t(&d, "检查组汇总", "Team summary")
                         : t(&d, "现场检查笔录（检查组）", "On-site record (whole team)");
    p.site = site.ptr;
    p.visit_id = a->mission_id;
    p.kind = d.kinds.ptr;
    p.opened_at = report_time(d.opened, opened);
    p.closed_at = d.open_visits ? "" : report_time(d.closed, closed);
    p.short_code = short_code;
    p.signed_code = a->checkpoint;
    p.inspectors = d.inspectors.ptr;
    p.generated = report_time(gen, gen_local);
    p.masked = 1;
    p.snapshot = 1;
    p.unsigned_note =
        a->checkpoint ? NULL : t(&d, "未签名（本机无设备密钥）", "unsigned (no device keys)");
    rc = html_begin(out, &p, err);
    if (rc)
        goto out;
    findings(&d);
    if (a->summary)
        per_member(&d);
    members(&d);
    html_elem(
        out, "p class=\"note\"",
        t(&d,
          "本笔录汇总检查组各成员电脑上的记录；每项问题注明记录人。核验码为各成员记录链头的摘要，"
          "二维码为组长设备对其的签名。",
          "This record brings together the records of every member's laptop; each finding "
          "names who recorded it. The short code is a digest of every member's chain head; "
          "the QR is the lead device's signature over it."));
    html_end(out, &p);
out:
    buf_release(&d.inspectors);
    buf_release(&d.kinds);
    buf_release(&site);
    return rc;
}
