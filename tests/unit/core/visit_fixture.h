/* The setup core tests and benchmarks share: a device database in a private
 * temporary directory, a reference file ATTACHed to it as "ref", and the
 * arguments of a visit of mission version 1. Failures abort with a message,
 * so that a test's body only ever sees a working store. store_fixture.h
 * builds its world on these. */
#ifndef FC_TEST_VISIT_FIXTURE_H
#define FC_TEST_VISIT_FIXTURE_H

#include "core/base/fs.h"
#include "core/store/store.h"
#include "core/visit/visit.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A temporary directory, the device database opened in it and, for the
 * tests that open one, a visit's id. */
struct fx_store {
    char dir[64];
    char path[128];
    struct store *s;
    char visit[37];
};

/* Creates /tmp/fc-<name>-XXXXXX and opens (creating) the device database at
 * <dir>/<db>; db may name a subdirectory, which store_open creates. */
static inline void fx_store_open(struct fx_store *t, const char *name, const char *db)
{
    struct fc_error err;

    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "/tmp/fc-%s-XXXXXX", name);
    if (!mkdtemp(t->dir))
        abort();
    snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, db);
    if (store_open(&t->s, t->path, &err) != 0) {
        fprintf(stderr, "cannot open '%s': %s\n", t->path, err.msg);
        abort();
    }
}

/* Closes the database and removes the directory with everything in it. */
static inline void fx_store_close(struct fx_store *t)
{
    store_close(t->s);
    fs_remove_tree(t->dir);
}

/* A cmocka teardown for tests whose state is a calloc'ed struct fx_store. */
static inline int fx_store_teardown(void **state)
{
    fx_store_close(*state);
    free(*state);
    return 0;
}

/* ATTACHes the reference file at path as "ref": 0, or -1. */
static inline int fx_attach_ref(struct store *s, const char *path)
{
    sqlite3_stmt *st = NULL;
    int rc;

    sqlite3_prepare_v2(store_db(s), "ATTACH ?1 AS ref", -1, &st, NULL);
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Runs the statement sql once with the n texts of vals bound to ?1..?n (a
 * NULL binds NULL): 0, or -1. */
static inline int fx_insert_row(sqlite3 *db, const char *sql, int n, const char *const *vals)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    for (int i = 0; rc == SQLITE_OK && i < n; i++)
        rc = sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Registers mission_id version 1 of kind in the mission table with the
 * reference file at ref_path, as the loader would after loading it: 0, or -1. */
static inline int fx_mission_row(struct store *s, const char *mission_id, const char *kind,
                                 const char *ref_path)
{
    const char *row[] = {mission_id, kind, ref_path};

    return fx_insert_row(store_db(s),
                         "INSERT INTO mission (mission_id, version, kind, title, file, sha256,"
                         " loaded_at) VALUES (?1, 1, ?2, 't', ?3, 'x', '2026-03-01T00:00:00Z')",
                         3, row);
}

/* The arguments of a visit of kind at site, mission mission_id version 1,
 * by the inspectors first and second, opened at at_ms; the rest zero. */
static inline struct visit_open_args fx_visit_args(const char *mission_id, const char *kind,
                                                   const char *site, const char *first,
                                                   const char *second, int64_t at_ms)
{
    struct visit_open_args a;

    memset(&a, 0, sizeof(a));
    a.mission_id = mission_id;
    a.mission_version = 1;
    a.site_code = site;
    a.kind = kind;
    a.inspectors[0] = first;
    a.inspectors[1] = second;
    a.at_ms = at_ms;
    return a;
}

/* Opens the visit a describes and copies its id into id; aborts on failure. */
static inline void fx_visit_open(struct store *s, const struct visit_open_args *a, char id[37])
{
    struct visit v;
    struct fc_error err;

    if (visit_open(s, a, &v, &err) != 0) {
        fprintf(stderr, "cannot open the visit: %s\n", err.msg);
        abort();
    }
    snprintf(id, 37, "%s", v.id);
    visit_release(&v);
}

#endif
