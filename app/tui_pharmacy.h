/* The pharmacy model of `fieldcheck tui` (struct ui_pharmacy_model): the
 * pharmacy engine of the visit on screen, opened on first use, and the
 * verdicts translated for the banner. */
#ifndef FC_APP_TUI_PHARMACY_H
#define FC_APP_TUI_PHARMACY_H

#include "core/base/error.h"
#include "ui/ui.h"

struct store;
struct tui_pharmacy;
struct pharmacy_result;

/* A model on store s (borrowed; outlives the model). changed (may be NULL)
 * is called with ctx after every committed change, so the app can refresh
 * what it caches (status line, visit list). Never NULL. */
struct tui_pharmacy *tui_pharmacy_new(struct store *s, void (*changed)(void *ctx), void *ctx);
/* Closes the engine and frees tp (NULL allowed). */
void tui_pharmacy_free(struct tui_pharmacy *tp);

/* The model for struct ui_app (borrowed from tp). */
const struct ui_pharmacy_model *tui_pharmacy_model(struct tui_pharmacy *tp);

/* The model's scan callback, for the app's generic scan path (codes that
 * reach a pharmacy visit through a dialog or another screen). */
int tui_pharmacy_scan(struct tui_pharmacy *tp, const char *visit_id, const char *code,
                      enum ui_scan_how how, struct ui_verdict *out, struct fc_error *err);

/* The human message of a pharmacy verdict in the user's language (the
 * engine's English r->message stays the JSON "message"). */
void app_pharmacy_message(const struct pharmacy_result *r, char *out, size_t cap);

#endif
