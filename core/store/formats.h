/* Version numbers of the file formats fieldcheck writes and reads, gathered in
 * one header so `fieldcheck --version` and the sync code print and check the
 * same numbers. The database schemas keep their own numbers next to their
 * migrations (store_schema_version(), REFDB_SCHEMA_VERSION). */
#ifndef FC_CORE_FORMATS_H
#define FC_CORE_FORMATS_H

/* The bundle (.fcb) container format written by `fieldcheck export`. Raise it
 * whenever a reader of the previous version could not read the new files. */
#define FC_BUNDLE_FORMAT_VERSION 1

#endif
