/* UI language and translations (docs/decisions.md, "TUI text and
 * translations").
 *
 * Two languages: Chinese (zh_CN, the default on a Chinese locale) and English
 * (otherwise). FIELDCHECK_LANG=zh|en overrides the locale. Source strings are
 * English and are the gettext msgids of the "fieldcheck" text domain.
 *
 * The CLI (app/) uses the same initialisation and _(), so both speak the same
 * language; the TUI additionally switches at run time.
 *
 * UI chrome (actions, F-key labels, help, fixed screen texts) carries both
 * languages in its own tables and is picked with ui_tr(), so the UI is fully
 * Chinese even when no catalog is installed; an installed zh_CN catalog still
 * wins, so translators can correct a string without a rebuild. Other strings
 * use _() (plain gettext; English when no catalog is found).
 */
#ifndef FC_UI_I18N_H
#define FC_UI_I18N_H

#include "core/base/lang.h"

#define UI_TEXTDOMAIN "fieldcheck"

enum ui_lang {
    UI_LANG_EN = 0,
    UI_LANG_ZH = 1,
};

/* Marks a string for extraction without translating it (for tables). */
#define N_(s) (s)
/* Translates a message id through gettext in the current language. */
#define _(s) ui_gettext(s)
/* Marks a string with a translation context, for tables, where one English
 * word has two Chinese meanings: NC_("person", "Name") is 姓名,
 * NC_("drug", "Name") 名称. The result is gettext's own encoding of a
 * context (context, '\004', message id), which ui_gettext() and ui_tr()
 * look up as such and show without the context in English. */
#define NC_(ctx, s) FC_NC_(ctx, s)
/* Translates s in context ctx (pgettext). */
#define P_(ctx, s) ui_pgettext(ctx, s)

/* Sets the process locale from the environment (setlocale(LC_ALL, "")); if the
 * resulting character set is not UTF-8, falls back to C.UTF-8 so curses can
 * draw CJK text; LC_NUMERIC stays "C" (amounts keep their decimal point). Then picks the language and binds the text domain (catalogs
 * in FIELDCHECK_LOCALEDIR if set, else the install prefix). Idempotent.
 * Returns 1 when the final locale is UTF-8, else 0 (the UI still runs). */
int ui_i18n_init(void);

/* Picks the language from FIELDCHECK_LANG, then LC_ALL, LC_MESSAGES and LANG
 * (first non-empty wins, as for setlocale): zh* or "chinese" gives Chinese.
 * Any argument may be NULL. Pure, for tests. */
enum ui_lang ui_lang_pick(const char *fc_lang, const char *lc_all, const char *lc_messages,
                          const char *lang);

enum ui_lang ui_lang_current(void);
/* Picks the language again from the environment as ui_i18n_init() does; for
 * the CLI, once the configuration has exported ui.lang as FIELDCHECK_LANG. */
void ui_lang_refresh(void);
/* Switches the UI language at run time (the F-key bar and help follow). */
void ui_lang_set(enum ui_lang lang);

/* gettext in the current language: English returns msgid unchanged, or
 * the part after the context of an NC_() message id. */
const char *ui_gettext(const char *msgid) __attribute__((format_arg(1)));

/* pgettext: msgid in context ctx (the msgctxt of the catalogs); English, or
 * no translation, returns msgid. */
const char *ui_pgettext(const char *ctx, const char *msgid) __attribute__((format_arg(2)));

/* Table text: en in English; in Chinese the catalog's translation of en if one
 * is installed, else zh (or en when zh is NULL). en may carry a context
 * (NC_()), which is never shown. Never NULL for non-NULL en. */
const char *ui_tr(const char *en, const char *zh);

#endif
