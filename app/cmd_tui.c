/* fieldcheck tui: the terminal UI backed by the device database. This file
 * fills struct ui_app's models from core (missions, visits, the night
 * engine) and masks personal data before any of it reaches the UI. A
 * snapshot of the visit's site (wards, roster, bed findings, scans) is read
 * once per change and shared by every list the screen asks for, so one scan
 * costs one pass over the site, however many panes show it. */
#include "app/commands.h"
#include "app/night_cli.h"
#include "app/tui_flight.h"
#include "app/tui_pharmacy.h"

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/mission/mission.h"
#include "core/night/night.h"
#include "core/report/qr.h"
#include "core/mission/roster.h"
#include "core/ident/scan.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "core/visit/visit.h"
#include "core/workflow.h"
#include "core/base/money.h"
#include "sync/receipt.h"
#include "ui/i18n.h"
#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- verdict and finding severities, Chinese messages --------------------- */

struct verdict_info {
    const char *name;
    enum ui_severity sev;
    const char *zh; /* %1$s bed, %2$s detail, %3$s admission no., %4$s code */
};

/* Severity decides the banner colour and the beeps: ANOMALY for what
 * suggests 挂床 or 冒名, WARN for what needs a second look. */
static const struct verdict_info verdicts[] = {
    {"BED_LISTED", UI_SEV_OK, "床位 %1$s：在册患者 %2$s"},
    {"BED_NOT_LISTED", UI_SEV_OK, "床位 %1$s：无在册患者（空床或加床）"},
    {"MATCH", UI_SEV_OK, "与床位 %1$s 的在册患者一致"},
    {"RECORDED", UI_SEV_OK, "已记录 %4$s"},
    {"VOIDED", UI_SEV_OK, "扫码 %4$s 已作废"},
    {"OK", UI_SEV_OK, NULL},
    {"FREE_EMPTY", UI_SEV_OK, NULL},
    {"PRESENT", UI_SEV_OK, NULL},
    {"WRONG_BED", UI_SEV_ANOMALY, "患者 %3$s 在册床位为 %2$s，实际在床位 %1$s"},
    {"NOT_ON_LIST", UI_SEV_ANOMALY, "不在本机构在册名单 %2$s"},
    {"IDENTITY_MISMATCH", UI_SEV_ANOMALY, "身份证与所称患者不符（%2$s）：疑似冒名"},
    {"INVALID_ID", UI_SEV_ANOMALY, "身份证号无效：%2$s"},
    {"ABSENT", UI_SEV_ANOMALY, NULL},
    {"MOVED_IN", UI_SEV_ANOMALY, NULL},
    {"UNLISTED_OCCUPANT", UI_SEV_ANOMALY, NULL},
    {"NOT_FOUND", UI_SEV_ANOMALY, NULL},
    {"PRESENT_OTHER_BED", UI_SEV_ANOMALY, NULL},
    {"UNRECOGNIZED", UI_SEV_WARN, "无法识别此码"},
    {"NO_BED", UI_SEV_WARN, "无当前床位：请先扫床头卡"},
    {"DUPLICATE_SCAN", UI_SEV_WARN, "重复读码 %4$s，已忽略"},
    {"UNVERIFIED", UI_SEV_WARN, "医保码已保存，待联网核验；请核对身份证"},
    {"ID_NOT_VERIFIED", UI_SEV_WARN, NULL},
    {"ABSENT_EXAM", UI_SEV_WARN, NULL},
    {"ABSENT_LEAVE", UI_SEV_WARN, NULL},
    {"ON_LEAVE", UI_SEV_WARN, NULL},
    {"PRESENT_ID_UNVERIFIED", UI_SEV_WARN, NULL},
    {"UNCHECKED", UI_SEV_WARN, NULL},
};

static const struct verdict_info *verdict_find(const char *name)
{
    for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
        if (!strcmp(verdicts[i].name, name))
            return &verdicts[i];
    return NULL;
}

static enum ui_severity severity_of(const char *name)
{
    const struct verdict_info *vi = verdict_find(name);

    if (vi)
        return vi->sev;
    return night_is_anomaly(name) ? UI_SEV_ANOMALY : UI_SEV_NONE;
}

void app_night_message(const struct night_result *r, char *out, size_t cap)
{
    const struct verdict_info *vi = verdict_find(r->verdict);
    char bed[2 * SCAN_REF_MAX + 2];

    snprintf(bed, sizeof(bed), "%s%s%s", r->ward_code, r->bed[0] ? "-" : "", r->bed);
    if (ui_lang_current() == UI_LANG_ZH && vi && vi->zh) {
        /* an INVALID_ID detail is the identifier check's reason phrase */
        const char *detail = strcmp(r->verdict, "INVALID_ID") ? r->detail : fc_tr(r->detail);
        snprintf(out, cap, vi->zh, bed, detail, r->admission_no, r->code);
        if (!strcmp(r->verdict, "RECORDED") && !strcmp(r->detail, "NO_BED"))
            snprintf(out + strlen(out), cap - strlen(out), "（无当前床位：请先扫床头卡）");
    } else {
        snprintf(out, cap, "%s", r->message);
    }
}

static void verdict_from_result(const struct night_result *r, struct ui_verdict *out)
{
    memset(out, 0, sizeof(*out));
    out->severity = severity_of(r->verdict);
    snprintf(out->verdict, sizeof(out->verdict), "%s", r->verdict);
    app_night_message(r, out->message, sizeof(out->message));
}

/* --- the site snapshot ------------------------------------------------- */

struct s_ward {
    char *code, *name;
    int64_t bed_count, listed;
};

struct s_pat {
    char *adm, *name, *id, *ward, *bed, *finding, *found_at;
};

struct s_bed {
    char *ward, *bed, *listed, *identified, *finding;
    int no_band, no_id, exam;
    int64_t scans;
};

struct s_scan {
    struct ui_scan_row row;
};

struct snapshot {
    unsigned long gen;
    struct s_ward *wards;
    size_t nwards, wcap;
    struct s_pat *pats;
    size_t npats, pcap;
    struct s_bed *beds;
    size_t nbeds, bcap;
    struct ui_scan_row *scans;
    size_t nscans, scap;
    char cur_ward[32], cur_bed[16];
};

struct tui {
    struct app *app;
    struct store *s;
    struct night *night;
    char night_visit[40];
    struct tui_pharmacy *ph; /* the pharmacy model (app/tui_pharmacy.c) */
    unsigned long gen;       /* bumped by every change to the visit */
    struct snapshot snap;
    int have_snap;
    /* status line cache */
    int status_ok;
    struct ui_status status;
    /* site names by code, for the visit list */
    struct buf names; /* "code\tname\n" lines */
    /* the checkpoint QR of the close screen: rows point into qr_text */
    struct buf qr_text;
    char **qr_rows;
};

static void snap_clear(struct snapshot *sn)
{
    for (size_t i = 0; i < sn->nwards; i++) {
        free(sn->wards[i].code);
        free(sn->wards[i].name);
    }
    for (size_t i = 0; i < sn->npats; i++) {
        struct s_pat *p = &sn->pats[i];
        free(p->adm);
        free(p->name);
        free(p->id);
        free(p->ward);
        free(p->bed);
        free(p->finding);
        free(p->found_at);
    }
    for (size_t i = 0; i < sn->nbeds; i++) {
        struct s_bed *b = &sn->beds[i];
        free(b->ward);
        free(b->bed);
        free(b->listed);
        free(b->identified);
        free(b->finding);
    }
    sn->nwards = sn->npats = sn->nbeds = sn->nscans = 0;
    sn->cur_ward[0] = sn->cur_bed[0] = '\0';
}

static void snap_free(struct snapshot *sn)
{
    snap_clear(sn);
    free(sn->wards);
    free(sn->pats);
    free(sn->beds);
    free(sn->scans);
    memset(sn, 0, sizeof(*sn));
}

#define GROW(arr, n, cap)                                        \
    do {                                                         \
        if ((n) == (cap)) {                                      \
            (cap) = (cap) ? (cap)*2 : 32;                        \
            (arr) = xreallocarray((arr), (cap), sizeof(*(arr))); \
        }                                                        \
    } while (0)

static int snap_ward_cb(const struct roster_ward *w, void *ctx)
{
    struct snapshot *sn = ctx;

    GROW(sn->wards, sn->nwards, sn->wcap);
    sn->wards[sn->nwards].code = xstrdup(w->ward_code);
    sn->wards[sn->nwards].name = xstrdup(w->ward);
    sn->wards[sn->nwards].bed_count = w->bed_count;
    sn->wards[sn->nwards].listed = w->listed;
    sn->nwards++;
    return 0;
}

static int snap_pat_cb(const struct night_patient *p, void *ctx)
{
    struct snapshot *sn = ctx;
    struct s_pat *q;

    GROW(sn->pats, sn->npats, sn->pcap);
    q = &sn->pats[sn->npats++];
    q->adm = xstrdup(p->admission_no);
    q->name = xstrdup(p->name);
    q->id = xstrdup(p->id_number);
    q->ward = xstrdup(p->ward_code);
    q->bed = xstrdup(p->bed);
    q->finding = xstrdup(p->finding);
    q->found_at = xstrdup(p->found_at);
    return 0;
}

static int snap_bed_cb(const struct night_bed *b, void *ctx)
{
    struct snapshot *sn = ctx;
    struct s_bed *q;

    GROW(sn->beds, sn->nbeds, sn->bcap);
    q = &sn->beds[sn->nbeds++];
    q->ward = xstrdup(b->ward_code);
    q->bed = xstrdup(b->bed);
    q->listed = xstrdup(b->listed);
    q->identified = xstrdup(b->identified);
    q->finding = xstrdup(b->finding);
    q->no_band = b->no_wristband;
    q->no_id = b->no_id;
    q->exam = b->exam;
    q->scans = b->scans;
    return 0;
}

static int snap_scan_cb(const struct night_scan_row *r, void *ctx)
{
    struct snapshot *sn = ctx;
    struct ui_scan_row *o;

    GROW(sn->scans, sn->nscans, sn->scap);
    o = &sn->scans[sn->nscans++];
    memset(o, 0, sizeof(*o));
    snprintf(o->event_id, sizeof(o->event_id), "%s", r->event_id);
    o->seq = (long long)r->seq;
    o->at_ms = r->at_ms;
    snprintf(o->code, sizeof(o->code), "%s", r->code);
    snprintf(o->verdict, sizeof(o->verdict), "%s", r->verdict);
    if (r->bed[0])
        snprintf(o->bed, sizeof(o->bed), "%s-%s", r->ward_code, r->bed);
    o->voided = r->voided;
    o->amended = r->amended;
    o->severity = severity_of(r->verdict);
    /* the current bed is the bed of the last counted scan that has one */
    if (!r->voided && r->bed[0] && strcmp(r->verdict, "DUPLICATE_SCAN")) {
        snprintf(sn->cur_ward, sizeof(sn->cur_ward), "%s", r->ward_code);
        snprintf(sn->cur_bed, sizeof(sn->cur_bed), "%s", r->bed);
    }
    return 0;
}

/* --- engine and visits ------------------------------------------------- */

static void tui_changed(struct tui *t)
{
    t->gen++;
    t->status_ok = 0;
}

static void tui_changed_cb(void *ctx)
{
    tui_changed(ctx);
}

static void tui_close_engine(struct tui *t)
{
    night_free(t->night);
    t->night = NULL;
    t->night_visit[0] = '\0';
    t->have_snap = 0;
}

/* Opens the night engine on visit_id (attaching its mission) unless it is
 * already open on it. */
static int tui_night(struct tui *t, const char *visit_id, struct fc_error *err)
{
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    if (t->night && !strcmp(t->night_visit, visit_id)) {
        /* the pharmacy or flight screens may have attached another mission
         * since: the engine's statements must read its own */
        const struct visit *nv = night_visit(t->night);
        return mission_attach(t->s, nv->mission_id, nv->mission_version, err);
    }
    tui_close_engine(t);
    rc = visit_resolve(t->s, visit_id, &v, err);
    if (!rc)
        rc = mission_attach(t->s, v.mission_id, v.mission_version, err);
    if (!rc)
        rc = night_open(t->s, v.id, &t->night, err);
    if (!rc)
        snprintf(t->night_visit, sizeof(t->night_visit), "%s", v.id);
    visit_release(&v);
    return rc;
}

static int tui_snapshot(struct tui *t, const char *visit_id, struct fc_error *err)
{
    int rc = tui_night(t, visit_id, err);

    if (rc)
        return rc;
    if (t->have_snap && t->snap.gen == t->gen)
        return 0;
    snap_clear(&t->snap);
    t->have_snap = 0;
    rc = roster_foreach_ward(t->s, night_visit(t->night)->site_code, snap_ward_cb, &t->snap, err);
    if (!rc)
        rc = night_foreach_patient(t->night, snap_pat_cb, &t->snap, err);
    if (!rc)
        rc = night_foreach_bed(t->night, snap_bed_cb, &t->snap, err);
    if (!rc)
        rc = night_foreach_scan(t->night, snap_scan_cb, &t->snap, err);
    if (rc)
        return rc;
    t->snap.gen = t->gen;
    t->have_snap = 1;
    return 0;
}

static const char *site_name(struct tui *t, const char *code)
{
    struct buf key = BUF_INIT, name = BUF_INIT;
    const char *hit;
    size_t off;

    buf_addf(&key, "%s\t", code);
    for (off = 0; off < t->names.len; off += strcspn(t->names.ptr + off, "\n") + 1) {
        if (!strncmp(t->names.ptr + off, key.ptr, key.len)) {
            buf_release(&key);
            return t->names.ptr + off + strlen(code) + 1;
        }
    }
    if (mission_find_site(t->s, code, NULL, &name, NULL, NULL) || !name.len)
        buf_adds(&name, code);
    buf_addf(&t->names, "%s\t%s\n", code, name.ptr);
    hit = NULL;
    for (off = 0; off < t->names.len; off += strcspn(t->names.ptr + off, "\n") + 1)
        if (!strncmp(t->names.ptr + off, key.ptr, key.len))
            hit = t->names.ptr + off + strlen(code) + 1;
    buf_release(&key);
    buf_release(&name);
    return hit ? hit : code;
}

/* Copies up to the tab or newline that ends a cached name. */
static void copy_name(char *out, size_t cap, const char *s)
{
    size_t n = strcspn(s, "\n");
    snprintf(out, cap, "%.*s", (int)n, s);
}

/* --- home model -------------------------------------------------------- */

struct emit_ctx {
    struct tui *t;
    void *ctx;
    void (*mission)(void *ctx, const struct ui_mission_row *row);
    void (*visit)(void *ctx, const struct ui_visit_row *row);
    void (*site)(void *ctx, const struct ui_site_row *row);
    const char *mission_id;
    /* scans per visit */
    struct buf counts;
};

static int mission_cb(const struct mission_info *m, void *ctx)
{
    struct emit_ctx *e = ctx;
    struct ui_mission_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.id, sizeof(r.id), "%s", m->mission_id);
    snprintf(r.title, sizeof(r.title), "%s", m->title);
    r.version = (int)m->version;
    snprintf(r.kind, sizeof(r.kind), "%s", m->kind);
    snprintf(r.kind_label, sizeof(r.kind_label), "%s",
             workflow_find(m->kind) ? workflow_short(workflow_find(m->kind))
                                    : ui_tr("mixed", "综合"));
    e->mission(e->ctx, &r);
    return 0;
}

static int list_missions(void *user, void (*emit)(void *, const struct ui_mission_row *), void *ctx,
                         struct fc_error *err)
{
    struct emit_ctx e = {.t = user, .ctx = ctx, .mission = emit};
    return mission_foreach(((struct tui *)user)->s, mission_cb, &e, err);
}

static int count_scan_cb(const struct event *ev, void *ctx)
{
    struct buf *b = ctx;

    if (ev->visit && !strcmp(ev->kind, "scan"))
        buf_addf(b, "%s\n", ev->visit);
    return 0;
}

static long count_lines(const struct buf *b, const char *id)
{
    size_t n = strlen(id);
    long c = 0;

    for (size_t off = 0; off < b->len; off += strcspn(b->ptr + off, "\n") + 1)
        if (!strncmp(b->ptr + off, id, n) && b->ptr[off + n] == '\n')
            c++;
    return c;
}

/* The UI's screen family for a workflow's screen. */
static enum ui_visit_screen ui_screen_of(const struct workflow *wf)
{
    switch (wf->screen) {
    case WORKFLOW_SCREEN_BEDS: return UI_SCREEN_BEDS;
    case WORKFLOW_SCREEN_COUNT: return UI_SCREEN_COUNT;
    case WORKFLOW_SCREEN_WORKSHEET: return UI_SCREEN_WORKSHEET;
    case WORKFLOW_SCREEN_GENERIC: break;
    }
    return UI_SCREEN_GENERIC;
}

static int visit_cb(const struct visit *v, void *ctx)
{
    struct emit_ctx *e = ctx;
    const struct workflow *wf;
    struct ui_visit_row r;
    int64_t ms = 0;

    memset(&r, 0, sizeof(r));
    snprintf(r.id, sizeof(r.id), "%s", v->id);
    copy_name(r.site, sizeof(r.site), site_name(e->t, v->site_code));
    snprintf(r.kind, sizeof(r.kind), "%s", v->kind);
    wf = workflow_find(v->kind);
    if (wf) {
        snprintf(r.kind_label, sizeof(r.kind_label), "%s", workflow_short(wf));
        r.screen = ui_screen_of(wf);
    }
    r.is_open = !v->closed_at[0];
    if (!clock_parse(v->opened_at, &ms))
        r.opened_ms = ms;
    ms = 0;
    if (v->closed_at[0] && !clock_parse(v->closed_at, &ms))
        r.closed_ms = ms;
    r.scans = count_lines(&e->counts, v->id);
    if (e->t->have_snap && !strcmp(e->t->night_visit, v->id))
        for (size_t i = 0; i < e->t->snap.nbeds; i++)
            r.anomalies += night_is_anomaly(e->t->snap.beds[i].finding);
    e->visit(e->ctx, &r);
    return 0;
}

static int list_visits(void *user, void (*emit)(void *, const struct ui_visit_row *), void *ctx,
                       struct fc_error *err)
{
    struct emit_ctx e = {.t = user, .ctx = ctx, .visit = emit};
    int rc;

    buf_init(&e.counts);
    rc = event_foreach(e.t->s, NULL, 0, count_scan_cb, &e.counts, err);
    if (!rc)
        rc = visit_foreach(e.t->s, visit_cb, &e, err);
    buf_release(&e.counts);
    return rc;
}

static int open_visit(void *user, const char *visit_id, struct fc_error *err)
{
    struct tui *t = user;
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = visit_resolve(t->s, visit_id, &v, err);
    if (rc)
        goto out;
    if (v.closed_at[0]) {
        rc = fc_error_set(err, FC_ESTATE,
                          "cannot open visit '%s': it is closed (see 'fieldcheck visit show')",
                          visit_id);
        goto out;
    }
    if (workflow_find(v.kind) && workflow_find(v.kind)->screen == WORKFLOW_SCREEN_BEDS)
        rc = tui_night(t, v.id, err);
    t->status_ok = 0;
out:
    visit_release(&v);
    return rc;
}

static int site_cb(const struct roster_site *s, void *ctx)
{
    struct emit_ctx *e = ctx;
    struct ui_site_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.code, sizeof(r.code), "%s", s->site_code);
    snprintf(r.name, sizeof(r.name), "%s", s->site_name);
    snprintf(r.kind, sizeof(r.kind), "%s", s->site_kind);
    snprintf(r.mission, sizeof(r.mission), "%s", e->mission_id);
    e->site(e->ctx, &r);
    return 0;
}

static int mission_sites_cb(const struct mission_info *m, void *ctx)
{
    struct emit_ctx *e = ctx;
    struct fc_error err;

    fc_error_clear(&err);
    /* a mission whose file is gone lists no sites; the others still do */
    if (mission_attach(e->t->s, m->mission_id, m->version, &err))
        return 0;
    e->mission_id = m->mission_id;
    return roster_foreach_site(e->t->s, site_cb, e, &err);
}

static int list_sites(void *user, void (*emit)(void *, const struct ui_site_row *), void *ctx,
                      struct fc_error *err)
{
    struct emit_ctx e = {.t = user, .ctx = ctx, .site = emit};

    /* attaching each mission in turn detaches the engine's: reopen later */
    tui_close_engine(e.t);
    return mission_foreach(e.t->s, mission_sites_cb, &e, err);
}

struct kinds_ctx {
    void (*emit)(void *ctx, const struct ui_kind_row *row);
    void *ctx;
};

static int kind_cb(const struct workflow *wf, void *ctx)
{
    struct kinds_ctx *k = ctx;
    struct ui_kind_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.kind, sizeof(r.kind), "%s", wf->kind);
    snprintf(r.label, sizeof(r.label), "%s", workflow_short(wf));
    snprintf(r.site_kind, sizeof(r.site_kind), "%s", wf->site_kind ? wf->site_kind : "");
    k->emit(k->ctx, &r);
    return 0;
}

static int list_kinds(void *user, void (*emit)(void *, const struct ui_kind_row *), void *ctx,
                      struct fc_error *err)
{
    struct kinds_ctx k = {emit, ctx};

    (void)user;
    (void)err;
    return workflow_foreach(kind_cb, &k);
}

static int new_visit(void *user, const struct ui_new_visit *nv, char visit_id[64],
                     struct fc_error *err)
{
    struct tui *t = user;
    struct visit_open_args a;
    struct mission_info m;
    struct buf name = BUF_INIT;
    struct visit v;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&v, 0, sizeof(v));
    rc = mission_find_site(t->s, nv->site, &m, &name, NULL, err);
    if (rc)
        goto out;
    a.mission_id = m.mission_id;
    a.mission_version = m.version;
    a.mission_sha256 = m.sha256;
    a.site_code = nv->site;
    a.site_name = name.ptr;
    a.kind = nv->kind;
    a.inspectors[0] = nv->inspector1;
    a.inspectors[1] = nv->inspector2;
    a.credentials_shown = nv->credentials_shown;
    a.at_ms = clock_now_ms();
    rc = visit_open(t->s, &a, &v, err);
    if (rc)
        goto out;
    snprintf(visit_id, 64, "%s", v.id);
    tui_changed(t);
    if (workflow_find(v.kind) && workflow_find(v.kind)->screen == WORKFLOW_SCREEN_BEDS)
        rc = tui_night(t, v.id, err);
out:
    visit_release(&v);
    buf_release(&name);
    return rc;
}

/* --- scans and status -------------------------------------------------- */

static int tui_scan(void *user, const char *visit_id, const char *code, enum ui_scan_how how,
                    struct ui_verdict *out, struct fc_error *err)
{
    const struct workflow *wf;
    struct tui *t = user;
    struct night_result r;
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    memset(out, 0, sizeof(*out));
    rc = visit_resolve(t->s, visit_id, &v, err);
    if (rc == FC_ENOTFOUND || (!rc && !visit_id && v.closed_at[0])) {
        out->severity = UI_SEV_WARN;
        snprintf(out->verdict, sizeof(out->verdict), "NOT_RECORDED");
        snprintf(
            out->message, sizeof(out->message), "%s",
            ui_tr("no visit is open: the code was not recorded", "没有进行中的检查，未记录此码"));
        rc = 0;
        goto out;
    }
    if (rc)
        goto out;
    wf = workflow_find(v.kind);
    if (wf && wf->screen == WORKFLOW_SCREEN_COUNT) {
        rc = tui_pharmacy_scan(t->ph, v.id, code, how, out, err);
        goto out;
    }
    if (!wf || wf->screen != WORKFLOW_SCREEN_BEDS) {
        out->severity = UI_SEV_WARN;
        snprintf(out->verdict, sizeof(out->verdict), "NOT_RECORDED");
        snprintf(out->message, sizeof(out->message), "%s",
                 ui_tr("not yet in the TUI - use the CLI: fieldcheck scan CODE",
                       "终端界面暂不支持此类检查，请用命令行：fieldcheck scan 码"));
        goto out;
    }
    rc = tui_night(t, v.id, err);
    if (!rc)
        rc = night_scan(t->night, code, strlen(code), how == UI_SCAN_BURST ? "burst" : "typed",
                        clock_now_ms(), &r, err);
    if (rc)
        goto out;
    tui_changed(t);
    verdict_from_result(&r, out);
out:
    visit_release(&v);
    return rc;
}

static int inspectors_cb(const struct visit *v, struct buf *out)
{
    json_error_t jerr;
    json_t *a = json_loads(v->inspectors_json ? v->inspectors_json : "[]", 0, &jerr);
    size_t i;
    json_t *it;

    json_array_foreach(a, i, it)
    {
        if (json_is_string(it))
            buf_addf(out, "%s%s", out->len ? ", " : "", json_string_value(it));
    }
    json_decref(a);
    return 0;
}

static void tui_status(void *user, struct ui_status *st)
{
    struct tui *t = user;
    struct visit v;
    struct buf insp = BUF_INIT;
    int64_t unsynced = 0;

    /* the visit part changes only with visits and is cached; the unsynced
     * count changes with every event any screen records, so it is re-read at
     * each redraw (one indexed range count) */
    if (!t->status_ok) {
        memset(&v, 0, sizeof(v));
        memset(&t->status, 0, sizeof(t->status));
        if (!visit_resolve(t->s, NULL, &v, NULL) && !v.closed_at[0]) {
            char name[160];
            copy_name(name, sizeof(name), site_name(t, v.site_code));
            snprintf(t->status.visit, sizeof(t->status.visit), "%.8s %s", v.id, name);
            inspectors_cb(&v, &insp);
            snprintf(t->status.inspectors, sizeof(t->status.inspectors), "%s", insp.ptr);
        }
        t->status_ok = 1;
        visit_release(&v);
        buf_release(&insp);
    }
    t->status.unsynced = syncdb_unsynced_count(t->s, &unsynced, NULL) ? -1 : (long)unsynced;
    *st = t->status;
}

/* --- night model ------------------------------------------------------- */

static int bed_cmp(const char *a, const char *b)
{
    long na = strtol(a, NULL, 10), nb = strtol(b, NULL, 10);

    if (na != nb)
        return na < nb ? -1 : 1;
    return strcmp(a, b);
}

struct bed_build {
    struct ui_bed_row *rows;
    size_t n, cap;
};

static struct ui_bed_row *bed_get(struct bed_build *bb, const char *ward, const char *bed)
{
    struct ui_bed_row *r;

    for (size_t i = 0; i < bb->n; i++)
        if (!strcmp(bb->rows[i].bed, bed))
            return &bb->rows[i];
    GROW(bb->rows, bb->n, bb->cap);
    r = &bb->rows[bb->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->ward_code, sizeof(r->ward_code), "%s", ward);
    snprintf(r->bed, sizeof(r->bed), "%s", bed);
    return r;
}

static int bed_row_cmp(const void *a, const void *b)
{
    return bed_cmp(((const struct ui_bed_row *)a)->bed, ((const struct ui_bed_row *)b)->bed);
}

/* Every bed of one ward: approved beds 1..bed_count, beds the roster lists
 * (extra beds "12+") and beds scanned, with the masked listed patient. */
static void build_beds(const struct snapshot *sn, const struct s_ward *w, struct bed_build *bb)
{
    struct buf m = BUF_INIT;
    char num[24];

    bb->n = 0;
    for (int64_t i = 1; i <= w->bed_count && i <= 100000; i++) {
        snprintf(num, sizeof(num), "%lld", (long long)i);
        bed_get(bb, w->code, num);
    }
    for (size_t i = 0; i < sn->npats; i++) {
        const struct s_pat *p = &sn->pats[i];
        struct ui_bed_row *r;
        if (strcmp(p->ward, w->code))
            continue;
        r = bed_get(bb, w->code, p->bed);
        buf_reset(&m);
        mask_name(&m, p->name);
        if (r->patient[0]) {
            size_t l = strlen(r->patient);
            snprintf(r->patient + l, sizeof(r->patient) - l, ",%s", m.ptr);
            continue;
        }
        snprintf(r->patient, sizeof(r->patient), "%s", m.ptr);
        buf_reset(&m);
        mask_id(&m, p->id);
        snprintf(r->patient_id, sizeof(r->patient_id), "%s", m.ptr);
        snprintf(r->admission_no, sizeof(r->admission_no), "%s", p->adm);
    }
    for (size_t i = 0; i < sn->nbeds; i++) {
        const struct s_bed *b = &sn->beds[i];
        struct ui_bed_row *r;
        if (strcmp(b->ward, w->code))
            continue;
        r = bed_get(bb, w->code, b->bed);
        snprintf(r->finding, sizeof(r->finding), "%s", b->finding);
        snprintf(r->identified, sizeof(r->identified), "%s", b->identified);
        snprintf(r->marks, sizeof(r->marks), "%s%s%s", b->no_band ? "NO_WRISTBAND " : "",
                 b->no_id ? "NO_ID " : "", b->exam ? "EXAM" : "");
        r->severity = severity_of(b->finding);
        r->scans = (long)b->scans;
    }
    qsort(bb->rows, bb->n, sizeof(*bb->rows), bed_row_cmp);
    buf_release(&m);
}

static int list_wards(void *user, const char *visit_id,
                      void (*emit)(void *, const struct ui_ward_row *), void *ctx,
                      struct fc_error *err)
{
    struct tui *t = user;
    struct bed_build bb = {NULL, 0, 0};
    int rc = tui_snapshot(t, visit_id, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < t->snap.nwards; i++) {
        const struct s_ward *w = &t->snap.wards[i];
        struct ui_ward_row r;

        memset(&r, 0, sizeof(r));
        snprintf(r.code, sizeof(r.code), "%s", w->code);
        snprintf(r.name, sizeof(r.name), "%s", w->name);
        r.listed = (int)w->listed;
        build_beds(&t->snap, w, &bb);
        r.beds = (int)bb.n;
        for (size_t b = 0; b < bb.n; b++) {
            r.visited += bb.rows[b].finding[0] != '\0';
            r.anomalies += bb.rows[b].finding[0] && night_is_anomaly(bb.rows[b].finding);
        }
        emit(ctx, &r);
    }
    free(bb.rows);
    return 0;
}

static int list_beds(void *user, const char *visit_id, const char *ward_code,
                     void (*emit)(void *, const struct ui_bed_row *), void *ctx,
                     struct fc_error *err)
{
    struct tui *t = user;
    struct bed_build bb = {NULL, 0, 0};
    int rc = tui_snapshot(t, visit_id, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < t->snap.nwards; i++) {
        if (strcmp(t->snap.wards[i].code, ward_code))
            continue;
        build_beds(&t->snap, &t->snap.wards[i], &bb);
        for (size_t b = 0; b < bb.n; b++)
            emit(ctx, &bb.rows[b]);
    }
    free(bb.rows);
    return 0;
}

static int list_patients(void *user, const char *visit_id,
                         void (*emit)(void *, const struct ui_patient_row *), void *ctx,
                         struct fc_error *err)
{
    struct tui *t = user;
    struct buf m = BUF_INIT;
    int rc = tui_snapshot(t, visit_id, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < t->snap.npats; i++) {
        const struct s_pat *p = &t->snap.pats[i];
        struct ui_patient_row r;

        memset(&r, 0, sizeof(r));
        snprintf(r.admission_no, sizeof(r.admission_no), "%s", p->adm);
        buf_reset(&m);
        mask_name(&m, p->name);
        snprintf(r.name, sizeof(r.name), "%s", m.ptr);
        buf_reset(&m);
        mask_id(&m, p->id);
        snprintf(r.id_number, sizeof(r.id_number), "%s", m.ptr);
        snprintf(r.ward_code, sizeof(r.ward_code), "%s", p->ward);
        snprintf(r.bed, sizeof(r.bed), "%s", p->bed);
        snprintf(r.finding, sizeof(r.finding), "%s", p->finding);
        snprintf(r.found_at, sizeof(r.found_at), "%s", p->found_at);
        r.severity = severity_of(p->finding);
        emit(ctx, &r);
    }
    buf_release(&m);
    return 0;
}

static int list_scans(void *user, const char *visit_id,
                      void (*emit)(void *, const struct ui_scan_row *), void *ctx,
                      struct fc_error *err)
{
    struct tui *t = user;
    int rc = tui_snapshot(t, visit_id, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < t->snap.nscans; i++)
        emit(ctx, &t->snap.scans[i]);
    return 0;
}

static int current_bed(void *user, const char *visit_id, char ward_code[32], char bed[16],
                       struct fc_error *err)
{
    struct tui *t = user;
    int rc = tui_snapshot(t, visit_id, err);

    ward_code[0] = bed[0] = '\0';
    if (rc)
        return rc;
    snprintf(ward_code, 32, "%s", t->snap.cur_ward);
    snprintf(bed, 16, "%s", t->snap.cur_bed);
    return 0;
}

/* The default bed label (core/refdb.h): "<ward_code>-<bed>", bed number
 * without leading zeros. */
static void bed_code(void *user, const char *ward_code, const char *bed, char *out, size_t cap)
{
    char norm[SCAN_REF_MAX];

    (void)user;
    if (scan_bed_normalise(bed, norm))
        snprintf(norm, sizeof(norm), "%s", bed);
    snprintf(out, cap, "%s-%s", ward_code, norm);
}

static int correct(void *user, const char *visit_id, const char *event_id, const char *reason,
                   const char *new_code, struct ui_verdict *out, struct fc_error *err)
{
    struct tui *t = user;
    struct night_result r;
    int rc = tui_night(t, visit_id, err);

    if (rc)
        return rc;
    if (new_code && *new_code)
        rc = night_amend(t->night, event_id, new_code, reason, clock_now_ms(), &r, err);
    else
        rc = night_void(t->night, event_id, reason, clock_now_ms(), &r, err);
    if (rc)
        return rc;
    tui_changed(t);
    verdict_from_result(&r, out);
    return 0;
}

/* --- close model ------------------------------------------------------- */

static enum ui_severity ui_severity_of(enum verdict_severity sev)
{
    switch (sev) {
    case VERDICT_SEV_OK: return UI_SEV_OK;
    case VERDICT_SEV_WARN: return UI_SEV_WARN;
    case VERDICT_SEV_ANOMALY: return UI_SEV_ANOMALY;
    case VERDICT_SEV_NONE: break;
    }
    return UI_SEV_NONE;
}

static int sections(void *user, const char *visit_id, struct ui_close_section out[2],
                    struct fc_error *err)
{
    struct tui *t = user;
    const struct workflow *wf = NULL;
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = visit_resolve(t->s, visit_id, &v, err);
    if (!rc)
        rc = workflow_of_visit(&v, &wf, err);
    for (int i = 0; !rc && i < 2 && wf->groups && wf->groups[i].name; i++) {
        snprintf(out[i].group, sizeof(out[i].group), "%s", wf->groups[i].name);
        snprintf(out[i].title, sizeof(out[i].title), "%s",
                 ui_tr(wf->groups[i].label_en, wf->groups[i].label_zh));
    }
    visit_release(&v);
    return rc;
}

struct summary_ctx {
    const struct workflow_group *group;
    void (*emit)(void *ctx, const struct ui_count_row *row);
    void *ctx;
};

static int summary_row(const struct workflow_count *c, void *ctx)
{
    struct summary_ctx *sc = ctx;
    struct ui_count_row r;
    char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX];

    memset(&r, 0, sizeof(r));
    snprintf(r.name, sizeof(r.name), "%s", c->key ? c->key : verdict_label(c->verdict));
    r.count = (long)c->count;
    r.severity = ui_severity_of(c->verdict->severity);
    money_text(c->amount_fen, a);
    money_text(c->fund_loss_fen, b);
    if (sc->group && sc->group->money == WORKFLOW_MONEY_AMOUNT_LOSS)
        snprintf(r.amount, sizeof(r.amount), "%s / %s", a, b);
    else if (sc->group && sc->group->money == WORKFLOW_MONEY_AMOUNT)
        snprintf(r.amount, sizeof(r.amount), "%s", a);
    sc->emit(sc->ctx, &r);
    return 0;
}

static int summary(void *user, const char *visit_id, const char *group,
                   void (*emit)(void *, const struct ui_count_row *), void *ctx,
                   struct fc_error *err)
{
    struct tui *t = user;
    const struct workflow *wf = NULL;
    struct summary_ctx sc = {NULL, emit, ctx};
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    /* attaching the visit's mission detaches the engine's: reopen later */
    tui_close_engine(t);
    rc = workflow_attach(t->s, visit_id, &v, &wf, err);
    if (!rc) {
        sc.group = workflow_group(wf, group);
        rc = workflow_summary(t->s, &v, wf, group, summary_row, &sc, err);
    }
    visit_release(&v);
    return rc;
}

static int close_visit(void *user, const char *visit_id, char code[16], struct fc_error *err)
{
    struct tui *t = user;
    struct visit v;
    char sc[VISIT_SHORT_CODE_LEN + 1];
    int rc;

    memset(&v, 0, sizeof(v));
    rc = visit_close(t->s, visit_id, clock_now_ms(), &v, err);
    if (!rc) {
        visit_short_code(v.checkpoint, sc);
        snprintf(code, 16, "%s", sc);
        tui_changed(t);
        tui_close_engine(t);
    }
    visit_release(&v);
    return rc;
}

/* --- entry ------------------------------------------------------------- */

static const struct ui_home_model home_model = {
    .list_missions = list_missions,
    .list_visits = list_visits,
    .open_visit = open_visit,
    .list_sites = list_sites,
    .list_kinds = list_kinds,
    .new_visit = new_visit,
};

static const struct ui_night_model night_model = {
    .list_wards = list_wards,
    .list_beds = list_beds,
    .list_patients = list_patients,
    .list_scans = list_scans,
    .current_bed = current_bed,
    .bed_code = bed_code,
    .correct = correct,
};

/* The signed checkpoint of a closed visit as QR text rows for the close
 * screen; NULL when the device has no keys (the short code still shows). */
static const char *const *checkpoint_qr(void *user, const char *visit_id)
{
    struct tui *t = user;
    struct buf code = BUF_INIT;
    struct qr_matrix m;
    struct visit v;
    size_t n = 0;
    char *p;

    free(t->qr_rows);
    t->qr_rows = NULL;
    buf_reset(&t->qr_text);
    memset(&v, 0, sizeof(v));
    memset(&m, 0, sizeof(m));
    if (visit_resolve(t->s, visit_id, &v, NULL) == FC_OK &&
        checkpoint_make(t->s, &v, &code, NULL) == FC_OK && qr_encode(code.ptr, &m, NULL) == FC_OK)
        qr_render_text(&m, QR_QUIET, QR_TEXT_PLAIN, &t->qr_text);
    qr_matrix_release(&m);
    visit_release(&v);
    buf_release(&code);
    if (!t->qr_text.len)
        return NULL;
    for (p = t->qr_text.ptr; *p; p++)
        n += *p == '\n';
    t->qr_rows = xcalloc(n + 2, sizeof(*t->qr_rows));
    n = 0;
    for (p = t->qr_text.ptr; *p;) {
        char *nl = strchr(p, '\n');
        t->qr_rows[n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    t->qr_rows[n] = "";
    return (const char *const *)t->qr_rows;
}

static const struct ui_close_model close_model = {
    .sections = sections,
    .summary = summary,
    .close = close_visit,
    .checkpoint_qr = checkpoint_qr,
};

int app_tui_run(struct app *app, const char *theme)
{
    struct tui t;
    struct ui_app ua;
    struct visit v;
    struct tui_flight *tf = NULL;
    int rc;

    memset(&t, 0, sizeof(t));
    memset(&ua, 0, sizeof(ua));
    memset(&v, 0, sizeof(v));
    buf_init(&t.names);
    buf_init(&t.qr_text);
    t.app = app;
    t.s = app_store(app);
    if (!t.s)
        return app_fail(app, app->err.code);
    ua.home = &home_model;
    ua.night = &night_model;
    ua.close = &close_model;
    tf = tui_flight_new(t.s);
    ua.flight = tui_flight_model(tf);
    t.ph = tui_pharmacy_new(t.s, tui_changed_cb, &t);
    ua.pharmacy = tui_pharmacy_model(t.ph);
    ua.scan = tui_scan;
    ua.status = tui_status;
    ua.user = &t;
    ua.theme = theme;
    ua.start = UI_START_HOME;
    if (!visit_resolve(t.s, NULL, &v, NULL) && !v.closed_at[0]) {
        ua.start = UI_START_VISIT;
        ua.start_visit = v.id;
    }
    rc = ui_run(&ua, &app->err);
    tui_flight_free(tf);
    visit_release(&v);
    tui_close_engine(&t);
    tui_pharmacy_free(t.ph);
    snap_free(&t.snap);
    buf_release(&t.names);
    buf_release(&t.qr_text);
    free(t.qr_rows);
    return rc ? app_fail(app, rc) : 0;
}

int app_tui_possible(void)
{
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

int cmd_tui(struct app *app, int argc, char **argv)
{
    const char *theme = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--theme") && i + 1 < argc) {
            theme = argv[++i];
        } else {
            fprintf(stderr, _("fieldcheck: tui: unknown argument '%s'\n"), argv[i]);
            return 1;
        }
    }
    return app_tui_run(app, theme);
}
