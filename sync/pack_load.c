/* pack_load: the .fcpack path of `mission load`. The pack is verified and
 * decrypted into a memory folder (pack_open); the unchanged folder loader
 * then reads it from there, so the device parses exactly what HQ signed and
 * no file of the mission is ever written in clear. */
#include "sync/pack.h"

#include "core/store/syncdb.h"

#include <jansson.h>
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
    if (!rc)
        rc = syncdb_pack_record(s, m.mission_id, m.version, sha, err);
    memdir_free(files);
    return rc;
}
