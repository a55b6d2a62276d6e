/* The workflow registry and the composition root of the event store
 * (core/workflow.h). The built-in workflows are the rows of one table; the
 * common appliers (visits, evidence, interviews, the record of a void) run for
 * every visit, a workflow's own only for its visits. This is the one file
 * outside the workflows' folders that names them. */
#include "core/workflow.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"
#include "core/flight/workflow.h"
#include "core/mission/mission.h"
#include "core/night/workflow.h"
#include "core/pharmacy/workflow.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/visit/evidence.h"
#include "core/visit/interview.h"
#include "core/visit/visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKFLOW_MAX 16

static const struct workflow *registry[WORKFLOW_MAX] = {
    &night_workflow,
    &pharmacy_workflow,
    &flight_workflow,
};
static size_t n_registered = 3;

/* Appliers every visit shares, whatever its workflow. */
static const struct workflow_applier common_appliers[] = {
    {"visit_open", visit_apply_open},
    {"visit_close", visit_apply_close},
    {"evidence_add", evidence_apply_add},
    {"interview_add", interview_apply_add},
    /* every void is recorded; the workflow's own void applier then
     * recomputes what depended on the target */
    {"void", visit_apply_void},
    {NULL, NULL},
};

static const struct workflow_table common_tables[] = {
    {"visit", "DELETE FROM visit", "SELECT * FROM visit ORDER BY id"},
    {"voided", "DELETE FROM voided", "SELECT * FROM voided ORDER BY target"},
    {"evidence", "DELETE FROM evidence", "SELECT * FROM evidence ORDER BY event_id"},
    {"interview", "DELETE FROM interview", "SELECT * FROM interview ORDER BY event_id"},
    {NULL, NULL, NULL},
};

/* ---- catalogue helpers ----------------------------------------------------- */

const char *verdict_label_in(const struct verdict *v, enum fc_lang lang)
{
    return v ? fc_text_in(lang, v->label_en, v->label_zh) : NULL;
}

const char *verdict_label(const struct verdict *v)
{
    return verdict_label_in(v, fc_lang_current());
}

const char *verdict_explain_in(const struct verdict *v, enum fc_lang lang)
{
    return v ? fc_text_in(lang, v->explain_en, v->explain_zh) : NULL;
}

const char *verdict_explain(const struct verdict *v)
{
    return verdict_explain_in(v, fc_lang_current());
}

static const struct {
    const char *name, *en, *zh;
} class_names[] = {
    [VERDICT_OK] = {"ok", FC_N_("in order"), "正常"},
    [VERDICT_INFO] = {"info", FC_N_("for information"), "情况说明"},
    [VERDICT_COVERAGE] = {"coverage", FC_N_("not covered by this record"), "本记录未覆盖"},
    [VERDICT_ANOMALY] = {"anomaly", FC_N_("anomalies"), "异常"},
};

const char *verdict_class_name(enum verdict_class cls)
{
    return cls <= VERDICT_ANOMALY ? class_names[cls].name : "ok";
}

const char *verdict_class_label(enum verdict_class cls)
{
    if (cls > VERDICT_ANOMALY)
        cls = VERDICT_OK;
    return fc_text(class_names[cls].en, class_names[cls].zh);
}

void workflow_result_release(struct workflow_result *r)
{
    if (!r)
        return;
    json_decref(r->extra);
    r->extra = NULL;
}

/* ---- the registry ------------------------------------------------------------ */

const struct workflow *workflow_at(size_t n)
{
    return n < n_registered ? registry[n] : NULL;
}

const struct workflow *workflow_find(const char *kind)
{
    for (size_t i = 0; kind && i < n_registered; i++)
        if (!strcmp(registry[i]->kind, kind))
            return registry[i];
    return NULL;
}

const char *workflow_kinds(const char *sep)
{
    static char text[256];
    size_t used = 0;

    text[0] = '\0';
    for (size_t i = 0; i < n_registered; i++) {
        int n = snprintf(text + used, sizeof(text) - used, "%s%s", i ? sep : "", registry[i]->kind);
        if (n < 0 || (size_t)n >= sizeof(text) - used)
            break;
        used += (size_t)n;
    }
    return text;
}

int workflow_get(const char *kind, const struct workflow **out, struct fc_error *err)
{
    *out = workflow_find(kind);
    if (*out)
        return FC_OK;
    return fc_error_set(err, FC_EUSAGE, "unknown visit kind '%s' (known: %s)", kind ? kind : "",
                        workflow_kinds(", "));
}

int workflow_foreach(int (*cb)(const struct workflow *wf, void *ctx), void *ctx)
{
    for (size_t i = 0; i < n_registered; i++) {
        int rc = cb(registry[i], ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int workflow_register(const struct workflow *wf, struct fc_error *err)
{
    if (!wf || !wf->kind || !wf->kind[0])
        return fc_error_set(err, FC_EUSAGE, "a workflow needs a kind");
    if (workflow_find(wf->kind))
        return fc_error_set(err, FC_EUSAGE, "workflow '%s' is registered already", wf->kind);
    if (n_registered == WORKFLOW_MAX)
        return fc_error_set(err, FC_EUSAGE, "too many workflows (at most %d)", WORKFLOW_MAX);
    registry[n_registered++] = wf;
    return FC_OK;
}

const char *workflow_label_in(const struct workflow *wf, enum fc_lang lang)
{
    return wf ? fc_text_in(lang, wf->label_en, wf->label_zh) : NULL;
}

const char *workflow_label(const struct workflow *wf)
{
    return workflow_label_in(wf, fc_lang_current());
}

const char *workflow_short(const struct workflow *wf)
{
    if (!wf)
        return NULL;
    return fc_text(wf->short_en ? wf->short_en : wf->label_en,
                   wf->short_zh ? wf->short_zh : wf->label_zh);
}

const struct verdict *workflow_verdict(const struct workflow *wf, const char *code)
{
    for (const struct verdict *v = wf && code ? wf->catalogue : NULL; v && v->code; v++)
        if (!strcmp(v->code, code))
            return v;
    return NULL;
}

const struct verdict *workflow_verdict_in(const struct workflow *wf, const char *code,
                                          unsigned scope)
{
    for (const struct verdict *v = wf && code ? wf->catalogue : NULL; v && v->code; v++)
        if ((v->scope & scope) && !strcmp(v->code, code))
            return v;
    return NULL;
}

const struct workflow_group *workflow_group(const struct workflow *wf, const char *name)
{
    for (const struct workflow_group *g = wf && name ? wf->groups : NULL; g && g->name; g++)
        if (!strcmp(g->name, name))
            return g;
    return NULL;
}

int workflow_of_visit(const struct visit *v, const struct workflow **out, struct fc_error *err)
{
    *out = workflow_find(v->kind);
    if (*out)
        return FC_OK;
    return fc_error_set(err, FC_EINTEGRITY,
                        "visit '%.8s' is of kind '%s', which this program does not know", v->id,
                        v->kind);
}

int workflow_attach(struct store *s, const char *visit_name, struct visit *v,
                    const struct workflow **out, struct fc_error *err)
{
    int rc = visit_resolve(s, visit_name, v, err);

    if (!rc)
        rc = workflow_of_visit(v, out, err);
    if (!rc)
        rc = mission_attach(s, v->mission_id, v->mission_version, err);
    return rc;
}

int workflow_open(struct store *s, const struct visit *v, const struct workflow *wf,
                  struct workflow_session *out, struct fc_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!wf->engine)
        return fc_error_set(err, FC_ESTATE, "visit '%.8s' is a %s: it takes no scans", v->id,
                            workflow_label(wf));
    out->wf = wf;
    return wf->engine->open(s, v, &out->engine, err);
}

void workflow_close(struct workflow_session *ws)
{
    if (ws && ws->wf && ws->engine)
        ws->wf->engine->close(ws->engine);
    if (ws)
        memset(ws, 0, sizeof(*ws));
}

static int count_anomaly(const struct workflow_finding *f, void *ctx)
{
    if (f->verdict->cls == VERDICT_ANOMALY)
        *(long *)ctx += (long)f->count;
    return 0;
}

int workflow_count_anomalies(struct store *s, const struct visit *v, const struct workflow *wf,
                             long *n, struct fc_error *err)
{
    *n = 0;
    return wf->findings ? wf->findings(s, v, count_anomaly, n, err) : FC_OK;
}

struct summary_ctx {
    const char *group;
    struct workflow_count *rows;
    char **keys;
    size_t n;
};

static int summary_add(const struct workflow_finding *f, void *ctx)
{
    struct summary_ctx *sc = ctx;
    struct workflow_count *c = NULL;

    if (strcmp(f->group, sc->group) != 0)
        return 0;
    for (size_t i = 0; i < sc->n && !c; i++)
        if (sc->rows[i].verdict == f->verdict &&
            !strcmp(sc->keys[i] ? sc->keys[i] : "", f->key ? f->key : ""))
            c = &sc->rows[i];
    if (!c) {
        sc->rows = xreallocarray(sc->rows, sc->n + 1, sizeof(*sc->rows));
        sc->keys = xreallocarray(sc->keys, sc->n + 1, sizeof(*sc->keys));
        c = &sc->rows[sc->n];
        memset(c, 0, sizeof(*c));
        c->verdict = f->verdict;
        sc->keys[sc->n] = f->key ? xstrdup(f->key) : NULL;
        c->key = sc->keys[sc->n];
        sc->n++;
    }
    c->count += f->count;
    c->amount_fen += f->amount_fen;
    c->fund_loss_fen += f->fund_loss_fen;
    return 0;
}

int workflow_summary(struct store *s, const struct visit *v, const struct workflow *wf,
                     const char *group, int (*cb)(const struct workflow_count *c, void *ctx),
                     void *ctx, struct fc_error *err)
{
    static const enum verdict_class order[] = {VERDICT_ANOMALY, VERDICT_COVERAGE, VERDICT_INFO,
                                               VERDICT_OK};
    struct summary_ctx sc = {group, NULL, NULL, 0};
    int rc = wf->findings ? wf->findings(s, v, summary_add, &sc, err) : FC_OK;

    for (size_t k = 0; !rc && k < sizeof(order) / sizeof(order[0]); k++)
        for (const struct verdict *d = wf->catalogue; !rc && d->code; d++)
            for (size_t i = 0; !rc && i < sc.n; i++)
                if (sc.rows[i].verdict == d && d->cls == order[k])
                    rc = cb(&sc.rows[i], ctx);
    for (size_t i = 0; i < sc.n; i++)
        free(sc.keys[i]);
    free(sc.keys);
    free(sc.rows);
    return rc;
}

/* Expands a catalogue message: %1$s .. %4$s are args[0..3], %% is %. Done
 * by hand, not by printf: a message need not use every argument, which
 * positional printf formats may not skip (glibc's fortified printf aborts). */
static void expand(char *out, size_t cap, const char *fmt, const char *const args[4])
{
    size_t n = 0;

    for (const char *p = fmt; *p && n + 1 < cap; p++) {
        const char *add = NULL;
        char one[2] = {*p, 0};

        if (p[0] == '%' && p[1] >= '1' && p[1] <= '4' && p[2] == '$' && p[3] == 's') {
            add = args[p[1] - '1'];
            p += 3;
        } else if (p[0] == '%' && p[1] == '%') {
            add = "%";
            p++;
        } else {
            add = one;
        }
        for (; *add && n + 1 < cap; add++)
            out[n++] = *add;
    }
    out[n] = '\0';
}

void workflow_result_localise(const struct workflow *wf, struct workflow_result *r,
                              const char *place, const char *who)
{
    const struct verdict *v = workflow_verdict_in(wf, r->verdict, VERDICT_SCAN);

    r->def = v;
    if (fc_lang_current() == FC_LANG_EN || !v) {
        snprintf(r->message_local, sizeof(r->message_local), "%s", r->message);
        return;
    }
    if (!v->message_zh) {
        snprintf(r->message_local, sizeof(r->message_local), "%s", verdict_label(v));
        return;
    }
    {
        /* a detail that starts with the person it names (WRONG_BED's
         * "adm:ward:bed") gives the rest: the template names who itself */
        size_t wl = who ? strlen(who) : 0;
        const char *detail = wl && !strncmp(r->detail, who, wl) && r->detail[wl] == ':'
                                 ? r->detail + wl + 1
                                 : r->detail;
        const char *args[4] = {place ? place : "", detail, who ? who : "", r->code};
        expand(r->message_local, sizeof(r->message_local),
               fc_text(v->message_en ? v->message_en : v->message_zh, v->message_zh), args);
    }
}

/* ---- records and their void ----------------------------------------------------- */

/* Records every visit keeps, whatever its workflow. */
static const char *const common_record_kinds[] = {"evidence_add", "interview_add", NULL};

static int in_list(const char *const *list, const char *kind)
{
    for (; list && *list; list++)
        if (!strcmp(*list, kind))
            return 1;
    return 0;
}

int workflow_is_record_kind(const struct workflow *wf, const char *kind)
{
    return kind && (in_list(common_record_kinds, kind) || (wf && in_list(wf->record_kinds, kind)));
}

/* Whether the event a row of workflow_void_record's query describes (kind,
 * visit, times voided) may be voided in visit v. */
struct voidable {
    const char *target;
    const struct visit *v;
    const struct workflow *wf;
    struct fc_error *err;
};

static int voidable_row(sqlite3_stmt *st, void *ctx)
{
    const struct voidable *c = ctx;

    if (strcmp(store_col_text(st, 1), c->v->id))
        return fc_error_set(c->err, FC_EINPUT, "event '%s' belongs to another visit", c->target);
    if (!workflow_is_record_kind(c->wf, store_col_text(st, 0)))
        return fc_error_set(c->err, FC_EINPUT, "event '%s' is a '%s': it cannot be voided this way",
                            c->target, store_col_text(st, 0));
    if (sqlite3_column_int(st, 2))
        return fc_error_set(c->err, FC_ESTATE, "event '%s' is already voided", c->target);
    return FC_OK;
}

int workflow_void_record(struct store *s, const char *visit_name, const char *target,
                         const char *reason, int64_t at_ms, char event_id[37], struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    json_t *p = NULL;
    char *payload = NULL;
    const struct workflow *wf = NULL;
    struct visit v;
    struct voidable c = {target, &v, NULL, err};
    struct event e;
    int rc;

    memset(&v, 0, sizeof(v));
    if (!reason || !*reason)
        return fc_error_set(err, FC_EUSAGE, "a void needs --reason");
    rc = store_begin(s, err);
    if (rc)
        return rc;
    rc = visit_resolve(s, visit_name, &v, err);
    if (!rc)
        rc = workflow_of_visit(&v, &wf, err);
    if (rc)
        goto rollback;
    if (v.closed_at[0]) {
        rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' is closed: nothing can be voided", v.id);
        goto rollback;
    }
    rc = store_prepare(s,
                       "SELECT kind, visit, (SELECT count(*) FROM voided WHERE target = ?1)"
                       " FROM event WHERE id = ?1",
                       &st, err);
    if (rc)
        goto rollback;
    store_bind_text(st, 1, target);
    c.wf = wf;
    rc = store_one(s, st, voidable_row, &c, "cannot read the event to void", err);
    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "no event '%s'", target);
    if (rc)
        goto rollback;
    p = json_pack("{s:s, s:s}", "target", target, "reason", reason);
    if (!p) {
        rc = fc_error_set(err, FC_EINPUT, "reason is not valid UTF-8");
        goto rollback;
    }
    payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    rc = event_append(s, v.id, at_ms, "void", target, payload, &e, err);
    if (rc)
        goto rollback;
    rc = store_commit(s, err);
    if (!rc && event_id)
        memcpy(event_id, e.id, 37);
    goto out;
rollback:
    store_rollback(s);
out:
    free(payload);
    json_decref(p);
    visit_release(&v);
    return rc;
}

/* ---- the store's appliers ------------------------------------------------------ */

static int run_appliers(const struct workflow_applier *a, struct store *s, const struct event *e,
                        void *ctx, struct fc_error *err)
{
    for (; a && a->kind; a++) {
        int rc;

        if (strcmp(a->kind, e->kind) != 0)
            continue;
        rc = a->apply(s, e, ctx, err);
        if (rc)
            return rc;
    }
    return FC_OK;
}

/* The kind of visit id as the derived visit table holds it ("" if none). */
static int visit_kind_of(struct store *s, const char *id, char kind[32], struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s, "SELECT kind FROM visit WHERE id = ?1", &st, err);

    kind[0] = '\0';
    if (rc)
        return rc;
    store_bind_text(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(kind, 32, "%s", store_col_text(st, 0));
        rc = FC_OK;
    } else {
        rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the visit of an event");
    }
    store_stmt_release(st);
    return rc;
}

int workflow_apply_event(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    const struct workflow *wf;
    char kind[32];
    int rc = run_appliers(common_appliers, s, e, ctx, err);

    if (rc || !e->visit)
        return rc;
    rc = visit_kind_of(s, e->visit, kind, err);
    if (rc || !kind[0])
        return rc;
    wf = workflow_find(kind);
    if (!wf)
        return fc_error_set(err, FC_EINTEGRITY, "event %lld: visit '%.8s' is of unknown kind '%s'",
                            (long long)e->seq, e->visit, kind);
    return run_appliers(wf->appliers, s, e, ctx, err);
}

int workflow_foreach_table(int (*cb)(const struct workflow_table *t, void *ctx), void *ctx)
{
    for (const struct workflow_table *t = common_tables; t->name; t++) {
        int rc = cb(t, ctx);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < n_registered; i++)
        for (const struct workflow_table *t = registry[i]->tables; t && t->name; t++) {
            int rc = cb(t, ctx);
            if (rc)
                return rc;
        }
    return 0;
}
