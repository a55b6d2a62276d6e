/* A form of text fields and yes/no fields over the current screen: the
 * evidence, interview and path forms. Tab, Down and Enter move to the next
 * field (Enter on the last one saves), Up to the previous, Space toggles a
 * yes/no field, F2 or Alt-o saves, Esc cancels. A form with more fields
 * than the screen has rows scrolls to keep the current field in view.
 * Scans while it is open go where they go on any screen (the open visit):
 * no scan is lost to a form. */
#ifndef FC_UI_FORM_H
#define FC_UI_FORM_H

#include <stddef.h>

struct ui_screen;

struct ui_form_field {
    const char *label_en, *label_zh;
    size_t max_bytes; /* text fields; 0: 255 */
    int is_bool;      /* a yes/no field ("1" or "0" in values) */
};

struct ui_form_spec {
    const char *title_en, *title_zh;
    const char *hint_en, *hint_zh; /* a line under the title, may be NULL */
    const struct ui_form_field *fields;
    size_t nfields;
    const char *const *initial; /* initial values (may be NULL, or NULL entries) */
    /* Called with the values (one per field, "" when empty) on save; returns
     * 0 to close the form, else the form stays with error (256 bytes) shown.
     * It runs while the form is the top view: it may show a message, but
     * must neither push nor pop views. */
    int (*submit)(void *ctx, struct ui_screen *scr, const char *const *values, char error[256]);
    /* Called once when the form goes away without a save; may be NULL. */
    void (*cancel)(void *ctx);
    void *ctx;
};

/* Pushes the form (spec and its strings are copied where needed: labels must
 * be static). */
void ui_form_push(struct ui_screen *s, const struct ui_form_spec *spec);

#endif
