/* Shared by the flight benchmarks: a fatal check and the builder
 * of a reference database with N suspicion lines of one hospital. Include it
 * after defining BENCH_NAME (the program name used in messages). */
#ifndef FC_BENCH_FLIGHT_BENCH_H
#define FC_BENCH_FLIGHT_BENCH_H

#include "core/base/error.h"
#include "core/visit/visit.h"
#include "core/store/store.h"
#include "core/flight/flight.h"
#include "core/base/clock.h"
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/mission/refdb.h"
#include "tests/unit/core/visit_fixture.h"
#include "bench.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die_if(int cond, const char *what, const struct fc_error *err)
{
    if (cond) {
        fprintf(stderr, "%s: %s: %s\n", BENCH_NAME, what, err ? err->msg : "");
        exit(1);
    }
}

static void build_ref(const char *path, long n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char id[32], adm[32], name[32];

    die_if(sqlite3_open(path, &db) != SQLITE_OK, "open ref", NULL);
    sqlite3_exec(db, "PRAGMA journal_mode = OFF", NULL, NULL, NULL);
    die_if(sqlite3_exec(db, refdb_schema_sql, NULL, NULL, NULL) != SQLITE_OK, "schema", NULL);
    sqlite3_exec(db,
                 "BEGIN; INSERT INTO site VALUES ('H11010500001', '第一医院', 'hospital', NULL,"
                 " NULL, NULL, NULL, 2, NULL)",
                 NULL, NULL, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO suspicion VALUES (?1, ?2, '规则', 'H11010500001', '第一医院',"
                       " ?1, ?3, ?4, '110105199001011234', 'X001', '阿莫西林胶囊', 10, 12.5,"
                       " 125.0, 100.0, '2026-01-02', '疑点描述', ?5, NULL)",
                       -1, &st, NULL);
    for (long i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "S%07ld", i);
        snprintf(adm, sizeof(adm), "A%06ld", i % 20000);
        snprintf(name, sizeof(name), "张%ld", i % 1000);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, i % 10 == 0 ? "R01" : "R02", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, adm, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, i + 2);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_exec(db, refdb_index_sql, NULL, NULL, NULL);
    sqlite3_exec(db, "PRAGMA user_version = " REFDB_SCHEMA_VERSION_TEXT, NULL, NULL, NULL);
    sqlite3_close(db);
}

/* A flight benchmark's world: its directory, the device database in it and
 * the flight visit on that. */
struct flight_bench {
    char dir[64];
    struct store *s;
    struct visit v;
};

/* Creates /tmp/fc-bench-<name>-XXXXXX with the reference database of n
 * lines, a device database with a flight visit on it, and records
 * `verdicts` verdicts (and an assignment for every second one), printing
 * how long each part took. */
static void bench_flight_setup(struct flight_bench *b, const char *name, long n, long verdicts)
{
    struct buf p = BUF_INIT;
    struct visit_open_args a;
    struct fc_error err;
    double t0;

    setenv("FIELDCHECK_NOW", "2026-03-01T09:00:00+08:00", 1);
    snprintf(b->dir, sizeof(b->dir), "/tmp/fc-bench-%s-XXXXXX", name);
    die_if(!mkdtemp(b->dir), "mkdtemp", NULL);
    buf_addf(&p, "%s/ref.db", b->dir);
    t0 = bench_now();
    build_ref(p.ptr, n);
    printf("reference database, %ld lines: %.3f s\n", n, bench_now() - t0);
    buf_reset(&p);
    buf_addf(&p, "%s/fc.db", b->dir);
    die_if(store_open(&b->s, p.ptr, &err) != 0, "store", &err);
    buf_reset(&p);
    buf_addf(&p, "%s/ref.db", b->dir);
    die_if(fx_mission_row(b->s, "M1", "flight", p.ptr) != 0, "mission", NULL);
    a = fx_visit_args("M1", "flight", "H11010500001", "刘", "陈", clock_now_ms());
    die_if(visit_open(b->s, &a, &b->v, &err) != 0, "visit", &err);

    t0 = bench_now();
    for (long i = 0; i < verdicts; i++) {
        struct flight_verify_args va;
        char id[32];

        memset(&va, 0, sizeof(va));
        snprintf(id, sizeof(id), "S%07ld", i * 20);
        va.susp_id = id;
        va.verdict = i % 3 == 0 ? "CONFIRMED" : i % 3 == 1 ? "PARTIAL" : "REFUTED";
        va.amount = i % 3 == 1 ? "50.5" : NULL;
        va.at_ms = a.at_ms;
        die_if(flight_susp_verify(b->s, b->v.id, &va, NULL, &err) != 0, "verify", &err);
        if (i % 2 == 0)
            die_if(flight_susp_assign(b->s, b->v.id, id, "陈", a.at_ms, NULL, &err) != 0, "assign",
                   &err);
    }
    printf("%ld verdicts + %ld assignments (one commit each): %.3f s (%.2f ms each)\n", verdicts,
           (verdicts + 1) / 2, bench_now() - t0,
           (bench_now() - t0) * 1000 / (double)(verdicts + (verdicts + 1) / 2));
    buf_release(&p);
}

/* Closes the world and removes its directory. */
static void bench_flight_teardown(struct flight_bench *b)
{
    visit_release(&b->v);
    store_close(b->s);
    fs_remove_tree(b->dir);
}

#endif
