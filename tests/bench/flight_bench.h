/* Shared by the flight benchmarks: a clock, a fatal check and the builder
 * of a reference database with N suspicion lines of one hospital. Include it
 * after defining BENCH_NAME (the program name used in messages). */
#ifndef FC_BENCH_FLIGHT_BENCH_H
#define FC_BENCH_FLIGHT_BENCH_H

#include "core/base/error.h"
#include "core/refdb.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
    sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL);
    sqlite3_close(db);
}

#endif
