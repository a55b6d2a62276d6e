/* Terminal fitness and keyboard-state hints (ui/term.h): pure functions of
 * the environment's strings and of a scanned code, so the rules are tested
 * without a terminal. */
#include "ui/term.h"

#include "core/base/utf8.h"

#include <string.h>

enum ui_term_fit ui_term_fit(const char *term, const char *fbterm_env)
{
    static const char *const refused[] = {"dumb", "unknown", "network",  "dialup",
                                          "lpr",  "printer", "glasstty", "emacs"};

    if (!term || !*term)
        return UI_TERM_REFUSED;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (!strcmp(term, refused[i]))
            return UI_TERM_REFUSED;
    if (!strcmp(term, "linux") || !strncmp(term, "linux-", 6) || !strncmp(term, "con", 3))
        return fbterm_env && *fbterm_env ? UI_TERM_OK : UI_TERM_NO_CJK;
    return UI_TERM_OK;
}

int ui_no_color(const char *no_color_env)
{
    return no_color_env && *no_color_env;
}

enum ui_scan_hint ui_scan_hint_of(const char *code)
{
    size_t lower = 0, upper = 0, len = code ? strlen(code) : 0;

    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        int n = utf8_decode(code + i, len - i, &cp);
        if (n < 0)
            return UI_HINT_NONE;
        /* full-width forms, ideographic space and punctuation, CJK */
        if ((cp >= 0xFF01 && cp <= 0xFF5E) || (cp >= 0x3000 && cp <= 0x303F) ||
            (cp >= 0x4E00 && cp <= 0x9FFF))
            return UI_HINT_IME;
        lower += cp >= 'a' && cp <= 'z';
        upper += cp >= 'A' && cp <= 'Z';
        i += (size_t)n;
    }
    return lower >= 2 && !upper ? UI_HINT_CAPS : UI_HINT_NONE;
}

int ui_burst_without_enter_is_suspect(size_t n)
{
    return n >= 8;
}
