/* Pharmacy stock reconciliation 进销存核查 (DESIGN §5, "Pharmacy"): per-scan
 * verdicts while the inspectors count the shelf, and the reconciliation rules
 * D01..D09 per drug afterwards.
 *
 * Every scan, manual count, recount and blind switch is one event committed
 * before its result is returned. A scan's payload holds the facts looked up in
 * the reference database (which drug the code belongs to, the box's de-dup key,
 * the units one box is worth, whether insurance settled the code); the verdict
 * is a pure function of those facts and the visit's derived state (earlier
 * scans, codes already counted), computed before the append and again by the
 * applier, so `db rebuild` gives the same state. A "void" of a scan replays the
 * visit's pharmacy events without it.
 *
 * Units: counts are in the drug's unit (DESIGN §4). A scanned box is worth
 * pack_factor units: 1 for a whole-pack row, the pack size for a split-pack
 * (拆零) row whose unit is the tablet. A manual count (`DRUG_CODE:QTY` scan or
 * `count DRUG --qty N`) adds N units, for opened packs; several add up.
 *
 * Rounds: `count DRUG --recount` starts a new round for one drug: its counted
 * figure restarts at zero, its boxes may be scanned again, and only the latest
 * round counts. Earlier rounds stay in the log.
 *
 * Blind counting: `count --blind` hides book figures (book, variance, the
 * reconciliation) until `count --save` or the visit is closed.
 *
 * Completeness: a drug nobody counted is NOT_COUNTED (coverage), with no
 * D01/D02 and no amount, until the inspectors declare the count complete
 * (`count --complete`); uncounted drugs then count as 0. D02 is never raised
 * against a negative book (D04 says what is wrong there). */
#ifndef FC_CORE_PHARMACY_H
#define FC_CORE_PHARMACY_H

#include "core/base/error.h"
#include "core/ident/scan.h"
#include "core/visit/visit.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct event;
struct pharmacy;

/* The same code again within this many ms is a scanner double read. */
#define PHARMACY_DOUBLE_READ_MS 1500
/* Evidence items listed per finding (the total is always given). */
#define PHARMACY_EVIDENCE_MAX 10

/* The result of one scan, count or correction, as shown to the inspector. */
struct pharmacy_result {
    int64_t seq;
    char event_id[37];
    char code[SCAN_CODE_MAX + 1];
    char kind[24];    /* trace_code, gs1, gtin, count, action, unknown, ... */
    char source[16];  /* scan_source_name, or "command" */
    char verdict[24]; /* COUNTED, GTIN_COUNTED, SOLD_CODE_ON_SHELF, DUPLICATE_SCAN,
                         UNKNOWN_ITEM, RECORDED */
    char detail[256];
    char message[320];
    char drug_code[64]; /* "" when the code matched no drug */
    double qty;         /* units this scan added to the count (0 if not counted) */
    int64_t round;
};

/* Opens the engine on a pharmacy visit (id or prefix as visit_resolve takes;
 * NULL = the open visit, else the last). The caller has ATTACHed the visit's
 * mission as "ref" and keeps it attached while the engine lives. FC_ESTATE if
 * the visit is not a pharmacy visit. *out NULL on failure; pharmacy_free
 * accepts NULL. */
int pharmacy_open(struct store *s, const char *visit, struct pharmacy **out, struct fc_error *err);
void pharmacy_free(struct pharmacy *p);

/* The visit the engine works on (borrowed). */
const struct visit *pharmacy_visit(const struct pharmacy *p);

/* Classifies and judges one scan, stores it as a "scan" event and commits
 * before returning, with how it arrived (NULL: typed on the command line). FC_ESTATE if the
 * visit is closed. out is filled on success. */
int pharmacy_scan(struct pharmacy *p, const char *raw, size_t len,
                  const struct scan_arrival *arrival, int64_t at_ms, struct pharmacy_result *out,
                  struct fc_error *err);

/* A manual count of qty units (0..IDENT_COUNT_QTY_MAX) of drug_code: one
 * committed "scan" event with verdict RECORDED, or UNKNOWN_ITEM when the site
 * has no such drug. */
int pharmacy_count(struct pharmacy *p, const char *drug_code, long qty, int64_t at_ms,
                   struct pharmacy_result *out, struct fc_error *err);

/* Starts a new counting round for drug_code (one committed "pharmacy_round"
 * event). FC_ENOTFOUND if the site has no such drug. *round (may be NULL)
 * receives the new round number. */
int pharmacy_recount(struct pharmacy *p, const char *drug_code, int64_t at_ms, int64_t *round,
                     struct fc_error *err);

/* Turns blind counting on (blind 1) or saves the count and shows book figures
 * (blind 0): one committed "pharmacy_blind" event. */
int pharmacy_set_blind(struct pharmacy *p, int blind, int64_t at_ms, struct fc_error *err);

/* Declares the count complete (one committed "pharmacy_complete" event,
 * DESIGN §5): from then on every listed drug is reconciled, those nobody
 * counted as 0. FC_ESTATE when it is complete already or the visit closed. */
int pharmacy_set_complete(struct pharmacy *p, int64_t at_ms, struct fc_error *err);

/* 1 if the count of the visit was declared complete, 0 if not, or a
 * negative error. */
int pharmacy_is_complete(struct store *s, const struct visit *v, struct fc_error *err);

/* 1 if book figures of the visit are hidden now (blind and still open), 0 if
 * not, or a negative error. */
int pharmacy_is_blind(struct store *s, const struct visit *v, struct fc_error *err);

/* Voids a scan of this visit (event id, unique prefix of 8+ characters, or seq)
 * with a non-empty reason: one committed "void" event; the box is uncounted.
 * out (may be NULL) receives the voided scan's stored result. FC_ENOTFOUND,
 * FC_ESTATE for an already voided scan or a closed visit. */
int pharmacy_void(struct pharmacy *p, const char *target, const char *reason, int64_t at_ms,
                  struct pharmacy_result *out, struct fc_error *err);

/* One reconciliation finding. Quantities are in the drug's unit (D06: a and b
 * are unit prices in yuan). evidence borrows settlement ids or codes, at most
 * PHARMACY_EVIDENCE_MAX of evidence_total; note is extra text or "". */
struct pharmacy_finding {
    const char *drug_code;
    const char *rule; /* "D01_STOCK_SHORTAGE", ... */
    double a, b, diff;
    int64_t amount_fen; /* suspect amount in fen (1/100 yuan) */
    const char *const *evidence;
    size_t nevidence;
    int64_t evidence_total;
    const char *note;
};

/* What values a and b of a rule's finding are, for people: "counted" and
 * "book" for D01/D02, "settled" and "sold" for D03, ... (b_en NULL when the
 * rule compares with nothing). NULL for an unknown rule. */
struct pharmacy_rule_terms {
    const char *rule;
    const char *a_en, *a_zh, *b_en, *b_zh;
};
const struct pharmacy_rule_terms *pharmacy_rule_terms(const char *rule);

/* Calls cb for every box the visit counted by its code (traceability code
 * or GS1 serial: the boxes a count de-duplicates), in box order, with the
 * drug it counted for and the units it added. cb returns non-zero to stop
 * (returned). */
int pharmacy_boxes_foreach(struct store *s, const char *visit_id,
                           int (*cb)(const char *box_key, const char *drug_code, double qty,
                                     void *ctx),
                           void *ctx, struct fc_error *err);

/* Computes the findings D01..D09 for a pharmacy visit (resolved id) with "ref"
 * attached, calling cb per finding in drug_code then rule order; cb returns
 * non-zero to stop (returned). FC_ESTATE while the count is blind. */
int pharmacy_reconcile(struct store *s, const struct visit *v,
                       int (*cb)(const struct pharmacy_finding *f, void *ctx), void *ctx,
                       struct fc_error *err);

/* Formats a quantity: an integer without decimals, else up to 3 decimals. */
void pharmacy_format_qty(double q, char out[32]);

/* A finding's figures for people: a, b and diff as pharmacy_format_qty
 * writes them, the amount in yuan (money_text). */
struct pharmacy_finding_text {
    char a[32], b[32], diff[32], amount[32];
};
void pharmacy_finding_text(const struct pharmacy_finding *f, struct pharmacy_finding_text *t);

/* Appends the finding's evidence items to out, separated by spaces, then
 * more_fmt (a printf format taking a long long) with the number of items
 * found but not listed, when there are any. */
void pharmacy_finding_evidence(const struct pharmacy_finding *f, const char *more_fmt,
                               struct buf *out);

/* One finding as a JSON object {drug_code, rule, a, b, diff, amount (yuan
 * text), amount_fen, evidence [...], evidence_total, note}. New reference. */
json_t *pharmacy_finding_json(const struct pharmacy_finding *f);

/* `visit show` for a pharmacy visit: {"visit", "site_code", "blind", "drugs":
 * [{drug_code, name, spec, unit, book, counted, variance, round, boxes,
 * flags}]} with book and variance null while blind and flags the rules found
 * for the drug. NULL with err set on failure. New reference. */
json_t *pharmacy_show_json(struct store *s, const struct visit *v, struct fc_error *err);

/* Writes the visit's stock table and findings as "csv" or "md" to out.
 * FC_EUSAGE for another format, FC_ESTATE while blind. */
int pharmacy_report(struct store *s, const char *visit_id, const char *format, FILE *out,
                    struct fc_error *err);

/* One stored scan of a pharmacy visit (derived state; strings borrowed for
 * the callback). drug_code is "" when the code matched no drug. */
struct pharmacy_scan_row {
    int64_t seq;
    const char *event_id;
    int64_t at_ms;
    const char *code, *kind, *drug_code, *verdict, *detail;
    double qty; /* units it added to the count (0 if none, or voided) */
    int64_t round;
    int settled; /* insurance settled the code */
    int voided;
};

/* Calls cb for each scan (boxes and manual counts) of visit_id, oldest first,
 * voided ones included; drug_code non-NULL and non-empty keeps one drug's.
 * cb returns non-zero to stop (returned). */
int pharmacy_foreach_scan(struct store *s, const char *visit_id, const char *drug_code,
                          int (*cb)(const struct pharmacy_scan_row *r, void *ctx), void *ctx,
                          struct fc_error *err);

/* Appliers of the pharmacy workflow (core/pharmacy/workflow.c), run for
 * events of pharmacy visits; ctx is the engine that appends the event, or
 * NULL during a rebuild. */
int pharmacy_apply_scan(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int pharmacy_apply_round(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int pharmacy_apply_blind(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int pharmacy_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int pharmacy_apply_complete(struct store *s, const struct event *e, void *ctx,
                            struct fc_error *err);

#endif
