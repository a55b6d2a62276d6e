/* `fieldcheck tui` inside app/: the seam between the shared part of the
 * terminal UI's backing (app/tui/tui.c: home screen, status line, scan
 * dispatch, the close model and the run loop) and one adapter per screen
 * family (app/tui/night.c, pharmacy.c, flight.c), each filling its model of
 * ui/ui.h from its workflow's core. Adapters are found by the workflow's
 * screen family (struct workflow.screen) in a table of tui.c, never by a
 * kind's name; a workflow whose screen family has no adapter (a fourth
 * workflow on the generic screen) still scans through its engine.
 *
 * Call order: tui.c creates every adapter once (create), lets each install
 * its model into the struct ui_app, runs the UI, and destroys them. Every
 * callback of a model may find "ref" attached to another visit's mission
 * (the home screen reads every visit's anomalies): an adapter re-attaches
 * its visit's mission before it reads (tui_visit, tui_session do). Personal
 * data is masked in the adapters, before any of it reaches the UI. */
#ifndef FC_APP_TUI_TUI_H
#define FC_APP_TUI_TUI_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/workflow.h"
#include "ui/ui.h"

#include <stddef.h>

struct app;
struct store;
struct visit;
struct tui;

struct tui_adapter {
    enum workflow_screen screen; /* the screen family it backs */
    const char *name;            /* for the log */
    /* Its state on t (never NULL); destroy accepts what create returned. */
    void *(*create)(struct tui *t);
    void (*destroy)(void *a);
    /* Puts its model into ua (ua->night, ->pharmacy, ->flight...). */
    void (*install)(void *a, struct ui_app *ua);
    /* Judges and durably records one code for visit v (open, its mission
     * attached). NULL: the workflow's engine through the shared session. */
    int (*scan)(void *a, const struct visit *v, const char *code, enum ui_scan_how how,
                struct ui_verdict *out, struct fc_error *err);
    /* What closing visit v (its mission attached) would leave unchecked,
     * as ui_close_model.unchecked says: up to max items, *more the rest,
     * heading what they are. NULL: nothing. */
    int (*unchecked)(void *a, const struct visit *v, size_t max,
                     void (*emit)(void *ctx, const char *item), void *ctx, long *more,
                     char heading[96], struct fc_error *err);
};

extern const struct tui_adapter tui_night_adapter;
extern const struct tui_adapter tui_pharmacy_adapter;
extern const struct tui_adapter tui_flight_adapter;

/* The models every visit shares: the USB screen (app/tui/usb.c) and a
 * visit's records (app/tui/records.c). */
struct tui_usb;
struct tui_records;
const struct ui_usb_model *tui_usb_model(struct tui *t, struct tui_usb **out);
void tui_usb_free(struct tui_usb *u);
const struct ui_records_model *tui_records_model(struct tui *t, struct tui_records **out);
void tui_records_free(struct tui_records *r);
/* The evidence files of visit_id as screen rows, with the result of checking
 * each file again when verify (a changed file is a row, not an error): the
 * records screen's list and the flight worksheet's evidence tab. */
int tui_evidence_rows(struct store *s, const char *visit_id, int verify,
                      void (*emit)(void *ctx, const struct ui_evidence_row *row), void *ctx,
                      struct fc_error *err);
/* The team's view (app/tui/team.c), for every laptop: a device that leads
 * no team gets the screen's message saying so. */
struct tui_team;
const struct ui_team_model *tui_team_model(struct tui *t, struct tui_team **out);
void tui_team_free(struct tui_team *tt);

/* The on-site draw (app/tui/draw.c): what `fieldcheck draw` does. */
struct tui_draw;
const struct ui_draw_model *tui_draw_model(struct tui *t, struct tui_draw **out);
void tui_draw_free(struct tui_draw *td);

/* Who in the team recorded what (app/tui/teamnotes.c), for the lead's own
 * screens: built from the team's view when the laptop leads a team and
 * holds a team store, again only when the team store or this device's log
 * changed. refresh before filling rows; a note is "" when there is none. */
struct tui_team_notes;
struct tui_team_notes *tui_team_notes_new(struct store *s);
void tui_team_notes_free(struct tui_team_notes *n);
void tui_team_notes_refresh(struct tui_team_notes *n);
const char *tui_team_note(const struct tui_team_notes *n, const char *kind, const char *site,
                          const char *group, const char *subject, int *conflict);

/* ---- services of tui.c for the adapters ------------------------------------- */

struct store *tui_store(struct tui *t);

/* A change was committed (a scan, a correction, a count): the status line
 * and the visit list are read again. */
void tui_changed(struct tui *t);

/* Resolves visit_id (NULL: the open visit, else the last), checks its
 * workflow and attaches its mission as "ref". v is filled (visit_release);
 * wf (may be NULL) receives the workflow. */
int tui_visit(struct tui *t, const char *visit_id, struct visit *v, const struct workflow **wf,
              struct fc_error *err);

/* Resolves visit_id (NULL: the open visit, else the last) and finds its
 * workflow, without attaching its mission: for what needs no reference
 * data. v is filled (visit_release). */
int tui_visit_kind(struct store *s, const char *visit_id, struct visit *v,
                   const struct workflow **wf, struct fc_error *err);

/* Writes data to <data folder>/[dir/]name (the folder made 0700 if need be,
 * the file 0600, atomically) and copies its path into path: a document the
 * screen names for printing. dir may be NULL. */
int tui_write_data_file(const char *dir, const char *name, const struct buf *data, char path[1024],
                        struct fc_error *err);

/* The shared engine session on visit_id (kept open while the same visit is
 * asked for, its mission attached again at each call): scans, voids and
 * amendments go through ws->wf->engine exactly as the CLI's do. *v borrows
 * the session's visit. FC_ESTATE when the workflow takes no scans. */
int tui_session(struct tui *t, const char *visit_id, struct workflow_session **ws,
                const struct visit **v, struct fc_error *err);
/* Closes the shared session (the visit closed, or its engine must reload). */
void tui_session_close(struct tui *t);

/* A QR symbol as text rows for a screen's model (rows ended by ""). */
struct tui_qr {
    struct buf text; /* the rendered symbol; rows point into it */
    char **rows;
};

void tui_qr_init(struct tui_qr *q);
void tui_qr_release(struct tui_qr *q);
/* Renders code (NULL or "": none) and returns its rows, valid until the
 * next call or tui_qr_release; NULL when there is no code or it cannot be
 * encoded. */
const char *const *tui_qr_rows(struct tui_qr *q, const char *code);

/* How loudly the screen announces a catalogue row (NULL: not at all). */
enum ui_severity tui_severity(const struct verdict *v);

/* A catalogue row for people: its label in the UI's language, or code as it
 * is when the catalogue has no row. */
const char *tui_label(const struct verdict *v, const char *code);

/* The banner of a scan or correction result: severity and label from the
 * catalogue row (r->def), the message in the user's language. */
void tui_verdict_from(const struct workflow_result *r, struct ui_verdict *out);

#endif
