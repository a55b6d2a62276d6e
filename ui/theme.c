/* Theme table and colour-pair set-up. Pair n+1 belongs to role n, so changing
 * theme only redefines pairs: every cell already on screen changes colour at
 * the next refresh without views knowing. */
#include "ui/theme.h"

#include <stdlib.h>
#include <string.h>

struct role_row {
    short fg[2], bg[2]; /* day, night */
    attr_t attr[UI_THEME_COUNT];
};

static const struct role_row roles[UI_ROLE_COUNT] = {
#define UI_ROLE_ROW_(r, dfg, dbg, da, nfg, nbg, na, ma) {{dfg, nfg}, {dbg, nbg}, {da, na, ma}},
    UI_ROLES(UI_ROLE_ROW_)
#undef UI_ROLE_ROW_
};

static const char *const theme_names[UI_THEME_COUNT] = {
#define UI_THEME_NAME_(e, name) name,
    UI_THEMES(UI_THEME_NAME_)
#undef UI_THEME_NAME_
};

static enum ui_theme cur_theme = UI_THEME_DAY;
static int started;
static int have_colour;

int theme_by_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < UI_THEME_COUNT; i++)
        if (!strcmp(name, theme_names[i]))
            return i;
    return -1;
}

const char *theme_name(enum ui_theme t)
{
    return (unsigned)t < UI_THEME_COUNT ? theme_names[t] : theme_names[0];
}

enum ui_theme theme_from_env(enum ui_theme fallback)
{
    int t = theme_by_name(getenv("FIELDCHECK_THEME"));
    return t < 0 ? fallback : (enum ui_theme)t;
}

static void define_pairs(void)
{
    int col;

    if (!started || !have_colour || cur_theme == UI_THEME_MONO)
        return;
    col = cur_theme == UI_THEME_NIGHT ? 1 : 0;
    for (int r = 0; r < UI_ROLE_COUNT; r++)
        init_pair((short)(r + 1), roles[r].fg[col], roles[r].bg[col]);
}

void theme_set(enum ui_theme t)
{
    if ((unsigned)t >= UI_THEME_COUNT)
        t = UI_THEME_DAY;
    cur_theme = t;
    define_pairs();
}

enum ui_theme theme_current(void)
{
    return cur_theme;
}

void theme_start(void)
{
    started = 1;
    have_colour = has_colors();
    if (have_colour) {
        start_color();
        use_default_colors();
    }
    theme_set(cur_theme);
}

short theme_pair(enum ui_role r)
{
    if (!have_colour || cur_theme == UI_THEME_MONO || (unsigned)r >= UI_ROLE_COUNT)
        return 0;
    return (short)(r + 1);
}

attr_t theme_attr(enum ui_role r)
{
    enum ui_theme t = cur_theme;

    if ((unsigned)r >= UI_ROLE_COUNT)
        return A_NORMAL;
    if (!have_colour)
        t = UI_THEME_MONO;
    return roles[r].attr[t] | (attr_t)COLOR_PAIR(theme_pair(r));
}
