/* HQ's schema in both dialects, side by side so they stay the same tables
 * with the same columns (docs/hq-schema.md describes them for analysts).
 * Each list is ordered oldest first; a released step is never edited, a
 * change is a new step. SQLite records its step in PRAGMA user_version,
 * PostgreSQL in meta('schema'). */
#ifndef FC_CORE_HQ_HQSCHEMA_H
#define FC_CORE_HQ_HQSCHEMA_H

#include "core/store/store.h"

/* SQLite: the migrations for store_open_schema. */
extern const struct store_schema hq_schema_sqlite;
/* PostgreSQL: the same steps as statements for one transaction each. */
extern const char *const hq_schema_pg[];
extern const int hq_schema_pg_count;

#endif
