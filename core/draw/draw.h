/* The 双随机 draw (random targets, random inspectors), reproducible from a
 * published seed: docs/draw.md defines the algorithm precisely enough that
 * anyone can re-derive a draw without this program.
 *
 * Everything here is a pure function of its inputs: the candidate
 * institutions, the inspector pool, the parameters and the seed. HQ's
 * `hq draw` (with teams, a signed record and packs), its `hq draw verify`
 * and the on-site `fieldcheck draw` (targets only, from the mission's sites)
 * all call draw_run.
 *
 * Call order: fill a struct draw_input (draw_targets_read /
 * draw_inspectors_read read the CSV files), draw_run, read the struct
 * draw_result, draw_result_release. */
#ifndef FC_CORE_DRAW_H
#define FC_CORE_DRAW_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/hash.h"

#include <stddef.h>
#include <stdint.h>

#define DRAW_ALGORITHM "fieldcheck-draw-v1"
#define DRAW_MAX_SEED 1024
#define DRAW_MAX_ROWS 1000000

/* ---- the random stream (docs/draw.md §2) -------------------------------------- */

/* K = SHA-256("fieldcheck-draw-v1" || 0x00 || seed); block i = SHA-256(K ||
 * u64be(i)); the stream is block 0 || block 1 || ..., read 4 bytes at a time
 * as big-endian unsigned integers. */
struct draw_stream {
    unsigned char key[HASH_LEN];
    unsigned char block[HASH_LEN];
    uint64_t counter; /* the next block's index */
    size_t used;      /* bytes of block consumed */
};

void draw_stream_init(struct draw_stream *s, const void *seed, size_t len);
uint32_t draw_stream_u32(struct draw_stream *s);
/* A uniform integer in [0, n) for 1 <= n <= 2^32 - 1 by rejection sampling:
 * limit = 2^32 - (2^32 mod n); u32 values >= limit are drawn again. */
uint32_t draw_uniform(struct draw_stream *s, uint32_t n);

/* The seed as the draw uses it: the text without leading and trailing white
 * space (space, tab, CR, LF). FC_EINPUT when nothing is left, when it is
 * longer than DRAW_MAX_SEED bytes or not UTF-8. out must hold
 * DRAW_MAX_SEED + 1 bytes. */
int draw_seed_normalize(const char *text, char *out, struct fc_error *err);

/* ---- inputs ---------------------------------------------------------------------- */

struct draw_target {
    char *site_code, *site_name;
    char *kind; /* "hospital" / "pharmacy" (ident's site kind names) or "" */
    char *region_code, *region_name;
    int64_t rank; /* the ranking value in hundredths (fund payments in fen); -1 when absent */
    char last_inspected[11]; /* YYYY-MM-DD or "" */
    uint64_t line;           /* in its file, for messages */
};

struct draw_inspector {
    char *id, *name, *region_code;
    char **conflicts; /* site codes this inspector withdraws from (回避) */
    size_t nconflicts;
    char **devices; /* the inspector's enrolled devices, for team packs */
    size_t ndevices;
    uint64_t line;
};

/* How many targets of a kind ("" = of any kind). */
struct draw_quota {
    char kind[16];
    int count;
};

/* Where the inspector's region and the target's region must differ in a
 * cross-region draw (交叉互查): the first 2, 4 or 6 digits of the region
 * code (province, city, county). */
enum draw_cross {
    DRAW_CROSS_NONE = 0,
    DRAW_CROSS_PROVINCE = 2,
    DRAW_CROSS_CITY = 4,
    DRAW_CROSS_COUNTY = 6,
};

struct draw_params {
    struct draw_quota quotas[8];
    size_t nquotas;
    int team_size;    /* 0: targets only (the on-site draw); else >= 2 */
    int exclude_days; /* leave out targets inspected within this many days; 0: none */
    char date[11];    /* the draw's date, YYYY-MM-DD, for exclude_days */
    int top;          /* draw each quota from the top N by rank; 0: from all */
    enum draw_cross cross;
};

/* An inspection the exclusion counts besides the targets file's column
 * (HQ's own visits): the latest date per site wins. */
struct draw_inspected {
    char site_code[16];
    char date[11];
};

struct draw_input {
    const struct draw_target *targets;
    size_t ntargets;
    const struct draw_inspector *inspectors;
    size_t ninspectors;
    const struct draw_inspected *inspected;
    size_t ninspected;
    struct draw_params params;
    const char *seed; /* normalized (draw_seed_normalize) */
};

/* Reads a targets file (CSV, English or Chinese headers, UTF-8 or GB18030;
 * docs/draw.md §4). *out is sorted by site_code; sha256 receives the file's
 * SHA-256 (hex). FC_EINPUT naming file and line for a bad row, a repeated
 * site or a missing column. Free with draw_targets_free. */
int draw_targets_read(const char *path, struct draw_target **out, size_t *n,
                      char sha256[HASH_HEX_LEN + 1], struct fc_error *err);
void draw_targets_free(struct draw_target *t, size_t n);

/* The same for the inspector pool, sorted by inspector id. */
int draw_inspectors_read(const char *path, struct draw_inspector **out, size_t *n,
                         char sha256[HASH_HEX_LEN + 1], struct fc_error *err);
void draw_inspectors_free(struct draw_inspector *v, size_t n);

/* Parses "N" or "KIND=N[,KIND=N...]" (KIND hospital or pharmacy, or their
 * Chinese names) into p->quotas, sorted by kind. FC_EUSAGE otherwise. */
int draw_quotas_parse(const char *text, struct draw_params *p, struct fc_error *err);
/* "province", "city", "county" (or 省, 市, 县) into *out. */
int draw_cross_parse(const char *text, enum draw_cross *out, struct fc_error *err);
const char *draw_cross_name(enum draw_cross c);

/* ---- the draw -------------------------------------------------------------------- */

struct draw_pick {
    size_t target;   /* index into the input's targets */
    size_t quota;    /* which quota drew it */
    size_t *members; /* team_size indexes into the inspectors, in drawn order */
};

/* Why a target was not a candidate. */
struct draw_excluded {
    size_t target;
    char date[11]; /* the inspection that excludes it */
};

struct draw_result {
    struct draw_pick *picks; /* in drawn order */
    size_t npicks;
    struct draw_excluded *excluded;
    size_t nexcluded;
    size_t candidates; /* targets left after the exclusion */
    uint64_t draws;    /* u32 values taken from the stream (rejections included) */
};

/* Runs the draw. FC_EINPUT when the inputs cannot satisfy the parameters
 * (too few candidates of a kind, too few inspectors without a conflict for a
 * target), naming what is short; out is empty then. */
int draw_run(const struct draw_input *in, struct draw_result *out, struct fc_error *err);
void draw_result_release(struct draw_result *r);

/* SHA-256 (hex) of a candidate pool as the on-site draw records it: the
 * targets in site_code order, one line each "site_code\tsite_name\tkind\t
 * region_code\n" (docs/draw.md §6). */
void draw_pool_digest(const struct draw_target *t, size_t n, char out[HASH_HEX_LEN + 1]);

#endif
