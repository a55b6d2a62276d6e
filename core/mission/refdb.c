/* Schema of the per-mission reference database. Kept as one text so the
 * loader, the engines and the HQ pack builder agree on it. code_index is a
 * view over the tables' own indexes rather than a copy of their codes: the
 * copy cost the loader three to four B-tree rows per patient. */
#include "core/mission/refdb.h"

#include "core/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fen of one settlement line s (its unit price rounded to the fen). */
#define LINE_FEN "CAST(round(s.qty * round(coalesce(s.unit_price, 0) * 100)) AS INTEGER)"
/* s lies above d's price cap / carries a 20-digit code of another product. */
#define ABOVE_CAP "(d.price_cap IS NOT NULL AND s.unit_price > d.price_cap)"
#define FOREIGN_PREFIX                                                  \
    "(length(s.trace_code) = 20 AND coalesce(d.trace_prefix, '') <> ''" \
    " AND substr(s.trace_code, 1, 7) <> d.trace_prefix)"

const char refdb_schema_sql[] =
    "CREATE TABLE mission (mission_id TEXT NOT NULL, version INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, title TEXT NOT NULL, issued_at TEXT, expires_at TEXT,"
    "  extra TEXT) STRICT;"
    "CREATE TABLE site (site_code TEXT PRIMARY KEY, site_name TEXT NOT NULL,"
    "  site_kind TEXT NOT NULL, level TEXT, region_code TEXT, region_name TEXT,"
    "  bed_count INTEGER, line INTEGER, extra TEXT) STRICT;"
    "CREATE TABLE ward (site_code TEXT NOT NULL, ward_code TEXT NOT NULL, ward TEXT NOT NULL,"
    "  bed_count INTEGER, line INTEGER, extra TEXT,"
    "  PRIMARY KEY (site_code, ward_code)) STRICT;"
    "CREATE TABLE inpatient (site_code TEXT NOT NULL, site_name TEXT, ward_code TEXT NOT NULL,"
    "  ward TEXT, bed TEXT NOT NULL, admission_no TEXT NOT NULL, name TEXT NOT NULL,"
    "  id_number TEXT NOT NULL, sex TEXT, insurance_type TEXT, admitted_on TEXT,"
    "  wristband_code TEXT, line INTEGER, extra TEXT,"
    /* bed is canonical ("1", "12+"); bed_text how the file wrote it when that
     * differs ("01"), for reports */
    "  bed_text TEXT) STRICT;"
    "CREATE TABLE leave (site_code TEXT NOT NULL, admission_no TEXT NOT NULL,"
    "  leave_from TEXT NOT NULL, leave_until TEXT NOT NULL, reason TEXT, approved_by TEXT,"
    "  line INTEGER, extra TEXT) STRICT;"
    "CREATE TABLE drug (site_code TEXT NOT NULL, site_name TEXT, drug_code TEXT NOT NULL,"
    "  name TEXT NOT NULL, spec TEXT, form TEXT, package TEXT, manufacturer TEXT, gtin TEXT,"
    "  trace_prefix TEXT, unit TEXT, pack_factor REAL NOT NULL DEFAULT 1,"
    "  opening_qty REAL NOT NULL DEFAULT 0, purchased_qty REAL NOT NULL DEFAULT 0,"
    "  sold_qty REAL NOT NULL DEFAULT 0, settled_qty REAL NOT NULL DEFAULT 0, book_qty REAL,"
    "  unit_price REAL, price_cap REAL, purchase_return_qty REAL NOT NULL DEFAULT 0,"
    "  sale_return_qty REAL NOT NULL DEFAULT 0, adjust_qty REAL NOT NULL DEFAULT 0,"
    "  insured_sold_qty REAL, line INTEGER, extra TEXT,"
    "  PRIMARY KEY (site_code, drug_code)) STRICT;"
    "CREATE TABLE settlement (settlement_id TEXT NOT NULL, settled_at TEXT,"
    "  site_code TEXT NOT NULL, drug_code TEXT NOT NULL, drug_name TEXT, trace_code TEXT,"
    "  qty REAL NOT NULL, unit TEXT, unit_price REAL, amount REAL, id_number TEXT, name TEXT,"
    "  line INTEGER, extra TEXT) STRICT;"
    "CREATE TABLE suspicion (susp_id TEXT PRIMARY KEY, rule_code TEXT, rule_name TEXT,"
    "  site_code TEXT NOT NULL, site_name TEXT, setl_id TEXT, admission_no TEXT, name TEXT,"
    "  id_number TEXT, item_code TEXT, item_name TEXT, qty REAL, unit_price REAL, amount REAL,"
    "  susp_amount REAL, settled_on TEXT, description TEXT, line INTEGER, extra TEXT) STRICT;"
    "CREATE TABLE scan_pattern (site_code TEXT NOT NULL, kind TEXT NOT NULL, regex TEXT NOT NULL,"
    "  fields TEXT NOT NULL, line INTEGER) STRICT;"
    /* codes no inpatient index serves; see code_index below */
    "CREATE TABLE code_entry (code TEXT NOT NULL, kind TEXT NOT NULL, site_code TEXT NOT NULL,"
    "  ref TEXT NOT NULL) STRICT;"
    /* Each arm's code has an index of its own (refdb_index_sql) except the
     * bed labels', which refdb_resolve finds through inpatient_bed instead
     * (an expression index for them cost the loader 0.6 s per million
     * patients). Two patients listed on one bed (a load warning) give two
     * identical bed_label rows. */
    "CREATE VIEW code_index (code, kind, site_code, ref) AS"
    "  SELECT id_number, 'id_number', site_code, admission_no FROM inpatient"
    "  UNION ALL SELECT admission_no, 'admission', site_code, admission_no FROM inpatient"
    "  UNION ALL SELECT wristband_code, 'wristband', site_code, admission_no FROM inpatient"
    "   WHERE wristband_code IS NOT NULL"
    "  UNION ALL SELECT ward_code || '-' || bed, 'bed_label', site_code,"
    "   ward_code || ':' || bed FROM inpatient WHERE NOT EXISTS"
    "   (SELECT 1 FROM scan_pattern p WHERE p.kind = 'bed_label'"
    "    AND p.site_code = inpatient.site_code)"
    "  UNION ALL SELECT gtin, 'gtin', site_code, drug_code FROM drug WHERE gtin IS NOT NULL"
    "  UNION ALL SELECT trace_code, 'trace_code', site_code, settlement_id FROM settlement"
    "   WHERE trace_code IS NOT NULL"
    "  UNION ALL SELECT code, kind, site_code, ref FROM code_entry;"
    /* rows written to the view (tools, test fixtures) land in code_entry */
    "CREATE TRIGGER code_index_insert INSTEAD OF INSERT ON code_index BEGIN"
    "  INSERT INTO code_entry (code, kind, site_code, ref)"
    "  VALUES (NEW.code, NEW.kind, NEW.site_code, NEW.ref); END;"
    "CREATE TABLE load_warning (kind TEXT NOT NULL, file TEXT, line INTEGER,"
    "  site_code TEXT, message TEXT NOT NULL) STRICT;";

#define INPATIENT_BAND_SQL                                                               \
    "CREATE INDEX IF NOT EXISTS inpatient_band ON inpatient (wristband_code, site_code)" \
    "  WHERE wristband_code IS NOT NULL;"

const char refdb_band_index_sql[] = INPATIENT_BAND_SQL;

#define INPATIENT_BED_SQL \
    "CREATE INDEX IF NOT EXISTS inpatient_bed ON inpatient (site_code, ward_code, bed);"

const char refdb_bed_index_sql[] = INPATIENT_BED_SQL;

const char refdb_index_sql[] = INPATIENT_BED_SQL
    "CREATE INDEX scan_pattern_kind ON scan_pattern (kind, site_code);"
    "CREATE INDEX inpatient_adm ON inpatient (admission_no, site_code);"
    "CREATE INDEX inpatient_id ON inpatient (id_number, site_code);" INPATIENT_BAND_SQL
    "CREATE INDEX leave_adm ON leave (site_code, admission_no);"
    "CREATE INDEX settlement_drug ON settlement (site_code, drug_code);"
    "CREATE INDEX drug_gtin ON drug (gtin, site_code) WHERE gtin IS NOT NULL;"
    /* a traceability code's drug by its 7-digit product prefix, first by code */
    "CREATE INDEX drug_prefix ON drug (site_code, trace_prefix, drug_code);"
    /* covering (drug_code, qty): refdb_aggregate_sql groups a million lines
     * by code through it without reading the table */
    "CREATE INDEX settlement_trace ON settlement (trace_code, site_code, drug_code, qty);"
    "CREATE INDEX suspicion_site ON suspicion (site_code);";

const char refdb_code_index_sql[] = "CREATE INDEX code_entry_code ON code_entry (code, site_code);";

/* Each INSERT walks an index built by refdb_index_sql in its GROUP BY order
 * (settlement_drug, settlement_trace), so SQLite groups without a sorter. */
const char refdb_aggregate_sql[] =
    "CREATE TABLE settlement_drug_total (site_code TEXT NOT NULL, drug_code TEXT NOT NULL,"
    "  qty REAL NOT NULL, fen INTEGER NOT NULL, lines INTEGER NOT NULL,"
    "  cap_lines INTEGER NOT NULL, cap_excess_fen INTEGER NOT NULL, max_unit_price REAL,"
    "  mismatch_qty REAL NOT NULL, mismatch_fen INTEGER NOT NULL,"
    "  PRIMARY KEY (site_code, drug_code)) STRICT, WITHOUT ROWID;"
    "INSERT INTO settlement_drug_total SELECT s.site_code, s.drug_code, total(s.qty),"
    "  coalesce(sum(" LINE_FEN "), 0), count(*), coalesce(sum(" ABOVE_CAP "), 0),"
    "  coalesce(sum(CASE WHEN " ABOVE_CAP " THEN"
    "   CAST(round(s.qty * (round(s.unit_price * 100) - round(d.price_cap * 100))) AS INTEGER)"
    "   ELSE 0 END), 0), max(s.unit_price),"
    "  total(CASE WHEN " FOREIGN_PREFIX " THEN s.qty ELSE 0 END),"
    "  coalesce(sum(CASE WHEN " FOREIGN_PREFIX " THEN " LINE_FEN " ELSE 0 END), 0)"
    "  FROM settlement s JOIN drug d ON d.site_code = s.site_code AND d.drug_code = s.drug_code"
    "  GROUP BY s.site_code, s.drug_code;"
    "CREATE TABLE settlement_code_excess (site_code TEXT NOT NULL, trace_code TEXT NOT NULL,"
    "  drug_code TEXT NOT NULL, qty REAL NOT NULL, fen INTEGER NOT NULL,"
    "  pack_factor REAL NOT NULL, PRIMARY KEY (site_code, trace_code)) STRICT, WITHOUT ROWID;"
    /* money only for the few codes over their pack: the grouping itself
     * reads the covering settlement_trace index, not the lines */
    "INSERT INTO settlement_code_excess SELECT x.site_code, x.trace_code, x.drug_code, x.qty,"
    "  (SELECT coalesce(sum(" LINE_FEN "), 0) FROM settlement s"
    "   WHERE s.trace_code = x.trace_code AND s.site_code = x.site_code), x.pack_factor"
    "  FROM (SELECT s.site_code, s.trace_code, min(s.drug_code) AS drug_code,"
    "   total(s.qty) AS qty, max(d.pack_factor) AS pack_factor FROM settlement s"
    "   JOIN drug d ON d.site_code = s.site_code AND d.drug_code = s.drug_code"
    "   WHERE s.trace_code IS NOT NULL AND s.trace_code <> '' GROUP BY s.trace_code, s.site_code"
    "   HAVING total(s.qty) > max(d.pack_factor) + 1e-9) AS x;"
    "CREATE TABLE settlement_flag (site_code TEXT NOT NULL, drug_code TEXT NOT NULL,"
    "  settlement_id TEXT NOT NULL, trace_code TEXT NOT NULL, above_cap INTEGER NOT NULL,"
    "  foreign_prefix INTEGER NOT NULL) STRICT;"
    "INSERT INTO settlement_flag SELECT s.site_code, s.drug_code, s.settlement_id,"
    "  coalesce(s.trace_code, ''), " ABOVE_CAP " IS 1, " FOREIGN_PREFIX " IS 1"
    /* only the lines of drugs whose totals say they have some (CROSS JOIN
     * keeps the totals as the outer loop) */
    "  FROM settlement_drug_total t CROSS JOIN settlement s ON s.site_code = t.site_code"
    "  AND s.drug_code = t.drug_code CROSS JOIN drug d ON d.site_code = s.site_code"
    "  AND d.drug_code = s.drug_code WHERE (t.cap_lines > 0 OR t.mismatch_qty <> 0)"
    "  AND (" ABOVE_CAP " OR " FOREIGN_PREFIX ")"
    "  ORDER BY s.site_code, s.drug_code, s.rowid;"
    "CREATE INDEX settlement_flag_site ON settlement_flag (site_code);";

/* ---- the resolver ----------------------------------------------------------- */

const char *refdb_kind_name(enum refdb_kind kind)
{
    static const char *const names[REFDB_KIND_COUNT] = {"bed_label", "wristband", "admission",
                                                        "id_number", "gtin",      "trace_code"};

    return kind >= 0 && kind < REFDB_KIND_COUNT ? names[kind] : "";
}

static int kind_of(const char *name)
{
    for (int k = 0; k < REFDB_KIND_COUNT; k++)
        if (!strcmp(name, refdb_kind_name((enum refdb_kind)k)))
            return k;
    return -1;
}

/* One probe per kind, each a SEARCH of one index with ?1 the code (for beds:
 * ward_code, bed) and ?2 the site. The table rows come before code_entry's
 * in the view, so they win a tie of kinds. */
enum probe_id { P_ENTRY = REFDB_KIND_COUNT, P_PATTERN, P_COUNT };

static const char *const probe_sql[P_COUNT] = {
    [REFDB_BED_LABEL] = "SELECT ward_code || ':' || bed FROM %s.inpatient"
                        " WHERE site_code = ?3 AND ward_code = ?1 AND bed = ?2 LIMIT 1",
    [REFDB_WRISTBAND] = "SELECT admission_no FROM %s.inpatient"
                        " WHERE wristband_code = ?1 AND site_code = ?2 LIMIT 1",
    [REFDB_ADMISSION] = "SELECT admission_no FROM %s.inpatient"
                        " WHERE admission_no = ?1 AND site_code = ?2 LIMIT 1",
    [REFDB_ID_NUMBER] = "SELECT admission_no FROM %s.inpatient"
                        " WHERE id_number = ?1 AND site_code = ?2 LIMIT 1",
    [REFDB_GTIN] = "SELECT drug_code FROM %s.drug WHERE gtin = ?1 AND site_code = ?2 LIMIT 1",
    [REFDB_TRACE_CODE] = "SELECT settlement_id FROM %s.settlement"
                         " WHERE trace_code = ?1 AND site_code = ?2 LIMIT 1",
    [P_ENTRY] = "SELECT kind, ref FROM %s.code_entry WHERE code = ?1 AND site_code = ?2",
    [P_PATTERN] = "SELECT 1 FROM %s.scan_pattern WHERE kind = 'bed_label' AND site_code = ?1",
};

struct refdb_resolver {
    sqlite3 *db;
    char *site;
    int default_labels; /* the site has no bed_label pattern: "<ward_code>-<bed>" */
    sqlite3_stmt *st[P_COUNT];
};

static int resolver_fail(sqlite3 *db, struct fc_error *err, const char *what)
{
    return fc_error_setsys(err, FC_EDB, sqlite3_extended_errcode(db), "%s: %s", what,
                           sqlite3_errmsg(db));
}

void refdb_resolver_free(struct refdb_resolver *r)
{
    if (!r)
        return;
    for (int i = 0; i < P_COUNT; i++)
        sqlite3_finalize(r->st[i]);
    free(r->site);
    free(r);
}

long refdb_resolver_fullscan_steps(struct refdb_resolver *r)
{
    long n = 0;

    for (int i = 0; i < P_COUNT; i++)
        n += sqlite3_stmt_status(r->st[i], SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
    return n;
}

int refdb_resolver_new(sqlite3 *db, const char *schema, const char *site_code,
                       struct refdb_resolver **out, struct fc_error *err)
{
    struct refdb_resolver *r = xcalloc(1, sizeof(*r));
    int rc = FC_OK, step;

    *out = NULL;
    r->db = db;
    r->site = xstrdup(site_code);
    for (int i = 0; i < P_COUNT && !rc; i++) {
        char *sql = sqlite3_mprintf(probe_sql[i], schema);

        if (!sql)
            BUG("out of memory");
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &r->st[i], NULL) !=
            SQLITE_OK)
            rc = resolver_fail(db, err, "cannot prepare the code lookup");
        sqlite3_free(sql);
    }
    if (!rc) {
        sqlite3_bind_text(r->st[P_PATTERN], 1, r->site, -1, SQLITE_STATIC);
        step = sqlite3_step(r->st[P_PATTERN]);
        sqlite3_reset(r->st[P_PATTERN]);
        if (step == SQLITE_DONE)
            r->default_labels = 1;
        else if (step != SQLITE_ROW)
            rc = resolver_fail(db, err, "cannot read scan patterns");
    }
    if (rc) {
        refdb_resolver_free(r);
        return rc;
    }
    *out = r;
    return FC_OK;
}

static void copy_ref(char *out, size_t outsz, const unsigned char *s)
{
    snprintf(out, outsz, "%s", s ? (const char *)s : "");
}

/* 1 and ref when st (bound) gives a row. */
static int probe(struct refdb_resolver *r, sqlite3_stmt *st, char *ref, size_t refsz,
                 struct fc_error *err)
{
    int step = sqlite3_step(st), found = step == SQLITE_ROW;

    if (found)
        copy_ref(ref, refsz, sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (!found && step != SQLITE_DONE)
        return resolver_fail(r->db, err, "cannot look the code up");
    return found;
}

/* A default label is "<ward_code>-<bed>": every '-' may be the separator.
 * Splits are tried left to right, which is inpatient_bed's order of wards
 * that prefix one another, so the first hit is the view's first row. */
static int probe_label(struct refdb_resolver *r, const char *code, char *ref, size_t refsz,
                       struct fc_error *err)
{
    sqlite3_stmt *st = r->st[REFDB_BED_LABEL];
    int found = 0;

    sqlite3_bind_text(st, 3, r->site, -1, SQLITE_STATIC);
    for (const char *dash = strchr(code, '-'); dash && !found; dash = strchr(dash + 1, '-')) {
        const char *bed = dash + 1;
        /* beds are stored canonical (no leading zeros): "W01-01" is bed 1 */
        while (bed[0] == '0' && bed[1] >= '0' && bed[1] <= '9')
            bed++;
        sqlite3_bind_text(st, 1, code, (int)(dash - code), SQLITE_STATIC);
        sqlite3_bind_text(st, 2, bed, -1, SQLITE_STATIC);
        found = probe(r, st, ref, refsz, err);
    }
    return found;
}

int refdb_resolve(struct refdb_resolver *r, const char *code, enum refdb_kind *kind, char *ref,
                  size_t refsz, struct fc_error *err)
{
    sqlite3_stmt *st = r->st[P_ENTRY];
    int best = REFDB_KIND_COUNT, step, found;

    /* code_entry first: its best kind bounds the probes worth making */
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->site, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int k = kind_of((const char *)sqlite3_column_text(st, 0));
        if (k < 0 || k >= best)
            continue;
        best = k;
        copy_ref(ref, refsz, sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return resolver_fail(r->db, err, "cannot look the code up");
    for (int k = 0; k <= best && k < REFDB_KIND_COUNT; k++) {
        if (k == REFDB_BED_LABEL) {
            if (!r->default_labels)
                continue;
            found = probe_label(r, code, ref, refsz, err);
        } else {
            sqlite3_bind_text(r->st[k], 1, code, -1, SQLITE_STATIC);
            sqlite3_bind_text(r->st[k], 2, r->site, -1, SQLITE_STATIC);
            found = probe(r, r->st[k], ref, refsz, err);
        }
        if (found < 0)
            return found;
        if (found) {
            best = k;
            break;
        }
    }
    if (best == REFDB_KIND_COUNT)
        return 0;
    *kind = (enum refdb_kind)best;
    return 1;
}
