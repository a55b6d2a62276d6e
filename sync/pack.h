/* Mission packs (.fcpack, docs/bundle-format.md §5): HQ signs a mission
 * folder; the device verifies signature, target device, expiry and version
 * (no rollback) before any CSV is parsed, then extracts the fixed known file
 * names into a private temporary directory and runs the mission loader. */
#ifndef FC_SYNC_PACK_H
#define FC_SYNC_PACK_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/hash.h"
#include "core/mission/mission.h"
#include "sync/keys.h"

#include <stddef.h>
#include <stdint.h>

struct store;

#define PACK_MAX_FILE ((uint64_t)512 << 20)
#define PACK_MAX_MANIFEST 65536
#define PACK_MAX_FILES 16

struct pack_manifest {
    char mission_id[128];
    int64_t version;
    char issued_at[48];
    char expires_at[48];
    size_t n_files;
    size_t n_to;
};

/* Signs the mission folder dir into out_path (atomic write). to lists target
 * device ids (n_to may be 0: any device). FC_EINPUT when mission.json lacks a
 * field or dir holds no known file. */
int pack_write(const struct keys_hq *hq, const char *dir, const char *const *to, size_t n_to,
               const char *out_path, struct fc_error *err);

/* Verifies the pack at path for this device (every check of §5, in order),
 * then extracts its files into a new private directory whose path is
 * appended to tmpdir; the caller removes it with pack_remove_dir. sha256
 * receives the pack file's hash. Each failure is FC_EVERIFY with its own
 * message ("pack signature does not verify", "pack expired at ...", ...). */
int pack_verify_extract(struct store *s, const char *path, struct buf *tmpdir,
                        struct pack_manifest *m, char sha256[HASH_HEX_LEN + 1],
                        struct fc_error *err);

/* Removes a directory made by pack_verify_extract (known names only). */
void pack_remove_dir(const char *dir);

/* mission load FILE.fcpack: pack_verify_extract, mission_load on the
 * extracted folder, record the pack version, remove the folder. Arguments as
 * for mission_load. (In sync/pack_load.c, so that linking the rest of pack.c
 * does not require the mission loader.) */
int pack_load(struct store *s, const char *path, int partial, const struct mission_load_sink *sink,
              struct mission_info *info, enum mission_load_status *status, struct fc_error *err);

#endif
