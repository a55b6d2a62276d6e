/* fieldcheck tui, the shared part (app/tui/tui.h): the home screen's
 * missions, visits and new-visit form, the status line, the scan dispatch,
 * the close model and the run loop. What differs by workflow lives in the
 * adapters, found by screen family in the table below; everything a visit
 * says about itself (its kind's label, its screen, its anomalies, its close
 * summary) comes from the workflow registry and its catalogue. */
#include "app/tui/tui.h"

#include "app/commands.h"
#include "app/term.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/money.h"
#include "core/base/xalloc.h"
#include "core/demo_codes.h"
#include "core/ident/scan.h"
#include "core/mission/mission.h"
#include "core/mission/roster.h"
#include "core/report/qr.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "core/visit/activity.h"
#include "core/visit/visit.h"
#include "sync/receipt.h"
#include "ui/i18n.h"
#include "ui/log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The adapters by screen family. A family without a row gets the generic
 * visit screen, where its workflow's engine still takes scans. */
static const struct tui_adapter *const adapters[] = {
    &tui_night_adapter,
    &tui_pharmacy_adapter,
    &tui_flight_adapter,
};
#define N_ADAPTERS (sizeof(adapters) / sizeof(adapters[0]))

/* The home screen's anomaly count of one visit, kept while the visit's
 * last event stays the same. */
struct anomaly_cache {
    char visit[40];
    int64_t last_seq;
    long anomalies;
};

struct tui {
    struct app *app;
    struct store *s;
    void *ad[N_ADAPTERS];
    struct tui_usb *usb;
    struct tui_records *records;
    struct tui_team *team;
    struct tui_draw *draw;

    /* the shared engine session (tui_session) */
    struct workflow_session ws;
    struct visit ws_visit;
    int have_ws;

    /* status line: the visit part is cached until a change */
    int status_ok;
    struct ui_status status;
    struct buf names; /* site names by code: "code\tname\n" lines */

    struct anomaly_cache *ac;
    size_t nac, acap;

    struct tui_qr qr; /* the checkpoint QR of the close screen */
};

static int adapter_index(const struct workflow *wf)
{
    for (size_t i = 0; wf && i < N_ADAPTERS; i++)
        if (adapters[i]->screen == wf->screen)
            return (int)i;
    return -1;
}

/* ---- services --------------------------------------------------------------- */

struct store *tui_store(struct tui *t)
{
    return t->s;
}

void tui_changed(struct tui *t)
{
    t->status_ok = 0;
}

int tui_visit(struct tui *t, const char *visit_id, struct visit *v, const struct workflow **wf,
              struct fc_error *err)
{
    const struct workflow *w = NULL;
    int rc;

    rc = workflow_attach(t->s, visit_id, v, &w, err);
    if (wf)
        *wf = w;
    return rc;
}

int tui_visit_kind(struct store *s, const char *visit_id, struct visit *v,
                   const struct workflow **wf, struct fc_error *err)
{
    int rc = visit_resolve(s, visit_id, v, err);

    *wf = NULL;
    return rc ? rc : workflow_of_visit(v, wf, err);
}

int tui_write_data_file(const char *dir, const char *name, const struct buf *data, char path[1024],
                        struct fc_error *err)
{
    struct buf file = BUF_INIT;
    int rc;

    fs_data_dir(&file);
    if (dir)
        buf_addf(&file, "/%s", dir);
    rc = fs_mkdir_p(file.ptr, 0700, err);
    buf_addf(&file, "/%s", name);
    if (!rc)
        rc = fs_write_atomic(file.ptr, data->ptr, data->len, 0600, err);
    if (!rc)
        snprintf(path, 1024, "%s", file.ptr);
    buf_release(&file);
    return rc;
}

void tui_session_close(struct tui *t)
{
    if (t->have_ws)
        workflow_close(&t->ws);
    visit_release(&t->ws_visit);
    memset(&t->ws, 0, sizeof(t->ws));
    t->have_ws = 0;
}

int tui_session(struct tui *t, const char *visit_id, struct workflow_session **ws,
                const struct visit **v, struct fc_error *err)
{
    struct visit cur;
    const struct workflow *wf = NULL;
    int rc;

    memset(&cur, 0, sizeof(cur));
    *ws = NULL;
    if (v)
        *v = NULL;
    rc = visit_resolve(t->s, visit_id, &cur, err);
    if (rc)
        goto out;
    if (!t->have_ws || strcmp(t->ws_visit.id, cur.id)) {
        tui_session_close(t);
        rc = workflow_attach(t->s, cur.id, &t->ws_visit, &wf, err);
        if (!rc)
            rc = workflow_open(t->s, &t->ws_visit, wf, &t->ws, err);
        if (rc) {
            visit_release(&t->ws_visit);
            goto out;
        }
        t->have_ws = 1;
    } else {
        /* another screen may have attached another mission since */
        rc = mission_attach(t->s, t->ws_visit.mission_id, t->ws_visit.mission_version, err);
        if (rc)
            goto out;
    }
    *ws = &t->ws;
    if (v)
        *v = &t->ws_visit;
out:
    visit_release(&cur);
    return rc;
}

enum ui_severity tui_severity(const struct verdict *v)
{
    switch (v ? v->severity : VERDICT_SEV_NONE) {
    case VERDICT_SEV_OK: return UI_SEV_OK;
    case VERDICT_SEV_WARN: return UI_SEV_WARN;
    case VERDICT_SEV_ANOMALY: return UI_SEV_ANOMALY;
    case VERDICT_SEV_NONE: break;
    }
    return UI_SEV_NONE;
}

const char *tui_label(const struct verdict *v, const char *code)
{
    const char *l = verdict_label(v);
    return l && *l ? l : code ? code : "";
}

void tui_verdict_from(const struct workflow_result *r, struct ui_verdict *out)
{
    memset(out, 0, sizeof(*out));
    out->severity = tui_severity(r->def);
    snprintf(out->verdict, sizeof(out->verdict), "%s", r->verdict);
    snprintf(out->label, sizeof(out->label), "%s", r->def ? tui_label(r->def, r->verdict) : "");
    snprintf(out->message, sizeof(out->message), "%s",
             r->message_local[0] ? r->message_local : r->message);
}

/* ---- site names ----------------------------------------------------------- */

static const char *site_name(struct tui *t, const char *code)
{
    struct buf key = BUF_INIT, name = BUF_INIT;
    const char *hit = NULL;

    buf_addf(&key, "%s\t", code);
    for (int pass = 0; pass < 2 && !hit; pass++) {
        for (size_t off = 0; off < t->names.len; off += strcspn(t->names.ptr + off, "\n") + 1)
            if (!strncmp(t->names.ptr + off, key.ptr, key.len))
                hit = t->names.ptr + off + key.len;
        if (!hit && !pass) {
            if (mission_find_site(t->s, code, NULL, &name, NULL, NULL) || !name.len)
                buf_adds(&name, code);
            buf_addf(&t->names, "%s%s\n", key.ptr, name.ptr);
        }
    }
    buf_release(&key);
    buf_release(&name);
    return hit ? hit : code;
}

/* Copies a cached name up to the newline that ends it. */
static void copy_name(char *out, size_t cap, const char *s)
{
    size_t n = strcspn(s, "\n");
    snprintf(out, cap, "%.*s", (int)n, s);
}

/* ---- home ------------------------------------------------------------------- */

struct missions_ctx {
    void (*emit)(void *ctx, const struct ui_mission_row *row);
    void *ctx;
};

static int mission_cb(const struct mission_info *m, void *ctx)
{
    struct missions_ctx *e = ctx;
    const struct workflow *wf = workflow_find(m->kind);
    struct ui_mission_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.id, sizeof(r.id), "%s", m->mission_id);
    snprintf(r.title, sizeof(r.title), "%s", m->title);
    r.version = (int)m->version;
    snprintf(r.kind, sizeof(r.kind), "%s", m->kind);
    snprintf(r.kind_label, sizeof(r.kind_label), "%s",
             wf ? workflow_short(wf) : ui_tr("mixed", "综合"));
    e->emit(e->ctx, &r);
    return 0;
}

static int list_missions(void *user, void (*emit)(void *, const struct ui_mission_row *), void *ctx,
                         struct fc_error *err)
{
    struct tui *t = user;
    struct missions_ctx e = {emit, ctx};

    return mission_foreach(t->s, mission_cb, &e, err);
}

static enum ui_visit_screen ui_screen_of(const struct workflow *wf)
{
    switch (wf ? wf->screen : WORKFLOW_SCREEN_GENERIC) {
    case WORKFLOW_SCREEN_BEDS: return UI_SCREEN_BEDS;
    case WORKFLOW_SCREEN_COUNT: return UI_SCREEN_COUNT;
    case WORKFLOW_SCREEN_WORKSHEET: return UI_SCREEN_WORKSHEET;
    case WORKFLOW_SCREEN_GENERIC: break;
    }
    return UI_SCREEN_GENERIC;
}

struct visits {
    struct ui_visit_row *rows;
    size_t n, cap;
    struct visit_activity *act; /* visit strings owned */
    size_t nact, acap;
};

static int activity_cb(const struct visit_activity *a, void *ctx)
{
    struct visits *vs = ctx;

    if (vs->nact == vs->acap) {
        vs->acap = vs->acap ? vs->acap * 2 : 16;
        vs->act = xreallocarray(vs->act, vs->acap, sizeof(*vs->act));
    }
    vs->act[vs->nact] = *a;
    vs->act[vs->nact].visit = xstrdup(a->visit);
    vs->nact++;
    return 0;
}

static const struct visit_activity *activity_of(const struct visits *vs, const char *id)
{
    size_t lo = 0, hi = vs->nact;

    /* in visit id order (visit_foreach_activity) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(vs->act[mid].visit, id);
        if (!c)
            return &vs->act[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

struct visit_ctx {
    struct tui *t;
    struct visits *vs;
};

static int visit_cb(const struct visit *v, void *ctx)
{
    struct visit_ctx *c = ctx;
    struct visits *vs = c->vs;
    const struct workflow *wf = workflow_find(v->kind);
    const struct visit_activity *a = activity_of(vs, v->id);
    struct ui_visit_row *r;
    int64_t ms = 0;

    if (vs->n == vs->cap) {
        vs->cap = vs->cap ? vs->cap * 2 : 16;
        vs->rows = xreallocarray(vs->rows, vs->cap, sizeof(*vs->rows));
    }
    r = &vs->rows[vs->n++];
    memset(r, 0, sizeof(*r));
    snprintf(r->id, sizeof(r->id), "%s", v->id);
    copy_name(r->site, sizeof(r->site), site_name(c->t, v->site_code));
    snprintf(r->kind, sizeof(r->kind), "%s", v->kind);
    if (wf)
        snprintf(r->kind_label, sizeof(r->kind_label), "%s", workflow_short(wf));
    r->screen = ui_screen_of(wf);
    r->is_open = !v->closed_at[0];
    if (!clock_parse(v->opened_at, &ms))
        r->opened_ms = ms;
    ms = 0;
    if (v->closed_at[0] && !clock_parse(v->closed_at, &ms))
        r->closed_ms = ms;
    r->scans = a ? (long)a->scans : 0;
    return 0;
}

/* The visit's anomalies from stored state (workflow_count_anomalies), read
 * again only when the visit has a new event. -1 when they cannot be read
 * (a mission file gone): the list says so rather than showing 0. */
static long visit_anomalies(struct tui *t, const char *id, int64_t last_seq)
{
    struct anomaly_cache *c = NULL;
    const struct workflow *wf = NULL;
    struct fc_error err;
    struct visit v;
    long n = 0;

    for (size_t i = 0; i < t->nac && !c; i++)
        if (!strcmp(t->ac[i].visit, id))
            c = &t->ac[i];
    if (c && c->last_seq == last_seq)
        return c->anomalies;
    memset(&v, 0, sizeof(v));
    fc_error_clear(&err);
    if (workflow_attach(t->s, id, &v, &wf, &err) ||
        workflow_count_anomalies(t->s, &v, wf, &n, &err)) {
        ui_logf("anomalies of visit %.8s: %s", id, err.msg);
        n = -1;
    }
    visit_release(&v);
    if (!c) {
        if (t->nac == t->acap) {
            t->acap = t->acap ? t->acap * 2 : 16;
            t->ac = xreallocarray(t->ac, t->acap, sizeof(*t->ac));
        }
        c = &t->ac[t->nac++];
        snprintf(c->visit, sizeof(c->visit), "%s", id);
    }
    c->last_seq = last_seq;
    c->anomalies = n;
    return n;
}

static int list_visits(void *user, void (*emit)(void *, const struct ui_visit_row *), void *ctx,
                       struct fc_error *err)
{
    struct tui *t = user;
    struct visits vs;
    struct visit_ctx c = {t, &vs};
    int rc;

    memset(&vs, 0, sizeof(vs));
    rc = visit_foreach_activity(t->s, activity_cb, &vs, err);
    if (!rc)
        rc = visit_foreach(t->s, visit_cb, &c, err);
    /* anomalies after the walk: reading them attaches each visit's mission */
    for (size_t i = 0; !rc && i < vs.n; i++) {
        const struct visit_activity *a = activity_of(&vs, vs.rows[i].id);
        vs.rows[i].anomalies = visit_anomalies(t, vs.rows[i].id, a ? a->last_seq : 0);
        emit(ctx, &vs.rows[i]);
    }
    for (size_t i = 0; i < vs.nact; i++)
        free((char *)vs.act[i].visit);
    free(vs.act);
    free(vs.rows);
    return rc;
}

static int open_visit(void *user, const char *visit_id, struct fc_error *err)
{
    struct tui *t = user;
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = visit_resolve(t->s, visit_id, &v, err);
    if (!rc && v.closed_at[0])
        rc = fc_error_set(err, FC_ESTATE,
                          "cannot open visit '%s': it is closed (see 'fieldcheck visit show')",
                          visit_id);
    t->status_ok = 0;
    visit_release(&v);
    return rc;
}

struct sites_ctx {
    struct tui *t;
    void (*emit)(void *ctx, const struct ui_site_row *row);
    void *ctx;
    const char *mission_id;
};

static int site_cb(const struct roster_site *s, void *ctx)
{
    struct sites_ctx *e = ctx;
    struct ui_site_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.code, sizeof(r.code), "%s", s->site_code);
    snprintf(r.name, sizeof(r.name), "%s", s->site_name);
    snprintf(r.kind, sizeof(r.kind), "%s", s->site_kind);
    snprintf(r.mission, sizeof(r.mission), "%s", e->mission_id);
    e->emit(e->ctx, &r);
    return 0;
}

static int mission_sites_cb(const struct mission_info *m, void *ctx)
{
    struct sites_ctx *e = ctx;
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
    struct sites_ctx e = {user, emit, ctx, NULL};

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
out:
    visit_release(&v);
    buf_release(&name);
    return rc;
}

struct tries_ctx {
    void (*emit)(void *ctx, const char *what, const char *code);
    void *ctx;
};

static int try_cb(const char *what_en, const char *what_zh, const char *code, void *ctx)
{
    struct tries_ctx *c = ctx;

    c->emit(c->ctx, ui_tr(what_en, what_zh), code);
    return 0;
}

/* The demo's codes to try (none for a real mission). */
static int list_try_codes(void *user, void (*emit)(void *ctx, const char *what, const char *code),
                          void *ctx, struct fc_error *err)
{
    struct tui *t = user;
    struct tries_ctx c = {emit, ctx};

    return demo_try_codes(t->s, try_cb, &c, err);
}

/* <data folder>/demo-codes.html: the codes as barcodes, to print. */
static int write_try_sheet(void *user, char path[1024], struct fc_error *err)
{
    struct tui *t = user;
    struct buf html = BUF_INIT;
    int rc = demo_codes_sheet(t->s, ui_lang_current() == UI_LANG_ZH, &html, err);

    path[0] = '\0';
    if (!rc)
        rc = tui_write_data_file(NULL, "demo-codes.html", &html, path, err);
    buf_release(&html);
    return rc;
}

static const struct ui_home_model home_model = {
    .list_missions = list_missions,
    .list_visits = list_visits,
    .open_visit = open_visit,
    .list_sites = list_sites,
    .list_kinds = list_kinds,
    .new_visit = new_visit,
    .list_try_codes = list_try_codes,
    .write_try_sheet = write_try_sheet,
};

/* ---- scans and status ---------------------------------------------------------- */

static void not_recorded(struct ui_verdict *out, const char *en, const char *zh)
{
    out->severity = UI_SEV_WARN;
    snprintf(out->verdict, sizeof(out->verdict), "NOT_RECORDED");
    snprintf(out->message, sizeof(out->message), "%s", ui_tr(en, zh));
}

/* Every code the UI does not judge itself: the visit's adapter when it
 * has a scan of its own, else the workflow's engine (the generic screen of
 * a workflow without a screen family of its own scans through it too). */
static int tui_scan(void *user, const char *visit_id, const char *code, enum ui_scan_how how,
                    struct ui_verdict *out, struct fc_error *err)
{
    struct tui *t = user;
    const struct workflow *wf = NULL;
    struct workflow_session *ws = NULL;
    struct workflow_result r;
    struct visit v;
    int rc, ai;

    memset(&v, 0, sizeof(v));
    memset(out, 0, sizeof(*out));
    rc = visit_resolve(t->s, visit_id, &v, err);
    if (rc == FC_ENOTFOUND || (!rc && v.closed_at[0])) {
        fc_error_clear(err);
        not_recorded(out, "no visit is open: the code was not recorded",
                     "没有进行中的检查，未记录此码");
        rc = 0;
        goto out;
    }
    if (!rc)
        rc = workflow_of_visit(&v, &wf, err);
    if (rc)
        goto out;
    ai = adapter_index(wf);
    if (ai >= 0 && adapters[ai]->scan) {
        rc = mission_attach(t->s, v.mission_id, v.mission_version, err);
        if (!rc)
            rc = adapters[ai]->scan(t->ad[ai], &v, code, how, out, err);
        goto out;
    }
    if (!wf->engine) {
        not_recorded(out, "this kind of visit takes no scans: the code was not recorded",
                     "此类检查不接受扫码，未记录此码");
        goto out;
    }
    rc = tui_session(t, v.id, &ws, NULL, err);
    if (!rc)
        rc = ws->wf->engine->scan(
            ws->engine, code, strlen(code),
            &(struct scan_arrival){how == UI_SCAN_BURST ? "burst" : "typed", NULL, NULL},
            clock_now_ms(), &r, err);
    if (rc)
        goto out;
    tui_changed(t);
    tui_verdict_from(&r, out);
    workflow_result_release(&r);
out:
    visit_release(&v);
    return rc;
}

static void inspectors_text(const struct visit *v, struct buf *out)
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
}

static void tui_status(void *user, struct ui_status *st)
{
    struct tui *t = user;
    int64_t unsynced = 0;

    /* the visit part changes only with visits and is cached; the unsynced
     * count changes with every event any screen records, so it is re-read at
     * each redraw (one indexed range count) */
    if (!t->status_ok) {
        struct buf insp = BUF_INIT;
        struct visit v;

        memset(&v, 0, sizeof(v));
        memset(&t->status, 0, sizeof(t->status));
        if (!visit_resolve(t->s, NULL, &v, NULL) && !v.closed_at[0]) {
            char name[160];
            copy_name(name, sizeof(name), site_name(t, v.site_code));
            snprintf(t->status.visit, sizeof(t->status.visit), "%.8s %s", v.id, name);
            inspectors_text(&v, &insp);
            snprintf(t->status.inspectors, sizeof(t->status.inspectors), "%s", insp.ptr);
        }
        t->status_ok = 1;
        visit_release(&v);
        buf_release(&insp);
    }
    t->status.unsynced = syncdb_unsynced_count(t->s, &unsynced, NULL) ? -1 : (long)unsynced;
    *st = t->status;
}

/* ---- close ------------------------------------------------------------------- */

static int sections(void *user, const char *visit_id, struct ui_close_section out[2],
                    struct fc_error *err)
{
    struct tui *t = user;
    const struct workflow *wf = NULL;
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = tui_visit_kind(t->s, visit_id, &v, &wf, err);
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
    snprintf(r.name, sizeof(r.name), "%s", c->key ? c->key : tui_label(c->verdict, NULL));
    snprintf(r.code, sizeof(r.code), "%s", c->key ? "" : c->verdict->code);
    r.count = (long)c->count;
    r.severity = tui_severity(c->verdict);
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
    rc = tui_visit(t, visit_id, &v, &wf, err);
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
        tui_session_close(t);
    }
    visit_release(&v);
    return rc;
}

/* The signed checkpoint of a closed visit as QR text rows for the close
 * screen; NULL when the device has no keys (the short code still shows). */
static const char *const *checkpoint_qr(void *user, const char *visit_id)
{
    struct tui *t = user;
    struct buf code = BUF_INIT;
    const char *const *rows;
    struct visit v;

    memset(&v, 0, sizeof(v));
    if (visit_resolve(t->s, visit_id, &v, NULL) == FC_OK)
        checkpoint_make(t->s, &v, &code, NULL);
    rows = tui_qr_rows(&t->qr, code.ptr);
    visit_release(&v);
    buf_release(&code);
    return rows;
}

static int unchecked(void *user, const char *visit_id, size_t max,
                     void (*emit)(void *ctx, const char *item), void *ctx, long *more,
                     char heading[96], struct fc_error *err)
{
    struct tui *t = user;
    const struct workflow *wf = NULL;
    struct visit v;
    int rc, ai;

    *more = 0;
    heading[0] = '\0';
    memset(&v, 0, sizeof(v));
    rc = tui_visit(t, visit_id, &v, &wf, err);
    ai = rc ? -1 : adapter_index(wf);
    if (ai >= 0 && adapters[ai]->unchecked)
        rc = adapters[ai]->unchecked(t->ad[ai], &v, max, emit, ctx, more, heading, err);
    visit_release(&v);
    return rc;
}

static const struct ui_close_model close_model = {
    .sections = sections,
    .summary = summary,
    .close = close_visit,
    .checkpoint_qr = checkpoint_qr,
    .unchecked = unchecked,
};

/* ---- entry ------------------------------------------------------------------- */

int app_tui_run(struct app *app, const char *theme)
{
    struct tui t;
    struct ui_app ua;
    struct visit v;
    int rc;

    memset(&t, 0, sizeof(t));
    memset(&ua, 0, sizeof(ua));
    memset(&v, 0, sizeof(v));
    buf_init(&t.names);
    tui_qr_init(&t.qr);
    t.app = app;
    t.s = app_store(app);
    if (!t.s)
        return app_fail(app, app->err.code);
    ua.home = &home_model;
    ua.close = &close_model;
    ua.scan = tui_scan;
    ua.status = tui_status;
    ua.user = &t;
    ua.theme = theme;
    for (size_t i = 0; i < N_ADAPTERS; i++) {
        t.ad[i] = adapters[i]->create(&t);
        adapters[i]->install(t.ad[i], &ua);
    }
    ua.usb = tui_usb_model(&t, &t.usb);
    ua.records = tui_records_model(&t, &t.records);
    ua.team = tui_team_model(&t, &t.team);
    ua.draw = tui_draw_model(&t, &t.draw);
    ua.start = UI_START_HOME;
    if (!visit_resolve(t.s, NULL, &v, NULL) && !v.closed_at[0]) {
        ua.start = UI_START_VISIT;
        ua.start_visit = v.id;
    }
    /* curses owns the terminal and needs the real stdout */
    app_term_unfilter();
    rc = ui_run(&ua, &app->err);
    app_term_filter(!app->json);
    visit_release(&v);
    tui_session_close(&t);
    for (size_t i = 0; i < N_ADAPTERS; i++)
        adapters[i]->destroy(t.ad[i]);
    tui_usb_free(t.usb);
    tui_records_free(t.records);
    tui_team_free(t.team);
    tui_draw_free(t.draw);
    buf_release(&t.names);
    tui_qr_release(&t.qr);
    free(t.ac);
    return rc ? app_fail(app, rc) : 0;
}

void tui_qr_init(struct tui_qr *q)
{
    buf_init(&q->text);
    q->rows = NULL;
}

void tui_qr_release(struct tui_qr *q)
{
    buf_release(&q->text);
    free(q->rows);
    q->rows = NULL;
}

const char *const *tui_qr_rows(struct tui_qr *q, const char *code)
{
    struct qr_matrix m;
    size_t n = 0;
    char *p;

    free(q->rows);
    q->rows = NULL;
    buf_reset(&q->text);
    memset(&m, 0, sizeof(m));
    if (code && *code && qr_encode(code, &m, NULL) == FC_OK)
        qr_render_text(&m, QR_QUIET, QR_TEXT_PLAIN, &q->text);
    qr_matrix_release(&m);
    if (!q->text.len)
        return NULL;
    for (p = q->text.ptr; *p; p++)
        n += *p == '\n';
    q->rows = xcalloc(n + 2, sizeof(*q->rows));
    n = 0;
    for (p = q->text.ptr; *p;) {
        char *nl = strchr(p, '\n');
        q->rows[n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    q->rows[n] = "";
    return (const char *const *)q->rows;
}

int app_tui_possible(void)
{
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}
