/* The night bed check engine (DESIGN §5, "Night check"): per-scan verdicts,
 * per-bed findings and per-patient findings for one night visit.
 *
 * Every scan is one "scan" event committed durably before its verdict is
 * returned. The event payload holds the code as scanned, how it arrived, and
 * the facts looked up in the reference database (what the code is, where its
 * patient is listed, leave cover...). The verdict itself is a pure function
 * of those facts and the visit's derived night state (current bed, claimed
 * patient, earlier scans), computed by night_decide() both before the append
 * (to answer at once) and by the applier (to write the derived tables). So
 * `db rebuild`, which replays payloads through the appliers, gives the same
 * state, and a correction ("void" or "amend" event pointing at a scan)
 * recomputes the visit's night state by replaying its scans in order, with
 * voided scans skipped and amended ones replaced.
 *
 * Typing an admission number: a code that exactly equals an admission number
 * of the site (code_index kind 'admission') is taken as the typed admission
 * number and judged like a wristband, whichever way it arrived.
 *
 * Scans of a person (wristband, admission number, ID) before any bed label
 * get the verdict NO_BED and change nothing; action words then give RECORDED
 * with detail NO_BED. An ID whose patient is the one claimed at this bed (by
 * a wristband that said WRONG_BED) is MATCH: it confirms who the person is,
 * and the bed stays MOVED_IN.
 *
 * Beds compare in canonical form: the loader stores the roster's beds as
 * "1" for "01" (the file's spelling kept for reports), and scanned labels
 * and typed bed numbers are normalised the same way (scan_bed_normalise).
 * An admission number that matches the roster only without (or with)
 * leading zeros is taken when exactly one patient matches, with the
 * roster's number in the detail. */
#ifndef FC_CORE_NIGHT_H
#define FC_CORE_NIGHT_H

#include "core/base/error.h"
#include "core/ident/scan.h"
#include "core/visit/visit.h"

#include <stdint.h>

struct store;
struct event;
struct night;

/* Double-read window: the same code again within this many ms is
 * DUPLICATE_SCAN. */
#define NIGHT_DOUBLE_READ_MS 1500

/* The result of one scan or correction, as shown to the inspector. */
struct night_result {
    int64_t seq; /* event seq of the stored scan (or correction) */
    char event_id[37];
    char code[SCAN_CODE_MAX + 1];
    char kind[24];    /* scan_kind_name */
    char source[16];  /* scan_source_name */
    char verdict[24]; /* stable name: BED_LISTED, MATCH, WRONG_BED, ... */
    char detail[256];
    char message[320]; /* English sentence for people */
    char ward_code[SCAN_REF_MAX];
    char bed[SCAN_REF_MAX]; /* the bed the scan counts for, "" without one */
    char admission_no[SCAN_REF_MAX];
};

/* Opens the engine on a night visit: id or prefix as visit_resolve() takes
 * (NULL = the open visit, else the last one). The caller has ATTACHed the
 * visit's mission as "ref" (mission_attach with the visit's mission_id and
 * mission_version) and keeps it attached while the engine lives; the engine
 * compiles the site's scan patterns. FC_ESTATE if the visit is not
 * a night visit. *out NULL on failure; night_free accepts NULL. */
int night_open(struct store *s, const char *visit, struct night **out, struct fc_error *err);
void night_free(struct night *n);

/* The visit the engine works on (borrowed). */
const struct visit *night_visit(const struct night *n);

/* Classifies and judges one scan, stores it as a "scan" event and commits
 * before returning, with how it arrived (NULL: typed on the command line). FC_ESTATE if the
 * visit is closed. out is filled on success. */
int night_scan(struct night *n, const char *raw, size_t len, const struct scan_arrival *arrival,
               int64_t at_ms, struct night_result *out, struct fc_error *err);

/* The verdict night_scan would give, without storing anything (seq 0,
 * event_id ""): classification, reference lookups and the decision. */
int night_preview(struct night *n, const char *raw, size_t len, int64_t at_ms,
                  struct night_result *out, struct fc_error *err);

/* Corrections. target is an event id (or a unique prefix of 8+ characters)
 * or a seq number of a scan of this visit. void needs a non-empty reason;
 * amend replaces the scan's code by code (judged at the original scan's
 * position and time) and/or adds a note. Each is one committed event; out
 * (may be NULL) receives the target's new verdict. FC_ENOTFOUND for an
 * unknown target, FC_ESTATE for a scan already voided or a closed visit. */
int night_void(struct night *n, const char *target, const char *reason, int64_t at_ms,
               struct night_result *out, struct fc_error *err);
int night_amend(struct night *n, const char *target, const char *code, const char *note,
                int64_t at_ms, struct night_result *out, struct fc_error *err);

/* One bed the inspectors scanned, with its finding. */
struct night_bed {
    const char *ward_code, *bed;
    const char *listed;     /* admission numbers listed for the bed, comma-separated, or "" */
    const char *identified; /* admission_no last identified at the bed, or "" */
    const char *finding;    /* OK, ABSENT, ABSENT_LEAVE, ... */
    int no_wristband, no_id, exam;
    int64_t scans; /* counted scans at the bed */
};

/* One listed patient of the site with the per-patient finding. name and
 * id_number are raw: mask them before showing. */
struct night_patient {
    const char *admission_no, *name, *id_number, *ward_code, *bed;
    const char *finding;  /* PRESENT, ..., NOT_FOUND, UNCHECKED */
    const char *found_at; /* "ward_code:bed" where identified elsewhere, or "" */
    /* What reviewers should see beside the finding, or "": "ABSENT_EXAM" when
     * the patient is NOT_FOUND and the own bed was recorded empty with the
     * patient away for an examination (docs/decisions.md). */
    const char *detail;
};

/* Calls cb for every scanned bed (ward, bed order) / every listed patient of
 * the site (ward, bed, admission order). cb returns non-zero to stop. */
int night_foreach_bed(struct night *n, int (*cb)(const struct night_bed *b, void *ctx), void *ctx,
                      struct fc_error *err);
int night_foreach_patient(struct night *n, int (*cb)(const struct night_patient *p, void *ctx),
                          void *ctx, struct fc_error *err);

/* Calls cb for every scan of the visit in order (voided ones too, voided 1). */
struct night_scan_row {
    int64_t seq;
    const char *event_id, *code, *kind, *verdict, *detail, *ward_code, *bed, *admission_no;
    int64_t at_ms;
    int voided, amended;
};
int night_foreach_scan(struct night *n, int (*cb)(const struct night_scan_row *r, void *ctx),
                       void *ctx, struct fc_error *err);

/* 1 if the finding or verdict name is of class anomaly in the night
 * catalogue (core/night/catalogue.c) in any of its scopes. */
int night_is_anomaly(const char *name);

/* Appliers of the night workflow (core/night/workflow.c), run for events
 * of night visits; ctx is what night_scan passes, or NULL. */
int night_apply_scan(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int night_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int night_apply_amend(struct store *s, const struct event *e, void *ctx, struct fc_error *err);

#endif
