/* The summaries the close screen shows before a flight or pharmacy visit is
 * closed (struct ui_close_model.summary, groups other than the night
 * screen's "beds" and "patients"), one function per workflow behind one
 * group table. */
#ifndef FC_APP_TUI_SUMMARY_H
#define FC_APP_TUI_SUMMARY_H

#include "ui/ui.h"

struct store;

/* Emits the rows of group for visit_id (a full id), anomalies first:
 * "states" (flight lines by verdict state, with amounts), "codes" (flight
 * findings by violation code, with amounts, then their total), "drugs"
 * (pharmacy drugs with and without a variance) or "rules" (pharmacy findings
 * by rule, with suspect amounts). FC_EUSAGE for another group; engine errors
 * as returned (FC_ESTATE for a pharmacy count still blind). */
int tui_summary(struct store *s, const char *visit_id, const char *group,
                void (*emit)(void *ctx, const struct ui_count_row *row), void *ctx,
                struct fc_error *err);

#endif
