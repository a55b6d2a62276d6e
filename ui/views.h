/* The screens built into ui/. Most are a struct ui_view_ops opened with
 * ui_view_open(&view_x_ops, app, row) (ui/frame.h): row NULL for the app's
 * screens, the visit's row (copied) for a visit's screens. The others have a
 * constructor. Each gives a new view (never NULL) for ui_screen_push(); the
 * screen owns it from then on. */
#ifndef FC_UI_VIEWS_H
#define FC_UI_VIEWS_H

#include "ui/screen.h"
#include "ui/ui.h"

/* Help (F1): the global actions and those of under (may be NULL), generated
 * from the keymap tables. under's action table is borrowed: the view under
 * the help screen stays on the stack while help is shown. */
struct ui_view *view_help_new(const struct ui_view *under);

/* Home (row NULL): missions and visits from app->home; opening a visit
 * calls home->open_visit and pushes the visit screen. */
extern const struct ui_view_ops view_home_ops;

/* A generic visit screen (a visit's row): verdict banner, code input line
 * and the list of this session's scans, each submitted through app->scan.
 * The screen families' screens (night check, pharmacy, flight) replace it. */
extern const struct ui_view_ops view_visit_ops;

/* The screen for a visit, by its screen family (ui/views.c): the family's
 * screen when the app has its model, else the generic visit screen. */
struct ui_view *view_for_visit(const struct ui_app *app, const struct ui_visit_row *row);

/* Finds visit id in app->home->list_visits and copies its row to *row:
 * 1 found, 0 not found (or no list), or the list's negative error. */
int ui_visit_find(const struct ui_app *app, const char *id, struct ui_visit_row *row,
                  struct fc_error *err);

/* Night bed check (a visit's row), backed by app->night (non-NULL). */
extern const struct ui_view_ops view_night_ops;

/* Flight inspection worksheet (a visit's row), backed by app->flight
 * (non-NULL): the suspicion list with filters, line detail, verdict form,
 * findings, evidence and totals (ui/view_flight.c). */
extern const struct ui_view_ops view_flight_ops;
/* Pharmacy stock count (a visit's row), backed by app->pharmacy (non-NULL):
 * drug table with live variance, verdict banner, boxes of a drug, manual
 * count, recount, blind mode, void and the summary by rule. */
extern const struct ui_view_ops view_pharmacy_ops;

/* Visit close: summary counts, confirmation, then the checkpoint short code
 * (and its QR once app->close->checkpoint_qr exists). Backed by app->close
 * (non-NULL). When pop_under is set, leaving after the visit was closed also
 * pops the view under this one (the closed visit's screen). */
struct ui_view *view_close_new(const struct ui_app *app, const struct ui_visit_row *row,
                               int pop_under);

/* The new-visit form over home: site (from home->list_sites), kind, two
 * inspectors, credentials shown. On success it replaces itself with the new
 * visit's screen. Needs app->home->new_visit. */
extern const struct ui_view_ops view_newvisit_ops;

/* The USB screen over any view (app->usb non-NULL): removable media, loading
 * missions, exporting bundles, receipts, HQ's key, the device's keys. */
extern const struct ui_view_ops view_usb_ops;

/* The team's view (app->team non-NULL): every member's records item by
 * item with their authors, conflicts between members marked (ui/view_team.c). */
extern const struct ui_view_ops view_team_ops;

/* The on-site draw (app->draw non-NULL): the candidate pool, the seed
 * typed in, the result with the draw record's SHA-256, then after a
 * question the draw recorded as `fieldcheck draw` records it. */
extern const struct ui_view_ops view_draw_ops;

/* HQ's receipt (a code scanned off its QR, or a file holding one): checked,
 * then applied after a question only a key typed by hand answers. Needs
 * app->usb; does nothing without it. */
void ui_receipt_confirm(struct ui_screen *s, const char *code_or_path);
/* The same for a team lead's assignment code (FCA1) scanned on any screen:
 * checked, then applied after a question no scanner burst can answer. */
void ui_assignment_confirm(struct ui_screen *s, const char *code);

/* A visit's records (a visit's row; app->records non-NULL): its documents
 * written as HTML and printed where a printer is configured, evidence files
 * registered with their SHA-256, interviews (询问笔录). */
extern const struct ui_view_ops view_records_ops;

/* The evidence form (a file path and a note) for visit_id over the current
 * screen; the SHA-256 and size of the registered file go to the message
 * line. Needs app->records. */
void ui_evidence_form_push(struct ui_screen *s, const struct ui_app *app, const char *visit_id);

#endif
