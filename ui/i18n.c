/* Locale set-up and language choice for the TUI. gettext is used where a
 * catalog is installed, but every piece of UI chrome also carries its Chinese
 * text in its table, so a laptop without the catalogs (or without a zh_CN
 * locale, which gettext would otherwise need) still shows a Chinese UI. */
#include "ui/i18n.h"

#include "core/base/error.h"
#include "core/base/lang.h"

#include <langinfo.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef FC_LOCALEDIR
#define FC_LOCALEDIR "/usr/local/share/locale"
#endif

static enum ui_lang cur_lang = UI_LANG_EN;
static int inited;
static int catalog_ok; /* gettext may be asked (domain bound, locale not "C") */

static int starts_zh(const char *s)
{
    return s && (!strncasecmp(s, "zh", 2) || !strncasecmp(s, "chinese", 7));
}

enum ui_lang ui_lang_pick(const char *fc_lang, const char *lc_all, const char *lc_messages,
                          const char *lang)
{
    const char *order[3] = {lc_all, lc_messages, lang};

    if (fc_lang && *fc_lang) {
        if (starts_zh(fc_lang))
            return UI_LANG_ZH;
        if (!strncasecmp(fc_lang, "en", 2))
            return UI_LANG_EN;
        /* an unknown value falls through to the locale */
    }
    for (int i = 0; i < 3; i++)
        if (order[i] && *order[i])
            return starts_zh(order[i]) ? UI_LANG_ZH : UI_LANG_EN;
    return UI_LANG_EN;
}

static int codeset_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

static const char *translate(const char *msgid)
{
    return ui_gettext(msgid);
}

int ui_i18n_init(void)
{
    const char *dir = getenv("FIELDCHECK_LOCALEDIR");
    const char *loc = NULL;

    if (inited)
        return codeset_is_utf8();
    inited = 1;
    if (!setlocale(LC_ALL, "") || !codeset_is_utf8()) {
        if (!setlocale(LC_ALL, "C.UTF-8"))
            setlocale(LC_ALL, "C.utf8");
    }
    /* Amounts are read and printed with a decimal point whatever the locale
     * (--amount 12.50, CSV files, reports); only texts follow the user. */
    setlocale(LC_NUMERIC, "C");
    cur_lang = ui_lang_pick(getenv("FIELDCHECK_LANG"), getenv("LC_ALL"), getenv("LC_MESSAGES"),
                            getenv("LANG"));
    fc_lang_set(cur_lang == UI_LANG_ZH ? FC_LANG_ZH : FC_LANG_EN);
    /* core's messages and tables translate through the same catalog */
    fc_error_set_translator(translate);
    bindtextdomain(UI_TEXTDOMAIN, dir && *dir ? dir : FC_LOCALEDIR);
    bind_textdomain_codeset(UI_TEXTDOMAIN, "UTF-8");
    /* glibc ignores catalogs in the plain "C" locale; C.UTF-8 and real
     * locales honour LANGUAGE, which ui_gettext() points at zh_CN. */
    loc = setlocale(LC_MESSAGES, NULL);
    catalog_ok = loc && strcmp(loc, "C") && strcmp(loc, "POSIX");
    if (cur_lang == UI_LANG_ZH && catalog_ok && !starts_zh(loc))
        setenv("LANGUAGE", "zh_CN", 1);
    return codeset_is_utf8();
}

enum ui_lang ui_lang_current(void)
{
    return cur_lang;
}

void ui_lang_refresh(void)
{
    ui_lang_set(ui_lang_pick(getenv("FIELDCHECK_LANG"), getenv("LC_ALL"), getenv("LC_MESSAGES"),
                             getenv("LANG")));
}

void ui_lang_set(enum ui_lang lang)
{
    cur_lang = lang;
    fc_lang_set(lang == UI_LANG_ZH ? FC_LANG_ZH : FC_LANG_EN);
    if (lang == UI_LANG_ZH && catalog_ok) {
        setenv("LANGUAGE", "zh_CN", 1);
        /* re-setting the current domain makes glibc drop cached lookups */
        textdomain(textdomain(NULL));
    }
}

const char *ui_gettext(const char *msgid)
{
    const char *t;

    if (cur_lang == UI_LANG_EN || !catalog_ok)
        return fc_text_plain(msgid);
    t = dgettext(UI_TEXTDOMAIN, msgid);
    /* gettext hands back the id itself when the catalog lacks it */
    return t == msgid ? fc_text_plain(msgid) : t;
}

const char *ui_pgettext(const char *ctx, const char *msgid)
{
    char key[512];
    const char *t;
    int n;

    if (cur_lang == UI_LANG_EN || !catalog_ok)
        return msgid;
    n = snprintf(key, sizeof(key), "%s\004%s", ctx, msgid);
    if (n < 0 || (size_t)n >= sizeof(key))
        return msgid;
    t = dgettext(UI_TEXTDOMAIN, key);
    return t == key ? msgid : t;
}

const char *ui_tr(const char *en, const char *zh)
{
    return fc_text(en, zh);
}
