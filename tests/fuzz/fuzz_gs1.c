/* Fuzzes the GS1 element string parser: no out-of-bounds reads for any bytes,
 * accepted input yields bounded, terminated fields, and the canonical
 * parenthesised text (parentheses in data escaped) parses back to itself,
 * always: it must name one element string. */
#include "core/ident/gs1.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ident_gs1 g, again;
    const char *why = NULL;
    size_t tl;

    if (ident_gs1_parse((const char *)data, size, &g, &why) != 0) {
        if (!why || g.n_elements != 0)
            abort();
        return 0;
    }
    tl = strnlen(g.text, sizeof(g.text));
    if (tl == sizeof(g.text) || g.n_elements < 1 || strnlen(g.lot, 21) > 20 ||
        strnlen(g.serial, 21) > 20 || (g.gtin[0] && strnlen(g.gtin, 15) != 14))
        abort();
    if (tl <= IDENT_GS1_MAX_INPUT) {
        if (ident_gs1_parse(g.text, tl, &again, &why) != 0 || strcmp(again.text, g.text) != 0 ||
            strcmp(again.lot, g.lot) != 0 || strcmp(again.serial, g.serial) != 0 ||
            strcmp(again.gtin, g.gtin) != 0 || strcmp(again.expiry, g.expiry) != 0)
            abort();
    }
    return 0;
}
