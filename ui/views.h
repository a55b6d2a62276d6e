/* Constructors of the screens built into ui/. Each returns a new view (never
 * NULL) for ui_screen_push(); the screen owns it from then on. */
#ifndef FC_UI_VIEWS_H
#define FC_UI_VIEWS_H

#include "ui/screen.h"
#include "ui/ui.h"

/* Help (F1): the global actions and those of under (may be NULL), generated
 * from the keymap tables. under's action table is borrowed: the view under
 * the help screen stays on the stack while help is shown. */
struct ui_view *view_help_new(const struct ui_view *under);

/* Home: missions and visits from app->home; opening a visit calls
 * home->open_visit and pushes the visit screen. */
struct ui_view *view_home_new(const struct ui_app *app);

/* A generic visit screen: verdict banner, code input line and the list of
 * this session's scans, each submitted through app->scan. The kind-specific
 * screens (night check, pharmacy, flight) replace it per visit kind. row is
 * copied. */
struct ui_view *view_visit_new(const struct ui_visit_row *row);

#endif
