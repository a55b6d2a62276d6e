/* Mission packs (.fcpack, docs/bundle-format.md §5), format version 2: the
 * mission folder's files compressed and encrypted under a random file key
 * sealed to each target device's X25519 key, with an HQ-signed manifest
 * inside and an HQ signature over the whole file.
 *
 * HQ: pack_targets (who may open it), pack_make (snapshot the folder into
 * memory, validate it with the device's loader, then pack_write). Device:
 * pack_open verifies every check of §5 in order, before the loader parses
 * anything, and decrypts into a memory folder (core/base/memdir.h): no byte
 * of the mission reaches a disk in clear; pack_load runs the loader on it. */
#ifndef FC_SYNC_PACK_H
#define FC_SYNC_PACK_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/base/memdir.h"
#include "core/mission/mission.h"
#include "core/store/hash.h"
#include "sync/keys.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct hqdb;

#define PACK_FORMAT_VERSION 2
#define PACK_SLOT_LEN 88 /* device id (8) + sealed file key (80) */
#define PACK_MAX_SLOTS 4096
#define PACK_CHUNK 65536
#define PACK_MAX_PLAIN ((uint64_t)1 << 30)  /* compressed plaintext P */
#define PACK_MAX_INNER ((uint64_t)1 << 30)  /* decompressed content C */
#define PACK_MAX_FILE ((uint64_t)512 << 20) /* one file of the mission */
#define PACK_MAX_MANIFEST (1u << 20)
#define PACK_MAX_FILES 16
/* header length for K slots */
#define PACK_HEADER_LEN(k) (44 + (uint64_t)PACK_SLOT_LEN * (k))
/* the largest pack a reader accepts */
#define PACK_MAX_SIZE                                                                 \
    (PACK_HEADER_LEN(PACK_MAX_SLOTS) + (PACK_MAX_PLAIN / PACK_CHUNK + 1) * (4 + 17) + \
     PACK_MAX_PLAIN + 64)

/* A device a pack is sealed to (and, in a team, a member: its keys). */
struct pack_target {
    char device_id[17];
    unsigned char sign_pk[CODEC_SIGN_PK_LEN];
    unsigned char box_pk[CODEC_BOX_PK_LEN];
};

/* What the signed inner manifest says. */
struct pack_manifest {
    char mission_id[128];
    int64_t version;
    char issued_at[48];
    char expires_at[48];
    size_t n_files;
    size_t n_to;
    int64_t dropped;
    char signed_by[20]; /* fingerprint of the HQ key that signed it (pack_open) */
    /* the team (docs/bundle-format.md §5 "Teams"): lead "" when the pack
     * names none; else every member with its keys, in device id order
     * (malloc'd: pack_manifest_release) */
    char lead[17];
    struct pack_target *team;
    size_t n_team;
};

/* Frees what pack_open allocated in m (its team) and empties it. */
void pack_manifest_release(struct pack_manifest *m);

/* The known mission file names a pack may carry (NULL-terminated). */
extern const char *const pack_file_names[];

/* Writes a pack of the files in the sealed memory folder files (the known
 * names present; mission.json required) for the n targets (1 <= n <=
 * PACK_MAX_SLOTS, any order, no repeats), mode 0600, atomically. dropped
 * goes into the manifest. lead (NULL: no team) makes the targets a team led
 * by that device, which must be one of them (FC_EUSAGE otherwise). sha256
 * (may be NULL) receives the file's hash. */
int pack_write(const struct keys_hq *hq, const struct memdir *files, const struct pack_target *to,
               size_t n, int64_t dropped, const char *lead, const char *out_path,
               char sha256[HASH_HEX_LEN + 1], struct fc_error *err);

/* Verifies the pack at path for this device (docs/bundle-format.md §5,
 * "Verification on the device", steps 1-8) and decrypts its files into a new
 * sealed memory folder below store_dir(s), returned in *files (memdir_free).
 * m receives the manifest (pack_manifest_release) and sha256 the pack file's
 * hash. Every refusal is FC_EVERIFY with its own message; *files is NULL and
 * m empty then. */
int pack_open(struct store *s, const char *path, struct memdir **files, struct pack_manifest *m,
              char sha256[HASH_HEX_LEN + 1], struct fc_error *err);

/* mission load FILE.fcpack: pack_open, mission_load on the memory folder,
 * record the pack, free the folder. Arguments as for mission_load. */
int pack_load(struct store *s, const char *path, int partial, const struct mission_load_sink *sink,
              struct mission_info *info, enum mission_load_status *status, struct fc_error *err);

/* mission load DIR: a mission id that arrived signed (from a pack) cannot be
 * replaced by a folder: FC_EVERIFY naming the HQ that signed it, nothing
 * changed. Otherwise as mission_load. */
int pack_load_folder(struct store *s, const char *dir, int partial,
                     const struct mission_load_sink *sink, struct mission_info *info,
                     enum mission_load_status *status, struct fc_error *err);

/* HQ: the targets of a pack from hq.db. With all, every enrolled device not
 * revoked (FC_ENOTFOUND when there is none); else the n ids, each enrolled
 * and not revoked (FC_ENOTFOUND / FC_ESTATE naming the first that is not).
 * *out is sorted by device id without repeats; free() it. */
int pack_targets(struct hqdb *hqdb, const char *const *ids, size_t n, int all,
                 struct pack_target **out, size_t *n_out, struct fc_error *err);

/* HQ: a team as the pack of a drawn team needs it (hq draw, hq pack --lead):
 * the members' targets as pack_targets gives them for the n device ids, and
 * the lead checked to be one of them (FC_EUSAGE otherwise). Then set
 * pack_make_args to, n_to and lead. */
int pack_team_targets(struct hqdb *hqdb, const char *const *members, size_t n, const char *lead,
                      struct pack_target **out, size_t *n_out, struct fc_error *err);

struct pack_make_args {
    const char *dir;     /* the mission folder */
    const char *out;     /* the pack file to write */
    const char *scratch; /* a private directory for the memory folders and the
                            validation's scratch database (the HQ directory) */
    const struct pack_target *to;
    size_t n_to;
    const char *lead; /* NULL, or the targets are a team with this lead */
    int partial;      /* leave rejected rows out instead of refusing */
    /* the validation's rejects and warnings, as mission load reports them
     * (rejects of every round with --partial); may be NULL */
    const struct mission_load_sink *sink;
};

struct pack_make_result {
    struct pack_manifest m;
    uint64_t dropped; /* rows left out (--partial) */
    char sha256[HASH_HEX_LEN + 1];
};

/* hq pack: snapshots the known files of a->dir into memory (each a regular
 * file, never through a symbolic link: FC_EINPUT otherwise), validates them
 * with the device's mission loader in a scratch database (rejects: FC_EINPUT
 * unless partial, which drops the rejected rows and validates again until
 * none is left), refuses an expired mission (FC_ESTATE), then pack_write. */
int pack_make(const struct keys_hq *hq, const struct pack_make_args *a,
              struct pack_make_result *res, struct fc_error *err);

/* Tests only: lowers the decompressed-size cap (0 restores PACK_MAX_INNER). */
void pack_set_inner_limit(uint64_t limit);

#endif
