/* Pharmacy stock count engine: per-scan verdicts and the derived count state
 * (pharmacy_scan, counted_code, stock_count, pharmacy_state). Like the night
 * engine it has two halves: resolve (impure: classify the code, look its drug,
 * box key and settlements up in the reference database, all into the event
 * payload) and decide/write (pure: verdict and counts from the payload facts
 * and earlier derived state), shared by the live path, the appliers, rebuild
 * and the replay after a void. Reconciliation lives in pharmacy_reconcile.c. */
#include "core/pharmacy/pharmacy.h"

#include "core/pharmacy/workflow.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/engine_kit.h"
#include "core/store/event.h"
#include "core/store/store.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Settlement ids named in a SOLD_CODE_ON_SHELF detail. */
#define SETTLED_IDS_MAX 3

/* Statements of the decide/write half, prepared once per engine (or once
 * per replay) rather than once per scan: a scan runs each of them, twice for
 * the decision when the applier had to decide again. */
enum ph_sql_id {
    PS_DOUBLE_READ,
    PS_COUNTED_BY,
    PS_ROUND,
    PS_INSERT_SCAN,
    PS_ADD_COUNT,
    PS_INSERT_CODE,
    PS_COUNT
};

static const char *const ph_sql[PS_COUNT] = {
    [PS_DOUBLE_READ] = "SELECT max(at_ms) FROM pharmacy_scan WHERE visit = ?1 AND code = ?2"
                       " AND voided_by IS NULL AND kind <> 'count' AND at_ms <= ?3",
    [PS_COUNTED_BY] = "SELECT seq FROM counted_code WHERE visit = ?1 AND box_key = ?2",
    [PS_ROUND] = "SELECT round FROM stock_count WHERE visit = ?1 AND drug_code = ?2",
    [PS_INSERT_SCAN] = "INSERT INTO pharmacy_scan (seq, visit, event_id, at_ms, code, kind,"
                       " drug_code, box_key, qty, round, verdict, detail, settled, mismatch,"
                       " voided_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                       " ?13, ?14, ?15)",
    [PS_ADD_COUNT] = "INSERT INTO stock_count (visit, drug_code, round, counted, boxes, manual)"
                     " VALUES (?1, ?2, 1, ?3, ?4, ?5) ON CONFLICT (visit, drug_code) DO UPDATE"
                     " SET counted = counted + ?3, boxes = boxes + ?4, manual = manual + ?5",
    [PS_INSERT_CODE] = "INSERT INTO counted_code (visit, box_key, drug_code, seq)"
                       " VALUES (?1, ?2, ?3, ?4)",
};

struct ph_stmts {
    sqlite3_stmt *st[PS_COUNT];
};

/* Scan facts as stored in the payload (strings borrowed from the JSON). */
struct facts {
    const char *code, *kind, *drug_code, *box_key, *why, *settled_ids;
    double units;
    int64_t settled;
    int mismatch;
};

struct decision {
    char verdict[24];
    char detail[256];
    double qty; /* units added to the count */
    int counts; /* the scan changes the drug's count (also a RECORDED 0) */
};

/* Reference lookups of the resolve half, prepared by pharmacy_open. */
enum ph_ref_id { PR_DRUG, PR_PREFIX, PR_GTIN, PR_SETTLED, PR_COUNT };

static const char *const ph_ref_sql[PR_COUNT] = {
    [PR_DRUG] = "SELECT drug_code, pack_factor, coalesce(trace_prefix, '')"
                " FROM ref.drug WHERE site_code = ?1 AND drug_code = ?2",
    [PR_PREFIX] = "SELECT drug_code, pack_factor FROM ref.drug WHERE site_code = ?1"
                  " AND trace_prefix = ?2 ORDER BY drug_code LIMIT 1",
    /* code_index's gtin rows: the drug_gtin arm plus the gtin rows of
     * code_entry (the view itself would plan its other arms too); min()
     * picks one drug deterministically when a GTIN has several */
    [PR_GTIN] = "SELECT drug_code, pack_factor FROM ref.drug WHERE site_code = ?1"
                " AND drug_code = (SELECT min(ref) FROM"
                " (SELECT drug_code AS ref FROM ref.drug WHERE gtin = ?2 AND site_code = ?1"
                "  UNION ALL SELECT ref FROM ref.code_entry"
                "  WHERE code = ?2 AND kind = 'gtin' AND site_code = ?1))",
    [PR_SETTLED] = "SELECT settlement_id, drug_code FROM ref.settlement"
                   " WHERE trace_code = ?1 AND site_code = ?2 ORDER BY settlement_id",
};

struct pharmacy {
    struct engine_base base;
    sqlite3_stmt *ref[PR_COUNT];
    struct ph_stmts stmts;
    /* The scan being appended by commit_scan: its payload text, facts and
     * decision, so the applier that event_append_ctx runs (given this
     * engine as its context) need not parse and
     * decide again (same transaction, same derived state: same answer). */
    const char *pending_text;
    const struct facts *pending_facts;
    const struct decision *pending_decision;
};

/* The statement id of set c, prepared on first use, ready to bind. */
static int ph_stmt(struct store *s, struct ph_stmts *c, enum ph_sql_id id, sqlite3_stmt **out,
                   struct fc_error *err)
{
    int rc = c->st[id] ? FC_OK : store_prepare_kept(s, ph_sql[id], &c->st[id], err);

    *out = rc ? NULL : c->st[id];
    return rc;
}

static void ph_stmts_release(struct ph_stmts *c)
{
    store_finalize_set(c->st, PS_COUNT);
}

static void facts_from_json(json_t *o, struct facts *f)
{
    memset(f, 0, sizeof(*f));
    f->code = engine_str(o, "code");
    f->kind = engine_str(o, "kind");
    f->drug_code = engine_str(o, "drug_code");
    f->box_key = engine_str(o, "box_key");
    f->why = engine_str(o, "why");
    f->settled_ids = engine_str(o, "settled_ids");
    f->units = json_number_value(json_object_get(o, "units"));
    f->settled = json_integer_value(json_object_get(o, "settled"));
    f->mismatch = json_is_true(json_object_get(o, "mismatch"));
}
/* 1 if code was scanned (not voided, not a manual count) in this visit within
 * the double-read window before at_ms, 0 if not, or a negative error. */
static int is_double_read(struct store *s, struct ph_stmts *c, const char *visit, const char *code,
                          int64_t at_ms, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = ph_stmt(s, c, PS_DOUBLE_READ, &st, err);

    return rc ? rc : engine_double_read(s, st, visit, code, at_ms, PHARMACY_DOUBLE_READ_MS, err);
}

/* The integer query id of set c answers for (visit, key): dflt when it has
 * no row, a negative error when it fails (what names the reading). */
static int64_t ph_int(struct store *s, struct ph_stmts *c, enum ph_sql_id id, const char *visit,
                      const char *key, int64_t dflt, const char *what, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t v;
    int rc = ph_stmt(s, c, id, &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, visit);
    store_bind_text(st, 2, key);
    v = engine_step_int(s, st, dflt, what, err);
    store_stmt_release(st);
    return v;
}

/* The seq that counted box_key in this visit's current round, 0 if none. */
static int64_t counted_by(struct store *s, struct ph_stmts *c, const char *visit,
                          const char *box_key, struct fc_error *err)
{
    return ph_int(s, c, PS_COUNTED_BY, visit, box_key, 0, "cannot read counted codes", err);
}

#define VERDICT(d, v) snprintf((d)->verdict, sizeof((d)->verdict), "%s", v)

/* The verdict of a scan from its facts and the visit's derived state. */
static int pharmacy_decide(struct store *s, struct ph_stmts *c, const char *visit, int64_t at_ms,
                           const struct facts *f, struct decision *d, struct fc_error *err)
{
    int is_count = !strcmp(f->kind, "count");
    int64_t by;
    int rc;

    memset(d, 0, sizeof(*d));
    if (is_count) {
        if (!f->drug_code[0]) {
            VERDICT(d, "UNKNOWN_ITEM");
            snprintf(d->detail, sizeof(d->detail), "%s", f->why);
            return FC_OK;
        }
        VERDICT(d, "RECORDED");
        d->qty = f->units;
        d->counts = 1;
        snprintf(d->detail, sizeof(d->detail), "%s:%.15g", f->drug_code, f->units);
        return FC_OK;
    }
    if (strcmp(f->kind, "action") != 0) {
        rc = is_double_read(s, c, visit, f->code, at_ms, err);
        if (rc < 0)
            return rc;
        if (rc) {
            VERDICT(d, "DUPLICATE_SCAN");
            snprintf(d->detail, sizeof(d->detail), "DOUBLE_READ");
            return FC_OK;
        }
    }
    if (!f->drug_code[0]) {
        VERDICT(d, "UNKNOWN_ITEM");
        snprintf(d->detail, sizeof(d->detail), "%s", f->why);
        return FC_OK;
    }
    if (!f->box_key[0]) {
        VERDICT(d, "GTIN_COUNTED");
        d->qty = f->units;
        d->counts = 1;
        return FC_OK;
    }
    by = counted_by(s, c, visit, f->box_key, err);
    if (by < 0)
        return (int)by;
    if (by > 0) {
        VERDICT(d, "DUPLICATE_SCAN");
        snprintf(d->detail, sizeof(d->detail), "ALREADY_COUNTED:%lld", (long long)by);
        return FC_OK;
    }
    d->qty = f->units;
    d->counts = 1;
    if (f->settled > 0) {
        VERDICT(d, "SOLD_CODE_ON_SHELF");
        snprintf(d->detail, sizeof(d->detail), "SETTLED:%s", f->settled_ids);
    } else {
        VERDICT(d, "COUNTED");
    }
    if (f->mismatch)
        snprintf(d->detail + strlen(d->detail), sizeof(d->detail) - strlen(d->detail), "%s%s",
                 d->detail[0] ? ";" : "", "PREFIX_MISMATCH");
    return FC_OK;
}

/* The drug's current round in this visit (1 before any recount). */
static int64_t current_round(struct store *s, struct ph_stmts *c, const char *visit,
                             const char *drug, struct fc_error *err)
{
    return ph_int(s, c, PS_ROUND, visit, drug, 1, "cannot read the stock count", err);
}

/* Writes the derived rows of one scan: the pharmacy_scan row and, when it
 * counts, the stock_count and counted_code rows. voided_by > 0 stores a
 * voided scan that changes nothing. */
static int pharmacy_write(struct store *s, struct ph_stmts *c, const char *visit, int64_t seq,
                          const char *event_id, int64_t at_ms, const struct facts *f,
                          const struct decision *d, int64_t voided_by, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t round = 1;
    int counts = d->counts && !voided_by;
    int is_count = !strcmp(f->kind, "count");
    int rc;

    if (f->drug_code[0]) {
        round = current_round(s, c, visit, f->drug_code, err);
        if (round < 0)
            return (int)round;
    }
    rc = ph_stmt(s, c, PS_INSERT_SCAN, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    store_bind_text(st, 2, visit);
    store_bind_text(st, 3, event_id);
    sqlite3_bind_int64(st, 4, at_ms);
    store_bind_text(st, 5, f->code);
    store_bind_text(st, 6, f->kind);
    store_bind_text(st, 7, f->drug_code[0] ? f->drug_code : NULL);
    store_bind_text(st, 8, f->box_key[0] ? f->box_key : NULL);
    sqlite3_bind_double(st, 9, counts ? d->qty : 0);
    sqlite3_bind_int64(st, 10, round);
    store_bind_text(st, 11, d->verdict);
    store_bind_text(st, 12, d->detail);
    sqlite3_bind_int(st, 13, f->settled > 0);
    sqlite3_bind_int(st, 14, f->mismatch);
    if (voided_by)
        sqlite3_bind_int64(st, 15, voided_by);
    rc = store_step_done(s, st, "cannot record the scan", err);
    if (rc || !counts)
        return rc;
    rc = ph_stmt(s, c, PS_ADD_COUNT, &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, visit);
    store_bind_text(st, 2, f->drug_code);
    sqlite3_bind_double(st, 3, d->qty);
    sqlite3_bind_int(st, 4, !is_count);
    sqlite3_bind_double(st, 5, is_count ? d->qty : 0);
    rc = store_step_done(s, st, "cannot update the stock count", err);
    if (rc || !f->box_key[0])
        return rc;
    rc = ph_stmt(s, c, PS_INSERT_CODE, &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, visit);
    store_bind_text(st, 2, f->box_key);
    store_bind_text(st, 3, f->drug_code);
    sqlite3_bind_int64(st, 4, seq);
    return store_step_done(s, st, "cannot record the counted code", err);
}

static int apply_scan_payload(struct store *s, struct ph_stmts *c, const char *visit, int64_t seq,
                              const char *event_id, int64_t at_ms, const char *payload,
                              int64_t voided_by, struct fc_error *err)
{
    json_t *p = json_loads(payload, 0, NULL);
    struct facts f;
    struct decision d;
    int rc;

    if (!json_is_object(p)) {
        json_decref(p);
        return fc_error_set(err, FC_EINTEGRITY, "event %lld: bad scan payload", (long long)seq);
    }
    facts_from_json(p, &f);
    if (voided_by) {
        memset(&d, 0, sizeof(d));
        snprintf(d.verdict, sizeof(d.verdict), "%s", engine_str(p, "verdict"));
        snprintf(d.detail, sizeof(d.detail), "%s", engine_str(p, "detail"));
        rc = FC_OK;
    } else {
        rc = pharmacy_decide(s, c, visit, at_ms, &f, &d, err);
    }
    if (!rc)
        rc = pharmacy_write(s, c, visit, seq, event_id, at_ms, &f, &d, voided_by, err);
    json_decref(p);
    return rc;
}

int pharmacy_apply_scan(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    struct pharmacy *eng = ctx;
    struct ph_stmts local = {{NULL}};
    int rc;

    if (eng && eng->pending_text && !strcmp(eng->pending_text, e->payload))
        return pharmacy_write(s, &eng->stmts, e->visit, e->seq, e->id, e->at_ms, eng->pending_facts,
                              eng->pending_decision, 0, err);
    if (eng)
        return apply_scan_payload(s, &eng->stmts, e->visit, e->seq, e->id, e->at_ms, e->payload, 0,
                                  err);
    rc = apply_scan_payload(s, &local, e->visit, e->seq, e->id, e->at_ms, e->payload, 0, err);
    ph_stmts_release(&local);
    return rc;
}

static int apply_round_payload(struct store *s, const char *visit, const char *payload,
                               struct fc_error *err)
{
    json_t *p = json_loads(payload, 0, NULL);
    sqlite3_stmt *st = NULL;
    const char *drug = engine_str(p, "drug_code");
    int rc;

    if (!json_is_object(p) || !drug[0]) {
        rc = fc_error_set(err, FC_EINTEGRITY, "bad pharmacy_round payload");
        goto out;
    }
    rc = store_stmt(s,
                    "INSERT INTO stock_count (visit, drug_code, round, counted, boxes, manual)"
                    " VALUES (?1, ?2, 2, 0, 0, 0) ON CONFLICT (visit, drug_code) DO UPDATE"
                    " SET round = round + 1, counted = 0, boxes = 0, manual = 0",
                    &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, visit);
    store_bind_text(st, 2, drug);
    rc = store_step_done(s, st, "cannot start a new round", err);
    if (rc)
        goto out;
    rc = store_stmt(s, "DELETE FROM counted_code WHERE visit = ?1 AND drug_code = ?2", &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, visit);
    store_bind_text(st, 2, drug);
    rc = store_step_done(s, st, "cannot start a new round", err);
out:
    json_decref(p);
    return rc;
}

int pharmacy_apply_round(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    (void)ctx;
    return apply_round_payload(s, e->visit, e->payload, err);
}

int pharmacy_apply_blind(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    sqlite3_stmt *st = NULL;
    int rc = FC_OK;

    (void)ctx;
    if (!json_is_boolean(json_object_get(p, "blind"))) {
        rc = fc_error_set(err, FC_EINTEGRITY, "event %lld: bad pharmacy_blind payload",
                          (long long)e->seq);
        goto out;
    }
    rc = store_stmt(s,
                    "INSERT OR REPLACE INTO pharmacy_state (visit, blind, changed_seq)"
                    " VALUES (?1, ?2, ?3)",
                    &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, e->visit);
    sqlite3_bind_int(st, 2, json_is_true(json_object_get(p, "blind")));
    sqlite3_bind_int64(st, 3, e->seq);
    rc = store_step_done(s, st, "cannot record blind counting", err);
out:
    json_decref(p);
    return rc;
}

/* The replay of a visit's scans and rounds (pharmacy_recompute). */
struct ph_replay {
    struct store *s;
    struct ph_stmts *c;
    const char *visit;
    struct fc_error *err;
};

static int replay_event(sqlite3_stmt *st, void *ctx)
{
    struct ph_replay *r = ctx;
    int64_t at_ms = 0;

    clock_parse(store_col_text(st, 2), &at_ms);
    if (!strcmp(store_col_text(st, 3), "pharmacy_round"))
        return apply_round_payload(r->s, r->visit, store_col_text(st, 4), r->err);
    return apply_scan_payload(r->s, r->c, r->visit, sqlite3_column_int64(st, 0),
                              store_col_text(st, 1), at_ms, store_col_text(st, 4),
                              sqlite3_column_int64(st, 5), r->err);
}

/* Recomputes a visit's count state from its scans and rounds before seq
 * upto, skipping the scans voided so far (pharmacy_void). */
static int pharmacy_recompute(struct store *s, const char *visit, int64_t upto,
                              struct pharmacy *eng, struct fc_error *err)
{
    static const char *const clear[] = {
        "DELETE FROM pharmacy_scan WHERE visit = ?1",
        "DELETE FROM counted_code WHERE visit = ?1",
        "DELETE FROM stock_count WHERE visit = ?1",
    };
    struct ph_stmts local = {{NULL}};
    struct ph_replay r = {s, eng ? &eng->stmts : &local, visit, err};
    sqlite3_stmt *st = NULL;
    int rc = engine_clear_visit(s, clear, sizeof(clear) / sizeof(clear[0]), visit,
                                "cannot reset the stock count", err);

    if (!rc)
        rc =
            store_prepare(s,
                          "SELECT e.seq, e.id, e.at, e.kind, e.payload,"
                          " (SELECT min(v.seq) FROM pharmacy_void v WHERE v.target_seq = e.seq)"
                          " FROM event e WHERE e.visit = ?1"
                          " AND e.kind IN ('scan', 'pharmacy_round') AND e.seq < ?2 ORDER BY e.seq",
                          &st, err);
    if (!rc) {
        store_bind_text(st, 1, visit);
        sqlite3_bind_int64(st, 2, upto);
        rc = store_each(s, st, replay_event, &r, "cannot read the visit's scans", err);
    }
    ph_stmts_release(&local);
    return rc;
}

int pharmacy_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    json_t *p = json_loads(e->payload, 0, NULL);
    sqlite3_stmt *st = NULL;
    int rc = FC_OK;

    /* a void of a record (evidence, an interview) changes no count */
    if (!json_object_get(p, "target_seq"))
        goto out;
    if (!json_is_integer(json_object_get(p, "target_seq"))) {
        rc = fc_error_set(err, FC_EINTEGRITY, "event %lld: bad void payload", (long long)e->seq);
        goto out;
    }
    rc = store_stmt(s, "INSERT INTO pharmacy_void (seq, visit, target_seq) VALUES (?1, ?2, ?3)",
                    &st, err);
    if (rc)
        goto out;
    sqlite3_bind_int64(st, 1, e->seq);
    store_bind_text(st, 2, e->visit);
    sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(p, "target_seq")));
    rc = store_step_done(s, st, "cannot record the void", err);
    if (!rc)
        rc = pharmacy_recompute(s, e->visit, e->seq, ctx, err);
out:
    json_decref(p);
    return rc;
}

/* ---- the engine ------------------------------------------------------------- */

void pharmacy_free(struct pharmacy *p)
{
    if (!p)
        return;
    store_finalize_set(p->ref, PR_COUNT);
    ph_stmts_release(&p->stmts);
    engine_base_release(&p->base);
    free(p);
}

const struct visit *pharmacy_visit(const struct pharmacy *p)
{
    return &p->base.visit;
}

int pharmacy_open(struct store *s, const char *visit, struct pharmacy **out, struct fc_error *err)
{
    struct pharmacy *p = xcalloc(1, sizeof(*p));
    int rc = engine_base_open(&p->base, s, visit, &pharmacy_workflow, err);

    *out = NULL;
    if (!rc)
        rc = store_prepare_set(s, ph_ref_sql, p->ref, PR_COUNT, err);
    if (!rc)
        rc = store_prepare_set(s, ph_sql, p->stmts.st, PS_COUNT, err);
    if (rc) {
        pharmacy_free(p);
        return rc;
    }
    *out = p;
    return FC_OK;
}

/* Runs a one-row drug lookup st (already bound); fills drug and pack factor.
 * 1 found, 0 not, negative on error. */
static int drug_row(struct pharmacy *p, sqlite3_stmt *st, json_t *payload, const char *what,
                    struct fc_error *err)
{
    int step = sqlite3_step(st), rc = 0;

    if (step == SQLITE_ROW) {
        json_object_set_new(payload, "drug_code", json_string(store_col_text(st, 0)));
        json_object_set_new(payload, "units", json_real(sqlite3_column_double(st, 1)));
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_fail(p->base.store, err, what);
    }
    store_stmt_release(st);
    return rc;
}

/* Facts of a 20-digit traceability code: the drug by product prefix (else the
 * drug insurance settled it as, flagged as a prefix mismatch), the box key and
 * the settlements of the code. */
/* The settlements of a box's code (key) at this site: "settled" and
 * "settled_ids" facts, and the drug of the first one in settled_drug. */
static int settled_facts(struct pharmacy *p, const char *code, json_t *payload,
                         char settled_drug[SCAN_REF_MAX], struct fc_error *err)
{
    struct buf ids = BUF_INIT;
    int64_t n = 0;
    int rc = FC_OK, step;

    sqlite3_reset(p->ref[PR_SETTLED]);
    store_bind_text(p->ref[PR_SETTLED], 1, code);
    store_bind_text(p->ref[PR_SETTLED], 2, p->base.visit.site_code);
    while ((step = sqlite3_step(p->ref[PR_SETTLED])) == SQLITE_ROW) {
        if (n < SETTLED_IDS_MAX)
            buf_addf(&ids, "%s%s", n ? "," : "", store_col_text(p->ref[PR_SETTLED], 0));
        if (!n)
            snprintf(settled_drug, SCAN_REF_MAX, "%s", store_col_text(p->ref[PR_SETTLED], 1));
        n++;
    }
    store_stmt_release(p->ref[PR_SETTLED]);
    if (step != SQLITE_DONE)
        rc = store_fail(p->base.store, err, "cannot look the code's settlements up");
    else if (n) {
        json_object_set_new(payload, "settled", json_integer(n));
        json_object_set_new(payload, "settled_ids", json_string(ids.ptr));
    }
    buf_release(&ids);
    return rc;
}

static int resolve_trace(struct pharmacy *p, const char *code, json_t *payload,
                         struct fc_error *err)
{
    char prefix[8], settled_drug[SCAN_REF_MAX] = "";
    int rc;

    snprintf(prefix, sizeof(prefix), "%.7s", code);
    json_object_set_new(payload, "box_key", json_string(code));
    rc = settled_facts(p, code, payload, settled_drug, err);
    if (rc)
        goto out;
    store_bind_text(p->ref[PR_PREFIX], 1, p->base.visit.site_code);
    store_bind_text(p->ref[PR_PREFIX], 2, prefix);
    rc = drug_row(p, p->ref[PR_PREFIX], payload, "cannot look the product prefix up", err);
    if (rc)
        goto out; /* found (1) or failed */
    if (settled_drug[0]) {
        store_bind_text(p->ref[PR_DRUG], 1, p->base.visit.site_code);
        store_bind_text(p->ref[PR_DRUG], 2, settled_drug);
        rc = drug_row(p, p->ref[PR_DRUG], payload, "cannot look the drug up", err);
        if (rc > 0)
            json_object_set_new(payload, "mismatch", json_true());
        if (rc)
            goto out;
    }
    json_object_set_new(payload, "why", json_sprintf("NO_DRUG_FOR_PREFIX:%s", prefix));
out:
    return rc < 0 ? rc : FC_OK;
}

/* Facts of a GTIN (from a bare barcode or a GS1 element string): the drug by
 * its GTIN-14, and the box key when a GS1 serial makes the box unique. */
static int resolve_gtin(struct pharmacy *p, const char *gtin14, const char *serial, json_t *payload,
                        struct fc_error *err)
{
    int rc;

    if (!gtin14[0]) {
        json_object_set_new(payload, "why", json_string("NO_GTIN"));
        return FC_OK;
    }
    json_object_set_new(payload, "gtin", json_string(gtin14));
    if (serial && serial[0]) {
        /* settlements.csv stores a GS1 trace code by this key (the loader) */
        char key[64], settled_drug[SCAN_REF_MAX] = "";
        snprintf(key, sizeof(key), "(01)%s(21)%s", gtin14, serial);
        json_object_set_new(payload, "box_key", json_string(key));
        rc = settled_facts(p, key, payload, settled_drug, err);
        if (rc)
            return rc;
    }
    store_bind_text(p->ref[PR_GTIN], 1, p->base.visit.site_code);
    store_bind_text(p->ref[PR_GTIN], 2, gtin14);
    rc = drug_row(p, p->ref[PR_GTIN], payload, "cannot look the GTIN up", err);
    if (rc == 0)
        json_object_set_new(payload, "why", json_sprintf("NO_DRUG_FOR_GTIN:%s", gtin14));
    return rc < 0 ? rc : FC_OK;
}

/* Resolves the facts of one scan into payload (impure: reads ref). */
static int pharmacy_resolve(struct pharmacy *p, const char *raw, size_t len, int64_t at_ms,
                            json_t *payload, char source[16], struct fc_error *err)
{
    struct scan_class *sc = xmalloc(sizeof(*sc));
    struct ident_scan *sh = NULL;
    char item[IDENT_ITEM_CODE_MAX + 1];
    long qty = 0;
    int rc;

    rc = scan_classify(p->base.cls, raw, len, at_ms, sc, err);
    if (rc)
        goto out;
    snprintf(source, 16, "%s", scan_source_name(sc->source));
    json_object_set_new(payload, "code", scan_code_json(sc->code));
    scan_payload_add(sc, payload);
    json_object_set_new(payload, "source", json_string(source));
    /* The manual count form is an action word of this workflow; the shared
     * classifier leaves it to the engines. */
    if (ident_action_parse(sc->code, strlen(sc->code), item, &qty) == IDENT_ACTION_COUNT) {
        json_object_set_new(payload, "kind", json_string("count"));
        snprintf(source, 16, "action");
        json_object_set_new(payload, "source", json_string(source));
        store_bind_text(p->ref[PR_DRUG], 1, p->base.visit.site_code);
        store_bind_text(p->ref[PR_DRUG], 2, item);
        rc = drug_row(p, p->ref[PR_DRUG], payload, "cannot look the drug up", err);
        if (rc > 0)
            json_object_set_new(payload, "units", json_real((double)qty));
        else if (rc == 0)
            json_object_set_new(payload, "why", json_sprintf("NOT_A_DRUG_OF_SITE:%s", item));
        rc = rc < 0 ? rc : FC_OK;
        goto out;
    }
    json_object_set_new(payload, "kind", json_string(scan_kind_name(sc->kind)));
    switch (sc->kind) {
    case SCAN_TRACE_CODE: rc = resolve_trace(p, sc->code, payload, err); break;
    case SCAN_GTIN:
    case SCAN_GS1: {
        char gtin14[15] = "";

        sh = xmalloc(sizeof(*sh));
        ident_classify_shape(sc->code, strlen(sc->code), at_ms, sh);
        if (sh->kind == IDENT_GS1)
            rc = resolve_gtin(p, sh->gs1.gtin, sh->gs1.serial, payload, err);
        else if (ident_gtin_to14(sc->code, gtin14) == FC_OK)
            rc = resolve_gtin(p, gtin14, NULL, payload, err);
        else
            rc = resolve_gtin(p, "", NULL, payload, err);
        break;
    }
    case SCAN_ACTION:
        json_object_set_new(payload, "action", json_string(ident_action_name(sc->action)));
        json_object_set_new(payload, "why", json_string("NOT_A_PHARMACY_ACTION"));
        break;
    default:
        json_object_set_new(payload, "why",
                            json_sprintf("NOT_A_DRUG_CODE:%s", scan_kind_name(sc->kind)));
        break;
    }
out:
    free(sh);
    free(sc);
    return rc;
}

static void result_message(struct pharmacy_result *r)
{
    const char *v = r->verdict;
    char q[32];

    pharmacy_format_qty(r->qty, q);
    if (!strcmp(v, "COUNTED"))
        snprintf(r->message, sizeof(r->message), "%s: box counted (+%s)", r->drug_code, q);
    else if (!strcmp(v, "GTIN_COUNTED"))
        snprintf(r->message, sizeof(r->message),
                 "%s: box counted by GTIN only (+%s; cannot be de-duplicated)", r->drug_code, q);
    else if (!strcmp(v, "SOLD_CODE_ON_SHELF"))
        snprintf(r->message, sizeof(r->message),
                 "%s: box counted (+%s), but insurance already settled this code (%s)",
                 r->drug_code, q, r->detail);
    else if (!strcmp(v, "DUPLICATE_SCAN"))
        snprintf(r->message, sizeof(r->message), "%s of %s ignored",
                 !strcmp(r->detail, "DOUBLE_READ") ? "double read" : "box already counted",
                 r->code);
    else if (!strcmp(v, "RECORDED"))
        snprintf(r->message, sizeof(r->message), "%s: %s units recorded", r->drug_code, q);
    else if (!strcmp(v, "UNKNOWN_ITEM"))
        snprintf(r->message, sizeof(r->message), "no drug of this site for %s (%s)", r->code,
                 r->detail);
    else
        snprintf(r->message, sizeof(r->message), "%s", v);
}

/* Fills r from t (its message is made here) and the drug's figures. */
static void result_fill(struct pharmacy_result *r, const struct engine_result_text *t,
                        const char *drug_code, double qty, int64_t round)
{
    memset(r, 0, sizeof(*r));
    ENGINE_RESULT_COPY(r, t);
    snprintf(r->drug_code, sizeof(r->drug_code), "%s", drug_code);
    r->qty = qty;
    r->round = round;
    result_message(r);
}

/* Decides, appends and commits a scan whose facts are in payload. */
static int commit_scan(struct pharmacy *p, json_t *payload, const struct scan_arrival *arrival,
                       int64_t at_ms, const char *source, struct pharmacy_result *out,
                       struct fc_error *err)
{
    struct facts f;
    struct decision d;
    struct event e;
    char *text = NULL;
    int64_t round = 1;
    int rc;

    scan_arrival_stamp(arrival, payload);
    facts_from_json(payload, &f);
    rc = pharmacy_decide(p->base.store, &p->stmts, p->base.visit.id, at_ms, &f, &d, err);
    if (rc)
        goto out;
    json_object_set_new(payload, "verdict", json_string(d.verdict));
    json_object_set_new(payload, "detail", json_string(d.detail));
    text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        rc = fc_error_set(err, FC_EINPUT, "scan '%s' is not valid UTF-8", f.code);
        goto out;
    }
    facts_from_json(payload, &f);
    p->pending_text = text;
    p->pending_facts = &f;
    p->pending_decision = &d;
    rc = event_append_ctx(p->base.store, p->base.visit.id, at_ms, "scan",
                          f.drug_code[0] ? f.drug_code : NULL, text, p, &e, err);
    p->pending_text = NULL;
    p->pending_facts = NULL;
    p->pending_decision = NULL;
    if (!rc && f.drug_code[0]) {
        round = current_round(p->base.store, &p->stmts, p->base.visit.id, f.drug_code, err);
        rc = round < 0 ? (int)round : FC_OK;
    }
    if (rc)
        goto out;
    rc = store_commit(p->base.store, err);
    if (!rc && out) {
        struct engine_result_text t = {.seq = e.seq,
                                       .event_id = e.id,
                                       .code = f.code,
                                       .kind = f.kind,
                                       .source = source,
                                       .verdict = d.verdict,
                                       .detail = d.detail};

        result_fill(out, &t, f.drug_code, d.qty, round);
    }
out:
    free(text);
    return rc;
}

int pharmacy_scan(struct pharmacy *p, const char *raw, size_t len,
                  const struct scan_arrival *arrival, int64_t at_ms, struct pharmacy_result *out,
                  struct fc_error *err)
{
    json_t *payload = json_object();
    char source[16] = "";
    int rc;

    rc = engine_begin(&p->base, err);
    if (rc)
        goto out;
    rc = pharmacy_resolve(p, raw, len, at_ms, payload, source, err);
    if (!rc)
        rc = commit_scan(p, payload, arrival, at_ms, source, out, err);
    if (rc)
        store_rollback(p->base.store);
out:
    json_decref(payload);
    return rc;
}

int pharmacy_count(struct pharmacy *p, const char *drug_code, long qty, int64_t at_ms,
                   struct pharmacy_result *out, struct fc_error *err)
{
    json_t *payload = json_object();
    int rc;

    if (qty < 0 || qty > IDENT_COUNT_QTY_MAX) {
        rc = fc_error_set(err, FC_EUSAGE, "count quantity %ld out of range (0..%d)", qty,
                          IDENT_COUNT_QTY_MAX);
        goto out;
    }
    rc = engine_begin(&p->base, err);
    if (rc)
        goto out;
    json_object_set_new(payload, "code", json_sprintf("%s:%ld", drug_code, qty));
    json_object_set_new(payload, "kind", json_string("count"));
    json_object_set_new(payload, "source", json_string("command"));
    store_bind_text(p->ref[PR_DRUG], 1, p->base.visit.site_code);
    store_bind_text(p->ref[PR_DRUG], 2, drug_code);
    rc = drug_row(p, p->ref[PR_DRUG], payload, "cannot look the drug up", err);
    if (rc > 0)
        json_object_set_new(payload, "units", json_real((double)qty));
    else if (rc == 0)
        json_object_set_new(payload, "why", json_sprintf("NOT_A_DRUG_OF_SITE:%s", drug_code));
    rc = rc < 0 ? rc : commit_scan(p, payload, NULL, at_ms, "command", out, err);
    if (rc)
        store_rollback(p->base.store);
out:
    json_decref(payload);
    return rc;
}

/* Appends and commits a visit-level pharmacy event (round or blind). */
static int commit_event(struct pharmacy *p, const char *kind, const char *subject, json_t *body,
                        int64_t at_ms, struct fc_error *err)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    int rc;

    if (!text)
        return fc_error_set(err, FC_EINPUT, "%s text is not valid UTF-8", kind);
    rc =
        event_append_ctx(p->base.store, p->base.visit.id, at_ms, kind, subject, text, p, NULL, err);
    if (!rc)
        rc = store_commit(p->base.store, err);
    else
        store_rollback(p->base.store);
    free(text);
    return rc;
}

int pharmacy_recount(struct pharmacy *p, const char *drug_code, int64_t at_ms, int64_t *round,
                     struct fc_error *err)
{
    json_t *body = NULL;
    int rc = engine_begin(&p->base, err);

    if (rc)
        return rc;
    store_bind_text(p->ref[PR_DRUG], 1, p->base.visit.site_code);
    store_bind_text(p->ref[PR_DRUG], 2, drug_code);
    body = json_object();
    rc = drug_row(p, p->ref[PR_DRUG], body, "cannot look the drug up", err);
    if (rc <= 0) {
        store_rollback(p->base.store);
        if (rc == 0)
            rc = fc_error_set(err, FC_ENOTFOUND, "site '%s' has no drug '%s'",
                              p->base.visit.site_code, drug_code);
        goto out;
    }
    json_object_del(body, "units");
    rc = commit_event(p, "pharmacy_round", drug_code, body, at_ms, err);
    if (!rc && round) {
        *round = current_round(p->base.store, &p->stmts, p->base.visit.id, drug_code, err);
        rc = *round < 0 ? (int)*round : FC_OK;
    }
out:
    json_decref(body);
    return rc;
}

int pharmacy_set_blind(struct pharmacy *p, int blind, int64_t at_ms, struct fc_error *err)
{
    json_t *body = json_pack("{s:b}", "blind", blind);
    int rc = engine_begin(&p->base, err);

    if (!rc)
        rc = commit_event(p, "pharmacy_blind", NULL, body, at_ms, err);
    json_decref(body);
    return rc;
}

int pharmacy_set_complete(struct pharmacy *p, int64_t at_ms, struct fc_error *err)
{
    json_t *body = json_pack("{s:b}", "complete", 1);
    int rc = engine_base_writable(&p->base, err);

    if (!rc) {
        rc = pharmacy_is_complete(p->base.store, &p->base.visit, err);
        if (rc > 0)
            rc = fc_error_set(err, FC_ESTATE, "the count of visit '%.8s' is complete already",
                              p->base.visit.id);
    }
    if (!rc)
        rc = store_begin(p->base.store, err);
    if (!rc)
        rc = commit_event(p, "pharmacy_complete", NULL, body, at_ms, err);
    json_decref(body);
    return rc;
}

int pharmacy_is_complete(struct store *s, const struct visit *v, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s, "SELECT 1 FROM pharmacy_complete WHERE visit = ?1", &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, v->id);
    rc = (int)engine_step_int(s, st, 0, "cannot read the count", err);
    store_stmt_release(st);
    return rc;
}

int pharmacy_apply_complete(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s, "INSERT OR IGNORE INTO pharmacy_complete (visit, seq) VALUES (?1, ?2)",
                        &st, err);

    (void)ctx;
    if (rc)
        return rc;
    store_bind_text(st, 1, e->visit);
    sqlite3_bind_int64(st, 2, e->seq);
    return store_step_done(s, st, "cannot record the complete count", err);
}

int pharmacy_is_blind(struct store *s, const struct visit *v, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (v->closed_at[0])
        return 0; /* closing the visit saves the count */
    rc = store_prepare(s, "SELECT blind FROM pharmacy_state WHERE visit = ?1", &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, v->id);
    rc = (int)engine_step_int(s, st, 0, "cannot read visit", err);
    sqlite3_finalize(st);
    return rc;
}
/* The stored result of scan seq (after corrections). */
static int scan_state(struct pharmacy *p, int64_t seq, struct pharmacy_result *out,
                      struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(p->base.store,
                           "SELECT event_id, code, kind, verdict, detail, coalesce(drug_code, ''),"
                           " qty, round, voided_by FROM pharmacy_scan WHERE seq = ?1",
                           &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct engine_result_text t = {
            .seq = seq,
            .event_id = store_col_text(st, 0),
            .code = store_col_text(st, 1),
            .kind = store_col_text(st, 2),
            .source = sqlite3_column_type(st, 8) != SQLITE_NULL ? "voided" : "log",
            .verdict = store_col_text(st, 3),
            .detail = store_col_text(st, 4)};

        result_fill(out, &t, store_col_text(st, 5), sqlite3_column_double(st, 6),
                    sqlite3_column_int64(st, 7));
        rc = FC_OK;
    } else {
        rc = rc == SQLITE_DONE ? fc_error_set(err, FC_ENOTFOUND, "no scan %lld", (long long)seq)
                               : store_fail(p->base.store, err, "cannot read the scan");
    }
    sqlite3_finalize(st);
    return rc;
}

int pharmacy_void(struct pharmacy *p, const char *target, const char *reason, int64_t at_ms,
                  struct pharmacy_result *out, struct fc_error *err)
{
    struct buf id = BUF_INIT;
    json_t *body = NULL;
    int64_t seq = 0;
    int rc;

    if (!reason || !*reason)
        return fc_error_set(err, FC_EUSAGE, "a void needs a reason (--reason TEXT)");
    rc = engine_begin(&p->base, err);
    if (rc)
        return rc;
    rc = engine_find_live_scan(&p->base, target,
                               "SELECT 1 FROM pharmacy_void WHERE target_seq = ?1", &seq, &id, err);
    if (rc) {
        store_rollback(p->base.store);
        goto out;
    }
    body = json_pack("{s:s, s:s, s:I}", "target", id.ptr, "reason", reason, "target_seq",
                     (json_int_t)seq);
    if (!body) {
        store_rollback(p->base.store);
        rc = fc_error_set(err, FC_EINPUT, "void reason is not valid UTF-8");
        goto out;
    }
    rc = commit_event(p, "void", id.ptr, body, at_ms, err);
    if (!rc && out)
        rc = scan_state(p, seq, out, err);
out:
    json_decref(body);
    buf_release(&id);
    return rc;
}

void pharmacy_format_qty(double q, char out[32])
{
    double r = round(q);
    size_t n;

    if (fabs(q - r) < 1e-9 && fabs(r) < 9e15) {
        snprintf(out, 32, "%lld", (long long)r);
        return;
    }
    snprintf(out, 32, "%.3f", q);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
}
