/* Actions and key bindings as one table. Each row is an action: id, stable
 * name, F-key (shown in the F-key bar), other keys (arrows, vim keys, ...),
 * label and help text in English and Chinese. The F-key bar and the help
 * screen are generated from the global table plus the current view's own
 * rows, so what is shown is what is bound.
 *
 * Keys use the scan assembler's encoding: a Unicode code point, or
 * SCAN_KEY_SPECIAL(curses KEY_* code) for special keys.
 */
#ifndef FC_UI_KEYMAP_H
#define FC_UI_KEYMAP_H

#include "ui/scan_asm.h"

#include <stddef.h>
#include <stdint.h>

#define UI_ACTION_MAX_KEYS 4

/* Alt+c. Terminals send ESC then c; the screen joins the two into one key
 * when they arrive together (a key typed alone after a pause is never part
 * of it, and a scanner burst never reaches the keymap). Every action has
 * such a second key, because desktop terminals take some F-keys for
 * themselves (docs/user-guide-en.md, "Keys and terminals"). */
#define UI_KEY_ALT_BASE 0x100000u
#define UI_KEY_ALT(c) SCAN_KEY_SPECIAL(UI_KEY_ALT_BASE + (uint32_t)(c))
#define UI_KEY_IS_ALT(k) \
    (SCAN_KEY_IS_SPECIAL(k) && (uint32_t)SCAN_KEY_SPECIAL_CODE(k) >= UI_KEY_ALT_BASE)
#define UI_KEY_ALT_CHAR(k) ((uint32_t)SCAN_KEY_SPECIAL_CODE(k) - UI_KEY_ALT_BASE)

/* Global actions; views number their own from UI_ACT_VIEW_BASE. */
enum ui_action_id {
    UI_ACT_NONE = 0,
    UI_ACT_HELP,
    UI_ACT_QUIT,
    UI_ACT_BACK,
    UI_ACT_UP,
    UI_ACT_DOWN,
    UI_ACT_PAGE_UP,
    UI_ACT_PAGE_DOWN,
    UI_ACT_TOP,
    UI_ACT_BOTTOM,
    UI_ACT_OPEN,
    UI_ACT_NEXT_PANE,
    UI_ACT_LANG,
    UI_ACT_THEME,
    UI_ACT_REDRAW,
    UI_ACT_USB,  /* the removable-media screen (load, export, receipt) */
    UI_ACT_TEAM, /* the team's view (on the lead's laptop) */
    UI_ACT_DRAW, /* the on-site draw (双随机) */
    UI_ACT_VIEW_BASE = 100,
};

struct ui_action {
    int id;
    const char *name;                  /* stable, for logs and tests */
    int fkey;                          /* 1..12, or 0 for none */
    uint32_t keys[UI_ACTION_MAX_KEYS]; /* 0-terminated when shorter */
    const char *label_en, *label_zh;   /* short: the F-key bar */
    const char *help_en, *help_zh;     /* one line: the help screen */
};

/* The global action table; *n receives its length. */
const struct ui_action *keymap_global(size_t *n);

/* The action bound to key: the view's rows (extra, may be NULL) first, so a
 * view can take over a key, then the global rows. NULL when unbound. */
const struct ui_action *keymap_lookup(uint32_t key, const struct ui_action *extra, size_t nextra);

/* The action row with this id among extra then global rows; NULL if none. */
const struct ui_action *keymap_find(int id, const struct ui_action *extra, size_t nextra);

/* 1 when key is a function key F1..F12; *n receives its number. */
int keymap_is_fkey(uint32_t key, int *n);

/* Writes a short name of key ("F1", "Up", "PgDn", "Enter", "Esc", "Tab",
 * "^L", "j") into out (at least 16 bytes). */
void keymap_key_name(uint32_t key, char *out, size_t cap);

/* Writes every key of an action, F-key first, separated by " ", into out. */
void keymap_keys_text(const struct ui_action *a, char *out, size_t cap);

/* Label and help in the current UI language. */
const char *keymap_label(const struct ui_action *a);
const char *keymap_help(const struct ui_action *a);

#endif
