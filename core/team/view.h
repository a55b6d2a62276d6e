/* The team's merged view on the lead's laptop: what every member recorded,
 * item by item, with who recorded it. Each member's events, as the team
 * store holds them (the current event of each seq, HQ's rule), are replayed
 * by this program's own appliers into a mirror store of that member
 * (<data dir>/team-view/<device>.db, a cache rebuilt whenever the team store
 * holds something new of the member), so a member's worksheet, ward map or
 * count here is what the member's laptop shows. The view then sets the
 * members' and the lead's own records of one item (a suspicion line, a bed,
 * a patient, a drug: a workflow's finding subject) side by side. Two
 * members who recorded one item differently are a conflict: listed, never
 * resolved here (the lead resolves it by a record of their own). Where a
 * workflow's group says its records are parts of one whole (a drug counted
 * on several shelves), the members' parts are added up instead, and a unit
 * of it (a box) recorded by two members is counted once, or is the
 * conflict when they recorded it differently. */
#ifndef FC_CORE_TEAM_VIEW_H
#define FC_CORE_TEAM_VIEW_H

#include "core/base/error.h"
#include "core/hq/hqdb.h"
#include "core/store/hash.h"
#include "core/team/chain.h"
#include "core/workflow.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* One member's record of one item. Strings are owned by the view. */
struct team_record {
    const char *device;     /* the member's device id */
    const char *inspectors; /* the member's visit's inspectors, "A, B" */
    const char *visit;      /* the member's visit id */
    int is_self;            /* the lead's own record */
    const struct verdict *verdict;
    const char *detail;
    int64_t amount_fen, fund_loss_fen;
    int64_t count; /* 1, or the size of a summed row (subject "") */
    int has_qty;   /* qty_milli is a quantity the member counted */
    int64_t qty_milli;
};

/* One item of a workflow at one site, as the team recorded it. */
struct team_item {
    const struct workflow *wf;
    const char *mission_id, *site_code;
    const struct workflow_group *group; /* never NULL */
    const char *subject;                /* "" for a member's summed rows */
    const struct team_record *records;  /* one per member who recorded it, by device */
    size_t n;
    int conflict; /* two members recorded it differently */
    int resolved; /* ...and the lead recorded it too: the lead's record decides */
    /* group->sums: the team's figure, the members' parts added up, each unit
     * (box) two or more members recorded alike counted once; overlaps is
     * how many such second counts were left out. */
    int64_t total_milli;
    int64_t overlaps;
};

/* One visit of the team: a member's or the lead's own. */
struct team_visit {
    const char *device, *visit, *mission_id, *site_code, *inspectors;
    const struct workflow *wf;
    const char *opened_at, *closed_at; /* UTC; closed "" while open */
    int is_self;
};

struct team_view;

/* Builds the view of every team s's device leads: refreshes the mirror of
 * each member the team store holds events of (team may be NULL: the lead's
 * own records only), then collects the records of every visit of the
 * teams' missions. FC_ENOTFOUND when the device leads no team. Free with
 * team_view_free. */
int team_view_open(struct store *s, struct hqdb *team, struct team_view **out,
                   struct fc_error *err);
void team_view_free(struct team_view *tv);

/* Items in mission, site, workflow, group and subject order; mission_id
 * and wf filter when not NULL; only conflicts when conflicts_only. cb
 * returns 0 to continue; anything else stops and is returned. */
int team_view_items(const struct team_view *tv, const char *mission_id, const struct workflow *wf,
                    int conflicts_only, int (*cb)(const struct team_item *it, void *ctx),
                    void *ctx);

/* The team's visits in mission, site, device and opening order. */
int team_view_visits(const struct team_view *tv, const char *mission_id,
                     int (*cb)(const struct team_visit *v, void *ctx), void *ctx);

/* How many items are in conflict that the lead has not resolved by a
 * record of their own (of mission_id when not NULL). */
size_t team_view_conflicts(const struct team_view *tv, const char *mission_id);

/* Every member's chain as the view holds it (this device's own log, the
 * members' in the team store), in device order. */
int team_view_heads(const struct team_view *tv,
                    int (*cb)(const char *device, int is_self, const struct team_chain *c,
                              void *ctx),
                    void *ctx);

/* The chains of the members of mission_id's team only, in device order. */
int team_view_team_heads(const struct team_view *tv, const char *mission_id,
                         int (*cb)(const char *device, int is_self, const struct team_chain *c,
                                   void *ctx),
                         void *ctx);

/* The heads digest of mission_id's team (docs/bundle-format.md §11 "Team
 * checkpoint"): SHA-256 over the mission, the version of the pack naming
 * the team and every member's chain head as the view holds it (a member's
 * contiguous head in the team store, the lead's own head), in device
 * order; what a team checkpoint signs. version and members (may be NULL)
 * receive the pack version and how many members it covers. FC_ENOTFOUND
 * when the device leads no team in the mission. */
int team_view_digest(const struct team_view *tv, const char *mission_id, char out[HASH_HEX_LEN + 1],
                     int64_t *version, size_t *members);

/* The team's record of an item: the lead's when the lead decided a
 * conflict, else the first record that covers the item; NULL while
 * members disagree and the lead has not decided. */
const struct team_record *team_item_decided(const struct team_item *it);

#endif
