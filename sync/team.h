/* Teams in the field (docs/bundle-format.md §5 "Teams", §6 "Team lead
 * verification"). A member's bundles are sealed to HQ and to its team lead
 * (bundle_team_recipients, used by export). On the lead's laptop, team
 * import verifies and opens them with the lead's device key and merges them
 * with HQ's merge (hq_merge_bundle) into the team store, team.db beside the
 * device database: an HQ-format store where members' events keep their own
 * devices and chains and never enter the lead's event log.
 *
 * For the TUI's USB screen as for the CLI: team_import_file imports one
 * file, opening the team store itself when given none. */
#ifndef FC_SYNC_TEAM_H
#define FC_SYNC_TEAM_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/hq/hqdb.h"
#include "core/hq/hqstore.h"
#include "core/team/chain.h"
#include "sync/bundle.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* The team leads this device's bundles are sealed to: the lead of every
 * team of a loaded pack that names this device, other than itself, whose
 * pack has not expired; sorted, without repeats. *out is malloc'd (free;
 * NULL when *n is 0). */
int bundle_team_recipients(struct store *s, struct bundle_recipient **out, size_t *n,
                           struct fc_error *err);

/* <data dir of s>/team.db, appended to out. */
void team_store_path(struct store *s, struct buf *out);

/* Opens the team store of s's device: created (mode 0600) when create is 1,
 * else FC_ENOTFOUND when there is none ("team import" makes it). Close with
 * hqdb_close. */
int team_store_open(struct store *s, int create, struct hqdb **out, struct fc_error *err);

enum team_import_outcome {
    TEAM_IMPORTED,  /* verified and merged */
    TEAM_DUPLICATE, /* the same file was imported before: nothing changed */
    TEAM_OWN,       /* a bundle of this device itself: its events are in its own log */
};

struct team_import_result {
    enum team_import_outcome outcome;
    char device[17];
    char mission_id[128]; /* a mission of the team the member is in */
    uint64_t bundle_seq;
    int64_t first_seq, last_seq;
    struct hqstore_import_stats stats;
};

/* Verifies a member's bundle held in memory (name is used in messages) as
 * docs/bundle-format.md §6 "Team lead verification" says, and merges it into
 * team (NULL: the team store of s, opened and closed here). FC_EVERIFY when
 * the device is not a member of a team this device leads, the bundle is
 * sealed to HQ alone or not to this device, or any signature or key fails;
 * FC_EINTEGRITY / FC_EINPUT / FC_ELIMIT for content that is damaged or
 * contradicts itself. Nothing is stored unless every check passed. */
int team_import_data(struct store *s, struct hqdb *team, const char *name, const void *data,
                     size_t len, struct team_import_result *res, struct fc_error *err);

/* Reads the file (a regular file, capped at BUNDLE_MAX_FILE) and imports it. */
int team_import_file(struct store *s, struct hqdb *team, const char *path,
                     struct team_import_result *res, struct fc_error *err);

/* One member of a team this device leads, as team show lists it. */
struct team_member_state {
    char mission_id[128];
    int64_t mission_version;
    char device[17];
    char fingerprint[20];
    int is_lead, is_self;
    struct team_chain chain; /* the lead's own: its event log */
};

/* Calls cb for every member of every team this device leads (of mission_id
 * only when not NULL), in mission and device order. team may be NULL when
 * there is no team store yet. FC_ENOTFOUND when this device leads no team. */
int team_members(struct store *s, struct hqdb *team, const char *mission_id,
                 int (*cb)(const struct team_member_state *m, void *ctx), void *ctx,
                 struct fc_error *err);

/* The team checkpoint code ("FCT1...", docs/bundle-format.md §11),
 * printed as QR on the team's documents: the lead's device id, when it was
 * made, how many members it covers and the heads digest of the team
 * (team_view_digest), signed with the lead's device key. */
#define TEAM_CHECKPOINT_MAX_MEMBERS 4096
int team_checkpoint_make(struct store *s, const char *digest_hex, size_t members, int64_t issued_ms,
                         struct buf *code, struct fc_error *err);

struct team_checkpoint {
    char lead[17];
    int64_t issued_ms;
    size_t members;
    char digest[HASH_HEX_LEN + 1];
};

/* Verifies a team checkpoint with the lead's signing key and fills out.
 * FC_EVERIFY when the signature fails, FC_EINPUT for a malformed code. */
int team_checkpoint_verify(const char *code, const unsigned char lead_sign_pk[32],
                           struct team_checkpoint *out, struct fc_error *err);

/* Verifies a team checkpoint on any device of the team: the lead's signing
 * key comes from a loaded pack whose team names the code's lead as lead
 * (FC_EVERIFY when no pack here does, or the signature fails; FC_EINPUT for
 * a malformed code). mission_id (may be NULL) receives the mission of that
 * team. */
int team_checkpoint_check(struct store *s, const char *code, struct team_checkpoint *out,
                          char mission_id[128], struct fc_error *err);

#endif
