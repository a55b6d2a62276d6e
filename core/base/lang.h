/* The language people read: Chinese or English, chosen once by the
 * application (ui/i18n.c picks it from FIELDCHECK_LANG and the locale) and
 * read by every layer that writes text for people, so core's tables (verdict
 * labels, document headings) speak the user's language without depending on
 * the UI. Machine outputs (JSON, codes) never depend on it. libc only. */
#ifndef FC_BASE_LANG_H
#define FC_BASE_LANG_H

enum fc_lang {
    FC_LANG_EN = 0,
    FC_LANG_ZH = 1,
};

/* The current language (English until fc_lang_set is called). */
enum fc_lang fc_lang_current(void);
void fc_lang_set(enum fc_lang lang);

/* A table text with a translation context, where one English word has two
 * Chinese meanings: FC_NC_("person", "Name") is 姓名, FC_NC_("drug", "Name")
 * 名称. The string is gettext's encoding of a context (context, '\004',
 * message id, as pgettext looks it up); the extraction takes it as msgctxt
 * and msgid, and fc_text() never shows the context. */
#define FC_NC_(ctx, s) ctx "\004" s

/* msgid without its context: the text after '\004', else msgid itself. */
const char *fc_text_plain(const char *msgid);

/* Table text in the current language: en in English; in Chinese the
 * translator's text for en (fc_tr, the installed catalog) when it differs
 * from en, else zh (or en when zh is NULL). en may carry a context
 * (FC_NC_), which is never shown. NULL en gives NULL. */
const char *fc_text(const char *en, const char *zh);

/* The same in a given language (documents printed in a chosen language). */
const char *fc_text_in(enum fc_lang lang, const char *en, const char *zh);

#endif
