/* The wards and beds of a night visit as the inspectors walk them, for
 * screens: which beds a ward has (approved beds 1..bed_count, extra beds the
 * roster lists, and any bed scanned), who is listed in each, what the walk
 * found there, the current bed, and the beds of visited wards nobody has
 * scanned yet (DESIGN §5: closing a visit lists them and asks first).
 *
 * Beds are merged by their canonical number ("01" = "1", "012+" = "12+",
 * scan_bed_normalise), so a roster written with leading zeros and a scanned
 * label name one bed. Everything is read from the reference roster ("ref",
 * attached by the caller) and the visit's derived night state; nothing here
 * judges a scan or a bed: findings are the engine's (core/night/night.c),
 * their class the catalogue's. Each call reads the site once. */
#ifndef FC_CORE_NIGHT_WARDS_H
#define FC_CORE_NIGHT_WARDS_H

#include "core/base/error.h"
#include "core/ident/scan.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct night;
struct verdict;

/* One ward of the visit's site with the walk's progress. Strings are
 * borrowed for the callback. */
struct night_ward {
    const char *ward_code, *name; /* name "" when only the roster names the ward */
    int64_t beds;                 /* beds of the ward, as night_foreach_ward_bed lists them */
    int64_t visited;              /* of those, beds scanned at least once */
    int64_t anomalies;            /* visited beds whose finding is of class anomaly */
    int64_t listed;               /* patients listed in the ward */
};

/* Calls cb for every ward of the visit's site (roster_foreach_ward: wards.csv
 * plus wards only the roster names), by ward code. s is the engine's store,
 * with the visit's mission attached. cb returns non-zero to stop (returned). */
int night_foreach_ward(struct store *s, struct night *n,
                       int (*cb)(const struct night_ward *w, void *ctx), void *ctx,
                       struct fc_error *err);

/* A patient listed for a bed. name and id_number are raw: mask them before
 * showing them to anyone. */
struct night_listed {
    const char *admission_no, *name, *id_number;
};

/* One bed of a ward. Strings and arrays are borrowed for the callback. */
struct night_ward_bed {
    const char *ward_code;
    const char *bed;                   /* canonical: "1", "12+" */
    const struct night_listed *listed; /* patients listed for it, by admission number */
    size_t nlisted;
    int approved; /* one of the approved beds 1..bed_count */
    /* The walk: finding "" and verdict NULL while the bed was never scanned. */
    const char *finding;           /* OK, ABSENT, MOVED_IN, ... (the engine's) */
    const struct verdict *verdict; /* its row of the night catalogue (bed scope) */
    const char *identified;        /* admission number identified at the bed, or "" */
    int no_wristband, no_id, exam; /* action words recorded at the bed */
    int64_t scans;                 /* counted scans at the bed */
};

/* Calls cb for every bed of ward_code, in bed order (number, then the extra
 * bed "12+" after 12; a bed that is not a number last). cb returns non-zero
 * to stop (returned). */
int night_foreach_ward_bed(struct store *s, struct night *n, const char *ward_code,
                           int (*cb)(const struct night_ward_bed *b, void *ctx), void *ctx,
                           struct fc_error *err);

/* The current bed: where the visit's scans of people count now (the bed of
 * the last bed label that counts, voided and double-read scans excepted).
 * Both "" before any bed label. */
int night_current_bed(struct store *s, struct night *n, char ward_code[SCAN_REF_MAX],
                      char bed[SCAN_REF_MAX], struct fc_error *err);

/* Calls cb for every bed never scanned in a ward where at least one bed was
 * scanned, by ward and bed: the beds a visit would leave unchecked if it
 * closed now. cb (may be NULL: count only) returns non-zero to be called no
 * more, and a negative value is returned as the error; counting goes on, so
 * a caller can list the first few beds and still get the number of all of
 * them in *n_out (may be NULL). */
int night_foreach_unscanned_bed(struct store *s, struct night *n,
                                int (*cb)(const struct night_ward_bed *b, void *ctx), void *ctx,
                                int64_t *n_out, struct fc_error *err);

/* Orders two bed numbers as wards are walked: numbers by value, "12+" right
 * after "12", anything else after the numbers (strcmp). NULL counts as "". */
int night_bed_compare(const char *a, const char *b);

#endif
