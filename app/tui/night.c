/* The TUI adapter of the bed-walk screen family (struct ui_night_model):
 * wards with their progress, the beds of a ward, the listed patients, the
 * scans and the current bed, all read from core (core/night/wards.h and the
 * night engine's lists) with names and ID numbers masked here; severities
 * come from the workflow's catalogue. Scans and corrections go through the
 * workflow's engine in the shared session (tui_session), as the CLI's do. */
#include "app/tui/tui.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/mask.h"
#include "core/base/xalloc.h"
#include "core/mission/mission.h"
#include "core/night/night.h"
#include "core/night/wards.h"
#include "core/night/workflow.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tui_night {
    struct ui_night_model model;
    struct tui *t;
    struct night *n; /* a reading engine on visit v */
    struct visit v;
    const struct workflow *wf;
    struct tui_team_notes *notes; /* on a team lead's laptop */
};

/* The reading engine on visit_id with its mission attached. */
static int engine_for(struct tui_night *tn, const char *visit_id, struct fc_error *err)
{
    struct store *s = tui_store(tn->t);
    int rc;

    if (tn->n && visit_id && !strcmp(tn->v.id, visit_id))
        return mission_attach(s, tn->v.mission_id, tn->v.mission_version, err);
    night_free(tn->n);
    tn->n = NULL;
    visit_release(&tn->v);
    rc = tui_visit(tn->t, visit_id, &tn->v, &tn->wf, err);
    if (!rc)
        rc = night_open(s, tn->v.id, &tn->n, err);
    if (rc) {
        night_free(tn->n);
        tn->n = NULL;
        visit_release(&tn->v);
    }
    return rc;
}

/* Severity, label and class of a finding or verdict, from the catalogue. */
static enum ui_severity describe(const struct tui_night *tn, const char *code, unsigned scope,
                                 char *label, size_t cap, int *anomaly)
{
    const struct verdict *v = workflow_verdict_in(tn->wf, code, scope);

    snprintf(label, cap, "%s", v ? tui_label(v, code) : "");
    *anomaly = v && v->cls == VERDICT_ANOMALY;
    return tui_severity(v);
}

/* ---- wards ------------------------------------------------------------------- */

struct ward_ctx {
    void (*emit)(void *ctx, const struct ui_ward_row *row);
    void *ctx;
};

static int ward_cb(const struct night_ward *w, void *ctx)
{
    struct ward_ctx *c = ctx;
    struct ui_ward_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.code, sizeof(r.code), "%s", w->ward_code);
    snprintf(r.name, sizeof(r.name), "%s", w->name);
    r.beds = (int)w->beds;
    r.visited = (int)w->visited;
    r.anomalies = (int)w->anomalies;
    r.listed = (int)w->listed;
    c->emit(c->ctx, &r);
    return 0;
}

static int list_wards(void *user, const char *visit_id,
                      void (*emit)(void *, const struct ui_ward_row *), void *ctx,
                      struct fc_error *err)
{
    struct tui_night *tn = user;
    struct ward_ctx c = {emit, ctx};
    int rc = engine_for(tn, visit_id, err);

    return rc ? rc : night_foreach_ward(tui_store(tn->t), tn->n, ward_cb, &c, err);
}

/* ---- beds -------------------------------------------------------------------- */

struct bed_ctx {
    void (*emit)(void *ctx, const struct ui_bed_row *row);
    void *ctx;
    struct buf m;
    struct tui_night *tn;
};

static int bed_cb(const struct night_ward_bed *b, void *ctx)
{
    struct bed_ctx *c = ctx;
    struct ui_bed_row r;
    size_t len = 0;

    memset(&r, 0, sizeof(r));
    snprintf(r.ward_code, sizeof(r.ward_code), "%s", b->ward_code);
    snprintf(r.bed, sizeof(r.bed), "%s", b->bed);
    for (size_t i = 0; i < b->nlisted && len < sizeof(r.patient); i++) {
        buf_reset(&c->m);
        mask_name(&c->m, b->listed[i].name);
        len += (size_t)snprintf(r.patient + len, sizeof(r.patient) - len, "%s%s", i ? "," : "",
                                c->m.ptr);
    }
    if (b->nlisted) {
        buf_reset(&c->m);
        mask_id(&c->m, b->listed[0].id_number);
        snprintf(r.patient_id, sizeof(r.patient_id), "%s", c->m.ptr);
        snprintf(r.admission_no, sizeof(r.admission_no), "%s", b->listed[0].admission_no);
    }
    snprintf(r.identified, sizeof(r.identified), "%s", b->identified);
    snprintf(r.finding, sizeof(r.finding), "%s", b->finding);
    if (b->verdict)
        snprintf(r.finding_label, sizeof(r.finding_label), "%s", tui_label(b->verdict, b->finding));
    r.anomaly = b->verdict && b->verdict->cls == VERDICT_ANOMALY;
    snprintf(r.marks, sizeof(r.marks), "%s%s%s", b->no_wristband ? "NO_WRISTBAND " : "",
             b->no_id ? "NO_ID " : "", b->exam ? "EXAM" : "");
    r.severity = tui_severity(b->verdict);
    r.scans = (long)b->scans;
    buf_reset(&c->m);
    buf_addf(&c->m, "%s:%s", b->ward_code, b->bed); /* the team view's subject of a bed */
    snprintf(r.team, sizeof(r.team), "%s",
             tui_team_note(c->tn->notes, night_workflow.kind, c->tn->v.site_code, "beds", c->m.ptr,
                           &r.team_conflict));
    c->emit(c->ctx, &r);
    return 0;
}

static int list_beds(void *user, const char *visit_id, const char *ward_code,
                     void (*emit)(void *, const struct ui_bed_row *), void *ctx,
                     struct fc_error *err)
{
    struct tui_night *tn = user;
    struct bed_ctx c = {emit, ctx, BUF_INIT, tn};
    int rc;

    /* first: building the notes attaches missions of its own */
    tui_team_notes_refresh(tn->notes);
    rc = engine_for(tn, visit_id, err);

    if (!rc)
        rc = night_foreach_ward_bed(tui_store(tn->t), tn->n, ward_code, bed_cb, &c, err);
    buf_release(&c.m);
    return rc;
}

/* ---- patients and scans ------------------------------------------------------ */

struct patient_ctx {
    struct tui_night *tn;
    void (*emit)(void *ctx, const struct ui_patient_row *row);
    void *ctx;
    struct buf m;
};

static int patient_cb(const struct night_patient *p, void *ctx)
{
    struct patient_ctx *c = ctx;
    struct ui_patient_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.admission_no, sizeof(r.admission_no), "%s", p->admission_no);
    buf_reset(&c->m);
    mask_name(&c->m, p->name);
    snprintf(r.name, sizeof(r.name), "%s", c->m.ptr);
    buf_reset(&c->m);
    mask_id(&c->m, p->id_number);
    snprintf(r.id_number, sizeof(r.id_number), "%s", c->m.ptr);
    snprintf(r.ward_code, sizeof(r.ward_code), "%s", p->ward_code);
    snprintf(r.bed, sizeof(r.bed), "%s", p->bed);
    snprintf(r.finding, sizeof(r.finding), "%s", p->finding);
    snprintf(r.found_at, sizeof(r.found_at), "%s", p->found_at);
    r.severity = describe(c->tn, p->finding, VERDICT_PATIENT, r.finding_label,
                          sizeof(r.finding_label), &r.anomaly);
    c->emit(c->ctx, &r);
    return 0;
}

static int list_patients(void *user, const char *visit_id,
                         void (*emit)(void *, const struct ui_patient_row *), void *ctx,
                         struct fc_error *err)
{
    struct tui_night *tn = user;
    struct patient_ctx c = {tn, emit, ctx, BUF_INIT};
    int rc = engine_for(tn, visit_id, err);

    if (!rc)
        rc = night_foreach_patient(tn->n, patient_cb, &c, err);
    buf_release(&c.m);
    return rc;
}

struct scan_ctx {
    struct tui_night *tn;
    void (*emit)(void *ctx, const struct ui_scan_row *row);
    void *ctx;
};

static int scan_cb(const struct night_scan_row *s, void *ctx)
{
    struct scan_ctx *c = ctx;
    struct ui_scan_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.event_id, sizeof(r.event_id), "%s", s->event_id);
    r.seq = (long long)s->seq;
    r.at_ms = s->at_ms;
    snprintf(r.code, sizeof(r.code), "%s", s->code);
    snprintf(r.verdict, sizeof(r.verdict), "%s", s->verdict);
    if (s->bed[0])
        snprintf(r.bed, sizeof(r.bed), "%s-%s", s->ward_code, s->bed);
    r.voided = s->voided;
    r.amended = s->amended;
    r.severity = describe(c->tn, s->verdict, VERDICT_SCAN, r.verdict_label, sizeof(r.verdict_label),
                          &r.anomaly);
    c->emit(c->ctx, &r);
    return 0;
}

static int list_scans(void *user, const char *visit_id,
                      void (*emit)(void *, const struct ui_scan_row *), void *ctx,
                      struct fc_error *err)
{
    struct tui_night *tn = user;
    struct scan_ctx c = {tn, emit, ctx};
    int rc = engine_for(tn, visit_id, err);

    return rc ? rc : night_foreach_scan(tn->n, scan_cb, &c, err);
}

static int current_bed(void *user, const char *visit_id, char ward_code[32], char bed[16],
                       struct fc_error *err)
{
    struct tui_night *tn = user;
    char w[SCAN_REF_MAX], b[SCAN_REF_MAX];
    int rc = engine_for(tn, visit_id, err);

    ward_code[0] = bed[0] = '\0';
    if (!rc)
        rc = night_current_bed(tui_store(tn->t), tn->n, w, b, err);
    if (!rc) {
        snprintf(ward_code, 32, "%s", w);
        snprintf(bed, 16, "%s", b);
    }
    return rc;
}

/* The default bed label (core/mission/refdb.h): "<ward_code>-<bed>", the bed
 * number in canonical form. */
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
    struct tui_night *tn = user;
    struct workflow_session *ws = NULL;
    struct workflow_result r;
    int rc = tui_session(tn->t, visit_id, &ws, NULL, err);

    memset(out, 0, sizeof(*out));
    if (rc)
        return rc;
    if (new_code && *new_code) {
        if (!ws->wf->engine->amend)
            return fc_error_set(err, FC_EUSAGE, "scans of this visit cannot be amended");
        rc = ws->wf->engine->amend(ws->engine, event_id, new_code, reason, clock_now_ms(), &r, err);
    } else {
        if (!ws->wf->engine->void_scan)
            return fc_error_set(err, FC_EUSAGE, "scans of this visit cannot be voided");
        rc = ws->wf->engine->void_scan(ws->engine, event_id, reason, clock_now_ms(), &r, err);
    }
    if (rc)
        return rc;
    tui_changed(tn->t);
    tui_verdict_from(&r, out);
    workflow_result_release(&r);
    return 0;
}

/* ---- closing ----------------------------------------------------------------- */

struct unchecked_ctx {
    void (*emit)(void *ctx, const char *item);
    void *ctx;
    size_t max, n;
};

static int unchecked_cb(const struct night_ward_bed *b, void *ctx)
{
    struct unchecked_ctx *u = ctx;
    char label[2 * SCAN_REF_MAX + 2];

    snprintf(label, sizeof(label), "%s-%s", b->ward_code, b->bed);
    u->emit(u->ctx, label);
    return ++u->n >= u->max;
}

/* The beds of visited wards nobody scanned (DESIGN §5): closing now would
 * leave their patients UNCHECKED, so the close screen lists them and asks. */
static int unchecked(void *a, const struct visit *v, size_t max,
                     void (*emit)(void *ctx, const char *item), void *ctx, long *more,
                     char heading[96], struct fc_error *err)
{
    struct tui_night *tn = a;
    struct unchecked_ctx u = {emit, ctx, max, 0};
    int64_t total = 0;
    int rc = engine_for(tn, v->id, err);

    if (!rc)
        rc = night_foreach_unscanned_bed(tui_store(tn->t), tn->n, max ? unchecked_cb : NULL, &u,
                                         &total, err);
    *more = rc ? 0 : (long)(total - (int64_t)u.n);
    snprintf(heading, 96, "%s",
             ui_tr("Beds of visited wards never scanned", "已查病区中未扫描的床位"));
    return rc;
}

/* ---- the adapter ------------------------------------------------------------- */

static void *create(struct tui *t)
{
    struct tui_night *tn = xcalloc(1, sizeof(*tn));

    tn->t = t;
    tn->notes = tui_team_notes_new(tui_store(t));
    tn->model.user = tn;
    tn->model.list_wards = list_wards;
    tn->model.list_beds = list_beds;
    tn->model.list_patients = list_patients;
    tn->model.list_scans = list_scans;
    tn->model.current_bed = current_bed;
    tn->model.bed_code = bed_code;
    tn->model.correct = correct;
    return tn;
}

static void destroy(void *a)
{
    struct tui_night *tn = a;

    if (!tn)
        return;
    night_free(tn->n);
    visit_release(&tn->v);
    tui_team_notes_free(tn->notes);
    free(tn);
}

static void install(void *a, struct ui_app *ua)
{
    ua->night = &((struct tui_night *)a)->model;
}

const struct tui_adapter tui_night_adapter = {
    .screen = WORKFLOW_SCREEN_BEDS,
    .name = "beds",
    .create = create,
    .destroy = destroy,
    .install = install,
    .scan = NULL, /* the engine, through the shared session */
    .unchecked = unchecked,
};
