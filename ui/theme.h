/* Colour themes. Views draw with semantic roles only (OK, WARN, ANOMALY,
 * SELECTED, ...); the role table holds one column per theme, so no view names
 * a colour and a new theme is one more column.
 *
 * Themes: day (colours on the terminal's own background), night (dim colours
 * on black, for dark wards at 2 a.m.), mono (attributes only; also used when
 * the terminal has no colours). FIELDCHECK_THEME=day|night|mono picks one.
 */
#ifndef FC_UI_THEME_H
#define FC_UI_THEME_H

#include <curses.h>

/* X(role, day fg, day bg, day attrs, night fg, night bg, night attrs, mono attrs)
 * -1 is the terminal's default colour. */
#define UI_ROLES(X)                                                                              \
    X(NORMAL, -1, -1, A_NORMAL, COLOR_WHITE, COLOR_BLACK, A_DIM, A_NORMAL)                       \
    X(TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD, COLOR_CYAN, COLOR_BLACK, A_NORMAL, A_REVERSE)      \
    X(STATUS, COLOR_BLACK, COLOR_CYAN, A_NORMAL, COLOR_CYAN, COLOR_BLACK, A_DIM, A_REVERSE)      \
    X(FKEY, -1, -1, A_BOLD, COLOR_WHITE, COLOR_BLACK, A_DIM, A_BOLD)                             \
    X(FKEY_LABEL, COLOR_BLACK, COLOR_CYAN, A_NORMAL, COLOR_CYAN, COLOR_BLACK, A_DIM, A_REVERSE)  \
    X(HEADER, -1, -1, A_BOLD | A_UNDERLINE, COLOR_WHITE, COLOR_BLACK, A_UNDERLINE, A_UNDERLINE)  \
    X(SELECTED, COLOR_BLACK, COLOR_CYAN, A_NORMAL, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE) \
    X(OK, COLOR_GREEN, -1, A_NORMAL, COLOR_GREEN, COLOR_BLACK, A_DIM, A_NORMAL)                  \
    X(WARN, COLOR_YELLOW, -1, A_BOLD, COLOR_YELLOW, COLOR_BLACK, A_DIM, A_BOLD)                  \
    X(ANOMALY, COLOR_RED, -1, A_BOLD, COLOR_RED, COLOR_BLACK, A_NORMAL, A_BOLD | A_UNDERLINE)    \
    X(DIM, -1, -1, A_DIM, COLOR_WHITE, COLOR_BLACK, A_DIM, A_DIM)                                \
    X(INPUT, COLOR_BLACK, COLOR_WHITE, A_NORMAL, COLOR_WHITE, COLOR_BLACK, A_UNDERLINE,          \
      A_UNDERLINE)                                                                               \
    X(DIALOG, COLOR_BLACK, COLOR_WHITE, A_NORMAL, COLOR_WHITE, COLOR_BLUE, A_DIM, A_REVERSE)     \
    X(BANNER_OK, COLOR_WHITE, COLOR_GREEN, A_BOLD, COLOR_GREEN, COLOR_BLACK, A_REVERSE | A_DIM,  \
      A_REVERSE)                                                                                 \
    X(BANNER_WARN, COLOR_BLACK, COLOR_YELLOW, A_BOLD, COLOR_YELLOW, COLOR_BLACK,                 \
      A_REVERSE | A_DIM, A_REVERSE | A_BOLD)                                                     \
    X(BANNER_ANOMALY, COLOR_WHITE, COLOR_RED, A_BOLD, COLOR_RED, COLOR_BLACK, A_REVERSE,         \
      A_REVERSE | A_BOLD | A_UNDERLINE)                                                          \
    /* QR codes: dark ink on a light ground in every theme, as cameras expect */                 \
    X(QR, COLOR_BLACK, COLOR_WHITE, A_NORMAL, COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE)

enum ui_role {
#define UI_ROLE_ENUM_(r, dfg, dbg, da, nfg, nbg, na, ma) UI_ROLE_##r,
    UI_ROLES(UI_ROLE_ENUM_)
#undef UI_ROLE_ENUM_
        UI_ROLE_COUNT
};

/* X(enum suffix, name as FIELDCHECK_THEME and ui.theme take it). A theme's
 * name is its own word: "night" here is the dim theme, not a visit kind. */
#define UI_THEMES(X)  \
    X(DAY, "day")     \
    X(NIGHT, "night") \
    X(MONO, "mono")

enum ui_theme {
#define UI_THEME_ENUM_(e, name) UI_THEME_##e,
    UI_THEMES(UI_THEME_ENUM_)
#undef UI_THEME_ENUM_
        UI_THEME_COUNT
};

/* Theme by name ("day", "night", "mono"); -1 for NULL or an unknown name. */
int theme_by_name(const char *name);
/* Name of a theme ("day" for out-of-range values). */
const char *theme_name(enum ui_theme t);
/* The theme named by FIELDCHECK_THEME, else fallback. */
enum ui_theme theme_from_env(enum ui_theme fallback);

/* Selects a theme. Before curses starts it is only remembered; after
 * theme_start() the colour pairs are redefined at once. */
void theme_set(enum ui_theme t);
enum ui_theme theme_current(void);
/* Call once after initscr(): starts colours when the terminal has them (else
 * every theme draws as mono) and defines the pairs. */
void theme_start(void);

/* The curses attributes (colour pair included) of a role in the current theme. */
attr_t theme_attr(enum ui_role r);
/* The colour pair number of a role (0 in mono). */
short theme_pair(enum ui_role r);

#endif
