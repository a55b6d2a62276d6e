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
    /* The code in its canonical form (DESIGN §5; what the lookups and the
     * double-read rule compare): AIM symbology identifier removed, white
     * space (ASCII, NBSP, U+3000) trimmed, full-width ASCII folded, an
     * ISO/IEC 15434 format 05 envelope unwrapped to its GS1 element string,
     * and upper-cased when that made it a code of a case-insensitive kind
     * (bed label, wristband, admission number). */
    char code[SCAN_CODE_MAX + 1];
    /* The code as it arrived, when it differs from code (else ""); the AIM
     * symbology identifier removed from it ("]C0"), or "". */
    char raw[SCAN_CODE_MAX + 1];
    char aim[4];
    /* The code has lower-case letters and means something in capitals (it
     * was folded to them, or would have been recognised as another kind):
     * Caps Lock is the likely cause. */
    int caps_lock;
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

/* Classifies raw[0..len) (any bytes), brought to its canonical form first
 * (see struct scan_class). today_ms dates the ID checks. Never guesses: a
 * code no step recognises is SCAN_UNKNOWN from SCAN_FROM_NONE. Every
 * workflow, the CLI and the TUI classify through here, so a scan means the
 * same wherever it arrives. Returns FC_OK; FC_EINPUT for a code longer than
 * SCAN_CODE_MAX bytes once canonical (refused whole, never cut); FC_EDB if a
 * lookup fails. */
int scan_classify(struct scan_classifier *c, const char *raw, size_t len, int64_t today_ms,
                  struct scan_class *out, struct fc_error *err);

/* Stable lower-case names for JSON ("bed_label", "wristband", "admission",
 * "id_number", "insurance_token", "trace_code", "gtin", "gs1", "other",
 * "action", "unknown") and for the source ("action", "code_index",
 * "pattern", "shape", "none"). */
const char *scan_kind_name(enum scan_kind kind);
/* The kind scan_kind_name names (SCAN_UNKNOWN for any other text or NULL). */
enum scan_kind scan_kind_parse(const char *name);
const char *scan_source_name(enum scan_source source);

/* Brings raw[0..len) to the canonical form of struct scan_class (without
 * the case folding, which needs the reference data) into code (NUL
 * terminated, at most SCAN_CODE_MAX bytes), the AIM identifier into aim.
 * Returns 1 when the AIM identifier or an envelope says the code is GS1
 * data, 0 otherwise; -1 when the code is too long or holds a NUL byte. */
int scan_canonical(const char *raw, size_t len, char code[SCAN_CODE_MAX + 1], char aim[4]);

/* Adds the scan's canonical facts to an event payload (a jansson object):
 * "raw" and "aim" when present, "hint": "caps_lock" when likely. The code
 * itself is the workflow's to write. */
struct json_t;
void scan_payload_add(const struct scan_class *sc, struct json_t *payload);

/* The scanned code as a JSON string; bytes that are not UTF-8 (a scanner set
 * to another code page) are kept visible as \xNN so the scan is stored,
 * never lost. */
struct json_t *scan_code_json(const char *code);

/* How a code reached an engine. how is "burst", "typed", "cli" or
 * "replay". A replayed code also names the SHA-256 (hex) of the file it was
 * read from and, when the time that file states is odd, time_flag (from
 * scan_time_flag). A NULL arrival stands for {"cli"}. */
struct scan_arrival {
    const char *how;
    const char *file_sha256;
    const char *time_flag;
};

/* Writes the arrival into a scan's payload: "arrival", and "file_sha256"
 * and "time_flag" when set. a may be NULL. */
void scan_arrival_stamp(const struct scan_arrival *a, struct json_t *payload);

/* What is odd about a time a replay file states for a code: "before_open"
 * (before the visit opened at opened_ms), "after_close" (after it closed at
 * closed_ms; 0 while open), "backwards" (earlier than prev_ms, the time of
 * the code before it in the file; 0 for the first), else NULL. */
const char *scan_time_flag(int64_t at_ms, int64_t opened_ms, int64_t closed_ms, int64_t prev_ms);

/* Appends the Caps Lock hint to a verdict message (msg of size n). */
void scan_caps_lock_note(char *msg, size_t n);

/* Parses a bed number as rosters write it: "12" or "12+" (an extra bed beside
 * 12), leading zeros dropped, into out ("" and FC_EINPUT if it is neither). */
int scan_bed_normalise(const char *bed, char out[SCAN_REF_MAX]);

#endif
