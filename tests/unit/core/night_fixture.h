/* A small night-check world for unit tests, built without the mission loader:
 * a device database in a temporary directory and a reference database made
 * from refdb_schema_sql with a handful of rows, ATTACHed as "ref".
 *
 * Site H11010500001 (the visit's site), wards W01 (10 beds), W02 (5 beds),
 * W09 (3 beds, never visited). Site H11010500002 lists one more patient (B1),
 * so that person's ID is LISTED_ELSEWHERE. Wristbands: "WB-A1" in the index
 * for A1, and a pattern "^BAND\|([A-Z0-9]+)\|" for the rest. */
#ifndef FC_TEST_NIGHT_FIXTURE_H
#define FC_TEST_NIGHT_FIXTURE_H

#include "store_fixture.h"

#include "core/ident/ident.h"
#include "core/mission/refdb.h"
#include "core/night/night.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FX_SITE "H11010500001"
#define FX_OTHER_SITE "H11010500002"

/* A valid 18-character ID for sequence n (born 1980-01-01, Beijing). */
static inline void fx_id(int n, char out[19])
{
    snprintf(out, 19, "11010519800101%03d", n);
    out[17] = ident_resident_id_check_char(out);
    out[18] = '\0';
}

static inline void fx_patient(sqlite3 *db, const char *site, const char *ward, const char *bed,
                              const char *adm, const char *name, int idn, const char *band)
{
    char id[19], bedref[64], label[64];
    const char *patient[] = {site, ward, bed, adm, name, id, band};
    /* code, kind, site, reference; no wristband row without a wristband */
    const char *codes[][4] = {{id, "id_number", site, adm},
                              {adm, "admission", site, adm},
                              {band, "wristband", site, adm},
                              {label, "bed_label", site, bedref}};

    fx_id(idn, id);
    snprintf(bedref, sizeof(bedref), "%s:%s", ward, bed);
    snprintf(label, sizeof(label), "%s-%s", ward, bed);
    if (fx_insert_row(db,
                      "INSERT INTO inpatient (site_code, ward_code, bed, admission_no, name,"
                      " id_number, wristband_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      7, patient) != 0)
        abort();
    for (int k = 0; k < 4; k++)
        if (codes[k][0] &&
            fx_insert_row(db, "INSERT INTO code_index VALUES (?1, ?2, ?3, ?4)", 4, codes[k]) != 0)
            abort();
}

static inline void fx_build_ref(const char *path)
{
    sqlite3 *db = NULL;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        abort();
    fx_exec(db, refdb_schema_sql);
    fx_exec(db, "BEGIN");
    fx_exec(db, "INSERT INTO mission VALUES ('M1', 1, 'night', 'test', NULL, NULL, NULL);"
                "INSERT INTO site (site_code, site_name, site_kind) VALUES"
                " ('" FX_SITE "', 'First Hospital', 'hospital'),"
                " ('" FX_OTHER_SITE "', 'Second Hospital', 'hospital');"
                "INSERT INTO ward (site_code, ward_code, ward, bed_count) VALUES"
                " ('" FX_SITE "', 'W01', 'Medicine', 10), ('" FX_SITE "', 'W02', 'Surgery', 5),"
                " ('" FX_SITE "', 'W09', 'Paediatrics', 3),"
                " ('" FX_OTHER_SITE "', 'X01', 'Medicine', 20);"
                "INSERT INTO leave (site_code, admission_no, leave_from, leave_until) VALUES"
                " ('" FX_SITE "', 'A3', '2026-11-22T10:00:00Z', '2026-11-23T02:00:00Z'),"
                " ('" FX_SITE "', 'A5', '2026-11-20T10:00:00Z', '2026-11-21T02:00:00Z');"
                "INSERT INTO scan_pattern VALUES ('" FX_SITE "', 'wristband',"
                " '^BAND\\|([A-Z0-9]+)\\|', 'admission_no', 2);");
    fx_patient(db, FX_SITE, "W01", "1", "A1", "张小三", 1, "WB-A1");
    fx_patient(db, FX_SITE, "W01", "2", "A2", "李四", 2, NULL);
    fx_patient(db, FX_SITE, "W01", "3", "A3", "王五", 3, NULL);
    fx_patient(db, FX_SITE, "W01", "4", "A4", "赵六", 4, NULL);
    fx_patient(db, FX_SITE, "W01", "5", "A5", "钱七", 5, NULL);
    fx_patient(db, FX_SITE, "W01", "6", "A6", "孙八", 6, NULL);
    fx_patient(db, FX_SITE, "W02", "1", "A7", "周九", 7, NULL);
    fx_patient(db, FX_SITE, "W02", "2", "A9", "吴十", 9, NULL);
    fx_patient(db, FX_SITE, "W09", "1", "A8", "郑一", 8, NULL);
    fx_patient(db, FX_OTHER_SITE, "X01", "7", "B1", "冯二", 20, NULL);
    fx_exec(db, "COMMIT");
    fx_exec(db, refdb_index_sql);
    fx_exec(db, refdb_code_index_sql);
    sqlite3_close(db);
}

/* Creates the databases, attaches the reference file and opens a night visit
 * at 2026-11-22 19:30 local time. */
static inline void fx_setup(struct fixture *fx)
{
    fx_open(fx, "night", fx_build_ref, "night", FX_SITE, "2026-11-22T19:30:00+08:00");
}

/* The world of the engine tests: the fixture, its night engine and the
 * walk's clock, at 20:00. */
struct world {
    struct fixture fx;
    struct night *n;
    int64_t t;
};

static inline int night_world_setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));

    fx_setup(&w->fx);
    if (night_open(w->fx.s, NULL, &w->n, NULL) != 0)
        abort();
    w->t = fx_at("2026-11-22T20:00:00+08:00");
    *state = w;
    return 0;
}

static inline int night_world_teardown(void **state)
{
    struct world *w = *state;

    night_free(w->n);
    fx_teardown(&w->fx);
    free(w);
    return 0;
}

/* A cmocka test of f in a fresh night world. */
#define NIGHT_TEST(f) cmocka_unit_test_setup_teardown(f, night_world_setup, night_world_teardown)

#endif
