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

const char *fc_text_in(enum fc_lang lang, const char *en, const char *zh)
{
    const char *t;

    if (lang == FC_LANG_EN || !en)
        return en;
    t = fc_tr(en);
    if (t != en && strcmp(t, en))
        return t;
    return zh ? zh : en;
}

const char *fc_text(const char *en, const char *zh)
{
    return fc_text_in(current, en, zh);
}
