/* pack_load: the .fcpack path of `mission load`. Kept apart from pack.c so
 * that only programs that load packs need the mission loader at link time. */
#include "sync/pack.h"

#include "core/store/syncdb.h"

#include <string.h>

int pack_load(struct store *s, const char *path, int partial, const struct mission_load_sink *sink,
              struct mission_info *info, enum mission_load_status *status, struct fc_error *err)
{
    struct buf dir = BUF_INIT;
    struct pack_manifest m;
    struct mission_info cur;
    char sha[HASH_HEX_LEN + 1];
    int rc = pack_verify_extract(s, path, &dir, &m, sha, err);

    if (rc)
        goto out;
    /* a folder load may already have brought a newer version */
    if (mission_get(s, m.mission_id, &cur, NULL) == FC_OK && cur.version > m.version) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s' is version %lld of mission '%s', older than the loaded "
                          "version %lld: refused",
                          path, (long long)m.version, m.mission_id, (long long)cur.version);
        goto out;
    }
    rc = mission_load(s, dir.ptr, partial, sink, info, status, err);
    if (!rc)
        rc = syncdb_pack_record(s, m.mission_id, m.version, sha, err);
out:
    if (dir.len)
        pack_remove_dir(dir.ptr);
    buf_release(&dir);
    return rc;
}
