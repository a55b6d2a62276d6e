/* Device-side teams (table team_member, docs/bundle-format.md §5 "Teams"):
 * who works with whom, as the signed mission packs name them. The team of a
 * mission is the one of the highest version of it loaded from a pack; a
 * newer pack without a team ends it. The SQL lives here so that sync/ never
 * touches SQLite directly. */
#ifndef FC_CORE_TEAMDB_H
#define FC_CORE_TEAMDB_H

#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

struct store;

#define TEAMDB_PK_LEN 32

/* One member of a team as a pack names it. */
struct teamdb_member {
    char mission_id[128];
    int64_t version; /* of the pack that names the team */
    char device[17];
    unsigned char sign_pk[TEAMDB_PK_LEN];
    unsigned char box_pk[TEAMDB_PK_LEN];
    int is_lead;
    char lead[17];       /* the team's lead (device id) */
    char expires_at[48]; /* the pack's expiry, ISO 8601 */
};

/* Records the team of pack (mission_id, version): n members, exactly one
 * with is_lead set (FC_EINPUT otherwise). Recording the same pack again
 * changes nothing. Commits. */
int teamdb_record(struct store *s, const struct teamdb_member *members, size_t n,
                  struct fc_error *err);

/* Calls cb for every member of the current team of mission_id (NULL: of
 * every mission), in mission and device order; m is valid during the call.
 * cb returns 0 to continue; anything else stops and is returned. */
int teamdb_foreach(struct store *s, const char *mission_id,
                   int (*cb)(const struct teamdb_member *m, void *ctx), void *ctx,
                   struct fc_error *err);

/* The member device of the current team of mission_id; FC_ENOTFOUND when the
 * mission has no team or the device is not in it. */
int teamdb_get(struct store *s, const char *mission_id, const char *device,
               struct teamdb_member *out, struct fc_error *err);

#endif
