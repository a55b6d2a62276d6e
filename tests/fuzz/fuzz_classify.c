/* Fuzzes scan classification with arbitrary bytes: it must never read out of
 * bounds, and what it reports must agree with the individual checks. */
#include "core/ident/ident.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-05-22T04:00:00Z */
#define FUZZ_TODAY 1779422400000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ident_scan sc;
    struct ident_resident_id id;
    size_t n;

    ident_classify_shape((const char *)data, size, FUZZ_TODAY, &sc);
    n = strnlen(sc.code, sizeof(sc.code));
    if (n == sizeof(sc.code) || !ident_kind_name(sc.kind))
        abort();
    if (sc.valid != 1 && sc.kind != IDENT_RESIDENT_ID)
        abort();
    switch (sc.kind) {
    case IDENT_RESIDENT_ID:
        if ((ident_resident_id_parse(sc.code, FUZZ_TODAY, &id, NULL) == 0) != sc.valid)
            abort();
        break;
    case IDENT_GTIN:
        if (!ident_gtin_valid(sc.code) || strnlen(sc.gtin14, 15) != 14)
            abort();
        break;
    case IDENT_TRACE_CODE:
        /* 20 digits, or a shape with letters the coding standard allows */
        if (ident_trace_shape(sc.code, n) == IDENT_TRACE_NONE ||
            (sc.trace_prefix[0] && !ident_is_trace_code(sc.code, n)))
            abort();
        break;
    case IDENT_INSURANCE_TOKEN:
        if (!ident_is_insurance_token(sc.code, n))
            abort();
        break;
    case IDENT_ACTION:
        if (sc.action == IDENT_ACTION_NONE ||
            ident_action_parse(sc.code, n, NULL, NULL) != sc.action)
            abort();
        break;
    case IDENT_GS1:
        if (strcmp(sc.code, sc.gs1.text) != 0)
            abort();
        break;
    default: break;
    }
    return 0;
}
