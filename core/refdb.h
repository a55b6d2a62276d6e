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
 * inpatient, drug or settlement through an index on the arm's code
 * expression, and a last arm reads the table code_entry, which holds the
 * labels of beds nobody lies in (wards.csv bed_count) and any row INSERTed
 * into the view (an INSTEAD OF trigger puts it there). A query with
 * `code = ?` (and `site_code = ?`) is pushed into every arm, so a lookup is
 * one index probe per arm. Rows come back in no particular order, a code may
 * repeat across kinds, and a bed two patients are listed on gives its label
 * twice: callers that want one row order by kind and take the first. */
#ifndef FC_CORE_REFDB_H
#define FC_CORE_REFDB_H

/* Schema of a reference database, applied to an empty file by the loader. */
extern const char refdb_schema_sql[];

/* Indexes, created after the bulk insert (faster than maintaining them). */
extern const char refdb_index_sql[];

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

/* Version of the layout above, stored in PRAGMA user_version of the file. */
#define REFDB_SCHEMA_VERSION 1

#endif
