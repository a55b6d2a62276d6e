/* The flight-inspection model of the terminal UI (struct ui_flight_model)
 * over the device database: the worksheet's keyset pages, verdicts,
 * findings, evidence and totals, with personal data masked. */
#ifndef FC_APP_TUI_FLIGHT_H
#define FC_APP_TUI_FLIGHT_H

#include "ui/ui.h"

struct store;
struct tui_flight;

/* A model over store (borrowed; must outlive it). Never NULL. */
struct tui_flight *tui_flight_new(struct store *s);
/* NULL allowed. */
void tui_flight_free(struct tui_flight *tf);
/* The callbacks, with tf as their user pointer; valid while tf lives. */
const struct ui_flight_model *tui_flight_model(struct tui_flight *tf);

#endif
