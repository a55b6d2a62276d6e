/* The workflow seam (DESIGN §3): one struct workflow per inspection kind —
 * night bed check, pharmacy reconciliation, flight inspection — and the
 * registry that finds them. Everything outside a workflow's own folder asks
 * the registry: the CLI's kind names and dispatch, the TUI adapters, reports,
 * HQ's summary, the event appliers. An unknown kind is an error, never a
 * fallback to another workflow.
 *
 * A workflow's verdict catalogue is the one place a verdict, finding or rule
 * is defined: its stable code (JSON, scripts), its class (anomaly, coverage,
 * info, ok), its severity (beeps, colour) and its label and one-line
 * explanation in Chinese and English. Screens, CLI text, reports and HQ read
 * these rows; nothing else keeps a list of verdicts.
 *
 * The registry is also the composition root of the event store: the store
 * asks it for the appliers of an event (the common ones of visits, evidence,
 * interviews and corrections, then those of the visit's workflow) and for the
 * derived tables to rebuild, so core/store never includes a workflow.
 *
 * Adding a workflow: a folder core/<kind>/ with its engine, catalogue and a
 * workflow.c defining one struct workflow, plus one row in the table of
 * core/workflow.c (or workflow_register() from a test). docs/HACKING.md has
 * the checklist. */
#ifndef FC_CORE_WORKFLOW_H
#define FC_CORE_WORKFLOW_H

#include "core/base/error.h"
#include "core/base/lang.h"
#include "core/visit/visit.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct event;
struct visit;
struct scan_arrival;
struct report_ctx;
struct workflow;
struct workflow_doc;

/* ---- the verdict catalogue ----------------------------------------------- */

/* What a verdict means for the record (DESIGN §5 "Classes"). Only anomalies
 * are counted as anomalies, beeped and coloured; coverage says what the
 * record does not cover; info is neutral. */
enum verdict_class {
    VERDICT_OK = 0,
    VERDICT_INFO,
    VERDICT_COVERAGE,
    VERDICT_ANOMALY,
};

/* How loudly a screen announces it: beeps and colour role (OK one beep, WARN
 * two, ANOMALY three; NONE silent). Independent of the class so that, say, an
 * unrecognised code warns the inspector without being an anomaly. */
enum verdict_severity {
    VERDICT_SEV_NONE = 0,
    VERDICT_SEV_OK,
    VERDICT_SEV_WARN,
    VERDICT_SEV_ANOMALY,
};

/* Where a catalogue row is used (bits): the verdict of one scan, the finding
 * of a bed or of a listed patient, a reconciliation rule, the state of a
 * worksheet line, a recorded finding. */
enum {
    VERDICT_SCAN = 1 << 0,
    VERDICT_BED = 1 << 1,
    VERDICT_PATIENT = 1 << 2,
    VERDICT_RULE = 1 << 3,
    VERDICT_STATE = 1 << 4,
    VERDICT_FINDING = 1 << 5,
    VERDICT_ITEM = 1 << 6, /* a per-item result (a drug's count status) */
};

struct verdict {
    const char *code; /* stable: BED_LISTED, WRONG_BED, D01_STOCK_SHORTAGE, ... */
    unsigned scope;   /* VERDICT_SCAN | ... */
    enum verdict_class cls;
    enum verdict_severity severity;
    const char *label_en, *label_zh;     /* a few words: "wrong bed", "错床" */
    const char *explain_en, *explain_zh; /* one line for a legend or help */
    /* Optional message for the inspector, templates (printf-like) over
     * (1) the place: the bed "ward-bed" or the drug code, (2) the detail,
     * (3) the person or quantity: the admission number or the units
     * counted, (4) the code as scanned; NULL: the engine's English message
     * in English, the label in Chinese. */
    const char *message_en, *message_zh;
};

/* The label / explanation in the current language (fc_lang_current) or a
 * given one. v NULL gives NULL. */
const char *verdict_label(const struct verdict *v);
const char *verdict_label_in(const struct verdict *v, enum fc_lang lang);
const char *verdict_explain(const struct verdict *v);
const char *verdict_explain_in(const struct verdict *v, enum fc_lang lang);

/* "anomaly", "coverage", "info", "ok" (stable, for JSON) and the class's
 * heading for people in the current language. */
const char *verdict_class_name(enum verdict_class cls);
const char *verdict_class_label(enum verdict_class cls);

/* ---- what a visit found --------------------------------------------------- */

/* One result of a visit as the workflow states it for summaries, close
 * screens, reports and HQ: a bed's or patient's finding, a drug's rule or
 * count status, a worksheet line's state or a recorded finding. Strings are
 * borrowed for the callback. */
struct workflow_finding {
    const struct verdict *verdict; /* catalogue row (never NULL) */
    const char *group;             /* the workflow's summary group ("beds", "drugs", ...) */
    const char *subject;           /* "W01:12", an admission number, a drug code, a susp_id */
    const char *detail;            /* "" when none */
    int64_t amount_fen;            /* suspect or irregular amount, 0 when none */
    int64_t fund_loss_fen;         /* fund loss (flight), 0 when none */
    int64_t count;                 /* items the row stands for: 1, or a group's size
                                      (subject "" then), e.g. 2,000 lines not yet checked */
    const char *key;               /* the summary row it adds to, when not the verdict's own
                                      (a violation code); NULL otherwise */
    int has_qty;                   /* qty_milli is set: a quantity counted (pharmacy) */
    int64_t qty_milli;             /* in thousandths of the subject's unit */
};

/* One row of a visit's summary: the findings of one group with the same
 * verdict (and key), counted and summed. */
struct workflow_count {
    const struct verdict *verdict;
    const char *key; /* NULL, or the row's name (a violation code) */
    int64_t count, amount_fen, fund_loss_fen;
};

/* What money a summary group's rows carry. */
enum workflow_money {
    WORKFLOW_MONEY_NONE = 0,
    WORKFLOW_MONEY_AMOUNT,      /* a suspect amount (pharmacy rules) */
    WORKFLOW_MONEY_AMOUNT_LOSS, /* irregular amount and fund loss, kept apart (flight) */
};

/* A summary group of the close screen and reports: beds and patients, drugs
 * and rules, lines and findings. */
struct workflow_group {
    const char *name; /* stable: "beds" */
    const char *label_en, *label_zh;
    enum workflow_money money;
    /* Rows add up rather than state one item's result (recorded findings):
     * two members' rows of one subject are never a conflict. */
    int additive;
    /* Members' records of one subject are parts of one whole (one drug
     * counted on different shelves by different members): the team's figure
     * is the sum of their qty_milli, never a conflict. */
    int sums;
    /* Records (never findings) of this group name the units the parts of
     * the summed group units_of are made of: subject the unit (a box code),
     * detail the subject of the summed group it belongs to (the drug),
     * qty_milli what it added there. A unit two members recorded alike is
     * counted once in the team's sum; recorded differently, it is a
     * conflict. The team's view lists only units two or more members
     * recorded. NULL for other groups. */
    const char *units_of;
    /* Rows judge a member's own part of a summed whole (a reconciliation
     * rule over the member's own count of some shelves): the team's view
     * sets them side by side, never as a conflict between members. */
    int per_member;
};

/* ---- scanning ---------------------------------------------------------------- */

/* The result of one scan or correction, common to every workflow that takes
 * scans. extra holds the workflow's own fields for --json (bed, admission_no;
 * drug_code, qty, round); it is owned by the result. */
struct workflow_result {
    int64_t seq;
    char event_id[37];
    char code[520];
    char kind[24];
    char source[16];
    char verdict[32];
    char detail[256];
    char message[320];         /* English sentence (JSON "message") */
    char message_local[320];   /* the same in the user's language */
    const struct verdict *def; /* catalogue row, NULL for an unknown code */
    json_t *extra;             /* new reference or NULL */
};

void workflow_result_release(struct workflow_result *r);

/* A workflow's engine, opened on one visit with its mission attached as
 * "ref". The call order is open, then any number of scan / void / amend,
 * then close. */
struct workflow_engine_ops {
    int (*open)(struct store *s, const struct visit *v, void **engine, struct fc_error *err);
    void (*close)(void *engine);
    /* Judges and durably records one code with how it arrived (NULL: typed
     * on the command line; core/ident/scan.h). */
    int (*scan)(void *engine, const char *raw, size_t len, const struct scan_arrival *arrival,
                int64_t at_ms, struct workflow_result *out, struct fc_error *err);
    /* Cancels a scan (event id, 8+ character prefix or seq) with a reason;
     * NULL when the workflow's scans cannot be voided one by one. */
    int (*void_scan)(void *engine, const char *target, const char *reason, int64_t at_ms,
                     struct workflow_result *out, struct fc_error *err);
    /* Replaces a scan's code and/or adds a note; NULL when not supported. */
    int (*amend)(void *engine, const char *target, const char *code, const char *note,
                 int64_t at_ms, struct workflow_result *out, struct fc_error *err);
};

/* What every scan engine holds: the store, its visit and the classifier of
 * the visit's site. engine_base_open resolves the visit (id or prefix as
 * visit_resolve takes; NULL: the open one, else the last), checks it is a
 * visit of wf (FC_ESTATE otherwise), compiles the site's scan patterns and
 * maps the reference file (attached as "ref" by the caller), which every
 * scan probes at random. engine_base_release accepts a zeroed base. */
struct scan_classifier;
struct engine_base {
    struct store *store;
    struct visit visit;
    struct scan_classifier *cls;
};
int engine_base_open(struct engine_base *b, struct store *s, const char *visit,
                     const struct workflow *wf, struct fc_error *err);
void engine_base_release(struct engine_base *b);
/* FC_ESTATE, naming when, if the base's visit is closed: nothing more is
 * recorded in a closed visit. */
int engine_base_writable(const struct engine_base *b, struct fc_error *err);
/* Finds the scan of the base's visit a correction names: its seq number, or
 * an event id or prefix of 8+ characters. *seq gets its seq and id (NULL:
 * not wanted) its event id. FC_ENOTFOUND, or FC_EUSAGE when ambiguous. */
struct buf;
int engine_find_scan(const struct engine_base *b, const char *target, int64_t *seq, struct buf *id,
                     struct fc_error *err);
/* The string member key of a payload, "" when absent or not a string. */
const char *engine_str(const json_t *o, const char *key);

/* ---- event appliers --------------------------------------------------------- */

/* Updates derived tables for one event, inside the caller's transaction.
 * ctx is what the appending code passed to event_append_ctx (its engine,
 * say), or NULL during a rebuild. */
struct workflow_applier {
    const char *kind; /* event kind: "scan", "void", "pharmacy_round", ... */
    int (*apply)(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
};

/* A derived table: how to empty it for a rebuild and dump it in a canonical
 * order for the digest. */
struct workflow_table {
    const char *name;
    const char *clear_sql;
    const char *dump_sql;
};

/* ---- the workflow ------------------------------------------------------------- */

/* Which TUI screen family shows a visit of the workflow (the UI has one
 * screen per family; a workflow without one gets the generic screen). */
enum workflow_screen {
    WORKFLOW_SCREEN_GENERIC = 0,
    WORKFLOW_SCREEN_BEDS,      /* ward map, bed table, verdict banner */
    WORKFLOW_SCREEN_COUNT,     /* stock count with live variance */
    WORKFLOW_SCREEN_WORKSHEET, /* suspicion lines worked one by one */
};

/* Mission files a workflow needs (bits), DESIGN §4. */
enum {
    WORKFLOW_FILE_SITES = 1 << 0,
    WORKFLOW_FILE_WARDS = 1 << 1,
    WORKFLOW_FILE_INPATIENTS = 1 << 2,
    WORKFLOW_FILE_LEAVES = 1 << 3,
    WORKFLOW_FILE_DRUGS = 1 << 4,
    WORKFLOW_FILE_SETTLEMENTS = 1 << 5,
    WORKFLOW_FILE_SUSPICIONS = 1 << 6,
    WORKFLOW_FILE_SCAN_PATTERNS = 1 << 7,
};

struct workflow {
    const char *kind;                              /* stable: "night"; the CLI's --kind value */
    const char *label_en, *label_zh;               /* "night bed check", "夜查" */
    const char *short_en, *short_zh;               /* for narrow columns: "night", "夜查" */
    const char *report_title_en, *report_title_zh; /* "Night bed check report", "夜查报告" */
    const char *site_kind; /* the site kind it inspects: "hospital", "pharmacy", NULL any */
    unsigned needs_files;  /* WORKFLOW_FILE_* a mission of this kind must carry */
    enum workflow_screen screen;

    const struct verdict *catalogue;     /* terminated by code == NULL */
    const struct workflow_group *groups; /* summary groups, terminated by name == NULL */

    const struct workflow_applier *appliers; /* terminated by kind == NULL; may be NULL */
    /* Event kinds of the workflow's records (not scans) that a generic void
     * may cancel (workflow_void_record), NULL-terminated; may be NULL. */
    const char *const *record_kinds;
    const struct workflow_table *tables; /* terminated by name == NULL; may be NULL */

    /* Engine for scans; NULL when the workflow takes none. */
    const struct workflow_engine_ops *engine;

    /* What the visit found, group by group, in display order (anomalies are
     * not sorted first: callers pick by class). Needs the mission attached
     * (workflow_attach). NULL: nothing beyond the events. */
    int (*findings)(struct store *s, const struct visit *v,
                    int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                    struct fc_error *err);
    /* Every item the visit recorded, one by one, for the team's merged view
     * (core/team/view.h), which sets members' records of one item side by
     * side: like findings, but a refuted line or a counted drug is a row of
     * its own and detail says what was recorded where findings would not
     * (the quantity counted). NULL: the rows of findings. */
    int (*records)(struct store *s, const struct visit *v,
                   int (*cb)(const struct workflow_finding *f, void *ctx), void *ctx,
                   struct fc_error *err);
    /* `visit show --json`: adds the workflow's fields to obj. */
    int (*show_json)(struct store *s, const struct visit *v, json_t *obj, struct fc_error *err);
    /* `visit show` for people: the workflow's part, after the visit line. */
    int (*show_text)(struct store *s, const struct visit *v, FILE *out, struct fc_error *err);
    /* The report as "csv" or "md" (FC_EUSAGE for another format). */
    int (*report)(struct store *s, const struct visit *v, const char *format, FILE *out,
                  struct fc_error *err);
    /* The HTML report's body and the site record's findings section, written
     * through the report kit (core/report/report.h). */
    int (*report_html)(struct report_ctx *c);
    int (*site_record_html)(struct report_ctx *c);
    /* Extra printable documents: name (for --doc), title and writer;
     * terminated by name == NULL; may be NULL. */
    const struct workflow_doc *docs;
    /* Tables of a workflow that are not in the device schema's migrations
     * (one added from outside the tree): CREATE ... IF NOT EXISTS statements
     * run when a store opens. NULL for the built-in workflows. */
    const char *schema_sql;
};

struct workflow_doc {
    const char *name; /* "beds" */
    const char *title_en, *title_zh;
    int (*write)(struct report_ctx *c);
};

/* ---- the registry ----------------------------------------------------------- */

/* The workflow of kind (exact), or NULL. */
const struct workflow *workflow_find(const char *kind);

/* Like workflow_find, but FC_EUSAGE naming the known kinds when unknown. */
int workflow_get(const char *kind, const struct workflow **out, struct fc_error *err);

/* Calls cb for every workflow in registry order; cb returns non-zero to stop
 * (returned). */
int workflow_foreach(int (*cb)(const struct workflow *wf, void *ctx), void *ctx);

/* The n-th workflow (0-based) in registry order, NULL past the end. */
const struct workflow *workflow_at(size_t n);

/* The known kinds joined with sep ("night|pharmacy|flight"), into a static
 * buffer valid until the next registration. */
const char *workflow_kinds(const char *sep);

/* Registers one more workflow after the built-in ones (a test's, or a
 * deployment's plug-in). FC_EUSAGE when its kind is taken or the registry is
 * full. The pointer is kept: wf must outlive the process's use of it. */
int workflow_register(const struct workflow *wf, struct fc_error *err);

/* The workflow's label / short label in the current language. */
const char *workflow_label(const struct workflow *wf);
const char *workflow_label_in(const struct workflow *wf, enum fc_lang lang);
const char *workflow_short(const struct workflow *wf);

/* The catalogue row code of wf, or NULL. A workflow may use one code in
 * several scopes with different meanings (UNVERIFIED: a token scanned, a bed
 * whose occupant was never identified); workflow_verdict gives the first
 * row, workflow_verdict_in the row whose scope has a bit of scope. */
const struct verdict *workflow_verdict(const struct workflow *wf, const char *code);
const struct verdict *workflow_verdict_in(const struct workflow *wf, const char *code,
                                          unsigned scope);

/* The group named name of wf, or NULL. */
const struct workflow_group *workflow_group(const struct workflow *wf, const char *name);

/* The workflow of a visit (its kind), FC_EINTEGRITY naming the kind when the
 * registry has none (a database written by a newer program). */
int workflow_of_visit(const struct visit *v, const struct workflow **out, struct fc_error *err);

/* Resolves the visit name (visit_resolve), finds its workflow and attaches
 * its mission as "ref" (outside a transaction). v is filled (release with
 * visit_release). */
int workflow_attach(struct store *s, const char *visit_name, struct visit *v,
                    const struct workflow **out, struct fc_error *err);

/* Opens the engine of the visit's workflow (attached already):
 * FC_ESTATE when the workflow takes no scans. Close with workflow_close. */
struct workflow_session {
    const struct workflow *wf;
    void *engine;
};
int workflow_open(struct store *s, const struct visit *v, const struct workflow *wf,
                  struct workflow_session *out, struct fc_error *err);
void workflow_close(struct workflow_session *ws);

/* Counts the visit's anomalies (findings of class anomaly), from stored
 * state; the mission is attached. */
int workflow_count_anomalies(struct store *s, const struct visit *v, const struct workflow *wf,
                             long *n, struct fc_error *err);

/* The summary of one group of the visit's findings (the close screen,
 * reports): rows by verdict (and key), anomalies first, then coverage,
 * info and ok, in catalogue order within a class. cb gets each row in that
 * order (borrowed). */
int workflow_summary(struct store *s, const struct visit *v, const struct workflow *wf,
                     const char *group, int (*cb)(const struct workflow_count *c, void *ctx),
                     void *ctx, struct fc_error *err);

/* Fills r->def (the scan verdict's catalogue row) and r->message_local:
 * the engine's English message in English, the catalogue's Chinese message
 * (or label) in Chinese. place and who are arguments (1) and (3) of the
 * catalogue's message (struct verdict). */
void workflow_result_localise(const struct workflow *wf, struct workflow_result *r,
                              const char *place, const char *who);

/* 1 when an event of kind may be cancelled by workflow_void_record in a
 * visit of wf: the records every visit keeps (evidence, interviews) and
 * wf's record_kinds. Scans are voided by their engines instead. */
int workflow_is_record_kind(const struct workflow *wf, const char *kind);

/* Appends a "void" event cancelling target (a record event of the open
 * visit visit_name — NULL: the open one — whose kind workflow_is_record_kind
 * accepts), with a non-empty reason; committed before returning. event_id
 * (may be NULL) receives the void's id. FC_EUSAGE without a reason,
 * FC_ENOTFOUND for an unknown event, FC_EINPUT for another visit's event or
 * a kind that cannot be voided so, FC_ESTATE when closed or already voided. */
int workflow_void_record(struct store *s, const char *visit_name, const char *target,
                         const char *reason, int64_t at_ms, char event_id[37],
                         struct fc_error *err);

/* ---- for the event store (core/store/event.c) -------------------------------- */

/* Runs every applier for e: the common ones of its kind, then those of the
 * workflow of e's visit. ctx as event_append_ctx got it. */
int workflow_apply_event(struct store *s, const struct event *e, void *ctx, struct fc_error *err);

/* Calls cb for every derived table (common ones first, then each workflow's),
 * in a fixed order. cb returns non-zero to stop (returned). */
int workflow_foreach_table(int (*cb)(const struct workflow_table *t, void *ctx), void *ctx);

#endif
