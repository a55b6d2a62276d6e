/* mission.json: the mission's identity, kind and validity, checked; which
 * files a kind needs; the digest of the folder's content for reloads. */
#include "core/mission/loader.h"

#include "core/workflow.h"

#include "core/base/clock.h"
#include "core/base/fs.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int valid_mission_id(const char *s)
{
    size_t n = strlen(s);

    if (!n || n > 64 || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static int manifest_time(json_t *root, const char *key, char *out, size_t outsz, const char *path,
                         struct fc_error *err)
{
    json_t *v = json_object_get(root, key);
    int64_t ms;

    out[0] = 0;
    if (!v || json_is_null(v))
        return FC_OK;
    if (!json_is_string(v) || clock_parse(json_string_value(v), &ms))
        return fc_error_set(err, FC_EINPUT, "'%s': %s is not an ISO 8601 time", path, key);
    {
        time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return FC_OK;
}

int manifest_read(const char *dir, struct manifest *m, struct fc_error *err)
{
    struct buf path = BUF_INIT;
    json_t *root = NULL, *v, *extra = NULL;
    json_error_t jerr;
    const char *key;
    int rc = FC_OK;

    memset(m, 0, sizeof(*m));
    buf_addf(&path, "%s/mission.json", dir);
    if (!fs_exists(path.ptr)) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' is not a mission folder: no mission.json", dir);
        goto out;
    }
    root = json_load_file(path.ptr, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %d: %s", path.ptr, jerr.line, jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': not a JSON object", path.ptr);
        goto out;
    }
    v = json_object_get(root, "mission_id");
    if (!json_is_string(v) || !valid_mission_id(json_string_value(v))) {
        rc = fc_error_set(err, FC_EINPUT,
                          "'%s': mission_id must be 1-64 letters, digits, '-', '_' or '.'",
                          path.ptr);
        goto out;
    }
    snprintf(m->info.mission_id, sizeof(m->info.mission_id), "%s", json_string_value(v));
    v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000000) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': version must be a whole number >= 1", path.ptr);
        goto out;
    }
    m->info.version = (int64_t)json_integer_value(v);
    v = json_object_get(root, "kind");
    if (!json_is_string(v) ||
        (!workflow_find(json_string_value(v)) && strcmp(json_string_value(v), MISSION_MIXED))) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': kind must be %s or mixed", path.ptr,
                          workflow_kinds(", "));
        goto out;
    }
    snprintf(m->info.kind, sizeof(m->info.kind), "%s", json_string_value(v));
    v = json_object_get(root, "title");
    if (!json_is_string(v) || !json_string_length(v) ||
        json_string_length(v) >= sizeof(m->info.title)) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': title must be a non-empty string", path.ptr);
        goto out;
    }
    snprintf(m->info.title, sizeof(m->info.title), "%s", json_string_value(v));
    rc = manifest_time(root, "issued_at", m->info.issued_at, sizeof(m->info.issued_at), path.ptr,
                       err);
    if (!rc)
        rc = manifest_time(root, "expires_at", m->info.expires_at, sizeof(m->info.expires_at),
                           path.ptr, err);
    if (rc)
        goto out;
    if (m->info.issued_at[0] && m->info.expires_at[0] &&
        strcmp(m->info.expires_at, m->info.issued_at) <= 0) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': expires_at is not after issued_at", path.ptr);
        goto out;
    }
    extra = json_object();
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "mission_id") && strcmp(key, "version") && strcmp(key, "kind") &&
            strcmp(key, "title") && strcmp(key, "issued_at") && strcmp(key, "expires_at"))
            json_object_set(extra, key, v);
    }
    if (json_object_size(extra))
        m->extra = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
out:
    json_decref(root);
    json_decref(extra);
    buf_release(&path);
    return rc;
}

/* Which CSV files a kind needs (at least one of the mask for "mixed"). */
int manifest_check_files(const char *dir, const struct manifest *m, struct fc_error *err)
{
    static const unsigned file_bits[F_COUNT] = {
        [F_SITES] = WORKFLOW_FILE_SITES,           [F_WARDS] = WORKFLOW_FILE_WARDS,
        [F_INPATIENTS] = WORKFLOW_FILE_INPATIENTS, [F_LEAVES] = WORKFLOW_FILE_LEAVES,
        [F_DRUGS] = WORKFLOW_FILE_DRUGS,           [F_SETTLEMENTS] = WORKFLOW_FILE_SETTLEMENTS,
        [F_SUSPICIONS] = WORKFLOW_FILE_SUSPICIONS, [F_PATTERNS] = WORKFLOW_FILE_SCAN_PATTERNS,
    };
    const struct workflow *wf;
    struct buf p = BUF_INIT;
    int have[F_COUNT];
    int rc = FC_OK;

    for (int f = 0; f < F_COUNT; f++) {
        int xlsx;
        have[f] = loader_file_path(dir, (enum file_id)f, &p, &xlsx);
    }
    buf_release(&p);
    wf = workflow_find(m->info.kind);
    if (wf) {
        /* the files of the workflow's kind beside sites.csv */
        for (int f = 0; f < F_COUNT && !rc; f++)
            if ((wf->needs_files & file_bits[f]) && f != F_SITES && !have[f])
                rc = fc_error_set(err, FC_EINPUT, "mission folder '%s': a %s mission needs %s", dir,
                                  wf->kind, mission_files[f].file);
    } else if (!have[F_INPATIENTS] && !have[F_DRUGS] && !have[F_SUSPICIONS]) {
        rc = fc_error_set(err, FC_EINPUT,
                          "mission folder '%s': a mixed mission needs inpatients.csv, drugs.csv "
                          "or suspicions.csv",
                          dir);
    }
    return rc;
}

/* SHA-256 over the names and SHA-256s of mission.json and the known CSV files
 * present: what "the same folder content" means for a reload. With L, the CSV
 * digests are those the loader's reads computed (csv_reader_open_digest), so
 * a fresh load reads each file once; without, the files are read here. */
int manifest_content_digest(const char *dir, const struct loader *L, char hex[HASH_HEX_LEN + 1],
                            struct fc_error *err)
{
    struct hash_ctx ctx;
    struct buf p = BUF_INIT;
    unsigned char h[HASH_LEN];
    int rc = FC_OK;

    hash_init(&ctx);
    for (int f = -1; f < F_COUNT; f++) {
        const char *name = "mission.json";
        int xlsx = 0;
        if (f < 0) {
            buf_reset(&p);
            buf_addf(&p, "%s/%s", dir, name);
        } else if (!loader_file_path(dir, (enum file_id)f, &p, &xlsx)) {
            continue;
        }
        if (f >= 0)
            name = strrchr(p.ptr, '/') + 1; /* a workbook is named as such */
        if (L && f >= 0) {
            if (!L->stat[f].present)
                continue;
            memcpy(h, L->file_digest[f], sizeof(h));
        } else {
            if (!fs_exists(p.ptr))
                continue;
            rc = hash_file(p.ptr, h, NULL, err);
            if (rc)
                goto out;
        }
        hash_update(&ctx, name, strlen(name) + 1);
        hash_update(&ctx, h, sizeof(h));
    }
    hash_final(&ctx, h);
    hash_to_hex(hex, h, sizeof(h));
out:
    buf_release(&p);
    return rc;
}
