/* A device database with a reference file for unit tests, built without the
 * mission loader: a temporary directory holding the device database and a
 * reference database the caller fills (build_ref), ATTACHed as "ref", and
 * one open visit of the given kind. night_fixture.h and the pharmacy tests
 * build their worlds on it. */
#ifndef FC_TEST_STORE_FIXTURE_H
#define FC_TEST_STORE_FIXTURE_H

#include "core/base/clock.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "visit_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fixture {
    char dir[64];
    char db[128];
    char ref[128];
    struct store *s;
    char visit[37];
};

static inline int64_t fx_at(const char *iso)
{
    int64_t ms = 0;
    if (clock_parse(iso, &ms) != 0)
        abort();
    return ms;
}

static inline void fx_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "fixture sql failed: %s\n", msg);
        abort();
    }
}

/* Creates /tmp/fc-<name>-XXXXXX with the reference file build_ref writes,
 * opens the device database with it attached, and opens a visit of kind at
 * site (inspectors One and Two) at the local time opened_at (Asia/Shanghai). */
static inline void fx_open(struct fixture *fx, const char *name, void (*build_ref)(const char *),
                           const char *kind, const char *site, const char *opened_at)
{
    struct visit_open_args a;

    memset(fx, 0, sizeof(*fx));
    setenv("TZ", "Asia/Shanghai", 1);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/fc-%s-XXXXXX", name);
    if (!mkdtemp(fx->dir))
        abort();
    snprintf(fx->db, sizeof(fx->db), "%s/fc.db", fx->dir);
    snprintf(fx->ref, sizeof(fx->ref), "%s/ref.db", fx->dir);
    build_ref(fx->ref);
    if (store_open(&fx->s, fx->db, NULL) != 0 || fx_attach_ref(fx->s, fx->ref) != 0)
        abort();
    a = fx_visit_args("M1", kind, site, "Inspector One", "Inspector Two", fx_at(opened_at));
    fx_visit_open(fx->s, &a, fx->visit);
}

static inline void fx_teardown(struct fixture *fx)
{
    char cmd[160];

    store_close(fx->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
    if (system(cmd) != 0)
        abort();
}

#endif
