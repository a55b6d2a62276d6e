/* Flight-inspection worksheets (DESIGN §5 "Flight", DOMAIN.md): the province's
 * suspicion lines (疑点) worked through one by one, findings against the
 * violation taxonomy, interview records (询问笔录) and the report.
 *
 * Every change is an event: susp_verify, susp_response, susp_assign,
 * finding_add, interview_add (evidence_add lives in core/evidence.h). Appliers
 * read only the event payload and earlier derived rows (never the reference
 * database), so `db rebuild` reproduces suspicion_state, susp_action,
 * flight_finding and interview exactly. A "void" event ({"target": EVENT_ID,
 * "reason": T}) removes its target from every query; voiding a verdict brings
 * back the previous one.
 *
 * Money is integer fen throughout (core/base/money.h); amounts given as text
 * are parsed exactly. Functions that read suspicion lines need the mission's
 * reference database attached as schema "ref" (flight_attach_ref). */
#ifndef FC_CORE_FLIGHT_H
#define FC_CORE_FLIGHT_H

#include "core/base/error.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct event;
struct visit;

enum flight_state { FLIGHT_PENDING, FLIGHT_CONFIRMED, FLIGHT_PARTIAL, FLIGHT_REFUTED };
#define FLIGHT_NSTATES 4

/* "PENDING", "CONFIRMED", "PARTIAL", "REFUTED". */
const char *flight_state_name(enum flight_state st);
/* "待查", "属实", "部分属实", "不属实". */
const char *flight_state_zh(enum flight_state st);
/* Accepts the English names (any case) and the Chinese ones; FC_EUSAGE otherwise. */
int flight_state_parse(const char *text, enum flight_state *out);

/* Attaches the reference data of the visit's mission as schema "ref"
 * (mission_attach, which replaces any earlier attachment). Must run outside a
 * transaction. FC_ENOTFOUND when the mission was never loaded. */
int flight_attach_ref(struct store *s, const struct visit *v, struct fc_error *err);

/* Checks that v is a flight visit (FC_ESTATE otherwise), open when need_open
 * (FC_ESTATE when closed), and attaches its reference data. */
int flight_prepare(struct store *s, const struct visit *v, int need_open, struct fc_error *err);

/* One suspicion line with its worksheet state, as passed to callbacks. All
 * pointers borrow the current row and are valid only during the callback;
 * text fields are "" when empty. has_* say whether the REAL column was set. */
struct flight_line {
    const char *susp_id, *rule_code, *rule_name, *setl_id, *admission_no, *name, *id_number,
        *item_code, *item_name, *settled_on, *description;
    int has_qty, has_unit_price, has_amount, has_susp_amount;
    int64_t qty_milli, unit_price_fen, amount_fen, susp_amount_fen;
    enum flight_state state;
    int64_t irregular_fen, fund_loss_fen;
    const char *note, *over_reason, *response, *inspector, *verified_at;
};

/* NULL members do not filter. state: a name flight_state_parse() accepts. */
struct flight_filter {
    const char *rule;
    const char *state;
    const char *inspector;
};

/* Calls cb for each suspicion line of the visit's site matching filter (may be
 * NULL), ordered by susp_id. cb returns 0 to continue; non-zero stops and is
 * returned. FC_EUSAGE for an unknown state name in the filter. */
int flight_susp_foreach(struct store *s, const char *visit_id, const struct flight_filter *filter,
                        int (*cb)(const struct flight_line *l, void *ctx), void *ctx,
                        struct fc_error *err);

/* Calls cb once with the line susp_id of the visit's site and its worksheet
 * state: one primary-key lookup, whatever the size of the list. Returns what
 * cb returns, or FC_ENOTFOUND when the site has no such line. */
int flight_susp_get(struct store *s, const char *visit_id, const char *susp_id,
                    int (*cb)(const struct flight_line *l, void *ctx), void *ctx,
                    struct fc_error *err);

/* The line, its state, every action on it (voided ones flagged) and the
 * findings naming it, as a new JSON object in *out (caller decrefs). Names and
 * ID numbers are masked. FC_ENOTFOUND when the line is not in the visit's site. */
int flight_susp_show(struct store *s, const char *visit_id, const char *susp_id, json_t **out,
                     struct fc_error *err);

struct flight_verify_args {
    const char *susp_id;
    const char *verdict; /* CONFIRMED|PARTIAL|REFUTED|PENDING or 属实/部分属实/不属实/待查 */
    const char *amount;      /* irregular amount in yuan text, or NULL */
    const char *fund_loss;   /* fund-loss amount in yuan text, or NULL */
    const char *note;        /* may be NULL */
    const char *over_reason; /* required when the amount exceeds the line amount */
    int64_t at_ms;
};

struct flight_verdict {
    char event_id[37];
    enum flight_state state;
    int64_t irregular_fen, fund_loss_fen, line_fen;
};

/* Records a verdict (one committed susp_verify event). Rules: REFUTED and
 * PENDING carry no amounts (a non-zero --amount is refused); CONFIRMED without
 * an amount takes the line's susp_amount (else amount); PARTIAL needs an
 * amount; an irregular amount above the line amount needs over_reason; fund
 * loss defaults to the irregular amount and may never exceed it. FC_EUSAGE for
 * a bad verdict, FC_EINPUT for a bad or inconsistent amount, FC_ENOTFOUND for
 * an unknown line. out may be NULL. */
int flight_susp_verify(struct store *s, const char *visit_id, const struct flight_verify_args *a,
                       struct flight_verdict *out, struct fc_error *err);

/* Records the institution's response (申辩) to a line: one committed
 * susp_response event. text must be non-empty. */
int flight_susp_respond(struct store *s, const char *visit_id, const char *susp_id,
                        const char *text, int64_t at_ms, char event_id[37], struct fc_error *err);

/* Assigns a line to an inspector: one committed susp_assign event. */
int flight_susp_assign(struct store *s, const char *visit_id, const char *susp_id,
                       const char *inspector, int64_t at_ms, char event_id[37],
                       struct fc_error *err);

/* Lines the team lead handed to this device (docs/bundle-format.md §10,
 * sync/assign.h verified the code): in one transaction, one susp_assign
 * event per line of lines[0..n) whose current assignment does not already
 * come from lead with a number at least number, its payload naming
 * {"assignment": {"lead", "number"}}. inspector NULL or "": the visit's first
 * inspector. The visit must be an open flight visit (FC_ESTATE) and every
 * line one of its site (FC_ENOTFOUND, nothing recorded). *applied (may be
 * NULL) receives how many lines were recorded. */
int flight_susp_assign_team(struct store *s, const char *visit_id, const char *const *lines,
                            size_t n, const char *inspector, const char *lead, int64_t number,
                            int64_t at_ms, size_t *applied, struct fc_error *err);

/* FC_ENOTFOUND naming the first of lines[0..n) that is not a suspicion line
 * of site_code in the mission (id, version), which is attached as "ref". */
int flight_lines_check(struct store *s, const char *mission_id, int64_t version,
                       const char *site_code, const char *const *lines, size_t n,
                       struct fc_error *err);

struct flight_finding_args {
    const char *code;         /* taxonomy code, e.g. "V38-4" */
    const char *amount;       /* irregular amount (yuan text); NULL: qty x unit price */
    const char *fund_loss;    /* NULL: the irregular amount */
    const char *qty;          /* NULL or a quantity (up to 3 decimals) */
    const char *unit_price;   /* NULL or yuan text; given together with qty */
    const char *const *lines; /* susp_ids (must exist at the site); n_lines of them */
    size_t n_lines;
    const char *const *patients; /* admission numbers */
    size_t n_patients;
    const char *note;            /* required, non-empty */
    const char *const *evidence; /* file paths registered (or reused) with the finding */
    size_t n_evidence;
    int64_t at_ms;
};

/* Records a finding (finding_add, plus evidence_add for new evidence files,
 * in one transaction). FC_EINPUT for an unknown code, an amount missing or
 * above qty x unit price, fund loss above the irregular amount, or an unknown
 * line. event_id (may be NULL) receives the finding's event id. */
int flight_finding_add(struct store *s, const char *visit_id, const struct flight_finding_args *a,
                       char event_id[37], struct fc_error *err);

/* One finding as passed to callbacks; pointers valid during the callback. */
struct flight_finding {
    const char *event_id, *at, *code, *note;
    int has_qty, has_unit_price;
    int64_t seq, qty_milli, unit_price_fen, irregular_fen, fund_loss_fen;
    const char *lines_json, *patients_json, *evidence_json; /* JSON arrays */
};

int flight_finding_foreach(struct store *s, const char *visit_id,
                           int (*cb)(const struct flight_finding *f, void *ctx), void *ctx,
                           struct fc_error *err);

struct flight_total {
    char key[16]; /* state name or violation code */
    int64_t count, irregular_fen, fund_loss_fen;
};

struct flight_totals {
    struct flight_total by_state[FLIGHT_NSTATES]; /* indexed by enum flight_state */
    struct flight_total lines;                    /* all suspicion lines */
    struct flight_total *by_code;                 /* malloc'd, in taxonomy order */
    size_t n_codes;
    struct flight_total findings; /* all findings */
};

/* Totals by state (over every line of the site; lines without a verdict count
 * as PENDING) and by violation code. Release with flight_totals_release. */
int flight_totals(struct store *s, const char *visit_id, struct flight_totals *out,
                  struct fc_error *err);
void flight_totals_release(struct flight_totals *t);

/* The flight part of `visit show`: {"totals": {...}, "findings": [...],
 * "evidence": [...], "interviews": n}. Returns a new object, or NULL with err
 * set (err may be NULL). */
json_t *flight_show_json(struct store *s, const char *visit_id, struct fc_error *err);

/* Writes the flight report of the visit to out: format "csv" (one row per
 * suspicion line with state and amounts, then one per finding) or "md" (the
 * on-site record 现场检查笔录 with results, findings and legal basis, totals,
 * evidence with hashes, interviews, and the checkpoint short code once the
 * visit is closed). FC_EUSAGE for another format; FC_EIO on a write error. */
int flight_report(struct store *s, const char *visit_id, const char *format, FILE *out,
                  struct fc_error *err);

/* Appliers of the flight workflow (core/flight/workflow.c), run for events
 * of flight visits. flight_apply_void refreshes what depends on the target
 * of a "void" (the common applier has recorded it in the voided table);
 * flight_on_voided is that refresh. */
int flight_apply_verify(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int flight_apply_response(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int flight_apply_assign(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int flight_apply_finding(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int flight_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int flight_on_voided(struct store *s, const char *target, struct fc_error *err);

#endif
