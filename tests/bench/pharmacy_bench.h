/* Shared by the pharmacy benchmarks: a reference database of n_drugs drugs at
 * one pharmacy and n_lines settlement lines with traceability codes (every
 * 50th code settled twice, every 40th line above its price cap, every 97th
 * under a foreign prefix), built with SQL so a million lines take seconds.
 * After the rows it runs what the mission loader runs after its rows
 * (core/mission/mission.c build()): refdb_index_sql, refdb_code_index_sql and
 * refdb_aggregate_sql, so the file has the loader's indexes and aggregates. */
#ifndef FC_BENCH_PHARMACY_H
#define FC_BENCH_PHARMACY_H

#include "core/mission/refdb.h"
#include "bench.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "tests/unit/core/visit_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_SITE "P37020304446"
#define BENCH_OPENED_AT 1790000000000LL /* the visit's opening time, ms */
#define BENCH_STR2(x) #x
#define BENCH_STR(x) BENCH_STR2(x)

static inline void bench_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench sql failed: %s\n", msg);
        exit(1);
    }
}

/* Builds the file at path; returns the seconds refdb_aggregate_sql took. */
static inline double bench_build_ref(const char *path, int n_drugs, int n_lines)
{
    double t0;

    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    remove(path);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        exit(1);
    bench_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
    bench_exec(db, refdb_schema_sql);
    bench_exec(db, "BEGIN");
    bench_exec(db, "INSERT INTO mission VALUES ('B1', 1, 'pharmacy', 'bench', NULL, NULL, NULL);"
                   "INSERT INTO site (site_code, site_name, site_kind) VALUES ('" BENCH_SITE
                   "', 'Bench Pharmacy', 'pharmacy');");
    sqlite3_prepare_v2(db,
                       "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
                       " WHERE i + 1 < ?1)"
                       " INSERT INTO drug (site_code, drug_code, name, unit, gtin, trace_prefix,"
                       " pack_factor, opening_qty, purchased_qty, sold_qty, settled_qty,"
                       " unit_price, price_cap)"
                       " SELECT '" BENCH_SITE "', printf('XR05CBA198A00101%07d', i),"
                       " 'drug ' || i, '盒', NULL, printf('8%06d', i),"
                       " CASE WHEN i % 10 = 0 THEN 24 ELSE 1 END, 100 + i % 50, 200,"
                       " 250 + i % 70, 0, 10 + i % 90, 10 + i % 90 FROM n",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, n_drugs);
    if (sqlite3_step(st) != SQLITE_DONE)
        exit(1);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db,
                       "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
                       " WHERE i + 1 < ?1)"
                       " INSERT INTO settlement (settlement_id, site_code, drug_code, trace_code,"
                       " qty, unit_price)"
                       " SELECT 'S' || i, '" BENCH_SITE "', printf('XR05CBA198A00101%07d', k % ?2),"
                       " printf('%07d%013d', CASE WHEN i % 97 = 0 THEN 8999999"
                       "  ELSE 8000000 + k % ?2 END, k),"
                       " 1, 10 + (k % ?2) % 90 + CASE WHEN i % 40 = 0 THEN 0.5 ELSE 0 END"
                       " FROM (SELECT i, CASE WHEN i % 50 = 2 THEN i - 1 ELSE i END AS k FROM n)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, n_lines);
    sqlite3_bind_int(st, 2, n_drugs);
    if (sqlite3_step(st) != SQLITE_DONE)
        exit(1);
    sqlite3_finalize(st);
    /* trace codes need no code_entry rows: code_index reads settlement */
    bench_exec(db, refdb_index_sql);
    bench_exec(db, refdb_code_index_sql);
    t0 = bench_now();
    bench_exec(db, refdb_aggregate_sql);
    t0 = bench_now() - t0;
    bench_exec(db, "COMMIT");
    sqlite3_exec(db, "PRAGMA user_version = " BENCH_STR(REFDB_SCHEMA_VERSION), NULL, NULL, NULL);
    sqlite3_close(db);
    return t0;
}

/* Opens the device database at db with the reference file at ref attached
 * and a pharmacy visit at BENCH_SITE: 0, or -1 with err set where the store
 * said why. */
static inline int bench_open_visit(const char *db, const char *ref, struct store **s,
                                   struct visit *v, struct fc_error *err)
{
    struct visit_open_args a =
        fx_visit_args("B1", "pharmacy", BENCH_SITE, "One", "Two", BENCH_OPENED_AT);

    if (store_open(s, db, err) != 0 || fx_attach_ref(*s, ref) != 0)
        return -1;
    return visit_open(*s, &a, v, err);
}

#endif
