/* The device database's mission table: what it knew before a load, and the
 * row a load records (file, SHA-256, per-file counts). */
#include "core/mission/loader.h"

#include "core/store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mission_info_row(sqlite3_stmt *st, void *out)
{
    struct mission_info *m = out;

    memset(m, 0, sizeof(*m));
    snprintf(m->mission_id, sizeof(m->mission_id), "%s", store_col_text(st, 0));
    m->version = sqlite3_column_int64(st, 1);
    snprintf(m->kind, sizeof(m->kind), "%s", store_col_text(st, 2));
    snprintf(m->title, sizeof(m->title), "%s", store_col_text(st, 3));
    snprintf(m->issued_at, sizeof(m->issued_at), "%s", store_col_text(st, 4));
    snprintf(m->expires_at, sizeof(m->expires_at), "%s", store_col_text(st, 5));
    snprintf(m->file, sizeof(m->file), "%s", store_col_text(st, 6));
    snprintf(m->sha256, sizeof(m->sha256), "%s", store_col_text(st, 7));
    snprintf(m->loaded_at, sizeof(m->loaded_at), "%s", store_col_text(st, 8));
    return FC_OK;
}

struct prior_ctx {
    const struct manifest *m;
    struct prior *p;
};

static int prior_row(sqlite3_stmt *st, void *ctx)
{
    const struct prior_ctx *c = ctx;
    int64_t v = sqlite3_column_int64(st, 1);

    if (v > c->p->max_version)
        c->p->max_version = v;
    if (v != c->m->info.version)
        return FC_OK;
    c->p->same_version = 1;
    snprintf(c->p->content, sizeof(c->p->content), "%s", store_col_text(st, 9));
    return mission_info_row(st, &c->p->row);
}

void mission_bind_info(sqlite3_stmt *st, const struct mission_info *info)
{
    store_bind_text(st, 1, info->mission_id);
    sqlite3_bind_int64(st, 2, info->version);
    store_bind_text(st, 3, info->kind);
    store_bind_text(st, 4, info->title);
    store_bind_text(st, 5, info->issued_at[0] ? info->issued_at : NULL);
    store_bind_text(st, 6, info->expires_at[0] ? info->expires_at : NULL);
}

int mission_prior_state(struct store *s, const struct manifest *m, struct prior *p,
                        struct fc_error *err)
{
    struct prior_ctx c = {m, p};

    memset(p, 0, sizeof(*p));
    return store_each_sql(s,
                          "SELECT " INFO_COLS ", json_extract(counts, '$.content_sha256')"
                          " FROM mission WHERE mission_id = ?1 ORDER BY version DESC",
                          m->info.mission_id, prior_row, &c, "cannot read missions", err);
}

int mission_record(struct store *s, const struct manifest *m, const struct loader *L,
                   const char *digest, const char *source, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    json_t *counts = json_object(), *fl = json_object();
    char *counts_text = NULL;
    int rc;

    for (int f = 0; f < F_COUNT; f++) {
        if (!L->stat[f].present)
            continue;
        json_object_set_new(fl, L->stat[f].name[0] ? L->stat[f].name : mission_files[f].file,
                            json_pack("{s:s, s:I, s:I, s:I}", "encoding", L->stat[f].encoding,
                                      "rows", (json_int_t)L->stat[f].rows, "loaded",
                                      (json_int_t)L->stat[f].loaded, "rejected",
                                      (json_int_t)L->stat[f].rejected));
    }
    json_object_set_new(counts, "content_sha256", json_string(digest));
    json_object_set_new(counts, "files", fl);
    counts_text = json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS);
    rc = store_prepare(s,
                       "INSERT OR REPLACE INTO mission (mission_id, version, kind, title,"
                       " issued_at, expires_at, file, sha256, loaded_at, counts, source)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                       &st, err);
    if (rc)
        goto out;
    mission_bind_info(st, &m->info);
    store_bind_text(st, 7, m->info.file);
    store_bind_text(st, 8, m->info.sha256);
    store_bind_text(st, 9, m->info.loaded_at);
    store_bind_text(st, 10, counts_text);
    store_bind_text(st, 11, source);
    rc = store_run(s, st, "cannot record the mission", err);
out:
    free(counts_text);
    json_decref(counts);
    return rc;
}
