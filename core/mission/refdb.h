/* The reference database of one mission version (DESIGN §4): an immutable
 * SQLite file missions/<mission_id>-v<version>.db built by the mission loader
 * and ATTACHed read-only as schema "ref". Events refer to its rows by natural
 * keys (site_code, admission_no, drug_code, ...), never by rowid.
 *
 * Conventions inside the file:
 *  - text as UTF-8; identifiers normalised (resident IDs upper-case X and
 *    ASCII digits, GTINs as GTIN-14, codes trimmed);
 *  - times as ISO 8601 UTC with 'Z'; dates as YYYY-MM-DD;
 *  - quantities in the row's unit and money in yuan, both REAL;
 *  - `extra` holds unknown CSV columns as a JSON object {header: text};
 *  - `line` is the CSV line the row came from, for evidence and messages.
 *
 * code_index maps every scannable code to what it is, so that a scan is one
 * indexed lookup whatever the size of the pack:
 *   kind 'id_number'   code = normalised resident ID,  ref = admission_no
 *   kind 'admission'   code = admission_no,            ref = admission_no
 *   kind 'wristband'   code = wristband_code,          ref = admission_no
 *   kind 'bed_label'   code = default bed label,       ref = "ward_code:bed"
 *   kind 'gtin'        code = GTIN-14,                 ref = drug_code
 *   kind 'trace_code'  code = 20-digit settled code,   ref = settlement_id
 * (site_code says where; one code may appear for several sites.)
 * The default bed label (when a site has no bed_label scan pattern) is
 * "<ward_code>-<bed>", e.g. "W03-12" or "W03-12+" for an extra bed.
 *
 * code_index is a VIEW with those columns: one UNION ALL arm per kind reads
 * inpatient, drug or settlement, and a last arm reads the table code_entry,
 * which holds the labels of beds nobody lies in (wards.csv bed_count) and any
 * row INSERTed into the view (an INSTEAD OF trigger puts it there). Rows come
 * back in no particular order, a code may repeat across kinds, and a bed two
 * patients are listed on gives its label twice. The view is the definition;
 * scans go through refdb_resolve below, which gives the view's most specific
 * row with index probes only. A `code = ?` query on the view itself searches
 * an index in every arm but the bed labels' (a label is an expression of
 * ward_code and bed, which only the resolver takes apart). */
#ifndef FC_CORE_REFDB_H
#define FC_CORE_REFDB_H

#include "core/base/error.h"

#include <sqlite3.h>
#include <stddef.h>

/* Schema of a reference database, applied to an empty file by the loader. */
extern const char refdb_schema_sql[];

/* Indexes, created after the bulk insert (faster than maintaining them). */
extern const char refdb_index_sql[];

/* The wristband index alone (refdb_index_sql has it too, IF NOT EXISTS): a
 * builder whose roster has no wristband column creates it before the bulk
 * insert, where it costs nothing, instead of scanning the table for it. */
extern const char refdb_band_index_sql[];
/* The bed index alone (refdb_index_sql has it too, IF NOT EXISTS): the
 * loader builds it during the insert of a roster that comes grouped by site,
 * as HQ exports it, where each row lands at the index's right edge. */
extern const char refdb_bed_index_sql[];

/* The index of code_entry, created last, once the builder has filled
 * code_entry (a builder runs both texts). */
extern const char refdb_code_index_sql[];

/* Settlement aggregates, created and filled in one go once the tables and
 * refdb_index_sql are in place. They depend only on the file's own drug and
 * settlement rows, so in an immutable file they never go stale, and
 * reconciliation reads about one row per drug instead of grouping a year of
 * settlement lines on every run:
 *   settlement_drug_total   per (site_code, drug_code) with a drug row:
 *                           qty, fen (sum of round(qty * unit price in fen)),
 *                           lines, cap_lines and cap_excess_fen (lines priced
 *                           above the drug's cap), max_unit_price,
 *                           mismatch_qty and mismatch_fen (20-digit codes whose
 *                           product prefix is not the drug's);
 *   settlement_code_excess  per (site_code, trace_code): codes whose settled
 *                           qty exceeds the pack (max pack_factor of their
 *                           drugs): first drug_code, qty, fen, pack_factor;
 *   settlement_flag         the lines above the cap or under a foreign
 *                           prefix, by site, drug and settlement row order.
 * Files loaded before the aggregates existed lack the tables (same layout
 * version otherwise): readers check that the tables exist and else group the
 * settlement lines themselves. */
extern const char refdb_aggregate_sql[];

/* The kinds a scan can resolve to, most specific first: when one code is
 * several things at a site, the first kind here wins. */
enum refdb_kind {
    REFDB_BED_LABEL,
    REFDB_WRISTBAND,
    REFDB_ADMISSION,
    REFDB_ID_NUMBER,
    REFDB_GTIN,
    REFDB_TRACE_CODE,
    REFDB_KIND_COUNT
};

/* code_index's kind text ("bed_label", ...) of kind. */
const char *refdb_kind_name(enum refdb_kind kind);

/* Answers "what is this code at this site" exactly as the most specific row
 * of code_index would (the first row of that kind in the view's order), with
 * one index probe per kind instead of the view: the view's bed-label arm has
 * no index (a label is found by splitting it at each '-' into ward_code and
 * bed and probing inpatient_bed), and probing kinds in order stops at the
 * first hit. Statements are prepared once per resolver, for one site of a
 * reference database attached as schema (e.g. "ref"). */
struct refdb_resolver;

int refdb_resolver_new(sqlite3 *db, const char *schema, const char *site_code,
                       struct refdb_resolver **out, struct fc_error *err);
void refdb_resolver_free(struct refdb_resolver *r);

/* 1 with *kind and ref (truncated to refsz) when code is in the index at the
 * site, 0 when it is not, FC_EDB on a database error. */
int refdb_resolve(struct refdb_resolver *r, const char *code, enum refdb_kind *kind, char *ref,
                  size_t refsz, struct fc_error *err);

/* Rows the resolver's statements have stepped through in full-table scans
 * so far: 0 unless a probe lost its index (for tests). */
long refdb_resolver_fullscan_steps(struct refdb_resolver *r);

/* Version of the layout above, stored in PRAGMA user_version of the file. */
#define REFDB_SCHEMA_VERSION 2
/* The same as text, for "PRAGMA user_version = " REFDB_SCHEMA_VERSION_TEXT. */
#define REFDB_SCHEMA_VERSION_TEXT "2"

#endif
