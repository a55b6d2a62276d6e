/* pack_load: the .fcpack path of `mission load`. The pack is verified and
 * decrypted into a memory folder (pack_open); the unchanged folder loader
 * then reads it from there, so the device parses exactly what HQ signed and
 * no file of the mission is ever written in clear. pack_load_folder: the
 * folder path, which may not replace a mission that arrived signed. */
#include "sync/pack.h"

#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/syncdb.h"
#include "core/store/teamdb.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The mission.json HQ signed must name the mission the manifest names. */
static int check_mission_json(const struct memdir *files, const struct pack_manifest *m,
                              const char *path, struct fc_error *err)
{
    int fd = memdir_fd(files, "mission.json");
    char text[65537];
    ssize_t n = fd >= 0 ? pread(fd, text, sizeof(text) - 1, 0) : -1;
    json_t *j = NULL;
    const char *id;
    int rc = FC_OK;

    if (n >= 0) {
        text[n] = '\0';
        j = json_loadb(text, (size_t)n, 0, NULL);
    }
    id = json_string_value(json_object_get(j, "mission_id"));
    if (!id || strcmp(id, m->mission_id) ||
        json_integer_value(json_object_get(j, "version")) != m->version)
        rc = fc_error_set(err, FC_EVERIFY,
                          "pack '%s': its mission.json names another mission than its manifest",
                          path);
    json_decref(j);
    return rc;
}

/* The team the pack names, recorded for its mission (core/store/teamdb.h)
 * before the pack itself, so that a pack on record always has its team. */
static int team_record_pack(struct store *s, const struct pack_manifest *m, struct fc_error *err)
{
    struct teamdb_member *v = xcalloc(m->n_team, sizeof(*v));
    int rc;

    for (size_t i = 0; i < m->n_team; i++) {
        snprintf(v[i].mission_id, sizeof(v[i].mission_id), "%s", m->mission_id);
        v[i].version = m->version;
        snprintf(v[i].device, sizeof(v[i].device), "%s", m->team[i].device_id);
        memcpy(v[i].sign_pk, m->team[i].sign_pk, sizeof(v[i].sign_pk));
        memcpy(v[i].box_pk, m->team[i].box_pk, sizeof(v[i].box_pk));
        v[i].is_lead = !strcmp(m->team[i].device_id, m->lead);
        snprintf(v[i].expires_at, sizeof(v[i].expires_at), "%s", m->expires_at);
    }
    rc = teamdb_record(s, v, m->n_team, err);
    free(v);
    return rc;
}

int pack_load(struct store *s, const char *path, int partial, const struct mission_load_sink *sink,
              struct mission_info *info, enum mission_load_status *status, struct fc_error *err)
{
    struct memdir *files = NULL;
    struct pack_manifest m;
    char sha[HASH_HEX_LEN + 1];
    int rc = pack_open(s, path, &files, &m, sha, err);

    if (!rc)
        rc = check_mission_json(files, &m, path, err);
    if (!rc)
        rc = mission_load(s, memdir_path(files), partial, sink, info, status, err);
    if (!rc && m.lead[0])
        rc = team_record_pack(s, &m, err);
    if (!rc)
        rc = syncdb_pack_record(s, m.mission_id, m.version, sha, m.signed_by, err);
    memdir_free(files);
    pack_manifest_release(&m);
    return rc;
}

int pack_load_folder(struct store *s, const char *dir, int partial,
                     const struct mission_load_sink *sink, struct mission_info *info,
                     enum mission_load_status *status, struct fc_error *err)
{
    struct buf path = BUF_INIT, text = BUF_INIT;
    json_t *j = NULL;
    const char *id;
    char signer[20];
    int rc;

    /* the loader reports a missing or broken mission.json in its own words */
    buf_addf(&path, "%s/mission.json", dir);
    if (fs_read_file(path.ptr, 65536, &text, NULL) == FC_OK)
        j = json_loadb(text.ptr, text.len, 0, NULL);
    id = json_string_value(json_object_get(j, "mission_id"));
    if (id) {
        rc = syncdb_mission_signer(s, id, 0, signer, NULL);
        if (rc == FC_OK) {
            rc = fc_error_set(err, FC_EVERIFY,
                              "mission '%s' arrived signed by HQ %s: a folder cannot replace it "
                              "(load a pack from HQ); nothing changed",
                              id, signer[0] ? signer : "?");
            goto out;
        }
        if (rc != FC_ENOTFOUND) {
            rc = syncdb_mission_signer(s, id, 0, signer, err);
            goto out;
        }
    }
    rc = mission_load(s, dir, partial, sink, info, status, err);
out:
    json_decref(j);
    buf_release(&path);
    buf_release(&text);
    return rc;
}
