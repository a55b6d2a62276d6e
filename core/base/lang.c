/* The process-wide choice of language for people (core/base/lang.h). One
 * variable, set by the application at start-up and when the user switches
 * language in the TUI; texts come from tables that carry both languages. */
#include "core/base/lang.h"

#include "core/base/error.h"

#include <string.h>

static enum fc_lang current = FC_LANG_EN;

enum fc_lang fc_lang_current(void)
{
    return current;
}

void fc_lang_set(enum fc_lang lang)
{
    current = lang == FC_LANG_ZH ? FC_LANG_ZH : FC_LANG_EN;
}

const char *fc_text_plain(const char *msgid)
{
    const char *eot = msgid ? strchr(msgid, '\004') : NULL;
    return eot ? eot + 1 : msgid;
}

const char *fc_text_in(enum fc_lang lang, const char *en, const char *zh)
{
    const char *plain, *t;

    if (!en)
        return NULL;
    plain = fc_text_plain(en);
    if (lang == FC_LANG_EN)
        return plain;
    t = fc_tr(en);
    /* untranslated: the id itself, or (a translator that strips contexts)
     * its plain text */
    if (t && t != en && strcmp(t, en) && strcmp(t, plain))
        return t;
    return zh ? zh : plain;
}

const char *fc_text(const char *en, const char *zh)
{
    return fc_text_in(current, en, zh);
}
