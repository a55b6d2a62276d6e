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
    int digits;       /* a text field that takes digits only (a quantity) */
    int is_choice;    /* one of the spec's choices (its index in values); Left/Right
                       * or Space move through them, a digit n picks the nth */
};

struct ui_form_spec {
    const char *title_en, *title_zh;
    const char *hint_en, *hint_zh; /* a line under the title, may be NULL */
    const char *detail;            /* a line of data under it (copied), may be NULL */
    const struct ui_form_field *fields;
    size_t nfields;
    const char *const *initial; /* initial values (may be NULL, or NULL entries) */
    size_t first;               /* the field the cursor starts on */
    int enter_saves;            /* Enter saves from any field (Tab moves): short forms */
    /* Called with the values (one per field, "" when empty) on save; returns
     * 0 to close the form, else the form stays with error (256 bytes) shown.
     * It runs while the form is the top view: it may show a message, but
     * must neither push nor pop views. */
    int (*submit)(void *ctx, struct ui_screen *scr, const char *const *values, char error[256]);
    /* May be NULL. Called with the values before submit: 1 when the save
     * must first be confirmed by a key typed by hand (ui_confirm_push, which
     * no barcode can give: a void, say), with the question's title (128
     * bytes) and text (256) filled in; 0 to save at once. */
    int (*confirm)(void *ctx, const char *const *values, char *title, char *text);
    /* For choice fields: returns how many options field has and, when
     * 0 <= i < that, writes the text of option i to text (cap bytes). */
    int (*choice)(void *ctx, size_t field, int i, char *text, size_t cap);
    /* A scan fills the text field being edited (an amount, an id) instead of
     * going anywhere else; on a choice or yes/no field it is dropped. */
    int scan_fills;
    /* May be NULL: scans while the form is open then go where they go on any
     * screen (the open visit). A workflow's screen under the form gives its
     * own, so that its view follows the scan. */
    void (*scan)(void *ctx, struct ui_screen *scr, const char *code, size_t len);
    /* Called once when the form goes away without a save; may be NULL. */
    void (*cancel)(void *ctx);
    /* Called once when the form goes away, saved or not, after cancel; may
     * be NULL (ctx is then the caller's to keep or free). */
    void (*release)(void *ctx);
    void *ctx;
};

/* Pushes the form (spec and its strings are copied where needed: labels must
 * be static). */
void ui_form_push(struct ui_screen *s, const struct ui_form_spec *spec);

#endif
