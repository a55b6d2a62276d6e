/* Night bed check engine. Two halves: resolve (impure: classifies the code
 * and looks its facts up in the reference database, all of which go into the
 * event payload) and decide/write (pure: verdict and derived state from the
 * payload facts and the earlier derived night state). The live path runs
 * decide before the append to answer and the applier runs it again to write,
 * so a live scan, a rebuild and a correction replay share one code path. */
#include "core/night/night.h"

#include "core/night/workflow.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/engine_kit.h"
#include "core/store/event.h"
#include "core/store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* snprintf(dst, size, "%s", src) without the format machinery: the copies
 * below run several times per scan. Truncates like snprintf; src NULL is "". */
static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = src ? strnlen(src, size - 1) : 0;

    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

/* Facts kept per scanned bed (night_bed.flags). */
enum {
    BED_EMPTY = 1 << 0,
    BED_EXAM = 1 << 1,
    BED_LEAVE = 1 << 2,
    BED_WRONG = 1 << 3,
    BED_MISMATCH = 1 << 4,
    BED_NOT_LISTED = 1 << 5,
    BED_ID_MATCH = 1 << 6,
    BED_BAND_MATCH = 1 << 7,
    BED_OCCUPANT = 1 << 8,
    BED_NO_BAND = 1 << 9,
    BED_NO_ID = 1 << 10,
};

#define REF_LEN SCAN_REF_MAX

/* The reference lookups of the resolve half, prepared by night_open. */
enum { Q_BED_LISTED, Q_WARD, Q_BED_ROSTER, Q_ADM, Q_ID, Q_LEAVE, Q_COUNT };

static const char *const night_sql[Q_COUNT] = {
    [Q_BED_LISTED] = "SELECT admission_no FROM ref.inpatient WHERE site_code = ?1"
                     " AND ward_code = ?2 AND bed = ?3 ORDER BY admission_no",
    [Q_WARD] = "SELECT bed_count FROM ref.ward WHERE site_code = ?1 AND ward_code = ?2",
    [Q_BED_ROSTER] = "SELECT 1 FROM ref.inpatient WHERE site_code = ?1 AND ward_code = ?2"
                     " AND bed = ?3 LIMIT 1",
    [Q_ADM] = "SELECT ward_code, bed FROM ref.inpatient WHERE site_code = ?1"
              " AND admission_no = ?2 LIMIT 1",
    /* two equality probes and no ORDER BY: an IN list or a sort would build
     * a temporary table on every scan; night_resolve picks the rows it wants */
    [Q_ID] = "SELECT site_code, admission_no, ward_code, bed FROM ref.inpatient"
             " WHERE id_number = ?1 UNION ALL"
             " SELECT site_code, admission_no, ward_code, bed FROM ref.inpatient"
             " WHERE id_number = ?2 AND ?2 <> ?1",
    [Q_LEAVE] = "SELECT leave_from, leave_until FROM ref.leave WHERE site_code = ?1"
                " AND admission_no = ?2",
};

struct night {
    struct engine_base base;
    sqlite3_stmt *q[Q_COUNT];
};

/* The visit's night context: current bed and claimed patient. */
struct night_ctx {
    int has_bed;
    char ward_code[REF_LEN], bed[REF_LEN];
    char listed[1024];
    char claimed[REF_LEN];
};

/* Scan facts as stored in the payload (strings borrowed from the JSON). */
struct facts {
    const char *code, *kind, *action;
    const char *ward_code, *bed, *listed;
    int bed_valid;
    const char *admission_no, *listed_bed, *elsewhere, *why, *leave;
    const char *adm_note; /* "ZEROS:<as scanned>" when matched without leading zeros */
    int id_valid;
};

struct decision {
    char verdict[24];
    char detail[256];
    int set_bed, dup;
    char ward_code[REF_LEN], bed[REF_LEN]; /* bed the scan counts for */
    char listed[1024];
    char admission_no[REF_LEN];
    char claimed[REF_LEN];
    int set_claimed;
    int flags;
    char identified[REF_LEN];
};

int night_is_anomaly(const char *name)
{
    for (const struct verdict *v = night_catalogue; v->code; v++)
        if (name && !strcmp(v->code, name) && v->cls == VERDICT_ANOMALY)
            return 1;
    return 0;
}

static void facts_from_json(json_t *o, struct facts *f)
{
    memset(f, 0, sizeof(*f));
    f->code = engine_str(o, "code");
    f->kind = engine_str(o, "kind");
    f->action = engine_str(o, "action");
    f->ward_code = engine_str(o, "ward_code");
    f->bed = engine_str(o, "bed");
    f->listed = engine_str(o, "listed");
    f->bed_valid = json_is_true(json_object_get(o, "bed_valid"));
    f->admission_no = engine_str(o, "admission_no");
    f->listed_bed = engine_str(o, "listed_bed");
    f->elsewhere = engine_str(o, "elsewhere");
    f->why = engine_str(o, "why");
    f->leave = engine_str(o, "leave");
    f->adm_note = engine_str(o, "adm_note");
    f->id_valid = json_is_true(json_object_get(o, "id_valid"));
}

/* The next item of the comma-separated list at *p (NULL or "" when done):
 * its start, with its length in *len, and *p moved past it; NULL at the end. */
static const char *list_next(const char **p, size_t *len)
{
    const char *item = *p, *comma;

    if (!item || !*item)
        return NULL;
    comma = strchr(item, ',');
    *len = comma ? (size_t)(comma - item) : strlen(item);
    *p = comma ? comma + 1 : NULL;
    return item;
}

/* 1 if item appears in the comma-separated list. */
static int list_has(const char *list, const char *item)
{
    size_t n = strlen(item), len = 0;
    const char *it;

    if (!n)
        return 0;
    for (const char *p = list; (it = list_next(&p, &len));)
        if (len == n && !memcmp(it, item, n))
            return 1;
    return 0;
}

static int lists_meet(const char *a, const char *b)
{
    size_t len = 0;
    const char *it;

    for (const char *p = a; (it = list_next(&p, &len));) {
        char item[REF_LEN];
        snprintf(item, sizeof(item), "%.*s", (int)len, it);
        if (list_has(b, item))
            return 1;
    }
    return 0;
}

static void first_of_list(const char *list, char out[REF_LEN])
{
    size_t len = 0;
    const char *it = list_next(&list, &len);

    snprintf(out, REF_LEN, "%.*s", (int)len, it ? it : "");
}

/* ---- derived state ---------------------------------------------------------- */

static int ctx_load(struct store *s, const char *visit, struct night_ctx *c, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(
        s, "SELECT ward_code, bed, listed, claimed FROM night_context WHERE visit = ?1", &st, err);

    memset(c, 0, sizeof(*c));
    if (rc)
        return rc;
    store_bind_text(st, 1, visit);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c->has_bed = 1;
        copy_str(c->ward_code, sizeof(c->ward_code), store_col_text(st, 0));
        copy_str(c->bed, sizeof(c->bed), store_col_text(st, 1));
        copy_str(c->listed, sizeof(c->listed), store_col_text(st, 2));
        copy_str(c->claimed, sizeof(c->claimed), store_col_text(st, 3));
        rc = FC_OK;
    } else {
        rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the night context");
    }
    store_stmt_release(st);
    return rc;
}

/* 1 if code was scanned (not voided) in this visit within the double-read
 * window before at_ms. */
static int is_double_read(struct store *s, const char *visit, const char *code, int64_t at_ms,
                          struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s,
                        "SELECT max(at_ms) FROM night_scan WHERE visit = ?1 AND code = ?2"
                        " AND voided_by IS NULL AND at_ms <= ?3",
                        &st, err);

    return rc ? rc : engine_double_read(s, st, visit, code, at_ms, NIGHT_DOUBLE_READ_MS, err);
}

static void bed_join(char *out, size_t n, const char *ward, const char *bed)
{
    snprintf(out, n, "%s:%s", ward, bed);
}

#define VERDICT(v) copy_str(d->verdict, sizeof(d->verdict), v)

/* A bed label sets the current bed and who is claimed there. */
static int decide_bed_label(const struct facts *f, const struct night_ctx *c, const char *here,
                            struct decision *d)
{
    (void)here;
    if (!f->bed_valid) {
        VERDICT("UNRECOGNIZED");
        snprintf(d->detail, sizeof(d->detail), "NOT_A_BED_OF_THIS_SITE");
        return FC_OK;
    }
    d->set_bed = 1;
    copy_str(d->ward_code, sizeof(d->ward_code), f->ward_code);
    copy_str(d->bed, sizeof(d->bed), f->bed);
    copy_str(d->listed, sizeof(d->listed), f->listed);
    /* Scanning the same bed again keeps what was claimed there. */
    d->set_claimed = 1;
    if (c->has_bed && !strcmp(c->ward_code, f->ward_code) && !strcmp(c->bed, f->bed))
        copy_str(d->claimed, sizeof(d->claimed), c->claimed);
    else
        first_of_list(f->listed, d->claimed);
    VERDICT(f->listed[0] ? "BED_LISTED" : "BED_NOT_LISTED");
    copy_str(d->detail, sizeof(d->detail), f->listed);
    return FC_OK;
}

/* A wristband or a typed admission number: the person at the current bed. */
static int decide_person(const struct facts *f, const struct night_ctx *c, const char *here,
                         struct decision *d)
{
    copy_str(d->admission_no, sizeof(d->admission_no), f->admission_no);
    if (!c->has_bed) {
        VERDICT("NO_BED");
    } else if (!f->listed_bed[0]) {
        VERDICT("NOT_ON_LIST");
        copy_str(d->detail, sizeof(d->detail), f->admission_no);
        d->flags = BED_NOT_LISTED | BED_OCCUPANT;
    } else {
        d->set_claimed = 1;
        copy_str(d->claimed, sizeof(d->claimed), f->admission_no);
        copy_str(d->identified, sizeof(d->identified), f->admission_no);
        if (!strcmp(f->listed_bed, here)) {
            VERDICT("MATCH");
            copy_str(d->detail, sizeof(d->detail), f->admission_no);
            d->flags = BED_BAND_MATCH | BED_OCCUPANT;
        } else {
            VERDICT("WRONG_BED");
            snprintf(d->detail, sizeof(d->detail), "%s:%s", f->admission_no, f->listed_bed);
            d->flags = BED_WRONG | BED_OCCUPANT;
        }
        if (f->adm_note[0]) {
            size_t l = strlen(d->detail);
            snprintf(d->detail + l, sizeof(d->detail) - l, ";%s", f->adm_note);
        }
    }
    return FC_OK;
}

/* An ID number: who the person is, against who was claimed. */
static int decide_id(const struct facts *f, const struct night_ctx *c, const char *here,
                     struct decision *d)
{
    copy_str(d->admission_no, sizeof(d->admission_no), f->admission_no);
    if (!f->id_valid) {
        VERDICT("INVALID_ID");
        copy_str(d->detail, sizeof(d->detail), f->why);
        d->flags = c->has_bed ? BED_OCCUPANT : 0;
    } else if (!c->has_bed) {
        VERDICT("NO_BED");
    } else if (f->admission_no[0] && !strcmp(f->listed_bed, here)) {
        VERDICT("MATCH");
        copy_str(d->detail, sizeof(d->detail), f->admission_no);
        copy_str(d->identified, sizeof(d->identified), f->admission_no);
        d->flags = BED_ID_MATCH | BED_OCCUPANT;
    } else if (f->admission_no[0] && !strcmp(c->claimed, f->admission_no)) {
        /* the ID confirms who the wristband said: the person is
         * identified (MATCH), and the bed stays MOVED_IN (DESIGN §5) */
        VERDICT("MATCH");
        snprintf(d->detail, sizeof(d->detail), "%s:%s", f->admission_no, f->listed_bed);
        copy_str(d->identified, sizeof(d->identified), f->admission_no);
        d->flags = BED_WRONG | BED_OCCUPANT;
    } else if (f->admission_no[0]) {
        VERDICT("WRONG_BED");
        snprintf(d->detail, sizeof(d->detail), "%s:%s", f->admission_no, f->listed_bed);
        copy_str(d->identified, sizeof(d->identified), f->admission_no);
        d->flags = BED_WRONG | BED_OCCUPANT;
    } else {
        char elsewhere[96] = "";
        if (f->elsewhere[0])
            snprintf(elsewhere, sizeof(elsewhere), "LISTED_ELSEWHERE:%s", f->elsewhere);
        if (c->claimed[0]) {
            VERDICT("IDENTITY_MISMATCH");
            snprintf(d->detail, sizeof(d->detail), "%s%s%s", c->claimed, elsewhere[0] ? ";" : "",
                     elsewhere);
            d->flags = BED_MISMATCH | BED_OCCUPANT;
        } else {
            VERDICT("NOT_ON_LIST");
            copy_str(d->detail, sizeof(d->detail), elsewhere);
            d->flags = BED_NOT_LISTED | BED_OCCUPANT;
        }
    }
    return FC_OK;
}

/* An insurance QR token: kept for online verification. */
static int decide_token(const struct facts *f, const struct night_ctx *c, const char *here,
                        struct decision *d)
{
    (void)f, (void)here;
    VERDICT("UNVERIFIED");
    d->flags = c->has_bed ? BED_OCCUPANT : 0;
    return FC_OK;
}

/* An action word the inspector recorded at the current bed. */
static int decide_action(const struct facts *f, const struct night_ctx *c, const char *here,
                         struct decision *d)
{
    (void)here;
    VERDICT("RECORDED");
    if (!c->has_bed) {
        snprintf(d->detail, sizeof(d->detail), "NO_BED");
        return FC_OK;
    }
    copy_str(d->detail, sizeof(d->detail), f->action);
    if (!strcmp(f->action, "EMPTY_BED"))
        d->flags = BED_EMPTY | (lists_meet(f->leave, c->listed) ? BED_LEAVE : 0);
    else if (!strcmp(f->action, "EXAM"))
        d->flags = BED_EXAM;
    else if (!strcmp(f->action, "NO_WRISTBAND"))
        d->flags = BED_NO_BAND | BED_OCCUPANT;
    else if (!strcmp(f->action, "NO_ID"))
        d->flags = BED_NO_ID | BED_OCCUPANT;
    return FC_OK;
}

#undef VERDICT

/* How each kind of scan is judged (DESIGN §5, "Night check — per scan");
 * kinds with no row are UNRECOGNIZED. */
static int (*const deciders[])(const struct facts *f, const struct night_ctx *c, const char *here,
                               struct decision *d) = {
    [SCAN_BED_LABEL] = decide_bed_label,
    [SCAN_WRISTBAND] = decide_person,
    [SCAN_ADMISSION] = decide_person,
    [SCAN_ID_NUMBER] = decide_id,
    [SCAN_INSURANCE_TOKEN] = decide_token,
    [SCAN_ACTION] = decide_action,
    [SCAN_OTHER] = NULL,
};

/* The verdict for facts f in the state of the visit. Pure: reads only the
 * derived night tables. */
static int night_decide(struct store *s, const char *visit, int64_t at_ms, const struct facts *f,
                        struct decision *d, struct fc_error *err)
{
    int (*decide)(const struct facts *, const struct night_ctx *, const char *, struct decision *);
    int is_action = scan_kind_parse(f->kind) == SCAN_ACTION;
    char here[2 * REF_LEN + 2];
    struct night_ctx c;
    int rc;

    memset(d, 0, sizeof(*d));
    rc = ctx_load(s, visit, &c, err);
    if (rc)
        return rc;
    if (c.has_bed) {
        copy_str(d->ward_code, sizeof(d->ward_code), c.ward_code);
        copy_str(d->bed, sizeof(d->bed), c.bed);
    }
    bed_join(here, sizeof(here), c.ward_code, c.bed);
    if (!is_action) {
        rc = is_double_read(s, visit, f->code, at_ms, err);
        if (rc < 0)
            return rc;
        if (rc) {
            d->dup = 1;
            snprintf(d->verdict, sizeof(d->verdict), "DUPLICATE_SCAN");
            return FC_OK;
        }
    }

    decide = deciders[scan_kind_parse(f->kind)];
    if (decide)
        return decide(f, &c, here, d);
    copy_str(d->verdict, sizeof(d->verdict), "UNRECOGNIZED");
    return FC_OK;
}

/* Per-bed finding (DESIGN §5): the first rule that applies. */
static const char *bed_finding(int flags, const char *listed)
{
    int is_listed = listed && *listed;

    if (flags & BED_EMPTY) {
        if (!is_listed)
            return "FREE_EMPTY";
        if (flags & BED_LEAVE)
            return "ABSENT_LEAVE";
        return flags & BED_EXAM ? "ABSENT_EXAM" : "ABSENT";
    }
    if (flags & BED_WRONG)
        return "MOVED_IN";
    if (flags & BED_MISMATCH)
        return "IDENTITY_MISMATCH";
    if (flags & BED_NOT_LISTED)
        return "UNLISTED_OCCUPANT";
    if (is_listed) {
        if (flags & BED_ID_MATCH)
            return "OK";
        if (flags & BED_BAND_MATCH)
            return "ID_NOT_VERIFIED";
        return "UNVERIFIED";
    }
    return flags & BED_OCCUPANT ? "UNLISTED_OCCUPANT" : "UNVERIFIED";
}

static int write_scan_row(struct store *s, const char *visit, int64_t seq, const char *event_id,
                          int64_t at_ms, const struct facts *f, const struct decision *d,
                          int64_t voided_by, int amended, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s,
                        "INSERT INTO night_scan (seq, visit, event_id, at_ms, code, kind,"
                        " action, verdict, detail, ward_code, bed, admission_no, voided_by,"
                        " amended) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                        " ?12, ?13, ?14)",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    store_bind_text(st, 2, visit);
    store_bind_text(st, 3, event_id);
    sqlite3_bind_int64(st, 4, at_ms);
    store_bind_text(st, 5, f->code);
    store_bind_text(st, 6, f->kind);
    store_bind_text(st, 7, f->action[0] ? f->action : NULL);
    store_bind_text(st, 8, d->verdict);
    store_bind_text(st, 9, d->detail);
    store_bind_text(st, 10, d->bed[0] ? d->ward_code : NULL);
    store_bind_text(st, 11, d->bed[0] ? d->bed : NULL);
    store_bind_text(st, 12, d->admission_no[0] ? d->admission_no : NULL);
    if (voided_by)
        sqlite3_bind_int64(st, 13, voided_by);
    sqlite3_bind_int(st, 14, amended);
    return store_step_done(s, st, "cannot record the scan", err);
}

/* Writes the derived effects of one decided scan. */
static int night_write(struct store *s, const char *visit, int64_t seq, const char *event_id,
                       int64_t at_ms, const struct facts *f, const struct decision *d, int amended,
                       struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    rc = write_scan_row(s, visit, seq, event_id, at_ms, f, d, 0, amended, err);
    if (rc || d->dup)
        return rc;
    if (d->set_bed) {
        rc = store_stmt(s,
                        "INSERT INTO night_context (visit, ward_code, bed, listed, claimed)"
                        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (visit) DO UPDATE SET"
                        " ward_code = ?2, bed = ?3, listed = ?4, claimed = ?5",
                        &st, err);
        if (rc)
            return rc;
        store_bind_text(st, 1, visit);
        store_bind_text(st, 2, d->ward_code);
        store_bind_text(st, 3, d->bed);
        store_bind_text(st, 4, d->listed);
        store_bind_text(st, 5, d->claimed);
        rc = store_step_done(s, st, "cannot record the current bed", err);
        if (rc)
            return rc;
        rc = store_stmt(s,
                        "INSERT INTO night_bed (visit, ward_code, bed, listed, flags,"
                        " identified, finding, scans, first_seq, last_seq)"
                        " VALUES (?1, ?2, ?3, ?4, 0, '', ?5, 0, ?6, ?6)"
                        " ON CONFLICT (visit, ward_code, bed) DO NOTHING",
                        &st, err);
        if (rc)
            return rc;
        store_bind_text(st, 1, visit);
        store_bind_text(st, 2, d->ward_code);
        store_bind_text(st, 3, d->bed);
        store_bind_text(st, 4, d->listed);
        store_bind_text(st, 5, bed_finding(0, d->listed));
        sqlite3_bind_int64(st, 6, seq);
        rc = store_step_done(s, st, "cannot record the bed", err);
        if (rc)
            return rc;
    } else if (d->set_claimed) {
        rc = store_stmt(s, "UPDATE night_context SET claimed = ?2 WHERE visit = ?1", &st, err);
        if (rc)
            return rc;
        store_bind_text(st, 1, visit);
        store_bind_text(st, 2, d->claimed);
        rc = store_step_done(s, st, "cannot record the claimed patient", err);
        if (rc)
            return rc;
    }
    if (!d->bed[0])
        return FC_OK;
    /* The finding is recomputed from the accumulated facts on every scan, so
     * it is current whenever the inspector moves on or closes the visit. */
    {
        int flags = 0, step;
        char listed[1024] = "";

        rc = store_stmt(s,
                        "SELECT flags, listed FROM night_bed WHERE visit = ?1 AND ward_code = ?2"
                        " AND bed = ?3",
                        &st, err);
        if (rc)
            return rc;
        store_bind_text(st, 1, visit);
        store_bind_text(st, 2, d->ward_code);
        store_bind_text(st, 3, d->bed);
        step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            flags = sqlite3_column_int(st, 0);
            copy_str(listed, sizeof(listed), store_col_text(st, 1));
        }
        store_stmt_release(st);
        if (step != SQLITE_ROW)
            return step == SQLITE_DONE ? FC_OK : store_fail(s, err, "cannot read the bed");
        flags |= d->flags;
        rc = store_stmt(s,
                        "UPDATE night_bed SET flags = ?4, finding = ?5, scans = scans + 1,"
                        " last_seq = ?6, identified = coalesce(nullif(?7, ''), identified)"
                        " WHERE visit = ?1 AND ward_code = ?2 AND bed = ?3",
                        &st, err);
        if (rc)
            return rc;
        store_bind_text(st, 1, visit);
        store_bind_text(st, 2, d->ward_code);
        store_bind_text(st, 3, d->bed);
        sqlite3_bind_int(st, 4, flags);
        store_bind_text(st, 5, bed_finding(flags, listed));
        sqlite3_bind_int64(st, 6, seq);
        store_bind_text(st, 7, d->identified);
        return store_step_done(s, st, "cannot update the bed", err);
    }
}

static int apply_facts(struct store *s, const char *visit, int64_t seq, const char *event_id,
                       int64_t at_ms, json_t *payload, int amended, struct fc_error *err)
{
    struct facts f;
    struct decision d;
    int rc;

    facts_from_json(payload, &f);
    rc = night_decide(s, visit, at_ms, &f, &d, err);
    if (!rc)
        rc = night_write(s, visit, seq, event_id, at_ms, &f, &d, amended, err);
    return rc;
}

/* The live path hands the applier the payload object it has just
 * serialised (as the context of event_append_ctx), so that the text is not
 * parsed back (a tenth of a scan's CPU time). The applier checks it is given
 * that very text, so a rebuild or another caller always parses. */
struct night_live {
    const char *text;
    json_t *payload;
};

int night_apply_scan(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    const struct night_live *live = ctx;
    json_t *p = NULL;
    int rc;

    if (!e->visit)
        return FC_OK;
    if (live && live->text && e->payload == live->text)
        p = json_incref(live->payload);
    else
        p = json_loads(e->payload, 0, NULL);
    if (!json_is_object(p)) {
        json_decref(p);
        return fc_error_set(err, FC_EINTEGRITY, "event %lld: bad scan payload", (long long)e->seq);
    }
    rc = apply_facts(s, e->visit, e->seq, e->id, e->at_ms, p, 0, err);
    json_decref(p);
    return rc;
}

/* The replay of a visit's scans (night_recompute): each scan row is applied
 * with its latest correction, which corr looks up. */
struct night_replay {
    struct store *s;
    const char *visit;
    sqlite3_stmt *corr;
    struct fc_error *err;
};

/* A voided scan keeps its row, with the verdict it had, and changes nothing. */
static int replay_voided(struct night_replay *r, int64_t seq, const char *event_id, int64_t at_ms,
                         json_t *p, int64_t voided_by)
{
    struct facts f;
    struct decision d;

    facts_from_json(p, &f);
    memset(&d, 0, sizeof(d));
    copy_str(d.verdict, sizeof(d.verdict), engine_str(p, "verdict"));
    copy_str(d.detail, sizeof(d.detail), engine_str(p, "detail"));
    return write_scan_row(r->s, r->visit, seq, event_id, at_ms, &f, &d, voided_by, 0, r->err);
}

static int replay_scan(sqlite3_stmt *st, void *ctx)
{
    struct night_replay *r = ctx;
    int64_t seq = sqlite3_column_int64(st, 0), at_ms = 0;
    json_t *p = json_loads(store_col_text(st, 3), 0, NULL), *cp = NULL;
    const char *event_id = store_col_text(st, 1);
    int amended = 0, rc;

    clock_parse(store_col_text(st, 2), &at_ms);
    if (!json_is_object(p)) {
        json_decref(p);
        return fc_error_set(r->err, FC_EINTEGRITY, "event %lld: bad scan payload", (long long)seq);
    }
    sqlite3_reset(r->corr);
    sqlite3_bind_int64(r->corr, 1, seq);
    if (sqlite3_step(r->corr) == SQLITE_ROW) {
        cp = json_loads(store_col_text(r->corr, 1), 0, NULL);
        if (!strcmp(store_col_text(r->corr, 0), "void")) {
            rc = replay_voided(r, seq, event_id, at_ms, p, sqlite3_column_int64(r->corr, 2));
            goto out;
        }
        if (json_is_object(json_object_get(cp, "facts"))) {
            json_decref(p);
            p = json_incref(json_object_get(cp, "facts"));
            amended = 1;
        }
    }
    rc = apply_facts(r->s, r->visit, seq, event_id, at_ms, p, amended, r->err);
out:
    json_decref(cp);
    json_decref(p);
    return rc;
}

/* Recomputes a visit's night state from its scans before seq upto, honouring
 * the corrections applied so far (night_correction). */
static int night_recompute(struct store *s, const char *visit, int64_t upto, struct fc_error *err)
{
    static const char *const clear[] = {
        "DELETE FROM night_scan WHERE visit = ?1",
        "DELETE FROM night_bed WHERE visit = ?1",
        "DELETE FROM night_context WHERE visit = ?1",
    };
    struct night_replay r = {s, visit, NULL, err};
    sqlite3_stmt *st = NULL;
    int rc = engine_clear_visit(s, clear, sizeof(clear) / sizeof(clear[0]), visit,
                                "cannot reset the night state", err);

    if (!rc)
        rc = store_prepare(s,
                           "SELECT action, payload, seq FROM night_correction WHERE target_seq = ?1"
                           " AND action IN ('void', 'amend') ORDER BY action = 'void' DESC,"
                           " seq DESC LIMIT 1",
                           &r.corr, err);
    if (!rc)
        rc = store_prepare(
            s,
            "SELECT seq, id, at, payload FROM event WHERE visit = ?1 AND kind = 'scan'"
            " AND seq < ?2 ORDER BY seq",
            &st, err);
    if (!rc) {
        store_bind_text(st, 1, visit);
        sqlite3_bind_int64(st, 2, upto);
        rc = store_each(s, st, replay_scan, &r, "cannot read the visit's scans", err);
    }
    sqlite3_finalize(r.corr);
    return rc;
}

static int apply_correction(struct store *s, const struct event *e, const char *action,
                            struct fc_error *err)
{
    json_t *p = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    if (!e->visit)
        return FC_OK;
    p = json_loads(e->payload, 0, NULL);
    /* a void of a record (evidence, an interview) changes no night state */
    if (json_is_object(p) && !strcmp(action, "void") && !json_object_get(p, "target_seq")) {
        rc = FC_OK;
        goto out;
    }
    if (!json_is_object(p) || !json_is_integer(json_object_get(p, "target_seq"))) {
        rc = fc_error_set(err, FC_EINTEGRITY, "event %lld: bad %s payload", (long long)e->seq,
                          action);
        goto out;
    }
    rc = store_stmt(s,
                    "INSERT INTO night_correction (seq, visit, target_seq, action, payload)"
                    " VALUES (?1, ?2, ?3, ?4, ?5)",
                    &st, err);
    if (rc)
        goto out;
    sqlite3_bind_int64(st, 1, e->seq);
    store_bind_text(st, 2, e->visit);
    sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(p, "target_seq")));
    store_bind_text(st, 4,
                    !strcmp(action, "amend") && !json_object_get(p, "facts") ? "note" : action);
    store_bind_text(st, 5, e->payload);
    rc = store_step_done(s, st, "cannot record the correction", err);
    if (!rc)
        rc = night_recompute(s, e->visit, e->seq, err);
out:
    json_decref(p);
    return rc;
}

int night_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    (void)ctx;
    return apply_correction(s, e, "void", err);
}

int night_apply_amend(struct store *s, const struct event *e, void *ctx, struct fc_error *err)
{
    (void)ctx;
    return apply_correction(s, e, "amend", err);
}

/* ---- the engine ------------------------------------------------------------- */

void night_free(struct night *n)
{
    if (!n)
        return;
    store_finalize_set(n->q, Q_COUNT);
    engine_base_release(&n->base);
    free(n);
}

const struct visit *night_visit(const struct night *n)
{
    return &n->base.visit;
}

int night_open(struct store *s, const char *visit, struct night **out, struct fc_error *err)
{
    struct night *n = xcalloc(1, sizeof(*n));
    int rc = engine_base_open(&n->base, s, visit, &night_workflow, err);

    *out = NULL;
    if (!rc)
        rc = store_prepare_set(s, night_sql, n->q, Q_COUNT, err);
    if (rc) {
        night_free(n);
        return rc;
    }
    *out = n;
    return FC_OK;
}

/* Is ward:bed a bed of this site: on the roster, or 1..bed_count of the
 * ward (and "k+" beside such a bed)? */
static int bed_exists(struct night *n, const char *ward, const char *bed, struct fc_error *err)
{
    sqlite3_stmt *st = n->q[Q_BED_ROSTER];
    int step, ok = 0;

    store_stmt_release(st);
    store_bind_text(st, 1, n->base.visit.site_code);
    store_bind_text(st, 2, ward);
    store_bind_text(st, 3, bed);
    step = sqlite3_step(st);
    store_stmt_release(st);
    if (step == SQLITE_ROW)
        return 1;
    if (step != SQLITE_DONE)
        return store_fail(n->base.store, err, "cannot look the bed up");
    st = n->q[Q_WARD];
    store_stmt_release(st);
    store_bind_text(st, 1, n->base.visit.site_code);
    store_bind_text(st, 2, ward);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        char norm[SCAN_REF_MAX];
        if (scan_bed_normalise(bed, norm) == FC_OK) {
            long num = strtol(norm, NULL, 10);
            ok = sqlite3_column_type(st, 0) == SQLITE_NULL ||
                 (num >= 1 && num <= sqlite3_column_int64(st, 0));
        }
    } else if (step != SQLITE_DONE) {
        ok = store_fail(n->base.store, err, "cannot look the ward up");
    }
    store_stmt_release(st);
    return ok;
}

static int listed_at(struct night *n, const char *ward, const char *bed, struct buf *out,
                     struct fc_error *err)
{
    sqlite3_stmt *st = n->q[Q_BED_LISTED];
    int step;

    store_stmt_release(st);
    store_bind_text(st, 1, n->base.visit.site_code);
    store_bind_text(st, 2, ward);
    store_bind_text(st, 3, bed);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->len)
            buf_addch(out, ',');
        buf_adds(out, store_col_text(st, 0));
    }
    store_stmt_release(st);
    return step == SQLITE_DONE ? FC_OK : store_fail(n->base.store, err, "cannot read the roster");
}

static int listed_bed_of(struct night *n, const char *adm, struct buf *out, struct fc_error *err)
{
    sqlite3_stmt *st = n->q[Q_ADM];
    int step;

    store_stmt_release(st);
    store_bind_text(st, 1, n->base.visit.site_code);
    store_bind_text(st, 2, adm);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        buf_addf(out, "%s:%s", store_col_text(st, 0), store_col_text(st, 1));
    store_stmt_release(st);
    return step == SQLITE_ROW || step == SQLITE_DONE
               ? FC_OK
               : store_fail(n->base.store, err, "cannot read the roster");
}

/* The roster's admission number that equals adm but for leading zeros
 * (Excel drops them from a roster, a wristband prints them, or the other way
 * round), into found with its listed bed; 1 when exactly one patient of the
 * site matches, 0 otherwise (none, several, or adm not all digits). */
static int adm_by_zeros(struct night *n, const char *adm, struct buf *found, struct buf *bed,
                        struct fc_error *err)
{
    size_t len = strlen(adm), z = strspn(adm, "0"), digits = strspn(adm, "0123456789");
    char cand[REF_LEN];
    int hits = 0;

    if (!len || digits != len || len >= REF_LEN - 1 || z == len)
        return 0;
    for (size_t pad = 0; pad + (len - z) < 20 && hits < 2; pad++) {
        struct buf b = BUF_INIT;
        int rc;

        snprintf(cand, sizeof(cand), "%.*s%s", (int)pad, "00000000000000000000", adm + z);
        if (!strcmp(cand, adm))
            continue;
        rc = listed_bed_of(n, cand, &b, err);
        if (rc) {
            buf_release(&b);
            return rc;
        }
        if (b.len) {
            if (!hits++) {
                buf_reset(found);
                buf_adds(found, cand);
                buf_reset(bed);
                buf_adds(bed, b.ptr);
            }
        }
        buf_release(&b);
    }
    return hits == 1;
}

static int leave_covers(struct night *n, const char *adm, int64_t at_ms, struct fc_error *err)
{
    sqlite3_stmt *st = n->q[Q_LEAVE];
    int step, covered = 0;

    store_stmt_release(st);
    store_bind_text(st, 1, n->base.visit.site_code);
    store_bind_text(st, 2, adm);
    while (!covered && (step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t from = 0, until = 0;
        if (clock_parse(store_col_text(st, 0), &from) == FC_OK &&
            clock_parse(store_col_text(st, 1), &until) == FC_OK)
            covered = from <= at_ms && at_ms <= until;
    }
    if (!covered && step != SQLITE_DONE)
        covered = store_fail(n->base.store, err, "cannot read leave records");
    store_stmt_release(st);
    return covered;
}

/* Resolves the facts of a classified scan into payload (impure: reads the
 * reference database and, for EMPTY_BED, the current bed). */
static int night_resolve(struct night *n, const struct scan_class *sc, int64_t at_ms,
                         json_t *payload, struct fc_error *err)
{
    struct buf b = BUF_INIT;
    int rc = FC_OK;

    json_object_set_new(payload, "code", scan_code_json(sc->code));
    scan_payload_add(sc, payload);
    json_object_set_new(payload, "kind", json_string(scan_kind_name(sc->kind)));
    json_object_set_new(payload, "source", json_string(scan_source_name(sc->source)));
    switch (sc->kind) {
    case SCAN_BED_LABEL: {
        int ok = sc->source == SCAN_FROM_INDEX ? 1 : bed_exists(n, sc->ward_code, sc->bed, err);
        if (ok < 0) {
            rc = ok;
            break;
        }
        json_object_set_new(payload, "ward_code", json_string(sc->ward_code));
        json_object_set_new(payload, "bed", json_string(sc->bed));
        json_object_set_new(payload, "bed_valid", json_boolean(ok));
        rc = listed_at(n, sc->ward_code, sc->bed, &b, err);
        json_object_set_new(payload, "listed", json_string(b.ptr));
        break;
    }
    case SCAN_WRISTBAND:
    case SCAN_ADMISSION:
        rc = listed_bed_of(n, sc->admission_no, &b, err);
        if (!rc && !b.len) {
            struct buf adm = BUF_INIT;
            int one = adm_by_zeros(n, sc->admission_no, &adm, &b, err);
            if (one < 0)
                rc = one;
            else if (one) {
                json_object_set_new(payload, "admission_no", json_string(adm.ptr));
                json_object_set_new(payload, "adm_note",
                                    json_pack("s++", "ZEROS:", sc->admission_no, ""));
            }
            buf_release(&adm);
        }
        if (!json_object_get(payload, "admission_no"))
            json_object_set_new(payload, "admission_no", json_string(sc->admission_no));
        json_object_set_new(payload, "listed_bed", json_string(b.ptr));
        break;
    case SCAN_ID_NUMBER: {
        sqlite3_stmt *st = n->q[Q_ID];
        int step;

        json_object_set_new(payload, "id_valid", json_boolean(sc->valid));
        if (!sc->valid) {
            json_object_set_new(payload, "why", json_string(sc->why ? sc->why : "invalid"));
            break;
        }
        store_stmt_release(st);
        store_bind_text(st, 1, sc->id_number);
        store_bind_text(st, 2, sc->code);
        /* the first listing at this site wins, else the lowest other site */
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            const char *site = store_col_text(st, 0);
            if (!strcmp(site, n->base.visit.site_code)) {
                if (!json_object_get(payload, "admission_no")) {
                    buf_addf(&b, "%s:%s", store_col_text(st, 2), store_col_text(st, 3));
                    json_object_set_new(payload, "admission_no",
                                        json_string(store_col_text(st, 1)));
                    json_object_set_new(payload, "listed_bed", json_string(b.ptr));
                }
            } else if (!json_object_get(payload, "elsewhere") ||
                       strcmp(site, engine_str(payload, "elsewhere")) < 0) {
                json_object_set_new(payload, "elsewhere", json_string(site));
            }
        }
        if (step != SQLITE_DONE)
            rc = store_fail(n->base.store, err, "cannot look the ID up");
        store_stmt_release(st);
        break;
    }
    case SCAN_ACTION:
        json_object_set_new(payload, "action", json_string(ident_action_name(sc->action)));
        if (sc->action == IDENT_ACTION_EMPTY_BED) {
            struct night_ctx c;
            struct buf leave = BUF_INIT;
            const char *p = c.listed, *it; /* read once ctx_load has filled c */
            size_t len = 0;

            rc = ctx_load(n->base.store, n->base.visit.id, &c, err);
            while (!rc && (it = list_next(&p, &len))) {
                char adm[REF_LEN];
                int cov;

                snprintf(adm, sizeof(adm), "%.*s", (int)len, it);
                cov = leave_covers(n, adm, at_ms, err);
                if (cov < 0)
                    rc = cov;
                else if (cov) {
                    if (leave.len)
                        buf_addch(&leave, ',');
                    buf_adds(&leave, adm);
                }
            }
            json_object_set_new(payload, "leave", json_string(leave.ptr));
            buf_release(&leave);
        }
        break;
    case SCAN_UNKNOWN:
    case SCAN_OTHER: {
        /* a typed or printed admission number that differs from the
         * roster's only by leading zeros, when it names one patient */
        struct buf adm = BUF_INIT;
        int one = adm_by_zeros(n, sc->code, &adm, &b, err);
        if (one < 0) {
            rc = one;
        } else if (one) {
            json_object_set_new(payload, "kind", json_string("admission"));
            json_object_set_new(payload, "admission_no", json_string(adm.ptr));
            json_object_set_new(payload, "listed_bed", json_string(b.ptr));
            json_object_set_new(payload, "adm_note", json_pack("s++", "ZEROS:", sc->code, ""));
        }
        buf_release(&adm);
        break;
    }
    default: break;
    }
    buf_release(&b);
    return rc;
}

static void result_message(struct night_result *r)
{
    const char *v = r->verdict;
    char bed[2 * SCAN_REF_MAX + 2];

    snprintf(bed, sizeof(bed), "%s%s%s", r->ward_code, r->bed[0] ? "-" : "", r->bed);
    if (!strcmp(v, "BED_LISTED"))
        snprintf(r->message, sizeof(r->message), "bed %s: listed for %s", bed, r->detail);
    else if (!strcmp(v, "BED_NOT_LISTED"))
        snprintf(r->message, sizeof(r->message), "bed %s: nobody listed (free or extra bed)", bed);
    else if (!strcmp(v, "MATCH"))
        snprintf(r->message, sizeof(r->message), "%s matches the patient listed for bed %s",
                 r->kind, bed);
    else if (!strcmp(v, "WRONG_BED"))
        snprintf(r->message, sizeof(r->message),
                 "patient %s is listed for another bed (%s), found at bed %s", r->admission_no,
                 r->detail, bed);
    else if (!strcmp(v, "NOT_ON_LIST"))
        snprintf(r->message, sizeof(r->message), "not on this site's roster%s%s",
                 r->detail[0] ? ": " : "", r->detail);
    else if (!strcmp(v, "IDENTITY_MISMATCH"))
        snprintf(r->message, sizeof(r->message),
                 "ID is not the claimed patient's (%s): possible impersonation", r->detail);
    else if (!strcmp(v, "INVALID_ID"))
        snprintf(r->message, sizeof(r->message), "invalid ID number: %s", r->detail);
    else if (!strcmp(v, "UNVERIFIED"))
        snprintf(r->message, sizeof(r->message),
                 "insurance QR token stored for online verification; check the ID card");
    else if (!strcmp(v, "RECORDED"))
        snprintf(r->message, sizeof(r->message), "%s recorded%s", r->code,
                 !strcmp(r->detail, "NO_BED") ? " (no current bed: scan a bed label first)" : "");
    else if (!strcmp(v, "DUPLICATE_SCAN"))
        snprintf(r->message, sizeof(r->message), "double read of %s ignored", r->code);
    else if (!strcmp(v, "NO_BED"))
        snprintf(r->message, sizeof(r->message), "no current bed: scan a bed label first");
    else if (!strcmp(v, "UNRECOGNIZED"))
        snprintf(r->message, sizeof(r->message), "code not recognised%s",
                 r->detail[0] ? " as a bed of this site" : "");
    else if (!strcmp(v, "VOIDED"))
        snprintf(r->message, sizeof(r->message), "scan %s voided", r->code);
    else
        copy_str(r->message, sizeof(r->message), v);
}

/* Fills r from t (its message is made here) and the bed and patient. */
static void result_fill(struct night_result *r, const struct engine_result_text *t,
                        const char *ward_code, const char *bed, const char *admission_no)
{
    memset(r, 0, sizeof(*r));
    ENGINE_RESULT_COPY(r, t);
    copy_str(r->ward_code, sizeof(r->ward_code), ward_code);
    copy_str(r->bed, sizeof(r->bed), bed);
    copy_str(r->admission_no, sizeof(r->admission_no), admission_no);
    result_message(r);
}

/* The result of a decided scan, e its event (zeroed for a preview). */
static void result_decided(struct night_result *r, const struct event *e, const struct facts *f,
                           const struct decision *d, const char *source)
{
    struct engine_result_text t = {.seq = e->seq,
                                   .event_id = e->id,
                                   .code = f->code,
                                   .kind = f->kind,
                                   .source = source,
                                   .verdict = d->verdict,
                                   .detail = d->detail};

    result_fill(r, &t, d->ward_code, d->bed, d->admission_no);
}

int night_scan(struct night *n, const char *raw, size_t len, const struct scan_arrival *arrival,
               int64_t at_ms, struct night_result *out, struct fc_error *err)
{
    struct scan_class cls;
    struct scan_class *sc = &cls;
    json_t *payload = json_object();
    char *text = NULL;
    struct facts f;
    struct decision d;
    struct night_live live;
    struct event e;
    int rc;

    rc = engine_begin(&n->base, err);
    if (rc)
        goto out;
    rc = scan_classify(n->base.cls, raw, len, at_ms, sc, err);
    if (!rc)
        rc = night_resolve(n, sc, at_ms, payload, err);
    if (rc)
        goto rollback;
    scan_arrival_stamp(arrival, payload);
    facts_from_json(payload, &f);
    rc = night_decide(n->base.store, n->base.visit.id, at_ms, &f, &d, err);
    if (rc)
        goto rollback;
    json_object_set_new(payload, "verdict", json_string(d.verdict));
    json_object_set_new(payload, "detail", json_string(d.detail));
    if (d.bed[0]) {
        json_object_set_new(payload, "at_ward", json_string(d.ward_code));
        json_object_set_new(payload, "at_bed", json_string(d.bed));
    }
    text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        rc = fc_error_set(err, FC_EINPUT, "scan '%s' is not valid UTF-8", sc->code);
        goto rollback;
    }
    live.text = text;
    live.payload = payload;
    rc = event_append_ctx(n->base.store, n->base.visit.id, at_ms, "scan", d.bed[0] ? d.bed : NULL,
                          text, &live, &e, err);
    if (rc)
        goto rollback;
    rc = store_commit(n->base.store, err);
    if (rc)
        goto out;
    facts_from_json(payload, &f);
    result_decided(out, &e, &f, &d, scan_source_name(sc->source));
    if (sc->caps_lock)
        scan_caps_lock_note(out->message, sizeof(out->message));
    goto out;
rollback:
    store_rollback(n->base.store);
out:
    free(text);
    json_decref(payload);
    return rc;
}

int night_preview(struct night *n, const char *raw, size_t len, int64_t at_ms,
                  struct night_result *out, struct fc_error *err)
{
    struct scan_class cls;
    struct scan_class *sc = &cls;
    json_t *payload = json_object();
    struct facts f;
    struct decision d;
    struct event e;
    int rc, own_txn;

    /* One read snapshot for the whole preview: each lookup would otherwise
     * take and release the locks of both databases. */
    own_txn = sqlite3_get_autocommit(store_db(n->base.store));
    rc = own_txn ? store_begin_read(n->base.store, err) : FC_OK;
    if (!rc)
        rc = scan_classify(n->base.cls, raw, len, at_ms, sc, err);
    if (!rc)
        rc = night_resolve(n, sc, at_ms, payload, err);
    if (!rc) {
        facts_from_json(payload, &f);
        rc = night_decide(n->base.store, n->base.visit.id, at_ms, &f, &d, err);
    }
    if (!rc) {
        memset(&e, 0, sizeof(e));
        result_decided(out, &e, &f, &d, scan_source_name(sc->source));
    }
    if (own_txn)
        store_rollback(n->base.store);
    json_decref(payload);
    return rc;
}

static int target_state(struct night *n, int64_t seq, struct night_result *out,
                        struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(n->base.store,
                           "SELECT event_id, code, kind, verdict, detail, coalesce(ward_code, ''),"
                           " coalesce(bed, ''), coalesce(admission_no, ''), voided_by"
                           " FROM night_scan WHERE seq = ?1",
                           &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *verdict =
            sqlite3_column_type(st, 8) != SQLITE_NULL ? "VOIDED" : store_col_text(st, 3);
        struct engine_result_text t = {.seq = seq,
                                       .event_id = store_col_text(st, 0),
                                       .code = store_col_text(st, 1),
                                       .kind = store_col_text(st, 2),
                                       .source = "correction",
                                       .verdict = verdict,
                                       .detail = store_col_text(st, 4)};

        result_fill(out, &t, store_col_text(st, 5), store_col_text(st, 6), store_col_text(st, 7));
    } else {
        rc = store_fail(n->base.store, err, "cannot read the corrected scan");
    }
    sqlite3_finalize(st);
    return rc;
}

static int correct(struct night *n, const char *kind, const char *target, json_t *body,
                   int64_t at_ms, struct night_result *out, struct fc_error *err)
{
    char *text = NULL;
    int64_t seq = 0;
    int rc;

    rc = engine_begin(&n->base, err);
    if (rc)
        goto out;
    rc = engine_find_live_scan(&n->base, target,
                               "SELECT 1 FROM night_correction WHERE target_seq = ?1"
                               " AND action = 'void'",
                               &seq, NULL, err);
    if (rc)
        goto rollback;
    json_object_set_new(body, "target_seq", json_integer(seq));
    text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        rc = fc_error_set(err, FC_EINPUT, "correction text is not valid UTF-8");
        goto rollback;
    }
    rc = event_append(n->base.store, n->base.visit.id, at_ms, kind,
                      json_string_value(json_object_get(body, "target")), text, NULL, err);
    if (rc)
        goto rollback;
    rc = store_commit(n->base.store, err);
    if (!rc && out)
        rc = target_state(n, seq, out, err);
    goto out;
rollback:
    store_rollback(n->base.store);
out:
    free(text);
    return rc;
}

int night_void(struct night *n, const char *target, const char *reason, int64_t at_ms,
               struct night_result *out, struct fc_error *err)
{
    json_t *body;
    int rc;

    if (!reason || !*reason)
        return fc_error_set(err, FC_EUSAGE, "a void needs a reason (--reason TEXT)");
    body = json_pack("{s:s, s:s}", "target", target, "reason", reason);
    if (!body)
        return fc_error_set(err, FC_EINPUT, "reason is not valid UTF-8");
    rc = correct(n, "void", target, body, at_ms, out, err);
    json_decref(body);
    return rc;
}

int night_amend(struct night *n, const char *target, const char *code, const char *note,
                int64_t at_ms, struct night_result *out, struct fc_error *err)
{
    json_t *body = json_object();
    int rc = FC_OK;

    if ((!code || !*code) && (!note || !*note)) {
        rc = fc_error_set(err, FC_EUSAGE, "an amendment needs --code CODE or --note TEXT");
        goto out;
    }
    json_object_set_new(body, "target", json_string(target));
    if (note && *note)
        json_object_set_new(body, "note", json_string(note));
    if (code && *code) {
        struct scan_class *sc = xmalloc(sizeof(*sc));
        json_t *facts = json_object();

        /* Facts are looked up now; the verdict is decided at the original
         * scan's place in the visit when the amendment is applied. */
        rc = scan_classify(n->base.cls, code, strlen(code), at_ms, sc, err);
        if (!rc)
            rc = night_resolve(n, sc, at_ms, facts, err);
        json_object_set_new(facts, "arrival", json_string("amend"));
        json_object_set_new(body, "facts", facts);
        free(sc);
        if (rc)
            goto out;
    }
    rc = correct(n, "amend", target, body, at_ms, out, err);
out:
    json_decref(body);
    return rc;
}

/* ---- results ---------------------------------------------------------------- */

/* What night_foreach_bed/_patient/_scan hand each row to. */
struct night_each {
    int (*bed)(const struct night_bed *b, void *ctx);
    int (*patient)(const struct night_patient *p, void *ctx);
    int (*scan)(const struct night_scan_row *r, void *ctx);
    void *ctx;
};

static int bed_row(sqlite3_stmt *st, void *ctx)
{
    const struct night_each *each = ctx;
    int flags = sqlite3_column_int(st, 5);
    struct night_bed b = {
        .ward_code = store_col_text(st, 0),
        .bed = store_col_text(st, 1),
        .listed = store_col_text(st, 2),
        .identified = store_col_text(st, 3),
        .finding = store_col_text(st, 4),
        .no_wristband = !!(flags & BED_NO_BAND),
        .no_id = !!(flags & BED_NO_ID),
        .exam = !!(flags & BED_EXAM),
        .scans = sqlite3_column_int64(st, 6),
    };

    return each->bed(&b, each->ctx);
}

int night_foreach_bed(struct night *n, int (*cb)(const struct night_bed *b, void *ctx), void *ctx,
                      struct fc_error *err)
{
    struct night_each each = {.bed = cb, .ctx = ctx};

    return engine_visit_each(n->base.store, &n->base.visit,
                             "SELECT ward_code, bed, listed, identified, finding, flags, scans"
                             " FROM night_bed WHERE visit = ?2"
                             " ORDER BY ward_code, CAST(bed AS INTEGER), bed",
                             bed_row, &each, "cannot read beds", err);
}

/* Per listed patient (DESIGN §5), from the finding of the own bed (NULL:
 * never scanned) and where the patient was identified at another bed (NULL:
 * nowhere else). An accusation needs an observation: NOT_FOUND only when the
 * own bed was seen empty or taken by someone else. */
static const char *patient_finding(const char *own, const char *other)
{
    static const struct {
        const char *own, *patient;
    } rules[] = {
        {"OK", "PRESENT"},
        {"ID_NOT_VERIFIED", "PRESENT_ID_UNVERIFIED"},
        {NULL, "PRESENT_OTHER_BED"}, /* identified at another bed */
        {"IDENTITY_MISMATCH", "IDENTITY_MISMATCH"},
        {"ABSENT_LEAVE", "ON_LEAVE"},
        {"ABSENT_EXAM", "AT_EXAM"},
        {"ABSENT", "NOT_FOUND"},
        {"MOVED_IN", "NOT_FOUND"},
        {"UNLISTED_OCCUPANT", "NOT_FOUND"},
    };

    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (!rules[i].own ? other != NULL : own && !strcmp(own, rules[i].own))
            return rules[i].patient;
    }
    return own ? "UNVERIFIED" : "UNCHECKED";
}

static int patient_row(sqlite3_stmt *st, void *ctx)
{
    const struct night_each *each = ctx;
    const char *other = (const char *)sqlite3_column_text(st, 6);
    struct night_patient p = {
        .admission_no = store_col_text(st, 0),
        .name = store_col_text(st, 1),
        .id_number = store_col_text(st, 2),
        .ward_code = store_col_text(st, 3),
        .bed = store_col_text(st, 4),
        .found_at = "",
        .detail = "",
        .finding = patient_finding((const char *)sqlite3_column_text(st, 5), other),
    };

    if (other && !strcmp(p.finding, "PRESENT_OTHER_BED"))
        p.found_at = other;
    return each->patient(&p, each->ctx);
}

int night_foreach_patient(struct night *n, int (*cb)(const struct night_patient *p, void *ctx),
                          void *ctx, struct fc_error *err)
{
    struct night_each each = {.patient = cb, .ctx = ctx};

    return engine_visit_each(
        n->base.store, &n->base.visit,
        "SELECT i.admission_no, i.name, i.id_number, i.ward_code, i.bed,"
        " (SELECT finding FROM night_bed b WHERE b.visit = ?2 AND b.ward_code = i.ward_code"
        "   AND b.bed = i.bed),"
        " (SELECT s.ward_code || ':' || s.bed FROM night_scan s WHERE s.visit = ?2"
        "   AND s.verdict IN ('WRONG_BED', 'MATCH') AND s.admission_no = i.admission_no"
        "   AND (s.ward_code <> i.ward_code OR s.bed <> i.bed)"
        "   AND s.voided_by IS NULL ORDER BY s.seq DESC LIMIT 1)"
        " FROM ref.inpatient i WHERE i.site_code = ?1"
        " ORDER BY i.ward_code, CAST(i.bed AS INTEGER), i.bed, i.admission_no",
        patient_row, &each, "cannot read the roster", err);
}

static int scan_row(sqlite3_stmt *st, void *ctx)
{
    const struct night_each *each = ctx;
    struct night_scan_row r = {
        .seq = sqlite3_column_int64(st, 0),
        .event_id = store_col_text(st, 1),
        .code = store_col_text(st, 2),
        .kind = store_col_text(st, 3),
        .verdict = store_col_text(st, 4),
        .detail = store_col_text(st, 5),
        .ward_code = store_col_text(st, 6),
        .bed = store_col_text(st, 7),
        .admission_no = store_col_text(st, 8),
        .at_ms = sqlite3_column_int64(st, 9),
        .voided = sqlite3_column_int(st, 10),
        .amended = sqlite3_column_int(st, 11),
    };

    return each->scan(&r, each->ctx);
}

int night_foreach_scan(struct night *n, int (*cb)(const struct night_scan_row *r, void *ctx),
                       void *ctx, struct fc_error *err)
{
    struct night_each each = {.scan = cb, .ctx = ctx};

    return engine_visit_each(n->base.store, &n->base.visit,
                             "SELECT seq, event_id, code, kind, verdict, detail,"
                             " coalesce(ward_code, ''), coalesce(bed, ''),"
                             " coalesce(admission_no, ''), at_ms, voided_by IS NOT NULL, amended"
                             " FROM night_scan WHERE visit = ?2 ORDER BY seq",
                             scan_row, &each, "cannot read scans", err);
}
