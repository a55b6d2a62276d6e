/* ui_run(): the one public entry of the TUI. It sets the locale and language,
 * picks the theme, builds the initial view stack (home, plus the open visit's
 * screen when asked) and hands over to the screen manager. */
#include "ui/ui.h"

#include "core/base/xalloc.h"
#include "ui/frame.h"
#include "ui/i18n.h"
#include "ui/screen.h"
#include "ui/term.h"
#include "ui/theme.h"
#include "ui/views.h"

#include <stdlib.h>

#include <string.h>

int ui_run(const struct ui_app *app, struct fc_error *err)
{
    struct ui_screen *s = NULL;
    int t, rc = 0;

    ui_i18n_init();
    /* NO_COLOR asks for no colour; an explicit theme still wins */
    t = theme_by_name(app->theme);
    theme_set(t >= 0
                  ? (enum ui_theme)t
                  : theme_from_env(ui_no_color(getenv("NO_COLOR")) ? UI_THEME_MONO : UI_THEME_DAY));
    s = ui_screen_new(app);
    /* the Linux console draws no Chinese: English, and a note saying why */
    if (ui_term_fit(getenv("TERM"), getenv("FBTERM")) == UI_TERM_NO_CJK) {
        if (ui_lang_current() == UI_LANG_ZH)
            ui_lang_set(UI_LANG_EN);
        ui_screen_note(s, _("Linux console: no Chinese here, so the screens are in English "
                            "(a terminal emulator or fbterm shows Chinese)"));
    }
    ui_screen_push(s, ui_view_open(&view_home_ops, app, NULL));
    if (app->start == UI_START_VISIT && app->start_visit && app->home && app->home->list_visits) {
        struct ui_visit_row row;

        rc = ui_visit_find(app, app->start_visit, &row, err);
        if (rc < 0)
            goto out;
        if (!rc) {
            rc = fc_error_set(err, FC_ENOTFOUND, "cannot open visit '%s': not found",
                              app->start_visit);
            goto out;
        }
        ui_screen_push(s, view_for_visit(app, &row));
    }
    rc = ui_screen_run(s, err);
out:
    ui_screen_free(s);
    return rc;
}
