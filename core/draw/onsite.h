/* The draw on site, offline (`fieldcheck draw`, and what a TUI screen
 * calls): the institutions come from a loaded mission's sites, the team
 * announces the seed, and the draw is recorded as a "draw" event (no visit)
 * whose payload holds the seed, the mission, the pool's digest and the
 * result (docs/draw.md §6). */
#ifndef FC_CORE_DRAW_ONSITE_H
#define FC_CORE_DRAW_ONSITE_H

#include "core/draw/draw.h"
#include "core/mission/mission.h"

struct store;

/* The candidate pool: the sites of mission_id (NULL: the mission loaded
 * last), in site code order, those whose region code starts with region
 * when region is not NULL. mi receives the mission. FC_ENOTFOUND when no
 * mission is loaded or nothing is left to draw from. Free with
 * draw_targets_free. */
int draw_pool_load(struct store *s, const char *mission_id, const char *region,
                   struct draw_target **out, size_t *n, struct mission_info *mi,
                   struct fc_error *err);

struct draw_onsite_args {
    const char *mission_id; /* NULL: the mission loaded last */
    const char *region;     /* region code prefix, or NULL */
    const char *seed;       /* as announced */
    const char *count;      /* "N" or "KIND=N,..." (draw_quotas_parse) */
    int64_t at_ms;          /* 0: now */
};

struct draw_onsite {
    struct mission_info mission;
    struct draw_target *pool;
    size_t npool;
    char pool_sha256[HASH_HEX_LEN + 1];
    struct draw_result result; /* picks index into pool */
    char *payload;             /* the event's JSON, as recorded */
    /* SHA-256 of payload: the draw record's hash, which the team can read
     * out before recording and anyone can check against the event */
    char record_sha256[HASH_HEX_LEN + 1];
};

/* Draws without recording anything: fills out as draw_onsite_run would
 * (the payload included), for a screen that shows the result and asks
 * before it records. out is empty on failure. */
int draw_onsite_prepare(struct store *s, const struct draw_onsite_args *a, struct draw_onsite *out,
                        struct fc_error *err);
/* Records a prepared draw as its "draw" event (one transaction) at at_ms
 * (0: now). d is unchanged. */
int draw_onsite_record(struct store *s, const struct draw_onsite *d, int64_t at_ms,
                       struct fc_error *err);
/* Both: draws and records the event. out is empty on failure. Release with
 * draw_onsite_release. */
int draw_onsite_run(struct store *s, const struct draw_onsite_args *a, struct draw_onsite *out,
                    struct fc_error *err);
void draw_onsite_release(struct draw_onsite *d);

#endif
