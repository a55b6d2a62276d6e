/* Identifiers an inspector meets (DOMAIN.md, Identifiers): resident IDs,
 * GTIN / 药品本位码, GS1 element strings (core/gs1.h), 20-digit traceability
 * codes, institution and insurance item codes, the 医保码 token, inspector
 * action words, and the shape part of scan classification (DESIGN §5).
 * Everything here is pure: no database, no clock reads (callers pass "today"). */
#ifndef FC_CORE_IDENT_H
#define FC_CORE_IDENT_H

#include "core/ident/gs1.h"

#include <stddef.h>
#include <stdint.h>

/* ---- resident ID (GB 11643) ---------------------------------------------- */

struct ident_resident_id {
    char text[19];        /* normalised: 18 chars (17 digits + digit or 'X') or 15 digits */
    int legacy;           /* 1 for a 15-digit pre-1999 number (born 19YY, no check digit) */
    int year, month, day; /* birth date */
    char sex;             /* 'M' (odd sequence digit) or 'F' */
    char region[7];       /* GB/T 2260 region code, the first 6 digits */
};

/* Parses a resident ID. raw is NUL-terminated; surrounding spaces (and tabs,
 * CR, LF, U+3000) are trimmed, full-width digits U+FF10..U+FF19 and full-width
 * X/x become ASCII, and a lowercase x becomes X before anything is checked.
 * Accepts 18 characters with a valid ISO 7064 MOD 11-2 check character, or 15
 * digits (legacy, born 19YY). The birth date must exist, lie after 1850 and
 * not after the local calendar date of today_ms (pass clock_now_ms()).
 * Returns 0 with *out filled, or FC_EINPUT with a short static English reason
 * in *why (may be NULL): "wrong length", "not digits", "no such date",
 * "birth date too early", "birth date in the future", "bad check digit".
 * On FC_EINPUT out->text still holds the normalised text when the length and
 * characters had the shape of an ID, and is "" otherwise; other fields are
 * then unspecified. raw NULL is FC_EINPUT ("wrong length"). */
int ident_resident_id_parse(const char *raw, int64_t today_ms, struct ident_resident_id *out,
                            const char **why);

/* The same with today's local date given (a caller parsing many IDs works
 * it out once). */
int ident_resident_id_parse_on(const char *raw, int year, int month, int day,
                               struct ident_resident_id *out, const char **why);

/* The MOD 11-2 check character ('0'..'9' or 'X') of 17 digits, or 0 if first17
 * holds a non-digit among its first 17 bytes. */
char ident_resident_id_check_char(const char *first17);

/* Writes the 18-character form of a parsed ID into out (region + 19YY... +
 * computed check character for a legacy ID, a copy otherwise), so a legacy
 * card can be looked up in an 18-digit roster. */
void ident_resident_id_to18(const struct ident_resident_id *id, char out[19]);

/* Completed years of age on the local calendar date of at_ms; -1 if at_ms is
 * before the birth date. Someone born on 29 February turns a year older on
 * 1 March in common years. */
int ident_age_at(const struct ident_resident_id *id, int64_t at_ms);

/* ---- GTIN, 药品本位码, traceability codes ---------------------------------- */

/* 1 if s is 8, 12, 13 or 14 ASCII digits with a valid GS1 mod-10 check digit.
 * s NUL-terminated; NULL gives 0. */
int ident_gtin_valid(const char *s);

/* Left-pads a valid GTIN to 14 digits into out. Returns 0, or FC_EINPUT (and
 * out "") when ident_gtin_valid(s) is 0. */
int ident_gtin_to14(const char *s, char out[15]);

/* 1 if s is a 药品本位码: a valid GTIN-14 starting 869. NULL gives 0. */
int ident_is_drug_standard_code(const char *s);

/* 1 if s[0..len) is a 码上放心 药品追溯码: exactly 20 ASCII digits. NULL gives 0. */
int ident_is_trace_code(const char *s, size_t len);

/* The shapes of traceability codes the drug coding standard allows. */
enum ident_trace_shape {
    IDENT_TRACE_NONE = 0,
    IDENT_TRACE_DIGITS, /* 20 digits (码上放心); the first 7 name the product */
    IDENT_TRACE_ALNUM,  /* 20 capital letters and digits, at least one letter, not a
                           drug or consumable code's shape */
    IDENT_TRACE_MA,     /* MA code (ISO/IEC 15459 issuer MA): "MA." then dot-separated
                           segments of letters, digits, -, +, / and *, up to 64 bytes */
    IDENT_TRACE_IDCODE, /* IDcode: "ID." or "ID:" then the same */
};

/* The traceability shape of s[0..len); IDENT_TRACE_NONE for NULL or none.
 * GS1 element strings are a traceability code too, but are told apart by
 * ident_gs1_parse. */
enum ident_trace_shape ident_trace_shape(const char *s, size_t len);

/* Copies the 7-digit product prefix of a traceability code into out. Returns
 * 0, or FC_EINPUT (out "") if code is not a traceability code. */
int ident_trace_prefix(const char *code, char out[8]);

/* ---- institution and insurance item codes (no check digits exist) --------- */

/* X(enum suffix, stable name, names HQ systems use for it). A site kind is
 * the kind of institution (sites.csv site_kind), not a visit kind. */
#define IDENT_SITE_KINDS(X)                                                         \
    X(HOSPITAL, "hospital", "定点医疗机构", "医疗机构", "医院") /* H + 11 digits */ \
    X(PHARMACY, "pharmacy", "定点零售药店", "零售药店", "药店") /* P + 11 digits */

enum ident_site_kind {
    IDENT_SITE_NONE = 0,
#define IDENT_SITE_ENUM_(e, name, zh1, zh2, zh3) IDENT_SITE_##e,
    IDENT_SITE_KINDS(IDENT_SITE_ENUM_)
#undef IDENT_SITE_ENUM_
};

/* The stable name of a site kind ("hospital", "pharmacy"; "" for NONE), and
 * the kind a name or one of its Chinese names (any case) gives
 * (IDENT_SITE_NONE when none). */
const char *ident_site_kind_name(enum ident_site_kind kind);
enum ident_site_kind ident_site_kind_parse(const char *name);
/* Its short Chinese name (医院, 药店; "" for NONE), for people. */
const char *ident_site_kind_zh(enum ident_site_kind kind);

/* Kind of an institution code by prefix, length and digits (upper-case H/P
 * only); IDENT_SITE_NONE for anything else, including NULL. */
enum ident_site_kind ident_site_code_kind(const char *code);

enum ident_item_kind {
    IDENT_ITEM_NONE = 0,
    IDENT_ITEM_WESTERN,    /* X + 22 upper-case letters/digits (西药) */
    IDENT_ITEM_PATENT,     /* Z + 19 (中成药) */
    IDENT_ITEM_HERBAL,     /* T + 9 (中药饮片) */
    IDENT_ITEM_CONSUMABLE, /* C + 19, or C + 27 with a model suffix (医用耗材) */
    IDENT_ITEM_SERVICE,    /* 15 digits (医疗服务项目) */
};

/* Kind of an insurance item code by prefix, length and character set only
 * (upper-case letters and digits; no lower case). NULL gives IDENT_ITEM_NONE. */
enum ident_item_kind ident_item_code_kind(const char *code);

/* 1 if code is a drug code (西药, 中成药 or 中药饮片 shape). */
int ident_drug_code_valid(const char *code);

/* Stable lower-case name ("western", "patent", "herbal", "consumable",
 * "service", "none"). */
const char *ident_item_kind_name(enum ident_item_kind kind);

/* ---- 医保码 token ---------------------------------------------------------- */

#define IDENT_TOKEN_MIN 20
#define IDENT_TOKEN_MAX 64

/* 1 if s[0..len) has the shape accepted for a 医保电子凭证 token: 20..64 bytes
 * of [A-Za-z0-9] and "+/=-_.:*" with at least one letter and one digit, and
 * not a URL (no "://"). The platform does not publish the format, so the rule
 * is deliberately narrow; it is one function so it can become a setting. It
 * does not exclude other shapes: ident_classify_shape tries those first. */
int ident_is_insurance_token(const char *s, size_t len);

/* ---- inspector actions ------------------------------------------------------ */

enum ident_action {
    IDENT_ACTION_NONE = 0,
    IDENT_ACTION_EMPTY_BED,
    IDENT_ACTION_NO_WRISTBAND,
    IDENT_ACTION_NO_ID,
    IDENT_ACTION_EXAM,
    IDENT_ACTION_COUNT, /* pharmacy manual count "DRUG_CODE:QTY" */
};

/* Largest quantity a manual count accepts (smallest units, e.g. tablets). */
#define IDENT_COUNT_QTY_MAX 999999
#define IDENT_ITEM_CODE_MAX 28

/* Parses an action word (EMPTY_BED, NO_WRISTBAND, NO_ID, EXAM; any case,
 * surrounding spaces ignored) or a manual count "CODE:QTY" (a drug or
 * consumable code in any case, ':' or full-width '：', spaces allowed around
 * either part, QTY 1..IDENT_COUNT_QTY_MAX without sign or leading '+').
 * s[0..len) need not be NUL-terminated. For a count the upper-cased code goes
 * into code (may be NULL) and the quantity into *qty (may be NULL).
 * Returns the action, or IDENT_ACTION_NONE (code "" and *qty 0 if given). */
enum ident_action ident_action_parse(const char *s, size_t len, char code[IDENT_ITEM_CODE_MAX + 1],
                                     long *qty);

/* Stable upper-case word of an action ("EMPTY_BED", ..., "COUNT", "NONE"). */
const char *ident_action_name(enum ident_action action);

/* ---- shape classification (DESIGN §5) -------------------------------------- */

/* Longest scan classified; anything longer is IDENT_UNKNOWN. */
#define IDENT_SCAN_MAX 512

enum ident_kind {
    IDENT_UNKNOWN = 0,
    IDENT_ACTION,
    IDENT_RESIDENT_ID, /* 18-digit (valid or not) or 15-digit legacy */
    IDENT_GS1,
    IDENT_TRACE_CODE,
    IDENT_GTIN,
    IDENT_SITE_CODE,
    IDENT_DRUG_CODE, /* drug or consumable code (ident_item_code_kind) */
    IDENT_INSURANCE_TOKEN,
};

struct ident_scan {
    enum ident_kind kind;
    int valid; /* 0 only for an IDENT_RESIDENT_ID that fails its check or date */
    /* Static reason when valid is 0; for an IDENT_UNKNOWN scan that carried a
     * GS1 AIM identifier, why the GS1 parse failed; NULL otherwise. */
    const char *why;
    /* Normalised code text: ID as parsed, GS1 as "(AI)data...", digits of a
     * trace code or GTIN (as scanned, not padded), upper-case action word or
     * "CODE:QTY", otherwise the trimmed scan without a non-GS1 AIM
     * identifier (may be invalid UTF-8 for IDENT_UNKNOWN; "" if the scan
     * was too long or held a NUL byte). */
    char code[IDENT_GS1_TEXT_MAX + 1];
    char aim[4];                    /* AIM symbology identifier that was stripped ("]d2"), or "" */
    struct ident_resident_id id;    /* IDENT_RESIDENT_ID */
    struct ident_gs1 gs1;           /* IDENT_GS1 */
    char trace_prefix[8];           /* IDENT_TRACE_CODE */
    char gtin14[15];                /* IDENT_GTIN, and IDENT_GS1 with (01) */
    int drug_standard;              /* IDENT_GTIN that is a 药品本位码 */
    enum ident_site_kind site_kind; /* IDENT_SITE_CODE */
    enum ident_item_kind item_kind; /* IDENT_DRUG_CODE, and counts */
    enum ident_action action;       /* IDENT_ACTION */
    char item_code[IDENT_ITEM_CODE_MAX + 1]; /* IDENT_DRUG_CODE, IDENT_ACTION_COUNT */
    long qty;                                /* IDENT_ACTION_COUNT */
};

/* Classifies a scan by shape alone. raw[0..len) is bytes from a scanner or the
 * keyboard (any bytes; raw may be NULL when len is 0). Trailing CR, LF, tabs
 * and spaces and leading spaces are stripped; an AIM symbology identifier
 * (']' letter char) is stripped and kept in out->aim, and a GS1 one restricts
 * the scan to GS1. Order, first match wins:
 *   action word or count -> [the caller looks up code_index, then the site's
 *   scan patterns, before using any of the rest] -> 18-character ID (kind
 *   RESIDENT_ID even when the check or date fails, valid 0, so the caller can
 *   say INVALID_ID) -> 15-digit legacy ID with a real date -> GS1 element
 *   string (needs an AIM GS1 identifier, a GS, parentheses, or a start with
 *   AI 01; an unmarked string of exactly 20 digits is left to the next rule) ->
 *   20-digit traceability code -> GTIN-8/12/13/14 with a valid check digit ->
 *   institution code -> drug or consumable code -> 医保码 token -> unknown.
 * today_ms dates the ID checks. Never fails: out is always filled. */
void ident_classify_shape(const char *raw, size_t len, int64_t today_ms, struct ident_scan *out);

/* Stable lower-case name of a kind for JSON ("resident_id", "gs1",
 * "trace_code", "gtin", "site_code", "drug_code", "insurance_token", "action",
 * "unknown"). */
const char *ident_kind_name(enum ident_kind kind);

#endif
