/* Bundles (.fcb, docs/bundle-format.md §6): a device's events, zstd-compressed,
 * encrypted with crypto_secretstream under a random file key sealed to HQ's
 * X25519 key (version 1) and also to each team lead the device works for
 * (version 2), with a device-signed inner manifest and an outer signature
 * over the whole file. Readers check every length against its cap before
 * allocating, and nothing inside a bundle ever becomes a file path. */
#ifndef FC_SYNC_BUNDLE_H
#define FC_SYNC_BUNDLE_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/event.h"
#include "core/store/hash.h"
#include "sync/keys.h"

#include <stddef.h>
#include <stdint.h>

struct store;

#define BUNDLE_HEADER_LEN 176 /* version 1 */
#define BUNDLE_MAX_TEAM 16    /* team slots of a version 2 bundle */
#define BUNDLE_TEAM_SLOT_LEN 88
/* header length of a version 2 bundle with t team slots */
#define BUNDLE_V2_HEADER_LEN(t) (178 + BUNDLE_TEAM_SLOT_LEN * (size_t)(t))
#define BUNDLE_MAX_HEADER BUNDLE_V2_HEADER_LEN(BUNDLE_MAX_TEAM)
#define BUNDLE_CHUNK 65536
#define BUNDLE_MAX_PLAIN ((uint64_t)1 << 30) /* compressed plaintext P */
#define BUNDLE_MAX_INNER ((uint64_t)1 << 30) /* decompressed content C */
#define BUNDLE_MAX_MANIFEST (1u << 20)
/* zstd level of exports: the ratio barely improves above it, the time does not */
#define BUNDLE_ZSTD_LEVEL 3
/* the largest file a reader accepts: header, every chunk, signature */
#define BUNDLE_MAX_FILE \
    (BUNDLE_MAX_HEADER + (BUNDLE_MAX_PLAIN / BUNDLE_CHUNK + 1) * (4 + BUNDLE_CHUNK + 17) + 64)

struct bundle_header {
    char device_id[17];
    unsigned char sign_pk[CODEC_SIGN_PK_LEN];
    uint64_t bundle_seq;
    unsigned char hq_key_id[8];
    unsigned version;               /* 1, or 2 with team slots */
    size_t header_len;              /* bytes before the chunks */
    size_t n_team;                  /* team slots (version 2) */
    char team[BUNDLE_MAX_TEAM][17]; /* their device ids */
};

/* A team lead a bundle is sealed to besides HQ. */
struct bundle_recipient {
    char device_id[17];
    unsigned char box_pk[CODEC_BOX_PK_LEN];
};

/* A verified, decrypted bundle. Events and their strings are owned here. */
struct bundle_contents {
    struct bundle_header hdr;
    char sha256[HASH_HEX_LEN + 1]; /* of the whole file */
    char prev_bundle[HASH_HEX_LEN + 1];
    char prev_head[HASH_HEX_LEN + 1];
    char chain_head[HASH_HEX_LEN + 1];
    int64_t first_seq, last_seq;
    struct event *events;
    size_t n_events;
    char **arenas; /* every string the events point at */
    size_t narenas;
};

void bundle_contents_release(struct bundle_contents *c);

/* What bundle_build needs besides the events. */
struct bundle_build_args {
    const struct keys_device *device;
    const unsigned char *hq_box_pk; /* 32 bytes */
    uint64_t bundle_seq;
    const char *prev_bundle; /* hex, 64 zeros for the first bundle */
    int64_t first_seq;       /* seq of events[0], or last acknowledged + 1 when n is 0 */
    const char *prev_head;   /* hash of event first_seq - 1 */
    int64_t created_ms;
    int zstd_level; /* 0: BUNDLE_ZSTD_LEVEL */
    /* team leads it is also sealed to (version 2), any order, no repeats,
     * never the device itself; n_team 0 writes version 1 */
    const struct bundle_recipient *team;
    size_t n_team;
};

/* Builds a complete bundle in out (appended). events must be contiguous
 * events of this device starting at a->first_seq. */
int bundle_build(const struct bundle_build_args *a, const struct event *events, size_t n,
                 struct buf *out, struct fc_error *err);

/* Reads the clear header: magic, version and length caps only, no crypto. */
int bundle_peek(const void *data, size_t len, struct bundle_header *out, struct fc_error *err);

/* Checks the structure and the outer signature with the header's own key
 * (what a device can check of its own bundle; HQ uses bundle_open). */
int bundle_verify_outer(const void *data, size_t len, struct fc_error *err);

/* Where bundle_read delivers what it reads. Either callback may be NULL. */
struct bundle_sink {
    void *ctx;
    /* Once, when the device-signed manifest has been verified: c holds the
     * header, the file's SHA-256, the event range and the heads (no events
     * yet). Returning 1 stops reading (bundle_read then returns 1); a
     * negative code stops it with that error. */
    int (*begin)(void *ctx, const struct bundle_contents *c, struct fc_error *err);
    /* The events in seq order, a batch at a time, each verified against the
     * previous one's hash; they and their strings live until the call
     * returns. Same return convention as begin. */
    int (*events)(void *ctx, const struct event *ev, size_t n, struct fc_error *err);
};

/* Verifies and reads a bundle as bundle_open does, but hands the events to
 * sink as they are decompressed instead of holding them: memory stays at a
 * few MiB whatever the content's size (a compression bomb from an enrolled
 * device costs its window, not its claim). Events reach the sink before the
 * last checks (the entry's SHA-256, the count, the chain's head): the
 * caller keeps them provisional (HQ imports them in a transaction) until
 * bundle_read returns 0. info receives the header, SHA-256, range and heads
 * (its events stay empty). Errors as bundle_open. */
int bundle_read(const void *data, size_t len, const unsigned char device_sign_pk[32],
                const struct keys_hq *hq, const struct bundle_sink *sink,
                struct bundle_contents *info, struct fc_error *err);

/* The same for a team lead (docs/bundle-format.md §6, "Team lead
 * verification"): the bundle must be version 2 with a team slot for the
 * reader's device, opened with its X25519 key; member_sign_pk is the
 * member's key from the team. FC_EVERIFY for a version 1 bundle (sealed to
 * HQ alone) or one without a slot for the reader. */
int bundle_read_team(const void *data, size_t len, const unsigned char member_sign_pk[32],
                     const struct keys_device *reader, const struct bundle_sink *sink,
                     struct bundle_contents *info, struct fc_error *err);

/* Verifies everything (docs/bundle-format.md §6, HQ verification) with the
 * enrolled device key and HQ's keys and fills out. On failure out is empty and
 * err says what failed first (FC_EVERIFY for signatures and keys,
 * FC_EINTEGRITY for content that contradicts itself, FC_EINPUT/FC_ELIMIT for
 * malformed or oversized fields). */
int bundle_open(const void *data, size_t len, const unsigned char device_sign_pk[32],
                const struct keys_hq *hq, struct bundle_contents *out, struct fc_error *err);

struct bundle_export_result {
    char path[4096];
    uint64_t bundle_seq;
    int64_t first_seq, last_seq;
    char sha256[HASH_HEX_LEN + 1];
    size_t size;
};

/* export -o DIR: writes every event after the acknowledged seq as the next
 * bundle DIR/<device>-<bundle_seq>.fcb (temporary name, fsync, rename), reads
 * it back and verifies it, then records it. Deletes nothing. When HQ has
 * acknowledged every event nothing is written: res->path is "" and
 * res->last_seq < res->first_seq. */
int bundle_export(struct store *s, const char *dir, struct bundle_export_result *res,
                  struct fc_error *err);

/* export --from SEQ: the same, starting at from_seq even when HQ already
 * acknowledged it (to send events again), never later than the first event
 * HQ has not acknowledged. from_seq < 1 is FC_EUSAGE; 0 behaves as
 * bundle_export. */
int bundle_export_from(struct store *s, const char *dir, int64_t from_seq,
                       struct bundle_export_result *res, struct fc_error *err);

/* Tests only: lowers the decompressed-size cap (0 restores BUNDLE_MAX_INNER),
 * so a compression bomb can be tested without gigabytes. */
void bundle_set_inner_limit(uint64_t limit);

#endif
