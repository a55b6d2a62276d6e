/* Public entry of the terminal UI. app/ fills a struct ui_app with callbacks
 * onto its data (store, engine) and calls ui_run(); the UI never touches the
 * data layer itself, so it can be driven by a fake model in tests
 * (tests/e2e/ui_harness.c). Curses-free header.
 *
 * Callbacks run on the UI thread, between key reads; they may take time (a
 * scan is committed durably before it returns) and must not print to stdout
 * or stderr: curses owns the terminal. They return 0 or a negative FC_E* code
 * with detail in err (err may be NULL).
 */
#ifndef FC_UI_UI_H
#define FC_UI_UI_H

#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

/* How bad a result is; picks the banner colour and the beep pattern
 * (OK one beep, WARN two, ANOMALY three; NONE is silent). */
enum ui_severity {
    UI_SEV_NONE = 0,
    UI_SEV_OK,
    UI_SEV_WARN,
    UI_SEV_ANOMALY,
};

/* How a code arrived (stored with every scan, DESIGN §5). */
enum ui_scan_how {
    UI_SCAN_BURST = 0, /* a scanner burst, from the scan assembler */
    UI_SCAN_TYPED = 1, /* typed into an input line and submitted with Enter */
};

struct ui_verdict {
    enum ui_severity severity;
    char verdict[48];  /* e.g. "MATCH", "WRONG_BED": the stable code */
    char label[96];    /* the verdict for people, in the UI's language ("" : the code) */
    char message[256]; /* one line for the inspector, already translated */
};

/* Which screen family shows a visit: the model names it, so the UI never
 * decides by a kind's name (a workflow without its own screen gets the
 * generic one). */
enum ui_visit_screen {
    UI_SCREEN_GENERIC = 0,
    UI_SCREEN_BEDS,      /* ui/view_night.c: wards, beds, verdict banner */
    UI_SCREEN_COUNT,     /* ui/view_pharmacy.c: the stock count */
    UI_SCREEN_WORKSHEET, /* ui/view_flight.c: suspicion lines */
};

struct ui_mission_row {
    char id[64];
    char title[160];
    int version;
    char kind[16];       /* a workflow's kind, or mixed */
    char kind_label[48]; /* the same for people, in the UI's language */
};

struct ui_visit_row {
    char id[64];
    char site[160];      /* site name (or code) */
    char kind[16];       /* the visit's workflow kind (stable) */
    char kind_label[48]; /* the same for people, in the UI's language */
    enum ui_visit_screen screen;
    int is_open;
    int64_t opened_ms; /* Unix ms, 0 if unknown */
    int64_t closed_ms; /* 0 while open */
    long scans;        /* events recorded so far */
    long anomalies;    /* anomalies found so far (stored state); -1 when unreadable */
};

/* --- opening a visit (ui/view_newvisit.c) -------------------------------- */

struct ui_site_row {
    char code[32];
    char name[160];
    char kind[16];    /* hospital or pharmacy */
    char mission[64]; /* mission id that lists the site */
};

/* A kind of visit the new-visit form offers. */
struct ui_kind_row {
    char kind[16];
    char label[48];     /* in the UI's language */
    char site_kind[16]; /* the site kind it is proposed for ("" any) */
};

struct ui_new_visit {
    char site[32];
    char kind[16]; /* night, pharmacy, flight */
    char inspector1[64], inspector2[64];
    int credentials_shown;
};

/* Rows of the home screen. Each list callback calls emit once per row, in
 * display order; the row is only borrowed for the duration of the call. */
struct ui_home_model {
    int (*list_missions)(void *user, void (*emit)(void *ctx, const struct ui_mission_row *row),
                         void *ctx, struct fc_error *err);
    int (*list_visits)(void *user, void (*emit)(void *ctx, const struct ui_visit_row *row),
                       void *ctx, struct fc_error *err);
    /* The inspector chose a visit: make it the current one. On success the UI
     * opens the visit's screen. */
    int (*open_visit)(void *user, const char *visit_id, struct fc_error *err);
    /* Sites of the loaded missions, for the new-visit form. May be NULL. */
    int (*list_sites)(void *user, void (*emit)(void *ctx, const struct ui_site_row *row), void *ctx,
                      struct fc_error *err);
    /* The kinds of visit, in the order the form offers them. May be NULL
     * only when new_visit is NULL. */
    int (*list_kinds)(void *user, void (*emit)(void *ctx, const struct ui_kind_row *row), void *ctx,
                      struct fc_error *err);
    /* Opens a new visit (one committed event); its id goes into visit_id
     * (64 bytes). May be NULL: the form is then not offered. */
    int (*new_visit)(void *user, const struct ui_new_visit *nv, char visit_id[64],
                     struct fc_error *err);
    /* Optional: codes worth trying (a demo mission's), one per emit: what it
     * is and the code. None for a real mission. */
    int (*list_try_codes)(void *user, void (*emit)(void *ctx, const char *what, const char *code),
                          void *ctx, struct fc_error *err);
    /* Optional: writes a printable sheet of those codes with barcodes; its
     * path into path (1024 bytes). */
    int (*write_try_sheet)(void *user, char path[1024], struct fc_error *err);
};

/* Shown in the status line; fields left empty (or unsynced < 0) are hidden.
 * The screen adds the clock itself. */
struct ui_status {
    char visit[80];
    char inspectors[120];
    long unsynced; /* events not yet acknowledged by HQ */
};

/* --- night bed check (ui/view_night.c) ------------------------------------
 * Rows are filled by the app from the engine; personal data arrives already
 * masked (the UI never sees a raw name or ID number). Text fields are
 * truncated to fit. */

struct ui_ward_row {
    char code[32];
    char name[96];
    int beds;      /* beds of the ward: approved beds plus listed extra beds */
    int visited;   /* beds scanned at least once */
    int anomalies; /* visited beds whose finding is an anomaly */
    int listed;    /* patients listed in the ward */
};

struct ui_bed_row {
    char ward_code[32];
    char bed[16];
    char patient[64];    /* masked name(s) of the listed patient(s), "" if none */
    char patient_id[32]; /* masked ID of the (first) listed patient */
    char admission_no[48];
    char identified[48];    /* admission no. identified at the bed, "" if none */
    char finding[32];       /* per-bed finding (code), "" while not visited */
    char finding_label[64]; /* the same for people ("" : the code) */
    char marks[48];         /* action words recorded at the bed, e.g. "NO_ID EXAM" */
    enum ui_severity severity;
    int anomaly; /* the finding is of class anomaly */
    long scans;
    /* on a team lead's laptop: who in the team recorded the bed ("! " first
     * while they disagree and the lead has not decided), else "" */
    char team[48];
    int team_conflict;
};

struct ui_patient_row {
    char admission_no[48];
    char name[64];      /* masked */
    char id_number[32]; /* masked */
    char ward_code[32];
    char bed[16];
    char finding[32];       /* PRESENT, NOT_FOUND, ... */
    char finding_label[64]; /* the same for people ("" : the code) */
    char found_at[48];      /* "ward:bed" where found elsewhere, or "" */
    enum ui_severity severity;
    int anomaly; /* the finding is of class anomaly */
};

struct ui_scan_row {
    char event_id[40];
    long long seq;
    int64_t at_ms;
    char code[96];
    char verdict[32];
    char verdict_label[64]; /* the same for people ("" : the code) */
    char bed[48];           /* "ward-bed" the scan counts for, or "" */
    int voided, amended;
    enum ui_severity severity;
    int anomaly; /* the verdict is of class anomaly */
};

struct ui_night_model {
    void *user; /* passed to every callback of this model (instead of app->user) */
    /* Each list callback calls emit once per row, in display order; rows are
     * borrowed for the call. Wards of the visit's site, by ward code. */
    int (*list_wards)(void *user, const char *visit_id,
                      void (*emit)(void *ctx, const struct ui_ward_row *row), void *ctx,
                      struct fc_error *err);
    /* Every bed of one ward (approved, listed and scanned), by bed number. */
    int (*list_beds)(void *user, const char *visit_id, const char *ward_code,
                     void (*emit)(void *ctx, const struct ui_bed_row *row), void *ctx,
                     struct fc_error *err);
    /* Every listed patient of the site with the per-patient finding. */
    int (*list_patients)(void *user, const char *visit_id,
                         void (*emit)(void *ctx, const struct ui_patient_row *row), void *ctx,
                         struct fc_error *err);
    /* The scans of the visit, oldest first (voided ones included). */
    int (*list_scans)(void *user, const char *visit_id,
                      void (*emit)(void *ctx, const struct ui_scan_row *row), void *ctx,
                      struct fc_error *err);
    /* The current bed (after the last counted scan): ward code and bed, both
     * "" when no bed was scanned yet. */
    int (*current_bed)(void *user, const char *visit_id, char ward_code[32], char bed[16],
                       struct fc_error *err);
    /* The code that selects a bed when typed: a bed label. */
    void (*bed_code)(void *user, const char *ward_code, const char *bed, char *out, size_t cap);
    /* Voids (new_code NULL or "") or amends the scan event_id with reason;
     * the result of the correction fills *out. */
    int (*correct)(void *user, const char *visit_id, const char *event_id, const char *reason,
                   const char *new_code, struct ui_verdict *out, struct fc_error *err);
};

/* --- visit close (ui/view_close.c) --------------------------------------- */

struct ui_count_row {
    char name[96]; /* finding, result, state, code or rule, for people */
    char code[48]; /* its stable code, shown small beside it ("" : none) */
    long count;
    enum ui_severity severity;
    char amount[48]; /* money text shown with the count; "" for none */
};

/* One section of the close screen's summary: the group asked of summary()
 * and its title. */
struct ui_close_section {
    char group[24];
    char title[96]; /* in the UI's language */
};

struct ui_close_model {
    /* The visit's two summary sections (a night check's beds and patients,
     * a count's drugs and rules...). */
    int (*sections)(void *user, const char *visit_id, struct ui_close_section out[2],
                    struct fc_error *err);
    /* Summary counts of one section before closing; rows in display order
     * (the app puts anomalies first). */
    int (*summary)(void *user, const char *visit_id, const char *group,
                   void (*emit)(void *ctx, const struct ui_count_row *row), void *ctx,
                   struct fc_error *err);
    /* Closes the visit (one committed event) and writes the checkpoint short
     * code ("XXXX-XXXX") into code. */
    int (*close)(void *user, const char *visit_id, char code[16], struct fc_error *err);
    /* Optional: draws nothing itself but gives the text rows of the
     * checkpoint QR (one string per row, "" ends); NULL until sync adds it. */
    const char *const *(*checkpoint_qr)(void *user, const char *visit_id);
    /* Optional: what closing now would leave unchecked (a night check's
     * beds of visited wards never scanned): up to max items (bed labels) by
     * emit, *more receives how many more there are; the close screen lists
     * them and the question before closing counts them. heading (96 bytes)
     * receives what they are, for people. */
    int (*unchecked)(void *user, const char *visit_id, size_t max,
                     void (*emit)(void *ctx, const char *item), void *ctx, long *more,
                     char heading[96], struct fc_error *err);
};

/* --- pharmacy stock count (ui/view_pharmacy.c) ----------------------------
 * Quantities are in the drug's unit. The model carries its own user pointer
 * (the app may keep the pharmacy engine in a module of its own); callbacks
 * get it, not ui_app.user. Codes and settlement ids are shown as they are;
 * no personal data reaches this screen. */

struct ui_drug_row {
    char code[64];
    char name[96];
    char spec[48];
    char unit[16];
    int has_book;          /* 0 while the count is blind: book and variance hidden */
    int not_counted;       /* nobody counted it and the count is not complete */
    char status_label[48]; /* the drug's count status for people, "" when counted */
    double book, counted, variance;
    long boxes;                /* boxes counted in the current round */
    long round;                /* counting round (1, or more after recounts) */
    long suspect;              /* counted boxes of the round flagged SOLD_CODE_ON_SHELF */
    char flags[96];            /* reconciliation rules found, short names ("D01 D03"), or "" */
    enum ui_severity severity; /* ANOMALY: flags or suspect boxes; WARN: variance */
    char team[48];             /* as ui_bed_row's: who in the team counted the drug */
    int team_conflict;
};

struct ui_box_row {
    char event_id[40];
    long long seq;
    int64_t at_ms;
    char code[96];
    char kind[24];
    char verdict[32];
    char verdict_label[64]; /* the same for people ("" : the code) */
    char detail[96];
    double qty;
    long round;
    int voided;
    enum ui_severity severity;
};

struct ui_rule_row {
    char rule[48];  /* "D01_STOCK_SHORTAGE", ... */
    char label[96]; /* the rule for people ("" : the code) */
    long findings;
    int64_t amount_fen; /* total suspect amount, fen */
};

struct ui_pharmacy_model {
    void *user;
    /* Drugs of the visit's site, by drug code; *blind receives 1 while book
     * figures are hidden. */
    int (*list_drugs)(void *user, const char *visit_id,
                      void (*emit)(void *ctx, const struct ui_drug_row *row), void *ctx, int *blind,
                      struct fc_error *err);
    /* Scans of one drug (drug_code "" : every scan of the visit), oldest
     * first, voided ones included. */
    int (*list_boxes)(void *user, const char *visit_id, const char *drug_code,
                      void (*emit)(void *ctx, const struct ui_box_row *row), void *ctx,
                      struct fc_error *err);
    /* Judges and durably records one code (a box, or DRUG_CODE:QTY). */
    int (*scan)(void *user, const char *visit_id, const char *code, enum ui_scan_how how,
                struct ui_verdict *out, struct fc_error *err);
    /* A manual count of qty units of drug_code. */
    int (*count)(void *user, const char *visit_id, const char *drug_code, long qty,
                 struct ui_verdict *out, struct fc_error *err);
    /* Starts a new counting round of drug_code. */
    int (*recount)(void *user, const char *visit_id, const char *drug_code, struct ui_verdict *out,
                   struct fc_error *err);
    /* Blind counting on (1), or off: the count is saved and book figures shown. */
    int (*set_blind)(void *user, const char *visit_id, int blind, struct fc_error *err);
    /* Optional (NULL: not offered). Declares the count complete (one
     * event): drugs nobody counted then count as 0 and are reconciled. */
    int (*set_complete)(void *user, const char *visit_id, struct ui_verdict *out,
                        struct fc_error *err);
    /* Optional: *complete receives 1 once the count was declared complete. */
    int (*is_complete)(void *user, const char *visit_id, int *complete, struct fc_error *err);
    /* Voids the scan event_id with a non-empty reason. */
    int (*void_scan)(void *user, const char *visit_id, const char *event_id, const char *reason,
                     struct ui_verdict *out, struct fc_error *err);
    /* Findings totalled by rule, in rule order. FC_ESTATE while blind. */
    int (*summary)(void *user, const char *visit_id,
                   void (*emit)(void *ctx, const struct ui_rule_row *row), void *ctx,
                   struct fc_error *err);
};

/* --- flight inspection worksheet (ui/view_flight.c) ------------------------
 * The suspicion list of a site may hold 100,000 lines, so the screen never
 * asks for all of them: it counts, then reads pages by key (susp_id order)
 * and keeps only a few pages around what is shown. Money is yuan text with
 * two decimals ("" when not set); personal data arrives masked. */

struct ui_susp_row {
    char susp_id[48];
    char rule[32];
    char rule_name[96];
    char setl_id[48];
    char patient[64];    /* masked name */
    char patient_id[32]; /* masked ID number */
    char admission_no[48];
    char item[128]; /* item code and name */
    char amount[24], susp_amount[24];
    char state[16]; /* PENDING, CONFIRMED, PARTIAL, REFUTED */
    char irregular[24], fund_loss[24];
    char inspector[64];
    /* On a team lead's laptop: who in the team recorded the line (4 characters
     * of each device id, LEAD for this device), "! " first while members disagree
     * and the lead has not decided; "" elsewhere. */
    char team[48];
    int team_conflict;
};

/* Filter of the list; "" does not filter. state is a state name. */
struct ui_flight_query {
    char rule[32];
    char state[16];
    char inspector[64];
};

enum ui_seek {
    UI_SEEK_FROM = 0,  /* susp_id >= key, ascending; key NULL: from the first line */
    UI_SEEK_AFTER = 1, /* susp_id > key, ascending; key NULL: from the first line */
    UI_SEEK_BEFORE = 2 /* susp_id < key, descending; key NULL: from the last line */
};

struct ui_flight_verdict {
    const char *susp_id;
    const char *verdict;     /* CONFIRMED, PARTIAL, REFUTED, PENDING */
    const char *amount;      /* irregular amount (yuan text), NULL: the engine's default */
    const char *fund_loss;   /* NULL: the irregular amount */
    const char *note;        /* may be NULL */
    const char *over_reason; /* NULL unless the amount exceeds the line amount */
};

struct ui_flight_finding {
    const char *code;       /* violation code, e.g. "V38-4" */
    const char *amount;     /* NULL: qty x unit price */
    const char *fund_loss;  /* NULL: the irregular amount */
    const char *qty;        /* NULL or a quantity, given with unit_price */
    const char *unit_price; /* NULL or yuan text */
    const char *lines;      /* susp_ids separated by spaces or commas; may be NULL */
    const char *patients;   /* admission numbers, likewise; may be NULL */
    const char *note;       /* required */
};

struct ui_violation_row {
    char code[16];
    char group[64];     /* the article's heading, Chinese */
    char category[160]; /* Chinese category name */
};

struct ui_finding_row {
    char event_id[40];
    char at[32];
    char code[16];
    char irregular[24], fund_loss[24];
    char lines[128]; /* susp_ids, comma-separated */
    char note[160];
};

struct ui_evidence_row {
    char path[256];
    long long size;
    char sha_short[16]; /* first 12 hex digits of the SHA-256 */
    char status[16];    /* "" until verified; then ok, changed, missing, unreadable */
};

struct ui_total_row {
    char key[32]; /* state name or violation code; "" for the overall row */
    long count;
    char irregular[24], fund_loss[24];
};

struct ui_flight_model {
    void *user; /* passed to every callback of this model (instead of app->user) */
    /* Lines matching q into *n. */
    int (*count)(void *user, const char *visit_id, const struct ui_flight_query *q, long *n,
                 struct fc_error *err);
    /* Up to limit lines matching q from key in the direction of seek; emit
     * once per line, in that order (descending for UI_SEEK_BEFORE). */
    int (*page)(void *user, const char *visit_id, const struct ui_flight_query *q, const char *key,
                enum ui_seek seek, size_t limit,
                void (*emit)(void *ctx, const struct ui_susp_row *row), void *ctx,
                struct fc_error *err);
    /* Lines matching q that sort before susp_id. */
    int (*position)(void *user, const char *visit_id, const struct ui_flight_query *q,
                    const char *susp_id, long *pos, struct fc_error *err);
    /* A scanned or typed suspicion id or settlement id: the line's susp_id.
     * FC_ENOTFOUND when no line of the site has it. */
    int (*lookup)(void *user, const char *visit_id, const char *code, char susp_id[48],
                  struct fc_error *err);
    /* Distinct values to filter by: what is "rule" or "inspector". */
    int (*distinct)(void *user, const char *visit_id, const char *what,
                    void (*emit)(void *ctx, const char *value), void *ctx, struct fc_error *err);
    /* Every field of one line, its verdict history, the institution's
     * response and the findings naming it, as label/value pairs in display
     * order (labels translated; a "" label continues the previous one). */
    int (*detail)(void *user, const char *visit_id, const char *susp_id,
                  void (*emit)(void *ctx, const char *label, const char *value), void *ctx,
                  struct fc_error *err);
    /* Records a verdict; message (256 bytes) receives a one-line summary. */
    int (*verify)(void *user, const char *visit_id, const struct ui_flight_verdict *a,
                  char message[256], struct fc_error *err);
    /* The violation taxonomy, in table order. */
    int (*violations)(void *user, void (*emit)(void *ctx, const struct ui_violation_row *row),
                      void *ctx, struct fc_error *err);
    int (*findings)(void *user, const char *visit_id,
                    void (*emit)(void *ctx, const struct ui_finding_row *row), void *ctx,
                    struct fc_error *err);
    /* Records a finding; its event id goes into event_id (40 bytes). */
    int (*add_finding)(void *user, const char *visit_id, const struct ui_flight_finding *a,
                       char event_id[40], struct fc_error *err);
    /* The evidence register; with verify set each file is re-hashed and the
     * row's status filled (a changed file is not an error). */
    int (*evidence)(void *user, const char *visit_id, int verify,
                    void (*emit)(void *ctx, const struct ui_evidence_row *row), void *ctx,
                    struct fc_error *err);
    /* Totals: group "state" (one row per state, then the "" overall row) or
     * "code" (one row per violation code with findings, then "" overall). */
    int (*totals)(void *user, const char *visit_id, const char *group,
                  void (*emit)(void *ctx, const struct ui_total_row *row), void *ctx,
                  struct fc_error *err);
};

/* --- removable media and sync (ui/view_usb.c) ------------------------------
 * The USB stick is where mission packs arrive and bundles leave: the screen
 * lists the removable media mounted on this machine (or a folder typed in),
 * loads a pack or a mission folder with its verification result, counts and
 * rejects, exports a bundle, applies HQ's receipt and trusts HQ's key. Every
 * change is what the CLI's command would record. */

enum ui_file_kind {
    UI_FILE_OTHER = 0,
    UI_FILE_DIR,     /* a folder (not a mission) */
    UI_FILE_PACK,    /* a signed mission pack (.fcpack) */
    UI_FILE_MISSION, /* a mission folder (mission.json and CSV files) */
    UI_FILE_BUNDLE,  /* an exported bundle (.fcb) */
    UI_FILE_RECEIPT, /* a small file holding HQ's receipt code */
    UI_FILE_HQ_KEY,  /* HQ's public key file (hq.pub) */
};

struct ui_media_row {
    char path[512];
    char label[160]; /* volume name or the path's last part */
    long long free_mb;
};

struct ui_file_row {
    char name[256];
    char path[1024];
    enum ui_file_kind kind;
    long long size;
    int64_t mtime_ms;
};

/* One line of a load's outcome, in display order: files with their counts,
 * then rejected rows, then warnings (leads for the inspectors). */
enum ui_load_kind { UI_LOAD_FILE = 0, UI_LOAD_REJECT, UI_LOAD_WARNING };

struct ui_load_row {
    enum ui_load_kind kind;
    char file[64];
    long long line;                   /* REJECT/WARNING: line of the file, 0 if none */
    char encoding[24];                /* FILE */
    long long rows, loaded, rejected; /* FILE */
    char text[400];                   /* REJECT/WARNING: reason or message, already translated */
};

struct ui_load_result {
    int ok;
    char status[64];   /* "loaded", "unchanged", "replaced" or "failed", for people */
    char mission[200]; /* mission id, version and title */
    char verify[200];  /* what was verified (signature, target, expiry), "" for a folder */
    char message[400]; /* the error when it failed */
};

struct ui_device {
    char device_id[24];   /* "" when the device has no keys yet */
    char enrollment[200]; /* the code HQ enrols the device with, "" without keys */
    int hq_trusted;
    char hq_fingerprint[40];
    long unsynced;
};

struct ui_usb_model {
    void *user; /* passed to every callback of this model */
    /* The device's keys and HQ's trust. */
    int (*device)(void *user, struct ui_device *out, struct fc_error *err);
    /* Creates the device's keys (keys init); NULL when not offered. */
    int (*create_keys)(void *user, struct fc_error *err);
    /* The text rows of the enrollment QR ("" ends; NULL without keys). */
    const char *const *(*enrollment_qr)(void *user);
    int (*list_media)(void *user, void (*emit)(void *ctx, const struct ui_media_row *row),
                      void *ctx, struct fc_error *err);
    /* Entries of a folder, folders first, then by name. */
    int (*list_files)(void *user, const char *dir,
                      void (*emit)(void *ctx, const struct ui_file_row *row), void *ctx,
                      struct fc_error *err);
    /* Loads a pack or a mission folder (partial: keep good rows when some are
     * rejected). Lines of the outcome by emit; progress (may be NULL) while
     * it reads, then phase (may be NULL) as each later phase begins, by its
     * stable name ("indexes", "checks", "codes", "totals", "saving": see
     * mission_load_sink). Returns 0 with out filled even when the load failed
     * (out->ok 0): the failure is the result to show. */
    int (*load)(void *user, const char *path, int partial,
                void (*emit)(void *ctx, const struct ui_load_row *row),
                void (*progress)(void *ctx, const char *file, uint64_t bytes, uint64_t total),
                void (*phase)(void *ctx, const char *phase), void *ctx, struct ui_load_result *out,
                struct fc_error *err);
    /* Writes the next bundle into dir; message (320 bytes) says what. */
    int (*export_bundle)(void *user, const char *dir, char message[320], struct fc_error *err);
    /* 1 when code looks like HQ's receipt (cheap: a prefix). May be NULL. */
    int (*is_receipt)(void *user, const char *code);
    /* Verifies a receipt (a code, or a file holding one) without applying
     * it; message says what it acknowledges. */
    int (*check_receipt)(void *user, const char *code_or_path, char message[320],
                         struct fc_error *err);
    int (*apply_receipt)(void *user, const char *code_or_path, char message[320],
                         struct fc_error *err);
    /* 1 when code looks like a team lead's assignment (a prefix). May be
     * NULL. check_assignment reads it without recording anything (message
     * says which lines, from whom); apply_assignment verifies it with the
     * lead's key and records the lines (team assignments apply). */
    int (*is_assignment)(void *user, const char *code);
    int (*check_assignment)(void *user, const char *code, char message[320], struct fc_error *err);
    int (*apply_assignment)(void *user, const char *code, char message[320], struct fc_error *err);
    /* On a team lead's laptop: verifies and merges every teammate's bundle
     * (.fcb) of dir into the team's records (team import; this device's own
     * bundles are skipped); message says how many. FC_EVERIFY when this
     * device leads no team. NULL when not offered. */
    int (*team_import)(void *user, const char *dir, char message[320], struct fc_error *err);
    /* Trusts HQ's public key file (keys trust); message gives its fingerprint.
     * FC_ESTATE without replace when other keys are trusted already (err
     * names both): replacing them is asked for again, with replace 1. */
    int (*trust_hq)(void *user, const char *path, int replace, char message[320],
                    struct fc_error *err);
};

/* --- a visit's records (ui/view_records.c) ----------------------------------
 * Documents written for printing, evidence files, interviews: records every
 * visit keeps, whatever its workflow, each an event as the CLI records it. */

struct ui_doc_row {
    char name[32]; /* "report", "site-record", ... */
    char title[128];
};

#define UI_INTERVIEW_PEOPLE 3
#define UI_INTERVIEW_ITEMS 8

struct ui_interview {
    char place[128];
    char held_at[40]; /* ISO time, "" for now */
    struct {
        char name[64], role[64], id_number[32];
    } people[UI_INTERVIEW_PEOPLE];
    struct {
        char q[256], a[512];
    } items[UI_INTERVIEW_ITEMS];
    int is_signed;
    char refusal[160]; /* why the person refused to sign, "" when signed */
    char note[256];
};

struct ui_records_model {
    void *user; /* passed to every callback of this model */
    /* The visit's documents: its report first. */
    int (*list_docs)(void *user, const char *visit_id,
                     void (*emit)(void *ctx, const struct ui_doc_row *row), void *ctx,
                     struct fc_error *err);
    /* Writes one as HTML; its path goes into path (1024 bytes). */
    int (*write_doc)(void *user, const char *visit_id, const char *name, char path[1024],
                     struct fc_error *err);
    /* 1 when a printer is configured (its name in printer, 128 bytes). */
    int (*printer)(void *user, char printer[128]);
    /* Sends a written document to the printer (lp). */
    int (*print)(void *user, const char *path, char message[320], struct fc_error *err);
    /* Registers a file as evidence; message (320 bytes) gives its SHA-256
     * and size. */
    int (*add_evidence)(void *user, const char *visit_id, const char *path, const char *note,
                        char message[320], struct fc_error *err);
    int (*list_evidence)(void *user, const char *visit_id,
                         void (*emit)(void *ctx, const struct ui_evidence_row *row), void *ctx,
                         struct fc_error *err);
    /* Records an interview (询问笔录); its event id into event_id (40 bytes). */
    int (*add_interview)(void *user, const char *visit_id, const struct ui_interview *iv,
                         char event_id[40], struct fc_error *err);
};

/* --- the team's view (ui/view_team.c) ----------------------------------------
 * On the lead's laptop: every item the team recorded (a suspicion line, a
 * bed, a patient, a drug), each member's record of it with its author, and
 * the items two members recorded differently, which the screen shows as
 * conflicts and never resolves (`team view`). */

struct ui_team_row {
    char workflow[48]; /* the workflow's label */
    char group[64];    /* the summary group's label: "Beds by finding" */
    char site[32];
    char subject[64]; /* "S1", "W01:2", a drug code; "" for a summed row */
    int first;        /* the item's first record: the subject is shown on it */
    int conflict;     /* the item: two members recorded it differently */
    int resolved;     /* ...and the lead recorded it too */
    int is_self;      /* this record is the lead's own */
    char author[96];  /* the member's device (short) and the visit's inspectors */
    char verdict[64]; /* the record's label */
    char code[32];    /* its stable code */
    enum ui_severity sev;
    char money[64];   /* "100.00 / 80.00", "" without money */
    char detail[128]; /* what was counted, the note... */
};

struct ui_team_model {
    void *user;
    /* The team's records, item by item (only the conflicts when
     * conflicts_only); summary (160 bytes) gets one line: members,
     * items, conflicts. FC_ENOTFOUND when this device leads no team. */
    int (*list)(void *user, int conflicts_only,
                void (*emit)(void *ctx, const struct ui_team_row *row), void *ctx,
                char summary[160], struct fc_error *err);
};

/* --- the on-site draw (ui/view_draw.c) ---------------------------------------
 * 双随机 on arrival: the team draws its institutions from the candidate pool
 * HQ signed into the pack (the sites of the mission loaded last) with the
 * seed it announces, typed in. The screen shows the result and the draw
 * record's SHA-256 before anything is recorded, asks, then records the very
 * event `fieldcheck draw --seed --count` records. */

struct ui_draw_row {
    int order;        /* 1, 2... in a result; 0 in the pool */
    char code[32];    /* institution code */
    char name[160];   /* its name */
    char kind[16];    /* the institution's kind (stable name), for people in English */
    char kind_zh[24]; /* the same in Chinese ("" : kind) */
    char region[96];  /* region code and name */
};

struct ui_draw_pool {
    char mission[96];     /* mission id and version */
    char count[64];       /* the count to propose: "hospital=2,pharmacy=1", "1"... */
    char pool_sha256[65]; /* the pool's digest (docs/draw.md §6) */
    long n;               /* institutions in the pool */
};

struct ui_draw_model {
    void *user;
    /* The candidate pool in site code order, one emit per institution;
     * *info the rest. FC_ENOTFOUND (err says why) without a mission or
     * with no institution in it. */
    int (*pool)(void *user, void (*emit)(void *ctx, const struct ui_draw_row *row), void *ctx,
                struct ui_draw_pool *info, struct fc_error *err);
    /* Draws count ("N" or "KIND=N,...") with seed as typed, records
     * nothing: the picks in drawn order by emit, the draw record's SHA-256
     * (the recorded payload's) into record_sha256. */
    int (*preview)(void *user, const char *seed, const char *count,
                   void (*emit)(void *ctx, const struct ui_draw_row *row), void *ctx,
                   char record_sha256[65], struct fc_error *err);
    /* Draws again and records the event, unless its record's SHA-256 is not
     * expect_sha256 (the one shown: FC_ESTATE, nothing recorded). */
    int (*record)(void *user, const char *seed, const char *count, const char *expect_sha256,
                  struct fc_error *err);
};

enum ui_start {
    UI_START_HOME = 0,  /* the home screen */
    UI_START_VISIT = 1, /* the screen of start_visit, over home */
};

struct ui_app {
    const struct ui_home_model *home; /* may be NULL: empty lists */
    /* Classifies and durably records one code; fills *out. May be NULL: then
     * scans are only acknowledged on screen as "not recorded". */
    int (*scan)(void *user, const char *visit_id, const char *code, enum ui_scan_how how,
                struct ui_verdict *out, struct fc_error *err);
    /* Fills *st for the status line; called at every redraw. May be NULL. */
    void (*status)(void *user, struct ui_status *st);
    const struct ui_night_model *night;   /* may be NULL: night visits get the generic screen */
    const struct ui_close_model *close;   /* may be NULL: no close screen */
    const struct ui_flight_model *flight; /* may be NULL: flight visits get the generic screen */
    /* may be NULL: pharmacy visits get the generic screen */
    const struct ui_pharmacy_model *pharmacy;
    const struct ui_usb_model *usb;         /* may be NULL: no USB screen */
    const struct ui_records_model *records; /* may be NULL: no documents or records */
    const struct ui_team_model *team;       /* may be NULL: no team screen */
    const struct ui_draw_model *draw;       /* may be NULL: no draw screen */
    void *user;                             /* passed to every callback, never touched */
    enum ui_start start;                    /* initial view */
    const char *start_visit;                /* visit id for UI_START_VISIT */
    const char *theme; /* "day", "night", "mono"; NULL: FIELDCHECK_THEME, else day */
};

/* Runs the terminal UI until the user quits (F10). Takes over the terminal
 * and restores it on return, and on a fatal error through the die hook.
 * Returns 0, or FC_ESTATE when stdin/stdout is not a terminal or curses cannot
 * start (nothing drawn then, message in err). */
int ui_run(const struct ui_app *app, struct fc_error *err);

#endif
