/* Device-side sync bookkeeping (tables sync_trust, sync_state, sync_bundle,
 * sync_pack in the device database): HQ's trusted public keys, bundle
 * numbering and chaining, the sequence HQ acknowledged, and the mission packs
 * loaded. The SQL lives here so that sync/ never touches SQLite directly. */
#ifndef FC_CORE_SYNCDB_H
#define FC_CORE_SYNCDB_H

#include "core/base/error.h"
#include "core/store/hash.h"

#include <stdint.h>

struct store;

#define SYNCDB_PK_LEN 32

struct syncdb_state {
    int64_t bundle_seq;                 /* last bundle written, 0 before the first */
    char last_bundle[HASH_HEX_LEN + 1]; /* SHA-256 of that bundle file, zeros before */
    int64_t acked_seq;                  /* the trusted HQ holds events 1..acked_seq */
    char acked_head[HASH_HEX_LEN + 1];  /* hash of event acked_seq, zeros for 0 */
};

/* HQ's public keys; FC_ENOTFOUND when `keys trust` was never run. */
int syncdb_trust_get(struct store *s, unsigned char sign_pk[SYNCDB_PK_LEN],
                     unsigned char box_pk[SYNCDB_PK_LEN], struct fc_error *err);

/* The fingerprint recorded with the trusted keys (20 bytes); FC_ENOTFOUND
 * when none is trusted. */
int syncdb_trust_fingerprint(struct store *s, char fingerprint[20], struct fc_error *err);

/* Stores (or replaces) HQ's public keys; *replaced is set to 1 when different
 * keys were trusted before (may be NULL). Runs in the caller's transaction
 * if there is one (else commits on its own). */
int syncdb_trust_set(struct store *s, const unsigned char sign_pk[SYNCDB_PK_LEN],
                     const unsigned char box_pk[SYNCDB_PK_LEN], const char *fingerprint,
                     int *replaced, struct fc_error *err);

/* Bundle numbering, and what the trusted HQ key acknowledged (0 when no key
 * is trusted or it acknowledged nothing). */
int syncdb_state_get(struct store *s, struct syncdb_state *out, struct fc_error *err);

/* Records a written bundle and makes it the last one (bundle_seq, sha256).
 * Fails with FC_ESTATE when bundle_seq is not the next number. Commits. */
int syncdb_bundle_record(struct store *s, int64_t bundle_seq, const char *sha256_hex,
                         const char *file, int64_t first_seq, int64_t last_seq,
                         const char *chain_head, struct fc_error *err);

/* Raises what the HQ key hq_sign_pk acknowledged to acked_seq with its head
 * hash; a lower or equal value changes nothing (*raised = 0). Commits.
 * raised may be NULL. */
int syncdb_ack(struct store *s, const unsigned char hq_sign_pk[SYNCDB_PK_LEN], int64_t acked_seq,
               const char *head_hex, int *raised, struct fc_error *err);

/* The number of events the trusted HQ has not acknowledged into
 * *n: a range count on the event table's integer key, cheap enough to run
 * at every redraw of a screen. */
int syncdb_unsynced_count(struct store *s, int64_t *n, struct fc_error *err);

/* Hash (hex) of this device's event seq; FC_ENOTFOUND if there is none. */
int syncdb_event_hash(struct store *s, int64_t seq, char out[HASH_HEX_LEN + 1],
                      struct fc_error *err);

/* Highest version of mission_id loaded at all, from a pack or a folder; 0
 * when none (the rollback guard of pack loading). */
int syncdb_mission_max_version(struct store *s, const char *mission_id, int64_t *version,
                               struct fc_error *err);

/* Records a pack load (insert or ignore) and the fingerprint of the HQ key
 * that signed it. Commits. */
int syncdb_pack_record(struct store *s, const char *mission_id, int64_t version,
                       const char *sha256_hex, const char *signed_by, struct fc_error *err);

/* Provenance: the fingerprint of the HQ key that signed version of
 * mission_id (version <= 0: any version, the latest one signed) into
 * signed_by (20 bytes). FC_ENOTFOUND when it never arrived signed. */
int syncdb_mission_signer(struct store *s, const char *mission_id, int64_t version,
                          char signed_by[20], struct fc_error *err);

/* The SHA-256 (hex) of the pack version of mission_id was loaded from, so
 * that HQ can tell a visit on a pack it issued; FC_ENOTFOUND when that
 * version did not come from a pack. */
int syncdb_mission_pack(struct store *s, const char *mission_id, int64_t version,
                        char sha256[HASH_HEX_LEN + 1], struct fc_error *err);

#endif
