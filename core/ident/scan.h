/* Scan classification (DESIGN §5): what a scanned or typed code is, for one
 * site, in a fixed order: inspector action words -> an exact hit in the
 * reference code_index -> the site's scan patterns (POSIX ERE) -> the shape of
 * the code (core/ident.h) -> unrecognized.
 *
 * A classifier belongs to one visit: it compiles the site's patterns once and
 * keeps its prepared statements, so classifying a scan costs one indexed
 * lookup plus the regexes. The reference database must be ATTACHed as "ref"
 * (mission_attach) before scan_classifier_new and for as long as it lives. */
#ifndef FC_CORE_SCAN_H
#define FC_CORE_SCAN_H

#include "core/base/error.h"
#include "core/ident/ident.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct scan_classifier;

/* Which step of the pipeline recognised the code. */
enum scan_source {
    SCAN_FROM_ACTION,
    SCAN_FROM_INDEX,
    SCAN_FROM_PATTERN,
    SCAN_FROM_SHAPE,
    SCAN_FROM_NONE,
};

/* What the code is. BED_LABEL, WRISTBAND and ADMISSION come from the index or
 * a pattern; ID_NUMBER from the index or the shape (valid may be 0 then);
 * the rest from the shape. */
enum scan_kind {
    SCAN_UNKNOWN = 0,
    SCAN_ACTION,
    SCAN_BED_LABEL,
    SCAN_WRISTBAND,
    SCAN_ADMISSION,
    SCAN_ID_NUMBER,
    SCAN_INSURANCE_TOKEN,
    SCAN_TRACE_CODE,
    SCAN_GTIN,
    SCAN_GS1,
    SCAN_OTHER, /* a shape that has no meaning for the workflow (site or drug code) */
};

#define SCAN_CODE_MAX 512
#define SCAN_REF_MAX 160

struct scan_class {
    enum scan_source source;
    enum scan_kind kind;
    /* The trimmed code as scanned (what the double-read rule compares). */
    char code[SCAN_CODE_MAX + 1];
    /* BED_LABEL: ward_code and bed; WRISTBAND/ADMISSION: admission_no;
     * ID_NUMBER: the normalised 18-character ID (legacy IDs widened). */
    char ward_code[SCAN_REF_MAX];
    char bed[SCAN_REF_MAX];
    char admission_no[SCAN_REF_MAX];
    char id_number[19];
    /* From the index: GTIN -> drug_code, TRACE_CODE -> a settlement_id that
     * settled this code (core/refdb.h); "" otherwise. */
    char ref[SCAN_REF_MAX];
    int valid;       /* 0 for an ID that fails its check or date */
    const char *why; /* static reason when valid is 0 */
    int legacy_id;   /* the ID was a 15-digit legacy number */
    enum ident_action action;
};

/* Creates a classifier for site_code: compiles its bed_label and wristband
 * patterns from ref.scan_pattern (a bad regex is FC_EINPUT naming its line)
 * and prepares the lookups. *out is NULL on failure; free with
 * scan_classifier_free (NULL allowed). */
int scan_classifier_new(struct store *s, const char *site_code, struct scan_classifier **out,
                        struct fc_error *err);
void scan_classifier_free(struct scan_classifier *c);

/* Classifies raw[0..len) (any bytes). today_ms dates the ID checks. Never
 * guesses: a code no step recognises is SCAN_UNKNOWN from SCAN_FROM_NONE.
 * Returns FC_OK, or FC_EDB if a lookup fails. */
int scan_classify(struct scan_classifier *c, const char *raw, size_t len, int64_t today_ms,
                  struct scan_class *out, struct fc_error *err);

/* Stable lower-case names for JSON ("bed_label", "wristband", "admission",
 * "id_number", "insurance_token", "trace_code", "gtin", "gs1", "other",
 * "action", "unknown") and for the source ("action", "code_index",
 * "pattern", "shape", "none"). */
const char *scan_kind_name(enum scan_kind kind);
const char *scan_source_name(enum scan_source source);

/* Parses a bed number as rosters write it: "12" or "12+" (an extra bed beside
 * 12), leading zeros dropped, into out ("" and FC_EINPUT if it is neither). */
int scan_bed_normalise(const char *bed, char out[SCAN_REF_MAX]);

#endif
